//! `rollback`: going back to what was archived at a deploy or snapshot. [`plan`] resolves the
//! target and reads its snapshots (refusing any path that leaves the repository); [`preview`]
//! says what going back would change, compared with what is current; [`apply`] writes the files
//! back (or, for a caller without a working tree, hands them over) and records the audit event.
//! The CLI's `apidiff rollback` and the server's `POST /rollback` are adapters over these three,
//! so both answer the same question the same way.

use crate::diff::{self, Format, Options};
use crate::error::{Error, Result};
use crate::ids::short;
use crate::policy::{self, FailOn, Policy};
use crate::report::{Report, SpecPair};
use crate::source::http::Remote;
use crate::source::{Input, live, normalize};
use crate::spec::bundle::{self, Bundle, Tree};
use crate::spec::{self, LoadOptions};
use crate::store::view::unified;
use crate::store::{self, Action, Archive, AuditEvent, Entry};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// What "current" means for a rollback: the files in the working tree (the CLI), or the latest
/// archived snapshot of each spec (the server, which has no working tree of the caller's).
#[derive(Debug, Clone)]
pub enum Current {
    /// The working tree at the repository root; live sources are fetched with these settings.
    Worktree(Remote),
    /// The latest archived snapshot of each spec.
    Archive,
}

/// What to roll back to, and against what.
#[derive(Debug)]
pub struct RollbackRequest<'a> {
    /// The archive.
    pub archive: &'a Archive,
    /// The repository root.
    pub root: PathBuf,
    /// A deploy hash, snapshot id or entry id (full or a prefix).
    pub to: String,
    /// Only this module.
    pub module: Option<String>,
    /// What the target is compared with and where files go.
    pub current: Current,
    /// How specs load.
    pub load: LoadOptions,
    /// How they compare.
    pub options: Options,
    /// The `live:` sources of the current configuration, as (module, locator): the only live
    /// sources a preview fetches ([`configured_live`]). A live locator an archived record names
    /// and the configuration does not is compared from the archive only: a record never
    /// decides where apidiff connects or which secrets it sends.
    pub live: Vec<(String, String)>,
}

/// The (module, locator) pairs of every `live:` source a configuration declares.
pub fn configured_live(config: &crate::config::Config) -> Vec<(String, String)> {
    config.modules.iter().flat_map(|m| m.live.iter().map(|l| (m.name.clone(), l.clone()))).collect()
}

/// One spec a rollback concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RolledSpec {
    /// Its module.
    pub module: String,
    /// Its main file (or live locator).
    pub spec: String,
    /// The snapshot id of what is current (the latest archived snapshot, or the hash of the
    /// working tree's files); `None` when the spec is missing or is a live source.
    pub from: Option<String>,
    /// The snapshot it goes back to.
    pub to: Option<String>,
}

/// A resolved and checked rollback: the target and the snapshots to restore.
#[derive(Debug)]
pub struct Plan {
    /// `deploy` or `snapshot`.
    pub to_kind: &'static str,
    /// The full id of the target.
    pub to: String,
    /// Each spec's entry at the target with its snapshot.
    pub targets: Vec<(Entry, Bundle)>,
    /// The latest entries (what is current with [`Current::Archive`]).
    latest: Vec<Entry>,
}

/// What going back would change.
#[derive(Debug, Serialize)]
pub struct Preview {
    /// The full id of the target.
    pub to: String,
    /// `deploy` or `snapshot`.
    pub to_kind: &'static str,
    /// The specs concerned.
    pub specs: Vec<RolledSpec>,
    /// A unified diff of every file, current → target.
    pub diff: String,
    /// The changes going back would make (current → target), never blocking.
    pub report: Report,
}

/// What a rollback did.
#[derive(Debug, Serialize)]
pub struct Applied {
    /// The full id of the target.
    pub to: String,
    /// `deploy` or `snapshot`.
    pub to_kind: &'static str,
    /// The specs concerned.
    pub specs: Vec<RolledSpec>,
    /// Files written into the working tree (none with [`Current::Archive`]).
    pub written: Vec<String>,
    /// The target's files, for a caller that writes them itself ([`Current::Archive`] only).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, String>,
}

