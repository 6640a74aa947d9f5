//! Type aliases (other than object literal types, which are compared member by member) and
//! exported variables' types.

use super::{Cx, Finding, properties, refs, short, templates, tuples};
use crate::spec::typescript::{Member, MemberKind, Relation, Symbol, TypeText, relate};

crate::rules! {
    /// A type alias now stands for a different type.
    ///
    /// ## What it detects
    /// The right-hand side of `type T = ...` changed (layout, comments and union member order do
    /// not count), including a template literal type whose pattern neither contains nor is
    /// contained by the old one (`` `user-${string}` `` → `` `usr-${string}` ``). Object literal
    /// types are compared member by member instead.
    ///
    /// Not counted, here nor in the other alias rules, because `tsc` accepts every old use
    /// against the new declarations and the reverse (checked on React 18.3 → 19.2): an alias
    /// that only renamed its type parameters (`type P<T> = T[]` → `type P<Props> = Props[]`:
    /// type arguments are given by position), and a union member `X[keyof X]` of an interface
    /// `X` with no members and no bases (it is `never`: React's `Key` gaining
    /// `DO_NOT_USE_OR_YOU_WILL_BE_FIRED_EXPERIMENTAL_REACT_KEY_TYPES[keyof ...]`), and a handler
    /// made from a method signature (`{ m(event: E): void }["m"]`) replaced by another with the
    /// same return type whose event type extends the old one or the reverse, or is the same
    /// interface given extra arguments it does not use (`ChangeEventHandler<T>` =
    /// `EventHandler<ChangeEvent<T>>` → `EventHandler<ChangeEvent<C, Target>>`): `tsc`
    /// compares a method's parameters both ways. Nor a union member `A<args>` replaced by
    /// `B<args>` when the base's interface `A` and the revision's `B` are one shape (no bases,
    /// the same properties, types named by position: React 19's `ForwardedRef<T>` trading
    /// `MutableRefObject<T | null>` for `RefObject<T | null>`, both `{ current: T }`), since
    /// `tsc` compares interfaces by structure.
    ///
    /// ## Why it matters
    /// An alias is used both for values callers pass (where widening is safe and narrowing
    /// breaks) and for values they receive (where narrowing is safe and widening breaks). The
    /// position cannot be told, so every change is breaking; the message says which way it went.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export type ReactNode = ReactElement | string | number | {} | null | undefined;
    /// // revision
    /// export type ReactNode = ReactElement | string | number | bigint | null | undefined;
    /// ```
    ///
    /// ## How to migrate
    /// Review uses of the alias: inputs must accept the new members, outputs must handle them.
    TS_TYPE_ALIAS_CHANGED = "ts-type-alias-changed", TypeScript, Breaking, None, "type", Changed,
        "A type alias now stands for a different type";

    /// A union type alias gained members.
    ///
    /// ## What it detects
    /// `type T = A | B` became `type T = A | B | C` (or became `any`/`unknown`). A union that both
    /// gains and loses members gives this finding and `ts-type-alias-narrowed`, each quoting only
    /// the members that moved. A member that only moved between being written inline and being
    /// named (an alias or `components["schemas"]["x"]` standing for the same type) does not count.
    /// An intersection alias that loses a member (`A & B` → `A`) and a template literal type
    /// that admits more (`` `user-${string}` `` → `string`) hold more values and give this
    /// finding too.
    ///
    /// ## Why it matters
    /// Leans breaking for code that receives values of the type (return values, properties it
    /// reads, callbacks it is given): it must now handle the new members, and an exhaustive
    /// `switch` stops compiling. Code that only passes values in is unaffected (widening an
    /// input is safe), but the declaration does not say which way the alias is used.
    ///
    /// ## Example
    /// ```ts
    /// export type State = "open" | "closed";           // base
    /// export type State = "open" | "closed" | "draft"; // revision
    /// ```
    ///
    /// ## How to migrate
    /// Handle the new members wherever values of the type are read.
    TS_TYPE_ALIAS_WIDENED = "ts-type-alias-widened", TypeScript, Breaking, Response, "type", Changed,
        "A union type alias gained members (breaks code that receives it)";

    /// A union type alias lost members.
    ///
    /// ## What it detects
    /// `type T = A | B | C` became `type T = A | B` (or stopped being `any`/`unknown`), or an
    /// intersection alias gained a member (`A & B` → `A & B & C`: fewer values fit), or a template
    /// literal type admits less (`` `${string}` `` → `` `user-${string}` ``). Members of an
    /// intersection are matched by key, so reordering them does not count.
    ///
    /// ## Why it matters
    /// Leans breaking for code that passes values of the type in (arguments, objects it builds):
    /// the removed members are no longer accepted. Code that only receives values is unaffected
    /// (narrowing an output is safe), but the declaration does not say which way the alias is used.
    ///
    /// ## Example
    /// ```ts
    /// export type Mode = "a" | "b" | "legacy"; // base
    /// export type Mode = "a" | "b";            // revision
    /// ```
    ///
    /// ## How to migrate
    /// Stop passing the removed members; checks for them in code that reads the type are dead.
    TS_TYPE_ALIAS_NARROWED = "ts-type-alias-narrowed", TypeScript, Breaking, Request, "type", Changed,
        "A union type alias lost members (breaks code that passes it)";

    /// An exported variable's type changed.
    ///
    /// ## What it detects
    /// The declared type of an exported `const`, `let` or `var` changed.
    ///
    /// ## Why it matters
    /// Code that reads the variable (or calls it, for components and functions declared as
    /// constants) sees a different type.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export const version: string;
    /// // revision
    /// export const version: `${number}.${number}.${number}`;
    /// ```
    ///
    /// ## How to migrate
    /// Update code that uses the variable to the new type.
    TS_VARIABLE_TYPE_CHANGED = "ts-variable-type-changed", TypeScript, Breaking, None, "variable", Changed,
        "An exported variable's type changed";
}

