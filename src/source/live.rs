//! Live sources: a locator naming a running service (`http(s)://` for a served document,
//! `graphql+http(s)://` for introspection, `grpc(s)://` for server reflection) turned into an
//! [`Input`] like a file. Live locators come only from the command line and the configuration;
//! a spec's `$ref`s never reach here.

use super::http::{Budget, HttpFetch, Remote, redact};
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
        _ => None,
    }
}

/// Whether `locator` names a running service rather than a file.
pub fn is_live(locator: &str) -> bool {
    protocol(locator).is_some()
}

/// A live source has no sibling files: every reference inside it is refused.
#[derive(Debug)]
struct NoSiblings;

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
        None => Err(fail("not a live locator (expected http(s)://, graphql+http(s):// or grpc(s)://)".into()).into()),
    }
}

/// Live sources fetched at once by default (`check --live`, `watch`).
pub const CONCURRENCY: usize = 16;

/// Opens every locator with at most `concurrency` requests in flight; results in input order.
pub fn open_all(locators: &[String], remote: &Remote, concurrency: usize) -> Vec<Result<Input>> {
    let clients = Clients::new(remote);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Result<Input>>>> = locators.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..concurrency.clamp(1, locators.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(locator) = locators.get(i) else { break };
                    let got = open_with(locator, &clients);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(got);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|s| s.into_inner().ok().flatten().unwrap_or_else(|| Err(Located::file("(live)", "the fetch did not finish").into())))
        .collect()
}

/// The descriptor bytes of a text made by [`open`] for a gRPC server, `None` for any other text.
pub fn descriptor_set(text: &str) -> Option<Vec<u8>> {
    let rest = text.strip_prefix(DESCRIPTOR_SET_MARKER)?;
    base64::engine::general_purpose::STANDARD.decode(rest.trim()).ok()
}
