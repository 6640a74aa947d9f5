//! Usage on changes: each change of a module gets the [`Usage`] of the elements it touches
//! ([`Change::elements`]) from the evidence in the store, before the policy weighs it
//! (`policy::apply` re-levels by it); and `usage show`'s view of one module ([`show`]): what is
//! used, and the safe-to-remove list (operations of its description nobody called in the
//! window while the module has evidence).

use crate::diff::Change;
use crate::error::Result;
use crate::spec::Spec;
use crate::spec::graphql::RootOp;
use crate::usage::values::{Constraint, Rejected};
use crate::usage::{Element, Usage, UsageIndex, UsagePolicy};
use serde::Serialize;
use std::sync::Arc;

/// The evidence a run weighs changes with: the index, the policy's window and today.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// Every usage batch of the store, folded.
    pub index: UsageIndex,
    /// The window, thresholds and excluded clients.
    pub policy: UsagePolicy,
    /// Today (`YYYY-MM-DD`): the window ends here.
    pub today: String,
    /// The store's pseudonym salt (value digests hash enum values with it), when it has one.
    pub salt: Option<String>,
}

/// The evidence a long-running process (`apidiff serve`) read last, with what it was read
/// from: the store's usage batches, its erasures and the day. Reused while those are the same,
/// so a request pays for two listings instead of reading every batch again.
#[derive(Debug, Default)]
pub struct EvidenceCache(std::sync::Mutex<Option<(CacheKey, Option<Arc<Evidence>>)>>);

type CacheKey = (Vec<String>, usize, String);

impl Evidence {
    /// [`Evidence::read`] through `cache`.
    pub fn read_cached(
        store: &dyn crate::store::Store,
        policy: UsagePolicy,
        today: &str,
        cache: &EvidenceCache,
    ) -> Result<Option<Arc<Evidence>>> {
        if !store.exists()? {
            return Ok(None);
        }
        let mut batches = store.list(crate::store::usage::USAGE)?;
        batches.sort();
        let key = (batches, store.list(crate::store::ERASURES)?.len(), today.to_string());
        if let Ok(g) = cache.0.lock()
            && let Some((k, ev)) = g.as_ref()
            && *k == key
        {
            return Ok(ev.clone());
        }
        let ev = Evidence::read(store, policy, today)?.map(Arc::new);
        if let Ok(mut g) = cache.0.lock() {
            *g = Some((key, ev.clone()));
        }
        Ok(ev)
    }

    /// Reads the store's usage batches; `None` when it holds none (reports then stay as they
    /// were: no `usage` on any change).
    pub fn read(store: &dyn crate::store::Store, policy: UsagePolicy, today: &str) -> Result<Option<Evidence>> {
        if !store.exists()? || store.list(crate::store::usage::USAGE)?.is_empty() {
            return Ok(None);
        }
        let index = crate::store::usage::load(store)?;
        let salt = crate::store::usage::salt(store)?;
        Ok(Some(Evidence { index, policy, today: today.to_string(), salt }))
    }

    /// Sets `usage` on each change of `module`: the evidence for its elements, or
    /// `{known: false}` when the module has none in the window or the change touches nothing
    /// countable.
    pub fn attach(&self, module: &str, changes: &mut [Change]) {
        let since = crate::usage::window_start(&self.today, self.policy.window_days);
        let module_requests = self.index.module_requests(module, &since, &self.policy);
        for c in changes {
            if let Some((e, k)) = &c.constraint {
                c.rejected = self.rejected(module, e, k);
            }
            let elements = c.elements();
            c.usage = Some(if elements.is_empty() {
                Usage::unknown()
            } else {
                self.index.usage_in(module, &elements, &since, module_requests, &self.policy)
            });
        }
    }
}

impl Evidence {
    /// The usage of each recorded change's elements in the current window (the dashboard's
    /// figure beside the one recorded with the verdict), in the changes' order.
    pub fn current(&self, module: &str, changes: &[crate::store::stored::StoredChange]) -> Vec<Usage> {
        let since = crate::usage::window_start(&self.today, self.policy.window_days);
        let module_requests = self.index.module_requests(module, &since, &self.policy);
        changes
            .iter()
            .map(|c| {
                let pointer = c.revision.as_ref().or(c.base.as_ref()).map(|l| l.pointer.as_str());
                let elements = crate::diff::elements_of(c.format, &c.area, c.operation.as_ref(), &c.affected, pointer);
                if elements.is_empty() {
                    Usage::unknown()
                } else {
                    self.index.usage_in(module, &elements, &since, module_requests, &self.policy)
                }
            })
            .collect()
    }

