//! `GET/POST/DELETE /api/api-diff/approvals`: a developer approves in a module they own (by
//! subject or a token group named in the module's owners), not elsewhere; a viewer never; an
//! admin anywhere. Each approval is in the audit log and in the next check (`register`).
#![cfg(feature = "server")]

mod common_server;

use apidiff::server::auth::{self, Role};
use common_server::*;
use serde_json::{Value, json};

fn dev_in(groups: &[&str], sub: &str) -> String {
    let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    auth::mint_with_groups(SECRET.as_bytes(), "apidiff", sub, Role::Developer, &groups, 3600, now()).unwrap()
}

fn post(s: &Server, token: &str, body: Value) -> Resp {
    s.req("POST", "/api/api-diff/approvals", Some(token), Some(&body.to_string()))
}

#[test]
fn roles_owners_audit_and_the_next_check() {
    let s = Server::start();
    let admin = token(Role::Admin, "root");
    let owner = dev_in(&["team-users"], "ann");
    let r1 = s.json("POST", "/api/api-diff/register", &owner, Some(json!({"module": "users", "spec": USERS_V1})));
    assert_eq!(r1["recorded"], true);
    let approve = json!({"module": "users", "rule": "endpoint-removed", "operation": "GET /users/{id}", "reason": "v2 drops the lookup"});

    // A viewer never; a developer outside the module's owners not either.
    let viewer = post(&s, &token(Role::Viewer, "val"), approve.clone());
    assert_eq!(viewer.status, 403, "{}", viewer.body);
    let stranger = post(&s, &dev_in(&["team-billing"], "bob"), approve.clone());
    assert_eq!(stranger.status, 403, "{}", stranger.body);
    assert!(stranger.body.contains("@team-users"), "{}", stranger.body);
    // Billing has no owners: only an admin approves there.
    let billing = post(&s, &owner, json!({"module": "billing", "rule": "endpoint-removed", "operation": "GET /x", "reason": "r"}));
    assert_eq!(billing.status, 403, "{}", billing.body);
    let by_admin = post(&s, &admin, json!({"module": "billing", "rule": "endpoint-removed", "operation": "GET /x", "reason": "r"}));
    assert_eq!(by_admin.status, 201, "{}", by_admin.body);
    // Bad input is a 400 naming what was expected; no token is a 401.
    let bad = post(&s, &owner, json!({"module": "users", "fingerprint": "xyz", "reason": "r"}));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(s.req("POST", "/api/api-diff/approvals", None, Some(&approve.to_string())).status, 401);

    // The owner (through the token's group): 201.
    let ok = post(&s, &owner, approve.clone());
    assert_eq!(ok.status, 201, "{}", ok.body);
    let a: Value = serde_json::from_str(&ok.body).unwrap();
    assert_eq!(a["by"], "ann");
    assert_eq!(a["module"], "users");
    let id = a["id"].as_str().unwrap().to_string();

    // The next check (register) lets the approved removal pass and says who approved it.
    let r2 = s.json("POST", "/api/api-diff/register", &owner, Some(json!({"module": "users", "spec": USERS_V2})));
    let report = &r2["report"];
    assert_eq!(report["gate"]["passed"], true, "{report}");
    let ch = report["changes"].as_array().unwrap().iter().find(|c| c["id"] == "endpoint-removed").unwrap();
    assert_eq!(ch["blocking"], false);
    assert_eq!(ch["approval"]["by"], "ann");
    assert_eq!(ch["approval"]["reason"], "v2 drops the lookup");

    // Viewers list approvals.
    let listed = s.json("GET", "/api/api-diff/approvals?module=users", &token(Role::Viewer, "val"), None);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["standing"]["state"], "active");

    // Revoking: not by a stranger, yes by the owner, and only once.
    let path = format!("/api/api-diff/approvals/{id}");
    assert_eq!(s.req("DELETE", &path, Some(&dev_in(&[], "bob")), None).status, 403);
    assert_eq!(s.req("DELETE", &path, Some(&token(Role::Viewer, "val")), None).status, 403);
    let gone = s.req("DELETE", &path, Some(&owner), Some(&json!({"reason": "rolled back"}).to_string()));
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_eq!(s.req("DELETE", &path, Some(&admin), None).status, 409);
    assert_eq!(s.req("DELETE", "/api/api-diff/approvals/ffffffff", Some(&admin), None).status, 404);

    // Every approval and revocation is in the audit log.
    let audit = s.json("GET", "/api/api-diff/audit?limit=500", &admin, None);
    let items = audit["items"].as_array().unwrap();
    let approvals: Vec<&Value> = items.iter().filter(|e| e["action"] == "approve").collect();
    assert_eq!(approvals.len(), 2, "{audit}");
    assert!(approvals.iter().any(|e| e["actor"] == "ann" && e["details"]["approval"] == id.as_str()), "{audit}");
    assert!(items.iter().any(|e| e["action"] == "revoke" && e["actor"] == "ann"), "{audit}");
    // The refused attempts are audited as access events with their status.
    assert!(items.iter().any(|e| e["action"] == "access" && e["actor"] == "bob" && e["details"]["status"] == 403), "{audit}");
}

#[test]
fn an_owner_by_subject_approves_and_codeowners_count() {
    let s = Server::start();
    std::fs::create_dir_all(s.dir.path().join(".github")).unwrap();
    // CODEOWNERS of the archived spec's path (`users/openapi.yaml` as register names it).
    std::fs::write(s.dir.path().join(".github/CODEOWNERS"), "users/ @carol\n").unwrap();
    let carol = dev_in(&[], "carol");
    let r1 =
        s.json("POST", "/api/api-diff/register", &carol, Some(json!({"module": "users", "spec": USERS_V1, "path": "users/openapi.yaml"})));
    assert_eq!(r1["recorded"], true, "{r1}");
    let ok = post(&s, &carol, json!({"module": "users", "rule": "endpoint-removed", "operation": "GET /users/{id}", "reason": "r"}));
    assert_eq!(ok.status, 201, "{}", ok.body);
}
