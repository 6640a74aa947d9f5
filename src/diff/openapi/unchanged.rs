//! Which operations need no comparison: their path item is the same on both sides, byte for
//! byte in structure, and so is everything its `$ref`s reach, transitively.
//!
//! Each side hashes its path items and `$ref` targets at once (one thread per side, one keyed
//! hash per subtree); a target is unchanged when both sides hold it with the same hash and every
//! target it refers to is unchanged too. An operation whose path item and whole reference
//! closure are unchanged, under the same document-level context (version, global `security`,
//! `consumes`, `produces`, and the same security schemes behind its requirements), would be
//! compared to no change at all; skipping it changes no finding, no `affected` list and no
//! order. Anything this walk cannot prove the same (a file other than the root, an anchor or
//! `$dynamicRef`, a reference outside `#/`) makes every operation compared as before.

use super::metadata::{SchemeKeys, scheme_key};
use crate::spec::openapi::{Api, Operation};
use crate::spec::refs::{DocSet, NodeId};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher, RandomState};

/// A subtree's hash and the `$ref`s written inside it.
struct Summary<'v> {
    hash: u64,
    refs: Vec<&'v str>,
}

/// One side: path items (and webhooks) by their pointer, `$ref` targets by the `$ref` string.
struct Side<'v> {
    items: HashMap<String, Summary<'v>>,
    targets: HashMap<&'v str, Summary<'v>>,
}

/// The operation keys (of `operations` and of `webhooks`) whose comparison would find nothing.
pub(super) struct Unchanged {
    pub operations: HashSet<String>,
    pub webhooks: HashSet<String>,
}

/// Works out which operations are unchanged (see the module documentation). Both sets are empty
/// when anything stands in the way of proving it.
pub(super) fn unchanged(base: &Api, rev: &Api, keys: &SchemeKeys) -> Unchanged {
    let none = Unchanged { operations: HashSet::new(), webhooks: HashSet::new() };
    if !same_context(base, rev) {
        return none;
    }
    // One keyed hash for both sides: equal subtrees hash equal, and no input can be made to
    // collide on purpose.
    let state = RandomState::new();
    let (b, r) = crate::deep::both(|| side(base, &state), || side(rev, &state));
    let (Some(b), Some(r)) = (b, r) else { return none };
    let dirty = dirty_targets(&b, &r);
    let clean = |item: &str| match (b.items.get(item), r.items.get(item)) {
        (Some(x), Some(y)) => x.hash == y.hash && !x.refs.iter().any(|t| dirty.contains(t)),
        _ => false,
    };
    let pick = |bops: &indexmap::IndexMap<String, Operation>, rops: &indexmap::IndexMap<String, Operation>, under: &str| {
        bops.iter()
            .filter(|(k, bo)| {
                rops.get(*k).is_some_and(|ro| {
                    same_operation(bo, ro, keys) && clean(&format!("/{under}/{}", crate::source::text::escape_segment(&bo.path)))
                })
            })
            .map(|(k, _)| k.clone())
            .collect::<HashSet<String>>()
    };
    Unchanged { operations: pick(&base.operations, &rev.operations, "paths"), webhooks: pick(&base.webhooks, &rev.webhooks, "webhooks") }
}

/// The document-level settings every operation is lowered with are equal, and each side is one
/// file (made-up documents aside) without dynamic references.
fn same_context(base: &Api, rev: &Api) -> bool {
    let single = |d: &DocSet| d.docs.iter().skip(1).all(|doc| doc.stands_for.is_some()) && !d.has_dynamic_refs();
    fn root<'d>(d: &'d DocSet, k: &str) -> Option<&'d Value> {
        d.docs.first().and_then(|doc| doc.value.get(k))
    }
    base.version == rev.version
        && single(&base.docs)
        && single(&rev.docs)
        && ["security", "consumes", "produces"].iter().all(|k| root(&base.docs, k) == root(&rev.docs, k))
}

/// The lowered operations agree where lowering used more than the path item: the same path
/// item, the same effective security, and the same scheme behind each requirement.
fn same_operation(b: &Operation, r: &Operation, keys: &SchemeKeys) -> bool {
    b.path == r.path
        && b.method == r.method
        && b.node == r.node
        && b.security == r.security
        && b.security.iter().flat_map(|req| req.keys()).all(|n| scheme_key(&keys.base, n) == scheme_key(&keys.rev, n))
}

