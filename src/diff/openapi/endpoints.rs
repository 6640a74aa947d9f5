//! Rules about operations as a whole: added, removed, renamed, deprecated, sunset, stability.

use super::cx::Cx;
use super::sunset::{Sunset, before_sunset, sunset_date, sunset_findings};
use crate::diff::Change;
use crate::spec::openapi::Operation;
use std::collections::BTreeSet;

crate::rules! {
    /// ## What it detects
    /// An operation (method + path) that exists only in the revision.
    /// ## Why it matters
    /// New capability; no existing client is affected.
    /// ## Example
    /// `GET /pets/{id}/photos` appears in the revision.
    /// ## How to migrate
    /// Nothing to do.
    ENDPOINT_ADDED = "endpoint-added", OpenApi, Info, None, "endpoint", Added,
        "An operation was added", oasdiff = ["endpoint-added"];

    /// ## What it detects
    /// An operation that exists in the base and not in the revision, and was not deprecated.
    /// ## Why it matters
    /// Every client that calls it gets 404 or 405.
    /// ## Example
    /// `DELETE /pets/{id}` is gone from the revision.
    /// ## How to migrate
    /// Deprecate it first (`deprecated: true`, ideally with `x-sunset: <date>`), give clients
    /// time to move, then remove it.
    ENDPOINT_REMOVED = "endpoint-removed", OpenApi, Breaking, None, "endpoint", Removed,
        "An operation was removed without being deprecated first", oasdiff = ["api-path-removed-without-deprecation", "api-removed-without-deprecation"];

    /// ## What it detects
    /// A deprecated operation removed before the date in its `x-sunset` extension (or the value of
    /// a `Sunset` response header it declares).
    /// ## Why it matters
    /// Clients were promised the operation until that date.
    /// ## Example
    /// `x-sunset: 2030-01-01` in the base, operation gone in the revision today.
    /// ## How to migrate
    /// Keep the operation until its sunset date, or move the date (and tell clients).
    ENDPOINT_REMOVED_BEFORE_SUNSET = "endpoint-removed-before-sunset", OpenApi, Breaking, None, "endpoint", Removed,
        "A deprecated operation was removed before its sunset date", oasdiff = ["api-path-removed-before-sunset", "api-removed-before-sunset"];

    /// ## What it detects
    /// A deprecated operation removed after its sunset date (or one that had none).
    /// ## Why it matters
    /// Clients were warned, but some may still call it.
    /// ## Example
    /// `deprecated: true` in the base, operation gone in the revision.
    /// ## How to migrate
    /// Check access logs for remaining callers before shipping.
    DEPRECATED_ENDPOINT_REMOVED = "deprecated-endpoint-removed", OpenApi, Warning, None, "endpoint", Removed,
        "A deprecated operation was removed", oasdiff = ["api-removed-with-deprecation", "api-path-removed-with-deprecation"];

    /// ## What it detects
    /// An operation that disappeared while another operation with the same `operationId`
    /// appeared under a different method or path.
    /// ## Why it matters
    /// Clients calling the old method and path break; generated SDKs keep the method name.
    /// ## Example
    /// `operationId: getPet` moves from `GET /pet/{id}` to `GET /pets/{id}`.
    /// ## How to migrate
    /// Serve both paths for a while (mark the old one deprecated), or redirect.
    ENDPOINT_RENAMED = "endpoint-renamed", OpenApi, Breaking, None, "endpoint", Renamed,
        "An operation moved to another method or path (same operationId)";

    /// ## What it detects
    /// An operation that became `deprecated: true`.
    /// ## Why it matters
    /// Nothing breaks now; clients should plan to move.
    /// ## Example
    /// `deprecated: true` added to `GET /v1/users`.
    /// ## How to migrate
    /// Announce the replacement and a sunset date (`x-sunset`).
    ENDPOINT_DEPRECATED = "endpoint-deprecated", OpenApi, Info, None, "endpoint", Deprecated,
        "An operation was deprecated", oasdiff = ["endpoint-deprecated"];

    /// ## What it detects
    /// An operation that is no longer deprecated.
    /// ## Why it matters
    /// Informational: clients may keep using it.
    /// ## Example
    /// `deprecated: true` removed.
    /// ## How to migrate
    /// Nothing to do.
    ENDPOINT_REACTIVATED = "endpoint-reactivated", OpenApi, Info, None, "endpoint", Deprecated,
        "A deprecated operation is no longer deprecated", oasdiff = ["endpoint-reactivated"];

    /// ## What it detects
    /// An operation's `x-sunset` date moved earlier.
    /// ## Why it matters
    /// Clients planned their migration around the old date.
    /// ## Example
    /// `x-sunset: 2027-06-01` becomes `x-sunset: 2027-01-01`.
    /// ## How to migrate
    /// Keep the original date, or announce the change well ahead.
    ENDPOINT_SUNSET_MOVED_EARLIER = "endpoint-sunset-moved-earlier", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's sunset date moved earlier", oasdiff = ["api-sunset-date-changed-too-small"];

    /// ## What it detects
    /// An operation's `x-stability-level` went down (stable > beta > alpha > draft).
    /// ## Why it matters
    /// Clients built on the promised stability lose that promise.
    /// A warning, not breaking: no request or response changes with the label; what it
    /// announces (changes without notice later) is judged when those changes come.
    /// ## Example
    /// `x-stability-level: stable` becomes `beta`.
    /// ## How to migrate
    /// Add a new operation at the lower level instead.
    ENDPOINT_STABILITY_DECREASED = "endpoint-stability-decreased", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's stability level decreased", oasdiff = ["api-stability-decreased"];
    /// ## What it detects
    /// An `x-stability-level` that is not one of `draft`, `alpha`, `beta`, `stable` (new or changed in the revision).
    /// ## Why it matters
    /// apidiff cannot tell what the operation promises, so it compares it as stable.
    /// ## Example
    /// `x-stability-level: experimental`.
    /// ## How to migrate
    /// Use one of the four levels.
    ENDPOINT_STABILITY_INVALID = "endpoint-stability-invalid", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's stability level is not draft, alpha, beta or stable", oasdiff = ["api-invalid-stability-level"];
    /// ## What it detects
    /// The `x-sunset` date (or declared `Sunset` response header) of a deprecated operation deleted
    /// while the operation stays deprecated.
    /// ## Why it matters
    /// Clients planned their migration by that date and no longer know how long they have.
    /// ## Example
    /// `x-sunset: 2027-01-01` removed.
    /// ## How to migrate
    /// Keep the date, or move it later and tell clients.
    ENDPOINT_SUNSET_REMOVED = "endpoint-sunset-removed", OpenApi, Warning, None, "endpoint", Removed,
        "A deprecated operation's sunset date was deleted", oasdiff = ["sunset-deleted"];
    /// ## What it detects
    /// An `x-sunset` (or `Sunset` response header value) that is not a date (`YYYY-MM-DD`, an
    /// RFC 3339 time, or an HTTP date such as `Sat, 01 Jan 2028 00:00:00 GMT`), new or changed in
    /// the revision. It is reported where the date is written.
    /// ## Why it matters
    /// Nobody can tell when the operation goes away; apidiff treats its removal as before the date.
    /// ## Example
    /// `x-sunset: next spring`.
    /// ## How to migrate
    /// Write the date as `YYYY-MM-DD`.
    ENDPOINT_SUNSET_INVALID = "endpoint-sunset-invalid", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's sunset date cannot be read", oasdiff = ["api-deprecated-sunset-parse", "api-path-sunset-parse"];

    /// ## What it detects
    /// An operation's `operationId` changed (or was added or removed).
    /// ## Why it matters
    /// Generated SDKs name methods after it; their users' code stops compiling.
    /// ## Example
    /// `operationId: listPets` becomes `getPets`.
    /// ## How to migrate
    /// Keep operation ids stable once published.
    OPERATION_ID_CHANGED = "operation-id-changed", OpenApi, Warning, None, "endpoint", Changed,
        "An operation's operationId changed", oasdiff = ["api-operation-id-removed", "api-operation-id-added"];

    /// ## What it detects
    /// Tags added to or removed from an operation.
    /// ## Why it matters
    /// Only documentation grouping and some SDK layouts change.
    /// ## Example
    /// `tags: [pets]` becomes `tags: [animals]`.
    /// ## How to migrate
    /// Nothing to do, unless an SDK groups methods by tag.
    OPERATION_TAGS_CHANGED = "operation-tags-changed", OpenApi, Info, None, "endpoint", Changed,
        "An operation's tags changed", oasdiff = ["api-tag-removed", "api-tag-added"];

    /// ## What it detects
    /// A webhook (OpenAPI 3.1 `webhooks`) that exists only in the revision.
    /// ## Why it matters
    /// Receivers get a new kind of call; none breaks.
    /// ## Example
    /// `webhooks: {petAdopted: ...}` appears.
    /// ## How to migrate
    /// Nothing to do.
    WEBHOOK_ADDED = "webhook-added", OpenApi, Info, None, "webhook", Added,
        "A webhook was added";

    /// ## What it detects
    /// A webhook that exists only in the base.
    /// ## Why it matters
    /// Receivers stop getting calls they may rely on.
    /// A warning, not breaking, though it is a removal: the API stops calling the receiver and
    /// nothing the receiver runs fails (compare `endpoint-removed`, where a client's request
    /// fails). Subscribers must hear about it before it ships.
    /// ## Example
    /// `webhooks.petAdopted` is gone.
    /// ## How to migrate
    /// Announce it to subscribers first.
    WEBHOOK_REMOVED = "webhook-removed", OpenApi, Warning, None, "webhook", Removed,
        "A webhook was removed";

    /// ## What it detects
    /// A callback (3.x `callbacks`: a request the API makes to a URL the client gave) that
    /// exists only in the revision.
    /// ## Why it matters
    /// Clients that registered a callback URL receive a new kind of request; none breaks.
    /// ## Example
    /// `POST /subscriptions` gains an `onEvent` callback.
    /// ## How to migrate
    /// Nothing to do.
    CALLBACK_ADDED = "callback-added", OpenApi, Info, None, "callback", Added,
        "A callback was added";

    /// ## What it detects
    /// A callback that exists only in the base.
    /// ## Why it matters
    /// Clients stop receiving requests they may depend on.
    /// ## Example
    /// The `onEvent` callback of `POST /subscriptions` is gone.
    /// ## How to migrate
    /// Announce it to subscribers first.
    CALLBACK_REMOVED = "callback-removed", OpenApi, Warning, None, "callback", Removed,
        "A callback was removed";
}

