//! Parses one file with oxc and lowers its statements into declarations, deciding which are
//! exported; follows relative re-exports into sibling files (depth-limited, cycle-safe).

use super::{EnumMember, Member, MemberKind, Param, Pos, Shape, Signature, Surface, Symbol, SymbolKind, TypeParam, TypeText};
use crate::error::{Located, Result};
use crate::source::Input;
use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// Deepest namespace nesting compared; deeper nesting is a located error, never silence.
const MAX_NAMESPACE_DEPTH: usize = 512;
/// Stack for parsing and lowering: the parser recurses once per nesting level, and
/// [`super::nesting::MAX_NESTING`] levels must fit whatever thread the caller runs on.
/// Longest chain of files followed through re-exports.
const MAX_FILE_DEPTH: usize = 16;

/// A declaration before flattening: its symbol (named locally), whether its scope exports it,
/// and, for namespaces, its own declarations.
#[derive(Debug, Clone)]
struct Decl {
    exported: bool,
    sym: Symbol,
    children: Vec<Decl>,
}

impl Decl {
    fn leaf(sym: Symbol) -> Decl {
        Decl { exported: false, sym, children: Vec::new() }
    }
}

pub(super) fn load(input: &Input) -> Result<Surface> {
    // A thread of its own, so the stack budget does not depend on the caller's (2 MB worker
    // threads in the server and tests).
    crate::deep::run("lowering TypeScript", || load_here(input)).map_err(|e| match e {
        crate::Error::Internal(_) => {
            Located::new(&input.name, Some(1), Some(1), "the TypeScript loader failed on this file; expected valid TypeScript declarations")
                .into()
        }
        other => other,
    })
}

fn load_here(input: &Input) -> Result<Surface> {
    let mut files = Files::default();
    files.loaded.insert(input.path.clone());
    let decls = parse_file(input, &mut files, 0)?;
    let mut symbols = BTreeMap::new();
    flatten(&decls, "", &mut symbols);
    let mut hidden = BTreeMap::new();
    flatten_hidden(&decls, &symbols, &mut hidden);
    for sym in symbols.values_mut().chain(hidden.values_mut()) {
        prune_implementations(&mut sym.sigs);
        for m in sym.members.values_mut() {
            prune_implementations(&mut m.sigs);
        }
    }
    let mut types = BTreeMap::new();
    flatten_types(&decls, &mut types);
    Ok(Surface { file: input.name.clone(), symbols, types, hidden, script: files.entry_script })
}

/// The files a load has read: `loaded` are lowered once (re-exports; also the cycle guard), and
/// files imported for their types are kept by path so each is parsed once however often it is
/// imported.
#[derive(Default)]
struct Files {
    loaded: HashSet<PathBuf>,
    imported: HashMap<PathBuf, Vec<Decl>>,
    /// The entry file has no import or export: a script, whose declarations are global.
    entry_script: bool,
}

/// Interfaces, type aliases, classes and enums that are not exported (declared without `export`
/// or brought in by `import`), by qualified name: exported types may name them, so a change to
/// one is a change to the surface, reported where it is declared.
fn flatten_hidden(decls: &[Decl], exported: &BTreeMap<(String, SymbolKind), Symbol>, out: &mut BTreeMap<(String, SymbolKind), Symbol>) {
    let mut stack: Vec<(&[Decl], String, bool)> = vec![(decls, String::new(), true)];
    while let Some((decls, prefix, visible)) = stack.pop() {
        for d in decls {
            let name = format!("{prefix}{}", d.sym.name);
            let shown = visible && d.exported;
            let key = (name.clone(), d.sym.kind);
            let named = matches!(d.sym.kind, SymbolKind::Interface | SymbolKind::TypeAlias | SymbolKind::Class | SymbolKind::Enum);
            if named && !shown && !exported.contains_key(&key) {
                let mut sym = d.sym.clone();
                sym.name = name.clone();
                match out.get_mut(&key) {
                    Some(existing) => merge(existing, sym),
                    None => {
                        out.insert(key, sym);
                    }
                }
            }
            if !d.children.is_empty() {
                stack.push((&d.children, format!("{name}."), shown));
            }
        }
    }
}

/// Every class and interface, exported or not, by qualified name.
fn flatten_types(decls: &[Decl], out: &mut BTreeMap<String, Symbol>) {
    let mut stack: Vec<(&[Decl], String)> = vec![(decls, String::new())];
    while let Some((decls, prefix)) = stack.pop() {
        for d in decls {
            let name = format!("{prefix}{}", d.sym.name);
            if matches!(d.sym.kind, SymbolKind::Interface | SymbolKind::Class) {
                let mut sym = d.sym.clone();
                sym.name = name.clone();
                match out.get_mut(&name) {
                    Some(existing) => merge(existing, sym),
                    None => {
                        out.insert(name.clone(), sym);
                    }
                }
            }
            if !d.children.is_empty() {
                stack.push((&d.children, format!("{name}.")));
            }
        }
    }
}

/// In a `.ts` file, the signature of an implementation is hidden when overloads are declared.
fn prune_implementations(sigs: &mut Vec<Signature>) {
    if sigs.iter().any(|s| !s.has_body) {
        sigs.retain(|s| !s.has_body);
    }
}

fn is_declaration_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".d.ts") || lower.ends_with(".d.mts") || lower.ends_with(".d.cts")
}

