//! Every renderer on one fixed report built from two tiny OpenAPI specs through the library:
//! content checks, SARIF 2.1.0 structure, JUnit XML well-formedness, escaping.

mod common_report;

use apidiff::diff::{self, Options};
use apidiff::policy::{self, FailOn, Level, Policy};
use apidiff::report::{Report, SpecPair, github, gitlab, html, junit, markdown, sarif, summary, text};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions};
use common_report::outcome;
use serde_json::Value;
use std::path::Path;

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
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {type: string, enum: [a, b]}
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
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {type: string, enum: [a, b, "<c&d>"]}
  /v1/orders:
    get:
      responses:
        '200': {description: ok}
  /v1/things:
    get:
      responses:
        '200': {description: ok}
  /v1/more:
    get:
      responses:
        '200': {description: ok}
"#;

fn report_from(base: &str, rev: &str) -> Report {
    Report::build(vec![outcome(None, ("api/base.yaml", base), ("api/revision.yaml", rev), "")], FailOn::Breaking)
}

fn report() -> Report {
    report_from(BASE, REVISION)
}

fn ids(r: &Report) -> Vec<&str> {
    r.changes.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn the_fixed_report_is_what_the_snapshots_assume() {
    let r = report();
    assert_eq!(
        ids(&r),
        [
            "endpoint-removed",
            "request-property-became-required",
            "response-enum-value-added",
            "endpoint-added",
            "endpoint-added",
            "endpoint-added"
        ]
    );
    assert_eq!((r.summary.breaking, r.summary.warning, r.summary.info), (2, 1, 3));
}

#[test]
fn plain_language_summary() {
    assert_eq!(
        summary::plain_language(&report()),
        "This update removed the `GET /v1/users` endpoint, made `email` required in `POST /v1/accounts`, added 3 endpoints, \
         and made 1 change that may affect some clients. 2 of these changes break existing clients."
    );
    let same = report_from(BASE, BASE);
    assert_eq!(summary::plain_language(&same), "This update does not change the API.");
    let added = report_from(
        BASE,
        &BASE.replace("  /v1/accounts:", "  /v1/new:\n    get:\n      responses:\n        '200': {description: ok}\n  /v1/accounts:"),
    );
    assert_eq!(summary::plain_language(&added), "This update added 1 endpoint. Nothing in it breaks existing clients.");
}

/// The summary names what a change is about, not the area its rule belongs to (issue #13).
#[test]
fn summary_names_what_changed() {
    // Only a description changed: no type was added.
    let r = report_from_named(
        ("api/s.graphql", "type Query { a: String }\ntype User { id: ID }\n"),
        ("api/s.graphql", "type Query { a: String }\n\"A person\"\ntype User { id: ID }\n"),
    );
    assert_eq!(summary::plain_language(&r), "This update changed the description of 1 element. Nothing in it breaks existing clients.");
    // A removed enum value is an enum value, not a schema.
    let base = BASE.replace("      responses:\n        '200': {description: ok}\n  /v1/accounts", "      parameters:\n        - {name: kind, in: query, schema: {type: string, enum: [x, y]}}\n      responses:\n        '200': {description: ok}\n  /v1/accounts");
    let r = report_from(&base, &base.replace("enum: [x, y]", "enum: [y]"));
    assert_eq!(summary::plain_language(&r), "This update removed the enum value `x` from `GET /v1/users`. It breaks existing clients.");
    let r = report_from(&base, &base.replace("enum: [a, b]", "enum: [a, b, c]"));
    assert!(
        summary::plain_language(&r).starts_with("This update made 1 change that may affect some clients."),
        "{}",
        summary::plain_language(&r)
    );
    // A GraphQL field is its own operation: no "in `Query.a`" after `Query.a`.
    let r =
        report_from_named(("api/s.graphql", "type Query { a(x: Int): String }\n"), ("api/s.graphql", "type Query { a(x: String): Int }\n"));
    assert_eq!(
        summary::plain_language(&r),
        "This update changed `Query.a` (changed type from `String` to `Int`) and changed `Query.a(x:)` (changed type from `Int` to \
         `String`). All of these changes break existing clients."
    );
    // Added elements are counted by what the message calls them.
    let r = report_from_named(
        ("api/s.graphql", "type Query { a: String }\n"),
        ("api/s.graphql", "type Query { a: String }\ntype B { b: Int }\n"),
    );
    assert_eq!(summary::plain_language(&r), "This update added 1 object. Nothing in it breaks existing clients.");
    // A message that does not read "noun `name` ..." is quoted whole, not cut into pieces.
    let r = report_from_named(
        ("api/a.d.ts", "export declare class Store {\n  set(value: string | number): void;\n  get(): [string, number];\n}\n"),
        ("api/a.d.ts", "export declare class Store {\n  set(value: string): void;\n  get(): [string];\n}\n"),
    );
    assert_eq!(
        summary::plain_language(&r),
        "This update changed `Store` incompatibly (element 1 (`number`) of tuple `Store.get()` was removed) and changed `Store` \
         incompatibly (type of parameter `value` (#1) of `Store.set` was narrowed from `string | number` to `string`). All of these \
         changes break existing clients."
    );
}

fn report_from_named(base: (&str, &str), rev: (&str, &str)) -> Report {
    Report::build(vec![outcome(None, base, rev, "")], FailOn::Breaking)
}

#[test]
fn text_starts_with_the_summary() {
    let t = text::render(&report(), false, Some(200));
    assert!(t.starts_with("This update removed the `GET /v1/users` endpoint"), "{t}");
    assert!(t.ends_with("2 breaking, 1 warning, 3 info; gate (--fail-on breaking): FAILED (2 blocking)\n"), "{t}");
}

#[test]
fn markdown_changelog() {
    let md = markdown::render(&report());
    let expected_start = "# API changes\n\nThis update removed the `GET /v1/users` endpoint, made `email` required in `POST /v1/accounts`, \
        added 3 endpoints, and made 1 change that may affect some clients. 2 of these changes break existing clients.\n\n\
        **Gate (`--fail-on breaking`): failed**, 2 blocking · 2 breaking, 1 warning, 3 info, 0 ignored\n\n\
        | module | spec | breaking | warning | info | verdict |\n|---|---|---:|---:|---:|---|\n\
        | - | `api/base.yaml` → `api/revision.yaml` (openapi) | 2 | 1 | 3 | fails (2 blocking) |\n\n\
        <details open><summary><b>Changes</b>: 2 breaking, 1 warning, 3 info</summary>\n\n\
        #### Breaking changes (2 in 2 groups)\n\n\
        | rule | change | where |\n|---|---|---|\n\
        | `endpoint-removed` | `GET /v1/users` was removed **(blocking)** | `GET /v1/users`<br>`api/base.yaml:5` |\n";
    assert!(md.starts_with(expected_start), "{md}");
    assert!(md.contains("<br>before: `false` → after: `true`"), "{md}");
    assert!(md.contains("#### Warnings (1 in 1 group)"), "{md}");
    assert!(md.contains("before: _(none)_ → after: `<c&d>`"), "{md}");
    // Three endpoints added: one group of three.
    assert!(md.contains("#### Other changes (3 in 1 group)"), "{md}");
    assert!(
        md.contains("| `endpoint-added` | endpoint was added | 3 places (`GET /v1/more`, `GET /v1/orders`, `GET /v1/things`) |"),
        "{md}"
    );
    // Breaking before warnings before the rest.
    let (b, w, o) = (md.find("#### Breaking").unwrap(), md.find("#### Warnings").unwrap(), md.find("#### Other").unwrap());
    assert!(b < w && w < o);
    assert!(md.ends_with("</details>"), "{md}");
}

#[test]
fn markdown_groups_by_module() {
    let mut r = report();
    for (i, c) in r.changes.iter_mut().enumerate() {
        c.module = Some(if i % 2 == 0 { "users" } else { "billing" }.into());
    }
    r.regroup();
    let md = markdown::render(&r);
    assert!(md.contains("<details open><summary><b>Module `users`</b>"), "{md}");
    assert!(md.contains("<details open><summary><b>Module `billing`</b>"), "{md}");
    let t = text::render(&r, false, Some(100));
    assert!(t.contains("Module users\n") && t.contains("Module billing\n"), "{t}");
    // One paragraph per module in the summary.
    let paragraphs = summary::paragraphs(&r);
    assert_eq!(paragraphs.len(), 2);
    assert!(paragraphs[0].starts_with("Module `users`: This update removed the `GET /v1/users` endpoint"), "{paragraphs:?}");
    assert!(paragraphs[1].starts_with("Module `billing`: This update made `email` required"), "{paragraphs:?}");
}

#[test]
fn sarif_is_structurally_valid() {
    let r = report();
    let v: Value = serde_json::from_str(&sarif::render(&r)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "apidiff");
    let rules = driver["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rule_ids, ["endpoint-removed", "request-property-became-required", "response-enum-value-added", "endpoint-added"]);
    for rule in rules {
        assert!(!rule["shortDescription"]["text"].as_str().unwrap().is_empty());
        assert!(rule["fullDescription"]["text"].as_str().unwrap().contains("## What it detects"));
        assert!(rule["help"]["markdown"].as_str().unwrap().contains("## How to migrate"));
        assert!(["error", "warning", "note"].contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), r.changes.len());
    for (res, c) in results.iter().zip(&r.changes) {
        assert_eq!(res["ruleId"], c.id.as_str());
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], c.id.as_str());
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().unwrap().starts_with("api/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert_eq!(res["partialFingerprints"]["apidiffFingerprint/v1"], c.fingerprint.as_str());
    }
    // Removals point at the base, everything else at the revision.
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "api/base.yaml");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 5);
    assert_eq!(results[2]["level"], "warning");
    assert_eq!(results[3]["level"], "note");
    assert_eq!(results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "api/revision.yaml");
}

