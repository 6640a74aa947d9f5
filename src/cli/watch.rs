//! `apidiff watch`: the CLI edge of the library's watch loop ([`crate::pipeline::watch`]): reads
//! the connection settings and alert secrets from the command line and the environment, stops on
//! SIGTERM, and prints one line per source per poll (and per payload-conformance finding), or
//! with `--json` one JSON object per poll on stdout.

use super::context::{Common, Exit, LiveArgs, interval, watcher};
use crate::error::Error;
use crate::notify;
use crate::pipeline::watch;
use clap::Args;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Arguments of `apidiff watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub common: Common,
    /// Time between polls: `30s`, `5m`, `1h`.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub interval: String,
    /// Poll once and exit.
    #[arg(long)]
    pub once: bool,
    /// Only these modules (repeatable).
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub modules: Vec<String>,
    /// Send no alerts.
    #[arg(long)]
    pub no_alerts: bool,
    /// Print each poll as one JSON object on a line of stdout (sources, drift, payload
    /// conformance findings, alerts) instead of text lines on stderr.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: LiveArgs,
}

pub(super) fn run(args: WatchArgs) -> Result<Exit, Error> {
    let every = interval("--interval", &args.interval)?;
    let ctx = args.common.context()?;
    crate::deep::run("the watch loop", move || {
        let w = watcher(&ctx, &args.modules, &args.connection, !args.no_alerts)?;
        let stop = on_sigterm();
        let json = args.json;
        let stopped = watch::run(&w, every, args.once, &stop, &mut |polled| {
            let polled = polled?;
            if json {
                let line = serde_json::to_string(&polled).map_err(|e| Error::Internal(format!("watch: {e}")))?;
                super::context::out(&format!("{line}\n"));
            } else {
                print_poll(&polled);
            }
            Ok(())
        })?;
        if stopped == watch::Stopped::Asked {
            eprintln!("watch: stopped (SIGTERM)");
        }
        Ok(Exit::Clean)
    })
}

/// One line per source, and one per alert delivery.
fn print_poll(p: &watch::Polled) {
    for s in &p.sources {
        let line = match &s.state {
            watch::State::Unreachable { cause, first } => {
                format!("unreachable: {cause}{}", if *first { "" } else { " (already reported)" })
            }
            watch::State::Failed { cause } => format!("{}: module `{}`: cannot be checked: {cause}", s.locator, s.module),
            watch::State::Baseline => format!("{}: module `{}`: baseline recorded", s.locator, s.module),
            watch::State::Unchanged => format!("{}: module `{}`: unchanged", s.locator, s.module),
            watch::State::Changed { changes } => format!("{}: module `{}`: changed: {changes} change(s) recorded", s.locator, s.module),
        };
        if s.recovered {
            eprintln!("recovered: {}: module `{}` answers again", s.locator, s.module);
        }
        eprintln!("{line}");
        if let Some(watch::Drift::Drifted { changes }) = &s.drift {
            eprintln!("{}: module `{}`: drift: {changes} difference(s) from the committed spec", s.locator, s.module);
        }
    }
    for f in &p.conformance {
        eprintln!("module `{}`: drift: {}", f.module, f.message);
    }
    for d in &p.alerts {
        eprintln!("{}", notify::delivery_line(d));
    }
}

/// A flag SIGTERM sets (instead of ending the process), so a poll in flight finishes and records.
fn on_sigterm() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    #[cfg(all(unix, any(feature = "server", feature = "s3")))]
    {
        let set = flag.clone();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build();
        if let Ok(runtime) = runtime
            && let Ok(mut term) = runtime.block_on(async { tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) })
        {
            std::thread::spawn(move || {
                runtime.block_on(term.recv());
                set.store(true, std::sync::atomic::Ordering::SeqCst);
            });
        }
    }
    flag
}
