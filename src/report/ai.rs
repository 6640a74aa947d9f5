//! The optional model-written summary as data: what a report carries ([`Ai`]), the request
//! sent to an OpenAI-compatible endpoint (only rule ids, severities, messages, operations and
//! pointers, with anything secret-looking scrubbed) and how its answer is read. Pure: the HTTP
//! call lives in `notify::ai`, next to the other outbound requests.

use super::model::{Ai, Report};
use serde::Deserialize;

/// Most changes sent to the model.
pub const MAX_CHANGES: usize = 200;

const SYSTEM: &str = "You review API changes. Answer with one JSON object only: \
{\"summary\": string (plain language, at most 5 sentences), \"suggestions\": [string] (changes downstream clients should make), \
\"severity_recommendation\": \"breaking\" | \"warning\" | \"info\"}.";

/// Replaces anything that looks like a secret: `Bearer ...` tokens, credentials in URLs
/// (`://user:pass@`), `key=value`-style secrets and long base64/hex runs (32 characters or more).
pub fn scrub(s: &str) -> String {
    // Credentials in URLs.
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail.find(|c: char| c.is_whitespace() || c == '/' || c == '`' || c == '"' || c == '\'').unwrap_or(tail.len());
        let (auth, after) = tail.split_at(end);
        match auth.rfind('@') {
            Some(at) => {
                out.push_str("[redacted]@");
                out.push_str(&auth[at + 1..]);
            }
            None => out.push_str(auth),
        }
        rest = after;
    }
    out.push_str(rest);
    // Word-level: bearer tokens, secret-named assignments, long opaque strings.
    let mut result = String::with_capacity(out.len());
    let mut redact_next = false;
    for (i, word) in out.split(' ').enumerate() {
        if i > 0 {
            result.push(' ');
        }
        if redact_next && !word.is_empty() {
            result.push_str("[redacted]");
            redact_next = false;
            continue;
        }
        let lower = word.to_ascii_lowercase();
        if lower == "bearer" || lower == "basic" || lower == "token" || lower.ends_with("bearer") {
            result.push_str(word);
            redact_next = true;
            continue;
        }
        result.push_str(&scrub_word(word));
    }
    result
}

const SECRET_NAMES: [&str; 7] = ["token", "secret", "password", "passwd", "api_key", "apikey", "key"];

fn scrub_word(word: &str) -> String {
    // `NAME=value` / `NAME: value` where the name sounds secret.
    if let Some(i) = word.find(['=', ':']) {
        let name = word[..i].trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_').to_ascii_lowercase();
        let value = &word[i + 1..];
        if !value.is_empty() && !value.starts_with("//") && SECRET_NAMES.iter().any(|n| name.ends_with(n)) {
            return format!("{}[redacted]", &word[..=i]);
        }
    }
    // Long runs of base64/hex-ish characters.
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 32 {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in word.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The chat-completions request body for a report (without the model name's endpoint): only
/// each change's rule id, severity, message, operation and pointers, scrubbed.
pub fn build_request(model: &str, report: &Report) -> serde_json::Value {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .take(MAX_CHANGES)
        .map(|c| {
            let pointer = |l: &Option<crate::diff::Location>| l.as_ref().map(|l| scrub(&l.pointer));
            serde_json::json!({
                "rule": scrub(&c.id),
                "severity": c.severity.to_string(),
                "message": scrub(&c.message),
                "operation": c.operation.as_deref().map(scrub),
                "base_pointer": pointer(&c.base),
                "revision_pointer": pointer(&c.revision),
            })
        })
        .collect();
    let sm = &report.summary;
    let user = serde_json::json!({
        "counts": { "breaking": sm.breaking, "warning": sm.warning, "info": sm.info, "total": sm.total },
        "omitted": report.changes.len().saturating_sub(MAX_CHANGES),
        "changes": changes,
    });
    serde_json::json!({
        "model": model,
        "temperature": 0,
        "messages": [
            { "role": "system", "content": SYSTEM },
            { "role": "user", "content": user.to_string() },
        ],
    })
}

/// Reads a chat-completions response: the first choice's content, parsed as the JSON object
/// asked for (also inside a ```json fence). `None` when it is not.
pub fn parse_response(model: &str, body: &serde_json::Value) -> Option<Ai> {
    let content = body.get("choices")?.get(0)?.get("message")?.get("content")?.as_str()?;
    let trimmed = content.trim();
    let inner = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|s| s.strip_suffix("```"))
        .unwrap_or(trimmed)
        .trim();
    #[derive(Deserialize)]
    struct Answer {
        summary: String,
        #[serde(default)]
        suggestions: Vec<String>,
        #[serde(default)]
        severity_recommendation: String,
    }
    let a: Answer = serde_json::from_str(inner).ok()?;
    if a.summary.trim().is_empty() {
        return None;
    }
    let sev = a.severity_recommendation.trim().to_ascii_lowercase();
    let sev = if ["breaking", "warning", "info"].contains(&sev.as_str()) { sev } else { String::new() };
    let model = body.get("model").and_then(|m| m.as_str()).filter(|m| !m.is_empty()).unwrap_or(model);
    Some(Ai {
        summary: a.summary.trim().to_string(),
        suggestions: a.suggestions.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        severity_recommendation: sev,
        model: model.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_secrets() {
        let s = scrub(
            "call https://alice:hunter2@api.example.com/x with Bearer abc.def and TOKEN=sk_live_1 and deadbeefdeadbeefdeadbeefdeadbeef00 ok",
        );
        assert!(!s.contains("hunter2"), "{s}");
        assert!(!s.contains("abc.def"), "{s}");
        assert!(!s.contains("sk_live_1"), "{s}");
        assert!(!s.contains("deadbeef"), "{s}");
        assert!(s.contains("api.example.com/x"), "{s}");
        assert!(s.ends_with(" ok"), "{s}");
        assert_eq!(scrub("field `User.email` changed type"), "field `User.email` changed type");
    }

    #[test]
    fn parses_fenced_answer() {
        let body = serde_json::json!({"choices": [{"message": {"content": "```json\n{\"summary\": \"S\", \"suggestions\": [\"a\"], \"severity_recommendation\": \"Breaking\"}\n```"}}]});
        let ai = parse_response("m", &body).expect("parsed");
        assert_eq!(ai.summary, "S");
        assert_eq!(ai.suggestions, vec!["a"]);
        assert_eq!(ai.severity_recommendation, "breaking");
        assert_eq!(ai.model, "m");
        assert!(parse_response("m", &serde_json::json!({"choices": []})).is_none());
        assert!(parse_response("m", &serde_json::json!({"choices": [{"message": {"content": "not json"}}]})).is_none());
    }
}
