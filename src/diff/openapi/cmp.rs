//! The comparison state every OpenAPI (and AsyncAPI) rule family emits through: the two
//! document sets, the operation being compared, memoised schema pairs, and which side of the
//! wire a schema is on.

use crate::diff::sink::Sink;
use crate::diff::{Change, Location, Options, Rule};
use crate::spec::refs::{DocSet, NodeId};
use std::collections::{HashMap, HashSet};

/// Which side of an operation a schema is on, as seen by clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Dir {
    Request,
    Response,
}

impl Dir {
    /// The other side when `flip` (webhooks reverse who sends what).
    pub(crate) fn flip(self, flip: bool) -> Dir {
        match (self, flip) {
            (d, false) => d,
            (Dir::Request, true) => Dir::Response,
            (Dir::Response, true) => Dir::Request,
        }
    }

    /// Picks the request or response mirror of a rule.
    pub(crate) fn pick(self, request: &'static Rule, response: &'static Rule) -> &'static Rule {
        match self {
            Dir::Request => request,
            Dir::Response => response,
        }
    }
}

/// Comparison state shared by every rule family.
pub(crate) struct Cmp<'a> {
    pub bdocs: &'a DocSet,
    pub rdocs: &'a DocSet,
    pub opts: &'a Options,
    sink: Sink,
    /// Changes each compared schema pair produced (transitively), so a pair reached again from
    /// another operation only adds that operation to their `affected` lists.
    memo: HashMap<(NodeId, NodeId, Dir), Vec<usize>>,
    in_progress: HashSet<(NodeId, NodeId, Dir)>,
    collectors: Vec<Vec<usize>>,
    /// The operation being compared.
    pub op: String,
    pub depth: usize,
    /// How a schema pair is compared (`schema::compare`), so rule families can recurse into
    /// sub-schemas without importing the walker that calls them.
    schema_fn: SchemaFn,
}

/// Compares the schemas at two nodes on one side, with a label naming the place.
pub(crate) type SchemaFn = fn(&mut Cmp<'_>, &NodeId, &NodeId, Dir, &str);

impl<'a> Cmp<'a> {
    /// A comparison of two document sets (OpenAPI or AsyncAPI).
    pub fn new(bdocs: &'a DocSet, rdocs: &'a DocSet, opts: &'a Options, schema_fn: SchemaFn) -> Self {
        Cmp {
            bdocs,
            rdocs,
            opts,
            sink: Sink::new(),
            memo: HashMap::new(),
            in_progress: HashSet::new(),
            collectors: Vec::new(),
            op: String::new(),
            depth: 0,
            schema_fn,
        }
    }

    /// Compares the schemas at `b` and `r` (see [`SchemaFn`]).
    pub fn schema(&mut self, b: &NodeId, r: &NodeId, dir: Dir, label: &str) {
        (self.schema_fn)(self, b, r, dir, label)
    }

    pub fn bloc(&self, id: &NodeId) -> Location {
        self.bdocs.location(id)
    }

    pub fn rloc(&self, id: &NodeId) -> Location {
        self.rdocs.location(id)
    }

    /// The changes found so far.
    pub fn changes(&self) -> &[Change] {
        self.sink.changes()
    }

    /// The changes found, with line numbers filled in.
    pub fn finish(self) -> Vec<Change> {
        let mut changes = self.sink.into_changes();
        self.bdocs.fill_positions(changes.iter_mut().filter_map(|ch| ch.base.as_mut()));
        self.rdocs.fill_positions(changes.iter_mut().filter_map(|ch| ch.revision.as_mut()));
        changes
    }

    /// Re-levels the changes made since `start` that belong to operation `op` (a draft
    /// operation's changes are at most warnings).
    pub fn relevel_from(&mut self, start: usize, op: &str, mut f: impl FnMut(&mut Change)) {
        for ch in self.sink.changes_mut().iter_mut().skip(start) {
            if ch.operation.as_deref() == Some(op) {
                f(ch);
            }
        }
    }

    /// Records a change for the current operation (or adds the operation to an equal change).
    pub fn emit(&mut self, change: Change) {
        let idx = self.sink.emit(change, &self.op);
        if let Some(top) = self.collectors.last_mut() {
            top.push(idx);
        }
    }

    /// Starts a memoised comparison of a schema pair; `false` when it was done (or is under way).
    pub fn enter(&mut self, key: &(NodeId, NodeId, Dir)) -> bool {
        if let Some(done) = self.memo.get(key).cloned() {
            for &i in &done {
                self.sink.add_affected(i, &self.op);
            }
            if let Some(top) = self.collectors.last_mut() {
                top.extend(done);
            }
            return false;
        }
        if !self.in_progress.insert(key.clone()) {
            return false;
        }
        self.collectors.push(Vec::new());
        true
    }

    pub fn leave(&mut self, key: (NodeId, NodeId, Dir)) {
        self.in_progress.remove(&key);
        let mut got = self.collectors.pop().unwrap_or_default();
        got.sort_unstable();
        got.dedup();
        if let Some(top) = self.collectors.last_mut() {
            top.extend(got.iter().copied());
        }
        self.memo.insert(key, got);
    }
}
