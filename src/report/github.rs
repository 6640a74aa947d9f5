//! The GitHub Actions rendering: workflow commands that annotate files (`::error` and friends)
//! and a Markdown job summary kept under GitHub's step-summary size limit.

use super::{Report, anchor, markdown};
use crate::diff::Severity;
use std::fmt::Write as _;

/// GitHub rejects a step summary larger than 1 MiB; stay safely below it.
pub const SUMMARY_LIMIT: usize = 1024 * 1024 - 4096;

/// One workflow command per change, then a `::notice` with the verdict.
pub fn render(report: &Report) -> String {
    let mut s = String::new();
    for c in &report.changes {
        let cmd = match c.severity {
            Severity::Breaking => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        // An approved break no longer fails the job: a notice saying who approved it.
        let cmd = if c.approval.is_some() { "notice" } else { cmd };
        let (file, line, col) = anchor(report, c);
        let mut msg = c.message.clone();
        if let Some(a) = &c.approval {
            let _ = write!(msg, "\n{}", a.sentence());
        }
        if c.before.is_some() || c.after.is_some() {
            let _ = write!(msg, "\nbefore: {}\nafter: {}", c.before.as_deref().unwrap_or("(none)"), c.after.as_deref().unwrap_or("(none)"));
        }
        let _ = writeln!(
            s,
            "::{cmd} file={},line={line},col={col},title={}::{}",
            property(&file),
            property(&format!("{} ({})", c.id, c.severity)),
            data(&msg)
        );
    }
    for e in &report.errors {
        let _ = writeln!(
            s,
            "::error file={},line={},col={},title={}::{}",
            property(&e.file),
            e.line.unwrap_or(1).max(1),
            e.column.unwrap_or(1).max(1),
            property(&format!("{} could not be checked", e.spec)),
            data(&e.message)
        );
    }
    let sm = &report.summary;
    let verdict = if report.gate.passed { "passed" } else { "failed" };
    let _ = writeln!(
        s,
        "::notice title={}::{}",
        property("apidiff"),
        data(&format!(
            "{} breaking, {} warning, {} info; gate (--fail-on {}) {verdict}",
            sm.breaking,
            sm.warning,
            sm.info,
            report.gate.fail_on.as_str()
        ))
    );
    s
}

/// The job summary: the Markdown rendering (grouped, within a pull-request comment's size).
pub fn job_summary(report: &Report, report_url: Option<&str>) -> String {
    job_summary_within(report, SUMMARY_LIMIT.min(markdown::LIMIT), report_url)
}

/// The job summary within `limit` bytes; a trimmed one names where the full report is.
pub fn job_summary_within(report: &Report, limit: usize, report_url: Option<&str>) -> String {
    markdown::render_within(report, limit, report_url)
}

/// The pull-request comment's approval status: how many breaking changes are pending approval
/// (and how to approve them: the `label`, or the `apidiff approve` command beside each), and
/// how many are approved, by whom. `None` when nothing blocks and nothing was approved.
pub fn approval_status(report: &Report, label: Option<&str>) -> Option<String> {
    let pending = report.changes.iter().filter(|c| c.blocking).count();
    let approved: Vec<&super::ApprovalNote> = report.changes.iter().filter_map(|c| c.approval.as_ref()).collect();
    if pending == 0 && approved.is_empty() {
        return None;
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut s = String::from("### API approval\n\n");
    if pending > 0 {
        let how = match label {
            Some(l) => format!(
                "someone with write access other than the author approves them all by adding the label `{}` to this pull request, or each with the `apidiff approve` command shown beside it",
                l.replace('`', "'")
            ),
            None => "approve each with the `apidiff approve` command shown beside it".to_string(),
        };
        let _ = writeln!(s, "- ⏳ **{pending} blocking change{} pending approval**: {how}.", plural(pending));
    }
    if !approved.is_empty() {
        let mut by: Vec<&str> = Vec::new();
        for a in &approved {
            for who in a.by.split(", ") {
                if !by.contains(&who) {
                    by.push(who);
                }
            }
        }
        let _ = writeln!(s, "- ✅ **{} breaking change{} approved by {}**.", approved.len(), plural(approved.len()), by.join(", "));
    }
    Some(s)
}

/// Escapes a workflow command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_github() {
        assert_eq!(data("50%\r\nx: y, z"), "50%25%0D%0Ax: y, z");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
