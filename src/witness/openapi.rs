//! OpenAPI and Swagger witnesses: a body, parameter or response value found among the
//! candidates of the changed schema and checked against both versions; the request that reached
//! a removed operation; a request without a newly required parameter, body or credential; a
//! response without a header the base promised. Each is decided on the two models, never assumed.

use super::instance::Gen;
use super::params;
use super::validate::{Fail, Validator, short};
use crate::diff::{Change, Direction, Proof, Witness, WitnessKind, witness::Http, witness::Verdict};
use crate::source::Location;
use crate::source::text::{escape_segment, unescape_segment};
use crate::spec::openapi::{Api, Operation, Param, Version, media_key};
use crate::spec::refs::{DocSet, NodeId};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};

/// The two descriptions, with their operations by display name (built once per comparison).
pub(crate) struct Pair<'a> {
    pub base: &'a Api,
    pub rev: &'a Api,
    bops: HashMap<String, &'a Operation>,
    rops: HashMap<String, &'a Operation>,
}

impl<'a> Pair<'a> {
    pub(crate) fn new(base: &'a Api, rev: &'a Api) -> Self {
        let ops = |a: &'a Api| a.operations.values().chain(a.webhooks.values()).map(|o| (o.display(), o)).collect();
        Pair { base, rev, bops: ops(base), rops: ops(rev) }
    }

    /// Builds the witness `proof` calls for.
    pub(crate) fn build(&self, c: &Change, proof: Proof) -> Witness {
        match proof {
            Proof::Instance => self.instance(c),
            Proof::Endpoint => self.endpoint(c),
            Proof::MissingParameter => self.missing_parameter(c),
            Proof::MovedParameter => self.moved_parameter(c),
            Proof::MissingBody => self.missing_body(c),
            Proof::MediaType => self.media_type(c),
            Proof::Credentials => self.credentials(c),
            Proof::Serialization => self.serialization(c),
            Proof::RemovedParameter => self.removed_parameter(c),
            Proof::MissingHeader => self.missing_header(c),
            Proof::Status => self.status(c),
            Proof::Unconstrained => Witness::none("this proof is built for AsyncAPI payloads only"),
            Proof::Selection
            | Proof::Input
            | Proof::DirectiveUse
            | Proof::Wire
            | Proof::Unimplemented
            | Proof::Symbol
            | Proof::Route
            | Proof::Code => Witness::none("this rule's witness is not an HTTP request or response"),
            Proof::Repository => Witness::none("this witness is built from the removed description by `check`"),
            Proof::Annotation => Witness::none(
                "what changed is an annotation in JSON Schema (an encoding, writeOnly, a discriminator or an extensible enum): no schema validator rejects a value for it",
            ),
        }
    }

