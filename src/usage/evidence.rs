//! Evidence formats and what one record of them says: a [`Hit`] (one call, or a counted
//! GraphQL operation), read from access logs (nginx/Apache combined, JSON access logs in
//! nginx's `escape=json` style, Envoy's JSON access log, AWS ALB), HAR files, OpenTelemetry
//! traces (OTLP JSON) and GraphQL operation documents with counts. Line formats are read one
//! line at a time ([`parse_line`]); document formats are streamed by `stream`. A hit still
//! holds raw values (the peer address, the query string): it lives only while one record is
//! matched, and nothing of it but names and counts is ever kept.

use serde_json::{Map, Value};

/// An evidence format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// nginx/Apache combined (or common) log format.
    Combined,
    /// JSON access logs, one object per line (nginx `escape=json`, Envoy, most proxies).
    JsonLog,
    /// AWS Application Load Balancer access logs.
    Alb,
    /// An HTTP Archive (HAR 1.2), with bodies when present.
    Har,
    /// OpenTelemetry traces in OTLP JSON (one export, or one export per line).
    Otlp,
    /// GraphQL operation documents with counts (`{document, count, client}` as a JSON array or
    /// one object per line).
    GraphQl,
}

impl Format {
    /// The name the CLI and the batches use.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Combined => "combined",
            Format::JsonLog => "json-log",
            Format::Alb => "alb",
            Format::Har => "har",
            Format::Otlp => "otlp",
            Format::GraphQl => "graphql",
        }
    }

    /// Every format, for `--format` and the docs.
    pub const ALL: [Format; 6] = [Format::Combined, Format::JsonLog, Format::Alb, Format::Har, Format::Otlp, Format::GraphQl];

    /// Whether records are lines (a log that grows is read on from where the last ingest
    /// stopped) rather than one document.
    pub fn by_line(self) -> bool {
        matches!(self, Format::Combined | Format::JsonLog | Format::Alb)
    }
}

/// Who made a call, as the evidence says it (resolved to a stored client name by the ingest).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Who {
    /// The configured client header's value, or the client a GraphQL document file names.
    pub client: Option<String>,
    /// The user agent.
    pub user_agent: Option<String>,
    /// The peer address (never stored: only its salted hash can become a client name).
    pub peer: Option<String>,
}

/// An HTTP request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpCall {
    /// Upper-case method.
    pub method: String,
    /// The `Host` (or `:authority`), without a port, lower-case.
    pub host: Option<String>,
    /// The request target: path and query as sent (`/pets/1?limit=2`), or a route template.
    pub target: String,
    /// Header names sent (lower-case), when the evidence lists them.
    pub headers: Vec<String>,
    /// Pointers of the JSON request body's properties (`/items/*/name`).
    pub sent: Vec<String>,
    /// Pointers of the JSON response body's properties.
    pub received: Vec<String>,
    /// The request body's scalar values by pointer (for value statistics only; never kept).
    pub sent_values: Vec<(String, String)>,
    /// The response's status and the shape of its JSON body (pointers and types, never
    /// values; see [`super::samples`]), when the evidence carries the body (HAR).
    pub response: Option<(String, std::collections::BTreeMap<String, String>)>,
}

/// What was called.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// An HTTP request.
    Http(HttpCall),
    /// A gRPC call (`rpc.service`, `rpc.method`).
    Rpc {
        /// Fully qualified service.
        service: String,
        /// Method.
        method: String,
    },
    /// A GraphQL operation document.
    GraphQl {
        /// The document.
        document: String,
    },
}

/// One record of evidence: a call, how many times, when and by whom.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// When, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    /// What.
    pub call: Call,
    /// How many times (1 for a log line).
    pub count: u64,
    /// Who.
    pub who: Who,
}

/// What parsers need to know besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// The configured client header, lower-case (`x-client-name`).
    pub client_header: Option<String>,
    /// The time for records that carry none (GraphQL document files), `YYYY-MM-DDTHH:MM:SSZ`.
    pub now: String,
}

