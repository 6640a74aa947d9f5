//! GraphQL client operations found in the repository: executable `.graphql`/`.gql` documents
//! (operations and fragments only, as opposed to SDL) and `gql`/`graphql` tagged templates in
//! `.ts`/`.tsx`/`.js`/`.jsx` files. Each operation is validated against a module's old and new
//! schema, so a report can name exactly which UI operations (file and line) a change breaks.

pub use crate::spec::graphql::is_executable;
use apollo_compiler::ast::{self, Definition};
use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Files larger than this are not scanned for operations.
const MAX_FILE: u64 = 2 * 1024 * 1024;
/// Selection nesting deeper than this is not followed.
const MAX_DEPTH: usize = 64;

/// Entity types of a schema: object and interface types (or their extensions) with `@key`.
pub fn key_entities(sdl: &str) -> BTreeSet<String> {
    let doc = match ast::Document::parse(sdl, "schema.graphql") {
        Ok(d) => d,
        Err(e) => e.partial,
    };
    let mut out = BTreeSet::new();
    for d in &doc.definitions {
        let (name, dirs) = match d {
            Definition::ObjectTypeDefinition(t) => (&t.name, &t.directives),
            Definition::ObjectTypeExtension(t) => (&t.name, &t.directives),
            Definition::InterfaceTypeDefinition(t) => (&t.name, &t.directives),
            Definition::InterfaceTypeExtension(t) => (&t.name, &t.directives),
            _ => continue,
        };
        if dirs.iter().any(|x| x.name == "key") {
            out.insert(name.to_string());
        }
    }
    out
}

/// One client operation (or a fragment's definition) with its text.
#[derive(Debug, Clone)]
pub struct ClientOp {
    /// File, relative to the repository root.
    pub file: String,
    /// 1-based line where the definition starts.
    pub line: u32,
    /// Operation name, `(anonymous)` when it has none.
    pub name: String,
    /// The definition's own text.
    pub text: String,
    /// Fragments it spreads.
    spreads: BTreeSet<String>,
}

/// Every client operation in a repository, plus the fragments they can spread.
#[derive(Debug, Clone, Default)]
pub struct Clients {
    /// Operations.
    pub ops: Vec<ClientOp>,
    /// Fragment definitions by name.
    fragments: BTreeMap<String, ClientOp>,
}

impl Clients {
    /// Reads the operations in `files` (repository-relative paths that discovery's walk found,
    /// see [`crate::discover::Discovery::clients`]).
    pub fn collect(root: &Path, files: &[String]) -> Clients {
        let mut c = Clients::default();
        for rel in files {
            let path = root.join(rel);
            // Regular files only, size checked while reading; unreadable ones are skipped.
            let Ok(Some(text)) = crate::source::read_text_if_exists(&path, rel, MAX_FILE) else { continue };
            let lower = rel.to_ascii_lowercase();
            if lower.ends_with(".graphql") || lower.ends_with(".gql") {
                if is_executable(&text) {
                    c.add(rel, 1, &text);
                }
            } else {
                for (line, body) in tagged_templates(&text) {
                    c.add(rel, line, &body);
                }
            }
        }
        c
    }

    /// Adds the definitions of one document that starts at `line` of `file`.
    pub fn add(&mut self, file: &str, line: u32, text: &str) {
        let doc = match ast::Document::parse(text, file) {
            Ok(d) => d,
            Err(e) => e.partial,
        };
        for d in &doc.definitions {
            let (name, is_fragment) = match d {
                Definition::OperationDefinition(o) => (o.name.as_ref().map_or("(anonymous)".to_string(), |n| n.to_string()), false),
                Definition::FragmentDefinition(f) => (f.name.to_string(), true),
                _ => continue,
            };
            let Some(span) = d.location() else { continue };
            let Some(own) = text.get(span.offset()..span.end_offset()) else { continue };
            let at = line + text[..span.offset()].matches('\n').count() as u32;
            let op = ClientOp { file: file.to_string(), line: at, name: name.clone(), text: own.to_string(), spreads: spreads(own) };
            if is_fragment {
                self.fragments.entry(name).or_insert(op);
            } else {
                self.ops.push(op);
            }
        }
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// An operation's full document: its text and every fragment it needs (transitively).
    fn document(&self, op: &ClientOp) -> String {
        let mut text = op.text.clone();
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut todo: Vec<&str> = op.spreads.iter().map(String::as_str).collect();
        while let Some(name) = todo.pop() {
            if !done.insert(name) {
                continue;
            }
            if let Some(f) = self.fragments.get(name) {
                text.push_str("\n\n");
                text.push_str(&f.text);
                todo.extend(f.spreads.iter().map(String::as_str));
            }
        }
        text
    }

    /// Checks every operation against a module's schemas: the operations that are clients of it
    /// (they validate against the old schema, or the new one when there is no old one), with
    /// what they use and whether they still validate.
    pub fn check(&self, base: Option<&[(String, String)]>, revision: &[(String, String)]) -> Vec<Checked> {
        let Some(rev) = schema(revision) else { return Vec::new() };
        let base = base.and_then(schema);
        let mut out = Vec::new();
        for op in &self.ops {
            let doc = self.document(op);
            let before = ExecutableDocument::parse_and_validate(base.as_ref().unwrap_or(&rev), doc.clone(), &op.file);
            let Ok(valid) = before else { continue };
            let used = uses(&valid, base.as_ref().unwrap_or(&rev));
            let broken = match ExecutableDocument::parse_and_validate(&rev, doc, &op.file) {
                Ok(_) => None,
                Err(e) => Some(first_error(&e.errors.to_string())),
            };
            out.push(Checked { op: op.clone(), used, broken });
        }
        out
    }
}

/// An operation checked against a schema pair.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The operation.
    pub op: ClientOp,
    /// What it uses of the old schema.
    pub used: Used,
    /// The validation error against the new schema, when it no longer validates.
    pub broken: Option<String>,
}

