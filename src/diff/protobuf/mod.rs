//! Comparison of two protobuf models with buf-compatible breaking rules.
//!
//! Every rule maps to one of buf's breaking rules (its id is in the summary) and carries buf's
//! categories (`FILE` ⊃ `PACKAGE` ⊃ `WIRE_JSON` ⊃ `WIRE`, with buf's exceptions: the per-file
//! deletes are `FILE` only, the per-package deletes `PACKAGE` only, the `*_UNLESS_*_RESERVED` and
//! wire-compatible variants only the wire categories). [`compare`] runs every family and keeps the
//! changes whose rule belongs to `Options::proto_category`, plus apidiff's own `HTTP` rules
//! (`google.api.http` transcoding), which no buf category covers and which always apply. Definitions pair up by fully qualified
//! name (fields and enum values by number), files by import name (the entry files with each
//! other), packages by name. Changes inside dependency files (imports of other packages) are kept
//! only for the definitions the API uses ([`used`]).

mod deletes;
mod enums;
mod fields;
mod files;
mod http;
mod messages;
mod services;
mod side;
mod used;

pub(crate) use side::Side;
pub(crate) use side::{covered, in_ranges, loc, parent_in, range_str};

use super::sink::Sink;
use super::{Change, Options, Rule};
pub use crate::diff::Category;
use crate::spec::protobuf::Package;

/// How each family proves its breaking rules (see `crate::witness`). Reserved ranges and names
/// and extension ranges have none: removing one breaks nothing until a number or name is reused.
pub const PROOFS: &[&[(&Rule, super::witness::Proof)]] =
    &[deletes::PROOFS, enums::PROOFS, fields::PROOFS, files::PROOFS, http::PROOFS, messages::PROOFS, services::PROOFS];

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[files::ALL, deletes::ALL, messages::ALL, fields::ALL, enums::ALL, services::ALL, http::ALL];
/// Compares two models, keeping the rules of `opts.proto_category`.
pub fn compare(base: &Package, rev: &Package, opts: &Options) -> Vec<Change> {
    let category = opts.proto_category;
    let by_name = side::entries_pair_by_name(base, rev);
    let (b, r) = (Side::new(base, by_name), Side::new(rev, by_name));
    let mut out = Sink::new();
    files::check(&b, &r, &mut out);
    deletes::check(&b, &r, &mut out);
    messages::check(&b, &r, &mut out);
    fields::check(&b, &r, &mut out);
    enums::check(&b, &r, &mut out);
    services::check(&b, &r, &mut out);
    http::check(&b, &r, &mut out);
    let mut out = out.into_changes();
    used::retain_used(base, rev, &mut out);
    // The HTTP rules are not buf's: they apply whatever buf category is chosen.
    out.retain(|c| c.rule.categories.contains(&category) || c.rule.categories.contains(&Category::Http));
    out
}

#[cfg(test)]
mod tests;