/// Recognises a format from the first non-blank line (`head`: up to 64 KiB of the start, for
/// documents spread over several lines). `None` when it is none of them.
pub fn detect(first_line: &str, head: &str) -> Option<Format> {
    let line = first_line.trim_start_matches('\u{feff}').trim();
    if line.starts_with('{') || line.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            return Some(json_kind(&v));
        }
        // A document over several lines: look at its keys.
        return Some(if head.contains("\"resourceSpans\"") {
            Format::Otlp
        } else if head.contains("\"entries\"") && head.contains("\"log\"") {
            Format::Har
        } else if head.contains("\"document\"") {
            Format::GraphQl
        } else {
            Format::JsonLog
        });
    }
    let first = line.split(' ').next().unwrap_or("");
    if ["http", "https", "h2", "grpcs", "ws", "wss"].contains(&first)
        && line.split(' ').nth(1).is_some_and(|t| crate::time::utc_of(t).is_some())
    {
        return Some(Format::Alb);
    }
    parse_combined(line, &mut ClfCache::default(), &ParseOptions::default()).is_ok().then_some(Format::Combined)
}

fn json_kind(v: &Value) -> Format {
    let obj = match v {
        Value::Array(a) => match a.first() {
            Some(Value::Object(o)) if o.contains_key("document") => return Format::GraphQl,
            _ => return Format::JsonLog,
        },
        Value::Object(o) => o,
        _ => return Format::JsonLog,
    };
    if obj.contains_key("resourceSpans") {
        Format::Otlp
    } else if obj.get("log").is_some_and(|l| l.get("entries").is_some()) {
        Format::Har
    } else if obj.contains_key("document") {
        Format::GraphQl
    } else {
        Format::JsonLog
    }
}

/// The last CLF time converted, since consecutive log lines mostly share their second.
#[derive(Debug, Default)]
pub struct ClfCache {
    raw: String,
    utc: String,
}

/// Parses one line of a line format; `Ok(None)` for a line that is not a record (blank).
pub fn parse_line(format: Format, line: &str, cache: &mut ClfCache, opts: &ParseOptions) -> Result<Option<Hit>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return Ok(None);
    }
    match format {
        Format::Combined => parse_combined(line, cache, opts).map(Some),
        Format::JsonLog => {
            let v: Map<String, Value> = serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
            json_log(&v, cache, opts).map(Some)
        }
        Format::Alb => parse_alb(line).map(Some),
        Format::Har | Format::Otlp | Format::GraphQl => Err(format!("{} is not a line format", format.as_str())),
    }
}

/// `10/Oct/2000:13:55:36 -0700` → `2000-10-10T20:55:36Z`.
fn clf_time(raw: &str, cache: &mut ClfCache) -> Option<String> {
    if cache.raw == raw {
        return Some(cache.utc.clone());
    }
    let (date, rest) = raw.split_once(':')?;
    let mut d = date.split('/');
    let (day, mon, year) = (d.next()?, d.next()?, d.next()?);
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = MONTHS.iter().position(|x| *x == mon)? + 1;
    let (clock, zone) = rest.split_once(' ').unwrap_or((rest, "+0000"));
    let zone = if zone.len() == 5 { format!("{}:{}", &zone[..3], &zone[3..]) } else { zone.to_string() };
    let utc = crate::time::utc_of(&format!("{year}-{m:02}-{day:0>2}T{clock}{zone}"))?;
    cache.raw = raw.to_string();
    cache.utc = utc.clone();
    Some(utc)
}

/// `METHOD TARGET PROTOCOL` → method and target.
fn request_line(req: &str) -> Result<(String, String), String> {
    let mut parts = req.split(' ');
    let method = parts.next().filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic())).ok_or("no request method")?;
    let target = parts.next().filter(|t| !t.is_empty()).ok_or("no request target")?;
    Ok((method.to_ascii_uppercase(), target.to_string()))
}

