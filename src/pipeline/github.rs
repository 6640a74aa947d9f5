//! The GitHub pull-request side of approvals: the typed [`Event`] a workflow run was triggered by
//! (read from the payload the CLI finds at `GITHUB_EVENT_PATH`), and [`check_event`], which
//! runs `check` for it. A pull request labelled with the approval label (`api-break-approved`)
//! approves its current breaking set, with the labeller as the approver; removing the label
//! revokes those approvals; a `merge_group` run honours the approvals of every pull request in
//! the group. Who may label is GitHub's to enforce (labelling needs triage or write access);
//! the pull request's own author never approves through a label.

use super::{Checked, Request, approvals};
use crate::error::{Error, Located, Result};
use crate::progress::Progress;
use crate::store::approvals::Standing;
use serde::Deserialize;
use std::collections::BTreeSet;

/// The default label that approves a pull request's breaking changes.
pub const DEFAULT_LABEL: &str = "api-break-approved";

/// A GitHub Actions event payload, as far as apidiff acts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A `pull_request` (or `pull_request_target`) event.
    PullRequest(PullRequestEvent),
    /// A `merge_group` event: a merge queue checks a group of pull requests.
    MergeGroup(MergeGroupEvent),
    /// Any other event (`push`, `workflow_dispatch`, ...): nothing to do with approvals.
    Other,
}

/// What a `pull_request` event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequestEvent {
    /// `opened`, `synchronize`, `labeled`, `unlabeled`, ...
    pub action: String,
    /// The pull request's number.
    pub number: u64,
    /// Its author's login.
    pub author: Option<String>,
    /// Who triggered the event (for `labeled` and `unlabeled`: who labelled).
    pub sender: Option<String>,
    /// The label added or removed (`labeled`, `unlabeled`).
    pub label: Option<String>,
    /// The labels the pull request carries after the event.
    pub labels: Vec<String>,
    /// The base commit.
    pub base_sha: Option<String>,
    /// The head commit.
    pub head_sha: Option<String>,
}

/// What a `merge_group` event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeGroupEvent {
    /// The commit the group is merged onto (the queue's base).
    pub base_sha: String,
    /// The group's merge commit.
    pub head_sha: String,
    /// The queue's temporary branch, `refs/heads/gh-readonly-queue/<base>/pr-<N>-<sha>`.
    pub head_ref: String,
    /// The merge commit's message.
    pub message: String,
}

#[derive(Deserialize)]
struct RawEvent {
    action: Option<String>,
    pull_request: Option<RawPull>,
    label: Option<RawLabel>,
    sender: Option<RawUser>,
    merge_group: Option<RawGroup>,
}

#[derive(Deserialize)]
struct RawPull {
    number: u64,
    user: Option<RawUser>,
    #[serde(default)]
    labels: Vec<RawLabel>,
    base: Option<RawRef>,
    head: Option<RawRef>,
}

#[derive(Deserialize)]
struct RawUser {
    login: String,
}

#[derive(Deserialize)]
struct RawLabel {
    name: String,
}

#[derive(Deserialize)]
struct RawRef {
    sha: String,
}

#[derive(Deserialize)]
struct RawGroup {
    head_sha: String,
    head_ref: String,
    base_sha: String,
    head_commit: Option<RawCommit>,
}

#[derive(Deserialize)]
struct RawCommit {
    #[serde(default)]
    message: String,
}

