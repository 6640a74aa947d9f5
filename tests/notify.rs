//! Alerts against real local receivers: HTTP receivers started here (signature check, retries,
//! a receiver that never answers), the aiosmtpd sinks of scripts/services-mail.sh (plain and
//! STARTTLS), and `apidiff check` end to end in a temporary git repository with two modules.

#![allow(clippy::print_stderr)] // a local skip says why

use apidiff::config;
use apidiff::notify::{self, Context, Notice, Retry, Secrets, webhook};
use apidiff::store::Counts;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One HTTP request as the receiver saw it.
#[derive(Debug, Clone)]
struct Req {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A receiver on 127.0.0.1:0: `respond(n, req)` gives the status for the n-th request (0-based),
/// or `None` to never answer.
fn receiver(respond: impl Fn(usize, &Req) -> Option<u16> + Send + 'static) -> (String, Arc<Mutex<Vec<Req>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(req) = read_request(&mut stream) else { continue };
            let n = {
                let mut l = log.lock().unwrap();
                l.push(req.clone());
                l.len() - 1
            };
            match respond(n, &req) {
                Some(status) => {
                    let _ = write!(stream, "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
                }
                None => held.push(stream), // keep it open, never answer
            }
        }
    });
    (url, seen)
}

fn read_request(stream: &mut TcpStream) -> Option<Req> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut r = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Req { headers, body })
}

fn channel(yaml: &str) -> config::Channel {
    let c = config::parse("apidiff.yaml", &format!("alerts:\n  channels:\n    - {yaml}\n")).unwrap();
    c.alerts.channels.into_iter().next().unwrap()
}

fn alert() -> Notice {
    Notice {
        key: notify::alert_key("users", &["f1"]),
        module: "users".into(),
        counts: Counts { breaking: 1, warning: 0, info: 0 },
        changes: Vec::new(),
        owners: vec!["@team-users".into(), "alice@example.com".into()],
        impacted: vec!["web".into()],
        commit: Some("0123456789abcdef".into()),
        commit_url: None,
        report_url: Some("https://ci.example/report".into()),
        time: "2026-11-26T00:00:00.000Z".into(),
    }
}

