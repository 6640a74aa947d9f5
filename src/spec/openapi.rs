//! OpenAPI 3.0 / 3.1 and Swagger 2.0 lowered into one model: operations keyed by method and
//! path template (parameter names ignored), their parameters, bodies, responses and security;
//! schemas stay nodes of the [`DocSet`] and are read by the comparator through `$ref`s.

use super::LoadOptions;
use super::refs::{DocSet, NodeId, member};
use crate::error::{Located, Result};
use crate::source::Input;
use crate::source::text::Syntax;
use indexmap::IndexMap;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Which OpenAPI generation a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.0.x.
    V30,
    /// OpenAPI 3.1.x (and 3.2, read leniently).
    V31,
}

/// An OpenAPI description.
#[derive(Debug)]
pub struct Api {
    /// The files.
    pub docs: DocSet,
    /// The generation.
    pub version: Version,
    /// The version the document declares (`openapi: 3.2.0`, `swagger: "2.0"`), as written.
    pub declared: String,
    /// `info.version`.
    pub info_version: Option<String>,
    /// Server URLs (for Swagger 2.0: `scheme://host/basePath` per scheme), with their nodes.
    pub servers: Vec<(String, NodeId)>,
    /// Security schemes by name.
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// Operations by key (`GET /pets/{}`).
    pub operations: IndexMap<String, Operation>,
    /// Webhooks (3.1) by key (`POST newPet`).
    pub webhooks: IndexMap<String, Operation>,
    /// Named schemas (`components/schemas` or `definitions`).
    pub schemas: IndexMap<String, NodeId>,
}

/// One security scheme.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// Where it is defined.
    pub node: NodeId,
    /// `type` plus the fields that identify it (`in`/`name` for API keys, `scheme` for http).
    pub kind: String,
    /// Every OAuth2 scope any flow offers.
    pub scopes: BTreeSet<String>,
    /// Where clients get credentials: OAuth2 flow name to its URLs, `openIdConnectUrl`, or (3.2)
    /// `oauth2MetadataUrl`.
    pub endpoints: BTreeMap<String, String>,
    /// (3.2) `deprecated: true`.
    pub deprecated: bool,
}

/// One alternative of a security requirement: scheme name to required scopes.
pub type Requirement = BTreeMap<String, BTreeSet<String>>;

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Method in upper case.
    pub method: String,
    /// The path template as written.
    pub path: String,
    /// The operation object.
    pub node: NodeId,
    /// `operationId`.
    pub operation_id: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The sunset date as written: `x-sunset` (or `x-sunset-date`), else the value a declared
    /// `Sunset` response header carries (its `example`, or its schema's `const`/`default`/`example`).
    pub sunset: Option<String>,
    /// Where the sunset date is written.
    pub sunset_at: Option<NodeId>,
    /// `x-stability-level`.
    pub stability: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Parameters (path-level merged in) keyed by location and name (header names lower-cased,
    /// path parameters by their position in the template).
    pub params: IndexMap<(String, String), Param>,
    /// Request body (Swagger 2.0 body/formData parameters become one).
    pub body: Option<Body>,
    /// Responses by status code (`200`, `4XX`, `default`).
    pub responses: IndexMap<String, Response>,
    /// Effective security (operation-level, else global): alternatives; empty means none.
    pub security: Vec<Requirement>,
    /// Node the effective security comes from.
    pub security_node: Option<NodeId>,
    /// Callbacks (3.x): requests the API makes to the client, keyed `name METHOD expression`.
    pub callbacks: IndexMap<String, Operation>,
}

