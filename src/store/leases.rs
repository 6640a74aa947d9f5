//! How the watchers of one store share its live sources: leases. A watcher claims the sources
//! that are due and not leased by another watcher whose lease still runs, polls them (renewing
//! the leases while it does), and hands them back with what the poll saw (validators, content
//! hash); each is next due one interval after it was claimed. Postgres keeps the leases in a
//! table ([`super::postgres`]: `watch_sources`, claimed with `FOR UPDATE SKIP LOCKED`), so any
//! number of watchers divide the sources and a watcher that dies loses its leases when they
//! expire. Every other store keeps them in the watching process ([`Local`]); the folder store
//! admits one watcher at a time ([`FolderLock`]) and keeps what the polls saw in its scratch
//! folder, so a `watch --once` after another costs a conditional request per source.

use crate::error::{Error, Result};
use crate::source::live::Seen;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// A source claimed for one poll.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The source's key ([`key`]).
    pub key: String,
    /// What its last poll saw (by any watcher).
    pub seen: Seen,
}

/// A polled source handed back.
#[derive(Debug, Clone)]
pub struct Done {
    /// The source's key.
    pub key: String,
    /// What this poll saw (kept for the next one).
    pub seen: Seen,
    /// How the poll went, for the poll log (`unchanged`, `changed`, `baseline`, `unreachable`, ...).
    pub outcome: String,
}

/// The leases of one watcher on a store.
pub trait Leases: Send + Sync + std::fmt::Debug {
    /// Claims at most `max` of `keys` for `holder` until `ttl` from now: those due (every one
    /// when `all`) that no other holder's running lease covers.
    fn claim(&self, holder: &str, keys: &[String], all: bool, ttl: Duration, max: usize) -> Result<Vec<Claim>>;
    /// Extends `holder`'s leases on `keys` to `ttl` from now.
    fn renew(&self, holder: &str, keys: &[String], ttl: Duration) -> Result<()>;
    /// Hands polled sources back: each is next due `every` after it was claimed, remembers what
    /// its poll saw, and the poll is logged where the store keeps a log.
    fn finish(&self, holder: &str, done: &[Done], every: Duration) -> Result<()>;
}

/// The key of a live source: its module and its locator without credentials.
pub fn key(module: &str, locator: &str) -> String {
    format!("{module} {}", crate::source::http::redact(locator))
}

/// Leases kept in the watching process (every store but Postgres): every source is this
/// watcher's; what the polls saw is kept in `file` when there is one.
#[derive(Debug)]
pub struct Local {
    slots: Mutex<HashMap<String, Slot>>,
    file: Option<PathBuf>,
    /// Held for as long as the watcher runs (the folder store's lock).
    _lock: Option<FolderLock>,
}

#[derive(Debug, Default)]
struct Slot {
    seen: Seen,
    claimed: i64,
    due: i64,
    held: bool,
}

impl Local {
    /// Leases in memory only.
    pub fn new() -> Local {
        Local { slots: Mutex::new(HashMap::new()), file: None, _lock: None }
    }

    /// Leases under a folder store's lock, remembering what the polls saw in `file`.
    pub fn locked(lock: FolderLock, file: PathBuf) -> Local {
        let saved: HashMap<String, Seen> = crate::source::read_text_if_exists(&file, &file.display().to_string(), 64 << 20)
            .ok()
            .flatten()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let slots = saved.into_iter().map(|(k, seen)| (k, Slot { seen, ..Slot::default() })).collect();
        Local { slots: Mutex::new(slots), file: Some(file), _lock: Some(lock) }
    }

    fn save(&self, slots: &HashMap<String, Slot>) -> Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let seen: std::collections::BTreeMap<&str, &Seen> =
            slots.iter().filter(|(_, s)| s.seen != Seen::default()).map(|(k, s)| (k.as_str(), &s.seen)).collect();
        let bytes = serde_json::to_vec(&seen).map_err(|e| Error::store(format!("cannot encode the watch state: {e}")))?;
        crate::files::replace(file, &bytes).map_err(|e| Error::store(format!("cannot write {}: {e}", file.display())))
    }
}

impl Default for Local {
    fn default() -> Self {
        Local::new()
    }
}

