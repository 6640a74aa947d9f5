//! What every TypeScript rule family shares: the comparison context ([`Cx`]) that emits
//! findings, and how long type text is shortened for messages.

use crate::diff::sink::Sink;
use crate::diff::{Change, Location, Rule};
use crate::spec::typescript::{Pos, Surface, SymbolKind, scope_of};

/// True when the namespace holding `name` exists in `from` but not at all in `to`: the change is
/// reported once, on the namespace.
pub(crate) fn parent_gone(name: &str, from: &Surface, to: &Surface) -> bool {
    let Some(parent) = parent_of(name) else { return false };
    let exists = |s: &Surface| s.symbols.range((parent.to_string(), SymbolKind::Function)..).next().is_some_and(|((n, _), _)| n == parent);
    exists(from) && !exists(to)
}

/// `A.B.c` → `A.B`; dots inside a quoted module name do not count.
pub(crate) fn parent_of(name: &str) -> Option<&str> {
    Some(scope_of(name)).filter(|s| !s.is_empty())
}

/// The comparison's output and helpers shared by the rule families.
pub(crate) struct Cx<'s> {
    pub(crate) out: Sink,
    pub(crate) base: &'s Surface,
    pub(crate) rev: &'s Surface,
    /// How many nested object types deep the comparison is (bounded, so hostile input cannot
    /// exhaust the caller's stack).
    pub(crate) depth: usize,
    /// Pairs of referenced types (base key, revision key) already compared member by member:
    /// each pair is compared once, so self-referencing types end and shared ones cost once.
    pub(crate) followed: std::collections::HashSet<(String, String)>,
}

/// One finding before it becomes a [`Change`].
pub(crate) struct Finding<'a> {
    pub(crate) rule: &'static Rule,
    pub(crate) message: String,
    /// The exported symbol the change concerns.
    pub(crate) operation: &'a str,
    /// The changed element's qualified address.
    pub(crate) pointer: String,
    pub(crate) base: Option<&'a Pos>,
    pub(crate) rev: Option<&'a Pos>,
    pub(crate) before: Option<String>,
    pub(crate) after: Option<String>,
}

impl Cx<'_> {
    pub(crate) fn emit(&mut self, f: Finding) {
        let loc = |p: Option<&Pos>| p.map(|p| Location::at(&p.file, &f.pointer, p.line, p.column));
        let change = Change::new(f.rule, f.message).operation(f.operation).locs(loc(f.base), loc(f.rev)).values(f.before, f.after);
        self.out.push(change);
    }
}

/// Shortens long type text for messages.
pub(crate) fn short(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
