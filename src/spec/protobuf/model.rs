//! The protobuf model: a package of files with messages, fields, enums, services and options,
//! each with its position.

/// A 1-based source position (line, column).
pub type Pos = Option<(u32, u32)>;

/// The entry `.proto` file and every file it transitively imports (the well-known types under
/// `google/protobuf/` excepted: they are the runtime's, not the API's).
#[derive(Debug, Default)]
pub struct Package {
    /// Files in dependency order (imports before the files that import them).
    pub files: Vec<File>,
}

/// One `.proto` file.
#[derive(Debug, Default)]
pub struct File {
    /// The import name (`google/pubsub/v1/pubsub.proto`): how files pair up across versions.
    pub name: String,
    /// How the file is shown to the user (the path given, or `<rev>:<path>`).
    pub display: String,
    /// The entry file (it pairs with the other side's entry file whatever the names).
    pub is_main: bool,
    /// Part of the API compared: the entry file and the files of its package, or every file of
    /// a folder given as the spec. The others are dependencies (imports from elsewhere), which
    /// matter only through what the API uses.
    pub own: bool,
    /// The `package` (empty when the file has none).
    pub package: String,
    /// `proto2` or `proto3`.
    pub syntax: String,
    /// Position of the `syntax` statement.
    pub syntax_pos: Pos,
    /// Position of the `package` statement.
    pub package_pos: Pos,
    /// File options that affect generated code, by option name, with their effective values.
    pub options: Vec<FileOption>,
    /// Every message, nested ones included.
    pub messages: Vec<Message>,
    /// Every enum, nested ones included.
    pub enums: Vec<Enum>,
    /// Services.
    pub services: Vec<Service>,
    /// Extensions declared in this file (top-level and nested `extend` blocks).
    pub extensions: Vec<Field>,
}

/// An effective file option value (the default when not set).
#[derive(Debug, Clone)]
pub struct FileOption {
    /// Option name (`go_package`).
    pub name: &'static str,
    /// Rendered value (`""` for an unset string option).
    pub value: String,
    /// Where it is set, when it is.
    pub pos: Pos,
}

/// A message type.
#[derive(Debug, Default)]
pub struct Message {
    /// Fully qualified name without the leading dot (`pkg.Outer.Inner`).
    pub full_name: String,
    /// Fields (not extensions).
    pub fields: Vec<Field>,
    /// Real oneofs (the synthetic ones of proto3 `optional` are left out).
    pub oneofs: Vec<Oneof>,
    /// Reserved numbers as inclusive ranges.
    pub reserved_ranges: Vec<(i32, i32)>,
    /// Reserved field names.
    pub reserved_names: Vec<String>,
    /// Extension ranges as inclusive ranges.
    pub extension_ranges: Vec<(i32, i32)>,
    /// `option no_standard_descriptor_accessor = true`.
    pub no_standard_descriptor_accessor: bool,
    /// Synthesised entry type of a `map<K, V>` field.
    pub map_entry: bool,
    /// Declaration position.
    pub pos: Pos,
}

/// A oneof.
#[derive(Debug)]
pub struct Oneof {
    /// Its name.
    pub name: String,
    /// Declaration position.
    pub pos: Pos,
}

/// How many values a field holds and whether presence is tracked (buf's cardinality).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    /// Singular with explicit presence (proto2 `optional`, proto3 `optional`, messages, oneof members).
    Optional,
    /// Singular with implicit presence (plain proto3 scalars).
    Implicit,
    /// proto2 `required`.
    Required,
    /// `repeated`.
    Repeated,
    /// `map<K, V>`.
    Map,
}

impl Cardinality {
    /// Wording used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::Optional => "optional with explicit presence",
            Cardinality::Implicit => "optional with implicit presence",
            Cardinality::Required => "required",
            Cardinality::Repeated => "repeated",
            Cardinality::Map => "map",
        }
    }
}

/// The scalar or composite type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `double`
    Double,
    /// `float`
    Float,
    /// `int64`
    Int64,
    /// `uint64`
    Uint64,
    /// `int32`
    Int32,
    /// `fixed64`
    Fixed64,
    /// `fixed32`
    Fixed32,
    /// `bool`
    Bool,
    /// `string`
    String,
    /// proto2 group
    Group,
    /// a message type
    Message,
    /// `bytes`
    Bytes,
    /// `uint32`
    Uint32,
    /// an enum type
    Enum,
    /// `sfixed32`
    Sfixed32,
    /// `sfixed64`
    Sfixed64,
    /// `sint32`
    Sint32,
    /// `sint64`
    Sint64,
}

impl Kind {
    /// The keyword as written in a `.proto` file (`message`, `enum` and `group` for composites).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Double => "double",
            Kind::Float => "float",
            Kind::Int64 => "int64",
            Kind::Uint64 => "uint64",
            Kind::Int32 => "int32",
            Kind::Fixed64 => "fixed64",
            Kind::Fixed32 => "fixed32",
            Kind::Bool => "bool",
            Kind::String => "string",
            Kind::Group => "group",
            Kind::Message => "message",
            Kind::Bytes => "bytes",
            Kind::Uint32 => "uint32",
            Kind::Enum => "enum",
            Kind::Sfixed32 => "sfixed32",
            Kind::Sfixed64 => "sfixed64",
            Kind::Sint32 => "sint32",
            Kind::Sint64 => "sint64",
        }
    }

    /// True for 64-bit integer kinds (where `jstype` matters).
    pub fn is_64bit_integer(self) -> bool {
        matches!(self, Kind::Int64 | Kind::Uint64 | Kind::Sint64 | Kind::Fixed64 | Kind::Sfixed64)
    }
}

