//! A folder of `.proto` files (one package, or a whole tree of them) compiled once, as buf
//! compiles a module: every file of the folder is the API's own, and the files they import
//! from elsewhere are dependencies.

use super::Package;
use super::load::{FetchResolver, MAX_ANCESTORS, WKT_PREFIX, compile, scan};
use crate::error::{Located, Result};
use crate::source::{Input, MAX_LISTED_FILES, normalize};
use crate::spec::LoadOptions;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Loads every `.proto` file below the folder `input.path` (listed through its origin, the file
/// system or a git revision) in one compilation. Imports resolve against the folder's import
/// root (the include folder that holds it, else the folder its files' `package` paths hang
/// from, else the folder itself), each folder of `opts.proto_includes`, then each parent folder
/// inside the repository. The well-known types (`google/protobuf/`) are the runtime's: a copy in
/// the folder is left out, the bundled one is used.
pub fn load_tree(input: &Input, listed: Vec<PathBuf>, opts: &LoadOptions) -> Result<Package> {
    let dir = normalize(&input.path);
    if listed.len() > MAX_LISTED_FILES {
        return Err(Located::file(&input.name, format!("holds more than {MAX_LISTED_FILES} files; name a smaller folder")).into());
    }
    let protos: Vec<PathBuf> = listed.into_iter().filter(|p| p.extension().is_some_and(|e| e == "proto")).collect();
    let root = tree_root(input, &dir, &protos, &opts.proto_includes);
    let name_of = |p: &Path| -> Option<String> {
        let rel = normalize(p).strip_prefix(&root).ok()?.to_path_buf();
        Some(rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"))
    };
    let names: Vec<String> = protos.iter().filter_map(|p| name_of(p)).filter(|n| !n.starts_with(WKT_PREFIX)).collect();
    if names.is_empty() {
        return Err(Located::file(&input.name, "is a folder without .proto files (a folder is read as a protobuf package or tree)").into());
    }
    let mut roots = vec![root.clone()];
    roots.extend(opts.proto_includes.iter().map(|p| normalize(p)));
    roots.extend(dir.ancestors().skip(1).take(MAX_ANCESTORS).filter(|a| input.fetch.within(a)).map(Path::to_path_buf));
    let mut seen = HashSet::new();
    roots.retain(|r| seen.insert(r.clone()));
    // Files under the folder are shown as the user named the folder: `NAME/` + the part of the
    // import name below the folder.
    let below = name_of(&dir).unwrap_or_default();
    let shown = input.name.trim_end_matches('/');
    let display_prefix = match below.is_empty() {
        true => Some(format!("{shown}/")),
        false => shown.strip_suffix(below.as_str()).map(str::to_string),
    };
    let mut resolver = FetchResolver::new(input, roots, root, display_prefix, None);
    resolver.missing_hint = super::load::deps_hint(&opts.buf_deps);
    let mut pkg = compile(resolver, &names, input)?;
    let own: HashSet<&str> = names.iter().map(String::as_str).collect();
    for f in &mut pkg.files {
        f.own = own.contains(f.name.as_str());
    }
    Ok(pkg)
}

/// The import root of a folder: an include folder that holds it, else the folder a file's
/// `package` path hangs from (`google/pubsub/v1/x.proto` declaring `google.pubsub.v1`), else
/// the folder itself.
fn tree_root(input: &Input, dir: &Path, protos: &[PathBuf], includes: &[PathBuf]) -> PathBuf {
    if let Some(inc) = includes.iter().map(|i| normalize(i)).filter(|i| dir.starts_with(i)).max_by_key(|i| i.components().count()) {
        return inc;
    }
    // A few files with a `package` decide (a tree whose files do not follow the layout would
    // otherwise be read twice).
    let packaged = protos.iter().filter_map(|p| Some((p, scan(&input.fetch.fetch(p).ok()?).0?)));
    for (p, pkg) in packaged.take(16) {
        let path = pkg.replace('.', "/");
        let parent = p.parent().unwrap_or(Path::new(""));
        if !pkg.is_empty()
            && parent.ends_with(&path)
            && let Some(root) = parent.ancestors().nth(pkg.split('.').count())
            && dir.starts_with(root)
        {
            return root.to_path_buf();
        }
    }
    dir.to_path_buf()
}
