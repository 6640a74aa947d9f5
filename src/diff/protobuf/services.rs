//! Service and rpc rules on services present in both versions (paired by fully qualified name;
//! rpcs by name); and added services and rpcs.

use super::{Change, Side, loc};
use crate::diff::sink::Sink;
use crate::spec::protobuf::{File, Method, Service};

crate::rules! {
    /// ## What it detects
    /// An rpc was removed from a service. buf rule: `RPC_NO_DELETE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Clients calling it get `UNIMPLEMENTED`, and generated stubs lose the method.
    ///
    /// ## Example
    /// `rpc DeleteUser(DeleteUserRequest) returns (DeleteUserResponse);` was removed.
    ///
    /// ## How to migrate
    /// Keep serving the rpc, marked `option deprecated = true;`, until clients have moved.
    RPC_NO_DELETE = "proto-rpc-no-delete", Protobuf, Breaking, None, "rpc", Removed,
        "An rpc was deleted (buf RPC_NO_DELETE)", buf = [File, Package];
    /// ## What it detects
    /// An rpc's request message changed. buf rule: `RPC_SAME_REQUEST_TYPE` (all categories).
    ///
    /// ## Why it matters
    /// Clients send the old message; the server decodes it as another type.
    ///
    /// ## Example
    /// `rpc GetUser(GetUserRequest)` became `rpc GetUser(UserLookup)`.
    ///
    /// ## How to migrate
    /// Add a new rpc with the new request type.
    RPC_SAME_REQUEST_TYPE = "proto-rpc-same-request-type", Protobuf, Breaking, Request, "rpc", Changed,
        "An rpc's request type changed (buf RPC_SAME_REQUEST_TYPE)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// An rpc's response message changed. buf rule: `RPC_SAME_RESPONSE_TYPE` (all categories).
    ///
    /// ## Why it matters
    /// Clients decode the new response as the old type.
    ///
    /// ## Example
    /// `returns (User)` became `returns (GetUserResponse)`.
    ///
    /// ## How to migrate
    /// Add a new rpc with the new response type.
    RPC_SAME_RESPONSE_TYPE = "proto-rpc-same-response-type", Protobuf, Breaking, Response, "rpc", Changed,
        "An rpc's response type changed (buf RPC_SAME_RESPONSE_TYPE)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// An rpc's request switched between unary and streaming. buf rule:
    /// `RPC_SAME_CLIENT_STREAMING` (all categories).
    ///
    /// ## Why it matters
    /// The call shape changes: generated stubs and the HTTP/2 exchange differ.
    ///
    /// ## Example
    /// `rpc Upload(Chunk)` became `rpc Upload(stream Chunk)`.
    ///
    /// ## How to migrate
    /// Add a new rpc with the streaming shape.
    RPC_SAME_CLIENT_STREAMING = "proto-rpc-same-client-streaming", Protobuf, Breaking, Request, "rpc", Changed,
        "An rpc's client streaming changed (buf RPC_SAME_CLIENT_STREAMING)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// An rpc's response switched between unary and streaming. buf rule:
    /// `RPC_SAME_SERVER_STREAMING` (all categories).
    ///
    /// ## Why it matters
    /// The call shape changes: generated stubs and the HTTP/2 exchange differ.
    ///
    /// ## Example
    /// `returns (Event)` became `returns (stream Event)`.
    ///
    /// ## How to migrate
    /// Add a new rpc with the streaming shape.
    RPC_SAME_SERVER_STREAMING = "proto-rpc-same-server-streaming", Protobuf, Breaking, Response, "rpc", Changed,
        "An rpc's server streaming changed (buf RPC_SAME_SERVER_STREAMING)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// An rpc's `idempotency_level` option changed. buf rule: `RPC_SAME_IDEMPOTENCY_LEVEL`
    /// (all categories).
    ///
    /// ## Why it matters
    /// Connect and gRPC clients use it to pick GET requests and retries; a change alters how calls
    /// are sent and may make unsafe retries.
    ///
    /// ## Example
    /// `option idempotency_level = NO_SIDE_EFFECTS;` was removed.
    ///
    /// ## How to migrate
    /// Keep the level; add a new rpc if the semantics changed.
    RPC_SAME_IDEMPOTENCY_LEVEL = "proto-rpc-same-idempotency-level", Protobuf, Breaking, None, "rpc", Changed,
        "An rpc's idempotency level changed (buf RPC_SAME_IDEMPOTENCY_LEVEL)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// An rpc was added to an existing service.
    ///
    /// ## Why it matters
    /// It does not break anyone.
    ///
    /// ## Example
    /// `rpc ListUsers(ListUsersRequest) returns (ListUsersResponse);` is new.
    ///
    /// ## How to migrate
    /// Nothing to do.
    RPC_ADDED = "proto-rpc-added", Protobuf, Info, None, "rpc", Added,
        "An rpc was added", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// A service was added.
    ///
    /// ## Why it matters
    /// It does not break anyone.
    ///
    /// ## Example
    /// `service Billing { ... }` is new.
    ///
    /// ## How to migrate
    /// Nothing to do.
    SERVICE_ADDED = "proto-service-added", Protobuf, Info, None, "service", Added,
        "A service was added", buf = [File, Package, WireJson, Wire];
}

