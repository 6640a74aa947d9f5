//! The JUnit XML rendering, for CI test dashboards: one testsuite per compared pair, one
//! testcase per change, a failure for each blocking one.

use super::{Report, pair_index, primary_location};
use std::fmt::Write as _;

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = report.changes.iter().filter(|c| c.blocking).count();
    let _ = writeln!(
        s,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{}\">",
        esc(&report.tool.name),
        report.changes.len() + report.errors.len(),
        report.errors.len()
    );
    for (i, p) in report.specs.iter().enumerate() {
        let cases: Vec<_> = report.changes.iter().filter(|c| pair_index(report, c) == i).collect();
        let fails = cases.iter().filter(|c| c.blocking).count();
        let name = match &p.module {
            Some(m) => format!("{m}: {} -> {}", p.base, p.revision),
            None => format!("{} -> {}", p.base, p.revision),
        };
        let _ =
            writeln!(s, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" errors=\"0\" skipped=\"0\">", esc(&name), cases.len());
        for c in cases {
            let class = format!("{}.{}", p.format.as_str(), c.operation.as_deref().unwrap_or(&c.area));
            let loc = primary_location(c);
            let file = loc.map(|l| format!(" file=\"{}\"", esc(&l.file))).unwrap_or_default();
            let line = loc.and_then(|l| l.line).map(|l| format!(" line=\"{l}\"")).unwrap_or_default();
            let _ =
                write!(s, "    <testcase classname=\"{}\" name=\"{}\"{file}{line}", esc(&class), esc(&format!("{}: {}", c.id, c.message)));
            if c.blocking {
                let mut body = format!("{} ({})\n{}", c.id, c.severity, c.message);
                if c.before.is_some() || c.after.is_some() {
                    let _ = write!(
                        body,
                        "\nbefore: {}\nafter: {}",
                        c.before.as_deref().unwrap_or("(none)"),
                        c.after.as_deref().unwrap_or("(none)")
                    );
                }
                if let Some(l) = loc {
                    let _ = write!(body, "\nat {}{}", l.file, l.line.map(|n| format!(":{n}")).unwrap_or_default());
                }
                let _ = write!(body, "\nfingerprint: {}", c.fingerprint);
                let _ = writeln!(
                    s,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    esc(&c.message),
                    esc(&c.id),
                    esc(&body)
                );
            } else if let Some(a) = &c.approval {
                let _ = writeln!(s, ">\n      <system-out>{}</system-out>\n    </testcase>", esc(&a.sentence()));
            } else {
                s.push_str(" />\n");
            }
        }
        s.push_str("  </testsuite>\n");
    }
    errors(report, &mut s);
    s.push_str("</testsuites>\n");
    s
}

/// One testsuite for the specs that could not be checked, one `<error>` per spec.
fn errors(report: &Report, s: &mut String) {
    if report.errors.is_empty() {
        return;
    }
    let n = report.errors.len();
    let _ = writeln!(s, "  <testsuite name=\"spec errors\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">");
    for e in &report.errors {
        let line = e.line.map(|l| format!(" line=\"{l}\"")).unwrap_or_default();
        let _ = writeln!(
            s,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"{line}>\n      <error message=\"{}\" type=\"spec-error\">{}</error>\n    </testcase>",
            esc(e.module.as_deref().unwrap_or("spec")),
            esc(&format!("{} could not be checked", e.spec)),
            esc(&e.file),
            esc(&e.message),
            esc(&e.to_string())
        );
    }
    s.push_str("  </testsuite>\n");
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot hold.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::esc("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}");
    }
}
