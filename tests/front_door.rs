//! The server's front door (issue #24, items 3 and 12, and the log line of a token's `sub`):
//! unauthenticated bodies are refused unread, bodies share one byte budget, `apidiff serve`'s
//! peak memory stays bounded under 150 concurrent 20 MB bodies, and unauthenticated requests are
//! audited as counters per peer and minute, not one file each.
#![cfg(feature = "server")]
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common_server;

use apidiff::server::auth::Role;
use common_server::*;
use std::io::{BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

const MB: usize = 1024 * 1024;

/// Starts `apidiff serve` as a process; its address, the child, and its stderr lines.
fn serve_process(dir: &std::path::Path) -> (SocketAddr, std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["serve", "--listen", "127.0.0.1:0", "--log", "--root"])
        .arg(dir)
        .env("APIDIFF_JWT_SECRET", SECRET)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr: SocketAddr = line.split("http://").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in err.lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    (addr, child, rx)
}

/// Peak resident memory of a process, in bytes (Linux `VmHWM`).
fn peak_rss(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: usize = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// POSTs `body` to /register (with `token` when given); the status, 0 when the server hung up
/// without an answer.
fn post_big(addr: SocketAddr, token: Option<&str>, body: &[u8]) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr) else { return 0 };
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST /api/api-diff/register HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    // The server may answer (and close) before the body is sent: stop writing then.
    for chunk in body.chunks(256 * 1024) {
        if s.write_all(chunk).is_err() {
            break;
        }
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn concurrent_big_bodies_keep_the_server_small_and_up() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, mut child, _log) = serve_process(dir.path());
    let baseline = peak_rss(child.id());
    // 20 MB that is not JSON: a body that is read is refused only at its end.
    let mut body = b"{\"module\": \"m\", \"spec\": \"".to_vec();
    body.resize(20 * MB, b'a');
    let body = Arc::new(body);
    let dev = token(Role::Developer, "dev");
    let mut runs = Vec::new();
    for i in 0..150 {
        let (anonymous, body, dev) = (body.clone(), body.clone(), dev.clone());
        // 150 unauthenticated bodies, and 30 more with a valid token on top.
        runs.push(std::thread::spawn(move || post_big(addr, None, &anonymous)));
        if i % 5 == 0 {
            runs.push(std::thread::spawn(move || post_big(addr, Some(&dev), &body)));
        }
    }
    let statuses: Vec<u16> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    let peak = peak_rss(child.id());
    let health = request(addr, "GET", "/healthz", None, None).status;
    let _ = child.kill();
    let _ = child.wait();
    eprintln!("apidiff serve: peak RSS {} MB (at start {} MB)", peak / MB, baseline / MB);
    assert_eq!(health, 200, "the server is down");
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 150, "{statuses:?}");
    // Authenticated bodies are read within the budget: the rest wait for a 503 at once.
    assert!(statuses.iter().all(|s| matches!(s, 401 | 400 | 503)), "{statuses:?}");
    assert!(peak < 300 * MB, "peak RSS {} MB", peak / MB);
}

#[test]
fn unauthenticated_requests_are_counted_not_filed_one_by_one() {
    let s = Server::start();
    let audit = s.dir.path().join(".apidiff/records/audit");
    let files = || std::fs::read_dir(&audit).map(|d| d.count()).unwrap_or(0);
    let n = 2000;
    for i in 0..n {
        let path = if i % 2 == 0 { "/api/api-diff/me" } else { "/api/api-diff/history" };
        assert_eq!(s.req("GET", path, None, None).status, 401);
    }
    let viewer = token(Role::Viewer, "vic");
    for _ in 0..10 {
        assert_eq!(s.req("GET", "/api/api-diff/me", Some(&viewer), None).status, 200);
    }
    let log = s.json("GET", "/api/api-diff/audit?action=access&limit=5000", &token(Role::Admin, "auditor"), None);
    let items = log["items"].as_array().unwrap();
    // Each authenticated request is one event; the unauthenticated ones are counters.
    assert_eq!(items.iter().filter(|e| e["actor"] == "vic").count(), 10);
    let counters: Vec<&serde_json::Value> = items.iter().filter(|e| e["details"]["unauthenticated"] == true).collect();
    assert!(!counters.is_empty() && counters.len() <= 3, "{} counters for {n} requests", counters.len());
    let counted: u64 = counters.iter().map(|e| e["details"]["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, n as u64);
    let me: u64 = counters.iter().filter_map(|e| e["details"]["requests"]["GET /api/api-diff/me"].as_u64()).sum();
    assert_eq!(me, n as u64 / 2);
    assert!(counters.iter().all(|e| e["details"]["peer"] == "127.0.0.1"));
    // 2,000 requests left a handful of files, not 2,000.
    assert!(files() <= 10 + 3 + 1, "{} audit files", files());
}

#[test]
fn a_subject_with_a_newline_stays_on_its_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, mut child, log) = serve_process(dir.path());
    let sneaky = token(Role::Viewer, "eve\n127.0.0.1 GET /api/api-diff/audit 200 admin 0ms");
    let r = request(addr, "GET", "/api/api-diff/me", Some(&sneaky), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let line = log.recv_timeout(Duration::from_secs(10)).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("GET /api/api-diff/me 200 eve\\n127.0.0.1"), "{line}");
    assert!(log.try_recv().map_or(true, |l| !l.contains("/api/api-diff/audit")), "a forged line was logged");
}
