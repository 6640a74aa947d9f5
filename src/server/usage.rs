//! The dashboard's usage: `GET /usage?module=M` answers what `apidiff usage show --module M`
//! prints (the same use case, [`pipeline::usage::show_module`]): the module's most-used
//! operations, its clients, the operations nobody called (safe to remove), `known: false` when
//! the module has no evidence, and the payload conformance findings of its sampled responses.

use super::{ApiError, AppState, Caller, blocking, require};
use crate::pipeline;
use crate::server::auth::Role;
use axum::Json;
use axum::extract::{Extension, Query, State};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

/// `GET /usage` query.
#[derive(Debug, Deserialize)]
pub(super) struct UsageQuery {
    module: Option<String>,
}

pub(super) async fn usage(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<UsageQuery>,
) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    let module = q.module.map(|m| m.trim().to_string()).filter(|m| !m.is_empty());
    let Some(module) = module else { return Err(ApiError::bad("`module`: expected a module name, e.g. ?module=users")) };
    blocking(move || {
        let entries = super::api::entries(&state)?;
        let known = state.config.modules.iter().any(|m| m.name == module) || entries.iter().any(|e| e.module == module);
        if !known {
            return Err(ApiError::not_found(format!("no module `{module}`: it is neither configured nor recorded")));
        }
        let today = crate::time::today();
        let shown = pipeline::usage::show_module(&pipeline::usage::ShowRequest {
            root: &state.root,
            config: &state.config,
            store: state.archive.store(),
            module: &module,
            today: &today,
            archive: Some(&state.archive),
            entries: Some(&entries),
            cache: Some(&state.usage),
        })?;
        Ok(Json(serde_json::to_value(&shown).map_err(|e| crate::Error::Internal(e.to_string()))?))
    })
    .await
}
