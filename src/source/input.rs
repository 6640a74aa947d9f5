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
    /// Whether files under the folder `dir` may be read at all (searching parent folders for
    /// imports stops at the repository boundary).
    fn within(&self, _dir: &Path) -> bool {
        true
    }
    /// The files in the folder `dir` (below it too when `recursive`), sorted, as paths in the
    /// same form as `dir`; `None` when `dir` is not a folder of this origin (a file, or nothing).
    /// At most [`MAX_LISTED_FILES`] + 1 are listed: a caller refuses more.
    fn list(&self, _dir: &Path, _recursive: bool) -> Option<Vec<PathBuf>> {
        None
    }
}

/// Most files a folder given as a spec may hold (a protobuf tree: googleapis has about 7,000).
pub const MAX_LISTED_FILES: usize = 100_000;

/// The message of a file that does not exist (other read errors are reported, not skipped).
pub const NO_SUCH_FILE: &str = "no such file";

/// Reads files from disk: regular files only, at most [`MAX_FILE_BYTES`], and, when confined,
/// only files whose real path (symlinks resolved) lies inside one of its roots.
#[derive(Debug, Default, Clone)]
pub struct FsFetch {
    /// The folders files may be read from; `None` reads anywhere (the files the user named
    /// themselves).
    roots: Option<Arc<Roots>>,
}

/// A confined fetch's roots, worked out on first use: a spec's repository is found by running
/// git, which only a file that reads another file needs (most specs are one file).
#[derive(Debug)]
struct Roots {
    /// The folder whose repository (git top level, else itself) is a root, with `given`.
    repo_of: Option<PathBuf>,
    given: Vec<PathBuf>,
    /// The canonical paths of all of them (missing ones dropped).
    resolved: std::sync::OnceLock<Vec<PathBuf>>,
}

impl Roots {
    fn get(&self) -> &[PathBuf] {
        self.resolved.get_or_init(|| {
            let all = match &self.repo_of {
                Some(dir) => boundary(dir, &self.given),
                None => self.given.clone(),
            };
            all.iter().filter_map(|r| std::fs::canonicalize(r).ok()).collect()
        })
    }
}

/// The folders the files a spec in `dir` refers to may come from: the repository (the git top
/// level of `dir`, else `dir` itself) and `extra`.
pub fn boundary(dir: &Path, extra: &[PathBuf]) -> Vec<PathBuf> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let repo = crate::source::git::toplevel(dir).unwrap_or_else(|| dir.to_path_buf());
    std::iter::once(repo).chain(extra.iter().cloned()).collect()
}

impl FsFetch {
    /// Reads only files inside `roots` (each resolved to its real path; missing ones are dropped).
    pub fn confined(roots: &[PathBuf]) -> FsFetch {
        FsFetch { roots: Some(Arc::new(Roots { repo_of: None, given: roots.to_vec(), resolved: Default::default() })) }
    }

    /// Reads only files inside the repository of `dir` and `extra` ([`boundary`]); git is
    /// asked for the repository when the first file is read or listed, not before.
    pub fn confined_to_repo(dir: &Path, extra: &[PathBuf]) -> FsFetch {
        let roots = Roots { repo_of: Some(dir.to_path_buf()), given: extra.to_vec(), resolved: Default::default() };
        FsFetch { roots: Some(Arc::new(roots)) }
    }

    /// The roots this fetch is confined to (`None`: unconfined).
    pub fn roots(&self) -> Option<&[PathBuf]> {
        self.roots.as_deref().map(Roots::get)
    }

    /// Whether `path` (resolved) lies inside the roots; `Ok` with the real path when it does.
    pub fn check_inside(&self, path: &Path) -> Result<PathBuf> {
        let name = self.display(path);
        let real = std::fs::canonicalize(path).map_err(|e| Located::file(&name, io_message(&e)))?;
        match self.roots() {
            Some(roots) if !roots.iter().any(|r| real.starts_with(r)) => Err(Located::file(
                &name,
                "is outside the repository, so it is not read; pass --ref-root DIR (or set APIDIFF_REF_ROOTS) to allow a folder",
            )
            .into()),
            _ => Ok(real),
        }
    }
}

