//! Spec-level rules that hold for every format: a whole API description removed from, or moved
//! within, the repository. `apidiff check` raises them from its discovery and the store; no
//! comparator does, since neither can be seen from one base/revision pair of documents.

use super::{Change, Location, Rule};

/// Every rule family of the spec-level rules.
pub const RULES: &[&[&Rule]] = &[ALL];

crate::rules! {
/// ## What it detects
/// A spec that has an archived snapshot is gone from the repository: its file was deleted (or
/// moved out of every module) and no spec with the same content took its place.
/// ## Why it matters
/// The whole API it described disappears with it: every client of every operation breaks, and
/// the store no longer sees what the deployed service offers.
/// ## Example
/// `git rm gql/schema.graphql` in module `catalog`, whose schema was archived at deploy `4f2a9c1e0b7d`.
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
}

/// The change for a spec deleted from the repository: `spec` of `module`, last archived at
/// `deploy` (or as snapshot `snapshot` when no deploy id was recorded).
pub fn removed(module: &str, spec: &str, snapshot: &str, deploy: Option<&str>) -> Change {
    let at = match deploy {
        Some(d) => format!("deploy {}", short(d)),
        None => format!("snapshot {}", short(snapshot)),
    };
    Change::new(
        &API_DESCRIPTION_REMOVED,
        format!("the spec `{spec}` of module `{module}` was removed from the repository; it was archived at {at}"),
    )
    .base(Location::new(spec, spec))
    .values(Some(spec.to_string()), None)
    .finish()
}

/// The change for a spec moved from `from` to `to` inside `module`, content unchanged.
pub fn renamed(module: &str, from: &str, to: &str) -> Change {
    Change::new(&API_DESCRIPTION_RENAMED, format!("the spec `{to}` of module `{module}` was renamed from `{from}`, content unchanged"))
        .locs(Some(Location::new(from, from)), Some(Location::new(to, to)))
        .values(Some(from.to_string()), Some(to.to_string()))
        .finish()
}

fn short(id: &str) -> &str {
    crate::ids::short(id)
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
