//! `apidiff check`: discover the repository's specs, compare each with its module's last
//! archived snapshot (or with a git revision), report, gate, and optionally record. Also holds
//! the context the history commands share (repository root, config, store, git identity).

use super::diff::ReportFormat;
use super::{Exit, today};
use crate::config::{self, Config};
use crate::diff::{self, Change, Format, Options, general};
use crate::discover::{self, Discovery, Found};
use crate::error::{Error, Located};
use crate::policy::{self, FailOn, Outcome};
use crate::report::{Meta, Report, SpecPair};
use crate::source::GitFetch;
use crate::spec::{self, LoadOptions};
use crate::store::bundle::{self, Bundle, Tree};
use crate::store::record::{count, touched_dependants};
use crate::store::{self, Action, Archive, AuditEvent, Counts, Entry, Risk, record, time};
use clap::Args;
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Options every store command shares.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Repository root (default: the git top level of the current folder, or the folder itself).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file (default: `apidiff.yaml` at the root, when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Store: a folder, `file://`, `postgres://` or `s3://bucket/prefix` URL (default:
    /// `APIDIFF_STORE`, the config's `store`, a postgres `DATABASE_URL`, else `.apidiff`).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
}

/// What every store command starts from.
pub(super) struct Ctx {
    pub root: PathBuf,
    pub config: Config,
    pub archive: Archive,
}

impl Common {
    /// The repository root and the configuration.
    pub(super) fn root_and_config(&self) -> Result<(PathBuf, Config), Error> {
        let cwd = std::env::current_dir().map_err(|e| Error::Usage(format!("cannot read the current folder: {e}")))?;
        let root = match &self.root {
            Some(r) => cwd.join(r),
            None => git(&cwd, &["rev-parse", "--show-toplevel"]).map(PathBuf::from).unwrap_or(cwd.clone()),
        };
        if !root.is_dir() {
            return Err(Error::Usage(format!("--root {}: not a folder", root.display())));
        }
        let config_path = match &self.config {
            Some(p) => Some(cwd.join(p)),
            None => config::FILE_NAMES.iter().map(|n| root.join(n)).find(|p| p.is_file()),
        };
        let config = match config_path {
            Some(p) => {
                let name = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
                let text = std::fs::read_to_string(&p).map_err(|e| Located::file(&name, format!("cannot read: {e}")))?;
                config::parse(&name, &text)?
            }
            None => Config::default(),
        };
        Ok((root, config))
    }

    pub(super) fn context(&self) -> Result<Ctx, Error> {
        let (root, config) = self.root_and_config()?;
        let archive = super::store::open_configured(self.store.as_deref(), &config, &root)?;
        Ok(Ctx { root, config, archive })
    }
}

/// Runs git in `dir`; the trimmed stdout on success.
pub(super) fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let o = std::process::Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// Who is running the command: git's committer identity, else the login name.
pub(super) fn actor(root: &Path) -> Option<String> {
    if let Some(ident) = git(root, &["var", "GIT_COMMITTER_IDENT"])
        && let Some(end) = ident.find('>')
    {
        return Some(ident[..=end].to_string());
    }
    std::env::var("USER").ok().filter(|u| !u.is_empty())
}

/// Now, in milliseconds since the epoch.
pub(super) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Runs `f` on a thread with a large stack (specs are graphs; comparison recurses).
pub(super) fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> Result<T, Error> + Send + 'static) -> Result<T, Error> {
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(f)
        .map_err(|e| Error::Usage(format!("cannot start worker thread: {e}")))?
        .join()
        .map_err(|_| Error::Usage("internal error: the comparison panicked".into()))?
}

/// Arguments of `apidiff check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// Archive the new snapshots and their diffs (also `record: true` in the config).
    #[arg(long)]
    pub record: bool,
    /// Deploy id to tag recorded snapshots with (default: the git HEAD commit).
    #[arg(long, value_name = "ID")]
    pub deploy: Option<String>,
    /// Compare against the repository at this git revision instead of the store (needs no store).
    #[arg(long, value_name = "GIT-REF", conflicts_with = "record")]
    pub base: Option<String>,
    /// Only these modules (repeatable).
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub modules: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the output to FILE instead of stdout (with `--format github`: the JSON report).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 (default: the config's `gate.fail_on`, else breaking).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Re-level a rule: `RULE-ID=breaking|warning|info|off` (repeatable; overrides the config).
    #[arg(long = "severity", value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Send no alerts (the config's `alerts` channels are skipped).
    #[arg(long)]
    pub no_alerts: bool,
}