fn ctx(secrets: &[(&str, &str)]) -> Context {
    Context {
        secrets: Secrets(secrets.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
        unix: 1_764_000_000,
        time: "2026-11-26T00:00:00.000Z".into(),
        ..Context::default()
    }
}

const FAST: Retry = Retry { tries: 3, backoff: Duration::from_millis(50), timeout: Duration::from_secs(5) };

#[test]
fn webhook_body_is_signed_and_versioned() {
    let (url, seen) = receiver(|_, req| {
        let ts = req.header("x-apidiff-timestamp").unwrap_or("");
        let ok = req.header("x-apidiff-signature") == Some(webhook::signature("s3cret", ts, &req.body).as_str());
        Some(if ok { 200 } else { 401 })
    });
    let ch = channel(&format!("{{type: webhook, url: '{url}', secret_env: HOOK_SECRET}}"));
    let (n, err) = notify::deliver(&ch, &alert(), &ctx(&[("HOOK_SECRET", "s3cret")]), FAST);
    assert_eq!((n, err), (1, None));
    let req = seen.lock().unwrap()[0].clone();
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(body["schema_version"], "1");
    assert_eq!(body["event"], "apidiff.changes");
    assert_eq!(body["module"], "users");
    assert_eq!(req.header("idempotency-key"), Some(alert().key.as_str()));
    assert_eq!(req.header("x-apidiff-timestamp"), Some("1764000000"));
    // A wrong secret is rejected by the receiver: the delivery fails after its tries.
    let (n, err) = notify::deliver(&ch, &alert(), &ctx(&[("HOOK_SECRET", "wrong")]), FAST);
    assert_eq!(n, 3);
    assert!(err.unwrap().contains("401"));
    // A named but unset secret never sends unsigned.
    let (n, err) = notify::deliver(&ch, &alert(), &ctx(&[]), FAST);
    assert_eq!(n, 0);
    assert!(err.unwrap().contains("HOOK_SECRET"));
}

#[test]
fn retries_until_the_receiver_recovers() {
    let (url, seen) = receiver(|n, _| Some(if n < 2 { 503 } else { 200 }));
    let ch = channel(&format!("{{type: push, url: '{url}', tags: [api]}}"));
    let start = Instant::now();
    let (n, err) = notify::deliver(&ch, &alert(), &ctx(&[]), FAST);
    assert_eq!((n, err), (3, None));
    assert!(start.elapsed() >= Duration::from_millis(150), "backoff 50 + 100 ms");
    let reqs = seen.lock().unwrap();
    assert_eq!(reqs.len(), 3);
    let r = &reqs[2];
    assert!(r.header("title").unwrap().contains("module users"));
    assert_eq!(r.header("priority"), Some("high"));
    assert!(r.header("tags").unwrap().contains("api"));
    assert!(String::from_utf8_lossy(&r.body).contains("Owners: @team-users"));
}

#[test]
fn a_receiver_that_never_answers_times_out() {
    let (url, seen) = receiver(|_, _| None);
    let ch = channel("{type: slack, webhook_url_env: SLACK_URL}");
    let retry = Retry { tries: 2, backoff: Duration::from_millis(10), timeout: Duration::from_millis(400) };
    let start = Instant::now();
    let (n, err) = notify::deliver(&ch, &alert(), &ctx(&[("SLACK_URL", &url)]), retry);
    let err = err.unwrap();
    assert_eq!(n, 2);
    assert!(err.contains("timed out"), "{err}");
    assert!(!err.contains("127.0.0.1"), "webhook URLs are secrets: {err}");
    assert!(start.elapsed() < Duration::from_secs(4));
    let body: serde_json::Value = serde_json::from_slice(&seen.lock().unwrap()[0].body).unwrap();
    assert!(body["blocks"].as_array().unwrap().len() >= 3);
}

/// The SMTP sinks, or `None` locally when scripts/services-mail.sh was not sourced. In CI a
/// missing sink is a failure, not a skip.
fn smtp() -> Option<(String, String, PathBuf, PathBuf, PathBuf)> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (
        get("APIDIFF_TEST_SMTP"),
        get("APIDIFF_TEST_SMTP_TLS"),
        get("APIDIFF_TEST_SMTP_CA"),
        get("APIDIFF_TEST_MAILDIR"),
        get("APIDIFF_TEST_MAILDIR_TLS"),
    ) {
        (Some(a), Some(b), Some(c), Some(d), Some(e)) => Some((a, b, c.into(), d.into(), e.into())),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but APIDIFF_TEST_SMTP* are not set: source scripts/services-mail.sh"
            );
            eprintln!("skipping: APIDIFF_TEST_SMTP not set (source scripts/services-mail.sh)");
            None
        }
    }
}

fn mails(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir.join("new"))
        .map(|d| d.flatten().map(|e| std::fs::read_to_string(e.path()).unwrap_or_default()).collect())
        .unwrap_or_default()
}

