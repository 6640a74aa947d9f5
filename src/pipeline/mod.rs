//! Every use case, owned by the library, each a function with a typed request and a typed
//! result: [`check`] (discover → load → compare with a baseline → policy → report with owners,
//! impact and client operations) and [`record`]; [`diff()`] of two versions; [`hurl_tests`];
//! [`rollback`] (plan, preview, apply); [`summary()`]; [`export()`] and [`entry_report`]; and the
//! [`watch`] loop; [`approvals`] (approve, list, revoke, and the step of `check` that honours
//! them). None prints, reads the environment or exits: the CLI and the server only turn
//! arguments and requests into these requests, and results into output.

pub mod approvals;
mod compare;
pub mod conformance;
mod diff;
mod drift;
mod export;
pub mod github;
mod hurl;
pub mod ingest;
mod load;
mod moves;
mod record;
mod request;
pub mod rollback;
mod summary;
pub mod usage;
pub mod watch;

pub use crate::impact::risk::{removal_risk, risk, touched_dependants};
pub use request::{Baseline, Checked, Given, Identity, Removed, Request, Scope, Spec, Vanished, load_options, policy_for, short};
pub(crate) use request::{annotate, removal_change};

use crate::diff::Change;
use crate::error::Result;
use crate::policy::{self};
use crate::progress::{Progress, Silent};
use crate::report::{Meta, Report, SpecPair};
use crate::source::git;
use crate::store::Entry;
use crate::time;
pub use diff::{DiffRequest, Diffed, diff};
pub use export::{ExportFormat, ExportRequest, Exported, entry_report, export, export_with, history_report, timeline_markdown};
pub use hurl::{HurlRequest, hurl_tests};
pub use load::{LiveFetch, fetch_live, live_sources};
pub use record::{Recorded, audit_failures, record};
use std::collections::BTreeSet;
pub use summary::{Dependant, LatestSpec, Summary, summary};

/// Runs the check: loads every spec in scope, compares it with its baseline, applies the
/// policy once over everything, and builds the annotated report.
pub fn check(req: &Request<'_>) -> Result<Checked> {
    check_with(req, &Silent)
}

