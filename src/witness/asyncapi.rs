//! AsyncAPI witnesses: a message payload or header value one version accepts and the other
//! rejects, found by the same search as OpenAPI's schema witnesses. Schemas are read with the
//! 2020-12 rules of the validator (AsyncAPI's schema format is a JSON Schema superset).

use super::openapi::{Side, search};
use crate::diff::{Change, Direction, Proof, Witness, WitnessKind, witness::Verdict};
use crate::spec::asyncapi::Api;

/// Builds the witness `proof` calls for, between two AsyncAPI documents.
pub(crate) fn build(base: &Api, rev: &Api, c: &Change, proof: Proof) -> Witness {
    if proof != Proof::Instance {
        return Witness::none("this rule has no AsyncAPI witness builder yet");
    }
    let request = c.rule.direction != Direction::Response;
    let (bs, rs) = (Side { docs: &base.docs, draft4: false, swagger: false }, Side { docs: &rev.docs, draft4: false, swagger: false });
    let found = match search(bs, rs, c, request) {
        Ok(f) => f,
        Err(reason) => return Witness::none(reason),
    };
    let what = c.operation.as_deref().map_or_else(|| "a message".to_string(), |o| format!("a message of `{o}`"));
    let shown = super::validate::short(&found.instance);
    let summary = if request {
        format!("{what} with {shown} was accepted and is now rejected: {}", found.why)
    } else {
        format!("{what} with {shown} may be sent now and a consumer built on the old description rejects it: {}", found.why)
    };
    let verdict = |api: &Api, id: &crate::spec::refs::NodeId, accepts: bool| Verdict {
        file: api.docs.location(id).file,
        pointer: id.ptr.clone(),
        accepts,
        error: (!accepts).then(|| found.why.clone()),
    };
    Witness {
        kind: WitnessKind::Message,
        summary,
        reason: None,
        instance: Some(found.instance.clone()),
        http: None,
        base: Some(verdict(base, &found.base, request)),
        revision: Some(verdict(rev, &found.rev, !request)),
    }
}
