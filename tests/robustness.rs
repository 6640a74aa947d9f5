//! Truncated and corrupted versions of every fixture must load or fail with a located error,
//! and compare without panicking: a cheap, deterministic stand-in for fuzzing in CI.

use apidiff::diff::{self, Options};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("base.")) {
            out.push(p);
        }
    }
}

/// Cuts `text` at `n` evenly spaced char boundaries, and also swaps a bracket for a quote.
fn mutations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let n = 8;
    for i in 1..n {
        let mut at = text.len() * i / n;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        out.push(text[..at].to_string());
        let mut broken = text.to_string();
        if let Some(pos) = broken[at..].find(['{', '[', ':', '(']) {
            broken.replace_range(at + pos..at + pos + 1, "\"");
        }
        out.push(broken);
    }
    out
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut all = Vec::new();
    files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"), &mut all);
    all.sort();
    assert!(all.len() > 100, "expected the fixture corpus, found {} files", all.len());
    let opts = LoadOptions::default();
    let dopts = Options::default();
    let mut loaded = 0;
    let mut rejected = 0;
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        let dir = path.parent().unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(original) = Input::open(&name, dir).and_then(|i| spec::load(&i, &opts)) else { continue };
        for m in mutations(&text) {
            let input = Input { text: m, ..Input::open(&name, dir).unwrap() };
            match spec::load(&input, &opts) {
                Ok(s) => {
                    loaded += 1;
                    // A spec compared with itself has no changes; against the original, the
                    // comparison gives a verdict or one located line, never a panic.
                    let same =
                        diff::compare(&s, &s, &dopts).unwrap_or_else(|e| panic!("{}: comparing with itself failed: {e}", path.display()));
                    assert!(
                        same.is_empty(),
                        "{}: a mutated spec differs from itself: {:?}",
                        path.display(),
                        same.iter().map(|c| c.rule.id).collect::<Vec<_>>()
                    );
                    for result in [diff::compare(&original, &s, &dopts), diff::compare(&s, &original, &dopts)] {
                        if let Err(e) = result {
                            assert!(!e.to_string().contains('\n'), "{}: errors are one line: {e}", path.display());
                        }
                    }
                }
                Err(e) => {
                    rejected += 1;
                    let msg = e.to_string();
                    assert!(msg.contains(&name), "the error names the file: {msg}");
                    assert!(!msg.contains('\n'), "errors are one line: {msg}");
                }
            }
        }
    }
    assert!(loaded > 0 && rejected > 0, "loaded {loaded}, rejected {rejected}");
}
