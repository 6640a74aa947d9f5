//! OpenAPI 3.2 (issue #25): what the fixture cases under `fixtures/openapi/oas32-*` say, beyond
//! which rules fire: the unknown-version warning names the version and how it is read, and each
//! security field change is its own finding.

use apidiff::diff::{self, Change, Options, Severity};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions};
use std::path::Path;

fn changes(case: &str) -> Vec<Change> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi").join(case);
    let load = |side: &str| spec::load(&Input::open(&format!("{side}.yaml"), &dir).unwrap(), &LoadOptions::default()).unwrap();
    diff::compare(&load("base"), &load("revision"), &Options::default()).unwrap()
}

#[test]
fn an_unknown_openapi_version_is_a_warning_naming_it_and_how_it_is_read() {
    let got = changes("oas32-unknown-version");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].rule.id, got[0].severity), ("openapi-version-unknown", Severity::Warning));
    assert!(got[0].message.contains("`openapi: 3.9.0`") && got[0].message.contains("read as OpenAPI 3.2"), "{}", got[0].message);
    // Known versions say nothing.
    assert!(changes("oas32-self").iter().all(|c| c.rule.id != "openapi-version-unknown"));
}

#[test]
fn each_security_field_change_is_its_own_finding() {
    let got = changes("oas32-security-fields");
    let mut msgs: Vec<&str> = got.iter().filter(|c| c.rule.id == "security-scheme-changed").map(|c| c.message.as_str()).collect();
    msgs.sort();
    assert_eq!(msgs.len(), 2, "{got:?}");
    assert!(msgs.iter().any(|m| m.contains("deviceAuthorization")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("oauth2MetadataUrl")), "{msgs:?}");
    assert!(got.iter().any(|c| c.rule.id == "security-scheme-deprecated" && c.message.contains("`key`")));
}

#[test]
fn sequential_items_and_additional_operations_are_compared_with_their_verdicts() {
    let items = changes("oas32-item-schema");
    let breaking: Vec<&str> = items.iter().filter(|c| c.severity == Severity::Breaking).map(|c| c.rule.id).collect();
    assert_eq!(breaking.len(), 3, "{items:?}");
    let ops = changes("oas32-additional-operations");
    let removed: Vec<&str> = ops.iter().filter(|c| c.rule.id == "endpoint-removed").filter_map(|c| c.operation.as_deref()).collect();
    assert_eq!(removed, ["LINK /files/{id}", "QUERY /files/{id}"], "{ops:?}");
}
