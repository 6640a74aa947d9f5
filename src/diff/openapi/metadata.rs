//! Rules about security, servers, info.version and named schemas.

use super::cx::Cx;
use crate::diff::{Change, Severity};
use crate::spec::openapi::{Api, Operation, Requirement};
use crate::spec::refs::NodeId;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

crate::rules! {
    /// ## What it detects
    /// A description declaring an OpenAPI version this apidiff does not know (`openapi: 3.9.0`):
    /// not `swagger: "2.0"`, `3.0.x`, `3.1.x` or `3.2.x`.
    /// ## Why it matters
    /// It is read as the latest version apidiff knows (3.x documents by the 3.1 and 3.2 rules),
    /// so fields a later version added are not compared: a change in them passes unseen. The
    /// warning says so instead of staying silent.
    /// ## Example
    /// `openapi: 3.9.0`.
    /// ## How to migrate
    /// Check the description against a version apidiff knows, or upgrade apidiff.
    OPENAPI_VERSION_UNKNOWN = "openapi-version-unknown", OpenApi, Warning, None, "info", Changed,
        "The description declares an OpenAPI version apidiff does not know";
    /// ## What it detects
    /// (3.2) The document's `$self` URI (its own identity and base URI) added, removed or changed.
    /// ## Why it matters
    /// Other documents that `$ref` this one by its `$self` URI no longer resolve, and relative
    /// references inside it resolve against another base.
    /// ## Example
    /// `$self: https://example.com/api/v1/openapi.yaml` becomes `.../v2/openapi.yaml`.
    /// ## How to migrate
    /// Keep the old URI reachable, or update every document that references this one.
    API_SELF_CHANGED = "api-self-changed", OpenApi, Warning, None, "info", Changed,
        "The document's `$self` URI changed";
    /// ## What it detects
    /// (3.2) A tag's `parent` (the tag it is nested under) or `kind` (`nav`, `badge`, `audience`,
    /// ...) added, removed or changed.
    /// ## Why it matters
    /// Only documentation and navigation change: generated docs and portals group operations
    /// differently; no request or response changes.
    /// ## Example
    /// Tag `cards` gains `parent: payments`.
    /// ## How to migrate
    /// Nothing to do for clients.
    TAG_CHANGED = "tag-changed", OpenApi, Info, None, "tag", Changed,
        "A tag's `parent` or `kind` changed";
    /// ## What it detects
    /// (3.2) A security scheme marked `deprecated: true`.
    /// ## Why it matters
    /// Clients authenticating with it must move to another scheme before it is removed.
    /// ## Example
    /// `api_key: {type: apiKey, in: header, name: X-Key, deprecated: true}`.
    /// ## How to migrate
    /// Offer the replacement scheme as an alternative on every operation first.
    SECURITY_SCHEME_DEPRECATED = "security-scheme-deprecated", OpenApi, Info, None, "security", Deprecated,
        "A security scheme was deprecated";
    /// ## What it detects
    /// A named example of a media type changed: its `value`, or (3.2) its `dataValue` (the data)
    /// or `serializedValue` (the bytes on the wire), or its `externalValue`.
    /// ## Why it matters
    /// Only documentation changes, but generated docs, mock servers and contract tests built
    /// from the examples change with it; a changed `serializedValue` often shows a serialization
    /// change worth a look.
    /// ## Example
    /// `examples.card.dataValue: {brand: visa}` becomes `{brand: mastercard}`.
    /// ## How to migrate
    /// Nothing to do for clients; regenerate mocks and docs.
    EXAMPLE_CHANGED = "example-changed", OpenApi, Info, None, "example", Changed,
        "A named example's value changed", traits = [Documentation];
    /// ## What it detects
    /// An operation that had no security requirement and now has one, in a description whose
    /// old version declared no security scheme at all. Where the old description did declare
    /// schemes (so some operations required authentication and this one did not), it is
    /// `endpoint-security-added`, breaking.
    /// ## Why it matters
    /// Anonymous callers would be rejected. Level by evidence: a warning, not breaking. A
    /// description that declared no security scheme anywhere did not describe authentication
    /// at all; an API that is called with credentials (every real one with an account) gains a
    /// description of what clients already send, and no request that worked starts failing.
    /// oasdiff rates a security requirement added to an operation below a removal too. The
    /// `strict` profile (`gate.profile: strict` in apidiff.yaml) rates this breaking.
    /// ## Example
    /// The old description has no `components.securitySchemes`; the new one adds `bearerAuth` and
    /// `security: [{bearerAuth: []}]` at the top level.
    /// ## How to migrate
    /// Check that the operation already required credentials; if it did not, treat this as
    /// breaking and keep an anonymous alternative (`{}`) during a transition.
    ENDPOINT_SECURITY_DOCUMENTED = "endpoint-security-documented", OpenApi, Warning, None, "security", Added,
        "Authentication written down for an operation of an API whose old description declared none", traits = [StrictBreaking];
    /// ## What it detects
    /// An operation that needed no credentials and now has a security requirement.
    /// ## Why it matters
    /// Anonymous callers are rejected.
    /// ## Example
    /// `security: [{apiKey: []}]` added to `GET /pets`.
    /// ## How to migrate
    /// Keep an anonymous alternative (`{}`) during a transition.
    ENDPOINT_SECURITY_ADDED = "endpoint-security-added", OpenApi, Breaking, None, "security", Added,
        "An operation now requires authentication", oasdiff = ["api-security-added"];
    /// ## What it detects
    /// An operation whose security requirement was removed or made optional.
    /// ## Why it matters
    /// Authenticated calls keep working.
    /// ## Example
    /// `security: []` on `GET /pets`.
    /// ## How to migrate
    /// Nothing to do (check this is intended).
    ENDPOINT_SECURITY_REMOVED = "endpoint-security-removed", OpenApi, Info, None, "security", Removed,
        "An operation no longer requires authentication", oasdiff = ["api-security-removed"];
    /// ## What it detects
    /// A security requirement alternative (a set of schemes) no longer accepted.
    /// ## Why it matters
    /// Clients using that scheme are rejected.
    /// ## Example
    /// `[{basicAuth: []}, {oauth: []}]` loses `basicAuth`.
    /// ## How to migrate
    /// Keep the old scheme during a transition.
    ENDPOINT_SECURITY_ALTERNATIVE_REMOVED = "endpoint-security-alternative-removed", OpenApi, Breaking, None, "security", Removed,
        "A way to authenticate an operation was removed";
    /// ## What it detects
    /// A new security requirement alternative.
    /// ## Why it matters
    /// Existing credentials still work.
    /// ## Example
    /// `{oauth: [read]}` added next to `{apiKey: []}`.
    /// ## How to migrate
    /// Nothing to do.
    ENDPOINT_SECURITY_ALTERNATIVE_ADDED = "endpoint-security-alternative-added", OpenApi, Info, None, "security", Added,
        "A new way to authenticate an operation was added";
    /// ## What it detects
    /// A scope added to a requirement an operation already had.
    /// ## Why it matters
    /// Tokens issued without the scope are rejected.
    /// ## Example
    /// `oauth: [read]` becomes `oauth: [read, admin]`.
    /// ## How to migrate
    /// Grant the scope to existing clients first.
    ENDPOINT_SECURITY_SCOPE_ADDED = "endpoint-security-scope-added", OpenApi, Breaking, None, "security", Added,
        "An operation requires a new OAuth2 scope", oasdiff = ["api-security-scope-added"];
    /// ## What it detects
    /// A scope removed from an operation's requirement.
    /// ## Why it matters
    /// Existing tokens keep working.
    /// ## Example
    /// `oauth: [read, admin]` becomes `oauth: [read]`.
    /// ## How to migrate
    /// Nothing to do.
    ENDPOINT_SECURITY_SCOPE_REMOVED = "endpoint-security-scope-removed", OpenApi, Info, None, "security", Removed,
        "An operation requires fewer OAuth2 scopes", oasdiff = ["api-security-scope-removed"];
    /// ## What it detects
    /// A new entry in `components.securitySchemes` (or `securityDefinitions`).
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// `bearerAuth` added.
    /// ## How to migrate
    /// Nothing to do.
    SECURITY_SCHEME_ADDED = "security-scheme-added", OpenApi, Info, None, "security", Added,
        "A security scheme was added", oasdiff = ["api-security-component-added"];
    /// ## What it detects
    /// A security scheme no longer defined.
    /// ## Why it matters
    /// Clients configured for it must move; operations that used it are reported separately.
    /// ## Example
    /// `apiKey` scheme removed.
    /// ## How to migrate
    /// Keep it until no operation or client uses it.
    SECURITY_SCHEME_REMOVED = "security-scheme-removed", OpenApi, Warning, None, "security", Removed,
        "A security scheme was removed", oasdiff = ["api-security-component-removed"];
    /// ## What it detects
    /// A scheme whose type, `in`, header/query name or HTTP scheme changed, that lost an OAuth2 flow,
    /// or whose authorization, token or OpenID Connect URL changed.
    /// ## Why it matters
    /// Clients send credentials where or how the server no longer reads them.
    /// ## Example
    /// `in: query` becomes `in: header`.
    /// ## How to migrate
    /// Define a new scheme; keep the old one during a transition.
    SECURITY_SCHEME_CHANGED = "security-scheme-changed", OpenApi, Breaking, None, "security", Changed,
        "A security scheme changed how credentials are sent", oasdiff = ["api-security-component-type-changed", "api-security-component-oauth-url-changed", "api-security-component-oauth-token-url-changed"];
    /// ## What it detects
    /// A scope no longer offered by any flow of a scheme.
    /// ## Why it matters
    /// Clients requesting it fail to get tokens.
    /// ## Example
    /// `scopes: {read, write}` loses `write`.
    /// ## How to migrate
    /// Keep offering the scope.
    SECURITY_SCHEME_SCOPE_REMOVED = "security-scheme-scope-removed", OpenApi, Warning, None, "security", Removed,
        "An OAuth2 scope was removed from a security scheme", oasdiff = ["api-security-component-oauth-scope-removed"];
    /// ## What it detects
    /// A `servers` entry (Swagger 2.0: scheme, host or basePath) no longer listed.
    /// ## Why it matters
    /// Clients configured with that base URL may stop reaching the API.
    /// ## Example
    /// `https://api.example.com/v1` removed.
    /// ## How to migrate
    /// Keep serving the old URL, or redirect.
    SERVER_REMOVED = "server-removed", OpenApi, Warning, None, "server", Removed,
        "A server URL was removed";
    /// ## What it detects
    /// A new `servers` entry.
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// `https://eu.api.example.com` added.
    /// ## How to migrate
    /// Nothing to do.
    SERVER_ADDED = "server-added", OpenApi, Info, None, "server", Added,
        "A server URL was added";
    /// ## What it detects
    /// A new `info.version`.
    /// ## Why it matters
    /// Informational: a release marker.
    /// ## Example
    /// `1.4.0` becomes `1.5.0`.
    /// ## How to migrate
    /// Nothing to do.
    API_VERSION_CHANGED = "api-version-changed", OpenApi, Info, None, "info", Changed,
        "info.version changed";
    /// ## What it detects
    /// An `info.version` lower than the base's (compared as semantic versions).
    /// ## Why it matters
    /// Usually a merge or release mistake.
    /// ## Example
    /// `2.1.0` becomes `2.0.9`.
    /// ## How to migrate
    /// Check the release.
    API_VERSION_DECREASED = "api-version-decreased", OpenApi, Warning, None, "info", Changed,
        "info.version went backwards", oasdiff = ["api-version-decreased"];
    /// ## What it detects
    /// Breaking changes in a revision whose `info.version` changed but kept its major number
    /// (the minor number for `0.x` versions). A revision that leaves `info.version` alone is not
    /// a release decision yet, so it is not reported: the breaking changes themselves are.
    /// ## Why it matters
    /// Semantic-versioning clients assume the release is compatible.
    /// ## Example
    /// A removed endpoint with `1.4.0` becoming `1.5.0`.
    /// ## How to migrate
    /// Bump the major version, or avoid the breaking changes.
    API_MAJOR_VERSION_NOT_BUMPED = "api-major-version-not-bumped", OpenApi, Warning, None, "info", Changed,
        "Breaking changes without a major version bump", traits = [DerivedFromBreaking], oasdiff = ["api-major-version-not-bumped"];
    /// ## What it detects
    /// A new entry in `components.schemas` (or `definitions`).
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// `Owner` added.
    /// ## How to migrate
    /// Nothing to do.
    SCHEMA_ADDED = "schema-added", OpenApi, Info, None, "component", Added,
        "A named schema was added";
    /// ## What it detects
    /// A named schema no longer defined (its uses are reported by the operation rules).
    /// ## Why it matters
    /// Generated SDKs lose the type; code using it stops compiling.
    /// ## Example
    /// `Owner` removed.
    /// ## How to migrate
    /// Keep the schema until SDK users have moved.
    SCHEMA_REMOVED = "schema-removed", OpenApi, Warning, None, "component", Removed,
        "A named schema was removed", oasdiff = ["api-schema-removed"];
    /// ## What it detects
    /// A named schema removed while one with the same shape was added under another name.
    /// ## Why it matters
    /// The wire format is unchanged, but generated SDK types change name.
    /// ## Example
    /// `Pet` becomes `Animal`.
    /// ## How to migrate
    /// Keep the old name as an alias (`$ref` to the new one).
    SCHEMA_RENAMED = "schema-renamed", OpenApi, Warning, None, "component", Renamed,
        "A named schema was renamed";
}

