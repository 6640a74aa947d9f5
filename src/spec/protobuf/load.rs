//! Compiles a `.proto` entry file and its imports with protox, reading every file through the
//! input's [`Fetch`] (file system or git revision), and lowers the descriptors into the model.

use super::{
    Cardinality, Enum, EnumValue, Field, File, FileOption, HttpBinding, HttpRule, Kind, Message, Method, Oneof, Package, Pos, Service,
    default_json_name,
};
use crate::error::{Located, Result};
use crate::source::{Fetch, Input, normalize};
use crate::spec::LoadOptions;
use protox::file::{ChainFileResolver, File as ProtoxFile, FileResolver, GoogleFileResolver};
use protox::prost_reflect::prost_types as pt;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// Import names under this prefix are the well-known types bundled with protox.
pub(super) const WKT_PREFIX: &str = "google/protobuf/";
/// How many parent folders are tried as import roots.
pub(super) const MAX_ANCESTORS: usize = 32;

/// Import names opened so far, with their display names (for error locations and the model).
type Opened = Rc<RefCell<HashMap<String, String>>>;

/// Serves protox the entry file from memory and every other file through [`Fetch`], trying each
/// import root in turn.
pub(super) struct FetchResolver {
    fetch: Arc<dyn Fetch>,
    roots: Vec<PathBuf>,
    main_name: String,
    main_display: String,
    main_text: String,
    /// The entry file's import root, and the prefix that turns an import name found there into a
    /// display name like the entry's (`pubsub-6.0.1/` + `google/api/http.proto`).
    main_root: PathBuf,
    display_prefix: Option<String>,
    opened: Opened,
    /// The first import that exists but was refused (outside the repository, not a regular
    /// file, too large): reported instead of protox's "not found".
    refused: Rc<RefCell<Option<Located>>>,
    /// What to add to an "import not found" error: the BSR modules `buf.yaml` depends on.
    pub(super) missing_hint: String,
}

impl FileResolver for FetchResolver {
    fn open_file(&self, name: &str) -> Result<ProtoxFile, protox::Error> {
        let (display, text) = if name == self.main_name {
            (self.main_display.clone(), self.main_text.clone())
        } else if name.starts_with(WKT_PREFIX) {
            // Served by the bundled copies (the next resolver in the chain).
            return Err(protox::Error::file_not_found(name));
        } else {
            let found = self.roots.iter().find_map(|root| {
                let path = normalize(&root.join(name));
                let text = match self.fetch.fetch(&path) {
                    Ok(t) => t,
                    Err(crate::Error::Input(l)) if l.message != crate::source::NO_SUCH_FILE => {
                        self.refused.borrow_mut().get_or_insert(l);
                        return None;
                    }
                    Err(_) => return None,
                };
                let display = match &self.display_prefix {
                    Some(prefix) if *root == self.main_root => format!("{prefix}{name}"),
                    _ => self.fetch.display(&path),
                };
                Some((display, text))
            });
            found.ok_or_else(|| protox::Error::file_not_found(name))?
        };
        if let Some(l) = bad_import(&display, &text) {
            self.refused.borrow_mut().get_or_insert(l);
        }
        // protox's parser recurses per level and slows down with depth: refuse before handing it over.
        if let Some(l) = too_deep(&display, &text) {
            self.refused.borrow_mut().get_or_insert(l);
            return Err(protox::Error::file_not_found(name));
        }
        self.opened.borrow_mut().insert(name.to_string(), display);
        ProtoxFile::from_source(name, &text)
    }
}

/// Loads a `.proto` file and everything it imports.
///
/// Imports resolve against the file's own folder, each folder of `opts.proto_includes`, then each
/// parent folder of the file (so `google/pubsub/v1/pubsub.proto` finds `google/api/...` next to
/// `google/`). The well-known types (`google/protobuf/*.proto`) come bundled.
pub fn load(input: &Input, opts: &LoadOptions) -> Result<Package> {
    let entry = Entry::new(input, opts);
    Ok(mark_own(compile_alone(input, opts, entry)?))
}

/// Compiles the entry's files with everything they import, on their own.
pub(super) fn compile_alone(input: &Input, opts: &LoadOptions, entry: Entry) -> Result<Package> {
    let main = Some((entry.main_name.clone(), input.text.clone()));
    let mut resolver = FetchResolver::new(input, entry.roots, entry.main_root, entry.display_prefix, main);
    resolver.missing_hint = deps_hint(&opts.buf_deps);
    compile(resolver, &entry.names, input)
}

/// Marks the API's own files: the entry and the other files of its package.
pub(super) fn mark_own(mut pkg: Package) -> Package {
    let package = pkg.files.iter().find(|f| f.is_main).map(|f| f.package.clone()).unwrap_or_default();
    for f in &mut pkg.files {
        f.own = f.is_main || f.package == package;
    }
    pkg
}

/// How one entry file is compiled: where its imports are searched, its import name, and the
/// names of all the files compiled with it.
pub(super) struct Entry {
    /// The import roots, in search order.
    pub roots: Vec<PathBuf>,
    /// The folder the entry's import name is relative to.
    pub main_root: PathBuf,
    pub main_name: String,
    /// Turns an import name found under `main_root` into a display name like the entry's.
    pub display_prefix: Option<String>,
    /// The entry's import name, then its package's other files'.
    pub names: Vec<String>,
}

