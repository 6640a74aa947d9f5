//! A deterministic one-paragraph summary of a report in plain language, for the top of the
//! text, Markdown and HTML renderings.

use super::{Report, ReportChange};
use crate::diff::{Kind, Severity, Trait};
use std::collections::BTreeMap;

/// How many breaking changes are spelled out before the rest are counted.
const SPELLED_OUT: usize = 3;

/// One sentence (or two) saying what the update does to clients, e.g. "This update removed the
/// `GET /v1/users` endpoint, made `email` required in `POST /v1/accounts`, and added 3 endpoints."
pub fn plain_language(report: &Report) -> String {
    if report.changes.is_empty() {
        return if report.ignored.is_empty() {
            "This update does not change the API.".to_string()
        } else {
            format!("This update makes no reported change to the API ({} ignored).", report.ignored.len())
        };
    }
    let mut clauses: Vec<String> = Vec::new();
    let breaking: Vec<&ReportChange> = report.changes.iter().filter(|c| c.severity == Severity::Breaking).collect();
    clauses.extend(breaking.iter().take(SPELLED_OUT).map(|c| breaking_clause(c)));
    if breaking.len() > SPELLED_OUT {
        let n = breaking.len() - SPELLED_OUT;
        clauses.push(format!("made {n} other breaking change{}", plural(n)));
    }
    // Everything else, counted by what happened to which kind of element.
    let mut added: BTreeMap<&str, usize> = BTreeMap::new();
    let mut deprecated: BTreeMap<&str, usize> = BTreeMap::new();
    let mut warnings = 0;
    let mut other = 0;
    for c in report.changes.iter().filter(|c| c.severity != Severity::Breaking) {
        match c.kind {
            Kind::Added if c.severity == Severity::Info => *added.entry(c.area.as_str()).or_default() += 1,
            Kind::Deprecated if c.severity == Severity::Info => *deprecated.entry(c.area.as_str()).or_default() += 1,
            _ if c.severity == Severity::Warning => warnings += 1,
            _ => other += 1,
        }
    }
    for (area, n) in &added {
        clauses.push(format!("added {n} {}", noun(area, *n)));
    }
    for (area, n) in &deprecated {
        clauses.push(format!("deprecated {n} {}", noun(area, *n)));
    }
    if warnings > 0 {
        clauses.push(format!("made {warnings} change{} that may affect some clients", plural(warnings)));
    }
    if other > 0 {
        let more = if clauses.is_empty() { "" } else { "other " };
        clauses.push(format!("made {other} {more}compatible change{}", plural(other)));
    }
    let mut s = format!("This update {}.", join(&clauses));
    if breaking.is_empty() {
        s.push_str(" Nothing in it breaks existing clients.");
    } else {
        let n = breaking.len();
        let total = report.changes.len();
        s.push_str(&match (n, total) {
            (1, 1) => " It breaks existing clients.".to_string(),
            (n, t) if n == t => " All of these changes break existing clients.".to_string(),
            (1, _) => " 1 of these changes breaks existing clients.".to_string(),
            (n, _) => format!(" {n} of these changes break existing clients."),
        });
    }
    s
}

fn breaking_clause(c: &ReportChange) -> String {
    let op = c.operation.as_deref().map(|o| format!("`{o}`"));
    let name = first_code_span(&c.message);
    let removed_thing = matches!(c.kind, Kind::Removed);
    match (c.area.as_str(), removed_thing, &op, name) {
        ("endpoint", true, Some(op), _) => format!("removed the {op} endpoint"),
        (_, _, Some(op), Some(name)) if crate::diff::registry::find(&c.id).is_some_and(|r| r.has(Trait::MakesRequired)) => {
            if c.kind == Kind::Added { format!("added the required `{name}` to {op}") } else { format!("made `{name}` required in {op}") }
        }
        (area, true, Some(op), Some(name)) if Some(format!("`{name}`")) != Some(op.clone()) => {
            format!("removed the {} `{name}` from {op}", area.replace('-', " "))
        }
        (area, true, _, Some(name)) => format!("removed the {} `{name}`", area.replace('-', " ")),
        (_, _, Some(op), Some(name)) => {
            let detail = c.message.rsplit_once(": ").map(|(_, d)| format!(" ({d})")).unwrap_or_default();
            format!("changed `{name}` in {op}{detail}")
        }
        (_, _, Some(op), None) => format!("changed {op} incompatibly ({})", c.message),
        _ => format!("made a breaking change ({})", c.message),
    }
}

/// The text of the first `` `code` `` span of a message.
fn first_code_span(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s.get(start..)?.find('`')?;
    s.get(start..start + len).filter(|t| !t.is_empty())
}

fn noun(area: &str, n: usize) -> String {
    let a = area.replace('-', " ");
    if n == 1 {
        return a;
    }
    if let Some(stem) = a.strip_suffix('y') {
        format!("{stem}ies")
    } else if a.ends_with('s') || a.ends_with('x') || a.ends_with("sh") || a.ends_with("ch") {
        format!("{a}es")
    } else if matches!(a.as_str(), "info" | "security" | "federation") {
        format!("{a} items")
    } else {
        format!("{a}s")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `a`, `a and b`, `a, b, and c`.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_a_sentence() {
        assert_eq!(join(&["a".into()]), "a");
        assert_eq!(join(&["a".into(), "b".into()]), "a and b");
        assert_eq!(join(&["a".into(), "b".into(), "c".into()]), "a, b, and c");
    }

    #[test]
    fn nouns_pluralise() {
        assert_eq!(noun("endpoint", 3), "endpoints");
        assert_eq!(noun("property", 2), "properties");
        assert_eq!(noun("enum-value", 1), "enum value");
        assert_eq!(noun("info", 2), "info items");
    }

    #[test]
    fn code_span() {
        assert_eq!(first_code_span("property `email` became required"), Some("email"));
        assert_eq!(first_code_span("no span"), None);
        assert_eq!(first_code_span("unclosed `x"), None);
    }
}
