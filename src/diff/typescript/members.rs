//! Members of classes, interfaces and object literal type aliases: added, removed, made
//! optional/required/readonly/static/protected, retyped; plus base types and `abstract`.
//!
//! An interface may be implemented or constructed by callers (input) or only handed to them
//! (output); the declaration does not say which, so additions of required members and changes
//! of optionality take the conservative level and the message names the side that breaks.

use super::properties::{self, TS_PROPERTY_TYPE_CHANGED};
use super::{Cx, Finding, refs, short, signatures};
use crate::spec::typescript::{Member, MemberKind, Symbol, SymbolKind, TypeText};
use std::collections::{BTreeMap, BTreeSet};

/// Nested object types compared member by member up to this depth; deeper ones as whole types.
const MAX_SHAPE_DEPTH: usize = 64;

crate::rules! {
    /// A member was removed.
    ///
    /// ## What it detects
    /// A property, method, constructor, call, construct or index signature that the base's class,
    /// interface or object type declares and the revision's does not (members made `private`
    /// count as removed: they are not part of the surface).
    ///
    /// ## Why it matters
    /// Code that reads, calls or assigns the member stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface Component { refs: { [key: string]: ReactInstance } }
    /// // revision: refs is gone
    /// ```
    ///
    /// ## How to migrate
    /// Keep the member, marked `@deprecated`, for a major version.
    TS_MEMBER_REMOVED = "ts-member-removed", TypeScript, Breaking, None, "member", Removed,
        "A member of a class, interface or object type was removed";

    /// A required member was added to an interface or object type.
    ///
    /// ## What it detects
    /// A property or method without `?` (or a call/construct/index signature) that only the
    /// revision's interface or object literal type declares.
    ///
    /// ## Why it matters
    /// Callers that implement the interface or build objects of the type must now provide the
    /// member, so it is breaking — unless the type is only ever handed to callers, which the
    /// declaration cannot tell.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface Options { url: string }
    /// // revision
    /// export interface Options { url: string; method: string }
    /// ```
    ///
    /// ## How to migrate
    /// Make the member optional (`method?: string`), or provide it where you implement or build the type.
    TS_REQUIRED_MEMBER_ADDED = "ts-required-member-added", TypeScript, Breaking, None, "member", Added,
        "A required member was added to an interface or object type";

    /// An optional member was added to an interface or object type.
    ///
    /// ## What it detects
    /// A property or method with `?` that only the revision declares.
    ///
    /// ## Why it matters
    /// Existing implementations and object literals still type-check.
    ///
    /// ## Example
    /// ```ts
    /// // revision
    /// export interface Options { url: string; timeout?: number }
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_OPTIONAL_MEMBER_ADDED = "ts-optional-member-added", TypeScript, Info, None, "member", Added,
        "An optional member was added to an interface or object type";

    /// A member was added to a class.
    ///
    /// ## What it detects
    /// A public or protected property, method or accessor that only the revision's class declares.
    ///
    /// ## Why it matters
    /// Users of the class are unaffected; a subclass that already declares a member of the same
    /// name with an incompatible type would stop compiling, which is rare.
    ///
    /// ## Example
    /// ```ts
    /// // revision
    /// export class Client { close(): void }
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do, unless a subclass declares the same name.
    TS_CLASS_MEMBER_ADDED = "ts-class-member-added", TypeScript, Info, None, "member", Added,
        "A member was added to a class";

    /// A property became optional.
    ///
    /// ## What it detects
    /// A property or method gained `?`.
    ///
    /// ## Why it matters
    /// Code that reads it now gets `T | undefined` and must handle the missing case (writers
    /// are unaffected). The declaration cannot tell whether callers only write it, so this is
    /// reported as breaking.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface Props { children: ReactNode }
    /// // revision
    /// export interface Props { children?: ReactNode }
    /// ```
    ///
    /// ## How to migrate
    /// Handle `undefined` where you read the property.
    TS_PROPERTY_BECAME_OPTIONAL = "ts-property-became-optional", TypeScript, Breaking, Response, "member", Changed,
        "A property became optional (breaks readers)";

    /// A property became required.
    ///
    /// ## What it detects
    /// A property or method lost its `?`.
    ///
    /// ## Why it matters
    /// Code that builds objects of the type or implements the interface must now provide it
    /// (readers are unaffected). The declaration cannot tell whether callers only read it, so
    /// this is reported as breaking.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface Options { method?: string }
    /// // revision
    /// export interface Options { method: string }
    /// ```
    ///
    /// ## How to migrate
    /// Provide the property wherever you build or implement the type.
    TS_PROPERTY_BECAME_REQUIRED = "ts-property-became-required", TypeScript, Breaking, Request, "member", Changed,
        "A property became required (breaks writers and implementers)", traits = [MakesRequired];

    /// A property became readonly.
    ///
    /// ## What it detects
    /// A property or index signature gained `readonly` (or a getter lost its setter).
    ///
    /// ## Why it matters
    /// Code that assigns to it stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface RefObject<T> { current: T | null }
    /// // revision
    /// export interface RefObject<T> { readonly current: T | null }
    /// ```
    ///
    /// ## How to migrate
    /// Stop assigning to the property; use the API's own way of changing it.
    TS_PROPERTY_READONLY_ADDED = "ts-property-readonly-added", TypeScript, Breaking, None, "member", Changed,
        "A property became readonly";

    /// A property is no longer readonly.
    ///
    /// ## What it detects
    /// A property or index signature lost `readonly`.
    ///
    /// ## Why it matters
    /// Existing code keeps compiling; callers may now assign it.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface RefObject<T> { readonly current: T | null }
    /// // revision
    /// export interface RefObject<T> { current: T }
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_PROPERTY_READONLY_REMOVED = "ts-property-readonly-removed", TypeScript, Info, None, "member", Changed,
        "A property is no longer readonly";

    /// A class member became static, or stopped being static.
    ///
    /// ## What it detects
    /// A member with the same name moved between the instance side and the static side of a class.
    ///
    /// ## Why it matters
    /// `instance.m()` and `Class.m()` are different accesses; one of them stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export class Parser { parse(s: string): Ast }
    /// // revision
    /// export class Parser { static parse(s: string): Ast }
    /// ```
    ///
    /// ## How to migrate
    /// Access the member on the class (or on an instance) instead.
    TS_MEMBER_STATIC_CHANGED = "ts-member-static-changed", TypeScript, Breaking, None, "member", Changed,
        "A class member became static or stopped being static";

    /// A public class member became protected.
    ///
    /// ## What it detects
    /// A member lost public visibility but is still visible to subclasses.
    ///
    /// ## Why it matters
    /// Code outside the class hierarchy that uses it stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export class Store { state: State }
    /// // revision
    /// export class Store { protected state: State }
    /// ```
    ///
    /// ## How to migrate
    /// Use the public API that replaces it, or subclass.
    TS_MEMBER_VISIBILITY_REDUCED = "ts-member-visibility-reduced", TypeScript, Breaking, None, "member", Changed,
        "A public class member became protected";

    /// A class became abstract.
    ///
    /// ## What it detects
    /// `abstract` was added to an exported class.
    ///
    /// ## Why it matters
    /// `new C()` stops compiling; only subclasses can be instantiated.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export class Shape {}
    /// // revision
    /// export abstract class Shape {}
    /// ```
    ///
    /// ## How to migrate
    /// Instantiate a concrete subclass.
    TS_CLASS_BECAME_ABSTRACT = "ts-class-became-abstract", TypeScript, Breaking, None, "class", Changed,
        "A class became abstract";

    /// A base type was removed.
    ///
    /// ## What it detects
    /// An `extends` or `implements` clause of a class or interface was removed or changed.
    ///
    /// ## Why it matters
    /// Members inherited from it disappear, and values are no longer assignable where the base
    /// type is expected.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface ButtonProps extends HTMLAttributes<HTMLButtonElement> { kind: string }
    /// // revision
    /// export interface ButtonProps { kind: string }
    /// ```
    ///
    /// ## How to migrate
    /// Declare the members you relied on yourself, or use the new base type.
    TS_BASE_TYPE_REMOVED = "ts-base-type-removed", TypeScript, Breaking, None, "heritage", Removed,
        "An extends/implements clause was removed or changed";

    /// A base type was added.
    ///
    /// ## What it detects
    /// A class or interface gained an `extends` or `implements` clause.
    ///
    /// ## Why it matters
    /// Users are unaffected, but implementers of an interface must now provide the inherited
    /// members too.
    ///
    /// ## Example
    /// ```ts
    /// // revision
    /// export interface ButtonProps extends AriaAttributes { kind: string }
    /// ```
    ///
    /// ## How to migrate
    /// Provide the inherited members where you implement the interface.
    TS_BASE_TYPE_ADDED = "ts-base-type-added", TypeScript, Warning, None, "heritage", Added,
        "An extends/implements clause was added";
}