    /// How many observed requests a tightened constraint on `element` would reject: the sampled
    /// values and ingest's value digests together; `None` when neither says anything.
    pub fn rejected(&self, module: &str, element: &Element, c: &Constraint) -> Option<Rejected> {
        let sampled = self.index.values_of(module, element, &self.today, &self.policy).map(|v| v.rejected(c));
        let digests = self.index.digests_of(module, element, &self.today, &self.policy);
        let digested = digests.iter().map(|d| crate::usage::digest_rejected(d, c, self.salt.as_deref()));
        // A digest that cannot decide leaves the whole answer open.
        let digested: Option<Vec<Rejected>> = digested.collect();
        match (sampled, digested) {
            (s, Some(ds)) => ds.into_iter().fold(s, |acc, d| {
                Some(match acc {
                    Some(a) => a.plus(d),
                    None => d,
                })
            }),
            (_, None) => None,
        }
    }
}

/// Marks each tightened request constraint of an OpenAPI comparison (a breaking request-side
/// change whose pointer ends in `maxLength`, `minLength`, `maximum`, `minimum`, `enum` or
/// `pattern`) with the parameter or body property it constrains and the revision's new value,
/// read from the revision's document. Linear in the changes.
pub(crate) fn constraints(rev: &Spec, changes: &mut [Change]) {
    let Spec::OpenApi(api) = rev else { return };
    for c in changes.iter_mut() {
        if c.rule.direction != crate::diff::Direction::Request || c.rule.severity != crate::diff::Severity::Breaking {
            continue;
        }
        let (Some(loc), Some(op)) = (c.revision.as_ref(), c.operation.as_deref()) else { continue };
        let Some((method, path)) = op.split_once(' ') else { continue };
        let doc = api.docs.docs.iter().position(|d| d.input.name == loc.file && d.stands_for.is_none()).unwrap_or(0) as u32;
        let segs: Vec<String> = loc.pointer.split('/').skip(1).map(crate::source::text::unescape_segment).collect();
        let Some((keyword, parent)) = segs.split_last() else { continue };
        let node = |segs: &[String]| {
            let ptr: String = segs.iter().map(|s| format!("/{}", crate::source::text::escape_segment(s))).collect();
            api.docs.get(&crate::spec::refs::NodeId { doc, ptr })
        };
        let Some(schema) = node(parent) else { continue };
        let Some(constraint) = constraint_of(keyword, schema) else { continue };
        let element = if let Some(i) = parent.iter().position(|s| s == "parameters") {
            let Some(p) = node(&parent[..(i + 2).min(parent.len())]) else { continue };
            let (Some(name), Some(place)) = (p.get("name").and_then(|v| v.as_str()), p.get("in").and_then(|v| v.as_str())) else {
                continue;
            };
            let name = if place == "header" { name.to_ascii_lowercase() } else { name.to_string() };
            Element::Parameter { method: method.into(), path: path.into(), location: place.into(), name }
        } else {
            let Some(start) =
                parent.iter().position(|s| s == "schema" || s == "schemas").map(|i| i + 1 + usize::from(parent[i] == "schemas"))
            else {
                continue;
            };
            let mut pointer = String::new();
            let mut i = start;
            while i < parent.len() {
                match parent[i].as_str() {
                    "properties" if i + 1 < parent.len() => {
                        pointer.push('/');
                        pointer.push_str(&crate::source::text::escape_segment(&parent[i + 1]));
                        i += 2;
                    }
                    "items" => {
                        pointer.push_str("/*");
                        i += 1;
                    }
                    _ => i += 1,
                }
            }
            Element::Property { method: method.into(), path: path.into(), direction: "request".into(), pointer }
        };
        c.constraint = Some((element, constraint));
    }
}

