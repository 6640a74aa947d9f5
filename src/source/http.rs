//! Reading documents over HTTP(S) with reqwest, under the same limits as every other input: no
//! URL globbing, at most [`MAX_REDIRECTS`] redirects, a timeout, and a byte limit checked while
//! reading. Remote `$ref`s (with `--allow-remote-refs`) use it through [`HttpFetch`].

use super::Fetch;
use crate::error::{Located, Result};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Most redirects followed.
pub const MAX_REDIRECTS: usize = 5;
/// Default timeout of one request.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Default response limit.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

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
    /// Response limit in bytes (default [`MAX_BYTES`]).
    pub max_bytes: Option<u64>,
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

/// Fetches documents by URL.
#[derive(Debug, Clone)]
pub struct HttpFetch {
    client: reqwest::blocking::Client,
    max_bytes: u64,
    retries: u32,
}

/// One HTTP failure, already worded for the user (`HTTP 401 (unauthorized)`, `connection refused`).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
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
    /// A client with the default timeout and limits.
    pub fn new() -> Result<HttpFetch> {
        HttpFetch::with(TIMEOUT, MAX_BYTES)
    }

    /// A client with a timeout and a response limit.
    pub fn with(timeout: Duration, max_bytes: u64) -> Result<HttpFetch> {
        HttpFetch::configured(&Remote { timeout: Some(timeout), max_bytes: Some(max_bytes), retries: Some(0), ..Remote::default() }, false)
    }

    /// A client for live sources: headers, CA file, timeout, retries and limits from `remote`;
    /// `h2` speaks HTTP/2 without negotiation (plaintext gRPC).
    pub fn configured(remote: &Remote, h2: bool) -> Result<HttpFetch> {
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
        let options = super::client::ClientOptions {
            timeout: remote.timeout.unwrap_or(TIMEOUT),
            redirects: super::client::Redirects::Limited(MAX_REDIRECTS),
            ca_pem,
            headers: remote.headers.clone(),
            h2_prior_knowledge: h2,
        };
        let client = super::client::build(&options).map_err(|m| Located::file("(http)", m))?;
        Ok(HttpFetch { client, max_bytes: remote.max_bytes.unwrap_or(MAX_BYTES), retries: remote.retries.unwrap_or(RETRIES) })
    }

    /// Sends a request built by `make`, retrying connection failures, timeouts and 5xx answers
    /// with a growing pause; the error is one line without the URL.
    pub(crate) fn send(
        &self,
        make: impl Fn(&reqwest::blocking::Client) -> reqwest::blocking::RequestBuilder,
    ) -> std::result::Result<reqwest::blocking::Response, String> {
        let mut attempt = 0;
        loop {
            let outcome = make(&self.client).send();
            let retry = match &outcome {
                Ok(r) => r.status().is_server_error(),
                Err(e) => e.is_connect() || e.is_timeout(),
            };
            if !retry || attempt >= self.retries {
                return outcome.map_err(|e| describe(&e));
            }
            attempt += 1;
            std::thread::sleep(Duration::from_millis(100 << attempt));
        }
    }

    /// Reads a response body under the byte limit.
    pub(crate) fn body(&self, resp: reqwest::blocking::Response) -> std::result::Result<Vec<u8>, String> {
        let limit = || format!("the response is larger than the limit of {} bytes", self.max_bytes);
        if resp.content_length().is_some_and(|n| n > self.max_bytes) {
            return Err(limit());
        }
        let mut bytes = Vec::new();
        resp.take(self.max_bytes + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read the response: {e}"))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(limit());
        }
        Ok(bytes)
    }

    /// GETs `url` and returns its body as text; every failure names the URL.
    pub fn get(&self, url: &str) -> Result<String> {
        let name = redact(url);
        let fail = |m: String| Located::file(&name, m);
        let resp = self.send(|c| c.get(url)).map_err(fail)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(fail(status_message(status.as_u16())).into());
        }
        let bytes = self.body(resp).map_err(fail)?;
        super::into_text(&name, bytes)
    }
}

/// A URL without the password of its user part (`https://u:secret@h/` → `https://u:***@h/`),
/// so a credential in a locator never reaches an error, a log or a record.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (auth, tail) = rest.split_at(auth_end);
    match auth.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_string(),
    }
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
    fn passwords_never_show() {
        assert_eq!(redact("https://u:pw@h.example/a"), "https://u:***@h.example/a");
        assert_eq!(redact("grpc://h:1"), "grpc://h:1");
        assert_eq!(Remote::parse_header("Authorization: Bearer x").unwrap(), ("Authorization".into(), "Bearer x".into()));
        assert!(Remote::parse_header("nocolon").is_err());
    }
}
