//! Usage evidence as the archive holds it: aggregates, never raw requests. One ingest of one
//! evidence file (or one OTLP export) writes one create-only batch,
//! `records/usage/<batch id>.json`, whose id is derived from what was read (the evidence's
//! content hash and byte range), so reading the same file again writes nothing: ingest is
//! idempotent. Reading folds every batch into a [`UsageIndex`].

use super::archive::Store;
use crate::error::{Error, Located, Result};
use crate::usage::samples::ResponseShape;
use crate::usage::{DailyCount, Element, ElementRef, Undocumented, UsageIndex, ValueStats};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The version of the usage batches this build writes.
pub const USAGE_VERSION: u32 = 1;

/// Where usage batches live.
pub const USAGE: &str = "records/usage/";

/// The counts one ingest produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageBatch {
    /// [`USAGE_VERSION`] when written.
    pub version: u32,
    /// Batch id: lower-case hex, derived from the evidence read (see the module docs).
    pub id: String,
    /// When it was ingested (RFC 3339, UTC).
    pub time: String,
    /// What kind of evidence (`nginx`, `otlp`, `har`, …), for `usage show`.
    pub evidence: String,
    /// The counts (several rows may share a key; readers add them).
    pub counts: Vec<DailyCount>,
    /// Requests of each module that matched no element, as `(module, day, client, requests)`:
    /// they still count as evidence that the module is observed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<(String, String, String, u64)>,
    /// Requests of each module that matched an element, as `(module, day, client, requests)`,
    /// each request once however many elements (operation, parameters, properties) it used.
    /// With it, the module's requests are these plus `unmatched`; batches written before it
    /// (`None`) count their operation, field and RPC rows instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_requests: Option<Vec<(String, String, String, u64)>>,
    /// Values observed for parameters and request properties (bounded statistics, never raw
    /// requests), which tightened constraints are tested against.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<crate::usage::ValueCount>,
    /// Shapes of sampled response bodies (pointers and types, never values), which payload
    /// conformance compares with the description.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<crate::usage::samples::ResponseShape>,
    /// What of the evidence this batch read, so a log that grew is read on from `end` and a
    /// file read before is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<EvidenceRange>,
    /// Undocumented endpoints seen (drift), most requests first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undocumented: Vec<Undocumented>,
    /// Digests of the values sent for parameters and request properties, as ingest keeps them
    /// (lengths, numeric range, salted hashes: no values).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_digests: Vec<ValueStats>,
}

/// The bytes of an evidence file one batch read: `start..end`, with the SHA-256 of the file's
/// bytes `0..start` and `0..end` (lower-case hex). Nothing else about the file (not its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRange {
    /// First byte read.
    pub start: u64,
    /// One past the last byte read (the end of the last complete line).
    pub end: u64,
    /// SHA-256 of bytes `0..start`.
    pub start_sha256: String,
    /// SHA-256 of bytes `0..end`.
    pub end_sha256: String,
}

/// The id of the batch that reads `range`: derived from the bytes read and where they sit.
pub fn batch_id(range: &EvidenceRange) -> String {
    crate::spec::bundle::sha256_hex(format!("usage-batch\0{}\0{}\0{}", range.end_sha256, range.start, range.end).as_bytes())
}

/// The evidence ranges every stored batch read (for the next ingest to go on from).
pub fn ranges(store: &dyn Store) -> Result<Vec<EvidenceRange>> {
    #[derive(Deserialize)]
    struct Only {
        #[serde(default)]
        source: Option<EvidenceRange>,
    }
    let mut out = Vec::new();
    for (key, bytes) in store.get_all(USAGE)? {
        let only: Only = serde_json::from_slice(&bytes).map_err(|e| Error::store(format!("usage batch {key} is damaged: {e}")))?;
        out.extend(only.source);
    }
    Ok(out)
}