/// Hashes every path item and webhook of one side, and every `$ref` target they reach; `None`
/// when a reference leaves the root document's `#/` pointers.
fn side<'v>(api: &'v Api, state: &RandomState) -> Option<Side<'v>> {
    let root = api.docs.docs.first()?;
    let mut out = Side { items: HashMap::new(), targets: HashMap::new() };
    let mut todo: Vec<&'v str> = Vec::new();
    let mut buf = Vec::new();
    for under in ["paths", "webhooks"] {
        if let Some(Value::Object(items)) = root.value.get(under) {
            for (name, item) in items {
                let summary = summarise(item, state, &mut buf)?;
                todo.extend(summary.refs.iter().copied());
                out.items.insert(format!("/{under}/{}", crate::source::text::escape_segment(name)), summary);
            }
        }
    }
    let origin = NodeId { doc: 0, ptr: String::new() };
    while let Some(r) = todo.pop() {
        if out.targets.contains_key(r) {
            continue;
        }
        if !r.starts_with("#/") {
            return None;
        }
        let target = api.docs.target_loaded(&origin, r)?;
        let summary = match api.docs.get(&target) {
            Some(v) => summarise(v, state, &mut buf)?,
            // Dangling on this side (loading refuses that; made-up input aside): it differs.
            None => Summary { hash: 0, refs: Vec::new() },
        };
        todo.extend(summary.refs.iter().copied());
        out.targets.insert(r, summary);
    }
    Some(out)
}

/// The keyed hash of a subtree (its structure, keys in order, and values) and the `$ref`s in
/// it, without recursion; `None` when it holds a `$dynamicRef`.
///
/// The subtree is first written out into `buf` (a tag per value, a length before every string
/// and container) and hashed in one `write`: SipHash's per-call cost (a tag or a length at a
/// time) was most of the work, its cost per byte of a long buffer is small. The encoding is
/// unambiguous, so equal encodings mean equal subtrees and the keyed hash keeps its quality.
fn summarise<'v>(v: &'v Value, state: &RandomState, buf: &mut Vec<u8>) -> Option<Summary<'v>> {
    fn bytes(buf: &mut Vec<u8>, s: &str) {
        buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
        buf.extend_from_slice(s.as_bytes());
    }
    buf.clear();
    let mut refs = Vec::new();
    let mut stack: Vec<&'v Value> = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Null => buf.push(0),
            Value::Bool(x) => buf.extend_from_slice(&[1, u8::from(*x)]),
            Value::Number(n) => {
                // Integers and floats apart, as `Number`'s equality keeps them; a float's bits
                // (so -0.0 and 0.0 differ here: that only compares an operation, never skips one).
                let (tag, bits) = match (n.as_u64(), n.as_i64()) {
                    (Some(u), _) => (2, u),
                    (None, Some(i)) => (6, i as u64),
                    _ => (7, n.as_f64().map_or(u64::MAX, f64::to_bits)),
                };
                buf.push(tag);
                buf.extend_from_slice(&bits.to_le_bytes());
            }
            Value::String(s) => {
                buf.push(3);
                bytes(buf, s);
            }
            Value::Array(items) => {
                buf.push(4);
                buf.extend_from_slice(&(items.len() as u64).to_le_bytes());
                stack.extend(items.iter().rev());
            }
            Value::Object(map) => {
                buf.push(5);
                buf.extend_from_slice(&(map.len() as u64).to_le_bytes());
                for (k, child) in map.iter() {
                    bytes(buf, k);
                    if k == "$dynamicRef" {
                        return None;
                    }
                    if let (true, Value::String(r)) = (k == "$ref", child) {
                        refs.push(r.as_str());
                    }
                }
                // Keys first, then the values in order: the pair of sequences is unambiguous.
                stack.extend(map.values().rev());
            }
        }
    }
    let mut h = state.build_hasher();
    h.write(buf);
    Some(Summary { hash: h.finish(), refs })
}

