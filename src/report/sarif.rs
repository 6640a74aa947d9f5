//! The SARIF 2.1.0 rendering, for code-scanning dashboards: one run, the rules that fired (with
//! their documentation), and one result per change with its location and fingerprint.

use super::{Report, anchor, rule_docs};
use crate::diff::{Severity, registry};
use serde_json::{Value, json};

/// The SARIF schema this output follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The rule id of a spec that could not be checked (not a compatibility rule).
pub const ERROR_RULE: &str = "apidiff-spec-error";

/// SARIF's level for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Breaking => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Renders the report as a SARIF 2.1.0 log.
pub fn render(report: &Report) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for c in report.changes.iter().chain(&report.ignored) {
        if !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    let mut rules: Vec<Value> = ids.iter().map(|id| rule(id)).collect();
    // Ignored changes are kept as suppressed results, so dashboards show the decision.
    let mut results: Vec<Value> = report.changes.iter().chain(&report.ignored).map(|c| result(report, &ids, c)).collect();
    if !report.errors.is_empty() {
        rules.push(json!({
            "id": ERROR_RULE,
            "name": ERROR_RULE,
            "shortDescription": { "text": "A spec could not be loaded or compared; the other specs were still checked" },
            "defaultConfiguration": { "level": "error" },
        }));
        let index = rules.len() - 1;
        results.extend(report.errors.iter().map(|e| error_result(e, index)));
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// The SARIF rule of a rule id, with its documentation.
fn rule(id: &str) -> Value {
    match registry::find(id) {
        Some(r) => {
            let docs = rule_docs(r);
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": docs, "markdown": docs },
                "help": { "text": docs, "markdown": docs },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "format": r.format.as_str(),
                    "area": r.area,
                    "tags": [r.format.as_str(), r.area, r.severity.as_str()],
                },
            })
        }
        None => json!({ "id": id, "shortDescription": { "text": id } }),
    }
}

/// One change as a SARIF result (suppressed when it was ignored).
fn result(report: &Report, ids: &[&str], c: &crate::report::ReportChange) -> Value {
    let (file, line, column) = anchor(report, c);
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&file) },
            "region": { "startLine": line, "startColumn": column },
        },
    });
    if let Some(op) = &c.operation {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": op }]);
    }
    let mut props = json!({ "severity": c.severity.as_str(), "blocking": c.blocking });
    if let Some(b) = &c.before {
        props["before"] = json!(b);
    }
    if let Some(a) = &c.after {
        props["after"] = json!(a);
    }
    if let Some(m) = &c.module {
        props["module"] = json!(m);
    }
    let mut result = json!({
        "ruleId": c.id,
        "ruleIndex": ids.iter().position(|i| *i == c.id).unwrap_or(0),
        "level": level(c.severity),
        "message": { "text": c.message },
        "locations": [location],
        "partialFingerprints": { "apidiffFingerprint/v1": c.fingerprint },
        "properties": props,
    });
    if let Some(why) = &c.ignore_reason {
        result["suppressions"] = json!([{ "kind": "external", "justification": why }]);
    }
    if let Some(a) = &c.approval {
        result["suppressions"] = json!([{ "kind": "external", "status": "accepted", "justification": a.sentence() }]);
        result["properties"]["approval"] = json!(a);
    }
    result
}

/// A spec that could not be checked, as a failing result of the error rule at `index`.
fn error_result(e: &crate::report::SpecError, index: usize) -> Value {
    json!({
        "ruleId": ERROR_RULE,
        "ruleIndex": index,
        "level": "error",
        "kind": "fail",
        "message": { "text": format!("{} could not be checked: {}", e.spec, e.message) },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri(&e.file) },
            "region": { "startLine": e.line.unwrap_or(1).max(1), "startColumn": e.column.unwrap_or(1).max(1) },
        }}],
        "partialFingerprints": { "apidiffFingerprint/v1": e.fingerprint() },
        "properties": { "module": e.module, "spec": e.spec },
    })
}

/// A relative URI reference for a path: unreserved characters and `/` kept, the rest
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_encoded() {
        assert_eq!(super::uri("api/my spec.yaml"), "api/my%20spec.yaml");
        assert_eq!(super::uri("a:b"), "a%3Ab");
    }
}
