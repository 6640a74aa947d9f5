//! GraphQL SDL lowered into a schema model with source positions: definitions and extensions are
//! merged per type, unknown directives (federation, custom) are kept as plain usages, and only
//! syntax errors are fatal. No validation beyond syntax happens here: subgraphs and schema
//! modules without a `Query` root load like whole schemas.

use crate::error::{Located, Result};
use crate::source::Input;
use apollo_compiler::ast;
use apollo_compiler::parser::Parser;
use indexmap::IndexMap;
use std::fmt;

/// Deepest nesting the parser accepts (lists in types, nested values); deeper input is a located
/// error instead of a stack overflow.
const RECURSION_LIMIT: usize = 256;

/// A 1-based line and column in the SDL file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

/// The kind of a named type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// `scalar`.
    Scalar,
    /// `type`.
    Object,
    /// `interface`.
    Interface,
    /// `union`.
    Union,
    /// `enum`.
    Enum,
    /// `input`.
    InputObject,
}

impl TypeKind {
    /// The SDL keyword-ish name used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeKind::Scalar => "scalar",
            TypeKind::Object => "object",
            TypeKind::Interface => "interface",
            TypeKind::Union => "union",
            TypeKind::Enum => "enum",
            TypeKind::InputObject => "input object",
        }
    }

    /// Objects, interfaces and unions: the types a selection set is made on.
    pub fn is_composite(self) -> bool {
        matches!(self, TypeKind::Object | TypeKind::Interface | TypeKind::Union)
    }
}

/// One wrapping layer of a type reference, outermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wrap {
    /// `!`.
    NonNull,
    /// `[...]`.
    List,
}

/// A type reference such as `[String!]!`: wrapping layers (outermost first) around a named type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    /// Wrapping layers, outermost first.
    pub layers: Vec<Wrap>,
    /// The named type at the core.
    pub name: String,
}

impl TypeRef {
    /// `true` for `T!` and `[T]!`.
    pub fn is_non_null(&self) -> bool {
        self.layers.first() == Some(&Wrap::NonNull)
    }

    fn from_ast(ty: &ast::Type) -> TypeRef {
        let mut layers = Vec::new();
        let mut cur = ty;
        // A loop, not recursion: nesting depth is bounded by the parser, but stays off the stack.
        let name = loop {
            match cur {
                ast::Type::Named(n) => break n.to_string(),
                ast::Type::NonNullNamed(n) => {
                    layers.push(Wrap::NonNull);
                    break n.to_string();
                }
                ast::Type::List(inner) => {
                    layers.push(Wrap::List);
                    cur = inner;
                }
                ast::Type::NonNullList(inner) => {
                    layers.push(Wrap::NonNull);
                    layers.push(Wrap::List);
                    cur = inner;
                }
            }
        };
        TypeRef { layers, name }
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lists = self.layers.iter().filter(|w| **w == Wrap::List).count();
        let mut out = "[".repeat(lists);
        out.push_str(&self.name);
        for w in self.layers.iter().rev() {
            match w {
                Wrap::NonNull => out.push('!'),
                Wrap::List => out.push(']'),
            }
        }
        f.write_str(&out)
    }
}

/// A directive applied to an element, with its arguments rendered as GraphQL values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveUse {
    /// Directive name without `@`.
    pub name: String,
    /// Arguments `(name, value)` sorted by name, values in single-line GraphQL syntax.
    pub args: Vec<(String, String)>,
    /// Where it is applied.
    pub pos: Option<Pos>,
}

impl DirectiveUse {
    /// `@name(a: 1, b: "x")`, arguments sorted by name.
    pub fn render(&self) -> String {
        if self.args.is_empty() {
            return format!("@{}", self.name);
        }
        let args: Vec<String> = self.args.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        format!("@{}({})", self.name, args.join(", "))
    }

