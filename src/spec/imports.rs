//! The files a protobuf or TypeScript file pulls in, read from its text without parsing it
//! fully: what discovery and bundling follow.

/// `import "a/b.proto";` (also `public` and `weak`).
pub fn proto_imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim_start();
        let Some(rest) = l.strip_prefix("import") else { continue };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix("public").or_else(|| rest.strip_prefix("weak")).unwrap_or(rest).trim_start();
        if let Some(q) = quoted(rest) {
            out.push(q);
        }
    }
    out
}

/// The `package` a `.proto` file declares (`google.pubsub.v1`), if any.
pub fn proto_package(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("package")?;
        let name = rest.strip_prefix(char::is_whitespace)?.split(';').next()?.trim();
        let ok = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        ok.then(|| name.to_string())
    })
}

/// Relative module specifiers of `import ... from "./x"`, `export ... from "./x"`,
/// `import("./x")` and `/// <reference path="x" />`.
pub fn ts_imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if let Some(i) = l.find("<reference path=") {
            if let Some(q) = quoted(&l[i + "<reference path=".len()..]) {
                out.push(q);
            }
            continue;
        }
        let at =
            l.rfind(" from ").map(|i| i + 6).or_else(|| l.strip_prefix("import ").map(|_| 7)).or_else(|| l.find("import(").map(|i| i + 7));
        if let Some(i) = at
            && let Some(q) = l.get(i..).and_then(|s| quoted(s.trim_start()))
            && (q.starts_with("./") || q.starts_with("../"))
        {
            out.push(q);
        }
    }
    out
}

fn quoted(s: &str) -> Option<String> {
    let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &s[1..];
    let end = rest.find(q)?;
    Some(rest[..end].to_string())
}
