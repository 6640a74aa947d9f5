//! Usage evidence from real producers: nginx (Debian package) reverse-proxying the FastAPI test
//! service and writing its own combined and JSON access logs, and the same FastAPI service
//! instrumented with the OpenTelemetry Python SDK exporting OTLP/HTTP protobuf to a running
//! `apidiff serve`. With `CI=true` a missing service is a failure; locally these tests skip.

#![cfg(feature = "server")]
#![allow(clippy::print_stderr)]

mod common_repo;
mod common_server;
mod common_service;

use apidiff::server::auth::Role;
use common_repo::{ENV, Repo};
use common_server::{SECRET, Server, token};
use common_service::service;
use std::io::{Read, Write};
use std::process::Command;

/// The rest_v1 FastAPI service's operations, as its description names them.
const PETS: &str = "openapi: 3.1.0\ninfo: {title: pets, version: '1'}\npaths:\n  /pets/{pet_id}:\n    get:\n      parameters: [{name: pet_id, in: path, required: true, schema: {type: integer}}]\n      responses: {'200': {description: ok}}\n    delete:\n      parameters: [{name: pet_id, in: path, required: true, schema: {type: integer}}]\n      responses: {'200': {description: ok}}\n  /pets:\n    get:\n      parameters: [{name: limit, in: query, schema: {type: integer}}]\n      responses: {'200': {description: ok}}\n";
const CONFIG: &str = "modules:\n  - name: pets\n    specs: ['pets/*.yaml']\nusage:\n  client_header: x-client-name\n";

fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{name}{}x{nanos}", std::process::id())
}

/// One HTTP/1.1 request through `host:port`; the status.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> u16 {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n");
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    req += "\r\n";
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

fn ingest(r: &Repo, file: &str) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["usage", "ingest", "--json", file])
        .current_dir(r.path())
        .envs(ENV.iter().copied())
        .env_remove("APIDIFF_STORE")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// `operation-or-parameter → requests` of one client over every batch of a store.
fn of_client(store: &std::path::Path, client: &str) -> std::collections::BTreeMap<String, u64> {
    let s = apidiff::store::open(store.to_str().unwrap(), store).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for b in apidiff::store::usage::batches(s.as_ref()).unwrap() {
        for c in b.counts.iter().filter(|c| c.client == client) {
            let key = match &c.element {
                apidiff::usage::Element::Parameter { name, .. } => format!("{} ?{name}", c.element.operation()),
                e => e.operation(),
            };
            *out.entry(key).or_default() += c.requests;
        }
    }
    out
}

#[test]
fn nginx_access_logs_combined_and_json_are_ingested() {
    let Some(url) = service("APIDIFF_TEST_NGINX") else { return };
    let Some(combined) = service("APIDIFF_TEST_NGINX_LOG") else { return };
    let Some(json_log) = service("APIDIFF_TEST_NGINX_JSON_LOG") else { return };
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let me = unique("nginxtest");
    let agent = format!("{me}/1.0");
    let h = [("user-agent", agent.as_str()), ("x-client-name", me.as_str()), ("authorization", "Bearer never-stored-token")];
    assert_eq!(http(&addr, "GET", "/pets/1", &h), 200);
    assert_eq!(http(&addr, "GET", "/pets/2", &h), 200);
    assert_eq!(http(&addr, "GET", "/pets?limit=3&secret=qv-9", &h), 200);
    assert_eq!(http(&addr, "DELETE", "/pets/4", &h), 200);
    assert_eq!(http(&addr, "GET", "/not-described/77", &h), 404);
    let r = Repo::new();
    r.write("apidiff.yaml", CONFIG);
    r.write("pets/openapi.yaml", PETS);
    r.commit("init");
    // nginx writes a line when a request completes; give it a moment to reach the file.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let done = ingest(&r, &combined);
    assert_eq!(done["files"][0]["format"], "combined", "{done}");
    let store = r.path().join(".apidiff");
    let c = of_client(&store, &me); // the user agent's product token
    assert_eq!(c.get("GET /pets/{pet_id}"), Some(&2), "{c:?}");
    assert_eq!(c.get("GET /pets"), Some(&1), "{c:?}");
    assert_eq!(c.get("GET /pets ?limit"), Some(&1), "{c:?}");
    assert_eq!(c.get("DELETE /pets/{pet_id}"), Some(&1), "{c:?}");
    let undocumented = done["files"][0]["undocumented"].as_array().unwrap();
    assert!(undocumented.iter().any(|u| u["path"] == "/not-described/{}"), "{done}");
    // The JSON log names the client by the configured header.
    let done = ingest(&r, &json_log);
    assert_eq!(done["files"][0]["format"], "json-log", "{done}");
    let c = of_client(&store, &me);
    assert_eq!(c.get("GET /pets/{pet_id}"), Some(&4), "both logs counted: {c:?}");
    // Idempotent on the real log too.
    let again = ingest(&r, &combined);
    assert_eq!(again["files"][0]["written"], false, "{again}");
    // No token, no query value, no address in the store.
    for e in walk(&store) {
        let text = String::from_utf8_lossy(&std::fs::read(&e).unwrap()).to_string();
        assert!(!text.contains("never-stored-token") && !text.contains("qv-9") && !text.contains("127.0.0.1"), "{}", e.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn the_opentelemetry_python_sdk_exports_spans_to_serve() {
    let Some(python) = service("APIDIFF_TEST_LIVE_PYTHON") else { return };
    let Some(live_dir) = service("APIDIFF_TEST_LIVE_DIR") else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pets")).unwrap();
    std::fs::write(dir.path().join("pets/openapi.yaml"), PETS).unwrap();
    let server = Server::start_full(
        dir,
        apidiff::server::auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap(),
        CONFIG,
        Default::default(),
        |_, _| std::sync::Arc::new(common_server::Recorder(Default::default())),
    );
    let me = unique("otel");
    let tok = token(Role::Developer, "collector");
    let calls = ["GET", "/pets/1", "GET", "/pets/2", "GET", "/pets?limit=3", "DELETE", "/pets/5", "GET", "/undocumented/9"];
    let o = Command::new(python)
        .arg(format!("{live_dir}/otel_export.py"))
        .args([server.url("/v1/traces"), tok, me.clone()])
        .args(calls)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let c = of_client(&server.dir.path().join(".apidiff"), &me);
    assert_eq!(c.get("GET /pets/{pet_id}"), Some(&2), "{c:?}");
    assert_eq!(c.get("GET /pets"), Some(&1), "{c:?}");
    assert_eq!(c.get("DELETE /pets/{pet_id}"), Some(&1), "{c:?}");
    // A viewer may not export; a body that is not OTLP is a 400 in the request's encoding.
    let viewer = token(Role::Viewer, "v");
    let r = post(&server, &viewer, "application/x-protobuf", b"");
    assert_eq!(r, 403);
    let r = post(&server, &token(Role::Developer, "c"), "application/x-protobuf", b"\xff\xff\xff");
    assert_eq!(r, 400);
    let r = post(&server, &token(Role::Developer, "c"), "text/plain", b"x");
    assert_eq!(r, 415);
    let r = post(&server, &token(Role::Developer, "c"), "application/json", br#"{"resourceSpans":[]}"#);
    assert_eq!(r, 200);
}

fn post(server: &Server, token: &str, ctype: &str, body: &[u8]) -> u16 {
    let mut s = std::net::TcpStream::connect(server.addr).unwrap();
    let head = format!(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    String::from_utf8_lossy(&resp).split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}
