//! `summary`: one module at a glance — its owners, its latest archived specs and their changes,
//! its totals and open alerts, what it depends on, and which dependants its latest changes reach.
//! The CLI's `apidiff summary` and the server's `GET /summary` both answer with [`Summary`].

use crate::config::Config;
use crate::diff::Format;
use crate::error::{Error, Result};
use crate::impact::annotate::entities;
use crate::impact::graph::Graph;
use crate::report::ReportChange;
use crate::store::alerts;
use crate::store::{Ack, Archive, Counts, Entry, Risk};
use serde::Serialize;
use std::collections::BTreeMap;

/// A module's summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The module.
    pub module: String,
    /// Its declared owners.
    pub owners: Vec<String>,
    /// Who is assigned to its latest changes (owners, CODEOWNERS, owners of reached dependants).
    pub assigned: Vec<String>,
    /// How many entries the archive holds for it.
    pub entries: usize,
    /// When it last changed.
    pub last_change: Option<String>,
    /// Totals over all its entries.
    pub changes: Counts,
    /// Alerts its entries raised that nobody acknowledged.
    pub open_alerts: usize,
    /// Each spec's latest entry.
    pub specs: Vec<LatestSpec>,
    /// The modules it depends on.
    pub depends_on: Vec<String>,
    /// The modules that depend on it, and whether its latest changes reach them.
    pub dependants: Vec<Dependant>,
}

/// A spec's latest archived entry.
#[derive(Debug, Clone, Serialize)]
pub struct LatestSpec {
    /// The spec.
    pub spec: String,
    /// Its format.
    pub format: Format,
    /// The entry id.
    pub entry: String,
    /// The snapshot (`None`: the spec was removed).
    pub snapshot: Option<String>,
    /// When it was recorded.
    pub time: String,
    /// The deploy.
    pub deploy: Option<String>,
    /// Its risk.
    pub risk: Risk,
    /// Counts of its changes.
    pub counts: Counts,
    /// Its changes.
    pub changes: Vec<ReportChange>,
}

/// A module that depends on the summarised one.
#[derive(Debug, Clone, Serialize)]
pub struct Dependant {
    /// The dependant module.
    pub module: String,
    /// How it depends: `depends_on` (declared) or `entity` (a shared GraphQL `@key` type).
    pub via: &'static str,
    /// What it uses (empty: everything).
    pub uses: Vec<String>,
    /// Its owners.
    pub owners: Vec<String>,
    /// Whether the latest changes reach it.
    pub affected: bool,
    /// Fingerprints of the latest changes that reach it.
    pub changes: Vec<String>,
}

/// Summarises `module` from the archive. Federation links come from the latest archived GraphQL
/// snapshots. A module neither archived nor configured is [`Error::NotFound`].
pub fn summary(config: &Config, archive: &Archive, entries: &[Entry], acks: &[Ack], module: &str) -> Result<Summary> {
    let mine: Vec<&Entry> = entries.iter().filter(|e| e.module == module).collect();
    let declared = config.module(module);
    if mine.is_empty() && declared.is_none() {
        return Err(Error::NotFound(format!("module `{module}` has no archived history and is not in the configuration")));
    }
    let latest: Vec<&Entry> = Archive::latest(entries).into_iter().filter(|e| e.module == module).collect();
    let graph = Graph::new(config, &graphql_entities(archive, entries));
    let latest_changes: Vec<ReportChange> = latest.iter().flat_map(|e| e.changes.iter().map(ReportChange::from)).collect();
    let dependants = graph
        .dependants(module)
        .into_iter()
        .map(|l| {
            let reached: Vec<String> =
                latest_changes.iter().filter(|c| c.impact.iter().any(|x| x.module == l.dependant)).map(|c| c.fingerprint.clone()).collect();
            Dependant {
                module: l.dependant.clone(),
                via: l.via,
                uses: l.uses.clone(),
                owners: config.module(&l.dependant).map(|m| m.owners.clone()).unwrap_or_default(),
                affected: !reached.is_empty(),
                changes: reached,
            }
        })
        .collect();
    let mut assigned: Vec<String> = declared.map(|m| m.owners.clone()).unwrap_or_default();
    for e in &latest {
        crate::impact::annotate::push_unique(&mut assigned, e.owners.clone());
    }
    let ids: Vec<Entry> = mine.iter().map(|e| (*e).clone()).collect();
    Ok(Summary {
        module: module.to_string(),
        owners: declared.map(|m| m.owners.clone()).unwrap_or_default(),
        assigned,
        entries: mine.len(),
        last_change: mine.last().map(|e| e.time.clone()),
        changes: mine.iter().fold(Counts::default(), |mut n, e| {
            n.breaking += e.counts.breaking;
            n.warning += e.counts.warning;
            n.info += e.counts.info;
            n
        }),
        open_alerts: alerts::open(&ids, acks).len(),
        specs: latest
            .iter()
            .map(|e| LatestSpec {
                spec: e.spec.clone(),
                format: e.format,
                entry: e.id.clone(),
                snapshot: e.snapshot.clone(),
                time: e.time.clone(),
                deploy: e.deploy.clone(),
                risk: e.risk,
                counts: e.counts,
                changes: e.changes.iter().map(ReportChange::from).collect(),
            })
            .collect(),
        depends_on: declared.map(|m| m.depends_on.iter().map(|d| d.module().to_string()).collect()).unwrap_or_default(),
        dependants,
    })
}

/// The `@key` entity types of every module's latest archived GraphQL snapshots.
fn graphql_entities(archive: &Archive, entries: &[Entry]) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut files: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for e in Archive::latest(entries).into_iter().filter(|e| e.format == Format::GraphQl) {
        if let Some(b) = e.snapshot.as_deref().and_then(|h| archive.snapshot(h).ok()) {
            files.entry(e.module.clone()).or_default().extend(b.files);
        }
    }
    entities(files.iter().map(|(m, f)| (m.as_str(), f)))
}
