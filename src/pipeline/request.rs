//! The check pipeline's inputs and results: what a run compares ([`Request`], [`Baseline`],
//! [`Scope`]), who runs it ([`Identity`]) and what it found ([`Checked`]).

use crate::config::Config;
use crate::diff::{self, Change, Format, general};
use crate::error::Result;
use crate::impact::{self, Base, Compared, Owners};
use crate::policy::{self, FailOn, Policy};
use crate::report::Report;
use crate::spec::LoadOptions;
use crate::spec::bundle::{Bundle, Tree};
use crate::store::{Archive, Entry};
use std::path::{Path, PathBuf};

/// What to compare the repository with.
#[derive(Debug, Clone)]
pub enum Baseline {
    /// Each module's last archived snapshot.
    Archive,
    /// The repository at a git revision (pull-request mode; needs no store).
    Git(String),
}

/// Which specs to check.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every spec discovery finds, limited to these modules when any are named.
    Discover(Vec<String>),
    /// Specs handed in directly (the server's register endpoint): module and files.
    Given(Vec<Given>),
    /// Every module's live sources (limited to these modules when any are named), fetched with
    /// these connection settings, each compared with its last archived live snapshot; modules
    /// that also have committed specs of the same format are checked for drift.
    Live(Vec<String>, crate::source::http::Remote),
    /// Live sources already fetched (the watch loop): compared like [`Scope::Given`], and checked
    /// for drift like [`Scope::Live`].
    Fetched(Vec<Given>),
}

/// A spec handed in directly, not discovered.
#[derive(Debug, Clone)]
pub struct Given {
    /// Its module.
    pub module: String,
    /// Its files; `bundle.entry` is its path and `bundle.format` is filled in on load.
    pub bundle: Bundle,
}

/// Who records, when, and at which deploy.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// Deploy id (a commit, or what `--deploy` named).
    pub deploy: Option<String>,
    /// The HEAD commit, when the deploy id is HEAD's (so uncommitted edits can be flagged).
    pub head: Option<String>,
    /// Who made the change.
    pub author: Option<String>,
    /// The change's message (the commit message).
    pub message: Option<String>,
    /// Who runs the check.
    pub actor: Option<String>,
    /// The clock, in milliseconds since the epoch.
    pub now: i64,
    /// What ran it, for record ids and the audit log (`run` for the CLI, `register` for the server).
    pub via: &'static str,
    /// The pull (merge) requests the run checks (one for a pull request, every pull request of
    /// the group in a merge queue): approvals scoped to them apply.
    pub prs: Vec<u64>,
    /// Each entry's deploy is `live-` and the id of the entry it follows (`live-new` for a
    /// baseline) instead of `deploy`, so the same transition recorded twice (a retried poll, two
    /// watchers) is one entry: the watch loop's entries are keyed by module, source and content.
    pub transitions: bool,
}

/// Everything the pipeline needs, passed in explicitly.
#[derive(Debug)]
pub struct Request<'a> {
    /// The repository root.
    pub root: PathBuf,
    /// The configuration.
    pub config: &'a Config,
    /// The archive (history store).
    pub archive: &'a Archive,
    /// What to compare with.
    pub baseline: Baseline,
    /// Which specs.
    pub scope: Scope,
    /// Severity overrides, ignores and the gate.
    pub policy: Policy,
    /// Comparison settings.
    pub options: diff::Options,
    /// Loading settings.
    pub load: LoadOptions,
    /// Who, when, which deploy.
    pub identity: Identity,
}

/// One compared spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Its module.
    pub module: String,
    /// Its main file, relative to the root.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// Its files now.
    pub bundle: Bundle,
    /// The snapshot id of `bundle`.
    pub hash: String,
    /// The latest archived entry it was compared with.
    pub previous: Option<Entry>,
    /// What it was compared with, for the report (`snapshot:…`, `main:api.yaml`).
    pub base_label: Option<String>,
    /// Changes after policy (ignored ones left out).
    pub changes: Vec<Change>,
}

/// An archived spec that is gone from the repository.
#[derive(Debug, Clone)]
pub struct Removed {
    /// Its last entry.
    pub entry: Entry,
    /// The removal, after policy (empty when ignored).
    pub changes: Vec<Change>,
}

/// A spec of the base revision gone from the repository (pull-request mode).
#[derive(Debug, Clone)]
pub struct Vanished {
    /// Its module at the base revision.
    pub module: String,
    /// Its main file at the base revision.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// The base revision.
    pub rev: String,
    /// The removal, after policy (empty when ignored).
    pub changes: Vec<Change>,
}

/// What [`check`] found.
#[derive(Debug)]
pub struct Checked {
    /// The compared specs.
    pub specs: Vec<Spec>,
    /// Archived specs gone from the repository.
    pub removed: Vec<Removed>,
    /// Specs of the base revision gone from the repository (pull-request mode).
    pub vanished: Vec<Vanished>,
    /// Remarks for the user (new specs, renamed modules, uncommitted edits).
    pub notes: Vec<String>,
    /// The report, with owners, impact and client operations filled in.
    pub report: Report,
    /// Owners of each module, and who is assigned to each module's changes.
    pub owners: Owners,
    /// The identity, with the deploy id marked `-dirty` when specs have uncommitted edits.
    pub identity: Identity,
    /// Whether the archive held nothing before (the run records a baseline).
    pub baseline: bool,
}

