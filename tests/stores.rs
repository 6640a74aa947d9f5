//! The Postgres and S3 stores against the real services scripts/test starts (PostgreSQL and
//! moto), running the built binary in temporary git repositories. With `CI=true` a missing
//! service is a failure; locally the service tests skip with a note.

#![cfg(all(feature = "postgres", feature = "s3"))]
#![allow(clippy::print_stderr)]

mod common_repo;
mod common_service;

use apidiff::store::postgres::MIGRATIONS;
use common_repo::{ENV, Repo};
use common_service::service;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Env vars the binary must not inherit from the developer's shell.
const CLEAR: &[&str] = &["APIDIFF_STORE", "APIDIFF_MIRROR", "DATABASE_URL"];

// ---------------------------------------------------------------------------------------------
// Services.

/// The names of every migration, as the store reports applying them.
fn migrations() -> String {
    MIGRATIONS.iter().map(|m| m.1).collect::<Vec<_>>().join(", ")
}

fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{name}_{}_{nanos}", std::process::id())
}

/// A Postgres store URL with a schema of its own (dropped first if a previous run left it).
struct Pg {
    base: String,
    schema: String,
}

impl Pg {
    fn new(name: &str) -> Option<Pg> {
        let base = service("APIDIFF_TEST_PG_URL")?;
        Some(Pg::at(&base, name))
    }

    fn at(base: &str, name: &str) -> Pg {
        let pg = Pg { base: base.to_string(), schema: unique(&format!("t_{name}")) };
        pg.sql(&format!("DROP SCHEMA IF EXISTS {} CASCADE", pg.schema));
        pg
    }

    fn url(&self) -> String {
        format!("{}?schema={}", self.base, self.schema)
    }

    fn client(&self) -> postgres::Client {
        let mut c = postgres::Client::connect(&self.base, postgres::NoTls).expect("connect to the test database");
        c.batch_execute(&format!("SET search_path TO {}", self.schema)).unwrap();
        c
    }

    fn sql(&self, sql: &str) {
        self.client().batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    fn count(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
    }

    fn has(&self, kind: &str, name: &str) -> bool {
        let sql = match kind {
            "table" => "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
            _ => "SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = $2",
        };
        let n: i64 = self.client().query_one(sql, &[&self.schema, &name]).unwrap().get(0);
        n == 1
    }
}

fn s3(name: &str) -> Option<String> {
    let _ = service("APIDIFF_TEST_S3_ENDPOINT")?;
    let bucket = service("APIDIFF_TEST_S3_BUCKET")?;
    Some(format!("s3://{bucket}/{}", unique(name).replace('_', "-")))
}

fn s3_settings() -> BTreeMap<String, String> {
    let mut s = BTreeMap::new();
    for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] {
        if let Ok(v) = std::env::var(k) {
            s.insert(k.to_string(), v);
        }
    }
    if let Ok(v) = std::env::var("APIDIFF_TEST_S3_ENDPOINT") {
        s.insert("APIDIFF_S3_ENDPOINT".into(), v);
    }
    s
}

