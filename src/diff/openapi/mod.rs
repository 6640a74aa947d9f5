//! OpenAPI comparison: walks operations, parameters, bodies, responses and security of two
//! [`Api`]s and hands schemas to [`schema`]. Changes found in a shared (`$ref`'d) schema are
//! reported once, where the schema is defined, with every operation that reaches it listed.

pub mod bodies;
pub mod constraints;
pub mod endpoints;
pub mod metadata;
pub mod parameters;
pub mod properties;
pub(crate) mod schema;
pub mod types;
pub mod values;

use super::{Change, Location, Options, Rule, Severity};
use crate::spec::openapi::{Api, Body, Operation, Param, Requirement, Response};
use crate::spec::refs::{DocSet, NodeId};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Every rule family of this format.
pub const RULES: &[&[&Rule]] =
    &[endpoints::ALL, parameters::ALL, bodies::ALL, types::ALL, values::ALL, constraints::ALL, properties::ALL, metadata::ALL];

/// Which side of an operation a schema is on, as seen by clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Dir {
    Request,
    Response,
}

impl Dir {
    fn flip(self, flip: bool) -> Dir {
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
    changes: Vec<Change>,
    by_fingerprint: HashMap<String, usize>,
    /// Changes each compared schema pair produced (transitively), so a pair reached again from
    /// another operation only adds that operation to their `affected` lists.
    memo: HashMap<(NodeId, NodeId, Dir), Vec<usize>>,
    in_progress: HashSet<(NodeId, NodeId, Dir)>,
    collectors: Vec<Vec<usize>>,
    /// The operation being compared.
    pub op: String,
    pub depth: usize,
}

impl<'a> Cmp<'a> {
    /// A comparison of two document sets (OpenAPI or AsyncAPI).
    pub fn new(bdocs: &'a DocSet, rdocs: &'a DocSet, opts: &'a Options) -> Self {
        Cmp {
            bdocs,
            rdocs,
            opts,
            changes: Vec::new(),
            by_fingerprint: HashMap::new(),
            memo: HashMap::new(),
            in_progress: HashSet::new(),
            collectors: Vec::new(),
            op: String::new(),
            depth: 0,
        }
    }

    pub fn bloc(&self, id: &NodeId) -> Location {
        self.bdocs.location(id)
    }

    pub fn rloc(&self, id: &NodeId) -> Location {
        self.rdocs.location(id)
    }

    /// The changes found, with line numbers filled in.
    pub fn finish(self) -> Vec<Change> {
        let mut changes = self.changes;
        self.bdocs.fill_positions(changes.iter_mut().filter_map(|ch| ch.base.as_mut()));
        self.rdocs.fill_positions(changes.iter_mut().filter_map(|ch| ch.revision.as_mut()));
        changes
    }

    /// Records a change for the current operation (or adds the operation to an equal change).
    pub fn emit(&mut self, change: Change) {
        let mut change = change.finish();
        if !self.op.is_empty() && change.operation.is_none() {
            change.operation = Some(self.op.clone());
        }
        let idx = match self.by_fingerprint.get(&change.fingerprint) {
            Some(&i) => {
                self.add_affected(i);
                i
            }
            None => {
                self.by_fingerprint.insert(change.fingerprint.clone(), self.changes.len());
                self.changes.push(change);
                self.changes.len() - 1
            }
        };
        if let Some(top) = self.collectors.last_mut() {
            top.push(idx);
        }
    }

    fn add_affected(&mut self, i: usize) {
        let op = &self.op;
        let c = &mut self.changes[i];
        if !op.is_empty() && c.operation.as_ref() != Some(op) && !c.affected.contains(op) {
            c.affected.push(op.clone());
        }
    }

