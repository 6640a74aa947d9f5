//! Reading documents over HTTP(S) with reqwest, under the same limits as every other input and the
//! outbound policy of [`super::client`]: no URL globbing, at most [`MAX_REDIRECTS`] redirects on
//! the same origin, a deadline per source covering connecting, headers, body and retries, and
//! byte budgets per response, per source and per run, checked while reading. Remote `$ref`s
//! (with `--allow-remote-refs`) use it through [`HttpFetch`].

use super::Fetch;
use crate::error::{Located, Result};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Most redirects followed.
pub const MAX_REDIRECTS: usize = 5;
/// Default timeout of one request.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Default response limit, and default budget of one source (all its requests together).
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// Default budget of one run (every source together).
pub const RUN_BYTES: u64 = 256 * 1024 * 1024;

/// How live sources are reached: extra headers (values come from the command line or the
/// environment, never from a spec), an extra CA, the timeout, retries and the response limit.
#[derive(Clone, Default)]
pub struct Remote {
    /// Headers sent with every request (`Authorization`, ...). Never logged or recorded.
    pub headers: Vec<(String, String)>,
    /// A PEM file with extra CA certificates.
    pub ca_file: Option<PathBuf>,
    /// Timeout of one request (default [`TIMEOUT`]).
    pub timeout: Option<Duration>,
    /// Byte limit of one source, all its requests together (default [`MAX_BYTES`]).
    pub max_bytes: Option<u64>,
    /// Byte limit of one run, every source together (default [`RUN_BYTES`]).
    pub run_bytes: Option<u64>,
    /// Retries after a failed connection, a timeout or a 5xx (default [`RETRIES`]).
    pub retries: Option<u32>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values are secrets: show the names only.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Remote").field("headers", &names).field("ca_file", &self.ca_file).field("timeout", &self.timeout).finish()
    }
}

/// Retries after a failed attempt.
pub const RETRIES: u32 = 2;

impl Remote {
    /// Parses `Name: value` (the `--header` syntax).
    pub fn parse_header(text: &str) -> std::result::Result<(String, String), String> {
        let (name, value) = text.split_once(':').ok_or_else(|| "expected `Name: value`".to_string())?;
        let name = name.trim();
        if name.is_empty() || reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(format!("`{name}` is not a header name"));
        }
        Ok((name.to_string(), value.trim().to_string()))
    }
}

/// Bytes that may still be read, shared by everything that draws on it.
#[derive(Debug)]
pub struct Budget {
    left: std::sync::atomic::AtomicU64,
    total: u64,
    what: &'static str,
}

impl Budget {
    /// A budget of `total` bytes; `what` names it in the error (`this source`, `this run`).
    pub fn new(total: u64, what: &'static str) -> Arc<Budget> {
        Arc::new(Budget { left: std::sync::atomic::AtomicU64::new(total), total, what })
    }

    /// Takes `n` bytes, or says the budget is spent.
    fn take(&self, n: u64) -> std::result::Result<(), String> {
        use std::sync::atomic::Ordering;
        self.left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(n))
            .map(|_| ())
            .map_err(|_| format!("more than {} bytes were read for {} (its download budget)", self.total, self.what))
    }

    fn left(&self) -> u64 {
        self.left.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Fetches documents by URL.
#[derive(Debug, Clone)]
pub struct HttpFetch {
    client: reqwest::blocking::Client,
    max_bytes: u64,
    retries: u32,
    timeout: Duration,
    /// The origin the client was built for (`None`: public addresses only).
    origin: Option<String>,
    /// When the source being read must be done, set by [`HttpFetch::for_source`].
    until: Option<Instant>,
    source: Arc<Budget>,
    run: Arc<Budget>,
}

/// One HTTP failure, already worded for the user (`HTTP 401 (unauthorized)`, `connection refused`).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if let Some(refused) = policy_refusal(e) {
        refused
    } else if e.is_redirect() {
        format!("more than {MAX_REDIRECTS} redirects")
    } else if e.is_connect() {
        let text = format!("{e:?}").to_ascii_lowercase();
        if text.contains("refused") {
            "connection refused".into()
        } else if text.contains("certificate") || text.contains("unknownissuer") {
            let why = if text.contains("unknownissuer") {
                "is not signed by a trusted CA (give its CA with --ca-file)"
            } else if text.contains("notvalidforname") {
                "does not name this host"
            } else if text.contains("expired") {
                "has expired"
            } else {
                "was rejected"
            };
            format!("TLS failure: the server's certificate {why}")
        } else {
            "cannot connect (unreachable host or TLS failure)".into()
        }
    } else {
        // reqwest's message may carry the URL; the caller names the locator itself.
        let mut m = e.to_string();
        if let Some(url) = e.url() {
            m = m.replace(url.as_str(), "");
        }
        format!("request failed: {}", m.trim())
    }
}