pub(super) fn anonymous(reqs: &[Requirement]) -> bool {
    reqs.is_empty() || reqs.iter().any(|r| r.is_empty())
}

pub(super) fn req_label(r: &Requirement) -> String {
    r.iter()
        .map(|(k, v)| if v.is_empty() { k.clone() } else { format!("{k}[{}]", v.iter().cloned().collect::<Vec<_>>().join(",")) })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// What identifies a security scheme to clients: its kind (`http bearer`, `apiKey in header
/// \`x-api-key\``), not the name the spec gives it, unless two schemes share a kind.
pub(super) struct SchemeKeys {
    pub(super) base: HashMap<String, String>,
    pub(super) rev: HashMap<String, String>,
    /// The base declared no security scheme at all: security written down now documents how the
    /// API was always called, as far as the description can tell.
    pub(super) base_declared_none: bool,
}

/// How a scheme is identified across versions: by name when both sides define that name (its
/// own changes are `security-scheme-changed`), else by its kind when that kind is unique, so a
/// renamed scheme (`api_key` → `ApiKeyAuth`) is no change to the operations that use it.
pub(super) fn scheme_keys(api: &Api, other: &Api) -> HashMap<String, String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in api.security_schemes.values() {
        *count.entry(s.kind.as_str()).or_default() += 1;
    }
    api.security_schemes
        .iter()
        .filter(|(name, s)| !other.security_schemes.contains_key(*name) && count.get(s.kind.as_str()) == Some(&1))
        .map(|(name, s)| (name.clone(), format!("kind:{}", s.kind)))
        .collect()
}

