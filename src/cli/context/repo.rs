//! The repository a command works on: its root and configuration ([`Common`], [`Ctx`]), who
//! runs the command, and settings several commands read from flags and the configuration.

use super::store::open_configured;
use crate::config::{self, Config};
use crate::discover::{self, Discovery};
use crate::error::Error;
use crate::source::git;
use crate::store::Archive;
use clap::Args;
use std::path::Path;
use std::path::PathBuf;

/// Options every store command shares.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Repository root (default: the git top level of the current folder, or the folder itself).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file (default: `apidiff.yaml` at the root, when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Store: a folder, `file://`, `postgres://` or `s3://bucket/prefix` URL (default:
    /// `APIDIFF_STORE`, the config's `store`, a postgres `DATABASE_URL`, else `.apidiff`).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
}

/// What every store command starts from.
pub(crate) struct Ctx {
    pub root: PathBuf,
    pub config: Config,
    pub archive: Archive,
}

impl Common {
    /// The repository root and the configuration.
    pub(crate) fn root_and_config(&self) -> Result<(PathBuf, Config), Error> {
        let cwd = std::env::current_dir().map_err(|e| Error::Usage(format!("cannot read the current folder: {e}")))?;
        let root = match &self.root {
            Some(r) => cwd.join(r),
            None => git::toplevel(&cwd).unwrap_or(cwd.clone()),
        };
        if !root.is_dir() {
            return Err(Error::Usage(format!("--root {}: not a folder", root.display())));
        }
        let config_path = match &self.config {
            Some(p) => Some(cwd.join(p)),
            None => config::FILE_NAMES.iter().map(|n| root.join(n)).find(|p| p.is_file()),
        };
        let config = match config_path {
            Some(p) => {
                let name = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
                let text = crate::source::into_text(&name, crate::source::read_limited(&p, &name, crate::source::MAX_FILE_BYTES)?)?;
                config::parse(&name, &text)?
            }
            None => Config::default(),
        };
        config.check_channel_env(&secrets_env_prefixes())?;
        Ok((root, config))
    }

    /// The root, the configuration and the opened store.
    pub(crate) fn context(&self) -> Result<Ctx, Error> {
        let (root, config) = self.root_and_config()?;
        let archive = open_configured(self.store.as_deref(), &config, &root)?;
        Ok(Ctx { root, config, archive })
    }
}

/// The prefixes, besides `APIDIFF_`, that alert channels may name secrets by: the person running
/// apidiff's `APIDIFF_SECRETS_ENV_PREFIX` (comma-separated), never the repository's files.
fn secrets_env_prefixes() -> Vec<String> {
    std::env::var("APIDIFF_SECRETS_ENV_PREFIX")
        .map(|v| v.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default()
}

/// The `--ref-root` folders, then those of `APIDIFF_REF_ROOTS` (a path list, `:`-separated on
/// Unix): the only ways to let `$ref`s and imports read outside the repository.
pub(crate) fn ref_root_flags(flags: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots = flags.to_vec();
    if let Some(v) = std::env::var_os("APIDIFF_REF_ROOTS") {
        roots.extend(std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()));
    }
    roots
}

/// Who is running the command: git's committer identity, else the login name.
pub(crate) fn actor(root: &Path) -> Option<String> {
    git::committer(root).or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
}

/// The buf category of the protobuf rules: `--proto-category` (any case), else the config's
/// `protobuf.category`, else `PACKAGE`.
pub(crate) fn proto_category(arg: Option<&str>, config: &Config) -> Result<crate::diff::Category, Error> {
    let Some(arg) = arg else { return Ok(config.protobuf.category()) };
    crate::diff::Category::choose(arg)
        .ok_or_else(|| Error::Usage(format!("--proto-category `{arg}`: expected FILE, PACKAGE, WIRE_JSON or WIRE")))
}

/// Modules and specs of the discovery, for other commands.
pub(crate) fn discovery(ctx: &Ctx) -> Result<Discovery, Error> {
    discover::discover(&ctx.root, &ctx.config)
}
