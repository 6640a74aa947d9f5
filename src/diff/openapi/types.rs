//! Schema rules about types, nullability and formats, mirrored for requests and responses.

crate::rules! {
    /// ## What it detects
    /// A schema whose `type` changed to one that neither contains nor is contained in the old one (`string` to `integer`). In a request (parameter or body).
    /// ## Why it matters
    /// Clients send values of the old type, which the server now rejects.
    /// ## Example
    /// `type: string` becomes `type: integer`.
    /// ## How to migrate
    /// Add a new field of the new type; deprecate the old one.
    REQUEST_TYPE_CHANGED = "request-type-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's type changed incompatibly (request)";
    /// ## What it detects
    /// A schema whose `type` changed to one that neither contains nor is contained in the old one (`string` to `integer`). In a response (body or header).
    /// ## Why it matters
    /// Clients parse values of the old type and fail on the new one.
    /// ## Example
    /// `type: string` becomes `type: integer`.
    /// ## How to migrate
    /// Add a new field of the new type; deprecate the old one.
    RESPONSE_TYPE_CHANGED = "response-type-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's type changed incompatibly (response)";
    /// ## What it detects
    /// A schema that accepts more types than before: `integer` to `number`, a type added to a type list, or the type constraint dropped. In a request (parameter or body).
    /// ## Why it matters
    /// Everything clients sent before is still valid.
    /// ## Example
    /// `type: integer` becomes `type: number`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_TYPE_GENERALIZED = "request-type-generalized", OpenApi, Info, Request, "schema", Changed,
        "A schema's type was widened (request)";
    /// ## What it detects
    /// A schema that accepts more types than before: `integer` to `number`, a type added to a type list, or the type constraint dropped. In a response (body or header).
    /// ## Why it matters
    /// Clients receive values of a type they do not expect (a float where an integer was promised).
    /// ## Example
    /// `type: integer` becomes `type: number`.
    /// ## How to migrate
    /// Keep the response type; add a new field.
    RESPONSE_TYPE_GENERALIZED = "response-type-generalized", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's type was widened (response)";
    /// ## What it detects
    /// A schema that accepts fewer types than before: `number` to `integer`, a type removed from a type list, or a type constraint added. In a request (parameter or body).
    /// ## Why it matters
    /// Clients still send the types that were dropped.
    /// ## Example
    /// `type: [string, integer]` becomes `type: string`.
    /// ## How to migrate
    /// Keep accepting the old types.
    REQUEST_TYPE_SPECIALIZED = "request-type-specialized", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's type was narrowed (request)";
    /// ## What it detects
    /// A schema that accepts fewer types than before: `number` to `integer`, a type removed from a type list, or a type constraint added. In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled before.
    /// ## Example
    /// `type: [string, integer]` becomes `type: string`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_TYPE_SPECIALIZED = "response-type-specialized", OpenApi, Info, Response, "schema", Changed,
        "A schema's type was narrowed (response)";
    /// ## What it detects
    /// A schema that now allows `null` (3.0 `nullable: true`, 3.1 `type: [..., \"null\"]`, Swagger `x-nullable`). In a request (parameter or body).
    /// ## Why it matters
    /// Clients never had to send null; nothing they send becomes invalid.
    /// ## Example
    /// `nullable: true` added to `Pet.tag`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_BECAME_NULLABLE = "request-became-nullable", OpenApi, Info, Request, "schema", Changed,
        "A schema now allows null (request)";
    /// ## What it detects
    /// A schema that now allows `null` (3.0 `nullable: true`, 3.1 `type: [..., \"null\"]`, Swagger `x-nullable`). In a response (body or header).
    /// ## Why it matters
    /// Clients that dereference the value crash on null.
    /// ## Example
    /// `nullable: true` added to `Pet.tag`.
    /// ## How to migrate
    /// Keep it non-null; return a default instead.
    RESPONSE_BECAME_NULLABLE = "response-became-nullable", OpenApi, Breaking, Response, "schema", Changed,
        "A schema now allows null (response)";
    /// ## What it detects
    /// A schema that allowed `null` and no longer does. In a request (parameter or body).
    /// ## Why it matters
    /// Clients that send null are rejected.
    /// ## Example
    /// `type: [string, \"null\"]` becomes `type: string`.
    /// ## How to migrate
    /// Keep accepting null (treat it as absent).
    REQUEST_BECAME_NON_NULLABLE = "request-became-non-nullable", OpenApi, Breaking, Request, "schema", Changed,
        "A schema no longer allows null (request)";
    /// ## What it detects
    /// A schema that allowed `null` and no longer does. In a response (body or header).
    /// ## Why it matters
    /// Clients that handled null keep working.
    /// ## Example
    /// `type: [string, \"null\"]` becomes `type: string`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_BECAME_NON_NULLABLE = "response-became-non-nullable", OpenApi, Info, Response, "schema", Changed,
        "A schema no longer allows null (response)";
    /// ## What it detects
    /// A `format` that changed to an unrelated one (`uuid` to `email`). In a request (parameter or body).
    /// ## Why it matters
    /// Values valid before fail the new format's validation.
    /// ## Example
    /// `format: uuid` becomes `format: uri`.
    /// ## How to migrate
    /// Keep the format; add a new field.
    REQUEST_FORMAT_CHANGED = "request-format-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's format changed (request)";
    /// ## What it detects
    /// A `format` that changed to an unrelated one (`uuid` to `email`). In a response (body or header).
    /// ## Why it matters
    /// Clients parse values with the old format (dates, UUIDs) and fail.
    /// ## Example
    /// `format: uuid` becomes `format: uri`.
    /// ## How to migrate
    /// Keep the format; add a new field.
    RESPONSE_FORMAT_CHANGED = "response-format-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's format changed (response)";
    /// ## What it detects
    /// A `format` that accepts more values: `int32` to `int64`, `float` to `double`, or the format removed. In a request (parameter or body).
    /// ## Why it matters
    /// Everything clients sent is still valid.
    /// ## Example
    /// `format: int32` becomes `format: int64`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_FORMAT_GENERALIZED = "request-format-generalized", OpenApi, Info, Request, "schema", Changed,
        "A schema's format was widened (request)";
    /// ## What it detects
    /// A `format` that accepts more values: `int32` to `int64`, `float` to `double`, or the format removed. In a response (body or header).
    /// ## Why it matters
    /// Clients store values in types sized for the old format (32-bit integers) and overflow.
    /// ## Example
    /// `format: int32` becomes `format: int64`.
    /// ## How to migrate
    /// Keep the narrower format in responses.
    RESPONSE_FORMAT_GENERALIZED = "response-format-generalized", OpenApi, Breaking, Response, "schema", Changed,
        "A schema's format was widened (response)";
    /// ## What it detects
    /// A `format` that accepts fewer values: `int64` to `int32`, `double` to `float`, or a format added. In a request (parameter or body).
    /// ## Why it matters
    /// Clients send values the new format rejects.
    /// ## Example
    /// `format: int64` becomes `format: int32`.
    /// ## How to migrate
    /// Keep the wider format in requests.
    REQUEST_FORMAT_SPECIALIZED = "request-format-specialized", OpenApi, Breaking, Request, "schema", Changed,
        "A schema's format was narrowed (request)";
    /// ## What it detects
    /// A `format` that accepts fewer values: `int64` to `int32`, `double` to `float`, or a format added. In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `format: int64` becomes `format: int32`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_FORMAT_SPECIALIZED = "response-format-specialized", OpenApi, Info, Response, "schema", Changed,
        "A schema's format was narrowed (response)";
}
