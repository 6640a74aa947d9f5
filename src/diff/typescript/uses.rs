//! Where a named type is used: after comparison, a change to an interface, class, type alias
//! or enum lists the exported declarations whose types mention it (`affected`), so a change to a
//! shared declaration is reported once, where it is declared, with its uses.

use crate::diff::Change;
use crate::spec::typescript::{Signature, Surface, Symbol, SymbolKind, TypeText};
use std::collections::{BTreeSet, HashMap};

/// Most uses listed on one change.
const MAX_AFFECTED: usize = 25;

/// Adds the uses of each changed named type (looked up in the revision) to its change.
pub(super) fn annotate(changes: &mut [Change], base: &Surface, rev: &Surface) {
    let named = |s: &Surface, op: &str| {
        [SymbolKind::Interface, SymbolKind::Class, SymbolKind::TypeAlias, SymbolKind::Enum]
            .iter()
            .any(|k| s.symbols.contains_key(&(op.to_string(), *k)))
    };
    if !changes.iter().any(|c| c.operation.as_deref().is_some_and(|op| named(base, op) || named(rev, op))) {
        return;
    }
    let index = index(rev);
    for c in changes.iter_mut() {
        let Some(op) = c.operation.clone() else { continue };
        if !(named(base, &op) || named(rev, &op)) || !shallow(c, &op) || registry(rev, &op) {
            continue;
        }
        let word = op.rsplit('.').next().unwrap_or(&op);
        let Some(users) = index.get(word) else { continue };
        let mut all: BTreeSet<String> = c.affected.iter().cloned().collect();
        all.extend(users.iter().filter(|u| **u != op && !u.starts_with(&format!("{op}."))).take(MAX_AFFECTED).cloned());
        c.affected = all.into_iter().collect();
    }
}

/// The change is to the named type itself or one of its own members (nested changes are
/// reported at their path; listing every use of the outer type would be noise).
fn shallow(c: &Change, op: &str) -> bool {
    let pointer = c.revision.as_ref().or(c.base.as_ref()).map_or(op, |l| l.pointer.as_str());
    pointer.strip_prefix(op).is_some_and(|rest| rest.is_empty() || !rest.get(1..).unwrap_or("").contains('.'))
}

/// A generated registry (`operations`, `components` with hundreds of entries) is addressed by
/// indexed access; its uses say nothing about which entry they need.
fn registry(s: &Surface, op: &str) -> bool {
    s.symbols.get(&(op.to_string(), SymbolKind::Interface)).is_some_and(|i| i.members.len() > 100)
}

/// Identifier → the exported declarations and members whose types mention it.
fn index(s: &Surface) -> HashMap<&str, BTreeSet<String>> {
    let mut out: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for sym in s.symbols.values() {
        for (t, at) in types_of(sym) {
            for w in words(&t.key) {
                let entry = out.entry(w).or_default();
                if entry.len() < MAX_AFFECTED * 4 {
                    entry.insert(at.clone());
                }
            }
        }
    }
    out
}

/// Every type a symbol mentions directly, with the address it is mentioned at.
fn types_of(sym: &Symbol) -> Vec<(&TypeText, String)> {
    let mut out: Vec<(&TypeText, String)> = Vec::new();
    out.extend(sym.ty.iter().map(|t| (t, sym.name.clone())));
    out.extend(sig_types(&sym.sigs).into_iter().map(|t| (t, sym.name.clone())));
    out.extend(sym.heritage.iter().map(|t| (t, sym.name.clone())));
    for m in sym.members.values() {
        let at = format!("{}.{}", sym.name, m.name);
        out.extend(m.ty.iter().map(|t| (t, at.clone())));
        out.extend(sig_types(&m.sigs).into_iter().map(|t| (t, at.clone())));
    }
    out
}

fn sig_types(sigs: &[Signature]) -> Vec<&TypeText> {
    sigs.iter().flat_map(|s| s.params.iter().filter_map(|p| p.ty.as_ref()).chain(s.ret.as_ref())).collect()
}

fn words(key: &str) -> impl Iterator<Item = &str> {
    key.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).filter(|w| w.chars().next().is_some_and(|c| !c.is_ascii_digit()))
}
