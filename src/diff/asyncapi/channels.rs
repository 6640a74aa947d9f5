//! Rules about channels: their presence, address and parameters.

crate::rules! {
    /// ## What it detects
    /// A channel that exists in the base and not in the revision (matched by address, then by
    /// channel id).
    /// ## Why it matters
    /// Clients publishing to the channel reach nobody; clients subscribed to it get nothing.
    /// ## Example
    /// Channel `user/signedup` is removed from `channels`.
    /// ## How to migrate
    /// Keep the channel until every client has moved, or deprecate it first.
    CHANNEL_REMOVED = "channel-removed", AsyncApi, Breaking, None, "channel", Removed,
        "A channel was removed";
    /// ## What it detects
    /// A channel that is new in the revision.
    /// ## Why it matters
    /// Nothing breaks; clients may start using it.
    /// ## Example
    /// Channel `user/deleted` is added.
    /// ## How to migrate
    /// Nothing to do.
    CHANNEL_ADDED = "channel-added", AsyncApi, Info, None, "channel", Added,
        "A channel was added";
    /// ## What it detects
    /// A 3.x channel (same id) whose `address` changed.
    /// ## Why it matters
    /// Clients still publish to and subscribe on the old address.
    /// ## Example
    /// `address: user/signedup` becomes `address: users/{userId}/signedup`.
    /// ## How to migrate
    /// Serve both addresses during a transition, or add a new channel and deprecate the old one.
    CHANNEL_ADDRESS_CHANGED = "channel-address-changed", AsyncApi, Breaking, None, "channel", Changed,
        "A channel's address changed";
    /// ## What it detects
    /// A parameter declared for a channel that had no such parameter.
    /// ## Why it matters
    /// Clients that build the address do not fill it in.
    /// ## Example
    /// `parameters: {region: {enum: [eu, us]}}` is added to a channel.
    /// ## How to migrate
    /// Check whether the address template changed too, and tell clients how to fill it.
    CHANNEL_PARAMETER_ADDED = "channel-parameter-added", AsyncApi, Warning, None, "channel", Added,
        "A channel parameter was added";
    /// ## What it detects
    /// A channel parameter that is no longer declared.
    /// ## Why it matters
    /// Clients still substitute it into the address; the address template probably changed.
    /// ## Example
    /// Parameter `userId` is removed from channel `users/{userId}`.
    /// ## How to migrate
    /// Keep the parameter until clients stop using it.
    CHANNEL_PARAMETER_REMOVED = "channel-parameter-removed", AsyncApi, Warning, None, "channel", Removed,
        "A channel parameter was removed";
    /// ## What it detects
    /// A channel parameter whose allowed values lost entries, or whose `location` changed.
    /// (Parameters with a 2.x `schema` are compared with the schema rules.)
    /// ## Why it matters
    /// Clients using a removed value address a channel that no longer exists.
    /// ## Example
    /// `enum: [eu, us, ap]` becomes `enum: [eu, us]`.
    /// ## How to migrate
    /// Keep accepting the old values during a transition.
    CHANNEL_PARAMETER_CHANGED = "channel-parameter-changed", AsyncApi, Breaking, None, "channel", Changed,
        "A channel parameter's allowed values or location changed";
}
