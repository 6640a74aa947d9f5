//! The archive's own record of a change ([`StoredChange`]), versioned apart from the report: the
//! report may be reshaped freely, while what is archived only changes through a new
//! [`RECORD_VERSION`] with an explicit conversion. `tests/fixtures/records/` holds entries written
//! by every earlier version; each must still read.
//!
//! Record versions: 1 is every entry written before versions were recorded (the field is then
//! absent): changes without `group`, `impact` or `clients` (before 2026-12-01), entries without
//! `owners` (before 2026-12-01) and without `source` (before 2026-12-02) all read as version 1,
//! and so do changes without `witness` (before 2026-12-06; a newer reader shows no witness) and
//! without `usage` (before 2026-12-07; a newer reader shows no recorded usage: the usage of a
//! change is the verdict as it was made, never recomputed into the record).

use crate::diff::witness::{Http, Verdict};
use crate::diff::{Direction, Format, Kind, Severity, Witness, WitnessKind};
use crate::report::{ApprovalNote, ClientUse, ImpactedModule, ReportChange};
use crate::source::Location;
use serde::{Deserialize, Serialize};

/// The record version this build writes, and the newest it reads.
pub const RECORD_VERSION: u32 = 1;

/// The version of a record that names none: every record written before versions were recorded.
pub(crate) fn first_version() -> u32 {
    1
}

/// One change as an entry archives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredChange {
    /// The rule id.
    pub id: String,
    /// Its severity when recorded (after the policy of the time).
    pub severity: Severity,
    /// Whether it reached the gate of the time.
    pub blocking: bool,
    /// The format (a name this build does not know reads as `any`).
    #[serde(deserialize_with = "super::archive::lenient_format")]
    pub format: Format,
    /// Request or response side.
    pub direction: Direction,
    /// Area of the API.
    pub area: String,
    /// What happened.
    pub kind: Kind,
    /// A sentence describing the change.
    pub message: String,
    /// Module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The operation, field or message concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Further operations reached through a shared definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<String>,
    /// Location in the base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<StoredLocation>,
    /// Location in the revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<StoredLocation>,
    /// The old value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The new value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Stable identity across commits.
    pub fingerprint: String,
    /// The group of identical edits it belonged to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Why it was ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_reason: Option<String>,
    /// Dependant modules it reached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impact: Vec<StoredImpact>,
    /// Client operations that used it (absent: none were collected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<Vec<StoredClientUse>>,
    /// The approval that made it non-blocking when it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<StoredApproval>,
    /// The witness of a breaking change as the comparison of the time built it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<StoredWitness>,
    /// The usage evidence the verdict was made with (absent: no usage was read, or the record
    /// predates 2026-12-07).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<StoredUsage>,
    /// What the usage policy made of the change when it was recorded (why a breaking change
    /// became a warning, or whose clients it breaks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_note: Option<String>,
}

impl StoredChange {
    /// Applies erasures to the clients its recorded usage names (in the busiest clients and in
    /// the policy's note), as every other read of a client name does.
    pub(crate) fn erase_clients(&mut self, t: &super::privacy::Tombstones) {
        let Some(u) = self.usage.as_mut() else { return };
        for c in u.top_clients.iter_mut().filter(|c| t.erased(&c.client)) {
            if let Some(note) = self.usage_note.as_mut() {
                *note = note.replace(&format!("{} (", c.client), &format!("{} (", super::privacy::ERASED));
            }
            c.client = super::privacy::ERASED.to_string();
        }
    }
}

/// The usage of a change's elements, as archived with it: `{known: false}` when its module had
/// no evidence in the window, else the window's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredUsage {
    /// Whether the module had evidence in the window.
    pub known: bool,
    /// The window (`30d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// Requests to the elements in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// Distinct clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<u64>,
    /// The last request's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// The busiest clients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub top_clients: Vec<StoredClientCount>,
    /// All requests to the module in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_requests: Option<u64>,
}