    fn op(&self, c: &Change, base: bool) -> Option<&'a Operation> {
        let name = c.operation.as_deref()?;
        if base { self.bops.get(name).copied() } else { self.rops.get(name).copied() }
    }

    /// The operation on each side: by name, else by the path item the change points into.
    fn ops(&self, c: &Change) -> (Option<&'a Operation>, Option<&'a Operation>) {
        let by_ptr = |api: &'a Api, loc: Option<&Location>| -> Option<&'a Operation> {
            let p = loc?.pointer.as_str();
            api.operations.values().find(|o| o.node.doc == 0 && (p == o.node.ptr || p.starts_with(&format!("{}/", o.node.ptr))))
        };
        let b = self.op(c, true).or_else(|| by_ptr(self.base, c.base.as_ref()));
        let r = self.op(c, false).or_else(|| by_ptr(self.rev, c.revision.as_ref()));
        (b, r)
    }

    // ----- schema instances -----

    fn instance(&self, c: &Change) -> Witness {
        let request = c.rule.direction != Direction::Response;
        let side = |api: &'a Api| Side { docs: &api.docs, draft4: api.version != Version::V31, swagger: api.version == Version::Swagger2 };
        match search(side(self.base), side(self.rev), c, request) {
            Ok(f) => self.instance_witness(c, request, f.instance, (&f.base, &f.rev), f.why),
            Err(reason) => Witness::none(reason),
        }
    }

    fn instance_witness(&self, c: &Change, request: bool, inst: Value, at: (&NodeId, &NodeId), why: String) -> Witness {
        let (bat, rat) = at;
        let http = self.http_for(c, bat, request, &inst);
        let place = match &http {
            Some(h) if request => format!("{} {} with {}", h.method, h.path, place_of(bat, &inst)),
            Some(h) => {
                format!("{} {} answering {} with {}", h.method, h.path, h.status.as_deref().unwrap_or("a response"), place_of(bat, &inst))
            }
            None => format!("the value {} of `{}`", short(&inst), bat.ptr),
        };
        let summary = if request {
            format!("{place} was accepted and is now rejected: {why}")
        } else {
            format!("{place} is allowed now and a client built on the old description rejects it: {why}")
        };
        let verdict = |docs: &DocSet, id: &NodeId, accepts: bool| Verdict {
            file: docs.location(id).file,
            pointer: id.ptr.clone(),
            accepts,
            error: (!accepts).then(|| why.clone()),
        };
        Witness {
            kind: if request { WitnessKind::Request } else { WitnessKind::Response },
            summary,
            reason: None,
            instance: Some(inst),
            http,
            base: Some(verdict(&self.base.docs, bat, request)),
            revision: Some(verdict(&self.rev.docs, rat, !request)),
        }
    }

    /// The request (or response) an instance at `root` travels in.
    fn http_for(&self, c: &Change, root: &NodeId, request: bool, inst: &Value) -> Option<Http> {
        let op = self.op(c, true).or_else(|| self.op(c, false))?;
        let mut h = request_for(self.base, op);
        let segs: Vec<String> = root.ptr.split('/').skip(1).map(unescape_segment).collect();
        let find = |k: &str| segs.iter().position(|s| s == k);
        if let Some(i) = find("responses") {
            h.status = segs.get(i + 1).cloned();
            if let Some(j) = find("headers") {
                h.headers.insert(segs.get(j + 1).cloned().unwrap_or_default(), scalar(inst));
            }
        } else if let Some(i) = find("parameters") {
            let p = self.base.docs.get(&NodeId {
                doc: root.doc,
                ptr: segs[..=i + 1].iter().fold(String::new(), |a, s| format!("{a}/{}", escape_segment(s))),
            });
            let name = p.and_then(|p| p.get("name")).and_then(Value::as_str).unwrap_or_default().to_string();
            match p.and_then(|p| p.get("in")).and_then(Value::as_str) {
                Some("query") => drop(h.query.insert(name, scalar(inst))),
                Some("header") => drop(h.headers.insert(name, scalar(inst))),
                Some("path") => h.path = fill_one(&op.path, &name, &scalar(inst)).unwrap_or(h.path),
                Some("cookie") => drop(h.headers.insert("Cookie".into(), format!("{name}={}", scalar(inst)))),
                _ => {}
            }
        } else if let Some(i) = find("content") {
            h.headers.insert("Content-Type".into(), segs.get(i + 1).cloned().unwrap_or_default());
        }
        if request {
            h.now = Some("400".into());
        }
        Some(h)
    }

    // ----- removed operations -----

    fn endpoint(&self, c: &Change) -> Witness {
        let (Some(op), _) = self.ops(c) else { return Witness::none("the removed operation is not in the base") };
        let h = request_for(self.base, op);
        let (status, why) = match route(self.rev, &op.method, &h.path) {
            Route::Found(o) => return Witness::none(format!("{} {} still reaches `{}` in the revision", h.method, h.path, o.display())),
            Route::OtherMethods => ("405", format!("no `{}` operation is at {} (405 now)", op.method, h.path)),
            Route::NoPath => ("404", format!("no path of the revision matches {} (404 now)", h.path)),
        };
        let summary = format!("{} {} reached `{}` and now gets {status}: {why}", h.method, h.path, op.display());
        Witness {
            kind: WitnessKind::Endpoint,
            summary,
            reason: None,
            instance: None,
            http: Some(Http { now: Some(status.into()), ..h }),
            base: Some(Verdict { file: self.base.docs.location(&op.node).file, pointer: op.node.ptr.clone(), accepts: true, error: None }),
            revision: Some(Verdict {
                file: self.rev.docs.location(&NodeId { doc: 0, ptr: String::new() }).file,
                pointer: "/paths".into(),
                accepts: false,
                error: Some(why),
            }),
        }
    }

    // ----- parameters, bodies, media types -----

    fn missing_parameter(&self, c: &Change) -> Witness {
        let (Some(bop), Some(rop)) = self.ops(c) else { return Witness::none("the operation is not in both versions") };
        let Some(rloc) = &c.revision else { return Witness::none("the parameter is not located in the revision") };
        let Some((key, rp)) =
            rop.params.iter().find(|(_, p)| p.node.ptr == rloc.pointer || rloc.pointer.starts_with(&format!("{}/", p.node.ptr)))
        else {
            return Witness::none("the parameter is not found in the revision");
        };
        let h = request_for(self.base, bop);
        if bop.params.get(key).is_some_and(|p| p.required) || sent(&h, &rp.location, &rp.name) {
            return Witness::none(format!("the base already requires {} parameter `{}`", rp.location, rp.name));
        }
        let why = format!("required {} parameter `{}` is missing (`required` at {})", rp.location, rp.name, rp.node.ptr);
        let summary = format!("{} {} without `{}` was accepted and is now rejected: {why}", h.method, describe(&h), rp.name);
        self.request_witness(bop, rop, Http { now: Some("400".into()), ..h }, None, summary, why)
    }

    /// The operation and the parameter a change locates, in both versions (the parameter whose
    /// node is at, or holds, the change's pointer on each side); else the unproven witness saying
    /// what is missing (the reason of the unproven witness).
    #[allow(clippy::type_complexity)]
    fn located_params(&self, c: &Change) -> Result<(&'a Operation, &'a Operation, &'a Param, &'a Param), &'static str> {
        let (Some(bop), Some(rop)) = self.ops(c) else { return Err("the operation is not in both versions") };
        let (Some(bloc), Some(rloc)) = (&c.base, &c.revision) else {
            return Err("the parameter is not located in both versions");
        };
        let find =
            |op: &'a Operation, ptr: &str| op.params.values().find(|p| p.node.ptr == ptr || ptr.starts_with(&format!("{}/", p.node.ptr)));
        let (Some(bp), Some(rp)) = (find(bop, &bloc.pointer), find(rop, &rloc.pointer)) else {
            return Err("the parameter is not found in both versions");
        };
        Ok((bop, rop, bp, rp))
    }

    fn moved_parameter(&self, c: &Change) -> Witness {
        let (bop, rop, bp, rp) = match self.located_params(c) {
            Ok(found) => found,
            Err(why) => return Witness::none(why),
        };
        if !rp.required {
            return Witness::none(format!(
                "the revision accepts a request without {} parameter `{}`: the old one is ignored, not rejected",
                rp.location, rp.name
            ));
        }
        let mut h = request_for(self.base, bop);
        let value = bp.schema.as_ref().map(|s| first_valid(&self.base.docs, self.base.version, s, false)).unwrap_or(json!("a"));
        put_param(&mut h, bop, &bp.location, &bp.name, &scalar(&value));
        if sent(&h, &rp.location, &rp.name) {
            return Witness::none(format!("the request already sends {} parameter `{}`", rp.location, rp.name));
        }
        let why = format!("required {} parameter `{}` is missing (`required` at {})", rp.location, rp.name, rp.node.ptr);
        let summary = format!(
            "{} {} sending {} parameter `{}` was accepted and is now rejected: {why}",
            h.method,
            describe(&h),
            bp.location,
            bp.name
        );
        self.request_witness(bop, rop, Http { now: Some("400".into()), ..h }, None, summary, why)
    }

    fn missing_body(&self, c: &Change) -> Witness {
        let (Some(bop), Some(rop)) = self.ops(c) else { return Witness::none("the operation is not in both versions") };
        if bop.body.as_ref().is_some_and(|b| b.required) {
            return Witness::none("the base already requires a body");
        }
        let Some(rb) = rop.body.as_ref().filter(|b| b.required) else { return Witness::none("the revision does not require a body") };
        let h = request_for(self.base, bop);
        let why = format!("a request body is required (`required` at {})", rb.node.ptr);
        let summary = format!("{} {} without a body was accepted and is now rejected: {why}", h.method, describe(&h));
        self.request_witness(bop, rop, Http { now: Some("400".into()), ..h }, None, summary, why)
    }

    fn media_type(&self, c: &Change) -> Witness {
        let (Some(bop), Some(rop)) = self.ops(c) else { return Witness::none("the operation is not in both versions") };
        let request = c.rule.direction != Direction::Response;
        let Some(m) = c.before.as_deref().map(media_key) else { return Witness::none("the removed media type is not named") };
        let mut h = request_for(self.base, bop);
        if request {
            let Some(bm) = bop.body.as_ref().and_then(|b| b.content.iter().find(|(k, _)| media_key(k) == m)) else {
                return Witness::none(format!("the base does not accept `{m}`"));
            };
            if rop.body.as_ref().is_some_and(|b| b.content.keys().any(|k| accepts_media(k, &m))) {
                return Witness::none(format!("the revision still accepts `{m}`"));
            }
            let body = bm.1.schema.as_ref().map(|s| first_valid(&self.base.docs, self.base.version, s, false));
            h.headers.insert("Content-Type".into(), m.clone());
            let why = format!("`{m}` is no longer a request media type (415 now)");
            let summary = format!("{} {} with a `{m}` body was accepted and is now rejected: {why}", h.method, describe(&h));
            return self.request_witness(bop, rop, Http { now: Some("415".into()), ..h }, body, summary, why);
        }
        let lists = |op: &Operation| op.responses.values().any(|r| r.content.keys().any(|k| accepts_media(k, &m)));
        if !lists(bop) || lists(rop) {
            return Witness::none(format!("`{m}` is not a response media type the base has and the revision lacks"));
        }
        h.headers.insert("Accept".into(), m.clone());
        let why = format!("no response of the revision is `{m}` (406 now)");
        let summary = format!("{} {} asking for `{m}` was answered and is now refused: {why}", h.method, describe(&h));
        self.request_witness(bop, rop, Http { now: Some("406".into()), ..h }, None, summary, why)
    }

    fn serialization(&self, c: &Change) -> Witness {
        let (bop, rop, bp, rp) = match self.located_params(c) {
            Ok(found) => found,
            Err(why) => return Witness::none(why),
        };
        let Some(items) = bp.schema.as_ref().and_then(|s| list_items(&self.base.docs, self.base.version, s)) else {
            return Witness::none(format!(
                "{} parameter `{}` is not a list of scalars, the only serialisation apidiff writes",
                bp.location, bp.name
            ));
        };
        let Some(wire) = params::write(&bp.location, &bp.name, &bp.style, bp.explode, &items) else {
            return Witness::none(format!("style `{}` is not one apidiff writes", bp.style));
        };
        let read = params::read(&rp.name, &rp.style, rp.explode, &wire);
        if read.as_ref().is_ok_and(|got| *got == items) {
            return Witness::none("the revision reads the base's serialisation as the same list");
        }
        let mut h = request_for(self.base, bop);
        h.query.remove(&bp.name);
        h.headers.retain(|k, _| !k.eq_ignore_ascii_case(&bp.name));
        match &wire {
            params::Wire::Query(pairs) => {
                let enc = |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
                let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
                h.path = format!("{}{}{}", h.path, if h.path.contains('?') { "&" } else { "?" }, q.join("&"));
            }
            params::Wire::Single(s) => put_param(&mut h, bop, &bp.location, &bp.name, s),
        }
        let shown = serde_json::to_string(&items).unwrap_or_default();
        let why = match read {
            Ok(got) => format!(
                "the revision ({}) reads `{}` as {} (`style`/`explode` at {})",
                params::describe(&rp.style, rp.explode),
                rp.name,
                serde_json::to_string(&got).unwrap_or_default(),
                rp.node.ptr
            ),
            Err(e) => format!("the revision ({}) cannot read it: {e} (at {})", params::describe(&rp.style, rp.explode), rp.node.ptr),
        };
        let summary = format!(
            "{} {} sending `{}` = {shown} as the base serialises it ({}) was read as that list, and now is not: {why}",
            h.method,
            describe(&h),
            bp.name,
            params::describe(&bp.style, bp.explode)
        );
        self.request_witness(bop, rop, Http { now: Some("400".into()), ..h }, Some(json!(items)), summary, why)
    }

    fn removed_parameter(&self, c: &Change) -> Witness {
        let (Some(bop), Some(rop)) = self.ops(c) else { return Witness::none("the operation is not in both versions") };
        let Some(bloc) = &c.base else { return Witness::none("the parameter is not located in the base") };
        let Some(bp) = bop.params.values().find(|p| p.node.ptr == bloc.pointer || bloc.pointer.starts_with(&format!("{}/", p.node.ptr)))
        else {
            return Witness::none("the parameter is not found in the base");
        };
        if rop.params.values().any(|p| p.location == bp.location && p.name.eq_ignore_ascii_case(&bp.name)) {
            return Witness::none(format!("the revision still describes {} parameter `{}`", bp.location, bp.name));
        }
        let mut h = request_for(self.base, bop);
        let value = bp.schema.as_ref().map(|s| first_valid(&self.base.docs, self.base.version, s, false)).unwrap_or(json!("a"));
        put_param(&mut h, bop, &bp.location, &bp.name, &scalar(&value));
        let why = format!("the revision describes no {} parameter `{}`: its value is ignored or refused", bp.location, bp.name);
        let sunset = bp.sunset.as_deref().map(|s| format!(" (sunset {s})")).unwrap_or_default();
        let summary = format!(
            "{} {} reading {} parameter `{}`{sunset} was served and the parameter is gone: {why}",
            h.method,
            describe(&h),
            bp.location,
            bp.name
        );
        self.request_witness(bop, rop, h, None, summary, why)
    }

    fn request_witness(&self, bop: &Operation, rop: &Operation, http: Http, body: Option<Value>, summary: String, why: String) -> Witness {
        Witness {
            kind: WitnessKind::Request,
            summary,
            reason: None,
            instance: body,
            http: Some(http),
            base: Some(Verdict {
                file: self.base.docs.location(&bop.node).file,
                pointer: bop.node.ptr.clone(),
                accepts: true,
                error: None,
            }),
            revision: Some(Verdict {
                file: self.rev.docs.location(&rop.node).file,
                pointer: rop.node.ptr.clone(),
                accepts: false,
                error: Some(why),
            }),
        }
    }

    // ----- security -----

    fn credentials(&self, c: &Change) -> Witness {
        if let Some(w) = self.credential_endpoint(c) {
            return w;
        }
        let (bop, rop) = match self.ops(c) {
            (Some(b), Some(r)) => (b, r),
            _ => match self.scheme_user(c) {
                Some(pair) => pair,
                None => return Witness::none("no operation of both versions uses the changed security"),
            },
        };
        let mut offers: Vec<Vec<(String, BTreeSet<String>)>> = vec![Vec::new()];
        for alt in &bop.security {
            offers.push(alt.iter().filter_map(|(n, s)| Some((self.base.security_schemes.get(n)?.kind.clone(), s.clone()))).collect());
        }
        for offer in offers {
            if satisfied(self.base, bop, &offer) && !satisfied(self.rev, rop, &offer) {
                let mut h = request_for(self.base, bop);
                for (kind, scopes) in &offer {
                    present(&mut h, kind, scopes);
                }
                let shown = if offer.is_empty() {
                    "no credentials".to_string()
                } else {
                    offer
                        .iter()
                        .map(|(k, s)| {
                            if s.is_empty() {
                                k.clone()
                            } else {
                                format!("{k} with scopes {}", s.iter().cloned().collect::<Vec<_>>().join(" "))
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                };
                let status = if offer.iter().any(|(_, s)| !s.is_empty()) && !offer.is_empty() { "401 or 403" } else { "401" };
                let why = format!("no security requirement of the revision is met by {shown} ({status} now)");
                let summary = format!("{} {} with {shown} was accepted and is now refused: {why}", h.method, describe(&h));
                return self.request_witness(bop, rop, Http { now: Some(status.into()), ..h }, None, summary, why);
            }
        }
        Witness::none("every credential the base accepts is still accepted by the revision")
    }

    /// For a security scheme whose OAuth2 flow (or OpenID Connect) URLs changed: the URL clients
    /// got credentials from, which the revision no longer names.
    fn credential_endpoint(&self, c: &Change) -> Option<Witness> {
        let name = unescape_segment(c.base.as_ref()?.pointer.rsplit('/').next()?);
        let (bs, rs) = (self.base.security_schemes.get(&name)?, self.rev.security_schemes.get(&name)?);
        let (flow, url) = bs.endpoints.iter().find_map(|(flow, urls)| {
            let now: Vec<&str> = rs.endpoints.get(flow).map(|u| u.split_whitespace().collect()).unwrap_or_default();
            urls.split_whitespace().find(|u| !now.contains(u)).map(|u| (flow.clone(), u.to_string()))
        })?;
        let now = rs.endpoints.get(&flow).map_or_else(|| "no such flow".to_string(), |u| format!("`{u}`"));
        let why = format!("flow `{flow}` of security scheme `{name}` no longer names `{url}` (now {now})");
        let summary = format!("a client getting credentials from `{url}` did so with the base and is now sent elsewhere: {why}");
        Some(Witness {
            kind: WitnessKind::Endpoint,
            summary,
            reason: None,
            instance: Some(json!(url)),
            http: None,
            base: Some(Verdict { file: self.base.docs.location(&bs.node).file, pointer: bs.node.ptr.clone(), accepts: true, error: None }),
            revision: Some(Verdict {
                file: self.rev.docs.location(&rs.node).file,
                pointer: rs.node.ptr.clone(),
                accepts: false,
                error: Some(why),
            }),
        })
    }

    /// For a changed security scheme: the first operation of both versions that uses it.
    fn scheme_user(&self, c: &Change) -> Option<(&'a Operation, &'a Operation)> {
        let name = unescape_segment(c.base.as_ref()?.pointer.rsplit('/').next()?);
        let bop = self.base.operations.values().find(|o| o.security.iter().any(|alt| alt.contains_key(&name)))?;
        Some((bop, self.rops.get(&bop.display()).copied()?))
    }

    // ----- response headers and statuses -----

    fn missing_header(&self, c: &Change) -> Witness {
        let (Some(bop), Some(rop)) = self.ops(c) else { return Witness::none("the operation is not in both versions") };
        let Some(bloc) = &c.base else { return Witness::none("the header is not located in the base") };
        let found = bop
            .responses
            .iter()
            .find_map(|(code, r)| r.headers.values().find(|h| bloc.pointer.starts_with(&h.node.ptr)).map(|h| (code, h)));
        let Some((code, bh)) = found.filter(|(_, h)| h.required) else { return Witness::none("the base does not require the header") };
        let rh = rop.responses.get(code).and_then(|r| r.headers.values().find(|h| h.name.eq_ignore_ascii_case(&bh.name)));
        if rh.is_some_and(|h| h.required) || !rop.responses.contains_key(code) {
            return Witness::none(format!("the revision does not allow a {code} response without `{}`", bh.name));
        }
        let mut h = request_for(self.base, bop);
        h.status = Some(code.clone());
        let why = format!("required response header `{}` is missing (`required` at {})", bh.name, bh.node.ptr);
        let summary = format!(
            "{} {} answering {code} without `{}` is allowed now and a client built on the old description rejects it: {why}",
            h.method,
            describe(&h),
            bh.name
        );
        let rnode = rop.responses.get(code).map_or_else(|| rop.node.clone(), |r| r.node.clone());
        Witness {
            kind: WitnessKind::Response,
            summary,
            reason: None,
            instance: None,
            http: Some(h),
            base: Some(Verdict {
                file: self.base.docs.location(&bh.node).file,
                pointer: bh.node.ptr.clone(),
                accepts: false,
                error: Some(why),
            }),
            revision: Some(Verdict { file: self.rev.docs.location(&rnode).file, pointer: rnode.ptr, accepts: true, error: None }),
        }
    }

    fn status(&self, c: &Change) -> Witness {
        let (Some(bop), Some(rop)) = self.ops(c) else { return Witness::none("the operation is not in both versions") };
        let covers = |op: &Operation, code: &str| {
            op.responses.contains_key(code)
                || op.responses.contains_key(&format!("{}XX", &code[..1]))
                || op.responses.contains_key("default")
        };
        let Some((code, rr)) = rop.responses.iter().find(|(k, _)| k.starts_with('2') && k.len() == 3 && !covers(bop, k)) else {
            return Witness::none("the revision describes no success status in place of the removed one");
        };
        let mut h = request_for(self.base, bop);
        h.status = Some(code.clone());
        let why = format!("status {code} is not a response of the base");
        let summary = format!(
            "{} {} answering {code} is allowed now and a client built on the old description rejects it: {why}",
            h.method,
            describe(&h)
        );
        Witness {
            kind: WitnessKind::Response,
            summary,
            reason: None,
            instance: None,
            http: Some(h),
            base: Some(Verdict {
                file: self.base.docs.location(&bop.node).file,
                pointer: format!("{}/responses", bop.node.ptr),
                accepts: false,
                error: Some(why),
            }),
            revision: Some(Verdict {
                file: self.rev.docs.location(&rr.node).file,
                pointer: rr.node.ptr.clone(),
                accepts: true,
                error: None,
            }),
        }
    }
}

/// One version's documents and the JSON Schema dialect its schemas are read in.
#[derive(Clone, Copy)]
pub(crate) struct Side<'a> {
    pub docs: &'a DocSet,
    /// Draft 4 rules (Swagger 2.0, OpenAPI 3.0).
    pub draft4: bool,
    /// Swagger 2.0 (parameters and headers are schemas themselves).
    pub swagger: bool,
}

/// A value one side accepts and the other rejects, and where each checked it.
pub(crate) struct Found {
    pub instance: Value,
    pub base: NodeId,
    pub rev: NodeId,
    pub why: String,
}

/// Searches the candidates of the changed schema for a value the base accepts and the revision
/// rejects (`request`), or the revision allows and the base rejects; first lifted into the root
/// schema the change sits in (a whole body), else at the changed schema itself.
pub(crate) fn search(base: Side<'_>, rev: Side<'_>, c: &Change, request: bool) -> Result<Found, String> {
    let (Some(bnode), Some(rnode)) =
        (side_node(base.docs, c.base.as_ref(), c.revision.as_ref()), side_node(rev.docs, c.revision.as_ref(), c.base.as_ref()))
    else {
        return Err("the changed schema is not in both versions".into());
    };
    let (banchor, broot, bpath) = anchor(&bnode, base.swagger);
    let (ranchor, rroot, rpath) = anchor(&rnode, rev.swagger);
    let focus = |n: &NodeId, a: &NodeId| -> Option<String> {
        let rest = n.ptr.strip_prefix(&a.ptr)?.strip_prefix("/properties/")?;
        Some(unescape_segment(rest.split('/').next()?))
    };
    let mut cands: Vec<Value> = Vec::new();
    for (docs, n, a) in [(base.docs, &bnode, &banchor), (rev.docs, &rnode, &ranchor)] {
        if docs.get(a).is_some() {
            cands.extend(Gen::focused(docs, focus(n, a)).candidates(a, 0));
        }
    }
    let mut seen = BTreeSet::new();
    cands.retain(|v| seen.insert(v.to_string()));
    cands.sort_by_cached_key(|v| {
        let s = v.to_string();
        (s.len(), s)
    });
    let mut bv = Validator::new(base.docs, base.draft4);
    let mut rv = Validator::new(rev.docs, rev.draft4);
    let (acc_docs, acc_root, acc_path) = if request { (base.docs, &broot, &bpath) } else { (rev.docs, &rroot, &rpath) };
    let mut sk = Skeleton { proposer: Gen::new(acc_docs), minimal: HashMap::new() };
    let mut unknown = None;
    // Last, the changed schema itself (a property's own schema), when the anchor is an object
    // around it: its required siblings may be values the search cannot build (a `oneOf` whose
    // first branch's value also matches another).
    let (bleaf, rleaf) = (leaf(&bnode), leaf(&rnode));
    let mut leaf_cands = Vec::new();
    if bleaf != banchor && base.docs.get(&bleaf).is_some() && rev.docs.get(&rleaf).is_some() {
        for (docs, n) in [(base.docs, &bleaf), (rev.docs, &rleaf)] {
            leaf_cands.extend(Gen::new(docs).candidates(n, 0));
        }
        let mut seen = BTreeSet::new();
        leaf_cands.retain(|v| seen.insert(v.to_string()));
        leaf_cands.sort_by_cached_key(|v| {
            let s = v.to_string();
            (s.len(), s)
        });
    }
    for (bat, rat, lift) in [(&broot, &rroot, true), (&banchor, &ranchor, false), (&bleaf, &rleaf, false)] {
        if base.docs.get(bat).is_none() || rev.docs.get(rat).is_none() {
            continue;
        }
        let cands = if bat == &bleaf && bleaf != banchor { &leaf_cands } else { &cands };
        for cand in cands {
            let inst = if lift {
                let accepting = if request { &mut bv } else { &mut rv };
                match wrap(acc_docs, accepting, &mut sk, acc_root, acc_path, cand.clone()) {
                    Some(v) => v,
                    None => continue,
                }
            } else {
                cand.clone()
            };
            let (b, r) = (bv.check(bat, &inst), rv.check(rat, &inst));
            let (acc, rej) = if request { (&b, &r) } else { (&r, &b) };
            match (acc, rej) {
                (Ok(()), Err(Fail::Invalid(why))) => {
                    return Ok(Found { instance: inst, base: bat.clone(), rev: rat.clone(), why: why.clone() });
                }
                (Err(Fail::Unknown(u)), _) | (_, Err(Fail::Unknown(u))) => unknown = Some(u.clone()),
                _ => {}
            }
        }
    }
    let side = if request { "the base accepts and the revision rejects" } else { "the revision allows and the base rejects" };
    Err(match unknown {
        Some(u) => format!("no value among {} candidates is one {side}, and {u}", cands.len()),
        None => format!("no value among {} candidates is one {side}", cands.len()),
    })
}

/// The node a change points at on one side: its own location there, else the other side's
/// pointer in this side's root document.
fn side_node(docs: &DocSet, own: Option<&Location>, other: Option<&Location>) -> Option<NodeId> {
    let doc_of = |l: &Location| docs.docs.iter().position(|d| d.input.name == l.file && d.stands_for.is_none()).map(|i| i as u32);
    match (own, other) {
        (Some(l), _) => Some(NodeId { doc: doc_of(l).unwrap_or(0), ptr: l.pointer.clone() }),
        (None, Some(l)) => Some(NodeId { doc: 0, ptr: l.pointer.clone() }),
        _ => None,
    }
}

/// JSON Schema keywords a change's pointer may end in (the schema is their parent).
const KEYWORDS: &[&str] = &[
    "type",
    "enum",
    "const",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required",
    "additionalProperties",
    "nullable",
    "x-nullable",
    "items",
    "prefixItems",
    "additionalItems",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "allOf",
    "oneOf",
    "anyOf",
    "discriminator",
    "readOnly",
    "writeOnly",
    "default",
    "contentEncoding",
    "contentMediaType",
    "x-extensible-enum",
];
/// Keywords whose children are named schemas (`properties/name`).
const NAMED: &[&str] = &["properties", "patternProperties", "dependentSchemas", "$defs"];

/// Where the instance search runs: the schema nearest the change (trailing keywords taken off),
/// the root schema it sits in (a body, parameter, header or named schema), and the steps from
/// root to anchor (`p:name`, `i` for an array item, `=` for a branch of the same value).
fn anchor(node: &NodeId, swagger: bool) -> (NodeId, NodeId, Vec<String>) {
    let segs: Vec<String> = node.ptr.split('/').skip(1).map(unescape_segment).collect();
    let root_len = (1..=segs.len())
        .find(|&n| {
            let s = &segs[..n];
            let last = s[n - 1].as_str();
            (last == "schema")
                || (n == 3 && s[0] == "components" && s[1] == "schemas")
                || (n == 2 && s[0] == "definitions")
                || (swagger && n > 2 && s[n - 2] == "parameters")
                || (swagger && n >= 2 && s[n - 2] == "headers")
        })
        .unwrap_or(segs.len());
    let mut end = segs.len();
    loop {
        if end >= root_len + 2 && NAMED.contains(&segs[end - 2].as_str()) {
            end -= 2;
        } else if end > root_len && (KEYWORDS.contains(&segs[end - 1].as_str()) || segs[end - 1].parse::<usize>().is_ok()) {
            end -= 1;
        } else {
            break;
        }
    }
    // Steps from root to anchor; a step that does not carry the same instance down stops there.
    let mut path = Vec::new();
    let mut i = root_len;
    let mut stop = end;
    while i < end {
        match segs[i].as_str() {
            "properties" if i + 1 < end => {
                path.push(format!("p:{}", segs[i + 1]));
                i += 2;
            }
            "items" => {
                path.push("i".into());
                i += 1;
            }
            "allOf" | "oneOf" | "anyOf" if i + 1 < end => {
                path.push("=".into());
                i += 2;
            }
            _ => {
                stop = i;
                break;
            }
        }
    }
    let ptr = |n: usize| segs[..n].iter().fold(String::new(), |a, s| format!("{a}/{}", escape_segment(s)));
    let root = NodeId { doc: node.doc, ptr: ptr(root_len) };
    (NodeId { doc: node.doc, ptr: ptr(stop) }, root, path)
}

/// The changed schema itself: the change's node with trailing keywords (and array indexes)
/// taken off, named properties kept.
fn leaf(node: &NodeId) -> NodeId {
    let segs: Vec<String> = node.ptr.split('/').skip(1).map(unescape_segment).collect();
    let mut end = segs.len();
    while end > 0 && (KEYWORDS.contains(&segs[end - 1].as_str()) || segs[end - 1].parse::<usize>().is_ok()) {
        end -= 1;
    }
    NodeId { doc: node.doc, ptr: segs[..end].iter().fold(String::new(), |a, s| format!("{a}/{}", escape_segment(s))) }
}

/// Places `inner` at `path` under `root`, with the smallest valid siblings the accepting side
/// requires on the way; `None` when a step cannot be built.
fn wrap(docs: &DocSet, v: &mut Validator<'_>, sk: &mut Skeleton<'_>, root: &NodeId, path: &[String], inner: Value) -> Option<Value> {
    if path.is_empty() {
        return Some(inner);
    }
    let (node, _) = docs.resolve(root)?;
    match path[0].as_str() {
        "=" => wrap(docs, v, sk, &node, &path[1..], inner),
        "i" => Some(json!([wrap(docs, v, sk, &node.child("items"), &path[1..], inner)?])),
        step => {
            let name = step.strip_prefix("p:")?;
            let mut obj = match sk.minimal_object(v, &node) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            obj.insert(name.to_string(), wrap(docs, v, sk, &node.child("properties").child(name), &path[1..], inner)?);
            Some(Value::Object(obj))
        }
    }
}

/// The smallest valid objects along the way from a root schema to the changed one, built once
/// per search however many candidates are lifted.
struct Skeleton<'a> {
    proposer: Gen<'a>,
    minimal: HashMap<NodeId, Value>,
}

