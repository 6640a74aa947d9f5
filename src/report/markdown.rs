//! The Markdown rendering: a changelog a person reads, grouped by severity then module, with
//! the old and new value of every change.

use super::{Report, ReportChange, summary};
use crate::diff::Severity;
use std::fmt::Write as _;

/// Renders the whole report.
pub fn render(report: &Report) -> String {
    render_limited(report, None)
}

/// Renders at most `max_changes` changes (all when `None`), then says how many were left out.
pub fn render_limited(report: &Report, max_changes: Option<usize>) -> String {
    let mut s = String::from("# API changes\n\n");
    let _ = writeln!(s, "{}\n", text(&summary::plain_language(report)));
    if let Some(ai) = &report.ai {
        let _ = writeln!(s, "**AI summary (model {}):** {}\n", text(&ai.model), text(&ai.summary));
        if !ai.severity_recommendation.is_empty() {
            let _ = writeln!(s, "Recommended severity: **{}**\n", text(&ai.severity_recommendation));
        }
        for sug in &ai.suggestions {
            let _ = writeln!(s, "- {}", text(sug));
        }
        if !ai.suggestions.is_empty() {
            s.push('\n');
        }
    }
    let sm = &report.summary;
    let verdict = if report.gate.passed { "passed" } else { "failed" };
    let _ = writeln!(
        s,
        "**Gate (`--fail-on {}`): {verdict}**{}\n",
        report.gate.fail_on.as_str(),
        if report.gate.blocking > 0 { format!(", {} blocking", report.gate.blocking) } else { String::new() }
    );
    let _ = writeln!(s, "| breaking | warning | info | ignored |\n|---:|---:|---:|---:|");
    let _ = writeln!(s, "| {} | {} | {} | {} |\n", sm.breaking, sm.warning, sm.info, sm.ignored);
    for p in &report.specs {
        let module = p.module.as_deref().map(|m| format!("module {}: ", code(m))).unwrap_or_default();
        let _ = writeln!(s, "- {module}{} → {} ({})", code(&p.base), code(&p.revision), p.format.as_str());
    }
    s.push('\n');
    errors(&mut s, report);
    let mut shown = 0usize;
    let limit = max_changes.unwrap_or(usize::MAX);
    for sev in [Severity::Breaking, Severity::Warning, Severity::Info] {
        let rows: Vec<&ReportChange> = report.changes.iter().filter(|c| c.severity == sev).collect();
        if rows.is_empty() || shown >= limit {
            continue;
        }
        let _ = writeln!(s, "## {} ({})\n", heading(sev), rows.len());
        let mut modules: Vec<Option<&str>> = Vec::new();
        for c in &rows {
            if !modules.contains(&c.module.as_deref()) {
                modules.push(c.module.as_deref());
            }
        }
        for m in modules {
            if shown >= limit {
                break;
            }
            if let Some(m) = m {
                let _ = writeln!(s, "### Module {}\n", code(m));
            }
            for c in rows.iter().filter(|c| c.module.as_deref() == m) {
                if shown >= limit {
                    break;
                }
                change(&mut s, c);
                shown += 1;
            }
            s.push('\n');
        }
    }
    if shown < report.changes.len() {
        let n = report.changes.len() - shown;
        let _ = writeln!(s, "_{n} more change{} not shown; see the full report._\n", if n == 1 { "" } else { "s" });
    }
    if !report.ignored.is_empty() {
        let _ = writeln!(s, "## Ignored ({})\n", report.ignored.len());
        for c in report.ignored.iter().take(limit.saturating_sub(shown)) {
            let why = c.ignore_reason.as_deref().map(|r| format!(" — ignored: {}", text(r))).unwrap_or_default();
            let _ = writeln!(s, "- {} {}{why}", code(&c.id), text(&c.message));
        }
        s.push('\n');
    }
    for p in &report.ignore_problems {
        let _ = writeln!(s, "- ignore entry at {} ({}) is {}", code(&p.entry.source), code(&p.entry.rule), p.problem);
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

/// The specs that could not be checked, each with its file and line.
fn errors(s: &mut String, report: &Report) {
    if report.errors.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Specs that could not be checked ({})\n", report.errors.len());
    for e in &report.errors {
        let module = e.module.as_deref().map(|m| format!("module {}: ", code(m))).unwrap_or_default();
        let _ = writeln!(s, "- {module}{} — at {}: {}", code(&e.spec), code(&e.place()), text(&e.message));
    }
    s.push('\n');
}

fn heading(sev: Severity) -> &'static str {
    match sev {
        Severity::Breaking => "Breaking changes",
        Severity::Warning => "Warnings",
        Severity::Info => "Other changes",
    }
}

fn change(s: &mut String, c: &ReportChange) {
    let op = c.operation.as_deref().map(|o| format!(" {} —", code(o))).unwrap_or_default();
    let blocking = if c.blocking { " **(blocking)**" } else { "" };
    let _ = writeln!(s, "- {}{op} {}{blocking}", code(&c.id), text(&c.message));
    if c.before.is_some() || c.after.is_some() {
        let show = |v: &Option<String>| v.as_deref().map_or_else(|| "_(none)_".to_string(), code);
        let _ = writeln!(s, "  - before: {}\n  - after: {}", show(&c.before), show(&c.after));
    }
    if let Some(l) = super::primary_location(c) {
        let line = l.line.map(|n| format!(":{n}")).unwrap_or_default();
        let _ = writeln!(s, "  - at {} · fingerprint {}", code(&format!("{}{line}", l.file)), code(&c.fingerprint));
    } else {
        let _ = writeln!(s, "  - fingerprint {}", code(&c.fingerprint));
    }
    if !c.affected.is_empty() {
        let list: Vec<String> = c.affected.iter().map(|a| code(a)).collect();
        let _ = writeln!(s, "  - also affects {}", list.join(", "));
    }
    for line in super::reach(c) {
        let md: String = line
            .iter()
            .map(|seg| match seg {
                super::Seg::Text(t) => text(t),
                super::Seg::Code(t) => code(t),
            })
            .collect();
        let _ = writeln!(s, "  - {md}");
    }
}

/// An inline code span that holds any text: a fence longer than any backtick run inside.
pub fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for ch in s.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Prose that may hold `` `code` `` spans: outside them, characters Markdown or HTML would
/// interpret are backslash-escaped; newlines become spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    let balanced = s.matches('`').count().is_multiple_of(2);
    for ch in s.chars() {
        match ch {
            '\n' | '\r' => out.push(' '),
            '`' if balanced => {
                in_code = !in_code;
                out.push(ch);
            }
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '`' | '~' | '!' if !in_code => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
    }

    #[test]
    fn prose_is_escaped_outside_code() {
        assert_eq!(text("a <b> `c<d>` *e*"), "a \\<b\\> `c<d>` \\*e\\*");
        assert_eq!(text("odd ` tick"), "odd \\` tick");
    }
}