/// Compares the operations (or webhooks) of both sides; those in `unchanged` (the same path
/// item and reference closure on both sides) are not compared, since they would yield nothing.
/// Debug builds compare them anyway and check that they do.
pub(super) fn compare_operations(
    c: &mut Cx<'_>,
    (base, rev): (&indexmap::IndexMap<String, Operation>, &indexmap::IndexMap<String, Operation>),
    unchanged: &std::collections::HashSet<String>,
    webhooks: bool,
    keys: &super::metadata::SchemeKeys,
) {
    let removed: Vec<&Operation> = base.iter().filter(|(k, _)| !rev.contains_key(*k)).map(|(_, o)| o).collect();
    let mut added: Vec<&Operation> = rev.iter().filter(|(k, _)| !base.contains_key(*k)).map(|(_, o)| o).collect();
    for (k, b) in base {
        if let Some(r) = rev.get(k) {
            let skip = unchanged.contains(k);
            if skip && !cfg!(debug_assertions) {
                continue;
            }
            c.op = r.display();
            let before = c.touched;
            compare_operation(c, b, r, webhooks, keys);
            assert!(!skip || c.touched == before, "`{k}` was taken for unchanged, and its comparison found something");
        }
    }
    for b in removed {
        let twin = b.operation_id.as_ref().and_then(|id| added.iter().position(|r| r.operation_id.as_ref() == Some(id)));
        if let Some(i) = twin {
            let r = added.remove(i);
            c.op = r.display();
            c.emit(
                Change::new(
                    &ENDPOINT_RENAMED,
                    format!("`{}` moved to `{}` (operationId `{}`)", b.display(), r.display(), r.operation_id.as_deref().unwrap_or("")),
                )
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(&r.node)))
                .values(Some(b.display()), Some(r.display())),
            );
            compare_operation(c, b, r, webhooks, keys);
            continue;
        }
        c.op = b.display();
        let rule = if webhooks {
            &WEBHOOK_REMOVED
        } else if !b.deprecated {
            &ENDPOINT_REMOVED
        } else if before_sunset(b.sunset.as_deref(), &c.opts.today) {
            &ENDPOINT_REMOVED_BEFORE_SUNSET
        } else {
            &DEPRECATED_ENDPOINT_REMOVED
        };
        let msg = match &b.sunset {
            Some(s) if std::ptr::eq(rule, &ENDPOINT_REMOVED_BEFORE_SUNSET) => {
                format!("`{}` was removed before its sunset date {s}", b.display())
            }
            _ => format!("`{}` was removed", b.display()),
        };
        c.soft = is_draft(b);
        c.emit(Change::new(rule, msg).base(c.bloc(&b.node)));
        c.soft = false;
    }
    for r in added {
        c.op = r.display();
        let rule = if webhooks { &WEBHOOK_ADDED } else { &ENDPOINT_ADDED };
        c.emit(Change::new(rule, format!("`{}` was added", r.display())).revision(c.rloc(&r.node)));
    }
}

