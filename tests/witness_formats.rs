//! Witnesses of GraphQL, protobuf and TypeScript breaking changes. Every fixture of these formats
//! with a breaking change has a `witness` file next to `expected`, one line per breaking change:
//! `rule-id | pointer | kind | instance` (the operation, bytes or code checked, as JSON) or, for
//! `none`, `rule-id | pointer | none | reason`. `APIDIFF_BLESS=1` rewrites them; read what it wrote.
//! The witnesses are also checked with validators apidiff did not write: graphql-core's
//! `validate`, the protobuf runtime's decoder and `tsc --noEmit` (`tests/witness/*.py`).

mod common_fixture;
mod common_service;

use apidiff::diff::{self, Change, Options, Severity, WitnessKind};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions, Spec};
use common_fixture::entry;
use common_service::tsc;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn load(case: &Path, side: &str) -> Option<Spec> {
    let imports = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/protobuf-imports");
    let opts = LoadOptions { proto_includes: vec![imports], ..LoadOptions::default() };
    let path = entry(case, side)?;
    let rel = path.strip_prefix(case).unwrap().to_string_lossy().into_owned();
    let input = Input::open(&rel, case).ok()?;
    spec::load(&input, &opts).ok()
}

/// The breaking changes of a case, with witnesses, and both specs.
fn witnessed(case: &Path) -> Option<(Spec, Spec, Vec<Change>)> {
    let (base, rev) = (load(case, "base")?, load(case, "revision")?);
    let mut opts = Options { today: "2026-06-01".into(), ..Options::default() };
    if let Ok(category) = std::fs::read_to_string(case.join("category")) {
        opts.proto_category = apidiff::diff::Category::choose(category.trim()).expect("a buf category in the fixture");
    }
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

fn cases(format: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format);
    let mut these: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    these.sort();
    these
}

