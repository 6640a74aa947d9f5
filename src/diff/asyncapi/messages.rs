//! Rules about the messages of operations: which ones, their content type, headers, payload,
//! correlation id and bindings. Schema changes inside headers and payloads use the shared
//! JSON-Schema rules (`request-*` for what the API receives, `response-*` for what it sends).

use super::pairing::dir_of;
use crate::diff::Change;
use crate::diff::openapi::{Cx, Dir};
use crate::spec::asyncapi::{Action, Message, Operation};
use crate::spec::refs::{DocSet, NodeId};

crate::rules! {
    /// ## What it detects
    /// A message that an operation of the API receives is no longer accepted.
    /// ## Why it matters
    /// Clients still send it and it is rejected or dropped.
    /// ## Example
    /// `turnOn` (action `receive`) lists `turnOnOff` and `turnOnOffV2`; `turnOnOff` is removed.
    /// ## How to migrate
    /// Keep accepting the message until clients have moved to its replacement.
    MESSAGE_RECEIVE_REMOVED = "message-receive-removed", AsyncApi, Breaking, Request, "message", Removed,
        "A message the API receives was removed";
    /// ## What it detects
    /// A message that an operation of the API sends is no longer sent.
    /// ## Why it matters
    /// Clients waiting for it never get it, though nothing fails loudly.
    /// ## Example
    /// `lightMeasured` is removed from a `send` operation.
    /// ## How to migrate
    /// Tell consumers which message replaces it.
    MESSAGE_SEND_REMOVED = "message-send-removed", AsyncApi, Warning, Response, "message", Removed,
        "A message the API sends was removed";
    /// ## What it detects
    /// An operation that the API receives on accepts a new message.
    /// ## Why it matters
    /// Nothing breaks; clients may start sending it.
    /// ## Example
    /// A `receive` operation lists a new `dimLight` message.
    /// ## How to migrate
    /// Nothing to do.
    MESSAGE_RECEIVE_ADDED = "message-receive-added", AsyncApi, Info, Request, "message", Added,
        "A message the API receives was added";
    /// ## What it detects
    /// An operation that the API sends on carries a new message.
    /// ## Why it matters
    /// Consumers that switch on the message type may fail on the unknown one.
    /// ## Example
    /// A `send` operation lists a new `lightFailed` message.
    /// ## How to migrate
    /// Make sure consumers ignore messages they do not know.
    MESSAGE_SEND_ADDED = "message-send-added", AsyncApi, Warning, Response, "message", Added,
        "A message the API sends was added";
    /// ## What it detects
    /// A message whose content type (own, from a trait, or `defaultContentType`) changed.
    /// ## Why it matters
    /// Clients encode or decode the message with the old format.
    /// ## Example
    /// `contentType: application/json` becomes `contentType: application/avro`.
    /// ## How to migrate
    /// Publish the new encoding as a new message and keep the old one during a transition.
    MESSAGE_CONTENT_TYPE_CHANGED = "message-content-type-changed", AsyncApi, Breaking, None, "message", Changed,
        "A message's content type changed";
    /// ## What it detects
    /// A message whose payload schema format changed to another family (JSON Schema / AsyncAPI
    /// / OpenAPI schemas count as one; Avro, Protobuf, RAML are others).
    /// ## Why it matters
    /// Code generated from the old schema no longer matches.
    /// ## Example
    /// `schemaFormat: application/vnd.apache.avro;version=1.9.0` replaces a JSON Schema payload.
    /// ## How to migrate
    /// Publish the new format as a new message.
    MESSAGE_SCHEMA_FORMAT_CHANGED = "message-schema-format-changed", AsyncApi, Warning, None, "message", Changed,
        "A message's payload schema format changed";
    /// ## What it detects
    /// A message that had a payload and no longer declares one.
    /// ## Why it matters
    /// Consumers reading the payload find nothing; producers' payloads are no longer described.
    /// ## Example
    /// `payload: {$ref: '#/components/schemas/turnOnOff'}` is deleted.
    /// ## How to migrate
    /// Keep the payload described until clients stop relying on it.
    MESSAGE_PAYLOAD_REMOVED = "message-payload-removed", AsyncApi, Breaking, None, "message", Removed,
        "A message's payload was removed";
    /// ## What it detects
    /// A message that had no payload and now declares one.
    /// ## Why it matters
    /// Clients sending the message do not send the new payload.
    /// ## Example
    /// `payload: {type: object, required: [id]}` is added to `ping`.
    /// ## How to migrate
    /// Make the payload optional for the API, or version the message.
    MESSAGE_PAYLOAD_ADDED = "message-payload-added", AsyncApi, Warning, None, "message", Added,
        "A message now has a payload";
    /// ## What it detects
    /// A message whose `headers` schema was removed.
    /// ## Why it matters
    /// Consumers reading those headers no longer find them described (and maybe not sent).
    /// ## Example
    /// `headers: {type: object, properties: {traceId: ...}}` is deleted.
    /// ## How to migrate
    /// Keep the headers until consumers stop reading them.
    MESSAGE_HEADERS_REMOVED = "message-headers-removed", AsyncApi, Warning, None, "message", Removed,
        "A message's headers schema was removed";
    /// ## What it detects
    /// A message that had no `headers` schema and now has one.
    /// ## Why it matters
    /// Producers of the message do not set the new headers.
    /// ## Example
    /// A `headers` schema with a required `traceId` is added.
    /// ## How to migrate
    /// Make the new headers optional.
    MESSAGE_HEADERS_ADDED = "message-headers-added", AsyncApi, Warning, None, "message", Added,
        "A message now has a headers schema";
    /// ## What it detects
    /// A message whose `correlationId` location was added, removed or changed.
    /// ## Why it matters
    /// Clients match requests and replies by the old location.
    /// ## Example
    /// `location: $message.header#/correlationId` becomes `$message.payload#/reqid`.
    /// ## How to migrate
    /// Keep the old correlation field filled during a transition.
    MESSAGE_CORRELATION_ID_CHANGED = "message-correlation-id-changed", AsyncApi, Warning, None, "message", Changed,
        "A message's correlation id location changed";
    /// ## What it detects
    /// Protocol bindings of a message, operation or channel that changed. Bindings are compared
    /// as opaque values.
    /// ## Why it matters
    /// Protocol details (QoS, Kafka keys, AMQP exchanges) are part of how clients connect.
    /// ## Example
    /// `bindings: {mqtt: {qos: 1}}` becomes `bindings: {mqtt: {qos: 0}}`.
    /// ## How to migrate
    /// Check the protocol-level change with the clients' configuration.
    ASYNCAPI_BINDINGS_CHANGED = "asyncapi-bindings-changed", AsyncApi, Warning, None, "bindings", Changed,
        "Protocol bindings changed";
}

