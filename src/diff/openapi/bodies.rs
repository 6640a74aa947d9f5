//! Rules about request bodies, responses, status codes, media types and response headers.

use super::cx::{Cx, Dir};
use crate::diff::Change;
use crate::spec::openapi::{Body, Operation, Response};
use crate::spec::refs::NodeId;

crate::rules! {
    /// ## What it detects
    /// A required request body on an operation that had none.
    /// ## Why it matters
    /// Existing calls send no body and are rejected.
    /// ## Example
    /// `POST /pets/{id}/adopt` now needs a JSON body.
    /// ## How to migrate
    /// Make the body optional, with defaults for its content.
    REQUEST_BODY_ADDED_REQUIRED = "request-body-added-required", OpenApi, Breaking, Request, "request-body", Added,
        "A required request body was added", traits = [MakesRequired], oasdiff = ["request-body-added-required"];

    /// ## What it detects
    /// An optional request body on an operation that had none.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `POST /pets/{id}/adopt` accepts an optional note.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_BODY_ADDED_OPTIONAL = "request-body-added-optional", OpenApi, Info, Request, "request-body", Added,
        "An optional request body was added", oasdiff = ["request-body-added-optional"];

    /// ## What it detects
    /// A request body the base described and the revision does not.
    /// ## Why it matters
    /// Clients still send it; the server may reject or ignore it.
    /// A warning, not breaking, though it is a removal: servers ignore a body they no longer
    /// read, so no request that worked starts failing; what the body meant is lost, which a
    /// reviewer must see. A server that rejects unexpected bodies should be re-levelled by id.
    /// ## Example
    /// `requestBody` removed from `PUT /pets/{id}`.
    /// ## How to migrate
    /// Keep accepting (and ignoring) the body for a while.
    REQUEST_BODY_REMOVED = "request-body-removed", OpenApi, Warning, Request, "request-body", Removed,
        "A request body was removed", oasdiff = ["request-body-removed"];

    /// ## What it detects
    /// A request body that became required.
    /// ## Why it matters
    /// Calls without a body are now rejected.
    /// ## Example
    /// `requestBody.required: false` becomes `true`.
    /// ## How to migrate
    /// Keep it optional.
    REQUEST_BODY_BECAME_REQUIRED = "request-body-became-required", OpenApi, Breaking, Request, "request-body", Changed,
        "A request body became required", traits = [MakesRequired], oasdiff = ["request-body-became-required"];

    /// ## What it detects
    /// A request body that became optional.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `requestBody.required: true` becomes `false`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_BODY_BECAME_OPTIONAL = "request-body-became-optional", OpenApi, Info, Request, "request-body", Changed,
        "A request body became optional", oasdiff = ["request-body-became-optional"];

    /// ## What it detects
    /// A request media type (`content` key, or Swagger 2.0 `consumes`) no longer accepted.
    /// ## Why it matters
    /// Clients sending that `Content-Type` get 415.
    /// ## Example
    /// `application/xml` removed from the request body.
    /// ## How to migrate
    /// Keep accepting it during a transition.
    REQUEST_MEDIA_TYPE_REMOVED = "request-media-type-removed", OpenApi, Breaking, Request, "request-body", Removed,
        "A request media type was removed", oasdiff = ["request-body-media-type-removed"];

    /// ## What it detects
    /// A new request media type.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `application/x-www-form-urlencoded` added.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_MEDIA_TYPE_ADDED = "request-media-type-added", OpenApi, Info, Request, "request-body", Added,
        "A request media type was added", oasdiff = ["request-body-media-type-added"];

    /// ## What it detects
    /// A 2xx (or `2XX`) response status removed.
    /// ## Why it matters
    /// Clients wait for a success status that no longer comes.
    /// ## Example
    /// `200` replaced by `202`.
    /// ## How to migrate
    /// Keep the status, or add the new one alongside.
    RESPONSE_SUCCESS_STATUS_REMOVED = "response-success-status-removed", OpenApi, Breaking, Response, "response", Removed,
        "A success response status was removed", oasdiff = ["response-success-status-removed"];

    /// ## What it detects
    /// A non-success response status (1xx, 3xx, 4xx, 5xx, `default`) removed from the description.
    /// ## Why it matters
    /// Usually only documentation; the server may still send it.
    /// ## Example
    /// `404` removed.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_NON_SUCCESS_STATUS_REMOVED = "response-non-success-status-removed", OpenApi, Info, Response, "response", Removed,
        "A non-success response status was removed", oasdiff = ["response-non-success-status-removed"];

    /// ## What it detects
    /// A new 2xx response status.
    /// ## Why it matters
    /// Clients that check for one exact success code may treat the new one as a failure.
    /// ## Example
    /// `202` added next to `200`.
    /// ## How to migrate
    /// Tell clients to accept any 2xx.
    RESPONSE_SUCCESS_STATUS_ADDED = "response-success-status-added", OpenApi, Warning, Response, "response", Added,
        "A success response status was added", oasdiff = ["response-success-status-added"];

    /// ## What it detects
    /// A new non-success response status.
    /// ## Why it matters
    /// The server documents a new way to fail; clients may want to handle it.
    /// ## Example
    /// `429` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_NON_SUCCESS_STATUS_ADDED = "response-non-success-status-added", OpenApi, Info, Response, "response", Added,
        "A non-success response status was added", oasdiff = ["response-non-success-status-added"];

    /// ## What it detects
    /// A response media type no longer produced.
    /// ## Why it matters
    /// Clients asking for it (`Accept`) get 406 or another format.
    /// ## Example
    /// `application/xml` removed from the `200` response.
    /// ## How to migrate
    /// Keep producing it during a transition.
    RESPONSE_MEDIA_TYPE_REMOVED = "response-media-type-removed", OpenApi, Breaking, Response, "response", Removed,
        "A response media type was removed", oasdiff = ["response-media-type-removed"];

    /// ## What it detects
    /// A new response media type.
    /// ## Why it matters
    /// Existing clients keep working.
    /// ## Example
    /// `text/csv` added to the `200` response.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_MEDIA_TYPE_ADDED = "response-media-type-added", OpenApi, Info, Response, "response", Added,
        "A response media type was added", oasdiff = ["response-media-type-added"];

    /// ## What it detects
    /// A response header that was required and is gone.
    /// ## Why it matters
    /// Clients reading it (pagination links, rate limits) break.
    /// ## Example
    /// `X-Rate-Limit` (required) removed.
    /// ## How to migrate
    /// Keep sending it.
    RESPONSE_REQUIRED_HEADER_REMOVED = "response-required-header-removed", OpenApi, Breaking, Response, "response-header", Removed,
        "A required response header was removed", oasdiff = ["required-response-header-removed"];

    /// ## What it detects
    /// An optional response header that is gone.
    /// ## Why it matters
    /// Clients that use it when present lose it.
    /// ## Example
    /// `ETag` removed.
    /// ## How to migrate
    /// Keep sending it, or announce the removal.
    RESPONSE_OPTIONAL_HEADER_REMOVED = "response-optional-header-removed", OpenApi, Warning, Response, "response-header", Removed,
        "An optional response header was removed", oasdiff = ["optional-response-header-removed"];

    /// ## What it detects
    /// A response header that was required and became optional.
    /// ## Why it matters
    /// Clients that always read it may now find nothing.
    /// ## Example
    /// `Location` goes from `required: true` to `false`.
    /// ## How to migrate
    /// Keep it required.
    RESPONSE_HEADER_BECAME_OPTIONAL = "response-header-became-optional", OpenApi, Breaking, Response, "response-header", Changed,
        "A response header became optional", oasdiff = ["response-header-became-optional"];

    /// ## What it detects
    /// A new response header.
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// `X-Request-Id` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_HEADER_ADDED = "response-header-added", OpenApi, Info, Response, "response-header", Added,
        "A response header was added", oasdiff = ["response-header-added"];
}

