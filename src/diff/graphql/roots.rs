//! The schema's root operation types (`query`, `mutation`, `subscription`).

use super::{Cx, Sides, Site};
use crate::diff::Rule;
use crate::spec::graphql::RootOp;

crate::rules! {
    /// ## What it detects
    /// The query root type changed to another type, or an existing type stopped being the query root.
    /// ## Why it matters
    /// Every query is validated against the root type: queries written against the old root's
    /// fields break unless the new root has the same fields.
    /// ## Example
    /// `schema { query: Query }` → `schema { query: QueryV2 }`
    /// ## How to migrate
    /// Keep the root type's name; evolve its fields instead.
    ROOT_QUERY_TYPE_CHANGED = "root-query-type-changed", GraphQl, Breaking, None, "schema", Changed,
        "The query root type changed";
    /// ## What it detects
    /// The mutation root type changed to another type, or an existing type stopped being the mutation root.
    /// ## Why it matters
    /// Mutations written against the old root's fields break.
    /// ## Example
    /// `schema { query: Query mutation: Mutation }` → `schema { query: Query mutation: Commands }`
    /// ## How to migrate
    /// Keep the root type's name; evolve its fields instead.
    ROOT_MUTATION_TYPE_CHANGED = "root-mutation-type-changed", GraphQl, Breaking, None, "schema", Changed,
        "The mutation root type changed";
    /// ## What it detects
    /// The subscription root type changed to another type, or an existing type stopped being the subscription root.
    /// ## Why it matters
    /// Subscriptions written against the old root's fields break.
    /// ## Example
    /// `schema { query: Query subscription: Subscription }` → `schema { query: Query subscription: Events }`
    /// ## How to migrate
    /// Keep the root type's name; evolve its fields instead.
    ROOT_SUBSCRIPTION_TYPE_CHANGED = "root-subscription-type-changed", GraphQl, Breaking, None, "schema", Changed,
        "The subscription root type changed";
    /// ## What it detects
    /// An existing type became a root operation type (for example the schema gained a `mutation` root).
    /// ## Why it matters
    /// Nothing breaks; new operations become possible. (A root type that is itself new is reported
    /// only as `type-added`.)
    /// ## Example
    /// `schema { query: Query }` → `schema { query: Query mutation: Mutation }`
    /// ## How to migrate
    /// Nothing to do.
    ROOT_TYPE_ADDED = "root-type-added", GraphQl, Info, None, "schema", Added,
        "A root operation type was added";
}

fn changed_rule(op: RootOp) -> &'static Rule {
    match op {
        RootOp::Query => &ROOT_QUERY_TYPE_CHANGED,
        RootOp::Mutation => &ROOT_MUTATION_TYPE_CHANGED,
        RootOp::Subscription => &ROOT_SUBSCRIPTION_TYPE_CHANGED,
    }
}

/// Compares the effective root types (explicit, or the default `Query`/`Mutation`/`Subscription`).
pub(super) fn compare(cx: &mut Cx<'_>) {
    let (base, rev) = (cx.base, cx.rev);
    for op in RootOp::ALL {
        let (o, n) = (base.root(op), rev.root(op));
        let coord = format!("schema.{}", op.as_str());
        let site = Site::new(&coord, format!("the {} root", op.as_str()), None, base.def.pos, rev.def.pos);
        match (o, n) {
            (Some(o), Some(n)) if o != n => {
                let msg = format!("{} root type changed from `{o}` to `{n}`", op.as_str());
                cx.emit(changed_rule(op), &site, Sides::Both, msg, Some(o.to_string()), Some(n.to_string()));
            }
            // A removed root type is reported as `type-removed`; here only a kept type that lost the role.
            (Some(o), None) if rev.types.contains_key(o) => {
                let msg = format!("type `{o}` is no longer the {} root type", op.as_str());
                cx.emit(changed_rule(op), &site, Sides::Both, msg, Some(o.to_string()), None);
            }
            (None, Some(n)) if base.types.contains_key(n) => {
                let msg = format!("existing type `{n}` became the {} root type", op.as_str());
                cx.emit(&ROOT_TYPE_ADDED, &site, Sides::Both, msg, None, Some(n.to_string()));
            }
            _ => {}
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&ROOT_QUERY_TYPE_CHANGED, Proof::Selection),
        (&ROOT_MUTATION_TYPE_CHANGED, Proof::Selection),
        (&ROOT_SUBSCRIPTION_TYPE_CHANGED, Proof::Selection),
    ]
};
