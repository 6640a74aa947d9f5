//! The watch loop, shared by `apidiff watch` and `apidiff serve --watch`: each poll fetches every
//! live source (at most 16 at once), checks the reachable ones against their last archived
//! snapshot (with drift against committed specs), sends alerts through the configured channels
//! (dedupe by fingerprint in the store, so a flapping source alerts once), records what changed,
//! and records a source that is down as an `unreachable` event once per outage (a recovery once
//! too). Modules with sampled response bodies in the usage evidence get payload conformance
//! against what their sources serve now (drift findings, alerted once each). It returns typed
//! outcomes; the edges print or serve them.

use super::{Baseline, Given, Identity, Request, Scope, check, policy_for, record};
use crate::config::Config;
use crate::diff::{Format, Kind, Severity};
use crate::error::Result;
use crate::notify::{self, Secrets};
use crate::policy::FailOn;
use crate::report::{AlertDelivery, Report, ReportChange};
use crate::source::http::{Remote, redact};
use crate::source::live::{self, Answer, Seen};
use crate::spec::LoadOptions;
use crate::spec::bundle::Bundle;
use crate::spec::bundle::sha256_hex;
use crate::store::Archive;
use crate::store::leases::{self, Done, Leases};
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
    /// Which watcher this is (host and process), for its leases and the poll log.
    pub worker: String,
    /// The sampled response shapes read from the store so far (payload conformance), kept
    /// across polls: each usage batch is read once per watcher.
    pub samples: Samples,
}

/// Response shapes by usage batch key, shared by the clones of one [`Watch`].
#[derive(Debug, Clone, Default)]
pub struct Samples(std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<String, Vec<crate::usage::samples::ResponseShape>>>>);

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
    /// Sampled responses of the polled modules that differ from what their sources serve now
    /// (payload conformance, a drift kind; none when `gate.drift` is `off`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conformance: Vec<super::conformance::Finding>,
}

/// Why [`run`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// After one poll (`once`).
    Once,
    /// `stop` was set.
    Asked,
}

/// Sources claimed, fetched and checked together: a poll never holds more than this many
/// sources' bytes and parsed specs at once, whatever the number of sources.
pub const BATCH: usize = 64;

/// How long a lease runs without renewal: half an interval, at least 2 s (it is renewed every
/// third of that while its poll runs), so the sources of a watcher that died are polled by
/// another one within an interval and a half.
pub fn lease_ttl(every: Duration) -> Duration {
    (every / 2).max(Duration::from_secs(2))
}

/// How often a watcher looks for sources that became due: a quarter of the interval, between
/// 100 ms and 1 s.
fn tick(every: Duration) -> Duration {
    (every / 4).clamp(Duration::from_millis(100), Duration::from_secs(1))
}

/// Polls until `stop` is set (checked between rounds, in 100 ms steps, so a poll in flight
/// always finishes and records), or once. Each round polls the sources that are due and that no
/// other watcher of the store holds ([`crate::store::leases`]); each source is next due `every`
/// after its poll began. `on_poll` gets each round that polled something (and each failed
/// round); its error ends the loop (the CLI's choice), or it may log and go on (the server's).
/// `once` polls every source no other watcher holds, due or not. A folder store that another
/// watcher watches is refused ([`crate::ErrorKind::Conflict`]).
pub fn run(
    w: &Watch,
    every: Duration,
    once: bool,
    stop: &AtomicBool,
    on_poll: &mut dyn FnMut(Result<Polled>) -> Result<()>,
) -> Result<Stopped> {
    if !w.archive.exists()? {
        w.archive.create()?;
    }
    let leases = w.archive.store().leases(&w.worker)?;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(Stopped::Asked);
        }
        let polled = poll(w, leases.as_ref(), every, once);
        if once {
            on_poll(polled)?;
            return Ok(Stopped::Once);
        }
        if !matches!(&polled, Ok(p) if p.sources.is_empty()) {
            on_poll(polled)?;
        }
        let until = Instant::now() + tick(every);
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

