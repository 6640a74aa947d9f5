//! The documentation generator: README_API_DIFF.md (the guide, every command, the config and
//! report fields, the tracker API) and one rule reference page per format under `docs/rules/`,
//! all generated from the code (clap definitions, the rule registry, the JSON Schemas) and the
//! guide's prose in `docs/guide/*.md`. `apidiff docs` writes them or checks that the committed
//! copies are current; the tests check the same.

use crate::diff::{Format, Rule, Severity, registry};
use crate::report::rule_docs;
use clap::{Arg, ArgAction, Command};
use serde_json::Value;
use std::fmt::Write as _;

/// The generated guide's name.
pub const FILE: &str = "README_API_DIFF.md";

/// Where the rule reference pages go.
pub const RULES_DIR: &str = "docs/rules";

/// One generated file: its path relative to the repository root, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Path relative to the repository root.
    pub path: String,
    /// The text.
    pub text: String,
}

/// The formats, in the order the reference lists them.
const FORMATS: [Format; 6] = [Format::Any, Format::OpenApi, Format::GraphQl, Format::AsyncApi, Format::TypeScript, Format::Protobuf];

/// Every generated file: the guide, then one rule page per format.
pub fn generate_all(cli: clap::Command) -> Vec<Generated> {
    let mut files = vec![Generated { path: FILE.to_string(), text: generate(cli) }];
    for f in FORMATS {
        if let Some(text) = rule_page(f) {
            files.push(Generated { path: rule_page_path(f), text });
        }
    }
    files
}

/// The rule reference page of a format (`docs/rules/openapi.md`).
pub fn rule_page_path(f: Format) -> String {
    format!("{RULES_DIR}/{}.md", f.as_str())
}

/// Where a rule is documented, relative to the repository root (`docs/rules/openapi.md#id`).
pub fn rule_link(r: &Rule) -> String {
    format!("{}#{}", rule_page_path(r.format), r.id)
}

/// The whole of README_API_DIFF.md, for the command line `cli` (the CLI's clap definition).
pub fn generate(cli: clap::Command) -> String {
    let mut s = String::new();
    s.push_str(INTRO);
    s.push_str(&modules_section());
    s.push_str(READING);
    s.push_str(&report_fields());
    s.push_str(&commands_section(cli));
    s.push_str(&rules_section());
    s.push_str(&oasdiff_section());
    s.push_str(IGNORES);
    s.push_str(APPROVALS);
    s.push_str(CI);
    s.push_str(&tracker_section());
    s.push_str(DASHBOARD);
    s.push_str(HISTORY);
    s.push_str(WATCH);
    s.push_str(FLEET);
    s.push_str(FAQ);
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

const MODULES: &str = include_str!("../../docs/guide/modules.md");
const INTRO: &str = include_str!("../../docs/guide/intro.md");

fn modules_section() -> String {
    let mut s = String::from(MODULES);
    let schema: Value = serde_json::from_str(&crate::config::json_schema()).unwrap_or(Value::Null);
    object_table(&mut s, "`apidiff.yaml`", &schema);
    if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
        for (name, def) in defs {
            if def.get("properties").is_some() {
                object_table(&mut s, &format!("`{name}`"), def);
            }
        }
    }
    s
}

fn object_table(s: &mut String, title: &str, schema: &Value) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let _ = writeln!(s, "{title}{}\n", schema.get("description").and_then(Value::as_str).map(|d| format!(": {d}")).unwrap_or_default());
    s.push_str("| key | type | meaning |\n|---|---|---|\n");
    for (key, p) in props {
        let desc = p.get("description").and_then(Value::as_str).unwrap_or("").replace('\n', " ").replace('|', "\\|");
        let _ = writeln!(s, "| `{key}` | {} | {desc} |", type_of(p));
    }
    s.push('\n');
}

