//! The one HTTP client builder every outbound call uses (live sources, remote `$ref`s, alert
//! channels, the model endpoint, the pull-request comment), and the one outbound policy they all
//! follow:
//!
//! - one user agent, no `Referer`, the proxy from the environment (`HTTPS_PROXY`, `NO_PROXY`, as
//!   reqwest reads them), extra CA certificates;
//! - a timeout that bounds connecting on its own and the whole request (callers that read a body
//!   give the request a deadline too, see [`crate::source::http::HttpFetch`]);
//! - redirects only to the origin (scheme, host, port) of the request that started the chain,
//!   unless [`Redirects::AnyOrigin`] is asked for, which is refused together with secret headers:
//!   default headers are secrets (marked sensitive, never logged) and never leave their origin;
//! - loopback, link-local and private addresses are refused, before connecting, unless the origin
//!   itself is one of that kind: a redirect to an address literal is checked by the redirect
//!   policy, a host name by the DNS resolver ([`Guard`]) on every address it resolves to.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// The user agent of every request apidiff sends.
pub const USER_AGENT: &str = concat!("apidiff/", env!("CARGO_PKG_VERSION"));

/// Which redirects a client follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// None: a redirect is an answer like any other.
    None,
    /// At most this many, all to the origin of the first request.
    SameOrigin(usize),
    /// At most this many, to any origin (never with secret headers).
    AnyOrigin(usize),
}

/// The kind of network an address belongs to, for the outbound policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    /// A routable address.
    Public,
    /// Private, shared (CGNAT), unique-local, multicast, broadcast or documentation ranges.
    Private,
    /// This machine (`127.0.0.0/8`, `::1`, and the unspecified address, which reaches it).
    Loopback,
    /// Link-local (`169.254.0.0/16`, `fe80::/10`): cloud metadata services live here.
    LinkLocal,
}

impl Network {
    fn bit(self) -> u8 {
        match self {
            Network::Public => 1,
            Network::Private => 2,
            Network::Loopback => 4,
            Network::LinkLocal => 8,
        }
    }

    /// How an error names it.
    pub fn describe(self) -> &'static str {
        match self {
            Network::Public => "a public address",
            Network::Private => "a private address",
            Network::Loopback => "a loopback address",
            Network::LinkLocal => "a link-local address",
        }
    }
}

/// The network `ip` belongs to.
pub fn classify(ip: IpAddr) -> Network {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() || v4.is_unspecified() || o[0] == 0 {
                Network::Loopback
            } else if v4.is_link_local() {
                Network::LinkLocal
            } else if v4.is_private()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || o[0] >= 240
            {
                Network::Private
            } else {
                Network::Public
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return classify(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            if v6.is_loopback() || v6.is_unspecified() {
                Network::Loopback
            } else if (first & 0xffc0) == 0xfe80 {
                Network::LinkLocal
            } else if (first & 0xfe00) == 0xfc00 || v6.is_multicast() || first == 0x2001 && v6.segments()[1] == 0x0db8 {
                Network::Private
            } else {
                Network::Public
            }
        }
    }
}

/// The origin of a URL: scheme, host and port (the default port made explicit).
pub fn origin(url: &reqwest::Url) -> (String, String, Option<u16>) {
    (url.scheme().to_string(), url.host_str().unwrap_or("").to_ascii_lowercase(), url.port_or_known_default())
}

