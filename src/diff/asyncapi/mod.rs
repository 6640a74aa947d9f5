//! AsyncAPI comparison: pairs servers, channels, operations and messages of two [`Api`]s (of
//! either generation) and hands header and payload schemas to the OpenAPI engine's JSON-Schema
//! comparison, with what the API sends treated like a response and what it receives like a
//! request. Changes inside a shared (`$ref`'d) schema or message are reported once, where it is
//! defined, with every other operation reaching it listed as affected.

pub mod channels;
pub mod messages;
pub mod operations;
pub mod servers;

use super::openapi::{Cmp, Dir, schema};
use super::{Change, Options, Rule};
use crate::spec::asyncapi::{Action, Api, Channel, Message, Operation, Server, Version};
use crate::spec::refs::{DocSet, NodeId};
use std::collections::{BTreeSet, HashMap};

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[channels::ALL, operations::ALL, messages::ALL, servers::ALL];

/// Compares two AsyncAPI descriptions.
pub fn compare(base: &Api, rev: &Api, opts: &Options) -> Vec<Change> {
    let mut c = Cmp::new(&base.docs, &rev.docs, opts);
    let chans = pair_channels(base, rev);
    compare_channels(&mut c, base, rev, &chans);
    compare_operations(&mut c, base, rev, &chans);
    c.op.clear();
    compare_servers(&mut c, base, rev);
    compare_info(&mut c, base, rev);
    c.finish()
}

fn dir_of(a: Action) -> Dir {
    match a {
        Action::Send => Dir::Response,
        Action::Receive => Dir::Request,
    }
}

/// Pairs items of two lists by successive keys; each key function may decline (`None`), and a
/// key shared by several items on one side pairs nothing.
fn pair_by<B, R, K: Eq + std::hash::Hash>(
    bfree: &mut Vec<usize>,
    rfree: &mut Vec<usize>,
    out: &mut Vec<(usize, usize)>,
    bkey: impl Fn(&B) -> Option<K>,
    rkey: impl Fn(&R) -> Option<K>,
    bs: &[B],
    rs: &[R],
) {
    let count = |keys: Vec<Option<K>>| {
        let mut m: HashMap<K, usize> = HashMap::new();
        for k in keys.into_iter().flatten() {
            *m.entry(k).or_default() += 1;
        }
        m
    };
    let bcount = count(bfree.iter().filter_map(|&i| bs.get(i)).map(&bkey).collect());
    let rcount = count(rfree.iter().filter_map(|&i| rs.get(i)).map(&rkey).collect());
    let mut matched_b = Vec::new();
    for &bi in bfree.iter() {
        let Some(k) = bs.get(bi).and_then(&bkey) else { continue };
        if bcount.get(&k) != Some(&1) || rcount.get(&k) != Some(&1) {
            continue;
        }
        if let Some(pos) = rfree.iter().position(|&ri| rs.get(ri).and_then(&rkey).as_ref() == Some(&k)) {
            out.push((bi, rfree.remove(pos)));
            matched_b.push(bi);
        }
    }
    bfree.retain(|i| !matched_b.contains(i));
}

struct Pairing {
    pairs: Vec<(usize, usize)>,
    removed: Vec<usize>,
    added: Vec<usize>,
}

impl Pairing {
    fn rev_of(&self, b: usize) -> Option<usize> {
        self.pairs.iter().find(|(x, _)| *x == b).map(|(_, r)| *r)
    }
}

/// Channels pair by id within one generation first (a 3.x address change keeps the id), and
/// by address first across generations (2.x has no ids besides the address).
fn pair_channels(base: &Api, rev: &Api) -> Pairing {
    let mut bfree: Vec<usize> = (0..base.channels.len()).collect();
    let mut rfree: Vec<usize> = (0..rev.channels.len()).collect();
    let mut pairs = Vec::new();
    let by_id = |ch: &Channel| Some(ch.id.clone());
    let by_addr = |ch: &Channel| ch.address.clone();
    let (bc, rc) = (&base.channels, &rev.channels);
    if base.version == rev.version {
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_id, by_id, bc, rc);
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_addr, by_addr, bc, rc);
    } else {
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_addr, by_addr, bc, rc);
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_id, by_id, bc, rc);
    }
    Pairing { pairs, removed: bfree, added: rfree }
}

fn channel_label(ch: &Channel) -> String {
    format!("channel `{}`", ch.display())
}

