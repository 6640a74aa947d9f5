//! Call signatures: overloads of functions, methods, constructors and call/construct
//! signatures, their parameters (the caller's input) and return types (the caller's output).
//!
//! Parameters are compared by position; names do not matter to callers. Removing a parameter is
//! breaking: callers that pass it get "Expected N arguments, but got N+1". (For a callback type
//! that callers implement, removal would be harmless, but the position cannot be told, so the
//! conservative level is used.)

use super::properties::listing;
use super::templates;
use super::tuples::{self, Variance};
use super::{Cx, Finding, generics, short};
use crate::diff::Rule;
use crate::spec::typescript::{Member, MemberKind, Param, Pos, Relation, Signature, TypeText, relate};

crate::rules! {
    /// A required parameter was added.
    ///
    /// ## What it detects
    /// A signature gained a parameter without `?`, a default or `...`.
    ///
    /// ## Why it matters
    /// Every existing call passes too few arguments and stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function useRef<T>(): MutableRefObject<T | undefined>;
    /// // revision
    /// export function useRef<T>(initialValue: T): RefObject<T>;
    /// ```
    ///
    /// ## How to migrate
    /// Make the parameter optional, or add an overload with the new parameter and keep the old one.
    TS_REQUIRED_PARAMETER_ADDED = "ts-required-parameter-added", TypeScript, Breaking, Request, "parameter", Added,
        "A required parameter was added to a signature";

    /// An optional parameter was added.
    ///
    /// ## What it detects
    /// A signature gained a trailing optional or rest parameter.
    ///
    /// ## Why it matters
    /// Existing calls still compile. (Callers that implement a callback of this type are not
    /// affected either: implementations may ignore extra parameters.)
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function format(d: Date): string;
    /// // revision
    /// export function format(d: Date, locale?: string): string;
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_OPTIONAL_PARAMETER_ADDED = "ts-optional-parameter-added", TypeScript, Info, Request, "parameter", Added,
        "An optional parameter was added to a signature";

    /// A parameter was removed.
    ///
    /// ## What it detects
    /// A signature has fewer parameters than before.
    ///
    /// ## Why it matters
    /// Calls that pass the argument fail with "Expected N arguments". For callback types that
    /// callers implement, removal would be harmless; since apidiff cannot tell which way a
    /// signature is used, it reports the caller's view.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function render(el: Element, container: Element, callback?: () => void): void;
    /// // revision
    /// export function render(el: Element, container: Element): void;
    /// ```
    ///
    /// ## How to migrate
    /// Keep the parameter (ignored, marked `@deprecated` in its doc comment) for a major version.
    TS_PARAMETER_REMOVED = "ts-parameter-removed", TypeScript, Breaking, Request, "parameter", Removed,
        "A parameter was removed from a signature";

    /// An optional parameter became required.
    ///
    /// ## What it detects
    /// A parameter lost its `?` or default value.
    ///
    /// ## Why it matters
    /// Calls that omit it stop compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function createContext<T>(value?: T): Context<T>;
    /// // revision
    /// export function createContext<T>(value: T): Context<T>;
    /// ```
    ///
    /// ## How to migrate
    /// Keep it optional, or add an overload.
    TS_PARAMETER_BECAME_REQUIRED = "ts-parameter-became-required", TypeScript, Breaking, Request, "parameter", Changed,
        "An optional parameter became required", traits = [MakesRequired];

    /// A required parameter became optional.
    ///
    /// ## What it detects
    /// A parameter gained `?` or a default value.
    ///
    /// ## Why it matters
    /// Existing calls still compile.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function f(a: string): void;
    /// // revision
    /// export function f(a?: string): void;
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_PARAMETER_BECAME_OPTIONAL = "ts-parameter-became-optional", TypeScript, Info, Request, "parameter", Changed,
        "A required parameter became optional";

    /// A parameter's type accepts fewer values.
    ///
    /// ## What it detects
    /// A parameter's union type lost members, `any`/`unknown` became a specific type, or an
    /// intersection gained a member (`A` → `A & B`). Tuples are compared element by element
    /// (pointer `f(p)[1]`), so this also covers one element's type or a required element.
    ///
    /// ## Why it matters
    /// Calls passing the values that are no longer accepted stop compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function setId(id: string | number): void;
    /// // revision
    /// export function setId(id: string): void;
    /// ```
    ///
    /// ## How to migrate
    /// Keep accepting the old values, or add an overload for them.
    TS_PARAMETER_TYPE_NARROWED = "ts-parameter-type-narrowed", TypeScript, Breaking, Request, "parameter", Changed,
        "A parameter's type was narrowed";

    /// A parameter's type changed.
    ///
    /// ## What it detects
    /// A parameter's type changed in a way that is neither a plain widening nor narrowing of a union.
    ///
    /// ## Why it matters
    /// Calls passing values of the old type may stop compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function wait(ms: number): Promise<void>;
    /// // revision
    /// export function wait(ms: Duration): Promise<void>;
    /// ```
    ///
    /// ## How to migrate
    /// Accept both types (`number | Duration`) for a major version.
    TS_PARAMETER_TYPE_CHANGED = "ts-parameter-type-changed", TypeScript, Breaking, Request, "parameter", Changed,
        "A parameter's type changed";

    /// A parameter's type accepts more values.
    ///
    /// ## What it detects
    /// A parameter's union type gained members, became `any`/`unknown`, or an intersection lost
    /// a member; also a tuple element (pointer `f(p)[1]`) that became optional or widened.
    ///
    /// ## Why it matters
    /// Callers are fine. Code that implements a callback of this type would now receive values
    /// it does not expect; that position cannot be told from the declaration.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function setId(id: string): void;
    /// // revision
    /// export function setId(id: string | number): void;
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do for callers.
    TS_PARAMETER_TYPE_WIDENED = "ts-parameter-type-widened", TypeScript, Info, Request, "parameter", Changed,
        "A parameter's type was widened";

    /// A return type can now be more kinds of value.
    ///
    /// ## What it detects
    /// A return type's union gained members, became `any`/`unknown`, or an intersection lost a
    /// member (`A & B` → `A`); also one tuple element's type (pointer `f()[1]`).
    ///
    /// ## Why it matters
    /// Callers that use the result must now handle the new cases; code assigning the result to
    /// the old type stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function find(id: string): User;
    /// // revision
    /// export function find(id: string): User | undefined;
    /// ```
    ///
    /// ## How to migrate
    /// Handle the new cases at call sites (`?? fallback`, narrowing checks).
    TS_RETURN_TYPE_WIDENED = "ts-return-type-widened", TypeScript, Breaking, Response, "return", Changed,
        "A return type was widened";

    /// A return type became more specific.
    ///
    /// ## What it detects
    /// A return type's union lost members, `any`/`unknown` became a specific type, or an
    /// intersection gained a member; also a tuple that gained a required element or whose
    /// element became required (pointer `f()[1]`).
    ///
    /// ## Why it matters
    /// Callers are fine. (Implementations of a callback type with this signature would have to
    /// return the narrower type.)
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function find(id: string): User | undefined;
    /// // revision
    /// export function find(id: string): User;
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do for callers; redundant checks may be removed.
    TS_RETURN_TYPE_NARROWED = "ts-return-type-narrowed", TypeScript, Info, Response, "return", Changed,
        "A return type was narrowed";

    /// A return type changed.
    ///
    /// ## What it detects
    /// A return type changed in a way that is neither a plain widening nor narrowing of a union.
    ///
    /// ## Why it matters
    /// Code that uses the result as the old type may stop compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function useRef<T>(initialValue: T): MutableRefObject<T>;
    /// // revision
    /// export function useRef<T>(initialValue: T): RefObject<T>;
    /// ```
    ///
    /// ## How to migrate
    /// Update the code that consumes the result to the new type.
    TS_RETURN_TYPE_CHANGED = "ts-return-type-changed", TypeScript, Breaking, Response, "return", Changed,
        "A return type changed";

    /// An overload was removed.
    ///
    /// ## What it detects
    /// A function, method or constructor lost one of its overload signatures (and it could not
    /// be paired with a changed signature).
    ///
    /// ## Why it matters
    /// Calls that only matched the removed overload stop compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export function on(event: "a", cb: () => void): void;
    /// export function on(event: "b", cb: (x: number) => void): void;
    /// // revision: only the first remains
    /// ```
    ///
    /// ## How to migrate
    /// Keep the overload, marked `@deprecated`, for a major version.
    TS_OVERLOAD_REMOVED = "ts-overload-removed", TypeScript, Breaking, None, "signature", Removed,
        "An overload signature was removed";

    /// An overload was added.
    ///
    /// ## What it detects
    /// A function, method or constructor gained an overload signature.
    ///
    /// ## Why it matters
    /// Existing calls still compile; an earlier-declared new overload can change which one a
    /// call resolves to, so it is worth a look.
    ///
    /// ## Example
    /// ```ts
    /// // revision adds
    /// export function on(event: "c", cb: (s: string) => void): void;
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_OVERLOAD_ADDED = "ts-overload-added", TypeScript, Info, None, "signature", Added,
        "An overload signature was added";
}

