//! Usage evidence from real producers: nginx (Debian package) reverse-proxying the FastAPI test
//! service and writing its own combined and JSON access logs, and the same FastAPI service
//! instrumented with the OpenTelemetry Python SDK exporting OTLP/HTTP protobuf to a running
//! `apidiff serve`; a HAR recorded by headless Chromium (driven by Playwright) loading a page of
//! that service whose script calls the API, ingested, held against the description (`usage
//! show`) and reported by `watch` as payload drift, alerted once. With `CI=true` a missing
//! service (or browser, or Playwright) is a failure; locally these tests skip.

#![cfg(feature = "server")]
#![allow(clippy::print_stderr)]

mod common_http;
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
                apidiff::usage::Element::Property { direction, pointer, .. } => format!("{} {direction}{pointer}", c.element.operation()),
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

/// The dedicated ingest token: accepted at `/v1/traces` (its spans are counted), refused (403)
/// everywhere else, reads and writes alike; a viewer's JWT is refused at `/v1/traces`; a token
/// that is almost the ingest token is not a token at all (401).
#[test]
fn the_ingest_token_posts_usage_evidence_and_nothing_else() {
    const INGEST: &str = "ingest-only-0123456789abcdef-0123456789";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pets")).unwrap();
    std::fs::write(dir.path().join("pets/openapi.yaml"), PETS).unwrap();
    let auth = apidiff::server::auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap().with_ingest_token(INGEST).unwrap();
    let server =
        Server::start_full(dir, auth, CONFIG, Default::default(), |_, _| std::sync::Arc::new(common_server::Recorder(Default::default())));
    let me = unique("ingesttoken");
    let span = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"kind":2,"startTimeUnixNano":"1765015200000000000","attributes":[{{"key":"http.request.method","value":{{"stringValue":"GET"}}}},{{"key":"url.path","value":{{"stringValue":"/pets/7"}}}},{{"key":"http.request.header.x-client-name","value":{{"arrayValue":{{"values":[{{"stringValue":"{me}"}}]}}}}}}]}}]}}]}}]}}"#
    );
    assert_eq!(post(&server, INGEST, "application/json", span.as_bytes()), 200);
    let c = of_client(&server.dir.path().join(".apidiff"), &me);
    assert_eq!(c.get("GET /pets/{pet_id}"), Some(&1), "{c:?}");
    for (method, path, body) in [
        ("GET", "/api/api-diff/history", None),
        ("GET", "/api/api-diff/me", None),
        ("GET", "/api/api-diff/audit", None),
        ("GET", "/api/api-diff/live", None),
        ("POST", "/api/api-diff/register", Some(r#"{"module":"pets","spec":"pets/openapi.yaml","content":"x"}"#)),
        ("POST", "/api/api-diff/approvals", Some("{}")),
        ("POST", "/api/api-diff/rollback", Some("{}")),
    ] {
        let r = server.req(method, path, Some(INGEST), body);
        assert_eq!(r.status, 403, "{method} {path}: {}", r.body);
        assert!(r.body.contains("ingest token may only post usage evidence"), "{method} {path}: {}", r.body);
    }
    assert_eq!(post(&server, &token(Role::Viewer, "v"), "application/json", span.as_bytes()), 403);
    assert_eq!(post(&server, &INGEST[..INGEST.len() - 1], "application/json", span.as_bytes()), 401);
    // A short ingest token is refused when the server is configured.
    assert!(apidiff::server::auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap().with_ingest_token("short").is_err());
}

/// The headless Chromium scripts/deps.sh installs (the binary itself, not Debian's wrapper
/// script) and the playwright-core it installs to drive it, or `None` (skip) outside CI.
fn browser_and_playwright() -> Option<(String, String)> {
    let home = std::env::var("HOME").unwrap_or_default();
    let pw = std::env::var("APIDIFF_TEST_PLAYWRIGHT")
        .unwrap_or_else(|_| format!("{home}/.cache/apidiff-test-assets/playwright/node_modules/playwright-core"));
    let browser = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(str::to_string);
    match browser {
        Some(b) if std::path::Path::new(&pw).join("package.json").exists() => Some((b, pw)),
        _ => {
            let note = format!("chromium or playwright-core ({pw}) is missing: run scripts/deps.sh");
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {note}");
            eprintln!("note: skipping: {note}");
            None
        }
    }
}

/// The body of a GET.
fn get_body(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

/// A FastAPI app of the test's own (the usage test service), stopped on drop.
struct App(std::process::Child);

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_app(python: &str, dir: &str) -> (App, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(python)
        .args(["-m", "uvicorn", "--app-dir", dir, "--host", "127.0.0.1", "--port", &port.to_string(), "--log-level", "warning"])
        .arg("rest_usage:app")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let app = App(child);
    let addr = format!("127.0.0.1:{port}");
    for _ in 0..300 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            return (app, addr);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("uvicorn rest_usage never listened on {port}");
}

fn apidiff(r: &Repo, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(args)
        .current_dir(r.path())
        .envs(ENV.iter().copied())
        .env_remove("APIDIFF_STORE")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

/// Headless Chromium loads a page of the FastAPI test service whose script calls three of its
/// operations; Playwright records the session as a HAR with bodies. `usage ingest` counts the
/// calls under the client the page's header names, and the page itself as undocumented; `usage
/// show` finds the property the service sends but does not describe; `watch` polling the
/// service reports the same finding (text and `--json`) and alerts it once through a webhook.
#[test]
fn a_har_recorded_by_headless_chromium_gives_counts_clients_and_payload_drift_in_watch() {
    let (Some(python), Some(live_dir)) = (service("APIDIFF_TEST_LIVE_PYTHON"), service("APIDIFF_TEST_LIVE_DIR")) else { return };
    let Some((browser, playwright)) = browser_and_playwright() else { return };
    let (_app, addr) = start_app(&python, &live_dir);
    let me = unique("chromium");
    let r = Repo::new();
    let (hook, seen) = common_http::webhook();
    let locator = format!("http://{addr}/openapi.json");
    r.write(
        "apidiff.yaml",
        &format!(
            "modules:\n  - name: pets\n    specs: ['pets/*.json']\n    live: ['{locator}']\nusage:\n  client_header: x-client-name\nalerts:\n  min_severity: warning\n  channels:\n    - {{type: webhook, url: '{hook}'}}\n"
        ),
    );
    r.write("pets/openapi.json", &get_body(&addr, "/openapi.json"));
    r.commit("init");
    let har = r.path().join("session.har");
    let o = Command::new("node")
        .arg(format!("{live_dir}/record_har.js"))
        .args([&playwright, &browser, &format!("http://{addr}/app?client={me}"), har.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));

    let done = ingest(&r, "session.har");
    assert_eq!(done["files"][0]["format"], "har", "{done}");
    let c = of_client(&r.path().join(".apidiff"), &me);
    assert_eq!(c.get("GET /pets/{pet_id}"), Some(&1), "{c:?}");
    assert_eq!(c.get("GET /pets"), Some(&1), "{c:?}");
    assert_eq!(c.get("GET /pets ?limit"), Some(&1), "{c:?}");
    assert_eq!(c.get("GET /pets/{pet_id}/card"), Some(&1), "{c:?}");
    // The recorded response bodies: their properties are counted too.
    assert_eq!(c.get("GET /pets/{pet_id} response/name"), Some(&1), "{c:?}");
    assert_eq!(c.get("GET /pets/{pet_id}/card response/internal_score"), Some(&1), "{c:?}");
    let undocumented = done["files"][0]["undocumented"].as_array().unwrap();
    assert!(undocumented.iter().any(|u| u["path"] == "/app"), "the page itself: {done}");
    // Shapes, never values: nothing the bodies said reaches the store.
    for e in walk(&r.path().join(".apidiff")) {
        let text = String::from_utf8_lossy(&std::fs::read(&e).unwrap()).to_string();
        assert!(!text.contains("rex") && !text.contains("0.5"), "{}", e.display());
    }

    let o = apidiff(&r, &["usage", "show", "--module", "pets", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(shown["clients"].as_array().unwrap().iter().any(|c| c["client"] == me.as_str()), "{shown:#}");
    let found: Vec<(String, String, String)> = shown["conformance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["operation"].as_str().unwrap().into(), f["pointer"].as_str().unwrap().into(), f["problem"].as_str().unwrap().into()))
        .collect();
    let want = ("GET /pets/{pet_id}/card".to_string(), "/internal_score".to_string(), "undocumented".to_string());
    assert_eq!(found, [want], "{shown:#}");

    // watch: the first poll records the baseline and reports the drift; the alert goes once.
    let o = apidiff(&r, &["watch", "--once", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let polled: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(polled["sources"][0]["state"], "baseline", "{polled:#}");
    let f = &polled["conformance"];
    assert_eq!(
        (f.as_array().map(Vec::len), &f[0]["module"], &f[0]["pointer"]),
        (Some(1), &"pets".into(), &"/internal_score".into()),
        "{polled:#}"
    );
    assert_eq!(polled["alerts"].as_array().map(Vec::len), Some(1), "{polled:#}");
    let o = apidiff(&r, &["watch", "--once"]);
    let text = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && text.contains(&format!("{locator}: module `pets`: unchanged")), "{text}");
    assert!(
        text.contains(
            "module `pets`: drift: GET /pets/{pet_id}/card 200 responses send `/internal_score`, which the description does not document"
        ),
        "{text}"
    );
    assert!(!text.contains("alert: "), "the same finding is not alerted twice: {text}");
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let b: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(
        (&b["module"], &b["changes"][0]["id"], &b["changes"][0]["severity"]),
        (&"pets".into(), &"response-payload-drift".into(), &"warning".into()),
        "{b:#}"
    );
    assert!(b["changes"][0]["message"].as_str().unwrap().contains("/internal_score"), "{b:#}");
}

/// `operation → requests` over every client of a store.
fn of_all(store: &std::path::Path) -> std::collections::BTreeMap<String, u64> {
    let s = apidiff::store::open(store.to_str().unwrap(), store).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for b in apidiff::store::usage::batches(s.as_ref()).unwrap() {
        for c in &b.counts {
            *out.entry(c.element.operation()).or_default() += c.requests;
        }
    }
    out
}

/// The gRPC test service's calls, made by a real grpcio client and traced with the
/// OpenTelemetry Python SDK's gRPC server instrumentation, exported over OTLP/HTTP protobuf to
/// `apidiff serve` with the dedicated ingest token: each RPC is counted against the module's
/// `.proto`, and `usage show` lists the RPC nobody called as safe to remove.
#[test]
fn grpc_calls_traced_by_the_opentelemetry_sdk_are_counted_per_rpc() {
    let Some(python) = service("APIDIFF_TEST_LIVE_PYTHON") else { return };
    let Some(live_dir) = service("APIDIFF_TEST_LIVE_DIR") else { return };
    const INGEST: &str = "ingest-only-grpc-0123456789abcdef-0123";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("shop")).unwrap();
    std::fs::copy(format!("{live_dir}/shop_v1.proto"), dir.path().join("shop/shop.proto")).unwrap();
    let config = "modules:\n  - name: shop\n    specs: ['shop/*.proto']\n";
    std::fs::write(dir.path().join("apidiff.yaml"), config).unwrap();
    let auth = apidiff::server::auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap().with_ingest_token(INGEST).unwrap();
    let server =
        Server::start_full(dir, auth, config, Default::default(), |_, _| std::sync::Arc::new(common_server::Recorder(Default::default())));
    let o = Command::new(&python)
        .arg(format!("{live_dir}/otel_grpc_export.py"))
        .arg(format!("{live_dir}/shop_v1.proto"))
        .args([server.url("/v1/traces"), INGEST.to_string()])
        .args(["GetOrder", "GetOrder", "GetOrder"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let c = of_all(&server.dir.path().join(".apidiff"));
    assert_eq!(c.get("shop.v1.Orders/GetOrder"), Some(&3), "{c:?}");
    assert_eq!(c.len(), 1, "{c:?}");
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["usage", "show", "--module", "shop", "--json"])
        .current_dir(server.dir.path())
        .envs(ENV.iter().copied())
        .env_remove("APIDIFF_STORE")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(shown["known"], true, "{shown:#}");
    assert_eq!(shown["used"][0]["operation"], "shop.v1.Orders/GetOrder", "{shown:#}");
    assert_eq!(shown["unused"], serde_json::json!(["shop.v1.Orders/CancelOrder"]), "{shown:#}");
}
