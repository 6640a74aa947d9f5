//! The human rendering: one table per severity (comfy-table), then a one-line verdict.

use super::{Report, ReportChange};
use crate::diff::Severity;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// Renders the report as text; `color` adds ANSI colours, `width` wraps the tables.
pub fn render(report: &Report, color: bool, width: Option<u16>) -> String {
    let mut out = String::new();
    if !report.changes.is_empty() {
        out.push_str(&super::summary::plain_language(report));
        out.push_str("\n\n");
        if let Some(ai) = &report.ai {
            out.push_str(&format!("AI summary (model {}): {}\n", ai.model, ai.summary));
            if !ai.severity_recommendation.is_empty() {
                out.push_str(&format!("Recommended severity: {}\n", ai.severity_recommendation));
            }
            for s in &ai.suggestions {
                out.push_str(&format!("  - {s}\n"));
            }
            out.push('\n');
        }
    }
    if report.changes.is_empty() {
        out.push_str(if report.errors.is_empty() { "No changes.\n" } else { "No changes in the specs that could be checked.\n" });
    }
    for sev in [Severity::Breaking, Severity::Warning, Severity::Info] {
        let rows: Vec<&ReportChange> = report.changes.iter().filter(|c| c.severity == sev).collect();
        if rows.is_empty() {
            continue;
        }
        let title = format!("{} {} change{}", rows.len(), sev, if rows.len() == 1 { "" } else { "s" });
        out.push_str(&paint(&title, sev, color));
        out.push('\n');
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(w) = width {
            t.set_width(w);
        }
        if !color {
            t.force_no_tty();
        }
        t.set_header(vec!["rule", "where", "change"]);
        for c in rows {
            let mut id = Cell::new(&c.id);
            if color {
                id = id.fg(sev_color(sev));
            }
            t.add_row(vec![id, Cell::new(where_(c)), Cell::new(describe(c))]);
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    if !report.ignored.is_empty() {
        out.push_str(&format!("{} change(s) ignored by the ignore file.\n", report.ignored.len()));
    }
    for p in &report.ignore_problems {
        out.push_str(&format!("ignore entry at {} ({}) is {}\n", p.entry.source, p.entry.rule, p.problem));
    }
    if !report.errors.is_empty() {
        let n = report.errors.len();
        out.push_str(&paint(&format!("{n} spec{} could not be checked", if n == 1 { "" } else { "s" }), Severity::Breaking, color));
        out.push('\n');
        for e in &report.errors {
            let module = e.module.as_deref().map(|m| format!("[{m}] ")).unwrap_or_default();
            out.push_str(&format!("  {module}{e}\n"));
        }
        out.push('\n');
    }
    let s = &report.summary;
    let verdict = if report.gate.passed { "passed" } else { "FAILED" };
    out.push_str(&format!(
        "{} breaking, {} warning, {} info; gate (--fail-on {}): {verdict}{}\n",
        s.breaking,
        s.warning,
        s.info,
        report.gate.fail_on.as_str(),
        if report.gate.blocking > 0 { format!(" ({} blocking)", report.gate.blocking) } else { String::new() }
    ));
    out
}

fn where_(c: &ReportChange) -> String {
    let mut w = c.operation.clone().unwrap_or_default();
    if let Some(mod_) = &c.module {
        w = format!("[{mod_}] {w}");
    }
    let removed = matches!(c.kind, crate::diff::Kind::Removed);
    let loc = if removed { c.base.as_ref().or(c.revision.as_ref()) } else { c.revision.as_ref().or(c.base.as_ref()) };
    if let Some(l) = loc {
        if !w.is_empty() {
            w.push('\n');
        }
        w.push_str(&l.file);
        if let Some(line) = l.line {
            w.push_str(&format!(":{line}"));
        }
    }
    w
}

fn describe(c: &ReportChange) -> String {
    let mut d = c.message.clone();
    if !c.affected.is_empty() {
        let n = c.affected.len();
        let shown: Vec<&str> = c.affected.iter().take(3).map(String::as_str).collect();
        d.push_str(&format!("\nalso affects {n} more: {}{}", shown.join(", "), if n > 3 { ", ..." } else { "" }));
    }
    for line in super::reach(c) {
        d.push('\n');
        d.push_str(&super::plain(&line));
    }
    d
}

fn sev_color(s: Severity) -> Color {
    match s {
        Severity::Breaking => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Info => Color::Cyan,
    }
}

fn paint(s: &str, sev: Severity, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match sev {
        Severity::Breaking => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}