/// Whether reading a body failed because the request's deadline passed (reqwest's error is
/// inside the I/O error).
fn timed_out(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::TimedOut {
        return true;
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static));
    while let Some(err) = cur {
        if err.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout)
            || err.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The outbound policy's own words when it refused a redirect or an address.
fn policy_refusal(e: &reqwest::Error) -> Option<String> {
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        let text = inner.to_string();
        if text.contains("was refused") || text.contains("may not reach") || text.contains("more than") && e.is_redirect() {
            return Some(text);
        }
        src = inner.source();
    }
    None
}

/// The user-facing name of a status that is not success.
pub fn status_message(code: u16) -> String {
    match code {
        401 => "HTTP 401 (unauthorized: missing or wrong credentials)".into(),
        403 => "HTTP 403 (forbidden)".into(),
        404 => "HTTP 404 (not found)".into(),
        _ => format!("HTTP {code}"),
    }
}

impl HttpFetch {
    /// A client with the default timeout and limits, reaching public addresses only (remote
    /// `$ref`s: a spec never chooses to reach this machine or its network).
    pub fn new() -> Result<HttpFetch> {
        HttpFetch::with(TIMEOUT, MAX_BYTES)
    }

    /// A client with a timeout and a response limit, reaching public addresses only.
    pub fn with(timeout: Duration, max_bytes: u64) -> Result<HttpFetch> {
        let remote = Remote { timeout: Some(timeout), max_bytes: Some(max_bytes), retries: Some(0), ..Remote::default() };
        HttpFetch::configured(&remote, false, None, Budget::new(remote.run_bytes.unwrap_or(RUN_BYTES), "this run"))
    }

    /// A client for live sources at `origin` (a URL: its kind of address is reachable, see
    /// [`super::client`]): headers, CA file, timeout, retries and limits from `remote`, drawing on
    /// the run's byte budget `run`; `h2` speaks HTTP/2 without negotiation (plaintext gRPC).
    pub fn configured(remote: &Remote, h2: bool, origin: Option<&str>, run: Arc<Budget>) -> Result<HttpFetch> {
        let ca_pem = match &remote.ca_file {
            Some(ca) => {
                let name = ca.display().to_string();
                let pem = super::read_limited(ca, &name, super::MAX_SIDE_FILE_BYTES)?;
                // Checked here so that a bad bundle names its file.
                reqwest::Certificate::from_pem_bundle(&pem)
                    .map_err(|e| Located::file(&name, format!("not a PEM certificate bundle: {e}")))?;
                Some(pem)
            }
            None => None,
        };
        let timeout = remote.timeout.unwrap_or(TIMEOUT);
        let options = super::client::ClientOptions {
            timeout,
            redirects: super::client::Redirects::SameOrigin(MAX_REDIRECTS),
            ca_pem,
            headers: remote.headers.clone(),
            h2_prior_knowledge: h2,
            origin: origin.map(str::to_string),
        };
        let client = super::client::build(&options).map_err(|m| Located::file("(http)", m))?;
        let max_bytes = remote.max_bytes.unwrap_or(MAX_BYTES);
        Ok(HttpFetch {
            client,
            max_bytes,
            retries: remote.retries.unwrap_or(RETRIES),
            timeout,
            origin: origin.map(str::to_string),
            until: None,
            source: Budget::new(max_bytes, "this source"),
            run,
        })
    }