/// A small XML well-formedness checker: tags nest and close, attributes are quoted, entities
/// are known, and no raw `<` or `&` appears in text. Returns the element names in order.
fn check_xml(s: &str) -> Vec<String> {
    let s = s.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = s;
    let check_text = |t: &str| {
        let mut t = t;
        while let Some(i) = t.find('&') {
            let end = t[i..].find(';').expect("unterminated entity") + i;
            let ent = &t[i + 1..end];
            assert!(
                ["amp", "lt", "gt", "quot", "apos"].contains(&ent) || (ent.starts_with('#') && ent[1..].parse::<u32>().is_ok()),
                "bad entity &{ent};"
            );
            t = &t[end + 1..];
        }
        assert!(!t.contains('<') && !t.contains('>'));
    };
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let close = rest[open..].find('>').expect("unterminated tag") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched close tag");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/').trim_end();
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()), "bad name {name}");
        let mut seen = Vec::new();
        while !attrs.trim().is_empty() {
            let a = attrs.trim_start();
            let eq = a.find("=\"").expect("attribute without quoted value");
            let key = &a[..eq];
            assert!(!seen.contains(&key), "duplicate attribute {key}");
            seen.push(key);
            let end = a[eq + 2..].find('"').expect("unterminated attribute") + eq + 2;
            check_text(&a[eq + 2..end]);
            attrs = &a[end + 1..];
        }
        names.push(name.to_string());
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    check_text(rest.trim());
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    names
}

