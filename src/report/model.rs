//! The versioned Report every output is rendered from ([`Report`], [`ReportChange`] and their
//! parts), its JSON Schema, and the small helpers renderers share.

pub use super::approval::ApprovalNote;
use super::group::{self, GROUP_SHOWN, Group, Member};
use crate::diff::{Change, Direction, Format, Kind, Location, Severity};
use crate::policy::{FailOn, IgnoreProblem, Outcome};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A change's message with its location taken out (the message of a group of two or more).
fn k_message(c: &ReportChange) -> String {
    group::key(&Member {
        module: None,
        id: &c.id,
        severity: c.severity,
        area: &c.area,
        message: &c.message,
        operation: c.operation.as_deref(),
        before: None,
        after: None,
    })
    .message
}

/// What the model said about a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Ai {
    /// A plain-language summary.
    pub summary: String,
    /// Suggested changes for downstream consumers.
    #[serde(default)]
    pub suggestions: Vec<String>,
    /// The severity the model recommends (breaking, warning or info).
    #[serde(default)]
    pub severity_recommendation: String,
    /// The model that wrote it.
    #[serde(default)]
    pub model: String,
}

/// Version of the JSON report; bumped on any incompatible change to its shape.
pub const SCHEMA_VERSION: &str = "1.3.0";

/// A comparison's result, as every renderer sees it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    /// Version of this document's shape (semver).
    pub schema_version: String,
    /// The tool that wrote it.
    pub tool: Tool,
    /// What was compared: one entry per pair of specs.
    pub specs: Vec<SpecPair>,
    /// Counts.
    pub summary: Summary,
    /// The gate's verdict.
    pub gate: Gate,
    /// Reported changes, worst first.
    pub changes: Vec<ReportChange>,
    /// The reported changes as groups of identical edits (same rule, same before → after, same
    /// message once the location is taken out), worst and largest first; each change names its
    /// group in `group`.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Changes an ignore entry silenced.
    pub ignored: Vec<ReportChange>,
    /// Expired or unused ignore entries.
    #[schemars(with = "Vec<serde_json::Value>")]
    pub ignore_problems: Vec<IgnoreProblem>,
    /// Specs that could not be loaded or compared (since 1.1.0). Every other spec was still
    /// checked; a non-empty list makes `apidiff check` exit with code 2.
    #[serde(default)]
    pub errors: Vec<SpecError>,
    /// Alerts `apidiff check` sent for these changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<AlertDelivery>,
    /// Facts about the run (deploy, author, time, risk), when the command knows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// A model-written summary, when an LLM endpoint was configured and answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai: Option<Ai>,
}

/// A spec that could not be loaded or compared; the run went on without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SpecError {
    /// The spec's module, inside `apidiff check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The spec's main file, relative to the repository root.
    pub spec: String,
    /// The file the problem is in: the spec itself or a file it imports or references.
    pub file: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl SpecError {
    /// A stable identity for dashboards: the spec and the place of the problem.
    pub fn fingerprint(&self) -> String {
        format!("apidiff-error:{}:{}", self.spec, self.place())
    }

    /// `file:line:col` (as far as known).
    pub fn place(&self) -> String {
        let mut s = self.file.clone();
        if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(":{c}"));
            }
        }
        s
    }
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place(), self.message.replace('\n', " "))
    }
}

/// Facts about the run that produced a report; every field is optional and omitted when unknown.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Meta {
    /// A title for the rendering (e.g. "API history of module users").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The deploy id (commit hash) the revision belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy: Option<String>,
    /// Who made the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// When the report was generated (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// Risk of the change: low, medium, high or critical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    /// The archived entries an export covers, oldest first (empty outside `apidiff export`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineItem>,
}

/// One archived entry, as an export's timeline lists it.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct TimelineItem {
    /// When it was recorded.
    pub time: String,
    /// The module.
    pub module: String,
    /// The spec file.
    pub spec: String,
    /// The deploy id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy: Option<String>,
    /// The author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The risk.
    pub risk: String,
    /// What happened, e.g. "2 breaking, 1 warning, 0 info", "baseline" or "removed".
    pub changes: String,
}

