//! The archive of spec snapshots and their history, behind one [`Store`] trait.
//!
//! A backend only stores bytes under flat keys with create-only writes; everything else
//! (content addressing, verification, records, lookups) lives in [`Archive`] and is shared by
//! every backend. Layout:
//!
//! - `objects/sha256/<hash>`: a snapshot, the canonical JSON of a [`crate::spec::bundle::Bundle`]; its key
//!   is the sha256 of its bytes, checked on every read.
//! - `records/entries/<id>.json`: one archived version of one spec ([`Entry`]). The id is
//!   derived from what the entry says (module, spec, snapshot, previous snapshot, deploy), so
//!   two processes recording the same thing write the same key and the second write is a no-op.
//! - `records/notes/<time>-<id>.json` and `records/audit/<time>-<id>.json`: append-only notes
//!   and audit events, each in its own create-only file with a unique id, so concurrent writers
//!   never lose one another's records. `records/acks/` (alert acknowledgements),
//!   `records/erasures/` (privacy tombstones, see [`privacy`]), `records/approvals/` and
//!   `records/revocations/` (approved breaking changes, see [`approvals`]) work the same way.
//! - `privacy/salt.json`: the store's pseudonym salt, written once.
//!
//! The S3 backend ([`s3`]) maps this to conditional puts (`If-None-Match: *`), the Postgres
//! backend ([`postgres`]) to `INSERT ... ON CONFLICT DO NOTHING` on typed tables. [`copy`]
//! moves everything between stores; [`Mirrored`] sends every write to a second store too.

pub mod alerts;
pub mod approvals;
mod archive;

pub mod copy;
pub mod fleet;
pub mod fs;
pub mod leases;
pub mod page;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod privacy;
pub mod record;
#[cfg(feature = "s3")]
pub mod s3;
pub mod stored;
pub mod usage;
pub mod view;

pub use archive::{
    Ack, Action, Archive, AuditEvent, Counts, DEFAULT_URL, ENTRIES, Entry, EntryCache, Mirrored, Note, Risk, SchemaStatus, Settings,
    Source, Store, Target, get_all_by_keys, process_nonce, unique_id,
};
pub(crate) use archive::{key_time, mirror_error, object_key, to_json};

use crate::error::{Error, Result};
use crate::spec::bundle::{Bundle, sha256_hex};
use privacy::{Erasure, Tombstones};
pub use record::{EntryBuilder, EntryFacts};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Where the privacy tombstones live (see [`privacy`]).
pub const ERASURES: &str = "records/erasures/";

