//! The optional model-written summary: request contents (nothing secret), the `ai` object and
//! its rendering, and the silent fallback when the model endpoint fails or hangs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PLANTED_HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";
const PLANTED_KEY: &str = "sk-planted-api-key-do-not-send";
const PLANTED_DESC: &str = "internal-description-must-not-leave";

/// Base: two endpoints; the revision removes one whose path carries a long hex string, and
/// changes the API version to a credential-bearing URL-like string.
fn specs(dir: &Path) {
    let base = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1', description: {PLANTED_DESC}}}\npaths:\n  /pets:\n    get:\n      description: {PLANTED_DESC}\n      responses:\n        '200': {{description: ok}}\n  /keys/{PLANTED_HEX}:\n    get:\n      responses:\n        '200': {{description: ok}}\n"
    );
    let rev = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: 'https://bob:hunter2@example.com Bearer abcdefsecret', description: {PLANTED_DESC}}}\npaths:\n  /pets:\n    get:\n      description: {PLANTED_DESC}\n      responses:\n        '200': {{description: ok}}\n"
    );
    std::fs::write(dir.join("base.yaml"), base).unwrap();
    std::fs::write(dir.join("rev.yaml"), rev).unwrap();
}

/// A one-shot stand-in for the model API: answers one request with `status` and `body` (or
/// never, when `body` is `None`), and sends back the request it read.
fn server(status: u16, body: Option<String>) -> (String, mpsc::Receiver<String>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", l.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut s, _)) = l.accept() else { return };
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut head = String::new();
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            head.push_str(&line);
        }
        let mut buf = vec![0; len];
        r.read_exact(&mut buf).unwrap();
        let _ = tx.send(format!("{head}\r\n{}", String::from_utf8_lossy(&buf)));
        match body {
            Some(b) => {
                let _ = write!(
                    s,
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                    b.len()
                );
            }
            None => std::thread::sleep(Duration::from_secs(30)),
        }
    });
    (url, rx)
}

fn apidiff(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("APIDIFF_LLM_URL", url)
        .env("APIDIFF_LLM_MODEL", "test-model")
        .env("APIDIFF_LLM_API_KEY", PLANTED_KEY)
        .env("APIDIFF_LLM_TIMEOUT_MS", "1500")
        .env("MY_SERVICE_TOKEN", "env-secret-value-123")
        .output()
        .unwrap()
}

fn completion() -> String {
    let content = serde_json::json!({
        "summary": "One endpoint was removed; clients calling it break.",
        "suggestions": ["Stop calling GET /keys/...", "Pin the old API version"],
        "severity_recommendation": "breaking",
    });
    serde_json::json!({"model": "test-model", "choices": [{"message": {"role": "assistant", "content": content.to_string()}}]}).to_string()
}

#[test]
fn model_answer_lands_in_report_and_nothing_secret_is_sent() {
    let d = tempfile::tempdir().unwrap();
    specs(d.path());
    let (url, rx) = server(200, Some(completion()));
    let o = apidiff(d.path(), &url, &["diff", "base.yaml", "rev.yaml", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ai = &report["ai"];
    assert_eq!(ai["summary"], "One endpoint was removed; clients calling it break.");
    assert_eq!(ai["suggestions"].as_array().unwrap().len(), 2);
    assert_eq!(ai["severity_recommendation"], "breaking");
    assert_eq!(ai["model"], "test-model");

    let req = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(req.starts_with("POST /v1/chat/completions "), "{req}");
    assert!(req.contains(&format!("Bearer {PLANTED_KEY}")), "the key goes in the header");
    let body = req.split_once("\r\n\r\n").unwrap().1;
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["model"], "test-model");
    assert!(body.contains("endpoint-removed"), "{body}");
    for secret in [PLANTED_HEX, PLANTED_KEY, PLANTED_DESC, "hunter2", "abcdefsecret", "env-secret-value-123"] {
        assert!(!body.contains(secret), "`{secret}` was sent: {body}");
    }

    let (url, _rx) = server(200, Some(completion()));
    let o = apidiff(d.path(), &url, &["diff", "base.yaml", "rev.yaml"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("AI summary (model test-model): One endpoint was removed"), "{text}");
    assert!(text.contains("Pin the old API version"), "{text}");
    assert_eq!(o.status.code(), Some(1));

    let (url, _rx) = server(200, Some(completion()));
    let o = apidiff(d.path(), &url, &["diff", "base.yaml", "rev.yaml", "-f", "markdown"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("**AI summary (model test-model):**"));
    let (url, _rx) = server(200, Some(completion()));
    let o = apidiff(d.path(), &url, &["diff", "base.yaml", "rev.yaml", "-f", "html"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("<b>AI summary (model test-model):</b>"));
}

#[test]
fn server_error_falls_back_without_changing_the_exit_code() {
    let d = tempfile::tempdir().unwrap();
    specs(d.path());
    let (url, _rx) = server(500, Some("{\"error\": \"boom\"}".into()));
    let o = apidiff(d.path(), &url, &["diff", "base.yaml", "rev.yaml", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report.get("ai").is_none(), "{report}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("note: no AI summary (the model endpoint answered HTTP 500)"), "{err}");

    // Bad JSON inside a 200 is a fallback too.
    let bad = serde_json::json!({"choices": [{"message": {"content": "I think it's fine"}}]}).to_string();
    let (url, _rx) = server(200, Some(bad));
    let o = apidiff(d.path(), &url, &["diff", "base.yaml", "rev.yaml", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report.get("ai").is_none());

    // Unreachable: nothing listens on the port any more.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let o = apidiff(d.path(), &format!("http://127.0.0.1:{port}/v1"), &["diff", "base.yaml", "rev.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("AI summary"));
}

#[test]
fn hanging_model_falls_back_within_the_timeout() {
    let d = tempfile::tempdir().unwrap();
    specs(d.path());
    let (url, _rx) = server(200, None);
    let start = Instant::now();
    let o = apidiff(d.path(), &url, &["diff", "base.yaml", "rev.yaml", "-f", "json"]);
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report.get("ai").is_none());
    assert!(String::from_utf8_lossy(&o.stderr).contains("did not answer in time"));
}

#[test]
fn check_gets_the_summary_too_and_keeps_its_exit_code() {
    let d = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(d.path())
            .env("GIT_AUTHOR_NAME", "a")
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "a")
            .env("GIT_COMMITTER_EMAIL", "a@example.com")
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "commit.gpgsign", "false"]);
    std::fs::write(d.path().join("apidiff.yaml"), "modules:\n  - name: api\n    specs: ['base.yaml']\n").unwrap();
    specs(d.path());
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "initial"]);
    std::fs::copy(d.path().join("rev.yaml"), d.path().join("base.yaml")).unwrap();

    let (url, rx) = server(200, Some(completion()));
    let o = apidiff(d.path(), &url, &["check", "--base", "HEAD", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ai"]["model"], "test-model");
    let req = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(!req.contains(PLANTED_HEX) && !req.contains("hunter2"), "{req}");

    let (url, _rx) = server(500, Some("{}".into()));
    let o = apidiff(d.path(), &url, &["check", "--base", "HEAD", "-f", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report.get("ai").is_none());
}
