//! The outbound policy against hostile servers on 127.0.0.1 (issue #24, items 4, 5 and 6): secret
//! headers and `Referer` never leave the origin, redirects to another origin are refused, a spec
//! cannot make apidiff reach this machine, a server that drips its body times out by the
//! deadline, `watch` records the healthy sources while one hangs and ends on SIGTERM, a hostile
//! gRPC reflection server is held by budgets, and secret query parameters are never printed.
//! Every server here is written in the test; no traffic leaves the loopback interface.

mod common_peak;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SPEC: &str =
    r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;

type Seen = Arc<Mutex<Vec<String>>>;

/// A server on 127.0.0.1 that records each request's head (lowercase) and answers with `answer`.
fn server(answer: impl Fn(&str, &mut TcpStream) + Send + Sync + 'static) -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let (log, answer) = (seen.clone(), Arc::new(answer));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (log, answer) = (log.clone(), answer.clone());
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                log.lock().unwrap().push(head.clone());
                answer(&head, &mut stream);
            });
        }
    });
    (addr, seen)
}

fn ok(stream: &mut TcpStream, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn redirect(stream: &mut TcpStream, to: &str) {
    let _ = write!(stream, "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

/// Promises a big body and sends one byte every 200 ms (for a minute at most).
fn drip(stream: &mut TcpStream) {
    let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n");
    for _ in 0..300 {
        if stream.write_all(b" ").and_then(|_| stream.flush()).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn apidiff(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

/// Runs apidiff, killing it after `limit`; the output and how long it ran.
fn timed(dir: &Path, args: &[&str], limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() && started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    (child.wait_with_output().unwrap(), started.elapsed())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn secret_headers_and_referer_never_leave_the_origin() {
    let (elsewhere, elsewhere_seen) = server(|_, s| ok(s, SPEC));
    let (origin, origin_seen) = server(move |head, s| {
        if head.starts_with("get /moved ") {
            redirect(s, "/spec.json");
        } else if head.starts_with("get /away ") {
            redirect(s, &format!("http://{elsewhere}/spec.json"));
        } else {
            ok(s, SPEC);
        }
    });
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("rev.json"), SPEC).unwrap();
    let secrets = ["--header", "X-Api-Key: key-s3cret", "--header", "PRIVATE-TOKEN: tok-s3cret"];
    // A redirect on the same origin is followed, with the secrets and without a Referer.
    let moved = format!("http://{origin}/moved");
    let o = apidiff(d.path(), &[&["diff", &moved, "rev.json"][..], &secrets[..]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let heads = origin_seen.lock().unwrap().clone();
    let followed = heads.iter().find(|h| h.starts_with("get /spec.json ")).expect("the redirect was followed");
    assert!(followed.contains("x-api-key: key-s3cret") && followed.contains("private-token: tok-s3cret"), "{followed}");
    assert!(heads.iter().all(|h| !h.contains("\r\nreferer:")), "{heads:?}");
    // A redirect to another origin (another port) is refused: nothing reaches it.
    let away = format!("http://{origin}/away");
    let o = apidiff(d.path(), &[&["diff", &away, "rev.json"][..], &secrets[..]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("another origin"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("s3cret"), "{}", stderr(&o));
    assert!(elsewhere_seen.lock().unwrap().is_empty(), "the other origin was contacted: {:?}", elsewhere_seen.lock().unwrap());
}

#[test]
fn a_spec_cannot_make_apidiff_reach_this_machine() {
    let (addr, seen) = server(|_, s| ok(s, r#"{"components":{"schemas":{"A":{"type":"string"}}}}"#));
    let d = tempfile::tempdir().unwrap();
    let spec = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"http://ADDR/defs.json#/components/schemas/A"}}}}}}}}}"#
        .replace("ADDR", &addr.to_string());
    std::fs::write(d.path().join("a.json"), &spec).unwrap();
    std::fs::write(d.path().join("b.json"), &spec).unwrap();
    let o = apidiff(d.path(), &["diff", "a.json", "b.json", "--allow-remote-refs"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("loopback"), "{}", stderr(&o));
    assert!(seen.lock().unwrap().is_empty(), "the remote $ref reached 127.0.0.1: {:?}", seen.lock().unwrap());
    // A name that resolves to this machine is refused the same way, before connecting.
    let by_name = spec.replace("127.0.0.1", "localhost");
    std::fs::write(d.path().join("a.json"), &by_name).unwrap();
    std::fs::write(d.path().join("b.json"), &by_name).unwrap();
    let o = apidiff(d.path(), &["diff", "a.json", "b.json", "--allow-remote-refs"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("loopback"), "{}", stderr(&o));
    assert!(seen.lock().unwrap().is_empty(), "the remote $ref reached localhost: {:?}", seen.lock().unwrap());
}

#[test]
fn a_dripping_body_times_out_by_the_deadline() {
    let (addr, _) = server(|_, s| drip(s));
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("rev.json"), SPEC).unwrap();
    let url = format!("http://{addr}/spec.json");
    let (o, took) = timed(d.path(), &["diff", &url, "rev.json", "--timeout", "2"], Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(2), "after {took:?}: {}", stderr(&o));
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
    assert!(took < Duration::from_secs(5), "the deadline of 2 s took {took:?}");
}

#[test]
fn watch_records_the_healthy_source_while_one_drips_and_ends_on_sigterm() {
    let (healthy, _) = server(|_, s| ok(s, SPEC));
    let (slow, _) = server(|_, s| drip(s));
    let d = tempfile::tempdir().unwrap();
    let config = format!(
        "modules:\n  - name: fast\n    live: ['http://{healthy}/openapi.json']\n  - name: slow\n    live: ['http://{slow}/openapi.json']\n"
    );
    std::fs::write(d.path().join("apidiff.yaml"), config).unwrap();
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["watch", "--once", "--timeout", "3", "--no-alerts"])
        .current_dir(d.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let pid = child.id();
    let waiter = std::thread::spawn(move || child.wait_with_output().unwrap());
    while !waiter.is_finished() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if !waiter.is_finished() {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let o = waiter.join().unwrap();
    let took = started.elapsed();
    let err = stderr(&o);
    assert!(took < Duration::from_secs(3 + 1 + 2), "SIGTERM with a 3 s deadline ended after {took:?}: {err}");
    assert!(err.contains("module `fast`: baseline recorded"), "{err}");
    assert!(err.contains(&format!("unreachable: http://{slow}/openapi.json")) && err.contains("timed out"), "{err}");
    // The healthy source's snapshot is in the store.
    let entries = std::fs::read_dir(d.path().join(".apidiff/records/entries")).map(|r| r.count()).unwrap_or(0);
    assert!(entries >= 1, "nothing recorded: {err}");
}

#[test]
fn secret_query_parameters_are_never_printed() {
    let (addr, seen) = server(|_, s| {
        let _ = write!(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("rev.json"), SPEC).unwrap();
    let url = format!("http://{addr}/openapi.json?version=2&access_token=tok-s3cret&api_key=key-s3cret");
    let o = apidiff(d.path(), &["diff", &url, "rev.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("404") && err.contains("access_token=***") && err.contains("version=2"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    // The server did get the real parameters.
    assert!(seen.lock().unwrap().iter().any(|h| h.contains("access_token=tok-s3cret")));
}

/// The Python of the live services (scripts/services-live.sh), or `None` (skip) outside CI.
fn python() -> Option<String> {
    match std::env::var("APIDIFF_TEST_LIVE_PYTHON") {
        Ok(v) => Some(v),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but APIDIFF_TEST_LIVE_PYTHON is not set: source scripts/services-live.sh"
            );
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: APIDIFF_TEST_LIVE_PYTHON is not set (source scripts/services-live.sh)");
            }
            None
        }
    }
}

/// Ends the child when dropped.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_hostile_reflection_server_is_held_by_budgets() {
    let Some(python) = python() else { return };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/live/hostile_reflection.py");
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("rev.proto"), "syntax = \"proto3\";\npackage hostile;\n").unwrap();
    for (shape, limit) in [
        ("many", "2000 services, more than the limit of 1024"),
        ("fat", "more than 20000 file descriptors"),
        ("deep", "deeper than the limit of 32"),
        ("big", "more than 52428800 bytes were read for this source (its download budget)"),
    ] {
        let mut child = Command::new(&python).arg(script).arg(shape).stdout(Stdio::piped()).spawn().unwrap();
        let mut port = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut port).unwrap();
        let _server = Killed(child);
        let locator = format!("grpc://127.0.0.1:{}", port.trim());
        // Before the budgets the `many` shape took apidiff to 5.8 GB.
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_apidiff"));
        cmd.args(["diff", &locator, "rev.proto"]).current_dir(d.path()).env("NO_COLOR", "1");
        let (o, peak) = common_peak::output_and_peak(cmd);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{shape}: {err}");
        assert!(err.contains(&locator) && err.contains(limit), "{shape}: {err}");
        assert!(peak < 300 << 20, "{shape}: peak RSS {} MB", peak >> 20);
    }
}

/// A GET with a bearer token; the status and the body.
fn get(addr: &str, path: &str, token: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    let _ = s.read_to_string(&mut raw);
    let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

#[test]
fn serve_watch_polls_the_healthy_source_while_one_drips_and_stops_on_sigterm() {
    const SECRET: &str = "outbound-test-secret-0123456789abcdef";
    let (healthy, _) = server(|_, s| ok(s, SPEC));
    let (slow, _) = server(|_, s| drip(s));
    let d = tempfile::tempdir().unwrap();
    let config = format!(
        "modules:\n  - name: fast\n    live: ['http://{healthy}/openapi.json']\n  - name: slow\n    live: ['http://{slow}/openapi.json']\n"
    );
    std::fs::write(d.path().join("apidiff.yaml"), config).unwrap();
    let minted = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["token", "--role", "viewer", "--subject", "t"])
        .env("APIDIFF_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    let token = String::from_utf8(minted.stdout).unwrap().trim().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["serve", "--listen", "127.0.0.1:0", "--watch", "1h", "--timeout", "2"])
        .current_dir(d.path())
        .env("APIDIFF_JWT_SECRET", SECRET)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut addr = String::new();
    while addr.is_empty() {
        let mut line = String::new();
        assert!(std::io::BufRead::read_line(&mut err, &mut line).unwrap() > 0, "serve never said where it listens");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            addr = rest.split_whitespace().next().unwrap().to_string();
        }
    }
    let _drain = std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    let started = Instant::now();
    let mut v = serde_json::Value::Null;
    while started.elapsed() < Duration::from_secs(20) {
        let (status, body) = get(&addr, "/api/api-diff/live", &token);
        assert_eq!(status, 200, "{body}");
        v = serde_json::from_str(&body).unwrap();
        if v["sources"][1]["state"] == "unreachable" {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let polled = started.elapsed();
    let term = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    while child.try_wait().unwrap().is_none() && term.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let stopped = term.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert!(["baseline recorded", "unchanged"].contains(&v["sources"][0]["state"].as_str().unwrap_or("")), "{v}");
    assert!(v["sources"][1]["cause"].as_str().unwrap_or("").contains("timed out"), "{v}");
    assert!(polled < Duration::from_secs(2 + 3), "the first poll took {polled:?}");
    assert!(stopped < Duration::from_secs(3), "SIGTERM took {stopped:?}");
}
