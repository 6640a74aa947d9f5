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

/// The allowed imports between top-level modules, read from docs/decisions.md's "Layers" table.
fn layer_table(root: &Path) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let text = std::fs::read_to_string(root.join("docs/decisions.md")).unwrap();
    let start = text.find("| module | may import |").expect("docs/decisions.md has the layer table");
    let mut table = std::collections::BTreeMap::new();
    for line in text[start..].lines().skip(2) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let names =
            |c: &str| -> Vec<String> { c.split(',').map(|n| n.trim().trim_matches('`').to_string()).filter(|n| !n.is_empty()).collect() };
        let module = names(cells[0]).pop().unwrap();
        table.insert(module, names(cells.get(1).copied().unwrap_or("")).into_iter().collect());
    }
    table
}

#[test]
fn top_level_modules_import_only_what_the_layer_table_allows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = layer_table(root);
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let uses = found.entry(top.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let name: String = line[i + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                let is_macro = line[i + 7 + name.len()..].starts_with('!');
                if !name.is_empty() && name != top && !is_macro {
                    uses.insert(name);
                }
            }
        }
    }
    let mut bad = Vec::new();
    for (module, uses) in &found {
        let Some(allowed) = table.get(module) else {
            bad.push(format!("`{module}` is missing from the layer table in docs/decisions.md"));
            continue;
        };
        for u in uses.difference(allowed) {
            bad.push(format!("`{module}` imports `{u}`, which the layer table does not allow"));
        }
    }
    for module in table.keys().filter(|m| !found.contains_key(*m)) {
        bad.push(format!("the layer table names `{module}`, which is not a module of src/"));
    }
    // The table itself is layered: every row names only rows above it.
    let order: Vec<&String> = table.keys().collect();
    let text = std::fs::read_to_string(root.join("docs/decisions.md")).unwrap();
    let pos = |m: &str| text.find(&format!("| `{m}` |")).unwrap_or(usize::MAX);
    for m in order {
        for u in &table[m] {
            if pos(u) >= pos(m) {
                bad.push(format!("the layer table lets `{m}` import `{u}`, which is not above it"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