/// One round: claims the sources that are due (every unheld one when `all`) in batches of
/// [`BATCH`], polls each batch while renewing its leases, and hands them back. Sources that
/// answer what their last poll saw (a `304`, or the same bytes) are neither parsed nor
/// recorded; the others are checked against the archive and recorded.
pub fn poll(w: &Watch, leases: &dyn Leases, every: Duration, all: bool) -> Result<Polled> {
    let now = now_ms();
    if !w.archive.exists()? {
        w.archive.create()?;
    }
    let wanted = super::live_sources(&w.config, &w.modules)?;
    let keys: Vec<String> = wanted.iter().map(|(m, l)| leases::key(m, l)).collect();
    let index: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let mut left = keys.clone();
    let mut polled =
        Polled { time: time::format_millis(now), sources: Vec::new(), alerts: Vec::new(), blocking: 0, conformance: Vec::new() };
    let mut past = Past::default();
    loop {
        let claims = leases.claim(&w.worker, &left, all, lease_ttl(every), BATCH)?;
        if claims.is_empty() {
            break;
        }
        let claimed: BTreeSet<&str> = claims.iter().map(|c| c.key.as_str()).collect();
        left.retain(|k| !claimed.contains(k.as_str()));
        let batch: Vec<(usize, Seen)> = claims.iter().filter_map(|c| Some((*index.get(c.key.as_str())?, c.seen.clone()))).collect();
        let held: Vec<String> = claims.iter().map(|c| c.key.clone()).collect();
        let done = renewing(leases, &w.worker, &held, lease_ttl(every), || poll_batch(w, &wanted, &batch, now, &mut past, &mut polled))?;
        leases.finish(&w.worker, &done, every)?;
    }
    polled.sources.sort_by_key(|s| index.get(leases::key(&s.module, &s.locator).as_str()).copied().unwrap_or(usize::MAX));
    conform(w, now, &mut polled)?;
    Ok(polled)
}

/// Payload conformance of the reachable sources this round polled
/// ([`super::conformance::of_live_sources`]); the findings go into `polled` and, as drift
/// changes at the `gate.drift` level, to the alert channels (whose fingerprint dedupe sends
/// each finding once).
fn conform(w: &Watch, now: i64, polled: &mut Polled) -> Result<()> {
    let Some(severity) = w.config.gate.drift.unwrap_or(crate::policy::Level::Warning).severity() else { return Ok(()) };
    let reached: Vec<(&str, &str)> = polled
        .sources
        .iter()
        .filter(|s| !matches!(s.state, State::Unreachable { .. } | State::Failed { .. }))
        .map(|s| (s.module.as_str(), s.locator.as_str()))
        .collect();
    let policy = w.config.usage.as_ref().map(crate::config::UsageSetting::policy).unwrap_or_default();
    let today = &polled.time[..10.min(polled.time.len())];
    // Snapshots are self-contained bundles: loaded as this poll's check loads them.
    let mut cache = w.samples.0.lock().map_err(|_| crate::error::Error::Internal("watch: the sample cache is poisoned".into()))?;
    let found = super::conformance::of_live_sources(&w.archive, &reached, &LoadOptions::default(), &policy, today, &mut cache)?;
    drop(cache);
    if w.alerts.is_some() && !found.is_empty() {
        let mut report = Report::build(Vec::new(), FailOn::default());
        report.changes = found.iter().map(|f| f.change(severity)).collect();
        // The modules' owners (from the configuration) are told, as for any change.
        let owners = found
            .iter()
            .filter_map(|f| Some((f.module.clone(), w.config.module(&f.module)?.owners.clone())))
            .filter(|(_, o)| !o.is_empty())
            .collect();
        polled.alerts.extend(send(w, &report, now, &owners)?);
    }
    polled.conformance = found;
    Ok(())
}

/// Runs `work` while another thread renews `holder`'s leases on `keys` every third of `ttl`.
fn renewing<T>(leases: &dyn Leases, holder: &str, keys: &[String], ttl: Duration, work: impl FnOnce() -> T) -> T {
    let (done, wait) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            // A failed renewal is not fatal: the finish that follows says whether the lease held.
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(ttl / 3) {
                let _ = leases.renew(holder, keys, ttl);
            }
        });
        let out = work();
        drop(done);
        out
    })
}

/// What earlier polls left in the store, read once per round and only when needed: the open
/// outages (from `live-events`) and each source's last snapshot and format (from the entries).
#[derive(Debug, Default)]
struct Past {
    /// Per (module, locator): the open outage's key and the last snapshot it names.
    outages: Option<HashMap<Place, (String, Option<String>)>>,
    /// Per (module, locator): the last snapshot archived and its format.
    last: Option<HashMap<Place, (Option<String>, Format)>>,
}

/// A live source's place: its module and its locator (without credentials).
type Place = (String, String);