impl Entry {
    /// Where the entry `input` is compiled from, and with which files.
    pub(super) fn new(input: &Input, opts: &LoadOptions) -> Entry {
        let dir = input.path.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut roots = vec![dir.clone()];
        roots.extend(opts.proto_includes.iter().map(|p| normalize(p)));
        // Parent folders only inside the repository boundary: imports never reach above it.
        roots.extend(dir.ancestors().skip(1).take(MAX_ANCESTORS).filter(|a| input.fetch.within(a)).map(Path::to_path_buf));
        let mut seen = HashSet::new();
        roots.retain(|r| seen.insert(r.clone()));

        let root = main_root(input, &dir, &opts.proto_includes);
        let rel = input.path.strip_prefix(&root).unwrap_or(&input.path);
        let main_name = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
        let main_name = if main_name.is_empty() || main_name.starts_with('/') { "main.proto".to_string() } else { main_name };

        let display_prefix = input.name.strip_suffix(main_name.as_str()).map(str::to_string);
        let mut names = vec![main_name.clone()];
        if opts.proto_package {
            names.extend(siblings(input, &dir, &root));
            // The siblings' import names hang from the package root (they lie in the entry's
            // folder, so reading them stays inside the boundary).
            if !roots.contains(&root) {
                roots.push(root.clone());
            }
        }
        Entry { roots, main_root: root, main_name, display_prefix, names }
    }

    /// Where the import `name` is read from and how it is shown, as the entry's own
    /// compilation finds it: `None` when no root holds it.
    pub(super) fn resolve(&self, input: &Input, name: &str) -> Option<(PathBuf, String, String)> {
        if name == self.main_name {
            return Some((normalize(&input.path), input.name.clone(), input.text.clone()));
        }
        self.roots.iter().find_map(|root| {
            let path = normalize(&root.join(name));
            let text = input.fetch.fetch(&path).ok()?;
            let display = match &self.display_prefix {
                Some(prefix) if *root == self.main_root => format!("{prefix}{name}"),
                _ => input.fetch.display(&path),
            };
            Some((path, display, text))
        })
    }
}

