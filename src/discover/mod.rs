//! Which files in a repository are API specs, of which format, and which module each belongs
//! to, decided from names and the first few kilobytes of content, without parsing files fully.

pub mod peek;

use crate::config::Config;
use crate::diff::Format;
use crate::error::{Error, Located, Result};
use crate::source::normalize;
use crate::spec::format_from_name;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Folders never searched: dependencies, build output, tool state.
pub const SKIPPED_DIRS: &[&str] =
    &["node_modules", "vendor", "target", "third_party", "bower_components", "__pycache__", "venv", ".venv", ".git", ".apidiff"];

/// Folder names too generic to name a module; the folder above is used instead.
const GENERIC_DIRS: &[&str] = &[
    "api",
    "apis",
    "spec",
    "specs",
    "openapi",
    "swagger",
    "schema",
    "schemas",
    "proto",
    "protos",
    "graphql",
    "docs",
    "doc",
    "contracts",
    "definitions",
    "types",
];

/// A spec found in the tree.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// Path relative to the root, with `/` separators.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// The module it belongs to.
    pub module: String,
    /// Why it was recognised.
    pub reason: String,
    /// The `info.title`, when seen in the first kilobytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A file that looked like a spec but is not checked on its own.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// Path relative to the root.
    pub path: String,
    /// Why.
    pub reason: String,
    /// The spec it is checked with, when it is another file of a protobuf package (it existed
    /// as a spec of its own before, and its history continues in that spec).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
}

/// A module and its specs.
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    /// Its name.
    pub name: String,
    /// Whether `apidiff.yaml` defines it (otherwise it is named after its buf module or protobuf
    /// package, or after a folder).
    pub configured: bool,
    /// Paths of its specs.
    pub specs: Vec<String>,
}

/// What discovery found.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    /// Specs, sorted by path.
    pub specs: Vec<Found>,
    /// Modules, sorted by name.
    pub modules: Vec<Module>,
    /// Spec-like files that are not checked on their own.
    pub skipped: Vec<Skipped>,
    /// Files that may hold GraphQL client operations (`.graphql`/`.gql` documents, JavaScript
    /// and TypeScript sources), found by the same walk, for the client-operations check.
    #[serde(skip)]
    pub clients: Vec<String>,
}

/// Whether a file (lowercased path) may hold GraphQL client operations.
fn may_hold_operations(lower: &str) -> bool {
    lower.ends_with(".graphql")
        || lower.ends_with(".gql")
        || ([".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"].iter().any(|e| lower.ends_with(e)) && !is_declaration(lower))
}

struct Candidate {
    path: String,
    format: Format,
    reason: String,
    title: Option<String>,
    refs: Vec<String>,
    /// A `.proto` file's `package`.
    package: Option<String>,
    /// Matched by a configured module's spec globs.
    claimed: bool,
}

