//! JSON Schema 2020-12 applicators: the sub-schema positions (`if`/`then`/`else`, `contains`,
//! `prefixItems[i]`, `patternProperties`, `dependentSchemas`, `not`, `propertyNames`,
//! `unevaluated*`, `contentSchema`) walked by the same comparison as properties, and the rules
//! about a position or keyword that appears or disappears, mirrored for requests and responses.

use super::cx::{Cx, Dir};
use super::view::{Addl, View, emit, loc_pair};
use crate::diff::Rule;
use crate::spec::refs::NodeId;
use std::collections::BTreeSet;

crate::rules! {
    /// ## What it detects
    /// A new or changed `$dynamicRef` whose target cannot be found statically: no `$dynamicAnchor`
    /// of that name in the document it points into. apidiff resolves `$dynamicRef` like `$ref` to the anchor of
    /// that name; one it cannot resolve is compared as an empty schema and reported here, so the
    /// gap is visible instead of silent.
    /// ## Why it matters
    /// Changes to the schema the reference means at run time are not compared.
    /// ## Example
    /// `$dynamicRef: '#node'` where no schema declares `$dynamicAnchor: node`.
    /// ## How to migrate
    /// Declare the `$dynamicAnchor` in the same document, or use `$ref`.
    SCHEMA_DYNAMIC_REF_UNRESOLVED = "schema-dynamic-ref-unresolved", OpenApi, Info, None, "schema", Changed,
        "A `$dynamicRef` could not be resolved statically and was not compared";
    /// ## What it detects
    /// A dependency (`dependentRequired`, `dependentSchemas`) added or narrowed in what the API receives.
    /// ## Why it matters
    /// A payload that was valid before is now rejected.
    /// ## Example
    /// `dependentRequired: {card: [billing_address]}` added.
    /// ## How to migrate
    /// Add the constraint only in a new version, or accept both shapes for a while.
    REQUEST_DEPENDENCY_TIGHTENED = "request-dependency-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A dependency (`dependentRequired`, `dependentSchemas`) was added or narrowed in a request schema";
    /// ## What it detects
    /// A dependency (`dependentRequired`, `dependentSchemas`) added or narrowed in what the API sends.
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `dependentRequired: {card: [billing_address]}` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_DEPENDENCY_TIGHTENED = "response-dependency-tightened", OpenApi, Info, Response, "schema", Changed,
        "A dependency (`dependentRequired`, `dependentSchemas`) was added or narrowed in a response schema";
    /// ## What it detects
    /// A dependency (`dependentRequired`, `dependentSchemas`) removed or widened in what the API receives.
    /// ## Why it matters
    /// Every payload that was valid before still is.
    /// ## Example
    /// a `dependentRequired` entry removed.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_DEPENDENCY_LOOSENED = "request-dependency-loosened", OpenApi, Info, Request, "schema", Changed,
        "A dependency (`dependentRequired`, `dependentSchemas`) was removed or widened in a request schema";
    /// ## What it detects
    /// A dependency (`dependentRequired`, `dependentSchemas`) removed or widened in what the API sends.
    /// ## Why it matters
    /// Clients may now receive values the old schema ruled out, and code relying on that breaks.
    /// Breaking, as the direction implies: a guarantee of the response is gone, exactly like a
    /// response property that is no longer required (`response-property-became-optional`).
    /// ## Example
    /// a `dependentRequired` entry removed.
    /// ## How to migrate
    /// Keep the guarantee, or announce the change.
    RESPONSE_DEPENDENCY_LOOSENED = "response-dependency-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A dependency (`dependentRequired`, `dependentSchemas`) was removed or widened in a response schema";
    /// ## What it detects
    /// A conditional requirement (`if` with `then`/`else`) added or narrowed in what the API receives.
    /// ## Why it matters
    /// A payload that was valid before is now rejected.
    /// ## Example
    /// `if: {properties: {kind: {const: card}}}` with `then: {required: [card_number]}` added.
    /// ## How to migrate
    /// Add the constraint only in a new version, or accept both shapes for a while.
    REQUEST_CONDITIONAL_TIGHTENED = "request-conditional-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A conditional requirement (`if` with `then`/`else`) was added or narrowed in a request schema";
    /// ## What it detects
    /// A conditional requirement (`if` with `then`/`else`) added or narrowed in what the API sends.
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `if: {properties: {kind: {const: card}}}` with `then: {required: [card_number]}` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_CONDITIONAL_TIGHTENED = "response-conditional-tightened", OpenApi, Info, Response, "schema", Changed,
        "A conditional requirement (`if` with `then`/`else`) was added or narrowed in a response schema";
    /// ## What it detects
    /// A conditional requirement (`if` with `then`/`else`) removed or widened in what the API receives.
    /// ## Why it matters
    /// Every payload that was valid before still is.
    /// ## Example
    /// the `if`/`then` pair removed.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_CONDITIONAL_LOOSENED = "request-conditional-loosened", OpenApi, Info, Request, "schema", Changed,
        "A conditional requirement (`if` with `then`/`else`) was removed or widened in a request schema";
    /// ## What it detects
    /// A conditional requirement (`if` with `then`/`else`) removed or widened in what the API sends.
    /// ## Why it matters
    /// Clients may now receive values the old schema ruled out, and code relying on that breaks.
    /// Breaking, as the direction implies: a guarantee of the response is gone, exactly like a
    /// response property that is no longer required (`response-property-became-optional`).
    /// ## Example
    /// the `if`/`then` pair removed.
    /// ## How to migrate
    /// Keep the guarantee, or announce the change.
    RESPONSE_CONDITIONAL_LOOSENED = "response-conditional-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A conditional requirement (`if` with `then`/`else`) was removed or widened in a response schema";
    /// ## What it detects
    /// A `contains` requirement on an array added or narrowed in what the API receives.
    /// ## Why it matters
    /// A payload that was valid before is now rejected.
    /// ## Example
    /// `contains: {const: admin}` added.
    /// ## How to migrate
    /// Add the constraint only in a new version, or accept both shapes for a while.
    REQUEST_CONTAINS_TIGHTENED = "request-contains-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A `contains` requirement on an array was added or narrowed in a request schema";
    /// ## What it detects
    /// A `contains` requirement on an array added or narrowed in what the API sends.
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `contains: {const: admin}` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_CONTAINS_TIGHTENED = "response-contains-tightened", OpenApi, Info, Response, "schema", Changed,
        "A `contains` requirement on an array was added or narrowed in a response schema";
    /// ## What it detects
    /// A `contains` requirement on an array removed or widened in what the API receives.
    /// ## Why it matters
    /// Every payload that was valid before still is.
    /// ## Example
    /// `contains` removed.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_CONTAINS_LOOSENED = "request-contains-loosened", OpenApi, Info, Request, "schema", Changed,
        "A `contains` requirement on an array was removed or widened in a request schema";
    /// ## What it detects
    /// A `contains` requirement on an array removed or widened in what the API sends.
    /// ## Why it matters
    /// Clients may now receive values the old schema ruled out, and code relying on that breaks.
    /// Breaking, as the direction implies: a guarantee of the response is gone, exactly like a
    /// response property that is no longer required (`response-property-became-optional`).
    /// ## Example
    /// `contains` removed.
    /// ## How to migrate
    /// Keep the guarantee, or announce the change.
    RESPONSE_CONTAINS_LOOSENED = "response-contains-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A `contains` requirement on an array was removed or widened in a response schema";
    /// ## What it detects
    /// A tuple shape (`prefixItems`, `items: false` after it) added or narrowed in what the API receives.
    /// ## Why it matters
    /// A payload that was valid before is now rejected.
    /// ## Example
    /// `prefixItems` gains a third element, or `items: false` is added.
    /// ## How to migrate
    /// Add the constraint only in a new version, or accept both shapes for a while.
    REQUEST_TUPLE_TIGHTENED = "request-tuple-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A tuple shape (`prefixItems`, `items: false` after it) was added or narrowed in a request schema";
    /// ## What it detects
    /// A tuple shape (`prefixItems`, `items: false` after it) added or narrowed in what the API sends.
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `prefixItems` gains a third element, or `items: false` is added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_TUPLE_TIGHTENED = "response-tuple-tightened", OpenApi, Info, Response, "schema", Changed,
        "A tuple shape (`prefixItems`, `items: false` after it) was added or narrowed in a response schema";
    /// ## What it detects
    /// A tuple shape (`prefixItems`, `items: false` after it) removed or widened in what the API receives.
    /// ## Why it matters
    /// Every payload that was valid before still is.
    /// ## Example
    /// `items: false` removed after `prefixItems`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_TUPLE_LOOSENED = "request-tuple-loosened", OpenApi, Info, Request, "schema", Changed,
        "A tuple shape (`prefixItems`, `items: false` after it) was removed or widened in a request schema";
    /// ## What it detects
    /// A tuple shape (`prefixItems`, `items: false` after it) removed or widened in what the API sends.
    /// ## Why it matters
    /// Clients may now receive values the old schema ruled out, and code relying on that breaks.
    /// Breaking, as the direction implies: a guarantee of the response is gone, exactly like a
    /// response property that is no longer required (`response-property-became-optional`).
    /// ## Example
    /// `items: false` removed after `prefixItems`.
    /// ## How to migrate
    /// Keep the guarantee, or announce the change.
    RESPONSE_TUPLE_LOOSENED = "response-tuple-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A tuple shape (`prefixItems`, `items: false` after it) was removed or widened in a response schema";
    /// ## What it detects
    /// A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) added or narrowed in what the API receives.
    /// ## Why it matters
    /// A payload that was valid before is now rejected.
    /// ## Example
    /// `propertyNames: {pattern: '^[a-z]+$'}` added.
    /// ## How to migrate
    /// Add the constraint only in a new version, or accept both shapes for a while.
    REQUEST_PROPERTY_NAMES_TIGHTENED = "request-property-names-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) was added or narrowed in a request schema";
    /// ## What it detects
    /// A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) added or narrowed in what the API sends.
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `propertyNames: {pattern: '^[a-z]+$'}` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_PROPERTY_NAMES_TIGHTENED = "response-property-names-tightened", OpenApi, Info, Response, "schema", Changed,
        "A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) was added or narrowed in a response schema";
    /// ## What it detects
    /// A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) removed or widened in what the API receives.
    /// ## Why it matters
    /// Every payload that was valid before still is.
    /// ## Example
    /// a `patternProperties` entry removed.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PROPERTY_NAMES_LOOSENED = "request-property-names-loosened", OpenApi, Info, Request, "schema", Changed,
        "A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) was removed or widened in a request schema";
    /// ## What it detects
    /// A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) removed or widened in what the API sends.
    /// ## Why it matters
    /// Clients may now receive values the old schema ruled out, and code relying on that breaks.
    /// Breaking, as the direction implies: a guarantee of the response is gone, exactly like a
    /// response property that is no longer required (`response-property-became-optional`).
    /// ## Example
    /// a `patternProperties` entry removed.
    /// ## How to migrate
    /// Keep the guarantee, or announce the change.
    RESPONSE_PROPERTY_NAMES_LOOSENED = "response-property-names-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A constraint on property names or on properties matched by pattern (`propertyNames`, `patternProperties`) was removed or widened in a response schema";
    /// ## What it detects
    /// `unevaluatedProperties: false` or `unevaluatedItems: false` added or narrowed in what the API receives.
    /// ## Why it matters
    /// A payload that was valid before is now rejected.
    /// ## Example
    /// `unevaluatedProperties: false` added to an `allOf` composition.
    /// ## How to migrate
    /// Add the constraint only in a new version, or accept both shapes for a while.
    REQUEST_UNEVALUATED_TIGHTENED = "request-unevaluated-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "`unevaluatedProperties: false` or `unevaluatedItems: false` was added or narrowed in a request schema";
    /// ## What it detects
    /// `unevaluatedProperties: false` or `unevaluatedItems: false` added or narrowed in what the API sends.
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `unevaluatedProperties: false` added to an `allOf` composition.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_UNEVALUATED_TIGHTENED = "response-unevaluated-tightened", OpenApi, Info, Response, "schema", Changed,
        "`unevaluatedProperties: false` or `unevaluatedItems: false` was added or narrowed in a response schema";
    /// ## What it detects
    /// `unevaluatedProperties: false` or `unevaluatedItems: false` removed or widened in what the API receives.
    /// ## Why it matters
    /// Every payload that was valid before still is.
    /// ## Example
    /// `unevaluatedProperties: false` removed.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_UNEVALUATED_LOOSENED = "request-unevaluated-loosened", OpenApi, Info, Request, "schema", Changed,
        "`unevaluatedProperties: false` or `unevaluatedItems: false` was removed or widened in a request schema";
    /// ## What it detects
    /// `unevaluatedProperties: false` or `unevaluatedItems: false` removed or widened in what the API sends.
    /// ## Why it matters
    /// Clients may now receive values the old schema ruled out, and code relying on that breaks.
    /// Breaking, as the direction implies: a guarantee of the response is gone, exactly like a
    /// response property that is no longer required (`response-property-became-optional`).
    /// ## Example
    /// `unevaluatedProperties: false` removed.
    /// ## How to migrate
    /// Keep the guarantee, or announce the change.
    RESPONSE_UNEVALUATED_LOOSENED = "response-unevaluated-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "`unevaluatedProperties: false` or `unevaluatedItems: false` was removed or widened in a response schema";
    /// ## What it detects
    /// A `not` exclusion added or narrowed in what the API receives.
    /// ## Why it matters
    /// A payload that was valid before is now rejected.
    /// ## Example
    /// `not: {required: [legacy_id]}` added.
    /// ## How to migrate
    /// Add the constraint only in a new version, or accept both shapes for a while.
    REQUEST_NOT_TIGHTENED = "request-not-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A `not` exclusion was added or narrowed in a request schema";
    /// ## What it detects
    /// A `not` exclusion added or narrowed in what the API sends.
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `not: {required: [legacy_id]}` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_NOT_TIGHTENED = "response-not-tightened", OpenApi, Info, Response, "schema", Changed,
        "A `not` exclusion was added or narrowed in a response schema";
    /// ## What it detects
    /// A `not` exclusion removed or widened in what the API receives.
    /// ## Why it matters
    /// Every payload that was valid before still is.
    /// ## Example
    /// `not` removed.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_NOT_LOOSENED = "request-not-loosened", OpenApi, Info, Request, "schema", Changed,
        "A `not` exclusion was removed or widened in a request schema";
    /// ## What it detects
    /// A `not` exclusion removed or widened in what the API sends.
    /// ## Why it matters
    /// Clients may now receive values the old schema ruled out, and code relying on that breaks.
    /// Breaking, as the direction implies: a guarantee of the response is gone, exactly like a
    /// response property that is no longer required (`response-property-became-optional`).
    /// ## Example
    /// `not` removed.
    /// ## How to migrate
    /// Keep the guarantee, or announce the change.
    RESPONSE_NOT_LOOSENED = "response-not-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A `not` exclusion was removed or widened in a response schema";
    /// ## What it detects
    /// `contentMediaType` or `contentEncoding` of a string the API receives added, removed or changed.
    /// ## Why it matters
    /// Clients encode the value the old way and the server decodes it the new way.
    /// ## Example
    /// `contentEncoding: base64` becomes `base64url`.
    /// ## How to migrate
    /// Accept both encodings for a while.
    REQUEST_CONTENT_ENCODING_CHANGED = "request-content-encoding-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A string's `contentMediaType` or `contentEncoding` changed in a request schema";
    /// ## What it detects
    /// `contentMediaType` or `contentEncoding` of a string the API sends added, removed or changed.
    /// ## Why it matters
    /// Clients decode the value the old way and get garbage.
    /// ## Example
    /// `contentMediaType: application/json` becomes `application/xml`.
    /// ## How to migrate
    /// Send the new encoding in a new property.
    RESPONSE_CONTENT_ENCODING_CHANGED = "response-content-encoding-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A string's `contentMediaType` or `contentEncoding` changed in a response schema";
    /// ## What it detects
    /// A `oneOf` in what the API receives whose variants overlap in the revision but did not in the base: objects that are open (no `additionalProperties: false`) and whose `required` sets do not exclude each other (neither has a required property the other forbids or lacks a distinguishing `const`).
    /// ## Why it matters
    /// `oneOf` rejects a payload that matches more than one variant: a payload that matched exactly one before now matches two and is rejected.
    /// ## Example
    /// `oneOf: [{required: [id]}, {required: [name]}]`: `{id: 1, name: x}` matches both.
    /// ## How to migrate
    /// Close the variants (`additionalProperties: false`), give each a distinguishing `const`, or use `anyOf`.
    REQUEST_ONE_OF_OVERLAP = "request-one-of-overlap", OpenApi, Breaking, Request, "schema", Changed,
        "A request `oneOf` gained variants that one payload can match at once";
    /// ## What it detects
    /// A `oneOf` in what the API sends whose variants overlap in the revision but did not in the base (open objects whose `required` sets do not exclude each other).
    /// ## Why it matters
    /// Strict validators of responses may reject values that match two variants; most clients pick the first match.
    /// ## Example
    /// `oneOf: [{required: [id]}, {required: [name]}]`.
    /// ## How to migrate
    /// Close the variants or add a discriminator.
    RESPONSE_ONE_OF_OVERLAP = "response-one-of-overlap", OpenApi, Info, Response, "schema", Changed,
        "A response `oneOf` gained variants that one value can match at once";
}