fn parse_file(input: &Input, visited: &mut Files, file_depth: usize) -> Result<Vec<Decl>> {
    let dts = is_declaration_file(&input.name);
    let source_type = if dts { SourceType::d_ts() } else { SourceType::ts().with_module(true) };
    let allocator = Allocator::default();
    let text = input.text.as_str();
    if let Some(offset) = super::nesting::too_deep(text, super::nesting::MAX_NESTING) {
        let (line, column) = LineIndex::new(text).position(text, u32::try_from(offset).unwrap_or(u32::MAX));
        let message = format!(
            "nested more than {} levels deep (brackets, or operators chained in one expression or type); apidiff refuses it before parsing",
            super::nesting::MAX_NESTING
        );
        return Err(Located::new(&input.name, Some(line), Some(column), message).into());
    }
    // oxc recovers from syntax errors itself; the unwind guard only keeps a parser bug from
    // taking the whole run down.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Parser::new(&allocator, text, source_type).parse()));
    let lines = LineIndex::new(text);
    let ret = match parsed {
        Ok(ret) => ret,
        Err(_) => {
            return Err(Located::new(
                &input.name,
                Some(1),
                Some(1),
                "the TypeScript parser failed on this file; expected valid TypeScript declarations",
            )
            .into());
        }
    };
    if let Some(err) = ret.diagnostics.errors().next() {
        let offset = err.labels.first().map_or(0, |l| l.offset());
        let (line, column) = lines.position(text, offset);
        let mut message = format!("TypeScript syntax error: {}", err.message);
        if let Some(help) = &err.help {
            message.push_str(&format!(" ({help})"));
        }
        return Err(Located::new(&input.name, Some(line), Some(column), message).into());
    }
    if ret.panicked {
        return Err(Located::new(
            &input.name,
            Some(1),
            Some(1),
            "the TypeScript parser gave up on this file; expected valid TypeScript declarations",
        )
        .into());
    }
    let has_module_syntax = ret.program.body.iter().any(|s| s.is_module_declaration());
    if file_depth == 0 {
        visited.entry_script = !has_module_syntax;
    }
    let mut lower = Lower { src: text, file: input.name.clone(), lines, input, visited, file_depth };
    // A `.d.ts` file exports every top-level declaration implicitly, as does a script (a file
    // without imports or exports), whose declarations are global.
    lower.block(&ret.program.body, dts || !has_module_syntax, 0)
}

struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)));
        LineIndex { starts }
    }

    /// 1-based line and character column of a byte offset.
    fn position(&self, text: &str, offset: u32) -> (u32, u32) {
        let idx = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(idx).copied().unwrap_or(0);
        let col = text.get(start as usize..offset as usize).map_or(0, |s| s.chars().count());
        (u32::try_from(idx + 1).unwrap_or(u32::MAX), u32::try_from(col + 1).unwrap_or(u32::MAX))
    }
}

struct Lower<'s, 'v> {
    src: &'s str,
    file: String,
    lines: LineIndex,
    input: &'s Input,
    visited: &'v mut Files,
    file_depth: usize,
}

impl Lower<'_, '_> {
    fn pos(&self, span: Span) -> Pos {
        let (line, column) = self.lines.position(self.src, span.start);
        Pos { file: self.file.clone(), line, column }
    }

    fn slice(&self, span: Span) -> &str {
        self.src.get(span.start as usize..span.end as usize).unwrap_or("")
    }

    fn ty(&self, t: &TSType) -> TypeText {
        let mut inner = t;
        while let TSType::TSParenthesizedType(p) = inner {
            inner = &p.type_annotation;
        }
        match inner {
            TSType::TSUnionType(u) => {
                let members: Vec<&str> = u.types.iter().map(|m| self.slice(unparen(m).span())).collect();
                TypeText::new(self.slice(inner.span()), &members)
            }
            _ => TypeText::new(self.slice(inner.span()), &[]),
        }
    }

    fn ann(&self, a: Option<&TSTypeAnnotation>) -> Option<TypeText> {
        a.map(|a| self.ty(&a.type_annotation))
    }

