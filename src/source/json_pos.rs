//! Finds the line and column of JSON pointers in JSON text in one pass, skipping every subtree
//! that contains no wanted pointer (serde_json keeps no positions; this costs one scan, and only
//! when a report needs lines).

use std::collections::{HashMap, HashSet};

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
}

impl Scan<'_> {
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                    self.line_start = self.i;
                }
                b' ' | b'\t' | b'\r' => self.i += 1,
                _ => break,
            }
        }
    }

    fn pos(&self) -> (u32, u32) {
        (self.line, (self.i - self.line_start) as u32 + 1)
    }

    /// Reads a string starting at `"`, returning its decoded value.
    fn string(&mut self) -> String {
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                b'"' => break,
                _ => self.i += 1,
            }
        }
        let end = self.i.min(self.b.len());
        self.i += 1;
        let raw = &self.b[start..end];
        if escaped {
            let quoted = [&b"\""[..], raw, &b"\""[..]].concat();
            serde_json::from_slice::<String>(&quoted).unwrap_or_default()
        } else {
            String::from_utf8_lossy(raw).into_owned()
        }
    }

    /// Steps over a string starting at `"` without decoding it (skipped values are never read).
    fn skip_string(&mut self) {
        self.i += 1;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\\' => self.i += 2,
                b'"' => break,
                _ => self.i += 1,
            }
        }
        self.i += 1;
    }

    /// Skips one value of any kind, counting lines.
    fn skip(&mut self) {
        self.ws();
        match self.b.get(self.i) {
            Some(b'"') => self.skip_string(),
            Some(b'{') | Some(b'[') => {
                let start = self.i;
                self.i = skip_container(self.b, self.i);
                self.count_lines(start);
            }
            Some(_) => {
                while let Some(&c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.i += 1;
                }
            }
            None => {}
        }
    }

    /// Counts the lines of `b[start..i]` (skipped in one go): a string holds no raw line break
    /// (JSON escapes it), so every `\n` there ends a line of the text.
    fn count_lines(&mut self, start: usize) {
        let skipped = &self.b[start..self.i.min(self.b.len())];
        let lines = super::input::count_newlines(skipped);
        if lines > 0 {
            self.line += lines as u32;
            self.line_start = start + skipped.iter().rposition(|&c| c == b'\n').unwrap_or(0) + 1;
        }
    }
}

/// Bytes a container skip stops at (quotes and brackets); every other byte is stepped over in a
/// tight loop, and lines are counted afterwards (most of a pretty-printed spec is indentation).
const STOPS: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'[' as usize] = true;
    t[b'}' as usize] = true;
    t[b']' as usize] = true;
    t
};

const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Eight bytes of the text at `i`, the first in the lowest byte.
fn word(b: &[u8], i: usize) -> Option<u64> {
    b.get(i..i + 8).map(|w| u64::from_le_bytes(w.try_into().unwrap_or([0; 8])))
}

/// The high bit of each byte of `w` equal to `c`, exact up to the first one (all a search needs).
fn bytes_equal(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The first stop byte at or after `i`: runs of eight spaces (indentation) are stepped over a
/// word at a time, other bytes one at a time.
fn next_stop(b: &[u8], mut i: usize) -> usize {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    loop {
        if word(b, i) == Some(SPACES) {
            i += 8;
            continue;
        }
        match b.get(i) {
            Some(&c) if !STOPS[c as usize] => i += 1,
            _ => return i,
        }
    }
}

/// The first `"` or `\\` at or after `i` inside a string, eight bytes at a time.
fn string_stop(b: &[u8], mut i: usize) -> usize {
    while let Some(w) = word(b, i) {
        let hits = bytes_equal(w, b'"') | bytes_equal(w, b'\\');
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i).is_some_and(|&c| c != b'"' && c != b'\\') {
        i += 1;
    }
    i
}

/// The index just past the object or array opening at `i` (or the end of the text).
fn skip_container(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        i = next_stop(b, i);
        let Some(&c) = b.get(i) else { break };
        i += 1;
        match c {
            b'"' => {
                while let Some(&c) = b.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i = string_stop(b, i + 1),
                    }
                }
                i += 1;
            }
            b'{' | b'[' => depth += 1,
            _ => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
        }
    }
    i.min(b.len())
}