impl Past {
    /// The outage of `module`'s `locator` not followed by a recovery yet: its key and the last
    /// snapshot it names.
    fn open_outage(&mut self, w: &Watch, module: &str, locator: &str) -> Result<Option<(String, Option<String>)>> {
        if self.outages.is_none() {
            let events = w.archive.records("live-events")?;
            let of = |r: &serde_json::Value| {
                let (m, l) = (r["module"].as_str()?.to_string(), r["locator"].as_str()?.to_string());
                let last = r["last_snapshot"].as_str().map(str::to_string);
                Some(((m.clone(), l.clone()), (outage_key(&m, &l, last.as_deref()), last)))
            };
            let recovered: BTreeSet<String> =
                events.iter().filter(|r| r["event"] == "recovered").filter_map(of).map(|(_, (k, _))| k).collect();
            let open = events.iter().filter(|r| r["event"] == "unreachable").filter_map(of).filter(|(_, (k, _))| !recovered.contains(k));
            self.outages = Some(open.collect());
        }
        Ok(self.outages.as_ref().and_then(|o| o.get(&(module.to_string(), locator.to_string()))).cloned())
    }

    /// The last snapshot archived for `module`'s `locator`, and its format.
    fn last(&mut self, w: &Watch, module: &str, locator: &str) -> Result<(Option<String>, Format)> {
        if self.last.is_none() {
            let entries = w.archive.entries()?;
            let latest =
                Archive::latest(&entries).into_iter().map(|e| ((e.module.clone(), e.spec.clone()), (e.snapshot.clone(), e.format)));
            self.last = Some(latest.collect());
        }
        Ok(self.last.as_ref().and_then(|l| l.get(&(module.to_string(), locator.to_string()))).cloned().unwrap_or((None, Format::Any)))
    }
}

/// Polls one batch of claimed sources (index into `wanted`, what the last poll saw), records
/// outages, recoveries and what changed, and returns what to hand back with the leases.
fn poll_batch(
    w: &Watch,
    wanted: &[(&str, &str)],
    batch: &[(usize, Seen)],
    now: i64,
    past: &mut Past,
    polled: &mut Polled,
) -> Result<Vec<Done>> {
    let fetched_at = polled.time.clone();
    let sources: Vec<(String, Seen)> = batch.iter().map(|(i, seen)| (wanted[*i].1.to_string(), seen.clone())).collect();
    let answers = live::poll_all(&sources, &w.remote, live::CONCURRENCY);
    let first = polled.sources.len();
    let (mut given, mut notices, mut done) = (Vec::new(), Vec::new(), Vec::new());
    for ((i, before), answer) in batch.iter().zip(answers) {
        let (module, raw) = wanted[*i];
        let locator = redact(raw);
        let (state, recovered, seen) = match answer {
            Ok((answer, seen)) => {
                let mut back = false;
                if let Some((key, last)) = past.open_outage(w, module, &locator)? {
                    let ev = event(module, &locator, "recovered", None, &fetched_at, last.as_deref());
                    back = w.archive.put_record("live-events", &format!("recovered-{key}"), &ev)?;
                    if back {
                        notices.push(notice(module, &locator, past.last(w, module, &locator)?.1, &key, None));
                    }
                }
                match answer {
                    Answer::New(input) => {
                        let bundle = Bundle { format: String::new(), entry: input.name.clone(), files: [(input.name, input.text)].into() };
                        given.push(Given { module: module.to_string(), bundle });
                    }
                    // The committed spec may have moved even if the service did not: drift is
                    // checked again, with what the service served last (its archived snapshot).
                    Answer::Same if drifts(w, module) => {
                        if let Some(snap) = past.last(w, module, &locator)?.0 {
                            given.push(Given { module: module.to_string(), bundle: w.archive.snapshot(&snap)? });
                        }
                    }
                    Answer::Same => {}
                }
                (State::Unchanged, back, seen)
            }
            Err(e) => {
                let cause = e.to_string();
                let (last, format) = past.last(w, module, &locator)?;
                let key = outage_key(module, &locator, last.as_deref());
                let ev = event(module, &locator, "unreachable", Some(&cause), &fetched_at, last.as_deref());
                let first = w.archive.put_record("live-events", &format!("unreachable-{key}"), &ev)?;
                notices.push(notice(module, &locator, format, &key, Some(&cause)));
                (State::Unreachable { cause, first }, false, before.clone())
            }
        };
        done.push(Done { key: leases::key(module, raw), seen, outcome: String::new() });
        polled.sources.push(SourceStatus { module: module.to_string(), locator, state, recovered, drift: None });
    }
    if !given.is_empty() {
        let (alerts, blocking) = check_and_record(w, now, &polled.time, given, &mut polled.sources[first..])?;
        polled.alerts.extend(alerts);
        polled.blocking += blocking;
    }
    if w.alerts.is_some() && !notices.is_empty() {
        let mut report = Report::build(Vec::new(), FailOn::default());
        report.changes = notices;
        polled.alerts.extend(send(w, &report, now, &Default::default())?);
    }
    for ((d, s), (_, before)) in done.iter_mut().zip(&polled.sources[first..]).zip(batch) {
        d.outcome = s.state.name().to_string();
        // What could not be checked is not remembered: the next poll reads and reports it again.
        if matches!(s.state, State::Failed { .. }) {
            d.seen = before.clone();
        }
    }
    Ok(done)
}

