//! Schema rules about numeric, length, array and object bounds, mirrored for requests and responses.

use super::cx::{Cx, Dir};
use super::view::{View, emit, loc_pair};
use crate::diff::Rule;
use serde_json::Value;

crate::rules! {
    /// ## What it detects
    /// A size or range limit (`maxLength`, `minLength`, `maxItems`, `minItems`, `maxProperties`,
    /// `maximum` or `minimum`, exclusive bounds included) set on a request schema that had no such
    /// limit before. Lowering (or raising) a limit that existed is `request-*-tightened` instead.
    /// ## Why it matters
    /// Clients sending values beyond the new limit are rejected. Level by evidence: a warning,
    /// not breaking. A limit written down where the description set none almost always documents
    /// what the server already enforced (a `maxLength: 5000` added to an id that never accepted
    /// more), so no request that worked starts failing;
    /// oasdiff rates these `*-set` checks a warning too. Lowering a limit that was written down
    /// stays breaking, and so does a new `pattern`. The `strict` profile (`gate.profile: strict`
    /// in apidiff.yaml) rates this breaking.
    /// ## Example
    /// `name: {type: string}` becomes `name: {type: string, maxLength: 64}` in a request body.
    /// ## How to migrate
    /// Check that the server already enforced the limit; if it did not, treat it as breaking
    /// (announce it, or accept longer values for existing clients).
    REQUEST_LIMIT_DOCUMENTED = "request-limit-documented", OpenApi, Warning, Request, "schema", Added,
        "A size or range limit was set where the request had none (documents a limit)", traits = [StrictBreaking], oasdiff = ["request-property-max-length-set", "request-body-max-length-set", "request-property-max-set", "request-body-max-set", "request-property-min-set", "request-body-min-set", "request-property-min-items-set", "request-body-min-items-set"];
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maximum: 100` becomes `maximum: 50`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_RANGE_TIGHTENED = "request-range-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was tightened (request)", oasdiff = ["request-property-max-decreased", "request-property-min-increased", "request-parameter-max-decreased", "request-parameter-min-increased"];
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maximum: 100` becomes `maximum: 50`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_RANGE_TIGHTENED = "response-range-tightened", OpenApi, Info, Response, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was tightened (response)";
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maximum: 50` becomes `maximum: 100`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_RANGE_LOOSENED = "request-range-loosened", OpenApi, Info, Request, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was loosened (request)", oasdiff = ["request-property-max-increased", "request-property-min-decreased", "request-parameter-max-increased", "request-parameter-min-decreased"];
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) receive values outside the
    /// guarantee they were given: breaking, as the response guarantee it weakens (the way a
    /// response property no longer required is; oasdiff rates these `response-*` checks an error too).
    /// ## Example
    /// `maximum: 50` becomes `maximum: 100`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_RANGE_LOOSENED = "response-range-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was loosened (response)", oasdiff = ["response-property-max-increased", "response-property-min-decreased"];
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maxLength: 255` becomes `maxLength: 64`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_LENGTH_TIGHTENED = "request-length-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was tightened (request)", oasdiff = ["request-property-max-length-decreased", "request-property-min-length-increased", "request-parameter-max-length-decreased", "request-parameter-min-length-increased"];
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maxLength: 255` becomes `maxLength: 64`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_LENGTH_TIGHTENED = "response-length-tightened", OpenApi, Info, Response, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was tightened (response)";
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maxLength: 64` becomes `maxLength: 255`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_LENGTH_LOOSENED = "request-length-loosened", OpenApi, Info, Request, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was loosened (request)", oasdiff = ["request-property-max-length-increased", "request-property-min-length-decreased", "request-parameter-max-length-increased", "request-parameter-min-length-decreased"];
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) receive values outside the
    /// guarantee they were given: breaking, as the response guarantee it weakens (the way a
    /// response property no longer required is; oasdiff rates these `response-*` checks an error too).
    /// ## Example
    /// `maxLength: 64` becomes `maxLength: 255`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_LENGTH_LOOSENED = "response-length-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was loosened (response)", oasdiff = ["response-property-max-length-increased", "response-property-min-length-decreased"];
    /// ## What it detects
    /// An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maxItems: 100` becomes `maxItems: 10`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_ARRAY_TIGHTENED = "request-array-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint was tightened (request)", oasdiff = ["request-property-min-items-increased", "request-parameter-max-items-decreased", "request-parameter-min-items-increased"];
    /// ## What it detects
    /// An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maxItems: 100` becomes `maxItems: 10`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_ARRAY_TIGHTENED = "response-array-tightened", OpenApi, Info, Response, "schema", Changed,
        "An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint was tightened (response)";
    /// ## What it detects
    /// An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maxItems: 10` becomes `maxItems: 100`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_ARRAY_LOOSENED = "request-array-loosened", OpenApi, Info, Request, "schema", Changed,
        "An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint was loosened (request)", oasdiff = ["request-property-min-items-decreased", "request-parameter-max-items-increased", "request-parameter-min-items-decreased"];
    /// ## What it detects
    /// An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) receive values outside the
    /// guarantee they were given: breaking, as the response guarantee it weakens (the way a
    /// response property no longer required is; oasdiff rates these `response-*` checks an error too).
    /// ## Example
    /// `maxItems: 10` becomes `maxItems: 100`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_ARRAY_LOOSENED = "response-array-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "An array size (`minItems`, `maxItems`, `minContains`, `maxContains`, `uniqueItems`) constraint was loosened (response)", oasdiff = ["response-property-min-items-decreased"];
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maxProperties: 20` becomes `maxProperties: 5`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_OBJECT_TIGHTENED = "request-object-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was tightened (request)";
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maxProperties: 20` becomes `maxProperties: 5`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_OBJECT_TIGHTENED = "response-object-tightened", OpenApi, Info, Response, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was tightened (response)";
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maxProperties: 5` becomes `maxProperties: 20`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_OBJECT_LOOSENED = "request-object-loosened", OpenApi, Info, Request, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was loosened (request)";
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) receive values outside the
    /// guarantee they were given: breaking, as the response guarantee it weakens (the way a
    /// response property no longer required is; oasdiff rates these `response-*` checks an error too).
    /// ## Example
    /// `maxProperties: 5` becomes `maxProperties: 20`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_OBJECT_LOOSENED = "response-object-loosened", OpenApi, Breaking, Response, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was loosened (response)";
}

/// The limits whose first appearance in a request documents a limit (a warning) rather than
/// tightening one (breaking).
const DOCUMENTED: &[&str] = &["maxLength", "minLength", "maxItems", "minItems", "maxProperties", "maximum", "minimum"];

/// One bound: its value and whether it is exclusive. `upper` bounds tighten downwards.
fn bound(view: &View<'_>, kw: &str, excl_kw: &str) -> Option<(f64, bool)> {
    // 3.1: exclusiveMaximum is a number; 3.0: a flag on maximum.
    let plain = view.num(kw);
    if let Some(e) = view.num(excl_kw) {
        return match plain {
            Some(p) if p < e && kw == "maximum" => Some((p, false)),
            Some(p) if p > e && kw == "minimum" => Some((p, false)),
            _ => Some((e, true)),
        };
    }
    match view.find(excl_kw) {
        Some(Value::Bool(true)) => plain.map(|p| (p, true)),
        _ => plain.map(|p| (p, false)),
    }
}

/// Numeric, length, item and property-count bounds, `multipleOf` and `uniqueItems`.
pub(super) fn check(c: &mut Cx<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    type Fam = (&'static Rule, &'static Rule, &'static Rule, &'static Rule);
    let range: Fam = (&REQUEST_RANGE_TIGHTENED, &RESPONSE_RANGE_TIGHTENED, &REQUEST_RANGE_LOOSENED, &RESPONSE_RANGE_LOOSENED);
    let length: Fam = (&REQUEST_LENGTH_TIGHTENED, &RESPONSE_LENGTH_TIGHTENED, &REQUEST_LENGTH_LOOSENED, &RESPONSE_LENGTH_LOOSENED);
    let array: Fam = (&REQUEST_ARRAY_TIGHTENED, &RESPONSE_ARRAY_TIGHTENED, &REQUEST_ARRAY_LOOSENED, &RESPONSE_ARRAY_LOOSENED);
    let object: Fam = (&REQUEST_OBJECT_TIGHTENED, &RESPONSE_OBJECT_TIGHTENED, &REQUEST_OBJECT_LOOSENED, &RESPONSE_OBJECT_LOOSENED);
    // (keyword, exclusive keyword, is upper bound, family)
    let checks: [(&str, &str, bool, Fam); 10] = [
        ("maximum", "exclusiveMaximum", true, range),
        ("minimum", "exclusiveMinimum", false, range),
        ("maxLength", "", true, length),
        ("minLength", "", false, length),
        ("maxItems", "", true, array),
        ("minItems", "", false, array),
        ("maxContains", "", true, array),
        ("minContains", "", false, array),
        ("maxProperties", "", true, object),
        ("minProperties", "", false, object),
    ];
    for (kw, excl, upper, fam) in checks {
        let (bb, rb) = if excl.is_empty() {
            (b.num(kw).map(|x| (x, false)), r.num(kw).map(|x| (x, false)))
        } else {
            (bound(b, kw, excl), bound(r, kw, excl))
        };
        let tighter = match (bb, rb) {
            (None, None) => continue,
            (Some(x), Some(y)) if x == y => continue,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some((x, xe)), Some((y, ye))) => {
                if x == y {
                    ye && !xe
                } else if upper {
                    y < x
                } else {
                    y > x
                }
            }
        };
        let fmt = |x: Option<(f64, bool)>| x.map_or("(none)".to_string(), |(n, e)| format!("{}{n}", if e { "exclusive " } else { "" }));
        let kwl = if b.keyword_at.contains_key(kw) || r.keyword_at.contains_key(kw) { kw } else { excl };
        if bb.is_none() && dir == Dir::Request && DOCUMENTED.contains(&kw) {
            let msg = format!("{label}: {kw} set to {} where there was no limit (documents a limit)", fmt(rb));
            emit(c, &REQUEST_LIMIT_DOCUMENTED, msg, loc_pair(c, b, r, kwl), None, Some(fmt(rb)));
            continue;
        }
        let rule = match (tighter, dir) {
            (true, Dir::Request) => fam.0,
            (true, Dir::Response) => fam.1,
            (false, Dir::Request) => fam.2,
            (false, Dir::Response) => fam.3,
        };
        let how = if tighter { "tightened" } else { "loosened" };
        emit(c, rule, format!("{label}: {kw} {how} from {} to {}", fmt(bb), fmt(rb)), loc_pair(c, b, r, kwl), Some(fmt(bb)), Some(fmt(rb)));
    }
    // multipleOf: a multiple of the old divisor accepts fewer values.
    let (bm, rm) = (b.num("multipleOf"), r.num("multipleOf"));
    {
        if bm != rm {
            let tighter = match (bm, rm) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => !((x / y).fract() == 0.0),
                (None, None) => false,
            };
            let rule = match (tighter, dir) {
                (true, Dir::Request) => range.0,
                (true, Dir::Response) => range.1,
                (false, Dir::Request) => range.2,
                (false, Dir::Response) => range.3,
            };
            let f = |x: Option<f64>| x.map_or("(none)".into(), |n| n.to_string());
            emit(
                c,
                rule,
                format!("{label}: multipleOf changed from {} to {}", f(bm), f(rm)),
                loc_pair(c, b, r, "multipleOf"),
                Some(f(bm)),
                Some(f(rm)),
            );
        }
    }
    let (bu, ru) =
        (b.find("uniqueItems").and_then(Value::as_bool).unwrap_or(false), r.find("uniqueItems").and_then(Value::as_bool).unwrap_or(false));
    if bu != ru {
        let rule = match (ru, dir) {
            (true, Dir::Request) => array.0,
            (true, Dir::Response) => array.1,
            (false, Dir::Request) => array.2,
            (false, Dir::Response) => array.3,
        };
        let how = if ru { "must now be unique" } else { "no longer need to be unique" };
        emit(c, rule, format!("{label}: items {how}"), loc_pair(c, b, r, "uniqueItems"), Some(bu.to_string()), Some(ru.to_string()));
    }
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&REQUEST_RANGE_TIGHTENED, Proof::Instance),
        (&REQUEST_LENGTH_TIGHTENED, Proof::Instance),
        (&REQUEST_ARRAY_TIGHTENED, Proof::Instance),
        (&REQUEST_OBJECT_TIGHTENED, Proof::Instance),
        (&RESPONSE_RANGE_LOOSENED, Proof::Instance),
        (&RESPONSE_LENGTH_LOOSENED, Proof::Instance),
        (&RESPONSE_ARRAY_LOOSENED, Proof::Instance),
        (&RESPONSE_OBJECT_LOOSENED, Proof::Instance),
    ]
};
