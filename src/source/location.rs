//! Where an element lives in a file: the file, a pointer into it and, when known, the line
//! and column. Specs, changes and reports all use it.

use serde::Serialize;

/// Where a changed element lives on one side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord, schemars::JsonSchema)]
pub struct Location {
    /// The file, as displayed to the user (relative to the spec's root for multi-file specs).
    pub file: String,
    /// The element's address in that file: a JSON pointer for OpenAPI and AsyncAPI, a schema
    /// coordinate (`Type.field(arg:)`) for GraphQL, a qualified name for TypeScript and protobuf.
    pub pointer: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Location {
    /// A location without a resolved position; positions are filled in later in one pass per file.
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Location { file: file.into(), pointer: pointer.into(), line: None, column: None }
    }

    /// A location with a known position.
    pub fn at(file: impl Into<String>, pointer: impl Into<String>, line: u32, column: u32) -> Self {
        Location { file: file.into(), pointer: pointer.into(), line: Some(line), column: Some(column) }
    }
}
