//! Spec-level rules that hold for every format: a whole API description removed from, or moved
//! within, the repository. `apidiff check` raises them from its discovery and the store; no
//! comparator does, since neither can be seen from one base/revision pair of documents.

use super::{Change, Location, Rule, Witness, witness::Proof};

/// Every rule family of the spec-level rules.
pub const RULES: &[&[&Rule]] = &[ALL];

crate::rules! {
/// ## What it detects
/// A spec that has an archived snapshot, or that existed at the base revision of a pull-request
/// check (`check --base REV`), is gone from the repository: its file was deleted (or moved out
/// of every module) and no spec took its place (against the archive: none with the same
/// content; against a revision: none of the same format with mostly the same lines).
/// ## Why it matters
/// The whole API it described disappears with it: every client of every operation, channel,
/// field, RPC or export loses its description (generated clients, mocks, contract tests and
/// gateways built from it stop serving them), and the store no longer sees what the deployed
/// service offers.
/// ## Example
/// `git rm gql/schema.graphql` in module `catalog`, whose schema was archived at deploy `4f2a9c1e0b7d`.
/// ## Witness
/// The first thing a client used, by document order, built by the removal builders of the
/// spec's format from the base (the archived snapshot, or the file at the base revision)
/// compared with an empty description of the same format: for OpenAPI and Swagger the first
/// operation's request (kind `endpoint`); for AsyncAPI the first channel; for GraphQL an
/// operation selecting the first root field, validated against the old schema; for protobuf
/// the first RPC's method path (UNIMPLEMENTED), or without a service the first message's
/// generated symbol; for TypeScript consumer code using the first export. `base.accepts` is
/// `true` at its pointer; `revision.accepts` is `false`, with the removed file and an `error`
/// saying the description is gone.
/// ## How to migrate
/// Restore the file if the service still exists. If the API is really retired, announce it,
/// wait until clients are gone, then record the removal with `apidiff check --record` (the
/// change is reported once, against the last archived snapshot), or silence it for this one
/// run by fingerprint in the ignore file.
API_DESCRIPTION_REMOVED = "api-description-removed", Any, Breaking, None, "spec", Removed,
    "An archived spec was removed from the repository";
/// ## What it detects
/// A spec file moved to another path inside the same module (`git mv`) with its content unchanged.
/// ## Why it matters
/// The API itself is unchanged; the move only matters to tooling that reads the spec by path
/// (code generators, documentation sites, CI configuration).
/// ## Example
/// `api/openapi.yaml` → `api/v1/openapi.yaml` in module `users`, byte for byte the same.
/// ## How to migrate
/// Update anything that points at the old path. `apidiff check --record` archives the spec
/// under its new path and keeps its history.
API_DESCRIPTION_RENAMED = "api-description-renamed", Any, Info, None, "spec", Renamed,
    "A spec moved to another path with its content unchanged";
/// ## What it detects
/// In a pull-request check (`check --base REV`), a spec that is gone from its path at the base
/// revision while a new spec of the same format, mostly made of the same lines (at least half,
/// counted as a multiset of lines), appeared elsewhere: a move with edits. The spec is compared
/// with its old path, so every edit made along the move is reported by its own rule.
/// ## Why it matters
/// The move alone breaks nothing for HTTP clients; it matters to tooling that reads the spec by
/// path. The edits made with it are judged on their own, so a moved-and-broken spec fails.
/// ## Example
/// `git mv api/openapi.yaml api/v1/openapi.yaml`, then an endpoint removed from it.
/// ## How to migrate
/// Update anything that points at the old path; handle the edits as their own findings say.
API_DESCRIPTION_MOVED = "api-description-moved", Any, Info, None, "spec", Renamed,
    "A spec moved to another path and was compared with its old path";
}

/// The witness a removed spec carries until `check` builds one from its base
/// (`witness::removed_description`).
pub const UNWITNESSED: &str = "no witness was built from the removed description";

/// How the spec-level breaking rules are proved: [`Proof::Repository`], built by `check` from
/// the removed description against an empty one of its format.
pub const PROOFS: &[&[(&Rule, Proof)]] = &[&[(&API_DESCRIPTION_REMOVED, Proof::Repository)]];

/// `c` with the `none` witness a removed spec carries.
fn unwitnessed(mut c: Change) -> Change {
    c.witness = Some(Witness::none(UNWITNESSED));
    c
}

/// The change for a spec deleted from the repository: `spec` of `module`, last archived at
/// `deploy` (or as snapshot `snapshot` when no deploy id was recorded).
pub fn removed(module: &str, spec: &str, snapshot: &str, deploy: Option<&str>) -> Change {
    let at = match deploy {
        Some(d) => format!("deploy {}", crate::ids::short(d)),
        None => format!("snapshot {}", crate::ids::short(snapshot)),
    };
    unwitnessed(
        Change::new(
            &API_DESCRIPTION_REMOVED,
            format!("the spec `{spec}` of module `{module}` was removed from the repository; it was archived at {at}"),
        )
        .base(Location::new(spec, spec))
        .values(Some(spec.to_string()), None)
        .finish(),
    )
}

/// The change for a spec of `module` that existed at revision `rev` and is gone now (pull-request
/// mode).
pub fn removed_since(module: &str, spec: &str, rev: &str) -> Change {
    let file = format!("{rev}:{spec}");
    unwitnessed(
        Change::new(
            &API_DESCRIPTION_REMOVED,
            format!("the spec `{spec}` of module `{module}` was removed from the repository; it existed at {rev}"),
        )
        .base(Location::new(&file, spec))
        .values(Some(spec.to_string()), None)
        .finish(),
    )
}

/// The change for a spec that moved from `from` (module `from_module`, at revision `rev`) to `to`
/// in `module`, with edits (pull-request mode).
pub fn moved(from_module: &str, from: &str, module: &str, to: &str, rev: &str) -> Change {
    let across = if from_module == module { String::new() } else { format!(" (module `{from_module}` at {rev})") };
    Change::new(
        &API_DESCRIPTION_MOVED,
        format!("the spec `{to}` of module `{module}` was moved from `{from}`{across}; it is compared with that path at {rev}"),
    )
    .locs(Some(Location::new(format!("{rev}:{from}"), from)), Some(Location::new(to, to)))
    .values(Some(from.to_string()), Some(to.to_string()))
    .finish()
}

/// The change for a spec moved from `from` to `to` inside `module`, content unchanged.
pub fn renamed(module: &str, from: &str, to: &str) -> Change {
    Change::new(&API_DESCRIPTION_RENAMED, format!("the spec `{to}` of module `{module}` was renamed from `{from}`, content unchanged"))
        .locs(Some(Location::new(from, from)), Some(Location::new(to, to)))
        .values(Some(from.to_string()), Some(to.to_string()))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_spec_module_and_deploy() {
        let c = removed("catalog", "gql/schema.graphql", "0123456789abcdef", Some("4f2a9c1e0b7d99"));
        assert_eq!(
            c.message,
            "the spec `gql/schema.graphql` of module `catalog` was removed from the repository; it was archived at deploy 4f2a9c1e0b7d"
        );
        assert!(removed("m", "a.yaml", "0123456789abcdef", None).message.ends_with("archived at snapshot 0123456789ab"));
        assert_ne!(c.fingerprint, removed("catalog", "gql/other.graphql", "0123", None).fingerprint);
        let r = renamed("users", "api/openapi.yaml", "api/v1/openapi.yaml");
        assert!(r.message.contains("renamed from `api/openapi.yaml`"), "{}", r.message);
    }
}
