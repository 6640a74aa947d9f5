//! Data made safe to print before any renderer sees it: control characters (terminal escapes,
//! `\r`, C1 codes) and bidirectional overrides in names and messages become visible `\u{..}`
//! escapes, and very long strings are cut with a marker, so that every output format is linear
//! in the size of its data and no spec can drive the reader's terminal or reorder what it shows.
//! Each format still escapes what remains in its own syntax.

use super::{Report, ReportChange};
use crate::diff::Location;
use std::borrow::Cow;

/// Characters kept of one name or message; the rest is replaced by a marker saying how much
/// was cut.
pub const MAX_CHARS: usize = 2000;

/// Whether `c` may reorder or rewrite what a terminal or a viewer shows: a control character
/// (C0 including the line break, DEL, C1) or a bidirectional mark, embedding, override or
/// isolate.
pub fn hides(c: char) -> bool {
    c.is_control() || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn unsafe_char(c: char, newline_ok: bool) -> bool {
    hides(c) && !(newline_ok && c == '\n')
}

fn clean(s: &str, newline_ok: bool, limit: usize) -> Cow<'_, str> {
    let long = s.len() > limit && s.chars().nth(limit).is_some();
    if !long && !s.chars().any(|c| unsafe_char(c, newline_ok)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(limit.saturating_mul(4)) + 64);
    let mut chars = s.chars();
    for c in chars.by_ref().take(limit) {
        if unsafe_char(c, newline_ok) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    let rest = chars.count();
    if rest > 0 {
        out.push_str(&format!("…[{rest} more characters cut]"));
    }
    Cow::Owned(out)
}

/// A message or other prose: line breaks kept, other control characters escaped, cut at
/// [`MAX_CHARS`].
pub fn text(s: &str) -> Cow<'_, str> {
    clean(s, true, MAX_CHARS)
}

/// An error message for a terminal: line breaks kept, other control characters escaped, cut
/// at ten times [`MAX_CHARS`] (an error may quote several names).
pub fn terminal(s: &str) -> Cow<'_, str> {
    clean(s, true, MAX_CHARS * 10)
}

/// A name (a path, a pointer, an operation, a module): every control character escaped, line
/// breaks included, cut at [`MAX_CHARS`].
pub fn name(s: &str) -> Cow<'_, str> {
    clean(s, false, MAX_CHARS)
}

fn t(s: &mut String) {
    if let Cow::Owned(o) = text(s) {
        *s = o;
    }
}

fn n(s: &mut String) {
    if let Cow::Owned(o) = name(s) {
        *s = o;
    }
}

fn on(s: &mut Option<String>) {
    s.iter_mut().for_each(n);
}

fn ot(s: &mut Option<String>) {
    s.iter_mut().for_each(t);
}

fn loc(l: &mut Location) {
    n(&mut l.file);
    n(&mut l.pointer);
}

fn change(c: &mut ReportChange) {
    for s in [&mut c.id, &mut c.area, &mut c.fingerprint] {
        n(s);
    }
    t(&mut c.message);
    for s in [&mut c.module, &mut c.operation, &mut c.group] {
        on(s);
    }
    for s in [&mut c.before, &mut c.after, &mut c.ignore_reason] {
        ot(s);
    }
    c.affected.iter_mut().for_each(n);
    c.base.iter_mut().chain(c.revision.iter_mut()).for_each(loc);
    for i in &mut c.impact {
        n(&mut i.module);
        n(&mut i.via);
        on(&mut i.uses);
        i.owners.iter_mut().for_each(n);
    }
    for u in c.clients.iter_mut().flatten() {
        n(&mut u.file);
        n(&mut u.operation);
        ot(&mut u.error);
    }
}

/// The report with every name and message made safe (see the module documentation).
pub fn report(r: &Report) -> Report {
    let mut r = r.clone();
    for p in &mut r.specs {
        on(&mut p.module);
        n(&mut p.base);
        n(&mut p.revision);
    }
    r.changes.iter_mut().chain(r.ignored.iter_mut()).for_each(change);
    for g in &mut r.groups {
        n(&mut g.group);
        n(&mut g.id);
        on(&mut g.module);
        t(&mut g.message);
        g.operations.iter_mut().for_each(n);
        g.locations.iter_mut().for_each(loc);
    }
    for p in &mut r.ignore_problems {
        let e = &mut p.entry;
        n(&mut e.rule);
        n(&mut e.source);
        t(&mut e.reason);
        for s in [&mut e.location, &mut e.operation, &mut e.fingerprint, &mut e.expires] {
            on(s);
        }
    }
    for e in &mut r.errors {
        on(&mut e.module);
        n(&mut e.spec);
        n(&mut e.file);
        t(&mut e.message);
    }
    for a in &mut r.alerts {
        for s in [&mut a.channel, &mut a.kind, &mut a.module, &mut a.status, &mut a.key] {
            n(s);
        }
        ot(&mut a.error);
        a.owners.iter_mut().for_each(n);
    }
    if let Some(m) = &mut r.meta {
        ot(&mut m.title);
        for s in [&mut m.deploy, &mut m.author, &mut m.generated_at, &mut m.risk] {
            on(s);
        }
        for i in &mut m.timeline {
            for s in [&mut i.time, &mut i.module, &mut i.spec, &mut i.risk] {
                n(s);
            }
            t(&mut i.changes);
            on(&mut i.deploy);
            on(&mut i.author);
        }
    }
    if let Some(ai) = &mut r.ai {
        t(&mut ai.summary);
        ai.suggestions.iter_mut().for_each(t);
        n(&mut ai.severity_recommendation);
        n(&mut ai.model);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_and_cuts_long_text() {
        assert_eq!(text("a\x1b[2Jb\r\nc\u{202e}d\u{9b}e"), "a\\u{1b}[2Jb\\u{d}\nc\\u{202e}d\\u{9b}e");
        assert_eq!(name("a\nb\x07"), "a\\u{a}b\\u{7}");
        assert!(matches!(text("plain, with é and 😀\nlines"), Cow::Borrowed(_)));
        let long = "x".repeat(1_400_000);
        let cut = name(&long);
        assert!(cut.starts_with(&"x".repeat(MAX_CHARS)) && cut.ends_with("…[1398000 more characters cut]"), "{}", &cut[MAX_CHARS..]);
        assert_eq!(name(&"é".repeat(MAX_CHARS)), "é".repeat(MAX_CHARS));
    }
}
