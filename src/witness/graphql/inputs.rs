//! Input witnesses: an operation passing, where the base takes it, the argument, input field or
//! enum value that changed: a variable of the base's type, the base's required fields only, or
//! the enum value itself. The revision rejects the same document.

use super::values::{json_value, literal};
use super::{Found, Op, Pair, Target};
use crate::spec::graphql::{InputValue, Schema, TypeKind, TypeRef, Wrap};
use std::collections::{HashMap, VecDeque};

/// What stands at the changed position.
pub(super) enum Innermost<'v> {
    /// The whole position, as a variable of its type.
    Variable,
    /// An input object with its required fields, and `field` as a variable when the base has it.
    Object(&'v str),
    /// An enum value.
    EnumValue(&'v str),
}

impl Pair<'_> {
    /// An operation passing the changed argument, input field or enum value as the base accepts.
    pub(super) fn input(&self, at: &str) -> Result<Found, String> {
        match Target::parse(at) {
            Target::Arg(t, f, a) => self.argument(t, f, a),
            Target::Member(t, m) => match self.base.types.get(t).map(|x| x.kind) {
                Some(TypeKind::InputObject) => self.input_at(t, Innermost::Object(m)).map(Found::Operation),
                Some(TypeKind::Enum) => self.input_at(t, Innermost::EnumValue(m)).map(Found::Operation).map_err(|e| {
                    format!("{e}: the enum appears only in outputs, where a response without `{m}` is one the base allows too")
                }),
                _ => Err(format!("`{t}` is not an input object or enum of the base")),
            },
            Target::Type(t) => self.input_at(t, Innermost::Variable).map(Found::Operation),
            _ => Err(format!("`{at}` names no input element")),
        }
    }

    /// An operation with a variable of input type `t` where the base takes one.
    pub(super) fn variable_of(&self, t: &str) -> Result<Found, String> {
        self.input_at(t, Innermost::Variable).map(Found::Operation)
    }

    fn argument(&self, t: &str, f: &str, a: &str) -> Result<Found, String> {
        let field = self.base.types.get(t).and_then(|x| x.fields.get(f)).ok_or_else(|| format!("`{t}.{f}` is not in the base"))?;
        let mut args: Vec<String> = field
            .args
            .values()
            .filter(|x| x.is_required() && x.name != a)
            .map(|x| format!("{}: {}", x.name, literal(self.base, &x.ty, 0)))
            .collect();
        let mut vars = Vec::new();
        if let Some(arg) = field.args.get(a) {
            args.push(format!("{a}: $v"));
            vars.push(("v".to_string(), arg.ty.to_string(), json_value(self.base, &arg.ty, 0)));
        }
        let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
        let mut op = self.reach(t, &format!("{f}{args}{}", self.sub_selection(&field.ty.name)))?;
        op.vars = vars;
        Ok(Found::Operation(op))
    }

    /// An operation with `what` at the first position of the base (an argument, or an input
    /// field inside one) whose type is `want`.
    pub(super) fn input_at(&self, want: &str, what: Innermost<'_>) -> Result<Op, String> {
        let (parent, field, arg, chain) = self.find_position(want).ok_or_else(|| format!("no argument of the base takes a `{want}`"))?;
        let s = self.base;
        let mut vars = Vec::new();
        // The type at the changed position itself (the argument, or the last input field).
        let at_ty: &TypeRef = chain.last().map_or(&arg.ty, |(p, f)| &s.types[*p].input_fields[*f].ty);
        let mut value = match what {
            Innermost::Variable => {
                vars.push(("v".to_string(), at_ty.to_string(), json_value(s, at_ty, 0)));
                "$v".to_string()
            }
            Innermost::EnumValue(v) => in_lists(at_ty, v.to_string()),
            Innermost::Object(x) => {
                let def = &s.types[want];
                let mut fields: Vec<String> = def
                    .input_fields
                    .values()
                    .filter(|f| f.is_required() && f.name != x)
                    .map(|f| format!("{}: {}", f.name, literal(s, &f.ty, 1)))
                    .collect();
                if let Some(fx) = def.input_fields.get(x) {
                    fields.push(format!("{x}: $v"));
                    vars.push(("v".to_string(), fx.ty.to_string(), json_value(s, &fx.ty, 0)));
                }
                in_lists(at_ty, format!("{{{}}}", fields.join(", ")))
            }
        };
        for (p, f) in chain.iter().rev() {
            let def = &s.types[*p];
            let mut fields: Vec<String> = def
                .input_fields
                .values()
                .filter(|x| x.is_required() && x.name != *f)
                .map(|x| format!("{}: {}", x.name, literal(s, &x.ty, 1)))
                .collect();
            fields.push(format!("{f}: {value}"));
            let outer: &TypeRef = chain
                .iter()
                .take_while(|(pp, ff)| (pp, ff) != (p, f))
                .last()
                .map_or(&arg.ty, |(pp, ff)| &s.types[*pp].input_fields[*ff].ty);
            value = in_lists(outer, format!("{{{}}}", fields.join(", ")));
        }
        let fdef = &s.types[parent].fields[field];
        let mut args: Vec<String> = fdef
            .args
            .values()
            .filter(|x| x.is_required() && x.name != arg.name)
            .map(|x| format!("{}: {}", x.name, literal(s, &x.ty, 0)))
            .collect();
        args.push(format!("{}: {value}", arg.name));
        let mut op = self.reach(parent, &format!("{field}({}){}", args.join(", "), self.sub_selection(&fdef.ty.name)))?;
        op.vars = vars;
        Ok(op)
    }

    /// The first argument (in the order types are reached) whose type is `want` or holds it
    /// in an input field: `(type, field, argument, chain of (input type, field))`.
    fn find_position(&self, want: &str) -> Option<Position<'_>> {
        let s = self.base;
        for t in &self.paths().order {
            let Some(def) = s.types.get(*t) else { continue };
            for f in def.fields.values() {
                for a in f.args.values() {
                    if let Some(chain) = input_chain(s, &a.ty.name, want) {
                        return Some((t, f.name.as_str(), a, chain));
                    }
                }
            }
        }
        None
    }
}

