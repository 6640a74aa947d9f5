//! `apidiff summary --module X`: a module's latest changes, its dependants and whether the
//! changes reach them. Also the step `check` runs after diffing: owners (module owners and
//! CODEOWNERS), cross-module impact, the client operations a change reaches, and the alerts.

use super::Exit;
use super::check::{Checked, Common};
use crate::config::Config;
use crate::diff::{Change, Format};
use crate::error::Error;
use crate::notify::impact::Graph;
use crate::notify::operations::{self, Clients};
use crate::notify::owners::CodeOwners;
use crate::notify::{self, Context, Secrets};
use crate::policy::FailOn;
use crate::report::{ClientUse, Report, ReportChange};
use crate::store::bundle::Tree;
use crate::store::{Archive, time};
use clap::Args;
use std::collections::{BTreeMap, BTreeSet};
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

/// What `check` learnt about owners and impact, for the records it writes.
pub(super) struct Notified {
    assignees: BTreeMap<String, Vec<String>>,
}

impl Notified {
    /// Who is assigned to a module's changes: its owners and those of the dependants reached.
    pub(super) fn assignees(&self, module: &str) -> Vec<String> {
        self.assignees.get(module).cloned().unwrap_or_default()
    }

    /// A change as the report has it (with impact and clients), else freshly converted.
    pub(super) fn change(&self, report: &Report, c: &Change, module: &str, fail_on: FailOn) -> ReportChange {
        report
            .changes
            .iter()
            .find(|r| r.fingerprint == c.fingerprint && r.module.as_deref() == Some(module))
            .cloned()
            .unwrap_or_else(|| ReportChange::new(c, Some(module), fail_on))
    }
}

fn push_unique(v: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for i in items {
        if !v.contains(&i) {
            v.push(i);
        }
    }
}

/// `@key` entity types of every GraphQL module, from the given files.
fn entities<'a>(files: impl Iterator<Item = (&'a str, &'a BTreeMap<String, String>)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, files) in files {
        for text in files.values() {
            out.entry(module.to_string()).or_default().extend(operations::key_entities(text));
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

/// Runs after `check` has diffed: fills each change's impact and clients, works out owners,
/// sends alerts (unless `alerts` is false) and puts their outcome in the report.
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
) -> Result<Notified, Error> {
    let codeowners = CodeOwners::load(root);
    let changed: BTreeSet<&str> = report.changes.iter().filter_map(|c| c.module.as_deref()).collect();
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &config.modules {
        owners.insert(m.name.clone(), m.owners.clone());
    }
    for c in checked {
        if changed.contains(c.spec.module.as_str()) || !codeowners.is_empty() {
            let o = owners.entry(c.spec.module.clone()).or_default();
            push_unique(o, codeowners.owners(&c.spec.path));
        }
    }
    let graphql: Vec<&Checked> = checked.iter().filter(|c| c.spec.format == Format::GraphQl).collect();
    let graph = Graph::new(config, &entities(graphql.iter().map(|c| (c.spec.module.as_str(), &c.bundle.files))));
    for ch in report.changes.iter_mut() {
        let module = ch.module.clone().unwrap_or_default();
        ch.impact = graph.impact(&module, ch, config);
        for i in ch.impact.iter_mut() {
            push_unique(&mut i.owners, owners.get(&i.module).cloned().unwrap_or_default());
        }
    }

    // Client operations, only when a GraphQL spec changed.
    let changed_graphql: Vec<&&Checked> = graphql
        .iter()
        .filter(|c| report.changes.iter().any(|r| r.module.as_deref() == Some(&c.spec.module) && touches_spec(r, c)))
        .collect();
    if !changed_graphql.is_empty() {
        let clients = Clients::collect(root);
        if !clients.is_empty() {
            for c in changed_graphql {
                let rev: Vec<(String, String)> = c.bundle.files.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                let base: Option<Vec<(String, String)>> = match (git_base, c.previous.as_ref().and_then(|p| p.snapshot.as_deref())) {
                    (Some(tree), _) => tree.open(&c.spec.path).ok().map(|i| vec![(c.spec.path.clone(), i.text)]),
                    (None, Some(snap)) => archive.snapshot(snap).ok().map(|b| b.files.into_iter().collect()),
                    (None, None) => None,
                };
                let results = clients.check(base.as_deref(), &rev);
                for ch in report.changes.iter_mut().filter(|r| r.module.as_deref() == Some(&c.spec.module) && r.format == Format::GraphQl) {
                    let pointers: Vec<&str> =
                        [&ch.base, &ch.revision].iter().filter_map(|l| l.as_ref().map(|l| l.pointer.as_str())).collect();
                    let uses: Vec<ClientUse> = results
                        .iter()
                        .filter(|r| pointers.iter().any(|p| r.used.touches(p)))
                        .map(|r| ClientUse {
                            file: r.op.file.clone(),
                            line: r.op.line,
                            operation: r.op.name.clone(),
                            broken: r.broken.is_some(),
                            error: r.broken.clone(),
                        })
                        .collect();
                    ch.clients = Some(uses);
                }
            }
        }
    }

    let mut assignees = owners.clone();
    for ch in &report.changes {
        let module = ch.module.clone().unwrap_or_default();
        for i in &ch.impact {
            push_unique(assignees.entry(module.clone()).or_default(), i.owners.clone());
        }
    }

    if alerts && !config.alerts.channels.is_empty() && !report.changes.is_empty() {
        let mut secrets = Secrets::default();
        for ch in &config.alerts.channels {
            for name in ch.env_names() {
                if let Ok(v) = std::env::var(name) {
                    secrets.0.insert(name.to_string(), v);
                }
            }
        }
        let ctx = Context {
            root: root.to_path_buf(),
            secrets,
            commit: commit.map(str::to_string),
            actor: actor.map(str::to_string),
            time: time::format_millis(now_ms),
            unix: now_ms.div_euclid(1000),
            owners: owners.clone(),
        };
        let store = if archive.exists()? { Some(archive) } else { None };
        let deliveries = notify::run(store, &config.alerts, report, &ctx)?;
        for d in &deliveries {
            match &d.error {
                None => eprintln!(
                    "alert: {} ({}) told about {} change{} in module {}{}",
                    d.channel,
                    d.kind,
                    d.changes,
                    super::check::plural(d.changes),
                    d.module,
                    if d.owners.is_empty() { String::new() } else { format!("; owners {}", d.owners.join(", ")) }
                ),
                Some(e) => eprintln!(
                    "{}: alert channel {} ({}) failed for module {}: {e}",
                    if d.required { "error" } else { "warning" },
                    d.channel,
                    d.kind,
                    d.module
                ),
            }
        }
        report.alerts = deliveries;
        notify::required_failures(&report.alerts)?;
    }
    Ok(Notified { assignees })
}

/// Whether a change is located in a checked spec's files.
fn touches_spec(r: &ReportChange, c: &Checked) -> bool {
    [&r.base, &r.revision].iter().any(|l| l.as_ref().is_some_and(|l| c.bundle.files.contains_key(&l.file) || l.file == c.spec.path))
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