    /// Starts a memoised comparison of a schema pair; `false` when it was done (or is under way).
    pub fn enter(&mut self, key: &(NodeId, NodeId, Dir)) -> bool {
        if let Some(done) = self.memo.get(key).cloned() {
            for &i in &done {
                self.add_affected(i);
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

/// Compares two OpenAPI descriptions.
pub fn compare(base: &Api, rev: &Api, opts: &Options) -> Vec<Change> {
    let mut c = Cmp::new(&base.docs, &rev.docs, opts);
    let keys = SchemeKeys { base: scheme_keys(base), rev: scheme_keys(rev) };
    compare_operations(&mut c, &base.operations, &rev.operations, false, &keys);
    compare_operations(&mut c, &base.webhooks, &rev.webhooks, true, &keys);
    c.op.clear();
    compare_security_schemes(&mut c, base, rev);
    compare_servers(&mut c, base, rev);
    compare_named_schemas(&mut c, base, rev);
    compare_info_version(&mut c, base, rev);
    c.finish()
}

fn compare_operations(
    c: &mut Cmp<'_>,
    base: &indexmap::IndexMap<String, Operation>,
    rev: &indexmap::IndexMap<String, Operation>,
    webhooks: bool,
    keys: &SchemeKeys,
) {
    let removed: Vec<&Operation> = base.iter().filter(|(k, _)| !rev.contains_key(*k)).map(|(_, o)| o).collect();
    let mut added: Vec<&Operation> = rev.iter().filter(|(k, _)| !base.contains_key(*k)).map(|(_, o)| o).collect();
    for (k, b) in base {
        if let Some(r) = rev.get(k) {
            c.op = r.display();
            compare_operation(c, b, r, webhooks, keys);
        }
    }
    for b in removed {
        let twin = b.operation_id.as_ref().and_then(|id| added.iter().position(|r| r.operation_id.as_ref() == Some(id)));
        if let Some(i) = twin {
            let r = added.remove(i);
            c.op = r.display();
            c.emit(
                Change::new(
                    &endpoints::ENDPOINT_RENAMED,
                    format!("`{}` moved to `{}` (operationId `{}`)", b.display(), r.display(), r.operation_id.as_deref().unwrap_or("")),
                )
                .locs(Some(c.bloc(&b.node)), Some(c.rloc(&r.node)))
                .values(Some(b.display()), Some(r.display())),
            );
            compare_operation(c, b, r, webhooks, keys);
            continue;
        }
        c.op = b.display();
        let rule = if webhooks {
            &endpoints::WEBHOOK_REMOVED
        } else if !b.deprecated {
            &endpoints::ENDPOINT_REMOVED
        } else if b.sunset.as_ref().is_some_and(|s| s.as_str() > c.opts.today.as_str()) {
            &endpoints::ENDPOINT_REMOVED_BEFORE_SUNSET
        } else {
            &endpoints::DEPRECATED_ENDPOINT_REMOVED
        };
        let msg = match (&b.sunset, rule.id) {
            (Some(s), "endpoint-removed-before-sunset") => format!("`{}` was removed before its sunset date {s}", b.display()),
            _ => format!("`{}` was removed", b.display()),
        };
        c.emit(Change::new(rule, msg).base(c.bloc(&b.node)));
    }
    for r in added {
        c.op = r.display();
        let rule = if webhooks { &endpoints::WEBHOOK_ADDED } else { &endpoints::ENDPOINT_ADDED };
        c.emit(Change::new(rule, format!("`{}` was added", r.display())).revision(c.rloc(&r.node)));
    }
}

/// Callbacks are requests the API sends: compared like webhooks (directions reversed), and
/// reported under the operation that declares them.
fn compare_callbacks(c: &mut Cmp<'_>, b: &Operation, r: &Operation, keys: &SchemeKeys) {
    let parent = c.op.clone();
    for (k, bcb) in &b.callbacks {
        match r.callbacks.get(k) {
            Some(rcb) => {
                c.op = format!("{parent} callback {k}");
                compare_operation(c, bcb, rcb, true, keys);
                c.op = parent.clone();
            }
            None => c.emit(
                Change::new(&endpoints::CALLBACK_REMOVED, format!("callback `{k}` of `{parent}` was removed")).base(c.bloc(&bcb.node)),
            ),
        }
    }
    for (k, rcb) in &r.callbacks {
        if !b.callbacks.contains_key(k) {
            c.emit(Change::new(&endpoints::CALLBACK_ADDED, format!("callback `{k}` of `{parent}` was added")).revision(c.rloc(&rcb.node)));
        }
    }
}

fn stability_rank(s: &str) -> Option<u8> {
    match s.to_ascii_lowercase().as_str() {
        "draft" => Some(0),
        "alpha" => Some(1),
        "beta" => Some(2),
        "stable" => Some(3),
        _ => None,
    }
}

fn compare_operation(c: &mut Cmp<'_>, b: &Operation, r: &Operation, webhook: bool, keys: &SchemeKeys) {
    let locs = (Some(c.bloc(&b.node)), Some(c.rloc(&r.node)));
    let name = r.display();
    if !b.deprecated && r.deprecated {
        let sunset = r.sunset.as_ref().map(|s| format!(" (sunset {s})")).unwrap_or_default();
        c.emit(
            Change::new(&endpoints::ENDPOINT_DEPRECATED, format!("`{name}` was deprecated{sunset}")).locs(locs.0.clone(), locs.1.clone()),
        );
    }
    if b.deprecated && !r.deprecated {
        c.emit(
            Change::new(&endpoints::ENDPOINT_REACTIVATED, format!("`{name}` is no longer deprecated")).locs(locs.0.clone(), locs.1.clone()),
        );
    }
    if let (Some(bs), Some(rs)) = (&b.sunset, &r.sunset)
        && rs < bs
    {
        c.emit(
            Change::new(&endpoints::ENDPOINT_SUNSET_MOVED_EARLIER, format!("`{name}` sunset moved from {bs} to {rs}"))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(bs.clone()), Some(rs.clone())),
        );
    }
    if let (Some(bs), Some(rs)) = (b.stability.as_deref().and_then(stability_rank), r.stability.as_deref().and_then(stability_rank))
        && rs < bs
    {
        c.emit(
            Change::new(
                &endpoints::ENDPOINT_STABILITY_DECREASED,
                format!(
                    "`{name}` stability went from {} to {}",
                    b.stability.as_deref().unwrap_or(""),
                    r.stability.as_deref().unwrap_or("")
                ),
            )
            .locs(locs.0.clone(), locs.1.clone())
            .values(b.stability.clone(), r.stability.clone()),
        );
    }
    if b.operation_id != r.operation_id {
        let show = |o: &Option<String>| o.as_ref().map_or("(none)".to_string(), |s| format!("`{s}`"));
        c.emit(
            Change::new(
                &endpoints::OPERATION_ID_CHANGED,
                format!("`{name}` operationId changed from {} to {}", show(&b.operation_id), show(&r.operation_id)),
            )
            .locs(locs.0.clone(), locs.1.clone())
            .values(b.operation_id.clone(), r.operation_id.clone()),
        );
    }
    let bt: BTreeSet<&String> = b.tags.iter().collect();
    let rt: BTreeSet<&String> = r.tags.iter().collect();
    if bt != rt {
        c.emit(
            Change::new(&endpoints::OPERATION_TAGS_CHANGED, format!("`{name}` tags changed from {:?} to {:?}", b.tags, r.tags))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(b.tags.join(",")), Some(r.tags.join(","))),
        );
    }
    compare_params(c, b, r, webhook);
    compare_body(c, b.body.as_ref(), r.body.as_ref(), &b.node, &r.node, webhook);
    compare_responses(c, b, r, webhook);
    if !webhook {
        compare_security(c, b, r, keys);
    }
    if !b.callbacks.is_empty() || !r.callbacks.is_empty() {
        compare_callbacks(c, b, r, keys);
    }
}

fn param_label(p: &Param) -> String {
    format!("{} parameter `{}`", p.location, p.name)
}

fn compare_params(c: &mut Cmp<'_>, b: &Operation, r: &Operation, webhook: bool) {
    let mut removed: Vec<&Param> = b.params.iter().filter(|(k, _)| !r.params.contains_key(*k)).map(|(_, p)| p).collect();
    let mut added: Vec<&Param> = r.params.iter().filter(|(k, _)| !b.params.contains_key(*k)).map(|(_, p)| p).collect();
    // Moved: same name, other location.
    removed.retain(|bp| match added.iter().position(|rp| rp.name.eq_ignore_ascii_case(&bp.name) && rp.location != bp.location) {
        Some(i) => {
            let rp = added.remove(i);
            c.emit(
                Change::new(
                    &parameters::REQUEST_PARAMETER_MOVED,
                    format!("parameter `{}` moved from {} to {}", bp.name, bp.location, rp.location),
                )
                .locs(Some(c.bloc(&bp.node)), Some(c.rloc(&rp.node)))
                .values(Some(bp.location.clone()), Some(rp.location.clone())),
            );
            false
        }
        None => true,
    });
    // Renamed: required on both sides, same location and shape, other name (path parameters
    // match by position already). Optional ones are too alike (`limit`, `offset`) to pair on shape.
    removed.retain(|bp| {
        let bh = bp.schema.as_ref().map(|s| schema::shape_hash(c.bdocs, s));
        match added.iter().position(|rp| {
            bp.required && rp.required && rp.location == bp.location && rp.schema.as_ref().map(|s| schema::shape_hash(c.rdocs, s)) == bh
        }) {
            Some(i) => {
                let rp = added.remove(i);
                c.emit(
                    Change::new(&parameters::REQUEST_PARAMETER_RENAMED, format!("{} was renamed to `{}`", param_label(bp), rp.name))
                        .locs(Some(c.bloc(&bp.node)), Some(c.rloc(&rp.node)))
                        .values(Some(bp.name.clone()), Some(rp.name.clone())),
                );
                false
            }
            None => true,
        }
    });
    for bp in removed {
        c.emit(Change::new(&parameters::REQUEST_PARAMETER_REMOVED, format!("{} was removed", param_label(bp))).base(c.bloc(&bp.node)));
    }
    for rp in added {
        let rule = if rp.required { &parameters::REQUEST_PARAMETER_ADDED_REQUIRED } else { &parameters::REQUEST_PARAMETER_ADDED_OPTIONAL };
        let kind = if rp.required { "required" } else { "optional" };
        c.emit(Change::new(rule, format!("{kind} {} was added", param_label(rp))).revision(c.rloc(&rp.node)));
    }
    for (k, bp) in &b.params {
        let Some(rp) = r.params.get(k) else { continue };
        let locs = (Some(c.bloc(&bp.node)), Some(c.rloc(&rp.node)));
        let label = param_label(rp);
        if !bp.required && rp.required {
            c.emit(
                Change::new(&parameters::REQUEST_PARAMETER_BECAME_REQUIRED, format!("{label} became required"))
                    .locs(locs.0.clone(), locs.1.clone()),
            );
        }
        if bp.required && !rp.required {
            c.emit(
                Change::new(&parameters::REQUEST_PARAMETER_BECAME_OPTIONAL, format!("{label} became optional"))
                    .locs(locs.0.clone(), locs.1.clone()),
            );
        }
        if !bp.deprecated && rp.deprecated {
            c.emit(
                Change::new(&parameters::REQUEST_PARAMETER_DEPRECATED, format!("{label} was deprecated"))
                    .locs(locs.0.clone(), locs.1.clone()),
            );
        }
        // Style and explode only change the wire form of arrays and objects.
        let structured = |docs: &DocSet, p: &Param| p.schema.as_ref().is_some_and(|id| schema::is_structured(docs, id));
        if (bp.style != rp.style || bp.explode != rp.explode) && (structured(c.bdocs, bp) || structured(c.rdocs, rp)) {
            c.emit(
                Change::new(
                    &parameters::REQUEST_PARAMETER_STYLE_CHANGED,
                    format!(
                        "{label} serialisation changed from style={} explode={} to style={} explode={}",
                        bp.style, bp.explode, rp.style, rp.explode
                    ),
                )
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(format!("{}/{}", bp.style, bp.explode)), Some(format!("{}/{}", rp.style, rp.explode))),
            );
        }
        if let (Some(bs), Some(rs)) = (&bp.schema, &rp.schema) {
            schema::compare(c, bs, rs, Dir::Request.flip(webhook), &label);
        }
    }
}

fn compare_body(c: &mut Cmp<'_>, b: Option<&Body>, r: Option<&Body>, bop: &NodeId, rop: &NodeId, webhook: bool) {
    match (b, r) {
        (None, None) => {}
        (None, Some(r)) => {
            let rule = if r.required { &bodies::REQUEST_BODY_ADDED_REQUIRED } else { &bodies::REQUEST_BODY_ADDED_OPTIONAL };
            let kind = if r.required { "a required" } else { "an optional" };
            c.emit(Change::new(rule, format!("{kind} request body was added")).locs(Some(c.bloc(bop)), Some(c.rloc(&r.node))));
        }
        (Some(b), None) => {
            c.emit(
                Change::new(&bodies::REQUEST_BODY_REMOVED, "the request body was removed").locs(Some(c.bloc(&b.node)), Some(c.rloc(rop))),
            );
        }
        (Some(b), Some(r)) => {
            let locs = (Some(c.bloc(&b.node)), Some(c.rloc(&r.node)));
            if !b.required && r.required {
                c.emit(
                    Change::new(&bodies::REQUEST_BODY_BECAME_REQUIRED, "the request body became required")
                        .locs(locs.0.clone(), locs.1.clone()),
                );
            }
            if b.required && !r.required {
                c.emit(
                    Change::new(&bodies::REQUEST_BODY_BECAME_OPTIONAL, "the request body became optional")
                        .locs(locs.0.clone(), locs.1.clone()),
                );
            }
            for (m, bm) in &b.content {
                match r.content.get(m) {
                    None => c.emit(
                        Change::new(&bodies::REQUEST_MEDIA_TYPE_REMOVED, format!("request media type `{m}` was removed"))
                            .locs(Some(c.bloc(&bm.node)), locs.1.clone())
                            .values(Some(m.clone()), None),
                    ),
                    Some(rm) => {
                        if let (Some(bs), Some(rs)) = (&bm.schema, &rm.schema) {
                            schema::compare(c, bs, rs, Dir::Request.flip(webhook), &format!("request body ({m})"));
                        }
                    }
                }
            }
            for (m, rm) in &r.content {
                if !b.content.contains_key(m) {
                    c.emit(
                        Change::new(&bodies::REQUEST_MEDIA_TYPE_ADDED, format!("request media type `{m}` was added"))
                            .locs(locs.0.clone(), Some(c.rloc(&rm.node)))
                            .values(None, Some(m.clone())),
                    );
                }
            }
        }
    }
}

fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

fn compare_responses(c: &mut Cmp<'_>, b: &Operation, r: &Operation, webhook: bool) {
    for (code, br) in &b.responses {
        match r.responses.get(code) {
            None => {
                let rule =
                    if is_success(code) { &bodies::RESPONSE_SUCCESS_STATUS_REMOVED } else { &bodies::RESPONSE_NON_SUCCESS_STATUS_REMOVED };
                c.emit(
                    Change::new(rule, format!("response status {code} was removed"))
                        .locs(Some(c.bloc(&br.node)), Some(c.rloc(&r.node)))
                        .values(Some(code.clone()), None),
                );
            }
            Some(rr) => compare_response(c, code, br, rr, webhook),
        }
    }
    for (code, rr) in &r.responses {
        if !b.responses.contains_key(code) {
            let rule = if is_success(code) { &bodies::RESPONSE_SUCCESS_STATUS_ADDED } else { &bodies::RESPONSE_NON_SUCCESS_STATUS_ADDED };
            c.emit(
                Change::new(rule, format!("response status {code} was added"))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rr.node)))
                    .values(None, Some(code.clone())),
            );
        }
    }
}

