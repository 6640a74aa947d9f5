//! Approvals as the archive holds them: who accepted which breaking change, why, until when and
//! where ([`Approval`]), and the withdrawal of one ([`Revocation`]). Both are create-only
//! records (`records/approvals/<time>-<id>.json`, `records/revocations/<time>-<id>.json`), so an
//! approval is never edited: revoking it writes a second record. What counts at a given date
//! (revoked, expired, still active) is [`Ledger`]'s to say; which change an approval covers is
//! [`Approves::covers`]'s.

use super::privacy::{self, Tombstones};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The version of the approval records this build writes.
pub const APPROVAL_VERSION: u32 = 1;

/// Where approvals live.
pub const APPROVALS: &str = "records/approvals/";
/// Where revocations live.
pub const REVOCATIONS: &str = "records/revocations/";

/// What an approval accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Approves {
    /// One change, by its fingerprint (16 hex digits; see `diff::Change::finish`).
    Fingerprint {
        /// The fingerprint.
        fingerprint: String,
    },
    /// Every change of one group of identical edits (the report's `group` key).
    Group {
        /// The group key.
        group: String,
    },
    /// Every change of one rule on one operation (or reaching it through a shared definition).
    Rule {
        /// The rule id.
        rule: String,
        /// The operation (`GET /pets/{}`, `Query.user`).
        operation: String,
    },
}

/// The facts of a change an approval is matched against.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// Its module.
    pub module: Option<&'a str>,
    /// Its fingerprint.
    pub fingerprint: &'a str,
    /// Its group key.
    pub group: Option<&'a str>,
    /// Its rule id.
    pub rule: &'a str,
    /// Its operation.
    pub operation: Option<&'a str>,
    /// The further operations it reaches.
    pub affected: &'a [String],
}

impl Approves {
    /// Whether it covers a change (the scope is checked by [`Approval::applies`]).
    pub fn covers(&self, c: &Candidate<'_>) -> bool {
        match self {
            Approves::Fingerprint { fingerprint } => fingerprint == c.fingerprint,
            Approves::Group { group } => c.group == Some(group.as_str()),
            Approves::Rule { rule, operation } => {
                rule == c.rule && (c.operation == Some(operation.as_str()) || c.affected.iter().any(|a| a == operation))
            }
        }
    }

    /// A short description (`fingerprint 1a2b…`, `rule X on GET /a`).
    pub fn describe(&self) -> String {
        match self {
            Approves::Fingerprint { fingerprint } => format!("fingerprint {fingerprint}"),
            Approves::Group { group } => format!("group {group}"),
            Approves::Rule { rule, operation } => format!("rule {rule} on {operation}"),
        }
    }
}

/// One approval of a breaking change (or several, for a group or a rule on an operation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Approval {
    /// The record version ([`APPROVAL_VERSION`]).
    pub version: u32,
    /// Record id (16 hex digits).
    pub id: String,
    /// When it was given (RFC 3339, UTC).
    pub time: String,
    /// Who approved (a token's subject, or git's committer identity).
    pub by: Option<String>,
    /// The groups the approver belonged to when approving (a token's `groups` claim), which
    /// count for module ownership like the approver's own name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Why the break is acceptable.
    pub reason: String,
    /// The last day (`YYYY-MM-DD`) it applies; none: until revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The module whose changes it approves.
    pub module: String,
    /// The pull request it is limited to (scope `pr`); none: the whole module (scope `module`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pr: Option<u64>,
    /// What it approves.
    pub approves: Approves,
    /// The pull-request label whose application recorded it (`api-break-approved`): removing
    /// the label revokes it. None: approved with `apidiff approve`, the API or the dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Approval {
    /// `module` or `pr`.
    pub fn scope(&self) -> &'static str {
        if self.pr.is_some() { "pr" } else { "module" }
    }

    /// The day it was given (`YYYY-MM-DD`).
    pub fn on(&self) -> &str {
        self.time.get(..10).unwrap_or(&self.time)
    }

    /// Whether it applies to a change of a run for pull requests `prs` (scope and target).
    pub fn applies(&self, c: &Candidate<'_>, prs: &[u64]) -> bool {
        c.module == Some(self.module.as_str()) && self.pr.is_none_or(|n| prs.contains(&n)) && self.approves.covers(c)
    }

    /// Whether one of `owners` (`@name`, `@org/team`, an email) names the approver or one of
    /// their groups.
    pub fn by_owner(&self, owners: &[String]) -> bool {
        owned_by(owners, self.by.as_deref(), &self.groups)
    }
}

/// Whether one of `owners` (as module `owners` and CODEOWNERS write them: `@name`, `@org/team`,
/// an email) names `who` (a subject, a name, or `Name <email>`) or one of `groups`.
pub fn owned_by(owners: &[String], who: Option<&str>, groups: &[String]) -> bool {
    let mut handles: Vec<String> = who.map(privacy::parts).unwrap_or_default();
    handles.extend(groups.iter().cloned());
    owners.iter().any(|o| {
        let o = o.trim();
        let bare = o.strip_prefix('@').unwrap_or(o);
        handles.iter().any(|h| {
            let h = h.strip_prefix('@').unwrap_or(h);
            !h.is_empty() && h.eq_ignore_ascii_case(bare)
        })
    })
}