pub(super) fn compare_bindings(c: &mut Cx<'_>, b: Option<&NodeId>, r: Option<&NodeId>, owners: (&NodeId, &NodeId), what: &str) {
    let value = |docs: &DocSet, id: Option<&NodeId>| id.and_then(|i| docs.resolve(i)).map(|(_, v)| v.clone());
    let (bv, rv) = (value(c.bdocs, b), value(c.rdocs, r));
    let empty = |v: &Option<serde_json::Value>| v.as_ref().is_none_or(|v| v.as_object().is_some_and(|m| m.is_empty()));
    if bv == rv || (empty(&bv) && empty(&rv)) {
        return;
    }
    let show = |v: &Option<serde_json::Value>| v.as_ref().map_or_else(|| "(none)".to_string(), |v| v.to_string());
    let (bs, rs) = (show(&bv), show(&rv));
    let bl = b.map_or_else(|| c.bloc(owners.0), |i| c.bloc(i));
    let rl = r.map_or_else(|| c.rloc(owners.1), |i| c.rloc(i));
    c.emit(
        Change::new(&ASYNCAPI_BINDINGS_CHANGED, format!("bindings of {what} changed from {bs} to {rs}"))
            .locs(Some(bl), Some(rl))
            .values(Some(bs), Some(rs)),
    );
}

/// Messages pair when they share an identity (name, messageId, component or channel key); a
/// lone anonymous message on either side pairs with the lone leftover on the other.
pub(super) fn compare_messages(c: &mut Cx<'_>, b: &Operation, r: &Operation) {
    let mut rfree: Vec<usize> = (0..r.messages.len()).collect();
    let mut removed = Vec::new();
    let mut pairs = Vec::new();
    for (bi, bm) in b.messages.iter().enumerate() {
        let hit = rfree.iter().position(|&ri| r.messages.get(ri).is_some_and(|rm| rm.ids.iter().any(|id| bm.ids.contains(id))));
        match hit {
            Some(pos) => pairs.push((bi, rfree.remove(pos))),
            None => removed.push(bi),
        }
    }
    if let ([bi], [ri]) = (removed.as_slice(), rfree.as_slice())
        && (b.messages.get(*bi).is_some_and(|m| m.ids.is_empty()) || r.messages.get(*ri).is_some_and(|m| m.ids.is_empty()))
    {
        pairs.push((*bi, *ri));
        removed.clear();
        rfree.clear();
    }
    let dir = dir_of(r.action);
    for (bi, ri) in pairs {
        if let (Some(bm), Some(rm)) = (b.messages.get(bi), r.messages.get(ri)) {
            compare_message(c, bm, rm, dir);
        }
    }
    let (gone_rule, new_rule) = match r.action {
        Action::Receive => (&MESSAGE_RECEIVE_REMOVED, &MESSAGE_RECEIVE_ADDED),
        Action::Send => (&MESSAGE_SEND_REMOVED, &MESSAGE_SEND_ADDED),
    };
    let verb = match r.action {
        Action::Receive => "receives",
        Action::Send => "sends",
    };
    for bi in removed {
        let Some(bm) = b.messages.get(bi) else { continue };
        c.emit(
            Change::new(gone_rule, format!("message `{}` is no longer among those the API {verb} here", bm.label))
                .locs(Some(c.bloc(&bm.node)), Some(c.rloc(&r.node)))
                .values(Some(bm.label.clone()), None),
        );
    }
    for ri in rfree {
        let Some(rm) = r.messages.get(ri) else { continue };
        c.emit(
            Change::new(new_rule, format!("message `{}` is now among those the API {verb} here", rm.label))
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rm.node)))
                .values(None, Some(rm.label.clone())),
        );
    }
}

