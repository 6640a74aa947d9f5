//! The documentation is generated from the code (README_API_DIFF.md and one rule page per format
//! under docs/rules/); every committed copy must be current.

use apidiff::diff::registry;
use apidiff::docs::{self, Generated};

fn generated() -> Vec<Generated> {
    docs::generate_all(apidiff::cli::command())
}

fn committed(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_default()
}

#[test]
fn every_committed_generated_file_is_current() {
    let files = generated();
    assert!(files.len() >= 6, "the guide and a page per format");
    for f in &files {
        let committed = committed(&f.path);
        if f.text != committed {
            let first = f.text.lines().zip(committed.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "{} is stale (first difference at line {}): run `cargo run -- docs` to regenerate it, then commit it.\n  generated: {:?}\n  committed: {:?}",
                f.path,
                first + 1,
                f.text.lines().nth(first).unwrap_or(""),
                committed.lines().nth(first).unwrap_or("")
            );
        }
    }
    // Nothing stale lingers in docs/rules/ that the generator no longer writes.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(docs::RULES_DIR);
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let rel = format!("{}/{}", docs::RULES_DIR, e.file_name().to_string_lossy());
        assert!(files.iter().any(|f| f.path == rel), "{rel} is not generated any more: delete it");
    }
}

#[test]
fn docs_cover_every_rule_command_and_topic() {
    let files = generated();
    let guide = &files[0].text;
    assert!(guide.lines().count() < 2_500, "the guide stays readable: {} lines", guide.lines().count());
    for r in registry::all() {
        let page = files.iter().find(|f| f.path == docs::rule_page_path(r.format)).expect("a page per format");
        assert!(page.text.contains(&format!("\n## {}\n", r.id)), "rule {} is not documented", r.id);
        assert!(page.text.contains(&format!("| [`{}`](#{}) | {} |", r.id, r.id, r.severity)), "rule {} is not in its table", r.id);
    }
    for cmd in ["diff", "check", "rules", "explain", "schema", "discover", "history", "show", "rollback", "config", "docs"] {
        assert!(guide.contains(&format!("### `apidiff {cmd}`")), "command {cmd} is not documented");
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
        "(docs/rules/openapi.md)",
        "(docs/store-schema.md)",
    ] {
        assert!(guide.contains(needle), "missing {needle}");
    }
    assert!(files.iter().any(|f| f.text.contains("### Example")), "rule docs keep their headings");
}

#[test]
fn docs_check_fails_on_a_stale_file_and_passes_on_a_fresh_one() {
    let d = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(d.path()).args(args).output().unwrap();
    let o = run(&["docs", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("run `cargo run -- docs` (or `apidiff docs`) to regenerate them"));
    assert_eq!(run(&["docs"]).status.code(), Some(0));
    for f in generated() {
        assert_eq!(std::fs::read_to_string(d.path().join(&f.path)).unwrap(), f.text, "{}", f.path);
    }
    assert_eq!(run(&["docs", "--check"]).status.code(), Some(0));
    // A stale rule page alone is caught.
    std::fs::write(d.path().join("docs/rules/graphql.md"), "old").unwrap();
    let o = run(&["docs", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("docs/rules/graphql.md"));
}
