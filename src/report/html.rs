//! The HTML rendering: one self-contained page (inline CSS and one inline script, no external
//! assets, works offline) with the counts, the verdict, filters by module, severity and rule, a
//! text search, and an expandable `<details>` per group of identical edits; a group of one shows
//! old and new side by side.

use super::{Report, ReportChange, primary_location, summary};
use crate::diff::Severity;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The page's only script, inline: filters groups by module, severity, rule and text. A
/// `#q=…&rule=…&sev=…&module=…` fragment presets the filters; `data-ready` on `<body>` records
/// when the page became interactive (milliseconds since navigation).
const SCRIPT: &str = r#"(function(){
var groups=Array.prototype.slice.call(document.querySelectorAll('.group'));
var $=function(id){return document.getElementById(id)};
var sevs=Array.prototype.slice.call(document.querySelectorAll('.f-sev'));
function apply(){
 var m=$('f-module')?$('f-module').value:'',r=$('f-rule').value,q=$('f-text').value.trim().toLowerCase();
 var on={};sevs.forEach(function(c){on[c.value]=c.checked});
 var shown=0;
 groups.forEach(function(g){
  var ok=on[g.dataset.sev]&&(!m||g.dataset.module===m)&&(!r||g.dataset.rule===r)&&(!q||g.dataset.text.indexOf(q)>=0);
  g.hidden=!ok;if(ok)shown++;
 });
 $('f-count').textContent=shown+' of '+groups.length+' groups';
}
var h=new URLSearchParams(location.hash.slice(1));
if(h.get('q'))$('f-text').value=h.get('q');
if(h.get('rule'))$('f-rule').value=h.get('rule');
if(h.get('module')&&$('f-module'))$('f-module').value=h.get('module');
if(h.get('sev')){var keep=h.get('sev').split(',');sevs.forEach(function(c){c.checked=keep.indexOf(c.value)>=0})}
$('filters').addEventListener('input',apply);$('filters').addEventListener('change',apply);
apply();
document.body.dataset.ready=Math.round(performance.now());
})();"#;

const CSS: &str = "body{font:14px/1.5 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1f2328}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:.1em .3em;border-radius:4px}\
.lead{font-size:1.1em}.counts{display:flex;gap:1em;margin:1em 0}.count{padding:.5em 1em;border-radius:6px;border:1px solid #d0d7de}\
.count b{display:block;font-size:1.6em}.breaking{border-left:6px solid #cf222e}.warning{border-left:6px solid #bf8700}.info{border-left:6px solid #0969da}\
.gate{padding:.5em 1em;border-radius:6px;font-weight:600}.passed{background:#dafbe1}.failed{background:#ffebe9}\
details{border:1px solid #d0d7de;border-radius:6px;margin:.4em 0;padding:.3em .8em}summary{cursor:pointer}\
.sev{display:inline-block;min-width:5.5em;font-weight:600}.sev.breaking{color:#cf222e}.sev.warning{color:#9a6700}.sev.info{color:#0969da}\
.sides{display:grid;grid-template-columns:1fr 1fr;gap:.8em;margin:.6em 0}.side{background:#f6f8fa;border-radius:6px;padding:.5em}\
.side pre{white-space:pre-wrap;word-break:break-word;margin:.2em 0}.old{background:#ffebe9}.new{background:#dafbe1}.meta{color:#59636e;font-size:.9em}.reach{margin:.2em 0;padding-left:1.4em;font-size:.9em}\
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.2em .6em;text-align:left}\
.filters{display:flex;flex-wrap:wrap;gap:1em;align-items:center;margin:1em 0;padding:.5em;background:#f6f8fa;border-radius:6px}\
.members{margin:.3em 0;padding-left:1.4em;max-height:30em;overflow:auto}[hidden]{display:none}";