/// A URL or origin-form target → host and origin-form target.
pub fn split_url(target: &str) -> (Option<String>, String) {
    match target.split_once("://") {
        Some((_, rest)) => {
            let cut = rest.find(['/', '?']).unwrap_or(rest.len());
            let path = &rest[cut..];
            let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
            (Some(host_only(&rest[..cut])), path)
        }
        None => (None, target.to_string()),
    }
}

/// `API.example.com:443` → `api.example.com` (user info and port dropped).
pub fn host_only(authority: &str) -> String {
    let a = authority.rsplit('@').next().unwrap_or(authority);
    let a = if a.starts_with('[') {
        a.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        a.split(':').next().unwrap_or(a).to_string()
    };
    a.to_ascii_lowercase()
}

/// One combined (or common) log line: `peer - user [time] "request" status bytes "referer" "agent"`.
fn parse_combined(line: &str, cache: &mut ClfCache, _opts: &ParseOptions) -> Result<Hit, String> {
    let (peer, rest) = line.split_once(' ').ok_or("not a combined log line")?;
    let open = rest.find('[').ok_or("no [time]")?;
    let close = rest[open..].find(']').ok_or("no [time]")? + open;
    let time = clf_time(&rest[open + 1..close], cache).ok_or("unreadable [time]")?;
    let after = &rest[close + 1..];
    let mut quoted = Quoted(after);
    let req = quoted.next().ok_or("no \"request\"")?;
    let (method, target) = request_line(req)?;
    let _referer = quoted.next();
    let agent = quoted.next().filter(|a| !a.is_empty() && *a != "-");
    let (host, target) = split_url(&target);
    Ok(Hit {
        time,
        call: Call::Http(HttpCall { method, host, target, ..HttpCall::default() }),
        count: 1,
        who: Who { client: None, user_agent: agent.map(str::to_string), peer: Some(peer.to_string()) },
    })
}

/// The double-quoted fields of a log line, in order (`\"` inside a field is kept as is).
struct Quoted<'a>(&'a str);

impl<'a> Iterator for Quoted<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let start = self.0.find('"')? + 1;
        let bytes = self.0.as_bytes();
        let mut i = start;
        while i < bytes.len() && (bytes[i] != b'"' || bytes[i - 1] == b'\\') {
            i += 1;
        }
        let field = &self.0[start..i.min(self.0.len())];
        self.0 = self.0.get(i + 1..).unwrap_or("");
        Some(field)
    }
}

/// Space-separated fields where `"…"` groups (AWS ALB).
fn fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == ' ' {
            rest = &rest[1..];
        } else if c == '"' {
            let end = rest[1..].find('"').map_or(rest.len(), |i| i + 1);
            out.push(&rest[1..end]);
            rest = rest.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// One AWS ALB log line: `type time elb client:port target:port … "request" "user_agent" …`.
fn parse_alb(line: &str) -> Result<Hit, String> {
    let f = fields(line);
    if f.len() < 14 {
        return Err(format!("an ALB log line has at least 14 fields, this one {}", f.len()));
    }
    let time = crate::time::utc_of(f[1]).ok_or("unreadable time (field 2)")?;
    let (method, url) = request_line(f[12])?;
    let (host, target) = split_url(&url);
    let peer = f[3].rsplit_once(':').map_or(f[3], |(ip, _)| ip);
    let agent = Some(f[13]).filter(|a| !a.is_empty() && *a != "-");
    Ok(Hit {
        time,
        call: Call::Http(HttpCall { method, host, target, ..HttpCall::default() }),
        count: 1,
        who: Who { client: None, user_agent: agent.map(str::to_string), peer: Some(peer.to_string()) },
    })
}

fn first_str<'a>(v: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| v.get(*k).and_then(Value::as_str)).filter(|s| !s.is_empty() && *s != "-")
}

