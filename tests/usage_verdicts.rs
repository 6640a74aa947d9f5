//! Usage-aware verdicts (#27): evidence in the store (written with `store::usage::save_batch`,
//! as `apidiff usage ingest` writes it) weighs `check`'s and `diff`'s breaking changes: used
//! operations stay breaking and name their clients, unused ones become warnings that say why,
//! and a module without evidence keeps its verdicts with `usage: {known: false}`.

#[path = "common_repo/mod.rs"]
mod common_repo;

use apidiff::store::usage::{UsageBatch, save_batch};
use apidiff::usage::values::ValueStats;
use apidiff::usage::{DailyCount, Element, ValueCount};
use common_repo::{ENV, Repo};
use serde_json::Value;
use std::process::Command;

const PETS_BASE: &str = r#"openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get: {responses: {'200': {description: ok}}}
    post: {responses: {'201': {description: ok}}}
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {responses: {'200': {description: ok}}}
    delete: {responses: {'204': {description: ok}}}
  /pets/{id}/photos:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {responses: {'200': {description: ok}}}
  /search:
    get:
      parameters: [{name: q, in: query, schema: {type: string, maxLength: 50}}]
      responses: {'200': {description: ok}}
"#;

/// Three operations removed (two used, one not), and the search term's limit lowered.
const PETS_REVISION: &str = r#"openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get: {responses: {'200': {description: ok}}}
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {responses: {'200': {description: ok}}}
  /search:
    get:
      parameters: [{name: q, in: query, schema: {type: string, maxLength: 10}}]
      responses: {'200': {description: ok}}
"#;

const BILLING_BASE: &str = r#"openapi: 3.0.3
info: {title: Billing, version: '1'}
paths:
  /invoices:
    get: {responses: {'200': {description: ok}}}
  /invoices/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {responses: {'200': {description: ok}}}
"#;

const BILLING_REVISION: &str = r#"openapi: 3.0.3
info: {title: Billing, version: '1'}
paths:
  /invoices:
    get: {responses: {'200': {description: ok}}}
"#;

const CONFIG: &str = "modules:\n  - {name: pets, specs: [pets/openapi.yaml]}\n  - {name: billing, specs: [billing/openapi.yaml]}\n";

fn op(method: &str, path: &str) -> Element {
    Element::Operation { method: method.into(), path: path.into() }
}

fn count(element: Element, client: &str, day: &str, requests: u64) -> DailyCount {
    DailyCount { module: "pets".into(), element, client: client.into(), day: day.into(), requests, last_seen: format!("{day}T10:00:00Z") }
}

/// Evidence for `pets` only: `POST /pets` by web and mobile, `DELETE /pets/{id}` by the admin
/// tool, `GET /pets/{id}/photos` by nobody (and by a monitor the policy excludes), searches
/// whose terms are at most 8 characters long.
fn pets_evidence(today: &str) -> UsageBatch {
    let mut q = ValueStats::default();
    for v in ["cat", "dog", "hamster"] {
        q.record(v, true);
    }
    UsageBatch {
        version: 1,
        id: "ab12".into(),
        time: format!("{today}T12:00:00Z"),
        evidence: "nginx".into(),
        counts: vec![
            count(op("GET", "/pets"), "web", today, 1_200_000),
            count(op("POST", "/pets"), "web", today, 300),
            count(op("POST", "/pets"), "mobile", today, 12),
            count(op("DELETE", "/pets/{id}"), "admin-tool", today, 4),
            count(op("GET", "/pets/{id}/photos"), "uptime-robot", today, 900),
            count(op("GET", "/search"), "web", today, 3),
        ],
        unmatched: vec![],
        module_requests: None,
        source: None,
        undocumented: vec![],
        value_digests: vec![],
        responses: vec![],
        values: vec![ValueCount {
            module: "pets".into(),
            element: Element::Parameter { method: "GET".into(), path: "/search".into(), location: "query".into(), name: "q".into() },
            day: today.into(),
            values: q,
        }],
    }
}

fn scenario() -> Repo {
    scenario_in(".apidiff")
}

