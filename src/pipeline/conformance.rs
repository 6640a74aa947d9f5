//! Payload conformance: sampled response shapes ([`ResponseShape`]) held against the current
//! OpenAPI description of their module. A property the response schema does not describe, a
//! required property the responses lack, or a type the schema does not allow is a [`Finding`]
//! of the drift kind (what is served differs from what is described). Schema walks follow
//! `$ref`s through `DocSet::resolve` and `allOf` branches, bounded in depth.
//!
//! `usage show` holds the shapes against the working tree's specs; `watch` against what each
//! polled live source serves now ([`of_live_sources`]), and hands the findings to the alert
//! channels as drift changes ([`Finding::change`]) whose fingerprints make each one alert once.

use crate::diff::{Direction, Format, Kind, Severity};
use crate::error::Result;
use crate::report::ReportChange;
use crate::spec::openapi::Api;
use crate::spec::refs::{DocSet, NodeId};
use crate::usage::samples::ResponseShape;
use serde::Serialize;
use serde_json::Value;

/// How deep `allOf` branches are followed when looking for a property.
const MAX_ALLOF_DEPTH: usize = 8;

/// What a response did that its description does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// A property the schema does not describe.
    Undocumented,
    /// A required property absent from every sampled response.
    MissingRequired,
    /// A value of a type the schema does not allow.
    WrongType,
}

/// One difference between served responses and the description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The module.
    pub module: String,
    /// `GET /pets`.
    pub operation: String,
    /// The status code.
    pub status: String,
    /// The property's pointer in the body (`/items/*/name`).
    pub pointer: String,
    /// What is wrong.
    pub problem: Problem,
    /// A sentence saying so.
    pub message: String,
}

/// The id payload-conformance findings carry as changes (alerts, watch output). Not a rule of
/// the registry: it compares served bodies with a description, not two descriptions.
pub const FINDING_ID: &str = "response-payload-drift";

impl Finding {
    /// The finding as a change the alert channels carry, at `severity` (the `gate.drift`
    /// level). Its fingerprint is the finding itself (module, operation, status, pointer,
    /// problem), so a channel's fingerprint dedupe announces it once however many polls see it.
    pub fn change(&self, severity: Severity) -> ReportChange {
        let problem = serde_json::to_value(self.problem).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let key = format!("{}\n{}\n{}\n{}\n{problem}", self.module, self.operation, self.status, self.pointer);
        let kind = if self.problem == Problem::Undocumented { Kind::Added } else { Kind::Changed };
        let message = format!("drift (served responses vs description): {}", self.message);
        let fingerprint = format!("{FINDING_ID}-{}", &crate::spec::bundle::sha256_hex(key.as_bytes())[..24]);
        ReportChange {
            direction: Direction::Response,
            area: "response".into(),
            ..ReportChange::notice(FINDING_ID, severity, Format::OpenApi, kind, message, (&self.module, &self.operation), fingerprint)
        }
    }
}

