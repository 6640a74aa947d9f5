//! JSON-Schema comparison with direction: what a change means depends on whether clients send
//! the data (request) or receive it (response). `allOf` is flattened into one view; `oneOf` and
//! `anyOf` branches are matched by `$ref` target, then by shape; recursion is memoised per
//! schema pair and bounded in depth, so recursive and huge schemas finish. This file walks the
//! schema graph; each rule family (types, values, constraints, properties) detects its own
//! rules in its own file.

use super::cx::{Cx, Dir};
use super::view::{View, schema_name};
use super::{applicators, constraints, properties, types, values};
use crate::diff::Change;
use crate::spec::refs::{DocSet, NodeId, ref_of};
use serde_json::Value;
use std::collections::HashSet;

crate::rules! {
    /// ## What it detects
    /// Schemas nested more than 200 levels deep (properties, items or branches inside one
    /// another, each a different schema), or `allOf` nested more than 64 levels deep, whose
    /// parts below that depth differ between the two versions. apidiff compares down to that
    /// depth and reports the place where it stopped.
    /// ## Why it matters
    /// A change below the limit is not classified, so it may break clients unseen; the finding
    /// keeps the comparison from ending with "No changes".
    /// ## Example
    /// `Node0.next` refers to `Node1`, `Node1.next` to `Node2`, and so on 250 schemas deep; the
    /// last one's `type` changes from `string` to `integer`.
    /// ## How to migrate
    /// Review the part below the reported place by hand (or flatten the schema), then suppress
    /// this finding by its fingerprint in the ignore file.
    SCHEMA_TOO_DEEP_TO_COMPARE = "schema-too-deep-to-compare", OpenApi, Breaking, None, "schema", Changed,
        "Schemas nest deeper than apidiff compares and differ below that depth";
}

/// Deepest schema nesting compared; below it, a difference is one
/// [`SCHEMA_TOO_DEEP_TO_COMPARE`] finding at the place where the comparison stopped.
const MAX_DEPTH: usize = 200;

/// Nodes visited when checking whether two schemas cut off at [`MAX_DEPTH`] differ; past it
/// they are taken to differ.
const MAX_SAME_NODES: usize = 1_000_000;

/// Compares the schemas at `b` (base) and `r` (revision) on side `dir`; `label` names the place.
pub(crate) fn compare(c: &mut Cx<'_>, b: &NodeId, r: &NodeId, dir: Dir, label: &str) {
    if c.depth >= MAX_DEPTH {
        too_deep(c, b, r, &format!("schemas nest more than {MAX_DEPTH} levels deep at {label}"));
        return;
    }
    let (bdocs, rdocs) = (c.bdocs, c.rdocs);
    let (Some(bv), Some(rv)) = (View::build(bdocs, b), View::build(rdocs, r)) else { return };
    if bv.cut || rv.cut {
        too_deep(c, b, r, &format!("`allOf` nests more than {} levels deep at {label}", super::view::MAX_ALLOF_DEPTH));
    }
    let key = (bv.id.clone(), rv.id.clone(), dir);
    if !c.enter(&key) {
        return;
    }
    let label = match schema_name(&rv.id) {
        Some(n) => format!("`{n}`"),
        None => label.to_string(),
    };
    c.depth += 1;
    compare_views(c, &bv, &rv, dir, &label);
    c.depth -= 1;
    c.leave(key);
}

fn compare_views(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    applicators::dynamic_ref_notice(c, b, r, label);
    if properties::union_transition(c, b, r, dir, label) {
        return;
    }
    if types::check(c, b, r, dir, label) {
        // Nothing below means the same thing across unrelated types.
        return;
    }
    values::check(c, b, r, dir, label);
    constraints::check(c, b, r, dir, label);
    properties::check_object(c, b, r, dir, label);
    if let (Some(bi), Some(ri)) = (&b.items, &r.items) {
        compare(c, bi, ri, dir, &format!("{label}[]"));
    }
    applicators::check(c, b, r, dir, label);
    properties::compare_variants(c, b, r, dir, label, "oneOf");
    properties::compare_variants(c, b, r, dir, label, "anyOf");
    properties::compare_discriminator(c, b, r, dir, label);
}

/// Reports that the comparison stopped at `b`/`r` (`why`), unless the two schemas are equal.
fn too_deep(c: &mut Cx<'_>, b: &NodeId, r: &NodeId, why: &str) {
    if !same(c.bdocs, c.rdocs, b, r) {
        let message = format!("{why} and differ below it; apidiff did not compare that part");
        c.emit(Change::new(&SCHEMA_TOO_DEEP_TO_COMPARE, message).locs(Some(c.bloc(b)), Some(c.rloc(r))));
    }
}

/// Whether the schemas at `b` and `r` are equal, `$ref`s followed (each pair of nodes visited
/// once, without recursion); a schema too large to check within [`MAX_SAME_NODES`] differs.
fn same(bdocs: &DocSet, rdocs: &DocSet, b: &NodeId, r: &NodeId) -> bool {
    let mut seen: HashSet<(NodeId, NodeId)> = HashSet::new();
    let mut todo = vec![(b.clone(), r.clone())];
    while let Some((b, r)) = todo.pop() {
        if seen.len() > MAX_SAME_NODES {
            return false;
        }
        let (Some((b, bv)), Some((r, rv))) = (bdocs.resolve(&b), rdocs.resolve(&r)) else { return false };
        if !seen.insert((b.clone(), r.clone())) {
            continue;
        }
        match (bv, rv) {
            (Value::Object(bo), Value::Object(ro)) => {
                if bo.len() != ro.len() || ref_of(bv, false).is_some() != ref_of(rv, false).is_some() {
                    return false;
                }
                for (k, v) in bo {
                    let Some(w) = ro.get(k) else { return false };
                    if k == "$ref" || k == "$dynamicRef" {
                        continue;
                    }
                    if v.is_object() || v.is_array() || w.is_object() || w.is_array() {
                        todo.push((b.child(k), r.child(k)));
                    } else if v != w {
                        return false;
                    }
                }
            }
            (Value::Array(ba), Value::Array(ra)) => {
                if ba.len() != ra.len() {
                    return false;
                }
                todo.extend((0..ba.len()).map(|i| (b.item(i), r.item(i))));
            }
            (x, y) => {
                if x != y {
                    return false;
                }
            }
        }
    }
    true
}
