//! Live sources: a locator naming a running service (`http(s)://` for a served document,
//! `graphql+http(s)://` for introspection, `grpc(s)://` for server reflection) or a document a
//! service writes (`file:///absolute/path`) turned into an [`Input`] like a file, and polls of
//! them that cost what a fetch costs ([`poll_all`]: conditional requests, a content hash before
//! anything is parsed, bounded concurrency per host). Live locators come only from the command
//! line and the configuration; a spec's `$ref`s never reach here.

use super::http::{Budget, Conditional, HttpFetch, Remote, redact};
use super::{Fetch, Input, grpc, introspection};
use crate::error::{Located, Result};
use base64::Engine;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// First line of the text that stands for a gRPC server's descriptors (a base64
/// FileDescriptorSet follows), so a live gRPC snapshot can be archived and read back as text.
pub const DESCRIPTOR_SET_MARKER: &str = "# apidiff: protobuf FileDescriptorSet (base64) from gRPC server reflection";

/// The kind of service a live locator names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// A document served over HTTP(S).
    Http,
    /// GraphQL introspection.
    GraphQl,
    /// gRPC server reflection.
    Grpc,
    /// A document on this machine (`file:///absolute/path`), read whole each poll.
    File,
}

/// The protocol of a live locator, `None` for files and git locators.
pub fn protocol(locator: &str) -> Option<Protocol> {
    let (scheme, rest) = locator.split_once("://")?;
    if rest.is_empty() {
        return None;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => Some(Protocol::Http),
        "graphql+http" | "graphql+https" => Some(Protocol::GraphQl),
        "grpc" | "grpcs" => Some(Protocol::Grpc),
        "file" => Some(Protocol::File),
        _ => None,
    }
}

/// Whether `locator` names a running service rather than a file.
pub fn is_live(locator: &str) -> bool {
    protocol(locator).is_some()
}

/// A live source has no sibling files: every reference inside it is refused.
#[derive(Debug)]
pub(crate) struct NoSiblings;

impl Fetch for NoSiblings {
    fn fetch(&self, path: &Path) -> Result<String> {
        Err(Located::file(path.display().to_string(), "a live source has no sibling files").into())
    }

    fn display(&self, path: &Path) -> String {
        path.display().to_string()
    }
}

/// The HTTP clients of one batch of live sources, one per origin (the outbound policy is the
/// origin's: which addresses it may reach, where its secret headers may go), built on first use
/// and shared (a client per request would load the TLS roots and start a runtime thread every
/// time). Every source draws on the batch's byte budget and ends by the batch's deadline (the
/// timeout from the batch's start), so one slow source never holds the others or the caller.
#[derive(Debug)]
pub struct Clients {
    remote: Remote,
    run: Arc<Budget>,
    until: std::time::Instant,
    built: std::sync::Mutex<HashMap<(bool, String), std::result::Result<HttpFetch, String>>>,
}

impl Clients {
    /// Clients for `remote`, built on first use; the deadline starts now.
    pub fn new(remote: &Remote) -> Clients {
        let run = Budget::new(remote.run_bytes.unwrap_or(super::http::RUN_BYTES), "this run");
        let until = std::time::Instant::now() + remote.timeout.unwrap_or(super::http::TIMEOUT);
        Clients { remote: remote.clone(), run, until, built: std::sync::Mutex::new(HashMap::new()) }
    }

    /// The client for requests to `url`'s origin, set up for reading one source.
    fn get(&self, h2: bool, url: &str) -> std::result::Result<HttpFetch, String> {
        let origin = reqwest::Url::parse(url).map(|u| u.origin().ascii_serialization()).map_err(|e| format!("not a URL: {e}"))?;
        let mut built = self.built.lock().map_err(|_| "the client cache is poisoned".to_string())?;
        let client = built
            .entry((h2, origin.clone()))
            .or_insert_with(|| HttpFetch::configured(&self.remote, h2, Some(&origin), self.run.clone()).map_err(|e| e.to_string()));
        client.as_ref().map(|c| c.for_source(self.until)).map_err(Clone::clone)
    }
}

/// Reads a live locator; every failure is one line naming the locator (without credentials).
pub fn open(locator: &str, remote: &Remote) -> Result<Input> {
    open_with(locator, &Clients::new(remote))
}

