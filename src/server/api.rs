//! The request handlers. Each checks the caller's role, then calls the library.

use super::{ApiError, AppState, Caller, blocking, now_ms, require};
use crate::diff::Options;
use crate::pipeline;
use crate::pipeline::rollback::{Current, RollbackRequest};
use crate::policy::{FailOn, Policy};
use crate::report::ReportFormat;
use crate::server::alerts;
use crate::server::auth::Role;
use crate::spec::bundle::Bundle;
use crate::spec::{self, LoadOptions};
use crate::store::fleet::{PageQuery, Verdict};
use crate::store::privacy::pseudonym;
use crate::store::{self, Ack, Action, Archive, AuditEvent, Entry, Note, view};
use crate::time;
use crate::time::today;
use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

type S = State<Arc<AppState>>;
type C = Extension<Caller>;
/// A JSON body whose rejection the handler reports only after authorising the caller, so an
/// unauthenticated request learns nothing about the expected fields.
type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

fn body<T>(b: Body<T>) -> Result<T, ApiError> {
    b.map(|Json(v)| v).map_err(|e| ApiError(e.status(), e.body_text()))
}

const DASHBOARD_HTML: &str = include_str!("assets/dashboard.html");
const DASHBOARD_JS: &str = include_str!("assets/dashboard.js");
const DASHBOARD_CSS: &str = include_str!("assets/dashboard.css");
/// The OpenAPI description of this API.
pub const OPENAPI: &str = include_str!("../../docs/api/openapi.yaml");

pub(super) fn entries(state: &AppState) -> Result<Arc<Vec<Entry>>, ApiError> {
    let mut guard = state.cache.lock().map_err(|_| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "entry cache poisoned".into()))?;
    let (cache, checked) = &mut *guard;
    // Read before the store, so a write notified while reading makes the next call read again.
    let generation = state.fresh.generation();
    let stale = match checked {
        None => true,
        Some((_, g)) if state.fresh.notified() => *g != generation,
        Some((t, _)) => t.elapsed() >= super::ENTRY_TTL || state.archive.erasures_changed(cache)?,
    };
    if stale {
        state.archive.entries_cached(cache)?;
        *checked = Some((std::time::Instant::now(), generation));
    }
    Ok(state.archive.entries_cached_view(cache))
}

/// Makes the next read list the store again (after this server wrote a record).
fn invalidate(state: &AppState) {
    if let Ok(mut g) = state.cache.lock() {
        g.1 = None;
    }
}

fn find_entry(entries: &[Entry], id: &str) -> Result<Entry, ApiError> {
    match Archive::resolve(entries, id, &["entry"]) {
        Ok(store::Target::Entry(e)) => {
            e.verified()?;
            Ok(*e)
        }
        Ok(_) => Err(ApiError::not_found(format!("`{id}` is not an entry"))),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn worst(e: &Entry) -> &'static str {
    e.verdict().as_str()
}

pub(super) fn pseudo(state: &AppState, on: bool, person: &Option<String>) -> Option<String> {
    match person {
        Some(p) if on => Some(pseudonym(&state.salt, p)),
        other => other.clone(),
    }
}

fn entry_json(state: &AppState, e: &Entry, notes: &[&Note], pz: bool) -> Value {
    let mut v = serde_json::to_value(e).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("author".into(), json!(pseudo(state, pz, &e.author)));
        o.insert("severity".into(), json!(worst(e)));
        let ns: Vec<Value> =
            notes.iter().map(|n| json!({"id": n.id, "time": n.time, "author": pseudo(state, pz, &n.author), "text": n.text})).collect();
        o.insert("notes".into(), Value::Array(ns));
    }
    v
}

pub(super) fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Checks a `severity` filter: one of the verdicts [`worst`] gives.
pub(super) fn severity_filter(s: Option<&str>) -> Result<Option<Verdict>, ApiError> {
    match s {
        None => Ok(None),
        Some(s) => Verdict::parse(s).map(Some).ok_or_else(|| {
            let names: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
            ApiError::bad(format!("severity `{s}`: expected one of {}", names.join(", ")))
        }),
    }
}

