//! Exported declarations appearing, disappearing or changing kind, and the module-level
//! plumbing: `export =` targets and re-exports that could not be followed.

use super::{Cx, Finding, short};
use crate::spec::typescript::{Symbol, SymbolKind};

crate::rules! {
    /// An exported declaration was removed.
    ///
    /// ## What it detects
    /// A function, class, interface, type alias, enum, namespace or variable that the base
    /// exports and the revision no longer exports (members of a removed namespace are reported
    /// once, on the namespace).
    ///
    /// ## Why it matters
    /// Every import or qualified reference to it stops compiling.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export type VFC<P = {}> = FunctionComponent<P>;
    /// // revision: VFC is gone
    /// ```
    ///
    /// ## How to migrate
    /// Keep the export as a deprecated alias (`/** @deprecated */ export type VFC = FC;`) for a
    /// major version, or release the removal as a major version with a migration note.
    TS_EXPORT_REMOVED = "ts-export-removed", TypeScript, Breaking, None, "export", Removed,
        "An exported declaration was removed";

    /// A new declaration is exported.
    ///
    /// ## What it detects
    /// A name (or a new kind of declaration under an existing name) that only the revision exports.
    ///
    /// ## Why it matters
    /// It does not break anyone; it is listed so the report reads as a changelog. (A new global
    /// declaration can clash with a same-named global elsewhere, which is rare.)
    ///
    /// ## Example
    /// ```ts
    /// // revision
    /// export function useActionState<S>(action: (s: S) => S, initial: S): [S, () => void];
    /// ```
    ///
    /// ## How to migrate
    /// Nothing to do.
    TS_EXPORT_ADDED = "ts-export-added", TypeScript, Info, None, "export", Added,
        "A new declaration is exported";

    /// An exported name now declares a different kind of thing.
    ///
    /// ## What it detects
    /// The same name exported as, say, an interface in the base and a type alias, class or
    /// variable in the revision.
    ///
    /// ## Why it matters
    /// Kinds differ in what callers may do: interfaces can be merged and implemented, classes
    /// constructed and extended, types cannot be used as values, values cannot be used as types.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export interface Props { a: string }
    /// // revision
    /// export type Props = { a: string };
    /// ```
    ///
    /// ## How to migrate
    /// Keep the old kind, or publish the change in a major version noting which uses stop working.
    TS_EXPORT_KIND_CHANGED = "ts-export-kind-changed", TypeScript, Breaking, None, "export", Changed,
        "An exported name changed kind (interface, type, class, function, ...)";

    /// `export =` points at something else.
    ///
    /// ## What it detects
    /// The target of a CommonJS-style `export = X` changed (an assignment that appears or
    /// disappears is reported as `ts-export-added` / `ts-export-removed` of `export=`).
    ///
    /// ## Why it matters
    /// `import x = require("pkg")` and `import x from "pkg"` (with `esModuleInterop`) resolve to
    /// the assigned entity; a different target is a different module shape.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export = React;
    /// // revision
    /// export = ReactDOM;
    /// ```
    ///
    /// ## How to migrate
    /// Keep the assigned name, or publish a major version.
    TS_EXPORT_ASSIGNMENT_CHANGED = "ts-export-assignment-changed", TypeScript, Breaking, None, "export", Changed,
        "The target of `export =` changed";

    /// A re-export that could not be followed now comes from elsewhere.
    ///
    /// ## What it detects
    /// An `export { x } from "pkg"` or `export * from "pkg"` whose module is a package or a file
    /// outside the loaded set, when its source or local name changed.
    ///
    /// ## Why it matters
    /// The re-exported declaration may now be a different one; apidiff cannot see inside it.
    ///
    /// ## Example
    /// ```ts
    /// // base
    /// export { Schema } from "schema-v1";
    /// // revision
    /// export { Schema } from "schema-v2";
    /// ```
    ///
    /// ## How to migrate
    /// Compare the two packages' declarations as well, or pin the re-exported package's major version.
    TS_REEXPORT_SOURCE_CHANGED = "ts-reexport-source-changed", TypeScript, Warning, None, "export", Changed,
        "A re-export now comes from a different module";
}

fn what(s: &Symbol) -> String {
    match s.kind {
        SymbolKind::Reexport => format!("re-export `{}`", s.name),
        SymbolKind::ExportAssignment => "`export =`".to_string(),
        SymbolKind::Namespace if s.name == "global" => "the `declare global` block".to_string(),
        k => format!("{} `{}`", k.as_str(), s.name),
    }
}

pub(super) fn removed(cx: &mut Cx, old: &Symbol, survivor: Option<&Symbol>, inner: usize) {
    let mut rest = survivor.map_or(String::new(), |s| format!(" (`{}` remains as a {})", s.name, s.kind.as_str()));
    if old.kind == SymbolKind::Namespace && inner > 0 {
        rest.push_str(&format!(" with the {inner} declarations inside it"));
    }
    cx.emit(Finding {
        rule: &TS_EXPORT_REMOVED,
        message: format!("{} was removed{rest}", what(old)),
        operation: &old.name,
        pointer: old.name.clone(),
        base: Some(&old.pos),
        rev: None,
        before: Some(old.kind.as_str().to_string()),
        after: None,
    });
}

pub(super) fn added(cx: &mut Cx, new: &Symbol) {
    cx.emit(Finding {
        rule: &TS_EXPORT_ADDED,
        message: format!("{} was added", what(new)),
        operation: &new.name,
        pointer: new.name.clone(),
        base: None,
        rev: Some(&new.pos),
        before: None,
        after: Some(new.kind.as_str().to_string()),
    });
}

pub(super) fn kind_changed(cx: &mut Cx, old: &Symbol, new: &Symbol) {
    cx.emit(Finding {
        rule: &TS_EXPORT_KIND_CHANGED,
        message: format!("`{}` changed from a {} to a {}", old.name, old.kind.as_str(), new.kind.as_str()),
        operation: &old.name,
        pointer: old.name.clone(),
        base: Some(&old.pos),
        rev: Some(&new.pos),
        before: Some(old.kind.as_str().to_string()),
        after: Some(new.kind.as_str().to_string()),
    });
}

pub(super) fn assignment(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    let (Some(old), Some(new)) = (&b.ty, &r.ty) else { return };
    if old.key != new.key {
        cx.emit(Finding {
            rule: &TS_EXPORT_ASSIGNMENT_CHANGED,
            message: format!("`export =` changed from `{}` to `{}`", short(&old.text), short(&new.text)),
            operation: &b.name,
            pointer: b.name.clone(),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before: Some(old.text.clone()),
            after: Some(new.text.clone()),
        });
    }
}

pub(super) fn reexport(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    let (Some(old), Some(new)) = (&b.ty, &r.ty) else { return };
    if old.key != new.key {
        cx.emit(Finding {
            rule: &TS_REEXPORT_SOURCE_CHANGED,
            message: format!("re-export `{}` changed from `{}` to `{}`", b.name, short(&old.text), short(&new.text)),
            operation: &b.name,
            pointer: b.name.clone(),
            base: Some(&b.pos),
            rev: Some(&r.pos),
            before: Some(old.text.clone()),
            after: Some(new.text.clone()),
        });
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): consumer
/// code built and checked on both surfaces by `crate::witness::typescript`.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&TS_EXPORT_REMOVED, Proof::Code), (&TS_EXPORT_KIND_CHANGED, Proof::Code)]
};
