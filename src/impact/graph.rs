//! Cross-module impact: which dependant modules a change reaches. Links come from the config
//! (`depends_on` with optional `uses`) and from GraphQL federation: two GraphQL modules that
//! both define a type with `@key` share that entity and depend on each other through it.

use crate::config::Config;
use crate::diff::{Change, Severity};
use crate::report::{ImpactedModule, ReportChange};
use std::collections::{BTreeMap, BTreeSet};

/// A dependency edge: `dependant` uses `uses` of `provider` (empty: everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The module that depends.
    pub dependant: String,
    /// The module depended on.
    pub provider: String,
    /// What is used; empty means everything.
    pub uses: Vec<String>,
    /// `depends_on` or `entity`.
    pub via: &'static str,
}

/// The dependency graph of a repository.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Every edge.
    pub links: Vec<Link>,
}

impl Graph {
    /// Builds the graph from the config and the `@key` entity types of each GraphQL module.
    pub fn new(config: &Config, entities: &BTreeMap<String, BTreeSet<String>>) -> Graph {
        let mut links = Vec::new();
        for m in &config.modules {
            for d in &m.depends_on {
                links.push(Link {
                    dependant: m.name.clone(),
                    provider: d.module().to_string(),
                    uses: d.uses().to_vec(),
                    via: "depends_on",
                });
            }
        }
        for (a, ta) in entities {
            for (b, tb) in entities {
                if a == b {
                    continue;
                }
                let shared: Vec<String> = ta.intersection(tb).cloned().collect();
                if !shared.is_empty() {
                    links.push(Link { dependant: b.clone(), provider: a.clone(), uses: shared, via: "entity" });
                }
            }
        }
        Graph { links }
    }

    /// Modules that depend on `module`, each once (the first link found).
    pub fn dependants(&self, module: &str) -> Vec<&Link> {
        let mut seen = BTreeSet::new();
        self.links.iter().filter(|l| l.provider == module && seen.insert(l.dependant.as_str())).collect()
    }

    /// The dependant modules a breaking change of `module` reaches, with the use it touches.
    pub fn impact(&self, module: &str, change: &ReportChange, config: &Config) -> Vec<ImpactedModule> {
        if change.severity < Severity::Breaking {
            return Vec::new();
        }
        let mut out: Vec<ImpactedModule> = Vec::new();
        for l in self.links.iter().filter(|l| l.provider == module) {
            if out.iter().any(|i| i.module == l.dependant) {
                continue;
            }
            let hit = if l.uses.is_empty() {
                Some(None)
            } else {
                l.uses.iter().find(|u| uses_match(u, &Touch::from(change))).map(|u| Some(u.clone()))
            };
            if let Some(uses) = hit {
                let owners = config.module(&l.dependant).map(|m| m.owners.clone()).unwrap_or_default();
                out.push(ImpactedModule { module: l.dependant.clone(), via: l.via.to_string(), uses, owners });
            }
        }
        out
    }
}

/// Normalises path templates so `GET /users/{id}` and `GET /users/{userId}` (and `{}`) agree.
fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.trim().chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `item` names `target` or something inside it (`User` covers `User.email`,
/// `Query.user` covers `Query.user(id:)`, `/users` covers `/users/properties/x`).
fn covers(item: &str, target: &str) -> bool {
    let (item, target) = (norm(item), norm(target));
    if item.is_empty() || target.is_empty() {
        return false;
    }
    target == item || target.strip_prefix(&item).is_some_and(|rest| rest.starts_with(['.', '(', '/']))
}

/// What a `uses` entry is matched against: the parts of a change (raw or as reported) that
/// name what it touched.
#[derive(Debug, Clone, Copy)]
pub struct Touch<'a> {
    operation: Option<&'a str>,
    affected: &'a [String],
    pointers: [Option<&'a str>; 2],
    message: &'a str,
}

impl<'a> From<&'a ReportChange> for Touch<'a> {
    fn from(c: &'a ReportChange) -> Self {
        Touch {
            operation: c.operation.as_deref(),
            affected: &c.affected,
            pointers: [c.base.as_ref().map(|l| l.pointer.as_str()), c.revision.as_ref().map(|l| l.pointer.as_str())],
            message: &c.message,
        }
    }
}

impl<'a> From<&'a Change> for Touch<'a> {
    fn from(c: &'a Change) -> Self {
        Touch {
            operation: c.operation.as_deref(),
            affected: &c.affected,
            pointers: [c.base.as_ref().map(|l| l.pointer.as_str()), c.revision.as_ref().map(|l| l.pointer.as_str())],
            message: &c.message,
        }
    }
}

/// Whether a `uses` entry (an operation, coordinate, type or pointer) matches a change: its
/// operation, the operations it reaches, its locations' pointers, or an element its message
/// names in backticks. Path parameters match whatever they are named. The one matcher for
/// records, risk and alerts.
pub fn uses_match(uses: &str, c: &Touch<'_>) -> bool {
    c.operation.is_some_and(|o| covers(uses, o))
        || c.affected.iter().any(|a| covers(uses, a))
        || c.pointers.iter().flatten().any(|p| covers(uses, p))
        || c.message.split('`').skip(1).step_by(2).any(|named| covers(uses, named))
}
