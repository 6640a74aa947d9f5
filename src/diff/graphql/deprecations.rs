//! `@deprecated` added, removed or re-worded on fields, enum values, arguments and input fields.

use super::{Cx, Sides, Site};
use crate::diff::Rule;

crate::rules! {
    /// ## What it detects
    /// A field of an object or interface was marked `@deprecated`.
    /// ## Why it matters
    /// Queries that select it keep working, but tooling and linters start warning; it signals that the field will be removed.
    /// ## Example
    /// `email: String` → `email: String @deprecated(reason: "Use emails")`
    /// ## How to migrate
    /// Move queries to the replacement named in the reason before the field is removed.
    FIELD_DEPRECATED = "field-deprecated", GraphQl, Warning, Response, "field", Deprecated,
        "A field of an object or interface was deprecated";
    /// ## What it detects
    /// A field of an object or interface lost its `@deprecated` directive.
    /// ## Why it matters
    /// The element is supported again; nothing breaks.
    /// ## Example
    /// `email: String @deprecated(reason: "Use emails")` → `email: String`
    /// ## How to migrate
    /// Nothing to do; clients may keep using it.
    FIELD_UNDEPRECATED = "field-undeprecated", GraphQl, Info, Response, "field", Deprecated,
        "A field of an object or interface is no longer deprecated";
    /// ## What it detects
    /// The `reason` of the `@deprecated` directive on a field of an object or interface changed.
    /// ## Why it matters
    /// Documentation only; the suggested replacement may have changed.
    /// ## Example
    /// `@deprecated(reason: "Use a")` → `@deprecated(reason: "Use b")`
    /// ## How to migrate
    /// Read the new reason and follow its advice.
    FIELD_DEPRECATION_REASON_CHANGED = "field-deprecation-reason-changed", GraphQl, Info, Response, "field", Deprecated,
        "The deprecation reason of a field of an object or interface changed";
    /// ## What it detects
    /// An enum value was marked `@deprecated`.
    /// ## Why it matters
    /// Clients still receive and may send it, but it is going away.
    /// ## Example
    /// `ADMIN` → `ADMIN @deprecated(reason: "Use OWNER")`
    /// ## How to migrate
    /// Stop sending the value and handle its replacement in responses.
    ENUM_VALUE_DEPRECATED = "enum-value-deprecated", GraphQl, Warning, None, "enum-value", Deprecated,
        "An enum value was deprecated";
    /// ## What it detects
    /// An enum value lost its `@deprecated` directive.
    /// ## Why it matters
    /// The element is supported again; nothing breaks.
    /// ## Example
    /// `ADMIN @deprecated(reason: "Use OWNER")` → `ADMIN`
    /// ## How to migrate
    /// Nothing to do; clients may keep using it.
    ENUM_VALUE_UNDEPRECATED = "enum-value-undeprecated", GraphQl, Info, None, "enum-value", Deprecated,
        "An enum value is no longer deprecated";
    /// ## What it detects
    /// The `reason` of the `@deprecated` directive on an enum value changed.
    /// ## Why it matters
    /// Documentation only; the suggested replacement may have changed.
    /// ## Example
    /// `@deprecated(reason: "Use a")` → `@deprecated(reason: "Use b")`
    /// ## How to migrate
    /// Read the new reason and follow its advice.
    ENUM_VALUE_DEPRECATION_REASON_CHANGED = "enum-value-deprecation-reason-changed", GraphQl, Info, None, "enum-value", Deprecated,
        "The deprecation reason of an enum value changed";
    /// ## What it detects
    /// A field argument was marked `@deprecated`.
    /// ## Why it matters
    /// Queries that pass it keep working, but it will be removed.
    /// ## Example
    /// `posts(first: Int)` → `posts(first: Int @deprecated(reason: "Use limit"))`
    /// ## How to migrate
    /// Stop passing the argument; use the replacement named in the reason.
    ARGUMENT_DEPRECATED = "argument-deprecated", GraphQl, Warning, Request, "argument", Deprecated,
        "A field argument was deprecated";
    /// ## What it detects
    /// A field argument lost its `@deprecated` directive.
    /// ## Why it matters
    /// The element is supported again; nothing breaks.
    /// ## Example
    /// `posts(first: Int @deprecated(reason: "Use limit"))` → `posts(first: Int)`
    /// ## How to migrate
    /// Nothing to do; clients may keep using it.
    ARGUMENT_UNDEPRECATED = "argument-undeprecated", GraphQl, Info, Request, "argument", Deprecated,
        "A field argument is no longer deprecated";
    /// ## What it detects
    /// The `reason` of the `@deprecated` directive on a field argument changed.
    /// ## Why it matters
    /// Documentation only; the suggested replacement may have changed.
    /// ## Example
    /// `@deprecated(reason: "Use a")` → `@deprecated(reason: "Use b")`
    /// ## How to migrate
    /// Read the new reason and follow its advice.
    ARGUMENT_DEPRECATION_REASON_CHANGED = "argument-deprecation-reason-changed", GraphQl, Info, Request, "argument", Deprecated,
        "The deprecation reason of a field argument changed";
    /// ## What it detects
    /// An input object field was marked `@deprecated`.
    /// ## Why it matters
    /// Clients that send it keep working, but it will be removed.
    /// ## Example
    /// `name: String` in `input UserInput` → `name: String @deprecated(reason: "Use displayName")`
    /// ## How to migrate
    /// Stop sending the input field; use the replacement named in the reason.
    INPUT_FIELD_DEPRECATED = "input-field-deprecated", GraphQl, Warning, Request, "input-field", Deprecated,
        "An input object field was deprecated";
    /// ## What it detects
    /// An input object field lost its `@deprecated` directive.
    /// ## Why it matters
    /// The element is supported again; nothing breaks.
    /// ## Example
    /// `name: String @deprecated(reason: "Use displayName")` → `name: String` in `input UserInput`
    /// ## How to migrate
    /// Nothing to do; clients may keep using it.
    INPUT_FIELD_UNDEPRECATED = "input-field-undeprecated", GraphQl, Info, Request, "input-field", Deprecated,
        "An input object field is no longer deprecated";
    /// ## What it detects
    /// The `reason` of the `@deprecated` directive on an input object field changed.
    /// ## Why it matters
    /// Documentation only; the suggested replacement may have changed.
    /// ## Example
    /// `@deprecated(reason: "Use a")` → `@deprecated(reason: "Use b")`
    /// ## How to migrate
    /// Read the new reason and follow its advice.
    INPUT_FIELD_DEPRECATION_REASON_CHANGED = "input-field-deprecation-reason-changed", GraphQl, Info, Request, "input-field", Deprecated,
        "The deprecation reason of an input object field changed";
}