/// The import names of the other `.proto` files of the entry's folder that declare its package
/// (a package is the set of files that declare it, imported by the entry or not).
fn siblings(input: &Input, dir: &Path, root: &Path) -> Vec<String> {
    // Files without a `package` are not grouped: each stands alone.
    let Some(package) = crate::spec::imports::proto_package(&input.text) else { return Vec::new() };
    let Some(listed) = input.fetch.list(dir, false) else { return Vec::new() };
    let main = normalize(&input.path);
    listed
        .into_iter()
        .filter(|p| p.parent() == Some(dir) && p.extension().is_some_and(|e| e == "proto") && normalize(p) != main)
        .filter(|p| input.fetch.fetch(p).is_ok_and(|t| crate::spec::imports::proto_package(&t).as_ref() == Some(&package)))
        .filter_map(|p| {
            let rel = normalize(&p).strip_prefix(root).ok()?.to_path_buf();
            Some(rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"))
        })
        .filter(|n| !n.starts_with(WKT_PREFIX))
        .collect()
}

impl FetchResolver {
    /// A resolver over `roots`; `main` is the entry file (its import name and text), served from
    /// memory, and `display_prefix` turns an import name found under `main_root` into a display name.
    pub(super) fn new(
        input: &Input,
        roots: Vec<PathBuf>,
        main_root: PathBuf,
        display_prefix: Option<String>,
        main: Option<(String, String)>,
    ) -> Self {
        let (main_name, main_text) = main.unwrap_or_default();
        FetchResolver {
            fetch: input.fetch.clone(),
            roots,
            main_name,
            main_display: input.name.clone(),
            main_text,
            display_prefix,
            main_root,
            opened: Rc::default(),
            refused: Rc::default(),
            missing_hint: String::new(),
        }
    }
}

/// Compiles the files named `names` (import names) once, with everything they import, and lowers
/// them; `input` names the spec in errors. Every file starts as the API's own ([`File::own`]).
pub(super) fn compile(mut resolver: FetchResolver, names: &[String], input: &Input) -> Result<Package> {
    let (opened, refused) = (resolver.opened.clone(), resolver.refused.clone());
    let main_name = resolver.main_name.clone();
    let hint = std::mem::take(&mut resolver.missing_hint);
    let mut chain = ChainFileResolver::new();
    chain.add(resolver);
    chain.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(chain);
    compiler.include_imports(true).include_source_info(true);
    if let Err(e) = compiler.open_files(names) {
        // A refused import, or an import name protox cannot parse, explains the failure better
        // than protox's own message ("not found", "invalid group name").
        if let Some(l) = refused.borrow_mut().take() {
            return Err(l.into());
        }
        let mut located = locate(&e, &opened.borrow(), input);
        if e.is_file_not_found() {
            located.message.push_str(&hint);
        }
        return Err(located.into());
    }
    let set = compiler.file_descriptor_set();
    let http = super::http::rules(&compiler.descriptor_pool());
    let opened = opened.borrow();
    Ok(lower(&set.file.iter().collect::<Vec<_>>(), &opened, &main_name, &http))
}

/// Lowers the descriptors a gRPC server reported through reflection (a serialized
/// FileDescriptorSet); `name` is the locator, for errors.
pub fn from_descriptor_set(name: &str, bytes: &[u8]) -> Result<Package> {
    use protox::prost_reflect::prost::Message;
    let set = pt::FileDescriptorSet::decode(bytes).map_err(|e| Located::file(name, format!("the descriptor set does not decode: {e}")))?;
    // Extension options (`google.api.http`) survive only in a pool decoded from the bytes; a set
    // the pool refuses still lowers, without them.
    let http = protox::prost_reflect::DescriptorPool::decode(bytes).map(|p| super::http::rules(&p)).unwrap_or_default();
    Ok(lower(&set.file.iter().collect::<Vec<_>>(), &HashMap::new(), "", &http))
}

/// The folder the entry file's import name is relative to: an include folder that holds it, the
/// folder its `package` path hangs from, or the parent folder from which its first import resolves.
pub(super) fn main_root(input: &Input, dir: &Path, includes: &[PathBuf]) -> PathBuf {
    let path = normalize(&input.path);
    if let Some(inc) = includes.iter().map(|i| normalize(i)).find(|i| !i.as_os_str().is_empty() && path.starts_with(i)) {
        return inc;
    }
    let (package, imports) = scan(&input.text);
    // How the package's files import each other names the root best: a file of
    // `google/maps/fleetengine/v1` declaring `maps.fleetengine.v1` imports its sibling as
    // `google/maps/fleetengine/v1/traffic.proto`, so the root is above `google/`.
    if let Some(root) = sibling_import_root(input, dir, &imports) {
        return root;
    }
    if let Some(pkg) = package {
        let comps: Vec<&str> = pkg.split('.').collect();
        if !comps.is_empty()
            && comps.iter().all(|c| !c.is_empty())
            && dir.ends_with(comps.join("/"))
            && let Some(root) = dir.ancestors().nth(comps.len())
        {
            return root.to_path_buf();
        }
    }
    if let Some(first) = imports.iter().find(|i| !i.starts_with(WKT_PREFIX)) {
        for a in dir.ancestors().take(MAX_ANCESTORS).filter(|a| input.fetch.within(a)) {
            if input.fetch.fetch(&normalize(&a.join(first))).is_ok() {
                return a.to_path_buf();
            }
        }
    }
    dir.to_path_buf()
}

/// The root from which an import of the entry (or, failing that, of another `.proto` file of its
/// folder) names a file of the entry's own folder: `dir` minus the import's folder.
fn sibling_import_root(input: &Input, dir: &Path, imports: &[String]) -> Option<PathBuf> {
    let from = |imports: &[String]| {
        imports.iter().filter(|i| !i.starts_with(WKT_PREFIX)).find_map(|imp| {
            let parent = Path::new(imp).parent().filter(|p| !p.as_os_str().is_empty())?;
            if !dir.ends_with(parent) {
                return None;
            }
            let root = dir.ancestors().nth(parent.components().count())?;
            input.fetch.fetch(&normalize(&root.join(imp))).is_ok().then(|| root.to_path_buf())
        })
    };
    if let Some(root) = from(imports) {
        return Some(root);
    }
    let listed = input.fetch.list(dir, false)?;
    let main = normalize(&input.path);
    listed
        .into_iter()
        .filter(|p| p.parent() == Some(dir) && p.extension().is_some_and(|e| e == "proto") && normalize(p) != main)
        .take(MAX_SIBLINGS_SCANNED)
        .find_map(|p| from(&scan(&input.fetch.fetch(&p).ok()?).1))
}

/// How many other files of a folder are read to find the import root.
const MAX_SIBLINGS_SCANNED: usize = 64;

/// An import name that is not a path below an import root (`../x.proto`, `/x.proto`), located.
pub(super) fn bad_import(display: &str, text: &str) -> Option<Located> {
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.trim();
        if !line.starts_with("import ") {
            return None;
        }
        let name = line.split(['"', '\'']).nth(1)?;
        let bad = name.starts_with('/') || name.split(['/', '\\']).any(|seg| seg == ".." || seg == ".");
        bad.then(|| {
            let msg = format!(
                "import `{name}`: an import names a file below an import root (the file's folder, -I, or a parent folder inside the repository); `..`, `.` and a leading `/` are not allowed"
            );
            Located::new(display, Some(i as u32 + 1), None, msg)
        })
    })
}

/// Deepest nesting of `{`, `[` and `<` (messages, option values, lists) a `.proto` file may
/// have; protoc's own text-format limit is 100.
const MAX_NESTING: usize = 200;

/// The line where a file nests deeper than [`MAX_NESTING`], located; comments and string
/// literals are skipped.
pub(super) fn too_deep(display: &str, text: &str) -> Option<Located> {
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut i) = (0usize, 1u32, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    line += u32::from(bytes[i] == b'\n');
                    i += 1;
                }
                i += 2;
                continue;
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' && bytes.get(i + 1) != Some(&b'\n') { 2 } else { 1 };
                }
                // The closing quote, if any; an unterminated string ends at its line's end.
                i += usize::from(bytes.get(i) == Some(&q));
                continue;
            }
            b'{' | b'[' | b'<' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let msg = format!(
                        "nesting deeper than {MAX_NESTING} levels (messages, option values or lists inside one another); apidiff refuses it rather than spend minutes compiling it"
                    );
                    return Some(Located::new(display, Some(line), None, msg));
                }
            }
            b'}' | b']' | b'>' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The sentence an "import not found" error gains when `buf.yaml` depends on BSR modules: apidiff
/// reads only the repository (and the folders it is given), never buf's download cache or the
/// network, so the modules must be exported into a folder first.
pub(super) fn deps_hint(deps: &[String]) -> String {
    let Some(first) = deps.first() else { return String::new() };
    let name = first.split(':').next().unwrap_or(first).rsplit('/').next().unwrap_or("dep");
    format!(
        "; buf.yaml depends on {}, which apidiff does not download: export it with `buf export {first} --output third_party/{name}` and pass `-I third_party/{name}` (or list the folder under protobuf.roots in apidiff.yaml)",
        deps.join(", ")
    )
}

