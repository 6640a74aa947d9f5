//! `apidiff store copy|export|import`, and how every command finds its store: the URL from
//! `--store`, `APIDIFF_STORE`, the config's `store`, `DATABASE_URL` (postgres URLs only) or
//! `.apidiff`; a mirror from `APIDIFF_MIRROR` or the config's `store.mirror`; backend settings
//! from the environment or a `.env` file at the repository root (the environment wins).

use super::check::{Common, actor, now_ms};
use super::{Exit, out};
use crate::config::Config;
use crate::error::Error;
use crate::store::{self, Action, Archive, AuditEvent, Mirrored, Settings, Store, copy, time};
use clap::{Args, Subcommand};
use std::path::Path;

/// Environment variables a store may use.
const KEYS: &[&str] = &[
    "APIDIFF_STORE",
    "APIDIFF_MIRROR",
    "DATABASE_URL",
    "APIDIFF_S3_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// The store settings: the process environment, then `<root>/.env` for what it lacks.
pub(super) fn settings(root: &Path) -> Settings {
    let mut s = Settings::new();
    if let Ok(text) = std::fs::read_to_string(root.join(".env")) {
        for line in text.lines() {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let k = k.trim();
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                    .unwrap_or(v);
                if KEYS.contains(&k) {
                    s.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    for k in KEYS {
        if let Ok(v) = std::env::var(k)
            && !v.is_empty()
        {
            s.insert((*k).to_string(), v);
        }
    }
    s
}

/// The store URL and mirror URL a command uses.
pub(super) fn urls(flag: Option<&str>, config: &Config, settings: &Settings) -> (String, Option<String>) {
    let url = flag
        .map(str::to_string)
        .or_else(|| settings.get("APIDIFF_STORE").cloned())
        .or_else(|| config.store_url().map(str::to_string))
        .or_else(|| settings.get("DATABASE_URL").filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://")).cloned())
        .unwrap_or_else(|| store::DEFAULT_URL.to_string());
    let mirror = settings.get("APIDIFF_MIRROR").cloned().or_else(|| config.store_mirror().map(str::to_string));
    (url, mirror)
}

/// Opens a store (with its mirror); returns it with what opening it did.
pub(super) fn open(url: &str, mirror: Option<&str>, root: &Path, settings: &Settings) -> Result<Box<dyn Store>, Error> {
    let primary = store::open_with(url, root, settings)?;
    Ok(match mirror {
        Some(m) => Box::new(Mirrored::new(primary, store::open_with(m, root, settings)?)?),
        None => primary,
    })
}

/// Opens the store a command's options and config name, telling stderr what opening it did.
pub(super) fn open_configured(flag: Option<&str>, config: &Config, root: &Path) -> Result<Archive, Error> {
    let settings = settings(root);
    let (url, mirror) = urls(flag, config, &settings);
    let store = open(&url, mirror.as_deref(), root, &settings)?;
    for n in store.notices() {
        eprintln!("note: {n}");
    }
    Ok(Archive::new(store))
}

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

pub(super) fn run(args: StoreArgs) -> Result<Exit, Error> {
    match args.command {
        StoreCommand::Copy(a) => run_copy(a),
        StoreCommand::Export(a) => run_export(a),
        StoreCommand::Import(a) => run_import(a),
    }
}

fn audit_export(archive: &Archive, root: &Path, details: serde_json::Value) -> Result<(), Error> {
    let t = time::format_millis(now_ms());
    archive.audit(&AuditEvent { id: store::unique_id(&t, "export"), time: t, actor: actor(root), action: Action::Export, details })
}

fn run_copy(args: CopyArgs) -> Result<Exit, Error> {
    let (root, config) = args.common.root_and_config()?;
    let settings = settings(&root);
    let from_url = args.from.clone().unwrap_or_else(|| urls(args.common.store.as_deref(), &config, &settings).0);
    let from = Archive::new(store::open_with(&from_url, &root, &settings)?);
    let to = store::open_with(&args.to, &root, &settings)?;
    for n in from.notices().into_iter().chain(to.notices()) {
        eprintln!("note: {n}");
    }
    from.require()?;
    // Recorded first, so the event travels with the copy.
    audit_export(&from, &root, serde_json::json!({"copy_to": to.location()}))?;
    let report = copy::copy(from.store(), to.as_ref())?;
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
        // Whole file or nothing: write aside, then rename.
        let dest = std::env::current_dir().map_err(|e| Error::Usage(e.to_string()))?.join(&args.file);
        let tmp = dest.with_extension(format!("partial-{}", std::process::id()));
        std::fs::write(&tmp, &buf).and_then(|_| std::fs::rename(&tmp, &dest)).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::Usage(format!("cannot write {}: {e}", args.file))
        })?;
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