/// Whether a source of `module` is checked for drift: the module has committed specs and
/// `gate.drift` is not `off`.
fn drifts(w: &Watch, module: &str) -> bool {
    w.config.gate.drift.unwrap_or(crate::policy::Level::Warning).severity().is_some()
        && w.config.module(module).is_some_and(|m| !m.specs.is_empty())
}

impl State {
    /// The state's name, as the poll log writes it.
    pub fn name(&self) -> &'static str {
        match self {
            State::Baseline => "baseline",
            State::Unchanged => "unchanged",
            State::Changed { .. } => "changed",
            State::Unreachable { .. } => "unreachable",
            State::Failed { .. } => "failed",
        }
    }
}

/// The record of an outage or a recovery.
fn event(module: &str, locator: &str, kind: &str, cause: Option<&str>, at: &str, last: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "event": kind,
        "module": module,
        "source": "live",
        "locator": locator,
        "cause": cause,
        "time": at,
        "last_snapshot": last,
    })
}

/// An outage (with its cause) or a recovery, as a change the alert channels can carry. Its
/// fingerprint is the outage's key, so the channels' dedupe sends each once.
fn notice(module: &str, locator: &str, format: Format, key: &str, cause: Option<&str>) -> ReportChange {
    let (id, severity, message, kind) = match cause {
        Some(c) => ("live-source-unreachable", Severity::Breaking, format!("live source {locator} is unreachable: {c}"), Kind::Removed),
        None => ("live-source-recovered", Severity::Info, format!("live source {locator} answers again"), Kind::Added),
    };
    ReportChange::notice(id, severity, format, kind, message, (module, locator), format!("{id}-{key}"))
}

/// Checks the sources that served something new (with drift), alerts, records, and fills in
/// their states among `statuses`; returns the alerts sent and the gate's blocking count.
fn check_and_record(
    w: &Watch,
    now: i64,
    time: &str,
    given: Vec<Given>,
    statuses: &mut [SourceStatus],
) -> Result<(Vec<AlertDelivery>, usize)> {
    let today = &time[..10.min(time.len())];
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
            deploy: Some(format!("live-{time}")),
            head: None,
            author: None,
            message: Some(format!("source: live, fetched {time}")),
            actor: w.actor.clone(),
            now,
            via: "watch",
            prs: Vec::new(),
            transitions: true,
        },
    };
    let mut checked = check(&req)?;
    let mut alerts = Vec::new();
    if w.alerts.is_some() && !checked.report.changes.is_empty() {
        alerts = send(w, &checked.report, now, &checked.owners.owners)?;
        checked.report.alerts = alerts.clone();
    }
    let recorded = record(&req, &checked)?;
    let written: BTreeSet<&str> = recorded.written.iter().map(|e| e.spec.as_str()).collect();
    for s in &checked.specs {
        let Some(status) = statuses.iter_mut().find(|x| x.module == s.module && x.locator == s.path) else { continue };
        status.state = if !written.contains(s.path.as_str()) {
            State::Unchanged
        } else if s.previous.is_none() {
            State::Baseline
        } else {
            State::Changed { changes: s.changes.len() }
        };
    }
    // Drift pairs name the deployed side `<locator> (deployed)`; their changes carry the prefix.
    for status in statuses.iter_mut().filter(|s| !matches!(s.state, State::Unreachable { .. })) {
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
        if let Some(status) = statuses.iter_mut().find(|x| x.locator == e.spec) {
            status.state = State::Failed { cause: e.message.clone() };
        }
    }
    Ok((alerts, checked.report.gate.blocking))
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
