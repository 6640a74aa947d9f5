//! What several processes on one shared store need from it: a page of the history answered by
//! the backend's index ([`PageQuery`]), notifications of writes ([`Listener`]) so per-process
//! caches stay fresh without polling, and claims (`Store::claim`) so one alert is sent once
//! however many processes see its trigger. Backends without these answer `None` / `false` /
//! "claimed", and the callers fall back to what one process does alone.

pub use super::page::{Listener, PageQuery, Rows, Verdict};
use super::{Archive, Entry, Note};
use crate::error::Result;
use std::time::Duration;

impl PageQuery {
    /// Whether an entry passes the filters (the cursor aside).
    pub fn keeps(&self, e: &Entry) -> bool {
        self.module.as_ref().is_none_or(|m| &e.module == m)
            && self.verdict.is_none_or(|v| e.verdict() == v)
            && self.since.as_ref().is_none_or(|s| e.time.as_str() >= s.as_str())
            && self.until.as_ref().is_none_or(|u| e.time.as_str() <= u.as_str())
    }

    /// The page out of every entry (oldest first, as [`Archive::entries`] returns them): what a
    /// backend without an index answers, by the same rules.
    pub fn page<'a>(&self, all: &'a [Entry]) -> Vec<&'a Entry> {
        let end = match &self.before {
            Some((t, id)) => all.partition_point(|e| (e.time.as_str(), e.id.as_str()) < (t.as_str(), id.as_str())),
            None => all.len(),
        };
        all[..end].iter().rev().filter(|e| self.keeps(e)).take(self.limit).collect()
    }
}

/// How long a claim on an alert protects it while its holder delivers it; a holder that dies
/// leaves it to the next claimant after this long.
pub const CLAIM_TTL: Duration = Duration::from_secs(300);

impl Archive {
    /// One page of the history through the backend's index, with erasures applied; `None` when
    /// the backend has none (the caller pages [`Archive::entries`] with [`PageQuery::page`]).
    pub fn history_page(&self, q: &PageQuery) -> Result<Option<Vec<Entry>>> {
        let Some(rows) = self.store.history_page(q)? else { return Ok(None) };
        let mut out = Vec::with_capacity(rows.len());
        for (key, bytes) in rows {
            out.push(self.decode_entry(&key, &bytes)?);
        }
        let t = self.tombstones()?;
        if !t.is_empty() {
            out.iter_mut().for_each(|e| e.erase(&t));
        }
        Ok(Some(out))
    }

    /// The notes on these entries, oldest first, with erasures applied.
    pub fn notes_on(&self, entries: &[String]) -> Result<Vec<Note>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let mut out: Vec<Note> = match self.store.notes_for(entries)? {
            Some(rows) => {
                let mut v = Vec::with_capacity(rows.len());
                for (key, bytes) in rows {
                    v.push(
                        serde_json::from_slice(&bytes)
                            .map_err(|e| crate::Error::store(format!("record {key} in {} is damaged: {e}", self.store.location())))?,
                    );
                }
                v
            }
            None => self.read_all("records/notes/")?,
        };
        out.retain(|n: &Note| entries.contains(&n.entry));
        out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        let t = self.tombstones()?;
        out.iter_mut().for_each(|n| t.apply(&mut n.author));
        Ok(out)
    }

    /// Asks the backend to tell `listener` about every write, by any process; `false` when it
    /// cannot (the caller re-reads on a timer instead).
    pub fn subscribe(&self, listener: std::sync::Arc<dyn Listener>) -> Result<bool> {
        self.store.subscribe(listener)
    }

    /// Appends several audit events at once (one round trip where the backend can).
    pub fn audit_many(&self, events: &[super::AuditEvent]) -> Result<()> {
        let items: Vec<(String, Vec<u8>)> =
            events.iter().map(|ev| (format!("records/audit/{}-{}.json", super::key_time(&ev.time), ev.id), super::to_json(ev))).collect();
        self.store.put_batch(&items)
    }
}