/// A light scan for the `package` and `import` statements (only used to guess the import root).
pub(super) fn scan(text: &str) -> (Option<String>, Vec<String>) {
    let mut package = None;
    let mut imports = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("package ") {
            package = rest.split(';').next().map(|p| p.trim().to_string());
        } else if line.starts_with("import ") {
            let mut parts = line.split(['"', '\'']);
            if let Some(name) = parts.nth(1) {
                imports.push(name.to_string());
            }
        }
    }
    (package, imports)
}

/// Maps a protox error to a located one, naming the file as the user knows it.
pub(super) fn locate(err: &protox::Error, opened: &HashMap<String, String>, input: &Input) -> Located {
    let mut message = err.to_string();
    if err.is_file_not_found() {
        message.push_str(": expected it under the importing file's folder, a folder given with -I, or a parent folder");
    }
    let Some(name) = err.file() else { return Located::file(&input.name, message) };
    let display = opened.get(name).cloned().unwrap_or_else(|| name.to_string());
    // protox's Debug output starts `name:line:col: ` when the error has a span.
    let debug = format!("{err:?}");
    let pos = debug.strip_prefix(name).and_then(|r| r.strip_prefix(':')).and_then(|r| {
        let mut it = r.splitn(3, ':');
        let line: u32 = it.next()?.trim().parse().ok()?;
        let col: u32 = it.next()?.trim().parse().ok()?;
        Some((line, col))
    });
    Located::new(display, pos.map(|p| p.0), pos.map(|p| p.1), message)
}

/// `package.Service.Method` → its `google.api.http` bindings.
pub(super) type HttpRules = HashMap<String, Vec<HttpBinding>>;

/// Lowers compiled files (dependencies before the files that import them) into the model.
pub(super) fn lower(set: &[&pt::FileDescriptorProto], opened: &HashMap<String, String>, main_name: &str, http: &HttpRules) -> Package {
    let mut map_entries = HashSet::new();
    for fd in set {
        let mut stack: Vec<(&pt::DescriptorProto, String)> = fd.message_type.iter().map(|m| (m, join(fd.package(), m.name()))).collect();
        while let Some((m, fqn)) = stack.pop() {
            if m.options.as_ref().and_then(|o| o.map_entry).unwrap_or(false) {
                map_entries.insert(fqn.clone());
            }
            stack.extend(m.nested_type.iter().map(|n| (n, join(&fqn, n.name()))));
        }
    }
    let mut files = Vec::new();
    for fd in set {
        let name = fd.name().to_string();
        if name.starts_with(WKT_PREFIX) && name != main_name {
            continue;
        }
        let display = opened.get(&name).cloned().unwrap_or_else(|| name.clone());
        let mut file = lower_file(fd, name, display, &map_entries, http);
        file.is_main = !main_name.is_empty() && file.name == main_name;
        file.own = true;
        files.push(file);
    }
    Package { files }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() { name.to_string() } else { format!("{scope}.{name}") }
}

fn strip_dot(s: &str) -> String {
    s.strip_prefix('.').unwrap_or(s).to_string()
}

struct Ctx<'a> {
    spans: HashMap<&'a [i32], (u32, u32)>,
    proto3: bool,
    map_entries: &'a HashSet<String>,
    http: &'a HttpRules,
}

impl Ctx<'_> {
    fn pos(&self, path: &[i32]) -> Pos {
        self.spans.get(path).copied()
    }
}

