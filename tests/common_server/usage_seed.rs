//! A server whose store holds usage evidence: `apidiff usage ingest` (the built binary) of an
//! nginx combined access log of today, read against the users module's description in the
//! server's working tree, and one sampled response body; then a revision of users registered
//! over the API, so its changes carry the usage their verdicts were made with.

use super::{Server, token};
use apidiff::server::auth::{self, Role};
use serde_json::{Value, json};

/// The users module, before: a list, a lookup, a delete and a legacy lookup nobody calls.
pub const USAGE_V1: &str = "openapi: 3.0.3\ninfo: {title: users, version: '1'}\npaths:\n  /users:\n    get:\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {type: object, required: [total], properties: {total: {type: integer}}}}}\n  /users/{id}:\n    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n    get:\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}\n    delete:\n      responses:\n        '204':\n          description: gone\n  /legacy/{id}:\n    get:\n      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n      responses:\n        '200':\n          description: ok\ncomponents:\n  schemas:\n    User:\n      type: object\n      required: [id, name]\n      properties:\n        id: {type: integer}\n        name: {type: string}\n";

/// After: the lookup (called by web-app and ios-app) and the legacy lookup (called by nobody)
/// are removed.
pub fn usage_v2() -> String {
    USAGE_V1
        .replace("  /legacy/{id}:\n    get:\n      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n      responses:\n        '200':\n          description: ok\n", "")
        .replace("    get:\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}\n", "")
        .replace("version: '1'", "version: '2'")
}

const CONFIG: &str = "modules:\n  - name: users\n    specs: ['users/**']\n    owners: ['@team-users']\n  - name: billing\n    specs: ['billing/**']\n    depends_on: [users]\n";

/// `07/Dec/2026:00:00:01` for today.
fn clf_time(today: &str, secs: u32) -> String {
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, m, d) = (&today[..4], today[5..7].parse::<usize>().unwrap(), &today[8..10]);
    format!("{d}/{}/{y}:00:00:{secs:02}", months[m - 1])
}

pub fn ingest(dir: &std::path::Path, files: &[&str]) -> Value {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["usage", "ingest", "--json"])
        .args(files)
        .current_dir(dir)
        .env_remove("APIDIFF_STORE")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The seeded server and the entry that recorded the revision of users.
pub fn seeded_usage() -> (Server, Value) {
    let s = Server::start_full(
        tempfile::tempdir().unwrap(),
        auth::Auth::hs256(super::SECRET.as_bytes(), "apidiff").unwrap(),
        CONFIG,
        Default::default(),
        |_, _| std::sync::Arc::new(super::Recorder(Default::default())),
    );
    let dir = s.dir.path();
    assert!(std::process::Command::new("git").args(["init", "-q"]).current_dir(dir).status().unwrap().success());
    std::fs::write(dir.join("apidiff.yaml"), CONFIG).unwrap();
    std::fs::create_dir_all(dir.join("users")).unwrap();
    std::fs::write(dir.join("users/openapi.yaml"), USAGE_V1).unwrap();
    let dev = token(Role::Developer, "dev");
    let reg = |body: Value| s.json("POST", "/api/api-diff/register", &dev, Some(body));
    reg(json!({"module": "users", "spec": USAGE_V1, "path": "users/openapi.yaml", "deploy": "1111111aaaa"}));
    reg(json!({"module": "billing", "spec": "type Query { invoice(id: ID!): String }\n", "path": "billing/schema.graphql"}));
    // Today's traffic, as nginx logs it: web-app lists users 5 times and looks one up 3 times,
    // ios-app looks one up twice; nobody deletes or calls the legacy lookup.
    let today = apidiff::time::today();
    let mut log = String::new();
    let mut line = |secs: u32, req: &str, agent: &str| {
        log += &format!("203.0.113.{secs} - - [{} +0000] \"{req} HTTP/1.1\" 200 12 \"-\" \"{agent}\"\n", clf_time(&today, secs));
    };
    for i in 0..5 {
        line(i, "GET /users", "web-app/2.4 (Linux)");
    }
    for i in 5..8 {
        line(i, "GET /users/7", "web-app/2.4 (Linux)");
    }
    for i in 8..10 {
        line(i, "GET /users/8", "ios-app/1.0");
    }
    std::fs::write(dir.join("access.log"), log).unwrap();
    let done = ingest(dir, &["access.log"]);
    assert_eq!(done["files"][0]["matched"], 10, "{done:#}");
    // One sampled response body (`usage ingest` stores no bodies yet: the sample goes in through
    // the store's batch format): the list lacks the required `total` and sends an undocumented
    // `count`.
    let store = apidiff::store::open(".apidiff", dir).unwrap();
    let body = json!({"count": 1});
    let sample = apidiff::store::usage::UsageBatch {
        version: 1,
        id: "5a301e".into(),
        time: format!("{today}T00:00:20Z"),
        evidence: "har".into(),
        counts: vec![],
        unmatched: vec![],
        module_requests: None,
        values: vec![],
        responses: vec![apidiff::usage::samples::ResponseShape {
            module: "users".into(),
            method: "GET".into(),
            path: "/users".into(),
            status: "200".into(),
            day: today.clone(),
            samples: 1,
            properties: apidiff::usage::samples::shape_of(&body),
        }],
        source: None,
        undocumented: vec![],
        value_digests: vec![],
    };
    assert!(apidiff::store::usage::save_batch(store.as_ref(), &sample).unwrap());
    // The revision is deployed: the working tree and the store both have it.
    std::fs::write(dir.join("users/openapi.yaml"), usage_v2()).unwrap();
    let r = reg(
        json!({"module": "users", "spec": usage_v2(), "path": "users/openapi.yaml", "deploy": "2222222bbbb", "message": "Drop the lookups"}),
    );
    (s, r["entry"].clone())
}
