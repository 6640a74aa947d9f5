//! Schema rules about object properties, additional properties, discriminators and variants.

use super::cx::{Cx, Dir};
use super::view::{Addl, View, emit, plainly_equal, schema_name, shape_hash};
use crate::spec::refs::{DocSet, NodeId};
use std::collections::{HashMap, HashSet, VecDeque};

crate::rules! {
    /// ## What it detects
    /// A new property listed in `required` of an object clients send.
    /// ## Why it matters
    /// Existing clients do not send it and are rejected.
    /// ## Example
    /// `POST /pets` body gains required `ownerId`.
    /// ## How to migrate
    /// Make it optional with a default.
    REQUEST_PROPERTY_ADDED_REQUIRED = "request-property-added-required", OpenApi, Breaking, Request, "property", Added,
        "A required property was added to a request schema", traits = [MakesRequired], oasdiff = ["new-required-request-property"];
    /// ## What it detects
    /// A new optional property in an object clients send.
    /// ## Why it matters
    /// Existing clients keep working.
    /// ## Example
    /// `POST /pets` body gains optional `nickname`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PROPERTY_ADDED_OPTIONAL = "request-property-added-optional", OpenApi, Info, Request, "property", Added,
        "An optional property was added to a request schema", oasdiff = ["new-optional-request-property"];
    /// ## What it detects
    /// A new property in an object clients receive.
    /// ## Why it matters
    /// Tolerant readers ignore it. Clients that reject unknown fields (strict deserialisers, `additionalProperties: false` validators) are the exception.
    /// ## Example
    /// `Pet` responses gain `birthday`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_PROPERTY_ADDED = "response-property-added", OpenApi, Info, Response, "property", Added,
        "A property was added to a response schema", oasdiff = ["response-optional-property-added", "response-required-property-added"];
    /// ## What it detects
    /// A property clients could send that the revision no longer describes.
    /// ## Why it matters
    /// Clients still send it; the server may reject it (`additionalProperties: false`) or drop what it meant.
    /// ## Example
    /// `POST /pets` body loses `color`.
    /// ## How to migrate
    /// Keep accepting and ignoring it for a while.
    REQUEST_PROPERTY_REMOVED = "request-property-removed", OpenApi, Warning, Request, "property", Removed,
        "A property was removed from a request schema", oasdiff = ["request-property-removed"];
    /// ## What it detects
    /// A property clients were guaranteed to receive that the revision no longer has.
    /// ## Why it matters
    /// Clients reading it get nothing and fail.
    /// ## Example
    /// `Pet.name` (required) removed.
    /// ## How to migrate
    /// Keep returning it; deprecate first.
    RESPONSE_REQUIRED_PROPERTY_REMOVED = "response-required-property-removed", OpenApi, Breaking, Response, "property", Removed,
        "A required property was removed from a response schema", oasdiff = ["response-required-property-removed"];
    /// ## What it detects
    /// An optional property clients could receive that the revision no longer has.
    /// ## Why it matters
    /// Clients that use it when present lose data.
    /// ## Example
    /// `Pet.tag` (optional) removed.
    /// ## How to migrate
    /// Keep returning it; deprecate first.
    RESPONSE_OPTIONAL_PROPERTY_REMOVED = "response-optional-property-removed", OpenApi, Warning, Response, "property", Removed,
        "An optional property was removed from a response schema", oasdiff = ["response-optional-property-removed"];
    /// ## What it detects
    /// A property of a request object that was optional and is now in `required`.
    /// ## Why it matters
    /// Clients that omit it are rejected.
    /// ## Example
    /// `nickname` added to `required`.
    /// ## How to migrate
    /// Keep it optional with a default.
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", OpenApi, Breaking, Request, "property", Changed,
        "A request property became required", traits = [MakesRequired], oasdiff = ["request-property-became-required"];
    /// ## What it detects
    /// A property of a response object that is now always present.
    /// ## Why it matters
    /// Clients get a stronger guarantee.
    /// ## Example
    /// `Pet.tag` added to `required`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_PROPERTY_BECAME_REQUIRED = "response-property-became-required", OpenApi, Info, Response, "property", Changed,
        "A response property became required", traits = [MakesRequired], oasdiff = ["response-property-became-required"];
    /// ## What it detects
    /// A property of a request object that is no longer required.
    /// ## Why it matters
    /// Clients that send it keep working.
    /// ## Example
    /// `ownerId` removed from `required`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PROPERTY_BECAME_OPTIONAL = "request-property-became-optional", OpenApi, Info, Request, "property", Changed,
        "A request property became optional", oasdiff = ["request-property-became-optional"];
    /// ## What it detects
    /// A property of a response object that was always present and may now be missing.
    /// ## Why it matters
    /// Clients that read it unconditionally fail when it is absent.
    /// ## Example
    /// `Pet.name` removed from `required`.
    /// ## How to migrate
    /// Keep it required; return a default.
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", OpenApi, Breaking, Response, "property", Changed,
        "A response property became optional", oasdiff = ["response-property-became-optional"];
    /// ## What it detects
    /// A property that clients could send and that is now `readOnly: true`.
    /// ## Why it matters
    /// Clients still send it; the server ignores or rejects it.
    /// ## Example
    /// `Pet.status` gains `readOnly: true`.
    /// ## How to migrate
    /// Keep accepting it, or add an operation to change it.
    REQUEST_PROPERTY_BECAME_READ_ONLY = "request-property-became-read-only", OpenApi, Warning, Request, "property", Changed,
        "A request property became read-only", oasdiff = ["request-optional-property-became-read-only", "request-required-property-became-read-only"];
    /// ## What it detects
    /// A property clients received that is now `writeOnly: true` and no longer returned.
    /// ## Why it matters
    /// Clients reading it get nothing.
    /// ## Example
    /// `User.email` gains `writeOnly: true`.
    /// ## How to migrate
    /// Keep returning it.
    RESPONSE_PROPERTY_BECAME_WRITE_ONLY = "response-property-became-write-only", OpenApi, Breaking, Response, "property", Changed,
        "A response property became write-only", oasdiff = ["response-optional-property-became-write-only", "response-required-property-became-write-only"];
    /// ## What it detects
    /// A required request property removed while a required one with the same schema was added under
    /// another name. (Optional properties are matched by name only, so two unrelated optional
    /// strings swapped read as a removal and an addition.)
    /// ## Why it matters
    /// Clients send the old name, which the server no longer reads.
    /// ## Example
    /// `page_size` becomes `pageSize`.
    /// ## How to migrate
    /// Accept both names for a while.
    REQUEST_PROPERTY_RENAMED = "request-property-renamed", OpenApi, Breaking, Request, "property", Renamed,
        "A request property was renamed";
    /// ## What it detects
    /// A required response property removed while a required one with the same schema was added under
    /// another name. (Optional properties are matched by name only, so two unrelated optional
    /// strings swapped read as a removal and an addition.)
    /// ## Why it matters
    /// Clients read the old name and find nothing.
    /// ## Example
    /// `created` becomes `createdAt`.
    /// ## How to migrate
    /// Return both names for a while.
    RESPONSE_PROPERTY_RENAMED = "response-property-renamed", OpenApi, Breaking, Response, "property", Renamed,
        "A response property was renamed";
    /// ## What it detects
    /// A request object that now has `additionalProperties: false` (or a narrower `additionalProperties` schema where it was open).
    /// ## Why it matters
    /// Clients sending extra fields are rejected.
    /// ## Example
    /// `additionalProperties: false` added to the `POST /pets` body.
    /// ## How to migrate
    /// Keep the object open.
    REQUEST_ADDITIONAL_PROPERTIES_RESTRICTED = "request-additional-properties-restricted", OpenApi, Breaking, Request, "schema", Changed,
        "A request object no longer accepts extra properties";
    /// ## What it detects
    /// A response object that was closed (`additionalProperties: false`) and is now open.
    /// ## Why it matters
    /// Clients that validate responses strictly reject unknown fields.
    /// ## Example
    /// `additionalProperties: false` removed from `Pet`.
    /// ## How to migrate
    /// Tell clients to ignore unknown fields.
    RESPONSE_ADDITIONAL_PROPERTIES_ALLOWED = "response-additional-properties-allowed", OpenApi, Warning, Response, "schema", Changed,
        "A response object may now carry extra properties";
    /// ## What it detects
    /// A `discriminator.propertyName` changed, a mapping entry was removed or pointed elsewhere, or
    /// (3.2) its `defaultMapping` (the schema for payloads without a mapped value) changed.
    /// ## Why it matters
    /// Clients tag their payloads with the old discriminator.
    /// ## Example
    /// `propertyName: petType` becomes `kind`.
    /// ## How to migrate
    /// Keep the discriminator.
    REQUEST_DISCRIMINATOR_CHANGED = "request-discriminator-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A request schema's discriminator changed", oasdiff = ["request-body-discriminator-added", "request-body-discriminator-removed", "request-body-discriminator-property-name-changed", "request-body-discriminator-mapping-deleted", "request-property-discriminator-added", "request-property-discriminator-removed", "request-property-discriminator-property-name-changed", "request-property-discriminator-mapping-deleted"];
    /// ## What it detects
    /// A `discriminator.propertyName` changed, a mapping entry was removed or pointed elsewhere, or
    /// (3.2) its `defaultMapping` (the schema for payloads without a mapped value) changed.
    /// ## Why it matters
    /// Clients pick the variant to decode by the old discriminator.
    /// ## Example
    /// `mapping.dog` points to `Canine` instead of `Dog`.
    /// ## How to migrate
    /// Keep the discriminator.
    RESPONSE_DISCRIMINATOR_CHANGED = "response-discriminator-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A response schema's discriminator changed", oasdiff = ["response-body-discriminator-added", "response-body-discriminator-removed", "response-body-discriminator-property-name-changed", "response-body-discriminator-mapping-added", "response-property-discriminator-added", "response-property-discriminator-removed", "response-property-discriminator-property-name-changed", "response-property-discriminator-mapping-added"];
    /// ## What it detects
    /// A `oneOf` or `anyOf` branch clients could send that is gone.
    /// ## Why it matters
    /// Clients sending that variant are rejected.
    /// ## Example
    /// `oneOf: [Cat, Dog]` loses `Dog`.
    /// ## How to migrate
    /// Keep accepting the variant.
    REQUEST_VARIANT_REMOVED = "request-variant-removed", OpenApi, Breaking, Request, "schema", Removed,
        "A oneOf/anyOf variant was removed from a request schema", oasdiff = ["request-body-one-of-removed", "request-property-one-of-removed", "request-body-any-of-removed", "request-property-any-of-removed"];
    /// ## What it detects
    /// A `oneOf` or `anyOf` branch clients could receive that is gone.
    /// ## Why it matters
    /// Clients simply never receive it.
    /// ## Example
    /// `oneOf: [Cat, Dog]` loses `Dog`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_VARIANT_REMOVED = "response-variant-removed", OpenApi, Info, Response, "schema", Removed,
        "A oneOf/anyOf variant was removed from a response schema", oasdiff = ["response-body-one-of-removed", "response-property-one-of-removed", "response-body-any-of-removed", "response-property-any-of-removed"];
    /// ## What it detects
    /// A new `oneOf` or `anyOf` branch clients may send.
    /// ## Why it matters
    /// Old payloads stay valid.
    /// ## Example
    /// `oneOf: [Cat]` gains `Dog`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_VARIANT_ADDED = "request-variant-added", OpenApi, Info, Request, "schema", Added,
        "A oneOf/anyOf variant was added to a request schema", oasdiff = ["request-body-one-of-added", "request-property-one-of-added", "request-body-any-of-added", "request-property-any-of-added"];
    /// ## What it detects
    /// A new `oneOf` or `anyOf` branch clients may receive.
    /// ## Why it matters
    /// Clients that decode a closed set of variants fail on the new one.
    /// ## Example
    /// `oneOf: [Cat]` gains `Dog`.
    /// ## How to migrate
    /// Tell clients to tolerate unknown variants.
    RESPONSE_VARIANT_ADDED = "response-variant-added", OpenApi, Warning, Response, "schema", Added,
        "A oneOf/anyOf variant was added to a response schema", oasdiff = ["response-body-one-of-added", "response-property-one-of-added", "response-body-any-of-added", "response-property-any-of-added"];
    /// ## What it detects
    /// A property that gained `deprecated: true`.
    /// ## Why it matters
    /// Nothing breaks yet.
    /// ## Example
    /// `Pet.tag` marked deprecated.
    /// ## How to migrate
    /// Tell clients what replaces it.
    PROPERTY_DEPRECATED = "property-deprecated", OpenApi, Info, None, "property", Deprecated,
        "A schema property was deprecated", oasdiff = ["request-property-deprecated", "response-property-deprecated"];
}

