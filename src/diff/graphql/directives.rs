//! Directive definitions: added, removed, locations, `repeatable`, and their arguments.

use super::arguments::{self, InputFamily, Parent};
use super::{Cx, Sides, Site, descriptions};

crate::rules! {
/// ## What it detects
/// A directive definition was added.
/// ## Why it matters
/// Nothing breaks; operations or schemas may now use it.
/// ## Example
/// `directive @cost(weight: Int!) on FIELD_DEFINITION` appears in the revision.
/// ## How to migrate
/// Nothing to do.
DIRECTIVE_ADDED = "directive-added", GraphQl, Info, None, "directive", Added,
    "A directive definition was added";
/// ## What it detects
/// A directive definition was removed.
/// ## Why it matters
/// Operations (or schema documents) that use the directive fail validation.
/// ## Example
/// `directive @auth on FIELD_DEFINITION` is gone in the revision.
/// ## How to migrate
/// Keep the definition until no operation or schema uses it.
DIRECTIVE_REMOVED = "directive-removed", GraphQl, Breaking, None, "directive", Removed,
    "A directive definition was removed";
/// ## What it detects
/// A directive may be used at a new location.
/// ## Why it matters
/// Nothing breaks.
/// ## Example
/// `directive @auth on FIELD_DEFINITION` → `directive @auth on FIELD_DEFINITION | OBJECT`
/// ## How to migrate
/// Nothing to do.
DIRECTIVE_LOCATION_ADDED = "directive-location-added", GraphQl, Info, None, "directive", Added,
    "A directive gained a location";
/// ## What it detects
/// A directive may no longer be used at a location.
/// ## Why it matters
/// Operations or schemas that use it there fail validation.
/// ## Example
/// `directive @auth on FIELD_DEFINITION | OBJECT` → `directive @auth on FIELD_DEFINITION`
/// ## How to migrate
/// Keep the location until nothing uses the directive there.
DIRECTIVE_LOCATION_REMOVED = "directive-location-removed", GraphQl, Breaking, None, "directive", Removed,
    "A directive lost a location";
/// ## What it detects
/// A directive became `repeatable`.
/// ## Why it matters
/// Nothing breaks; it may now be applied several times to one element.
/// ## Example
/// `directive @tag(name: String!) on OBJECT` → `directive @tag(name: String!) repeatable on OBJECT`
/// ## How to migrate
/// Nothing to do.
DIRECTIVE_REPEATABLE_ADDED = "directive-repeatable-added", GraphQl, Info, None, "directive", Changed,
    "A directive became repeatable";
/// ## What it detects
/// A directive is no longer `repeatable`.
/// ## Why it matters
/// Documents that apply it more than once to an element fail validation.
/// ## Example
/// `directive @tag(name: String!) repeatable on OBJECT` → `directive @tag(name: String!) on OBJECT`
/// ## How to migrate
/// Keep it repeatable, or make sure nothing applies it twice first.
DIRECTIVE_REPEATABLE_REMOVED = "directive-repeatable-removed", GraphQl, Breaking, None, "directive", Changed,
    "A directive is no longer repeatable";
/// ## What it detects
/// A required directive argument (non-null, without a default) was added.
/// ## Why it matters
/// Every existing operation or document that omits it now fails validation.
/// ## Example
/// `directive @auth`: `@auth on FIELD_DEFINITION` → `@auth(role: String!) on FIELD_DEFINITION`
/// ## How to migrate
/// Add it as optional (nullable, or with a default value) instead, and make it required only once all clients send it.
DIRECTIVE_ARGUMENT_ADDED_REQUIRED = "directive-argument-added-required", GraphQl, Breaking, Request, "directive", Added,
    "A required directive argument was added", traits = [MakesRequired];
/// ## What it detects
/// An optional directive argument (nullable, or with a default) was added.
/// ## Why it matters
/// Existing usages keep working.
/// ## Example
/// `directive @auth`: `@auth on FIELD_DEFINITION` → `@auth(role: String) on FIELD_DEFINITION`
/// ## How to migrate
/// Nothing to do for existing clients; check that omitting it keeps the old behaviour.
DIRECTIVE_ARGUMENT_ADDED_OPTIONAL = "directive-argument-added-optional", GraphQl, Info, Request, "directive", Added,
    "An optional directive argument was added";
/// ## What it detects
/// A directive argument was removed.
/// ## Why it matters
/// Operations or documents that still pass it fail validation.
/// ## Example
/// `directive @auth`: `@auth(role: String) on FIELD_DEFINITION` → `@auth on FIELD_DEFINITION`
/// ## How to migrate
/// Deprecate it first, wait until clients stop sending it, then remove it.
DIRECTIVE_ARGUMENT_REMOVED = "directive-argument-removed", GraphQl, Breaking, Request, "directive", Removed,
    "A directive argument was removed";
/// ## What it detects
/// The type of a directive argument changed in a way that rejects values clients send today: another named type, a changed list wrapping, or nullable `T` becoming non-null `T!`.
/// ## Why it matters
/// Inputs are contravariant: the new type must accept every value the old type accepted.
/// ## Example
/// `limit: Int` → `limit: Int!`, or `id: ID` → `id: [ID]`
/// ## How to migrate
/// Add a new directive argument with the new type, deprecate the old one, and remove it once unused.
DIRECTIVE_ARGUMENT_TYPE_CHANGED = "directive-argument-type-changed", GraphQl, Breaking, Request, "directive", Changed,
    "A directive argument's type changed incompatibly";
/// ## What it detects
/// The type of a directive argument changed in a way that still accepts every value clients send today (`T!` became `T`).
/// ## Why it matters
/// Nothing breaks: inputs may safely become nullable. Typed clients may regenerate code.
/// ## Example
/// `limit: Int!` → `limit: Int`
/// ## How to migrate
/// Nothing to do.
DIRECTIVE_ARGUMENT_TYPE_CHANGED_COMPATIBLE = "directive-argument-type-changed-compatible", GraphQl, Info, Request, "directive", Changed,
    "A directive argument's type was relaxed";
/// ## What it detects
/// The default value of a directive argument was added, removed or changed.
/// ## Why it matters
/// Clients that omit it silently get different behaviour (graphql-js calls this dangerous).
/// ## Example
/// `first: Int = 10` → `first: Int = 20`
/// ## How to migrate
/// Pass the value explicitly where the old default matters.
DIRECTIVE_ARGUMENT_DEFAULT_CHANGED = "directive-argument-default-changed", GraphQl, Warning, Request, "directive", Changed,
    "A directive argument's default value changed";
/// ## What it detects
/// A non-null directive argument lost its default value, so clients must now supply it.
/// ## Why it matters
/// Operations or documents that omit it now fail validation.
/// ## Example
/// `first: Int! = 10` → `first: Int!`
/// ## How to migrate
/// Keep the default; if a value must be given, add a new required directive argument in a new field or version.
DIRECTIVE_ARGUMENT_BECAME_REQUIRED = "directive-argument-became-required", GraphQl, Breaking, Request, "directive", Changed,
    "A directive argument became required", traits = [MakesRequired];}