/// The four mirrors of one keyword group: request/response, tightened/loosened.
type Fam = [&'static Rule; 4];

const DEPENDENCY: Fam =
    [&REQUEST_DEPENDENCY_TIGHTENED, &RESPONSE_DEPENDENCY_TIGHTENED, &REQUEST_DEPENDENCY_LOOSENED, &RESPONSE_DEPENDENCY_LOOSENED];
const CONDITIONAL: Fam =
    [&REQUEST_CONDITIONAL_TIGHTENED, &RESPONSE_CONDITIONAL_TIGHTENED, &REQUEST_CONDITIONAL_LOOSENED, &RESPONSE_CONDITIONAL_LOOSENED];
const CONTAINS: Fam = [&REQUEST_CONTAINS_TIGHTENED, &RESPONSE_CONTAINS_TIGHTENED, &REQUEST_CONTAINS_LOOSENED, &RESPONSE_CONTAINS_LOOSENED];
const TUPLE: Fam = [&REQUEST_TUPLE_TIGHTENED, &RESPONSE_TUPLE_TIGHTENED, &REQUEST_TUPLE_LOOSENED, &RESPONSE_TUPLE_LOOSENED];
const PROPERTY_NAMES: Fam = [
    &REQUEST_PROPERTY_NAMES_TIGHTENED,
    &RESPONSE_PROPERTY_NAMES_TIGHTENED,
    &REQUEST_PROPERTY_NAMES_LOOSENED,
    &RESPONSE_PROPERTY_NAMES_LOOSENED,
];
const UNEVALUATED: Fam =
    [&REQUEST_UNEVALUATED_TIGHTENED, &RESPONSE_UNEVALUATED_TIGHTENED, &REQUEST_UNEVALUATED_LOOSENED, &RESPONSE_UNEVALUATED_LOOSENED];
const NOT: Fam = [&REQUEST_NOT_TIGHTENED, &RESPONSE_NOT_TIGHTENED, &REQUEST_NOT_LOOSENED, &RESPONSE_NOT_LOOSENED];

fn pick(fam: Fam, tighter: bool, dir: Dir) -> &'static Rule {
    match (tighter, dir) {
        (true, Dir::Request) => fam[0],
        (true, Dir::Response) => fam[1],
        (false, Dir::Request) => fam[2],
        (false, Dir::Response) => fam[3],
    }
}

