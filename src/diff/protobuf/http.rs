//! The HTTP surface of gRPC services: changes to `google.api.http` method options (HTTP/JSON
//! transcoding by grpc-gateway, Envoy, ESP or Cloud Endpoints). buf does not check these; they are
//! apidiff's own rules, in their own `HTTP` category, reported whatever buf category is chosen.
//!
//! Rpcs pair by service and name (a deleted rpc is the rpc rules' business). Bindings pair by verb
//! and path template (`{name}` and `{name=*}` are the same); the main bindings of both versions
//! pair with each other when neither is served any more, so a changed verb or path reads as such.

use super::{Change, Side, loc};
use crate::diff::sink::Sink;
use crate::spec::protobuf::{File, HttpBinding, HttpRule, Method, Service};
use std::collections::{HashMap, HashSet};

crate::rules! {
    /// ## What it detects
    /// An rpc lost its `google.api.http` option: it is no longer exposed over HTTP/JSON.
    ///
    /// ## Why it matters
    /// REST clients of the transcoded service get 404 for every route of the rpc; gRPC clients
    /// are not affected.
    ///
    /// ## Example
    /// `option (google.api.http) = { get: "/v1/{name=users/*}" };` was removed from `GetUser`.
    ///
    /// ## How to migrate
    /// Keep the option until REST clients have moved; deprecate the rpc first.
    HTTP_ANNOTATION_REMOVED = "proto-http-annotation-removed", Protobuf, Breaking, None, "http", Removed,
        "An rpc's google.api.http option was removed", buf = [Http];
    /// ## What it detects
    /// An rpc gained a `google.api.http` option: it is now exposed over HTTP/JSON.
    ///
    /// ## Why it matters
    /// It does not break anyone.
    ///
    /// ## Example
    /// `option (google.api.http) = { post: "/v1/users" body: "*" };` was added to `CreateUser`.
    ///
    /// ## How to migrate
    /// Nothing to do.
    HTTP_ANNOTATION_ADDED = "proto-http-annotation-added", Protobuf, Info, None, "http", Added,
        "An rpc's google.api.http option was added", buf = [Http];
    /// ## What it detects
    /// The HTTP verb of an rpc's main binding changed (`get` became `post`).
    ///
    /// ## Why it matters
    /// REST clients keep sending the old verb and get 404 or 405.
    ///
    /// ## Example
    /// `get: "/v1/{name=users/*}"` became `post: "/v1/{name=users/*}"`.
    ///
    /// ## How to migrate
    /// Keep the old verb as an `additional_bindings` entry next to the new one.
    HTTP_VERB_CHANGED = "proto-http-verb-changed", Protobuf, Breaking, None, "http", Changed,
        "The HTTP verb of an rpc changed", buf = [Http];
    /// ## What it detects
    /// The path template of an rpc's main binding changed (segments, variables or their patterns).
    ///
    /// ## Why it matters
    /// REST clients call the old URL and get 404, or the URL maps onto other request fields.
    ///
    /// ## Example
    /// `get: "/v1/{name=users/*}"` became `get: "/v2/{name=users/*}"`.
    ///
    /// ## How to migrate
    /// Keep the old path as an `additional_bindings` entry next to the new one.
    HTTP_PATH_CHANGED = "proto-http-path-changed", Protobuf, Breaking, None, "http", Changed,
        "The HTTP path template of an rpc changed", buf = [Http];
    /// ## What it detects
    /// The `body` of a binding changed: which request field the HTTP body maps to (`*` for the
    /// whole request, nothing for none).
    ///
    /// ## Why it matters
    /// REST clients send a body shaped for the old mapping: fields are lost or the request is
    /// rejected.
    ///
    /// ## Example
    /// `body: "*"` became `body: "user"`.
    ///
    /// ## How to migrate
    /// Add a new binding (another path) with the new body mapping and keep the old one.
    HTTP_BODY_CHANGED = "proto-http-body-changed", Protobuf, Breaking, Request, "http", Changed,
        "The HTTP request body mapping of an rpc changed", buf = [Http];
    /// ## What it detects
    /// The `response_body` of a binding changed: which response field is sent as the HTTP body
    /// (nothing for the whole response).
    ///
    /// ## Why it matters
    /// REST clients parse a body of another shape.
    ///
    /// ## Example
    /// `response_body: "user"` was removed, so the whole response message is sent.
    ///
    /// ## How to migrate
    /// Add a new binding with the new response mapping and keep the old one.
    HTTP_RESPONSE_BODY_CHANGED = "proto-http-response-body-changed", Protobuf, Breaking, Response, "http", Changed,
        "The HTTP response body mapping of an rpc changed", buf = [Http];
    /// ## What it detects
    /// An HTTP binding of an rpc (an `additional_bindings` entry, or the main binding when it
    /// was not replaced) is no longer served.
    ///
    /// ## Why it matters
    /// REST clients of that route get 404.
    ///
    /// ## Example
    /// `additional_bindings { get: "/v1/users/{id}" }` was removed.
    ///
    /// ## How to migrate
    /// Keep serving the route until its clients have moved.
    HTTP_BINDING_REMOVED = "proto-http-binding-removed", Protobuf, Breaking, None, "http", Removed,
        "An HTTP binding of an rpc was removed", buf = [Http];
    /// ## What it detects
    /// An rpc gained an HTTP binding (an `additional_bindings` entry).
    ///
    /// ## Why it matters
    /// It does not break anyone.
    ///
    /// ## Example
    /// `additional_bindings { get: "/v1/users/{id}" }` is new.
    ///
    /// ## How to migrate
    /// Nothing to do.
    HTTP_BINDING_ADDED = "proto-http-binding-added", Protobuf, Info, None, "http", Added,
        "An HTTP binding was added to an rpc", buf = [Http];
}

