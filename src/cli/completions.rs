//! `apidiff completions <shell>` and `apidiff man`: shell completion scripts (clap_complete) and
//! the man page (clap_mangen), both generated from the clap definitions.

use super::context::{Exit, out_bytes};
use crate::error::Error;
use clap::Args;

/// Arguments of `apidiff completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub(super) fn run_completions(args: CompletionsArgs, mut cmd: clap::Command) -> Result<Exit, Error> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "apidiff", &mut buf);
    out_bytes(&buf);
    Ok(Exit::Clean)
}

pub(super) fn run_man(cmd: clap::Command) -> Result<Exit, Error> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf).map_err(|e| Error::Usage(format!("cannot render the man page: {e}")))?;
    out_bytes(&buf);
    Ok(Exit::Clean)
}