impl Skeleton<'_> {
    /// The first candidate of an object schema that it accepts, else its first candidate.
    fn minimal_object(&mut self, v: &mut Validator<'_>, id: &NodeId) -> Value {
        if let Some(m) = self.minimal.get(id) {
            return m.clone();
        }
        let cands = self.proposer.candidates(id, 1);
        let m = cands.iter().find(|c| c.is_object() && v.check(id, c).is_ok()).or(cands.first()).cloned().unwrap_or(json!({}));
        self.minimal.insert(id.clone(), m.clone());
        m
    }
}

/// The first candidate a schema accepts (a parameter's or body's smallest valid value).
/// A path segment must not be empty (`/pets/` reaches no `/pets/{id}`): `non_empty` skips those.
fn first_valid(docs: &DocSet, version: Version, id: &NodeId, non_empty: bool) -> Value {
    let mut v = Validator::new(docs, version != Version::V31);
    let cands = Gen::new(docs).candidates(id, 1);
    let usable = |c: &&Value| !non_empty || !scalar(c).is_empty();
    cands.iter().filter(usable).find(|c| v.check(id, c).is_ok()).or(cands.iter().find(usable)).cloned().unwrap_or(json!("a"))
}

/// Two values of an array parameter's items (distinct where the items allow it), as strings.
fn list_items(docs: &DocSet, version: Version, id: &NodeId) -> Option<Vec<String>> {
    let (node, s) = docs.resolve(id)?;
    let is_array = s.get("type").is_some_and(|t| t == "array" || t.as_array().is_some_and(|a| a.iter().any(|x| x == "array")));
    if !is_array {
        return None;
    }
    let items = node.child("items");
    docs.get(&items)?;
    let mut v = Validator::new(docs, version != Version::V31);
    let mut vals: Vec<String> = Vec::new();
    for c in Gen::new(docs).candidates(&items, 1).iter().filter(|c| !c.is_object() && !c.is_array() && v.check(&items, c).is_ok()) {
        let s = scalar(c);
        if !s.is_empty() && !vals.contains(&s) {
            vals.push(s);
        }
        if vals.len() == 2 {
            break;
        }
    }
    let first = vals.first()?.clone();
    if vals.len() < 2 && v.check(&items, &json!("b")).is_ok() {
        vals.push("b".into());
    }
    if vals.len() < 2 {
        vals.push(first);
    }
    Some(vals)
}

