//! `apidiff serve`: the tracker's REST API over the same store as the CLI, JWT auth with
//! roles, the audit log of every API request, and the `/admin/api-diff` dashboard (HTML, CSS
//! and JS embedded in the binary). The HTTP edge lives here; the work is done by the library
//! (`store`, `spec`, `diff`, `policy`, `report`). Blocking store calls run on tokio's
//! blocking pool.

pub mod alerts;
mod api;
pub mod auth;

use crate::config::Config;
use crate::store::{Action, Archive, AuditEvent, EntryCache, time, unique_id};
use auth::{Auth, Identity, Role};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long the server trusts its view of the entries before listing the store again (writes
/// by other processes, e.g. `apidiff check --record`, show up within this time; the server's
/// own writes immediately).
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
    pub sink: Arc<dyn alerts::AlertSink>,
    /// Where log lines go (the CLI's stderr), and whether each request gets one.
    pub log: Log,
    cache: Mutex<(EntryCache, Option<std::time::Instant>)>,
    audit: AuditQueue,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("store", &self.archive.location()).finish_non_exhaustive()
    }
}

/// Access events are written by one background thread so a request never waits on the disk;
/// `pending` lets readers of the audit log wait until what was queued before them is written.
struct AuditQueue {
    tx: std::sync::mpsc::Sender<AuditEvent>,
    queued: Arc<AtomicU64>,
    written: Arc<AtomicU64>,
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

    fn line(&self, s: &str) {
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
        sink: Arc<dyn alerts::AlertSink>,
        log: Log,
    ) -> Arc<AppState> {
        let (tx, rx) = std::sync::mpsc::channel::<AuditEvent>();
        let queued = Arc::new(AtomicU64::new(0));
        let written = Arc::new(AtomicU64::new(0));
        let state = Arc::new(AppState {
            archive,
            config,
            root,
            auth,
            salt,
            sink,
            log,
            cache: Mutex::new((EntryCache::default(), None)),
            audit: AuditQueue { tx, queued, written: written.clone() },
        });
        let weak = Arc::downgrade(&state);
        std::thread::spawn(move || {
            while let Ok(ev) = rx.recv() {
                if let Some(s) = weak.upgrade()
                    && let Err(e) = s.archive.audit(&ev)
                {
                    s.log.line(&format!("cannot write the audit log: {e}"));
                }
                written.fetch_add(1, Ordering::SeqCst);
            }
        });
        state
    }

    fn queue_audit(&self, ev: AuditEvent) {
        self.audit.queued.fetch_add(1, Ordering::SeqCst);
        if self.audit.tx.send(ev).is_err() {
            self.audit.written.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Waits (up to 5 s) until every access event queued so far is in the store.
    async fn flush_audit(&self) {
        let target = self.audit.queued.load(Ordering::SeqCst);
        for _ in 0..1000 {
            if self.audit.written.load(Ordering::SeqCst) >= target {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The whole HTTP surface.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/history", get(api::history))
        .route("/register", post(api::register).layer(DefaultBodyLimit::max(REGISTER_LIMIT)))
        .route("/alert", get(api::alerts))
        .route("/alert/{id}/ack", post(api::ack))
        .route("/rollback", post(api::rollback))
        .route("/summary", get(api::summary))
        .route("/report/{id}", get(api::report))
        .route("/entries/{id}", get(api::entry))
        .route("/entries/{id}/diff", get(api::entry_diff))
        .route("/entries/{id}/notes", post(api::annotate))
        .route("/audit", get(api::audit))
        .route("/health", get(api::health))
        .route("/me", get(api::me))
        .route("/openapi.yaml", get(api::openapi));
    Router::new()
        .nest("/api/api-diff", api)
        .route("/healthz", get(api::healthz))
        .route("/admin/api-diff", get(api::dashboard))
        .route("/admin/api-diff/dashboard.js", get(api::dashboard_js))
        .route("/admin/api-diff/dashboard.css", get(api::dashboard_css))
        .layer(middleware::from_fn_with_state(state.clone(), access))
        .layer(DefaultBodyLimit::max(DEFAULT_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, TIMEOUT))
        .with_state(state)
}

/// The caller of a request, when its bearer token checked out.
#[derive(Debug, Clone)]
struct Caller(Option<Identity>, Option<String>);

/// Authenticates every request (when it carries a token), runs it, and records an access
/// event for every API request: who, what, when, from where, and the result. Tokens and
/// query strings never reach the log.
async fn access(State(state): State<Arc<AppState>>, ConnectInfo(peer): ConnectInfo<SocketAddr>, mut req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let token = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(|v| {
        let v = v.trim();
        v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).unwrap_or(v).trim().to_string()
    });
    let (who, why) = match token.as_deref() {
        None | Some("") => (None, None),
        Some(t) => match state.auth.verify(t) {
            Ok(id) => (Some(id), None),
            Err(why) => (None, Some(why)),
        },
    };
    req.extensions_mut().insert(Caller(who.clone(), why.clone()));
    let mut resp = next.run(req).await;
    let status = resp.status().as_u16();
    let audited = path.starts_with("/api/");
    if audited {
        let t = time::format_millis(now_ms());
        state.queue_audit(AuditEvent {
            id: unique_id(&t, &path),
            time: t,
            actor: who.as_ref().map(|w| w.subject.clone()),
            action: Action::Access,
            details: serde_json::json!({
                "method": method,
                "path": path,
                "role": who.as_ref().map(|w| w.role.as_str()),
                "peer": peer.ip().to_string(),
                "status": status,
                "refused": why,
            }),
        });
    }
    if state.log.requests {
        state.log.line(&format!(
            "{} {method} {path} {status} {} {}ms",
            peer.ip(),
            who.as_ref().map_or("-", |w| w.subject.as_str()),
            started.elapsed().as_millis()
        ));
    }
    let h = resp.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// An API error: a status and a one-line message, as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.0, axum::Json(serde_json::json!({ "error": self.1 }))).into_response();
        if self.0 == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"apidiff\""));
        }
        r
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        match &e {
            crate::Error::Input(_) => ApiError(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
            crate::Error::Usage(m) if m.contains("matches no") => ApiError(StatusCode::NOT_FOUND, e.to_string()),
            crate::Error::Usage(_) => ApiError(StatusCode::BAD_REQUEST, e.to_string()),
            crate::Error::Store(_) => ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl ApiError {
    fn bad(msg: impl Into<String>) -> Self {
        ApiError(StatusCode::BAD_REQUEST, msg.into())
    }
    fn not_found(msg: impl Into<String>) -> Self {
        ApiError(StatusCode::NOT_FOUND, msg.into())
    }
}

/// The caller's identity with at least `role`: 401 without a valid token, 403 with too low a role.
fn require(caller: &Caller, role: Role) -> Result<Identity, ApiError> {
    match caller {
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
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error: the worker failed".into()))?
}

/// Runs `f` on a thread with [`crate::spec::STACK_BYTES`] of stack (inside a blocking task).
fn big_stack<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    std::thread::Builder::new()
        .stack_size(crate::spec::STACK_BYTES)
        .spawn(f)
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot start worker thread: {e}")))?
        .join()
        .map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error: the comparison panicked".into()))?
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).await
}