/// The result of comparing one spec.
pub(super) struct Checked {
    pub(super) spec: Found,
    pub(super) bundle: Bundle,
    hash: String,
    /// The latest archived entry it was compared with.
    pub(super) previous: Option<Entry>,
    base_label: Option<String>,
    changes: Vec<Change>,
}

pub(super) fn run(args: CheckArgs, color: bool) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let identity = Identity::gather(&ctx.root, args.deploy.clone());
    on_big_stack(move || check(args, ctx, identity, color))
}

/// Git facts the CLI gathers for the record.
struct Identity {
    deploy: Option<String>,
    /// The HEAD commit, when the deploy id is HEAD's (not given with `--deploy`).
    head: Option<String>,
    author: Option<String>,
    message: Option<String>,
    actor: Option<String>,
    now: i64,
}

impl Identity {
    fn gather(root: &Path, deploy: Option<String>) -> Identity {
        let head = git(root, &["rev-parse", "HEAD"]);
        let from_head = deploy.is_none();
        let head = head.filter(|_| from_head);
        let deploy = deploy.or(head.clone());
        let (author, message) = if from_head {
            (git(root, &["log", "-1", "--format=%an <%ae>"]), git(root, &["log", "-1", "--format=%B"]))
        } else {
            (None, None)
        };
        Identity {
            deploy,
            head,
            author: author.or_else(|| actor(root)),
            message: message.filter(|m| !m.is_empty()),
            actor: actor(root),
            now: now_ms(),
        }
    }
}

