//! The watch loop, shared by `apidiff watch` and `apidiff serve --watch`: each poll fetches every
//! live source (at most 16 at once), checks the reachable ones against their last archived
//! snapshot (with drift against committed specs), sends alerts through the configured channels
//! (dedupe by fingerprint in the store, so a flapping source alerts once), records what changed,
//! and records a source that is down as an `unreachable` event once per outage (a recovery once
//! too). It returns typed outcomes; the edges print or serve them.

use super::{Baseline, Given, Identity, Request, Scope, check, fetch_live, policy_for, record};
use crate::config::Config;
use crate::diff::{Direction, Format, Kind, Severity};
use crate::error::Result;
use crate::notify::{self, Secrets};
use crate::policy::FailOn;
use crate::report::{AlertDelivery, Report, ReportChange};
use crate::source::http::Remote;
use crate::spec::LoadOptions;
use crate::spec::bundle::sha256_hex;
use crate::store::{Archive, Entry};
use crate::time::{self, now_ms};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a watch needs, owned so that a server thread can hold it.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The repository root (ignore file, committed specs for drift).
    pub root: PathBuf,
    /// The configuration (modules with `live:` sources, gate, alert channels).
    pub config: Config,
    /// The store.
    pub archive: Archive,
    /// Only these modules (all when empty).
    pub modules: Vec<String>,
    /// Connection settings of the live sources.
    pub remote: Remote,
    /// The alert channels' secrets; `None` sends no alerts.
    pub alerts: Option<Secrets>,
    /// Who runs it (audit log).
    pub actor: Option<String>,
}

/// What happened to one live source in one poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// First fetch: its snapshot is the baseline now.
    Baseline,
    /// Same as its last snapshot.
    Unchanged,
    /// Changed: this many changes recorded.
    Changed {
        /// Changes from the last snapshot.
        changes: usize,
    },
    /// Could not be fetched or loaded.
    Unreachable {
        /// Why (one line, naming the locator).
        cause: String,
        /// Whether this poll is the first to see this outage (it was recorded and alerted).
        first: bool,
    },
    /// Fetched, but what it serves could not be loaded or compared.
    Failed {
        /// Why (naming the locator).
        cause: String,
    },
}

/// Drift of a live source against its module's committed specs of the same format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "drift", rename_all = "snake_case")]
pub enum Drift {
    /// No committed spec of the same format, or `gate.drift: off`.
    NotChecked,
    /// Deployed and committed agree.
    InSync,
    /// They differ in this many places.
    Drifted {
        /// Differences.
        changes: usize,
    },
}

/// One live source after a poll.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    /// The module that lists it.
    pub module: String,
    /// Its locator, without credentials.
    pub locator: String,
    /// What happened.
    #[serde(flatten)]
    pub state: State,
    /// Whether it answered again after a recorded outage (noted once per outage).
    pub recovered: bool,
    /// Drift, when it was reachable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<Drift>,
}

/// One poll's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Polled {
    /// When it started (RFC 3339).
    pub time: String,
    /// Every live source in scope, in configuration order.
    pub sources: Vec<SourceStatus>,
    /// Alerts sent (changes, drift, outages and recoveries).
    pub alerts: Vec<AlertDelivery>,
    /// The gate's verdict over the reachable sources' changes.
    pub blocking: usize,
}

/// Why [`run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// After one poll (`once`).
    Once,
    /// `stop` was set.
    Asked,
}

/// Polls every `every` until `stop` is set (checked between polls, in 100 ms steps, so a poll in
/// flight always finishes and records), or once. `on_poll` gets each outcome; its error ends the
/// loop (the CLI's choice), or it may log and go on (the server's).
pub fn run(
    w: &Watch,
    every: Duration,
    once: bool,
    stop: &AtomicBool,
    on_poll: &mut dyn FnMut(Result<Polled>) -> Result<()>,
) -> Result<Stopped> {
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(Stopped::Asked);
        }
        on_poll(poll(w))?;
        if once {
            return Ok(Stopped::Once);
        }
        let until = Instant::now() + every;
        while Instant::now() < until {
            if stop.load(Ordering::SeqCst) {
                return Ok(Stopped::Asked);
            }
            std::thread::sleep(Duration::from_millis(100).min(until.saturating_duration_since(Instant::now())));
        }
    }
}

