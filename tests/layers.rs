//! The layout's guarantees: no file of `src/` imports another that imports it back, directly
//! or through a loop (re-exports followed to the file that defines the item), and the library
//! core neither prints nor spawns processes outside the layers allowed to.

use std::path::Path;
use std::process::Command;

#[test]
fn no_import_loops_anywhere_in_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("scripts/import-cycles.py"))
        .args(["--follow-reexports", "--check", "--quiet-pc", "--root"])
        .arg(root)
        .output()
        .expect("python3 runs scripts/import-cycles.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "import loops in src/:\n{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("# SCCs >1 file: 0"), "{text}");
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn only_source_spawns_processes_and_only_edges_print() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(f).unwrap();
        // Test modules may do anything; only the code before them counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        if code.contains("Command::new(") && rel != "source/git.rs" {
            bad.push(format!("{rel} spawns a process (only source/git.rs may)"));
        }
        let edge = rel.starts_with("cli/") || rel == "main.rs";
        if !edge && ["println!(", "eprintln!(", "print!(", "eprint!("].iter().any(|m| code.contains(m)) {
            bad.push(format!("{rel} prints (only cli/ and main.rs may)"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