fn check(args: CheckArgs, ctx: Ctx, mut id: Identity, color: bool) -> Result<Exit, Error> {
    let Ctx { root, config, archive } = ctx;
    let fail_on = args.fail_on.or(config.gate.fail_on.map(|l| l.to_fail_on())).unwrap_or_default();
    let today = today();
    let policy = record::repo_policy(&root, &config, &args.severity, fail_on, &today)?;
    let load = LoadOptions { allow_remote_refs: false, proto_includes: vec![root.clone()] };
    let opts = Options { today, proto_category: "WIRE_JSON".into() };
    let found = discover::discover(&root, &config)?;
    let in_scope = |m: &str| args.modules.is_empty() || args.modules.iter().any(|x| x == m);
    for m in &args.modules {
        if !found.modules.iter().any(|x| &x.name == m) && config.module(m).is_none() {
            return Err(Error::Usage(format!("--module {m}: no such module (see `apidiff discover`)")));
        }
    }
    let specs: Vec<Found> = found.specs.iter().filter(|s| in_scope(&s.module)).cloned().collect();
    let record = args.record || (config.record && args.base.is_none());

    let entries = match &args.base {
        Some(_) => Vec::new(),
        None => {
            if !archive.exists()? {
                if !record {
                    archive.require()?;
                }
                archive.create()?;
            }
            archive.entries()?
        }
    };
    let latest = Archive::latest(&entries);
    let current_modules: BTreeSet<&str> = found.modules.iter().map(|m| m.name.as_str()).collect();
    let mut notes: Vec<String> = Vec::new();
    let worktree = Tree::Worktree(root.clone());
    let git_base = args.base.as_ref().map(|rev| Tree::Git(GitFetch { rev: rev.clone(), workdir: root.clone() }));
    if let Some(rev) = &args.base
        && git(&root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).is_none()
    {
        return Err(Error::Usage(format!("--base {rev}: not a git revision of {}", root.display())));
    }

    let present: BTreeSet<&str> = found.specs.iter().map(|s| s.path.as_str()).collect();
    let progress = std::io::stderr().is_terminal() && specs.len() >= 5;
    let mut checked = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        if progress {
            eprint!("\r\x1b[2Kchecking [{}/{}] {}", i + 1, specs.len(), spec.path);
        }
        let bundle = bundle::collect(&worktree, &spec.path, spec.format, &load)?;
        let hash = bundle.hash();
        let rev_spec = spec::load(&bundle.input()?, &load)?;
        let (base_spec, previous, base_label) = match &git_base {
            Some(tree) => {
                if tree.has(&spec.path) {
                    let input = tree.open(&spec.path)?;
                    (Some(spec::load(&input, &load)?), None, Some(format!("{}:{}", args.base.as_deref().unwrap_or(""), spec.path)))
                } else {
                    notes.push(format!("{}: new spec (not at {})", spec.path, args.base.as_deref().unwrap_or("")));
                    (None, None, None)
                }
            }
            None => {
                let mut prev = latest.iter().find(|e| e.module == spec.module && e.spec == spec.path).map(|e| (*e).clone());
                if prev.is_none() {
                    // A module renamed in the config keeps its history under the old name.
                    if let Some(old) = latest.iter().find(|e| e.spec == spec.path && !current_modules.contains(e.module.as_str())) {
                        notes.push(format!(
                            "module `{}`: {} was archived under module `{}`, which no longer exists (renamed?); comparing with that history",
                            spec.module, spec.path, old.module
                        ));
                        prev = Some((*old).clone());
                    }
                }
                match prev.as_ref().and_then(|p| p.snapshot.clone()) {
                    Some(snap) => {
                        let b = archive.snapshot(&snap)?;
                        let s = spec::load(&b.input()?, &load)?;
                        (Some(s), prev, Some(format!("snapshot:{}", short(&snap))))
                    }
                    None => match renamed_from(&archive, &latest, &present, spec, &bundle)? {
                        // Moved within its module, content unchanged: compare with the old path's history.
                        Some((old, b)) => {
                            let s = spec::load(&b.input()?, &load)?;
                            let label = format!("snapshot:{}", short(old.snapshot.as_deref().unwrap_or("")));
                            (Some(s), Some(old), Some(label))
                        }
                        None => {
                            if !entries.is_empty() {
                                notes.push(format!("module `{}`: {} is new: it has no archived snapshot yet", spec.module, spec.path));
                            }
                            (None, prev, None)
                        }
                    },
                }
            }
        };
        let mut changes = match &base_spec {
            Some(b) => diff::compare(b, &rev_spec, &opts)?,
            None => Vec::new(),
        };
        if let Some(p) = previous.as_ref().filter(|p| p.spec != spec.path && p.module == spec.module) {
            changes.push(general::renamed(&spec.module, &p.spec, &spec.path));
        }
        checked.push(Checked { spec: spec.clone(), bundle, hash, previous, base_label, changes });
    }
    if progress {
        eprint!("\r\x1b[2K");
    }

    // Specs archived before but gone from the repository now.
    let mut removed: Vec<&Entry> = Vec::new();
    if args.base.is_none() {
        let compared: BTreeSet<(&str, &str)> =
            checked.iter().filter_map(|c| c.previous.as_ref().map(|p| (p.module.as_str(), p.spec.as_str()))).collect();
        for e in &latest {
            let scoped = in_scope(&e.module) || args.modules.is_empty();
            if e.snapshot.is_some()
                && scoped
                && !present.contains(e.spec.as_str())
                && !compared.contains(&(e.module.as_str(), e.spec.as_str()))
            {
                removed.push(e);
            }
        }
    }

    // HEAD does not describe a working tree whose specs have uncommitted edits: say so in the
    // deploy id, so that `rollback --to <sha>` never lands on content that was never committed.
    if let Some(head) = id.head.clone() {
        let mut paths: BTreeSet<&str> = checked.iter().flat_map(|c| c.bundle.files.keys().map(String::as_str)).collect();
        paths.extend(removed.iter().map(|e| e.spec.as_str()));
        if !paths.is_empty() {
            let mut git_args = vec!["--literal-pathspecs", "status", "--porcelain", "--untracked-files=all", "--"];
            git_args.extend(paths);
            if git(&root, &git_args).is_some_and(|out| !out.is_empty()) {
                notes.push(format!("the working tree has uncommitted changes to specs: the deploy id is {}-dirty", short(&head)));
                id.deploy = Some(format!("{head}-dirty"));
                id.message = Some(format!("uncommitted changes on top of {head}"));
            }
        }
    }

    // Policy once over everything, so unused ignores are judged on the whole run.
    let removals: Vec<Change> =
        removed.iter().map(|e| general::removed(&e.module, &e.spec, e.snapshot.as_deref().unwrap_or(""), e.deploy.as_deref())).collect();
    let all: Vec<Change> = checked.iter().flat_map(|c| c.changes.iter().cloned()).chain(removals.iter().cloned()).collect();
    let problems = policy::apply(all, &policy).problems;
    let mut pairs = Vec::new();
    let mut per_spec: Vec<Outcome> = Vec::new();
    for (i, c) in checked.iter().enumerate() {
        let mut outcome = policy::apply(c.changes.clone(), &policy);
        outcome.problems = if i == 0 { problems.clone() } else { Vec::new() };
        per_spec.push(Outcome { changes: outcome.changes.clone(), ignored: Vec::new(), problems: Vec::new() });
        let pair = SpecPair {
            module: Some(c.spec.module.clone()),
            format: c.spec.format,
            base: c.base_label.clone().unwrap_or_else(|| "(none)".into()),
            revision: c.spec.path.clone(),
        };
        pairs.push((pair, outcome));
    }
    let mut per_removed: Vec<Outcome> = Vec::new();
    for (e, change) in removed.iter().zip(&removals) {
        let mut outcome = policy::apply(vec![change.clone()], &policy);
        outcome.problems = if pairs.is_empty() { problems.clone() } else { Vec::new() };
        per_removed.push(Outcome { changes: outcome.changes.clone(), ignored: Vec::new(), problems: Vec::new() });
        let pair = SpecPair {
            module: Some(e.module.clone()),
            format: Format::parse(&e.format).unwrap_or(Format::Any),
            base: format!("snapshot:{}", short(e.snapshot.as_deref().unwrap_or(""))),
            revision: "(removed)".into(),
        };
        pairs.push((pair, outcome));
    }
    let mut report = Report::build(pairs, fail_on);
    let risk = checked
        .iter()
        .zip(&per_spec)
        .map(|(c, o)| {
            let n = count(&o.changes);
            Risk::assess(n.breaking, n.warning, touched_dependants(&config, &c.spec.module, &o.changes).len())
        })
        .chain(removed.iter().zip(&per_removed).map(|(e, o)| removal_risk(&config, &e.module, &o.changes)))
        .max()
        .unwrap_or(Risk::Low);
    report.meta = Some(Meta {
        deploy: id.deploy.clone(),
        author: id.author.clone(),
        generated_at: Some(time::format_millis(id.now)),
        risk: Some(risk.as_str().to_string()),
        ..Meta::default()
    });
    // Owners, cross-module impact, client operations, then alerts (see `notify`).
    let notified = super::summary::after_check(
        &root,
        &config,
        &archive,
        &checked,
        git_base.as_ref(),
        &mut report,
        (id.deploy.as_deref(), id.actor.as_deref(), id.now),
        !args.no_alerts,
    )?;
    super::ci::add_ai(&mut report);
    super::ci::emit(&report, args.format, args.out.as_deref(), color)?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    for (e, o) in removed.iter().zip(&per_removed) {
        let Some(ch) = o.changes.first() else { continue };
        eprintln!(
            "{}: module `{}`: {} was deleted from the repository (last archived as snapshot {}{}); every client of it breaks. Restore it, or record the removal with `apidiff check --record`",
            if fail_on.blocks(ch.severity) { "error" } else { "note" },
            e.module,
            e.spec,
            short(e.snapshot.as_deref().unwrap_or("")),
            e.deploy.as_deref().map(|d| format!(" at deploy {}", short(d))).unwrap_or_default()
        );
    }

    if record {
        let time = time::format_millis(id.now);
        let run = store::unique_id(&time, "run");
        let baseline = entries.is_empty();
        let mut written = Vec::new();
        for (c, outcome) in checked.iter().zip(&per_spec) {
            let prev_snap = c.previous.as_ref().and_then(|p| p.snapshot.clone());
            let same_place = c.previous.as_ref().is_some_and(|p| p.module == c.spec.module && p.spec == c.spec.path);
            if prev_snap.as_deref() == Some(c.hash.as_str()) && same_place {
                continue;
            }
            archive.put_snapshot(&c.bundle)?;
            let counts = record::count(&outcome.changes);
            let dependants = record::touched_dependants(&config, &c.spec.module, &outcome.changes);
            let entry = Entry {
                id: Entry::derive_id(&c.spec.module, &c.spec.path, Some(&c.hash), prev_snap.as_deref(), id.deploy.as_deref()),
                time: time.clone(),
                module: c.spec.module.clone(),
                spec: c.spec.path.clone(),
                format: c.spec.format.as_str().to_string(),
                snapshot: Some(c.hash.clone()),
                previous: prev_snap,
                deploy: id.deploy.clone(),
                author: id.author.clone(),
                message: id.message.clone(),
                risk: Risk::assess(counts.breaking, counts.warning, dependants.len()),
                counts,
                changes: outcome
                    .changes
                    .iter()
                    .map(|ch| {
                        serde_json::to_value(crate::notify::enrich::report_change(&report, ch, &c.spec.module, fail_on)).unwrap_or_default()
                    })
                    .collect(),
                dependants,
                owners: notified.assignees(&c.spec.module),
                run: run.clone(),
            };
            if archive.put_entry(&entry)? {
                written.push(entry);
            }
            // A spec moved within its module: the old path's history ends here.
            if let Some(old) = c.previous.as_ref().filter(|p| p.spec != c.spec.path && p.module == c.spec.module) {
                let entry = Entry {
                    id: Entry::derive_id(&old.module, &old.spec, None, old.snapshot.as_deref(), id.deploy.as_deref()),
                    time: time.clone(),
                    module: old.module.clone(),
                    spec: old.spec.clone(),
                    format: old.format.clone(),
                    snapshot: None,
                    previous: old.snapshot.clone(),
                    deploy: id.deploy.clone(),
                    author: id.author.clone(),
                    message: id.message.clone(),
                    risk: Risk::Low,
                    counts: Counts::default(),
                    changes: Vec::new(),
                    dependants: Vec::new(),
                    owners: notified.assignees(&old.module),
                    run: run.clone(),
                };
                if archive.put_entry(&entry)? {
                    written.push(entry);
                }
            }
        }
        for (e, outcome) in removed.iter().zip(&per_removed) {
            let counts = record::count(&outcome.changes);
            let entry = Entry {
                id: Entry::derive_id(&e.module, &e.spec, None, e.snapshot.as_deref(), id.deploy.as_deref()),
                time: time.clone(),
                module: e.module.clone(),
                spec: e.spec.clone(),
                format: e.format.clone(),
                snapshot: None,
                previous: e.snapshot.clone(),
                deploy: id.deploy.clone(),
                author: id.author.clone(),
                message: id.message.clone(),
                risk: removal_risk(&config, &e.module, &outcome.changes),
                counts,
                changes: outcome
                    .changes
                    .iter()
                    .map(|ch| {
                        serde_json::to_value(crate::notify::enrich::report_change(&report, ch, &e.module, fail_on)).unwrap_or_default()
                    })
                    .collect(),
                dependants: config.dependants(&e.module).map(|(m, _)| m.name.clone()).collect(),
                owners: notified.assignees(&e.module),
                run: run.clone(),
            };
            if archive.put_entry(&entry)? {
                written.push(entry);
            }
        }
        if !written.is_empty() {
            archive.audit(&AuditEvent {
                id: store::unique_id(&time, "record"),
                time: time.clone(),
                actor: id.actor.clone(),
                action: Action::Record,
                details: serde_json::json!({
                    "run": run,
                    "deploy": id.deploy,
                    "baseline": baseline,
                    "entries": written.iter().map(|e| &e.id).collect::<Vec<_>>(),
                }),
            })?;
        }
        let modules: BTreeSet<&str> = written.iter().map(|e| e.module.as_str()).collect();
        if baseline {
            eprintln!(
                "Recorded a baseline: {} spec{} in {} module{} archived in {}",
                written.len(),
                plural(written.len()),
                modules.len(),
                plural(modules.len()),
                archive.location()
            );
        } else if written.is_empty() {
            eprintln!("Nothing to record: every spec matches its archived snapshot");
        } else {
            eprintln!(
                "Recorded {} new snapshot{} in {} ({})",
                written.len(),
                plural(written.len()),
                archive.location(),
                modules.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
    }
    Ok(if report.gate.passed { Exit::Clean } else { Exit::Blocking })
}

/// The risk of a removed spec: critical while its removal is reported as breaking, else what
/// its (re-levelled) change amounts to.
fn removal_risk(config: &Config, module: &str, changes: &[Change]) -> Risk {
    let n = count(changes);
    if n.breaking > 0 {
        return Risk::Critical;
    }
    Risk::assess(n.breaking, n.warning, touched_dependants(config, module, changes).len())
}

/// The archived spec of the same module that `spec` was moved from: one whose path is gone from
/// the repository and whose snapshot holds the same files, the main file under its old name.
fn renamed_from(
    archive: &Archive,
    latest: &[&Entry],
    present: &BTreeSet<&str>,
    spec: &Found,
    now: &Bundle,
) -> Result<Option<(Entry, Bundle)>, Error> {
    let rest = |b: &Bundle| b.files.iter().filter(|(k, _)| **k != b.entry).map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    for e in latest {
        let Some(snap) = e.snapshot.as_deref() else { continue };
        if e.module != spec.module || e.format != spec.format.as_str() || present.contains(e.spec.as_str()) {
            continue;
        }
        let old = archive.snapshot(snap)?;
        if old.files.get(&old.entry) == now.files.get(&now.entry) && rest(&old) == rest(now) {
            return Ok(Some(((*e).clone(), old)));
        }
    }
    Ok(None)
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The first 12 characters of an id.
pub(super) fn short(id: &str) -> &str {
    &id[..12.min(id.len())]
}

/// Modules and specs of the discovery, for other commands.
pub(super) fn discovery(ctx: &Ctx) -> Result<Discovery, Error> {
    discover::discover(&ctx.root, &ctx.config)
}
