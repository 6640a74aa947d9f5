//! The one place every format's comparison emits changes through: it finishes each change
//! (fingerprint), and when the same change is found again from another operation (a shared
//! definition reached twice) it lists that operation as affected instead of repeating it.

use super::Change;
use std::collections::{HashMap, HashSet};

/// Up to this many affected operations, a change's list is scanned; beyond it, a set answers
/// (a schema shared by thousands of operations must not cost the square of their number).
const SCAN: usize = 16;

/// The changes one comparison found, deduplicated by fingerprint.
#[derive(Debug, Default)]
pub struct Sink {
    changes: Vec<Change>,
    by_fingerprint: HashMap<String, usize>,
    /// The operations already listed for each change whose list outgrew [`SCAN`].
    listed: HashMap<usize, HashSet<String>>,
    /// Where a copy of each new change goes as it is found (see [`Sink::observe`]).
    observer: Option<std::sync::mpsc::Sender<Change>>,
}

impl Sink {
    /// An empty sink.
    pub fn new() -> Sink {
        Sink::default()
    }

    /// Sends a copy of each new change (not of one found again) to `to` as it is recorded, so
    /// another thread can start on it while the comparison goes on. The copy is the change as
    /// first recorded: later operations may still add to its `affected` list, change its level
    /// or message (draft operations) or fill in its line numbers.
    pub fn observe(&mut self, to: std::sync::mpsc::Sender<Change>) {
        self.observer = Some(to);
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
                if let Some(to) = &self.observer
                    && to.send(change.clone()).is_err()
                {
                    // Nobody listens any more: stop copying.
                    self.observer = None;
                }
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
        if op.is_empty() || c.operation.as_deref() == Some(op) {
            return;
        }
        let fresh = if c.affected.len() < SCAN {
            !c.affected.iter().any(|a| a == op)
        } else {
            self.listed.entry(i).or_insert_with(|| c.affected.iter().cloned().collect()).insert(op.to_string())
        };
        if fresh {
            c.affected.push(op.to_string());
        }
    }

    /// The changes so far.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The changes, mutably (to fill positions in; `affected` lists are only read after this).
    pub fn changes_mut(&mut self) -> &mut [Change] {
        &mut self.changes
    }

    /// The changes, in the order found.
    pub fn into_changes(self) -> Vec<Change> {
        self.changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affected_operations_are_listed_once_each_in_order_at_any_count() {
        let mut sink = Sink::new();
        let change = || Change::new(crate::diff::openapi::RULES[0][0], "shared schema changed");
        let i = sink.emit(change(), "op-0");
        for round in 0..2 {
            for n in 0..5_000 {
                assert_eq!(sink.emit(change(), &format!("op-{n}")), i, "round {round}");
            }
        }
        let c = &sink.changes()[i];
        assert_eq!(c.operation.as_deref(), Some("op-0"));
        assert_eq!(c.affected.len(), 4_999);
        assert_eq!(c.affected.first().map(String::as_str), Some("op-1"));
        assert_eq!(c.affected.last().map(String::as_str), Some("op-4999"));
    }
}
