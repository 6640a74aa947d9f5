//! GraphQL witnesses: an operation (document and variables) that validates against the base
//! schema and not against the revision, checked with apollo-compiler's validator on both sides
//! (each side's API schema: `@inaccessible` elements left out); for an output type that only
//! loosened, a response the revision allows and the base's types forbid. The operation reaches
//! the changed element by the shortest path of fields from a root of the base.

mod paths;
mod values;

use crate::diff::{Change, Proof, Witness, WitnessKind, witness::Verdict};
use crate::spec::graphql::{RootOp, Schema, TypeKind};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema as Compiled};
use paths::{Paths, Step};
use serde_json::{Map, Value, json};
use std::cell::OnceCell;
use values::literal;

/// The two schemas, compiled for validation the first time a witness needs them.
pub(crate) struct Pair<'a> {
    base: &'a Schema,
    rev: &'a Schema,
    compiled: OnceCell<(Valid<Compiled>, Valid<Compiled>)>,
    paths: OnceCell<Paths<'a>>,
}

/// An operation under construction: its kind, variables and selection set.
struct Op {
    root: RootOp,
    vars: Vec<(String, String, Value)>,
    directives: String,
    body: String,
    fragments: String,
}

impl Op {
    fn text(&self) -> String {
        let vars = if self.vars.is_empty() {
            String::new()
        } else {
            format!("({})", self.vars.iter().map(|(n, t, _)| format!("${n}: {t}")).collect::<Vec<_>>().join(", "))
        };
        format!("{} Witness{vars}{} {{ {} }}{}", self.root.as_str(), self.directives, self.body, self.fragments)
    }

    fn variables(&self) -> Value {
        Value::Object(self.vars.iter().map(|(n, _, v)| (n.clone(), v.clone())).collect::<Map<_, _>>())
    }
}

/// A schema's API schema: what clients see, without the elements marked `@inaccessible`.
fn api_schema(s: &Schema) -> Valid<Compiled> {
    use apollo_compiler::schema::ExtendedType;
    let mut c = Compiled::parse(s.text.as_str(), &s.file).unwrap_or_else(|e| e.partial);
    c.types.retain(|_, t| !t.directives().has("inaccessible"));
    for t in c.types.values_mut() {
        match t {
            ExtendedType::Object(o) => o.make_mut().fields.retain(|_, f| !f.directives.has("inaccessible")),
            ExtendedType::Interface(i) => i.make_mut().fields.retain(|_, f| !f.directives.has("inaccessible")),
            _ => {}
        }
    }
    Valid::assume_valid(c)
}

/// Validates `op` against a compiled schema: `None` when valid, else the first error.
fn validate(schema: &Valid<Compiled>, op: &str) -> Option<String> {
    match ExecutableDocument::parse_and_validate(schema, op, "witness.graphql") {
        Ok(_) => None,
        Err(e) => Some(e.errors.iter().next().map_or_else(|| "invalid".to_string(), |d| d.error.to_string())),
    }
}

impl<'a> Pair<'a> {
    pub(crate) fn new(base: &'a Schema, rev: &'a Schema) -> Self {
        Pair { base, rev, compiled: OnceCell::new(), paths: OnceCell::new() }
    }

    fn compiled(&self) -> &(Valid<Compiled>, Valid<Compiled>) {
        self.compiled.get_or_init(|| (api_schema(self.base), api_schema(self.rev)))
    }