pub(super) fn compare_body(c: &mut Cx<'_>, b: Option<&Body>, r: Option<&Body>, bop: &NodeId, rop: &NodeId, webhook: bool) {
    match (b, r) {
        (None, None) => {}
        (None, Some(r)) => {
            let rule = if r.required { &REQUEST_BODY_ADDED_REQUIRED } else { &REQUEST_BODY_ADDED_OPTIONAL };
            let kind = if r.required { "a required" } else { "an optional" };
            c.emit(Change::new(rule, format!("{kind} request body was added")).locs(Some(c.bloc(bop)), Some(c.rloc(&r.node))));
        }
        (Some(b), None) => {
            c.emit(Change::new(&REQUEST_BODY_REMOVED, "the request body was removed").locs(Some(c.bloc(&b.node)), Some(c.rloc(rop))));
        }
        (Some(b), Some(r)) => {
            let locs = (Some(c.bloc(&b.node)), Some(c.rloc(&r.node)));
            if !b.required && r.required {
                c.emit(Change::new(&REQUEST_BODY_BECAME_REQUIRED, "the request body became required").locs(locs.0.clone(), locs.1.clone()));
            }
            if b.required && !r.required {
                c.emit(Change::new(&REQUEST_BODY_BECAME_OPTIONAL, "the request body became optional").locs(locs.0.clone(), locs.1.clone()));
            }
            for (m, bm) in &b.content {
                // `application/json` → `application/*`: the server accepts more, and the
                // wildcard's schema now applies to what clients send.
                let covering = r.content.get(m).or_else(|| r.content.iter().find(|(rm, _)| media_covers(rm, m)).map(|(_, v)| v));
                match covering {
                    None => c.emit(
                        Change::new(&REQUEST_MEDIA_TYPE_REMOVED, format!("request media type `{m}` was removed"))
                            .locs(Some(c.bloc(&bm.node)), locs.1.clone())
                            .values(Some(m.clone()), None),
                    ),
                    Some(rm) => {
                        if let (Some(bs), Some(rs)) = (&bm.schema, &rm.schema) {
                            c.schema(bs, rs, Dir::Request.flip(webhook), &format!("request body ({m})"));
                        }
                        super::metadata::compare_examples(c, &bm.node, &rm.node, &format!("request body ({m})"));
                        // (3.2) Each item of a sequential media type (JSON Lines, SSE) on its own.
                        if let (Some(bs), Some(rs)) = (&bm.item_schema, &rm.item_schema) {
                            c.schema(bs, rs, Dir::Request.flip(webhook), &format!("request body ({m}) item"));
                        }
                    }
                }
            }
            for (m, rm) in &r.content {
                if !b.content.contains_key(m) {
                    c.emit(
                        Change::new(&REQUEST_MEDIA_TYPE_ADDED, format!("request media type `{m}` was added"))
                            .locs(locs.0.clone(), Some(c.rloc(&rm.node)))
                            .values(None, Some(m.clone())),
                    );
                }
            }
        }
    }
}

