//! The one HTTP client builder every outbound call uses (live sources, remote `$ref`s, alert
//! channels, the model endpoint, the pull-request comment): one user agent, a timeout that also
//! bounds connecting, an explicit redirect policy, extra CA certificates, default headers marked
//! sensitive (never logged), and the proxy from the environment (`HTTPS_PROXY`, `NO_PROXY`, as
//! reqwest reads them).

use std::time::Duration;

/// The user agent of every request apidiff sends.
pub const USER_AGENT: &str = concat!("apidiff/", env!("CARGO_PKG_VERSION"));

/// Which redirects a client follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// None: a redirect is an answer like any other.
    None,
    /// At most this many.
    Limited(usize),
}

/// How to build a client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Bounds the whole request, and connecting on its own.
    pub timeout: Duration,
    /// Which redirects to follow.
    pub redirects: Redirects,
    /// Extra CA certificates (a PEM bundle), trusted besides the system's.
    pub ca_pem: Option<Vec<u8>>,
    /// Headers sent with every request (secrets: marked sensitive).
    pub headers: Vec<(String, String)>,
    /// Speak HTTP/2 without negotiation (plaintext gRPC).
    pub h2_prior_knowledge: bool,
}

impl ClientOptions {
    /// A client with this timeout, no redirects, no extra CA and no headers.
    pub fn new(timeout: Duration) -> ClientOptions {
        ClientOptions { timeout, redirects: Redirects::None, ca_pem: None, headers: Vec::new(), h2_prior_knowledge: false }
    }
}

/// Builds a blocking client; the error is one line saying what is wrong (a header name or
/// value, the CA bundle).
pub fn build(o: &ClientOptions) -> Result<reqwest::blocking::Client, String> {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &o.headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a header name"))?;
        let mut value = reqwest::header::HeaderValue::from_str(value).map_err(|_| format!("the value of header `{name}` is not valid"))?;
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    let mut b = reqwest::blocking::Client::builder()
        .timeout(o.timeout)
        .connect_timeout(o.timeout)
        .user_agent(USER_AGENT)
        .default_headers(headers)
        .redirect(match o.redirects {
            Redirects::None => reqwest::redirect::Policy::none(),
            Redirects::Limited(n) => reqwest::redirect::Policy::limited(n),
        });
    if o.h2_prior_knowledge {
        b = b.http2_prior_knowledge();
    }
    if let Some(pem) = &o.ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| format!("not a PEM certificate bundle: {e}"))?;
        b = b.tls_certs_merge(certs);
    }
    b.build().map_err(|e| format!("cannot build an HTTP client: {e}"))
}
