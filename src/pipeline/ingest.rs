//! `usage ingest`: evidence files (or stdin, or one OTLP export) read as a stream, matched to
//! the modules' operations, reduced to daily counts per (module, element, client) and written
//! as one create-only batch per evidence read. Idempotent and incremental: a batch records the
//! byte range it read and the hash of the file up to it, so the same file read again writes
//! nothing and a log that grew is read on from where the last ingest stopped.

use crate::config::Config;
use crate::discover;
use crate::error::{Error, Located, Result};
use crate::spec::bundle::{self, Tree};
use crate::spec::{self, LoadOptions};
use crate::store::Archive;
use crate::store::usage::{BatchOut, EvidenceRange, USAGE_VERSION, batch_id, ranges, write_batch};
use crate::usage::documents;
use crate::usage::evidence::{self, Call, ClfCache, Format, Hit, ParseOptions, Who};
use crate::usage::routes::{HttpMatch, Routes};
use crate::usage::samples::{MAX_POINTERS, ResponseShape};
use crate::usage::{Element, Undocumented, ValueStats};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Bad records shown (with file and line) per evidence file; the rest are only counted.
pub const BAD_SHOWN: usize = 5;
/// Undocumented endpoints listed per evidence file in the result (all are stored).
pub const UNDOCUMENTED_SHOWN: usize = 20;

/// One piece of evidence.
pub enum Evidence {
    /// A file.
    File(PathBuf),
    /// A stream (stdin) with the name messages give it.
    Stream(String, Box<dyn BufRead>),
}

/// What to ingest, where, and how.
pub struct IngestRequest<'a> {
    /// The repository root (its apidiff.yaml modules and their specs describe the API).
    pub root: &'a Path,
    /// The configuration.
    pub config: &'a Config,
    /// How specs load.
    pub load: &'a LoadOptions,
    /// The store.
    pub archive: &'a Archive,
    /// The evidence.
    pub inputs: Vec<Evidence>,
    /// All evidence belongs to this module (`--module`).
    pub module: Option<String>,
    /// The format, when not detected.
    pub format: Option<Format>,
    /// The configured client header (`usage.client_header`).
    pub client_header: Option<String>,
    /// Now, RFC 3339 UTC (batch time, and the time of records without one).
    pub now: String,
    /// The store's pseudonym salt.
    pub salt: String,
}

/// What the ingest of one evidence file did.
#[derive(Debug, Clone, Serialize)]
pub struct FileIngest {
    /// The file (as given).
    pub file: String,
    /// Its format.
    pub format: Format,
    /// The batch written (or already there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Whether this ingest wrote a batch (`false`: nothing new since the last one).
    pub written: bool,
    /// The first byte read (0, or where the last ingest of this log stopped).
    pub from_byte: u64,
    /// Records read.
    pub records: u64,
    /// Requests matched to a documented element.
    pub matched: u64,
    /// Requests that matched nothing documented.
    pub unmatched: u64,
    /// Records that could not be read.
    pub bad: u64,
    /// The first few bad records, `file:line: why`.
    pub bad_examples: Vec<String>,
    /// The busiest undocumented endpoints (drift).
    pub undocumented: Vec<Undocumented>,
}

/// What the ingest did, file by file.
#[derive(Debug, Clone, Serialize)]
pub struct Ingested {
    /// Per evidence file.
    pub files: Vec<FileIngest>,
    /// Specs that could not be loaded (their modules match nothing).
    pub notes: Vec<String>,
}

/// Ingests every evidence file.
pub fn ingest(req: IngestRequest<'_>) -> Result<Ingested> {
    if let Some(m) = &req.module
        && req.config.module(m).is_none()
    {
        return Err(Error::Usage(format!("--module {m}: no such module in apidiff.yaml")));
    }
    let opts = ParseOptions { client_header: req.client_header.as_ref().map(|h| h.to_ascii_lowercase()), now: req.now.clone() };
    let mut files = Vec::new();
    let known = ranges(req.archive.store())?;
    // Evidence read before up to its end needs no routes: the specs are loaded only when
    // something is new (a re-read of a large log stays fast and small).
    let all_read = req.inputs.iter().all(|i| matches!(i, Evidence::File(p) if read_before(p, &known)));
    let (routes, notes) =
        if all_read { (Routes::default(), Vec::new()) } else { routes(req.root, req.config, req.load, req.module.as_deref())? };
    for input in req.inputs {
        let mut agg = Aggregate::new(&routes, &req.salt);
        let f = match input {
            Evidence::File(path) => ingest_file(&path, req.format, &known, &opts, &mut agg)?,
            Evidence::Stream(name, reader) => ingest_stream(&name, reader, req.format, &opts, &mut agg)?,
        };
        files.push(finish(req.archive, f, agg, &req.now, &known)?);
    }
    Ok(Ingested { files, notes })
}

