//! Apollo Federation directive usages (`@key`, `@shareable`, `@external`, `@requires`, `@provides`,
//! `@override`, `@inaccessible`, `@tag`, and the access-control directives) added, removed or
//! changed on types and fields of a subgraph.

use crate::diff::Rule;

crate::rules! {
    /// ## What it detects
    /// Federation @key was added to a type or field of a subgraph.
    /// ## Why it matters
    /// An entity key lets the router fetch the entity from this subgraph; a new key adds a way in.
    /// ## Example
    /// `type Product @key(fields: "upc")` appears in the revision.
    /// ## How to migrate
    /// Keep the old key alongside the new one until every subgraph references the entity by the new key.
    FEDERATION_KEY_ADDED = "federation-key-added", GraphQl, Info, None, "federation", Added,
        "Federation @key was added";
    /// ## What it detects
    /// Federation @key was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// The router can no longer resolve the entity by that key: other subgraphs that reference it with those fields fail to compose or to plan queries.
    /// ## Example
    /// `type Product @key(fields: "upc")` is gone in the revision.
    /// ## How to migrate
    /// Keep the old key alongside the new one until every subgraph references the entity by the new key.
    FEDERATION_KEY_REMOVED = "federation-key-removed", GraphQl, Breaking, None, "federation", Removed,
        "Federation @key was removed";
    /// ## What it detects
    /// Federation @shareable was added to a type or field of a subgraph.
    /// ## Why it matters
    /// The field may now be resolved by several subgraphs.
    /// ## Example
    /// `name: String @shareable` appears in the revision.
    /// ## How to migrate
    /// Remove the field from the other subgraphs first, or keep `@shareable`.
    FEDERATION_SHAREABLE_ADDED = "federation-shareable-added", GraphQl, Info, None, "federation", Added,
        "Federation @shareable was added";
    /// ## What it detects
    /// Federation @shareable was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// If another subgraph also resolves the field, composition fails.
    /// ## Example
    /// `name: String @shareable` is gone in the revision.
    /// ## How to migrate
    /// Remove the field from the other subgraphs first, or keep `@shareable`.
    FEDERATION_SHAREABLE_REMOVED = "federation-shareable-removed", GraphQl, Warning, None, "federation", Removed,
        "Federation @shareable was removed";
    /// ## What it detects
    /// Federation @external was added to a type or field of a subgraph.
    /// ## Why it matters
    /// The field is now owned by another subgraph; this subgraph no longer resolves it, which changes query plans.
    /// ## Example
    /// `price: Int @external` appears in the revision.
    /// ## How to migrate
    /// Check composition with `rover supergraph compose` and the owning subgraph before deploying.
    FEDERATION_EXTERNAL_ADDED = "federation-external-added", GraphQl, Warning, None, "federation", Added,
        "Federation @external was added";
    /// ## What it detects
    /// Federation @external was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// The subgraph now resolves the field itself; it must be `@shareable` or composition may fail, and query plans change.
    /// ## Example
    /// `price: Int @external` is gone in the revision.
    /// ## How to migrate
    /// Check composition with `rover supergraph compose` and the owning subgraph before deploying.
    FEDERATION_EXTERNAL_REMOVED = "federation-external-removed", GraphQl, Warning, None, "federation", Removed,
        "Federation @external was removed";
    /// ## What it detects
    /// Federation @requires was added to a type or field of a subgraph.
    /// ## Why it matters
    /// The field now needs other fields fetched from another subgraph first: query plans gain a hop.
    /// ## Example
    /// `shippingEstimate: Int @requires(fields: "weight")` appears in the revision.
    /// ## How to migrate
    /// Make sure the required fields are `@external` here and resolvable elsewhere; check composition.
    FEDERATION_REQUIRES_ADDED = "federation-requires-added", GraphQl, Warning, None, "federation", Added,
        "Federation @requires was added";
    /// ## What it detects
    /// Federation @requires was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// The field no longer needs data from other subgraphs.
    /// ## Example
    /// `shippingEstimate: Int @requires(fields: "weight")` is gone in the revision.
    /// ## How to migrate
    /// Make sure the required fields are `@external` here and resolvable elsewhere; check composition.
    FEDERATION_REQUIRES_REMOVED = "federation-requires-removed", GraphQl, Info, None, "federation", Removed,
        "Federation @requires was removed";
    /// ## What it detects
    /// Federation @provides was added to a type or field of a subgraph.
    /// ## Why it matters
    /// This subgraph can now return extra fields of a referenced entity itself.
    /// ## Example
    /// `reviews: [Review] @provides(fields: "author { name }")` appears in the revision.
    /// ## How to migrate
    /// Check query plans and latency after the change.
    FEDERATION_PROVIDES_ADDED = "federation-provides-added", GraphQl, Info, None, "federation", Added,
        "Federation @provides was added";
    /// ## What it detects
    /// Federation @provides was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// The router must fetch the fields from the owning subgraph instead: query plans gain a hop.
    /// ## Example
    /// `reviews: [Review] @provides(fields: "author { name }")` is gone in the revision.
    /// ## How to migrate
    /// Check query plans and latency after the change.
    FEDERATION_PROVIDES_REMOVED = "federation-provides-removed", GraphQl, Warning, None, "federation", Removed,
        "Federation @provides was removed";
    /// ## What it detects
    /// Federation @override was added to a type or field of a subgraph.
    /// ## Why it matters
    /// Traffic for the field moves from another subgraph to this one (progressively with `label`).
    /// ## Example
    /// `total: Int @override(from: "billing")` appears in the revision.
    /// ## How to migrate
    /// Deploy the subgraph that will resolve the field first; remove the field from the old subgraph afterwards.
    FEDERATION_OVERRIDE_ADDED = "federation-override-added", GraphQl, Warning, None, "federation", Added,
        "Federation @override was added";
    /// ## What it detects
    /// Federation @override was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// Traffic for the field moves back to the subgraph named in `from`.
    /// ## Example
    /// `total: Int @override(from: "billing")` is gone in the revision.
    /// ## How to migrate
    /// Deploy the subgraph that will resolve the field first; remove the field from the old subgraph afterwards.
    FEDERATION_OVERRIDE_REMOVED = "federation-override-removed", GraphQl, Warning, None, "federation", Removed,
        "Federation @override was removed";
    /// ## What it detects
    /// Federation @inaccessible was added to a type or field of a subgraph.
    /// ## Why it matters
    /// The element disappears from the supergraph's API schema: client operations that use it fail.
    /// ## Example
    /// `internalId: ID @inaccessible` appears in the revision.
    /// ## How to migrate
    /// Treat it like a removal: deprecate first and wait until clients stop using the element.
    FEDERATION_INACCESSIBLE_ADDED = "federation-inaccessible-added", GraphQl, Breaking, None, "federation", Added,
        "Federation @inaccessible was added";
    /// ## What it detects
    /// Federation @inaccessible was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// The element becomes visible in the API schema.
    /// ## Example
    /// `internalId: ID @inaccessible` is gone in the revision.
    /// ## How to migrate
    /// Treat it like a removal: deprecate first and wait until clients stop using the element.
    FEDERATION_INACCESSIBLE_REMOVED = "federation-inaccessible-removed", GraphQl, Info, None, "federation", Removed,
        "Federation @inaccessible was removed";
    /// ## What it detects
    /// Federation @tag was added to a type or field of a subgraph.
    /// ## Why it matters
    /// Contracts filtering on the tag may now include or exclude the element.
    /// ## Example
    /// `email: String @tag(name: "public")` appears in the revision.
    /// ## How to migrate
    /// Check every contract variant that filters on the tag.
    FEDERATION_TAG_ADDED = "federation-tag-added", GraphQl, Info, None, "federation", Added,
        "Federation @tag was added";
    /// ## What it detects
    /// Federation @tag was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// Contracts filtering on the tag may now drop or include the element: contract clients can break.
    /// ## Example
    /// `email: String @tag(name: "public")` is gone in the revision.
    /// ## How to migrate
    /// Check every contract variant that filters on the tag.
    FEDERATION_TAG_REMOVED = "federation-tag-removed", GraphQl, Warning, None, "federation", Removed,
        "Federation @tag was removed";
    /// ## What it detects
    /// Federation @authenticated, @requiresScopes or @policy was added to a type or field of a subgraph.
    /// ## Why it matters
    /// Requests without the needed authentication or scopes now get errors or nulls for the element.
    /// ## Example
    /// `orders: [Order] @authenticated` appears in the revision.
    /// ## How to migrate
    /// Make sure every client sends credentials with the needed scopes before the change ships.
    FEDERATION_ACCESS_CONTROL_ADDED = "federation-access-control-added", GraphQl, Warning, None, "federation", Added,
        "Federation @authenticated, @requiresScopes or @policy was added";
    /// ## What it detects
    /// Federation @authenticated, @requiresScopes or @policy was removed from a type or field of a subgraph.
    /// ## Why it matters
    /// The element no longer needs authentication or scopes.
    /// ## Example
    /// `orders: [Order] @authenticated` is gone in the revision.
    /// ## How to migrate
    /// Make sure every client sends credentials with the needed scopes before the change ships.
    FEDERATION_ACCESS_CONTROL_REMOVED = "federation-access-control-removed", GraphQl, Info, None, "federation", Removed,
        "Federation @authenticated, @requiresScopes or @policy was removed";
    /// ## What it detects
    /// The arguments of a federation directive on a type or field changed (`@requires(fields:)`,
    /// `@override(from:)`, `@tag(name:)`, `@requiresScopes(scopes:)`, ...).
    /// ## Why it matters
    /// Query plans, traffic routing, contracts or access rules change with it.
    /// ## Example
    /// `@requires(fields: "weight")` → `@requires(fields: "weight size")`
    /// ## How to migrate
    /// Check composition and query plans before deploying.
    FEDERATION_DIRECTIVE_CHANGED = "federation-directive-changed", GraphQl, Warning, None, "federation", Changed,
        "The arguments of a federation directive changed";
}

