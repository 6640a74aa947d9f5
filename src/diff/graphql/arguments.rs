//! Field arguments added, removed, retyped (input variance), re-defaulted; and the comparison of
//! input values shared with input fields and directive arguments.

use super::{Cx, Sides, Site, deprecations, descriptions, input_safe, usages};
use crate::diff::Rule;
use crate::spec::graphql::{InputValue, deprecation};
use indexmap::IndexMap;

crate::rules! {
/// ## What it detects
/// A required argument (non-null, without a default) was added.
/// ## Why it matters
/// Every existing operation or document that omits it now fails validation.
/// ## Example
/// `type Query`: `users: [User]` → `users(org: ID!): [User]`
/// ## How to migrate
/// Add it as optional (nullable, or with a default value) instead, and make it required only once all clients send it.
ARGUMENT_ADDED_REQUIRED = "argument-added-required", GraphQl, Breaking, Request, "argument", Added,
    "A required argument was added", traits = [MakesRequired];
/// ## What it detects
/// An optional argument (nullable, or with a default) was added.
/// ## Why it matters
/// Existing queries keep working; graphql-js calls it dangerous because a server may treat the argument's absence differently from before.
/// ## Example
/// `type Query`: `users: [User]` → `users(org: ID): [User]`
/// ## How to migrate
/// Nothing to do for existing clients; check that omitting it keeps the old behaviour.
ARGUMENT_ADDED_OPTIONAL = "argument-added-optional", GraphQl, Warning, Request, "argument", Added,
    "An optional argument was added";
/// ## What it detects
/// An argument was removed.
/// ## Why it matters
/// Operations or documents that still pass it fail validation.
/// ## Example
/// `type Query`: `users(org: ID): [User]` → `users: [User]`
/// ## How to migrate
/// Deprecate it first with `@deprecated`, wait until clients stop sending it, then remove it.
ARGUMENT_REMOVED = "argument-removed", GraphQl, Breaking, Request, "argument", Removed,
    "An argument was removed";
/// ## What it detects
/// An argument that was already `@deprecated` was removed.
/// ## Why it matters
/// Clients had notice, but any that still send it now fail validation.
/// ## Example
/// `type Query`: `users(org: ID): [User] @deprecated` → `users: [User]`
/// ## How to migrate
/// Check usage data before removing deprecated arguments; re-level this rule to breaking to enforce that.
DEPRECATED_ARGUMENT_REMOVED = "deprecated-argument-removed", GraphQl, Warning, Request, "argument", Removed,
    "A deprecated argument was removed";
/// ## What it detects
/// The type of an argument changed in a way that rejects values clients send today: another named type, a changed list wrapping, or nullable `T` becoming non-null `T!`.
/// ## Why it matters
/// Inputs are contravariant: the new type must accept every value the old type accepted.
/// ## Example
/// `limit: Int` → `limit: Int!`, or `id: ID` → `id: [ID]`
/// ## How to migrate
/// Add a new argument with the new type, deprecate the old one, and remove it once unused.
ARGUMENT_TYPE_CHANGED = "argument-type-changed", GraphQl, Breaking, Request, "argument", Changed,
    "An argument's type changed incompatibly";
/// ## What it detects
/// The type of an argument changed in a way that still accepts every value clients send today (`T!` became `T`).
/// ## Why it matters
/// Nothing breaks: inputs may safely become nullable. Typed clients may regenerate code.
/// ## Example
/// `limit: Int!` → `limit: Int`
/// ## How to migrate
/// Nothing to do.
ARGUMENT_TYPE_CHANGED_COMPATIBLE = "argument-type-changed-compatible", GraphQl, Info, Request, "argument", Changed,
    "An argument's type was relaxed";
/// ## What it detects
/// The default value of an argument was added, removed or changed.
/// ## Why it matters
/// Clients that omit it silently get different behaviour (graphql-js calls this dangerous).
/// ## Example
/// `first: Int = 10` → `first: Int = 20`
/// ## How to migrate
/// Pass the value explicitly where the old default matters.
ARGUMENT_DEFAULT_CHANGED = "argument-default-changed", GraphQl, Warning, Request, "argument", Changed,
    "An argument's default value changed";
/// ## What it detects
/// A non-null argument lost its default value, so clients must now supply it.
/// ## Why it matters
/// Operations or documents that omit it now fail validation.
/// ## Example
/// `first: Int! = 10` → `first: Int!`
/// ## How to migrate
/// Keep the default; if a value must be given, add a new required argument in a new field or version.
ARGUMENT_BECAME_REQUIRED = "argument-became-required", GraphQl, Breaking, Request, "argument", Changed,
    "An argument became required", traits = [MakesRequired];}