/// Writes a batch unless one with its id exists: `true` when written, `false` when this
/// evidence was already ingested.
pub fn save_batch(store: &dyn Store, batch: &UsageBatch) -> Result<bool> {
    write_batch(
        store,
        &BatchOut {
            version: batch.version,
            id: &batch.id,
            time: &batch.time,
            evidence: &batch.evidence,
            counts: &batch.counts,
            unmatched: (!batch.unmatched.is_empty()).then_some(&batch.unmatched),
            module_requests: batch.module_requests.as_ref(),
            values: &batch.values,
            responses: &batch.responses,
            source: batch.source.as_ref(),
            undocumented: &batch.undocumented,
            value_digests: &batch.value_digests,
        },
    )
}

/// A batch as written: [`UsageBatch`]'s fields, with its counts and per-module rows given as
/// anything that serialises as their lists, so a large ingest writes them from its own compact
/// form instead of first building a second copy of every count (a million-line log makes a
/// quarter of a million counts).
#[derive(Serialize)]
pub struct BatchOut<'a, C: Serialize, R: Serialize> {
    /// [`UsageBatch::version`].
    pub version: u32,
    /// [`UsageBatch::id`].
    pub id: &'a str,
    /// [`UsageBatch::time`].
    pub time: &'a str,
    /// [`UsageBatch::evidence`].
    pub evidence: &'a str,
    /// [`UsageBatch::counts`], as a list of [`DailyCount`]s.
    pub counts: C,
    /// [`UsageBatch::unmatched`] (`None`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmatched: Option<R>,
    /// [`UsageBatch::values`].
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub values: &'a [crate::usage::ValueCount],
    /// [`UsageBatch::responses`].
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub responses: &'a [crate::usage::samples::ResponseShape],
    /// [`UsageBatch::source`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a EvidenceRange>,
    /// [`UsageBatch::undocumented`].
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub undocumented: &'a [Undocumented],
    /// [`UsageBatch::value_digests`].
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub value_digests: &'a [ValueStats],
    /// [`UsageBatch::module_requests`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_requests: Option<R>,
}

/// Counts the bytes written to it (the size of a batch before it is serialised for real).
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes a batch (see [`BatchOut`]) unless one with its id exists: `true` when written. The
/// JSON is measured first and written into a buffer of exactly its size (a growing buffer
/// would hold up to twice the batch at its last doubling).
pub fn write_batch<C: Serialize, R: Serialize>(store: &dyn Store, batch: &BatchOut<'_, C, R>) -> Result<bool> {
    if batch.id.is_empty() || !batch.id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Internal(format!("usage batch id is not hex: {:?}", batch.id)));
    }
    let err = |e: serde_json::Error| Error::Internal(format!("usage batch: {e}"));
    let mut size = Counter(0);
    serde_json::to_writer(&mut size, batch).map_err(err)?;
    let mut bytes = Vec::with_capacity(size.0);
    serde_json::to_writer(&mut bytes, batch).map_err(err)?;
    store.put_new(&format!("{USAGE}{}.json", batch.id), &bytes)
}

