//! Asks an OpenAI-compatible chat-completions endpoint for a summary of a report, suggested
//! downstream changes and a severity recommendation (see [`crate::report::ai`] for what is sent).
//! Every failure yields an `Err` saying why; the deterministic summary stays the fallback.

use crate::report::Ai;
use crate::report::Report;
use crate::report::ai::{build_request, parse_response};
use std::time::Duration;

/// Where the model is; the CLI fills it from `APIDIFF_LLM_*`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL, e.g. `http://host/v1`; the request goes to `{base}/chat/completions`.
    pub url: String,
    /// Model name.
    pub model: String,
    /// Bearer key, when the endpoint needs one (sent as a header only).
    pub api_key: Option<String>,
    /// Request timeout.
    pub timeout: Duration,
}

/// Asks the model about a report; `Err` says why not (the caller falls back to the
/// deterministic summary). Nothing is asked when the report has no changes.
pub fn fetch(config: &Config, report: &Report) -> Result<Option<Ai>, String> {
    if report.changes.is_empty() {
        return Ok(None);
    }
    let client = crate::source::client::build(&crate::source::client::ClientOptions::new(config.timeout, Some(&config.url)))?;
    let url = format!("{}/chat/completions", config.url.trim_end_matches('/'));
    let mut rb = client.post(&url).json(&build_request(&config.model, report));
    if let Some(k) = &config.api_key {
        rb = rb.bearer_auth(k);
    }
    let resp = rb.send().map_err(|e| {
        if e.is_timeout() { "the model did not answer in time".to_string() } else { "the model endpoint is unreachable".to_string() }
    })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!("the model endpoint answered HTTP {}", status.as_u16()));
    }
    let body: serde_json::Value = resp.json().map_err(|_| "the model's answer is not JSON".to_string())?;
    parse_response(&config.model, &body).map(Some).ok_or_else(|| "the model's answer has no usable summary".to_string())
}
