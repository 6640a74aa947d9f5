//! TypeScript witnesses for type changes written with other declarations (`LegacyRef<T> |
//! undefined` → `Ref<T> | undefined`), where apidiff cannot decide assignability itself: the
//! snippet writes the old type out, every name in it qualified as a consumer names it
//! (`api.LegacyRef<T>`), and converts in both directions between it and the declaration as it
//! now stands (`[OLD, api.X<T>]` from `[new, old]`). Against the base both sides are the same
//! type by construction, so the snippet compiles; against the revision it compiles only if the
//! two types are still mutually assignable, which the rule's verdict says they are not. A type
//! that only renamed its parameters is refused, and an old type naming what a consumer cannot
//! name (a non-exported generic alias, an imported module) has no snippet.

use crate::spec::typescript::{MemberKind, Signature, Surface, Symbol, SymbolKind, TypeParam, scope_of};

/// Words of a type that name no declaration.
const KEYWORDS: &[&str] = &[
    "string",
    "number",
    "boolean",
    "bigint",
    "symbol",
    "object",
    "any",
    "unknown",
    "never",
    "void",
    "undefined",
    "null",
    "true",
    "false",
    "keyof",
    "typeof",
    "infer",
    "extends",
    "readonly",
    "unique",
    "in",
    "is",
    "asserts",
    "new",
    "abstract",
    "this",
    "as",
];

/// Qualifies the type names of texts written in one surface, as `import * as api` names them.
pub(crate) struct Namer<'a> {
    pub(crate) surface: &'a Surface,
    /// The other version: an old alias whose definition differs there is written out, since
    /// its name would mean the new definition in the revision.
    pub(crate) other: Option<&'a Surface>,
    /// With `export =`, the assigned namespace's name is not written (`React.X` is `api.X`).
    pub(crate) assigned: bool,
    /// The aliases being written out: a recursive one (`Iterable<ReactNode>`) keeps its name inside.
    open: std::cell::RefCell<Vec<String>>,
}

impl<'a> Namer<'a> {
    pub(crate) fn new(surface: &'a Surface) -> Self {
        let assigned = surface.symbols.keys().any(|(_, k)| *k == SymbolKind::ExportAssignment);
        Namer { surface, other: None, assigned, open: Default::default() }
    }

    /// Writes out the aliases whose definitions differ in `other`.
    pub(crate) fn against(mut self, other: &'a Surface) -> Self {
        self.other = Some(other);
        self
    }