/// A page cursor (`hex(time \t id)`, as the previous page handed it out) read back.
pub(super) fn cursor(c: &str) -> Result<(String, String), ApiError> {
    unhex(c).and_then(|s| s.split_once('\t').map(|(a, b)| (a.to_string(), b.to_string()))).ok_or_else(|| ApiError::bad("invalid cursor"))
}

pub(super) fn unhex(s: &str) -> Option<String> {
    if !s.len().is_multiple_of(2) || s.len() > 400 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    String::from_utf8(bytes?).ok()
}

/// `GET /history` query.
#[derive(Debug, Deserialize)]
pub(super) struct HistoryQuery {
    module: Option<String>,
    severity: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
    #[serde(default)]
    pseudonymize: bool,
}

pub(super) async fn history(State(state): S, Extension(caller): C, Query(q): Query<HistoryQuery>) -> Result<Response, ApiError> {
    require(&caller, Role::Viewer)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let since = match &q.since {
        Some(s) => Some(
            time::since(s, now_ms())
                .ok_or_else(|| ApiError::bad(format!("since `{s}`: expected YYYY-MM-DD, a timestamp, or a span like 7d")))?,
        ),
        None => None,
    };
    let until = match &q.until {
        Some(u) if time::since(u, now_ms()).is_some() && u.len() >= 10 => Some(if u.len() == 10 { format!("{u}T99") } else { u.clone() }),
        Some(u) => return Err(ApiError::bad(format!("until `{u}`: expected YYYY-MM-DD or a timestamp"))),
        None => None,
    };
    let verdict = severity_filter(q.severity.as_deref())?;
    let before = q.cursor.as_deref().map(cursor).transpose()?;
    // One more than asked, to know whether there is a next page.
    let query = PageQuery { module: q.module, verdict, since, until, before, limit: limit + 1 };
    let pz = q.pseudonymize;
    let key = format!("{query:?} {pz}");
    // A page already rendered for this generation of the store is answered here, on the async
    // worker: no hand-off to the blocking pool, whose threads (one per request in flight, on
    // two cores) made the tail of the latency (#29).
    if let Some(body) = state.pages.get(&key, state.fresh.generation()) {
        return Ok(json_bytes(body));
    }
    blocking(move || {
        let generation = state.fresh.generation();
        if let Some(body) = state.pages.get(&key, generation) {
            return Ok(json_bytes(body));
        }
        let mut page = match state.archive.history_page(&query)? {
            Some(page) => page,
            None => query.page(&entries(&state)?).into_iter().cloned().collect(),
        };
        let more = page.len() > limit;
        page.truncate(limit);
        let next = if more { page.last().map(|e| hex(&format!("{}\t{}", e.time, e.id))) } else { None };
        let ids: Vec<String> = page.iter().map(|e| e.id.clone()).collect();
        let notes = state.archive.notes_on(&ids)?;
        let items: Vec<Value> = page
            .iter()
            .map(|e| {
                let ns: Vec<&Note> = notes.iter().filter(|n| n.entry == e.id).collect();
                entry_json(&state, e, &ns, pz)
            })
            .collect();
        let body = axum::body::Bytes::from(serde_json::to_vec(&json!({ "items": items, "next_cursor": next })).unwrap_or_default());
        if state.fresh.notified() {
            state.pages.put(key, generation, body.clone());
        }
        Ok(json_bytes(body))
    })
    .await
}