/// Compares two overload sets of the element `name` (inside exported symbol `op`).
pub(super) fn compare_overloads(cx: &mut Cx, op: &str, name: &str, base: &[Signature], rev: &[Signature]) {
    let bkeys: Vec<String> = base.iter().map(Signature::key).collect();
    let rkeys: Vec<String> = rev.iter().map(Signature::key).collect();
    let unmatched_b: Vec<usize> = (0..base.len()).filter(|&i| bkeys.get(i).is_some_and(|k| !rkeys.contains(k))).collect();
    let unmatched_r: Vec<usize> = (0..rev.len()).filter(|&i| rkeys.get(i).is_some_and(|k| !bkeys.contains(k))).collect();
    let many = base.len() > 1 || rev.len() > 1;
    let pairs = unmatched_b.len().min(unmatched_r.len());
    for (&bi, &ri) in unmatched_b.iter().zip(unmatched_r.iter()) {
        let (Some(b), Some(r)) = (base.get(bi), rev.get(ri)) else { continue };
        let at = if many { format!("{name}#{}", ri + 1) } else { name.to_string() };
        compare_pair(cx, op, &at, b, r);
    }
    for &bi in unmatched_b.iter().skip(pairs) {
        let Some(b) = base.get(bi) else { continue };
        cx.emit(Finding {
            rule: &TS_OVERLOAD_REMOVED,
            message: format!("overload `{name}{}` was removed", short(&b.display())),
            operation: op,
            pointer: format!("{name}#{}", bi + 1),
            base: Some(&b.pos),
            rev: None,
            before: Some(b.display()),
            after: None,
        });
    }
    for &ri in unmatched_r.iter().skip(pairs) {
        let Some(r) = rev.get(ri) else { continue };
        cx.emit(Finding {
            rule: &TS_OVERLOAD_ADDED,
            message: format!("overload `{name}{}` was added", short(&r.display())),
            operation: op,
            pointer: format!("{name}#{}", ri + 1),
            base: None,
            rev: Some(&r.pos),
            before: None,
            after: Some(r.display()),
        });
    }
}

