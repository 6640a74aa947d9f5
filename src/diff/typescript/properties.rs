//! The type of one property or index signature, at any depth, with semver-ts variance: a
//! property is read and (unless `readonly`) written, so widening breaks readers, narrowing
//! breaks writers, and narrowing a readonly property is safe. Union members are matched by key;
//! a union that gains members and one that loses members are separate findings that quote only
//! the members that moved.

use super::{Cx, Finding, refs, templates, tuples};
use crate::spec::typescript::{Member, Relation, TypeText, relate};

crate::rules! {
    /// A property's type now accepts more values.
    ///
    /// ## What it detects
    /// A property or index signature whose type gained union members (or became `unknown`,
    /// or an intersection `A & B` lost a member, or a template literal type admits more:
    /// `` `user-${string}` `` → `string`), at any depth of nested object types and in tuple
    /// elements. Becoming `any` is `ts-property-type-became-any` instead.
    ///
    /// Not counted, here nor in the other property rules, because `tsc` accepts every old use
    /// against the new declarations and the reverse (checked on React 18.3 → 19.2): a union
    /// member `X[keyof X]` of an interface `X` with no members and no bases (`keyof X` is
    /// `never`, so the member is `never`; React's `DO_NOT_USE_OR_YOU_WILL_BE_FIRED_*` hooks,
    /// which only a consumer's own module augmentation fills), and a type that only follows its
    /// owner's renamed type parameters (`interface E<T> { target: T }` → `interface
    /// E<Current> { target: Current }`: type arguments are given by position), and a handler
    /// made from a method signature (`{ m(event: E): void }["m"]`, React's `EventHandler`)
    /// replaced by another with the same return type whose event type extends the old one or
    /// the reverse (`FormEventHandler<T>` → `ReactEventHandler<T>`), or is the same interface
    /// given extra arguments it does not use: `tsc` compares a method's parameters both ways.
    ///
    /// ## Why it matters
    /// Leans breaking: code that reads the property must now handle the new values (this holds
    /// for `readonly` properties too: they are outputs, and outputs may only narrow).
    ///
    /// ## Example
    /// ```ts
    /// export interface Issue { state: "open" | "closed" }            // base
    /// export interface Issue { state: "open" | "closed" | "draft" }  // revision
    /// ```
    ///
    /// ## How to migrate
    /// Handle the new members wherever the property is read.
    TS_PROPERTY_TYPE_WIDENED = "ts-property-type-widened", TypeScript, Breaking, Response, "member", Changed,
        "A property's type gained union members (breaks readers)";

    /// A mutable property's type now accepts fewer values.
    ///
    /// ## What it detects
    /// A property or index signature without `readonly` whose type lost union members (or stopped
    /// being `any`/`unknown`, or an intersection gained a member: `A` → `A & B`, or a template
    /// literal type admits less: `` `u-${string}` `` → `` `u-${number}` ``), at any depth of
    /// nested object types and in tuple elements.
    ///
    /// ## Why it matters
    /// Leans breaking: a mutable property is invariant. Code that builds objects of the type or
    /// assigns the property may pass a value that is no longer allowed.
    ///
    /// ## Example
    /// ```ts
    /// export interface Options { mode: "a" | "b" }  // base
    /// export interface Options { mode: "a" }        // revision
    /// ```
    ///
    /// ## How to migrate
    /// Stop writing the removed values.
    TS_PROPERTY_TYPE_NARROWED = "ts-property-type-narrowed", TypeScript, Breaking, Request, "member", Changed,
        "A mutable property's type lost union members (breaks writers)";

    /// A readonly property's type now holds fewer values.
    ///
    /// ## What it detects
    /// A `readonly` property or index signature whose type lost union members.
    ///
    /// ## Why it matters
    /// Leans safe: nobody can assign a readonly property, and readers handle a subset of what
    /// they handled before (return types narrow the same way).
    ///
    /// ## Example
    /// ```ts
    /// export interface Ref { readonly current: Node | null }  // base
    /// export interface Ref { readonly current: Node }         // revision
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do; checks for the removed values are now dead code.
    TS_READONLY_PROPERTY_NARROWED = "ts-readonly-property-narrowed", TypeScript, Info, Response, "member", Changed,
        "A readonly property's type lost union members (safe)";

    /// A property's type changed.
    ///
    /// ## What it detects
    /// The type of a property or index signature changed in a way that is neither a gain nor a
    /// loss of union members (`string` became `number`, or a template literal type whose pattern
    /// neither contains nor is contained by the old one), or a property became a method or the
    /// reverse. Layout, comments and union member order do not count; nested object types are
    /// compared member by member instead.
    ///
    /// ## Why it matters
    /// Leans breaking: a property is read (widening breaks readers) and written (narrowing
    /// breaks writers), and this change does both.
    ///
    /// ## Example
    /// ```ts
    /// export interface Element { key: number }  // base
    /// export interface Element { key: string }  // revision
    /// ```
    ///
    /// ## How to migrate
    /// Update code that reads or writes the property to the new type.
    TS_PROPERTY_TYPE_CHANGED = "ts-property-type-changed", TypeScript, Breaking, None, "member", Changed,
        "A property's type changed";

    /// A property's type became `any`.
    ///
    /// ## What it detects
    /// A property or index signature whose type (other than `any` or `unknown`) became `any`.
    ///
    /// ## Why it matters
    /// Not breaking for consumers, so not rated breaking: `any` accepts every value code used to
    /// write (writers keep compiling) and is assignable to every type code used to read it as
    /// (readers keep compiling), so `tsc` accepts every old use against the new declarations
    /// (checked on React 18.3 → 19.2, where `propTypes` became `any`). It is reported as `info`
    /// because the property is no longer type-checked: mistakes that failed before now compile.
    /// (Becoming `unknown` is different: readers must narrow it, so that stays
    /// `ts-property-type-widened`.)
    ///
    /// ## Example
    /// ```ts
    /// export interface FunctionComponent<P> { propTypes?: WeakValidationMap<P> | undefined } // base
    /// export interface FunctionComponent<P> { propTypes?: any }                              // revision
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do; validate the values yourself if you relied on the old type.
    TS_PROPERTY_TYPE_BECAME_ANY = "ts-property-type-became-any", TypeScript, Info, None, "member", Changed,
        "A property's type became `any` (safe for consumers, no longer checked)";
}

