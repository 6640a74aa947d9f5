//! Comparison of two protobuf models (not yet built).

use super::{Change, Options, Rule};
use crate::spec::protobuf::Package;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[];

/// Compares two models.
pub fn compare(_base: &Package, _rev: &Package, _opts: &Options) -> Vec<Change> {
    Vec::new()
}
