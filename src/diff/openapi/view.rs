//! A schema as the comparison sees it ([`View`]: `$ref`s followed, `allOf` merged), the shape
//! hash renames are judged by, and the helpers every schema rule family emits through.

use super::cx::Cx;
use crate::diff::{Change, Location, Rule};
use crate::spec::refs::{DocSet, NodeId, entry};
use indexmap::IndexMap;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A schema with `$ref`s followed and `allOf` merged.
/// Deepest `allOf` nesting merged into one view; deeper branches make the view [`View::cut`].
pub(crate) const MAX_ALLOF_DEPTH: usize = 64;

pub(crate) struct View<'a> {
    /// `allOf` branches nested deeper than [`MAX_ALLOF_DEPTH`] were not merged in.
    pub(crate) cut: bool,
    pub(crate) docs: &'a DocSet,
    pub(crate) id: NodeId,
    pub(crate) v: &'a Value,
    pub(crate) types: Option<BTreeSet<String>>,
    pub(crate) nullable: bool,
    /// Some object of the view constrains the type or values without allowing null.
    pub(crate) null_barred: bool,
    pub(crate) format: Option<&'a str>,
    pub(crate) enum_: Option<Vec<&'a Value>>,
    pub(crate) default: Option<&'a Value>,
    pub(crate) pattern: Option<&'a str>,
    pub(crate) props: IndexMap<&'a str, NodeId>,
    /// Each `props` entry's schema as written (maybe a `$ref`), by the entry's index.
    prop_vals: Vec<&'a Value>,
    /// Later `allOf` branches that constrain a property already seen: all of them apply.
    pub(crate) more_props: Vec<(&'a str, NodeId)>,
    /// Numeric bounds, the tightest across `allOf` branches.
    pub(crate) nums: BTreeMap<&'static str, f64>,
    pub(crate) required: BTreeSet<&'a str>,
    pub(crate) additional: Addl,
    pub(crate) items: Option<NodeId>,
    pub(crate) one_of: Vec<NodeId>,
    pub(crate) any_of: Vec<NodeId>,
    pub(crate) discriminator: Option<(&'a str, BTreeMap<&'a str, &'a str>)>,
    /// Node holding each keyword, for locations (`allOf` branches hold some).
    pub(crate) keyword_at: BTreeMap<&'static str, NodeId>,
    /// JSON Schema 2020-12 sub-schema positions (`if`, `prefixItems[0]`, `patternProperties[^x-]`,
    /// ...), by the name that labels them; the first `allOf` branch holding one wins.
    pub(crate) subs: IndexMap<String, NodeId>,
    /// Keywords set to `false` that close what they govern (`unevaluatedProperties`,
    /// `unevaluatedItems`, `items` after `prefixItems`), with where.
    pub(crate) closed: BTreeMap<&'static str, NodeId>,
    /// `dependentRequired`: a property and the properties its presence requires.
    pub(crate) dep_required: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// `x-extensible-enum` (oasdiff's open enum: the values known today, more may come).
    pub(crate) ext_enum: Option<Vec<&'a Value>>,
    /// `enum_` holds a `const` (one value the schema is pinned to), not an `enum` list.
    pub(crate) is_const: bool,
}

#[derive(Clone, PartialEq)]
pub(crate) enum Addl {
    Open,
    Closed,
    Schema(NodeId),
}

/// Keywords whose value is one sub-schema.
const SINGLE_SUBS: [&str; 9] =
    ["if", "then", "else", "contains", "not", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"];

/// Keywords `absorb_applicators` reads: a schema with none of them skips it.
const APPLICATOR_KEYS: [&str; 14] = [
    "if",
    "then",
    "else",
    "contains",
    "not",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "prefixItems",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "x-extensible-enum",
];

/// Keywords whose `false` closes what they govern.
const CLOSABLE: [&str; 2] = ["unevaluatedItems", "unevaluatedProperties"];

/// Numeric keywords and whether they bound from above.
const NUMERIC: [(&str, bool); 12] = [
    ("maxContains", true),
    ("minContains", false),
    ("maximum", true),
    ("exclusiveMaximum", true),
    ("maxLength", true),
    ("maxItems", true),
    ("maxProperties", true),
    ("minimum", false),
    ("exclusiveMinimum", false),
    ("minLength", false),
    ("minItems", false),
    ("minProperties", false),
];

const KEYWORDS: [&str; 24] = [
    "x-extensible-enum",
    "required",
    "minContains",
    "maxContains",
    "contentMediaType",
    "contentEncoding",
    "dependentRequired",
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
    pub(crate) fn build(docs: &'a DocSet, id: &NodeId) -> Option<View<'a>> {
        let (rid, val) = docs.resolve(id)?;
        let mut view = View {
            docs,
            id: rid.clone(),
            v: val,
            types: None,
            nullable: false,
            null_barred: false,
            format: None,
            enum_: None,
            default: None,
            pattern: None,
            props: IndexMap::new(),
            prop_vals: Vec::new(),
            more_props: Vec::new(),
            nums: BTreeMap::new(),
            required: BTreeSet::new(),
            additional: Addl::Open,
            items: None,
            one_of: Vec::new(),
            any_of: Vec::new(),
            discriminator: None,
            keyword_at: BTreeMap::new(),
            subs: IndexMap::new(),
            closed: BTreeMap::new(),
            dep_required: BTreeMap::new(),
            ext_enum: None,
            cut: false,
            is_const: false,
        };
        let mut seen = HashSet::new();
        view.absorb(docs, &rid, val, &mut seen, 0);
        if view.null_barred {
            view.nullable = false;
        }
        Some(view)
    }

    /// Merges one schema object (and its `allOf` branches) into the view; earlier wins.
    pub(crate) fn absorb(&mut self, docs: &'a DocSet, id: &NodeId, val: &'a Value, seen: &mut HashSet<NodeId>, depth: usize) {
        if depth > MAX_ALLOF_DEPTH {
            self.cut = true;
            return;
        }
        if !seen.insert(id.clone()) {
            return;
        }
        let Value::Object(o) = val else { return };
        let applicators = self.absorb_keywords(id, o);
        self.absorb_scalars(o);
        if let Some(Value::Object(props)) = entry(o, "properties") {
            self.absorb_props(id, props);
        }
        if let Some(Value::Array(req)) = entry(o, "required") {
            self.required.extend(req.iter().filter_map(Value::as_str));
        }
        match entry(o, "additionalProperties") {
            Some(Value::Bool(false)) => self.additional = Addl::Closed,
            Some(Value::Object(_)) if self.additional == Addl::Open => self.additional = Addl::Schema(id.child("additionalProperties")),
            _ => {}
        }
        if self.items.is_none() {
            match entry(o, "items") {
                Some(Value::Object(_)) => self.items = Some(id.child("items")),
                Some(Value::Array(a)) if !a.is_empty() => self.items = Some(id.child("items").item(0)),
                _ => {}
            }
        }
        if applicators {
            self.absorb_applicators(id, o);
        }
        self.absorb_branches(docs, id, o, seen, depth);
        if let Some(Value::Array(all)) = entry(o, "allOf") {
            // `nullable: true` beside `allOf: [$ref]` is OpenAPI 3.0's idiom for a nullable
            // reference: there the branches' types do not bar null.
            let idiom = [entry(o, "nullable"), entry(o, "x-nullable")].into_iter().flatten().any(|n| n == &Value::Bool(true));
            let barred = self.null_barred;
            for i in 0..all.len() {
                let bid = id.child("allOf").item(i);
                if let Some((rid, rv)) = docs.resolve(&bid) {
                    self.absorb(docs, &rid, rv, seen, depth + 1);
                }
            }
            if idiom {
                self.null_barred = barred;
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

    /// The scalar keywords of one schema object: type, nullability, format, enum or const,
    /// default and pattern (earlier wins).
    fn absorb_scalars(&mut self, o: &'a serde_json::Map<String, Value>) {
        // An object that constrains the type (or the values) without allowing null bars null
        // for the whole view: `allOf` branches must all accept a value.
        let flag = |k: &str| entry(o, k).and_then(Value::as_bool) == Some(true);
        let null_here = flag("nullable")
            || flag("x-nullable")
            || entry(o, "type").is_some_and(|t| t == "null" || t.as_array().is_some_and(|a| a.iter().any(|x| x == "null")))
            || entry(o, "enum").and_then(Value::as_array).is_some_and(|e| e.iter().any(Value::is_null))
            || entry(o, "const").is_some_and(Value::is_null);
        if !null_here && (entry(o, "type").is_some() || entry(o, "enum").is_some() || entry(o, "const").is_some()) {
            self.null_barred = true;
        }
        match entry(o, "type") {
            Some(Value::String(s)) => self.merge_types([s.clone()].into()),
            Some(Value::Array(list)) => self.merge_types(list.iter().filter_map(Value::as_str).map(str::to_string).collect()),
            _ => {}
        }
        if entry(o, "nullable").and_then(Value::as_bool) == Some(true) || entry(o, "x-nullable").and_then(Value::as_bool) == Some(true) {
            self.nullable = true;
        }
        if self.format.is_none() {
            self.format = entry(o, "format").and_then(Value::as_str);
        }
        if self.enum_.is_none() {
            if let Some(Value::Array(e)) = entry(o, "enum") {
                self.enum_ = Some(e.iter().filter(|x| !x.is_null()).collect());
                if e.iter().any(Value::is_null) {
                    self.nullable = true;
                }
            } else if let Some(c) = entry(o, "const") {
                self.enum_ = Some(vec![c]);
                self.is_const = true;
            }
        }
        if self.default.is_none() {
            self.default = entry(o, "default");
        }
        if self.pattern.is_none() {
            self.pattern = entry(o, "pattern").and_then(Value::as_str);
        }
    }

    /// `oneOf`/`anyOf` branches (a lone non-null branch beside a null one is read as the nullable
    /// schema itself) and the discriminator.
    fn absorb_branches(
        &mut self,
        docs: &'a DocSet,
        id: &NodeId,
        o: &'a serde_json::Map<String, Value>,
        seen: &mut HashSet<NodeId>,
        depth: usize,
    ) {
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
        // The lone branch's own type does not bar null: the null branch beside it allows it.
        let barred = self.null_barred;
        for bid in lone_branches {
            if let Some((rid, rv)) = docs.resolve(&bid) {
                self.absorb(docs, &rid, rv, seen, depth + 1);
            }
        }
        self.null_barred = barred;
        if self.discriminator.is_none()
            && let Some(d) = entry(o, "discriminator")
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
    }

    /// Adds the `properties` of one schema object; a name seen before goes to `more_props`.
    fn absorb_props(&mut self, id: &NodeId, props: &'a serde_json::Map<String, Value>) {
        let under = id.child("properties");
        for (name, schema) in props {
            let at = under.child(name);
            match self.props.entry(name.as_str()) {
                indexmap::map::Entry::Occupied(_) => self.more_props.push((name.as_str(), at)),
                indexmap::map::Entry::Vacant(e) => {
                    e.insert(at);
                    self.prop_vals.push(schema);
                }
            }
        }
    }

    /// Notes where each located keyword is and the tightest numeric bounds, in one pass over the
    /// keys (schemas are small, the keyword lists long: no look-ups for keywords a schema does not
    /// have). Says whether the schema has any keyword `absorb_applicators` reads (a 3.0 spec never does).
    fn absorb_keywords(&mut self, id: &NodeId, o: &'a serde_json::Map<String, Value>) -> bool {
        let mut applicators = false;
        for (k, v) in o {
            applicators |= APPLICATOR_KEYS.contains(&k.as_str());
            let Some(kw) = KEYWORDS.iter().copied().find(|kw| *kw == k.as_str()) else { continue };
            self.keyword_at.entry(kw).or_insert_with(|| id.child(kw));
            // allOf means every branch applies: the effective bound is the tightest one.
            let Some(&(_, upper)) = NUMERIC.iter().find(|(n, _)| *n == kw) else { continue };
            let Some(n) = v.as_f64() else { continue };
            if self.nums.get(kw).is_none_or(|&cur| if upper { n < cur } else { n > cur }) {
                self.nums.insert(kw, n);
                self.keyword_at.insert(kw, id.child(kw));
            }
        }
        applicators
    }

    /// The 2020-12 applicators: sub-schema positions, closing `false`s and `dependentRequired`.
    fn absorb_applicators(&mut self, id: &NodeId, o: &'a serde_json::Map<String, Value>) {
        for kw in SINGLE_SUBS {
            match o.get(kw) {
                Some(Value::Object(_)) => {
                    self.subs.entry(kw.to_string()).or_insert_with(|| id.child(kw));
                }
                Some(Value::Bool(false)) if CLOSABLE.contains(&kw) => {
                    self.closed.entry(kw).or_insert_with(|| id.child(kw));
                }
                _ => {}
            }
        }
        if let Some(Value::Array(a)) = entry(o, "prefixItems") {
            for i in 0..a.len() {
                self.subs.entry(format!("prefixItems[{i}]")).or_insert_with(|| id.child("prefixItems").item(i));
            }
            if entry(o, "items") == Some(&Value::Bool(false)) {
                self.closed.entry("items").or_insert_with(|| id.child("items"));
            }
        }
        for kw in ["patternProperties", "dependentSchemas"] {
            if let Some(Value::Object(m)) = o.get(kw) {
                for k in m.keys() {
                    self.subs.entry(format!("{kw}[{k}]")).or_insert_with(|| id.child(kw).child(k));
                }
            }
        }
        if self.ext_enum.is_none()
            && let Some(Value::Array(e)) = entry(o, "x-extensible-enum")
        {
            self.ext_enum = Some(e.iter().collect());
        }
        if let Some(Value::Object(m)) = entry(o, "dependentRequired") {
            for (k, v) in m {
                let names = v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>()).unwrap_or_default();
                self.dep_required.entry(k.as_str()).or_default().extend(names);
            }
        }
    }

    pub(crate) fn merge_types(&mut self, mut set: BTreeSet<String>) {
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

    pub(crate) fn num(&self, kw: &str) -> Option<f64> {
        // multipleOf is not a bound: the first one found counts. Bounds are all in `nums`.
        match self.nums.get(kw) {
            Some(n) => Some(*n),
            None if NUMERIC.iter().any(|(n, _)| *n == kw) => None,
            None => self.find(kw).and_then(Value::as_f64),
        }
    }

    /// A keyword's value from wherever in the merged `allOf` it came from (the first holder).
    pub(crate) fn find(&self, kw: &str) -> Option<&'a Value> {
        // `absorb` noted where each of these is; most schemas have few of them.
        if KEYWORDS.contains(&kw) && !self.keyword_at.contains_key(kw) {
            return None;
        }
        self.v.get(kw).or_else(|| {
            let at = self.keyword_at.get(kw)?;
            let holder = self.docs.get(&NodeId { doc: at.doc, ptr: at.ptr[..at.ptr.len() - kw.len() - 1].to_string() })?;
            holder.get(kw)
        })
    }

    pub(crate) fn is_object(&self) -> bool {
        self.types.as_ref().is_some_and(|t| t.contains("object")) || !self.props.is_empty()
    }
}

/// Is the schema an array or an object (the values whose serialisation `style` shapes)?
pub(crate) fn is_structured(docs: &DocSet, id: &NodeId) -> bool {
    View::build(docs, id).is_some_and(|v| v.is_object() || v.items.is_some() || v.types.as_ref().is_some_and(|t| t.contains("array")))
}

/// A branch that only admits `null` (`{type: "null"}`, `{enum: [null]}`, `{const: null}`).
pub(crate) fn is_null_schema(docs: &DocSet, id: &NodeId) -> bool {
    let Some((_, Value::Object(o))) = docs.resolve(id) else { return false };
    match entry(o, "type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t.as_str() == Some("null")),
        _ => {
            matches!(entry(o, "enum"), Some(Value::Array(e)) if !e.is_empty() && e.iter().all(Value::is_null))
                || entry(o, "const").is_some_and(Value::is_null)
        }
    }
}

impl<'a> View<'a> {
    /// The schema of property `name` with its `$ref`s followed, without walking a pointer from
    /// the document's root (objects may have 100,000 properties).
    pub(crate) fn prop_schema(&self, i: usize) -> Option<&'a Value> {
        let raw = *self.prop_vals.get(i)?;
        if crate::spec::refs::ref_of(raw, true).is_none() {
            return Some(raw);
        }
        self.docs.resolve(self.props.get_index(i)?.1).map(|(_, v)| v)
    }

    /// The name of property `i`.
    pub(crate) fn prop_name(&self, i: usize) -> &'a str {
        self.props.get_index(i).map_or("", |(n, _)| n)
    }

    /// Property `i`'s schema as written (maybe a `$ref`).
    pub(crate) fn prop_raw(&self, i: usize) -> Option<&'a Value> {
        self.prop_vals.get(i).copied()
    }

    /// Whether property `i`'s schema sets boolean keyword `flag` to true.
    pub(crate) fn prop_flag(&self, i: usize, flag: &str) -> bool {
        self.prop_schema(i).and_then(|v| v.get(flag)).and_then(Value::as_bool).unwrap_or(false)
    }
}

/// Whether two small schemas are equal and self-contained (no `$`-keyword such as `$ref`, whose
/// target may differ, and no discriminator mapping): comparing them can find nothing. Gives up
/// (false) after a few nodes, so asking costs a constant, never a walk of a big subtree.
pub(crate) fn plainly_equal(a: &Value, b: &Value) -> bool {
    fn eq(a: &Value, b: &Value, budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter().all(|(k, v)| !k.starts_with('$') && k != "discriminator" && y.get(k).is_some_and(|w| eq(v, w, budget)))
            }
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| eq(v, w, budget)),
            _ => a == b,
        }
    }
    eq(a, b, &mut 32)
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

