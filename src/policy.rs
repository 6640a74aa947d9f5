//! What the user decided about changes: severity overrides by rule id, the ignore file, and the
//! `--fail-on` gate. Pure: changes and decisions in, classified changes out.

use crate::diff::{Change, Severity, registry};
use crate::error::{Error, Located, Result};
use crate::source::text::{self, Positions};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// The lowest severity that fails the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Fail on breaking changes (default).
    #[default]
    Breaking,
    /// Fail on warnings and breaking changes.
    Warning,
    /// Fail on any change.
    Info,
    /// Never fail because of changes.
    Never,
}

impl FailOn {
    /// Whether a change of this severity blocks.
    pub fn blocks(self, s: Severity) -> bool {
        match self {
            FailOn::Breaking => s >= Severity::Breaking,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Breaking => "breaking",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }
}

/// How rules levelled by evidence count (`gate.profile` in apidiff.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Each rule at its documented level: a limit documented where none was written, or security
    /// written down for an API that declared none, is a warning (default).
    #[default]
    Evidence,
    /// Rules levelled by evidence ([`crate::diff::Trait::StrictBreaking`]) are breaking, as a
    /// strict reading of the descriptions has them.
    Strict,
}

impl Profile {
    /// The severity a change of `rule` starts from under this profile.
    pub fn severity(self, rule: &crate::diff::Rule) -> Severity {
        match self {
            Profile::Strict if rule.has(crate::diff::Trait::StrictBreaking) => Severity::Breaking,
            _ => rule.severity,
        }
    }
}

/// Whose approvals count at the gate (`gate.approvals` in `apidiff.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApprovalsFrom {
    /// Any recorded approval counts (default).
    #[default]
    Anyone,
    /// Only approvals by one of the module's owners (its `owners` in `apidiff.yaml`, or the
    /// CODEOWNERS of its specs, naming the approver or one of their groups).
    Owners,
}

/// A level a rule (or drift) is set to: a severity, or off. `apidiff.yaml`'s `severity:` values
/// and `gate.drift`, and `--severity RULE=LEVEL`, all read into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Drop the changes entirely (`none` is read as `off`).
    #[serde(alias = "none")]
    Off,
    /// Report as breaking.
    Breaking,
    /// Report as a warning.
    Warning,
    /// Report as informational.
    Info,
}

impl Level {
    /// The severity it reports at; `None` for off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Breaking => Some(Severity::Breaking),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Level {
        match s {
            Severity::Breaking => Level::Breaking,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
        }
    }
}

/// Parses `rule-id=level` (level: breaking, warning, info, off).
pub fn parse_override(s: &str) -> Result<(String, Level)> {
    let (id, level) = s.split_once('=').ok_or_else(|| Error::Usage(format!("`{s}`: expected RULE-ID=LEVEL")))?;
    let level = match level {
        "off" | "none" => Level::Off,
        other => {
            Level::from(Severity::parse(other).ok_or_else(|| Error::Usage(format!("`{other}`: expected breaking, warning, info or off")))?)
        }
    };
    let rule = registry::find(id).ok_or_else(|| Error::Usage(format!("unknown rule id `{id}` (see `apidiff rules`)")))?;
    Ok((rule.id.to_string(), level))
}

/// One entry of `.apidiff-ignore.yaml`.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoreEntry {
    /// The rule id it silences.
    pub rule: String,
    /// A pointer or schema coordinate that must equal the change's base or revision location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// An operation (`GET /pets/{}`, `Query.user`) the change must concern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// A change fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Why it is acceptable (required).
    pub reason: String,
    /// Last day (`YYYY-MM-DD`) the entry applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the entry is written (`file:line`).
    pub source: String,
}

impl IgnoreEntry {
    fn matches(&self, c: &Change) -> bool {
        if self.rule != c.rule.id {
            return false;
        }
        let loc_ok =
            self.location.as_ref().is_none_or(|l| [&c.base, &c.revision].iter().any(|x| x.as_ref().is_some_and(|x| &x.pointer == l)));
        let op_ok = self.operation.as_ref().is_none_or(|o| c.operation.as_ref() == Some(o) || c.affected.contains(o));
        let fp_ok = self.fingerprint.as_ref().is_none_or(|f| c.fingerprint.starts_with(f.as_str()));
        loc_ok && op_ok && fp_ok
    }
}