/// The (added, removed) rules of a federation directive, by its name without `@` (a
/// `federation__` namespace prefix is ignored); `None` for other directives.
pub(super) fn rules_for(name: &str) -> Option<(&'static Rule, &'static Rule)> {
    let name = name.strip_prefix("federation__").unwrap_or(name);
    Some(match name {
        "key" => (&FEDERATION_KEY_ADDED, &FEDERATION_KEY_REMOVED),
        "shareable" => (&FEDERATION_SHAREABLE_ADDED, &FEDERATION_SHAREABLE_REMOVED),
        "external" => (&FEDERATION_EXTERNAL_ADDED, &FEDERATION_EXTERNAL_REMOVED),
        "requires" => (&FEDERATION_REQUIRES_ADDED, &FEDERATION_REQUIRES_REMOVED),
        "provides" => (&FEDERATION_PROVIDES_ADDED, &FEDERATION_PROVIDES_REMOVED),
        "override" => (&FEDERATION_OVERRIDE_ADDED, &FEDERATION_OVERRIDE_REMOVED),
        "inaccessible" => (&FEDERATION_INACCESSIBLE_ADDED, &FEDERATION_INACCESSIBLE_REMOVED),
        "tag" => (&FEDERATION_TAG_ADDED, &FEDERATION_TAG_REMOVED),
        "authenticated" | "requiresScopes" | "policy" => (&FEDERATION_ACCESS_CONTROL_ADDED, &FEDERATION_ACCESS_CONTROL_REMOVED),
        _ => return None,
    })
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof)): an operation
/// checked with apollo-compiler's validator against both schemas (`crate::witness::graphql`).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[(&FEDERATION_INACCESSIBLE_ADDED, Proof::Selection)]
};