/// A JSON body already rendered.
fn json_bytes(body: axum::body::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `POST /register` body: one spec (`module`, `spec`, `path`), or several in `specs`.
#[derive(Debug, Deserialize)]
pub(super) struct RegisterBody {
    #[serde(default)]
    module: String,
    #[serde(default)]
    spec: String,
    path: Option<String>,
    /// Several specs at once; each is checked on its own, and one that cannot be read is
    /// reported in `errors` while the others are recorded.
    #[serde(default)]
    specs: Vec<RegisterSpec>,
    deploy: Option<String>,
    author: Option<String>,
    message: Option<String>,
}

/// One spec of a `POST /register` with several.
#[derive(Debug, Deserialize)]
pub(super) struct RegisterSpec {
    module: String,
    spec: String,
    path: Option<String>,
}

/// Most specs one `POST /register` may carry.
const MAX_REGISTER_SPECS: usize = 100;

/// A registered spec, checked and turned into the pipeline's input.
fn given(module: &str, spec: String, path: Option<&str>) -> Result<pipeline::Given, ApiError> {
    let module = module.trim().to_string();
    if module.is_empty() || module.len() > 200 || module.chars().any(|c| c.is_control() || c == '/') {
        return Err(ApiError::bad("`module`: expected a non-empty module name without `/`"));
    }
    if spec.trim().is_empty() {
        return Err(ApiError::bad("`spec`: the spec text is empty"));
    }
    let path = match path {
        Some(p) if safe_rel(p) => p.to_string(),
        Some(p) => return Err(ApiError::bad(format!("`path` `{p}`: expected a relative path inside the repository"))),
        None => default_path(&module, &spec)?,
    };
    let bundle = Bundle { format: String::new(), entry: path.clone(), files: BTreeMap::from([(path, spec)]) };
    Ok(pipeline::Given { module, bundle })
}

fn safe_rel(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 500
        && !p.starts_with('/')
        && !p.contains('\\')
        && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
        && p.chars().all(|c| !c.is_control())
}

/// A file name for a registered spec without one, so that loading sees the right extension.
fn default_path(module: &str, text: &str) -> Result<String, ApiError> {
    match spec::format_from_text(text) {
        Some(f) => Ok(format!("{module}/{}", f.default_file_name())),
        None => Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot tell the spec's format: give `path` with an extension (.yaml, .graphql, .proto, .d.ts)".into(),
        )),
    }
}

fn load_opts(state: &AppState) -> Result<LoadOptions, ApiError> {
    Ok(pipeline::load_options(&state.root, &state.config)?)
}

fn compare_opts(state: &AppState) -> Options {
    Options { today: today(), proto_category: state.config.protobuf.category(), ..Options::default() }
}

fn repo_policy(state: &AppState, fail_on: FailOn) -> Result<Policy, ApiError> {
    Ok(pipeline::policy_for(&state.root, &state.config, &[], fail_on, &today())?)
}

fn fail_on(state: &AppState) -> FailOn {
    state.config.gate.fail_on.unwrap_or_default()
}

pub(super) async fn register(State(state): S, Extension(caller): C, b: Body<RegisterBody>) -> Result<Json<Value>, ApiError> {
    let who = require(&caller, Role::Developer)?;
    let b = body(b)?;
    let many = !b.specs.is_empty();
    if b.specs.len() > MAX_REGISTER_SPECS {
        return Err(ApiError::bad(format!("`specs`: at most {MAX_REGISTER_SPECS} specs per request")));
    }
    let given: Vec<pipeline::Given> = if many {
        b.specs.into_iter().map(|s| given(&s.module, s.spec, s.path.as_deref())).collect::<Result<_, _>>()?
    } else {
        vec![given(&b.module, b.spec, b.path.as_deref())?]
    };
    let identity = pipeline::Identity {
        deploy: b.deploy,
        head: None,
        author: b.author.or_else(|| Some(who.subject.clone())),
        message: b.message,
        actor: Some(who.subject.clone()),
        now: now_ms(),
        via: "register",
        prs: Vec::new(),
        transitions: false,
    };
    blocking(move || {
        crate::deep::run("the register request", move || {
            let fail_on = fail_on(&state);
            let req = pipeline::Request {
                root: state.root.clone(),
                config: &state.config,
                archive: &state.archive,
                baseline: pipeline::Baseline::Archive,
                scope: pipeline::Scope::Given(given),
                policy: repo_policy(&state, fail_on)?,
                options: compare_opts(&state),
                load: load_opts(&state)?,
                identity,
            };
            let checked = pipeline::check(&req)?;
            let recorded = pipeline::record(&req, &checked)?;
            if !recorded.written.is_empty() {
                invalidate(&state);
            }
            for entry in &recorded.written {
                state.sink.send(entry, &alerts::Details { report: &checked.report, owners: &checked.owners.owners, actor: &who.subject });
            }
            if many {
                if checked.specs.is_empty() && checked.failed() {
                    return Err(ApiError(StatusCode::UNPROCESSABLE_ENTITY, errors_text(&checked.report.errors)));
                }
                return Ok(Json(json!({
                    "recorded": !recorded.written.is_empty(),
                    "entries": recorded.written,
                    "existing": recorded.existing,
                    "unchanged": recorded.unchanged,
                    "errors": checked.report.errors,
                    "report": checked.report,
                })));
            }
            if checked.failed() {
                return Err(ApiError(StatusCode::UNPROCESSABLE_ENTITY, errors_text(&checked.report.errors)));
            }
            if let Some(prev) = recorded.unchanged.first() {
                return Ok(Json(
                    json!({ "recorded": false, "reason": "the spec matches its last archived snapshot", "entry": prev, "report": checked.report }),
                ));
            }
            if let Some(entry) = recorded.written.first() {
                return Ok(Json(json!({ "recorded": true, "entry": entry, "report": checked.report })));
            }
            Ok(Json(json!({ "recorded": false, "entry": recorded.existing.first(), "report": checked.report })))
        })
    })
    .await
}