#[test]
fn junit_is_well_formed_with_failures_for_blocking_changes() {
    let x = junit::render(&report());
    let names = check_xml(&x);
    assert_eq!(names.iter().filter(|n| *n == "testsuites").count(), 1);
    assert_eq!(names.iter().filter(|n| *n == "testsuite").count(), 1);
    assert_eq!(names.iter().filter(|n| *n == "testcase").count(), 6);
    assert_eq!(names.iter().filter(|n| *n == "failure").count(), 2);
    assert!(x.contains("<testsuites name=\"apidiff\" tests=\"6\" failures=\"2\" errors=\"0\">"), "{x}");
    assert!(x.contains("&lt;c&amp;d&gt;"), "{x}");
    assert!(!x.contains("<c&d>"));
}

#[test]
fn junit_has_one_suite_per_pair() {
    let a = report();
    let mut b = report();
    for c in b.changes.iter_mut() {
        c.module = Some("billing".into());
    }
    let mut both = a.clone();
    both.specs[0].module = None;
    let mut pair = b.specs[0].clone();
    pair.module = Some("billing".into());
    both.specs.push(pair);
    both.changes.extend(b.changes);
    let x = junit::render(&both);
    check_xml(&x);
    assert_eq!(x.matches("<testsuite ").count(), 2);
    assert_eq!(x.matches("tests=\"6\" failures=\"2\"").count(), 2, "{x}");
}

