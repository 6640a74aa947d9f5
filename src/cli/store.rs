//! `apidiff store copy|export|import`: move, back up and restore a whole history.

use super::context::{Bar, Common, actor, checked_urls, now_ms, settings};
use super::context::{Exit, out};
use crate::error::Error;
use crate::store::{self, Action, Archive, AuditEvent, copy};
use crate::time;
use clap::{Args, Subcommand};
use std::path::Path;

/// Arguments of `apidiff store`.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: StoreCommand,
}

/// Store maintenance.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy every snapshot and record from one store to another (idempotent; re-run after an interruption).
    Copy(CopyArgs),
    /// Write the whole store to one portable JSON Lines file ({key, sha256, bytes}).
    Export(ExportArgs),
    /// Read an export file into the store (idempotent; every hash checked first).
    Import(ImportArgs),
}

/// Arguments of `apidiff store copy`.
#[derive(Debug, Args)]
pub struct CopyArgs {
    #[command(flatten)]
    pub common: Common,
    /// The source (default: the configured store).
    #[arg(long, value_name = "URL")]
    pub from: Option<String>,
    /// The target.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

/// Arguments of `apidiff store export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    /// The file to write (`-` for stdout).
    pub file: String,
    /// Write a readable view of the records instead ({kind, key, record}; snapshots left out).
    #[arg(long)]
    pub jsonl: bool,
}

/// Arguments of `apidiff store import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub common: Common,
    /// The export file to read.
    pub file: String,
}

pub(super) fn run(args: StoreArgs, quiet: bool) -> Result<Exit, Error> {
    match args.command {
        StoreCommand::Copy(a) => run_copy(a, quiet),
        StoreCommand::Export(a) => run_export(a),
        StoreCommand::Import(a) => run_import(a),
    }
}

fn audit_export(archive: &Archive, root: &Path, details: serde_json::Value) -> Result<(), Error> {
    let t = time::format_millis(now_ms());
    archive.audit(&AuditEvent { id: store::unique_id(&t, "export"), time: t, actor: actor(root), action: Action::Export, details })
}

fn run_copy(args: CopyArgs, quiet: bool) -> Result<Exit, Error> {
    let (root, config) = args.common.root_and_config()?;
    let (from_url, settings) = match &args.from {
        Some(from) => (from.clone(), settings(&root)?),
        None => checked_urls(args.common.store.as_deref(), &config, &root).map(|(url, _, s)| (url, s))?,
    };
    let from = Archive::new(store::open_with(&from_url, &root, &settings)?);
    let to = store::open_with(&args.to, &root, &settings)?;
    for n in from.notices().into_iter().chain(to.notices()) {
        eprintln!("note: {n}");
    }
    from.require()?;
    // Recorded first, so the event travels with the copy.
    audit_export(&from, &root, serde_json::json!({"copy_to": to.location()}))?;
    let report = copy::copy_with(from.store(), to.as_ref(), &Bar::new(quiet))?;
    out(&format!(
        "copied {} to {}: {} objects and {} records ({} written, {} already there); counts and sha256 hashes match\n",
        from.location(),
        to.location(),
        report.objects,
        report.records,
        report.written,
        report.already
    ));
    Ok(Exit::Clean)
}

fn run_export(args: ExportArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    audit_export(&ctx.archive, &ctx.root, serde_json::json!({"export_to": args.file, "jsonl": args.jsonl}))?;
    let mut buf: Vec<u8> = Vec::new();
    let report =
        if args.jsonl { copy::export_records(ctx.archive.store(), &mut buf)? } else { copy::export(ctx.archive.store(), &mut buf)? };
    if args.file == "-" {
        out(&String::from_utf8_lossy(&buf));
    } else {
        // Whole file or nothing: an exclusive temporary beside it, then renamed (a device or pipe
        // the user named, such as /dev/null, is written in place).
        let dest = std::env::current_dir().map_err(|e| Error::Usage(e.to_string()))?.join(&args.file);
        crate::files::output(&dest, &buf).map_err(|e| Error::Usage(format!("cannot write {}: {e}", args.file)))?;
        eprintln!("exported {} objects and {} records from {} to {}", report.objects, report.records, ctx.archive.location(), args.file);
    }
    Ok(Exit::Clean)
}

fn run_import(args: ImportArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let f = std::fs::File::open(&args.file).map_err(|e| Error::Usage(format!("cannot read {}: {e}", args.file)))?;
    let report = copy::import(&mut std::io::BufReader::new(f), &args.file, ctx.archive.store())?;
    out(&format!(
        "imported {} objects and {} records into {} ({} written, {} already there)\n",
        report.objects,
        report.records,
        ctx.archive.location(),
        report.written,
        report.already
    ));
    Ok(Exit::Clean)
}
