//! The embedded store: a folder (`.apidiff/` by default) that needs no server.
//!
//! Every write is create-only and atomic: the bytes go to a temporary created exclusively in
//! the destination folder ([`crate::files::create_new`]), synced, then hard-linked to its final
//! name, which fails if the name exists. Two processes that write at once therefore never see a
//! half-written file and never overwrite each other. Every path the store touches is checked
//! after resolving links: a folder or file inside the store that is a link (`records` committed
//! as a symlink to elsewhere, say) is refused, never written or read through.

use super::Store;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const MARKER: &str = "apidiff-store.json";

/// A store in a local folder.
#[derive(Debug, Clone)]
pub struct FsStore {
    root: PathBuf,
    /// The root's real path, once it exists.
    real: OnceLock<PathBuf>,
}

impl FsStore {
    /// A store rooted at `root` (not created until [`Store::create`]).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsStore { root: root.into(), real: OnceLock::new() }
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        check_key(key)?;
        Ok(self.root.join(key))
    }

    /// The root's real path (links resolved); `None` while it does not exist.
    fn real_root(&self) -> Result<Option<&Path>> {
        if let Some(r) = self.real.get() {
            return Ok(Some(r));
        }
        match std::fs::canonicalize(&self.root) {
            Ok(r) => Ok(Some(self.real.get_or_init(|| r))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("resolve", &self.root, e)),
        }
    }

    /// Refuses a path of the store whose existing folders resolve outside the store's root.
    fn confined(&self, path: &Path) -> Result<()> {
        let Some(real) = self.real_root()? else { return Ok(()) };
        let Some(existing) = path.ancestors().find(|a| std::fs::symlink_metadata(a).is_ok()) else { return Ok(()) };
        crate::files::inside(real, existing).map(|_| ()).map_err(|e| refused(path, e))
    }

    /// Creates the folder of `key` inside the root, following no link.
    fn folder_of(&self, key: &str) -> Result<PathBuf> {
        let rel = Path::new(key).parent().unwrap_or(Path::new(""));
        std::fs::create_dir_all(&self.root).map_err(|e| io("create", &self.root, e))?;
        let dir = crate::files::dirs_within(&self.root, rel).map_err(|e| refused(&self.root.join(rel), e))?;
        self.confined(&dir)?;
        Ok(dir)
    }
}

fn refused(path: &Path, e: std::io::Error) -> Error {
    Error::store(format!(
        "refusing {}: {e}; a store holds no links (remove the link, or choose the store folder itself with --store)",
        path.display()
    ))
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

impl Store for FsStore {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn exists(&self) -> Result<bool> {
        let marker = self.root.join(MARKER);
        self.confined(&marker)?;
        Ok(marker.is_file())
    }

    fn create(&self) -> Result<()> {
        for dir in ["objects/sha256/x", "records/x", "tmp/x"] {
            self.folder_of(dir)?;
        }
        // Teams may commit the store itself; only the scratch folder is kept out of git.
        let _ = crate::files::create_new(&self.root.join("tmp/.gitignore"), b"*\n");
        self.put_new(MARKER, b"{\"layout\": 1}\n").map(|_| ())
    }

    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        let dest = self.path(key)?;
        let dir = self.folder_of(key)?;
        let dest = dir.join(dest.file_name().unwrap_or_default());
        crate::files::create_new(&dest, bytes).map_err(|e| io("write", &dest, e))
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let p = self.path(key)?;
        self.confined(&p)?;
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
        self.confined(&dir)?;
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

    /// One watcher at a time: the lock is `tmp/watch.lock` (scratch, never committed), and what
    /// the polls saw is kept next to it in `tmp/watch-state.json`.
    fn leases(&self, holder: &str) -> Result<Box<dyn super::leases::Leases>> {
        let tmp = self.folder_of("tmp/watch.lock")?;
        let lock = super::leases::FolderLock::take(&tmp.join("watch.lock"), holder)?;
        Ok(Box::new(super::leases::Local::locked(lock, tmp.join("watch-state.json"))))
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
