//! YAML to `serde_json::Value` with YAML 1.2 core-schema scalars, merge keys, an alias-expansion
//! budget (YAML bombs), a nesting limit, duplicate-key errors, and a second pass that finds the
//! line of any JSON pointer.
//!
//! Built on saphyr-parser's event stream rather than a serde deserializer because the diff
//! needs positions and the loader needs to bound alias expansion itself (see docs/decisions.md).

use super::pointer::{MAX_DEPTH, escape_segment};
use crate::error::Located;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

enum Frame {
    Map { map: Map<String, Value>, key: Option<(String, bool, Span)>, merges: Vec<Value>, anchor: usize, nodes: usize },
    Seq { items: Vec<Value>, anchor: usize, nodes: usize },
}

fn err(name: &str, span: &Span, msg: impl Into<String>) -> Located {
    Located::new(name, Some(span.start.line() as u32), Some(span.start.col() as u32 + 1), msg)
}

fn scan_err(name: &str, e: &ScanError) -> Located {
    Located::new(name, Some(e.marker().line() as u32), Some(e.marker().col() as u32 + 1), format!("invalid YAML: {}", e.info()))
}

/// Parses one YAML document into a JSON value.
pub fn parse(name: &str, text: &str) -> Result<Value, Located> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut root: Option<Value> = None;
    let mut documents = 0usize;
    let mut events = 0usize;
    let mut materialized = 0usize;
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| scan_err(name, &e))?;
        events += 1;
        let done: Option<(Value, usize, usize)> = match ev {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(name, &span, "a second YAML document starts here; an API description is one document"));
                }
                None
            }
            Event::Alias(id) => {
                let (v, n) = anchors.get(&id).ok_or_else(|| err(name, &span, "alias refers to an unknown anchor"))?;
                materialized += n;
                // Budget: a legitimate spec expands to a small multiple of its own size; a YAML
                // bomb (nested aliases) expands exponentially.
                if materialized > 4 * events + 100_000 {
                    return Err(err(name, &span, "YAML aliases expand beyond the size limit (an alias bomb?)"));
                }
                Some((v.clone(), *n, 0))
            }
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(Frame::Map { key: key @ None, .. }) = stack.last_mut() {
                    *key = Some((text.to_string(), style == ScalarStyle::Plain, span));
                    if anchor != 0 {
                        anchors.insert(anchor, (Value::String(text.to_string()), 1));
                    }
                    continue;
                }
                let tag_suffix = tag.as_ref().map(|t| t.suffix.clone());
                Some((scalar(text, style, tag_suffix.as_deref()), 1, anchor))
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(name, &span, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                stack.push(Frame::Seq { items: Vec::new(), anchor, nodes: 1 });
                None
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(name, &span, format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                stack.push(Frame::Map { map: Map::new(), key: None, merges: Vec::new(), anchor, nodes: 1 });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { mut items, anchor, nodes }) => {
                    items.shrink_to_fit();
                    Some((Value::Array(items), nodes, anchor))
                }
                _ => return Err(err(name, &span, "unbalanced sequence end")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map { mut map, merges, anchor, nodes, .. }) => {
                    for m in merges {
                        merge_into(&mut map, m).map_err(|msg| err(name, &span, msg))?;
                    }
                    Some((Value::Object(fitted(map)), nodes, anchor))
                }
                _ => return Err(err(name, &span, "unbalanced mapping end")),
            },
        };
        let Some((value, nodes, anchor)) = done else { continue };
        if anchor != 0 {
            anchors.insert(anchor, (value.clone(), nodes));
        }
        attach(name, &span, &mut stack, &mut root, value, nodes)?;
    }
    Ok(root.unwrap_or(Value::Null))
}

/// A small mapping again at exactly its size: grown one entry at a time it keeps room for three
/// or more, and a file of many small mappings (200,000 modules of two keys) spent twice the
/// memory it needed on that room.
fn fitted(map: Map<String, Value>) -> Map<String, Value> {
    if map.len() >= 16 {
        return map;
    }
    let mut out = Map::with_capacity(map.len());
    out.extend(map);
    out
}

/// Puts a finished value where it belongs: the root, the open sequence, or the open mapping
/// under its pending key (a `<<` key queues a merge).
#[inline]
fn attach(name: &str, span: &Span, stack: &mut [Frame], root: &mut Option<Value>, value: Value, nodes: usize) -> Result<(), Located> {
    match stack.last_mut() {
        None => *root = Some(value),
        Some(Frame::Seq { items, nodes: n, .. }) => {
            *n += nodes;
            items.push(value);
        }
        Some(Frame::Map { map, key, merges, nodes: n, .. }) => {
            *n += nodes;
            match key.take() {
                None => {
                    // A non-scalar key (`? [a, b]: c`): JSON has no such thing.
                    return Err(err(name, span, "a mapping key must be a scalar"));
                }
                Some((k, plain, kspan)) => {
                    if plain && k == "<<" {
                        merges.push(value);
                    } else if map.contains_key(&k) {
                        return Err(err(name, &kspan, format!("duplicate key `{k}`")));
                    } else {
                        map.insert(k, value);
                    }
                }
            }
        }
    }
    Ok(())
}

fn merge_into(map: &mut Map<String, Value>, merged: Value) -> Result<(), String> {
    match merged {
        Value::Object(m) => {
            for (k, v) in m {
                map.entry(k).or_insert(v);
            }
            Ok(())
        }
        Value::Array(list) => {
            for item in list {
                match item {
                    Value::Object(_) => merge_into(map, item)?,
                    _ => return Err("a merge key (`<<`) takes a mapping or a list of mappings".into()),
                }
            }
            Ok(())
        }
        _ => Err("a merge key (`<<`) takes a mapping or a list of mappings".into()),
    }
}

