//! Tuples element by element (`[a, b?, ...c[]]`: elements added, removed, made optional or
//! required, per index) and intersections member by member, inside property types at any depth,
//! type aliases and signatures. Element types go back to the caller's rules, so they follow the
//! variance of the position (property, parameter or return type).

use super::{Cx, Finding};
use crate::spec::typescript::{Member, MemberKind, Relation, TypeText};

crate::rules! {
    /// A tuple lost an element.
    ///
    /// ## What it detects
    /// A tuple type (`[string, number]`) held by a property, a parameter or a return type has
    /// fewer elements than before.
    ///
    /// ## Why it matters
    /// Leans breaking: code that reads the element (`t[1]`, destructuring) or builds the tuple
    /// with it stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// export interface Range { span: [number, number] }  // base
    /// export interface Range { span: [number] }          // revision
    /// ```
    ///
    /// ## How to migrate
    /// Stop reading or passing the element.
    TS_TUPLE_ELEMENT_REMOVED = "ts-tuple-element-removed", TypeScript, Breaking, None, "tuple", Removed,
        "A tuple element was removed";

    /// A required element was added to a tuple.
    ///
    /// ## What it detects
    /// A tuple type held by a property or a parameter gained an element without `?`. (In a
    /// return type this only narrows what callers get: `ts-return-type-narrowed`, info.)
    ///
    /// ## Why it matters
    /// Leans breaking: code that builds the tuple must now provide the element.
    ///
    /// ## Example
    /// ```ts
    /// export interface Range { span: [number] }          // base
    /// export interface Range { span: [number, number] }  // revision
    /// ```
    ///
    /// ## How to migrate
    /// Provide the element where you build the tuple.
    TS_TUPLE_REQUIRED_ELEMENT_ADDED = "ts-tuple-required-element-added", TypeScript, Breaking, Request, "tuple", Added,
        "A required element was added to a tuple";

    /// An optional or rest element was added to a tuple.
    ///
    /// ## What it detects
    /// A tuple type held by a property, a parameter or a return type gained an element with `?`
    /// or a rest element `...T[]`.
    ///
    /// ## Why it matters
    /// Leans safe: tuples built before still fit. Code that checks the tuple's exact length may
    /// need to handle the longer form.
    ///
    /// ## Example
    /// ```ts
    /// export interface Range { span: [number] }            // base
    /// export interface Range { span: [number, number?] }   // revision
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_TUPLE_OPTIONAL_ELEMENT_ADDED = "ts-tuple-optional-element-added", TypeScript, Info, None, "tuple", Added,
        "An optional or rest element was added to a tuple";

    /// A tuple element became optional.
    ///
    /// ## What it detects
    /// An element of a tuple type held by a property or a return type gained `?`. (In a
    /// parameter this only widens what callers may pass: `ts-parameter-type-widened`, info.)
    ///
    /// ## Why it matters
    /// Leans breaking for readers: the element may now be `undefined` (builders are unaffected).
    ///
    /// ## Example
    /// ```ts
    /// export interface Range { span: [number, number] }   // base
    /// export interface Range { span: [number, number?] }  // revision
    /// ```
    ///
    /// ## How to migrate
    /// Handle `undefined` where you read the element.
    TS_TUPLE_ELEMENT_BECAME_OPTIONAL = "ts-tuple-element-became-optional", TypeScript, Breaking, Response, "tuple", Changed,
        "A tuple element became optional (breaks readers)";

    /// A tuple element became required.
    ///
    /// ## What it detects
    /// An element of a tuple type held by a property or a parameter lost its `?`. (In a return
    /// type this only narrows what callers get: `ts-return-type-narrowed`, info.)
    ///
    /// ## Why it matters
    /// Leans breaking for builders: tuples built without the element no longer fit (readers are
    /// unaffected).
    ///
    /// ## Example
    /// ```ts
    /// export interface Range { span: [number, number?] }  // base
    /// export interface Range { span: [number, number] }   // revision
    /// ```
    ///
    /// ## How to migrate
    /// Provide the element wherever you build the tuple.
    TS_TUPLE_ELEMENT_BECAME_REQUIRED = "ts-tuple-element-became-required", TypeScript, Breaking, Request, "tuple", Changed,
        "A tuple element became required (breaks builders)";
}

/// Tuples nested deeper than this (counting enclosing object types) are compared as whole types.
const MAX_DEPTH: usize = 64;

/// One tuple element, from canonical type text.
#[derive(Debug, PartialEq)]
struct Element {
    ty: String,
    optional: bool,
    rest: bool,
}

/// How the caller compares the types of two elements (its own rules, at a pointer).
pub(crate) type Retype<'f> = &'f mut dyn FnMut(&mut Cx, &str, &Member, &Member);

/// How the caller reports a tuple change that only widens or narrows in its position (pointer,
/// `Wider` or `Narrower`, message).
pub(crate) type Lean<'f> = &'f mut dyn FnMut(&mut Cx, String, Relation, String);