/// The specs that could not be read, one per line.
fn errors_text(errors: &[crate::report::SpecError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// `GET /alert` query.
#[derive(Debug, Deserialize)]
pub(super) struct AlertQuery {
    module: Option<String>,
    /// At most this many (the newest); `total` still counts them all.
    limit: Option<usize>,
    #[serde(default)]
    pseudonymize: bool,
}

pub(super) async fn alerts(State(state): S, Extension(caller): C, Query(q): Query<AlertQuery>) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    blocking(move || {
        let all = entries(&state)?;
        let acks = state.archive.acks()?;
        let open: Vec<alerts::Alert> =
            alerts::open(&all, &acks).into_iter().filter(|a| q.module.as_ref().is_none_or(|m| &a.module == m)).collect();
        let total = open.len();
        let open: Vec<Value> = open
            .into_iter()
            .take(q.limit.unwrap_or(usize::MAX))
            .map(|mut a| {
                a.author = pseudo(&state, q.pseudonymize, &a.author);
                serde_json::to_value(a).unwrap_or_default()
            })
            .collect();
        Ok(Json(json!({ "items": open, "total": total })))
    })
    .await
}

pub(super) async fn ack(State(state): S, Extension(caller): C, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let who = require(&caller, Role::Developer)?;
    blocking(move || {
        let all = entries(&state)?;
        let e = find_entry(&all, &id)?;
        if alerts::alert_for(&e).is_none() {
            return Err(ApiError::not_found(format!("entry {} raised no alert (no breaking change)", e.id)));
        }
        if let Some(a) = state.archive.acks()?.into_iter().find(|a| a.entry == e.id) {
            return Ok(Json(json!({ "acknowledged": true, "already": true, "ack": a })));
        }
        let t = time::format_millis(now_ms());
        let ack = Ack { id: store::unique_id(&t, &e.id), time: t.clone(), entry: e.id.clone(), actor: Some(who.subject.clone()) };
        state.archive.put_ack(&ack)?;
        state.archive.audit(&AuditEvent {
            id: store::unique_id(&t, "ack"),
            time: t,
            actor: Some(who.subject),
            action: Action::Ack,
            details: json!({"entry": e.id, "module": e.module, "spec": e.spec, "ack": ack.id}),
        })?;
        Ok(Json(json!({ "acknowledged": true, "already": false, "ack": ack })))
    })
    .await
}

/// `POST /entries/{id}/notes` body.
#[derive(Debug, Deserialize)]
pub(super) struct NoteBody {
    text: String,
}

pub(super) async fn annotate(
    State(state): S,
    Extension(caller): C,
    Path(id): Path<String>,
    b: Body<NoteBody>,
) -> Result<Json<Value>, ApiError> {
    let who = require(&caller, Role::Developer)?;
    let b = body(b)?;
    if b.text.trim().is_empty() {
        return Err(ApiError::bad("the note is empty"));
    }
    blocking(move || {
        let all = entries(&state)?;
        let e = find_entry(&all, &id)?;
        let t = time::format_millis(now_ms());
        let note = Note {
            id: store::unique_id(&t, &b.text),
            time: t.clone(),
            entry: e.id.clone(),
            author: Some(who.subject.clone()),
            text: b.text.clone(),
        };
        state.archive.put_note(&note)?;
        state.archive.audit(&AuditEvent {
            id: store::unique_id(&t, "annotate"),
            time: t,
            actor: Some(who.subject),
            action: Action::Annotate,
            details: json!({"entry": e.id, "module": e.module, "spec": e.spec, "note": note.id, "text": b.text}),
        })?;
        Ok(Json(json!({ "note": note })))
    })
    .await
}

/// `POST /rollback` body.
#[derive(Debug, Deserialize)]
pub(super) struct RollbackBody {
    to: String,
    module: Option<String>,
    #[serde(default)]
    apply: bool,
}

pub(super) async fn rollback(State(state): S, Extension(caller): C, b: Body<RollbackBody>) -> Result<Json<Value>, ApiError> {
    let who = require(&caller, Role::Admin)?;
    let b = body(b)?;
    blocking(move || {
        let all = entries(&state)?;
        let req = RollbackRequest {
            archive: &state.archive,
            root: state.root.clone(),
            to: b.to,
            module: b.module,
            current: Current::Archive,
            load: load_opts(&state)?,
            options: compare_opts(&state),
            live: Vec::new(),
        };
        let plan = pipeline::rollback::plan(&req, &all, b.apply)?;
        if !b.apply {
            let p = pipeline::rollback::preview(&req, &plan)?;
            return Ok(Json(
                json!({ "applied": false, "to": p.to, "to_kind": p.to_kind, "specs": p.specs, "diff": p.diff, "report": p.report }),
            ));
        }
        let preview = pipeline::rollback::preview(&req, &plan)?;
        let applied = pipeline::rollback::apply(&req, &plan, Some(who.subject), now_ms(), "serve")?;
        Ok(Json(json!({
            "applied": true,
            "to": applied.to,
            "to_kind": applied.to_kind,
            "specs": applied.specs,
            "files": applied.files,
            "report": preview.report,
        })))
    })
    .await
}

/// `GET /summary` query.
#[derive(Debug, Deserialize)]
pub(super) struct SummaryQuery {
    module: String,
}

pub(super) async fn summary(State(state): S, Extension(caller): C, Query(q): Query<SummaryQuery>) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    blocking(move || {
        let all = entries(&state)?;
        let acks = state.archive.acks()?;
        let sum = pipeline::summary(&state.config, &state.archive, &all, &acks, &q.module)?;
        Ok(Json(serde_json::to_value(sum).unwrap_or_default()))
    })
    .await
}

