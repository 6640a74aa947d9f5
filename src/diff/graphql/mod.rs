//! Comparison of two GraphQL schemas: walks types, fields, arguments, enum values, union members,
//! interfaces, directive definitions and directive usages by name (maps, never pairwise scans),
//! and classifies each difference with the rules of the family files below.
//!
//! Output positions (fields) are covariant: narrowing `T` to `T!` is safe. Input positions
//! (arguments, input fields, directive arguments) are contravariant: widening `T!` to `T` is safe.
//! Everything inside a type (or field) that is itself new or removed is reported once, as the
//! type (or field) change.

mod arguments;
mod cx;
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

pub(crate) use cx::{Cx, Sides, Site, input_safe, output_enums, output_safe, pair_renames};

use super::sink::Sink;
use super::{Change, Options, Rule};
use crate::spec::graphql::Schema;

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
/// How each family proves its breaking rules (`input-oneof-added` and `federation-key-removed`
/// have no builder: apollo-compiler does not validate `@oneOf`, and a subgraph's SDL has no
/// `_entities` field to query an entity by its key).
pub const PROOFS: &[&[(&Rule, super::witness::Proof)]] = &[
    types::PROOFS,
    fields::PROOFS,
    input_fields::PROOFS,
    arguments::PROOFS,
    enums::PROOFS,
    unions::PROOFS,
    interfaces::PROOFS,
    directives::PROOFS,
    roots::PROOFS,
    federation::PROOFS,
];

/// Compares two schemas.
pub fn compare(base: &Schema, rev: &Schema, _opts: &Options) -> Vec<Change> {
    let mut cx = Cx { base, rev, out: Sink::new(), output_enums: output_enums(rev) };
    roots::compare(&mut cx);
    let schema = Site::new("schema", "schema", None, base.def.pos, rev.def.pos);
    descriptions::compare(&mut cx, &descriptions::SCHEMA, &schema, base.def.description.as_deref(), rev.def.description.as_deref());
    usages::compare(&mut cx, &schema, &base.def.directives, &rev.def.directives);
    types::compare(&mut cx);
    directives::compare(&mut cx);
    cx.out.into_changes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::graphql::{TypeRef, Wrap};

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
            fetch: std::sync::Arc::new(crate::source::FsFetch::default()),
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
