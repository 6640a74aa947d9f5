//! An approval holds across 500 generated commits in a real temporary git repository: the
//! approved break (a required response property removed) is carried through reformatting
//! (indentation, quoting, flow or block style, JSON, comments), key reordering, moves of the
//! spec to other folders of its module, unrelated edits on main (recorded as the new baseline),
//! and real `git rebase`s of the branch carrying the break onto a main that moved on. It must
//! hold in at least 99% of them, and never for a materially different break (another property
//! of the same operation, or the same property of another operation). The specs are generated
//! in-process and checked with the library's `check`.

#![allow(clippy::print_stderr)] // the replay reports its figures

mod common_repo;

use apidiff::config::Config;
use apidiff::pipeline::approvals::{self, ApproveRequest, Approver};
use apidiff::pipeline::{self, Baseline, Identity, Request, Scope};
use apidiff::policy::FailOn;
use apidiff::store::{self, Archive};
use common_repo::Repo;
use serde_json::{Map, Value, json};

const COMMITS: usize = 500;
static GIT_NS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static REC_NS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static CHECK_NS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
const TODAY: &str = "2026-06-01";
const NOW: i64 = 1_780_000_000_000;
const CONFIG: &str = "modules:\n  - name: users\n    specs: ['services/users/**/*.yaml']\n";

/// A small deterministic generator (xorshift), so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// What main holds besides the fixed operations: unrelated endpoints and optional properties,
/// a version and a description.
#[derive(Clone, Default)]
struct Main {
    endpoints: Vec<String>,
    extras: Vec<String>,
    version: u32,
    description: String,
}

fn object(props: &[&str], required: &[&str], extras: &[String]) -> Value {
    let mut p = Map::new();
    for name in props {
        p.insert((*name).to_string(), json!({"type": "string", "description": format!("the {name}")}));
    }
    for e in extras {
        p.insert(e.clone(), json!({"type": "integer"}));
    }
    json!({"type": "object", "required": required, "properties": p})
}

fn op(schema: Value) -> Value {
    json!({"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}})
}

/// The spec: `/users` and `/teams` both return `id`, `name` and `email` (all required), minus
/// the `(path, property)` pairs in `drop`.
fn spec(main: &Main, drop: &[(&str, &str)]) -> Value {
    let mut paths = Map::new();
    for path in ["/users", "/teams"] {
        let keep: Vec<&str> = ["id", "name", "email"].into_iter().filter(|p| !drop.contains(&(path, *p))).collect();
        let extras = if path == "/teams" { main.extras.clone() } else { Vec::new() };
        paths.insert(path.to_string(), json!({"get": op(object(&keep, &keep, &extras))}));
    }
    for e in &main.endpoints {
        paths.insert(e.clone(), json!({"get": op(object(&["id"], &["id"], &[]))}));
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Users", "version": format!("1.{}", main.version), "description": main.description},
        "paths": paths,
    })
}

/// Shuffles every object's keys (arrays keep their order: it can matter), except that the
/// `openapi` key stays first: discovery recognises a spec by that key in its first 4 KB.
fn reorder(v: &Value, rng: &mut Rng) -> Value {
    let Value::Object(top) = v else { return shuffle(v, rng) };
    let mut out = Map::new();
    out.insert("openapi".into(), top["openapi"].clone());
    if let Value::Object(rest) = shuffle(v, rng) {
        out.extend(rest.into_iter().filter(|(k, _)| k != "openapi"));
    }
    Value::Object(out)
}

fn shuffle(v: &Value, rng: &mut Rng) -> Value {
    match v {
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            for i in (1..keys.len()).rev() {
                keys.swap(i, rng.below(i + 1));
            }
            Value::Object(keys.into_iter().map(|k| (k.clone(), shuffle(&o[k], rng))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| shuffle(x, rng)).collect()),
        other => other.clone(),
    }
}

/// How a document is written out.
#[derive(Clone, Copy)]
struct Style {
    indent: usize,
    quote_all: bool,
    flow_leaves: bool,
    json: Option<bool>,
    comments: bool,
}

impl Style {
    fn plain() -> Style {
        Style { indent: 2, quote_all: false, flow_leaves: true, json: None, comments: false }
    }
    fn random(rng: &mut Rng) -> Style {
        Style {
            indent: [2, 3, 4][rng.below(3)],
            quote_all: rng.chance(50),
            flow_leaves: rng.chance(50),
            json: if rng.chance(20) { Some(rng.chance(50)) } else { None },
            comments: rng.chance(50),
        }
    }
}

fn scalar(v: &Value, quote_all: bool) -> String {
    match v {
        Value::String(s) => {
            let reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(&s.to_ascii_lowercase().as_str());
            let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '_')
                && !reserved;
            if plain && !quote_all { s.clone() } else { serde_json::to_string(s).unwrap() }
        }
        other => serde_json::to_string(other).unwrap(),
    }
}

