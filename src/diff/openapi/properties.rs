//! Schema rules about object properties, additional properties, discriminators and variants.

crate::rules! {
    /// ## What it detects
    /// A new property listed in `required` of an object clients send.
    /// ## Why it matters
    /// Existing clients do not send it and are rejected.
    /// ## Example
    /// `POST /pets` body gains required `ownerId`.
    /// ## How to migrate
    /// Make it optional with a default.
    REQUEST_PROPERTY_ADDED_REQUIRED = "request-property-added-required", OpenApi, Breaking, Request, "property", Added,
        "A required property was added to a request schema";
    /// ## What it detects
    /// A new optional property in an object clients send.
    /// ## Why it matters
    /// Existing clients keep working.
    /// ## Example
    /// `POST /pets` body gains optional `nickname`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PROPERTY_ADDED_OPTIONAL = "request-property-added-optional", OpenApi, Info, Request, "property", Added,
        "An optional property was added to a request schema";
    /// ## What it detects
    /// A new property in an object clients receive.
    /// ## Why it matters
    /// Tolerant readers ignore it. Clients that reject unknown fields (strict deserialisers, `additionalProperties: false` validators) are the exception.
    /// ## Example
    /// `Pet` responses gain `birthday`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_PROPERTY_ADDED = "response-property-added", OpenApi, Info, Response, "property", Added,
        "A property was added to a response schema";
    /// ## What it detects
    /// A property clients could send that the revision no longer describes.
    /// ## Why it matters
    /// Clients still send it; the server may reject it (`additionalProperties: false`) or drop what it meant.
    /// ## Example
    /// `POST /pets` body loses `color`.
    /// ## How to migrate
    /// Keep accepting and ignoring it for a while.
    REQUEST_PROPERTY_REMOVED = "request-property-removed", OpenApi, Warning, Request, "property", Removed,
        "A property was removed from a request schema";
    /// ## What it detects
    /// A property clients were guaranteed to receive that the revision no longer has.
    /// ## Why it matters
    /// Clients reading it get nothing and fail.
    /// ## Example
    /// `Pet.name` (required) removed.
    /// ## How to migrate
    /// Keep returning it; deprecate first.
    RESPONSE_REQUIRED_PROPERTY_REMOVED = "response-required-property-removed", OpenApi, Breaking, Response, "property", Removed,
        "A required property was removed from a response schema";
    /// ## What it detects
    /// An optional property clients could receive that the revision no longer has.
    /// ## Why it matters
    /// Clients that use it when present lose data.
    /// ## Example
    /// `Pet.tag` (optional) removed.
    /// ## How to migrate
    /// Keep returning it; deprecate first.
    RESPONSE_OPTIONAL_PROPERTY_REMOVED = "response-optional-property-removed", OpenApi, Warning, Response, "property", Removed,
        "An optional property was removed from a response schema";
    /// ## What it detects
    /// A property of a request object that was optional and is now in `required`.
    /// ## Why it matters
    /// Clients that omit it are rejected.
    /// ## Example
    /// `nickname` added to `required`.
    /// ## How to migrate
    /// Keep it optional with a default.
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", OpenApi, Breaking, Request, "property", Changed,
        "A request property became required";
    /// ## What it detects
    /// A property of a response object that is now always present.
    /// ## Why it matters
    /// Clients get a stronger guarantee.
    /// ## Example
    /// `Pet.tag` added to `required`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_PROPERTY_BECAME_REQUIRED = "response-property-became-required", OpenApi, Info, Response, "property", Changed,
        "A response property became required";
    /// ## What it detects
    /// A property of a request object that is no longer required.
    /// ## Why it matters
    /// Clients that send it keep working.
    /// ## Example
    /// `ownerId` removed from `required`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_PROPERTY_BECAME_OPTIONAL = "request-property-became-optional", OpenApi, Info, Request, "property", Changed,
        "A request property became optional";
    /// ## What it detects
    /// A property of a response object that was always present and may now be missing.
    /// ## Why it matters
    /// Clients that read it unconditionally fail when it is absent.
    /// ## Example
    /// `Pet.name` removed from `required`.
    /// ## How to migrate
    /// Keep it required; return a default.
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", OpenApi, Breaking, Response, "property", Changed,
        "A response property became optional";
    /// ## What it detects
    /// A property that clients could send and that is now `readOnly: true`.
    /// ## Why it matters
    /// Clients still send it; the server ignores or rejects it.
    /// ## Example
    /// `Pet.status` gains `readOnly: true`.
    /// ## How to migrate
    /// Keep accepting it, or add an operation to change it.
    REQUEST_PROPERTY_BECAME_READ_ONLY = "request-property-became-read-only", OpenApi, Warning, Request, "property", Changed,
        "A request property became read-only";
    /// ## What it detects
    /// A property clients received that is now `writeOnly: true` and no longer returned.
    /// ## Why it matters
    /// Clients reading it get nothing.
    /// ## Example
    /// `User.email` gains `writeOnly: true`.
    /// ## How to migrate
    /// Keep returning it.
    RESPONSE_PROPERTY_BECAME_WRITE_ONLY = "response-property-became-write-only", OpenApi, Breaking, Response, "property", Changed,
        "A response property became write-only";
    /// ## What it detects
    /// A required request property removed while a required one with the same schema was added under
    /// another name. (Optional properties are matched by name only, so two unrelated optional
    /// strings swapped read as a removal and an addition.)
    /// ## Why it matters
    /// Clients send the old name, which the server no longer reads.
    /// ## Example
    /// `page_size` becomes `pageSize`.
    /// ## How to migrate
    /// Accept both names for a while.
    REQUEST_PROPERTY_RENAMED = "request-property-renamed", OpenApi, Breaking, Request, "property", Renamed,
        "A request property was renamed";
    /// ## What it detects
    /// A required response property removed while a required one with the same schema was added under
    /// another name. (Optional properties are matched by name only, so two unrelated optional
    /// strings swapped read as a removal and an addition.)
    /// ## Why it matters
    /// Clients read the old name and find nothing.
    /// ## Example
    /// `created` becomes `createdAt`.
    /// ## How to migrate
    /// Return both names for a while.
    RESPONSE_PROPERTY_RENAMED = "response-property-renamed", OpenApi, Breaking, Response, "property", Renamed,
        "A response property was renamed";
    /// ## What it detects
    /// A request object that now has `additionalProperties: false` (or a narrower `additionalProperties` schema where it was open).
    /// ## Why it matters
    /// Clients sending extra fields are rejected.
    /// ## Example
    /// `additionalProperties: false` added to the `POST /pets` body.
    /// ## How to migrate
    /// Keep the object open.
    REQUEST_ADDITIONAL_PROPERTIES_RESTRICTED = "request-additional-properties-restricted", OpenApi, Breaking, Request, "schema", Changed,
        "A request object no longer accepts extra properties";
    /// ## What it detects
    /// A response object that was closed (`additionalProperties: false`) and is now open.
    /// ## Why it matters
    /// Clients that validate responses strictly reject unknown fields.
    /// ## Example
    /// `additionalProperties: false` removed from `Pet`.
    /// ## How to migrate
    /// Tell clients to ignore unknown fields.
    RESPONSE_ADDITIONAL_PROPERTIES_ALLOWED = "response-additional-properties-allowed", OpenApi, Warning, Response, "schema", Changed,
        "A response object may now carry extra properties";
    /// ## What it detects
    /// A `discriminator.propertyName` changed, or a mapping entry was removed or pointed elsewhere.
    /// ## Why it matters
    /// Clients tag their payloads with the old discriminator.
    /// ## Example
    /// `propertyName: petType` becomes `kind`.
    /// ## How to migrate
    /// Keep the discriminator.
    REQUEST_DISCRIMINATOR_CHANGED = "request-discriminator-changed", OpenApi, Breaking, Request, "schema", Changed,
        "A request schema's discriminator changed";
    /// ## What it detects
    /// A `discriminator.propertyName` changed, or a mapping entry was removed or pointed elsewhere.
    /// ## Why it matters
    /// Clients pick the variant to decode by the old discriminator.
    /// ## Example
    /// `mapping.dog` points to `Canine` instead of `Dog`.
    /// ## How to migrate
    /// Keep the discriminator.
    RESPONSE_DISCRIMINATOR_CHANGED = "response-discriminator-changed", OpenApi, Breaking, Response, "schema", Changed,
        "A response schema's discriminator changed";
    /// ## What it detects
    /// A `oneOf` or `anyOf` branch clients could send that is gone.
    /// ## Why it matters
    /// Clients sending that variant are rejected.
    /// ## Example
    /// `oneOf: [Cat, Dog]` loses `Dog`.
    /// ## How to migrate
    /// Keep accepting the variant.
    REQUEST_VARIANT_REMOVED = "request-variant-removed", OpenApi, Breaking, Request, "schema", Removed,
        "A oneOf/anyOf variant was removed from a request schema";
    /// ## What it detects
    /// A `oneOf` or `anyOf` branch clients could receive that is gone.
    /// ## Why it matters
    /// Clients simply never receive it.
    /// ## Example
    /// `oneOf: [Cat, Dog]` loses `Dog`.
    /// ## How to migrate
    /// Nothing to do.
    RESPONSE_VARIANT_REMOVED = "response-variant-removed", OpenApi, Info, Response, "schema", Removed,
        "A oneOf/anyOf variant was removed from a response schema";
    /// ## What it detects
    /// A new `oneOf` or `anyOf` branch clients may send.
    /// ## Why it matters
    /// Old payloads stay valid.
    /// ## Example
    /// `oneOf: [Cat]` gains `Dog`.
    /// ## How to migrate
    /// Nothing to do.
    REQUEST_VARIANT_ADDED = "request-variant-added", OpenApi, Info, Request, "schema", Added,
        "A oneOf/anyOf variant was added to a request schema";
    /// ## What it detects
    /// A new `oneOf` or `anyOf` branch clients may receive.
    /// ## Why it matters
    /// Clients that decode a closed set of variants fail on the new one.
    /// ## Example
    /// `oneOf: [Cat]` gains `Dog`.
    /// ## How to migrate
    /// Tell clients to tolerate unknown variants.
    RESPONSE_VARIANT_ADDED = "response-variant-added", OpenApi, Warning, Response, "schema", Added,
        "A oneOf/anyOf variant was added to a response schema";
    /// ## What it detects
    /// A property that gained `deprecated: true`.
    /// ## Why it matters
    /// Nothing breaks yet.
    /// ## Example
    /// `Pet.tag` marked deprecated.
    /// ## How to migrate
    /// Tell clients what replaces it.
    PROPERTY_DEPRECATED = "property-deprecated", OpenApi, Info, None, "property", Deprecated,
        "A schema property was deprecated";
}