/// Renders the report as a self-contained HTML page.
pub fn render(report: &Report) -> String {
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>API changes</title>\n");
    let _ = writeln!(s, "<style>{CSS}</style>\n</head>\n<body>\n<h1>API changes</h1>");
    let _ = writeln!(s, "<p class=\"lead\">{}</p>", inline(&summary::plain_language(report)));
    if let Some(ai) = &report.ai {
        let _ = writeln!(s, "<p class=\"ai\"><b>AI summary (model {}):</b> {}</p>", esc(&ai.model), esc(&ai.summary));
        if !ai.severity_recommendation.is_empty() {
            let _ = writeln!(s, "<p class=\"ai\">Recommended severity: <b>{}</b></p>", esc(&ai.severity_recommendation));
        }
        if !ai.suggestions.is_empty() {
            s.push_str("<ul class=\"ai\">");
            for sug in &ai.suggestions {
                let _ = write!(s, "<li>{}</li>", esc(sug));
            }
            s.push_str("</ul>\n");
        }
    }
    let sm = &report.summary;
    let _ = writeln!(
        s,
        "<div class=\"counts\"><div class=\"count breaking\"><b>{}</b>breaking</div><div class=\"count warning\"><b>{}</b>warning</div><div class=\"count info\"><b>{}</b>info</div><div class=\"count\"><b>{}</b>ignored</div></div>",
        sm.breaking, sm.warning, sm.info, sm.ignored
    );
    let (cls, verdict) = if report.gate.passed { ("passed", "passed") } else { ("failed", "failed") };
    let _ = writeln!(
        s,
        "<p class=\"gate {cls}\">Gate (--fail-on {}): {verdict}{}{}</p>",
        report.gate.fail_on.as_str(),
        if report.gate.blocking > 0 { format!(", {} blocking", report.gate.blocking) } else { String::new() },
        if report.summary.approved > 0 { format!(", {} approved", report.summary.approved) } else { String::new() }
    );
    s.push_str("<table>\n<tr><th>module</th><th>format</th><th>base</th><th>revision</th></tr>\n");
    for p in &report.specs {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            esc(p.module.as_deref().unwrap_or("")),
            p.format.as_str(),
            esc(&p.base),
            esc(&p.revision)
        );
    }
    s.push_str("</table>\n");
    if !report.errors.is_empty() {
        let _ = writeln!(
            s,
            "<h2 class=\"errors\">{} spec{} could not be checked</h2>\n<ul>",
            report.errors.len(),
            if report.errors.len() == 1 { "" } else { "s" }
        );
        for e in &report.errors {
            let module = e.module.as_deref().map(|m| format!("{} · ", esc(m))).unwrap_or_default();
            let _ = writeln!(s, "<li>{module}<code>{}</code> at <code>{}</code>: {}</li>", esc(&e.spec), esc(&e.place()), esc(&e.message));
        }
        s.push_str("</ul>\n");
    }
    groups(&mut s, report);
    if !report.ignored.is_empty() {
        let _ = writeln!(s, "<h2>{} ignored</h2>\n<ul>", report.ignored.len());
        for c in &report.ignored {
            let _ = writeln!(
                s,
                "<li><code>{}</code> {} <span class=\"meta\">ignored: {}</span></li>",
                esc(&c.id),
                inline(&c.message),
                esc(c.ignore_reason.as_deref().unwrap_or(""))
            );
        }
        s.push_str("</ul>\n");
    }
    if !report.ignore_problems.is_empty() {
        s.push_str("<h2>Ignore file problems</h2>\n<ul>\n");
        for p in &report.ignore_problems {
            let _ = writeln!(s, "<li><code>{}</code> ({}) is {}</li>", esc(&p.entry.source), esc(&p.entry.rule), esc(p.problem));
        }
        s.push_str("</ul>\n");
    }
    let _ = writeln!(
        s,
        "<p class=\"meta\">{} {} · report schema {}</p>\n<script>{SCRIPT}</script>\n</body>\n</html>",
        esc(&report.tool.name),
        esc(&report.tool.version),
        esc(&report.schema_version)
    );
    s
}