/// One rpc on both sides, for locating its changes.
struct Pair<'a> {
    bf: &'a File,
    rf: &'a File,
    pointer: String,
    op: String,
    base: &'a HttpRule,
    rev: &'a HttpRule,
}

impl Pair<'_> {
    fn push(&self, rule: &'static crate::diff::Rule, msg: String, before: Option<String>, after: Option<String>, out: &mut Sink) {
        let (base, rev) = (loc(self.bf, &self.pointer, self.base.pos), loc(self.rf, &self.pointer, self.rev.pos));
        out.push(Change::new(rule, msg).operation(self.op.clone()).locs(Some(base), Some(rev)).values(before, after).finish());
    }
}

pub(super) fn check(b: &Side<'_>, r: &Side<'_>, out: &mut Sink) {
    for (name, (bf, bs)) in &b.services {
        if let Some((rf, rs)) = r.services.get(name) {
            compare_service(bf, bs, rf, rs, out);
        }
    }
}

fn compare_service(bf: &File, bs: &Service, rf: &File, rs: &Service, out: &mut Sink) {
    let rev: HashMap<&str, &Method> = rs.methods.iter().map(|m| (m.name.as_str(), m)).collect();
    for bm in &bs.methods {
        let Some(rm) = rev.get(bm.name.as_str()) else { continue };
        let pointer = format!("{}.{}", bs.full_name, bm.name);
        let op = format!("/{}/{}", bs.full_name, bm.name);
        match (&bm.http, &rm.http) {
            (None, None) => {}
            (Some(base), None) => out.push(
                Change::new(&HTTP_ANNOTATION_REMOVED, format!("rpc `{pointer}` is no longer exposed over HTTP (google.api.http removed)"))
                    .operation(op)
                    .locs(Some(loc(bf, &pointer, base.pos)), Some(loc(rf, &pointer, rm.pos)))
                    .values(Some(routes(base)), None)
                    .finish(),
            ),
            (None, Some(rev)) => out.push(
                Change::new(&HTTP_ANNOTATION_ADDED, format!("rpc `{pointer}` is now exposed over HTTP as {}", routes(rev)))
                    .operation(op)
                    .locs(Some(loc(bf, &pointer, bm.pos)), Some(loc(rf, &pointer, rev.pos)))
                    .values(None, Some(routes(rev)))
                    .finish(),
            ),
            (Some(base), Some(rev)) => compare_bindings(&Pair { bf, rf, pointer, op, base, rev }, out),
        }
    }
}

