//! `apidiff usage show --module M`: what of a module's description clients call, and the
//! safe-to-remove list; an adapter over [`crate::pipeline::usage::show_module`].

use super::context::{Common, Exit};
use crate::error::Error;
use crate::pipeline::usage::{ShowRequest, Shown, show_module};
use clap::{Args, Subcommand};

/// Arguments of `apidiff usage`.
#[derive(Debug, Args)]
pub struct UsageArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: UsageCommand,
}

/// `apidiff usage` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// List what of a module is used in the usage window (requests, clients, last request) and
    /// what is not: the operations nobody called while the module has evidence (safe to remove).
    Show(ShowArgs),
}

/// Arguments of `apidiff usage show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub common: Common,
    /// The module.
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub module: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `apidiff usage`.
pub(super) fn run(args: UsageArgs) -> Result<Exit, Error> {
    let UsageCommand::Show(args) = args.command;
    let ctx = args.common.context()?;
    let today = super::context::today();
    let shown = show_module(&ShowRequest {
        root: &ctx.root,
        config: &ctx.config,
        store: ctx.archive.store(),
        module: &args.module,
        today: &today,
    })?;
    if args.json {
        super::context::out(&format!("{}\n", serde_json::to_string_pretty(&shown).unwrap_or_default()));
    } else {
        super::context::out(&text(&shown));
    }
    Ok(Exit::Clean)
}

fn text(s: &Shown) -> String {
    use crate::usage::human;
    if !s.known {
        return format!(
            "Module {}: no usage evidence in the last {} (nothing can be called unused; `apidiff usage ingest` adds evidence)\n",
            s.module, s.window
        );
    }
    let mut out = format!("Module {}: {} requests in the last {}\n", s.module, human(s.requests), s.window);
    let clients: Vec<String> = s.clients.iter().map(|c| format!("{} ({})", c.client, human(c.requests))).collect();
    out.push_str(&format!("Clients: {}\n\nUsed:\n", clients.join(", ")));
    for o in &s.used {
        let last = o.last_seen.as_deref().map(|l| format!(", last {l}")).unwrap_or_default();
        out.push_str(&format!("  {}  {} requests, {} clients{last}\n", o.operation, human(o.requests), o.clients));
    }
    out.push_str(&format!("\nNot used in the last {} (safe to remove as far as the evidence goes):\n", s.window));
    if s.unused.is_empty() {
        out.push_str("  (none)\n");
    }
    for u in &s.unused {
        out.push_str(&format!("  {u}\n"));
    }
    if !s.conformance.is_empty() {
        out.push_str(&format!("\nResponses that differ from the description ({}):\n", s.conformance.len()));
        for f in &s.conformance {
            out.push_str(&format!("  drift: {}\n", f.message));
        }
    }
    out
}
