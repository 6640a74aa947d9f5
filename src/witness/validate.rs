//! An instance validator over the part of JSON Schema apidiff models, with the dialect each
//! OpenAPI generation uses: Draft 4 rules for Swagger 2.0 and OpenAPI 3.0 (`$ref` replaces its
//! siblings, `nullable`/`x-nullable` fold into `type`, boolean `exclusiveMaximum`, no `const`),
//! and 2020-12 for 3.1 (`unevaluated*` included). Annotations (`format`, `readOnly`, `discriminator`, ...) are not asserted,
//! as JSON Schema validators do not assert them by default (formats: see below). What it cannot decide (a
//! pattern the regex engine refuses, a nesting past its bound) is
//! `Unknown`, never a guess. The formats OpenAPI validators assert and whose grammar is short
//! (`date`, `date-time`, `uuid`, `email`, `ipv4`, `ipv6`, `int32`, `int64`) are asserted; any other
//! format is an annotation.

use crate::spec::refs::{DocSet, NodeId, entry};
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// How deep a schema may nest under one instance before the check gives up (located).
pub(crate) const MAX_DEPTH: usize = 64;
/// How many schema nodes one check may visit (a recursive schema over a large instance).
const MAX_STEPS: usize = 200_000;

/// Why an instance is not valid, or why the validator cannot tell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fail {
    /// Rejected: the keyword, where it is, and what is wrong.
    Invalid(String),
    /// Undecided, and why.
    Unknown(String),
}

type Res = Result<(), Fail>;

/// A member of an instance some keyword evaluated (`unevaluated*`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Evaluated {
    Key(String),
    Index(usize),
    All,
}

/// A validator over one document set.
pub(crate) struct Validator<'a> {
    docs: &'a DocSet,
    draft4: bool,
    steps: usize,
    regexes: HashMap<String, Option<Regex>>,
}

impl<'a> Validator<'a> {
    /// A validator for `docs`; `draft4` for Swagger 2.0 and OpenAPI 3.0.
    pub(crate) fn new(docs: &'a DocSet, draft4: bool) -> Self {
        Validator { docs, draft4, steps: 0, regexes: HashMap::new() }
    }

    /// Checks `v` against the schema at `id`.
    pub(crate) fn check(&mut self, id: &NodeId, v: &Value) -> Res {
        self.steps = 0;
        self.node(id, v, "", 0)
    }

    fn node(&mut self, id: &NodeId, v: &Value, at: &str, depth: usize) -> Res {
        self.steps += 1;
        if depth > MAX_DEPTH {
            return Err(Fail::Unknown(format!("the schema at {} nests deeper than {MAX_DEPTH} levels under one value", id.ptr)));
        }
        if self.steps > MAX_STEPS {
            return Err(Fail::Unknown(format!("checking against {} took more than {MAX_STEPS} steps", id.ptr)));
        }
        let docs = self.docs;
        let Some(s) = docs.get(id) else { return Err(Fail::Unknown(format!("no schema at {}", id.ptr))) };
        let s = match s {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(invalid(at, id, "false", "no value is allowed".into())),
            Value::Object(m) => m,
            _ => return Ok(()),
        };
        if let Some(r) = entry(s, "$ref").and_then(Value::as_str) {
            let Some(t) = docs.target_loaded(id, r) else { return Err(Fail::Unknown(format!("cannot follow `$ref: {r}` at {}", id.ptr))) };
            self.node(&t, v, at, depth + 1)?;
            if self.draft4 {
                return Ok(());
            }
        }
        if let Some(r) = entry(s, "$dynamicRef").and_then(Value::as_str) {
            let Some((t, _)) = docs.resolve(id).filter(|(t, _)| t != id) else {
                return Err(Fail::Unknown(format!("cannot resolve `$dynamicRef: {r}` at {}", id.ptr)));
            };
            self.node(&t, v, at, depth + 1)?;
        }
        self.type_and_values(id, s, v, at)?;
        self.applicators(id, s, v, at, depth)?;
        if !self.draft4 {
            self.unevaluated(id, s, v, at, depth)?;
        }
        match v {
            Value::String(x) => self.string(id, s, x, at),
            Value::Number(_) => number(id, s, v, at, self.draft4).and_then(|()| match entry(s, "format").and_then(Value::as_str) {
                Some(f) if format_ok(f, v) == Some(false) => {
                    Err(invalid(at, &id.child("format"), "format", format!("{} is not a valid `{f}`", short(v))))
                }
                _ => Ok(()),
            }),
            Value::Array(a) => self.array(id, s, a, at, depth),
            Value::Object(o) => self.object(id, s, o, at, depth),
            _ => Ok(()),
        }
    }

