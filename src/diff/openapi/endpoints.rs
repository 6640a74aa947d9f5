//! Rules about operations as a whole: added, removed, renamed, deprecated, sunset, stability.

crate::rules! {
    /// ## What it detects
    /// An operation (method + path) that exists only in the revision.
    /// ## Why it matters
    /// New capability; no existing client is affected.
    /// ## Example
    /// `GET /pets/{id}/photos` appears in the revision.
    /// ## How to migrate
    /// Nothing to do.
    ENDPOINT_ADDED = "endpoint-added", OpenApi, Info, None, "endpoint", Added,
        "An operation was added";

    /// ## What it detects
    /// An operation that exists in the base and not in the revision, and was not deprecated.
    /// ## Why it matters
    /// Every client that calls it gets 404 or 405.
    /// ## Example
    /// `DELETE /pets/{id}` is gone from the revision.
    /// ## How to migrate
    /// Deprecate it first (`deprecated: true`, ideally with `x-sunset: <date>`), give clients
    /// time to move, then remove it.
    ENDPOINT_REMOVED = "endpoint-removed", OpenApi, Breaking, None, "endpoint", Removed,
        "An operation was removed without being deprecated first";

    /// ## What it detects
    /// A deprecated operation removed before the date in its `x-sunset` extension.
    /// ## Why it matters
    /// Clients were promised the operation until that date.
    /// ## Example
    /// `x-sunset: 2030-01-01` in the base, operation gone in the revision today.
    /// ## How to migrate
    /// Keep the operation until its sunset date, or move the date (and tell clients).
    ENDPOINT_REMOVED_BEFORE_SUNSET = "endpoint-removed-before-sunset", OpenApi, Breaking, None, "endpoint", Removed,
        "A deprecated operation was removed before its sunset date";

    /// ## What it detects
    /// A deprecated operation removed after its sunset date (or one that had none).
    /// ## Why it matters
    /// Clients were warned, but some may still call it.
    /// ## Example
    /// `deprecated: true` in the base, operation gone in the revision.
    /// ## How to migrate
    /// Check access logs for remaining callers before shipping.
    DEPRECATED_ENDPOINT_REMOVED = "deprecated-endpoint-removed", OpenApi, Warning, None, "endpoint", Removed,
        "A deprecated operation was removed";

    /// ## What it detects
    /// An operation that disappeared while another operation with the same `operationId`
    /// appeared under a different method or path.
    /// ## Why it matters
    /// Clients calling the old method and path break; generated SDKs keep the method name.
    /// ## Example
    /// `operationId: getPet` moves from `GET /pet/{id}` to `GET /pets/{id}`.
    /// ## How to migrate
    /// Serve both paths for a while (mark the old one deprecated), or redirect.
    ENDPOINT_RENAMED = "endpoint-renamed", OpenApi, Breaking, None, "endpoint", Renamed,
        "An operation moved to another method or path (same operationId)";

    /// ## What it detects
    /// An operation that became `deprecated: true`.
    /// ## Why it matters
    /// Nothing breaks now; clients should plan to move.
    /// ## Example
    /// `deprecated: true` added to `GET /v1/users`.
    /// ## How to migrate
    /// Announce the replacement and a sunset date (`x-sunset`).
    ENDPOINT_DEPRECATED = "endpoint-deprecated", OpenApi, Info, None, "endpoint", Deprecated,
        "An operation was deprecated";

    /// ## What it detects
    /// An operation that is no longer deprecated.
    /// ## Why it matters
    /// Informational: clients may keep using it.
    /// ## Example
    /// `deprecated: true` removed.
    /// ## How to migrate
    /// Nothing to do.
    ENDPOINT_REACTIVATED = "endpoint-reactivated", OpenApi, Info, None, "endpoint", Deprecated,
        "A deprecated operation is no longer deprecated";

    /// ## What it detects
    /// An operation's `x-sunset` date moved earlier.
    /// ## Why it matters
    /// Clients planned their migration around the old date.
    /// ## Example
    /// `x-sunset: 2027-06-01` becomes `x-sunset: 2027-01-01`.
    /// ## How to migrate
    /// Keep the original date, or announce the change well ahead.
    ENDPOINT_SUNSET_MOVED_EARLIER = "endpoint-sunset-moved-earlier", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's sunset date moved earlier";

    /// ## What it detects
    /// An operation's `x-stability-level` went down (stable > beta > alpha > draft).
    /// ## Why it matters
    /// Clients built on the promised stability lose that promise.
    /// ## Example
    /// `x-stability-level: stable` becomes `beta`.
    /// ## How to migrate
    /// Add a new operation at the lower level instead.
    ENDPOINT_STABILITY_DECREASED = "endpoint-stability-decreased", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's stability level decreased";

    /// ## What it detects
    /// An operation's `operationId` changed (or was added or removed).
    /// ## Why it matters
    /// Generated SDKs name methods after it; their users' code stops compiling.
    /// ## Example
    /// `operationId: listPets` becomes `getPets`.
    /// ## How to migrate
    /// Keep operation ids stable once published.
    OPERATION_ID_CHANGED = "operation-id-changed", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's operationId changed";

    /// ## What it detects
    /// Tags added to or removed from an operation.
    /// ## Why it matters
    /// Only documentation grouping and some SDK layouts change.
    /// ## Example
    /// `tags: [pets]` becomes `tags: [animals]`.
    /// ## How to migrate
    /// Nothing to do, unless an SDK groups methods by tag.
    OPERATION_TAGS_CHANGED = "operation-tags-changed", OpenApi, Info, None, "endpoint", Changed,
        "An operation's tags changed";

    /// ## What it detects
    /// A webhook (OpenAPI 3.1 `webhooks`) that exists only in the revision.
    /// ## Why it matters
    /// Receivers get a new kind of call; none breaks.
    /// ## Example
    /// `webhooks: {petAdopted: ...}` appears.
    /// ## How to migrate
    /// Nothing to do.
    WEBHOOK_ADDED = "webhook-added", OpenApi, Info, None, "webhook", Added,
        "A webhook was added";

    /// ## What it detects
    /// A webhook that exists only in the base.
    /// ## Why it matters
    /// Receivers stop getting calls they may rely on.
    /// ## Example
    /// `webhooks.petAdopted` is gone.
    /// ## How to migrate
    /// Announce it to subscribers first.
    WEBHOOK_REMOVED = "webhook-removed", OpenApi, Warning, None, "webhook", Removed,
        "A webhook was removed";

    /// ## What it detects
    /// A callback (3.x `callbacks`: a request the API makes to a URL the client gave) that
    /// exists only in the revision.
    /// ## Why it matters
    /// Clients that registered a callback URL receive a new kind of request; none breaks.
    /// ## Example
    /// `POST /subscriptions` gains an `onEvent` callback.
    /// ## How to migrate
    /// Nothing to do.
    CALLBACK_ADDED = "callback-added", OpenApi, Info, None, "callback", Added,
        "A callback was added";

    /// ## What it detects
    /// A callback that exists only in the base.
    /// ## Why it matters
    /// Clients stop receiving requests they may depend on.
    /// ## Example
    /// The `onEvent` callback of `POST /subscriptions` is gone.
    /// ## How to migrate
    /// Announce it to subscribers first.
    CALLBACK_REMOVED = "callback-removed", OpenApi, Warning, None, "callback", Removed,
        "A callback was removed";
}