/// Callbacks are requests the API sends: compared like webhooks (directions reversed), and
/// reported under the operation that declares them.
pub(super) fn compare_callbacks(c: &mut Cx<'_>, b: &Operation, r: &Operation, keys: &super::metadata::SchemeKeys) {
    let parent = c.op.clone();
    for (k, bcb) in &b.callbacks {
        match r.callbacks.get(k) {
            Some(rcb) => {
                c.op = format!("{parent} callback {k}");
                compare_operation(c, bcb, rcb, true, keys);
                c.op = parent.clone();
            }
            None => c.emit(Change::new(&CALLBACK_REMOVED, format!("callback `{k}` of `{parent}` was removed")).base(c.bloc(&bcb.node))),
        }
    }
    for (k, rcb) in &r.callbacks {
        if !b.callbacks.contains_key(k) {
            c.emit(Change::new(&CALLBACK_ADDED, format!("callback `{k}` of `{parent}` was added")).revision(c.rloc(&rcb.node)));
        }
    }
}

/// Changes to a draft or alpha operation (its base `x-stability-level`) break nobody who was
/// promised anything: at most a warning (see `Cx::soft`).
fn is_draft(op: &Operation) -> bool {
    op.stability.as_deref().and_then(stability_rank).is_some_and(|r| r <= 1)
}

