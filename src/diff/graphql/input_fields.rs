//! Input object fields added, removed, retyped (input variance) and re-defaulted.

use super::arguments::{self, InputFamily, Parent};
use super::{Cx, deprecations, descriptions};
use crate::spec::graphql::TypeDef;

crate::rules! {
/// ## What it detects
/// A required input field (non-null, without a default) was added.
/// ## Why it matters
/// Every existing operation or document that omits it now fails validation.
/// ## Example
/// `input UserInput`: `{ name: String }` → `{ name: String, org: ID! }`
/// ## How to migrate
/// Add it as optional (nullable, or with a default value) instead, and make it required only once all clients send it.
INPUT_FIELD_ADDED_REQUIRED = "input-field-added-required", GraphQl, Breaking, Request, "input-field", Added,
    "A required input field was added", traits = [MakesRequired];
/// ## What it detects
/// An optional input field (nullable, or with a default) was added.
/// ## Why it matters
/// Existing clients keep working; graphql-js calls it dangerous because the server's handling of the absent field decides the outcome.
/// ## Example
/// `input UserInput`: `{ name: String }` → `{ name: String, org: ID }`
/// ## How to migrate
/// Nothing to do for existing clients; check that omitting it keeps the old behaviour.
INPUT_FIELD_ADDED_OPTIONAL = "input-field-added-optional", GraphQl, Warning, Request, "input-field", Added,
    "An optional input field was added";
/// ## What it detects
/// An input field was removed.
/// ## Why it matters
/// Operations or documents that still pass it fail validation.
/// ## Example
/// `input UserInput`: `{ name: String, org: ID }` → `{ name: String }`
/// ## How to migrate
/// Deprecate it first with `@deprecated`, wait until clients stop sending it, then remove it.
INPUT_FIELD_REMOVED = "input-field-removed", GraphQl, Breaking, Request, "input-field", Removed,
    "An input field was removed";
/// ## What it detects
/// An input field that was already `@deprecated` was removed.
/// ## Why it matters
/// Clients had notice, but any that still send it now fail validation.
/// ## Example
/// `input UserInput`: `{ name: String, org: ID } @deprecated` → `{ name: String }`
/// ## How to migrate
/// Check usage data before removing deprecated input fields; re-level this rule to breaking to enforce that.
DEPRECATED_INPUT_FIELD_REMOVED = "deprecated-input-field-removed", GraphQl, Warning, Request, "input-field", Removed,
    "A deprecated input field was removed";
/// ## What it detects
/// The type of an input field changed in a way that rejects values clients send today: another named type, a changed list wrapping, or nullable `T` becoming non-null `T!`.
/// ## Why it matters
/// Inputs are contravariant: the new type must accept every value the old type accepted.
/// ## Example
/// `limit: Int` → `limit: Int!`, or `id: ID` → `id: [ID]`
/// ## How to migrate
/// Add a new input field with the new type, deprecate the old one, and remove it once unused.
INPUT_FIELD_TYPE_CHANGED = "input-field-type-changed", GraphQl, Breaking, Request, "input-field", Changed,
    "An input field's type changed incompatibly";
/// ## What it detects
/// The type of an input field changed in a way that still accepts every value clients send today (`T!` became `T`).
/// ## Why it matters
/// Nothing breaks: inputs may safely become nullable. Typed clients may regenerate code.
/// ## Example
/// `limit: Int!` → `limit: Int`
/// ## How to migrate
/// Nothing to do.
INPUT_FIELD_TYPE_CHANGED_COMPATIBLE = "input-field-type-changed-compatible", GraphQl, Info, Request, "input-field", Changed,
    "An input field's type was relaxed";
/// ## What it detects
/// The default value of an input field was added, removed or changed.
/// ## Why it matters
/// Clients that omit it silently get different behaviour (graphql-js calls this dangerous).
/// ## Example
/// `first: Int = 10` → `first: Int = 20`
/// ## How to migrate
/// Pass the value explicitly where the old default matters.
INPUT_FIELD_DEFAULT_CHANGED = "input-field-default-changed", GraphQl, Warning, Request, "input-field", Changed,
    "An input field's default value changed";
/// ## What it detects
/// A non-null input field lost its default value, so clients must now supply it.
/// ## Why it matters
/// Operations or documents that omit it now fail validation.
/// ## Example
/// `first: Int! = 10` → `first: Int!`
/// ## How to migrate
/// Keep the default; if a value must be given, add a new required input field in a new field or version.
INPUT_FIELD_BECAME_REQUIRED = "input-field-became-required", GraphQl, Breaking, Request, "input-field", Changed,
    "An input field became required", traits = [MakesRequired];}

const INPUT_FIELDS: InputFamily = InputFamily {
    noun: "input field",
    added_required: &INPUT_FIELD_ADDED_REQUIRED,
    added_optional: &INPUT_FIELD_ADDED_OPTIONAL,
    removed: &INPUT_FIELD_REMOVED,
    deprecated_removed: &DEPRECATED_INPUT_FIELD_REMOVED,
    type_changed: &INPUT_FIELD_TYPE_CHANGED,
    type_compatible: &INPUT_FIELD_TYPE_CHANGED_COMPATIBLE,
    default_changed: &INPUT_FIELD_DEFAULT_CHANGED,
    became_required: &INPUT_FIELD_BECAME_REQUIRED,
    desc: &descriptions::INPUT_FIELD,
    dep: Some(&deprecations::INPUT_FIELD),
};

/// Compares the fields of an input object present on both sides.
pub(super) fn compare(cx: &mut Cx<'_>, old: &TypeDef, new: &TypeDef) {
    let tname = old.name.as_str();
    let coord = |f: &str| format!("{tname}.{f}");
    let parent = Parent { coord: &coord, op: Some(tname.to_string()) };
    arguments::compare(cx, &INPUT_FIELDS, &parent, &old.input_fields, &new.input_fields);
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&INPUT_FIELD_ADDED_REQUIRED, Proof::Input),
        (&INPUT_FIELD_REMOVED, Proof::Input),
        (&DEPRECATED_INPUT_FIELD_REMOVED, Proof::Input),
        (&INPUT_FIELD_TYPE_CHANGED, Proof::Input),
        (&INPUT_FIELD_BECAME_REQUIRED, Proof::Input),
    ]
};
