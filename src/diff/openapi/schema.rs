//! JSON-Schema comparison with direction: what a change means depends on whether clients send
//! the data (request) or receive it (response). `allOf` is flattened into one view; `oneOf` and
//! `anyOf` branches are matched by `$ref` target, then by shape; recursion is memoised per
//! schema pair and bounded in depth, so recursive and huge schemas finish. This file walks the
//! schema graph; each rule family (types, values, constraints, properties) detects its own
//! rules in its own file.

use super::cx::{Cx, Dir};
use super::view::{View, schema_name};
use super::{applicators, constraints, properties, types, values};
use crate::spec::refs::NodeId;

/// Deepest schema nesting compared; deeper levels are not descended into.
const MAX_DEPTH: usize = 200;

/// Compares the schemas at `b` (base) and `r` (revision) on side `dir`; `label` names the place.
pub(crate) fn compare(c: &mut Cx<'_>, b: &NodeId, r: &NodeId, dir: Dir, label: &str) {
    if c.depth >= MAX_DEPTH {
        return;
    }
    let (bdocs, rdocs) = (c.bdocs, c.rdocs);
    let (Some(bv), Some(rv)) = (View::build(bdocs, b), View::build(rdocs, r)) else { return };
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
