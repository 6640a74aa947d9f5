//! OpenTelemetry traces as evidence: the few OTLP messages a trace export needs (declared
//! with prost from `opentelemetry/proto/collector/trace/v1/trace_service.proto`,
//! `trace/v1/trace.proto` and `common/v1/common.proto`, field numbers as there; every other
//! field is skipped by the decoder), the same shapes read from OTLP JSON, and the step that
//! turns one server span into a [`Hit`] following the HTTP, RPC and GraphQL semantic
//! conventions (old and new attribute names).

use super::evidence::{Call, Hit, HttpCall, ParseOptions, Who, host_only};
use serde_json::Value;

/// `ExportTraceServiceRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExportTraceServiceRequest {
    /// `resource_spans = 1`.
    #[prost(message, repeated, tag = "1")]
    pub resource_spans: Vec<ResourceSpans>,
}

/// `ResourceSpans` (the resource itself is not needed).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceSpans {
    /// `scope_spans = 2`.
    #[prost(message, repeated, tag = "2")]
    pub scope_spans: Vec<ScopeSpans>,
}

/// `ScopeSpans`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ScopeSpans {
    /// `spans = 2`.
    #[prost(message, repeated, tag = "2")]
    pub spans: Vec<Span>,
}

/// `Span`: its kind, start and attributes.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Span {
    /// `kind = 6` (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer).
    #[prost(int32, tag = "6")]
    pub kind: i32,
    /// `start_time_unix_nano = 7`.
    #[prost(fixed64, tag = "7")]
    pub start_time_unix_nano: u64,
    /// `attributes = 9`.
    #[prost(message, repeated, tag = "9")]
    pub attributes: Vec<KeyValue>,
}

/// `KeyValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyValue {
    /// `key = 1`.
    #[prost(string, tag = "1")]
    pub key: String,
    /// `value = 2`.
    #[prost(message, optional, tag = "2")]
    pub value: Option<AnyValue>,
}

/// `AnyValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AnyValue {
    /// The value.
    #[prost(oneof = "any_value::Value", tags = "1, 2, 3, 4, 5")]
    pub value: Option<any_value::Value>,
}

/// `AnyValue`'s oneof.
pub mod any_value {
    /// `AnyValue.value`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Value {
        /// `string_value = 1`.
        #[prost(string, tag = "1")]
        StringValue(String),
        /// `bool_value = 2`.
        #[prost(bool, tag = "2")]
        BoolValue(bool),
        /// `int_value = 3`.
        #[prost(int64, tag = "3")]
        IntValue(i64),
        /// `double_value = 4`.
        #[prost(double, tag = "4")]
        DoubleValue(f64),
        /// `array_value = 5`.
        #[prost(message, tag = "5")]
        ArrayValue(super::ArrayValue),
    }
}

/// `ArrayValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArrayValue {
    /// `values = 1`.
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<AnyValue>,
}

/// `google.rpc.Status`, the body of an OTLP/HTTP error response.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Status {
    /// `code = 1`.
    #[prost(int32, tag = "1")]
    pub code: i32,
    /// `message = 2`.
    #[prost(string, tag = "2")]
    pub message: String,
}

/// A span as both encodings give it: kind, start, attributes as text (arrays as lists).
#[derive(Debug, Clone, Default)]
pub struct SpanData {
    /// The kind.
    pub kind: i32,
    /// Start, nanoseconds since the epoch.
    pub start: u64,
    /// Attributes: key and values (one for a scalar).
    pub attrs: Vec<(String, Vec<String>)>,
}

fn any_text(v: &AnyValue) -> Vec<String> {
    use any_value::Value as V;
    match &v.value {
        Some(V::StringValue(s)) => vec![s.clone()],
        Some(V::BoolValue(b)) => vec![b.to_string()],
        Some(V::IntValue(i)) => vec![i.to_string()],
        Some(V::DoubleValue(d)) => vec![d.to_string()],
        Some(V::ArrayValue(a)) => a.values.iter().flat_map(any_text).collect(),
        None => Vec::new(),
    }
}

/// The spans of a protobuf export.
pub fn spans_of(req: &ExportTraceServiceRequest) -> impl Iterator<Item = SpanData> + '_ {
    req.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans).map(|s| SpanData {
        kind: s.kind,
        start: s.start_time_unix_nano,
        attrs: s.attributes.iter().map(|kv| (kv.key.clone(), kv.value.as_ref().map(any_text).unwrap_or_default())).collect(),
    })
}

fn json_any(v: &Value) -> Vec<String> {
    let Some(o) = v.as_object() else { return Vec::new() };
    if let Some(a) = o.get("arrayValue").and_then(|a| a.get("values")).and_then(Value::as_array) {
        return a.iter().flat_map(json_any).collect();
    }
    ["stringValue", "intValue", "boolValue", "doubleValue"]
        .iter()
        .find_map(|k| o.get(*k))
        .map(|x| vec![x.as_str().map_or_else(|| x.to_string(), str::to_string)])
        .unwrap_or_default()
}

fn json_kind(v: Option<&Value>) -> i32 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0) as i32,
        Some(Value::String(s)) => [
            "SPAN_KIND_UNSPECIFIED",
            "SPAN_KIND_INTERNAL",
            "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT",
            "SPAN_KIND_PRODUCER",
            "SPAN_KIND_CONSUMER",
        ]
        .iter()
        .position(|k| k == s)
        .unwrap_or(0) as i32,
        _ => 0,
    }
}

