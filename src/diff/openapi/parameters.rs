//! Rules about request parameters (path, query, header, cookie): presence, requiredness,
//! location, name and serialisation. Their schemas are compared by the schema rules.

crate::rules! {
    /// ## What it detects
    /// A new required parameter.
    /// ## Why it matters
    /// Existing calls do not send it and will be rejected.
    /// ## Example
    /// `?tenant=` added with `required: true` to `GET /pets`.
    /// ## How to migrate
    /// Make it optional with a server-side default.
    REQUEST_PARAMETER_ADDED_REQUIRED = "request-parameter-added-required", OpenApi, Breaking, Request, "parameter", Added,
        "A required request parameter was added";

    /// ## What it detects
    /// A new optional parameter.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `?limit=` added to `GET /pets`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PARAMETER_ADDED_OPTIONAL = "request-parameter-added-optional", OpenApi, Info, Request, "parameter", Added,
        "An optional request parameter was added";

    /// ## What it detects
    /// A parameter that the base accepted and the revision does not describe.
    /// ## Why it matters
    /// Clients still send it; the server may now reject it or silently ignore what it meant.
    /// ## Example
    /// `?sort=` removed from `GET /pets`.
    /// ## How to migrate
    /// Deprecate it first and keep accepting (and ignoring) it.
    REQUEST_PARAMETER_REMOVED = "request-parameter-removed", OpenApi, Warning, Request, "parameter", Removed,
        "A request parameter was removed";

    /// ## What it detects
    /// A parameter that became required.
    /// ## Why it matters
    /// Calls that omit it are now rejected.
    /// ## Example
    /// `?tenant=` goes from `required: false` to `required: true`.
    /// ## How to migrate
    /// Keep it optional and apply a default.
    REQUEST_PARAMETER_BECAME_REQUIRED = "request-parameter-became-required", OpenApi, Breaking, Request, "parameter", Changed,
        "A request parameter became required";

    /// ## What it detects
    /// A parameter that became optional.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `required: true` becomes `required: false`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PARAMETER_BECAME_OPTIONAL = "request-parameter-became-optional", OpenApi, Info, Request, "parameter", Changed,
        "A request parameter became optional";

    /// ## What it detects
    /// A parameter that moved to another location (query, header, path, cookie) under the same name.
    /// ## Why it matters
    /// Clients send it where the server no longer looks.
    /// ## Example
    /// `api_key` moves from `in: query` to `in: header`.
    /// ## How to migrate
    /// Accept both locations during a transition.
    REQUEST_PARAMETER_MOVED = "request-parameter-moved", OpenApi, Breaking, Request, "parameter", Renamed,
        "A request parameter moved to another location";

    /// ## What it detects
    /// A required parameter removed while a required one of the same location and shape was added
    /// under a new name. (Optional parameters are matched by name only: an optional `limit` gone
    /// and an optional `offset` added are a removal and an addition, not a rename.)
    /// ## Why it matters
    /// Clients send the old name, which the server no longer reads.
    /// ## Example
    /// `?page_size=` becomes `?limit=` with the same schema.
    /// ## How to migrate
    /// Accept both names for a while.
    REQUEST_PARAMETER_RENAMED = "request-parameter-renamed", OpenApi, Breaking, Request, "parameter", Renamed,
        "A request parameter was renamed";

    /// ## What it detects
    /// A parameter that became `deprecated: true`.
    /// ## Why it matters
    /// Nothing breaks yet.
    /// ## Example
    /// `?sort=` marked deprecated.
    /// ## How to migrate
    /// Tell clients what replaces it.
    REQUEST_PARAMETER_DEPRECATED = "request-parameter-deprecated", OpenApi, Info, Request, "parameter", Deprecated,
        "A request parameter was deprecated";

    /// ## What it detects
    /// A change to how a parameter is serialised: `style`, `explode`, or Swagger 2.0 `collectionFormat`.
    /// ## Why it matters
    /// `?ids=1,2` and `?ids=1&ids=2` are different wire formats; clients keep sending the old one.
    /// ## Example
    /// `style: form, explode: true` becomes `explode: false`.
    /// ## How to migrate
    /// Keep the serialisation; add a new parameter if needed.
    REQUEST_PARAMETER_STYLE_CHANGED = "request-parameter-style-changed", OpenApi, Breaking, Request, "parameter", Changed,
        "A request parameter's serialisation (style/explode) changed";
}
