//! Response shapes: what a sampled response body looked like, kept as a bounded map of property
//! pointers to JSON types ([`ResponseShape`]), never the values. Ingest builds one per sampled
//! body with [`shape_of`] (HAR bodies, a sampled capture); payload conformance compares them
//! with the description (`pipeline::usage::conformance`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The most property pointers one shape keeps.
pub const MAX_POINTERS: usize = 512;

/// The deepest pointer one shape keeps.
pub const MAX_DEPTH: usize = 32;

/// The shape of the responses of one operation and status on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseShape {
    /// The module.
    pub module: String,
    /// The operation's method (upper case).
    pub method: String,
    /// The operation's path template.
    pub path: String,
    /// The status code (`200`).
    pub status: String,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// How many bodies were sampled.
    pub samples: u64,
    /// Property pointer (array items as `*`, the body itself as `""`) to the JSON type seen
    /// (`object`, `array`, `string`, `integer`, `number`, `boolean`, `null`).
    pub properties: BTreeMap<String, String>,
}

/// The JSON type of a value, as JSON Schema names it.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The pointers and types of a body, at most [`MAX_POINTERS`] and [`MAX_DEPTH`] deep (array
/// items merged under `*`; the first type seen wins).
pub fn shape_of(body: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<(String, &Value, usize)> = vec![(String::new(), body, 0)];
    while let Some((ptr, v, depth)) = stack.pop() {
        if out.len() >= MAX_POINTERS {
            break;
        }
        out.entry(ptr.clone()).or_insert_with(|| json_type(v).to_string());
        if depth >= MAX_DEPTH {
            continue;
        }
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let seg = k.replace('~', "~0").replace('/', "~1");
                    stack.push((format!("{ptr}/{seg}"), child, depth + 1));
                }
            }
            Value::Array(items) => {
                for child in items.iter().take(16) {
                    stack.push((format!("{ptr}/*"), child, depth + 1));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_keeps_pointers_and_types_never_values() {
        let s = shape_of(&serde_json::json!({"id": 1, "name": "Rex", "tags": [{"v": 1.5}], "a/b": null}));
        let want: Vec<(&str, &str)> = vec![
            ("", "object"),
            ("/a~1b", "null"),
            ("/id", "integer"),
            ("/name", "string"),
            ("/tags", "array"),
            ("/tags/*", "object"),
            ("/tags/*/v", "number"),
        ];
        assert_eq!(s.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(), want);
        assert!(!serde_json::to_string(&s).unwrap().contains("Rex"));
    }
}