/// Walks `root` (respecting `.gitignore`, skipping [`SKIPPED_DIRS`] and the config's
/// `exclude` globs), recognises specs and groups them into modules.
pub fn discover(root: &Path, config: &Config) -> Result<Discovery> {
    let exclude = globs(config.exclude.iter())?;
    let module_globs: Vec<(String, globset::GlobSet)> =
        config.modules.iter().map(|m| Ok((m.name.clone(), globs(m.specs.iter())?))).collect::<Result<_>>()?;
    let mut walker = ignore::WalkBuilder::new(root);
    walker.require_git(false).follow_links(false).sort_by_file_name(|a, b| a.cmp(b)).filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        !(e.file_type().is_some_and(|t| t.is_dir()) && e.depth() > 0 && SKIPPED_DIRS.contains(&name.as_ref()))
    });
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    let mut clients = Vec::new();
    let mut buf = Vec::new();
    for entry in walker.build() {
        let entry = entry.map_err(|e| Error::Usage(format!("cannot walk {}: {e}", root.display())))?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if exclude.is_match(&rel) {
            continue;
        }
        if rel == "buf.yaml" || rel.ends_with("/buf.yaml") {
            buf.extend(buf_modules(entry.path(), &rel));
        }
        let claimed = module_globs.iter().any(|(_, g)| g.is_match(&rel));
        match recognise(entry.path(), &rel, claimed)? {
            Recognised::Spec(c) => found.push(c),
            Recognised::Not(reason) => {
                if may_hold_operations(&rel.to_ascii_lowercase()) {
                    clients.push(rel.clone());
                }
                if let Some(reason) = reason {
                    skipped.push(Skipped { path: rel, reason, part_of: None });
                }
            }
        }
    }
    // A file another spec pulls in (`$ref`, import) is part of that spec, not a spec of its own.
    let referenced: HashMap<&str, &str> = found.iter().flat_map(|c| c.refs.iter().map(move |r| (r.as_str(), c.path.as_str()))).collect();
    let refs_of: HashMap<&str, &Vec<String>> = found.iter().map(|c| (c.path.as_str(), &c.refs)).collect();
    let mut drop = BTreeSet::new();
    for c in &found {
        if let Some(&by) = referenced.get(c.path.as_str()) {
            let mutual = refs_of.get(c.path.as_str()).is_some_and(|r| r.iter().any(|x| x == by));
            if by != c.path && !mutual {
                drop.insert(c.path.clone());
                skipped.push(Skipped { path: c.path.clone(), reason: format!("referenced by {by}; checked as part of it"), part_of: None });
            }
        }
    }
    for s in skipped.iter_mut() {
        if let Some(&by) = referenced.get(s.path.as_str()) {
            s.reason = format!("referenced by {by}; checked as part of it");
        }
    }
    protobuf_roles(&found, &referenced, &buf, &mut drop, &mut skipped);
    found.retain(|c| !drop.contains(&c.path));
    let specs = assign_modules(found, &module_globs, &buf);
    let mut modules: BTreeMap<String, Module> = BTreeMap::new();
    for s in &specs {
        modules
            .entry(s.module.clone())
            .or_insert_with(|| Module { name: s.module.clone(), configured: config.module(&s.module).is_some(), specs: Vec::new() })
            .specs
            .push(s.path.clone());
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Discovery { specs, modules: modules.into_values().collect(), skipped, clients })
}

/// The protobuf files that are not specs of their own: vendored dependencies (by package and
/// module layout, [`vendored_proto`]) and the other entry files of a package, which is one spec
/// (the first entry file of each folder and package stands for it). Adds them to `drop` and
/// `skipped`; `referenced` maps an imported file to a file importing it.
fn protobuf_roles(
    found: &[Candidate],
    referenced: &HashMap<&str, &str>,
    buf: &[(String, String)],
    drop: &mut BTreeSet<String>,
    skipped: &mut Vec<Skipped>,
) {
    // Vendored well-known protobuf trees are dependencies of the repository's APIs, never APIs.
    let package_of: HashMap<&str, Option<&str>> = found.iter().map(|c| (c.path.as_str(), c.package.as_deref())).collect();
    for c in found {
        if let Some(tree) = (c.format == Format::Protobuf).then(|| vendored_proto(&c.path, c.package.as_deref(), c.claimed, buf)).flatten()
            && drop.insert(c.path.clone())
        {
            skipped.push(Skipped {
                path: c.path.clone(),
                reason: format!("dependency: vendored `{tree}` (imported, not a spec; no module)"),
                part_of: None,
            });
        }
    }
    for s in skipped.iter_mut().filter(|s| s.path.ends_with(".proto")) {
        let Some(&by) = referenced.get(s.path.as_str()) else { continue };
        let package = package_of.get(s.path.as_str()).copied().flatten();
        if let Some(tree) = vendored_proto(&s.path, package, false, buf) {
            s.reason = format!("dependency: vendored `{tree}`, imported by {by} (not a spec; no module)");
        }
    }
    // A protobuf package is compiled once, with every file of its folder that declares it: the
    // first entry file of each (folder, package) stands for the package.
    let mut entries: HashMap<(&str, &str), &str> = HashMap::new();
    for c in found.iter().filter(|c| c.format == Format::Protobuf && !drop.contains(&c.path)) {
        let Some(pkg) = c.package.as_deref() else { continue };
        let folder = c.path.rsplit_once('/').map_or("", |x| x.0);
        match entries.get(&(folder, pkg)) {
            Some(&first) => {
                let reason = format!("part of package `{pkg}`, compiled and checked with {first}");
                skipped.push(Skipped { path: c.path.clone(), reason, part_of: Some(first.to_string()) });
            }
            None => {
                entries.insert((folder, pkg), c.path.as_str());
            }
        }
    }
    drop.extend(skipped.iter().filter(|s| s.part_of.is_some()).map(|s| s.path.clone()));
}

