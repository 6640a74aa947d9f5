//! Schema rules about types, nullability and formats, mirrored for requests and responses.

use super::cx::{Cx, Dir};
use super::view::{View, accepts, emit, loc_pair, types_label};
use crate::diff::Trait;

crate::rules! {
    /// ## What it detects
    /// A schema whose `type` changed to one that neither contains nor is contained in the old one (`string` to `integer`). In a request (parameter or body).
    /// ## Why it matters
    /// Clients send values of the old type, which the server now rejects.
    /// ## Example
    /// `type: string` becomes `type: integer`.
    /// ## How to migrate
    /// Add a new field of the new type; deprecate the old one.
    REQUEST_TYPE_CHANGED = "request-type-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's type changed incompatibly (request)", traits = [TypeReplaced], oasdiff = ["request-body-type-changed", "request-property-type-changed", "request-parameter-type-changed"];
    /// ## What it detects
    /// A schema whose `type` changed to one that neither contains nor is contained in the old one (`string` to `integer`). In a response (body or header).
    /// ## Why it matters
    /// Clients parse values of the old type and fail on the new one.
    /// ## Example
    /// `type: string` becomes `type: integer`.
    /// ## How to migrate
    /// Add a new field of the new type; deprecate the old one.
    RESPONSE_TYPE_CHANGED = "response-type-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's type changed incompatibly (response)", traits = [TypeReplaced], oasdiff = ["response-body-type-changed", "response-property-type-changed"];
    /// ## What it detects
    /// A schema that accepts more types than before: `integer` to `number`, a type added to a type list, or the type constraint dropped. In a request (parameter or body).
    /// ## Why it matters
    /// Everything clients sent before is still valid.
    /// ## Example
    /// `type: integer` becomes `type: number`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_TYPE_GENERALIZED = "request-type-generalized", OpenApi, Info, Request, "schema", Changed,
        "A schema's type was widened (request)", oasdiff = ["request-body-type-generalized", "request-property-type-generalized", "request-parameter-type-generalized"];
    /// ## What it detects
    /// A schema that accepts more types than before: `integer` to `number`, a type added to a type list, or the type constraint dropped. In a response (body or header).
    /// ## Why it matters
    /// Clients receive values of a type they do not expect (a float where an integer was promised).
    /// ## Example
    /// `type: integer` becomes `type: number`.
    /// ## How to migrate
    /// Keep the response type; add a new field.
    RESPONSE_TYPE_GENERALIZED = "response-type-generalized", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's type was widened (response)";
    /// ## What it detects
    /// A schema that accepts fewer types than before: `number` to `integer`, a type removed from a type list, or a type constraint added. In a request (parameter or body).
    /// ## Why it matters
    /// Clients still send the types that were dropped.
    /// ## Example
    /// `type: [string, integer]` becomes `type: string`.
    /// ## How to migrate
    /// Keep accepting the old types.
    REQUEST_TYPE_SPECIALIZED = "request-type-specialized", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's type was narrowed (request)";
    /// ## What it detects
    /// A schema that accepts fewer types than before: `number` to `integer`, a type removed from a type list, or a type constraint added. In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled before.
    /// ## Example
    /// `type: [string, integer]` becomes `type: string`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_TYPE_SPECIALIZED = "response-type-specialized", OpenApi, Info, Response, "schema", Changed,
        "A schema's type was narrowed (response)";
    /// ## What it detects
    /// A schema that now allows `null` (3.0 `nullable: true`, 3.1 `type: [..., \"null\"]`, Swagger `x-nullable`). In a request (parameter or body).
    /// ## Why it matters
    /// Clients never had to send null; nothing they send becomes invalid.
    /// ## Example
    /// `nullable: true` added to `Pet.tag`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_BECAME_NULLABLE = "request-became-nullable", OpenApi, Info, Request, "schema", Changed,
        "A schema now allows null (request)", oasdiff = ["request-body-became-nullable", "request-property-became-nullable", "request-parameter-became-nullable"];
    /// ## What it detects
    /// A schema that now allows `null` (3.0 `nullable: true`, 3.1 `type: [..., \"null\"]`, Swagger `x-nullable`). In a response (body or header).
    /// ## Why it matters
    /// Clients that dereference the value crash on null.
    /// ## Example
    /// `nullable: true` added to `Pet.tag`.
    /// ## How to migrate
    /// Keep it non-null; return a default instead.
    RESPONSE_BECAME_NULLABLE = "response-became-nullable", OpenApi, Breaking, Response, "schema", Changed,
        "A schema now allows null (response)", oasdiff = ["response-body-became-nullable", "response-property-became-nullable"];
    /// ## What it detects
    /// A schema that allowed `null` and no longer does. In a request (parameter or body).
    /// ## Why it matters
    /// Clients that send null are rejected.
    /// ## Example
    /// `type: [string, \"null\"]` becomes `type: string`.
    /// ## How to migrate
    /// Keep accepting null (treat it as absent).
    REQUEST_BECAME_NON_NULLABLE = "request-became-non-nullable", OpenApi, Breaking, Request, "schema", Changed,
        "A schema no longer allows null (request)", oasdiff = ["request-body-became-not-nullable", "request-property-became-not-nullable"];
    /// ## What it detects
    /// A schema that allowed `null` and no longer does. In a response (body or header).
    /// ## Why it matters
    /// Clients that handled null keep working.
    /// ## Example
    /// `type: [string, \"null\"]` becomes `type: string`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_BECAME_NON_NULLABLE = "response-became-non-nullable", OpenApi, Info, Response, "schema", Changed,
        "A schema no longer allows null (response)", oasdiff = ["response-body-became-not-nullable", "response-property-became-not-nullable"];
    /// ## What it detects
    /// A `format` that changed to an unrelated one (`uuid` to `email`). In a request (parameter or body).
    /// ## Why it matters
    /// Values valid before fail the new format's validation.
    /// ## Example
    /// `format: uuid` becomes `format: uri`.
    /// ## How to migrate
    /// Keep the format; add a new field.
    REQUEST_FORMAT_CHANGED = "request-format-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's format changed (request)";
    /// ## What it detects
    /// A `format` that changed to an unrelated one (`uuid` to `email`). In a response (body or header).
    /// ## Why it matters
    /// Clients parse values with the old format (dates, UUIDs) and fail.
    /// ## Example
    /// `format: uuid` becomes `format: uri`.
    /// ## How to migrate
    /// Keep the format; add a new field.
    RESPONSE_FORMAT_CHANGED = "response-format-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's format changed (response)";
    /// ## What it detects
    /// A `format` that accepts more values: `int32` to `int64`, `float` to `double`, or the format removed. In a request (parameter or body).
    /// ## Why it matters
    /// Everything clients sent is still valid.
    /// ## Example
    /// `format: int32` becomes `format: int64`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_FORMAT_GENERALIZED = "request-format-generalized", OpenApi, Info, Request, "schema", Changed,
        "A schema's format was widened (request)";
    /// ## What it detects
    /// A `format` that accepts more values: `int32` to `int64`, `float` to `double`, or the format removed. In a response (body or header).
    /// ## Why it matters
    /// Clients store values in types sized for the old format (32-bit integers) and overflow.
    /// ## Example
    /// `format: int32` becomes `format: int64`.
    /// ## How to migrate
    /// Keep the narrower format in responses.
    RESPONSE_FORMAT_GENERALIZED = "response-format-generalized", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's format was widened (response)";
    /// ## What it detects
    /// A `format` that accepts fewer values: `int64` to `int32`, `double` to `float`, or a format added. In a request (parameter or body).
    /// ## Why it matters
    /// Clients send values the new format rejects.
    /// ## Example
    /// `format: int64` becomes `format: int32`.
    /// ## How to migrate
    /// Keep the wider format in requests.
    REQUEST_FORMAT_SPECIALIZED = "request-format-specialized", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's format was narrowed (request)";
    /// ## What it detects
    /// A `format` that accepts fewer values: `int64` to `int32`, `double` to `float`, or a format added. In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `format: int64` becomes `format: int32`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_FORMAT_SPECIALIZED = "response-format-specialized", OpenApi, Info, Response, "schema", Changed,
        "A schema's format was narrowed (response)";
}