fn assert_witness_files(format: &str) {
    let bless = std::env::var_os("APIDIFF_BLESS").is_some();
    let mut failures = Vec::new();
    let mut proved = 0;
    for case in cases(format) {
        let Some((_, _, changes)) = witnessed(&case) else { continue };
        proved += changes.iter().filter(|c| c.witness.as_ref().is_some_and(|w| w.proves())).count();
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
    assert!(proved > 0, "no {format} fixture carries a witness");
}

#[test]
fn every_breaking_graphql_fixture_asserts_its_witness() {
    assert_witness_files("graphql");
}

#[test]
fn every_breaking_protobuf_fixture_asserts_its_witness() {
    assert_witness_files("protobuf");
}

#[allow(clippy::print_stderr)]
fn python() -> Option<PathBuf> {
    let path = std::env::var_os("APIDIFF_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/apidiff-test-assets/venv/bin/python"));
    let ok = Command::new(&path).args(["-c", "import graphql, google.protobuf, grpc_tools"]).output().is_ok_and(|o| o.status.success());
    if ok {
        return Some(path);
    }
    let note = format!(
        "{} with graphql-core, protobuf and grpcio-tools is missing (set APIDIFF_TEST_PYTHON or run scripts/deps.sh)",
        path.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {note}");
    eprintln!("skipping: {note}");
    None
}

/// Runs a checker script over `jobs`; returns how many it checked.
fn run_checker(python: &Path, script: &str, jobs: &[serde_json::Value]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.json");
    std::fs::write(&file, serde_json::to_string(jobs).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/witness").join(script);
    let out = Command::new(python).arg(script).arg(&file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the independent checker disagrees with apidiff's witnesses:\n{text}{err}");
    assert!(err.contains(", 0 disagree"), "{err}");
    err.split("checked ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[test]
fn graphql_witnesses_agree_with_graphql_core() {
    let Some(python) = python() else { return };
    let mut jobs = Vec::new();
    for case in cases("graphql") {
        let Some((Spec::GraphQl(base), Spec::GraphQl(rev), changes)) = witnessed(&case) else { continue };
        for c in &changes {
            let Some(w) = c.witness.as_ref().filter(|w| w.proves()) else { continue };
            let inst = w.instance.as_ref().expect("an operation witness carries its operation");
            jobs.push(json!({
                "case": case.file_name().unwrap().to_string_lossy(),
                "rule": c.rule.id,
                "kind": w.kind.as_str(),
                "base": base.text,
                "revision": rev.text,
                "query": inst["query"],
                "variables": inst["variables"],
                "response": inst.get("response"),
            }));
        }
    }
    let checked = run_checker(&python, "graphql_check.py", &jobs);
    assert_eq!(checked, jobs.len());
    assert!(checked >= 20, "only {checked} GraphQL witnesses to check");
}

/// `api-description-removed`: the witness of a deleted schema (an operation selecting its first
/// root field) validates against the base with graphql-core and not against a schema whose
/// roots are empty (the placeholder field apidiff compares with), for every GraphQL fixture.
#[test]
fn removed_schema_witnesses_agree_with_graphql_core() {
    let Some(python) = python() else { return };
    let mut jobs = Vec::new();
    let opts = Options { today: "2026-06-01".into(), ..Options::default() };
    for case in cases("graphql") {
        let Some(Spec::GraphQl(base)) = load(&case, "base") else { continue };
        let w = apidiff::witness::removed_description(&Spec::GraphQl(base.clone()), "schema.graphql", &opts);
        if !w.proves() {
            continue;
        }
        assert_eq!(w.kind, WitnessKind::Operation, "{}: {w:?}", case.display());
        let inst = w.instance.as_ref().expect("an operation witness carries its operation");
        jobs.push(json!({
            "case": case.file_name().unwrap().to_string_lossy(),
            "rule": "api-description-removed",
            "kind": "operation",
            "base": base.text,
            "revision": "type Query { _apidiffRemoved: Boolean }\ntype Mutation { _apidiffRemoved: Boolean }\ntype Subscription { _apidiffRemoved: Boolean }\n",
            "query": inst["query"],
            "variables": inst["variables"],
        }));
    }
    let checked = run_checker(&python, "graphql_check.py", &jobs);
    assert_eq!(checked, jobs.len());
    assert!(checked >= 20, "only {checked} removed-schema witnesses to check");
}

#[test]
fn every_breaking_typescript_fixture_asserts_its_witness() {
    assert_witness_files("typescript");
}

/// One side of a protobuf case as the checker compiles it: its import root and its files.
fn proto_side(case: &Path, side: &str) -> serde_json::Value {
    let imports = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/protobuf-imports");
    let dir = case.join(side);
    let (root, files) = if dir.is_dir() {
        let mut files: Vec<String> = walk(&dir).into_iter().map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned()).collect();
        files.sort();
        (dir, files)
    } else {
        (case.to_path_buf(), vec![format!("{side}.proto")])
    };
    json!({"root": root, "files": files, "includes": [imports]})
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "proto") {
            out.push(p);
        }
    }
    out
}

#[test]
fn protobuf_witnesses_agree_with_the_protobuf_runtime() {
    let Some(python) = python() else { return };
    let mut jobs = Vec::new();
    for case in cases("protobuf") {
        let Some((_, _, changes)) = witnessed(&case) else { continue };
        for c in &changes {
            let Some(inst) = c.witness.as_ref().filter(|w| w.proves()).and_then(|w| w.instance.as_ref()) else { continue };
            // An option's or a property's value is not a symbol a descriptor pool resolves.
            if inst.get("symbol").is_some() && inst.get("base").is_some() {
                continue;
            }
            jobs.push(json!({
                "case": case.file_name().unwrap().to_string_lossy(),
                "rule": c.rule.id,
                "base": proto_side(&case, "base"),
                "revision": proto_side(&case, "revision"),
                "instance": inst,
            }));
        }
    }
    let wire = jobs.iter().filter(|j| j["instance"].get("hex").is_some() || j["instance"].get("json").is_some()).count();
    let checked = run_checker(&python, "protobuf_check.py", &jobs);
    assert_eq!(checked, jobs.len());
    assert!(wire >= 15, "only {wire} wire witnesses to check");
}

/// Places one side's declarations in `dir` and the snippet next to them (`./api` is the
/// declarations file; for a folder case, its `main` entry).
fn place(case: &Path, side: &str, dir: &Path, code: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let folder = case.join(side);
    let code = if folder.is_dir() {
        for p in walk_all(&folder) {
            let to = dir.join(p.strip_prefix(&folder).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&p, to).unwrap();
        }
        code.replace("\"./api\"", "\"./main\"")
    } else {
        std::fs::copy(entry(case, side).unwrap(), dir.join("api.d.ts")).unwrap();
        code.to_string()
    };
    std::fs::write(dir.join("witness.ts"), code).unwrap();
}

fn walk_all(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk_all(&p)) } else { out.push(p) }
    }
    out
}

