//! AsyncAPI witnesses: a message payload or header value one version accepts and the other
//! rejects, found by the same search as OpenAPI's schema witnesses. Schemas are read with the
//! 2020-12 rules of the validator (AsyncAPI's schema format is a JSON Schema superset). Servers,
//! channels and operations that are gone are shown by the address (or server URL) that reached
//! them and reaches nothing of the revision; content types and payloads by the message.

use super::instance::Gen;
use super::openapi::{Side, search};
use super::validate::Validator;
use crate::diff::{Change, Direction, Proof, Witness, WitnessKind, witness::Verdict};
use crate::spec::asyncapi::{Action, Api, Channel, ChannelParam, Message, Operation, Server};
use crate::spec::refs::NodeId;
use serde_json::{Value, json};

/// Builds the witness `proof` calls for, between two AsyncAPI documents.
pub(crate) fn build(base: &Api, rev: &Api, c: &Change, proof: Proof) -> Witness {
    if proof != Proof::Instance {
        return structural(base, rev, c, proof);
    }
    let request = c.rule.direction != Direction::Response;
    let (bs, rs) = (Side { docs: &base.docs, draft4: false, swagger: false }, Side { docs: &rev.docs, draft4: false, swagger: false });
    let found = match search(bs, rs, c, request) {
        Ok(f) => f,
        Err(reason) => return Witness::none(reason),
    };
    let what = c.operation.as_deref().map_or_else(|| "a message".to_string(), |o| format!("a message of `{o}`"));
    let shown = super::validate::short(&found.instance);
    let summary = if request {
        format!("{what} with {shown} was accepted and is now rejected: {}", found.why)
    } else {
        format!("{what} with {shown} may be sent now and a consumer built on the old description rejects it: {}", found.why)
    };
    let verdict = |api: &Api, id: &crate::spec::refs::NodeId, accepts: bool| Verdict {
        file: api.docs.location(id).file,
        pointer: id.ptr.clone(),
        accepts,
        error: (!accepts).then(|| found.why.clone()),
    };
    Witness {
        kind: WitnessKind::Message,
        summary,
        reason: None,
        instance: Some(found.instance.clone()),
        http: None,
        base: Some(verdict(base, &found.base, request)),
        revision: Some(verdict(rev, &found.rev, !request)),
    }
}

/// Builds the witness of a structural AsyncAPI change (a server, channel, operation or message
/// that is gone, moved or changed its content type), decided on both models.
pub(crate) fn structural(base: &Api, rev: &Api, c: &Change, proof: Proof) -> Witness {
    let Some(bloc) = &c.base else { return Witness::none("the change is not located in the base") };
    let p = bloc.pointer.as_str();
    let within = |n: &NodeId| p == n.ptr || p.starts_with(&format!("{}/", n.ptr));
    match proof {
        Proof::Endpoint => {
            if let Some((name, s)) = base.servers.iter().find(|(_, s)| within(&s.node)) {
                return server(base, rev, name, s);
            }
            if let Some(m) = base.operations.iter().flat_map(|o| o.messages.iter().map(move |m| (o, m))).find(|(_, m)| m.node.ptr == p) {
                return operation(base, rev, m.0, Some(m.1));
            }
            if let Some(o) = base.operations.iter().find(|o| within(&o.node)) {
                return operation(base, rev, o, None);
            }
            if let Some(ch) =
                base.channels.iter().find(|ch| within(&ch.raw) || within(&ch.node) || ch.params.values().any(|q| within(&q.node)))
            {
                return channel(base, rev, ch);
            }
            Witness::none("the changed server, channel or operation is not found in the base")
        }
        Proof::MediaType => content_type(base, rev, c),
        Proof::Unconstrained => payload(base, rev, c),
        _ => Witness::none("this rule has no AsyncAPI witness builder yet"),
    }
}

fn verdicts(base: &Api, bnode: &NodeId, rev: &Api, rnode: &NodeId, why: &str, base_accepts: bool) -> (Option<Verdict>, Option<Verdict>) {
    let v = |api: &Api, n: &NodeId, accepts: bool| Verdict {
        file: api.docs.location(n).file,
        pointer: n.ptr.clone(),
        accepts,
        error: (!accepts).then(|| why.to_string()),
    };
    (Some(v(base, bnode, base_accepts)), Some(v(rev, rnode, !base_accepts)))
}

fn endpoint(summary: String, instance: Value, verdicts: (Option<Verdict>, Option<Verdict>)) -> Witness {
    Witness {
        kind: WitnessKind::Endpoint,
        summary,
        reason: None,
        instance: Some(instance),
        http: None,
        base: verdicts.0,
        revision: verdicts.1,
    }
}

