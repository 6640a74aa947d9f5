//! Type aliases (other than object literal types, which are compared member by member) and
//! exported variables' types.

use super::{Cx, Finding, properties, short};
use crate::spec::typescript::{Relation, Symbol, TypeText, relate};

crate::rules! {
    /// A type alias now stands for a different type.
    ///
    /// ## What it detects
    /// The right-hand side of `type T = ...` changed (layout, comments and union member order do
    /// not count). Object literal types are compared member by member instead.
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
    cx.emit(Finding {
        rule: &TS_TYPE_ALIAS_CHANGED,
        message: format!("type `{}` {verb}: {}", b.name, what_moved(&old, &new)),
        operation: &b.name,
        pointer: b.name.clone(),
        base: Some(&b.pos),
        rev: Some(&r.pos),
        before: Some(old.text),
        after: Some(new.text),
    });
}

pub(super) fn variable(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    let (old, new) = (members_text(b), members_text(r));
    if relate(&old, &new) == Relation::Same {
        return;
    }
    let how = match relate(&old, &new) {
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