/// Where a type is taken: the type and field with the argument, the argument, and the chain of
/// (input type, field) inside it.
type Position<'s> = (&'s str, &'s str, &'s InputValue, Vec<(&'s str, &'s str)>);

/// `value` in as many list brackets as `ty` has.
fn in_lists(ty: &TypeRef, value: String) -> String {
    ty.layers.iter().filter(|w| **w == Wrap::List).fold(value, |v, _| format!("[{v}]"))
}

/// Input fields leading from input type `from` to a field of type `want` (empty when `from` is
/// `want`), breadth first over input objects, each visited once.
fn input_chain<'s>(s: &'s Schema, from: &str, want: &str) -> Option<Vec<(&'s str, &'s str)>> {
    if from == want {
        return Some(Vec::new());
    }
    let start = s.types.get_key_value(from).filter(|(_, t)| t.kind == TypeKind::InputObject)?.0.as_str();
    let mut came: HashMap<&str, Option<(&str, &str)>> = HashMap::from([(start, None)]);
    let mut queue = VecDeque::from([start]);
    while let Some(t) = queue.pop_front() {
        for f in s.types[t].input_fields.values() {
            let Some((k, n)) = s.types.get_key_value(&f.ty.name) else { continue };
            if k == want {
                let mut chain = vec![(t, f.name.as_str())];
                let mut cur = t;
                while let Some(Some((p, pf))) = came.get(cur) {
                    chain.push((p, pf));
                    cur = p;
                }
                chain.reverse();
                return Some(chain);
            }
            if n.kind == TypeKind::InputObject && !came.contains_key(k.as_str()) {
                came.insert(k.as_str(), Some((t, f.name.as_str())));
                queue.push_back(k.as_str());
            }
        }
    }
    None
}