pub(crate) fn hash_value(h: &mut Sha256, v: &Value, depth: usize) {
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
pub(crate) fn schema_name(id: &NodeId) -> Option<String> {
    let rest = id.ptr.strip_prefix("/components/schemas/").or_else(|| id.ptr.strip_prefix("/definitions/"))?;
    (!rest.contains('/')).then(|| crate::source::text::unescape_segment(rest))
}

pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn types_label(t: &Option<BTreeSet<String>>) -> String {
    match t {
        None => "any".into(),
        Some(s) => s.iter().cloned().collect::<Vec<_>>().join("|"),
    }
}

/// Does a type set accept type `t` (`number` accepts `integer`)?
pub(crate) fn accepts(set: &BTreeSet<String>, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

pub(crate) fn loc_pair(c: &Cx<'_>, b: &View<'_>, r: &View<'_>, kw: &str) -> (Option<Location>, Option<Location>) {
    let bl = b.keyword_at.get(kw).unwrap_or(&b.id);
    let rl = r.keyword_at.get(kw).unwrap_or(&r.id);
    (Some(c.bloc(bl)), Some(c.rloc(rl)))
}

pub(crate) fn emit(
    c: &mut Cx<'_>,
    rule: &'static Rule,
    msg: String,
    locs: (Option<Location>, Option<Location>),
    before: Option<String>,
    after: Option<String>,
) {
    c.emit(Change::new(rule, msg).locs(locs.0, locs.1).values(before, after));
}
