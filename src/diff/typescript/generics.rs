//! Generic type parameters of functions, methods, classes, interfaces and type aliases,
//! compared by position (names do not matter to users).

use super::{Cx, Finding, short};
use crate::spec::typescript::{Pos, TypeParam, TypeText};

crate::rules! {
    /// A type parameter without a default was added.
    ///
    /// ## What it detects
    /// A generic declaration gained a type parameter that has no `= default`.
    ///
    /// ## Why it matters
    /// Every explicit instantiation (`Foo<A>`) now has too few type arguments, and for types
    /// `Foo` without arguments stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface Store<S> { get(): S }
    /// // revision
    /// export interface Store<S, A> { get(): S; dispatch(a: A): void }
    /// ```
    ///
    /// ## How to migrate
    /// Give the new parameter a default (`A = unknown`).
    TS_TYPE_PARAMETER_ADDED_REQUIRED = "ts-type-parameter-added-required", TypeScript, Breaking, None, "generic", Added,
        "A type parameter without a default was added", traits = [MakesRequired];

    /// A type parameter with a default was added.
    ///
    /// ## What it detects
    /// A generic declaration gained a type parameter that has a default.
    ///
    /// ## Why it matters
    /// Existing references keep compiling and mean the default.
    ///
    /// ## Example
    /// ```ts
    /// // revision
    /// export interface Store<S, A = unknown> { get(): S }
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_TYPE_PARAMETER_ADDED_DEFAULTED = "ts-type-parameter-added-defaulted", TypeScript, Info, None, "generic", Added,
        "A type parameter with a default was added";

    /// A type parameter was removed.
    ///
    /// ## What it detects
    /// A generic declaration has fewer type parameters than before.
    ///
    /// ## Why it matters
    /// References that pass the removed type argument stop compiling ("Expected N type arguments").
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export type Ref<T, U> = T | U;
    /// // revision
    /// export type Ref<T> = T;
    /// ```
    ///
    /// ## How to migrate
    /// Keep the parameter (unused) for a major version.
    TS_TYPE_PARAMETER_REMOVED = "ts-type-parameter-removed", TypeScript, Breaking, None, "generic", Removed,
        "A type parameter was removed";

    /// A type parameter's constraint changed.
    ///
    /// ## What it detects
    /// The `extends` clause of a type parameter was added, removed or changed.
    ///
    /// ## Why it matters
    /// A tighter constraint rejects type arguments that used to be accepted; a looser one breaks
    /// code that relied on the constraint inside implementations.
    ///
    /// Not counted on a type alias, whose consumers only instantiate it, when every member of the
    /// old constraint is still a member of the new one or a function or construct type one of
    /// its members accepts (same parameter and return types, no more required parameters than
    /// it has: React 19's `ElementRef<C extends { new(props: any, context: any): Component<any> }
    /// | ((props: any) => ReactNode) | ...>` against 18's `new(props: any)` and
    /// `(props: any, deprecatedLegacyContext?: any) => ReactNode`): every type argument that
    /// satisfied the old constraint satisfies the new one (checked with `tsc`).
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function keys<T>(o: T): string[];
    /// // revision
    /// export function keys<T extends object>(o: T): string[];
    /// ```
    ///
    /// ## How to migrate
    /// Check that the type arguments you pass satisfy the new constraint.
    TS_TYPE_PARAMETER_CONSTRAINT_CHANGED = "ts-type-parameter-constraint-changed", TypeScript, Breaking, None, "generic", Changed,
        "A type parameter's constraint changed";

    /// A type parameter's default changed.
    ///
    /// ## What it detects
    /// `= default` of a type parameter changed to another type.
    ///
    /// ## Why it matters
    /// References that omit the argument now mean something else: code may stop compiling (for
    /// example `any` becoming `unknown` forbids property access).
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface ReactElement<P = any> { props: P }
    /// // revision
    /// export interface ReactElement<P = unknown> { props: P }
    /// ```
    ///
    /// ## How to migrate
    /// Pass the type argument explicitly where the default no longer fits.
    TS_TYPE_PARAMETER_DEFAULT_CHANGED = "ts-type-parameter-default-changed", TypeScript, Warning, None, "generic", Changed,
        "A type parameter's default changed";

    /// A type parameter's default was removed.
    ///
    /// ## What it detects
    /// A type parameter lost its `= default`.
    ///
    /// ## Why it matters
    /// References that omit the type argument stop compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface Box<T = string> { value: T }
    /// // revision
    /// export interface Box<T> { value: T }
    /// ```
    ///
    /// ## How to migrate
    /// Pass the type argument explicitly.
    TS_TYPE_PARAMETER_DEFAULT_REMOVED = "ts-type-parameter-default-removed", TypeScript, Breaking, None, "generic", Removed,
        "A type parameter's default was removed";

    /// A type parameter gained a default.
    ///
    /// ## What it detects
    /// An existing type parameter gained `= default`.
    ///
    /// ## Why it matters
    /// Leans safe: references that pass the type argument still compile, and references may now
    /// omit it.
    ///
    /// ## Example
    /// ```ts
    /// export interface Box<T> { value: T }           // base
    /// export interface Box<T = string> { value: T }  // revision
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_TYPE_PARAMETER_DEFAULT_ADDED = "ts-type-parameter-default-added", TypeScript, Info, None, "generic", Added,
        "A type parameter gained a default";
}

