//! `apidiff watch`: polls every module's live sources (at most 16 at once), records what changed,
//! sends alerts through the configured channels (their fingerprint dedupe makes a flapping
//! service alert once), and records a source that is down as an `unreachable` event, once per
//! outage, then keeps going.

use super::context::{Common, Exit, LiveArgs, live_identity, on_big_stack, today};
use crate::error::Error;
use crate::pipeline::{self, Baseline, Request, Scope};
use crate::spec::LoadOptions;
use crate::store::{Archive, bundle::sha256_hex, time};
use clap::Args;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
    #[command(flatten)]
    pub connection: LiveArgs,
}

/// Parses `30s`, `5m`, `1h` (a bare number is seconds).
fn interval(text: &str) -> Result<Duration, Error> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num.parse().map_err(|_| Error::Usage(format!("--interval {text}: expected a duration like 30s, 5m or 1h")))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(Error::Usage(format!("--interval {text}: expected a duration like 30s, 5m or 1h"))),
    };
    Ok(Duration::from_secs(secs.max(1)))
}

pub(super) fn run(args: WatchArgs) -> Result<Exit, Error> {
    let every = interval(&args.interval)?;
    let ctx = args.common.context()?;
    on_big_stack(move || {
        if !ctx.archive.exists()? {
            ctx.archive.create()?;
        }
        let remote = args.connection.remote(&ctx.config.headers_env)?;
        let stop = on_sigterm();
        loop {
            poll(&args, &ctx, &remote)?;
            if args.once {
                return Ok(Exit::Clean);
            }
            // Sleep in short steps so SIGTERM stops between polls, never in the middle of one.
            let until = std::time::Instant::now() + every;
            while std::time::Instant::now() < until {
                if stop.load(Ordering::SeqCst) {
                    eprintln!("watch: stopped (SIGTERM)");
                    return Ok(Exit::Clean);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    })
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
                set.store(true, Ordering::SeqCst);
            });
        }
    }
    flag
}

/// One round: fetch every source, note the unreachable ones, check and record the rest.
fn poll(args: &WatchArgs, ctx: &super::context::Ctx, remote: &crate::source::http::Remote) -> Result<(), Error> {
    let fetched = pipeline::fetch_live(&ctx.config, &args.modules, remote)?;
    let identity = live_identity(&ctx.root, None);
    let mut given = Vec::new();
    for f in fetched {
        match f.given {
            Ok(g) => given.push(g),
            Err(e) => unreachable_event(&ctx.archive, &f.module, &f.locator, &e.to_string(), &identity)?,
        }
    }
    if given.is_empty() {
        return Ok(());
    }
    let today = today();
    let fail_on = ctx.config.gate.fail_on.map(|l| l.to_fail_on()).unwrap_or_default();
    let req = Request {
        policy: pipeline::policy_for(&ctx.root, &ctx.config, &[], fail_on, &today)?,
        load: LoadOptions { allow_remote_refs: false, proto_includes: Vec::new(), ref_roots: Vec::new() },
        options: crate::diff::Options { today, proto_category: "WIRE_JSON".into() },
        baseline: Baseline::Archive,
        scope: Scope::Given(given),
        root: ctx.root.clone(),
        config: &ctx.config,
        archive: &ctx.archive,
        identity,
    };
    let mut checked = pipeline::check(&req)?;
    if !args.no_alerts && !checked.report.changes.is_empty() {
        super::context::send_alerts(&req, &mut checked)?;
    }
    let recorded = pipeline::record(&req, &checked)?;
    let changed: BTreeSet<&str> = recorded.written.iter().map(|e| e.spec.as_str()).collect();
    for s in &checked.specs {
        let state = if !changed.contains(s.path.as_str()) {
            "unchanged".to_string()
        } else if s.previous.is_none() {
            "baseline recorded".to_string()
        } else {
            format!("changed: {} change(s) recorded", s.changes.len())
        };
        eprintln!("{}: module `{}`: {state}", s.path, s.module);
    }
    Ok(())
}

/// Records that `locator` is down, once per outage (keyed by the last snapshot it served), and
/// says so on stderr; later polls of the same outage stay quiet.
fn unreachable_event(archive: &Archive, module: &str, locator: &str, cause: &str, id: &pipeline::Identity) -> Result<(), Error> {
    let last =
        Archive::latest(&archive.entries()?).iter().find(|e| e.module == module && e.spec == locator).and_then(|e| e.snapshot.clone());
    let key =
        format!("unreachable-{}", &sha256_hex(format!("{module}\n{locator}\n{}", last.as_deref().unwrap_or("never")).as_bytes())[..16]);
    let event = serde_json::json!({
        "event": "unreachable",
        "module": module,
        "source": "live",
        "locator": locator,
        "cause": cause,
        "time": time::format_millis(id.now),
        "last_snapshot": last,
    });
    let first = archive.put_record("live-events", &key, &event)?;
    eprintln!("unreachable: {cause}{}", if first { "" } else { " (already reported)" });
    Ok(())
}
