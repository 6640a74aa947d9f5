//! A deterministic summary (one short paragraph per module) of a report in plain language, for the top of the
//! text, Markdown and HTML renderings.

use super::{Group, Report, ReportChange, thousands};
use crate::diff::{Kind, Severity, Trait};
use std::collections::{BTreeMap, HashMap};

/// How many breaking changes are spelled out before the rest are counted.
const SPELLED_OUT: usize = 3;

/// The summary as one paragraph per module (see [`paragraphs`]), separated by blank lines.
pub fn plain_language(report: &Report) -> String {
    paragraphs(report).join("\n\n")
}

/// One short paragraph per module saying what the update does to clients, naming its three
/// most important (largest) breaking groups, e.g. "This update removed the `GET /v1/users`
/// endpoint, made `email` required in `POST /v1/accounts`, and added 3 endpoints." With more
/// than one module each paragraph starts with "Module `name`:".
pub fn paragraphs(report: &Report) -> Vec<String> {
    if report.changes.is_empty() {
        return vec![if report.ignored.is_empty() {
            "This update does not change the API.".to_string()
        } else {
            format!("This update makes no reported change to the API ({} ignored).", report.ignored.len())
        }];
    }
    let mut modules: Vec<Option<&str>> = Vec::new();
    for c in &report.changes {
        if !modules.contains(&c.module.as_deref()) {
            modules.push(c.module.as_deref());
        }
    }
    let first = super::first_members(report);
    modules
        .iter()
        .map(|&m| {
            let changes: Vec<&ReportChange> = report.changes.iter().filter(|c| c.module.as_deref() == m).collect();
            let groups: Vec<&Group> =
                report.groups.iter().filter(|g| g.module.as_deref() == m && g.severity == Severity::Breaking).collect();
            let s = sentence(&changes, &groups, &first);
            match m {
                Some(name) if modules.len() > 1 => format!("Module `{name}`: {s}"),
                _ => s,
            }
        })
        .collect()
}

fn sentence(changes: &[&ReportChange], breaking_groups: &[&Group], first: &HashMap<&str, &ReportChange>) -> String {
    let mut clauses: Vec<String> = Vec::new();
    let mut spelled = 0;
    for g in breaking_groups.iter().take(SPELLED_OUT) {
        spelled += g.count;
        match first.get(g.group.as_str()) {
            Some(c) if g.count == 1 => clauses.push(breaking_clause(c)),
            Some(c) => clauses.push(group_clause(c, g)),
            None => {}
        }
    }
    let breaking = changes.iter().filter(|c| c.severity == Severity::Breaking).count();
    if breaking > spelled {
        let n = breaking - spelled;
        clauses.push(format!("made {} other breaking change{}", thousands(n), plural(n)));
    }
    // Everything else, counted by what happened to which kind of element.
    let mut added: BTreeMap<&str, usize> = BTreeMap::new();
    let mut deprecated: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut documented, mut warnings, mut other) = (0, 0, 0);
    for c in changes.iter().filter(|c| c.severity != Severity::Breaking) {
        let docs_only = crate::diff::registry::find(&c.id).is_some_and(|r| r.has(Trait::Documentation));
        match c.kind {
            _ if docs_only && c.severity == Severity::Info => documented += 1,
            Kind::Added if c.severity == Severity::Info => *added.entry(subject(c).unwrap_or(&c.area)).or_default() += 1,
            Kind::Deprecated if c.severity == Severity::Info => *deprecated.entry(subject(c).unwrap_or(&c.area)).or_default() += 1,
            _ if c.severity == Severity::Warning => warnings += 1,
            _ => other += 1,
        }
    }
    for (what, n) in &added {
        clauses.push(format!("added {} {}", thousands(*n), noun(what, *n)));
    }
    for (what, n) in &deprecated {
        clauses.push(format!("deprecated {} {}", thousands(*n), noun(what, *n)));
    }
    match documented {
        0 => {}
        1 => clauses.push("changed the description of 1 element".to_string()),
        n => clauses.push(format!("changed the descriptions of {} elements", thousands(n))),
    }
    if warnings > 0 {
        clauses.push(format!("made {} change{} that may affect some clients", thousands(warnings), plural(warnings)));
    }
    if other > 0 {
        let more = if clauses.is_empty() { "" } else { "other " };
        clauses.push(format!("made {} {more}compatible change{}", thousands(other), plural(other)));
    }
    let mut s = format!("This update {}.", join(&clauses));
    if breaking == 0 {
        s.push_str(" Nothing in it breaks existing clients.");
    } else {
        let total = changes.len();
        s.push_str(&match (breaking, total) {
            (1, 1) => " It breaks existing clients.".to_string(),
            (n, t) if n == t => " All of these changes break existing clients.".to_string(),
            (1, _) => " 1 of these changes breaks existing clients.".to_string(),
            (n, _) => format!(" {} of these changes break existing clients.", thousands(n)),
        });
    }
    s
}