impl Leases for Local {
    fn claim(&self, _holder: &str, keys: &[String], all: bool, _ttl: Duration, max: usize) -> Result<Vec<Claim>> {
        let now = crate::time::now_ms();
        let mut slots = self.slots.lock().map_err(|_| Error::store("the watch leases are poisoned"))?;
        let mut out = Vec::new();
        for k in keys {
            if out.len() >= max {
                break;
            }
            let slot = slots.entry(k.clone()).or_default();
            if !slot.held && (all || slot.due <= now) {
                slot.held = true;
                slot.claimed = now;
                out.push(Claim { key: k.clone(), seen: slot.seen.clone() });
            }
        }
        Ok(out)
    }

    fn renew(&self, _holder: &str, _keys: &[String], _ttl: Duration) -> Result<()> {
        Ok(())
    }

    fn finish(&self, _holder: &str, done: &[Done], every: Duration) -> Result<()> {
        let mut slots = self.slots.lock().map_err(|_| Error::store("the watch leases are poisoned"))?;
        let mut changed = false;
        for d in done {
            let slot = slots.entry(d.key.clone()).or_default();
            slot.held = false;
            slot.due = slot.claimed + every.as_millis() as i64;
            changed |= slot.seen != d.seen;
            slot.seen = d.seen.clone();
        }
        // Unchanged sources change nothing to remember: no write.
        if changed { self.save(&slots) } else { Ok(()) }
    }
}

/// The folder store's watcher lock: an OS lock on `tmp/watch.lock` in the store, which names
/// its holder (host and process). The lock goes with the process, so a lock file left by a
/// watcher that died is no lock, and the next watcher takes it over.
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
}

impl FolderLock {
    /// Takes the lock at `path` for `holder`, or refuses with [`Error::Conflict`] naming the
    /// watcher that holds it.
    pub fn take(path: &std::path::Path, holder: &str) -> Result<FolderLock> {
        use std::io::{Read, Seek, Write};
        let io = |what: &str, e: std::io::Error| Error::store(format!("cannot {what} the watcher lock {}: {e}", path.display()));
        let mut file =
            std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(|e| io("open", e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut who = String::new();
                let _ = file.take(4096).read_to_string(&mut who);
                let who = who.trim();
                return Err(Error::Conflict(format!(
                    "another watcher already watches the folder store {}: {} (lock file {}). A folder store admits one watcher; stop that one, or keep the history in Postgres to run several watchers that share the sources",
                    path.parent().and_then(std::path::Path::parent).unwrap_or(path).display(),
                    if who.is_empty() { "its holder did not say who it is" } else { who },
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io("lock", e)),
        }
        let line = format!("{holder}, since {}\n", crate::time::format_millis(crate::time::now_ms()));
        file.set_len(0).map_err(|e| io("write", e))?;
        file.rewind().map_err(|e| io("write", e))?;
        file.write_all(line.as_bytes()).map_err(|e| io("write", e))?;
        Ok(FolderLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_leases_hand_each_source_out_once_per_interval() {
        let l = Local::new();
        let keys = vec!["m a".to_string(), "m b".to_string()];
        let ttl = Duration::from_secs(1);
        let first = l.claim("w", &keys, false, ttl, 1).unwrap();
        assert_eq!(first.len(), 1);
        // Held: not handed out again; the other one is.
        let second = l.claim("w", &keys, false, ttl, 10).unwrap();
        assert_eq!(second.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["m b"]);
        let done: Vec<Done> = keys.iter().map(|k| Done { key: k.clone(), seen: Seen::default(), outcome: "unchanged".into() }).collect();
        l.finish("w", &done, Duration::from_secs(60)).unwrap();
        assert!(l.claim("w", &keys, false, ttl, 10).unwrap().is_empty(), "not due for a minute");
        assert_eq!(l.claim("w", &keys, true, ttl, 10).unwrap().len(), 2, "`all` ignores when they are due");
    }

    #[test]
    fn a_second_folder_lock_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watch.lock");
        let first = FolderLock::take(&path, "host-a pid 1").unwrap();
        let e = FolderLock::take(&path, "host-b pid 2").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Conflict);
        assert!(e.to_string().contains("host-a pid 1"), "{e}");
        drop(first);
        // The lock went with its holder; the file it left behind is no lock.
        FolderLock::take(&path, "host-b pid 2").unwrap();
    }
}