/// Ingests one OTLP export (the server's `/v1/traces`): its spans, as one batch named by the
/// export's bytes.
pub fn ingest_spans(req: &IngestRequest<'_>, body: &[u8], spans: Vec<crate::usage::otlp::SpanData>) -> Result<FileIngest> {
    let (routes, _) = routes(req.root, req.config, req.load, req.module.as_deref())?;
    let opts = ParseOptions { client_header: req.client_header.as_ref().map(|h| h.to_ascii_lowercase()), now: req.now.clone() };
    let mut agg = Aggregate::new(&routes, &req.salt);
    let mut records = 0;
    for s in &spans {
        if let Some(hit) = crate::usage::otlp::span_hit(s, &opts) {
            records += 1;
            if let Err(e) = agg.add(&hit) {
                agg.bad(format!("otlp:{records}: {e}"));
            }
        }
    }
    let hash = hex(&Sha256::digest(body));
    let range = EvidenceRange { start: 0, end: body.len() as u64, start_sha256: hex(&Sha256::digest(b"")), end_sha256: hash };
    let read = Read1 { file: "otlp".into(), format: Format::Otlp, range: Some(range), records, skip: false };
    finish(req.archive, read, agg, &req.now, &[])
}

/// Whether a file was read before up to its end (by content, see [`resume`]).
fn read_before(path: &Path, known: &[EvidenceRange]) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let Ok(len) = file.metadata().map(|m| m.len()) else { return false };
    len > 0 && known.iter().any(|r| r.end == len) && resume(&mut file, len, known).is_ok_and(|(start, _)| start == len)
}

/// The routes of every configured (or discovered) module, from its specs in the working tree.
/// Each spec is dropped once its routes are taken: only the route tables stay in memory.
fn routes(root: &Path, config: &Config, load: &LoadOptions, forced: Option<&str>) -> Result<(Routes, Vec<String>)> {
    let found = discover::discover(root, config)?;
    let names: Vec<String> = found.modules.iter().map(|m| m.name.clone()).collect();
    let mut notes = Vec::new();
    let tree = Tree::worktree(root, &load.ref_roots);
    let mut builder = Routes::builder(names.clone());
    for f in &found.specs {
        let loaded = bundle::collect(&tree, &f.path, f.format, load).and_then(|b| spec::load(&b.input()?, load));
        match (loaded, names.iter().position(|m| *m == f.module)) {
            (Ok(s), Some(i)) => builder.add(i, s),
            (Ok(_), None) => {}
            (Err(e), _) => notes.push(format!("{}: not used for matching: {e}", f.path)),
        }
    }
    Ok((builder.finish(forced), notes))
}

/// What reading one evidence file gave besides the aggregate.
struct Read1 {
    file: String,
    format: Format,
    range: Option<EvidenceRange>,
    records: u64,
    /// Nothing new: the file was read up to its end before.
    skip: bool,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn io_err(file: &str, e: std::io::Error) -> Error {
    Error::Input(Located::file(file, format!("cannot read: {e}")))
}

/// The format of a file from its start (forced, or detected); not one of them is an error
/// naming the first non-blank line.
fn format_of(file: &str, head: &[u8], forced: Option<Format>) -> Result<Format> {
    if let Some(f) = forced {
        return Ok(f);
    }
    let text = String::from_utf8_lossy(head);
    let (n, first) = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty()).unwrap_or((0, ""));
    evidence::detect(first, &text).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        Error::Input(Located::new(
            file,
            Some(n as u32 + 1),
            Some(1),
            format!("not usage evidence of a known format ({}); name one with --format", names.join(", ")),
        ))
    })
}