fn member_kind(m: &Member) -> &'static str {
    match m.kind {
        MemberKind::Property => "property",
        MemberKind::Method => "method",
        MemberKind::Call => "call signature",
        MemberKind::Construct => "construct signature",
        MemberKind::Constructor => "constructor",
        MemberKind::Index => "index signature",
    }
}

/// The last segment of a dotted path (`a.b.c` → `c`), so messages do not repeat long paths.
fn tail(at: &str) -> &str {
    if at.len() <= 24 { at } else { at.rsplit('.').next().unwrap_or(at) }
}

fn owner_word(s: &Symbol) -> &'static str {
    match s.kind {
        SymbolKind::Class => "class",
        SymbolKind::Interface => "interface",
        _ => "type",
    }
}

fn addr(owner: &str, m: &Member) -> String {
    match m.kind {
        MemberKind::Call => format!("{owner}()"),
        MemberKind::Construct => format!("new {owner}()"),
        MemberKind::Index => format!("{owner}{}", m.name),
        _ => format!("{owner}.{}", m.name),
    }
}

fn member_text(m: &Member) -> String {
    match m.kind {
        MemberKind::Property | MemberKind::Index => m.ty.as_ref().map_or("any".to_string(), |t| t.text.clone()),
        _ => m.sigs.iter().map(|s| s.display()).collect::<Vec<_>>().join(" & "),
    }
}