/// The `$ref` targets that differ, or reach one that differs (through any chain of `$ref`s).
fn dirty_targets<'v>(b: &Side<'v>, r: &Side<'v>) -> HashSet<&'v str> {
    let mut dirty: HashSet<&'v str> = HashSet::new();
    let mut referrers: HashMap<&'v str, Vec<&'v str>> = HashMap::new();
    for (t, bs) in &b.targets {
        match r.targets.get(t) {
            Some(rs) if rs.hash == bs.hash => {
                for to in &bs.refs {
                    referrers.entry(to).or_default().push(t);
                }
            }
            _ => {
                dirty.insert(t);
            }
        }
    }
    dirty.extend(r.targets.keys().filter(|t| !b.targets.contains_key(*t)));
    let mut todo: Vec<&'v str> = dirty.iter().copied().collect();
    while let Some(t) = todo.pop() {
        for from in referrers.get(t).into_iter().flatten() {
            if dirty.insert(from) {
                todo.push(from);
            }
        }
    }
    dirty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Input;
    use crate::spec::LoadOptions;

    fn api(text: &str) -> Api {
        let input = Input::from_text("api.yaml", text.as_bytes().to_vec(), &std::env::temp_dir()).unwrap();
        let (value, syntax) = crate::source::text::parse("api.yaml", text).unwrap();
        crate::spec::openapi::load(std::borrow::Cow::Owned(input), value, syntax, &LoadOptions::default()).unwrap()
    }

    /// `/a` is the same with the same closure; `/b` is the same but a schema two `$ref`s away
    /// changed; `/c` itself changed; `/d` names a security scheme renamed in the revision.
    const BASE: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get: {responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}}}
  /b:
    get: {responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}}}}
  /c:
    get: {responses: {'200': {description: ok}}}
  /d:
    get: {security: [{key: []}], responses: {'200': {description: ok}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    A: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}
    B: {type: object, properties: {c: {$ref: '#/components/schemas/C'}}}
    C: {$ref: '#/components/schemas/D'}
    D: {type: string}
";

    fn keys(b: &Api, r: &Api) -> SchemeKeys {
        SchemeKeys {
            base: super::super::metadata::scheme_keys(b, r),
            rev: super::super::metadata::scheme_keys(r, b),
            base_declared_none: false,
        }
    }

    #[test]
    fn only_operations_with_the_same_closure_are_unchanged() {
        let rev = BASE
            .replace("D: {type: string}", "D: {type: integer}")
            .replace("'200': {description: ok}}}\n  /d", "'201': {description: ok}}}\n  /d")
            .replace("    key: {type: apiKey", "    other: {type: apiKey");
        let (b, r) = (api(BASE), api(&rev));
        let same = unchanged(&b, &r, &keys(&b, &r));
        assert_eq!(same.operations, HashSet::from(["GET /a".to_string()]));
        // And what is not skipped is still found, with every operation that reaches it.
        let changes = super::super::compare(&b, &r, &crate::diff::Options::default());
        let typed = changes.iter().find(|c| c.rule.id == "response-type-changed").expect("the type change at the end of the chain");
        assert_eq!(typed.operation.as_deref(), Some("GET /b"));
        assert!(changes.iter().any(|c| c.operation.as_deref() == Some("GET /c")));
        assert!(changes.iter().any(|c| c.operation.as_deref() == Some("GET /d")));
    }

    #[test]
    fn the_encoding_keeps_different_values_apart() {
        use serde_json::json;
        let state = RandomState::new();
        let mut buf = Vec::new();
        let mut hash = |v: Value| summarise(&v, &state, &mut buf).map(|s| s.hash).unwrap();
        let apart = [
            (json!(["ab", "c"]), json!(["a", "bc"])),
            (json!({"a": "b"}), json!({"ab": ""})),
            (json!({"a": [1]}), json!({"a": 1})),
            (json!(1), json!(1.0)),
            (json!(-1), json!(u64::MAX)),
            (json!([[]]), json!([[], []])),
            (json!(null), json!(false)),
            (json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1})),
        ];
        for (a, b) in apart {
            let label = format!("{a} / {b}");
            assert_ne!(hash(a), hash(b), "{label}");
        }
        assert_eq!(hash(json!({"a": [1, "x", {"$ref": "#/y"}]})), hash(json!({"a": [1, "x", {"$ref": "#/y"}]})));
    }

    #[test]
    fn identical_descriptions_skip_every_operation_and_other_files_skip_none() {
        let (b, r) = (api(BASE), api(BASE));
        let same = unchanged(&b, &r, &keys(&b, &r));
        assert_eq!(same.operations.len(), 4);
        // A changed global `security` reaches every operation without its own.
        let rev = BASE.replace("paths:", "security: [{key: []}]\npaths:");
        let r = api(&rev);
        assert!(unchanged(&b, &r, &keys(&b, &r)).operations.is_empty());
        // A `$dynamicRef` (or a file other than the root) is not walked: nothing is skipped.
        let dynamic = BASE.replace("3.0.3", "3.1.0").replace("D: {type: string}", "D: {$dynamicRef: '#x'}");
        let b = api(&dynamic);
        assert!(unchanged(&b, &b, &keys(&b, &b)).operations.is_empty());
    }
}
