//! JSON-Schema comparison with direction: what a change means depends on whether clients send
//! the data (request) or receive it (response). `allOf` is flattened into one view; `oneOf` and
//! `anyOf` branches are matched by `$ref` target, then by shape; recursion is memoised per
//! schema pair and bounded in depth, so recursive and huge schemas finish.

use super::{Cmp, Dir, constraints as k, properties as p, types as t, values as v};
use crate::diff::{Change, Rule};
use crate::spec::refs::{DocSet, NodeId};
use indexmap::IndexMap;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Deepest schema nesting compared; deeper levels are not descended into.
const MAX_DEPTH: usize = 64;

/// A schema with `$ref`s followed and `allOf` merged.
struct View<'a> {
    docs: &'a DocSet,
    id: NodeId,
    v: &'a Value,
    types: Option<BTreeSet<String>>,
    nullable: bool,
    format: Option<&'a str>,
    enum_: Option<Vec<&'a Value>>,
    default: Option<&'a Value>,
    pattern: Option<&'a str>,
    props: IndexMap<&'a str, NodeId>,
    required: BTreeSet<&'a str>,
    additional: Addl,
    items: Option<NodeId>,
    one_of: Vec<NodeId>,
    any_of: Vec<NodeId>,
    discriminator: Option<(&'a str, BTreeMap<&'a str, &'a str>)>,
    /// Node holding each keyword, for locations (`allOf` branches hold some).
    keyword_at: BTreeMap<&'static str, NodeId>,
}

#[derive(Clone, PartialEq)]
enum Addl {
    Open,
    Closed,
    Schema(NodeId),
}