/// Properties (added, removed, required, read/write-only), additional properties.
pub(super) fn check_object<'a>(c: &mut Cx<'_>, b: &View<'a>, r: &View<'a>, dir: Dir, label: &str) {
    if !(b.is_object() || r.is_object()) {
        return;
    }
    // What clients see on this side: readOnly properties are not sent, writeOnly ones not received.
    let hidden_flag = match dir {
        Dir::Request => "readOnly",
        Dir::Response => "writeOnly",
    };
    // Property indices clients see on each side; membership by hash, so objects with many
    // properties never cost the square of their size.
    let visible = |view: &View<'_>| -> Vec<usize> { (0..view.props.len()).filter(|&i| !view.prop_flag(i, hidden_flag)).collect() };
    let (bvis, rvis) = (visible(b), visible(r));
    let bset: HashSet<&str> = bvis.iter().map(|&i| b.prop_name(i)).collect();
    let rset: HashSet<usize> = rvis.iter().copied().collect();
    let mut removed: Vec<String> = Vec::new();
    let added: Vec<String> = rvis.iter().map(|&i| r.prop_name(i)).filter(|n| !bset.contains(n)).map(str::to_string).collect();
    // Later allOf branches constraining a property again, by name.
    let more = |view: &View<'a>| -> HashMap<&'a str, Vec<NodeId>> {
        let mut m: HashMap<&str, Vec<NodeId>> = HashMap::new();
        for (n, id) in &view.more_props {
            m.entry(n).or_default().push(id.clone());
        }
        m
    };
    let (bmore, rmore) = (more(b), more(r));
    for &bi in &bvis {
        let (name, bid) = b.props.get_index(bi).map(|(n, id)| (*n, id)).expect("a visible property exists");
        let plabel = || {
            if label.starts_with('`') { format!("{}.{name}`", label.trim_end_matches('`')) } else { format!("{label} property `{name}`") }
        };
        match r.props.get_full(name) {
            Some((ri, _, rid)) if rset.contains(&ri) => {
                let (breq, rreq) = (b.required.contains(name), r.required.contains(name));
                let (bdocs, rdocs) = (c.bdocs, c.rdocs);
                let locs = || (Some(bdocs.location(bid)), Some(rdocs.location(rid)));
                if breq != rreq {
                    let rule = match (rreq, dir) {
                        (true, Dir::Request) => &REQUEST_PROPERTY_BECAME_REQUIRED,
                        (true, Dir::Response) => &RESPONSE_PROPERTY_BECAME_REQUIRED,
                        (false, Dir::Request) => &REQUEST_PROPERTY_BECAME_OPTIONAL,
                        (false, Dir::Response) => &RESPONSE_PROPERTY_BECAME_OPTIONAL,
                    };
                    let how = if rreq { "required" } else { "optional" };
                    emit(c, rule, format!("{} became {how}", plabel()), locs(), Some(breq.to_string()), Some(rreq.to_string()));
                }
                if !b.prop_flag(bi, "deprecated") && r.prop_flag(ri, "deprecated") {
                    emit(c, &PROPERTY_DEPRECATED, format!("{} was deprecated", plabel()), locs(), None, None);
                }
                let (bm, rm) = (bmore.get(name), rmore.get(name));
                // Two equal self-contained schemas (the common case) have nothing to compare.
                if bm.is_none() && rm.is_none() && b.prop_raw(bi).zip(r.prop_raw(ri)).is_some_and(|(x, y)| plainly_equal(x, y)) {
                    continue;
                }
                let plabel = plabel();
                c.schema(bid, rid, dir, &plabel);
                // The same property constrained again in later allOf branches: pair them in order.
                for (bx, rx) in bm.into_iter().flatten().zip(rm.into_iter().flatten()) {
                    c.schema(bx, rx, dir, &plabel);
                }
            }
            Some((_, _, rid)) => {
                let (rule, what) = match dir {
                    Dir::Request => (&REQUEST_PROPERTY_BECAME_READ_ONLY, "became read-only and can no longer be sent"),
                    Dir::Response => (&RESPONSE_PROPERTY_BECAME_WRITE_ONLY, "became write-only and is no longer returned"),
                };
                emit(c, rule, format!("{} {what}", plabel()), (Some(c.bloc(bid)), Some(c.rloc(rid))), None, None);
            }
            None => removed.push(name.to_string()),
        }
    }
    report_unpaired(c, b, r, dir, label, removed, added);
    required_without_property(c, b, r, dir, label);
    compare_additional(c, b, r, dir, label);
}

