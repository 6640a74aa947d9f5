//! Rules about the messages of operations: which ones, their content type, headers, payload,
//! correlation id and bindings. Schema changes inside headers and payloads use the shared
//! JSON-Schema rules (`request-*` for what the API receives, `response-*` for what it sends).

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
