//! The composite action, run locally: the `run:` script of its check step is taken from
//! action.yml and executed with bash in a simulated GitHub Actions environment (event payload,
//! step summary, outputs, and a stand-in for the GitHub REST API on 127.0.0.1 that records
//! every request). Checks the annotations, the job summary, the step outputs and the
//! pull-request comment: POSTed on the first run, PATCHed on the second, found across pages.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

const BASE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/users:\n    get:\n      responses:\n        '200': {description: ok}\n  /v1/orders:\n    get:\n      responses:\n        '200': {description: ok}\n";
const REVISION: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/orders:\n    get:\n      responses:\n        '200': {description: ok}\n";

/// One request the fake API received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    auth: String,
    body: String,
}

/// The fake GitHub API: issue comments of pull request 7 of `o/r`, with `filler` unrelated
/// comments first (so finding ours needs a second page).
struct FakeGitHub {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    comments: Arc<Mutex<Vec<(u64, String)>>>,
}

fn fake_github(filler: usize) -> FakeGitHub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let comments: Arc<Mutex<Vec<(u64, String)>>> = Arc::new(Mutex::new((0..filler as u64).map(|i| (i + 1, format!("LGTM {i}"))).collect()));
    let (s2, c2) = (seen.clone(), comments.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let path = parts.next().unwrap_or("").to_string();
            let (mut len, mut auth) = (0usize, String::new());
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap_or(("", ""));
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => len = v.trim().parse().unwrap_or(0),
                    "authorization" => auth = v.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let body = String::from_utf8_lossy(&body).to_string();
            s2.lock().unwrap().push(Seen { method: method.clone(), path: path.clone(), auth, body: body.clone() });
            let new_body = || serde_json::from_str::<Value>(&body).unwrap()["body"].as_str().unwrap().to_string();
            let (status, reply) = if method == "GET" && path.starts_with("/repos/o/r/issues/7/comments?") {
                let page: usize = path.split("page=").last().and_then(|p| p.parse().ok()).unwrap_or(1);
                let all = c2.lock().unwrap();
                let items: Vec<Value> =
                    all.iter().skip((page - 1) * 100).take(100).map(|(id, b)| serde_json::json!({"id": id, "body": b})).collect();
                ("200 OK", Value::Array(items).to_string())
            } else if method == "POST" && path == "/repos/o/r/issues/7/comments" {
                let mut all = c2.lock().unwrap();
                let id = 9000 + all.len() as u64;
                all.push((id, new_body()));
                ("201 Created", serde_json::json!({"id": id}).to_string())
            } else if method == "PATCH" && path.starts_with("/repos/o/r/issues/comments/") {
                let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
                let mut all = c2.lock().unwrap();
                match all.iter_mut().find(|(i, _)| *i == id) {
                    Some(c) => {
                        c.1 = new_body();
                        ("200 OK", serde_json::json!({"id": id}).to_string())
                    }
                    None => ("404 Not Found", r#"{"message":"Not Found"}"#.to_string()),
                }
            } else {
                ("404 Not Found", r#"{"message":"Not Found"}"#.to_string())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    FakeGitHub { url, seen, comments }
}

/// The `run:` script of the step with `id: check`, read from action.yml with apidiff's own
/// YAML loader.
fn check_step_script() -> (String, Value) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let (action, _) = apidiff::source::text::parse("action.yml", &text).unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    let step = steps.iter().find(|s| s["id"] == "check").expect("a step with id: check");
    assert_eq!(step["shell"], "bash");
    let script = step["run"].as_str().unwrap().to_string();
    assert!(!script.contains("${{"), "expressions belong in env:, not in the script");
    (script, step["env"].clone())
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git").current_dir(dir).args(args).output().unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// A repository whose HEAD removes `GET /v1/users`; returns it and the base commit.
fn repo() -> (tempfile::TempDir, String) {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    git(d.path(), &["config", "user.email", "ci@example.com"]);
    git(d.path(), &["config", "user.name", "CI"]);
    std::fs::create_dir(d.path().join("api")).unwrap();
    std::fs::write(d.path().join("api/openapi.yaml"), BASE).unwrap();
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-qm", "base"]);
    let base = git(d.path(), &["rev-parse", "HEAD"]);
    std::fs::write(d.path().join("api/openapi.yaml"), REVISION).unwrap();
    git(d.path(), &["commit", "-qam", "remove users"]);
    (d, base)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    summary: String,
    outputs: String,
    runner_temp: std::path::PathBuf,
}

/// Runs the check step as GitHub would, with the step's inputs as env and the given API URL.
fn run_step(repo: &Path, base: &str, api_url: &str, token: &str, work: &Path) -> Run {
    let (script, env) = check_step_script();
    // Every env var the step declares must be set by the test (with its input's default).
    let declared: Vec<String> = env.as_object().unwrap().keys().cloned().collect();
    for k in ["BASE", "FAIL_ON", "FORMAT", "STORE", "CONFIG", "TOKEN", "GITHUB_TOKEN"] {
        assert!(declared.iter().any(|d| d == k), "step env lost {k}");
    }
    let event = work.join("event.json");
    std::fs::write(&event, serde_json::json!({"pull_request": {"number": 7, "base": {"sha": base}}}).to_string()).unwrap();
    let summary = work.join("summary.md");
    let outputs = work.join("outputs.txt");
    let runner_temp = work.join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let _ = std::fs::remove_file(&summary);
    let _ = std::fs::remove_file(&outputs);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_apidiff")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let o = Command::new("bash")
        .arg("-e")
        .arg("-c")
        .arg(&script)
        .current_dir(repo)
        .env("PATH", path)
        .env("BASE", base)
        .env("FAIL_ON", "breaking")
        .env("FORMAT", "github")
        .env("STORE", "")
        .env("CONFIG", "")
        .env("TOKEN", token)
        .env("GITHUB_TOKEN", token)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_API_URL", api_url)
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_TEMP", &runner_temp)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).to_string(),
        stderr: String::from_utf8_lossy(&o.stderr).to_string(),
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        runner_temp,
    }
}

#[test]
fn the_check_step_annotates_summarises_outputs_and_upserts_one_comment() {
    let api = fake_github(130);
    let (repo, base) = repo();
    let work = tempfile::tempdir().unwrap();

    let first = run_step(repo.path(), &base, &api.url, "tok-123", work.path());
    assert_eq!(first.code, Some(1), "a breaking change fails the step\nstdout:{}\nstderr:{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("::error file=api/openapi.yaml"), "no annotation:\n{}", first.stdout);
    assert!(first.stdout.contains("endpoint-removed"), "{}", first.stdout);
    assert!(first.summary.contains("# API changes") && first.summary.contains("endpoint-removed"), "summary:\n{}", first.summary);
    for line in ["breaking=1", "passed=false", "blocking=1"] {
        assert!(first.outputs.lines().any(|l| l == line), "output {line} missing:\n{}", first.outputs);
    }
    let report_line = first.outputs.lines().find(|l| l.starts_with("report=")).expect("report output");
    let report_path = report_line.trim_start_matches("report=");
    assert!(report_path.starts_with(first.runner_temp.to_str().unwrap()) && report_path.ends_with(".json"));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(report_path).unwrap()).unwrap();
    assert_eq!(report["summary"]["breaking"], 1);
    assert!(first.stderr.contains("Posted the apidiff comment on pull request #7"), "{}", first.stderr);

    let seen = api.seen.lock().unwrap().clone();
    let methods: Vec<(&str, &str)> = seen.iter().map(|s| (s.method.as_str(), s.path.as_str())).collect();
    assert_eq!(
        methods,
        [
            ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=1"),
            ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=2"),
            ("POST", "/repos/o/r/issues/7/comments"),
        ]
    );
    assert!(seen.iter().all(|s| s.auth == "Bearer tok-123"), "{seen:?}");
    let posted: Value = serde_json::from_str(&seen[2].body).unwrap();
    let body = posted["body"].as_str().unwrap();
    assert!(body.starts_with("<!-- apidiff-report -->\n# API changes"), "{body}");
    assert!(body.contains("endpoint-removed"));

    // Second run: the marker comment (on page 2) is found and updated, not duplicated.
    api.seen.lock().unwrap().clear();
    let second = run_step(repo.path(), &base, &api.url, "tok-123", work.path());
    assert_eq!(second.code, Some(1));
    assert!(second.stderr.contains("Updated the apidiff comment on pull request #7"), "{}", second.stderr);
    let seen = api.seen.lock().unwrap().clone();
    let methods: Vec<(&str, &str)> = seen.iter().map(|s| (s.method.as_str(), s.path.as_str())).collect();
    assert_eq!(
        methods,
        [
            ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=1"),
            ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=2"),
            ("PATCH", "/repos/o/r/issues/comments/9130"),
        ]
    );
    let comments = api.comments.lock().unwrap();
    assert_eq!(comments.iter().filter(|(_, b)| b.contains("<!-- apidiff-report -->")).count(), 1);
}

#[test]
fn a_failing_api_or_missing_token_never_changes_the_verdict() {
    let (repo, base) = repo();
    let work = tempfile::tempdir().unwrap();
    // Nothing listens on this port once the listener is dropped.
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let r = run_step(repo.path(), &base, &dead, "tok", work.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("warning: could not comment on pull request #7"), "{}", r.stderr);
    assert!(r.summary.contains("endpoint-removed"));

    // Without a token there is no comment and no warning.
    let api = fake_github(0);
    let r = run_step(repo.path(), &base, &api.url, "", work.path());
    assert_eq!(r.code, Some(1));
    assert!(!r.stderr.contains("comment"), "{}", r.stderr);
    assert!(api.seen.lock().unwrap().is_empty());
}

#[test]
fn the_comment_is_trimmed_to_githubs_limit() {
    // A report far larger than 65,536 characters.
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for i in 0..3000 {
        spec.push_str(&format!(
            "  /v1/a-rather-long-path-segment-number-{i}:\n    get:\n      responses:\n        '200': {{description: ok}}\n"
        ));
    }
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.yaml"), &spec).unwrap();
    std::fs::write(d.path().join("b.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(d.path())
        .args(["diff", "a.yaml", "b.yaml", "-f", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["summary"]["breaking"], 3000);
    let api = fake_github(0);
    let event = d.path().join("event.json");
    std::fs::write(&event, r#"{"pull_request":{"number":7}}"#).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(d.path())
        .args(["diff", "a.yaml", "b.yaml", "-f", "github"])
        .env("GITHUB_TOKEN", "t")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_API_URL", &api.url)
        .env("GITHUB_EVENT_PATH", &event)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let comments = api.comments.lock().unwrap();
    assert_eq!(comments.len(), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let body = &comments[0].1;
    assert!(body.chars().count() <= 65_536, "comment has {} characters", body.chars().count());
    // 3,000 removals of one kind are one group: the comment names it once, and stays short.
    assert!(body.contains("| `endpoint-removed` | endpoint was removed **(blocking)** | 3,000 places ("), "{body}");
    assert!(body.len() < 10_000, "{} bytes", body.len());
    assert!(body.starts_with("<!-- apidiff-report -->"));
}

// ---- Installing apidiff: the release download, its checksum, the cache and the fallback ----
//
// The `where`, `install` and `build` steps' scripts run as GitHub would run them, against a
// file server on 127.0.0.1 that serves a release made by scripts/package.sh from the binary
// under test. The fallback build is simulated: a stand-in `cargo` on PATH records its
// arguments and CARGO_TARGET_DIR and "installs" the binary under test (a real `cargo install`
// would take minutes here; what the step asks cargo to do is what the test checks).

/// The `run:` script and `env:` of the step with this id.
fn step(id: &str) -> (String, Value) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let (action, _) = apidiff::source::text::parse("action.yml", &text).unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    let step = steps.iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("a step with id: {id}"));
    let script = step["run"].as_str().unwrap().to_string();
    assert!(!script.contains("${{"), "expressions belong in env:, not in the script");
    (script, step["env"].clone())
}

/// Serves the files under `root` (GET only; 404 for anything missing); counts requests.
fn file_server(root: std::path::PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            s2.lock().unwrap().push(path.clone());
            let file = root.join(path.trim_start_matches('/'));
            let (status, body) = match std::fs::read(&file) {
                Ok(b) if !path.contains("..") => ("200 OK", b),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(&body);
        }
    });
    (url, seen)
}

const TARGET: &str = "x86_64-unknown-linux-musl";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A release folder `<root>/v<version>/` with the archive and SHA256SUMS, built by
/// scripts/package.sh from the binary under test.
fn release(root: &Path) -> std::path::PathBuf {
    let dir = root.join(format!("v{VERSION}"));
    let o = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/package.sh"))
        .args(["--bin", env!("CARGO_BIN_EXE_apidiff"), "--target", TARGET, "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "package.sh: {}", String::from_utf8_lossy(&o.stderr));
    dir
}

struct Step {
    code: Option<i32>,
    log: String,
    outputs: std::collections::BTreeMap<String, String>,
    path_added: String,
}

/// Runs one step's script as a Linux x64 runner would, with `env` as the step's env.
fn run_install_step(id: &str, work: &Path, env: &[(&str, String)], extra_path: Option<&Path>) -> Step {
    let (script, declared) = step(id);
    for k in declared.as_object().unwrap().keys() {
        assert!(env.iter().any(|(e, _)| e == k), "the test does not set {k} of step {id}");
    }
    let outputs = work.join(format!("{id}-outputs.txt"));
    let gh_path = work.join(format!("{id}-path.txt"));
    let _ = std::fs::remove_file(&outputs);
    let _ = std::fs::remove_file(&gh_path);
    let mut path = std::env::var("PATH").unwrap_or_default();
    if let Some(p) = extra_path {
        path = format!("{}:{path}", p.display());
    }
    let mut c = Command::new("bash");
    c.args(["-e", "-c", &script])
        .current_dir(work)
        .env("PATH", path)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_PATH", &gh_path);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    let text = std::fs::read_to_string(&outputs).unwrap_or_default();
    Step {
        code: o.status.code(),
        log: format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
        outputs: text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        path_added: std::fs::read_to_string(&gh_path).unwrap_or_default(),
    }
}

/// The `where` step's outputs for a Linux x64 runner, with the tool cache under `work`.
fn where_step(work: &Path) -> std::collections::BTreeMap<String, String> {
    let env = [
        ("VERSION", String::new()),
        ("ACTION_PATH", env!("CARGO_MANIFEST_DIR").to_string()),
        ("TOOL_CACHE", work.join("toolcache").display().to_string()),
    ];
    let s = run_install_step("where", work, &env, None);
    assert_eq!(s.code, Some(0), "{}", s.log);
    assert_eq!(s.outputs["version"], VERSION, "the action is pinned to its own version");
    assert_eq!(s.outputs["target"], TARGET);
    assert_eq!(s.outputs["archive"], format!("apidiff-v{VERSION}-{TARGET}.tar.gz"));
    s.outputs
}

fn install(work: &Path, w: &std::collections::BTreeMap<String, String>, releases: &str) -> Step {
    let env = [
        ("VERSION", w["version"].clone()),
        ("TARGET", w["target"].clone()),
        ("ARCHIVE", w["archive"].clone()),
        ("DIR", w["dir"].clone()),
        ("RELEASES", releases.to_string()),
    ];
    run_install_step("install", work, &env, None)
}

fn version_of(bin: &Path) -> String {
    let o = Command::new(bin).arg("--version").output().unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn the_action_downloads_verifies_and_caches_the_release() {
    let work = tempfile::tempdir().unwrap();
    let served = tempfile::tempdir().unwrap();
    let dir = release(served.path());
    let listing: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert!(listing.contains(&"SHA256SUMS".to_string()), "{listing:?}");
    let (url, seen) = file_server(served.path().to_path_buf());

    let w = where_step(work.path());
    let s = install(work.path(), &w, &url);
    assert_eq!(s.code, Some(0), "{}", s.log);
    assert_eq!(s.outputs["fallback"], "false", "{}", s.log);
    assert!(s.log.contains("downloaded, sha256"), "{}", s.log);
    let bin_dir = format!("{}/bin", w["dir"]);
    assert_eq!(s.path_added.trim(), bin_dir);
    assert_eq!(version_of(&Path::new(&bin_dir).join("apidiff")), format!("apidiff {VERSION}"));
    let asked = seen.lock().unwrap().clone();
    assert_eq!(asked, [format!("/v{VERSION}/SHA256SUMS"), format!("/v{VERSION}/apidiff-v{VERSION}-{TARGET}.tar.gz")]);

    // A second run finds it in the cache and asks nobody (the server is not even reachable).
    seen.lock().unwrap().clear();
    let s = install(work.path(), &w, "http://127.0.0.1:9");
    assert_eq!(s.code, Some(0), "{}", s.log);
    assert!(s.log.contains("from the cache"), "{}", s.log);
    assert_eq!(s.path_added.trim(), bin_dir);
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn a_wrong_checksum_fails_the_step_and_installs_nothing() {
    let work = tempfile::tempdir().unwrap();
    let served = tempfile::tempdir().unwrap();
    let dir = release(served.path());
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let (hash, rest) = sums.split_once(' ').unwrap();
    let wrong: String = hash.chars().map(|c| if c == '0' { '1' } else { '0' }).collect();
    std::fs::write(dir.join("SHA256SUMS"), format!("{wrong} {rest}")).unwrap();
    let (url, _) = file_server(served.path().to_path_buf());

    let w = where_step(work.path());
    let s = install(work.path(), &w, &url);
    assert_eq!(s.code, Some(1), "{}", s.log);
    assert!(s.log.contains("::error::apidiff: checksum mismatch"), "{}", s.log);
    assert!(!s.outputs.contains_key("fallback"), "a bad download must not fall back: {:?}", s.outputs);
    assert!(s.path_added.is_empty());
    assert!(!Path::new(&w["dir"]).join("bin/apidiff").exists());
}

#[test]
fn a_missing_release_falls_back_to_building_from_source() {
    let work = tempfile::tempdir().unwrap();
    let served = tempfile::tempdir().unwrap();
    let dir = release(served.path());
    std::fs::remove_file(dir.join(format!("apidiff-v{VERSION}-{TARGET}.tar.gz"))).unwrap();
    let (url, _) = file_server(served.path().to_path_buf());

    let w = where_step(work.path());
    let s = install(work.path(), &w, &url);
    assert_eq!(s.code, Some(0), "{}", s.log);
    assert_eq!(s.outputs["fallback"], "true");
    assert!(s.log.contains("::notice::apidiff: no apidiff-v"), "{}", s.log);
    assert!(s.path_added.is_empty());

    // The build step, with a stand-in cargo.
    let fake = work.path().join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let calls = work.path().join("cargo-calls.txt");
    let script = format!(
        "#!/usr/bin/env bash\necho \"$* | $CARGO_TARGET_DIR\" >> {calls}\nroot=''\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp {bin} \"$root/bin/apidiff\"\n",
        calls = calls.display(),
        bin = env!("CARGO_BIN_EXE_apidiff")
    );
    std::fs::write(fake.join("cargo"), script).unwrap();
    std::fs::set_permissions(fake.join("cargo"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let target_dir = work.path().join("apidiff-target").display().to_string();
    let action_path = env!("CARGO_MANIFEST_DIR").to_string();
    let env = [
        ("PINNED", String::new()),
        ("ACTION_PATH", action_path.clone()),
        ("DIR", w["dir"].clone()),
        ("CARGO_TARGET_DIR", target_dir.clone()),
    ];
    let b = run_install_step("build", work.path(), &env, Some(&fake));
    assert_eq!(b.code, Some(0), "{}", b.log);
    let called = std::fs::read_to_string(&calls).unwrap();
    assert_eq!(called.trim(), format!("install --locked --path {action_path} --root {} | {target_dir}", w["dir"]));
    let bin_dir = format!("{}/bin", w["dir"]);
    assert_eq!(b.path_added.trim(), bin_dir);
    assert_eq!(version_of(&Path::new(&bin_dir).join("apidiff")), format!("apidiff {VERSION}"));

    // With an explicit version, the fallback installs the package the project owns.
    std::fs::remove_file(&calls).unwrap();
    let env = [("PINNED", "v0.1.0".to_string()), ("ACTION_PATH", action_path), ("DIR", w["dir"].clone()), ("CARGO_TARGET_DIR", target_dir)];
    let b = run_install_step("build", work.path(), &env, Some(&fake));
    assert_eq!(b.code, Some(0), "{}", b.log);
    let called = std::fs::read_to_string(&calls).unwrap();
    assert!(called.starts_with("install apidiff-cli --version 0.1.0 --locked --root "), "{called}");
}

#[test]
fn every_release_platform_maps_to_its_archive() {
    let work = tempfile::tempdir().unwrap();
    let (script, _) = step("where");
    for (os, arch, archive) in [
        ("Linux", "X64", format!("apidiff-v{VERSION}-x86_64-unknown-linux-musl.tar.gz")),
        ("Linux", "ARM64", format!("apidiff-v{VERSION}-aarch64-unknown-linux-musl.tar.gz")),
        ("macOS", "ARM64", format!("apidiff-v{VERSION}-aarch64-apple-darwin.tar.gz")),
        ("macOS", "X64", format!("apidiff-v{VERSION}-x86_64-apple-darwin.tar.gz")),
        ("Windows", "X64", format!("apidiff-v{VERSION}-x86_64-pc-windows-msvc.zip")),
        ("Linux", "ARM", String::new()),
    ] {
        let outputs = work.path().join("out.txt");
        let _ = std::fs::remove_file(&outputs);
        let o = Command::new("bash")
            .args(["-e", "-c", &script])
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("VERSION", "v9.9.9")
            .env("ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
            .env("TOOL_CACHE", work.path())
            .env("GITHUB_OUTPUT", &outputs)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(&outputs).unwrap();
        assert!(text.lines().any(|l| l == "version=9.9.9"), "an explicit version wins, without its v: {text}");
        let archive = archive.replace(VERSION, "9.9.9");
        if archive.is_empty() {
            assert!(text.lines().any(|l| l == "target="), "{os}/{arch} has no release: {text}");
        } else {
            assert!(text.lines().any(|l| l == format!("archive={archive}")), "{os}/{arch}: {text}");
        }
    }
}

// ---- The approval label and merge queues, driven by recorded-shape event payloads ----
//
// The payloads under tests/fixtures/github-events/ have the shape GitHub sends (pull_request
// `opened`, `labeled`, `unlabeled`, `synchronize`; `merge_group` `checks_requested`); the test
// only points their commit ids at the temporary repository's.

fn event_fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github-events").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// Runs the action's check step for a `pull_request` or `merge_group` event payload, with a
/// folder store outside the repository (as a shared store would be).
fn run_event_step(repo: &Path, event_name: &str, payload: &Value, api_url: &str, store: &Path, work: &Path) -> Run {
    let (script, env) = check_step_script();
    for k in ["EVENT_NAME", "APPROVAL_LABEL"] {
        assert!(env.get(k).is_some(), "step env lost {k}");
    }
    let base = payload
        .pointer("/pull_request/base/sha")
        .or_else(|| payload.pointer("/merge_group/base_sha"))
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    let event = work.join("event.json");
    std::fs::write(&event, payload.to_string()).unwrap();
    let summary = work.join("summary.md");
    let outputs = work.join("outputs.txt");
    let runner_temp = work.join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let _ = std::fs::remove_file(&summary);
    let _ = std::fs::remove_file(&outputs);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_apidiff")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let o = Command::new("bash")
        .arg("-e")
        .arg("-c")
        .arg(&script)
        .current_dir(repo)
        .env("PATH", path)
        .env("BASE", &base)
        .env("EVENT_NAME", event_name)
        .env("APPROVAL_LABEL", "api-break-approved")
        .env("FAIL_ON", "breaking")
        .env("FORMAT", "github")
        .env("STORE", store)
        .env("CONFIG", "")
        .env("TOKEN", "tok")
        .env("GITHUB_TOKEN", "tok")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_API_URL", api_url)
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_TEMP", &runner_temp)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).to_string(),
        stderr: String::from_utf8_lossy(&o.stderr).to_string(),
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        runner_temp,
    }
}

/// A pull-request payload pointed at the repository's base and head.
fn pr_event(name: &str, base: &str, head: &str) -> Value {
    let mut v = event_fixture(name);
    v["pull_request"]["base"]["sha"] = Value::from(base);
    v["pull_request"]["head"]["sha"] = Value::from(head);
    v
}

/// The apidiff comment's body as the fake API holds it now.
fn comment(api: &FakeGitHub) -> String {
    let all = api.comments.lock().unwrap();
    let mine: Vec<&String> = all.iter().map(|(_, b)| b).filter(|b| b.contains("<!-- apidiff-report -->")).collect();
    assert_eq!(mine.len(), 1, "one sticky comment: {all:?}");
    mine[0].clone()
}

fn approvals_json(repo: &Path, store: &Path) -> Vec<Value> {
    if !store.exists() {
        return Vec::new();
    }
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(repo)
        .args(["approvals", "list", "--json", "--store"])
        .arg(store)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<Value>(&o.stdout).unwrap().as_array().unwrap().clone()
}

#[test]
fn the_label_approves_the_breaking_set_and_removing_it_revokes() {
    let api = fake_github(0);
    let (repo, base) = repo();
    let head = git(repo.path(), &["rev-parse", "HEAD"]);
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("store");

    // Opened: the break is pending approval, and the comment says how to approve it.
    let r = run_event_step(repo.path(), "pull_request", &pr_event("pull_request.opened.json", &base, &head), &api.url, &store, work.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let body = comment(&api);
    assert!(body.contains("1 blocking change pending approval") && body.contains("`api-break-approved`"), "{body}");
    assert!(!body.contains("approved by"), "{body}");

    // Another label does nothing.
    let r = run_event_step(
        repo.path(),
        "pull_request",
        &pr_event("pull_request.labeled_other.json", &base, &head),
        &api.url,
        &store,
        work.path(),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(approvals_json(repo.path(), &store).is_empty());

    // The author labels their own pull request: refused, still pending.
    let r = run_event_step(
        repo.path(),
        "pull_request",
        &pr_event("pull_request.labeled_by_author.json", &base, &head),
        &api.url,
        &store,
        work.path(),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("@octo-author labelled their own pull request #7"), "{}", r.stderr);
    assert!(approvals_json(repo.path(), &store).is_empty());

    // A maintainer labels it: the labeller (the payload's sender, not the author) approves the
    // breaking set, scoped to the pull request; the comment moves to "approved by".
    let r =
        run_event_step(repo.path(), "pull_request", &pr_event("pull_request.labeled.json", &base, &head), &api.url, &store, work.path());
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Approved 1 breaking change by @maintainer-mia"), "{}", r.stderr);
    let body = comment(&api);
    assert!(body.contains("1 breaking change approved by @maintainer-mia"), "{body}");
    assert!(!body.contains("pending approval"), "{body}");
    assert!(body.contains("approved by @maintainer-mia on "), "the change's own line: {body}");
    assert!(r.stdout.contains("::notice file=api/openapi.yaml"), "{}", r.stdout);
    let list = approvals_json(repo.path(), &store);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["by"], "@maintainer-mia");
    assert_eq!(list[0]["pr"], 7);
    assert_eq!(list[0]["label"], "api-break-approved");
    assert_eq!(list[0]["standing"]["state"], "active");
    // Running the same event again (a re-run) records nothing more.
    let r =
        run_event_step(repo.path(), "pull_request", &pr_event("pull_request.labeled.json", &base, &head), &api.url, &store, work.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(approvals_json(repo.path(), &store).len(), 1);

    // A push that leaves the breaking set unchanged (an unrelated file, the spec reformatted):
    // still approved.
    std::fs::write(repo.path().join("README.md"), "docs\n").unwrap();
    std::fs::write(repo.path().join("api/openapi.yaml"), REVISION.replace("'200': {description: ok}", "'200':\n          description: ok"))
        .unwrap();
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-qm", "docs and formatting"]);
    let head2 = git(repo.path(), &["rev-parse", "HEAD"]);
    let r = run_event_step(
        repo.path(),
        "pull_request",
        &pr_event("pull_request.synchronize.json", &base, &head2),
        &api.url,
        &store,
        work.path(),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(comment(&api).contains("1 breaking change approved by @maintainer-mia"));

    // A push that adds another break: the new one is pending, the label no longer covers the set.
    std::fs::write(repo.path().join("api/openapi.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
    git(repo.path(), &["commit", "-qam", "drop orders too"]);
    let head3 = git(repo.path(), &["rev-parse", "HEAD"]);
    let r = run_event_step(
        repo.path(),
        "pull_request",
        &pr_event("pull_request.synchronize.json", &base, &head3),
        &api.url,
        &store,
        work.path(),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("is labelled `api-break-approved`, but 1 blocking change appeared since it was approved"), "{}", r.stderr);
    let body = comment(&api);
    assert!(
        body.contains("1 blocking change pending approval") && body.contains("1 breaking change approved by @maintainer-mia"),
        "{body}"
    );

    // Removing the label revokes what it approved (by the unlabeller): both block again.
    let r =
        run_event_step(repo.path(), "pull_request", &pr_event("pull_request.unlabeled.json", &base, &head3), &api.url, &store, work.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("Revoked 1 approval by @maintainer-mia"), "{}", r.stderr);
    let body = comment(&api);
    assert!(body.contains("2 blocking changes pending approval") && !body.contains("approved by @"), "{body}");
    let list = approvals_json(repo.path(), &store);
    assert_eq!(list[0]["standing"]["state"], "revoked");
    assert_eq!(list[0]["standing"]["by"], "@maintainer-mia");

    // Labelled again: the whole new set is approved.
    let r =
        run_event_step(repo.path(), "pull_request", &pr_event("pull_request.labeled.json", &base, &head3), &api.url, &store, work.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(comment(&api).contains("2 breaking changes approved by @maintainer-mia"));

    // Every approval and revocation is in the audit log.
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(repo.path())
        .args(["history", "--audit", "--format", "json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let audit = String::from_utf8_lossy(&o.stdout);
    assert!(audit.matches("\"approve\"").count() >= 3 && audit.contains("\"revoke\""), "{audit}\n{}", String::from_utf8_lossy(&o.stderr));
}

/// A merge queue's group: the queue's base is compared with, and the approvals of every pull
/// request in the group count (the branch names the last one, the merge commits the others);
/// a pull request outside the group lends none.
#[test]
fn a_merge_group_honours_the_approvals_of_its_pull_requests() {
    let api = fake_github(0);
    let (repo, base) = repo();
    let pr7 = git(repo.path(), &["rev-parse", "HEAD"]);
    let work = tempfile::tempdir().unwrap();
    let store = work.path().join("store");
    let r = run_event_step(repo.path(), "pull_request", &pr_event("pull_request.labeled.json", &base, &pr7), &api.url, &store, work.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    // The queue: #7 merged first, #8 (docs only) on top; the group's branch names #8.
    git(repo.path(), &["commit", "-q", "--amend", "-m", "Merge pull request #7 from octo-author/drop-v1-users\n\nDrop GET /v1/users"]);
    std::fs::write(repo.path().join("README.md"), "v2 listing\n").unwrap();
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-qm", "Merge pull request #8 from octo-author/docs\n\nDocument the v2 listing"]);
    let group_head = git(repo.path(), &["rev-parse", "HEAD"]);
    let mut ev = event_fixture("merge_group.checks_requested.json");
    ev["merge_group"]["base_sha"] = Value::from(base.as_str());
    ev["merge_group"]["head_sha"] = Value::from(group_head.as_str());
    ev["merge_group"]["head_ref"] = Value::from(format!("refs/heads/gh-readonly-queue/main/pr-8-{base}"));
    let r = run_event_step(repo.path(), "merge_group", &ev, &api.url, &store, work.path());
    assert_eq!(r.code, Some(0), "#7's approval counts in the group:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("::notice file=api/openapi.yaml") && r.stdout.contains("approved by @maintainer-mia"), "{}", r.stdout);

    // The same break reaching the queue as #9, which nobody approved: it blocks.
    git(repo.path(), &["checkout", "-q", "-b", "other", &base]);
    std::fs::write(repo.path().join("api/openapi.yaml"), REVISION).unwrap();
    git(repo.path(), &["commit", "-qam", "Merge pull request #9 from someone/else\n\nDrop users"]);
    let other = git(repo.path(), &["rev-parse", "HEAD"]);
    ev["merge_group"]["head_sha"] = Value::from(other.as_str());
    ev["merge_group"]["head_ref"] = Value::from(format!("refs/heads/gh-readonly-queue/main/pr-9-{base}"));
    ev["merge_group"]["head_commit"]["message"] = Value::from("Merge pull request #9 from someone/else\n\nDrop users");
    let r = run_event_step(repo.path(), "merge_group", &ev, &api.url, &store, work.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    // A merge group has no pull request to comment on.
    assert!(api.seen.lock().unwrap().iter().all(|s| !s.path.contains("/issues/8") && !s.path.contains("/issues/9")));
}

/// Every payload reads as the typed event the pipeline acts on: the approver is the sender of
/// a label event, never the pull request's author.
#[test]
fn event_payloads_read_as_typed_events() {
    use apidiff::pipeline::github::Event;
    let read = |name: &str| Event::parse(name, event_fixture(name).to_string().as_bytes()).unwrap();
    let Event::PullRequest(p) = read("pull_request.labeled.json") else { panic!("a pull request event") };
    assert_eq!((p.action.as_str(), p.number), ("labeled", 7));
    assert_eq!(p.sender.as_deref(), Some("maintainer-mia"));
    assert_eq!(p.author.as_deref(), Some("octo-author"));
    assert_eq!(p.label.as_deref(), Some("api-break-approved"));
    assert_eq!(p.labels, ["documentation", "api-break-approved"]);
    let Event::PullRequest(p) = read("pull_request.unlabeled.json") else { panic!() };
    assert_eq!((p.action.as_str(), p.label.as_deref()), ("unlabeled", Some("api-break-approved")));
    assert!(!p.labels.iter().any(|l| l == "api-break-approved"));
    let Event::PullRequest(p) = read("pull_request.synchronize.json") else { panic!() };
    assert_eq!((p.action.as_str(), p.label.as_deref()), ("synchronize", None));
    let g = read("merge_group.checks_requested.json");
    assert!(matches!(g, Event::MergeGroup(_)));
    assert_eq!(g.base(), Some("2f4c1e6d8a0b3c5e7f9a1b2c3d4e5f60718293a4"));
    assert_eq!(g.pull_requests(&[]), [8]);
    assert_eq!(g.pull_requests(&["Merge pull request #7 from a/b\n\nx".into(), "Fix a bug (#12)".into(), "fixes #99".into()]), [7, 8, 12]);
    assert!(matches!(Event::parse("push.json", br#"{"ref": "refs/heads/main", "after": "abc"}"#).unwrap(), Event::Other));
    let e = Event::parse("event.json", b"{\n  \"pull_request\": {\"number\": \"seven\"}\n}").unwrap_err();
    assert_eq!(e.kind(), apidiff::error::ErrorKind::BadInput);
    assert!(e.to_string().starts_with("event.json:2:"), "{e}");
}