/// The deprecation rules of one kind of element.
pub(super) struct DepRules {
    deprecated: &'static Rule,
    undeprecated: &'static Rule,
    reason_changed: &'static Rule,
}

pub(super) const FIELD: DepRules =
    DepRules { deprecated: &FIELD_DEPRECATED, undeprecated: &FIELD_UNDEPRECATED, reason_changed: &FIELD_DEPRECATION_REASON_CHANGED };
pub(super) const ENUM_VALUE: DepRules = DepRules {
    deprecated: &ENUM_VALUE_DEPRECATED,
    undeprecated: &ENUM_VALUE_UNDEPRECATED,
    reason_changed: &ENUM_VALUE_DEPRECATION_REASON_CHANGED,
};
pub(super) const ARGUMENT: DepRules = DepRules {
    deprecated: &ARGUMENT_DEPRECATED,
    undeprecated: &ARGUMENT_UNDEPRECATED,
    reason_changed: &ARGUMENT_DEPRECATION_REASON_CHANGED,
};
pub(super) const INPUT_FIELD: DepRules = DepRules {
    deprecated: &INPUT_FIELD_DEPRECATED,
    undeprecated: &INPUT_FIELD_UNDEPRECATED,
    reason_changed: &INPUT_FIELD_DEPRECATION_REASON_CHANGED,
};

/// Compares the deprecation state (reason, with the spec default applied) of one element.
pub(super) fn compare(cx: &mut Cx<'_>, rules: &DepRules, site: &Site, old: Option<String>, new: Option<String>) {
    let what = &site.what;
    match (old, new) {
        (None, Some(n)) => cx.emit(rules.deprecated, site, Sides::Both, format!("{what} was deprecated: {n}"), None, Some(n)),
        (Some(o), None) => cx.emit(rules.undeprecated, site, Sides::Both, format!("{what} is no longer deprecated"), Some(o), None),
        (Some(o), Some(n)) if o != n => {
            cx.emit(
                rules.reason_changed,
                site,
                Sides::Both,
                format!("deprecation reason of {what} changed from \"{o}\" to \"{n}\""),
                Some(o),
                Some(n),
            );
        }
        _ => {}
    }
}
