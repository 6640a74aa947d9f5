//! Moving history between stores: [`copy`] (store to store), [`export`] / [`import`] (one
//! portable JSON Lines file) and [`verify`] (every object's hash, every record's JSON).
//!
//! Copies are idempotent and re-runnable: every write is create-only, keys that already exist
//! in the target are compared with the source instead of rewritten, and objects go before the
//! records that point at them, so an interrupted copy leaves a consistent prefix behind.

use super::{Entry, Store};
use crate::error::{Error, Result};
use crate::progress::{Progress, Silent};
use crate::spec::bundle::sha256_hex;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// Where objects live.
pub const OBJECTS: &str = "objects/sha256/";

/// Record folders, in the order a copy writes them (entries before the notes that name them).
pub const RECORD_KINDS: &[&str] = &["records/entries/", "records/notes/", "records/audit/", "records/alerts/", "records/usage/"];

/// What a copy or import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CopyReport {
    /// Objects in the source (all present in the target afterwards, with the same hash).
    pub objects: usize,
    /// Records in the source (likewise).
    pub records: usize,
    /// Keys written by this run.
    pub written: usize,
    /// Keys the target already held, identical to the source.
    pub already: usize,
}

/// Every key of a store: objects first, then records kind by kind.
pub fn all_keys(store: &dyn Store) -> Result<Vec<String>> {
    let mut keys = store.list(OBJECTS)?;
    for kind in RECORD_KINDS {
        keys.extend(store.list(kind)?);
    }
    Ok(keys)
}

fn is_object(key: &str) -> bool {
    key.starts_with(OBJECTS)
}

/// Checks bytes read under `key` before they travel: objects must hash to their name, records
/// must be JSON (entries must be entries).
fn check_bytes(key: &str, bytes: &[u8], from: &str) -> Result<()> {
    if is_object(key) {
        let want = &key[OBJECTS.len()..];
        let got = sha256_hex(bytes);
        if got != want {
            return Err(Error::store(format!("object {key} in {from} is damaged: its bytes hash to {got}")));
        }
    } else if key.starts_with(super::ENTRIES) {
        serde_json::from_slice::<Entry>(bytes).map_err(|e| Error::store(format!("record {key} in {from} is not a valid entry: {e}")))?;
    } else {
        serde_json::from_slice::<serde_json::Value>(bytes)
            .map_err(|e| Error::store(format!("record {key} in {from} is not valid JSON: {e}")))?;
    }
    Ok(())
}

/// Whether a stored path is relative and stays inside the repository (no `..`, no root, no
/// drive prefix, not empty).
fn inside_path(p: &str) -> bool {
    use std::path::{Component, Path};
    !p.is_empty() && !p.contains('\\') && Path::new(p).components().all(|c| matches!(c, Component::Normal(_)))
}

/// Writes one key to `to`; when it already exists there, checks it holds the same bytes.
fn put_checked(to: &dyn Store, key: &str, bytes: &[u8], report: &mut CopyReport) -> Result<()> {
    if to.put_new(key, bytes)? {
        report.written += 1;
    } else {
        report.already += 1;
    }
    let back = to.get(key)?.ok_or_else(|| Error::store(format!("{key} is missing from {} right after it was written", to.location())))?;
    if sha256_hex(&back) != sha256_hex(bytes) {
        return Err(Error::store(format!(
            "{key} differs between the source and {} (sha256 {} there, {} in the source); the stores hold conflicting histories",
            to.location(),
            sha256_hex(&back),
            sha256_hex(bytes)
        )));
    }
    if is_object(key) {
        report.objects += 1
    } else {
        report.records += 1
    }
    Ok(())
}

/// Copies every object and record from `from` to `to` (creating `to` if needed), then checks
/// the target lists every source key. Safe to re-run after an interruption.
pub fn copy(from: &dyn Store, to: &dyn Store) -> Result<CopyReport> {
    copy_with(from, to, &Silent)
}

/// [`copy`], telling `progress` about every key copied.
pub fn copy_with(from: &dyn Store, to: &dyn Store, progress: &dyn Progress) -> Result<CopyReport> {
    if !from.exists()? {
        return Err(Error::store(format!("no apidiff store at {} to copy from", from.location())));
    }
    if !to.exists()? {
        to.create()?;
    }
    let keys = all_keys(from)?;
    let mut report = CopyReport::default();
    progress.start("copying", keys.len() as u64);
    for key in &keys {
        let bytes = from.get(key)?.ok_or_else(|| Error::store(format!("{key} vanished from {} during the copy", from.location())))?;
        check_bytes(key, &bytes, &from.location())?;
        put_checked(to, key, &bytes, &mut report)?;
        progress.step(key);
    }
    progress.finish();
    let target: std::collections::BTreeSet<String> = all_keys(to)?.into_iter().collect();
    let missing: Vec<&String> = keys.iter().filter(|k| !target.contains(*k)).collect();
    if !missing.is_empty() {
        return Err(Error::store(format!("after the copy, {} lacks {} keys, e.g. {}", to.location(), missing.len(), missing[0])));
    }
    Ok(report)
}

/// One line of an export file.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportLine {
    /// The store key.
    pub key: String,
    /// sha256 of the bytes, hex.
    pub sha256: String,
    /// The bytes, base64.
    pub bytes: String,
}