/// The group a sub-schema position's appearance belongs to (`None`: it constrains nothing alone).
fn group(key: &str) -> Option<Fam> {
    let head = key.split('[').next().unwrap_or(key);
    match head {
        "then" | "else" => Some(CONDITIONAL),
        "contains" => Some(CONTAINS),
        "not" => Some(NOT),
        "propertyNames" | "patternProperties" => Some(PROPERTY_NAMES),
        "unevaluatedItems" | "unevaluatedProperties" => Some(UNEVALUATED),
        "prefixItems" => Some(TUPLE),
        "dependentSchemas" => Some(DEPENDENCY),
        _ => None,
    }
}

/// The keyword a position or closing `false` belongs to, for the closed set.
fn closed_key(key: &str) -> &str {
    key.split('[').next().unwrap_or(key)
}

/// Sub-schema positions, closing `false`s, `dependentRequired` and content keywords.
pub(super) fn check(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    let mut pairs: Vec<(String, NodeId, NodeId)> = Vec::new();
    for (key, bid) in &b.subs {
        match r.subs.get(key) {
            Some(rid) => pairs.push((key.clone(), bid.clone(), rid.clone())),
            None if r.closed.contains_key(closed_key(key)) => {}
            None => appeared(c, b, r, dir, label, key, false, (Some(c.bloc(bid)), Some(c.rloc(&r.id)))),
        }
    }
    for (key, rid) in &r.subs {
        if !b.subs.contains_key(key) && !b.closed.contains_key(closed_key(key)) {
            appeared(c, b, r, dir, label, key, true, (Some(c.bloc(&b.id)), Some(c.rloc(rid))));
        }
    }
    for (kw, rid) in &r.closed {
        if !b.closed.contains_key(kw) {
            let fam = if *kw == "items" { TUPLE } else { UNEVALUATED };
            let msg = format!("{label}: `{kw}: false` was added");
            emit(c, pick(fam, true, dir), msg, (Some(c.bloc(&b.id)), Some(c.rloc(rid))), None, Some("false".into()));
        }
    }
    for (kw, bid) in &b.closed {
        if !r.closed.contains_key(kw) {
            let fam = if *kw == "items" { TUPLE } else { UNEVALUATED };
            let msg = format!("{label}: `{kw}: false` was removed");
            emit(c, pick(fam, false, dir), msg, (Some(c.bloc(bid)), Some(c.rloc(&r.id))), Some("false".into()), None);
        }
    }
    dependent_required(c, b, r, dir, label);
    content(c, b, r, dir, label);
    for (key, bid, rid) in pairs {
        // Inside `not` a narrower schema excludes less: its changes read the other way round.
        let sub_dir = if key == "not" { dir.flip(true) } else { dir };
        c.schema(&bid, &rid, sub_dir, &format!("{label} `{key}`"));
    }
    one_of_overlap(c, b, r, dir, label);
}

