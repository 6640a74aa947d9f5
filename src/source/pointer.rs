//! JSON-pointer segments and the nesting limit every parser enforces: the leaf the text,
//! JSON and YAML readers share.

/// Deepest nesting accepted in JSON and YAML (serde_json's own limit is the same).
pub const MAX_DEPTH: usize = 128;

/// Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_segment(s: &str) -> String {
    if s.contains(['~', '/']) { s.replace('~', "~0").replace('/', "~1") } else { s.to_string() }
}

/// Undoes [`escape_segment`].
pub fn unescape_segment(s: &str) -> String {
    if s.contains('~') { s.replace("~1", "/").replace("~0", "~") } else { s.to_string() }
}
