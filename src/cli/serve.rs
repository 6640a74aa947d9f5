//! `apidiff serve`: reads the server's settings (listen address, store, JWT key) from the
//! command line and the environment, and runs the REST API and dashboard until Ctrl-C.

use super::context::Common;
use super::context::Exit;
use super::context::{LiveArgs, interval, watcher};
use crate::error::Error;
use crate::notify::Secrets;
use crate::server::{self, AppState, alerts, auth};
use clap::Args;
use std::sync::Arc;

/// Arguments of `apidiff serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: Common,
    /// Address to listen on (`127.0.0.1:8080`; port 0 picks a free port, printed at start).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Log one line per request to stderr (never tokens or query strings).
    #[arg(long)]
    pub log: bool,
    /// Also poll every module's `live:` sources at this interval (`30s`, `5m`, `1h`), as
    /// `apidiff watch` does; the dashboard shows what it sees.
    #[arg(long, value_name = "DURATION")]
    pub watch: Option<String>,
    /// The environment variable holding the dedicated ingest token (at least 32 bytes): a
    /// bearer credential that may post usage evidence (`POST /v1/traces`) and nothing else.
    /// Unset variable: no ingest token. The token itself is never a flag or a config value.
    #[arg(long, value_name = "NAME", default_value = "APIDIFF_INGEST_TOKEN")]
    pub ingest_token_env: String,
    #[command(flatten)]
    pub connection: LiveArgs,
}

/// The token verifier the environment configures: `APIDIFF_JWT_PUBLIC_KEY` (RS256/ES256 PEM
/// text or a path to a PEM file) wins over `APIDIFF_JWT_SECRET` (HS256).
fn auth_from_env() -> Result<auth::Auth, Error> {
    let issuer = std::env::var("APIDIFF_JWT_ISSUER").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| auth::DEFAULT_ISSUER.into());
    if let Some(pk) = std::env::var_os("APIDIFF_JWT_PUBLIC_KEY").filter(|v| !v.is_empty()) {
        let pk = pk.to_string_lossy().into_owned();
        let pem = if pk.contains("-----BEGIN") {
            pk.into_bytes()
        } else {
            std::fs::read(&pk).map_err(|e| Error::Usage(format!("APIDIFF_JWT_PUBLIC_KEY {pk}: cannot read: {e}")))?
        };
        return auth::Auth::public_pem(&pem, &issuer).map_err(|e| Error::Usage(format!("APIDIFF_JWT_PUBLIC_KEY: {e}")));
    }
    match std::env::var("APIDIFF_JWT_SECRET") {
        Ok(s) if !s.is_empty() => auth::Auth::hs256(s.as_bytes(), &issuer).map_err(|e| Error::Usage(format!("APIDIFF_JWT_SECRET: {e}"))),
        _ => Err(Error::Usage(
            "apidiff serve needs a token key: set APIDIFF_JWT_SECRET (HS256, at least 32 bytes) or APIDIFF_JWT_PUBLIC_KEY (RS256/ES256 PEM)".into(),
        )),
    }
}

pub(super) fn run(args: ServeArgs) -> Result<Exit, Error> {
    let mut auth = auth_from_env()?;
    if let Some(token) = std::env::var(&args.ingest_token_env).ok().filter(|t| !t.is_empty()) {
        auth = auth.with_ingest_token(&token).map_err(|e| Error::Usage(format!("{}: {e}", args.ingest_token_env)))?;
        eprintln!("apidiff serve: the ingest token from {} may post usage evidence to /v1/traces", args.ingest_token_env);
    }
    let every = args.watch.as_deref().map(|w| interval("--watch", w)).transpose()?;
    let ctx = args.common.context()?;
    let watch = match every {
        Some(_) if !ctx.config.modules.iter().any(|m| !m.live.is_empty()) => {
            return Err(Error::Usage("serve --watch: no module lists a `live:` source in the configuration".into()));
        }
        Some(_) => Some(watcher(&ctx, &[], &args.connection, true)?),
        None => None,
    };
    if !ctx.archive.exists()? {
        ctx.archive.create()?;
    }
    let salt = ctx.archive.salt(&super::privacy::seed())?;
    // Alert channels (`alerts:` in apidiff.yaml) with their secrets read now, like `check`
    // does; the delivery thread has its own handle on the store.
    let sink: Arc<dyn alerts::AlertSink> = if ctx.config.alerts.channels.is_empty() {
        Arc::new(alerts::NoSink)
    } else {
        let secrets = Secrets::for_channels(&ctx.config.alerts, |n| std::env::var(n).ok());
        let store = args.common.context()?.archive;
        eprintln!("apidiff serve: {} alert channel(s) configured", ctx.config.alerts.channels.len());
        Arc::new(alerts::NotifySink::start(store, ctx.config.alerts.clone(), ctx.root.clone(), secrets, |line| {
            eprintln!("apidiff serve: {line}")
        }))
    };
    let log = crate::server::Log { requests: args.log, write: std::sync::Arc::new(|line: &str| eprintln!("apidiff serve: {line}")) };
    let state = AppState::new(ctx.archive, ctx.config, ctx.root, auth, salt, sink, log);
    let watcher = match (watch, every) {
        (Some(w), Some(every)) => {
            eprintln!(
                "apidiff serve: watching {} live source(s) every {}s",
                w.config.modules.iter().map(|m| m.live.len()).sum::<usize>(),
                every.as_secs()
            );
            Some(crate::server::live::Watcher::start(state.clone(), w, every))
        }
        _ => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(&args.listen).await.map_err(|e| Error::Usage(format!("--listen {}: {e}", args.listen)))?;
        let addr = listener.local_addr().map_err(|e| Error::Usage(e.to_string()))?;
        eprintln!("apidiff serve: listening on http://{addr} (dashboard: http://{addr}/admin/api-diff)");
        server::serve(listener, state, shutdown()).await.map_err(|e| Error::Usage(format!("server error: {e}")))
    })?;
    if let Some(w) = watcher {
        // The poll in flight finishes and records before the process ends.
        w.stop();
        eprintln!("apidiff serve: watch stopped");
    }
    Ok(Exit::Clean)
}

/// Resolves on Ctrl-C, or SIGTERM on unix.
async fn shutdown() {
    #[cfg(unix)]
    {
        let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