/// A `$dynamicRef` left unresolved by loading that is new or changed: said where it is (the
/// revision's if it has one).
pub(super) fn dynamic_ref_notice(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, label: &str) {
    if !c.bdocs.has_dynamic_refs() && !c.rdocs.has_dynamic_refs() {
        return;
    }
    let unresolved = |v: &View<'_>| v.v.get("$dynamicRef").and_then(|x| x.as_str()).map(str::to_string);
    let (before, after) = (unresolved(b), unresolved(r));
    // The same unresolved reference on both sides compares equal (a spec never differs from
    // itself); what it means at run time is defined, and compared, elsewhere.
    if before == after {
        return;
    }
    let target = after.clone().or(before.clone()).unwrap_or_default();
    let locs = (before.as_ref().map(|_| c.bloc(&b.id.child("$dynamicRef"))), after.as_ref().map(|_| c.rloc(&r.id.child("$dynamicRef"))));
    let msg = format!("{label}: `$dynamicRef: {target}` names no `$dynamicAnchor`; the schema it means was not compared");
    emit(c, &SCHEMA_DYNAMIC_REF_UNRESOLVED, msg, locs, before, after);
}

/// A position present on one side only.
#[allow(clippy::too_many_arguments)]
fn appeared(
    c: &mut Cx<'_>,
    b: &View<'_>,
    r: &View<'_>,
    dir: Dir,
    label: &str,
    key: &str,
    added: bool,
    locs: (Option<crate::diff::Location>, Option<crate::diff::Location>),
) {
    let Some(fam) = group(key) else { return };
    // `then` and `else` only count with their `if`; an `if` alone constrains nothing.
    if matches!(key, "then" | "else") && !(if added { r } else { b }).subs.contains_key("if") {
        return;
    }
    let how = if added { "was added" } else { "was removed" };
    emit(c, pick(fam, added, dir), format!("{label}: `{key}` {how}"), locs, None, None);
}