/// Every batch, folded into one index; a client a privacy erasure names reads back as
/// `[erased]`. Counts are read borrowed from the batch's bytes (see [`CountRef`]): strings
/// are copied only for keys the index does not have yet, and each distinct element of a batch
/// is built once.
pub fn load(store: &dyn Store) -> Result<UsageIndex> {
    let tombstones = tombstones(store)?;
    let mut index = UsageIndex::new();
    for (key, bytes) in store.get_all(USAGE)? {
        let damaged = |why: String| Error::Input(Located::file(key.clone(), format!("usage batch: {why}")));
        let text = std::str::from_utf8(&bytes).map_err(|e| damaged(e.to_string()))?;
        let batch: BatchRef<'_> = serde_json::from_str(text).map_err(|e| {
            Error::Input(Located::new(key.clone(), Some(e.line() as u32), Some(e.column() as u32), format!("usage batch: {e}")))
        })?;
        if batch.version > USAGE_VERSION {
            return Err(Error::Input(Located::file(
                key.clone(),
                format!("usage batch version {} is newer than this apidiff reads (up to {USAGE_VERSION})", batch.version),
            )));
        }
        let client = |c: &'_ str| -> String {
            if !tombstones.is_empty() && tombstones.erased(c) { super::privacy::ERASED.to_string() } else { c.to_string() }
        };
        let whole_requests = batch.module_requests.is_some();
        // Counts come sorted by module and element: each run of one element is added at once,
        // its element built once and looked up once.
        for run in batch.counts.chunk_by(|a, b| a.module == b.module && a.element == b.element) {
            let first = &run[0];
            let element = first.element.clone().into_element().map_err(&damaged)?;
            let who: Vec<Cow<'_, str>> = run
                .iter()
                .map(|c| if tombstones.is_empty() { Cow::Borrowed(c.client.as_ref()) } else { Cow::Owned(client(&c.client)) })
                .collect();
            let rows = || run.iter().zip(&who);
            index.add_counts(&first.module, &element, rows().map(|(c, w)| (w.as_ref(), c.day.as_ref(), c.requests, c.last_seen.as_ref())));
            // Batches from before `module_requests` count their whole requests' rows.
            if !whole_requests && matches!(element, Element::Operation { .. } | Element::Field { .. } | Element::Rpc { .. }) {
                index.add_module_rows(&first.module, rows().map(|(c, w)| (c.day.as_ref(), w.as_ref(), c.requests)));
            }
        }
        for (module, day, who, n) in batch.unmatched.iter().chain(batch.module_requests.iter().flatten()) {
            index.add_module_requests(module, day, &client(who), *n);
        }
        for v in &batch.values {
            index.add_values(v);
        }
        for r in &batch.responses {
            index.add_response(r);
        }
        if !batch.value_digests.is_empty() {
            let day = batch.counts.iter().map(|c| c.day.as_ref()).max().unwrap_or_else(|| batch.time.get(..10).unwrap_or(""));
            for d in &batch.value_digests {
                index.add_digest(day, d);
            }
        }
    }
    Ok(index)
}

/// A batch as [`load`] reads it: the counts borrowed, the rest as stored.
#[derive(Deserialize)]
struct BatchRef<'a> {
    version: u32,
    #[serde(default)]
    time: String,
    #[serde(borrow)]
    counts: Vec<CountRef<'a>>,
    #[serde(default)]
    unmatched: Vec<(String, String, String, u64)>,
    #[serde(default)]
    module_requests: Option<Vec<(String, String, String, u64)>>,
    #[serde(default)]
    values: Vec<crate::usage::ValueCount>,
    #[serde(default)]
    responses: Vec<crate::usage::samples::ResponseShape>,
    #[serde(default)]
    value_digests: Vec<ValueStats>,
}

/// A [`DailyCount`] borrowed from the batch's JSON (owned only where the JSON escapes).
#[derive(Deserialize)]
struct CountRef<'a> {
    #[serde(borrow)]
    module: Cow<'a, str>,
    #[serde(borrow)]
    element: ElementRef<'a>,
    #[serde(borrow)]
    client: Cow<'a, str>,
    #[serde(borrow)]
    day: Cow<'a, str>,
    requests: u64,
    #[serde(borrow)]
    last_seen: Cow<'a, str>,
}

/// Every batch as stored, with the privacy erasures applied to their clients.
pub fn batches(store: &dyn Store) -> Result<Vec<UsageBatch>> {
    let tombstones = tombstones(store)?;
    let mut out = Vec::new();
    for (key, bytes) in store.get_all(USAGE)? {
        let batch: UsageBatch = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Input(Located::new(key.clone(), Some(e.line() as u32), Some(e.column() as u32), format!("usage batch: {e}")))
        })?;
        if batch.version > USAGE_VERSION {
            return Err(Error::Input(Located::file(
                key,
                format!("usage batch version {} is newer than this apidiff reads (up to {USAGE_VERSION})", batch.version),
            )));
        }
        let mut batch = batch;
        if !tombstones.is_empty() {
            for c in &mut batch.counts {
                if tombstones.erased(&c.client) {
                    c.client = super::privacy::ERASED.to_string();
                }
            }
            for u in batch.unmatched.iter_mut().chain(batch.module_requests.iter_mut().flatten()) {
                if tombstones.erased(&u.2) {
                    u.2 = super::privacy::ERASED.to_string();
                }
            }
        }
        out.push(batch);
    }
    Ok(out)
}

