//! The API description languages apidiff reads.

use serde::Serialize;

/// An API description language (the format a spec, a rule or a change belongs to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// OpenAPI 3.x and Swagger 2.0.
    OpenApi,
    /// GraphQL SDL.
    GraphQl,
    /// AsyncAPI 2.x and 3.x.
    AsyncApi,
    /// TypeScript declarations.
    TypeScript,
    /// Protocol Buffers.
    Protobuf,
    /// Any format: rules about whole specs (removed, moved), not their content.
    Any,
}

impl Format {
    /// Lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OpenApi => "openapi",
            Format::GraphQl => "graphql",
            Format::AsyncApi => "asyncapi",
            Format::TypeScript => "typescript",
            Format::Protobuf => "protobuf",
            Format::Any => "any",
        }
    }

    /// The file name a spec of this format gets when it comes without one (a registered spec):
    /// its extension is what loading recognises.
    pub fn default_file_name(self) -> &'static str {
        match self {
            Format::OpenApi => "openapi.yaml",
            Format::AsyncApi => "asyncapi.yaml",
            Format::GraphQl => "schema.graphql",
            Format::TypeScript => "api.d.ts",
            Format::Protobuf => "api.proto",
            Format::Any => "spec.yaml",
        }
    }

    /// Parses a lowercase name of a concrete format (`openapi`, `graphql`, ...); never [`Format::Any`].
    pub fn parse(s: &str) -> Option<Format> {
        [Format::OpenApi, Format::GraphQl, Format::AsyncApi, Format::TypeScript, Format::Protobuf].into_iter().find(|f| f.as_str() == s)
    }
}
