//! Line diffs between two archived versions of a spec (every file of their bundles), for
//! `apidiff show`, rollback previews and the dashboard.

use crate::spec::bundle::Bundle;
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
    /// `equal`, `delete` (left only), `insert` (right only), or `skip` (unchanged lines folded
    /// away by [`regions`]).
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

/// The changed regions of every changed file: [`rows`] with runs of unchanged lines further
/// than `context` lines from a change folded into one `skip` row (its text says how many lines
/// it stands for; its line numbers are those of its first line). Unchanged files are left out.
pub fn regions(old: Option<&Bundle>, new: Option<&Bundle>, context: usize) -> Vec<FileRows> {
    let mut out = Vec::new();
    for f in rows(old, new).into_iter().filter(|f| f.changed) {
        let n = f.rows.len();
        // Distance of each row to the nearest changed row, forwards then backwards.
        let mut near = vec![usize::MAX; n];
        let mut last: Option<usize> = None;
        for (i, r) in f.rows.iter().enumerate() {
            if r.tag != "equal" {
                last = Some(i);
            }
            near[i] = last.map_or(usize::MAX, |l| i - l);
        }
        last = None;
        for (i, r) in f.rows.iter().enumerate().rev() {
            if r.tag != "equal" {
                last = Some(i);
            }
            near[i] = near[i].min(last.map_or(usize::MAX, |l| l - i));
        }
        let mut kept: Vec<Row> = Vec::new();
        let mut folded: Option<(Row, usize)> = None;
        for (i, r) in f.rows.into_iter().enumerate() {
            if near[i] <= context {
                if let Some((first, k)) = folded.take() {
                    kept.push(skip(first, k));
                }
                kept.push(r);
            } else {
                folded = Some(match folded.take() {
                    Some((first, k)) => (first, k + 1),
                    None => (r, 1),
                });
            }
        }
        if let Some((first, k)) = folded {
            kept.push(skip(first, k));
        }
        out.push(FileRows { path: f.path, changed: true, rows: kept });
    }
    out
}

fn skip(first: Row, count: usize) -> Row {
    let text = if count == 1 { "1 unchanged line".to_string() } else { format!("{count} unchanged lines") };
    Row { tag: "skip", old_line: first.old_line, new_line: first.new_line, text }
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

    #[test]
    fn regions_fold_what_did_not_change() {
        let b = |t: &str| Bundle {
            format: "graphql".into(),
            entry: "a.graphql".into(),
            files: BTreeMap::from([("a.graphql".into(), t.into())]),
        };
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 10\n", "line ten\n");
        let r = regions(Some(&b(&old)), Some(&b(&new)), 2);
        let tags: Vec<_> = r[0].rows.iter().map(|r| (r.tag, r.old_line, r.new_line, r.text.as_str())).collect();
        assert_eq!(tags[0], ("skip", Some(1), Some(1), "7 unchanged lines"));
        assert_eq!(tags[1], ("equal", Some(8), Some(8), "line 8"));
        assert_eq!(tags[3], ("delete", Some(10), None, "line 10"));
        assert_eq!(tags[4], ("insert", None, Some(10), "line ten"));
        assert_eq!(tags[7], ("skip", Some(13), Some(13), "8 unchanged lines"));
        assert_eq!(tags.len(), 8);
        assert!(regions(Some(&b(&old)), Some(&b(&old)), 2).is_empty(), "an unchanged file is left out");
    }
}
