//! Severity by evidence (issue #25): the levels the fixture cases get, rule by rule, and the
//! `strict` profile that keeps the levels a strict reading gives. The fixture `expected` files
//! pin which rules fire; this file pins how much each one weighs.

use apidiff::diff::{self, Change, Options, Severity};
use apidiff::policy::{self, Policy, Profile};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions};
use std::collections::BTreeMap;
use std::path::Path;

/// The changes of `fixtures/openapi/<case>`, by `rule | field` (the last pointer segments).
fn changes(case: &str) -> Vec<Change> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi").join(case);
    let load = |side: &str| {
        let name = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(&format!("{side}.")))
            .unwrap();
        spec::load(&Input::open(&name, &dir).unwrap(), &LoadOptions::default()).unwrap()
    };
    diff::compare(&load("base"), &load("revision"), &Options::default()).unwrap()
}

fn levels(changes: &[Change]) -> BTreeMap<String, Severity> {
    changes
        .iter()
        .map(|c| {
            let ptr = c.revision.as_ref().or(c.base.as_ref()).map_or("", |l| l.pointer.as_str());
            let tail: Vec<&str> = ptr.rsplit('/').take(2).collect();
            (format!("{} {}/{}", c.rule.id, tail[1], tail[0]), c.severity)
        })
        .collect()
}

#[test]
fn a_limit_set_where_none_existed_documents_it_while_a_lowered_limit_and_a_pattern_break() {
    let got = levels(&changes("request-limit-documented"));
    let want: BTreeMap<String, Severity> = [
        ("request-limit-documented schema/maximum", Severity::Warning),
        ("request-limit-documented count/minimum", Severity::Warning),
        ("request-limit-documented id/maxLength", Severity::Warning),
        ("request-limit-documented meta/maxProperties", Severity::Warning),
        ("request-limit-documented note/minLength", Severity::Warning),
        ("request-limit-documented tags/maxItems", Severity::Warning),
        ("request-limit-documented tags/minItems", Severity::Warning),
        ("request-length-tightened title/maxLength", Severity::Breaking),
        ("request-pattern-added code/pattern", Severity::Breaking),
        ("response-length-tightened id/maxLength", Severity::Info),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn security_written_down_for_an_api_that_declared_none_is_a_warning_but_new_authentication_breaks() {
    let documented = changes("endpoint-security-documented");
    let c = documented.iter().find(|c| c.rule.id == "endpoint-security-documented").unwrap();
    assert_eq!(c.severity, Severity::Warning);
    assert!(c.message.contains("declared no security scheme"), "{}", c.message);
    // Schemes were declared (other operations could require them): a new requirement breaks.
    for case in ["endpoint-security-added", "global-security-added"] {
        let got = changes(case);
        let c = got.iter().find(|c| c.rule.id == "endpoint-security-added").unwrap_or_else(|| panic!("{case}: {got:?}"));
        assert_eq!(c.severity, Severity::Breaking, "{case}");
    }
}

#[test]
fn the_strict_profile_rates_evidence_levelled_rules_breaking_and_overrides_still_win() {
    let all: Vec<Change> = ["request-limit-documented", "endpoint-security-documented"].iter().flat_map(|c| changes(c)).collect();
    let count = |p: &Policy| policy::apply(all.clone(), p).changes.iter().filter(|c| c.severity == Severity::Breaking).count();
    let evidence = Policy::default();
    let strict = Policy { profile: Profile::Strict, ..Policy::default() };
    assert_eq!(count(&evidence), 2);
    // The seven documented limits and the documented security become breaking.
    assert_eq!(count(&strict), 2 + 7 + 1);
    let mut pinned = strict.clone();
    pinned.overrides.insert("request-limit-documented".into(), apidiff::policy::Level::Info);
    assert_eq!(count(&pinned), 2 + 1);
}

#[test]
fn response_guarantees_that_weaken_break_like_a_property_no_longer_required() {
    for id in [
        "response-dependency-loosened",
        "response-conditional-loosened",
        "response-contains-loosened",
        "response-tuple-loosened",
        "response-property-names-loosened",
        "response-unevaluated-loosened",
        "response-not-loosened",
        "response-range-loosened",
        "response-length-loosened",
        "response-array-loosened",
        "response-object-loosened",
        "response-property-became-optional",
        "request-const-changed",
        "response-const-changed",
        "request-one-of-overlap",
    ] {
        assert_eq!(diff::registry::find(id).map(|r| r.severity), Some(Severity::Breaking), "{id}");
    }
    // Softer than their direction, each with its reason written in its documentation.
    for id in ["request-body-removed", "webhook-removed", "request-default-changed", "endpoint-stability-decreased"] {
        let r = diff::registry::find(id).unwrap();
        assert_eq!(r.severity, Severity::Warning, "{id}");
        assert!(r.docs.contains("A warning, not breaking"), "{id} does not say why it is a warning");
    }
}

#[test]
fn a_const_change_is_one_changed_value_and_a_required_pair_split_into_one_of_breaks() {
    let got = changes("response-const-changed");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].rule.id, got[0].severity), ("response-const-changed", Severity::Breaking));
    let split = changes("required-split-into-one-of");
    let overlap = split.iter().find(|c| c.rule.id == "request-one-of-overlap").unwrap_or_else(|| panic!("{split:?}"));
    assert_eq!(overlap.severity, Severity::Breaking);
}