/// The withdrawal of an approval.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revocation {
    /// Record id.
    pub id: String,
    /// When.
    pub time: String,
    /// The approval it withdraws.
    pub approval: String,
    /// Who withdrew it.
    pub by: Option<String>,
    /// Why, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where an approval stands on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Standing {
    /// It counts.
    Active,
    /// Its last day has passed (its own `expires`, or the gate's `approval_max_days`).
    Expired {
        /// The last day it applied.
        on: String,
    },
    /// Someone withdrew it.
    Revoked {
        /// Who.
        by: Option<String>,
        /// When.
        time: String,
    },
}

/// Every approval with its revocations, read once for a run.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Approvals, oldest first.
    pub approvals: Vec<Approval>,
    /// Revocations, oldest first.
    pub revocations: Vec<Revocation>,
}

impl Ledger {
    /// Where an approval stands on `today`, when approvals may live at most `max_days` days.
    pub fn standing(&self, a: &Approval, today: &str, max_days: Option<u32>) -> Standing {
        if let Some(r) = self.revocations.iter().find(|r| r.approval == a.id) {
            return Standing::Revoked { by: r.by.clone(), time: r.time.clone() };
        }
        match last_day(a, max_days) {
            Some(day) if day.as_str() < today => Standing::Expired { on: day },
            _ => Standing::Active,
        }
    }

    /// Erased people read back as erased.
    pub(crate) fn apply(&mut self, t: &Tombstones) {
        self.approvals.iter_mut().for_each(|a| t.apply(&mut a.by));
        self.revocations.iter_mut().for_each(|r| t.apply(&mut r.by));
    }

    /// The approval with this id, or the only one it is a prefix of (at least 4 characters).
    pub fn find(&self, id: &str) -> Option<&Approval> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 4 {
            return None;
        }
        let mut hits = self.approvals.iter().filter(|a| a.id.starts_with(&id));
        let first = hits.next()?;
        hits.next().is_none().then_some(first)
    }
}

