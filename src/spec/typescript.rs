//! TypeScript declarations lowered into an exported-surface model (not yet built).

use crate::error::{Located, Result};
use crate::source::Input;

/// The exported surface of a declaration file.
#[derive(Debug)]
pub struct Surface {}

/// Loads a `.d.ts` file.
pub fn load(input: &Input) -> Result<Surface> {
    Err(Located::file(&input.name, "TypeScript is not supported yet").into())
}