fn idx(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

fn path_with(base: &[i32], a: i32, b: usize) -> Vec<i32> {
    let mut p = base.to_vec();
    p.push(a);
    p.push(idx(b));
    p
}

fn lower_file(fd: &pt::FileDescriptorProto, name: String, display: String, map_entries: &HashSet<String>, http: &HttpRules) -> File {
    let mut spans = HashMap::new();
    if let Some(sci) = &fd.source_code_info {
        for loc in &sci.location {
            if let (Some(&l), Some(&c)) = (loc.span.first(), loc.span.get(1)) {
                let l = u32::try_from(l).unwrap_or(0).saturating_add(1);
                let c = u32::try_from(c).unwrap_or(0).saturating_add(1);
                spans.entry(loc.path.as_slice()).or_insert((l, c));
            }
        }
    }
    let syntax = fd.syntax.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "proto2".to_string());
    let ctx = Ctx { spans, proto3: syntax == "proto3", map_entries, http };
    let package = fd.package().to_string();
    let mut file = File {
        name,
        display,
        package: package.clone(),
        syntax,
        syntax_pos: ctx.pos(&[12]),
        package_pos: ctx.pos(&[2]),
        options: file_options(fd, &ctx),
        ..File::default()
    };
    for (i, e) in fd.enum_type.iter().enumerate() {
        file.enums.push(lower_enum(e, &path_with(&[], 5, i), join(&package, e.name()), &ctx));
    }
    for (i, s) in fd.service.iter().enumerate() {
        file.services.push(lower_service(s, &path_with(&[], 6, i), join(&package, s.name()), &ctx));
    }
    for (i, x) in fd.extension.iter().enumerate() {
        file.extensions.push(lower_field(x, &path_with(&[], 7, i), &package, None, &ctx));
    }
    let mut stack: Vec<(&pt::DescriptorProto, Vec<i32>, String)> =
        fd.message_type.iter().enumerate().map(|(i, m)| (m, path_with(&[], 4, i), join(&package, m.name()))).collect();
    while let Some((m, path, fqn)) = stack.pop() {
        for (i, n) in m.nested_type.iter().enumerate() {
            stack.push((n, path_with(&path, 3, i), join(&fqn, n.name())));
        }
        for (i, e) in m.enum_type.iter().enumerate() {
            file.enums.push(lower_enum(e, &path_with(&path, 4, i), join(&fqn, e.name()), &ctx));
        }
        for (i, x) in m.extension.iter().enumerate() {
            file.extensions.push(lower_field(x, &path_with(&path, 6, i), &fqn, None, &ctx));
        }
        let opts = m.options.as_ref();
        let mut msg = Message {
            full_name: fqn.clone(),
            no_standard_descriptor_accessor: opts.and_then(|o| o.no_standard_descriptor_accessor).unwrap_or(false),
            map_entry: opts.and_then(|o| o.map_entry).unwrap_or(false),
            pos: ctx.pos(&path),
            ..Message::default()
        };
        for (i, f) in m.field.iter().enumerate() {
            msg.fields.push(lower_field(f, &path_with(&path, 2, i), &fqn, Some(m), &ctx));
        }
        let real: HashSet<i32> = m.field.iter().filter(|f| !f.proto3_optional()).filter_map(|f| f.oneof_index).collect();
        for (i, o) in m.oneof_decl.iter().enumerate() {
            if real.contains(&idx(i)) {
                msg.oneofs.push(Oneof { name: o.name().to_string(), pos: ctx.pos(&path_with(&path, 8, i)) });
            }
        }
        msg.reserved_ranges = m.reserved_range.iter().map(|r| (r.start(), r.end().saturating_sub(1))).collect();
        msg.reserved_names = m.reserved_name.clone();
        msg.extension_ranges = m.extension_range.iter().map(|r| (r.start(), r.end().saturating_sub(1))).collect();
        file.messages.push(msg);
    }
    file.messages.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    file
}

fn lower_field(f: &pt::FieldDescriptorProto, path: &[i32], scope: &str, parent: Option<&pt::DescriptorProto>, ctx: &Ctx<'_>) -> Field {
    use pt::field_descriptor_proto::{Label, Type};
    let type_name = strip_dot(f.type_name());
    let kind = match f.r#type.and_then(|t| Type::try_from(t).ok()) {
        Some(Type::Double) => Kind::Double,
        Some(Type::Float) => Kind::Float,
        Some(Type::Int64) => Kind::Int64,
        Some(Type::Uint64) => Kind::Uint64,
        Some(Type::Int32) => Kind::Int32,
        Some(Type::Fixed64) => Kind::Fixed64,
        Some(Type::Fixed32) => Kind::Fixed32,
        Some(Type::Bool) => Kind::Bool,
        Some(Type::String) => Kind::String,
        Some(Type::Group) => Kind::Group,
        Some(Type::Message) => Kind::Message,
        Some(Type::Bytes) => Kind::Bytes,
        Some(Type::Uint32) => Kind::Uint32,
        Some(Type::Enum) => Kind::Enum,
        Some(Type::Sfixed32) => Kind::Sfixed32,
        Some(Type::Sfixed64) => Kind::Sfixed64,
        Some(Type::Sint32) => Kind::Sint32,
        Some(Type::Sint64) => Kind::Sint64,
        None => Kind::Message,
    };
    let oneof = if f.proto3_optional() {
        None
    } else {
        f.oneof_index
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| parent.and_then(|p| p.oneof_decl.get(i)))
            .map(|o| o.name().to_string())
    };
    let cardinality = match f.label.and_then(|l| Label::try_from(l).ok()) {
        Some(Label::Repeated) if kind == Kind::Message && ctx.map_entries.contains(&type_name) => Cardinality::Map,
        Some(Label::Repeated) => Cardinality::Repeated,
        Some(Label::Required) => Cardinality::Required,
        _ if !ctx.proto3 => Cardinality::Optional,
        _ if f.proto3_optional() || matches!(kind, Kind::Message | Kind::Group) || oneof.is_some() || f.extendee.is_some() => {
            Cardinality::Optional
        }
        _ => Cardinality::Implicit,
    };
    let opts = f.options.as_ref();
    Field {
        name: f.name().to_string(),
        full_name: join(scope, f.name()),
        number: f.number(),
        json_name: f.json_name.clone().unwrap_or_else(|| default_json_name(f.name())),
        kind,
        type_name,
        cardinality,
        oneof,
        default: f.default_value.clone(),
        packed: opts.and_then(|o| o.packed),
        jstype: opts.and_then(|o| o.jstype).unwrap_or(0),
        ctype: opts.and_then(|o| o.ctype).unwrap_or(0),
        extendee: f.extendee.as_deref().map(strip_dot),
        pos: ctx.pos(path),
    }
}

fn lower_enum(e: &pt::EnumDescriptorProto, path: &[i32], full_name: String, ctx: &Ctx<'_>) -> Enum {
    Enum {
        full_name,
        values: e
            .value
            .iter()
            .enumerate()
            .map(|(i, v)| EnumValue { name: v.name().to_string(), number: v.number(), pos: ctx.pos(&path_with(path, 2, i)) })
            .collect(),
        reserved_ranges: e.reserved_range.iter().map(|r| (r.start(), r.end())).collect(),
        reserved_names: e.reserved_name.clone(),
        closed: !ctx.proto3,
        pos: ctx.pos(path),
    }
}

