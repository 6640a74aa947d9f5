//! GraphQL SDL lowered into a schema model (not yet built).

use crate::error::{Located, Result};
use crate::source::Input;

/// A GraphQL schema.
#[derive(Debug)]
pub struct Schema {}

/// Loads SDL.
pub fn load(input: &Input) -> Result<Schema> {
    Err(Located::file(&input.name, "GraphQL is not supported yet").into())
}
