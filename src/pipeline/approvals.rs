//! The approval use cases: [`approve`], [`list`] and [`revoke`] (each audited), the step of
//! `check` that lets approved breaking changes pass the gate ([`apply`]), and the audit of
//! approvals that expired ([`audit_expiries`]). The records are [`crate::store::approvals`]'s.

use crate::config::{ApprovalsFrom, Config};
use crate::diff::registry;
use crate::error::{Error, Result};
use crate::impact::Owners;
use crate::impact::owners::CodeOwners;
use crate::report::{ApprovalNote, Report};
use crate::store::approvals::{self, APPROVAL_VERSION, Approval, Approves, Candidate, Ledger, Revocation, Standing};
use crate::store::{self, Action, Archive, AuditEvent};
use crate::time;
use serde::Serialize;
use std::path::Path;

/// Who acts, and whether they must own the module (the server's developers must; admins and
/// the CLI, which holds the store itself, need not).
#[derive(Debug, Clone)]
pub struct Approver {
    /// Their name (a token subject, or git's committer identity).
    pub by: Option<String>,
    /// Groups they belong to (a token's `groups` claim).
    pub groups: Vec<String>,
    /// Whether they may act only in modules they own.
    pub owners_only: bool,
    /// What acts, for the audit log (`cli`, `api`).
    pub via: &'static str,
}

/// What [`approve`] records.
#[derive(Debug, Clone)]
pub struct ApproveRequest {
    /// What it approves.
    pub approves: Approves,
    /// Why the break is acceptable (required).
    pub reason: String,
    /// Its last day (`YYYY-MM-DD`); none: until revoked (or `gate.approval_max_days`).
    pub expires: Option<String>,
    /// The module; may be left out when the configuration has exactly one.
    pub module: Option<String>,
    /// The pull request it is limited to (scope `pr`); none: scope `module`.
    pub pr: Option<u64>,
    /// Who approves.
    pub approver: Approver,
    /// The pull-request label that approves (the GitHub label flow); none otherwise.
    pub label: Option<String>,
    /// The clock, in milliseconds since the epoch.
    pub now: i64,
}

/// The approval [`approve`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Approved {
    /// The record.
    pub approval: Approval,
}

/// Parses what an approval targets: a fingerprint (16 hex digits) or group key (12), or a rule
/// and an operation. Anything else is a usage error naming what was expected.
pub fn target(key: Option<&str>, rule: Option<&str>, operation: Option<&str>) -> Result<Approves> {
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit());
    match (key.map(str::trim), rule, operation) {
        (Some(k), None, None) if k.len() == 16 && hex(k) => Ok(Approves::Fingerprint { fingerprint: k.to_ascii_lowercase() }),
        (Some(k), None, None) if k.len() == 12 && hex(k) => Ok(Approves::Group { group: k.to_ascii_lowercase() }),
        (Some(k), None, None) => Err(Error::Usage(format!(
            "`{k}`: expected a change fingerprint (16 hex digits) or a group key (12), as the JSON report's `fingerprint` and `group` give them"
        ))),
        (None, Some(r), Some(o)) if !o.trim().is_empty() => {
            let rule = registry::find(r).ok_or_else(|| Error::Usage(format!("unknown rule id `{r}` (see `apidiff rules`)")))?;
            Ok(Approves::Rule { rule: rule.id.to_string(), operation: o.trim().to_string() })
        }
        _ => Err(Error::Usage("approve a fingerprint, a group key, or `--rule R --operation O` (exactly one of them)".into())),
    }
}