/// Where to go on reading a file: the longest prefix an earlier batch read, with the hash state
/// there (hashing only up to the furthest candidate).
fn resume(file: &mut std::fs::File, len: u64, known: &[EvidenceRange]) -> std::io::Result<(u64, Sha256)> {
    let mut ends: Vec<(u64, &str)> = known.iter().filter(|r| r.end <= len && r.end > 0).map(|r| (r.end, r.end_sha256.as_str())).collect();
    ends.sort();
    ends.dedup();
    let mut hasher = Sha256::new();
    let mut best = (0, hasher.clone());
    let mut at = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    for (end, want) in ends {
        while at < end {
            let want = (end - at).min(buf.len() as u64) as usize;
            let n = file.read(&mut buf[..want])?;
            if n == 0 {
                return Ok(best);
            }
            hasher.update(&buf[..n]);
            at += n as u64;
        }
        if hex(&hasher.clone().finalize()) == want {
            best = (end, hasher.clone());
        }
    }
    Ok(best)
}

fn ingest_file(path: &Path, forced: Option<Format>, known: &[EvidenceRange], opts: &ParseOptions, agg: &mut Aggregate) -> Result<Read1> {
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| io_err(&name, e))?;
    let len = file.metadata().map_err(|e| io_err(&name, e))?.len();
    let mut head = vec![0u8; 1 << 16];
    let n = read_up_to(&mut file, &mut head).map_err(|e| io_err(&name, e))?;
    head.truncate(n);
    let format = format_of(&name, &head, forced)?;
    file.seek(SeekFrom::Start(0)).map_err(|e| io_err(&name, e))?;
    let (start, hasher) = resume(&mut file, len, known).map_err(|e| io_err(&name, e))?;
    if start == len {
        // Read before, up to its end.
        return Ok(Read1 { file: name, format, range: None, records: 0, skip: true });
    }
    // A document is never read on from a middle: a changed document is a new one.
    let (start, hasher) = if format.by_line() { (start, hasher) } else { (0, Sha256::new()) };
    file.seek(SeekFrom::Start(start)).map_err(|e| io_err(&name, e))?;
    let start_sha256 = hex(&hasher.clone().finalize());
    let mut reader = Hashing { inner: BufReader::with_capacity(1 << 16, file), hasher, bytes: start };
    let records = read_records(&name, format, &mut reader, opts, agg, start)?;
    let range = EvidenceRange { start, end: reader.bytes, start_sha256, end_sha256: hex(&reader.hasher.finalize()) };
    Ok(Read1 { file: name, format, range: Some(range), records, skip: false })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn ingest_stream(name: &str, reader: Box<dyn BufRead>, forced: Option<Format>, opts: &ParseOptions, agg: &mut Aggregate) -> Result<Read1> {
    let mut inner = BufReader::with_capacity(1 << 16, reader);
    let head = inner.fill_buf().map_err(|e| io_err(name, e))?.to_vec();
    let format = format_of(name, &head, forced)?;
    let mut reader = Hashing { inner, hasher: Sha256::new(), bytes: 0 };
    let records = read_records(name, format, &mut reader, opts, agg, 0)?;
    let empty = hex(&Sha256::digest(b""));
    let range = EvidenceRange { start: 0, end: reader.bytes, start_sha256: empty, end_sha256: hex(&reader.hasher.finalize()) };
    Ok(Read1 { file: name.to_string(), format, range: Some(range), records, skip: false })
}