/// Filters (module, severity, rule, free text), then one expandable `<details>` per group with
/// its changes inside; the inline script hides what the filters exclude.
fn groups(s: &mut String, report: &Report) {
    let mut members: HashMap<&str, Vec<&ReportChange>> = HashMap::new();
    for c in &report.changes {
        if let Some(g) = &c.group {
            members.entry(g.as_str()).or_default().push(c);
        }
    }
    let modules: Vec<&str> = super::modules(report).into_iter().flatten().collect();
    let mut rules: Vec<&str> = report.groups.iter().map(|g| g.id.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    s.push_str("<form class=\"filters\" id=\"filters\" onsubmit=\"return false\">");
    if !modules.is_empty() {
        s.push_str("<label>module <select id=\"f-module\"><option value=\"\">all</option>");
        for m in &modules {
            let _ = write!(s, "<option>{}</option>", esc(m));
        }
        s.push_str("</select></label>");
    }
    for sev in [Severity::Breaking, Severity::Warning, Severity::Info] {
        let _ = write!(s, "<label><input type=\"checkbox\" class=\"f-sev\" value=\"{sev}\" checked> {sev}</label>");
    }
    s.push_str("<label>rule <select id=\"f-rule\"><option value=\"\">all</option>");
    for r in &rules {
        let _ = write!(s, "<option>{}</option>", esc(r));
    }
    s.push_str("</select></label><label>search <input type=\"search\" id=\"f-text\" placeholder=\"operation, message, rule\"></label>");
    let _ = writeln!(s, "<span class=\"meta\" id=\"f-count\">{} groups</span></form>", report.groups.len());
    for sev in [Severity::Breaking, Severity::Warning, Severity::Info] {
        let list: Vec<&super::Group> = report.groups.iter().filter(|g| g.severity == sev).collect();
        if list.is_empty() {
            continue;
        }
        let n: usize = list.iter().map(|g| g.count).sum();
        let _ = writeln!(
            s,
            "<h2>{n} {sev} change{} in {} group{}</h2>",
            if n == 1 { "" } else { "s" },
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        );
        for g in list {
            let inside = members.get(g.group.as_str()).map(Vec::as_slice).unwrap_or_default();
            group(s, g, inside);
        }
    }
}

fn group(s: &mut String, g: &super::Group, inside: &[&ReportChange]) {
    let sev = g.severity.as_str();
    let module = g.module.as_deref().unwrap_or("");
    // What the free-text search looks in, lowercased once here.
    let mut hay = format!("{} {} {}", g.id, g.message, module);
    for c in inside {
        hay.push(' ');
        hay.push_str(c.operation.as_deref().unwrap_or(""));
        hay.push(' ');
        hay.push_str(&c.message);
    }
    let _ = writeln!(
        s,
        "<div class=\"group\" data-sev=\"{sev}\" data-rule=\"{}\" data-module=\"{}\" data-text=\"{}\">",
        esc(&g.id),
        esc(module),
        esc(&hay.to_lowercase())
    );
    if let [one] = inside {
        change(s, one);
    } else {
        let open = if g.blocking && g.count <= 20 { " open" } else { "" };
        let badge = if module.is_empty() { String::new() } else { format!("[{}] ", esc(module)) };
        let _ = writeln!(
            s,
            "<details class=\"{sev}\"{open}><summary><span class=\"sev {sev}\">{sev}</span> {badge}<code>{}</code> {} <b>at {} places</b></summary><ul class=\"members\">",
            esc(&g.id),
            inline(&g.message),
            super::thousands(g.count)
        );
        if let Some(line) = super::approval_line(g) {
            let _ = writeln!(s, "<p class=\"approved\">✅ {}</p>", esc(&line));
        }
        for c in inside {
            let op = c.operation.as_deref().map(|o| format!("<code>{}</code> ", esc(o))).unwrap_or_default();
            let at = primary_location(c)
                .map(|l| format!("{}{}", l.file, l.line.map(|n| format!(":{n}")).unwrap_or_default()))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "<li>{op}{} <span class=\"meta\">{} · fingerprint <code>{}</code></span></li>",
                inline(&c.message),
                esc(&at),
                esc(&c.fingerprint)
            );
        }
        s.push_str("</ul></details>\n");
    }
    s.push_str("</div>\n");
}

