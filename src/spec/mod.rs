//! Detects which API description language a file is written in, and lowers it into that
//! format's typed model (one submodule per format).

pub mod asyncapi;
mod format;
pub mod graphql;
pub mod imports;
pub mod openapi;
pub mod protobuf;
pub mod refs;
pub mod typescript;

use crate::error::{Located, Result};
use crate::source::Input;
use crate::source::text::{self, Syntax};
pub use format::Format;
use serde_json::Value;

/// How to load specs.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Follow `$ref`s to `http(s)://` URLs (off by default: CI should not depend on the network).
    pub allow_remote_refs: bool,
    /// Extra import roots for protobuf (besides the file's own folder).
    pub proto_includes: Vec<std::path::PathBuf>,
}

/// A loaded API description.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per run; boxing buys nothing
pub enum Spec {
    /// OpenAPI 3.x or Swagger 2.0.
    OpenApi(openapi::Api),
    /// AsyncAPI 2.x or 3.x.
    AsyncApi(asyncapi::Api),
    /// GraphQL SDL.
    GraphQl(graphql::Schema),
    /// TypeScript declarations.
    TypeScript(typescript::Surface),
    /// Protocol Buffers.
    Protobuf(protobuf::Package),
}

impl Spec {
    /// The format of this spec.
    pub fn format(&self) -> Format {
        match self {
            Spec::OpenApi(_) => Format::OpenApi,
            Spec::AsyncApi(_) => Format::AsyncApi,
            Spec::GraphQl(_) => Format::GraphQl,
            Spec::TypeScript(_) => Format::TypeScript,
            Spec::Protobuf(_) => Format::Protobuf,
        }
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

/// Loads one input, detecting its format from its name and content.
pub fn load(input: &Input, opts: &LoadOptions) -> Result<Spec> {
    match format_from_name(&input.name) {
        Some(Format::GraphQl) => return graphql::load(input).map(Spec::GraphQl),
        Some(Format::TypeScript) => return typescript::load(input).map(Spec::TypeScript),
        Some(Format::Protobuf) => return protobuf::load(input, opts).map(Spec::Protobuf),
        _ => {}
    }
    let (value, syntax) = match text::parse(&input.name, &input.text) {
        Ok(parsed) => parsed,
        // SDL read from stdin has no extension to go by.
        Err(_) if looks_like_sdl(&input.text) => return graphql::load(input).map(Spec::GraphQl),
        Err(e) => return Err(e.into()),
    };
    match format_from_value(&value) {
        Some(Format::OpenApi) => openapi::load(input, value, syntax, opts).map(Spec::OpenApi),
        Some(Format::AsyncApi) => asyncapi::load(input, value, syntax, opts).map(Spec::AsyncApi),
        _ if syntax == Syntax::Yaml && looks_like_sdl(&input.text) => graphql::load(input).map(Spec::GraphQl),
        _ => Err(Located::new(
            &input.name,
            Some(1),
            Some(1),
            "not an API description: expected an `openapi`, `swagger` or `asyncapi` key at the top level, or a .graphql, .proto or .d.ts file",
        )
        .into()),
    }
}

fn looks_like_sdl(text: &str) -> bool {
    text.lines().map(str::trim_start).any(|l| {
        ["type ", "schema ", "interface ", "input ", "enum ", "union ", "scalar ", "directive ", "extend "].iter().any(|k| l.starts_with(k))
    })
}

/// Stack for loading and comparing: specs are graphs and both recurse through them, so the
/// explicit depth limits, not the platform's default stack, must be what bounds them.
pub const STACK_BYTES: usize = 256 * 1024 * 1024;

/// Loads two inputs at once, one per thread (parsing dominates large specs, and a comparison
/// always has two).
pub fn load_pair(base: &Input, rev: &Input, opts: &LoadOptions) -> Result<(Spec, Spec)> {
    std::thread::scope(|s| {
        let other = std::thread::Builder::new().stack_size(STACK_BYTES).spawn_scoped(s, || load(rev, opts));
        let base = load(base, opts);
        let rev = match other {
            Ok(handle) => handle.join().unwrap_or_else(|_| Err(crate::Error::Usage("internal error: loading panicked".into()))),
            // No second thread to be had: load in this one.
            Err(_) => load(rev, opts),
        };
        Ok((base?, rev?))
    })
}