fn key(k: &str, quote_all: bool) -> String {
    scalar(&Value::String(k.to_string()), quote_all)
}

fn is_leaf(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.values().all(|x| !x.is_object() && !x.is_array()),
        Value::Array(a) => a.iter().all(|x| !x.is_object() && !x.is_array()),
        _ => true,
    }
}

fn flow(v: &Value, s: Style) -> String {
    match v {
        Value::Object(o) => {
            let parts: Vec<String> = o.iter().map(|(k, x)| format!("{}: {}", key(k, s.quote_all), flow(x, s))).collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(|x| flow(x, s)).collect::<Vec<_>>().join(", ")),
        other => scalar(other, s.quote_all),
    }
}

fn block(v: &Value, s: Style, level: usize, out: &mut String) {
    let pad = " ".repeat(s.indent * level);
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let simple = !x.is_object() && !x.is_array();
                if simple || (s.flow_leaves && is_leaf(x)) || x.as_array().is_some_and(Vec::is_empty) {
                    out.push_str(&format!("{pad}{}: {}\n", key(k, s.quote_all), flow(x, s)));
                } else {
                    out.push_str(&format!("{pad}{}:\n", key(k, s.quote_all)));
                    block(x, s, level + 1, out);
                }
            }
        }
        Value::Array(a) => {
            for x in a {
                out.push_str(&format!("{pad}- {}\n", flow(x, s)));
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other, s.quote_all))),
    }
}

fn render(v: &Value, s: Style) -> String {
    let mut out = String::new();
    // A comment is YAML's; a JSON document has none.
    if s.comments && s.json.is_none() {
        out.push_str("# generated for the approval replay\n\n");
    }
    match s.json {
        Some(true) => out.push_str(&serde_json::to_string_pretty(v).unwrap()),
        Some(false) => out.push_str(&serde_json::to_string(v).unwrap()),
        None => block(v, s, 0, &mut out),
    }
    out.push('\n');
    out
}

struct Bench {
    repo: Repo,
    config: Config,
    archive: Archive,
    /// Where the spec lives on main, and its text there.
    path: String,
    text: String,
    /// The message of main's edits not committed yet.
    pending: Option<String>,
    /// The clock: each run is a second after the one before, so the history has an order.
    clock: std::cell::Cell<i64>,
}

