//! Rules about servers and document metadata.

crate::rules! {
    /// ## What it detects
    /// A server (by name, then by host) that is gone in the revision.
    /// ## Why it matters
    /// Clients configured for it can no longer connect.
    /// ## Example
    /// Server `production` is removed from `servers`.
    /// ## How to migrate
    /// Keep the server running and described until clients have moved.
    ASYNCAPI_SERVER_REMOVED = "asyncapi-server-removed", AsyncApi, Breaking, None, "server", Removed,
        "A server was removed";
    /// ## What it detects
    /// A server new in the revision.
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// Server `staging` is added.
    /// ## How to migrate
    /// Nothing to do.
    ASYNCAPI_SERVER_ADDED = "asyncapi-server-added", AsyncApi, Info, None, "server", Added,
        "A server was added";
    /// ## What it detects
    /// A server whose `protocol` or `protocolVersion` changed.
    /// ## Why it matters
    /// Clients speak the old protocol.
    /// ## Example
    /// `protocol: mqtt` becomes `protocol: amqp`.
    /// ## How to migrate
    /// Add a new server for the new protocol and keep the old one during a transition.
    ASYNCAPI_SERVER_PROTOCOL_CHANGED = "asyncapi-server-protocol-changed", AsyncApi, Breaking, None, "server", Changed,
        "A server's protocol changed";
    /// ## What it detects
    /// A server whose host or path changed (2.x `url`, 3.x `host` + `pathname`; the scheme is
    /// compared by the protocol rule).
    /// ## Why it matters
    /// Clients connect to the old host.
    /// ## Example
    /// `host: broker.example.com` becomes `host: mq.example.com`.
    /// ## How to migrate
    /// Keep the old host answering (a DNS alias) during a transition.
    ASYNCAPI_SERVER_HOST_CHANGED = "asyncapi-server-host-changed", AsyncApi, Breaking, None, "server", Changed,
        "A server's host or path changed";
    /// ## What it detects
    /// A new `info.version`.
    /// ## Why it matters
    /// Informational.
    /// ## Example
    /// `1.0.0` becomes `1.1.0`.
    /// ## How to migrate
    /// Nothing to do.
    ASYNCAPI_API_VERSION_CHANGED = "asyncapi-api-version-changed", AsyncApi, Info, None, "info", Changed,
        "info.version changed";
    /// ## What it detects
    /// A different AsyncAPI specification version (the `asyncapi` field), such as a 2.6 to 3.0
    /// migration. Both documents are lowered into one model, so only real changes are reported.
    /// ## Why it matters
    /// Tooling that reads the document (generators, validators) may need an upgrade.
    /// ## Example
    /// `asyncapi: 2.6.0` becomes `asyncapi: 3.0.0`.
    /// ## How to migrate
    /// Upgrade code generators and validators to the new specification version.
    ASYNCAPI_SPEC_VERSION_CHANGED = "asyncapi-spec-version-changed", AsyncApi, Info, None, "info", Changed,
        "The AsyncAPI specification version changed";
}
