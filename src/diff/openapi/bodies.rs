//! Rules about request bodies, responses, status codes, media types and response headers.

crate::rules! {
    /// ## What it detects
    /// A required request body on an operation that had none.
    /// ## Why it matters
    /// Existing calls send no body and are rejected.
    /// ## Example
    /// `POST /pets/{id}/adopt` now needs a JSON body.
    /// ## How to migrate
    /// Make the body optional, with defaults for its content.
    REQUEST_BODY_ADDED_REQUIRED = "request-body-added-required", OpenApi, Breaking, Request, "request-body", Added,
        "A required request body was added";

    /// ## What it detects
    /// An optional request body on an operation that had none.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `POST /pets/{id}/adopt` accepts an optional note.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_BODY_ADDED_OPTIONAL = "request-body-added-optional", OpenApi, Info, Request, "request-body", Added,
        "An optional request body was added";

    /// ## What it detects
    /// A request body the base described and the revision does not.
    /// ## Why it matters
    /// Clients still send it; the server may reject or ignore it.
    /// ## Example
    /// `requestBody` removed from `PUT /pets/{id}`.
    /// ## How to migrate
    /// Keep accepting (and ignoring) the body for a while.
    REQUEST_BODY_REMOVED = "request-body-removed", OpenApi, Warning, Request, "request-body", Removed,
        "A request body was removed";

    /// ## What it detects
    /// A request body that became required.
    /// ## Why it matters
    /// Calls without a body are now rejected.
    /// ## Example
    /// `requestBody.required: false` becomes `true`.
    /// ## How to migrate
    /// Keep it optional.
    REQUEST_BODY_BECAME_REQUIRED = "request-body-became-required", OpenApi, Breaking, Request, "request-body", Changed,
        "A request body became required";

    /// ## What it detects
    /// A request body that became optional.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `requestBody.required: true` becomes `false`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_BODY_BECAME_OPTIONAL = "request-body-became-optional", OpenApi, Info, Request, "request-body", Changed,
        "A request body became optional";

    /// ## What it detects
    /// A request media type (`content` key, or Swagger 2.0 `consumes`) no longer accepted.
    /// ## Why it matters
    /// Clients sending that `Content-Type` get 415.
    /// ## Example
    /// `application/xml` removed from the request body.
    /// ## How to migrate
    /// Keep accepting it during a transition.
    REQUEST_MEDIA_TYPE_REMOVED = "request-media-type-removed", OpenApi, Breaking, Request, "request-body", Removed,
        "A request media type was removed";

    /// ## What it detects
    /// A new request media type.
    /// ## Why it matters
    /// Existing calls keep working.
    /// ## Example
    /// `application/x-www-form-urlencoded` added.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_MEDIA_TYPE_ADDED = "request-media-type-added", OpenApi, Info, Request, "request-body", Added,
        "A request media type was added";

    /// ## What it detects
    /// A 2xx (or `2XX`) response status removed.
    /// ## Why it matters
    /// Clients wait for a success status that no longer comes.
    /// ## Example
    /// `200` replaced by `202`.
    /// ## How to migrate
    /// Keep the status, or add the new one alongside.
    RESPONSE_SUCCESS_STATUS_REMOVED = "response-success-status-removed", OpenApi, Breaking, Response, "response", Removed,
        "A success response status was removed";

    /// ## What it detects
    /// A non-success response status (1xx, 3xx, 4xx, 5xx, `default`) removed from the description.
    /// ## Why it matters
    /// Usually only documentation; the server may still send it.
    /// ## Example
    /// `404` removed.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_NON_SUCCESS_STATUS_REMOVED = "response-non-success-status-removed", OpenApi, Info, Response, "response", Removed,
        "A non-success response status was removed";

    /// ## What it detects
    /// A new 2xx response status.
    /// ## Why it matters
    /// Clients that check for one exact success code may treat the new one as a failure.
    /// ## Example
    /// `202` added next to `200`.
    /// ## How to migrate
    /// Tell clients to accept any 2xx.
    RESPONSE_SUCCESS_STATUS_ADDED = "response-success-status-added", OpenApi, Warning, Response, "response", Added,
        "A success response status was added";

    /// ## What it detects
    /// A new non-success response status.
    /// ## Why it matters
    /// The server documents a new way to fail; clients may want to handle it.
    /// ## Example
    /// `429` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_NON_SUCCESS_STATUS_ADDED = "response-non-success-status-added", OpenApi, Info, Response, "response", Added,
        "A non-success response status was added";

    /// ## What it detects
    /// A response media type no longer produced.
    /// ## Why it matters
    /// Clients asking for it (`Accept`) get 406 or another format.
    /// ## Example
    /// `application/xml` removed from the `200` response.
    /// ## How to migrate
    /// Keep producing it during a transition.
    RESPONSE_MEDIA_TYPE_REMOVED = "response-media-type-removed", OpenApi, Breaking, Response, "response", Removed,
        "A response media type was removed";

    /// ## What it detects
    /// A new response media type.
    /// ## Why it matters
    /// Existing clients keep working.
    /// ## Example
    /// `text/csv` added to the `200` response.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_MEDIA_TYPE_ADDED = "response-media-type-added", OpenApi, Info, Response, "response", Added,
        "A response media type was added";

    /// ## What it detects
    /// A response header that was required and is gone.
    /// ## Why it matters
    /// Clients reading it (pagination links, rate limits) break.
    /// ## Example
    /// `X-Rate-Limit` (required) removed.
    /// ## How to migrate
    /// Keep sending it.
    RESPONSE_REQUIRED_HEADER_REMOVED = "response-required-header-removed", OpenApi, Breaking, Response, "response-header", Removed,
        "A required response header was removed";

    /// ## What it detects
    /// An optional response header that is gone.
    /// ## Why it matters
    /// Clients that use it when present lose it.
    /// ## Example
    /// `ETag` removed.
    /// ## How to migrate
    /// Keep sending it, or announce the removal.
    RESPONSE_OPTIONAL_HEADER_REMOVED = "response-optional-header-removed", OpenApi, Warning, Response, "response-header", Removed,
        "An optional response header was removed";

    /// ## What it detects
    /// A response header that was required and became optional.
    /// ## Why it matters
    /// Clients that always read it may now find nothing.
    /// ## Example
    /// `Location` goes from `required: true` to `false`.
    /// ## How to migrate
    /// Keep it required.
    RESPONSE_HEADER_BECAME_OPTIONAL = "response-header-became-optional", OpenApi, Breaking, Response, "response-header", Changed,
        "A response header became optional";

    /// ## What it detects
    /// A new response header.
    /// ## Why it matters
    /// Nothing breaks.
    /// ## Example
    /// `X-Request-Id` added.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_HEADER_ADDED = "response-header-added", OpenApi, Info, Response, "response-header", Added,
        "A response header was added";
}
