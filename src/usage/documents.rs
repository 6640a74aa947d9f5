//! Evidence that comes as JSON documents rather than log lines: HAR files (`log.entries`), OTLP
//! JSON exports (`resourceSpans`) and GraphQL operation documents with counts (an array). A
//! document is streamed: only one entry is in memory at a time, so memory stays bounded by the
//! largest entry, not the file. The same records one per line (the collector's file exporter,
//! NDJSON) are read by [`record`].

use super::evidence::{Call, Format, Hit, HttpCall, ParseOptions, Who, pointers, scalar_leaves, split_url};
use super::otlp;
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::io::Read;

/// How deep a body may nest before it is refused (bounded, located, never a silent stop).
pub const MAX_BODY_DEPTH: usize = 64;

/// What one record gave: hits, or why it was bad.
pub type Outcome = Result<Vec<Hit>, String>;

/// The records of one JSON value of a document format (a HAR entry, an OTLP `ResourceSpans`
/// or a whole export, one GraphQL `{document, count, client}`).
pub fn record(format: Format, v: &Value, opts: &ParseOptions) -> Outcome {
    match format {
        Format::Har => {
            if let Some(entries) = v.get("log").and_then(|l| l.get("entries")).and_then(Value::as_array) {
                let mut out = Vec::new();
                for e in entries {
                    out.extend(har_entry(e, opts)?);
                }
                return Ok(out);
            }
            har_entry(v, opts)
        }
        Format::Otlp => {
            let resources = match v.get("resourceSpans").and_then(Value::as_array) {
                Some(r) => r.iter().collect(),
                None => vec![v],
            };
            Ok(resources.into_iter().flat_map(otlp::spans_of_json).filter_map(|s| otlp::span_hit(&s, opts)).collect())
        }
        Format::GraphQl => graphql_record(v, opts).map(|h| vec![h]),
        Format::Combined | Format::JsonLog | Format::Alb => Err(format!("{} is a line format", format.as_str())),
    }
}

/// One `{document, count, client, time?}` (also `query` for the document, `operationName`
/// ignored).
fn graphql_record(v: &Value, opts: &ParseOptions) -> Result<Hit, String> {
    let document = v.get("document").or_else(|| v.get("query")).and_then(Value::as_str).ok_or("no \"document\"")?;
    let count = match v.get("count") {
        None => 1,
        Some(c) => c.as_u64().ok_or("\"count\" is not a whole number")?,
    };
    let time = v.get("time").and_then(Value::as_str).and_then(crate::time::utc_of).unwrap_or_else(|| opts.now.clone());
    let client = v.get("client").and_then(Value::as_str).map(str::to_string);
    Ok(Hit { time, call: Call::GraphQl { document: document.to_string() }, count, who: Who { client, ..Who::default() } })
}

fn header<'a>(headers: &'a [Value], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|h| h.get("value")?.as_str())
}

/// The JSON body, when the text is JSON (and not base64).
fn json_body(text: Option<&Value>, mime: Option<&Value>, encoding: Option<&Value>) -> Option<Value> {
    let (Some(text), Some(mime)) = (text.and_then(Value::as_str), mime.and_then(Value::as_str)) else { return None };
    if !mime.to_ascii_lowercase().contains("json") || encoding.and_then(Value::as_str) == Some("base64") {
        return None;
    }
    serde_json::from_str::<Value>(text).ok()
}

/// One HAR entry: the request (method, URL, header names, JSON body) and the JSON response body.
fn har_entry(e: &Value, opts: &ParseOptions) -> Outcome {
    let req = e.get("request").ok_or("entry without \"request\"")?;
    let method = req.get("method").and_then(Value::as_str).ok_or("request without \"method\"")?.to_ascii_uppercase();
    let url = req.get("url").and_then(Value::as_str).ok_or("request without \"url\"")?;
    let time = e
        .get("startedDateTime")
        .and_then(Value::as_str)
        .and_then(crate::time::utc_of)
        .ok_or("entry without a readable \"startedDateTime\"")?;
    let (host, target) = split_url(url);
    let empty = Vec::new();
    let headers = req.get("headers").and_then(Value::as_array).unwrap_or(&empty);
    let names: Vec<String> =
        headers.iter().filter_map(|h| h.get("name")?.as_str()).map(|n| n.to_ascii_lowercase()).filter(|n| !n.starts_with(':')).collect();
    let post = req.get("postData");
    let sent_body = json_body(post.and_then(|p| p.get("text")), post.and_then(|p| p.get("mimeType")), None);
    let sent = sent_body.as_ref().map(|b| pointers(b, MAX_BODY_DEPTH)).transpose()?.unwrap_or_default();
    let sent_values = sent_body.as_ref().map(|b| scalar_leaves(b, MAX_BODY_DEPTH)).unwrap_or_default();
    let content = e.get("response").and_then(|r| r.get("content"));
    let received_body =
        json_body(content.and_then(|c| c.get("text")), content.and_then(|c| c.get("mimeType")), content.and_then(|c| c.get("encoding")));
    let received = received_body.as_ref().map(|b| pointers(b, MAX_BODY_DEPTH)).transpose()?.unwrap_or_default();
    let status = e.get("response").and_then(|r| r.get("status")).and_then(Value::as_u64).filter(|s| (100..600).contains(s));
    let response = status.zip(received_body.as_ref()).map(|(s, b)| (s.to_string(), super::samples::shape_of(b)));
    let who = Who {
        client: opts.client_header.as_deref().and_then(|h| header(headers, h)).map(str::to_string),
        user_agent: header(headers, "user-agent").map(str::to_string),
        peer: None,
    };
    let call = Call::Http(HttpCall { method, host, target, headers: names, sent, received, sent_values, response });
    Ok(vec![Hit { time, call, count: 1, who }])
}

