//! Exact-set tests per category: buf's category membership, pairing by number and name, and the
//! realistic multi-file fixtures compared under every category.

use super::{RULES, compare};
use crate::diff::Options;
use crate::source::Input;
use crate::spec::LoadOptions;
use crate::spec::protobuf::{Package, load};
use std::collections::BTreeSet;
use std::path::Path;

const CATS: [&str; 4] = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"];

fn load_path(dir: &Path, rel: &str) -> Package {
    let input = Input::open(rel, dir).unwrap();
    load(&input, &LoadOptions::default()).unwrap()
}

fn ids(base: &Package, rev: &Package, category: &str) -> BTreeSet<String> {
    let opts = Options { proto_category: crate::diff::Category::choose(category).expect("a buf category"), ..Options::default() };
    compare(base, rev, &opts).iter().map(|c| c.rule.id.to_string()).collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Compiles two single-file versions and returns the rule ids per category (FILE, PACKAGE, WIRE_JSON, WIRE).
fn per_category(base: &str, rev: &str) -> [BTreeSet<String>; 4] {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.proto"), base).unwrap();
    std::fs::write(dir.path().join("revision.proto"), rev).unwrap();
    let b = load_path(dir.path(), "base.proto");
    let r = load_path(dir.path(), "revision.proto");
    CATS.map(|c| ids(&b, &r, c))
}

fn fixture(case: &str, category: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/protobuf").join(case);
    let b = load_path(&dir, "base/main.proto");
    let r = load_path(&dir, "revision/main.proto");
    ids(&b, &r, category)
}

const HEAD: &str = "syntax = \"proto3\";\npackage acme.v1;\n";

fn p3(body: &str) -> String {
    format!("{HEAD}{body}")
}

#[test]
fn every_rule_has_categories_and_additions_are_everywhere() {
    for family in RULES {
        for rule in *family {
            let cats = rule.categories;
            assert!(!cats.is_empty(), "{} has no category", rule.id);
            if cats.contains(&crate::diff::Category::Http) {
                assert_eq!(cats.len(), 1, "{}: the HTTP rules are in no buf category", rule.id);
            } else if rule.severity == crate::diff::Severity::Info {
                assert_eq!(cats.len(), 4, "{} should be reported in every category", rule.id);
            }
        }
    }
}

#[test]
fn categories_follow_buf() {
    use crate::diff::Category::*;
    let has = |id: &str| crate::diff::registry::find(id).map(|r| r.categories.to_vec()).unwrap_or_default();
    assert_eq!(has("proto-field-same-name"), vec![File, Package, WireJson]);
    assert_eq!(has("proto-field-same-json-name"), vec![File, Package, WireJson]);
    assert_eq!(has("proto-file-no-delete"), vec![File]);
    assert_eq!(has("proto-message-no-delete"), vec![File]);
    assert_eq!(has("proto-package-message-no-delete"), vec![Package]);
    assert_eq!(has("proto-field-no-delete"), vec![File, Package]);
    assert_eq!(has("proto-field-no-delete-unless-number-reserved"), vec![WireJson, Wire]);
    assert_eq!(has("proto-field-no-delete-unless-name-reserved"), vec![WireJson]);
    assert_eq!(has("proto-field-wire-compatible-type"), vec![Wire]);
    assert_eq!(has("proto-rpc-same-request-type"), vec![File, Package, WireJson, Wire]);
    assert_eq!(has("proto-file-same-package"), vec![File, Package, WireJson, Wire]);
    assert_eq!(has("proto-file-same-go-package"), vec![File, Package]);
    assert!(has("no-such-rule").is_empty());
}

#[test]
fn only_bufs_four_categories_can_be_chosen() {
    use crate::diff::Category;
    for (name, want) in
        [("file", Category::File), ("PACKAGE", Category::Package), ("wire_json", Category::WireJson), ("WIRE", Category::Wire)]
    {
        assert_eq!(Category::choose(name), Some(want), "{name}");
    }
    assert_eq!(Category::choose("bogus"), None);
    assert_eq!(Category::choose("HTTP"), None, "apidiff's own HTTP rules apply whatever the category");
    assert!(serde_json::from_str::<Category>("\"HTTP\"").is_err());
    assert_eq!(serde_json::from_str::<Category>("\"WIRE_JSON\"").unwrap(), Category::WireJson);
}

#[test]
fn field_deleted_per_category() {
    let [file, package, wire_json, wire] =
        per_category(&p3("message U { string a = 1; string b = 2; }"), &p3("message U { string a = 1; }"));
    assert_eq!(file, set(&["proto-field-no-delete"]));
    assert_eq!(package, set(&["proto-field-no-delete"]));
    assert_eq!(wire_json, set(&["proto-field-no-delete-unless-number-reserved", "proto-field-no-delete-unless-name-reserved"]));
    assert_eq!(wire, set(&["proto-field-no-delete-unless-number-reserved"]));
}

#[test]
fn rename_is_not_delete_plus_add() {
    let [file, package, wire_json, wire] = per_category(&p3("message U { string email = 2; }"), &p3("message U { string mail = 2; }"));
    let renamed = set(&["proto-field-same-name", "proto-field-same-json-name"]);
    assert_eq!(file, renamed);
    assert_eq!(package, renamed);
    assert_eq!(wire_json, renamed);
    assert_eq!(wire, set(&[]));
}

#[test]
fn type_changes_per_category() {
    let [file, package, wire_json, wire] = per_category(&p3("message U { int32 n = 1; }"), &p3("message U { int64 n = 1; }"));
    assert_eq!(file, set(&["proto-field-same-type"]));
    assert_eq!(package, set(&["proto-field-same-type"]));
    assert_eq!(wire_json, set(&["proto-field-wire-json-compatible-type"]));
    assert_eq!(wire, set(&[]));
    let [file, _, wire_json, wire] = per_category(&p3("message U { int32 n = 1; }"), &p3("message U { sint32 n = 1; }"));
    assert_eq!(file, set(&["proto-field-same-type"]));
    assert_eq!(wire_json, set(&["proto-field-wire-json-compatible-type"]));
    assert_eq!(wire, set(&["proto-field-wire-compatible-type"]));
    // string -> bytes is wire compatible one way only.
    let [_, _, wire_json, wire] = per_category(&p3("message U { string s = 1; }"), &p3("message U { bytes s = 1; }"));
    assert_eq!(wire_json, set(&["proto-field-wire-json-compatible-type"]));
    assert_eq!(wire, set(&[]));
    let [_, _, _, wire] = per_category(&p3("message U { bytes s = 1; }"), &p3("message U { string s = 1; }"));
    assert_eq!(wire, set(&["proto-field-wire-compatible-type"]));
}

#[test]
fn enum_switch_is_wire_compatible_when_it_is_a_superset_with_the_same_short_name() {
    let base = p3("enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; }\nmessage U { Color c = 1; }");
    let rev = p3("message Palette { enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; COLOR_BLUE = 2; } }\n\
         enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; }\nmessage U { Palette.Color c = 1; }");
    let [file, _, wire_json, wire] = per_category(&base, &rev);
    assert!(file.contains("proto-field-same-type"));
    assert!(!wire_json.contains("proto-field-wire-json-compatible-type"));
    assert!(!wire.contains("proto-field-wire-compatible-type"));
}

#[test]
fn cardinality_per_category() {
    let [file, package, wire_json, wire] = per_category(&p3("message U { string s = 1; }"), &p3("message U { repeated string s = 1; }"));
    assert_eq!(file, set(&["proto-field-same-cardinality"]));
    assert_eq!(package, set(&["proto-field-same-cardinality"]));
    assert_eq!(wire_json, set(&["proto-field-wire-json-compatible-cardinality"]));
    assert_eq!(wire, set(&["proto-field-wire-compatible-cardinality"]));
    // Presence only: generated code changes, the encoding does not.
    let [file, _, wire_json, wire] = per_category(&p3("message U { string s = 1; }"), &p3("message U { optional string s = 1; }"));
    assert_eq!(file, set(&["proto-field-same-cardinality"]));
    assert!(wire_json.is_empty() && wire.is_empty());
}

#[test]
fn enum_value_deleted_per_category() {
    let base = p3("enum S { S_UNSPECIFIED = 0; S_OK = 1; }");
    let rev = p3("enum S { S_UNSPECIFIED = 0; }");
    let [file, package, wire_json, wire] = per_category(&base, &rev);
    assert_eq!(file, set(&["proto-enum-value-no-delete"]));
    assert_eq!(package, set(&["proto-enum-value-no-delete"]));
    assert_eq!(wire_json, set(&["proto-enum-value-no-delete-unless-number-reserved", "proto-enum-value-no-delete-unless-name-reserved"]));
    assert_eq!(wire, set(&["proto-enum-value-no-delete-unless-number-reserved"]));
    let [file, _, wire_json, wire] = per_category(&base, &p3("enum S { S_UNSPECIFIED = 0; S_FINE = 1; }"));
    assert_eq!(file, set(&["proto-enum-value-same-name"]));
    assert_eq!(wire_json, set(&["proto-enum-value-same-name"]));
    assert!(wire.is_empty());
}

#[test]
fn deletes_of_definitions_per_category() {
    let base = p3("message A {}\nmessage B {}\nservice S { rpc Get(A) returns (A); rpc Put(A) returns (A); }");
    let rev = p3("message A {}\nservice S { rpc Get(A) returns (A); }");
    let [file, package, wire_json, wire] = per_category(&base, &rev);
    assert_eq!(file, set(&["proto-message-no-delete", "proto-rpc-no-delete"]));
    assert_eq!(package, set(&["proto-package-message-no-delete", "proto-rpc-no-delete"]));
    assert!(wire_json.is_empty() && wire.is_empty());
}

#[test]
fn package_change_is_breaking_everywhere() {
    let base = p3("message A {}");
    let rev = base.replace("acme.v1", "acme.v2");
    let [file, package, wire_json, wire] = per_category(&base, &rev);
    assert_eq!(file, set(&["proto-file-same-package", "proto-message-added", "proto-message-no-delete"]));
    assert_eq!(package, set(&["proto-file-same-package", "proto-message-added", "proto-package-no-delete"]));
    assert_eq!(wire_json, set(&["proto-file-same-package", "proto-message-added"]));
    assert_eq!(wire, wire_json);
}

#[test]
fn file_option_only_in_file_and_package() {
    let base = p3("option go_package = \"a/v1\";\nmessage A {}");
    let rev = p3("option go_package = \"a/v2\";\nmessage A {}");
    let [file, package, wire_json, wire] = per_category(&base, &rev);
    assert_eq!(file, set(&["proto-file-same-go-package"]));
    assert_eq!(package, file);
    assert!(wire_json.is_empty() && wire.is_empty());
}

#[test]
fn grpc_service_every_category() {
    let common = ["proto-enum-value-added", "proto-rpc-added", "proto-message-added", "proto-rpc-same-response-type"];
    let with = |extra: &[&str]| -> BTreeSet<String> { common.iter().chain(extra).map(|s| s.to_string()).collect() };
    let generated = [
        "proto-field-no-delete",
        "proto-field-same-name",
        "proto-field-same-json-name",
        "proto-field-same-type",
        "proto-field-same-cardinality",
        "proto-file-same-go-package",
    ];
    let mut file_extra = generated.to_vec();
    file_extra.push("proto-message-no-delete"); // Address moved to another file of the package
    assert_eq!(fixture("grpc-service", "FILE"), with(&file_extra));
    assert_eq!(fixture("grpc-service", "PACKAGE"), with(&generated));
    assert_eq!(
        fixture("grpc-service", "WIRE_JSON"),
        with(&[
            "proto-field-same-name",
            "proto-field-same-json-name",
            "proto-field-wire-json-compatible-type",
            "proto-field-wire-json-compatible-cardinality",
        ])
    );
    assert_eq!(fixture("grpc-service", "WIRE"), with(&["proto-field-wire-compatible-cardinality"]));
}

#[test]
fn package_deletes_every_category() {
    // `acme/old/old.proto` (package `acme.old`) was only imported by the entry: no longer
    // importing it deletes neither a file nor a package of the API.
    assert_eq!(
        fixture("package-deletes", "FILE"),
        set(&[
            "proto-message-no-delete",
            "proto-enum-no-delete",
            "proto-service-no-delete",
            "proto-extension-no-delete",
            "proto-field-no-delete",
            "proto-message-added",
        ])
    );
    assert_eq!(
        fixture("package-deletes", "PACKAGE"),
        set(&[
            "proto-package-message-no-delete",
            "proto-package-enum-no-delete",
            "proto-package-service-no-delete",
            "proto-package-extension-no-delete",
            "proto-field-no-delete",
            "proto-message-added",
        ])
    );
    assert_eq!(fixture("package-deletes", "WIRE_JSON"), set(&["proto-message-added"]));
    assert_eq!(fixture("package-deletes", "WIRE"), set(&["proto-message-added"]));
}

#[test]
fn changes_are_located_in_the_right_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/protobuf/grpc-service");
    let b = load_path(&dir, "base/main.proto");
    let r = load_path(&dir, "revision/main.proto");
    let changes = compare(&b, &r, &Options::default());
    let rename = changes.iter().find(|c| c.rule.id == "proto-field-same-name").unwrap();
    let loc = rename.revision.as_ref().unwrap();
    assert_eq!(loc.file, "revision/acme/shop/v1/types.proto");
    assert_eq!(loc.pointer, "acme.shop.v1.Order.customer");
    assert_eq!((loc.line, loc.column), (Some(15), Some(3)));
    assert!(rename.message.contains("`customer_id` to `customer`"), "{}", rename.message);
}