pub(super) fn scheme_key(keys: &HashMap<String, String>, name: &str) -> String {
    keys.get(name).cloned().unwrap_or_else(|| format!("name:{name}"))
}

pub(super) fn compare_security(c: &mut Cx<'_>, b: &Operation, r: &Operation, keys: &SchemeKeys) {
    let bl = b.security_node.as_ref().map_or_else(|| c.bloc(&b.node), |n| c.bloc(n));
    let rl = r.security_node.as_ref().map_or_else(|| c.rloc(&r.node), |n| c.rloc(n));
    let (ba, ra) = (anonymous(&b.security), anonymous(&r.security));
    if ba && !ra {
        let what: Vec<String> = r.security.iter().map(req_label).collect();
        let (rule, note) = if keys.base_declared_none {
            (&ENDPOINT_SECURITY_DOCUMENTED, " (the old description declared no security scheme: documents authentication)")
        } else {
            (&ENDPOINT_SECURITY_ADDED, "")
        };
        c.emit(
            Change::new(rule, format!("authentication is now required: {}{note}", what.join(" or ")))
                .locs(Some(bl), Some(rl))
                .values(None, Some(what.join(" | "))),
        );
        return;
    }
    if !ba && ra {
        c.emit(Change::new(&ENDPOINT_SECURITY_REMOVED, "authentication is no longer required").locs(Some(bl), Some(rl)));
        return;
    }
    // Requirements match by what the schemes are, so renaming `api_key` to `ApiKeyAuth` is no change.
    let bset = |r: &Requirement| r.keys().map(|k| scheme_key(&keys.base, k)).collect::<BTreeSet<String>>();
    let rset = |r: &Requirement| r.keys().map(|k| scheme_key(&keys.rev, k)).collect::<BTreeSet<String>>();
    for breq in b.security.iter().filter(|x| !x.is_empty()) {
        match r.security.iter().find(|x| rset(x) == bset(breq)) {
            None => c.emit(
                Change::new(
                    &ENDPOINT_SECURITY_ALTERNATIVE_REMOVED,
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
                            Change::new(&ENDPOINT_SECURITY_SCOPE_ADDED, format!("scope `{s}` of `{scheme}` is now required"))
                                .locs(Some(bl.clone()), Some(rl.clone()))
                                .values(None, Some(format!("{scheme}:{s}"))),
                        );
                    }
                    for s in bscopes.difference(&rscopes) {
                        c.emit(
                            Change::new(&ENDPOINT_SECURITY_SCOPE_REMOVED, format!("scope `{s}` of `{scheme}` is no longer required"))
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
                Change::new(&ENDPOINT_SECURITY_ALTERNATIVE_ADDED, format!("authentication with {} is now accepted", req_label(rreq)))
                    .locs(Some(bl.clone()), Some(rl.clone()))
                    .values(None, Some(req_label(rreq))),
            );
        }
    }
}

pub(super) fn compare_security_schemes(c: &mut Cx<'_>, base: &Api, rev: &Api) {
    for (name, bs) in &base.security_schemes {
        match rev.security_schemes.get(name) {
            None => c.emit(Change::new(&SECURITY_SCHEME_REMOVED, format!("security scheme `{name}` was removed")).base(c.bloc(&bs.node))),
            Some(rs) => {
                let locs = (Some(c.bloc(&bs.node)), Some(c.rloc(&rs.node)));
                if bs.kind != rs.kind {
                    c.emit(
                        Change::new(&SECURITY_SCHEME_CHANGED, format!("security scheme `{name}` changed from {} to {}", bs.kind, rs.kind))
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
                            Change::new(&SECURITY_SCHEME_CHANGED, msg)
                                .locs(locs.0.clone(), locs.1.clone())
                                .values(Some(format!("{flow} {burls}")), after),
                        );
                    }
                }
                if rs.deprecated && !bs.deprecated {
                    c.emit(
                        Change::new(&SECURITY_SCHEME_DEPRECATED, format!("security scheme `{name}` was deprecated"))
                            .locs(locs.0.clone(), locs.1.clone()),
                    );
                }
                for s in bs.scopes.difference(&rs.scopes) {
                    c.emit(
                        Change::new(&SECURITY_SCHEME_SCOPE_REMOVED, format!("scope `{s}` was removed from security scheme `{name}`"))
                            .locs(locs.0.clone(), locs.1.clone())
                            .values(Some(s.clone()), None),
                    );
                }
            }
        }
    }
    for (name, rs) in &rev.security_schemes {
        if !base.security_schemes.contains_key(name) {
            c.emit(Change::new(&SECURITY_SCHEME_ADDED, format!("security scheme `{name}` was added")).revision(c.rloc(&rs.node)));
        }
    }
}

