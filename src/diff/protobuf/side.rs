//! What every protobuf rule family shares: one version indexed for pairing ([`Side`]), and
//! locations, ranges and scopes.

use crate::diff::Location;
use crate::spec::protobuf::{Enum, File, Message, Package, Pos, Service};
use std::collections::BTreeMap;

/// One version, indexed for pairing.
pub(crate) struct Side<'a> {
    /// Files by pairing key (the entry file under `""`).
    pub(crate) files: BTreeMap<&'a str, &'a File>,
    /// Messages by fully qualified name.
    pub(crate) messages: BTreeMap<&'a str, (&'a File, &'a Message)>,
    /// Enums by fully qualified name.
    pub(crate) enums: BTreeMap<&'a str, (&'a File, &'a Enum)>,
    /// Services by fully qualified name.
    pub(crate) services: BTreeMap<&'a str, (&'a File, &'a Service)>,
}

impl<'a> Side<'a> {
    /// `by_name`: the entry files pair by name like the others (see [`entries_pair_by_name`]).
    pub(crate) fn new(pkg: &'a Package, by_name: bool) -> Self {
        Side {
            files: pkg.files.iter().map(|f| (if by_name { f.name.as_str() } else { file_key(f) }, f)).collect(),
            messages: pkg.messages().map(|(f, m)| (m.full_name.as_str(), (f, m))).collect(),
            enums: pkg.enums().map(|(f, e)| (e.full_name.as_str(), (f, e))).collect(),
            services: pkg.services().map(|(f, s)| (s.full_name.as_str(), (f, s))).collect(),
        }
    }
}

/// Whether the two entry files pair by name rather than with each other: when they differ and
/// the other side holds a file of the same name (a package led by another of its files), pairing
/// them would compare two different files.
pub(crate) fn entries_pair_by_name(base: &Package, rev: &Package) -> bool {
    let main = |p: &'_ Package| p.files.iter().find(|f| f.is_main).map(|f| f.name.clone());
    let has = |p: &Package, n: &str| p.files.iter().any(|f| f.name == n);
    match (main(base), main(rev)) {
        (Some(b), Some(r)) => b != r && (has(rev, &b) || has(base, &r)),
        _ => false,
    }
}

pub(crate) fn file_key(f: &File) -> &str {
    if f.is_main { "" } else { &f.name }
}

/// A location in `file` at `pos`, addressed by the qualified name `pointer`.
pub(crate) fn loc(file: &File, pointer: &str, pos: Pos) -> Location {
    match pos {
        Some((l, c)) => Location::at(&file.display, pointer, l, c),
        None => Location::new(&file.display, pointer),
    }
}

/// True when `name`'s enclosing message or package scope (`a.B` for `a.B.C`) is also in `set`,
/// so only the outermost of a deleted or added subtree is reported.
pub(crate) fn parent_in<T>(name: &str, set: &BTreeMap<&str, T>, missing: impl Fn(&str) -> bool) -> bool {
    let mut cur = name;
    while let Some((parent, _)) = cur.rsplit_once('.') {
        if set.contains_key(parent) && missing(parent) {
            return true;
        }
        cur = parent;
    }
    false
}

/// Does the union of `ranges` (inclusive) cover `r`?
pub(crate) fn covered(r: (i32, i32), ranges: &[(i32, i32)]) -> bool {
    let mut sorted = ranges.to_vec();
    sorted.sort_unstable();
    let mut next = r.0;
    for (s, e) in sorted {
        if s <= next && e >= next {
            if e >= r.1 {
                return true;
            }
            next = e.saturating_add(1);
        }
    }
    next > r.1
}

pub(crate) fn in_ranges(n: i32, ranges: &[(i32, i32)]) -> bool {
    ranges.iter().any(|&(s, e)| s <= n && n <= e)
}

pub(crate) fn range_str((s, e): (i32, i32)) -> String {
    if s == e {
        s.to_string()
    } else if e >= 536_870_911 {
        format!("{s} to max")
    } else {
        format!("{s} to {e}")
    }
}