const KEYWORDS: [&str; 17] = [
    "type",
    "format",
    "enum",
    "default",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

impl<'a> View<'a> {
    fn build(docs: &'a DocSet, id: &NodeId) -> Option<View<'a>> {
        let (rid, val) = docs.resolve(id)?;
        let mut view = View {
            docs,
            id: rid.clone(),
            v: val,
            types: None,
            nullable: false,
            format: None,
            enum_: None,
            default: None,
            pattern: None,
            props: IndexMap::new(),
            required: BTreeSet::new(),
            additional: Addl::Open,
            items: None,
            one_of: Vec::new(),
            any_of: Vec::new(),
            discriminator: None,
            keyword_at: BTreeMap::new(),
        };
        let mut seen = HashSet::new();
        view.absorb(docs, &rid, val, &mut seen, 0);
        Some(view)
    }

    /// Merges one schema object (and its `allOf` branches) into the view; earlier wins.
    fn absorb(&mut self, docs: &'a DocSet, id: &NodeId, val: &'a Value, seen: &mut HashSet<NodeId>, depth: usize) {
        if depth > 16 || !seen.insert(id.clone()) {
            return;
        }
        let Value::Object(o) = val else { return };
        for kw in KEYWORDS {
            if o.contains_key(kw) {
                self.keyword_at.entry(kw).or_insert_with(|| id.child(kw));
            }
        }
        match o.get("type") {
            Some(Value::String(s)) => self.merge_types([s.clone()].into()),
            Some(Value::Array(list)) => self.merge_types(list.iter().filter_map(Value::as_str).map(str::to_string).collect()),
            _ => {}
        }
        if o.get("nullable").and_then(Value::as_bool) == Some(true) || o.get("x-nullable").and_then(Value::as_bool) == Some(true) {
            self.nullable = true;
        }
        if self.format.is_none() {
            self.format = o.get("format").and_then(Value::as_str);
        }
        if self.enum_.is_none() {
            if let Some(Value::Array(e)) = o.get("enum") {
                self.enum_ = Some(e.iter().filter(|x| !x.is_null()).collect());
                if e.iter().any(Value::is_null) {
                    self.nullable = true;
                }
            } else if let Some(c) = o.get("const") {
                self.enum_ = Some(vec![c]);
            }
        }
        if self.default.is_none() {
            self.default = o.get("default");
        }
        if self.pattern.is_none() {
            self.pattern = o.get("pattern").and_then(Value::as_str);
        }
        if let Some(Value::Object(props)) = o.get("properties") {
            for name in props.keys() {
                self.props.entry(name.as_str()).or_insert_with(|| id.child("properties").child(name));
            }
        }
        if let Some(Value::Array(req)) = o.get("required") {
            self.required.extend(req.iter().filter_map(Value::as_str));
        }
        match o.get("additionalProperties") {
            Some(Value::Bool(false)) => self.additional = Addl::Closed,
            Some(Value::Object(_)) if self.additional == Addl::Open => self.additional = Addl::Schema(id.child("additionalProperties")),
            _ => {}
        }
        if self.items.is_none() {
            match o.get("items") {
                Some(Value::Object(_)) => self.items = Some(id.child("items")),
                Some(Value::Array(a)) if !a.is_empty() => self.items = Some(id.child("items").item(0)),
                _ => {}
            }
        }
        let mut lone_branches = Vec::new();
        for kw in ["oneOf", "anyOf"] {
            let Some(Value::Array(a)) = o.get(kw) else { continue };
            let branches: Vec<NodeId> = (0..a.len()).map(|i| id.child(kw).item(i)).collect();
            let (nulls, rest): (Vec<NodeId>, Vec<NodeId>) = branches.into_iter().partition(|b| is_null_schema(docs, b));
            if !nulls.is_empty() {
                self.nullable = true;
                // `anyOf: [X, {type: "null"}]` is 3.1's spelling of 3.0's nullable X: read it as X.
                if rest.len() == 1 {
                    lone_branches.extend(rest);
                    continue;
                }
            }
            if kw == "oneOf" { self.one_of.extend(rest) } else { self.any_of.extend(rest) }
        }
        for bid in lone_branches {
            if let Some((rid, rv)) = docs.resolve(&bid) {
                self.absorb(docs, &rid, rv, seen, depth + 1);
            }
        }
        if self.discriminator.is_none()
            && let Some(d) = o.get("discriminator")
        {
            let name = d.get("propertyName").and_then(Value::as_str).or_else(|| d.as_str());
            if let Some(name) = name {
                let mapping = match d.get("mapping") {
                    Some(Value::Object(m)) => m.iter().filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))).collect(),
                    _ => BTreeMap::new(),
                };
                self.discriminator = Some((name, mapping));
            }
        }
        if let Some(Value::Array(all)) = o.get("allOf") {
            for i in 0..all.len() {
                let bid = id.child("allOf").item(i);
                if let Some((rid, rv)) = docs.resolve(&bid) {
                    self.absorb(docs, &rid, rv, seen, depth + 1);
                }
            }
        }
        if self.types.is_none() {
            if !self.props.is_empty() {
                self.types = Some(["object".to_string()].into());
            } else if self.items.is_some() {
                self.types = Some(["array".to_string()].into());
            }
        }
    }

    fn merge_types(&mut self, mut set: BTreeSet<String>) {
        if set.remove("null") {
            self.nullable = true;
        }
        if set.is_empty() {
            return;
        }
        self.types = Some(match self.types.take() {
            None => set,
            Some(prev) => {
                let both: BTreeSet<String> = prev.intersection(&set).cloned().collect();
                if both.is_empty() { prev } else { both }
            }
        });
    }

    fn num(&self, kw: &str) -> Option<f64> {
        self.find(kw).and_then(Value::as_f64)
    }

    /// A keyword's value from wherever in the merged `allOf` it came from (the first holder).
    fn find(&self, kw: &str) -> Option<&'a Value> {
        self.v.get(kw).or_else(|| {
            let at = self.keyword_at.get(kw)?;
            let holder = self.docs.get(&NodeId { doc: at.doc, ptr: at.ptr[..at.ptr.len() - kw.len() - 1].to_string() })?;
            holder.get(kw)
        })
    }

    fn is_object(&self) -> bool {
        self.types.as_ref().is_some_and(|t| t.contains("object")) || !self.props.is_empty()
    }
}

/// Is the schema an array or an object (the values whose serialisation `style` shapes)?
pub(crate) fn is_structured(docs: &DocSet, id: &NodeId) -> bool {
    View::build(docs, id).is_some_and(|v| v.is_object() || v.items.is_some() || v.types.as_ref().is_some_and(|t| t.contains("array")))
}

/// A branch that only admits `null` (`{type: "null"}`, `{enum: [null]}`, `{const: null}`).
fn is_null_schema(docs: &DocSet, id: &NodeId) -> bool {
    let Some((_, Value::Object(o))) = docs.resolve(id) else { return false };
    match o.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t.as_str() == Some("null")),
        _ => {
            matches!(o.get("enum"), Some(Value::Array(e)) if !e.is_empty() && e.iter().all(Value::is_null))
                || o.get("const").is_some_and(Value::is_null)
        }
    }
}

