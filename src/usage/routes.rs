//! Matching calls to the description: built once per ingest from the modules' specs, then
//! asked once per record. HTTP requests go through a segment trie per module (literal
//! segments beat parameters, servers' base paths stripped, a step budget against pathological
//! templates), modules chosen by host and base path; GraphQL documents are resolved field by
//! field against the module's schema; gRPC calls by service and method.

use super::Element;
use crate::spec::Spec;
use crate::spec::graphql::{RootOp, Schema};
use std::collections::{HashMap, HashSet};

/// One documented HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    /// Upper-case method.
    pub method: String,
    /// The path template as written.
    pub path: String,
    /// Declared header parameters (lower-case).
    pub headers: HashSet<String>,
}

#[derive(Debug, Default)]
struct Node {
    literal: HashMap<String, Node>,
    /// Segments with a parameter: the literal text before and after it (`{id}.json` → ("", ".json")).
    params: Vec<(String, String, Node)>,
    /// Operations ending here: method → index.
    ops: HashMap<String, usize>,
}

/// Work one match may do before it gives up (unmatched): bounds backtracking over templates
/// that are all parameters.
const STEP_BUDGET: usize = 10_000;
/// Path segments beyond this are unmatched.
const MAX_SEGMENTS: usize = 128;

impl Node {
    fn insert(&mut self, segments: &[&str], method: &str, op: usize) {
        let Some((first, rest)) = segments.split_first() else {
            self.ops.entry(method.to_string()).or_insert(op);
            return;
        };
        let child = match (first.find('{'), first.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (pre, post) = (&first[..open], &first[close + 1..]);
                match self.params.iter().position(|(a, b, _)| a == pre && b == post) {
                    Some(i) => &mut self.params[i].2,
                    None => {
                        // More literal text around the parameter is tried first (`{id}.json` before `{id}`).
                        let at = self
                            .params
                            .iter()
                            .position(|(a, b, _)| a.len() + b.len() < pre.len() + post.len())
                            .unwrap_or(self.params.len());
                        self.params.insert(at, (pre.to_string(), post.to_string(), Node::default()));
                        &mut self.params[at].2
                    }
                }
            }
            _ => self.literal.entry(first.to_string()).or_default(),
        };
        child.insert(rest, method, op);
    }

    /// The operation `method` on this path, with how many literal segments it matched; `path`
    /// says whether some operation had this path at all.
    fn find(&self, segs: &[&str], method: &str, steps: &mut usize, path: &mut bool) -> Option<(usize, usize)> {
        *steps += 1;
        if *steps > STEP_BUDGET {
            return None;
        }
        let Some((first, rest)) = segs.split_first() else {
            *path |= !self.ops.is_empty();
            return self.ops.get(method).map(|op| (*op, 0));
        };
        if let Some(found) = self.literal.get(*first).and_then(|n| n.find(rest, method, steps, path)) {
            return Some((found.0, found.1 + 1));
        }
        self.params
            .iter()
            .filter(|(pre, post, _)| {
                first.len() > pre.len() + post.len() && first.starts_with(pre.as_str()) && first.ends_with(post.as_str())
                    || (first.starts_with('{') && first.ends_with('}'))
            })
            .find_map(|(_, _, n)| n.find(rest, method, steps, path))
    }
}

/// An HTTP module's routes.
#[derive(Debug, Default)]
struct Http {
    /// Base paths of its servers (longest first), always ending with "" (requests already stripped).
    bases: Vec<String>,
    /// Hosts its servers name.
    hosts: HashSet<String>,
    root: Node,
    ops: Vec<Op>,
}

/// What an HTTP request matched.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpMatch<'a> {
    /// A documented operation of a module.
    Op(usize, &'a Op),
    /// Nothing; the module it is attributed to, when one can be told (by host, base path, or
    /// the only HTTP module).
    Unmatched(Option<usize>),
}

/// What a GraphQL document selected in one module.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// The module.
    pub module: usize,
    /// Fields and arguments the schema knows.
    pub elements: Vec<Element>,
    /// `Parent.field` selections the schema does not know (drift).
    pub unknown: Vec<String>,
}

/// Every module's routes.
#[derive(Debug, Default)]
pub struct Routes {
    names: Vec<String>,
    http: Vec<(usize, Http)>,
    graphql: Vec<(usize, Schema)>,
    rpc: HashMap<String, (usize, HashSet<String>)>,
    forced: Option<usize>,
}