    fn paths(&self) -> &Paths<'a> {
        self.paths.get_or_init(|| Paths::new(self.base))
    }

    /// Builds the witness `proof` calls for.
    pub(crate) fn build(&self, c: &Change, proof: Proof) -> Witness {
        let Some(at) = c.base.as_ref().or(c.revision.as_ref()).map(|l| l.pointer.clone()) else {
            return Witness::none("the change is not located");
        };
        let built = match proof {
            Proof::Selection => self.selection(&at),
            Proof::Input => self.input(&at),
            Proof::DirectiveUse => self.directive(&at),
            _ => Err("this rule has no GraphQL witness builder".to_string()),
        };
        match built {
            Ok(Found::Operation(op)) => self.operation_witness(&at, &op),
            Ok(Found::Response(op, response)) => self.response_witness(&at, &op, response),
            Err(reason) => Witness::none(reason),
        }
    }

    /// Checks an operation on both sides: valid against the base, invalid against the revision.
    fn operation_witness(&self, at: &str, op: &Op) -> Witness {
        let text = op.text();
        let (b, r) = self.compiled();
        if let Some(e) = validate(b, &text) {
            return Witness::none(format!("the operation built for `{at}` does not validate against the base either: {e}"));
        }
        let Some(why) = validate(r, &text) else {
            return Witness::none(format!("the operation built for `{at}` still validates against the revision"));
        };
        Witness {
            kind: WitnessKind::Operation,
            summary: format!("`{}` validated against the old schema and is now rejected: {why}", short(&text)),
            reason: None,
            instance: Some(json!({"query": text, "variables": op.variables()})),
            http: None,
            base: Some(Verdict { file: self.base.file.clone(), pointer: at.to_string(), accepts: true, error: None }),
            revision: Some(Verdict { file: self.rev.file.clone(), pointer: at.to_string(), accepts: false, error: Some(why) }),
        }
    }

    /// A response to an operation valid on both sides that the revision allows and the base
    /// forbids.
    fn response_witness(&self, at: &str, op: &Op, response: Value) -> Witness {
        let text = op.text();
        let (b, r) = self.compiled();
        if let Some(e) = validate(b, &text).or_else(|| validate(r, &text)) {
            return Witness::none(format!("the operation built for `{at}` does not validate against both schemas: {e}"));
        }
        let why = format!("the old schema's types forbid {} at `{at}`", response_leaf(&response));
        Witness {
            kind: WitnessKind::Response,
            summary: format!("`{}` may now be answered with {}, which {why}", short(&text), crate::witness::validate::short(&response)),
            reason: None,
            instance: Some(json!({"query": text, "variables": op.variables(), "response": response})),
            http: None,
            base: Some(Verdict { file: self.base.file.clone(), pointer: at.to_string(), accepts: false, error: Some(why) }),
            revision: Some(Verdict { file: self.rev.file.clone(), pointer: at.to_string(), accepts: true, error: None }),
        }
    }

    /// An operation selecting what the base has at `at`.
    fn selection(&self, at: &str) -> Result<Found, String> {
        match Target::parse(at) {
            Target::Root(op) => self.root(op),
            Target::Member(t, f) | Target::Federation(t, Some(f)) => self.member(t, f),
            Target::Type(t) | Target::Federation(t, None) => self.whole_type(t),
            Target::Implements(a, i) => self.fragment_at(i, a).or_else(|_| self.fragment_at(a, i)).map(Found::Operation),
            _ => Err(format!("`{at}` names no selectable element")),
        }
    }

    fn root(&self, op: &str) -> Result<Found, String> {
        let root = RootOp::ALL.into_iter().find(|r| r.as_str() == op).ok_or("unknown root")?;
        let name = self.base.root(root).ok_or("the base has no such root")?;
        if root == RootOp::Subscription {
            let field = self.base.types.get(name).and_then(|t| t.fields.values().next()).ok_or("the subscription root has no field")?;
            let sub = self.sub_selection(&field.ty.name);
            let args = self.required_args(field.args.values(), None);
            return Ok(Found::Operation(Op::plain(root, format!("... on {name} {{ {}{args}{sub} }}", field.name))));
        }
        Ok(Found::Operation(Op::plain(root, format!("... on {name} {{ __typename }}"))))
    }

    fn member(&self, t: &str, f: &str) -> Result<Found, String> {
        let ty = self.base.types.get(t).ok_or_else(|| format!("`{t}` is not in the base"))?;
        match ty.kind {
            TypeKind::Object | TypeKind::Interface => {}
            TypeKind::Union => return self.fragment_at(t, f).map(Found::Operation),
            _ => return Err(format!("`{t}` is not an output type with fields")),
        }
        let field = ty.fields.get(f).ok_or_else(|| format!("`{t}.{f}` is not in the base"))?;
        let args = self.required_args(field.args.values(), None);
        let inner = format!("{f}{args}{}", self.sub_selection(&field.ty.name));
        let op = self.reach(t, &inner)?;
        let (_, r) = self.compiled();
        if validate(r, &op.text()).is_some() {
            return Ok(Found::Operation(op));
        }
        // Still selectable: a fragment on the old named type, or a response the revision allows.
        let composite = |s: &Schema| s.types.get(&field.ty.name).is_some_and(|t| t.kind.is_composite());
        if composite(self.base) {
            let fragment = format!("{f}{args} {{ ... on {} {{ __typename }} }}", field.ty.name);
            let op = self.reach(t, &fragment)?;
            if validate(r, &op.text()).is_some() {
                return Ok(Found::Operation(op));
            }
        }
        let rty = self.rev.types.get(t).and_then(|x| x.fields.get(f)).map(|x| &x.ty).ok_or("the field is not in the revision")?;
        let value = values::loosened(self.base, self.rev, &field.ty, rty)
            .ok_or("no response value the revision allows is forbidden by the base")?;
        let response = self.response(t, f, value)?;
        Ok(Found::Response(op, response))
    }

    fn whole_type(&self, t: &str) -> Result<Found, String> {
        let ty = self.base.types.get(t).ok_or_else(|| format!("`{t}` is not in the base"))?;
        if ty.kind.is_composite() {
            return self.reach(t, &format!("... on {t} {{ __typename }}")).map(Found::Operation);
        }
        // An input, enum or scalar type: a variable of that type where the base takes one.
        self.variable_of(t)
    }

    /// `... on inner { __typename }` at a position whose type is `outer`.
    fn fragment_at(&self, outer: &str, inner: &str) -> Result<Op, String> {
        self.reach(outer, &format!("... on {inner} {{ __typename }}"))
    }

    /// An operation whose innermost selection set, on type `t`, is `inner`.
    fn reach(&self, t: &str, inner: &str) -> Result<Op, String> {
        let (root, steps) = self.paths().to(t).ok_or_else(|| format!("no path of fields from a root of the base reaches `{t}`"))?;
        let mut body = inner.to_string();
        for step in steps.iter().rev() {
            body = match step {
                Step::Field(name) => {
                    let (parent, field) = name;
                    let f = &self.base.types[*parent].fields[*field];
                    format!("{field}{} {{ {body} }}", self.required_args(f.args.values(), None))
                }
                Step::Fragment(ty) => format!("... on {ty} {{ {body} }}"),
            };
        }
        Ok(Op::plain(root, body))
    }

    /// `(a: 0, b: "")` for the required arguments, except `skip`.
    fn required_args<'v>(&self, args: impl Iterator<Item = &'v crate::spec::graphql::InputValue>, skip: Option<&str>) -> String {
        let parts: Vec<String> = args
            .filter(|a| a.is_required() && Some(a.name.as_str()) != skip)
            .map(|a| format!("{}: {}", a.name, literal(self.base, &a.ty, 0)))
            .collect();
        if parts.is_empty() { String::new() } else { format!("({})", parts.join(", ")) }
    }

    fn sub_selection(&self, named: &str) -> &'static str {
        if self.base.types.get(named).is_some_and(|t| t.kind.is_composite()) { " { __typename }" } else { "" }
    }

    /// The response to `reach(t, f)` with `value` at the field.
    fn response(&self, t: &str, f: &str, value: Value) -> Result<Value, String> {
        let (_, steps) = self.paths().to(t).ok_or("unreachable")?;
        let mut cur = json!({ f: value });
        for step in steps.iter().rev() {
            cur = match step {
                Step::Field((parent, field)) => {
                    let ty = &self.base.types[*parent].fields[*field].ty;
                    json!({ *field: values::wrap_lists(ty, cur) })
                }
                Step::Fragment(ty) => {
                    let mut o = cur.as_object().cloned().unwrap_or_default();
                    o.insert("__typename".into(), Value::String((*ty).to_string()));
                    Value::Object(o)
                }
            };
        }
        Ok(json!({ "data": cur }))
    }
}