fn compare_response(c: &mut Cmp<'_>, code: &str, b: &Response, r: &Response, webhook: bool) {
    for (h, bh) in &b.headers {
        match r.headers.get(h) {
            None => {
                let rule = if bh.required { &bodies::RESPONSE_REQUIRED_HEADER_REMOVED } else { &bodies::RESPONSE_OPTIONAL_HEADER_REMOVED };
                c.emit(
                    Change::new(rule, format!("response header `{}` ({code}) was removed", bh.name))
                        .locs(Some(c.bloc(&bh.node)), Some(c.rloc(&r.node))),
                );
            }
            Some(rh) => {
                if bh.required && !rh.required {
                    c.emit(
                        Change::new(
                            &bodies::RESPONSE_HEADER_BECAME_OPTIONAL,
                            format!("response header `{}` ({code}) became optional", rh.name),
                        )
                        .locs(Some(c.bloc(&bh.node)), Some(c.rloc(&rh.node))),
                    );
                }
                if let (Some(bs), Some(rs)) = (&bh.schema, &rh.schema) {
                    schema::compare(c, bs, rs, Dir::Response.flip(webhook), &format!("response header `{}` ({code})", rh.name));
                }
            }
        }
    }
    for (h, rh) in &r.headers {
        if !b.headers.contains_key(h) {
            c.emit(
                Change::new(&bodies::RESPONSE_HEADER_ADDED, format!("response header `{}` ({code}) was added", rh.name))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rh.node))),
            );
        }
    }
    for (m, bm) in &b.content {
        match r.content.get(m) {
            None => c.emit(
                Change::new(&bodies::RESPONSE_MEDIA_TYPE_REMOVED, format!("response media type `{m}` ({code}) was removed"))
                    .locs(Some(c.bloc(&bm.node)), Some(c.rloc(&r.node)))
                    .values(Some(m.clone()), None),
            ),
            Some(rm) => {
                if let (Some(bs), Some(rs)) = (&bm.schema, &rm.schema) {
                    schema::compare(c, bs, rs, Dir::Response.flip(webhook), &format!("response {code} body ({m})"));
                }
            }
        }
    }
    for (m, rm) in &r.content {
        if !b.content.contains_key(m) {
            c.emit(
                Change::new(&bodies::RESPONSE_MEDIA_TYPE_ADDED, format!("response media type `{m}` ({code}) was added"))
                    .locs(Some(c.bloc(&b.node)), Some(c.rloc(&rm.node)))
                    .values(None, Some(m.clone())),
            );
        }
    }
}

