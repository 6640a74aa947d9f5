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

/// A revision's files, listed once (`git ls-tree -r -t --full-tree`) and read on demand through
/// one `git cat-file --batch` process, each blob once: a run that reads the imports of hundreds
/// of protobuf packages from one revision starts two git processes instead of thousands.
pub struct RevFiles {
    /// Every path of the revision (slash-separated, from the top level) and what it is.
    entries: std::collections::BTreeMap<String, Kind>,
    /// The `cat-file --batch` process, started at the first read; `None` after it failed.
    reader: std::sync::Mutex<Option<Batch>>,
    /// The blobs read so far, by id.
    blobs: std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>,
    /// How many blobs were read from git (each at most once).
    reads: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for RevFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevFiles").field("entries", &self.entries.len()).finish_non_exhaustive()
    }
}

/// What a path of a revision is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// A file, with its blob id.
    Blob(String),
    Tree,
    /// A submodule.
    Other,
}

/// What [`RevFiles`] knows about a path.
#[derive(Debug, PartialEq, Eq)]
pub enum RevEntry {
    /// A file (blob), with its contents.
    File(Vec<u8>),
    /// Not in the revision.
    Absent,
    /// A folder, a submodule, or a blob git would not hand over: ask git itself.
    Other,
}

impl RevFiles {
    /// Lists the files of the commit `rev`; `None` when `rev` is not a commit or git fails.
    pub fn list(dir: &Path, rev: &str) -> Option<RevFiles> {
        if !is_commit(dir, rev) {
            return None;
        }
        let out = output(dir, &["ls-tree", "-r", "-t", "-z", "--full-tree", rev])?;
        if !out.status.success() {
            return None;
        }
        let mut entries = std::collections::BTreeMap::new();
        for entry in out.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let (meta, name) = entry.split_once('\t')?;
            let mut meta = meta.split(' ');
            let (kind, id) = (meta.nth(1)?, meta.next()?);
            let kind = match kind {
                "blob" => Kind::Blob(id.to_string()),
                "tree" => Kind::Tree,
                _ => Kind::Other,
            };
            entries.insert(name.to_string(), kind);
        }
        let reader = std::sync::Mutex::new(Batch::start(dir));
        Some(RevFiles { entries, reader, blobs: Default::default(), reads: Default::default() })
    }

    /// The file at `rel` (slash-separated, from the top level).
    pub fn get(&self, rel: &str) -> RevEntry {
        let id = match self.entries.get(rel) {
            None if !rel.is_empty() => return RevEntry::Absent,
            Some(Kind::Blob(id)) => id,
            _ => return RevEntry::Other,
        };
        if let Some(bytes) = self.blobs.lock().ok().and_then(|b| b.get(id).cloned()) {
            return RevEntry::File(bytes);
        }
        let Ok(mut reader) = self.reader.lock() else { return RevEntry::Other };
        let Some(bytes) = reader.as_mut().and_then(|r| r.read(id)) else {
            // A process that failed once is not trusted again: git itself answers from now on.
            *reader = None;
            return RevEntry::Other;
        };
        self.reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut b) = self.blobs.lock() {
            b.insert(id.clone(), bytes.clone());
        }
        RevEntry::File(bytes)
    }

    /// Whether `rel` is a path of the revision (a file or a folder; `""` is the top level).
    pub fn has(&self, rel: &str) -> bool {
        rel.is_empty() || self.entries.contains_key(rel)
    }

    /// Whether `rel` is a folder of the revision.
    pub fn is_dir(&self, rel: &str) -> bool {
        rel.is_empty() || self.entries.get(rel) == Some(&Kind::Tree)
    }

    /// The files below the folder `rel` (directly in it unless `recursive`), as paths relative to
    /// it, in path order.
    pub fn files_below(&self, rel: &str, recursive: bool) -> Vec<&str> {
        let prefix = if rel.is_empty() { String::new() } else { format!("{rel}/") };
        self.entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, kind)| matches!(kind, Kind::Blob(_)) && (recursive || !k[prefix.len()..].contains('/')))
            .map(|(k, _)| &k[prefix.len()..])
            .collect()
    }

    /// How many blobs were read from git so far (each is read once, however often it is asked for).
    pub fn reads(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A running `git cat-file --batch`: one blob id in, its header and contents out.
struct Batch {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Batch {
    fn start(dir: &Path) -> Option<Batch> {
        use std::process::Stdio;
        let mut child = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take();
        let stdout = std::io::BufReader::new(child.stdout.take()?);
        Some(Batch { child, stdin, stdout })
    }

    /// The contents of the blob `id`; `None` when it is not a blob or the process fails.
    fn read(&mut self, id: &str) -> Option<Vec<u8>> {
        use std::io::{BufRead, Read, Write};
        let stdin = self.stdin.as_mut()?;
        writeln!(stdin, "{id}").ok()?;
        stdin.flush().ok()?;
        let mut header = String::new();
        self.stdout.read_line(&mut header).ok()?;
        // `<id> <type> <size>`, or `<id> missing`.
        let mut parts = header.split_whitespace().skip(1);
        let (kind, size) = (parts.next()?, parts.next()?.parse::<usize>().ok()?);
        let mut bytes = vec![0; size.checked_add(1)?];
        self.stdout.read_exact(&mut bytes).ok()?;
        bytes.pop();
        (kind == "blob").then_some(bytes)
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // Closing its input ends the process.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}
