//! How risky a set of changes is: how serious they are, and how many declared dependants they
//! reach ([`Risk::assess`]).

use super::graph::{Touch, uses_match};
use crate::config::Config;
use crate::diff::{self, Change};
use crate::store::{Counts, Risk};

/// The highest risk over every spec and removal.
pub fn overall_risk<'a>(
    config: &Config,
    specs: impl Iterator<Item = (&'a str, &'a [Change])>,
    removed: impl Iterator<Item = (&'a str, &'a [Change])>,
) -> Risk {
    specs.map(|(m, c)| risk(config, m, c)).chain(removed.map(|(m, c)| removal_risk(config, m, c))).max().unwrap_or(Risk::Low)
}

/// The risk of one spec's changes: how serious they are and how many dependants they reach.
pub fn risk(config: &Config, module: &str, changes: &[Change]) -> Risk {
    let n = Counts::of(changes);
    Risk::assess(n.breaking, n.warning, touched_dependants(config, module, changes).len())
}

/// The risk of a removed spec: critical while its removal is reported as breaking, else what
/// its (re-levelled) change amounts to.
pub fn removal_risk(config: &Config, module: &str, changes: &[Change]) -> Risk {
    if Counts::of(changes).breaking > 0 {
        return Risk::Critical;
    }
    risk(config, module, changes)
}

/// Modules declared as depending on `module` that a warning or breaking change reaches: one
/// that uses everything, or one whose `uses` matches a changed element (the same matcher as
/// alerts and impact use).
pub fn touched_dependants(config: &Config, module: &str, changes: &[Change]) -> Vec<String> {
    let serious: Vec<Touch<'_>> = changes.iter().filter(|c| c.severity >= diff::Severity::Warning).map(Touch::from).collect();
    if serious.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (m, dep) in config.dependants(module) {
        let hit = dep.uses().is_empty() || dep.uses().iter().any(|u| serious.iter().any(|t| uses_match(u, t)));
        if hit && !out.contains(&m.name) {
            out.push(m.name.clone());
        }
    }
    out
}
