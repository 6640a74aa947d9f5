//! The archive over any [`Store`]: entries, snapshots, notes, acks and the audit log, with the
//! store trait, its records and their ids.

use crate::diff::Format;
use crate::error::{Error, Result};
use crate::spec::bundle::sha256_hex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A backend: bytes under flat keys, written once.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Where the store is, for messages.
    fn location(&self) -> String;
    /// Whether the store has been created.
    fn exists(&self) -> Result<bool>;
    /// Creates the store (idempotent).
    fn create(&self) -> Result<()>;
    /// Writes `bytes` under `key` unless the key exists: `true` when written, `false` when the
    /// key was already there (its content is left untouched). Readers never see partial bytes.
    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool>;
    /// Reads a key; `None` when absent.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// Keys directly under a folder-like prefix (`records/audit/`), sorted.
    fn list(&self, prefix: &str) -> Result<Vec<String>>;
    /// Every key directly under `prefix` with its bytes, in key order. Backends that can answer
    /// in one round trip (a database) override this; reading a history of 100,000 entries key
    /// by key over a network is minutes, in one query it is seconds.
    fn get_all(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        get_all_by_keys(self, prefix)
    }
    /// What opening the store did on its own (migrations applied, schema repaired, history
    /// restored from a mirror), for the CLI to report.
    fn notices(&self) -> Vec<String> {
        Vec::new()
    }
    /// Checks the backend's own structure (a database schema) and repairs what it can.
    /// Backends without one report nothing.
    fn check_schema(&self) -> Result<SchemaStatus> {
        Ok(SchemaStatus::default())
    }
    /// One page of entry records (key and bytes), newest first, answered through an index;
    /// `None` when the backend has none (the caller pages every entry instead).
    fn history_page(&self, q: &super::page::PageQuery) -> Result<Option<super::page::Rows>> {
        let _ = q;
        Ok(None)
    }
    /// The note records (key and bytes) on these entries; `None` when the backend cannot
    /// select them (the caller reads every note).
    fn notes_for(&self, entries: &[String]) -> Result<Option<super::page::Rows>> {
        let _ = entries;
        Ok(None)
    }
    /// Tells `listener` about every write from now on, by any process on this store; `false`
    /// when the backend cannot (no notifications: callers re-read on a timer).
    fn subscribe(&self, listener: Arc<dyn super::page::Listener>) -> Result<bool> {
        let _ = listener;
        Ok(false)
    }
    /// Claims `key` for `holder` for `ttl`, atomically across every process on the store:
    /// `true` when this holder may go ahead, `false` when another holds it or it was settled as
    /// done. Backends that cannot share a claim grant every one (one process per store).
    fn claim(&self, key: &str, holder: &str, ttl: std::time::Duration) -> Result<bool> {
        let _ = (key, holder, ttl);
        Ok(true)
    }
    /// Settles a claim: `done` keeps it for good (nobody claims it again); otherwise it is
    /// released for the next claimant.
    fn settle(&self, key: &str, done: bool) -> Result<()> {
        let _ = (key, done);
        Ok(())
    }
    /// Writes several records create-only (as [`Store::put_new`] each), in one round trip
    /// where the backend can.
    fn put_batch(&self, items: &[(String, Vec<u8>)]) -> Result<()> {
        for (k, v) in items {
            self.put_new(k, v)?;
        }
        Ok(())
    }
    /// The leases a watcher named `holder` polls live sources under ([`super::leases`]): shared
    /// through the database where there is one; otherwise kept in the process.
    fn leases(&self, _holder: &str) -> Result<Box<dyn super::leases::Leases>> {
        Ok(Box::new(super::leases::Local::new()))
    }
}

/// What a schema check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Migrations applied by this check (`0001_init`).
    pub applied: Vec<String>,
    /// Objects that were missing and were recreated (`index diffs_time_idx`).
    pub repaired: Vec<String>,
    /// Objects still missing or broken, with why.
    pub unrepaired: Vec<String>,
}

