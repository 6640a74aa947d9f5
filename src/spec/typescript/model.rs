//! The TypeScript surface model: exported symbols, their signatures, members and type
//! parameters, each with its position.

use super::typetext::TypeText;
use serde::Serialize;
use std::collections::BTreeMap;

/// The exported surface of a declaration file and the files it re-exports.
#[derive(Debug, Default)]
pub struct Surface {
    /// The entry file's display name.
    pub file: String,
    /// Every exported symbol by qualified name (`React.FC`) and kind; declarations that merge
    /// (interfaces, function overloads, namespaces) are already merged.
    pub symbols: BTreeMap<(String, SymbolKind), Symbol>,
    /// Every interface and class by qualified name, exported or not, so base types named in
    /// `extends` clauses can be looked up (members moved into or out of a base are not changes).
    pub types: BTreeMap<String, Symbol>,
    /// Interfaces, type aliases, classes and enums that are not exported but that exported
    /// declarations may name (declared without `export`, or imported from a relative module).
    pub hidden: BTreeMap<(String, SymbolKind), Symbol>,
    /// The entry file has no import or export: a script, whose declarations are global.
    pub script: bool,
}

impl Surface {
    /// The members a class or interface inherits through `extends`/`implements` clauses that
    /// resolve within the loaded files (type arguments are ignored; depth- and cycle-limited).
    pub fn inherited_members(&self, sym: &Symbol) -> std::collections::BTreeSet<String> {
        self.inheritance(sym).0
    }

    /// Inherited member keys, and whether every base in the chain resolved.
    pub(crate) fn inheritance(&self, sym: &Symbol) -> (std::collections::BTreeSet<String>, bool) {
        let mut complete = true;
        let mut out = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<(String, String)> = sym.heritage.iter().map(|h| (scope_of(&sym.name).to_string(), h.text.clone())).collect();
        while let Some((scope, text)) = stack.pop() {
            if seen.len() > 256 {
                break;
            }
            let Some(base) = self.resolve_type(&scope, &text) else {
                complete = false;
                continue;
            };
            if !seen.insert(base.name.clone()) {
                continue;
            }
            out.extend(base.members.keys().cloned());
            stack.extend(base.heritage.iter().map(|h| (scope_of(&base.name).to_string(), h.text.clone())));
        }
        (out, complete)
    }

    /// Every member key of `sym`, own and inherited, when all its bases resolve in the loaded files.
    pub fn all_members_if_known(&self, sym: &Symbol) -> Option<std::collections::BTreeSet<String>> {
        let (mut out, complete) = self.inheritance(sym);
        out.extend(sym.members.keys().cloned());
        complete.then_some(out)
    }

    /// Every member key of `sym`, its own and inherited.
    pub fn all_members(&self, sym: &Symbol) -> std::collections::BTreeSet<String> {
        let mut out = self.inherited_members(sym);
        out.extend(sym.members.keys().cloned());
        out
    }

    /// Finds the class or interface an `extends`/`implements` clause written inside `scope` names.
    pub fn resolve_type(&self, scope: &str, heritage: &str) -> Option<&Symbol> {
        let name = heritage.trim_start_matches("extends ").trim_start_matches("implements ");
        let name = name.split('<').next().unwrap_or(name).trim();
        let mut scope = scope.to_string();
        loop {
            let candidate = if scope.is_empty() { name.to_string() } else { format!("{scope}.{name}") };
            if let Some(s) = self.types.get(&candidate) {
                return Some(s);
            }
            if scope.is_empty() {
                return self.types.get(&format!("global.{name}"));
            }
            scope = scope_of(&scope).to_string();
        }
    }
}

/// `A.B.c` → `A.B`, `c` → ``; dots inside a quoted module name do not count.
pub fn scope_of(name: &str) -> &str {
    let tail_start = name.rfind('"').map_or(0, |i| i + 1);
    match name.get(tail_start..).and_then(|t| t.rfind('.')) {
        Some(dot) => name.get(..dot + tail_start).unwrap_or(""),
        None => "",
    }
}