    /// The base alias `name`, when the other version defines it otherwise.
    fn changed_alias(&self, name: &str) -> Option<&'a Symbol> {
        let other = self.other?;
        let s = self.surface.symbols.get(&(name.to_string(), SymbolKind::TypeAlias))?;
        // A removed alias keeps its name: code spelling it fails against the revision as it is.
        let o = other.symbols.get(&(name.to_string(), SymbolKind::TypeAlias))?;
        let (Some(st), Some(ot)) = (&s.ty, &o.ty) else { return None };
        let same = renamed_only(&st.key, &s.type_params, &ot.key, &o.type_params) && s.type_params.len() == o.type_params.len();
        (!same && !self.open.borrow().contains(&s.name)).then_some(s)
    }

    /// A non-exported alias, or member-less interface with one base, that `path` written inside
    /// `scope` names: written out in its place, since a consumer cannot name it.
    fn hidden_along(&self, scope: &str, path: &str) -> Option<&'a Symbol> {
        let mut s = scope.to_string();
        loop {
            let candidate = if s.is_empty() { path.to_string() } else { format!("{s}.{path}") };
            if self.exported(&candidate) {
                return None;
            }
            if let Some(h) = self.hidden(&candidate) {
                let alias = h.kind == SymbolKind::TypeAlias && h.ty.is_some();
                let empty = h.kind == SymbolKind::Interface && h.members.is_empty() && h.heritage.len() == 1 && h.type_params.is_empty();
                return (alias || empty).then_some(h);
            }
            if s.is_empty() {
                return None;
            }
            s = scope_of(&s).to_string();
        }
    }

    /// The old definition of alias `s` with `args` (already qualified) for its parameters.
    fn inline(&self, s: &Symbol, args: &[String], depth: usize) -> Result<String, String> {
        if depth > 4 {
            return Err(format!("`{}` nests too many changed aliases", s.name));
        }
        let base =
            s.heritage.first().filter(|_| s.kind == SymbolKind::Interface).map(|h| h.text.trim_start_matches("extends ").to_string());
        let text = match (&s.ty, &base) {
            (_, Some(b)) => b,
            (Some(t), None) => &t.text,
            (None, None) => return Err(format!("`{}` is not written", s.name)),
        };
        if text.contains(" extends ") && text.contains('?') {
            // A conditional type written out is a different deferred type from the alias's.
            return Err(format!("`{}` is a conditional type whose old definition differs: it cannot be written out", s.name));
        }
        let bound: Vec<String> = s.type_params.iter().map(|t| t.name.clone()).collect();
        self.open.borrow_mut().push(s.name.clone());
        let def = self.qualify_in(scope_of(&s.name), text, &bound, depth + 1);
        self.open.borrow_mut().pop();
        let def = def?;
        let mut values = Vec::new();
        for (i, t) in s.type_params.iter().enumerate() {
            match (args.get(i), &t.default) {
                (Some(a), _) => values.push(a.clone()),
                (None, Some(d)) => values.push(self.qualify_in(scope_of(&s.name), &d.text, &bound, depth + 1)?),
                (None, None) => return Err(format!("`{}` is written without all its type arguments", s.name)),
            }
        }
        Ok(format!("({})", substitute(&def, &bound, &values)))
    }

    fn exported(&self, name: &str) -> bool {
        self.surface.symbols.range((name.to_string(), SymbolKind::Function)..).take_while(|((n, _), _)| n == name).next().is_some()
    }

    fn hidden(&self, name: &str) -> Option<&'a Symbol> {
        self.surface.hidden.range((name.to_string(), SymbolKind::Function)..).take_while(|((n, _), _)| n == name).map(|(_, s)| s).next()
    }

    /// `api.X` for exported `React.X` (with `export = React`) or `X`.
    pub(crate) fn api(&self, name: &str) -> String {
        match name.split_once('.') {
            Some((_, rest)) if self.assigned => format!("api.{rest}"),
            _ => format!("api.{name}"),
        }
    }

    /// The exported name `path` written inside `scope` refers to, if any.
    fn scoped(&self, scope: &str, path: &str) -> Option<String> {
        let mut s = scope.to_string();
        loop {
            let candidate = if s.is_empty() { path.to_string() } else { format!("{s}.{path}") };
            if self.exported(&candidate) {
                return Some(candidate);
            }
            if s.is_empty() {
                return None;
            }
            s = scope_of(&s).to_string();
        }
    }

    /// Resolves the dotted name `path` written inside `scope`.
    fn resolve(&self, scope: &str, path: &str) -> Result<String, String> {
        let mut s = scope.to_string();
        loop {
            let candidate = if s.is_empty() { path.to_string() } else { format!("{s}.{path}") };
            if self.exported(&candidate) {
                return Ok(self.api(&candidate));
            }
            if self.hidden(&candidate).is_some() || self.surface.types.contains_key(&candidate) {
                return Err(format!("`{path}` is not exported: a consumer cannot name it"));
            }
            if s.is_empty() {
                break;
            }
            s = scope_of(&s).to_string();
        }
        let first = path.split('.').next().unwrap_or(path);
        if self.exported(&format!("global.{first}")) || (!path.contains('.') && standard(path)) {
            // A global the declarations augment, or one of the standard library's.
            return Ok(path.to_string());
        }
        if !path.contains('.') {
            return Err(format!("`{path}` is declared nowhere in the loaded files (imported, or a global apidiff does not know)"));
        }
        Err(format!("`{path}` names a module the snippet does not import"))
    }

    /// `text` (written inside `scope`, where `bound` are type parameters) with every name a
    /// consumer must qualify qualified.
    pub(crate) fn qualify(&self, scope: &str, text: &str, bound: &[String]) -> Result<String, String> {
        self.qualify_in(scope, text, bound, 0)
    }

    fn qualify_in(&self, scope: &str, text: &str, bound: &[String], depth: usize) -> Result<String, String> {
        let mut bound: Vec<String> = bound.to_vec();
        bound.extend(inferred(text));
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let ch = chars[i];
            if let Some(q) = quote {
                out.push(ch);
                if ch == '\\' {
                    if let Some(n) = chars.get(i + 1) {
                        out.push(*n);
                        i += 1;
                    }
                } else if ch == q {
                    quote = None;
                }
                i += 1;
                continue;
            }
            if matches!(ch, '"' | '\'' | '`') {
                if ch == '`' {
                    return Err("template literal types have no snippet".into());
                }
                quote = Some(ch);
                out.push(ch);
                i += 1;
                continue;
            }
            if !(ch.is_alphabetic() || ch == '_' || ch == '$') {
                out.push(ch);
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '.')) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().trim_end_matches('.').to_string();
            i = start + word.chars().count();
            let prev = chars[..start].iter().rev().find(|c| !c.is_whitespace()).copied();
            let next = chars.get(i).copied();
            let after = chars[i..].iter().find(|c| !c.is_whitespace()).copied();
            let key = matches!(next, Some(':') | Some('(')) || (next == Some('?') && chars.get(i + 1) == Some(&':'));
            let head = word.split('.').next().unwrap_or(&word);
            let mapped = after == Some('i') && chars[i..].iter().collect::<String>().trim_start().starts_with("in ") && prev == Some('[');
            if prev == Some('[') && next == Some(']') && chars.get(i + 1) == Some(&':') {
                return Err(format!("the computed property name `[{word}]` names a value the snippet cannot import"));
            }
            if key || prev == Some('.') || KEYWORDS.contains(&word.as_str()) || bound.iter().any(|b| b == head) || mapped {
                if mapped {
                    bound.push(word.clone());
                }
                out.push_str(&word);
                continue;
            }
            if word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                out.push_str(&word);
                continue;
            }
            let hidden = self.hidden_along(scope, &word);
            let changed = self.scoped(scope, &word).and_then(|full| self.changed_alias(&full));
            if let Some(alias) = changed.or(hidden) {
                let (args, end) =
                    if chars.get(i) == Some(&'<') { type_args(&chars, i).ok_or("unbalanced type arguments")? } else { (vec![], i) };
                let args: Vec<String> = args.iter().map(|a| self.qualify_in(scope, a, &bound, depth + 1)).collect::<Result<_, _>>()?;
                out.push_str(&self.inline(alias, &args, depth)?);
                i = end;
                continue;
            }
            out.push_str(&self.resolve(scope, &word)?);
        }
        Ok(out)
    }

    /// `<T extends C, ...>` for a generic snippet (defaults dropped).
    pub(crate) fn params(&self, scope: &str, tps: &[TypeParam], bound: &[String]) -> Result<String, String> {
        if tps.is_empty() {
            return Ok(String::new());
        }
        let mut out = Vec::new();
        for t in tps {
            match &t.constraint {
                Some(c) => out.push(format!("{} extends {}", t.name, self.qualify(scope, &c.text, bound)?)),
                None => out.push(t.name.clone()),
            }
        }
        Ok(format!("<{}>", out.join(", ")))
    }
}

