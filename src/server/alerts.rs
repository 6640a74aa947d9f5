//! The boundary where recorded entries are handed to whatever sends notifications (the open
//! alerts themselves are [`crate::store::alerts`]). The server calls [`AlertSink::send`] once for each
//! entry a register request records; [`NotifySink`] sends its changes to the configured channels.

use crate::config::Alerts;
use crate::notify::{self, Context, Secrets};
use crate::report::Report;
use crate::store::{Archive, Entry};
use crate::time;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, mpsc};

pub use crate::store::alerts::{Alert, alert_for, open};

/// What the register request learnt beyond the entry: the report (changes with impact and
/// clients), the owners of each module, and who registered it.
#[derive(Debug, Clone, Copy)]
pub struct Details<'a> {
    /// The report of the registered spec.
    pub report: &'a Report,
    /// Owners of each module (module owners, CODEOWNERS).
    pub owners: &'a BTreeMap<String, Vec<String>>,
    /// Who registered it.
    pub actor: &'a str,
}

/// Where new entries go to be announced. The server calls this once for each entry a register
/// request recorded (with or without an [`alert_for`] it); an implementation must not block
/// for long (queue the work).
pub trait AlertSink: Send + Sync {
    /// One newly recorded entry.
    fn send(&self, entry: &Entry, details: &Details<'_>);
}

/// The sink used when no alert channel is configured: alerts stay visible through
/// `GET /api/api-diff/alert` only.
#[derive(Debug, Default)]
pub struct NoSink;

impl AlertSink for NoSink {
    fn send(&self, _entry: &Entry, _details: &Details<'_>) {}
}

/// One queued notification run.
struct Job {
    report: Report,
    owners: BTreeMap<String, Vec<String>>,
    commit: Option<String>,
    actor: String,
}

/// Sends the changes of recorded entries to the `alerts:` channels of `apidiff.yaml`, like
/// `apidiff check` does ([`notify::alert`]: each channel's threshold, module routing, dedupe by fingerprint in the store, alert
/// records and audit events). One background thread works through the entries in the order
/// they were recorded, so a request never waits for a channel and two registrations of the same
/// change cannot both announce it.
pub struct NotifySink {
    tx: Mutex<mpsc::Sender<Job>>,
}

impl std::fmt::Debug for NotifySink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifySink").finish_non_exhaustive()
    }
}

impl NotifySink {
    /// Starts the delivery thread over its own handle on the store. `log` receives one line
    /// per delivery (the server prints it).
    pub fn start(archive: Archive, alerts: Alerts, root: PathBuf, secrets: Secrets, log: fn(&str)) -> NotifySink {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::spawn(move || {
            while let Ok(job) = rx.recv() {
                let now = crate::time::now_ms();
                let ctx = Context {
                    root: root.clone(),
                    secrets: secrets.clone(),
                    commit: job.commit,
                    actor: Some(job.actor),
                    time: time::format_millis(now),
                    unix: now.div_euclid(1000),
                    owners: job.owners,
                    client_owners: BTreeMap::new(),
                };
                match notify::alert(&archive, &alerts, &job.report, &ctx) {
                    Ok(deliveries) => deliveries.iter().for_each(|d| log(&notify::delivery_line(d))),
                    Err(e) => log(&format!("error: cannot send alerts: {e}")),
                }
            }
        });
        NotifySink { tx: Mutex::new(tx) }
    }
}

impl AlertSink for NotifySink {
    fn send(&self, entry: &Entry, details: &Details<'_>) {
        if details.report.changes.is_empty() {
            return;
        }
        let job = Job {
            report: details.report.clone(),
            owners: details.owners.clone(),
            commit: entry.deploy.clone(),
            actor: details.actor.to_string(),
        };
        if let Ok(tx) = self.tx.lock() {
            let _ = tx.send(job);
        }
    }
}