fn read_flag(docs: &DocSet, id: &NodeId, flag: &str) -> bool {
    docs.resolve(id).and_then(|(_, v)| v.get(flag)).and_then(Value::as_bool).unwrap_or(false)
}

/// A hash of a schema's shape: descriptions, examples and titles dropped, `$ref`s kept as
/// written (so two uses of one named schema hash equal).
pub(crate) fn shape_hash(docs: &DocSet, id: &NodeId) -> [u8; 32] {
    let mut h = Sha256::new();
    if let Some(v) = docs.get(id) {
        hash_value(&mut h, v, 0);
    }
    h.finalize().into()
}

fn hash_value(h: &mut Sha256, v: &Value, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(o) => {
            h.update(b"{");
            let mut keys: Vec<&String> = o
                .keys()
                .filter(|k| {
                    !matches!(k.as_str(), "description" | "summary" | "example" | "examples" | "title" | "externalDocs")
                        && !k.starts_with("x-")
                })
                .collect();
            keys.sort();
            for k in keys {
                h.update(k.as_bytes());
                h.update(b":");
                hash_value(h, &o[k.as_str()], depth + 1);
            }
            h.update(b"}");
        }
        Value::Array(a) => {
            h.update(b"[");
            for x in a {
                hash_value(h, x, depth + 1);
                h.update(b",");
            }
            h.update(b"]");
        }
        other => h.update(other.to_string().as_bytes()),
    }
}

