//! `apidiff serve`: every endpoint with every role, the token checks, the audit log, limits,
//! privacy, and the OpenAPI description of the API.
#![cfg(feature = "server")]
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common_server;

use apidiff::server::auth::{self, Role};
use common_server::*;
use serde_json::{Value, json};

/// (method, path, body, lowest role allowed). `{E}` is replaced by an entry id.
fn endpoints() -> Vec<(&'static str, &'static str, Option<Value>, Role)> {
    vec![
        ("GET", "/api/api-diff/history", None, Role::Viewer),
        ("GET", "/api/api-diff/deploys", None, Role::Viewer),
        ("GET", "/api/api-diff/trend", None, Role::Viewer),
        ("GET", "/api/api-diff/alert", None, Role::Viewer),
        ("GET", "/api/api-diff/summary?module=users", None, Role::Viewer),
        ("GET", "/api/api-diff/entries/{E}", None, Role::Viewer),
        ("GET", "/api/api-diff/entries/{E}/diff", None, Role::Viewer),
        ("GET", "/api/api-diff/health", None, Role::Admin),
        ("GET", "/api/api-diff/me", None, Role::Viewer),
        ("POST", "/api/api-diff/register", Some(json!({"module": "users", "spec": USERS_V2})), Role::Developer),
        ("POST", "/api/api-diff/entries/{E}/notes", Some(json!({"text": "checked"})), Role::Developer),
        ("POST", "/api/api-diff/alert/{E}/ack", None, Role::Developer),
        ("POST", "/api/api-diff/rollback", Some(json!({"to": "{S}"})), Role::Admin),
        ("GET", "/api/api-diff/report/{E}?format=json", None, Role::Admin),
        ("GET", "/api/api-diff/audit", None, Role::Admin),
    ]
}

/// A server holding two versions of `users` (the second breaking); returns the second entry.
fn seeded() -> (Server, Value, Value) {
    let s = Server::start();
    let dev = token(Role::Developer, "dev");
    let r1 = s.json(
        "POST",
        "/api/api-diff/register",
        &dev,
        Some(json!({"module": "users", "spec": USERS_V1, "deploy": "deploy-1", "author": "Jane Doe <jane@example.com>"})),
    );
    let r2 = s.json("POST", "/api/api-diff/register", &dev, Some(json!({"module": "users", "spec": USERS_V2, "deploy": "deploy-2", "author": "Jane Doe <jane@example.com>", "message": "drop /users/{id}"})));
    (s, r1["entry"].clone(), r2["entry"].clone())
}

fn fill(path: &str, entry: &Value, first: &Value) -> String {
    path.replace("{E}", entry["id"].as_str().unwrap()).replace("{S}", first["snapshot"].as_str().unwrap())
}

