//! The server's state ([`AppState`]): the archive, config, auth, log and the audit queue, and
//! the error type and guards every handler uses.

use super::auth::{Auth, Identity, Role};
use crate::config::Config;
use crate::error::ErrorKind;
use crate::store::{Archive, AuditEvent, EntryCache};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long the server trusts its view of the entries before listing the store again, on a
/// store that does not notify writes (writes by other processes, e.g. `apidiff check --record`,
/// show up within this time; the server's own writes immediately). On Postgres, writes by any
/// process are notified (`LISTEN/NOTIFY`) and the view is re-read only after one.
pub const ENTRY_TTL: Duration = Duration::from_secs(1);

/// Largest register body (a spec can be big).
pub const REGISTER_LIMIT: usize = 20 * 1024 * 1024;

/// Largest body of any other request.
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// Longest a request may take.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Everything a request handler needs.
pub struct AppState {
    /// The store.
    pub archive: Archive,
    /// The repository configuration (modules, dependencies, severity overrides).
    pub config: Config,
    /// The repository root (for the ignore file).
    pub root: PathBuf,
    /// The token verifier.
    pub auth: Auth,
    /// The store's pseudonym salt.
    pub salt: String,
    /// Where alerts go (see [`alerts`]).
    pub sink: Arc<dyn super::alerts::AlertSink>,
    /// Where log lines go (the CLI's stderr), and whether each request gets one.
    pub log: Log,
    /// The entries last read, with when and at which [`Freshness`] generation.
    pub(crate) cache: Mutex<(EntryCache, Option<(std::time::Instant, u64)>)>,
    /// Whether what this process read is still current (see [`Freshness`]).
    pub(crate) fresh: Arc<Freshness>,
    /// Rendered history pages, valid while the store reports no write (see [`Pages`]).
    pub(crate) pages: Pages,
    pub(crate) audit: AuditQueue,
    pub(crate) health_gate: HealthGate,
    /// What `serve --watch` last saw of the live sources.
    pub(crate) live: Board,
    /// The global budget of request body bytes (see [`super::door`]).
    pub(crate) bodies: Arc<tokio::sync::Semaphore>,
    /// Unauthenticated requests, counted per peer and minute until written.
    pub(crate) unauthenticated: super::door::Unauthenticated,
    /// The usage evidence last read, reused while the store's batches and erasures are the same.
    pub(crate) usage: crate::pipeline::usage::EvidenceCache,
}