/// The spans of one OTLP JSON `ResourceSpans` object (`scopeSpans`, or the older
/// `instrumentationLibrarySpans`).
pub fn spans_of_json(resource_spans: &Value) -> Vec<SpanData> {
    let scopes = resource_spans.get("scopeSpans").or_else(|| resource_spans.get("instrumentationLibrarySpans"));
    let mut out = Vec::new();
    for scope in scopes.and_then(Value::as_array).into_iter().flatten() {
        for s in scope.get("spans").and_then(Value::as_array).into_iter().flatten() {
            let start = match s.get("startTimeUnixNano") {
                Some(Value::String(t)) => t.parse().unwrap_or(0),
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 0,
            };
            let attrs = s
                .get("attributes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|kv| Some((kv.get("key")?.as_str()?.to_string(), kv.get("value").map(json_any).unwrap_or_default())))
                .collect();
            out.push(SpanData { kind: json_kind(s.get("kind")), start, attrs });
        }
    }
    out
}

impl SpanData {
    fn get(&self, keys: &[&str]) -> Option<&str> {
        keys.iter()
            .find_map(|k| self.attrs.iter().find(|(a, _)| a == k).and_then(|(_, v)| v.first()))
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// The call a span records, or `None` for a span that is not a served request (internal,
/// client, producer and consumer spans; spans without HTTP, RPC or GraphQL attributes).
pub fn span_hit(s: &SpanData, opts: &ParseOptions) -> Option<Hit> {
    if !matches!(s.kind, 0 | 2) {
        return None;
    }
    let time = crate::time::utc_of_nanos(i128::from(s.start)).unwrap_or_else(|| opts.now.clone());
    let agent = s.get(&["user_agent.original", "http.user_agent"]).map(str::to_string);
    // The new conventions keep the header's name; the older ones write `-` as `_`.
    let client = opts
        .client_header
        .as_deref()
        .and_then(|h| s.get(&[&format!("http.request.header.{h}"), &format!("http.request.header.{}", h.replace('-', "_"))]))
        .map(str::to_string);
    let peer = s.get(&["client.address", "net.peer.ip", "net.sock.peer.addr", "http.client_ip"]).map(str::to_string);
    let who = Who { client, user_agent: agent, peer };
    let call = if let Some(document) = s.get(&["graphql.document"]) {
        Call::GraphQl { document: document.to_string() }
    } else if let (Some(service), Some(method)) = (s.get(&["rpc.service"]), s.get(&["rpc.method"])) {
        Call::Rpc { service: service.to_string(), method: method.to_string() }
    } else {
        let method = s.get(&["http.request.method", "http.method"])?.to_ascii_uppercase();
        let target = match (s.get(&["url.path", "http.target"]), s.get(&["url.query"])) {
            (Some(p), Some(q)) => format!("{p}?{q}"),
            (Some(p), None) => p.to_string(),
            (None, _) => s.get(&["http.route"])?.to_string(),
        };
        let host = s.get(&["server.address", "http.host", "net.host.name"]).map(host_only);
        Call::Http(HttpCall { method, host, target, ..HttpCall::default() })
    };
    Some(Hit { time, call, count: 1, who })
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    fn kv(k: &str, v: &str) -> KeyValue {
        KeyValue { key: k.into(), value: Some(AnyValue { value: Some(any_value::Value::StringValue(v.into())) }) }
    }

    #[test]
    fn protobuf_and_json_spans_give_the_same_hits() {
        let span = Span {
            kind: 2,
            start_time_unix_nano: 1_765_000_000_000_000_000,
            attributes: vec![
                kv("http.request.method", "GET"),
                kv("url.path", "/pets/3"),
                kv("user_agent.original", "web/2"),
                kv("client.address", "10.0.0.1"),
            ],
        };
        let req = ExportTraceServiceRequest { resource_spans: vec![ResourceSpans { scope_spans: vec![ScopeSpans { spans: vec![span] }] }] };
        let decoded = ExportTraceServiceRequest::decode(req.encode_to_vec().as_slice()).unwrap();
        let opts = ParseOptions::default();
        let from_proto: Vec<Hit> = spans_of(&decoded).filter_map(|s| span_hit(&s, &opts)).collect();
        let json = serde_json::json!({"scopeSpans": [{"spans": [{"kind": 2, "startTimeUnixNano": "1765000000000000000", "attributes": [
            {"key": "http.request.method", "value": {"stringValue": "GET"}}, {"key": "url.path", "value": {"stringValue": "/pets/3"}},
            {"key": "user_agent.original", "value": {"stringValue": "web/2"}}, {"key": "client.address", "value": {"stringValue": "10.0.0.1"}}]},
            {"kind": "SPAN_KIND_INTERNAL", "attributes": [{"key": "http.method", "value": {"stringValue": "GET"}}]}]}]});
        let from_json: Vec<Hit> = spans_of_json(&json).iter().filter_map(|s| span_hit(s, &opts)).collect();
        assert_eq!(from_proto, from_json);
        assert_eq!(from_json.len(), 1);
        assert_eq!(from_json[0].time, "2025-12-06T05:46:40Z");
    }

    #[test]
    fn rpc_and_graphql_spans() {
        let opts = ParseOptions::default();
        let rpc = SpanData {
            kind: 2,
            start: 0,
            attrs: vec![("rpc.service".into(), vec!["shop.v1.Shop".into()]), ("rpc.method".into(), vec!["GetItem".into()])],
        };
        assert_eq!(span_hit(&rpc, &opts).unwrap().call, Call::Rpc { service: "shop.v1.Shop".into(), method: "GetItem".into() });
        let gql = SpanData { kind: 0, start: 0, attrs: vec![("graphql.document".into(), vec!["{ me { id } }".into()])] };
        assert!(matches!(span_hit(&gql, &opts).unwrap().call, Call::GraphQl { .. }));
        assert!(span_hit(&SpanData { kind: 3, ..rpc }, &opts).is_none());
    }
}
