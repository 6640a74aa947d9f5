//! What loading takes: [`LoadOptions`], how a format is recognised from a name or a document,
//! and the stack size comparison runs with.

use super::format::Format;
use serde_json::Value;

/// How to load specs.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Follow `$ref`s to `http(s)://` URLs (off by default: CI should not depend on the network).
    pub allow_remote_refs: bool,
    /// Extra import roots for protobuf (besides the file's own folder).
    pub proto_includes: Vec<std::path::PathBuf>,
    /// Folders besides the repository that `$ref`s and imports may reach (`--ref-root`, the
    /// config's `ref_roots`).
    pub ref_roots: Vec<std::path::PathBuf>,
    /// Protobuf import roots for one side of a comparison only (`--base-include`,
    /// `--revision-include`), searched before `proto_includes`: the two versions of a tree often
    /// sit in two folders, and one root for both would hide a change in the old side's imports.
    pub side_proto_includes: SideIncludes,
    /// A `.proto` entry file brings its whole package: every `.proto` file of its folder that
    /// declares the same `package` is compiled with it and is the API's own, imported or not (as
    /// buf compiles a package). On for the specs of a repository (`check`); off for two files
    /// named on the command line, which often sit side by side.
    pub proto_package: bool,
    /// The BSR modules `buf.yaml` depends on (`deps`), named when an import is not found.
    pub buf_deps: Vec<String>,
}

/// Import roots of each side of a comparison ([`LoadOptions::side_proto_includes`]).
#[derive(Debug, Clone, Default)]
pub struct SideIncludes {
    /// The base's.
    pub base: Vec<std::path::PathBuf>,
    /// The revision's.
    pub revision: Vec<std::path::PathBuf>,
}

impl LoadOptions {
    /// The options one side loads with: its own import roots first, then the shared ones.
    pub fn for_side(&self, revision: bool) -> LoadOptions {
        let own = if revision { &self.side_proto_includes.revision } else { &self.side_proto_includes.base };
        let mut opts = self.clone();
        opts.proto_includes = own.iter().chain(&self.proto_includes).cloned().collect();
        opts.side_proto_includes = SideIncludes::default();
        opts
    }
}

/// Guesses a format from the file name alone (for discovery and for non-JSON/YAML formats).
pub fn format_from_name(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".graphql") || lower.ends_with(".graphqls") || lower.ends_with(".gql") {
        Some(Format::GraphQl)
    } else if lower.ends_with(".d.ts") || lower.ends_with(".d.mts") || lower.ends_with(".d.cts") || lower.ends_with(".ts") {
        Some(Format::TypeScript)
    } else if lower.ends_with(".proto") {
        Some(Format::Protobuf)
    } else {
        None
    }
}

/// Detects the format of a parsed JSON/YAML document from its top-level keys.
pub fn format_from_value(v: &Value) -> Option<Format> {
    let o = v.as_object()?;
    if o.contains_key("openapi") || o.contains_key("swagger") {
        Some(Format::OpenApi)
    } else if o.contains_key("asyncapi") {
        Some(Format::AsyncApi)
    } else {
        None
    }
}

/// The format of a text that comes without a telling name (a registered spec, stdin): a JSON or
/// YAML document's top-level key, else a `.proto`, SDL or TypeScript declarations by their
/// lines. The one content detector; [`crate::spec::load`] uses the same tests.
pub fn format_from_text(text: &str) -> Option<Format> {
    if let Ok((v, _)) = crate::source::text::parse("", text)
        && let Some(f) = format_from_value(&v)
    {
        return Some(f);
    }
    if looks_like_proto(text) {
        Some(Format::Protobuf)
    } else if looks_like_sdl(text) {
        Some(Format::GraphQl)
    } else if looks_like_typescript(text) {
        Some(Format::TypeScript)
    } else {
        None
    }
}

/// Whether text reads like TypeScript declarations (top-level `export` or `declare`).
fn looks_like_typescript(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("export ") || l.starts_with("declare "))
}

pub(crate) fn looks_like_sdl(text: &str) -> bool {
    text.lines().map(str::trim_start).any(|l| {
        ["type ", "schema ", "interface ", "input ", "enum ", "union ", "scalar ", "directive ", "extend "].iter().any(|k| l.starts_with(k))
    })
}

/// Whether text without a telling name reads like a `.proto` file (a `syntax`/`edition` line,
/// or `message`/`service` blocks), which SDL never has.
pub(crate) fn looks_like_proto(text: &str) -> bool {
    text.lines().map(str::trim).any(|l| {
        (l.starts_with("syntax") && l.contains("proto") && l.ends_with(';'))
            || (l.starts_with("edition") && l.contains('=') && l.ends_with(';'))
            || ((l.starts_with("message ") || l.starts_with("service ")) && l.ends_with('{'))
            || (l.starts_with("package ") && l.ends_with(';'))
    })
}