fn any() -> TypeText {
    TypeText::plain("any")
}

fn compare_pair(cx: &mut Cx, op: &str, at: &str, b: &Signature, r: &Signature) {
    generics::compare(cx, op, at, &b.type_params, &r.type_params, &b.pos, &r.pos);
    let n = b.params.len().max(r.params.len());
    for i in 0..n {
        match (b.params.get(i), r.params.get(i)) {
            (Some(p), Some(q)) => compare_param(cx, op, at, i, p, q, b, r),
            (Some(p), None) => cx.emit(Finding {
                rule: &TS_PARAMETER_REMOVED,
                message: format!("parameter `{}` (#{}) of `{at}` was removed; calls that pass it no longer compile", p.name, i + 1),
                operation: op,
                pointer: format!("{at}({})", p.name),
                base: Some(&b.pos),
                rev: Some(&r.pos),
                before: Some(param_text(p)),
                after: None,
            }),
            (None, Some(q)) => {
                let (rule, how) =
                    if q.optional { (&TS_OPTIONAL_PARAMETER_ADDED, "optional") } else { (&TS_REQUIRED_PARAMETER_ADDED, "required") };
                cx.emit(Finding {
                    rule,
                    message: format!("{how} parameter `{}` was added to `{at}`", param_text(q)),
                    operation: op,
                    pointer: format!("{at}({})", q.name),
                    base: Some(&b.pos),
                    rev: Some(&r.pos),
                    before: None,
                    after: Some(param_text(q)),
                });
            }
            (None, None) => {}
        }
    }
    let (old, new) = (b.ret.clone().unwrap_or_else(any), r.ret.clone().unwrap_or_else(any));
    let label = format!("return type of `{at}`");
    let place = Place { op, pointer: format!("{at}()"), label: &label, variance: Variance::Output, pos: (&b.pos, &r.pos) };
    retyped(cx, &place, &old, &new);
}

/// Where a signature type sits: the export, the pointer, how messages name it (`return type
/// of `f``), which way it leans and the positions.
struct Place<'a> {
    op: &'a str,
    pointer: String,
    label: &'a str,
    variance: Variance,
    pos: (&'a Pos, &'a Pos),
}

/// The rule for a type that only widened or narrowed (or changed) in a parameter or return.
fn leaning(variance: Variance, how: Relation) -> Option<(&'static Rule, &'static str)> {
    let input = variance == Variance::Input;
    Some(match how {
        Relation::Same => return None,
        Relation::Wider if input => (&TS_PARAMETER_TYPE_WIDENED, "was widened"),
        Relation::Narrower if input => (&TS_PARAMETER_TYPE_NARROWED, "was narrowed"),
        Relation::Different if input => (&TS_PARAMETER_TYPE_CHANGED, "changed"),
        Relation::Wider => (&TS_RETURN_TYPE_WIDENED, "was widened"),
        Relation::Narrower => (&TS_RETURN_TYPE_NARROWED, "was narrowed"),
        Relation::Different => (&TS_RETURN_TYPE_CHANGED, "changed"),
    })
}