/// One of the busiest clients of a change's elements, as archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredClientCount {
    /// The client (`[erased]` when erased).
    pub client: String,
    /// Its requests in the window.
    pub requests: u64,
}

impl From<&crate::usage::Usage> for StoredUsage {
    fn from(u: &crate::usage::Usage) -> Self {
        match u {
            crate::usage::Usage::Unknown { .. } => StoredUsage {
                known: false,
                window: None,
                requests: None,
                clients: None,
                last_seen: None,
                top_clients: Vec::new(),
                module_requests: None,
            },
            crate::usage::Usage::Known(k) => StoredUsage {
                known: true,
                window: Some(k.window.clone()),
                requests: Some(k.requests),
                clients: Some(k.clients),
                last_seen: k.last_seen.clone(),
                top_clients: k.top_clients.iter().map(|c| StoredClientCount { client: c.client.clone(), requests: c.requests }).collect(),
                module_requests: Some(k.module_requests),
            },
        }
    }
}

impl From<&StoredUsage> for crate::usage::Usage {
    fn from(u: &StoredUsage) -> Self {
        if !u.known {
            return crate::usage::Usage::unknown();
        }
        crate::usage::Usage::Known(crate::usage::KnownUsage {
            known: true,
            window: u.window.clone().unwrap_or_default(),
            requests: u.requests.unwrap_or_default(),
            clients: u.clients.unwrap_or_default(),
            last_seen: u.last_seen.clone(),
            top_clients: u
                .top_clients
                .iter()
                .map(|c| crate::usage::ClientCount { client: c.client.clone(), requests: c.requests })
                .collect(),
            module_requests: u.module_requests.unwrap_or_default(),
        })
    }
}

/// A witness, as archived with its change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredWitness {
    /// What it is (`request`, `response`, `message`, `endpoint`, ..., or `none`).
    pub kind: WitnessKind,
    /// The sentence reports print.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Why there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The value checked against both versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<serde_json::Value>,
    /// The request or response it travels in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<Http>,
    /// How the base judged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<StoredVerdict>,
    /// How the revision judged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<StoredVerdict>,
}

/// One side's judgement of a witness, as archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredVerdict {
    /// The file.
    pub file: String,
    /// The schema or operation it was checked against.
    pub pointer: String,
    /// Whether that side accepts it.
    pub accepts: bool,
    /// Why it rejects it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<&Witness> for StoredWitness {
    fn from(w: &Witness) -> Self {
        let v =
            |v: &Verdict| StoredVerdict { file: v.file.clone(), pointer: v.pointer.clone(), accepts: v.accepts, error: v.error.clone() };
        StoredWitness {
            kind: w.kind,
            summary: w.summary.clone(),
            reason: w.reason.clone(),
            instance: w.instance.clone(),
            http: w.http.clone(),
            base: w.base.as_ref().map(v),
            revision: w.revision.as_ref().map(v),
        }
    }
}

impl From<&StoredWitness> for Witness {
    fn from(w: &StoredWitness) -> Self {
        let v =
            |v: &StoredVerdict| Verdict { file: v.file.clone(), pointer: v.pointer.clone(), accepts: v.accepts, error: v.error.clone() };
        Witness {
            kind: w.kind,
            summary: w.summary.clone(),
            reason: w.reason.clone(),
            instance: w.instance.clone(),
            http: w.http.clone(),
            base: w.base.as_ref().map(v),
            revision: w.revision.as_ref().map(v),
        }
    }
}

/// An approval of a change, as archived with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredApproval {
    /// The approval record's id.
    pub id: String,
    /// Who approved.
    pub by: String,
    /// The day it was approved.
    pub on: String,
    /// Why.
    pub reason: String,
    /// Its last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A place in a spec, as archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLocation {
    /// The file.
    pub file: String,
    /// The element's address in it.
    pub pointer: String,
    /// 1-based line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// A dependant module a change reached, as archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredImpact {
    /// The dependant module.
    pub module: String,
    /// `depends_on` or `entity`.
    pub via: String,
    /// The use it touched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    /// Its owners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<String>,
}