impl Fetch for FsFetch {
    fn fetch(&self, path: &Path) -> Result<String> {
        let name = self.display(path);
        let real = self.check_inside(path)?;
        let bytes = read_limited(&real, &name, MAX_FILE_BYTES)?;
        into_text(&name, bytes)
    }

    fn display(&self, path: &Path) -> String {
        path.display().to_string()
    }

    fn within(&self, dir: &Path) -> bool {
        let Some(roots) = self.roots() else { return true };
        std::fs::canonicalize(dir).is_ok_and(|real| roots.iter().any(|r| real.starts_with(r)))
    }

    fn list(&self, dir: &Path, recursive: bool) -> Option<Vec<PathBuf>> {
        if !dir.is_dir() || !self.within(dir) {
            return None;
        }
        // The same walk as discovery's (symlinks not followed), without its ignore rules: a
        // folder named on the command line is read whole.
        let mut walker = ignore::WalkBuilder::new(dir);
        walker.standard_filters(false).follow_links(false).max_depth((!recursive).then_some(1));
        let mut files: Vec<PathBuf> = walker
            .build()
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(ignore::DirEntry::into_path)
            .take(MAX_LISTED_FILES + 1)
            .collect();
        files.sort();
        Some(files)
    }
}

/// Reads a regular file of at most `limit` bytes, counting while reading (a file that grows, or
/// a size the metadata does not tell, cannot exceed it). FIFOs, devices and folders are refused
/// before they are opened, so `/dev/zero` or a FIFO never blocks or fills memory.
pub fn read_limited(path: &Path, name: &str, limit: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Located::file(name, io_message(&e)))?;
    if meta.is_dir() {
        return Err(Located::file(name, "is a directory, expected a spec file").into());
    }
    if !meta.is_file() {
        return Err(Located::file(name, "is not a regular file (a device, FIFO or socket), so it is not read").into());
    }
    if meta.len() > limit {
        return Err(too_large(name, limit));
    }
    let file = std::fs::File::open(path).map_err(|e| Located::file(name, io_message(&e)))?;
    read_into(file, name, limit, Vec::with_capacity(meta.len() as usize + 1))
}

/// The sha256 (hex) of a regular file of at most `limit` bytes, streamed in chunks under the
/// same checks as [`read_limited`] (no FIFO or device, no NUL byte, the cap while reading), so
/// hashing a large file never holds it.
pub fn hash_limited(path: &Path, name: &str, limit: u64) -> Result<String> {
    use sha2::Digest;
    let meta = std::fs::metadata(path).map_err(|e| Located::file(name, io_message(&e)))?;
    if !meta.is_file() {
        return Err(Located::file(name, "is not a regular file (a folder, device, FIFO or socket), so it is not read").into());
    }
    let file = std::fs::File::open(path).map_err(|e| Located::file(name, io_message(&e)))?;
    let mut hasher = sha2::Sha256::new();
    read_chunks(file, name, limit, &mut |chunk| hasher.update(chunk))?;
    Ok(hex(&hasher.finalize()))
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Largest repository file apidiff reads that is not a spec (`.env`, CODEOWNERS, `buf.yaml`,
/// a CA bundle named by the config).
pub const MAX_SIDE_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a UTF-8 text file through the same budget as specs ([`read_limited`]); `Ok(None)` when
/// it does not exist.
pub fn read_text_if_exists(path: &Path, name: &str, limit: u64) -> Result<Option<String>> {
    if std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Ok(None);
    }
    into_text(name, read_limited(path, name, limit)?).map(Some)
}

/// Reads at most `limit` bytes from `r`; more is an error naming `name`. A NUL byte ends the
/// read at once: no spec format allows one, and an endless source of them (`/dev/zero` piped
/// in) is refused without filling memory. The bytes are kept in parts allocated once each
/// (never a growing buffer that doubles and copies), so an endless stream (`yes |`) is refused
/// holding no more than the cap.
pub fn read_capped(r: impl std::io::Read, name: &str, limit: u64) -> Result<Vec<u8>> {
    const PART: usize = 8 << 20;
    let mut parts: Vec<Vec<u8>> = Vec::new();
    read_chunks(r, name, limit, &mut |chunk| match parts.last_mut() {
        Some(p) if p.len() + chunk.len() <= p.capacity() => p.extend_from_slice(chunk),
        _ => {
            let mut p = Vec::with_capacity(PART.max(chunk.len()));
            p.extend_from_slice(chunk);
            parts.push(p);
        }
    })?;
    if parts.len() == 1 {
        return Ok(parts.pop().unwrap_or_default());
    }
    let mut bytes = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        bytes.extend_from_slice(&p);
    }
    Ok(bytes)
}