impl Drop for AppState {
    /// The counters of unauthenticated requests not written yet are written now; the store
    /// stops telling this state about writes.
    fn drop(&mut self) {
        self.fresh.open.store(false, Ordering::SeqCst);
        for ev in self.unauthenticated.drain(None) {
            if let Err(e) = self.archive.audit(&ev) {
                self.log.line(&format!("cannot write the audit log ({} {}): {e}", ev.time, ev.id));
            }
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("store", &self.archive.location()).finish_non_exhaustive()
    }
}

/// Whether what this process has read from the store is still current. With a backend that
/// notifies writes (Postgres `LISTEN/NOTIFY`), every write by any replica bumps the generation,
/// and caches tagged with an older one are stale; without one, the entry cache falls back to
/// [`ENTRY_TTL`] and the page cache is off.
#[derive(Debug)]
pub(crate) struct Freshness {
    generation: AtomicU64,
    /// Whether the store notifies writes (set once, when subscribing succeeded).
    pub(crate) notified: AtomicBool,
    /// Cleared when the state is dropped: the store's listener then stops.
    pub(crate) open: AtomicBool,
}

impl Freshness {
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
    pub(crate) fn notified(&self) -> bool {
        self.notified.load(Ordering::SeqCst)
    }
}

impl crate::store::fleet::Listener for Freshness {
    fn changed(&self, _key: Option<&str>) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
    fn open(&self) -> bool {
        self.open.load(Ordering::SeqCst)
    }
}

/// Most rendered history pages kept; past this, the cache starts over.
pub(crate) const PAGES_KEPT: usize = 1024;

/// Rendered `GET /history` responses by query, each tagged with the [`Freshness`] generation
/// it was read at: on a notifying store a repeated query costs no database round trip until
/// some replica writes.
#[derive(Debug, Default)]
pub(crate) struct Pages(Mutex<std::collections::HashMap<String, (u64, axum::body::Bytes)>>);

impl Pages {
    pub(crate) fn get(&self, key: &str, generation: u64) -> Option<axum::body::Bytes> {
        let map = self.0.lock().ok()?;
        map.get(key).filter(|(g, _)| *g == generation).map(|(_, b)| b.clone())
    }
    pub(crate) fn put(&self, key: String, generation: u64, body: axum::body::Bytes) {
        let Ok(mut map) = self.0.lock() else { return };
        if map.len() >= PAGES_KEPT {
            map.clear();
        } else {
            map.retain(|_, (g, _)| *g == generation);
        }
        map.insert(key, (generation, body));
    }
}

/// Most access events written in one batch.
const AUDIT_BATCH: usize = 512;

/// How many access events may wait for the writer; when it is full, requests wait for room
/// (backpressure) rather than an event being dropped.
pub const AUDIT_QUEUE: usize = 4096;

/// Access events are written by one background thread so a request rarely waits on the disk;
/// the counters let readers of the audit log wait until what was queued before them is written.
pub(crate) struct AuditQueue {
    pub(crate) tx: tokio::sync::mpsc::Sender<AuditEvent>,
    pub(crate) queued: Arc<AtomicU64>,
    pub(crate) written: Arc<AtomicU64>,
}

/// Deep health checks re-hash the store: one at a time, at most [`HEALTH_PER_MINUTE`] a minute.
#[derive(Default)]
pub(crate) struct HealthGate(Mutex<std::collections::VecDeque<std::time::Instant>>);

/// How many deep health checks a minute the server runs.
pub const HEALTH_PER_MINUTE: usize = 10;

impl HealthGate {
    /// Whether a deep check may start now (and counts it).
    pub(crate) fn try_begin(&self) -> bool {
        let Ok(mut runs) = self.0.lock() else { return false };
        let now = std::time::Instant::now();
        while runs.front().is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60)) {
            runs.pop_front();
        }
        if runs.len() >= HEALTH_PER_MINUTE {
            return false;
        }
        runs.push_back(now);
        true
    }
}

/// The server's log: the edge that starts it decides where lines go (the CLI writes them to
/// stderr, as it does its own notes); the server never prints.
#[derive(Clone)]
pub struct Log {
    /// Whether every request gets a line.
    pub requests: bool,
    /// Writes one line.
    pub write: Arc<dyn Fn(&str) + Send + Sync>,
}

impl Log {
    /// A log that drops every line (tests).
    pub fn quiet() -> Log {
        Log { requests: false, write: Arc::new(|_| {}) }
    }

    pub(crate) fn line(&self, s: &str) {
        (self.write)(s)
    }
}