/// Streams a document: every element of the array at `path` (`["log", "entries"]` for HAR,
/// `["resourceSpans"]` for OTLP, `[]` for a top-level array) is handed to `each` as it is read.
/// A document that is not JSON, or has no such array, is an error with the line and column
/// (`each`'s errors travel the same way).
pub fn stream<R: Read>(reader: R, path: &[&str], each: &mut dyn FnMut(Value) -> Result<(), String>) -> Result<(), (usize, usize, String)> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let found = AtPath { path, each }.deserialize(&mut de).map_err(|e| (e.line(), e.column(), e.to_string()))?;
    de.end().map_err(|e| (e.line(), e.column(), e.to_string()))?;
    if !found {
        return Err((1, 1, format!("no array at /{}", path.join("/"))));
    }
    Ok(())
}

/// The array path each document format is streamed along.
pub fn array_path(format: Format) -> &'static [&'static str] {
    match format {
        Format::Har => &["log", "entries"],
        Format::Otlp => &["resourceSpans"],
        _ => &[],
    }
}

struct AtPath<'p, 'f> {
    path: &'p [&'p str],
    each: &'f mut dyn FnMut(Value) -> Result<(), String>,
}

impl<'de> DeserializeSeed<'de> for AtPath<'_, '_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AtPath<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a JSON document with an array at /{}", self.path.join("/"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let AtPath { path, each } = self;
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if path.first() == Some(&key.as_str()) {
                found |= map.next_value_seed(AtPath { path: &path[1..], each: &mut *each })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        if !self.path.is_empty() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(false);
        }
        while let Some(v) = seq.next_element::<Value>()? {
            (self.each)(v).map_err(A::Error::custom)?;
        }
        Ok(true)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_har_is_streamed_entry_by_entry_with_body_pointers() {
        let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [
            {"startedDateTime": "2026-12-06T10:00:00.000Z", "request": {"method": "POST", "url": "https://api.example.com/v1/pets?dry=1",
              "headers": [{"name": "User-Agent", "value": "Mozilla/5.0"}, {"name": "X-Client-Name", "value": "web"}, {"name": "Authorization", "value": "Bearer s3cret"}],
              "postData": {"mimeType": "application/json", "text": "{\"name\":\"rex\",\"tags\":[{\"v\":1}]}"}},
             "response": {"status": 201, "content": {"mimeType": "application/json", "text": "{\"id\":1}"}}},
            {"startedDateTime": "2026-12-06T10:00:01.000Z", "request": {"method": "GET", "url": "https://api.example.com/v1/pets"}, "response": {}}
        ]}});
        let opts = ParseOptions { client_header: Some("x-client-name".into()), ..ParseOptions::default() };
        let bytes = serde_json::to_vec_pretty(&har).unwrap();
        let mut hits = Vec::new();
        stream(bytes.as_slice(), array_path(Format::Har), &mut |v| {
            hits.extend(record(Format::Har, &v, &opts)?);
            Ok(())
        })
        .unwrap();
        assert_eq!(hits.len(), 2);
        let Call::Http(c) = &hits[0].call else { panic!() };
        assert_eq!((c.host.as_deref(), c.target.as_str()), (Some("api.example.com"), "/v1/pets?dry=1"));
        assert_eq!(c.sent, vec!["/name", "/tags", "/tags/*/v"]);
        assert_eq!(c.received, vec!["/id"]);
        assert!(c.headers.contains(&"authorization".to_string()));
        assert_eq!(hits[0].who.client.as_deref(), Some("web"));
        let bad = stream(&b"{\"log\": {\"entries\": [1,"[..], &["log", "entries"], &mut |_| Ok(()));
        assert!(bad.is_err());
        let none = stream(&b"{\"log\": {}}"[..], &["log", "entries"], &mut |_| Ok(()));
        assert_eq!(none.unwrap_err().2, "no array at /log/entries");
    }

    #[test]
    fn graphql_documents_with_counts() {
        let v = serde_json::json!({"document": "{ me { id } }", "count": 40, "client": "ios"});
        let h = record(Format::GraphQl, &v, &ParseOptions { now: "2026-12-06T00:00:00Z".into(), ..ParseOptions::default() }).unwrap();
        assert_eq!((h[0].count, h[0].who.client.as_deref(), h[0].time.as_str()), (40, Some("ios"), "2026-12-06T00:00:00Z"));
        assert!(record(Format::GraphQl, &serde_json::json!({"count": 1}), &ParseOptions::default()).is_err());
    }
}