pub(super) fn compare_servers(c: &mut Cx<'_>, base: &Api, rev: &Api) {
    for (url, node) in &base.servers {
        if !rev.servers.iter().any(|(u, _)| u == url) {
            c.emit(Change::new(&SERVER_REMOVED, format!("server `{url}` was removed")).base(c.bloc(node)).values(Some(url.clone()), None));
        }
    }
    for (url, node) in &rev.servers {
        if !base.servers.iter().any(|(u, _)| u == url) {
            c.emit(Change::new(&SERVER_ADDED, format!("server `{url}` was added")).revision(c.rloc(node)).values(None, Some(url.clone())));
        }
    }
}

pub(super) fn compare_named_schemas(c: &mut Cx<'_>, base: &Api, rev: &Api) {
    let mut removed: Vec<(&String, &NodeId)> = base.schemas.iter().filter(|(k, _)| !rev.schemas.contains_key(*k)).collect();
    let added: Vec<(&String, &NodeId)> = rev.schemas.iter().filter(|(k, _)| !base.schemas.contains_key(*k)).collect();
    // Each added schema's shape hashed once, then a removed one takes the first added schema of
    // its shape still free: linear in the schemas, not removed × added hashes.
    let mut by_shape: HashMap<[u8; 32], std::collections::VecDeque<usize>> = HashMap::new();
    for (i, (_, rid)) in added.iter().enumerate() {
        by_shape.entry(super::view::shape_hash(c.rdocs, rid)).or_default().push_back(i);
    }
    let mut taken = vec![false; added.len()];
    removed.retain(|(bn, bid)| {
        let Some(i) = by_shape.get_mut(&super::view::shape_hash(c.bdocs, bid)).and_then(|q| q.pop_front()) else { return true };
        taken[i] = true;
        let (rn, rid) = added[i];
        c.emit(
            Change::new(&SCHEMA_RENAMED, format!("schema `{bn}` was renamed to `{rn}`"))
                .locs(Some(c.bloc(bid)), Some(c.rloc(rid)))
                .values(Some((*bn).clone()), Some(rn.clone())),
        );
        false
    });
    for (n, id) in removed {
        c.emit(Change::new(&SCHEMA_REMOVED, format!("schema `{n}` was removed")).base(c.bloc(id)));
    }
    for (n, id) in added.iter().zip(&taken).filter(|(_, t)| !**t).map(|(a, _)| *a) {
        c.emit(Change::new(&SCHEMA_ADDED, format!("schema `{n}` was added")).revision(c.rloc(id)));
    }
}

