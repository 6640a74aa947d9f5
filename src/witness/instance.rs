//! Candidate JSON values for a schema, smallest first: values the schema names (`example`,
//! `default`, `const`, `enum`), the shortest value of each type it allows, each bound and one
//! past it, objects with their required properties and one property varied at a time, and one
//! value of every other type. The validator decides which candidate is a witness; this file only
//! proposes, within a budget, so a huge schema costs a bounded number of nodes.

use crate::spec::refs::{DocSet, NodeId, entry};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// Deepest nesting candidates are built for (deeper properties get their minimal value only).
const MAX_DEPTH: usize = 5;
/// Schema nodes one generator may visit.
const BUDGET: usize = 2_000;

/// Builds candidates over one document set.
pub(crate) struct Gen<'a> {
    docs: &'a DocSet,
    visited: usize,
    /// Candidates already built, by node and depth: a schema reached from many places (or asked
    /// for its first value again) costs once.
    memo: HashMap<(NodeId, usize), Vec<Value>>,
    /// The property the change is about: at the top, its variations come first, so a wide
    /// object's cap cannot crowd them out.
    focus: Option<String>,
}

/// Candidates in first-seen order, without repeats, at most `cap`.
struct Out {
    cap: usize,
    seen: HashSet<String>,
    list: Vec<Value>,
}

impl Out {
    fn push(&mut self, v: Value) {
        if self.list.len() < self.cap && self.seen.insert(v.to_string()) {
            self.list.push(v);
        }
    }
}

impl<'a> Gen<'a> {
    /// A generator over `docs`.
    pub(crate) fn new(docs: &'a DocSet) -> Self {
        Gen { docs, visited: 0, memo: HashMap::new(), focus: None }
    }

    /// A generator whose top-level objects vary `property` first.
    pub(crate) fn focused(docs: &'a DocSet, property: Option<String>) -> Self {
        Gen { focus: property, ..Gen::new(docs) }
    }

    /// Candidates for the schema at `id`, most likely valid first.
    pub(crate) fn candidates(&mut self, id: &NodeId, depth: usize) -> Vec<Value> {
        let key = (id.clone(), depth);
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        let got = self.build(id, depth);
        self.memo.insert(key, got.clone());
        got
    }

