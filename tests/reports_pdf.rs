//! The PDF rendering, checked with the real poppler tools: `pdftotext` must find the rule ids,
//! the plain-language summary, the counts and the page numbers; `pdftoppm` must rasterise page
//! 1 to a non-trivial PNG. A large report must flow over several pages with the table header
//! repeated. Without poppler the tests skip locally, and fail when `CI=true`.

#![allow(clippy::print_stderr)]

mod common_report;

use apidiff::policy::FailOn;
use apidiff::report::{Meta, Report, ReportChange, pdf, summary};
use common_report::outcome;
use std::path::Path;
use std::process::Command;

const BASE: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/users:
    get:
      responses:
        '200': {description: ok}
  /v1/accounts:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                email: {type: string}
      responses:
        '200':
          description: ok
"#;

const REVISION: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/accounts:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [email]
              properties:
                email: {type: string}
      responses:
        '200':
          description: ok
  /v1/orders:
    get:
      responses:
        '200': {description: ok}
"#;

fn report() -> Report {
    let (mut pair, outcome) = outcome(Some("users"), ("api/base.yaml", BASE), ("api/revision.yaml", REVISION), "");
    // As `check` labels a base read from the store.
    pair.base = "snapshot:0123456789ab".into();
    let mut r = Report::build(vec![(pair, outcome)], FailOn::Breaking);
    r.meta = Some(Meta {
        deploy: Some("4f2a9c0d1e".into()),
        author: Some("Ada Lovelace <ada@example.com>".into()),
        generated_at: Some("2026-11-25T10:00:00Z".into()),
        risk: Some("high".into()),
        ..Meta::default()
    });
    r
}

/// Whether a tool is installed; under CI its absence is a failure, locally a skip.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "`{tool}` is missing: run scripts/deps.sh (poppler-utils)");
        eprintln!("note: skipping, `{tool}` is not installed (run scripts/deps.sh)");
    }
    ok
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext").args(["-layout"]).arg(pdf).arg("-").output().unwrap();
    assert!(o.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn pages(pdf: &Path) -> usize {
    let o = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&o.stdout).to_string();
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap_or_else(|| panic!("no page count in {info}"));
    line.trim_start_matches("Pages:").trim().parse().unwrap()
}

/// Collapses whitespace so wrapped lines compare as one sentence.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_pdf_is_a_valid_document_even_without_tools() {
    let bytes = pdf::render(&report());
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF header");
    assert!(bytes.windows(5).any(|w| w == b"%%EOF"), "no EOF marker");
    // Deterministic: same report, same bytes.
    assert_eq!(bytes, pdf::render(&report()));
}

#[test]
fn pdftotext_finds_ids_summary_counts_and_title_page_facts() {
    if !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let r = report();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf::render(&r)).unwrap();
    let text = pdftotext(&file);
    let flat_text = flat(&text);
    for c in &r.changes {
        assert!(text.contains(&c.id), "rule id {} missing from:\n{text}", c.id);
    }
    assert!(flat_text.contains(&flat(&summary::plain_language(&r))), "summary missing from:\n{text}");
    for fact in ["users", "4f2a9c0d1e", "Ada Lovelace <ada@example.com>", "2026-11-25T10:00:00Z", "high", "failed (--fail-on breaking)"] {
        assert!(flat_text.contains(fact), "`{fact}` missing from:\n{text}");
    }
    // The chart's labelled counts.
    let count_line =
        |label: &str, n: usize| text.lines().any(|l| l.trim_start().starts_with(label) && l.trim_end().ends_with(&n.to_string()));
    assert!(count_line("Breaking", r.summary.breaking), "breaking count missing:\n{text}");
    assert!(count_line("Warning", r.summary.warning), "warning count missing:\n{text}");
    assert!(count_line("Info", r.summary.info), "info count missing:\n{text}");
    assert!(flat_text.contains("Page 1 of 1"), "page number missing:\n{text}");
    assert!(flat_text.contains("/v1/users"), "operation missing:\n{text}");
}