fn type_of(p: &Value) -> String {
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        return format!("`{}`", r.rsplit('/').next().unwrap_or(r));
    }
    if let Some(any) = p.get("anyOf").or_else(|| p.get("oneOf")).and_then(Value::as_array) {
        let parts: Vec<String> = any.iter().map(type_of).filter(|t| t != "null").collect();
        return parts.join(" or ");
    }
    if let Some(e) = p.get("enum").and_then(Value::as_array) {
        let vals: Vec<String> = e.iter().filter_map(Value::as_str).map(|v| format!("`{v}`")).collect();
        return vals.join(", ");
    }
    match p.get("type") {
        Some(Value::String(t)) if t == "array" => {
            format!("list of {}", p.get("items").map(type_of).unwrap_or_else(|| "values".into()))
        }
        Some(Value::String(t)) if t == "object" && p.get("additionalProperties").is_some_and(Value::is_object) => {
            format!("map to {}", p.get("additionalProperties").map(type_of).unwrap_or_default())
        }
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => {
            let parts: Vec<&str> = ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
            parts.join(" or ")
        }
        _ => "any".into(),
    }
}

const READING: &str = include_str!("../../docs/guide/reading.md");

fn report_fields() -> String {
    let mut s = String::new();
    let schema: Value = serde_json::from_str(&crate::report::json_schema()).unwrap_or(Value::Null);
    object_table(&mut s, "The report", &schema);
    if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
        for name in ["ReportChange", "Location", "Summary", "Gate", "SpecPair"] {
            if let Some(def) = defs.get(name) {
                object_table(&mut s, &format!("`{name}`"), def);
            }
        }
    }
    s
}

fn commands_section(mut cmd: clap::Command) -> String {
    cmd.build();
    let mut s = String::from("## Commands\n\n");
    let _ = writeln!(s, "{}\n", cmd.get_about().map(|a| a.to_string()).unwrap_or_default());
    s.push_str("Global options (accepted by every command):\n\n");
    for a in cmd.get_arguments().filter(|a| shown(a)) {
        arg_line(&mut s, a);
    }
    s.push('\n');
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set() && c.get_name() != "help") {
        command(&mut s, sub, 3);
    }
    s
}

fn command(s: &mut String, cmd: &Command, level: usize) {
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let _ = writeln!(s, "{} `{name}`\n", "#".repeat(level));
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = writeln!(s, "{about}\n");
    }
    let usage = cmd.clone().render_usage().to_string();
    let _ = writeln!(s, "```text\n{}\n```\n", usage.trim().trim_start_matches("Usage: "));
    let args: Vec<&Arg> = cmd.get_arguments().filter(|a| shown(a) && !a.is_global_set()).collect();
    if !args.is_empty() {
        for a in args {
            arg_line(s, a);
        }
        s.push('\n');
    }
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set() && c.get_name() != "help") {
        command(s, sub, (level + 1).min(6));
    }
}

fn shown(a: &Arg) -> bool {
    !a.is_hide_set() && !matches!(a.get_action(), ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version)
}

fn arg_line(s: &mut String, a: &Arg) {
    let mut name = String::new();
    if a.is_positional() {
        let v = a.get_value_names().and_then(|v| v.first()).map(|v| v.to_string()).unwrap_or_else(|| a.get_id().to_string().to_uppercase());
        name.push_str(&format!("<{v}>"));
    } else {
        if let Some(short) = a.get_short() {
            name.push_str(&format!("-{short}, "));
        }
        if let Some(long) = a.get_long() {
            name.push_str(&format!("--{long}"));
        }
        if a.get_action().takes_values() {
            let v =
                a.get_value_names().and_then(|v| v.first()).map(|v| v.to_string()).unwrap_or_else(|| a.get_id().to_string().to_uppercase());
            name.push_str(&format!(" <{v}>"));
        }
    }
    let help = a.get_long_help().or(a.get_help()).map(|h| h.to_string()).unwrap_or_default().replace('\n', " ");
    let mut extra = Vec::new();
    let values: Vec<String> = a.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| format!("`{}`", v.get_name())).collect();
    if !values.is_empty() && !matches!(a.get_action(), ArgAction::SetTrue | ArgAction::SetFalse) {
        extra.push(format!("one of {}", values.join(", ")));
    }
    let defaults: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && !matches!(a.get_action(), ArgAction::SetTrue | ArgAction::SetFalse) {
        extra.push(format!("default `{}`", defaults.join(",")));
    }
    if matches!(a.get_action(), ArgAction::Append) && !help.contains("repeatable") {
        extra.push("repeatable".into());
    }
    let extra = if extra.is_empty() { String::new() } else { format!(" ({})", extra.join("; ")) };
    let _ = writeln!(s, "- `{name}`: {help}{extra}");
}