#[test]
fn every_endpoint_checks_tokens_and_roles_and_is_audited() {
    let (s, first, second) = seeded();
    let roles = [Role::Viewer, Role::Developer, Role::Admin];
    let expired = auth::mint(SECRET.as_bytes(), "apidiff", "old", Role::Admin, 60, now() - 7200).unwrap();
    let wrong_key = auth::mint(b"another-secret-0123456789abcdef-xyz", "apidiff", "eve", Role::Admin, 3600, now()).unwrap();
    let wrong_iss = auth::mint(SECRET.as_bytes(), "someone-else", "eve", Role::Admin, 3600, now()).unwrap();
    let none = alg_none_token();
    for (method, path, body, min) in endpoints() {
        let path = fill(path, &second, &first);
        let body = body.map(|b| fill(&b.to_string(), &second, &first));
        let r = s.req(method, &path, None, body.as_deref());
        assert_eq!(r.status, 401, "{method} {path} without a token: {}", r.body);
        assert!(r.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")));
        for (what, bad) in [("expired", &expired), ("wrong key", &wrong_key), ("wrong issuer", &wrong_iss), ("alg none", &none)] {
            let r = s.req(method, &path, Some(bad), body.as_deref());
            assert_eq!(r.status, 401, "{method} {path} with an {what} token: {}", r.body);
            assert!(!r.body.contains(bad.as_str()), "the token is echoed back");
        }
        for role in roles {
            let r = s.req(method, &path, Some(&token(role, role.as_str())), body.as_deref());
            if role >= min {
                assert!(r.status == 200, "{method} {path} as {}: {} {}", role.as_str(), r.status, r.body);
            } else {
                assert_eq!(r.status, 403, "{method} {path} as {}: {}", role.as_str(), r.body);
            }
        }
    }
    // Every one of those requests is in the audit log, with the result and the peer address: an
    // authenticated one as its own event, the unauthenticated ones in counters per peer and minute.
    let log = s.json("GET", "/api/api-diff/audit?action=access&limit=5000", &token(Role::Admin, "auditor"), None);
    let items = log["items"].as_array().unwrap();
    let counters: Vec<&Value> = items.iter().filter(|e| e["details"]["unauthenticated"] == true).collect();
    for (method, path, _, _) in endpoints() {
        let p = fill(path, &second, &first);
        let p = p.split('?').next().unwrap();
        let hits: Vec<&Value> = items.iter().filter(|e| e["details"]["path"] == p && e["details"]["method"] == method).collect();
        let statuses: Vec<u64> = hits.iter().map(|e| e["details"]["status"].as_u64().unwrap()).collect();
        assert!(statuses.contains(&200), "{method} {p}: no 200 in the audit log: {statuses:?}");
        assert!(hits.iter().all(|e| e["details"]["peer"] == "127.0.0.1"));
        let anonymous: u64 = counters.iter().filter_map(|e| e["details"]["requests"][format!("{method} {p}")].as_u64()).sum();
        assert_eq!(anonymous, 5, "{method} {p}: the missing and the four bad tokens are counted");
    }
    assert!(counters.iter().all(|e| e["details"]["peer"] == "127.0.0.1" && e["details"]["statuses"]["401"].as_u64() > Some(0)));
    let refused_expired: u64 = counters.iter().filter_map(|e| e["details"]["refused"]["the token has expired"].as_u64()).sum();
    assert_eq!(refused_expired, endpoints().len() as u64, "expired-token refusals are counted with their reason");
    assert!(items.iter().any(|e| e["actor"] == "viewer" && e["details"]["status"] == 403));
    // No token ever reaches the store.
    let raw = walk(&s.dir.path().join(".apidiff/records"));
    for t in [&expired, &wrong_key, &none, &token(Role::Admin, "auditor")] {
        assert!(!raw.contains(t.as_str()));
    }
}

fn walk(dir: &std::path::Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.push_str(&walk(&e.path()));
        } else {
            out.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    out
}

#[test]
fn rs256_server_refuses_hs256_key_confusion() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    let public = dir.path().join("pub.pem");
    let ok = |c: &mut std::process::Command| assert!(c.status().expect("openssl is needed for the RS256 test").success());
    ok(std::process::Command::new("openssl")
        .args(["genpkey", "-quiet", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
        .arg(&key));
    ok(std::process::Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(&key).arg("-out").arg(&public));
    let pem = std::fs::read(&public).unwrap();
    let s = Server::start_with(auth::Auth::public_pem(&pem, "apidiff").unwrap());
    let claims = json!({"sub": "ops", "role": "admin", "iss": "apidiff", "aud": "apidiff", "exp": now() + 600, "iat": now()});
    let rs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(&std::fs::read(&key).unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(s.req("GET", "/api/api-diff/me", Some(&rs), None).status, 200);
    // The classic confusion: an HS256 token whose HMAC key is the server's public key.
    let confused = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&pem),
    )
    .unwrap();
    let r = s.req("GET", "/api/api-diff/me", Some(&confused), None);
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r.body.contains("RS256"), "{}", r.body);
    assert_eq!(s.req("GET", "/api/api-diff/me", Some(&alg_none_token()), None).status, 401);
}

#[test]
fn register_several_specs_reports_the_broken_one_and_records_the_rest() {
    let (s, _, _) = seeded();
    // Several specs at once: the broken one is a located error, the others are recorded.
    let many = s.json(
        "POST",
        "/api/api-diff/register",
        &token(Role::Developer, "dev"),
        Some(json!({"specs": [
            {"module": "orders", "spec": USERS_V1, "path": "orders/openapi.yaml"},
            {"module": "broken", "spec": "openapi: 3.0.0\npaths: [", "path": "broken/openapi.yaml"},
        ]})),
    );
    assert_eq!(many["recorded"], true, "{many}");
    assert_eq!(many["entries"].as_array().unwrap().len(), 1, "{many}");
    assert_eq!(many["errors"][0]["file"], "broken/openapi.yaml", "{many}");
    assert!(many["errors"][0]["line"].as_u64().is_some(), "{many}");
    assert_eq!(many["report"]["errors"][0]["module"], "broken", "{many}");
    // The failure is in the audit log.
    let log = s.json("GET", "/api/api-diff/audit?action=failure", &token(Role::Admin, "auditor"), None);
    let events = log["items"].as_array().or(log.as_array()).cloned().unwrap_or_default();
    assert_eq!(events.len(), 1, "{log}");
    assert_eq!(events[0]["details"]["errors"][0]["file"], "broken/openapi.yaml", "{log}");
}

