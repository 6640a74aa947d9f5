//! The Postgres backend: the [`Store`] key space routed to typed tables, with versioned
//! migrations embedded in the binary and a schema check that repairs what is missing.
//!
//! Keys map to tables (docs/store-schema.md has the diagram): `objects/sha256/<hash>` →
//! `spec_blobs`; `records/entries/<id>.json` → `diffs` (+ `modules`, `snapshots`, `changes`,
//! `dependencies` extracted from the entry); `records/notes/…` → `annotations`;
//! `records/audit/…` → `audit_log`; `records/alerts/…` → `alerts`; anything else →
//! `other_records`. Each row keeps the original bytes, so [`Store::get`] returns exactly what
//! was written, and each write is one transaction with `ON CONFLICT DO NOTHING`, so writes are
//! idempotent and concurrent writers never duplicate or half-write a record.
//!
//! URL: `postgres://user:password@host:port/db?sslmode=require&schema=name`. `sslmode`
//! `require` encrypts without checking the certificate (as libpq does), `verify-full` checks
//! it against the Mozilla roots; `schema` (apidiff's own parameter) keeps the tables in that
//! schema instead of the user's default one. All SQL of apidiff lives in this file and in
//! `sql/*.sql`; every value is a bound parameter.

use super::fleet::{Listener, PageQuery, Verdict};
use super::{AuditEvent, Entry, Note, SchemaStatus, Store};
use crate::error::{Error, Result};
use postgres::types::ToSql;
use postgres::{Client, Config, Transaction};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Versioned migrations, applied in order, once per database (schema).
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "0001_init", include_str!("sql/0001_init.sql")),
    (2, "0002_watch", include_str!("sql/0002_watch.sql")),
    (3, "0003_fleet", include_str!("sql/0003_fleet.sql")),
];

/// Created before anything else: the ledger of applied migrations.
pub const BOOTSTRAP: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT schema_migrations_pkey PRIMARY KEY (version)
);
";

/// Key of the advisory lock migrations run under ("apidiff" in ASCII).
const LOCK_KEY: i64 = 0x61_7069_6469_6666;

/// Connection attempts before giving up, and the first back-off delay (doubled each time).
const ATTEMPTS: u32 = 5;
const FIRST_DELAY: Duration = Duration::from_millis(250);

/// Connections one store keeps open at most: concurrent requests of a server each take a free
/// one instead of queueing on a single connection.
const POOL: usize = 4;

/// A store in a Postgres database.
pub struct PgStore {
    config: Config,
    tls: tokio_postgres_rustls::MakeRustlsConnect,
    schema: Option<String>,
    display: String,
    clients: Vec<Mutex<Option<Client>>>,
    next: AtomicUsize,
    notices: Vec<String>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgStore({})", self.display)
    }
}

