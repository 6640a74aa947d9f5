//! Rules about operations: what the API sends and receives on each channel.

crate::rules! {
    /// ## What it detects
    /// An operation (3.x `operations` entry, 2.x `publish`/`subscribe`, or a 3.x `reply`) that
    /// is gone in the revision.
    /// ## Why it matters
    /// Clients that send those messages reach nobody; clients waiting for them wait forever.
    /// ## Example
    /// Operation `turnOn` (`action: send`) is removed.
    /// ## How to migrate
    /// Keep the operation until every client has moved.
    ASYNC_OPERATION_REMOVED = "async-operation-removed", AsyncApi, Breaking, None, "operation", Removed,
        "An operation was removed";
    /// ## What it detects
    /// An operation new in the revision.
    /// ## Why it matters
    /// Nothing breaks; clients may start using it.
    /// ## Example
    /// Operation `dimLight` is added.
    /// ## How to migrate
    /// Nothing to do.
    ASYNC_OPERATION_ADDED = "async-operation-added", AsyncApi, Info, None, "operation", Added,
        "An operation was added";
    /// ## What it detects
    /// An operation whose direction flipped: the API used to send and now receives, or the
    /// other way round (3.x `action`, 2.x `subscribe` ↔ `publish`).
    /// ## Why it matters
    /// Every client of the operation is now on the wrong side of the channel.
    /// ## Example
    /// `action: send` becomes `action: receive`.
    /// ## How to migrate
    /// Add a new operation for the new direction and keep the old one during a transition.
    ASYNC_OPERATION_ACTION_CHANGED = "async-operation-action-changed", AsyncApi, Breaking, None, "operation", Changed,
        "An operation's action changed between send and receive";
    /// ## What it detects
    /// An operation (same id) that now works on another channel.
    /// ## Why it matters
    /// Clients publish to or subscribe on the old channel's address.
    /// ## Example
    /// Operation `turnOn` moves from channel `lights/{id}/on` to `lights/{id}/commands`.
    /// ## How to migrate
    /// Keep an operation on the old channel during a transition.
    ASYNC_OPERATION_CHANNEL_CHANGED = "async-operation-channel-changed", AsyncApi, Breaking, None, "operation", Changed,
        "An operation moved to another channel";
}
