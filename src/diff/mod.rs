//! Changes, their locations and fingerprints, the rule registry, and the per-format comparators.

pub mod registry;
mod rule;
pub mod sink;

pub use rule::{Category, Direction, Format, Kind, Rule, Severity, Trait};

use sha2::{Digest, Sha256};

pub use crate::source::Location;

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
fn fingerprint_file(file: &str) -> &str {
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

pub mod asyncapi;
pub mod general;
pub mod graphql;
pub mod openapi;
pub mod protobuf;
pub mod typescript;

use crate::error::{Error, Result};
use crate::spec::Spec;

/// Settings of a comparison that do not come from the specs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Today's date (`YYYY-MM-DD`), for sunset and expiry checks; the CLI passes the clock's.
    pub today: String,
    /// protobuf rule categories to apply (`FILE`, `PACKAGE`, `WIRE_JSON`, `WIRE`).
    pub proto_category: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { today: "1970-01-01".into(), proto_category: "WIRE_JSON".into() }
    }
}

/// Compares two specs of the same format.
///
/// Runs on a thread of its own with a large stack: schemas nest and the comparison recurses
/// through them, so its depth limits, not the caller's stack, must be what bounds it.
pub fn compare(base: &Spec, rev: &Spec, opts: &Options) -> Result<Vec<Change>> {
    std::thread::scope(|s| {
        match std::thread::Builder::new().stack_size(crate::spec::STACK_BYTES).spawn_scoped(s, || compare_here(base, rev, opts)) {
            Ok(handle) => handle.join().unwrap_or_else(|_| Err(Error::Usage("internal error: the comparison panicked".into()))),
            Err(_) => compare_here(base, rev, opts),
        }
    })
}

fn compare_here(base: &Spec, rev: &Spec, opts: &Options) -> Result<Vec<Change>> {
    let mut changes = match (base, rev) {
        (Spec::OpenApi(a), Spec::OpenApi(b)) => openapi::compare(a, b, opts),
        (Spec::AsyncApi(a), Spec::AsyncApi(b)) => asyncapi::compare(a, b, opts),
        (Spec::GraphQl(a), Spec::GraphQl(b)) => graphql::compare(a, b, opts),
        (Spec::TypeScript(a), Spec::TypeScript(b)) => typescript::compare(a, b, opts),
        (Spec::Protobuf(a), Spec::Protobuf(b)) => protobuf::compare(a, b, opts),
        (a, b) => {
            return Err(Error::Usage(format!(
                "cannot compare a {} description with a {} description",
                a.format().as_str(),
                b.format().as_str()
            )));
        }
    };
    sort_changes(&mut changes);
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_how_the_file_was_named() {
        let rule = &openapi::endpoints::ENDPOINT_REMOVED;
        let fp = |file: &str| Change::new(rule, "x").base(Location::new(file, "/paths/~1a/get")).finish().fingerprint;
        let want = fp("api.yaml");
        for f in ["./api.yaml", "/abs/dir/api.yaml", "HEAD:api.yaml", "origin/main:specs/api.yaml", "old/api.yaml"] {
            assert_eq!(fp(f), want, "{f}");
        }
        assert_ne!(fp("other.yaml"), want);
    }
}
