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
                let mut depth = 0usize;
                while let Some(&c) = self.b.get(self.i) {
                    match c {
                        b'"' => {
                            self.skip_string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return;
                            }
                        }
                        b'\n' => {
                            self.line += 1;
                            self.line_start = self.i + 1;
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
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
}
