//! Handler types made from a method signature (`type EventHandler<E> = { m(event: E): void }["m"]`,
//! React's "bivariance hack"): `tsc` compares a method's parameters both ways, so two such
//! handlers convert to each other whenever one event type fits the other. Used to tell apart the
//! handler changes no consumer code sees (`FormEventHandler<T>` → `ReactEventHandler<T>`, whose
//! `FormEvent<T>` extends `SyntheticEvent<T>`) from real ones. Keys are canonical type keys.

use crate::spec::typescript::{Surface, Symbol, SymbolKind, TypeParam, scope_of};

/// How many aliases deep a handler is followed.
const MAX_DEPTH: usize = 6;
/// Longest expanded handler text followed (arguments repeated in a body grow it).
const MAX_TEXT: usize = 4096;

/// Whether `old` (a type key of the base) and `new` (of the revision), both written in `scope`,
/// are handlers made from a method signature whose event types are comparable: the same
/// generic with the old arguments a prefix of the new ones (the extra parameters unused by its
/// members), or one event type extending the other.
pub(crate) fn bivariant(base: &Surface, rev: &Surface, scope: &str, old: &str, new: &str) -> bool {
    let (Some((eo, ro)), Some((en, rn))) = (event(base, scope, old, 0), event(rev, scope, new, 0)) else { return false };
    // Return types are compared one way only: they must not change.
    ro == rn && (eo == en || same_generic(rev, scope, &eo, &en) || extends(rev, scope, &eo, &en) || extends(rev, scope, &en, &eo))
}

/// The event type and the return type of a handler made from a method signature with one
/// parameter.
fn event(s: &Surface, scope: &str, text: &str, depth: usize) -> Option<(String, String)> {
    if let Some(body) = text.strip_prefix('{') {
        let open = body.find('(')?;
        let method = &body[..open];
        let (params, rest) = split_close(&body[open + 1..], ')')?;
        let ret = rest.strip_suffix(&format!("}}[\"{method}\"]"))?.strip_prefix(':')?;
        if top_level_split(params, ',').len() != 1 {
            return None;
        }
        let (_, ty) = params.split_once(':')?;
        return Some((ty.to_string(), ret.trim_end_matches(',').to_string()));
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    let (head, args) = generic(text)?;
    let alias = lookup(s, scope, head, SymbolKind::TypeAlias)?;
    let expanded = substitute(&alias.ty.as_ref()?.key, &alias.type_params, &args).filter(|e| e.len() <= MAX_TEXT)?;
    event(s, scope_of(&alias.name), &expanded, depth + 1)
}

/// `Name<a, b>` as `Name` and its top-level arguments.
fn generic(text: &str) -> Option<(&str, Vec<&str>)> {
    let open = text.find('<')?;
    let inner = text[open + 1..].strip_suffix('>')?;
    Some((&text[..open], top_level_split(inner, ',')))
}

/// `text` up to the `close` that ends the group it is in, and what follows it.
fn split_close(text: &str, close: char) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '<' | '{' | '[' => depth += 1,
            c if c == close && depth == 0 => return Some((&text[..i], &text[i + 1..])),
            ')' | '>' | '}' | ']' => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    None
}

fn top_level_split(text: &str, sep: char) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '<' | '{' | '[' => depth += 1,
            ')' | '>' | '}' | ']' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// The declaration of kind `kind` that `name` names from `scope`, looked up scope by scope outwards.
fn lookup<'s>(s: &'s Surface, scope: &str, name: &str, kind: SymbolKind) -> Option<&'s Symbol> {
    let mut scope = scope.to_string();
    loop {
        let candidate = if scope.is_empty() { name.to_string() } else { format!("{scope}.{name}") };
        let key = (candidate, kind);
        if let Some(found) = s.symbols.get(&key).or_else(|| s.hidden.get(&key)) {
            return Some(found);
        }
        if scope.is_empty() {
            return None;
        }
        scope = scope_of(&scope).to_string();
    }
}

/// `text` with each type parameter replaced by its argument (or its default).
fn substitute(text: &str, params: &[TypeParam], args: &[&str]) -> Option<String> {
    if args.len() > params.len() {
        return None;
    }
    let mut values = Vec::new();
    for (k, p) in params.iter().enumerate() {
        values.push(match args.get(k) {
            Some(a) => (*a).to_string(),
            None => p.default.as_ref()?.key.clone(),
        });
    }
    Some(super::generics::replace_params(text, params, |k| values[k].clone()))
}

/// `H<a>` and `H<a, b>` where the revision's `H` uses none of its parameters past the old ones.
fn same_generic(rev: &Surface, scope: &str, old: &str, new: &str) -> bool {
    let (Some((ho, ao)), Some((hn, an))) = (generic(old), generic(new)) else { return false };
    if ho != hn || ao.len() > an.len() || ao.iter().zip(&an).any(|(a, b)| a != b) {
        return false;
    }
    let Some(decl) = lookup(rev, scope, hn, SymbolKind::Interface) else { return false };
    let extra: Vec<&str> = decl.type_params.iter().skip(ao.len()).map(|p| p.name.as_str()).collect();
    let uses = |t: &str| t.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).any(|w| extra.contains(&w));
    decl.members.values().all(|m| m.ty.as_ref().is_none_or(|t| !uses(&t.key)) && m.shape.is_none())
        && decl.heritage.iter().all(|h| !uses(&h.key))
}

/// Whether the revision's `sub` (an interface) extends `sup` directly, arguments substituted.
fn extends(rev: &Surface, scope: &str, sub: &str, sup: &str) -> bool {
    let (head, args) = generic(sub).unwrap_or((sub, Vec::new()));
    let Some(decl) = lookup(rev, scope, head, SymbolKind::Interface) else { return false };
    decl.heritage.iter().any(|h| {
        let h = h.key.trim_start_matches("extends ").trim_start_matches("implements ");
        substitute(h, &decl.type_params, &args).is_some_and(|h| h == sup)
    })
}
