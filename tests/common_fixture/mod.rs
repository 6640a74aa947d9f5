//! A fixture side's entry: `<side>.<ext>` in the case folder, or, for a multi-file case, the
//! `main.<ext>` of the folder `<side>/`; a folder without a `main.*` (a protobuf package or
//! tree, compared folder against folder) is its own entry.

use std::path::{Path, PathBuf};

/// The entry of `side` (`base` or `revision`) in `case`, or `None` when the case has neither
/// a `<side>/` folder nor a `<side>.*` file.
pub fn entry(case: &Path, side: &str) -> Option<PathBuf> {
    let dir = case.join(side);
    if dir.is_dir() {
        return Some(first(&dir, |p| p.file_name().unwrap().to_string_lossy().starts_with("main.")).unwrap_or(dir));
    }
    let prefix = format!("{side}.");
    first(case, |p| p.is_file() && p.file_name().unwrap().to_string_lossy().starts_with(&prefix))
}

/// The first path of `dir`, in name order, that `keep` keeps.
fn first(dir: &Path, keep: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| keep(p)).collect();
    found.sort();
    found.into_iter().next()
}
