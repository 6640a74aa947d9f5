//! `apidiff privacy erase --subject NAME_OR_EMAIL`: erase a person from the store's records
//! (GDPR/CCPA). Records are create-only, so this writes a tombstone that every read applies
//! (see `store::privacy`); the erasure is itself audited, by hash only.

use super::context::{Common, actor, now_ms};
use super::context::{Exit, out};
use crate::error::Error;
use crate::store::privacy::{Erasure, subject_hash};
use crate::store::{self, Action, AuditEvent};
use crate::time;
use clap::{Args, Subcommand};

/// Arguments of `apidiff privacy`.
#[derive(Debug, Args)]
pub struct PrivacyArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: PrivacyCommand,
}

/// Privacy subcommands.
#[derive(Debug, Subcommand)]
pub enum PrivacyCommand {
    /// Erase a person (by name or email) from every record: authors, note authors, audit actors. Records are create-only, so this writes a tombstone (a salted hash, never the name) that every read applies; the erasure is audited.
    Erase(EraseArgs),
}

/// Arguments of `apidiff privacy erase`.
#[derive(Debug, Args)]
pub struct EraseArgs {
    #[command(flatten)]
    pub common: Common,
    /// The person's name or email, as it appears in author fields (`Jane Doe` or `jane@example.com`).
    #[arg(long, value_name = "EMAIL_OR_NAME")]
    pub subject: String,
}

/// A unique seed for a new store's pseudonym salt (time, process, address-space randomness).
pub(super) fn seed() -> String {
    let local = 0u8;
    format!("{}-{}-{:p}-{:?}", now_ms(), std::process::id(), &local, std::time::Instant::now())
}

pub(super) fn run(args: PrivacyArgs) -> Result<Exit, Error> {
    let PrivacyCommand::Erase(args) = args.command;
    let subject = args.subject.trim();
    if subject.is_empty() {
        return Err(Error::Usage("--subject is empty".into()));
    }
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    let salt = ctx.archive.salt(&seed())?;
    let hash = subject_hash(&salt, subject);
    let t = time::format_millis(now_ms());
    let erasure = Erasure { id: store::unique_id(&t, "erase"), time: t.clone(), subject_hash: hash.clone(), actor: actor(&ctx.root) };
    let already = ctx.archive.erasures()?.iter().any(|e| e.subject_hash == hash);
    if !already {
        ctx.archive.put_erasure(&erasure)?;
    }
    ctx.archive.audit(&AuditEvent {
        id: store::unique_id(&t, "erase-audit"),
        time: t,
        actor: erasure.actor.clone(),
        action: Action::Erase,
        details: serde_json::json!({"subject_hash": hash, "erasure": erasure.id, "already_erased": already}),
    })?;
    let entries = ctx.archive.entries()?;
    let erased = entries.iter().filter(|e| e.author.as_deref() == Some(store::privacy::ERASED)).count();
    out(&format!(
        "Erased `{subject}`: {erased} entr{} now read back with the author `{}`; the store keeps only a salted hash of the subject\n",
        if erased == 1 { "y" } else { "ies" },
        store::privacy::ERASED
    ));
    Ok(Exit::Clean)
}
