//! Shared helpers for the server tests: an in-process server on 127.0.0.1:0 over a temporary
//! store, token minting, and a minimal HTTP/1.1 client (no extra dependencies).
#![allow(dead_code)]

use apidiff::server::auth::{self, Role};
use apidiff::server::{AppState, alerts};
use apidiff::store::{self, Archive};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const SECRET: &str = "test-secret-0123456789abcdef-0123456789";

pub mod usage_seed;

pub struct Server {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    pub sent: Arc<Mutex<Vec<alerts::Alert>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Records the alerts the server hands to its sink.
pub struct Recorder(pub Arc<Mutex<Vec<alerts::Alert>>>);

impl alerts::AlertSink for Recorder {
    fn send(&self, entry: &apidiff::store::Entry, _details: &alerts::Details<'_>) {
        if let Some(a) = alerts::alert_for(entry) {
            self.0.lock().unwrap().push(a);
        }
    }
}

pub fn archive(dir: &std::path::Path) -> Archive {
    Archive::new(store::open(".apidiff", dir).unwrap())
}

pub fn config_yaml() -> &'static str {
    "modules:\n  - name: users\n    specs: ['users/**']\n    owners: ['@team-users']\n  - name: billing\n    specs: ['billing/**']\n    depends_on: [users]\n"
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap())
    }

    pub fn start_with(auth: auth::Auth) -> Server {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir, auth)
    }

    pub fn start_in(dir: tempfile::TempDir, auth: auth::Auth) -> Server {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let recorder = Recorder(sent.clone());
        Self::start_full(dir, auth, config_yaml(), sent, |_, _| Arc::new(recorder))
    }

    /// A server with this config and the sink `sink(store folder, config)` makes.
    pub fn start_full(
        dir: tempfile::TempDir,
        auth: auth::Auth,
        config_yaml: &str,
        sent: Arc<Mutex<Vec<alerts::Alert>>>,
        sink: impl FnOnce(&std::path::Path, &apidiff::config::Config) -> Arc<dyn alerts::AlertSink>,
    ) -> Server {
        let a = archive(dir.path());
        a.create().unwrap();
        let salt = a.salt("test-seed").unwrap();
        let config = apidiff::config::parse("apidiff.yaml", config_yaml).unwrap();
        let sink = sink(dir.path(), &config);
        let state = AppState::new(a, config, PathBuf::from(dir.path()), auth, salt, sink, apidiff::server::Log::quiet());
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(l.local_addr().unwrap()).unwrap();
                apidiff::server::serve(l, state, async {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Server { addr, dir, sent, stop: Some(stop_tx), thread: Some(thread) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn req(&self, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> Resp {
        request(self.addr, method, path, token, body)
    }

    pub fn json(&self, method: &str, path: &str, token: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        let b = body.map(|b| b.to_string());
        let r = self.req(method, path, Some(token), b.as_deref());
        assert!(r.status == 200, "{method} {path}: {} {}", r.status, r.body);
        serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {}", r.body))
    }
}

pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

pub fn token(role: Role, sub: &str) -> String {
    auth::mint(SECRET.as_bytes(), "apidiff", sub, role, 3600, now()).unwrap()
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub fn request(addr: SocketAddr, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(120))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.unwrap_or("");
    if method != "GET" {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body.as_bytes());
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no HTTP header end");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") {
            let n = usize::from_str_radix(String::from_utf8_lossy(&rest[..nl]).trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + n]);
            rest = &rest[nl + 2 + n + 2..];
        }
        body = out;
    }
    Resp { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

pub fn b64url(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..=c.len() {
            s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    s
}

/// An unsigned `alg: none` token with admin claims.
pub fn alg_none_token() -> String {
    let h = b64url(br#"{"alg":"none","typ":"JWT"}"#);
    let c = b64url(
        format!(r#"{{"sub":"mallory","role":"admin","iss":"apidiff","aud":"apidiff","exp":{},"iat":{}}}"#, now() + 3600, now()).as_bytes(),
    );
    format!("{h}.{c}.")
}

pub const USERS_V1: &str = "openapi: 3.0.3\ninfo: {title: users, version: '1'}\npaths:\n  /users:\n    get:\n      responses:\n        '200':\n          description: ok\n  /users/{id}:\n    get:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: ok\n";
pub const USERS_V2: &str = "openapi: 3.0.3\ninfo: {title: users, version: '2'}\npaths:\n  /users:\n    get:\n      responses:\n        '200':\n          description: ok\n";
