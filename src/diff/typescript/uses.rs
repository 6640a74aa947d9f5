//! Where a named type is used: after comparison, a change to an interface, class, type alias
//! or enum lists the exported declarations whose types mention it (`affected`), so a change to a
//! shared declaration is reported once, where it is declared, with its uses.

use crate::diff::Change;
use crate::spec::typescript::{Member, Signature, Surface, Symbol, SymbolKind, TypeText};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Most uses listed on one change.
const MAX_AFFECTED: usize = 25;

/// Adds the uses of each changed named type (looked up in the revision) to its change, for a
/// change to the type itself and for one nested inside it. Entries of a generated registry
/// (`components["schemas"]["repository"]`) list the members that name that entry.
pub(super) fn annotate(changes: &mut [Change], base: &Surface, rev: &Surface) {
    let named = |s: &Surface, op: &str| {
        [SymbolKind::Interface, SymbolKind::Class, SymbolKind::TypeAlias, SymbolKind::Enum]
            .iter()
            .any(|k| s.symbols.contains_key(&(op.to_string(), *k)) || s.hidden.contains_key(&(op.to_string(), *k)))
    };
    if !changes.iter().any(|c| c.operation.as_deref().is_some_and(|op| named(base, op) || named(rev, op))) {
        return;
    }
    let index = index(rev);
    // Entries by indexed-access path, built when first needed: the revision's for a change that
    // exists there, the base's for a removal.
    let mut entries: [Option<Entries>; 2] = [None, None];
    for c in changes.iter_mut() {
        let Some(op) = c.operation.clone() else { continue };
        if !(named(base, &op) || named(rev, &op)) {
            continue;
        }
        let pointer = c.revision.as_ref().or(c.base.as_ref()).map_or(op.as_str(), |l| l.pointer.as_str());
        let (surface, slot) = if c.revision.is_some() { (rev, 0) } else { (base, 1) };
        let Some(found) = entries.get_mut(slot) else { continue };
        let found = found.get_or_insert_with(|| indexed(surface));
        let entry = if pointer.len() > op.len() { entry_users(&found.users, pointer) } else { None };
        let (users, owner) = match entry {
            Some((users, entry)) => (users, entry),
            // Named by indexed access: uses of its name say nothing about which entry they need.
            None if found.roots.contains(&op) || registry(surface, &op) => continue,
            None => {
                let word = op.rsplit('.').next().unwrap_or(&op);
                let Some(users) = index.get(word) else { continue };
                (users, op.clone())
            }
        };
        let mut all: BTreeSet<String> = c.affected.iter().cloned().collect();
        all.extend(users.iter().filter(|u| **u != owner && !u.starts_with(&format!("{owner}."))).take(MAX_AFFECTED).cloned());
        c.affected = all.into_iter().collect();
    }
}

/// The users of the longest registry entry path that `pointer` starts with.
fn entry_users<'i>(entries: &'i HashMap<String, BTreeSet<String>>, pointer: &str) -> Option<(&'i BTreeSet<String>, String)> {
    let mut end = pointer.len();
    loop {
        let prefix = pointer.get(..end)?;
        if let Some(users) = entries.get(prefix) {
            return Some((users, prefix.to_string()));
        }
        end = prefix.rfind('.')?;
    }
}

/// Uses by indexed access in one surface.
#[derive(Default)]
struct Entries {
    /// Indexed-access path (`components.schemas.repository`) → the members, by full path at any
    /// depth, whose own types name it (`components["schemas"]["repository"]`).
    users: HashMap<String, BTreeSet<String>>,
    /// The names indexed into (`components`).
    roots: HashSet<String>,
}

fn indexed(s: &Surface) -> Entries {
    let mut out = Entries::default();
    let mut stack: Vec<(&Member, String)> = Vec::new();
    for sym in s.symbols.values() {
        stack.extend(sym.members.values().map(|m| (m, format!("{}.{}", sym.name, m.name))));
    }
    while let Some((m, at)) = stack.pop() {
        // A member holding an object type: its own text is the frame; its members say the rest.
        let own = match &m.shape {
            Some(shape) => {
                stack.extend(shape.members.values().map(|c| (c, format!("{at}.{}", c.name))));
                shape.frame.as_str()
            }
            None => m.ty.as_ref().map_or("", |t| t.key.as_str()),
        };
        let sigs = sig_types(&m.sigs);
        for text in std::iter::once(own).chain(sigs.iter().map(|t| t.key.as_str())) {
            for chain in chains(text) {
                if let Some((root, _)) = chain.split_once('.')
                    && !out.roots.contains(root)
                {
                    out.roots.insert(root.to_string());
                }
                let users = out.users.entry(chain).or_default();
                if users.len() < MAX_AFFECTED * 4 {
                    users.insert(at.clone());
                }
            }
        }
    }
    out
}

