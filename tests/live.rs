//! Live sources against real running services (scripts/services-live.sh starts them: FastAPI +
//! uvicorn, a graphql-core server with one version behind a bearer token, grpcio servers with and
//! without reflection). With `CI=true` a missing service fails the test instead of skipping it.
#![allow(clippy::print_stderr)] // a local skip says why

mod common_http;

use common_http::webhook;
use std::path::Path;
use std::process::{Command, Output};

/// The value of `APIDIFF_TEST_LIVE_<name>`, or `None` (skip) outside CI when the services are not up.
fn live(name: &str) -> Option<String> {
    match std::env::var(format!("APIDIFF_TEST_LIVE_{name}")) {
        Ok(v) => Some(v),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but APIDIFF_TEST_LIVE_{name} is not set: source scripts/services-live.sh"
            );
            eprintln!("skipped: APIDIFF_TEST_LIVE_{name} is not set (source scripts/services-live.sh)");
            None
        }
    }
}

fn apidiff(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

/// The rule ids of a JSON report, sorted.
fn rule_ids(o: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let mut ids: Vec<String> =
        v["changes"].as_array().into_iter().flatten().map(|c| c["id"].as_str().unwrap_or_default().to_string()).collect();
    ids.sort();
    ids
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn diff_two_fastapi_versions() {
    let (Some(v1), Some(v2)) = (live("REST_V1"), live("REST_V2")) else { return };
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["diff", &v1, &v2, "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(rule_ids(&o), ["api-version-changed", "endpoint-removed", "request-parameter-added-required"]);
}

#[test]
fn diff_two_graphql_versions_with_a_bearer_token() {
    let (Some(v1), Some(v2), Some(token)) = (live("GQL_V1"), live("GQL_V2"), live("TOKEN")) else { return };
    let d = tempfile::tempdir().unwrap();
    let auth = format!("Authorization: Bearer {token}");
    let o = apidiff(d.path(), &["diff", &v1, &v2, "-f", "json", "--header", &auth]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(rule_ids(&o), ["argument-default-changed", "deprecated-field-removed", "field-type-changed"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains(&token), "the token leaked into the report");
    // The same through apidiff.yaml's headers_env: the secret comes from the environment only.
    std::fs::write(d.path().join("apidiff.yaml"), "headers_env:\n  Authorization: APIDIFF_LIVE_AUTH\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["diff", &v1, &v2, "-f", "json"])
        .current_dir(d.path())
        .env("APIDIFF_LIVE_AUTH", format!("Bearer {token}"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn unauthorized_graphql_is_exit_2_naming_the_locator() {
    let (Some(v1), Some(v2)) = (live("GQL_V1"), live("GQL_V2")) else { return };
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["diff", &v1, &v2, "--header", "Authorization: Bearer wrong-secret"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&v2) && err.contains("401"), "{err}");
    assert!(!err.contains("wrong-secret"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn diff_two_grpc_versions_through_reflection() {
    let (Some(v1), Some(v2)) = (live("GRPC_V1"), live("GRPC_V2")) else { return };
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["diff", &v1, &v2, "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // buf's PACKAGE category (the default) catches the removed RPC.
    assert_eq!(rule_ids(&o), ["proto-field-no-delete", "proto-field-same-type", "proto-rpc-no-delete"]);
    let o = apidiff(d.path(), &["diff", &v1, &v2, "-f", "json", "--proto-category", "WIRE_JSON"]);
    assert_eq!(
        rule_ids(&o),
        [
            "proto-field-no-delete-unless-name-reserved",
            "proto-field-no-delete-unless-number-reserved",
            "proto-field-wire-json-compatible-type"
        ]
    );
}

#[test]
fn grpc_without_reflection_is_named() {
    let (Some(v1), Some(none)) = (live("GRPC_V1"), live("GRPC_NO_REFLECTION")) else { return };
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["diff", &v1, &none]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&none) && err.contains("reflection not enabled"), "{err}");
}

#[test]
fn connection_refused_is_exit_2_naming_the_locator() {
    let Some(v1) = live("REST_V1") else { return };
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let down = format!("http://127.0.0.1:{port}/openapi.json");
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["diff", &v1, &down]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&down) && err.contains("connection refused"), "{err}");
    for (locator, cause) in
        [(format!("grpc://127.0.0.1:{port}"), "connection refused"), (format!("graphql+http://127.0.0.1:{port}/g"), "connection refused")]
    {
        let o = apidiff(d.path(), &["diff", &v1, &locator]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(&locator) && stderr(&o).contains(cause), "{}", stderr(&o));
    }
}

#[test]
fn a_page_that_is_not_a_description_is_named() {
    let (Some(v1), Some(gql)) = (live("REST_V1"), live("GQL_V1")) else { return };
    // FastAPI serves its docs page as HTML at /docs.
    let docs = v1.replace("/openapi.json", "/docs");
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["diff", &v1, &docs]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&docs) && stderr(&o).contains("not an API description"), "{}", stderr(&o));
    // A REST service is not a GraphQL endpoint.
    let not_gql = format!("graphql+{v1}");
    let o = apidiff(d.path(), &["diff", &gql, &not_gql]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&not_gql) && stderr(&o).contains("not a GraphQL endpoint"), "{}", stderr(&o));
}

/// A FastAPI app of this test's own on a fixed port, so the test can swap versions under one locator.
struct App {
    child: std::process::Child,
}

impl App {
    fn start(python: &str, dir: &str, module: &str, port: u16) -> App {
        let child = Command::new(python)
            .args(["-m", "uvicorn", "--app-dir", dir, "--host", "127.0.0.1", "--port", &port.to_string(), "--log-level", "warning"])
            .arg(format!("{module}:app"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let app = App { child };
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return app;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("uvicorn {module} never listened on {port}");
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `pets` module whose one live source served version 1 when `deploy` was recorded and serves
/// version 2 now: its folder, the locator, and the running version 2.
fn recorded_then_swapped(python: &str, dir: &str, deploy: &str) -> (tempfile::TempDir, String, App) {
    let port = free_port();
    let locator = format!("http://127.0.0.1:{port}/openapi.json");
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("apidiff.yaml"), format!("modules:\n  - name: pets\n    live: [{locator}]\n")).unwrap();
    let app = App::start(python, dir, "rest_v1", port);
    let o = apidiff(d.path(), &["check", "--live", "--record", "--deploy", deploy]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    drop(app);
    (d, locator, App::start(python, dir, "rest_v2", port))
}

#[test]
fn check_live_record_then_server_swap_fails_the_gate() {
    let (Some(python), Some(dir)) = (live("PYTHON"), live("DIR")) else { return };
    let (d, locator, _app) = recorded_then_swapped(&python, &dir, "d1");
    let o = apidiff(d.path(), &["check", "--live", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(rule_ids(&o), ["api-version-changed", "endpoint-removed", "request-parameter-added-required"]);
    // The record names the locator, says where it came from, and carries the deploy id.
    let o = apidiff(d.path(), &["history", "--format", "json"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains(&locator) && text.contains("source: live") && text.contains("d1"), "{text}");
}

#[test]
fn drift_between_the_committed_spec_and_the_running_app() {
    let (Some(v2), Some(gql1)) = (live("REST_V2"), live("GQL_V1")) else { return };
    let d = tempfile::tempdir().unwrap();
    // The committed spec is what version 1 serves; the deployed service runs version 2.
    let v1 = live("REST_V1").unwrap();
    let committed = Command::new("python3")
        .args(["-c", "import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())", &v1])
        .output()
        .unwrap();
    std::fs::write(d.path().join("pets.json"), &committed.stdout).unwrap();
    std::fs::write(
        d.path().join("apidiff.yaml"),
        format!("modules:\n  - name: pets\n    specs: [pets.json]\n    live: [{v2}]\n  - name: books\n    live: [{gql1}]\n"),
    )
    .unwrap();
    let o = apidiff(d.path(), &["check", "--live", "--record", "-f", "json"]);
    // Drift is a warning by default: reported, not blocking.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let drift: Vec<&serde_json::Value> =
        v["changes"].as_array().unwrap().iter().filter(|c| c["message"].as_str().unwrap().starts_with("drift")).collect();
    let mut ids: Vec<&str> = drift.iter().map(|c| c["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["api-version-changed", "endpoint-removed", "request-parameter-added-required"]);
    assert!(drift.iter().all(|c| c["severity"] == "warning"), "{drift:?}");
    // gate.drift: breaking makes the same drift block.
    std::fs::write(
        d.path().join("apidiff.yaml"),
        format!("gate:\n  drift: breaking\nmodules:\n  - name: pets\n    specs: [pets.json]\n    live: [{v2}]\n"),
    )
    .unwrap();
    let o = apidiff(d.path(), &["check", "--live"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    std::fs::write(
        d.path().join("apidiff.yaml"),
        format!("gate:\n  drift: 'off'\nmodules:\n  - name: pets\n    specs: [pets.json]\n    live: [{v2}]\n"),
    )
    .unwrap();
    let o = apidiff(d.path(), &["check", "--live"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn watch_once_with_one_source_down_records_the_rest_and_reports_the_outage_once() {
    let (Some(python), Some(dir), Some(grpc)) = (live("PYTHON"), live("DIR"), live("GRPC_V1")) else { return };
    let port = free_port();
    let down = format!("http://127.0.0.1:{}/openapi.json", free_port());
    let up = format!("http://127.0.0.1:{port}/openapi.json");
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("apidiff.yaml"),
        format!("modules:\n  - name: pets\n    live: [{up}, {down}]\n  - name: shop\n    live: [{grpc}]\n"),
    )
    .unwrap();
    let app = App::start(&python, &dir, "rest_v1", port);
    let o = apidiff(d.path(), &["watch", "--once"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("unreachable: {down}: connection refused")) && !err.contains("already reported"), "{err}");
    assert!(
        err.contains(&format!("{up}: module `pets`: baseline recorded"))
            && err.contains(&format!("{grpc}: module `shop`: baseline recorded")),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(d.path().join(".apidiff/records/live-events")).unwrap().count(), 1);
    // The next poll: the same outage is not reported again; a swapped service is recorded as a change.
    drop(app);
    let _app = App::start(&python, &dir, "rest_v2", port);
    let o = apidiff(d.path(), &["watch", "--once"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("(already reported)"), "{err}");
    assert!(err.contains(&format!("{up}: module `pets`: changed: 3 change(s) recorded")), "{err}");
    assert!(err.contains(&format!("{grpc}: module `shop`: unchanged")), "{err}");
}

#[test]
fn watch_stops_cleanly_on_sigterm() {
    let Some(v1) = live("REST_V1") else { return };
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("apidiff.yaml"), format!("modules:\n  - name: pets\n    live: [{v1}]\n")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["watch", "--interval", "1h"])
        .current_dir(d.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first poll to be recorded, then ask it to stop.
    for _ in 0..200 {
        if d.path().join(".apidiff").join("records").exists()
            || d.path().join(".apidiff").read_dir().map(|r| r.count() > 1).unwrap_or(false)
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("baseline recorded") && err.contains("watch: stopped (SIGTERM)"), "{err}");
}

const SECRET: &str = "live-test-secret-live-test-secret-0123456789";

/// A plain HTTP/1.1 GET (the test has no HTTP client crate): status and body.
fn http_get(addr: &str, path: &str, token: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    (head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), body.to_string())
}

/// `apidiff serve --watch` in `dir`, its address, and its stderr lines as they come.
fn serve_watch(dir: &Path) -> (std::process::Child, String, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["serve", "--listen", "127.0.0.1:0", "--watch", "1s"])
        .current_dir(dir)
        .env("APIDIFF_JWT_SECRET", SECRET)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200))
            && let Some(rest) = line.split("listening on http://").nth(1)
        {
            let addr = rest.split_whitespace().next().unwrap().to_string();
            return (child, addr, rx);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve never said where it listens");
}

#[test]
fn serve_watch_shows_each_live_source_on_the_dashboard_and_stops_on_sigterm() {
    let (Some(v1), Some(v2)) = (live("REST_V1"), live("REST_V2")) else { return };
    let d = tempfile::tempdir().unwrap();
    let down = format!("http://127.0.0.1:{}/openapi.json", free_port());
    // The committed spec is what version 1 serves; the running service is version 2: drift.
    let committed = Command::new("python3")
        .args(["-c", "import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())", &v1])
        .output()
        .unwrap();
    std::fs::write(d.path().join("pets.json"), &committed.stdout).unwrap();
    std::fs::write(
        d.path().join("apidiff.yaml"),
        format!("modules:\n  - name: pets\n    specs: [pets.json]\n    live: [{v2}]\n  - name: gone\n    live: [{down}]\n"),
    )
    .unwrap();
    let token = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["token", "--role", "viewer", "--subject", "t"])
        .env("APIDIFF_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let (child, addr, lines) = serve_watch(d.path());
    let mut v = serde_json::Value::Null;
    for _ in 0..200 {
        let (status, body) = http_get(&addr, "/api/api-diff/live", &token);
        assert_eq!(status, 200, "{body}");
        v = serde_json::from_str(&body).unwrap();
        // The server re-reads the store within a second of the watch recording the baseline.
        if v["last_poll"].is_string() && v["sources"][0]["baseline"].is_string() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(v["watching"], true, "{v}");
    let pets = &v["sources"][0];
    assert_eq!((pets["module"].as_str(), pets["locator"].as_str()), (Some("pets"), Some(v2.as_str())), "{v}");
    assert!(["baseline recorded", "unchanged"].contains(&pets["state"].as_str().unwrap()), "{v}");
    assert!(pets["last_fetch"].is_string() && pets["baseline"].is_string() && pets["last_change"].is_null(), "{v}");
    assert_eq!(pets["drift"], serde_json::json!({"status": "drifted", "changes": 3}), "{v}");
    let gone = &v["sources"][1];
    assert_eq!(gone["state"], "unreachable", "{v}");
    assert!(gone["cause"].as_str().unwrap().contains("connection refused") && gone["last_fetch"].is_null(), "{v}");
    // The dashboard loads the section's own script; a token is needed for the data.
    let (status, page) = http_get(&addr, "/admin/api-diff", "");
    assert!(status == 200 && page.contains("/admin/api-diff/live.js") && page.contains("id=\"live\""), "{page}");
    assert_eq!(http_get(&addr, "/admin/api-diff/live.js", "").0, 200);
    assert_eq!(http_get(&addr, "/api/api-diff/live", "").0, 401);
    // The section in a real browser: one row per source, with the drift and the outage.
    if let Some(dom) = dashboard_dom(&addr, &token) {
        assert!(dom.contains("id=\"live\"") && dom.contains("data-ready=\"true\""), "{dom}");
        let section = &dom[dom.find("id=\"live\"").unwrap()..];
        assert!(
            section.contains(&v2) && section.contains(&down) && section.contains("drifted (3)") && section.contains("connection refused"),
            "{section}"
        );
    }
    // The archived entry says where it came from.
    let entries = d.path().join(".apidiff/records/entries");
    let recorded: Vec<serde_json::Value> =
        std::fs::read_dir(&entries).unwrap().map(|f| serde_json::from_slice(&std::fs::read(f.unwrap().path()).unwrap()).unwrap()).collect();
    assert!(
        recorded
            .iter()
            .any(|e| e["source"]["kind"] == "live" && e["source"]["locator"] == v2.as_str() && e["source"]["fetched"].is_string()),
        "{recorded:?}"
    );
    // SIGTERM: the server stops, and the watch thread with it.
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    // The reader ends at the pipe's end, so this has every line.
    let log: Vec<String> = lines.iter().collect();
    assert!(log.iter().any(|l| l.contains("watch stopped")), "{log:?}");
    assert!(log.iter().any(|l| l.contains(&format!("unreachable: {down}: connection refused"))), "{log:?}");
}

/// The dashboard's DOM after its scripts ran, from headless Chromium (`None`: not installed, outside CI).
fn dashboard_dom(addr: &str, token: &str) -> Option<String> {
    let bin = std::env::var("APIDIFF_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&bin).exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but Chromium is missing");
        eprintln!("skipped the browser part: no Chromium at {bin}");
        return None;
    }
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        .args(["--virtual-time-budget=15000", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("http://{addr}/admin/api-diff#token={token}"))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_flapping_source_alerts_once_through_the_webhook() {
    let (Some(python), Some(dir)) = (live("PYTHON"), live("DIR")) else { return };
    let port = free_port();
    let locator = format!("http://127.0.0.1:{port}/openapi.json");
    let (url, seen) = webhook();
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("apidiff.yaml"),
        format!("modules:\n  - name: pets\n    live: [{locator}]\nalerts:\n  channels:\n    - {{type: webhook, url: '{url}'}}\n"),
    )
    .unwrap();
    let watch = || {
        let o = apidiff(d.path(), &["watch", "--once"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stderr(&o)
    };
    let app = App::start(&python, &dir, "rest_v1", port);
    assert!(watch().contains("baseline recorded"));
    drop(app);
    let first = watch();
    assert!(first.contains(&format!("unreachable: {locator}")) && first.contains("alert: "), "{first}");
    assert!(watch().contains("(already reported)"));
    let app = App::start(&python, &dir, "rest_v1", port);
    assert!(watch().contains(&format!("recovered: {locator}")));
    drop(app);
    let again = watch();
    assert!(again.contains("(already reported)") && !again.contains("alert: "), "{again}");
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let b: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(b["changes"][0]["id"], "live-source-unreachable", "{b}");
    assert_eq!(b["module"], "pets");
    assert!(b["changes"][0]["message"].as_str().unwrap().contains(&locator), "{b}");
}

#[test]
fn rollback_preview_compares_a_live_snapshot_with_what_runs_now() {
    let (Some(python), Some(dir)) = (live("PYTHON"), live("DIR")) else { return };
    let (d, locator, app) = recorded_then_swapped(&python, &dir, "deploy-one");
    // Now (version 2) → the snapshot of deploy-one (version 1).
    let o = apidiff(d.path(), &["rollback", "--to", "deploy-one", "--preview", "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["specs"][0]["base"], locator.as_str(), "{v}");
    assert_eq!(rule_ids(&o), ["api-version-changed", "api-version-decreased", "endpoint-added", "request-parameter-removed"]);
    // A live source cannot be written back.
    let o = apidiff(d.path(), &["rollback", "--to", "deploy-one"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&locator) && stderr(&o).contains("--preview"), "{}", stderr(&o));
    // Nor compared when it is down: exit 2 naming it.
    drop(app);
    let o = apidiff(d.path(), &["rollback", "--to", "deploy-one", "--preview"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&locator) && stderr(&o).contains("connection refused"), "{}", stderr(&o));
}

#[test]
fn grpcs_and_https_need_the_test_ca() {
    let (Some(grpcs), Some(grpc2), Some(https), Some(rest2), Some(ca)) =
        (live("GRPCS_V1"), live("GRPC_V2"), live("HTTPS_V1"), live("REST_V2"), live("CA"))
    else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    // With the CA: TLS gRPC reflection and HTTPS read like their plaintext twins.
    let o = apidiff(d.path(), &["diff", &grpcs, &grpc2, "-f", "json", "--ca-file", &ca]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(rule_ids(&o), ["proto-field-no-delete", "proto-field-same-type", "proto-rpc-no-delete"]);
    let o = apidiff(d.path(), &["diff", &https, &rest2, "-f", "json", "--ca-file", &ca]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(rule_ids(&o), ["api-version-changed", "endpoint-removed", "request-parameter-added-required"]);
    // Without it the server's certificate is not trusted: exit 2, one line naming the locator.
    for (locator, other) in [(&grpcs, &grpc2), (&https, &rest2)] {
        let o = apidiff(d.path(), &["diff", locator, other]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(locator.as_str()) && err.to_lowercase().contains("certificate"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

/// Replays one generated Hurl file (the subset `apidiff tests --witnesses` writes: a request
/// line, headers, `[QueryStringParams]`, a JSON body, `HTTP *` and `status` asserts) against
/// `base`, and returns the status. No `hurl` binary can be installed on this machine (its npm
/// package downloads one), so the requests are sent with reqwest.
fn replay(script: &str, base: &str) -> u16 {
    let mut lines = script.lines().filter(|l| !l.starts_with('#'));
    let first = lines.next().unwrap();
    let (method, url) = first.split_once(' ').unwrap();
    let url = url.replace("{{base_url}}", base);
    let client = reqwest::blocking::Client::new();
    let mut req = client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), &url);
    let (mut body, mut in_query) = (String::new(), false);
    for l in lines.by_ref() {
        if l.starts_with("HTTP ") {
            break;
        }
        if l == "[QueryStringParams]" {
            in_query = true;
        } else if let (false, Some((k, v))) = (body.is_empty() && !l.starts_with('{') && !l.starts_with('['), l.split_once(": ")) {
            req = if in_query { req.query(&[(k, v)]) } else { req.header(k, v) };
        } else {
            body.push_str(l);
            body.push('\n');
        }
    }
    if !body.is_empty() {
        req = req.body(body);
    }
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest, ["[Asserts]", "status >= 400", "status < 500"], "{script}");
    req.send().unwrap().status().as_u16()
}

#[test]
fn witness_hurl_files_replay_against_both_fastapi_versions() {
    let (Some(v1), Some(v2)) = (live("REST_V1"), live("REST_V2")) else { return };
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["tests", &v1, &v2, "--witnesses", "-o", "w"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut files: Vec<_> = std::fs::read_dir(d.path().join("w")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["witness_endpoint-removed_delete_pets_pet_id.hurl", "witness_request-parameter-added-required_get_pets.hurl"]);
    let root = |u: &str| u.trim_end_matches("/openapi.json").to_string();
    for f in &files {
        let script = std::fs::read_to_string(f).unwrap();
        let old = replay(&script, &root(&v1));
        let new = replay(&script, &root(&v2));
        assert!((200..300).contains(&old), "{}: the base service accepted it ({old})\n{script}", f.display());
        assert!((400..500).contains(&new), "{}: the revision's service rejects it ({new})\n{script}", f.display());
    }
}