/// Compares the type parameters of `name` (inside exported symbol `op`).
pub(super) fn compare(cx: &mut Cx, op: &str, name: &str, base: &[TypeParam], rev: &[TypeParam], bpos: &Pos, rpos: &Pos) {
    compare_with(cx, (op, name), base, rev, (bpos, rpos), false);
}

/// Compares the type parameters of type alias `name`. Consumers only instantiate an alias, so a
/// constraint every old type argument still satisfies ([`loosened`]) is no change for them.
pub(super) fn compare_alias(cx: &mut Cx, name: &str, base: &[TypeParam], rev: &[TypeParam], bpos: &Pos, rpos: &Pos) {
    compare_with(cx, (name, name), base, rev, (bpos, rpos), true);
}

fn compare_with(cx: &mut Cx, (op, name): (&str, &str), base: &[TypeParam], rev: &[TypeParam], (bpos, rpos): (&Pos, &Pos), alias: bool) {
    let n = base.len().max(rev.len());
    for i in 0..n {
        let mut emit = |rule, message: String, before: Option<String>, after: Option<String>, tp: &str| {
            cx.emit(Finding {
                rule,
                message,
                operation: op,
                pointer: format!("{name}<{tp}>"),
                base: Some(bpos),
                rev: Some(rpos),
                before,
                after,
            });
        };
        match (base.get(i), rev.get(i)) {
            (Some(b), Some(r)) => {
                let bc = b.constraint.as_ref().map(|c| c.key.as_str());
                let rc = r.constraint.as_ref().map(|c| c.key.as_str());
                let kept = alias && b.constraint.as_ref().zip(r.constraint.as_ref()).is_some_and(|(o, n)| loosened(o, n));
                if bc != rc && !kept {
                    let show = |c: &Option<crate::spec::typescript::TypeText>| {
                        c.as_ref().map_or("(none)".to_string(), |c| format!("`{}`", short(&c.text)))
                    };
                    emit(
                        &TS_TYPE_PARAMETER_CONSTRAINT_CHANGED,
                        format!(
                            "constraint of type parameter `{}` of `{name}` changed from {} to {}",
                            r.name,
                            show(&b.constraint),
                            show(&r.constraint)
                        ),
                        b.constraint.as_ref().map(|c| c.text.clone()),
                        r.constraint.as_ref().map(|c| c.text.clone()),
                        &r.name,
                    );
                }
                match (&b.default, &r.default) {
                    (Some(d), None) => emit(
                        &TS_TYPE_PARAMETER_DEFAULT_REMOVED,
                        format!("type parameter `{}` of `{name}` lost its default `{}`", r.name, short(&d.text)),
                        Some(d.text.clone()),
                        None,
                        &r.name,
                    ),
                    (None, Some(e)) => emit(
                        &TS_TYPE_PARAMETER_DEFAULT_ADDED,
                        format!("type parameter `{}` of `{name}` gained the default `{}`", r.name, short(&e.text)),
                        None,
                        Some(e.text.clone()),
                        &r.name,
                    ),
                    (Some(d), Some(e)) if d.key != e.key => emit(
                        &TS_TYPE_PARAMETER_DEFAULT_CHANGED,
                        format!(
                            "default of type parameter `{}` of `{name}` changed from `{}` to `{}`",
                            r.name,
                            short(&d.text),
                            short(&e.text)
                        ),
                        Some(d.text.clone()),
                        Some(e.text.clone()),
                        &r.name,
                    ),
                    _ => {}
                }
            }
            (None, Some(r)) => match &r.default {
                Some(d) => emit(
                    &TS_TYPE_PARAMETER_ADDED_DEFAULTED,
                    format!("type parameter `{} = {}` was added to `{name}`", r.name, short(&d.text)),
                    None,
                    Some(r.name.clone()),
                    &r.name,
                ),
                None => emit(
                    &TS_TYPE_PARAMETER_ADDED_REQUIRED,
                    format!("type parameter `{}` (without a default) was added to `{name}`", r.name),
                    None,
                    Some(r.name.clone()),
                    &r.name,
                ),
            },
            (Some(b), None) => emit(
                &TS_TYPE_PARAMETER_REMOVED,
                format!("type parameter `{}` was removed from `{name}`", b.name),
                Some(b.name.clone()),
                None,
                &b.name,
            ),
            (None, None) => {}
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&TS_TYPE_PARAMETER_ADDED_REQUIRED, Proof::Code),
        (&TS_TYPE_PARAMETER_REMOVED, Proof::Code),
        (&TS_TYPE_PARAMETER_DEFAULT_REMOVED, Proof::Code),
        (&TS_TYPE_PARAMETER_CONSTRAINT_CHANGED, Proof::Code),
    ]
};

