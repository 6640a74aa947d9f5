//! A spec bundle: the main file of a spec and every file it pulls in (`$ref`s, imports), keyed
//! by path relative to the repository root. Its canonical JSON is what a snapshot hashes.

use crate::error::{Located, Result};
use crate::source::text;
use crate::source::{Fetch, GitFetch, Input, normalize};
use crate::spec::Format;
use crate::spec::LoadOptions;
pub use crate::spec::imports::{proto_imports, ts_imports};
use crate::spec::refs::DocSet;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Most files one bundle may pull in (imports are a graph; this bounds a pathological one).
const MAX_FILES: usize = 2_000;

/// The files of one spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// The format (`openapi`, `graphql`, ...).
    pub format: String,
    /// Path of the main file, relative to the repository root, with `/` separators.
    pub entry: String,
    /// Every file, main file included: path to text.
    pub files: BTreeMap<String, String>,
}

impl Bundle {
    /// The canonical bytes: fixed field order, files sorted by path.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The snapshot id: sha256 of the canonical bytes, in hex.
    pub fn hash(&self) -> String {
        sha256_hex(&self.canonical_bytes())
    }

    /// The main file as an [`Input`] whose relative references resolve inside the bundle.
    pub fn input(&self) -> Result<Input> {
        let fetch = Tree::Bundle(Arc::new(self.files.clone()));
        let path = PathBuf::from(&self.entry);
        let text = fetch.fetch(&path)?;
        Ok(Input { name: self.entry.clone(), path, text, fetch: Arc::new(fetch) })
    }
}

/// sha256 in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the files of a tree come from: the working tree, a git revision, or a bundle. Paths
/// are relative to the repository root and are displayed as such on every side, so change
/// fingerprints stay the same whichever side a spec was read from.
#[derive(Debug, Clone)]
pub enum Tree {
    /// The working tree under this root, read through a fetch confined to the repository (and
    /// any extra reference roots); build it with [`Tree::worktree`].
    Worktree(PathBuf, crate::source::FsFetch),
    /// A git revision of the repository.
    Git(GitFetch),
    /// An archived bundle's files.
    Bundle(Arc<BTreeMap<String, String>>),
}

impl Tree {
    /// The working tree at `root`; files are read only inside `root` and `extra_roots`.
    pub fn worktree(root: &Path, extra_roots: &[PathBuf]) -> Tree {
        let roots: Vec<PathBuf> = std::iter::once(root.to_path_buf()).chain(extra_roots.iter().cloned()).collect();
        Tree::Worktree(root.to_path_buf(), crate::source::FsFetch::confined(&roots))
    }

    /// Opens a file of this tree by its repository-relative path.
    pub fn open(&self, rel: &str) -> Result<Input> {
        let path = PathBuf::from(rel);
        let text = self.fetch(&path)?;
        Ok(Input { name: slash(&path), path, text, fetch: Arc::new(self.clone()) })
    }

    /// Whether a file exists in this tree.
    pub fn has(&self, rel: &str) -> bool {
        match self {
            Tree::Worktree(root, _) => root.join(rel).is_file(),
            Tree::Bundle(files) => files.contains_key(rel),
            Tree::Git(g) => match &g.files {
                Some(files) if !rel.contains('\\') && rel.split('/').all(|p| !p.is_empty() && p != "." && p != "..") => files.has(rel),
                _ => crate::source::git::has_file(&g.workdir, &g.rev, rel),
            },
        }
    }
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl Fetch for Tree {
    fn fetch(&self, path: &Path) -> Result<String> {
        match self {
            Tree::Worktree(root, fs) => fs.fetch(&root.join(path)).map_err(|e| crate::source::rename(e, &slash(path))),
            Tree::Git(g) => g.fetch(path).map_err(|e| crate::source::rename(e, &slash(path))),
            // A live source's entry is its locator, whose `//` normalising would fold.
            Tree::Bundle(files) => files
                .get(&slash(path))
                .or_else(|| files.get(&slash(&normalize(path))))
                .cloned()
                // "No such file", as on disk: an import search goes on to the next root, and a
                // missing import is named as such (not hidden behind the first root tried).
                .ok_or_else(|| Located::file(slash(path), crate::source::NO_SUCH_FILE).into()),
        }
    }

    fn display(&self, path: &Path) -> String {
        slash(path)
    }

    fn list(&self, dir: &Path, recursive: bool) -> Option<Vec<PathBuf>> {
        match self {
            Tree::Worktree(root, fs) => {
                let listed = fs.list(&root.join(dir), recursive)?;
                Some(listed.into_iter().filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf)).collect())
            }
            Tree::Git(g) => g.list(dir, recursive),
            Tree::Bundle(files) => {
                let prefix = slash(dir);
                let prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
                let under: Vec<PathBuf> = files
                    .keys()
                    .filter_map(|k| k.strip_prefix(prefix.as_str()))
                    .filter(|rest| recursive || !rest.contains('/'))
                    .map(|rest| dir.join(rest))
                    .collect();
                (!under.is_empty()).then_some(under)
            }
        }
    }
}

