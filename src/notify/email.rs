//! Email over SMTP (STARTTLS, implicit TLS or plain for local relays), with a plain-text and an
//! HTML part. Recipients: the channel's `to` list and every owner that is an email address.

use super::{Context, Notice, Retry, Sent};
use crate::config::{Channel, SmtpTls};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

/// Whether an owner entry is an email address (not `@team` or a GitLab group).
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => !user.is_empty() && domain.contains('.') && !domain.contains('@') && !s.contains(char::is_whitespace),
        None => false,
    }
}

/// The recipients of an alert on a channel, deduplicated in order.
pub fn recipients(channel: &Channel, alert: &Notice) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in channel.to.iter().chain(alert.owners.iter().filter(|o| is_email(o))) {
        if !out.iter().any(|x| x.eq_ignore_ascii_case(r)) {
            out.push(r.clone());
        }
    }
    out
}

/// The message.
pub fn message(channel: &Channel, alert: &Notice) -> Result<Message, String> {
    let from: Mailbox = channel.from.as_deref().unwrap_or("").parse().map_err(|e| format!("`from` is not an address: {e}"))?;
    let to = recipients(channel, alert);
    if to.is_empty() {
        return Err("no recipients: set `to`, or give the module owners email addresses".into());
    }
    let mut b = Message::builder()
        .from(from)
        .subject(alert.title())
        .message_id(Some(format!("<{}@apidiff>", &alert.key[..32.min(alert.key.len())])));
    for r in &to {
        b = b.to(r.parse::<Mailbox>().map_err(|e| format!("recipient `{r}` is not an address: {e}"))?);
    }
    b.multipart(MultiPart::alternative_plain_html(alert.text(20), html(alert))).map_err(|e| format!("cannot build the email: {e}"))
}

fn html(alert: &Notice) -> String {
    let e = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut s = format!("<!doctype html><html><body><h2>{}</h2><ul>", e(&alert.title()));
    for c in alert.changes.iter().take(20) {
        s.push_str(&format!("<li><strong>{}</strong> <code>{}</code> {}", c.severity.as_str(), e(&c.id), e(&c.message)));
        if !c.impact.is_empty() {
            s.push_str(&format!(
                "<br>reaches {}",
                c.impact.iter().map(|i| format!("<code>{}</code>", e(&i.module))).collect::<Vec<_>>().join(", ")
            ));
        }
        match &c.clients {
            Some(u) if u.is_empty() => s.push_str("<br>no known client operation uses it"),
            Some(u) => {
                for o in u {
                    s.push_str(&format!(
                        "<br>{} <code>{}</code> at {}:{}",
                        if o.broken { "breaks" } else { "used by" },
                        e(&o.operation),
                        e(&o.file),
                        o.line
                    ));
                }
            }
            None => {}
        }
        s.push_str("</li>");
    }
    s.push_str("</ul>");
    if !alert.owners.is_empty() {
        s.push_str(&format!("<p>Owners: {}</p>", e(&alert.owners.join(", "))));
    }
    if let Some(c) = &alert.commit {
        match &alert.commit_url {
            Some(u) => s.push_str(&format!("<p>Commit: <a href=\"{}\">{}</a></p>", e(u), e(c))),
            None => s.push_str(&format!("<p>Commit: {}</p>", e(c))),
        }
    }
    if let Some(r) = &alert.report_url {
        s.push_str(&format!("<p><a href=\"{}\">Full report</a></p>", e(r)));
    }
    s.push_str("</body></html>");
    s
}

/// Sends the email, retrying on failure.
pub fn send(channel: &Channel, alert: &Notice, ctx: &Context, retry: Retry) -> Sent {
    let server = match ctx.secrets.get(channel.smtp_env.as_deref()).map(str::to_string).or_else(|| channel.smtp.clone()) {
        Some(s) => s,
        None => {
            return Err((0, format!("environment variable {} (the SMTP server) is not set", channel.smtp_env.as_deref().unwrap_or("?"))));
        }
    };
    let default_port = match channel.tls {
        SmtpTls::Starttls => 587,
        SmtpTls::Implicit => 465,
        SmtpTls::None => 25,
    };
    let (host, port) = match server.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<u16>().map_err(|_| (0, format!("SMTP server `{server}`: the port is not a number")))?),
        None => (server.clone(), default_port),
    };
    let message = message(channel, alert).map_err(|e| (0, e))?;
    let mut b = SmtpTransport::builder_dangerous(host.clone()).port(port).timeout(Some(retry.timeout));
    if channel.tls != SmtpTls::None {
        let mut params = TlsParameters::builder(host.clone());
        if let Some(pem) = super::ca_pem(channel, ctx).map_err(|e| (0, e))? {
            params = params.add_root_certificate(Certificate::from_pem(&pem).map_err(|e| (0, format!("CA file is not PEM: {e}")))?);
        }
        let params = params.build_rustls().map_err(|e| (0, format!("TLS setup: {e}")))?;
        b = b.tls(if channel.tls == SmtpTls::Implicit { Tls::Wrapper(params) } else { Tls::Required(params) });
    }
    match (ctx.secrets.get(channel.username_env.as_deref()), ctx.secrets.get(channel.password_env.as_deref())) {
        (Some(u), Some(p)) => b = b.credentials(Credentials::new(u.to_string(), p.to_string())),
        (None, None) if channel.username_env.is_none() && channel.password_env.is_none() => {}
        _ => return Err((0, "SMTP credentials: `username_env` and `password_env` must both name set variables".into())),
    }
    let transport = b.build();
    let (n, err) = retry.run(|| transport.send(&message).map(|_| ()).map_err(|e| e.to_string()));
    match err {
        None => Ok(n),
        Some(e) => Err((n, format!("SMTP {host}:{port}: {e} (after {n} tr{})", if n == 1 { "y" } else { "ies" }))),
    }
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn emails_are_told_apart_from_handles() {
        assert!(is_email("alice@example.com"));
        assert!(!is_email("@team-users"));
        assert!(!is_email("@org/team"));
        assert!(!is_email("bob"));
    }
}