/// A reader that hashes what passes through it. Line formats hash whole lines only (a last
/// line still being written is left for the next ingest); documents hash every byte.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Reads every record of a file from where its reader stands: line by line, or streamed as a
/// document. A file with bad records and no good one is not that format: an error naming the
/// first bad line.
fn read_records<R: BufRead>(
    name: &str,
    format: Format,
    reader: &mut Hashing<R>,
    opts: &ParseOptions,
    agg: &mut Aggregate,
    start: u64,
) -> Result<u64> {
    let mut records = 0u64;
    let mut first_bad: Option<(u32, String)> = None;
    let mut note_bad = |agg: &mut Aggregate, line: u32, why: String| {
        let place = if start > 0 { format!("{name}:+{line} (after byte {start})") } else { format!("{name}:{line}") };
        agg.bad(format!("{place}: {why}"));
        first_bad.get_or_insert((line, why));
    };
    if format.by_line() || single_line_documents(format, reader) {
        let mut cache = ClfCache::default();
        let mut line = Vec::with_capacity(4096);
        let mut n = 0u32;
        loop {
            line.clear();
            let got = reader.inner.read_until(b'\n', &mut line).map_err(|e| io_err(name, e))?;
            if got == 0 || (line.last() != Some(&b'\n') && format.by_line()) {
                break; // the end, or a last line still being written
            }
            n += 1;
            reader.hasher.update(&line);
            reader.bytes += got as u64;
            let text = String::from_utf8_lossy(&line);
            let hits = if format.by_line() {
                evidence::parse_line(format, &text, &mut cache, opts).map(|h| h.into_iter().collect::<Vec<_>>())
            } else if text.trim().is_empty() {
                Ok(Vec::new())
            } else {
                serde_json::from_str(&text).map_err(|e| e.to_string()).and_then(|v| documents::record(format, &v, opts))
            };
            match hits {
                Ok(hits) => {
                    records += !hits.is_empty() as u64;
                    for h in hits {
                        if let Err(e) = agg.add(&h) {
                            note_bad(agg, n, e);
                        }
                    }
                }
                Err(e) => note_bad(agg, n, e),
            }
        }
    } else {
        let mut entry = 0u32;
        let mut each = |v: serde_json::Value| -> std::result::Result<(), String> {
            entry += 1;
            match documents::record(format, &v, opts) {
                Ok(hits) => {
                    records += 1;
                    for h in hits {
                        if let Err(e) = agg.add(&h) {
                            agg.bad(format!("{name}: entry {entry}: {e}"));
                        }
                    }
                }
                Err(e) => agg.bad(format!("{name}: entry {entry}: {e}")),
            }
            Ok(())
        };
        documents::stream(&mut *reader, documents::array_path(format), &mut each).map_err(|(line, col, why)| {
            Error::Input(Located::new(name, Some(line as u32), Some(col as u32), format!("not a {} document: {why}", format.as_str())))
        })?;
    }
    if records == 0
        && let Some((line, why)) = first_bad
    {
        return Err(Error::Input(Located::new(name, Some(line), Some(1), format!("not {} evidence: {why}", format.as_str()))));
    }
    Ok(records)
}

/// Whether a document format comes one JSON value per line (NDJSON, the collector's file
/// exporter) rather than as one document: its first line is a whole JSON value.
fn single_line_documents<R: BufRead>(format: Format, reader: &mut Hashing<R>) -> bool {
    if format.by_line() {
        return true;
    }
    let Ok(buf) = reader.inner.fill_buf() else { return false };
    let text = String::from_utf8_lossy(buf);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    first.trim_start().starts_with('{') && serde_json::from_str::<serde_json::Value>(first).is_ok()
}

/// Writes the batch of one evidence file and says what was done.
fn finish(archive: &Archive, read: Read1, agg: Aggregate, now: &str, known: &[EvidenceRange]) -> Result<FileIngest> {
    let Read1 { file, format, range, records, skip } = read;
    let from_byte = range.as_ref().map_or(0, |r| r.start);
    let (matched, unmatched, bad, bad_examples) = (agg.matched, agg.unmatched, agg.bad_count, agg.bad_examples.clone());
    let mut out = FileIngest {
        file,
        format,
        batch: None,
        written: false,
        from_byte,
        records,
        matched,
        unmatched,
        bad,
        bad_examples,
        undocumented: Vec::new(),
    };
    let Some(range) = range.filter(|r| !skip && r.end > r.start) else { return Ok(out) };
    let id = batch_id(&range);
    out.batch = Some(id.clone());
    if known.iter().any(|k| k == &range) {
        return Ok(out);
    }
    let (written, undocumented) = agg.save(archive, &id, now, format, &range)?;
    (out.written, out.undocumented) = (written, undocumented);
    Ok(out)
}

/// Strings of one ingest kept once each: the counts are keyed by their ids, so a million
/// requests from a hundred thousand clients hold each client, day and time once.
#[derive(Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(s.into(), id);
        id
    }

    /// The strings by id (once, when the batch is written).
    fn into_strings(self) -> Vec<String> {
        let mut out = vec![String::new(); self.ids.len()];
        for (s, id) in self.ids {
            out[id as usize] = s.into_string();
        }
        out
    }
}

/// The time of day part of a record's time (`THH:MM:SSZ`) per id, for comparing last-seen
/// times without keeping a string per count.
#[derive(Default)]
struct Times {
    ids: HashMap<Box<str>, u32>,
    strs: Vec<Box<str>>,
}

impl Times {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.strs.len() as u32;
        self.ids.insert(s.into(), id);
        self.strs.push(s.into());
        id
    }

    fn get(&self, id: u32) -> &str {
        &self.strs[id as usize]
    }
}