/// `dependentRequired`: a new dependent name tightens, a dropped one loosens.
fn dependent_required(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    if b.dep_required.is_empty() && r.dep_required.is_empty() {
        return;
    }
    let empty = BTreeSet::new();
    let keys: BTreeSet<&str> = b.dep_required.keys().chain(r.dep_required.keys()).copied().collect();
    for k in keys {
        let bs = b.dep_required.get(k).unwrap_or(&empty);
        let rs = r.dep_required.get(k).unwrap_or(&empty);
        let list = |s: Vec<&&str>| s.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let more: Vec<&&str> = rs.difference(bs).collect();
        let fewer: Vec<&&str> = bs.difference(rs).collect();
        if !more.is_empty() {
            let msg = format!("{label}: when `{k}` is present, {} is now required too", list(more));
            emit(c, pick(DEPENDENCY, true, dir), msg, loc_pair(c, b, r, "dependentRequired"), None, None);
        }
        if !fewer.is_empty() {
            let msg = format!("{label}: when `{k}` is present, {} is no longer required", list(fewer));
            emit(c, pick(DEPENDENCY, false, dir), msg, loc_pair(c, b, r, "dependentRequired"), None, None);
        }
    }
}

/// `contentMediaType` and `contentEncoding`: any change changes how the string is read.
fn content(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    for kw in ["contentMediaType", "contentEncoding"] {
        let (bv, rv) = (b.find(kw).and_then(|v| v.as_str()), r.find(kw).and_then(|v| v.as_str()));
        if bv != rv {
            let show = |x: Option<&str>| x.unwrap_or("(none)").to_string();
            let rule = dir.pick(&REQUEST_CONTENT_ENCODING_CHANGED, &RESPONSE_CONTENT_ENCODING_CHANGED);
            let msg = format!("{label}: {kw} changed from {} to {}", show(bv), show(rv));
            emit(c, rule, msg, loc_pair(c, b, r, kw), Some(show(bv)), Some(show(rv)));
        }
    }
}

