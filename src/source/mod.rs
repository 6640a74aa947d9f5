//! Turns a locator (a path, stdin bytes, or `<git-ref>:<path>`) into text, and resolves the
//! relative files a spec refers to against the same origin.

pub mod client;
pub mod git;
mod grpc;
pub mod http;
mod input;
mod introspection;
pub mod json_pos;
pub mod json_strict;
pub mod live;
mod location;
pub mod pointer;
pub mod text;
pub mod yaml;

pub use input::{
    Fetch, FsFetch, GitFetch, Input, MAX_FILE_BYTES, MAX_LISTED_FILES, MAX_SIDE_FILE_BYTES, NO_SUCH_FILE, boundary, hash_limited,
    normalize, read_capped, read_limited, read_text_if_exists,
};
pub(crate) use input::{hex, into_text, rename, split_git_locator};

use crate::error::{Located, Result};
pub use location::Location;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `path` as the key of a revision's file list: slash-separated plain names (`None` for `.`,
/// `..` or a root, which git reads relative to its working folder: asked of git itself).
fn rev_key(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::Normal(n) => parts.push(n.to_str()?),
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

impl Fetch for GitFetch {
    fn fetch(&self, path: &Path) -> Result<String> {
        let name = self.display(path);
        if let (Some(files), Some(key)) = (&self.files, rev_key(path)) {
            match files.get(&key) {
                git::RevEntry::File(bytes) => return into_text(&name, bytes),
                git::RevEntry::Absent => return Err(Located::file(&name, NO_SUCH_FILE).into()),
                git::RevEntry::Other => {}
            }
        }
        let spec = format!("{}:{}", self.rev, path.to_string_lossy().replace('\\', "/"));
        let out = git::output(&self.workdir, &["show", "--no-textconv", &spec]).ok_or_else(|| Located::file(&name, "cannot run git"))?;
        if !out.status.success() {
            // A path the revision does not hold is "no such file", as on disk, so an import
            // search goes on to the next root and a missing import is named as such.
            let rel = path.to_string_lossy().replace('\\', "/");
            if !git::has_file(&self.workdir, &self.rev, &rel) && git::is_commit(&self.workdir, &self.rev) {
                return Err(Located::file(&name, NO_SUCH_FILE).into());
            }
            let err = String::from_utf8_lossy(&out.stderr);
            let first = err.lines().next().unwrap_or("git show failed").trim();
            return Err(Located::file(&name, format!("cannot read from git: {first}")).into());
        }
        into_text(&name, out.stdout)
    }

    fn display(&self, path: &Path) -> String {
        format!("{}:{}", self.rev, path.display())
    }

    fn list(&self, dir: &Path, recursive: bool) -> Option<Vec<PathBuf>> {
        if let (Some(files), Some(key)) = (&self.files, rev_key(dir)) {
            if !files.is_dir(&key) {
                return None;
            }
            let mut listed: Vec<PathBuf> =
                files.files_below(&key, recursive).into_iter().map(|name| dir.join(name)).take(MAX_LISTED_FILES + 1).collect();
            listed.sort();
            return Some(listed);
        }
        let spec = format!("{}:{}", self.rev, dir.to_string_lossy().replace('\\', "/"));
        if git::run(&self.workdir, &["cat-file", "-t", &spec])? != "tree" {
            return None;
        }
        let args: &[&str] = if recursive { &["ls-tree", "-r", "-z"] } else { &["ls-tree", "-z"] };
        let out = git::output(&self.workdir, &[args, &[spec.as_str()]].concat())?;
        // `<mode> <type> <object>\t<name>`: files are blobs (subfolders are trees).
        let mut files: Vec<PathBuf> = out
            .stdout
            .split(|&b| b == 0)
            .filter_map(|entry| {
                let entry = String::from_utf8_lossy(entry);
                let (meta, name) = entry.split_once('\t')?;
                (meta.split(' ').nth(1) == Some("blob")).then(|| dir.join(name))
            })
            .take(MAX_LISTED_FILES + 1)
            .collect();
        files.sort();
        Some(files)
    }
}
impl Input {
    /// Reads a locator: `-` is not handled here (the CLI reads stdin and calls [`Input::from_text`]);
    /// `<rev>:<path>` reads from git when the whole string is not an existing file. The files it
    /// refers to are read only inside its repository (see [`Input::open_within`]).
    pub fn open(locator: &str, cwd: &Path) -> Result<Input> {
        Input::open_within(locator, cwd, &[])
    }

    /// Like [`Input::open`]; the files its `$ref`s and imports reach must lie inside the
    /// repository (the git top level of its folder, else its folder) or one of `extra_roots`.
    pub fn open_within(locator: &str, cwd: &Path, extra_roots: &[PathBuf]) -> Result<Input> {
        Input::open_with(locator, cwd, &http::Remote::default(), extra_roots)
    }

    /// Reads a locator as [`Input::open_within`] does; a live locator (`http(s)://`,
    /// `graphql+http(s)://`, `grpc(s)://`) is fetched with `remote`'s headers and limits.
    pub fn open_with(locator: &str, cwd: &Path, remote: &http::Remote, extra_roots: &[PathBuf]) -> Result<Input> {
        if live::is_live(locator) {
            return live::open(locator, remote);
        }
        if let Some((rev, path)) = split_git_locator(locator, cwd) {
            let fetch = GitFetch::new(rev, cwd);
            let rel = git_relative(cwd, Path::new(path))?;
            if fetch.list(&rel, false).is_some() {
                // A folder (a protobuf package or tree): its files are listed when it is loaded.
                return Ok(Input { name: locator.to_string(), path: rel, text: String::new(), fetch: Arc::new(fetch) });
            }
            let text = fetch.fetch(&rel)?;
            return Ok(Input { name: fetch.display(&rel), path: rel, text, fetch: Arc::new(fetch) });
        }
        let path = cwd.join(locator);
        if path.is_dir() {
            // A folder (a protobuf package or tree): its files are listed when it is loaded.
            let fetch = FsFetch::confined_to_repo(&path, extra_roots);
            return Ok(Input { name: locator.to_string(), path, text: String::new(), fetch: Arc::new(fetch) });
        }
        let text = FsFetch::default().fetch(&path).map_err(|e| rename(e, locator))?;
        let fetch = FsFetch::confined_to_repo(path.parent().unwrap_or(cwd), extra_roots);
        Ok(Input { name: locator.to_string(), path, text, fetch: Arc::new(fetch) })
    }

    /// An input from bytes already read (stdin); relative references resolve against `dir`,
    /// inside its repository.
    pub fn from_text(name: &str, bytes: Vec<u8>, dir: &Path) -> Result<Input> {
        Input::from_text_within(name, bytes, dir, &[])
    }

    /// Like [`Input::from_text`]; references may also reach `extra_roots`.
    pub fn from_text_within(name: &str, bytes: Vec<u8>, dir: &Path, extra_roots: &[PathBuf]) -> Result<Input> {
        let text = into_text(name, bytes)?;
        let fetch = FsFetch::confined_to_repo(dir, extra_roots);
        Ok(Input { name: name.to_string(), path: dir.join("stdin"), text, fetch: Arc::new(fetch) })
    }

    /// Reads a file relative to this input (for `$ref`s and imports), named for display relative
    /// to this input's folder.
    pub fn sibling(&self, rel: &str) -> Result<Input> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        let path = normalize(&dir.join(rel));
        let text = self.fetch.fetch(&path)?;
        Ok(Input { name: self.fetch.display(&path), path, text, fetch: self.fetch.clone() })
    }
}

/// git wants paths relative to the repository root; the user gives them relative to `cwd`.
fn git_relative(cwd: &Path, path: &Path) -> Result<PathBuf> {
    let prefix = match git::prefix(cwd) {
        Some(p) => p,
        None => {
            return Err(Located::file(path.display().to_string(), "not inside a git repository, so `<rev>:<path>` cannot be read").into());
        }
    };
    Ok(normalize(&Path::new(&prefix).join(path)))
}