/// The type arguments of `<...>` starting at `open`, and the index after the closing `>`.
fn type_args(chars: &[char], open: usize) -> Option<(Vec<String>, usize)> {
    let mut depth = 0i32;
    let mut args = vec![String::new()];
    let mut quote: Option<char> = None;
    for (k, &ch) in chars.iter().enumerate().skip(open) {
        if let Some(q) = quote {
            if ch == q {
                quote = None;
            }
            args.last_mut()?.push(ch);
            continue;
        }
        match ch {
            '"' | '\'' => quote = Some(ch),
            '<' | '(' | '[' | '{' => depth += 1,
            '>' if k > 0 && chars[k - 1] == '=' => {}
            '>' | ')' | ']' | '}' => depth -= 1,
            ',' if depth == 1 => {
                args.push(String::new());
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            let args: Vec<String> = args.into_iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
            return Some((args, k + 1));
        }
        if k != open {
            args.last_mut()?.push(ch);
        }
    }
    None
}

/// `text` with each word of `names` replaced by the matching value in parentheses.
fn substitute(text: &str, names: &[String], values: &[String]) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let flush = |word: &mut String, out: &mut String| {
        match names.iter().position(|n| n == word) {
            Some(i) => out.push_str(&format!("({})", values[i])),
            None => out.push_str(word),
        }
        word.clear();
    };
    let mut prev = ' ';
    for ch in text.chars() {
        if let Some(q) = quote {
            out.push(ch);
            if ch == q {
                quote = None;
            }
            continue;
        }
        if ch.is_alphanumeric() || ch == '_' || ch == '$' {
            word.push(ch);
            continue;
        }
        // `.T` is a property, not the parameter.
        if prev == '.' && !word.is_empty() {
            out.push_str(&word);
            word.clear();
        } else {
            flush(&mut word, &mut out);
        }
        if ch == '"' || ch == '\'' {
            quote = Some(ch);
        }
        out.push(ch);
        prev = ch;
    }
    if prev == '.' {
        out.push_str(&word)
    } else {
        flush(&mut word, &mut out)
    }
    out
}

