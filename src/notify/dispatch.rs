//! Sending: which channels get which module's changes (thresholds, routing, dedupe by
//! fingerprint), one delivery per channel with retries, and the record of each in the store.

use super::alert::{Context, Notice, Retry, alert_key, threshold};

use crate::config::{Alerts, Channel, ChannelKind};
use crate::error::Result;
use crate::report::{AlertDelivery, Report, ReportChange};
use crate::spec::bundle::sha256_hex;
use crate::store::{Action, Archive, AuditEvent, Counts};
use std::collections::{BTreeMap, BTreeSet};

/// Sends what is new to every channel, records each attempt (store record and audit event)
/// and returns the deliveries. Changes a channel already announced (by fingerprint) are not
/// sent again. Fails only for store errors; a failed channel is a delivery with an error.
pub fn run(archive: Option<&Archive>, alerts: &Alerts, report: &Report, ctx: &Context) -> Result<Vec<AlertDelivery>> {
    let mut sent = match archive {
        Some(a) => sent_before(a)?,
        None => BTreeSet::new(),
    };
    let mut out = Vec::new();
    for (i, channel) in alerts.channels.iter().enumerate() {
        let name = channel.display_name(i);
        let min = threshold(alerts, channel);
        let mut by_module: BTreeMap<&str, Vec<&ReportChange>> = BTreeMap::new();
        for c in &report.changes {
            let module = c.module.as_deref().unwrap_or("");
            if c.severity < min || sent.contains(&(name.clone(), c.fingerprint.clone())) {
                continue;
            }
            if !channel.modules.is_empty() && !channel.modules.iter().any(|m| m == module) {
                continue;
            }
            if !by_module.get(module).is_some_and(|v| v.iter().any(|x| x.fingerprint == c.fingerprint)) {
                by_module.entry(module).or_default().push(c);
            }
        }
        for (module, mut changes) in by_module {
            changes.sort_by_key(|c| std::cmp::Reverse(c.severity));
            let alert = build(alerts, module, &changes, ctx);
            // A sent alert's record id comes from channel + key; the same id is claimed before
            // delivering, so when several processes (server replicas) see the same trigger at
            // once, one delivers and the others skip it (a failed delivery releases the claim).
            let sent_id = sha256_hex(format!("{name}\n{}", alert.key).as_bytes())[..24].to_string();
            let holder = format!("{:016x}", crate::store::process_nonce());
            if let Some(a) = archive
                && !a.store().claim(&sent_id, &holder, crate::store::fleet::CLAIM_TTL)?
            {
                continue;
            }
            let retry = Retry::of(alerts, channel);
            let (attempts, error) = deliver(channel, &alert, ctx, retry);
            if let Some(a) = archive {
                a.store().settle(&sent_id, error.is_none())?;
            }
            let fingerprints: Vec<String> = changes.iter().map(|c| c.fingerprint.clone()).collect();
            let status = if error.is_none() { "sent" } else { "failed" };
            let delivery = AlertDelivery {
                channel: name.clone(),
                kind: channel.kind_str().to_string(),
                module: module.to_string(),
                status: status.to_string(),
                attempts,
                error: error.clone(),
                required: channel.required,
                key: alert.key.clone(),
                owners: alert.owners.clone(),
                changes: fingerprints.len(),
            };
            if let Some(a) = archive {
                let record = serde_json::json!({
                    "time": ctx.time,
                    "channel": name,
                    "type": channel.kind_str(),
                    "module": module,
                    "status": status,
                    "attempts": attempts,
                    "error": error,
                    "key": alert.key,
                    "commit": ctx.commit,
                    "owners": alert.owners,
                    "impacted": alert.impacted,
                    "fingerprints": fingerprints,
                });
                // Concurrent runs that announced the same changes write the same key once;
                // failures are kept apart.
                let id =
                    if error.is_none() { sent_id.clone() } else { format!("failed-{}", crate::store::unique_id(&ctx.time, &alert.key)) };
                a.put_record("alerts", &id, &record)?;
                a.audit(&AuditEvent {
                    id: crate::store::unique_id(&ctx.time, "alert"),
                    time: ctx.time.clone(),
                    actor: ctx.actor.clone(),
                    action: Action::Alert,
                    details: record,
                })?;
            }
            for f in &fingerprints {
                if error.is_none() {
                    sent.insert((name.clone(), f.clone()));
                }
            }
            out.push(delivery);
        }
    }
    Ok(out)
}