/// A client operation that used a change, as archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredClientUse {
    /// File.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// Operation name.
    pub operation: String,
    /// Whether it broke.
    pub broken: bool,
    /// The validation error, when broken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<&Location> for StoredLocation {
    fn from(l: &Location) -> Self {
        StoredLocation { file: l.file.clone(), pointer: l.pointer.clone(), line: l.line, column: l.column }
    }
}

impl From<&StoredLocation> for Location {
    fn from(l: &StoredLocation) -> Self {
        Location { file: l.file.clone(), pointer: l.pointer.clone(), line: l.line, column: l.column }
    }
}

impl From<&ReportChange> for StoredChange {
    fn from(c: &ReportChange) -> Self {
        StoredChange {
            id: c.id.clone(),
            severity: c.severity,
            blocking: c.blocking,
            format: c.format,
            direction: c.direction,
            area: c.area.clone(),
            kind: c.kind,
            message: c.message.clone(),
            module: c.module.clone(),
            operation: c.operation.clone(),
            affected: c.affected.clone(),
            base: c.base.as_ref().map(StoredLocation::from),
            revision: c.revision.as_ref().map(StoredLocation::from),
            before: c.before.clone(),
            after: c.after.clone(),
            fingerprint: c.fingerprint.clone(),
            group: c.group.clone(),
            ignore_reason: c.ignore_reason.clone(),
            impact: c
                .impact
                .iter()
                .map(|i| StoredImpact { module: i.module.clone(), via: i.via.clone(), uses: i.uses.clone(), owners: i.owners.clone() })
                .collect(),
            clients: c.clients.as_ref().map(|u| {
                u.iter()
                    .map(|o| StoredClientUse {
                        file: o.file.clone(),
                        line: o.line,
                        operation: o.operation.clone(),
                        broken: o.broken,
                        error: o.error.clone(),
                    })
                    .collect()
            }),
            approval: c.approval.as_ref().map(|a| StoredApproval {
                id: a.id.clone(),
                by: a.by.clone(),
                on: a.on.clone(),
                reason: a.reason.clone(),
                expires: a.expires.clone(),
            }),
            witness: c.witness.as_ref().map(StoredWitness::from),
            usage: c.usage.as_ref().map(StoredUsage::from),
            usage_note: c.usage_note.clone(),
        }
    }
}

impl From<&StoredChange> for ReportChange {
    fn from(c: &StoredChange) -> Self {
        ReportChange {
            id: c.id.clone(),
            severity: c.severity,
            blocking: c.blocking,
            format: c.format,
            direction: c.direction,
            area: c.area.clone(),
            kind: c.kind,
            message: c.message.clone(),
            module: c.module.clone(),
            operation: c.operation.clone(),
            affected: c.affected.clone(),
            base: c.base.as_ref().map(Location::from),
            revision: c.revision.as_ref().map(Location::from),
            before: c.before.clone(),
            after: c.after.clone(),
            fingerprint: c.fingerprint.clone(),
            group: c.group.clone(),
            ignore_reason: c.ignore_reason.clone(),
            impact: c
                .impact
                .iter()
                .map(|i| ImpactedModule { module: i.module.clone(), via: i.via.clone(), uses: i.uses.clone(), owners: i.owners.clone() })
                .collect(),
            clients: c.clients.as_ref().map(|u| {
                u.iter()
                    .map(|o| ClientUse {
                        file: o.file.clone(),
                        line: o.line,
                        operation: o.operation.clone(),
                        broken: o.broken,
                        error: o.error.clone(),
                    })
                    .collect()
            }),
            witness: c.witness.as_ref().map(Witness::from),
            approval: c.approval.as_ref().map(|a| ApprovalNote {
                id: a.id.clone(),
                by: a.by.clone(),
                on: a.on.clone(),
                reason: a.reason.clone(),
                expires: a.expires.clone(),
            }),
            // The usage the verdict was made with, as recorded.
            usage: c.usage.as_ref().map(crate::usage::Usage::from),
            usage_note: c.usage_note.clone(),
        }
    }
}