/// Routes being built: [`Routes::builder`], then [`RoutesBuilder::add`] per spec, then
/// [`RoutesBuilder::finish`].
#[derive(Debug)]
pub struct RoutesBuilder {
    routes: Routes,
    /// Per module, its HTTP routes so far.
    http: Vec<Http>,
}

impl RoutesBuilder {
    /// Adds the routes of one spec of module `i` (an index into the names given).
    pub fn add(&mut self, i: usize, spec: Spec) {
        let r = &mut self.routes;
        match spec {
            Spec::OpenApi(api) => add_openapi(&mut self.http[i], &api),
            Spec::GraphQl(schema) => r.graphql.push((i, schema)),
            Spec::Protobuf(pkg) => {
                for (_, s) in pkg.services() {
                    r.rpc.entry(s.full_name.clone()).or_insert((i, HashSet::new())).1.extend(s.methods.iter().map(|m| m.name.clone()));
                }
            }
            Spec::AsyncApi(_) | Spec::TypeScript(_) => {}
        }
    }

    /// The routes; `forced` sends all evidence to one module.
    pub fn finish(self, forced: Option<&str>) -> Routes {
        let mut r = self.routes;
        for (i, mut http) in self.http.into_iter().enumerate() {
            if !http.ops.is_empty() {
                http.bases.sort_by_key(|b| std::cmp::Reverse(b.len()));
                http.bases.dedup();
                http.bases.push(String::new());
                r.http.push((i, http));
            }
        }
        r.forced = forced.and_then(|f| r.names.iter().position(|n| n == f));
        r
    }
}

impl Routes {
    /// Routes for these modules (name and loaded specs); `forced` sends all evidence to one.
    pub fn build(modules: Vec<(String, Vec<Spec>)>, forced: Option<&str>) -> Routes {
        let mut b = Routes::builder(modules.iter().map(|(n, _)| n.clone()).collect());
        for (i, (_, specs)) in modules.into_iter().enumerate() {
            for spec in specs {
                b.add(i, spec);
            }
        }
        b.finish(forced)
    }

    /// Routes built one spec at a time (each spec can be dropped as soon as it is added: only
    /// the route tables stay).
    pub fn builder(names: Vec<String>) -> RoutesBuilder {
        let http = names.iter().map(|_| Http::default()).collect();
        RoutesBuilder { routes: Routes { names, ..Routes::default() }, http }
    }

    /// The module names, by index.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Matches a request (`path` without the query).
    pub fn http(&self, method: &str, host: Option<&str>, path: &str) -> HttpMatch<'_> {
        let by_host: Vec<&(usize, Http)> = match host {
            Some(h) if self.forced.is_none() => self.http.iter().filter(|(_, m)| m.hosts.contains(h)).collect(),
            _ => Vec::new(),
        };
        let candidates: Vec<&(usize, Http)> = match self.forced {
            Some(f) => self.http.iter().filter(|(i, _)| *i == f).collect(),
            None if by_host.is_empty() => self.http.iter().collect(),
            None => by_host,
        };
        let mut best: Option<(usize, usize, usize, usize)> = None; // (base len, literals, module, op)
        let mut attributed = None;
        for (i, m) in &candidates {
            for base in &m.bases {
                let Some(rest) = strip_base(path, base) else { continue };
                if !base.is_empty() && attributed.is_none() {
                    attributed = Some(*i);
                }
                let segs: Vec<&str> = rest.split('/').skip(1).collect();
                if segs.len() > MAX_SEGMENTS {
                    continue;
                }
                let (mut steps, mut known) = (0, false);
                if let Some((op, lits)) = m.root.find(&segs, method, &mut steps, &mut known)
                    && best.is_none_or(|b| (base.len(), lits) > (b.0, b.1))
                {
                    best = Some((base.len(), lits, *i, op));
                }
            }
        }
        match best {
            Some((_, _, i, op)) => {
                let m = &self.http.iter().find(|(j, _)| *j == i).expect("a candidate").1;
                HttpMatch::Op(i, &m.ops[op])
            }
            None => HttpMatch::Unmatched(self.forced.or(attributed).or(match candidates.as_slice() {
                [(i, _)] => Some(*i),
                _ => None,
            })),
        }
    }

    /// The module of a gRPC call and whether the method is documented; `None` when no module
    /// has the service (the forced module, when there is one).
    pub fn rpc(&self, service: &str, method: &str) -> Option<(usize, bool)> {
        match self.rpc.get(service) {
            Some((i, methods)) => Some((*i, methods.contains(method))),
            None => self.forced.map(|f| (f, false)),
        }
    }

    /// Resolves a GraphQL document in the GraphQL module that knows most of it (the forced one,
    /// when given). `None` when there is no GraphQL module; an error when the document does not
    /// parse or nests deeper than the bound.
    pub fn graphql(&self, document: &str) -> Result<Option<Selected>, String> {
        let doc = apollo_compiler::parser::Parser::new()
            .recursion_limit(MAX_SELECTION_DEPTH * 2)
            .parse_ast(document, "operation.graphql")
            .map_err(|e| {
                format!("invalid GraphQL document: {}", e.errors.iter().next().map(|d| d.error.to_string()).unwrap_or_default())
            })?;
        let mut best: Option<Selected> = None;
        for (i, schema) in self.graphql.iter().filter(|(i, _)| self.forced.is_none_or(|f| f == *i)) {
            let mut sel = Selected { module: *i, elements: Vec::new(), unknown: Vec::new() };
            select(&doc, schema, &mut sel)?;
            if best.as_ref().is_none_or(|b| sel.unknown.len() < b.unknown.len()) {
                best = Some(sel);
            }
        }
        Ok(best)
    }
}

