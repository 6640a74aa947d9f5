//! Rules about operations: what the API sends and receives on each channel.

use super::pairing::{Pairing, pair_by};
use crate::diff::Change;
use crate::diff::openapi::Cx;
use crate::spec::asyncapi::{Api, Channel, Operation};

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

pub(super) fn op_display(api: &Api, op: &Operation) -> String {
    let ch = api.channels.get(op.channel).map_or("?", Channel::display);
    match &op.id {
        Some(id) => format!("{} {ch} ({id})", op.action.as_str()),
        None => format!("{} {ch}", op.action.as_str()),
    }
}

/// Operations pair by id, then by (action, paired channel, reply), then by paired channel
/// alone when it has one unpaired operation on each side (an action flip).
pub(super) fn compare_operations(c: &mut Cx<'_>, base: &Api, rev: &Api, chans: &Pairing) {
    let mut bfree: Vec<usize> = (0..base.operations.len()).collect();
    let mut rfree: Vec<usize> = (0..rev.operations.len()).collect();
    let mut pairs = Vec::new();
    let (bo, ro) = (&base.operations, &rev.operations);
    pair_by(&mut bfree, &mut rfree, &mut pairs, |o: &Operation| o.id.clone(), |o: &Operation| o.id.clone(), bo, ro);
    pair_by(
        &mut bfree,
        &mut rfree,
        &mut pairs,
        |o: &Operation| chans.rev_of(o.channel).map(|ch| (o.action, ch, o.reply)),
        |o: &Operation| Some((o.action, o.channel, o.reply)),
        bo,
        ro,
    );
    pair_by(&mut bfree, &mut rfree, &mut pairs, |o: &Operation| chans.rev_of(o.channel), |o: &Operation| Some(o.channel), bo, ro);
    pairs.sort_unstable();
    for (bi, ri) in pairs {
        let (Some(b), Some(r)) = (bo.get(bi), ro.get(ri)) else { continue };
        c.op = op_display(rev, r);
        if b.action != r.action {
            c.emit(
                Change::new(
                    &ASYNC_OPERATION_ACTION_CHANGED,
                    format!("`{}` changed action from {} to {}", op_display(rev, r), b.action.as_str(), r.action.as_str()),
                )
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(&r.node)))
                .values(Some(b.action.as_str().into()), Some(r.action.as_str().into())),
            );
            continue;
        }
        if chans.rev_of(b.channel) != Some(r.channel) {
            let (bch, rch) = (base.channels.get(b.channel), rev.channels.get(r.channel));
            let (bs, rs) = (bch.map_or("?", Channel::display).to_string(), rch.map_or("?", Channel::display).to_string());
            c.emit(
                Change::new(
                    &ASYNC_OPERATION_CHANNEL_CHANGED,
                    format!("`{}` moved from channel `{bs}` to channel `{rs}`", op_display(rev, r)),
                )
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(&r.node)))
                .values(Some(bs), Some(rs)),
            );
        }
        let what = format!("operation `{}`", op_display(rev, r));
        super::messages::compare_bindings(c, b.bindings.as_ref(), r.bindings.as_ref(), (&b.node, &r.node), &what);
        super::messages::compare_messages(c, b, r);
    }
    for bi in bfree {
        let Some(b) = bo.get(bi) else { continue };
        c.op = op_display(base, b);
        c.emit(Change::new(&ASYNC_OPERATION_REMOVED, format!("operation `{}` was removed", op_display(base, b))).base(c.bloc(&b.node)));
    }
    for ri in rfree {
        let Some(r) = ro.get(ri) else { continue };
        c.op = op_display(rev, r);
        c.emit(Change::new(&ASYNC_OPERATION_ADDED, format!("operation `{}` was added", op_display(rev, r))).revision(c.rloc(&r.node)));
    }
}