    /// Lowers the statements of a file or namespace body. `implicit`: declarations without
    /// `export` are exported too (ambient namespaces, `.d.ts` files), unless an export list or
    /// `export default …`: a function, class or interface as `default`, an identifier as an
    /// alias of it, anything else as a `default` variable of its expression's type.
    fn export_default(&mut self, e: &ExportDefaultDeclaration<'_>, decls: &mut Vec<Decl>, aliases: &mut Vec<(String, String, Span)>) {
        match &e.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                let mut d = Decl::leaf(self.function("default", f));
                d.exported = true;
                decls.push(d);
            }
            ExportDefaultDeclarationKind::ClassDeclaration(c) => {
                let mut d = Decl::leaf(self.class("default", c));
                d.exported = true;
                decls.push(d);
            }
            ExportDefaultDeclarationKind::TSInterfaceDeclaration(i) => {
                let mut d = Decl::leaf(self.interface("default", i));
                d.exported = true;
                decls.push(d);
            }
            ExportDefaultDeclarationKind::Identifier(id) => aliases.push((id.name.to_string(), "default".into(), e.span)),
            other => {
                let mut sym = Symbol::new("default", SymbolKind::Variable, self.pos(e.span));
                sym.ty = Some(TypeText::plain(&format!("typeof {}", self.slice(other.span()))));
                let mut d = Decl::leaf(sym);
                d.exported = true;
                decls.push(d);
            }
        }
    }

    /// `export { a as b } from "x"`: the named exports of the other file, renamed.
    fn export_from(&mut self, e: &ExportFromDeclaration<'_>, decls: &mut Vec<Decl>) -> Result<()> {
        let source = e.source.value.to_string();
        let target = self.resolve(&source)?;
        for s in &e.specifiers {
            let local = s.local.name().to_string();
            let exported = s.exported.name().to_string();
            let found: Vec<Decl> = target.iter().flatten().filter(|d| d.exported && d.sym.name == local).cloned().collect();
            if found.is_empty() {
                decls.push(self.opaque(&exported, &format!("{local} from \"{source}\""), s.span));
            }
            for mut d in found {
                d.sym.name = exported.clone();
                decls.push(d);
            }
        }
        Ok(())
    }

    /// `export * from "x"` and `export * as ns from "x"`.
    fn export_all(&mut self, e: &ExportAllDeclaration<'_>, decls: &mut Vec<Decl>) -> Result<()> {
        let source = e.source.value.to_string();
        let target = self.resolve(&source)?;
        match (&e.exported, target) {
            (Some(ns), Some(children)) => {
                let mut sym = Symbol::new(&ns.name(), SymbolKind::Namespace, self.pos(e.span));
                sym.ty = Some(TypeText::plain(&format!("* from \"{source}\"")));
                decls.push(Decl { exported: true, sym, children: children.into_iter().filter(|d| d.exported).collect() });
            }
            (Some(ns), None) => decls.push(self.opaque(&ns.name(), &format!("* from \"{source}\""), e.span)),
            (None, Some(children)) => decls.extend(children.into_iter().filter(|d| d.exported && d.sym.name != "default")),
            (None, None) => decls.push(self.opaque(&format!("* from \"{source}\""), &format!("* from \"{source}\""), e.span)),
        }
        Ok(())
    }

    /// `export =` says otherwise.
    fn block(&mut self, body: &[Statement], implicit: bool, depth: usize) -> Result<Vec<Decl>> {
        let explicit_list = body.iter().any(|s| matches!(s, Statement::ExportNamedDeclaration(_) | Statement::TSExportAssignment(_)));
        let implicit = implicit && !explicit_list;
        let mut decls: Vec<Decl> = Vec::new();
        let mut aliases: Vec<(String, String, Span)> = Vec::new();
        let mut assignment: Option<(String, Span)> = None;
        for stmt in body {
            match stmt {
                Statement::ExportDeclaration(e) => {
                    for mut d in self.declaration(&e.declaration, implicit, depth)? {
                        d.exported = true;
                        decls.push(d);
                    }
                }
                Statement::ExportDefaultDeclaration(e) => self.export_default(e, &mut decls, &mut aliases),
                Statement::ExportNamedDeclaration(e) => {
                    for s in &e.specifiers {
                        aliases.push((s.local.name().to_string(), s.exported.name().to_string(), s.span));
                    }
                }
                Statement::ExportFromDeclaration(e) => self.export_from(e, &mut decls)?,
                Statement::ExportAllDeclaration(e) => self.export_all(e, &mut decls)?,
                Statement::TSExportAssignment(e) => {
                    assignment = Some((self.slice(e.expression.span()).to_string(), e.span));
                }
                Statement::ImportDeclaration(i) => decls.extend(self.import(i)?),
                Statement::TSNamespaceExportDeclaration(_) => {}
                other => {
                    if let Some(d) = other.as_declaration() {
                        for mut decl in self.declaration(d, implicit, depth)? {
                            decl.exported = decl.exported || implicit;
                            decls.push(decl);
                        }
                    }
                }
            }
        }
        for (local, exported, span) in aliases {
            let found: Vec<Decl> = decls.iter().filter(|d| d.sym.name == local).cloned().collect();
            if found.is_empty() {
                decls.push(self.opaque(&exported, &local, span));
            }
            for mut d in found {
                d.sym.name = exported.clone();
                d.exported = true;
                decls.push(d);
            }
        }
        if let Some((target, span)) = assignment {
            // `export = X` makes X the module; nothing else is visible from outside.
            for d in &mut decls {
                d.exported =
                    d.sym.name == target || d.sym.kind == SymbolKind::Namespace && d.sym.name.starts_with(['"']) || d.sym.name == "global";
            }
            let mut sym = Symbol::new("export=", SymbolKind::ExportAssignment, self.pos(span));
            sym.ty = Some(TypeText::plain(&target));
            decls.push(Decl { exported: true, sym, children: Vec::new() });
        }
        Ok(decls)
    }

    fn opaque(&self, name: &str, target: &str, span: Span) -> Decl {
        let mut sym = Symbol::new(name, SymbolKind::Reexport, self.pos(span));
        sym.ty = Some(TypeText::plain(target));
        Decl { exported: true, sym, children: Vec::new() }
    }

    /// Loads the declarations of a relative module, or `None` when it is a package or cannot be
    /// found (the re-export is then recorded as opaque).
    fn resolve(&mut self, source: &str) -> Result<Option<Vec<Decl>>> {
        for c in candidates(source, self.file_depth) {
            let Ok(sibling) = self.input.sibling(&c) else { continue };
            if !self.visited.loaded.insert(sibling.path.clone()) {
                // A cycle: the file is already being lowered further up.
                return Ok(None);
            }
            let decls = parse_file(&sibling, self.visited, self.file_depth + 1)?;
            return Ok(Some(decls));
        }
        Ok(None)
    }

    /// The declarations an `import` brings in from a relative module, none of them exported
    /// here: the names it imports (under their local names; `* as ns` as a namespace) and the
    /// module's own unexported types, which the imported ones may name. A module being lowered
    /// further up (a cycle) gives nothing; the module stays loadable by a later re-export.
    fn import(&mut self, i: &ImportDeclaration) -> Result<Vec<Decl>> {
        let source = i.source.value.as_str();
        let Some(specifiers) = &i.specifiers else { return Ok(Vec::new()) };
        let Some(target) = self.imported(source)? else { return Ok(Vec::new()) };
        let mut out: Vec<Decl> = target.iter().filter(|d| !d.exported).cloned().collect();
        for s in specifiers {
            let (imported, local) = match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => (s.imported.name().to_string(), s.local.name.to_string()),
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => ("default".to_string(), s.local.name.to_string()),
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    let sym = Symbol::new(&s.local.name, SymbolKind::Namespace, self.pos(s.span));
                    let children = target.iter().filter(|d| d.exported).cloned().collect();
                    out.push(Decl { exported: false, sym, children });
                    continue;
                }
            };
            for d in target.iter().filter(|d| d.exported && d.sym.name == imported) {
                let mut d = d.clone();
                d.sym.name = local.clone();
                d.exported = false;
                out.push(d);
            }
        }
        Ok(out)
    }

    fn imported(&mut self, source: &str) -> Result<Option<Vec<Decl>>> {
        for c in candidates(source, self.file_depth) {
            let Ok(sibling) = self.input.sibling(&c) else { continue };
            if let Some(decls) = self.visited.imported.get(&sibling.path) {
                return Ok(Some(decls.clone()));
            }
            if !self.visited.loaded.insert(sibling.path.clone()) {
                return Ok(None);
            }
            let decls = parse_file(&sibling, self.visited, self.file_depth + 1);
            self.visited.loaded.remove(&sibling.path);
            let decls = decls?;
            self.visited.imported.insert(sibling.path, decls.clone());
            return Ok(Some(decls));
        }
        Ok(None)
    }

    fn declaration(&mut self, d: &Declaration, implicit: bool, depth: usize) -> Result<Vec<Decl>> {
        let mut out = Vec::new();
        match d {
            Declaration::VariableDeclaration(v) => {
                for decl in &v.declarations {
                    let BindingPattern::BindingIdentifier(id) = &decl.id else { continue };
                    let mut sym = Symbol::new(&id.name, SymbolKind::Variable, self.pos(decl.span));
                    sym.ty = self
                        .ann(decl.type_annotation.as_deref())
                        .or_else(|| decl.init.as_ref().map(|i| TypeText::plain(&format!("typeof {}", self.slice(i.span())))));
                    sym.is_const = v.kind == VariableDeclarationKind::Const;
                    out.push(Decl::leaf(sym));
                }
            }
            Declaration::FunctionDeclaration(f) => {
                let name = f.id.as_ref().map_or("default".to_string(), |i| i.name.to_string());
                out.push(Decl::leaf(self.function(&name, f)));
            }
            Declaration::ClassDeclaration(c) => {
                let name = c.id.as_ref().map_or("default".to_string(), |i| i.name.to_string());
                out.push(Decl::leaf(self.class(&name, c)));
            }
            Declaration::TSTypeAliasDeclaration(a) => {
                let mut sym = Symbol::new(&a.id.name, SymbolKind::TypeAlias, self.pos(a.span));
                sym.type_params = self.type_params(a.type_parameters.as_deref());
                sym.ty = Some(self.ty(&a.type_annotation));
                if let TSType::TSTypeLiteral(lit) = &a.type_annotation {
                    sym.structural = true;
                    self.signatures(&lit.members, &mut sym.members);
                }
                out.push(Decl::leaf(sym));
            }
            Declaration::TSInterfaceDeclaration(i) => out.push(Decl::leaf(self.interface(&i.id.name, i))),
            Declaration::TSEnumDeclaration(e) => out.push(Decl::leaf(self.enumeration(e))),
            Declaration::TSNamespaceDeclaration(ns) => out.push(self.namespace(ns, implicit, depth)?),
            Declaration::TSExternalModuleDeclaration(m) => {
                let name = format!("\"{}\"", m.id.value);
                let sym = Symbol::new(&name, SymbolKind::Namespace, self.pos(m.span));
                let children = match &m.body {
                    Some(b) => self.block(&b.body, true, depth + 1)?,
                    None => Vec::new(),
                };
                // Ambient modules and augmentations are visible wherever the file is included.
                out.push(Decl { exported: true, sym, children });
            }
            Declaration::TSGlobalDeclaration(g) => {
                let sym = Symbol::new("global", SymbolKind::Namespace, self.pos(g.span));
                let children = self.block(&g.body.body, true, depth + 1)?;
                out.push(Decl { exported: true, sym, children });
            }
            Declaration::TSImportEqualsDeclaration(i) => {
                let mut d = self.opaque(&i.id.name, self.slice(i.module_reference.span()), i.span);
                d.exported = false;
                out.push(d);
            }
        }
        Ok(out)
    }

    fn namespace(&mut self, ns: &TSNamespaceDeclaration, implicit: bool, depth: usize) -> Result<Decl> {
        if depth > MAX_NAMESPACE_DEPTH {
            let (line, column) = self.lines.position(self.src, ns.span.start);
            let message = format!("namespaces nested more than {MAX_NAMESPACE_DEPTH} levels deep; apidiff compares up to that depth");
            return Err(Located::new(&self.file, Some(line), Some(column), message).into());
        }
        let sym = Symbol::new(&ns.id.name, SymbolKind::Namespace, self.pos(ns.span));
        let ambient = implicit || ns.declare || is_declaration_file(&self.file);
        let children = match &ns.body {
            // `namespace A.B {}`: B is an exported member of A.
            TSNamespaceDeclarationBody::TSNamespaceDeclaration(inner) => {
                let mut d = self.namespace(inner, ambient, depth + 1)?;
                d.exported = true;
                vec![d]
            }
            TSNamespaceDeclarationBody::TSModuleBlock(b) => self.block(&b.body, ambient, depth + 1)?,
        };
        Ok(Decl { exported: false, sym, children })
    }

    fn function(&self, name: &str, f: &Function) -> Symbol {
        let mut sym = Symbol::new(name, SymbolKind::Function, self.pos(f.span));
        sym.sigs.push(self.signature(f.type_parameters.as_deref(), &f.params, f.return_type.as_deref(), f.span, f.body.is_some()));
        sym
    }

    fn signature(
        &self,
        tps: Option<&TSTypeParameterDeclaration>,
        params: &FormalParameters,
        ret: Option<&TSTypeAnnotation>,
        span: Span,
        has_body: bool,
    ) -> Signature {
        let mut ps: Vec<Param> = params
            .items
            .iter()
            .map(|p| Param {
                name: match &p.pattern {
                    BindingPattern::BindingIdentifier(id) => id.name.to_string(),
                    other => crate::spec::typescript::typetext::display(self.slice(other.span())),
                },
                ty: self.ann(p.type_annotation.as_deref()),
                optional: p.optional || p.initializer.is_some(),
                rest: false,
            })
            .collect();
        if let Some(rest) = &params.rest {
            let name = match &rest.rest.argument {
                BindingPattern::BindingIdentifier(id) => id.name.to_string(),
                other => self.slice(other.span()).to_string(),
            };
            ps.push(Param { name, ty: self.ann(rest.type_annotation.as_deref()), optional: true, rest: true });
        }
        Signature { type_params: self.type_params(tps), params: ps, ret: self.ann(ret), pos: self.pos(span), has_body }
    }

    fn type_params(&self, tps: Option<&TSTypeParameterDeclaration>) -> Vec<TypeParam> {
        tps.map(|t| {
            t.params
                .iter()
                .map(|p| TypeParam {
                    name: p.name.name.to_string(),
                    constraint: p.constraint.as_ref().map(|c| self.ty(c)),
                    default: p.default.as_ref().map(|c| self.ty(c)),
                })
                .collect()
        })
        .unwrap_or_default()
    }

    fn key_name(&self, key: &PropertyKey, computed: bool) -> Option<String> {
        if key.is_private_identifier() {
            return None;
        }
        match key.static_name() {
            Some(n) if !computed => Some(n.to_string()),
            _ => Some(format!("[{}]", crate::spec::typescript::typetext::display(self.slice(key.span())))),
        }
    }

    fn interface(&self, name: &str, i: &TSInterfaceDeclaration) -> Symbol {
        let mut sym = Symbol::new(name, SymbolKind::Interface, self.pos(i.span));
        sym.type_params = self.type_params(i.type_parameters.as_deref());
        sym.heritage = i.extends.iter().map(|h| TypeText::plain(self.slice(h.span))).collect();
        sym.structural = true;
        self.signatures(&i.body.body, &mut sym.members);
        sym
    }

    /// Members of an interface or object literal type.
    fn signatures(&self, sigs: &[TSSignature], members: &mut BTreeMap<String, Member>) {
        for s in sigs {
            let member = match s {
                TSSignature::TSPropertySignature(p) => {
                    let Some(name) = self.key_name(&p.key, p.computed) else { continue };
                    Member {
                        optional: p.optional,
                        readonly: p.readonly,
                        ty: self.ann(p.type_annotation.as_deref()),
                        shape: p.type_annotation.as_deref().and_then(|a| self.shape(&a.type_annotation)),
                        ..Member::new(name, MemberKind::Property, self.pos(p.span))
                    }
                }
                TSSignature::TSMethodSignature(m) => {
                    let Some(name) = self.key_name(&m.key, m.computed) else { continue };
                    let sig = self.signature(m.type_parameters.as_deref(), &m.params, m.return_type.as_deref(), m.span, false);
                    let pos = self.pos(m.span);
                    match m.kind {
                        TSMethodSignatureKind::Method => {
                            Member { optional: m.optional, sigs: vec![sig], ..Member::new(name, MemberKind::Method, pos) }
                        }
                        TSMethodSignatureKind::Get => {
                            Member { optional: m.optional, readonly: true, ty: sig.ret, ..Member::new(name, MemberKind::Property, pos) }
                        }
                        TSMethodSignatureKind::Set => Member {
                            optional: m.optional,
                            ty: sig.params.first().and_then(|p| p.ty.clone()),
                            ..Member::new(name, MemberKind::Property, pos)
                        },
                    }
                }
                TSSignature::TSCallSignatureDeclaration(c) => {
                    let sig = self.signature(c.type_parameters.as_deref(), &c.params, c.return_type.as_deref(), c.span, false);
                    Member { sigs: vec![sig], ..Member::new("()".into(), MemberKind::Call, self.pos(c.span)) }
                }
                TSSignature::TSConstructSignatureDeclaration(c) => {
                    let sig = self.signature(c.type_parameters.as_deref(), &c.params, c.return_type.as_deref(), c.span, false);
                    Member { sigs: vec![sig], ..Member::new("new()".into(), MemberKind::Construct, self.pos(c.span)) }
                }
                TSSignature::TSIndexSignature(x) => self.index(x),
            };
            add_member(members, member);
        }
    }

    fn index(&self, x: &TSIndexSignature) -> Member {
        let key_ty = self.ty(&x.parameter.type_annotation.type_annotation);
        Member {
            name: format!("[{}]", key_ty.key),
            kind: MemberKind::Index,
            optional: false,
            readonly: x.readonly,
            is_static: x.r#static,
            protected: false,
            ty: Some(self.ty(&x.type_annotation.type_annotation)),
            sigs: Vec::new(),
            shape: self.shape(&x.type_annotation.type_annotation),
            pos: self.pos(x.span),
        }
    }

    /// The object literal inside a member's type: the type itself, an array of it, or the one
    /// literal member of a union (`{ ... } | null`). Recursion is bounded by the file's nesting
    /// budget ([`super::nesting::MAX_NESTING`]), checked before parsing.
    fn shape(&self, t: &TSType) -> Option<Box<Shape>> {
        let t = unparen(t);
        let (_, sigs, frame) = match t {
            TSType::TSUnionType(u) => {
                let mut found = u.types.iter().filter_map(|m| literal(m));
                let (span, sigs) = found.next()?;
                if found.next().is_some() {
                    return None;
                }
                let mut keys: Vec<String> = u.types.iter().map(|m| self.frame(unparen(m).span(), span)).collect();
                keys.sort();
                keys.dedup();
                (span, sigs, keys.join(" | "))
            }
            other => {
                let (span, sigs) = literal(other)?;
                (span, sigs, self.frame(other.span(), span))
            }
        };
        let mut members = BTreeMap::new();
        self.signatures(sigs, &mut members);
        Some(Box::new(Shape { frame, members }))
    }

    /// The key of the text at `outer` with the literal at `inner` (if inside) replaced by `{}`.
    fn frame(&self, outer: Span, inner: Span) -> String {
        if inner.start < outer.start || inner.end > outer.end {
            return crate::spec::typescript::typetext::key(self.slice(outer));
        }
        let text = format!("{}{{}}{}", self.slice(Span::new(outer.start, inner.start)), self.slice(Span::new(inner.end, outer.end)));
        crate::spec::typescript::typetext::key(&text)
    }

    /// A class method, constructor, getter or setter as a member (`None`: private or unnamed);
    /// a constructor's parameter properties go straight into `members`.
    fn class_method(&self, m: &MethodDefinition, members: &mut BTreeMap<String, Member>) -> Option<Member> {
        if m.accessibility == Some(TSAccessibility::Private) {
            return None;
        }
        let name = self.key_name(&m.key, m.computed)?;
        let f = &m.value;
        let sig = self.signature(f.type_parameters.as_deref(), &f.params, f.return_type.as_deref(), m.span, f.body.is_some());
        let protected = m.accessibility == Some(TSAccessibility::Protected);
        Some(match m.kind {
            MethodDefinitionKind::Constructor => {
                self.parameter_properties(&f.params, members);
                Member {
                    name: "constructor".into(),
                    kind: MemberKind::Constructor,
                    optional: false,
                    readonly: false,
                    is_static: false,
                    protected,
                    ty: None,
                    sigs: vec![sig],
                    shape: None,
                    pos: self.pos(m.span),
                }
            }
            MethodDefinitionKind::Method => Member {
                name,
                kind: MemberKind::Method,
                optional: m.optional,
                readonly: false,
                is_static: m.r#static,
                protected,
                ty: None,
                sigs: vec![sig],
                shape: None,
                pos: self.pos(m.span),
            },
            MethodDefinitionKind::Get => Member {
                name,
                kind: MemberKind::Property,
                optional: m.optional,
                readonly: true,
                is_static: m.r#static,
                protected,
                ty: sig.ret,
                sigs: Vec::new(),
                shape: None,
                pos: self.pos(m.span),
            },
            MethodDefinitionKind::Set => Member {
                name,
                kind: MemberKind::Property,
                optional: m.optional,
                readonly: false,
                is_static: m.r#static,
                protected,
                ty: sig.params.first().and_then(|p| p.ty.clone()),
                sigs: Vec::new(),
                shape: None,
                pos: self.pos(m.span),
            },
        })
    }

    fn class(&self, name: &str, c: &Class) -> Symbol {
        let mut sym = Symbol::new(name, SymbolKind::Class, self.pos(c.span));
        sym.type_params = self.type_params(c.type_parameters.as_deref());
        sym.is_abstract = c.r#abstract;
        sym.structural = true;
        if let Some(h) = &c.heritage {
            let end = h.type_arguments.as_ref().map_or(h.expression.span().end, |t| t.span.end);
            sym.heritage.push(TypeText::plain(&format!("extends {}", self.slice(Span::new(h.expression.span().start, end)))));
        }
        sym.heritage.extend(c.implements.iter().map(|i| TypeText::plain(&format!("implements {}", self.slice(i.span)))));
        for el in &c.body.body {
            let member = match el {
                ClassElement::MethodDefinition(m) => {
                    let Some(member) = self.class_method(m, &mut sym.members) else { continue };
                    member
                }
                ClassElement::PropertyDefinition(p) => {
                    if p.accessibility == Some(TSAccessibility::Private) {
                        continue;
                    }
                    let Some(name) = self.key_name(&p.key, p.computed) else { continue };
                    Member {
                        name,
                        kind: MemberKind::Property,
                        optional: p.optional,
                        readonly: p.readonly,
                        is_static: p.r#static,
                        protected: p.accessibility == Some(TSAccessibility::Protected),
                        ty: self.ann(p.type_annotation.as_deref()),
                        sigs: Vec::new(),
                        shape: p.type_annotation.as_deref().and_then(|a| self.shape(&a.type_annotation)),
                        pos: self.pos(p.span),
                    }
                }
                ClassElement::AccessorProperty(p) => {
                    if p.accessibility == Some(TSAccessibility::Private) {
                        continue;
                    }
                    let Some(name) = self.key_name(&p.key, p.computed) else { continue };
                    Member {
                        name,
                        kind: MemberKind::Property,
                        optional: false,
                        readonly: false,
                        is_static: p.r#static,
                        protected: p.accessibility == Some(TSAccessibility::Protected),
                        ty: self.ann(p.type_annotation.as_deref()),
                        sigs: Vec::new(),
                        shape: None,
                        pos: self.pos(p.span),
                    }
                }
                ClassElement::TSIndexSignature(x) => self.index(x),
                ClassElement::StaticBlock(_) => continue,
            };
            add_member(&mut sym.members, member);
        }
        sym
    }

    /// `constructor(public x: string)` also declares a property `x`.
    fn parameter_properties(&self, params: &FormalParameters, members: &mut BTreeMap<String, Member>) {
        for p in &params.items {
            if p.accessibility.is_none() && !p.readonly || p.accessibility == Some(TSAccessibility::Private) {
                continue;
            }
            let BindingPattern::BindingIdentifier(id) = &p.pattern else { continue };
            let member = Member {
                name: id.name.to_string(),
                kind: MemberKind::Property,
                optional: p.optional,
                readonly: p.readonly,
                is_static: false,
                protected: p.accessibility == Some(TSAccessibility::Protected),
                ty: self.ann(p.type_annotation.as_deref()),
                sigs: Vec::new(),
                shape: None,
                pos: self.pos(p.span),
            };
            add_member(members, member);
        }
    }

    fn enumeration(&self, e: &TSEnumDeclaration) -> Symbol {
        let mut sym = Symbol::new(&e.id.name, SymbolKind::Enum, self.pos(e.span));
        sym.is_const = e.r#const;
        let mut previous: Option<Option<String>> = None;
        for m in &e.body.members {
            let name = match &m.id {
                TSEnumMemberName::Identifier(i) => i.name.to_string(),
                TSEnumMemberName::String(s) | TSEnumMemberName::ComputedString(s) => s.value.to_string(),
                TSEnumMemberName::ComputedTemplateString(t) => self.slice(t.span).to_string(),
            };
            // Implicit values continue from the previous numeric one, so they are known too.
            let value = match &m.initializer {
                Some(init) => Some(crate::spec::typescript::typetext::key(self.slice(init.span()))),
                None => match &previous {
                    None => Some("0".to_string()),
                    Some(Some(p)) => p.parse::<i64>().ok().and_then(|n| n.checked_add(1)).map(|n| n.to_string()),
                    Some(None) => None,
                },
            };
            previous = Some(value.clone());
            sym.enum_members.push(EnumMember { name, value, pos: self.pos(m.span) });
        }
        sym
    }
}