/// Type, nullability and format. Returns whether the type was replaced by an unrelated one, so
/// that nothing below it is compared.
pub(super) fn check(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) -> bool {
    // Types.
    let (bt, rt) = (&b.types, &r.types);
    let type_rule = match (bt, rt) {
        (None, None) => None,
        (None, Some(_)) => Some(dir.pick(&REQUEST_TYPE_SPECIALIZED, &RESPONSE_TYPE_SPECIALIZED)),
        (Some(_), None) => Some(dir.pick(&REQUEST_TYPE_GENERALIZED, &RESPONSE_TYPE_GENERALIZED)),
        (Some(x), Some(y)) if x == y => None,
        (Some(x), Some(y)) => {
            let wider = x.iter().all(|tt| accepts(y, tt));
            let narrower = y.iter().all(|tt| accepts(x, tt));
            Some(match (wider, narrower) {
                (true, false) => dir.pick(&REQUEST_TYPE_GENERALIZED, &RESPONSE_TYPE_GENERALIZED),
                (false, true) => dir.pick(&REQUEST_TYPE_SPECIALIZED, &RESPONSE_TYPE_SPECIALIZED),
                _ => dir.pick(&REQUEST_TYPE_CHANGED, &RESPONSE_TYPE_CHANGED),
            })
        }
    };
    if let Some(rule) = type_rule {
        let (bl, rl) = (types_label(bt), types_label(rt));
        emit(c, rule, format!("{label}: type changed from {bl} to {rl}"), loc_pair(c, b, r, "type"), Some(bl), Some(rl));
        if rule.has(Trait::TypeReplaced) {
            // Nothing below means the same thing across unrelated types.
            return true;
        }
    }
    if b.nullable != r.nullable {
        let rule = if r.nullable {
            dir.pick(&REQUEST_BECAME_NULLABLE, &RESPONSE_BECAME_NULLABLE)
        } else {
            dir.pick(&REQUEST_BECAME_NON_NULLABLE, &RESPONSE_BECAME_NON_NULLABLE)
        };
        let what = if r.nullable { "now allows null" } else { "no longer allows null" };
        emit(
            c,
            rule,
            format!("{label} {what}"),
            (Some(c.bloc(&b.id)), Some(c.rloc(&r.id))),
            Some(b.nullable.to_string()),
            Some(r.nullable.to_string()),
        );
    }
    compare_format(c, b, r, dir, label);
    false
}