fn unique(tag: &str) -> String {
    format!("{tag}-{}-{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

#[test]
fn email_over_plain_smtp_and_starttls() {
    let Some((plain, tls, ca, maildir, maildir_tls)) = smtp() else { return };
    for (server, security, dir) in [(plain, "none", maildir), (tls, "starttls", maildir_tls)] {
        let mut a = alert();
        a.module = unique("mail");
        let ch = channel(&format!(
            "{{type: email, smtp: '{server}', tls: {security}, from: 'apidiff@example.com', to: ['oncall@example.com'], ca_file_env: CA}}"
        ));
        let (n, err) = notify::deliver(&ch, &a, &ctx(&[("CA", ca.to_str().unwrap())]), FAST);
        assert_eq!((n, err), (1, None), "{security}");
        let found: Vec<String> = mails(&dir).into_iter().filter(|m| m.contains(&a.module)).collect();
        assert_eq!(found.len(), 1, "{security}: one mail in {}", dir.display());
        let m = &found[0];
        assert!(m.contains("oncall@example.com") && m.contains("alice@example.com"), "owners that are addresses are recipients");
        assert!(m.contains("text/plain") && m.contains("text/html"));
    }
    // Without the test CA the STARTTLS server's certificate is not trusted.
    let Some((_, tls, _, _, _)) = smtp() else { return };
    let ch = channel(&format!("{{type: email, smtp: '{tls}', from: 'apidiff@example.com', to: ['x@example.com']}}"));
    let (_, err) = notify::deliver(&ch, &alert(), &ctx(&[]), Retry { tries: 1, ..FAST });
    assert!(err.is_some());
}

// ---- end to end: `apidiff check` in a real git repository ----

const ENV: &[(&str, &str)] = &[
    ("GIT_AUTHOR_NAME", "Alice"),
    ("GIT_AUTHOR_EMAIL", "alice@example.com"),
    ("GIT_COMMITTER_NAME", "Bob"),
    ("GIT_COMMITTER_EMAIL", "bob@example.com"),
    ("NO_COLOR", "1"),
];

fn sh(dir: &Path, prog: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let o = Command::new(prog)
        .args(args)
        .current_dir(dir)
        .envs(ENV.iter().copied())
        .envs(env.iter().copied())
        .env_remove("CI")
        .output()
        .unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn users_spec(extra_path: bool, with_email: bool) -> String {
    let email = if with_email {
        "                  email: {type: string}\n                required: [id, email]\n"
    } else {
        "                required: [id]\n"
    };
    let extra = if extra_path { "  /health:\n    get:\n      responses:\n        '200': {description: ok}\n" } else { "" };
    format!(
        "openapi: 3.0.3\ninfo: {{title: users, version: '1'}}\npaths:\n  /users/{{id}}:\n    get:\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  id: {{type: string}}\n{email}{extra}"
    )
}

#[test]
fn check_alerts_provider_and_dependant_owners_once() {
    let (url, seen) = receiver(|_, _| Some(200));
    let smtp = smtp();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let email = match &smtp {
        Some((server, _, _, _, _)) => format!("    - {{type: email, smtp: '{server}', tls: none, from: 'apidiff@example.com'}}\n"),
        None => String::new(),
    };
    w(
        "apidiff.yaml",
        &format!(
            "modules:\n  - name: users\n    specs: ['services/users/*.yaml']\n    owners: ['@team-users']\n  - name: web\n    specs: ['web/*.yaml']\n    owners: ['@team-web', 'web-lead@example.com']\n    depends_on:\n      - module: users\n        uses: ['GET /users/{{id}}']\nalerts:\n  channels:\n    - {{type: webhook, url: '{url}', secret_env: APIDIFF_E2E_SECRET}}\n{email}"
        ),
    );
    w(".github/CODEOWNERS", "services/users/ alice@example.com\n");
    w("services/users/openapi.yaml", &users_spec(false, true));
    w("web/openapi.yaml", "openapi: 3.0.3\ninfo: {title: web, version: '1'}\npaths: {}\n");
    let env = [("APIDIFF_E2E_SECRET", "k")];
    sh(root, "git", &["init", "-q", "-b", "main"], &[]);
    sh(root, "git", &["add", "-A"], &[]);
    sh(root, "git", &["commit", "-qm", "base"], &[]);
    let bin = env!("CARGO_BIN_EXE_apidiff");
    let (code, _, err) = sh(root, bin, &["check", "--record"], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(seen.lock().unwrap().len(), 0, "a baseline announces nothing");

    // A non-breaking change (a new endpoint) alerts nobody at the default threshold.
    w("services/users/openapi.yaml", &users_spec(true, true));
    let (code, _, err) = sh(root, bin, &["check", "--record"], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(seen.lock().unwrap().len(), 0, "{err}");

    // A breaking change of what `web` uses: one alert naming both modules' owners.
    w("services/users/openapi.yaml", &users_spec(true, false));
    let (code, out, err) = sh(root, bin, &["check", "-f", "json"], &env);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let change = &report["changes"][0];
    assert_eq!(change["impact"][0]["module"], "web", "{out}");
    assert_eq!(report["alerts"][0]["status"], "sent", "{out}");
    {
        let reqs = seen.lock().unwrap();
        assert_eq!(reqs.len(), 1, "{err}");
        let body: serde_json::Value = serde_json::from_slice(&reqs[0].body).unwrap();
        let owners: Vec<&str> = body["owners"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        for o in ["@team-users", "alice@example.com", "@team-web", "web-lead@example.com"] {
            assert!(owners.contains(&o), "{o} missing from {owners:?}");
        }
        assert_eq!(body["impacted_modules"], serde_json::json!(["web"]));
        let ts = reqs[0].header("x-apidiff-timestamp").unwrap();
        assert_eq!(reqs[0].header("x-apidiff-signature").unwrap(), webhook::signature("k", ts, &reqs[0].body));
    }
    // Rerunning (and recording) announces nothing again.
    let (code, _, err) = sh(root, bin, &["check", "--record"], &env);
    assert_eq!(code, 1, "{err}");
    let (_, _, _) = sh(root, bin, &["check"], &env);
    assert_eq!(seen.lock().unwrap().len(), 1, "deduped by fingerprint");
    if let Some((_, _, _, maildir, _)) = &smtp {
        let found: Vec<String> = mails(maildir)
            .into_iter()
            .filter(|m| m.contains("web-lead@example.com") && m.contains("alice@example.com") && m.contains("users"))
            .collect();
        assert!(!found.is_empty(), "the email reached the provider's and the dependant's owners");
    }

    // The records: the entry names its assignees; the alert is in the store and the audit log.
    let entries: Vec<serde_json::Value> = std::fs::read_dir(root.join(".apidiff/records/entries"))
        .unwrap()
        .flatten()
        .map(|e| serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap())
        .collect();
    assert!(entries.iter().any(|e| e["owners"].as_array().is_some_and(|o| o.iter().any(|x| x == "@team-web"))));
    let alerts = std::fs::read_dir(root.join(".apidiff/records/alerts")).unwrap().count();
    assert_eq!(alerts, if smtp.is_some() { 2 } else { 1 });
    let (code, out, _) = sh(root, bin, &["summary", "--module", "users"], &env);
    assert_eq!(code, 0);
    assert!(out.contains("web: affected"), "{out}");
}

#[test]
fn graphql_entities_and_client_operations_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "apidiff.yaml",
        "modules:\n  - name: accounts\n    specs: ['subgraphs/accounts/*.graphql']\n    owners: ['@accounts']\n  - name: reviews\n    specs: ['subgraphs/reviews/*.graphql']\n    owners: ['@reviews']\n",
    );
    let accounts = "type Query { me: User\n legacy: Int }\ntype User @key(fields: \"id\") { id: ID!\n email: String\n name: String }\n";
    w("subgraphs/accounts/schema.graphql", accounts);
    w(
        "subgraphs/reviews/schema.graphql",
        "type Query { top: [Review] }\ntype Review { body: String }\ntype User @key(fields: \"id\") { id: ID!\n reviews: [Review] }\n",
    );
    w("web/queries.graphql", "# client\n\nquery Me {\n  me { id email }\n}\n");
    w("web/app.tsx", "import { gql } from '@apollo/client';\n\nexport const NAME = gql`\n  query Name { me { name } }\n`;\n");
    sh(root, "git", &["init", "-q", "-b", "main"], &[]);
    let bin = env!("CARGO_BIN_EXE_apidiff");
    let (_, out, _) = sh(root, bin, &["discover"], &[]);
    assert!(!out.contains("web/queries.graphql") || out.contains("client document"), "operation documents are not specs: {out}");
    let (code, _, err) = sh(root, bin, &["check", "--record"], &[]);
    assert_eq!(code, 0, "{err}");
    w(
        "subgraphs/accounts/schema.graphql",
        &accounts.replace(" email: String\n", "").replace("\n legacy: Int", "").replace("\n name: String", ""),
    );
    let (code, out, err) = sh(root, bin, &["check", "-f", "json"], &[]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changes = report["changes"].as_array().unwrap();
    let email = changes.iter().find(|c| c["message"].as_str().unwrap_or("").contains("User.email")).expect("User.email change");
    assert_eq!(email["impact"][0]["module"], "reviews", "shared @key entity: {email}");
    assert_eq!(email["impact"][0]["via"], "entity");
    assert_eq!(
        email["clients"],
        serde_json::json!([{"file": "web/queries.graphql", "line": 3, "operation": "Me", "broken": true, "error": email["clients"][0]["error"]}])
    );
    let legacy = changes.iter().find(|c| c["message"].as_str().unwrap_or("").contains("legacy")).expect("Query.legacy change");
    assert_eq!(legacy["severity"], "breaking");
    assert_eq!(legacy["clients"], serde_json::json!([]), "no known client uses it");
    let name = changes.iter().find(|c| c["message"].as_str().unwrap_or("").contains("User.name")).expect("User.name change");
    assert_eq!(
        (&name["clients"][0]["file"], &name["clients"][0]["line"], &name["clients"][0]["operation"]),
        (&"web/app.tsx".into(), &4.into(), &"Name".into()),
        "{name}"
    );
    assert_eq!(name["clients"].as_array().unwrap().len(), 1, "Me does not select name");
}