    fn build(&mut self, id: &NodeId, depth: usize) -> Vec<Value> {
        let cap = if depth == 0 { 96 } else { 12 };
        let mut out = Out { cap, seen: HashSet::new(), list: Vec::new() };
        self.visited += 1;
        let resolved = self.docs.resolve(id);
        let Some((rid, Value::Object(s))) = resolved.as_ref().map(|(i, v)| (i.clone(), *v)) else {
            generic(&mut out);
            return out.list;
        };
        if depth == 0 {
            // The search sorts what it gets; the cap must not crowd out a value of another type.
            generic(&mut out);
        }
        if depth > MAX_DEPTH || self.visited > BUDGET {
            self.hints(s, &mut out);
            generic(&mut out);
            return out.list;
        }
        self.hints(s, &mut out);
        let types = types_of(s);
        for t in &types {
            match t.as_str() {
                "object" => self.object(&rid, s, depth, &mut out),
                "array" => self.array(&rid, s, depth, &mut out),
                "string" => string(s, &mut out),
                "integer" => numbers(s, true, &mut out),
                "number" => numbers(s, false, &mut out),
                "boolean" => {
                    out.push(json!(false));
                    out.push(json!(true));
                }
                _ => out.push(Value::Null),
            }
        }
        let per = if depth == 0 { 8 } else { 3 };
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(bs)) = s.get(key) {
                for i in 0..bs.len() {
                    for v in self.candidates(&rid.child(key).item(i), depth + 1).into_iter().take(per) {
                        out.push(v);
                    }
                }
            }
        }
        for key in ["not", "if", "then", "else", "contains"] {
            if s.contains_key(key) {
                for v in self.candidates(&rid.child(key), depth + 1).into_iter().take(per) {
                    out.push(if key == "contains" { json!([v]) } else { v });
                }
            }
        }
        generic(&mut out);
        out.list
    }

    /// The values the schema itself names.
    fn hints(&self, s: &Map<String, Value>, out: &mut Out) {
        for k in ["example", "default", "const"] {
            if let Some(v) = entry(s, k) {
                out.push(v.clone());
            }
        }
        if let Some(Value::Array(ex)) = entry(s, "examples") {
            ex.iter().take(2).for_each(|v| out.push(v.clone()));
        }
        for k in ["enum", "x-extensible-enum"] {
            if let Some(Value::Array(e)) = entry(s, k) {
                e.iter().take(32).for_each(|v| out.push(v.clone()));
            }
        }
    }

    /// The first candidate of a sub-schema (its most likely valid value).
    fn first(&mut self, id: &NodeId, depth: usize) -> Value {
        self.candidates(id, depth + 1).into_iter().next().unwrap_or(Value::Null)
    }

    fn object(&mut self, id: &NodeId, s: &Map<String, Value>, depth: usize, out: &mut Out) {
        let (props, required) = self.members(id, s, 0);
        let mut minimal = Map::new();
        for r in &required {
            let v = match props.iter().find(|(n, _)| n == r) {
                Some((_, p)) => self.first(p, depth),
                None => json!(""),
            };
            minimal.insert(r.clone(), v);
        }
        out.push(Value::Object(minimal.clone()));
        for r in &required {
            let mut m = minimal.clone();
            m.remove(r);
            out.push(Value::Object(m));
        }
        let per = if depth == 0 { 12 } else { 3 };
        let mut props = props;
        if depth == 0
            && let Some(f) = &self.focus
            && let Some(i) = props.iter().position(|(n, _)| n == f)
        {
            let p = props.remove(i);
            props.insert(0, p);
        }
        for (name, p) in &props {
            for v in self.candidates(p, depth + 1).into_iter().take(per) {
                let mut m = minimal.clone();
                m.insert(name.clone(), v);
                out.push(Value::Object(m));
            }
        }
        let mut full = minimal.clone();
        for (name, p) in &props {
            if !full.contains_key(name) {
                let v = self.first(p, depth);
                full.insert(name.clone(), v);
            }
        }
        out.push(Value::Object(full));
        let extra = (0..)
            .map(|i| if i == 0 { "x".to_string() } else { format!("x{i}") })
            .find(|n| !props.iter().any(|(p, _)| p == n))
            .unwrap_or_default();
        let addl: Vec<Value> = match entry(s, "additionalProperties") {
            Some(Value::Object(_)) => self.candidates(&id.child("additionalProperties"), depth + 1).into_iter().take(per).collect(),
            _ => vec![json!("")],
        };
        for v in addl {
            let mut m = minimal.clone();
            m.insert(extra.clone(), v);
            out.push(Value::Object(m));
        }
        if entry(s, "propertyNames").is_some() {
            for n in self.candidates(&id.child("propertyNames"), depth + 1).into_iter().take(per) {
                if let Value::String(n) = n {
                    let mut m = minimal.clone();
                    m.insert(n, json!(""));
                    out.push(Value::Object(m));
                }
            }
        }
    }

    /// Properties and required names of an object schema, with its `allOf` branches and `$ref`s.
    fn members(&mut self, id: &NodeId, s: &Map<String, Value>, depth: usize) -> (Vec<(String, NodeId)>, Vec<String>) {
        let mut props: Vec<(String, NodeId)> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        if let Some(Value::Object(p)) = entry(s, "properties") {
            props.extend(p.keys().map(|k| (k.clone(), id.child("properties").child(k))));
        }
        if let Some(Value::Array(r)) = entry(s, "required") {
            required.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
        }
        if depth < 8
            && let Some(Value::Array(all)) = entry(s, "allOf")
        {
            for i in 0..all.len() {
                self.visited += 1;
                let Some((bid, Value::Object(b))) = self.docs.resolve(&id.child("allOf").item(i)) else { continue };
                let (p, r) = self.members(&bid, b, depth + 1);
                for (n, pid) in p {
                    if !props.iter().any(|(q, _)| *q == n) {
                        props.push((n, pid));
                    }
                }
                required.extend(r.into_iter().filter(|n| !required.contains(n)).collect::<Vec<_>>());
            }
        }
        (props, required)
    }

    fn array(&mut self, id: &NodeId, s: &Map<String, Value>, depth: usize, out: &mut Out) {
        let min = entry(s, "minItems").and_then(Value::as_u64).unwrap_or(0).min(64) as usize;
        let tuple: Vec<NodeId> = ["prefixItems", "items"]
            .iter()
            .find_map(|k| match s.get(*k) {
                Some(Value::Array(t)) => Some((0..t.len()).map(|i| id.child(k).item(i)).collect()),
                _ => None,
            })
            .unwrap_or_default();
        let items = matches!(entry(s, "items"), Some(Value::Object(_)) | Some(Value::Bool(_))).then(|| id.child("items"));
        let item_cands = match &items {
            Some(i) => self.candidates(i, depth + 1),
            None => vec![json!("")],
        };
        let first = item_cands.first().cloned().unwrap_or(Value::Null);
        let mut head: Vec<Value> = tuple.iter().map(|t| self.first(t, depth)).collect();
        while head.len() < min {
            head.push(first.clone());
        }
        out.push(Value::Array(head.clone()));
        for v in item_cands.iter().take(if depth == 0 { 12 } else { 3 }) {
            let mut a = head.clone();
            if a.is_empty() || !tuple.is_empty() {
                a.push(v.clone());
            } else {
                a[0] = v.clone();
            }
            out.push(Value::Array(a));
        }
        for (i, t) in tuple.iter().enumerate() {
            for v in self.candidates(t, depth + 1).into_iter().take(3) {
                let mut a = head.clone();
                a[i] = v;
                out.push(Value::Array(a));
            }
        }
        out.push(json!([first.clone(), first.clone()]));
        if let Some(max) = entry(s, "maxItems").and_then(Value::as_u64).filter(|m| *m < 64) {
            out.push(Value::Array(vec![first.clone(); max as usize]));
            out.push(Value::Array(vec![first; max as usize + 1]));
        }
    }
}