/// Whether `old` (written under the type parameters `op`) and `new` (under `np`) are one type
/// once the parameters are named by position: a type that only follows its owner's renamed
/// type parameters (`type P<T> = T[]` → `type P<Props> = Props[]`) is no change, since
/// consumers name type parameters by position. Parameters added at the end keep their names.
pub(super) fn renamed_only(old: &TypeText, op: &[TypeParam], new: &TypeText, np: &[TypeParam]) -> bool {
    if op.is_empty() || np.is_empty() || op.iter().zip(np).all(|(a, b)| a.name == b.name) {
        return false;
    }
    let canon = |t: &TypeText, ps: &[TypeParam]| {
        let mut members: Vec<String> = t.union.iter().map(|u| positional(u, ps, op.len())).collect();
        members.sort();
        members
    };
    canon(old, op) == canon(new, np)
}

/// `text` with each of the first `upto` type parameter names replaced by `$<position>`.
fn positional(text: &str, ps: &[TypeParam], upto: usize) -> String {
    replace_params(text, &ps[..upto.min(ps.len())], |k| format!("${k}"))
}

/// `text` with every whole word naming one of `ps` (not after a `.`: `X.T` is a member) replaced
/// by `by(its position)`.
pub(super) fn replace_params(text: &str, ps: &[TypeParam], by: impl Fn(usize) -> String) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(word) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| !word(c)).unwrap_or(tail.len());
        let name = &tail[..end];
        match ps.iter().position(|p| p.name == name) {
            Some(k) if !out.ends_with('.') => out.push_str(&by(k)),
            _ => out.push_str(name),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with the type parameter name `from` replaced by `to`.
pub(super) fn rename(text: &str, from: &str, to: &str) -> String {
    let ps = [TypeParam { name: from.to_string(), constraint: None, default: None }];
    positional(text, &ps, 1).replace("$0", to)
}

/// Whether every member of the old constraint `old` is a member of `new` or a function or
/// construct type that one of `new`'s members accepts: the same return type and parameter types,
/// and no more required parameters than the new one has (`(props: any, context?: any) => R`
/// fits `(props: any) => R`; `new (props: any) => C` fits `new (props: any, context: any) => C`).
/// Every type argument that satisfied the old constraint then satisfies the new one.
pub(super) fn loosened(old: &TypeText, new: &TypeText) -> bool {
    let squash = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let news: Vec<String> = new.union.iter().map(|u| squash(u)).collect();
    old.union.iter().map(|u| squash(u)).all(|o| {
        news.contains(&o)
            || callable(&o).is_some_and(|(on, op, or)| {
                news.iter().filter_map(|n| callable(n)).any(|(nn, np, nr)| {
                    let required = op.iter().filter(|(_, optional)| !optional).count();
                    on == nn && or == nr && required <= np.len() && op.iter().zip(&np).all(|(a, b)| a.0 == b.0)
                })
            })
    })
}

/// A signature's parameters: each one's type and whether it is optional.
type Params = Vec<(String, bool)>;

/// A function or construct type without whitespace, `(a:A,b?:B)=>R`, `new(a:A)=>R` or
/// `{new(a:A):R}`: whether it constructs, its parameters' types with their `?`, its return type.
/// `None` for anything else (type parameters, rest parameters, several signatures).
fn callable(t: &str) -> Option<(bool, Params, String)> {
    let mut t = t;
    while t.starts_with('(') && closing(t, 0) == Some(t.len() - 1) {
        t = &t[1..t.len() - 1];
    }
    let (body, object) = match t.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        Some(b) => (b.trim_end_matches(';'), true),
        None => (t, false),
    };
    let body = body.strip_prefix("abstract").unwrap_or(body);
    let (construct, body) = match body.strip_prefix("new") {
        Some(b) => (true, b),
        None => (false, body),
    };
    if !body.starts_with('(') {
        return None;
    }
    let end = closing(body, 0)?;
    let ret = if object { body[end + 1..].strip_prefix(':')? } else { body[end + 1..].strip_prefix("=>")? };
    let mut params = Vec::new();
    for p in split_top(&body[1..end]) {
        let (name, ty) = p.split_once(':')?;
        if name.starts_with("...") || name.contains(['<', '(', '{']) {
            return None;
        }
        params.push((ty.to_string(), name.ends_with('?')));
    }
    Some((construct, params, ret.to_string()))
}

