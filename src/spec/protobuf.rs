//! Protocol Buffers lowered into a package model (not yet built).

use super::LoadOptions;
use crate::error::{Located, Result};
use crate::source::Input;

/// The definitions of a `.proto` file and its imports.
#[derive(Debug)]
pub struct Package {}

/// Loads a `.proto` file.
pub fn load(input: &Input, _opts: &LoadOptions) -> Result<Package> {
    Err(Located::file(&input.name, "protobuf is not supported yet").into())
}
