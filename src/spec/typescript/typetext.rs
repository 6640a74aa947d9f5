//! Type annotations as text: a readable rendering (comments dropped, whitespace collapsed) and a
//! canonical key that ignores layout, trailing separators and the order of union members.

use serde::Serialize;

/// A type annotation lowered to text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeText {
    /// Readable rendering of the source text, whitespace collapsed, comments dropped.
    pub text: String,
    /// Canonical form used for comparison.
    pub key: String,
    /// Canonical keys of the top-level union members, sorted (one entry when not a union).
    pub union: Vec<String>,
}

impl TypeText {
    /// Builds the text of one type from its source slice and the slices of its top-level union
    /// members (empty when the type is not a union).
    pub fn new(source: &str, members: &[&str]) -> TypeText {
        let text = display(source);
        let mut union: Vec<String> = if members.len() > 1 { members.iter().map(|m| key(m)).collect() } else { vec![key(source)] };
        union.sort();
        union.dedup();
        let key = union.join(" | ");
        TypeText { text, key, union }
    }

    /// A type written as plain text (for implicit `any` and literal initialisers).
    pub fn plain(text: &str) -> TypeText {
        TypeText::new(text, &[])
    }

    /// True for `any` and `unknown`, which accept and hold every value.
    pub fn is_top(&self) -> bool {
        self.union.iter().any(|m| m == "any" || m == "unknown")
    }
}

/// How a new type relates to an old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Same type.
    Same,
    /// Accepts more values (a union gained members, or became `any`/`unknown`).
    Wider,
    /// Accepts fewer values (a union lost members, or `any`/`unknown` became specific).
    Narrower,
    /// Neither contains the other, as far as text can tell.
    Different,
}

/// Relates two types by their union members; anything subtler is [`Relation::Different`].
pub fn relate(old: &TypeText, new: &TypeText) -> Relation {
    if old.key == new.key {
        return Relation::Same;
    }
    match (old.is_top(), new.is_top()) {
        (false, true) => return Relation::Wider,
        (true, false) => return Relation::Narrower,
        _ => {}
    }
    // Both lists are sorted and deduplicated: look members up by key, never pair by pair.
    let old_in_new = old.union.iter().all(|m| new.union.binary_search(m).is_ok());
    let new_in_old = new.union.iter().all(|m| old.union.binary_search(m).is_ok());
    match (old_in_new, new_in_old) {
        (true, false) => Relation::Wider,
        (false, true) => Relation::Narrower,
        (true, true) => Relation::Same,
        (false, false) => Relation::Different,
    }
}

#[derive(Debug, PartialEq)]
enum Tok<'s> {
    Word(&'s str),
    Punct(char),
    Str(&'s str),
}

/// Splits type source text into tokens, recording whether whitespace (or a comment) preceded each.
fn tokens(s: &str) -> Vec<(bool, Tok<'_>)> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut gap = false;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_whitespace() {
            gap = true;
            i += 1;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            gap = true;
            while bytes.get(i).is_some_and(|&c| c != b'\n') {
                i += 1;
            }
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            gap = true;
            i += 2;
            while i < bytes.len() && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i += 2;
        } else if b == b'"' || b == b'\'' || b == b'`' {
            let start = i;
            i += 1;
            while let Some(&c) = bytes.get(i) {
                i += 1;
                if c == b'\\' {
                    i += 1;
                } else if c == b {
                    break;
                }
            }
            let end = i.min(bytes.len());
            out.push((gap, Tok::Str(s.get(start..end).unwrap_or(""))));
            gap = false;
        } else if b.is_ascii_alphanumeric()
            || b == b'_'
            || b == b'$'
            || b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            || b >= 0x80
        {
            let start = i;
            while bytes.get(i).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80) {
                i += 1;
            }
            if i == start {
                i += 1;
            }
            out.push((gap, Tok::Word(s.get(start..i).unwrap_or(""))));
            gap = false;
        } else {
            // Step over one whole character (punctuation is ASCII; anything else is kept as is).
            let ch = s.get(i..).and_then(|r| r.chars().next()).unwrap_or('?');
            i += ch.len_utf8();
            out.push((gap, Tok::Punct(ch)));
            gap = false;
        }
    }
    out
}