fn rules_section() -> String {
    let rules: Vec<&Rule> = registry::all().collect();
    let mut s = String::from("## Rules\n\n");
    let _ = writeln!(
        s,
        "{} rules. `apidiff rules` lists them, `apidiff explain <id>` prints one. The level is the default severity; every rule can be re-levelled by id. Each format's rules are documented on a page of their own, generated from the rules themselves; each breaking rule's entry says what its witness is (`Witness:`), or why it has none:\n",
        rules.len()
    );
    s.push_str("| format | rules | breaking | with a witness builder | warning | info |\n|---|---|---|---|---|---|\n");
    for f in FORMATS {
        let of: Vec<&&Rule> = rules.iter().filter(|r| r.format == f).collect();
        if of.is_empty() {
            continue;
        }
        let count = |sev| of.iter().filter(|r| r.severity == sev).count();
        let _ = writeln!(
            s,
            "| [{}]({}) | {} | {} | {} | {} | {} |",
            title(f),
            rule_page_path(f),
            of.len(),
            count(Severity::Breaking),
            of.iter().filter(|r| r.severity == Severity::Breaking && has_builder(r)).count(),
            count(Severity::Warning),
            count(Severity::Info)
        );
    }
    s.push_str(
        "\nHow the archive stores records, and how they migrate between versions: [docs/store-schema.md](docs/store-schema.md).\n\n",
    );
    s
}

