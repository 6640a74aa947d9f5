//! The human rendering, sized for a screen: the plain-language summary, a table of modules with
//! their counts and verdicts, then per module one row per group of identical edits (breaking
//! first, at most [`MAX_ROWS`] per severity unless everything is asked for), then the verdict.
//! Nothing is wider than the given width; cells wrap.

use super::{Group, Report, ReportChange, first_members, modules, pair_index, places, thousands};
use crate::diff::Severity;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::collections::HashMap;

/// Width when neither the terminal nor `COLUMNS` gives one.
pub const DEFAULT_WIDTH: u16 = 120;
/// Most group rows listed per severity and module, unless everything is asked for.
pub const MAX_ROWS: usize = 40;

/// How to lay the text out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    /// ANSI colours.
    pub color: bool,
    /// Line width (default [`DEFAULT_WIDTH`]).
    pub width: Option<u16>,
    /// List every group, informational ones included.
    pub all: bool,
}

/// Renders the report as text; `color` adds ANSI colours, `width` wraps the tables.
pub fn render(report: &Report, color: bool, width: Option<u16>) -> String {
    render_with(report, Layout { color, width, all: false })
}

/// Renders the report with a [`Layout`].
pub fn render_with(report: &Report, layout: Layout) -> String {
    let width = usize::from(layout.width.unwrap_or(DEFAULT_WIDTH).max(40));
    let mut out = String::new();
    if !report.changes.is_empty() {
        for p in super::summary::paragraphs(report) {
            out.push_str(&wrap(&p, width));
            out.push('\n');
        }
        out.push('\n');
        if let Some(ai) = &report.ai {
            out.push_str(&wrap(&format!("AI summary (model {}): {}", ai.model, ai.summary), width));
            out.push('\n');
            if !ai.severity_recommendation.is_empty() {
                out.push_str(&format!("Recommended severity: {}\n", ai.severity_recommendation));
            }
            for s in &ai.suggestions {
                out.push_str(&wrap(&format!("  - {s}"), width));
                out.push('\n');
            }
            out.push('\n');
        }
        out.push_str(&modules_table(report, layout, width));
        out.push_str("\n\n");
    } else {
        out.push_str(if report.errors.is_empty() { "No changes.\n" } else { "No changes in the specs that could be checked.\n" });
    }
    let first: HashMap<&str, &ReportChange> = first_members(report);
    for module in modules(report) {
        let groups: Vec<&Group> = report.groups.iter().filter(|g| g.module.as_deref() == module).collect();
        if groups.is_empty() {
            continue;
        }
        if let Some(m) = module {
            out.push_str(&paint(&format!("Module {m}"), None, layout.color));
            out.push('\n');
        }
        for sev in [Severity::Breaking, Severity::Warning, Severity::Info] {
            let rows: Vec<&Group> = groups.iter().copied().filter(|g| g.severity == sev).collect();
            if !rows.is_empty() {
                severity_section(&mut out, &rows, &first, sev, layout, width);
            }
        }
    }
    if !report.ignored.is_empty() {
        out.push_str(&format!("{} change(s) ignored by the ignore file.\n", report.ignored.len()));
    }
    for p in &report.ignore_problems {
        out.push_str(&wrap(&format!("ignore entry at {} ({}) is {}", p.entry.source, p.entry.rule, p.problem), width));
        out.push('\n');
    }
    if !report.errors.is_empty() {
        let n = report.errors.len();
        out.push_str(&paint(
            &format!("{n} spec{} could not be checked", if n == 1 { "" } else { "s" }),
            Some(Severity::Breaking),
            layout.color,
        ));
        out.push('\n');
        for e in &report.errors {
            let module = e.module.as_deref().map(|m| format!("[{m}] ")).unwrap_or_default();
            out.push_str(&format!("  {module}{e}\n"));
        }
        out.push('\n');
    }
    let s = &report.summary;
    let verdict = if report.gate.passed { "passed" } else { "FAILED" };
    let line = format!(
        "{} breaking, {} warning, {} info; gate (--fail-on {}): {verdict}{}",
        thousands(s.breaking),
        thousands(s.warning),
        thousands(s.info),
        report.gate.fail_on.as_str(),
        if report.gate.blocking > 0 { format!(" ({} blocking)", thousands(report.gate.blocking)) } else { String::new() }
    ) + &approved_note(s.approved);
    out.push_str(&wrap(&line, width));
    out.push('\n');
    out
}

/// `; N approved` when approvals let breaking changes pass.
pub(crate) fn approved_note(n: usize) -> String {
    if n == 0 { String::new() } else { format!("; {} approved", thousands(n)) }
}

/// Counts per compared pair: breaking, warning, info, blocking.
pub fn pair_counts(report: &Report) -> Vec<[usize; 4]> {
    let mut counts = vec![[0usize; 4]; report.specs.len().max(1)];
    for c in &report.changes {
        let i = pair_index(report, c).min(counts.len() - 1);
        let slot = match c.severity {
            Severity::Breaking => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        counts[i][slot] += 1;
        counts[i][3] += usize::from(c.blocking);
    }
    counts
}

fn table(layout: Layout, width: usize) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    if !layout.color {
        t.force_no_tty();
    }
    t
}

