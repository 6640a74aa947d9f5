//! References followed by name: a bare name (`User`, `ns.User`) or an indexed access
//! (`components["schemas"]["repository"]`) resolved, in one surface and from one scope, to the
//! members and the type it stands for. Resolution is a few map look-ups, never a traversal, so
//! following references costs no more than reading them.

use super::Cx;
use crate::spec::typescript::{Member, Surface, Symbol, SymbolKind, TypeText, scope_of};
use std::collections::{BTreeMap, HashSet};

/// Longest indexed-access chain followed.
const MAX_INDEXES: usize = 16;

type Members = BTreeMap<String, Member>;

/// What a reference stands for: the members of an object type, its type text, or both.
pub(crate) struct Target<'s> {
    pub(crate) members: Option<&'s Members>,
    pub(crate) ty: Option<&'s TypeText>,
}

/// Resolves `text` (a canonical type key) written inside `scope`, when it is a reference to an
/// interface or a non-generic type alias of the loaded files, exported or not, optionally
/// followed by `["key"]` indexes into its (nested) members.
pub(crate) fn resolve<'s>(s: &'s Surface, scope: &str, text: &str) -> Option<Target<'s>> {
    let (root, keys) = parse(text)?;
    let mut target = root_target(s, scope, root)?;
    for key in keys {
        let member = target.members?.get(&key)?;
        let members = member.shape.as_deref().filter(|sh| sh.frame == "{}").map(|sh| &sh.members);
        target = Target { members, ty: member.ty.as_ref() };
    }
    Some(target)
}

/// Splits `a.b["x"]['y']` into `a.b` and `["x", "y"]`; `None` when it is not such a reference.
fn parse(text: &str) -> Option<(&str, Vec<String>)> {
    let text = text.trim();
    let split = text.find('[').unwrap_or(text.len());
    let (root, mut rest) = text.split_at(split);
    let root = root.trim();
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.';
    if root.is_empty() || !root.chars().all(ident) || root.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let mut keys = Vec::new();
    while !rest.trim().is_empty() {
        let inner = rest.trim_start().strip_prefix('[')?.trim_start();
        let quote = inner.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let body = inner.get(1..)?;
        let close = body.find(quote)?;
        keys.push(body.get(..close)?.to_string());
        rest = body.get(close + 1..)?.trim_start().strip_prefix(']')?;
        if keys.len() > MAX_INDEXES {
            return None;
        }
    }
    Some((root, keys))
}

fn root_target<'s>(s: &'s Surface, scope: &str, name: &str) -> Option<Target<'s>> {
    if let Some(t) = s.resolve_type(scope, name).filter(|t| t.kind == SymbolKind::Interface && t.type_params.is_empty()) {
        return Some(Target { members: Some(&t.members), ty: None });
    }
    let alias = alias(s, scope, name)?;
    Some(Target { members: alias.structural.then_some(&alias.members), ty: alias.ty.as_ref() })
}

/// The non-generic type alias `name` names from `scope`, looked up scope by scope outwards.
fn alias<'s>(s: &'s Surface, scope: &str, name: &str) -> Option<&'s Symbol> {
    let mut scope = scope.to_string();
    loop {
        let candidate = if scope.is_empty() { name.to_string() } else { format!("{scope}.{name}") };
        let key = (candidate, SymbolKind::TypeAlias);
        if let Some(a) = s.symbols.get(&key).or_else(|| s.hidden.get(&key)).filter(|a| a.type_params.is_empty()) {
            return Some(a);
        }
        if scope.is_empty() {
            return None;
        }
        scope = scope_of(&scope).to_string();
    }
}

/// The members a member's type stands for when it is a reference to an object type.
pub(crate) fn members<'s>(s: &'s Surface, op: &str, m: &Member) -> Option<&'s Members> {
    resolve(s, scope_of(op), &m.ty.as_ref()?.key)?.members
}

/// The type `t` stands for when it is one reference to a non-generic alias (followed up to a
/// few aliases deep), else `t` itself: an alias on one side and its type written out on the
/// other is no change.
pub(crate) fn expand<'s>(s: &'s Surface, op: &str, t: &'s TypeText) -> &'s TypeText {
    let mut out = t;
    for _ in 0..8 {
        if out.union.len() > 1 {
            break;
        }
        match resolve(s, scope_of(op), &out.key).and_then(|r| r.ty) {
            Some(next) if next.key != out.key => out = next,
            _ => break,
        }
    }
    out
}

/// Drops the union members that only moved between being written inline and being named: a
/// gained reference whose target is exactly a lost inline member (or the reverse) is no change.
pub(crate) fn settle(cx: &Cx, op: &str, lost: &mut Vec<&str>, gained: &mut Vec<&str>) {
    if lost.is_empty() || gained.is_empty() {
        return;
    }
    let scope = scope_of(op);
    let mut same: HashSet<String> = HashSet::new();
    let mut pair = |surface: &Surface, refs: &[&str], inline: &[&str]| {
        let inline: HashSet<&str> = inline.iter().copied().collect();
        for r in refs {
            if let Some(ty) = resolve(surface, scope, r).and_then(|t| t.ty)
                && inline.contains(ty.key.as_str())
            {
                same.insert((*r).to_string());
                same.insert(ty.key.clone());
            }
        }
    };
    pair(cx.rev, gained, lost);
    pair(cx.base, lost, gained);
    lost.retain(|l| !same.contains(*l));
    gained.retain(|g| !same.contains(*g));
}

