//! One side of a run's protobuf files compiled once: every package of a tree imports the same
//! annotations and common types, and compiling each package with its imports on its own parsed
//! and linked them again for each package. [`Shared`] keeps one protox compilation per side;
//! each package adds the files not compiled yet and takes its own share (its files and what they
//! import, in the order its own compilation would list them).
//!
//! A share is used only when every file in it is the one the package's own compilation would
//! read (same import name, same path, same text); otherwise, and whenever the shared compilation
//! fails, the package is compiled on its own, so verdicts and errors are those of [`super::load`].

use super::Package;
use super::load::{Entry, WKT_PREFIX, bad_import, compile_alone, lower, mark_own, too_deep};
use crate::error::Result;
use crate::source::Input;
use crate::spec::LoadOptions;
use protox::file::{ChainFileResolver, File as ProtoxFile, FileResolver, GoogleFileResolver};
use protox::prost_reflect::{DescriptorPool, FileDescriptor};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::rc::Rc;

/// Loads a `.proto` entry file as [`super::load`] does, compiled into `shared` (one side's
/// compilation of a whole run) when it resolves every file as this entry alone would; otherwise
/// on its own.
pub fn load_shared(input: &Input, opts: &LoadOptions, shared: Option<&Shared>) -> Result<Package> {
    let entry = Entry::new(input, opts);
    let pkg = match shared.and_then(|s| s.compile(input, &entry)) {
        Some(pkg) => pkg,
        None => compile_alone(input, opts, entry)?,
    };
    Ok(mark_own(pkg))
}

/// One side's compilation for a whole run (see the module documentation). Not shared between
/// threads: a run loads its specs one after the other.
#[derive(Default)]
pub struct Shared {
    state: RefCell<Option<State>>,
    stats: Cell<Stats>,
    /// Set while a package is being added: still set at the next call, the last one panicked
    /// (the run isolates each spec) and the compilation may be half-updated: it is dropped.
    busy: Cell<bool>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("stats", &self.stats.get()).finish_non_exhaustive()
    }
}

/// What a [`Shared`] compilation did so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files read and parsed (the bundled well-known types aside).
    pub parsed: usize,
    /// Packages taken from the shared compilation.
    pub shared: usize,
    /// Packages compiled on their own instead.
    pub alone: usize,
}

/// The compilation and what the resolver serving it knows.
struct State {
    compiler: protox::Compiler,
    ctx: Rc<RefCell<Ctx>>,
}

/// The package being added (the resolver reads its files as its own compilation would), and
/// where each file compiled so far came from.
#[derive(Default)]
struct Ctx {
    input: Option<Input>,
    roots: Vec<PathBuf>,
    main_name: String,
    origins: HashMap<String, Origin>,
    parsed: usize,
}

/// Where a compiled file was read: its path and a hash of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    path: PathBuf,
    hash: u64,
}

