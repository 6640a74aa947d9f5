//! Rules about request parameters (path, query, header, cookie): presence, requiredness,
//! location, name and serialisation. Their schemas are compared by the schema rules.

use super::cx::{Cx, Dir};
use super::sunset::{Sunset, before_sunset, sunset_findings};
use crate::diff::Change;
use crate::spec::openapi::{Operation, Param};
use crate::spec::refs::DocSet;

crate::rules! {
    /// ## What it detects
    /// A new required parameter.
    /// ## Why it matters
    /// Existing calls do not send it and will be rejected.
    /// ## Example
    /// `?tenant=` added with `required: true` to `GET /pets`.
    /// ## How to migrate
    /// Make it optional with a server-side default.
    REQUEST_PARAMETER_ADDED_REQUIRED = "request-parameter-added-required", OpenApi, Breaking, Request, "parameter", Added,
        "A required request parameter was added", traits = [MakesRequired], oasdiff = ["new-required-request-parameter"];

    /// ## What it detects
    /// A new optional parameter.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `?limit=` added to `GET /pets`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PARAMETER_ADDED_OPTIONAL = "request-parameter-added-optional", OpenApi, Info, Request, "parameter", Added,
        "An optional request parameter was added", oasdiff = ["new-optional-request-parameter"];

    /// ## What it detects
    /// A parameter that the base accepted and the revision does not describe.
    /// ## Why it matters
    /// Clients still send it; the server may now reject it or silently ignore what it meant.
    /// ## Example
    /// `?sort=` removed from `GET /pets`.
    /// ## How to migrate
    /// Deprecate it first and keep accepting (and ignoring) it.
    REQUEST_PARAMETER_REMOVED = "request-parameter-removed", OpenApi, Warning, Request, "parameter", Removed,
        "A request parameter was removed", oasdiff = ["request-parameter-removed"];

    /// ## What it detects
    /// A deprecated parameter removed before the date in its `x-sunset` (or `x-sunset-date`), or
    /// one whose sunset cannot be read.
    /// ## Why it matters
    /// Clients were promised the parameter until that date.
    /// ## Example
    /// `?sort=` with `deprecated: true` and `x-sunset: 2030-01-01` in the base, gone in the revision.
    /// ## How to migrate
    /// Keep accepting the parameter until its sunset date.
    REQUEST_PARAMETER_REMOVED_BEFORE_SUNSET = "request-parameter-removed-before-sunset", OpenApi, Breaking, Request, "parameter", Removed,
        "A deprecated request parameter was removed before its sunset date", oasdiff = ["request-parameter-removed-before-sunset"];

    /// ## What it detects
    /// The `x-sunset` date of a deprecated parameter deleted while the parameter stays deprecated.
    /// ## Why it matters
    /// Clients planned their migration by that date and no longer know how long they have.
    /// ## Example
    /// `x-sunset: 2027-01-01` removed from a deprecated `?sort=`.
    /// ## How to migrate
    /// Keep the date, or move it later and tell clients.
    REQUEST_PARAMETER_SUNSET_REMOVED = "request-parameter-sunset-removed", OpenApi, Warning, Request, "parameter", Removed,
        "A deprecated request parameter's sunset date was deleted", oasdiff = ["request-parameter-sunset-deleted"];

    /// ## What it detects
    /// A parameter's `x-sunset` that is not a date (`YYYY-MM-DD`, an RFC 3339 time or an HTTP
    /// date), new or changed in the revision. It is reported where the date is written.
    /// ## Why it matters
    /// Nobody can tell when the parameter goes away; apidiff treats its removal as before the date.
    /// ## Example
    /// `x-sunset: next spring`.
    /// ## How to migrate
    /// Write the date as `YYYY-MM-DD`.
    REQUEST_PARAMETER_SUNSET_INVALID = "request-parameter-sunset-invalid", OpenApi, Warning, Request, "parameter", Changed,
        "A request parameter's sunset date cannot be read", oasdiff = ["request-parameter-sunset-parse"];

    /// ## What it detects
    /// A parameter that became required.
    /// ## Why it matters
    /// Calls that omit it are now rejected.
    /// ## Example
    /// `?tenant=` goes from `required: false` to `required: true`.
    /// ## How to migrate
    /// Keep it optional and apply a default.
    REQUEST_PARAMETER_BECAME_REQUIRED = "request-parameter-became-required", OpenApi, Breaking, Request, "parameter", Changed,
        "A request parameter became required", traits = [MakesRequired], oasdiff = ["request-parameter-became-required"];

    /// ## What it detects
    /// A parameter that became optional.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `required: true` becomes `required: false`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PARAMETER_BECAME_OPTIONAL = "request-parameter-became-optional", OpenApi, Info, Request, "parameter", Changed,
        "A request parameter became optional", oasdiff = ["request-parameter-became-optional"];

    /// ## What it detects
    /// A parameter that moved to another location (query, header, path, cookie) under the same name.
    /// ## Why it matters
    /// Clients send it where the server no longer looks.
    /// ## Example
    /// `api_key` moves from `in: query` to `in: header`.
    /// ## How to migrate
    /// Accept both locations during a transition.
    REQUEST_PARAMETER_MOVED = "request-parameter-moved", OpenApi, Breaking, Request, "parameter", Renamed,
        "A request parameter moved to another location";

    /// ## What it detects
    /// A required parameter removed while a required one of the same location and shape was added
    /// under a new name. (Optional parameters are matched by name only: an optional `limit` gone
    /// and an optional `offset` added are a removal and an addition, not a rename.)
    /// ## Why it matters
    /// Clients send the old name, which the server no longer reads.
    /// ## Example
    /// `?page_size=` becomes `?limit=` with the same schema.
    /// ## How to migrate
    /// Accept both names for a while.
    REQUEST_PARAMETER_RENAMED = "request-parameter-renamed", OpenApi, Breaking, Request, "parameter", Renamed,
        "A request parameter was renamed";

    /// ## What it detects
    /// A parameter that became `deprecated: true`.
    /// ## Why it matters
    /// Nothing breaks yet.
    /// ## Example
    /// `?sort=` marked deprecated.
    /// ## How to migrate
    /// Tell clients what replaces it.
    REQUEST_PARAMETER_DEPRECATED = "request-parameter-deprecated", OpenApi, Info, Request, "parameter", Deprecated,
        "A request parameter was deprecated", oasdiff = ["request-parameter-deprecated"];

    /// ## What it detects
    /// A change to how a parameter is serialised: `style`, `explode`, or Swagger 2.0 `collectionFormat`.
    /// ## Why it matters
    /// `?ids=1,2` and `?ids=1&ids=2` are different wire formats; clients keep sending the old one.
    /// ## Example
    /// `style: form, explode: true` becomes `explode: false`.
    /// ## How to migrate
    /// Keep the serialisation; add a new parameter if needed.
    REQUEST_PARAMETER_STYLE_CHANGED = "request-parameter-style-changed", OpenApi, Breaking, Request, "parameter", Changed,
        "A request parameter's serialisation (style/explode) changed";
}

