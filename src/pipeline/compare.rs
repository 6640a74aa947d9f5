//! The comparison every use case runs: two specs compared by `diff`, then (unless
//! `--witness off`) a witness attached to each breaking change by `witness`.

use crate::diff::{Change, Options};
use crate::spec::Spec;

/// Compares two specs and, unless `options.witness` is off, attaches a witness to each breaking change.
pub(crate) fn compared(base: &Spec, rev: &Spec, options: &Options) -> crate::Result<Vec<Change>> {
    let mut changes = crate::diff::compare(base, rev, options)?;
    if options.witness {
        // Witnesses are independent of each other: half the breaking changes on each core.
        let breaking: Vec<usize> = changes.iter().enumerate().filter(|(_, c)| crate::witness::wanted(c)).map(|(i, _)| i).collect();
        let mid = breaking.get(breaking.len() / 2).copied().unwrap_or(changes.len());
        let (left, right) = changes.split_at_mut(mid);
        crate::deep::both(|| crate::witness::attach(base, rev, left), || crate::witness::attach(base, rev, right));
    }
    super::usage::constraints(rev, &mut changes);
    Ok(changes)
}
