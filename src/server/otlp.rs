//! `POST /v1/traces`: the OTLP/HTTP trace receiver, so any OpenTelemetry SDK or Collector can
//! export spans to apidiff as usage evidence. Protobuf (`application/x-protobuf`) and JSON
//! (`application/json`) bodies, uncompressed, at most [`OTLP_LIMIT`] bytes; the `developer`
//! role (the role that registers schemas) or the dedicated ingest token (`serve
//! --ingest-token-env`), which may post here and nowhere else. Per the OTLP/HTTP specification a success is 200
//! with an `ExportTraceServiceResponse` in the request's encoding, a bad export is 400 and an
//! unsupported encoding 415, both with a `google.rpc.Status` body in the request's encoding.

use super::auth::Role;
use super::state::{AppState, Caller, blocking, require};
use crate::pipeline::ingest::{IngestRequest, ingest_spans};
use crate::usage::otlp::{ExportTraceServiceRequest, SpanData, Status, spans_of, spans_of_json};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prost::Message;
use std::sync::Arc;

/// The largest export accepted (the collector's default batch stays well under it).
pub const OTLP_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Protobuf,
    Json,
}

fn reply(enc: Encoding, status: StatusCode, code: i32, message: &str) -> Response {
    let (ctype, body) = match enc {
        Encoding::Protobuf if status.is_success() => ("application/x-protobuf", Vec::new()),
        Encoding::Protobuf => ("application/x-protobuf", Status { code, message: message.to_string() }.encode_to_vec()),
        Encoding::Json if status.is_success() => ("application/json", b"{}".to_vec()),
        Encoding::Json => {
            ("application/json", serde_json::to_vec(&serde_json::json!({"code": code, "message": message})).unwrap_or_default())
        }
    };
    (status, [(header::CONTENT_TYPE, ctype)], body).into_response()
}

/// gRPC status codes the receiver answers with.
const INVALID_ARGUMENT: i32 = 3;
const PERMISSION_DENIED: i32 = 7;
const UNAUTHENTICATED: i32 = 16;
const INTERNAL: i32 = 13;

/// The receiver.
pub(super) async fn traces(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctype = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let enc = if ctype.starts_with("application/x-protobuf") {
        Encoding::Protobuf
    } else if ctype.starts_with("application/json") {
        Encoding::Json
    } else {
        return reply(
            Encoding::Json,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            INVALID_ARGUMENT,
            "send application/x-protobuf or application/json",
        );
    };
    // The dedicated ingest token may post here (and nowhere else); otherwise the developer role.
    let ingest = caller.0.as_ref().is_some_and(|id| id.ingest_only);
    let allowed = if ingest { Ok(()) } else { require(&caller, Role::Developer).map(|_| ()) };
    if let Err(e) = allowed {
        let (status, code) =
            if caller.0.is_some() { (StatusCode::FORBIDDEN, PERMISSION_DENIED) } else { (StatusCode::UNAUTHORIZED, UNAUTHENTICATED) };
        return reply(enc, status, code, &e.1);
    }
    if headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).is_some_and(|v| !v.eq_ignore_ascii_case("identity")) {
        return reply(
            enc,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            INVALID_ARGUMENT,
            "compressed exports are not accepted: export uncompressed",
        );
    }
    let spans: Vec<SpanData> = match enc {
        Encoding::Protobuf => match ExportTraceServiceRequest::decode(body.as_ref()) {
            Ok(req) => spans_of(&req).collect(),
            Err(e) => return reply(enc, StatusCode::BAD_REQUEST, INVALID_ARGUMENT, &format!("not an ExportTraceServiceRequest: {e}")),
        },
        Encoding::Json => match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(v) => v.get("resourceSpans").and_then(|r| r.as_array()).into_iter().flatten().flat_map(spans_of_json).collect(),
            Err(e) => return reply(enc, StatusCode::BAD_REQUEST, INVALID_ARGUMENT, &format!("not OTLP JSON: {e}")),
        },
    };
    let done = blocking(move || {
        let load = crate::pipeline::load_options(&state.root, &state.config)?;
        let req = IngestRequest {
            root: &state.root,
            config: &state.config,
            load: &load,
            archive: &state.archive,
            inputs: Vec::new(),
            module: None,
            format: None,
            client_header: state.config.usage.as_ref().and_then(|u| u.client_header.clone()),
            now: crate::time::format_millis(super::now_ms()),
            salt: state.salt.clone(),
        };
        ingest_spans(&req, &body, spans).map_err(Into::into)
    })
    .await;
    match done {
        Ok(_) => reply(enc, StatusCode::OK, 0, ""),
        Err(e) => reply(enc, e.0, if e.0.is_client_error() { INVALID_ARGUMENT } else { INTERNAL }, &e.1),
    }
}