#[test]
fn pdf_shows_impact_and_clients() {
    use apidiff::report::{ClientUse, ImpactedModule};
    if !have("pdftotext") {
        return;
    }
    let mut r = report();
    r.changes[0].impact =
        vec![ImpactedModule { module: "web".into(), via: "depends_on".into(), uses: Some("GET /v1/users".into()), owners: Vec::new() }];
    r.changes[0].clients =
        Some(vec![ClientUse { file: "web/src/user.tsx".into(), line: 12, operation: "GetUser".into(), broken: true, error: None }]);
    if let Some(c) = r.changes.get_mut(1) {
        c.clients = Some(Vec::new());
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf::render(&r)).unwrap();
    let text = flat(&pdftotext(&file));
    for line in [
        "affects module web (uses GET /v1/users)",
        "breaks client operation GetUser at web/src/user.tsx:12",
        "no known client operation uses it",
    ] {
        assert!(text.contains(line), "`{line}` missing from:\n{text}");
    }
    assert!(!flat(&pdftotext_of(&report())).contains("client operation"));
}

fn pdftotext_of(r: &Report) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.pdf");
    std::fs::write(&file, pdf::render(r)).unwrap();
    pdftotext(&file)
}

#[test]
fn page_one_rasterises_to_a_real_png() {
    if !have("pdftoppm") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf::render(&report())).unwrap();
    let prefix = dir.path().join("page");
    let o =
        Command::new("pdftoppm").args(["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"]).arg(&file).arg(&prefix).output().unwrap();
    assert!(o.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(dir.path().join("page.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank A4 page at 50 dpi compresses to well under 2 KB; text, rules and bars do not.
    assert!(png.len() > 5_000, "page 1 looks empty ({} bytes)", png.len());
    if let Ok(keep) = std::env::var("APIDIFF_KEEP_PNG") {
        std::fs::copy(dir.path().join("page.png"), keep).unwrap();
    }
}

#[test]
fn a_long_report_flows_over_pages_with_repeated_headers_and_wrapped_text() {
    if !have("pdftotext") {
        return;
    }
    let mut r = report();
    let template: ReportChange = r.changes[0].clone();
    for i in 0..150 {
        let mut c = template.clone();
        c.id = format!("endpoint-removed-variant-number-{i}");
        c.message = format!("endpoint `GET /v1/users/{i}` removed; {} end{i}", "a fairly long explanation that has to wrap ".repeat(3));
        r.changes.push(c);
    }
    r.regroup();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.pdf");
    std::fs::write(&file, pdf::render(&r)).unwrap();
    let n = pages(&file);
    assert!(n >= 4, "expected several pages, got {n}");
    let text = pdftotext(&file);
    assert!(flat(&text).contains(&format!("Page {n} of {n}")), "last page number missing");
    assert!(text.matches("(continued)").count() >= n - 2, "table header not repeated after page breaks");
    for i in [0, 77, 149] {
        assert!(text.contains(&format!("end{i}")), "the message of row {i} is cut");
        assert!(flat(&text).contains(&format!("number-{i}")), "the rule id of row {i} is missing");
    }
}

/// A git repository with two recorded versions of one spec (a baseline, then a removal).
fn recorded_repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| assert!(Command::new("git").current_dir(d.path()).args(args).output().unwrap().status.success());
    git(&["init", "-q"]);
    git(&["config", "user.email", "ada@example.com"]);
    git(&["config", "user.name", "Ada"]);
    std::fs::create_dir(d.path().join("api")).unwrap();
    let apidiff = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(d.path()).args(args).output().unwrap();
    std::fs::write(d.path().join("api/openapi.yaml"), BASE).unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-qm", "base"]);
    assert!(apidiff(&["check", "--record"]).status.success());
    std::fs::write(d.path().join("api/openapi.yaml"), REVISION).unwrap();
    git(&["commit", "-qam", "revision"]);
    assert_eq!(apidiff(&["check", "--record"]).status.code(), Some(1));
    d
}

fn apidiff_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(dir).args(args).output().unwrap()
}