/// The request that reaches `op` with everything it requires: path parameters filled with their
/// smallest valid values, required query parameters and headers too.
fn request_for(api: &Api, op: &Operation) -> Http {
    let mut h = Http { method: op.method.clone(), path: op.path.clone(), ..Http::default() };
    for p in op.params.values() {
        if !(p.required || p.location == "path") {
            continue;
        }
        let value = p.schema.as_ref().map(|s| first_valid(&api.docs, api.version, s, p.location == "path")).unwrap_or(json!("a"));
        put_param(&mut h, op, &p.location, &p.name, &scalar(&value));
    }
    // Anything left in braces (a parameter the description forgot) gets a placeholder.
    while let (Some(a), Some(b)) = (h.path.find('{'), h.path.find('}')) {
        if b < a {
            break;
        }
        h.path.replace_range(a..=b, "a");
    }
    h
}

fn put_param(h: &mut Http, op: &Operation, location: &str, name: &str, value: &str) {
    match location {
        "path" => h.path = fill_one(&h.path, name, value).or_else(|| fill_one(&op.path, name, value)).unwrap_or_else(|| h.path.clone()),
        "query" => drop(h.query.insert(name.to_string(), value.to_string())),
        "header" => drop(h.headers.insert(name.to_string(), value.to_string())),
        "cookie" => drop(h.headers.insert("Cookie".into(), format!("{name}={value}"))),
        _ => {}
    }
}

