//! Which operations need no comparison: their path item is the same on both sides, in
//! structure and in every value, and so is everything its `$ref`s reach, transitively.
//!
//! Both sides are walked together: each path item (and webhook) the two sides share is compared
//! node by node, keys in order, stopping at the first difference (the path items split between
//! two threads); every `$ref` target a same item or target reaches is compared the same way. A
//! target is unchanged when it is the same on both sides and every target it refers to is
//! unchanged too. An operation whose path item and whole reference closure are unchanged, under
//! the same document-level context (version, global `security`, `consumes`, `produces`, and the
//! same security schemes behind its requirements), would be compared to no change at all;
//! skipping it changes no finding, no `affected` list and no order. Anything this walk cannot
//! prove the same (a file other than the root, an anchor or `$dynamicRef`, a reference outside
//! `#/`) makes every operation compared as before.
//!
//! Values are compared, not hashed: no collision can make two different subtrees look the same.

use super::metadata::{SchemeKeys, scheme_key};
use crate::spec::openapi::{Api, Operation};
use crate::spec::refs::{DocSet, NodeId};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The `$ref`s written in a subtree that is the same on both sides; `None` when it differs.
type Same<'v> = Option<Vec<&'v str>>;

/// What the joint walk found: the path items (and webhooks) both sides hold, by their pointer,
/// and the `$ref` targets the same ones reach, by the `$ref` string.
struct Walk<'v> {
    items: HashMap<String, Same<'v>>,
    targets: HashMap<&'v str, Same<'v>>,
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
    let Some(walk) = walk(base, rev) else { return none };
    let dirty = dirty_targets(&walk);
    let clean =
        |item: &str| walk.items.get(item).is_some_and(|same| same.as_ref().is_some_and(|refs| !refs.iter().any(|t| dirty.contains(t))));
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

/// Compares the path items and webhooks both sides hold (two threads, half the items each), then
/// every `$ref` target the same ones reach; `None` when a reference leaves the root document's
/// `#/` pointers.
fn walk<'v>(base: &'v Api, rev: &'v Api) -> Option<Walk<'v>> {
    let (broot, rroot) = (&base.docs.docs.first()?.value, &rev.docs.docs.first()?.value);
    let mut shared: Vec<(String, &'v Value, &'v Value)> = Vec::new();
    for under in ["paths", "webhooks"] {
        if let (Some(Value::Object(b)), Some(Value::Object(r))) = (broot.get(under), rroot.get(under)) {
            for (name, bitem) in b {
                if let Some(ritem) = r.get(name) {
                    shared.push((format!("/{under}/{}", crate::source::text::escape_segment(name)), bitem, ritem));
                }
            }
        }
    }
    let half = shared.len() / 2;
    let (tail, head) = (shared.split_off(half), shared);
    let compare = |part: Vec<(String, &'v Value, &'v Value)>| part.into_iter().map(|(at, b, r)| (at, same(b, r))).collect::<Vec<_>>();
    let (first, second) = crate::deep::both(|| compare(head), || compare(tail));
    let items: HashMap<String, Same<'v>> = first.into_iter().chain(second).collect();
    let mut todo: Vec<&'v str> = items.values().flatten().flatten().copied().collect();
    let mut targets: HashMap<&'v str, Same<'v>> = HashMap::new();
    let origin = NodeId { doc: 0, ptr: String::new() };
    while let Some(r) = todo.pop() {
        if targets.contains_key(r) {
            continue;
        }
        if !r.starts_with("#/") {
            return None;
        }
        let (bt, rt) = (base.docs.target_loaded(&origin, r)?, rev.docs.target_loaded(&origin, r)?);
        let found = match (base.docs.get(&bt), rev.docs.get(&rt)) {
            (Some(b), Some(r)) => same(b, r),
            // Dangling on a side (loading refuses that; made-up input aside): it differs.
            _ => None,
        };
        todo.extend(found.iter().flatten().copied());
        targets.insert(r, found);
    }
    Some(Walk { items, targets })
}

