//! `export` and entry reports: the archived history (optionally one module, since a date) as
//! the entries' JSON or as one report of every archived change with its timeline, and one
//! archived entry's comparison as a report. Each export is an audit event.

use crate::diff;
use crate::error::{Error, Result};
use crate::policy::{self, FailOn, Policy};
use crate::report::{Meta, Report, ReportChange, ReportFormat, SpecPair, TimelineItem, markdown};
use crate::spec::{self, LoadOptions};
use crate::store::{self, Action, Archive, AuditEvent, Entry, Risk};
use crate::time;
use serde_json::Value;

/// Formats of a history export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// The archived entries with their notes, as JSON.
    Json,
    /// A Markdown report: the timeline, then every archived change.
    Markdown,
    /// A self-contained HTML report of every archived change.
    Html,
    /// A printable PDF: title page, timeline, chart and tables.
    Pdf,
}

impl ExportFormat {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Markdown => "markdown",
            ExportFormat::Html => "html",
            ExportFormat::Pdf => "pdf",
        }
    }

    /// Whether the output is binary.
    pub fn binary(self) -> bool {
        self == ExportFormat::Pdf
    }
}

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// Only this module.
    pub module: Option<String>,
    /// Only entries since a date, a timestamp or a span (`7d`).
    pub since: Option<String>,
    /// The format.
    pub format: ExportFormat,
    /// The clock, in milliseconds since the epoch.
    pub now: i64,
}

/// An export, ready to be written.
#[derive(Debug)]
pub struct Exported {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// How many entries it holds.
    pub entries: usize,
    /// The earliest time it covers, as resolved from `since`.
    pub since: Option<String>,
    /// When it was made.
    pub generated: String,
}

/// Builds an export of the archive.
pub fn export(archive: &Archive, req: &ExportRequest) -> Result<Exported> {
    export_with(archive, req, &crate::progress::Silent)
}

/// [`export`], telling `progress` how many entries it exports.
pub fn export_with(archive: &Archive, req: &ExportRequest, progress: &dyn crate::progress::Progress) -> Result<Exported> {
    let since = match &req.since {
        Some(s) => Some(
            time::since(s, req.now)
                .ok_or_else(|| Error::Usage(format!("--since {s}: expected YYYY-MM-DD, a timestamp, or a span like 7d")))?,
        ),
        None => None,
    };
    let entries = archive.entries()?;
    if let Some(m) = &req.module
        && !entries.iter().any(|e| &e.module == m)
    {
        return Err(Error::NotFound(format!("module `{m}` has no archived history (see `apidiff history`)")));
    }
    let shown: Vec<Entry> = entries
        .into_iter()
        .filter(|e| req.module.as_ref().is_none_or(|m| &e.module == m) && since.as_deref().is_none_or(|s| e.time.as_str() >= s))
        .collect();
    progress.start(&format!("exporting {} entries", shown.len()), 0);
    let generated = time::format_millis(req.now);
    let report = || history_report(&shown, req.module.as_deref(), &generated);
    let bytes = match req.format {
        ExportFormat::Json => {
            let notes = archive.notes()?;
            let items: Vec<Value> = shown
                .iter()
                .map(|e| {
                    let mut v = serde_json::to_value(e).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        let ns: Vec<_> = notes.iter().filter(|n| n.entry == e.id).collect();
                        o.insert("notes".into(), serde_json::to_value(ns).unwrap_or_default());
                    }
                    v
                })
                .collect();
            let doc = serde_json::json!({ "exported_at": generated, "module": req.module, "since": since, "entries": items });
            format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default()).into_bytes()
        }
        ExportFormat::Markdown => {
            let r = crate::report::safe::report(&report());
            let mut s = markdown::render(&r);
            s.push_str(&timeline_markdown(&r));
            s.into_bytes()
        }
        ExportFormat::Html => ReportFormat::Html.render(&report(), false),
        ExportFormat::Pdf => ReportFormat::Pdf.render(&report(), false),
    };
    progress.finish();
    Ok(Exported { bytes, entries: shown.len(), since, generated })
}

impl Exported {
    /// Records the export in the audit log (`out`: where it was written, when a file).
    pub fn audit(&self, archive: &Archive, req: &ExportRequest, actor: Option<String>, out: Option<String>) -> Result<()> {
        archive.audit(&AuditEvent {
            id: store::unique_id(&self.generated, "export"),
            time: self.generated.clone(),
            actor,
            action: Action::Export,
            details: serde_json::json!({
                "format": req.format.name(),
                "module": req.module,
                "since": self.since,
                "entries": self.entries,
                "out": out,
            }),
        })
    }
}

