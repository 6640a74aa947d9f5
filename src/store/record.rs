//! The one place stored entries are made: [`EntryFacts`] (when, which deploy, who, which run)
//! plus a builder for the rest, so every writer fills all sixteen fields the same way.

use super::{Counts, Entry, Risk, Source};
use crate::diff::{Change, Severity};
use crate::report::ReportChange;

/// What every entry one run writes shares.
#[derive(Debug, Clone, Default)]
pub struct EntryFacts {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The deploy id.
    pub deploy: Option<String>,
    /// Who made the change.
    pub author: Option<String>,
    /// Its message.
    pub message: Option<String>,
    /// The run id.
    pub run: String,
}

/// Builds an [`Entry`]; its id is derived from the facts when it is finished.
#[derive(Debug)]
pub struct EntryBuilder {
    entry: Entry,
}

impl Entry {
    /// Starts an entry for a spec of a module, of a format.
    pub fn build(module: &str, spec: &str, format: crate::diff::Format, facts: &EntryFacts) -> EntryBuilder {
        EntryBuilder {
            entry: Entry {
                version: super::stored::RECORD_VERSION,
                id: String::new(),
                time: facts.time.clone(),
                module: module.to_string(),
                spec: spec.to_string(),
                format,
                snapshot: None,
                previous: None,
                deploy: facts.deploy.clone(),
                author: facts.author.clone(),
                message: facts.message.clone(),
                risk: Risk::Low,
                counts: Counts::default(),
                changes: Vec::new(),
                dependants: Vec::new(),
                owners: Vec::new(),
                run: facts.run.clone(),
                source: Some(if crate::source::live::is_live(spec) {
                    Source::Live { locator: crate::source::http::redact(spec), fetched: facts.time.clone() }
                } else {
                    Source::File
                }),
            },
        }
    }
}

impl EntryBuilder {
    /// The new snapshot (`None`: the spec was removed) and the one it replaces.
    pub fn snapshot(mut self, snapshot: Option<String>, previous: Option<String>) -> Self {
        self.entry.snapshot = snapshot;
        self.entry.previous = previous;
        self
    }

    /// The changes, converted to the archive's record type; the counts follow from them.
    pub fn changes(mut self, changes: Vec<ReportChange>) -> Self {
        self.entry.counts = Counts::tally(changes.iter().map(|c| c.severity));
        self.entry.changes = changes.iter().map(super::stored::StoredChange::from).collect();
        self
    }

    /// The dependant modules the changes reach.
    pub fn dependants(mut self, dependants: Vec<String>) -> Self {
        self.entry.dependants = dependants;
        self
    }

    /// The risk.
    pub fn risk(mut self, risk: Risk) -> Self {
        self.entry.risk = risk;
        self
    }

    /// Who is assigned.
    pub fn owners(mut self, owners: Vec<String>) -> Self {
        self.entry.owners = owners;
        self
    }

    /// The entry, with its id.
    pub fn finish(mut self) -> Entry {
        let e = &self.entry;
        self.entry.id = Entry::derive_id(&e.module, &e.spec, e.snapshot.as_deref(), e.previous.as_deref(), e.deploy.as_deref());
        self.entry
    }
}

impl Counts {
    /// Counts of changes by severity.
    pub fn of(changes: &[Change]) -> Counts {
        Counts::tally(changes.iter().map(|c| c.severity))
    }

    /// Counts of severities, in one pass.
    pub fn tally(severities: impl IntoIterator<Item = Severity>) -> Counts {
        let mut counts = Counts::default();
        for s in severities {
            match s {
                Severity::Breaking => counts.breaking += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        counts
    }
}