/// What a symbol is; one name may carry several kinds (a function merged with a namespace).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SymbolKind {
    /// `function f()`.
    Function,
    /// `class C`.
    Class,
    /// `interface I`.
    Interface,
    /// `type T = ...`.
    TypeAlias,
    /// `enum E` or `const enum E`.
    Enum,
    /// `namespace N`, `module N`, `declare module "x"`, `declare global`.
    Namespace,
    /// `const`, `let` or `var`.
    Variable,
    /// A re-export or import alias whose target could not be resolved (`export * from "pkg"`).
    Reexport,
    /// `export = X`.
    ExportAssignment,
}

impl SymbolKind {
    /// The TypeScript word for this kind, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            SymbolKind::Function => "function",
            SymbolKind::Class => "class",
            SymbolKind::Interface => "interface",
            SymbolKind::TypeAlias => "type alias",
            SymbolKind::Enum => "enum",
            SymbolKind::Namespace => "namespace",
            SymbolKind::Variable => "variable",
            SymbolKind::Reexport => "re-export",
            SymbolKind::ExportAssignment => "export assignment",
        }
    }
}

/// Where a declaration starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Pos {
    /// Display name of the file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

/// One exported declaration (merged with its same-named, same-kind siblings).
#[derive(Debug, Clone, Serialize)]
pub struct Symbol {
    /// Qualified name (`React.FC`, `"pkg".f`, `global.JSX.Element`).
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// Where its first declaration is.
    pub pos: Pos,
    /// Generic parameters of classes, interfaces and type aliases.
    pub type_params: Vec<TypeParam>,
    /// Overloads of a function.
    pub sigs: Vec<Signature>,
    /// Members of a class, an interface, or a type alias of an object literal type.
    pub members: BTreeMap<String, Member>,
    /// Whether `members` describes the symbol (a type alias of anything else has only `ty`).
    pub structural: bool,
    /// The aliased type, the variable's type, or the re-export/assignment target as text.
    pub ty: Option<TypeText>,
    /// `extends`/`implements` clauses, as canonical text.
    pub heritage: Vec<TypeText>,
    /// Enum members in declaration order.
    pub enum_members: Vec<EnumMember>,
    /// `const enum`, or `const` variable.
    pub is_const: bool,
    /// `abstract class`.
    pub is_abstract: bool,
}

impl Symbol {
    pub(crate) fn new(name: &str, kind: SymbolKind, pos: Pos) -> Symbol {
        Symbol {
            name: name.to_string(),
            kind,
            pos,
            type_params: Vec::new(),
            sigs: Vec::new(),
            members: BTreeMap::new(),
            structural: false,
            ty: None,
            heritage: Vec::new(),
            enum_members: Vec::new(),
            is_const: false,
            is_abstract: false,
        }
    }
}

/// A generic type parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeParam {
    /// Its name.
    pub name: String,
    /// `extends` constraint.
    pub constraint: Option<TypeText>,
    /// `= default`.
    pub default: Option<TypeText>,
}

/// One call signature (a function overload, a method, a constructor, a call signature).
#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    /// Generic parameters.
    pub type_params: Vec<TypeParam>,
    /// Parameters in order (a rest parameter last).
    pub params: Vec<Param>,
    /// Declared return type (`None` when omitted: implicit `any`).
    pub ret: Option<TypeText>,
    /// Where it is declared.
    pub pos: Pos,
    /// Declared with a body: an implementation signature, hidden when overloads exist.
    pub has_body: bool,
}

