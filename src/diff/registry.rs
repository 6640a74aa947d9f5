//! The one registry of rules: every rule of every format, looked up by id.

use super::Rule;

/// Old rule ids and the ids that replaced them; an id is never reused for another rule.
pub const REDIRECTS: &[(&str, &str)] = &[];

/// Every rule family of every format.
fn families() -> impl Iterator<Item = &'static [&'static Rule]> {
    [
        super::general::RULES,
        super::openapi::RULES,
        super::graphql::RULES,
        super::asyncapi::RULES,
        super::typescript::RULES,
        super::protobuf::RULES,
    ]
    .into_iter()
    .flat_map(|f| f.iter().copied())
}

/// Every rule, in registry order (format, then family, then declaration).
pub fn all() -> impl Iterator<Item = &'static Rule> {
    families().flat_map(|f| f.iter().copied())
}

/// Finds a rule by id, following [`REDIRECTS`].
pub fn find(id: &str) -> Option<&'static Rule> {
    let id = REDIRECTS.iter().find(|(old, _)| *old == id).map_or(id, |(_, new)| new);
    all().find(|r| r.id == id)
}

/// How a rule's breaking changes are proved: the [`Proof`](super::witness::Proof) its family
/// declares for it, or `None` when it has no witness builder.
pub fn proof(rule: &Rule) -> Option<super::witness::Proof> {
    [
        super::openapi::PROOFS,
        super::asyncapi::PROOFS,
        super::graphql::PROOFS,
        super::protobuf::PROOFS,
        super::typescript::PROOFS,
        super::general::PROOFS,
    ]
    .into_iter()
    .flat_map(|t| t.iter())
    .flat_map(|f| f.iter())
    .find(|(r, _)| r.id == rule.id)
    .map(|(_, p)| *p)
}
