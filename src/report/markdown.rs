//! The Markdown rendering (`--format markdown`, the GitHub job summary and pull-request comment):
//! the summary, a table of modules, then a collapsible section per module with one table row per
//! group of identical edits, never longer than a pull-request comment may be.

use super::{Group, Report, ReportChange, summary};
use crate::diff::Severity;
use std::collections::HashMap;
use std::fmt::Write as _;

/// GitHub's limit on a pull-request comment, in characters; every Markdown rendering stays
/// within it.
pub const LIMIT: usize = 65_536;

/// How many group rows each severity table gets, tried in turn until the rendering fits.
const ROW_STEPS: [usize; 10] = [usize::MAX, 400, 200, 100, 40, 20, 10, 5, 2, 0];

/// Renders the report within [`LIMIT`].
pub fn render(report: &Report) -> String {
    render_within(report, LIMIT, None)
}

/// Renders the report in at most `limit` bytes (never fewer bytes than characters): every group
/// when that fits, else fewer rows per table; a trimmed rendering says what it left out and where
/// the full report is (`report_url`).
pub fn render_within(report: &Report, limit: usize, report_url: Option<&str>) -> String {
    for rows in ROW_STEPS {
        let (mut s, left_out) = render_rows(report, rows);
        if left_out > 0 {
            trimmed_note(&mut s, left_out, report_url);
        }
        if s.len() <= limit {
            return s;
        }
    }
    // Even the header is too large (huge spec names): cut at a character boundary.
    let (s, _) = render_rows(report, 0);
    let mut end = limit.saturating_sub(300);
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = s.get(..end).unwrap_or("").to_string();
    trimmed_note(&mut cut, report.groups.len(), report_url);
    cut
}

fn trimmed_note(s: &mut String, left_out: usize, report_url: Option<&str>) {
    let where_ = match report_url {
        Some(u) => format!("the full report is at {}", text(u)),
        None => "the full report: `apidiff diff --format html` (or `--format json`)".to_string(),
    };
    let _ = write!(
        s,
        "\n\n_Trimmed to fit {} characters: {} group{} of changes {} left out; {where_}._",
        super::thousands(LIMIT),
        super::thousands(left_out),
        if left_out == 1 { "" } else { "s" },
        if left_out == 1 { "was" } else { "were" }
    );
}

/// The rendering with at most `rows` group rows per severity table; also how many groups it
/// left out.
fn render_rows(report: &Report, rows: usize) -> (String, usize) {
    let mut s = String::from("# API changes\n\n");
    for p in summary::paragraphs(report) {
        let _ = writeln!(s, "{}\n", text(&p));
    }
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
        "**Gate (`--fail-on {}`): {verdict}**{} · {} breaking, {} warning, {} info, {} ignored{}\n",
        report.gate.fail_on.as_str(),
        if report.gate.blocking > 0 { format!(", {} blocking", report.gate.blocking) } else { String::new() },
        sm.breaking,
        sm.warning,
        sm.info,
        sm.ignored,
        if sm.approved > 0 { format!(", {} approved", sm.approved) } else { String::new() }
    );
    let _ = writeln!(s, "| module | spec | breaking | warning | info | verdict |\n|---|---|---:|---:|---:|---|");
    for (p, n) in report.specs.iter().zip(super::text::pair_counts(report)) {
        let verdict = if n[3] > 0 { format!("fails ({} blocking)", n[3]) } else { "passes".into() };
        let module = p.module.as_deref().map(|m| cell(&code(m))).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "| {module} | {} → {} ({}) | {} | {} | {} | {verdict} |",
            cell(&code(&p.base)),
            cell(&code(&p.revision)),
            p.format.as_str(),
            n[0],
            n[1],
            n[2]
        );
    }
    s.push('\n');
    errors(&mut s, report);
    let first = super::first_members(report);
    let mut left_out = 0;
    for module in super::modules(report) {
        let groups: Vec<&Group> = report.groups.iter().filter(|g| g.module.as_deref() == module).collect();
        if groups.is_empty() {
            continue;
        }
        let count = |sev| groups.iter().filter(|g| g.severity == sev).map(|g| g.count).sum::<usize>();
        let open = if groups.iter().any(|g| g.blocking) { " open" } else { "" };
        let name = module.map(|m| format!("Module {}", code(m))).unwrap_or_else(|| "Changes".into());
        let _ = writeln!(
            s,
            "<details{open}><summary><b>{name}</b>: {} breaking, {} warning, {} info</summary>\n",
            count(Severity::Breaking),
            count(Severity::Warning),
            count(Severity::Info)
        );
        for sev in [Severity::Breaking, Severity::Warning, Severity::Info] {
            let list: Vec<&Group> = groups.iter().copied().filter(|g| g.severity == sev).collect();
            if !list.is_empty() {
                left_out += section(&mut s, &list, &first, sev, rows);
            }
        }
        s.push_str("</details>\n\n");
    }
    if !report.ignored.is_empty() {
        let _ = writeln!(s, "<details><summary>Ignored ({})</summary>\n", report.ignored.len());
        for c in report.ignored.iter().take(rows.min(40)) {
            let why = c.ignore_reason.as_deref().map(|r| format!(" — ignored: {}", text(r))).unwrap_or_default();
            let _ = writeln!(s, "- {} {}{why}", code(&c.id), text(&c.message));
        }
        s.push_str("\n</details>\n\n");
    }
    for p in &report.ignore_problems {
        let _ = writeln!(s, "- ignore entry at {} ({}) is {}", code(&p.entry.source), code(&p.entry.rule), p.problem);
    }
    s.truncate(s.trim_end().len());
    (s, left_out)
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

