//! Writing a report in the chosen output format, to stdout or `--out FILE`, plus what GitHub
//! Actions reads from its environment files: the counts as step outputs (any format, when
//! `$GITHUB_OUTPUT` is set) and, for `--format github`, the job summary and (with a token, in
//! a pull request) one pull-request comment that every run updates in place.

use super::context::Exit;
use super::context::{out, out_bytes};
use crate::error::Error;
use crate::report::ReportFormat as OutputFormat;
use crate::report::{RenderOptions, Report, github};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Renders `report` as `format` and writes it to `out_file`, or stdout. Workflow commands only
/// work on stdout, so `--format github` always prints them there and `--out` then receives the
/// JSON report.
pub(super) fn emit(report: &Report, format: OutputFormat, out_file: Option<&Path>, opts: &RenderOptions) -> Result<(), Error> {
    let url = opts.report_url.as_deref();
    if format == OutputFormat::Github {
        let safe = crate::report::safe::report(report);
        let report = &safe;
        out(&github::render(report));
        if let Some(p) = out_file {
            write(p, report.to_json())?;
        }
        if let Some(p) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty()) {
            append(Path::new(&p), &(github::job_summary(report, url) + "\n"))?;
        }
        if let Some(target) = PullRequest::from_env() {
            // Commenting is a courtesy: a failure warns and never changes the verdict.
            match target.upsert_comment(&comment_body(report, url, opts.approval_label.as_deref())) {
                Ok(how) => eprintln!("{how} the apidiff comment on pull request #{}", target.number),
                Err(e) => eprintln!("warning: could not comment on pull request #{}: {e}", target.number),
            }
        }
        return step_outputs(report, out_file);
    }
    if format.binary() && out_file.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::Usage(format!("--format {} writes binary data: give --out FILE, or redirect stdout", format.name())));
    }
    let body = format.render_with(report, &RenderOptions { color: opts.color && out_file.is_none(), ..opts.clone() });
    match out_file {
        Some(p) => write(p, &body)?,
        None => out_bytes(&body),
    }
    step_outputs(report, out_file)
}

fn write(p: &Path, body: impl AsRef<[u8]>) -> Result<(), Error> {
    crate::files::output(p, body.as_ref()).map_err(|e| Error::Usage(format!("--out {}: cannot write: {e}", p.display())))
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
    if !report.errors.is_empty() {
        // A spec that could not be read is a tool error, reported after everything else.
        return Exit::Error;
    }
    if report.gate.passed { Exit::Clean } else { Exit::Blocking }
}

/// Hidden marker that identifies apidiff's pull-request comment.
pub const COMMENT_MARKER: &str = "<!-- apidiff-report -->";
/// GitHub's limit on a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// The comment: the marker, the approval status (pending approval, approved by whom; the
/// `label` that approves, in a pull-request run), then the grouped Markdown report within
/// GitHub's limit (bytes are never fewer than characters, so a byte budget is safe); a trimmed
/// one names `report_url`.
pub fn comment_body(report: &Report, report_url: Option<&str>, label: Option<&str>) -> String {
    let status = github::approval_status(report, label).map(|s| s + "\n").unwrap_or_default();
    let budget = COMMENT_LIMIT - COMMENT_MARKER.len() - 2 - status.len();
    let md = github::job_summary_within(report, budget, report_url);
    // The status goes right under the report's title.
    let (title, rest) = md.split_once('\n').unwrap_or((md.as_str(), ""));
    format!("{COMMENT_MARKER}\n{title}\n\n{status}{}", rest.trim_start_matches('\n'))
}

/// The pull request a GitHub Actions run belongs to, and how to reach its API.
struct PullRequest {
    api: String,
    repo: String,
    number: u64,
    token: String,
}

