//! Schema rules about allowed values: enums, defaults and patterns, mirrored for requests and responses.

use super::cx::{Cx, Dir};
use super::view::{View, emit, loc_pair, show};
use std::collections::HashSet;

crate::rules! {
    /// ## What it detects
    /// A `const` (the one value a schema allows) replaced by another value. In a request.
    /// ## Why it matters
    /// The value every client sends is now rejected: breaking.
    /// ## Example
    /// `kind: {const: card}` becomes `kind: {const: wallet}`.
    /// ## How to migrate
    /// Accept both values (`enum: [card, wallet]`) while clients move over.
    REQUEST_CONST_CHANGED = "request-const-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A `const` changed to another value (request)", oasdiff = ["request-property-const-changed", "request-body-const-changed"];
    /// ## What it detects
    /// A `const` (the one value a schema allows) replaced by another value. In a response.
    /// ## Why it matters
    /// Clients that test for the value they were promised (a type tag, a discriminator) no longer
    /// match what they receive: breaking, as the direction implies.
    /// ## Example
    /// `object: {const: charge}` becomes `object: {const: payment}`.
    /// ## How to migrate
    /// Keep the value; introduce the new one in a new field or schema.
    RESPONSE_CONST_CHANGED = "response-const-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A `const` changed to another value (response)";
    /// ## What it detects
    /// An `enum` (or `const`) that lost a value. In a request (parameter or body).
    /// ## Why it matters
    /// Clients sending that value are rejected.
    /// ## Example
    /// `enum: [available, pending, sold]` loses `pending`.
    /// ## How to migrate
    /// Keep accepting the value; map it server-side.
    REQUEST_ENUM_VALUE_REMOVED = "request-enum-value-removed", OpenApi, Breaking, Request, "schema", Removed,
        "An enum value was removed (request)", oasdiff = ["request-property-enum-value-removed", "request-parameter-enum-value-removed"];
    /// ## What it detects
    /// An `enum` (or `const`) that lost a value. In a response (body or header).
    /// ## Why it matters
    /// Clients simply never receive it again.
    /// ## Example
    /// `enum: [available, pending, sold]` loses `pending`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_ENUM_VALUE_REMOVED = "response-enum-value-removed", OpenApi, Info, Response, "schema", Removed,
        "An enum value was removed (response)", oasdiff = ["response-property-enum-value-removed"];
    /// ## What it detects
    /// An `enum` that gained a value. In a request (parameter or body).
    /// ## Why it matters
    /// Clients may send the new value; old values still work.
    /// ## Example
    /// `enum: [available, sold]` gains `reserved`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_ENUM_VALUE_ADDED = "request-enum-value-added", OpenApi, Info, Request, "schema", Added,
        "An enum value was added (request)", oasdiff = ["request-property-enum-value-added", "request-parameter-enum-value-added"];
    /// ## What it detects
    /// An `enum` that gained a value. In a response (body or header).
    /// ## Why it matters
    /// Clients with exhaustive switches or strict enum parsing fail on the new value.
    /// ## Example
    /// `enum: [available, sold]` gains `reserved`.
    /// ## How to migrate
    /// Tell clients to tolerate unknown values.
    RESPONSE_ENUM_VALUE_ADDED = "response-enum-value-added", OpenApi, Warning, Response, "schema", Added,
        "An enum value was added (response)", oasdiff = ["response-property-enum-value-added"];
    /// ## What it detects
    /// A schema without `enum` that now lists allowed values. In a request (parameter or body).
    /// ## Why it matters
    /// Clients sending other values are rejected.
    /// ## Example
    /// `type: string` gains `enum: [asc, desc]`.
    /// ## How to migrate
    /// List every value clients send today.
    REQUEST_ENUM_ADDED = "request-enum-added", OpenApi, Breaking, Request, "schema", Changed,
        "A schema became an enum (request)", oasdiff = ["request-body-became-enum", "request-property-became-enum", "request-parameter-became-enum"];
    /// ## What it detects
    /// A schema without `enum` that now lists allowed values. In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `type: string` gains `enum: [asc, desc]`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_ENUM_ADDED = "response-enum-added", OpenApi, Info, Response, "schema", Changed,
        "A schema became an enum (response)";
    /// ## What it detects
    /// A schema whose `enum` list was dropped. In a request (parameter or body).
    /// ## Why it matters
    /// Clients may send more values; old ones still work.
    /// ## Example
    /// `enum: [asc, desc]` removed.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_ENUM_REMOVED = "request-enum-removed", OpenApi, Info, Request, "schema", Changed,
        "A schema is no longer an enum (request)";
    /// ## What it detects
    /// A schema whose `enum` list was dropped. In a response (body or header).
    /// ## Why it matters
    /// Clients that map values to a closed set may receive unknown ones.
    /// ## Example
    /// `enum: [asc, desc]` removed.
    /// ## How to migrate
    /// Tell clients the set is open.
    RESPONSE_ENUM_REMOVED = "response-enum-removed", OpenApi, Warning, Response, "schema", Changed,
        "A schema is no longer an enum (response)";
    /// ## What it detects
    /// A `default` added, removed or changed. In a request (parameter or body).
    /// ## Why it matters
    /// Clients that omit the value get different behaviour without changing anything.
    /// A warning, not breaking: no request is rejected and no response changes shape; whether
    /// the new behaviour hurts depends on what the default means, which no description says.
    /// ## Example
    /// `limit` default `20` becomes `50`.
    /// ## How to migrate
    /// Keep the default; add an explicit parameter.
    REQUEST_DEFAULT_CHANGED = "request-default-changed", OpenApi, Warning, Request, "schema", Changed,
        "A schema's default value changed (request)", oasdiff = ["request-property-default-value-changed", "request-parameter-default-value-changed", "request-body-default-value-changed"];
    /// ## What it detects
    /// A `default` added, removed or changed. In a response (body or header).
    /// ## Why it matters
    /// Documentation of what the server fills in changed.
    /// ## Example
    /// `limit` default `20` becomes `50`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_DEFAULT_CHANGED = "response-default-changed", OpenApi, Info, Response, "schema", Changed,
        "A schema's default value changed (response)", oasdiff = ["response-body-default-value-changed", "response-property-default-value-changed"];
    /// ## What it detects
    /// A string schema that gained a `pattern`. In a request (parameter or body).
    /// ## Why it matters
    /// Values that do not match are now rejected.
    /// ## Example
    /// `pattern: ^[a-z]+$` added to `name`.
    /// ## How to migrate
    /// Validate softly first; check logs for values that would fail.
    REQUEST_PATTERN_ADDED = "request-pattern-added", OpenApi, Breaking, Request, "schema", Changed,
        "A string pattern was added (request)", oasdiff = ["request-property-pattern-added", "request-parameter-pattern-added"];
    /// ## What it detects
    /// A string schema that gained a `pattern`. In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `pattern: ^[a-z]+$` added to `name`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_PATTERN_ADDED = "response-pattern-added", OpenApi, Info, Response, "schema", Changed,
        "A string pattern was added (response)", oasdiff = ["response-property-pattern-added"];
    /// ## What it detects
    /// A string schema that lost its `pattern`. In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `pattern: ^[a-z]+$` removed from `name`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PATTERN_REMOVED = "request-pattern-removed", OpenApi, Info, Request, "schema", Changed,
        "A string pattern was removed (request)", oasdiff = ["request-property-pattern-removed", "request-parameter-pattern-removed"];
    /// ## What it detects
    /// A string schema that lost its `pattern`. In a response (body or header).
    /// ## Why it matters
    /// Clients relying on the pattern (parsing, storage) may receive other strings.
    /// ## Example
    /// `pattern: ^[a-z]+$` removed from `name`.
    /// ## How to migrate
    /// Keep the pattern in responses.
    RESPONSE_PATTERN_REMOVED = "response-pattern-removed", OpenApi, Warning, Response, "schema", Changed,
        "A string pattern was removed (response)", oasdiff = ["response-property-pattern-removed"];
    /// ## What it detects
    /// A `pattern` replaced by a different one (apidiff cannot tell whether it is wider or narrower). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send may no longer match.
    /// ## Example
    /// `^[a-z]+$` becomes `^[a-z0-9]+$`.
    /// ## How to migrate
    /// Check that the new pattern accepts every value clients send.
    REQUEST_PATTERN_CHANGED = "request-pattern-changed", OpenApi, Warning, Request, "schema", Changed,
        "A string pattern changed (request)", oasdiff = ["request-property-pattern-changed", "request-parameter-pattern-changed"];
    /// ## What it detects
    /// A `pattern` replaced by a different one (apidiff cannot tell whether it is wider or narrower). In a response (body or header).
    /// ## Why it matters
    /// Clients relying on the old pattern may receive strings that break it.
    /// ## Example
    /// `^[a-z]+$` becomes `^[a-z0-9]+$`.
    /// ## How to migrate
    /// Check that the new pattern is narrower than the old.
    RESPONSE_PATTERN_CHANGED = "response-pattern-changed", OpenApi, Warning, Response, "schema", Changed,
        "A string pattern changed (response)", oasdiff = ["response-property-pattern-changed"];
    /// ## What it detects
    /// A value removed from an `x-extensible-enum` (oasdiff's open enum) in what the API receives.
    /// ## Why it matters
    /// Clients sending that value are rejected.
    /// ## Example
    /// `x-extensible-enum: [card, bank]` loses `bank`.
    /// ## How to migrate
    /// Keep accepting the value.
    REQUEST_EXTENSIBLE_ENUM_VALUE_REMOVED = "request-extensible-enum-value-removed", OpenApi, Breaking, Request, "schema", Removed,
        "An x-extensible-enum value was removed (request)", oasdiff = ["request-property-x-extensible-enum-value-removed", "request-parameter-x-extensible-enum-value-removed"];
    /// ## What it detects
    /// A value removed from an `x-extensible-enum` in what the API sends.
    /// ## Why it matters
    /// Clients simply never receive it again.
    /// ## Example
    /// `x-extensible-enum: [card, bank]` loses `bank`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_EXTENSIBLE_ENUM_VALUE_REMOVED = "response-extensible-enum-value-removed", OpenApi, Info, Response, "schema", Removed,
        "An x-extensible-enum value was removed (response)";
    /// ## What it detects
    /// A value added to an `x-extensible-enum` in what the API receives.
    /// ## Why it matters
    /// Old payloads stay valid.
    /// ## Example
    /// `x-extensible-enum: [card]` gains `bank`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_EXTENSIBLE_ENUM_VALUE_ADDED = "request-extensible-enum-value-added", OpenApi, Info, Request, "schema", Added,
        "An x-extensible-enum value was added (request)";
    /// ## What it detects
    /// A value added to an `x-extensible-enum` in what the API sends.
    /// ## Why it matters
    /// The enum is declared open: clients must already handle values they do not know, so
    /// unlike a closed `enum` this is only worth knowing.
    /// ## Example
    /// `x-extensible-enum: [card]` gains `bank`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_EXTENSIBLE_ENUM_VALUE_ADDED = "response-extensible-enum-value-added", OpenApi, Info, Response, "schema", Added,
        "An x-extensible-enum value was added (response)";
}

