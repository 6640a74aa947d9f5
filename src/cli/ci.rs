//! Writing a report in the chosen output format, to stdout or `--out FILE`, plus what GitHub
//! Actions reads from its environment files (job summary, step outputs) for `--format github`.

use super::diff::ReportFormat as OutputFormat;
use super::{Exit, out};
use crate::error::Error;
use crate::report::{Report, github, gitlab, html, junit, markdown, sarif, text};
use std::io::Write;
use std::path::Path;

/// Renders `report` as `format` and writes it to `out_file`, or stdout.
pub(super) fn emit(report: &Report, format: OutputFormat, out_file: Option<&Path>, color: bool) -> Result<(), Error> {
    let body = match format {
        OutputFormat::Text => text::render(report, color && out_file.is_none(), None),
        OutputFormat::Json => report.to_json(),
        OutputFormat::Markdown => markdown::render(report) + "\n",
        OutputFormat::Html => html::render(report),
        OutputFormat::Sarif => sarif::render(report),
        OutputFormat::Junit => junit::render(report),
        OutputFormat::Gitlab => gitlab::render(report),
        OutputFormat::Github => github::render(report),
    };
    match out_file {
        Some(p) => std::fs::write(p, body).map_err(|e| Error::Usage(format!("--out {}: cannot write: {e}", p.display())))?,
        None => out(&body),
    }
    if format == OutputFormat::Github {
        github_files(report)?;
    }
    Ok(())
}

/// Inside GitHub Actions: appends the job summary to `$GITHUB_STEP_SUMMARY` and the counts to
/// `$GITHUB_OUTPUT`.
fn github_files(report: &Report) -> Result<(), Error> {
    if let Some(p) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()) {
        append(Path::new(&p), &(github::job_summary(report) + "\n"))?;
    }
    if let Some(p) = std::env::var_os("GITHUB_OUTPUT").filter(|v| !v.is_empty()) {
        let s = &report.summary;
        let lines = format!(
            "breaking={}\nwarning={}\ninfo={}\nblocking={}\npassed={}\n",
            s.breaking, s.warning, s.info, report.gate.blocking, report.gate.passed
        );
        append(Path::new(&p), &lines)?;
    }
    Ok(())
}

fn append(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Error::Usage(format!("cannot append to {}: {e}", path.display())))
}

/// The exit code of a run that wrote `report`.
pub(super) fn verdict(report: &Report) -> Exit {
    if report.gate.passed { Exit::Clean } else { Exit::Blocking }
}