impl Checked {
    /// Whether the gate passed.
    pub fn passed(&self) -> bool {
        self.report.gate.passed
    }

    /// Whether any spec could not be loaded or compared (see `report.errors`).
    pub fn failed(&self) -> bool {
        !self.report.errors.is_empty()
    }
}

/// The change that reports an archived spec's removal.
pub(crate) fn removal_change(e: &Entry) -> Change {
    general::removed(&e.module, &e.spec, e.snapshot.as_deref().unwrap_or(""), e.deploy.as_deref())
}

/// Owners, cross-module impact and client operations (see [`impact::annotate`]). Specs handed
/// in directly also need the other GraphQL modules' latest snapshots (shared `@key` entities).
pub(crate) fn annotate(req: &Request<'_>, specs: &[Spec], clients: Option<&[String]>, report: &mut Report) -> Owners {
    let git_base = match &req.baseline {
        Baseline::Git(rev) => Some(Tree::Git(crate::source::GitFetch::snapshot(rev, &req.root))),
        Baseline::Archive => None,
    };
    let mut compared: Vec<Compared<'_>> = specs
        .iter()
        .map(|c| Compared {
            module: &c.module,
            path: &c.path,
            format: c.format,
            files: &c.bundle.files,
            base: match (&git_base, c.previous.as_ref().and_then(|p| p.snapshot.as_deref())) {
                (Some(tree), _) => Base::Tree(tree),
                (None, Some(snap)) => Base::Snapshot(snap),
                (None, None) => Base::None,
            },
        })
        .collect();
    let others = match req.scope {
        Scope::Given(_) if specs.iter().any(|s| s.format == Format::GraphQl) => other_graphql(req.archive, specs),
        _ => Vec::new(),
    };
    compared.extend(others.iter().map(|(m, p, b)| Compared {
        module: m,
        path: p,
        format: Format::GraphQl,
        files: &b.files,
        base: Base::None,
    }));
    impact::annotate(&req.root, req.config, req.archive, &compared, clients, report)
}

/// The latest snapshot of every archived GraphQL spec other than `specs`.
pub(crate) fn other_graphql(archive: &Archive, specs: &[Spec]) -> Vec<(String, String, Bundle)> {
    let Ok(all) = archive.entries() else { return Vec::new() };
    Archive::latest(&all)
        .into_iter()
        .filter(|e| e.format == Format::GraphQl && !specs.iter().any(|s| s.module == e.module && s.path == e.spec))
        .filter_map(|e| Some((e.module.clone(), e.spec.clone(), archive.snapshot(e.snapshot.as_deref()?).ok()?)))
        .collect()
}

/// How a repository's specs load: no remote `$ref`s, and protobuf imports resolved from the
/// roots of `apidiff.yaml` and `buf.yaml`/`buf.work.yaml` (relative to `root`), then from the
/// importing file's parent folders; the config's `ref_roots` must lie inside the repository
/// ([`Config::ref_roots_within`]); a `.proto` entry brings the files of its package
/// ([`LoadOptions::proto_package`]). `check`, `rollback` and the server all load this way.
pub fn load_options(root: &Path, config: &Config) -> Result<LoadOptions> {
    let read = |rel: &str| crate::source::read_text_if_exists(&root.join(rel), rel, crate::source::MAX_SIDE_FILE_BYTES).ok().flatten();
    let roots = crate::spec::protobuf::roots(&config.protobuf.roots, read);
    let buf_deps = crate::spec::protobuf::buf_deps(read);
    let ref_roots = config.ref_roots_within(root)?;
    Ok(LoadOptions { proto_includes: roots, ref_roots, proto_package: true, buf_deps, ..LoadOptions::default() })
}

pub use crate::ids::short;

/// The policy of a repository: severity overrides and ignores from the config, then `severity`
/// (`RULE=LEVEL` strings from the command line).
pub fn policy_for(root: &Path, config: &Config, severity: &[String], fail_on: FailOn, today: &str) -> Result<Policy> {
    let mut policy = Policy {
        fail_on,
        profile: config.gate.profile.unwrap_or_default(),
        require_witness: config.gate.require_witness.unwrap_or(false),
        today: today.to_string(),
        usage: Some(config.usage.as_ref().map(crate::config::UsageSetting::policy).unwrap_or_default()),
        ..Policy::default()
    };
    for (id, level) in &config.severity {
        let (id, level) = policy::parse_override(&format!("{id}={}", level.as_str()))?;
        policy.overrides.insert(id, level);
    }
    for s in severity {
        let (id, level) = policy::parse_override(s)?;
        policy.overrides.insert(id, level);
    }
    let ignore = match &config.ignore_file {
        Some(p) => Some(root.join(p)),
        None => Some(root.join(".apidiff-ignore.yaml")).filter(|p| p.exists()),
    };
    if let Some(p) = ignore {
        let name = p.strip_prefix(root).unwrap_or(&p).display().to_string();
        let text = crate::source::read_text_if_exists(&p, &name, crate::source::MAX_FILE_BYTES)?
            .ok_or_else(|| crate::error::Located::file(&name, "cannot read the ignore file: no such file"))?;
        policy.ignores = policy::parse_ignore_file(&name, &text)?;
    }
    Ok(policy)
}