/// The address of a URL whose host is an address literal (the URL parser has already turned
/// forms such as `0x7f.1` into dotted decimal).
fn literal(url: &reqwest::Url) -> Option<IpAddr> {
    url.host_str()?.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// The networks a client may reach besides the public one: those of its origin. Shared by the
/// DNS resolver and the redirect policy.
#[derive(Debug, Default)]
pub struct Reach {
    /// The origin's host name (lowercase), when it is a name; its addresses set the networks.
    host: Option<String>,
    allowed: AtomicU8,
}

impl Reach {
    /// The reach of a client whose requests start at `origin` (a URL); `None`: public only.
    pub fn of(origin: Option<&str>) -> Reach {
        let reach = Reach::default();
        let Some(url) = origin.and_then(|o| reqwest::Url::parse(o).ok()) else { return reach };
        match (literal(&url), url.host_str()) {
            (Some(ip), _) => reach.allow(classify(ip)),
            (None, Some(d)) => return Reach { host: Some(d.trim_end_matches('.').to_ascii_lowercase()), allowed: AtomicU8::new(0) },
            (None, None) => {}
        }
        reach
    }

    fn allow(&self, n: Network) {
        self.allowed.fetch_or(n.bit(), Ordering::SeqCst);
    }

    /// Whether an address of network `n` may be connected to.
    pub fn permits(&self, n: Network) -> bool {
        n == Network::Public || self.allowed.load(Ordering::SeqCst) & n.bit() != 0
    }

    /// Checks the addresses `name` resolved to: the origin's own addresses are all allowed (and
    /// allow their networks); another name's must be public or of the origin's networks.
    pub fn check(&self, name: &str, addrs: &[SocketAddr]) -> Result<(), String> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if self.host.as_deref() == Some(name.as_str()) {
            addrs.iter().for_each(|a| self.allow(classify(a.ip())));
            return Ok(());
        }
        match addrs.iter().map(|a| classify(a.ip())).find(|n| !self.permits(*n)) {
            Some(n) => Err(format!("`{name}` resolves to {}, which the source may not reach", n.describe())),
            None => Ok(()),
        }
    }
}

/// The DNS resolver of every client: the system's (`getaddrinfo`, off the async threads), with
/// the answer checked by [`Reach::check`] before any connection is made.
#[derive(Debug)]
pub struct Guard(pub Arc<Reach>);

impl reqwest::dns::Resolve for Guard {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let lookup = host.clone();
            let addrs: Vec<SocketAddr> = tokio::task::spawn_blocking(move || (lookup.as_str(), 0).to_socket_addrs().map(Iterator::collect))
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.to_string().into() })??;
            reach.check(&host, &addrs).map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
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
    /// Headers sent with every request (secrets: marked sensitive, kept on their origin).
    pub headers: Vec<(String, String)>,
    /// Speak HTTP/2 without negotiation (plaintext gRPC).
    pub h2_prior_knowledge: bool,
    /// The URL the client's requests start at: loopback, link-local and private addresses are
    /// reachable only when it is one of them. `None`: public addresses only.
    pub origin: Option<String>,
}

impl ClientOptions {
    /// A client for requests to `origin` with this timeout, no redirects, no extra CA and no headers.
    pub fn new(timeout: Duration, origin: Option<&str>) -> ClientOptions {
        ClientOptions {
            timeout,
            redirects: Redirects::None,
            ca_pem: None,
            headers: Vec::new(),
            h2_prior_knowledge: false,
            origin: origin.map(str::to_string),
        }
    }
}

/// The redirect policy: a limit, the origin rule and the address rule.
fn redirect_policy(redirects: Redirects, reach: Arc<Reach>) -> reqwest::redirect::Policy {
    let (max, any_origin) = match redirects {
        Redirects::None => return reqwest::redirect::Policy::none(),
        Redirects::SameOrigin(n) => (n, false),
        Redirects::AnyOrigin(n) => (n, true),
    };
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max {
            return attempt.error(format!("more than {max} redirects"));
        }
        let first = attempt.previous().first().map(origin);
        let next = origin(attempt.url());
        if !any_origin && first.as_ref().is_some_and(|f| *f != next) {
            let (scheme, host, port) = next;
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            return attempt.error(format!("a redirect to another origin ({scheme}://{host}{port}) was refused"));
        }
        match literal(attempt.url()).map(classify) {
            Some(n) if !reach.permits(n) => attempt.error(format!("a redirect to {} was refused", n.describe())),
            _ => attempt.follow(),
        }
    })
}

