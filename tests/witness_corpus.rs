//! Witness coverage on the real pairs of the shared corpus (`APIDIFF_CORPUS`, else
//! `../shared/corpus`; present on CI): at least 95% of the breaking changes of each pair carry a
//! witness (issue #26). The figures per pair are printed for BENCHMARKS-style reading.

use apidiff::diff::{self, Options, Severity};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions, Spec};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("APIDIFF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let found = [dir, "/work/shared/corpus".into()].into_iter().find(|d| d.join("openapi/github-rest-16.0.0.json").is_file());
    assert!(found.is_some() || std::env::var("CI").as_deref() != Ok("true"), "the shared corpus (APIDIFF_CORPUS) is missing");
    found
}

fn load(dir: &Path, file: &str) -> Spec {
    let input = Input::open(file, dir).unwrap();
    spec::load(&input, &LoadOptions::default()).unwrap()
}

/// (breaking changes, with a witness, the unproven ones as `rule: reason`).
fn coverage(dir: &Path, base: &str, rev: &str) -> (usize, usize, Vec<String>) {
    let (b, r) = (load(dir, base), load(dir, rev));
    let mut changes = diff::compare(&b, &r, &Options { today: "2026-06-01".into(), ..Options::default() }).unwrap();
    apidiff::witness::attach(&b, &r, &mut changes);
    let breaking: Vec<_> = changes.iter().filter(|c| c.severity == Severity::Breaking).collect();
    let proved = breaking.iter().filter(|c| c.witness.as_ref().is_some_and(|w| w.proves())).count();
    let unproven = breaking
        .iter()
        .filter_map(|c| {
            let w = c.witness.as_ref()?;
            (!w.proves()).then(|| format!("{} {}: {}", c.rule.id, c.operation.as_deref().unwrap_or("-"), w.line()))
        })
        .collect();
    (breaking.len(), proved, unproven)
}

const PAIRS: &[(&str, &str)] = &[
    ("openapi/github-rest-16.0.0.json", "openapi/github-rest-16.6.0.json"),
    ("openapi/kubernetes-1.10.swagger.json", "openapi/kubernetes-1.11.swagger.json"),
    ("openapi/kubernetes-oas3-1.1.1.json", "openapi/kubernetes-oas3-1.3.12.json"),
    ("openapi/figma-0.10.0.yaml", "openapi/figma-0.30.0.yaml"),
    ("asyncapi/slack-rtm-2.3.0.yml", "asyncapi/slack-rtm-2.6.0.yml"),
    ("asyncapi/streetlights-mqtt-3.0.0.yml", "asyncapi/streetlights-mqtt-3.1.0.yml"),
];

#[test]
#[allow(clippy::print_stderr)]
fn at_least_95_percent_of_the_corpus_breaking_changes_carry_a_witness() {
    let Some(dir) = corpus() else {
        eprintln!("note: skipping, no shared corpus");
        return;
    };
    let mut short = Vec::new();
    for (base, rev) in PAIRS {
        let (n, proved, unproven) = coverage(&dir, base, rev);
        let pct = if n == 0 { 100.0 } else { 100.0 * proved as f64 / n as f64 };
        let vacuous = if n == 0 { " (no breaking change: the pair proves nothing about witnesses)" } else { "" };
        eprintln!("{base} -> {rev}: {proved} of {n} breaking changes carry a witness ({pct:.1}%){vacuous}");
        for u in unproven.iter().take(40) {
            eprintln!("  unproven: {u}");
        }
        if pct < 95.0 {
            short.push(format!("{base} -> {rev}: {proved} of {n} ({pct:.1}%)"));
        }
    }
    assert!(short.is_empty(), "pairs under 95% witnessed:\n{}", short.join("\n"));
}

/// `api-description-removed` on real descriptions: each corpus file, deleted, carries a witness
/// for the first thing a client used (the AsyncAPI pairs have no breaking change between their
/// versions, so this is where the corpus exercises AsyncAPI witnesses).
#[test]
#[allow(clippy::print_stderr)]
fn every_corpus_description_removed_carries_a_witness() {
    let Some(dir) = corpus() else {
        eprintln!("note: skipping, no shared corpus");
        return;
    };
    let files = PAIRS.iter().flat_map(|(b, r)| [*b, *r]).chain(["asyncapi/kraken-websocket-3.0.0.yml"]);
    let opts = Options { today: "2026-06-01".into(), ..Options::default() };
    for file in files {
        let w = apidiff::witness::removed_description(&load(&dir, file), file, &opts);
        eprintln!("{file} removed: {}", w.line());
        assert!(w.proves(), "{file}: {w:?}");
        let (b, r) = (w.base.as_ref().unwrap(), w.revision.as_ref().unwrap());
        assert!(b.accepts && !b.pointer.is_empty() && !r.accepts && r.file == file, "{file}: {w:?}");
        let what = if file.starts_with("asyncapi/") { "/channels/" } else { "/paths/" };
        assert!(b.pointer.starts_with(what), "{file}: the first {what} is what a client used: {w:?}");
    }
}