pub(super) fn became_abstract(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    cx.emit(Finding {
        rule: &TS_CLASS_BECAME_ABSTRACT,
        message: format!("class `{}` became abstract; `new {}()` no longer compiles", b.name, b.name),
        operation: &b.name,
        pointer: b.name.clone(),
        base: Some(&b.pos),
        rev: Some(&r.pos),
        before: None,
        after: Some("abstract".into()),
    });
}

pub(super) fn compare_heritage(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    // Types are structural: a base whose members all stay (inlined or inherited otherwise) is
    // not a loss, and a new base whose members were all declared already asks nothing new.
    let (b_all, r_all) = (cx.base.all_members(b), cx.rev.all_members(r));
    let covered = |surface: &crate::spec::typescript::Surface, owner: &Symbol, h: &TypeText, have: &std::collections::BTreeSet<String>| {
        surface
            .resolve_type(crate::spec::typescript::scope_of(&owner.name), &h.text)
            .and_then(|t| surface.all_members_if_known(t))
            .is_some_and(|m| m.is_subset(have))
    };
    let removed: Vec<&TypeText> =
        b.heritage.iter().filter(|h| !r.heritage.iter().any(|g| g.key == h.key) && !covered(cx.base, b, h, &r_all)).collect();
    let added: Vec<&TypeText> =
        r.heritage.iter().filter(|h| !b.heritage.iter().any(|g| g.key == h.key) && !covered(cx.rev, r, h, &b_all)).collect();
    let paired = removed.len() == 1 && added.len() == 1;
    for h in &removed {
        let now = if paired { added.first().map_or(String::new(), |a| format!(" (now `{}`)", short(&a.text))) } else { String::new() };
        cx.emit(Finding {
            rule: &TS_BASE_TYPE_REMOVED,
            message: format!("{} `{}` no longer has base `{}`{now}", owner_word(b), b.name, short(&h.text)),
            operation: &b.name,
            pointer: format!("{}:{}", b.name, h.key),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before: Some(h.text.clone()),
            after: if paired { added.first().map(|a| a.text.clone()) } else { None },
        });
    }
    if paired {
        return;
    }
    for h in added {
        cx.emit(Finding {
            rule: &TS_BASE_TYPE_ADDED,
            message: format!("{} `{}` gained base `{}`; implementers must provide its members too", owner_word(r), r.name, short(&h.text)),
            operation: &r.name,
            pointer: format!("{}:{}", r.name, h.key),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before: None,
            after: Some(h.text.clone()),
        });
    }
}

