//! Enum values added (dangerous when the enum is returned by some field), removed (plain or
//! already deprecated), and the descriptions, deprecations and directives of kept values.

use super::{Cx, Sides, Site, deprecations, descriptions, usages};
use crate::spec::graphql::{TypeDef, deprecation};

crate::rules! {
    /// ## What it detects
    /// A value was added to an enum that some object or interface field returns.
    /// ## Why it matters
    /// Clients that switch exhaustively over the enum meet a value they do not know (graphql-js
    /// calls this dangerous): generated code may throw or fall into a wrong default branch.
    /// ## Example
    /// `enum Role { USER ADMIN }` → `enum Role { USER ADMIN OWNER }`
    /// ## How to migrate
    /// Make sure clients handle unknown enum values gracefully before the server returns the new one.
    ENUM_VALUE_ADDED = "enum-value-added", GraphQl, Warning, Response, "enum-value", Added,
        "A value was added to an enum used in outputs";
    /// ## What it detects
    /// A value was added to an enum that is used only in inputs (arguments, input fields).
    /// ## Why it matters
    /// Nothing breaks: clients may start sending the new value.
    /// ## Example
    /// `enum SortOrder { ASC DESC }` → `enum SortOrder { ASC DESC RELEVANCE }`
    /// ## How to migrate
    /// Nothing to do.
    INPUT_ENUM_VALUE_ADDED = "input-enum-value-added", GraphQl, Info, Request, "enum-value", Added,
        "A value was added to an input-only enum";
    /// ## What it detects
    /// A value was removed from an enum without being deprecated first.
    /// ## Why it matters
    /// Operations that send it fail validation, and clients that expect it never see it again.
    /// ## Example
    /// `enum Role { USER ADMIN }` → `enum Role { USER }`
    /// ## How to migrate
    /// Deprecate the value with `@deprecated(reason: "...")` first, then remove it once unused.
    ENUM_VALUE_REMOVED = "enum-value-removed", GraphQl, Breaking, None, "enum-value", Removed,
        "A value was removed from an enum";
    /// ## What it detects
    /// An enum value that was already `@deprecated` was removed.
    /// ## Why it matters
    /// Clients had notice, but any operation still sending it fails validation.
    /// ## Example
    /// `enum Role { USER ADMIN @deprecated }` → `enum Role { USER }`
    /// ## How to migrate
    /// Check usage before removing; re-level this rule to breaking to treat every removal alike.
    DEPRECATED_ENUM_VALUE_REMOVED = "deprecated-enum-value-removed", GraphQl, Warning, None, "enum-value", Removed,
        "A deprecated enum value was removed";
}

/// Compares the values of an enum present on both sides.
pub(super) fn compare(cx: &mut Cx<'_>, old: &TypeDef, new: &TypeDef) {
    let t = old.name.as_str();
    for (name, o) in &old.values {
        let coord = format!("{t}.{name}");
        let Some(n) = new.values.get(name) else {
            let site = Site::new(&coord, format!("enum value `{coord}`"), Some(t.to_string()), o.pos, None);
            if deprecation(&o.directives).is_some() {
                cx.emit(
                    &DEPRECATED_ENUM_VALUE_REMOVED,
                    &site,
                    Sides::Base,
                    format!("deprecated enum value `{coord}` was removed"),
                    Some(name.clone()),
                    None,
                );
            } else {
                cx.emit(&ENUM_VALUE_REMOVED, &site, Sides::Base, format!("enum value `{coord}` was removed"), Some(name.clone()), None);
            }
            continue;
        };
        let site = Site::new(&coord, format!("enum value `{coord}`"), Some(t.to_string()), o.pos, n.pos);
        descriptions::compare(cx, &descriptions::ENUM_VALUE, &site, o.description.as_deref(), n.description.as_deref());
        deprecations::compare(cx, &deprecations::ENUM_VALUE, &site, deprecation(&o.directives), deprecation(&n.directives));
        usages::compare(cx, &site, &o.directives, &n.directives);
    }
    let output = cx.output_enums.contains(t);
    for (name, n) in &new.values {
        if old.values.contains_key(name) {
            continue;
        }
        let coord = format!("{t}.{name}");
        let site = Site::new(&coord, format!("enum value `{coord}`"), Some(t.to_string()), None, n.pos);
        if output {
            let msg = format!("enum value `{coord}` was added to an enum that fields return; clients may not expect it");
            cx.emit(&ENUM_VALUE_ADDED, &site, Sides::Rev, msg, None, Some(name.clone()));
        } else {
            cx.emit(&INPUT_ENUM_VALUE_ADDED, &site, Sides::Rev, format!("enum value `{coord}` was added"), None, Some(name.clone()));
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&ENUM_VALUE_REMOVED, Proof::Input), (&DEPRECATED_ENUM_VALUE_REMOVED, Proof::Input)]
};