/// Resolves a scalar with the YAML 1.2 core schema (so `yes` stays a string, as in JSON).
fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") | Some("binary") | Some("timestamp") => return Value::String(text.into_owned()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain && tag.is_none() {
        return Value::String(text.into_owned());
    }
    let t: &str = &text;
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = int(t) {
        return Value::Number(n);
    }
    if looks_float(t)
        && let Ok(f) = t.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.into_owned())
}

fn int(t: &str) -> Option<Number> {
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let parsed = if let Some(h) = digits.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(o) = digits.strip_prefix("0o") {
        u64::from_str_radix(o, 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<u64>().ok()
    } else {
        None
    }?;
    if neg { i64::try_from(parsed).ok().map(|v| Number::from(-v)) } else { Some(Number::from(parsed)) }
}

fn looks_float(t: &str) -> bool {
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let mut saw_digit = false;
    let mut saw_exp = false;
    let mut prev = ' ';
    for c in body.chars() {
        match c {
            '0'..='9' => saw_digit = true,
            '.' if !saw_exp => {}
            'e' | 'E' if saw_digit && !saw_exp => saw_exp = true,
            '-' | '+' if prev == 'e' || prev == 'E' => {}
            _ => return false,
        }
        prev = c;
    }
    saw_digit
}

/// Finds the position (1-based line and column) of each wanted JSON pointer: the key's position
/// for mapping members, the node's for sequence items.
pub fn locate(text: &str, wanted: &HashSet<String>) -> HashMap<String, (u32, u32)> {
    enum F {
        Map { key: Option<(String, (u32, u32))> },
        Seq { idx: usize },
    }
    let mut out = HashMap::new();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<(F, usize)> = Vec::new();
    let mut path = String::new();
    let pos = |s: &Span| (s.start.line() as u32, s.start.col() as u32 + 1);
    while let Some(Ok((ev, span))) = parser.next_event() {
        // A node in value position: compute its pointer, record it, and open it if it is a collection.
        let is_node = matches!(ev, Event::Scalar(..) | Event::Alias(_) | Event::MappingStart(..) | Event::SequenceStart(..));
        if is_node {
            if let Some((F::Map { key: key @ None }, _)) = stack.last_mut() {
                if let Event::Scalar(t, ..) = &ev {
                    *key = Some((t.to_string(), pos(&span)));
                }
                // Complex keys are rejected by `parse`; nothing to record.
                continue;
            }
            let base_len = path.len();
            let at = match stack.last_mut() {
                None => pos(&span),
                Some((F::Seq { idx }, _)) => {
                    path.push('/');
                    path.push_str(&idx.to_string());
                    *idx += 1;
                    pos(&span)
                }
                Some((F::Map { key }, _)) => {
                    let (k, kpos) = key.take().unwrap_or_default();
                    path.push('/');
                    path.push_str(&escape_segment(&k));
                    kpos
                }
            };
            if wanted.contains(&path) {
                out.insert(path.clone(), at);
            }
            match ev {
                Event::MappingStart(..) => stack.push((F::Map { key: None }, base_len)),
                Event::SequenceStart(..) => stack.push((F::Seq { idx: 0 }, base_len)),
                _ => path.truncate(base_len),
            }
        } else if matches!(ev, Event::MappingEnd | Event::SequenceEnd)
            && let Some((_, len)) = stack.pop()
        {
            path.truncate(len);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_scalars() {
        let v = parse("t", "a: yes\nb: 1\nc: 1.5\nd: ~\ne: 'true'\n200: x\nf: 0x1f\ng: 3.0.0\n").unwrap();
        assert_eq!(v, serde_json::json!({"a":"yes","b":1,"c":1.5,"d":null,"e":"true","200":"x","f":31,"g":"3.0.0"}));
    }

    #[test]
    fn merge_keys_and_anchors() {
        let v = parse("t", "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n").unwrap();
        assert_eq!(v["d"], serde_json::json!({"y":3,"x":1}));
    }

    #[test]
    fn duplicate_key_is_located() {
        let e = parse("t.yaml", "a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (Some(3), "duplicate key `a`"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            s.push_str(&format!(
                "{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                (b'a' + i) as char,
                (b'a' + i) as char,
                p = (b'a' + i - 1) as char
            ));
        }
        let e = parse("bomb.yaml", &s).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = "[".repeat(10_000);
        let e = parse("deep.yaml", &s).unwrap_err();
        // Block nesting hits our limit; flow nesting hits the parser's own (256) first.
        assert!(e.message.contains("nesting deeper") || e.message.contains("recursion limit"), "{e}");
        let block: String = (0..200).map(|i| format!("{}- \n", "  ".repeat(i))).collect();
        let e = parse("deep.yaml", &block).unwrap_err();
        assert!(e.message.contains("nesting deeper than 128"), "{e}");
    }

    #[test]
    fn locate_finds_keys() {
        let text = "openapi: 3.0.0\npaths:\n  /pets:\n    get:\n      responses: {}\nlist:\n  - a\n  - b\n";
        let wanted: HashSet<String> = ["/paths/~1pets/get", "/list/1", "/openapi"].iter().map(|s| s.to_string()).collect();
        let got = locate(text, &wanted);
        assert_eq!(got["/paths/~1pets/get"], (4, 5));
        assert_eq!(got["/list/1"], (8, 5));
        assert_eq!(got["/openapi"], (1, 1));
    }
}