/// Where the tuple sits, which decides what a change to its shape breaks.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Variance {
    /// A property: read and built, so the tuple rules apply as declared.
    Property,
    /// A parameter: callers build it, so an element made optional only widens it.
    Input,
    /// A return type: callers read it, so an element made required (or a required element
    /// added) only narrows it.
    Output,
}

/// The caller's side of a tuple comparison.
pub(crate) struct Hooks<'f> {
    pub(crate) variance: Variance,
    pub(crate) retype: Retype<'f>,
    pub(crate) lean: Lean<'f>,
}

/// Compares two tuple types element by element; false when either is not a tuple.
pub(crate) fn compare(
    cx: &mut Cx,
    op: &str,
    at: &str,
    (m, n): (&Member, &Member),
    (old, new): (&TypeText, &TypeText),
    hooks: Hooks,
) -> bool {
    if cx.depth >= MAX_DEPTH {
        return false;
    }
    let (Some(before), Some(after)) = (elements(old), elements(new)) else { return false };
    let Hooks { variance, retype, lean } = hooks;
    let emit = |cx: &mut Cx, rule, i: usize, message: String| {
        let pointer = format!("{at}[{i}]");
        cx.emit(Finding { rule, message, operation: op, pointer, base: Some(&m.pos), rev: Some(&n.pos), before: None, after: None });
    };
    for (i, b) in before.iter().enumerate() {
        let Some(a) = after.get(i) else {
            emit(cx, &TS_TUPLE_ELEMENT_REMOVED, i, format!("element {i} (`{}`) of tuple `{at}` was removed", b.ty));
            continue;
        };
        if !b.optional && a.optional && !b.rest && variance == Variance::Input {
            lean(cx, format!("{at}[{i}]"), Relation::Wider, format!("element {i} of tuple `{at}` became optional; callers may omit it"));
        } else if b.optional && !a.optional && !a.rest && variance == Variance::Output {
            lean(
                cx,
                format!("{at}[{i}]"),
                Relation::Narrower,
                format!("element {i} of tuple `{at}` became required; callers always get it"),
            );
        } else if !b.optional && a.optional && !b.rest {
            emit(
                cx,
                &TS_TUPLE_ELEMENT_BECAME_OPTIONAL,
                i,
                format!("element {i} of tuple `{at}` became optional; readers must handle `undefined`"),
            );
        } else if b.optional && !a.optional && !a.rest {
            emit(
                cx,
                &TS_TUPLE_ELEMENT_BECAME_REQUIRED,
                i,
                format!("element {i} of tuple `{at}` became required; code that builds it must provide it"),
            );
        }
        if b.ty != a.ty || b.rest != a.rest {
            let ty = |e: &Element, like: &Member| Member {
                ty: Some(typed(&format!("{}{}", if e.rest { "..." } else { "" }, e.ty))),
                readonly: like.readonly,
                ..Member::new(like.name.clone(), MemberKind::Property, like.pos.clone())
            };
            cx.depth += 1;
            retype(cx, &format!("{at}[{i}]"), &ty(b, m), &ty(a, n));
            cx.depth -= 1;
        }
    }
    for (i, a) in after.iter().enumerate().skip(before.len()) {
        if !(a.optional || a.rest) && variance == Variance::Output {
            lean(
                cx,
                format!("{at}[{i}]"),
                Relation::Narrower,
                format!("required element {i} (`{}`) was added to tuple `{at}`; callers get more", a.ty),
            );
            continue;
        }
        let (rule, word) = if a.optional || a.rest {
            (&TS_TUPLE_OPTIONAL_ELEMENT_ADDED, "optional")
        } else {
            (&TS_TUPLE_REQUIRED_ELEMENT_ADDED, "required")
        };
        emit(cx, rule, i, format!("{word} element {i} (`{}`) was added to tuple `{at}`", a.ty));
    }
    true
}

/// True when `t` is one tuple type.
pub(crate) fn is_tuple(t: &TypeText) -> bool {
    elements(t).is_some()
}

/// Type text from canonical text, its top-level union members split so gains and losses show.
fn typed(key: &str) -> TypeText {
    let parts = split_top(key, '|');
    TypeText::new(key, &parts)
}

/// The members of an intersection `A & B`, from canonical text; `None` when it is not one.
pub(crate) fn intersection(t: &TypeText) -> Option<Vec<&str>> {
    if t.union.len() != 1 {
        return None;
    }
    let mut parts = split_top(&t.key, '&');
    if parts.len() < 2 {
        return None;
    }
    parts.sort_unstable();
    parts.dedup();
    Some(parts)
}