pub(super) fn check(b: &Side<'_>, r: &Side<'_>, out: &mut Sink) {
    for (name, (rf, rs)) in &r.services {
        match b.services.get(name) {
            Some((bf, bs)) => compare_service(bf, bs, rf, rs, out),
            None => out.push(
                Change::new(&SERVICE_ADDED, format!("service `{name}` was added"))
                    .locs(None, Some(loc(rf, name, rs.pos)))
                    .values(None, Some(name.to_string()))
                    .finish(),
            ),
        }
    }
}

fn compare_service(bf: &File, bs: &Service, rf: &File, rs: &Service, out: &mut Sink) {
    for bm in &bs.methods {
        let pointer = format!("{}.{}", bs.full_name, bm.name);
        let op = format!("/{}/{}", bs.full_name, bm.name);
        let Some(rm) = rs.methods.iter().find(|m| m.name == bm.name) else {
            out.push(
                Change::new(&RPC_NO_DELETE, format!("rpc `{pointer}` was deleted"))
                    .operation(op)
                    .locs(Some(loc(bf, &pointer, bm.pos)), Some(loc(rf, &rs.full_name, rs.pos)))
                    .values(Some(signature(bm)), None)
                    .finish(),
            );
            continue;
        };
        let push = |rule, msg: String, before: String, after: String, out: &mut Sink| {
            out.push(
                Change::new(rule, msg)
                    .operation(op.clone())
                    .locs(Some(loc(bf, &pointer, bm.pos)), Some(loc(rf, &pointer, rm.pos)))
                    .values(Some(before), Some(after))
                    .finish(),
            );
        };
        if bm.input != rm.input {
            push(
                &RPC_SAME_REQUEST_TYPE,
                format!("rpc `{pointer}` changed request type from `{}` to `{}`", bm.input, rm.input),
                bm.input.clone(),
                rm.input.clone(),
                out,
            );
        }
        if bm.output != rm.output {
            push(
                &RPC_SAME_RESPONSE_TYPE,
                format!("rpc `{pointer}` changed response type from `{}` to `{}`", bm.output, rm.output),
                bm.output.clone(),
                rm.output.clone(),
                out,
            );
        }
        let shape = |s: bool| if s { "streaming" } else { "unary" };
        if bm.client_streaming != rm.client_streaming {
            push(
                &RPC_SAME_CLIENT_STREAMING,
                format!("rpc `{pointer}` changed its request from {} to {}", shape(bm.client_streaming), shape(rm.client_streaming)),
                shape(bm.client_streaming).into(),
                shape(rm.client_streaming).into(),
                out,
            );
        }
        if bm.server_streaming != rm.server_streaming {
            push(
                &RPC_SAME_SERVER_STREAMING,
                format!("rpc `{pointer}` changed its response from {} to {}", shape(bm.server_streaming), shape(rm.server_streaming)),
                shape(bm.server_streaming).into(),
                shape(rm.server_streaming).into(),
                out,
            );
        }
        if bm.idempotency != rm.idempotency {
            push(
                &RPC_SAME_IDEMPOTENCY_LEVEL,
                format!("rpc `{pointer}` changed idempotency level from `{}` to `{}`", bm.idempotency, rm.idempotency),
                bm.idempotency.into(),
                rm.idempotency.into(),
                out,
            );
        }
    }
    for rm in rs.methods.iter().filter(|m| !bs.methods.iter().any(|b| b.name == m.name)) {
        let pointer = format!("{}.{}", rs.full_name, rm.name);
        out.push(
            Change::new(&RPC_ADDED, format!("rpc `{pointer}` was added"))
                .operation(format!("/{}/{}", rs.full_name, rm.name))
                .locs(None, Some(loc(rf, &pointer, rm.pos)))
                .values(None, Some(signature(rm)))
                .finish(),
        );
    }
}

fn signature(m: &Method) -> String {
    let s = |b: bool| if b { "stream " } else { "" };
    format!("rpc {}({}{}) returns ({}{})", m.name, s(m.client_streaming), m.input, s(m.server_streaming), m.output)
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof); built by
/// `crate::witness::protobuf`, checked against both descriptors).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&RPC_NO_DELETE, Proof::Unimplemented),
        (&RPC_SAME_REQUEST_TYPE, Proof::Symbol),
        (&RPC_SAME_RESPONSE_TYPE, Proof::Symbol),
        (&RPC_SAME_CLIENT_STREAMING, Proof::Symbol),
        (&RPC_SAME_SERVER_STREAMING, Proof::Symbol),
        (&RPC_SAME_IDEMPOTENCY_LEVEL, Proof::Symbol),
    ]
};
