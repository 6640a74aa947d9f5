//! `apidiff show <id>`: one archived entry: its facts, notes, changes, and the spec files
//! before and after (a unified diff, or side by side).

use super::check::{Common, short};
use super::history::{ListFormat, resolve_entry};
use super::{Exit, out};
use crate::error::Error;
use crate::store::Entry;
use crate::store::bundle::Bundle;
use clap::Args;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeSet;

/// Arguments of `apidiff show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub common: Common,
    /// An entry id or snapshot id (or a prefix of one, at least 4 characters).
    pub id: String,
    /// Show the spec files side by side instead of as a unified diff.
    #[arg(long)]
    pub side_by_side: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub(super) fn run(args: ShowArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    let (entry, _) = resolve_entry(&ctx.archive, &args.id)?;
    let notes: Vec<_> = ctx.archive.notes()?.into_iter().filter(|n| n.entry == entry.id).collect();
    let new = match &entry.snapshot {
        Some(h) => Some(ctx.archive.snapshot(h)?),
        None => None,
    };
    let old = match &entry.previous {
        Some(h) => Some(ctx.archive.snapshot(h)?),
        None => None,
    };
    if args.format == ListFormat::Json {
        let v = serde_json::json!({
            "entry": entry,
            "notes": notes,
            "diff": unified(old.as_ref(), new.as_ref()),
        });
        out(&format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()));
        return Ok(Exit::Clean);
    }
    let mut s = header(&entry);
    for n in &notes {
        s.push_str(&format!("note:     {} {}: {}\n", n.time, n.author.as_deref().unwrap_or("?"), n.text));
    }
    s.push('\n');
    if entry.snapshot.is_none() {
        s.push_str("The spec was removed from the repository.\n\n");
    } else if entry.previous.is_none() {
        s.push_str("Baseline: the first archived version of this spec.\n\n");
    } else if entry.changes.is_empty() {
        s.push_str("No classified changes (text-only edits).\n\n");
    } else {
        s.push_str(&format!("{} change{}:\n", entry.changes.len(), super::check::plural(entry.changes.len())));
        for c in &entry.changes {
            let f = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            s.push_str(&format!("  {:<9} {:<36} {}\n", f("severity"), f("id"), f("message")));
        }
        s.push('\n');
    }
    if args.side_by_side {
        s.push_str(&side_by_side(old.as_ref(), new.as_ref()));
    } else {
        s.push_str(&unified(old.as_ref(), new.as_ref()));
    }
    out(&s);
    Ok(Exit::Clean)
}

fn header(e: &Entry) -> String {
    let mut s = format!("entry    {}\nmodule   {}\nspec     {} ({})\n", e.id, e.module, e.spec, e.format);
    s.push_str(&format!(
        "snapshot {}{}\n",
        e.snapshot.as_deref().unwrap_or("(removed)"),
        e.previous.as_deref().map(|p| format!(" (previous {})", short(p))).unwrap_or_else(|| " (baseline)".into())
    ));
    s.push_str(&format!("time     {}\n", e.time));
    if let Some(d) = &e.deploy {
        s.push_str(&format!("deploy   {d}\n"));
    }
    if let Some(a) = &e.author {
        s.push_str(&format!("author   {a}\n"));
    }
    s.push_str(&format!("risk     {}", e.risk.as_str()));
    if !e.dependants.is_empty() {
        s.push_str(&format!(" (dependants touched: {})", e.dependants.join(", ")));
    }
    s.push('\n');
    if let Some(m) = &e.message {
        s.push_str(&format!("message  {}\n", m.lines().collect::<Vec<_>>().join("\n         ")));
    }
    s
}

fn paths<'a>(old: Option<&'a Bundle>, new: Option<&'a Bundle>) -> BTreeSet<&'a str> {
    old.iter().chain(new.iter()).flat_map(|b| b.files.keys().map(String::as_str)).collect()
}

fn file<'a>(b: Option<&'a Bundle>, p: &str) -> &'a str {
    b.and_then(|b| b.files.get(p)).map_or("", String::as_str)
}

/// Unified diffs of every file of two bundles.
pub(super) fn unified(old: Option<&Bundle>, new: Option<&Bundle>) -> String {
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

fn side_by_side(old: Option<&Bundle>, new: Option<&Bundle>) -> String {
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