#[test]
fn gitlab_code_quality() {
    let r = report();
    let v: Value = serde_json::from_str(&gitlab::render(&r)).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 6);
    assert_eq!(issues[0]["check_name"], "endpoint-removed");
    assert_eq!(issues[0]["severity"], "blocker");
    assert_eq!(issues[0]["location"]["path"], "api/base.yaml");
    assert_eq!(issues[0]["location"]["lines"]["begin"], 5);
    assert_eq!(issues[2]["severity"], "minor");
    assert_eq!(issues[3]["severity"], "info");
    for (i, c) in issues.iter().zip(&r.changes) {
        assert_eq!(i["fingerprint"], c.fingerprint.as_str());
        assert_eq!(i["description"], c.message.as_str());
    }
}

#[test]
fn github_workflow_commands() {
    let g = github::render(&report());
    let lines: Vec<&str> = g.lines().collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0], "::error file=api/base.yaml,line=5,col=5,title=endpoint-removed (breaking)::`GET /v1/users` was removed");
    assert!(lines[1].starts_with("::error file=api/revision.yaml,line="), "{}", lines[1]);
    assert!(lines[1].ends_with("became required%0Abefore: false%0Aafter: true"), "{}", lines[1]);
    assert!(lines[2].starts_with("::warning "));
    assert!(lines[3].starts_with("::notice "));
    assert_eq!(lines[6], "::notice title=apidiff::2 breaking, 1 warning, 3 info; gate (--fail-on breaking) failed");
}

#[test]
fn github_job_summary_stays_under_the_limit() {
    let r = report();
    assert_eq!(github::job_summary(&r, None), markdown::render(&r));
    let mut big = r.clone();
    let template = big.changes[1].clone();
    for i in 0..3000 {
        let mut c = template.clone();
        c.message = format!("{} {i} {}", c.message, "x".repeat(400));
        big.changes.push(c);
    }
    big.regroup();
    let s = github::job_summary(&big, Some("https://ci.example/run/7/report.html"));
    assert!(s.len() <= markdown::LIMIT, "{}", s.len());
    assert!(s.contains("groups of changes were left out; the full report is at https://ci.example/run/7/report.html"), "{s}");
    let small = github::job_summary_within(&big, 4000, None);
    assert!(small.len() <= 4000, "{}", small.len());
    assert!(small.contains("apidiff diff --format html"), "{small}");
}

#[test]
fn html_is_self_contained_and_escaped() {
    let h = html::render(&report());
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert!(h.contains("<style>"));
    for external in ["<script src", "<link", "src=", "http://", "https://", "@import", "fetch("] {
        assert!(!h.contains(external), "found {external}");
    }
    assert_eq!(h.matches("<script>").count(), 1, "one inline script");
    assert!(h.contains("This update removed the <code>GET /v1/users</code> endpoint"));
    // Three single changes and one group of three added endpoints.
    assert_eq!(h.matches("<details").count(), 4);
    assert_eq!(h.matches("<div class=\"group\"").count(), 4);
    assert!(h.contains("<code>endpoint-added</code> endpoint was added <b>at 3 places</b>"), "{h}");
    assert!(h.contains("<select id=\"f-rule\"><option value=\"\">all</option><option>endpoint-added</option>"), "{h}");
    assert_eq!(h.matches("<details class=\"breaking\" open>").count(), 2);
    assert!(h.contains("<pre>&lt;c&amp;d&gt;</pre>"), "{h}");
    assert!(!h.contains("<c&d>"));
    assert!(h.contains("<div class=\"side old\"><b>before</b>"));
    assert!(h.contains("<b>2</b>breaking"));
}

