//! `apidiff tests OLD NEW`: Hurl test scripts for the OpenAPI operations the revision added or
//! changed (the use case is [`crate::pipeline::hurl_tests`]).

use super::context::Exit;
use crate::diff::Options;
use crate::error::{Error, Located};
use crate::pipeline::{self, HurlRequest};
use crate::spec::LoadOptions;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `apidiff tests`.
#[derive(Debug, Args)]
pub struct TestsArgs {
    /// The old version: a path or `<git-ref>:<path>` (OpenAPI or Swagger).
    pub old: String,
    /// The new version: a path or `<git-ref>:<path>` (OpenAPI or Swagger).
    pub new: String,
    /// Write one `.hurl` file per operation into DIR (created if missing) instead of printing them all to stdout.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Put URL literally before every path instead of the Hurl variable `{{base_url}}` (`hurl --variable base_url=...`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Follow `$ref`s to http(s) URLs.
    #[arg(long)]
    pub allow_remote_refs: bool,
    /// Write the witnesses of the breaking changes instead: each request the old version accepted
    /// (or that reached a removed operation), asserting that the service now rejects it (4xx).
    #[arg(long)]
    pub witnesses: bool,
}

pub(super) fn run(args: TestsArgs) -> Result<Exit, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::Usage(format!("cannot read the current folder: {e}")))?;
    let req = HurlRequest {
        base: crate::source::Input::open(&args.old, &cwd)?,
        revision: crate::source::Input::open(&args.new, &cwd)?,
        load: LoadOptions { allow_remote_refs: args.allow_remote_refs, ..LoadOptions::default() },
        options: Options { today: crate::time::today(), ..Options::default() },
        base_url: args.base_url.clone(),
        witnesses: args.witnesses,
    };
    let files = pipeline::hurl_tests(&req)?;
    match &args.out {
        None => {
            let all: Vec<&str> = files.iter().map(|f| f.content.as_str()).collect();
            super::context::out(&all.join("\n"));
        }
        Some(dir) => {
            let shown = dir.display().to_string();
            std::fs::create_dir_all(cwd.join(dir)).map_err(|e| Located::file(&shown, format!("cannot create the folder: {e}")))?;
            for f in &files {
                let path = cwd.join(dir).join(&f.name);
                crate::files::replace(&path, f.content.as_bytes())
                    .map_err(|e| Located::file(&shown, format!("cannot write {}: {e}", f.name)))?;
                super::context::out(&format!("{}\n", dir.join(&f.name).display()));
            }
        }
    }
    if files.is_empty() {
        eprintln!(
            "{}",
            if args.witnesses {
                "no request or endpoint witnesses: nothing to replay"
            } else {
                "no added or changed operations: nothing to test"
            }
        );
    }
    Ok(Exit::Clean)
}