fn unparen<'a, 'b>(t: &'b TSType<'a>) -> &'b TSType<'a> {
    let mut inner = t;
    while let TSType::TSParenthesizedType(p) = inner {
        inner = &p.type_annotation;
    }
    inner
}

/// An object literal type, or an array of one: its span and members.
fn literal<'b, 'a>(t: &'b TSType<'a>) -> Option<(Span, &'b [TSSignature<'a>])> {
    match unparen(t) {
        TSType::TSTypeLiteral(lit) => Some((lit.span, &lit.members)),
        TSType::TSArrayType(a) => match unparen(&a.element_type) {
            TSType::TSTypeLiteral(lit) => Some((lit.span, &lit.members)),
            _ => None,
        },
        _ => None,
    }
}

/// The files a relative module specifier may name, or none for a package (or too deep a chain).
fn candidates(source: &str, file_depth: usize) -> Vec<String> {
    if !source.starts_with('.') || file_depth >= MAX_FILE_DEPTH {
        return Vec::new();
    }
    let stem = source.strip_suffix(".js").or_else(|| source.strip_suffix(".mjs")).or_else(|| source.strip_suffix(".cjs")).unwrap_or(source);
    let mut out = vec![format!("{stem}.d.ts"), format!("{stem}.ts"), format!("{stem}/index.d.ts"), format!("{stem}/index.ts")];
    if source.ends_with(".ts") {
        out.insert(0, source.to_string());
    }
    out
}