fn globs<'a>(patterns: impl Iterator<Item = &'a String>) -> Result<globset::GlobSet> {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        let g = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| Error::Usage(format!("invalid glob `{p}`: {}", e.kind())))?;
        b.add(g);
    }
    b.build().map_err(|e| Error::Usage(format!("invalid globs: {e}")))
}

enum Recognised {
    Spec(Candidate),
    /// Not a spec; with a reason when worth telling the user.
    Not(Option<String>),
}

fn recognise(abs: &Path, rel: &str, claimed: bool) -> Result<Recognised> {
    let lower = rel.to_ascii_lowercase();
    let ext_reason = |ext: &str| format!("extension {ext}");
    if let Some(format) = format_from_name(&lower) {
        if format == Format::TypeScript && !is_declaration(&lower) && !claimed {
            // Plain .ts files are source code; only declarations describe an API surface.
            return Ok(Recognised::Not(None));
        }
        let ext = lower.rsplit_once('/').map_or(lower.as_str(), |x| x.1);
        let ext = if is_declaration(ext) { ".d.ts" } else { ext.rfind('.').map_or(ext, |i| &ext[i..]) };
        let reason = if claimed && format == Format::TypeScript && !is_declaration(&lower) {
            "matched a module's spec glob (TypeScript)".to_string()
        } else {
            ext_reason(ext)
        };
        let text = read_text(abs, rel)?;
        if format == Format::GraphQl && crate::spec::graphql::is_executable(&text) {
            return Ok(Recognised::Not(Some("GraphQL operations (a client document, not a schema)".into())));
        }
        let refs = match format {
            Format::Protobuf => resolve_imports(rel, crate::spec::imports::proto_imports(&text), abs, format),
            Format::TypeScript => resolve_imports(rel, crate::spec::imports::ts_imports(&text), abs, format),
            _ => Vec::new(),
        };
        let package = (format == Format::Protobuf).then(|| crate::spec::imports::proto_package(&text)).flatten();
        return Ok(Recognised::Spec(Candidate { path: rel.to_string(), format, reason, title: None, refs, package, claimed }));
    }
    if !(lower.ends_with(".json") || lower.ends_with(".yaml") || lower.ends_with(".yml")) {
        return Ok(Recognised::Not(None));
    }
    let head = peek::head(abs).map_err(|e| Located::file(rel, format!("cannot read: {e}")))?;
    match peek::top_level(&head) {
        Some(p) => {
            let text = read_text(abs, rel)?;
            let refs = peek::ref_files(&text).into_iter().filter_map(|f| relative_to(rel, &f)).filter(|p| p != rel).collect();
            Ok(Recognised::Spec(Candidate {
                path: rel.to_string(),
                format: p.format,
                reason: format!("top-level `{}: {}`", p.key, p.version),
                title: p.title,
                refs,
                package: None,
                claimed,
            }))
        }
        None if claimed => Ok(Recognised::Not(Some(
            "matched a module's spec glob but has no top-level `openapi`, `swagger` or `asyncapi` key in its first 4 KB".into(),
        ))),
        None => Ok(Recognised::Not(None)),
    }
}

