//! OpenAPI (placeholder until the model lands).

use super::LoadOptions;
use crate::error::Result;
use crate::source::Input;
use crate::source::text::Syntax;
use serde_json::Value;

/// An OpenAPI description.
#[derive(Debug)]
pub struct Api {}

/// Loads an OpenAPI description.
pub fn load(_input: &Input, _value: Value, _syntax: Syntax, _opts: &LoadOptions) -> Result<Api> {
    Ok(Api {})
}
