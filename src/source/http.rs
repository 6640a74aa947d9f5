//! Reading documents over HTTP(S) with reqwest, under the same limits as every other input: no
//! URL globbing, at most [`MAX_REDIRECTS`] redirects, a timeout, and a byte limit checked while
//! reading. Remote `$ref`s (with `--allow-remote-refs`) use it through [`HttpFetch`].

use super::Fetch;
use crate::error::{Located, Result};
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// Most redirects followed.
pub const MAX_REDIRECTS: usize = 5;
/// Default timeout of one request.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Default response limit.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// Fetches documents by URL.
#[derive(Debug, Clone)]
pub struct HttpFetch {
    client: reqwest::blocking::Client,
    max_bytes: u64,
}

impl HttpFetch {
    /// A client with the default timeout and limits.
    pub fn new() -> Result<HttpFetch> {
        HttpFetch::with(TIMEOUT, MAX_BYTES)
    }

    /// A client with a timeout and a response limit.
    pub fn with(timeout: Duration, max_bytes: u64) -> Result<HttpFetch> {
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .build()
            .map_err(|e| Located::file("(http)", format!("cannot build an HTTP client: {e}")))?;
        Ok(HttpFetch { client, max_bytes })
    }

    /// GETs `url` and returns its body as text; every failure names the URL.
    pub fn get(&self, url: &str) -> Result<String> {
        let fail = |m: String| Located::file(url, m);
        let resp = self.client.get(url).send().map_err(|e| {
            fail(if e.is_timeout() {
                "timed out".into()
            } else if e.is_redirect() {
                format!("more than {MAX_REDIRECTS} redirects")
            } else if e.is_connect() {
                "connection refused or unreachable".into()
            } else {
                format!("request failed: {e}")
            })
        })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(fail(format!("HTTP {}", status.as_u16())).into());
        }
        if resp.content_length().is_some_and(|n| n > self.max_bytes) {
            return Err(fail(format!("the response is larger than the limit of {} bytes", self.max_bytes)).into());
        }
        let mut bytes = Vec::new();
        resp.take(self.max_bytes + 1).read_to_end(&mut bytes).map_err(|e| fail(format!("cannot read the response: {e}")))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(fail(format!("the response is larger than the limit of {} bytes", self.max_bytes)).into());
        }
        super::into_text(url, bytes)
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
}