pub(super) fn param_label(p: &Param) -> String {
    format!("{} parameter `{}`", p.location, p.name)
}

pub(super) fn compare_params(c: &mut Cx<'_>, b: &Operation, r: &Operation, webhook: bool) {
    let mut removed: Vec<&Param> = b.params.iter().filter(|(k, _)| !r.params.contains_key(*k)).map(|(_, p)| p).collect();
    let mut added: Vec<&Param> = r.params.iter().filter(|(k, _)| !b.params.contains_key(*k)).map(|(_, p)| p).collect();
    // Moved: same name, other location.
    removed.retain(|bp| match added.iter().position(|rp| rp.name.eq_ignore_ascii_case(&bp.name) && rp.location != bp.location) {
        Some(i) => {
            let rp = added.remove(i);
            c.emit(
                Change::new(&REQUEST_PARAMETER_MOVED, format!("parameter `{}` moved from {} to {}", bp.name, bp.location, rp.location))
                    .locs(Some(c.bloc(&bp.node)), Some(c.rloc(&rp.node)))
                    .values(Some(bp.location.clone()), Some(rp.location.clone())),
            );
            false
        }
        None => true,
    });
    // Renamed: required on both sides, same location and shape, other name (path parameters
    // match by position already). Optional ones are too alike (`limit`, `offset`) to pair on shape.
    removed.retain(|bp| {
        let bh = bp.schema.as_ref().map(|s| super::view::shape_hash(c.bdocs, s));
        match added.iter().position(|rp| {
            bp.required
                && rp.required
                && rp.location == bp.location
                && rp.schema.as_ref().map(|s| super::view::shape_hash(c.rdocs, s)) == bh
        }) {
            Some(i) => {
                let rp = added.remove(i);
                c.emit(
                    Change::new(&REQUEST_PARAMETER_RENAMED, format!("{} was renamed to `{}`", param_label(bp), rp.name))
                        .locs(Some(c.bloc(&bp.node)), Some(c.rloc(&rp.node)))
                        .values(Some(bp.name.clone()), Some(rp.name.clone())),
                );
                false
            }
            None => true,
        }
    });
    for bp in removed {
        let (rule, msg) = match &bp.sunset {
            Some(s) if bp.deprecated && before_sunset(Some(s), &c.opts.today) => {
                (&REQUEST_PARAMETER_REMOVED_BEFORE_SUNSET, format!("{} was removed before its sunset date {s}", param_label(bp)))
            }
            _ => (&REQUEST_PARAMETER_REMOVED, format!("{} was removed", param_label(bp))),
        };
        c.emit(Change::new(rule, msg).base(c.bloc(&bp.node)));
    }
    for rp in added {
        let rule = if rp.required { &REQUEST_PARAMETER_ADDED_REQUIRED } else { &REQUEST_PARAMETER_ADDED_OPTIONAL };
        let kind = if rp.required { "required" } else { "optional" };
        c.emit(Change::new(rule, format!("{kind} {} was added", param_label(rp))).revision(c.rloc(&rp.node)));
    }
    for (k, bp) in &b.params {
        let Some(rp) = r.params.get(k) else { continue };
        let locs = (Some(c.bloc(&bp.node)), Some(c.rloc(&rp.node)));
        let label = param_label(rp);
        if !bp.required && rp.required {
            c.emit(
                Change::new(&REQUEST_PARAMETER_BECAME_REQUIRED, format!("{label} became required")).locs(locs.0.clone(), locs.1.clone()),
            );
        }
        if bp.required && !rp.required {
            c.emit(
                Change::new(&REQUEST_PARAMETER_BECAME_OPTIONAL, format!("{label} became optional")).locs(locs.0.clone(), locs.1.clone()),
            );
        }
        if !bp.deprecated && rp.deprecated {
            c.emit(Change::new(&REQUEST_PARAMETER_DEPRECATED, format!("{label} was deprecated")).locs(locs.0.clone(), locs.1.clone()));
        }
        parameter_sunset(c, bp, rp, &label);
        // Style and explode only change the wire form of arrays and objects.
        let structured = |docs: &DocSet, p: &Param| p.schema.as_ref().is_some_and(|id| super::view::is_structured(docs, id));
        if (bp.style != rp.style || bp.explode != rp.explode) && (structured(c.bdocs, bp) || structured(c.rdocs, rp)) {
            c.emit(
                Change::new(
                    &REQUEST_PARAMETER_STYLE_CHANGED,
                    format!(
                        "{label} serialisation changed from style={} explode={} to style={} explode={}",
                        bp.style, bp.explode, rp.style, rp.explode
                    ),
                )
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(format!("{}/{}", bp.style, bp.explode)), Some(format!("{}/{}", rp.style, rp.explode))),
            );
        }
        if let (Some(bs), Some(rs)) = (&bp.schema, &rp.schema) {
            c.schema(bs, rs, Dir::Request.flip(webhook), &label);
        }
    }
}

