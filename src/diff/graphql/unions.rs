//! Union members added (dangerous) and removed (breaking).

use super::{Cx, Sides, Site};
use crate::spec::graphql::TypeDef;

crate::rules! {
    /// ## What it detects
    /// A member type was added to a union.
    /// ## Why it matters
    /// Clients that switch over `__typename` meet a type they do not handle (graphql-js calls
    /// this dangerous); fragments they wrote select nothing on the new member.
    /// ## Example
    /// `union SearchResult = User | Post` → `union SearchResult = User | Post | Comment`
    /// ## How to migrate
    /// Make sure clients ignore unknown `__typename`s before the server returns the new member.
    UNION_MEMBER_ADDED = "union-member-added", GraphQl, Warning, Response, "union", Added,
        "A member was added to a union";
    /// ## What it detects
    /// A member type was removed from a union.
    /// ## Why it matters
    /// Operations with fragments on the removed member (`... on Post`) fail validation.
    /// ## Example
    /// `union SearchResult = User | Post` → `union SearchResult = User`
    /// ## How to migrate
    /// Stop returning the member first, let clients drop their fragments on it, then remove it.
    UNION_MEMBER_REMOVED = "union-member-removed", GraphQl, Breaking, Response, "union", Removed,
        "A member was removed from a union";
}

/// Compares the members of a union present on both sides.
pub(super) fn compare(cx: &mut Cx<'_>, old: &TypeDef, new: &TypeDef) {
    let t = old.name.as_str();
    for (m, pos) in &old.members {
        if !new.members.contains_key(m) {
            let site = Site::new(format!("{t}.{m}"), format!("union `{t}`"), Some(t.to_string()), *pos, new.pos);
            cx.emit(&UNION_MEMBER_REMOVED, &site, Sides::Both, format!("type `{m}` was removed from union `{t}`"), Some(m.clone()), None);
        }
    }
    for (m, pos) in &new.members {
        if !old.members.contains_key(m) {
            let site = Site::new(format!("{t}.{m}"), format!("union `{t}`"), Some(t.to_string()), old.pos, *pos);
            cx.emit(&UNION_MEMBER_ADDED, &site, Sides::Both, format!("type `{m}` was added to union `{t}`"), None, Some(m.clone()));
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&UNION_MEMBER_REMOVED, Proof::Selection)]
};