    /// The rendered value of argument `name`.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The reason `@deprecated` gives when none is written (GraphQL spec).
pub const DEFAULT_DEPRECATION_REASON: &str = "No longer supported";

/// The deprecation reason of an element carrying `@deprecated`, with the spec's default applied.
pub fn deprecation(directives: &[DirectiveUse]) -> Option<String> {
    let d = directives.iter().find(|d| d.name == "deprecated")?;
    Some(match d.arg("reason") {
        Some(v) => unquote(v),
        None => DEFAULT_DEPRECATION_REASON.to_string(),
    })
}

/// Undoes GraphQL string quoting for display (`"a \"b\""` → `a "b"`); other values pass through.
fn unquote(v: &str) -> String {
    match serde_json::from_str::<String>(v) {
        Ok(s) => s,
        Err(_) => v.to_string(),
    }
}

/// An argument, input field or directive argument.
#[derive(Debug, Clone)]
pub struct InputValue {
    /// Name.
    pub name: String,
    /// Description, when written.
    pub description: Option<String>,
    /// Type.
    pub ty: TypeRef,
    /// Default value in single-line GraphQL syntax.
    pub default: Option<String>,
    /// Directives applied to it.
    pub directives: Vec<DirectiveUse>,
    /// Where it is defined.
    pub pos: Option<Pos>,
}

impl InputValue {
    /// A client must supply it: non-null without a default.
    pub fn is_required(&self) -> bool {
        self.ty.is_non_null() && self.default.is_none()
    }
}

/// A field of an object or interface type.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name.
    pub name: String,
    /// Description, when written.
    pub description: Option<String>,
    /// Type.
    pub ty: TypeRef,
    /// Arguments by name.
    pub args: IndexMap<String, InputValue>,
    /// Directives applied to it.
    pub directives: Vec<DirectiveUse>,
    /// Where it is defined.
    pub pos: Option<Pos>,
}

/// A value of an enum type.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Name.
    pub name: String,
    /// Description, when written.
    pub description: Option<String>,
    /// Directives applied to it.
    pub directives: Vec<DirectiveUse>,
    /// Where it is defined.
    pub pos: Option<Pos>,
}

/// A named type with everything its definition and extensions declare.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Name.
    pub name: String,
    /// Kind (of the first definition or extension seen).
    pub kind: TypeKind,
    /// Description, when written.
    pub description: Option<String>,
    /// Directives applied to the type (definition and extensions).
    pub directives: Vec<DirectiveUse>,
    /// Where it is defined (or first extended, when never defined).
    pub pos: Option<Pos>,
    /// Interfaces implemented (objects and interfaces).
    pub interfaces: IndexMap<String, Option<Pos>>,
    /// Fields (objects and interfaces).
    pub fields: IndexMap<String, Field>,
    /// Input fields (input objects).
    pub input_fields: IndexMap<String, InputValue>,
    /// Member types (unions).
    pub members: IndexMap<String, Option<Pos>>,
    /// Values (enums).
    pub values: IndexMap<String, EnumValue>,
}

impl TypeDef {
    fn new(name: &str, kind: TypeKind, pos: Option<Pos>) -> TypeDef {
        TypeDef {
            name: name.to_string(),
            kind,
            description: None,
            directives: Vec::new(),
            pos,
            interfaces: IndexMap::new(),
            fields: IndexMap::new(),
            input_fields: IndexMap::new(),
            members: IndexMap::new(),
            values: IndexMap::new(),
        }
    }
}

/// A directive definition.
#[derive(Debug, Clone)]
pub struct DirectiveDef {
    /// Name without `@`.
    pub name: String,
    /// Description, when written.
    pub description: Option<String>,
    /// Arguments by name.
    pub args: IndexMap<String, InputValue>,
    /// `repeatable`.
    pub repeatable: bool,
    /// Locations such as `FIELD_DEFINITION`.
    pub locations: Vec<String>,
    /// Where it is defined.
    pub pos: Option<Pos>,
}

/// The three root operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootOp {
    /// `query`.
    Query,
    /// `mutation`.
    Mutation,
    /// `subscription`.
    Subscription,
}

impl RootOp {
    /// All three, in spec order.
    pub const ALL: [RootOp; 3] = [RootOp::Query, RootOp::Mutation, RootOp::Subscription];

