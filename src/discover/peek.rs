//! Cheap looks at a file: its top-level format key within the first 4 KB, and the files its
//! `$ref`s name, found by scanning text rather than parsing.

use crate::diff::Format;
use std::io::Read;
use std::path::Path;

/// How much of a JSON/YAML file is read to decide whether it is a spec.
pub const HEAD_BYTES: usize = 4096;

/// Reads up to [`HEAD_BYTES`] of a file.
pub fn head(path: &Path) -> std::io::Result<String> {
    let mut buf = Vec::with_capacity(HEAD_BYTES);
    // Opening a FIFO blocks until someone writes to it: only regular files are opened.
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("is not a regular file"));
    }
    std::fs::File::open(path)?.take(HEAD_BYTES as u64).read_to_end(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// What the head of a spec says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peeked {
    /// The format.
    pub format: Format,
    /// The key that says so (`openapi`, `swagger`, `asyncapi`).
    pub key: &'static str,
    /// Its value.
    pub version: String,
    /// `info.title`, when seen.
    pub title: Option<String>,
}

fn key_format(k: &str) -> Option<(Format, &'static str)> {
    match k {
        "openapi" => Some((Format::OpenApi, "openapi")),
        "swagger" => Some((Format::OpenApi, "swagger")),
        "asyncapi" => Some((Format::AsyncApi, "asyncapi")),
        _ => None,
    }
}

/// Looks for a top-level `openapi`/`swagger`/`asyncapi` key in the head of a JSON or YAML text.
pub fn top_level(head: &str) -> Option<Peeked> {
    if head.trim_start().starts_with('{') { json_top(head) } else { yaml_top(head) }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    let s = s.split(" #").next().unwrap_or(s).trim();
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn yaml_top(head: &str) -> Option<Peeked> {
    let mut found: Option<Peeked> = None;
    let mut title = None;
    let mut in_info = false;
    for line in head.lines() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("---") {
            continue;
        }
        if !line.starts_with(' ') && !line.starts_with('\t') {
            let Some((k, v)) = line.split_once(':') else {
                in_info = false;
                continue;
            };
            let k = unquote(k);
            in_info = k == "info";
            if found.is_none()
                && let Some((format, key)) = key_format(&k)
            {
                found = Some(Peeked { format, key, version: unquote(v), title: None });
            }
        } else if in_info
            && title.is_none()
            && let Some(v) = line.trim_start().strip_prefix("title:")
        {
            title = Some(unquote(v)).filter(|t| !t.is_empty());
        }
    }
    found.map(|p| Peeked { title, ..p })
}

/// A tiny tokenizer: strings and structure only, enough to see depth-1 keys.
fn json_top(head: &str) -> Option<Peeked> {
    let b = head.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut found: Option<Peeked> = None;
    let mut title = None;
    let mut info_depth: Option<usize> = None;
    let mut last_key: Option<(String, usize)> = None;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => {
                if let Some((k, d)) = &last_key
                    && k == "info"
                    && *d == 1
                {
                    info_depth = Some(depth + 1);
                }
                last_key = None;
                depth += 1;
            }
            b'}' | b']' => {
                if info_depth == Some(depth) {
                    info_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let s = head.get(start..j.min(b.len())).unwrap_or("").to_string();
                i = j;
                let mut k = i + 1;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                if b.get(k) == Some(&b':') {
                    last_key = Some((s, depth));
                } else if let Some((key, d)) = last_key.take() {
                    if d == 1
                        && found.is_none()
                        && let Some((format, kname)) = key_format(&key)
                    {
                        found = Some(Peeked { format, key: kname, version: s.clone(), title: None });
                    }
                    if key == "title" && info_depth == Some(d) && title.is_none() {
                        title = Some(s);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    found.map(|p| Peeked { title, ..p })
}

/// The files named by `$ref`s in a JSON or YAML text (the part before `#`; URLs excluded).
pub fn ref_files(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("$ref") {
        rest = &rest[i + 4..];
        let r = rest.trim_start_matches(['"', '\'']).trim_start();
        let Some(r) = r.strip_prefix(':') else { continue };
        let r = r.trim_start();
        let value: String = match r.chars().next() {
            Some(q @ ('"' | '\'')) => r[1..].split(q).next().unwrap_or("").to_string(),
            _ => r.split(|c: char| c.is_whitespace() || c == ',' || c == '}').next().unwrap_or("").to_string(),
        };
        let file = value.split('#').next().unwrap_or("");
        if !file.is_empty() && !file.contains("://") && !out.iter().any(|x| x == file) {
            out.push(file.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_heads() {
        let p = top_level("# c\nopenapi: \"3.0.3\"\ninfo:\n  version: 1\n  title: 'Pet Store'\n").unwrap();
        assert_eq!((p.format, p.key, p.version.as_str(), p.title.as_deref()), (Format::OpenApi, "openapi", "3.0.3", Some("Pet Store")));
        let p = top_level("{\n \"info\": {\"title\": \"T\", \"x\": {\"openapi\": \"no\"}},\n \"asyncapi\": \"3.0.0\"}").unwrap();
        assert_eq!((p.format, p.version.as_str(), p.title.as_deref()), (Format::AsyncApi, "3.0.0", Some("T")));
        assert!(top_level("{\"a\": {\"openapi\": \"3\"}}").is_none());
        assert!(top_level("paths:\n  openapi: 3\n").is_none());
        assert!(top_level("name: x\n").is_none());
        assert!(top_level("{\"name\": \"a\\\"openapi\\\"\"}").is_none());
    }

    #[test]
    fn refs() {
        assert_eq!(
            ref_files(
                "a:\n  $ref: 'common.yaml#/A'\nb: {\"$ref\": \"../x.json\"}\nc: {$ref: '#/local'}\nd: {$ref: https://e.com/x.yaml}\n"
            ),
            vec!["common.yaml", "../x.json"]
        );
    }
}