/// Adds a member, merging overloads and getter/setter pairs.
fn add_member(members: &mut BTreeMap<String, Member>, m: Member) {
    let key = if m.is_static { format!("static {}", m.name) } else { m.name.clone() };
    match members.get_mut(&key) {
        Some(existing) if !m.sigs.is_empty() && existing.kind == m.kind => existing.sigs.extend(m.sigs),
        Some(existing) if existing.kind == MemberKind::Property && m.kind == MemberKind::Property => {
            // A getter and a setter together make a writable property.
            existing.readonly = existing.readonly && m.readonly;
            if existing.ty.is_none() {
                existing.ty = m.ty;
            }
        }
        Some(_) => {}
        None => {
            members.insert(key, m);
        }
    }
}

/// Flattens exported declarations into qualified names, merging same-named, same-kind ones.
fn flatten(decls: &[Decl], prefix: &str, out: &mut BTreeMap<(String, SymbolKind), Symbol>) {
    // An explicit stack instead of recursion: namespaces can nest deeply.
    let mut stack: Vec<(&[Decl], String)> = vec![(decls, prefix.to_string())];
    while let Some((decls, prefix)) = stack.pop() {
        for d in decls.iter().filter(|d| d.exported) {
            let name = format!("{prefix}{}", d.sym.name);
            let mut sym = d.sym.clone();
            sym.name = name.clone();
            match out.get_mut(&(name.clone(), sym.kind)) {
                Some(existing) => merge(existing, sym),
                None => {
                    out.insert((name.clone(), sym.kind), sym);
                }
            }
            if !d.children.is_empty() {
                stack.push((&d.children, format!("{name}.")));
            }
        }
    }
}

