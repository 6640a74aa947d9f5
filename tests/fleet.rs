//! Several `apidiff serve` replicas on one Postgres store (issue #29): entries registered through
//! one are visible through another at once (LISTEN/NOTIFY), an alert both see fires once (claims
//! in the database), every request is audited once, a rate limit holds for both together; and history pages over 100,000 entries are
//! index scans. Against the real PostgreSQL and SMTP sink scripts/test starts; with `CI=true` a
//! missing service is a failure, locally the tests skip with a note.

#![cfg(all(feature = "postgres", feature = "server"))]
#![allow(clippy::print_stderr)]

mod common_server;
mod common_service;

use apidiff::server::auth::Role;
use apidiff::store::fleet::{PageQuery, Verdict};
use common_server::{SECRET, request, token};
use common_service::service;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A store URL on the test database with a schema of its own.
fn pg_url(name: &str) -> Option<(String, String)> {
    let base = service("APIDIFF_TEST_PG_URL")?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let schema = format!("t_{name}_{}_{nanos}", std::process::id());
    Some((format!("{base}?schema={schema}"), schema))
}

fn sql(schema: &str, text: &str) {
    let base = std::env::var("APIDIFF_TEST_PG_URL").unwrap();
    let mut c = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    c.batch_execute(&format!("SET search_path TO {schema}; {text}")).unwrap_or_else(|e| panic!("{text}: {e}"));
}

