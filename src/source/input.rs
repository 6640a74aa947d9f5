//! An input file with its origin ([`Input`]), and the [`Fetch`] implementations that read
//! siblings from the same origin: the file system and git revisions.

use crate::error::{Located, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Largest input apidiff reads; larger files are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Where the bytes of a file come from: the file system, or a git revision.
pub trait Fetch: Send + Sync + std::fmt::Debug {
    /// Reads `path` (relative to the origin's root, or absolute for the file system).
    fn fetch(&self, path: &Path) -> Result<String>;
    /// How `path` is shown to the user.
    fn display(&self, path: &Path) -> String;
}

/// Reads files from disk.
#[derive(Debug, Default, Clone)]
pub struct FsFetch;

impl Fetch for FsFetch {
    fn fetch(&self, path: &Path) -> Result<String> {
        let name = self.display(path);
        let meta = std::fs::metadata(path).map_err(|e| Located::file(&name, io_message(&e)))?;
        if meta.is_dir() {
            return Err(Located::file(&name, "is a directory, expected a spec file").into());
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(Located::file(&name, format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", meta.len())).into());
        }
        let bytes = std::fs::read(path).map_err(|e| Located::file(&name, io_message(&e)))?;
        into_text(&name, bytes)
    }

    fn display(&self, path: &Path) -> String {
        path.display().to_string()
    }
}

/// Reads files as they were at a git revision, with `git show <rev>:<path>`.
#[derive(Debug, Clone)]
pub struct GitFetch {
    /// The revision (any `git rev-parse` expression).
    pub rev: String,
    /// The folder git runs in.
    pub workdir: PathBuf,
}

/// One input file with its origin, so relative references resolve against the same origin.
#[derive(Debug, Clone)]
pub struct Input {
    /// Display name.
    pub name: String,
    /// Path used to resolve relative references (`None` for stdin: resolve against `base_dir`).
    pub path: PathBuf,
    /// The text.
    pub text: String,
    /// Where sibling files come from.
    pub fetch: Arc<dyn Fetch>,
}

pub(crate) fn rename(e: crate::Error, name: &str) -> crate::Error {
    match e {
        crate::Error::Input(mut l) => {
            l.file = name.to_string();
            crate::Error::Input(l)
        }
        other => other,
    }
}

pub(crate) fn split_git_locator<'a>(locator: &'a str, cwd: &Path) -> Option<(&'a str, &'a str)> {
    if cwd.join(locator).exists() {
        return None;
    }
    let (rev, path) = locator.split_once(':')?;
    // `C:\x` on Windows, `https://...` and empty halves are not git locators.
    if rev.is_empty() || path.is_empty() || path.starts_with("//") || (rev.len() == 1 && rev.chars().all(|c| c.is_ascii_alphabetic())) {
        return None;
    }
    Some((rev, path))
}

/// Lexically normalises `a/./b/../c` to `a/c` (git paths must not contain `..`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn into_text(name: &str, bytes: Vec<u8>) -> Result<String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        Located::new(name, Some(line), None, "file is not valid UTF-8 text").into()
    })
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