/// Runs `tsc --noEmit` (strict) once over every snippet of `jobs` (`(case, rule, code)`) placed
/// against both sides; returns the disagreements.
fn tsc_disagreements(tsc: &Path, jobs: &[(PathBuf, &str, String)]) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    // Modules the declarations import and the test does not install read as `any`.
    std::fs::write(tmp.path().join("stubs.d.ts"), "declare module \"csstype\";\ndeclare module \"prop-types\";\n").unwrap();
    for (i, (case, _, code)) in jobs.iter().enumerate() {
        place(case, "base", &tmp.path().join(format!("w{i}/base")), code);
        place(case, "revision", &tmp.path().join(format!("w{i}/revision")), code);
    }
    // One program per side: a `declare global` of one side's declarations must not reach the other's snippets.
    let mut text = String::new();
    for side in ["base", "revision"] {
        let config = json!({"compilerOptions": {"strict": true, "noEmit": true, "skipLibCheck": true, "esModuleInterop": true,
            "module": "commonjs", "target": "es2020", "lib": ["es2020", "dom"], "types": [], "jsx": "react"},
            "include": [format!("w*/{side}/witness.ts"), "stubs.d.ts"]});
        std::fs::write(tmp.path().join("tsconfig.json"), config.to_string()).unwrap();
        let out = Command::new(tsc).arg("-p").arg(tmp.path()).current_dir(tmp.path()).output().unwrap();
        text.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    let mut bad = Vec::new();
    for (i, (case, rule, code)) in jobs.iter().enumerate() {
        let errors = |side: &str| text.lines().filter(|l| l.starts_with(&format!("w{i}/{side}/witness.ts"))).collect::<Vec<_>>();
        let (b, r) = (errors("base"), errors("revision"));
        if !b.is_empty() || r.is_empty() {
            bad.push(format!("{} {rule}: base errors {b:?}, revision errors {r:?}\n{code}", case.display()));
        }
    }
    bad
}

#[test]
fn typescript_witnesses_agree_with_tsc() {
    let Some(tsc) = tsc() else { return };
    let mut jobs = Vec::new();
    for case in cases("typescript") {
        let Some((_, _, changes)) = witnessed(&case) else { continue };
        for c in &changes {
            let Some(code) = c.witness.as_ref().filter(|w| w.proves()).and_then(|w| w.instance.as_ref()).and_then(|v| v.as_str()) else {
                continue;
            };
            jobs.push((case.clone(), c.rule.id, code.to_string()));
        }
    }
    assert!(jobs.len() >= 20, "only {} TypeScript witnesses to check", jobs.len());
    let bad = tsc_disagreements(&tsc, &jobs);
    assert!(bad.is_empty(), "tsc disagrees with {} of {} witnesses:\n{}", bad.len(), jobs.len(), bad.join("\n"));
}

/// The measure: at least 90% of each format's breaking rules have a witness builder.
#[test]
fn ninety_percent_of_breaking_rules_have_a_witness_builder() {
    use apidiff::diff::registry;
    for format in [apidiff::spec::Format::GraphQl, apidiff::spec::Format::Protobuf, apidiff::spec::Format::TypeScript] {
        let breaking: Vec<_> = registry::all().filter(|r| r.format == format && r.severity == Severity::Breaking).collect();
        let built = breaking.iter().filter(|r| registry::proof(r).is_some()).count();
        assert!(built * 100 >= breaking.len() * 90, "{format:?}: {built} of {} breaking rules have a witness builder", breaking.len());
    }
}
