//! `apidiff discover`: which specs `check` would see, their modules, and why.

use super::context::{Common, discovery};
use super::context::{Exit, out};
use super::history::{ListFormat, table};
use crate::error::Error;
use clap::Args;

/// Arguments of `apidiff discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub(super) fn run(args: DiscoverArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let d = discovery(&ctx)?;
    match args.format {
        ListFormat::Json => out(&format!("{}\n", serde_json::to_string_pretty(&d).unwrap_or_default())),
        ListFormat::Table => {
            if d.specs.is_empty() {
                out(&format!("No specs found under {}.\n", ctx.root.display()));
            } else {
                let mut t = table(&["module", "spec", "format", "why"]);
                for s in &d.specs {
                    t.add_row(vec![s.module.clone(), s.path.clone(), s.format.as_str().to_string(), s.reason.clone()]);
                }
                out(&format!(
                    "{t}\n{} spec{} in {} module{}\n",
                    d.specs.len(),
                    super::context::plural(d.specs.len()),
                    d.modules.len(),
                    super::context::plural(d.modules.len())
                ));
            }
            if !d.skipped.is_empty() {
                let mut t = table(&["not checked on its own", "why"]);
                for s in &d.skipped {
                    t.add_row(vec![s.path.clone(), s.reason.clone()]);
                }
                out(&format!("{t}\n"));
            }
        }
    }
    Ok(Exit::Clean)
}