/// `GET /report/{id}` query.
#[derive(Debug, Deserialize)]
pub(super) struct ReportQuery {
    format: Option<String>,
    #[serde(default)]
    pseudonymize: bool,
}

pub(super) async fn report(
    State(state): S,
    Extension(caller): C,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let who = require(&caller, Role::Admin)?;
    let name = q.format.clone().unwrap_or_else(|| "json".into());
    let format = ReportFormat::parse(&name).ok_or_else(|| {
        let known: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.name()).collect();
        ApiError::bad(format!("format `{name}`: expected one of {}", known.join(", ")))
    })?;
    let (body, eid) = blocking(move || {
        let all = entries(&state)?;
        let e = find_entry(&all, &id)?;
        let fail_on = fail_on(&state);
        let report =
            pipeline::entry_report(&state.archive, &e, &load_opts(&state)?, &compare_opts(&state), &repo_policy(&state, fail_on)?)?;
        let body = match format {
            ReportFormat::Json => {
                let mut v = serde_json::to_value(&report).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    let author = pseudo(&state, q.pseudonymize, &e.author);
                    o.insert(
                        "entry".into(),
                        json!({"id": e.id, "time": e.time, "deploy": e.deploy, "author": author, "message": e.message}),
                    );
                }
                (serde_json::to_string_pretty(&v).unwrap_or_default() + "\n").into_bytes()
            }
            other => other.render(&report, false),
        };
        let t = time::format_millis(now_ms());
        state.archive.audit(&AuditEvent {
            id: store::unique_id(&t, "export"),
            time: t,
            actor: Some(who.subject),
            action: Action::Export,
            details: json!({"entry": e.id, "format": format.name(), "pseudonymized": q.pseudonymize}),
        })?;
        Ok((body, e.id))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"apidiff-{}.{}\"", crate::ids::short(&eid), format.extension())),
        ],
        body,
    )
        .into_response())
}