/// Enumerations, defaults and patterns.
pub(super) fn check(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    compare_enum(c, b, r, dir, label);
    compare_extensible_enum(c, b, r, dir, label);
    if b.default != r.default {
        let (bd, rd) = (b.default.map(show), r.default.map(show));
        let shown = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
        emit(
            c,
            dir.pick(&REQUEST_DEFAULT_CHANGED, &RESPONSE_DEFAULT_CHANGED),
            format!("{label}: default changed from {} to {}", shown(&bd), shown(&rd)),
            loc_pair(c, b, r, "default"),
            bd,
            rd,
        );
    }
    match (b.pattern, r.pattern) {
        (None, Some(pn)) => emit(
            c,
            dir.pick(&REQUEST_PATTERN_ADDED, &RESPONSE_PATTERN_ADDED),
            format!("{label}: pattern `{pn}` was added"),
            loc_pair(c, b, r, "pattern"),
            None,
            Some(pn.into()),
        ),
        (Some(po), None) => emit(
            c,
            dir.pick(&REQUEST_PATTERN_REMOVED, &RESPONSE_PATTERN_REMOVED),
            format!("{label}: pattern `{po}` was removed"),
            loc_pair(c, b, r, "pattern"),
            Some(po.into()),
            None,
        ),
        (Some(po), Some(pn)) if po != pn => emit(
            c,
            dir.pick(&REQUEST_PATTERN_CHANGED, &RESPONSE_PATTERN_CHANGED),
            format!("{label}: pattern changed from `{po}` to `{pn}`"),
            loc_pair(c, b, r, "pattern"),
            Some(po.into()),
            Some(pn.into()),
        ),
        _ => {}
    }
}

