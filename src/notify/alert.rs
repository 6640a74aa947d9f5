//! An alert and what sending it needs: the secrets, the retry policy, the context of a run,
//! thresholds, the HTTP client the channels post through, and the outcome of a delivery.

use crate::config::{Alerts, Channel};
use crate::diff::Severity;
use crate::error::{Error, Result};
use crate::report::{AlertDelivery, ReportChange};
use crate::spec::bundle::sha256_hex;
use crate::store::Counts;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Values of the environment variables the channels name (variable name to value).
#[derive(Debug, Clone, Default)]
pub struct Secrets(pub BTreeMap<String, String>);

impl Secrets {
    /// The value of a named variable, when the name is given and the variable is set.
    pub fn get(&self, name: Option<&str>) -> Option<&str> {
        self.0.get(name?).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// How hard to try: tries per request, the first backoff, the per-request timeout.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Tries per request (at least 1).
    pub tries: u32,
    /// Wait before the second try; doubled before each further one.
    pub backoff: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Retry {
    /// From the alert settings, for one channel.
    pub fn of(alerts: &Alerts, channel: &Channel) -> Retry {
        let secs = channel.timeout_secs.or(alerts.timeout_secs).filter(|s| s.is_finite() && *s > 0.0).unwrap_or(10.0);
        Retry {
            tries: alerts.retries.unwrap_or(3).clamp(1, 10),
            backoff: Duration::from_millis(alerts.backoff_ms.unwrap_or(200).min(60_000)),
            timeout: Duration::from_secs_f64(secs.min(600.0)),
        }
    }

    /// Runs `attempt` until it succeeds or the tries are used up: (attempts made, last error).
    pub fn run(&self, mut attempt: impl FnMut() -> std::result::Result<(), String>) -> (u32, Option<String>) {
        let mut wait = self.backoff;
        let mut last = None;
        for n in 1..=self.tries.max(1) {
            match attempt() {
                Ok(()) => return (n, None),
                Err(e) => last = Some(e),
            }
            if n < self.tries {
                std::thread::sleep(wait);
                wait = wait.saturating_mul(2);
            }
        }
        (self.tries.max(1), last)
    }
}

/// One notice: what is sent to one channel about the new changes of one module that reached its
/// threshold (the alert it belongs to is [`crate::store::alerts::Alert`]).
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// Idempotency key: sha256 of the module and the sorted fingerprints.
    pub key: String,
    /// The module that changed.
    pub module: String,
    /// Severity counts of the changes in the alert.
    pub counts: Counts,
    /// The changes, most severe first.
    pub changes: Vec<ReportChange>,
    /// Who should look: the module's owners and the owners of the modules it reaches.
    pub owners: Vec<String>,
    /// Dependant modules the changes reach.
    pub impacted: Vec<String>,
    /// The commit (deploy id) checked, when known.
    pub commit: Option<String>,
    /// Link to the commit, when configured.
    pub commit_url: Option<String>,
    /// Link to the report, when configured.
    pub report_url: Option<String>,
    /// When (RFC 3339).
    pub time: String,
}

impl Notice {
    /// The highest severity in the alert.
    pub fn top_severity(&self) -> Severity {
        self.changes.iter().map(|c| c.severity).max().unwrap_or(Severity::Info)
    }

    /// A one-line title.
    pub fn title(&self) -> String {
        let c = &self.counts;
        let mut parts = Vec::new();
        if c.breaking > 0 {
            parts.push(format!("{} breaking", c.breaking));
        }
        if c.warning > 0 {
            parts.push(format!("{} warning{}", c.warning, if c.warning == 1 { "" } else { "s" }));
        }
        if c.info > 0 {
            parts.push(format!("{} info", c.info));
        }
        format!(
            "apidiff: {} change{} in module {} ({})",
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.module,
            parts.join(", ")
        )
    }

    /// A plain-text body: the changes (at most `top`), owners, impact and links.
    pub fn text(&self, top: usize) -> String {
        let mut s = format!("{}\n\n", self.title());
        for c in self.changes.iter().take(top) {
            s.push_str(&format!("- [{}] {}: {}\n", c.severity.as_str(), c.id, c.message));
            for i in &c.impact {
                s.push_str(&format!("    reaches module {} ({})\n", i.module, i.uses.as_deref().unwrap_or("uses all of it")));
            }
            match &c.clients {
                Some(uses) if uses.is_empty() => s.push_str("    no known client operation uses it\n"),
                Some(uses) => {
                    for u in uses {
                        s.push_str(&format!("    {} {}:{} {}\n", if u.broken { "breaks" } else { "used by" }, u.file, u.line, u.operation));
                    }
                }
                None => {}
            }
            if let Some(u) = crate::report::usage_line(c) {
                s.push_str(&format!("    {u}\n"));
            }
        }
        if self.changes.len() > top {
            s.push_str(&format!("... and {} more\n", self.changes.len() - top));
        }
        if !self.impacted.is_empty() {
            s.push_str(&format!("\nDependant modules affected: {}\n", self.impacted.join(", ")));
        }
        if !self.owners.is_empty() {
            s.push_str(&format!("Owners: {}\n", self.owners.join(", ")));
        }
        if let Some(c) = &self.commit {
            s.push_str(&format!("Commit: {}\n", self.commit_url.as_deref().unwrap_or(c)));
        }
        if let Some(r) = &self.report_url {
            s.push_str(&format!("Report: {r}\n"));
        }
        s
    }
}

/// The idempotency key of a module's set of changes.
pub fn alert_key(module: &str, fingerprints: &[&str]) -> String {
    let mut f: Vec<&str> = fingerprints.to_vec();
    f.sort_unstable();
    f.dedup();
    sha256_hex(format!("{module}\n{}", f.join("\n")).as_bytes())
}

/// Everything a notification run needs besides the report.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Repository root (CA files are relative to it).
    pub root: PathBuf,
    /// Environment values.
    pub secrets: Secrets,
    /// Commit / deploy id.
    pub commit: Option<String>,
    /// Who runs it (for the audit log).
    pub actor: Option<String>,
    /// Now, RFC 3339.
    pub time: String,
    /// Now, seconds since the epoch (for signatures).
    pub unix: i64,
    /// Owners of each module (module owners, CODEOWNERS of the changed specs).
    pub owners: BTreeMap<String, Vec<String>>,
    /// Owners of each client (`usage.client_owners`): told about breaking changes their
    /// client calls, by the change's usage.
    pub client_owners: BTreeMap<String, Vec<String>>,
}