fn lower_service(s: &pt::ServiceDescriptorProto, path: &[i32], full_name: String, ctx: &Ctx<'_>) -> Service {
    let methods = s
        .method
        .iter()
        .enumerate()
        .map(|(i, m)| Method {
            name: m.name().to_string(),
            input: strip_dot(m.input_type()),
            output: strip_dot(m.output_type()),
            client_streaming: m.client_streaming(),
            server_streaming: m.server_streaming(),
            idempotency: match m.options.as_ref().and_then(|o| o.idempotency_level).unwrap_or(0) {
                1 => "NO_SIDE_EFFECTS",
                2 => "IDEMPOTENT",
                _ => "IDEMPOTENCY_UNKNOWN",
            },
            http: ctx.http.get(&format!("{full_name}.{}", m.name())).map(|bindings| {
                let at = path_with(path, 2, i);
                let mut option = at.clone();
                option.extend([4, super::http::NUMBER]);
                HttpRule { bindings: bindings.clone(), pos: ctx.pos(&option).or(ctx.pos(&at)) }
            }),
            pos: ctx.pos(&path_with(path, 2, i)),
        })
        .collect();
    Service { full_name, methods, pos: ctx.pos(path) }
}

/// The file options buf's `FILE_SAME_*` rules compare, with their effective values.
fn file_options(fd: &pt::FileDescriptorProto, ctx: &Ctx<'_>) -> Vec<FileOption> {
    let o = fd.options.clone().unwrap_or_default();
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let b = |v: Option<bool>, d: bool| v.unwrap_or(d).to_string();
    let optimize = match o.optimize_for.unwrap_or(1) {
        2 => "CODE_SIZE",
        3 => "LITE_RUNTIME",
        _ => "SPEED",
    };
    let table: [(&'static str, String, i32); 16] = [
        ("go_package", s(&o.go_package), 11),
        ("java_package", s(&o.java_package), 1),
        ("java_outer_classname", s(&o.java_outer_classname), 8),
        ("java_multiple_files", b(o.java_multiple_files, false), 10),
        ("csharp_namespace", s(&o.csharp_namespace), 37),
        ("objc_class_prefix", s(&o.objc_class_prefix), 36),
        ("php_namespace", s(&o.php_namespace), 41),
        ("php_class_prefix", s(&o.php_class_prefix), 40),
        ("php_metadata_namespace", s(&o.php_metadata_namespace), 44),
        ("ruby_package", s(&o.ruby_package), 45),
        ("swift_prefix", s(&o.swift_prefix), 39),
        ("optimize_for", optimize.to_string(), 9),
        ("cc_enable_arenas", b(o.cc_enable_arenas, true), 31),
        ("cc_generic_services", b(o.cc_generic_services, false), 16),
        ("java_generic_services", b(o.java_generic_services, false), 17),
        ("py_generic_services", b(o.py_generic_services, false), 18),
    ];
    table.into_iter().map(|(name, value, num)| FileOption { name, value, pos: ctx.pos(&[8, num]) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use std::process::Command;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    fn try_load(dir: &Path, rel: &str, includes: Vec<PathBuf>) -> Result<Package> {
        let input = Input::open(rel, dir)?;
        load(&input, &LoadOptions { proto_includes: includes, ..LoadOptions::default() })
    }

    fn located(r: Result<Package>) -> Located {
        match r {
            Err(Error::Input(l)) => l,
            other => panic!("expected a located error, got {other:?}"),
        }
    }

    #[test]
    fn syntax_error_is_located() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("main.proto", "syntax = \"proto3\";\n\nmessage User {\n  string id = ;\n}\n")]);
        let l = located(try_load(dir.path(), "main.proto", vec![]));
        assert_eq!(l.file, "main.proto");
        assert_eq!(l.line, Some(4));
        assert!(l.column.is_some());
        assert!(l.to_string().starts_with("main.proto:4:"), "{l}");
    }

    #[test]
    fn error_in_an_imported_file_names_that_file() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("main.proto", "syntax = \"proto3\";\nimport \"lib/types.proto\";\nmessage A { T t = 1; }\n"),
                ("lib/types.proto", "syntax = \"proto3\";\n\nmessage T { int32 x = 1 }\n"),
            ],
        );
        let l = located(try_load(dir.path(), "main.proto", vec![]));
        assert!(l.file.ends_with("lib/types.proto"), "{l}");
        assert_eq!(l.line, Some(3));
    }

    #[test]
    fn missing_import_names_the_import_and_the_importing_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("main.proto", "syntax = \"proto3\";\npackage a;\n\nimport \"nowhere/x.proto\";\nmessage A {}\n")]);
        let l = located(try_load(dir.path(), "main.proto", vec![]));
        assert_eq!(l.file, "main.proto");
        assert_eq!(l.line, Some(4));
        assert!(l.message.contains("nowhere/x.proto"), "{l}");
    }

    #[test]
    fn undefined_type_is_located() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("main.proto", "syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}\n")]);
        let l = located(try_load(dir.path(), "main.proto", vec![]));
        assert_eq!(l.line, Some(3));
        assert!(l.message.contains("Missing"), "{l}");
    }

    #[test]
    fn import_cycle_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("main.proto", "syntax = \"proto3\";\nimport \"a.proto\";\n"),
                ("a.proto", "syntax = \"proto3\";\nimport \"b.proto\";\n"),
                ("b.proto", "syntax = \"proto3\";\nimport \"a.proto\";\n"),
            ],
        );
        let l = located(try_load(dir.path(), "main.proto", vec![]));
        assert!(l.message.contains("cycle"), "{l}");
    }

    #[test]
    fn garbage_and_editions_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        for (i, text) in ["\u{0}\u{1}{{{{", "edition = \"2023\";\nmessage A {}\n", "message", "syntax = \"proto4\";", ""].iter().enumerate()
        {
            let name = format!("f{i}.proto");
            write(dir.path(), &[(&name, text)]);
            // Either loads or fails with a located error; never panics.
            if let Err(e) = try_load(dir.path(), &name, vec![]) {
                assert!(matches!(e, Error::Input(_)), "{e:?}");
            }
        }
    }

    #[test]
    fn includes_and_parent_folders_are_import_roots() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("vendor/shared/money.proto", "syntax = \"proto3\";\npackage shared;\nmessage Money { int64 units = 1; }\n"),
                (
                    "protos/acme/v1/order.proto",
                    "syntax = \"proto3\";\npackage acme.v1;\nimport \"acme/v1/item.proto\";\nimport \"shared/money.proto\";\nmessage Order { Item item = 1; shared.Money total = 2; }\n",
                ),
                ("protos/acme/v1/item.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage Item { string sku = 1; }\n"),
            ],
        );
        // Outside git the boundary is the entry file's folder: parent folders are not searched.
        let r = try_load(dir.path(), "protos/acme/v1/order.proto", vec![]);
        assert!(located(r).message.contains("acme/v1/item.proto"));
        // Inside a repository they are, up to its top level.
        crate::source::git::run(dir.path(), &["init", "-q"]).unwrap();
        let r = try_load(dir.path(), "protos/acme/v1/order.proto", vec![]);
        assert!(located(r).message.contains("shared/money.proto"));
        let pkg = try_load(dir.path(), "protos/acme/v1/order.proto", vec![dir.path().join("vendor")]).unwrap();
        let names: Vec<&str> = pkg.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["acme/v1/item.proto", "shared/money.proto", "acme/v1/order.proto"]);
        let main = pkg.files.iter().find(|f| f.is_main).unwrap();
        assert_eq!(main.display, "protos/acme/v1/order.proto");
        let item = pkg.files.iter().find(|f| f.name == "acme/v1/item.proto").unwrap();
        assert_eq!(item.display, "protos/acme/v1/item.proto");
    }

    #[test]
    fn well_known_types_are_bundled_and_left_out_of_the_model() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[(
                "main.proto",
                "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\nmessage A { google.protobuf.Timestamp at = 1; }\n",
            )],
        );
        let pkg = try_load(dir.path(), "main.proto", vec![]).unwrap();
        assert_eq!(pkg.files.len(), 1);
        let field = &pkg.files[0].messages[0].fields[0];
        assert_eq!((field.kind, field.type_name.as_str()), (Kind::Message, "google.protobuf.Timestamp"));
    }

    #[test]
    fn lowering_keeps_what_the_rules_need() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"syntax = "proto3";
