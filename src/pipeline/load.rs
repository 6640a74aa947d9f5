//! The pipeline's first half: which specs are in scope, their files now, what each is compared
//! with (an archived snapshot, a spec moved within its module, or a git revision), the raw
//! changes, and the archived specs that are gone.

use super::moves::{self, Gone};
use super::{Baseline, Given, Request, Scope, short};
use crate::diff::{Change, Format, general};
use crate::discover::{self, Found};
use crate::error::{Error, Located, Result};
use crate::progress::Progress;
use crate::report::SpecError;
use crate::source::{GitFetch, git, live};
use crate::spec::bundle::{self, Bundle, Tree};
use crate::spec::{self, Spec};
use crate::store::{Archive, Entry};
use std::collections::{BTreeSet, HashMap};

/// One spec, loaded and compared; its changes are the raw ones until policy applies.
pub(super) type Loaded = super::Spec;

/// Every spec in scope, loaded and compared, plus the archived specs that are gone.
#[derive(Debug)]
pub(super) struct LoadedAll {
    pub specs: Vec<Loaded>,
    pub removed: Vec<Entry>,
    /// Specs of the base revision gone from the repository (pull-request mode).
    pub vanished: Vec<Gone>,
    pub notes: Vec<String>,
    /// Specs that could not be loaded or compared; the others went on.
    pub errors: Vec<SpecError>,
    pub archive_empty: bool,
    pub clients: Option<Vec<String>>,
}

/// What the specs of a run share on each side: the base revision's files, listed once and each
/// read once, and one protobuf compilation per side (a tree's packages import the same files).
struct Sides {
    git: Option<GitFetch>,
    base: spec::protobuf::Shared,
    revision: spec::protobuf::Shared,
}

impl Sides {
    fn new(req: &Request<'_>) -> Sides {
        let git = match &req.baseline {
            Baseline::Git(rev) => Some(GitFetch::snapshot(rev, &req.root)),
            Baseline::Archive => None,
        };
        Sides { git, base: spec::protobuf::Shared::new(), revision: spec::protobuf::Shared::new() }
    }
}

/// What the archive knew before this run.
struct History {
    entries: Vec<Entry>,
    /// The latest entry of each spec, worked out once per run (never per spec: with a thousand
    /// specs that would cost the square of the history).
    latest: Vec<Entry>,
    /// Index into `latest` by (module, spec path).
    by_place: HashMap<(String, String), usize>,
    /// Modules that exist now (a spec archived under another module was renamed).
    modules: BTreeSet<String>,
    /// Spec paths that exist now.
    present: BTreeSet<String>,
    /// Files that may hold client operations, from the same walk (none for specs handed in).
    clients: Option<Vec<String>>,
}

pub(super) fn load_all(req: &Request<'_>, progress: &dyn Progress) -> Result<LoadedAll> {
    let (found, mut history, filter) = in_scope(req)?;
    history.entries = match req.baseline {
        Baseline::Git(ref rev) => {
            if !git::is_commit(&req.root, rev) {
                return Err(Error::Usage(format!("--base {rev}: not a git revision of {}", req.root.display())));
            }
            Vec::new()
        }
        Baseline::Archive => req.archive.entries()?,
    };
    history.latest = Archive::latest(&history.entries).into_iter().cloned().collect();
    history.by_place = history.latest.iter().enumerate().map(|(i, e)| ((e.module.clone(), e.spec.clone()), i)).collect();
    let plan = match (&req.baseline, &req.scope) {
        (Baseline::Git(rev), Scope::Discover(_)) => {
            let head: Vec<moves::Head<'_>> =
                found.iter().map(|s| moves::Head { module: &s.module, path: &s.path, format: s.format }).collect();
            moves::plan(&req.root, req.config, rev, &head, &filter)?
        }
        _ => moves::Plan::default(),
    };
    let mut notes = Vec::new();
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    let sides = Sides::new(req);
    progress.start("checking specs", found.len() as u64);
    for spec in &found {
        // Each spec is isolated: a panic on one is an error entry for it, and the others still
        // get their verdicts.
        let what = format!("checking {}", spec.path);
        let from = plan.moved.get(&spec.path);
        match crate::deep::isolate(&what, || load_one(req, spec, &history, from, &sides, &mut notes)) {
            Ok(loaded) => specs.push(loaded),
            // A store that fails is not the spec's fault: stop.
            Err(e) if e.kind() == crate::ErrorKind::Unavailable => return Err(e),
            Err(e) => errors.push(spec_error(spec, e)),
        }
        progress.step(&spec.path);
    }
    progress.finish();
    let removed = match (&req.baseline, &req.scope) {
        (Baseline::Archive, Scope::Discover(_)) => gone(&history, &specs, &filter),
        _ => Vec::new(),
    };
    Ok(LoadedAll {
        specs,
        removed,
        vanished: plan.gone,
        notes,
        errors,
        archive_empty: history.entries.is_empty(),
        clients: history.clients,
    })
}