fn server(base: &Api, rev: &Api, name: &str, s: &Server) -> Witness {
    let target = format!("{}://{}", s.protocol, s.host);
    if let Some((other, _)) = rev.servers.iter().find(|(_, r)| r.protocol == s.protocol && r.host == s.host) {
        return Witness::none(format!("server `{other}` of the revision is still `{target}`"));
    }
    let why = format!("no server of the revision is `{target}`");
    let summary = format!("a client connecting to `{target}` (server `{name}`) reached the API and now cannot: {why}");
    endpoint(summary, json!(target), verdicts(base, &s.node, rev, &NodeId { doc: 0, ptr: "/servers".into() }, &why, true))
}

/// The values a channel parameter may take on one side (its `enum`, else its schema's
/// candidates that the schema accepts), first ones first.
fn param_values(api: &Api, q: &ChannelParam) -> Vec<String> {
    if let Some(e) = &q.enum_ {
        return e.clone();
    }
    let Some(s) = &q.schema else { return vec!["a".into()] };
    let mut v = Validator::new(&api.docs, false);
    let vals: Vec<String> = Gen::new(&api.docs)
        .candidates(s, 1)
        .into_iter()
        .filter(|c| !c.is_object() && !c.is_array() && v.check(s, c).is_ok())
        .map(|c| c.as_str().map_or_else(|| c.to_string(), str::to_string))
        .filter(|x| !x.is_empty() && !x.contains('/'))
        .take(4)
        .collect();
    if vals.is_empty() { vec!["a".into()] } else { vals }
}

/// Whether a parameter value is one the channel's parameter allows.
fn param_allows(api: &Api, q: &ChannelParam, value: &str) -> bool {
    if let Some(e) = &q.enum_ {
        return e.iter().any(|x| x == value);
    }
    let Some(s) = &q.schema else { return true };
    let mut v = Validator::new(&api.docs, false);
    v.check(s, &json!(value)).is_ok()
        || value.parse::<f64>().ok().and_then(serde_json::Number::from_f64).is_some_and(|n| v.check(s, &Value::Number(n)).is_ok())
}

/// The concrete addresses of a channel, varying one parameter at a time (its first values
/// elsewhere); none for a channel whose address is dynamic.
fn addresses(api: &Api, ch: &Channel) -> Vec<String> {
    let Some(tpl) = &ch.address else { return Vec::new() };
    let vals: Vec<(String, Vec<String>)> = ch.params.iter().map(|(n, q)| (n.clone(), param_values(api, q))).collect();
    let fill = |pick: &dyn Fn(usize) -> usize| {
        vals.iter().enumerate().fold(tpl.clone(), |a, (i, (n, vs))| a.replace(&format!("{{{n}}}"), &vs[pick(i).min(vs.len() - 1)]))
    };
    let mut out = vec![fill(&|_| 0)];
    for (i, (_, vs)) in vals.iter().enumerate() {
        for k in 1..vs.len() {
            out.push(fill(&|j| if j == i { k } else { 0 }));
        }
    }
    out.iter_mut().for_each(|a| {
        while let (Some(x), Some(y)) = (a.find('{'), a.find('}')) {
            if y < x {
                break;
            }
            a.replace_range(x..=y, "a");
        }
    });
    out
}

/// Whether a concrete address reaches a channel: the literal parts match and every parameter
/// value is one the channel allows.
fn reaches(api: &Api, ch: &Channel, addr: &str) -> bool {
    let Some(tpl) = &ch.address else { return false };
    let mut rest = addr;
    let mut parts = tpl.split('{');
    let Some(head) = parts.next() else { return false };
    let Some(r) = rest.strip_prefix(head) else { return false };
    rest = r;
    for part in parts {
        let Some((name, lit)) = part.split_once('}') else { return false };
        let end = if lit.is_empty() { rest.find('/').unwrap_or(rest.len()) } else { rest.find(lit).unwrap_or(usize::MAX) };
        if end == usize::MAX || end == 0 {
            return false;
        }
        let value = &rest[..end];
        if ch.params.get(name).is_some_and(|q| !param_allows(api, q, value)) {
            return false;
        }
        rest = &rest[end + lit.len()..];
    }
    rest.is_empty()
}

fn channel(base: &Api, rev: &Api, ch: &Channel) -> Witness {
    let Some(addr) = addresses(base, ch).into_iter().find(|a| !rev.channels.iter().any(|r| reaches(rev, r, a))) else {
        return Witness::none(format!("every address of channel `{}` still reaches a channel of the revision", ch.display()));
    };
    let why = format!("no channel of the revision takes address `{addr}`");
    let summary = format!("a message on `{addr}` reached channel `{}` and now reaches none: {why}", ch.display());
    endpoint(summary, json!(addr), verdicts(base, &ch.node, rev, &NodeId { doc: 0, ptr: "/channels".into() }, &why, true))
}