/// Payload conformance of the live sources a watch just polled, each `(module, locator)`: the
/// module's response shapes sampled in the usage window (`policy`'s, ending `today`) held
/// against what the source serves now (its latest archived snapshot, OpenAPI only). The
/// batches' shapes are read into `cache` (by batch key; a long-running watch reads each batch
/// once, see [`crate::store::usage::responses_into`]); a store without usage evidence is not
/// read at all. A snapshot that does not load is skipped (the poll reports it already).
/// Findings are deduplicated per module.
pub fn of_live_sources(
    archive: &crate::store::Archive,
    sources: &[(&str, &str)],
    load: &crate::spec::LoadOptions,
    policy: &crate::usage::UsagePolicy,
    today: &str,
    cache: &mut std::collections::BTreeMap<String, Vec<ResponseShape>>,
) -> Result<Vec<Finding>> {
    let store = archive.store();
    if sources.is_empty() || !store.exists()? {
        return Ok(Vec::new());
    }
    crate::store::usage::responses_into(store, cache)?;
    let since = crate::usage::window_start(today, policy.window_days);
    let shapes: Vec<&ResponseShape> = cache.values().flatten().filter(|r| r.day >= since && r.day.as_str() <= today).collect();
    if !sources.iter().any(|(m, _)| shapes.iter().any(|s| s.module == *m)) {
        return Ok(Vec::new());
    }
    let entries = archive.entries()?;
    let latest = crate::store::Archive::latest(&entries);
    let mut out: Vec<Finding> = Vec::new();
    for (module, locator) in sources {
        let mine: Vec<&ResponseShape> = shapes.iter().copied().filter(|s| s.module == *module).collect();
        if mine.is_empty() {
            continue;
        }
        let Some(entry) = latest.iter().find(|e| e.module == *module && e.spec == *locator && e.format == Format::OpenApi) else {
            continue;
        };
        let Some(snap) = &entry.snapshot else { continue };
        let Ok(spec) = archive.snapshot(snap).and_then(|b| crate::spec::load(&b.input()?, load)) else { continue };
        if let crate::spec::Spec::OpenApi(api) = &spec {
            for f in conformance(api, &mine) {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
    Ok(out)
}

/// Every finding of `shapes` against `api` (shapes of unknown operations or undescribed
/// statuses are skipped: the description says nothing to hold them to).
pub fn conformance(api: &Api, shapes: &[&ResponseShape]) -> Vec<Finding> {
    let mut out = Vec::new();
    for shape in shapes {
        let Some(op) = api.operations.values().find(|o| o.method.eq_ignore_ascii_case(&shape.method) && o.path == shape.path) else {
            continue;
        };
        let Some(schema) = response_schema(&api.docs, &op.node, &shape.status) else { continue };
        let operation = format!("{} {}", shape.method, shape.path);
        let mut push = |pointer: &str, problem: Problem, message: String| {
            let f = Finding {
                module: shape.module.clone(),
                operation: operation.clone(),
                status: shape.status.clone(),
                pointer: pointer.into(),
                problem,
                message,
            };
            if !out.contains(&f) {
                out.push(f);
            }
        };
        // Below an undocumented property everything is undocumented too: said once.
        let mut undocumented: Vec<String> = Vec::new();
        for (pointer, seen) in &shape.properties {
            if undocumented.iter().any(|u| pointer.strip_prefix(u.as_str()).is_some_and(|rest| rest.starts_with('/'))) {
                continue;
            }
            let segs: Vec<&str> = if pointer.is_empty() { Vec::new() } else { pointer[1..].split('/').collect() };
            match schema_at(&api.docs, &schema, &segs) {
                At::Found(node) => {
                    if let Some(allowed) = types_of(&api.docs, &node, 0).filter(|t| !t.is_empty()) {
                        let fits = allowed.iter().any(|t| t == seen || (t == "number" && seen == "integer"));
                        if !fits {
                            push(
                                pointer,
                                Problem::WrongType,
                                format!(
                                    "{operation} {} responses send `{pointer}` as {seen}; the description allows {}",
                                    shape.status,
                                    allowed.join(" or ")
                                ),
                            );
                        }
                    }
                    if seen == "object" {
                        for r in required_of(&api.docs, &node, 0) {
                            let child = format!("{pointer}/{}", r.replace('~', "~0").replace('/', "~1"));
                            if !shape.properties.contains_key(&child) {
                                push(
                                    &child,
                                    Problem::MissingRequired,
                                    format!("{operation} {} responses lack `{child}`, which the description requires", shape.status),
                                );
                            }
                        }
                    }
                }
                At::Undocumented => {
                    undocumented.push(pointer.clone());
                    push(
                        pointer,
                        Problem::Undocumented,
                        format!("{operation} {} responses send `{pointer}`, which the description does not document", shape.status),
                    )
                }
                At::Unknown => {}
            }
        }
    }
    out
}

/// The JSON schema of `status` (else `default`, else `2XX`-style ranges) of an operation.
fn response_schema(docs: &DocSet, op: &NodeId, status: &str) -> Option<NodeId> {
    let (responses, value) = docs.resolve(&op.child("responses"))?;
    let range = format!("{}XX", status.chars().next()?);
    let key = [status, range.as_str(), "default"].into_iter().find(|k| value.get(*k).is_some())?;
    let (resp, rv) = docs.resolve(&responses.child(key))?;
    if let Some(content) = rv.get("content").and_then(Value::as_object) {
        let media = content.keys().find(|m| m.contains("json"))?;
        return Some(resp.child("content").child(media).child("schema"));
    }
    // Swagger 2.0: the schema sits on the response.
    rv.get("schema").map(|_| resp.child("schema"))
}

enum At {
    Found(NodeId),
    Undocumented,
    Unknown,
}

/// The schema of the property at `segs` under `schema`.
fn schema_at(docs: &DocSet, schema: &NodeId, segs: &[&str]) -> At {
    let mut cur = schema.clone();
    for seg in segs {
        let Some((id, _)) = docs.resolve(&cur) else { return At::Unknown };
        let next = if *seg == "*" {
            child_schema(docs, &id, &["items"], 0)
        } else {
            let name = seg.replace("~1", "/").replace("~0", "~");
            match child_schema(docs, &id, &["properties", &name], 0) {
                Some(n) => Some(n),
                None => match open_object(docs, &id, 0) {
                    Some(Some(extra)) => Some(extra),
                    Some(None) => return At::Unknown,
                    None => return At::Undocumented,
                },
            }
        };
        match next {
            Some(n) => cur = n,
            None => return At::Unknown,
        }
    }
    At::Found(cur)
}

/// The node at `path` under a schema or under one of its `allOf` branches.
fn child_schema(docs: &DocSet, id: &NodeId, path: &[&str], depth: usize) -> Option<NodeId> {
    let (id, v) = docs.resolve(id)?;
    let mut direct = Some(v);
    for p in path {
        direct = direct.and_then(|d| d.get(*p));
    }
    if direct.is_some() {
        return Some(path.iter().fold(id, |n, p| n.child(p)));
    }
    if depth >= MAX_ALLOF_DEPTH {
        return None;
    }
    let n = v.get("allOf").and_then(Value::as_array).map_or(0, Vec::len);
    (0..n).find_map(|i| child_schema(docs, &id.child("allOf").item(i), path, depth + 1))
}

/// Whether an object schema admits undescribed properties: `None` when it does not (it lists
/// `properties` and says `additionalProperties: false`, or lists them without saying — the
/// description documents what it lists), `Some(Some(schema))` for an `additionalProperties`
/// schema, `Some(None)` when anything goes (no `properties` at all, or `true`).
fn open_object(docs: &DocSet, id: &NodeId, depth: usize) -> Option<Option<NodeId>> {
    let (id, v) = docs.resolve(id)?;
    match v.get("additionalProperties") {
        Some(Value::Bool(false)) => return None,
        Some(Value::Object(_)) => return Some(Some(id.child("additionalProperties"))),
        Some(_) => return Some(None),
        None => {}
    }
    let branches = v.get("allOf").and_then(Value::as_array).map_or(0, Vec::len);
    if branches > 0 && depth < MAX_ALLOF_DEPTH {
        return (0..branches).map(|i| open_object(docs, &id.child("allOf").item(i), depth + 1)).find(|r| r.is_none()).unwrap_or(Some(None));
    }
    if v.get("properties").is_some() { None } else { Some(None) }
}

/// The types a schema allows (`nullable` adds `null`), merged over `allOf`; `None` when it
/// says nothing about types.
fn types_of(docs: &DocSet, id: &NodeId, depth: usize) -> Option<Vec<String>> {
    let (id, v) = docs.resolve(id)?;
    let mut out: Vec<String> = match v.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    if out.is_empty() && depth < MAX_ALLOF_DEPTH {
        let n = v.get("allOf").and_then(Value::as_array).map_or(0, Vec::len);
        if let Some(t) = (0..n).find_map(|i| types_of(docs, &id.child("allOf").item(i), depth + 1)) {
            out = t;
        }
    }
    if out.is_empty() {
        return None;
    }
    if v.get("nullable").and_then(Value::as_bool) == Some(true) || v.get("x-nullable").and_then(Value::as_bool) == Some(true) {
        out.push("null".into());
    }
    Some(out)
}

/// The `required` names of a schema and its `allOf` branches.
fn required_of(docs: &DocSet, id: &NodeId, depth: usize) -> Vec<String> {
    let Some((id, v)) = docs.resolve(id) else { return Vec::new() };
    let mut out: Vec<String> =
        v.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(|r| r.as_str().map(str::to_string)).collect();
    if depth < MAX_ALLOF_DEPTH {
        let n = v.get("allOf").and_then(Value::as_array).map_or(0, Vec::len);
        for i in 0..n {
            out.extend(required_of(docs, &id.child("allOf").item(i), depth + 1));
        }
    }
    out
}
