//! Witnesses of breaking changes. Every OpenAPI fixture with a breaking change has a `witness`
//! file next to `expected`, one line per breaking change: `rule-id | pointer | kind | instance`
//! (the JSON value checked, `-` when the witness is a request without one) or, for `none`,
//! `rule-id | pointer | none | reason`. `APIDIFF_BLESS=1` rewrites them; read what it wrote.
//! Every instance witness is also checked with Python's `jsonschema` (Draft 4 for Swagger 2.0 and
//! OpenAPI 3.0, 2020-12 for 3.1): each side must judge it as apidiff says.

mod common_fixture;

use apidiff::diff::{self, Change, Options, Severity, WitnessKind};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions, Spec};
use common_fixture::entry;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn load(case: &Path, side: &str) -> Option<Spec> {
    // A folder without a `main.*` entry (a protobuf tree) has no OpenAPI witness to check.
    let path = entry(case, side).filter(|p| p.is_file())?;
    let rel = path.strip_prefix(case).unwrap().to_string_lossy().into_owned();
    let input = Input::open(&rel, case).ok()?;
    spec::load(&input, &LoadOptions::default()).ok()
}

/// The breaking changes of a case, with witnesses, and both specs.
fn witnessed(case: &Path) -> Option<(Spec, Spec, Vec<Change>)> {
    let (base, rev) = (load(case, "base")?, load(case, "revision")?);
    let opts = Options { today: "2026-06-01".into(), ..Options::default() };
    let mut changes = diff::compare(&base, &rev, &opts).ok()?;
    apidiff::witness::attach(&base, &rev, &mut changes);
    changes.retain(|c| c.severity == Severity::Breaking || c.rule.severity == Severity::Breaking);
    Some((base, rev, changes))
}

fn line(c: &Change) -> String {
    let w = c.witness.as_ref().expect("every breaking change carries a witness");
    let pointer = c.revision.as_ref().or(c.base.as_ref()).map_or("-", |l| l.pointer.as_str());
    let what = match w.kind {
        WitnessKind::None => w.reason.clone().unwrap_or_default(),
        _ => w.instance.as_ref().map_or_else(|| "-".to_string(), |v| v.to_string()),
    };
    format!("{} | {pointer} | {} | {what}", c.rule.id, w.kind.as_str())
}

fn cases() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for format in ["openapi", "asyncapi"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format);
        let mut these: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
        these.sort();
        cases.extend(these);
    }
    cases
}

/// The root document of a side and the draft its schemas are checked with (Draft 4 for Swagger
/// 2.0 and OpenAPI 3.0, 2020-12 for OpenAPI 3.1 and AsyncAPI).
fn root_doc(s: &Spec) -> Option<(&apidiff::spec::refs::DocSet, u32)> {
    match s {
        Spec::OpenApi(a) => Some((&a.docs, if a.version == spec::openapi::Version::V31 { 2020 } else { 4 })),
        Spec::AsyncApi(a) => Some((&a.docs, 2020)),
        _ => None,
    }
}

#[test]
fn every_breaking_openapi_fixture_asserts_its_witness() {
    let bless = std::env::var_os("APIDIFF_BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases() {
        let Some((_, _, changes)) = witnessed(&case) else { continue };
        let mut got: Vec<String> = changes.iter().map(line).collect();
        got.sort();
        let file = case.join("witness");
        if bless {
            if got.is_empty() {
                let _ = std::fs::remove_file(&file);
            } else {
                std::fs::write(&file, got.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
            }
            continue;
        }
        let want: Vec<String> = std::fs::read_to_string(&file).map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n  want {want:#?}\n  got  {got:#?}", case.display()));
        }
    }
    assert!(failures.is_empty(), "witnesses differ (APIDIFF_BLESS=1 rewrites them):\n{}", failures.join("\n"));
}

#[test]
fn witnesses_are_deterministic() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi/response-became-nullable");
    let a: Vec<String> = witnessed(&case).unwrap().2.iter().map(line).collect();
    let b: Vec<String> = witnessed(&case).unwrap().2.iter().map(line).collect();
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn witness_off_leaves_changes_without_witnesses() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi/request-property-added-required");
    let (base, rev) = (load(&case, "base").unwrap(), load(&case, "revision").unwrap());
    let changes = diff::compare(&base, &rev, &Options::default()).unwrap();
    assert!(changes.iter().all(|c| c.witness.is_none()), "compare alone builds no witness");
}

#[allow(clippy::print_stderr)]
fn python() -> Option<PathBuf> {
    let path = std::env::var_os("APIDIFF_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/apidiff-test-assets/venv/bin/python"));
    if path.exists() {
        return Some(path);
    }
    let note = format!("{} is missing (set APIDIFF_TEST_PYTHON or run scripts/deps.sh)", path.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {note}");
    eprintln!("skipping: {note}");
    None
}