/// A spec's failure as the report lists it, with the file and line of the problem.
fn spec_error(spec: &InScope, e: Error) -> SpecError {
    let loc = match e {
        Error::Input(l) => l,
        other => Located::file(&spec.path, other.to_string()),
    };
    SpecError {
        module: Some(spec.module.clone()),
        spec: spec.path.clone(),
        file: loc.file,
        line: loc.line,
        column: loc.column,
        message: loc.message,
    }
}

/// A spec in scope: discovered, or handed in (with its files).
struct InScope {
    module: String,
    path: String,
    format: Option<Format>,
    given: Option<Bundle>,
}

/// The specs in scope, then the modules and spec paths that exist now, and the module filter.
fn in_scope(req: &Request<'_>) -> Result<(Vec<InScope>, History, Vec<String>)> {
    let mut history = History {
        entries: Vec::new(),
        latest: Vec::new(),
        by_place: HashMap::new(),
        modules: BTreeSet::new(),
        present: BTreeSet::new(),
        clients: None,
    };
    match &req.scope {
        Scope::Discover(only) => {
            let found = discover::discover(&req.root, req.config)?;
            for m in only {
                if !found.modules.iter().any(|x| &x.name == m) && req.config.module(m).is_none() {
                    return Err(Error::Usage(format!("--module {m}: no such module (see `apidiff discover`)")));
                }
            }
            history.modules = found.modules.iter().map(|m| m.name.clone()).collect();
            history.present = found.specs.iter().map(|s| s.path.clone()).collect();
            // A .proto file now checked with its package's spec is still present (not removed).
            history.present.extend(found.skipped.iter().filter(|s| s.part_of.is_some()).map(|s| s.path.clone()));
            history.clients = Some(found.clients);
            let specs = found
                .specs
                .into_iter()
                .filter(|s| only.is_empty() || only.contains(&s.module))
                .map(|f: Found| InScope { module: f.module, path: f.path, format: Some(f.format), given: None })
                .collect();
            Ok((specs, history, only.clone()))
        }
        Scope::Live(only, remote) => Ok((live_specs(req, only, remote)?, history, only.clone())),
        Scope::Given(given) | Scope::Fetched(given) => {
            let specs = given
                .iter()
                .map(|g| InScope { module: g.module.clone(), path: g.bundle.entry.clone(), format: None, given: Some(g.bundle.clone()) })
                .collect();
            Ok((specs, history, Vec::new()))
        }
    }
}

/// Fetches every live source of the modules in scope; the first failure is the error, naming
/// its locator.
fn live_specs(req: &Request<'_>, only: &[String], remote: &crate::source::http::Remote) -> Result<Vec<InScope>> {
    let mut specs = Vec::new();
    for f in fetch_live(req.config, only, remote)? {
        let g = f.given?;
        specs.push(InScope { module: g.module, path: g.bundle.entry.clone(), format: None, given: Some(g.bundle) });
    }
    Ok(specs)
}

/// The live sources of the modules in scope (all when `only` is empty), in configuration order:
/// module and locator.
pub fn live_sources<'c>(config: &'c crate::config::Config, only: &[String]) -> Result<Vec<(&'c str, &'c str)>> {
    for m in only {
        if config.module(m).is_none() {
            return Err(Error::Usage(format!("--module {m}: no such module in the configuration")));
        }
    }
    let wanted: Vec<(&str, &str)> = config
        .modules
        .iter()
        .filter(|m| only.is_empty() || only.contains(&m.name))
        .flat_map(|m| m.live.iter().map(move |l| (m.name.as_str(), l.as_str())))
        .collect();
    if wanted.is_empty() {
        return Err(Error::Usage("no module in scope lists a `live:` source in the configuration".into()));
    }
    Ok(wanted)
}

/// One live source after a fetch: the module's spec ready for [`Scope::Given`], or why not.
#[derive(Debug)]
pub struct LiveFetch {
    /// The module that lists it.
    pub module: String,
    /// Its locator, without credentials.
    pub locator: String,
    /// What it serves now, or the failure (naming the locator).
    pub given: Result<Given>,
}

