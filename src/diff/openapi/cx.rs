//! The comparison state every OpenAPI (and AsyncAPI) rule family emits through: the two
//! document sets, the operation being compared, memoised schema pairs, and which side of the
//! wire a schema is on.

use crate::diff::sink::Sink;
use crate::diff::{Change, Location, Options, Rule, Severity};
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

/// What a breaking change found only under a draft or alpha operation says about its level.
pub(crate) const DRAFT_NOTE: &str = " (the operation is draft or alpha: not breaking)";

/// Comparison state shared by every rule family.
pub(crate) struct Cx<'a> {
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
    /// The operation being compared is draft or alpha (`x-stability-level`): what it alone
    /// reaches is at most a warning.
    pub soft: bool,
    /// Changes softened for a draft operation, by index, with their message length before the
    /// note; a stable operation that reaches one too makes it breaking again.
    softened: HashMap<usize, usize>,
    pub depth: usize,
    /// How many times a change was emitted or an operation added to a change's `affected` list:
    /// a comparison that leaves it unchanged found nothing (see `unchanged`).
    pub touched: usize,
    /// How a schema pair is compared (`schema::compare`), so rule families can recurse into
    /// sub-schemas without importing the walker that calls them.
    schema_fn: SchemaFn,
}

/// Compares the schemas at two nodes on one side, with a label naming the place.
pub(crate) type SchemaFn = fn(&mut Cx<'_>, &NodeId, &NodeId, Dir, &str);

impl<'a> Cx<'a> {
    /// A comparison of two document sets (OpenAPI or AsyncAPI).
    pub fn new(bdocs: &'a DocSet, rdocs: &'a DocSet, opts: &'a Options, schema_fn: SchemaFn) -> Self {
        Cx {
            bdocs,
            rdocs,
            opts,
            sink: Sink::new(),
            memo: HashMap::new(),
            in_progress: HashSet::new(),
            collectors: Vec::new(),
            op: String::new(),
            soft: false,
            softened: HashMap::new(),
            depth: 0,
            touched: 0,
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

    /// Sends a copy of each new change to `to` as it is found ([`Sink::observe`]).
    pub fn observe(&mut self, to: std::sync::mpsc::Sender<Change>) {
        self.sink.observe(to);
    }

    /// The changes found so far.
    pub fn changes(&self) -> &[Change] {
        self.sink.changes()
    }

    /// The changes found, with line numbers filled in.
    pub fn finish(self) -> Vec<Change> {
        let mut changes = self.sink.into_changes();
        // One scan of each side's text: the two run at once.
        let (mut base, mut rev) = (Vec::new(), Vec::new());
        for ch in &mut changes {
            base.extend(ch.base.as_mut());
            rev.extend(ch.revision.as_mut());
        }
        let (bdocs, rdocs) = (self.bdocs, self.rdocs);
        crate::deep::both(|| bdocs.fill_positions(base.into_iter()), || rdocs.fill_positions(rev.into_iter()));
        changes
    }

    /// Records a change for the current operation (or adds the operation to an equal change).
    /// Under a draft operation a breaking change is emitted as a warning; a change first found
    /// under one and reached again from a stable operation is breaking again.
    pub fn emit(&mut self, mut change: Change) {
        self.touched += 1;
        let soften = self.soft && change.severity == Severity::Breaking;
        let cut = change.message.len();
        if soften {
            change.severity = Severity::Warning;
            change.message.push_str(DRAFT_NOTE);
        }
        let before = self.sink.changes().len();
        let idx = self.sink.emit(change, &self.op);
        if soften && idx == before {
            self.softened.insert(idx, cut);
        } else if !self.soft {
            self.harden(idx);
        }
        if let Some(top) = self.collectors.last_mut() {
            top.push(idx);
        }
    }

    /// Makes a change softened for a draft operation breaking again (a stable one reaches it).
    fn harden(&mut self, idx: usize) {
        if let Some(cut) = self.softened.remove(&idx) {
            let ch = &mut self.sink.changes_mut()[idx];
            ch.severity = Severity::Breaking;
            ch.message.truncate(cut);
        }
    }

    /// Starts a memoised comparison of a schema pair; `false` when it was done (or is under way).
    pub fn enter(&mut self, key: &(NodeId, NodeId, Dir)) -> bool {
        if let Some(done) = self.memo.get(key).cloned() {
            self.touched += done.len();
            for &i in &done {
                self.sink.add_affected(i, &self.op);
                if !self.soft {
                    self.harden(i);
                }
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
