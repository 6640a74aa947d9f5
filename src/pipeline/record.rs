//! The pipeline's last step: archive each changed spec's snapshot and one typed entry per spec,
//! moved spec and removed spec, then one audit event for the run.

use super::{Checked, Request, removal_risk, risk, touched_dependants};
use crate::diff::Change;
use crate::error::Result;
use crate::impact::annotate::report_change;
use crate::report::{Report, ReportChange};
use crate::store::{self, Action, AuditEvent, Entry, EntryFacts};
use crate::time;

/// What [`record`] wrote.
#[derive(Debug, Default)]
pub struct Recorded {
    /// The entries written (an entry already in the store is not written twice).
    pub written: Vec<Entry>,
    /// Entries that were already in the store (written by an earlier, identical run).
    pub existing: Vec<Entry>,
    /// Specs not recorded because they match their last snapshot, with that snapshot's entry.
    pub unchanged: Vec<Option<Entry>>,
    /// The run id the entries share.
    pub run: String,
}

/// Archives what [`super::check`] found.
pub fn record(req: &Request<'_>, checked: &Checked) -> Result<Recorded> {
    let id = &checked.identity;
    let time = time::format_millis(id.now);
    let run = store::unique_id(&time, id.via);
    let facts = EntryFacts {
        time: time.clone(),
        deploy: id.deploy.clone(),
        author: id.author.clone(),
        message: id.message.clone(),
        run: run.clone(),
    };
    let mut out = Recorded { run: run.clone(), ..Recorded::default() };
    for c in &checked.specs {
        let prev_snap = c.previous.as_ref().and_then(|p| p.snapshot.clone());
        let same_place = c.previous.as_ref().is_some_and(|p| p.module == c.module && p.spec == c.path);
        if prev_snap.as_deref() == Some(c.hash.as_str()) && same_place {
            out.unchanged.push(c.previous.clone());
            continue;
        }
        req.archive.put_snapshot(&c.bundle)?;
        let facts = match id.transitions {
            true => EntryFacts { deploy: Some(format!("live-{}", c.previous.as_ref().map_or("new", |p| p.id.as_str()))), ..facts.clone() },
            false => facts.clone(),
        };
        let entry = Entry::build(&c.module, &c.path, c.format, &facts)
            .snapshot(Some(c.hash.clone()), prev_snap)
            .changes(typed(&checked.report, &c.changes, &c.module, req))
            .dependants(touched_dependants(req.config, &c.module, &c.changes))
            .risk(risk(req.config, &c.module, &c.changes))
            .owners(checked.owners.assignees(&c.module))
            .finish();
        put(req, entry, &mut out)?;
        // A spec moved within its module: the old path's history ends here.
        if let Some(old) = c.previous.as_ref().filter(|p| p.spec != c.path && p.module == c.module) {
            let entry = Entry::build(&old.module, &old.spec, old.format, &facts)
                .snapshot(None, old.snapshot.clone())
                .owners(checked.owners.assignees(&old.module))
                .finish();
            put(req, entry, &mut out)?;
        }
    }
    for r in &checked.removed {
        let e = &r.entry;
        let entry = Entry::build(&e.module, &e.spec, e.format, &facts)
            .snapshot(None, e.snapshot.clone())
            .changes(typed(&checked.report, &r.changes, &e.module, req))
            .dependants(req.config.dependants(&e.module).map(|(m, _)| m.name.clone()).collect())
            .risk(removal_risk(req.config, &e.module, &r.changes))
            .owners(checked.owners.assignees(&e.module))
            .finish();
        put(req, entry, &mut out)?;
    }
    if !out.written.is_empty() {
        req.archive.audit(&AuditEvent {
            id: store::unique_id(&time, "record"),
            time: time.clone(),
            actor: id.actor.clone(),
            action: Action::Record,
            details: serde_json::json!({
                "via": id.via,
                "run": run,
                "deploy": id.deploy,
                "baseline": checked.baseline,
                "entries": out.written.iter().map(|e| &e.id).collect::<Vec<_>>(),
            }),
        })?;
    }
    audit_failures(req, checked, Some(&run))?;
    Ok(out)
}

/// Writes one `failure` audit event naming every spec that could not be checked (none when all
/// were). [`record`] calls it with its run id; a check that does not record calls it itself when
/// it compared against the store, so a failure is audited whether or not anything was archived.
pub fn audit_failures(req: &Request<'_>, checked: &Checked, run: Option<&str>) -> Result<()> {
    if !checked.failed() {
        return Ok(());
    }
    let id = &checked.identity;
    let time = time::format_millis(id.now);
    req.archive.audit(&AuditEvent {
        id: store::unique_id(&time, "failure"),
        time,
        actor: id.actor.clone(),
        action: Action::Failure,
        details: serde_json::json!({
            "via": id.via,
            "run": run,
            "deploy": id.deploy,
            "recorded": run.is_some(),
            "errors": checked.report.errors,
        }),
    })
}

/// Writes an entry, and files it under written or existing.
fn put(req: &Request<'_>, entry: Entry, out: &mut Recorded) -> Result<()> {
    if req.archive.put_entry(&entry)? {
        out.written.push(entry);
    } else {
        out.existing.push(entry);
    }
    Ok(())
}

/// The changes as the report has them (impact and clients filled in).
fn typed(report: &Report, changes: &[Change], module: &str, req: &Request<'_>) -> Vec<ReportChange> {
    changes.iter().map(|ch| report_change(report, ch, module, req.policy.fail_on)).collect()
}