impl Bench {
    fn request(&self) -> Request<'_> {
        let root = self.repo.path().to_path_buf();
        Request {
            policy: pipeline::policy_for(&root, &self.config, &[], FailOn::Breaking, TODAY).unwrap(),
            load: pipeline::load_options(&root, &self.config).expect("load options"),
            options: apidiff::diff::Options { today: TODAY.into(), ..Default::default() },
            baseline: Baseline::Archive,
            scope: Scope::Discover(Vec::new()),
            root,
            config: &self.config,
            archive: &self.archive,
            identity: Identity { now: self.tick(), via: "run", ..Identity::default() },
        }
    }

    fn tick(&self) -> i64 {
        self.clock.set(self.clock.get() + 1000);
        self.clock.get()
    }

    /// Commits main's spec (at `self.path`, removing other copies) and records it as the baseline.
    /// Main's commits are made when a branch needs them (a rebase), so most records cost no
    /// git run.
    fn record_main(&mut self, text: &str, path: &str, msg: &str) {
        let _ = std::fs::remove_dir_all(self.repo.path().join("services"));
        self.repo.write(path, text);
        self.path = path.to_string();
        self.text = text.to_string();
        self.pending = Some(msg.to_string());
        let t = std::time::Instant::now();
        let req = self.request();
        let checked = pipeline::check(&req).unwrap();
        assert!(checked.report.errors.is_empty(), "{:?}", checked.report.errors);
        pipeline::record(&req, &checked).unwrap();
        REC_NS.fetch_add(t.elapsed().as_nanos() as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// Checks the working tree; returns (gate passed, fingerprints of the approved changes,
    /// fingerprints of the blocking ones).
    fn check(&self) -> (bool, Vec<String>, Vec<String>) {
        let t = std::time::Instant::now();
        let checked = pipeline::check(&self.request()).unwrap();
        CHECK_NS.fetch_add(t.elapsed().as_nanos() as u64, std::sync::atomic::Ordering::Relaxed);
        assert!(checked.report.errors.is_empty(), "{:?}", checked.report.errors);
        let r = &checked.report;
        let approved = r.changes.iter().filter(|c| c.approval.is_some()).map(|c| c.fingerprint.clone()).collect();
        let blocking = r.changes.iter().filter(|c| c.blocking).map(|c| c.fingerprint.clone()).collect();
        (r.gate.passed, approved, blocking)
    }

    /// Commits main's pending edits.
    fn catch_up(&mut self) {
        if let Some(msg) = self.pending.take() {
            self.commit(&msg);
        }
    }

    /// Commits everything (two git runs, not three: this runs hundreds of times).
    fn commit(&self, msg: &str) {
        let t = std::time::Instant::now();
        self.repo.git(&["add", "-A"]);
        self.repo.git(&["commit", "-q", "-m", msg]);
        GIT_NS.fetch_add(t.elapsed().as_nanos() as u64, std::sync::atomic::Ordering::Relaxed);
    }

    /// Replaces the working tree's spec (at `path`) without committing.
    fn stage(&self, text: &str, path: &str) {
        let _ = std::fs::remove_dir_all(self.repo.path().join("services"));
        self.repo.write(path, text);
    }
}

const BREAK: &[(&str, &str)] = &[("/users", "name")];
const OTHER_PROPERTY: &[(&str, &str)] = &[("/users", "email")];
const OTHER_OPERATION: &[(&str, &str)] = &[("/teams", "name")];
const FOLDERS: &[&str] = &["services/users", "services/users/api", "services/users/v1", "services/users/openapi/public"];

#[test]
fn an_approval_survives_500_generated_commits_and_never_covers_another_break() {
    let started = std::time::Instant::now();
    let repo = Repo::new();
    repo.write("apidiff.yaml", CONFIG);
    let config = apidiff::config::parse("apidiff.yaml", CONFIG).unwrap();
    let archive = Archive::new(store::open(".apidiff", repo.path()).unwrap());
    archive.create().unwrap();
    repo.write(".gitignore", ".apidiff/\n");
    let mut b = Bench { repo, config, archive, path: String::new(), text: String::new(), pending: None, clock: std::cell::Cell::new(NOW) };
    let mut main = Main { description: "first".into(), ..Main::default() };
    b.record_main(&render(&spec(&main, &[]), Style::plain()), "services/users/api/users.yaml", "initial");

    // The break, checked once and approved by its fingerprint.
    b.stage(&render(&spec(&main, BREAK), Style::plain()), "services/users/api/users.yaml");
    let (passed, _, blocking) = b.check();
    assert!(!passed && blocking.len() == 1, "{blocking:?}");
    let approved_fp = blocking[0].clone();
    let approver = Approver { by: Some("ann".into()), groups: vec![], owners_only: false, via: "test" };
    let req = ApproveRequest {
        approves: approvals::target(Some(&approved_fp), None, None).unwrap(),
        reason: "the name moved to /profiles".into(),
        expires: None,
        module: Some("users".into()),
        pr: None,
        approver,
        label: None,
        now: NOW,
    };
    approvals::approve(&b.archive, b.repo.path(), &b.config, req).unwrap();

    let mut rng = Rng(0x5eed_a11d_0042);
    let (mut holds, mut different_checked) = (0usize, 0usize);
    let mut failures = Vec::new();
    for i in 0..COMMITS {
        // Reformatting, unrelated edits, moves and reordering each in a fifth of the commits
        // (unrelated edits in three tenths), and a real rebase in every tenth.
        let kind = if i % 10 == 9 { 1 } else { i % 5 };
        // Main moves on: an unrelated edit, a move of the spec within the module, or a rebase.
        match kind {
            1 => {
                main.version += 1;
                // Added or taken away again, so the spec stays small.
                match rng.below(4) {
                    0 => main.endpoints.push(format!("/things{i}")),
                    1 => main.extras.push(format!("extra{i}")),
                    2 if !main.endpoints.is_empty() => drop_first(&mut main.endpoints),
                    _ if !main.extras.is_empty() => drop_first(&mut main.extras),
                    _ => main.extras.push(format!("extra{i}")),
                }
                main.description = format!("edit {i}");
                let path = b.path.clone();
                b.record_main(&render(&spec(&main, &[]), Style::random(&mut rng)), &path, &format!("unrelated {i}"));
            }
            2 => {
                let folder = FOLDERS[rng.below(FOLDERS.len())];
                let text = b.text.clone();
                let path = format!("{folder}/users.yaml");
                if path != b.path {
                    // The move alone, content unchanged, recorded as a rename.
                    b.record_main(&text, &path, &format!("move {i}"));
                }
            }
            _ => {}
        }
        let style = Style::random(&mut rng);
        if kind == 4 {
            rebase(&mut b, &mut main, i);
        } else {
            let doc = if kind == 3 || rng.chance(30) { reorder(&spec(&main, BREAK), &mut rng) } else { spec(&main, BREAK) };
            b.stage(&render(&doc, style), &b.path.clone());
        }
        let (passed, approved, blocking) = b.check();
        if passed && approved == [approved_fp.clone()] && blocking.is_empty() {
            holds += 1;
        } else {
            failures.push(format!("commit {i} (kind {kind}): passed {passed}, approved {approved:?}, blocking {blocking:?}"));
        }
        // Every tenth commit: a materially different break with the same formatting never passes.
        if i % 10 == 0 {
            for other in [OTHER_PROPERTY, OTHER_OPERATION] {
                b.stage(&render(&reorder(&spec(&main, other), &mut rng), style), &b.path.clone());
                let (passed, approved, blocking) = b.check();
                assert!(
                    !passed && approved.is_empty() && blocking.len() == 1,
                    "commit {i}: {other:?} passed or was approved: {passed} {approved:?} {blocking:?}\n{}",
                    std::fs::read_to_string(b.repo.path().join(&b.path)).unwrap()
                );
                assert_ne!(blocking[0], approved_fp);
                different_checked += 1;
            }
        }
        // Back to main's committed state for the next commit (only a rebase left main).
        if kind == 4 {
            b.repo.git(&["checkout", "-q", "-f", "main"]);
        }
        b.stage(&b.text.clone(), &b.path.clone());
    }
    let rate = holds as f64 / COMMITS as f64;
    let ms = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed) / 1_000_000;
    eprintln!(
        "approval held in {holds}/{COMMITS} commits ({:.1}%), {different_checked} different breaks refused, {:?} (checks {}ms, baselines {}ms, commits {}ms)",
        rate * 100.0,
        started.elapsed(),
        ms(&CHECK_NS),
        ms(&REC_NS),
        ms(&GIT_NS)
    );
    assert!(rate >= 0.99, "the approval held in only {holds}/{COMMITS}:\n{}", failures.join("\n"));
    assert_eq!(different_checked, 2 * COMMITS / 10);
}