/// Opens the backend a URL names: a path or `file://` URL (relative to `root`), with no
/// extra settings. See [`open_with`].
pub fn open(url: &str, root: &Path) -> Result<Box<dyn Store>> {
    open_with(url, root, &Settings::new())
}
/// Opens the backend a URL names: a folder path or `file://` URL (relative to `root`),
/// `postgres://` / `postgresql://` (migrated and checked on open), or `s3://bucket/prefix`.
/// Schemes this build lacks are named in the error.
pub fn open_with(url: &str, root: &Path, settings: &Settings) -> Result<Box<dyn Store>> {
    let path = match url.split_once("://") {
        None => url,
        Some(("file", rest)) => rest,
        #[cfg(feature = "postgres")]
        Some(("postgres" | "postgresql", _)) => return Ok(Box::new(postgres::PgStore::open(url)?)),
        #[cfg(feature = "s3")]
        Some(("s3", _)) => return Ok(Box::new(s3::S3Store::open(url, settings)?)),
        Some((scheme, _)) => {
            let _ = settings;
            return Err(Error::Usage(format!(
                "store `{url}`: the `{scheme}` backend is not available in this build; use a folder path, a file://, postgres:// or s3:// URL"
            )));
        }
    };
    if path.is_empty() {
        return Err(Error::Usage("store URL has an empty path".into()));
    }
    Ok(Box::new(fs::FsStore::new(root.join(path))))
}
impl Mirrored {
    /// Pairs a primary with its mirror, restoring an empty primary from a mirror with history.
    pub fn new(primary: Box<dyn Store>, mirror: Box<dyn Store>) -> Result<Mirrored> {
        let mut notices = primary.notices();
        notices.extend(mirror.notices().into_iter().map(|n| format!("mirror: {n}")));
        let primary_empty = primary.list(ENTRIES)?.is_empty();
        if primary_empty && mirror.exists()? && !mirror.list(ENTRIES)?.is_empty() {
            let report = copy::copy(mirror.as_ref(), primary.as_ref())?;
            notices.push(format!(
                "the store at {} held no history; restored it from the mirror at {}: {} objects and {} records",
                primary.location(),
                mirror.location(),
                report.objects,
                report.records
            ));
            // Constraints that could not come back while the tables were empty can now.
            let status = primary.check_schema()?;
            if !status.repaired.is_empty() {
                notices.push(format!("{}: repaired the schema: recreated {}", primary.location(), status.repaired.join(", ")));
            }
        }
        Ok(Mirrored { primary, mirror, notices, mirror_ready: std::sync::atomic::AtomicBool::new(false) })
    }
}
impl Store for Mirrored {
    fn location(&self) -> String {
        self.primary.location()
    }
    fn exists(&self) -> Result<bool> {
        self.primary.exists()
    }
    fn create(&self) -> Result<()> {
        self.primary.create()?;
        self.mirror.create().map_err(|e| mirror_error(self.mirror.as_ref(), e))
    }
    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        let written = self.primary.put_new(key, bytes)?;
        // Also when the primary had it: this heals a mirror that missed a write.
        if !self.mirror_ready.load(Ordering::Relaxed) {
            if !self.mirror.exists().map_err(|e| mirror_error(self.mirror.as_ref(), e))? {
                self.mirror.create().map_err(|e| mirror_error(self.mirror.as_ref(), e))?;
            }
            self.mirror_ready.store(true, Ordering::Relaxed);
        }
        self.mirror.put_new(key, bytes).map_err(|e| mirror_error(self.mirror.as_ref(), e))?;
        Ok(written)
    }
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.primary.get(key)
    }
    fn list(&self, prefix: &str) -> Result<Vec<String>> {
        self.primary.list(prefix)
    }
    fn get_all(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        self.primary.get_all(prefix)
    }
    fn notices(&self) -> Vec<String> {
        self.notices.clone()
    }
    fn check_schema(&self) -> Result<SchemaStatus> {
        self.primary.check_schema()
    }
    fn history_page(&self, q: &fleet::PageQuery) -> Result<Option<fleet::Rows>> {
        self.primary.history_page(q)
    }
    fn notes_for(&self, entries: &[String]) -> Result<Option<fleet::Rows>> {
        self.primary.notes_for(entries)
    }
    fn subscribe(&self, listener: Arc<dyn fleet::Listener>) -> Result<bool> {
        self.primary.subscribe(listener)
    }
    fn claim(&self, key: &str, holder: &str, ttl: std::time::Duration) -> Result<bool> {
        self.primary.claim(key, holder, ttl)
    }
    fn settle(&self, key: &str, done: bool) -> Result<()> {
        self.primary.settle(key, done)
    }
    // put_batch: the default, through put_new, so every record also reaches the mirror.
    fn leases(&self, holder: &str) -> Result<Box<dyn leases::Leases>> {
        self.primary.leases(holder)
    }
}
impl Archive {
    /// An archive on a backend.
    pub fn new(store: Box<dyn Store>) -> Self {
        Archive { store: store.into(), read: Arc::default() }
    }

    /// Where it is.
    pub fn location(&self) -> String {
        self.store.location()
    }

    /// The backend.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// What opening the backend did (see [`Store::notices`]).
    pub fn notices(&self) -> Vec<String> {
        self.store.notices()
    }

    /// Whether it exists.
    pub fn exists(&self) -> Result<bool> {
        self.store.exists()
    }

    /// Fails with a clear message when the store has not been created yet.
    pub fn require(&self) -> Result<()> {
        if self.store.exists()? {
            Ok(())
        } else {
            Err(Error::store(format!(
                "no apidiff store at {}: run `apidiff check --record` to create it and archive a baseline",
                self.store.location()
            )))
        }
    }