pub(super) fn is_json_schema(m: &Message) -> bool {
    m.schema_format.as_ref().is_none_or(|(f, _)| f == "json-schema")
}

pub(super) fn compare_message(c: &mut Cx<'_>, b: &Message, r: &Message, dir: Dir) {
    let name = &r.label;
    let bct = b.content_type.as_ref().map(|(s, n)| (s.to_ascii_lowercase(), n));
    let rct = r.content_type.as_ref().map(|(s, n)| (s.to_ascii_lowercase(), n));
    if let (Some((bs, bn)), Some((rs, rn))) = (&bct, &rct)
        && bs != rs
    {
        c.emit(
            Change::new(&MESSAGE_CONTENT_TYPE_CHANGED, format!("message `{name}` content type changed from `{bs}` to `{rs}`"))
                .locs(Some(c.bloc(bn)), Some(c.rloc(rn)))
                .values(Some(bs.clone()), Some(rs.clone())),
        );
    }
    let fmt = |m: &Message| m.schema_format.as_ref().map_or_else(|| "json-schema".to_string(), |(f, _)| f.clone());
    let (bf, rf) = (fmt(b), fmt(r));
    if bf != rf {
        let bl = b.schema_format.as_ref().map_or_else(|| c.bloc(&b.node), |(_, n)| c.bloc(n));
        let rl = r.schema_format.as_ref().map_or_else(|| c.rloc(&r.node), |(_, n)| c.rloc(n));
        c.emit(
            Change::new(&MESSAGE_SCHEMA_FORMAT_CHANGED, format!("message `{name}` schema format changed from {bf} to {rf}"))
                .locs(Some(bl), Some(rl))
                .values(Some(bf.clone()), Some(rf.clone())),
        );
    }
    let comparable = bf == rf && is_json_schema(b) && is_json_schema(r);
    match (&b.payload, &r.payload) {
        (Some(bp), None) => c.emit(
            Change::new(&MESSAGE_PAYLOAD_REMOVED, format!("message `{name}` no longer has a payload"))
                .locs(Some(c.bloc(bp)), Some(c.rloc(&r.node))),
        ),
        (None, Some(rp)) => c.emit(
            Change::new(&MESSAGE_PAYLOAD_ADDED, format!("message `{name}` now has a payload"))
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(rp))),
        ),
        (Some(bp), Some(rp)) if comparable => c.schema(bp, rp, dir, &format!("message `{name}` payload")),
        _ => {}
    }
    match (&b.headers, &r.headers) {
        (Some(bh), None) => c.emit(
            Change::new(&MESSAGE_HEADERS_REMOVED, format!("message `{name}` no longer has a headers schema"))
                .locs(Some(c.bloc(bh)), Some(c.rloc(&r.node))),
        ),
        (None, Some(rh)) => c.emit(
            Change::new(&MESSAGE_HEADERS_ADDED, format!("message `{name}` now has a headers schema"))
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(rh))),
        ),
        (Some(bh), Some(rh)) => c.schema(bh, rh, dir, &format!("message `{name}` headers")),
        _ => {}
    }
    let (bc, rc) = (b.correlation_id.as_ref().map(|x| &x.0), r.correlation_id.as_ref().map(|x| &x.0));
    if bc != rc {
        let show = |v: Option<&String>| v.map_or_else(|| "(none)".to_string(), |s| format!("`{s}`"));
        let bl = b.correlation_id.as_ref().map_or_else(|| c.bloc(&b.node), |(_, n)| c.bloc(n));
        let rl = r.correlation_id.as_ref().map_or_else(|| c.rloc(&r.node), |(_, n)| c.rloc(n));
        c.emit(
            Change::new(
                &MESSAGE_CORRELATION_ID_CHANGED,
                format!("message `{name}` correlation id changed from {} to {}", show(bc), show(rc)),
            )
            .locs(Some(bl), Some(rl))
            .values(bc.cloned(), rc.cloned()),
        );
    }
    compare_bindings(c, b.bindings.as_ref(), r.bindings.as_ref(), (&b.node, &r.node), &format!("message `{name}`"));
}
