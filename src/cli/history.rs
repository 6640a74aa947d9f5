//! `apidiff history`: the archived timeline, as a table or JSON; `--audit` shows the audit log.

use super::context::{Common, now_ms, short};
use super::context::{Exit, out};
use crate::error::Error;
use crate::store::Archive;
use crate::time;
use clap::{Args, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// Output formats of the history commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Table,
    /// JSON.
    Json,
}

/// Arguments of `apidiff history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub common: Common,
    /// Only this module.
    #[arg(long, short = 'm')]
    pub module: Option<String>,
    /// Only entries since a date (`2025-11-01`), a timestamp, or a span (`12h`, `7d`, `2w`).
    #[arg(long)]
    pub since: Option<String>,
    /// Show the audit log (records, notes, rollbacks, exports) instead of the timeline.
    #[arg(long)]
    pub audit: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub(super) fn run(args: HistoryArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    let since = match &args.since {
        Some(s) => Some(
            time::since(s, now_ms())
                .ok_or_else(|| Error::Usage(format!("--since {s}: expected YYYY-MM-DD, a timestamp, or a span like 7d")))?,
        ),
        None => None,
    };
    let after = |t: &str| since.as_deref().is_none_or(|s| t >= s);
    if args.audit {
        let log: Vec<_> = ctx.archive.audit_log()?.into_iter().filter(|e| after(&e.time)).collect();
        match args.format {
            ListFormat::Json => out(&format!("{}\n", serde_json::to_string_pretty(&log).unwrap_or_default())),
            ListFormat::Table => {
                let mut t = table(&["time", "action", "actor", "details"]);
                for e in &log {
                    let action = serde_json::to_value(e.action).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    t.add_row(safe_row(vec![e.time.clone(), action, e.actor.clone().unwrap_or_default(), e.details.to_string()]));
                }
                out(&format!("{t}\n"));
            }
        }
        return Ok(Exit::Clean);
    }
    let entries = ctx.archive.entries()?;
    if let Some(m) = &args.module
        && !entries.iter().any(|e| &e.module == m)
    {
        return Err(Error::Usage(format!("module `{m}` has no archived history (see `apidiff history`)")));
    }
    let notes = ctx.archive.notes()?;
    let shown: Vec<_> = entries.iter().filter(|e| args.module.as_ref().is_none_or(|m| &e.module == m) && after(&e.time)).collect();
    match args.format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = shown
                .iter()
                .map(|e| {
                    let mut v = serde_json::to_value(e).unwrap_or_default();
                    let ns: Vec<_> = notes.iter().filter(|n| n.entry == e.id).collect();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("notes".into(), serde_json::to_value(ns).unwrap_or_default());
                    }
                    v
                })
                .collect();
            out(&format!("{}\n", serde_json::to_string_pretty(&items).unwrap_or_default()));
        }
        ListFormat::Table => {
            if shown.is_empty() {
                out("No archived entries match.\n");
                return Ok(Exit::Clean);
            }
            let mut t = table(&["time", "id", "module", "spec", "deploy", "author", "risk", "changes", "note"]);
            for e in shown {
                let changes = if e.snapshot.is_none() {
                    "removed".to_string()
                } else if e.previous.is_none() {
                    "baseline".to_string()
                } else {
                    format!("{} breaking, {} warning, {} info", e.counts.breaking, e.counts.warning, e.counts.info)
                };
                let mut note = e.message.as_deref().and_then(|m| m.lines().next()).unwrap_or("").to_string();
                for n in notes.iter().filter(|n| n.entry == e.id) {
                    if !note.is_empty() {
                        note.push('\n');
                    }
                    note.push_str(&format!("✎ {}", n.text));
                }
                t.add_row(safe_row(vec![
                    e.time.get(..19).unwrap_or(&e.time).replace('T', " "),
                    short(&e.id).to_string(),
                    e.module.clone(),
                    e.spec.clone(),
                    e.deploy.as_deref().map(|d| d.get(..10).unwrap_or(d)).unwrap_or("").to_string(),
                    e.author.clone().unwrap_or_default(),
                    e.risk.as_str().to_string(),
                    changes,
                    note,
                ]));
            }
            out(&format!("{t}\n"));
        }
    }
    Ok(Exit::Clean)
}

pub(super) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).force_no_tty();
    t.set_header(header.to_vec());
    t
}

/// Resolves an id the history commands accept (entry or snapshot) to one entry: a snapshot
/// resolves to the first entry that recorded it.
pub(super) fn resolve_entry(archive: &Archive, id: &str) -> Result<(crate::store::Entry, Vec<crate::store::Entry>), Error> {
    let entries = archive.entries()?;
    let e = match Archive::resolve(&entries, id, &["entry", "snapshot"])? {
        crate::store::Target::Entry(e) => *e,
        crate::store::Target::Snapshot(_, es) => {
            es.into_iter().next().ok_or_else(|| Error::Usage(format!("`{id}`: no entry records it")))?
        }
        crate::store::Target::Deploy(..) => return Err(Error::Usage(format!("`{id}` is a deploy, expected an entry or snapshot id"))),
    };
    Ok((e, entries))
}

/// Table cells with terminal escapes and other control characters made visible (the data comes
/// from archived specs and notes), line breaks kept, very long cells cut.
fn safe_row(cells: Vec<String>) -> Vec<String> {
    cells.into_iter().map(|c| crate::report::safe::text(&c).into_owned()).collect()
}
