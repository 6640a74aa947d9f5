//! The embedded store: a folder (`.apidiff/` by default) that needs no server.
//!
//! Every write is create-only and atomic: the bytes go to a temporary file that is synced and
//! then hard-linked to its final name, which fails if the name exists. Two processes that write
//! at once therefore never see a half-written file and never overwrite each other.

use super::Store;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const MARKER: &str = "apidiff-store.json";

/// A store in a local folder.
#[derive(Debug, Clone)]
pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    /// A store rooted at `root` (not created until [`Store::create`]).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsStore { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        check_key(key)?;
        Ok(self.root.join(key))
    }
}

/// Keys are flat, relative and made of safe characters, so every backend can hold them as-is.
pub(crate) fn check_key(key: &str) -> Result<()> {
    let ok = !key.is_empty()
        && !key.starts_with('/')
        && key.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if ok { Ok(()) } else { Err(Error::store(format!("invalid store key `{key}`"))) }
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::store(format!("cannot {what} {}: {e}", path.display()))
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl Store for FsStore {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn exists(&self) -> Result<bool> {
        Ok(self.root.join(MARKER).is_file())
    }

    fn create(&self) -> Result<()> {
        for dir in ["objects/sha256", "records", "tmp"] {
            let p = self.root.join(dir);
            std::fs::create_dir_all(&p).map_err(|e| io("create", &p, e))?;
        }
        // Teams may commit the store itself; only the scratch folder is kept out of git.
        let gi = self.root.join("tmp/.gitignore");
        if !gi.exists() {
            let _ = std::fs::write(&gi, "*\n");
        }
        self.put_new(MARKER, b"{\"layout\": 1}\n").map(|_| ())
    }

    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        let dest = self.path(key)?;
        if dest.exists() {
            return Ok(false);
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
        }
        let tmp_dir = self.root.join("tmp");
        std::fs::create_dir_all(&tmp_dir).map_err(|e| io("create", &tmp_dir, e))?;
        let tmp = tmp_dir.join(format!("{}-{}.part", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
        let written = (|| {
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io("write", &tmp, e));
        }
        let linked = std::fs::hard_link(&tmp, &dest);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(io("write", &dest, e)),
        }
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let p = self.path(key)?;
        // The store writes regular files only: a symlink or FIFO in it (committed to a
        // repository, say) is refused rather than followed or waited on.
        match std::fs::symlink_metadata(&p) {
            Ok(m) if !m.is_file() => return Err(Error::store(format!("cannot read {}: not a regular file", p.display()))),
            _ => {}
        }
        match std::fs::read(&p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("read", &p, e)),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let prefix = prefix.trim_end_matches('/');
        let dir = self.path(prefix)?;
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io("list", &dir, e)),
        };
        let mut keys = Vec::new();
        for e in rd {
            let e = e.map_err(|e| io("list", &dir, e))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().map(|t| t.is_file()).unwrap_or(false) && !name.starts_with('.') {
                keys.push(format!("{prefix}/{name}"));
            }
        }
        keys.sort();
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_only_and_listing() {
        let dir = tempfile::tempdir().unwrap();
        let s = FsStore::new(dir.path().join(".apidiff"));
        assert!(!s.exists().unwrap());
        s.create().unwrap();
        assert!(s.exists().unwrap());
        assert!(s.put_new("records/x/a.json", b"1").unwrap());
        assert!(!s.put_new("records/x/a.json", b"2").unwrap());
        assert_eq!(s.get("records/x/a.json").unwrap().unwrap(), b"1");
        assert_eq!(s.list("records/x/").unwrap(), vec!["records/x/a.json".to_string()]);
        assert!(s.list("records/none").unwrap().is_empty());
        assert!(s.get("records/none").unwrap().is_none());
        assert!(s.put_new("../escape", b"x").is_err());
        assert!(s.put_new("/abs", b"x").is_err());
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path().join(".apidiff/tmp")).unwrap().count(), 1);
    }
}
