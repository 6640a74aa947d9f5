//! Comparison of two TypeScript exported surfaces, following the semver-for-TypeScript rules
//! (<https://www.semver-ts.org>): one file per rule family, all driven from [`compare`].
//!
//! Positions are not always knowable from declarations alone: an interface may be implemented
//! by callers (input) or only handed to them (output). Where a change breaks one side only and
//! the side cannot be told, the rule takes the conservative level and its message says why.

mod cx;
mod enums;
mod exports;
mod generics;
mod handlers;
mod members;
mod properties;
mod refs;
mod signatures;
mod templates;
mod tuples;
mod types;
mod uses;

/// Whether a union member is `X[keyof X]` of an interface with no members (`never`).
pub(crate) use refs::is_never;

pub(crate) use cx::{Cx, Finding, parent_gone, short};

use super::sink::Sink;
use super::{Change, Options, Rule};
use crate::spec::typescript::{Surface, Symbol, SymbolKind};
use std::collections::BTreeMap;

/// How each family proves its breaking rules (see `crate::witness`); `export =` targets, base
/// types and type parameter constraints have no builder (they need a type checker's assignability).
pub const PROOFS: &[&[(&Rule, super::witness::Proof)]] = &[
    enums::PROOFS,
    exports::PROOFS,
    generics::PROOFS,
    members::PROOFS,
    properties::PROOFS,
    signatures::PROOFS,
    tuples::PROOFS,
    types::PROOFS,
];

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] =
    &[exports::ALL, signatures::ALL, members::ALL, generics::ALL, enums::ALL, types::ALL, properties::ALL, tuples::ALL];
/// Compares two surfaces.
pub fn compare(base: &Surface, rev: &Surface, _opts: &Options) -> Vec<Change> {
    let mut cx = Cx { out: Sink::new(), base, rev, depth: 0, followed: Default::default() };
    let mut names: BTreeMap<&str, (Vec<&Symbol>, Vec<&Symbol>)> = BTreeMap::new();
    for ((name, _), s) in &base.symbols {
        names.entry(name.as_str()).or_default().0.push(s);
    }
    for ((name, _), s) in &rev.symbols {
        names.entry(name.as_str()).or_default().1.push(s);
    }
    for (name, (b, r)) in &names {
        let removed: Vec<&Symbol> = b.iter().copied().filter(|s| !r.iter().any(|t| t.kind == s.kind)).collect();
        let added: Vec<&Symbol> = r.iter().copied().filter(|s| !b.iter().any(|t| t.kind == s.kind)).collect();
        for bs in b {
            if let Some(rs) = r.iter().find(|t| t.kind == bs.kind) {
                compare_symbol(&mut cx, bs, rs);
            }
        }
        match (removed.first(), added.first()) {
            (Some(old), Some(new)) => exports::kind_changed(&mut cx, old, new),
            (Some(_), None) => {
                if !parent_gone(name, base, rev) {
                    let inner = base
                        .symbols
                        .keys()
                        .filter(|(n, _)| n.len() > name.len() && n.starts_with(name) && n.as_bytes().get(name.len()) == Some(&b'.'))
                        .count();
                    for old in &removed {
                        exports::removed(&mut cx, old, r.first().copied(), inner);
                    }
                }
            }
            (None, Some(_)) => {
                if !parent_gone(name, rev, base) {
                    for new in &added {
                        exports::added(&mut cx, new);
                    }
                }
            }
            (None, None) => {}
        }
    }
    // Unexported types that exported ones name (declared without `export`, or imported): a
    // change to one is reported once, where it is declared, with its uses.
    if !(base.hidden.is_empty() && rev.hidden.is_empty()) {
        let used = uses::reachable(base, rev);
        for (key, b) in &base.hidden {
            if let Some(r) = rev.hidden.get(key)
                && used.contains(key.0.as_str())
            {
                compare_symbol(&mut cx, b, r);
            }
        }
    }
    let mut changes = cx.out.into_changes();
    uses::annotate(&mut changes, base, rev);
    changes
}
fn compare_symbol(cx: &mut Cx, b: &Symbol, r: &Symbol) {
    match b.kind {
        SymbolKind::Function => signatures::compare_overloads(cx, &b.name, &b.name, &b.sigs, &r.sigs),
        SymbolKind::Class | SymbolKind::Interface => {
            generics::compare(cx, &b.name, &b.name, &b.type_params, &r.type_params, &b.pos, &r.pos);
            members::compare_heritage(cx, b, r);
            if b.kind == SymbolKind::Class && !b.is_abstract && r.is_abstract {
                members::became_abstract(cx, b, r);
            }
            members::compare(cx, b, r);
        }
        SymbolKind::TypeAlias => {
            generics::compare_alias(cx, &b.name, &b.type_params, &r.type_params, &b.pos, &r.pos);
            if b.structural && r.structural {
                members::compare(cx, b, r);
            } else {
                types::alias(cx, b, r);
            }
        }
        SymbolKind::Enum => enums::compare(cx, b, r),
        SymbolKind::Variable => types::variable(cx, b, r),
        SymbolKind::Reexport => exports::reexport(cx, b, r),
        SymbolKind::ExportAssignment => exports::assignment(cx, b, r),
        SymbolKind::Namespace => {}
    }
}

#[cfg(test)]
mod tests {
    use super::cx::parent_of;
    use crate::source::Input;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn diff(base: &str, rev: &str) -> Vec<crate::diff::Change> {
        let load = |text: &str| {
            let input = Input {
                name: "t.d.ts".into(),
                path: PathBuf::from("t.d.ts"),
                text: text.into(),
                fetch: Arc::new(crate::source::FsFetch::default()),
            };
            crate::spec::typescript::load(&input).unwrap()
        };
        super::compare(&load(base), &load(rev), &crate::diff::Options::default())
    }

    fn affected<'c>(changes: &'c [crate::diff::Change], pointer: &str) -> &'c [String] {
        let c = changes.iter().find(|c| c.revision.as_ref().or(c.base.as_ref()).is_some_and(|l| l.pointer == pointer));
        c.map_or(&[], |c| c.affected.as_slice())
    }

    #[test]
    fn changes_to_named_types_list_their_uses_at_any_depth() {
        let base = "export interface User { login: string; address: { city: string; zip: string } }
            export interface Repo { owner: User; list(u: User): void }
            export interface components { schemas: { user: { id: number; tags: { a: string } }; repo: { owner: components[\"schemas\"][\"user\"] } } }";
        let rev = base.replace("zip: string", "").replace("a: string", "");
        let changes = diff(base, &rev);
        assert_eq!(affected(&changes, "User.address.zip"), ["Repo.list", "Repo.owner"]);
        assert_eq!(affected(&changes, "components.schemas.user.tags.a"), ["components.schemas.repo.owner"]);
    }

    #[test]
    fn self_referencing_types_renamed_end_with_a_result() {
        let base = "export interface A { next: A; kids: { a: A }[] } export interface B { next: B; kids: { a: B }[]; x?: 1 } export interface R { h: A }";
        let changes = diff(base, &base.replace("h: A", "h: B"));
        let ids: Vec<&str> = changes.iter().map(|c| c.rule.id).collect();
        assert_eq!(ids, ["ts-optional-member-added"]);
    }

    #[test]
    fn parents_ignore_dots_in_module_names() {
        assert_eq!(parent_of("A.B.c"), Some("A.B"));
        assert_eq!(parent_of("A"), None);
        assert_eq!(parent_of("\"./x.js\".f"), Some("\"./x.js\""));
        assert_eq!(parent_of("\"./x.js\""), None);
    }
}