fn compare_channels(c: &mut Cmp<'_>, base: &Api, rev: &Api, p: &Pairing) {
    for &bi in &p.removed {
        let Some(b) = base.channels.get(bi) else { continue };
        c.op = channel_label(b);
        c.emit(
            Change::new(&channels::CHANNEL_REMOVED, format!("{} was removed", channel_label(b)))
                .base(c.bloc(&b.raw))
                .values(Some(b.display().to_string()), None),
        );
    }
    for &ri in &p.added {
        let Some(r) = rev.channels.get(ri) else { continue };
        c.op = channel_label(r);
        c.emit(
            Change::new(&channels::CHANNEL_ADDED, format!("{} was added", channel_label(r)))
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

fn compare_channel(c: &mut Cmp<'_>, b: &Channel, r: &Channel) {
    let label = channel_label(r);
    if let (Some(ba), Some(ra)) = (&b.address, &r.address)
        && ba != ra
    {
        c.emit(
            Change::new(&channels::CHANNEL_ADDRESS_CHANGED, format!("channel `{}` address changed from `{ba}` to `{ra}`", r.id))
                .locs(Some(c.bloc(&b.node.child("address"))), Some(c.rloc(&r.node.child("address"))))
                .values(Some(ba.clone()), Some(ra.clone())),
        );
    }
    for (name, bp) in &b.params {
        let Some(rp) = r.params.get(name) else {
            c.emit(
                Change::new(&channels::CHANNEL_PARAMETER_REMOVED, format!("parameter `{name}` of {label} was removed"))
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
                    &channels::CHANNEL_PARAMETER_CHANGED,
                    format!("parameter `{name}` of {label}: location changed from {} to {}", show(&bp.location), show(&rp.location)),
                )
                .locs(locs.0.clone(), locs.1.clone())
                .values(bp.location.clone(), rp.location.clone()),
            );
        }
        if let (Some(bs), Some(rs)) = (&bp.schema, &rp.schema) {
            // Clients fill parameters in, whichever way messages flow.
            schema::compare(c, bs, rs, Dir::Request, &format!("parameter `{name}` of {label}"));
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
                    Change::new(&channels::CHANNEL_PARAMETER_CHANGED, format!("parameter `{name}` of {label} {what}"))
                        .locs(locs.0.clone(), locs.1.clone())
                        .values(bp.enum_.as_ref().map(|v| v.join(",")), rp.enum_.as_ref().map(|v| v.join(","))),
                );
            }
        }
    }
    for (name, rp) in &r.params {
        if !b.params.contains_key(name) {
            c.emit(
                Change::new(&channels::CHANNEL_PARAMETER_ADDED, format!("parameter `{name}` of {label} was added"))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rp.node)))
                    .values(None, Some(name.clone())),
            );
        }
    }
    compare_bindings(c, b.bindings.as_ref(), r.bindings.as_ref(), (&b.node, &r.node), &label);
}

fn compare_bindings(c: &mut Cmp<'_>, b: Option<&NodeId>, r: Option<&NodeId>, owners: (&NodeId, &NodeId), what: &str) {
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
        Change::new(&messages::ASYNCAPI_BINDINGS_CHANGED, format!("bindings of {what} changed from {bs} to {rs}"))
            .locs(Some(bl), Some(rl))
            .values(Some(bs), Some(rs)),
    );
}

fn op_display(api: &Api, op: &Operation) -> String {
    let ch = api.channels.get(op.channel).map_or("?", Channel::display);
    match &op.id {
        Some(id) => format!("{} {ch} ({id})", op.action.as_str()),
        None => format!("{} {ch}", op.action.as_str()),
    }
}

/// Operations pair by id, then by (action, paired channel, reply), then by paired channel
/// alone when it has one unpaired operation on each side (an action flip).
fn compare_operations(c: &mut Cmp<'_>, base: &Api, rev: &Api, chans: &Pairing) {
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
                    &operations::ASYNC_OPERATION_ACTION_CHANGED,
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
                    &operations::ASYNC_OPERATION_CHANNEL_CHANGED,
                    format!("`{}` moved from channel `{bs}` to channel `{rs}`", op_display(rev, r)),
                )
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(&r.node)))
                .values(Some(bs), Some(rs)),
            );
        }
        let what = format!("operation `{}`", op_display(rev, r));
        compare_bindings(c, b.bindings.as_ref(), r.bindings.as_ref(), (&b.node, &r.node), &what);
        compare_messages(c, b, r);
    }
    for bi in bfree {
        let Some(b) = bo.get(bi) else { continue };
        c.op = op_display(base, b);
        c.emit(
            Change::new(&operations::ASYNC_OPERATION_REMOVED, format!("operation `{}` was removed", op_display(base, b)))
                .base(c.bloc(&b.node)),
        );
    }
    for ri in rfree {
        let Some(r) = ro.get(ri) else { continue };
        c.op = op_display(rev, r);
        c.emit(
            Change::new(&operations::ASYNC_OPERATION_ADDED, format!("operation `{}` was added", op_display(rev, r)))
                .revision(c.rloc(&r.node)),
        );
    }
}