/// `1.2.3` → `[1, 2, 3]`; a leading `v` and pre-release suffixes are ignored.
pub(super) fn version_parts(v: &str) -> Option<Vec<u64>> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let core = v.split(['-', '+']).next()?;
    core.split('.').map(|p| p.parse::<u64>().ok()).collect()
}

/// Named examples of a media type (`examples`), matched by name: a change of what they show.
pub(super) fn compare_examples(c: &mut Cx<'_>, b: &NodeId, r: &NodeId, place: &str) {
    let (Some(bv), Some(rv)) = (c.bdocs.get(b), c.rdocs.get(r)) else { return };
    let (Some(Value::Object(be)), Some(Value::Object(re))) = (bv.get("examples"), rv.get("examples")) else { return };
    let mut found = Vec::new();
    for (name, bx) in be {
        let Some(rx) = re.get(name) else { continue };
        for field in ["value", "dataValue", "serializedValue", "externalValue"] {
            if bx.get(field) != rx.get(field) {
                found.push((name.clone(), field, bx.get(field).map(Value::to_string), rx.get(field).map(Value::to_string)));
            }
        }
    }
    for (name, field, old, new) in found {
        let at = |id: &NodeId| id.child("examples").child(&name).child(field);
        let msg = format!("{place}: example `{name}` {field} changed");
        c.emit(Change::new(&EXAMPLE_CHANGED, msg).locs(Some(c.bloc(&at(b))), Some(c.rloc(&at(r)))).values(old, new));
    }
}