/// Writes every key of `from` as JSON Lines (objects first); returns the counts.
pub fn export(from: &dyn Store, out: &mut dyn Write) -> Result<CopyReport> {
    let mut report = CopyReport::default();
    let io = |e: std::io::Error| Error::store(format!("cannot write the export: {e}"));
    for key in all_keys(from)? {
        let bytes = from.get(&key)?.ok_or_else(|| Error::store(format!("{key} vanished from {} during the export", from.location())))?;
        check_bytes(&key, &bytes, &from.location())?;
        let line = ExportLine { key: key.clone(), sha256: sha256_hex(&bytes), bytes: B64.encode(&bytes) };
        serde_json::to_writer(&mut *out, &line).map_err(|e| Error::store(format!("cannot write the export: {e}")))?;
        out.write_all(b"\n").map_err(io)?;
        if is_object(&key) {
            report.objects += 1
        } else {
            report.records += 1
        }
        report.written += 1;
    }
    out.flush().map_err(io)?;
    Ok(report)
}

/// Writes the records of `from` as a readable JSON Lines view (`{"kind", "key", "record"}`), for
/// compliance archives; objects are left out.
pub fn export_records(from: &dyn Store, out: &mut dyn Write) -> Result<CopyReport> {
    let mut report = CopyReport::default();
    for kind in RECORD_KINDS {
        for key in from.list(kind)? {
            let bytes = from.get(&key)?.ok_or_else(|| Error::store(format!("{key} vanished during the export")))?;
            let record: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| Error::store(format!("record {key} is not valid JSON: {e}")))?;
            let name = kind.trim_start_matches("records/").trim_end_matches('/');
            let line = serde_json::json!({"kind": name, "key": key, "record": record});
            let mut text = serde_json::to_string(&line).map_err(|e| Error::store(e.to_string()))?;
            text.push('\n');
            out.write_all(text.as_bytes()).map_err(|e| Error::store(format!("cannot write the export: {e}")))?;
            report.records += 1;
        }
    }
    Ok(report)
}

/// Reads an export file into `to` (creating it if needed). Every line's hash is checked before
/// anything is written; objects are written before records. `name` is the file, for messages.
pub fn import(input: &mut dyn BufRead, name: &str, to: &dyn Store) -> Result<CopyReport> {
    let mut items: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| Error::store(format!("{name}: cannot read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let at = |m: String| Error::store(format!("{name}:{}: {m}", i + 1));
        let l: ExportLine = serde_json::from_str(&line).map_err(|e| at(format!("expected {{\"key\", \"sha256\", \"bytes\"}}: {e}")))?;
        let bytes = B64.decode(l.bytes.as_bytes()).map_err(|e| at(format!("`bytes` is not base64: {e}")))?;
        if sha256_hex(&bytes) != l.sha256 {
            return Err(at(format!("{} does not match its sha256; the file is damaged", l.key)));
        }
        super::fs::check_key(&l.key).map_err(|e| at(e.to_string()))?;
        check_bytes(&l.key, &bytes, name).map_err(|e| at(e.to_string()))?;
        items.push((l.key, bytes));
    }
    let rank =
        |k: &str| if is_object(k) { 0 } else { 1 + RECORD_KINDS.iter().position(|p| k.starts_with(p)).unwrap_or(RECORD_KINDS.len()) };
    items.sort_by_key(|(k, _)| rank(k));
    if !to.exists()? {
        to.create()?;
    }
    let mut report = CopyReport::default();
    for (key, bytes) in &items {
        put_checked(to, key, bytes, &mut report)?;
    }
    Ok(report)
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// Objects whose bytes hash to their name.
    pub objects_ok: usize,
    /// Records that parse.
    pub records_ok: usize,
    /// Everything wrong, one line each.
    pub problems: Vec<String>,
}

/// Reads every object and record: objects must hash to their names, records must parse, and
/// every snapshot an entry names must be present.
pub fn verify(store: &dyn Store) -> Result<Health> {
    let mut h = Health::default();
    let objects: std::collections::BTreeSet<String> = store.list(OBJECTS)?.into_iter().collect();
    for key in all_keys(store)? {
        match store.get(&key)? {
            None => h.problems.push(format!("{key} is listed but cannot be read")),
            Some(bytes) => match check_bytes(&key, &bytes, &store.location()) {
                Err(e) => h.problems.push(e.to_string().trim_start_matches("store: ").to_string()),
                Ok(()) if is_object(&key) => {
                    h.objects_ok += 1;
                    if let Ok(b) = serde_json::from_slice::<crate::spec::bundle::Bundle>(&bytes) {
                        for p in std::iter::once(&b.entry).chain(b.files.keys()).filter(|p| !inside_path(p)) {
                            h.problems
                                .push(format!("snapshot {} holds the path `{p}`, which leaves the repository", &key[OBJECTS.len()..]));
                        }
                    }
                }
                Ok(()) => {
                    h.records_ok += 1;
                    if key.starts_with(super::ENTRIES)
                        && let Ok(e) = serde_json::from_slice::<Entry>(&bytes)
                    {
                        let named = key.strip_prefix(super::ENTRIES).and_then(|k| k.strip_suffix(".json")).unwrap_or("");
                        if named != e.id {
                            h.problems.push(format!("record {key} holds entry id `{}`, not `{named}`: it was edited or moved", e.id));
                        }
                        let derived = e.content_id();
                        if derived != e.id {
                            h.problems.push(format!(
                                "record {key}: entry {} does not match its content (module `{}`, spec `{}`, snapshots and deploy derive {derived}): it was edited after it was recorded",
                                e.id, e.module, e.spec
                            ));
                        }
                        if !inside_path(&e.spec) {
                            h.problems.push(format!("entry {} names the spec `{}`, which leaves the repository", e.id, e.spec));
                        }
                        for snap in [&e.snapshot, &e.previous].into_iter().flatten() {
                            if !objects.contains(&format!("{OBJECTS}{snap}")) {
                                h.problems.push(format!("entry {} names snapshot {snap}, which is missing", e.id));
                            }
                        }
                    }
                }
            },
        }
    }
    Ok(h)
}