pub(super) fn stability_rank(s: &str) -> Option<u8> {
    match s.to_ascii_lowercase().as_str() {
        "draft" => Some(0),
        "alpha" => Some(1),
        "beta" => Some(2),
        "stable" => Some(3),
        _ => None,
    }
}

pub(super) fn compare_operation(c: &mut Cx<'_>, b: &Operation, r: &Operation, webhook: bool, keys: &super::metadata::SchemeKeys) {
    // A callback of a draft operation is draft too.
    let outer = c.soft;
    c.soft = outer || is_draft(b);
    compare_operation_parts(c, b, r, webhook, keys);
    c.soft = outer;
}

fn compare_operation_parts(c: &mut Cx<'_>, b: &Operation, r: &Operation, webhook: bool, keys: &super::metadata::SchemeKeys) {
    let locs = (Some(c.bloc(&b.node)), Some(c.rloc(&r.node)));
    let name = r.display();
    if !b.deprecated && r.deprecated {
        let sunset = r.sunset.as_ref().map(|s| format!(" (sunset {s})")).unwrap_or_default();
        c.emit(Change::new(&ENDPOINT_DEPRECATED, format!("`{name}` was deprecated{sunset}")).locs(locs.0.clone(), locs.1.clone()));
    }
    if b.deprecated && !r.deprecated {
        c.emit(Change::new(&ENDPOINT_REACTIVATED, format!("`{name}` is no longer deprecated")).locs(locs.0.clone(), locs.1.clone()));
    }
    extension_findings(c, b, r, &locs);
    if let (Some(bs), Some(rs)) = (b.sunset.as_deref().and_then(sunset_date), r.sunset.as_deref().and_then(sunset_date))
        && rs < bs
    {
        c.emit(
            Change::new(&ENDPOINT_SUNSET_MOVED_EARLIER, format!("`{name}` sunset moved from {bs} to {rs}"))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(bs), Some(rs)),
        );
    }
    if let (Some(bs), Some(rs)) = (b.stability.as_deref().and_then(stability_rank), r.stability.as_deref().and_then(stability_rank))
        && rs < bs
    {
        c.emit(
            Change::new(
                &ENDPOINT_STABILITY_DECREASED,
                format!(
                    "`{name}` stability went from {} to {}",
                    b.stability.as_deref().unwrap_or(""),
                    r.stability.as_deref().unwrap_or("")
                ),
            )
            .locs(locs.0.clone(), locs.1.clone())
            .values(b.stability.clone(), r.stability.clone()),
        );
    }
    if b.operation_id != r.operation_id {
        let show = |o: &Option<String>| o.as_ref().map_or("(none)".to_string(), |s| format!("`{s}`"));
        c.emit(
            Change::new(
                &OPERATION_ID_CHANGED,
                format!("`{name}` operationId changed from {} to {}", show(&b.operation_id), show(&r.operation_id)),
            )
            .locs(locs.0.clone(), locs.1.clone())
            .values(b.operation_id.clone(), r.operation_id.clone()),
        );
    }
    let bt: BTreeSet<&String> = b.tags.iter().collect();
    let rt: BTreeSet<&String> = r.tags.iter().collect();
    if bt != rt {
        c.emit(
            Change::new(&OPERATION_TAGS_CHANGED, format!("`{name}` tags changed from {:?} to {:?}", b.tags, r.tags))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(b.tags.join(",")), Some(r.tags.join(","))),
        );
    }
    super::parameters::compare_params(c, b, r, webhook);
    super::bodies::compare_body(c, b.body.as_ref(), r.body.as_ref(), &b.node, &r.node, webhook);
    super::bodies::compare_responses(c, b, r, webhook);
    if !webhook {
        super::metadata::compare_security(c, b, r, keys);
    }
    if !b.callbacks.is_empty() || !r.callbacks.is_empty() {
        compare_callbacks(c, b, r, keys);
    }
}