impl Signature {
    /// Canonical text of the whole signature, ignoring parameter names.
    pub fn key(&self) -> String {
        let tps: Vec<String> = self.type_params.iter().map(type_param_key).collect();
        let ps: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                format!(
                    "{}{}:{}",
                    if p.rest { "..." } else { "" },
                    if p.optional { "?" } else { "" },
                    p.ty.as_ref().map_or("any", |t| &t.key)
                )
            })
            .collect();
        format!("<{}>({})=>{}", tps.join(","), ps.join(","), self.ret.as_ref().map_or("any", |t| &t.key))
    }

    /// Readable text of the signature, for messages.
    pub fn display(&self) -> String {
        let ps: Vec<String> = self
            .params
            .iter()
            .map(|p| {
                format!(
                    "{}{}{}: {}",
                    if p.rest { "..." } else { "" },
                    p.name,
                    if p.optional { "?" } else { "" },
                    p.ty.as_ref().map_or("any", |t| &t.text)
                )
            })
            .collect();
        let tps = if self.type_params.is_empty() {
            String::new()
        } else {
            format!("<{}>", self.type_params.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "))
        };
        format!("{tps}({}): {}", ps.join(", "), self.ret.as_ref().map_or("any", |t| &t.text))
    }
}

pub(crate) fn type_param_key(t: &TypeParam) -> String {
    format!("{} extends {} = {}", t.name, t.constraint.as_ref().map_or("", |c| &c.key), t.default.as_ref().map_or("", |c| &c.key))
}

/// One parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Its name (or the source text of a destructuring pattern).
    pub name: String,
    /// Declared type (`None`: implicit `any`).
    pub ty: Option<TypeText>,
    /// `?` or a default value.
    pub optional: bool,
    /// `...rest`.
    pub rest: bool,
}

/// What a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MemberKind {
    /// A property (or a getter/setter pair).
    Property,
    /// A method.
    Method,
    /// A call signature `(x): T`.
    Call,
    /// A construct signature `new (x): T`.
    Construct,
    /// A class constructor.
    Constructor,
    /// An index signature `[k: string]: T`.
    Index,
}

/// A member of a class, an interface or an object literal type.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    /// Its name (`()` for call signatures, `new()` for construct signatures, `[string]` for index
    /// signatures).
    pub name: String,
    /// What it is.
    pub kind: MemberKind,
    /// `?`.
    pub optional: bool,
    /// `readonly`, or a getter without a setter.
    pub readonly: bool,
    /// `static` (classes).
    pub is_static: bool,
    /// `protected` (classes).
    pub protected: bool,
    /// A property's or index signature's type.
    pub ty: Option<TypeText>,
    /// Signatures of methods, constructors, call and construct signatures.
    pub sigs: Vec<Signature>,
    /// The object literal type inside a property's or index signature's type, lowered member by
    /// member so nested changes are found and named at their own path.
    pub shape: Option<Box<Shape>>,
    /// Where it is declared.
    pub pos: Pos,
}

/// An object literal type found inside a member's type (`{ ... }`, `{ ... }[]`, `{ ... } | null`).
#[derive(Debug, Clone, Serialize)]
pub struct Shape {
    /// The member's type with the object literal replaced by `{}`, as a canonical key: when it
    /// stays the same, the literal's members are compared on their own.
    pub frame: String,
    /// The literal's members.
    pub members: BTreeMap<String, Member>,
}

impl Member {
    /// A member with no modifiers, type or signatures; callers set what they read.
    pub fn new(name: String, kind: MemberKind, pos: Pos) -> Member {
        Member {
            name,
            kind,
            optional: false,
            readonly: false,
            is_static: false,
            protected: false,
            ty: None,
            sigs: Vec::new(),
            shape: None,
            pos,
        }
    }
}

/// One enum member.
#[derive(Debug, Clone, Serialize)]
pub struct EnumMember {
    /// Its name.
    pub name: String,
    /// Its initialiser as canonical text; `None` when implicit (auto-numbered by position).
    pub value: Option<String>,
    /// Where it is declared.
    pub pos: Pos,
}