/// Name and version of apidiff.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    /// Always `apidiff`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// One compared pair.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SpecPair {
    /// Module name, when the comparison ran inside `apidiff check`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The format.
    pub format: Format,
    /// The base's source (path, `<rev>:<path>`, or snapshot id).
    pub base: String,
    /// The revision's source.
    pub revision: String,
}

/// Counts of reported changes by severity.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Summary {
    /// Breaking changes.
    pub breaking: usize,
    /// Warnings.
    pub warning: usize,
    /// Informational changes.
    pub info: usize,
    /// All reported changes.
    pub total: usize,
    /// Changes silenced by the ignore file.
    pub ignored: usize,
    /// Breaking changes an approval in the store made non-blocking (see [`ApprovalNote`]).
    #[serde(default)]
    pub approved: usize,
}

/// The gate's verdict.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Gate {
    /// The lowest severity that fails.
    #[schemars(with = "String")]
    pub fail_on: FailOn,
    /// How many reported changes reach it.
    pub blocking: usize,
    /// Whether the gate passed (exit code 0).
    pub passed: bool,
}

/// One change in a report.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReportChange {
    /// The rule id.
    pub id: String,
    /// Effective severity.
    pub severity: Severity,
    /// Whether it reaches the gate.
    pub blocking: bool,
    /// The format.
    pub format: Format,
    /// Request or response side.
    pub direction: Direction,
    /// Area of the API.
    pub area: String,
    /// What happened.
    pub kind: Kind,
    /// A sentence describing the change.
    pub message: String,
    /// Module, inside `apidiff check`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The operation, field or message concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Further operations reached through a shared definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<String>,
    /// Location in the base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<Location>,
    /// Location in the revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<Location>,
    /// The old value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The new value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Stable identity across commits.
    pub fingerprint: String,
    /// The key of the group in `groups` this change belongs to (reported changes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Why it was ignored (only in `ignored`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_reason: Option<String>,
    /// Dependant modules this change reaches (declared `depends_on`, or GraphQL entities shared
    /// through `@key`), inside `apidiff check`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impact: Vec<ImpactedModule>,
    /// Client operations found in the repository (GraphQL documents) that use what changed;
    /// absent when no client operation was collected, empty when none uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<Vec<ClientUse>>,
    /// The evidence that a breaking change breaks clients (since 1.2.0): a request, response
    /// or value that worked with the base and fails with the revision, checked against both;
    /// `kind: none` with a reason when none could be built. Absent with `--witness off`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<crate::diff::Witness>,
    /// The approval that makes this change non-blocking (`apidiff approve`), inside `apidiff check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalNote>,
    /// What clients really call (since 1.3.0): requests, clients, last request and busiest
    /// clients in the usage window for the elements the change touches, or `{known: false}`
    /// when its module has no evidence in the window. Absent when no usage was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<crate::usage::Usage>,
    /// What the usage policy made of it (since 1.3.0): why a breaking change became a warning
    /// (`0 of 1.2 M requests in 30 days`), or the clients a breaking change breaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_note: Option<String>,
}

/// One alert sent (or not) by `apidiff check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AlertDelivery {
    /// Channel name.
    pub channel: String,
    /// Channel type (`slack`, `webhook`, `email`, `push`).
    pub kind: String,
    /// The module whose changes were announced.
    pub module: String,
    /// `sent` or `failed`.
    pub status: String,
    /// Tries made.
    pub attempts: u32,
    /// The last error, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether a failure fails the check.
    pub required: bool,
    /// Idempotency key (hash of the module and the changes' fingerprints).
    pub key: String,
    /// Who was named as assignee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
    /// How many changes the alert carried.
    pub changes: usize,
}

/// A dependant module a change reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImpactedModule {
    /// The dependant module.
    pub module: String,
    /// Why: `depends_on` (declared) or `entity` (a shared GraphQL `@key` type).
    pub via: String,
    /// The declared use (or shared entity) the change touches; absent when it uses everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    /// Its owners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
}