fn compare_format(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    let widening = |from: &str, to: &str| matches!((from, to), ("int32", "int64") | ("float", "double"));
    let rule = match (b.format, r.format) {
        (x, y) if x == y => return,
        (None, Some(_)) => dir.pick(&REQUEST_FORMAT_SPECIALIZED, &RESPONSE_FORMAT_SPECIALIZED),
        (Some(_), None) => dir.pick(&REQUEST_FORMAT_GENERALIZED, &RESPONSE_FORMAT_GENERALIZED),
        (Some(x), Some(y)) if widening(x, y) => dir.pick(&REQUEST_FORMAT_GENERALIZED, &RESPONSE_FORMAT_GENERALIZED),
        (Some(x), Some(y)) if widening(y, x) => dir.pick(&REQUEST_FORMAT_SPECIALIZED, &RESPONSE_FORMAT_SPECIALIZED),
        _ => dir.pick(&REQUEST_FORMAT_CHANGED, &RESPONSE_FORMAT_CHANGED),
    };
    let (bf, rf) = (b.format.unwrap_or("(none)"), r.format.unwrap_or("(none)"));
    emit(
        c,
        rule,
        format!("{label}: format changed from {bf} to {rf}"),
        loc_pair(c, b, r, "format"),
        b.format.map(str::to_string),
        r.format.map(str::to_string),
    );
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&REQUEST_TYPE_CHANGED, Proof::Instance),
        (&RESPONSE_TYPE_CHANGED, Proof::Instance),
        (&RESPONSE_TYPE_GENERALIZED, Proof::Instance),
        (&REQUEST_TYPE_SPECIALIZED, Proof::Instance),
        (&RESPONSE_BECAME_NULLABLE, Proof::Instance),
        (&REQUEST_BECAME_NON_NULLABLE, Proof::Instance),
        (&REQUEST_FORMAT_CHANGED, Proof::Instance),
        (&RESPONSE_FORMAT_CHANGED, Proof::Instance),
        (&RESPONSE_FORMAT_GENERALIZED, Proof::Instance),
        (&REQUEST_FORMAT_SPECIALIZED, Proof::Instance),
    ]
};
