//! AsyncAPI 2.x/3.x lowered into a channel/operation/message model (not yet built).

use super::LoadOptions;
use crate::error::{Located, Result};
use crate::source::Input;
use crate::source::text::Syntax;
use serde_json::Value;

/// An AsyncAPI document.
#[derive(Debug)]
pub struct Api {}

/// Loads an AsyncAPI document.
pub fn load(input: &Input, _value: Value, _syntax: Syntax, _opts: &LoadOptions) -> Result<Api> {
    Err(Located::file(&input.name, "AsyncAPI is not supported yet").into())
}