fn drop_first(v: &mut Vec<String>) {
    v.remove(0);
}

/// A branch carrying the break, forked from main, is rebased onto a main that moved on (an
/// unrelated edit recorded as the baseline); the working tree is the rebased branch.
fn rebase(b: &mut Bench, main: &mut Main, i: usize) {
    let path = b.path.clone();
    b.catch_up();
    b.repo.git(&["checkout", "-q", "-B", "feature", "main"]);
    b.repo.write(&path, &render(&spec(main, BREAK), Style::plain()));
    b.commit(&format!("break on the branch {i}"));
    b.repo.git(&["checkout", "-q", "main"]);
    main.endpoints.push(format!("/rebased{i}"));
    if main.endpoints.len() > 6 {
        drop_first(&mut main.endpoints);
    }
    main.version += 1;
    b.record_main(&render(&spec(main, &[]), Style::plain()), &path, &format!("main moves on {i}"));
    b.catch_up();
    // The branch's edit and main's touch the same file: git's merge of the two is the rebase.
    let merged = render(&spec(main, BREAK), Style::plain());
    b.repo.git(&["checkout", "-q", "feature"]);
    let o = std::process::Command::new("git")
        .args(["rebase", "-q", "main"])
        .current_dir(b.repo.path())
        .envs(common_repo::ENV.iter().copied())
        .output()
        .unwrap();
    if !o.status.success() {
        // A conflict: resolve it as a developer would, with both sides' edits.
        b.repo.write(&path, &merged);
        b.repo.git(&["add", "-A"]);
        let c = std::process::Command::new("git")
            .args(["-c", "core.editor=true", "rebase", "--continue"])
            .current_dir(b.repo.path())
            .envs(common_repo::ENV.iter().copied())
            .output()
            .unwrap();
        assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    }
    assert_eq!(b.repo.read(&path), merged, "the rebased branch holds main's edit and the break");
}