/// A client operation (GraphQL query, mutation, subscription or fragment) that uses a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClientUse {
    /// File, relative to the repository root.
    pub file: String,
    /// 1-based line of the operation.
    pub line: u32,
    /// Operation (or fragment) name; `(anonymous)` when it has none.
    pub operation: String,
    /// Whether the operation no longer validates against the new schema.
    pub broken: bool,
    /// The validation error against the new schema, when broken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ReportChange {
    /// A change no comparison of two documents produced (a live source's outage or recovery, a
    /// payload drift found in served responses), for the alert channels: about `operation` of
    /// `module`, with no locations, values, impact, witness or usage. `fingerprint` is what the
    /// channels deduplicate on.
    pub fn notice(
        id: &str,
        severity: Severity,
        format: Format,
        kind: Kind,
        message: String,
        at: (&str, &str),
        fingerprint: String,
    ) -> Self {
        let (module, operation) = at;
        ReportChange {
            id: id.into(),
            severity,
            blocking: false,
            format,
            direction: Direction::None,
            area: "service".into(),
            kind,
            message,
            module: Some(module.to_string()),
            operation: Some(operation.to_string()),
            affected: Vec::new(),
            base: None,
            revision: None,
            before: None,
            after: None,
            fingerprint,
            group: None,
            ignore_reason: None,
            impact: Vec::new(),
            clients: None,
            witness: None,
            approval: None,
            usage: None,
            usage_note: None,
        }
    }

    /// Converts a change.
    pub fn new(c: &Change, module: Option<&str>, fail_on: FailOn) -> Self {
        ReportChange {
            id: c.rule.id.to_string(),
            severity: c.severity,
            blocking: fail_on.blocks(c.severity),
            format: c.rule.format,
            direction: c.rule.direction,
            area: c.rule.area.to_string(),
            kind: c.rule.kind,
            message: c.message.clone(),
            module: module.map(str::to_string),
            operation: c.operation.clone(),
            affected: c.affected.clone(),
            base: c.base.clone(),
            revision: c.revision.clone(),
            before: c.before.clone(),
            after: c.after.clone(),
            fingerprint: c.fingerprint.clone(),
            group: None,
            ignore_reason: None,
            impact: Vec::new(),
            clients: None,
            witness: c.witness.clone(),
            approval: None,
            usage: c.usage.clone(),
            usage_note: c.usage_note.clone(),
        }
    }
}

impl Report {
    /// Builds a report from policy outcomes, one per compared pair.
    pub fn build(pairs: Vec<(SpecPair, Outcome)>, fail_on: FailOn) -> Report {
        let mut changes = Vec::new();
        let mut ignored = Vec::new();
        let mut problems = Vec::new();
        let mut specs = Vec::new();
        for (pair, out) in pairs {
            let module = pair.module.as_deref();
            changes.extend(out.changes.iter().map(|c| ReportChange::new(c, module, fail_on)));
            ignored.extend(out.ignored.iter().map(|(c, why)| ReportChange {
                ignore_reason: Some(why.clone()),
                blocking: false,
                ..ReportChange::new(c, module, fail_on)
            }));
            problems.extend(out.problems);
            specs.push(pair);
        }
        let count = |s| changes.iter().filter(|c: &&ReportChange| c.severity == s).count();
        let summary = Summary {
            breaking: count(Severity::Breaking),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
            total: changes.len(),
            ignored: ignored.len(),
            approved: 0,
        };
        let blocking = changes.iter().filter(|c| c.blocking).count();
        let mut report = Report {
            schema_version: SCHEMA_VERSION.to_string(),
            tool: Tool { name: "apidiff".into(), version: env!("CARGO_PKG_VERSION").into() },
            specs,
            summary,
            gate: Gate { fail_on, blocking, passed: blocking == 0 },
            changes,
            groups: Vec::new(),
            ignored,
            ignore_problems: problems,
            errors: Vec::new(),
            meta: None,
            alerts: Vec::new(),
            ai: None,
        };
        report.regroup();
        report
    }

