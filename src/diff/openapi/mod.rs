//! OpenAPI comparison (placeholder).

use super::{Change, Options, Rule};
use crate::spec::openapi::Api;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[];

/// Compares two models.
pub fn compare(_base: &Api, _rev: &Api, _opts: &Options) -> Vec<Change> {
    Vec::new()
}
