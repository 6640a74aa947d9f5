//! Rules about security, servers, info.version and named schemas.

crate::rules! {
    /// ## What it detects
    /// An operation that needed no credentials and now has a security requirement.
    /// ## Why it matters
    /// Anonymous callers are rejected.
    /// ## Example
    /// `security: [{apiKey: []}]` added to `GET /pets`.
    /// ## How to migrate
    /// Keep an anonymous alternative (`{}`) during a transition.
    ENDPOINT_SECURITY_ADDED = "endpoint-security-added", OpenApi, Breaking, None, "security", Added,
        "An operation now requires authentication";
    /// ## What it detects
    /// An operation whose security requirement was removed or made optional.
    /// ## Why it matters
    /// Authenticated calls keep working.
    /// ## Example
    /// `security: []` on `GET /pets`.
    /// ## How to migrate
    /// Nothing to do (check this is intended).
    ENDPOINT_SECURITY_REMOVED = "endpoint-security-removed", OpenApi, Info, None, "security", Removed,
        "An operation no longer requires authentication";
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
        "An operation requires a new OAuth2 scope";
    /// ## What it detects
    /// A scope removed from an operation's requirement.
    /// ## Why it matters
    /// Existing tokens keep working.
    /// ## Example
    /// `oauth: [read, admin]` becomes `oauth: [read]`.
    /// ## How to migrate
    /// Nothing to do.
    ENDPOINT_SECURITY_SCOPE_REMOVED = "endpoint-security-scope-removed", OpenApi, Info, None, "security", Removed,
        "An operation requires fewer OAuth2 scopes";
    /// ## What it detects
    /// A new entry in `components.securitySchemes` (or `securityDefinitions`).
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// `bearerAuth` added.
    /// ## How to migrate
    /// Nothing to do.
    SECURITY_SCHEME_ADDED = "security-scheme-added", OpenApi, Info, None, "security", Added,
        "A security scheme was added";
    /// ## What it detects
    /// A security scheme no longer defined.
    /// ## Why it matters
    /// Clients configured for it must move; operations that used it are reported separately.
    /// ## Example
    /// `apiKey` scheme removed.
    /// ## How to migrate
    /// Keep it until no operation or client uses it.
    SECURITY_SCHEME_REMOVED = "security-scheme-removed", OpenApi, Warning, None, "security", Removed,
        "A security scheme was removed";
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
        "A security scheme changed how credentials are sent";
    /// ## What it detects
    /// A scope no longer offered by any flow of a scheme.
    /// ## Why it matters
    /// Clients requesting it fail to get tokens.
    /// ## Example
    /// `scopes: {read, write}` loses `write`.
    /// ## How to migrate
    /// Keep offering the scope.
    SECURITY_SCHEME_SCOPE_REMOVED = "security-scheme-scope-removed", OpenApi, Warning, None, "security", Removed,
        "An OAuth2 scope was removed from a security scheme";
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
        "info.version went backwards";
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
        "Breaking changes without a major version bump";
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
        "A named schema was removed";
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
