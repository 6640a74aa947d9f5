//! The one place every format's comparison emits changes through: it finishes each change
//! (fingerprint), and when the same change is found again from another operation (a shared
//! definition reached twice) it lists that operation as affected instead of repeating it.

use super::Change;
use std::collections::HashMap;

/// The changes one comparison found, deduplicated by fingerprint.
#[derive(Debug, Default)]
pub struct Sink {
    changes: Vec<Change>,
    by_fingerprint: HashMap<String, usize>,
}

impl Sink {
    /// An empty sink.
    pub fn new() -> Sink {
        Sink::default()
    }

    /// Records a change; `op` (when not empty) is its operation unless it names one already.
    /// Returns its index; a change seen before only gains `op` in its `affected` list.
    pub fn emit(&mut self, change: Change, op: &str) -> usize {
        let mut change = change.finish();
        if !op.is_empty() && change.operation.is_none() {
            change.operation = Some(op.to_string());
        }
        match self.by_fingerprint.get(&change.fingerprint) {
            Some(&i) => {
                let also = change.operation.unwrap_or_default();
                self.add_affected(i, &also);
                i
            }
            None => {
                self.by_fingerprint.insert(change.fingerprint.clone(), self.changes.len());
                self.changes.push(change);
                self.changes.len() - 1
            }
        }
    }

    /// Records a change that carries its own operation (if any).
    pub fn push(&mut self, change: Change) {
        self.emit(change, "");
    }

    /// Lists `op` as affected by change `i` (unless it is its own operation).
    pub fn add_affected(&mut self, i: usize, op: &str) {
        let c = &mut self.changes[i];
        if !op.is_empty() && c.operation.as_deref() != Some(op) && !c.affected.iter().any(|a| a == op) {
            c.affected.push(op.to_string());
        }
    }

    /// The changes so far.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The changes, mutably (to fill positions in).
    pub fn changes_mut(&mut self) -> &mut [Change] {
        &mut self.changes
    }

    /// The changes, in the order found.
    pub fn into_changes(self) -> Vec<Change> {
        self.changes
    }
}
