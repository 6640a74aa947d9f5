//! Slack incoming webhooks: a Block Kit message (header, counts, the top changes with their
//! reach, owners, links) with a plain `text` fallback for notifications.

use super::{Context, Notice, Retry, Sent};
use crate::config::Channel;
use serde_json::{Value, json};

/// How many changes a Slack message lists.
const TOP: usize = 5;

/// The message body.
pub fn message(alert: &Notice) -> Value {
    let c = &alert.counts;
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&format!("API changes in {}", alert.module), 150)}}),
        json!({"type": "section", "fields": [
            {"type": "mrkdwn", "text": format!("*Module*\n`{}`", escape(&alert.module))},
            {"type": "mrkdwn", "text": format!("*Severity*\n:red_circle: {} breaking  :warning: {} warning  :information_source: {} info", c.breaking, c.warning, c.info)},
        ]}),
    ];
    let mut lines = Vec::new();
    for ch in alert.changes.iter().take(TOP) {
        let mut line = format!("• *{}* `{}` {}", ch.severity.as_str(), ch.id, escape(&ch.message));
        if !ch.impact.is_empty() {
            let mods: Vec<String> = ch.impact.iter().map(|i| format!("`{}`", escape(&i.module))).collect();
            line.push_str(&format!("\n    reaches {}", mods.join(", ")));
        }
        match &ch.clients {
            Some(u) if u.is_empty() => line.push_str("\n    no known client operation uses it"),
            Some(u) => {
                let ops: Vec<String> =
                    u.iter().take(3).map(|o| format!("`{}` ({}:{})", escape(&o.operation), escape(&o.file), o.line)).collect();
                line.push_str(&format!("\n    {} {}", if u.iter().any(|o| o.broken) { "breaks" } else { "used by" }, ops.join(", ")));
            }
            None => {}
        }
        lines.push(line);
    }
    if alert.changes.len() > TOP {
        lines.push(format!("_… and {} more_", alert.changes.len() - TOP));
    }
    blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&lines.join("\n"), 2900)}}));
    let mut context = Vec::new();
    if !alert.impacted.is_empty() {
        context.push(format!("*Dependants affected:* {}", alert.impacted.iter().map(|m| escape(m)).collect::<Vec<_>>().join(", ")));
    }
    if !alert.owners.is_empty() {
        context.push(format!("*Owners:* {}", alert.owners.iter().map(|o| escape(o)).collect::<Vec<_>>().join(", ")));
    }
    match (&alert.commit, &alert.commit_url) {
        (Some(c), Some(u)) => context.push(format!("<{}|commit {}>", u, crate::ids::short(c))),
        (Some(c), None) => context.push(format!("commit `{}`", crate::ids::short(c))),
        _ => {}
    }
    if let Some(r) = &alert.report_url {
        context.push(format!("<{r}|full report>"));
    }
    if !context.is_empty() {
        blocks
            .push(json!({"type": "context", "elements": context.iter().map(|t| json!({"type": "mrkdwn", "text": t})).collect::<Vec<_>>()}));
    }
    json!({"text": alert.title(), "blocks": blocks})
}

/// Sends the message to the webhook the channel's `webhook_url_env` holds.
pub fn send(channel: &Channel, alert: &Notice, ctx: &Context, retry: Retry) -> Sent {
    let url = super::url_of(channel.webhook_url_env.as_deref(), None, ctx).map_err(|e| (0, e))?;
    let body = serde_json::to_vec(&message(alert)).unwrap_or_default();
    super::post(channel, ctx, retry, &url, &body, &|| vec![("Content-Type".into(), "application/json".into())])
}

/// mrkdwn escaping: `&`, `<` and `>` only, as Slack asks.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}