/// The time of a JSON log record: ISO 8601, CLF, or epoch seconds (`msec`).
fn json_time(v: &Map<String, Value>, cache: &mut ClfCache) -> Result<String, String> {
    if let Some(u) = first_str(v, &["time_iso8601", "start_time", "timestamp", "@timestamp", "time", "ts"]).and_then(crate::time::utc_of) {
        return Ok(u);
    }
    if let Some(t) = first_str(v, &["time_local"]) {
        return clf_time(t, cache).ok_or_else(|| "unreadable time_local".to_string());
    }
    let secs = ["msec", "time", "timestamp", "ts"].iter().find_map(|k| match v.get(*k) {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.parse::<f64>().ok(),
        _ => None,
    });
    secs.and_then(|s| crate::time::utc_of_nanos((s * 1e9) as i128))
        .ok_or_else(|| "no time (time_iso8601, start_time, timestamp, time_local, msec)".to_string())
}

/// One JSON access-log record (nginx `escape=json`, Envoy, generic): method, target, host,
/// time, agent, peer, and the configured client header (`http_x_client_name`, `x-client-name`).
fn json_log(v: &Map<String, Value>, cache: &mut ClfCache, opts: &ParseOptions) -> Result<Hit, String> {
    let (method, target) = match (
        first_str(v, &["request_method", "method", ":method", "http_method"]),
        first_str(v, &["request_uri", "uri", "path", "request_path", "x-envoy-original-path", "url"]),
    ) {
        (Some(m), Some(t)) => (m.to_ascii_uppercase(), t.to_string()),
        _ => request_line(first_str(v, &["request"]).ok_or("no method and path (request_method/method, request_uri/path, or request)")?)?,
    };
    let (url_host, target) = split_url(&target);
    let host = first_str(v, &["host", "http_host", "authority", ":authority", "server_name"]).map(host_only).or(url_host);
    let time = json_time(v, cache)?;
    let agent = first_str(v, &["http_user_agent", "user_agent", "user-agent", "useragent"]);
    let peer = first_str(
        v,
        &["remote_addr", "downstream_remote_address", "client_ip", "x_forwarded_for", "x-forwarded-for", "http_x_forwarded_for", "ip"],
    )
    .map(|p| p.split(',').next().unwrap_or(p).trim().to_string());
    let client = opts.client_header.as_deref().and_then(|h| {
        let var = format!("http_{}", h.replace('-', "_"));
        first_str(v, &[var.as_str(), h]).map(str::to_string)
    });
    Ok(Hit {
        time,
        call: Call::Http(HttpCall { method, host, target, ..HttpCall::default() }),
        count: 1,
        who: Who { client, user_agent: agent.map(str::to_string), peer },
    })
}

/// The JSON pointers of every property in a body, array indexes as `*`, each once, in
/// document order. Nesting deeper than `max_depth` is an error (never a silent stop).
pub fn pointers(body: &Value, max_depth: usize) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    walk(body, &mut String::new(), 0, max_depth, &mut out, &mut seen)?;
    Ok(out)
}

fn walk(
    v: &Value,
    at: &mut String,
    depth: usize,
    max: usize,
    out: &mut Vec<String>,
    seen: &mut std::collections::HashSet<String>,
) -> Result<(), String> {
    if depth > max {
        return Err(format!("body nests deeper than {max} levels at {at}"));
    }
    let len = at.len();
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                if seen.insert(at.clone()) {
                    out.push(at.clone());
                }
                walk(x, at, depth + 1, max, out, seen)?;
                at.truncate(len);
            }
        }
        Value::Array(a) => {
            at.push_str("/*");
            for x in a {
                walk(x, at, depth + 1, max, out, seen)?;
            }
            at.truncate(len);
        }
        _ => {}
    }
    Ok(())
}