/// Builds a blocking client under the outbound policy (see the module docs); the error is one
/// line saying what is wrong (a header name or value, the CA bundle, secret headers with
/// redirects to any origin).
pub fn build(o: &ClientOptions) -> Result<reqwest::blocking::Client, String> {
    if matches!(o.redirects, Redirects::AnyOrigin(_)) && !o.headers.is_empty() {
        return Err("secret headers are sent to their origin only: they cannot go with redirects to any origin".into());
    }
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &o.headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a header name"))?;
        let mut value = reqwest::header::HeaderValue::from_str(value).map_err(|_| format!("the value of header `{name}` is not valid"))?;
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    let reach = Arc::new(Reach::of(o.origin.as_deref()));
    let mut b = reqwest::blocking::Client::builder()
        .timeout(o.timeout)
        .connect_timeout(o.timeout)
        .user_agent(USER_AGENT)
        .referer(false)
        .default_headers(headers)
        .dns_resolver(Arc::new(Guard(reach.clone())))
        .redirect(redirect_policy(o.redirects, reach));
    if o.h2_prior_knowledge {
        b = b.http2_prior_knowledge();
    }
    if let Some(pem) = &o.ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| format!("not a PEM certificate bundle: {e}"))?;
        b = b.tls_certs_merge(certs);
    }
    b.build().map_err(|e| format!("cannot build an HTTP client: {e}"))
}

/// Refuses a request to an address literal the client may not reach (a host name is checked
/// when it is resolved); reqwest's resolver never sees address literals.
pub fn check_literal(url: &str, origin: Option<&str>) -> Result<(), String> {
    let Some(ip) = reqwest::Url::parse(url).ok().as_ref().and_then(literal) else { return Ok(()) };
    let n = classify(ip);
    if Reach::of(origin).permits(n) { Ok(()) } else { Err(format!("{} may not be reached from here", n.describe())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks() {
        let c = |s: &str| classify(s.parse().unwrap());
        assert_eq!(c("169.254.169.254"), Network::LinkLocal);
        assert_eq!(c("fe80::1"), Network::LinkLocal);
        assert_eq!(c("127.0.0.2"), Network::Loopback);
        assert_eq!(c("0.0.0.0"), Network::Loopback);
        assert_eq!(c("::ffff:10.1.2.3"), Network::Private);
        assert_eq!(c("192.168.1.1"), Network::Private);
        assert_eq!(c("100.64.0.1"), Network::Private);
        assert_eq!(c("fd00::1"), Network::Private);
        assert_eq!(c("93.184.216.34"), Network::Public);
        assert_eq!(c("2606:4700::1"), Network::Public);
    }

    #[test]
    fn a_public_origin_reaches_public_addresses_only() {
        let public = Reach::of(Some("https://api.example.com/openapi.json"));
        let addr = |s: &str| vec![SocketAddr::new(s.parse().unwrap(), 0)];
        // The origin's own name is what it resolves to; another name must resolve publicly.
        assert!(public.check("api.example.com", &addr("93.184.216.34")).is_ok());
        assert!(public.check("metadata.internal", &addr("169.254.169.254")).unwrap_err().contains("link-local"));
        assert!(public.check("db.internal", &addr("10.0.0.5")).unwrap_err().contains("private"));
        assert!(public.check("evil.example", &addr("127.0.0.1")).unwrap_err().contains("loopback"));
        assert!(check_literal("http://169.254.169.254/latest", Some("https://api.example.com/")).is_err());
        assert!(check_literal("http://10.0.0.1/", None).is_err());
        // A loopback source may reach loopback, and nothing else that is not public.
        let local = Reach::of(Some("http://127.0.0.1:8080/"));
        assert!(local.permits(Network::Loopback) && !local.permits(Network::LinkLocal) && !local.permits(Network::Private));
        assert!(check_literal("http://127.0.0.2:9/", Some("http://127.0.0.1:8080/")).is_ok());
        // A name that resolves to this machine makes loopback reachable for the client.
        let named = Reach::of(Some("http://localhost:8080/"));
        assert!(named.check("localhost", &addr("127.0.0.1")).is_ok());
        assert!(named.permits(Network::Loopback) && !named.permits(Network::LinkLocal));
    }

    #[test]
    fn secret_headers_never_go_with_redirects_to_any_origin() {
        let mut o = ClientOptions::new(Duration::from_secs(1), None);
        o.redirects = Redirects::AnyOrigin(3);
        o.headers = vec![("X-Api-Key".into(), "s3cret".into())];
        assert!(build(&o).unwrap_err().contains("origin"));
    }
}
