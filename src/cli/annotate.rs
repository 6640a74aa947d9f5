//! `apidiff annotate <id> "note"`: attach a note to an archived entry (audited).

use super::context::{Common, actor, now_ms, short};
use super::context::{Exit, out};
use super::history::resolve_entry;
use crate::error::Error;
use crate::store::{self, Action, AuditEvent, Note};
use crate::time;
use clap::Args;

/// Arguments of `apidiff annotate`.
#[derive(Debug, Args)]
pub struct AnnotateArgs {
    #[command(flatten)]
    pub common: Common,
    /// An entry id or snapshot id (or a prefix of one, at least 4 characters).
    pub id: String,
    /// The note.
    pub note: String,
}

pub(super) fn run(args: AnnotateArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    if args.note.trim().is_empty() {
        return Err(Error::Usage("the note is empty".into()));
    }
    let (entry, _) = resolve_entry(&ctx.archive, &args.id)?;
    let time = time::format_millis(now_ms());
    let who = actor(&ctx.root);
    let note = Note {
        id: store::unique_id(&time, &args.note),
        time: time.clone(),
        entry: entry.id.clone(),
        author: who.clone(),
        text: args.note.clone(),
    };
    ctx.archive.put_note(&note)?;
    ctx.archive.audit(&AuditEvent {
        id: store::unique_id(&time, "annotate"),
        time,
        actor: who,
        action: Action::Annotate,
        details: serde_json::json!({"entry": entry.id, "module": entry.module, "spec": entry.spec, "note": note.id, "text": args.note}),
    })?;
    out(&format!("Annotated entry {} ({} {}) with note {}\n", short(&entry.id), entry.module, entry.spec, note.id));
    Ok(Exit::Clean)
}