/// Whether a request already carries a parameter.
fn sent(h: &Http, location: &str, name: &str) -> bool {
    match location {
        "query" => h.query.contains_key(name),
        "header" => h.headers.keys().any(|k| k.eq_ignore_ascii_case(name)),
        "path" => true,
        _ => false,
    }
}

fn fill_one(path: &str, name: &str, value: &str) -> Option<String> {
    let pat = format!("{{{name}}}");
    path.contains(&pat)
        .then(|| path.replace(&pat, &percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()))
}

/// A JSON value as a parameter or header carries it.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// `/pets/0?limit=1`: the path and query of a request, for summaries.
fn describe(h: &Http) -> String {
    if h.query.is_empty() {
        return h.path.clone();
    }
    let q: Vec<String> = h.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}?{}", h.path, q.join("&"))
}

fn place_of(root: &NodeId, inst: &Value) -> String {
    let what = if root.ptr.contains("/parameters/") {
        "parameter value"
    } else if root.ptr.contains("/headers/") {
        "header value"
    } else {
        "body"
    };
    format!("{what} {}", short(inst))
}

enum Route<'a> {
    Found(&'a Operation),
    OtherMethods,
    NoPath,
}

/// Which operation of `api` a concrete request path reaches.
fn route<'a>(api: &'a Api, method: &str, path: &str) -> Route<'a> {
    let want: Vec<&str> = path.split('/').collect();
    let matches = |tpl: &str| {
        let t: Vec<&str> = tpl.split('/').collect();
        t.len() == want.len() && t.iter().zip(&want).all(|(a, b)| (a.starts_with('{') && a.ends_with('}')) || a == b)
    };
    let mut other = false;
    for o in api.operations.values() {
        if matches(&o.path) {
            if o.method.eq_ignore_ascii_case(method) {
                return Route::Found(o);
            }
            other = true;
        }
    }
    if other { Route::OtherMethods } else { Route::NoPath }
}

