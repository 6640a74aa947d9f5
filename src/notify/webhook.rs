//! Generic webhooks: a versioned JSON body (`schema_version`, `event`), signed with
//! HMAC-SHA256 over `timestamp + "." + body` (`X-Apidiff-Signature: sha256=<hex>`,
//! `X-Apidiff-Timestamp`), and an `Idempotency-Key` so receivers can drop repeats.

use super::{Context, Notice, Retry, Sent};
use crate::config::Channel;
use serde_json::{Value, json};

/// Version of the webhook body.
pub const SCHEMA_VERSION: &str = "1";
/// The event name.
pub const EVENT: &str = "apidiff.changes";

/// The JSON body.
pub fn body(alert: &Notice) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "event": EVENT,
        "id": alert.key,
        "time": alert.time,
        "module": alert.module,
        "severity": alert.top_severity().as_str(),
        "summary": alert.counts,
        "title": alert.title(),
        "commit": alert.commit,
        "commit_url": alert.commit_url,
        "report_url": alert.report_url,
        "owners": alert.owners,
        "impacted_modules": alert.impacted,
        "changes": alert.changes,
    })
}

/// The signature header value for a timestamp and body.
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut msg = Vec::with_capacity(timestamp.len() + 1 + body.len());
    msg.extend_from_slice(timestamp.as_bytes());
    msg.push(b'.');
    msg.extend_from_slice(body);
    format!("sha256={}", super::hmac_sha256_hex(secret.as_bytes(), &msg))
}

/// POSTs the body; signs it when the channel names a secret (a named but unset secret is an error).
pub fn send(channel: &Channel, alert: &Notice, ctx: &Context, retry: Retry) -> Sent {
    let url = super::url_of(channel.url_env.as_deref(), channel.url.as_deref(), ctx).map_err(|e| (0, e))?;
    let secret = match &channel.secret_env {
        Some(name) => Some(
            ctx.secrets
                .get(Some(name))
                .ok_or_else(|| (0, format!("environment variable {name} (the signing secret) is not set")))?
                .to_string(),
        ),
        None => None,
    };
    let body = serde_json::to_vec(&body(alert)).unwrap_or_default();
    let key = alert.key.clone();
    let unix = ctx.unix;
    super::post(channel, ctx, retry, &url, &body, &|| {
        let ts = unix.to_string();
        let mut h = vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("Idempotency-Key".to_string(), key.clone()),
            ("X-Apidiff-Event".to_string(), EVENT.to_string()),
            ("X-Apidiff-Timestamp".to_string(), ts.clone()),
        ];
        if let Some(s) = &secret {
            h.push(("X-Apidiff-Signature".to_string(), signature(s, &ts, &body)));
        }
        h
    })
}
