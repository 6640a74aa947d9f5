//! `apidiff rollback --to <hash>`: write archived spec files back into the working tree (or,
//! with `--preview`, show what that would change). Every rollback is an audit event.

use super::context::{Common, LiveArgs, actor, now_ms, on_big_stack, short};
use super::context::{Exit, out, out_bytes, today};
use crate::diff::{self, Format, Options};
use crate::error::Error;
use crate::policy::{self, FailOn, Policy};
use crate::report::ReportFormat as OutputFormat;
use crate::report::{Report, SpecPair, text};
use crate::source::http::Remote;
use crate::source::{live, normalize};
use crate::spec::{self, LoadOptions};
use crate::store::bundle::{self, Bundle, Tree};
use crate::store::view::unified;
use crate::store::{self, Action, Archive, AuditEvent, Entry, time};
use clap::Args;
use std::path::{Component, Path, PathBuf};

/// Arguments of `apidiff rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub common: Common,
    /// A deploy hash (the git commit a snapshot was recorded at; full or abbreviated) or a snapshot id.
    #[arg(long, value_name = "HASH")]
    pub to: String,
    /// Only this module.
    #[arg(long, short = 'm')]
    pub module: Option<String>,
    /// Show what would change (spec diff and change report) without writing anything.
    #[arg(long)]
    pub preview: bool,
    /// Output format of the preview's change report.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// For entries of live sources, `--preview` fetches what runs now with these settings.
    #[command(flatten)]
    pub connection: LiveArgs,
}

pub(super) fn run(args: RollbackArgs, color: bool) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    let entries = ctx.archive.entries()?;
    let (kind, full, targets) = Archive::rollback_targets(&entries, &args.to, args.module.as_deref())?;
    // Read and check everything before writing anything.
    let mut plan: Vec<(Entry, Bundle)> = Vec::new();
    for e in targets {
        let b = ctx.archive.snapshot(e.snapshot.as_deref().unwrap_or(""))?;
        if live::is_live(&e.spec) {
            // What a service serves cannot be written back; it can be compared with what runs.
            if !args.preview {
                return Err(Error::Usage(format!(
                    "{}: a live source cannot be rolled back by writing files (module {}); --preview compares it with the snapshot",
                    e.spec, e.module
                )));
            }
            plan.push((e, b));
            continue;
        }
        // A tampered record may name any path: the spec and every file must stay inside the
        // repository, for `--preview` (which reads the current file) as for writing.
        for p in std::iter::once(&e.spec).chain(b.files.keys()) {
            safe_path(&ctx.root, p)?;
        }
        plan.push((e, b));
    }
    if args.preview {
        let root = ctx.root.clone();
        let format = args.format;
        let load = crate::pipeline::load_options(&ctx.root, &ctx.config);
        let opts = Options { today: today(), proto_category: ctx.config.protobuf.category().to_string() };
        let remote = args.connection.remote(&ctx.config.headers_env)?;
        return on_big_stack(move || preview(&root, &remote, plan, (format, color), (&load, &opts), &full, kind));
    }
    let now = now_ms();
    let tstamp = time::format_millis(now);
    let mut written: Vec<String> = Vec::new();
    let mut lines = String::new();
    for (e, b) in &plan {
        for (p, content) in &b.files {
            let dest = safe_path(&ctx.root, p)?;
            if crate::source::read_limited(&dest, p, crate::source::MAX_FILE_BYTES).is_ok_and(|cur| cur == content.as_bytes()) {
                continue;
            }
            write_file(&dest, content)?;
            written.push(p.clone());
            lines.push_str(&format!("wrote {p} (module {}, snapshot {})\n", e.module, short(e.snapshot.as_deref().unwrap_or(""))));
        }
    }
    let from = crate::source::git::head(&ctx.root).commit;
    ctx.archive.audit(&AuditEvent {
        id: store::unique_id(&tstamp, "rollback"),
        time: tstamp,
        actor: actor(&ctx.root),
        action: Action::Rollback,
        details: serde_json::json!({
            "from": from,
            "to": full,
            "to_kind": kind,
            "module": args.module,
            "specs": plan.iter().map(|(e, _)| serde_json::json!({"module": e.module, "spec": e.spec, "snapshot": e.snapshot})).collect::<Vec<_>>(),
            "written": written,
        }),
    })?;
    if written.is_empty() {
        lines.push_str(&format!("Nothing to write: the working tree already matches {kind} {}\n", short(&full)));
    } else {
        lines.push_str(&format!(
            "Rolled back {} file{} to {kind} {}\n",
            written.len(),
            super::context::plural(written.len()),
            short(&full)
        ));
    }
    out(&lines);
    Ok(Exit::Clean)
}

fn preview(
    root: &Path,
    remote: &Remote,
    plan: Vec<(Entry, Bundle)>,
    (format, color): (OutputFormat, bool),
    (load, opts): (&LoadOptions, &Options),
    full: &str,
    kind: &str,
) -> Result<Exit, Error> {
    let worktree = Tree::worktree(root, &[]);
    let mut pairs = Vec::new();
    let mut diffs = String::new();
    for (e, target) in &plan {
        let fmt = Format::parse(&e.format);
        let current = match fmt {
            // A live source: what it serves now (a failure names the locator).
            _ if live::is_live(&e.spec) => {
                let i = crate::source::Input::open_with(&e.spec, root, remote, &[])?;
                Some(Bundle { format: e.format.clone(), entry: i.name.clone(), files: [(i.name, i.text)].into() })
            }
            Some(f) if worktree.has(&e.spec) => Some(bundle::collect(&worktree, &e.spec, f, load)?),
            _ => None,
        };
        diffs.push_str(&format!("== module {}: {} (now → {kind} {})\n", e.module, e.spec, short(full)));
        diffs.push_str(&unified(current.as_ref(), Some(target)));
        let changes = match &current {
            Some(cur) => {
                let a = spec::load(&cur.input()?, load)?;
                let b = spec::load(&target.input()?, load)?;
                diff::compare(&a, &b, opts)?
            }
            None => Vec::new(),
        };
        let outcome = policy::apply(changes, &Policy { fail_on: FailOn::Never, today: opts.today.clone(), ..Policy::default() });
        let pair = SpecPair {
            module: Some(e.module.clone()),
            format: fmt.unwrap_or(Format::OpenApi),
            base: if current.is_some() { e.spec.clone() } else { "(missing)".into() },
            revision: format!("snapshot:{}", short(e.snapshot.as_deref().unwrap_or(""))),
        };
        pairs.push((pair, outcome));
    }
    let report = Report::build(pairs, FailOn::Never);
    match format {
        OutputFormat::Text => {
            out(&diffs);
            out("\nChanges the rollback would make (now → target):\n");
            out(&text::render(&report, color, None));
            out("Preview only: nothing was written.\n");
        }
        other => out_bytes(&other.render(&report, color)),
    }
    Ok(Exit::Clean)
}

/// The place a repository-relative path names, refusing anything that leaves the repository
/// (absolute paths, `..`, or a symlinked folder pointing outside).
fn safe_path(root: &Path, rel: &str) -> Result<PathBuf, Error> {
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

fn write_file(dest: &Path, content: &str) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Usage(format!("cannot write {}: {e}", dest.display()));
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let tmp = dest
        .with_file_name(format!(".{}.apidiff-rollback", dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()));
    std::fs::write(&tmp, content).map_err(io)?;
    std::fs::rename(&tmp, dest).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
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
}
