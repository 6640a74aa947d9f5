//! The registry's guarantees: unique kebab-case ids, documentation under the fixed headings,
//! and at least one fixture case producing every rule.

use apidiff::diff::registry;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

#[test]
fn ids_are_unique_and_kebab_case() {
    let mut seen = HashSet::new();
    for r in registry::all() {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert!(
            !r.id.is_empty() && r.id.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "rule id {} is not kebab-case",
            r.id
        );
        assert!(!r.summary.is_empty(), "{} has no summary", r.id);
    }
    for (old, new) in registry::REDIRECTS {
        assert!(!seen.contains(old), "redirected id {old} is still a rule");
        assert!(seen.contains(new), "redirect target {new} is not a rule");
    }
}

#[test]
fn every_rule_is_documented() {
    for r in registry::all() {
        for heading in ["## What it detects", "## Why it matters", "## Example", "## How to migrate"] {
            assert!(r.docs.contains(heading), "{} lacks `{heading}` in its doc comment", r.id);
        }
    }
}

fn collect_expected(dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_expected(&p, out);
        } else if p.file_name().is_some_and(|n| n == "expected") {
            let text = std::fs::read_to_string(&p).unwrap();
            // Lines are `rule-id | operation | pointer`.
            out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(|l| l.split(" | ").next().unwrap_or(l).to_string()),
            );
        }
    }
}

/// Rules no base/revision pair can express (a spec deleted from or moved within a repository is
/// seen only by `apidiff check`, from its discovery and the store), each with the integration
/// test, as `file.rs::function`, that covers it instead of a fixture.
const COVERED_BY_TESTS: &[(&str, &str)] = &[
    ("api-description-removed", "check.rs::deleted_spec_is_a_reported_change"),
    ("api-description-renamed", "check.rs::moved_spec_is_a_rename"),
    ("api-description-moved", "check.rs::pull_request_moved_spec_is_compared_with_its_old_path"),
];

#[test]
fn rules_covered_by_tests_name_existing_tests() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for (id, at) in COVERED_BY_TESTS {
        assert!(registry::find(id).is_some_and(|r| r.id == *id), "{id} is not a rule");
        let (file, function) = at.split_once("::").unwrap();
        let text = std::fs::read_to_string(tests.join(file)).unwrap_or_else(|e| panic!("{at}: {e}"));
        let decl = format!("#[test]\nfn {function}() {{");
        assert!(text.contains(&decl), "{id}: no test function `{function}` in tests/{file}");
    }
}

#[test]
fn every_rule_has_a_fixture() {
    let mut covered = BTreeSet::new();
    collect_expected(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"), &mut covered);
    let by_tests: BTreeSet<String> = COVERED_BY_TESTS.iter().map(|(id, _)| id.to_string()).collect();
    assert!(
        by_tests.is_disjoint(&covered),
        "rules with a fixture need no entry in COVERED_BY_TESTS: {:?}",
        by_tests.intersection(&covered).collect::<Vec<_>>()
    );
    covered.extend(by_tests);
    let missing: Vec<&str> = registry::all().map(|r| r.id).filter(|id| !covered.contains(*id)).collect();
    assert!(missing.is_empty(), "rules without a fixture case: {missing:?}");
    let known: HashSet<&str> = registry::all().map(|r| r.id).collect();
    let unknown: Vec<&String> = covered.iter().filter(|id| !known.contains(id.as_str())).collect();
    assert!(unknown.is_empty(), "fixture `expected` files name unknown rules: {unknown:?}");
}