#[test]
fn export_writes_json_markdown_html_and_pdf_and_audits_each() {
    let d = recorded_repo();
    let o = apidiff_in(d.path(), &["export", "--format", "json", "--module", "api"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries[1]["changes"].as_array().unwrap().iter().any(|c| c["id"] == "endpoint-removed"));

    let o = apidiff_in(d.path(), &["export", "-f", "markdown"]);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.contains("endpoint-removed") && md.contains("## Timeline") && md.contains("baseline"), "{md}");

    let o = apidiff_in(d.path(), &["export", "-f", "html", "-o", "history.html"]);
    assert!(o.status.success());
    let html = std::fs::read_to_string(d.path().join("history.html")).unwrap();
    assert!(html.contains("endpoint-removed") && html.contains("request-property-became-required"));

    let o = apidiff_in(d.path(), &["export", "-f", "pdf", "-o", "history.pdf"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(d.path().join("history.pdf")).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if have("pdftotext") {
        let text = flat(&pdftotext(&d.path().join("history.pdf")));
        for needle in ["API history", "Timeline (2 entries)", "endpoint-removed", "baseline", "Ada <ada@example.com>", "Risk high"] {
            assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
        }
    }

    // Unknown module and bad --since are usage errors; nothing is audited for them.
    assert_eq!(apidiff_in(d.path(), &["export", "--module", "nope"]).status.code(), Some(2));
    assert_eq!(apidiff_in(d.path(), &["export", "--since", "yesterday-ish"]).status.code(), Some(2));
    // A --since in the future exports no entries.
    let o = apidiff_in(d.path(), &["export", "--since", "2999-01-01"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 0);

    let o = apidiff_in(d.path(), &["history", "--audit", "--format", "json"]);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let exports: Vec<&serde_json::Value> = log.as_array().unwrap().iter().filter(|e| e["action"] == "export").collect();
    let formats: Vec<&str> = exports.iter().map(|e| e["details"]["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["json", "markdown", "html", "pdf", "json"]);
    assert_eq!(exports[0]["details"]["module"], "api");
    assert_eq!(exports[3]["details"]["out"], "history.pdf");
    assert_eq!(exports[0]["details"]["entries"], 2);
}

#[test]
fn diff_and_check_write_pdf_with_out_or_to_a_pipe() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.yaml"), BASE).unwrap();
    std::fs::write(d.path().join("b.yaml"), REVISION).unwrap();
    let o = apidiff_in(d.path(), &["diff", "a.yaml", "b.yaml", "--format", "pdf", "--out", "r.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(d.path().join("r.pdf")).unwrap().starts_with(b"%PDF-"));
    // stdout is a pipe here: the bytes go there.
    let o = apidiff_in(d.path(), &["diff", "a.yaml", "b.yaml", "-f", "pdf"]);
    assert!(o.stdout.starts_with(b"%PDF-"));
}

#[test]
fn each_module_gets_a_summary_page_and_grouped_tables() {
    if !have("pdftotext") {
        return;
    }
    let mut r = report();
    let extra: Vec<ReportChange> = r.changes.iter().map(|c| ReportChange { module: Some("billing".into()), ..c.clone() }).collect();
    r.changes.extend(extra);
    r.regroup();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("modules.pdf");
    std::fs::write(&file, pdf::render(&r)).unwrap();
    let text = flat(&pdftotext(&file));
    assert!(pages(&file) >= 3, "a title page and one page per module");
    for m in ["Module users", "Module billing"] {
        assert!(text.contains(m), "`{m}` missing from:\n{text}");
    }
    assert!(text.contains("in 1 groups") || text.contains("groups;"), "{text}");
}

#[test]
fn pdf_says_who_approved_a_break() {
    use apidiff::report::ApprovalNote;
    if !have("pdftotext") {
        return;
    }
    let mut r = report();
    let c = r.changes.iter_mut().find(|c| c.blocking).expect("a blocking change");
    c.blocking = false;
    c.approval = Some(ApprovalNote {
        id: "0123456789abcdef".into(),
        by: "Ann Lee".into(),
        on: "2026-11-20".into(),
        reason: "clients moved to v2".into(),
        expires: None,
    });
    r.regate();
    let text = flat(&pdftotext_of(&r));
    assert!(text.contains("approved by Ann Lee on 2026-11-20: clients moved to v2"), "{text}");
}