#[test]
fn register_history_alerts_and_reports() {
    let (s, first, second) = seeded();
    let viewer = token(Role::Viewer, "vic");
    let admin = token(Role::Admin, "ada");
    assert_eq!(first["previous"], Value::Null);
    assert_eq!(second["previous"], first["snapshot"]);
    assert_eq!(second["counts"]["breaking"], 1, "{second}");
    assert_eq!(second["author"], "Jane Doe <jane@example.com>");
    // The alert boundary saw the breaking entry, and only it.
    let sent = s.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].id, second["id"].as_str().unwrap());
    // Registering the same spec again records nothing.
    let again = s.json("POST", "/api/api-diff/register", &token(Role::Developer, "d"), Some(json!({"module": "users", "spec": USERS_V2})));
    assert_eq!(again["recorded"], false);
    // Broken input is a located 422.
    let bad = s.req(
        "POST",
        "/api/api-diff/register",
        Some(&admin),
        Some(&json!({"module": "users", "spec": "openapi: 3.0.0\npaths: [", "path": "users/openapi.yaml"}).to_string()),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("users/openapi.yaml"), "{}", bad.body);

    // History: newest first, filters, pagination.
    let h = s.json("GET", "/api/api-diff/history", &viewer, None);
    let ids: Vec<&str> = h["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![second["id"].as_str().unwrap(), first["id"].as_str().unwrap()]);
    assert_eq!(s.json("GET", "/api/api-diff/history?severity=breaking", &viewer, None)["items"].as_array().unwrap().len(), 1);
    assert_eq!(s.json("GET", "/api/api-diff/history?module=billing", &viewer, None)["items"].as_array().unwrap().len(), 0);
    assert_eq!(s.json("GET", "/api/api-diff/history?since=1d&until=2999-01-01", &viewer, None)["items"].as_array().unwrap().len(), 2);
    assert_eq!(s.json("GET", "/api/api-diff/history?until=2000-01-01", &viewer, None)["items"].as_array().unwrap().len(), 0);
    let p1 = s.json("GET", "/api/api-diff/history?limit=1", &viewer, None);
    assert_eq!(p1["items"][0]["id"], second["id"]);
    let c = p1["next_cursor"].as_str().unwrap();
    let p2 = s.json("GET", &format!("/api/api-diff/history?limit=1&cursor={c}"), &viewer, None);
    assert_eq!(p2["items"][0]["id"], first["id"]);
    assert_eq!(p2["next_cursor"], Value::Null);
    assert_eq!(s.req("GET", "/api/api-diff/history?cursor=zz", Some(&viewer), None).status, 400);
    assert_eq!(s.req("GET", "/api/api-diff/history?severity=fatal", Some(&viewer), None).status, 400);
    // Pseudonyms: stable, and no trace of the name or email.
    let pz = s.json("GET", "/api/api-diff/history?pseudonymize=true", &viewer, None);
    let text = pz.to_string();
    assert!(!text.contains("jane") && !text.contains("Jane"), "{text}");
    assert_eq!(pz["items"][0]["author"], pz["items"][1]["author"]);
    assert!(pz["items"][0]["author"].as_str().unwrap().starts_with("person-"));

    // Summary, entry (impact from depends_on), diff.
    let sum = s.json("GET", "/api/api-diff/summary?module=users", &viewer, None);
    assert_eq!(sum["entries"], 2);
    assert_eq!(sum["open_alerts"], 1);
    assert_eq!(sum["owners"], json!(["@team-users"]));
    assert_eq!(sum["dependants"][0]["module"], "billing");
    assert_eq!(s.req("GET", "/api/api-diff/summary?module=nope", Some(&viewer), None).status, 404);
    let e = s.json("GET", &format!("/api/api-diff/entries/{}", second["id"].as_str().unwrap()), &viewer, None);
    assert_eq!(e["impact"][0]["module"], "billing");
    assert_eq!(e["impact"][0]["touched"], true);
    assert_eq!(e["alert"], true);
    let d = s.json("GET", &format!("/api/api-diff/entries/{}/diff", second["id"].as_str().unwrap()), &viewer, None);
    assert!(d["unified"].as_str().unwrap().contains("-  /users/{id}:"), "{}", d["unified"]);
    let rows = d["files"][0]["rows"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["tag"] == "delete" && r["text"] == "  /users/{id}:"));
    assert!(d["old"]["users/openapi.yaml"].as_str().unwrap().contains("/users/{id}"));
    assert_eq!(s.req("GET", "/api/api-diff/entries/ffffffff/diff", Some(&viewer), None).status, 404);

    // Reports in every export format.
    let id = second["id"].as_str().unwrap();
    for (fmt, ctype, needle) in [
        ("json", "application/json", "\"request-parameter-removed\"|\"endpoint-removed\""),
        ("markdown", "text/markdown", "breaking"),
        ("html", "text/html", "<!DOCTYPE html>"),
        ("sarif", "application/sarif+json", "\"version\": \"2.1.0\""),
        ("junit", "application/xml", "<testsuites"),
    ] {
        let r = s.req("GET", &format!("/api/api-diff/report/{id}?format={fmt}"), Some(&admin), None);
        assert_eq!(r.status, 200, "{fmt}: {}", r.body);
        assert!(r.header("content-type").unwrap().starts_with(ctype), "{fmt}");
        assert!(r.header("content-disposition").unwrap().contains("attachment"), "{fmt}");
        assert!(needle.split('|').any(|n| r.body.contains(n)), "{fmt}: {}", r.body);
    }
    let pzr = s.req("GET", &format!("/api/api-diff/report/{id}?format=json&pseudonymize=true"), Some(&admin), None);
    assert!(!pzr.body.contains("jane"));
    // Every report format of the one list is served; an unknown one is refused naming them.
    let pdf = s.req("GET", &format!("/api/api-diff/report/{id}?format=pdf"), Some(&admin), None);
    assert_eq!((pdf.status, pdf.header("content-type")), (200, Some("application/pdf")));
    let bad = s.req("GET", &format!("/api/api-diff/report/{id}?format=docx"), Some(&admin), None);
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("text, json, markdown, html, sarif, junit, gitlab, github, pdf"), "{}", bad.body);

    // Notes and acknowledgements.
    s.json("POST", &format!("/api/api-diff/entries/{id}/notes"), &token(Role::Developer, "dan"), Some(json!({"text": "billing migrated"})));
    let e = s.json("GET", &format!("/api/api-diff/entries/{id}"), &viewer, None);
    assert_eq!(e["entry"]["notes"][0]["text"], "billing migrated");
    let ack = s.json("POST", &format!("/api/api-diff/alert/{id}/ack"), &token(Role::Developer, "dan"), None);
    assert_eq!(ack["already"], false);
    assert_eq!(s.json("POST", &format!("/api/api-diff/alert/{id}/ack"), &token(Role::Developer, "dan"), None)["already"], true);
    assert_eq!(s.json("GET", "/api/api-diff/alert", &viewer, None)["items"].as_array().unwrap().len(), 0);
    let first_id = first["id"].as_str().unwrap();
    assert_eq!(s.req("POST", &format!("/api/api-diff/alert/{first_id}/ack"), Some(&admin), None).status, 404);

    // The domain events are audited too.
    let log = s.json("GET", "/api/api-diff/audit?limit=5000", &admin, None);
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["record", "export", "annotate", "ack", "access"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

#[test]
fn rollback_previews_and_records() {
    let (s, first, second) = seeded();
    let admin = token(Role::Admin, "ada");
    let snap = first["snapshot"].as_str().unwrap();
    let p = s.json("POST", "/api/api-diff/rollback", &admin, Some(json!({"to": &snap[..10]})));
    assert_eq!(p["applied"], false);
    assert_eq!(p["to_kind"], "snapshot");
    assert!(p["diff"].as_str().unwrap().contains("+  /users/{id}:"), "{}", p["diff"]);
    assert_eq!(p["report"]["summary"]["breaking"], 0, "restoring an endpoint is not breaking");
    assert!(p["report"]["summary"]["total"].as_u64().unwrap() >= 1);
    let before = s.json("GET", "/api/api-diff/audit?action=rollback", &admin, None)["items"].as_array().unwrap().len();
    assert_eq!(before, 0, "a preview records no rollback");
    let a = s.json("POST", "/api/api-diff/rollback", &admin, Some(json!({"to": "deploy-1", "module": "users", "apply": true})));
    assert_eq!(a["applied"], true);
    assert_eq!(a["to_kind"], "deploy");
    assert_eq!(a["files"]["users/openapi.yaml"], USERS_V1);
    let log = s.json("GET", "/api/api-diff/audit?action=rollback", &admin, None);
    let ev = &log["items"][0];
    assert_eq!(ev["actor"], "ada");
    assert_eq!(ev["details"]["specs"][0]["from"], second["snapshot"]);
    assert_eq!(ev["details"]["specs"][0]["to"], first["snapshot"]);
    assert_eq!(s.req("POST", "/api/api-diff/rollback", Some(&admin), Some(r#"{"to":"ffffffff"}"#)).status, 404);
    assert_eq!(s.req("POST", "/api/api-diff/rollback", Some(&admin), Some("not json")).status, 400);
}

#[test]
fn body_limits() {
    let s = Server::start();
    let dev = token(Role::Developer, "dev");
    let big_note = json!({"text": "x".repeat(70 * 1024)}).to_string();
    let r = s.req("POST", "/api/api-diff/entries/abcd/notes", Some(&dev), Some(&big_note));
    assert_eq!(r.status, 413, "{}", r.body);
    // A spec larger than the general limit is fine for register.
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: big, version: '1'}\npaths:\n");
    for i in 0..2500 {
        spec.push_str(&format!("  /p{i}:\n    get:\n      responses:\n        '200':\n          description: ok\n"));
    }
    assert!(spec.len() > 64 * 1024);
    let r = s.req("POST", "/api/api-diff/register", Some(&dev), Some(&json!({"module": "big", "spec": spec}).to_string()));
    assert_eq!(r.status, 200, "{}", &r.body[..r.body.len().min(300)]);
}

#[test]
fn a_hostile_typescript_spec_is_a_located_error_and_the_server_stays_up() {
    let s = Server::start();
    let dev = token(Role::Developer, "dev");
    // Issue 24: 400,000 nested arrow functions (2 MB) overflowed the loader's stack and took the
    // server down; so did `keyof` and ternary chains.
    for (path, spec) in [
        ("web/index.ts", format!("export const f = {}a;\n", "a => ".repeat(400_000))),
        ("web/types.d.ts", format!("export type T = {}X;\n", "keyof ".repeat(300_000))),
        ("web/cond.ts", format!("export const x = {}c;\n", "a ? b : ".repeat(200_000))),
    ] {
        let body = json!({"specs": [{"module": "web", "spec": spec, "path": path}]}).to_string();
        let r = s.req("POST", "/api/api-diff/register", Some(&dev), Some(&body));
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        let error = v["error"].as_str().unwrap_or_default();
        assert!(
            r.status == 422 && error.starts_with(&format!("{path}:1:")) && error.contains("nested more than"),
            "{} {}",
            r.status,
            &r.body[..r.body.len().min(400)]
        );
    }
    // Still serving.
    let r = s.json("POST", "/api/api-diff/register", &dev, Some(json!({"module": "users", "spec": USERS_V1})));
    assert_eq!(r["recorded"], true, "{r}");
}

#[test]
fn erasure_is_applied_on_read_and_audited() {
    let (s, _, _) = seeded();
    let viewer = token(Role::Viewer, "vic");
    // The CLI against the same store.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["privacy", "erase", "--subject", "JANE@example.com", "--root"])
        .arg(s.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 entries"), "{}", String::from_utf8_lossy(&out.stdout));
    let h = s.json("GET", "/api/api-diff/history", &viewer, None);
    assert!(!h.to_string().contains("jane"), "{h}");
    assert_eq!(h["items"][0]["author"], "[erased]");
    // The records themselves are untouched (create-only); the tombstone holds only a hash.
    let raw = walk(&s.dir.path().join(".apidiff/records/erasures"));
    assert!(!raw.to_lowercase().contains("jane"), "{raw}");
    let log = s.json("GET", "/api/api-diff/audit?action=erase", &token(Role::Admin, "a"), None);
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
    assert!(!log.to_string().contains("jane"));
}

#[test]
fn health_reports_a_damaged_store() {
    let (s, first, _) = seeded();
    let admin = token(Role::Admin, "ada");
    assert_eq!(s.req("GET", "/healthz", None, None).status, 200);
    assert_eq!(s.json("GET", "/api/api-diff/health", &admin, None)["healthy"], true);
    let obj = s.dir.path().join(".apidiff/objects/sha256").join(first["snapshot"].as_str().unwrap());
    std::fs::write(&obj, "tampered").unwrap();
    // /healthz is the cheap liveness check: it does not hash the store.
    assert_eq!(s.req("GET", "/healthz", None, None).status, 200);
    let h = s.json("GET", "/api/api-diff/health", &admin, None);
    assert_eq!(h["healthy"], false);
    assert!(h["problems"][0].as_str().unwrap().contains("damaged"), "{h}");
    // The deep check never shows where the store is.
    let root = s.dir.path().to_string_lossy().to_string();
    assert!(!h.to_string().contains(&root), "{h}");
    assert_eq!(h["store"], "folder");
    // Viewers may not run it; bursts are refused with 429.
    assert_eq!(s.req("GET", "/api/api-diff/health", Some(&token(Role::Viewer, "v")), None).status, 403);
    let statuses: Vec<u16> = (0..12).map(|_| s.req("GET", "/api/api-diff/health", Some(&admin), None).status).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[test]
fn every_authenticated_request_is_one_access_event_and_the_rest_are_counted() {
    let s = Server::start();
    let viewer = token(Role::Viewer, "v");
    let n: usize = 1000;
    for i in 0..n {
        let t = if i % 3 == 0 { None } else { Some(viewer.as_str()) };
        s.req("GET", "/api/api-diff/me", t, None);
    }
    let log = s.json("GET", "/api/api-diff/audit?action=access&limit=5000", &token(Role::Admin, "auditor"), None);
    let items = log["items"].as_array().unwrap();
    let me: Vec<&Value> = items.iter().filter(|e| e["details"]["path"] == "/api/api-diff/me").collect();
    assert_eq!(me.len(), n - n.div_ceil(3), "one access event per authenticated request");
    let refused: u64 = items.iter().filter_map(|e| e["details"]["requests"]["GET /api/api-diff/me"].as_u64()).sum();
    assert_eq!(refused, n.div_ceil(3) as u64);
    assert!(me.iter().all(|e| e["time"].is_string()));
    assert!(me.iter().filter(|e| e["details"]["status"] == 200).all(|e| e["actor"] == "v" && e["details"]["role"] == "viewer"));
}

#[test]
fn bodies_are_parsed_only_after_authorising() {
    let s = Server::start();
    for path in ["/api/api-diff/register", "/api/api-diff/rollback"] {
        for body in ["{", "{\"unexpected\": 1}", "[]"] {
            let r = s.req("POST", path, None, Some(body));
            assert_eq!(r.status, 401, "POST {path} {body}: {}", r.body);
            assert!(!r.body.contains("missing field"), "{}", r.body);
        }
    }
    let r = s.req("POST", "/api/api-diff/rollback", Some(&token(Role::Developer, "d")), Some("{"));
    assert_eq!(r.status, 403, "{}", r.body);
    let r = s.req("POST", "/api/api-diff/register", Some(&token(Role::Developer, "d")), Some("{"));
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn token_command_mints_tokens_the_server_accepts() {
    let s = Server::start();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["token", "--role", "developer", "--subject", "ci-bot", "--ttl", "10m"])
        .env("APIDIFF_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t = String::from_utf8(out.stdout).unwrap();
    let me = s.json("GET", "/api/api-diff/me", t.trim(), None);
    assert_eq!(me, json!({"subject": "ci-bot", "role": "developer"}));
    let short = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["token", "--role", "admin", "--subject", "x"])
        .env("APIDIFF_JWT_SECRET", "short")
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2));
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["token", "--role", "admin", "--subject", "x"])
        .env_remove("APIDIFF_JWT_SECRET")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn the_binary_serves() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["serve", "--listen", "127.0.0.1:0", "--root"])
        .arg(dir.path())
        .env("APIDIFF_JWT_SECRET", SECRET)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    let addr: std::net::SocketAddr = line.split("http://").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let r = request(addr, "GET", "/api/api-diff/me", Some(&token(Role::Viewer, "v")), None);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(dir.path().join(".apidiff/apidiff-store.json").exists());
}

#[test]
fn serve_without_a_key_refuses_to_start() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("APIDIFF_JWT_SECRET")
        .env_remove("APIDIFF_JWT_PUBLIC_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("APIDIFF_JWT_SECRET"));
}

#[test]
fn openapi_description_is_served_valid_and_complete() {
    let s = Server::start();
    let r = s.req("GET", "/api/api-diff/openapi.yaml", None, None);
    assert_eq!(r.status, 200);
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api/openapi.yaml")).unwrap();
    assert_eq!(r.body, file);
    // apidiff's own diff loads it and finds nothing against itself.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["diff", "docs/api/openapi.yaml", "docs/api/openapi.yaml", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["total"], 0);
    // Every route of the router is described, with its method.
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/server/mod.rs")).unwrap();
    let doc: Value = serde_json::to_value(yaml_to_json(&file)).unwrap();
    let mut n = 0;
    for line in src.lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
        let path = line.split('"').nth(1).unwrap();
        let method = line.split(", ").nth(1).unwrap().split('(').next().unwrap();
        let full = if ["/healthz", "/admin", "/v1/"].iter().any(|p| path.starts_with(p)) {
            path.to_string()
        } else {
            format!("/api/api-diff{path}")
        };
        assert!(doc["paths"][&full][method].is_object(), "{method} {full} is not in docs/api/openapi.yaml");
        n += 1;
    }
    assert!(n >= 17, "found only {n} routes");
    assert_eq!(doc["paths"].as_object().unwrap().len(), n, "the description has paths the router lacks");
    // An operation's `x-role` names its lowest role (README_API_DIFF.md shows it; without one the
    // README says `none` for `security: []`, else viewer), and for the endpoints of the role table
    // it is the role the server asks for.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(role) = op.get("x-role") {
                assert!(
                    ["none", "viewer", "developer", "admin"].contains(&role.as_str().unwrap_or_default()),
                    "{method} {path}: x-role {role}"
                );
            }
        }
    }
    for (method, path, _, role) in endpoints() {
        let path = path.split('?').next().unwrap().replace("{E}", "{id}");
        let op = &doc["paths"][path.as_str()][method.to_lowercase()];
        assert_eq!(op["x-role"], role.as_str(), "{method} {path}: x-role");
    }
}

