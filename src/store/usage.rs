//! Usage evidence as the archive holds it: aggregates, never raw requests. One ingest of one
//! evidence file (or one OTLP export) writes one create-only batch,
//! `records/usage/<batch id>.json`, whose id is derived from what was read (the evidence's
//! content hash and byte range), so reading the same file again writes nothing: ingest is
//! idempotent. Reading folds every batch into a [`UsageIndex`].

use super::archive::Store;
use crate::error::{Error, Located, Result};
use crate::usage::{DailyCount, UsageIndex};
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

/// Every batch, folded into one index.
pub fn load(store: &dyn Store) -> Result<UsageIndex> {
    let mut index = UsageIndex::new();
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
