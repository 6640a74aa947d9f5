//! `tests`: runnable Hurl scripts for the OpenAPI operations a revision added or changed. The
//! generator itself is [`crate::hurl`]; this loads and compares the two versions first.

use crate::diff::{self, Options};
use crate::error::{Error, Result};
use crate::hurl::TestFile;
use crate::source::Input;
use crate::spec::{self, LoadOptions, Spec};

/// What to generate tests for.
#[derive(Debug)]
pub struct HurlRequest {
    /// The old version (OpenAPI or Swagger).
    pub base: Input,
    /// The new version.
    pub revision: Input,
    /// How to load them.
    pub load: LoadOptions,
    /// How to compare them.
    pub options: Options,
    /// Put this URL before every path instead of the Hurl variable `{{base_url}}`.
    pub base_url: Option<String>,
    /// Write the request and endpoint witnesses of the breaking changes (each replayed against
    /// a service running the revision expects its rejection) instead of the operation tests.
    pub witnesses: bool,
}

/// One Hurl file per operation the revision added or changed (none for removed operations), or
/// with `witnesses`, one per request or endpoint witness of a breaking change.
pub fn hurl_tests(req: &HurlRequest) -> Result<Vec<TestFile>> {
    let what = format!("generating tests for {}", req.revision.name);
    crate::deep::run(&what, || {
        let (base, rev) = spec::load_pair(&req.base, &req.revision, &req.load)?;
        let Spec::OpenApi(api) = &rev else {
            return Err(Error::Usage(format!(
                "`apidiff tests` generates HTTP tests for OpenAPI and Swagger descriptions; `{}` is a {} description",
                req.revision.name,
                rev.format().as_str()
            )));
        };
        let mut changes = diff::compare(&base, &rev, &req.options)?;
        if req.witnesses {
            crate::witness::attach(&base, &rev, &mut changes);
            return Ok(crate::hurl::witness_files(&changes, req.base_url.as_deref()));
        }
        Ok(crate::hurl::generate(api, &changes, req.base_url.as_deref()))
    })
}