/// Records an approval and its audit event. Refuses an empty reason, an expiry in the past or
/// beyond `gate.approval_max_days`, and (for an owners-only approver) a module they do not own.
pub fn approve(archive: &Archive, root: &Path, config: &Config, req: ApproveRequest) -> Result<Approved> {
    let reason = req.reason.trim().to_string();
    if reason.is_empty() {
        return Err(Error::Usage("an approval needs a reason (--reason)".into()));
    }
    let time = time::format_millis(req.now);
    let today = &time[..10];
    let cap = config.gate.approval_max_days.and_then(|d| time::days_of(today).and_then(|t| time::date_of_days(t + i64::from(d))));
    let expires = match (req.expires, cap) {
        (Some(e), _) if !time::is_date(&e) => return Err(Error::Usage(format!("--expires {e}: expected a date YYYY-MM-DD"))),
        (Some(e), _) if e.as_str() < today => return Err(Error::Usage(format!("--expires {e} is in the past"))),
        (Some(e), Some(c)) if e > c => {
            return Err(Error::Usage(format!(
                "--expires {e} is later than the gate allows (gate.approval_max_days: {} days, until {c})",
                config.gate.approval_max_days.unwrap_or_default()
            )));
        }
        (e, c) => e.or(c),
    };
    let module = match (req.module, config.modules.as_slice()) {
        (Some(m), _) if !m.trim().is_empty() => m.trim().to_string(),
        (_, [only]) => only.name.clone(),
        _ => return Err(Error::Usage("name the module the approval is for (--module)".into())),
    };
    owner_check(archive, root, config, &module, &req.approver, "approve")?;
    let approval = Approval {
        version: APPROVAL_VERSION,
        id: store::unique_id(&time, &format!("approve\0{module}\0{}", req.approves.describe())),
        time: time.clone(),
        by: req.approver.by.clone(),
        groups: req.approver.groups.clone(),
        reason,
        expires,
        module,
        pr: req.pr,
        approves: req.approves,
        label: req.label,
    };
    archive.put_approval(&approval)?;
    archive.audit(&AuditEvent {
        id: store::unique_id(&time, "approve"),
        time,
        actor: approval.by.clone(),
        action: Action::Approve,
        details: serde_json::json!({
            "via": req.approver.via,
            "approval": approval.id,
            "module": approval.module,
            "scope": approval.scope(),
            "pr": approval.pr,
            "approves": approval.approves,
            "reason": approval.reason,
            "expires": approval.expires,
            "label": approval.label,
        }),
    })?;
    Ok(Approved { approval })
}

/// Approves every change that blocks in `checked` (each by its fingerprint, in its module),
/// scoped to pull request `pr` when given, as `who`, and applies the new approvals to the
/// report (the gate is recomputed). `label` marks approvals a pull-request label recorded, so
/// removing the label revokes them. Returns the new approvals' ids; none when nothing blocks.
pub fn approve_pending(
    req: &super::Request<'_>,
    checked: &mut super::Checked,
    who: Approver,
    reason: &str,
    pr: Option<u64>,
    label: Option<&str>,
) -> Result<Vec<String>> {
    let blocking: std::collections::BTreeSet<(String, String)> =
        checked.report.changes.iter().filter(|c| c.blocking).filter_map(|c| Some((c.module.clone()?, c.fingerprint.clone()))).collect();
    if blocking.is_empty() {
        return Ok(Vec::new());
    }
    if !req.archive.exists()? {
        req.archive.create()?;
    }
    let mut ids = Vec::new();
    for (module, fingerprint) in blocking {
        let a = approve(
            req.archive,
            &req.root,
            req.config,
            ApproveRequest {
                approves: Approves::Fingerprint { fingerprint },
                reason: reason.to_string(),
                expires: None,
                module: Some(module),
                pr,
                approver: who.clone(),
                label: label.map(str::to_string),
                now: req.identity.now,
            },
        )?;
        ids.push(a.approval.id);
    }
    let ledger = req.archive.ledger()?;
    let prs: Vec<u64> = req.identity.prs.iter().copied().chain(pr).collect();
    let notes = apply(&ledger, req.config, &checked.owners, &req.policy.today, &prs, &mut checked.report);
    checked.notes.extend(notes);
    Ok(ids)
}

