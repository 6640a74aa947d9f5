//! Witnesses for breaking changes: for each one, the smallest concrete request, response or
//! value that worked with the base and fails with the revision, built from both models and
//! checked against both before it is attached ([`attach`]). Which builder runs is the rule's
//! [`Proof`](crate::diff::Proof) (`diff::registry::proof`), never its id. A change no builder
//! proves carries `kind: none` and the reason.

mod asyncapi;
mod gone;
mod graphql;
mod instance;
mod openapi;
mod params;
mod protobuf;
mod ts_identity;
mod typescript;
mod validate;

use crate::diff::{Change, Severity, Trait, Witness, registry};
use crate::spec::Spec;

/// Attaches a witness to every breaking change (by its rule or its effective severity).
/// Linear in the changes; only breaking ones cost anything.
pub fn attach(base: &Spec, rev: &Spec, changes: &mut [Change]) {
    if !changes.iter().any(wanted) {
        return;
    }
    let pair = match (base, rev) {
        (Spec::OpenApi(a), Spec::OpenApi(b)) => Some(openapi::Pair::new(a, b)),
        _ => None,
    };
    let others = Others::new(base, rev);
    for c in changes.iter_mut().filter(|c| wanted(c)) {
        c.witness = Some(match (base, rev, registry::proof(c.rule)) {
            (Spec::AsyncApi(a), Spec::AsyncApi(b), Some(p)) if !c.rule.has(Trait::DerivedFromBreaking) => asyncapi::build(a, b, c, p),
            (_, _, Some(p)) if others.is_some() && !c.rule.has(Trait::DerivedFromBreaking) => others.build(c, p),
            (_, _, None) if others.is_some() => Witness::none("this rule has no witness builder yet"),
            _ => build(pair.as_ref(), base, c),
        });
    }
}

/// How many removals [`removed_description`] tries, best first (each is one builder call).
const GONE_TRIES: usize = 16;

/// The witness of a whole description removed from the repository (`api-description-removed`;
/// `base` is the description that was at `file`): the base compared with an empty description
/// of its format, and the witness of the first thing a client used (by document order) that the
/// comparison removes, built by the format's removal builders: an operation (OpenAPI, Swagger),
/// a channel (AsyncAPI), a root field (GraphQL), an RPC or else a message's generated symbol
/// (protobuf), an export (TypeScript). Its revision side then says the file is gone.
pub fn removed_description(base: &Spec, file: &str, opts: &crate::diff::Options) -> Witness {
    let (empty, mut changes) = match gone::removals(base, opts) {
        Ok(found) => found,
        Err(why) => return Witness::none(why),
    };
    for c in changes.iter_mut().filter(|c| wanted(c)).take(GONE_TRIES) {
        attach(base, &empty, std::slice::from_mut(c));
        if let Some(w) = c.witness.take().filter(|w| w.kind != crate::diff::WitnessKind::None) {
            return gone::gone(w, file);
        }
    }
    Witness::none("the base description has nothing a client could use (no operation, channel, root field, RPC, message or export)")
}

/// Whether [`attach`] gives `c` a witness (it is breaking, or its rule is). Each witness depends
/// on its change and the two specs alone, so callers may split the changes between threads.
pub fn wanted(c: &Change) -> bool {
    c.severity == Severity::Breaking || c.rule.severity == Severity::Breaking
}

fn build(pair: Option<&openapi::Pair<'_>>, base: &Spec, c: &Change) -> Witness {
    if c.rule.has(Trait::DerivedFromBreaking) {
        return Witness::none("it follows from the other breaking changes, which carry their own witnesses");
    }
    match (pair, registry::proof(c.rule)) {
        (Some(p), Some(proof)) => p.build(c, proof),
        (Some(_), None) => Witness::none("this rule has no witness builder yet"),
        (None, _) => Witness::none(format!("apidiff builds no witnesses for {} descriptions yet", base.format().as_str())),
    }
}

/// The builders of the formats whose witnesses are operations, wire bytes or code.
enum Others<'a> {
    GraphQl(graphql::Pair<'a>),
    Protobuf(protobuf::Pair<'a>),
    TypeScript(typescript::Pair<'a>),
    None,
}

impl<'a> Others<'a> {
    fn new(base: &'a Spec, rev: &'a Spec) -> Self {
        match (base, rev) {
            (Spec::GraphQl(a), Spec::GraphQl(b)) => Others::GraphQl(graphql::Pair::new(a, b)),
            (Spec::Protobuf(a), Spec::Protobuf(b)) => Others::Protobuf(protobuf::Pair::new(a, b)),
            (Spec::TypeScript(a), Spec::TypeScript(b)) => Others::TypeScript(typescript::Pair::new(a, b)),
            _ => Others::None,
        }
    }

    fn is_some(&self) -> bool {
        !matches!(self, Others::None)
    }

    fn build(&self, c: &Change, proof: crate::diff::Proof) -> Witness {
        match self {
            Others::GraphQl(p) => p.build(c, proof),
            Others::Protobuf(p) => p.build(c, proof),
            Others::TypeScript(p) => p.build(c),
            Others::None => Witness::none("no builder"),
        }
    }
}