    /// `query`, `mutation` or `subscription`.
    pub fn as_str(self) -> &'static str {
        match self {
            RootOp::Query => "query",
            RootOp::Mutation => "mutation",
            RootOp::Subscription => "subscription",
        }
    }

    fn default_type(self) -> &'static str {
        match self {
            RootOp::Query => "Query",
            RootOp::Mutation => "Mutation",
            RootOp::Subscription => "Subscription",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The `schema` definition and its extensions.
#[derive(Debug, Clone, Default)]
pub struct SchemaDef {
    /// Description of the `schema` definition.
    pub description: Option<String>,
    /// Explicit root operation types from `schema { ... }` and `extend schema { ... }`.
    pub explicit_roots: [Option<String>; 3],
    /// Where the `schema` definition (or first extension) is.
    pub pos: Option<Pos>,
    /// Directives applied to the schema (`@link`, `@composeDirective`, ...).
    pub directives: Vec<DirectiveUse>,
}

/// A GraphQL schema (or schema fragment: a subgraph, a module) as written.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Display name of the file.
    pub file: String,
    /// The SDL as read, for validating witness operations against it.
    pub text: String,
    /// The `schema` definition (boxed: it is rarely present and keeps the model small).
    pub def: Box<SchemaDef>,
    /// Named types by name, in file order.
    pub types: IndexMap<String, TypeDef>,
    /// Directive definitions by name, in file order.
    pub directives: IndexMap<String, DirectiveDef>,
}

impl Schema {
    /// The root type of `op`: the explicit one, or the type named `Query`/`Mutation`/`Subscription`
    /// when the schema declares no roots at all (GraphQL spec default).
    pub fn root(&self, op: RootOp) -> Option<&str> {
        if self.def.explicit_roots.iter().any(Option::is_some) {
            return self.def.explicit_roots.get(op.index()).and_then(|r| r.as_deref());
        }
        let name = op.default_type();
        self.types.get(name).filter(|t| t.kind == TypeKind::Object).map(|t| t.name.as_str())
    }
}

/// Byte offsets to 1-based line and column (in characters).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Every character is one byte: a column is a byte distance.
    ascii: bool,
    /// The last offset asked for and its column: the next one on the same line counts on from
    /// there (200,000 directives on one line made counting from the line start quadratic).
    last: std::cell::Cell<(usize, usize)>,
    /// Bytes counted through so far (linear in the text when offsets come in order).
    counted: std::cell::Cell<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts, ascii: text.is_ascii(), last: std::cell::Cell::new((0, 0)), counted: std::cell::Cell::new(0) }
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let end = offset.min(self.text.len());
        let column = if self.ascii {
            end.saturating_sub(start)
        } else {
            let (at, col) = self.last.get();
            let (from, before) = if start <= at && at <= end { (at, col) } else { (start, 0) };
            match self.text.get(from..end) {
                Some(s) => {
                    self.counted.set(self.counted.get() + s.len());
                    before + s.chars().count()
                }
                None => 0,
            }
        };
        self.last.set((end, column));
        Pos { line: u32::try_from(line).unwrap_or(u32::MAX), column: u32::try_from(column + 1).unwrap_or(u32::MAX) }
    }

    fn of<T>(&self, node: &apollo_compiler::Node<T>) -> Option<Pos> {
        node.location().map(|s| self.pos(s.offset()))
    }

    fn of_name(&self, name: &apollo_compiler::Name) -> Option<Pos> {
        name.location().map(|s| self.pos(s.offset()))
    }
}

/// Loads SDL: parses it with apollo-compiler's error-recovering parser, fails on syntax errors
/// (located at the first one), and merges definitions and extensions into one model.
pub fn load(input: &Input) -> Result<Schema> {
    if is_blank(&input.text) {
        // The grammar wants at least one definition; an empty module is still an empty schema.
        return Ok(Schema { file: input.name.clone(), ..Schema::default() });
    }
    let mut parser = Parser::new().recursion_limit(RECURSION_LIMIT);
    let doc = match parser.parse_ast(input.text.as_str(), &input.name) {
        Ok(doc) => doc,
        Err(with_errors) => {
            let first = with_errors.errors.iter().next();
            let (line, column, message) = match first {
                Some(d) => {
                    let lc = d.line_column_range();
                    (
                        lc.as_ref().map(|r| u32::try_from(r.start.line).unwrap_or(u32::MAX)),
                        lc.as_ref().map(|r| u32::try_from(r.start.column).unwrap_or(u32::MAX)),
                        d.error.to_string(),
                    )
                }
                None => (None, None, "unreadable SDL".to_string()),
            };
            return Err(Located::new(&input.name, line, column, format!("invalid GraphQL SDL: {message}")).into());
        }
    };
    let idx = LineIndex::new(&input.text);
    let mut b = Builder { idx: &idx, schema: Schema { file: input.name.clone(), text: input.text.clone(), ..Schema::default() } };
    for def in &doc.definitions {
        b.definition(def);
    }
    Ok(b.schema)
}

