//! The GitLab Code Quality rendering (a JSON array of issues), for merge-request widgets.

use super::{Report, ReportChange, anchor};
use crate::diff::Severity;
use serde_json::{Value, json};

/// GitLab's severity: blocking changes are `blocker`, other breaking ones `major`, warnings
/// `minor`, the rest `info`.
pub fn severity(c: &ReportChange) -> &'static str {
    match (c.blocking, c.severity) {
        (true, _) => "blocker",
        (false, Severity::Breaking) => "major",
        (false, Severity::Warning) => "minor",
        (false, Severity::Info) => "info",
    }
}

/// Renders the report as a GitLab Code Quality report.
pub fn render(report: &Report) -> String {
    let issues: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            let (path, line, _) = anchor(report, c);
            let description = match &c.approval {
                Some(a) => format!("{} ({})", c.message, a.sentence()),
                None => c.message.clone(),
            };
            json!({
                "type": "issue",
                "description": description,
                "check_name": c.id,
                "fingerprint": c.fingerprint,
                "severity": severity(c),
                "categories": ["Compatibility"],
                "location": { "path": path, "lines": { "begin": line } },
            })
        })
        .chain(report.errors.iter().map(|e| {
            json!({
                "type": "issue",
                "description": format!("{} could not be checked: {}", e.spec, e.message),
                "check_name": "apidiff-spec-error",
                "fingerprint": e.fingerprint(),
                "severity": "blocker",
                "categories": ["Bug Risk"],
                "location": { "path": e.file, "lines": { "begin": e.line.unwrap_or(1) } },
            })
        }))
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}
