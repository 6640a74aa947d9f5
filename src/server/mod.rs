//! `apidiff serve`: the tracker's REST API over the same store as the CLI, JWT auth with
//! roles, the audit log of every API request, and the `/admin/api-diff` dashboard (HTML, CSS
//! and JS embedded in the binary). The HTTP edge lives here; the work is done by the library
//! (`store`, `spec`, `diff`, `policy`, `report`). Blocking store calls run on tokio's
//! blocking pool.

pub mod alerts;
mod api;
mod approvals;
pub mod auth;
mod deploys;
mod door;
pub mod live;
mod otlp;
mod state;
mod usage;

pub use api::OPENAPI as OPENAPI_YAML;
pub use door::BODY_BUDGET;
pub use state::{AUDIT_QUEUE, ApiError, AppState, DEFAULT_LIMIT, ENTRY_TTL, HEALTH_PER_MINUTE, Log, REGISTER_LIMIT, TIMEOUT, now_ms};
pub(crate) use state::{Caller, Internal, blocking, require};

use crate::store::{Action, AuditEvent, unique_id};
use crate::time;
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use std::net::SocketAddr;
use std::sync::Arc;

/// The whole HTTP surface.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/history", get(api::history))
        .route("/deploys", get(deploys::deploys))
        .route("/trend", get(deploys::trend))
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
        .route("/approvals", get(approvals::list).post(approvals::approve))
        .route("/approvals/{id}", delete(approvals::revoke))
        .route("/health", get(api::health))
        .route("/live", get(live::status))
        .route("/usage", get(usage::usage))
        .route("/me", get(api::me))
        .route("/openapi.yaml", get(api::openapi));
    Router::new()
        .nest("/api/api-diff", api)
        .route("/healthz", get(api::healthz))
        .route("/admin/api-diff", get(api::dashboard))
        .route("/admin/api-diff/dashboard.js", get(api::dashboard_js))
        .route("/admin/api-diff/dashboard.css", get(api::dashboard_css))
        .route("/admin/api-diff/live.js", get(live::script))
        .route("/v1/traces", post(otlp::traces).layer(DefaultBodyLimit::max(otlp::OTLP_LIMIT)))
        .layer(middleware::from_fn_with_state(state.clone(), access))
        .layer(DefaultBodyLimit::max(DEFAULT_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, TIMEOUT))
        .with_state(state)
}
/// Authenticates every request (when it carries a token), admits it through the front door
/// ([`door`]: no body read for an unauthenticated caller, a global budget of body bytes), runs
/// it, and records an access event for every API request: who, what, when, from where, and the
/// result; unauthenticated requests are counted per peer and minute. Tokens and query strings
/// never reach the log.
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
    let caller = Caller(who.clone(), why.clone());
    let admitted = door::admit(&state.bodies, req.method(), req.headers(), who.is_some(), REGISTER_LIMIT);
    let (mut resp, permit) = match admitted {
        Ok(permit) => {
            req.extensions_mut().insert(caller);
            (next.run(req).await, permit)
        }
        // The same answer as any route needing a role gives a caller without a valid token.
        Err(door::Refused::Unauthenticated) => match require(&caller, auth::Role::Viewer) {
            Err(e) => (e.into_response(), None),
            Ok(_) => (StatusCode::UNAUTHORIZED.into_response(), None),
        },
        Err(refused) => (refused.response(), None),
    };
    drop(permit);
    let status = resp.status().as_u16();
    // A 500's details (which may name the store's location) go to the server log only.
    if let Some(Internal(detail)) = resp.extensions_mut().remove::<Internal>() {
        state.log.line(&format!("{method} {path}: {detail}"));
    }
    let audited = path.starts_with("/api/");
    if audited && who.is_none() {
        let minute = now_ms().div_euclid(60_000);
        state.unauthenticated.count(peer.ip(), minute, (&method, &path), status, why.as_deref());
        for ev in state.unauthenticated.drain(Some(minute)) {
            state.queue_audit(ev).await;
        }
    } else if audited {
        let t = time::format_millis(now_ms());
        state
            .queue_audit(AuditEvent {
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
            })
            .await;
    }
    if state.log.requests {
        state.log.line(&format!(
            "{} {method} {path} {status} {} {}ms",
            peer.ip(),
            who.as_ref().map_or("-".to_string(), |w| door::printable(&w.subject)),
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
/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).await
}