/// Parses an ignore file:
///
/// ```yaml
/// ignores:
///   - rule: response-property-removed
///     location: /components/schemas/Pet/properties/tag
///     reason: no client reads it (checked in access logs)
///     expires: 2027-01-31
/// ```
pub fn parse_ignore_file(name: &str, content: &str) -> Result<Vec<IgnoreEntry>> {
    let (value, syntax) = text::parse(name, content)?;
    let list = match &value {
        Value::Null => return Ok(Vec::new()),
        Value::Object(o) => o.get("ignores").cloned().unwrap_or(Value::Array(Vec::new())),
        Value::Array(_) => value.clone(),
        _ => return Err(Located::new(name, Some(1), Some(1), "expected a mapping with an `ignores` list").into()),
    };
    let Value::Array(items) = list else {
        return Err(located(name, content, syntax, "/ignores", "`ignores` must be a list"));
    };
    let prefix = if value.is_object() { "/ignores" } else { "" };
    let pointers: Vec<String> = (0..items.len()).map(|i| format!("{prefix}/{i}")).collect();
    let pos = Positions::find(content, syntax, pointers.iter().map(String::as_str));
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = |msg: &str| {
            let (l, c) = pos.get(&pointers[i]).map_or((None, None), |(l, c)| (Some(l), Some(c)));
            Error::from(Located::new(name, l, c, msg))
        };
        let str_field = |k: &str| {
            item.get(k).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
        };
        let Some(rule) = str_field("rule") else { return Err(at("ignore entry needs a `rule` id")) };
        let rule = registry::find(&rule).map(|r| r.id.to_string()).ok_or_else(|| at(&format!("unknown rule id `{rule}`")))?;
        let reason = str_field("reason").filter(|r| !r.trim().is_empty()).ok_or_else(|| at("ignore entry needs a non-empty `reason`"))?;
        let (location, operation, fingerprint) = (str_field("location"), str_field("operation"), str_field("fingerprint"));
        if location.is_none() && operation.is_none() && fingerprint.is_none() {
            return Err(at("ignore entry needs a `location`, `operation` or `fingerprint` besides the rule id"));
        }
        let expires = str_field("expires");
        if let Some(e) = &expires
            && !is_date(e)
        {
            return Err(at(&format!("`expires: {e}`: expected a date YYYY-MM-DD")));
        }
        let line = pos.get(&pointers[i]).map_or(String::new(), |(l, _)| format!(":{l}"));
        out.push(IgnoreEntry { rule, location, operation, fingerprint, reason, expires, source: format!("{name}{line}") });
    }
    Ok(out)
}

fn located(name: &str, content: &str, syntax: text::Syntax, ptr: &str, msg: &str) -> Error {
    let pos = Positions::find(content, syntax, [ptr]);
    let (l, c) = pos.get(ptr).map_or((None, None), |(l, c)| (Some(l), Some(c)));
    Located::new(name, l, c, msg).into()
}

use crate::time::is_date;
use crate::usage::UsagePolicy;

/// Re-levels a breaking change by its evidence, and says so in `usage_note`: used below the
/// policy's thresholds (or a tightened constraint no observed request violates) makes it a
/// warning; used above them keeps it breaking and names the clients it breaks. Unknown usage
/// changes nothing: no evidence is never read as no use.
fn weigh_usage(c: &mut Change, policy: &UsagePolicy) {
    if c.severity != Severity::Breaking || c.rule.has(crate::diff::Trait::DerivedFromBreaking) {
        return;
    }
    let Some(usage) = c.usage.as_ref() else { return };
    let Some(sentence) = usage.sentence() else { return };
    match usage.above_threshold(policy) {
        Some(false) => {
            c.severity = Severity::Warning;
            c.usage_note = Some(format!("{sentence}: a warning under the usage policy (used below its thresholds)"));
        }
        Some(true) => match &c.rejected {
            Some(r) if r.rejected == 0 && r.exact => {
                c.severity = Severity::Warning;
                c.usage_note = Some(format!("{}: a warning under the usage policy ({sentence})", r.sentence()));
            }
            Some(r) => c.usage_note = Some(format!("{}; breaks {}", r.sentence(), usage.clients_list())),
            None => c.usage_note = Some(format!("breaks {} ({sentence})", usage.clients_list())),
        },
        None => {}
    }
}