/// The union members of `old` missing from `new` and those `new` added, matched by key.
pub(crate) fn union_delta<'t>(old: &'t TypeText, new: &'t TypeText) -> (Vec<&'t str>, Vec<&'t str>) {
    let lost = old.union.iter().filter(|m| new.union.binary_search(m).is_err()).map(String::as_str).collect();
    let gained = new.union.iter().filter(|m| old.union.binary_search(m).is_err()).map(String::as_str).collect();
    (lost, gained)
}

/// A few members, quoted, cut to stay readable in one line.
pub(crate) fn listing(members: &[&str]) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for (i, m) in members.iter().enumerate() {
        let item = format!("`{}`", cut(m, MAX));
        if i > 0 && out.chars().count() + item.chars().count() > MAX {
            out.push_str(&format!(" and {} more", members.len() - i));
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&item);
    }
    out
}

/// The first `max` characters of `text`, with `…` when cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_string() } else { format!("{}…", text.chars().take(max).collect::<String>()) }
}

/// An intersection that gained members holds fewer values (narrowed), one that lost members
/// holds more (widened); false when the types are not intersections sharing a member.
fn intersected(cx: &mut Cx, op: &str, at: &str, (m, n): (&Member, &Member), (old, new): (&TypeText, &TypeText)) -> bool {
    let Some((lost, gained)) = tuples::intersection_delta(old, new) else { return false };
    let emit = |cx: &mut Cx, rule, message: String| {
        let (before, after) = (Some(old.text.clone()), Some(new.text.clone()));
        cx.emit(Finding { rule, message, operation: op, pointer: at.to_string(), base: Some(&m.pos), rev: Some(&n.pos), before, after });
    };
    if !gained.is_empty() {
        let rule = if n.readonly { &TS_READONLY_PROPERTY_NARROWED } else { &TS_PROPERTY_TYPE_NARROWED };
        emit(cx, rule, format!("intersection type of `{at}` gained {}; values must now fit it too", listing(&gained)));
    }
    if !lost.is_empty() {
        emit(
            cx,
            &TS_PROPERTY_TYPE_WIDENED,
            format!("intersection type of `{at}` lost {}; readers can no longer rely on it", listing(&lost)),
        );
    }
    true
}

