//! Delivery entry points for the edges: the channel secrets an alert needs, sending a report's
//! new changes to the configured channels, and the log line of each delivery.

use super::{Context, Secrets};
use crate::config::Alerts;
use crate::error::Result;
use crate::report::{AlertDelivery, Report};
use crate::store::Archive;

impl Secrets {
    /// The values of every variable the channels name, from `lookup` (the CLI passes the
    /// environment).
    pub fn for_channels(alerts: &Alerts, lookup: impl Fn(&str) -> Option<String>) -> Secrets {
        let mut secrets = Secrets::default();
        for ch in &alerts.channels {
            for name in ch.env_names() {
                if let Some(v) = lookup(name) {
                    secrets.0.insert(name.to_string(), v);
                }
            }
        }
        secrets
    }
}

/// Sends the report's new changes to the configured channels (see [`super::run`]): nothing
/// when there is no channel or no change; dedupe and records use the archive when it exists.
pub fn alert(archive: &Archive, alerts: &Alerts, report: &Report, ctx: &Context) -> Result<Vec<AlertDelivery>> {
    if alerts.channels.is_empty() || report.changes.is_empty() {
        return Ok(Vec::new());
    }
    let store = if archive.exists()? { Some(archive) } else { None };
    super::run(store, alerts, report, ctx)
}

/// One line about a delivery, for logs.
pub fn delivery_line(d: &AlertDelivery) -> String {
    match &d.error {
        None => format!(
            "alert: {} ({}) told about {} change{} in module {}{}",
            d.channel,
            d.kind,
            d.changes,
            if d.changes == 1 { "" } else { "s" },
            d.module,
            if d.owners.is_empty() { String::new() } else { format!("; owners {}", d.owners.join(", ")) }
        ),
        Some(e) => format!(
            "{}: alert channel {} ({}) failed for module {}: {e}",
            if d.required { "error" } else { "warning" },
            d.channel,
            d.kind,
            d.module
        ),
    }
}