/// Settings a backend may need besides its URL (S3 endpoint, region, credentials), as the CLI
/// read them from the environment: variable name to value.
pub type Settings = std::collections::BTreeMap<String, String>;

/// The default store location, relative to the repository root.
pub const DEFAULT_URL: &str = ".apidiff";

/// A primary store whose every write also goes to a mirror. Reads come from the primary.
/// When the primary holds no history and the mirror does, [`Mirrored::new`] restores the
/// primary from the mirror first (and says so in [`Store::notices`]).
#[derive(Debug)]
pub struct Mirrored {
    pub(crate) primary: Box<dyn Store>,
    pub(crate) mirror: Box<dyn Store>,
    pub(crate) notices: Vec<String>,
    /// Whether the mirror is known to exist (checked once, not on every write).
    pub(crate) mirror_ready: std::sync::atomic::AtomicBool,
}

/// [`Store::get_all`] the slow way: list, then read each key.
pub fn get_all_by_keys<S: Store + ?Sized>(store: &S, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for key in store.list(prefix)? {
        let bytes = store.get(&key)?.ok_or_else(|| Error::store(format!("record {key} vanished while reading")))?;
        out.push((key, bytes));
    }
    Ok(out)
}

pub(crate) fn mirror_error(mirror: &dyn Store, e: Error) -> Error {
    Error::store(format!("writing to the mirror at {} failed: {e}", mirror.location()))
}

/// Where entries live.
pub const ENTRIES: &str = "records/entries/";

/// How risky an archived change is, from its severities and the dependants it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// No change, or informational ones only.
    Low,
    /// Warnings.
    Medium,
    /// Breaking changes no declared dependant uses.
    High,
    /// Breaking changes that reach declared dependants.
    Critical,
}

impl Risk {
    /// From counts of breaking changes and warnings and how many dependants are touched.
    pub fn assess(breaking: usize, warnings: usize, dependants_touched: usize) -> Risk {
        match (breaking, warnings, dependants_touched) {
            (b, _, d) if b > 0 && d > 0 => Risk::Critical,
            (b, _, _) if b > 0 => Risk::High,
            (_, w, d) if w > 0 && d > 0 => Risk::High,
            (_, w, _) if w > 0 => Risk::Medium,
            _ => Risk::Low,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Breaking changes.
    pub breaking: usize,
    /// Warnings.
    pub warning: usize,
    /// Informational changes.
    pub info: usize,
}

/// One archived version of one spec of one module, with the diff from the version before.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The record version it was written in ([`super::stored::RECORD_VERSION`]); absent in
    /// records written before versions were recorded, which are version 1.
    #[serde(default = "super::stored::first_version")]
    pub version: u32,
    /// Entry id (hex; see the module docs).
    pub id: String,
    /// When it was recorded (RFC 3339, UTC).
    pub time: String,
    /// The module.
    pub module: String,
    /// The spec's main file, relative to the repository root.
    pub spec: String,
    /// Its format. A name this version does not know (a record from a newer one) reads as
    /// [`Format::Any`]: the entry stays readable, and is compared as no format.
    #[serde(deserialize_with = "lenient_format")]
    pub format: Format,
    /// The snapshot; `None` records that the spec was removed from the repository.
    pub snapshot: Option<String>,
    /// The snapshot this one replaces; `None` for a baseline.
    pub previous: Option<String>,
    /// The deploy (git commit or `--deploy` id) it was recorded at.
    pub deploy: Option<String>,
    /// Who made the change (git author).
    pub author: Option<String>,
    /// The commit message: the entry's automatic note.
    pub message: Option<String>,
    /// Risk level.
    pub risk: Risk,
    /// Counts of the changes from the previous snapshot.
    pub counts: Counts,
    /// The changes from the previous snapshot, in the archive's own record type (the report's
    /// [`crate::report::ReportChange`] converts to and from it).
    pub changes: Vec<super::stored::StoredChange>,
    /// Modules declared as depending on this one that the changes touch.
    pub dependants: Vec<String>,
    /// Who is assigned to look at it: module owners and CODEOWNERS of the spec, plus owners
    /// of the dependant modules it touches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    /// Id shared by the entries one `apidiff check --record` wrote.
    pub run: String,
    /// Where the spec came from: a file, or a live service (its locator and the fetch time).
    /// Absent in entries written before it existed (read them as files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl Entry {
    /// Its worst verdict, as the history filters by it.
    pub fn verdict(&self) -> super::page::Verdict {
        super::page::Verdict::of(self.snapshot.is_none(), self.counts.breaking, self.counts.warning, self.counts.info)
    }

    /// Applies erasures to what it names of people: its author, and the clients in its changes'
    /// recorded usage.
    pub(crate) fn erase(&mut self, t: &super::privacy::Tombstones) {
        t.apply(&mut self.author);
        self.changes.iter_mut().for_each(|c| c.erase_clients(t));
    }
}

/// Where an entry's spec came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// A file in the repository (or handed to the server).
    File,
    /// A running service.
    Live {
        /// The locator, without credentials.
        locator: String,
        /// When it was fetched (RFC 3339, UTC).
        fetched: String,
    },
}

