//! Values for witness operations and responses: the smallest literal or JSON value of an input
//! type (for required arguments and variables), and the response value a loosened output type
//! allows and the old one forbids, decided by [`allows`] on each schema.

use crate::spec::graphql::{Schema, TypeKind, TypeRef, Wrap};
use serde_json::{Map, Value, json};

/// Deepest input object nesting a value is generated for (required fields inside required fields).
const DEPTH: usize = 16;

/// The smallest GraphQL literal of type `ty` (an empty list for lists).
pub(super) fn literal(s: &Schema, ty: &TypeRef, depth: usize) -> String {
    if ty.layers.contains(&Wrap::List) {
        return "[]".into();
    }
    match s.types.get(&ty.name) {
        Some(t) if t.kind == TypeKind::Enum => t.values.keys().next().cloned().unwrap_or_else(|| "null".into()),
        Some(t) if t.kind == TypeKind::InputObject && depth < DEPTH => {
            let fields: Vec<String> = t
                .input_fields
                .values()
                .filter(|f| f.is_required())
                .map(|f| format!("{}: {}", f.name, literal(s, &f.ty, depth + 1)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        _ => json_value(s, ty, depth).to_string(),
    }
}

/// The smallest JSON value of input type `ty`, as a variable's value.
pub(super) fn json_value(s: &Schema, ty: &TypeRef, depth: usize) -> Value {
    if ty.layers.contains(&Wrap::List) {
        return json!([]);
    }
    match (ty.name.as_str(), s.types.get(&ty.name)) {
        ("Int", _) | ("Float", _) => json!(0),
        ("Boolean", _) => json!(false),
        (_, Some(t)) if t.kind == TypeKind::Enum => t.values.keys().next().map_or(Value::Null, |v| json!(v)),
        (_, Some(t)) if t.kind == TypeKind::InputObject && depth < DEPTH => Value::Object(
            t.input_fields
                .values()
                .filter(|f| f.is_required())
                .map(|f| (f.name.clone(), json_value(s, &f.ty, depth + 1)))
                .collect::<Map<_, _>>(),
        ),
        _ => json!(""),
    }
}

/// `value` inside as many lists as `ty` has.
pub(super) fn wrap_lists(ty: &TypeRef, value: Value) -> Value {
    ty.layers.iter().filter(|w| **w == Wrap::List).fold(value, |v, _| json!([v]))
}

/// Whether a response value fits output type `ty` of schema `s` (nullability, lists, and the
/// named type: built-in scalars by JSON type, enums by value, composites by `__typename`).
pub(super) fn allows(s: &Schema, ty: &TypeRef, v: &Value) -> bool {
    allows_at(s, &ty.layers, &ty.name, v)
}

fn allows_at(s: &Schema, layers: &[Wrap], name: &str, v: &Value) -> bool {
    let (non_null, rest) = match layers.first() {
        Some(Wrap::NonNull) => (true, &layers[1..]),
        _ => (false, layers),
    };
    if v.is_null() {
        return !non_null;
    }
    if rest.first() == Some(&Wrap::List) {
        return v.as_array().is_some_and(|a| a.iter().all(|x| allows_at(s, &rest[1..], name, x)));
    }
    match (name, s.types.get(name)) {
        ("Int", _) => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        ("Float", _) => v.is_number(),
        ("String", _) => v.is_string(),
        ("ID", _) => v.is_string() || v.is_i64(),
        ("Boolean", _) => v.is_boolean(),
        (_, Some(t)) if t.kind == TypeKind::Enum => v.as_str().is_some_and(|x| t.values.contains_key(x)),
        (_, Some(t)) if t.kind.is_composite() => {
            v.get("__typename").and_then(Value::as_str).is_some_and(|n| n == name || possible(s, name, n))
        }
        (_, Some(_)) => true,
        _ => false,
    }
}

fn possible(s: &Schema, abstract_: &str, concrete: &str) -> bool {
    s.types.get(concrete).is_some_and(|c| c.interfaces.contains_key(abstract_))
        || s.types.get(abstract_).is_some_and(|a| a.members.contains_key(concrete))
}

/// A value the revision's type allows and the base's forbids, from a few candidates (`null`,
/// `null` inside lists, a value of the revision's named type, unwrapped or in lists).
pub(super) fn loosened(base: &Schema, rev: &Schema, bty: &TypeRef, rty: &TypeRef) -> Option<Value> {
    let leaf = match (rty.name.as_str(), rev.types.get(&rty.name)) {
        ("Int", _) | ("Float", _) => json!(0),
        ("Boolean", _) => json!(false),
        ("String", _) | ("ID", _) => json!(""),
        (_, Some(t)) if t.kind == TypeKind::Enum => {
            let old = base.types.get(&bty.name);
            let new_value = t.values.keys().find(|v| !old.is_some_and(|o| o.values.contains_key(*v)));
            json!(new_value.or_else(|| t.values.keys().next()).cloned().unwrap_or_default())
        }
        (_, Some(t)) if t.kind == TypeKind::Object => json!({"__typename": rty.name}),
        _ => json!(""),
    };
    let mut candidates = vec![Value::Null];
    for depth in 1..=3 {
        candidates.push((0..depth).fold(Value::Null, |v, _| json!([v])));
    }
    for depth in 0..=3 {
        candidates.push((0..depth).fold(leaf.clone(), |v, _| json!([v])));
    }
    candidates.into_iter().find(|v| allows(rev, rty, v) && !allows(base, bty, v))
}