fn apidiff(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"));
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY").env_remove("GITHUB_OUTPUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn cli_formats_and_out_file() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("base.yaml"), BASE).unwrap();
    std::fs::write(d.path().join("revision.yaml"), REVISION).unwrap();
    for (format, marker) in [
        ("markdown", "# API changes"),
        ("html", "<!DOCTYPE html>"),
        ("sarif", "\"version\": \"2.1.0\""),
        ("junit", "<testsuites"),
        ("gitlab", "\"check_name\""),
        ("github", "::error file=base.yaml,line=5"),
        ("text", "This update removed"),
        ("json", "\"schema_version\""),
    ] {
        let o = apidiff(d.path(), &["diff", "base.yaml", "revision.yaml", "--format", format], &[]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains(marker), "{format}");
    }
    let out = d.path().join("report.sarif");
    let o = apidiff(d.path(), &["diff", "base.yaml", "revision.yaml", "-f", "sarif", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 6);
    let bad = apidiff(d.path(), &["diff", "base.yaml", "revision.yaml", "--out", "/nonexistent/dir/x"], &[]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn cli_github_format_writes_the_job_summary_and_outputs() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("base.yaml"), BASE).unwrap();
    std::fs::write(d.path().join("revision.yaml"), REVISION).unwrap();
    let summary = d.path().join("summary.md");
    let outputs = d.path().join("outputs");
    std::fs::write(&outputs, "earlier=1\n").unwrap();
    let o = apidiff(
        d.path(),
        &["diff", "base.yaml", "revision.yaml", "-f", "github", "--fail-on", "never"],
        &[("GITHUB_STEP_SUMMARY", &summary), ("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(std::fs::read_to_string(&summary).unwrap().starts_with("# API changes\n\nThis update removed"));
    let out = std::fs::read_to_string(&outputs).unwrap();
    assert!(out.starts_with("earlier=1\nbreaking="), "{out}");
    assert!(out.contains("\nblocking=0\npassed=true\n"), "{out}");
}

#[test]
fn cli_github_format_keeps_annotations_on_stdout_and_writes_json_to_out() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("base.yaml"), BASE).unwrap();
    std::fs::write(d.path().join("revision.yaml"), REVISION).unwrap();
    let report = d.path().join("report.json");
    let outputs = d.path().join("outputs");
    let o = apidiff(
        d.path(),
        &["diff", "base.yaml", "revision.yaml", "-f", "github", "--out", report.to_str().unwrap()],
        &[("GITHUB_OUTPUT", &outputs)],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("::error file=base.yaml,line=5,"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["summary"]["breaking"], 2);
    let out = std::fs::read_to_string(&outputs).unwrap();
    assert!(out.starts_with("breaking=2\nwarning=1\ninfo=3\nblocking=2\npassed=false\nreport="), "{out}");
}

#[test]
fn ignored_changes_are_suppressed_results_in_sarif_and_listed_elsewhere() {
    let load = LoadOptions::default();
    let a = spec::load(&Input::from_text("api/base.yaml", BASE.as_bytes().to_vec(), Path::new(".")).unwrap(), &load).unwrap();
    let b = spec::load(&Input::from_text("api/revision.yaml", REVISION.as_bytes().to_vec(), Path::new(".")).unwrap(), &load).unwrap();
    let changes = diff::compare(&a, &b, &Options::default()).unwrap();
    let mut policy = Policy { fail_on: FailOn::Breaking, ..Policy::default() };
    policy.overrides.insert("api-major-version-not-bumped".into(), Level::Off);
    policy.ignores = policy::parse_ignore_file(
        ".apidiff-ignore.yaml",
        "ignores:\n  - rule: endpoint-removed\n    operation: GET /v1/users\n    reason: nobody calls it <really>\n",
    )
    .unwrap();
    let outcome = policy::apply(changes, &policy);
    let pair = SpecPair { module: None, format: a.format(), base: "api/base.yaml".into(), revision: "api/revision.yaml".into() };
    let r = Report::build(vec![(pair, outcome)], FailOn::Breaking);
    assert_eq!(r.ignored.len(), 1);
    let v: Value = serde_json::from_str(&sarif::render(&r)).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), r.changes.len() + 1);
    let last = results.last().unwrap();
    assert_eq!(last["ruleId"], "endpoint-removed");
    assert_eq!(last["suppressions"][0]["kind"], "external");
    assert_eq!(last["suppressions"][0]["justification"], "nobody calls it <really>");
    assert!(results[..results.len() - 1].iter().all(|r| r.get("suppressions").is_none()));
    assert!(markdown::render(&r).contains(
        "<summary>Ignored (1)</summary>\n\n- `endpoint-removed` `GET /v1/users` was removed — ignored: nobody calls it \\<really\\>"
    ));
    assert!(html::render(&r).contains("ignored: nobody calls it &lt;really&gt;"));
    assert!(summary::plain_language(&r).starts_with("This update made `email` required in `POST /v1/accounts`, added 3 endpoints"));
}