/// Whether apidiff knows the version a description declares.
fn known_version(declared: &str) -> bool {
    let parts: Vec<&str> = declared.split('.').collect();
    matches!(parts.as_slice(), ["2", "0"] | ["3", "0" | "1" | "2"] | ["3", "0" | "1" | "2", _])
}

/// An OpenAPI version apidiff does not know, on either side (once per version); `$self`; and
/// (3.2) tag `parent`/`kind`.
pub(super) fn compare_document(c: &mut Cx<'_>, base: &Api, rev: &Api) {
    let at = NodeId { doc: 0, ptr: "/openapi".into() };
    for (api, is_base) in [(rev, false), (base, true)] {
        if known_version(&api.declared) || (is_base && base.declared == rev.declared) {
            continue;
        }
        let msg = format!(
            "`openapi: {}` is a version apidiff does not know: it is read as OpenAPI 3.2 (the latest it knows), so fields added after 3.2 are not compared",
            api.declared
        );
        let loc = if is_base { (Some(c.bloc(&at)), None) } else { (None, Some(c.rloc(&at))) };
        c.emit(Change::new(&OPENAPI_VERSION_UNKNOWN, msg).locs(loc.0, loc.1).values(None, Some(api.declared.clone())));
    }
    let root = NodeId { doc: 0, ptr: String::new() };
    let (Some(bv), Some(rv)) = (base.docs.get(&root), rev.docs.get(&root)) else { return };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let (bs, rs) = (text(bv, "$self"), text(rv, "$self"));
    if bs != rs {
        let shown = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
        let at = root.child("$self");
        c.emit(
            Change::new(&API_SELF_CHANGED, format!("`$self` changed from `{}` to `{}`", shown(&bs), shown(&rs)))
                .locs(Some(c.bloc(&at)), Some(c.rloc(&at)))
                .values(bs.clone(), rs.clone()),
        );
    }
    compare_tags(c, bv, rv);
}

