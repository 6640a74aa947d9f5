//! Rules about servers and document metadata.

use super::pairing::pair_by;
use crate::diff::Change;
use crate::diff::openapi::Cx;
use crate::spec::asyncapi::{Api, Server, Version};
use crate::spec::refs::NodeId;

crate::rules! {
    /// ## What it detects
    /// A server (by name, then by host) that is gone in the revision.
    /// ## Why it matters
    /// Clients configured for it can no longer connect.
    /// ## Example
    /// Server `production` is removed from `servers`.
    /// ## How to migrate
    /// Keep the server running and described until clients have moved.
    ASYNCAPI_SERVER_REMOVED = "asyncapi-server-removed", AsyncApi, Breaking, None, "server", Removed,
        "A server was removed";
    /// ## What it detects
    /// A server new in the revision.
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// Server `staging` is added.
    /// ## How to migrate
    /// Nothing to do.
    ASYNCAPI_SERVER_ADDED = "asyncapi-server-added", AsyncApi, Info, None, "server", Added,
        "A server was added";
    /// ## What it detects
    /// A server whose `protocol` or `protocolVersion` changed.
    /// ## Why it matters
    /// Clients speak the old protocol.
    /// ## Example
    /// `protocol: mqtt` becomes `protocol: amqp`.
    /// ## How to migrate
    /// Add a new server for the new protocol and keep the old one during a transition.
    ASYNCAPI_SERVER_PROTOCOL_CHANGED = "asyncapi-server-protocol-changed", AsyncApi, Breaking, None, "server", Changed,
        "A server's protocol changed";
    /// ## What it detects
    /// A server whose host or path changed (2.x `url`, 3.x `host` + `pathname`; the scheme is
    /// compared by the protocol rule).
    /// ## Why it matters
    /// Clients connect to the old host.
    /// ## Example
    /// `host: broker.example.com` becomes `host: mq.example.com`.
    /// ## How to migrate
    /// Keep the old host answering (a DNS alias) during a transition.
    ASYNCAPI_SERVER_HOST_CHANGED = "asyncapi-server-host-changed", AsyncApi, Breaking, None, "server", Changed,
        "A server's host or path changed";
    /// ## What it detects
    /// A new `info.version`.
    /// ## Why it matters
    /// Informational.
    /// ## Example
    /// `1.0.0` becomes `1.1.0`.
    /// ## How to migrate
    /// Nothing to do.
    ASYNCAPI_API_VERSION_CHANGED = "asyncapi-api-version-changed", AsyncApi, Info, None, "info", Changed,
        "info.version changed";
    /// ## What it detects
    /// A different AsyncAPI specification version (the `asyncapi` field), such as a 2.6 to 3.0
    /// migration. Both documents are lowered into one model, so only real changes are reported.
    /// ## Why it matters
    /// Tooling that reads the document (generators, validators) may need an upgrade.
    /// ## Example
    /// `asyncapi: 2.6.0` becomes `asyncapi: 3.0.0`.
    /// ## How to migrate
    /// Upgrade code generators and validators to the new specification version.
    ASYNCAPI_SPEC_VERSION_CHANGED = "asyncapi-spec-version-changed", AsyncApi, Info, None, "info", Changed,
        "The AsyncAPI specification version changed";
}

pub(super) fn compare_servers(c: &mut Cx<'_>, base: &Api, rev: &Api) {
    let names_b: Vec<(&String, &Server)> = base.servers.iter().collect();
    let names_r: Vec<(&String, &Server)> = rev.servers.iter().collect();
    let mut bfree: Vec<usize> = (0..names_b.len()).collect();
    let mut rfree: Vec<usize> = (0..names_r.len()).collect();
    let mut pairs = Vec::new();
    let name = |x: &(&String, &Server)| Some(x.0.clone());
    let host = |x: &(&String, &Server)| Some(x.1.host.clone());
    pair_by(&mut bfree, &mut rfree, &mut pairs, name, name, &names_b, &names_r);
    pair_by(&mut bfree, &mut rfree, &mut pairs, host, host, &names_b, &names_r);
    for bi in bfree {
        let Some((name, s)) = names_b.get(bi) else { continue };
        c.emit(
            Change::new(&ASYNCAPI_SERVER_REMOVED, format!("server `{name}` ({} {}) was removed", s.protocol, s.host))
                .base(c.bloc(&s.node))
                .values(Some((*name).clone()), None),
        );
    }
    for ri in rfree {
        let Some((name, s)) = names_r.get(ri) else { continue };
        c.emit(
            Change::new(&ASYNCAPI_SERVER_ADDED, format!("server `{name}` ({} {}) was added", s.protocol, s.host))
                .revision(c.rloc(&s.node))
                .values(None, Some((*name).clone())),
        );
    }
    pairs.sort_unstable();
    for (bi, ri) in pairs {
        let (Some((_, b)), Some((name, r))) = (names_b.get(bi), names_r.get(ri)) else { continue };
        if b.protocol != r.protocol {
            c.emit(
                Change::new(
                    &ASYNCAPI_SERVER_PROTOCOL_CHANGED,
                    format!("server `{name}` protocol changed from `{}` to `{}`", b.protocol, r.protocol),
                )
                .locs(Some(c.bloc(&b.protocol_node)), Some(c.rloc(&r.protocol_node)))
                .values(Some(b.protocol.clone()), Some(r.protocol.clone())),
            );
        }
        if b.host != r.host {
            c.emit(
                Change::new(&ASYNCAPI_SERVER_HOST_CHANGED, format!("server `{name}` host changed from `{}` to `{}`", b.host, r.host))
                    .locs(Some(c.bloc(&b.host_node)), Some(c.rloc(&r.host_node)))
                    .values(Some(b.host.clone()), Some(r.host.clone())),
            );
        }
    }
}

pub(super) fn compare_info(c: &mut Cx<'_>, base: &Api, rev: &Api) {
    if let (Some(bv), Some(rv)) = (&base.info_version, &rev.info_version)
        && bv != rv
    {
        let at = NodeId { doc: 0, ptr: "/info/version".into() };
        c.emit(
            Change::new(&ASYNCAPI_API_VERSION_CHANGED, format!("info.version changed from {bv} to {rv}"))
                .locs(Some(c.bloc(&at)), Some(c.rloc(&at)))
                .values(Some(bv.clone()), Some(rv.clone())),
        );
    }
    if base.spec_version != rev.spec_version {
        let at = NodeId { doc: 0, ptr: "/asyncapi".into() };
        let gen_note = if base.version != rev.version {
            let g = |v: Version| if v == Version::V2 { "2.x" } else { "3.x" };
            format!(" (compared as one model across {} and {})", g(base.version), g(rev.version))
        } else {
            String::new()
        };
        c.emit(
            Change::new(
                &ASYNCAPI_SPEC_VERSION_CHANGED,
                format!("AsyncAPI version changed from {} to {}{gen_note}", base.spec_version, rev.spec_version),
            )
            .locs(Some(c.bloc(&at)), Some(c.rloc(&at)))
            .values(Some(base.spec_version.clone()), Some(rev.spec_version.clone())),
        );
    }
}
