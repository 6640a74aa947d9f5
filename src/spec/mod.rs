//! Detects which API description language a file is written in, and lowers it into that
//! format's typed model (one submodule per format).

pub mod asyncapi;
pub mod bundle;
mod format;
pub mod graphql;
pub mod imports;
pub mod openapi;
mod options;
pub mod protobuf;
pub mod refs;
pub mod typescript;

pub use options::{LoadOptions, SideIncludes, format_from_name, format_from_text, format_from_value};
pub(crate) use options::{looks_like_proto, looks_like_sdl};

use crate::error::{Located, Result};
use crate::source::Input;
use crate::source::text::{self, Syntax};
pub use format::Format;
use std::borrow::Cow;

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

/// Loads one input, detecting its format from its name and content.
pub fn load(input: &Input, opts: &LoadOptions) -> Result<Spec> {
    load_cow(Cow::Borrowed(input), opts, None)
}

/// [`load`]; a `.proto` entry file is compiled into `proto`, one side's compilation of a whole
/// run, when given (see [`protobuf::Shared`]).
pub fn load_with(input: &Input, opts: &LoadOptions, proto: Option<&protobuf::Shared>) -> Result<Spec> {
    load_cow(Cow::Borrowed(input), opts, proto)
}

/// Like [`load`], but keeps the input instead of copying it: an OpenAPI or AsyncAPI document
/// keeps its text for line numbers, and a copy of a 13 MB text is 13 MB more to write.
pub fn load_owned(input: Input, opts: &LoadOptions) -> Result<Spec> {
    load_cow(Cow::Owned(input), opts, None)
}

fn load_cow(input: Cow<'_, Input>, opts: &LoadOptions, proto: Option<&protobuf::Shared>) -> Result<Spec> {
    // A folder is a protobuf package or tree (its files are listed, never read as one text).
    if input.text.is_empty()
        && let Some(listed) = input.fetch.list(&input.path, true)
    {
        return protobuf::load_tree(&input, listed, opts).map(Spec::Protobuf);
    }
    if let Some(set) = crate::source::live::descriptor_set(&input.text) {
        return protobuf::from_descriptor_set(&input.name, &set).map(Spec::Protobuf);
    }
    if crate::source::live::protocol(&input.name) == Some(crate::source::live::Protocol::GraphQl) {
        return graphql::load(&input).map(Spec::GraphQl);
    }
    // A live source's name is its locator; its path carries the format it was read as.
    match format_from_name(&input.name).or_else(|| format_from_name(&input.path.to_string_lossy())) {
        Some(Format::GraphQl) => return graphql::load(&input).map(Spec::GraphQl),
        Some(Format::TypeScript) => return typescript::load(&input).map(Spec::TypeScript),
        Some(Format::Protobuf) => return protobuf::load_shared(&input, opts, proto).map(Spec::Protobuf),
        _ => {}
    }
    let (value, syntax) = match text::parse(&input.name, &input.text) {
        Ok(parsed) => parsed,
        // A .proto or SDL read from stdin or a URL has no extension to go by.
        Err(_) if looks_like_proto(&input.text) => return protobuf::load(&input, opts).map(Spec::Protobuf),
        Err(_) if looks_like_sdl(&input.text) => return graphql::load(&input).map(Spec::GraphQl),
        Err(e) => return Err(e.into()),
    };
    match format_from_value(&value) {
        Some(Format::OpenApi) => openapi::load(input, value, syntax, opts).map(Spec::OpenApi),
        Some(Format::AsyncApi) => asyncapi::load(input, value, syntax, opts).map(Spec::AsyncApi),
        _ if syntax == Syntax::Yaml && looks_like_proto(&input.text) => protobuf::load(&input, opts).map(Spec::Protobuf),
        _ if syntax == Syntax::Yaml && looks_like_sdl(&input.text) => graphql::load(&input).map(Spec::GraphQl),
        _ => Err(Located::new(
            &input.name,
            Some(1),
            Some(1),
            "not an API description: expected an `openapi`, `swagger` or `asyncapi` key at the top level, or a .graphql, .proto or .d.ts file",
        )
        .into()),
    }
}
/// Loads two inputs at once, one per thread (parsing dominates large specs, and a comparison
/// always has two).
pub fn load_pair(base_in: &Input, rev_in: &Input, opts: &LoadOptions) -> Result<(Spec, Spec)> {
    load_pair_cow(Cow::Borrowed(base_in), Cow::Borrowed(rev_in), opts)
}

/// Like [`load_pair`], keeping the inputs instead of copying their texts.
pub fn load_pair_owned(base_in: Input, rev_in: Input, opts: &LoadOptions) -> Result<(Spec, Spec)> {
    load_pair_cow(Cow::Owned(base_in), Cow::Owned(rev_in), opts)
}

fn load_pair_cow(base: Cow<'_, Input>, rev: Cow<'_, Input>, opts: &LoadOptions) -> Result<(Spec, Spec)> {
    let (base_name, rev_name) = (base.name.clone(), rev.name.clone());
    let (base_opts, rev_opts) = (opts.for_side(false), opts.for_side(true));
    std::thread::scope(|s| {
        let other = s.spawn(|| crate::deep::run("loading the revision", || load_cow(rev, &rev_opts, None)));
        let base = crate::deep::isolate("loading the base", || load_cow(base, &base_opts, None));
        let rev = other.join().unwrap_or_else(|_| Err(crate::Error::Internal("loading the revision: the worker failed".into())));
        let (base_spec, rev_spec) = (base?, rev?);
        if base_spec.format() != rev_spec.format() {
            let msg = format!(
                "is in the `{}` format, but {} is in the `{}` format; both sides of a comparison must be the same format",
                rev_spec.format().as_str(),
                base_name,
                base_spec.format().as_str()
            );
            return Err(crate::error::Located::file(&rev_name, msg).into());
        }
        Ok((base_spec, rev_spec))
    })
}
