//! One compared pair through the library, as `check` builds it (load, compare, policy), shared
//! by the renderer tests so they all render reports made the same way.
#![allow(dead_code)]

use apidiff::diff::{self, Options};
use apidiff::policy::{self, FailOn, Level, Policy};
use apidiff::report::SpecPair;
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions};
use std::path::Path;

/// Compares `base` with `rev` (each a display name and its text), applies an ignore file
/// (`""` for none) and returns the pair with its outcome. Versioning advice
/// (`api-major-version-not-bumped`) is switched off: it is not what renderings are about.
pub fn outcome(module: Option<&str>, base: (&str, &str), rev: (&str, &str), ignores: &str) -> (SpecPair, policy::Outcome) {
    let load = LoadOptions::default();
    let a = spec::load(&Input::from_text(base.0, base.1.as_bytes().to_vec(), Path::new(".")).unwrap(), &load).unwrap();
    let b = spec::load(&Input::from_text(rev.0, rev.1.as_bytes().to_vec(), Path::new(".")).unwrap(), &load).unwrap();
    let changes = diff::compare(&a, &b, &Options::default()).unwrap();
    let mut policy = Policy { fail_on: FailOn::Breaking, ..Policy::default() };
    policy.overrides.insert("api-major-version-not-bumped".into(), Level::Off);
    if !ignores.is_empty() {
        policy.ignores = policy::parse_ignore_file(".apidiff-ignore.yaml", ignores).unwrap();
    }
    let pair = SpecPair { module: module.map(Into::into), format: a.format(), base: base.0.into(), revision: rev.0.into() };
    (pair, policy::apply(changes, &policy))
}