/// The constraint `keyword` sets in `schema`, as a test of one value.
fn constraint_of(keyword: &str, schema: &serde_json::Value) -> Option<Constraint> {
    let v = schema.get(keyword)?;
    Some(match keyword {
        "maxLength" => Constraint::MaxLength(v.as_u64()?),
        "minLength" => Constraint::MinLength(v.as_u64()?),
        "maximum" => Constraint::Maximum(v.as_f64()?),
        "minimum" => Constraint::Minimum(v.as_f64()?),
        "enum" => Constraint::Enum(v.as_array()?.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string)).collect()),
        "pattern" => Constraint::Pattern(regex::RegexBuilder::new(v.as_str()?).size_limit(1 << 20).build().ok()?),
        _ => return None,
    })
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
    /// Sampled responses that differ from the description (payload conformance, drift kind).
    pub conformance: Vec<super::conformance::Finding>,
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

/// What `usage show` asks.
#[derive(Debug)]
pub struct ShowRequest<'a> {
    /// The repository root (its specs are discovered as `check` does).
    pub root: &'a std::path::Path,
    /// The configuration (modules, `usage:` policy).
    pub config: &'a crate::config::Config,
    /// The store holding the evidence.
    pub store: &'a dyn crate::store::Store,
    /// The module.
    pub module: &'a str,
    /// Today (`YYYY-MM-DD`).
    pub today: &'a str,
    /// Where a module without specs in the working tree has its description: the latest
    /// archived snapshot of each of its specs (`apidiff serve`, whose modules are registered).
    pub archive: Option<&'a crate::store::Archive>,
    /// The archive's entries, when the caller holds them already (else they are read).
    pub entries: Option<&'a [crate::store::Entry]>,
    /// The evidence read last by this process, when it keeps one (`apidiff serve`).
    pub cache: Option<&'a EvidenceCache>,
}

/// The module's specs: those of the working tree, else (with an archive) the latest archived
/// snapshot of each of its specs that was not removed.
fn module_specs(req: &ShowRequest<'_>) -> Result<Vec<Spec>> {
    let found = crate::discover::discover(req.root, req.config)?;
    let load = super::load_options(req.root, req.config)?;
    let mut specs = Vec::new();
    for f in found.specs.iter().filter(|f| f.module == req.module) {
        let input = crate::source::Input::open(&f.path, req.root)?;
        specs.push(crate::spec::load(&input, &load)?);
    }
    if let (true, Some(archive)) = (specs.is_empty(), req.archive) {
        let read;
        let entries = match req.entries {
            Some(e) => e,
            None => {
                read = archive.entries()?;
                &read[..]
            }
        };
        for e in crate::store::Archive::latest(entries).into_iter().filter(|e| e.module == req.module) {
            let Some(hash) = &e.snapshot else { continue };
            let input = archive.snapshot(hash)?.input()?;
            specs.push(crate::spec::load(&input, &load)?);
        }
    }
    Ok(specs)
}

/// `usage show --module M`: discovers the module's specs in the working tree (or reads them
/// from the archive, see [`ShowRequest::archive`]), reads the evidence, and lists what is used
/// and what is not.
pub fn show_module(req: &ShowRequest<'_>) -> Result<Shown> {
    let policy = req.config.usage.as_ref().map(crate::config::UsageSetting::policy).unwrap_or_default();
    let read = match req.cache {
        Some(cache) => Evidence::read_cached(req.store, policy.clone(), req.today, cache)?,
        None => Evidence::read(req.store, policy.clone(), req.today)?.map(Arc::new),
    };
    let evidence =
        read.unwrap_or_else(|| Arc::new(Evidence { index: UsageIndex::new(), policy, today: req.today.to_string(), salt: None }));
    let specs = module_specs(req)?;
    let mut shown = show(&evidence, req.module, specs.first());
    // A module of several specs: every spec's operations count.
    for spec in specs.iter().skip(1) {
        let more = show(&evidence, req.module, Some(spec));
        shown.unused.extend(more.unused.into_iter().filter(|u| !shown.used.iter().any(|o| &o.operation == u)));
    }
    shown.unused.sort();
    shown.unused.dedup();
    let shapes = evidence.index.responses_of(req.module, req.today, &evidence.policy);
    for spec in &specs {
        if let Spec::OpenApi(api) = spec {
            shown.conformance.extend(super::conformance::conformance(api, &shapes));
        }
    }
    Ok(shown)
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
        conformance: Vec::new(),
    }
}
