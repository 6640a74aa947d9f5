//! Named types: added, removed, renamed, kind changed; and the walk into the members of every
//! type present on both sides.

use super::{Cx, Sides, Site, descriptions, enums, fields, input_fields, interfaces, pair_renames, unions, usages};
use crate::spec::graphql::{TypeDef, TypeKind};

crate::rules! {
    /// ## What it detects
    /// A named type was added. Its fields, values and members are not reported one by one.
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// `type Comment { id: ID! body: String }` appears in the revision.
    /// ## How to migrate
    /// Nothing to do.
    TYPE_ADDED = "type-added", GraphQl, Info, None, "type", Added,
        "A type was added";
    /// ## What it detects
    /// A named type was removed.
    /// ## Why it matters
    /// Operations with fragments or variables of that type fail validation, and fields that
    /// returned it are gone or changed.
    /// ## Example
    /// `type Comment { id: ID! }` is gone in the revision.
    /// ## How to migrate
    /// Deprecate every field that returns the type, wait until clients stop using them, then remove it.
    TYPE_REMOVED = "type-removed", GraphQl, Breaking, None, "type", Removed,
        "A type was removed";
    /// ## What it detects
    /// A type disappeared and a type of the same kind with the same fields (values, members)
    /// appeared under another name: a rename.
    /// ## Why it matters
    /// Fragments (`... on Old`) and variables (`$x: OldInput`) that name the old type fail validation.
    /// ## Example
    /// `type Author { id: ID! name: String }` → `type Writer { id: ID! name: String }`
    /// ## How to migrate
    /// Type names are part of the contract; keep the old name, or add the new type next to it and
    /// move fields over with deprecations.
    TYPE_RENAMED = "type-renamed", GraphQl, Breaking, None, "type", Renamed,
        "A type was renamed";
    /// ## What it detects
    /// A named type changed kind (for example from `type` to `interface`, or `enum` to `scalar`).
    /// ## Why it matters
    /// Fragments, variables and generated client types built for the old kind stop working.
    /// ## Example
    /// `type Node { id: ID! }` → `interface Node { id: ID! }`
    /// ## How to migrate
    /// Introduce a new type of the new kind under a new name and migrate fields to it.
    TYPE_KIND_CHANGED = "type-kind-changed", GraphQl, Breaking, None, "type", Changed,
        "A type changed kind";
}

/// What identifies a type apart from its name, for rename detection; `None` when it has no body
/// to compare (scalars, empty types), which never pair up.
fn shape(t: &TypeDef) -> Option<String> {
    let mut parts: Vec<String> = match t.kind {
        TypeKind::Scalar => return None,
        TypeKind::Object | TypeKind::Interface => {
            let mut p: Vec<String> = t.fields.values().map(|f| format!("{}:{}", f.name, f.ty)).collect();
            p.extend(t.interfaces.keys().map(|i| format!("&{i}")));
            p
        }
        TypeKind::InputObject => {
            t.input_fields.values().map(|f| format!("{}:{}={}", f.name, f.ty, f.default.as_deref().unwrap_or(""))).collect()
        }
        TypeKind::Enum => t.values.keys().cloned().collect(),
        TypeKind::Union => t.members.keys().cloned().collect(),
    };
    if parts.is_empty() {
        return None;
    }
    parts.sort();
    Some(format!("{}{{{}}}", t.kind.as_str(), parts.join(",")))
}

/// Compares all named types, then the members of those on both sides.
pub(super) fn compare(cx: &mut Cx<'_>) {
    let (base, rev) = (cx.base, cx.rev);
    let removed: Vec<(&str, String)> =
        base.types.values().filter(|t| !rev.types.contains_key(&t.name)).filter_map(|t| Some((t.name.as_str(), shape(t)?))).collect();
    let added: Vec<(&str, String)> =
        rev.types.values().filter(|t| !base.types.contains_key(&t.name)).filter_map(|t| Some((t.name.as_str(), shape(t)?))).collect();
    let renames = if removed.is_empty() || added.is_empty() { Vec::new() } else { pair_renames(&removed, &added) };
    for (from, to) in &renames {
        let (Some(o), Some(n)) = (base.types.get(*from), rev.types.get(*to)) else { continue };
        let msg = format!("{} `{from}` was renamed to `{to}` (same fields)", o.kind.as_str());
        cx.rename(&TYPE_RENAMED, from.to_string(), (from, o.pos), (to, n.pos), msg);
    }
    for (name, o) in &base.types {
        if rev.types.contains_key(name) || renames.iter().any(|(f, _)| f == name) {
            continue;
        }
        let site = Site::new(name, format!("type `{name}`"), Some(name.clone()), o.pos, None);
        cx.emit(
            &TYPE_REMOVED,
            &site,
            Sides::Base,
            format!("{} `{name}` was removed", o.kind.as_str()),
            Some(o.kind.as_str().to_string()),
            None,
        );
    }
    for (name, n) in &rev.types {
        if base.types.contains_key(name) || renames.iter().any(|(_, t)| t == name) {
            continue;
        }
        let site = Site::new(name, format!("type `{name}`"), Some(name.clone()), None, n.pos);
        cx.emit(&TYPE_ADDED, &site, Sides::Rev, format!("{} `{name}` was added", n.kind.as_str()), None, Some(n.kind.as_str().to_string()));
    }
    for (name, o) in &base.types {
        let Some(n) = rev.types.get(name) else { continue };
        let site = Site::new(name, format!("type `{name}`"), Some(name.clone()), o.pos, n.pos);
        if o.kind != n.kind {
            let (bk, ak) = (o.kind.as_str(), n.kind.as_str());
            cx.emit(
                &TYPE_KIND_CHANGED,
                &site,
                Sides::Both,
                format!("type `{name}` changed kind from {bk} to {ak}"),
                Some(bk.to_string()),
                Some(ak.to_string()),
            );
            continue;
        }
        descriptions::compare(cx, &descriptions::TYPE, &site, o.description.as_deref(), n.description.as_deref());
        usages::compare(cx, &site, &o.directives, &n.directives);
        match o.kind {
            TypeKind::Object | TypeKind::Interface => {
                interfaces::compare(cx, o, n);
                fields::compare(cx, o, n);
            }
            TypeKind::Union => unions::compare(cx, o, n),
            TypeKind::Enum => enums::compare(cx, o, n),
            TypeKind::InputObject => input_fields::compare(cx, o, n),
            TypeKind::Scalar => {}
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&TYPE_REMOVED, Proof::Selection), (&TYPE_RENAMED, Proof::Selection), (&TYPE_KIND_CHANGED, Proof::Selection)]
};