/// The YAML file through apidiff's own loader's parser (via `apidiff diff`'s JSON mode is not
/// enough to see paths), so parse it with the library's text parser.
fn yaml_to_json(text: &str) -> Value {
    apidiff::source::text::parse("openapi.yaml", text).unwrap().0
}

/// Load benchmark (run by hand: `cargo test --release --test server bench_history -- --ignored --nocapture`):
/// 10,000 stored diffs, `GET /api/api-diff/history` over keep-alive connections on loopback.
#[test]
#[ignore]
fn bench_history_10k() {
    use apidiff::spec::bundle::Bundle;
    use apidiff::store::{Counts, Entry, Risk};
    let dir = tempfile::tempdir().unwrap();
    let a = archive(dir.path());
    a.create().unwrap();
    let t0 = std::time::Instant::now();
    let mut snaps = Vec::new();
    for v in 0..10 {
        let b = Bundle {
            format: "openapi".into(),
            entry: "m/openapi.yaml".into(),
            files: [("m/openapi.yaml".to_string(), format!("{USERS_V1}# v{v}\n"))].into(),
        };
        snaps.push(a.put_snapshot(&b).unwrap());
    }
    for i in 0..10_000usize {
        let module = format!("module-{}", i % 25);
        let snap = &snaps[i % 10];
        let prev = &snaps[(i + 9) % 10];
        let e = Entry {
            version: 1,
            id: Entry::derive_id(&module, "m/openapi.yaml", Some(snap), Some(prev), Some(&format!("deploy-{i}"))),
            time: apidiff::time::format_millis(1_700_000_000_000 + i as i64 * 60_000),
            module,
            spec: "m/openapi.yaml".into(),
            format: apidiff::diff::Format::OpenApi,
            snapshot: Some(snap.clone()),
            previous: Some(prev.clone()),
            deploy: Some(format!("deploy-{i}")),
            author: Some(format!("Dev {} <dev{}@example.com>", i % 40, i % 40)),
            message: Some(format!("change {i}")),
            risk: if i % 7 == 0 { Risk::High } else { Risk::Low },
            counts: Counts { breaking: usize::from(i % 7 == 0), warning: usize::from(i % 3 == 0), info: 1 },
            changes: vec![
                serde_json::from_value(json!({"id": "endpoint-removed", "severity": "breaking", "blocking": true, "format": "openapi", "direction": "none", "area": "endpoint", "kind": "removed", "message": format!("endpoint GET /p{i} removed"), "fingerprint": format!("{i:016x}")}))
                    .unwrap(),
            ],
            dependants: vec![],
            run: format!("run-{i}"),
            source: None,
            owners: vec![],
        };
        a.put_entry(&e).unwrap();
    }
    eprintln!("generated 10,000 entries in {:.1}s", t0.elapsed().as_secs_f64());
    let s = Server::start_in(dir, auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap());
    let tok = token(Role::Viewer, "bench");
    let first = s.json("GET", "/api/api-diff/history?limit=50", &tok, None);
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    println!("APIDIFF_BENCH_ADDR={} TOKEN={tok}", s.addr);
    if let Ok(secs) = std::env::var("APIDIFF_BENCH_HOLD").map(|v| v.parse::<u64>().unwrap_or(0)) {
        std::thread::sleep(std::time::Duration::from_secs(secs));
    }
    for path in ["/api/api-diff/history?limit=50", "/api/api-diff/history?limit=50&module=module-3&severity=breaking"] {
        let (rps, p50, p99) = load(s.addr, path, &tok, 4, std::time::Duration::from_secs(5));
        println!("GET {path}: {rps:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms (4 connections, 5 s)");
    }
}

