//! OpenAPI comparison: walks operations, parameters, bodies, responses and security of two
//! [`Api`]s and hands schemas to [`schema`]. Changes found in a shared (`$ref`'d) schema are
//! reported once, where the schema is defined, with every operation that reaches it listed.

pub mod applicators;
pub mod bodies;
pub mod constraints;
mod cx;
pub mod endpoints;
pub mod metadata;
pub mod parameters;
pub mod properties;
pub(crate) mod schema;
mod sunset;
pub mod types;
mod unchanged;
pub mod values;
mod view;

pub(crate) use cx::{Cx, Dir};

use super::{Change, Options, Rule};
use crate::spec::openapi::Api;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[
    endpoints::ALL,
    parameters::ALL,
    bodies::ALL,
    types::ALL,
    values::ALL,
    constraints::ALL,
    properties::ALL,
    applicators::ALL,
    metadata::ALL,
    schema::ALL,
];

/// How each family proves its breaking rules, in the order of [`RULES`].
pub const PROOFS: &[&[(&Rule, super::witness::Proof)]] = &[
    endpoints::PROOFS,
    parameters::PROOFS,
    bodies::PROOFS,
    types::PROOFS,
    values::PROOFS,
    constraints::PROOFS,
    properties::PROOFS,
    applicators::PROOFS,
    metadata::PROOFS,
];

/// Compares two OpenAPI descriptions.
pub fn compare(base: &Api, rev: &Api, opts: &Options) -> Vec<Change> {
    compare_observed(base, rev, opts, None)
}

/// [`compare`], sending a copy of each new change to `observer` as it is found.
pub fn compare_observed(base: &Api, rev: &Api, opts: &Options, observer: Option<std::sync::mpsc::Sender<Change>>) -> Vec<Change> {
    let mut c = Cx::new(&base.docs, &rev.docs, opts, schema::compare);
    if let Some(to) = observer {
        c.observe(to);
    }
    let keys = metadata::SchemeKeys {
        base: metadata::scheme_keys(base, rev),
        rev: metadata::scheme_keys(rev, base),
        base_declared_none: base.security_schemes.is_empty(),
    };
    let same = unchanged::unchanged(base, rev, &keys);
    endpoints::compare_operations(&mut c, (&base.operations, &rev.operations), &same.operations, false, &keys);
    endpoints::compare_operations(&mut c, (&base.webhooks, &rev.webhooks), &same.webhooks, true, &keys);
    c.op.clear();
    metadata::compare_security_schemes(&mut c, base, rev);
    metadata::compare_servers(&mut c, base, rev);
    metadata::compare_named_schemas(&mut c, base, rev);
    metadata::compare_info_version(&mut c, base, rev);
    metadata::compare_document(&mut c, base, rev);
    c.finish()
}
