//! `apidiff serve --watch`: the library's watch loop ([`crate::pipeline::watch`]) on a thread of
//! its own, stopped (after the poll in flight) when the server shuts down; what it saw, for
//! `GET /api/api-diff/live` and the dashboard's live-sources section (`assets/live.js`).

use super::state::Seen;
use super::{ApiError, AppState, Caller, blocking, require};
use crate::pipeline::watch::{self, Drift, Polled, SourceStatus, State};
use crate::server::auth::Role;
use crate::store::{Entry, Source};
use axum::Json;
use axum::extract::{Extension, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const LIVE_JS: &str = include_str!("assets/live.js");

/// The running loop; [`Watcher::stop`] ends it.
#[derive(Debug)]
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    /// Starts polling every `every`; each poll's outcome goes to the dashboard and one log line
    /// per source that changed, went down or came back.
    pub fn start(state: Arc<AppState>, w: watch::Watch, every: Duration) -> Watcher {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        if let Ok(mut seen) = state.live.0.lock() {
            seen.every = Some(every);
        }
        let log = state.log.clone();
        let thread = std::thread::Builder::new().name("apidiff-watch".into()).stack_size(crate::deep::STACK_BYTES).spawn(move || {
            let ran = watch::run(&w, every, false, &flag, &mut |polled| {
                match &polled {
                    Ok(p) => log_poll(&state, p),
                    Err(e) => state.log.line(&format!("watch: poll failed: {e}")),
                }
                state.live.update(polled);
                Ok(())
            });
            // The loop could not start (another watcher holds the folder store, say): say why.
            if let Err(e) = ran {
                state.log.line(&format!("watch: {e}"));
                state.live.update(Err(e));
            }
        });
        if let Err(e) = &thread {
            log.line(&format!("watch: cannot start the watch thread: {e}"));
        }
        Watcher { stop, thread: thread.ok() }
    }

    /// Asks the loop to stop and waits for the poll in flight to finish and record.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn log_poll(state: &AppState, p: &Polled) {
    for s in &p.sources {
        let what = match &s.state {
            State::Unreachable { cause, first: true } => format!("unreachable: {cause}"),
            State::Changed { changes } => format!("{}: module `{}`: changed: {changes} change(s) recorded", s.locator, s.module),
            State::Baseline => format!("{}: module `{}`: baseline recorded", s.locator, s.module),
            State::Failed { cause } => format!("{}: module `{}`: cannot be checked: {cause}", s.locator, s.module),
            _ if s.recovered => format!("recovered: {}: module `{}` answers again", s.locator, s.module),
            _ => continue,
        };
        state.log.line(&format!("watch: {what}"));
    }
    for d in &p.alerts {
        state.log.line(&crate::notify::delivery_line(d));
    }
}

/// The JSON of one live source: what the last poll saw, its last successful fetch, its last
/// recorded change, its drift.
fn source_json(module: &str, locator: &str, seen: &Seen, entries: &[Entry]) -> Value {
    let status: Option<&SourceStatus> =
        seen.last.as_ref().and_then(|p| p.sources.iter().find(|s| s.module == module && s.locator == locator));
    let mine: Vec<&Entry> = entries.iter().filter(|e| e.module == module && e.spec == locator).collect();
    let archived_fetch = mine.last().map(|e| match &e.source {
        Some(Source::Live { fetched, .. }) => fetched.clone(),
        _ => e.time.clone(),
    });
    let last_fetch = seen.fetched.get(&(module.to_string(), locator.to_string())).cloned().or(archived_fetch);
    let change = mine.iter().rev().find(|e| e.previous.is_some());
    let (state, cause) = match status.map(|s| &s.state) {
        None => ("not polled yet", None),
        Some(State::Unreachable { cause, .. }) => ("unreachable", Some(cause.clone())),
        Some(State::Failed { cause }) => ("cannot be checked", Some(cause.clone())),
        Some(State::Baseline) => ("baseline recorded", None),
        Some(State::Unchanged) => ("unchanged", None),
        Some(State::Changed { .. }) => ("changed", None),
    };
    let drift = match status.and_then(|s| s.drift.as_ref()) {
        None => json!({"status": "unknown"}),
        Some(Drift::NotChecked) => json!({"status": "not checked"}),
        Some(Drift::InSync) => json!({"status": "in sync", "changes": 0}),
        Some(Drift::Drifted { changes }) => json!({"status": "drifted", "changes": changes}),
    };
    json!({
        "module": module,
        "locator": locator,
        "state": state,
        "cause": cause,
        "last_fetch": last_fetch,
        "baseline": mine.first().map(|e| e.time.clone()),
        "last_change": change.map(|e| json!({"entry": e.id, "time": e.time, "counts": e.counts})),
        "drift": drift,
    })
}

/// `GET /api/api-diff/live`: every configured live source with its status.
pub(super) async fn status(AxState(state): AxState<Arc<AppState>>, Extension(caller): Extension<Caller>) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    let st = state.clone();
    let entries = blocking(move || super::api::entries(&st)).await?;
    let seen = state.live.0.lock().map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "live board poisoned".into()))?;
    let sources: Vec<Value> = state
        .config
        .modules
        .iter()
        .flat_map(|m| m.live.iter().map(move |l| (m.name.as_str(), l)))
        .map(|(m, l)| source_json(m, &crate::source::http::redact(l), &seen, &entries))
        .collect();
    Ok(Json(json!({
        "watching": seen.every.is_some(),
        "interval_secs": seen.every.map(|d| d.as_secs()),
        "last_poll": seen.last.as_ref().map(|p| p.time.clone()),
        "error": seen.error,
        "sources": sources,
        // The last poll's payload-conformance findings (sampled responses vs what is served).
        "conformance": seen.last.as_ref().map(|p| p.conformance.clone()).unwrap_or_default(),
    })))
}

/// `GET /admin/api-diff/live.js`: the dashboard's live-sources section.
pub(super) async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVE_JS).into_response()
}