fn load(addr: std::net::SocketAddr, path: &str, tok: &str, conns: usize, dur: std::time::Duration) -> (f64, f64, f64) {
    use std::io::{BufRead, BufReader, Read, Write};
    let start = std::time::Instant::now();
    let handles: Vec<_> = (0..conns)
        .map(|_| {
            let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {tok}\r\n\r\n");
            std::thread::spawn(move || {
                let s = std::net::TcpStream::connect(addr).unwrap();
                s.set_nodelay(true).unwrap();
                let mut w = s.try_clone().unwrap();
                let mut r = BufReader::new(s);
                let mut lat = Vec::new();
                while start.elapsed() < dur {
                    let t = std::time::Instant::now();
                    w.write_all(req.as_bytes()).unwrap();
                    let mut len = 0usize;
                    let mut status = String::new();
                    r.read_line(&mut status).unwrap();
                    assert!(status.contains(" 200 "), "{status}");
                    loop {
                        let mut l = String::new();
                        r.read_line(&mut l).unwrap();
                        if l == "\r\n" {
                            break;
                        }
                        if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; len];
                    r.read_exact(&mut body).unwrap();
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                lat
            })
        })
        .collect();
    let mut all: Vec<f64> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let secs = start.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    (all.len() as f64 / secs, pct(0.5), pct(0.99))
}

/// One request a webhook receiver got: its headers and body.
struct Hook {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Hook {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A webhook receiver on 127.0.0.1:0 that answers 200 to every request and keeps them.
fn hook_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Hook>>>) {
    use std::io::{BufRead, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
            let mut r = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if r.read_line(&mut line).is_err() {
                continue;
            }
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).is_err() || h.trim_end().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.trim_end().split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            let len: usize =
                headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
            let mut body = vec![0; len];
            if r.read_exact(&mut body).is_err() {
                continue;
            }
            log.lock().unwrap().push(Hook { headers, body });
            let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    (url, seen)
}

/// Waits (up to 20 s) until the receiver holds `n` requests.
fn wait_for(seen: &std::sync::Mutex<Vec<Hook>>, n: usize) {
    for _ in 0..400 {
        if seen.lock().unwrap().len() >= n {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the receiver got {} requests, expected {n}", seen.lock().unwrap().len());
}

#[test]
fn registered_breaking_change_posts_a_signed_webhook_once() {
    use apidiff::notify::{Secrets, webhook};
    use apidiff::server::alerts::NotifySink;
    let (url, seen) = hook_receiver();
    let config =
        format!("{}alerts:\n  channels:\n    - {{type: webhook, url: '{url}', secret_env: HOOK_SECRET}}\n  retries: 1\n", config_yaml());
    let s = Server::start_full(
        tempfile::tempdir().unwrap(),
        auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap(),
        &config,
        Default::default(),
        |dir, config| {
            let secrets = Secrets([("HOOK_SECRET".to_string(), "k".to_string())].into());
            std::sync::Arc::new(NotifySink::start(archive(dir), config.alerts.clone(), dir.to_path_buf(), secrets, |_| {}))
        },
    );
    let dev = token(Role::Developer, "dev");
    let register = |spec: &str, deploy: &str| {
        s.json("POST", "/api/api-diff/register", &dev, Some(json!({"module": "users", "spec": spec, "deploy": deploy})))
    };
    assert_eq!(register(USERS_V1, "d1")["recorded"], true);
    // Breaking: GET /users/{id} removed. `billing` depends on all of `users`.
    let r = register(USERS_V2, "d2");
    assert_eq!(r["entry"]["counts"]["breaking"], 1, "{r}");
    assert_eq!(r["entry"]["changes"][0]["impact"][0]["module"], "billing", "{r}");
    assert!(r["entry"]["owners"].as_array().unwrap().contains(&json!("@team-users")), "{r}");
    wait_for(&seen, 1);
    {
        let reqs = seen.lock().unwrap();
        let ts = reqs[0].header("x-apidiff-timestamp").unwrap();
        assert_eq!(reqs[0].header("x-apidiff-signature").unwrap(), webhook::signature("k", ts, &reqs[0].body));
        let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
        assert_eq!(body["module"], "users");
        assert_eq!(body["commit"], "d2");
        assert_eq!(body["impacted_modules"], json!(["billing"]));
        assert!(body["owners"].as_array().unwrap().contains(&json!("@team-users")), "{body}");
        assert!(body.to_string().contains("/users/{id}"), "{body}");
    }
    // The same spec again: nothing recorded, nothing sent.
    assert_eq!(register(USERS_V2, "d2")["recorded"], false);
    // Back and forth under new deploys: the breaking change is recorded again, but the channel
    // already announced its fingerprint (found in the store's alert records).
    assert_eq!(register(USERS_V1, "d3")["recorded"], true);
    let again = register(USERS_V2, "d4");
    assert_eq!((again["recorded"].as_bool(), again["entry"]["counts"]["breaking"].as_u64()), (Some(true), Some(1)));
    // A new breaking change is announced; deliveries run in order, so the receiver's second
    // request proves that nothing was sent for the registrations before it.
    let v3 = USERS_V2.replace("  /users:\n    get:\n      responses:\n        '200':\n          description: ok\n", "  {}\n");
    let v3 = v3.replace("paths:\n  {}\n", "paths: {}\n");
    assert_eq!(register(&v3, "d5")["entry"]["counts"]["breaking"], 1);
    wait_for(&seen, 2);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let reqs = seen.lock().unwrap();
    assert_eq!(reqs.len(), 2, "one webhook per new breaking change");
    let body: Value = serde_json::from_slice(&reqs[1].body).unwrap();
    assert_eq!(body["commit"], "d5");
    assert!(!body.to_string().contains("/users/{id}"), "the deduped change is not repeated: {body}");
    drop(reqs);
    // Each sent alert is in the audit log.
    let log = s.json("GET", "/api/api-diff/audit?action=alert&limit=100", &token(Role::Admin, "auditor"), None);
    assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
}

/// The one list of report formats is what the server's API description offers, with the same
/// media types.
#[test]
fn the_api_description_lists_every_report_format() {
    use apidiff::report::ReportFormat;
    let doc: serde_json::Value = yaml_value(apidiff::server::OPENAPI_YAML);
    let op = &doc["paths"]["/api/api-diff/report/{id}"]["get"];
    let param = op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "format").unwrap();
    let names: Vec<&str> = param["schema"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let ours: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(names, ours);
    let content = op["responses"]["200"]["content"].as_object().unwrap();
    for f in ReportFormat::ALL {
        let media = f.media_type().split(';').next().unwrap();
        assert!(content.contains_key(media), "{media} ({}) is not described", f.name());
    }
}

fn yaml_value(text: &str) -> serde_json::Value {
    apidiff::source::text::parse("openapi.yaml", text).unwrap().0
}

/// `apidiff summary --json` and `GET /summary` answer with the same thing, from one library
/// function.
#[test]
fn summary_is_one_answer_in_the_cli_and_the_server() {
    let (s, _, _) = seeded();
    std::fs::write(s.dir.path().join("apidiff.yaml"), common_server::config_yaml()).unwrap();
    let viewer = token(Role::Viewer, "val");
    let served = s.json("GET", "/api/api-diff/summary?module=users", &viewer, None);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["summary", "--module", "users", "--json", "--root"])
        .arg(s.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli, served);
    assert_eq!(served["entries"], 2);
    assert_eq!(served["dependants"][0]["module"], "billing");
}

/// `apidiff rollback --preview` and `POST /rollback` answer with the same report when the
/// working tree holds what was last archived.
#[test]
fn rollback_preview_is_one_answer_in_the_cli_and_the_server() {
    let (s, _, second) = seeded();
    let root = s.dir.path();
    std::fs::write(root.join("apidiff.yaml"), common_server::config_yaml()).unwrap();
    std::fs::create_dir_all(root.join("users")).unwrap();
    std::fs::write(root.join("users/openapi.yaml"), USERS_V2).unwrap();
    let admin = token(Role::Admin, "ada");
    let served = s.json("POST", "/api/api-diff/rollback", &admin, Some(json!({"to": "deploy-1", "module": "users"})));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["rollback", "--to", "deploy-1", "--module", "users", "--preview", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli, served["report"]);
    assert_eq!(served["specs"][0]["from"], second["snapshot"], "the working tree is the latest snapshot");
    assert!(served["report"]["summary"]["total"].as_u64().unwrap() >= 1);
}