/// Indexed-access chains in canonical type text: `a["b"]["c"]` → `a.b.c`.
fn chains(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("[\"") {
        let head = rest.get(..open).unwrap_or("");
        let root_start = head.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).map_or(0, |i| i + 1);
        let root = head.get(root_start..).unwrap_or("");
        let mut path = root.to_string();
        let mut tail = rest.get(open..).unwrap_or("");
        while let Some(after) = tail.strip_prefix("[\"") {
            let Some(close) = after.find("\"]") else { break };
            path.push('.');
            path.push_str(after.get(..close).unwrap_or(""));
            tail = after.get(close + 2..).unwrap_or("");
        }
        if !root.is_empty() && path.len() > root.len() {
            out.push(path);
        }
        if tail.len() >= rest.len().saturating_sub(open) {
            // No index was read: step past the bracket.
            tail = rest.get(open + 1..).unwrap_or("");
        }
        rest = tail;
    }
    out
}

/// A generated registry (`operations`, `components` with hundreds of entries) is addressed by
/// indexed access; uses of its name say nothing about which entry they need (its entries'
/// uses are found by indexed-access path instead).
fn registry(s: &Surface, op: &str) -> bool {
    s.symbols.get(&(op.to_string(), SymbolKind::Interface)).is_some_and(|i| i.members.len() > 100)
}

/// Identifier → the exported declarations and members whose types mention it.
fn index(s: &Surface) -> HashMap<&str, BTreeSet<String>> {
    let mut out: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for sym in s.symbols.values().chain(s.hidden.values()) {
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

/// The qualified names of the unexported types that exported declarations of either surface
/// mention, directly or through other unexported types (matched by identifier, like uses).
pub(super) fn reachable(base: &Surface, rev: &Surface) -> HashSet<String> {
    let mut by_word: HashMap<&str, Vec<&Symbol>> = HashMap::new();
    for sym in base.hidden.values().chain(rev.hidden.values()) {
        by_word.entry(sym.name.rsplit('.').next().unwrap_or(&sym.name)).or_default().push(sym);
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut queue: Vec<&str> = Vec::new();
    for sym in base.symbols.values().chain(rev.symbols.values()) {
        visit(sym, &by_word, &mut seen, &mut queue);
    }
    let mut out = HashSet::new();
    while let Some(w) = queue.pop() {
        for sym in by_word.get(w).into_iter().flatten() {
            if out.insert(sym.name.clone()) {
                visit(sym, &by_word, &mut seen, &mut queue);
            }
        }
    }
    out
}

/// Queues the words of `sym`'s types that name an unexported type not queued before.
fn visit<'s>(sym: &'s Symbol, by_word: &HashMap<&str, Vec<&Symbol>>, seen: &mut HashSet<&'s str>, queue: &mut Vec<&'s str>) {
    for (t, _) in types_of(sym) {
        for w in words(&t.key) {
            if by_word.contains_key(w) && seen.insert(w) {
                queue.push(w);
            }
        }
    }
}

/// Every type a symbol mentions directly, with the address it is mentioned at.
fn types_of(sym: &Symbol) -> Vec<(&TypeText, String)> {
    let mut out: Vec<(&TypeText, String)> = Vec::new();
    out.extend(sym.ty.iter().map(|t| (t, sym.name.clone())));
    out.extend(sig_types(&sym.sigs).into_iter().map(|t| (t, sym.name.clone())));
    out.extend(sym.heritage.iter().map(|t| (t, sym.name.clone())));
    for tp in &sym.type_params {
        out.extend(tp.constraint.iter().chain(tp.default.iter()).map(|t| (t, sym.name.clone())));
    }
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

#[cfg(test)]
mod tests {
    use super::chains;

    #[test]
    fn indexed_access_chains_are_read_from_type_text() {
        assert_eq!(chains(r#"components["schemas"]["user"][]|null"#), vec!["components.schemas.user".to_string()]);
        assert_eq!(chains(r#"{a:operations["x/y"],b:A["k"]}"#), vec!["operations.x/y".to_string(), "A.k".to_string()]);
        assert!(chains(r#"["a"]"#).is_empty());
        assert!(chains(r#"string[]"#).is_empty());
    }
}