/// The name of a named schema (`#/components/schemas/Pet` → `Pet`), used to restart labels.
fn schema_name(id: &NodeId) -> Option<&str> {
    let rest = id.ptr.strip_prefix("/components/schemas/").or_else(|| id.ptr.strip_prefix("/definitions/"))?;
    (!rest.contains('/')).then_some(rest)
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn types_label(t: &Option<BTreeSet<String>>) -> String {
    match t {
        None => "any".into(),
        Some(s) => s.iter().cloned().collect::<Vec<_>>().join("|"),
    }
}

/// Does a type set accept type `t` (`number` accepts `integer`)?
fn accepts(set: &BTreeSet<String>, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

/// Compares the schemas at `b` (base) and `r` (revision) on side `dir`; `label` names the place.
pub(crate) fn compare(c: &mut Cmp<'_>, b: &NodeId, r: &NodeId, dir: Dir, label: &str) {
    if c.depth >= MAX_DEPTH {
        return;
    }
    let (bdocs, rdocs) = (c.bdocs, c.rdocs);
    let (Some(bv), Some(rv)) = (View::build(bdocs, b), View::build(rdocs, r)) else { return };
    let key = (bv.id.clone(), rv.id.clone(), dir);
    if !c.enter(&key) {
        return;
    }
    let label = match schema_name(&rv.id) {
        Some(n) => format!("`{n}`"),
        None => label.to_string(),
    };
    c.depth += 1;
    compare_views(c, &bv, &rv, dir, &label);
    c.depth -= 1;
    c.leave(key);
}

fn loc_pair(c: &Cmp<'_>, b: &View<'_>, r: &View<'_>, kw: &str) -> (Option<crate::diff::Location>, Option<crate::diff::Location>) {
    let bl = b.keyword_at.get(kw).unwrap_or(&b.id);
    let rl = r.keyword_at.get(kw).unwrap_or(&r.id);
    (Some(c.bloc(bl)), Some(c.rloc(rl)))
}

fn emit(
    c: &mut Cmp<'_>,
    rule: &'static Rule,
    msg: String,
    locs: (Option<crate::diff::Location>, Option<crate::diff::Location>),
    before: Option<String>,
    after: Option<String>,
) {
    c.emit(Change::new(rule, msg).locs(locs.0, locs.1).values(before, after));
}

fn compare_views(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    if union_transition(c, b, r, dir, label) {
        return;
    }
    // Types.
    let (bt, rt) = (&b.types, &r.types);
    let type_rule = match (bt, rt) {
        (None, None) => None,
        (None, Some(_)) => Some(dir.pick(&t::REQUEST_TYPE_SPECIALIZED, &t::RESPONSE_TYPE_SPECIALIZED)),
        (Some(_), None) => Some(dir.pick(&t::REQUEST_TYPE_GENERALIZED, &t::RESPONSE_TYPE_GENERALIZED)),
        (Some(x), Some(y)) if x == y => None,
        (Some(x), Some(y)) => {
            let wider = x.iter().all(|tt| accepts(y, tt));
            let narrower = y.iter().all(|tt| accepts(x, tt));
            Some(match (wider, narrower) {
                (true, false) => dir.pick(&t::REQUEST_TYPE_GENERALIZED, &t::RESPONSE_TYPE_GENERALIZED),
                (false, true) => dir.pick(&t::REQUEST_TYPE_SPECIALIZED, &t::RESPONSE_TYPE_SPECIALIZED),
                _ => dir.pick(&t::REQUEST_TYPE_CHANGED, &t::RESPONSE_TYPE_CHANGED),
            })
        }
    };
    if let Some(rule) = type_rule {
        let (bl, rl) = (types_label(bt), types_label(rt));
        emit(c, rule, format!("{label}: type changed from {bl} to {rl}"), loc_pair(c, b, r, "type"), Some(bl), Some(rl));
        if rule.id.ends_with("type-changed") {
            // Nothing below means the same thing across unrelated types.
            return;
        }
    }
    if b.nullable != r.nullable {
        let rule = if r.nullable {
            dir.pick(&t::REQUEST_BECAME_NULLABLE, &t::RESPONSE_BECAME_NULLABLE)
        } else {
            dir.pick(&t::REQUEST_BECAME_NON_NULLABLE, &t::RESPONSE_BECAME_NON_NULLABLE)
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
    compare_enum(c, b, r, dir, label);
    if b.default != r.default {
        let (bd, rd) = (b.default.map(show), r.default.map(show));
        let shown = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
        emit(
            c,
            dir.pick(&v::REQUEST_DEFAULT_CHANGED, &v::RESPONSE_DEFAULT_CHANGED),
            format!("{label}: default changed from {} to {}", shown(&bd), shown(&rd)),
            loc_pair(c, b, r, "default"),
            bd,
            rd,
        );
    }
    match (b.pattern, r.pattern) {
        (None, Some(pn)) => emit(
            c,
            dir.pick(&v::REQUEST_PATTERN_ADDED, &v::RESPONSE_PATTERN_ADDED),
            format!("{label}: pattern `{pn}` was added"),
            loc_pair(c, b, r, "pattern"),
            None,
            Some(pn.into()),
        ),
        (Some(po), None) => emit(
            c,
            dir.pick(&v::REQUEST_PATTERN_REMOVED, &v::RESPONSE_PATTERN_REMOVED),
            format!("{label}: pattern `{po}` was removed"),
            loc_pair(c, b, r, "pattern"),
            Some(po.into()),
            None,
        ),
        (Some(po), Some(pn)) if po != pn => emit(
            c,
            dir.pick(&v::REQUEST_PATTERN_CHANGED, &v::RESPONSE_PATTERN_CHANGED),
            format!("{label}: pattern changed from `{po}` to `{pn}`"),
            loc_pair(c, b, r, "pattern"),
            Some(po.into()),
            Some(pn.into()),
        ),
        _ => {}
    }
    compare_bounds(c, b, r, dir, label);
    compare_object(c, b, r, dir, label);
    if let (Some(bi), Some(ri)) = (&b.items, &r.items) {
        compare(c, bi, ri, dir, &format!("{label}[]"));
    }
    compare_variants(c, b, r, dir, label, "oneOf");
    compare_variants(c, b, r, dir, label, "anyOf");
    compare_discriminator(c, b, r, dir, label);
}

fn compare_format(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    let widening = |from: &str, to: &str| matches!((from, to), ("int32", "int64") | ("float", "double"));
    let rule = match (b.format, r.format) {
        (x, y) if x == y => return,
        (None, Some(_)) => dir.pick(&t::REQUEST_FORMAT_SPECIALIZED, &t::RESPONSE_FORMAT_SPECIALIZED),
        (Some(_), None) => dir.pick(&t::REQUEST_FORMAT_GENERALIZED, &t::RESPONSE_FORMAT_GENERALIZED),
        (Some(x), Some(y)) if widening(x, y) => dir.pick(&t::REQUEST_FORMAT_GENERALIZED, &t::RESPONSE_FORMAT_GENERALIZED),
        (Some(x), Some(y)) if widening(y, x) => dir.pick(&t::REQUEST_FORMAT_SPECIALIZED, &t::RESPONSE_FORMAT_SPECIALIZED),
        _ => dir.pick(&t::REQUEST_FORMAT_CHANGED, &t::RESPONSE_FORMAT_CHANGED),
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

fn compare_enum(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    match (&b.enum_, &r.enum_) {
        (None, None) => {}
        (None, Some(vals)) => {
            let shown: Vec<String> = vals.iter().map(|x| show(x)).collect();
            emit(
                c,
                dir.pick(&v::REQUEST_ENUM_ADDED, &v::RESPONSE_ENUM_ADDED),
                format!("{label} is now restricted to [{}]", shown.join(", ")),
                loc_pair(c, b, r, "enum"),
                None,
                Some(shown.join(",")),
            );
        }
        (Some(_), None) => emit(
            c,
            dir.pick(&v::REQUEST_ENUM_REMOVED, &v::RESPONSE_ENUM_REMOVED),
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
                    dir.pick(&v::REQUEST_ENUM_VALUE_REMOVED, &v::RESPONSE_ENUM_VALUE_REMOVED),
                    format!("{label}: enum value `{}` was removed", show(x)),
                    loc_pair(c, b, r, "enum"),
                    Some(show(x)),
                    None,
                );
            }
            for x in rv.iter().filter(|x| !bset.contains(&x.to_string())) {
                emit(
                    c,
                    dir.pick(&v::REQUEST_ENUM_VALUE_ADDED, &v::RESPONSE_ENUM_VALUE_ADDED),
                    format!("{label}: enum value `{}` was added", show(x)),
                    loc_pair(c, b, r, "enum"),
                    None,
                    Some(show(x)),
                );
            }
        }
    }
}

/// One bound: its value and whether it is exclusive. `upper` bounds tighten downwards.
fn bound(view: &View<'_>, kw: &str, excl_kw: &str) -> Option<(f64, bool)> {
    // 3.1: exclusiveMaximum is a number; 3.0: a flag on maximum.
    let plain = view.num(kw);
    match view.find(excl_kw) {
        Some(Value::Number(n)) => {
            let e = n.as_f64()?;
            match plain {
                Some(p) if p < e && kw == "maximum" => Some((p, false)),
                Some(p) if p > e && kw == "minimum" => Some((p, false)),
                _ => Some((e, true)),
            }
        }
        Some(Value::Bool(true)) => plain.map(|p| (p, true)),
        _ => plain.map(|p| (p, false)),
    }
}

fn compare_bounds(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    type Fam = (&'static Rule, &'static Rule, &'static Rule, &'static Rule);
    let range: Fam = (&k::REQUEST_RANGE_TIGHTENED, &k::RESPONSE_RANGE_TIGHTENED, &k::REQUEST_RANGE_LOOSENED, &k::RESPONSE_RANGE_LOOSENED);
    let length: Fam =
        (&k::REQUEST_LENGTH_TIGHTENED, &k::RESPONSE_LENGTH_TIGHTENED, &k::REQUEST_LENGTH_LOOSENED, &k::RESPONSE_LENGTH_LOOSENED);
    let array: Fam = (&k::REQUEST_ARRAY_TIGHTENED, &k::RESPONSE_ARRAY_TIGHTENED, &k::REQUEST_ARRAY_LOOSENED, &k::RESPONSE_ARRAY_LOOSENED);
    let object: Fam =
        (&k::REQUEST_OBJECT_TIGHTENED, &k::RESPONSE_OBJECT_TIGHTENED, &k::REQUEST_OBJECT_LOOSENED, &k::RESPONSE_OBJECT_LOOSENED);
    // (keyword, exclusive keyword, is upper bound, family)
    let checks: [(&str, &str, bool, Fam); 8] = [
        ("maximum", "exclusiveMaximum", true, range),
        ("minimum", "exclusiveMinimum", false, range),
        ("maxLength", "", true, length),
        ("minLength", "", false, length),
        ("maxItems", "", true, array),
        ("minItems", "", false, array),
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
        let rule = match (tighter, dir) {
            (true, Dir::Request) => fam.0,
            (true, Dir::Response) => fam.1,
            (false, Dir::Request) => fam.2,
            (false, Dir::Response) => fam.3,
        };
        let how = if tighter { "tightened" } else { "loosened" };
        let kwl = if b.keyword_at.contains_key(kw) || r.keyword_at.contains_key(kw) { kw } else { excl };
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

fn compare_object(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    if !(b.is_object() || r.is_object()) {
        return;
    }
    let (bdocs, rdocs) = (c.bdocs, c.rdocs);
    // What clients see on this side: readOnly properties are not sent, writeOnly ones not received.
    let hidden_flag = match dir {
        Dir::Request => "readOnly",
        Dir::Response => "writeOnly",
    };
    let visible = |docs: &DocSet, view: &View<'_>| -> Vec<String> {
        view.props.iter().filter(|(_, id)| !read_flag(docs, id, hidden_flag)).map(|(n, _)| n.to_string()).collect()
    };
    let bvis = visible(bdocs, b);
    let rvis = visible(rdocs, r);
    let mut removed: Vec<String> = Vec::new();
    let mut added: Vec<String> = rvis.iter().filter(|n| !bvis.contains(n)).cloned().collect();
    for name in &bvis {
        let bid = &b.props[name.as_str()];
        let breq = b.required.contains(name.as_str());
        let plabel =
            if label.starts_with('`') { format!("{}.{name}`", label.trim_end_matches('`')) } else { format!("{label} property `{name}`") };
        match r.props.get(name.as_str()) {
            Some(rid) if rvis.contains(name) => {
                let rreq = r.required.contains(name.as_str());
                let locs = (Some(c.bloc(bid)), Some(c.rloc(rid)));
                if breq != rreq {
                    let rule = match (rreq, dir) {
                        (true, Dir::Request) => &p::REQUEST_PROPERTY_BECAME_REQUIRED,
                        (true, Dir::Response) => &p::RESPONSE_PROPERTY_BECAME_REQUIRED,
                        (false, Dir::Request) => &p::REQUEST_PROPERTY_BECAME_OPTIONAL,
                        (false, Dir::Response) => &p::RESPONSE_PROPERTY_BECAME_OPTIONAL,
                    };
                    let how = if rreq { "required" } else { "optional" };
                    emit(c, rule, format!("{plabel} became {how}"), locs.clone(), Some(breq.to_string()), Some(rreq.to_string()));
                }
                if !read_flag(bdocs, bid, "deprecated") && read_flag(rdocs, rid, "deprecated") {
                    emit(c, &p::PROPERTY_DEPRECATED, format!("{plabel} was deprecated"), locs, None, None);
                }
                compare(c, bid, rid, dir, &plabel);
            }
            Some(rid) => {
                let (rule, what) = match dir {
                    Dir::Request => (&p::REQUEST_PROPERTY_BECAME_READ_ONLY, "became read-only and can no longer be sent"),
                    Dir::Response => (&p::RESPONSE_PROPERTY_BECAME_WRITE_ONLY, "became write-only and is no longer returned"),
                };
                emit(c, rule, format!("{plabel} {what}"), (Some(c.bloc(bid)), Some(c.rloc(rid))), None, None);
            }
            None => removed.push(name.clone()),
        }
    }
    // Renames: a removed and an added property, both required, with the same shape. Optional
    // properties are too alike (two plain strings) to pair on shape alone.
    let mut renamed = Vec::new();
    removed.retain(|bn| {
        if !b.required.contains(bn.as_str()) {
            return true;
        }
        let h = shape_hash(bdocs, &b.props[bn.as_str()]);
        match added.iter().position(|rn| shape_hash(rdocs, &r.props[rn.as_str()]) == h && r.required.contains(rn.as_str())) {
            Some(i) => {
                renamed.push((bn.clone(), added.remove(i)));
                false
            }
            None => true,
        }
    });
    let prop_label =
        |n: &str| if label.starts_with('`') { format!("{}.{n}`", label.trim_end_matches('`')) } else { format!("{label} property `{n}`") };
    for (bn, rn) in renamed {
        let locs = (Some(c.bloc(&b.props[bn.as_str()])), Some(c.rloc(&r.props[rn.as_str()])));
        emit(
            c,
            dir.pick(&p::REQUEST_PROPERTY_RENAMED, &p::RESPONSE_PROPERTY_RENAMED),
            format!("{} was renamed to `{rn}`", prop_label(&bn)),
            locs,
            Some(bn.clone()),
            Some(rn.clone()),
        );
    }
    for bn in removed {
        let required = b.required.contains(bn.as_str());
        let rule = match dir {
            Dir::Request => &p::REQUEST_PROPERTY_REMOVED,
            Dir::Response if required => &p::RESPONSE_REQUIRED_PROPERTY_REMOVED,
            Dir::Response => &p::RESPONSE_OPTIONAL_PROPERTY_REMOVED,
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
            Dir::Request if required => &p::REQUEST_PROPERTY_ADDED_REQUIRED,
            Dir::Request => &p::REQUEST_PROPERTY_ADDED_OPTIONAL,
            Dir::Response => &p::RESPONSE_PROPERTY_ADDED,
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
    match (&b.additional, &r.additional, dir) {
        (Addl::Open | Addl::Schema(_), Addl::Closed, Dir::Request) => emit(
            c,
            &p::REQUEST_ADDITIONAL_PROPERTIES_RESTRICTED,
            format!("{label} no longer accepts additional properties"),
            (Some(c.bloc(&b.id)), Some(c.rloc(&r.id))),
            None,
            None,
        ),
        (Addl::Closed, Addl::Open | Addl::Schema(_), Dir::Response) => emit(
            c,
            &p::RESPONSE_ADDITIONAL_PROPERTIES_ALLOWED,
            format!("{label} may now contain additional properties"),
            (Some(c.bloc(&b.id)), Some(c.rloc(&r.id))),
            None,
            None,
        ),
        (Addl::Schema(bs), Addl::Schema(rs), _) => {
            let (bs, rs) = (bs.clone(), rs.clone());
            compare(c, &bs, &rs, dir, &format!("{label} additional properties"));
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
fn union_transition(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) -> bool {
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
        schema_name(&rid).map_or_else(|| format!("#{}", id.ptr.rsplit('/').next().unwrap_or("")), str::to_string)
    };
    for v in variants.iter().enumerate().filter(|(i, _)| *i != m).map(|(_, v)| v) {
        if grew {
            emit(
                c,
                dir.pick(&p::REQUEST_VARIANT_ADDED, &p::RESPONSE_VARIANT_ADDED),
                format!("{label} became a union: variant {} was added", name(v)),
                (Some(c.bloc(&b.id)), Some(c.rloc(v))),
                None,
                Some(name(v)),
            );
        } else {
            emit(
                c,
                dir.pick(&p::REQUEST_VARIANT_REMOVED, &p::RESPONSE_VARIANT_REMOVED),
                format!("{label} is no longer a union: variant {} was removed", name(v)),
                (Some(c.bloc(v)), Some(c.rloc(&r.id))),
                Some(name(v)),
                None,
            );
        }
    }
    let counterpart = variants[m].clone();
    if grew {
        compare(c, &b.id, &counterpart, dir, label);
    } else {
        compare(c, &counterpart, &r.id, dir, label);
    }
    true
}

/// Matches `oneOf`/`anyOf` branches: same `$ref` target, then same shape, then by position
/// when both sides have the same number left.
fn compare_variants(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str, kw: &str) {
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
            dir.pick(&p::REQUEST_VARIANT_REMOVED, &p::RESPONSE_VARIANT_REMOVED),
            format!("{label}: {kw} variant {} was removed", name(bdocs, bid)),
            (Some(c.bloc(bid)), Some(c.rloc(&r.id))),
            Some(name(bdocs, bid)),
            None,
        );
    }
    for rid in rleft {
        emit(
            c,
            dir.pick(&p::REQUEST_VARIANT_ADDED, &p::RESPONSE_VARIANT_ADDED),
            format!("{label}: {kw} variant {} was added", name(rdocs, rid)),
            (Some(c.bloc(&b.id)), Some(c.rloc(rid))),
            None,
            Some(name(rdocs, rid)),
        );
    }
    for (bid, rid) in pairs {
        compare(c, &bid, &rid, dir, label);
    }
}

fn compare_discriminator(c: &mut Cmp<'_>, b: &View<'_>, r: &View<'_>, dir: Dir, label: &str) {
    let (Some((bp, bm)), Some((rp, rm))) = (&b.discriminator, &r.discriminator) else { return };
    let rule = dir.pick(&p::REQUEST_DISCRIMINATOR_CHANGED, &p::RESPONSE_DISCRIMINATOR_CHANGED);
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
    for (k, target) in bm {
        match rm.get(k) {
            None => {
                let l = locs();
                emit(c, rule, format!("{label}: discriminator value `{k}` was removed"), l, Some(format!("{k}={target}")), None);
            }
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