fn compare_enum(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    match (&b.enum_, &r.enum_) {
        // One pinned value replaced by another is one change, not a value removed and one added.
        (Some(bv), Some(rv)) if b.is_const && r.is_const && bv.len() == 1 && rv.len() == 1 => {
            let (bx, rx) = (show(bv[0]), show(rv[0]));
            if bx != rx {
                let msg = format!("{label}: const changed from `{bx}` to `{rx}`");
                emit(c, dir.pick(&REQUEST_CONST_CHANGED, &RESPONSE_CONST_CHANGED), msg, loc_pair(c, b, r, "const"), Some(bx), Some(rx));
            }
        }
        (None, None) => {}
        (None, Some(vals)) => {
            let shown: Vec<String> = vals.iter().map(|x| show(x)).collect();
            emit(
                c,
                dir.pick(&REQUEST_ENUM_ADDED, &RESPONSE_ENUM_ADDED),
                format!("{label} is now restricted to [{}]", shown.join(", ")),
                loc_pair(c, b, r, "enum"),
                None,
                Some(shown.join(",")),
            );
        }
        (Some(_), None) => emit(
            c,
            dir.pick(&REQUEST_ENUM_REMOVED, &RESPONSE_ENUM_REMOVED),
            format!("{label} is no longer restricted to a list of values"),
            loc_pair(c, b, r, "enum"),
            None,
            None,
        ),
        (Some(bv), Some(rv)) => {
            let rset: HashSet<String> = rv.iter().map(|x| x.to_string()).collect();
            let bset: HashSet<String> = bv.iter().map(|x| x.to_string()).collect();
            for x in bv.iter().filter(|x| !rset.contains(&x.to_string())) {
                emit(
                    c,
                    dir.pick(&REQUEST_ENUM_VALUE_REMOVED, &RESPONSE_ENUM_VALUE_REMOVED),
                    format!("{label}: enum value `{}` was removed", show(x)),
                    loc_pair(c, b, r, "enum"),
                    Some(show(x)),
                    None,
                );
            }
            for x in rv.iter().filter(|x| !bset.contains(&x.to_string())) {
                emit(
                    c,
                    dir.pick(&REQUEST_ENUM_VALUE_ADDED, &RESPONSE_ENUM_VALUE_ADDED),
                    format!("{label}: enum value `{}` was added", show(x)),
                    loc_pair(c, b, r, "enum"),
                    None,
                    Some(show(x)),
                );
            }
        }
    }
}

