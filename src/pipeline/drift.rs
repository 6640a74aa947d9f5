//! Drift: where a deployed service (a live source) and its module's committed spec of the same
//! format disagree. Each difference (the service lacks something the spec promises, or has
//! something the spec does not describe) is reported at the level `gate.drift` sets.

use super::Request;
use super::load::Loaded;
use crate::diff;
use crate::discover;
use crate::error::Result;
use crate::policy::{self, Outcome};
use crate::report::SpecPair;
use crate::spec;
use crate::spec::bundle::{self, Tree};

/// What every drift change's message starts with.
pub(super) const PREFIX: &str = "drift (deployed vs committed): ";

/// One report pair per (live source, committed spec) of the same module and format, comparing
/// committed (base) with deployed (revision); empty when `gate.drift` is `off`.
pub(super) fn pairs(req: &Request<'_>, live: &[Loaded]) -> Result<Vec<(SpecPair, Outcome)>> {
    let Some(level) = req.config.gate.drift.unwrap_or(crate::policy::Level::Warning).severity() else { return Ok(Vec::new()) };
    let modules: Vec<&str> = live.iter().map(|l| l.module.as_str()).collect();
    let has_specs = req.config.modules.iter().any(|m| modules.contains(&m.name.as_str()) && !m.specs.is_empty());
    if !has_specs {
        return Ok(Vec::new());
    }
    let found = discover::discover(&req.root, req.config)?;
    let mut out = Vec::new();
    for l in live {
        for f in found.specs.iter().filter(|f| f.module == l.module && f.format == l.format) {
            let committed = bundle::collect(&Tree::worktree(&req.root, &req.load.ref_roots), &f.path, f.format, &req.load)?;
            let base = spec::load(&committed.input()?, &req.load)?;
            let deployed = spec::load(&l.bundle.input()?, &req.load)?;
            let changes = diff::compare(&base, &deployed, &req.options)?;
            let mut outcome = policy::apply(changes, &req.policy);
            for c in &mut outcome.changes {
                c.severity = level;
                c.message = format!("{PREFIX}{}", c.message);
            }
            outcome.problems.clear();
            let pair = SpecPair {
                module: Some(l.module.clone()),
                format: l.format,
                base: f.path.clone(),
                revision: format!("{} (deployed)", l.path),
            };
            out.push((pair, outcome));
        }
    }
    Ok(out)
}
