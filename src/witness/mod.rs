//! Witnesses for breaking changes: for each one, the smallest concrete request, response or
//! value that worked with the base and fails with the revision, built from both models and
//! checked against both before it is attached ([`attach`]). Which builder runs is the rule's
//! [`Proof`](crate::diff::Proof) (`diff::registry::proof`), never its id. A change no builder
//! proves carries `kind: none` and the reason.

mod asyncapi;
mod gone;
mod graphql;
mod instance;
mod openapi;
mod params;
mod protobuf;
mod ts_identity;
mod typescript;
mod validate;

use crate::diff::{Change, Severity, Trait, Witness, registry};
use crate::spec::Spec;

/// Attaches a witness to every breaking change (by its rule or its effective severity).
/// Linear in the changes; only breaking ones cost anything.
pub fn attach(base: &Spec, rev: &Spec, changes: &mut [Change]) {
    if !changes.iter().any(wanted) {
        return;
    }
    attach_from(base, rev, &Queue::new(changes));
}

/// The changes still waiting for a witness, shared by the threads that build them: each takes
/// the next wanted change when it is free, so a few slow witnesses do not leave one thread
/// with all the work (GitHub's REST pair: a fixed split by count left one core idle for a third
/// of the witness time).
pub struct Queue<'c>(std::sync::Mutex<std::slice::IterMut<'c, Change>>);

impl<'c> Queue<'c> {
    /// A queue over `changes`, in their order.
    pub fn new(changes: &'c mut [Change]) -> Self {
        Queue(std::sync::Mutex::new(changes.iter_mut()))
    }

    fn next(&self) -> Option<&'c mut Change> {
        // A poisoned lock means the other thread panicked: that panic is reported, not this.
        self.0.lock().ok()?.find(|c| wanted(c) && c.witness.is_none())
    }
}

/// Attaches witnesses to the changes `queue` hands out until it is empty. Any number of
/// threads may call it on one queue; each witness is built once, and the result is the same as
/// [`attach`]'s whichever thread built it.
pub fn attach_from(base: &Spec, rev: &Spec, queue: &Queue<'_>) {
    let builders = Builders::new(base, rev);
    while let Some(c) = queue.next() {
        c.witness = Some(builders.one(c));
    }
}

/// Witnesses built while the comparison was still running, from copies of the changes as they
/// were first found ([`ahead`]).
#[derive(Default)]
pub struct Ahead(std::collections::HashMap<String, (Change, Witness)>);

/// Builds a witness for each wanted change `found` sends (copies of the changes as a comparison
/// finds them, `diff::compare_observed`) until the sender is dropped and nothing is left. The
/// comparison runs on one core; this puts the other to work on witnesses meanwhile, and the
/// comparison's thread calls it too once it is done, so what is still queued then is built on
/// both cores. Any number of threads may call it on one receiver: each change is taken once.
/// OpenAPI only: other builders (TypeScript's) read line numbers, which are filled in after the
/// comparison, so for other formats nothing is built ahead.
pub fn ahead(base: &Spec, rev: &Spec, found: &std::sync::Mutex<std::sync::mpsc::Receiver<Change>>) -> Ahead {
    let builders = Builders::new(base, rev);
    let mut done = std::collections::HashMap::new();
    let openapi = matches!((base, rev), (Spec::OpenApi(_), Spec::OpenApi(_)));
    // The lock is held while waiting: the other thread would wait for the same next change.
    // A poisoned lock means the other thread panicked: that panic is reported, not this.
    while let Some(c) = found.lock().ok().and_then(|rx| rx.recv().ok()) {
        if openapi && wanted(&c) {
            let w = builders.one(&c);
            done.insert(c.fingerprint.clone(), (c, w));
        }
    }
    Ahead(done)
}

impl Ahead {
    /// The witnesses of both: each change is sent once, so no fingerprint is in both.
    pub fn and(mut self, other: Ahead) -> Ahead {
        self.0.extend(other.0);
        self
    }

    /// Gives each wanted change of `changes` the witness built ahead for it, when what a
    /// witness is built from (rule, level, message, operation, locations, values) is as it was
    /// when the copy was taken; the others are left for [`attach_from`]. The witness is then
    /// the one [`attach`] would build.
    pub fn apply(mut self, changes: &mut [Change]) {
        for c in changes.iter_mut().filter(|c| wanted(c)) {
            if let Some((was, w)) = self.0.remove(&c.fingerprint)
                && same_inputs(&was, c)
            {
                c.witness = Some(w);
            }
        }
    }
}

/// Whether `a` and `b` agree on everything an OpenAPI witness builder may read (line numbers
/// aside: they are filled in after the comparison, and no OpenAPI builder reads them).
fn same_inputs(a: &Change, b: &Change) -> bool {
    fn at(l: &Option<crate::diff::Location>) -> Option<(&str, &str)> {
        l.as_ref().map(|l| (l.file.as_str(), l.pointer.as_str()))
    }
    a.rule.id == b.rule.id
        && a.severity == b.severity
        && a.message == b.message
        && a.operation == b.operation
        && a.before == b.before
        && a.after == b.after
        && a.fingerprint == b.fingerprint
        && a.witness.is_none()
        && b.witness.is_none()
        && at(&a.base) == at(&b.base)
        && at(&a.revision) == at(&b.revision)
}

