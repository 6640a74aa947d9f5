//! The shape of a rule: its stable id, default severity, axes and user documentation.

pub use crate::spec::Format;
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

/// Which way data flows through the changed element, from the client's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, serde::Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, serde::Deserialize)]
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
    /// buf's breaking categories the rule belongs to, or `HTTP` (protobuf rules; empty elsewhere).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub categories: &'static [Category],
    /// Properties other code asks about instead of testing the id.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub traits: &'static [Trait],
    /// The oasdiff check ids this rule corresponds to (OpenAPI rules), so a team moving over
    /// can translate its overrides; empty where no id maps confidently.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub oasdiff: &'static [&'static str],
}

impl Rule {
    /// Whether the rule has a trait.
    pub fn has(&self, t: Trait) -> bool {
        self.traits.contains(&t)
    }
}

/// A property of a rule that behaviour depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Trait {
    /// The change makes clients send something they could omit before (a new or newly
    /// required property or parameter); summaries say "made `x` required".
    MakesRequired,
    /// The element's type was replaced by an unrelated one: finer comparisons below it mean
    /// nothing and are skipped.
    TypeReplaced,
    /// Only documentation changed (a description was added, removed or edited): summaries
    /// count it as a documentation change, never as an added or removed element.
    Documentation,
    /// Derived from the other changes being breaking: it follows their effective severity
    /// (a version that was not bumped for a breaking change).
    DerivedFromBreaking,
    /// Levelled by evidence below breaking (a limit documented where the old description set
    /// none, security written down for an API that declared none): the `strict` gate profile
    /// (`gate.profile: strict`) rates it breaking, as before evidence-based levels.
    StrictBreaking,
}

/// A buf breaking-rule category (protobuf). The one type the rules, `--proto-category` and the
/// config's `protobuf.category` share; `HTTP` is apidiff's own and is never chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    /// Source compatibility per file (the strictest).
    File,
    /// Source compatibility per package (the default: deleting a service, an RPC, a message or a
    /// field breaks; moving a definition between files of a package does not).
    #[default]
    Package,
    /// Wire and JSON compatibility.
    WireJson,
    /// Wire compatibility only.
    Wire,
    /// Not buf's: the HTTP/JSON surface of transcoded services (`google.api.http`). Its rules
    /// apply whatever buf category is chosen, so it cannot be chosen.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    Http,
}

impl Category {
    /// Parses `FILE`, `PACKAGE`, `WIRE_JSON`, `WIRE` or `HTTP` (any case).
    pub fn parse(s: &str) -> Option<Category> {
        match s.to_ascii_uppercase().as_str() {
            "FILE" => Some(Category::File),
            "PACKAGE" => Some(Category::Package),
            "WIRE_JSON" => Some(Category::WireJson),
            "WIRE" => Some(Category::Wire),
            "HTTP" => Some(Category::Http),
            _ => None,
        }
    }

    /// Parses a category a user chooses (`--proto-category`): one of buf's four, any case.
    pub fn choose(s: &str) -> Option<Category> {
        Category::parse(s).filter(|c| *c != Category::Http)
    }

    /// The upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::File => "FILE",
            Category::Package => "PACKAGE",
            Category::WireJson => "WIRE_JSON",
            Category::Wire => "WIRE",
            Category::Http => "HTTP",
        }
    }
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
            $summary:literal $(, buf = [$($cat:ident),*])? $(, traits = [$($tr:ident),*])? $(, oasdiff = [$($oa:literal),*])?;
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
                categories: &[$($($crate::diff::Category::$cat),*)?],
                traits: &[$($($crate::diff::Trait::$tr),*)?],
                oasdiff: &[$($($oa),*)?],
            };
        )*
        /// Every rule declared in this file, in declaration order.
        pub const ALL: &[&$crate::diff::Rule] = &[$(&$name),*];
    };
}