/// Fetches every `live:` source of the modules in scope (all when `only` is empty), at most
/// [`live::CONCURRENCY`] at once, in configuration order.
pub fn fetch_live(config: &crate::config::Config, only: &[String], remote: &crate::source::http::Remote) -> Result<Vec<LiveFetch>> {
    let wanted = live_sources(config, only)?;
    let locators: Vec<String> = wanted.iter().map(|(_, l)| l.to_string()).collect();
    let inputs = live::open_all(&locators, remote, live::CONCURRENCY);
    Ok(wanted
        .into_iter()
        .zip(inputs)
        .map(|((module, locator), input)| LiveFetch {
            module: module.to_string(),
            locator: crate::source::http::redact(locator),
            given: input.map(|i| Given {
                module: module.to_string(),
                bundle: Bundle { format: String::new(), entry: i.name.clone(), files: [(i.name, i.text)].into() },
            }),
        })
        .collect())
}

/// Loads one spec and compares it with its baseline (in pull-request mode, the path it moved
/// from when `from` names one).
fn load_one(
    req: &Request<'_>,
    spec: &InScope,
    history: &History,
    from: Option<&Gone>,
    sides: &Sides,
    notes: &mut Vec<String>,
) -> Result<Loaded> {
    let mut bundle = match (&spec.given, spec.format) {
        (Some(b), _) => b.clone(),
        (None, Some(format)) => bundle::collect(&Tree::worktree(&req.root, &req.load.ref_roots), &spec.path, format, &req.load)?,
        (None, None) => return Err(Error::Usage(format!("{}: neither discovered nor given", spec.path))),
    };
    let rev_spec = spec::load_with(&bundle.input()?, &req.load, Some(&sides.revision))?;
    let format = rev_spec.format();
    if bundle.format.is_empty() {
        bundle.format = format.as_str().to_string();
    }
    let hash = bundle.hash();
    let (base_spec, previous, base_label) = match &req.baseline {
        Baseline::Git(rev) => {
            let at = from.map_or(spec.path.as_str(), |g| g.path.as_str());
            (from_git(req, rev, at, sides, notes)?, None, Some(format!("{rev}:{at}")))
        }
        Baseline::Archive => from_archive(req, spec, &bundle, &hash, history, &sides.base, notes)?,
    };
    // The same files as the archived snapshot compare to nothing: the label stays, the work goes.
    let unchanged = previous.as_ref().and_then(|p| p.snapshot.as_deref()) == Some(hash.as_str());
    let base_label = if base_spec.is_some() || unchanged { base_label } else { None };
    let mut changes = match &base_spec {
        Some(b) => super::compare::compared(b, &rev_spec, &req.options)?,
        None => Vec::new(),
    };
    if let Some(p) = previous.as_ref().filter(|p| p.spec != spec.path && p.module == spec.module) {
        changes.push(general::renamed(&spec.module, &p.spec, &spec.path));
    }
    if let (Some(g), Baseline::Git(rev)) = (from, &req.baseline) {
        changes.push(general::moved(&g.module, &g.path, &spec.module, &spec.path, rev));
    }
    Ok(Loaded { module: spec.module.clone(), path: spec.path.clone(), format, bundle, hash, previous, base_label, changes })
}

/// The spec at a git revision, or `None` (with a note) when it is new since then.
fn from_git(req: &Request<'_>, rev: &str, path: &str, sides: &Sides, notes: &mut Vec<String>) -> Result<Option<Spec>> {
    let tree = Tree::Git(sides.git.clone().unwrap_or_else(|| GitFetch::new(rev, &req.root)));
    // A protobuf package is compared whichever of its files leads it at the revision.
    let now = || Tree::worktree(&req.root, &[]).open(path).map(|i| i.text).unwrap_or_default();
    let found = match (tree.has(path), req.load.proto_package && path.ends_with(".proto")) {
        (false, true) => bundle::package_entry(&tree, path, &now()),
        (has, _) => has.then(|| path.to_string()),
    };
    let Some(path) = found else {
        notes.push(format!("{path}: new spec (not at {rev})"));
        return Ok(None);
    };
    Ok(Some(spec::load_with(&tree.open(&path)?, &req.load, Some(&sides.base))?))
}

type Baselined = (Option<Spec>, Option<Entry>, Option<String>);