/// What an operation uses: field coordinates (`Type.field`, `Type.field(arg:)`) and types.
#[derive(Debug, Clone, Default)]
pub struct Used {
    /// Field and argument coordinates.
    pub coords: BTreeSet<String>,
    /// Types used as a whole (enums, inputs, scalars: any change to them reaches the operation).
    pub whole: BTreeSet<String>,
    /// Every named type the operation touches.
    pub types: BTreeSet<String>,
}

impl Used {
    /// Whether a change at schema coordinate `pointer` reaches the operation.
    pub fn touches(&self, pointer: &str) -> bool {
        let no_args = pointer.split('(').next().unwrap_or(pointer);
        let ty = pointer.split(['.', '(']).next().unwrap_or(pointer);
        self.coords.contains(pointer)
            || self.coords.contains(no_args)
            || self.whole.contains(ty)
            || (!pointer.contains('.') && self.types.contains(pointer))
    }
}

fn schema(files: &[(String, String)]) -> Option<Valid<Schema>> {
    let mut b = Schema::builder().adopt_orphan_extensions();
    for (path, text) in files {
        b = b.parse(text.as_str(), path.as_str());
    }
    let s = match b.build() {
        Ok(s) => s,
        Err(e) => e.partial,
    };
    s.get_object(s.schema_definition.query.as_ref().map_or("Query", |q| q.name.as_str())).map(|_| ())?;
    Some(Valid::assume_valid(s))
}

fn first_error(all: &str) -> String {
    all.lines().find(|l| !l.trim().is_empty()).unwrap_or("does not validate").trim().trim_start_matches("Error: ").to_string()
}

