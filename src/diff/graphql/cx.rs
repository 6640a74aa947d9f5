//! What every GraphQL rule family shares: the comparison context ([`Cx`]) that emits
//! changes, the element being compared ([`Site`]) and how locations are made.

use crate::diff::sink::Sink;
use crate::diff::{Change, Location, Rule};
use crate::spec::graphql::{Pos, Schema, TypeKind, TypeRef, Wrap};
use std::collections::HashSet;

/// The comparison in progress: both schemas and the changes found so far.
pub(crate) struct Cx<'a> {
    pub(crate) base: &'a Schema,
    pub(crate) rev: &'a Schema,
    pub(crate) out: Sink,
    /// Enums that some object or interface field returns in the revision: new values reach clients.
    pub(crate) output_enums: HashSet<String>,
}

/// One element present on both sides (or on one side, for additions and removals): its schema
/// coordinate, how messages name it, the operation it belongs to, and its positions.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) coord: String,
    pub(crate) what: String,
    pub(crate) op: Option<String>,
    pub(crate) base_pos: Option<Pos>,
    pub(crate) rev_pos: Option<Pos>,
}

impl Site {
    pub(crate) fn new(
        coord: impl Into<String>,
        what: impl Into<String>,
        op: Option<String>,
        base_pos: Option<Pos>,
        rev_pos: Option<Pos>,
    ) -> Site {
        Site { coord: coord.into(), what: what.into(), op, base_pos, rev_pos }
    }
}

/// Which sides of a site a change points at.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sides {
    Base,
    Rev,
    Both,
}

pub(crate) fn loc(schema: &Schema, coord: &str, pos: Option<Pos>) -> Location {
    match pos {
        Some(p) => Location::at(&schema.file, coord, p.line, p.column),
        None => Location::new(&schema.file, coord),
    }
}

impl Cx<'_> {
    /// Records a change at `site`, pointing at the given sides, with optional old/new values.
    pub(crate) fn emit(
        &mut self,
        rule: &'static Rule,
        site: &Site,
        sides: Sides,
        message: String,
        before: Option<String>,
        after: Option<String>,
    ) {
        self.emit_at(rule, site, &site.coord, sides, message, before, after);
    }

    /// Like [`Cx::emit`] with a pointer other than the site's coordinate (directive usages).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn emit_at(
        &mut self,
        rule: &'static Rule,
        site: &Site,
        pointer: &str,
        sides: Sides,
        message: String,
        before: Option<String>,
        after: Option<String>,
    ) {
        let base = matches!(sides, Sides::Base | Sides::Both).then(|| loc(self.base, pointer, site.base_pos));
        let rev = matches!(sides, Sides::Rev | Sides::Both).then(|| loc(self.rev, pointer, site.rev_pos));
        self.push(rule, site.op.clone(), base, rev, message, before, after);
    }

    /// Records a change from its parts (renames point at different coordinates on each side).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        rule: &'static Rule,
        op: Option<String>,
        base: Option<Location>,
        rev: Option<Location>,
        message: String,
        before: Option<String>,
        after: Option<String>,
    ) {
        let mut c = Change::new(rule, message).locs(base, rev).values(before, after);
        if let Some(op) = op {
            c = c.operation(op);
        }
        self.out.push(c);
    }

    /// Records a rename: the base side at `from`, the revision side at `to`.
    pub(crate) fn rename(&mut self, rule: &'static Rule, op: String, from: (&str, Option<Pos>), to: (&str, Option<Pos>), message: String) {
        let base = Some(loc(self.base, from.0, from.1));
        let rev = Some(loc(self.rev, to.0, to.1));
        self.push(rule, Some(op), base, rev, message, Some(from.0.to_string()), Some(to.0.to_string()));
    }
}

pub(crate) fn output_enums(s: &Schema) -> HashSet<String> {
    let mut out = HashSet::new();
    for t in s.types.values() {
        if matches!(t.kind, TypeKind::Object | TypeKind::Interface) {
            for f in t.fields.values() {
                if s.types.get(&f.ty.name).is_some_and(|e| e.kind == TypeKind::Enum) {
                    out.insert(f.ty.name.clone());
                }
            }
        }
    }
    out
}

/// Whether a client reading an output of type `old` still understands `new` (graphql-js
/// `isChangeSafeForObjectOrInterfaceField`): only adding non-null wrappers is safe.
pub(crate) fn output_safe(old: &TypeRef, new: &TypeRef) -> bool {
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.layers.get(i), new.layers.get(j)) {
            (None, None) => return old.name == new.name,
            (Some(Wrap::NonNull), Some(Wrap::NonNull)) | (Some(Wrap::List), Some(Wrap::List)) => {
                i += 1;
                j += 1;
            }
            (Some(Wrap::List) | None, Some(Wrap::NonNull)) => j += 1,
            _ => return false,
        }
    }
}

/// Whether every value a client sends for an input of type `old` is still accepted by `new`
/// (graphql-js `isChangeSafeForInputObjectFieldOrFieldArg`): only dropping non-null is safe.
pub(crate) fn input_safe(old: &TypeRef, new: &TypeRef) -> bool {
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.layers.get(i), new.layers.get(j)) {
            (None, None) => return old.name == new.name,
            (Some(Wrap::NonNull), Some(Wrap::NonNull)) | (Some(Wrap::List), Some(Wrap::List)) => {
                i += 1;
                j += 1;
            }
            (Some(Wrap::NonNull), _) => i += 1,
            _ => return false,
        }
    }
}

/// Pairs removed and added names whose signatures are equal and unique on both sides: these are
/// renames. Returns `(old, new)` pairs in the order of `removed`.
pub(crate) fn pair_renames<'n>(removed: &[(&'n str, String)], added: &[(&'n str, String)]) -> Vec<(&'n str, &'n str)> {
    use std::collections::HashMap;
    let mut by_sig: HashMap<&str, (Vec<&str>, Vec<&str>)> = HashMap::new();
    for (name, sig) in removed {
        by_sig.entry(sig.as_str()).or_default().0.push(name);
    }
    for (name, sig) in added {
        by_sig.entry(sig.as_str()).or_default().1.push(name);
    }
    removed
        .iter()
        .filter_map(|(_, sig)| match by_sig.get(sig.as_str()) {
            Some((r, a)) if r.len() == 1 && a.len() == 1 => Some((*r.first()?, *a.first()?)),
            _ => None,
        })
        .collect()
}