fn change(s: &mut String, c: &ReportChange) {
    let sev = c.severity.as_str();
    let open = if c.blocking { " open" } else { "" };
    let op = c.operation.as_deref().map(|o| format!("<code>{}</code> ", esc(o))).unwrap_or_default();
    let module = c.module.as_deref().map(|m| format!("[{}] ", esc(m))).unwrap_or_default();
    let _ = writeln!(
        s,
        "<details class=\"{sev}\"{open}><summary><span class=\"sev {sev}\">{sev}</span> {module}{op}{}</summary>",
        inline(&c.message)
    );
    s.push_str("<div class=\"sides\">");
    for (class, title, value, loc) in [("old", "before", &c.before, &c.base), ("new", "after", &c.after, &c.revision)] {
        let where_ = loc
            .as_ref()
            .map(|l| format!("{}{}", l.file, l.line.map(|n| format!(":{n}")).unwrap_or_default()))
            .unwrap_or_else(|| "(absent)".into());
        let _ = write!(
            s,
            "<div class=\"side {class}\"><b>{title}</b> <span class=\"meta\">{}</span><pre>{}</pre></div>",
            esc(&where_),
            esc(value.as_deref().unwrap_or("(none)"))
        );
    }
    s.push_str("</div>\n");
    let pointer = primary_location(c).map(|l| format!(" · <code>{}</code>", esc(&l.pointer))).unwrap_or_default();
    let _ = writeln!(
        s,
        "<p class=\"meta\">rule <code>{}</code>{} · fingerprint <code>{}</code>{pointer}</p>",
        esc(&c.id),
        if c.blocking { " · blocking" } else { "" },
        esc(&c.fingerprint)
    );
    if let Some(a) = &c.approval {
        let _ = writeln!(s, "<p class=\"approved\">✅ {}</p>", esc(&a.sentence()));
    }
    if !c.affected.is_empty() {
        let list: Vec<String> = c.affected.iter().map(|a| format!("<code>{}</code>", esc(a))).collect();
        let _ = writeln!(s, "<p class=\"meta\">also affects {}</p>", list.join(", "));
    }
    let reach = super::reach(c);
    if !reach.is_empty() {
        s.push_str("<ul class=\"reach\">");
        for line in reach {
            s.push_str("<li>");
            for seg in line {
                match seg {
                    super::Seg::Text(t) => s.push_str(&esc(&t)),
                    super::Seg::Code(t) => {
                        let _ = write!(s, "<code>{}</code>", esc(&t));
                    }
                }
            }
            s.push_str("</li>");
        }
        s.push_str("</ul>\n");
    }
    if let Some(w) = &c.witness {
        let json = serde_json::to_string_pretty(w).unwrap_or_default();
        let _ = writeln!(
            s,
            "<details class=\"witness {}\"><summary>witness: {}</summary><pre>{}</pre></details>",
            w.kind.as_str(),
            esc(&w.line()),
            esc(&json)
        );
    }
    if let Some(u) = super::usage_line(c) {
        let _ = writeln!(s, "<p class=\"usage\">{}</p>", esc(&u));
    }
    s.push_str("</details>\n");
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped prose whose balanced `` `code` `` spans become `<code>` elements.
fn inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return esc(s);
    }
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(p));
        } else {
            out.push_str(&esc(p));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn inline_code_and_escaping() {
        assert_eq!(super::inline("a `<b>` & c"), "a <code>&lt;b&gt;</code> &amp; c");
        assert_eq!(super::inline("odd ` <x>"), "odd ` &lt;x&gt;");
    }
}
