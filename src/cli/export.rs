//! `apidiff export`: the archived history (optionally one module, since a date) as JSON, or as
//! one Markdown, HTML or PDF report of every archived change with the timeline; each export is
//! recorded in the audit log.

use super::context::{Bar, Common, actor, now_ms};
use super::context::{Exit, out_bytes};
use crate::diff::Format;
use crate::error::Error;
use crate::policy::FailOn;
use crate::progress::Progress;
use crate::report::{Meta, Report, ReportChange, SpecPair, TimelineItem, html, markdown, pdf};
use crate::store::{self, Action, AuditEvent, Entry, Risk, time};
use clap::{Args, ValueEnum};
use serde_json::Value;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Formats of `apidiff export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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

/// Arguments of `apidiff export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Only this module.
    #[arg(long, short = 'm')]
    pub module: Option<String>,
    /// Only entries since a date (`2025-11-01`), a timestamp, or a span (`12h`, `7d`, `2w`).
    #[arg(long)]
    pub since: Option<String>,
    /// Write the export to FILE instead of stdout (needed for `pdf` when stdout is a terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(args: ExportArgs, quiet: bool) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    ctx.archive.require()?;
    let now = now_ms();
    let since = match &args.since {
        Some(s) => Some(
            time::since(s, now).ok_or_else(|| Error::Usage(format!("--since {s}: expected YYYY-MM-DD, a timestamp, or a span like 7d")))?,
        ),
        None => None,
    };
    let entries = ctx.archive.entries()?;
    if let Some(m) = &args.module
        && !entries.iter().any(|e| &e.module == m)
    {
        return Err(Error::Usage(format!("module `{m}` has no archived history (see `apidiff history`)")));
    }
    let shown: Vec<Entry> = entries
        .into_iter()
        .filter(|e| args.module.as_ref().is_none_or(|m| &e.module == m) && since.as_deref().is_none_or(|s| e.time.as_str() >= s))
        .collect();
    if args.format == ExportFormat::Pdf && args.out.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::Usage("--format pdf writes binary data: give --out FILE, or redirect stdout".into()));
    }
    let generated = time::format_millis(now);
    let bar = Bar::new(quiet);
    bar.start(&format!("exporting {} entries", shown.len()), 0);
    let bytes: Vec<u8> = match args.format {
        ExportFormat::Json => {
            let notes = ctx.archive.notes()?;
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
            let doc = serde_json::json!({
                "exported_at": generated,
                "module": args.module,
                "since": since,
                "entries": items,
            });
            format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default()).into_bytes()
        }
        ExportFormat::Markdown => {
            let r = history_report(&shown, args.module.as_deref(), &generated);
            let mut s = markdown::render(&r);
            s.push_str(&timeline_markdown(&r));
            s.into_bytes()
        }
        ExportFormat::Html => html::render(&history_report(&shown, args.module.as_deref(), &generated)).into_bytes(),
        ExportFormat::Pdf => pdf::render(&history_report(&shown, args.module.as_deref(), &generated)),
    };
    match &args.out {
        Some(p) => std::fs::write(p, &bytes).map_err(|e| Error::Usage(format!("--out {}: cannot write: {e}", p.display())))?,
        None => out_bytes(&bytes),
    }
    bar.finish();
    let format = format!("{:?}", args.format).to_lowercase();
    ctx.archive.audit(&AuditEvent {
        id: store::unique_id(&generated, "export"),
        time: generated.clone(),
        actor: actor(&ctx.root),
        action: Action::Export,
        details: serde_json::json!({
            "format": format,
            "module": args.module,
            "since": since,
            "entries": shown.len(),
            "out": args.out.as_ref().map(|p| p.display().to_string()),
        }),
    })?;
    if let Some(p) = &args.out {
        eprintln!("Exported {} entr{} as {format} to {}", shown.len(), if shown.len() == 1 { "y" } else { "ies" }, p.display());
    }
    Ok(Exit::Clean)
}

/// One report over archived entries: a spec pair per entry that compared two snapshots, all
/// their changes, and the timeline in `meta`.
pub(super) fn history_report(entries: &[Entry], module: Option<&str>, generated: &str) -> Report {
    let mut report = Report::build(Vec::new(), FailOn::Breaking);
    for e in entries {
        let format = parse_format(&e.format);
        if e.previous.is_some() || e.snapshot.is_none() {
            report.specs.push(SpecPair {
                module: Some(e.module.clone()),
                format: format.unwrap_or(Format::OpenApi),
                base: e.previous.as_deref().map(|p| format!("snapshot:{}", &p[..12.min(p.len())])).unwrap_or_else(|| "(none)".into()),
                revision: match &e.snapshot {
                    Some(s) => format!("{} @ snapshot:{}", e.spec, &s[..12.min(s.len())]),
                    None => format!("{} (removed)", e.spec),
                },
            });
        }
        report
            .changes
            .extend(e.changes.iter().map(|c| ReportChange { module: c.module.clone().or_else(|| Some(e.module.clone())), ..c.clone() }));
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

fn timeline_markdown(r: &Report) -> String {
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
            t.deploy.as_deref().map(|d| markdown::code(d.get(..12).unwrap_or(d))).unwrap_or_default(),
            cell(t.author.as_deref().unwrap_or("")),
            t.risk,
            cell(&t.changes)
        ));
    }
    s
}

fn parse_format(s: &str) -> Option<Format> {
    Some(match s {
        "openapi" => Format::OpenApi,
        "graphql" => Format::GraphQl,
        "asyncapi" => Format::AsyncApi,
        "typescript" => Format::TypeScript,
        "protobuf" => Format::Protobuf,
        _ => return None,
    })
}