/// The rules of one kind of input value (argument, input field, directive argument).
pub(super) struct InputFamily {
    /// How messages name one of them.
    pub noun: &'static str,
    pub added_required: &'static Rule,
    pub added_optional: &'static Rule,
    pub removed: &'static Rule,
    pub deprecated_removed: &'static Rule,
    pub type_changed: &'static Rule,
    pub type_compatible: &'static Rule,
    pub default_changed: &'static Rule,
    pub became_required: &'static Rule,
    pub desc: &'static descriptions::DescRules,
    pub dep: Option<&'static deprecations::DepRules>,
}

pub(super) const ARGUMENTS: InputFamily = InputFamily {
    noun: "argument",
    added_required: &ARGUMENT_ADDED_REQUIRED,
    added_optional: &ARGUMENT_ADDED_OPTIONAL,
    removed: &ARGUMENT_REMOVED,
    deprecated_removed: &DEPRECATED_ARGUMENT_REMOVED,
    type_changed: &ARGUMENT_TYPE_CHANGED,
    type_compatible: &ARGUMENT_TYPE_CHANGED_COMPATIBLE,
    default_changed: &ARGUMENT_DEFAULT_CHANGED,
    became_required: &ARGUMENT_BECAME_REQUIRED,
    desc: &descriptions::ARGUMENT,
    dep: Some(&deprecations::ARGUMENT),
};

/// Where a set of input values lives: how to address one by name, and the operation.
pub(super) struct Parent<'p> {
    pub coord: &'p dyn Fn(&str) -> String,
    pub op: Option<String>,
}

/// Compares two sets of input values by name.
pub(super) fn compare(
    cx: &mut Cx<'_>,
    fam: &InputFamily,
    parent: &Parent<'_>,
    old: &IndexMap<String, InputValue>,
    new: &IndexMap<String, InputValue>,
) {
    let noun = fam.noun;
    for (name, o) in old {
        let coord = (parent.coord)(name);
        let Some(n) = new.get(name) else {
            let site = Site::new(&coord, format!("{noun} `{coord}`"), parent.op.clone(), o.pos, None);
            let deprecated = deprecation(&o.directives);
            let (rule, msg) = match &deprecated {
                Some(_) if fam.dep.is_some() => (fam.deprecated_removed, format!("deprecated {noun} `{coord}` was removed")),
                _ => (fam.removed, format!("{noun} `{coord}` was removed")),
            };
            cx.emit(rule, &site, Sides::Base, msg, Some(o.ty.to_string()), None);
            continue;
        };
        let site = Site::new(&coord, format!("{noun} `{coord}`"), parent.op.clone(), o.pos, n.pos);
        compare_one(cx, fam, &site, o, n);
    }
    for (name, n) in new {
        if old.contains_key(name) {
            continue;
        }
        let coord = (parent.coord)(name);
        let site = Site::new(&coord, format!("{noun} `{coord}`"), parent.op.clone(), None, n.pos);
        let (rule, kind) = if n.is_required() { (fam.added_required, "required") } else { (fam.added_optional, "optional") };
        cx.emit(rule, &site, Sides::Rev, format!("{kind} {noun} `{coord}` of type `{}` was added", n.ty), None, Some(n.ty.to_string()));
    }
}

fn compare_one(cx: &mut Cx<'_>, fam: &InputFamily, site: &Site, o: &InputValue, n: &InputValue) {
    let what = &site.what;
    let mut type_ok = true;
    if o.ty != n.ty {
        let (bt, at) = (o.ty.to_string(), n.ty.to_string());
        if input_safe(&o.ty, &n.ty) {
            cx.emit(
                fam.type_compatible,
                site,
                Sides::Both,
                format!("{what} changed type from `{bt}` to `{at}` (still accepts every old value)"),
                Some(bt),
                Some(at),
            );
        } else {
            type_ok = false;
            cx.emit(fam.type_changed, site, Sides::Both, format!("{what} changed type from `{bt}` to `{at}`"), Some(bt), Some(at));
        }
    }
    if type_ok && !o.is_required() && n.is_required() {
        let msg =
            format!("{what} became required: it is non-null and its default `{}` was removed", o.default.as_deref().unwrap_or("null"));
        cx.emit(fam.became_required, site, Sides::Both, msg, o.default.clone(), None);
    } else if o.default != n.default {
        let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".to_string());
        let msg = format!("default value of {what} changed from `{}` to `{}`", show(&o.default), show(&n.default));
        cx.emit(fam.default_changed, site, Sides::Both, msg, o.default.clone(), n.default.clone());
    }
    descriptions::compare(cx, fam.desc, site, o.description.as_deref(), n.description.as_deref());
    if let Some(dep) = fam.dep {
        deprecations::compare(cx, dep, site, deprecation(&o.directives), deprecation(&n.directives));
    }
    usages::compare(cx, site, &o.directives, &n.directives);
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&ARGUMENT_ADDED_REQUIRED, Proof::Input),
        (&ARGUMENT_REMOVED, Proof::Input),
        (&DEPRECATED_ARGUMENT_REMOVED, Proof::Input),
        (&ARGUMENT_TYPE_CHANGED, Proof::Input),
        (&ARGUMENT_BECAME_REQUIRED, Proof::Input),
    ]
};
