//! Writing a report in the chosen output format, to stdout or `--out FILE`, plus what GitHub
//! Actions reads from its environment files: the counts as step outputs (any format, when
//! `$GITHUB_OUTPUT` is set) and, for `--format github`, the job summary.

use super::diff::ReportFormat as OutputFormat;
use super::{Exit, out, out_bytes};
use crate::error::Error;
use crate::report::{Report, github, gitlab, html, junit, markdown, pdf, sarif, text};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Renders `report` as `format` and writes it to `out_file`, or stdout. Workflow commands only
/// work on stdout, so `--format github` always prints them there and `--out` then receives the
/// JSON report.
pub(super) fn emit(report: &Report, format: OutputFormat, out_file: Option<&Path>, color: bool) -> Result<(), Error> {
    if format == OutputFormat::Github {
        out(&github::render(report));
        if let Some(p) = out_file {
            write(p, report.to_json())?;
        }
        if let Some(p) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()) {
            append(Path::new(&p), &(github::job_summary(report) + "\n"))?;
        }
        return step_outputs(report, out_file);
    }
    if format == OutputFormat::Pdf {
        let bytes = pdf::render(report);
        match out_file {
            Some(p) => write(p, &bytes)?,
            None if std::io::stdout().is_terminal() => {
                return Err(Error::Usage("--format pdf writes binary data: give --out FILE, or redirect stdout".into()));
            }
            None => out_bytes(&bytes),
        }
        return step_outputs(report, out_file);
    }
    let body = match format {
        OutputFormat::Text => text::render(report, color && out_file.is_none(), None),
        OutputFormat::Json => report.to_json(),
        OutputFormat::Markdown => markdown::render(report) + "\n",
        OutputFormat::Html => html::render(report),
        OutputFormat::Sarif => sarif::render(report),
        OutputFormat::Junit => junit::render(report),
        OutputFormat::Gitlab => gitlab::render(report),
        OutputFormat::Github => github::render(report),
        OutputFormat::Pdf => String::new(),
    };
    match out_file {
        Some(p) => write(p, &body)?,
        None => out(&body),
    }
    step_outputs(report, out_file)
}

fn write(p: &Path, body: impl AsRef<[u8]>) -> Result<(), Error> {
    std::fs::write(p, body).map_err(|e| Error::Usage(format!("--out {}: cannot write: {e}", p.display())))
}

/// Inside GitHub Actions (`$GITHUB_OUTPUT` set): the counts, the verdict and the report's path
/// as step outputs.
fn step_outputs(report: &Report, out_file: Option<&Path>) -> Result<(), Error> {
    let Some(p) = std::env::var_os("GITHUB_OUTPUT").filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    let s = &report.summary;
    let mut lines = format!(
        "breaking={}\nwarning={}\ninfo={}\nblocking={}\npassed={}\n",
        s.breaking, s.warning, s.info, report.gate.blocking, report.gate.passed
    );
    if let Some(f) = out_file {
        let path = f.display().to_string().replace(['\n', '\r'], " ");
        lines.push_str(&format!("report={path}\n"));
    }
    append(Path::new(&p), &lines)
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