/// Readable rendering: comments dropped, any run of whitespace becomes one space.
pub fn display(s: &str) -> String {
    let mut out = String::new();
    let mut toks = tokens(s).into_iter().peekable();
    // A leading `|` or `&` only serves multi-line layout.
    if matches!(toks.peek(), Some((_, Tok::Punct('|' | '&')))) {
        toks.next();
    }
    while let Some((gap, t)) = toks.next() {
        // Trailing commas before a closing bracket are layout too.
        if t == Tok::Punct(',') && matches!(toks.peek(), Some((_, Tok::Punct(')' | ']' | '>')))) {
            continue;
        }
        let tight = out.ends_with(['(', '<', '[']) || matches!(t, Tok::Punct(')' | '>' | ']' | ','));
        if gap && !out.is_empty() && !tight {
            out.push(' ');
        }
        match t {
            Tok::Word(w) | Tok::Str(w) => out.push_str(w),
            Tok::Punct(c) => out.push(c),
        }
    }
    out
}

/// Canonical key: no layout, `;` and `,` separators unified, trailing separators and a leading
/// `|`/`&` dropped, string quotes unified.
pub fn key(s: &str) -> String {
    let toks = tokens(s);
    let mut out = String::new();
    let mut prev_word = false;
    let mut iter = toks.into_iter().map(|(_, t)| t).peekable();
    if matches!(iter.peek(), Some(Tok::Punct('|' | '&'))) {
        iter.next();
    }
    while let Some(t) = iter.next() {
        match t {
            Tok::Word(w) => {
                if prev_word {
                    out.push(' ');
                }
                out.push_str(w);
                prev_word = true;
            }
            Tok::Str(q) => {
                let inner = q.get(1..q.len().saturating_sub(1)).unwrap_or("");
                if q.starts_with('`') {
                    out.push_str(q);
                } else {
                    out.push('"');
                    out.push_str(&inner.replace("\\'", "'").replace('"', "\\\""));
                    out.push('"');
                }
                prev_word = false;
            }
            Tok::Punct(c) => {
                let c = if c == ';' { ',' } else { c };
                if c == ',' && matches!(iter.peek(), Some(Tok::Punct('}' | ']' | ')' | '>'))) {
                    continue;
                }
                // A leading `|` right after an opening bracket or `:` is layout, not meaning.
                if (c == '|' || c == '&') && out.ends_with(['(', '<', ',', ':', '=', '[']) {
                    continue;
                }
                out.push(c);
                prev_word = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_comments_do_not_matter() {
        assert_eq!(key("{ a: string; b: number; }"), key("{\n  a: string, // x\n  b: number\n}"));
        assert_eq!(display("Array< /* c */ string\n >"), "Array<string>");
        assert_eq!(display("| (\n a: P,\n ) => void\n| null"), "(a: P) => void | null");
        assert_eq!(key("| 'a'\n| 'b'"), key("\"a\" | \"b\""));
    }

    #[test]
    fn union_order_does_not_matter_and_relations_follow_members() {
        let a = TypeText::new("string | number", &["string", "number"]);
        let b = TypeText::new("number | string", &["number", "string"]);
        assert_eq!(relate(&a, &b), Relation::Same);
        let s = TypeText::plain("string");
        assert_eq!(relate(&s, &a), Relation::Wider);
        assert_eq!(relate(&a, &s), Relation::Narrower);
        assert_eq!(relate(&s, &TypeText::plain("boolean")), Relation::Different);
        assert_eq!(relate(&s, &TypeText::plain("unknown")), Relation::Wider);
    }

    #[test]
    fn unterminated_text_does_not_panic() {
        let _ = key("\"abc");
        let _ = key("/* abc");
        let _ = display("é ü `x");
    }
}