/// Tags matched by name; a change of `parent` or `kind` (3.2).
fn compare_tags(c: &mut Cx<'_>, bv: &Value, rv: &Value) {
    let tags = |v: &Value| -> HashMap<String, (usize, Option<String>, Option<String>)> {
        let list = v.get("tags").and_then(Value::as_array).cloned().unwrap_or_default();
        let field = |t: &Value, k: &str| t.get(k).and_then(Value::as_str).map(str::to_string);
        list.iter().enumerate().filter_map(|(i, t)| Some((field(t, "name")?, (i, field(t, "parent"), field(t, "kind"))))).collect()
    };
    let (bt, rt) = (tags(bv), tags(rv));
    let mut names: Vec<&String> = rt.keys().filter(|n| bt.contains_key(*n)).collect();
    names.sort();
    for name in names {
        let ((bi, bp, bk), (ri, rp, rk)) = (&bt[name], &rt[name]);
        for (what, old, new) in [("parent", bp, rp), ("kind", bk, rk)] {
            if old == new {
                continue;
            }
            let shown = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
            let (bl, rl) = (NodeId { doc: 0, ptr: format!("/tags/{bi}") }, NodeId { doc: 0, ptr: format!("/tags/{ri}") });
            c.emit(
                Change::new(&TAG_CHANGED, format!("tag `{name}`: {what} changed from `{}` to `{}`", shown(old), shown(new)))
                    .locs(Some(c.bloc(&bl)), Some(c.rloc(&rl)))
                    .values(Some(format!("{what}={}", shown(old))), Some(format!("{what}={}", shown(new)))),
            );
        }
    }
}