/// One severity's table of groups (at most `rows`); returns how many groups it left out.
fn section(s: &mut String, list: &[&Group], first: &HashMap<&str, &ReportChange>, sev: Severity, rows: usize) -> usize {
    let changes: usize = list.iter().map(|g| g.count).sum();
    let _ = writeln!(s, "#### {} ({changes} in {} group{})\n", heading(sev), list.len(), if list.len() == 1 { "" } else { "s" });
    if rows == 0 {
        return list.len();
    }
    let _ = writeln!(s, "| rule | change | where |\n|---|---|---|");
    for g in list.iter().take(rows) {
        let blocking = if g.blocking { " **(blocking)**" } else { "" };
        let mut change = format!("{}{blocking}", text(&g.message));
        let mut where_ = places_md(g);
        if let Some(c) = first.get(g.group.as_str()).filter(|_| g.count == 1) {
            one(c, &mut change, &mut where_);
        }
        if let Some(line) = super::approval_line(g) {
            let _ = write!(change, "<br>✅ {}", text(&line));
        }
        // A pending break inside `check` says how to approve it (one change: its fingerprint;
        // several: the group's key).
        if let (true, Some(m)) = (g.blocking, &g.module) {
            let key = first.get(g.group.as_str()).filter(|_| g.count == 1).map_or(g.group.as_str(), |c| c.fingerprint.as_str());
            let cmd = format!("apidiff approve {key} --module {m} --reason \"…\"");
            let _ = write!(where_, "{}approve: {}", if where_.is_empty() { "" } else { "<br>" }, code(&cmd));
        }
        let _ = writeln!(s, "| {} | {} | {} |", cell(&code(&g.id)), cell(&change), cell(&where_));
    }
    s.push('\n');
    if list.len() > rows {
        let n = list.len() - rows;
        let _ = writeln!(s, "_… {n} more group{} not shown._\n", if n == 1 { "" } else { "s" });
        return n;
    }
    0
}

fn places_md(g: &Group) -> String {
    let ops: Vec<String> = g.operations.iter().take(3).map(|o| code(o)).collect();
    let shown = ops.join(", ");
    if g.count <= 1 {
        return shown;
    }
    let rest = g.operation_count.saturating_sub(3);
    match (shown.is_empty(), rest) {
        (true, _) => format!("{} places", super::thousands(g.count)),
        (false, 0) => format!("{} places ({shown})", super::thousands(g.count)),
        (false, n) => format!("{} places ({shown}, … and {} more)", super::thousands(g.count), super::thousands(n)),
    }
}

/// A single change's cells: old and new value, place in the file, further reach.
fn one(c: &ReportChange, change: &mut String, where_: &mut String) {
    if c.before.is_some() || c.after.is_some() {
        let show = |v: &Option<String>| v.as_deref().map_or_else(|| "_(none)_".to_string(), code);
        let _ = write!(change, "<br>before: {} → after: {}", show(&c.before), show(&c.after));
    }
    if let Some(l) = super::primary_location(c) {
        let line = l.line.map(|n| format!(":{n}")).unwrap_or_default();
        let sep = if where_.is_empty() { "" } else { "<br>" };
        let _ = write!(where_, "{sep}{}", code(&format!("{}{line}", l.file)));
    }
    if !c.affected.is_empty() {
        let list: Vec<String> = c.affected.iter().take(5).map(|a| code(a)).collect();
        let more = if c.affected.len() > 5 { format!(" and {} more", c.affected.len() - 5) } else { String::new() };
        let _ = write!(change, "<br>also affects {}{more}", list.join(", "));
    }
    for line in super::reach(c) {
        let md: String = line
            .iter()
            .map(|seg| match seg {
                super::Seg::Text(t) => text(t),
                super::Seg::Code(t) => code(t),
            })
            .collect();
        let _ = write!(change, "<br>{md}");
    }
    if let Some(w) = &c.witness {
        let _ = write!(change, "<br>witness: {}", text(&w.line()));
    }
    if let Some(u) = super::usage_line(c) {
        let _ = write!(change, "<br>{}", text(&u));
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

/// Inline Markdown made safe for a table cell: every `|` that would end the cell is escaped,
/// inside code spans too (GitHub's tables split on a bare `|` even there, and turn `\|` back
/// into `|` inside the span).
pub fn cell(md: &str) -> String {
    let chars: Vec<char> = md.chars().collect();
    let mut out = String::with_capacity(md.len() + 8);
    let mut fence = 0;
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == '\\' && fence == 0 && i + 1 < chars.len() {
            out.push(ch);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if ch == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            if fence == 0 {
                fence = run;
            } else if run == fence {
                fence = 0;
            }
            out.extend(std::iter::repeat_n('`', run));
            i += run;
            continue;
        }
        match ch {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
        i += 1;
    }
    out
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
    fn table_cells_escape_pipes_inside_code_spans() {
        assert_eq!(cell(&code("a|b")), "`a\\|b`");
        assert_eq!(cell(&code("x`|`y")), "``x`\\|`y``");
        assert_eq!(cell(&text("union `A | B` | C")), "union `A \\| B` \\| C");
        assert_eq!(cell("line\nbreak"), "line break");
    }

    #[test]
    fn prose_is_escaped_outside_code() {
        assert_eq!(text("a <b> `c<d>` *e*"), "a \\<b\\> `c<d>` \\*e\\*");
        assert_eq!(text("odd ` tick"), "odd \\` tick");
    }
}