fn strip_base<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    if base.is_empty() {
        return Some(path);
    }
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(if rest.is_empty() { "/" } else { rest })
}

fn add_openapi(http: &mut Http, api: &crate::spec::openapi::Api) {
    for (url, _) in &api.servers {
        let (host, path) = match url.split_once("://") {
            Some((_, rest)) => {
                let cut = rest.find('/').unwrap_or(rest.len());
                (Some(super::evidence::host_only(&rest[..cut])), &rest[cut..])
            }
            None => (None, url.as_str()),
        };
        if let Some(h) = host.filter(|h| !h.contains('{')) {
            http.hosts.insert(h);
        }
        let path = path.trim_end_matches('/');
        if !path.contains('{') && !path.is_empty() {
            http.bases.push(path.to_string());
        }
    }
    for op in api.operations.values() {
        let idx = http.ops.len();
        let segments: Vec<&str> = op.path.split('/').skip(1).collect();
        http.root.insert(&segments, &op.method, idx);
        let headers = op.params.values().filter(|p| p.location == "header").map(|p| p.name.to_ascii_lowercase()).collect();
        http.ops.push(Op { method: op.method.clone(), path: op.path.clone(), headers });
    }
}

/// Selection sets nested deeper than this (fragments included) are refused.
pub const MAX_SELECTION_DEPTH: usize = 64;

fn select(doc: &apollo_compiler::ast::Document, schema: &Schema, sel: &mut Selected) -> Result<(), String> {
    use apollo_compiler::ast::{Definition, OperationType};
    let fragments: HashMap<&str, &apollo_compiler::ast::FragmentDefinition> = doc
        .definitions
        .iter()
        .filter_map(|d| if let Definition::FragmentDefinition(f) = d { Some((f.name.as_str(), &**f)) } else { None })
        .collect();
    let mut seen = HashSet::new();
    for def in &doc.definitions {
        if let Definition::OperationDefinition(op) = def {
            let root = match op.operation_type {
                OperationType::Query => RootOp::Query,
                OperationType::Mutation => RootOp::Mutation,
                OperationType::Subscription => RootOp::Subscription,
            };
            let Some(root) = schema.root(root) else {
                sel.unknown.push(root.as_str().to_string());
                continue;
            };
            let mut w = Walk { schema, fragments: &fragments, sel, seen: &mut seen };
            w.set(root, &op.selection_set, 0)?;
        }
    }
    Ok(())
}

struct Walk<'a, 'd> {
    schema: &'a Schema,
    fragments: &'a HashMap<&'d str, &'d apollo_compiler::ast::FragmentDefinition>,
    sel: &'a mut Selected,
    seen: &'a mut HashSet<Element>,
}

impl Walk<'_, '_> {
    fn push(&mut self, e: Element) {
        if self.seen.insert(e.clone()) {
            self.sel.elements.push(e);
        }
    }