    /// `unevaluatedProperties` / `unevaluatedItems` (2020-12): the members no keyword of this
    /// schema or of its in-place applicators that the value passes (`allOf`, passing `anyOf`/`oneOf`
    /// branches, `if`/`then`/`else`, `$ref`, `dependentSchemas`) evaluated are checked against it.
    fn unevaluated(&mut self, id: &NodeId, s: &Map<String, Value>, v: &Value, at: &str, depth: usize) -> Res {
        match v {
            Value::Object(o) if entry(s, "unevaluatedProperties").is_some() => {
                let mut seen = std::collections::BTreeSet::new();
                self.evaluated(id, v, depth, &mut seen, false)?;
                for (k, val) in o.iter().filter(|(k, _)| !seen.contains(&Evaluated::Key((*k).clone()))) {
                    let here = format!("{at}/{}", crate::source::text::escape_segment(k));
                    self.node(&id.child("unevaluatedProperties"), val, &here, depth + 1).map_err(|e| match e {
                        Fail::Invalid(_) => invalid(
                            at,
                            &id.child("unevaluatedProperties"),
                            "unevaluatedProperties",
                            format!("property `{k}` is not evaluated by any schema and not allowed"),
                        ),
                        e => e,
                    })?;
                }
                Ok(())
            }
            Value::Array(a) if entry(s, "unevaluatedItems").is_some() => {
                let mut seen = std::collections::BTreeSet::new();
                self.evaluated(id, v, depth, &mut seen, false)?;
                for (i, item) in
                    a.iter().enumerate().filter(|(i, _)| !seen.contains(&Evaluated::All) && !seen.contains(&Evaluated::Index(*i)))
                {
                    self.node(&id.child("unevaluatedItems"), item, &format!("{at}/{i}"), depth + 1).map_err(|e| match e {
                        Fail::Invalid(_) => invalid(
                            at,
                            &id.child("unevaluatedItems"),
                            "unevaluatedItems",
                            format!("item {i} is not evaluated by any schema and not allowed"),
                        ),
                        e => e,
                    })?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The members of `v` the schema at `id` evaluates (its own keywords, and those of the
    /// in-place applicators `v` passes); `own_unevaluated` counts its own `unevaluated*` too.
    fn evaluated(
        &mut self,
        id: &NodeId,
        v: &Value,
        depth: usize,
        seen: &mut std::collections::BTreeSet<Evaluated>,
        own_unevaluated: bool,
    ) -> Res {
        if depth > MAX_DEPTH {
            return Err(Fail::Unknown(format!("the schema at {} nests deeper than {MAX_DEPTH} levels under one value", id.ptr)));
        }
        let docs = self.docs;
        let Some(Value::Object(s)) = docs.get(id) else { return Ok(()) };
        if let Some(r) = entry(s, "$ref").and_then(Value::as_str) {
            let Some(t) = docs.target_loaded(id, r) else { return Err(Fail::Unknown(format!("cannot follow `$ref: {r}` at {}", id.ptr))) };
            self.evaluated(&t, v, depth + 1, seen, true)?;
        }
        match v {
            Value::Object(o) => {
                if (own_unevaluated && entry(s, "unevaluatedProperties").is_some()) || entry(s, "additionalProperties").is_some() {
                    seen.extend(o.keys().map(|k| Evaluated::Key(k.clone())));
                }
                if let Some(p) = entry(s, "properties").and_then(Value::as_object) {
                    seen.extend(o.keys().filter(|k| p.contains_key(*k)).map(|k| Evaluated::Key(k.clone())));
                }
                for p in entry(s, "patternProperties")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    for k in o.keys() {
                        if self.matches(&p, k) == Some(true) {
                            seen.insert(Evaluated::Key(k.clone()));
                        }
                    }
                }
                if let Some(m) = entry(s, "dependentSchemas").and_then(Value::as_object) {
                    for k in m.keys().filter(|k| o.contains_key(*k)).cloned().collect::<Vec<_>>() {
                        self.evaluated(&id.child("dependentSchemas").child(&k), v, depth + 1, seen, true)?;
                    }
                }
            }
            Value::Array(a) => {
                if entry(s, "items").is_some() || (own_unevaluated && entry(s, "unevaluatedItems").is_some()) {
                    seen.insert(Evaluated::All);
                }
                if let Some(Value::Array(t)) = entry(s, "prefixItems") {
                    seen.extend((0..t.len().min(a.len())).map(Evaluated::Index));
                }
                if entry(s, "contains").is_some() {
                    for (i, item) in a.iter().enumerate() {
                        if self.node(&id.child("contains"), item, "", depth + 1).is_ok() {
                            seen.insert(Evaluated::Index(i));
                        }
                    }
                }
            }
            _ => return Ok(()),
        }
        let mut passing: Vec<NodeId> = Vec::new();
        for key in ["allOf", "anyOf", "oneOf"] {
            let n = s.get(key).and_then(Value::as_array).map_or(0, Vec::len);
            passing.extend((0..n).map(|i| id.child(key).item(i)));
        }
        if entry(s, "if").is_some() {
            // `then` counts only when `if` passes, `else` only when it fails.
            if self.node(&id.child("if"), v, "", depth + 1).is_ok() {
                passing.extend([id.child("if"), id.child("then")]);
            } else {
                passing.push(id.child("else"));
            }
        }
        for b in passing {
            if docs.get(&b).is_some() && self.node(&b, v, "", depth + 1).is_ok() {
                self.evaluated(&b, v, depth + 1, seen, true)?;
            }
        }
        Ok(())
    }

    fn type_and_values(&self, id: &NodeId, s: &Map<String, Value>, v: &Value, at: &str) -> Res {
        if let Some(t) = entry(s, "type") {
            let mut types: Vec<&str> = match t {
                Value::String(x) => vec![x.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let nullable =
                self.draft4 && [entry(s, "nullable"), entry(s, "x-nullable")].into_iter().flatten().any(|n| n == &Value::Bool(true));
            if nullable {
                types.push("null");
            }
            if !types.iter().any(|t| has_type(v, t, self.draft4)) {
                return Err(invalid(at, &id.child("type"), "type", format!("{} is not of type {}", kind_of(v), types.join(" or "))));
            }
        }
        if let Some(Value::Array(e)) = entry(s, "enum")
            && !e.iter().any(|x| json_eq(x, v))
        {
            return Err(invalid(at, &id.child("enum"), "enum", format!("{} is not one of the listed values", short(v))));
        }
        if !self.draft4
            && let Some(c) = entry(s, "const")
            && !json_eq(c, v)
        {
            return Err(invalid(at, &id.child("const"), "const", format!("{} is not {}", short(v), short(c))));
        }
        Ok(())
    }

    fn applicators(&mut self, id: &NodeId, s: &Map<String, Value>, v: &Value, at: &str, depth: usize) -> Res {
        if let Some(Value::Array(all)) = entry(s, "allOf") {
            for i in 0..all.len() {
                self.node(&id.child("allOf").item(i), v, at, depth + 1)?;
            }
        }
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(bs)) = s.get(key) else { continue };
            let (mut valid, mut unknown) = (0, None);
            for i in 0..bs.len() {
                match self.node(&id.child(key).item(i), v, at, depth + 1) {
                    Ok(()) => valid += 1,
                    Err(Fail::Unknown(u)) => unknown = Some(u),
                    Err(Fail::Invalid(_)) => {}
                }
            }
            if let Some(u) = unknown {
                return Err(Fail::Unknown(u));
            }
            if valid == 0 {
                return Err(invalid(at, &id.child(key), key, "the value matches none of the branches".into()));
            }
            if key == "oneOf" && valid > 1 {
                return Err(invalid(at, &id.child(key), key, format!("the value matches {valid} branches, not exactly one")));
            }
        }
        if entry(s, "not").is_some() {
            match self.node(&id.child("not"), v, at, depth + 1) {
                Ok(()) => return Err(invalid(at, &id.child("not"), "not", "the value matches the schema under `not`".into())),
                Err(Fail::Invalid(_)) => {}
                Err(u) => return Err(u),
            }
        }
        if !self.draft4 && entry(s, "if").is_some() {
            let branch = match self.node(&id.child("if"), v, at, depth + 1) {
                Ok(()) => "then",
                Err(Fail::Invalid(_)) => "else",
                Err(u) => return Err(u),
            };
            if s.contains_key(branch) {
                self.node(&id.child(branch), v, at, depth + 1)?;
            }
        }
        Ok(())
    }

    fn string(&mut self, id: &NodeId, s: &Map<String, Value>, x: &str, at: &str) -> Res {
        let n = x.chars().count() as f64;
        if let Some(m) = entry(s, "minLength").and_then(Value::as_f64)
            && n < m
        {
            return Err(invalid(
                at,
                &id.child("minLength"),
                "minLength",
                format!("{} is shorter than {m} characters", short(&Value::from(x))),
            ));
        }
        if let Some(m) = entry(s, "maxLength").and_then(Value::as_f64)
            && n > m
        {
            return Err(invalid(
                at,
                &id.child("maxLength"),
                "maxLength",
                format!("{} is longer than {m} characters", short(&Value::from(x))),
            ));
        }
        if let Some(f) = entry(s, "format").and_then(Value::as_str)
            && format_ok(f, &Value::from(x)) == Some(false)
        {
            return Err(invalid(at, &id.child("format"), "format", format!("{} is not a valid `{f}`", short(&Value::from(x)))));
        }
        if let Some(p) = entry(s, "pattern").and_then(Value::as_str) {
            let Some(hit) = self.matches(p, x) else {
                return Err(Fail::Unknown(format!("the pattern at {} is not one apidiff's regex engine reads", id.ptr)));
            };
            if !hit {
                return Err(invalid(at, &id.child("pattern"), "pattern", format!("{} does not match `{p}`", short(&Value::from(x)))));
            }
        }
        Ok(())
    }

    /// Whether `x` matches pattern `p` anywhere (compiled once); `None` when the engine refuses
    /// the pattern (look-around, back-references).
    pub(crate) fn matches(&mut self, p: &str, x: &str) -> Option<bool> {
        let r = self.regexes.entry(p.to_string()).or_insert_with(|| Regex::new(p).ok());
        r.as_ref().map(|r| r.is_match(x))
    }

    fn array(&mut self, id: &NodeId, s: &Map<String, Value>, a: &[Value], at: &str, depth: usize) -> Res {
        let n = a.len() as f64;
        if let Some(m) = entry(s, "minItems").and_then(Value::as_f64)
            && n < m
        {
            return Err(invalid(at, &id.child("minItems"), "minItems", format!("{n} items are fewer than {m}")));
        }
        if let Some(m) = entry(s, "maxItems").and_then(Value::as_f64)
            && n > m
        {
            return Err(invalid(at, &id.child("maxItems"), "maxItems", format!("{n} items are more than {m}")));
        }
        if entry(s, "uniqueItems") == Some(&Value::Bool(true)) {
            for i in 0..a.len() {
                if a[..i].iter().any(|y| json_eq(y, &a[i])) {
                    return Err(invalid(at, &id.child("uniqueItems"), "uniqueItems", "two items are equal".into()));
                }
            }
        }
        let (tuple_key, rest_key) = if self.draft4 { ("items", "additionalItems") } else { ("prefixItems", "items") };
        let prefix = match s.get(tuple_key) {
            Some(Value::Array(t)) => t.len(),
            _ => 0,
        };
        for (i, item) in a.iter().enumerate() {
            let sub = if i < prefix {
                id.child(tuple_key).item(i)
            } else if s.contains_key(rest_key) && (prefix > 0 || !self.draft4) {
                id.child(rest_key)
            } else if self.draft4 && prefix == 0 && entry(s, "items").is_some() {
                id.child("items")
            } else {
                continue;
            };
            self.node(&sub, item, &format!("{at}/{i}"), depth + 1)?;
        }
        if !self.draft4 && entry(s, "contains").is_some() {
            let mut hits = 0.0;
            for (i, item) in a.iter().enumerate() {
                match self.node(&id.child("contains"), item, &format!("{at}/{i}"), depth + 1) {
                    Ok(()) => hits += 1.0,
                    Err(Fail::Invalid(_)) => {}
                    Err(u) => return Err(u),
                }
            }
            let min = entry(s, "minContains").and_then(Value::as_f64).unwrap_or(1.0);
            if hits < min {
                return Err(invalid(at, &id.child("contains"), "contains", format!("{hits} items match `contains`, fewer than {min}")));
            }
            if let Some(max) = entry(s, "maxContains").and_then(Value::as_f64)
                && hits > max
            {
                return Err(invalid(
                    at,
                    &id.child("maxContains"),
                    "maxContains",
                    format!("{hits} items match `contains`, more than {max}"),
                ));
            }
        }
        Ok(())
    }

    fn object(&mut self, id: &NodeId, s: &Map<String, Value>, o: &Map<String, Value>, at: &str, depth: usize) -> Res {
        let n = o.len() as f64;
        if let Some(m) = entry(s, "minProperties").and_then(Value::as_f64)
            && n < m
        {
            return Err(invalid(at, &id.child("minProperties"), "minProperties", format!("{n} properties are fewer than {m}")));
        }
        if let Some(m) = entry(s, "maxProperties").and_then(Value::as_f64)
            && n > m
        {
            return Err(invalid(at, &id.child("maxProperties"), "maxProperties", format!("{n} properties are more than {m}")));
        }
        if let Some(Value::Array(req)) = entry(s, "required") {
            for r in req.iter().filter_map(Value::as_str) {
                if !o.contains_key(r) {
                    return Err(invalid(at, &id.child("required"), "required", format!("required property `{r}` is missing")));
                }
            }
        }
        self.dependencies(id, s, o, at, depth)?;
        let props = entry(s, "properties").and_then(Value::as_object);
        let patterns: Vec<&str> =
            entry(s, "patternProperties").and_then(Value::as_object).map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
        for (k, val) in o {
            let here = format!("{at}/{}", crate::source::text::escape_segment(k));
            if !self.draft4 && entry(s, "propertyNames").is_some() {
                self.node(&id.child("propertyNames"), &Value::from(k.as_str()), &here, depth + 1)?;
            }
            let mut matched = false;
            if props.is_some_and(|p| p.contains_key(k)) {
                matched = true;
                self.node(&id.child("properties").child(k), val, &here, depth + 1)?;
            }
            for p in &patterns {
                let Some(hit) = self.matches(p, k) else {
                    return Err(Fail::Unknown(format!("the pattern `{p}` at {} is not one apidiff's regex engine reads", id.ptr)));
                };
                if hit {
                    matched = true;
                    self.node(&id.child("patternProperties").child(p), val, &here, depth + 1)?;
                }
            }
            if !matched && entry(s, "additionalProperties").is_some() {
                self.node(&id.child("additionalProperties"), val, &here, depth + 1).map_err(|e| match e {
                    Fail::Invalid(_) if entry(s, "additionalProperties") == Some(&Value::Bool(false)) => {
                        invalid(at, &id.child("additionalProperties"), "additionalProperties", format!("property `{k}` is not allowed"))
                    }
                    e => e,
                })?;
            }
        }
        Ok(())
    }

    fn dependencies(&mut self, id: &NodeId, s: &Map<String, Value>, o: &Map<String, Value>, at: &str, depth: usize) -> Res {
        let mut pairs: Vec<(&str, &str, &Value)> = Vec::new();
        let keys: &[&str] = if self.draft4 { &["dependencies"] } else { &["dependentRequired", "dependentSchemas", "dependencies"] };
        for key in keys {
            if let Some(m) = s.get(*key).and_then(Value::as_object) {
                pairs.extend(m.iter().map(|(k, v)| (*key, k.as_str(), v)));
            }
        }
        for (key, prop, dep) in pairs {
            if !o.contains_key(prop) {
                continue;
            }
            match dep {
                Value::Array(names) => {
                    for n in names.iter().filter_map(Value::as_str) {
                        if !o.contains_key(n) {
                            return Err(invalid(at, &id.child(key).child(prop), key, format!("`{prop}` is present, so `{n}` is required")));
                        }
                    }
                }
                _ => self.node(&id.child(key).child(prop), &Value::Object(o.clone()), at, depth + 1)?,
            }
        }
        Ok(())
    }
}

fn number(id: &NodeId, s: &Map<String, Value>, v: &Value, at: &str, draft4: bool) -> Res {
    let x = v.as_f64().unwrap_or(0.0);
    let excl = |k: &str| entry(s, k) == Some(&Value::Bool(true));
    if let Some(m) = entry(s, "minimum").and_then(Value::as_f64) {
        let bad = if draft4 && excl("exclusiveMinimum") { x <= m } else { x < m };
        if bad {
            return Err(invalid(at, &id.child("minimum"), "minimum", format!("{} is below the minimum {m}", short(v))));
        }
    }
    if let Some(m) = entry(s, "maximum").and_then(Value::as_f64) {
        let bad = if draft4 && excl("exclusiveMaximum") { x >= m } else { x > m };
        if bad {
            return Err(invalid(at, &id.child("maximum"), "maximum", format!("{} is above the maximum {m}", short(v))));
        }
    }
    if !draft4 {
        if let Some(m) = entry(s, "exclusiveMinimum").and_then(Value::as_f64)
            && x <= m
        {
            return Err(invalid(at, &id.child("exclusiveMinimum"), "exclusiveMinimum", format!("{} is not above {m}", short(v))));
        }
        if let Some(m) = entry(s, "exclusiveMaximum").and_then(Value::as_f64)
            && x >= m
        {
            return Err(invalid(at, &id.child("exclusiveMaximum"), "exclusiveMaximum", format!("{} is not below {m}", short(v))));
        }
    }
    if let Some(d) = entry(s, "multipleOf").and_then(Value::as_f64).filter(|d| *d > 0.0) {
        let ok = match (v.as_i64(), entry(s, "multipleOf").and_then(Value::as_i64)) {
            (Some(i), Some(di)) if di != 0 => i % di == 0,
            _ => {
                let q = x / d;
                q.is_finite() && q.fract() == 0.0
            }
        };
        if !ok {
            return Err(invalid(at, &id.child("multipleOf"), "multipleOf", format!("{} is not a multiple of {d}", short(v))));
        }
    }
    Ok(())
}

fn invalid(at: &str, schema: &NodeId, keyword: &str, what: String) -> Fail {
    let place = if at.is_empty() { String::new() } else { format!(" at `{at}`") };
    Fail::Invalid(format!("{what}{place} (`{keyword}` at {})", schema.ptr))
}

/// Whether `v` is of JSON Schema type `t` (Draft 4 counts `1.0` as a number, not an integer).
pub(crate) fn has_type(v: &Value, t: &str, draft4: bool) -> bool {
    match (t, v) {
        ("null", Value::Null) | ("boolean", Value::Bool(_)) | ("string", Value::String(_)) => true,
        ("array", Value::Array(_)) | ("object", Value::Object(_)) | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64() || (!draft4 && n.as_f64().is_some_and(|f| f.fract() == 0.0)),
        _ => false,
    }
}

/// The JSON type name of a value.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// JSON equality as JSON Schema means it: `1` equals `1.0`, `true` does not equal `1`.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q))),
        _ => a == b,
    }
}

/// A value shortened for a message.
pub(crate) fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 { format!("{}…", s.chars().take(59).collect::<String>()) } else { s }
}

/// Whether `v` is a valid value of format `f`, for the formats apidiff asserts (those OpenAPI
/// validators check and whose grammar is short); `None` for any other format (an annotation).
pub(crate) fn format_ok(f: &str, v: &Value) -> Option<bool> {
    match (f, v) {
        ("int32", Value::Number(n)) => Some(n.as_i64().is_none_or(|i| i32::try_from(i).is_ok()) && !(n.is_u64() && n.as_i64().is_none())),
        ("int64", Value::Number(n)) => Some(!(n.is_u64() && n.as_i64().is_none())),
        (_, Value::String(s)) => string_format(f, s),
        _ => None,
    }
}

fn string_format(f: &str, s: &str) -> Option<bool> {
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let date = |x: &str| -> bool {
        let p: Vec<&str> = x.split('-').collect();
        if p.len() != 3 || p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 || !p.iter().all(|q| digits(q)) {
            return false;
        }
        let (y, m, d): (u32, u32, u32) = (p[0].parse().unwrap_or(0), p[1].parse().unwrap_or(0), p[2].parse().unwrap_or(0));
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]
    };
    Some(match f {
        "date" => date(s),
        "date-time" => {
            let Some((d, t)) = s.split_once(['T', 't']) else { return Some(false) };
            let (clock, zone_ok) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
                (c, true)
            } else {
                match t.rfind(['+', '-']) {
                    Some(i) => {
                        let z = &t[i + 1..];
                        (&t[..i], z.len() == 5 && z.as_bytes()[2] == b':' && digits(&z[..2]) && digits(&z[3..]))
                    }
                    None => (t, false),
                }
            };
            let (hms, frac) = clock.split_once('.').map_or((clock, None), |(a, b)| (a, Some(b)));
            let h: Vec<&str> = hms.split(':').collect();
            date(d)
                && zone_ok
                && h.len() == 3
                && h.iter().all(|x| x.len() == 2 && digits(x))
                && frac.is_none_or(digits)
                && h[0] < "24"
                && h[1] < "60"
                && h[2] < "61"
        }
        "uuid" => {
            s.len() == 36 && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
        }
        "email" => s.contains('@'),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        _ => return None,
    })
}