/// A deprecated parameter's sunset deleted, or a new or changed sunset that is not a date.
fn parameter_sunset(c: &mut Cx<'_>, bp: &Param, rp: &Param, label: &str) {
    let sides = (Sunset::of(bp.deprecated, &bp.sunset, &bp.sunset_at), Sunset::of(rp.deprecated, &rp.sunset, &rp.sunset_at));
    let removed_at = |c: &Cx<'_>| (bp.sunset_at.as_ref().map(|id| c.bloc(id)), Some(c.rloc(&rp.node)));
    sunset_findings(c, label, sides, (&REQUEST_PARAMETER_SUNSET_REMOVED, removed_at), &REQUEST_PARAMETER_SUNSET_INVALID);
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&REQUEST_PARAMETER_ADDED_REQUIRED, Proof::MissingParameter),
        (&REQUEST_PARAMETER_BECAME_REQUIRED, Proof::MissingParameter),
        (&REQUEST_PARAMETER_MOVED, Proof::MovedParameter),
        (&REQUEST_PARAMETER_RENAMED, Proof::MovedParameter),
        (&REQUEST_PARAMETER_STYLE_CHANGED, Proof::Serialization),
        (&REQUEST_PARAMETER_REMOVED_BEFORE_SUNSET, Proof::RemovedParameter),
    ]
};
