//! `apidiff show <id>`: one archived entry: its facts, notes, changes, and the spec files
//! before and after (a unified diff, or side by side).

use super::context::{Common, short};
use super::context::{Exit, out};
use super::history::{ListFormat, resolve_entry};
use crate::error::Error;
use crate::store::Entry;
use crate::store::view::{side_by_side, unified};
use clap::Args;

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
    entry.verified()?;
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
        s.push_str(&format!("{} change{}:\n", entry.changes.len(), super::context::plural(entry.changes.len())));
        for c in &entry.changes {
            s.push_str(&format!("  {:<9} {:<36} {}\n", c.severity.as_str(), c.id, c.message));
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
    let mut s = format!("entry    {}\nmodule   {}\nspec     {} ({})\n", e.id, e.module, e.spec, e.format.as_str());
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