/// `204` → `2XX`.
pub(super) fn status_range(code: &str) -> String {
    code.chars().next().map_or_else(String::new, |c| format!("{c}XX"))
}

/// Does media range `range` (`application/*`, `*/*`) include `media`?
pub(super) fn media_covers(range: &str, media: &str) -> bool {
    match range.split_once('/') {
        Some(("*", "*")) => true,
        Some((t, "*")) => media.split_once('/').is_some_and(|(mt, _)| mt == t),
        _ => false,
    }
}

pub(super) fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

pub(super) fn compare_responses(c: &mut Cx<'_>, b: &Operation, r: &Operation, webhook: bool) {
    for (code, br) in &b.responses {
        // `200` → `2XX`: the range still includes the old status; compare with it.
        let covering = r.responses.get(code).or_else(|| r.responses.get(&status_range(code)));
        match covering {
            None => {
                let rule = if is_success(code) { &RESPONSE_SUCCESS_STATUS_REMOVED } else { &RESPONSE_NON_SUCCESS_STATUS_REMOVED };
                c.emit(
                    Change::new(rule, format!("response status {code} was removed"))
                        .locs(Some(c.bloc(&br.node)), Some(c.rloc(&r.node)))
                        .values(Some(code.clone()), None),
                );
            }
            Some(rr) => compare_response(c, code, br, rr, webhook),
        }
    }
    for (code, rr) in &r.responses {
        if !b.responses.contains_key(code) {
            let rule = if is_success(code) { &RESPONSE_SUCCESS_STATUS_ADDED } else { &RESPONSE_NON_SUCCESS_STATUS_ADDED };
            c.emit(
                Change::new(rule, format!("response status {code} was added"))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rr.node)))
                    .values(None, Some(code.clone())),
            );
        }
    }
}

