//! Description changes on every kind of element: documentation only, never breaking.

use super::{Cx, Sides, Site};
use crate::diff::Rule;

crate::rules! {
    /// ## What it detects
    /// A type gained a description.
    /// ## Why it matters
    /// Documentation only; generated clients and docs pick up the new text.
    /// ## Example
    /// `type User { id: ID! }` → `"A person" type User { id: ID! }`
    /// ## How to migrate
    /// Nothing to do.
    TYPE_DESCRIPTION_ADDED = "type-description-added", GraphQl, Info, None, "type", Added,
        "A type gained a description", traits = [Documentation];
    /// ## What it detects
    /// A type lost its description.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `"A person" type User { id: ID! }` → `type User { id: ID! }`
    /// ## How to migrate
    /// Nothing to do; consider keeping types documented.
    TYPE_DESCRIPTION_REMOVED = "type-description-removed", GraphQl, Info, None, "type", Removed,
        "A type lost its description", traits = [Documentation];
    /// ## What it detects
    /// A type's description text changed.
    /// ## Why it matters
    /// Documentation only; the meaning of the type may have been clarified.
    /// ## Example
    /// `"A person"` → `"A registered person"` on `type User`
    /// ## How to migrate
    /// Nothing to do.
    TYPE_DESCRIPTION_CHANGED = "type-description-changed", GraphQl, Info, None, "type", Changed,
        "A type's description changed", traits = [Documentation];
    /// ## What it detects
    /// A field of an object or interface gained a description.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `email: String` → `"Primary address" email: String`
    /// ## How to migrate
    /// Nothing to do.
    FIELD_DESCRIPTION_ADDED = "field-description-added", GraphQl, Info, Response, "field", Added,
        "A field gained a description", traits = [Documentation];
    /// ## What it detects
    /// A field of an object or interface lost its description.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `"Primary address" email: String` → `email: String`
    /// ## How to migrate
    /// Nothing to do.
    FIELD_DESCRIPTION_REMOVED = "field-description-removed", GraphQl, Info, Response, "field", Removed,
        "A field lost its description", traits = [Documentation];
    /// ## What it detects
    /// A field's description text changed.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `"Primary address"` → `"Verified primary address"` on `User.email`
    /// ## How to migrate
    /// Nothing to do.
    FIELD_DESCRIPTION_CHANGED = "field-description-changed", GraphQl, Info, Response, "field", Changed,
        "A field's description changed", traits = [Documentation];
    /// ## What it detects
    /// An input object field gained a description.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `name: String` → `"Display name" name: String` in `input UserInput`
    /// ## How to migrate
    /// Nothing to do.
    INPUT_FIELD_DESCRIPTION_ADDED = "input-field-description-added", GraphQl, Info, Request, "input-field", Added,
        "An input field gained a description", traits = [Documentation];
    /// ## What it detects
    /// An input object field lost its description.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `"Display name" name: String` → `name: String` in `input UserInput`
    /// ## How to migrate
    /// Nothing to do.
    INPUT_FIELD_DESCRIPTION_REMOVED = "input-field-description-removed", GraphQl, Info, Request, "input-field", Removed,
        "An input field lost its description", traits = [Documentation];
    /// ## What it detects
    /// An input object field's description text changed.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `"Display name"` → `"Public display name"` on `UserInput.name`
    /// ## How to migrate
    /// Nothing to do.
    INPUT_FIELD_DESCRIPTION_CHANGED = "input-field-description-changed", GraphQl, Info, Request, "input-field", Changed,
        "An input field's description changed", traits = [Documentation];
    /// ## What it detects
    /// A field argument's description was added, removed or changed.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `posts(first: Int)` → `posts("Page size" first: Int)`
    /// ## How to migrate
    /// Nothing to do.
    ARGUMENT_DESCRIPTION_CHANGED = "argument-description-changed", GraphQl, Info, Request, "argument", Changed,
        "An argument's description changed", traits = [Documentation];
    /// ## What it detects
    /// An enum value's description was added, removed or changed.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `ADMIN` → `"Full access" ADMIN` in `enum Role`
    /// ## How to migrate
    /// Nothing to do.
    ENUM_VALUE_DESCRIPTION_CHANGED = "enum-value-description-changed", GraphQl, Info, None, "enum-value", Changed,
        "An enum value's description changed", traits = [Documentation];
    /// ## What it detects
    /// A directive definition's description was added, removed or changed.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `directive @auth on FIELD_DEFINITION` → `"Requires a session" directive @auth on FIELD_DEFINITION`
    /// ## How to migrate
    /// Nothing to do.
    DIRECTIVE_DESCRIPTION_CHANGED = "directive-description-changed", GraphQl, Info, None, "directive", Changed,
        "A directive's description changed", traits = [Documentation];
    /// ## What it detects
    /// A directive argument's description was added, removed or changed.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `directive @auth(role: String)` → `directive @auth("Needed role" role: String)`
    /// ## How to migrate
    /// Nothing to do.
    DIRECTIVE_ARGUMENT_DESCRIPTION_CHANGED = "directive-argument-description-changed", GraphQl, Info, None, "directive", Changed,
        "A directive argument's description changed", traits = [Documentation];
    /// ## What it detects
    /// The description of the `schema` definition was added, removed or changed.
    /// ## Why it matters
    /// Documentation only.
    /// ## Example
    /// `schema { query: Query }` → `"The shop API" schema { query: Query }`
    /// ## How to migrate
    /// Nothing to do.
    GRAPHQL_SCHEMA_DESCRIPTION_CHANGED = "graphql-schema-description-changed", GraphQl, Info, None, "schema", Changed,
        "The schema's description changed", traits = [Documentation];
}

