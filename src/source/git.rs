//! Every git command apidiff runs: reading files at a revision, the repository's top level,
//! the identity of a commit, and whether specs have uncommitted edits. No other module spawns git.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs git in `dir` and returns its raw output (`None` when git cannot be started).
pub fn output(dir: &Path, args: &[&str]) -> Option<Output> {
    Command::new("git").arg("-C").arg(dir).args(args).output().ok()
}

/// Runs git in `dir`; the trimmed stdout on success.
pub fn run(dir: &Path, args: &[&str]) -> Option<String> {
    let o = output(dir, args)?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// The top level of the work tree that holds `dir`.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    run(dir, &["rev-parse", "--show-toplevel"]).map(PathBuf::from)
}

/// Whether `rev` names a commit of the repository at `dir`.
pub fn is_commit(dir: &Path, rev: &str) -> bool {
    run(dir, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).is_some()
}

/// Whether `rev:path` exists.
pub fn has_file(dir: &Path, rev: &str, rel: &str) -> bool {
    output(dir, &["cat-file", "-e", &format!("{rev}:{rel}")]).is_some_and(|o| o.status.success())
}

/// The folder of `dir` relative to the top level (`git rev-parse --show-prefix`).
pub fn prefix(dir: &Path) -> Option<String> {
    run(dir, &["rev-parse", "--show-prefix"])
}

/// Whether any of `paths` has uncommitted (or untracked) changes.
pub fn dirty(dir: &Path, paths: &[&str]) -> bool {
    if paths.is_empty() {
        return false;
    }
    let mut args = vec!["--literal-pathspecs", "status", "--porcelain", "--untracked-files=all", "--"];
    args.extend(paths);
    run(dir, &args).is_some_and(|out| !out.is_empty())
}

/// Facts about the commit at HEAD, for the record.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// The commit id.
    pub commit: Option<String>,
    /// Its author, `Name <email>`.
    pub author: Option<String>,
    /// Its message.
    pub message: Option<String>,
}

/// HEAD's commit, author and message.
pub fn head(dir: &Path) -> Head {
    Head {
        commit: run(dir, &["rev-parse", "HEAD"]),
        author: run(dir, &["log", "-1", "--format=%an <%ae>"]),
        message: run(dir, &["log", "-1", "--format=%B"]).filter(|m| !m.is_empty()),
    }
}

/// git's committer identity, `Name <email>`.
pub fn committer(dir: &Path) -> Option<String> {
    let ident = run(dir, &["var", "GIT_COMMITTER_IDENT"])?;
    let end = ident.find('>')?;
    Some(ident[..=end].to_string())
}

/// Writes the files of `rev` under `dest` (which must exist) through a temporary index kept in
/// `dest`: neither the repository's index nor its work tree is touched. `false` when git fails.
pub fn export_tree(dir: &Path, rev: &str, dest: &Path) -> bool {
    let index = dest.join(".apidiff-index");
    let prefix = format!("--prefix={}/", dest.join("tree").display());
    let ok = |args: &[&str]| {
        Command::new("git").arg("-C").arg(dir).env("GIT_INDEX_FILE", &index).args(args).output().is_ok_and(|o| o.status.success())
    };
    ok(&["read-tree", rev]) && ok(&["checkout-index", "--all", "--force", &prefix])
}

/// The messages of the commits in `base..head`, newest first (at most 200; a merge queue's
/// group is a handful of pull requests). Empty when git fails or a revision is unknown.
pub fn messages(dir: &Path, base: &str, head: &str) -> Vec<String> {
    let range = format!("{base}..{head}");
    run(dir, &["log", "-n", "200", "--format=%B%x00", &range, "--"])
        .map(|out| out.split('\0').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect())
        .unwrap_or_default()
}
