//! `apidiff docs`: writes the generated documentation ([`crate::docs`]), or checks that the
//! committed copies are current.

use super::context::{Exit, out};
use crate::error::Error;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `apidiff docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Do not write: exit 1 when a generated file differs from what would be generated.
    #[arg(long)]
    pub check: bool,
    /// Where the generated files go: README_API_DIFF.md there, rule pages under `docs/rules/`
    /// (`-` prints the guide to stdout).
    #[arg(long, short = 'o', value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

pub(super) fn run(args: DocsArgs, cli: clap::Command) -> Result<Exit, Error> {
    let files = crate::docs::generate_all(cli);
    if args.out.as_os_str() == "-" {
        out(&files[0].text);
        return Ok(Exit::Clean);
    }
    if args.check {
        let stale: Vec<&str> = files
            .iter()
            .filter(|f| std::fs::read_to_string(args.out.join(&f.path)).ok().as_deref() != Some(f.text.as_str()))
            .map(|f| f.path.as_str())
            .collect();
        if stale.is_empty() {
            eprintln!("{} generated files are up to date", files.len());
            return Ok(Exit::Clean);
        }
        eprintln!("stale: {}; run `cargo run -- docs` (or `apidiff docs`) to regenerate them", stale.join(", "));
        return Ok(Exit::Blocking);
    }
    for f in &files {
        let path = args.out.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::Usage(format!("cannot create {}: {e}", dir.display())))?;
        }
        crate::files::replace(&path, f.text.as_bytes()).map_err(|e| Error::Usage(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(Exit::Clean)
}