/// No last-seen time yet.
const NO_TIME: u32 = u32::MAX;

/// A count's key: module, element, client and day ids.
type Key = (u32, u32, u32, u32);

/// Counts of one evidence file, keyed by ids (see [`Interner`]) instead of repeating the
/// element's, client's and day's strings per count.
struct Aggregate<'r> {
    routes: &'r Routes,
    salt: &'r str,
    elements: HashMap<(usize, Element), u32>,
    element_list: Vec<(usize, Element)>,
    strings: Interner,
    times: Times,
    /// (module, element, client, day) → (requests, last seen time-of-day id).
    counts: HashMap<Key, (u64, u32)>,
    /// (module, day, client) → requests that matched an element, each request once.
    module_matched: HashMap<(u32, u32, u32), u64>,
    /// (module, day, client) → requests that matched nothing.
    module_unmatched: HashMap<(u32, u32, u32), u64>,
    undocumented: HashMap<(Option<usize>, String, String), (u64, String)>,
    values: HashMap<(usize, Element), ValueStats>,
    /// (module, method, path template, status, day) → the merged shape of the sampled
    /// response bodies (payload conformance).
    responses: HashMap<(usize, String, String, String, String), ResponseShape>,
    /// Peer address → client id (the salted hash computed once per peer).
    peers: HashMap<Box<str>, u32>,
    graphql: HashMap<String, std::result::Result<Option<crate::usage::routes::Selected>, String>>,
    matched: u64,
    unmatched: u64,
    bad_count: u64,
    bad_examples: Vec<String>,
}

/// Cached GraphQL documents per ingest (a trace repeats the same few documents).
const GRAPHQL_CACHE: usize = 10_000;

impl<'r> Aggregate<'r> {
    fn new(routes: &'r Routes, salt: &'r str) -> Self {
        Aggregate {
            routes,
            salt,
            elements: HashMap::new(),
            element_list: Vec::new(),
            strings: Interner::default(),
            times: Times::default(),
            counts: HashMap::new(),
            module_matched: HashMap::new(),
            module_unmatched: HashMap::new(),
            undocumented: HashMap::new(),
            values: HashMap::new(),
            responses: HashMap::new(),
            peers: HashMap::new(),
            graphql: HashMap::new(),
            matched: 0,
            unmatched: 0,
            bad_count: 0,
            bad_examples: Vec::new(),
        }
    }

    fn bad(&mut self, why: String) {
        self.bad_count += 1;
        if self.bad_examples.len() < BAD_SHOWN {
            self.bad_examples.push(why);
        }
    }

    /// The stored client's id: the configured header's value, else the user agent's product
    /// token, else a salted hash of the peer address; never the address itself.
    fn client(&mut self, who: &Who) -> u32 {
        if let Some(c) = who.client.as_deref().map(clean).filter(|c| !c.is_empty()) {
            return self.strings.id(&c);
        }
        if let Some(ua) = who.user_agent.as_deref() {
            let product = clean(ua.split(['/', ' ', '(']).next().unwrap_or(""));
            if !product.is_empty() {
                return self.strings.id(&product);
            }
        }
        let Some(peer) = who.peer.as_deref() else { return self.strings.id("unknown") };
        if let Some(c) = self.peers.get(peer) {
            return *c;
        }
        let h = hex(&Sha256::digest(format!("usage-client\0{}\0{peer}", self.salt).as_bytes()));
        let c = self.strings.id(&format!("client-{}", &h[..12]));
        self.peers.insert(peer.into(), c);
        c
    }

    fn element(&mut self, module: usize, element: Element) -> u32 {
        let key = (module, element);
        if let Some(id) = self.elements.get(&key) {
            return *id;
        }
        let id = self.element_list.len() as u32;
        self.element_list.push(key.clone());
        self.elements.insert(key, id);
        id
    }

    /// The day's id and the time of day's id of a record's time (at least 10 characters).
    fn when(&mut self, time: &str) -> (u32, u32) {
        (self.strings.id(&time[..10]), self.times.id(&time[10..]))
    }

    fn count(&mut self, module: usize, element: Element, client: u32, (day, at): (u32, u32), n: u64) {
        let element = self.element(module, element);
        let e = self.counts.entry((module as u32, element, client, day)).or_insert((0, NO_TIME));
        e.0 += n;
        if e.1 == NO_TIME || self.times.get(at) > self.times.get(e.1) {
            e.1 = at;
        }
    }