/// A field or an extension.
#[derive(Debug, Clone)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Fully qualified name (`pkg.Message.field`, or `pkg.ext` for a top-level extension).
    pub full_name: String,
    /// Its number.
    pub number: i32,
    /// JSON name: the explicit `json_name`, or the lowerCamelCase of the name.
    pub json_name: String,
    /// Scalar kind, or message / enum / group.
    pub kind: Kind,
    /// Referenced message or enum, fully qualified without the leading dot.
    pub type_name: String,
    /// Cardinality.
    pub cardinality: Cardinality,
    /// The real oneof it belongs to.
    pub oneof: Option<String>,
    /// Explicit `[default = ...]`.
    pub default: Option<String>,
    /// Explicit `[packed = ...]`.
    pub packed: Option<bool>,
    /// `jstype` option (0 normal, 1 string, 2 number).
    pub jstype: i32,
    /// `ctype` option (0 string, 1 cord, 2 string_piece).
    pub ctype: i32,
    /// For extensions: the extended message.
    pub extendee: Option<String>,
    /// Declaration position.
    pub pos: Pos,
}

/// An enum.
#[derive(Debug, Default)]
pub struct Enum {
    /// Fully qualified name.
    pub full_name: String,
    /// Values in declaration order.
    pub values: Vec<EnumValue>,
    /// Reserved numbers as inclusive ranges.
    pub reserved_ranges: Vec<(i32, i32)>,
    /// Reserved value names.
    pub reserved_names: Vec<String>,
    /// Closed (proto2) rather than open (proto3).
    pub closed: bool,
    /// Declaration position.
    pub pos: Pos,
}

/// An enum value.
#[derive(Debug)]
pub struct EnumValue {
    /// Its name.
    pub name: String,
    /// Its number.
    pub number: i32,
    /// Declaration position.
    pub pos: Pos,
}

/// A service.
#[derive(Debug, Default)]
pub struct Service {
    /// Fully qualified name.
    pub full_name: String,
    /// Its rpcs.
    pub methods: Vec<Method>,
    /// Declaration position.
    pub pos: Pos,
}

/// An rpc.
#[derive(Debug)]
pub struct Method {
    /// Its name.
    pub name: String,
    /// Request message, fully qualified.
    pub input: String,
    /// Response message, fully qualified.
    pub output: String,
    /// `stream` on the request.
    pub client_streaming: bool,
    /// `stream` on the response.
    pub server_streaming: bool,
    /// `idempotency_level` option (`IDEMPOTENCY_UNKNOWN`, `NO_SIDE_EFFECTS`, `IDEMPOTENT`).
    pub idempotency: &'static str,
    /// The `google.api.http` option (HTTP/JSON transcoding), when set.
    pub http: Option<HttpRule>,
    /// Declaration position.
    pub pos: Pos,
}

/// A `google.api.http` method option: how an rpc is exposed over HTTP/JSON (grpc-gateway,
/// Envoy, ESP, Cloud Endpoints).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRule {
    /// The main binding first, then its `additional_bindings` in order.
    pub bindings: Vec<HttpBinding>,
    /// Where the option is set.
    pub pos: Pos,
}

/// One HTTP binding of an rpc.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpBinding {
    /// `GET`, `PUT`, `POST`, `DELETE`, `PATCH`, or a `custom` kind as written.
    pub verb: String,
    /// The path template (`/v1/{name=projects/*/topics/*}`).
    pub path: String,
    /// The request field mapped to the body (`*` for the whole request, `""` for none).
    pub body: String,
    /// The response field sent as the body (`""` for the whole response).
    pub response_body: String,
}

impl Package {
    /// Every message of every file, with its file.
    pub fn messages(&self) -> impl Iterator<Item = (&File, &Message)> {
        self.files.iter().flat_map(|f| f.messages.iter().map(move |m| (f, m)))
    }

    /// Every enum of every file, with its file.
    pub fn enums(&self) -> impl Iterator<Item = (&File, &Enum)> {
        self.files.iter().flat_map(|f| f.enums.iter().map(move |e| (f, e)))
    }

    /// Every service of every file, with its file.
    pub fn services(&self) -> impl Iterator<Item = (&File, &Service)> {
        self.files.iter().flat_map(|f| f.services.iter().map(move |s| (f, s)))
    }

    /// Every extension of every file, with its file.
    pub fn extensions(&self) -> impl Iterator<Item = (&File, &Field)> {
        self.files.iter().flat_map(|f| f.extensions.iter().map(move |x| (f, x)))
    }
}

/// protoc's default JSON name: lowerCamelCase of the field name (underscores dropped, the letter
/// after each underscore upper-cased).
pub fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