    /// Recomputes `groups` and every change's `group` from `changes` (after a caller edits
    /// them). Linear: changes are hashed by their group key.
    pub fn regroup(&mut self) {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut seen_ops: Vec<HashSet<String>> = Vec::new();
        for c in &mut self.changes {
            let k = group::key(&Member {
                module: c.module.as_deref(),
                id: &c.id,
                severity: c.severity,
                area: &c.area,
                message: &c.message,
                operation: c.operation.as_deref(),
                before: c.before.as_deref(),
                after: c.after.as_deref(),
            });
            let i = *index.entry(k.hash.clone()).or_insert_with(|| {
                groups.push(Group {
                    group: k.hash.clone(),
                    id: c.id.clone(),
                    severity: c.severity,
                    module: c.module.clone(),
                    message: k.message,
                    blocking: false,
                    count: 0,
                    operations: Vec::new(),
                    operation_count: 0,
                    locations: Vec::new(),
                    approved: 0,
                    approval: None,
                });
                seen_ops.push(HashSet::new());
                groups.len() - 1
            });
            let g = &mut groups[i];
            g.count += 1;
            g.blocking |= c.blocking;
            if let Some(a) = &c.approval {
                g.approved += 1;
                g.approval.get_or_insert_with(|| a.clone());
            }
            if g.count == 1 {
                // A single change keeps its own message.
                g.message = c.message.clone();
            } else if g.count == 2 {
                g.message = k_message(c);
            }
            if let Some(op) = &c.operation
                && seen_ops[i].insert(op.clone())
            {
                g.operation_count += 1;
                if g.operations.len() < GROUP_SHOWN {
                    g.operations.push(op.clone());
                }
            }
            if g.locations.len() < GROUP_SHOWN
                && let Some(l) = primary_location(c)
            {
                g.locations.push(l.clone());
            }
            c.group = Some(k.hash);
        }
        // Worst first, then the largest; the first seen first among equals.
        groups.sort_by_key(|g| (std::cmp::Reverse(g.severity), std::cmp::Reverse(g.count)));
        self.groups = groups;
    }

    /// Recomputes the gate and the approved count from the changes' `blocking` flags (after a
    /// caller approved some), then the groups.
    pub fn regate(&mut self) {
        self.summary.approved = self.changes.iter().filter(|c| c.approval.is_some()).count();
        self.gate.blocking = self.changes.iter().filter(|c| c.blocking).count();
        self.gate.passed = self.gate.blocking == 0;
        self.regroup();
    }

    /// The JSON rendering.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The JSON Schema of [`Report`], as published by `apidiff schema`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// A piece of a line about a change's reach: prose, or a name a renderer shows as code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// Prose.
    Text(String),
    /// A module, use, operation or file name.
    Code(String),
}

/// Most client operations listed per change; the rest are counted.
pub const MAX_CLIENTS: usize = 5;

/// Lines about whom a change reaches, for the human renderers: each dependant module it
/// affects (`impact`), then the client operations it breaks or that use it (`clients`; an
/// empty list says no known client uses it). Nothing when neither is known.
pub fn reach(c: &ReportChange) -> Vec<Vec<Seg>> {
    let t = |s: &str| Seg::Text(s.to_string());
    let mut out = Vec::new();
    for i in &c.impact {
        let mut line = vec![t("affects module "), Seg::Code(i.module.clone())];
        match (&i.uses, i.via.as_str()) {
            (Some(u), "entity") => line.extend([t(" (shares entity "), Seg::Code(u.clone()), t(")")]),
            (Some(u), _) => line.extend([t(" (uses "), Seg::Code(u.clone()), t(")")]),
            (None, _) => line.push(t(" (uses all of it)")),
        }
        out.push(line);
    }
    match &c.clients {
        Some(uses) if uses.is_empty() => out.push(vec![t("no known client operation uses it")]),
        Some(uses) => {
            for u in uses.iter().take(MAX_CLIENTS) {
                out.push(vec![
                    t(if u.broken { "breaks client operation " } else { "used by client operation " }),
                    Seg::Code(u.operation.clone()),
                    t(" at "),
                    Seg::Code(format!("{}:{}", u.file, u.line)),
                ]);
            }
            if uses.len() > MAX_CLIENTS {
                let n = uses.len() - MAX_CLIENTS;
                out.push(vec![Seg::Text(format!("and {n} more client operation{}", if n == 1 { "" } else { "s" }))]);
            }
        }
        None => {}
    }
    out
}

