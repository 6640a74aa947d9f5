//! `apidiff summary --module X`: a module's latest changes, its dependants and whether the
//! changes reach them.

use super::context::{Common, Exit};
use crate::diff::Format;
use crate::error::Error;
use crate::notify::enrich::{entities, push_unique};
use crate::notify::impact::Graph;
use crate::report::ReportChange;
use crate::store::Archive;
use clap::Args;
use std::collections::BTreeMap;

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

/// Runs `apidiff summary`.
pub(super) fn run(args: SummaryArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let found = super::context::discovery(&ctx)?;
    if !found.modules.iter().any(|m| m.name == args.module) && ctx.config.module(&args.module).is_none() {
        return Err(Error::Usage(format!("--module {}: no such module (see `apidiff discover`)", args.module)));
    }
    // Entities from the GraphQL specs in the working tree.
    let mut files: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for s in found.specs.iter().filter(|s| s.format == Format::GraphQl) {
        if let Ok(Some(text)) = crate::source::read_text_if_exists(&ctx.root.join(&s.path), &s.path, crate::source::MAX_FILE_BYTES) {
            files.entry(s.module.clone()).or_default().insert(s.path.clone(), text);
        }
    }
    let graph = Graph::new(&ctx.config, &entities(files.iter().map(|(m, f)| (m.as_str(), f))));
    let entries = if ctx.archive.exists()? { ctx.archive.entries()? } else { Vec::new() };
    let latest: Vec<&crate::store::Entry> = Archive::latest(&entries).into_iter().filter(|e| e.module == args.module).collect();
    let changes: Vec<&ReportChange> = latest.iter().flat_map(|e| e.changes.iter()).collect();
    let mut dependants = Vec::new();
    for l in graph.dependants(&args.module) {
        let reached: Vec<&ReportChange> = changes.iter().copied().filter(|c| c.impact.iter().any(|x| x.module == l.dependant)).collect();
        dependants.push(serde_json::json!({
            "module": l.dependant,
            "via": l.via,
            "uses": l.uses,
            "owners": ctx.config.module(&l.dependant).map(|m| m.owners.clone()).unwrap_or_default(),
            "status": if reached.is_empty() { "not affected" } else { "affected" },
            "changes": reached.iter().map(|c| &c.fingerprint).collect::<Vec<_>>(),
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
        super::context::out(&format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()));
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
            e.deploy.as_deref().map(super::context::short).unwrap_or("no deploy"),
            e.counts.breaking,
            e.counts.warning,
            e.counts.info,
            e.risk.as_str()
        ));
        for c in &e.changes {
            s.push_str(&format!("  [{}] {}: {}\n", c.severity.as_str(), c.id, c.message));
            match &c.clients {
                Some(u) if u.is_empty() => s.push_str("      no known client operation uses it\n"),
                Some(u) => {
                    for o in u {
                        let verb = if o.broken { "breaks" } else { "used by" };
                        s.push_str(&format!("      {verb} {} at {}:{}\n", o.operation, o.file, o.line));
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
    super::context::out(&s);
    Ok(Exit::Clean)
}