/// A name added to a request object's `required` with no `properties` entry is still a property
/// clients must now send.
fn required_without_property(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    if dir != Dir::Request {
        return;
    }
    let new: Vec<&str> =
        r.required.iter().filter(|n| !r.props.contains_key(*n) && !b.props.contains_key(*n) && !b.required.contains(*n)).copied().collect();
    for name in new {
        let plabel =
            if label.starts_with('`') { format!("{}.{name}`", label.trim_end_matches('`')) } else { format!("{label} property `{name}`") };
        let at = r.keyword_at.get("required").unwrap_or(&r.id).clone();
        let locs = (Some(c.bloc(&b.id)), Some(c.rloc(&at)));
        emit(c, &REQUEST_PROPERTY_ADDED_REQUIRED, format!("required {plabel} was added (listed in `required` only)"), locs, None, None);
    }
}

/// Properties only one side has: renames (a removed and an added property, both required, with
/// the same shape; optional properties are too alike, two plain strings, to pair on shape
/// alone), then removals and additions.
fn report_unpaired(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str, mut removed: Vec<String>, mut added: Vec<String>) {
    let (bdocs, rdocs) = (c.bdocs, c.rdocs);
    let mut renamed = Vec::new();
    // Each removed property takes the first unpaired added one of its shape: found by hash, not
    // by scanning every added property for every removed one.
    let mut by_shape: HashMap<[u8; 32], VecDeque<usize>> = HashMap::new();
    for (i, rn) in added.iter().enumerate().filter(|(_, rn)| r.required.contains(rn.as_str())) {
        by_shape.entry(shape_hash(rdocs, &r.props[rn.as_str()])).or_default().push_back(i);
    }
    let mut taken = vec![false; added.len()];
    removed.retain(|bn| {
        if !b.required.contains(bn.as_str()) {
            return true;
        }
        let h = shape_hash(bdocs, &b.props[bn.as_str()]);
        match by_shape.get_mut(&h).and_then(VecDeque::pop_front) {
            Some(i) => {
                taken[i] = true;
                renamed.push((bn.clone(), added[i].clone()));
                false
            }
            None => true,
        }
    });
    let mut taken = taken.into_iter();
    added.retain(|_| !taken.next().unwrap_or(false));
    let prop_label =
        |n: &str| if label.starts_with('`') { format!("{}.{n}`", label.trim_end_matches('`')) } else { format!("{label} property `{n}`") };
    for (bn, rn) in renamed {
        let locs = (Some(c.bloc(&b.props[bn.as_str()])), Some(c.rloc(&r.props[rn.as_str()])));
        emit(
            c,
            dir.pick(&REQUEST_PROPERTY_RENAMED, &RESPONSE_PROPERTY_RENAMED),
            format!("{} was renamed to `{rn}`", prop_label(&bn)),
            locs,
            Some(bn.clone()),
            Some(rn.clone()),
        );
    }
    for bn in removed {
        let required = b.required.contains(bn.as_str());
        let rule = match dir {
            Dir::Request => &REQUEST_PROPERTY_REMOVED,
            Dir::Response if required => &RESPONSE_REQUIRED_PROPERTY_REMOVED,
            Dir::Response => &RESPONSE_OPTIONAL_PROPERTY_REMOVED,
        };
        let kind = if required { "required" } else { "optional" };
        emit(
            c,
            rule,
            format!("{kind} {} was removed", prop_label(&bn)),
            (Some(c.bloc(&b.props[bn.as_str()])), Some(c.rloc(&r.id))),
            None,
            None,
        );
    }
    for rn in added {
        let required = r.required.contains(rn.as_str());
        let rule = match dir {
            Dir::Request if required => &REQUEST_PROPERTY_ADDED_REQUIRED,
            Dir::Request => &REQUEST_PROPERTY_ADDED_OPTIONAL,
            Dir::Response => &RESPONSE_PROPERTY_ADDED,
        };
        let kind = if required { "required" } else { "optional" };
        emit(
            c,
            rule,
            format!("{kind} {} was added", prop_label(&rn)),
            (Some(c.bloc(&b.id)), Some(c.rloc(&r.props[rn.as_str()]))),
            None,
            None,
        );
    }
}