    /// This client for reading one source: every request it sends, with retries, ends by
    /// `until`, and every byte it reads draws on one fresh source budget.
    pub fn for_source(&self, until: Instant) -> HttpFetch {
        HttpFetch { until: Some(until), source: Budget::new(self.max_bytes, "this source"), ..self.clone() }
    }

    /// Time left before the deadline (the timeout when no source deadline is set).
    fn remaining(&self) -> Duration {
        self.until.map_or(self.timeout, |u| u.saturating_duration_since(Instant::now()))
    }

    /// Sends a request built by `make`, retrying connection failures, timeouts and 5xx answers
    /// with a growing pause; the error is one line without the URL.
    pub(crate) fn send(
        &self,
        make: impl Fn(&reqwest::blocking::Client) -> reqwest::blocking::RequestBuilder,
    ) -> std::result::Result<reqwest::blocking::Response, String> {
        // One deadline for every attempt: the request's own timeout (connect, headers and body)
        // is what is left of it.
        let until = Instant::now() + self.remaining();
        let mut attempt = 0;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err("timed out".into());
            }
            let outcome = make(&self.client).timeout(left).send();
            let retry = match &outcome {
                Ok(r) => r.status().is_server_error(),
                Err(e) => e.is_connect() || e.is_timeout(),
            };
            let pause = Duration::from_millis(100 << (attempt + 1));
            if !retry || attempt >= self.retries || until.saturating_duration_since(Instant::now()) <= pause {
                return outcome.map_err(|e| describe(&e));
            }
            attempt += 1;
            std::thread::sleep(pause);
        }
    }

    /// Reads a response body under the byte limit and the source's and the run's budgets (the
    /// request's deadline bounds the reading: a server that drips bytes times out).
    pub(crate) fn body(&self, resp: reqwest::blocking::Response) -> std::result::Result<Vec<u8>, String> {
        let limit = || format!("the response is larger than the limit of {} bytes", self.max_bytes);
        if resp.content_length().is_some_and(|n| n > self.max_bytes) {
            return Err(limit());
        }
        let cap = self.max_bytes.min(self.source.left()).min(self.run.left());
        let mut bytes = Vec::new();
        resp.take(cap + 1).read_to_end(&mut bytes).map_err(|e| {
            if timed_out(&e) { "timed out while reading the response".to_string() } else { format!("cannot read the response: {e}") }
        })?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(limit());
        }
        self.source.take(bytes.len() as u64)?;
        self.run.take(bytes.len() as u64)?;
        Ok(bytes)
    }

    /// GETs `url` and returns its body as text; every failure names the URL.
    pub fn get(&self, url: &str) -> Result<String> {
        let name = redact(url);
        let fail = |m: String| Located::file(&name, m);
        super::client::check_literal(url, self.origin.as_deref()).map_err(fail)?;
        let resp = self.send(|c| c.get(url)).map_err(fail)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(fail(status_message(status.as_u16())).into());
        }
        let bytes = self.body(resp).map_err(fail)?;
        super::into_text(&name, bytes)
    }
}

/// What a conditional GET got.
#[derive(Debug)]
pub enum Conditional {
    /// `304 Not Modified`: what the validators name is still what the server serves.
    NotModified,
    /// A body, with the validators the server sent along (kept for the next request).
    Body {
        /// The bytes, read under the budgets.
        bytes: Vec<u8>,
        /// The `ETag` header.
        etag: Option<String>,
        /// The `Last-Modified` header.
        last_modified: Option<String>,
    },
}

impl HttpFetch {
    /// GETs `url` with `If-None-Match: etag` and `If-Modified-Since: last_modified` when given;
    /// a `304` is [`Conditional::NotModified`] (no body read). Every failure names the URL.
    pub fn get_if(&self, url: &str, etag: Option<&str>, last_modified: Option<&str>) -> Result<Conditional> {
        use reqwest::header::{ETAG, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
        let name = redact(url);
        let fail = |m: String| Located::file(&name, m);
        super::client::check_literal(url, self.origin.as_deref()).map_err(fail)?;
        // Validators are what the server sent before; one that is no header value is not sent.
        let validators: Vec<(reqwest::header::HeaderName, HeaderValue)> = [(IF_NONE_MATCH, etag), (IF_MODIFIED_SINCE, last_modified)]
            .into_iter()
            .filter_map(|(h, v)| Some((h, HeaderValue::from_str(v?).ok()?)))
            .collect();
        let resp = self.send(|c| validators.iter().fold(c.get(url), |r, (h, v)| r.header(h.clone(), v.clone()))).map_err(fail)?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified);
        }
        if !status.is_success() {
            return Err(fail(status_message(status.as_u16())).into());
        }
        let header = |h| resp.headers().get(h).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_string);
        let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
        let bytes = self.body(resp).map_err(fail)?;
        Ok(Conditional::Body { bytes, etag, last_modified })
    }
}

