//! Comparison of two GraphQL schemas: walks types, fields, arguments, enum values, union members,
//! interfaces, directive definitions and directive usages by name (maps, never pairwise scans),
//! and classifies each difference with the rules of the family files below.
//!
//! Output positions (fields) are covariant: narrowing `T` to `T!` is safe. Input positions
//! (arguments, input fields, directive arguments) are contravariant: widening `T!` to `T` is safe.
//! Everything inside a type (or field) that is itself new or removed is reported once, as the
//! type (or field) change.

mod arguments;
mod deprecations;
mod descriptions;
mod directives;
mod enums;
mod federation;
mod fields;
mod input_fields;
mod interfaces;
mod roots;
mod types;
mod unions;
mod usages;

use super::sink::Sink;
use super::{Change, Location, Options, Rule};
use crate::spec::graphql::{Pos, Schema, TypeKind, TypeRef, Wrap};
use std::collections::HashSet;

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] = &[
    types::ALL,
    fields::ALL,
    input_fields::ALL,
    arguments::ALL,
    enums::ALL,
    unions::ALL,
    interfaces::ALL,
    directives::ALL,
    roots::ALL,
    descriptions::ALL,
    deprecations::ALL,
    usages::ALL,
    federation::ALL,
];

/// Compares two schemas.
pub fn compare(base: &Schema, rev: &Schema, _opts: &Options) -> Vec<Change> {
    let mut cx = Ctx { base, rev, out: Sink::new(), output_enums: output_enums(rev) };
    roots::compare(&mut cx);
    let schema = Site::new("schema", "schema", None, base.def.pos, rev.def.pos);
    descriptions::compare(&mut cx, &descriptions::SCHEMA, &schema, base.def.description.as_deref(), rev.def.description.as_deref());
    usages::compare(&mut cx, &schema, &base.def.directives, &rev.def.directives);
    types::compare(&mut cx);
    directives::compare(&mut cx);
    cx.out.into_changes()
}

/// The comparison in progress: both schemas and the changes found so far.
struct Ctx<'a> {
    base: &'a Schema,
    rev: &'a Schema,
    out: Sink,
    /// Enums that some object or interface field returns in the revision: new values reach clients.
    output_enums: HashSet<String>,
}

/// One element present on both sides (or on one side, for additions and removals): its schema
/// coordinate, how messages name it, the operation it belongs to, and its positions.
#[derive(Debug, Clone)]
struct Site {
    coord: String,
    what: String,
    op: Option<String>,
    base_pos: Option<Pos>,
    rev_pos: Option<Pos>,
}

impl Site {
    fn new(coord: impl Into<String>, what: impl Into<String>, op: Option<String>, base_pos: Option<Pos>, rev_pos: Option<Pos>) -> Site {
        Site { coord: coord.into(), what: what.into(), op, base_pos, rev_pos }
    }
}

/// Which sides of a site a change points at.
#[derive(Debug, Clone, Copy)]
enum Sides {
    Base,
    Rev,
    Both,
}

fn loc(schema: &Schema, coord: &str, pos: Option<Pos>) -> Location {
    match pos {
        Some(p) => Location::at(&schema.file, coord, p.line, p.column),
        None => Location::new(&schema.file, coord),
    }
}