    /// Creates it.
    pub fn create(&self) -> Result<()> {
        self.store.create()
    }

    /// Archives a bundle; returns its snapshot id. An existing object with the same id is
    /// verified rather than trusted.
    pub fn put_snapshot(&self, bundle: &Bundle) -> Result<String> {
        let bytes = bundle.canonical_bytes();
        let hash = sha256_hex(&bytes);
        if !self.store.put_new(&object_key(&hash), &bytes)? {
            self.snapshot(&hash)?;
        }
        Ok(hash)
    }

    /// Reads a snapshot, checking its bytes still hash to its id.
    pub fn snapshot(&self, hash: &str) -> Result<Bundle> {
        let key = object_key(hash);
        let bytes = self.store.get(&key)?.ok_or_else(|| {
            Error::store(format!("snapshot {hash} is missing from the store at {} (object {key})", self.store.location()))
        })?;
        let actual = sha256_hex(&bytes);
        if actual != hash {
            return Err(Error::store(format!(
                "snapshot {hash} is damaged: object {key} in {} hashes to {actual}; restore it from a backup or remove the store's entries that use it",
                self.store.location()
            )));
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::store(format!("snapshot {hash} is not a spec bundle: {e}")))
    }

    /// Writes an entry; `false` when an identical one was already there.
    pub fn put_entry(&self, entry: &Entry) -> Result<bool> {
        self.store.put_new(&format!("records/entries/{}.json", entry.id), &to_json(entry))
    }

    /// Every entry, oldest first, with erasures applied.
    pub fn entries(&self) -> Result<Vec<Entry>> {
        // Records are create-only: the archive's own cache reads only entries it has not seen
        // (a `check` reads them several times, and a long-lived caller on every run).
        let mut read = self.read.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(self.entries_cached(&mut read.entries)?.as_ref().clone())
    }

    /// Every entry as [`Archive::entries`] returns them, reading only records `cache` has not seen.
    pub fn entries_cached(&self, cache: &mut EntryCache) -> Result<Arc<Vec<Entry>>> {
        let mut fresh = false;
        for key in self.store.list("records/entries/")? {
            if !key.ends_with(".json") || cache.seen.contains(&key) {
                continue;
            }
            let bytes = self.store.get(&key)?.ok_or_else(|| Error::store(format!("record {key} vanished while reading")))?;
            let e = self.decode_entry(&key, &bytes)?;
            cache.raw.push(e);
            cache.seen.insert(key);
            fresh = true;
        }
        let erasures = self.store.list(ERASURES)?.len();
        if fresh || cache.erasures != Some(erasures) {
            cache.raw.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
            let t = self.tombstones()?;
            let mut v = cache.raw.clone();
            if !t.is_empty() {
                v.iter_mut().for_each(|e| e.erase(&t));
            }
            cache.view = Arc::new(v);
            cache.erasures = Some(erasures);
        }
        Ok(cache.view.clone())
    }

    /// Whether an erasure was recorded since `cache` was last refreshed (a cheap listing: erasures
    /// must apply at once, even where new entries may show up late).
    pub fn erasures_changed(&self, cache: &EntryCache) -> Result<bool> {
        Ok(cache.erasures != Some(self.store.list(ERASURES)?.len()))
    }

    /// What [`Archive::entries_cached`] last returned, without reading the store.
    pub fn entries_cached_view(&self, cache: &EntryCache) -> Arc<Vec<Entry>> {
        cache.view.clone()
    }

    /// The store's pseudonym salt, created from `seed` (a random or unique value the caller
    /// supplies) the first time. Concurrent first calls agree: the first write wins.
    pub fn salt(&self, seed: &str) -> Result<String> {
        if let Some(s) = self.existing_salt()? {
            return Ok(s);
        }
        let salt = sha256_hex(format!("salt\0{seed}").as_bytes());
        self.store.put_new(privacy::SALT_KEY, &to_json(&serde_json::json!({ "salt": salt })))?;
        self.existing_salt()?.ok_or_else(|| Error::store("the pseudonym salt vanished after writing it"))
    }