    /// One request matched something documented in `module`: it counts once in the module's
    /// requests, whatever number of elements it used.
    fn matched_request(&mut self, module: usize, client: u32, (day, _): (u32, u32), n: u64) {
        self.matched += n;
        *self.module_matched.entry((module as u32, day, client)).or_default() += n;
    }

    fn drift(&mut self, module: Option<usize>, method: &str, path: String, client: u32, time: &str, n: u64) {
        self.unmatched += n;
        let e = self.undocumented.entry((module, method.to_string(), path)).or_insert((0, String::new()));
        e.0 += n;
        if time > e.1.as_str() {
            e.1 = time.to_string();
        }
        if let Some(m) = module {
            let day = self.strings.id(&time[..10]);
            *self.module_unmatched.entry((m as u32, day, client)).or_default() += n;
        }
    }

    fn value(&mut self, module: usize, element: Element, value: &str, n: u64) {
        let name = &self.routes.names()[module];
        self.values.entry((module, element.clone())).or_insert_with(|| ValueStats::new(name, element)).add(self.salt, value, n);
    }

    /// Counts one hit; an error for a record that cannot be matched at all (a GraphQL
    /// document that does not parse).
    fn add(&mut self, hit: &Hit) -> std::result::Result<(), String> {
        if hit.time.len() < 10 || !hit.time.is_char_boundary(10) {
            return Err(format!("unreadable time {:?}", hit.time));
        }
        let client = self.client(&hit.who);
        match &hit.call {
            Call::Http(c) => self.add_http(c, client, &hit.time, hit.count),
            Call::Rpc { service, method } => match self.routes.rpc(service, method) {
                Some((m, true)) => {
                    let when = self.when(&hit.time);
                    self.matched_request(m, client, when, hit.count);
                    self.count(m, Element::Rpc { service: service.clone(), method: method.clone() }, client, when, hit.count);
                }
                Some((m, false)) => self.drift(Some(m), "RPC", format!("{service}/{method}"), client, &hit.time, hit.count),
                None => self.drift(None, "RPC", format!("{service}/{method}"), client, &hit.time, hit.count),
            },
            Call::GraphQl { document } => return self.add_graphql(document, client, &hit.time, hit.count),
        }
        Ok(())
    }