impl Entry {
    /// The id an entry with these facts gets.
    pub fn derive_id(module: &str, spec: &str, snapshot: Option<&str>, previous: Option<&str>, deploy: Option<&str>) -> String {
        let mut s = String::new();
        for part in [Some(module), Some(spec), snapshot, previous, deploy] {
            s.push_str(part.unwrap_or("-"));
            s.push('\0');
        }
        sha256_hex(s.as_bytes())[..20].to_string()
    }

    /// The id this entry's content derives ([`Entry::derive_id`]).
    pub fn content_id(&self) -> String {
        Entry::derive_id(&self.module, &self.spec, self.snapshot.as_deref(), self.previous.as_deref(), self.deploy.as_deref())
    }

    /// Refuses an entry whose id does not match its content: its module, spec, snapshots or
    /// deploy were edited after it was recorded, so nothing it names can be trusted (a spec
    /// turned into a URL would be fetched, a path outside the repository written). Every path
    /// that acts on an entry (rollback, show, a report) asks this first.
    pub fn verified(&self) -> crate::error::Result<&Entry> {
        let derived = self.content_id();
        if derived == self.id {
            return Ok(self);
        }
        Err(crate::error::Located::file(
            format!("{ENTRIES}{}.json", self.id),
            format!(
                "refusing entry {}: its id does not match its content (module `{}`, spec `{}`, snapshots and deploy derive {derived}); the record was edited after it was recorded. `apidiff doctor` lists every such record",
                self.id, self.module, self.spec
            ),
        )
        .into())
    }
}

/// A note someone attached to an entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Note {
    /// Note id.
    pub id: String,
    /// When.
    pub time: String,
    /// The entry it annotates.
    pub entry: String,
    /// Who wrote it.
    pub author: Option<String>,
    /// The text.
    pub text: String,
}

/// What an audit event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// `check --record` archived snapshots.
    Record,
    /// A note was added.
    Annotate,
    /// Spec files were written back from the archive.
    Rollback,
    /// Records were exported or copied out of the store.
    Export,
    /// An alert was sent (or failed to send).
    Alert,
    /// A request to the server's API (who, what, from where, with which result).
    Access,
    /// An alert was acknowledged.
    Ack,
    /// A person was erased from the records.
    Erase,
    /// Specs could not be loaded or compared by `check --record` or `register` (the others were
    /// still checked); the details name each file, line and message.
    Failure,
    /// A breaking change was approved (see [`super::approvals`]).
    Approve,
    /// An approval was revoked.
    Revoke,
    /// An approval reached its last day (written once per approval, when a run first sees it
    /// expired).
    Expire,
}