/// Reports how a parameter or return type moved: tuples element by element, intersections
/// member by member, else by union members; each with the variance of the position.
fn retyped(cx: &mut Cx, place: &Place, old: &TypeText, new: &TypeText) {
    if relate(old, new) == Relation::Same {
        return;
    }
    let (bp, rp) = place.pos;
    let emit = |cx: &mut Cx, pointer: String, how: Relation, message: String| {
        let Some((rule, _)) = leaning(place.variance, how) else { return };
        let (before, after) = (Some(old.text.clone()), Some(new.text.clone()));
        cx.emit(Finding { rule, message, operation: place.op, pointer, base: Some(bp), rev: Some(rp), before, after });
    };
    let member =
        |t: &TypeText, pos: &Pos| Member { ty: Some(t.clone()), ..Member::new(place.label.to_string(), MemberKind::Property, pos.clone()) };
    let at = place.pointer.as_str();
    let hooks = tuples::Hooks {
        variance: place.variance,
        retype: &mut |cx, at, m, n| {
            let label = format!("type of `{at}`");
            let inner = Place { op: place.op, pointer: at.to_string(), label: &label, variance: place.variance, pos: place.pos };
            retyped(cx, &inner, m.ty.as_ref().unwrap_or(&any()), n.ty.as_ref().unwrap_or(&any()));
        },
        lean: &mut |cx, pointer, how, message| emit(cx, pointer, how, message),
    };
    if tuples::compare(cx, place.op, at, (&member(old, bp), &member(new, rp)), (old, new), hooks) {
        return;
    }
    if let Some((lost, gained)) = tuples::intersection_delta(old, new) {
        if !gained.is_empty() {
            emit(cx, at.to_string(), Relation::Narrower, format!("{} gained intersection member {}", place.label, listing(&gained)));
        }
        if !lost.is_empty() {
            emit(cx, at.to_string(), Relation::Wider, format!("{} lost intersection member {}", place.label, listing(&lost)));
        }
        return;
    }
    // Template literal types relate by the values their patterns admit.
    let how = templates::relation(old, new).unwrap_or_else(|| relate(old, new));
    let Some((_, verb)) = leaning(place.variance, how) else { return };
    let (was, now) = (templates::quote(&short(&old.text)), templates::quote(&short(&new.text)));
    let message = format!("{} {verb} from {was} to {now}", place.label);
    emit(cx, at.to_string(), how, message);
}

fn param_text(p: &Param) -> String {
    format!(
        "{}{}{}: {}",
        if p.rest { "..." } else { "" },
        p.name,
        if p.optional && !p.rest { "?" } else { "" },
        p.ty.as_ref().map_or("any", |t| &t.text)
    )
}

#[allow(clippy::too_many_arguments)]
fn compare_param(cx: &mut Cx, op: &str, at: &str, i: usize, p: &Param, q: &Param, b: &Signature, r: &Signature) {
    let pointer = format!("{at}({})", q.name);
    if p.optional && !q.optional {
        cx.emit(Finding {
            rule: &TS_PARAMETER_BECAME_REQUIRED,
            message: format!("parameter `{}` (#{}) of `{at}` became required", q.name, i + 1),
            operation: op,
            pointer: pointer.clone(),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before: Some(param_text(p)),
            after: Some(param_text(q)),
        });
    } else if !p.optional && q.optional {
        cx.emit(Finding {
            rule: &TS_PARAMETER_BECAME_OPTIONAL,
            message: format!("parameter `{}` (#{}) of `{at}` became optional", q.name, i + 1),
            operation: op,
            pointer: pointer.clone(),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before: Some(param_text(p)),
            after: Some(param_text(q)),
        });
    }
    let (old, new) = (p.ty.clone().unwrap_or_else(any), q.ty.clone().unwrap_or_else(any));
    let label = format!("type of parameter `{}` (#{}) of `{at}`", q.name, i + 1);
    let place = Place { op, pointer, label: &label, variance: Variance::Input, pos: (&b.pos, &r.pos) };
    retyped(cx, &place, &old, &new);
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&TS_REQUIRED_PARAMETER_ADDED, Proof::Code),
        (&TS_PARAMETER_REMOVED, Proof::Code),
        (&TS_PARAMETER_BECAME_REQUIRED, Proof::Code),
        (&TS_PARAMETER_TYPE_NARROWED, Proof::Code),
        (&TS_PARAMETER_TYPE_CHANGED, Proof::Code),
        (&TS_RETURN_TYPE_WIDENED, Proof::Code),
        (&TS_RETURN_TYPE_CHANGED, Proof::Code),
        (&TS_OVERLOAD_REMOVED, Proof::Code),
    ]
};