impl Event {
    /// Reads an event payload (`file` names it in errors). A payload that is not JSON, or whose
    /// `pull_request` or `merge_group` lacks what GitHub always sends, is bad input.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Event> {
        let raw: RawEvent = serde_json::from_slice(bytes).map_err(|e| {
            let line = u32::try_from(e.line()).ok().filter(|&l| l > 0);
            let column = u32::try_from(e.column()).ok().filter(|&c| c > 0);
            Error::Input(Located::new(file, line, column, format!("expected a GitHub event payload (JSON): {e}")))
        })?;
        if let Some(g) = raw.merge_group {
            return Ok(Event::MergeGroup(MergeGroupEvent {
                base_sha: g.base_sha,
                head_sha: g.head_sha,
                head_ref: g.head_ref,
                message: g.head_commit.map(|c| c.message).unwrap_or_default(),
            }));
        }
        let Some(pr) = raw.pull_request else { return Ok(Event::Other) };
        Ok(Event::PullRequest(PullRequestEvent {
            action: raw.action.unwrap_or_default(),
            number: pr.number,
            author: pr.user.map(|u| u.login),
            sender: raw.sender.map(|u| u.login),
            label: raw.label.map(|l| l.name),
            labels: pr.labels.into_iter().map(|l| l.name).collect(),
            base_sha: pr.base.map(|r| r.sha),
            head_sha: pr.head.map(|r| r.sha),
        }))
    }

    /// The revision to compare with: the pull request's base, or the merge queue's base.
    pub fn base(&self) -> Option<&str> {
        match self {
            Event::PullRequest(p) => p.base_sha.as_deref(),
            Event::MergeGroup(g) => Some(&g.base_sha),
            Event::Other => None,
        }
    }

    /// The merge group's commit range (`base`, `head`), whose messages name the group's other
    /// pull requests.
    pub fn group_range(&self) -> Option<(&str, &str)> {
        match self {
            Event::MergeGroup(g) => Some((&g.base_sha, &g.head_sha)),
            _ => None,
        }
    }

    /// The pull requests the run checks: the pull request's own number; for a merge group,
    /// the one its branch names (`.../pr-<N>-<sha>`) and every one the merge commits between
    /// the queue's base and the group's head name (`messages`, from git), as GitHub writes
    /// them: `Merge pull request #N from ...` (merge) or a first line ending in `(#N)` (squash).
    pub fn pull_requests(&self, messages: &[String]) -> Vec<u64> {
        match self {
            Event::PullRequest(p) => vec![p.number],
            Event::MergeGroup(g) => {
                let mut out = BTreeSet::new();
                out.extend(queue_branch_pr(&g.head_ref));
                for m in std::iter::once(&g.message).chain(messages) {
                    out.extend(message_pr(m));
                }
                out.into_iter().collect()
            }
            Event::Other => Vec::new(),
        }
    }
}

/// `refs/heads/gh-readonly-queue/main/pr-42-0123abc` → 42.
fn queue_branch_pr(head_ref: &str) -> Option<u64> {
    let last = head_ref.rsplit('/').next()?;
    let rest = last.strip_prefix("pr-")?;
    let (n, sha) = rest.split_once('-')?;
    (!sha.is_empty()).then_some(())?;
    n.parse().ok()
}

/// The pull request a merge-queue commit message names: `Merge pull request #N from ...` on
/// its first line, or a squash title ending in `(#N)`.
fn message_pr(message: &str) -> Option<u64> {
    let first = message.lines().next()?.trim();
    let digits = |s: &str| -> Option<u64> { s.parse().ok() };
    if let Some(rest) = first.strip_prefix("Merge pull request #") {
        return digits(rest.split(' ').next()?);
    }
    let inner = first.strip_suffix(')')?;
    let open = inner.rfind("(#")?;
    digits(&inner[open + 2..])
}

/// What the label did in a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelOutcome {
    /// Approvals the label recorded (ids), by the labeller.
    pub approved: Vec<String>,
    /// Approvals removing the label revoked (ids).
    pub revoked: Vec<String>,
    /// Who labelled or unlabelled (`@login`).
    pub by: Option<String>,
    /// Remarks for the user (a refused self-approval, a breaking set that changed since the
    /// label was applied).
    pub notes: Vec<String>,
}

/// [`check_event`]'s result: the check, and what the label did.
#[derive(Debug)]
pub struct EventChecked {
    /// The check, approvals the label recorded already applied.
    pub checked: Checked,
    /// What the label did.
    pub label: LabelOutcome,
}