/// The description rules of one kind of element; `None` means "use `changed`".
pub(super) struct DescRules {
    added: Option<&'static Rule>,
    removed: Option<&'static Rule>,
    changed: &'static Rule,
}

pub(super) const SCHEMA: DescRules = DescRules { added: None, removed: None, changed: &GRAPHQL_SCHEMA_DESCRIPTION_CHANGED };
pub(super) const TYPE: DescRules =
    DescRules { added: Some(&TYPE_DESCRIPTION_ADDED), removed: Some(&TYPE_DESCRIPTION_REMOVED), changed: &TYPE_DESCRIPTION_CHANGED };
pub(super) const FIELD: DescRules =
    DescRules { added: Some(&FIELD_DESCRIPTION_ADDED), removed: Some(&FIELD_DESCRIPTION_REMOVED), changed: &FIELD_DESCRIPTION_CHANGED };
pub(super) const INPUT_FIELD: DescRules = DescRules {
    added: Some(&INPUT_FIELD_DESCRIPTION_ADDED),
    removed: Some(&INPUT_FIELD_DESCRIPTION_REMOVED),
    changed: &INPUT_FIELD_DESCRIPTION_CHANGED,
};
pub(super) const ARGUMENT: DescRules = DescRules { added: None, removed: None, changed: &ARGUMENT_DESCRIPTION_CHANGED };
pub(super) const ENUM_VALUE: DescRules = DescRules { added: None, removed: None, changed: &ENUM_VALUE_DESCRIPTION_CHANGED };
pub(super) const DIRECTIVE: DescRules = DescRules { added: None, removed: None, changed: &DIRECTIVE_DESCRIPTION_CHANGED };
pub(super) const DIRECTIVE_ARGUMENT: DescRules = DescRules { added: None, removed: None, changed: &DIRECTIVE_ARGUMENT_DESCRIPTION_CHANGED };

/// Compares the descriptions of one element.
pub(super) fn compare(cx: &mut Cx<'_>, rules: &DescRules, site: &Site, old: Option<&str>, new: Option<&str>) {
    let what = &site.what;
    match (old, new) {
        (None, Some(n)) => {
            let rule = rules.added.unwrap_or(rules.changed);
            cx.emit(rule, site, Sides::Both, format!("{what} gained a description"), None, Some(n.to_string()));
        }
        (Some(o), None) => {
            let rule = rules.removed.unwrap_or(rules.changed);
            cx.emit(rule, site, Sides::Both, format!("{what} lost its description"), Some(o.to_string()), None);
        }
        (Some(o), Some(n)) if o != n => {
            cx.emit(rules.changed, site, Sides::Both, format!("description of {what} changed"), Some(o.to_string()), Some(n.to_string()));
        }
        _ => {}
    }
}