/// Parts of query parameter names that mark a secret (`access_token`, `api_key`, `sig`, ...).
const SECRET_PARAMS: [&str; 9] = ["token", "key", "secret", "pass", "pwd", "auth", "sig", "credential", "session"];

/// A URL without the password of its user part (`https://u:secret@h/` → `https://u:***@h/`) and
/// without the values of secret-looking query parameters (`?access_token=x` → `?access_token=***`),
/// so a credential in a locator never reaches an error, a log or a record.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (auth, tail) = rest.split_at(auth_end);
    let tail = redact_query(tail);
    match auth.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => format!("{scheme}://{auth}{tail}"),
    }
}

/// A path, query and fragment with the values of secret-looking query parameters masked.
fn redact_query(tail: &str) -> String {
    let Some((path, rest)) = tail.split_once('?') else { return tail.to_string() };
    let (query, fragment) = match rest.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (rest, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((name, _)) if is_secret_param(name) => format!("{name}=***"),
            _ => p.to_string(),
        })
        .collect();
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    format!("{path}?{}{fragment}", params.join("&"))
}

fn is_secret_param(name: &str) -> bool {
    let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy().to_ascii_lowercase();
    SECRET_PARAMS.iter().any(|s| name.contains(s))
}

/// A URL kept in a `Path` loses one slash of `scheme://` to path normalisation; put it back.
fn url_of(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    for scheme in ["https:", "http:"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            return format!("{scheme}//{}", rest.trim_start_matches('/'));
        }
    }
    s
}

impl Fetch for HttpFetch {
    fn fetch(&self, path: &Path) -> Result<String> {
        self.get(&url_of(path))
    }

    fn display(&self, path: &Path) -> String {
        url_of(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_survive_path_normalisation() {
        let p = crate::source::normalize(&Path::new("https://h.example/a/b.yaml").parent().unwrap().join("../c.yaml"));
        assert_eq!(url_of(&p), "https://h.example/c.yaml");
        assert_eq!(url_of(Path::new("http://h/x.yaml")), "http://h/x.yaml");
    }

    #[test]
    fn budgets_are_shared_and_say_which_one_is_spent() {
        let run = Budget::new(100, "this run");
        let (a, b) = (Budget::new(80, "this source"), Budget::new(80, "this source"));
        // Each source within its own budget; together they spend the run's.
        for (source, n) in [(&a, 60), (&b, 30)] {
            source.take(n).unwrap();
            run.take(n).unwrap();
        }
        assert!(a.take(30).unwrap_err().contains("more than 80 bytes were read for this source"));
        b.take(30).unwrap();
        assert!(run.take(30).unwrap_err().contains("more than 100 bytes were read for this run"));
        assert_eq!(run.left(), 10);
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(redact("https://u:pw@h.example/a"), "https://u:***@h.example/a");
        assert_eq!(redact("grpc://h:1"), "grpc://h:1");
        assert_eq!(
            redact("https://h/openapi.json?v=2&access_token=abc&API%5FKEY=k#x?token=y"),
            "https://h/openapi.json?v=2&access_token=***&API%5FKEY=***#x?token=y"
        );
        assert_eq!(redact("https://u:pw@h/a?sig=s"), "https://u:***@h/a?sig=***");
        assert_eq!(Remote::parse_header("Authorization: Bearer x").unwrap(), ("Authorization".into(), "Bearer x".into()));
        assert!(Remote::parse_header("nocolon").is_err());
    }
}