/// One format's rule reference: a table, then every rule's documentation.
fn rule_page(f: Format) -> Option<String> {
    let of: Vec<&Rule> = registry::all().filter(|r| r.format == f).collect();
    if of.is_empty() {
        return None;
    }
    let count = |sev| of.iter().filter(|r| r.severity == sev).count();
    let mut s = format!(
        "# {} rules\n\n<!-- Generated by `apidiff docs` from the code. Do not edit: run `cargo run -- docs` to regenerate. -->\n\n{} rules: {} breaking, {} warning, {} info. Back to the [guide](../../README_API_DIFF.md#rules).\n\n",
        title(f),
        of.len(),
        count(Severity::Breaking),
        count(Severity::Warning),
        count(Severity::Info)
    );
    s.push_str(&witness_coverage(&of));
    s.push_str("| id | level | summary |\n|---|---|---|\n");
    for r in &of {
        let _ = writeln!(s, "| [`{}`](#{}) | {} | {} |", r.id, r.id, r.severity, r.summary.replace('|', "\\|"));
    }
    s.push('\n');
    for r in &of {
        let _ = writeln!(s, "## {}\n", r.id);
        let lower = |d: &dyn std::fmt::Debug| format!("{d:?}").to_lowercase();
        let _ = writeln!(
            s,
            "**{}** · {} · area {} · direction {} · kind {}\n",
            r.severity,
            r.summary,
            r.area,
            lower(&r.direction),
            lower(&r.kind)
        );
        if let Some(w) = witness_note(r) {
            let _ = writeln!(s, "{w}\n");
        }
        s.push_str(&demote(&rule_docs(r)));
        s.push_str("\n\n");
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    Some(s)
}

/// Where apidiff's default severity departs from oasdiff's, with the reason: (topic, apidiff
/// rules, why). The levels and oasdiff ids come from the rules themselves.
const OASDIFF_POLICY: &[(&str, &[&str], &str)] = &[
    (
        "Size or range limit set where the request had none",
        &["request-limit-documented", "request-length-tightened", "request-pattern-added"],
        "Level by evidence. A `maxLength`, `maxItems`, `maxProperties`, `maximum`, `minimum`, `minItems` or `minLength` written where the old description set none almost always documents what the server already enforced, so it is a warning (oasdiff's `*-set` checks agree). Lowering a limit that was written down, and a new `pattern`, reject values the old description allowed: breaking in both tools. `gate.profile: strict` rates the documented limit breaking too.",
    ),
    (
        "Security written down for an API that declared none",
        &["endpoint-security-documented", "endpoint-security-added"],
        "Level by evidence. When the old description declared no security scheme at all it did not describe authentication; the requirement now written down is how clients already call the API, so it is a warning (`gate.profile: strict` makes it breaking). When the old description did declare schemes, an operation that newly requires one rejects callers that worked before: apidiff keeps that breaking, where oasdiff rates any security added below a removal.",
    ),
    (
        "Response guarantee weakened",
        &[
            "response-range-loosened",
            "response-length-loosened",
            "response-dependency-loosened",
            "response-conditional-loosened",
            "response-tuple-loosened",
            "response-contains-loosened",
            "response-property-names-loosened",
            "response-unevaluated-loosened",
        ],
        "Breaking, as the direction implies, like a response property that is no longer required: clients receive values the old schema ruled out. oasdiff agrees for numeric, length and item bounds; it has no checks for the 2020-12 keywords (`dependentRequired`, `dependentSchemas`, `if`/`then`/`else`, `prefixItems`, `contains`, `propertyNames`, `patternProperties`, `unevaluated*`), which apidiff compares.",
    ),
    (
        "Required properties split into `oneOf` branches",
        &["request-one-of-overlap"],
        "A body that required `foo` and `bar` becoming `oneOf: [{required: [foo]}, {required: [bar]}]` rejects the body clients send today (it matches both branches). oasdiff reads it as properties becoming optional; apidiff reports the overlap, breaking.",
    ),
    (
        "`const` changed",
        &["request-const-changed", "response-const-changed"],
        "One changed value, not an enum value added and one removed. Breaking on both sides: the request value clients send is rejected; the response value clients test for is gone. oasdiff has a request check only.",
    ),
    (
        "Request body removed",
        &["request-body-removed"],
        "Clients keep sending a body the operation no longer describes; servers ignore an unexpected body, so no request fails. What the body meant is lost, which is worth a warning, not a failed build.",
    ),
    (
        "Webhook removed",
        &["webhook-removed"],
        "The API stops calling the receiver; nothing the receiver runs fails, it just gets no more events. Receivers must hear about it (a warning), but no client request breaks.",
    ),
    (
        "Request parameter default changed",
        &["request-default-changed"],
        "Clients that omit the parameter get different behaviour without any error. Whether that hurts depends on the meaning, which no tool can see: a warning to review, not a certain break.",
    ),
    (
        "Operation stability decreased",
        &["endpoint-stability-decreased"],
        "`x-stability-level` going down changes no request or response; it announces that changes may come without notice, and those changes are judged when they come. A warning.",
    ),
    (
        "Enum replaced by a union that still accepts every old value",
        &["request-enum-removed", "request-type-generalized"],
        "Every value clients sent is still accepted, so nothing breaks. apidiff compares what the schema accepts, not how it is spelled, and does not report the old enum's values as removed.",
    ),
    (
        "Optional response property removed",
        &["response-optional-property-removed"],
        "Clients had to cope with its absence already (it was optional), but those that used it when present lose data silently: a warning.",
    ),
];

fn oasdiff_section() -> String {
    let mut s = String::from(
        "## Where apidiff differs from oasdiff, and why

",
    );
    s.push_str(
        "Teams moving from oasdiff keep their overrides: `apidiff rules --format json` lists, for each rule, the oasdiff ids it corresponds to (`oasdiff`). Where the default level was a decision, it is written down here. Levels marked \"by evidence\" are softer than a strict reading; `gate.profile: strict` in apidiff.yaml restores the strict levels.\n\n",
    );
    s.push_str("| change | apidiff rule (default level) | oasdiff ids | why |\n|---|---|---|---|\n");
    for (topic, ids, why) in OASDIFF_POLICY {
        let rules: Vec<&Rule> = ids.iter().filter_map(|id| registry::find(id)).collect();
        let ours: Vec<String> = rules.iter().map(|r| format!("[`{}`]({}) ({})", r.id, rule_link(r), r.severity)).collect();
        let theirs: Vec<String> = rules.iter().flat_map(|r| r.oasdiff.iter()).map(|o| format!("`{o}`")).collect();
        let theirs = if theirs.is_empty() { "(none)".to_string() } else { theirs.join(", ") };
        let _ = writeln!(s, "| {topic} | {} | {theirs} | {why} |", ours.join(", "));
    }
    s.push('\n');
    s
}

fn title(f: Format) -> &'static str {
    match f {
        Format::OpenApi => "OpenAPI and Swagger",
        Format::GraphQl => "GraphQL",
        Format::AsyncApi => "AsyncAPI",
        Format::TypeScript => "TypeScript",
        Format::Protobuf => "Protocol Buffers",
        Format::Any => "Every format",
    }
}