/// Every key of a store with its sha256, through the library.
fn contents(url: &str, root: &Path) -> BTreeMap<String, String> {
    let store = apidiff::store::open_with(url, root, &s3_settings()).unwrap();
    apidiff::store::copy::all_keys(store.as_ref())
        .unwrap()
        .into_iter()
        .map(|k| {
            let bytes = store.get(&k).unwrap().unwrap();
            (k, apidiff::spec::bundle::sha256_hex(&bytes))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Repositories and runs.

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

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apidiff"));
    c.args(args).current_dir(dir).envs(ENV.iter().copied()).envs(s3_settings());
    for k in CLEAR {
        c.env_remove(k);
    }
    c
}

fn finish(o: Output) -> Run {
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

impl Repo {
    fn run(&self, args: &[&str]) -> Run {
        finish(command(self.path(), args).output().unwrap())
    }

    /// Runs with `--store URL` appended.
    fn at(&self, store: &str, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--store", store]);
        self.run(&all)
    }
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

fn users(with_lookup: bool) -> String {
    let lookup = if with_lookup {
        "  /users/{id}:\n    get:\n      operationId: getUser\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: a user}\n"
    } else {
        ""
    };
    format!(
        "openapi: 3.0.3\ninfo: {{title: Users, version: '1'}}\npaths:\n  /users:\n    get:\n      operationId: listUsers\n      responses:\n        '200': {{description: users}}\n{lookup}  /health:\n    get:\n      responses:\n        '200': {{description: ok}}\n"
    )
}

const ORDERS: &str = r#"{"openapi": "3.0.3", "info": {"title": "Orders", "version": "1"}, "paths": {"/orders": {"get": {"responses": {"200": {"description": "orders"}}}}}}"#;
const CONFIG: &str = "modules:\n  - name: users\n    specs: ['services/users/*.yaml']\n  - name: orders\n    specs: ['services/orders/*.json']\n    depends_on:\n      - module: users\n        uses: ['GET /users/{id}']\n";

fn seeded() -> Repo {
    let r = Repo::new();
    r.write("apidiff.yaml", CONFIG);
    r.write(
        "services/users/openapi.yaml",
        &users(true).replace("  /health:\n    get:\n      responses:\n        '200': {description: ok}\n", ""),
    );
    r.write("services/orders/openapi.json", ORDERS);
    r.commit("initial API");
    r
}

// ---------------------------------------------------------------------------------------------
// The check / history / rollback flow, the same on every backend.

fn scenario(store: &str) {
    let r = seeded();
    let out = r.at(store, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no apidiff store") && out.stderr.contains("check --record"), "{out:?}");

    let out = r.at(store, &["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Recorded a baseline: 2 specs in 2 modules"), "{out:?}");

    r.write("services/users/openapi.yaml", &users(true));
    let good = r.commit("add health endpoint");
    let out = r.at(store, &["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Recorded 1 new snapshot"), "{out:?}");
    let again = r.at(store, &["check", "--record"]);
    assert!(again.stderr.contains("Nothing to record"), "{again:?}");

    r.write("services/users/openapi.yaml", &users(false));
    let bad = r.commit("remove user lookup");
    let out = r.at(store, &["check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("/users/{id}"), "{out:?}");
    let out = r.at(store, &["check", "--record", "--format", "json"]);
    assert_eq!(out.code, 1, "{out:?}");

    let hist = json(&r.at(store, &["history", "--module", "users", "--format", "json"]).stdout);
    let hist = hist.as_array().unwrap();
    assert_eq!(hist.len(), 3, "{hist:#?}");
    let last = &hist[2];
    assert_eq!(last["deploy"], bad.as_str());
    assert_eq!(last["author"], "Alice <alice@example.com>");
    assert_eq!(last["message"], "remove user lookup");
    assert_eq!(last["risk"], "critical", "{last:#}");
    assert_eq!(last["dependants"], serde_json::json!(["orders"]));

    let id = last["id"].as_str().unwrap();
    let out = r.at(store, &["show", &id[..8]]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("-  /users/{id}:"), "{out:?}");
    let out = r.at(store, &["annotate", &id[..8], "approved by the API council"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(r.at(store, &["show", id]).stdout.contains("approved by the API council"));

    let before = r.read("services/users/openapi.yaml");
    let out = r.at(store, &["rollback", "--to", &good[..7], "--module", "users", "--preview"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(r.read("services/users/openapi.yaml"), before);
    let out = r.at(store, &["rollback", "--to", &good[..7], "--module", "users"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(r.read("services/users/openapi.yaml"), users(true));

    let audit = json(&r.at(store, &["history", "--audit", "--format", "json"]).stdout);
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "record").count(), 3, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "annotate").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "rollback").count(), 1, "{actions:?}");

    let out = r.at(store, &["doctor"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("objects  4 ok") && out.stdout.contains("health   ok"), "{out:?}");
}

#[test]
fn flow_on_the_folder_store() {
    let dir = tempfile::tempdir().unwrap();
    scenario(dir.path().join("store").to_str().unwrap());
}

#[test]
fn doctor_finds_damage_in_a_folder_store() {
    let r = seeded();
    assert_eq!(r.run(&["check", "--record"]).code, 0);
    let out = r.run(&["doctor"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("objects  2 ok") && out.stdout.contains("health   ok"), "{out:?}");
    let objects = r.path().join(".apidiff/objects/sha256");
    let first = std::fs::read_dir(&objects).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&first, b"tampered").unwrap();
    let entries = r.path().join(".apidiff/records/entries");
    let entry = std::fs::read_dir(&entries).unwrap().next().unwrap().unwrap().path();
    std::fs::write(&entry, b"{ not json").unwrap();
    let out = r.run(&["doctor"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.contains("is damaged: its bytes hash to"), "{out:?}");
    assert!(out.stdout.contains("is not a valid entry"), "{out:?}");
    assert!(out.stdout.contains("health   problems found"), "{out:?}");
}

#[test]
fn flow_on_postgres() {
    let Some(pg) = Pg::new("flow") else { return };
    scenario(&pg.url());
    // The typed tables hold what the history says.
    assert_eq!(pg.count("SELECT count(*) FROM diffs"), 4);
    assert_eq!(pg.count("SELECT count(*) FROM modules"), 2);
    assert_eq!(pg.count("SELECT count(*) FROM spec_blobs"), 4);
    assert_eq!(pg.count("SELECT count(*) FROM annotations"), 1);
    assert!(pg.count("SELECT count(*) FROM changes WHERE severity = 'breaking'") >= 1);
    assert_eq!(pg.count("SELECT count(*) FROM dependencies WHERE dependant = 'orders'"), 1);
    assert_eq!(pg.count("SELECT count(*) FROM audit_log WHERE action = 'record'"), 3);
}

#[test]
fn flow_on_s3() {
    let Some(url) = s3("flow") else { return };
    scenario(&url);
}

// ---------------------------------------------------------------------------------------------
// Schema: created on first use, repaired on start, checked by doctor.

#[test]
fn fresh_database_gets_its_schema_and_repairs_it() {
    let Some(pg) = Pg::new("schema") else { return };
    let r = seeded();
    let out = r.at(&pg.url(), &["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains(&format!("applied migrations {}", migrations())), "{out:?}");
    assert_eq!(pg.count("SELECT count(*) FROM schema_migrations"), MIGRATIONS.len() as i64);
    assert!(pg.has("table", "changes") && pg.has("index", "diffs_time_idx"));
    // The second start has nothing to do and says nothing about it.
    let out = r.at(&pg.url(), &["history"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("note:"), "{out:?}");

    // A breaking change, so the derived tables have rows to lose.
    r.write("services/users/openapi.yaml", &users(false));
    r.commit("remove user lookup");
    assert_eq!(r.at(&pg.url(), &["check", "--record"]).code, 1);
    let changes = pg.count("SELECT count(*) FROM changes");
    assert!(changes >= 1);
    assert_eq!(pg.count("SELECT count(*) FROM dependencies"), 1);

    pg.sql(
        "DROP TABLE changes; DROP TABLE modules CASCADE; DROP INDEX diffs_time_idx; ALTER TABLE diffs DROP CONSTRAINT diffs_snapshot_fkey; DROP TABLE watch_polls; DROP INDEX watch_sources_due_at_idx",
    );
    assert!(!pg.has("table", "changes") && !pg.has("table", "modules") && !pg.has("index", "diffs_time_idx"));
    let out = r.at(&pg.url(), &["history", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("repaired the schema"), "{out:?}");
    for what in [
        "table changes",
        "table modules",
        "index diffs_time_idx",
        "constraint diffs_snapshot_fkey",
        "constraint diffs_module_fkey",
        "constraint snapshots_module_fkey",
        "table watch_polls",
        "index watch_sources_due_at_idx",
        "derived rows of 3 entries",
    ] {
        assert!(out.stderr.contains(what), "{what}: {out:?}");
    }
    assert!(!out.stderr.contains("could not be repaired"), "{out:?}");
    assert!(pg.has("table", "changes") && pg.has("index", "diffs_time_idx"));
    // The recreated tables were refilled from the entries' own JSON.
    assert_eq!(pg.count("SELECT count(*) FROM changes"), changes);
    assert_eq!(pg.count("SELECT count(*) FROM modules"), 2);
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 3);
    let out = r.at(&pg.url(), &["doctor"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("schema   ok"), "{out:?}");

    // Something that cannot be repaired (a NOT NULL column on a table with rows): doctor says
    // so and exits 2; the records themselves are still readable.
    pg.sql("ALTER TABLE diffs DROP COLUMN run");
    let out = r.at(&pg.url(), &["doctor"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.contains("NOT REPAIRED: column diffs.run"), "{out:?}");
    // Doctor on a database that is gone entirely is a clear error, exit 2.
    let out = r.at("postgres://postgres@127.0.0.1:1/none", &["doctor"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("cannot connect to postgres at postgres://postgres@127.0.0.1:1/none"), "{out:?}");
}

#[test]
fn ten_runners_migrate_once() {
    let Some(pg) = Pg::new("migrate") else { return };
    let r = seeded();
    let children: Vec<_> = (0..10)
        .map(|_| {
            command(r.path(), &["history", "--audit", "--store", &pg.url()]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let runs: Vec<Run> = children.into_iter().map(|c| finish(c.wait_with_output().unwrap())).collect();
    let migrated = runs.iter().filter(|o| o.stderr.contains(&format!("applied migrations {}", migrations()))).count();
    assert_eq!(migrated, 1, "{runs:#?}");
    for o in &runs {
        assert!(!o.stderr.contains("repaired"), "{o:?}");
        assert_eq!(o.code, 2, "no store recorded yet: {o:?}");
    }
    assert_eq!(pg.count("SELECT count(*) FROM schema_migrations"), MIGRATIONS.len() as i64);
}

// ---------------------------------------------------------------------------------------------
// Mirrors, copies, exports.

fn record_history(r: &Repo, store: &str) {
    assert_eq!(r.at(store, &["check", "--record"]).code, 0);
    r.write("services/users/openapi.yaml", &users(false));
    r.commit("remove user lookup");
    assert_eq!(r.at(store, &["check", "--record"]).code, 1);
    let hist = json(&r.at(store, &["history", "-f", "json"]).stdout);
    let id = hist[2]["id"].as_str().unwrap().to_string();
    assert_eq!(r.at(store, &["annotate", &id, "known"]).code, 0);
}

#[test]
fn wiped_database_is_restored_from_the_mirror() {
    let Some(pg) = Pg::new("mirror") else { return };
    let Some(mirror) = s3("mirror") else { return };
    let r = seeded();
    r.write("apidiff.yaml", &format!("{CONFIG}store:\n  url: '{}'\n  mirror: '{mirror}'\n", pg.url()));
    r.commit("store with mirror");
    let store = pg.url();
    record_history(&r, &store);
    let before = contents(&store, r.path());
    assert_eq!(before, contents(&mirror, r.path()), "the mirror received every write");
    let hist_before = r.run(&["history", "-f", "json"]).stdout;
    let audit_before = r.run(&["history", "--audit", "-f", "json"]).stdout;

    pg.sql(&format!("DROP SCHEMA {} CASCADE", pg.schema));
    let out = r.run(&["history", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("held no history; restored it from the mirror"), "{out:?}");
    assert_eq!(out.stdout, hist_before);
    assert_eq!(r.run(&["history", "--audit", "-f", "json"]).stdout, audit_before);
    assert_eq!(contents(&store, r.path()), before);
    assert!(r.run(&["show", json(&hist_before)[2]["id"].as_str().unwrap()]).stdout.contains("known"));
    // And the mirror via the environment, a folder this time.
    let folder = r.path().join("mirror-folder");
    let out = command(r.path(), &["check", "--record", "--store", &store])
        .env("APIDIFF_MIRROR", folder.to_str().unwrap())
        .output()
        .map(finish)
        .unwrap();
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn copy_between_every_pair_of_backends_loses_nothing() {
    let Some(pg) = Pg::new("copy") else { return };
    let Some(s3a) = s3("copya") else { return };
    let pg2 = Pg::at(&pg.base, "copy2");
    let Some(s3b) = s3("copyb") else { return };
    let r = seeded();
    let fs1 = r.path().join("fs1").to_str().unwrap().to_string();
    let fs2 = r.path().join("fs2").to_str().unwrap().to_string();
    record_history(&r, &fs1);
    // Usage batches travel like every other record.
    r.write("access.log", "10.0.0.1 - - [06/Dec/2026:10:00:00 +0000] \"GET /users HTTP/1.1\" 200 9 \"-\" \"web/1\"\n");
    let out = r.at(&fs1, &["usage", "ingest", "access.log"]);
    assert_eq!(out.code, 0, "{out:?}");
    // fs → pg → s3 → fs2 → s3b → pg2 → fs1 (every ordered pair of kinds appears).
    let chain = [fs1.clone(), pg.url(), s3a.clone(), fs2, s3b, pg2.url(), fs1];
    for pair in chain.windows(2) {
        let (from, to) = (&pair[0], &pair[1]);
        let out = r.run(&["store", "copy", "--from", from, "--to", to]);
        assert_eq!(out.code, 0, "{from} → {to}: {out:?}");
        assert!(out.stdout.contains("counts and sha256 hashes match"), "{out:?}");
        let (a, b) = (contents(from, r.path()), contents(to, r.path()));
        for (k, h) in &a {
            assert_eq!(b.get(k), Some(h), "{from} → {to}: {k}");
        }
        // Re-running is harmless: only the new audit event is written.
        let out = r.run(&["store", "copy", "--from", from, "--to", to]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("(1 written,"), "{out:?}");
    }
    let hist = json(&r.at(&pg2.url(), &["history", "-f", "json"]).stdout);
    assert_eq!(hist.as_array().unwrap().len(), 3);
    for url in [pg2.url(), s3a.clone()] {
        let store = apidiff::store::open_with(&url, r.path(), &s3_settings()).unwrap();
        let usage = apidiff::store::usage::batches(store.as_ref()).unwrap();
        assert_eq!(usage.len(), 1, "{url}");
        assert_eq!(usage[0].counts[0].element.operation(), "GET /users", "{url}");
    }

    // Export / import round trip, and the readable records view.
    let file = r.path().join("history.jsonl");
    let out = r.at(&pg.url(), &["store", "export", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{out:?}");
    let fs3 = r.path().join("fs3").to_str().unwrap().to_string();
    let out = r.at(&fs3, &["store", "import", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(contents(&fs3, r.path()), contents(&pg.url(), r.path()));
    let out = r.at(&fs3, &["store", "export", "-", "--jsonl"]);
    assert_eq!(out.code, 0, "{out:?}");
    let kinds: Vec<String> = out.stdout.lines().map(|l| json(l)["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "entries").count(), 3);
    assert_eq!(kinds.iter().filter(|k| *k == "notes").count(), 1);
    // A damaged export is refused before anything is written.
    let text = std::fs::read_to_string(&file).unwrap();
    let damaged = text.replacen("\"sha256\":\"", "\"sha256\":\"00", 1);
    std::fs::write(&file, damaged).unwrap();
    let fs4 = r.path().join("fs4").to_str().unwrap().to_string();
    let out = r.at(&fs4, &["store", "import", file.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("history.jsonl:1:") && out.stderr.contains("damaged"), "{out:?}");
}

// ---------------------------------------------------------------------------------------------
// Concurrency and interruption.

fn many_modules(r: &Repo, n: usize, version: usize) {
    let mut config = String::from("modules:\n");
    for i in 0..n {
        config.push_str(&format!("  - name: m{i}\n    specs: ['m{i}/*.yaml']\n"));
        r.write(&format!("m{i}/openapi.yaml"), &format!("openapi: 3.0.3\ninfo: {{title: m{i}, version: '{version}'}}\npaths: {{}}\n"));
    }
    r.write("apidiff.yaml", &config);
}

fn concurrent_records(store: &str) {
    // Eight processes at once: each records 4 modules shared by all and 2 of its own.
    let r = Repo::new();
    many_modules(&r, 4 + 16, 0);
    r.commit("modules");
    let children: Vec<_> = (0..8)
        .map(|p| {
            let mut args: Vec<String> = vec!["check".into(), "--record".into(), "--store".into(), store.into()];
            for m in [0, 1, 2, 3, 4 + 2 * p, 5 + 2 * p] {
                args.extend(["--module".to_string(), format!("m{m}")]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            command(r.path(), &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    for c in children {
        let o = finish(c.wait_with_output().unwrap());
        assert_eq!(o.code, 0, "{o:?}");
    }
    let hist = json(&r.at(store, &["history", "-f", "json"]).stdout);
    let hist = hist.as_array().unwrap();
    let mut modules: Vec<&str> = hist.iter().map(|e| e["module"].as_str().unwrap()).collect();
    modules.sort();
    let mut want: Vec<String> = (0..20).map(|i| format!("m{i}")).collect();
    want.sort();
    assert_eq!(modules, want, "every module exactly once");
    let audit = json(&r.at(store, &["history", "--audit", "-f", "json"]).stdout);
    let recorded: usize = audit.as_array().unwrap().iter().map(|e| e["details"]["entries"].as_array().unwrap().len()).sum();
    assert_eq!(recorded, 20, "each entry is claimed by exactly one run's audit event: {audit:#}");
    let out = r.at(store, &["doctor"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn eight_concurrent_records_on_postgres() {
    let Some(pg) = Pg::new("conc") else { return };
    concurrent_records(&pg.url());
    assert_eq!(pg.count("SELECT count(*) FROM diffs"), 20);
    assert_eq!(pg.count("SELECT count(*) FROM snapshots"), 20);
    assert_eq!(pg.count("SELECT count(*) FROM schema_migrations"), MIGRATIONS.len() as i64);
}

#[test]
fn eight_concurrent_records_on_s3() {
    let Some(url) = s3("conc") else { return };
    concurrent_records(&url);
}

fn killed_mid_record(store: &str) {
    let r = Repo::new();
    many_modules(&r, 40, 0);
    r.commit("modules");
    // Kill the recorder at different moments; whatever it left must be whole.
    for (round, delay) in [150u64, 400, 800, 1500].into_iter().enumerate() {
        many_modules(&r, 40, round + 1);
        r.commit(&format!("round {round}"));
        let mut child =
            command(r.path(), &["check", "--record", "--store", store]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let out = r.at(store, &["doctor"]);
        if out.stderr.contains("no apidiff store") || out.stdout.contains("history  none yet") {
            continue;
        }
        assert_eq!(out.code, 0, "after a kill at {delay} ms: {out:?}");
        let out = r.at(store, &["history", "-f", "json"]);
        assert_eq!(out.code, 0, "{out:?}");
    }
    let out = r.at(store, &["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = r.at(store, &["check", "--record"]);
    assert!(out.stderr.contains("Nothing to record"), "{out:?}");
    let hist = json(&r.at(store, &["history", "-f", "json"]).stdout);
    let mut seen = std::collections::BTreeSet::new();
    for e in hist.as_array().unwrap() {
        assert!(seen.insert(e["id"].as_str().unwrap().to_string()), "duplicate entry {e}");
    }
}

/// Holds an exclusive lock on `snapshots`, so a recorder blocks inside its first entry's
/// transaction (after its `diffs` row, before its commit): a deterministic "middle".
fn hold_snapshots_lock(pg: &Pg) -> postgres::Client {
    let mut c = pg.client();
    c.batch_execute("BEGIN; LOCK TABLE snapshots IN ACCESS EXCLUSIVE MODE").unwrap();
    c
}

fn wait_until_blocked(pg: &Pg) {
    let start = Instant::now();
    let sql = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO snapshots%'";
    while pg.count(sql) == 0 {
        assert!(start.elapsed() < Duration::from_secs(30), "the recorder never reached its first entry");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn killed_mid_record_leaves_whole_history_on_postgres() {
    let Some(pg) = Pg::new("kill") else { return };
    let store = pg.url();
    let r = Repo::new();
    many_modules(&r, 10, 0);
    r.commit("modules");
    assert_eq!(r.at(&store, &["check", "--record"]).code, 0);
    many_modules(&r, 10, 1);
    r.commit("v1");
    let holder = hold_snapshots_lock(&pg);
    let mut child =
        command(r.path(), &["check", "--record", "--store", &store]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    wait_until_blocked(&pg);
    child.kill().unwrap();
    child.wait().unwrap();
    drop(holder);
    // Its snapshot blob may be there (harmless: content-addressed); its entry is not.
    assert_eq!(pg.count("SELECT count(*) FROM diffs"), 10);
    assert_eq!(pg.count("SELECT count(*) FROM diffs d WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.hash = d.snapshot)"), 0);
    let out = r.at(&store, &["doctor"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = r.at(&store, &["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Recorded 10 new snapshots"), "{out:?}");
    assert_eq!(pg.count("SELECT count(*) FROM diffs"), 20);
    assert_eq!(pg.count("SELECT count(*) FROM snapshots"), 20);
}

#[test]
fn killed_mid_record_leaves_whole_history_on_s3() {
    let Some(url) = s3("kill") else { return };
    killed_mid_record(&url);
}

/// A throwaway cluster of our own, so stopping it does not disturb other tests.
struct Cluster {
    bin: String,
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        Cluster::start_with(false)
    }

    /// `tls`: a self-signed server certificate, and only TLS connections allowed.
    fn start_with(tls: bool) -> Option<Cluster> {
        let bin = service("APIDIFF_TEST_PG_BIN")?;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = Cluster { bin, dir, port };
        let data = c.data();
        let root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false);
        let as_pg = |args: &[&str]| {
            let o = if root {
                Command::new("runuser").args(["-u", "postgres", "--"]).args(args).output().unwrap()
            } else {
                Command::new(args[0]).args(&args[1..]).output().unwrap()
            };
            assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        };
        as_pg(&[&format!("{}/initdb", c.bin), "-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"]);
        if tls {
            let script = format!(
                "cd '{data}' && openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.crt -days 1 -subj /CN=localhost 2>/dev/null \
                 && chmod 600 server.key && echo 'ssl = on' >> postgresql.conf \
                 && printf 'local all all trust\\nhostssl all all 127.0.0.1/32 trust\\n' > pg_hba.conf"
            );
            as_pg(&["sh", "-c", &script]);
        }
        c.pg_ctl("start");
        Some(c)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").to_str().unwrap().to_string()
    }

    fn pg_ctl(&self, what: &str) {
        let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false);
        let ctl = format!("{}/pg_ctl", self.bin);
        let opts = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.dir.path().display());
        let log = self.dir.path().join("log").to_str().unwrap().to_string();
        let data = self.data();
        let mut args: Vec<&str> = vec![&ctl, "-D", &data, "-w", "-t", "30"];
        match what {
            "start" => args.extend(["-l", &log, "-o", &opts, "start"]),
            _ => args.extend(["-m", "immediate", "stop"]),
        }
        let o = if root {
            Command::new("runuser").args(["-u", "postgres", "--"]).args(&args).output().unwrap()
        } else {
            Command::new(args[0]).args(&args[1..]).output().unwrap()
        };
        assert!(o.status.success(), "pg_ctl {what}: {}", String::from_utf8_lossy(&o.stderr));
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let ctl = format!("{}/pg_ctl", self.bin);
        let data = self.data();
        let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false);
        let args = [ctl.as_str(), "-D", &data, "-m", "immediate", "stop"];
        let _ = if root {
            Command::new("runuser").args(["-u", "postgres", "--"]).args(args).output()
        } else {
            Command::new(args[0]).args(&args[1..]).output()
        };
    }
}

#[test]
fn database_stopped_mid_run_is_a_clear_error() {
    let Some(cluster) = Cluster::start() else { return };
    let pg = Pg::at(&cluster.url(), "stop");
    let url = pg.url();
    let r = Repo::new();
    many_modules(&r, 10, 0);
    r.commit("modules");
    assert_eq!(r.at(&url, &["check", "--record"]).code, 0);
    many_modules(&r, 10, 1);
    r.commit("v1");
    let holder = hold_snapshots_lock(&pg);
    let child = command(r.path(), &["check", "--record", "--store", &url]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    wait_until_blocked(&pg);
    cluster.pg_ctl("stop");
    drop(holder);
    let out = finish(child.wait_with_output().unwrap());
    assert_eq!(out.code, 2, "{out:?}");
    let place = format!("postgres at postgres://postgres@127.0.0.1:{}/postgres?schema={}", cluster.port, pg.schema);
    assert!(out.stderr.contains(&place), "{out:?}");
    assert!(out.stderr.starts_with("error: store: "), "one clear line: {out:?}");
    assert!(!out.stderr.contains("panicked"), "{out:?}");
    // While it is down: a clear error after a bounded retry, exit 2.
    let start = Instant::now();
    let out = r.at(&url, &["history"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(&format!("cannot connect to {place}")) && out.stderr.contains("after 5 attempts"), "{out:?}");
    assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());
    // Back up: nothing of the interrupted run is half there, and it can be completed.
    cluster.pg_ctl("start");
    let hist = json(&r.at(&url, &["history", "-f", "json"]).stdout);
    assert_eq!(hist.as_array().unwrap().len(), 10);
    let out = r.at(&url, &["doctor"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = r.at(&url, &["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    let hist = json(&r.at(&url, &["history", "-f", "json"]).stdout);
    assert_eq!(hist.as_array().unwrap().len(), 20);
}

#[test]
fn tls_with_sslmode_require() {
    let Some(cluster) = Cluster::start_with(true) else { return };
    let r = seeded();
    let url = format!("{}?sslmode=require", cluster.url());
    let out = r.at(&url, &["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Recorded a baseline"), "{out:?}");
    assert_eq!(json(&r.at(&url, &["history", "-f", "json"]).stdout).as_array().unwrap().len(), 2);
    // The server refuses plain connections, and a self-signed certificate fails verify-full:
    // both are clear, immediate errors (no retries for what a retry cannot fix).
    let out = r.at(&format!("{}?sslmode=disable", cluster.url()), &["history"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no encryption") && !out.stderr.contains("attempts"), "{out:?}");
    let out = r.at(&format!("{}?sslmode=verify-full", cluster.url()), &["history"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("cannot connect to postgres") && out.stderr.to_lowercase().contains("certificate"), "{out:?}");
    assert!(!out.stderr.contains("attempts"), "a certificate problem is not retried: {out:?}");
}

// ---------------------------------------------------------------------------------------------
// The schema document stays in step with the migrations.

#[test]
fn schema_doc_names_every_table_column_and_index() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/store-schema.md")).unwrap();
    let ex = apidiff::store::postgres::expected();
    let mut missing = Vec::new();
    for t in &ex.tables {
        if !doc.contains(&format!("{} {{", t.name)) {
            missing.push(format!("table {} (in the Mermaid diagram)", t.name));
        }
        for (c, _) in &t.columns {
            if !doc.contains(&format!("| `{}.{c}` |", t.name)) {
                missing.push(format!("column {}.{c}", t.name));
            }
        }
        for (c, _) in &t.constraints {
            if !doc.contains(&format!("`{c}`")) {
                missing.push(format!("constraint {c}"));
            }
        }
    }
    for i in &ex.indexes {
        if !doc.contains(&format!("`{}`", i.name)) {
            missing.push(format!("index {}", i.name));
        }
    }
    assert!(missing.is_empty(), "docs/store-schema.md lacks: {missing:#?}");
}

// ---------------------------------------------------------------------------------------------
// Where the store URL comes from.

#[test]
fn store_url_from_dotenv_and_database_url() {
    let Some(pg) = Pg::new("env") else { return };
    let r = seeded();
    r.write(".env", &format!("# local settings\nexport APIDIFF_STORE=\"{}\"\n", pg.url()));
    let out = r.run(&["check", "--record"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains(&format!("archived in {}", pg.url())), "{out:?}");
    assert!(!r.path().join(".apidiff").exists());
    std::fs::remove_file(r.path().join(".env")).unwrap();
    // DATABASE_URL is used for postgres URLs only; the environment beats `.env`.
    let out = command(r.path(), &["history", "-f", "json"]).env("DATABASE_URL", pg.url()).output().map(finish).unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 2);
    r.write(".env", "APIDIFF_STORE=elsewhere\n");
    let out = command(r.path(), &["history", "-f", "json"]).env("APIDIFF_STORE", pg.url()).output().map(finish).unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    // A password never shows in messages.
    let out = r.run(&["history", "--store", "postgres://someone:hunter2@127.0.0.1:1/db"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(!out.stderr.contains("hunter2") && out.stderr.contains("postgres://someone@127.0.0.1:1/db"), "{out:?}");
}

#[test]
fn s3_writes_are_create_only_even_when_racing() {
    let Some(url) = s3("race") else { return };
    let root = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(apidiff::store::open_with(&url, root.path(), &s3_settings()).unwrap());
    assert!(store.put_new("records/audit/a.json", b"{\"first\": true}").unwrap());
    assert!(!store.put_new("records/audit/a.json", b"{\"second\": true}").unwrap());
    assert_eq!(store.get("records/audit/a.json").unwrap().unwrap(), b"{\"first\": true}");
    // Eight writers race for one key: exactly one wins, and its bytes stay.
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let s = store.clone();
            std::thread::spawn(move || s.put_new("records/audit/race.json", format!("{{\"writer\": {i}}}").as_bytes()).unwrap())
        })
        .collect();
    let wins = handles.into_iter().map(|h| h.join().unwrap()).filter(|w| *w).count();
    assert_eq!(wins, 1);
    let got = json(&String::from_utf8(store.get("records/audit/race.json").unwrap().unwrap()).unwrap());
    assert!(got["writer"].is_u64());
    assert_eq!(store.list("records/audit/").unwrap(), vec!["records/audit/a.json".to_string(), "records/audit/race.json".to_string()]);
}

// ---------------------------------------------------------------------------------------------
// Approvals: create-only records on every backend (Postgres keeps them in `other_records`).

fn approvals_flow(store: &str) {
    let r = seeded();
    assert_eq!(r.at(store, &["check", "--record"]).code, 0);
    r.write("services/users/openapi.yaml", &users(false));
    r.commit("drop the lookup");
    let c = r.at(store, &["check", "--format", "json"]);
    assert_eq!(c.code, 1, "{c:?}");
    let v = json(&c.stdout);
    let fp = v["changes"].as_array().unwrap().iter().find(|c| c["blocking"] == true).unwrap()["fingerprint"].as_str().unwrap().to_string();
    let a = r.at(store, &["approve", &fp, "--module", "users", "--reason", "planned removal"]);
    assert_eq!(a.code, 0, "{a:?}");
    let c = r.at(store, &["check", "--format", "json"]);
    assert_eq!(c.code, 0, "{c:?}");
    assert!(c.stdout.contains("planned removal"), "{c:?}");
    let list = json(&r.at(store, &["approvals", "list", "--json"]).stdout);
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(list[0]["standing"]["state"], "active");
    assert_eq!(r.at(store, &["approvals", "revoke", &id]).code, 0);
    assert_eq!(r.at(store, &["check"]).code, 1);
    let audit = r.at(store, &["history", "--audit", "--format", "json"]).stdout;
    assert!(audit.contains("\"approve\"") && audit.contains("\"revoke\""), "{audit}");
    let doctor = r.at(store, &["doctor"]);
    assert_eq!(doctor.code, 0, "{doctor:?}");
}

#[test]
fn approvals_on_the_folder_store() {
    let dir = tempfile::tempdir().unwrap();
    approvals_flow(dir.path().join("store").to_str().unwrap());
}

#[test]
fn approvals_on_postgres() {
    let Some(pg) = Pg::new("approvals") else { return };
    approvals_flow(&pg.url());
    assert_eq!(pg.count("SELECT count(*) FROM other_records WHERE key LIKE 'records/approvals/%'"), 1);
    assert_eq!(pg.count("SELECT count(*) FROM other_records WHERE key LIKE 'records/revocations/%'"), 1);
    assert_eq!(pg.count("SELECT count(*) FROM audit_log WHERE action IN ('approve', 'revoke')"), 2);
}

#[test]
fn approvals_on_s3() {
    let Some(url) = s3("approvals") else { return };
    approvals_flow(&url);
}