/// A template literal type whose pattern changed, by the values it admits; false when the
/// types are not (single) template literal or string types.
fn templated(
    cx: &mut Cx,
    at: &str,
    readonly: bool,
    (old, new): (&TypeText, &TypeText),
    emit: impl Fn(&mut Cx, &'static crate::diff::Rule, String),
) -> bool {
    let Some(how) = templates::relation(old, new) else { return false };
    let (a, b) = (templates::quote(&cut(&old.text, 50)), templates::quote(&cut(&new.text, 50)));
    match how {
        Relation::Same => {}
        Relation::Wider => {
            emit(cx, &TS_PROPERTY_TYPE_WIDENED, format!("template type of `{at}` widened from {a} to {b}; readers get more values"))
        }
        Relation::Narrower => {
            let rule = if readonly { &TS_READONLY_PROPERTY_NARROWED } else { &TS_PROPERTY_TYPE_NARROWED };
            emit(cx, rule, format!("template type of `{at}` narrowed from {a} to {b}; some old values no longer fit"));
        }
        Relation::Different => emit(
            cx,
            &TS_PROPERTY_TYPE_CHANGED,
            format!("template type of `{at}` changed from {a} to {b}; neither pattern admits the other's values"),
        ),
    }
    true
}

/// Reports how the type of property `at` (of the exported `op`) moved from `m` to `n`.
pub(crate) fn retyped(cx: &mut Cx, op: &str, at: &str, m: &Member, n: &Member) {
    let any = TypeText::plain("any");
    let (old, new) = (m.ty.as_ref().unwrap_or(&any), n.ty.as_ref().unwrap_or(&any));
    if relate(old, new) == Relation::Same || follows_renamed_params(cx, op, old, new) {
        return;
    }
    // An alias named on one side and written out on the other.
    let (expanded_old, expanded_new) = (refs::expand(cx.base, op, old), refs::expand(cx.rev, op, new));
    let expanded = !(std::ptr::eq(expanded_old, old) && std::ptr::eq(expanded_new, new));
    let (old, new) = (expanded_old, expanded_new);
    if expanded && relate(old, new) == Relation::Same
        || tuples::compare(
            cx,
            op,
            at,
            (m, n),
            (old, new),
            tuples::Hooks {
                variance: tuples::Variance::Property,
                retype: &mut |cx, at, m, n| retyped(cx, op, at, m, n),
                lean: &mut |_, _, _, _| {},
            },
        )
        || intersected(cx, op, at, (m, n), (old, new))
    {
        return;
    }
    let emit = |cx: &mut Cx, rule, message: String| {
        let (before, after) = (Some(old.text.clone()), Some(new.text.clone()));
        cx.emit(Finding { rule, message, operation: op, pointer: at.to_string(), base: Some(&m.pos), rev: Some(&n.pos), before, after });
    };
    if templated(cx, at, n.readonly, (old, new), emit) {
        return;
    }
    let (top_old, top_new) = (old.is_top(), new.is_top());
    let (mut lost, mut gained) = union_delta(old, new);
    refs::settle(cx, op, &mut lost, &mut gained);
    refs::drop_never(cx, op, &mut lost, &mut gained);
    refs::same_shape(cx, op, &mut lost, &mut gained);
    if lost.is_empty() && gained.is_empty() && top_old == top_new || handler_only(cx, op, &lost, &gained) {
        return;
    }
    let shared = old.union.len() > lost.len();
    if new.key == "any" && !top_old {
        let message = format!("type of `{at}` became `any`: every value fits it and it fits every use, so consumers still compile");
        emit(cx, &TS_PROPERTY_TYPE_BECAME_ANY, message);
        return;
    }
    if top_new && !top_old {
        emit(cx, &TS_PROPERTY_TYPE_WIDENED, format!("type of `{at}` became `{}`; readers must handle any value", cut(&new.text, 40)));
        return;
    }
    if top_old && !top_new || shared || gained.is_empty() || lost.is_empty() {
        if !gained.is_empty() && !top_old {
            emit(cx, &TS_PROPERTY_TYPE_WIDENED, format!("type of `{at}` gained {}", listing(&gained)));
        }
        if !lost.is_empty() || top_old {
            let rule = if n.readonly { &TS_READONLY_PROPERTY_NARROWED } else { &TS_PROPERTY_TYPE_NARROWED };
            let what = if top_old { format!("is no longer `{}`", cut(&old.text, 40)) } else { format!("lost {}", listing(&lost)) };
            emit(cx, rule, format!("type of `{at}` {what}"));
        }
        return;
    }
    emit(cx, &TS_PROPERTY_TYPE_CHANGED, format!("type of `{at}` changed from `{}` to `{}`", cut(&old.text, 50), cut(&new.text, 50)));
}

/// Whether one handler made from a method signature replaced another whose event type is
/// comparable with it (see `handlers`): `tsc` converts the two both ways.
pub(super) fn handler_only(cx: &Cx, op: &str, lost: &[&str], gained: &[&str]) -> bool {
    let scope = crate::spec::typescript::scope_of(op);
    matches!((lost, gained), ([o], [n]) if super::handlers::bivariant(cx.base, cx.rev, scope, o, n))
}

/// Whether the property's type only follows its owner's renamed type parameters
/// (`interface E<T> { target: T }` → `interface E<Current, Target> { target: Current }`).
fn follows_renamed_params(cx: &Cx, op: &str, old: &TypeText, new: &TypeText) -> bool {
    let (b, r) = (cx.base.resolve_type("", op), cx.rev.resolve_type("", op));
    b.zip(r)
        .map(|(b, r)| (b.type_params.as_slice(), r.type_params.as_slice()))
        .is_some_and(|(op, np)| super::generics::renamed_only(old, op, new, np))
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&TS_PROPERTY_TYPE_WIDENED, Proof::Code), (&TS_PROPERTY_TYPE_NARROWED, Proof::Code), (&TS_PROPERTY_TYPE_CHANGED, Proof::Code)]
};
