//! Comparison of two graphql models (not yet built).

use super::{Change, Options, Rule};
use crate::spec::graphql::Schema;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[];

/// Compares two models.
pub fn compare(_base: &Schema, _rev: &Schema, _opts: &Options) -> Vec<Change> {
    Vec::new()
}