/// Resolves the target and reads every snapshot, before anything is written. With a working
/// tree, every path of every target must stay inside the repository (a tampered record may name
/// any), and a live source can only be previewed.
pub fn plan(req: &RollbackRequest<'_>, entries: &[Entry], writing: bool) -> Result<Plan> {
    let (to_kind, to, targets) = Archive::rollback_targets(entries, &req.to, req.module.as_deref())?;
    let mut planned = Vec::new();
    for e in targets {
        let b = req.archive.snapshot(e.snapshot.as_deref().unwrap_or(""))?;
        if let Current::Worktree(_) = req.current {
            if live::is_live(&e.spec) {
                if writing {
                    return Err(Error::Usage(format!(
                        "{}: a live source cannot be rolled back by writing files (module {}); --preview compares it with the snapshot",
                        e.spec, e.module
                    )));
                }
            } else {
                for p in std::iter::once(&e.spec).chain(b.files.keys()) {
                    safe_path(&req.root, p)?;
                }
            }
        }
        planned.push((e, b));
    }
    let latest = Archive::latest(entries).into_iter().cloned().collect();
    Ok(Plan { to_kind, to, targets: planned, latest })
}

/// What going back to the plan's target would change, compared with what is current.
pub fn preview(req: &RollbackRequest<'_>, plan: &Plan) -> Result<Preview> {
    crate::deep::run("previewing the rollback", || preview_here(req, plan))
}

fn preview_here(req: &RollbackRequest<'_>, plan: &Plan) -> Result<Preview> {
    let policy = Policy { fail_on: FailOn::Never, today: req.options.today.clone(), ..Policy::default() };
    let mut pairs = Vec::new();
    let mut diff_text = String::new();
    let mut specs = Vec::new();
    for (e, target) in &plan.targets {
        let (current, from) = current_of(req, plan, e)?;
        diff_text.push_str(&format!("== module {}: {} (now → {} {})\n", e.module, e.spec, plan.to_kind, short(&plan.to)));
        diff_text.push_str(&unified(current.as_ref(), Some(target)));
        let changes = match &current {
            Some(cur) => {
                let a = spec::load(&cur.input()?, &req.load)?;
                let b = spec::load(&target.input()?, &req.load)?;
                diff::compare(&a, &b, &req.options)?
            }
            None => Vec::new(),
        };
        let base = match (&current, &from) {
            (None, _) => "(missing)".to_string(),
            (Some(_), Some(h)) => format!("snapshot:{}", short(h)),
            (Some(_), None) => e.spec.clone(),
        };
        let revision = format!("snapshot:{}", short(e.snapshot.as_deref().unwrap_or("")));
        pairs.push((SpecPair { module: Some(e.module.clone()), format: e.format, base, revision }, policy::apply(changes, &policy)));
        specs.push(RolledSpec { module: e.module.clone(), spec: e.spec.clone(), from, to: e.snapshot.clone() });
    }
    Ok(Preview { to: plan.to.clone(), to_kind: plan.to_kind, specs, diff: diff_text, report: Report::build(pairs, FailOn::Never) })
}

/// The latest archived snapshot of a target's spec.
fn archived(req: &RollbackRequest<'_>, plan: &Plan, e: &Entry) -> Result<(Option<Bundle>, Option<String>)> {
    let snap = plan.latest.iter().find(|l| l.module == e.module && l.spec == e.spec).and_then(|l| l.snapshot.clone());
    let bundle = snap.as_deref().map(|h| req.archive.snapshot(h)).transpose()?;
    Ok((bundle, snap))
}

/// The current files of a target's spec, and the snapshot they are when known.
fn current_of(req: &RollbackRequest<'_>, plan: &Plan, e: &Entry) -> Result<(Option<Bundle>, Option<String>)> {
    let configured = |e: &Entry| req.live.iter().any(|(m, l)| *m == e.module && (*l == e.spec || crate::source::http::redact(l) == e.spec));
    match &req.current {
        Current::Archive => archived(req, plan, e),
        Current::Worktree(_) if live::is_live(&e.spec) && !configured(e) => archived(req, plan, e),
        // A live source the configuration declares: what it serves now, fetched from the
        // configured locator (a failure names it).
        Current::Worktree(remote) if live::is_live(&e.spec) => {
            let locator = req.live.iter().find(|(m, l)| *m == e.module && (*l == e.spec || crate::source::http::redact(l) == e.spec));
            let locator = locator.map_or(e.spec.as_str(), |(_, l)| l.as_str());
            let i = Input::open_with(locator, &req.root, remote, &[])?;
            let b = Bundle { format: e.format.as_str().to_string(), entry: i.name.clone(), files: [(i.name, i.text)].into() };
            Ok((Some(b), None))
        }
        Current::Worktree(_) => {
            let worktree = Tree::worktree(&req.root, &[]);
            if e.format == Format::Any || !worktree.has(&e.spec) {
                return Ok((None, None));
            }
            // Its snapshot id is its content's hash: the same id the archive gives those files.
            let b = bundle::collect(&worktree, &e.spec, e.format, &req.load)?;
            let hash = b.hash();
            Ok((Some(b), Some(hash)))
        }
    }
}