/// Most `oneOf` variants checked pairwise for overlap; unions are small, and this bounds the
/// pairwise check on made-up inputs.
const MAX_OVERLAP_VARIANTS: usize = 64;

/// Two variants a payload can match at once: open objects, neither pinned apart by a property
/// both constrain to disjoint `const`/`enum` values. (A discriminator picks one variant, so a
/// union with one never overlaps.)
fn overlaps(docs: &crate::spec::refs::DocSet, v: &View<'_>) -> Option<(usize, usize)> {
    if v.one_of.len() < 2 || v.one_of.len() > MAX_OVERLAP_VARIANTS || v.discriminator.is_some() {
        return None;
    }
    let views: Vec<Option<View<'_>>> = v.one_of.iter().map(|id| View::build(docs, id)).collect();
    // A branch that names no type of its own (`{required: [foo]}`) constrains the parent's
    // object: it is an object branch when the parent is one.
    let object = |x: &View<'_>| x.is_object() || (x.types.is_none() && v.is_object());
    let open = |x: &View<'_>| {
        object(x) && x.additional != Addl::Closed && !x.closed.contains_key("unevaluatedProperties") && v.additional != Addl::Closed
    };
    for i in 0..views.len() {
        for j in i + 1..views.len() {
            let (Some(x), Some(y)) = (&views[i], &views[j]) else { continue };
            if !open(x) || !open(y) {
                continue;
            }
            let pinned_apart = x.props.iter().any(|(name, xid)| {
                let Some(yid) = y.props.get(name) else { return false };
                if !x.required.contains(name) && !y.required.contains(name) {
                    return false;
                }
                let (Some(xv), Some(yv)) = (View::build(docs, xid), View::build(docs, yid)) else { return false };
                let (Some(xe), Some(ye)) = (&xv.enum_, &yv.enum_) else { return false };
                xe.iter().all(|a| !ye.contains(a))
            });
            if !pinned_apart {
                return Some((i, j));
            }
        }
    }
    None
}