impl Ctx<'_> {
    /// Records a change at `site`, pointing at the given sides, with optional old/new values.
    fn emit(&mut self, rule: &'static Rule, site: &Site, sides: Sides, message: String, before: Option<String>, after: Option<String>) {
        self.emit_at(rule, site, &site.coord, sides, message, before, after);
    }

    /// Like [`Ctx::emit`] with a pointer other than the site's coordinate (directive usages).
    #[allow(clippy::too_many_arguments)]
    fn emit_at(
        &mut self,
        rule: &'static Rule,
        site: &Site,
        pointer: &str,
        sides: Sides,
        message: String,
        before: Option<String>,
        after: Option<String>,
    ) {
        let base = matches!(sides, Sides::Base | Sides::Both).then(|| loc(self.base, pointer, site.base_pos));
        let rev = matches!(sides, Sides::Rev | Sides::Both).then(|| loc(self.rev, pointer, site.rev_pos));
        self.push(rule, site.op.clone(), base, rev, message, before, after);
    }

    /// Records a change from its parts (renames point at different coordinates on each side).
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: &'static Rule,
        op: Option<String>,
        base: Option<Location>,
        rev: Option<Location>,
        message: String,
        before: Option<String>,
        after: Option<String>,
    ) {
        let mut c = Change::new(rule, message).locs(base, rev).values(before, after);
        if let Some(op) = op {
            c = c.operation(op);
        }
        self.out.push(c);
    }

    /// Records a rename: the base side at `from`, the revision side at `to`.
    fn rename(&mut self, rule: &'static Rule, op: String, from: (&str, Option<Pos>), to: (&str, Option<Pos>), message: String) {
        let base = Some(loc(self.base, from.0, from.1));
        let rev = Some(loc(self.rev, to.0, to.1));
        self.push(rule, Some(op), base, rev, message, Some(from.0.to_string()), Some(to.0.to_string()));
    }
}

fn output_enums(s: &Schema) -> HashSet<String> {
    let mut out = HashSet::new();
    for t in s.types.values() {
        if matches!(t.kind, TypeKind::Object | TypeKind::Interface) {
            for f in t.fields.values() {
                if s.types.get(&f.ty.name).is_some_and(|e| e.kind == TypeKind::Enum) {
                    out.insert(f.ty.name.clone());
                }
            }
        }
    }
    out
}

/// Whether a client reading an output of type `old` still understands `new` (graphql-js
/// `isChangeSafeForObjectOrInterfaceField`): only adding non-null wrappers is safe.
fn output_safe(old: &TypeRef, new: &TypeRef) -> bool {
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.layers.get(i), new.layers.get(j)) {
            (None, None) => return old.name == new.name,
            (Some(Wrap::NonNull), Some(Wrap::NonNull)) | (Some(Wrap::List), Some(Wrap::List)) => {
                i += 1;
                j += 1;
            }
            (Some(Wrap::List) | None, Some(Wrap::NonNull)) => j += 1,
            _ => return false,
        }
    }
}

/// Whether every value a client sends for an input of type `old` is still accepted by `new`
/// (graphql-js `isChangeSafeForInputObjectFieldOrFieldArg`): only dropping non-null is safe.
fn input_safe(old: &TypeRef, new: &TypeRef) -> bool {
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.layers.get(i), new.layers.get(j)) {
            (None, None) => return old.name == new.name,
            (Some(Wrap::NonNull), Some(Wrap::NonNull)) | (Some(Wrap::List), Some(Wrap::List)) => {
                i += 1;
                j += 1;
            }
            (Some(Wrap::NonNull), _) => i += 1,
            _ => return false,
        }
    }
}