fn anonymous(reqs: &[Requirement]) -> bool {
    reqs.is_empty() || reqs.iter().any(|r| r.is_empty())
}

fn req_label(r: &Requirement) -> String {
    r.iter()
        .map(|(k, v)| if v.is_empty() { k.clone() } else { format!("{k}[{}]", v.iter().cloned().collect::<Vec<_>>().join(",")) })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// What identifies a security scheme to clients: its kind (`http bearer`, `apiKey in header
/// \`x-api-key\``), not the name the spec gives it, unless two schemes share a kind.
struct SchemeKeys {
    base: HashMap<String, String>,
    rev: HashMap<String, String>,
}

fn scheme_keys(api: &Api) -> HashMap<String, String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in api.security_schemes.values() {
        *count.entry(s.kind.as_str()).or_default() += 1;
    }
    api.security_schemes
        .iter()
        .filter(|(_, s)| count.get(s.kind.as_str()) == Some(&1))
        .map(|(name, s)| (name.clone(), format!("kind:{}", s.kind)))
        .collect()
}

fn scheme_key(keys: &HashMap<String, String>, name: &str) -> String {
    keys.get(name).cloned().unwrap_or_else(|| format!("name:{name}"))
}

fn compare_security(c: &mut Cmp<'_>, b: &Operation, r: &Operation, keys: &SchemeKeys) {
    let bl = b.security_node.as_ref().map_or_else(|| c.bloc(&b.node), |n| c.bloc(n));
    let rl = r.security_node.as_ref().map_or_else(|| c.rloc(&r.node), |n| c.rloc(n));
    let (ba, ra) = (anonymous(&b.security), anonymous(&r.security));
    if ba && !ra {
        let what: Vec<String> = r.security.iter().map(req_label).collect();
        c.emit(
            Change::new(&metadata::ENDPOINT_SECURITY_ADDED, format!("authentication is now required: {}", what.join(" or ")))
                .locs(Some(bl), Some(rl))
                .values(None, Some(what.join(" | "))),
        );
        return;
    }
    if !ba && ra {
        c.emit(Change::new(&metadata::ENDPOINT_SECURITY_REMOVED, "authentication is no longer required").locs(Some(bl), Some(rl)));
        return;
    }
    // Requirements match by what the schemes are, so renaming `api_key` to `ApiKeyAuth` is no change.
    let bset = |r: &Requirement| r.keys().map(|k| scheme_key(&keys.base, k)).collect::<BTreeSet<String>>();
    let rset = |r: &Requirement| r.keys().map(|k| scheme_key(&keys.rev, k)).collect::<BTreeSet<String>>();
    for breq in b.security.iter().filter(|x| !x.is_empty()) {
        match r.security.iter().find(|x| rset(x) == bset(breq)) {
            None => c.emit(
                Change::new(
                    &metadata::ENDPOINT_SECURITY_ALTERNATIVE_REMOVED,
                    format!("authentication with {} is no longer accepted", req_label(breq)),
                )
                .locs(Some(bl.clone()), Some(rl.clone()))
                .values(Some(req_label(breq)), None),
            ),
            Some(rreq) => {
                for (scheme, bscopes) in breq {
                    let key = scheme_key(&keys.base, scheme);
                    let rscopes =
                        rreq.iter().find(|(rn, _)| scheme_key(&keys.rev, rn) == key).map(|(_, sc)| sc.clone()).unwrap_or_default();
                    for s in rscopes.difference(bscopes) {
                        c.emit(
                            Change::new(&metadata::ENDPOINT_SECURITY_SCOPE_ADDED, format!("scope `{s}` of `{scheme}` is now required"))
                                .locs(Some(bl.clone()), Some(rl.clone()))
                                .values(None, Some(format!("{scheme}:{s}"))),
                        );
                    }
                    for s in bscopes.difference(&rscopes) {
                        c.emit(
                            Change::new(
                                &metadata::ENDPOINT_SECURITY_SCOPE_REMOVED,
                                format!("scope `{s}` of `{scheme}` is no longer required"),
                            )
                            .locs(Some(bl.clone()), Some(rl.clone()))
                            .values(Some(format!("{scheme}:{s}")), None),
                        );
                    }
                }
            }
        }
    }
    for rreq in r.security.iter().filter(|x| !x.is_empty()) {
        if !b.security.iter().any(|x| bset(x) == rset(rreq)) {
            c.emit(
                Change::new(
                    &metadata::ENDPOINT_SECURITY_ALTERNATIVE_ADDED,
                    format!("authentication with {} is now accepted", req_label(rreq)),
                )
                .locs(Some(bl.clone()), Some(rl.clone()))
                .values(None, Some(req_label(rreq))),
            );
        }
    }
}

