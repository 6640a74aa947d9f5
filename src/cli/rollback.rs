//! `apidiff rollback --to <hash>`: write archived spec files back into the working tree (or,
//! with `--preview`, show what that would change); an adapter over [`crate::pipeline::rollback`].

use super::context::{Common, LiveArgs, actor, now_ms, short};
use super::context::{Exit, out, out_bytes, today};
use crate::diff::Options;
use crate::error::Error;
use crate::pipeline::rollback::{self, Current, RollbackRequest};
use crate::report::ReportFormat as OutputFormat;
use crate::report::text;
use clap::Args;

/// Arguments of `apidiff rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub common: Common,
    /// A deploy hash (the git commit a snapshot was recorded at; full or abbreviated) or a snapshot id.
    #[arg(long, value_name = "HASH")]
    pub to: String,
    /// Only this module.
    #[arg(long, short = 'm')]
    pub module: Option<String>,
    /// Show what would change (spec diff and change report) without writing anything.
    #[arg(long)]
    pub preview: bool,
    /// Output format of the preview's change report.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// For entries of live sources, `--preview` fetches what runs now with these settings.
    #[command(flatten)]
    pub connection: LiveArgs,
}

pub(super) fn run(args: RollbackArgs, color: bool) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    let entries = ctx.archive.entries()?;
    let req = RollbackRequest {
        archive: &ctx.archive,
        root: ctx.root.clone(),
        to: args.to.clone(),
        module: args.module.clone(),
        current: Current::Worktree(args.connection.remote(&ctx.config)?),
        load: crate::pipeline::load_options(&ctx.root, &ctx.config)?,
        options: Options { today: today(), proto_category: ctx.config.protobuf.category(), ..Options::default() },
        live: rollback::configured_live(&ctx.config),
    };
    // Read and check everything before writing anything.
    let plan = rollback::plan(&req, &entries, !args.preview)?;
    if args.preview {
        let preview = rollback::preview(&req, &plan)?;
        match args.format {
            OutputFormat::Text => {
                out(&preview.diff);
                out("\nChanges the rollback would make (now → target):\n");
                out(&text::render(&crate::report::safe::report(&preview.report), color, None));
                out("Preview only: nothing was written.\n");
            }
            other => out_bytes(&other.render(&preview.report, color)),
        }
        return Ok(Exit::Clean);
    }
    let applied = rollback::apply(&req, &plan, actor(&ctx.root), now_ms(), "run")?;
    let mut lines = String::new();
    for p in &applied.written {
        let spec = plan.targets.iter().find(|(_, b)| b.files.contains_key(p)).map(|(e, _)| e);
        if let Some(e) = spec {
            lines.push_str(&format!("wrote {p} (module {}, snapshot {})\n", e.module, short(e.snapshot.as_deref().unwrap_or(""))));
        }
    }
    if applied.written.is_empty() {
        lines.push_str(&format!("Nothing to write: the working tree already matches {} {}\n", applied.to_kind, short(&applied.to)));
    } else {
        let n = applied.written.len();
        lines.push_str(&format!("Rolled back {n} file{} to {} {}\n", super::context::plural(n), applied.to_kind, short(&applied.to)));
    }
    out(&lines);
    Ok(Exit::Clean)
}