fn operation(base: &Api, rev: &Api, o: &Operation, message: Option<&Message>) -> Witness {
    let Some(ch) = base.channels.get(o.channel) else { return Witness::none("the operation's channel is not in the base") };
    let carries = |r: &Operation| message.is_none_or(|m| r.messages.iter().any(|x| x.ids.iter().any(|i| m.ids.contains(i))));
    let served = |a: &str| {
        rev.operations
            .iter()
            .any(|r| r.action == o.action && carries(r) && rev.channels.get(r.channel).is_some_and(|rc| reaches(rev, rc, a)))
    };
    let Some(addr) = addresses(base, ch).into_iter().find(|a| !served(a)) else {
        return Witness::none("every address of the operation's channel still has an operation of the same action in the revision");
    };
    let what = message.map_or_else(String::new, |m| format!(" message `{}`", m.label));
    let (client, api) = match o.action {
        Action::Receive => ("a client sending", "receives"),
        Action::Send => ("a client subscribed to", "sends"),
    };
    let name = o.id.as_deref().unwrap_or("the operation");
    let why = format!("no operation of the revision {api}{what} on `{addr}`");
    let summary = format!("{client}{what} on `{addr}` was served by `{name}` (the API {api}) and now is not: {why}");
    let ops = NodeId { doc: 0, ptr: "/operations".into() };
    let rnode = if rev.docs.get(&ops).is_some() { ops } else { NodeId { doc: 0, ptr: "/channels".into() } };
    endpoint(summary, json!(addr), verdicts(base, message.map_or(&o.node, |m| &m.node), rev, &rnode, &why, true))
}

/// Every message of an API with the operation carrying it.
fn messages(api: &Api) -> impl Iterator<Item = (&Operation, &Message)> {
    api.operations.iter().flat_map(|o| o.messages.iter().map(move |m| (o, m)))
}

fn content_type(base: &Api, rev: &Api, c: &Change) -> Witness {
    let (Some(bl), Some(rl)) = (&c.base, &c.revision) else { return Witness::none("the content type is not located in both versions") };
    let by = |api: &'_ Api, ptr: &str| {
        messages(api).find(|(_, m)| m.content_type.as_ref().is_some_and(|(_, n)| n.ptr == ptr)).map(|(o, m)| (o.clone(), m.clone()))
    };
    let (Some((bo, bm)), Some((_, rm))) = (by(base, &bl.pointer), by(rev, &rl.pointer)) else {
        return Witness::none("no message of both versions has the changed content type");
    };
    let (Some((bt, bn)), Some((rt, rn))) = (&bm.content_type, &rm.content_type) else { return Witness::none("a side has no content type") };
    if bt.eq_ignore_ascii_case(rt) {
        return Witness::none("the content types are the same");
    }
    let inst = bm.payload.as_ref().map(|p| Gen::new(&base.docs).candidates(p, 1).into_iter().next().unwrap_or(Value::Null));
    let why = format!("the revision describes message `{}` as `{rt}`, not `{bt}`", rm.label);
    let summary = format!(
        "a message `{}` of `{}` encoded as `{bt}` was read and is now not: {why}",
        bm.label,
        bo.id.as_deref().unwrap_or("the operation")
    );
    let (b, r) = verdicts(base, bn, rev, rn, &why, true);
    Witness { kind: WitnessKind::Message, summary, reason: None, instance: inst, http: None, base: b, revision: r }
}

fn payload(base: &Api, rev: &Api, c: &Change) -> Witness {
    let (Some(bl), Some(rl)) = (&c.base, &c.revision) else { return Witness::none("the payload is not located in both versions") };
    let Some((_, bm)) = messages(base).find(|(_, m)| m.payload.as_ref().is_some_and(|p| p.ptr == bl.pointer)) else {
        return Witness::none("the payload is not found in the base");
    };
    let Some((_, rm)) = messages(rev).find(|(_, m)| m.node.ptr == rl.pointer) else {
        return Witness::none("the message is not found in the revision");
    };
    let Some(bp) = &bm.payload else { return Witness::none("the base has no payload") };
    if rm.payload.is_some() {
        return Witness::none("the revision still describes a payload");
    }
    let mut v = Validator::new(&base.docs, false);
    let Some((inst, why)) =
        [json!(null), json!(false), json!(0), json!(""), json!([]), json!({})].into_iter().find_map(|x| match v.check(bp, &x) {
            Err(super::validate::Fail::Invalid(e)) => Some((x, e)),
            _ => None,
        })
    else {
        return Witness::none("the base's payload schema accepts every small value");
    };
    let summary = format!(
        "a message `{}` with payload {} may be sent now (the revision describes no payload) and a consumer built on the old description rejects it: {why}",
        rm.label,
        super::validate::short(&inst)
    );
    let (b, r) = verdicts(base, bp, rev, &rm.node, &why, false);
    Witness { kind: WitnessKind::Message, summary, reason: None, instance: Some(inst), http: None, base: b, revision: r }
}