pub(super) fn compare_response(c: &mut Cx<'_>, code: &str, b: &Response, r: &Response, webhook: bool) {
    for (h, bh) in &b.headers {
        match r.headers.get(h) {
            None => {
                let rule = if bh.required { &RESPONSE_REQUIRED_HEADER_REMOVED } else { &RESPONSE_OPTIONAL_HEADER_REMOVED };
                c.emit(
                    Change::new(rule, format!("response header `{}` ({code}) was removed", bh.name))
                        .locs(Some(c.bloc(&bh.node)), Some(c.rloc(&r.node))),
                );
            }
            Some(rh) => {
                if bh.required && !rh.required {
                    c.emit(
                        Change::new(&RESPONSE_HEADER_BECAME_OPTIONAL, format!("response header `{}` ({code}) became optional", rh.name))
                            .locs(Some(c.bloc(&bh.node)), Some(c.rloc(&rh.node))),
                    );
                }
                if let (Some(bs), Some(rs)) = (&bh.schema, &rh.schema) {
                    c.schema(bs, rs, Dir::Response.flip(webhook), &format!("response header `{}` ({code})", rh.name));
                }
            }
        }
    }
    for (h, rh) in &r.headers {
        if !b.headers.contains_key(h) {
            c.emit(
                Change::new(&RESPONSE_HEADER_ADDED, format!("response header `{}` ({code}) was added", rh.name))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rh.node))),
            );
        }
    }
    for (m, bm) in &b.content {
        match r.content.get(m) {
            None => c.emit(
                Change::new(&RESPONSE_MEDIA_TYPE_REMOVED, format!("response media type `{m}` ({code}) was removed"))
                    .locs(Some(c.bloc(&bm.node)), Some(c.rloc(&r.node)))
                    .values(Some(m.clone()), None),
            ),
            Some(rm) => {
                if let (Some(bs), Some(rs)) = (&bm.schema, &rm.schema) {
                    c.schema(bs, rs, Dir::Response.flip(webhook), &format!("response {code} body ({m})"));
                }
                if let (Some(bs), Some(rs)) = (&bm.item_schema, &rm.item_schema) {
                    c.schema(bs, rs, Dir::Response.flip(webhook), &format!("response {code} body ({m}) item"));
                }
                super::metadata::compare_examples(c, &bm.node, &rm.node, &format!("response {code} body ({m})"));
            }
        }
    }
    for (m, rm) in &r.content {
        if !b.content.contains_key(m) {
            c.emit(
                Change::new(&RESPONSE_MEDIA_TYPE_ADDED, format!("response media type `{m}` ({code}) was added"))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rm.node)))
                    .values(None, Some(m.clone())),
            );
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&REQUEST_BODY_ADDED_REQUIRED, Proof::MissingBody),
        (&REQUEST_BODY_BECAME_REQUIRED, Proof::MissingBody),
        (&REQUEST_MEDIA_TYPE_REMOVED, Proof::MediaType),
        (&RESPONSE_MEDIA_TYPE_REMOVED, Proof::MediaType),
        (&RESPONSE_SUCCESS_STATUS_REMOVED, Proof::Status),
        (&RESPONSE_REQUIRED_HEADER_REMOVED, Proof::MissingHeader),
        (&RESPONSE_HEADER_BECAME_OPTIONAL, Proof::MissingHeader),
    ]
};
