//! Approvals end to end with the built binary, in real temporary git repositories: `apidiff
//! approve` by fingerprint, group and rule + operation; `check` lets the approved break pass and
//! every report format says who approved it; revocation and expiry make it block again; the
//! gate's `approvals: owners`, `approvals_required` and `approval_max_days`; the audit log.

mod common_repo;

use common_repo::{ENV, Repo};
use std::process::{Command, Output};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

fn run(r: &Repo, args: &[&str]) -> Run {
    let o: Output =
        Command::new(env!("CARGO_BIN_EXE_apidiff")).args(args).current_dir(r.path()).envs(ENV.iter().copied()).output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

const BASE: &str = "openapi: 3.0.3\ninfo: {title: Users, version: '1'}\npaths:\n  /users:\n    get:\n      responses:\n        '200':\n          description: users\n          content:\n            application/json:\n              schema:\n                type: object\n                required: [id, name, email]\n                properties:\n                  id: {type: string}\n                  name: {type: string}\n                  email: {type: string}\n  /teams:\n    get:\n      responses:\n        '200': {description: teams}\n";

/// The base with these response properties removed (and no longer required).
fn drop(props: &[&str]) -> String {
    let mut s = BASE.to_string();
    for p in props {
        s = s.replace(&format!("                  {p}: {{type: string}}\n"), "").replace(&format!(", {p}"), "");
    }
    s
}

fn config(gate: &str) -> String {
    format!("modules:\n  - name: users\n    specs: ['services/users/*.yaml']\n    owners: ['@team-users', 'bob@example.com']\n{gate}")
}

/// A repository with a recorded baseline, then one breaking change (the `name` property removed).
fn broken(gate: &str) -> Repo {
    let r = Repo::new();
    r.write("apidiff.yaml", &config(gate));
    r.write("services/users/openapi.yaml", BASE);
    r.commit("initial");
    let rec = run(&r, &["check", "--record"]);
    assert_eq!(rec.code, 0, "{rec:?}");
    r.write("services/users/openapi.yaml", &drop(&["name"]));
    r.commit("drop name");
    r
}

/// The breaking change's fingerprint and group, from the JSON report (which must fail).
fn breaking(r: &Repo) -> (String, String) {
    let c = run(r, &["check", "--format", "json"]);
    assert_eq!(c.code, 1, "{c:?}");
    let v = json(&c.stdout);
    let ch = v["changes"].as_array().unwrap().iter().find(|c| c["blocking"] == true).unwrap_or_else(|| panic!("{c:?}"));
    (ch["fingerprint"].as_str().unwrap().to_string(), ch["group"].as_str().unwrap().to_string())
}

fn approval_id(out: &str) -> String {
    out.split("(approval ").nth(1).and_then(|s| s.split(';').next()).unwrap_or_else(|| panic!("{out}")).to_string()
}

#[test]
fn an_approved_break_passes_and_every_format_says_who_approved_it() {
    let r = broken("");
    let (fp, _) = breaking(&r);
    // The pending break's Markdown (the pull-request comment) says how to approve it.
    let pending = run(&r, &["check", "--format", "markdown"]);
    assert!(pending.stdout.contains(&format!("approve: `apidiff approve {fp} --module users --reason \"…\"`")), "{pending:?}");
    let a = run(&r, &["approve", &fp, "--reason", "clients migrated (INC-42)", "--module", "users", "--expires", "2999-01-01"]);
    assert_eq!(a.code, 0, "{a:?}");
    let id = approval_id(&a.stdout);

    let c = run(&r, &["check", "--format", "json"]);
    assert_eq!(c.code, 0, "{c:?}");
    let v = json(&c.stdout);
    let ch = v["changes"].as_array().unwrap().iter().find(|c| c["fingerprint"] == fp.as_str()).unwrap();
    assert_eq!(ch["blocking"], false);
    assert_eq!(ch["approval"]["by"], "Bob <bob@example.com>");
    assert_eq!(ch["approval"]["reason"], "clients migrated (INC-42)");
    assert_eq!(ch["approval"]["expires"], "2999-01-01");
    assert_eq!(ch["approval"]["id"], id.as_str());
    assert_eq!(v["summary"]["approved"], 1);
    assert_eq!(v["gate"]["passed"], true);

    let today = &ch["approval"]["on"].as_str().unwrap().to_string();
    let sentence = format!("approved by Bob <bob@example.com> on {today} (until 2999-01-01): clients migrated (INC-42)");
    let text = run(&r, &["check"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.contains("approved by Bob <bob@example.com>") && text.stdout.contains("1 approved"), "{text:?}");
    let md = run(&r, &["check", "--format", "markdown"]);
    assert!(md.stdout.contains("✅ approved by Bob \\<bob@example.com\\> on") && md.stdout.contains("1 approved"), "{md:?}");
    let html = run(&r, &["check", "--format", "html"]);
    assert!(html.stdout.contains("approved by Bob &lt;bob@example.com&gt;"), "{}", html.stdout);
    let sarif = json(&run(&r, &["check", "--format", "sarif"]).stdout);
    let res = &sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["partialFingerprints"]["apidiffFingerprint/v1"] == fp.as_str())
        .unwrap()
        .clone();
    assert_eq!(res["suppressions"][0]["kind"], "external");
    assert_eq!(res["suppressions"][0]["justification"], sentence.as_str());
    let junit = run(&r, &["check", "--format", "junit"]);
    assert!(junit.stdout.contains("failures=\"0\"") && junit.stdout.contains("<system-out>approved by Bob"), "{junit:?}");
    let gitlab = json(&run(&r, &["check", "--format", "gitlab"]).stdout);
    let issue = gitlab.as_array().unwrap().iter().find(|i| i["fingerprint"] == fp.as_str()).unwrap().clone();
    assert_eq!(issue["severity"], "major");
    assert!(issue["description"].as_str().unwrap().contains(&sentence), "{issue}");
    let gh = run(&r, &["check", "--format", "github"]);
    assert_eq!(gh.code, 0, "{gh:?}");
    assert!(!gh.stdout.contains("::error") && gh.stdout.contains("approved by Bob"), "{gh:?}");

    // Recorded with the entry, so the history remembers who accepted the break.
    let rec = run(&r, &["check", "--record"]);
    assert_eq!(rec.code, 0, "{rec:?}");
    let entries = std::fs::read_dir(r.path().join(".apidiff/records/entries")).unwrap();
    let stored = entries
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains("\"approval\""))
        .expect("an entry with the approval");
    assert!(stored.contains(&id), "{stored}");

    // The audit log has the approval.
    let audit = json(&run(&r, &["history", "--audit", "--format", "json"]).stdout);
    let ev = audit.as_array().unwrap().iter().find(|e| e["action"] == "approve").unwrap().clone();
    assert_eq!(ev["details"]["approval"], id.as_str());
    assert_eq!(ev["actor"], "Bob <bob@example.com>");
}