/// The sampled response shapes of every batch, by batch key: `cache` is brought up to date
/// with the store (batches are create-only and named by their content, so a batch already in
/// it is never read again; keys gone from the store are dropped). Each new batch is read alone
/// (memory is bounded by the largest batch, not the store) with its counts skipped, not built.
pub fn responses_into(store: &dyn Store, cache: &mut BTreeMap<String, Vec<ResponseShape>>) -> Result<()> {
    #[derive(Deserialize)]
    struct Only {
        #[serde(default)]
        responses: Vec<ResponseShape>,
    }
    let keys = store.list(USAGE)?;
    cache.retain(|k, _| keys.binary_search(k).is_ok());
    for key in keys {
        if cache.contains_key(&key) {
            continue;
        }
        let Some(bytes) = store.get(&key)? else { continue };
        let only: Only = serde_json::from_slice(&bytes).map_err(|e| Error::store(format!("usage batch {key} is damaged: {e}")))?;
        cache.insert(key, only.responses);
    }
    Ok(())
}

/// The store's pseudonym salt, when it has one (value digests hash values with it).
pub fn salt(store: &dyn Store) -> Result<Option<String>> {
    Ok(store
        .get(super::privacy::SALT_KEY)?
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("salt").and_then(|s| s.as_str()).map(str::to_string)))
}

/// The erasures of the store as tombstones (none without a salt).
fn tombstones(store: &dyn Store) -> Result<super::privacy::Tombstones> {
    let erasures: Vec<super::privacy::Erasure> =
        store.get_all("records/erasures/")?.into_iter().filter_map(|(_, b)| serde_json::from_slice(&b).ok()).collect();
    if erasures.is_empty() {
        return Ok(super::privacy::Tombstones::default());
    }
    let salt = salt(store)?.ok_or_else(|| Error::store("erasures exist but the store has no pseudonym salt"))?;
    Ok(super::privacy::Tombstones::new(&salt, &erasures))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(id: &str, path: &str) -> UsageBatch {
        UsageBatch {
            version: USAGE_VERSION,
            id: id.into(),
            time: "2026-12-06T10:00:00Z".into(),
            evidence: "har".into(),
            counts: Vec::new(),
            unmatched: Vec::new(),
            module_requests: None,
            values: Vec::new(),
            responses: vec![ResponseShape {
                module: "pets".into(),
                method: "GET".into(),
                path: path.into(),
                status: "200".into(),
                day: "2026-12-06".into(),
                samples: 1,
                properties: [("/id".to_string(), "integer".to_string())].into(),
            }],
            source: None,
            undocumented: Vec::new(),
            value_digests: Vec::new(),
        }
    }

    /// A batch already in the cache is not read again (its bytes may even be unreadable now);
    /// a new batch is read; a batch gone from the store leaves the cache.
    #[test]
    fn response_shapes_are_read_once_per_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::open(".apidiff", dir.path()).unwrap();
        store.create().unwrap();
        assert!(save_batch(store.as_ref(), &batch("aa", "/pets")).unwrap());
        let mut cache = BTreeMap::new();
        responses_into(store.as_ref(), &mut cache).unwrap();
        assert_eq!(cache.values().flatten().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["/pets"]);
        let first = dir.path().join(".apidiff").join(USAGE).join("aa.json");
        std::fs::write(&first, b"not json").unwrap();
        assert!(save_batch(store.as_ref(), &batch("bb", "/pets/{id}")).unwrap());
        responses_into(store.as_ref(), &mut cache).unwrap();
        assert_eq!(cache.values().flatten().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["/pets", "/pets/{id}"]);
        // A fresh cache reads the damaged batch and says so.
        assert!(responses_into(store.as_ref(), &mut BTreeMap::new()).is_err());
        std::fs::remove_file(&first).unwrap();
        responses_into(store.as_ref(), &mut cache).unwrap();
        assert_eq!(cache.values().flatten().map(|r| r.path.as_str()).collect::<Vec<_>>(), ["/pets/{id}"]);
    }
}
