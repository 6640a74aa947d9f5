//! What recording a checked spec needs, shared by `apidiff check --record` and the server's
//! register endpoint: the repository's policy, counts, and the dependants a diff reaches.

use super::Counts;
use crate::config::Config;
use crate::diff::{Change, Severity};
use crate::error::{Error, Located};
use crate::policy::{self, FailOn, Policy};
use std::path::Path;

/// The policy of a repository: severity overrides and ignores from the config, then `severity`
/// (`RULE=LEVEL` strings from the command line).
pub fn repo_policy(root: &Path, config: &Config, severity: &[String], fail_on: FailOn, today: &str) -> Result<Policy, Error> {
    let mut policy = Policy { fail_on, today: today.to_string(), ..Policy::default() };
    for (id, level) in &config.severity {
        let (id, level) = policy::parse_override(&format!("{id}={level}"))?;
        policy.overrides.insert(id, level);
    }
    for s in severity {
        let (id, level) = policy::parse_override(s)?;
        policy.overrides.insert(id, level);
    }
    let ignore = match &config.ignore_file {
        Some(p) => Some(root.join(p)),
        None => Some(root.join(".apidiff-ignore.yaml")).filter(|p| p.exists()),
    };
    if let Some(p) = ignore {
        let name = p.strip_prefix(root).unwrap_or(&p).display().to_string();
        let text = std::fs::read_to_string(&p).map_err(|e| Located::file(&name, format!("cannot read the ignore file: {e}")))?;
        policy.ignores = policy::parse_ignore_file(&name, &text)?;
    }
    Ok(policy)
}

/// Counts of changes by severity.
pub fn count(changes: &[Change]) -> Counts {
    let n = |s| changes.iter().filter(|c| c.severity == s).count();
    Counts { breaking: n(Severity::Breaking), warning: n(Severity::Warning), info: n(Severity::Info) }
}

/// Modules declared as depending on `module` that a warning or breaking change reaches: one
/// that uses everything, or one whose `uses` names a changed operation, element or type.
pub fn touched_dependants(config: &Config, module: &str, changes: &[Change]) -> Vec<String> {
    let serious: Vec<&Change> = changes.iter().filter(|c| c.severity >= Severity::Warning).collect();
    if serious.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (m, dep) in config.dependants(module) {
        let hit = dep.uses().is_empty()
            || dep.uses().iter().any(|u| {
                serious.iter().any(|c| {
                    c.operation.as_deref() == Some(u.as_str())
                        || c.affected.iter().any(|a| a == u)
                        || [&c.base, &c.revision].iter().any(|l| l.as_ref().is_some_and(|l| l.pointer.contains(u.as_str())))
                        || c.message.contains(&format!("`{u}`"))
                })
            });
        if hit && !out.contains(&m.name) {
            out.push(m.name.clone());
        }
    }
    out
}