/// Only whitespace, commas and comments: GraphQL's ignored tokens.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| l.split('#').next().unwrap_or("").chars().all(|c| c.is_whitespace() || c == ',' || c == '\u{feff}'))
}

struct Builder<'a> {
    idx: &'a LineIndex<'a>,
    schema: Schema,
}

fn text(desc: &Option<apollo_compiler::Node<str>>) -> Option<String> {
    desc.as_ref().map(|d| d.to_string())
}

/// `"sku  { id }, upc"` → `sku { id } upc`: a field set's meaning without its layout.
fn normalize_field_set(set: &str) -> String {
    set.replace('{', " { ")
        .replace('}', " } ")
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn value(v: &ast::Value) -> String {
    v.serialize().no_indent().to_string()
}

impl Builder<'_> {
    /// Position of an element's name, falling back to the node (which includes its description).
    fn at<T>(&self, name: &apollo_compiler::Name, node: &apollo_compiler::Node<T>) -> Option<Pos> {
        self.idx.of_name(name).or_else(|| self.idx.of(node))
    }

    fn directives(&self, list: &ast::DirectiveList) -> Vec<DirectiveUse> {
        list.0
            .iter()
            .map(|d| {
                let mut args: Vec<(String, String)> = d
                    .arguments
                    .iter()
                    .map(|a| {
                        let v = match (a.name.as_str(), a.value.as_str()) {
                            // Federation field sets: `"id "` and `"id"` select the same fields.
                            ("fields", Some(set)) => format!("\"{}\"", normalize_field_set(set)),
                            _ => value(&a.value),
                        };
                        (a.name.to_string(), v)
                    })
                    .collect();
                args.sort();
                DirectiveUse { name: d.name.to_string(), args, pos: self.idx.of(d) }
            })
            .collect()
    }

    fn input_value(&self, v: &apollo_compiler::Node<ast::InputValueDefinition>) -> InputValue {
        InputValue {
            name: v.name.to_string(),
            description: text(&v.description),
            ty: TypeRef::from_ast(&v.ty),
            default: v.default_value.as_ref().map(|d| value(d)),
            directives: self.directives(&v.directives),
            pos: self.at(&v.name, v),
        }
    }

    fn input_values(&self, list: &[apollo_compiler::Node<ast::InputValueDefinition>]) -> IndexMap<String, InputValue> {
        list.iter().map(|v| (v.name.to_string(), self.input_value(v))).collect()
    }

    fn field(&self, f: &apollo_compiler::Node<ast::FieldDefinition>) -> Field {
        Field {
            name: f.name.to_string(),
            description: text(&f.description),
            ty: TypeRef::from_ast(&f.ty),
            args: self.input_values(&f.arguments),
            directives: self.directives(&f.directives),
            pos: self.at(&f.name, f),
        }
    }

    /// The type `name`, created on first sight; a later definition fills its description and
    /// position (extensions may come before the definition).
    fn ty(&mut self, name: &str, kind: TypeKind, pos: Option<Pos>, is_definition: bool, desc: Option<String>) -> &mut TypeDef {
        let t = self.schema.types.entry(name.to_string()).or_insert_with(|| TypeDef::new(name, kind, pos));
        if is_definition {
            t.pos = pos;
            if desc.is_some() {
                t.description = desc;
            }
        }
        t
    }

    #[allow(clippy::too_many_arguments)]
    fn fields_like(
        &mut self,
        name: &str,
        kind: TypeKind,
        pos: Option<Pos>,
        def: bool,
        desc: Option<String>,
        ifaces: &[apollo_compiler::Name],
        dirs: &ast::DirectiveList,
        fields: &[apollo_compiler::Node<ast::FieldDefinition>],
    ) {
        let ifaces: Vec<(String, Option<Pos>)> = ifaces.iter().map(|i| (i.to_string(), self.idx.of_name(i))).collect();
        let dirs = self.directives(dirs);
        let fields: Vec<Field> = fields.iter().map(|f| self.field(f)).collect();
        let t = self.ty(name, kind, pos, def, desc);
        for (i, p) in ifaces {
            t.interfaces.entry(i).or_insert(p);
        }
        t.directives.extend(dirs);
        for f in fields {
            t.fields.insert(f.name.clone(), f);
        }
    }

    fn definition(&mut self, def: &ast::Definition) {
        use ast::Definition as D;
        match def {
            D::OperationDefinition(_) | D::FragmentDefinition(_) => {}
            D::DirectiveDefinition(d) => {
                let dd = DirectiveDef {
                    name: d.name.to_string(),
                    description: text(&d.description),
                    args: self.input_values(&d.arguments),
                    repeatable: d.repeatable,
                    locations: d.locations.iter().map(|l| l.to_string()).collect(),
                    pos: self.at(&d.name, d),
                };
                self.schema.directives.insert(dd.name.clone(), dd);
            }
            D::SchemaDefinition(d) => {
                self.schema.def.pos = self.idx.of(d);
                if let Some(desc) = text(&d.description) {
                    self.schema.def.description = Some(desc);
                }
                let dirs = self.directives(&d.directives);
                self.schema.def.directives.extend(dirs);
                self.roots(&d.root_operations);
            }
            D::SchemaExtension(d) => {
                if self.schema.def.pos.is_none() {
                    self.schema.def.pos = self.idx.of(d);
                }
                let dirs = self.directives(&d.directives);
                self.schema.def.directives.extend(dirs);
                self.roots(&d.root_operations);
            }
            D::ScalarTypeDefinition(d) => {
                let dirs = self.directives(&d.directives);
                let pos = self.at(&d.name, d);
                self.ty(&d.name, TypeKind::Scalar, pos, true, text(&d.description)).directives.extend(dirs);
            }
            D::ScalarTypeExtension(d) => {
                let dirs = self.directives(&d.directives);
                let pos = self.at(&d.name, d);
                self.ty(&d.name, TypeKind::Scalar, pos, false, None).directives.extend(dirs);
            }
            D::ObjectTypeDefinition(d) => {
                let pos = self.at(&d.name, d);
                let desc = text(&d.description);
                self.fields_like(&d.name, TypeKind::Object, pos, true, desc, &d.implements_interfaces, &d.directives, &d.fields);
            }
            D::ObjectTypeExtension(d) => {
                let pos = self.at(&d.name, d);
                self.fields_like(&d.name, TypeKind::Object, pos, false, None, &d.implements_interfaces, &d.directives, &d.fields);
            }
            D::InterfaceTypeDefinition(d) => {
                let pos = self.at(&d.name, d);
                let desc = text(&d.description);
                self.fields_like(&d.name, TypeKind::Interface, pos, true, desc, &d.implements_interfaces, &d.directives, &d.fields);
            }
            D::InterfaceTypeExtension(d) => {
                let pos = self.at(&d.name, d);
                self.fields_like(&d.name, TypeKind::Interface, pos, false, None, &d.implements_interfaces, &d.directives, &d.fields);
            }
            D::UnionTypeDefinition(d) => self.union(&d.name, self.at(&d.name, d), true, text(&d.description), &d.directives, &d.members),
            D::UnionTypeExtension(d) => self.union(&d.name, self.at(&d.name, d), false, None, &d.directives, &d.members),
            D::EnumTypeDefinition(d) => {
                self.enumeration(&d.name, self.at(&d.name, d), true, text(&d.description), &d.directives, &d.values)
            }
            D::EnumTypeExtension(d) => self.enumeration(&d.name, self.at(&d.name, d), false, None, &d.directives, &d.values),
            D::InputObjectTypeDefinition(d) => {
                self.input(&d.name, self.at(&d.name, d), true, text(&d.description), &d.directives, &d.fields)
            }
            D::InputObjectTypeExtension(d) => self.input(&d.name, self.at(&d.name, d), false, None, &d.directives, &d.fields),
        }
    }

    fn roots(&mut self, ops: &[apollo_compiler::Node<(ast::OperationType, apollo_compiler::Name)>]) {
        for op in ops {
            let (kind, name) = &**op;
            let root = match kind {
                ast::OperationType::Query => RootOp::Query,
                ast::OperationType::Mutation => RootOp::Mutation,
                ast::OperationType::Subscription => RootOp::Subscription,
            };
            if let Some(slot) = self.schema.def.explicit_roots.get_mut(root.index()) {
                *slot = Some(name.to_string());
            }
        }
    }

    fn union(
        &mut self,
        name: &str,
        pos: Option<Pos>,
        def: bool,
        desc: Option<String>,
        dirs: &ast::DirectiveList,
        members: &[apollo_compiler::Name],
    ) {
        let dirs = self.directives(dirs);
        let members: Vec<(String, Option<Pos>)> = members.iter().map(|m| (m.to_string(), self.idx.of_name(m))).collect();
        let t = self.ty(name, TypeKind::Union, pos, def, desc);
        t.directives.extend(dirs);
        for (m, p) in members {
            t.members.entry(m).or_insert(p);
        }
    }

    fn enumeration(
        &mut self,
        name: &str,
        pos: Option<Pos>,
        def: bool,
        desc: Option<String>,
        dirs: &ast::DirectiveList,
        values: &[apollo_compiler::Node<ast::EnumValueDefinition>],
    ) {
        let dirs = self.directives(dirs);
        let values: Vec<EnumValue> = values
            .iter()
            .map(|v| EnumValue {
                name: v.value.to_string(),
                description: text(&v.description),
                directives: self.directives(&v.directives),
                pos: self.at(&v.value, v),
            })
            .collect();
        let t = self.ty(name, TypeKind::Enum, pos, def, desc);
        t.directives.extend(dirs);
        for v in values {
            t.values.insert(v.name.clone(), v);
        }
    }

    fn input(
        &mut self,
        name: &str,
        pos: Option<Pos>,
        def: bool,
        desc: Option<String>,
        dirs: &ast::DirectiveList,
        fields: &[apollo_compiler::Node<ast::InputValueDefinition>],
    ) {
        let dirs = self.directives(dirs);
        let fields = self.input_values(fields);
        let t = self.ty(name, TypeKind::InputObject, pos, def, desc);
        t.directives.extend(dirs);
        t.input_fields.extend(fields);
    }
}