/// Pairs removed and added names whose signatures are equal and unique on both sides: these are
/// renames. Returns `(old, new)` pairs in the order of `removed`.
fn pair_renames<'n>(removed: &[(&'n str, String)], added: &[(&'n str, String)]) -> Vec<(&'n str, &'n str)> {
    use std::collections::HashMap;
    let mut by_sig: HashMap<&str, (Vec<&str>, Vec<&str>)> = HashMap::new();
    for (name, sig) in removed {
        by_sig.entry(sig.as_str()).or_default().0.push(name);
    }
    for (name, sig) in added {
        by_sig.entry(sig.as_str()).or_default().1.push(name);
    }
    removed
        .iter()
        .filter_map(|(_, sig)| match by_sig.get(sig.as_str()) {
            Some((r, a)) if r.len() == 1 && a.len() == 1 => Some((*r.first()?, *a.first()?)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(layers: &[Wrap], name: &str) -> TypeRef {
        TypeRef { layers: layers.to_vec(), name: name.into() }
    }
    use Wrap::{List as L, NonNull as N};

    #[test]
    fn output_variance() {
        assert!(output_safe(&ty(&[], "A"), &ty(&[N], "A")));
        assert!(!output_safe(&ty(&[N], "A"), &ty(&[], "A")));
        assert!(output_safe(&ty(&[L], "A"), &ty(&[N, L, N], "A")));
        assert!(!output_safe(&ty(&[L], "A"), &ty(&[], "A")));
        assert!(!output_safe(&ty(&[], "A"), &ty(&[L], "A")));
        assert!(!output_safe(&ty(&[], "A"), &ty(&[], "B")));
        assert!(!output_safe(&ty(&[L, N], "A"), &ty(&[L], "A")));
    }

    #[test]
    fn input_variance() {
        assert!(input_safe(&ty(&[N], "A"), &ty(&[], "A")));
        assert!(!input_safe(&ty(&[], "A"), &ty(&[N], "A")));
        assert!(input_safe(&ty(&[N, L, N], "A"), &ty(&[L], "A")));
        assert!(!input_safe(&ty(&[L], "A"), &ty(&[], "A")));
        assert!(!input_safe(&ty(&[], "A"), &ty(&[L], "A")));
        assert!(!input_safe(&ty(&[N], "A"), &ty(&[N], "B")));
    }

    fn schema(name: &str, text: &str) -> Schema {
        let input = crate::source::Input {
            name: name.into(),
            path: name.into(),
            text: text.into(),
            fetch: std::sync::Arc::new(crate::source::FsFetch),
        };
        crate::spec::graphql::load(&input).unwrap()
    }

    #[test]
    fn changes_carry_coordinates_lines_and_values() {
        let a = schema("a.graphql", "type Query {\n  user(id: ID): User\n}\ntype User {\n  email: String!\n}\n");
        let b = schema("b.graphql", "type Query {\n  user(id: ID!): User\n}\n\ntype User {\n  email: String\n}\n");
        let changes = compare(&a, &b, &Options::default());
        let field = changes.iter().find(|c| c.rule.id == "field-type-changed").unwrap();
        assert_eq!(field.message, "field `User.email` changed type from `String!` to `String`");
        assert_eq!(
            field.base.as_ref().map(|l| (l.file.as_str(), l.pointer.as_str(), l.line, l.column)),
            Some(("a.graphql", "User.email", Some(5), Some(3)))
        );
        assert_eq!(field.revision.as_ref().map(|l| (l.line, l.column)), Some((Some(6), Some(3))));
        assert_eq!((field.before.as_deref(), field.after.as_deref()), (Some("String!"), Some("String")));
        assert_eq!(field.rule.direction, crate::diff::Direction::Response);
        let arg = changes.iter().find(|c| c.rule.id == "argument-type-changed").unwrap();
        assert_eq!(arg.base.as_ref().map(|l| l.pointer.as_str()), Some("Query.user(id:)"));
        assert_eq!(arg.operation.as_deref(), Some("Query.user"));
        assert_eq!(arg.rule.direction, crate::diff::Direction::Request);
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn large_schemas_compare_in_linear_passes() {
        // 1000 types of 30 fields each (30,000 fields): a quadratic walk would take minutes.
        let mut text = String::from("type Query { t0: T0 }\n");
        for i in 0..1000 {
            text.push_str(&format!("type T{i} {{"));
            for f in 0..30 {
                text.push_str(&format!("\n f{f}(a: Int = {f}): String"));
            }
            text.push_str(" }\n");
        }
        let a = schema("a.graphql", &text);
        let b = schema("b.graphql", &text.replace("f29(a: Int = 29): String", "f29(a: Int = 29): String!"));
        let start = std::time::Instant::now();
        let changes = compare(&a, &b, &Options::default());
        assert_eq!(changes.len(), 1000);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn renames_pair_only_unique_twins() {
        let removed = [("a", "Int".to_string()), ("b", "String".to_string()), ("c", "String".to_string())];
        let added = [("x", "Int".to_string()), ("y", "String".to_string())];
        assert_eq!(pair_renames(&removed, &added), [("a", "x")]);
    }
}