/// The members two intersections lost and gained (sorted, matched by key); `None` unless at
/// least one side is an intersection, neither is a union, and they share a member.
pub(crate) fn intersection_delta<'t>(old: &'t TypeText, new: &'t TypeText) -> Option<(Vec<&'t str>, Vec<&'t str>)> {
    if old.union.len() > 1 || new.union.len() > 1 {
        return None;
    }
    let parts = |t: &'t TypeText| intersection(t).ok_or_else(|| vec![t.key.as_str()]);
    let (b, r) = match (parts(old), parts(new)) {
        (Ok(b), Ok(r)) | (Ok(b), Err(r)) | (Err(b), Ok(r)) => (b, r),
        (Err(_), Err(_)) => return None,
    };
    let lost: Vec<&str> = b.iter().filter(|x| r.binary_search(x).is_err()).copied().collect();
    let gained: Vec<&str> = r.iter().filter(|x| b.binary_search(x).is_err()).copied().collect();
    (lost.len() < b.len()).then_some((lost, gained))
}

/// The elements of a tuple type (`[a, b?]`, `readonly [x: A, ...B[]]`), from canonical text.
fn elements(t: &TypeText) -> Option<Vec<Element>> {
    if t.union.len() != 1 {
        return None;
    }
    let key = t.key.strip_prefix("readonly").unwrap_or(&t.key).trim();
    let inner = key.strip_prefix('[')?.strip_suffix(']')?;
    // `[a] | [b]`-like text is not one tuple: the opening bracket must close at the end.
    if depth_goes_negative(inner) {
        return None;
    }
    if inner.is_empty() {
        return Some(Vec::new());
    }
    Some(split_top(inner, ',').into_iter().map(element).collect())
}

fn element(text: &str) -> Element {
    let (rest, text) = match text.strip_prefix("...") {
        Some(t) => (true, t),
        None => (false, text),
    };
    // A named element: `name:T` or `name?:T` (canonical text has no spaces around `:`).
    let ident = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    if let Some(colon) = text.find(':') {
        let (label, ty) = (text.get(..colon).unwrap_or(""), text.get(colon + 1..).unwrap_or(""));
        let optional = label.ends_with('?');
        if ident(label.trim_end_matches('?')) {
            return Element { ty: ty.to_string(), optional, rest };
        }
    }
    match text.strip_suffix('?') {
        Some(ty) => Element { ty: ty.to_string(), optional: true, rest },
        None => Element { ty: text.to_string(), optional: false, rest },
    }
}

/// True when a closing bracket in `s` has no opening one before it.
fn depth_goes_negative(s: &str) -> bool {
    let (mut depth, mut quote, mut prev) = (0i32, None::<char>, ' ');
    for c in s.chars() {
        let before = std::mem::replace(&mut prev, c);
        match (quote, c) {
            (Some(q), c) if c == q && before != '\\' => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`') => quote = Some(c),
            (None, '(' | '[' | '{' | '<') => depth += 1,
            (None, '>') if before == '=' => {}
            (None, ')' | ']' | '}' | '>') => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Splits canonical text on `sep` outside brackets and strings (`=>` is not a bracket).
fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut quote, mut prev) = (0i32, 0usize, None::<char>, ' ');
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q && prev != '\\' => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`') => quote = Some(c),
            (None, '(' | '[' | '{' | '<') => depth += 1,
            (None, '>') if prev == '=' => {}
            (None, ')' | ']' | '}' | '>') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                out.push(s.get(start..i).unwrap_or(""));
                start = i + c.len_utf8();
            }
            _ => {}
        }
        prev = c;
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&TS_TUPLE_ELEMENT_REMOVED, Proof::Code),
        (&TS_TUPLE_REQUIRED_ELEMENT_ADDED, Proof::Code),
        (&TS_TUPLE_ELEMENT_BECAME_OPTIONAL, Proof::Code),
        (&TS_TUPLE_ELEMENT_BECAME_REQUIRED, Proof::Code),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    fn el(ty: &str, optional: bool, rest: bool) -> Element {
        Element { ty: ty.into(), optional, rest }
    }

    #[test]
    fn tuples_split_into_elements() {
        let t = |s: &str| elements(&TypeText::plain(s));
        assert_eq!(t("[string, number?]"), Some(vec![el("string", false, false), el("number", true, false)]));
        assert_eq!(t("readonly [a: A<B, C>, b?: (x: 1) => void, ...rest: string[]]").map(|v| v.len()), Some(3));
        assert_eq!(t("[x: { a: 1, b: 2 }]"), Some(vec![el("{a:1,b:2}", false, false)]));
        assert_eq!(t("[]"), Some(vec![]));
        assert_eq!(t("string[]"), None);
        assert_eq!(t("[a] & [b]"), None);
        assert_eq!(intersection(&TypeText::plain("A & { b: 1 & 2 }")), Some(vec!["A", "{b:1&2}"]));
        assert_eq!(split_top("(a: 1) => 2 | 3", '|').len(), 2);
    }
}