/// Messages pair when they share an identity (name, messageId, component or channel key); a
/// lone anonymous message on either side pairs with the lone leftover on the other.
fn compare_messages(c: &mut Cmp<'_>, b: &Operation, r: &Operation) {
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
        Action::Receive => (&messages::MESSAGE_RECEIVE_REMOVED, &messages::MESSAGE_RECEIVE_ADDED),
        Action::Send => (&messages::MESSAGE_SEND_REMOVED, &messages::MESSAGE_SEND_ADDED),
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

fn is_json_schema(m: &Message) -> bool {
    m.schema_format.as_ref().is_none_or(|(f, _)| f == "json-schema")
}

fn compare_message(c: &mut Cmp<'_>, b: &Message, r: &Message, dir: Dir) {
    let name = &r.label;
    let bct = b.content_type.as_ref().map(|(s, n)| (s.to_ascii_lowercase(), n));
    let rct = r.content_type.as_ref().map(|(s, n)| (s.to_ascii_lowercase(), n));
    if let (Some((bs, bn)), Some((rs, rn))) = (&bct, &rct)
        && bs != rs
    {
        c.emit(
            Change::new(&messages::MESSAGE_CONTENT_TYPE_CHANGED, format!("message `{name}` content type changed from `{bs}` to `{rs}`"))
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
            Change::new(&messages::MESSAGE_SCHEMA_FORMAT_CHANGED, format!("message `{name}` schema format changed from {bf} to {rf}"))
                .locs(Some(bl), Some(rl))
                .values(Some(bf.clone()), Some(rf.clone())),
        );
    }
    let comparable = bf == rf && is_json_schema(b) && is_json_schema(r);
    match (&b.payload, &r.payload) {
        (Some(bp), None) => c.emit(
            Change::new(&messages::MESSAGE_PAYLOAD_REMOVED, format!("message `{name}` no longer has a payload"))
                .locs(Some(c.bloc(bp)), Some(c.rloc(&r.node))),
        ),
        (None, Some(rp)) => c.emit(
            Change::new(&messages::MESSAGE_PAYLOAD_ADDED, format!("message `{name}` now has a payload"))
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(rp))),
        ),
        (Some(bp), Some(rp)) if comparable => schema::compare(c, bp, rp, dir, &format!("message `{name}` payload")),
        _ => {}
    }
    match (&b.headers, &r.headers) {
        (Some(bh), None) => c.emit(
            Change::new(&messages::MESSAGE_HEADERS_REMOVED, format!("message `{name}` no longer has a headers schema"))
                .locs(Some(c.bloc(bh)), Some(c.rloc(&r.node))),
        ),
        (None, Some(rh)) => c.emit(
            Change::new(&messages::MESSAGE_HEADERS_ADDED, format!("message `{name}` now has a headers schema"))
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(rh))),
        ),
        (Some(bh), Some(rh)) => schema::compare(c, bh, rh, dir, &format!("message `{name}` headers")),
        _ => {}
    }
    let (bc, rc) = (b.correlation_id.as_ref().map(|x| &x.0), r.correlation_id.as_ref().map(|x| &x.0));
    if bc != rc {
        let show = |v: Option<&String>| v.map_or_else(|| "(none)".to_string(), |s| format!("`{s}`"));
        let bl = b.correlation_id.as_ref().map_or_else(|| c.bloc(&b.node), |(_, n)| c.bloc(n));
        let rl = r.correlation_id.as_ref().map_or_else(|| c.rloc(&r.node), |(_, n)| c.rloc(n));
        c.emit(
            Change::new(
                &messages::MESSAGE_CORRELATION_ID_CHANGED,
                format!("message `{name}` correlation id changed from {} to {}", show(bc), show(rc)),
            )
            .locs(Some(bl), Some(rl))
            .values(bc.cloned(), rc.cloned()),
        );
    }
    compare_bindings(c, b.bindings.as_ref(), r.bindings.as_ref(), (&b.node, &r.node), &format!("message `{name}`"));
}