impl Operation {
    /// `GET /pets/{petId}`: how the operation is named in reports.
    pub fn display(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name as written.
    pub name: String,
    /// `path`, `query`, `header`, `cookie` (Swagger 2.0 `formData` lands in the body).
    pub location: String,
    /// Required.
    pub required: bool,
    /// Deprecated.
    pub deprecated: bool,
    /// `x-sunset` (or `x-sunset-date`) date as written.
    pub sunset: Option<String>,
    /// Where the sunset date is written.
    pub sunset_at: Option<NodeId>,
    /// The parameter node.
    pub node: NodeId,
    /// Its schema: `schema`, the first `content` entry's schema, or (Swagger 2.0) the node itself.
    pub schema: Option<NodeId>,
    /// `style`, defaulted per location.
    pub style: String,
    /// `explode`, defaulted per style.
    pub explode: bool,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The body node.
    pub node: NodeId,
    /// Required.
    pub required: bool,
    /// Media types (lower-cased, parameters dropped) to their schema.
    pub content: IndexMap<String, Media>,
}

/// A media type entry.
#[derive(Debug, Clone)]
pub struct Media {
    /// The media type node.
    pub node: NodeId,
    /// Its schema.
    pub schema: Option<NodeId>,
    /// (3.2) The schema of each item of a sequential media type (JSON Lines, SSE, multipart).
    pub item_schema: Option<NodeId>,
}

/// A response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The response node (after `$ref`).
    pub node: NodeId,
    /// Headers by lower-cased name.
    pub headers: IndexMap<String, Header>,
    /// Media types to schema.
    pub content: IndexMap<String, Media>,
}

/// A response header.
#[derive(Debug, Clone)]
pub struct Header {
    /// Name as written.
    pub name: String,
    /// The header node.
    pub node: NodeId,
    /// Required (3.x `required`; Swagger 2.0 headers are optional).
    pub required: bool,
    /// Schema (Swagger 2.0: the header node itself).
    pub schema: Option<NodeId>,
}

const METHODS: [&str; 9] = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];

/// `/pets/{petId}` → `/pets/{}`: how paths match across versions.
pub fn path_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push('{');
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push('}');
                }
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// `application/JSON; charset=utf-8` → `application/json`.
pub fn media_key(m: &str) -> String {
    m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase()
}

fn s(v: &Value, k: &str) -> Option<String> {
    member(v, k).and_then(Value::as_str).map(str::to_string)
}