fn modules_table(report: &Report, layout: Layout, width: usize) -> String {
    let mut t = table(layout, width);
    t.set_header(vec!["module", "spec", "breaking", "warning", "info", "verdict"]);
    for (p, n) in report.specs.iter().zip(pair_counts(report)) {
        let verdict = if n[3] > 0 { format!("fails ({} blocking)", thousands(n[3])) } else { "passes".to_string() };
        t.add_row(vec![
            Cell::new(p.module.as_deref().unwrap_or("-")),
            Cell::new(format!("{} → {}", p.base, p.revision)),
            Cell::new(thousands(n[0])),
            Cell::new(thousands(n[1])),
            Cell::new(thousands(n[2])),
            Cell::new(verdict),
        ]);
    }
    fit(t.to_string(), width)
}

fn severity_section(out: &mut String, rows: &[&Group], first: &HashMap<&str, &ReportChange>, sev: Severity, layout: Layout, width: usize) {
    let changes: usize = rows.iter().map(|g| g.count).sum();
    let noun = match sev {
        Severity::Breaking => "breaking change",
        Severity::Warning => "warning",
        Severity::Info => "info change",
    };
    let title = format!(
        "{} {noun}{} in {} group{}",
        thousands(changes),
        if changes == 1 { "" } else { "s" },
        thousands(rows.len()),
        if rows.len() == 1 { "" } else { "s" }
    );
    if sev == Severity::Info && !layout.all {
        out.push_str(&paint(&format!("{title} (counted, not listed; `--all` lists them)"), Some(sev), layout.color));
        out.push_str("\n\n");
        return;
    }
    out.push_str(&paint(&title, Some(sev), layout.color));
    out.push('\n');
    let mut t = table(layout, width);
    t.set_header(vec!["rule", "change", "where"]);
    let limit = if layout.all { usize::MAX } else { MAX_ROWS };
    for g in rows.iter().take(limit) {
        let mut id = Cell::new(&g.id);
        if layout.color {
            id = id.fg(sev_color(sev));
        }
        let mut change = g.message.clone();
        let mut where_ = places(g);
        if let Some(c) = first.get(g.group.as_str()).filter(|_| g.count == 1) {
            describe_one(c, &mut change, &mut where_);
        }
        if let Some(line) = super::approval_line(g) {
            change.push('\n');
            change.push_str(&line);
        }
        t.add_row(vec![id, Cell::new(change), Cell::new(where_)]);
    }
    out.push_str(&fit(t.to_string(), width));
    out.push('\n');
    if rows.len() > limit {
        let n = rows.len() - limit;
        out.push_str(&wrap(
            &format!("… {} more group{}; `--format html` or `--all` for everything", thousands(n), if n == 1 { "" } else { "s" }),
            width,
        ));
        out.push('\n');
    }
    out.push('\n');
}

/// A single change's row: its place in the file, the further operations and whom it reaches.
fn describe_one(c: &ReportChange, change: &mut String, where_: &mut String) {
    if let Some(l) = super::primary_location(c) {
        if !where_.is_empty() {
            where_.push('\n');
        }
        where_.push_str(&l.file);
        if let Some(line) = l.line {
            where_.push_str(&format!(":{line}"));
        }
    }
    if !c.affected.is_empty() {
        let n = c.affected.len();
        let shown: Vec<&str> = c.affected.iter().take(3).map(String::as_str).collect();
        change.push_str(&format!("\nalso affects {n} more: {}{}", shown.join(", "), if n > 3 { ", ..." } else { "" }));
    }
    for line in super::reach(c) {
        change.push('\n');
        change.push_str(&super::plain(&line));
    }
    if let Some(w) = &c.witness {
        change.push_str(&format!("\nwitness: {}", w.line()));
    }
    if let Some(u) = super::usage_line(c) {
        change.push('\n');
        change.push_str(&u);
    }
}

/// Cuts any line a table drew wider than `width` (a cell holding one unbreakable word).
fn fit(table: String, width: usize) -> String {
    table
        .lines()
        .map(|l| if visible_len(l) > width { l.chars().take(width).collect::<String>() } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

fn visible_len(s: &str) -> usize {
    if s.contains('\x1b') {
        // Coloured lines: comfy-table already measured without the escapes.
        return 0;
    }
    s.chars().count()
}

/// Word-wraps prose to `width` characters; words longer than a line are split.
pub fn wrap(s: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, para) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = 0usize;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let chars: Vec<char> = word.chars().collect();
            let mut rest: &[char] = &chars;
            if line > 0 && line + 1 + rest.len() > width {
                out.push('\n');
                line = 0;
            } else if line > 0 {
                out.push(' ');
                line += 1;
            }
            // Linear in the word's length: each piece is sliced off, never drained from the front.
            while line + rest.len() > width {
                let (piece, tail) = rest.split_at(width - line);
                out.extend(piece);
                out.push('\n');
                rest = tail;
                line = 0;
            }
            line += rest.len();
            out.extend(rest);
        }
    }
    out
}

fn sev_color(s: Severity) -> Color {
    match s {
        Severity::Breaking => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Info => Color::Cyan,
    }
}

fn paint(s: &str, sev: Option<Severity>, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    let code = match sev {
        Some(Severity::Breaking) => "1;31",
        Some(Severity::Warning) => "1;33",
        Some(Severity::Info) => "1;36",
        None => "1",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_splits_long_words() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap("abcdefghij", 4), "abcd\nefgh\nij");
        assert!(wrap("x abcdefghij y", 4).lines().all(|l| l.chars().count() <= 4));
        // Linear: a 1.4 MB word wraps into 35,000 lines of 40 (this drained from the front, quadratic).
        let long = wrap(&"x".repeat(1_400_000), 40);
        assert_eq!(long.lines().count(), 35_000);
    }
}
