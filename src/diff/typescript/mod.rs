//! Comparison of two typescript models (not yet built).

use super::{Change, Options, Rule};
use crate::spec::typescript::Surface;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[];

/// Compares two models.
pub fn compare(_base: &Surface, _rev: &Surface, _opts: &Options) -> Vec<Change> {
    Vec::new()
}