/// What a builder found.
enum Found {
    Operation(Op),
    Response(Op, Value),
}

impl Op {
    fn plain(root: RootOp, body: String) -> Op {
        Op { root, vars: Vec::new(), directives: String::new(), body, fragments: String::new() }
    }
}

/// The element a change's pointer names.
enum Target<'p> {
    Type(&'p str),
    Member(&'p str, &'p str),
    Arg(&'p str, &'p str, &'p str),
    Directive(&'p str),
    DirectiveArg(&'p str, &'p str),
    DirectiveLocation(&'p str, &'p str),
    Implements(&'p str, &'p str),
    Root(&'p str),
    Federation(&'p str, Option<&'p str>),
}

impl<'p> Target<'p> {
    fn parse(p: &'p str) -> Target<'p> {
        if let Some(op) = p.strip_prefix("schema.") {
            return Target::Root(op);
        }
        if let Some(d) = p.strip_prefix('@') {
            if let Some((d, loc)) = d.split_once(" on ") {
                return Target::DirectiveLocation(d, loc);
            }
            if let Some((d, a)) = d.split_once('(') {
                return Target::DirectiveArg(d, a.trim_end_matches(')').trim_end_matches(':'));
            }
            return Target::Directive(d);
        }
        if let Some((a, i)) = p.split_once(" implements ") {
            return Target::Implements(a, i);
        }
        if let Some((el, _)) = p.split_once('@') {
            return match el.split_once('.') {
                Some((t, f)) => Target::Federation(t, Some(f)),
                None => Target::Federation(el, None),
            };
        }
        if let Some((tf, a)) = p.split_once('(') {
            let (t, f) = tf.split_once('.').unwrap_or((tf, ""));
            return Target::Arg(t, f, a.trim_end_matches(')').trim_end_matches(':'));
        }
        match p.split_once('.') {
            Some((t, m)) => Target::Member(t, m),
            None => Target::Type(p),
        }
    }
}

/// An operation shortened for a one-line summary.
fn short(text: &str) -> String {
    if text.chars().count() <= 160 { text.to_string() } else { format!("{}…", text.chars().take(157).collect::<String>()) }
}

/// The innermost value of a response, for the sentence.
fn response_leaf(v: &Value) -> String {
    let mut cur = v;
    while let Some(o) = cur.as_object().filter(|o| o.len() == 1) {
        cur = o.values().next().unwrap_or(cur);
    }
    crate::witness::validate::short(cur)
}

mod directives;
mod inputs;