/// A [`Ledger`] indexed for a run: approvals by fingerprint, group and rule, each with its
/// standing on the run's day, so matching a change costs a few lookups, not a scan.
#[derive(Debug)]
pub struct Index<'a> {
    standings: Vec<(&'a Approval, Standing)>,
    by_fingerprint: HashMap<&'a str, Vec<usize>>,
    by_group: HashMap<&'a str, Vec<usize>>,
    by_rule: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    /// Indexes `ledger` as it stands on `today`.
    pub fn new(ledger: &'a Ledger, today: &str, max_days: Option<u32>) -> Index<'a> {
        // The first revocation of an approval is the one that counts, as in [`Ledger::standing`].
        let revoked: HashMap<&str, &Revocation> = ledger.revocations.iter().rev().map(|r| (r.approval.as_str(), r)).collect();
        let mut index = Index { standings: Vec::new(), by_fingerprint: HashMap::new(), by_group: HashMap::new(), by_rule: HashMap::new() };
        for (i, a) in ledger.approvals.iter().enumerate() {
            let standing = match revoked.get(a.id.as_str()) {
                Some(r) => Standing::Revoked { by: r.by.clone(), time: r.time.clone() },
                None => match last_day(a, max_days) {
                    Some(day) if day.as_str() < today => Standing::Expired { on: day },
                    _ => Standing::Active,
                },
            };
            index.standings.push((a, standing));
            let slot = match &a.approves {
                Approves::Fingerprint { fingerprint } => index.by_fingerprint.entry(fingerprint.as_str()),
                Approves::Group { group } => index.by_group.entry(group.as_str()),
                Approves::Rule { rule, .. } => index.by_rule.entry(rule.as_str()),
            };
            slot.or_default().push(i);
        }
        index
    }

    /// The approvals that may cover `c` (by fingerprint, group or rule), oldest first, each
    /// with its standing; [`Approval::applies`] decides.
    pub fn candidates<'s>(&'s self, c: &Candidate<'_>) -> impl Iterator<Item = (&'a Approval, &'s Standing)> + 's {
        let none: &[usize] = &[];
        let fp = self.by_fingerprint.get(c.fingerprint).map_or(none, Vec::as_slice);
        let group = c.group.and_then(|g| self.by_group.get(g)).map_or(none, Vec::as_slice);
        let rule = self.by_rule.get(c.rule).map_or(none, Vec::as_slice);
        let mut at: Vec<usize> = fp.iter().chain(group).chain(rule).copied().collect();
        at.sort_unstable();
        at.into_iter().map(|i| (self.standings[i].0, &self.standings[i].1))
    }
}

/// The last day an approval applies: its own `expires`, or `max_days` after the day it was
/// given, whichever comes first.
pub fn last_day(a: &Approval, max_days: Option<u32>) -> Option<String> {
    let cap = max_days.and_then(|d| crate::time::days_of(&a.time).and_then(|t| crate::time::date_of_days(t + i64::from(d))));
    match (a.expires.clone(), cap) {
        (Some(e), Some(c)) => Some(if e <= c { e } else { c }),
        (e, c) => e.or(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval(expires: Option<&str>) -> Approval {
        Approval {
            version: APPROVAL_VERSION,
            id: "abcdef0123456789".into(),
            time: "2026-01-10T12:00:00.000Z".into(),
            by: Some("Ann Lee <ann@example.com>".into()),
            groups: vec!["team-users".into()],
            reason: "planned".into(),
            expires: expires.map(str::to_string),
            module: "users".into(),
            pr: None,
            approves: Approves::Rule { rule: "response-required-property-removed".into(), operation: "GET /users".into() },
            label: None,
        }
    }

    #[test]
    fn standing_follows_revocations_expiry_and_the_lifetime_cap() {
        let a = approval(Some("2026-02-01"));
        let mut l = Ledger { approvals: vec![a.clone()], revocations: vec![] };
        assert_eq!(l.standing(&a, "2026-02-01", None), Standing::Active);
        assert_eq!(l.standing(&a, "2026-02-02", None), Standing::Expired { on: "2026-02-01".into() });
        assert_eq!(l.standing(&a, "2026-01-15", Some(3)), Standing::Expired { on: "2026-01-13".into() });
        assert_eq!(l.standing(&approval(None), "2099-01-01", None), Standing::Active);
        l.revocations.push(Revocation { id: "r".into(), time: "t".into(), approval: a.id.clone(), by: None, reason: None });
        assert!(matches!(l.standing(&a, "2026-01-11", None), Standing::Revoked { .. }));
        assert_eq!(l.find("abcd").map(|a| a.id.as_str()), Some("abcdef0123456789"));
        assert!(l.find("abc").is_none());
    }

    #[test]
    fn the_index_finds_a_changes_approvals_with_their_standing() {
        let rule = approval(None);
        let fp = Approval { id: "1111".into(), approves: Approves::Fingerprint { fingerprint: "00ff".into() }, ..rule.clone() };
        let other = Approval { id: "2222".into(), approves: Approves::Fingerprint { fingerprint: "0abc".into() }, ..rule.clone() };
        let group = Approval {
            id: "3333".into(),
            approves: Approves::Group { group: "g1".into() },
            expires: Some("2026-01-11".into()),
            ..rule.clone()
        };
        let revoked = |id: &str, by: &str| Revocation {
            id: format!("r{by}"),
            time: format!("t{by}"),
            approval: id.into(),
            by: Some(by.into()),
            reason: None,
        };
        let l = Ledger {
            approvals: vec![fp.clone(), rule.clone(), other, group],
            revocations: vec![revoked("1111", "first"), revoked("1111", "second")],
        };
        let index = Index::new(&l, "2026-02-01", None);
        let affected = vec!["GET /users".to_string()];
        let c = Candidate {
            module: Some("users"),
            fingerprint: "00ff",
            group: Some("g1"),
            rule: "response-required-property-removed",
            operation: Some("GET /users"),
            affected: &affected,
        };
        let found: Vec<(&str, Standing)> = index.candidates(&c).map(|(a, s)| (a.id.as_str(), s.clone())).collect();
        // Oldest first; the fingerprint "0abc" is not a candidate; standings as the ledger says.
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0], ("1111", Standing::Revoked { by: Some("first".into()), time: "tfirst".into() }));
        assert_eq!(found[1], ("abcdef0123456789", Standing::Active));
        assert_eq!(found[2], ("3333", Standing::Expired { on: "2026-01-11".into() }));
        for (a, s) in index.candidates(&c) {
            assert_eq!(*s, l.standing(a, "2026-02-01", None));
        }
        assert_eq!(index.candidates(&Candidate { fingerprint: "ffff", group: None, rule: "x", ..c }).count(), 0);
    }

    #[test]
    fn targets_and_owners() {
        let a = approval(None);
        let affected = vec!["GET /users".to_string()];
        let c = Candidate {
            module: Some("users"),
            fingerprint: "00",
            group: None,
            rule: "response-required-property-removed",
            operation: Some("GET /users/{}"),
            affected: &affected,
        };
        assert!(a.applies(&c, &[]));
        assert!(!a.applies(&Candidate { module: Some("billing"), ..c }, &[]));
        assert!(!a.applies(&Candidate { rule: "request-property-removed", ..c }, &[]));
        assert!(!a.applies(&Candidate { operation: Some("GET /other"), affected: &[], ..c }, &[]));
        let pr = Approval { pr: Some(7), ..a.clone() };
        assert!(pr.applies(&c, &[7]) && pr.applies(&c, &[3, 7]) && !pr.applies(&c, &[8]) && !pr.applies(&c, &[]));
        assert!(a.by_owner(&["ann@example.com".into()]));
        assert!(a.by_owner(&["@team-users".into()]));
        assert!(!a.by_owner(&["@team-billing".into(), "@bob".into()]));
        assert!(owned_by(&["@ann".into()], Some("ann"), &[]));
        assert!(!owned_by(&["@ann".into()], None, &[]));
    }
}