/// One approval and where it stands, as [`list`] returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    /// The record.
    #[serde(flatten)]
    pub approval: Approval,
    /// Active, expired or revoked.
    pub standing: Standing,
}

/// Every approval (of one module, when named), oldest first, with where it stands today.
/// Approvals found expired are audited once ([`audit_expiries`]).
pub fn list(archive: &Archive, config: &Config, module: Option<&str>, now: i64) -> Result<Vec<Listed>> {
    let ledger = archive.ledger()?;
    let today = time::format_millis(now)[..10].to_string();
    let max = config.gate.approval_max_days;
    audit_expiries(archive, &ledger, &today, max)?;
    Ok(ledger
        .approvals
        .iter()
        .filter(|a| module.is_none_or(|m| a.module == m))
        .map(|a| Listed { approval: a.clone(), standing: ledger.standing(a, &today, max) })
        .collect())
}

/// Revokes an approval (by id or a prefix of at least 4 characters) and audits it. Unknown:
/// not found; already revoked: a conflict; an owners-only approver must own its module.
pub fn revoke(
    archive: &Archive,
    root: &Path,
    config: &Config,
    id: &str,
    reason: Option<String>,
    who: &Approver,
    now: i64,
) -> Result<Revocation> {
    let ledger = archive.ledger()?;
    let a = ledger.find(id).ok_or_else(|| Error::NotFound(format!("`{id}` matches no single approval (see `apidiff approvals list`)")))?;
    if let Some(r) = ledger.revocations.iter().find(|r| r.approval == a.id) {
        return Err(Error::Conflict(format!("approval {} was already revoked on {}", a.id, &r.time[..10.min(r.time.len())])));
    }
    owner_check(archive, root, config, &a.module, who, "revoke")?;
    let time = time::format_millis(now);
    let r = Revocation {
        id: store::unique_id(&time, &format!("revoke\0{}", a.id)),
        time: time.clone(),
        approval: a.id.clone(),
        by: who.by.clone(),
        reason: reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
    };
    archive.put_revocation(&r)?;
    archive.audit(&AuditEvent {
        id: store::unique_id(&time, "revoke"),
        time,
        actor: r.by.clone(),
        action: Action::Revoke,
        details: serde_json::json!({"via": who.via, "approval": a.id, "module": a.module, "approves": a.approves, "reason": r.reason}),
    })?;
    Ok(r)
}

/// Refuses an owners-only approver who does not own `module`.
fn owner_check(archive: &Archive, root: &Path, config: &Config, module: &str, who: &Approver, verb: &str) -> Result<()> {
    if !who.owners_only {
        return Ok(());
    }
    let owners = module_owners(archive, root, config, module)?;
    if approvals::owned_by(&owners, who.by.as_deref(), &who.groups) {
        return Ok(());
    }
    Err(Error::Forbidden(format!(
        "`{}` may {verb} only in modules they own; module `{module}` is owned by {}",
        who.by.as_deref().unwrap_or("(anonymous)"),
        if owners.is_empty() { "nobody (ask an admin)".to_string() } else { owners.join(", ") }
    )))
}

/// A module's owners: its `owners` in the configuration, then the CODEOWNERS of its latest
/// archived specs.
pub fn module_owners(archive: &Archive, root: &Path, config: &Config, module: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = config.modules.iter().filter(|m| m.name == module).flat_map(|m| m.owners.clone()).collect();
    let codeowners = CodeOwners::load(root);
    if !codeowners.is_empty() && archive.exists()? {
        let entries = archive.entries()?;
        for e in Archive::latest(&entries).into_iter().filter(|e| e.module == module && e.snapshot.is_some()) {
            crate::impact::annotate::push_unique(&mut out, codeowners.owners(&e.spec));
        }
    }
    Ok(out)
}

