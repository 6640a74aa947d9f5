//! Archived records written by every earlier version of apidiff still read, convert to the
//! report, and show up in `history` and `show`; a record from a newer version is refused with an
//! error naming it, and nothing in the store is touched.

use apidiff::report::ReportChange;
use apidiff::store::Entry;
use apidiff::store::stored::{RECORD_VERSION, StoredChange};
use std::path::{Path, PathBuf};

const EARLIER: [&str; 4] = ["2026-11-26-first.json", "2026-12-01-owners.json", "2026-12-02-live.json", "2026-12-06-witness.json"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records").join(name)
}

fn apidiff(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(dir).args(args).output().unwrap()
}

/// A folder store holding the given records.
fn store_with(records: &[(&str, String)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let entries = d.path().join(".apidiff/records/entries");
    std::fs::create_dir_all(&entries).unwrap();
    std::fs::write(d.path().join(".apidiff/apidiff-store.json"), "{\"layout\": 1}\n").unwrap();
    for (name, text) in records {
        std::fs::write(entries.join(name), text).unwrap();
    }
    d
}

#[test]
fn every_earlier_record_reads_and_converts_both_ways() {
    for name in EARLIER {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let e: Entry = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(e.version, 1, "{name}: an unversioned record is version 1");
        assert!(!e.changes.is_empty(), "{name}");
        for c in &e.changes {
            let report = ReportChange::from(c);
            assert_eq!(report.fingerprint, c.fingerprint);
            assert_eq!(&StoredChange::from(&report), c, "{name}: the conversion loses nothing");
        }
        // Written back by this version, it reads the same.
        let again: Entry = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(again.changes, e.changes, "{name}");
    }
    assert_eq!(RECORD_VERSION, 1);
}

#[test]
fn earlier_records_show_in_history_and_show() {
    let records: Vec<(&str, String)> = EARLIER.iter().map(|n| (*n, std::fs::read_to_string(fixture(n)).unwrap())).collect();
    let d = store_with(&records);
    std::process::Command::new("git").args(["init", "-q"]).current_dir(d.path()).status().unwrap();
    let out = apidiff(d.path(), &["history", "--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for id in ["1f0c2a9b7d3e", "2a7e9c1d0b3f", "3b8f0d2e1c4a", "4c9a1e3f2d5b"] {
        assert!(text.contains(id), "history lists {id}: {text}");
    }
    let out = apidiff(d.path(), &["export", "--format", "markdown"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for message in ["field `User.email` was removed", "property `tag` became optional", "endpoint `POST /orders` was added"] {
        assert!(text.contains(message), "{message}: {text}");
    }
}

#[test]
fn a_stored_witness_reads_back_into_the_report_and_older_records_have_none() {
    let text = std::fs::read_to_string(fixture("2026-12-06-witness.json")).unwrap();
    let e: Entry = serde_json::from_str(&text).unwrap();
    let w = ReportChange::from(&e.changes[0]).witness.expect("the stored witness reads back");
    assert_eq!(w.kind, apidiff::diff::WitnessKind::Request);
    assert_eq!(w.instance, Some(serde_json::json!({})));
    assert!(w.revision.as_ref().is_some_and(|v| !v.accepts && v.error.as_deref().unwrap_or("").contains("`age` is missing")));
    for name in &EARLIER[..3] {
        let e: Entry = serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap();
        assert!(e.changes.iter().all(|c| c.witness.is_none() && ReportChange::from(c).witness.is_none()), "{name}");
    }
}

/// Usage is recorded with the verdict it decided (2026-12-07): it reads back into the report as
/// it was, both ways without loss; every earlier record has none and still reads.
#[test]
fn recorded_usage_reads_back_and_earlier_records_have_none() {
    let text = std::fs::read_to_string(fixture("2026-12-07-usage.json")).unwrap();
    let e: Entry = serde_json::from_str(&text).unwrap();
    assert_eq!(e.version, 1);
    let used = ReportChange::from(&e.changes[0]);
    let apidiff::usage::Usage::Known(k) = used.usage.clone().expect("the recorded usage reads back") else {
        panic!("known usage expected: {:?}", used.usage)
    };
    assert_eq!((k.requests, k.clients, k.module_requests, k.window.as_str()), (1200, 2, 5000, "30d"));
    assert_eq!(k.last_seen.as_deref(), Some("2026-12-06T23:59:00Z"));
    assert_eq!(k.top_clients[0].client, "web");
    assert_eq!(k.top_clients[0].requests, 1150);
    assert_eq!(used.usage_note.as_deref(), Some("breaks web (1150), ios (50) (1200 of 5000 requests in 30 days)"));
    let unused = ReportChange::from(&e.changes[1]);
    assert_eq!(unused.severity, apidiff::diff::Severity::Warning);
    assert!(unused.usage_note.as_deref().is_some_and(|n| n.starts_with("0 of 5000 requests in 30 days")), "{unused:?}");
    for c in &e.changes {
        assert_eq!(&StoredChange::from(&ReportChange::from(c)), c, "the conversion loses nothing");
    }
    let again: Entry = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(again.changes, e.changes);
    // `{known: false}` is recorded as such, never as zero requests.
    let mut unknown = ReportChange::from(&e.changes[0]);
    unknown.usage = Some(apidiff::usage::Usage::unknown());
    let stored = StoredChange::from(&unknown);
    assert_eq!(serde_json::to_value(&stored).unwrap()["usage"], serde_json::json!({"known": false}));
    assert_eq!(ReportChange::from(&stored).usage, Some(apidiff::usage::Usage::unknown()));
    for name in EARLIER {
        let e: Entry = serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap();
        assert!(e.changes.iter().all(|c| c.usage.is_none() && ReportChange::from(c).usage.is_none()), "{name}");
    }
}

#[test]
fn a_record_from_a_newer_version_is_refused_by_name_and_nothing_is_lost() {
    let mut newer: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(fixture(EARLIER[0])).unwrap()).unwrap();
    newer["version"] = serde_json::json!(RECORD_VERSION + 1);
    let newer = serde_json::to_string(&newer).unwrap();
    let d = store_with(&[("1f0c2a9b7d3e4c5a6b7d.json", newer.clone())]);
    std::process::Command::new("git").args(["init", "-q"]).current_dir(d.path()).status().unwrap();
    let out = apidiff(d.path(), &["history"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("records/entries/1f0c2a9b7d3e4c5a6b7d.json") && err.contains("newer than this apidiff reads"), "{err}");
    let kept = std::fs::read_to_string(d.path().join(".apidiff/records/entries/1f0c2a9b7d3e4c5a6b7d.json")).unwrap();
    assert_eq!(kept, newer);
}

#[test]
fn a_format_this_version_does_not_know_reads_as_any() {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(fixture(EARLIER[0])).unwrap()).unwrap();
    v["format"] = serde_json::json!("smithy");
    v["changes"][0]["format"] = serde_json::json!("smithy");
    let e: Entry = serde_json::from_value(v).unwrap();
    assert_eq!(e.format, apidiff::diff::Format::Any);
    assert_eq!(e.changes[0].format, apidiff::diff::Format::Any);
}