/// Well-known protobuf trees that repositories vendor, by `package` (googleapis' common types,
/// the well-known types, protoc-gen-validate, protovalidate, gogo, grpc-gateway's OpenAPI
/// options), each with the buf module that publishes it. A package below one of them
/// (`google.api.servicecontrol.v1`) is an API of its own, wherever its files lie.
const VENDORED_PROTO: &[(&str, &str)] = &[
    ("google.api", "buf.build/googleapis/googleapis"),
    ("google.rpc", "buf.build/googleapis/googleapis"),
    ("google.rpc.context", "buf.build/googleapis/googleapis"),
    ("google.type", "buf.build/googleapis/googleapis"),
    ("google.longrunning", "buf.build/googleapis/googleapis"),
    ("google.protobuf", "buf.build/protocolbuffers/wellknowntypes"),
    ("validate", "buf.build/envoyproxy/protoc-gen-validate"),
    ("buf.validate", "buf.build/bufbuild/protovalidate"),
    ("gogoproto", "buf.build/gogo/protobuf"),
    ("grpc.gateway.protoc_gen_openapiv2.options", "buf.build/grpc-ecosystem/grpc-gateway"),
];

/// The vendored tree (its package) a `.proto` file belongs to, if any. The module layout
/// decides, not the path: a file a configured module claims (`claimed`), or one inside the buf
/// module that publishes the tree (googleapis' own repository), is an API; otherwise a file of
/// a well-known package is a copy of a dependency.
fn vendored_proto(path: &str, package: Option<&str>, claimed: bool, buf: &[(String, String)]) -> Option<&'static str> {
    let (tree, publisher) = VENDORED_PROTO.iter().copied().find(|(p, _)| Some(*p) == package)?;
    let holds = |dir: &str| dir.is_empty() || path.starts_with(&format!("{dir}/"));
    let module = buf.iter().filter(|(dir, _)| holds(dir)).max_by_key(|(dir, _)| dir.len()).map(|(_, n)| n.trim_end_matches('/'));
    let own = claimed || module.is_some_and(|m| m == publisher);
    (!own).then_some(tree)
}

fn is_declaration(lower: &str) -> bool {
    lower.ends_with(".d.ts") || lower.ends_with(".d.mts") || lower.ends_with(".d.cts")
}