/// The key of one outage: module, locator and the last snapshot it served, so the same outage
/// is one event (and one alert) however many polls see it, and a flapping source that serves
/// the same thing between outages stays one outage.
fn outage_key(module: &str, locator: &str, last: Option<&str>) -> String {
    sha256_hex(format!("{module}\n{locator}\n{}", last.unwrap_or("never")).as_bytes())[..16].to_string()
}

/// One poll (see the module docs).
pub fn poll(w: &Watch) -> Result<Polled> {
    let now = now_ms();
    let fetched_at = time::format_millis(now);
    if !w.archive.exists()? {
        w.archive.create()?;
    }
    let fetched = fetch_live(&w.config, &w.modules, &w.remote)?;
    let entries = w.archive.entries()?;
    let last: HashMap<(&str, &str), &Entry> =
        Archive::latest(&entries).into_iter().map(|e| ((e.module.as_str(), e.spec.as_str()), e)).collect();
    let down: BTreeSet<String> = w
        .archive
        .records("live-events")?
        .iter()
        .filter(|r| r["event"] == "unreachable")
        .filter_map(|r| {
            let (m, l) = (r["module"].as_str()?, r["locator"].as_str()?);
            Some(outage_key(m, l, r["last_snapshot"].as_str()))
        })
        .collect();
    let mut sources = Vec::new();
    let mut notices = Vec::new();
    let mut given = Vec::new();
    for f in fetched {
        let prev = last.get(&(f.module.as_str(), f.locator.as_str()));
        let key = outage_key(&f.module, &f.locator, prev.and_then(|e| e.snapshot.as_deref()));
        let format = prev.map_or(Format::Any, |e| e.format);
        let (state, recovered) = match f.given {
            Ok(g) => {
                let back = down.contains(&key)
                    && w.archive.put_record(
                        "live-events",
                        &format!("recovered-{key}"),
                        &event(&f.module, &f.locator, "recovered", None, &fetched_at, prev),
                    )?;
                if back {
                    notices.push(notice(&f.module, &f.locator, format, &key, None));
                }
                given.push(g);
                (State::Unchanged, back)
            }
            Err(e) => {
                let cause = e.to_string();
                let first = w.archive.put_record(
                    "live-events",
                    &format!("unreachable-{key}"),
                    &event(&f.module, &f.locator, "unreachable", Some(&cause), &fetched_at, prev),
                )?;
                notices.push(notice(&f.module, &f.locator, format, &key, Some(&cause)));
                (State::Unreachable { cause, first }, false)
            }
        };
        sources.push(SourceStatus { module: f.module, locator: f.locator, state, recovered, drift: None });
    }
    let mut polled = Polled { time: fetched_at, sources, alerts: Vec::new(), blocking: 0 };
    if !given.is_empty() {
        check_and_record(w, now, given, &mut polled)?;
    }
    if w.alerts.is_some() && !notices.is_empty() {
        let mut report = Report::build(Vec::new(), FailOn::default());
        report.changes = notices;
        polled.alerts.extend(send(w, &report, now, &Default::default())?);
    }
    Ok(polled)
}

/// The record of an outage or a recovery.
fn event(module: &str, locator: &str, kind: &str, cause: Option<&str>, at: &str, prev: Option<&&Entry>) -> serde_json::Value {
    serde_json::json!({
        "event": kind,
        "module": module,
        "source": "live",
        "locator": locator,
        "cause": cause,
        "time": at,
        "last_snapshot": prev.and_then(|e| e.snapshot.clone()),
    })
}