impl PgStore {
    /// Connects (retrying transient failures with back-off), migrates and checks the schema.
    pub fn open(url: &str) -> Result<PgStore> {
        let (conn, schema, verify, display) = parse_url(url)?;
        let mut config: Config = conn.parse().map_err(|e| Error::Usage(format!("store {display}: not a valid postgres URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        let clients = (0..POOL).map(|_| Mutex::new(None)).collect();
        let store = PgStore { config, tls: tls(verify)?, schema, display, clients, next: AtomicUsize::new(0), notices: Vec::new() };
        let status = store.check_schema()?;
        let mut notices = Vec::new();
        if !status.applied.is_empty() {
            notices.push(format!("{}: applied migration{} {}", store.display, plural(status.applied.len()), status.applied.join(", ")));
        }
        if !status.repaired.is_empty() {
            notices.push(format!("{}: repaired the schema: recreated {}", store.display, status.repaired.join(", ")));
        }
        if !status.unrepaired.is_empty() {
            notices.push(format!(
                "{}: schema problems that could not be repaired (run `apidiff doctor`): {}",
                store.display,
                status.unrepaired.join("; ")
            ));
        }
        Ok(PgStore { notices, ..store })
    }

    fn connect(&self) -> Result<Client> {
        let start = Instant::now();
        let mut delay = FIRST_DELAY;
        let mut attempt = 1;
        loop {
            match self.try_connect() {
                Ok(c) => return Ok(c),
                Err(e) if attempt < ATTEMPTS && transient(&e) => {
                    std::thread::sleep(delay);
                    delay *= 2;
                    attempt += 1;
                }
                Err(e) => {
                    let tries = if attempt > 1 {
                        format!(" after {attempt} attempts over {:.1} s", start.elapsed().as_secs_f64())
                    } else {
                        String::new()
                    };
                    return Err(Error::store(format!("cannot connect to postgres at {}{tries}: {}", self.display, describe(&e))));
                }
            }
        }
    }

    fn try_connect(&self) -> std::result::Result<Client, postgres::Error> {
        dial(&self.config, &self.tls, self.schema.as_deref())
    }

    /// Runs `f` on the connection, reconnecting and retrying once the connection was lost
    /// (every operation of this store is idempotent, so a retry is safe).
    fn with<T>(&self, what: &str, mut f: impl FnMut(&mut Client) -> std::result::Result<T, postgres::Error>) -> Result<T> {
        // A free connection of the pool, else wait for one (taken in turn).
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let n = self.clients.len();
        let free = (0..n).find_map(|i| self.clients[(start + i) % n].try_lock().ok());
        let mut guard = match free {
            Some(g) => g,
            None => self.clients[start % n].lock().map_err(|_| Error::store("postgres connection poisoned"))?,
        };
        for round in 0..2 {
            if guard.as_ref().is_none_or(Client::is_closed) {
                *guard = Some(self.connect()?);
            }
            let Some(client) = guard.as_mut() else { continue };
            match f(client) {
                Ok(v) => return Ok(v),
                Err(e) if round == 0 && transient(&e) => {
                    *guard = None;
                }
                Err(e) => {
                    if transient(&e) {
                        *guard = None;
                    }
                    return Err(Error::store(format!("postgres at {}: cannot {what}: {}", self.display, describe(&e))));
                }
            }
        }
        Err(Error::store(format!("postgres at {}: cannot {what}: the connection keeps failing", self.display)))
    }
}

/// A new connection, with the store's schema first on the search path.
fn dial(
    config: &Config,
    tls: &tokio_postgres_rustls::MakeRustlsConnect,
    schema: Option<&str>,
) -> std::result::Result<Client, postgres::Error> {
    let mut c = config.connect(tls.clone())?;
    if let Some(s) = schema {
        c.batch_execute(&format!("SET search_path TO {}", ident(s)))?;
    }
    Ok(c)
}

/// Splits an apidiff postgres URL into the connection string for the driver, the schema,
/// whether to verify the server certificate, and a display form without the password.
fn parse_url(url: &str) -> Result<(String, Option<String>, bool, String)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut keep = Vec::new();
    let mut schema = None;
    let mut verify = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "schema" => {
                if v.is_empty() || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || v.len() > 63 {
                    return Err(Error::Usage(format!("store URL: `schema={v}`: expected letters, digits and `_` (at most 63)")));
                }
                schema = Some(v.to_ascii_lowercase());
            }
            "sslmode" if v == "verify-full" || v == "verify-ca" => {
                verify = true;
                keep.push("sslmode=require".to_string());
            }
            _ => keep.push(pair.to_string()),
        }
    }
    let conn = if keep.is_empty() { base.to_string() } else { format!("{base}?{}", keep.join("&")) };
    // Display: scheme://user@host/db?schema=…, never the password.
    let display = match base.split_once("://") {
        Some((scheme, rest)) => {
            let (auth, host) = rest.rsplit_once('@').map_or(("", rest), |(a, h)| (a, h));
            let user = auth.split(':').next().unwrap_or("");
            let at = if user.is_empty() { String::new() } else { format!("{user}@") };
            let s = schema.as_deref().map(|s| format!("?schema={s}")).unwrap_or_default();
            format!("{scheme}://{at}{host}{s}")
        }
        None => "postgres".to_string(),
    };
    Ok((conn, schema, verify, display))
}

/// A quoted identifier (the schema name is already restricted to `[a-z0-9_]`).
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Connection-level failures worth a retry (server starting, refused, reset, closed).
fn transient(e: &postgres::Error) -> bool {
    if let Some(db) = e.as_db_error() {
        // cannot_connect_now, too_many_connections, admin/crash shutdown.
        return matches!(db.code().code(), "57P03" | "53300" | "57P01" | "57P02");
    }
    if e.is_closed() {
        return true;
    }
    // I/O failures are, except TLS verdicts (an untrusted certificate stays untrusted).
    match std::error::Error::source(e).and_then(|s| s.downcast_ref::<std::io::Error>()) {
        Some(io) => !io.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()),
        None => false,
    }
}

/// The driver's message with its causes, on one line.
fn describe(e: &postgres::Error) -> String {
    let mut s = match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    };
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        src = c.source();
    }
    s.replace('\n', " ")
}

// ---------------------------------------------------------------------------------------------
// TLS: rustls with the aws-lc-rs provider.