/// Whether `name` is a type of the standard library (ES and DOM) a snippet may name as is.
fn standard(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "Array",
        "ReadonlyArray",
        "Promise",
        "PromiseLike",
        "Awaited",
        "Record",
        "Partial",
        "Required",
        "Readonly",
        "Pick",
        "Omit",
        "Exclude",
        "Extract",
        "NonNullable",
        "Parameters",
        "ConstructorParameters",
        "ReturnType",
        "InstanceType",
        "ThisType",
        "Iterable",
        "Iterator",
        "IterableIterator",
        "AsyncIterable",
        "AsyncIterator",
        "ArrayLike",
        "Map",
        "ReadonlyMap",
        "Set",
        "ReadonlySet",
        "WeakMap",
        "WeakSet",
        "Date",
        "RegExp",
        "Error",
        "Function",
        "Object",
        "String",
        "Number",
        "Boolean",
        "Symbol",
        "BigInt",
        "ArrayBuffer",
        "DataView",
        "Uint8Array",
        "EventTarget",
        "Node",
        "Document",
        "Window",
        "FormData",
        "Blob",
        "File",
        "URL",
        "Headers",
        "Request",
        "Response",
        "AbortSignal",
        "CSSStyleDeclaration",
        "DOMRect",
        "Uppercase",
        "Lowercase",
        "Capitalize",
        "Uncapitalize",
        "NoInfer",
    ];
    NAMES.contains(&name) || name.ends_with("Element") || name.ends_with("Event")
}

/// Names bound by `infer X` in a type.
fn inferred(text: &str) -> Vec<String> {
    text.split("infer ")
        .skip(1)
        .filter_map(|t| t.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).next())
        .map(String::from)
        .collect()
}

/// The text with its type parameters renamed by position, to see whether only they changed.
fn positional(text: &str, tps: &[TypeParam]) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match tps.iter().position(|t| t.name == *word) {
            Some(i) => out.push_str(&format!("${i}")),
            None => out.push_str(word),
        }
        word.clear();
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == '$' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the old and new texts differ only in the names of their type parameters.
pub(crate) fn renamed_only(old: &str, otps: &[TypeParam], new: &str, ntps: &[TypeParam]) -> bool {
    let extra_defaulted = ntps.iter().skip(otps.len()).all(|t| t.default.is_some());
    otps.len() <= ntps.len() && extra_defaulted && positional(old, otps) == positional(new, ntps)
}

/// The text without parameter names and optionality marks (`(a?: X) => Y` is `(X) => Y`):
/// function types that differ only there convert both ways.
pub(crate) fn unnamed(text: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch.is_alphanumeric() || ch == '_' || ch == '$' {
            word.push(ch);
            i += 1;
            continue;
        }
        let named = (ch == ':' || (ch == '?' && chars.get(i + 1) == Some(&':'))) && !word.is_empty();
        let prev = out.trim_end().chars().last();
        if named && matches!(prev, Some('(') | Some(',') | None) {
            word.clear();
            i += if ch == '?' { 2 } else { 1 };
            continue;
        }
        out.push_str(&word);
        word.clear();
        if !ch.is_whitespace() {
            out.push(ch);
        }
        i += 1;
    }
    out.push_str(&word);
    out
}