    fn existing_salt(&self) -> Result<Option<String>> {
        match self.store.get(privacy::SALT_KEY)? {
            None => Ok(None),
            Some(b) => {
                let v: Value = serde_json::from_slice(&b).map_err(|e| Error::store(format!("{} is damaged: {e}", privacy::SALT_KEY)))?;
                Ok(v.get("salt").and_then(Value::as_str).map(str::to_string))
            }
        }
    }

    /// Records an erasure tombstone.
    pub fn put_erasure(&self, e: &Erasure) -> Result<()> {
        self.store.put_new(&format!("records/erasures/{}-{}.json", key_time(&e.time), e.id), &to_json(e)).map(|_| ())
    }

    /// Every erasure tombstone.
    pub fn erasures(&self) -> Result<Vec<Erasure>> {
        self.read_all(ERASURES)
    }

    /// The tombstones every read path applies.
    pub fn tombstones(&self) -> Result<Tombstones> {
        let erasures = self.erasures()?;
        if erasures.is_empty() {
            return Ok(Tombstones::default());
        }
        let salt = self.existing_salt()?.ok_or_else(|| Error::store("erasures exist but the store has no pseudonym salt"))?;
        Ok(Tombstones::new(&salt, &erasures))
    }

    /// Records an alert acknowledgement.
    pub fn put_ack(&self, ack: &Ack) -> Result<()> {
        self.store.put_new(&format!("records/acks/{}-{}.json", key_time(&ack.time), ack.id), &to_json(ack)).map(|_| ())
    }

    /// Every acknowledgement, oldest first, with erasures applied.
    pub fn acks(&self) -> Result<Vec<Ack>> {
        let mut out: Vec<Ack> = self.read_all("records/acks/")?;
        let t = self.tombstones()?;
        out.iter_mut().for_each(|a| t.apply(&mut a.actor));
        Ok(out)
    }

    /// Adds a note.
    pub fn put_note(&self, note: &Note) -> Result<()> {
        self.store.put_new(&format!("records/notes/{}-{}.json", key_time(&note.time), note.id), &to_json(note)).map(|_| ())
    }

    /// Every note, oldest first, with erasures applied.
    pub fn notes(&self) -> Result<Vec<Note>> {
        let mut out: Vec<Note> = self.read_all("records/notes/")?;
        let t = self.tombstones()?;
        out.iter_mut().for_each(|n| t.apply(&mut n.author));
        Ok(out)
    }

    /// Appends an audit event.
    pub fn audit(&self, ev: &AuditEvent) -> Result<()> {
        self.store.put_new(&format!("records/audit/{}-{}.json", key_time(&ev.time), ev.id), &to_json(ev)).map(|_| ())
    }

    /// Writes a record of some kind (`alerts`) under `records/<kind>/<id>.json`; `false` when
    /// the key was already there (create-only, so concurrent writers cannot overwrite).
    pub fn put_record(&self, kind: &str, id: &str, value: &Value) -> Result<bool> {
        self.store.put_new(&format!("records/{kind}/{id}.json"), &to_json(value))
    }

    /// Records an approval (create-only: an approval is never edited, only revoked).
    pub fn put_approval(&self, a: &approvals::Approval) -> Result<()> {
        self.store.put_new(&format!("{}{}-{}.json", approvals::APPROVALS, key_time(&a.time), a.id), &to_json(a)).map(|_| ())
    }

    /// Records a revocation.
    pub fn put_revocation(&self, r: &approvals::Revocation) -> Result<()> {
        self.store.put_new(&format!("{}{}-{}.json", approvals::REVOCATIONS, key_time(&r.time), r.id), &to_json(r)).map(|_| ())
    }

    /// Every approval and revocation, oldest first, with erasures applied; empty when the
    /// store does not exist yet.
    pub fn ledger(&self) -> Result<approvals::Ledger> {
        if !self.store.exists()? {
            return Ok(approvals::Ledger::default());
        }
        let mut l = {
            let mut read = self.read.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let read = &mut *read;
            approvals::Ledger {
                approvals: self.read_new(approvals::APPROVALS, &mut read.approvals)?,
                revocations: self.read_new(approvals::REVOCATIONS, &mut read.revocations)?,
            }
        };
        if let Some(a) = l.approvals.iter().find(|a| a.version > approvals::APPROVAL_VERSION) {
            return Err(Error::Input(crate::error::Located::file(
                format!("{}{}", approvals::APPROVALS, a.id),
                format!(
                    "approval record version {} is newer than this apidiff reads (up to {}); upgrade apidiff to read this store",
                    a.version,
                    approvals::APPROVAL_VERSION
                ),
            )));
        }
        l.apply(&self.tombstones()?);
        Ok(l)
    }

