//! Fixture pairs: `fixtures/<format>/<case>/` holds `base.<ext>` and `revision.<ext>` (or folders
//! `base/` and `revision/` whose entry file is named `main.<ext>`, or, without one, a protobuf
//! package or tree compared folder against folder), and `expected`: the exact set
//! of changes the comparison must produce, one per line as `rule-id | operation | pointer` (the
//! operation is `-` when there is none; the pointer is the revision's, else the base's), and an
//! empty file for negative cases. `APIDIFF_BLESS=1` rewrites the files from what is produced;
//! read every rewritten line before committing it.

mod common_fixture;

use apidiff::diff::{self, Options};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions};
use common_fixture::entry;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Runs one case and returns the produced changes as `rule-id | operation | pointer` lines.
pub fn produced(case: &Path) -> Result<BTreeSet<String>, String> {
    // googleapis' `google/api/*.proto`, imported by the `google.api.http` cases.
    let imports = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/protobuf-imports");
    let opts = LoadOptions { proto_includes: vec![imports], ..LoadOptions::default() };
    let cwd = case.to_path_buf();
    let load = |side: &str| -> Result<spec::Spec, String> {
        let path = entry(case, side).unwrap_or_else(|| panic!("{}: no {side}.* file", case.display()));
        let rel = path.strip_prefix(&cwd).unwrap().to_string_lossy().into_owned();
        let input = Input::open(&rel, &cwd).map_err(|e| e.to_string())?;
        spec::load(&input, &opts).map_err(|e| e.to_string())
    };
    let base = load("base")?;
    let rev = load("revision")?;
    // An optional `category` file picks the protobuf rule category (default PACKAGE).
    let mut dopts = Options { today: "2026-06-01".into(), ..Options::default() };
    if let Ok(category) = std::fs::read_to_string(case.join("category")) {
        dopts.proto_category = apidiff::diff::Category::choose(category.trim()).expect("a buf category in the fixture");
    }
    let changes = diff::compare(&base, &rev, &dopts).map_err(|e| e.to_string())?;
    Ok(changes
        .iter()
        .map(|c| {
            let pointer = c.revision.as_ref().or(c.base.as_ref()).map_or("-", |l| l.pointer.as_str());
            format!("{} | {} | {}", c.rule.id, c.operation.as_deref().unwrap_or("-"), pointer)
        })
        .collect())
}

fn expected(case: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(case.join("expected")).unwrap_or_else(|_| panic!("{}: no `expected` file", case.display()));
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

fn run_format(format: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format);
    let dir = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: the {format} fixtures are missing: {e}", root.display()));
    let bless = std::env::var_os("APIDIFF_BLESS").is_some();
    let mut cases: Vec<PathBuf> = dir.map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        if bless && let Ok(got) = produced(case) {
            let old = std::fs::read_to_string(case.join("expected")).unwrap_or_default();
            let comments: String = old.lines().filter(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
            let text: String = comments + &got.iter().map(|l| format!("{l}\n")).collect::<String>();
            std::fs::write(case.join("expected"), text).unwrap();
        }
        let want = expected(case);
        match produced(case) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!(
                "{}:\n  missing: {:?}\n  unexpected: {:?}",
                case.display(),
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            )),
            Err(e) => failures.push(format!("{}: error: {e}", case.display())),
        }
    }
    assert!(!cases.is_empty(), "{}: no fixture cases", root.display());
    assert!(failures.is_empty(), "{} of {} {format} fixture cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn openapi_fixtures() {
    run_format("openapi");
}

#[test]
fn graphql_fixtures() {
    run_format("graphql");
}

#[test]
fn asyncapi_fixtures() {
    run_format("asyncapi");
}

#[test]
fn typescript_fixtures() {
    run_format("typescript");
}

#[test]
fn protobuf_fixtures() {
    run_format("protobuf");
}