impl PullRequest {
    /// From `GITHUB_TOKEN`, `GITHUB_REPOSITORY`, `GITHUB_API_URL` and the event payload at
    /// `GITHUB_EVENT_PATH` (`pull_request.number`); `None` outside a pull-request run.
    fn from_env() -> Option<PullRequest> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let token = var("GITHUB_TOKEN")?;
        let repo = var("GITHUB_REPOSITORY")?;
        let event: serde_json::Value = serde_json::from_slice(&std::fs::read(var("GITHUB_EVENT_PATH")?).ok()?).ok()?;
        let number = event.pointer("/pull_request/number").and_then(serde_json::Value::as_u64)?;
        let api = var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()).trim_end_matches('/').to_string();
        Some(PullRequest { api, repo, number, token })
    }

    /// Updates the comment carrying [`COMMENT_MARKER`], or creates one; says which it did.
    fn upsert_comment(&self, body: &str) -> Result<&'static str, String> {
        use crate::source::client::{ClientOptions, Redirects};
        let client = crate::source::client::build(&ClientOptions {
            redirects: Redirects::SameOrigin(10),
            ..ClientOptions::new(std::time::Duration::from_secs(30), Some(&self.api))
        })?;
        let send = |rb: reqwest::blocking::RequestBuilder| -> Result<serde_json::Value, String> {
            let resp = rb
                .bearer_auth(&self.token)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .send()
                .map_err(|e| e.to_string())?;
            let status = resp.status();
            let text = resp.text().map_err(|e| e.to_string())?;
            if !status.is_success() {
                let msg = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
                    .unwrap_or_else(|| text.chars().take(200).collect());
                return Err(format!("HTTP {status}: {msg}"));
            }
            Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
        };
        let base = format!("{}/repos/{}/issues", self.api, self.repo);
        const PER_PAGE: usize = 100;
        let mut existing = None;
        // Bounded: 100 pages of 100 comments.
        for page in 1..=100 {
            let list = send(client.get(format!("{base}/{}/comments?per_page={PER_PAGE}&page={page}", self.number)))?;
            let items = list.as_array().cloned().unwrap_or_default();
            existing = items
                .iter()
                .find(|c| c.get("body").and_then(|b| b.as_str()).is_some_and(|b| b.contains(COMMENT_MARKER)))
                .and_then(|c| c.get("id").and_then(serde_json::Value::as_u64));
            if existing.is_some() || items.len() < PER_PAGE {
                break;
            }
        }
        let payload = serde_json::json!({ "body": body });
        match existing {
            Some(id) => send(client.patch(format!("{base}/comments/{id}")).json(&payload)).map(|_| "Updated"),
            None => send(client.post(format!("{base}/{}/comments", self.number)).json(&payload)).map(|_| "Posted"),
        }
    }
}

/// Default time the model gets to answer.
const LLM_TIMEOUT_MS: u64 = 20_000;

/// The model endpoint the environment configures: `APIDIFF_LLM_URL` (base URL, e.g.
/// `http://host/v1`) and `APIDIFF_LLM_MODEL`, with `APIDIFF_LLM_API_KEY` and
/// `APIDIFF_LLM_TIMEOUT_MS` optional. `None` when it is not configured.
fn llm_config() -> Option<crate::llm::Config> {
    let var = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let url = var("APIDIFF_LLM_URL")?;
    let model = var("APIDIFF_LLM_MODEL")?;
    let ms = var("APIDIFF_LLM_TIMEOUT_MS").and_then(|v| v.parse::<u64>().ok()).filter(|&n| n > 0).unwrap_or(LLM_TIMEOUT_MS);
    Some(crate::llm::Config { url, model, api_key: var("APIDIFF_LLM_API_KEY"), timeout: std::time::Duration::from_millis(ms) })
}

/// Adds the model's summary to the report when an endpoint is configured; on any failure
/// prints a one-line note and keeps the deterministic summary only.
pub(super) fn add_ai(report: &mut Report) {
    let Some(config) = llm_config() else { return };
    match crate::llm::fetch(&config, report) {
        Ok(ai) => report.ai = ai,
        Err(e) => eprintln!("note: no AI summary ({e}); showing the deterministic summary only"),
    }
}
