//! Where a repository's `.proto` imports resolve from: the roots named in `apidiff.yaml`
//! (`protobuf.roots`), then buf's workspace (`buf.work.yaml` `directories`) and modules (`buf.yaml`
//! v2 `modules[].path`; a v1 `buf.yaml` at the root makes the root itself a module). The loader's
//! search of the importing file's parent folders comes after these, so a vendored tree under
//! `proto/` resolves without any configuration.

use crate::source::text;
use serde_json::Value;
use std::path::PathBuf;

/// The import roots of a repository, relative to its root, most specific first and without
/// duplicates. `read` returns the text of a repository file by its relative path, if it exists.
pub fn roots(configured: &[String], read: impl Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    let mut out: Vec<String> = configured.iter().map(|r| clean(r)).collect();
    if let Some(v) = read("buf.work.yaml").and_then(|t| text::parse("buf.work.yaml", &t).ok()).map(|(v, _)| v) {
        out.extend(strings(&v["directories"]).map(|d| clean(&d)));
    }
    if let Some(v) = read("buf.yaml").and_then(|t| text::parse("buf.yaml", &t).ok()).map(|(v, _)| v) {
        match v["modules"].as_array() {
            Some(modules) => out.extend(modules.iter().filter_map(|m| m["path"].as_str()).map(clean)),
            // v1 (or a v2 file without modules): the folder holding buf.yaml is the module.
            None => out.push(String::new()),
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|r| !r.starts_with("..") && !r.starts_with('/') && seen.insert(r.clone()));
    out.into_iter().map(PathBuf::from).collect()
}

/// The BSR modules a repository's `buf.yaml` depends on (`deps`, v1 and v2), as written
/// (`buf.build/googleapis/googleapis`, optionally `:<commit or label>`).
pub fn buf_deps(read: impl Fn(&str) -> Option<String>) -> Vec<String> {
    read("buf.yaml").and_then(|t| text::parse("buf.yaml", &t).ok()).map(|(v, _)| strings(&v["deps"]).collect()).unwrap_or_default()
}

fn strings(v: &Value) -> impl Iterator<Item = String> + '_ {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string)
}

/// `./proto/` → `proto`; `.` → `` (the repository root).
fn clean(r: &str) -> String {
    let r = r.trim().trim_start_matches("./").trim_end_matches('/');
    if r == "." { String::new() } else { r.replace('\\', "/") }
}

#[cfg(test)]
mod tests {
    use super::roots;
    use std::path::PathBuf;

    fn files(list: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let list = list.to_vec();
        move |p| list.iter().find(|(n, _)| *n == p).map(|(_, t)| t.to_string())
    }

    #[test]
    fn config_then_workspace_then_modules() {
        let read = files(&[
            ("buf.work.yaml", "version: v1\ndirectories: [proto, vendor/]\n"),
            ("buf.yaml", "version: v2\nmodules:\n  - path: proto\n  - path: third_party\n"),
        ]);
        let got = roots(&["./api".into(), "proto".into()], read);
        assert_eq!(got, ["api", "proto", "vendor", "third_party"].map(PathBuf::from).to_vec());
    }

    #[test]
    fn buf_yaml_deps_are_read_in_v1_and_v2() {
        let v2 = files(&[("buf.yaml", "version: v2\nmodules:\n  - path: proto\ndeps:\n  - buf.build/googleapis/googleapis\n")]);
        assert_eq!(super::buf_deps(v2), vec!["buf.build/googleapis/googleapis".to_string()]);
        let v1 = files(&[("buf.yaml", "version: v1\ndeps: [buf.build/acme/money:v1.2.0]\n")]);
        assert_eq!(super::buf_deps(v1), vec!["buf.build/acme/money:v1.2.0".to_string()]);
        assert!(super::buf_deps(files(&[])).is_empty());
    }

    #[test]
    fn v1_buf_yaml_is_the_root_module() {
        assert_eq!(roots(&[], files(&[("buf.yaml", "version: v1\nbreaking:\n  use: [FILE]\n")])), vec![PathBuf::new()]);
        assert!(roots(&[], files(&[])).is_empty());
    }
}