/// `?pseudonymize=true`.
#[derive(Debug, Deserialize)]
pub(super) struct Pz {
    #[serde(default)]
    pseudonymize: bool,
}

pub(super) async fn entry(
    State(state): S,
    Extension(caller): C,
    Path(id): Path<String>,
    Query(q): Query<Pz>,
) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    blocking(move || {
        let all = entries(&state)?;
        let e = find_entry(&all, &id)?;
        let notes = state.archive.notes()?;
        let ns: Vec<&Note> = notes.iter().filter(|n| n.entry == e.id).collect();
        let declared: Vec<Value> = state.config.dependants(&e.module).map(|(m, d)| json!({"module": m.name, "uses": d.uses(), "touched": e.dependants.contains(&m.name)})).collect();
        let acked = state.archive.acks()?.into_iter().any(|a| a.entry == e.id);
        // Each change's usage in today's window, beside the usage recorded with its verdict.
        let usage_now = usage_now(&state, &e)?;
        Ok(Json(json!({ "entry": entry_json(&state, &e, &ns, q.pseudonymize), "impact": declared, "alert": alerts::alert_for(&e).is_some(), "acknowledged": acked, "usage_now": usage_now })))
    })
    .await
}

/// The usage of `e`'s changes in the current window, in their order (`None` when the store
/// holds no usage evidence at all: the dashboard then shows only what was recorded).
fn usage_now(state: &AppState, e: &Entry) -> Result<Option<Vec<crate::usage::Usage>>, ApiError> {
    if e.changes.is_empty() {
        return Ok(None);
    }
    let policy = state.config.usage.as_ref().map(crate::config::UsageSetting::policy).unwrap_or_default();
    let today = crate::time::today();
    let Some(evidence) = pipeline::usage::Evidence::read_cached(state.archive.store(), policy, &today, &state.usage)? else {
        return Ok(None);
    };
    Ok(Some(evidence.current(&e.module, &e.changes)))
}

/// `GET /entries/{id}/diff` query.
#[derive(Debug, Deserialize)]
pub(super) struct DiffQuery {
    /// Only the changed regions, with this many unchanged lines around each change (at most 50);
    /// the whole files are then left out of the answer.
    context: Option<usize>,
}

pub(super) async fn entry_diff(
    State(state): S,
    Extension(caller): C,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    blocking(move || {
        let all = entries(&state)?;
        let e = find_entry(&all, &id)?;
        let old = match &e.previous {
            Some(h) => Some(state.archive.snapshot(h)?),
            None => None,
        };
        let new = match &e.snapshot {
            Some(h) => Some(state.archive.snapshot(h)?),
            None => None,
        };
        if let Some(context) = q.context {
            return Ok(Json(json!({
                "entry": e.id,
                "context": context.min(50),
                "unified": view::unified(old.as_ref(), new.as_ref()),
                "files": view::regions(old.as_ref(), new.as_ref(), context.min(50)),
            })));
        }
        Ok(Json(json!({
            "entry": e.id,
            "old": old.as_ref().map(|b| &b.files),
            "new": new.as_ref().map(|b| &b.files),
            "unified": view::unified(old.as_ref(), new.as_ref()),
            "files": view::rows(old.as_ref(), new.as_ref()),
        })))
    })
    .await
}

/// `GET /audit` query.
#[derive(Debug, Deserialize)]
pub(super) struct AuditQuery {
    since: Option<String>,
    limit: Option<usize>,
    action: Option<String>,
    #[serde(default)]
    pseudonymize: bool,
}