/// A group of identical breaking edits in words: "removed 593 endpoints", else "made 6 changes
/// where type changed from string to object".
fn group_clause(c: &ReportChange, g: &Group) -> String {
    let area = c.area.replace('-', " ");
    if matches!(c.kind, Kind::Removed) && g.message == format!("{area} was removed") {
        return format!("removed {} {}", thousands(g.count), noun(&c.area, g.count));
    }
    format!("made {} changes where {}", thousands(g.count), g.message.trim_end_matches('.'))
}

fn breaking_clause(c: &ReportChange) -> String {
    let op = c.operation.as_deref().map(|o| format!("`{o}`"));
    // What the change is about: the last part of a message like "query parameter `kind`: enum
    // value `x` was removed" names it ("enum value `x`"); the part before names where.
    let what = tail(&c.message);
    let name = first_code_span(what);
    let removed_thing = matches!(c.kind, Kind::Removed);
    // "in `Query.a`" after `Query.a` or `Query.a(x:)` repeats the name.
    let place = |name: &str| match &c.operation {
        Some(o) if !name.starts_with(o.as_str()) => format!(" in `{o}`"),
        _ => String::new(),
    };
    match (removed_thing, &op, name) {
        (true, Some(op), _) if c.area == "endpoint" => format!("removed the {op} endpoint"),
        (_, Some(op), Some(name)) if crate::diff::registry::find(&c.id).is_some_and(|r| r.has(Trait::MakesRequired)) => {
            if c.kind == Kind::Added { format!("added the required `{name}` to {op}") } else { format!("made `{name}` required in {op}") }
        }
        (true, Some(op), Some(name)) if Some(format!("`{name}`")) != Some(op.clone()) && subject(c).is_some() => {
            format!("removed the {} `{name}` from {op}", subject(c).unwrap_or_default())
        }
        (true, _, Some(name)) if subject(c).is_some() => format!("removed the {} `{name}`", subject(c).unwrap_or_default()),
        (_, Some(_), Some(name)) if detail(&c.message, what, name).is_some() => {
            let detail = detail(&c.message, what, name).unwrap_or_default();
            let detail = if detail.is_empty() { String::new() } else { format!(" ({detail})") };
            format!("changed `{name}`{}{detail}", place(name))
        }
        (_, Some(op), _) => format!("changed {op} incompatibly ({})", c.message),
        _ => format!("made a breaking change ({})", c.message),
    }
}

/// The last part of a message that names a place first ("query parameter `kind`: enum value `x`
/// was removed" → "enum value `x` was removed"), when that part names something itself.
fn tail(message: &str) -> &str {
    match message.rsplit_once("`: ") {
        Some((_, t)) if first_code_span(t).is_some() => t,
        _ => message,
    }
}

/// What a change to `` `name` `` did, in words: the part after "place: " in the message, else
/// what follows the name ("field `Query.a` changed type from `String` to `Int`"). `None` when
/// that is not words ("`value` (#1) of `Store.set` was narrowed"): the message is then quoted whole.
fn detail<'m>(message: &'m str, what: &'m str, name: &str) -> Option<&'m str> {
    match message.rsplit_once(": ") {
        Some((_, d)) => Some(d),
        None => {
            let rest = what.split_once(&format!("`{name}`")).map_or("", |(_, rest)| rest.trim());
            (rest.is_empty() || rest.starts_with(|ch: char| ch.is_ascii_alphabetic())).then_some(rest)
        }
    }
}

/// The kind of element a change is about, as its message names it ("enum value" in "... enum
/// value `x` was removed"), else (the message starts with the name) the rule's area ("schema").
/// `None` when the words before the name are not a plain noun ("element 1 (`number`) of tuple"):
/// the message is then quoted whole.
fn subject(c: &ReportChange) -> Option<&str> {
    let t = tail(&c.message);
    // "the spec `x` …" names a spec: the clause adds its own article.
    let words = t.split_once('`').map_or("", |(head, _)| head.trim());
    let words = words.strip_prefix("the ").unwrap_or(words);
    let plain = words.split(' ').count() <= 3 && words.chars().all(|ch| ch.is_ascii_lowercase() || ch == ' ' || ch == '-');
    match words {
        "" => Some(c.area.as_str()),
        _ if plain => Some(words),
        _ => None,
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