fn compare_bindings(p: &Pair<'_>, out: &mut Sink) {
    let (base, rev) = (&p.base.bindings, &p.rev.bindings);
    let rev_at: HashMap<(&str, String), usize> = rev.iter().enumerate().rev().map(|(i, x)| (key(x), i)).collect();
    let mut matched: HashSet<usize> = HashSet::new();
    let mut unmatched = Vec::new();
    for (i, bb) in base.iter().enumerate() {
        match rev_at.get(&key(bb)).filter(|j| !matched.contains(*j)) {
            Some(&j) => {
                matched.insert(j);
                compare_bodies(p, bb, &rev[j], true, out);
            }
            None => unmatched.push(i),
        }
    }
    // Neither main binding is served by the other version: the main route changed in place.
    if unmatched.first() == Some(&0)
        && let Some(rb) = rev.first().filter(|_| !matched.contains(&0))
    {
        unmatched.remove(0);
        matched.insert(0);
        let bb = &base[0];
        if bb.verb != rb.verb {
            let msg = format!("rpc `{}` changed its HTTP verb from {} to {} ({})", p.pointer, bb.verb, rb.verb, rb.path);
            p.push(&HTTP_VERB_CHANGED, msg, Some(bb.verb.clone()), Some(rb.verb.clone()), out);
        }
        if normalize(&bb.path) != normalize(&rb.path) {
            let msg = format!("rpc `{}` changed its HTTP path from `{}` to `{}`", p.pointer, bb.path, rb.path);
            p.push(&HTTP_PATH_CHANGED, msg, Some(bb.path.clone()), Some(rb.path.clone()), out);
        }
        compare_bodies(p, bb, rb, bb.verb == rb.verb, out);
    }
    for i in unmatched {
        let route = route(&base[i]);
        p.push(&HTTP_BINDING_REMOVED, format!("rpc `{}` no longer serves {route}", p.pointer), Some(route), None, out);
    }
    for rb in rev.iter().enumerate().filter(|(j, _)| !matched.contains(j)).map(|(_, rb)| rb) {
        let route = route(rb);
        p.push(&HTTP_BINDING_ADDED, format!("rpc `{}` now also serves {route}", p.pointer), None, Some(route), out);
    }
}

/// Body mappings of two bindings of the same route; the request body only when the verb is the
/// same (a verb change is reported once, not again as the body it brings).
fn compare_bodies(p: &Pair<'_>, bb: &HttpBinding, rb: &HttpBinding, request: bool, out: &mut Sink) {
    if request && bb.body != rb.body {
        let msg = format!("rpc `{}` changed the HTTP body of {} from {} to {}", p.pointer, route(rb), body(&bb.body), body(&rb.body));
        p.push(&HTTP_BODY_CHANGED, msg, Some(bb.body.clone()), Some(rb.body.clone()), out);
    }
    if bb.response_body != rb.response_body {
        let shown = |s: &str| if s.is_empty() { "the whole response".to_string() } else { format!("field `{s}`") };
        let msg = format!(
            "rpc `{}` changed the HTTP response body of {} from {} to {}",
            p.pointer,
            route(rb),
            shown(&bb.response_body),
            shown(&rb.response_body)
        );
        p.push(&HTTP_RESPONSE_BODY_CHANGED, msg, Some(bb.response_body.clone()), Some(rb.response_body.clone()), out);
    }
}

fn body(s: &str) -> String {
    match s {
        "" => "none".into(),
        "*" => "the whole request".into(),
        field => format!("field `{field}`"),
    }
}

fn key(b: &HttpBinding) -> (&str, String) {
    (b.verb.as_str(), normalize(&b.path))
}

/// `{name}` is shorthand for `{name=*}`; spaces are not significant.
fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    let mut var = false;
    let mut has_pattern = false;
    for c in path.chars().filter(|c| !c.is_whitespace()) {
        match c {
            '{' => (var, has_pattern) = (true, false),
            '=' if var => has_pattern = true,
            '}' if var && !has_pattern => {
                out.push_str("=*");
                var = false;
            }
            '}' => var = false,
            _ => {}
        }
        out.push(c);
    }
    out
}

fn route(b: &HttpBinding) -> String {
    format!("{} {}", b.verb, b.path)
}

fn routes(rule: &HttpRule) -> String {
    rule.bindings.iter().map(route).collect::<Vec<_>>().join(", ")
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof); built by
/// `crate::witness::protobuf`, checked against both descriptors).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&HTTP_ANNOTATION_REMOVED, Proof::Route),
        (&HTTP_VERB_CHANGED, Proof::Route),
        (&HTTP_PATH_CHANGED, Proof::Route),
        (&HTTP_BODY_CHANGED, Proof::Route),
        (&HTTP_RESPONSE_BODY_CHANGED, Proof::Route),
        (&HTTP_BINDING_REMOVED, Proof::Route),
    ]
};

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn a_bare_variable_is_a_single_segment() {
        assert_eq!(normalize("/v1/{name}"), "/v1/{name=*}");
        assert_eq!(normalize("/v1/{name=users/*}:get"), "/v1/{name=users/*}:get");
        assert_eq!(normalize("/v1/{ a }/x"), "/v1/{a=*}/x");
    }
}
