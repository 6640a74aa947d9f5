//! Changes, their locations and fingerprints, the rule registry, and the per-format comparators.

pub mod asyncapi;
mod change;
pub mod general;
pub mod graphql;
pub mod openapi;
pub mod protobuf;
pub mod registry;
mod rule;
pub mod sink;
pub mod typescript;
mod usage;
pub use usage::elements_of;
pub mod witness;

pub use change::{Change, Options, sort_changes};

use crate::error::{Error, Result};
pub use crate::source::Location;
use crate::spec::Spec;
pub use rule::{Category, Direction, Format, Kind, Rule, Severity, Trait};
pub use witness::{Proof, Witness, WitnessKind};

/// Compares two specs of the same format.
///
/// Runs on a thread of its own with a large stack: schemas nest and the comparison recurses
/// through them, so its depth limits, not the caller's stack, must be what bounds it.
pub fn compare(base: &Spec, rev: &Spec, opts: &Options) -> Result<Vec<Change>> {
    compare_observed(base, rev, opts, None)
}

/// [`compare`], sending a copy of each new change to `observer` as it is found
/// ([`sink::Sink::observe`]; OpenAPI only, other formats send nothing). The observer is dropped
/// when the comparison ends, so a receiver's loop ends with it.
pub fn compare_observed(base: &Spec, rev: &Spec, opts: &Options, observer: Option<std::sync::mpsc::Sender<Change>>) -> Result<Vec<Change>> {
    crate::deep::run("the comparison", || compare_here(base, rev, opts, observer))
}

fn compare_here(base: &Spec, rev: &Spec, opts: &Options, observer: Option<std::sync::mpsc::Sender<Change>>) -> Result<Vec<Change>> {
    let mut changes = match (base, rev) {
        (Spec::OpenApi(a), Spec::OpenApi(b)) => openapi::compare_observed(a, b, opts, observer),
        (Spec::AsyncApi(a), Spec::AsyncApi(b)) => asyncapi::compare(a, b, opts),
        (Spec::GraphQl(a), Spec::GraphQl(b)) => graphql::compare(a, b, opts),
        (Spec::TypeScript(a), Spec::TypeScript(b)) => typescript::compare(a, b, opts),
        (Spec::Protobuf(a), Spec::Protobuf(b)) => protobuf::compare(a, b, opts),
        (a, b) => {
            return Err(Error::Usage(format!(
                "cannot compare descriptions of two formats ({} and {}); both sides must be the same format",
                a.format().as_str(),
                b.format().as_str()
            )));
        }
    };
    sort_changes(&mut changes);
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_how_the_file_was_named() {
        let rule = &openapi::endpoints::ENDPOINT_REMOVED;
        let fp = |file: &str| Change::new(rule, "x").base(Location::new(file, "/paths/~1a/get")).finish().fingerprint;
        let want = fp("api.yaml");
        for f in ["./api.yaml", "/abs/dir/api.yaml", "HEAD:api.yaml", "origin/main:specs/api.yaml", "old/api.yaml"] {
            assert_eq!(fp(f), want, "{f}");
        }
        assert_ne!(fp("other.yaml"), want);
    }
}
