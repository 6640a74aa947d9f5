//! Schema rules about numeric, length, array and object bounds, mirrored for requests and responses.

crate::rules! {
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maximum: 100` becomes `maximum: 50`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_RANGE_TIGHTENED = "request-range-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was tightened (request)";
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maximum: 100` becomes `maximum: 50`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_RANGE_TIGHTENED = "response-range-tightened", OpenApi, Info, Response, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was tightened (response)";
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maximum: 50` becomes `maximum: 100`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_RANGE_LOOSENED = "request-range-loosened", OpenApi, Info, Request, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was loosened (request)";
    /// ## What it detects
    /// A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) may receive values outside it.
    /// ## Example
    /// `maximum: 50` becomes `maximum: 100`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_RANGE_LOOSENED = "response-range-loosened", OpenApi, Warning, Response, "schema", Changed,
        "A numeric range (`minimum`, `maximum`, exclusive bounds, `multipleOf`) constraint was loosened (response)";
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maxLength: 255` becomes `maxLength: 64`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_LENGTH_TIGHTENED = "request-length-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was tightened (request)";
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maxLength: 255` becomes `maxLength: 64`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_LENGTH_TIGHTENED = "response-length-tightened", OpenApi, Info, Response, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was tightened (response)";
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maxLength: 64` becomes `maxLength: 255`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_LENGTH_LOOSENED = "request-length-loosened", OpenApi, Info, Request, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was loosened (request)";
    /// ## What it detects
    /// A string length (`minLength`, `maxLength`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) may receive values outside it.
    /// ## Example
    /// `maxLength: 64` becomes `maxLength: 255`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_LENGTH_LOOSENED = "response-length-loosened", OpenApi, Warning, Response, "schema", Changed,
        "A string length (`minLength`, `maxLength`) constraint was loosened (response)";
    /// ## What it detects
    /// A array size (`minItems`, `maxItems`, `uniqueItems`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maxItems: 100` becomes `maxItems: 10`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_ARRAY_TIGHTENED = "request-array-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A array size (`minItems`, `maxItems`, `uniqueItems`) constraint was tightened (request)";
    /// ## What it detects
    /// A array size (`minItems`, `maxItems`, `uniqueItems`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maxItems: 100` becomes `maxItems: 10`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_ARRAY_TIGHTENED = "response-array-tightened", OpenApi, Info, Response, "schema", Changed,
        "A array size (`minItems`, `maxItems`, `uniqueItems`) constraint was tightened (response)";
    /// ## What it detects
    /// A array size (`minItems`, `maxItems`, `uniqueItems`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maxItems: 10` becomes `maxItems: 100`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_ARRAY_LOOSENED = "request-array-loosened", OpenApi, Info, Request, "schema", Changed,
        "A array size (`minItems`, `maxItems`, `uniqueItems`) constraint was loosened (request)";
    /// ## What it detects
    /// A array size (`minItems`, `maxItems`, `uniqueItems`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) may receive values outside it.
    /// ## Example
    /// `maxItems: 10` becomes `maxItems: 100`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_ARRAY_LOOSENED = "response-array-loosened", OpenApi, Warning, Response, "schema", Changed,
        "A array size (`minItems`, `maxItems`, `uniqueItems`) constraint was loosened (response)";
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a request (parameter or body).
    /// ## Why it matters
    /// Values clients send today may now be rejected.
    /// ## Example
    /// `maxProperties: 20` becomes `maxProperties: 5`.
    /// ## How to migrate
    /// Keep the old bound; enforce the new one only for new clients.
    REQUEST_OBJECT_TIGHTENED = "request-object-tightened", OpenApi, Breaking, Request, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was tightened (request)";
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts fewer values (a maximum lowered, a minimum raised, or a bound added). In a response (body or header).
    /// ## Why it matters
    /// Clients receive a subset of what they handled.
    /// ## Example
    /// `maxProperties: 20` becomes `maxProperties: 5`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_OBJECT_TIGHTENED = "response-object-tightened", OpenApi, Info, Response, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was tightened (response)";
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a request (parameter or body).
    /// ## Why it matters
    /// Every value clients sent is still valid.
    /// ## Example
    /// `maxProperties: 5` becomes `maxProperties: 20`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_OBJECT_LOOSENED = "request-object-loosened", OpenApi, Info, Request, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was loosened (request)";
    /// ## What it detects
    /// A object size (`minProperties`, `maxProperties`) constraint that now accepts more values (a maximum raised, a minimum lowered, or a bound removed). In a response (body or header).
    /// ## Why it matters
    /// Clients sized for the old bound (buffers, columns, validation) may receive values outside it.
    /// ## Example
    /// `maxProperties: 5` becomes `maxProperties: 20`.
    /// ## How to migrate
    /// Keep response bounds stable, or announce the change.
    RESPONSE_OBJECT_LOOSENED = "response-object-loosened", OpenApi, Warning, Response, "schema", Changed,
        "A object size (`minProperties`, `maxProperties`) constraint was loosened (response)";
}