impl AppState {
    /// State over an archive; starts the audit writer thread.
    #[allow(clippy::too_many_arguments)] // the server's inputs; a builder would only rename them
    pub fn new(
        archive: Archive,
        config: Config,
        root: PathBuf,
        auth: Auth,
        salt: String,
        sink: Arc<dyn super::alerts::AlertSink>,
        log: Log,
    ) -> Arc<AppState> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<AuditEvent>(AUDIT_QUEUE);
        let queued = Arc::new(AtomicU64::new(0));
        let written = Arc::new(AtomicU64::new(0));
        // The writer owns its own handle on the store and the log, so every queued event is
        // written even while the server shuts down (no weak reference that may fail to upgrade).
        let (store, writer_log, count) = (archive.clone(), log.clone(), written.clone());
        // What queued up while one batch was written goes in the next (one round trip on a
        // database store).
        std::thread::spawn(move || {
            while let Some(ev) = rx.blocking_recv() {
                let mut batch = vec![ev];
                while batch.len() < AUDIT_BATCH {
                    match rx.try_recv() {
                        Ok(ev) => batch.push(ev),
                        Err(_) => break,
                    }
                }
                if let Err(e) = store.audit_many(&batch) {
                    writer_log.line(&format!("cannot write the audit log ({} events from {}): {e}", batch.len(), batch[0].time));
                }
                count.fetch_add(batch.len() as u64, Ordering::SeqCst);
            }
        });
        let fresh = Arc::new(Freshness { generation: AtomicU64::new(0), notified: AtomicBool::new(false), open: AtomicBool::new(true) });
        match archive.subscribe(fresh.clone()) {
            Ok(on) => fresh.notified.store(on, Ordering::SeqCst),
            Err(e) => log.line(&format!("cannot listen for writes by other processes (re-reading every {}s): {e}", ENTRY_TTL.as_secs())),
        }
        Arc::new(AppState {
            archive,
            config,
            root,
            auth,
            salt,
            sink,
            log,
            cache: Mutex::new((EntryCache::default(), None)),
            fresh,
            pages: Pages::default(),
            audit: AuditQueue { tx, queued, written },
            health_gate: HealthGate::default(),
            live: Board::default(),
            bodies: super::door::body_budget(),
            unauthenticated: Default::default(),
            usage: Default::default(),
        })
    }

    /// Queues an access event; when the queue is full the request waits for room, so under
    /// overload requests slow down instead of events being lost. A stopped writer is reported.
    pub(crate) async fn queue_audit(&self, ev: AuditEvent) {
        self.audit.queued.fetch_add(1, Ordering::SeqCst);
        if let Err(e) = self.audit.tx.send(ev).await {
            self.audit.written.fetch_add(1, Ordering::SeqCst);
            self.log.line(&format!("the audit writer has stopped; access event {} was not written", e.0.id));
        }
    }

    /// Waits until every access event queued so far is in the store, for as long as the writer
    /// makes progress (a slow store under load still catches up); gives up after 5 s without any.
    pub(crate) async fn flush_audit(&self) {
        for ev in self.unauthenticated.drain(None) {
            self.queue_audit(ev).await;
        }
        let target = self.audit.queued.load(Ordering::SeqCst);
        let mut last = self.audit.written.load(Ordering::SeqCst);
        let mut idle = 0;
        while last < target && idle < 1000 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let now = self.audit.written.load(Ordering::SeqCst);
            idle = if now > last { 0 } else { idle + 1 };
            last = now;
        }
    }
}

/// Milliseconds since the epoch.
pub use crate::time::now_ms;

/// The caller of a request, when its bearer token checked out.
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub(crate) Option<Identity>, pub(crate) Option<String>);

/// An API error: a status and a one-line message, as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub(crate) StatusCode, pub(crate) String);

/// The details of an internal error, kept out of the response body and written to the log.
#[derive(Debug, Clone)]
pub(crate) struct Internal(pub(crate) String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.0.is_server_error() {
            let text = if self.0 == StatusCode::SERVICE_UNAVAILABLE {
                "the store is unavailable; the server log has the details".to_string()
            } else {
                format!(
                    "internal error (a bug in apidiff; please report it at {}); the server log has the details",
                    crate::error::BUG_REPORTS
                )
            };
            let body = axum::Json(serde_json::json!({ "error": text }));
            let mut r = (self.0, body).into_response();
            r.extensions_mut().insert(Internal(self.1));
            return r;
        }
        let mut r = (self.0, axum::Json(serde_json::json!({ "error": self.1 }))).into_response();
        if self.0 == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"apidiff\""));
        }
        r
    }
}

/// Maps every error kind to its HTTP status, in one place.
pub fn status(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadInput => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Usage => StatusCode::BAD_REQUEST,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Unauthorised => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        // A store the server cannot reach: its location stays in the server log.
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        ApiError(status(e.kind()), e.to_string())
    }
}

