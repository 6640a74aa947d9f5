//! `apidiff summary --module X`: a module's latest changes, its dependants and whether the
//! changes reach them. Also the step `check` runs after diffing: owners (module owners and
//! CODEOWNERS), cross-module impact, the client operations a change reaches, and the alerts.

use super::Exit;
use super::check::{Checked, Common};
use crate::config::Config;
use crate::diff::Format;
use crate::error::Error;
use crate::notify::enrich::{entities, push_unique};
use crate::notify::impact::Graph;
use crate::notify::{self, Base, Compared, Context, Owners, Secrets};
use crate::report::Report;
use crate::store::bundle::Tree;
use crate::store::{Archive, time};
use clap::Args;
use std::collections::BTreeMap;
use std::path::Path;

/// Arguments of `apidiff summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub common: Common,
    /// The module.
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub module: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs after `check` has diffed: fills each change's impact and clients and works out owners
/// (see [`notify::annotate`]), sends alerts (unless `alerts` is false) and puts their outcome
/// in the report.
#[allow(clippy::too_many_arguments)] // the pieces of `check` this step reads; bundling them would only rename them
pub(super) fn after_check(
    root: &Path,
    config: &Config,
    archive: &Archive,
    checked: &[Checked],
    git_base: Option<&Tree>,
    report: &mut Report,
    (commit, actor, now_ms): (Option<&str>, Option<&str>, i64),
    alerts: bool,
) -> Result<Owners, Error> {
    let specs: Vec<Compared<'_>> = checked
        .iter()
        .map(|c| Compared {
            module: &c.spec.module,
            path: &c.spec.path,
            format: c.spec.format,
            files: &c.bundle.files,
            base: match (git_base, c.previous.as_ref().and_then(|p| p.snapshot.as_deref())) {
                (Some(tree), _) => Base::Tree(tree),
                (None, Some(snap)) => Base::Snapshot(snap),
                (None, None) => Base::None,
            },
        })
        .collect();
    let owners = notify::annotate(root, config, archive, &specs, report);
    if alerts {
        let ctx = Context {
            root: root.to_path_buf(),
            secrets: Secrets::for_channels(&config.alerts, |n| std::env::var(n).ok()),
            commit: commit.map(str::to_string),
            actor: actor.map(str::to_string),
            time: time::format_millis(now_ms),
            unix: now_ms.div_euclid(1000),
            owners: owners.owners.clone(),
        };
        let deliveries = notify::alert(archive, &config.alerts, report, &ctx)?;
        for d in &deliveries {
            eprintln!("{}", notify::delivery_line(d));
        }
        report.alerts = deliveries;
        notify::required_failures(&report.alerts)?;
    }
    Ok(owners)
}

/// Runs `apidiff summary`.
pub(super) fn run(args: SummaryArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let found = super::check::discovery(&ctx)?;
    if !found.modules.iter().any(|m| m.name == args.module) && ctx.config.module(&args.module).is_none() {
        return Err(Error::Usage(format!("--module {}: no such module (see `apidiff discover`)", args.module)));
    }
    // Entities from the GraphQL specs in the working tree.
    let mut files: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for s in found.specs.iter().filter(|s| s.format == Format::GraphQl) {
        if let Ok(text) = std::fs::read_to_string(ctx.root.join(&s.path)) {
            files.entry(s.module.clone()).or_default().insert(s.path.clone(), text);
        }
    }
    let graph = Graph::new(&ctx.config, &entities(files.iter().map(|(m, f)| (m.as_str(), f))));
    let entries = if ctx.archive.exists()? { ctx.archive.entries()? } else { Vec::new() };
    let latest: Vec<&crate::store::Entry> = Archive::latest(&entries).into_iter().filter(|e| e.module == args.module).collect();
    let changes: Vec<&serde_json::Value> = latest.iter().flat_map(|e| e.changes.iter()).collect();
    let mut dependants = Vec::new();
    for l in graph.dependants(&args.module) {
        let reached: Vec<&serde_json::Value> = changes
            .iter()
            .copied()
            .filter(|c| {
                c.get("impact")
                    .and_then(|i| i.as_array())
                    .is_some_and(|i| i.iter().any(|x| x.get("module").and_then(|m| m.as_str()) == Some(&l.dependant)))
            })
            .collect();
        dependants.push(serde_json::json!({
            "module": l.dependant,
            "via": l.via,
            "uses": l.uses,
            "owners": ctx.config.module(&l.dependant).map(|m| m.owners.clone()).unwrap_or_default(),
            "status": if reached.is_empty() { "not affected" } else { "affected" },
            "changes": reached.iter().filter_map(|c| c.get("fingerprint")).collect::<Vec<_>>(),
        }));
    }
    let owners: Vec<String> = {
        let mut o = ctx.config.module(&args.module).map(|m| m.owners.clone()).unwrap_or_default();
        for e in &latest {
            push_unique(&mut o, e.owners.clone());
        }
        o
    };
    if args.json {
        let v = serde_json::json!({
            "module": args.module,
            "owners": owners,
            "entries": latest.iter().map(|e| serde_json::json!({"id": e.id, "time": e.time, "spec": e.spec, "deploy": e.deploy, "risk": e.risk, "counts": e.counts})).collect::<Vec<_>>(),
            "changes": changes,
            "dependants": dependants,
        });
        super::out(&format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()));
        return Ok(Exit::Clean);
    }
    let mut s = format!("Module {}\n", args.module);
    if !owners.is_empty() {
        s.push_str(&format!("Owners: {}\n", owners.join(", ")));
    }
    if latest.is_empty() {
        s.push_str("No archived history yet (run `apidiff check --record`).\n");
    }
    for e in &latest {
        s.push_str(&format!(
            "\n{} at {} ({}): {} breaking, {} warning, {} info; risk {}\n",
            e.spec,
            e.time,
            e.deploy.as_deref().map(super::check::short).unwrap_or("no deploy"),
            e.counts.breaking,
            e.counts.warning,
            e.counts.info,
            e.risk.as_str()
        ));
        for c in &e.changes {
            let get = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("");
            s.push_str(&format!("  [{}] {}: {}\n", get("severity"), get("id"), get("message")));
            match c.get("clients").and_then(|v| v.as_array()) {
                Some(u) if u.is_empty() => s.push_str("      no known client operation uses it\n"),
                Some(u) => {
                    for o in u {
                        let g = |k: &str| o.get(k).map(|v| v.to_string().trim_matches('"').to_string()).unwrap_or_default();
                        let broken = o.get("broken").and_then(|b| b.as_bool()).unwrap_or(false);
                        s.push_str(&format!(
                            "      {} {} at {}:{}\n",
                            if broken { "breaks" } else { "used by" },
                            g("operation"),
                            g("file"),
                            g("line")
                        ));
                    }
                }
                None => {}
            }
        }
    }
    s.push_str("\nDependants:\n");
    if dependants.is_empty() {
        s.push_str("  (none)\n");
    }
    for d in &dependants {
        let get = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let uses: Vec<String> = d
            .get("uses")
            .and_then(|u| u.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        s.push_str(&format!(
            "  {}: {} (via {}{})\n",
            get("module"),
            get("status"),
            get("via"),
            if uses.is_empty() { ", uses everything".to_string() } else { format!(", uses {}", uses.join(", ")) }
        ));
    }
    super::out(&s);
    Ok(Exit::Clean)
}