fn compare_security_schemes(c: &mut Cmp<'_>, base: &Api, rev: &Api) {
    for (name, bs) in &base.security_schemes {
        match rev.security_schemes.get(name) {
            None => c.emit(
                Change::new(&metadata::SECURITY_SCHEME_REMOVED, format!("security scheme `{name}` was removed")).base(c.bloc(&bs.node)),
            ),
            Some(rs) => {
                let locs = (Some(c.bloc(&bs.node)), Some(c.rloc(&rs.node)));
                if bs.kind != rs.kind {
                    c.emit(
                        Change::new(
                            &metadata::SECURITY_SCHEME_CHANGED,
                            format!("security scheme `{name}` changed from {} to {}", bs.kind, rs.kind),
                        )
                        .locs(locs.0.clone(), locs.1.clone())
                        .values(Some(bs.kind.clone()), Some(rs.kind.clone())),
                    );
                } else {
                    // Same kind: clients still break when the flow they use, or its URLs, go away.
                    for (flow, burls) in &bs.endpoints {
                        let msg = match rs.endpoints.get(flow) {
                            None if flow == "openIdConnectUrl" => format!("security scheme `{name}` lost its openIdConnectUrl"),
                            None => format!("OAuth2 flow `{flow}` was removed from security scheme `{name}`"),
                            Some(rurls) if rurls != burls => {
                                format!("security scheme `{name}` {flow} URLs changed from `{burls}` to `{rurls}`")
                            }
                            Some(_) => continue,
                        };
                        let after = rs.endpoints.get(flow).map(|u| format!("{flow} {u}"));
                        c.emit(
                            Change::new(&metadata::SECURITY_SCHEME_CHANGED, msg)
                                .locs(locs.0.clone(), locs.1.clone())
                                .values(Some(format!("{flow} {burls}")), after),
                        );
                    }
                }
                for s in bs.scopes.difference(&rs.scopes) {
                    c.emit(
                        Change::new(
                            &metadata::SECURITY_SCHEME_SCOPE_REMOVED,
                            format!("scope `{s}` was removed from security scheme `{name}`"),
                        )
                        .locs(locs.0.clone(), locs.1.clone())
                        .values(Some(s.clone()), None),
                    );
                }
            }
        }
    }
    for (name, rs) in &rev.security_schemes {
        if !base.security_schemes.contains_key(name) {
            c.emit(Change::new(&metadata::SECURITY_SCHEME_ADDED, format!("security scheme `{name}` was added")).revision(c.rloc(&rs.node)));
        }
    }
}

