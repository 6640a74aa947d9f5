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
    pub(crate) fn new(pkg: &'a Package) -> Self {
        Side {
            files: pkg.files.iter().map(|f| (file_key(f), f)).collect(),
            messages: pkg.messages().map(|(f, m)| (m.full_name.as_str(), (f, m))).collect(),
            enums: pkg.enums().map(|(f, e)| (e.full_name.as_str(), (f, e))).collect(),
            services: pkg.services().map(|(f, s)| (s.full_name.as_str(), (f, s))).collect(),
        }
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
