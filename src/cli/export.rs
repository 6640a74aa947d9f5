//! `apidiff export`: the archived history as JSON, Markdown, HTML or PDF; an adapter over
//! [`crate::pipeline::export`] (recorded in the audit log).

use super::context::{Bar, Common, actor, now_ms};
use super::context::{Exit, out_bytes};
use crate::error::Error;
use crate::pipeline::{self, ExportFormat, ExportRequest};
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `apidiff export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Only this module.
    #[arg(long, short = 'm')]
    pub module: Option<String>,
    /// Only entries since a date (`2025-11-01`), a timestamp, or a span (`12h`, `7d`, `2w`).
    #[arg(long)]
    pub since: Option<String>,
    /// Write the export to FILE instead of stdout (needed for `pdf` when stdout is a terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(args: ExportArgs, quiet: bool) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    if args.format.binary() && args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::Usage("--format pdf writes binary data: give --out FILE, or redirect stdout".into()));
    }
    let req = ExportRequest { module: args.module.clone(), since: args.since.clone(), format: args.format, now: now_ms() };
    let exported = pipeline::export_with(&ctx.archive, &req, &Bar::new(quiet))?;
    match &args.out {
        Some(p) => {
            crate::files::output(p, &exported.bytes).map_err(|e| Error::Usage(format!("--out {}: cannot write: {e}", p.display())))?
        }
        None => out_bytes(&exported.bytes),
    }
    exported.audit(&ctx.archive, &req, actor(&ctx.root), args.out.as_ref().map(|p| p.display().to_string()))?;
    if let Some(p) = &args.out {
        let n = exported.entries;
        eprintln!("Exported {n} entr{} as {} to {}", if n == 1 { "y" } else { "ies" }, args.format.name(), p.display());
    }
    Ok(Exit::Clean)
}