fn accepts_media(listed: &str, m: &str) -> bool {
    let l = media_key(listed);
    l == m || l == "*/*" || (l.ends_with("/*") && m.starts_with(&l[..l.len() - 1]))
}

/// Whether credentials (scheme kinds with scopes) meet an operation's security.
fn satisfied(api: &Api, op: &Operation, offer: &[(String, BTreeSet<String>)]) -> bool {
    op.security.is_empty()
        || op.security.iter().any(|alt| {
            alt.iter().all(|(name, scopes)| {
                api.security_schemes.get(name).is_some_and(|s| offer.iter().any(|(k, have)| *k == s.kind && scopes.is_subset(have)))
            })
        })
}

/// Puts placeholder credentials of a scheme kind into a request (never a real secret).
fn present(h: &mut Http, kind: &str, scopes: &BTreeSet<String>) {
    let quoted = kind.split('`').nth(1).unwrap_or("api_key").to_string();
    if kind.starts_with("apiKey in header") {
        h.headers.insert(quoted, "<api-key>".into());
    } else if kind.starts_with("apiKey in query") {
        h.query.insert(quoted, "<api-key>".into());
    } else if kind.starts_with("apiKey in cookie") {
        h.headers.insert("Cookie".into(), format!("{quoted}=<api-key>"));
    } else if kind == "http basic" {
        h.headers.insert("Authorization".into(), "Basic <credentials>".into());
    } else if scopes.is_empty() {
        h.headers.insert("Authorization".into(), "Bearer <token>".into());
    } else {
        let s: Vec<&str> = scopes.iter().map(String::as_str).collect();
        h.headers.insert("Authorization".into(), format!("Bearer <token with scopes {}>", s.join(" ")));
    }
}