fn uses(doc: &ExecutableDocument, schema: &Schema) -> Used {
    let mut u = Used::default();
    let mut stack: Vec<(&SelectionSet, usize)> = Vec::new();
    for op in doc.operations.iter() {
        for v in &op.variables {
            note_type(&mut u, schema, v.ty.inner_named_type().as_str());
        }
        stack.push((&op.selection_set, 0));
    }
    for f in doc.fragments.values() {
        stack.push((&f.selection_set, 0));
    }
    while let Some((set, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        u.types.insert(set.ty.to_string());
        for sel in &set.selections {
            match sel {
                Selection::Field(f) => {
                    let coord = format!("{}.{}", set.ty, f.name);
                    for a in &f.arguments {
                        u.coords.insert(format!("{coord}({}:)", a.name));
                    }
                    u.coords.insert(coord);
                    note_type(&mut u, schema, f.definition.ty.inner_named_type().as_str());
                    for a in &f.definition.arguments {
                        if f.arguments.iter().any(|x| x.name == a.name) {
                            note_type(&mut u, schema, a.ty.inner_named_type().as_str());
                        }
                    }
                    stack.push((&f.selection_set, depth + 1));
                }
                Selection::InlineFragment(i) => stack.push((&i.selection_set, depth + 1)),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    u
}

fn note_type(u: &mut Used, schema: &Schema, name: &str) {
    u.types.insert(name.to_string());
    if matches!(schema.types.get(name), Some(ExtendedType::Enum(_) | ExtendedType::InputObject(_) | ExtendedType::Scalar(_))) {
        u.whole.insert(name.to_string());
        // Input objects: their fields' types are sent too.
        if let Some(ExtendedType::InputObject(io)) = schema.types.get(name) {
            let mut todo: Vec<String> = io.fields.values().map(|f| f.ty.inner_named_type().to_string()).collect();
            let mut guard = 0;
            while let Some(t) = todo.pop() {
                guard += 1;
                if guard > 1000 || !u.whole.insert(t.clone()) {
                    continue;
                }
                u.types.insert(t.clone());
                if let Some(ExtendedType::InputObject(io)) = schema.types.get(t.as_str()) {
                    todo.extend(io.fields.values().map(|f| f.ty.inner_named_type().to_string()));
                }
            }
        }
    }
}

/// Fragment names spread in a text (`...Name`, not `... on Type`).
fn spreads(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("...") {
        rest = &rest[i + 3..];
        let trimmed = rest.trim_start();
        let name: String = trimmed.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && name != "on" && !name.starts_with(|c: char| c.is_ascii_digit()) {
            out.insert(name);
        }
    }
    out
}

/// `gql`/`graphql` tagged templates (and `graphql(`...`)` calls) in JavaScript/TypeScript:
/// (1-based line of the template's first character, body with `${...}` blanked out).
pub fn tagged_templates(src: &str) -> Vec<(u32, String)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let tag_len = if b[i..].starts_with(b"graphql") {
            7
        } else if b[i..].starts_with(b"gql") {
            3
        } else {
            i += 1;
            continue;
        };
        let boundary_before = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'$' || b[i - 1] == b'.');
        let mut j = i + tag_len;
        if !boundary_before || b.get(j).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            i = j;
            continue;
        }
        while b.get(j).is_some_and(|c| c.is_ascii_whitespace() || *c == b'(') {
            j += 1;
        }
        if b.get(j) != Some(&b'`') {
            i = j.max(i + 1);
            continue;
        }
        let start = j + 1;
        let line = 1 + src[..start].matches('\n').count() as u32;
        let mut body = String::new();
        let mut k = start;
        let mut closed = false;
        while k < b.len() {
            match b[k] {
                b'\\' => {
                    // The escaped character may be several bytes long: step over all of it.
                    body.push(' ');
                    let escaped = src[k + 1..].chars().next();
                    if let Some(n) = escaped {
                        body.push(if n == '\n' { '\n' } else { ' ' });
                    }
                    k += 1 + escaped.map_or(0, char::len_utf8);
                }
                b'`' => {
                    closed = true;
                    k += 1;
                    break;
                }
                b'$' if b.get(k + 1) == Some(&b'{') => {
                    let mut depth = 0usize;
                    while k < b.len() {
                        match b[k] {
                            b'{' => depth += 1,
                            b'}' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    body.push(' ');
                                    k += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        body.push(if b[k] == b'\n' { '\n' } else { ' ' });
                        k += 1;
                    }
                }
                _ => {
                    let ch = src[k..].chars().next().unwrap_or(' ');
                    body.push(ch);
                    k += ch.len_utf8().max(1);
                }
            }
        }
        if closed {
            out.push((line, body));
        }
        i = k.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escaped_non_ascii_character_does_not_panic() {
        let found = tagged_templates("const q = gql`query { a(x: \"\\é\") }`; gql`{ b }`");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].1.contains('b'));
    }

    const SDL: &str = "type Query { user(id: ID!): User, users(role: Role): [User] }\ntype User { id: ID!, email: String, name: String }\nenum Role { ADMIN USER }\n";

    #[test]
    fn tells_documents_from_schemas() {
        assert!(is_executable("query A { user(id: 1) { id } }\nfragment F on User { id }\n"));
        assert!(is_executable("{ a }"));
        assert!(!is_executable(SDL));
        assert!(!is_executable("extend schema @link(url: \"x\")\ntype User @key(fields: \"id\") { id: ID! }"));
        assert!(is_executable("query Broken { a( }"));
    }

    #[test]
    fn finds_keys() {
        let k = key_entities(
            "type User @key(fields: \"id\") { id: ID! }\nextend type Order @key(fields: \"id\") { id: ID! }\ntype Plain { a: Int }",
        );
        assert_eq!(k.into_iter().collect::<Vec<_>>(), ["Order", "User"]);
    }

    #[test]
    fn scans_tagged_templates() {
        let src = "import {gql} from 'x';\nconst A = gql`\n  query A { user(id: 1) { ...F } }\n  ${F}\n`;\nconst notgql = 1; const B = graphql(`{ users { id } }`);\nconst s = `gql`;\n";
        let t = tagged_templates(src);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].0, 2);
        assert!(t[0].1.contains("query A") && !t[0].1.contains("${"));
        assert_eq!(t[1], (6, "{ users { id } }".to_string()));
        assert!(tagged_templates("gql`unterminated").is_empty());
    }

    #[test]
    fn validates_against_old_and_new() {
        let mut c = Clients::default();
        c.add("web/a.graphql", 1, "query GetUser { user(id: 1) { ...U } }\n\nquery Names { users(role: ADMIN) { name } }\n");
        c.add("web/f.ts", 10, "fragment U on User { id email }");
        c.add("web/other.graphql", 1, "query Foreign { product { sku } }");
        let base = vec![("s.graphql".to_string(), SDL.to_string())];
        let rev = vec![("s.graphql".to_string(), SDL.replace("email: String, ", ""))];
        let r = c.check(Some(&base), &rev);
        assert_eq!(r.len(), 2, "Foreign does not use this schema");
        let get = r.iter().find(|x| x.op.name == "GetUser").unwrap();
        assert!(get.broken.is_some());
        assert!(get.used.touches("User.email") && get.used.touches("Query.user(id:)") && !get.used.touches("User.name"));
        let names = r.iter().find(|x| x.op.name == "Names").unwrap();
        assert_eq!((names.op.line, names.broken.is_none()), (3, true));
        assert!(names.used.touches("Role.USER"), "enums are used as a whole");
    }
}