/// `additionalProperties`: closed, open, or a schema compared like any other.
fn compare_additional(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    match (&b.additional, &r.additional, dir) {
        (Addl::Open | Addl::Schema(_), Addl::Closed, Dir::Request) => emit(
            c,
            &REQUEST_ADDITIONAL_PROPERTIES_RESTRICTED,
            format!("{label} no longer accepts additional properties"),
            (Some(c.bloc(&b.id)), Some(c.rloc(&r.id))),
            None,
            None,
        ),
        (Addl::Closed, Addl::Open | Addl::Schema(_), Dir::Response) => emit(
            c,
            &RESPONSE_ADDITIONAL_PROPERTIES_ALLOWED,
            format!("{label} may now contain additional properties"),
            (Some(c.bloc(&b.id)), Some(c.rloc(&r.id))),
            None,
            None,
        ),
        (Addl::Schema(bs), Addl::Schema(rs), _) => {
            let (bs, rs) = (bs.clone(), rs.clone());
            c.schema(&bs, &rs, dir, &format!("{label} additional properties"));
        }
        _ => {}
    }
}

fn is_pure_union(v: &View<'_>) -> bool {
    (!v.one_of.is_empty() || !v.any_of.is_empty()) && v.props.is_empty() && v.types.is_none() && v.items.is_none()
}