/// Writes one `expire` audit event per approval past its last day. The event's key is derived
/// from the approval, so however many runs see it expired, it is written once.
pub fn audit_expiries(archive: &Archive, ledger: &Ledger, today: &str, max_days: Option<u32>) -> Result<()> {
    for a in &ledger.approvals {
        if let Standing::Expired { on } = ledger.standing(a, today, max_days) {
            let day_after = time::days_of(&on).and_then(|d| time::date_of_days(d + 1)).unwrap_or(on.clone());
            archive.audit(&AuditEvent {
                id: format!("expire-{}", a.id),
                time: format!("{day_after}T00:00:00.000Z"),
                actor: None,
                action: Action::Expire,
                details: serde_json::json!({"approval": a.id, "module": a.module, "approves": a.approves, "last_day": on, "by": a.by}),
            })?;
        }
    }
    Ok(())
}

/// `check`'s approval step: every blocking change that enough active approvals cover (from the
/// module's owners, when the gate says so) stops blocking and carries its approval; the gate is
/// recomputed. Returns notes about approvals that would have applied but expired or were revoked.
pub fn apply(ledger: &Ledger, config: &Config, owners: &Owners, today: &str, prs: &[u64], report: &mut Report) -> Vec<String> {
    if ledger.approvals.is_empty() {
        return Vec::new();
    }
    let gate = &config.gate;
    let required = gate.approvals_required.unwrap_or(1).max(1) as usize;
    let mut notes = Vec::new();
    // Indexed once: a change looks up the approvals of its fingerprint, group and rule, and
    // each approval's standing is computed once (never changes × approvals).
    let index = approvals::Index::new(ledger, today, gate.approval_max_days);
    for c in report.changes.iter_mut().filter(|c| c.blocking) {
        let cand = Candidate {
            module: c.module.as_deref(),
            fingerprint: &c.fingerprint,
            group: c.group.as_deref(),
            rule: &c.id,
            operation: c.operation.as_deref(),
            affected: &c.affected,
        };
        let module_owners = c.module.as_ref().and_then(|m| owners.owners.get(m)).map(Vec::as_slice).unwrap_or_default();
        let mut active: Vec<&Approval> = Vec::new();
        for (a, standing) in index.candidates(&cand).filter(|(a, _)| a.applies(&cand, prs)) {
            match standing.clone() {
                Standing::Active if gate.approvals.unwrap_or_default() == ApprovalsFrom::Anyone || a.by_owner(module_owners) => {
                    active.push(a)
                }
                Standing::Active => notes.push(format!(
                    "approval {} by {} does not count: it is not by an owner of module `{}` (gate.approvals: owners)",
                    a.id,
                    a.by.as_deref().unwrap_or("?"),
                    a.module
                )),
                Standing::Expired { on } => {
                    notes.push(format!("approval {} ({}) expired on {on}: `{}` blocks again", a.id, a.approves.describe(), c.id))
                }
                Standing::Revoked { time, .. } => notes.push(format!(
                    "approval {} ({}) was revoked on {}: `{}` blocks again",
                    a.id,
                    a.approves.describe(),
                    &time[..10.min(time.len())],
                    c.id
                )),
            }
        }
        let mut by: Vec<&str> = Vec::new();
        for a in &active {
            let who = a.by.as_deref().unwrap_or("(unknown)");
            if !by.contains(&who) {
                by.push(who);
            }
        }
        if by.len() < required {
            if !by.is_empty() {
                notes.push(format!("`{}` ({}) has {} of the {required} approvals the gate requires", c.id, c.fingerprint, by.len()));
            }
            continue;
        }
        let Some(latest) = active.last() else { continue };
        c.blocking = false;
        c.approval = Some(ApprovalNote {
            id: latest.id.clone(),
            by: by.join(", "),
            on: latest.on().to_string(),
            reason: latest.reason.clone(),
            expires: approvals::last_day(latest, gate.approval_max_days),
        });
    }
    notes.sort();
    notes.dedup();
    report.regate();
    notes
}
