//! The server's front door, before any handler runs: a request with a body is refused unless its
//! caller is authenticated (no byte of it is read), every body that is read holds a share of one
//! global byte budget for as long as its request runs (over it: 503 at once, too large: 413), and
//! unauthenticated requests are audited as one counter per peer address and minute instead of
//! one event each.

use crate::store::{Action, AuditEvent, unique_id};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Bytes of request bodies the server holds at once, all requests together.
pub const BODY_BUDGET: usize = 48 * 1024 * 1024;
/// The budget's unit (a permit is a KiB, so the semaphore's count stays small).
const UNIT: usize = 1024;

/// The share of the body budget a request holds until its response is made.
pub(crate) type BodyPermit = Option<tokio::sync::OwnedSemaphorePermit>;

/// Why a request was refused at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// It has a body and no valid token (the caller answers as for any route needing a role).
    Unauthenticated,
    /// Its declared length is over the largest body limit.
    TooLarge(usize),
    /// The body budget is spent.
    Busy,
}

impl Refused {
    /// The answer to a request refused for size or load.
    pub(crate) fn response(self) -> Response {
        let (status, text) = match self {
            Refused::TooLarge(limit) => (StatusCode::PAYLOAD_TOO_LARGE, format!("the body is larger than the limit of {limit} bytes")),
            Refused::Busy | Refused::Unauthenticated => {
                (StatusCode::SERVICE_UNAVAILABLE, "the server is receiving too many request bodies at once; try again shortly".into())
            }
        };
        let mut r = (status, axum::Json(json!({ "error": text }))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        r
    }
}

/// Admits a request before any of its body is read: one with a body needs an `authenticated`
/// caller, a declared length of at most `limit`, and room in the body budget `bodies`.
pub(crate) fn admit(
    bodies: &std::sync::Arc<tokio::sync::Semaphore>,
    method: &Method,
    headers: &HeaderMap,
    authenticated: bool,
    limit: usize,
) -> Result<BodyPermit, Refused> {
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    let chunked = headers.contains_key(header::TRANSFER_ENCODING);
    let has_body = chunked || length.is_some_and(|n| n > 0);
    if !has_body && !matches!(*method, Method::POST | Method::PUT | Method::PATCH) {
        return Ok(None);
    }
    // Every route that takes a body needs a role: who has none is told so, the body unread.
    if has_body && !authenticated {
        return Err(Refused::Unauthenticated);
    }
    if length.is_some_and(|n| n > limit as u64) {
        return Err(Refused::TooLarge(limit));
    }
    // A body of unknown length may grow to the largest limit: it holds that much.
    let bytes = length.map_or(limit, |n| n as usize).max(1);
    let units = u32::try_from(bytes.div_ceil(UNIT)).unwrap_or(u32::MAX);
    bodies.clone().try_acquire_many_owned(units).map(Some).map_err(|_| Refused::Busy)
}

/// The semaphore of [`BODY_BUDGET`].
pub(crate) fn body_budget() -> std::sync::Arc<tokio::sync::Semaphore> {
    std::sync::Arc::new(tokio::sync::Semaphore::new(BODY_BUDGET / UNIT))
}

/// Most distinct `METHOD path` keys one counter keeps (the rest count as `(other)`).
const MAX_KEYS: usize = 32;
/// Most counters held at once (peers × minutes); more peers fold into one `(other)` counter.
const MAX_COUNTERS: usize = 4096;
/// Longest path kept in a key.
const MAX_PATH: usize = 200;

/// Unauthenticated requests of one peer in one minute.
#[derive(Debug, Default)]
struct Tally {
    count: u64,
    statuses: HashMap<u16, u64>,
    requests: HashMap<String, u64>,
    refused: HashMap<String, u64>,
}

/// The counters of unauthenticated requests, by peer and minute (minutes since the epoch).
#[derive(Debug, Default)]
pub(crate) struct Unauthenticated(Mutex<HashMap<(String, i64), Tally>>);

impl Unauthenticated {
    /// Counts one request.
    pub(crate) fn count(&self, peer: IpAddr, minute: i64, request: (&str, &str), status: u16, refused: Option<&str>) {
        let Ok(mut all) = self.0.lock() else { return };
        let mut key = (peer.to_string(), minute);
        if !all.contains_key(&key) && all.len() >= MAX_COUNTERS {
            key.0 = "(other)".into();
        }
        let t = all.entry(key).or_default();
        t.count += 1;
        *t.statuses.entry(status).or_default() += 1;
        let (method, path) = request;
        let mut what = format!("{method} {}", path.chars().take(MAX_PATH).collect::<String>());
        if !t.requests.contains_key(&what) && t.requests.len() >= MAX_KEYS {
            what = "(other)".into();
        }
        *t.requests.entry(what).or_default() += 1;
        if let Some(why) = refused {
            *t.refused.entry(why.to_string()).or_default() += 1;
        }
    }

    /// Takes the counters of minutes before `minute` (all of them with `None`) as audit events.
    pub(crate) fn drain(&self, minute: Option<i64>) -> Vec<AuditEvent> {
        let Ok(mut all) = self.0.lock() else { return Vec::new() };
        let done: Vec<(String, i64)> = all.keys().filter(|(_, m)| minute.is_none_or(|now| *m < now)).cloned().collect();
        done.into_iter().filter_map(|k| all.remove(&k).map(|t| event(&k.0, k.1, t))).collect()
    }
}

/// One counter as an access event.
fn event(peer: &str, minute: i64, t: Tally) -> AuditEvent {
    let time = crate::time::format_millis(minute * 60_000);
    let map = |m: HashMap<String, u64>| m.into_iter().map(|(k, v)| (k, Value::from(v))).collect::<Map<String, Value>>();
    let statuses: Map<String, Value> = t.statuses.into_iter().map(|(k, v)| (k.to_string(), Value::from(v))).collect();
    AuditEvent {
        id: unique_id(&time, &format!("unauthenticated {peer}")),
        time: time.clone(),
        actor: None,
        action: Action::Access,
        details: json!({
            "unauthenticated": true,
            "peer": peer,
            "minute": time,
            "count": t.count,
            "statuses": statuses,
            "requests": map(t.requests),
            "refused": map(t.refused),
        }),
    }
}

/// A value for a log line: control characters (a newline in a token's `sub`) escaped, so one
/// request is always one line.
pub(crate) fn printable(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthenticated_requests_are_counted_per_peer_and_minute() {
        let u = Unauthenticated::default();
        let peer: IpAddr = "10.1.2.3".parse().unwrap();
        for i in 0..1000 {
            u.count(peer, 7, ("GET", &format!("/api/api-diff/p{}", i % 50)), 401, Some("the token has expired"));
        }
        u.count(peer, 8, ("GET", "/api/api-diff/me"), 401, None);
        let first = u.drain(Some(8));
        assert_eq!(first.len(), 1);
        let d = &first[0].details;
        assert_eq!(d["count"], 1000);
        assert_eq!(d["statuses"]["401"], 1000);
        assert_eq!(d["requests"].as_object().unwrap().len(), MAX_KEYS + 1, "bounded keys plus (other)");
        assert_eq!(d["refused"]["the token has expired"], 1000);
        assert_eq!(u.drain(None).len(), 1);
        assert!(u.drain(None).is_empty());
    }

    #[test]
    fn log_values_stay_on_one_line() {
        assert_eq!(printable("eve\nGET /admin 200"), "eve\\nGET /admin 200");
        assert_eq!(printable("\u{1b}[2Jann"), "\\u{1b}[2Jann");
    }
}