fn compare_servers(c: &mut Cmp<'_>, base: &Api, rev: &Api) {
    for (url, node) in &base.servers {
        if !rev.servers.iter().any(|(u, _)| u == url) {
            c.emit(
                Change::new(&metadata::SERVER_REMOVED, format!("server `{url}` was removed"))
                    .base(c.bloc(node))
                    .values(Some(url.clone()), None),
            );
        }
    }
    for (url, node) in &rev.servers {
        if !base.servers.iter().any(|(u, _)| u == url) {
            c.emit(
                Change::new(&metadata::SERVER_ADDED, format!("server `{url}` was added"))
                    .revision(c.rloc(node))
                    .values(None, Some(url.clone())),
            );
        }
    }
}

fn compare_named_schemas(c: &mut Cmp<'_>, base: &Api, rev: &Api) {
    let mut removed: Vec<(&String, &NodeId)> = base.schemas.iter().filter(|(k, _)| !rev.schemas.contains_key(*k)).collect();
    let mut added: Vec<(&String, &NodeId)> = rev.schemas.iter().filter(|(k, _)| !base.schemas.contains_key(*k)).collect();
    removed.retain(|(bn, bid)| {
        let h = schema::shape_hash(c.bdocs, bid);
        match added.iter().position(|(_, rid)| schema::shape_hash(c.rdocs, rid) == h) {
            Some(i) => {
                let (rn, rid) = added.remove(i);
                c.emit(
                    Change::new(&metadata::SCHEMA_RENAMED, format!("schema `{bn}` was renamed to `{rn}`"))
                        .locs(Some(c.bloc(bid)), Some(c.rloc(rid)))
                        .values(Some((*bn).clone()), Some(rn.clone())),
                );
                false
            }
            None => true,
        }
    });
    for (n, id) in removed {
        c.emit(Change::new(&metadata::SCHEMA_REMOVED, format!("schema `{n}` was removed")).base(c.bloc(id)));
    }
    for (n, id) in added {
        c.emit(Change::new(&metadata::SCHEMA_ADDED, format!("schema `{n}` was added")).revision(c.rloc(id)));
    }
}

