//! `apidiff usage ingest` end to end: evidence files in temporary repositories, read by the
//! built binary, the stored batches read back (idempotency, incremental reads, matching,
//! undocumented endpoints, privacy).

mod common_repo;

use common_repo::{ENV, Repo};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const PETS: &str = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\nservers: [{url: 'https://api.example.com/v1'}]\npaths:\n  /pets:\n    get:\n      parameters: [{name: limit, in: query, schema: {type: integer}}]\n      responses: {'200': {description: ok}}\n  /pets/{petId}:\n    get:\n      parameters: [{name: petId, in: path, required: true, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n    delete:\n      parameters: [{name: petId, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: gone}}\n  /pets/mine:\n    get:\n      responses: {'200': {description: ok}}\n";
const USERS_SDL: &str =
    "type Query { user(id: ID!): User, users(first: Int): [User] }\ntype User { id: ID!, name: String, email: String }\n";

fn repo() -> Repo {
    let r = Repo::new();
    r.write(
        "apidiff.yaml",
        "modules:\n  - name: pets\n    specs: ['pets/*.yaml']\n  - name: users\n    specs: ['users/*.graphql']\nusage:\n  client_header: x-client-name\n",
    );
    r.write("pets/openapi.yaml", PETS);
    r.write("users/schema.graphql", USERS_SDL);
    r.commit("init");
    r
}

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

fn run(dir: &Path, args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(args)
        .current_dir(dir)
        .envs(ENV.iter().copied())
        .env_remove("APIDIFF_STORE")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

/// Every usage batch in the repository's folder store.
fn batches(dir: &Path) -> Vec<Value> {
    let folder = dir.join(".apidiff/records/usage");
    let mut out: Vec<Value> = std::fs::read_dir(&folder)
        .map(|d| d.map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap()).collect())
        .unwrap_or_default();
    out.sort_by_key(|b| b["source"]["start"].as_u64());
    out
}

/// `(module, element operation, kind, client) → requests` over the given batches.
fn counts(batches: &[Value]) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    for b in batches {
        for c in b["counts"].as_array().unwrap() {
            let e = &c["element"];
            let what = match e["kind"].as_str().unwrap() {
                "operation" => format!("{} {}", e["method"].as_str().unwrap(), e["path"].as_str().unwrap()),
                "parameter" => format!(
                    "{} {} {}:{}",
                    e["method"].as_str().unwrap(),
                    e["path"].as_str().unwrap(),
                    e["location"].as_str().unwrap(),
                    e["name"].as_str().unwrap()
                ),
                "property" => format!(
                    "{} {} {}{}",
                    e["method"].as_str().unwrap(),
                    e["path"].as_str().unwrap(),
                    e["direction"].as_str().unwrap(),
                    e["pointer"].as_str().unwrap()
                ),
                "field" => format!("{}.{}", e["parent"].as_str().unwrap(), e["field"].as_str().unwrap()),
                "argument" => {
                    format!("{}.{}({}:)", e["parent"].as_str().unwrap(), e["field"].as_str().unwrap(), e["argument"].as_str().unwrap())
                }
                other => format!("{other}?"),
            };
            *out.entry(format!("{} | {what} | {}", c["module"].as_str().unwrap(), c["client"].as_str().unwrap())).or_default() +=
                c["requests"].as_u64().unwrap();
        }
    }
    out
}

fn combined(ip: &str, time: &str, req: &str, agent: &str) -> String {
    format!("{ip} - - [{time} +0000] \"{req} HTTP/1.1\" 200 12 \"-\" \"{agent}\"\n")
}

#[test]
fn a_combined_log_is_matched_counted_once_and_read_on_when_it_grows() {
    let r = repo();
    let mut log = String::new();
    log += &combined("203.0.113.9", "06/Dec/2026:10:00:00", "GET /v1/pets?limit=2", "mobile-app/3.1 (iOS)");
    log += &combined("203.0.113.9", "06/Dec/2026:10:00:01", "GET /v1/pets/mine", "mobile-app/3.1 (iOS)");
    log += &combined("203.0.113.10", "06/Dec/2026:10:00:02", "GET /pets/7", "web/1.0");
    log += &combined("198.51.100.4", "06/Dec/2026:10:00:03", "GET /v1/admin/stats/12345", "-");
    log += "this line is not a log line\n";
    r.write("access.log", &log);
    let out = run(r.path(), &["usage", "ingest", "access.log"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("4 records from byte 0, 3 matched, 1 unmatched, 1 bad"), "{out:?}");
    assert!(out.stdout.contains("access.log:5: "), "{out:?}");
    assert!(out.stdout.contains("GET /v1/admin/stats/{} (pets): 1 requests"), "{out:?}");
    let first = batches(r.path());
    assert_eq!(first.len(), 1);
    let c = counts(&first);
    assert_eq!(c.get("pets | GET /pets | mobile-app"), Some(&1), "{c:?}");
    assert_eq!(c.get("pets | GET /pets query:limit | mobile-app"), Some(&1), "{c:?}");
    assert_eq!(c.get("pets | GET /pets/mine | mobile-app"), Some(&1), "literal beats {{petId}}: {c:?}");
    assert_eq!(c.get("pets | GET /pets/{petId} | web"), Some(&1), "{c:?}");
    assert_eq!(first[0]["undocumented"][0]["path"], "/v1/admin/stats/{}");
    // The client of a request without a user agent is a salted hash, never the address.
    let anon = first[0]["unmatched"][0][2].as_str().unwrap();
    assert!(anon.starts_with("client-"), "{anon}");

    // The same file again: nothing new, nothing written.
    let out = run(r.path(), &["usage", "ingest", "access.log"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("nothing new"), "{out:?}");
    assert_eq!(batches(r.path()).len(), 1);

    // The log grows (and its last line is still being written): only the new whole lines count.
    let mut grown = log.clone();
    grown += &combined("203.0.113.10", "07/Dec/2026:09:00:00", "DELETE /v1/pets/7", "web/1.0");
    grown += "203.0.113.10 - - [07/Dec/2026:09:00:01 +0000] \"GET /v1/pe";
    r.write("access.log", &grown);
    let out = run(r.path(), &["usage", "ingest", "access.log"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains(&format!("1 records from byte {}", log.len())), "{out:?}");
    let all = batches(r.path());
    assert_eq!(all.len(), 2);
    let c = counts(&all[1..]);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c.get("pets | DELETE /pets/{petId} | web"), Some(&1), "{c:?}");
    assert_eq!(all[1]["counts"][0]["day"], "2026-12-07");
}

#[test]
fn nothing_secret_reaches_the_store_and_erased_clients_read_back_erased() {
    let r = repo();
    let lines = [
        r#"{"time_iso8601":"2026-12-06T10:00:00+00:00","remote_addr":"203.0.113.77","request":"GET /v1/pets?limit=5&token=abc-secret-q HTTP/1.1","http_host":"api.example.com","http_authorization":"Bearer sekret-token-123","http_user_agent":"curl/8.0","http_x_client_name":"billing-service"}"#,
        r#"{"time_iso8601":"2026-12-06T10:00:01+00:00","remote_addr":"203.0.113.78","request":"GET /v1/pets/3 HTTP/1.1","http_host":"api.example.com","http_cookie":"session=cookie-secret-9"}"#,
    ];
    r.write("json.log", &(lines.join("\n") + "\n"));
    let out = run(r.path(), &["usage", "ingest", "json.log"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("2 matched"), "{out:?}");
    let c = counts(&batches(r.path()));
    assert_eq!(c.get("pets | GET /pets | billing-service"), Some(&1), "the configured header names the client: {c:?}");
    assert_eq!(c.get("pets | GET /pets query:token | billing-service"), Some(&1), "{c:?}");
    // grep the whole store: no address, token, cookie or query value.
    let mut stored = String::new();
    for e in walk(&r.path().join(".apidiff")) {
        stored += &String::from_utf8_lossy(&std::fs::read(e).unwrap());
    }
    for secret in ["203.0.113.77", "203.0.113.78", "sekret-token-123", "abc-secret-q", "cookie-secret-9", "Bearer"] {
        assert!(!stored.contains(secret), "{secret} reached the store");
    }
    // A client erased reads back as [erased] from usage.
    let out = run(r.path(), &["privacy", "erase", "--subject", "billing-service"]);
    assert_eq!(out.code, 0, "{out:?}");
    let store = apidiff::store::open(".apidiff", r.path()).unwrap();
    let read = apidiff::store::usage::batches(store.as_ref()).unwrap();
    let clients: Vec<&str> = read.iter().flat_map(|b| b.counts.iter().map(|c| c.client.as_str())).collect();
    assert!(clients.contains(&"[erased]") && !clients.contains(&"billing-service"), "{clients:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn a_file_of_no_known_format_is_refused_naming_file_and_line() {
    let r = repo();
    r.write("notes.txt", "\nhello there\nnot a log\n");
    let out = run(r.path(), &["usage", "ingest", "notes.txt"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("notes.txt:2"), "{out:?}");
    // Forced to a format it is not: the first bad line is named.
    let out = run(r.path(), &["usage", "ingest", "--format", "combined", "notes.txt"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("notes.txt:2"), "{out:?}");
    assert!(batches(r.path()).is_empty());
}

#[test]
fn graphql_documents_har_bodies_otlp_json_and_stdin() {
    let r = repo();
    let docs = serde_json::json!([
        {"document": "query Q($id: ID!) { user(id: $id) { id name } }", "count": 40, "client": "ios"},
        {"document": "{ users(first: 2) { email legacy } }", "count": 2, "client": "web"}
    ]);
    r.write("ops.json", &serde_json::to_string_pretty(&docs).unwrap());
    let out = run(r.path(), &["usage", "ingest", "ops.json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("GRAPHQL User.legacy (users): 2 requests"), "{out:?}");
    let c = counts(&batches(r.path()));
    assert_eq!(c.get("users | Query.user | ios"), Some(&40), "{c:?}");
    assert_eq!(c.get("users | Query.user(id:) | ios"), Some(&40), "{c:?}");
    assert_eq!(c.get("users | User.email | web"), Some(&2), "{c:?}");

    let har = serde_json::json!({"log": {"version": "1.2", "entries": [
        {"startedDateTime": "2026-12-06T10:00:00.000Z", "request": {"method": "GET", "url": "https://api.example.com/v1/pets/9",
          "headers": [{"name": "User-Agent", "value": "Mozilla/5.0"}]},
         "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{\"id\":9,\"tags\":[{\"name\":\"a\"}]}"}}}]}});
    r.write("session.har", &serde_json::to_string_pretty(&har).unwrap());
    let out = run(r.path(), &["usage", "ingest", "session.har"]);
    assert_eq!(out.code, 0, "{out:?}");
    let c = counts(&batches(r.path()));
    assert_eq!(c.get("pets | GET /pets/{petId} response/tags/*/name | Mozilla"), Some(&1), "{c:?}");

    let otlp = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":2,"startTimeUnixNano":"1765015200000000000","attributes":[{"key":"http.request.method","value":{"stringValue":"DELETE"}},{"key":"url.path","value":{"stringValue":"/v1/pets/1"}},{"key":"http.request.header.x-client-name","value":{"arrayValue":{"values":[{"stringValue":"admin-ui"}]}}}]}]}]}]}"#;
    let mut child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["usage", "ingest", "-"])
        .current_dir(r.path())
        .envs(ENV.iter().copied())
        .env_remove("APIDIFF_STORE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{otlp}\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let c = counts(&batches(r.path()));
    assert_eq!(c.get("pets | DELETE /pets/{petId} | admin-ui"), Some(&1), "{c:?}");
}