/// Goes back to the plan's target: with a working tree, writes every file that differs (through
/// an exclusive temporary in the destination folder, never through a link); with
/// [`Current::Archive`], hands the files over. Either way, records one audit event.
pub fn apply(req: &RollbackRequest<'_>, plan: &Plan, actor: Option<String>, now: i64, via: &str) -> Result<Applied> {
    let mut written = Vec::new();
    let mut files = BTreeMap::new();
    let mut specs = Vec::new();
    for (e, b) in &plan.targets {
        let from = current_of(req, plan, e)?.1;
        specs.push(RolledSpec { module: e.module.clone(), spec: e.spec.clone(), from, to: e.snapshot.clone() });
        match req.current {
            Current::Archive => files.extend(b.files.clone()),
            Current::Worktree(_) => {
                for (p, content) in &b.files {
                    let dest = safe_path(&req.root, p)?;
                    if crate::source::read_limited(&dest, p, crate::source::MAX_FILE_BYTES).is_ok_and(|cur| cur == content.as_bytes()) {
                        continue;
                    }
                    write_file(&req.root, p, &dest, content)?;
                    written.push(p.clone());
                }
            }
        }
    }
    let time = crate::time::format_millis(now);
    let from = match req.current {
        Current::Worktree(_) => crate::source::git::head(&req.root).commit,
        Current::Archive => None,
    };
    req.archive.audit(&AuditEvent {
        id: store::unique_id(&time, "rollback"),
        time,
        actor,
        action: Action::Rollback,
        details: serde_json::json!({
            "via": via,
            "from": from,
            "to": plan.to,
            "to_kind": plan.to_kind,
            "module": req.module,
            "specs": specs,
            "written": written,
            "applied": true,
        }),
    })?;
    Ok(Applied { to: plan.to.clone(), to_kind: plan.to_kind, specs, written, files })
}

/// The place a repository-relative path names, refusing anything that leaves the repository
/// (absolute paths, `..`, a symlinked folder pointing outside, or a link in place of the file).
pub fn safe_path(root: &Path, rel: &str) -> Result<PathBuf> {
    let refuse = |why: &str| Error::Usage(format!("refusing to write `{rel}`: {why}"));
    let p = Path::new(rel);
    if p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_))) || normalize(p) != p {
        return Err(refuse("the path leaves the repository"));
    }
    let dest = root.join(p);
    let root_c = root.canonicalize().map_err(|e| Error::Usage(format!("cannot resolve {}: {e}", root.display())))?;
    let mut probe = dest.parent().map(Path::to_path_buf);
    while let Some(dir) = probe {
        if dir.exists() {
            let c = dir.canonicalize().map_err(|e| refuse(&e.to_string()))?;
            if !c.starts_with(&root_c) {
                return Err(refuse("a folder on the way is a link out of the repository"));
            }
            break;
        }
        probe = dir.parent().map(Path::to_path_buf);
    }
    if dest.is_symlink() {
        return Err(refuse("the file is a symbolic link"));
    }
    Ok(dest)
}

/// Writes `content` to `dest` through a temporary created exclusively (`O_EXCL`: an existing
/// file or link at its name is never opened) in the same folder, then renamed over `dest`.
fn write_file(root: &Path, rel: &str, dest: &Path, content: &str) -> Result<()> {
    let io = |e: std::io::Error| Error::Usage(format!("cannot write {}: {e}", dest.display()));
    let folder = Path::new(rel).parent().unwrap_or(Path::new(""));
    crate::files::dirs_within(root, folder).map_err(io)?;
    crate::files::replace(dest, content.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_repository_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        assert!(safe_path(r, "a/b.yaml").is_ok());
        for bad in ["../x.yaml", "a/../../x", "/etc/passwd", "./a", "a/./b/../../.."] {
            assert!(safe_path(r, bad).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            let out = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(out.path(), r.join("link")).unwrap();
            assert!(safe_path(r, "link/x.yaml").unwrap_err().to_string().contains("link out"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_old_temporary_name_is_never_written_through() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        // The predictable name earlier versions used.
        std::os::unix::fs::symlink(&victim, d.path().join(".api.yaml.apidiff-rollback")).unwrap();
        write_file(d.path(), "api.yaml", &d.path().join("api.yaml"), "new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(d.path().join("api.yaml")).unwrap(), "new");
        let left: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".apidiff-tmp"))
            .collect();
        assert!(left.is_empty(), "no temporary is left behind");
    }
}