fn direction(old: &TypeText, new: &TypeText) -> Option<&'static str> {
    match relate(old, new) {
        Relation::Same => None,
        Relation::Wider => Some("was widened (breaks code that receives it)"),
        Relation::Narrower => Some("was narrowed (breaks code that passes it)"),
        Relation::Different => Some("changed"),
    }
}

fn members_text(s: &Symbol) -> TypeText {
    s.ty.clone().unwrap_or_else(|| TypeText::plain("any"))
}

/// What moved between two types: only the union members gained and lost when the unions
/// share members, else both types (shortened).
fn what_moved(old: &TypeText, new: &TypeText) -> String {
    let (lost, gained) = properties::union_delta(old, new);
    if old.union.len() > lost.len() && (old.union.len() > 1 || new.union.len() > 1) {
        let mut parts = Vec::new();
        if !gained.is_empty() {
            parts.push(format!("gained {}", properties::listing(&gained)));
        }
        if !lost.is_empty() {
            parts.push(format!("lost {}", properties::listing(&lost)));
        }
        return parts.join("; ");
    }
    format!("from `{}` to `{}`", short(&old.text), short(&new.text))
}

pub(super) fn alias(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    let (old, new) = (members_text(b), members_text(r));
    let Some(verb) = direction(&old, &new) else { return };
    if super::generics::renamed_only(&old, &b.type_params, &new, &r.type_params) || handler_renamed(cx, b, r, &old, &new) {
        return;
    }
    if tuples::is_tuple(&old) && tuples::is_tuple(&new) {
        // A tuple alias compares element by element, like a property holding the tuple.
        let member = |s: &Symbol| Member { ty: s.ty.clone(), ..Member::new(s.name.clone(), MemberKind::Property, s.pos.clone()) };
        return properties::retyped(cx, &b.name, &b.name, &member(b), &member(r));
    }
    let emit = |cx: &mut Cx, rule, message: String| {
        let (before, after) = (Some(old.text.clone()), Some(new.text.clone()));
        cx.emit(Finding {
            rule,
            message,
            operation: &b.name,
            pointer: b.name.clone(),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before,
            after,
        });
    };
    if let Some((lost, gained)) = tuples::intersection_delta(&old, &new) {
        // An intersection alias: a gained member narrows it, a lost one widens it.
        if !gained.is_empty() {
            let what = properties::listing(&gained);
            emit(cx, &TS_TYPE_ALIAS_NARROWED, format!("intersection `{}` gained {what}; code that passes it must fit them too", b.name));
        }
        if !lost.is_empty() {
            let what = properties::listing(&lost);
            emit(
                cx,
                &TS_TYPE_ALIAS_WIDENED,
                format!("intersection `{}` lost {what}; code that receives it can no longer rely on them", b.name),
            );
        }
        return;
    }
    if let Some(how) = templates::relation(&old, &new) {
        let (was, now, name) = (templates::quote(&short(&old.text)), templates::quote(&short(&new.text)), &b.name);
        return match how {
            Relation::Same => {}
            Relation::Wider => emit(
                cx,
                &TS_TYPE_ALIAS_WIDENED,
                format!("template type `{name}` widened from {was} to {now}; code that receives it gets more values"),
            ),
            Relation::Narrower => emit(
                cx,
                &TS_TYPE_ALIAS_NARROWED,
                format!("template type `{name}` narrowed from {was} to {now}; code that passes old values breaks"),
            ),
            Relation::Different => emit(
                cx,
                &TS_TYPE_ALIAS_CHANGED,
                format!("template type `{name}` changed from {was} to {now}; neither pattern admits the other's values"),
            ),
        };
    }
    let (mut lost, mut gained) = properties::union_delta(&old, &new);
    refs::settle(cx, &b.name, &mut lost, &mut gained);
    refs::drop_never(cx, &b.name, &mut lost, &mut gained);
    refs::same_shape(cx, &b.name, &mut lost, &mut gained);
    let (top_old, top_new) = (old.is_top(), new.is_top());
    if lost.is_empty() && gained.is_empty() && top_old == top_new {
        return;
    }
    let shared = old.union.len() > lost.len() && (old.union.len() > 1 || new.union.len() > 1);
    if !(shared || top_old != top_new) {
        return emit(cx, &TS_TYPE_ALIAS_CHANGED, format!("type `{}` {verb}: {}", b.name, what_moved(&old, &new)));
    }
    if top_new && !top_old {
        emit(
            cx,
            &TS_TYPE_ALIAS_WIDENED,
            format!("type `{}` became `{}`; code that receives it must handle any value", b.name, short(&new.text)),
        );
    } else if !gained.is_empty() {
        let what = properties::listing(&gained);
        emit(cx, &TS_TYPE_ALIAS_WIDENED, format!("type `{}` gained {what}; code that receives it must handle them", b.name));
    }
    if top_old && !top_new {
        emit(
            cx,
            &TS_TYPE_ALIAS_NARROWED,
            format!("type `{}` is no longer `{}`; code that passes it must fit the new type", b.name, short(&old.text)),
        );
    } else if !lost.is_empty() {
        let what = properties::listing(&lost);
        emit(cx, &TS_TYPE_ALIAS_NARROWED, format!("type `{}` lost {what}; code that passes them no longer compiles", b.name));
    }
}