package acme.v1;
option go_package = "example.com/acme";
message User {
  reserved 9, 20 to max;
  reserved "old";
  string user_id = 1;
  optional string nick = 2;
  repeated string tags = 3;
  map<string, int64> scores = 4;
  oneof contact { string email = 5; string phone = 6; }
  Address address = 7 [json_name = "addr"];
  message Address { string city = 1; }
  enum Kind { KIND_UNSPECIFIED = 0; }
}
service Users { rpc Watch(stream User) returns (stream User) { option idempotency_level = IDEMPOTENT; } }
"#;
        write(dir.path(), &[("main.proto", text)]);
        let pkg = try_load(dir.path(), "main.proto", vec![]).unwrap();
        let f = &pkg.files[0];
        assert_eq!((f.package.as_str(), f.syntax.as_str(), f.package_pos), ("acme.v1", "proto3", Some((2, 1))));
        assert_eq!(
            f.options.iter().find(|o| o.name == "go_package").map(|o| (o.value.as_str(), o.pos)),
            Some(("example.com/acme", Some((3, 1))))
        );
        let user = f.messages.iter().find(|m| m.full_name == "acme.v1.User").unwrap();
        assert_eq!(user.reserved_ranges, vec![(9, 9), (20, 536_870_911)]);
        assert_eq!(user.reserved_names, vec!["old".to_string()]);
        let card =
            |n: &str| user.fields.iter().find(|x| x.name == n).map(|x| (x.cardinality, x.oneof.clone(), x.json_name.clone())).unwrap();
        assert_eq!(card("user_id"), (Cardinality::Implicit, None, "userId".into()));
        assert_eq!(card("nick"), (Cardinality::Optional, None, "nick".into()));
        assert_eq!(card("tags").0, Cardinality::Repeated);
        assert_eq!(card("scores").0, Cardinality::Map);
        assert_eq!(card("email"), (Cardinality::Optional, Some("contact".into()), "email".into()));
        assert_eq!(card("address"), (Cardinality::Optional, None, "addr".into()));
        assert_eq!(user.oneofs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["contact"], "synthetic oneof of `optional` left out");
        assert_eq!(user.fields[0].pos, Some((7, 3)));
        assert!(f.messages.iter().any(|m| m.full_name == "acme.v1.User.ScoresEntry" && m.map_entry));
        assert!(f.enums.iter().any(|e| e.full_name == "acme.v1.User.Kind" && !e.closed));
        let m = &f.services[0].methods[0];
        assert_eq!((m.client_streaming, m.server_streaming, m.idempotency, m.input.as_str()), (true, true, "IDEMPOTENT", "acme.v1.User"));
    }

    #[test]
    fn http_options_are_read_from_files_and_from_descriptor_sets() {
        let dir = tempfile::tempdir().unwrap();
        let imports = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/protobuf-imports");
        let text = r#"syntax = "proto3";
package acme.v1;
import "google/api/annotations.proto";
message R { string name = 1; }
service S {
  rpc Get(R) returns (R) {
    option (google.api.http) = {
      get: "/v1/{name=r/*}"
      additional_bindings { custom: { kind: "HEAD" path: "/v1/{name}" } }
      additional_bindings { post: "/v1/r:get" body: "*" response_body: "name" }
    };
  }
  rpc Plain(R) returns (R);
}
"#;
        write(dir.path(), &[("main.proto", text)]);
        for name in ["google/api/annotations.proto", "google/api/http.proto"] {
            write(dir.path(), &[(name, &std::fs::read_to_string(imports.join(name)).unwrap())]);
        }
        let pkg = try_load(dir.path(), "main.proto", vec![]).unwrap();
        let main = pkg.files.iter().find(|f| f.is_main).unwrap();
        let rule = main.services[0].methods[0].http.clone().unwrap();
        let shown: Vec<String> =
            rule.bindings.iter().map(|b| format!("{} {} {} {}", b.verb, b.path, b.body, b.response_body).trim().to_string()).collect();
        assert_eq!(shown, ["GET /v1/{name=r/*}", "HEAD /v1/{name}", "POST /v1/r:get * name"]);
        assert_eq!(rule.pos, Some((7, 5)), "the option's position");
        assert!(main.services[0].methods[1].http.is_none());
        // A live gRPC source hands over a serialized descriptor set: the option survives it.
        let mut compiler = protox::Compiler::new([dir.path()]).unwrap();
        compiler.include_imports(true).open_file("main.proto").unwrap();
        let live = from_descriptor_set("grpc://x", &compiler.encode_file_descriptor_set()).unwrap();
        let method = live.services().next().unwrap().1.methods[0].http.clone().unwrap();
        assert_eq!(method.bindings, rule.bindings);
    }

    /// An import the git revision does not hold is named as a missing import, on the importing
    /// line, not as a failure to read from git.
    #[test]
    fn a_missing_import_at_a_git_revision_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| assert!(crate::source::git::run(dir.path(), args).is_some(), "git {args:?}");
        git(&["init", "-q"]);
        git(&["config", "user.email", "t@example.com"]);
        git(&["config", "user.name", "t"]);
        write(dir.path(), &[("api/main.proto", "syntax = \"proto3\";\nimport \"types.proto\";\nmessage A { T t = 1; }\n")]);
        git(&["add", "-A"]);
        git(&["commit", "-qm", "v1"]);
        let l = located(try_load(dir.path(), "HEAD:api/main.proto", vec![]));
        assert!(l.message.contains("types.proto") && !l.message.contains("cannot read from git"), "{l}");
        assert_eq!((l.file.as_str(), l.line), ("HEAD:api/main.proto", Some(2)), "{l}");
    }

    /// With `proto_package`, an entry file brings every file of its folder that declares its
    /// package, imported or not; other packages of the folder stay out.
    #[test]
    fn a_package_is_compiled_with_its_siblings() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("acme/v1/svc.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage Req {}\n"),
                ("acme/v1/types.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage Money {}\n"),
                ("acme/v1/other.proto", "syntax = \"proto3\";\npackage acme.other;\nmessage O {}\n"),
            ],
        );
        let load_with = |package: bool| {
            let input = Input::open("acme/v1/svc.proto", dir.path()).unwrap();
            load(&input, &LoadOptions { proto_package: package, ..LoadOptions::default() }).unwrap()
        };
        let names = |p: &Package| p.files.iter().map(|f| (f.name.clone(), f.own)).collect::<Vec<_>>();
        assert_eq!(names(&load_with(false)), [("acme/v1/svc.proto".to_string(), true)]);
        let pkg = load_with(true);
        assert_eq!(names(&pkg), [("acme/v1/svc.proto".to_string(), true), ("acme/v1/types.proto".to_string(), true)]);
        assert_eq!(pkg.files[1].display, "acme/v1/types.proto");
    }

    #[test]
    fn imports_are_read_from_the_git_revision() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let ok = Command::new("git").arg("-C").arg(dir.path()).args(args).output().unwrap().status.success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["config", "user.email", "t@example.com"]);
        git(&["config", "user.name", "t"]);
        write(
            dir.path(),
            &[
                ("api/main.proto", "syntax = \"proto3\";\nimport \"types.proto\";\nmessage A { T t = 1; }\n"),
                ("api/types.proto", "syntax = \"proto3\";\nmessage T { int32 old = 1; }\n"),
            ],
        );
        git(&["add", "-A"]);
        git(&["commit", "-qm", "v1"]);
        write(dir.path(), &[("api/types.proto", "syntax = \"proto3\";\nmessage T { int32 new = 1; }\n")]);
        let pkg = try_load(dir.path(), "HEAD:api/main.proto", vec![]).unwrap();
        let t = pkg.files.iter().find(|f| f.name == "types.proto").unwrap();
        assert_eq!(t.messages[0].fields[0].name, "old", "the committed import, not the working copy");
        assert_eq!(t.display, "HEAD:api/types.proto");
        let now = try_load(dir.path(), "api/main.proto", vec![]).unwrap();
        assert_eq!(now.files.iter().find(|f| f.name == "types.proto").unwrap().messages[0].fields[0].name, "new");
    }
}