    /// Every record of a kind, in key order.
    pub fn records(&self, kind: &str) -> Result<Vec<Value>> {
        self.read_all(&format!("records/{kind}/"))
    }

    /// The audit log, oldest first, with erasures applied to the actors.
    pub fn audit_log(&self) -> Result<Vec<AuditEvent>> {
        let mut out: Vec<AuditEvent> = self.read_all("records/audit/")?;
        let t = self.tombstones()?;
        out.iter_mut().for_each(|e| t.apply(&mut e.actor));
        Ok(out)
    }

    /// Checks the store: it exists, every record parses, and every snapshot an entry names is
    /// present and undamaged. Returns the problems found (empty when healthy).
    pub fn verify(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match self.store.exists() {
            Ok(true) => {}
            Ok(false) => return vec![format!("no apidiff store at {}", self.store.location())],
            Err(e) => return vec![e.to_string()],
        }
        let entries = match self.entries() {
            Ok(es) => es,
            Err(e) => return vec![e.to_string()],
        };
        for r in [self.notes().err(), self.audit_log().err(), self.acks().err(), self.ledger().err()].into_iter().flatten() {
            problems.push(r.to_string());
        }
        let mut seen = HashSet::new();
        for e in &entries {
            for h in e.snapshot.iter().chain(e.previous.iter()) {
                if seen.insert(h.clone())
                    && let Err(err) = self.snapshot(h)
                {
                    problems.push(format!("entry {} ({} {}): {err}", e.id, e.module, e.spec));
                }
            }
        }
        problems
    }

    /// An entry record read back: damaged bytes are a store error; a record of a newer version
    /// than this build reads is refused by name (never misread).
    fn decode_entry(&self, key: &str, bytes: &[u8]) -> Result<Entry> {
        let e: Entry = serde_json::from_slice(bytes)
            .map_err(|e| Error::store(format!("record {key} in {} is damaged: {e}", self.store.location())))?;
        if e.version > stored::RECORD_VERSION {
            return Err(Error::Input(crate::error::Located::file(
                key,
                format!(
                    "record version {} is newer than this apidiff reads (up to {}); upgrade apidiff to read this store",
                    e.version,
                    stored::RECORD_VERSION
                ),
            )));
        }
        Ok(e)
    }

