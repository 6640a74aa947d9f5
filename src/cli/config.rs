//! `apidiff config schema` (the JSON Schema of `apidiff.yaml`) and `apidiff config check`.

use super::context::Common;
use super::context::{Exit, out};
use crate::error::Error;
use clap::{Args, Subcommand};

/// Arguments of `apidiff config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ConfigAction,
}

/// `apidiff config` actions.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the JSON Schema of `apidiff.yaml`.
    Schema,
    /// Check the configuration file and summarise it.
    Check(Common),
}

pub(super) fn run(args: ConfigArgs) -> Result<Exit, Error> {
    match args.action {
        ConfigAction::Schema => out(&crate::config::json_schema()),
        ConfigAction::Check(common) => {
            let ctx = common.context()?;
            let c = &ctx.config;
            out(&format!(
                "ok: {} module{}, store {}, gate {}, {} severity override{}, record {}\n",
                c.modules.len(),
                super::context::plural(c.modules.len()),
                ctx.archive.location(),
                c.gate.fail_on.unwrap_or_default().as_str(),
                c.severity.len(),
                super::context::plural(c.severity.len()),
                c.record
            ));
        }
    }
    Ok(Exit::Clean)
}