/// A handler alias (one union member) that only replaced its handler by one `tsc` converts both
/// ways, its type parameters named by position (`ChangeEventHandler<T>` =
/// `EventHandler<ChangeEvent<T>>` → `ChangeEventHandler<C, T>` = `EventHandler<ChangeEvent<C, T>>`).
fn handler_renamed(cx: &Cx, b: &Symbol, r: &Symbol, old: &TypeText, new: &TypeText) -> bool {
    let ([o], [n]) = (old.union.as_slice(), new.union.as_slice()) else { return false };
    if b.type_params.is_empty() {
        return false;
    }
    // Named by position first, so that swapped names do not collide.
    let pairs: Vec<_> = b.type_params.iter().zip(&r.type_params).enumerate().collect();
    let mut n = n.clone();
    for (k, (_, q)) in &pairs {
        n = super::generics::rename(&n, &q.name, &format!("__position{k}"));
    }
    for (k, (p, _)) in &pairs {
        n = super::generics::rename(&n, &format!("__position{k}"), &p.name);
    }
    properties::handler_only(cx, &b.name, &[o.as_str()], &[n.as_str()])
}

pub(super) fn variable(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    let (old, new) = (members_text(b), members_text(r));
    if relate(&old, &new) == Relation::Same {
        return;
    }
    let how = match templates::relation(&old, &new).unwrap_or_else(|| relate(&old, &new)) {
        Relation::Same => return,
        Relation::Wider => "was widened",
        Relation::Narrower => "was narrowed",
        _ => "changed",
    };
    cx.emit(Finding {
        rule: &TS_VARIABLE_TYPE_CHANGED,
        message: format!("type of variable `{}` {how}: {}", b.name, what_moved(&old, &new)),
        operation: &b.name,
        pointer: b.name.clone(),
        base: Some(&b.pos),
        rev: Some(&r.pos),
        before: Some(old.text),
        after: Some(new.text),
    });
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&TS_TYPE_ALIAS_CHANGED, Proof::Code),
        (&TS_TYPE_ALIAS_WIDENED, Proof::Code),
        (&TS_TYPE_ALIAS_NARROWED, Proof::Code),
        (&TS_VARIABLE_TYPE_CHANGED, Proof::Code),
    ]
};