/// A schema that became a union of itself and others (`Pet` → `oneOf: [Pet, Robot]`), or the
/// reverse: the old schema is compared with its counterpart among the variants, and the other
/// variants are reported as added (removed), instead of a type change plus every property.
/// Returns whether it handled the pair.
pub(super) fn union_transition(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) -> bool {
    let (grew, single, union) = match (is_pure_union(b), is_pure_union(r)) {
        (false, true) if b.one_of.is_empty() && b.any_of.is_empty() => (true, b, r),
        (true, false) if r.one_of.is_empty() && r.any_of.is_empty() => (false, r, b),
        _ => return false,
    };
    let (sdocs, udocs) = if grew { (c.bdocs, c.rdocs) } else { (c.rdocs, c.bdocs) };
    let variants: Vec<&NodeId> = union.one_of.iter().chain(union.any_of.iter()).collect();
    let resolved = |id: &NodeId| udocs.resolve(id).map(|(rid, _)| rid);
    let single_name = schema_name(&single.id);
    let single_hash = shape_hash(sdocs, &single.id);
    let matched = variants
        .iter()
        .position(|v| resolved(v).is_some_and(|rid| single_name.is_some() && schema_name(&rid) == single_name))
        .or_else(|| variants.iter().position(|v| resolved(v).is_some_and(|rid| shape_hash(udocs, &rid) == single_hash)))
        .or_else(|| variants.iter().position(|v| View::build(udocs, v).is_some_and(|vv| vv.types.is_some() && vv.types == single.types)));
    let Some(m) = matched else { return false };
    let name = |id: &NodeId| {
        let rid = resolved(id).unwrap_or_else(|| id.clone());
        schema_name(&rid).unwrap_or_else(|| format!("#{}", id.ptr.rsplit('/').next().unwrap_or("")))
    };
    for v in variants.iter().enumerate().filter(|(i, _)| *i != m).map(|(_, v)| v) {
        if grew {
            emit(
                c,
                dir.pick(&REQUEST_VARIANT_ADDED, &RESPONSE_VARIANT_ADDED),
                format!("{label} became a union: variant {} was added", name(v)),
                (Some(c.bloc(&b.id)), Some(c.rloc(v))),
                None,
                Some(name(v)),
            );
        } else {
            emit(
                c,
                dir.pick(&REQUEST_VARIANT_REMOVED, &RESPONSE_VARIANT_REMOVED),
                format!("{label} is no longer a union: variant {} was removed", name(v)),
                (Some(c.bloc(v)), Some(c.rloc(&r.id))),
                Some(name(v)),
                None,
            );
        }
    }
    let counterpart = variants[m].clone();
    if grew {
        c.schema(&b.id, &counterpart, dir, label);
    } else {
        c.schema(&counterpart, &r.id, dir, label);
    }
    true
}

