//! Interfaces implemented by object and interface types: added and removed.

use super::{Cx, Sides, Site};
use crate::spec::graphql::TypeDef;

crate::rules! {
    /// ## What it detects
    /// An object or interface type now implements another interface.
    /// ## Why it matters
    /// Nothing breaks for existing operations. Fragments on the interface now also match this
    /// type (graphql-js flags this as dangerous; re-level the rule by id if that matters to you).
    /// ## Example
    /// `type User { id: ID! }` → `type User implements Node { id: ID! }`
    /// ## How to migrate
    /// Nothing to do.
    IMPLEMENTED_INTERFACE_ADDED = "implemented-interface-added", GraphQl, Info, None, "interface", Added,
        "A type implements a new interface";
    /// ## What it detects
    /// An object or interface type no longer implements an interface.
    /// ## Why it matters
    /// Operations with fragments `... on Interface` inside the type, or that reach the type
    /// through the interface, fail validation or silently lose data.
    /// ## Example
    /// `type User implements Node { id: ID! }` → `type User { id: ID! }`
    /// ## How to migrate
    /// Keep implementing the interface until clients no longer rely on it.
    IMPLEMENTED_INTERFACE_REMOVED = "implemented-interface-removed", GraphQl, Breaking, None, "interface", Removed,
        "A type no longer implements an interface";
}

/// Compares the interfaces of a type present on both sides.
pub(super) fn compare(cx: &mut Cx<'_>, old: &TypeDef, new: &TypeDef) {
    let t = old.name.as_str();
    for (i, pos) in &old.interfaces {
        if !new.interfaces.contains_key(i) {
            let site = Site::new(format!("{t} implements {i}"), format!("type `{t}`"), Some(t.to_string()), *pos, new.pos);
            cx.emit(
                &IMPLEMENTED_INTERFACE_REMOVED,
                &site,
                Sides::Both,
                format!("type `{t}` no longer implements interface `{i}`"),
                Some(i.clone()),
                None,
            );
        }
    }
    for (i, pos) in &new.interfaces {
        if !old.interfaces.contains_key(i) {
            let site = Site::new(format!("{t} implements {i}"), format!("type `{t}`"), Some(t.to_string()), old.pos, *pos);
            cx.emit(
                &IMPLEMENTED_INTERFACE_ADDED,
                &site,
                Sides::Both,
                format!("type `{t}` now implements interface `{i}`"),
                None,
                Some(i.clone()),
            );
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&IMPLEMENTED_INTERFACE_REMOVED, Proof::Selection)]
};
