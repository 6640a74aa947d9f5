//! Push services with a webhook API in the style of ntfy: the text is the body, the title,
//! priority and tags travel in headers.

use super::{Context, Notice, Retry, Sent};
use crate::config::Channel;

/// Sends a push notification.
pub fn send(channel: &Channel, alert: &Notice, ctx: &Context, retry: Retry) -> Sent {
    let url = super::url_of(channel.url_env.as_deref(), channel.url.as_deref(), ctx).map_err(|e| (0, e))?;
    let token = match &channel.token_env {
        Some(name) => Some(
            ctx.secrets.get(Some(name)).ok_or_else(|| (0, format!("environment variable {name} (the push token) is not set")))?.to_string(),
        ),
        None => None,
    };
    let body = alert.text(5).into_bytes();
    let title = ascii(&alert.title());
    let priority = channel.priority.clone().unwrap_or_else(|| "high".into());
    let mut tags = if alert.counts.breaking > 0 { vec!["rotating_light".to_string()] } else { vec!["warning".to_string()] };
    tags.extend(channel.tags.iter().cloned());
    tags.push(format!("module-{}", alert.module));
    let tags = ascii(&tags.join(","));
    super::post(channel, ctx, retry, &url, &body, &|| {
        let mut h = vec![
            ("Content-Type".to_string(), "text/plain; charset=utf-8".to_string()),
            ("Title".to_string(), title.clone()),
            ("Priority".to_string(), priority.clone()),
            ("Tags".to_string(), tags.clone()),
        ];
        if let Some(u) = alert.report_url.as_ref().or(alert.commit_url.as_ref()) {
            h.push(("Click".to_string(), u.clone()));
        }
        if let Some(t) = &token {
            h.push(("Authorization".to_string(), format!("Bearer {t}")));
        }
        h
    })
}

/// Header values must be visible ASCII: anything else becomes `?`.
fn ascii(s: &str) -> String {
    s.chars().map(|c| if c == ' ' || c.is_ascii_graphic() { c } else { '?' }).collect()
}
