//! Groups of identical edits: the same rule, the same before → after and the same message once
//! the location is taken out. A [`Group`] is what the human renderers list as one row; the JSON
//! report keeps every change and names its group.

use crate::diff::{Location, Severity};
use schemars::JsonSchema;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How many operations and locations a group lists; the rest are counted.
pub const GROUP_SHOWN: usize = 5;

/// One identical edit made at one or more places.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Group {
    /// Stable key of the group (the `group` of its changes): a hash of the module, the rule,
    /// the values and the message without its location.
    pub group: String,
    /// The rule id.
    pub id: String,
    /// Effective severity.
    pub severity: crate::diff::Severity,
    /// Module, inside `apidiff check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The edit in words: the change's own message when it happened once, else the message with
    /// the location taken out.
    pub message: String,
    /// Whether its changes reach the gate.
    pub blocking: bool,
    /// How many changes it holds.
    pub count: usize,
    /// The first few distinct operations it touches.
    pub operations: Vec<String>,
    /// How many distinct operations it touches.
    pub operation_count: usize,
    /// The first few places (in the revision, or the base for removals).
    pub locations: Vec<Location>,
    /// How many of its changes an approval made non-blocking.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub approved: usize,
    /// The approval of its first approved change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<super::approval::ApprovalNote>,
}

/// The approval line of a group: the sentence when every change of it is approved, `N of M
/// approved: …` when only some are; `None` when none is.
pub fn approval_line(g: &Group) -> Option<String> {
    let a = g.approval.as_ref()?;
    Some(if g.approved >= g.count { a.sentence() } else { format!("{} of {} {}", g.approved, g.count, a.sentence()) })
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What identifies a group, and its message without the location.
pub struct GroupKey {
    /// The key's hash (the group id).
    pub hash: String,
    /// The message with the location taken out.
    pub message: String,
}

/// The parts of a change that decide its group.
pub struct Member<'a> {
    /// Module.
    pub module: Option<&'a str>,
    /// Rule id.
    pub id: &'a str,
    /// Severity.
    pub severity: Severity,
    /// Area of the API, to name an operation taken out of the message.
    pub area: &'a str,
    /// The message.
    pub message: &'a str,
    /// The operation.
    pub operation: Option<&'a str>,
    /// Old value.
    pub before: Option<&'a str>,
    /// New value.
    pub after: Option<&'a str>,
}

/// The group key of a change: the message loses a leading `` `place`: `` (a schema path or a
/// named parameter) and the operation it names becomes the area ("endpoint was removed").
pub fn key(m: &Member<'_>) -> GroupKey {
    let mut msg = match m.message.rfind("`: ") {
        Some(i) if m.message[..i].contains('`') => m.message[i + 3..].to_string(),
        _ => m.message.to_string(),
    };
    if let Some(op) = m.operation.filter(|o| !o.is_empty()) {
        msg = msg.replace(&format!("`{op}`"), &m.area.replace('-', " "));
    }
    let mut h = Sha256::new();
    for part in [m.module.unwrap_or(""), m.id, m.severity.as_str(), &msg] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    for v in [m.before, m.after] {
        h.update([1u8]);
        if let Some(v) = v {
            h.update(v.as_bytes());
        }
    }
    let digest = h.finalize();
    GroupKey { hash: digest[..6].iter().map(|b| format!("{b:02x}")).collect(), message: msg }
}

/// `1,310`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Where a group happened, in words: the operation for one change, else
/// "1,310 places (A, B, … and 1,307 more)".
pub fn places(g: &Group) -> String {
    let shown = g.operations.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if g.count <= 1 {
        return shown;
    }
    let rest = g.operation_count.saturating_sub(3);
    match (shown.is_empty(), rest) {
        (true, _) => format!("{} places", thousands(g.count)),
        (false, 0) => format!("{} places ({shown})", thousands(g.count)),
        (false, n) => format!("{} places ({shown}, … and {} more)", thousands(g.count), thousands(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(message: &'a str, operation: Option<&'a str>) -> Member<'a> {
        Member {
            module: None,
            id: "r",
            severity: Severity::Breaking,
            area: "endpoint",
            message,
            operation,
            before: None,
            after: Some("5000"),
        }
    }

    #[test]
    fn the_location_is_taken_out() {
        let a = key(&m("path parameter `account`: maxLength tightened", Some("GET /a")));
        let b = key(&m("path parameter `id`: maxLength tightened", Some("GET /b")));
        assert_eq!(a.hash, b.hash);
        assert_eq!(a.message, "maxLength tightened");
        let e = key(&m("`GET /a` was removed", Some("GET /a")));
        assert_eq!(e.message, "endpoint was removed");
        assert_eq!(e.hash, key(&m("`GET /b` was removed", Some("GET /b"))).hash);
        assert_ne!(e.hash, key(&m("`GET /b` was renamed", Some("GET /b"))).hash);
    }

    #[test]
    fn numbers_have_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1310), "1,310");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