/// The `$ref`s written in `b` when `b` and `r` are the same (the same keys in the same order,
/// equal strings, booleans and numbers, integers and floats apart, floats by their bits, so
/// `-0.0` and `0.0` differ: that only compares an operation, never skips one); `None` at the
/// first difference, and for a `$dynamicRef` (never walked). No recursion: any depth.
fn same<'v>(b: &'v Value, r: &'v Value) -> Same<'v> {
    let mut refs = Vec::new();
    let mut stack: Vec<(&'v Value, &'v Value)> = vec![(b, r)];
    while let Some((b, r)) = stack.pop() {
        match (b, r) {
            (Value::Null, Value::Null) => {}
            (Value::Bool(x), Value::Bool(y)) if x == y => {}
            (Value::Number(x), Value::Number(y)) if same_number(x, y) => {}
            (Value::String(x), Value::String(y)) if x == y => {}
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => stack.extend(x.iter().zip(y)),
            (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
                for ((bk, bv), (rk, rv)) in x.iter().zip(y) {
                    if bk != rk || bk == "$dynamicRef" {
                        return None;
                    }
                    if let (true, Value::String(to)) = (bk == "$ref", bv) {
                        refs.push(to.as_str());
                    }
                    stack.push((bv, rv));
                }
            }
            _ => return None,
        }
    }
    Some(refs)
}

/// Numbers as `Number`'s equality keeps them (integers and floats apart), floats by their bits.
fn same_number(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    match (x.as_u64(), y.as_u64(), x.as_i64(), y.as_i64()) {
        (Some(a), Some(b), ..) => a == b,
        (None, None, Some(a), Some(b)) => a == b,
        (None, None, None, None) => x.as_f64().map(f64::to_bits) == y.as_f64().map(f64::to_bits),
        _ => false,
    }
}

/// The `$ref` targets that differ, or reach one that differs (through any chain of `$ref`s).
fn dirty_targets<'v>(walk: &Walk<'v>) -> HashSet<&'v str> {
    let mut dirty: HashSet<&'v str> = HashSet::new();
    let mut referrers: HashMap<&'v str, Vec<&'v str>> = HashMap::new();
    for (t, found) in &walk.targets {
        match found {
            Some(refs) => {
                for to in refs {
                    referrers.entry(to).or_default().push(t);
                }
            }
            None => {
                dirty.insert(t);
            }
        }
    }
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
pub(super) mod tests {
    use super::*;

    /// An OpenAPI description loaded from YAML text (shared by this folder's unit tests).
    pub(in crate::diff::openapi) fn api(text: &str) -> Api {
        let input = crate::source::Input::from_text("api.yaml", text.as_bytes().to_vec(), &std::env::temp_dir()).unwrap();
        let (value, syntax) = crate::source::text::parse("api.yaml", text).unwrap();
        crate::spec::openapi::load(std::borrow::Cow::Owned(input), value, syntax, &crate::spec::LoadOptions::default()).unwrap()
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
    fn the_walk_keeps_different_values_apart() {
        use serde_json::json;
        let apart = [
            (json!(["ab", "c"]), json!(["a", "bc"])),
            (json!({"a": "b"}), json!({"ab": ""})),
            (json!({"a": [1]}), json!({"a": 1})),
            (json!(1), json!(1.0)),
            (json!(-1), json!(u64::MAX)),
            (json!(0.0), json!(-0.0)),
            (json!([[]]), json!([[], []])),
            (json!(null), json!(false)),
            (json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1})),
            (json!({"a": {"$ref": "#/x"}}), json!({"a": {"$ref": "#/y"}})),
            (json!({"$dynamicRef": "#x"}), json!({"$dynamicRef": "#x"})),
        ];
        for (a, b) in apart {
            assert_eq!(same(&a, &b), None, "{a} / {b}");
        }
        let v = json!({"a": [1, -2, 2.5, "x", {"$ref": "#/y"}, {"b": {"$ref": "#/z"}}], "c": null});
        let copy = v.clone();
        let mut refs = same(&v, &copy).expect("a value is the same as its copy");
        refs.sort();
        assert_eq!(refs, ["#/y", "#/z"]);
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