/// The scalar values of a body by pointer (array indexes as `*`), to [`pointers`]' depth.
pub fn scalar_leaves(body: &Value, max_depth: usize) -> Vec<(String, String)> {
    fn go(v: &Value, at: &mut String, depth: usize, max: usize, out: &mut Vec<(String, String)>) {
        if depth > max {
            return;
        }
        let len = at.len();
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    at.push('/');
                    at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    go(x, at, depth + 1, max, out);
                    at.truncate(len);
                }
            }
            Value::Array(a) => {
                at.push_str("/*");
                for x in a {
                    go(x, at, depth + 1, max, out);
                }
                at.truncate(len);
            }
            Value::String(s) => out.push((at.clone(), s.clone())),
            Value::Number(n) => out.push((at.clone(), n.to_string())),
            Value::Bool(b) => out.push((at.clone(), b.to_string())),
            Value::Null => {}
        }
    }
    let mut out = Vec::new();
    go(body, &mut String::new(), 0, max_depth, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(h: &Hit) -> &HttpCall {
        match &h.call {
            Call::Http(c) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn combined_lines_give_method_target_time_agent_and_peer() {
        let line = r#"203.0.113.9 - frank [10/Oct/2000:13:55:36 -0700] "GET /pets/7?limit=2 HTTP/1.1" 200 2326 "http://x/" "mobile-app/3.1 (iOS)""#;
        assert_eq!(detect(line, line), Some(Format::Combined));
        let h = parse_line(Format::Combined, line, &mut ClfCache::default(), &ParseOptions::default()).unwrap().unwrap();
        assert_eq!(h.time, "2000-10-10T20:55:36Z");
        assert_eq!((http(&h).method.as_str(), http(&h).target.as_str()), ("GET", "/pets/7?limit=2"));
        assert_eq!(h.who.user_agent.as_deref(), Some("mobile-app/3.1 (iOS)"));
        assert_eq!(h.who.peer.as_deref(), Some("203.0.113.9"));
        assert!(parse_line(Format::Combined, "garbage", &mut ClfCache::default(), &ParseOptions::default()).is_err());
        assert_eq!(detect("garbage here", ""), None);
    }

    #[test]
    fn json_envoy_and_alb_records() {
        let opts = ParseOptions { client_header: Some("x-client-name".into()), ..ParseOptions::default() };
        let nginx = r#"{"time_iso8601":"2026-12-06T10:00:00+01:00","remote_addr":"10.0.0.1","request":"POST /pets HTTP/1.1","http_host":"api.example.com:8443","http_user_agent":"curl/8.0","http_x_client_name":"billing"}"#;
        assert_eq!(detect(nginx, nginx), Some(Format::JsonLog));
        let h = parse_line(Format::JsonLog, nginx, &mut ClfCache::default(), &opts).unwrap().unwrap();
        assert_eq!(
            (h.time.as_str(), http(&h).host.as_deref(), h.who.client.as_deref()),
            ("2026-12-06T09:00:00Z", Some("api.example.com"), Some("billing"))
        );
        let envoy = r#"{"start_time":"2026-12-06T10:00:00.123Z","method":"DELETE","path":"/pets/1","authority":"pets","user_agent":"web/1","downstream_remote_address":"10.1.1.1:5000"}"#;
        let h = parse_line(Format::JsonLog, envoy, &mut ClfCache::default(), &opts).unwrap().unwrap();
        assert_eq!((http(&h).method.as_str(), http(&h).target.as_str()), ("DELETE", "/pets/1"));
        let alb = r#"https 2026-12-06T23:39:43.945958Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://api.example.com:443/pets?limit=3 HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2"#;
        assert_eq!(detect(alb, alb), Some(Format::Alb));
        let h = parse_line(Format::Alb, alb, &mut ClfCache::default(), &opts).unwrap().unwrap();
        assert_eq!(
            (http(&h).host.as_deref(), http(&h).target.as_str(), h.who.peer.as_deref()),
            (Some("api.example.com"), "/pets?limit=3", Some("192.168.131.39"))
        );
    }

    #[test]
    fn body_pointers_star_array_indexes_and_bound_depth() {
        let v: Value = serde_json::json!({"items": [{"name": "a"}, {"name": "b", "tags": ["x"]}], "a/b": 1});
        let mut got = pointers(&v, 64).unwrap();
        got.sort();
        assert_eq!(got, vec!["/a~1b", "/items", "/items/*/name", "/items/*/tags"]);
        let mut deep = serde_json::json!(1);
        for _ in 0..70 {
            deep = serde_json::json!({ "x": deep });
        }
        assert!(pointers(&deep, 64).unwrap_err().contains("deeper than 64"));
    }
}