/// Whether GraphQL text is an executable document (only operation and fragment definitions)
/// rather than a schema. Unparseable text counts as executable only when its first keyword is
/// one of `query`, `mutation`, `subscription`, `fragment` or `{`.
pub fn is_executable(text: &str) -> bool {
    let doc = match apollo_compiler::ast::Document::parse(text, "doc.graphql") {
        Ok(d) => d,
        Err(e) => e.partial,
    };
    if doc.definitions.is_empty() {
        let first = text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).find(|l| !l.is_empty()).unwrap_or("");
        return ["query", "mutation", "subscription", "fragment", "{"].iter().any(|k| first.starts_with(k));
    }
    doc.definitions.iter().all(|d| {
        matches!(d, apollo_compiler::ast::Definition::OperationDefinition(_) | apollo_compiler::ast::Definition::FragmentDefinition(_))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn input(name: &str, text: &str) -> Input {
        Input { name: name.into(), path: PathBuf::from(name), text: text.into(), fetch: Arc::new(crate::source::FsFetch::default()) }
    }

    fn load_str(text: &str) -> Result<Schema> {
        load(&input("s.graphql", text))
    }

    /// Issue 24: 200,000 directives on one line took 13 s in a release build (each position
    /// counted the characters from the line start). Columns are still characters, and in order
    /// each byte is counted once; out of order they are still right.
    #[test]
    fn columns_on_a_long_line_are_counted_once() {
        let line = format!("type Query {{ \"é\" a: Int{} }}\n", " @d".repeat(20_000));
        let text = format!("directive @d repeatable on FIELD_DEFINITION\n{line}");
        let index = LineIndex::new(&text);
        let at: Vec<usize> = text.match_indices('@').map(|(i, _)| i).skip(1).collect();
        for &offset in &at {
            let naive = text[text[..offset].rfind('\n').map_or(0, |i| i + 1)..offset].chars().count() + 1;
            assert_eq!(index.pos(offset).column as usize, naive);
        }
        assert!(index.counted.get() <= text.len(), "{} bytes counted for a {}-byte text", index.counted.get(), text.len());
        let first = at[0];
        assert_eq!(index.pos(first).column as usize, first - text.find('\n').unwrap() - 1 - 1 + 1);
        let schema = load_str(&text).unwrap();
        assert!(schema.types.contains_key("Query"));
    }

    #[test]
    fn syntax_error_is_located() {
        let err = load_str("type Query {\n  a: String\n  b: \n}\n").unwrap_err();
        let crate::Error::Input(l) = err else { panic!("expected an input error") };
        assert_eq!(l.file, "s.graphql");
        assert_eq!(l.line, Some(4));
        assert!(l.column.is_some());
        assert!(l.message.contains("invalid GraphQL SDL"), "{}", l.message);
    }

    #[test]
    fn broken_sdl_through_spec_load_is_located() {
        for name in ["api.graphql", "api.graphqls", "api.gql"] {
            let err = crate::spec::load(&input(name, "type Query {\n  a: [String\n}\n"), &crate::spec::LoadOptions::default()).unwrap_err();
            let crate::Error::Input(l) = err else { panic!("expected an input error") };
            assert_eq!((l.file.as_str(), l.line.is_some(), l.column.is_some()), (name, true, true), "{l}");
        }
        let ok = crate::spec::load(&input("api.gql", "type Query { a: Int }"), &crate::spec::LoadOptions::default()).unwrap();
        assert!(matches!(ok, crate::spec::Spec::GraphQl(_)));
    }

    #[test]
    fn blank_documents_are_empty_schemas() {
        for text in ["", "  \n", "# only a comment\n,,\n"] {
            assert!(load_str(text).unwrap().types.is_empty(), "{text:?}");
        }
        assert!(load_str("# c\n\"#\"").is_err());
    }

    #[test]
    fn broken_inputs_never_panic() {
        for text in [
            "type",
            "{",
            "type Query { a(: Int): X }",
            "\u{0}",
            "enum E { A B",
            "\"\"\"unterminated",
            "extend",
            "type Q { a: [[[[[[String }",
        ] {
            assert!(load_str(text).is_err(), "{text:?} should fail");
        }
        let deep = format!("type Q {{ a: {}String{} }}", "[".repeat(5000), "]".repeat(5000));
        assert!(load_str(&deep).is_err());
        let deep_value = format!("type Q {{ a(x: In = {}1{}): Int }}", "[".repeat(5000), "]".repeat(5000));
        assert!(load_str(&deep_value).is_err());
    }

    #[test]
    fn extensions_merge_and_roots_default() {
        let s = load_str("extend type Query { b: Int }\n\"d\"\ntype Query @key(fields: \"id\") { a: [String!]! }\nextend type Query { c(x: Int = 1): ID }").unwrap();
        let q = &s.types["Query"];
        assert_eq!(q.fields.keys().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(q.description.as_deref(), Some("d"));
        assert_eq!(q.pos, Some(Pos { line: 3, column: 6 }));
        assert_eq!(q.fields["a"].ty.to_string(), "[String!]!");
        assert_eq!(q.fields["c"].args["x"].default.as_deref(), Some("1"));
        assert_eq!(q.directives[0].render(), "@key(fields: \"id\")");
        assert_eq!(s.root(RootOp::Query), Some("Query"));
        assert_eq!(s.root(RootOp::Mutation), None);
    }

    #[test]
    fn federation_subgraph_loads_without_query() {
        let s = load_str(
            "extend schema @link(url: \"https://specs.apollo.dev/federation/v2.3\", import: [\"@key\", \"@shareable\"])\n\
             type Product @key(fields: \"upc\") @shareable { upc: ID! @external name: String @requires(fields: \"upc\") @inaccessible @tag(name: \"x\") }",
        )
        .unwrap();
        assert_eq!(s.def.directives[0].name, "link");
        assert_eq!(s.root(RootOp::Query), None);
        assert_eq!(s.types["Product"].fields["name"].directives.len(), 3);
    }

    #[test]
    fn deprecation_reason_defaults() {
        let s = load_str("type Q { a: Int @deprecated b: Int @deprecated(reason: \"use \\\"c\\\"\") }").unwrap();
        assert_eq!(deprecation(&s.types["Q"].fields["a"].directives).as_deref(), Some(DEFAULT_DEPRECATION_REASON));
        assert_eq!(deprecation(&s.types["Q"].fields["b"].directives).as_deref(), Some("use \"c\""));
    }

    #[test]
    fn columns_count_characters() {
        let s = load_str("\"é\" type Q { a: Int }").unwrap();
        assert_eq!(s.types["Q"].pos, Some(Pos { line: 1, column: 10 }));
        assert_eq!(s.types["Q"].fields["a"].pos, Some(Pos { line: 1, column: 14 }));
    }
}
