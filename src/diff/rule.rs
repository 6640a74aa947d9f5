//! The shape of a rule: its stable id, default severity, axes and user documentation.

use serde::Serialize;

/// How much a change matters to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never breaks a client.
    Info,
    /// May break some clients, or breaks them later (dangerous changes, deprecations).
    Warning,
    /// Breaks existing clients.
    Breaking,
}

impl Severity {
    /// The lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }

    /// Parses `breaking`, `warning` (or `warn`, `dangerous`) and `info`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "breaking" | "error" | "err" => Some(Severity::Breaking),
            "warning" | "warn" | "dangerous" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The API description language a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
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

    /// Parses a lowercase name of a concrete format (`openapi`, `graphql`, ...); never [`Format::Any`].
    pub fn parse(s: &str) -> Option<Format> {
        [Format::OpenApi, Format::GraphQl, Format::AsyncApi, Format::TypeScript, Format::Protobuf].into_iter().find(|f| f.as_str() == s)
    }
}

/// Which way data flows through the changed element, from the client's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Data the client sends (request parameters and bodies, GraphQL inputs, messages the API receives).
    Request,
    /// Data the client receives (responses, GraphQL outputs, messages the API sends).
    Response,
    /// Neither or both (endpoints, types, security, metadata).
    None,
}

/// What happened to the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Something new appeared.
    Added,
    /// Something disappeared.
    Removed,
    /// Something changed in place.
    Changed,
    /// Something moved or was renamed.
    Renamed,
    /// Something was deprecated or un-deprecated.
    Deprecated,
}

/// A rule: one stable id with its default severity, axes and documentation.
///
/// Rules are declared with [`crate::rules!`], whose doc comments become [`Rule::docs`].
#[derive(Debug, Serialize)]
pub struct Rule {
    /// Stable kebab-case id; never reused once published.
    pub id: &'static str,
    /// The format the rule belongs to.
    pub format: Format,
    /// Default severity; users may re-level it by id.
    pub severity: Severity,
    /// Request or response side, where it matters.
    pub direction: Direction,
    /// The part of the API (endpoint, parameter, schema, security, ...).
    pub area: &'static str,
    /// What happened.
    pub kind: Kind,
    /// One-line summary.
    pub summary: &'static str,
    /// The user documentation (Markdown), from the rule's doc comment.
    #[serde(skip)]
    pub docs: &'static str,
}

/// Declares rules as constants plus an `ALL` slice listing them in order.
///
/// The doc comment above each rule is its user documentation, under the headings
/// `What it detects`, `Why it matters`, `Example` and `How to migrate`; `apidiff explain` adds
/// how to suppress it.
#[macro_export]
macro_rules! rules {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $id:literal, $format:ident, $severity:ident, $direction:ident, $area:literal, $kind:ident,
            $summary:literal;
    )*) => {
        $(
            $(#[doc = $doc])*
            pub const $name: $crate::diff::Rule = $crate::diff::Rule {
                id: $id,
                format: $crate::diff::Format::$format,
                severity: $crate::diff::Severity::$severity,
                direction: $crate::diff::Direction::$direction,
                area: $area,
                kind: $crate::diff::Kind::$kind,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        )*
        /// Every rule declared in this file, in declaration order.
        pub const ALL: &[&$crate::diff::Rule] = &[$(&$name),*];
    };
}