    /// Every record under `prefix` in key order, as [`Archive::read_all`] returns them,
    /// parsing only the keys `cache` has not seen (records are create-only).
    fn read_new<T: for<'de> Deserialize<'de> + Clone>(&self, prefix: &str, cache: &mut archive::Keyed<T>) -> Result<Vec<T>> {
        let mut fresh = false;
        for key in self.store.list(prefix)? {
            if !key.ends_with(".json") || cache.seen.contains(&key) {
                continue;
            }
            let bytes = self.store.get(&key)?.ok_or_else(|| Error::store(format!("record {key} vanished while reading")))?;
            let rec = serde_json::from_slice(&bytes)
                .map_err(|e| Error::store(format!("record {key} in {} is damaged: {e}", self.store.location())))?;
            cache.items.push((key.clone(), rec));
            cache.seen.insert(key);
            fresh = true;
        }
        if fresh {
            cache.items.sort_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(cache.items.iter().map(|(_, r)| r.clone()).collect())
    }

    fn read_all<T: for<'de> Deserialize<'de>>(&self, prefix: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for (key, bytes) in self.store.get_all(prefix)? {
            if !key.ends_with(".json") {
                continue;
            }
            let rec = serde_json::from_slice(&bytes)
                .map_err(|e| Error::store(format!("record {key} in {} is damaged: {e}", self.store.location())))?;
            out.push(rec);
        }
        Ok(out)
    }

    /// The latest entry for each (module, spec), in first-seen order.
    pub fn latest(entries: &[Entry]) -> Vec<&Entry> {
        let mut idx: indexmap::IndexMap<(&str, &str), &Entry> = indexmap::IndexMap::new();
        for e in entries {
            idx.insert((e.module.as_str(), e.spec.as_str()), e);
        }
        idx.into_values().collect()
    }

    /// What rolling back to `to` (a deploy or snapshot id, or a prefix) restores: for a deploy,
    /// the state of every spec as of that deploy; for a snapshot, the specs that recorded it;
    /// optionally only one module's. Returns the kind (`deploy` or `snapshot`), the full id, and
    /// the entries whose snapshots to restore.
    pub fn rollback_targets(entries: &[Entry], to: &str, module: Option<&str>) -> Result<(&'static str, String, Vec<Entry>)> {
        let (kind, full, targets) = match Archive::resolve(entries, to, &["deploy", "snapshot", "entry"])? {
            Target::Deploy(d, es) => {
                // The state of every spec as of that deploy: the last entry recorded at or before it.
                let until = es.iter().map(|e| e.time.clone()).max().unwrap_or_default();
                let upto: Vec<Entry> = entries.iter().filter(|e| e.time <= until).cloned().collect();
                let state: Vec<Entry> = Archive::latest(&upto).into_iter().cloned().collect();
                ("deploy", d, state)
            }
            Target::Snapshot(s, es) => {
                let mut seen = std::collections::BTreeSet::new();
                ("snapshot", s, es.into_iter().filter(|e| seen.insert((e.module.clone(), e.spec.clone()))).collect())
            }
            // An entry id from `apidiff history`: the snapshot it recorded.
            Target::Entry(e) => match &e.snapshot {
                Some(s) => ("snapshot", s.clone(), vec![*e.clone()]),
                None => return Err(Error::Usage(format!("entry {} recorded no snapshot (the spec was removed)", e.id))),
            },
        };
        let targets: Vec<Entry> = targets.into_iter().filter(|e| e.snapshot.is_some() && module.is_none_or(|m| e.module == m)).collect();
        for e in &targets {
            e.verified()?;
        }
        if targets.is_empty() {
            return Err(Error::NotFound(match module {
                Some(m) => format!("module `{m}` has no archived spec at {kind} {}", crate::ids::short(&full)),
                None => format!("{kind} {} has no archived spec to roll back to", crate::ids::short(&full)),
            }));
        }
        Ok((kind, full, targets))
    }

    /// Resolves an entry id, snapshot id or deploy id (full or a prefix of at least 4
    /// characters). An unknown id is [`Error::NotFound`]; an ambiguous prefix is
    /// [`Error::Conflict`] naming the candidates.
    pub fn resolve(entries: &[Entry], id: &str, allow: &[&str]) -> Result<Target> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 4 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
            return Err(Error::Usage(format!("`{id}`: expected an id or a prefix of at least 4 characters")));
        }
        let mut found: Vec<(String, &'static str)> = Vec::new();
        let mut add = |full: &str, kind: &'static str| {
            if full.to_ascii_lowercase().starts_with(&id) && !found.iter().any(|(f, k)| f == full && *k == kind) {
                found.push((full.to_string(), kind));
            }
        };
        for e in entries {
            if allow.contains(&"entry") {
                add(&e.id, "entry");
            }
            if allow.contains(&"snapshot")
                && let Some(s) = &e.snapshot
            {
                add(s, "snapshot");
            }
            // `<sha>-dirty` was recorded from uncommitted edits: only a prefix that says so reaches it.
            if allow.contains(&"deploy")
                && let Some(d) = &e.deploy
                && (!d.ends_with("-dirty") || id.contains("-dirty"))
            {
                add(d, "deploy");
            }
        }
        match found.as_slice() {
            [] => Err(Error::NotFound(format!("`{id}` matches no {} in the store", allow.join(", no ")))),
            [(full, kind)] => Ok(match *kind {
                "entry" => {
                    Target::Entry(Box::new(entries.iter().find(|e| &e.id == full).cloned().ok_or_else(|| Error::Usage("vanished".into()))?))
                }
                "snapshot" => {
                    Target::Snapshot(full.clone(), entries.iter().filter(|e| e.snapshot.as_deref() == Some(full)).cloned().collect())
                }
                _ => Target::Deploy(full.clone(), entries.iter().filter(|e| e.deploy.as_deref() == Some(full)).cloned().collect()),
            }),
            many => Err(Error::Conflict(format!(
                "`{id}` is ambiguous: it matches {}; give more characters",
                many.iter().map(|(f, k)| format!("{k} {f}")).collect::<Vec<_>>().join(", ")
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn archive() -> (tempfile::TempDir, Archive) {
        let dir = tempfile::tempdir().unwrap();
        let a = Archive::new(open(".apidiff", dir.path()).unwrap());
        a.create().unwrap();
        (dir, a)
    }

    fn bundle(text: &str) -> Bundle {
        Bundle { format: "graphql".into(), entry: "a.graphql".into(), files: BTreeMap::from([("a.graphql".into(), text.into())]) }
    }

    #[test]
    fn damaged_and_missing_objects_are_reported() {
        let (dir, a) = archive();
        let h = a.put_snapshot(&bundle("type Query { a: Int }")).unwrap();
        assert_eq!(a.snapshot(&h).unwrap(), bundle("type Query { a: Int }"));
        let path = dir.path().join(".apidiff/objects/sha256").join(&h);
        std::fs::write(&path, b"tampered").unwrap();
        let e = a.snapshot(&h).unwrap_err().to_string();
        assert!(e.contains("damaged"), "{e}");
        // Re-archiving the same content does not silently trust the damaged object.
        assert!(a.put_snapshot(&bundle("type Query { a: Int }")).unwrap_err().to_string().contains("damaged"));
        std::fs::remove_file(&path).unwrap();
        assert!(a.snapshot(&h).unwrap_err().to_string().contains("missing"));
    }

    #[test]
    fn other_schemes_are_named() {
        let e = open("ftp://bucket/x", Path::new("/")).unwrap_err().to_string();
        assert!(e.contains("`ftp` backend"), "{e}");
    }

    #[test]
    fn resolve_prefixes() {
        let mk = |id: &str, snap: &str, deploy: &str| Entry {
            version: 1,
            id: id.into(),
            time: "2025-01-01T00:00:00.000Z".into(),
            module: "m".into(),
            spec: "s".into(),
            format: crate::diff::Format::OpenApi,
            snapshot: Some(snap.into()),
            previous: None,
            deploy: Some(deploy.into()),
            author: None,
            message: None,
            risk: Risk::Low,
            counts: Counts::default(),
            changes: vec![],
            dependants: vec![],
            owners: vec![],
            run: "r".into(),
            source: None,
        };
        let es = vec![mk("aaaa1111", "bbbb1111", "cccc1111"), mk("aaaa2222", "bbbb2222", "cccc2222")];
        assert!(matches!(Archive::resolve(&es, "aaaa1", &["entry", "snapshot"]).unwrap(), Target::Entry(_)));
        assert!(matches!(Archive::resolve(&es, "bbbb2", &["entry", "snapshot"]).unwrap(), Target::Snapshot(..)));
        let amb = Archive::resolve(&es, "bbbb", &["entry", "snapshot"]).unwrap_err().to_string();
        assert!(amb.contains("ambiguous") && amb.contains("bbbb1111") && amb.contains("bbbb2222"), "{amb}");
        assert!(Archive::resolve(&es, "ffff", &["deploy"]).unwrap_err().to_string().contains("matches no deploy"));
        assert!(Archive::resolve(&es, "cc", &["deploy"]).is_err());
    }

    #[test]
    fn concurrent_appends_lose_nothing() {
        let (_dir, a) = archive();
        let a = std::sync::Arc::new(a);
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let a = a.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        let time = crate::time::format_millis(1000);
                        let ev = AuditEvent {
                            id: unique_id(&time, "x"),
                            time,
                            actor: None,
                            action: Action::Annotate,
                            details: serde_json::json!({"t": t, "i": i}),
                        };
                        a.audit(&ev).unwrap();
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(a.audit_log().unwrap().len(), 200);
    }
}
