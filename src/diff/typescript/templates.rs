//! Template literal types (`` `user-${string}` ``) related by the values they admit, so a
//! changed pattern reads as widened or narrowed where one pattern contains the other. A leaf:
//! it only looks at canonical type text.

use crate::spec::typescript::{Relation, TypeText};

/// Longest pattern compared (in characters and holes); longer text is left to the text rules.
const MAX: usize = 256;

/// One piece of a pattern: a literal character, `${string}` (any text) or another hole
/// (`${number}`, `${Lowercase<T>}`), which only the same hole or `${string}` admits.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Char(char),
    Any,
    Hole(String),
}

/// How `new` relates to `old` when both are single types and at least one is a template
/// literal type (the other a template, a string literal or `string`); `None` otherwise.
pub(crate) fn relation(old: &TypeText, new: &TypeText) -> Option<Relation> {
    let (o, n) = (single(old)?, single(new)?);
    if !(o.starts_with('`') || n.starts_with('`')) {
        return None;
    }
    let (a, b) = (pattern(o)?, pattern(n)?);
    Some(match (admits(&b, &a), admits(&a, &b)) {
        (true, true) => Relation::Same,
        (true, false) => Relation::Wider,
        (false, true) => Relation::Narrower,
        (false, false) => Relation::Different,
    })
}

/// Type text for a message: template literals already carry their backticks.
pub(crate) fn quote(text: &str) -> String {
    if text.starts_with('`') { text.to_string() } else { format!("`{text}`") }
}

fn single(t: &TypeText) -> Option<&str> {
    match t.union.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    }
}

/// The pattern of a template literal, a string literal or `string`.
fn pattern(key: &str) -> Option<Vec<Piece>> {
    if key == "string" {
        return Some(vec![Piece::Any]);
    }
    if let Some(inner) = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        return Some(unescape(inner).chars().map(Piece::Char).collect());
    }
    let inner = key.strip_prefix('`')?.strip_suffix('`')?;
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(Piece::Char(chars.next()?)),
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                let (mut depth, mut hole) = (1usize, String::new());
                for c in chars.by_ref() {
                    depth = match c {
                        '{' => depth + 1,
                        '}' => depth - 1,
                        _ => depth,
                    };
                    if depth == 0 {
                        break;
                    }
                    if !c.is_whitespace() {
                        hole.push(c);
                    }
                }
                out.push(if hole == "string" { Piece::Any } else { Piece::Hole(hole) });
            }
            c => out.push(Piece::Char(c)),
        }
    }
    (out.len() <= MAX).then_some(out)
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next().unwrap_or('\\') } else { c });
    }
    out
}

/// True when every value of pattern `inner` fits pattern `outer` (sound, not complete: a hole
/// of `inner` fits only `${string}` or the same hole in `outer`). Linear table over the
/// pattern pair, both at most `MAX` long.
fn admits(outer: &[Piece], inner: &[Piece]) -> bool {
    // fit[j]: outer[..i] matches inner[..j], row by row over i.
    let mut fit = vec![false; inner.len() + 1];
    fit[0] = true;
    for piece in outer {
        let mut next = vec![false; inner.len() + 1];
        for j in 0..=inner.len() {
            next[j] = match piece {
                Piece::Any => fit[j] || j > 0 && next[j - 1],
                p => j > 0 && fit[j - 1] && inner.get(j - 1) == Some(p),
            };
        }
        fit = next;
    }
    fit[inner.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: &str, b: &str) -> Option<Relation> {
        relation(&TypeText::plain(a), &TypeText::plain(b))
    }

    #[test]
    fn template_literals_relate_by_the_values_they_admit() {
        assert_eq!(rel("`user-${string}`", "`usr-${string}`"), Some(Relation::Different));
        assert_eq!(rel("`user-${string}`", "`${string}`"), Some(Relation::Wider));
        assert_eq!(rel("`user-${string}`", "string"), Some(Relation::Wider));
        assert_eq!(rel("`user-${string}`", "`user-admin-${string}`"), Some(Relation::Narrower));
        assert_eq!(rel("\"user-1\"", "`user-${number}`"), Some(Relation::Different));
        assert_eq!(rel("\"user-1\"", "`user-${string}`"), Some(Relation::Wider));
        assert_eq!(rel("`a-${number}`", "`a-${string}`"), Some(Relation::Wider));
        assert_eq!(rel("`a-${ number }-b`", "`a-${number}-b`"), Some(Relation::Same));
        assert_eq!(rel("string", "number"), None);
        assert_eq!(rel("`a${string}` | \"b\"", "`a${string}`"), None);
    }
}