pub(super) async fn audit(State(state): S, Extension(caller): C, Query(q): Query<AuditQuery>) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Admin)?;
    state.flush_audit().await;
    let since = match &q.since {
        Some(s) => Some(
            time::since(s, now_ms())
                .ok_or_else(|| ApiError::bad(format!("since `{s}`: expected YYYY-MM-DD, a timestamp, or a span like 7d")))?,
        ),
        None => None,
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 5000);
    blocking(move || {
        let log = state.archive.audit_log()?;
        let items: Vec<Value> = log
            .iter()
            .rev()
            .filter(|e| since.as_ref().is_none_or(|s| e.time.as_str() >= s.as_str()))
            .filter(|e| {
                q.action
                    .as_ref()
                    .is_none_or(|a| serde_json::to_value(e.action).ok().and_then(|v| v.as_str().map(|s| s == a)).unwrap_or(false))
            })
            .take(limit)
            .map(|e| {
                let mut v = serde_json::to_value(e).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("actor".into(), json!(pseudo(&state, q.pseudonymize, &e.actor)));
                }
                v
            })
            .collect();
        Ok(Json(json!({ "items": items })))
    })
    .await
}

/// The deep check: re-hashes every object of the store. Admins only, and one at a time with at
/// least [`super::HEALTH_PER_MINUTE`] runs a minute (a burst gets 429, not a pile of hashing).
/// The answer names the store's kind, never its absolute location.
pub(super) async fn health(State(state): S, Extension(caller): C) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Admin)?;
    if !state.health_gate.try_begin() {
        return Err(ApiError(StatusCode::TOO_MANY_REQUESTS, "a deep health check ran moments ago; try again shortly".into()));
    }
    blocking(move || {
        if !health_slot(&state)? {
            return Err(ApiError(StatusCode::TOO_MANY_REQUESTS, "a deep health check ran moments ago; try again shortly".into()));
        }
        let problems: Vec<String> = state.archive.verify().iter().map(|p| redact(p, &state)).collect();
        Ok(Json(json!({ "healthy": problems.is_empty(), "store": store_kind(&state.archive.location()), "problems": problems })))
    })
    .await
}

/// One of the [`super::HEALTH_PER_MINUTE`] deep checks of this minute, claimed in the store: on a
/// shared database the limit holds for every replica together (other stores grant each claim,
/// and the replica's own window is the limit).
fn health_slot(state: &AppState) -> Result<bool, ApiError> {
    let minute = now_ms().div_euclid(60_000);
    let holder = format!("{:016x}", store::process_nonce());
    for slot in 0..super::HEALTH_PER_MINUTE {
        let key = format!("health-{minute}-{slot}");
        if state.archive.store().claim(&key, &holder, std::time::Duration::from_secs(120))? {
            state.archive.store().settle(&key, true)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// The cheap liveness check: no token, no hashing, no store I/O.
pub(super) async fn healthz() -> Response {
    (StatusCode::OK, Json(json!({ "status": "ok" }))).into_response()
}

/// The kind of store a location names (`folder`, `postgres`, `s3`), for answers that must not
/// reveal paths or hosts.
fn store_kind(location: &str) -> &'static str {
    match location.split_once("://").map(|(s, _)| s) {
        Some("postgres" | "postgresql") => "postgres",
        Some("s3") => "s3",
        _ => "folder",
    }
}

/// A message with the store's location replaced by `<store>`.
pub(super) fn redact(msg: &str, state: &AppState) -> String {
    let loc = state.archive.location();
    if loc.is_empty() { msg.to_string() } else { msg.replace(&loc, "<store>") }
}

pub(super) async fn me(Extension(caller): C) -> Result<Json<Value>, ApiError> {
    let who = require(&caller, Role::Viewer)?;
    Ok(Json(json!({ "subject": who.subject, "role": who.role.as_str() })))
}

pub(super) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], OPENAPI).into_response()
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub(super) async fn dashboard() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CONTENT_SECURITY_POLICY, CSP)], DASHBOARD_HTML).into_response()
}

pub(super) async fn dashboard_js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], DASHBOARD_JS).into_response()
}

pub(super) async fn dashboard_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], DASHBOARD_CSS).into_response()
}