/// The types a schema allows, as written or as its keywords imply.
fn types_of(s: &Map<String, Value>) -> Vec<String> {
    match entry(s, "type") {
        Some(Value::String(t)) => {
            let mut v = vec![t.clone()];
            if [entry(s, "nullable"), entry(s, "x-nullable")].into_iter().flatten().any(|n| n == &Value::Bool(true)) {
                v.push("null".into());
            }
            v
        }
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => {
            let has = |ks: &[&str]| ks.iter().any(|k| s.contains_key(*k));
            let mut v = Vec::new();
            if has(&[
                "properties",
                "required",
                "additionalProperties",
                "minProperties",
                "maxProperties",
                "propertyNames",
                "dependentRequired",
            ]) {
                v.push("object".to_string());
            }
            if has(&["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"]) {
                v.push("array".into());
            }
            if has(&["minLength", "maxLength", "pattern", "format"]) {
                v.push("string".into());
            }
            if has(&["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]) {
                v.push("number".into());
            }
            v
        }
    }
}

/// One value of every type (a type that changed or widened is found with these).
fn generic(out: &mut Out) {
    for v in [json!(""), json!(0), json!(false), Value::Null, json!({}), json!([]), json!(0.5)] {
        out.push(v);
    }
}

fn string(s: &Map<String, Value>, out: &mut Out) {
    let min = entry(s, "minLength").and_then(Value::as_u64).unwrap_or(0).min(4096) as usize;
    out.push(Value::String("a".repeat(min)));
    let by_format: &[&str] = match entry(s, "format").and_then(Value::as_str) {
        Some("date") => &["1970-01-01"],
        Some("date-time") => &["1970-01-01T00:00:00Z"],
        Some("uuid") => &["00000000-0000-0000-0000-000000000000"],
        Some("email") => &["a@a"],
        Some("ipv4") => &["0.0.0.0"],
        Some("ipv6") => &["::"],
        _ => &[],
    };
    for x in by_format {
        out.push(json!(x));
    }
    if entry(s, "pattern").is_some() {
        for x in ["a", "0", "A", "a0", "aa", "00", "-", "a-a", "a@a.a", "1970-01-01", "http://a"] {
            if x.len() >= min {
                out.push(json!(x));
            }
        }
    }
    if let Some(max) = entry(s, "maxLength").and_then(Value::as_u64).filter(|m| *m < 4096) {
        out.push(Value::String("a".repeat(max as usize)));
        out.push(Value::String("a".repeat(max as usize + 1)));
    }
    if min > 0 {
        out.push(Value::String("a".repeat(min - 1)));
    }
    out.push(json!("a"));
}

fn numbers(s: &Map<String, Value>, integer: bool, out: &mut Out) {
    let num = |x: f64| -> Value { if integer || x.fract() == 0.0 && x.abs() < 9.0e15 { json!(x as i64) } else { json!(x) } };
    let bound = |k: &str| entry(s, k).and_then(Value::as_f64);
    let excl = |k: &str, fallback: &str| match entry(s, k) {
        Some(Value::Bool(true)) => bound(fallback),
        Some(Value::Number(n)) => n.as_f64(),
        _ => None,
    };
    let lo = bound("minimum");
    let hi = bound("maximum");
    let xlo = excl("exclusiveMinimum", "minimum");
    let xhi = excl("exclusiveMaximum", "maximum");
    let step = if integer { 1.0 } else { 0.5 };
    let mut base = 0.0f64;
    if let Some(l) = lo.filter(|l| base < *l) {
        base = l;
    }
    if let Some(l) = xlo.filter(|l| base <= *l) {
        base = l + step;
    }
    if let Some(h) = hi.filter(|h| base > *h) {
        base = h;
    }
    if let Some(h) = xhi.filter(|h| base >= *h) {
        base = h - step;
    }
    if integer {
        base = base.ceil();
    }
    out.push(num(base));
    for b in [lo, hi, xlo, xhi].into_iter().flatten() {
        out.push(num(b));
        out.push(num(b - step));
        out.push(num(b + step));
    }
    if integer {
        // One past each integer format's range.
        out.push(json!(2_147_483_648_i64));
        out.push(json!(-2_147_483_649_i64));
        out.push(json!(9_223_372_036_854_775_808_u64));
    }
    if let Some(d) = bound("multipleOf") {
        out.push(num(d));
        out.push(num(d + step));
    }
    if !integer {
        out.push(json!(base + 0.5));
    }
}