/// [`check`], telling `progress` about every spec loaded and compared.
pub fn check_with(req: &Request<'_>, progress: &dyn Progress) -> Result<Checked> {
    let fail_on = req.policy.fail_on;
    let mut loaded = load::load_all(req, progress)?;
    let mut identity = req.identity.clone();
    let mut notes = std::mem::take(&mut loaded.notes);
    mark_dirty(req, &loaded.specs, &loaded.removed, &mut identity, &mut notes);

    // Policy once over everything, so unused ignores are judged on the whole run.
    let evidence = usage::Evidence::read(req.archive.store(), req.policy.usage.clone().unwrap_or_default(), &req.policy.today)?;
    let mut removals: Vec<Change> = loaded.removed.iter().map(removal_change).collect();
    let rev = match &req.baseline {
        Baseline::Git(rev) => rev.as_str(),
        Baseline::Archive => "",
    };
    let mut vanishings: Vec<Change> =
        loaded.vanished.iter().map(|g| crate::diff::general::removed_since(&g.module, &g.path, rev)).collect();
    load::prove_gone(req, &loaded, &mut removals, &mut vanishings);
    if let Some(ev) = &evidence {
        attach_usage(ev, &mut loaded, &mut removals, &mut vanishings);
    }
    let all: Vec<Change> = loaded
        .specs
        .iter()
        .flat_map(|c| c.changes.iter().cloned())
        .chain(removals.iter().cloned())
        .chain(vanishings.iter().cloned())
        .collect();
    let problems = policy::apply(all, &req.policy).problems;
    let drift = match req.scope {
        Scope::Live(..) | Scope::Fetched(_) => drift::pairs(req, &loaded.specs)?,
        _ => Vec::new(),
    };
    let mut pairs = Vec::new();
    let mut specs = Vec::new();
    for mut s in loaded.specs {
        let mut outcome = policy::apply(std::mem::take(&mut s.changes), &req.policy);
        let kept = outcome.changes.clone();
        outcome.problems = if pairs.is_empty() { problems.clone() } else { Vec::new() };
        let pair = SpecPair {
            module: Some(s.module.clone()),
            format: s.format,
            base: s.base_label.clone().unwrap_or_else(|| "(none)".into()),
            revision: s.path.clone(),
        };
        pairs.push((pair, outcome));
        s.changes = kept;
        specs.push(s);
    }
    let mut removed = Vec::new();
    for (entry, change) in loaded.removed.into_iter().zip(removals) {
        let mut outcome = policy::apply(vec![change], &req.policy);
        let kept = outcome.changes.clone();
        outcome.problems = if pairs.is_empty() { problems.clone() } else { Vec::new() };
        let pair = SpecPair {
            module: Some(entry.module.clone()),
            format: entry.format,
            base: format!("snapshot:{}", short(entry.snapshot.as_deref().unwrap_or(""))),
            revision: "(removed)".into(),
        };
        pairs.push((pair, outcome));
        removed.push(Removed { entry, changes: kept });
    }
    let mut vanished = Vec::new();
    for (g, change) in loaded.vanished.into_iter().zip(vanishings) {
        let mut outcome = policy::apply(vec![change], &req.policy);
        let kept = outcome.changes.clone();
        outcome.problems = if pairs.is_empty() { problems.clone() } else { Vec::new() };
        let pair =
            SpecPair { module: Some(g.module.clone()), format: g.format, base: format!("{rev}:{}", g.path), revision: "(removed)".into() };
        pairs.push((pair, outcome));
        vanished.push(Vanished { module: g.module, path: g.path, format: g.format, rev: rev.to_string(), changes: kept });
    }
    pairs.extend(drift);
    let mut report = Report::build(pairs, fail_on);
    report.errors = loaded.errors;
    report.meta = Some(Meta {
        deploy: identity.deploy.clone(),
        author: identity.author.clone(),
        generated_at: Some(time::format_millis(identity.now)),
        risk: Some(
            crate::impact::risk::overall_risk(
                req.config,
                specs.iter().map(|s| (s.module.as_str(), s.changes.as_slice())),
                removed
                    .iter()
                    .map(|r| (r.entry.module.as_str(), r.changes.as_slice()))
                    .chain(vanished.iter().map(|v| (v.module.as_str(), v.changes.as_slice()))),
            )
            .as_str()
            .to_string(),
        ),
        ..Meta::default()
    });
    let owners = annotate(req, &specs, loaded.clients.as_deref(), &mut report);
    // Approved breaking changes pass the gate (read where the run compares: a store may be absent).
    let ledger = req.archive.ledger()?;
    notes.extend(approvals::apply(&ledger, req.config, &owners, &req.policy.today, &identity.prs, &mut report));
    Ok(Checked { specs, removed, vanished, notes, report, owners, identity, baseline: loaded.archive_empty })
}
/// Usage on every change of the run: each spec's, and each removed or vanished spec's.
fn attach_usage(ev: &usage::Evidence, loaded: &mut load::LoadedAll, removals: &mut [Change], vanishings: &mut [Change]) {
    for s in &mut loaded.specs {
        ev.attach(&s.module, &mut s.changes);
    }
    for (e, c) in loaded.removed.iter().zip(removals) {
        ev.attach(&e.module, std::slice::from_mut(c));
    }
    for (g, c) in loaded.vanished.iter().zip(vanishings) {
        ev.attach(&g.module, std::slice::from_mut(c));
    }
}

/// HEAD does not describe a working tree whose specs have uncommitted edits: say so in the
/// deploy id, so that `rollback --to <sha>` never lands on content that was never committed.
fn mark_dirty(req: &Request<'_>, specs: &[load::Loaded], removed: &[Entry], id: &mut Identity, notes: &mut Vec<String>) {
    let Some(head) = id.head.clone() else { return };
    let mut paths: BTreeSet<&str> = specs.iter().flat_map(|c| c.bundle.files.keys().map(String::as_str)).collect();
    paths.extend(removed.iter().map(|e| e.spec.as_str()));
    let paths: Vec<&str> = paths.into_iter().collect();
    if git::dirty(&req.root, &paths) {
        notes.push(format!("the working tree has uncommitted changes to specs: the deploy id is {}-dirty", short(&head)));
        id.deploy = Some(format!("{head}-dirty"));
        id.message = Some(format!("uncommitted changes on top of {head}"));
    }
}