fn hash(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

struct Resolver(Rc<RefCell<Ctx>>);

impl FileResolver for Resolver {
    fn open_file(&self, name: &str) -> Result<ProtoxFile, protox::Error> {
        let mut ctx = self.0.borrow_mut();
        let Some(input) = ctx.input.clone() else { return Err(protox::Error::file_not_found(name)) };
        let found = if name == ctx.main_name {
            Some((crate::source::normalize(&input.path), input.text.clone()))
        } else if name.starts_with(WKT_PREFIX) {
            // The bundled copies (the next resolver in the chain).
            None
        } else {
            ctx.roots.iter().find_map(|root| {
                let path = crate::source::normalize(&root.join(name));
                input.fetch.fetch(&path).ok().map(|t| (path, t))
            })
        };
        let Some((path, text)) = found else { return Err(protox::Error::file_not_found(name)) };
        // A file its own compilation would refuse or report on: let that compilation do it.
        if bad_import(name, &text).is_some() || too_deep(name, &text).is_some() {
            return Err(protox::Error::file_not_found(name));
        }
        ctx.origins.insert(name.to_string(), Origin { path, hash: hash(&text) });
        ctx.parsed += 1;
        ProtoxFile::from_source(name, &text)
    }
}

impl State {
    fn new() -> State {
        let ctx = Rc::new(RefCell::new(Ctx::default()));
        let mut chain = ChainFileResolver::new();
        chain.add(Resolver(ctx.clone()));
        chain.add(GoogleFileResolver::new());
        let mut compiler = protox::Compiler::with_file_resolver(chain);
        compiler.include_imports(true).include_source_info(true);
        State { compiler, ctx }
    }
}

impl Shared {
    /// A compilation with nothing in it yet.
    pub fn new() -> Shared {
        Shared::default()
    }

    /// What it did so far.
    pub fn stats(&self) -> Stats {
        self.stats.get()
    }

    /// The package of `entry`, from the shared compilation; `None` when it must be compiled on
    /// its own (the shared compilation failed, or a file in its share is not the one it reads).
    pub(super) fn compile(&self, input: &Input, entry: &Entry) -> Option<Package> {
        let pkg = self.try_compile(input, entry);
        let mut stats = self.stats.get();
        match pkg {
            Some(_) => stats.shared += 1,
            None => stats.alone += 1,
        }
        self.stats.set(stats);
        pkg
    }

    fn try_compile(&self, input: &Input, entry: &Entry) -> Option<Package> {
        let mut slot = self.state.borrow_mut();
        if self.busy.replace(true) {
            *slot = None;
        }
        let state = slot.get_or_insert_with(State::new);
        {
            let mut ctx = state.ctx.borrow_mut();
            ctx.input = Some(input.clone());
            ctx.roots = entry.roots.clone();
            ctx.main_name = entry.main_name.clone();
        }
        let ok = state.compiler.open_files(&entry.names).is_ok();
        self.busy.set(false);
        let parsed = {
            let mut ctx = state.ctx.borrow_mut();
            ctx.input = None;
            std::mem::take(&mut ctx.parsed)
        };
        let mut stats = self.stats.get();
        stats.parsed += parsed;
        self.stats.set(stats);
        if !ok {
            // What failed may have left part of its imports behind: start again for the next one.
            *slot = None;
            return None;
        }
        // The pool is shared with the compiler only while this package is taken out: the next
        // package adds to it in place.
        let pool = state.compiler.descriptor_pool();
        let files = share(&pool, &entry.names)?;
        let opened = verify(&state.ctx.borrow(), &files, input, entry)?;
        let http = super::http::rules_in(&pool, &files);
        let protos: Vec<_> = files.iter().map(FileDescriptor::file_descriptor_proto).collect();
        Some(lower(&protos, &opened, &entry.main_name, &http))
    }
}

/// The files `names` bring, dependencies first, in the order a compilation of them alone lists
/// them (each file after the files it imports, in import order, then the next name's).
fn share(pool: &DescriptorPool, names: &[String]) -> Option<Vec<FileDescriptor>> {
    fn visit(f: FileDescriptor, seen: &mut HashSet<String>, out: &mut Vec<FileDescriptor>) {
        if !seen.insert(f.name().to_string()) {
            return;
        }
        for d in f.dependencies() {
            visit(d, seen, out);
        }
        out.push(f);
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for n in names {
        visit(pool.get_file_by_name(n)?, &mut seen, &mut out);
    }
    Some(out)
}

/// The display name of each file of the share, when every one is the file the entry's own
/// compilation would read (the same path and text; the bundled well-known types as bundled).
fn verify(ctx: &Ctx, files: &[FileDescriptor], input: &Input, entry: &Entry) -> Option<HashMap<String, String>> {
    let mut opened = HashMap::new();
    for f in files {
        let name = f.name();
        let recorded = ctx.origins.get(name);
        if name != entry.main_name && name.starts_with(WKT_PREFIX) {
            if recorded.is_some() {
                return None;
            }
            continue;
        }
        let (path, display, text) = entry.resolve(input, name)?;
        if recorded != Some(&Origin { path, hash: hash(&text) }) {
            return None;
        }
        opened.insert(name.to_string(), display);
    }
    Some(opened)
}

#[cfg(test)]
mod tests {
    use super::super::load::load;
    use super::*;
    use crate::source::GitFetch;
    use crate::spec::bundle::Tree;
    use std::process::Command;

    const MONEY: &str = "syntax = \"proto3\";\npackage common.v1;\nmessage Money { int64 units = 1; }\n";
    const TYPES: &str =
        "syntax = \"proto3\";\npackage acme.v1;\nimport \"common/v1/money.proto\";\nmessage Item { common.v1.Money price = 1; }\n";
    const ORDERS: &str = "syntax = \"proto3\";\npackage acme.v1;\nimport \"acme/v1/types.proto\";\nimport \"google/protobuf/timestamp.proto\";\nmessage Order { Item item = 1; google.protobuf.Timestamp at = 2; }\nservice Orders { rpc Get(Order) returns (Order); }\n";
    const INVOICE: &str = "syntax = \"proto3\";\npackage billing.v1;\nimport \"acme/v1/types.proto\";\nimport \"common/v1/money.proto\";\nmessage Invoice { repeated acme.v1.Item items = 1; common.v1.Money total = 2; }\n";

    /// A git repository holding `files`, committed.
    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let git = |args: &[&str]| {
            let ok = Command::new("git").arg("-C").arg(dir.path()).args(args).output().unwrap().status.success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A"]);
        git(&["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "v1"]);
        dir
    }

    fn package_opts() -> LoadOptions {
        LoadOptions { proto_package: true, ..LoadOptions::default() }
    }

    /// Each entry loaded into one shared compilation, and on its own: the same model.
    fn both(tree: &Tree, entries: &[&str], shared: &Shared) {
        for entry in entries {
            let input = tree.open(entry).unwrap();
            let together = load_shared(&input, &package_opts(), Some(shared)).unwrap();
            let alone = load(&input, &package_opts()).unwrap();
            assert_eq!(format!("{together:#?}"), format!("{alone:#?}"), "{entry}");
        }
    }

    /// A tree read from a git revision: every package gets from the shared compilation exactly
    /// what its own compilation gives, and a file imported by its sibling and by another package
    /// (`acme/v1/types.proto`) is read from git and compiled once.
    #[test]
    fn a_tree_is_compiled_once_and_each_package_gets_its_own_share() {
        let dir = repo(&[
            ("common/v1/money.proto", MONEY),
            ("acme/v1/types.proto", TYPES),
            ("acme/v1/orders.proto", ORDERS),
            ("billing/v1/invoice.proto", INVOICE),
        ]);
        let fetch = GitFetch::snapshot("HEAD", dir.path());
        let files = fetch.files.clone().expect("the revision is listed");
        let tree = Tree::Git(fetch);
        let shared = Shared::new();
        both(&tree, &["acme/v1/orders.proto", "billing/v1/invoice.proto", "common/v1/money.proto"], &shared);
        assert_eq!(shared.stats(), Stats { parsed: 4, shared: 3, alone: 0 });
        assert_eq!(files.reads(), 4, "each file is read from git once");
        let acme = load_shared(&tree.open("acme/v1/orders.proto").unwrap(), &package_opts(), Some(&shared)).unwrap();
        let own: Vec<(&str, bool)> = acme.files.iter().map(|f| (f.name.as_str(), f.own)).collect();
        assert_eq!(own, [("common/v1/money.proto", false), ("acme/v1/types.proto", true), ("acme/v1/orders.proto", true)]);
        assert_eq!(shared.stats().parsed, 4, "loading a package again parses nothing");
    }

    /// Two folders that each import their own `dep.proto`: the second package's import is not
    /// the file the shared compilation holds under that name, so it is compiled on its own.
    #[test]
    fn a_package_whose_import_resolves_elsewhere_is_compiled_on_its_own() {
        let dep = |m: &str| format!("syntax = \"proto3\";\nmessage {m} {{ int32 n = 1; }}\n");
        let dir = repo(&[
            ("a/x.proto", "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage X { DepA d = 1; }\n"),
            ("a/dep.proto", &dep("DepA")),
            ("b/y.proto", "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage Y { DepB d = 1; }\n"),
            ("b/dep.proto", &dep("DepB")),
            ("c/z.proto", "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage Z { int32 n = 1; }\n"),
            ("c/dep.proto", &dep("DepA")),
        ]);
        let tree = Tree::Git(GitFetch::snapshot("HEAD", dir.path()));
        let shared = Shared::new();
        // c/dep.proto has a/dep.proto's text, but it is another file (shown under another name):
        // the share is refused. b/y.proto does not compile against a/dep.proto: the shared
        // compilation fails and is started again for the next package.
        both(&tree, &["a/x.proto", "c/z.proto", "b/y.proto"], &shared);
        assert_eq!((shared.stats().shared, shared.stats().alone), (1, 2), "{:?}", shared.stats());
        both(&tree, &["c/z.proto"], &shared);
        assert_eq!((shared.stats().shared, shared.stats().alone), (2, 2), "a fresh compilation after the failure: {:?}", shared.stats());
    }
}
