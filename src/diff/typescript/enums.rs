//! Enum members: removed, added, renumbered, and `const enum` switches.

use super::{Cx, Finding};
use crate::spec::typescript::Symbol;

crate::rules! {
    /// An enum member was removed.
    ///
    /// ## What it detects
    /// A member that the base enum declares and the revision does not.
    ///
    /// ## Why it matters
    /// References to `E.Member` stop compiling, and stored or transmitted values of it are no
    /// longer recognised.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export enum Mode { Legacy, Concurrent }
    /// // revision
    /// export enum Mode { Concurrent }
    /// ```
    ///
    /// ## How to migrate
    /// Keep the member, marked `@deprecated`, for a major version.
    TS_ENUM_MEMBER_REMOVED = "ts-enum-member-removed", TypeScript, Breaking, None, "enum", Removed,
        "An enum member was removed";

    /// An enum member's value changed.
    ///
    /// ## What it detects
    /// A member's initialiser changed, including implicit numbers shifted by inserting or
    /// reordering members.
    ///
    /// ## Why it matters
    /// Values compiled into callers' code (`const enum`s are inlined) or stored and sent
    /// elsewhere now mean a different member.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export enum Level { Low, High }
    /// // revision
    /// export enum Level { Low, Medium, High } // High: 1 -> 2
    /// ```
    ///
    /// ## How to migrate
    /// Give members explicit values and append new ones at the end.
    TS_ENUM_MEMBER_VALUE_CHANGED = "ts-enum-member-value-changed", TypeScript, Breaking, None, "enum", Changed,
        "An enum member's value changed";

    /// An enum member was added.
    ///
    /// ## What it detects
    /// A member that only the revision's enum declares.
    ///
    /// ## Why it matters
    /// Exhaustive `switch` statements and `Record<E, T>` objects over the enum no longer
    /// type-check, and code receiving the new value may not handle it.
    ///
    /// ## Example
    /// ```ts
    /// // revision
    /// export enum Mode { Legacy, Concurrent, Offscreen }
    /// ```
    ///
    /// ## How to migrate
    /// Handle the new member where you switch over the enum.
    TS_ENUM_MEMBER_ADDED = "ts-enum-member-added", TypeScript, Warning, None, "enum", Added,
        "An enum member was added (exhaustive switches need a new case)";

    /// An enum became a `const enum`, or stopped being one.
    ///
    /// ## What it detects
    /// The `const` modifier of an enum was added or removed.
    ///
    /// ## Why it matters
    /// A `const enum` has no runtime object: `Object.values(E)` and `isolatedModules` builds
    /// break when it is added; code inlined from a `const enum` goes stale when it is removed.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export enum Flags { A = 1 }
    /// // revision
    /// export const enum Flags { A = 1 }
    /// ```
    ///
    /// ## How to migrate
    /// Stop using the enum as a value (for `const enum`), or rebuild dependants (for plain enums).
    TS_ENUM_CONST_CHANGED = "ts-enum-const-changed", TypeScript, Warning, None, "enum", Changed,
        "An enum became or stopped being a `const enum`";
}

pub(super) fn compare(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    if b.is_const != r.is_const {
        let (from, to) = if r.is_const { ("an enum", "a const enum") } else { ("a const enum", "an enum") };
        cx.emit(Finding {
            rule: &TS_ENUM_CONST_CHANGED,
            message: format!("`{}` changed from {from} to {to}", b.name),
            operation: &b.name,
            pointer: b.name.clone(),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before: Some(from.to_string()),
            after: Some(to.to_string()),
        });
    }
    for m in &b.enum_members {
        let pointer = format!("{}.{}", b.name, m.name);
        match r.enum_members.iter().find(|n| n.name == m.name) {
            None => cx.emit(Finding {
                rule: &TS_ENUM_MEMBER_REMOVED,
                message: format!("enum member `{pointer}` was removed"),
                operation: &b.name,
                pointer: pointer.clone(),
                base: Some(&m.pos),
                rev: None,
                before: m.value.clone(),
                after: None,
            }),
            Some(n) if m.value != n.value => {
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(computed)".into());
                cx.emit(Finding {
                    rule: &TS_ENUM_MEMBER_VALUE_CHANGED,
                    message: format!("value of enum member `{pointer}` changed from `{}` to `{}`", show(&m.value), show(&n.value)),
                    operation: &b.name,
                    pointer: pointer.clone(),
                    base: Some(&m.pos),
                    rev: Some(&n.pos),
                    before: m.value.clone(),
                    after: n.value.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for n in r.enum_members.iter().filter(|n| !b.enum_members.iter().any(|m| m.name == n.name)) {
        let pointer = format!("{}.{}", r.name, n.name);
        cx.emit(Finding {
            rule: &TS_ENUM_MEMBER_ADDED,
            message: format!("enum member `{pointer}` was added; exhaustive switches over `{}` need a new case", r.name),
            operation: &r.name,
            pointer,
            base: None,
            rev: Some(&n.pos),
            before: None,
            after: n.value.clone(),
        });
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&TS_ENUM_MEMBER_REMOVED, Proof::Code), (&TS_ENUM_MEMBER_VALUE_CHANGED, Proof::Code)]
};