/// A `oneOf` whose variants came to overlap: a payload matching two variants is rejected.
fn one_of_overlap(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    if r.one_of.len() < 2 {
        return;
    }
    let Some((i, j)) = overlaps(c.rdocs, r) else { return };
    if overlaps(c.bdocs, b).is_some() {
        return;
    }
    let rule = dir.pick(&REQUEST_ONE_OF_OVERLAP, &RESPONSE_ONE_OF_OVERLAP);
    let msg = format!("{label}: oneOf variants #{i} and #{j} overlap: one payload can match both");
    emit(c, rule, msg, (Some(c.bloc(&b.id)), Some(c.rloc(&r.one_of[j]))), None, None);
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&REQUEST_DEPENDENCY_TIGHTENED, Proof::Instance),
        (&REQUEST_CONDITIONAL_TIGHTENED, Proof::Instance),
        (&REQUEST_CONTAINS_TIGHTENED, Proof::Instance),
        (&REQUEST_TUPLE_TIGHTENED, Proof::Instance),
        (&REQUEST_PROPERTY_NAMES_TIGHTENED, Proof::Instance),
        (&REQUEST_NOT_TIGHTENED, Proof::Instance),
        (&REQUEST_ONE_OF_OVERLAP, Proof::Instance),
        (&RESPONSE_DEPENDENCY_LOOSENED, Proof::Instance),
        (&RESPONSE_CONDITIONAL_LOOSENED, Proof::Instance),
        (&RESPONSE_CONTAINS_LOOSENED, Proof::Instance),
        (&RESPONSE_TUPLE_LOOSENED, Proof::Instance),
        (&RESPONSE_PROPERTY_NAMES_LOOSENED, Proof::Instance),
        (&REQUEST_UNEVALUATED_TIGHTENED, Proof::Instance),
        (&RESPONSE_UNEVALUATED_LOOSENED, Proof::Instance),
        (&RESPONSE_NOT_LOOSENED, Proof::Instance),
        (&REQUEST_CONTENT_ENCODING_CHANGED, Proof::Annotation),
        (&RESPONSE_CONTENT_ENCODING_CHANGED, Proof::Annotation),
    ]
};