/// [`open`] with shared clients.
pub fn open_with(locator: &str, clients: &Clients) -> Result<Input> {
    let name = redact(locator);
    let fail = |m: String| Located::file(&name, m);
    match protocol(locator) {
        Some(Protocol::Http) => {
            let fetch = clients.get(false, locator).map_err(fail)?;
            let text = fetch.get(locator)?;
            if text.trim_start().starts_with('<') {
                return Err(fail("not an API description: the server answered with HTML or XML".into()).into());
            }
            Ok(Input { name, path: PathBuf::from(locator), text, fetch: Arc::new(fetch) })
        }
        Some(Protocol::GraphQl) => {
            let url = &locator["graphql+".len()..];
            let fetch = clients.get(false, url).map_err(fail)?;
            let text = introspection::fetch(&fetch, url).map_err(fail)?;
            Ok(Input { name, path: PathBuf::from("introspection.graphql"), text, fetch: Arc::new(NoSiblings) })
        }
        Some(Protocol::Grpc) => {
            let tls = locator.to_ascii_lowercase().starts_with("grpcs:");
            let base = format!("{}{}", if tls { "https" } else { "http" }, &locator[locator.find("://").unwrap_or(0)..]);
            let fetch = clients.get(!tls, &base).map_err(fail)?;
            let bytes = grpc::fetch(locator, &fetch).map_err(fail)?;
            let text = format!("{DESCRIPTOR_SET_MARKER}\n{}\n", base64::engine::general_purpose::STANDARD.encode(bytes));
            Ok(Input { name, path: PathBuf::from("reflection.proto"), text, fetch: Arc::new(NoSiblings) })
        }
        Some(Protocol::File) => {
            let path = file_path(locator).map_err(fail)?;
            let text = super::into_text(&name, super::read_limited(&path, &name, super::MAX_FILE_BYTES)?)?;
            Ok(Input { name, path, text, fetch: Arc::new(NoSiblings) })
        }
        None => Err(fail(NOT_LIVE.into()).into()),
    }
}

/// What a locator that is not live is told.
pub const NOT_LIVE: &str = "not a live locator (expected http(s)://, graphql+http(s)://, grpc(s):// or file:///absolute/path)";

/// The path of a `file://` locator: absolute (a watcher has no working folder of its own).
fn file_path(locator: &str) -> std::result::Result<PathBuf, String> {
    let rest = &locator["file://".len()..];
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8().map_err(|_| "the path is not UTF-8".to_string())?;
    let path = PathBuf::from(decoded.as_ref());
    if !path.is_absolute() {
        return Err("a file:// source needs an absolute path (file:///srv/api/openapi.yaml)".into());
    }
    Ok(path)
}

/// Live sources fetched at once by default (`check --live`, `watch`).
pub const CONCURRENCY: usize = 16;

/// Requests in flight to one host at most (one gateway in front of many services is polled,
/// not flooded; local files count as one host).
pub const PER_HOST: usize = 4;

/// Opens every locator with at most `concurrency` requests in flight (and [`PER_HOST`] per
/// host); results in input order.
pub fn open_all(locators: &[String], remote: &Remote, concurrency: usize) -> Vec<Result<Input>> {
    let clients = Clients::new(remote);
    bounded(locators, concurrency, PER_HOST, |_, locator| open_with(locator, &clients))
}

/// What the last poll of a live source saw, so the next one costs a conditional request, or a
/// hash when the server ignores validators: the validators the server answered with and the
/// sha256 of the bytes it served.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    /// The `ETag` it answered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The `Last-Modified` it answered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The sha256 (hex) of the bytes it served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// What a poll of one source found.
#[derive(Debug)]
pub enum Answer {
    /// What the last poll saw (a `304`, or the same bytes): nothing was kept or parsed.
    Same,
    /// Something else, to load and compare.
    New(Input),
}

/// Polls a live locator: a conditional GET for a served document (`If-None-Match`,
/// `If-Modified-Since`), a streamed hash for a file, and for every source a hash of what it
/// served compared with `seen` before anything is kept. Returns the answer and what to
/// remember for the next poll; every failure is one line naming the locator.
pub fn poll_with(locator: &str, clients: &Clients, seen: &Seen) -> Result<(Answer, Seen)> {
    let name = redact(locator);
    let fail = |m: String| Located::file(&name, m);
    match protocol(locator) {
        Some(Protocol::Http) => {
            let fetch = clients.get(false, locator).map_err(fail)?;
            let (bytes, etag, last_modified) = match fetch.get_if(locator, seen.etag.as_deref(), seen.last_modified.as_deref())? {
                Conditional::NotModified => return Ok((Answer::Same, seen.clone())),
                Conditional::Body { bytes, etag, last_modified } => (bytes, etag, last_modified),
            };
            let now = Seen { etag, last_modified, sha256: Some(sha256(&bytes)) };
            if seen.sha256.is_some() && now.sha256 == seen.sha256 {
                return Ok((Answer::Same, now));
            }
            let text = super::into_text(&name, bytes)?;
            if text.trim_start().starts_with('<') {
                return Err(fail("not an API description: the server answered with HTML or XML".into()).into());
            }
            Ok((Answer::New(Input { name, path: PathBuf::from(locator), text, fetch: Arc::new(fetch) }), now))
        }
        Some(Protocol::File) => {
            let path = file_path(locator).map_err(fail)?;
            // A file's `Last-Modified` is its size and modification time, kept only when that
            // time is over two seconds old (a later write then always moves it): the same
            // stamp again is the same file, not even read. Otherwise it is streamed into the hash.
            let stamp = stamp(&path);
            if seen.sha256.is_some() && stamp.is_some() && seen.last_modified == stamp {
                return Ok((Answer::Same, seen.clone()));
            }
            let hash = super::hash_limited(&path, &name, super::MAX_FILE_BYTES)?;
            if seen.sha256.as_deref() == Some(hash.as_str()) {
                return Ok((Answer::Same, Seen { last_modified: stamp, ..seen.clone() }));
            }
            // The hash remembered is that of the bytes loaded (the file may change in between).
            let bytes = super::read_limited(&path, &name, super::MAX_FILE_BYTES)?;
            let now = Seen { sha256: Some(sha256(&bytes)), last_modified: stamp, ..Seen::default() };
            let text = super::into_text(&name, bytes)?;
            Ok((Answer::New(Input { name, path, text, fetch: Arc::new(NoSiblings) }), now))
        }
        _ => {
            let input = open_with(locator, clients)?;
            let now = Seen { sha256: Some(sha256(input.text.as_bytes())), ..Seen::default() };
            if seen.sha256.is_some() && now.sha256 == seen.sha256 {
                return Ok((Answer::Same, now));
            }
            Ok((Answer::New(input), now))
        }
    }
}