/// The scenario with its evidence in the store at `url` (a folder, or a Postgres URL).
fn scenario_in(url: &str) -> Repo {
    let r = Repo::new();
    let store_line = if url == ".apidiff" { String::new() } else { format!("store: '{url}'\n") };
    r.write("apidiff.yaml", &format!("{CONFIG}{store_line}usage: {{window: 30d, min_requests: 1, exclude_clients: [uptime-robot]}}\n"));
    r.write("pets/openapi.yaml", PETS_BASE);
    r.write("billing/openapi.yaml", BILLING_BASE);
    r.commit("base");
    r.write("pets/openapi.yaml", PETS_REVISION);
    r.write("billing/openapi.yaml", BILLING_REVISION);
    let store = apidiff::store::open(url, r.path()).unwrap();
    store.create().unwrap();
    assert!(save_batch(store.as_ref(), &pets_evidence(&apidiff::time::today())).unwrap());
    // The same evidence again writes nothing (ingest is idempotent by batch id).
    assert!(!save_batch(store.as_ref(), &pets_evidence(&apidiff::time::today())).unwrap());
    r
}

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff")).args(args).current_dir(dir).envs(ENV.iter().copied()).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn change<'a>(v: &'a Value, module: &str, operation: &str) -> &'a Value {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["module"] == module && c["operation"] == operation)
        .unwrap_or_else(|| panic!("no change of {module} at {operation}: {v:#}"))
}

#[test]
fn used_removals_stay_breaking_with_their_clients_unused_ones_warn_and_no_evidence_is_unknown() {
    held_out(&scenario());
}

/// The same scenario with the evidence in PostgreSQL (scripts/test starts it; with `CI=true` a
/// missing service fails).
#[cfg(feature = "postgres")]
#[test]
fn the_scenario_reads_its_evidence_from_postgres() {
    let Some(base) = std::env::var("APIDIFF_TEST_PG_URL").ok().filter(|v| !v.is_empty()) else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "APIDIFF_TEST_PG_URL is not set: scripts/test starts PostgreSQL");
        return;
    };
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let url = format!("{base}?schema=t_usage_{}_{nanos}", std::process::id());
    held_out(&scenario_in(&url));
}

fn held_out(r: &Repo) {
    let (code, out, err) = run(r.path(), &["check", "--base", "HEAD", "-f", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], "1.3.0");

    let post = change(&v, "pets", "POST /pets");
    assert_eq!(post["severity"], "breaking", "{post:#}");
    assert_eq!(post["usage"]["requests"], 312);
    assert_eq!(post["usage"]["clients"], 2);
    assert_eq!(post["usage"]["top_clients"][0]["client"], "web");
    assert_eq!(post["usage"]["window"], "30d");
    let note = post["usage_note"].as_str().unwrap();
    assert!(note.starts_with("breaks web (300), mobile (12)"), "{note}");
    assert_eq!(change(&v, "pets", "DELETE /pets/{id}")["severity"], "breaking");

    // Only the excluded monitor called it: unused under the policy, a warning that says why.
    let photos = change(&v, "pets", "GET /pets/{id}/photos");
    assert_eq!(photos["severity"], "warning", "{photos:#}");
    assert_eq!(photos["usage"]["requests"], 0);
    assert!(photos["usage_note"].as_str().unwrap().starts_with("0 of 1.2 M requests in 30 days"), "{photos:#}");

    // A module without evidence: the verdict stands, and the usage says it is unknown.
    let billing = change(&v, "billing", "GET /invoices/{id}");
    assert_eq!(billing["severity"], "breaking");
    assert_eq!(billing["usage"], serde_json::json!({"known": false}));
    assert!(billing.get("usage_note").is_none(), "{billing:#}");
}