/// Collects the bundle of the spec at `entry` in `tree`: for OpenAPI and AsyncAPI every
/// document its `$ref`s reach; for protobuf its imports; for TypeScript its relative imports;
/// for GraphQL the file itself.
pub fn collect(tree: &Tree, entry: &str, format: Format, opts: &LoadOptions) -> Result<Bundle> {
    let input = tree.open(entry)?;
    let mut files = BTreeMap::new();
    match format {
        Format::OpenApi | Format::AsyncApi => {
            let (value, syntax) = text::parse(&input.name, &input.text)?;
            let set = DocSet::load(std::borrow::Cow::Owned(input), value, syntax, opts)?;
            for doc in &set.docs {
                files.insert(slash(&normalize(&doc.input.path)), doc.input.text.clone());
            }
        }
        // `Any` names no file format; a spec is never discovered as one. Keep the file itself.
        Format::GraphQl | Format::Any => {
            files.insert(entry.to_string(), input.text);
        }
        Format::Protobuf | Format::TypeScript => {
            let mut todo = vec![(entry.to_string(), input.text.clone())];
            if format == Format::Protobuf && opts.proto_package {
                todo.extend(package_siblings(tree, &input));
            }
            let mut seen = BTreeSet::new();
            while let Some((path, text)) = todo.pop() {
                if !seen.insert(path.clone()) {
                    continue;
                }
                if seen.len() > MAX_FILES {
                    return Err(Located::file(entry, format!("pulls in more than {MAX_FILES} files")).into());
                }
                let refs = if format == Format::Protobuf { proto_imports(&text) } else { ts_imports(&text) };
                for r in refs {
                    for cand in candidates(&path, &r, format, &opts.proto_includes) {
                        if seen.contains(&cand) {
                            break;
                        }
                        if let Ok(t) = tree.fetch(Path::new(&cand)) {
                            todo.push((cand, t));
                            break;
                        }
                    }
                }
                files.insert(path, text);
            }
        }
    }
    Ok(Bundle { format: format.as_str().to_string(), entry: entry.to_string(), files })
}

/// The other `.proto` files of the entry's folder that declare its package (they are compiled
/// with it: [`LoadOptions::proto_package`]), with their text.
fn package_siblings(tree: &Tree, input: &Input) -> Vec<(String, String)> {
    let dir = input.path.parent().unwrap_or(Path::new(""));
    // Files without a `package` are not grouped: each stands alone.
    let Some(package) = crate::spec::imports::proto_package(&input.text) else { return Vec::new() };
    let listed = tree.list(dir, false).unwrap_or_default();
    listed
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "proto") && *p != input.path)
        .filter_map(|p| Some((slash(&p), tree.fetch(&p).ok()?)))
        .filter(|(_, text)| crate::spec::imports::proto_package(text).as_ref() == Some(&package))
        .collect()
}

/// The file of `tree` that stands for the protobuf package of `entry` (whose text is `text`):
/// `entry` itself when `tree` holds it, else the first other `.proto` file of its folder that
/// declares the same package (a package is compared whichever of its files leads it).
pub fn package_entry(tree: &Tree, entry: &str, text: &str) -> Option<String> {
    if tree.has(entry) {
        return Some(entry.to_string());
    }
    let package = crate::spec::imports::proto_package(text)?;
    let dir = Path::new(entry).parent().unwrap_or(Path::new(""));
    tree.list(dir, false)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "proto"))
        .find(|p| tree.fetch(p).is_ok_and(|t| crate::spec::imports::proto_package(&t).as_ref() == Some(&package)))
        .map(|p| slash(&p))
}

/// Files an import may name, most likely first.
fn candidates(from: &str, r: &str, format: Format, roots: &[PathBuf]) -> Vec<String> {
    let dir = Path::new(from).parent().unwrap_or(Path::new(""));
    let rel = slash(&normalize(&dir.join(r)));
    let mut out = Vec::new();
    if format == Format::Protobuf {
        // Import paths are relative to an include root, searched as the loader searches them:
        // the file's folder, the repository's roots (apidiff.yaml, buf.yaml), then each parent
        // folder of the importing file up to the repository root.
        out.push(rel);
        out.extend(roots.iter().filter(|p| p.is_relative()).map(|root| slash(&normalize(&root.join(r)))));
        out.extend(dir.ancestors().skip(1).map(|a| slash(&normalize(&a.join(r)))));
    } else {
        for ext in ["", ".d.ts", ".ts", "/index.d.ts", "/index.ts"] {
            out.push(format!("{rel}{ext}"));
        }
        if let Some(stem) = rel.strip_suffix(".js") {
            out.push(format!("{stem}.d.ts"));
        }
    }
    out.retain(|p| !p.starts_with("../") && p != "..");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_found() {
        assert_eq!(
            proto_imports("syntax = \"proto3\";\nimport \"common/a.proto\";\nimport public 'b.proto';\n"),
            vec!["common/a.proto", "b.proto"]
        );
        assert_eq!(
            ts_imports("import { A } from './a';\nexport * from \"../b\";\nimport x from 'lodash';\n/// <reference path=\"c.d.ts\" />\n"),
            vec!["./a", "../b", "c.d.ts"]
        );
    }

    #[test]
    fn bundle_collects_refs_and_hash_is_stable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("api")).unwrap();
        std::fs::write(
            dir.path().join("api/openapi.yaml"),
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'common.yaml#/A'}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("api/common.yaml"), "A: {type: string}\n").unwrap();
        let tree = Tree::worktree(dir.path(), &[]);
        let b = collect(&tree, "api/openapi.yaml", Format::OpenApi, &LoadOptions::default()).unwrap();
        assert_eq!(b.files.keys().cloned().collect::<Vec<_>>(), vec!["api/common.yaml", "api/openapi.yaml"]);
        let again = collect(&tree, "api/openapi.yaml", Format::OpenApi, &LoadOptions::default()).unwrap();
        assert_eq!(b.hash(), again.hash());
        // The bundle resolves its own references without the file system.
        let input = b.input().unwrap();
        assert_eq!(input.sibling("common.yaml").unwrap().text, "A: {type: string}\n");
    }
}