#[test]
fn revoked_approvals_block_again_and_are_audited() {
    let r = broken("");
    let (_, group) = breaking(&r);
    let a = run(&r, &["approve", &group, "--reason", "planned"]);
    assert_eq!(a.code, 0, "{a:?}");
    let id = approval_id(&a.stdout);
    assert_eq!(run(&r, &["check"]).code, 0);
    let rv = run(&r, &["approvals", "revoke", &id[..8], "--reason", "too early"]);
    assert_eq!(rv.code, 0, "{rv:?}");
    let c = run(&r, &["check"]);
    assert_eq!(c.code, 1, "{c:?}");
    assert!(c.stderr.contains(&format!("approval {id}")) && c.stderr.contains("revoked"), "{c:?}");
    let again = run(&r, &["approvals", "revoke", &id]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("already revoked"), "{again:?}");
    let list = json(&run(&r, &["approvals", "list", "--json"]).stdout);
    assert_eq!(list[0]["standing"]["state"], "revoked");
    let audit = run(&r, &["history", "--audit", "--format", "json"]).stdout;
    assert!(audit.contains("\"revoke\""), "{audit}");
}

#[test]
fn rule_and_operation_approvals_cover_only_that_operation() {
    let r = broken("");
    let wrong = run(&r, &["approve", "--rule", "response-required-property-removed", "--operation", "GET /teams", "--reason", "x"]);
    assert_eq!(wrong.code, 0, "{wrong:?}");
    assert_eq!(run(&r, &["check"]).code, 1, "an approval of another operation does not apply");
    let other_rule = run(&r, &["approve", "--rule", "response-optional-property-removed", "--operation", "GET /users", "--reason", "x"]);
    assert_eq!(other_rule.code, 0, "{other_rule:?}");
    assert_eq!(run(&r, &["check"]).code, 1, "an approval of another rule does not apply");
    let right = run(&r, &["approve", "--rule", "response-required-property-removed", "--operation", "GET /users", "--reason", "x"]);
    assert_eq!(right.code, 0, "{right:?}");
    assert_eq!(run(&r, &["check"]).code, 0);
}