fn read_text(abs: &Path, rel: &str) -> Result<String> {
    let bytes = crate::source::read_limited(abs, rel, crate::source::MAX_FILE_BYTES)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `file` as written in a spec at `from`, relative to the root; `None` when it leaves the root.
fn relative_to(from: &str, file: &str) -> Option<String> {
    let dir = Path::new(from).parent().unwrap_or(Path::new(""));
    let p = normalize(&dir.join(file)).to_string_lossy().replace('\\', "/");
    (!p.starts_with("..")).then_some(p)
}

fn resolve_imports(rel: &str, imports: Vec<String>, abs: &Path, format: Format) -> Vec<String> {
    // abs = root/rel; recover root to test candidates on disk.
    let depth = rel.split('/').count();
    let mut root = abs.to_path_buf();
    for _ in 0..depth {
        root.pop();
    }
    let mut out = Vec::new();
    for i in imports {
        let mut cands = Vec::new();
        if let Some(p) = relative_to(rel, &i) {
            cands.push(p.clone());
            if format == Format::TypeScript {
                cands.extend([".d.ts", ".ts", "/index.d.ts"].iter().map(|e| format!("{p}{e}")));
            }
        }
        if format == Format::Protobuf {
            // Import paths hang from an import root: a parent folder of the importing file
            // (a vendored tree under `proto/`), or the repository root.
            let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
            cands.extend(dir.ancestors().skip(1).map(|a| a.join(&i).to_string_lossy().replace('\\', "/")));
        }
        if let Some(hit) = cands.into_iter().find(|c| root.join(c).is_file()) {
            out.push(hit);
        }
    }
    out
}

/// The named modules a `buf.yaml` declares, as (folder relative to the root, name): a v1 file's
/// `name` for its own folder, a v2 file's `modules[].name` for each `modules[].path`.
fn buf_modules(abs: &Path, rel: &str) -> Vec<(String, String)> {
    let dir = rel.strip_suffix("buf.yaml").unwrap_or("").trim_end_matches('/');
    // Through the side-file budget, like every repository file that is not a spec.
    let Ok(Some(text)) = crate::source::read_text_if_exists(abs, rel, crate::source::MAX_SIDE_FILE_BYTES) else { return Vec::new() };
    let Ok((v, _)) = crate::source::text::parse(rel, &text) else { return Vec::new() };
    let join = |p: &str| {
        let p = p.trim().trim_start_matches("./").trim_end_matches('/');
        match (dir, p) {
            (d, "." | "") => d.to_string(),
            ("", p) => p.to_string(),
            (d, p) => format!("{d}/{p}"),
        }
    };
    let mut out = Vec::new();
    match v["modules"].as_array() {
        Some(modules) => {
            for m in modules {
                if let (Some(path), Some(name)) = (m["path"].as_str(), m["name"].as_str()) {
                    out.push((join(path), name.to_string()));
                }
            }
        }
        None => out.extend(v["name"].as_str().map(|n| (dir.to_string(), n.to_string()))),
    }
    out
}

/// A protobuf spec's module: the buf module holding it (the last segment of its name,
/// `buf.build/acme/petapis` → `petapis`, as module names carry no `/`), else its package.
fn proto_module(c: &Candidate, buf: &[(String, String)]) -> Option<String> {
    let holds = |dir: &str| dir.is_empty() || c.path.starts_with(&format!("{dir}/"));
    let named = buf.iter().filter(|(dir, _)| holds(dir)).max_by_key(|(dir, _)| dir.len());
    let name = named.and_then(|(_, n)| n.trim_end_matches('/').rsplit('/').next()).filter(|n| !n.is_empty());
    name.map(str::to_string).or_else(|| c.package.clone())
}

fn assign_modules(found: Vec<Candidate>, module_globs: &[(String, globset::GlobSet)], buf: &[(String, String)]) -> Vec<Found> {
    // Folder-derived names: the nearest non-generic folder name; full path when two folders share it.
    let folder = |path: &str| -> String {
        let parts: Vec<&str> = path.split('/').collect();
        let dirs = &parts[..parts.len().saturating_sub(1)];
        let mut end = dirs.len();
        while end > 1 && dirs.get(end - 1).is_some_and(|d| GENERIC_DIRS.contains(&d.to_ascii_lowercase().as_str())) {
            end -= 1;
        }
        dirs[..end].join("/")
    };
    let mut short_names: HashMap<String, BTreeSet<String>> = HashMap::new();
    let named = |c: &Candidate| {
        module_globs.iter().any(|(_, g)| g.is_match(&c.path)) || (c.format == Format::Protobuf && proto_module(c, buf).is_some())
    };
    for c in found.iter().filter(|c| !named(c)) {
        let f = folder(&c.path);
        let short = f.rsplit('/').next().unwrap_or("").to_string();
        short_names.entry(short).or_default().insert(f);
    }
    found
        .into_iter()
        .map(|c| {
            let module = match module_globs.iter().find(|(_, g)| g.is_match(&c.path)) {
                Some((name, _)) => name.clone(),
                None if let Some(m) = (c.format == Format::Protobuf).then(|| proto_module(&c, buf)).flatten() => m,
                None => {
                    let f = folder(&c.path);
                    let short = f.rsplit('/').next().unwrap_or("").to_string();
                    if f.is_empty() {
                        c.title.as_deref().map(slug).filter(|s| !s.is_empty()).unwrap_or_else(|| stem(&c.path))
                    } else if short_names.get(&short).is_some_and(|s| s.len() > 1) {
                        f
                    } else {
                        short
                    }
                }
            };
            Found { path: c.path, format: c.format, module, reason: c.reason, title: c.title }
        })
        .collect()
}

fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name).to_string()
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Whether googleapis' common protos are a dependency is decided by their package and the
    /// module layout, not by the `google/api/` path: `google.api.servicecontrol.v1` is an API,
    /// and in googleapis' own buf module `google.api` is too.
    #[test]
    fn vendored_protos_are_decided_by_package_and_buf_module() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        let api = "syntax = \"proto3\";\npackage google.api;\nmessage Http { string x = 1; }\n";
        write(r, "google/api/http.proto", api);
        write(
            r,
            "google/api/servicecontrol/v1/service_controller.proto",
            "syntax = \"proto3\";\npackage google.api.servicecontrol.v1;\nimport \"google/api/http.proto\";\nmessage CheckRequest { google.api.Http h = 1; }\n",
        );
        let paths = |d: &Discovery| d.specs.iter().map(|s| s.path.clone()).collect::<Vec<_>>();
        let found = discover(r, &Config::default()).unwrap();
        assert_eq!(paths(&found), ["google/api/servicecontrol/v1/service_controller.proto"]);
        let http = found.skipped.iter().find(|s| s.path == "google/api/http.proto").unwrap();
        assert!(http.reason.starts_with("dependency: vendored `google.api`"), "{http:?}");
        // googleapis' own module publishes `google.api`: there it is an API of the tree.
        write(r, "buf.yaml", "version: v1\nname: buf.build/googleapis/googleapis\n");
        write(r, "google/api/client.proto", "syntax = \"proto3\";\npackage google.api;\nmessage Client {}\n");
        let found = discover(r, &Config::default()).unwrap();
        assert_eq!(paths(&found), ["google/api/client.proto", "google/api/servicecontrol/v1/service_controller.proto"], "{found:#?}");
    }

    /// A package is one spec: the first entry file of each folder and package stands for it, the
    /// other entry files are part of it.
    #[test]
    fn one_spec_per_protobuf_package() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "acme/v1/a.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage A {}\n");
        write(r, "acme/v1/b.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage B {}\n");
        write(r, "acme/v1/other.proto", "syntax = \"proto3\";\npackage acme.other;\nmessage O {}\n");
        let found = discover(r, &Config::default()).unwrap();
        let paths: Vec<&str> = found.specs.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["acme/v1/a.proto", "acme/v1/other.proto"]);
        let b = found.skipped.iter().find(|s| s.path == "acme/v1/b.proto").unwrap();
        assert_eq!(b.part_of.as_deref(), Some("acme/v1/a.proto"));
    }

    #[test]
    fn finds_specs_and_groups_modules() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(
            r,
            "services/users/api/openapi.yaml",
            "openapi: 3.0.3\ninfo:\n  title: Users\n  version: '1'\npaths:\n  /u:\n    $ref: 'paths.yaml#/u'\n",
        );
        write(r, "services/users/api/paths.yaml", "openapi: 3.0.3\nu: {}\n");
        write(r, "services/orders/openapi.json", "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"Orders\"}, \"paths\": {}}");
        write(r, "web/schema.graphql", "type Query { a: Int }\n");
        write(r, "events/asyncapi.yml", "asyncapi: '2.6.0'\n");
        write(r, "protos/a.proto", "syntax = \"proto3\";\nimport \"protos/common.proto\";\n");
        write(r, "protos/b/v1/b.proto", "syntax = \"proto3\";\npackage acme.b.v1;\n");
        write(r, "protos/common.proto", "syntax = \"proto3\";\n");
        write(r, "sdk/index.d.ts", "export declare const a: number;\n");
        write(r, "sdk/impl.ts", "export const a = 1;\n");
        write(r, "node_modules/x/openapi.yaml", "openapi: 3.0.0\n");
        write(r, "ignored/openapi.yaml", "openapi: 3.0.0\n");
        write(r, ".gitignore", "ignored/\n");
        write(r, "package.json", "{\"name\": \"x\"}");
        write(r, "root.yaml", "swagger: '2.0'\ninfo:\n  title: Legacy Pets\n");
        let got = discover(r, &Config::default()).unwrap();
        let summary: Vec<(String, &str, String)> =
            got.specs.iter().map(|s| (s.path.clone(), s.format.as_str(), s.module.clone())).collect();
        assert_eq!(
            summary,
            vec![
                ("events/asyncapi.yml".into(), "asyncapi", "events".into()),
                ("protos/a.proto".into(), "protobuf", "protos".into()),
                ("protos/b/v1/b.proto".into(), "protobuf", "acme.b.v1".into()),
                ("root.yaml".into(), "openapi", "legacy-pets".into()),
                ("sdk/index.d.ts".into(), "typescript", "sdk".into()),
                ("services/orders/openapi.json".into(), "openapi", "orders".into()),
                ("services/users/api/openapi.yaml".into(), "openapi", "users".into()),
                ("web/schema.graphql".into(), "graphql", "web".into()),
            ]
        );
        let skipped: Vec<&str> = got.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, vec!["protos/common.proto", "services/users/api/paths.yaml"]);
        assert_eq!(got.specs[5].reason, "top-level `openapi: 3.1.0`");
        assert_eq!(got.modules.len(), 8);
    }

    #[test]
    fn protobuf_modules_are_packages_or_buf_modules() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        let proto = |pkg: &str| format!("syntax = \"proto3\";\npackage {pkg};\nmessage M {{}}\n");
        // A package spread over two folders is one module, named after the package.
        write(r, "proto/acme/billing/v1/invoices.proto", &proto("acme.billing.v1"));
        write(r, "legacy/v1/billing.proto", &proto("acme.billing.v1"));
        // buf.yaml v2 named modules, and a v1 buf.yaml with a name in a workspace folder.
        write(r, "buf.yaml", "version: v2\nmodules:\n  - path: mods/pets\n    name: buf.build/acme/petapis\n  - path: mods/plain\n");
        write(r, "mods/pets/pet/v1/pet.proto", &proto("pet.v1"));
        write(r, "mods/plain/store/v1/store.proto", &proto("store.v1"));
        write(r, "ws/users/buf.yaml", "version: v1\nname: buf.build/acme/accounts\n");
        write(r, "ws/users/users/v1/users.proto", &proto("users.v1"));
        // No package: the folder, as for other formats; other formats are unchanged.
        write(r, "misc/v1/nopkg.proto", "syntax = \"proto3\";\nmessage M {}\n");
        write(r, "services/users/openapi.yaml", "openapi: 3.0.3\n");
        let got = discover(r, &Config::default()).unwrap();
        let modules: Vec<(&str, &str)> = got.specs.iter().map(|s| (s.path.as_str(), s.module.as_str())).collect();
        assert_eq!(
            modules,
            [
                ("legacy/v1/billing.proto", "acme.billing.v1"),
                ("misc/v1/nopkg.proto", "v1"),
                ("mods/pets/pet/v1/pet.proto", "petapis"),
                ("mods/plain/store/v1/store.proto", "store.v1"),
                ("proto/acme/billing/v1/invoices.proto", "acme.billing.v1"),
                ("services/users/openapi.yaml", "users"),
                ("ws/users/users/v1/users.proto", "accounts"),
            ]
        );
        let billing = got.modules.iter().find(|m| m.name == "acme.billing.v1").unwrap();
        assert_eq!(billing.specs.len(), 2);
    }

    #[test]
    fn config_modules_claim_specs() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "a/openapi.yaml", "openapi: 3.0.3\n");
        write(r, "b/schema.graphql", "type Query { a: Int }\n");
        write(r, "b/notaspec.yaml", "name: x\n");
        let config = crate::config::parse("c", "modules:\n  - name: core\n    specs: ['a/*.yaml', 'b/*']\nexclude: ['zzz/**']\n").unwrap();
        let got = discover(r, &config).unwrap();
        assert!(got.specs.iter().all(|s| s.module == "core"));
        assert_eq!(got.specs.len(), 2);
        assert!(got.modules[0].configured);
        assert!(got.skipped[0].reason.contains("no top-level"));
    }
}