    fn set(&mut self, parent: &str, set: &[apollo_compiler::ast::Selection], depth: usize) -> Result<(), String> {
        use apollo_compiler::ast::Selection;
        if depth > MAX_SELECTION_DEPTH {
            return Err(format!("selections nest deeper than {MAX_SELECTION_DEPTH} levels under {parent}"));
        }
        for s in set {
            match s {
                Selection::Field(f) => {
                    let name = f.name.as_str();
                    if name.starts_with("__") {
                        continue;
                    }
                    let Some(def) = self.schema.types.get(parent).and_then(|t| t.fields.get(name)) else {
                        let u = format!("{parent}.{name}");
                        if !self.sel.unknown.contains(&u) {
                            self.sel.unknown.push(u);
                        }
                        continue;
                    };
                    self.push(Element::Field { parent: parent.to_string(), field: name.to_string() });
                    for a in &f.arguments {
                        self.push(Element::Argument { parent: parent.to_string(), field: name.to_string(), argument: a.name.to_string() });
                    }
                    let inner = def.ty.name.clone();
                    self.set(&inner, &f.selection_set, depth + 1)?;
                }
                Selection::InlineFragment(i) => {
                    let on = i.type_condition.as_ref().map_or(parent.to_string(), |t| t.to_string());
                    self.set(&on, &i.selection_set, depth + 1)?;
                }
                Selection::FragmentSpread(sp) => {
                    if let Some(f) = self.fragments.get(sp.fragment_name.as_str()) {
                        let on = f.type_condition.to_string();
                        self.set(&on, &f.selection_set, depth + 1)?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Input;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn input(name: &str, text: &str) -> Input {
        Input { name: name.into(), path: PathBuf::from(name), text: text.into(), fetch: Arc::new(crate::source::FsFetch::default()) }
    }

    fn openapi(text: &str) -> Spec {
        let input = input("api.yaml", text);
        crate::spec::load(&input, &crate::spec::LoadOptions::default()).unwrap()
    }

    #[test]
    fn literal_segments_beat_parameters_and_base_paths_are_stripped() {
        let spec = openapi(
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://api.example.com/v1'}]\npaths:\n  /pets/{id}:\n    get: {responses: {'200': {description: ok}}}\n  /pets/mine:\n    get: {responses: {'200': {description: ok}}}\n  /pets/{id}.json:\n    get: {responses: {'200': {description: ok}}}\n",
        );
        let r = Routes::build(vec![("pets".into(), vec![spec])], None);
        let path_of = |m: HttpMatch| match m {
            HttpMatch::Op(_, op) => op.path.clone(),
            HttpMatch::Unmatched(_) => "-".into(),
        };
        assert_eq!(path_of(r.http("GET", None, "/v1/pets/mine")), "/pets/mine");
        assert_eq!(path_of(r.http("GET", None, "/pets/7")), "/pets/{id}");
        assert_eq!(path_of(r.http("GET", Some("api.example.com"), "/v1/pets/7.json")), "/pets/{id}.json");
        assert_eq!(r.http("POST", None, "/v1/pets/7"), HttpMatch::Unmatched(Some(0)));
        assert_eq!(r.http("GET", None, "/other"), HttpMatch::Unmatched(Some(0)));
    }

    #[test]
    fn graphql_documents_resolve_fields_arguments_and_fragments() {
        let sdl = "type Query { user(id: ID!): User, users(first: Int): [User] }\ntype User { id: ID!, name: String, friends: [User] }\n";
        let schema = crate::spec::load(&input("s.graphql", sdl), &crate::spec::LoadOptions::default()).unwrap();
        let r = Routes::build(vec![("users".into(), vec![schema])], None);
        let s = r.graphql("query Q { user(id: 1) { ...F friends { id } } users { nope } } fragment F on User { name }").unwrap().unwrap();
        let show: Vec<String> = s.elements.iter().map(|e| format!("{e:?}")).collect();
        assert_eq!(s.elements.len(), 6, "{show:?}");
        assert!(s.elements.contains(&Element::Argument { parent: "Query".into(), field: "user".into(), argument: "id".into() }));
        assert!(s.elements.contains(&Element::Field { parent: "User".into(), field: "name".into() }));
        assert_eq!(s.unknown, vec!["User.nope"]);
        assert!(r.graphql("query { ").is_err());
    }
}