/// The snippet proving a type identity lost: `v` is the declaration as it now stands, `o` the
/// old type written out.
pub(crate) fn roundtrip(tparams: &str, now: &str, old: &str) -> String {
    format!("import * as api from \"./api\";\nexport function w{tparams}(v: {now}, o: {old}): [{old}, {now}] {{\n  return [v, o];\n}}")
}

/// The call of an old overload with parameters of its own types: `api.f(p0, p1)` returning
/// the old return type. `callee` is what is called, `decl` a leading parameter (the receiver).
pub(crate) fn call(n: &Namer, scope: &str, outer: &[TypeParam], sig: &Signature, callee: &str, decl: &str) -> Result<String, String> {
    let all: Vec<TypeParam> = outer.iter().chain(sig.type_params.iter()).cloned().collect();
    let bound: Vec<String> = all.iter().map(|t| t.name.clone()).collect();
    let tparams = n.params(scope, &all, &bound)?;
    let mut params = Vec::new();
    let mut args = Vec::new();
    if !decl.is_empty() {
        params.push(decl.to_string());
    }
    for (i, p) in sig.params.iter().enumerate() {
        if p.name == "this" {
            return Err("a `this` parameter has no snippet".into());
        }
        let ty = p.ty.as_ref().map(|t| n.qualify(scope, &t.text, &bound)).transpose()?.unwrap_or_else(|| "any".into());
        let name = format!("p{i}");
        match (p.rest, p.optional) {
            (true, _) => {
                params.push(format!("...{name}: {ty}"));
                args.push(format!("...{name}"));
            }
            (false, true) => {
                params.push(format!("{name}?: {ty}"));
                args.push(name);
            }
            (false, false) => {
                params.push(format!("{name}: {ty}"));
                args.push(name);
            }
        }
    }
    let ret = match &sig.ret {
        Some(r) if !r.text.contains(" is ") && !r.text.starts_with("asserts ") => format!(": {}", n.qualify(scope, &r.text, &bound)?),
        _ => String::new(),
    };
    Ok(format!(
        "import * as api from \"./api\";\nexport function w{tparams}({}){ret} {{\n  return {callee}({});\n}}",
        params.join(", "),
        args.join(", ")
    ))
}

/// The base overload a change at `line` is about: the last one that starts on or before it.
pub(crate) fn overload_at(sigs: &[Signature], line: u32) -> Option<&Signature> {
    sigs.iter().filter(|g| g.pos.line <= line).max_by_key(|g| g.pos.line)
}

/// A property member's type as read through an indexed access (optional adds `undefined`).
pub(crate) fn read_type(m: &crate::spec::typescript::Member, qualified: String) -> Option<String> {
    if m.kind != MemberKind::Property {
        return None;
    }
    Some(if m.optional { format!("{qualified} | undefined") } else { qualified })
}

/// The old function type `old` cut before the first parameter that lost its `?` in `new` (the
/// two differ only in parameter names and `?` marks), with every later parameter of that list:
/// the old type converts to it (optional parameters may be left off), the new one does not.
pub(crate) fn lost_optional(old: &str, new: &str) -> Option<String> {
    let (o, n) = (param_decls(old), param_decls(new));
    if o.len() != n.len() {
        return None;
    }
    let k = o.iter().zip(&n).position(|(a, b)| a.2 && !b.2)?;
    let (start, end, _) = o[k];
    Some(format!("{}{}", &old[..start], &old[end..]))
}