/// An acknowledgement of the alert a breaking entry raised.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ack {
    /// Record id.
    pub id: String,
    /// When.
    pub time: String,
    /// The entry whose alert it acknowledges.
    pub entry: String,
    /// Who.
    pub actor: Option<String>,
}

/// Entries read once and kept: records are create-only, so a refresh only reads keys it has
/// not seen (and re-applies erasures when a new one appears).
#[derive(Debug, Default)]
pub struct EntryCache {
    pub(crate) seen: HashSet<String>,
    pub(crate) raw: Vec<Entry>,
    pub(crate) erasures: Option<usize>,
    pub(crate) view: Arc<Vec<Entry>>,
}

/// One audit event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Event id.
    pub id: String,
    /// When.
    pub time: String,
    /// Who.
    pub actor: Option<String>,
    /// What.
    pub action: Action,
    /// The details (what was written, from which version to which).
    pub details: Value,
}

pub(crate) static SEQ: AtomicU64 = AtomicU64::new(0);

/// A unique id for append-only records: a random per-process nonce and a per-process counter
/// make it unique among concurrent writers, also across machines and containers where every
/// replica may be process 1; the time and content make it unique across runs.
pub fn unique_id(time: &str, content: &str) -> String {
    let seed = format!("{time}\0{:016x}\0{}\0{content}", process_nonce(), SEQ.fetch_add(1, Ordering::Relaxed));
    sha256_hex(seed.as_bytes())[..16].to_string()
}

/// 64 random bits drawn once per process (the standard library's per-process hash keys, mixed
/// with the process id and start time).
pub fn process_nonce() -> u64 {
    static NONCE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *NONCE.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        h.finish()
    })
}

/// What an id or id prefix names.
#[derive(Debug, Clone)]
pub enum Target {
    /// An entry.
    Entry(Box<Entry>),
    /// A snapshot, with the entries that recorded it (oldest first).
    Snapshot(String, Vec<Entry>),
    /// A deploy, with its entries.
    Deploy(String, Vec<Entry>),
}

/// The archive: snapshots and records on any [`Store`].
#[derive(Debug, Clone)]
pub struct Archive {
    /// Shared, so a background writer (the server's audit queue) can hold the store too.
    pub(crate) store: std::sync::Arc<dyn Store>,
    /// Records already read (entries, approvals, revocations): records are create-only and
    /// never deleted, so a later read lists the keys and parses only the new ones. Shared by
    /// clones of the archive.
    pub(crate) read: Arc<std::sync::Mutex<ReadCache>>,
}

/// What an [`Archive`] has read so far.
#[derive(Debug, Default)]
pub(crate) struct ReadCache {
    pub(crate) entries: EntryCache,
    pub(crate) approvals: Keyed<crate::store::approvals::Approval>,
    pub(crate) revocations: Keyed<crate::store::approvals::Revocation>,
}

/// Records of one kind read so far, in key order.
#[derive(Debug)]
pub(crate) struct Keyed<T> {
    pub(crate) seen: HashSet<String>,
    pub(crate) items: Vec<(String, T)>,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed { seen: HashSet::new(), items: Vec::new() }
    }
}

pub(crate) fn object_key(hash: &str) -> String {
    let clean: String = hash.chars().filter(char::is_ascii_hexdigit).collect();
    format!("objects/sha256/{clean}")
}

/// `2025-11-25T12:00:00.123Z` → `20251125T120000123Z` (sortable, safe in keys).
pub(crate) fn key_time(t: &str) -> String {
    t.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

/// Reads a stored format name; one this version does not know is [`Format::Any`].
pub(super) fn lenient_format<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Format, D::Error> {
    let name = String::deserialize(d)?;
    Ok(Format::parse(&name).unwrap_or(Format::Any))
}