/// Every (channel, fingerprint) an earlier run announced, from the store's sent alert records.
fn sent_before(a: &Archive) -> Result<BTreeSet<(String, String)>> {
    let mut sent = BTreeSet::new();
    for r in a.records("alerts")? {
        if r.get("status").and_then(|s| s.as_str()) != Some("sent") {
            continue;
        }
        let ch = r.get("channel").and_then(|s| s.as_str()).unwrap_or_default().to_string();
        for f in r.get("fingerprints").and_then(|f| f.as_array()).into_iter().flatten() {
            if let Some(f) = f.as_str() {
                sent.insert((ch.clone(), f.to_string()));
            }
        }
    }
    Ok(sent)
}

pub(crate) fn build(alerts: &Alerts, module: &str, changes: &[&ReportChange], ctx: &Context) -> Notice {
    let counts = Counts::tally(changes.iter().map(|c| c.severity));
    let mut owners: Vec<String> = ctx.owners.get(module).cloned().unwrap_or_default();
    let mut impacted: Vec<String> = Vec::new();
    for c in changes {
        for i in &c.impact {
            if !impacted.contains(&i.module) {
                impacted.push(i.module.clone());
            }
            for o in i.owners.iter().chain(ctx.owners.get(&i.module).into_iter().flatten()) {
                if !owners.contains(o) {
                    owners.push(o.clone());
                }
            }
        }
    }
    // The owners of the clients a breaking change breaks (by its usage) are told too.
    for c in changes.iter().filter(|c| c.severity == crate::diff::Severity::Breaking) {
        if let Some(crate::usage::Usage::Known(k)) = &c.usage {
            for client in k.top_clients.iter().filter(|t| t.requests > 0) {
                for o in ctx.client_owners.get(&client.client).into_iter().flatten() {
                    if !owners.contains(o) {
                        owners.push(o.clone());
                    }
                }
            }
        }
    }
    let fps: Vec<&str> = changes.iter().map(|c| c.fingerprint.as_str()).collect();
    let fill = |t: &str| t.replace("{commit}", ctx.commit.as_deref().unwrap_or("")).replace("{module}", module);
    Notice {
        key: alert_key(module, &fps),
        module: module.to_string(),
        counts,
        changes: changes.iter().map(|c| (*c).clone()).collect(),
        owners,
        impacted,
        commit: ctx.commit.clone(),
        commit_url: ctx.commit.as_ref().and(alerts.commit_url.as_deref()).map(fill),
        report_url: alerts.report_url.as_deref().map(fill),
        time: ctx.time.clone(),
    }
}

/// Sends one alert on one channel: (attempts, error).
pub fn deliver(channel: &Channel, alert: &Notice, ctx: &Context, retry: Retry) -> (u32, Option<String>) {
    let r = match channel.kind {
        ChannelKind::Slack => super::slack::send(channel, alert, ctx, retry),
        ChannelKind::Webhook => super::webhook::send(channel, alert, ctx, retry),
        ChannelKind::Push => super::push::send(channel, alert, ctx, retry),
        ChannelKind::Email => super::email::send(channel, alert, ctx, retry),
    };
    match r {
        Ok(n) => (n, None),
        Err((n, e)) => (n, Some(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, openapi};
    use crate::usage::{ClientCount, KnownUsage, Usage};

    #[test]
    fn the_owners_of_the_clients_a_break_reaches_are_told() {
        let mut c = Change::new(&openapi::endpoints::ENDPOINT_REMOVED, "removed").operation("POST /pets").finish();
        c.usage = Some(Usage::Known(KnownUsage {
            known: true,
            window: "30d".into(),
            requests: 312,
            clients: 2,
            last_seen: None,
            top_clients: vec![ClientCount { client: "web".into(), requests: 300 }, ClientCount { client: "mobile".into(), requests: 12 }],
            module_requests: 1000,
        }));
        let rc = ReportChange::new(&c, Some("pets"), crate::policy::FailOn::Breaking);
        let mut ctx = Context::default();
        ctx.owners.insert("pets".into(), vec!["pets-team@example.com".into()]);
        ctx.client_owners.insert("mobile".into(), vec!["mobile-team@example.com".into()]);
        ctx.client_owners.insert("batch".into(), vec!["batch-team@example.com".into()]);
        let notice = build(&Alerts::default(), "pets", &[&rc], &ctx);
        assert_eq!(notice.owners, ["pets-team@example.com", "mobile-team@example.com"]);
        assert!(notice.text(5).contains("usage: 312 of 1000 requests in 30 days, by web (300), mobile (12)"), "{}", notice.text(5));
    }
}