/// Moves the rule docs' `## Heading`s below the rule's own `##` heading, with blank lines around.
fn demote(docs: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in docs.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        match line.strip_prefix("## ").or_else(|| line.strip_prefix("### ")) {
            Some(h) if !fenced => {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                let _ = writeln!(out, "### {}\n", h.trim());
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.trim_end().to_string()
}

const IGNORES: &str = include_str!("../../docs/guide/ignores.md");

const APPROVALS: &str = include_str!("../../docs/guide/approvals.md");

const CI: &str = include_str!("../../docs/guide/ci.md");

/// The tracker's REST API description, the same file `apidiff serve` serves.
const OPENAPI: &str = include_str!("../../docs/api/openapi.yaml");

/// "The tracker API": every operation of docs/api/openapi.yaml with its role, parameters, a curl
/// example and a response sample (the `example`s of the description, else built from its schemas).
fn tracker_section() -> String {
    let doc = crate::source::text::parse("docs/api/openapi.yaml", OPENAPI).map(|(v, _)| v).unwrap_or_default();
    let mut s = String::from(
        "## The tracker API

`apidiff serve` runs the tracker: a REST API over the same store as the CLI, and the dashboard at
`/admin/api-diff`. Every `/api/api-diff` request needs a bearer token (`apidiff token`, signed
with `APIDIFF_JWT_SECRET`) and is written to the audit log. Roles go
viewer < developer < admin; each operation below names the lowest role that may call it. The full
description is [docs/api/openapi.yaml](docs/api/openapi.yaml), also served at
`/api/api-diff/openapi.yaml`; this section is generated from it. The examples assume a token
per role (`APIDIFF_JWT_SECRET` set as for the server):

```sh
export VIEWER_TOKEN=$(apidiff token --role viewer --subject you)
export DEVELOPER_TOKEN=$(apidiff token --role developer --subject ci)
export ADMIN_TOKEN=$(apidiff token --role admin --subject you)
```

",
    );
    let empty = serde_json::Map::new();
    for (path, item) in doc["paths"].as_object().unwrap_or(&empty) {
        for (method, op) in item.as_object().unwrap_or(&empty) {
            operation(&mut s, &doc, path, method, op);
        }
    }
    s
}

fn operation(s: &mut String, doc: &Value, path: &str, method: &str, op: &Value) {
    let m = method.to_uppercase();
    let open = op["security"].as_array().is_some_and(Vec::is_empty);
    let role = op["x-role"].as_str().unwrap_or(if open { "none" } else { "viewer" });
    let summary = op["summary"].as_str().filter(|t| !t.is_empty());
    let _ = write!(s, "### `{m} {path}`\n\n{}", summary.map(|t| format!("{t} ")).unwrap_or_default());
    let _ = writeln!(s, "Role: {}.\n", if role == "none" { "none (no token)".to_string() } else { format!("{role} or above") });
    if let Some(d) = op["description"].as_str() {
        let _ = writeln!(s, "{}\n", d.trim());
    }
    let params: Vec<Value> = op["parameters"].as_array().into_iter().flatten().map(|p| resolve(doc, p).clone()).collect();
    for p in params.iter().filter(|p| p["in"] == "query") {
        let what = p["description"].as_str().or(p["schema"]["description"].as_str()).unwrap_or_default().replace('\n', " ");
        let default = p["schema"].get("default").map(|d| format!(" (default `{d}`)")).unwrap_or_default();
        let what = if what.trim().is_empty() { String::new() } else { format!(": {}", what.trim()) };
        let _ = writeln!(s, "- `{}` ({}){what}{default}", p["name"].as_str().unwrap_or_default(), type_of(&p["schema"]));
    }
    if params.iter().any(|p| p["in"] == "query") {
        s.push('\n');
    }
    let mut url = path.replace("{id}", "3f9a1c2b7d4e");
    let query: Vec<String> = params
        .iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| {
            p.get("example")
                .map(|e| format!("{}={}", p["name"].as_str().unwrap_or_default(), e.as_str().map_or(e.to_string(), str::to_string)))
        })
        .collect();
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    let mut curl = String::from("curl -s");
    if m != "GET" {
        let _ = write!(curl, " -X {m}");
    }
    if role != "none" {
        let _ = write!(curl, " -H \"Authorization: Bearer ${}_TOKEN\"", role.to_uppercase());
    }
    let body = &op["requestBody"]["content"]["application/json"];
    if body.is_object() {
        let b = body.get("example").cloned().unwrap_or_else(|| sample(doc, &body["schema"], 0));
        let _ = write!(
            curl,
            " -H 'content-type: application/json' \\\n  -d '{}'",
            serde_json::to_string(&b).unwrap_or_default().replace('\'', "'\\''")
        );
    }
    let _ = writeln!(s, "```sh\n{curl} \\\n  \"http://127.0.0.1:8080{url}\"\n```\n");
    let ok = &op["responses"]["200"];
    let ok = resolve(doc, ok);
    match ok["content"].as_object().and_then(|c| c.iter().next()) {
        Some((ctype, c)) if ctype.contains("json") => {
            let v = c.get("example").cloned().unwrap_or_else(|| sample(doc, &c["schema"], 0));
            let _ = writeln!(
                s,
                "Response (`200`, {ctype}), a sample:\n\n```json\n{}\n```\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            );
        }
        Some((ctype, _)) => {
            let _ = writeln!(
                s,
                "Response (`200`): {} (`{ctype}`).\n",
                ok["description"].as_str().unwrap_or("the document").trim_end_matches('.')
            );
        }
        None => {}
    }
}

/// `{"$ref": "#/components/..."}` followed (one level), anything else as it is.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str().and_then(|r| r.strip_prefix("#/")) {
        Some(r) => r.split('/').fold(doc, |d, k| &d[k]),
        None => v,
    }
}