/// Matches `oneOf`/`anyOf` branches: same `$ref` target, then same shape, then by position
/// when both sides have the same number left.
pub(super) fn compare_variants(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str, kw: &str) {
    let (bl, rl) = if kw == "oneOf" { (&b.one_of, &r.one_of) } else { (&b.any_of, &r.any_of) };
    if bl.is_empty() || rl.is_empty() {
        return;
    }
    let (bdocs, rdocs) = (c.bdocs, c.rdocs);
    let target = |docs: &DocSet, id: &NodeId| -> Option<String> {
        let v = docs.get(id)?;
        let r = v.get("$ref")?.as_str()?;
        Some(r.rsplit('/').next().unwrap_or(r).to_string())
    };
    let mut bleft: Vec<&NodeId> = bl.iter().collect();
    let mut rleft: Vec<&NodeId> = rl.iter().collect();
    let mut pairs: Vec<(NodeId, NodeId)> = Vec::new();
    for pass in 0..2 {
        bleft.retain(|bid| {
            let found = rleft.iter().position(|rid| match pass {
                0 => target(bdocs, bid).is_some() && target(bdocs, bid) == target(rdocs, rid),
                _ => shape_hash(bdocs, bid) == shape_hash(rdocs, rid),
            });
            match found {
                Some(i) => {
                    pairs.push(((*bid).clone(), rleft.remove(i).clone()));
                    false
                }
                None => true,
            }
        });
    }
    if bleft.len() == rleft.len() {
        pairs.extend(bleft.drain(..).zip(rleft.drain(..)).map(|(x, y)| (x.clone(), y.clone())));
    }
    let name = |docs: &DocSet, id: &NodeId| {
        target(docs, id).unwrap_or_else(|| id.ptr.rsplit('/').next().map(|i| format!("#{i}")).unwrap_or_default())
    };
    for bid in bleft {
        emit(
            c,
            dir.pick(&REQUEST_VARIANT_REMOVED, &RESPONSE_VARIANT_REMOVED),
            format!("{label}: {kw} variant {} was removed", name(bdocs, bid)),
            (Some(c.bloc(bid)), Some(c.rloc(&r.id))),
            Some(name(bdocs, bid)),
            None,
        );
    }
    for rid in rleft {
        emit(
            c,
            dir.pick(&REQUEST_VARIANT_ADDED, &RESPONSE_VARIANT_ADDED),
            format!("{label}: {kw} variant {} was added", name(rdocs, rid)),
            (Some(c.bloc(&b.id)), Some(c.rloc(rid))),
            None,
            Some(name(rdocs, rid)),
        );
    }
    for (bid, rid) in pairs {
        c.schema(&bid, &rid, dir, label);
    }
}

