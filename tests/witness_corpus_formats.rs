//! Witness coverage on the real pairs of the shared corpus (GitHub GraphQL 14.0 → 14.58, Pub/Sub
//! protobuf 4.0.0 → 6.0.1, React types 18.3 → 19.2): at least 95% of the breaking changes of
//! each pair carry a witness, and every React witness is checked with `tsc --noEmit` against both
//! versions. The figures are printed
//! (`--nocapture`).

mod common_service;

use apidiff::diff::{self, Options, Severity};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions, Spec};
use common_service::tsc;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared corpus: `APIDIFF_CORPUS`, else `../shared/corpus` next to the repository.
fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("APIDIFF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let found = [dir, "/work/shared/corpus".into()].into_iter().find(|d| d.join("graphql/github-14.0.0.graphql").is_file());
    assert!(found.is_some() || std::env::var("CI").as_deref() != Ok("true"), "the shared corpus (APIDIFF_CORPUS) is missing");
    found
}

fn load(root: &Path, rel: &str, includes: Vec<PathBuf>) -> Spec {
    let input = Input::open_within(rel, root, &includes).unwrap();
    spec::load(&input, &LoadOptions { proto_includes: includes, ..LoadOptions::default() }).unwrap()
}

/// (breaking changes, with a witness) of a pair.
fn coverage(base: &Spec, rev: &Spec) -> (usize, usize, Vec<String>) {
    let mut changes = diff::compare(base, rev, &Options::default()).unwrap();
    apidiff::witness::attach(base, rev, &mut changes);
    let breaking: Vec<_> = changes.iter().filter(|c| c.severity == Severity::Breaking).collect();
    let proved = breaking.iter().filter(|c| c.witness.as_ref().is_some_and(|w| w.proves())).count();
    let missing = breaking
        .iter()
        .filter(|c| !c.witness.as_ref().is_some_and(|w| w.proves()))
        .map(|c| {
            format!("{} {}: {}", c.rule.id, c.operation.as_deref().unwrap_or("-"), c.witness.as_ref().map(|w| w.line()).unwrap_or_default())
        })
        .collect();
    (breaking.len(), proved, missing)
}

/// Asserts that at least `percent`% of the pair's breaking changes carry a witness.
#[allow(clippy::print_stderr)]
fn assert_covered(name: &str, base: &Spec, rev: &Spec, percent: usize) {
    let (total, proved, missing) = coverage(base, rev);
    eprintln!("{name}: {proved} of {total} breaking changes carry a witness");
    for m in missing.iter().take(40) {
        eprintln!("  {m}");
    }
    assert!(proved * 100 >= total * percent, "{name}: only {proved} of {total} breaking changes carry a witness");
}

#[test]
fn github_graphql_pair_is_witnessed() {
    let Some(root) = corpus() else { return };
    let g = root.join("graphql");
    assert_covered(
        "GitHub GraphQL 14.0.0 → 14.58.0",
        &load(&g, "github-14.0.0.graphql", vec![]),
        &load(&g, "github-14.58.0.graphql", vec![]),
        95,
    );
}

#[test]
fn pubsub_protobuf_pair_is_witnessed() {
    let Some(root) = corpus() else { return };
    let p = root.join("protobuf");
    let side = |v: &str| load(&p.join(v), "google/pubsub/v1", vec![p.join(v)]);
    assert_covered("Pub/Sub 4.0.0 → 6.0.1", &side("pubsub-4.0.0"), &side("pubsub-6.0.1"), 95);
}

/// 114 of React's 119 breaking changes carry a witness (95.8%). Changes no consumer code tells
/// apart under `tsc` are not rated breaking: unions gaining `X[keyof X]` of an empty interface
/// (`never`), types that only renamed their type parameters, handlers made from method
/// signatures whose event types extend one another, union members traded for an interface of
/// the same shape (`ForwardedRef`), alias constraints that only loosened (`ElementRef`), and
/// properties that became `any` (`ts-property-type-became-any`, info). The five left each carry
/// their reason (four conditional aliases whose old definitions nest other changed conditional
/// aliases, and a module-private alias no consumer names). Every witness is checked by tsc.
#[test]
fn react_types_pair_is_witnessed() {
    let Some(root) = corpus() else { return };
    let t = root.join("typescript");
    let (base, rev) = (load(&t, "react-18.3.31.d.ts", vec![]), load(&t, "react-19.2.18.d.ts", vec![]));
    assert_covered("React types 18.3.31 → 19.2.18", &base, &rev, 95);
}

/// Every React witness type-checks against 18.3 and not against 19.2 (`tsc --noEmit`, strict;
/// one program per side, the modules React imports read as `any`).
#[test]
fn react_witnesses_agree_with_tsc() {
    let (Some(root), Some(tsc)) = (corpus(), tsc()) else { return };
    let t = root.join("typescript");
    let (base, rev) = (load(&t, "react-18.3.31.d.ts", vec![]), load(&t, "react-19.2.18.d.ts", vec![]));
    let mut changes = diff::compare(&base, &rev, &Options::default()).unwrap();
    apidiff::witness::attach(&base, &rev, &mut changes);
    let jobs: Vec<(String, String)> = changes
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .filter_map(|c| {
            let code = c.witness.as_ref().filter(|w| w.proves())?.instance.as_ref()?.as_str()?.to_string();
            Some((format!("{} {}", c.rule.id, c.base.as_ref().map(|l| l.pointer.as_str()).unwrap_or("-")), code))
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("stubs.d.ts"), "declare module \"csstype\";\ndeclare module \"prop-types\";\n").unwrap();
    for (i, (_, code)) in jobs.iter().enumerate() {
        for (side, file) in [("base", "react-18.3.31.d.ts"), ("revision", "react-19.2.18.d.ts")] {
            let dir = tmp.path().join(format!("w{i}/{side}"));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(t.join(file), dir.join("api.d.ts")).unwrap();
            std::fs::write(dir.join("global.d.ts"), "").unwrap();
            std::fs::write(dir.join("witness.ts"), code).unwrap();
        }
    }
    let mut text = String::new();
    for side in ["base", "revision"] {
        let config = serde_json::json!({"compilerOptions": {"strict": true, "noEmit": true, "skipLibCheck": true,
            "esModuleInterop": true, "module": "commonjs", "target": "es2020", "lib": ["es2020", "dom"], "types": []},
            "include": [format!("w*/{side}/witness.ts"), "stubs.d.ts"]});
        std::fs::write(tmp.path().join("tsconfig.json"), config.to_string()).unwrap();
        let out = Command::new(&tsc).arg("-p").arg(tmp.path()).current_dir(tmp.path()).output().unwrap();
        text.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    let mut bad = Vec::new();
    for (i, (what, code)) in jobs.iter().enumerate() {
        let errors = |side: &str| text.lines().filter(|l| l.starts_with(&format!("w{i}/{side}/witness.ts"))).count();
        if errors("base") > 0 || errors("revision") == 0 {
            bad.push(format!("{what}: {} base errors, {} revision errors\n{code}", errors("base"), errors("revision")));
        }
    }
    assert!(jobs.len() >= 100, "only {} React witnesses to check", jobs.len());
    assert!(bad.is_empty(), "tsc disagrees with {} of {} React witnesses:\n{}", bad.len(), jobs.len(), bad.join("\n"));
}