/// What a breaking change without a witness says under `gate.require_witness`.
pub const UNPROVEN_NOTE: &str = " (no witness: a warning under gate.require_witness)";

/// The user's decisions.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The gate.
    pub fail_on: FailOn,
    /// How rules levelled by evidence count.
    pub profile: Profile,
    /// Severity overrides by rule id (they win over the profile).
    pub overrides: HashMap<String, Level>,
    /// Ignore entries.
    pub ignores: Vec<IgnoreEntry>,
    /// Today (`YYYY-MM-DD`), for expiry.
    pub today: String,
    /// `gate.require_witness`: a breaking change whose witness is `none` is a warning.
    pub require_witness: bool,
    /// `usage:` in apidiff.yaml, when usage evidence was read: a breaking change to elements
    /// used less than its thresholds is a warning that says why.
    pub usage: Option<UsagePolicy>,
}

/// Why an ignore entry deserves attention.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoreProblem {
    /// `expired` or `unused`.
    pub problem: &'static str,
    /// The entry.
    pub entry: IgnoreEntry,
}

/// Changes after the policy: reported, ignored (with the entry that silenced each), problems.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Changes still reported, with effective severities.
    pub changes: Vec<Change>,
    /// Changes an ignore entry silenced, with that entry's reason.
    pub ignored: Vec<(Change, String)>,
    /// Expired or unused ignore entries.
    pub problems: Vec<IgnoreProblem>,
}

impl Outcome {
    /// How many reported changes reach the gate.
    pub fn blocking(&self, fail_on: FailOn) -> usize {
        self.changes.iter().filter(|c| fail_on.blocks(c.severity)).count()
    }
}

/// Applies overrides and ignores. Call once with every change of a run, so "unused" is right.
pub fn apply(changes: Vec<Change>, policy: &Policy) -> Outcome {
    let mut used = vec![false; policy.ignores.len()];
    let mut out = Outcome::default();
    for mut c in changes {
        // A change the comparison softened (under a draft operation) keeps its softer level.
        if c.severity == c.rule.severity {
            c.severity = policy.profile.severity(c.rule);
        }
        if let Some(level) = policy.overrides.get(c.rule.id) {
            match level.severity() {
                Some(s) => c.severity = s,
                None => continue,
            }
        }
        if let Some(usage) = &policy.usage {
            weigh_usage(&mut c, usage);
        }
        if policy.require_witness && c.severity == Severity::Breaking && c.witness.as_ref().is_some_and(|w| !w.proves()) {
            c.severity = Severity::Warning;
            c.message.push_str(UNPROVEN_NOTE);
        }
        let hit = policy
            .ignores
            .iter()
            .enumerate()
            .find(|(_, e)| e.matches(&c) && e.expires.as_ref().is_none_or(|x| x.as_str() >= policy.today.as_str()));
        match hit {
            Some((i, e)) => {
                used[i] = true;
                out.ignored.push((c, e.reason.clone()));
            }
            None => out.changes.push(c),
        }
    }
    // A finding about breaking changes stands only while a breaking change is still reported
    // after the user's overrides and ignores.
    if !out.changes.iter().any(|c| c.severity == Severity::Breaking && !c.rule.has(crate::diff::Trait::DerivedFromBreaking)) {
        out.changes.retain(|c| !c.rule.has(crate::diff::Trait::DerivedFromBreaking));
    }
    for (i, e) in policy.ignores.iter().enumerate() {
        let expired = e.expires.as_ref().is_some_and(|x| x.as_str() < policy.today.as_str());
        if expired {
            out.problems.push(IgnoreProblem { problem: "expired", entry: e.clone() });
        } else if !used[i] {
            out.problems.push(IgnoreProblem { problem: "unused", entry: e.clone() });
        }
    }
    out
}
