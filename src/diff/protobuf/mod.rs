//! Comparison of two protobuf models with buf-compatible breaking rules.
//!
//! Every rule maps to one of buf's breaking rules (its id is in the summary) and carries buf's
//! categories (`FILE` ⊃ `PACKAGE` ⊃ `WIRE_JSON` ⊃ `WIRE`, with buf's exceptions: the per-file
//! deletes are `FILE` only, the per-package deletes `PACKAGE` only, the `*_UNLESS_*_RESERVED` and
//! wire-compatible variants only the wire categories). [`compare`] runs every family and keeps the
//! changes whose rule belongs to `Options::proto_category`. Definitions pair up by fully qualified
//! name (fields and enum values by number), files by import name (the entry files with each
//! other), packages by name.

mod deletes;
mod enums;
mod fields;
mod files;
mod messages;
mod services;

use super::sink::Sink;
use super::{Change, Location, Options, Rule};
use crate::spec::protobuf::{Enum, File, Message, Package, Pos, Service};
use std::collections::BTreeMap;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[files::ALL, deletes::ALL, messages::ALL, fields::ALL, enums::ALL, services::ALL];

pub use crate::diff::Category;

/// Compares two models, keeping the rules of `opts.proto_category` (WIRE_JSON when unparsable).
pub fn compare(base: &Package, rev: &Package, opts: &Options) -> Vec<Change> {
    let category = Category::parse(&opts.proto_category).unwrap_or(Category::WireJson);
    let (b, r) = (Side::new(base), Side::new(rev));
    let mut out = Sink::new();
    files::check(&b, &r, &mut out);
    deletes::check(&b, &r, &mut out);
    messages::check(&b, &r, &mut out);
    fields::check(&b, &r, &mut out);
    enums::check(&b, &r, &mut out);
    services::check(&b, &r, &mut out);
    let mut out = out.into_changes();
    out.retain(|c| c.rule.categories.contains(&category));
    out
}

/// One version, indexed for pairing.
pub(crate) struct Side<'a> {
    /// Files by pairing key (the entry file under `""`).
    files: BTreeMap<&'a str, &'a File>,
    /// Messages by fully qualified name.
    messages: BTreeMap<&'a str, (&'a File, &'a Message)>,
    /// Enums by fully qualified name.
    enums: BTreeMap<&'a str, (&'a File, &'a Enum)>,
    /// Services by fully qualified name.
    services: BTreeMap<&'a str, (&'a File, &'a Service)>,
}

impl<'a> Side<'a> {
    fn new(pkg: &'a Package) -> Self {
        Side {
            files: pkg.files.iter().map(|f| (file_key(f), f)).collect(),
            messages: pkg.messages().map(|(f, m)| (m.full_name.as_str(), (f, m))).collect(),
            enums: pkg.enums().map(|(f, e)| (e.full_name.as_str(), (f, e))).collect(),
            services: pkg.services().map(|(f, s)| (s.full_name.as_str(), (f, s))).collect(),
        }
    }
}

fn file_key(f: &File) -> &str {
    if f.is_main { "" } else { &f.name }
}

/// A location in `file` at `pos`, addressed by the qualified name `pointer`.
fn loc(file: &File, pointer: &str, pos: Pos) -> Location {
    match pos {
        Some((l, c)) => Location::at(&file.display, pointer, l, c),
        None => Location::new(&file.display, pointer),
    }
}

/// True when `name`'s enclosing message or package scope (`a.B` for `a.B.C`) is also in `set`,
/// so only the outermost of a deleted or added subtree is reported.
fn parent_in<T>(name: &str, set: &BTreeMap<&str, T>, missing: impl Fn(&str) -> bool) -> bool {
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
fn covered(r: (i32, i32), ranges: &[(i32, i32)]) -> bool {
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

fn in_ranges(n: i32, ranges: &[(i32, i32)]) -> bool {
    ranges.iter().any(|&(s, e)| s <= n && n <= e)
}

fn range_str((s, e): (i32, i32)) -> String {
    if s == e {
        s.to_string()
    } else if e >= 536_870_911 {
        format!("{s} to max")
    } else {
        format!("{s} to {e}")
    }
}

#[cfg(test)]
mod tests;
