//! Usage evidence as the archive holds it: aggregates, never raw requests. One ingest of one
//! evidence file (or one OTLP export) writes one create-only batch,
//! `records/usage/<batch id>.json`, whose id is derived from what was read (the evidence's
//! content hash and byte range), so reading the same file again writes nothing: ingest is
//! idempotent. Reading folds every batch into a [`UsageIndex`].

use super::archive::Store;
use crate::error::{Error, Located, Result};
use crate::usage::{DailyCount, Undocumented, UsageIndex, ValueStats};
use serde::{Deserialize, Serialize};

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
    if batch.id.is_empty() || !batch.id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Internal(format!("usage batch id is not hex: {:?}", batch.id)));
    }
    let bytes = serde_json::to_vec(batch).map_err(|e| Error::Internal(format!("usage batch: {e}")))?;
    store.put_new(&format!("{USAGE}{}.json", batch.id), &bytes)
}

/// Every batch, folded into one index; a client a privacy erasure names reads back as
/// `[erased]`.
pub fn load(store: &dyn Store) -> Result<UsageIndex> {
    let mut index = UsageIndex::new();
    for batch in batches(store)? {
        for c in &batch.counts {
            index.add(c);
        }
        for (module, day, client, n) in &batch.unmatched {
            index.add_module_requests(module, day, client, *n);
        }
        for v in &batch.values {
            index.add_values(v);
        }
        for r in &batch.responses {
            index.add_response(r);
        }
    }
    Ok(index)
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
            for u in &mut batch.unmatched {
                if tombstones.erased(&u.2) {
                    u.2 = super::privacy::ERASED.to_string();
                }
            }
        }
        out.push(batch);
    }
    Ok(out)
}

/// The erasures of the store as tombstones (none without a salt).
fn tombstones(store: &dyn Store) -> Result<super::privacy::Tombstones> {
    let erasures: Vec<super::privacy::Erasure> =
        store.get_all("records/erasures/")?.into_iter().filter_map(|(_, b)| serde_json::from_slice(&b).ok()).collect();
    if erasures.is_empty() {
        return Ok(super::privacy::Tombstones::default());
    }
    let salt = store
        .get(super::privacy::SALT_KEY)?
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("salt").and_then(|s| s.as_str()).map(str::to_string))
        .ok_or_else(|| Error::store("erasures exist but the store has no pseudonym salt"))?;
    Ok(super::privacy::Tombstones::new(&salt, &erasures))
}
