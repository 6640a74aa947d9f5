//! The comparison every use case runs: two specs compared by `diff`, then (unless
//! `--witness off`) a witness attached to each breaking change by `witness`.

use crate::diff::{Change, Options};
use crate::spec::Spec;

/// Compares two specs and, unless `options.witness` is off, attaches a witness to each breaking change.
pub(crate) fn compared(base: &Spec, rev: &Spec, options: &Options) -> crate::Result<Vec<Change>> {
    let mut changes = crate::diff::compare(base, rev, options)?;
    if options.witness {
        crate::witness::attach(base, rev, &mut changes);
    }
    super::usage::constraints(rev, &mut changes);
    Ok(changes)
}