/// A [`reach`] line as plain text.
pub fn plain(line: &[Seg]) -> String {
    line.iter()
        .map(|s| match s {
            Seg::Text(t) | Seg::Code(t) => t.as_str(),
        })
        .collect()
}

/// What the evidence says about a change, as one line (`usage: breaks web (300) (…)`), when
/// usage was read.
pub fn usage_line(c: &ReportChange) -> Option<String> {
    let usage = c.usage.as_ref()?;
    Some(match (&c.usage_note, usage) {
        (Some(note), _) => format!("usage: {note}"),
        (None, crate::usage::Usage::Known(_)) => {
            let clients = usage.clients_list();
            let sentence = usage.sentence().unwrap_or_default();
            if clients.is_empty() { format!("usage: {sentence}") } else { format!("usage: {sentence}, by {clients}") }
        }
        (None, crate::usage::Usage::Unknown { .. }) => "usage: unknown (no evidence for this module in the window)".into(),
    })
}

/// Where a change is best shown: the base for removals, else the revision (falling back to
/// the other side).
pub fn primary_location(c: &ReportChange) -> Option<&Location> {
    if matches!(c.kind, Kind::Removed) { c.base.as_ref().or(c.revision.as_ref()) } else { c.revision.as_ref().or(c.base.as_ref()) }
}

/// The index in `report.specs` of the pair a change came from: the pair of its module whose
/// base or revision names the change's file, else the first pair of its module, else 0.
pub fn pair_index(report: &Report, c: &ReportChange) -> usize {
    let files: Vec<&str> = [&c.base, &c.revision].iter().filter_map(|l| l.as_ref().map(|l| l.file.as_str())).collect();
    // A spec-level change (format `any`: a spec removed or moved) belongs to its module's row.
    let same_module = |p: &&SpecPair| p.module == c.module && (p.format == c.format || c.format == Format::Any);
    let by_file = report.specs.iter().position(|p| {
        same_module(&p)
            && files
                .iter()
                .any(|f| *f == p.revision || *f == p.base || p.revision.ends_with(&format!(":{f}")) || p.base.ends_with(&format!(":{f}")))
    });
    by_file.or_else(|| report.specs.iter().position(|p| same_module(&p))).unwrap_or(0)
}

/// A repository-relative path for a location's file: drops a `<git-ref>:` prefix and turns
/// backslashes into slashes, so CI systems can place annotations.
pub fn repo_path(file: &str) -> String {
    let f = match file.split_once(':') {
        Some((rev, rest)) if !(rest.starts_with("//") || rev.len() == 1 && rest.starts_with('\\')) => rest,
        _ => file,
    };
    f.replace('\\', "/").trim_start_matches("./").to_string()
}

/// The file a change should be reported against, with its line and column (1 when unknown).
pub fn anchor(report: &Report, c: &ReportChange) -> (String, u32, u32) {
    match primary_location(c) {
        Some(l) => (repo_path(&l.file), l.line.unwrap_or(1).max(1), l.column.unwrap_or(1).max(1)),
        None => {
            let file = report.specs.get(pair_index(report, c)).map(|p| repo_path(&p.revision)).unwrap_or_default();
            (file, 1, 1)
        }
    }
}

/// The modules of a report in the order of its specs (`None` for a plain `diff`).
pub fn modules(report: &Report) -> Vec<Option<&str>> {
    let mut seen: Vec<Option<&str>> = Vec::new();
    let named = report.specs.iter().map(|p| p.module.as_deref()).chain(report.groups.iter().map(|g| g.module.as_deref()));
    for m in named {
        if !seen.contains(&m) {
            seen.push(m);
        }
    }
    seen
}

/// The first change of every group, by group key.
pub fn first_members(report: &Report) -> HashMap<&str, &ReportChange> {
    let mut first = HashMap::new();
    for c in &report.changes {
        if let Some(g) = &c.group {
            first.entry(g.as_str()).or_insert(c);
        }
    }
    first
}

/// A rule's documentation without the doc-comment indentation.
pub fn rule_docs(rule: &crate::diff::Rule) -> String {
    let mut s = String::new();
    for line in rule.docs.lines() {
        s.push_str(line.strip_prefix(' ').unwrap_or(line));
        s.push('\n');
    }
    s.trim().to_string()
}
