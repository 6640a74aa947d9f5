//! What several processes on one shared store need from it: a page of the history answered by
//! the backend's index ([`PageQuery`]), notifications of writes ([`Listener`]) so per-process
//! caches stay fresh without polling, and claims ([`Store::claim`]) so one alert is sent once
//! however many processes see its trigger. Backends without these answer `None` / `false` /
//! "claimed", and the callers fall back to what one process does alone.

use super::{Archive, Entry, Note, Store};
use crate::error::Result;
use std::time::Duration;

/// Records read back: each key with its bytes.
pub type Rows = Vec<(String, Vec<u8>)>;

/// The worst verdict of an entry, as the history filters by it: `breaking` (a breaking change,
/// or the spec was removed), `warning`, `info` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// A breaking change, or the spec was removed.
    Breaking,
    /// Warnings, no breaking change.
    Warning,
    /// Only informational changes.
    Info,
    /// No change.
    None,
}

impl Verdict {
    /// Every verdict, worst first.
    pub const ALL: [Verdict; 4] = [Verdict::Breaking, Verdict::Warning, Verdict::Info, Verdict::None];

    /// The verdict of an entry.
    pub fn of(e: &Entry) -> Verdict {
        if e.snapshot.is_none() || e.counts.breaking > 0 {
            Verdict::Breaking
        } else if e.counts.warning > 0 {
            Verdict::Warning
        } else if e.counts.info > 0 {
            Verdict::Info
        } else {
            Verdict::None
        }
    }

    /// Its name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Breaking => "breaking",
            Verdict::Warning => "warning",
            Verdict::Info => "info",
            Verdict::None => "none",
        }
    }

    /// The verdict a name gives, if any.
    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One page of the history, newest first: entries matching every filter given, strictly before
/// the cursor `(time, id)` when there is one, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageQuery {
    /// Only this module.
    pub module: Option<String>,
    /// Only entries with this verdict.
    pub verdict: Option<Verdict>,
    /// Recorded at or after this time (RFC 3339, compared as text like every store does).
    pub since: Option<String>,
    /// Recorded at or before this time.
    pub until: Option<String>,
    /// Strictly older than this `(time, id)`: the last entry of the previous page.
    pub before: Option<(String, String)>,
    /// At most this many.
    pub limit: usize,
}

impl PageQuery {
    /// Whether an entry passes the filters (the cursor aside).
    pub fn keeps(&self, e: &Entry) -> bool {
        self.module.as_ref().is_none_or(|m| &e.module == m)
            && self.verdict.is_none_or(|v| Verdict::of(e) == v)
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

/// Told about writes to the store by any process (see [`Store::subscribe`]).
pub trait Listener: Send + Sync {
    /// A record was written under `key`; `None` when writes may have been missed (the
    /// notification channel was lost and re-established), so everything may have changed.
    fn changed(&self, key: Option<&str>);
    /// Whether it still wants to hear (the backend stops listening once it does not).
    fn open(&self) -> bool;
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
            out.iter_mut().for_each(|e| t.apply(&mut e.author));
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

/// Writes every item create-only, one by one (what [`Store::put_batch`] does by default).
pub fn put_each<S: Store + ?Sized>(store: &S, items: &[(String, Vec<u8>)]) -> Result<()> {
    for (k, v) in items {
        store.put_new(k, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_round_trip_by_name() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::parse("fatal"), None);
    }
}