/// One archived entry's comparison (its previous snapshot → its snapshot) as a report, under
/// the repository's policy.
pub fn entry_report(archive: &Archive, e: &Entry, load: &LoadOptions, options: &diff::Options, policy: &Policy) -> Result<Report> {
    e.verified()?;
    let changes = match (&e.previous, &e.snapshot) {
        (Some(p), Some(s)) => {
            let (old, new) = (archive.snapshot(p)?, archive.snapshot(s)?);
            crate::deep::run("comparing an archived entry", || {
                let (a, b) = spec::load_pair(&old.input()?, &new.input()?, load)?;
                diff::compare(&a, &b, options)
            })?
        }
        _ => Vec::new(),
    };
    let outcome = policy::apply(changes, policy);
    let label = |h: &Option<String>| h.as_deref().map(|h| format!("snapshot:{}", crate::ids::short(h))).unwrap_or_else(|| "(none)".into());
    let pair = SpecPair { module: Some(e.module.clone()), format: e.format, base: label(&e.previous), revision: label(&e.snapshot) };
    Ok(Report::build(vec![(pair, outcome)], policy.fail_on))
}

/// One report over archived entries: a spec pair per entry that compared two snapshots, all
/// their changes, and the timeline in `meta`.
pub fn history_report(entries: &[Entry], module: Option<&str>, generated: &str) -> Report {
    let mut report = Report::build(Vec::new(), FailOn::Breaking);
    for e in entries {
        if e.previous.is_some() || e.snapshot.is_none() {
            report.specs.push(SpecPair {
                module: Some(e.module.clone()),
                format: e.format,
                base: e.previous.as_deref().map(|p| format!("snapshot:{}", crate::ids::short(p))).unwrap_or_else(|| "(none)".into()),
                revision: match &e.snapshot {
                    Some(s) => format!("{} @ snapshot:{}", e.spec, crate::ids::short(s)),
                    None => format!("{} (removed)", e.spec),
                },
            });
        }
        report.changes.extend(
            e.changes.iter().map(|c| ReportChange { module: c.module.clone().or_else(|| Some(e.module.clone())), ..ReportChange::from(c) }),
        );
    }
    // Worst first, then in time order (stable sort keeps the entries' order).
    report.changes.sort_by_key(|c| std::cmp::Reverse(c.severity));
    report.regroup();
    let counts = crate::store::Counts::tally(report.changes.iter().map(|c| c.severity));
    (report.summary.breaking, report.summary.warning, report.summary.info) = (counts.breaking, counts.warning, counts.info);
    report.summary.total = report.changes.len();
    report.gate.blocking = report.changes.iter().filter(|c| c.blocking).count();
    report.gate.passed = report.gate.blocking == 0;
    let uniq = |f: &dyn Fn(&Entry) -> Option<String>| {
        let mut v: Vec<String> = Vec::new();
        for x in entries.iter().filter_map(f) {
            if !v.contains(&x) {
                v.push(x);
            }
        }
        v
    };
    let deploys = uniq(&|e| e.deploy.clone());
    let authors = uniq(&|e| e.author.clone());
    let risk = entries.iter().map(|e| e.risk).max();
    let title = match module {
        Some(m) => format!("API history of module {m}"),
        None => "API history".to_string(),
    };
    let period = match (entries.first(), entries.last()) {
        (Some(a), Some(b)) => {
            let (a, b) = (a.time.get(..10).unwrap_or(&a.time), b.time.get(..10).unwrap_or(&b.time));
            if a == b { format!(" ({a})") } else { format!(" ({a} to {b})") }
        }
        _ => String::new(),
    };
    report.meta = Some(Meta {
        title: Some(format!("{title}{period}")),
        deploy: match deploys.len() {
            0 => None,
            1 => deploys.into_iter().next(),
            n => Some(format!("{n} deploys")),
        },
        author: (!authors.is_empty()).then(|| authors.join(", ")),
        generated_at: Some(generated.to_string()),
        risk: risk.map(|r: Risk| r.as_str().to_string()),
        timeline: entries
            .iter()
            .map(|e| TimelineItem {
                time: e.time.clone(),
                module: e.module.clone(),
                spec: e.spec.clone(),
                deploy: e.deploy.clone(),
                author: e.author.clone(),
                risk: e.risk.as_str().to_string(),
                changes: if e.snapshot.is_none() {
                    "removed".into()
                } else if e.previous.is_none() {
                    "baseline".into()
                } else {
                    format!("{} breaking, {} warning, {} info", e.counts.breaking, e.counts.warning, e.counts.info)
                },
            })
            .collect(),
    });
    report
}

/// The timeline of a history report as a Markdown table.
pub fn timeline_markdown(r: &Report) -> String {
    let Some(meta) = &r.meta else { return String::new() };
    let mut s =
        String::from("\n## Timeline\n\n| time | module | spec | deploy | author | risk | changes |\n|---|---|---|---|---|---|---|\n");
    for t in &meta.timeline {
        let cell = |x: &str| markdown::text(x).replace('|', "\\|");
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&t.time),
            cell(&t.module),
            markdown::code(&t.spec),
            t.deploy.as_deref().map(|d| markdown::code(crate::ids::short(d))).unwrap_or_default(),
            cell(t.author.as_deref().unwrap_or("")),
            t.risk,
            cell(&t.changes)
        ));
    }
    s
}
