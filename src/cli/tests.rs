//! `apidiff tests OLD NEW`: Hurl test scripts for the OpenAPI operations the revision added or
//! changed (the generator is [`crate::tests_gen`]).

use super::context::Exit;
use crate::diff::{self, Options};
use crate::error::{Error, Located};
use crate::spec::{self, LoadOptions, Spec};
use crate::tests_gen::{self, TestFile};
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
}

pub(super) fn run(args: TestsArgs) -> Result<Exit, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::Usage(format!("cannot read the current folder: {e}")))?;
    let base_in = crate::source::Input::open(&args.old, &cwd)?;
    let rev_in = crate::source::Input::open(&args.new, &cwd)?;
    let load = LoadOptions { allow_remote_refs: args.allow_remote_refs, ..LoadOptions::default() };
    let base_url = args.base_url.clone();
    let files = std::thread::Builder::new()
        .stack_size(spec::STACK_BYTES)
        .spawn(move || -> Result<Vec<TestFile>, Error> {
            let (base, rev) = spec::load_pair(&base_in, &rev_in, &load)?;
            let Spec::OpenApi(api) = &rev else {
                return Err(Error::Usage(format!(
                    "`apidiff tests` generates HTTP tests for OpenAPI and Swagger descriptions; `{}` is a {} description",
                    rev_in.name,
                    rev.format().as_str()
                )));
            };
            let opts = Options { today: super::context::today(), ..Options::default() };
            let changes = diff::compare(&base, &rev, &opts)?;
            Ok(tests_gen::generate(api, &changes, base_url.as_deref()))
        })
        .map_err(|e| Error::Usage(format!("cannot start worker thread: {e}")))?
        .join()
        .map_err(|_| Error::Usage("internal error: test generation panicked".into()))??;
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
                std::fs::write(&path, &f.content).map_err(|e| Located::file(&shown, format!("cannot write {}: {e}", f.name)))?;
                super::context::out(&format!("{}\n", dir.join(&f.name).display()));
            }
        }
    }
    if files.is_empty() {
        eprintln!("no added or changed operations: nothing to test");
    }
    Ok(Exit::Clean)
}
