//! The one list of report output formats, with each one's name, media type, file extension and
//! renderer. The CLI (`--format`), the server's report downloads and the docs all read it.

use super::{Report, github, gitlab, html, junit, markdown, pdf, sarif, text};

/// How the caller wants a report laid out (the CLI reads the terminal and the flags; renderers
/// only see these values).
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colours in text.
    pub color: bool,
    /// Text width (the terminal's, or `COLUMNS`; 120 when `None`).
    pub width: Option<u16>,
    /// List every group in text, informational ones included.
    pub all: bool,
    /// Where the full report is published, named when Markdown is trimmed.
    pub report_url: Option<String>,
    /// The label that approves a pull request's breaking changes, named by the pull-request
    /// comment's approval status (inside a pull-request run only).
    pub approval_label: Option<String>,
}

/// Output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table of modules, then one row per group of identical edits (screen-sized; `--all` for everything).
    Text,
    /// The versioned JSON report (`apidiff schema` prints its JSON Schema).
    Json,
    /// Markdown with a collapsible section per module, never over 65,536 characters.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML: one testcase per change, failures for blocking ones.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// GitHub workflow commands (annotations) on stdout; `--out` gets the JSON report; inside Actions also the job summary.
    Github,
    /// A printable PDF (title page, summary, chart, tables); needs `--out` when stdout is a terminal.
    Pdf,
}

impl ReportFormat {
    /// Every format, in the order help and docs list them.
    pub const ALL: [ReportFormat; 9] = [
        ReportFormat::Text,
        ReportFormat::Json,
        ReportFormat::Markdown,
        ReportFormat::Html,
        ReportFormat::Sarif,
        ReportFormat::Junit,
        ReportFormat::Gitlab,
        ReportFormat::Github,
        ReportFormat::Pdf,
    ];

    /// The lowercase name (`--format NAME`, `?format=NAME`).
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Text => "text",
            ReportFormat::Json => "json",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Html => "html",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Junit => "junit",
            ReportFormat::Gitlab => "gitlab",
            ReportFormat::Github => "github",
            ReportFormat::Pdf => "pdf",
        }
    }

    /// Parses a lowercase name.
    pub fn parse(name: &str) -> Option<ReportFormat> {
        ReportFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The media type of a download.
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Text | ReportFormat::Github => "text/plain; charset=utf-8",
            ReportFormat::Json | ReportFormat::Gitlab => "application/json",
            ReportFormat::Markdown => "text/markdown; charset=utf-8",
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Sarif => "application/sarif+json",
            ReportFormat::Junit => "application/xml",
            ReportFormat::Pdf => "application/pdf",
        }
    }

    /// The file extension of a download.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Text | ReportFormat::Github => "txt",
            ReportFormat::Json | ReportFormat::Gitlab => "json",
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Junit => "xml",
            ReportFormat::Pdf => "pdf",
        }
    }

    /// Whether the output is binary (never written to a terminal).
    pub fn binary(self) -> bool {
        self == ReportFormat::Pdf
    }

    /// Renders a report; `color` only affects text.
    pub fn render(self, report: &Report, color: bool) -> Vec<u8> {
        self.render_with(report, &RenderOptions { color, ..RenderOptions::default() })
    }

    /// Renders a report with [`RenderOptions`]. Every format renders the report made safe
    /// ([`super::safe::report`]): control characters escaped, very long names cut.
    pub fn render_with(self, report: &Report, o: &RenderOptions) -> Vec<u8> {
        let safe = super::safe::report(report);
        let report = &safe;
        match self {
            ReportFormat::Text => text::render_with(report, text::Layout { color: o.color, width: o.width, all: o.all }).into_bytes(),
            ReportFormat::Json => report.to_json().into_bytes(),
            ReportFormat::Markdown => (markdown::render_within(report, markdown::LIMIT, o.report_url.as_deref()) + "\n").into_bytes(),
            ReportFormat::Html => html::render(report).into_bytes(),
            ReportFormat::Sarif => sarif::render(report).into_bytes(),
            ReportFormat::Junit => junit::render(report).into_bytes(),
            ReportFormat::Gitlab => gitlab::render(report).into_bytes(),
            ReportFormat::Github => github::render(report).into_bytes(),
            ReportFormat::Pdf => pdf::render(report),
        }
    }
}