#[test]
fn instance_witnesses_agree_with_python_jsonschema() {
    let Some(python) = python() else { return };
    let mut jobs = Vec::new();
    for case in cases() {
        let Some((base, rev, changes)) = witnessed(&case) else { continue };
        for c in &changes {
            let Some(w) = c
                .witness
                .as_ref()
                .filter(|w| w.instance.is_some() && matches!(w.kind, WitnessKind::Request | WitnessKind::Response | WitnessKind::Message))
            else {
                continue;
            };
            let (Some(b), Some(r)) = (&w.base, &w.revision) else { continue };
            // Only verdicts against a schema (not against an operation) are JSON Schema questions.
            if !b.pointer.contains("schema") && !b.pointer.starts_with("/definitions") {
                continue;
            }
            let formats: Vec<String> = [b, r]
                .iter()
                .filter_map(|v| v.error.as_deref())
                .filter_map(|e| e.split_once("is not a valid `").and_then(|(_, rest)| rest.split_once('`')).map(|(f, _)| f.to_string()))
                .collect();
            for (side, spec_, v) in [("base", &base, b), ("revision", &rev, r)] {
                let Some((docs, draft)) = root_doc(spec_) else { continue };
                let doc = &docs.docs[0];
                if doc.input.name != v.file || docs.docs.len() > 1 {
                    continue;
                }
                jobs.push(json!({
                    "case": case.file_name().unwrap().to_string_lossy(),
                    "rule": c.rule.id,
                    "side": side,
                    "document": doc.value.to_string(),
                    "draft": draft,
                    "pointer": v.pointer,
                    "instance": w.instance,
                    "accepts": v.accepts,
                    "formats": formats,
                }));
            }
        }
    }
    assert!(jobs.len() >= 40, "only {} verdicts to check", jobs.len());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.json");
    std::fs::write(&file, serde_json::to_string(&jobs).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/witness/check.py");
    let out = Command::new(python).arg(script).arg(&file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "jsonschema disagrees with apidiff's witnesses:\n{text}{err}");
    let checked: usize = err.split("checked ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(checked >= 40 && err.contains(", 0 disagree"), "{err}");
}

#[test]
fn require_witness_turns_unproven_breaking_changes_into_warnings() {
    use apidiff::policy::{self, Policy};
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi/request-discriminator-changed");
    let (_, _, changes) = witnessed(&case).unwrap();
    assert!(changes.iter().any(|c| c.witness.as_ref().is_some_and(|w| !w.proves())), "the case has an unproven breaking change");
    let strict = policy::apply(changes.clone(), &Policy { require_witness: true, ..Policy::default() });
    assert!(strict.changes.iter().all(|c| c.severity != Severity::Breaking || c.witness.as_ref().is_some_and(|w| w.proves())));
    assert!(strict.changes.iter().any(|c| c.message.ends_with(policy::UNPROVEN_NOTE)));
    let lax = policy::apply(changes, &Policy::default());
    assert!(lax.changes.iter().any(|c| c.severity == Severity::Breaking), "without the setting they stay breaking");
}

fn apidiff(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(dir).args(args).env("NO_COLOR", "1").output().unwrap()
}

#[test]
fn the_json_report_carries_witnesses_unless_they_are_off() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi/request-property-added-required");
    let on = apidiff(&case, &["diff", "base.yaml", "revision.yaml", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&on.stdout).unwrap();
    assert_eq!(r["schema_version"], "1.3.0");
    let w = &r["changes"][0]["witness"];
    assert_eq!(w["kind"], "request", "{r}");
    assert_eq!(w["instance"], json!({}));
    assert_eq!(w["base"]["accepts"], true);
    assert_eq!(w["revision"]["accepts"], false);
    assert!(w["revision"]["error"].as_str().unwrap().contains("required property `age` is missing"), "{w}");
    let off = apidiff(&case, &["diff", "base.yaml", "revision.yaml", "--format", "json", "--witness", "off"]);
    let r: serde_json::Value = serde_json::from_slice(&off.stdout).unwrap();
    assert!(r["changes"][0].get("witness").is_none(), "{r}");
    let text = apidiff(&case, &["diff", "base.yaml", "revision.yaml"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("witness: POST /pets with body {}"));
}

#[test]
fn gate_require_witness_in_the_config_passes_an_unproven_break() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/openapi/request-discriminator-changed");
    let dir = tempfile::tempdir().unwrap();
    for f in ["base.yaml", "revision.yaml"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    assert_eq!(apidiff(dir.path(), &["diff", "base.yaml", "revision.yaml"]).status.code(), Some(1));
    std::fs::write(dir.path().join("apidiff.yaml"), "gate:\n  require_witness: true\n").unwrap();
    let out = apidiff(dir.path(), &["diff", "base.yaml", "revision.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