/// Declaration merging: interfaces add members, functions add overloads, enums add members.
fn merge(into: &mut Symbol, from: Symbol) {
    into.sigs.extend(from.sigs);
    for (_, m) in from.members {
        add_member(&mut into.members, m);
    }
    into.enum_members.extend(from.enum_members);
    for h in from.heritage {
        if !into.heritage.contains(&h) {
            into.heritage.push(h);
        }
    }
    if into.type_params.is_empty() {
        into.type_params = from.type_params;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn input(name: &str, text: &str) -> Input {
        Input { name: name.into(), path: PathBuf::from(name), text: text.into(), fetch: Arc::new(crate::source::FsFetch::default()) }
    }

    fn surface(text: &str) -> Surface {
        load(&input("x.d.ts", text)).unwrap()
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = load(&input("bad.d.ts", "export interface A {\n  a: string\n  b: = ;\n}\n")).unwrap_err().to_string();
        assert!(err.starts_with("bad.d.ts:3:"), "{err}");
        let err = load(&input("bad.ts", "export function (")).unwrap_err().to_string();
        assert!(err.starts_with("bad.ts:1:"), "{err}");
        for junk in ["{{{{", "export = ;", "declare namespace {", "\u{0}\u{1}", "class A { constructor( }", "enum { }"] {
            let err = load(&input("j.d.ts", junk)).unwrap_err().to_string();
            assert!(err.starts_with("j.d.ts:"), "{junk}: {err}");
        }
    }

    #[test]
    fn ambient_namespaces_export_everything_and_export_assignment_narrows() {
        let s = surface(
            "type Hidden = string;\nexport = R;\ndeclare namespace R { type FC = () => void; export function f(a: Hidden): void; namespace Inner { const x: number } }",
        );
        let names: Vec<&str> = s.symbols.keys().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["R", "R.FC", "R.Inner", "R.Inner.x", "R.f", "export="]);
    }

    #[test]
    fn ts_modules_export_only_what_is_exported_and_hide_private_members() {
        let s = load(&input("m.ts", "interface Local {}\nexport class C { private a = 1; protected b: string; #c = 2; constructor(public d: number) {} m(): void {} }\nexport { Local as Public };\nexport function f(a: string): void;\nexport function f(a: number): void;\nexport function f(a: any) {}")).unwrap();
        let names: Vec<&str> = s.symbols.keys().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["C", "Public", "f"]);
        let c = &s.symbols[&("C".to_string(), SymbolKind::Class)];
        assert_eq!(c.members.keys().collect::<Vec<_>>(), ["b", "constructor", "d", "m"]);
        assert_eq!(s.symbols[&("f".to_string(), SymbolKind::Function)].sigs.len(), 2);
    }

    #[test]
    fn interfaces_merge_and_enum_values_are_computed() {
        let s = surface("interface A { a: string }\ninterface A { b(): void; b(x: number): void }\nenum E { X, Y = 5, Z }");
        let a = &s.symbols[&("A".to_string(), SymbolKind::Interface)];
        assert_eq!(a.members.len(), 2);
        assert_eq!(a.members["b"].sigs.len(), 2);
        let e = &s.symbols[&("E".to_string(), SymbolKind::Enum)];
        let values: Vec<Option<&str>> = e.enum_members.iter().map(|m| m.value.as_deref()).collect();
        assert_eq!(values, [Some("0"), Some("5"), Some("6")]);
    }

    #[test]
    fn deep_namespaces_are_compared_or_refused_with_a_location() {
        let text = format!("{}{}", "declare namespace A { namespace B {".repeat(200), "}}".repeat(200));
        let err = load(&input("deep.d.ts", &text)).unwrap_err().to_string();
        assert!(err.starts_with("deep.d.ts:1:"), "{err}");
        let dotted = format!("declare namespace {} {{ const x: number }}", vec!["N"; 500].join("."));
        let s = load(&input("dotted.d.ts", &dotted)).unwrap();
        assert!(s.symbols.keys().any(|(n, _)| n.ends_with(".N.x") && n.matches('.').count() == 500));
        let deeper = format!("declare namespace {} {{ const x: number }}", vec!["N"; 600].join("."));
        let err = load(&input("dotted.d.ts", &deeper)).unwrap_err().to_string();
        assert!(err.starts_with("dotted.d.ts:1:") && err.contains("namespaces nested"), "{err}");
        // Depth 60 (beyond the old silent limit of 48) is compared.
        let sixty = format!("declare namespace N {{{}const x: number;{}", "namespace N {".repeat(59), "}".repeat(60));
        let s = load(&input("sixty.d.ts", &sixty)).unwrap();
        assert!(s.symbols.keys().any(|(n, _)| n.matches('.').count() == 60));
    }

    #[test]
    fn deeply_nested_types_end_with_a_located_error() {
        for (name, text) in [
            ("arr.d.ts", format!("export type T = {}string{};", "Array<".repeat(200_000), ">".repeat(200_000))),
            ("obj.d.ts", format!("export type T = {}string{};", "{a:".repeat(200_000), "}".repeat(200_000))),
            ("ten.d.ts", format!("export type T = {}string{};", "{a:".repeat(10_000), "}".repeat(10_000))),
        ] {
            let err = load(&input(name, &text)).unwrap_err().to_string();
            assert!(err.starts_with(&format!("{name}:1:")) && err.contains("nested"), "{err}");
        }
        // Up to the limit, the parser and the lowering run (on their own stack).
        let ok = format!("export type T = {}string{};", "Array<".repeat(990), ">".repeat(990));
        assert!(load(&input("ok.d.ts", &ok)).is_ok());
        // A member's `:` chains as well as its braces nest: two levels per `{a:`.
        let ok = format!("export type T = {}string{};", "{a:".repeat(495), "}".repeat(495));
        assert!(load(&input("ok.d.ts", &ok)).is_ok());
    }
}