fn tls(verify: bool) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    if verify {
        // Mozilla's roots, with the one crypto provider this build has (aws-lc-rs).
        return Ok(tokio_postgres_rustls::MakeRustlsConnect::with_webpki_roots());
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::store(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// `sslmode=require`: encrypt, check the handshake signatures, but not who signed the
/// certificate (libpq's meaning; hosted Postgres such as Supabase uses a private CA).
#[derive(Debug)]
struct EncryptOnly(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

// ---------------------------------------------------------------------------------------------
// The expected schema, read from the migrations' SQL.

/// A table the migrations create.
#[derive(Debug, Clone)]
pub struct TableDef {
    /// Its name.
    pub name: String,
    /// The `CREATE TABLE IF NOT EXISTS` statement.
    pub create: String,
    /// Columns: name and definition line.
    pub columns: Vec<(String, String)>,
    /// Named constraints: name and definition (after the name).
    pub constraints: Vec<(String, String)>,
}

/// An index the migrations create.
#[derive(Debug, Clone)]
pub struct IndexDef {
    /// Its name.
    pub name: String,
    /// Its table.
    pub table: String,
    /// The `CREATE INDEX IF NOT EXISTS` statement.
    pub create: String,
}

/// Everything the binary expects in the database.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    /// Tables, in creation order.
    pub tables: Vec<TableDef>,
    /// Indexes.
    pub indexes: Vec<IndexDef>,
}

/// The schema the bootstrap and every migration describe together.
pub fn expected() -> Expected {
    let mut ex = Expected::default();
    for sql in std::iter::once(BOOTSTRAP).chain(MIGRATIONS.iter().map(|m| m.2)) {
        parse_sql(sql, &mut ex);
    }
    ex
}

fn parse_sql(sql: &str, ex: &mut Expected) {
    let cleaned: String = sql.lines().filter(|l| !l.trim_start().starts_with("--")).map(|l| format!("{l}\n")).collect();
    for stmt in cleaned.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let words: Vec<&str> = stmt.split_whitespace().collect();
        let after = |w: &str| words.iter().position(|x| *x == w).and_then(|i| words.get(i + 1)).map(|s| s.to_string());
        if stmt.starts_with("CREATE TABLE IF NOT EXISTS") {
            let Some(name) = after("EXISTS") else { continue };
            let mut t = TableDef { name, create: format!("{stmt};"), columns: Vec::new(), constraints: Vec::new() };
            for line in stmt.lines().skip(1) {
                let line = line.trim().trim_end_matches(',');
                if line.is_empty() || line == ")" {
                    continue;
                }
                let mut parts = line.splitn(2, ' ');
                let first = parts.next().unwrap_or("");
                let rest = parts.next().unwrap_or("");
                if first == "CONSTRAINT" {
                    let mut p = rest.splitn(2, ' ');
                    let cname = p.next().unwrap_or("").to_string();
                    t.constraints.push((cname, p.next().unwrap_or("").to_string()));
                } else {
                    t.columns.push((first.to_string(), line.to_string()));
                }
            }
            ex.tables.push(t);
        } else if stmt.starts_with("CREATE INDEX IF NOT EXISTS") || stmt.starts_with("CREATE UNIQUE INDEX IF NOT EXISTS") {
            if let (Some(name), Some(table)) = (after("EXISTS"), after("ON")) {
                ex.indexes.push(IndexDef { name, table, create: format!("{stmt};") });
            }
        } else if stmt.starts_with("ALTER TABLE")
            && stmt.contains("ADD COLUMN IF NOT EXISTS")
            && let (Some(table), Some(col)) = (after("TABLE"), after("EXISTS"))
        {
            let def = stmt.split("IF NOT EXISTS").nth(1).unwrap_or("").trim().to_string();
            if let Some(t) = ex.tables.iter_mut().find(|t| t.name == table) {
                t.columns.push((col, def));
            }
        }
    }
}

/// What is in the database now.
#[derive(Debug, Default)]
struct Actual {
    tables: std::collections::BTreeSet<String>,
    columns: std::collections::BTreeSet<(String, String)>,
    indexes: std::collections::BTreeSet<String>,
    constraints: std::collections::BTreeSet<String>,
}

fn actual(tx: &mut Transaction<'_>) -> std::result::Result<Actual, postgres::Error> {
    let mut a = Actual::default();
    for r in tx.query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()", &[])? {
        a.tables.insert(r.get(0));
    }
    for r in
        tx.query("SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema()", &[])?
    {
        a.columns.insert((r.get(0), r.get(1)));
    }
    for r in tx.query("SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()", &[])? {
        a.indexes.insert(r.get(0));
    }
    for r in tx.query(
        "SELECT c.conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()",
        &[],
    )? {
        a.constraints.insert(r.get(0));
    }
    Ok(a)
}

/// Repairs still needed: (description, statement), in a safe order.
fn missing(ex: &Expected, a: &Actual) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for t in &ex.tables {
        if !a.tables.contains(&t.name) {
            out.push((format!("table {}", t.name), t.create.clone()));
        }
    }
    for t in ex.tables.iter().filter(|t| a.tables.contains(&t.name)) {
        for (c, def) in &t.columns {
            if !a.columns.contains(&(t.name.clone(), c.clone())) {
                out.push((format!("column {}.{c}", t.name), format!("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {def};", t.name)));
            }
        }
    }
    // Keys before the foreign keys that need them.
    for fk in [false, true] {
        for t in ex.tables.iter().filter(|t| a.tables.contains(&t.name)) {
            for (c, def) in &t.constraints {
                if def.starts_with("FOREIGN KEY") == fk && !a.constraints.contains(c) {
                    out.push((format!("constraint {c}"), format!("ALTER TABLE {} ADD CONSTRAINT {c} {def};", t.name)));
                }
            }
        }
    }
    for i in &ex.indexes {
        if !a.indexes.contains(&i.name) {
            out.push((format!("index {}", i.name), i.create.clone()));
        }
    }
    out
}