/// Polls every source (locator and what its last poll saw) with at most `concurrency` requests
/// in flight and [`PER_HOST`] per host; results in input order. Only the answers of sources
/// that changed hold their bytes, so memory follows what changed, not how many sources there are.
pub fn poll_all(sources: &[(String, Seen)], remote: &Remote, concurrency: usize) -> Vec<Result<(Answer, Seen)>> {
    let clients = Clients::new(remote);
    let locators: Vec<String> = sources.iter().map(|(l, _)| l.clone()).collect();
    bounded(&locators, concurrency, PER_HOST, |i, locator| poll_with(locator, &clients, &sources[i].1))
}

/// A regular file's size and modification time (nanoseconds), when that time is over two
/// seconds old; `None` for anything else.
fn stamp(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file)?;
    let modified = meta.modified().ok()?;
    let age = std::time::SystemTime::now().duration_since(modified).ok()?;
    let since_epoch = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    (age > std::time::Duration::from_secs(2)).then(|| format!("{} bytes, modified {} ns", meta.len(), since_epoch.as_nanos()))
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    super::hex(&sha2::Sha256::digest(bytes))
}

/// The host a locator's requests go to (`host:port`, lowercase; every file is one host).
fn host_of(locator: &str) -> String {
    let rest = locator.split_once("://").map_or("", |(_, r)| r);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_ascii_lowercase()
}

/// Slots per host, taken before a request and given back after it.
struct Hosts {
    busy: std::sync::Mutex<HashMap<String, usize>>,
    freed: std::sync::Condvar,
    limit: usize,
}

impl Hosts {
    fn enter(&self, host: &str) {
        let Ok(mut busy) = self.busy.lock() else { return };
        while busy.get(host).copied().unwrap_or(0) >= self.limit {
            busy = match self.freed.wait(busy) {
                Ok(b) => b,
                Err(_) => return,
            };
        }
        *busy.entry(host.to_string()).or_default() += 1;
    }

    fn leave(&self, host: &str) {
        if let Ok(mut busy) = self.busy.lock()
            && let Some(n) = busy.get_mut(host)
        {
            *n = n.saturating_sub(1);
        }
        self.freed.notify_all();
    }
}

/// Runs `each` over every locator on at most `concurrency` threads, at most `per_host` at once
/// on any one host; results in input order.
fn bounded<R: Send>(locators: &[String], concurrency: usize, per_host: usize, each: impl Fn(usize, &str) -> R + Sync) -> Vec<R> {
    let hosts = Hosts { busy: std::sync::Mutex::new(HashMap::new()), freed: std::sync::Condvar::new(), limit: per_host.max(1) };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<R>>> = locators.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..concurrency.clamp(1, locators.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(locator) = locators.get(i) else { break };
                    let host = host_of(locator);
                    hosts.enter(&host);
                    let got = each(i, locator);
                    hosts.leave(&host);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(got);
                    }
                }
            });
        }
    });
    // Every index was taken by a thread that finished (a panic would have ended the scope).
    slots.into_iter().filter_map(|s| s.into_inner().ok().flatten()).collect()
}

/// The descriptor bytes of a text made by [`open`] for a gRPC server, `None` for any other text.
pub fn descriptor_set(text: &str) -> Option<Vec<u8>> {
    let rest = text.strip_prefix(DESCRIPTOR_SET_MARKER)?;
    base64::engine::general_purpose::STANDARD.decode(rest.trim()).ok()
}