const DIRECTIVE_ARGUMENTS: InputFamily = InputFamily {
    noun: "directive argument",
    added_required: &DIRECTIVE_ARGUMENT_ADDED_REQUIRED,
    added_optional: &DIRECTIVE_ARGUMENT_ADDED_OPTIONAL,
    removed: &DIRECTIVE_ARGUMENT_REMOVED,
    deprecated_removed: &DIRECTIVE_ARGUMENT_REMOVED,
    type_changed: &DIRECTIVE_ARGUMENT_TYPE_CHANGED,
    type_compatible: &DIRECTIVE_ARGUMENT_TYPE_CHANGED_COMPATIBLE,
    default_changed: &DIRECTIVE_ARGUMENT_DEFAULT_CHANGED,
    became_required: &DIRECTIVE_ARGUMENT_BECAME_REQUIRED,
    desc: &descriptions::DIRECTIVE_ARGUMENT,
    dep: None,
};

/// Compares directive definitions by name.
pub(super) fn compare(cx: &mut Cx<'_>) {
    let (base, rev) = (cx.base, cx.rev);
    for (name, o) in &base.directives {
        let coord = format!("@{name}");
        let Some(n) = rev.directives.get(name) else {
            let site = Site::new(&coord, format!("directive `{coord}`"), Some(coord.clone()), o.pos, None);
            cx.emit(&DIRECTIVE_REMOVED, &site, Sides::Base, format!("directive `{coord}` was removed"), None, None);
            continue;
        };
        let site = Site::new(&coord, format!("directive `{coord}`"), Some(coord.clone()), o.pos, n.pos);
        descriptions::compare(cx, &descriptions::DIRECTIVE, &site, o.description.as_deref(), n.description.as_deref());
        match (o.repeatable, n.repeatable) {
            (false, true) => {
                cx.emit(&DIRECTIVE_REPEATABLE_ADDED, &site, Sides::Both, format!("directive `{coord}` became repeatable"), None, None)
            }
            (true, false) => {
                cx.emit(
                    &DIRECTIVE_REPEATABLE_REMOVED,
                    &site,
                    Sides::Both,
                    format!("directive `{coord}` is no longer repeatable"),
                    None,
                    None,
                );
            }
            _ => {}
        }
        for l in o.locations.iter().filter(|l| !n.locations.contains(l)) {
            let s = Site::new(format!("{coord} on {l}"), site.what.clone(), site.op.clone(), o.pos, n.pos);
            cx.emit(
                &DIRECTIVE_LOCATION_REMOVED,
                &s,
                Sides::Both,
                format!("directive `{coord}` can no longer be used on {l}"),
                Some(l.clone()),
                None,
            );
        }
        for l in n.locations.iter().filter(|l| !o.locations.contains(l)) {
            let s = Site::new(format!("{coord} on {l}"), site.what.clone(), site.op.clone(), o.pos, n.pos);
            cx.emit(
                &DIRECTIVE_LOCATION_ADDED,
                &s,
                Sides::Both,
                format!("directive `{coord}` can now be used on {l}"),
                None,
                Some(l.clone()),
            );
        }
        let arg_coord = |a: &str| format!("@{name}({a}:)");
        let parent = Parent { coord: &arg_coord, op: Some(coord.clone()) };
        arguments::compare(cx, &DIRECTIVE_ARGUMENTS, &parent, &o.args, &n.args);
    }
    for (name, n) in &rev.directives {
        if !base.directives.contains_key(name) {
            let coord = format!("@{name}");
            let site = Site::new(&coord, format!("directive `{coord}`"), Some(coord.clone()), None, n.pos);
            cx.emit(&DIRECTIVE_ADDED, &site, Sides::Rev, format!("directive `{coord}` was added"), None, None);
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&DIRECTIVE_REMOVED, Proof::DirectiveUse),
        (&DIRECTIVE_LOCATION_REMOVED, Proof::DirectiveUse),
        (&DIRECTIVE_REPEATABLE_REMOVED, Proof::DirectiveUse),
        (&DIRECTIVE_ARGUMENT_ADDED_REQUIRED, Proof::DirectiveUse),
        (&DIRECTIVE_ARGUMENT_REMOVED, Proof::DirectiveUse),
        (&DIRECTIVE_ARGUMENT_TYPE_CHANGED, Proof::DirectiveUse),
        (&DIRECTIVE_ARGUMENT_BECAME_REQUIRED, Proof::DirectiveUse),
    ]
};