/// An outage (with its cause) or a recovery, as a change the alert channels can carry. Its
/// fingerprint is the outage's key, so the channels' dedupe sends each once.
fn notice(module: &str, locator: &str, format: Format, key: &str, cause: Option<&str>) -> ReportChange {
    let (id, severity, message, kind) = match cause {
        Some(c) => ("live-source-unreachable", Severity::Breaking, format!("live source {locator} is unreachable: {c}"), Kind::Removed),
        None => ("live-source-recovered", Severity::Info, format!("live source {locator} answers again"), Kind::Added),
    };
    ReportChange {
        id: id.into(),
        severity,
        blocking: false,
        format,
        direction: Direction::None,
        area: "service".into(),
        kind,
        message,
        module: Some(module.to_string()),
        operation: Some(locator.to_string()),
        affected: Vec::new(),
        base: None,
        revision: None,
        before: None,
        after: None,
        fingerprint: format!("{id}-{key}"),
        group: None,
        ignore_reason: None,
        impact: Vec::new(),
        clients: None,
        witness: None,
        approval: None,
        usage: None,
        usage_note: None,
    }
}

/// Checks the reachable sources (with drift), alerts, records, and fills in their states.
fn check_and_record(w: &Watch, now: i64, given: Vec<Given>, polled: &mut Polled) -> Result<()> {
    let today = &polled.time[..10.min(polled.time.len())];
    let fail_on = w.config.gate.fail_on.unwrap_or_default();
    let req = Request {
        policy: policy_for(&w.root, &w.config, &[], fail_on, today)?,
        load: LoadOptions::default(),
        options: crate::diff::Options { today: today.to_string(), proto_category: w.config.protobuf.category(), ..Default::default() },
        baseline: Baseline::Archive,
        scope: Scope::Fetched(given),
        root: w.root.clone(),
        config: &w.config,
        archive: &w.archive,
        identity: Identity {
            deploy: Some(format!("live-{}", polled.time)),
            head: None,
            author: None,
            message: Some(format!("source: live, fetched {}", polled.time)),
            actor: w.actor.clone(),
            now,
            via: "watch",
            prs: Vec::new(),
        },
    };
    let mut checked = check(&req)?;
    if w.alerts.is_some() && !checked.report.changes.is_empty() {
        let deliveries = send(w, &checked.report, now, &checked.owners.owners)?;
        checked.report.alerts = deliveries.clone();
        polled.alerts.extend(deliveries);
    }
    polled.blocking = checked.report.gate.blocking;
    let recorded = record(&req, &checked)?;
    let written: BTreeSet<&str> = recorded.written.iter().map(|e| e.spec.as_str()).collect();
    for s in &checked.specs {
        let Some(status) = polled.sources.iter_mut().find(|x| x.module == s.module && x.locator == s.path) else { continue };
        status.state = if !written.contains(s.path.as_str()) {
            State::Unchanged
        } else if s.previous.is_none() {
            State::Baseline
        } else {
            State::Changed { changes: s.changes.len() }
        };
    }
    // Drift pairs name the deployed side `<locator> (deployed)`; their changes carry the prefix.
    for status in polled.sources.iter_mut().filter(|s| !matches!(s.state, State::Unreachable { .. })) {
        let deployed = format!("{} (deployed)", status.locator);
        status.drift = Some(if !checked.report.specs.iter().any(|p| p.revision == deployed) {
            Drift::NotChecked
        } else {
            let n = checked
                .report
                .changes
                .iter()
                .filter(|c| c.module.as_deref() == Some(status.module.as_str()) && c.message.starts_with(super::drift::PREFIX))
                .count();
            if n == 0 { Drift::InSync } else { Drift::Drifted { changes: n } }
        });
    }
    for e in &checked.report.errors {
        if let Some(status) = polled.sources.iter_mut().find(|x| x.locator == e.spec) {
            status.state = State::Failed { cause: e.message.clone() };
        }
    }
    Ok(())
}

/// Sends a report's changes through the alert channels.
fn send(w: &Watch, report: &Report, now: i64, owners: &std::collections::BTreeMap<String, Vec<String>>) -> Result<Vec<AlertDelivery>> {
    let ctx = notify::Context {
        root: w.root.clone(),
        secrets: w.alerts.clone().unwrap_or_default(),
        commit: Some(format!("live-{}", time::format_millis(now))),
        actor: w.actor.clone(),
        time: time::format_millis(now),
        unix: now.div_euclid(1000),
        owners: owners.clone(),
        client_owners: std::collections::BTreeMap::new(),
    };
    notify::alert(&w.archive, &w.config.alerts, report, &ctx)
}
