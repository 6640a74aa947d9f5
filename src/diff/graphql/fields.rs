//! Fields of object and interface types: added, removed (plain or already deprecated), renamed,
//! and retyped with output variance.

use super::arguments::{self, Parent};
use super::{Cx, Sides, Site, deprecations, descriptions, output_safe, pair_renames, usages};
use crate::spec::graphql::{Field, TypeDef, deprecation};

crate::rules! {
    /// ## What it detects
    /// A field was added to an existing object or interface type.
    /// ## Why it matters
    /// Nothing breaks; clients may start selecting it. (Fields of a new type are not reported
    /// separately: the type's `type-added` covers them.)
    /// ## Example
    /// `type User { id: ID! }` → `type User { id: ID! email: String }`
    /// ## How to migrate
    /// Nothing to do.
    FIELD_ADDED = "field-added", GraphQl, Info, Response, "field", Added,
        "A field was added";
    /// ## What it detects
    /// A field was removed from an object or interface type without being deprecated first.
    /// ## Why it matters
    /// Every operation that selects the field fails validation.
    /// ## Example
    /// `type User { id: ID! email: String }` → `type User { id: ID! }`
    /// ## How to migrate
    /// Mark the field `@deprecated(reason: "...")` first, wait until clients stop selecting it
    /// (check field usage metrics), then remove it.
    FIELD_REMOVED = "field-removed", GraphQl, Breaking, Response, "field", Removed,
        "A field was removed";
    /// ## What it detects
    /// A field that was already `@deprecated` was removed.
    /// ## Why it matters
    /// Clients had notice, but any operation still selecting it fails validation.
    /// ## Example
    /// `email: String @deprecated(reason: "Use emails")` → (removed)
    /// ## How to migrate
    /// Check field usage before removing; re-level this rule to breaking to treat every removal alike.
    DEPRECATED_FIELD_REMOVED = "deprecated-field-removed", GraphQl, Warning, Response, "field", Removed,
        "A deprecated field was removed";
    /// ## What it detects
    /// A field disappeared and a field with another name but the same type and arguments appeared
    /// in the same type: a rename.
    /// ## Why it matters
    /// Operations selecting the old name fail validation.
    /// ## Example
    /// `type User { mail: String }` → `type User { email: String }`
    /// ## How to migrate
    /// Add the new field next to the old one, deprecate the old one, and remove it once unused.
    FIELD_RENAMED = "field-renamed", GraphQl, Breaking, Response, "field", Renamed,
        "A field was renamed";
    /// ## What it detects
    /// The type of an output field changed in a way clients may not handle: another named type,
    /// a changed list wrapping, or non-null `T!` becoming nullable `T`.
    /// ## Why it matters
    /// Outputs are covariant: clients rely on the old type's shape and non-nullness; generated
    /// types stop compiling and code meets unexpected nulls.
    /// ## Example
    /// `email: String!` → `email: String`, or `tags: [String]` → `tags: String`
    /// ## How to migrate
    /// Add a new field with the new type, deprecate the old one, remove it once unused.
    FIELD_TYPE_CHANGED = "field-type-changed", GraphQl, Breaking, Response, "field", Changed,
        "A field's type changed incompatibly";
    /// ## What it detects
    /// The type of an output field became stricter in a way every client still handles
    /// (`T` became `T!`, `[T]` became `[T!]!`).
    /// ## Why it matters
    /// Nothing breaks: a client prepared for nulls also handles non-null values.
    /// ## Example
    /// `email: String` → `email: String!`
    /// ## How to migrate
    /// Nothing to do; typed clients may drop null checks after regenerating.
    FIELD_TYPE_CHANGED_COMPATIBLE = "field-type-changed-compatible", GraphQl, Info, Response, "field", Changed,
        "A field's type became non-null";
}

/// What identifies a field apart from its name, for rename detection.
fn signature(f: &Field) -> String {
    let mut args: Vec<String> = f.args.values().map(|a| format!("{}:{}={}", a.name, a.ty, a.default.as_deref().unwrap_or(""))).collect();
    args.sort();
    format!("{}({})", f.ty, args.join(","))
}