/// The witness builders for one pair of specs.
struct Builders<'a> {
    base: &'a Spec,
    rev: &'a Spec,
    pair: Option<openapi::Pair<'a>>,
    others: Others<'a>,
}

impl<'a> Builders<'a> {
    fn new(base: &'a Spec, rev: &'a Spec) -> Self {
        let pair = match (base, rev) {
            (Spec::OpenApi(a), Spec::OpenApi(b)) => Some(openapi::Pair::new(a, b)),
            _ => None,
        };
        Builders { base, rev, pair, others: Others::new(base, rev) }
    }

    /// The witness of one wanted change.
    fn one(&self, c: &Change) -> Witness {
        let others = &self.others;
        match (self.base, self.rev, registry::proof(c.rule)) {
            (Spec::AsyncApi(a), Spec::AsyncApi(b), Some(p)) if !c.rule.has(Trait::DerivedFromBreaking) => asyncapi::build(a, b, c, p),
            (_, _, Some(p)) if others.is_some() && !c.rule.has(Trait::DerivedFromBreaking) => others.build(c, p),
            (_, _, None) if others.is_some() => Witness::none("this rule has no witness builder yet"),
            _ => build(self.pair.as_ref(), self.base, c),
        }
    }
}

/// How many removals [`removed_description`] tries, best first (each is one builder call).
const GONE_TRIES: usize = 16;

/// The witness of a whole description removed from the repository (`api-description-removed`;
/// `base` is the description that was at `file`): the base compared with an empty description
/// of its format, and the witness of the first thing a client used (by document order) that the
/// comparison removes, built by the format's removal builders: an operation (OpenAPI, Swagger),
/// a channel (AsyncAPI), a root field (GraphQL), an RPC or else a message's generated symbol
/// (protobuf), an export (TypeScript). Its revision side then says the file is gone.
pub fn removed_description(base: &Spec, file: &str, opts: &crate::diff::Options) -> Witness {
    let (empty, mut changes) = match gone::removals(base, opts) {
        Ok(found) => found,
        Err(why) => return Witness::none(why),
    };
    for c in changes.iter_mut().filter(|c| wanted(c)).take(GONE_TRIES) {
        attach(base, &empty, std::slice::from_mut(c));
        if let Some(w) = c.witness.take().filter(|w| w.kind != crate::diff::WitnessKind::None) {
            return gone::gone(w, file);
        }
    }
    Witness::none("the base description has nothing a client could use (no operation, channel, root field, RPC, message or export)")
}

/// Whether [`attach`] gives `c` a witness (it is breaking, or its rule is). Each witness depends
/// on its change and the two specs alone, so threads may share the work ([`Queue`]).
pub fn wanted(c: &Change) -> bool {
    c.severity == Severity::Breaking || c.rule.severity == Severity::Breaking
}

fn build(pair: Option<&openapi::Pair<'_>>, base: &Spec, c: &Change) -> Witness {
    if c.rule.has(Trait::DerivedFromBreaking) {
        return Witness::none("it follows from the other breaking changes, which carry their own witnesses");
    }
    match (pair, registry::proof(c.rule)) {
        (Some(p), Some(proof)) => p.build(c, proof),
        (Some(_), None) => Witness::none("this rule has no witness builder yet"),
        (None, _) => Witness::none(format!("apidiff builds no witnesses for {} descriptions yet", base.format().as_str())),
    }
}

/// The builders of the formats whose witnesses are operations, wire bytes or code.
enum Others<'a> {
    GraphQl(graphql::Pair<'a>),
    Protobuf(protobuf::Pair<'a>),
    TypeScript(typescript::Pair<'a>),
    None,
}

impl<'a> Others<'a> {
    fn new(base: &'a Spec, rev: &'a Spec) -> Self {
        match (base, rev) {
            (Spec::GraphQl(a), Spec::GraphQl(b)) => Others::GraphQl(graphql::Pair::new(a, b)),
            (Spec::Protobuf(a), Spec::Protobuf(b)) => Others::Protobuf(protobuf::Pair::new(a, b)),
            (Spec::TypeScript(a), Spec::TypeScript(b)) => Others::TypeScript(typescript::Pair::new(a, b)),
            _ => Others::None,
        }
    }

    fn is_some(&self) -> bool {
        !matches!(self, Others::None)
    }

    fn build(&self, c: &Change, proof: crate::diff::Proof) -> Witness {
        match self {
            Others::GraphQl(p) => p.build(c, proof),
            Others::Protobuf(p) => p.build(c, proof),
            Others::TypeScript(p) => p.build(c),
            Others::None => Witness::none("no builder"),
        }
    }
}