/// `x-extensible-enum`: values compared like an enum's, with an added response value only info.
fn compare_extensible_enum(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    let (Some(bv), Some(rv)) = (&b.ext_enum, &r.ext_enum) else { return };
    let rset: HashSet<String> = rv.iter().map(|x| x.to_string()).collect();
    let bset: HashSet<String> = bv.iter().map(|x| x.to_string()).collect();
    for x in bv.iter().filter(|x| !rset.contains(&x.to_string())) {
        let rule = dir.pick(&REQUEST_EXTENSIBLE_ENUM_VALUE_REMOVED, &RESPONSE_EXTENSIBLE_ENUM_VALUE_REMOVED);
        let msg = format!("{label}: x-extensible-enum value `{}` was removed", show(x));
        emit(c, rule, msg, loc_pair(c, b, r, "x-extensible-enum"), Some(show(x)), None);
    }
    for x in rv.iter().filter(|x| !bset.contains(&x.to_string())) {
        let rule = dir.pick(&REQUEST_EXTENSIBLE_ENUM_VALUE_ADDED, &RESPONSE_EXTENSIBLE_ENUM_VALUE_ADDED);
        let msg = format!("{label}: x-extensible-enum value `{}` was added", show(x));
        emit(c, rule, msg, loc_pair(c, b, r, "x-extensible-enum"), None, Some(show(x)));
    }
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&REQUEST_ENUM_VALUE_REMOVED, Proof::Instance),
        (&REQUEST_ENUM_ADDED, Proof::Instance),
        (&REQUEST_PATTERN_ADDED, Proof::Instance),
        (&REQUEST_CONST_CHANGED, Proof::Instance),
        (&RESPONSE_CONST_CHANGED, Proof::Instance),
        (&REQUEST_EXTENSIBLE_ENUM_VALUE_REMOVED, Proof::Annotation),
    ]
};