/// Compares the fields of an object or interface present on both sides.
pub(super) fn compare(cx: &mut Cx<'_>, old: &TypeDef, new: &TypeDef) {
    let t = old.name.as_str();
    let removed: Vec<&Field> = old.fields.values().filter(|f| !new.fields.contains_key(&f.name)).collect();
    // A deprecated field that goes away was announced: never call it a rename.
    let rename_candidates: Vec<(&str, String)> =
        removed.iter().filter(|f| deprecation(&f.directives).is_none()).map(|f| (f.name.as_str(), signature(f))).collect();
    let added: Vec<(&str, String)> =
        new.fields.values().filter(|f| !old.fields.contains_key(&f.name)).map(|f| (f.name.as_str(), signature(f))).collect();
    let renames = if rename_candidates.is_empty() || added.is_empty() { Vec::new() } else { pair_renames(&rename_candidates, &added) };
    for (from, to) in &renames {
        let (Some(o), Some(n)) = (old.fields.get(*from), new.fields.get(*to)) else { continue };
        let (a, b) = (format!("{t}.{from}"), format!("{t}.{to}"));
        let msg = format!("field `{a}` was renamed to `{b}` (same type `{}`)", n.ty);
        cx.rename(&FIELD_RENAMED, a.clone(), (&a, o.pos), (&b, n.pos), msg);
    }
    for o in removed {
        let name = o.name.as_str();
        if renames.iter().any(|(f, _)| *f == name) {
            continue;
        }
        let coord = format!("{t}.{name}");
        let site = Site::new(&coord, format!("field `{coord}`"), Some(coord.clone()), o.pos, None);
        if deprecation(&o.directives).is_some() {
            cx.emit(
                &DEPRECATED_FIELD_REMOVED,
                &site,
                Sides::Base,
                format!("deprecated field `{coord}` was removed"),
                Some(o.ty.to_string()),
                None,
            );
        } else {
            cx.emit(&FIELD_REMOVED, &site, Sides::Base, format!("field `{coord}` was removed"), Some(o.ty.to_string()), None);
        }
    }
    for (name, _) in &added {
        if renames.iter().any(|(_, to)| to == name) {
            continue;
        }
        let Some(n) = new.fields.get(*name) else { continue };
        let coord = format!("{t}.{name}");
        let site = Site::new(&coord, format!("field `{coord}`"), Some(coord.clone()), None, n.pos);
        cx.emit(&FIELD_ADDED, &site, Sides::Rev, format!("field `{coord}` of type `{}` was added", n.ty), None, Some(n.ty.to_string()));
    }
    for (name, o) in &old.fields {
        let Some(n) = new.fields.get(name) else { continue };
        let coord = format!("{t}.{name}");
        let site = Site::new(&coord, format!("field `{coord}`"), Some(coord.clone()), o.pos, n.pos);
        if o.ty != n.ty {
            let (bt, at) = (o.ty.to_string(), n.ty.to_string());
            let (rule, msg) = if output_safe(&o.ty, &n.ty) {
                (&FIELD_TYPE_CHANGED_COMPATIBLE, format!("field `{coord}` changed type from `{bt}` to `{at}` (stricter, still compatible)"))
            } else {
                (&FIELD_TYPE_CHANGED, format!("field `{coord}` changed type from `{bt}` to `{at}`"))
            };
            cx.emit(rule, &site, Sides::Both, msg, Some(bt), Some(at));
        }
        let arg_coord = |a: &str| format!("{t}.{name}({a}:)");
        let parent = Parent { coord: &arg_coord, op: Some(coord.clone()) };
        arguments::compare(cx, &arguments::ARGUMENTS, &parent, &o.args, &n.args);
        descriptions::compare(cx, &descriptions::FIELD, &site, o.description.as_deref(), n.description.as_deref());
        deprecations::compare(cx, &deprecations::FIELD, &site, deprecation(&o.directives), deprecation(&n.directives));
        usages::compare(cx, &site, &o.directives, &n.directives);
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&FIELD_REMOVED, Proof::Selection),
        (&DEPRECATED_FIELD_REMOVED, Proof::Selection),
        (&FIELD_RENAMED, Proof::Selection),
        (&FIELD_TYPE_CHANGED, Proof::Selection),
    ]
};