    fn add_http(&mut self, c: &evidence::HttpCall, client: u32, time: &str, n: u64) {
        let (path, query) = c.target.split_once('?').unwrap_or((&c.target, ""));
        let routes = self.routes;
        match routes.http(&c.method, c.host.as_deref(), path) {
            HttpMatch::Op(m, op) => {
                let when = self.when(time);
                self.matched_request(m, client, when, n);
                let (method, tpl) = (op.method.clone(), op.path.clone());
                self.count(m, Element::Operation { method: method.clone(), path: tpl.clone() }, client, when, n);
                let param = |location: &str, name: String| Element::Parameter {
                    method: method.clone(),
                    path: tpl.clone(),
                    location: location.into(),
                    name,
                };
                let mut seen = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    let k = decode(k);
                    let e = param("query", k.clone());
                    self.value(m, e.clone(), &decode(v), n);
                    if !seen.contains(&k) {
                        self.count(m, e, client, when, n);
                        seen.push(k);
                    }
                }
                for h in c.headers.iter().filter(|h| op.headers.contains(*h)) {
                    self.count(m, param("header", h.clone()), client, when, n);
                }
                let prop = |direction: &str, pointer: &str| Element::Property {
                    method: method.clone(),
                    path: tpl.clone(),
                    direction: direction.into(),
                    pointer: pointer.into(),
                };
                for p in &c.sent {
                    self.count(m, prop("request", p), client, when, n);
                }
                for p in &c.received {
                    self.count(m, prop("response", p), client, when, n);
                }
                for (p, v) in &c.sent_values {
                    self.value(m, prop("request", p), v, n);
                }
                if let Some((status, shape)) = &c.response {
                    self.response(m, &method, &tpl, status, time, shape, n);
                }
            }
            HttpMatch::Unmatched(m) => self.drift(m, &c.method, normalise(path), client, time, n),
        }
    }

    /// Merges a sampled response body's shape into its operation's, status's and day's (the
    /// first type seen for a pointer wins; at most [`MAX_POINTERS`] pointers per shape).
    #[allow(clippy::too_many_arguments)]
    fn response(&mut self, m: usize, method: &str, path: &str, status: &str, time: &str, shape: &BTreeMap<String, String>, n: u64) {
        let day = time.get(..10).unwrap_or(time).to_string();
        let key = (m, method.to_string(), path.to_string(), status.to_string(), day.clone());
        let name = self.routes.names().get(m).cloned().unwrap_or_default();
        let merged = self.responses.entry(key).or_insert_with(|| ResponseShape {
            module: name,
            method: method.to_string(),
            path: path.to_string(),
            status: status.to_string(),
            day,
            samples: 0,
            properties: BTreeMap::new(),
        });
        merged.samples += n;
        for (p, t) in shape {
            if merged.properties.len() >= MAX_POINTERS {
                break;
            }
            merged.properties.entry(p.clone()).or_insert_with(|| t.clone());
        }
    }

    fn add_graphql(&mut self, document: &str, client: u32, time: &str, n: u64) -> std::result::Result<(), String> {
        if !self.graphql.contains_key(document) {
            if self.graphql.len() >= GRAPHQL_CACHE {
                self.graphql.clear();
            }
            self.graphql.insert(document.to_string(), self.routes.graphql(document));
        }
        match self.graphql[document].clone()? {
            None => self.drift(None, "GRAPHQL", "(no GraphQL module)".into(), client, time, n),
            Some(sel) => {
                let when = self.when(time);
                if sel.elements.is_empty() {
                    *self.module_unmatched.entry((sel.module as u32, when.0, client)).or_default() += n;
                } else {
                    self.matched_request(sel.module, client, when, n);
                }
                for e in sel.elements {
                    self.count(sel.module, e, client, when, n);
                }
                for u in sel.unknown {
                    self.undocumented_only(sel.module, u, time, n);
                }
            }
        }
        Ok(())
    }

    fn undocumented_only(&mut self, module: usize, path: String, time: &str, n: u64) {
        let e = self.undocumented.entry((Some(module), "GRAPHQL".into(), path)).or_insert((0, String::new()));
        e.0 += n;
        if time > e.1.as_str() {
            e.1 = time.to_string();
        }
    }

    /// Writes the batch (unless it exists): `true` when written, with the undocumented
    /// endpoints shown. The counts are written from the ids, sorted by module, element, day and
    /// client, without building a [`crate::usage::DailyCount`] per count.
    fn save(self, archive: &Archive, id: &str, now: &str, format: Format, range: &EvidenceRange) -> Result<(bool, Vec<Undocumented>)> {
        let names = self.routes.names();
        let strings = self.strings.into_strings();
        // Ranks give the order of the strings and elements as integers.
        let rank = |n: usize, cmp: &dyn Fn(&usize, &usize) -> std::cmp::Ordering| {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(cmp);
            let mut rank = vec![0u32; n];
            for (r, i) in order.into_iter().enumerate() {
                rank[i] = r as u32;
            }
            rank
        };
        let string_rank = rank(strings.len(), &|a, b| strings[*a].cmp(&strings[*b]));
        let element_rank = rank(self.element_list.len(), &|a, b| self.element_list[*a].1.cmp(&self.element_list[*b].1));
        let module_rank = rank(names.len(), &|a, b| names[*a].cmp(&names[*b]));
        let mut counts: Vec<(Key, (u64, u32))> = self.counts.into_iter().collect();
        counts.sort_unstable_by_key(|((m, e, c, d), _)| {
            (module_rank[*m as usize], element_rank[*e as usize], string_rank[*d as usize], string_rank[*c as usize])
        });
        let view = Views { names, strings: &strings, elements: &self.element_list, times: &self.times };
        let rows = |map: HashMap<(u32, u32, u32), u64>| {
            let mut rows: Vec<((u32, u32, u32), u64)> = map.into_iter().collect();
            rows.sort_unstable_by_key(|((m, d, c), _)| (module_rank[*m as usize], string_rank[*d as usize], string_rank[*c as usize]));
            rows
        };
        let (unmatched, matched) = (rows(self.module_unmatched), rows(self.module_matched));
        let mut undocumented: Vec<Undocumented> = self
            .undocumented
            .into_iter()
            .map(|((m, method, path), (requests, last_seen))| Undocumented {
                module: m.map(|m| names[m].clone()).unwrap_or_default(),
                method,
                path,
                requests,
                last_seen,
            })
            .collect();
        undocumented.sort_by(|a, b| {
            b.requests.cmp(&a.requests).then_with(|| (&a.module, &a.method, &a.path).cmp(&(&b.module, &b.method, &b.path)))
        });
        let mut responses: Vec<ResponseShape> = self.responses.into_values().collect();
        responses
            .sort_by(|a, b| (&a.module, &a.method, &a.path, &a.status, &a.day).cmp(&(&b.module, &b.method, &b.path, &b.status, &b.day)));
        let mut values: Vec<ValueStats> = self.values.into_values().collect();
        values.sort_by(|a, b| (&a.module, &a.element).cmp(&(&b.module, &b.element)));
        let out = BatchOut {
            version: USAGE_VERSION,
            id,
            time: now,
            evidence: format.as_str(),
            counts: CountsOut { view: &view, counts: &counts },
            unmatched: (!unmatched.is_empty()).then_some(RowsOut { view: &view, rows: &unmatched }),
            module_requests: Some(RowsOut { view: &view, rows: &matched }),
            values: &[],
            responses: &responses,
            source: Some(range),
            undocumented: &undocumented,
            value_digests: &values,
        };
        let written = write_batch(archive.store(), &out)?;
        undocumented.truncate(UNDOCUMENTED_SHOWN);
        Ok((written, undocumented))
    }
}