/// `check` for a GitHub event. `req.identity.prs` should be [`Event::pull_requests`]'s. For a
/// pull request:
/// - `unlabeled` with `label`: every active approval that label recorded for the pull request
///   is revoked (by the unlabeller) before the check, so its breaking changes block again;
/// - `labeled` with `label` by someone other than the author: every breaking change that blocks
///   gets an approval scoped to the pull request, by `@labeller`, and the gate is recomputed;
/// - any other action (`synchronize`, `opened`): the approvals already recorded apply, by
///   fingerprint: a breaking set that is unchanged stays approved, a new or materially
///   different break blocks (and a note says the label no longer covers the whole set).
///
/// A merge group only honours the approvals of its pull requests.
pub fn check_event(req: &Request<'_>, event: &Event, label: &str, progress: &dyn Progress) -> Result<EventChecked> {
    let mut outcome = LabelOutcome::default();
    let pr = match event {
        Event::PullRequest(p) => Some(p),
        _ => None,
    };
    if let Some(p) = pr.filter(|p| p.action == "unlabeled" && p.label.as_deref() == Some(label)) {
        outcome.by = p.sender.as_ref().map(|s| format!("@{s}"));
        outcome.revoked = revoke_label(req, p, label, outcome.by.clone())?;
    }
    let mut checked = super::check_with(req, progress)?;
    let Some(p) = pr else { return Ok(EventChecked { checked, label: outcome }) };
    if p.action == "labeled" && p.label.as_deref() == Some(label) {
        outcome.by = p.sender.as_ref().map(|s| format!("@{s}"));
        match (&p.sender, &p.author) {
            (None, _) => outcome.notes.push(format!("the `{label}` label's event names no sender: nothing was approved")),
            (Some(s), Some(a)) if s.eq_ignore_ascii_case(a) => outcome.notes.push(format!(
                "@{s} labelled their own pull request #{} `{label}`: an author cannot approve their own breaking changes; someone else must apply the label",
                p.number
            )),
            (Some(s), _) => {
                let who = approvals::Approver { by: Some(format!("@{s}")), groups: Vec::new(), owners_only: false, via: "github-label" };
                let reason = format!("pull request #{} labelled `{label}`", p.number);
                outcome.approved = approvals::approve_pending(req, &mut checked, who, &reason, Some(p.number), Some(label))?;
            }
        }
    } else if p.labels.iter().any(|l| l == label) && checked.report.changes.iter().any(|c| c.blocking) {
        let pending = checked.report.changes.iter().filter(|c| c.blocking).count();
        outcome.notes.push(format!(
            "pull request #{} is labelled `{label}`, but {pending} blocking change{} appeared since it was approved: remove the label and apply it again to approve the new breaking set",
            p.number,
            if pending == 1 { "" } else { "s" }
        ));
    }
    Ok(EventChecked { checked, label: outcome })
}

/// Revokes the active approvals `label` recorded for pull request `p`; returns their ids.
fn revoke_label(req: &Request<'_>, p: &PullRequestEvent, label: &str, by: Option<String>) -> Result<Vec<String>> {
    if !req.archive.exists()? {
        return Ok(Vec::new());
    }
    let ledger = req.archive.ledger()?;
    let max = req.config.gate.approval_max_days;
    let who = approvals::Approver { by, groups: Vec::new(), owners_only: false, via: "github-label" };
    let mut out = Vec::new();
    for a in ledger.approvals.iter().filter(|a| a.pr == Some(p.number) && a.label.as_deref() == Some(label)) {
        if ledger.standing(a, &req.policy.today, max) != Standing::Active {
            continue;
        }
        let reason = Some(format!("the `{label}` label was removed from pull request #{}", p.number));
        approvals::revoke(req.archive, &req.root, req.config, &a.id, reason, &who, req.identity.now)?;
        out.push(a.id.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_queue_names() {
        assert_eq!(queue_branch_pr("refs/heads/gh-readonly-queue/main/pr-42-0123abcd"), Some(42));
        assert_eq!(queue_branch_pr("refs/heads/gh-readonly-queue/release/1.x/pr-7-ab"), Some(7));
        assert_eq!(queue_branch_pr("refs/heads/main"), None);
        assert_eq!(queue_branch_pr("refs/heads/pr-x-1"), None);
        assert_eq!(message_pr("Merge pull request #12 from acme/feature\n\nAdd it"), Some(12));
        assert_eq!(message_pr("Drop the name (#31)\n\n* fixes #2"), Some(31));
        assert_eq!(message_pr("Fixes #5 in the parser"), None);
        assert_eq!(message_pr("Refactor\n\nMerge pull request #9 from x"), None);
    }
}