/// The parameter declarations of the function types in `text`: where each starts (its leading
/// `,` when it is not the first), where its list closes (the `)`), and whether it is optional.
fn param_decls(text: &str) -> Vec<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(u8, usize, Vec<usize>)> = Vec::new();
    let mut decls: Vec<(usize, usize, bool)> = Vec::new();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' | b'`' => quote = Some(b),
            b'(' | b'{' | b'[' | b'<' => stack.push((b, i, Vec::new())),
            b'>' if i > 0 && bytes[i - 1] == b'=' => {}
            b')' | b'}' | b']' | b'>' => {
                if let Some((open, _, found)) = stack.pop()
                    && open == b'('
                {
                    for d in found {
                        decls[d].1 = i;
                    }
                }
            }
            _ => {}
        }
        let Some((b'(', open, found)) = stack.last_mut() else { continue };
        if !text.is_char_boundary(i) {
            continue;
        }
        let prev = text[..i].trim_end();
        let at_start = (prev.len() == *open + 1 && i > *open) || (prev.ends_with(',') && i > *open + 1);
        if !at_start
            || !(b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b == b'.')
            || text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
        {
            continue;
        }
        let word_end = text[i..].find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.')).map_or(text.len(), |e| i + e);
        let after = text[word_end..].trim_start();
        let optional = after.starts_with("?:");
        if !(optional || after.starts_with(':')) {
            continue;
        }
        let start = if prev.ends_with(',') { prev.len() - 1 } else { i };
        found.push(decls.len());
        decls.push((start, i, optional));
    }
    decls
}

/// The parameters and the return type of a function type made from a method signature,
/// `{ m(x: T): R }["m"]`.
pub(crate) fn method_parts(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    let body = t.strip_prefix('{')?;
    let close = body.rfind("}[")?;
    let body = body[..close].trim().trim_end_matches(';').trim();
    let open = body.find('(')?;
    let mut depth = 0i32;
    let mut end = None;
    for (i, c) in body.char_indices().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            end = Some(i);
            break;
        }
    }
    let end = end?;
    let ret = body[end + 1..].trim_start().strip_prefix(':')?;
    Some((body[open..=end].to_string(), ret.trim().to_string()))
}

/// The members of a union written as text (split at the `|` outside brackets), whitespace
/// collapsed.
pub(crate) fn union_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut cur) = (0i32, String::new());
    for c in text.chars() {
        match c {
            '(' | '[' | '{' | '<' => depth += 1,
            '>' if cur.ends_with('=') => {}
            ')' | ']' | '}' | '>' => depth -= 1,
            '|' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter().map(|u| u.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|u| !u.is_empty()).collect()
}

/// The parameters and the return type of an arrow function type, `(x: T) => R`.
pub(crate) fn arrow_parts(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    if !t.starts_with('(') {
        return None;
    }
    let mut depth = 0i32;
    for (i, c) in t.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            let ret = t[i + 1..].trim_start().strip_prefix("=>")?;
            return Some((t[..=i].to_string(), ret.trim().to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{arrow_parts, lost_optional, method_parts, union_of};

    #[test]
    fn a_parameter_that_lost_its_mark_cuts_the_old_list() {
        assert_eq!(
            lost_optional("C & (new (props: P, context?: any) => T)", "C & (new (props: P, context: any) => T)").as_deref(),
            Some("C & (new (props: P) => T)")
        );
        assert_eq!(lost_optional("(a?: string, b?: number) => void", "(a: string, b?: number) => void").as_deref(), Some("() => void"));
        assert_eq!(
            lost_optional("(été: \"ça\", b?: (x: Ü) => void) => void", "(été: \"ça\", b: (x: Ü) => void) => void").as_deref(),
            Some("(été: \"ça\") => void")
        );
        assert_eq!(lost_optional("(a: string) => void", "(a: string) => void"), None);
        assert_eq!(lost_optional("{ a?: string, b: number }", "{ a: string, b: number }"), None);
    }

    #[test]
    fn function_types_split_into_parameters_and_result() {
        assert_eq!(arrow_parts("() => A | B"), Some(("()".into(), "A | B".into())));
        assert_eq!(method_parts("{ m(x: T | null): void | (() => V) }[\"m\"]"), Some(("(x: T | null)".into(), "void | (() => V)".into())));
        assert_eq!(union_of("| void\n | X<A | B>[keyof Y]"), vec!["void".to_string(), "X<A | B>[keyof Y]".to_string()]);
    }
}
