//! The step between diffing and telling people, shared by `apidiff check` and `apidiff serve`:
//! fills each change's cross-module impact and the client operations it reaches, and works out
//! who owns what (module owners and CODEOWNERS). Telling them is [`crate::notify`]'s.

use super::graph::Graph;
use super::operations::{self, Clients};
use super::owners::CodeOwners;
use crate::config::Config;
use crate::diff::{Change, Format};
use crate::policy::FailOn;
use crate::report::{ClientUse, Report, ReportChange};
use crate::spec::bundle::Tree;
use crate::store::Archive;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where the old version of a compared spec comes from (for the client operations check).
#[derive(Debug, Clone, Copy)]
pub enum Base<'a> {
    /// No old version (a new spec).
    None,
    /// An archived snapshot, by hash.
    Snapshot(&'a str),
    /// A tree (a git revision) holding the spec at the same path.
    Tree(&'a Tree),
}

/// One spec as the notify step sees it: its module, path, format and current files.
#[derive(Debug, Clone, Copy)]
pub struct Compared<'a> {
    /// The module.
    pub module: &'a str,
    /// The spec's entry path.
    pub path: &'a str,
    /// Its format.
    pub format: Format,
    /// Its files (path to text), the entry file included.
    pub files: &'a BTreeMap<String, String>,
    /// Its old version.
    pub base: Base<'a>,
}

/// What the step learnt about owners.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    /// Owners of each module (module owners, CODEOWNERS of its specs).
    pub owners: BTreeMap<String, Vec<String>>,
    assignees: BTreeMap<String, Vec<String>>,
}

impl Owners {
    /// Who is assigned to a module's changes: its owners and those of the dependants reached.
    pub fn assignees(&self, module: &str) -> Vec<String> {
        self.assignees.get(module).cloned().unwrap_or_default()
    }
}

/// A change as the report has it (with impact and clients), else freshly converted.
pub fn report_change(report: &Report, c: &Change, module: &str, fail_on: FailOn) -> ReportChange {
    report
        .changes
        .iter()
        .find(|r| r.fingerprint == c.fingerprint && r.module.as_deref() == Some(module))
        .cloned()
        .unwrap_or_else(|| ReportChange::new(c, Some(module), fail_on))
}

/// Appends the items not in `v` yet.
pub fn push_unique(v: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for i in items {
        if !v.contains(&i) {
            v.push(i);
        }
    }
}

/// `@key` entity types of every GraphQL module, from the given (module, files) pairs.
pub fn entities<'a>(files: impl Iterator<Item = (&'a str, &'a BTreeMap<String, String>)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, files) in files {
        for text in files.values() {
            out.entry(module.to_string()).or_default().extend(operations::key_entities(text));
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

/// Fills each change's impact (from the config's dependencies and the `@key` entities of the
/// GraphQL specs in `specs`) and, when a GraphQL spec changed, the repository's client
/// operations it reaches; returns the owners. `specs` holds every spec the run knows (those
/// without changes too: they contribute federation entities).
/// `clients` lists the files that may hold client operations (from discovery's walk); `None`
/// walks the repository once, the same way, when a GraphQL spec changed.
pub fn annotate(
    root: &Path,
    config: &Config,
    archive: &Archive,
    specs: &[Compared<'_>],
    clients: Option<&[String]>,
    report: &mut Report,
) -> Owners {
    let codeowners = CodeOwners::load(root);
    let changed: BTreeSet<&str> = report.changes.iter().filter_map(|c| c.module.as_deref()).collect();
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &config.modules {
        owners.insert(m.name.clone(), m.owners.clone());
    }
    for c in specs {
        if changed.contains(c.module) || !codeowners.is_empty() {
            let o = owners.entry(c.module.to_string()).or_default();
            push_unique(o, codeowners.owners(c.path));
        }
    }
    let graphql: Vec<&Compared<'_>> = specs.iter().filter(|c| c.format == Format::GraphQl).collect();
    let graph = Graph::new(config, &entities(graphql.iter().map(|c| (c.module, c.files))));
    for ch in report.changes.iter_mut() {
        let module = ch.module.clone().unwrap_or_default();
        ch.impact = graph.impact(&module, ch, config);
        for i in ch.impact.iter_mut() {
            push_unique(&mut i.owners, owners.get(&i.module).cloned().unwrap_or_default());
        }
    }

    // Client operations, only when a GraphQL spec changed.
    let changed_graphql: Vec<&&Compared<'_>> =
        graphql.iter().filter(|c| report.changes.iter().any(|r| r.module.as_deref() == Some(c.module) && touches_spec(r, c))).collect();
    if !changed_graphql.is_empty() {
        let walked;
        let files = match clients {
            Some(f) => f,
            None => {
                walked = crate::discover::discover(root, config).map(|d| d.clients).unwrap_or_default();
                &walked
            }
        };
        let clients = Clients::collect(root, files);
        if !clients.is_empty() {
            for c in changed_graphql {
                let rev: Vec<(String, String)> = c.files.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                let base: Option<Vec<(String, String)>> = match c.base {
                    Base::Tree(tree) => tree.open(c.path).ok().map(|i| vec![(c.path.to_string(), i.text)]),
                    Base::Snapshot(snap) => archive.snapshot(snap).ok().map(|b| b.files.into_iter().collect()),
                    Base::None => None,
                };
                let results = clients.check(base.as_deref(), &rev);
                for ch in report.changes.iter_mut().filter(|r| r.module.as_deref() == Some(c.module) && r.format == Format::GraphQl) {
                    let pointers: Vec<&str> =
                        [&ch.base, &ch.revision].iter().filter_map(|l| l.as_ref().map(|l| l.pointer.as_str())).collect();
                    let uses: Vec<ClientUse> = results
                        .iter()
                        .filter(|r| pointers.iter().any(|p| r.used.touches(p)))
                        .map(|r| ClientUse {
                            file: r.op.file.clone(),
                            line: r.op.line,
                            operation: r.op.name.clone(),
                            broken: r.broken.is_some(),
                            error: r.broken.clone(),
                        })
                        .collect();
                    ch.clients = Some(uses);
                }
            }
        }
    }

    let mut assignees = owners.clone();
    for ch in &report.changes {
        let module = ch.module.clone().unwrap_or_default();
        for i in &ch.impact {
            push_unique(assignees.entry(module.clone()).or_default(), i.owners.clone());
        }
    }
    Owners { owners, assignees }
}

/// Whether a change is located in a compared spec's files.
fn touches_spec(r: &ReportChange, c: &Compared<'_>) -> bool {
    [&r.base, &r.revision].iter().any(|l| l.as_ref().is_some_and(|l| c.files.contains_key(&l.file) || l.file == c.path))
}
