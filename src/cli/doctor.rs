//! `apidiff doctor`: the store's health on demand. Runs the schema check and repair (Postgres),
//! reads every object (its sha256 must match its name) and every record (it must parse), and
//! prints a report. Exit 2 when something is wrong that could not be repaired.

use super::context::Common;
use super::context::{Exit, out};
use crate::error::Error;
use crate::store::{Archive, copy};
use clap::Args;

/// Arguments of `apidiff doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub common: Common,
}

pub(super) fn run(args: DoctorArgs) -> Result<Exit, Error> {
    let (root, config) = args.common.root_and_config()?;
    let (url, mirror, settings) = super::context::checked_urls(args.common.store.as_deref(), &config, &root)?;
    let store = super::context::open(&url, mirror.as_deref(), &root, &settings)?;
    let mut lines = vec![format!("store    {}", store.location())];
    for n in store.notices() {
        lines.push(format!("start    {n}"));
    }
    let schema = store.check_schema()?;
    let mut bad = false;
    if schema.applied.is_empty() && schema.repaired.is_empty() && schema.unrepaired.is_empty() {
        lines.push("schema   ok".into());
    }
    for a in &schema.applied {
        lines.push(format!("schema   applied migration {a}"));
    }
    for r in &schema.repaired {
        lines.push(format!("schema   repaired: recreated {r}"));
    }
    for u in &schema.unrepaired {
        bad = true;
        lines.push(format!("schema   NOT REPAIRED: {u}"));
    }
    let archive = Archive::new(store);
    if !archive.exists()? {
        lines.push("history  none yet (run `apidiff check --record`)".into());
    } else {
        let health = copy::verify(archive.store())?;
        lines.push(format!("objects  {} ok (sha256 verified)", health.objects_ok));
        lines.push(format!("records  {} ok (JSON verified)", health.records_ok));
        for p in &health.problems {
            bad = true;
            lines.push(format!("problem  {p}"));
        }
    }
    lines.push(if bad { "health   problems found that need attention".into() } else { "health   ok".into() });
    out(&(lines.join("\n") + "\n"));
    Ok(if bad { Exit::Error } else { Exit::Clean })
}