/// Positions of the wanted pointers (`wanted` must be closed under ancestors, as
/// `Positions::find` makes it): the key's position for object members, the value's for items.
pub fn locate(text: &str, wanted: &HashSet<String>) -> HashMap<String, (u32, u32)> {
    let mut out = HashMap::new();
    let mut s = Scan { b: text.as_bytes(), i: 0, line: 1, line_start: 0 };
    let mut path = String::new();
    s.ws();
    if wanted.contains("") {
        out.insert(String::new(), s.pos());
    }
    value(&mut s, &mut path, wanted, &mut out);
    out
}

fn value(s: &mut Scan<'_>, path: &mut String, wanted: &HashSet<String>, out: &mut HashMap<String, (u32, u32)>) {
    s.ws();
    match s.b.get(s.i) {
        Some(b'{') => {
            s.i += 1;
            loop {
                s.ws();
                match s.b.get(s.i) {
                    Some(b'"') => {}
                    Some(b',') => {
                        s.i += 1;
                        continue;
                    }
                    _ => {
                        s.i += 1;
                        return;
                    }
                }
                let at = s.pos();
                let key = s.string();
                s.ws();
                s.i += 1; // ':'
                let len = path.len();
                path.push('/');
                path.push_str(&super::pointer::escape_segment(&key));
                if wanted.contains(path.as_str()) {
                    out.insert(path.clone(), at);
                    value(s, path, wanted, out);
                } else {
                    s.skip();
                }
                path.truncate(len);
            }
        }
        Some(b'[') => {
            s.i += 1;
            let mut idx = 0usize;
            loop {
                s.ws();
                match s.b.get(s.i) {
                    Some(b']') | None => {
                        s.i += 1;
                        return;
                    }
                    Some(b',') => {
                        s.i += 1;
                        continue;
                    }
                    _ => {}
                }
                let len = path.len();
                path.push('/');
                path.push_str(&idx.to_string());
                idx += 1;
                if wanted.contains(path.as_str()) {
                    out.insert(path.clone(), s.pos());
                    value(s, path, wanted, out);
                } else {
                    s.skip();
                }
                path.truncate(len);
            }
        }
        _ => s.skip(),
    }
}

#[cfg(test)]
mod tests {
    use crate::source::text::{Positions, Syntax};

    #[test]
    fn finds_nested_members_and_items() {
        let text = "{\n  \"a\": {\"x\": 1},\n  \"paths\": {\n    \"/p\\u0061ts\": {\n      \"get\": [1, {\"k\": \"v\"}]\n    }\n  }\n}";
        let p = Positions::find(text, Syntax::Json, ["/paths/~1pats/get/1/k", "/a/x", "/missing/deep"]);
        assert_eq!(p.get("/paths/~1pats/get/1/k"), Some((5, 19)));
        assert_eq!(p.get("/a/x"), Some((2, 9)));
        assert_eq!(p.get("/paths/~1pats/get/7"), Some((5, 7)));
        assert_eq!(p.get("/missing/deep"), Some((1, 1)));
    }

    #[test]
    fn skipped_containers_count_their_lines_and_ignore_brackets_in_strings() {
        // Skipped values hold brackets, quotes and backslashes inside strings, and line breaks
        // outside them; the members after them must still be placed exactly.
        let text = "{\n  \"skip\": {\"a\": \"}]{[\\\"\",\n    \"b\": [1,\n      {\"c\": \"\\\\\"}],\n    \"d\": {}\n  },\n  \"list\": [[\"]\"],\n    {\"e\": 1}],\n     \"want\": {\"x\": [0, 1]}\n}";
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(value["want"]["x"][1], 1);
        let p = Positions::find(text, Syntax::Json, ["/want/x/1", "/list/1/e"]);
        assert_eq!(p.get("/want"), Some((9, 6)));
        assert_eq!(p.get("/want/x/1"), Some((9, 24)));
        assert_eq!(p.get("/list/1/e"), Some((8, 6)));
        // A text cut inside a skipped container ends the scan without a panic.
        let cut = Positions::find("{\"a\": {\"b\": [1, \"x", Syntax::Json, ["/c"]);
        assert_eq!(cut.get("/c"), Some((1, 1)));
    }
}
