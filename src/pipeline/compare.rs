//! The comparison every use case runs: two specs compared by `diff`, then (unless
//! `--witness off`) a witness attached to each breaking change by `witness`.

use crate::diff::{Change, Options};
use crate::spec::Spec;

/// Compares two specs and, unless `options.witness` is off, attaches a witness to each breaking change.
pub(crate) fn compared(base: &Spec, rev: &Spec, options: &Options) -> crate::Result<Vec<Change>> {
    let mut changes = if options.witness && matches!(base, Spec::OpenApi(_)) {
        // The comparison runs on one core; the other builds witnesses for the changes as they
        // are found. A change that differs at the end (a draft operation's change made
        // breaking again) gets its witness below, like one the comparison never sent.
        let (found, ahead) = std::sync::mpsc::channel();
        let ahead = std::sync::Mutex::new(ahead);
        let ((changes, helped), ahead) = crate::deep::both(
            || {
                // The sender is dropped with the comparison: what is still queued is shared.
                let changes = crate::diff::compare_observed(base, rev, options, Some(found));
                (changes, crate::witness::ahead(base, rev, &ahead))
            },
            || crate::witness::ahead(base, rev, &ahead),
        );
        let mut changes = changes?;
        ahead.and(helped).apply(&mut changes);
        changes
    } else {
        crate::diff::compare(base, rev, options)?
    };
    if options.witness && changes.iter().any(|c| crate::witness::wanted(c) && c.witness.is_none()) {
        // Witnesses are independent of each other: both cores take the next breaking change
        // still without one from one queue until none is left.
        let queue = crate::witness::Queue::new(&mut changes);
        crate::deep::both(|| crate::witness::attach_from(base, rev, &queue), || crate::witness::attach_from(base, rev, &queue));
    }
    super::usage::constraints(rev, &mut changes);
    Ok(changes)
}
