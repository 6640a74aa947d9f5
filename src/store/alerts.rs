//! Alerts as the archive holds them: the alert a breaking (or removing) entry raises, and which
//! ones nobody acknowledged yet. The one `Alert` type; what is sent to channels is a
//! [`crate::notify::Notice`].

use super::{Ack, Entry, Risk};
use serde::Serialize;

/// An alert: a recorded entry with breaking changes, or a removed spec.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// The alert's id: the entry's id.
    pub id: String,
    /// The module.
    pub module: String,
    /// The spec.
    pub spec: String,
    /// When it was recorded.
    pub time: String,
    /// Breaking changes.
    pub breaking: usize,
    /// Whether the spec was removed.
    pub removed: bool,
    /// Risk level.
    pub risk: Risk,
    /// Declared dependants the changes reach.
    pub dependants: Vec<String>,
    /// The deploy.
    pub deploy: Option<String>,
    /// Who made the change.
    pub author: Option<String>,
}

/// The alert an entry raises, if any.
pub fn alert_for(e: &Entry) -> Option<Alert> {
    let removed = e.snapshot.is_none();
    (e.counts.breaking > 0 || removed).then(|| Alert {
        id: e.id.clone(),
        module: e.module.clone(),
        spec: e.spec.clone(),
        time: e.time.clone(),
        breaking: e.counts.breaking,
        removed,
        risk: e.risk,
        dependants: e.dependants.clone(),
        deploy: e.deploy.clone(),
        author: e.author.clone(),
    })
}

/// Alerts not acknowledged yet, newest first.
pub fn open(entries: &[Entry], acks: &[Ack]) -> Vec<Alert> {
    let acked: std::collections::HashSet<&str> = acks.iter().map(|a| a.entry.as_str()).collect();
    entries.iter().rev().filter(|e| !acked.contains(e.id.as_str())).filter_map(alert_for).collect()
}
