//! Line diffs between two archived versions of a spec (every file of their bundles), for
//! `apidiff show`, rollback previews and the dashboard.

use super::bundle::Bundle;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeSet;

fn paths<'a>(old: Option<&'a Bundle>, new: Option<&'a Bundle>) -> BTreeSet<&'a str> {
    old.iter().chain(new.iter()).flat_map(|b| b.files.keys().map(String::as_str)).collect()
}

fn file<'a>(b: Option<&'a Bundle>, p: &str) -> &'a str {
    b.and_then(|b| b.files.get(p)).map_or("", String::as_str)
}

/// Unified diffs of every file of two bundles.
pub fn unified(old: Option<&Bundle>, new: Option<&Bundle>) -> String {
    let mut s = String::new();
    for p in paths(old, new) {
        let (a, b) = (file(old, p), file(new, p));
        if a == b {
            continue;
        }
        let d = TextDiff::from_lines(a, b);
        let (ha, hb) = (
            if a.is_empty() { "/dev/null".to_string() } else { format!("a/{p}") },
            if b.is_empty() { "/dev/null".to_string() } else { format!("b/{p}") },
        );
        s.push_str(&d.unified_diff().context_radius(3).header(&ha, &hb).to_string());
        if !s.ends_with('\n') {
            s.push('\n');
        }
    }
    if s.is_empty() {
        s.push_str("(the spec files are identical)\n");
    }
    s
}

/// One row of a side-by-side view: a line on the left, the right, or both.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `equal`, `delete` (left only) or `insert` (right only).
    pub tag: &'static str,
    /// 1-based line number in the old file.
    pub old_line: Option<usize>,
    /// 1-based line number in the new file.
    pub new_line: Option<usize>,
    /// The line's text, without its line ending.
    pub text: String,
}

/// The side-by-side view of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileRows {
    /// Repository-relative path.
    pub path: String,
    /// Whether the file differs.
    pub changed: bool,
    /// Rows in order.
    pub rows: Vec<Row>,
}

/// Line-level rows of every file of two bundles, for a side-by-side view with changed lines marked.
pub fn rows(old: Option<&Bundle>, new: Option<&Bundle>) -> Vec<FileRows> {
    let mut out = Vec::new();
    for p in paths(old, new) {
        let (a, b) = (file(old, p), file(new, p));
        let d = TextDiff::from_lines(a, b);
        let rows = d
            .iter_all_changes()
            .map(|ch| Row {
                tag: match ch.tag() {
                    ChangeTag::Equal => "equal",
                    ChangeTag::Delete => "delete",
                    ChangeTag::Insert => "insert",
                },
                old_line: ch.old_index().map(|i| i + 1),
                new_line: ch.new_index().map(|i| i + 1),
                text: ch.value().trim_end_matches(['\n', '\r']).to_string(),
            })
            .collect();
        out.push(FileRows { path: p.to_string(), changed: a != b, rows });
    }
    out
}

/// Plain-text side-by-side view of two bundles (`apidiff show --side-by-side`).
pub fn side_by_side(old: Option<&Bundle>, new: Option<&Bundle>) -> String {
    const W: usize = 60;
    let cut = |t: &str| -> String {
        let t = t.trim_end_matches(['\n', '\r']).replace('\t', "    ");
        let mut c: String = t.chars().take(W).collect();
        let n = c.chars().count();
        c.extend(std::iter::repeat_n(' ', W - n));
        c
    };
    let mut s = String::new();
    for p in paths(old, new) {
        let (a, b) = (file(old, p), file(new, p));
        s.push_str(&format!("== {p}\n{}   {}\n", cut("before"), cut("after")));
        let d = TextDiff::from_lines(a, b);
        for ch in d.iter_all_changes() {
            let v = ch.value();
            match ch.tag() {
                ChangeTag::Equal => s.push_str(&format!("{} | {}\n", cut(v), cut(v).trim_end())),
                ChangeTag::Delete => s.push_str(&format!("{} <\n", cut(v))),
                ChangeTag::Insert => s.push_str(&format!("{} > {}\n", cut(""), cut(v).trim_end())),
            }
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn rows_mark_changed_lines() {
        let b = |t: &str| Bundle {
            format: "graphql".into(),
            entry: "a.graphql".into(),
            files: BTreeMap::from([("a.graphql".into(), t.into())]),
        };
        let r = rows(Some(&b("a\nb\nc\n")), Some(&b("a\nB\nc\n")));
        let tags: Vec<_> = r[0].rows.iter().map(|r| (r.tag, r.old_line, r.new_line)).collect();
        assert_eq!(
            tags,
            vec![("equal", Some(1), Some(1)), ("delete", Some(2), None), ("insert", None, Some(2)), ("equal", Some(3), Some(3))]
        );
        assert!(unified(Some(&b("x\n")), Some(&b("x\n"))).contains("identical"));
    }
}