fn compare_servers(c: &mut Cmp<'_>, base: &Api, rev: &Api) {
    let names_b: Vec<(&String, &Server)> = base.servers.iter().collect();
    let names_r: Vec<(&String, &Server)> = rev.servers.iter().collect();
    let mut bfree: Vec<usize> = (0..names_b.len()).collect();
    let mut rfree: Vec<usize> = (0..names_r.len()).collect();
    let mut pairs = Vec::new();
    let name = |x: &(&String, &Server)| Some(x.0.clone());
    let host = |x: &(&String, &Server)| Some(x.1.host.clone());
    pair_by(&mut bfree, &mut rfree, &mut pairs, name, name, &names_b, &names_r);
    pair_by(&mut bfree, &mut rfree, &mut pairs, host, host, &names_b, &names_r);
    for bi in bfree {
        let Some((name, s)) = names_b.get(bi) else { continue };
        c.emit(
            Change::new(&servers::ASYNCAPI_SERVER_REMOVED, format!("server `{name}` ({} {}) was removed", s.protocol, s.host))
                .base(c.bloc(&s.node))
                .values(Some((*name).clone()), None),
        );
    }
    for ri in rfree {
        let Some((name, s)) = names_r.get(ri) else { continue };
        c.emit(
            Change::new(&servers::ASYNCAPI_SERVER_ADDED, format!("server `{name}` ({} {}) was added", s.protocol, s.host))
                .revision(c.rloc(&s.node))
                .values(None, Some((*name).clone())),
        );
    }
    pairs.sort_unstable();
    for (bi, ri) in pairs {
        let (Some((_, b)), Some((name, r))) = (names_b.get(bi), names_r.get(ri)) else { continue };
        if b.protocol != r.protocol {
            c.emit(
                Change::new(
                    &servers::ASYNCAPI_SERVER_PROTOCOL_CHANGED,
                    format!("server `{name}` protocol changed from `{}` to `{}`", b.protocol, r.protocol),
                )
                .locs(Some(c.bloc(&b.protocol_node)), Some(c.rloc(&r.protocol_node)))
                .values(Some(b.protocol.clone()), Some(r.protocol.clone())),
            );
        }
        if b.host != r.host {
            c.emit(
                Change::new(
                    &servers::ASYNCAPI_SERVER_HOST_CHANGED,
                    format!("server `{name}` host changed from `{}` to `{}`", b.host, r.host),
                )
                .locs(Some(c.bloc(&b.host_node)), Some(c.rloc(&r.host_node)))
                .values(Some(b.host.clone()), Some(r.host.clone())),
            );
        }
    }
}

fn compare_info(c: &mut Cmp<'_>, base: &Api, rev: &Api) {
    if let (Some(bv), Some(rv)) = (&base.info_version, &rev.info_version)
        && bv != rv
    {
        let at = NodeId { doc: 0, ptr: "/info/version".into() };
        c.emit(
            Change::new(&servers::ASYNCAPI_API_VERSION_CHANGED, format!("info.version changed from {bv} to {rv}"))
                .locs(Some(c.bloc(&at)), Some(c.rloc(&at)))
                .values(Some(bv.clone()), Some(rv.clone())),
        );
    }
    if base.spec_version != rev.spec_version {
        let at = NodeId { doc: 0, ptr: "/asyncapi".into() };
        let gen_note = if base.version != rev.version {
            let g = |v: Version| if v == Version::V2 { "2.x" } else { "3.x" };
            format!(" (compared as one model across {} and {})", g(base.version), g(rev.version))
        } else {
            String::new()
        };
        c.emit(
            Change::new(
                &servers::ASYNCAPI_SPEC_VERSION_CHANGED,
                format!("AsyncAPI version changed from {} to {}{gen_note}", base.spec_version, rev.spec_version),
            )
            .locs(Some(c.bloc(&at)), Some(c.rloc(&at)))
            .values(Some(base.spec_version.clone()), Some(rev.spec_version.clone())),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Input;
    use crate::spec::LoadOptions;

    fn api(text: &str) -> Api {
        let input = Input::from_text("api.yaml", text.as_bytes().to_vec(), &std::env::temp_dir()).unwrap();
        let (value, syntax) = crate::source::text::parse("api.yaml", text).unwrap();
        crate::spec::asyncapi::load(&input, value, syntax, &LoadOptions::default()).unwrap()
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