/// A sample value for a schema: its `example`, first `enum` value or `default`, else one built
/// from its type (objects with every property, arrays with one item).
fn sample(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if depth > 8 {
        return Value::Null;
    }
    if let Some(v) = schema.get("example").or(schema["enum"].get(0)).or(schema.get("default")) {
        return v.clone();
    }
    if let Some(first) = schema["oneOf"].get(0).or(schema["anyOf"].get(0)) {
        return sample(doc, first, depth + 1);
    }
    let ty = match &schema["type"] {
        Value::Array(a) => a.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        t => t.as_str().unwrap_or(if schema["properties"].is_object() { "object" } else { "null" }),
    };
    match ty {
        "object" => {
            let mut o = serde_json::Map::new();
            for (k, p) in schema["properties"].as_object().into_iter().flatten() {
                o.insert(k.clone(), sample(doc, p, depth + 1));
            }
            if o.is_empty() && schema["additionalProperties"].is_object() {
                o.insert("key".into(), sample(doc, &schema["additionalProperties"], depth + 1));
            }
            Value::Object(o)
        }
        "array" => Value::Array(vec![sample(doc, &schema["items"], depth + 1)]),
        "string" => Value::String(
            match schema["format"].as_str() {
                Some("date-time") => "2026-12-02T09:30:00.000Z",
                Some("date") => "2026-12-02",
                _ => "…",
            }
            .into(),
        ),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        _ => Value::Null,
    }
}

const DASHBOARD: &str = include_str!("../../docs/guide/dashboard.md");

const HISTORY: &str = include_str!("../../docs/guide/history.md");

const FLEET: &str = include_str!("../../docs/guide/fleet.md");
const WATCH: &str = include_str!("../../docs/guide/watch.md");