/// oasdiff's extensions on an operation: a deleted sunset, an unreadable sunset or stability level.
fn extension_findings(c: &mut Cx<'_>, b: &Operation, r: &Operation, locs: &(Option<crate::diff::Location>, Option<crate::diff::Location>)) {
    let name = r.display();
    let sides = (Sunset::of(b.deprecated, &b.sunset, &b.sunset_at), Sunset::of(r.deprecated, &r.sunset, &r.sunset_at));
    sunset_findings(c, &format!("`{name}`"), sides, (&ENDPOINT_SUNSET_REMOVED, |_: &Cx<'_>| locs.clone()), &ENDPOINT_SUNSET_INVALID);
    let rdocs = c.rdocs;
    let at = |key: &str| Some(rdocs.location(&r.node.child(key)));
    if let Some(rl) = &r.stability
        && b.stability.as_ref() != Some(rl)
        && stability_rank(rl).is_none()
    {
        let msg = format!("`{name}` x-stability-level `{rl}` is not draft, alpha, beta or stable");
        c.emit(Change::new(&ENDPOINT_STABILITY_INVALID, msg).locs(None, at("x-stability-level")).values(None, Some(rl.clone())));
    }
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&ENDPOINT_REMOVED, Proof::Endpoint), (&ENDPOINT_REMOVED_BEFORE_SUNSET, Proof::Endpoint), (&ENDPOINT_RENAMED, Proof::Endpoint)]
};
