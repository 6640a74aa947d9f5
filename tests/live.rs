//! Live sources against real running services (scripts/services-live.sh starts them: FastAPI +
//! uvicorn, a graphql-core server with one version behind a bearer token, grpcio servers with and
//! without reflection). With `CI=true` a missing service fails the test instead of skipping it.
#![allow(clippy::print_stderr)] // a local skip says why

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
    std::fs::write(d.path().join("apidiff.yaml"), "headers_env:\n  Authorization: LIVE_AUTH\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["diff", &v1, &v2, "-f", "json"])
        .current_dir(d.path())
        .env("LIVE_AUTH", format!("Bearer {token}"))
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

#[test]
fn check_live_record_then_server_swap_fails_the_gate() {
    let (Some(python), Some(dir)) = (live("PYTHON"), live("DIR")) else { return };
    let port = free_port();
    let locator = format!("http://127.0.0.1:{port}/openapi.json");
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("apidiff.yaml"), format!("modules:\n  - name: pets\n    live: [{locator}]\n")).unwrap();
    let app = App::start(&python, &dir, "rest_v1", port);
    let o = apidiff(d.path(), &["check", "--live", "--record", "--deploy", "d1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    drop(app);
    let _app = App::start(&python, &dir, "rest_v2", port);
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