#[test]
fn a_materially_different_break_needs_its_own_approval() {
    let r = broken("");
    let (fp_name, _) = breaking(&r);
    assert_eq!(run(&r, &["approve", &fp_name, "--reason", "name is gone"]).code, 0);
    assert_eq!(run(&r, &["check"]).code, 0);
    // Another property of the same operation: a new fingerprint, blocking.
    r.write("services/users/openapi.yaml", &drop(&["name", "email"]));
    r.commit("drop email too");
    let c = run(&r, &["check", "--format", "json"]);
    assert_eq!(c.code, 1, "{c:?}");
    let v = json(&c.stdout);
    let blocking: Vec<&str> =
        v["changes"].as_array().unwrap().iter().filter(|c| c["blocking"] == true).map(|c| c["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(blocking.len(), 1, "{c:?}");
    assert_ne!(blocking[0], fp_name);
    assert_eq!(run(&r, &["approve", blocking[0], "--reason", "email too"]).code, 0);
    assert_eq!(run(&r, &["check"]).code, 0);
}

#[test]
fn bad_approvals_are_refused() {
    let r = broken("gate:\n  approval_max_days: 30\n");
    let (fp, _) = breaking(&r);
    for (args, want) in [
        (vec!["approve", fp.as_str(), "--reason", " "], "needs a reason"),
        (vec!["approve", "xyz", "--reason", "r"], "expected a change fingerprint"),
        (vec!["approve", fp.as_str(), "--reason", "r", "--expires", "2000-01-01"], "in the past"),
        (vec!["approve", fp.as_str(), "--reason", "r", "--expires", "2999-01-01"], "approval_max_days"),
        (vec!["approve", fp.as_str(), "--reason", "r", "--expires", "tomorrow"], "expected a date"),
        (vec!["approve", "--rule", "no-such-rule", "--operation", "GET /a", "--reason", "r"], "unknown rule id"),
        (vec!["approve", fp.as_str(), "--reason", "r", "--scope", "pr"], "--pr N"),
    ] {
        let o = run(&r, &args);
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(o.stderr.contains(want), "{args:?}: {o:?}");
    }
    // Without --expires, the lifetime cap sets it.
    let a = run(&r, &["approve", &fp, "--reason", "r"]);
    assert_eq!(a.code, 0, "{a:?}");
    assert!(a.stdout.contains(" until "), "{a:?}");
}

#[test]
fn pr_scoped_approvals_apply_only_to_that_pull_request() {
    let r = broken("");
    let (fp, _) = breaking(&r);
    assert_eq!(run(&r, &["approve", &fp, "--reason", "r", "--scope", "pr", "--pr", "12"]).code, 0);
    assert_eq!(run(&r, &["check"]).code, 1);
    assert_eq!(run(&r, &["check", "--pr", "13"]).code, 1);
    assert_eq!(run(&r, &["check", "--pr", "12"]).code, 0);
}

#[test]
fn owners_gate_and_required_approvers() {
    // Bob (the committer) owns the module by email; Carol does not.
    let r = broken("gate:\n  approvals: owners\n  approvals_required: 2\n");
    let (fp, _) = breaking(&r);
    let carol = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
            .args(args)
            .current_dir(r.path())
            .envs(ENV.iter().copied())
            .env("GIT_COMMITTER_NAME", "Carol")
            .env("GIT_COMMITTER_EMAIL", "carol@example.com")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    carol(&["approve", &fp, "--reason", "not an owner"]);
    assert_eq!(run(&r, &["approve", &fp, "--reason", "owner one"]).code, 0);
    let c = run(&r, &["check"]);
    assert_eq!(c.code, 1, "one owner of two required, Carol does not count: {c:?}");
    assert!(c.stderr.contains("not by an owner") && c.stderr.contains("1 of the 2 approvals"), "{c:?}");
    // A second owner, through a group in the module's owners.
    let dave = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["approve", &fp, "--reason", "owner two"])
        .current_dir(r.path())
        .envs(ENV.iter().copied())
        .env("GIT_COMMITTER_NAME", "team-users")
        .env("GIT_COMMITTER_EMAIL", "dave@example.com")
        .output()
        .unwrap();
    assert!(dave.status.success());
    let c = run(&r, &["check", "--format", "json"]);
    assert_eq!(c.code, 0, "{c:?}");
    let v = json(&c.stdout);
    let by = v["changes"].as_array().unwrap().iter().find(|c| c["fingerprint"] == fp.as_str()).unwrap()["approval"]["by"].clone();
    assert_eq!(by, "Bob <bob@example.com>, team-users <dave@example.com>");
}

#[test]
fn expired_approvals_block_again_and_the_expiry_is_audited_once() {
    let r = broken("");
    let (fp, _) = breaking(&r);
    // An approval given long ago that ended yesterday-or-earlier (records are plain JSON files).
    let rec = serde_json::json!({
        "version": 1, "id": "00000000deadbeef", "time": "2020-01-01T00:00:00.000Z", "by": "Ann",
        "reason": "old", "expires": "2020-02-01", "module": "users",
        "approves": {"kind": "fingerprint", "fingerprint": fp},
    });
    let dir = r.path().join(".apidiff/records/approvals");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("20200101T000000000Z-00000000deadbeef.json"), rec.to_string()).unwrap();
    let c = run(&r, &["check"]);
    assert_eq!(c.code, 1, "{c:?}");
    assert!(c.stderr.contains("expired on 2020-02-01"), "{c:?}");
    assert_eq!(run(&r, &["check"]).code, 1);
    let audit = json(&run(&r, &["history", "--audit", "--format", "json"]).stdout);
    let expiries: Vec<_> = audit.as_array().unwrap().iter().filter(|e| e["action"] == "expire").collect();
    assert_eq!(expiries.len(), 1, "{audit}");
    assert_eq!(expiries[0]["time"], "2020-02-02T00:00:00.000Z");
    let list = json(&run(&r, &["approvals", "list", "--json"]).stdout);
    assert_eq!(list[0]["standing"], serde_json::json!({"state": "expired", "on": "2020-02-01"}));
}
