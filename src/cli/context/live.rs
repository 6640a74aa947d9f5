//! Live sources and alerts from the command line: connection settings (`--header`,
//! `--ca-file`, `--timeout`, `headers_env`), the identity of a live check, alert delivery and the
//! watch loop's settings.

use super::repo::{Ctx, actor};
use crate::error::Error;
use crate::time::now_ms;
use clap::Args;
use std::path::{Path, PathBuf};

/// How live sources are reached (`diff`, `check --live`, `watch`): `--header`, `--ca-file`,
/// `--timeout`. Header values are secrets and are never printed.
#[derive(Debug, Args, Clone, Default)]
pub struct LiveArgs {
    /// Header sent to live sources, `Name: value` (repeatable). Secrets belong in the environment:
    /// `--header "Authorization: Bearer $TOKEN"`, or `headers_env` in apidiff.yaml.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// PEM file with extra CA certificates for https:// and grpcs:// live sources.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Deadline of fetching the live sources, in seconds: connecting, headers, body and retries
    /// of every source fetched together (a source still unfinished then is reported as timed out).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
    /// Another prefix the environment variables named by `headers_env` in apidiff.yaml may have
    /// (repeatable; also `APIDIFF_HEADERS_ENV_PREFIX`, comma-separated). Without it they must
    /// start with `APIDIFF_`: a repository's own file cannot send any other variable.
    #[arg(long = "headers-env-prefix", value_name = "PREFIX")]
    pub headers_env_prefixes: Vec<String>,
}

impl LiveArgs {
    /// The connection settings, with the headers the config's `headers_env` maps to environment
    /// variables: each variable must have an allowed prefix ([`crate::config::HEADERS_ENV_PREFIX`],
    /// `--headers-env-prefix`, `APIDIFF_HEADERS_ENV_PREFIX`), and one that is not set is an error
    /// naming it, never its value.
    pub(crate) fn remote(&self, config: &crate::config::Config) -> Result<crate::source::http::Remote, Error> {
        use crate::source::http::Remote;
        let mut prefixes = self.headers_env_prefixes.clone();
        if let Ok(v) = std::env::var("APIDIFF_HEADERS_ENV_PREFIX") {
            prefixes.extend(v.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_string));
        }
        config.check_headers_env(&prefixes)?;
        let mut headers = Vec::new();
        for (name, var) in &config.headers_env {
            let value = std::env::var(var).map_err(|_| {
                Error::Usage(format!("headers_env: header `{name}` needs the environment variable {var}, which is not set"))
            })?;
            headers.push((name.clone(), value));
        }
        for h in &self.headers {
            let (name, value) = Remote::parse_header(h).map_err(|m| Error::Usage(format!("--header: {m}")))?;
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            headers.push((name, value));
        }
        Ok(Remote {
            headers,
            ca_file: self.ca_file.clone(),
            timeout: Some(std::time::Duration::from_secs(self.timeout.max(1))),
            ..Remote::default()
        })
    }
}

/// A live check records what runs, not a commit: the deploy id is `--deploy`, else the fetch time.
pub(crate) fn live_identity(root: &Path, deploy: Option<String>) -> crate::pipeline::Identity {
    let now = now_ms();
    let fetched = crate::time::format_millis(now);
    crate::pipeline::Identity {
        deploy: Some(deploy.unwrap_or_else(|| format!("live-{fetched}"))),
        head: None,
        author: None,
        message: Some(format!("source: live, fetched {fetched}")),
        actor: actor(root),
        now,
        via: "run",
        prs: Vec::new(),
        transitions: false,
    }
}

/// Sends the alerts the config's channels ask for and puts their outcome in the report.
pub(crate) fn send_alerts(req: &crate::pipeline::Request<'_>, checked: &mut crate::pipeline::Checked) -> Result<(), Error> {
    let id = &checked.identity;
    let ctx = crate::notify::Context {
        root: req.root.clone(),
        secrets: crate::notify::Secrets::for_channels(&req.config.alerts, |n| std::env::var(n).ok()),
        commit: id.deploy.clone(),
        actor: id.actor.clone(),
        time: crate::time::format_millis(id.now),
        unix: id.now.div_euclid(1000),
        owners: checked.owners.owners.clone(),
        client_owners: req.config.usage.as_ref().map(|u| u.client_owners.clone()).unwrap_or_default(),
    };
    let deliveries = crate::notify::alert(req.archive, &req.config.alerts, &checked.report, &ctx)?;
    for d in &deliveries {
        eprintln!("{}", crate::notify::delivery_line(d));
    }
    checked.report.alerts = deliveries;
    Ok(())
}

/// Parses `30s`, `5m`, `1h` (a bare number is seconds).
pub(crate) fn interval(flag: &str, text: &str) -> Result<std::time::Duration, Error> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num.parse().map_err(|_| Error::Usage(format!("{flag} {text}: expected a duration like 30s, 5m or 1h")))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(Error::Usage(format!("{flag} {text}: expected a duration like 30s, 5m or 1h"))),
    };
    Ok(std::time::Duration::from_secs(secs.max(1)))
}

/// The library's watch settings from the CLI's context: connection settings and alert secrets
/// read from the environment here (`serve --watch` uses it too).
pub(crate) fn watcher(ctx: &Ctx, modules: &[String], connection: &LiveArgs, alerts: bool) -> Result<crate::pipeline::watch::Watch, Error> {
    Ok(crate::pipeline::watch::Watch {
        root: ctx.root.clone(),
        config: ctx.config.clone(),
        archive: ctx.archive.clone(),
        modules: modules.to_vec(),
        remote: connection.remote(&ctx.config)?,
        alerts: alerts.then(|| crate::notify::Secrets::for_channels(&ctx.config.alerts, |n| std::env::var(n).ok())),
        actor: actor(&ctx.root),
        worker: worker(),
        samples: Default::default(),
    })
}

/// Who this watcher is, for its leases, its lock and the poll log: the host name (from the
/// kernel, else `HOSTNAME`) and the process id.
fn worker() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{host} pid {}", std::process::id())
}