pub(super) fn compare_info_version(c: &mut Cx<'_>, base: &Api, rev: &Api) {
    let (Some(bv), Some(rv)) = (base.info_version.clone(), rev.info_version.clone()) else { return };
    let root = NodeId { doc: 0, ptr: "/info/version".into() };
    let locs = (Some(c.bloc(&root)), Some(c.rloc(&root)));
    if bv != rv {
        c.emit(
            Change::new(&API_VERSION_CHANGED, format!("info.version changed from {bv} to {rv}"))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(bv.clone()), Some(rv.clone())),
        );
    }
    let (bp, rp) = (version_parts(&bv), version_parts(&rv));
    // Calendar versions (2025-01-01, 2025.02) carry no compatibility promise.
    let calendar = |p: &Option<Vec<u64>>| p.as_ref().and_then(|p| p.first()).is_some_and(|&y| y >= 1900);
    if let (Some(bp), Some(rp)) = (&bp, &rp)
        && rp < bp
    {
        c.emit(
            Change::new(&API_VERSION_DECREASED, format!("info.version went backwards from {bv} to {rv}"))
                .locs(locs.0.clone(), locs.1.clone())
                .values(Some(bv.clone()), Some(rv.clone())),
        );
    }
    let breaking = c.changes().iter().filter(|ch| ch.severity == Severity::Breaking).count();
    // In 0.x releases a minor bump is the major one (semver item 4).
    let significant =
        |p: &Vec<u64>| if p.first() == Some(&0) { (0, p.get(1).copied().unwrap_or(0)) } else { (p.first().copied().unwrap_or(0), 0) };
    let major_same = match (&bp, &rp) {
        (Some(b), Some(r)) => significant(b) >= significant(r),
        _ => false,
    };
    // An untouched version is no release decision: the breaking changes speak for themselves.
    if breaking > 0 && bv != rv && major_same && !calendar(&bp) && !calendar(&rp) {
        c.emit(
            Change::new(
                &API_MAJOR_VERSION_NOT_BUMPED,
                format!("{breaking} breaking change(s), but info.version went from {bv} to {rv} without a major bump"),
            )
            .locs(locs.0, locs.1)
            .values(Some(bv), Some(rv)),
        );
    }
}

/// How this family's breaking rules are proved (see [`Proof`]); a rule missing here has no
/// witness builder yet and its changes say so.
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&ENDPOINT_SECURITY_ADDED, Proof::Credentials),
        (&ENDPOINT_SECURITY_ALTERNATIVE_REMOVED, Proof::Credentials),
        (&ENDPOINT_SECURITY_SCOPE_ADDED, Proof::Credentials),
        (&SECURITY_SCHEME_CHANGED, Proof::Credentials),
    ]
};

#[cfg(test)]
mod tests {
    use crate::spec::openapi::Api;

    fn api(schemas: &str) -> Api {
        super::super::unchanged::tests::api(&format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        ))
    }

    /// Renames pair each removed schema with the first added one of the same shape still free,
    /// in document order; what has no partner of its shape is removed or added.
    #[test]
    fn renames_pair_schemas_of_one_shape_in_order() {
        let base = api("    A: {type: string}\n    B: {type: string}\n    C: {type: integer}\n    Keep: {type: object}\n");
        let rev = api(
            "    X: {type: string, description: other words}\n    Y: {type: string}\n    Z: {type: boolean}\n    Keep: {type: object}\n",
        );
        let changes = super::super::compare(&base, &rev, &crate::diff::Options::default());
        let found: Vec<(&str, Option<&str>, Option<&str>)> = changes
            .iter()
            .filter(|c| c.rule.id.starts_with("schema-"))
            .map(|c| (c.rule.id, c.before.as_deref(), c.after.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("schema-renamed", Some("A"), Some("X")),
                ("schema-renamed", Some("B"), Some("Y")),
                ("schema-removed", None, None),
                ("schema-added", None, None),
            ],
            "{changes:#?}"
        );
        let added = changes.iter().find(|c| c.rule.id == "schema-added").unwrap();
        assert!(added.message.contains("`Z`"), "{}", added.message);
        let removed = changes.iter().find(|c| c.rule.id == "schema-removed").unwrap();
        assert!(removed.message.contains("`C`"), "{}", removed.message);
    }
}
