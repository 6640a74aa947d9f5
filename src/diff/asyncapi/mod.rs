//! AsyncAPI comparison: pairs servers, channels, operations and messages of two [`Api`]s (of
//! either generation) and hands header and payload schemas to the OpenAPI engine's JSON-Schema
//! comparison, with what the API sends treated like a response and what it receives like a
//! request. Changes inside a shared (`$ref`'d) schema or message are reported once, where it is
//! defined, with every other operation reaching it listed as affected.

pub mod channels;
pub mod messages;
pub mod operations;
mod pairing;
pub mod servers;

use super::openapi::{Cx, schema};
use super::{Change, Options, Rule};
use crate::spec::asyncapi::Api;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[channels::ALL, operations::ALL, messages::ALL, servers::ALL];

/// How this format's structural breaking rules are proved (its schema changes use the OpenAPI
/// rules and their proofs): a rule missing here has no witness builder yet.
pub const PROOFS: &[&[(&Rule, super::witness::Proof)]] = {
    use super::witness::Proof::{Endpoint, MediaType, Unconstrained};
    &[&[
        (&channels::CHANNEL_REMOVED, Endpoint),
        (&channels::CHANNEL_ADDRESS_CHANGED, Endpoint),
        (&channels::CHANNEL_PARAMETER_CHANGED, Endpoint),
        (&operations::ASYNC_OPERATION_REMOVED, Endpoint),
        (&operations::ASYNC_OPERATION_ACTION_CHANGED, Endpoint),
        (&operations::ASYNC_OPERATION_CHANNEL_CHANGED, Endpoint),
        (&messages::MESSAGE_RECEIVE_REMOVED, Endpoint),
        (&messages::MESSAGE_CONTENT_TYPE_CHANGED, MediaType),
        (&messages::MESSAGE_PAYLOAD_REMOVED, Unconstrained),
        (&servers::ASYNCAPI_SERVER_REMOVED, Endpoint),
        (&servers::ASYNCAPI_SERVER_PROTOCOL_CHANGED, Endpoint),
        (&servers::ASYNCAPI_SERVER_HOST_CHANGED, Endpoint),
    ]]
};

/// Compares two AsyncAPI descriptions.
pub fn compare(base: &Api, rev: &Api, opts: &Options) -> Vec<Change> {
    let mut c = Cx::new(&base.docs, &rev.docs, opts, schema::compare);
    let chans = pairing::pair_channels(base, rev);
    channels::compare_channels(&mut c, base, rev, &chans);
    operations::compare_operations(&mut c, base, rev, &chans);
    c.op.clear();
    servers::compare_servers(&mut c, base, rev);
    servers::compare_info(&mut c, base, rev);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Input;
    use crate::spec::LoadOptions;

    fn api(text: &str) -> Api {
        let input = Input::from_text("api.yaml", text.as_bytes().to_vec(), &std::env::temp_dir()).unwrap();
        let (value, syntax) = crate::source::text::parse("api.yaml", text).unwrap();
        crate::spec::asyncapi::load(std::borrow::Cow::Owned(input), value, syntax, &LoadOptions::default()).unwrap()
    }

    const SHARED: &str = "asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  a:
    address: a
    messages:
      ma: {name: ma, contentType: application/json, payload: {$ref: '#/components/schemas/S'}}
  b:
    address: b
    messages:
      mb: {name: mb, payload: {$ref: '#/components/schemas/S'}}
operations:
  sendA: {action: send, channel: {$ref: '#/channels/a'}}
  sendB: {action: send, channel: {$ref: '#/channels/b'}}
  sendA2: {action: send, channel: {$ref: '#/channels/a'}}
components:
  schemas:
    S:
      type: object
      required: [x]
      properties:
        x: {type: string}
        y: {type: string}
";

    #[test]
    fn shared_schema_change_is_reported_once_with_affected_operations() {
        let base = api(SHARED);
        let rev =
            api(&SHARED.replace("        y: {type: string}\n", "").replace("contentType: application/json", "contentType: text/plain"));
        let changes = compare(&base, &rev, &Options::default());
        let mut ids: Vec<&str> = changes.iter().map(|c| c.rule.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["message-content-type-changed", "response-optional-property-removed"], "{changes:#?}");
        let find = |id: &str| changes.iter().find(|c| c.rule.id == id).unwrap();
        let prop = find("response-optional-property-removed");
        assert_eq!(prop.base.as_ref().map(|l| l.pointer.as_str()), Some("/components/schemas/S/properties/y"));
        assert_eq!(prop.base.as_ref().and_then(|l| l.line), Some(23));
        assert_eq!(prop.operation.as_deref(), Some("send a (sendA)"));
        assert_eq!(prop.affected, ["send b (sendB)", "send a (sendA2)"]);
        // The message is shared by two operations on channel `a`: one change, the other affected.
        assert_eq!(find("message-content-type-changed").affected, ["send a (sendA2)"]);
    }

    #[test]
    fn identical_documents_compare_equal() {
        let a = api(SHARED);
        assert!(compare(&a, &api(SHARED), &Options::default()).is_empty());
    }

    #[test]
    fn same_address_channels_pair_by_id() {
        let text = SHARED.replace("address: b", "address: a");
        let changes = compare(&api(&text), &api(&text), &Options::default());
        assert!(changes.is_empty(), "{changes:#?}");
    }
}
