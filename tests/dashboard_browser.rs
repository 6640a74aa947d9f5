//! The /admin/api-diff dashboard in real headless Chromium: it loads with a token, shows the
//! timeline, expands a change with both schemas side by side, and an admin runs a rollback
//! preview from it. Fails (does not skip) when CI=true and Chromium is missing.
#![cfg(feature = "server")]
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common_server;

use apidiff::server::auth::Role;
use common_server::*;
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("APIDIFF_TEST_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(o) = Command::new("which").arg(name).output()
            && o.status.success()
        {
            return Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        }
    }
    None
}

fn browser() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but Chromium is missing: apt-get install -y chromium");
        eprintln!("skipping: Chromium not installed (apt-get install -y chromium)");
    }
    found
}

fn run(bin: &PathBuf, extra: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
        ])
        .args(["--disable-sync", "--no-first-run", "--hide-scrollbars", "--virtual-time-budget=15000"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn seeded() -> (Server, serde_json::Value) {
    let (s, _, second) = seeded2();
    (s, second)
}

fn seeded2() -> (Server, serde_json::Value, serde_json::Value) {
    let s = Server::start();
    let dev = token(Role::Developer, "dev");
    let first = s.json(
        "POST",
        "/api/api-diff/register",
        &dev,
        Some(json!({"module": "users", "spec": USERS_V1, "deploy": "1111111aaaa", "author": "Jane Doe <jane@example.com>"})),
    );
    let r = s.json("POST", "/api/api-diff/register", &dev, Some(json!({"module": "users", "spec": USERS_V2, "deploy": "2222222bbbb", "author": "Jane Doe <jane@example.com>", "message": "Drop GET /users/{id}"})));
    s.json(
        "POST",
        "/api/api-diff/register",
        &dev,
        Some(json!({"module": "billing", "spec": "type Query { invoice(id: ID!): String }\n", "path": "billing/schema.graphql"})),
    );
    (s, first["entry"].clone(), r["entry"].clone())
}

#[test]
fn admin_sees_timeline_schemas_and_rollback_preview() {
    let Some(bin) = browser() else { return };
    let (s, first, entry) = seeded2();
    let id = entry["id"].as_str().unwrap();
    let back = first["id"].as_str().unwrap();
    let url = s.url(&format!("/admin/api-diff#token={}&expand={id}&preview={back}", token(Role::Admin, "ada")));
    let dom = run(&bin, &["--dump-dom"], &url);
    assert!(dom.contains("data-ready=\"true\""), "the dashboard did not finish loading:\n{dom}");
    assert!(dom.contains("ada (admin)"), "{dom}");
    // The timeline: three entries, colour-coded by severity.
    assert_eq!(dom.matches("<details class=\"entry").count(), 3, "{dom}");
    assert!(dom.contains("class=\"entry sev-breaking\""));
    assert!(dom.contains("class=\"badge breaking\""));
    // The expanded change: the changes list, the impact, both schemas with changed lines marked.
    assert!(dom.contains("endpoint-removed") || dom.contains("removed"), "{dom}");
    assert!(dom.contains("before: users/openapi.yaml") && dom.contains("after: users/openapi.yaml"), "{dom}");
    assert!(dom.contains("<span class=\"del\"><span class=\"ln\">"), "no deleted line highlighted:\n{dom}");
    assert!(dom.contains("/users/{id}:"));
    assert!(dom.contains("2222222bbb") && dom.contains("Drop GET /users/{id}"), "commit and message are linked");
    // The admin's rollback preview ran from the dashboard.
    assert!(dom.contains("Rollback preview (now → snapshot"), "{dom}");
    assert!(dom.contains("Apply rollback"));
    assert!(
        dom.contains("(0 breaking) would be made") && !dom.contains("0 changes (0 breaking)"),
        "restoring an endpoint is a non-breaking change:\n{dom}"
    );
    assert!(dom.contains("+  /users/{id}:"), "the preview shows the restored endpoint:\n{dom}");
    assert!(dom.contains("Export sarif"));
    // The token was moved out of the address bar.
    assert!(!dom.contains("token="));
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let _ = std::fs::remove_file(&shot);
    run(&bin, &[&format!("--screenshot={}", shot.display()), "--window-size=1400,1600"], &url);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "screenshot at {}", shot.display());
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn viewer_sees_no_admin_controls_and_bad_tokens_get_the_login() {
    let Some(bin) = browser() else { return };
    let (s, entry) = seeded();
    let id = entry["id"].as_str().unwrap();
    let dom = run(&bin, &["--dump-dom"], &s.url(&format!("/admin/api-diff#token={}&expand={id}&preview={id}", token(Role::Viewer, "vic"))));
    assert!(dom.contains("data-ready=\"true\""), "{dom}");
    assert!(dom.contains("before: users/openapi.yaml"));
    assert!(!dom.contains("Preview rollback") && !dom.contains("Rollback preview") && !dom.contains("Export json"), "{dom}");
    let dom = run(&bin, &["--dump-dom"], &s.url(&format!("/admin/api-diff#token={}", alg_none_token())));
    assert!(dom.contains("Your token was refused"), "{dom}");
    assert!(!dom.contains("data-ready"));
}

#[test]
fn admin_sees_the_unhealthy_store_banner() {
    let Some(bin) = browser() else { return };
    let (s, entry) = seeded();
    let obj = s.dir.path().join(".apidiff/objects/sha256").join(entry["previous"].as_str().unwrap());
    std::fs::write(obj, "tampered").unwrap();
    let dom = run(&bin, &["--dump-dom"], &s.url(&format!("/admin/api-diff#token={}", token(Role::Admin, "ada"))));
    assert!(dom.contains("is unhealthy:") && dom.contains("damaged"), "{dom}");
}
