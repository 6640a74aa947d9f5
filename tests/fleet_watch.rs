//! Watchers in a fleet (#29): several `watch` processes on one Postgres store share the live
//! sources through leases, one killed with `kill -9` mid-poll; a folder store admits one watcher;
//! a conditional request answered `304` costs no parse and no record. Postgres is the one
//! scripts/test starts (`APIDIFF_TEST_PG_URL`); with `CI=true` a missing service is a failure.

#![cfg(feature = "postgres")]
#![allow(clippy::print_stderr)]

mod common_http;
mod common_service;

use common_http::webhook;
use common_service::service;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn apidiff(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apidiff"));
    c.current_dir(dir).env("NO_COLOR", "1").env_remove("APIDIFF_STORE").env_remove("DATABASE_URL").env_remove("APIDIFF_MIRROR");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    apidiff(dir).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small OpenAPI document; `breaking` drops one of its two operations.
fn spec(i: usize, breaking: bool) -> String {
    let second =
        if breaking { String::new() } else { format!("  /b{i}:\n    get:\n      responses:\n        '200': {{description: b}}\n") };
    format!(
        "openapi: 3.0.3\ninfo: {{title: s{i}, version: '1'}}\npaths:\n  /a{i}:\n    get:\n      responses:\n        '200': {{description: a}}\n{second}"
    )
}

/// Sources: `n` files under `dir/sources`, in (up to) ten modules, with a webhook alert channel.
fn sources(dir: &Path, n: usize, hook: &str) {
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let mut config = String::from("modules:\n");
    for m in 0..n.min(10) {
        config.push_str(&format!("  - name: m{m}\n    live:\n"));
        for i in (0..n).filter(|i| i % n.min(10) == m) {
            let path = dir.join(format!("sources/s{i:04}.yaml"));
            std::fs::write(&path, spec(i, false)).unwrap();
            config.push_str(&format!("      - file://{}\n", path.display()));
        }
    }
    config.push_str(&format!("alerts:\n  channels:\n    - {{type: webhook, url: '{hook}'}}\n"));
    std::fs::write(dir.join("apidiff.yaml"), config).unwrap();
}

struct Killed(Vec<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The number of sources in the fleet test (1,000 keeps the debug test near a minute).
const SOURCES: usize = 1000;
/// The fleet's poll interval.
const EVERY: Duration = Duration::from_secs(5);

#[test]
fn three_watchers_on_postgres_share_the_sources_and_survive_a_kill_9() {
    let Some(base) = service("APIDIFF_TEST_PG_URL") else { return };
    let schema = format!(
        "fleet_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    );
    let url = format!("{base}?schema={schema}");
    let mut db = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    db.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).unwrap();
    let d = tempfile::tempdir().unwrap();
    let (hook, alerts) = webhook();
    sources(d.path(), SOURCES, &hook);
    // Created and migrated once, so the three watchers start on a ready schema.
    let o = run(d.path(), &["history", "--store", &url]);
    assert!(stderr(&o).contains("applied migrations 0001_init, 0002_watch"), "{}", stderr(&o));
    db.batch_execute(&format!("SET search_path TO {schema}")).unwrap();

    let every = format!("{}s", EVERY.as_secs());
    let spawn = || {
        apidiff(d.path())
            .args(["watch", "--interval", &every, "--store", &url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut fleet = Killed(vec![spawn(), spawn(), spawn()]);
    let started = Instant::now();
    // Every source gets its baseline, the three recording side by side.
    let all_polled =
        |db: &mut postgres::Client| db.query_one("SELECT count(DISTINCT source) FROM watch_polls", &[]).unwrap().get::<_, i64>(0);
    while all_polled(&mut db) < SOURCES as i64 {
        assert!(started.elapsed() < Duration::from_secs(120), "the baselines took more than two minutes");
        std::thread::sleep(Duration::from_millis(200));
    }
    let window: f64 = db.query_one("SELECT extract(epoch FROM max(polled_at))::float8 FROM watch_polls", &[]).unwrap().get(0);

    // Kill one watcher with -9 while it holds leases (in the middle of a poll).
    let victim = fleet.0[0].id();
    let holder = format!("% pid {victim}");
    let waited = Instant::now();
    while db.query_one("SELECT count(*) FROM watch_sources WHERE holder LIKE $1", &[&holder]).unwrap().get::<_, i64>(0) == 0 {
        assert!(waited.elapsed() < EVERY * 4, "watcher {victim} never held a lease");
        std::thread::sleep(Duration::from_millis(5));
    }
    // `Child::kill` is SIGKILL (`kill -9`), sent at once (a `kill` command would take a fork).
    fleet.0[0].kill().unwrap();
    let _ = fleet.0[0].wait();
    let held = db.query_one("SELECT count(*) FROM watch_sources WHERE holder LIKE $1", &[&holder]).unwrap().get::<_, i64>(0);
    assert!(held > 0, "the kill was meant to land mid-poll");

    // A breaking change in five sources after the kill: recorded once each, alerted once.
    std::thread::sleep(EVERY);
    for i in 0..5 {
        std::fs::write(d.path().join(format!("sources/s{i:04}.yaml")), spec(i, true)).unwrap();
    }
    std::thread::sleep(EVERY * 4);
    let end: f64 = db.query_one("SELECT extract(epoch FROM now())::float8", &[]).unwrap().get(0);
    drop(fleet);

    // The poll log: per source, poll starts from the window on.
    let mut polls: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in db.query("SELECT source, extract(epoch FROM polled_at)::float8 FROM watch_polls ORDER BY polled_at", &[]).unwrap() {
        polls.entry(r.get(0)).or_default().push(r.get(1));
    }
    assert_eq!(polls.len(), SOURCES);
    let every = EVERY.as_secs_f64();
    let mut problems = Vec::new();
    for (source, times) in &polls {
        let mut last = times.iter().copied().rfind(|t| *t <= window).unwrap_or(window);
        for &t in times.iter().filter(|t| **t > window) {
            if t - last < every - 0.05 {
                problems.push(format!("{source}: polled twice within an interval ({:.2} s apart)", t - last));
            }
            if t - last > 2.0 * every {
                problems.push(format!("{source}: skipped for {:.2} s (more than two intervals)", t - last));
            }
            last = t;
        }
        if times.iter().filter(|t| **t > window).count() < 3 {
            problems.push(format!("{source}: polled fewer than three times in the window"));
        }
        if end - last > 2.0 * every {
            problems.push(format!("{source}: not polled in the last {:.2} s", end - last));
        }
    }
    assert!(problems.is_empty(), "{} problems, the first: {:#?}", problems.len(), &problems[..problems.len().min(10)]);
    // The victim's sources went to the others.
    let survivors: BTreeSet<String> = db
        .query("SELECT DISTINCT holder FROM watch_polls WHERE polled_at > to_timestamp($1)", &[&(end - every)])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!survivors.iter().any(|h| h.ends_with(&format!("pid {victim}"))), "{survivors:?}");

    // Entries: one baseline per source and one entry per change, none twice.
    let entries: i64 = db.query_one("SELECT count(*) FROM diffs", &[]).unwrap().get(0);
    let distinct: i64 =
        db.query_one("SELECT count(*) FROM (SELECT DISTINCT module, spec, snapshot, previous FROM diffs) t", &[]).unwrap().get(0);
    assert_eq!((entries, distinct), (SOURCES as i64 + 5, SOURCES as i64 + 5));
    // Alerts: every removed operation announced once.
    let bodies = alerts.lock().unwrap().clone();
    let mut announced: Vec<String> = Vec::new();
    for b in &bodies {
        let v: serde_json::Value = serde_json::from_str(b).unwrap();
        for c in v["changes"].as_array().unwrap() {
            announced.push(c["operation"].as_str().unwrap_or_default().to_string());
        }
    }
    announced.sort();
    let want: Vec<String> = (0..5).map(|i| format!("GET /b{i}")).collect();
    assert_eq!(announced, want, "{bodies:#?}");
    db.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).unwrap();
}

#[test]
fn a_second_watcher_of_a_folder_store_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let (hook, _) = webhook();
    sources(d.path(), 3, &hook);
    let mut first = Killed(vec![apidiff(d.path()).args(["watch", "--interval", "1h"]).stderr(Stdio::null()).spawn().unwrap()]);
    let lock = d.path().join(".apidiff/tmp/watch.lock");
    let pid = first.0[0].id();
    let started = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.contains(&format!("pid {pid}"))) {
        assert!(started.elapsed() < Duration::from_secs(30), "the first watcher never took the lock: {:?}", std::fs::read_to_string(&lock));
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = run(d.path(), &["watch", "--once"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("another watcher already watches the folder store") && err.contains(&format!("pid {pid}")), "{err}");
    // A watcher that died leaves a lock file that is no lock: the next one takes over.
    first.0[0].kill().unwrap();
    first.0[0].wait().unwrap();
    let o = run(d.path(), &["watch", "--once"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!std::fs::read_to_string(&lock).unwrap().contains(&format!("pid {pid},")), "the lock file names its new holder");
}

/// A one-document HTTP server (Python's standard library) that sends an `ETag` read from the
/// file `etag` and answers `304` to a matching `If-None-Match`, logging each status to `log`.
const SERVER: &str = r#"
import http.server, os, sys
root = sys.argv[1]
def log(s):
    with open(os.path.join(root, "log"), "a") as f:
        f.write(s + "\n")
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        etag = '"' + open(os.path.join(root, "etag")).read().strip() + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            log("304")
            return
        body = open(os.path.join(root, "openapi.yaml"), "rb").read()
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        log("200")
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

#[test]
fn a_304_answer_is_neither_parsed_nor_recorded() {
    use std::io::BufRead;
    let d = tempfile::tempdir().unwrap();
    let site = d.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("openapi.yaml"), spec(1, false)).unwrap();
    std::fs::write(site.join("etag"), "v1").unwrap();
    let server = Command::new("python3").args(["-c", SERVER, site.to_str().unwrap()]).stdout(Stdio::piped()).spawn();
    let mut server = match server {
        Ok(s) => Killed(vec![s]),
        Err(e) => {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "python3 is needed: {e}");
            return;
        }
    };
    let mut port = String::new();
    std::io::BufReader::new(server.0[0].stdout.take().unwrap()).read_line(&mut port).unwrap();
    let locator = format!("http://127.0.0.1:{}/openapi.yaml", port.trim());
    std::fs::write(d.path().join("apidiff.yaml"), format!("modules:\n  - name: pets\n    live: [{locator}]\n")).unwrap();
    let watch = || {
        let o = run(d.path(), &["watch", "--once"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stderr(&o)
    };
    let log = || std::fs::read_to_string(site.join("log")).unwrap_or_default();
    let entries = || std::fs::read_dir(d.path().join(".apidiff/records/entries")).unwrap().count();
    assert!(watch().contains("baseline recorded"));
    assert_eq!(log(), "200\n");
    // The document changes (breaking, then not even a description) under the same ETag: the
    // server answers 304, and the poll neither parses nor records it.
    std::fs::write(site.join("openapi.yaml"), spec(1, true)).unwrap();
    assert!(watch().contains(&format!("{locator}: module `pets`: unchanged")));
    std::fs::write(site.join("openapi.yaml"), "this: [is not, an API description").unwrap();
    assert!(watch().contains(&format!("{locator}: module `pets`: unchanged")));
    assert_eq!(log(), "200\n304\n304\n");
    assert_eq!(entries(), 1);
    // A new ETag: the body is read, parsed and recorded.
    std::fs::write(site.join("openapi.yaml"), spec(1, true)).unwrap();
    std::fs::write(site.join("etag"), "v2").unwrap();
    assert!(watch().contains(&format!("{locator}: module `pets`: changed: 1 change(s) recorded")));
    assert_eq!(log(), "200\n304\n304\n200\n");
    assert_eq!(entries(), 2);
    // The same bytes under yet another ETag: read, hashed, and not parsed again.
    std::fs::write(site.join("etag"), "v3").unwrap();
    assert!(watch().contains(&format!("{locator}: module `pets`: unchanged")));
    assert_eq!(entries(), 2);
}

#[test]
fn a_source_that_cannot_be_checked_is_read_again_on_the_next_poll() {
    let d = tempfile::tempdir().unwrap();
    let (hook, _) = webhook();
    sources(d.path(), 1, &hook);
    std::fs::write(d.path().join("sources/s0000.yaml"), "openapi: 3.0.3\npaths: [not, a, map").unwrap();
    for _ in 0..2 {
        let o = run(d.path(), &["watch", "--once"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stderr(&o).contains("cannot be checked"), "the same bytes are reported again, never taken as unchanged: {}", stderr(&o));
    }
    // Once it can be read, it is recorded.
    std::fs::write(d.path().join("sources/s0000.yaml"), spec(0, false)).unwrap();
    assert!(stderr(&run(d.path(), &["watch", "--once"])).contains("baseline recorded"));
}

#[test]
fn an_unchanged_file_source_is_not_read_again() {
    let d = tempfile::tempdir().unwrap();
    let (hook, _) = webhook();
    sources(d.path(), 1, &hook);
    let path = d.path().join("sources/s0000.yaml");
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    let set_mtime = |t: std::time::SystemTime| std::fs::File::options().write(true).open(&path).unwrap().set_modified(t).unwrap();
    set_mtime(old);
    assert!(stderr(&run(d.path(), &["watch", "--once"])).contains("baseline recorded"));
    // Other bytes of the same size under the same modification time: the stamp matches, so the
    // file is not read (a poll that read it would record a change).
    let same_size = spec(0, false).replace("/a0:", "/c0:");
    std::fs::write(&path, &same_size).unwrap();
    set_mtime(old);
    assert!(stderr(&run(d.path(), &["watch", "--once"])).contains("module `m0`: unchanged"));
    // A new modification time: read, hashed, and recorded.
    set_mtime(old + Duration::from_secs(1));
    assert!(stderr(&run(d.path(), &["watch", "--once"])).contains("changed: "));
}