/// The threshold of a channel.
pub fn threshold(alerts: &Alerts, channel: &Channel) -> Severity {
    channel.min_severity.or(alerts.min_severity).unwrap_or(Severity::Breaking)
}

/// Outcome of a channel's sender: attempts on success, or attempts and the last error.
pub type Sent = std::result::Result<u32, (u32, String)>;

/// The PEM bytes of the channel's extra CA, when it names one.
pub(crate) fn ca_pem(channel: &Channel, ctx: &Context) -> std::result::Result<Option<Vec<u8>>, String> {
    let path = match (ctx.secrets.get(channel.ca_file_env.as_deref()), &channel.ca_file) {
        (Some(p), _) => p.to_string(),
        (None, Some(p)) => p.clone(),
        (None, None) => return Ok(None),
    };
    let full = ctx.root.join(&path);
    crate::source::read_limited(&full, &path, crate::source::MAX_SIDE_FILE_BYTES).map(Some).map_err(|e| format!("cannot read CA file: {e}"))
}

/// A channel's URL: the value of the variable `env` names, else the literal `url`.
pub(crate) fn url_of(env: Option<&str>, literal: Option<&str>, ctx: &Context) -> std::result::Result<String, String> {
    if let Some(v) = ctx.secrets.get(env) {
        return Ok(v.to_string());
    }
    match (literal, env) {
        (Some(u), _) => Ok(u.to_string()),
        (None, Some(e)) => Err(format!("environment variable {e} is not set")),
        (None, None) => Err("no URL configured".into()),
    }
}

/// A blocking HTTP client with the channel's timeout and extra CA.
pub(crate) fn http_client(
    channel: &Channel,
    ctx: &Context,
    retry: Retry,
    url: &str,
) -> std::result::Result<reqwest::blocking::Client, String> {
    use crate::source::client::{ClientOptions, Redirects};
    let options = ClientOptions {
        ca_pem: ca_pem(channel, ctx)?,
        redirects: Redirects::SameOrigin(10),
        ..ClientOptions::new(retry.timeout, Some(url))
    };
    crate::source::client::build(&options).map_err(|e| format!("CA file: {e}"))
}

/// POSTs `body` with `headers` (built fresh per try, e.g. to re-sign), retrying on failure.
pub(crate) fn post(
    channel: &Channel,
    ctx: &Context,
    retry: Retry,
    url: &str,
    body: &[u8],
    headers: &dyn Fn() -> Vec<(String, String)>,
) -> Sent {
    let client = http_client(channel, ctx, retry, url).map_err(|e| (0, e))?;
    let (n, err) = retry.run(|| {
        let mut req = client.post(url).body(body.to_vec());
        for (k, v) in headers() {
            req = req.header(k, v);
        }
        match req.send() {
            Ok(resp) if resp.status().is_success() => Ok(()),
            Ok(resp) => {
                let status = resp.status();
                let text = resp.text().unwrap_or_default();
                Err(format!(
                    "HTTP {status}{}",
                    if text.trim().is_empty() { String::new() } else { format!(": {}", text.trim().chars().take(200).collect::<String>()) }
                ))
            }
            Err(e) => Err(describe(&e)),
        }
    });
    match err {
        None => Ok(n),
        Some(e) => Err((n, format!("{e} (after {n} tr{})", if n == 1 { "y" } else { "ies" }))),
    }
}

pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut s = if e.is_timeout() { "timed out".to_string() } else { e.to_string() };
    let mut src = std::error::Error::source(e);
    let mut depth = 0;
    while let Some(inner) = src
        && depth < 5
    {
        s.push_str(&format!(": {inner}"));
        src = inner.source();
        depth += 1;
    }
    // URLs of Slack webhooks are secrets: never repeat them in messages.
    match s.find("http") {
        Some(i) => format!("{}<url>{}", &s[..i], s[i..].find(|c: char| c.is_whitespace() || c == ')').map_or("", |j| &s[i + j..])),
        None => s,
    }
}

/// HMAC-SHA256 (RFC 2104) in lowercase hex.
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Fails with the required channels that failed, for the CLI.
pub fn required_failures(deliveries: &[AlertDelivery]) -> Result<()> {
    let failed: Vec<String> =
        deliveries.iter().filter(|d| d.required && d.error.is_some()).map(|d| format!("{} ({})", d.channel, d.module)).collect();
    if failed.is_empty() { Ok(()) } else { Err(Error::Usage(format!("required alert channel failed: {}", failed.join(", ")))) }
}
