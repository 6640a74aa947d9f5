//! A minimal HTTP/1.1 server for tests that need a real peer on 127.0.0.1:0: it reads each
//! request's headers and body (by `content-length`) and writes what `reply` returns for the body.
//! One thread, one connection at a time, `connection: close`; no extra dependencies.
#![allow(dead_code)]

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Serves every request with `reply(body)` (a whole HTTP response) and returns the address.
pub fn serve_each(reply: impl Fn(&[u8]) -> String + Send + 'static) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let body = read_request(&mut std::io::BufReader::new(stream.try_clone().unwrap()));
            let _ = stream.write_all(reply(&body).as_bytes());
        }
    });
    addr
}

/// The body of one request (its headers skipped, its `content-length` read).
fn read_request(r: &mut impl BufRead) -> Vec<u8> {
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    let _ = r.read_exact(&mut body);
    body
}

/// A `200 OK` response carrying `body` as `content_type`.
pub fn ok(content_type: &str, body: &str) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
}

/// A webhook receiver that answers 200 and keeps every body: its URL and the bodies seen.
pub fn webhook() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    let addr = serve_each(move |body| {
        keep.lock().unwrap().push(String::from_utf8_lossy(body).into_owned());
        ok("text/plain", "ok")
    });
    (format!("http://{addr}/hook"), seen)
}
