//! A classified change ([`Change`]): its rule, severity, message, operation, locations and
//! fingerprint; the order every report uses; and the settings of a comparison.

use super::rule::{Rule, Severity};
use crate::source::Location;
use sha2::{Digest, Sha256};

/// One classified difference between the base and the revision.
#[derive(Debug, Clone)]
pub struct Change {
    /// The rule that classified it.
    pub rule: &'static Rule,
    /// Effective severity: the rule's default unless a policy re-levelled it.
    pub severity: Severity,
    /// A sentence saying what changed, naming the element and the old and new values.
    pub message: String,
    /// The operation, field or message it concerns (`GET /pets/{}`, `Query.user`, ...).
    pub operation: Option<String>,
    /// Further operations reached through a shared definition (a `$ref`'d schema, say).
    pub affected: Vec<String>,
    /// Location in the base, when the element exists there.
    pub base: Option<Location>,
    /// Location in the revision, when the element exists there.
    pub revision: Option<Location>,
    /// Short rendering of the old value, when there is one.
    pub before: Option<String>,
    /// Short rendering of the new value, when there is one.
    pub after: Option<String>,
    /// Stable identity across commits: rule id plus both locations' files and pointers (never
    /// line numbers), so ignores and alert dedupe survive reformatting.
    pub fingerprint: String,
    /// The evidence that it breaks clients, when witnesses were built (breaking changes only).
    pub witness: Option<super::witness::Witness>,
    /// What the evidence says about the elements it touches, when usage was read.
    pub usage: Option<crate::usage::Usage>,
    /// Why the usage policy re-levelled it (`0 of 1.2 M requests in 30 days`), or which
    /// clients it breaks, or what the observed values say about a tightened constraint.
    pub usage_note: Option<String>,
    /// For a tightened request constraint, how many observed requests the new one rejects.
    pub rejected: Option<crate::usage::values::Rejected>,
    /// For a tightened request constraint: the parameter or property it constrains and the new
    /// constraint, which usage evidence tests observed values against.
    pub constraint: Option<(crate::usage::Element, crate::usage::values::Constraint)>,
}

impl Change {
    /// Starts a change for `rule` with its default severity.
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Change {
            rule,
            severity: rule.severity,
            message: message.into(),
            operation: None,
            affected: Vec::new(),
            base: None,
            revision: None,
            before: None,
            after: None,
            fingerprint: String::new(),
            witness: None,
            usage: None,
            usage_note: None,
            rejected: None,
            constraint: None,
        }
    }

    /// Sets the operation.
    pub fn operation(mut self, op: impl Into<String>) -> Self {
        self.operation = Some(op.into());
        self
    }

    /// Sets the base-side location.
    pub fn base(mut self, loc: Location) -> Self {
        self.base = Some(loc);
        self
    }

    /// Sets the revision-side location.
    pub fn revision(mut self, loc: Location) -> Self {
        self.revision = Some(loc);
        self
    }

    /// Sets both locations.
    pub fn locs(self, base: Option<Location>, revision: Option<Location>) -> Self {
        Change { base, revision, ..self }
    }

    /// Sets the old and new renderings.
    pub fn values(mut self, before: Option<String>, after: Option<String>) -> Self {
        self.before = before;
        self.after = after;
        self
    }

    /// Computes the fingerprint; comparators call this last.
    pub fn finish(mut self) -> Self {
        let mut h = Sha256::new();
        h.update(self.rule.id.as_bytes());
        for loc in [&self.base, &self.revision] {
            h.update([0u8]);
            if let Some(l) = loc {
                h.update(fingerprint_file(&l.file).as_bytes());
                h.update([1u8]);
                h.update(l.pointer.as_bytes());
            }
        }
        // Several changes can share a place (two enum values removed from one list): the
        // values tell them apart.
        for v in [&self.before, &self.after] {
            h.update([2u8]);
            if let Some(v) = v {
                h.update(v.as_bytes());
            }
        }
        if self.base.is_none() && self.revision.is_none() {
            h.update(self.message.as_bytes());
        }
        let digest = h.finalize();
        self.fingerprint = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        self
    }
}

/// The part of a file name that identifies it across checkouts: no git revision (`main:`), no
/// folders (`./api.yaml`, `/abs/api.yaml` and `old/api.yaml` are one file to a reader).
pub(crate) fn fingerprint_file(file: &str) -> &str {
    let no_rev = match file.split_once(':') {
        // `C:\x` is a drive, not a revision.
        Some((rev, rest)) if rev.len() > 1 && !rest.starts_with('\\') => rest,
        _ => file,
    };
    no_rev.rsplit(['/', '\\']).next().unwrap_or(no_rev)
}

/// Sorts changes into the order every report uses: severity (worst first), then operation,
/// then location, then rule id; removes exact duplicates by fingerprint.
pub fn sort_changes(changes: &mut Vec<Change>) {
    changes.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.operation.cmp(&b.operation))
            .then_with(|| {
                let la = a.revision.as_ref().or(a.base.as_ref()).map(|l| &l.pointer);
                let lb = b.revision.as_ref().or(b.base.as_ref()).map(|l| &l.pointer);
                la.cmp(&lb)
            })
            .then_with(|| a.rule.id.cmp(b.rule.id))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    let mut seen = std::collections::HashSet::new();
    changes.retain(|c| seen.insert(c.fingerprint.clone()));
}

/// Settings of a comparison that do not come from the specs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Today's date (`YYYY-MM-DD`), for sunset and expiry checks; the CLI passes the clock's.
    pub today: String,
    /// The buf category of the protobuf rules to apply.
    pub proto_category: super::rule::Category,
    /// Build a witness for every breaking change (`--witness on`, the default).
    pub witness: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { today: "1970-01-01".into(), proto_category: super::rule::Category::Package, witness: true }
    }
}
