//! README_API_DIFF.md is generated from the code; the committed copy must be current.

use apidiff::diff::registry;

fn committed() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(apidiff::cli::docs::FILE);
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn committed_readme_api_diff_is_current() {
    let generated = apidiff::cli::docs::generate(apidiff::cli::command());
    let committed = committed();
    if generated != committed {
        let first = generated.lines().zip(committed.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "README_API_DIFF.md is stale (first difference at line {}): run `cargo run -- docs` to regenerate it, then commit it.\n  generated: {:?}\n  committed: {:?}",
            first + 1,
            generated.lines().nth(first).unwrap_or(""),
            committed.lines().nth(first).unwrap_or("")
        );
    }
}

#[test]
fn docs_cover_every_rule_command_and_topic() {
    let g = apidiff::cli::docs::generate(apidiff::cli::command());
    for r in registry::all() {
        assert!(g.contains(&format!("\n#### {}\n", r.id)), "rule {} is not documented", r.id);
        assert!(g.contains(&format!("| [`{}`](#{}) | {} |", r.id, r.id, r.severity)), "rule {} is not in its table", r.id);
    }
    for cmd in ["diff", "check", "rules", "explain", "schema", "discover", "history", "show", "rollback", "config", "docs"] {
        assert!(g.contains(&format!("### `apidiff {cmd}`")), "command {cmd} is not documented");
    }
    for needle in [
        "`-o, --out <FILE>`",
        "`--check`",
        "one of `text`, `json`, `markdown`, `html`, `sarif`, `junit`, `gitlab`, `github`",
        "## Adding modules",
        "| `modules` | list of `Module` |",
        "**Exit codes**",
        "**Fingerprints**",
        "| `fingerprint` |",
        "## The ignore file",
        "## FAQ and troubleshooting",
        "##### Example",
    ] {
        assert!(g.contains(needle), "missing {needle}");
    }
}

#[test]
fn docs_check_fails_on_a_stale_file_and_passes_on_a_fresh_one() {
    let d = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(d.path()).args(args).output().unwrap();
    let o = run(&["docs", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run `cargo run -- docs` (or `apidiff docs`) to regenerate it"));
    assert_eq!(run(&["docs"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(d.path().join("README_API_DIFF.md")).unwrap(),
        apidiff::cli::docs::generate(apidiff::cli::command())
    );
    assert_eq!(run(&["docs", "--check"]).status.code(), Some(0));
}