/// Whether union member `u`, written inside `scope`, is `X[keyof X]` of an interface `X` with no
/// members and no bases: `keyof X` is `never`, so the member is `never` and adds no value to
/// the union (React's `DO_NOT_USE_OR_YOU_WILL_BE_FIRED_*` hooks, which only a consumer's own
/// module augmentation fills, and then only with what that consumer opted into).
pub(crate) fn is_never(s: &Surface, scope: &str, u: &str) -> bool {
    let Some((a, b)) = u.split_once("[keyof") else { return false };
    let (a, b) = (a.trim(), b.trim().trim_end_matches(']').trim());
    a == b && s.resolve_type(scope, a).is_some_and(|i| i.kind == SymbolKind::Interface && i.members.is_empty() && i.heritage.is_empty())
}

/// Drops the `never` members ([`is_never`]) from the members a union lost and gained.
pub(crate) fn drop_never(cx: &Cx, op: &str, lost: &mut Vec<&str>, gained: &mut Vec<&str>) {
    let scope = scope_of(op);
    lost.retain(|u| !is_never(cx.base, scope, u));
    gained.retain(|u| !is_never(cx.rev, scope, u));
}

/// Drops the pairs of a lost `A<args>` and a gained `B<args>` (the same arguments) where the
/// base's interface `A` and the revision's `B` are one shape: no bases, the same number of type
/// parameters, and the same properties (names, `?`, `readonly`, types with the parameters named by
/// position). React 19's `ForwardedRef<T>` traded `MutableRefObject<T | null>` for
/// `RefObject<T | null>`, both `{ current: T }` now: `tsc` converts the alias both ways.
pub(crate) fn same_shape(cx: &Cx, op: &str, lost: &mut Vec<&str>, gained: &mut Vec<&str>) {
    if lost.is_empty() || gained.is_empty() {
        return;
    }
    let scope = scope_of(op);
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, l) in lost.iter().enumerate() {
        let Some((la, largs)) = l.split_once('<') else { continue };
        let found = gained.iter().enumerate().find(|(j, g)| {
            !pairs.iter().any(|(_, k)| k == j)
                && g.split_once('<').is_some_and(|(ga, gargs)| {
                    gargs == largs
                        && ga.trim() != la.trim()
                        && match (shape(cx.base, scope, la.trim()), shape(cx.rev, scope, ga.trim())) {
                            (Some(a), Some(b)) => a == b,
                            _ => false,
                        }
                })
        });
        if let Some((j, _)) = found {
            pairs.push((i, j));
        }
    }
    let (gone, new): (HashSet<usize>, HashSet<usize>) = (pairs.iter().map(|p| p.0).collect(), pairs.iter().map(|p| p.1).collect());
    *lost = lost.iter().enumerate().filter(|(i, _)| !gone.contains(i)).map(|(_, l)| *l).collect();
    *gained = gained.iter().enumerate().filter(|(j, _)| !new.contains(j)).map(|(_, g)| *g).collect();
}

/// An interface's properties with its type parameters named by position, when it has no bases
/// and nothing but properties.
fn shape(s: &Surface, scope: &str, name: &str) -> Option<Vec<String>> {
    let i = s.resolve_type(scope, name).filter(|i| i.kind == SymbolKind::Interface && i.heritage.is_empty())?;
    if i.members.is_empty() || i.members.values().any(|m| m.kind != crate::spec::typescript::MemberKind::Property) {
        return None;
    }
    let names: Vec<&str> = i.type_params.iter().map(|t| t.name.as_str()).collect();
    let mut out = vec![format!("<{}>", names.len())];
    for m in i.members.values() {
        let ty = m.ty.as_ref()?.key.clone();
        let ty = names.iter().enumerate().fold(ty, |t, (k, n)| super::generics::rename(&t, n, &format!("__position{k}")));
        out.push(format!("{}{}{}:{ty}", if m.readonly { "readonly " } else { "" }, m.name, if m.optional { "?" } else { "" }));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn references_parse_as_a_root_and_indexes() {
        assert_eq!(parse("User"), Some(("User", vec![])));
        assert_eq!(parse("ns.User"), Some(("ns.User", vec![])));
        assert_eq!(parse(r#"components["schemas"]["a-b"]"#), Some(("components", vec!["schemas".into(), "a-b".into()])));
        assert_eq!(parse("A['x'] ['y']"), Some(("A", vec!["x".into(), "y".into()])));
        assert_eq!(parse("string[]"), None);
        assert_eq!(parse("\"a\""), None);
        assert_eq!(parse("{a:string}"), None);
        assert_eq!(parse("A[number]"), None);
    }
}