/// The spec's last archived snapshot: under its module and path, under a module that was
/// renamed, or under the path it was moved from.
fn from_archive(
    req: &Request<'_>,
    spec: &InScope,
    now: &Bundle,
    hash: &str,
    history: &History,
    proto: &spec::protobuf::Shared,
    notes: &mut Vec<String>,
) -> Result<Baselined> {
    let latest = &history.latest;
    let mut prev = history.by_place.get(&(spec.module.clone(), spec.path.clone())).map(|&i| latest[i].clone());
    if prev.is_none() && !history.modules.is_empty() {
        // A module renamed in the config keeps its history under the old name.
        if let Some(old) = latest.iter().find(|e| e.spec == spec.path && !history.modules.contains(&e.module)) {
            notes.push(format!(
                "module `{}`: {} was archived under module `{}`, which no longer exists (renamed?); comparing with that history",
                spec.module, spec.path, old.module
            ));
            prev = Some((*old).clone());
        }
    }
    if let Some(snap) = prev.as_ref().and_then(|p| p.snapshot.clone()) {
        // Read (and so verify) the archived snapshot either way: a damaged store is named.
        let b = req.archive.snapshot(&snap)?;
        if snap == hash {
            return Ok((None, prev, Some(format!("snapshot:{}", short(&snap)))));
        }
        return Ok((Some(spec::load_with(&b.input()?, &req.load, Some(proto))?), prev, Some(format!("snapshot:{}", short(&snap)))));
    }
    if spec.given.is_none()
        && let Some((old, b)) = renamed_from(req.archive, latest, &history.present, spec, now)?
    {
        // Moved within its module, content unchanged: compare with the old path's history.
        let label = format!("snapshot:{}", short(old.snapshot.as_deref().unwrap_or("")));
        return Ok((Some(spec::load_with(&b.input()?, &req.load, Some(proto))?), Some(old), Some(label)));
    }
    if !history.entries.is_empty() && spec.given.is_none() {
        notes.push(format!("module `{}`: {} is new: it has no archived snapshot yet", spec.module, spec.path));
    }
    Ok((None, prev, None))
}

/// The archived spec of the same module that `spec` was moved from: one whose path is gone from
/// the repository and whose snapshot holds the same files, the main file under its old name.
fn renamed_from(
    archive: &Archive,
    latest: &[Entry],
    present: &BTreeSet<String>,
    spec: &InScope,
    now: &Bundle,
) -> Result<Option<(Entry, Bundle)>> {
    let rest = |b: &Bundle| b.files.iter().filter(|(k, _)| **k != b.entry).map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    for e in latest {
        let Some(snap) = e.snapshot.as_deref() else { continue };
        if e.module != spec.module || Some(e.format) != spec.format || present.contains(&e.spec) {
            continue;
        }
        let old = archive.snapshot(snap)?;
        if old.files.get(&old.entry) == now.files.get(&now.entry) && rest(&old) == rest(now) {
            return Ok(Some((e.clone(), old)));
        }
    }
    Ok(None)
}

/// Specs archived before but gone from the repository now.
fn gone(history: &History, specs: &[Loaded], only: &[String]) -> Vec<Entry> {
    let compared: BTreeSet<(&str, &str)> =
        specs.iter().filter_map(|c| c.previous.as_ref().map(|p| (p.module.as_str(), p.spec.as_str()))).collect();
    Archive::latest(&history.entries)
        .into_iter()
        .filter(|e| {
            e.snapshot.is_some()
                && (only.is_empty() || only.contains(&e.module))
                && !history.present.contains(&e.spec)
                && !compared.contains(&(e.module.as_str(), e.spec.as_str()))
        })
        .cloned()
        .collect()
}

/// Witnesses for the specs gone from the repository (`api-description-removed`): each one's base
/// (the archived snapshot, or the file at the base revision) against an empty description of its
/// format. A base that cannot be read keeps the `none` witness, saying why.
pub(super) fn prove_gone(req: &Request<'_>, loaded: &LoadedAll, removals: &mut [Change], vanishings: &mut [Change]) {
    if !req.options.witness {
        removals.iter_mut().chain(vanishings.iter_mut()).for_each(|c| c.witness = None);
        return;
    }
    for (e, c) in loaded.removed.iter().zip(removals) {
        let base = e.snapshot.as_deref().map(|s| req.archive.snapshot(s).and_then(|b| b.input()).and_then(|i| spec::load(&i, &req.load)));
        prove(base, &e.spec, &req.options, c);
    }
    if let Baseline::Git(rev) = &req.baseline {
        let tree = Tree::Git(GitFetch::snapshot(rev, &req.root));
        for (g, c) in loaded.vanished.iter().zip(vanishings) {
            prove(Some(tree.open(&g.path).and_then(|i| spec::load(&i, &req.load))), &g.path, &req.options, c);
        }
    }
}

fn prove(base: Option<Result<Spec>>, file: &str, opts: &crate::diff::Options, c: &mut Change) {
    c.witness = Some(match base {
        Some(Ok(spec)) => crate::witness::removed_description(&spec, file, opts),
        Some(Err(e)) => crate::diff::Witness::none(format!("the removed description could not be read to build a witness: {e}")),
        None => crate::diff::Witness::none("the removed description has no archived snapshot to build a witness from"),
    });
}