/// Compares the members of two same-named classes, interfaces or object literal types.
pub(super) fn compare(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    // Members that moved between the body and a base type resolved in the same files.
    let (b_inherited, r_inherited) = (cx.base.inherited_members(b), cx.rev.inherited_members(r));
    let owner = Owner { op: &b.name, at: &b.name, word: owner_word(b), class: r.kind == SymbolKind::Class };
    compare_maps(cx, &owner, (&b.members, &r.members), (&b_inherited, &r_inherited));
}

/// Whose members are compared: the exported symbol (`op`), the path of the members' owner
/// (`at`: the symbol itself, or a property holding a nested object type).
struct Owner<'a> {
    op: &'a str,
    at: &'a str,
    word: &'static str,
    class: bool,
}

type Members = BTreeMap<String, Member>;

fn compare_maps(
    cx: &mut Cx,
    o: &Owner,
    (bm, rm): (&Members, &Members),
    (b_inherited, r_inherited): (&BTreeSet<String>, &BTreeSet<String>),
) {
    let (op, at) = (o.op, o.at);
    for (key, m) in bm {
        match rm.get(key) {
            Some(n) => compare_member(cx, o, m, n),
            None => {
                // Moved between the instance and the static side?
                let other = if m.is_static { m.name.clone() } else { format!("static {}", m.name) };
                if let Some(n) = rm.get(&other) {
                    let (from, to) = if n.is_static { ("an instance member", "static") } else { ("static", "an instance member") };
                    cx.emit(Finding {
                        rule: &TS_MEMBER_STATIC_CHANGED,
                        message: format!("{} `{}` changed from {from} to {to}", member_kind(m), addr(at, m)),
                        operation: op,
                        pointer: addr(at, m),
                        base: Some(&m.pos),
                        rev: Some(&n.pos),
                        before: Some(from.into()),
                        after: Some(to.into()),
                    });
                    continue;
                }
                if r_inherited.contains(key) {
                    continue;
                }
                cx.emit(Finding {
                    rule: &TS_MEMBER_REMOVED,
                    message: format!("{} `{}` was removed from {} `{}`", member_kind(m), addr(at, m), o.word, tail(at)),
                    operation: op,
                    pointer: addr(at, m),
                    base: Some(&m.pos),
                    rev: None,
                    before: Some(short(&member_text(m))),
                    after: None,
                });
            }
        }
    }
    for (key, n) in rm {
        if bm.contains_key(key) {
            continue;
        }
        let other = if n.is_static { n.name.clone() } else { format!("static {}", n.name) };
        if bm.contains_key(&other) || b_inherited.contains(key) {
            continue;
        }
        added(cx, o, n);
    }
}

fn added(cx: &mut Cx, o: &Owner, n: &Member) {
    let (op, at) = (o.op, o.at);
    let (rule, message) = if o.class {
        (&TS_CLASS_MEMBER_ADDED, format!("{} `{}` was added to class `{at}`", member_kind(n), addr(at, n)))
    } else if n.optional {
        (&TS_OPTIONAL_MEMBER_ADDED, format!("optional {} `{}` was added to {} `{}`", member_kind(n), addr(at, n), o.word, tail(at)))
    } else {
        (
            &TS_REQUIRED_MEMBER_ADDED,
            format!("required {} `{}` was added; code that builds `{}` must provide it", member_kind(n), addr(at, n), tail(at)),
        )
    };
    cx.emit(Finding {
        rule,
        message,
        operation: op,
        pointer: addr(at, n),
        base: None,
        rev: Some(&n.pos),
        before: None,
        after: Some(short(&member_text(n))),
    });
}