impl ApiError {
    pub(crate) fn bad(msg: impl Into<String>) -> Self {
        ApiError(StatusCode::BAD_REQUEST, msg.into())
    }
    pub(crate) fn not_found(msg: impl Into<String>) -> Self {
        ApiError(StatusCode::NOT_FOUND, msg.into())
    }
}

/// The caller's identity with at least `role`: 401 without a valid token, 403 with too low a role.
pub(crate) fn require(caller: &Caller, role: Role) -> Result<Identity, ApiError> {
    match caller {
        Caller(Some(id), _) if id.ingest_only => {
            Err(ApiError(StatusCode::FORBIDDEN, "the ingest token may only post usage evidence (POST /v1/traces)".into()))
        }
        Caller(Some(id), _) if id.role >= role => Ok(id.clone()),
        Caller(Some(id), _) => Err(ApiError(
            StatusCode::FORBIDDEN,
            format!("this needs the {} role; the token of `{}` has {}", role.as_str(), id.subject, id.role.as_str()),
        )),
        Caller(None, Some(why)) => Err(ApiError(StatusCode::UNAUTHORIZED, format!("invalid bearer token: {why}"))),
        Caller(None, None) => Err(ApiError(StatusCode::UNAUTHORIZED, "missing bearer token (Authorization: Bearer <JWT>)".into())),
    }
}

/// Runs blocking store work off the async threads, on a thread with a stack large enough for
/// loading and comparing specs.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error: the worker failed".into()))?
}

/// What the watch loop last saw (empty while the server does not watch).
#[derive(Debug, Default)]
pub struct Board(pub(crate) Mutex<Seen>);

#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// The poll interval, when the server watches.
    pub(crate) every: Option<std::time::Duration>,
    /// The last poll.
    pub(crate) last: Option<crate::pipeline::watch::Polled>,
    /// Last successful fetch of each (module, locator).
    pub(crate) fetched: std::collections::HashMap<(String, String), String>,
    /// The last error of a poll that failed as a whole (store, configuration).
    pub(crate) error: Option<String>,
}

impl Board {
    pub(crate) fn update(&self, polled: crate::error::Result<crate::pipeline::watch::Polled>) {
        let Ok(mut seen) = self.0.lock() else { return };
        match polled {
            Ok(mut p) => {
                for s in p.sources.iter().filter(|s| !matches!(s.state, crate::pipeline::watch::State::Unreachable { .. })) {
                    seen.fetched.insert((s.module.clone(), s.locator.clone()), p.time.clone());
                }
                // A round polls the sources that were due: the others keep what their last poll saw.
                if let Some(old) = seen.last.take() {
                    let polled: std::collections::HashSet<(String, String)> =
                        p.sources.iter().map(|s| (s.module.clone(), s.locator.clone())).collect();
                    p.sources.extend(old.sources.into_iter().filter(|s| !polled.contains(&(s.module.clone(), s.locator.clone()))));
                }
                seen.error = None;
                seen.last = Some(p);
            }
            Err(e) => seen.error = Some(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_has_its_status() {
        let want = [
            (ErrorKind::BadInput, 422),
            (ErrorKind::Usage, 400),
            (ErrorKind::NotFound, 404),
            (ErrorKind::Conflict, 409),
            (ErrorKind::Unauthorised, 401),
            (ErrorKind::Forbidden, 403),
            (ErrorKind::Unavailable, 503),
            (ErrorKind::Internal, 500),
        ];
        assert_eq!(want.len(), ErrorKind::ALL.len());
        for (kind, code) in want {
            assert_eq!(status(kind).as_u16(), code, "{kind:?}");
        }
    }

    #[test]
    fn server_errors_keep_their_details_in_the_log() {
        let r = ApiError::from(crate::Error::store("postgres at db.internal:5432: refused")).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.extensions().get::<Internal>().is_some_and(|i| i.0.contains("db.internal")));
        let r = ApiError::from(crate::Error::Internal("x panicked".into())).into_response();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
