//! `apidiff summary --module X`: a module's latest changes, its dependants and whether the
//! changes reach them; an adapter over [`crate::pipeline::summary`].

use super::context::{Common, Exit};
use crate::error::Error;
use crate::pipeline::{self, Summary};
use clap::Args;

/// Arguments of `apidiff summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub common: Common,
    /// The module.
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub module: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `apidiff summary`.
pub(super) fn run(args: SummaryArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let exists = ctx.archive.exists()?;
    let entries = if exists { ctx.archive.entries()? } else { Vec::new() };
    let acks = if exists { ctx.archive.acks()? } else { Vec::new() };
    let sum = pipeline::summary(&ctx.config, &ctx.archive, &entries, &acks, &args.module)?;
    if args.json {
        super::context::out(&format!("{}\n", serde_json::to_string_pretty(&sum).unwrap_or_default()));
        return Ok(Exit::Clean);
    }
    super::context::out(&text(&sum));
    Ok(Exit::Clean)
}

fn text(sum: &Summary) -> String {
    let mut s = format!("Module {}\n", sum.module);
    if !sum.owners.is_empty() {
        s.push_str(&format!("Owners: {}\n", sum.owners.join(", ")));
    }
    let c = &sum.changes;
    s.push_str(&format!(
        "{} entr{}, {} breaking, {} warning, {} info in all; {} open alert{}\n",
        sum.entries,
        if sum.entries == 1 { "y" } else { "ies" },
        c.breaking,
        c.warning,
        c.info,
        sum.open_alerts,
        super::context::plural(sum.open_alerts)
    ));
    if sum.specs.is_empty() {
        s.push_str("No archived history yet (run `apidiff check --record`).\n");
    }
    for e in &sum.specs {
        s.push_str(&format!(
            "\n{} at {} ({}): {} breaking, {} warning, {} info; risk {}\n",
            e.spec,
            e.time,
            e.deploy.as_deref().map(super::context::short).unwrap_or("no deploy"),
            e.counts.breaking,
            e.counts.warning,
            e.counts.info,
            e.risk.as_str()
        ));
        for c in &e.changes {
            s.push_str(&format!("  [{}] {}: {}\n", c.severity.as_str(), c.id, c.message));
            match &c.clients {
                Some(u) if u.is_empty() => s.push_str("      no known client operation uses it\n"),
                Some(u) => {
                    for o in u {
                        let verb = if o.broken { "breaks" } else { "used by" };
                        s.push_str(&format!("      {verb} {} at {}:{}\n", o.operation, o.file, o.line));
                    }
                }
                None => {}
            }
        }
    }
    s.push_str("\nDependants:\n");
    if sum.dependants.is_empty() {
        s.push_str("  (none)\n");
    }
    for d in &sum.dependants {
        let uses = if d.uses.is_empty() { ", uses everything".to_string() } else { format!(", uses {}", d.uses.join(", ")) };
        let status = if d.affected { "affected" } else { "not affected" };
        s.push_str(&format!("  {}: {status} (via {}{uses})\n", d.module, d.via));
    }
    s
}