fn compare_member(cx: &mut Cx, o: &Owner, m: &Member, n: &Member) {
    let op = o.op;
    let at = addr(o.at, n);
    let emit = |cx: &mut Cx, rule, message: String, before: Option<String>, after: Option<String>| {
        cx.emit(Finding { rule, message, operation: op, pointer: at.clone(), base: Some(&m.pos), rev: Some(&n.pos), before, after });
    };
    if !m.protected && n.protected {
        emit(
            cx,
            &TS_MEMBER_VISIBILITY_REDUCED,
            format!("{} `{at}` became protected", member_kind(n)),
            Some("public".into()),
            Some("protected".into()),
        );
    }
    if !m.optional && n.optional {
        emit(
            cx,
            &TS_PROPERTY_BECAME_OPTIONAL,
            format!("{} `{at}` became optional; code that reads it must handle `undefined`", member_kind(n)),
            None,
            Some("optional".into()),
        );
    } else if m.optional && !n.optional {
        emit(
            cx,
            &TS_PROPERTY_BECAME_REQUIRED,
            format!("{} `{at}` became required; code that builds `{}` must provide it", member_kind(n), tail(o.at)),
            Some("optional".into()),
            None,
        );
    }
    if m.kind != n.kind {
        emit(
            cx,
            &TS_PROPERTY_TYPE_CHANGED,
            format!(
                "`{at}` changed from a {} `{}` to a {} `{}`",
                member_kind(m),
                short(&member_text(m)),
                member_kind(n),
                short(&member_text(n))
            ),
            Some(member_text(m)),
            Some(member_text(n)),
        );
        return;
    }
    match n.kind {
        MemberKind::Property | MemberKind::Index => {
            if !m.readonly && n.readonly {
                emit(
                    cx,
                    &TS_PROPERTY_READONLY_ADDED,
                    format!("{} `{at}` became readonly; assignments to it no longer compile", member_kind(n)),
                    None,
                    Some("readonly".into()),
                );
            } else if m.readonly && !n.readonly {
                emit(
                    cx,
                    &TS_PROPERTY_READONLY_REMOVED,
                    format!("{} `{at}` is no longer readonly", member_kind(n)),
                    Some("readonly".into()),
                    None,
                );
            }
            nested(cx, o, &at, m, n);
        }
        MemberKind::Method | MemberKind::Call | MemberKind::Construct | MemberKind::Constructor => {
            signatures::compare_overloads(cx, op, &at, &m.sigs, &n.sigs)
        }
    }
}

/// A property's or index signature's type: nested object types member by member (when what
/// surrounds them is unchanged), anything else as a whole type.
fn nested(cx: &mut Cx, o: &Owner, at: &str, m: &Member, n: &Member) {
    let (Some(old), Some(new)) = (&m.ty, &n.ty) else {
        return properties::retyped(cx, o.op, at, m, n);
    };
    if old.key == new.key {
        return;
    }
    // A reference on one side and the same structure inline on the other is no change: follow
    // the reference (the inline text bounds the recursion). References on both sides naming
    // different types are compared once per pair of names (memoised, so cycles end).
    let (b, r) = match (own(m), own(n)) {
        (Some(b), None) => (Some(b), refs::members(cx.rev, o.op, n).map(|m| ("{}", m))),
        (None, Some(r)) => (refs::members(cx.base, o.op, m).map(|m| ("{}", m)), Some(r)),
        (None, None) => {
            let pair = (old.key.clone(), new.key.clone());
            match (refs::members(cx.base, o.op, m), refs::members(cx.rev, o.op, n)) {
                (Some(bm), Some(rm)) if !cx.followed.contains(&pair) => {
                    cx.followed.insert(pair);
                    (Some(("{}", bm)), Some(("{}", rm)))
                }
                (Some(_), Some(_)) => return,
                _ => (None, None),
            }
        }
        other => other,
    };
    match (b, r) {
        (Some((bf, bm)), Some((rf, rm))) if bf == rf && cx.depth < MAX_SHAPE_DEPTH => {
            let inner = Owner { op: o.op, at, word: "object type", class: false };
            let none = BTreeSet::new();
            cx.depth += 1;
            compare_maps(cx, &inner, (bm, rm), (&none, &none));
            cx.depth -= 1;
        }
        _ => properties::retyped(cx, o.op, at, m, n),
    }
}

fn own(m: &Member) -> Option<(&str, &Members)> {
    m.shape.as_deref().map(|s| (s.frame.as_str(), &s.members))
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&TS_MEMBER_REMOVED, Proof::Code),
        (&TS_REQUIRED_MEMBER_ADDED, Proof::Code),
        (&TS_PROPERTY_BECAME_OPTIONAL, Proof::Code),
        (&TS_PROPERTY_BECAME_REQUIRED, Proof::Code),
        (&TS_PROPERTY_READONLY_ADDED, Proof::Code),
        (&TS_MEMBER_STATIC_CHANGED, Proof::Code),
        (&TS_MEMBER_VISIBILITY_REDUCED, Proof::Code),
        (&TS_CLASS_BECAME_ABSTRACT, Proof::Code),
        (&TS_BASE_TYPE_REMOVED, Proof::Code),
    ]
};
