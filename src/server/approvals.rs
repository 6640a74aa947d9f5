//! `GET/POST /approvals` and `DELETE /approvals/{id}`: adapters over
//! [`crate::pipeline::approvals`]. Viewers read; developers approve and revoke in modules they
//! own (the module's `owners` or the CODEOWNERS of its specs name their subject or one of their
//! token's groups); admins anywhere.

use super::auth::{Identity, Role};
use super::{ApiError, AppState, Caller, blocking, now_ms, require};
use crate::pipeline::approvals::{self, ApproveRequest, Approver};
use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

type S = State<Arc<AppState>>;
type C = Extension<Caller>;
type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// `GET /approvals` query.
#[derive(Debug, Deserialize)]
pub(super) struct ListQuery {
    module: Option<String>,
}

/// `POST /approvals` body: what to approve (a `fingerprint`, a `group`, or a `rule` and an
/// `operation`), why, until when, where.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ApproveBody {
    fingerprint: Option<String>,
    group: Option<String>,
    rule: Option<String>,
    operation: Option<String>,
    reason: String,
    expires: Option<String>,
    module: String,
    pr: Option<u64>,
}

/// `DELETE /approvals/{id}` body (optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RevokeBody {
    reason: Option<String>,
}

fn approver(who: &Identity) -> Approver {
    Approver { by: Some(who.subject.clone()), groups: who.groups.clone(), owners_only: who.role < Role::Admin, via: "api" }
}

pub(super) async fn list(State(state): S, Extension(caller): C, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    blocking(move || {
        let items = approvals::list(&state.archive, &state.config, q.module.as_deref(), now_ms())?;
        Ok(Json(json!({ "items": items })))
    })
    .await
}

pub(super) async fn approve(State(state): S, Extension(caller): C, b: Body<ApproveBody>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let who = require(&caller, Role::Developer)?;
    let b = b.map(|Json(v)| v).map_err(|e| ApiError(e.status(), e.body_text()))?;
    let key = b.fingerprint.as_deref().or(b.group.as_deref());
    if b.fingerprint.is_some() && b.group.is_some() {
        return Err(ApiError::bad("give a fingerprint or a group, not both"));
    }
    let approves = approvals::target(key, b.rule.as_deref(), b.operation.as_deref())?;
    blocking(move || {
        let req = ApproveRequest {
            approves,
            reason: b.reason,
            expires: b.expires,
            module: Some(b.module),
            pr: b.pr,
            approver: approver(&who),
            label: None,
            now: now_ms(),
        };
        let done = approvals::approve(&state.archive, &state.root, &state.config, req)?;
        Ok((StatusCode::CREATED, Json(json!(done.approval))))
    })
    .await
}

pub(super) async fn revoke(
    State(state): S,
    Extension(caller): C,
    Path(id): Path<String>,
    raw: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let who = require(&caller, Role::Developer)?;
    // The body is optional, and read only once the caller is authorised.
    let b: RevokeBody = if raw.iter().all(u8::is_ascii_whitespace) {
        RevokeBody::default()
    } else {
        serde_json::from_slice(&raw).map_err(|e| ApiError::bad(format!("invalid body: {e}; expected {{\"reason\": \"...\"}}")))?
    };
    let reason = b.reason;
    blocking(move || {
        let r = approvals::revoke(&state.archive, &state.root, &state.config, &id, reason, &approver(&who), now_ms())?;
        Ok(Json(json!(r)))
    })
    .await
}