/// A boolean keyword; `"true"` written as a string counts too (a common YAML slip that would
/// otherwise hide a required parameter).
fn b(v: &Value, k: &str) -> bool {
    match member(v, k) {
        Some(Value::Bool(x)) => *x,
        Some(Value::String(x)) => x.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Loads an OpenAPI or Swagger document (and every file its `$ref`s reach).
pub fn load(input: std::borrow::Cow<'_, Input>, value: Value, syntax: Syntax, opts: &LoadOptions) -> Result<Api> {
    let version = match (value.get("swagger"), value.get("openapi")) {
        (Some(v), _) if v.as_str().is_some_and(|s| s.starts_with('2')) || v.as_f64() == Some(2.0) => Version::Swagger2,
        (_, Some(Value::String(v))) if v.starts_with("3.0") => Version::V30,
        (_, Some(Value::String(v))) if v.starts_with('3') => Version::V31,
        (sw, oa) => {
            let shown = sw.or(oa).map(Value::to_string).unwrap_or_default();
            return Err(Located::new(
                &input.name,
                Some(1),
                Some(1),
                format!("unsupported OpenAPI version {shown}: expected swagger: \"2.0\" or openapi: 3.x"),
            )
            .into());
        }
    };
    let declared = value.get("openapi").or_else(|| value.get("swagger")).map_or_else(String::new, |v| match v {
        Value::String(x) => x.clone(),
        other => other.to_string(),
    });
    let name = input.name.clone();
    let root_name = input.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let mut docs = DocSet::load(input, value, syntax, opts)?;
    let root = NodeId { doc: 0, ptr: String::new() };
    // Lowering borrows the documents; made-up documents (Swagger 2.0 form bodies) are queued
    // and appended afterwards, at the indexes they were promised.
    let mut synth = Synth { first: docs.docs.len() as u32, queued: Vec::new() };
    let mut operations = IndexMap::new();
    let mut webhooks = IndexMap::new();
    let (info_version, servers, security_schemes, schemas) = {
        let Some(rootv) = docs.get(&root).filter(|v| v.is_object()) else {
            return Err(Located::new(&name, Some(1), Some(1), "expected a mapping at the top level").into());
        };
        let info_version =
            rootv.get("info").and_then(|i| i.get("version")).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        let servers = lower_servers(version, rootv, &root);
        let security_schemes = lower_security_schemes(&docs, version, rootv, &root);
        let schemas_at = if version == Version::Swagger2 { root.child("definitions") } else { root.child("components").child("schemas") };
        let mut schemas = IndexMap::new();
        if let Some(Value::Object(m)) = docs.get(&schemas_at) {
            for n in m.keys() {
                schemas.insert(n.clone(), schemas_at.child(n));
            }
        }
        let global_security = rootv.get("security").map(|v| (parse_security(v), root.child("security")));
        let ctx = Ctx {
            version,
            consumes: string_list(rootv.get("consumes")),
            produces: string_list(rootv.get("produces")),
            global_security,
            root_name,
        };
        let paths = root.child("paths");
        if let Some(Value::Object(pm)) = rootv.get("paths") {
            for path in pm.keys() {
                let (item_id, item) = resolve(&docs, &paths.child(path))?;
                for op in lower_path_item(&docs, &mut synth, &ctx, path, &item_id, item)? {
                    let key = format!("{} {}", op.method, path_key(&op.path));
                    operations.entry(key).or_insert(op);
                }
            }
        }
        let hooks = root.child("webhooks");
        if let Some(Value::Object(hm)) = rootv.get("webhooks") {
            for name in hm.keys() {
                let (item_id, item) = resolve(&docs, &hooks.child(name))?;
                for op in lower_path_item(&docs, &mut synth, &ctx, name, &item_id, item)? {
                    webhooks.insert(format!("{} {}", op.method, name), op);
                }
            }
        }
        (info_version, servers, security_schemes, schemas)
    };
    for (anchor, value) in synth.queued {
        docs.add_synthetic(anchor, value);
    }
    docs.check_cycles(schemas.values().cloned())?;
    Ok(Api { docs, version, declared, info_version, servers, security_schemes, operations, webhooks, schemas })
}

/// Made-up documents waiting to be appended to the [`DocSet`].
struct Synth {
    first: u32,
    queued: Vec<(NodeId, Value)>,
}

impl Synth {
    fn add(&mut self, anchor: NodeId, value: Value) -> NodeId {
        self.queued.push((anchor, value));
        NodeId { doc: self.first + self.queued.len() as u32 - 1, ptr: String::new() }
    }
}

struct Ctx {
    version: Version,
    consumes: Vec<String>,
    produces: Vec<String>,
    global_security: Option<(Vec<Requirement>, NodeId)>,
    root_name: String,
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn lower_servers(version: Version, rootv: &Value, root: &NodeId) -> Vec<(String, NodeId)> {
    let mut servers = Vec::new();
    if version == Version::Swagger2 {
        if let Some(host) = rootv.get("host").and_then(Value::as_str) {
            let base = rootv.get("basePath").and_then(Value::as_str).unwrap_or("");
            let schemes = string_list(rootv.get("schemes"));
            let schemes = if schemes.is_empty() { vec!["https".to_string()] } else { schemes };
            for sc in schemes {
                servers.push((format!("{sc}://{host}{base}"), root.child("host")));
            }
        } else if let Some(base) = rootv.get("basePath").and_then(Value::as_str) {
            servers.push((base.to_string(), root.child("basePath")));
        }
        return servers;
    }
    if let Some(Value::Array(list)) = rootv.get("servers") {
        for (i, sv) in list.iter().enumerate() {
            if let Some(url) = sv.get("url").and_then(Value::as_str) {
                servers.push((url.trim_end_matches('/').to_string(), root.child("servers").item(i)));
            }
        }
    }
    servers
}

fn lower_security_schemes(docs: &DocSet, version: Version, rootv: &Value, root: &NodeId) -> IndexMap<String, SecurityScheme> {
    let mut out = IndexMap::new();
    let at =
        if version == Version::Swagger2 { root.child("securityDefinitions") } else { root.child("components").child("securitySchemes") };
    let map = if version == Version::Swagger2 {
        rootv.get("securityDefinitions")
    } else {
        rootv.get("components").and_then(|c| c.get("securitySchemes"))
    };
    let Some(Value::Object(m)) = map else { return out };
    for name in m.keys() {
        let id = at.child(name);
        let Some((node, v)) = docs.resolve(&id) else { continue };
        let ty = s(v, "type").unwrap_or_default();
        let kind = match ty.as_str() {
            "apiKey" => {
                let place = s(v, "in").unwrap_or_default();
                let name = s(v, "name").unwrap_or_default();
                // Header names are case-insensitive (RFC 9110): `X-Api-Key` and `x-api-key` are one header.
                let name = if place.eq_ignore_ascii_case("header") { name.to_ascii_lowercase() } else { name };
                format!("apiKey in {place} `{name}`")
            }
            "http" => format!("http {}", s(v, "scheme").unwrap_or_default().to_ascii_lowercase()),
            "basic" => "http basic".to_string(),
            other => other.to_string(),
        };
        let mut scopes = BTreeSet::new();
        if let Some(Value::Object(sc)) = v.get("scopes") {
            scopes.extend(sc.keys().cloned());
        }
        let urls = |f: &Value| ["authorizationUrl", "tokenUrl"].iter().filter_map(|k| s(f, k)).collect::<Vec<_>>().join(" ");
        let mut endpoints = BTreeMap::new();
        if let Some(Value::Object(flows)) = v.get("flows") {
            for (flow, f) in flows {
                if let Some(Value::Object(sc)) = f.get("scopes") {
                    scopes.extend(sc.keys().cloned());
                }
                endpoints.insert(flow.clone(), urls(f));
            }
        }
        // Swagger 2.0 names the same flows differently.
        if let Some(flow) = s(v, "flow") {
            let flow = match flow.as_str() {
                "application" => "clientCredentials".to_string(),
                "accessCode" => "authorizationCode".to_string(),
                _ => flow,
            };
            endpoints.insert(flow, urls(v));
        }
        // (3.2) Where OAuth2 clients discover the authorization server, like `openIdConnectUrl`.
        for key in ["openIdConnectUrl", "oauth2MetadataUrl"] {
            if let Some(url) = s(v, key) {
                endpoints.insert(key.into(), url);
            }
        }
        out.insert(name.clone(), SecurityScheme { node, kind, scopes, endpoints, deprecated: b(v, "deprecated") });
    }
    out
}

fn parse_security(v: &Value) -> Vec<Requirement> {
    let Value::Array(list) = v else { return Vec::new() };
    list.iter()
        .filter_map(|alt| alt.as_object())
        .map(|alt| alt.iter().map(|(k, v)| (k.clone(), string_list(Some(v)).into_iter().collect())).collect::<Requirement>())
        // `{}` is the "no auth" alternative: keep it, it makes the whole requirement optional.
        .collect()
}

fn default_style(loc: &str) -> &'static str {
    match loc {
        "query" | "cookie" => "form",
        _ => "simple",
    }
}

fn lower_path_item(docs: &DocSet, synth: &mut Synth, ctx: &Ctx, path: &str, item_id: &NodeId, item: &Value) -> Result<Vec<Operation>> {
    let mut shared: IndexMap<(String, String), Param> = IndexMap::new();
    let mut shared_raw: Vec<(NodeId, &Value)> = Vec::new();
    if let Some(Value::Array(ps)) = member(item, "parameters") {
        for i in 0..ps.len() {
            let pid = item_id.child("parameters").item(i);
            shared_raw.push(resolve(docs, &pid)?);
        }
    }
    let template_names = template_params(path);
    for (pid, pv) in &shared_raw {
        if let Some(p) = lower_param(ctx, pid, pv) {
            shared.insert(param_key(&p, &template_names), p);
        }
    }
    let shared = Shared { params: shared, raw: shared_raw, template_names };
    let mut ops = Vec::new();
    // The fixed method fields, then (3.2) `additionalOperations`, keyed by the method exactly as
    // it is sent (`COPY`, `LINK`).
    let fixed = METHODS.iter().filter_map(|m| item.get(*m).map(|v| (m.to_string(), m.to_ascii_uppercase(), item_id.child(m), v)));
    let extra: Vec<(String, String, NodeId, &Value)> = match member(item, "additionalOperations") {
        Some(Value::Object(more)) => {
            more.iter().map(|(k, v)| (k.clone(), k.clone(), item_id.child("additionalOperations").child(k), v)).collect()
        }
        _ => Vec::new(),
    };
    for (field, method, op_id, opv) in fixed.chain(extra) {
        if !opv.is_object() {
            return Err(docs.error_at(&op_id, format!("`{field}` must be an operation object")).into());
        }
        ops.push(lower_operation(docs, synth, ctx, path, &shared, method, op_id, opv)?);
    }
    Ok(ops)
}

/// The parameters a path item gives all its operations.
struct Shared<'v> {
    params: IndexMap<(String, String), Param>,
    raw: Vec<(NodeId, &'v Value)>,
    template_names: Vec<String>,
}

/// One operation of a path item (a fixed method field or an `additionalOperations` entry).
#[allow(clippy::too_many_arguments)]
fn lower_operation(
    docs: &DocSet,
    synth: &mut Synth,
    ctx: &Ctx,
    path: &str,
    shared: &Shared<'_>,
    method: String,
    op_id: NodeId,
    opv: &Value,
) -> Result<Operation> {
    let template_names = &shared.template_names;
    let mut params = shared.params.clone();
    let mut raw: Vec<(NodeId, &Value)> = shared.raw.clone();
    if let Some(Value::Array(ps)) = member(opv, "parameters") {
        for i in 0..ps.len() {
            let pid = op_id.child("parameters").item(i);
            let (rid, rv) = resolve(docs, &pid)?;
            if let Some(p) = lower_param(ctx, &rid, rv) {
                let key = param_key(&p, template_names);
                raw.retain(|(_, v)| !(s(v, "name") == s(rv, "name") && s(v, "in") == s(rv, "in")));
                params.insert(key, p);
            }
            raw.push((rid, rv));
        }
    }
    let mut body = None;
    if ctx.version == Version::Swagger2 {
        body = swagger_body(synth, ctx, opv, &op_id, &raw);
    } else if member(opv, "requestBody").is_some() {
        let (bid, bv) = resolve(docs, &op_id.child("requestBody"))?;
        body = Some(Body { required: b(bv, "required"), content: content_of(&bid, bv), node: bid });
    }
    let mut responses = IndexMap::new();
    if let Some(Value::Object(rs)) = member(opv, "responses") {
        for code in rs.keys().filter(|k| !k.starts_with("x-")) {
            let (rid, rv) = resolve(docs, &op_id.child("responses").child(code))?;
            responses.insert(code.to_ascii_uppercase().replace("DEFAULT", "default"), lower_response(ctx, opv, &rid, rv));
        }
    }
    let (security, security_node) = match member(opv, "security") {
        Some(v) => (parse_security(v), Some(op_id.child("security"))),
        None => match &ctx.global_security {
            Some((reqs, node)) => (reqs.clone(), Some(node.clone())),
            None => (Vec::new(), None),
        },
    };
    let mut callbacks = IndexMap::new();
    if let Some(Value::Object(cbs)) = member(opv, "callbacks") {
        for name in cbs.keys() {
            let (cb_id, cbv) = resolve(docs, &op_id.child("callbacks").child(name))?;
            let Value::Object(exprs) = cbv else { continue };
            for expr in exprs.keys() {
                let (item_id, item) = resolve(docs, &cb_id.child(expr))?;
                // Callbacks inside callbacks are legal and pointless; one level is read.
                for mut op in lower_path_item(docs, synth, ctx, expr, &item_id, item)? {
                    op.callbacks.clear();
                    callbacks.insert(format!("{name} {} {expr}", op.method), op);
                }
            }
        }
    }
    let (sunset, sunset_at) = sunset_ext(&op_id, opv).or_else(|| sunset_header(docs, &responses)).unzip();
    Ok(Operation {
        callbacks,
        sunset_at,
        method,
        path: path.to_string(),
        operation_id: s(opv, "operationId"),
        deprecated: b(opv, "deprecated"),
        sunset,
        stability: s(opv, "x-stability-level"),
        tags: string_list(member(opv, "tags")),
        params,
        body,
        responses,
        security,
        security_node,
        node: op_id,
    })
}

/// oasdiff's sunset extension on an operation or parameter: `x-sunset`, else `x-sunset-date`.
fn sunset_ext(id: &NodeId, v: &Value) -> Option<(String, NodeId)> {
    ["x-sunset", "x-sunset-date"].into_iter().find_map(|k| Some((s(v, k)?, id.child(k))))
}

/// The date a declared `Sunset` response header (RFC 8594) carries: the header's `example`, else
/// its schema's `const`, `default`, `example` or only `enum` value, else its first `examples` entry.
fn sunset_header(docs: &DocSet, responses: &IndexMap<String, Response>) -> Option<(String, NodeId)> {
    let header = responses.values().find_map(|r| r.headers.get("sunset"))?;
    let (hid, hv) = docs.resolve(&header.node)?;
    let text = |v: &Value| v.as_str().map(str::to_string);
    if let Some(x) = member(hv, "example").and_then(text) {
        return Some((x, hid.child("example")));
    }
    if let Some((sid, sv)) = header.schema.as_ref().and_then(|id| docs.resolve(id)) {
        for k in ["const", "default", "example", "x-example"] {
            if let Some(x) = member(sv, k).and_then(text) {
                return Some((x, sid.child(k)));
            }
        }
        if let Some(Value::Array(e)) = member(sv, "enum")
            && let [one] = &e[..]
            && let Some(x) = text(one)
        {
            return Some((x, sid.child("enum").item(0)));
        }
    }
    let Some(Value::Object(ex)) = member(hv, "examples") else { return None };
    let (name, _) = ex.iter().next()?;
    let (eid, ev) = docs.resolve(&hid.child("examples").child(name))?;
    Some((member(ev, "value").and_then(text)?, eid.child("value")))
}

fn resolve<'a>(docs: &'a DocSet, id: &NodeId) -> Result<(NodeId, &'a Value)> {
    docs.resolve(id).ok_or_else(|| docs.error_at(id, "$ref chain loops back on itself and never reaches a definition").into())
}

fn template_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

fn param_key(p: &Param, template: &[String]) -> (String, String) {
    match p.location.as_str() {
        "path" => match template.iter().position(|n| n == &p.name) {
            Some(i) => ("path".into(), format!("#{i}")),
            None => ("path".into(), p.name.clone()),
        },
        "header" => ("header".into(), p.name.to_ascii_lowercase()),
        other => (other.to_string(), p.name.clone()),
    }
}

fn lower_param(ctx: &Ctx, id: &NodeId, v: &Value) -> Option<Param> {
    let name = s(v, "name")?;
    let location = s(v, "in")?;
    if ctx.version == Version::Swagger2 && (location == "body" || location == "formData") {
        return None;
    }
    // OpenAPI 3.x: "If in is header and the name is Accept, Content-Type or Authorization, the
    // parameter definition SHALL be ignored" (media types and security describe those).
    if ctx.version != Version::Swagger2
        && location == "header"
        && ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
    {
        return None;
    }
    let schema = if member(v, "schema").is_some() {
        Some(id.child("schema"))
    } else if let Some(Value::Object(c)) = member(v, "content") {
        c.keys().next().map(|k| id.child("content").child(k).child("schema"))
    } else if ctx.version == Version::Swagger2 {
        Some(id.clone())
    } else {
        None
    };
    let style = s(v, "style").unwrap_or_else(|| match (ctx.version, s(v, "collectionFormat").as_deref()) {
        (Version::Swagger2, Some("ssv")) => "spaceDelimited".into(),
        (Version::Swagger2, Some("pipes")) => "pipeDelimited".into(),
        // No 3.x style joins with tabs; a name of its own keeps csv -> tsv visible.
        (Version::Swagger2, Some("tsv")) => "tabDelimited".into(),
        _ => default_style(&location).into(),
    });
    let explode = member(v, "explode").and_then(Value::as_bool).unwrap_or(match ctx.version {
        Version::Swagger2 => s(v, "collectionFormat").as_deref() == Some("multi"),
        _ => style == "form",
    });
    let (sunset, sunset_at) = sunset_ext(id, v).unzip();
    Some(Param {
        required: b(v, "required") || location == "path",
        deprecated: b(v, "deprecated"),
        sunset,
        sunset_at,
        node: id.clone(),
        schema,
        style,
        explode,
        name,
        location,
    })
}

fn content_of(id: &NodeId, v: &Value) -> IndexMap<String, Media> {
    let mut out = IndexMap::new();
    if let Some(Value::Object(c)) = member(v, "content") {
        for (k, mv) in c {
            let node = id.child("content").child(k);
            let schema = member(mv, "schema").map(|_| node.child("schema"));
            let item_schema = member(mv, "itemSchema").map(|_| node.child("itemSchema"));
            out.entry(media_key(k)).or_insert(Media { node, schema, item_schema });
        }
    }
    out
}

fn lower_response(ctx: &Ctx, opv: &Value, id: &NodeId, v: &Value) -> Response {
    let mut headers = IndexMap::new();
    if let Some(Value::Object(hs)) = member(v, "headers") {
        for (name, hv) in hs {
            let node = id.child("headers").child(name);
            let schema = if member(hv, "schema").is_some() {
                Some(node.child("schema"))
            } else if ctx.version == Version::Swagger2 {
                Some(node.clone())
            } else {
                None
            };
            headers.insert(name.to_ascii_lowercase(), Header { name: name.clone(), required: b(hv, "required"), schema, node });
        }
    }
    let content = if ctx.version == Version::Swagger2 {
        let mut out = IndexMap::new();
        if member(v, "schema").is_some() {
            let produces = string_list(member(opv, "produces"));
            let produces = if produces.is_empty() { ctx.produces.clone() } else { produces };
            let produces = if produces.is_empty() { vec!["application/json".to_string()] } else { produces };
            for m in produces {
                out.insert(media_key(&m), Media { node: id.clone(), schema: Some(id.child("schema")), item_schema: None });
            }
        }
        out
    } else {
        content_of(id, v)
    };
    Response { node: id.clone(), headers, content }
}

/// Swagger 2.0: the `body` parameter, or the `formData` parameters gathered into an object
/// schema whose properties `$ref` the parameters (so locations point at the real nodes).
fn swagger_body(synth: &mut Synth, ctx: &Ctx, opv: &Value, op_id: &NodeId, raw: &[(NodeId, &Value)]) -> Option<Body> {
    let consumes = string_list(member(opv, "consumes"));
    let consumes = if consumes.is_empty() { ctx.consumes.clone() } else { consumes };
    if let Some((pid, pv)) = raw.iter().find(|(_, v)| s(v, "in").as_deref() == Some("body")) {
        let consumes = if consumes.is_empty() { vec!["application/json".to_string()] } else { consumes };
        let content = consumes
            .iter()
            .map(|m| (media_key(m), Media { node: pid.clone(), schema: Some(pid.child("schema")), item_schema: None }))
            .collect();
        return Some(Body { node: pid.clone(), required: b(pv, "required"), content });
    }
    let form: Vec<&(NodeId, &Value)> = raw.iter().filter(|(_, v)| s(v, "in").as_deref() == Some("formData")).collect();
    if form.is_empty() {
        return None;
    }
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut any_required = false;
    for (pid, pv) in &form {
        let Some(name) = s(pv, "name") else { continue };
        if pid.doc != 0 {
            continue;
        }
        props.insert(name.clone(), json!({ "$ref": format!("{}#{}", ctx.root_name, pid.ptr) }));
        if b(pv, "required") {
            required.push(Value::String(name));
            any_required = true;
        }
    }
    let schema = json!({ "type": "object", "properties": props, "required": required });
    let node = synth.add(op_id.clone(), schema);
    let has_file = form.iter().any(|(_, v)| s(v, "type").as_deref() == Some("file"));
    let mut media: Vec<String> = consumes.into_iter().filter(|m| m.contains("form")).collect();
    if media.is_empty() {
        media.push(if has_file { "multipart/form-data".into() } else { "application/x-www-form-urlencoded".into() });
    }
    let content =
        media.iter().map(|m| (media_key(m), Media { node: op_id.clone(), schema: Some(node.clone()), item_schema: None })).collect();
    Some(Body { node: op_id.clone(), required: any_required, content })
}
