//! `apidiff check` and the history commands end to end, in real temporary git repositories,
//! running the built binary.

mod common_repo;

use common_repo::{ENV, Repo};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

impl Repo {
    fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let o: Output = Command::new(env!("CARGO_BIN_EXE_apidiff")).args(args).current_dir(dir).envs(ENV.iter().copied()).output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

fn users(extra_paths: &str, with_lookup: bool) -> String {
    let lookup = if with_lookup {
        "  /users/{id}:\n    get:\n      operationId: getUser\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: a user\n          content:\n            application/json:\n              schema: {$ref: 'components.yaml#/User'}\n"
    } else {
        ""
    };
    format!(
        "openapi: 3.0.3\ninfo: {{title: Users, version: '1'}}\npaths:\n  /users:\n    get:\n      operationId: listUsers\n      responses:\n        '200':\n          description: users\n          content:\n            application/json:\n              schema:\n                type: array\n                items: {{$ref: 'components.yaml#/User'}}\n{lookup}{extra_paths}"
    )
}

const COMPONENTS: &str = "User:\n  type: object\n  required: [id]\n  properties:\n    id: {type: string}\n    name: {type: string}\n";
const ORDERS: &str = r#"{"openapi": "3.0.3", "info": {"title": "Orders", "version": "1"}, "paths": {"/orders": {"get": {"responses": {"200": {"description": "orders"}}}}}}"#;
const LEGACY: &str = "swagger: '2.0'\ninfo: {title: Legacy, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {description: pets}\n";
const CONFIG: &str = "modules:\n  - name: users\n    specs: ['services/users/*.yaml']\n    owners: ['@team-users']\n  - name: orders\n    specs: ['services/orders/**/*.json']\n    depends_on:\n      - module: users\n        uses: ['GET /users/{id}', 'getUser', '/users/{id}']\n  - name: legacy\n    specs: ['legacy/*.yaml']\n";

fn seeded() -> Repo {
    let r = Repo::new();
    r.write("apidiff.yaml", CONFIG);
    r.write("services/users/openapi.yaml", &users("", true));
    r.write("services/users/components.yaml", COMPONENTS);
    r.write("services/orders/api/openapi.json", ORDERS);
    r.write("legacy/swagger.yaml", LEGACY);
    r.commit("initial API");
    r
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

#[test]
fn end_to_end_record_history_annotate_rollback() {
    let r = seeded();
    // No store yet: a plain check says how to start.
    let out = r.run(&["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no apidiff store") && out.stderr.contains("check --record"), "{out:?}");

    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Recorded a baseline: 3 specs in 3 modules"), "{out:?}");
    assert!(r.path().join(".apidiff/apidiff-store.json").is_file());
    // The $ref'd file is part of the users spec, not a spec of its own.
    let disc = json(&r.run(&["discover", "--format", "json"]).stdout);
    assert_eq!(disc["specs"].as_array().unwrap().len(), 3);
    assert_eq!(disc["skipped"][0]["path"], "services/users/components.yaml");
    assert_eq!(disc["skipped"][0]["reason"], "referenced by services/users/openapi.yaml; checked as part of it");

    // A non-breaking commit passes and is archived.
    r.write("services/users/openapi.yaml", &users("  /health:\n    get:\n      responses:\n        '200': {description: ok}\n", true));
    let good = r.commit("add health endpoint");
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Recorded 1 new snapshot"), "{out:?}");
    let again = r.run(&["check", "--record"]);
    assert!(again.stderr.contains("Nothing to record"), "{again:?}");

    // A breaking commit fails, names the change, and is archived with its risk.
    r.write("services/users/openapi.yaml", &users("  /health:\n    get:\n      responses:\n        '200': {description: ok}\n", false));
    let bad = r.commit("remove user lookup");
    let out = r.run(&["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("/users/{id}"), "{out:?}");
    let out = r.run(&["check", "--record", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let report = json(&out.stdout);
    assert_eq!(report["gate"]["passed"], false);
    assert!(report["specs"].as_array().unwrap().iter().all(|s| s["module"].is_string()));
    assert!(report["changes"].as_array().unwrap().iter().any(|c| c["module"] == "users" && c["severity"] == "breaking"));

    // History: a timeline per module, with deploy, author, message and risk.
    let hist = json(&r.run(&["history", "--module", "users", "--format", "json"]).stdout);
    let hist = hist.as_array().unwrap();
    assert_eq!(hist.len(), 3, "{hist:#?}");
    let last = &hist[2];
    assert_eq!(last["deploy"], bad.as_str());
    assert_eq!(last["author"], "Alice <alice@example.com>");
    assert_eq!(last["message"], "remove user lookup");
    assert_eq!(last["risk"], "critical", "orders uses GET /users/{{id}}: {last:#}");
    assert_eq!(last["dependants"], serde_json::json!(["orders"]));
    assert!(last["counts"]["breaking"].as_u64().unwrap() >= 1);
    assert_eq!(hist[0]["previous"], serde_json::Value::Null);
    let table = r.run(&["history"]);
    assert_eq!(table.code, 0);
    for want in ["baseline", "remove user lookup", "legacy", "orders", "critical"] {
        assert!(table.stdout.contains(want), "{want}: {table:?}");
    }
    assert_eq!(json(&r.run(&["history", "--since", "2000-01-01", "-f", "json"]).stdout).as_array().unwrap().len(), 5);
    assert_eq!(json(&r.run(&["history", "--since", "2999-01-01", "-f", "json"]).stdout).as_array().unwrap().len(), 0);

    // Show: the changes and the spec before and after.
    let id = last["id"].as_str().unwrap();
    let out = r.run(&["show", &id[..8]]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("remove user lookup") && out.stdout.contains("breaking"), "{out:?}");
    assert!(out.stdout.contains("-  /users/{id}:"), "{out:?}");
    let snap = last["snapshot"].as_str().unwrap();
    let out = r.run(&["show", &snap[..10], "--side-by-side"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(&format!("entry    {id}")), "{out:?}");

    // Annotate.
    let out = r.run(&["annotate", &id[..8], "approved by the API council"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(r.run(&["show", id]).stdout.contains("approved by the API council"));
    assert!(r.run(&["history"]).stdout.contains("approved by the API council"));

    // Rollback preview: shows the diff and the changes, writes nothing.
    let before = r.read("services/users/openapi.yaml");
    let out = r.run(&["rollback", "--to", &good[..7], "--module", "users", "--preview"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("+  /users/{id}:") && out.stdout.contains("nothing was written"), "{out:?}");
    assert_eq!(r.read("services/users/openapi.yaml"), before);

    // Rollback: writes the archived files back.
    let out = r.run(&["rollback", "--to", &good[..7], "--module", "users"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("wrote services/users/openapi.yaml"), "{out:?}");
    assert_eq!(r.read("services/users/openapi.yaml"), r.git(&["show", &format!("{good}:services/users/openapi.yaml")]) + "\n");
    // Unknown hashes are refused and write nothing.
    std::fs::write(r.path().join("services/users/openapi.yaml"), &before).unwrap();
    let out = r.run(&["rollback", "--to", "deadbeef"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("matches no deploy"), "{out:?}");
    assert_eq!(r.read("services/users/openapi.yaml"), before);

    // The audit log holds each event.
    let audit = json(&r.run(&["history", "--audit", "--format", "json"]).stdout);
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "record").count(), 3, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "annotate").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "rollback").count(), 1, "{actions:?}");
    let rb = audit.as_array().unwrap().iter().find(|e| e["action"] == "rollback").unwrap();
    assert_eq!(rb["details"]["from"], bad.as_str());
    assert_eq!(rb["details"]["to"], good.as_str());
    assert_eq!(rb["actor"], "Bob <bob@example.com>");
}

#[test]
fn base_revision_needs_no_store() {
    let r = seeded();
    r.write("services/users/openapi.yaml", &users("", false));
    r.write("web/new.yaml", "openapi: 3.0.3\ninfo: {title: New, version: '1'}\npaths: {}\n");
    let out = r.run(&["check", "--base", "HEAD"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("/users/{id}"), "{out:?}");
    assert!(out.stderr.contains("web/new.yaml: new spec"), "{out:?}");
    assert!(!r.path().join(".apidiff").exists());
    let out = r.run(&["check", "--base", "no-such-ref"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn damaged_and_missing_store_objects_are_reported() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    let hist = json(&r.run(&["history", "--module", "users", "-f", "json"]).stdout);
    let snap = hist[0]["snapshot"].as_str().unwrap().to_string();
    let object = r.path().join(".apidiff/objects/sha256").join(&snap);
    let good = std::fs::read(&object).unwrap();
    std::fs::write(&object, b"{\"format\":\"openapi\",\"entry\":\"x\",\"files\":{}}").unwrap();
    let out = r.run(&["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(&format!("snapshot {snap} is damaged")), "{out:?}");
    let out = r.run(&["show", &snap[..12]]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("damaged"), "{out:?}");
    std::fs::remove_file(&object).unwrap();
    let out = r.run(&["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("is missing from the store"), "{out:?}");
    std::fs::write(&object, good).unwrap();
    assert_eq!(r.run(&["check"]).code, 0);
    // A damaged record is named too.
    let entries = r.path().join(".apidiff/records/entries");
    let first = std::fs::read_dir(&entries).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&first, "{ not json").unwrap();
    let out = r.run(&["history"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("is damaged") && out.stderr.contains("records/entries/"), "{out:?}");
}

#[test]
fn missing_store_is_explained() {
    let r = seeded();
    for args in [&["history"][..], &["show", "abcd1234"], &["annotate", "abcd1234", "x"], &["rollback", "--to", "abcd1234"]] {
        let out = r.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains("no apidiff store at") && out.stderr.contains(".apidiff"), "{out:?}");
    }
    let out = r.run(&["check", "--store", "ftp://db/x"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("`ftp` backend is not available"), "{out:?}");
}

#[test]
fn deleted_spec_fails_until_its_removal_is_recorded() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    std::fs::remove_file(r.path().join("legacy/swagger.yaml")).unwrap();
    r.commit("drop legacy API");
    let out = r.run(&["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("module `legacy`: legacy/swagger.yaml was deleted from the repository"), "{out:?}");
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 1, "{out:?}");
    let out = r.run(&["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    let hist = json(&r.run(&["history", "--module", "legacy", "-f", "json"]).stdout);
    assert_eq!(hist[1]["snapshot"], serde_json::Value::Null);
    assert_eq!(hist[1]["changes"][0]["id"], "api-description-removed", "{hist:#}");
    assert!(r.run(&["history"]).stdout.contains("removed"));
}

/// The removal is a change like any other: every report format shows it, and the policy
/// (severity overrides, ignores, `--fail-on never`) decides whether it blocks.
#[test]
fn deleted_spec_is_a_reported_change() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    std::fs::remove_file(r.path().join("legacy/swagger.yaml")).unwrap();
    r.commit("drop legacy API");
    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["summary"]["breaking"], 1, "{v:#}");
    assert_eq!(v["gate"]["passed"], false);
    let c = &v["changes"][0];
    assert_eq!(c["id"], "api-description-removed");
    assert_eq!(c["module"], "legacy");
    assert_eq!(c["format"], "any");
    // The witness is the request that reached the first operation of the archived snapshot,
    // which no description serves now.
    let w = &c["witness"];
    assert_eq!(w["kind"], "endpoint", "{c:#}");
    assert_eq!(w["http"]["method"], "GET", "{c:#}");
    assert_eq!(w["http"]["path"], "/pets", "{c:#}");
    assert_eq!(w["base"]["pointer"], "/paths/~1pets/get", "{c:#}");
    assert_eq!(w["base"]["accepts"], true, "{c:#}");
    assert_eq!(w["revision"]["accepts"], false, "{c:#}");
    assert_eq!(w["revision"]["file"], "legacy/swagger.yaml", "{c:#}");
    assert!(w["revision"]["error"].as_str().unwrap().contains("`legacy/swagger.yaml` is gone from the repository"), "{c:#}");
    assert!(w["summary"].as_str().unwrap().starts_with("GET /pets reached `GET /pets`; now no description serves it"), "{c:#}");
    let msg = c["message"].as_str().unwrap();
    assert!(
        msg.starts_with("the spec `legacy/swagger.yaml` of module `legacy` was removed from the repository; it was archived at deploy "),
        "{msg}"
    );
    assert!(v["specs"].as_array().unwrap().iter().any(|s| s["revision"] == "(removed)" && s["module"] == "legacy"), "{v:#}");
    let fingerprint = c["fingerprint"].as_str().unwrap().to_string();

    let text = r.run(&["check"]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("api-description-removed") && !text.stdout.contains("No changes"), "{text:?}");
    // Counted in the removed spec's own row (not the first module's), worded once.
    let row = text.stdout.lines().find(|l| l.contains("(removed)")).unwrap_or_else(|| panic!("{text:?}"));
    assert!(row.contains("legacy") && row.contains("fails (1 blocking)"), "{text:?}");
    assert!(text.stdout.lines().any(|l| l.contains("services/users/openapi.yaml") && l.contains("passes")), "{text:?}");
    assert!(!text.stdout.contains("the the"), "{text:?}");
    let sarif = json(&r.run(&["check", "-f", "sarif"]).stdout);
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "api-description-removed", "{sarif:#}");
    let junit = r.run(&["check", "-f", "junit"]).stdout;
    assert!(junit.contains("api-description-removed") && junit.contains("<failure"), "{junit}");

    // The policy applies: --fail-on never, a severity override, an ignore entry.
    let out = r.run(&["check", "--fail-on", "never"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("note: module `legacy`: legacy/swagger.yaml was deleted"), "{out:?}");
    let out = r.run(&["check", "--severity", "api-description-removed=warning", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json(&out.stdout)["summary"]["warning"], 1);
    let out = r.run(&["check", "--severity", "api-description-removed=off"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("deleted"), "{out:?}");
    r.write(
        ".apidiff-ignore.yaml",
        &format!("ignores:\n  - rule: api-description-removed\n    fingerprint: {fingerprint}\n    reason: retired on purpose\n"),
    );
    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["summary"]["ignored"], 1, "{v:#}");
    assert_eq!(v["ignored"][0]["ignore_reason"], "retired on purpose");
}

/// `git mv` within a module with the content unchanged is a rename, not a new spec plus a
/// deleted one; recording it moves the history to the new path.
#[test]
fn moved_spec_is_a_rename() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    r.git(&["mv", "legacy/swagger.yaml", "legacy/v1.yaml"]);
    r.commit("move legacy spec");
    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("deleted") && !out.stderr.contains("is new"), "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["summary"]["total"], 1, "{v:#}");
    assert_eq!(v["changes"][0]["id"], "api-description-renamed");
    assert!(v["changes"][0]["message"].as_str().unwrap().contains("renamed from `legacy/swagger.yaml`"), "{v:#}");
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json(&out.stdout)["summary"]["total"], 0, "{out:?}");
    let hist = json(&r.run(&["history", "--module", "legacy", "-f", "json"]).stdout);
    let specs: Vec<(&str, bool)> =
        hist.as_array().unwrap().iter().map(|e| (e["spec"].as_str().unwrap(), e["snapshot"].is_string())).collect();
    assert!(specs.contains(&("legacy/swagger.yaml", false)) && specs.contains(&("legacy/v1.yaml", true)), "{hist:#}");

    // A move with an edit is a removal plus a new spec.
    r.git(&["mv", "legacy/v1.yaml", "legacy/v2.yaml"]);
    r.write("legacy/v2.yaml", &format!("{LEGACY}\n# edited\n"));
    r.commit("move and edit");
    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json(&out.stdout)["changes"][0]["id"], "api-description-removed");
}

/// Recording from a working tree with uncommitted spec edits marks the deploy `<sha>-dirty`,
/// so the commit's own id never resolves to content that was never committed.
#[test]
fn dirty_tree_records_a_dirty_deploy() {
    let r = seeded();
    let head = r.git(&["rev-parse", "HEAD"]);
    // Unrelated uncommitted files do not count.
    r.write("NOTES.txt", "scratch");
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    let hist = json(&r.run(&["history", "--module", "legacy", "-f", "json"]).stdout);
    assert_eq!(hist[0]["deploy"], head.as_str(), "{hist:#}");

    r.write("legacy/swagger.yaml", &format!("{LEGACY}\n# edited\n"));
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("-dirty"), "{out:?}");
    let hist = json(&r.run(&["history", "--module", "legacy", "-f", "json"]).stdout);
    let last = hist.as_array().unwrap().last().unwrap();
    assert_eq!(last["deploy"], format!("{head}-dirty"), "{hist:#}");
    assert_eq!(last["message"], format!("uncommitted changes on top of {head}"), "{hist:#}");
    // The commit resolves to what was committed; the dirty record only by its own id.
    let out = r.run(&["rollback", "--to", &head[..10], "--module", "legacy", "--preview"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = r.run(&["rollback", "--to", &format!("{head}-dirty"), "--module", "legacy", "--preview"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn renamed_module_keeps_its_history() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    r.write("apidiff.yaml", &CONFIG.replace("name: users", "name: accounts").replace("module: users", "module: accounts"));
    r.write("services/users/openapi.yaml", &users("", false));
    r.commit("rename users to accounts, drop lookup");
    let out = r.run(&["check"]);
    assert_eq!(out.code, 1, "the rename does not hide the breaking change: {out:?}");
    assert!(out.stderr.contains("archived under module `users`, which no longer exists"), "{out:?}");
    assert!(!out.stderr.contains("deleted"), "{out:?}");
    assert_eq!(r.run(&["check", "--record"]).code, 1);
    let hist = json(&r.run(&["history", "--module", "accounts", "-f", "json"]).stdout);
    assert_eq!(hist.as_array().unwrap().len(), 1);
    assert!(hist[0]["previous"].is_string(), "compared with the old module's snapshot: {hist:#}");
    let out = r.run(&["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = r.run(&["history", "--module", "nope"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn ambiguous_hash_prefix_is_refused() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record", "--deploy", "abcd1111"]).code, 0);
    r.write("services/users/openapi.yaml", &users("  /health:\n    get:\n      responses:\n        '200': {description: ok}\n", true));
    r.commit("health");
    assert_eq!(r.run(&["check", "--record", "--deploy", "abcd2222"]).code, 0);
    let before = r.read("services/users/openapi.yaml");
    let out = r.run(&["rollback", "--to", "abcd"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("ambiguous") && out.stderr.contains("abcd1111") && out.stderr.contains("abcd2222"), "{out:?}");
    assert_eq!(r.read("services/users/openapi.yaml"), before);
    let out = r.run(&["rollback", "--to", "abcd1"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(r.read("services/users/openapi.yaml"), users("", true));
}

#[test]
fn rollback_refuses_paths_outside_the_repository() {
    use apidiff::spec::bundle::Bundle;
    use apidiff::store::{Archive, Counts, Entry, Risk};
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    // A tampered store whose snapshot would write outside the repository.
    let archive = Archive::new(apidiff::store::open(".apidiff", r.path()).unwrap());
    let evil = Bundle {
        format: "openapi".into(),
        entry: "legacy/swagger.yaml".into(),
        files: [("legacy/swagger.yaml".to_string(), LEGACY.to_string()), ("../escaped.yaml".to_string(), "x".to_string())].into(),
    };
    let hash = archive.put_snapshot(&evil).unwrap();
    archive
        .put_entry(&Entry {
            version: 1,
            id: Entry::derive_id("legacy", "legacy/swagger.yaml", Some(&hash), None, Some("feedface")),
            time: "2999-01-01T00:00:00.000Z".into(),
            module: "legacy".into(),
            spec: "legacy/swagger.yaml".into(),
            format: apidiff::diff::Format::OpenApi,
            snapshot: Some(hash.clone()),
            previous: None,
            deploy: Some("feedface".into()),
            author: None,
            message: None,
            risk: Risk::Low,
            counts: Counts::default(),
            changes: vec![],
            dependants: vec![],
            owners: vec![],
            run: "x".into(),
            source: None,
        })
        .unwrap();
    let out = r.run(&["rollback", "--to", "feedface"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("refusing to write `../escaped.yaml`"), "{out:?}");
    assert!(!r.path().parent().unwrap().join("escaped.yaml").exists());
}

#[test]
fn concurrent_records_lose_and_duplicate_nothing() {
    // Two `check --record` processes at once on one repository and one store: each checks ten
    // modules of its own and the same ten shared modules, so they race on identical writes
    // (which must not duplicate) and on distinct ones (which must not be lost).
    let r = Repo::new();
    let write_all = |version: usize| {
        for i in 0..10 {
            for m in [format!("shared{i}"), format!("own0x{i}"), format!("own1x{i}")] {
                r.write(
                    &format!("{m}/openapi.yaml"),
                    &format!("openapi: 3.0.3\ninfo: {{title: {m}, version: '{version}'}}\npaths: {{}}\n"),
                );
            }
        }
    };
    let scope = |side: usize| -> Vec<String> {
        (0..10).flat_map(|i| ["--module".to_string(), format!("shared{i}"), "--module".to_string(), format!("own{side}x{i}")]).collect()
    };
    for round in 0..3 {
        write_all(round);
        r.commit(&format!("round {round}"));
        let deploy = format!("deploy-{round}");
        let children: Vec<_> = (0..2)
            .map(|side| {
                Command::new(env!("CARGO_BIN_EXE_apidiff"))
                    .args(["check", "--record", "--deploy", &deploy])
                    .args(scope(side))
                    .current_dir(r.path())
                    .envs(ENV.iter().copied())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    }
    let hist = json(&r.run(&["history", "-f", "json"]).stdout);
    let hist = hist.as_array().unwrap();
    // Each round: 10 shared (written once) + 2 × 10 own.
    assert_eq!(hist.len(), 3 * 30, "entries lost or duplicated");
    let mut keys: Vec<(String, String)> = hist.iter().map(|e| (e["module"].to_string(), e["deploy"].to_string())).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 90, "one entry per module and deploy");
    // Every object is intact.
    let store = r.path().join(".apidiff");
    let objects: Vec<PathBuf> = std::fs::read_dir(store.join("objects/sha256")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(objects.len(), 90);
    for o in &objects {
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(std::fs::read(o).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(o.file_name().unwrap().to_string_lossy(), digest);
    }
    assert_eq!(std::fs::read_dir(store.join("tmp")).unwrap().count(), 1, "only the .gitignore is left in tmp/");
    let audit = json(&r.run(&["history", "--audit", "-f", "json"]).stdout);
    assert_eq!(audit.as_array().unwrap().len(), 6, "one record event per process and round");
    // The next check finds every module at its latest snapshot.
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Nothing to record"), "{out:?}");
}

#[test]
fn discover_recognises_every_format_and_explains() {
    let r = Repo::new();
    r.write("services/users/openapi.yaml", "openapi: 3.1.0\ninfo: {title: Users, version: '1'}\npaths: {}\n");
    r.write("web/schema.graphql", "type Query { a: Int }\n");
    r.write("events/asyncapi.json", "{\"asyncapi\": \"2.6.0\", \"info\": {\"title\": \"Events\"}}");
    r.write("protos/billing/billing.proto", "syntax = \"proto3\";\nimport \"protos/billing/money.proto\";\n");
    r.write("protos/billing/money.proto", "syntax = \"proto3\";\n");
    r.write("sdk/index.d.ts", "export declare function f(): void;\n");
    r.write("sdk/src/main.ts", "export const x = 1;\n");
    r.write("node_modules/pkg/openapi.yaml", "openapi: 3.0.0\n");
    r.write("build/openapi.yaml", "openapi: 3.0.0\n");
    r.write(".gitignore", "build/\n");
    let out = r.run(&["discover", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let d = json(&out.stdout);
    let got: Vec<(String, String, String)> = d["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap().into(), s["format"].as_str().unwrap().into(), s["module"].as_str().unwrap().into()))
        .collect();
    let want = [
        ("events/asyncapi.json", "asyncapi", "events"),
        ("protos/billing/billing.proto", "protobuf", "billing"),
        ("sdk/index.d.ts", "typescript", "sdk"),
        ("services/users/openapi.yaml", "openapi", "users"),
        ("web/schema.graphql", "graphql", "web"),
    ];
    assert_eq!(got, want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect::<Vec<_>>());
    assert_eq!(d["skipped"][0]["path"], "protos/billing/money.proto");
    let table = r.run(&["discover"]);
    assert!(table.stdout.contains("top-level `openapi: 3.1.0`") && table.stdout.contains("extension .graphql"), "{table:?}");
    assert!(table.stdout.contains("referenced by protos/billing/billing.proto"), "{table:?}");
}

#[test]
fn bad_config_is_located() {
    let r = seeded();
    r.write("apidiff.yaml", "modules:\n  - name: users\n    specs: ['x']\n    owner: [a]\n");
    let out = r.run(&["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("apidiff.yaml:4:5: unknown field `owner`"), "{out:?}");
    let out = r.run(&["config", "schema"]);
    assert_eq!(out.code, 0);
    let schema = json(&out.stdout);
    assert!(schema["properties"]["modules"].is_object(), "{schema:#}");
    r.write("apidiff.yaml", CONFIG);
    let out = r.run(&["config", "check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("ok: 3 modules"), "{out:?}");
}

/// One spec that cannot be read hides nothing: the other specs are compared, reported and
/// recorded, the broken file is named with its line in every output, and the exit code is 2.
#[test]
fn broken_spec_is_reported_and_the_rest_is_checked() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    r.write("legacy/swagger.yaml", "swagger: '2.0'\ninfo: {title: Legacy, version: '1'}\npaths:\n  /pets: [unclosed\n");
    r.write("services/users/openapi.yaml", &users("", false));
    r.commit("break the YAML, drop GET /users/{id}");

    let out = r.run(&["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.contains("api-path-removed") || out.stdout.contains("/users/{id}"), "{out:?}");
    assert!(out.stdout.contains("1 spec could not be checked") && out.stdout.contains("legacy/swagger.yaml:"), "{out:?}");
    assert!(out.stderr.contains("error: legacy/swagger.yaml:"), "{out:?}");
    // A check that does not record still audits the failure in the store it compared against.
    let audit = json(&r.run(&["history", "--audit", "-f", "json"]).stdout);
    let failures: Vec<&serde_json::Value> = audit.as_array().unwrap().iter().filter(|e| e["action"] == "failure").collect();
    assert_eq!(failures.len(), 1, "{audit:#}");
    assert_eq!(failures[0]["details"]["recorded"], false, "{audit:#}");
    assert_eq!(failures[0]["details"]["errors"][0]["file"], "legacy/swagger.yaml", "{audit:#}");

    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 2, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["schema_version"], "1.3.0");
    assert!(v["summary"]["breaking"].as_u64().unwrap() >= 1, "{v:#}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v:#}");
    assert_eq!(errors[0]["file"], "legacy/swagger.yaml");
    assert_eq!(errors[0]["module"], "legacy");
    assert!(errors[0]["line"].as_u64().is_some(), "{v:#}");
    for (format, needle) in [
        ("markdown", "could not be checked"),
        ("html", "could not be checked"),
        ("sarif", "apidiff-spec-error"),
        ("junit", "<error"),
        ("gitlab", "apidiff-spec-error"),
        ("github", "::error file=legacy/swagger.yaml"),
    ] {
        let out = r.run(&["check", "-f", format]);
        assert_eq!(out.code, 2, "{format}: {out:?}");
        assert!(out.stdout.contains(needle) && out.stdout.contains("legacy/swagger.yaml"), "{format}: {out:?}");
    }

    // --record still archives the readable specs, and the failure is in the audit log.
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("Recorded 1 new snapshot"), "{out:?}");
    let hist = json(&r.run(&["history", "--module", "users", "-f", "json"]).stdout);
    assert_eq!(hist.as_array().unwrap().len(), 2, "{hist:#}");
    let audit = json(&r.run(&["history", "--audit", "-f", "json"]).stdout);
    let failure =
        audit.as_array().unwrap().iter().find(|e| e["action"] == "failure" && e["details"]["recorded"] == true).expect("a failure event");
    assert_eq!(failure["details"]["errors"][0]["file"], "legacy/swagger.yaml", "{failure:#}");
    assert!(failure["details"]["run"].is_string(), "{failure:#}");
}

/// Copies a fixture tree into the repository under `to`.
fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&p, &dest);
        } else if p.extension().is_some_and(|x| x == "proto") {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

fn pubsub(r: &Repo, version: &str) {
    let proto = r.path().join("proto");
    let _ = std::fs::remove_dir_all(&proto);
    std::fs::create_dir_all(&proto).unwrap();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos/pubsub").join(version), &proto);
}

/// A gRPC repository with a vendored googleapis tree under `proto/`: only the service is a spec,
/// the vendored files are dependencies, imports resolve without configuration, an upgrade gets a
/// verdict and a removed RPC fails the gate.
#[test]
fn vendored_googleapis_repository() {
    let r = Repo::new();
    pubsub(&r, "4.0.0");
    r.commit("Pub/Sub 4.0.0");
    let d = json(&r.run(&["discover", "-f", "json"]).stdout);
    let specs: Vec<&str> = d["specs"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    assert_eq!(specs, ["proto/google/pubsub/v1/pubsub.proto"], "{d:#}");
    // The module is the protobuf package, not the folder (`v1`).
    assert_eq!(d["specs"][0]["module"], "google.pubsub.v1", "{d:#}");
    let http = d["skipped"].as_array().unwrap().iter().find(|s| s["path"] == "proto/google/api/http.proto").expect("http.proto listed");
    assert!(http["reason"].as_str().unwrap().starts_with("dependency"), "{d:#}");

    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Recorded a baseline: 1 spec"), "{out:?}");

    pubsub(&r, "6.0.1");
    r.commit("Pub/Sub 6.0.1");
    let out = r.run(&["check", "--record", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(v["errors"], serde_json::json!([]), "{v:#}");
    assert!(v["changes"].as_array().unwrap().iter().any(|c| c["id"] == "proto-file-same-go-package"), "{v:#}");

    let path = r.path().join("proto/google/pubsub/v1/pubsub.proto");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("  rpc DeleteSnapshot(").unwrap();
    let end = start + text[start..].find("\n  }\n").unwrap() + 5;
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    r.commit("drop DeleteSnapshot");
    for args in [&["check"][..], &["check", "--proto-category", "FILE"][..]] {
        let out = r.run(args);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(out.stdout.contains("proto-rpc-no-delete") && out.stdout.contains("DeleteSnapshot"), "{args:?}: {out:?}");
    }
    // WIRE_JSON does not cover RPC removals (as in buf).
    assert_eq!(r.run(&["check", "--proto-category", "wire_json"]).code, 0);
}

/// Imports resolve from buf's module folders (`buf.yaml` v2) when they are not parent folders of
/// the importing file, and the archived snapshot bundles the imported files.
#[test]
fn buf_yaml_modules_are_import_roots() {
    let r = Repo::new();
    let googleapis = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos/pubsub/4.0.0/google/api");
    for f in ["annotations.proto", "http.proto"] {
        r.write(&format!("third/google/api/{f}"), &std::fs::read_to_string(googleapis.join(f)).unwrap());
    }
    let svc = |extra: &str| {
        format!(
            "syntax = \"proto3\";\npackage acme.v1;\nimport \"google/api/annotations.proto\";\nmessage Req {{ string id = 1; }}\nmessage Res {{}}\nservice Users {{\n  rpc Get(Req) returns (Res) {{ option (google.api.http) = {{ get: \"/v1/users/{{id}}\" }}; }}\n{extra}}}\n"
        )
    };
    r.write("proto/acme/v1/users.proto", &svc("  rpc Delete(Req) returns (Res);\n"));
    r.commit("service");
    // Without buf.yaml the import is not found: a located error, exit 2.
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("proto/acme/v1/users.proto") && out.stderr.contains("google/api/annotations.proto"), "{out:?}");
    r.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\n  - path: third\n");
    r.commit("buf.yaml");
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    // The snapshot holds the imported files (read back from the store folder).
    fn holds(dir: &Path, needle: &str) -> bool {
        std::fs::read_dir(dir).unwrap().any(|e| {
            let p = e.unwrap().path();
            if p.is_dir() { holds(&p, needle) } else { std::fs::read(&p).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle)) }
        })
    }
    assert!(holds(&r.path().join(".apidiff"), "third/google/api/http.proto"), "the snapshot bundles the imports");
    r.write("proto/acme/v1/users.proto", &svc(""));
    r.commit("drop Delete");
    let out = r.run(&["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("proto-rpc-no-delete"), "{out:?}");
}

/// Changes inside dependency files (other packages' imports: vendored googleapis, shared types)
/// count only through the definitions the API uses, and the HTTP annotations are checked.
#[test]
fn dependency_changes_count_only_through_used_definitions() {
    let r = Repo::new();
    let googleapis = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos/pubsub/6.0.1/google/api");
    for f in ["annotations.proto", "http.proto"] {
        r.write(&format!("proto/google/api/{f}"), &std::fs::read_to_string(googleapis.join(f)).unwrap());
    }
    let money = |units: &str, unused: &str| {
        format!(
            "syntax = \"proto3\";\npackage google.type;\noption go_package = \"example.com/money\";\nmessage Money {{\n  string currency_code = 1;\n{units}  int32 nanos = 3;\n}}\nmessage Unused {{\n{unused}}}\n"
        )
    };
    r.write("proto/google/type/money.proto", &money("  int64 units = 2;\n", "  string note = 1;\n"));
    let svc = |verb: &str| {
        format!(
            "syntax = \"proto3\";\npackage acme.v1;\nimport \"google/api/annotations.proto\";\nimport \"google/type/money.proto\";\nmessage Req {{ string id = 1; }}\nmessage Res {{ google.type.Money price = 1; }}\nservice Prices {{\n  rpc Get(Req) returns (Res) {{ option (google.api.http) = {{ {verb}: \"/v1/prices/{{id}}\" }}; }}\n}}\n"
        )
    };
    r.write("proto/acme/v1/prices.proto", &svc("get"));
    r.commit("service");
    let d = json(&r.run(&["discover", "-f", "json"]).stdout);
    let specs: Vec<(&str, &str)> =
        d["specs"].as_array().unwrap().iter().map(|s| (s["path"].as_str().unwrap(), s["module"].as_str().unwrap())).collect();
    assert!(specs.contains(&("proto/acme/v1/prices.proto", "acme.v1")), "{d:#}");
    assert_eq!(r.run(&["check", "--record"]).code, 0);

    // Unused definitions of dependency files change: nothing to report.
    let http = std::fs::read_to_string(r.path().join("proto/google/api/http.proto")).unwrap();
    r.write(
        "proto/google/api/http.proto",
        &http.replace("  string selector = 1;\n", "").replace("bool fully_decode_reserved_expansion = 2;", ""),
    );
    r.write("proto/google/type/money.proto", &money("  int64 units = 2;\n", ""));
    r.commit("unused definitions change");
    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json(&out.stdout)["changes"], serde_json::json!([]), "{out:?}");

    // A definition the API uses (Money, through Res.price) changes: reported.
    r.write("proto/google/type/money.proto", &money("", ""));
    r.commit("Money.units removed");
    let out = r.run(&["check", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = json(&out.stdout);
    let ids: Vec<(&str, &str)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["base"]["pointer"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(ids, [("proto-field-no-delete", "google.type.Money.units")], "{v:#}");

    // The HTTP surface: a changed verb breaks REST clients, whatever the buf category.
    r.write("proto/google/type/money.proto", &money("  int64 units = 2;\n", ""));
    r.write("proto/acme/v1/prices.proto", &svc("post"));
    r.commit("GET became POST");
    for args in [&["check"][..], &["check", "--proto-category", "WIRE"][..]] {
        let out = r.run(args);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(out.stdout.contains("proto-http-verb-changed"), "{args:?}: {out:?}");
    }
}

/// A `$ref` whose fragment holds a broken escape before a non-ASCII character (`#/%aé`) used to
/// slice through the character and panic, stopping the whole check. Now it is a located error for
/// that spec alone, while the other spec's breaking change is still reported: exit 2, both visible.
#[test]
fn a_bad_ref_fragment_is_an_error_for_its_spec_while_the_others_are_checked() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    r.write("legacy/swagger.yaml", "swagger: '2.0'\ninfo: {title: Legacy, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: pets\n          schema: {$ref: '#/%aé'}\n");
    r.write("services/orders/api/openapi.json", r#"{"openapi": "3.0.3", "info": {"title": "Orders", "version": "1"}, "paths": {}}"#);
    let out = r.run(&["check", "--format", "json"]);
    assert_eq!(out.code, 2, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{v:#}");
    assert_eq!(errors[0]["spec"], "legacy/swagger.yaml");
    assert!(errors[0]["line"].as_u64().is_some(), "the error is located: {v:#}");
    assert!(v["changes"].as_array().unwrap().iter().any(|c| c["id"] == "endpoint-removed" && c["module"] == "orders"), "{v:#}");
    assert!(out.stderr.contains("legacy/swagger.yaml") && !out.stderr.contains("panicked"), "{out:?}");
}

const PR_OPENAPI: &str = "openapi: 3.0.3\ninfo: {title: Shop, version: '1'}\npaths:\n  /items:\n    get:\n      operationId: listItems\n      responses:\n        '200': {description: items}\n  /items/{id}:\n    get:\n      operationId: getItem\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: an item}\n";
const PR_GRAPHQL: &str = "type Query {\n  item(id: ID!): Item\n}\n\ntype Item {\n  id: ID!\n  name: String\n}\n";

/// A repository with an OpenAPI and a GraphQL spec and no configuration, as a new user has it.
fn two_specs() -> Repo {
    let r = Repo::new();
    r.write("api/openapi.yaml", PR_OPENAPI);
    r.write("graph/schema.graphql", PR_GRAPHQL);
    r.commit("two APIs");
    r
}

/// Pull-request mode sees the whole set: a spec deleted since the base revision is a breaking
/// finding of its own module, counted in its own row, worded once.
#[test]
fn pull_request_deleted_spec_fails_with_its_module() {
    let r = two_specs();
    r.git(&["rm", "-q", "graph/schema.graphql"]);
    r.commit("drop the GraphQL API");
    let out = r.run(&["check", "--base", "HEAD~1", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = json(&out.stdout);
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{v:#}");
    assert_eq!(changes[0]["id"], "api-description-removed");
    assert_eq!(changes[0]["module"], "graph");
    assert_eq!(changes[0]["severity"], "breaking");
    assert!(changes[0]["message"].as_str().unwrap().ends_with("it existed at HEAD~1"), "{v:#}");
    // The witness: an operation selecting the first root field, validated against the schema
    // at the base revision; the revision side is the file's absence.
    let w = &changes[0]["witness"];
    assert_eq!(w["kind"], "operation", "{v:#}");
    assert_eq!(w["instance"]["query"], "query Witness { item(id: \"\") { __typename } }", "{v:#}");
    assert_eq!(w["base"]["pointer"], "Query.item", "{v:#}");
    assert_eq!(w["base"]["accepts"], true, "{v:#}");
    assert_eq!(w["revision"]["accepts"], false, "{v:#}");
    assert!(w["revision"]["error"].as_str().unwrap().contains("`graph/schema.graphql` is gone from the repository"), "{v:#}");
    // `--witness off` builds none.
    let off = json(&r.run(&["check", "--base", "HEAD~1", "--witness", "off", "-f", "json"]).stdout);
    assert!(off["changes"][0].get("witness").is_none_or(serde_json::Value::is_null), "{off:#}");
    assert!(v["specs"].as_array().unwrap().iter().any(|s| s["module"] == "graph" && s["revision"] == "(removed)"), "{v:#}");
    let text = r.run(&["check", "--base", "HEAD~1"]);
    assert_eq!(text.code, 1, "{text:?}");
    assert!(text.stderr.contains("module `graph`: graph/schema.graphql existed at HEAD~1 and was deleted"), "{text:?}");
    assert!(!text.stdout.contains("the the"), "{text:?}");
    assert!(text.stdout.contains("removed the spec `graph/schema.graphql`"), "{text:?}");
    // The module table counts the removal in the row of the spec that went.
    let row = |needle: &str| text.stdout.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no row {needle}: {text:?}"));
    assert!(row("(removed)").contains("graph") && row("(removed)").contains("fails (1 blocking)"), "{text:?}");
    assert!(row("api/openapi.yaml").contains("passes"), "{text:?}");
    // `--module` limits what counts as gone.
    assert_eq!(r.run(&["check", "--base", "HEAD~1", "--module", "api"]).code, 0);
}

/// A spec moved with an edit is reported as moved and compared with its old path, so the break
/// made along the move fails the check; a plain move passes.
#[test]
fn pull_request_moved_spec_is_compared_with_its_old_path() {
    let r = two_specs();
    std::fs::create_dir_all(r.path().join("api/v1")).unwrap();
    r.git(&["mv", "api/openapi.yaml", "api/v1/openapi.yaml"]);
    r.commit("move only");
    let out = r.run(&["check", "--base", "HEAD~1", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    let ids: Vec<&str> = v["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["api-description-moved"], "{v:#}");
    assert!(!out.stderr.contains("new spec"), "{out:?}");

    let edited = PR_OPENAPI.split("  /items/{id}:").next().unwrap().to_string();
    r.write("api/v1/openapi.yaml", &edited);
    r.commit("and drop an endpoint");
    let out = r.run(&["check", "--base", "HEAD~2", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = json(&out.stdout);
    let ids: BTreeSet<&str> = v["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, BTreeSet::from(["api-description-moved", "endpoint-removed"]), "{v:#}");
    let moved = v["changes"].as_array().unwrap().iter().find(|c| c["id"] == "api-description-moved").unwrap();
    assert!(moved["message"].as_str().unwrap().contains("moved from `api/openapi.yaml`"), "{v:#}");
    assert!(v["specs"].as_array().unwrap().iter().any(|s| s["base"] == "HEAD~2:api/openapi.yaml"), "{v:#}");
    // An unrelated new spec where one vanished is no move: the old one is removed.
    r.write("api/v1/openapi.yaml", "openapi: 3.0.3\ninfo: {title: Other, version: '9'}\npaths:\n  /other:\n    post:\n      responses:\n        '204': {description: done}\n");
    r.commit("replace");
    let v = json(&r.run(&["check", "--base", "HEAD~3", "-f", "json"]).stdout);
    let ids: BTreeSet<&str> = v["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, BTreeSet::from(["api-description-removed"]), "{v:#}");
}

/// `gate.profile: strict` in apidiff.yaml rates a documented limit breaking again; the default
/// (evidence) profile rates it a warning.
#[test]
fn strict_profile_from_the_config_keeps_documented_limits_breaking() {
    let r = Repo::new();
    let spec = |limit: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /items:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                id: {{type: string{limit}}}\n      responses:\n        '204': {{description: done}}\n"
        )
    };
    r.write("api/openapi.yaml", &spec(""));
    r.commit("base");
    r.write("api/openapi.yaml", &spec(", maxLength: 5000"));
    let out = r.run(&["check", "--base", "HEAD", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!((v["changes"][0]["id"].as_str(), v["changes"][0]["severity"].as_str()), (Some("request-limit-documented"), Some("warning")));
    r.write("apidiff.yaml", "gate: {profile: strict}\n");
    let out = r.run(&["check", "--base", "HEAD", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(json(&out.stdout)["changes"][0]["severity"], "breaking", "{out:?}");
}