#[test]
fn without_evidence_in_the_store_reports_carry_no_usage() {
    let r = Repo::new();
    r.write("apidiff.yaml", CONFIG);
    r.write("pets/openapi.yaml", PETS_BASE);
    r.write("billing/openapi.yaml", BILLING_BASE);
    r.commit("base");
    r.write("pets/openapi.yaml", PETS_REVISION);
    let (code, out, err) = run(r.path(), &["check", "--base", "HEAD", "-f", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let photos = change(&v, "pets", "GET /pets/{id}/photos");
    assert_eq!(photos["severity"], "breaking");
    assert!(photos.get("usage").is_none(), "{photos:#}");
}

#[test]
fn diff_reads_usage_from_a_store() {
    let r = scenario();
    std::fs::write(r.path().join("old.yaml"), PETS_BASE).unwrap();
    let (code, out, err) =
        run(r.path(), &["diff", "old.yaml", "pets/openapi.yaml", "-f", "json", "--usage-from", ".apidiff", "--module", "pets"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let photos = v["changes"].as_array().unwrap().iter().find(|c| c["operation"] == "GET /pets/{id}/photos").unwrap();
    assert_eq!(photos["severity"], "warning", "{photos:#}");
    let post = v["changes"].as_array().unwrap().iter().find(|c| c["operation"] == "POST /pets").unwrap();
    assert_eq!(post["severity"], "breaking");
    assert_eq!(post["usage"]["requests"], 312);
    // Without the flag, diff knows nothing of usage.
    let (_, out, _) = run(r.path(), &["diff", "old.yaml", "pets/openapi.yaml", "-f", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["changes"].as_array().unwrap().iter().all(|c| c.get("usage").is_none()));
}

#[test]
fn text_and_markdown_reports_say_why_a_break_was_softened() {
    let r = scenario();
    let (code, out, err) = run(r.path(), &["check", "--base", "HEAD", "--all"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("usage: 0 of 1.2 M requests in 30 days"), "{out}");
    let (_, md, _) = run(r.path(), &["check", "--base", "HEAD", "-f", "markdown"]);
    assert!(md.contains("usage: 0 of 1.2 M requests in 30 days"), "{md}");
    let (_, html, _) = run(r.path(), &["check", "--base", "HEAD", "-f", "html"]);
    assert!(html.contains("<p class=\"usage\">usage: 0 of 1.2 M requests in 30 days"), "html");
}

#[test]
fn usage_show_lists_the_used_and_the_safe_to_remove() {
    let r = scenario();
    // The working tree still has the base's operations for this listing.
    r.write("pets/openapi.yaml", PETS_BASE);
    let (code, out, err) = run(r.path(), &["usage", "show", "--module", "pets", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["known"], true);
    let used: Vec<&str> = v["used"].as_array().unwrap().iter().map(|o| o["operation"].as_str().unwrap()).collect();
    assert_eq!(used, ["GET /pets", "POST /pets", "DELETE /pets/{id}", "GET /search"]);
    assert_eq!(v["unused"], serde_json::json!(["GET /pets/{id}", "GET /pets/{id}/photos"]));
    assert_eq!(v["clients"][0]["client"], "web");
    let (_, text, _) = run(r.path(), &["usage", "show", "--module", "pets"]);
    assert!(text.contains("Not used in the last 30d") && text.contains("  GET /pets/{id}/photos\n"), "{text}");
    // No evidence: nothing is called unused.
    let (code, out, _) = run(r.path(), &["usage", "show", "--module", "billing", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["known"].clone(), v["unused"].clone()), (Value::Bool(false), serde_json::json!([])));
}

#[test]
fn the_usage_policy_is_checked_with_file_and_line() {
    let r = Repo::new();
    r.write("apidiff.yaml", &format!("{CONFIG}usage:\n  window: 30x\n"));
    let (code, _, err) = run(r.path(), &["usage", "show", "--module", "pets"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("apidiff.yaml:5") && err.contains("window `30x`"), "{err}");
    r.write("apidiff.yaml", &format!("{CONFIG}usage:\n  window: 4w\n  min_requets: 3\n"));
    let (code, _, err) = run(r.path(), &["usage", "show", "--module", "pets"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("apidiff.yaml:6") && err.contains("min_requets"), "{err}");
}

/// A higher `min_requests` softens a used but rarely used operation, and says so.
#[test]
fn min_requests_softens_rarely_used_operations() {
    let r = scenario();
    r.write("apidiff.yaml", &format!("{CONFIG}usage: {{window: 30d, min_requests: 10, exclude_clients: [uptime-robot]}}\n"));
    let (_, out, err) = run(r.path(), &["check", "--base", "HEAD", "-f", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let delete = change(&v, "pets", "DELETE /pets/{id}");
    assert_eq!(delete["severity"], "warning", "{delete:#}");
    assert!(delete["usage_note"].as_str().unwrap().starts_with("4 of 1.2 M requests in 30 days"), "{delete:#}");
    assert_eq!(change(&v, "pets", "POST /pets")["severity"], "breaking");
}

/// A lowered `maxLength` that no observed search term reaches is a warning that says so; one
/// that observed terms exceed stays breaking and counts them.
#[test]
fn tightened_constraints_are_tested_against_observed_values() {
    let r = scenario();
    let (_, out, err) = run(r.path(), &["check", "--base", "HEAD", "-f", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let search = change(&v, "pets", "GET /search");
    assert_eq!(search["severity"], "warning", "{search:#}");
    assert!(search["usage_note"].as_str().unwrap().starts_with("0 of 3 observed requests would be rejected"), "{search:#}");

    // The same evidence plus one long term on another day.
    let store = apidiff::store::open(".apidiff", r.path()).unwrap();
    let mut long = ValueStats::default();
    long.record("a-very-long-search-term", true);
    let today = apidiff::time::today();
    let batch = UsageBatch {
        id: "cd34".into(),
        counts: vec![count(op("GET", "/search"), "mobile", &today, 1)],
        responses: vec![],
        values: vec![ValueCount {
            module: "pets".into(),
            element: Element::Parameter { method: "GET".into(), path: "/search".into(), location: "query".into(), name: "q".into() },
            day: today.clone(),
            values: long,
        }],
        ..pets_evidence(&today)
    };
    let batch = UsageBatch { counts: batch.counts.clone(), ..batch };
    assert!(save_batch(store.as_ref(), &batch).unwrap());
    let (_, out, _) = run(r.path(), &["check", "--base", "HEAD", "-f", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let search = change(&v, "pets", "GET /search");
    assert_eq!(search["severity"], "breaking", "{search:#}");
    let note = search["usage_note"].as_str().unwrap();
    assert!(note.starts_with("1 of 4 observed requests would be rejected; breaks web (3), mobile (1)"), "{note}");
}

/// Sampled response shapes that differ from the description are drift findings of the module:
/// an undocumented property, a missing required one, a wrong type.
#[test]
fn sampled_responses_are_held_against_the_description() {
    use apidiff::usage::samples::{ResponseShape, shape_of};
    let r = Repo::new();
    r.write("apidiff.yaml", CONFIG);
    r.write(
        "pets/openapi.yaml",
        r#"openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
        tags: {type: array, items: {type: string}}
"#,
    );
    r.write("billing/openapi.yaml", BILLING_BASE);
    let store = apidiff::store::open(".apidiff", r.path()).unwrap();
    store.create().unwrap();
    let today = apidiff::time::today();
    let body = serde_json::json!({"id": "p-1", "tags": ["a"], "owner": {"name": "Ann"}});
    let batch = UsageBatch {
        id: "ef56".into(),
        counts: vec![count(op("GET", "/pets/{id}"), "web", &today, 10)],
        values: vec![],
        responses: vec![ResponseShape {
            module: "pets".into(),
            method: "GET".into(),
            path: "/pets/{id}".into(),
            status: "200".into(),
            day: today.clone(),
            samples: 1,
            properties: shape_of(&body),
        }],
        ..pets_evidence(&today)
    };
    assert!(save_batch(store.as_ref(), &batch).unwrap());
    let (code, out, err) = run(r.path(), &["usage", "show", "--module", "pets", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, String)> = v["conformance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["problem"].as_str().unwrap().to_string(), f["pointer"].as_str().unwrap().to_string()))
        .collect();
    let want = [("missing-required", "/name"), ("wrong-type", "/id"), ("undocumented", "/owner")];
    assert_eq!(found, want.map(|(a, b)| (a.to_string(), b.to_string())), "{v:#}");
    let (_, text, _) = run(r.path(), &["usage", "show", "--module", "pets"]);
    assert!(text.contains("drift: GET /pets/{id} 200 responses send `/owner`, which the description does not document"), "{text}");
}

/// The held-out scenario end to end, evidence from a real access log: `usage ingest` of an
/// nginx combined log (today's requests) feeds `check`: the removed operations clients called
/// stay breaking with their clients, the one only an excluded monitor called becomes a warning,
/// and the module without logs is `{known: false}`.
#[test]
fn the_scenario_from_an_access_log_through_usage_ingest() {
    let r = Repo::new();
    r.write("apidiff.yaml", &format!("{CONFIG}usage: {{window: 30d, min_requests: 1, exclude_clients: [uptime-robot]}}\n"));
    r.write("pets/openapi.yaml", PETS_BASE);
    r.write("billing/openapi.yaml", BILLING_BASE);
    r.commit("base");
    // Today, in the combined log's date form (`06/Dec/2026`).
    let today = apidiff::time::today();
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS[today[5..7].parse::<usize>().unwrap() - 1];
    let stamp = format!("{}/{month}/{}", &today[8..10], &today[..4]);
    let line = |req: &str, agent: &str| format!("203.0.113.7 - - [{stamp}:10:00:00 +0000] \"{req} HTTP/1.1\" 200 12 \"-\" \"{agent}\"\n");
    let mut log = String::new();
    for _ in 0..5 {
        log += &line("GET /pets", "web/2.0");
        log += &line("POST /pets", "web/2.0");
    }
    log += &line("POST /pets", "mobile/1.4 (iOS)");
    log += &line("DELETE /pets/42", "admin-tool/0.9");
    log += &line("GET /pets/42/photos", "uptime-robot/1.0");
    // Searches with their terms: ingest keeps a digest of the values (lengths, hashes), and a
    // request with several parameters still counts once in the module's requests.
    for term in ["cat", "dog", "hamster"] {
        log += &line(&format!("GET /search?q={term}&page=2"), "web/2.0");
    }
    r.write("access.log", &log);
    let (code, out, err) = run(r.path(), &["usage", "ingest", "access.log", "--module", "pets"]);
    assert_eq!(code, 0, "{out}{err}");
    r.write("pets/openapi.yaml", PETS_REVISION);
    r.write("billing/openapi.yaml", BILLING_REVISION);
    let (code, out, err) = run(r.path(), &["check", "--base", "HEAD", "-f", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let post = change(&v, "pets", "POST /pets");
    assert_eq!(post["severity"], "breaking", "{post:#}");
    assert_eq!((post["usage"]["requests"].as_u64(), post["usage"]["clients"].as_u64()), (Some(6), Some(2)), "{post:#}");
    assert!(post["usage_note"].as_str().unwrap().starts_with("breaks web (5), mobile (1)"), "{post:#}");
    // 15 requests (the monitor's excluded), each counted once: not once per parameter.
    assert_eq!(post["usage"]["module_requests"], 15, "{post:#}");
    // The lowered maxLength (50 -> 10) is tested against the digest of the terms sent: the
    // longest had 7 characters, so no observed request would be rejected.
    let search = change(&v, "pets", "GET /search");
    assert_eq!(search["severity"], "warning", "{search:#}");
    assert!(search["usage_note"].as_str().unwrap().starts_with("0 of 3 observed requests would be rejected"), "{search:#}");
    let delete = change(&v, "pets", "DELETE /pets/{id}");
    assert_eq!(delete["severity"], "breaking", "{delete:#}");
    assert_eq!(delete["usage"]["top_clients"][0]["client"], "admin-tool", "{delete:#}");
    let photos = change(&v, "pets", "GET /pets/{id}/photos");
    assert_eq!(photos["severity"], "warning", "{photos:#}");
    assert_eq!(photos["usage"]["requests"], 0, "{photos:#}");
    assert!(photos["usage_note"].as_str().unwrap().starts_with("0 of "), "{photos:#}");
    let billing = change(&v, "billing", "GET /invoices/{id}");
    assert_eq!(billing["severity"], "breaking");
    assert_eq!(billing["usage"], serde_json::json!({"known": false}));
}
