//! Rules about channels: their presence, address and parameters.

use super::pairing::{Pairing, channel_label};
use crate::diff::Change;
use crate::diff::openapi::{Cx, Dir};
use crate::spec::asyncapi::{Api, Channel};
use std::collections::BTreeSet;

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

pub(super) fn compare_channels(c: &mut Cx<'_>, base: &Api, rev: &Api, p: &Pairing) {
    for &bi in &p.removed {
        let Some(b) = base.channels.get(bi) else { continue };
        c.op = channel_label(b);
        c.emit(
            Change::new(&CHANNEL_REMOVED, format!("{} was removed", channel_label(b)))
                .base(c.bloc(&b.raw))
                .values(Some(b.display().to_string()), None),
        );
    }
    for &ri in &p.added {
        let Some(r) = rev.channels.get(ri) else { continue };
        c.op = channel_label(r);
        c.emit(
            Change::new(&CHANNEL_ADDED, format!("{} was added", channel_label(r)))
                .revision(c.rloc(&r.raw))
                .values(None, Some(r.display().to_string())),
        );
    }
    for &(bi, ri) in &p.pairs {
        let (Some(b), Some(r)) = (base.channels.get(bi), rev.channels.get(ri)) else { continue };
        c.op = channel_label(r);
        compare_channel(c, b, r);
    }
}

pub(super) fn compare_channel(c: &mut Cx<'_>, b: &Channel, r: &Channel) {
    let label = channel_label(r);
    if let (Some(ba), Some(ra)) = (&b.address, &r.address)
        && ba != ra
    {
        c.emit(
            Change::new(&CHANNEL_ADDRESS_CHANGED, format!("channel `{}` address changed from `{ba}` to `{ra}`", r.id))
                .locs(Some(c.bloc(&b.node.child("address"))), Some(c.rloc(&r.node.child("address"))))
                .values(Some(ba.clone()), Some(ra.clone())),
        );
    }
    for (name, bp) in &b.params {
        let Some(rp) = r.params.get(name) else {
            c.emit(
                Change::new(&CHANNEL_PARAMETER_REMOVED, format!("parameter `{name}` of {label} was removed"))
                    .locs(Some(c.bloc(&bp.node)), Some(c.rloc(&r.node)))
                    .values(Some(name.clone()), None),
            );
            continue;
        };
        let locs = (Some(c.bloc(&bp.node)), Some(c.rloc(&rp.node)));
        if bp.location != rp.location {
            let show = |l: &Option<String>| l.clone().unwrap_or_else(|| "(none)".into());
            c.emit(
                Change::new(
                    &CHANNEL_PARAMETER_CHANGED,
                    format!("parameter `{name}` of {label}: location changed from {} to {}", show(&bp.location), show(&rp.location)),
                )
                .locs(locs.0.clone(), locs.1.clone())
                .values(bp.location.clone(), rp.location.clone()),
            );
        }
        if let (Some(bs), Some(rs)) = (&bp.schema, &rp.schema) {
            // Clients fill parameters in, whichever way messages flow.
            c.schema(bs, rs, Dir::Request, &format!("parameter `{name}` of {label}"));
        } else {
            let bset: BTreeSet<&String> = bp.enum_.iter().flatten().collect();
            let rset: BTreeSet<&String> = rp.enum_.iter().flatten().collect();
            let gone: Vec<&&String> = if rp.enum_.is_some() { bset.difference(&rset).collect() } else { Vec::new() };
            let newly_restricted = bp.enum_.is_none() && rp.enum_.is_some();
            if !gone.is_empty() || newly_restricted {
                let what = if newly_restricted {
                    format!("now only allows {}", rset.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))
                } else {
                    format!("no longer allows {}", gone.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))
                };
                c.emit(
                    Change::new(&CHANNEL_PARAMETER_CHANGED, format!("parameter `{name}` of {label} {what}"))
                        .locs(locs.0.clone(), locs.1.clone())
                        .values(bp.enum_.as_ref().map(|v| v.join(",")), rp.enum_.as_ref().map(|v| v.join(","))),
                );
            }
        }
    }
    for (name, rp) in &r.params {
        if !b.params.contains_key(name) {
            c.emit(
                Change::new(&CHANNEL_PARAMETER_ADDED, format!("parameter `{name}` of {label} was added"))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rp.node)))
                    .values(None, Some(name.clone())),
            );
        }
    }
    super::messages::compare_bindings(c, b.bindings.as_ref(), r.bindings.as_ref(), (&b.node, &r.node), &label);
}