/// `1.2.3` → `[1, 2, 3]`; a leading `v` and pre-release suffixes are ignored.
fn version_parts(v: &str) -> Option<Vec<u64>> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let core = v.split(['-', '+']).next()?;
    core.split('.').map(|p| p.parse::<u64>().ok()).collect()
}

fn compare_info_version(c: &mut Cmp<'_>, base: &Api, rev: &Api) {
    let (Some(bv), Some(rv)) = (base.info_version.clone(), rev.info_version.clone()) else { return };
    let root = NodeId { doc: 0, ptr: "/info/version".into() };
    let locs = (Some(c.bloc(&root)), Some(c.rloc(&root)));
    if bv != rv {
        c.emit(
            Change::new(&metadata::API_VERSION_CHANGED, format!("info.version changed from {bv} to {rv}"))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(bv.clone()), Some(rv.clone())),
        );
    }
    let (bp, rp) = (version_parts(&bv), version_parts(&rv));
    if let (Some(bp), Some(rp)) = (&bp, &rp)
        && rp < bp
    {
        c.emit(
            Change::new(&metadata::API_VERSION_DECREASED, format!("info.version went backwards from {bv} to {rv}"))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(bv.clone()), Some(rv.clone())),
        );
    }
    let breaking = c.changes.iter().filter(|ch| ch.severity == Severity::Breaking).count();
    // In 0.x releases a minor bump is the major one (semver item 4).
    let significant =
        |p: &Vec<u64>| if p.first() == Some(&0) { (0, p.get(1).copied().unwrap_or(0)) } else { (p.first().copied().unwrap_or(0), 0) };
    let major_same = match (&bp, &rp) {
        (Some(b), Some(r)) => significant(b) >= significant(r),
        _ => false,
    };
    // An untouched version is no release decision: the breaking changes speak for themselves.
    if breaking > 0 && bv != rv && major_same {
        c.emit(
            Change::new(
                &metadata::API_MAJOR_VERSION_NOT_BUMPED,
                format!("{breaking} breaking change(s), but info.version went from {bv} to {rv} without a major bump"),
            )
            .locs(locs.0, locs.1)
            .values(Some(bv), Some(rv)),
        );
    }
}