impl PgStore {
    fn migrate(&self, client: &mut Client) -> std::result::Result<SchemaStatus, postgres::Error> {
        let mut status = SchemaStatus::default();
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
        if let Some(s) = &self.schema {
            tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", ident(s)))?;
        }
        tx.batch_execute(BOOTSTRAP)?;
        let applied: Vec<i32> = tx.query("SELECT version FROM schema_migrations", &[])?.iter().map(|r| r.get(0)).collect();
        for (version, name, sql) in MIGRATIONS {
            if !applied.contains(version) {
                tx.batch_execute(sql)?;
                tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[version, name])?;
                status.applied.push((*name).to_string());
            }
        }
        let ex = expected();
        // Tables first: recreating one makes its columns, constraints and indexes appear.
        for round in 0..3 {
            let todo = missing(&ex, &actual(&mut tx)?);
            if todo.is_empty() {
                break;
            }
            for (what, stmt) in todo {
                let mut sp = tx.savepoint("repair")?;
                match sp.batch_execute(&stmt) {
                    Ok(()) => {
                        sp.commit()?;
                        status.repaired.push(what);
                    }
                    Err(e) => {
                        drop(sp);
                        if round == 2 || !status.unrepaired.iter().any(|u| u.starts_with(&what)) {
                            status.unrepaired.push(format!("{what}: {}", describe(&e)));
                        }
                    }
                }
            }
            // A recreated derived table is empty: refill it from the entries' JSON, so its
            // foreign keys can come back in the next round.
            let derived = ["modules", "snapshots", "changes", "dependencies"];
            if round == 0 && status.repaired.iter().any(|r| derived.iter().any(|t| r == &format!("table {t}"))) {
                let mut sp = tx.savepoint("backfill")?;
                match backfill(&mut sp) {
                    Ok(n) => {
                        sp.commit()?;
                        status.repaired.push(format!("derived rows of {n} entries"));
                    }
                    Err(e) => {
                        drop(sp);
                        status.unrepaired.push(format!("derived rows: {}", describe(&e)));
                    }
                }
            }
        }
        let still: Vec<String> = missing(&ex, &actual(&mut tx)?).into_iter().map(|(w, _)| w).collect();
        status.unrepaired.retain(|u| u.starts_with("derived rows") || still.iter().any(|w| u.starts_with(w.as_str())));
        for w in still {
            if !status.unrepaired.iter().any(|u| u.starts_with(&w)) {
                status.unrepaired.push(format!("{w}: still missing after repair"));
            }
        }
        status.repaired.retain(|r| !status.unrepaired.iter().any(|u| u.starts_with(r.as_str())));
        tx.commit()?;
        Ok(status)
    }
}

// ---------------------------------------------------------------------------------------------
// The Store: keys routed to tables.

/// Where a key lives.
enum Route<'a> {
    Blob(&'a str),
    Entry,
    Note,
    Audit,
    Alert,
    Other,
}

fn route(key: &str) -> Route<'_> {
    if let Some(hash) = key.strip_prefix(super::copy::OBJECTS) {
        Route::Blob(hash)
    } else if key.starts_with("records/entries/") {
        Route::Entry
    } else if key.starts_with("records/notes/") {
        Route::Note
    } else if key.starts_with("records/audit/") {
        Route::Audit
    } else if key.starts_with("records/alerts/") {
        Route::Alert
    } else {
        Route::Other
    }
}

fn record<T: for<'de> serde::Deserialize<'de>>(key: &str, bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| Error::store(format!("{key}: not a valid {what}: {e}")))
}

