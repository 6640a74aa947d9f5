//! Usage on changes: each change of a module gets the [`Usage`] of the elements it touches
//! ([`Change::elements`]) from the evidence in the store, before the policy weighs it
//! (`policy::apply` re-levels by it); and `usage show`'s view of one module ([`show`]): what is
//! used, and the safe-to-remove list (operations of its description nobody called in the
//! window while the module has evidence).

use crate::diff::Change;
use crate::error::Result;
use crate::spec::Spec;
use crate::spec::graphql::RootOp;
use crate::usage::{Element, Usage, UsageIndex, UsagePolicy};
use serde::Serialize;

/// The evidence a run weighs changes with: the index, the policy's window and today.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// Every usage batch of the store, folded.
    pub index: UsageIndex,
    /// The window, thresholds and excluded clients.
    pub policy: UsagePolicy,
    /// Today (`YYYY-MM-DD`): the window ends here.
    pub today: String,
}

impl Evidence {
    /// Reads the store's usage batches; `None` when it holds none (reports then stay as they
    /// were: no `usage` on any change).
    pub fn read(store: &dyn crate::store::Store, policy: UsagePolicy, today: &str) -> Result<Option<Evidence>> {
        if !store.exists()? || store.list(crate::store::usage::USAGE)?.is_empty() {
            return Ok(None);
        }
        let index = crate::store::usage::load(store)?;
        Ok(Some(Evidence { index, policy, today: today.to_string() }))
    }

    /// Sets `usage` on each change of `module`: the evidence for its elements, or
    /// `{known: false}` when the module has none in the window or the change touches nothing
    /// countable.
    pub fn attach(&self, module: &str, changes: &mut [Change]) {
        for c in changes {
            let elements = c.elements();
            c.usage = Some(if elements.is_empty() {
                Usage::unknown()
            } else {
                self.index.usage_of(module, &elements, &self.today, &self.policy)
            });
        }
    }
}

/// One operation of a module in `usage show`.
#[derive(Debug, Clone, Serialize)]
pub struct OperationUse {
    /// `GET /pets`, `Query.user`, `acme.v1.Users/Find`.
    pub operation: String,
    /// Requests in the window.
    pub requests: u64,
    /// Distinct clients.
    pub clients: u64,
    /// The last request's time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

/// What `usage show --module M` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// The module.
    pub module: String,
    /// Whether the module has evidence in the window (else nothing below means "unused").
    pub known: bool,
    /// The window (`30d`).
    pub window: String,
    /// All requests to the module in the window.
    pub requests: u64,
    /// The module's clients, busiest first.
    pub clients: Vec<crate::usage::ClientCount>,
    /// Operations with requests, busiest first.
    pub used: Vec<OperationUse>,
    /// Operations of the description with no request in the window: safe to remove, as far as
    /// the evidence goes (empty when the module has no evidence).
    pub unused: Vec<String>,
}

/// The operations a description declares, as usage elements: HTTP operations, GraphQL root
/// fields, protobuf RPCs.
pub fn operations_of(spec: &Spec) -> Vec<Element> {
    match spec {
        Spec::OpenApi(api) => {
            api.operations.values().map(|o| Element::Operation { method: o.method.to_ascii_uppercase(), path: o.path.clone() }).collect()
        }
        Spec::GraphQl(schema) => {
            let roots = [RootOp::Query, RootOp::Mutation, RootOp::Subscription];
            roots
                .iter()
                .filter_map(|r| schema.root(*r))
                .filter_map(|name| schema.types.get(name))
                .flat_map(|t| t.fields.keys().map(|f| Element::Field { parent: t.name.clone(), field: f.clone() }))
                .collect()
        }
        Spec::Protobuf(p) => p
            .files
            .iter()
            .filter(|f| f.own)
            .flat_map(|f| &f.services)
            .flat_map(|s| s.methods.iter().map(|m| Element::Rpc { service: s.full_name.clone(), method: m.name.clone() }))
            .collect(),
        Spec::AsyncApi(_) | Spec::TypeScript(_) => Vec::new(),
    }
}

/// Lists what of `module`'s description (`spec`, when one was loaded) is used and what is not.
pub fn show(evidence: &Evidence, module: &str, spec: Option<&Spec>) -> Shown {
    let policy = &evidence.policy;
    let today = evidence.today.as_str();
    let mut used = Vec::new();
    let mut unused = Vec::new();
    let known = evidence.index.knows(module, &crate::usage::window_start(today, policy.window_days), policy);
    let mut ops: Vec<Element> = spec.map(operations_of).unwrap_or_default();
    for (e, n) in evidence.index.elements_of(module, today, policy) {
        if n > 0 && matches!(e, Element::Operation { .. } | Element::Field { .. } | Element::Rpc { .. }) && !ops.contains(&e) {
            ops.push(e);
        }
    }
    for e in &ops {
        match evidence.index.usage(module, e, today, policy) {
            Usage::Known(k) if k.requests > 0 => {
                used.push(OperationUse { operation: e.operation(), requests: k.requests, clients: k.clients, last_seen: k.last_seen })
            }
            Usage::Known(_) => unused.push(e.operation()),
            Usage::Unknown { .. } => {}
        }
    }
    used.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.operation.cmp(&b.operation)));
    unused.sort();
    let clients = evidence.index.clients_of(module, today, policy);
    Shown {
        module: module.to_string(),
        known,
        window: format!("{}d", policy.window_days),
        requests: clients.iter().map(|c| c.requests).sum(),
        clients,
        used,
        unused,
    }
}