const FAQ: &str = include_str!("../../docs/guide/faq.md");

/// Whether a rule's changes get witnesses built (not `none` by design).
fn has_builder(r: &Rule) -> bool {
    registry::proof(r).is_some_and(|p| !matches!(p, crate::diff::Proof::Annotation))
}

/// How many of a format's breaking rules have a witness builder (the issue's #26 measure).
fn witness_coverage(of: &[&Rule]) -> String {
    let breaking: Vec<&&Rule> = of.iter().filter(|r| r.severity == Severity::Breaking).collect();
    if breaking.is_empty() {
        return String::new();
    }
    let built = breaking.iter().filter(|r| has_builder(r)).count();
    format!(
        "Witnesses: {built} of {} breaking rules have a witness builder; each of their changes carries a request, response or value that worked with the base and fails with the revision, checked against both. The others carry `witness.kind: none` with the reason.\n\n",
        breaking.len()
    )
}

/// What a breaking rule's witness is, in one line.
fn witness_note(r: &Rule) -> Option<String> {
    use crate::diff::Proof;
    if r.severity != Severity::Breaking {
        return None;
    }
    let what = match registry::proof(r) {
        Some(Proof::Instance) => {
            "a JSON value of the changed schema (body, parameter or header), checked against both versions (formats: `date`, `date-time`, `uuid`, `email`, `ipv4`, `ipv6`, `int32` and `int64` are asserted, others are annotations)"
        }
        Some(Proof::Endpoint) => {
            "the request (AsyncAPI: the server URL, channel address or operation) that reached what is gone, and what answers it now"
        }
        Some(Proof::MissingParameter) => "a request without the parameter the revision requires",
        Some(Proof::MovedParameter) => "a request sending the parameter where the base read it (when the revision requires the new one)",
        Some(Proof::MissingBody) => "a request without a body",
        Some(Proof::MediaType) => "a request in (or asking for) the media type that is gone",
        Some(Proof::Serialization) => "a request sending a list parameter the base's way, which the revision reads as another list",
        Some(Proof::RemovedParameter) => "a request sending the parameter the base reads and the revision no longer describes",
        Some(Proof::Unconstrained) => "a message whose payload the base's schema rejects and the revision no longer describes",
        Some(Proof::Credentials) => "a request with the credentials the base accepted and the revision refuses",
        Some(Proof::MissingHeader) => "a response without the header the base promised",
        Some(Proof::Status) => "a response with the success status the revision describes in place of the base's",
        Some(Proof::Annotation) => "none: what changes is an annotation JSON Schema validators do not assert",
        Some(Proof::Repository) => {
            "the first thing a client used (OpenAPI/Swagger: the first operation's request; AsyncAPI: the first channel; GraphQL: an operation selecting the first root field; protobuf: the first RPC's method path, or the first message's symbol; TypeScript: code using the first export), built from the base against an empty description of the same format; the revision side says the description file is gone"
        }
        Some(Proof::Selection) => {
            "an operation selecting what the base has (checked with apollo-compiler's validator against both schemas), or, when the output type only loosened, a response the revision allows and the base's types forbid"
        }
        Some(Proof::Input) => {
            "an operation passing the argument, input field or enum value as the base accepts it, which the revision's validation rejects"
        }
        Some(Proof::DirectiveUse) => {
            "an operation applying the directive where and as the base allows (none when it has only type-system locations)"
        }
        Some(Proof::Wire) => {
            "wire bytes (hex) or proto JSON the base decodes to one value and the revision to another or not at all, decoded by apidiff with both descriptors"
        }
        Some(Proof::Unimplemented) => "the gRPC method path that answered and now answers UNIMPLEMENTED",
        Some(Proof::Symbol) => "the generated-code symbol (type, accessor, package or class) that disappears",
        Some(Proof::Route) => "the HTTP request (`google.api.http` transcoding) that no longer reaches the rpc",
        Some(Proof::Code) => "a few lines of consumer code (strict mode) that type-check against the old declarations and not the new ones",
        None => "none yet: no builder for this rule",
    };
    Some(format!("Witness: {what}."))
}