/// What turns an aggregate's ids back into strings while its batch is written.
struct Views<'a> {
    names: &'a [String],
    strings: &'a [String],
    elements: &'a [(usize, Element)],
    times: &'a Times,
}

/// The counts of a batch, written as [`crate::usage::DailyCount`]s from their ids.
struct CountsOut<'a> {
    view: &'a Views<'a>,
    counts: &'a [(Key, (u64, u32))],
}

/// One count as written: the fields of a [`crate::usage::DailyCount`].
#[derive(Serialize)]
struct CountOut<'a> {
    module: &'a str,
    element: &'a Element,
    client: &'a str,
    day: &'a str,
    requests: u64,
    last_seen: std::fmt::Arguments<'a>,
}

impl Serialize for CountsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let v = self.view;
        let mut seq = ser.serialize_seq(Some(self.counts.len()))?;
        for ((m, e, c, d), (requests, at)) in self.counts {
            let day = v.strings[*d as usize].as_str();
            seq.serialize_element(&CountOut {
                module: &v.names[*m as usize],
                element: &v.elements[*e as usize].1,
                client: &v.strings[*c as usize],
                day,
                requests: *requests,
                last_seen: format_args!("{day}{}", v.times.get(*at)),
            })?;
        }
        seq.end()
    }
}

/// Per-module rows of a batch, `(module, day, client, requests)`, written from their ids.
struct RowsOut<'a> {
    view: &'a Views<'a>,
    rows: &'a [((u32, u32, u32), u64)],
}

impl Serialize for RowsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let v = self.view;
        let mut seq = ser.serialize_seq(Some(self.rows.len()))?;
        for ((m, d, c), n) in self.rows {
            seq.serialize_element(&(&v.names[*m as usize], &v.strings[*d as usize], &v.strings[*c as usize], n))?;
        }
        seq.end()
    }
}

/// A client name as stored: printable, at most 64 characters.
fn clean(s: &str) -> String {
    s.trim().chars().filter(|c| !c.is_control()).take(64).collect()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// `/pets/123/photos/9f1c…` → `/pets/{}/photos/{}`: identifiers (numbers, UUIDs, long hex or
/// mixed tokens) become `{}` so undocumented endpoints group.
pub fn normalise(path: &str) -> String {
    let seg = |s: &str| {
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        let id = !s.is_empty()
            && (s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() >= 16 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
                || (s.len() >= 12 && digits >= 3 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')));
        if id { "{}".to_string() } else { s.to_string() }
    };
    let out: Vec<String> = path.split('/').map(seg).collect();
    let joined = out.join("/");
    if joined.is_empty() { "/".into() } else { joined }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_normalised_out_of_undocumented_paths() {
        assert_eq!(normalise("/pets/123/photos/3fa85f64-5717-4562-b3fc-2c963f66afa6"), "/pets/{}/photos/{}");
        assert_eq!(normalise("/users/me"), "/users/me");
        assert_eq!(normalise(""), "/");
    }
}