#[test]
fn plain_language_counts_what_it_does_not_spell_out() {
    let mut r = report();
    let removed = r.changes[0].clone();
    for op in ["GET /a", "GET /b", "GET /c"] {
        let mut c = removed.clone();
        c.operation = Some(op.into());
        c.message = format!("`{op}` was removed");
        r.changes.insert(1, c);
    }
    // A different breaking edit, at one place each: three groups of one.
    for (i, name) in ["x", "y", "z"].iter().enumerate() {
        let mut c = r.changes[4].clone();
        c.message = format!("property `{name}` became required");
        c.before = Some(format!("{i}"));
        r.changes.insert(5, c);
    }
    r.regroup();
    let s = summary::plain_language(&r);
    assert_eq!(
        s,
        "This update removed 4 endpoints, made `email` required in `POST /v1/accounts`, made `z` required in `POST /v1/accounts`, \
         made 2 other breaking changes, added 3 endpoints, and made 1 change that may affect some clients. \
         8 of these changes break existing clients."
    );
    // Deterministic: the same report gives the same words.
    assert_eq!(s, summary::plain_language(&r.clone()));
}

/// The fixed report with reach facts: the first change affects module `web` and breaks one
/// client operation (and is used by a second one that still validates); the second change
/// has no known client.
fn report_with_reach() -> Report {
    use apidiff::report::{ClientUse, ImpactedModule};
    let mut r = report();
    let first = &mut r.changes[0];
    first.impact = vec![
        ImpactedModule { module: "web".into(), via: "depends_on".into(), uses: Some("GET /v1/users".into()), owners: vec!["@web".into()] },
        ImpactedModule { module: "batch".into(), via: "depends_on".into(), uses: None, owners: Vec::new() },
    ];
    first.clients = Some(vec![
        ClientUse { file: "web/src/user.tsx".into(), line: 12, operation: "GetUser".into(), broken: true, error: Some("no field".into()) },
        ClientUse { file: "web/src/list.graphql".into(), line: 3, operation: "ListUsers".into(), broken: false, error: None },
    ]);
    r.changes[1].clients = Some(Vec::new());
    r
}

#[test]
fn impact_and_clients_are_shown_per_change() {
    let r = report_with_reach();
    let t = text::render(&r, false, Some(400));
    for line in [
        "affects module web (uses GET /v1/users)",
        "affects module batch (uses all of it)",
        "breaks client operation GetUser at web/src/user.tsx:12",
        "used by client operation ListUsers at web/src/list.graphql:3",
        "no known client operation uses it",
    ] {
        assert_eq!(t.matches(line).count(), 1, "`{line}` once in:\n{t}");
    }
    // Changes without those facts say nothing about them.
    assert!(!text::render(&report(), false, Some(400)).contains("client operation"));
    assert!(!text::render(&report(), false, Some(400)).contains("affects module"));

    let md = markdown::render(&r);
    for line in [
        "<br>affects module `web` (uses `GET /v1/users`)",
        "<br>affects module `batch` (uses all of it)",
        "<br>breaks client operation `GetUser` at `web/src/user.tsx:12`",
        "<br>used by client operation `ListUsers` at `web/src/list.graphql:3`",
        "<br>no known client operation uses it",
    ] {
        assert_eq!(md.matches(line).count(), 1, "`{line}` once in:\n{md}");
    }
    // Under the change it belongs to: the first change's bullet comes before its reach lines.
    let first = md.find(&format!("`{}`", r.changes[0].id)).unwrap();
    assert!(first < md.find("affects module `web`").unwrap());

    let h = html::render(&r);
    assert!(h.contains("<li>affects module <code>web</code> (uses <code>GET /v1/users</code>)</li>"), "{h}");
    assert!(h.contains("<li>breaks client operation <code>GetUser</code> at <code>web/src/user.tsx:12</code></li>"), "{h}");
    assert!(h.contains("<li>no known client operation uses it</li>"), "{h}");
    assert_eq!(h.matches("<ul class=\"reach\">").count(), 2);
}

#[test]
fn long_client_lists_are_cut_short() {
    use apidiff::report::ClientUse;
    let mut r = report();
    r.changes[0].clients = Some(
        (1..=8)
            .map(|n| ClientUse { file: "web/q.graphql".into(), line: n, operation: format!("Op{n}"), broken: true, error: None })
            .collect(),
    );
    let t = text::render(&r, false, Some(400));
    assert_eq!(t.matches("breaks client operation").count(), apidiff::report::MAX_CLIENTS);
    assert!(t.contains("and 3 more client operations"), "{t}");
    assert!(!t.contains("Op6"));
}