fn put_entry(c: &mut Client, channel: &str, key: &str, e: &Entry, raw: &[u8]) -> std::result::Result<bool, postgres::Error> {
    let mut tx = c.transaction()?;
    tx.execute("INSERT INTO modules (name, first_seen) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&e.module, &e.time])?;
    let n = tx.execute(
        "INSERT INTO diffs (id, key, time, module, spec, format, snapshot, previous, deploy, author, message, risk, breaking, warnings, infos, run, raw) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT DO NOTHING",
        &[
            &e.id,
            &key,
            &e.time,
            &e.module,
            &e.spec,
            &e.format.as_str(),
            &e.snapshot,
            &e.previous,
            &e.deploy,
            &e.author,
            &e.message,
            &e.risk.as_str(),
            &(e.counts.breaking as i32),
            &(e.counts.warning as i32),
            &(e.counts.info as i32),
            &e.run,
            &raw,
        ],
    )?;
    if n == 1 {
        derive(&mut tx, e)?;
        tx.execute("SELECT pg_notify($1, $2)", &[&channel, &key])?;
    }
    tx.commit()?;
    Ok(n == 1)
}

/// One create-only insert that, when it wrote a row, tells every listener on `channel` the key
/// (delivered when the transaction commits, so a listener never reads before the row is there).
fn insert_notify(
    c: &mut Client,
    channel: &str,
    key: &str,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> std::result::Result<bool, postgres::Error> {
    let mut tx = c.transaction()?;
    let n = tx.execute(sql, params)?;
    if n == 1 {
        tx.execute("SELECT pg_notify($1, $2)", &[&channel, &key])?;
    }
    tx.commit()?;
    Ok(n == 1)
}

/// The rows derived from an entry besides its `diffs` row (idempotent).
fn derive(tx: &mut Transaction<'_>, e: &Entry) -> std::result::Result<(), postgres::Error> {
    tx.execute("INSERT INTO modules (name, first_seen) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&e.module, &e.time])?;
    if let Some(snap) = &e.snapshot {
        tx.execute(
            "INSERT INTO snapshots (module, spec, hash, format, first_recorded) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&e.module, &e.spec, snap, &e.format.as_str(), &e.time],
        )?;
    }
    for (i, ch) in e.changes.iter().enumerate() {
        tx.execute(
            "INSERT INTO changes (diff_id, ordinal, rule_id, severity, message, operation, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &[&e.id, &(i as i32), &ch.id, &ch.severity.as_str(), &ch.message, &ch.operation, &Some(ch.fingerprint.as_str())],
        )?;
    }
    for d in &e.dependants {
        tx.execute("INSERT INTO dependencies (diff_id, dependant) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&e.id, d])?;
    }
    Ok(())
}

/// Rebuilds the derived tables from the entries' original JSON (after one was recreated).
fn backfill(tx: &mut Transaction<'_>) -> std::result::Result<usize, postgres::Error> {
    let rows = tx.query("SELECT raw FROM diffs ORDER BY time, id", &[])?;
    let mut n = 0;
    for r in rows {
        let raw: Vec<u8> = r.get(0);
        if let Ok(e) = serde_json::from_slice::<Entry>(&raw) {
            derive(tx, &e)?;
            n += 1;
        }
    }
    Ok(n)
}

impl Store for PgStore {
    fn location(&self) -> String {
        self.display.clone()
    }

    fn exists(&self) -> Result<bool> {
        self.with("read the store marker", |c| Ok(!c.query("SELECT 1 FROM apidiff_meta WHERE key = 'store'", &[])?.is_empty()))
    }

    fn create(&self) -> Result<()> {
        self.with("create the store", |c| {
            c.execute("INSERT INTO apidiff_meta (key, value) VALUES ('store', $1) ON CONFLICT DO NOTHING", &[&"{\"layout\": 1}"])
                .map(|_| ())
        })
    }

    fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        super::fs::check_key(key)?;
        let what = format!("write {key}");
        match route(key) {
            Route::Blob(hash) => self.with(&what, |c| {
                Ok(c.execute(
                    "INSERT INTO spec_blobs (hash, bytes, size) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&hash, &bytes, &(bytes.len() as i64)],
                )? == 1)
            }),
            Route::Entry => {
                let e: Entry = record(key, bytes, "entry")?;
                self.with(&what, |c| put_entry(c, &self.channel(), key, &e, bytes))
            }
            Route::Note => {
                let n: Note = record(key, bytes, "note")?;
                self.with(&what, |c| {
                    insert_notify(
                        c,
                        &self.channel(),
                        key,
                        "INSERT INTO annotations (id, key, time, diff_id, author, text, raw) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                        &[&n.id, &key, &n.time, &n.entry, &n.author, &n.text, &bytes],
                    )
                })
            }
            Route::Audit => {
                let a: AuditEvent = record(key, bytes, "audit event")?;
                let action = serde_json::to_value(a.action).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                let details = a.details.to_string();
                self.with(&what, |c| {
                    Ok(c.execute(
                        "INSERT INTO audit_log (id, key, time, actor, action, details, raw) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7) ON CONFLICT DO NOTHING",
                        &[&a.id, &key, &a.time, &a.actor, &action, &details, &bytes],
                    )? == 1)
                })
            }
            Route::Alert => {
                let v: serde_json::Value = record(key, bytes, "JSON record")?;
                let time = v.get("time").and_then(|t| t.as_str()).map(str::to_string);
                self.with(&what, |c| {
                    let sql = "INSERT INTO alerts (key, time, raw) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
                    insert_notify(c, &self.channel(), key, sql, &[&key, &time, &bytes])
                })
            }
            Route::Other => self.with(&what, |c| {
                let sql = "INSERT INTO other_records (key, raw) VALUES ($1, $2) ON CONFLICT DO NOTHING";
                insert_notify(c, &self.channel(), key, sql, &[&key, &bytes])
            }),
        }
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        super::fs::check_key(key)?;
        let (sql, arg) = match route(key) {
            Route::Blob(hash) => ("SELECT bytes FROM spec_blobs WHERE hash = $1", hash),
            Route::Entry => ("SELECT raw FROM diffs WHERE key = $1", key),
            Route::Note => ("SELECT raw FROM annotations WHERE key = $1", key),
            Route::Audit => ("SELECT raw FROM audit_log WHERE key = $1", key),
            Route::Alert => ("SELECT raw FROM alerts WHERE key = $1", key),
            Route::Other => ("SELECT raw FROM other_records WHERE key = $1", key),
        };
        self.with(&format!("read {key}"), |c| Ok(c.query_opt(sql, &[&arg])?.map(|r| r.get::<_, Vec<u8>>(0))))
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let prefix = format!("{}/", prefix.trim_end_matches('/'));
        let typed = match route(&prefix) {
            Route::Blob(_) => Some("SELECT 'objects/sha256/' || hash FROM spec_blobs"),
            Route::Entry => Some("SELECT key FROM diffs"),
            Route::Note => Some("SELECT key FROM annotations"),
            Route::Audit => Some("SELECT key FROM audit_log"),
            Route::Alert => Some("SELECT key FROM alerts"),
            Route::Other => None,
        };
        let mut keys: Vec<String> = self.with(&format!("list {prefix}"), |c| {
            let mut keys: Vec<String> = Vec::new();
            if let Some(sql) = typed {
                keys.extend(c.query(sql, &[])?.iter().map(|r| r.get::<_, String>(0)));
            }
            keys.extend(
                c.query("SELECT key FROM other_records WHERE starts_with(key, $1)", &[&prefix])?.iter().map(|r| r.get::<_, String>(0)),
            );
            Ok(keys)
        })?;
        keys.retain(|k| k.strip_prefix(prefix.as_str()).is_some_and(|rest| !rest.is_empty() && !rest.contains('/')));
        keys.sort();
        keys.dedup();
        Ok(keys)
    }

    fn get_all(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let prefix = format!("{}/", prefix.trim_end_matches('/'));
        let sql = match route(&prefix) {
            Route::Entry => "SELECT key, raw FROM diffs",
            Route::Note => "SELECT key, raw FROM annotations",
            Route::Audit => "SELECT key, raw FROM audit_log",
            Route::Alert => "SELECT key, raw FROM alerts",
            Route::Blob(_) | Route::Other => return super::get_all_by_keys(self, &prefix),
        };
        let mut rows: Vec<(String, Vec<u8>)> = self.with(&format!("read {prefix}"), |c| {
            let mut rows: Vec<(String, Vec<u8>)> = c.query(sql, &[])?.iter().map(|r| (r.get(0), r.get(1))).collect();
            rows.extend(
                c.query("SELECT key, raw FROM other_records WHERE starts_with(key, $1)", &[&prefix])?.iter().map(|r| (r.get(0), r.get(1))),
            );
            Ok(rows)
        })?;
        rows.retain(|(k, _)| k.strip_prefix(prefix.as_str()).is_some_and(|rest| !rest.is_empty() && !rest.contains('/')));
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows.dedup_by(|a, b| a.0 == b.0);
        Ok(rows)
    }

    fn notices(&self) -> Vec<String> {
        self.notices.clone()
    }

    fn check_schema(&self) -> Result<SchemaStatus> {
        self.with("check the schema", |c| self.migrate(c))
    }

    fn history_page(&self, q: &PageQuery) -> Result<Option<super::fleet::Rows>> {
        let (sql, params) = page_sql(q);
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = self.with("read the history", |c| c.query(&sql, &refs))?;
        Ok(Some(rows.iter().map(|r| (r.get(0), r.get(1))).collect()))
    }

    fn notes_for(&self, entries: &[String]) -> Result<Option<super::fleet::Rows>> {
        let rows =
            self.with("read notes", |c| c.query("SELECT key, raw FROM annotations WHERE diff_id = ANY($1) ORDER BY key", &[&entries]))?;
        Ok(Some(rows.iter().map(|r| (r.get(0), r.get(1))).collect()))
    }

    fn subscribe(&self, listener: Arc<dyn Listener>) -> Result<bool> {
        let channel = self.channel();
        let listen = format!("LISTEN {}", ident(&channel));
        let mut client = self.connect()?;
        client
            .batch_execute(&listen)
            .map_err(|e| Error::store(format!("postgres at {}: cannot listen: {}", self.display, describe(&e))))?;
        let (config, tls, schema) = (self.config.clone(), self.tls.clone(), self.schema.clone());
        std::thread::spawn(move || listen_loop(client, &listener, &listen, || dial(&config, &tls, schema.as_deref())));
        Ok(true)
    }

    fn claim(&self, key: &str, holder: &str, ttl: Duration) -> Result<bool> {
        // Insert-or-skip: a new key is claimed; an existing one only when it was never
        // delivered and its holder's time ran out.
        let sql = "INSERT INTO claims (key, holder, until) VALUES ($1, $2, now() + make_interval(secs => $3)) \
                   ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until \
                   WHERE claims.done = false AND claims.until < now() RETURNING key";
        let secs = ttl.as_secs_f64();
        self.with(&format!("claim {key}"), |c| Ok(!c.query(sql, &[&key, &holder, &secs])?.is_empty()))
    }

    fn settle(&self, key: &str, done: bool) -> Result<()> {
        let sql = if done {
            "UPDATE claims SET done = true WHERE key = $1"
        } else {
            "UPDATE claims SET until = now() - interval '1 second' WHERE key = $1 AND done = false"
        };
        self.with(&format!("settle {key}"), |c| c.execute(sql, &[&key]).map(|_| ()))
    }

    fn put_batch(&self, items: &[(String, Vec<u8>)]) -> Result<()> {
        let (audit, rest): (Vec<&(String, Vec<u8>)>, Vec<_>) = items.iter().partition(|(k, _)| matches!(route(k), Route::Audit));
        for (k, v) in rest {
            self.put_new(k, v)?;
        }
        if audit.is_empty() {
            return Ok(());
        }
        let mut cols: [Vec<Option<String>>; 6] = Default::default();
        let mut raws: Vec<&[u8]> = Vec::with_capacity(audit.len());
        for (key, bytes) in &audit {
            super::fs::check_key(key)?;
            let a: AuditEvent = record(key, bytes, "audit event")?;
            let action = serde_json::to_value(a.action).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            for (col, v) in
                cols.iter_mut().zip([Some(a.id), Some(key.clone()), Some(a.time), a.actor, Some(action), Some(a.details.to_string())])
            {
                col.push(v);
            }
            raws.push(bytes);
        }
        // One statement for the whole batch (the server's audit writer hands over what queued
        // up while the previous batch was written).
        let sql = "INSERT INTO audit_log (id, key, time, actor, action, details, raw) \
                   SELECT i, k, t, a, x, d::jsonb, r FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[]) AS u(i, k, t, a, x, d, r) \
                   ON CONFLICT DO NOTHING";
        let [c0, c1, c2, c3, c4, c5] = &cols;
        self.with(&format!("write {} audit events", audit.len()), |c| c.execute(sql, &[c0, c1, c2, c3, c4, c5, &raws]).map(|_| ()))
    }

    /// Leases in the `watch_sources` table, on a connection of their own (renewing them never
    /// waits for a write of the poll in flight).
    fn leases(&self, _holder: &str) -> Result<Box<dyn super::leases::Leases>> {
        Ok(Box::new(PgLeases(PgStore {
            config: self.config.clone(),
            tls: self.tls.clone(),
            schema: self.schema.clone(),
            display: self.display.clone(),
            // One connection: leases are renewed on it while the store's own pool writes.
            clients: vec![Mutex::new(None)],
            next: AtomicUsize::new(0),
            notices: Vec::new(),
        })))
    }
}

impl PgStore {
    /// The notification channel of this store's schema (notifications are per database).
    fn channel(&self) -> String {
        match &self.schema {
            None => "apidiff_changes".to_string(),
            Some(s) => format!("apidiff_{}", &crate::spec::bundle::sha256_hex(s.as_bytes())[..16]),
        }
    }

    /// The plan Postgres chooses for a history page (`EXPLAIN`), one line per node.
    pub fn explain_history(&self, q: &PageQuery) -> Result<Vec<String>> {
        let (sql, params) = page_sql(q);
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = self.with("explain the history query", |c| c.query(&format!("EXPLAIN {sql}"), &refs))?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    }
}

/// The keyset query of a history page: only the filters given, every value bound, ordered by
/// the `diffs_time_id_idx` / `diffs_module_time_id_idx` columns so the first rows of an index
/// scan are the page.
fn page_sql(q: &PageQuery) -> (String, Vec<Box<dyn ToSql + Sync>>) {
    let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::new();
    let mut arg = |v: Box<dyn ToSql + Sync>| {
        params.push(v);
        format!("${}", params.len())
    };
    let mut sql = String::from("SELECT key, raw FROM diffs WHERE true");
    if let Some(m) = &q.module {
        sql.push_str(&format!(" AND module = {}", arg(Box::new(m.clone()))));
    }
    if let Some(t) = &q.since {
        sql.push_str(&format!(" AND time COLLATE \"C\" >= {}", arg(Box::new(t.clone()))));
    }
    if let Some(t) = &q.until {
        sql.push_str(&format!(" AND time COLLATE \"C\" <= {}", arg(Box::new(t.clone()))));
    }
    if let Some((t, id)) = &q.before {
        let (a, b) = (arg(Box::new(t.clone())), arg(Box::new(id.clone())));
        sql.push_str(&format!(" AND (time COLLATE \"C\", id COLLATE \"C\") < ({a}, {b})"));
    }
    sql.push_str(match q.verdict {
        None => "",
        Some(Verdict::Breaking) => " AND (snapshot IS NULL OR breaking > 0)",
        Some(Verdict::Warning) => " AND snapshot IS NOT NULL AND breaking = 0 AND warnings > 0",
        Some(Verdict::Info) => " AND snapshot IS NOT NULL AND breaking = 0 AND warnings = 0 AND infos > 0",
        Some(Verdict::None) => " AND snapshot IS NOT NULL AND breaking = 0 AND warnings = 0 AND infos = 0",
    });
    let limit = arg(Box::new(q.limit.min(i64::MAX as usize) as i64));
    sql.push_str(&format!(" ORDER BY time COLLATE \"C\" DESC, id COLLATE \"C\" DESC LIMIT {limit}"));
    (sql, params)
}

/// How often the listener checks that its connection is still alive.
const HEARTBEAT: Duration = Duration::from_secs(30);

/// Hands every notification on `client` to `listener` until the listener closes; a lost
/// connection is dialled again (with back-off) and reported as `changed(None)`, since
/// notifications sent meanwhile are gone.
fn listen_loop(
    mut client: Client,
    listener: &Arc<dyn Listener>,
    listen: &str,
    dial: impl Fn() -> std::result::Result<Client, postgres::Error>,
) {
    use postgres::fallible_iterator::FallibleIterator;
    let mut beat = Instant::now();
    while listener.open() {
        let next = client.notifications().timeout_iter(Duration::from_millis(500)).next();
        let lost = match next {
            Ok(Some(n)) => {
                listener.changed(Some(n.payload()));
                false
            }
            Ok(None) if beat.elapsed() >= HEARTBEAT => {
                beat = Instant::now();
                client.simple_query("SELECT 1").is_err()
            }
            Ok(None) => client.is_closed(),
            Err(_) => true,
        };
        if !lost {
            continue;
        }
        let mut delay = FIRST_DELAY;
        loop {
            if !listener.open() {
                return;
            }
            match dial().and_then(|mut c| c.batch_execute(listen).map(|()| c)) {
                Ok(c) => {
                    client = c;
                    listener.changed(None);
                    break;
                }
                Err(_) => {
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Leases of live sources (see `super::leases`).

/// Live-source leases in `watch_sources`, with a poll log in `watch_polls`.
#[derive(Debug)]
struct PgLeases(PgStore);

/// How long the poll log keeps its rows.
const POLL_LOG_DAYS: f64 = 7.0;

impl super::leases::Leases for PgLeases {
    fn claim(&self, holder: &str, keys: &[String], all: bool, ttl: Duration, max: usize) -> Result<Vec<super::leases::Claim>> {
        let keys = keys.to_vec();
        let (limit, ttl) = (max as i64, ttl.as_secs_f64());
        self.0.with("claim live sources", |c| {
            let mut tx = c.transaction()?;
            tx.execute("INSERT INTO watch_sources (source) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", &[&keys])?;
            // Rows another watcher is claiming right now are skipped, not waited for.
            let rows = tx.query(
                "WITH c AS (SELECT source FROM watch_sources \
                   WHERE source = ANY($1) AND (holder IS NULL OR expires_at < now()) AND ($2 OR due_at <= now()) \
                   ORDER BY due_at, source LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 UPDATE watch_sources w SET holder = $4, claimed_at = now(), expires_at = now() + make_interval(secs => $5) \
                 FROM c WHERE w.source = c.source RETURNING w.source, w.etag, w.last_modified, w.content_hash",
                &[&keys, &all, &limit, &holder, &ttl],
            )?;
            tx.commit()?;
            Ok(rows
                .iter()
                .map(|r| super::leases::Claim {
                    key: r.get(0),
                    seen: crate::source::live::Seen { etag: r.get(1), last_modified: r.get(2), sha256: r.get(3) },
                })
                .collect())
        })
    }

    fn renew(&self, holder: &str, keys: &[String], ttl: Duration) -> Result<()> {
        let (keys, ttl) = (keys.to_vec(), ttl.as_secs_f64());
        self.0.with("renew leases", |c| {
            c.execute(
                "UPDATE watch_sources SET expires_at = now() + make_interval(secs => $3) WHERE source = ANY($1) AND holder = $2",
                &[&keys, &holder, &ttl],
            )
            .map(|_| ())
        })
    }

    fn finish(&self, holder: &str, done: &[super::leases::Done], every: Duration) -> Result<()> {
        let keys: Vec<&str> = done.iter().map(|d| d.key.as_str()).collect();
        let etags: Vec<Option<&str>> = done.iter().map(|d| d.seen.etag.as_deref()).collect();
        let modified: Vec<Option<&str>> = done.iter().map(|d| d.seen.last_modified.as_deref()).collect();
        let hashes: Vec<Option<&str>> = done.iter().map(|d| d.seen.sha256.as_deref()).collect();
        let outcomes: Vec<&str> = done.iter().map(|d| d.outcome.as_str()).collect();
        let every = every.as_secs_f64();
        self.0.with("hand back leases", |c| {
            let mut tx = c.transaction()?;
            // Logged as of when the poll began (the claim), so a log reads once per interval.
            tx.execute(
                "INSERT INTO watch_polls (source, holder, polled_at, outcome) \
                 SELECT d.source, $1, coalesce(w.claimed_at, now()), d.outcome FROM unnest($2::text[], $3::text[]) AS d(source, outcome) \
                 LEFT JOIN watch_sources w ON w.source = d.source AND w.holder = $1",
                &[&holder, &keys, &outcomes],
            )?;
            // Next due one interval after the claim, so the schedule does not drift by the poll's length.
            tx.execute(
                "UPDATE watch_sources w SET holder = NULL, expires_at = NULL, polled_at = now(), \
                   due_at = coalesce(w.claimed_at, now()) + make_interval(secs => $2), \
                   etag = d.etag, last_modified = d.modified, content_hash = d.hash \
                 FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS d(source, etag, modified, hash) \
                 WHERE w.source = d.source AND w.holder = $1",
                &[&holder, &every, &keys, &etags, &modified, &hashes],
            )?;
            tx.execute("DELETE FROM watch_polls WHERE polled_at < now() - make_interval(days => $1::float8::int)", &[&POLL_LOG_DAYS])?;
            tx.commit()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_schema_is_read_from_the_migrations() {
        let ex = expected();
        let names: Vec<&str> = ex.tables.iter().map(|t| t.name.as_str()).collect();
        for t in [
            "schema_migrations",
            "modules",
            "spec_blobs",
            "snapshots",
            "diffs",
            "changes",
            "dependencies",
            "annotations",
            "alerts",
            "audit_log",
            "watch_sources",
            "watch_polls",
        ] {
            assert!(names.contains(&t), "{t}: {names:?}");
        }
        let diffs = ex.tables.iter().find(|t| t.name == "diffs").unwrap();
        assert!(diffs.columns.iter().any(|(c, _)| c == "raw"));
        assert!(diffs.constraints.iter().any(|(c, d)| c == "diffs_snapshot_fkey" && d.starts_with("FOREIGN KEY")));
        assert!(ex.indexes.iter().any(|i| i.name == "diffs_module_spec_time_idx" && i.table == "diffs"));
    }

    #[test]
    fn urls_are_split_and_passwords_hidden() {
        let (conn, schema, verify, display) = parse_url("postgres://u:secret@db.example:6543/app?sslmode=verify-full&schema=ci_1").unwrap();
        assert_eq!(conn, "postgres://u:secret@db.example:6543/app?sslmode=require");
        assert_eq!(schema.as_deref(), Some("ci_1"));
        assert!(verify);
        assert_eq!(display, "postgres://u@db.example:6543/app?schema=ci_1");
        assert!(!display.contains("secret"));
        assert!(parse_url("postgres://h/db?schema=a;drop").is_err());
        let (_, _, verify, _) = parse_url("postgres://h/db?sslmode=require").unwrap();
        assert!(!verify);
    }
}