/// One `apidiff serve` process; killed on drop.
struct Replica {
    child: Child,
    addr: SocketAddr,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    fn start(root: &Path, store: &str) -> Replica {
        let mut child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
            .args(["serve", "--listen", "127.0.0.1:0", "--store", store, "--root"])
            .arg(root)
            .env("APIDIFF_JWT_SECRET", SECRET)
            .env_remove("APIDIFF_STORE")
            .env_remove("DATABASE_URL")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        let addr = loop {
            let mut line = String::new();
            assert!(err.read_line(&mut line).unwrap() > 0, "serve ended before listening: {seen}");
            seen.push_str(&line);
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split(' ').next().unwrap().trim().parse().unwrap();
            }
        };
        // Keep draining its log (so it never blocks on a full pipe) for failure messages.
        let log = std::sync::Arc::new(std::sync::Mutex::new(seen));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        Replica { child, addr, log }
    }

    fn get(&self, path: &str) -> serde_json::Value {
        self.get_as(Role::Viewer, path)
    }

    fn get_as(&self, role: Role, path: &str) -> serde_json::Value {
        let r = request(self.addr, "GET", path, Some(&token(role, "someone")), None);
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }

    fn register(&self, body: &serde_json::Value) -> serde_json::Value {
        let r = request(self.addr, "POST", "/api/api-diff/register", Some(&token(Role::Developer, "dev")), Some(&body.to_string()));
        assert_eq!(r.status, 200, "register: {}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }
}

/// The users API; the revision removes its only operation (breaking).
fn spec(baseline: bool) -> String {
    if !baseline {
        return "openapi: 3.0.3\ninfo: {title: users, version: '2'}\npaths:\n  /health:\n    get:\n      responses:\n        '200': {description: ok}\n".into();
    }
    let email = "                  email: {type: string}\n";
    format!(
        "openapi: 3.0.3\ninfo: {{title: users, version: '1'}}\npaths:\n  /users/{{id}}:\n    get:\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  id: {{type: string}}\n{email}"
    )
}

fn mails_to(maildir: &Path, to: &str) -> usize {
    std::fs::read_dir(maildir.join("new"))
        .map(|d| d.flatten().filter(|e| std::fs::read_to_string(e.path()).unwrap_or_default().contains(to)).count())
        .unwrap_or(0)
}

#[test]
fn two_replicas_share_entries_alerts_and_the_audit_log() {
    let Some((store, schema)) = pg_url("fleet") else { return };
    let (Some(smtp), Some(maildir)) = (service("APIDIFF_TEST_SMTP"), service("APIDIFF_TEST_MAILDIR")) else { return };
    let dir = tempfile::tempdir().unwrap();
    let to = format!("oncall-{}@example.com", schema.replace('_', "-"));
    std::fs::write(
        dir.path().join("apidiff.yaml"),
        format!(
            "modules:\n  - name: users\n    specs: ['users/**']\nalerts:\n  channels:\n    - {{type: email, smtp: '{smtp}', tls: none, from: 'apidiff@example.com', to: ['{to}']}}\n"
        ),
    )
    .unwrap();
    let a = Replica::start(dir.path(), &store);
    let b = Replica::start(dir.path(), &store);

    // Each replica has read (and cached) the empty history before anything is registered.
    for r in [&a, &b] {
        assert_eq!(r.get("/api/api-diff/history?module=users")["items"], serde_json::json!([]));
        assert_eq!(r.get("/api/api-diff/alert")["total"], 0);
    }
    let baseline = a.register(&serde_json::json!({"module": "users", "path": "users/openapi.yaml", "spec": spec(true), "deploy": "d0"}));
    let id = baseline["entry"]["id"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        // Both caches: the history pages and the entries (`/entries/{id}` reads the latter).
        let page = b.get("/api/api-diff/history?module=users");
        let listed = page["items"].as_array().unwrap().iter().any(|e| e["id"] == id.as_str());
        let r = request(b.addr, "GET", &format!("/api/api-diff/entries/{id}"), Some(&token(Role::Viewer, "v")), None);
        if listed && r.status == 200 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "entry {id} registered through one replica not visible through the other after 1 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // The same breaking change reaches both replicas at once (two pipelines deploying it): two
    // entries, one alert.
    let revision =
        |deploy: &str| serde_json::json!({"module": "users", "path": "users/openapi.yaml", "spec": spec(false), "deploy": deploy});
    let (ra, rb) = std::thread::scope(|s| {
        let ja = s.spawn(|| a.register(&revision("d1")));
        let jb = s.spawn(|| b.register(&revision("d2")));
        (ja.join().unwrap(), jb.join().unwrap())
    });
    assert_eq!(ra["recorded"], true, "{ra}");
    assert!(ra["entry"]["counts"]["breaking"].as_u64().unwrap() > 0, "{ra}");
    assert_eq!(rb["recorded"], true, "{rb}");
    let maildir = Path::new(&maildir);
    let start = Instant::now();
    while mails_to(maildir, &to) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no alert reached the SMTP sink\n--- a\n{}\n--- b\n{}",
            a.log.lock().unwrap(),
            b.log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Time for a second delivery to show up, were there one.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(mails_to(maildir, &to), 1, "the alert fired once across both replicas");

    // Every API request was audited once, by the replica that served it.
    let before = b.get_as(Role::Admin, "/api/api-diff/audit?limit=5000");
    let count = |v: &serde_json::Value, p: &str| {
        v["items"].as_array().unwrap().iter().filter(|e| e["action"] == "access" && e["details"]["path"] == p).count()
    };
    let n0 = count(&before, "/api/api-diff/me");
    for i in 0..10 {
        let r = if i % 2 == 0 { &a } else { &b };
        r.get("/api/api-diff/me");
    }
    let start = Instant::now();
    loop {
        let n = count(&a.get_as(Role::Admin, "/api/api-diff/audit?limit=5000"), "/api/api-diff/me");
        if n >= n0 + 10 || start.elapsed() > Duration::from_secs(5) {
            assert_eq!(n, n0 + 10, "ten requests, ten access events");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    // The deep health check's limit is the fleet's: requests spread over both replicas (each
    // under its own limit) get HEALTH_PER_MINUTE answers a minute in all, not twice that.
    let per_minute = apidiff::server::HEALTH_PER_MINUTE;
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // The limit counts per clock minute: start early enough in one to finish within it.
    while now() % 60 > 40 {
        std::thread::sleep(Duration::from_millis(200));
    }
    let m0 = now() / 60;
    let ok = (0..2 * per_minute)
        .filter(|i| {
            let r = if i % 2 == 0 { &a } else { &b };
            let resp = request(r.addr, "GET", "/api/api-diff/health", Some(&token(Role::Admin, "admin")), None);
            assert!(resp.status == 200 || resp.status == 429, "{}: {}", resp.status, resp.body);
            resp.status == 200
        })
        .count();
    assert_eq!(now() / 60, m0, "the health checks took more than 20 s");
    assert_eq!(ok, per_minute, "deep health checks answered in one minute across both replicas");
}

/// 100,000 entries written straight into the tables (one `INSERT … SELECT generate_series`).
fn bulk_entries(schema: &str, n: usize) {
    sql(
        schema,
        &format!(
            "INSERT INTO modules (name, first_seen) SELECT 'm' || i, '2025-01-01T00:00:00.000Z' FROM generate_series(0, 9) i;
             INSERT INTO modules (name, first_seen) VALUES ('rare', '2025-01-01T00:00:00.000Z');
             INSERT INTO spec_blobs (hash, bytes, size) VALUES ('h0', '\\x7b7d', 2);
             INSERT INTO diffs (id, key, time, module, spec, format, snapshot, previous, deploy, author, message, risk, breaking, warnings, infos, run, raw)
             SELECT id, 'records/entries/' || id || '.json', t, m, 'a.yaml', 'openapi', 'h0', NULL, NULL, NULL, NULL, 'low', b, w, 0, 'r',
                    convert_to(json_build_object('version', 1, 'id', id, 'time', t, 'module', m, 'spec', 'a.yaml', 'format', 'openapi',
                        'snapshot', 'h0', 'previous', NULL, 'deploy', NULL, 'author', NULL, 'message', NULL, 'risk', 'low',
                        'counts', json_build_object('breaking', b, 'warning', w, 'info', 0), 'changes', '[]'::json,
                        'dependants', '[]'::json, 'run', 'r')::text, 'UTF8')
             FROM (SELECT md5(g::text) AS id, CASE WHEN g % 1000 = 0 THEN 'rare' ELSE 'm' || (g % 10) END AS m, (g % 7 = 0)::int AS b, (g % 5 = 0)::int AS w,
                          to_char(timestamp '2025-01-01' + (g / 3) * interval '1 second', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS t
                   FROM generate_series(1, {n}) g) s;
             ANALYZE diffs;"
        ),
    );
}

#[test]
fn history_pages_are_index_scans_over_100k_entries() {
    let Some((url, schema)) = pg_url("pages") else { return };
    let pg = apidiff::store::postgres::PgStore::open(&url).unwrap();
    apidiff::store::Store::create(&pg).unwrap();
    bulk_entries(&schema, 100_000);

    let first = PageQuery { limit: 51, ..PageQuery::default() };
    let plan = pg.explain_history(&first).unwrap().join("\n");
    assert!(plan.contains("Index Scan Backward using diffs_time_id_idx"), "{plan}");
    assert!(!plan.contains("Seq Scan") && !plan.contains("Sort"), "{plan}");
    // A module with one entry in 1,000 reads its own index; a common one may take either.
    let rare = PageQuery { module: Some("rare".into()), limit: 51, ..PageQuery::default() };
    let plan = pg.explain_history(&rare).unwrap().join("\n");
    assert!(plan.contains("Index Scan Backward using diffs_module_time_id_idx"), "{plan}");
    assert!(!plan.contains("Seq Scan") && !plan.contains("Sort"), "{plan}");
    let by_module = PageQuery { module: Some("m3".into()), limit: 51, ..PageQuery::default() };
    let plan = pg.explain_history(&by_module).unwrap().join("\n");
    assert!(plan.contains("Index Scan Backward") && !plan.contains("Seq Scan") && !plan.contains("Sort"), "{plan}");

    // The pages are the ones the in-memory history gives, cursor after cursor.
    let archive = apidiff::store::Archive::new(Box::new(pg));
    let all = archive.entries().unwrap();
    assert_eq!(all.len(), 100_000);
    for q in [
        first,
        rare,
        by_module,
        PageQuery { module: Some("m5".into()), verdict: Some(Verdict::Warning), limit: 20, ..PageQuery::default() },
    ] {
        let mut q = q;
        for _ in 0..3 {
            let page = archive.history_page(&q).unwrap().unwrap();
            let want: Vec<&str> = q.page(&all).iter().map(|e| e.id.as_str()).collect();
            let got: Vec<&str> = page.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(got, want, "{q:?}");
            assert!(!got.is_empty(), "{q:?}");
            if got.len() < q.limit {
                break;
            }
            let last = page.last().unwrap();
            q.before = Some((last.time.clone(), last.id.clone()));
        }
        let plan = apidiff::store::postgres::PgStore::open(&url).unwrap().explain_history(&q).unwrap().join("\n");
        // A later page starts at its cursor in the index (for a rare module, the few rows
        // before the cursor may be sorted after a bitmap scan of the module's index).
        assert!(plan.contains("Index Cond") && plan.contains("_time_id_idx") && !plan.contains("Seq Scan"), "{plan}");
    }
}