/// A discriminator's `defaultMapping` (3.2), as written.
fn default_mapping<'v>(v: &View<'v>) -> Option<&'v str> {
    v.v.get("discriminator")?.get("defaultMapping")?.as_str()
}

pub(super) fn compare_discriminator(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    let (Some((bp, bm)), Some((rp, rm))) = (&b.discriminator, &r.discriminator) else { return };
    let rule = dir.pick(&REQUEST_DISCRIMINATOR_CHANGED, &RESPONSE_DISCRIMINATOR_CHANGED);
    let (bl, rl) = (c.bloc(&b.id.child("discriminator")), c.rloc(&r.id.child("discriminator")));
    let locs = || (Some(bl.clone()), Some(rl.clone()));
    if bp != rp {
        let l = locs();
        emit(
            c,
            rule,
            format!("{label}: discriminator property changed from `{bp}` to `{rp}`"),
            l,
            Some(bp.to_string()),
            Some(rp.to_string()),
        );
        return;
    }
    // (3.2) The schema a payload without (or with an unmapped) discriminator value validates
    // against: another one accepts (request) or promises (response) other payloads.
    let (bd, rd) = (default_mapping(b), default_mapping(r));
    if bd != rd {
        let shown = |x: Option<&str>| x.unwrap_or("(none)").to_string();
        let msg = format!("{label}: discriminator defaultMapping changed from `{}` to `{}`", shown(bd), shown(rd));
        emit(c, rule, msg, locs(), Some(shown(bd)), Some(shown(rd)));
    }
    // A mapping target is a `$ref` or a bare schema name.
    let node = |docs: &DocSet, from: &NodeId, t: &str| {
        let id = if t.contains('#') {
            docs.target_loaded(from, t)
        } else {
            Some(NodeId { doc: from.doc, ptr: format!("/components/schemas/{t}") })
        };
        id.and_then(|id| docs.resolve(&id).map(|(rid, _)| shape_hash(docs, &rid)))
    };
    for (k, target) in bm {
        match rm.get(k) {
            // A value clients may receive going away narrows a response; the variant rules say so.
            None if dir == Dir::Response => {}
            None => {
                let l = locs();
                emit(c, rule, format!("{label}: discriminator value `{k}` was removed"), l, Some(format!("{k}={target}")), None);
            }
            // A renamed target schema of the same shape changes nothing on the wire.
            Some(t2) if node(c.bdocs, &b.id, target).is_some() && node(c.bdocs, &b.id, target) == node(c.rdocs, &r.id, t2) => {}
            Some(t2) if t2.rsplit('/').next() != target.rsplit('/').next() => {
                let l = locs();
                emit(
                    c,
                    rule,
                    format!("{label}: discriminator value `{k}` now maps to {t2} instead of {target}"),
                    l,
                    Some(format!("{k}={target}")),
                    Some(format!("{k}={t2}")),
                );
            }
            _ => {}
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&REQUEST_PROPERTY_ADDED_REQUIRED, Proof::Instance),
        (&RESPONSE_REQUIRED_PROPERTY_REMOVED, Proof::Instance),
        (&REQUEST_PROPERTY_BECAME_REQUIRED, Proof::Instance),
        (&RESPONSE_PROPERTY_BECAME_OPTIONAL, Proof::Instance),
        (&REQUEST_PROPERTY_RENAMED, Proof::Instance),
        (&RESPONSE_PROPERTY_RENAMED, Proof::Instance),
        (&REQUEST_ADDITIONAL_PROPERTIES_RESTRICTED, Proof::Instance),
        (&REQUEST_VARIANT_REMOVED, Proof::Instance),
        (&RESPONSE_PROPERTY_BECAME_WRITE_ONLY, Proof::Annotation),
        (&REQUEST_DISCRIMINATOR_CHANGED, Proof::Annotation),
        (&RESPONSE_DISCRIMINATOR_CHANGED, Proof::Annotation),
    ]
};