fn read_into(r: impl std::io::Read, name: &str, limit: u64, mut bytes: Vec<u8>) -> Result<Vec<u8>> {
    read_chunks(r, name, limit, &mut |chunk| bytes.extend_from_slice(chunk))?;
    Ok(bytes)
}

/// Hands `r`'s bytes to `keep` in chunks, refusing a NUL byte (naming its line) and more than
/// `limit` bytes before keeping them.
fn read_chunks(mut r: impl std::io::Read, name: &str, limit: u64, keep: &mut dyn FnMut(&[u8])) -> Result<()> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    let mut lines = 0u64;
    loop {
        let n = match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Located::file(name, io_message(&e)).into()),
        };
        let got = &chunk[..n];
        // `contains` on bytes is a memchr; the position is only wanted for the error.
        if total == 0
            && let Some(kind) = compressed(got)
        {
            return Err(
                Located::new(name, Some(1), Some(1), format!("file is {kind}; decompress it first (apidiff reads UTF-8 text)")).into()
            );
        }
        if got.contains(&0)
            && let Some(at) = got.iter().position(|&b| b == 0)
        {
            let line = lines + got[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            return Err(Located::new(name, Some(u32::try_from(line).unwrap_or(u32::MAX)), None, "holds a NUL byte: not a text file").into());
        }
        if total + n as u64 > limit {
            return Err(too_large(name, limit));
        }
        total += n as u64;
        lines += count_newlines(got) as u64;
        keep(got);
    }
    Ok(())
}

/// The number of `\n` bytes in `bytes`. Counted in blocks of 255 into a byte-sized counter,
/// which the compiler turns into 16 or 32 lanes of vector code (a `usize` count per byte
/// compiled to a few lanes at a time, a pass that cost as much as reading the file).
pub(crate) fn count_newlines(bytes: &[u8]) -> usize {
    bytes.chunks(255).map(|block| block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')) as usize).sum()
}

fn too_large(name: &str, limit: u64) -> crate::Error {
    Located::file(name, format!("file is larger than the limit of {limit} bytes")).into()
}

/// Reads files as they were at a git revision, with `git show <rev>:<path>`, or, when built
/// with [`GitFetch::snapshot`], from the revision's files listed once and read through one git
/// process.
#[derive(Debug, Clone)]
pub struct GitFetch {
    /// The revision (any `git rev-parse` expression).
    pub rev: String,
    /// The folder git runs in.
    pub workdir: PathBuf,
    /// The revision's files, listed once for a whole run and shared by its clones.
    pub files: Option<Arc<crate::source::git::RevFiles>>,
}

impl GitFetch {
    /// Reads each file with its own `git show`.
    pub fn new(rev: &str, workdir: &Path) -> GitFetch {
        GitFetch { rev: rev.to_string(), workdir: workdir.to_path_buf(), files: None }
    }

    /// Lists the revision's files once and reads each blob at most once (see
    /// [`crate::source::git::RevFiles`]); falls back to [`GitFetch::new`] when git cannot list it.
    pub fn snapshot(rev: &str, workdir: &Path) -> GitFetch {
        let files = crate::source::git::RevFiles::list(workdir, rev).map(Arc::new);
        GitFetch { files, ..GitFetch::new(rev, workdir) }
    }
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
    if let Some(kind) = compressed(&bytes) {
        return Err(Located::new(name, Some(1), Some(1), format!("file is {kind}; decompress it first (apidiff reads UTF-8 text)")).into());
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        Located::new(name, Some(line), None, "file is not valid UTF-8 text").into()
    })
}

/// The kind of archive or compressed stream `bytes` starts with, by its magic number.
fn compressed(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x1f\x8b", "gzip-compressed"),
        (b"\x28\xb5\x2f\xfd", "zstd-compressed"),
        (b"\xfd7zXZ\x00", "xz-compressed"),
        (b"PK\x03\x04", "a zip archive"),
    ];
    MAGIC.iter().find(|(m, _)| bytes.starts_with(m)).map(|(_, k)| *k)
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => NO_SUCH_FILE.to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