/// The index of the bracket closing the one at `open`.
fn closing(t: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in t.char_indices().skip(open) {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            '>' if t[..i].ends_with('=') => {}
            ')' | ']' | '}' | '>' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return Some(i);
        }
    }
    None
}

/// `text` split at the commas outside brackets (empty pieces dropped).
fn split_top(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            '>' if text[..i].ends_with('=') => {}
            ')' | ']' | '}' | '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out.into_iter().filter(|p| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::loosened;
    use crate::spec::typescript::TypeText;

    fn union(members: &[&str]) -> TypeText {
        TypeText::new(&members.join(" | "), members)
    }

    #[test]
    fn a_constraint_loosens_when_every_old_member_fits_a_new_one() {
        let old = union(&["{ new(props: any): Component }", "((props: any, context?: any) => Node)", "\"div\""]);
        let new = union(&["{ new(props: any, context: any): Component }", "((props: any) => Node)", "\"div\""]);
        assert!(loosened(&old, &new));
        assert!(!loosened(&new, &old), "a construct type taking more required parameters is tighter");
        assert!(!loosened(&union(&["string", "number"]), &union(&["string"])));
        assert!(!loosened(&union(&["(a: string) => void"]), &union(&["(a: number) => void"])));
        assert!(!loosened(&union(&["(a: string) => void"]), &union(&["(a: string) => string"])));
    }
}
