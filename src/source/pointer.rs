//! JSON-pointer segments and the nesting limit every parser enforces: the leaf the text,
//! JSON and YAML readers share.

/// Deepest nesting accepted in JSON and YAML (serde_json's own limit is the same).
pub const MAX_DEPTH: usize = 128;

/// Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_segment(s: &str) -> String {
    // One pass (`str::replace` twice walked the text twice and allocated twice; paths such as
    // `/repos/{owner}/{repo}` are escaped for every node under them).
    let mut out = String::with_capacity(s.len() + 4);
    let mut rest = s;
    while let Some(at) = rest.find(['~', '/']) {
        out.push_str(&rest[..at]);
        out.push_str(if rest.as_bytes()[at] == b'~' { "~0" } else { "~1" });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Undoes [`escape_segment`].
pub fn unescape_segment(s: &str) -> String {
    // One pass: `~1` → `/`, `~0` → `~`, and any other `~` kept as written (as the two
    // `str::replace` calls this replaces did; `~01` is `~1`, not `/`).
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('~') {
        out.push_str(&rest[..at]);
        match rest.as_bytes().get(at + 1) {
            Some(b'1') => {
                out.push('/');
                rest = &rest[at + 2..];
            }
            Some(b'0') => {
                out.push('~');
                rest = &rest[at + 2..];
            }
            _ => {
                out.push('~');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip_like_the_two_replaces_did() {
        for s in ["", "plain", "/repos/{owner}/{repo}", "~", "a~b/c", "~0~1", "//~~", "é/ü~"] {
            let escaped = escape_segment(s);
            assert_eq!(escaped, s.replace('~', "~0").replace('/', "~1"), "{s}");
            assert_eq!(unescape_segment(&escaped), s, "{s}");
        }
        for s in ["~01", "~1", "~0", "~", "a~", "~2", "~~1", "x~10~0"] {
            assert_eq!(unescape_segment(s), s.replace("~1", "/").replace("~0", "~"), "{s}");
        }
    }
}
