//! The evidence a breaking change carries ([`Witness`]): the smallest concrete thing that worked
//! with the old version and fails with the new one, and how each side judged it; and [`Proof`],
//! the property a rule declares to say which kind of witness proves it. The builders and the
//! checker live in `crate::witness`; this file only holds the vocabulary both sides share.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a witness is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WitnessKind {
    /// No witness could be built; `reason` says why.
    None,
    /// A request (or request body) the old description accepts and the new one rejects.
    Request,
    /// A response the new description allows and a client built on the old one rejects.
    Response,
    /// A message (AsyncAPI) one side accepts and the other rejects.
    Message,
    /// A GraphQL operation that validates against the old schema and not the new one.
    Operation,
    /// Wire bytes the two descriptors decode differently.
    Wire,
    /// Consumer code that compiles against the old declarations and not the new ones.
    Code,
    /// The request that reached a removed operation, and what answers it now.
    Endpoint,
}

impl WitnessKind {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            WitnessKind::None => "none",
            WitnessKind::Request => "request",
            WitnessKind::Response => "response",
            WitnessKind::Message => "message",
            WitnessKind::Operation => "operation",
            WitnessKind::Wire => "wire",
            WitnessKind::Code => "code",
            WitnessKind::Endpoint => "endpoint",
        }
    }
}

/// How one version judged the witness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// The file the pointer is in.
    pub file: String,
    /// The schema (operation, parameter list) in that file the instance was checked against.
    pub pointer: String,
    /// Whether this version accepts the instance.
    pub accepts: bool,
    /// Why it rejects it (keyword and place), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Where a request or response witness applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Http {
    /// Method in upper case.
    pub method: String,
    /// The path with its parameters filled in.
    pub path: String,
    /// Query parameters sent.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Headers sent (never credentials: a placeholder stands for them).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// For a response witness: the status it answers with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// What the new version answers a request witness with (`404 or 405`, `400`, `401`, `415`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
}

/// The evidence of a breaking change, checked by apidiff against both versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Witness {
    /// What it is.
    pub kind: WitnessKind,
    /// One sentence: what was accepted and is now rejected (or allowed and now surprising).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Why there is no witness (`kind: none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The JSON value (body, response, message) checked against both versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<serde_json::Value>,
    /// The request (or response) it travels in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<Http>,
    /// How the base judged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Verdict>,
    /// How the revision judged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<Verdict>,
}

impl Witness {
    /// A breaking change without a witness, and why.
    pub fn none(reason: impl Into<String>) -> Witness {
        Witness {
            kind: WitnessKind::None,
            summary: String::new(),
            reason: Some(reason.into()),
            instance: None,
            http: None,
            base: None,
            revision: None,
        }
    }

    /// Whether it proves the change (any kind but `none`).
    pub fn proves(&self) -> bool {
        self.kind != WitnessKind::None
    }

    /// The one line reports print: the summary, or why there is none.
    pub fn line(&self) -> String {
        match self.kind {
            WitnessKind::None => format!("no witness: {}", self.reason.as_deref().unwrap_or("none could be built")),
            _ => self.summary.clone(),
        }
    }
}

/// How a rule's breaking change is proved: the property a rule family declares for its rules
/// (its `PROOFS` table) and `crate::witness` reads to pick a builder. Never chosen from an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Proof {
    /// A JSON value of the changed schema: for a request rule, one the base accepts and the
    /// revision rejects; for a response rule, one the revision allows and the base rejects.
    Instance,
    /// The request that reached a removed (or moved) operation, which now gets 404 or 405.
    Endpoint,
    /// A request that leaves out a parameter the revision requires.
    MissingParameter,
    /// A request that sends a parameter where the base read it and the revision no longer does.
    MovedParameter,
    /// A request without a body, which the revision requires.
    MissingBody,
    /// A request in a media type the revision no longer accepts.
    MediaType,
    /// A response without a header the base promised and the revision no longer does.
    MissingHeader,
    /// A response with a success status the revision describes in place of the base's.
    Status,
    /// A request carrying the credentials the base asked for and no more.
    Credentials,
    /// A request sending a list parameter the way the base serialises it, which the revision's
    /// `style`/`explode` (or `collectionFormat`) reads as another list.
    Serialization,
    /// A request sending a parameter the base reads and the revision no longer describes.
    RemovedParameter,
    /// A value the base's schema rejects and the revision no longer constrains (an AsyncAPI
    /// payload that is gone).
    Unconstrained,
    /// A JSON value that one side accepts and the other rejects, where JSON Schema only
    /// annotates what changed (formats, encodings, `writeOnly`, discriminators): never built,
    /// the change says why.
    Annotation,
    /// A spec removed from the repository: the witness of the first thing a client used (an
    /// operation, channel, root field, RPC, message or export), built by the format's removal
    /// builders from the base against an empty description of the same format, its revision
    /// side saying the file is gone (`witness::removed_description`, called by `check`).
    Repository,
    /// GraphQL: an operation selecting what the base has (a field, a fragment on a type or a
    /// union member, a root), which validates against the base and not the revision; for an
    /// output type that only loosened, a response the revision allows and the base forbids.
    Selection,
    /// GraphQL: an operation passing the arguments or input fields the base accepts (a value
    /// of the base's type, an enum value), which the revision rejects.
    Input,
    /// GraphQL: an operation applying a directive where and as the base allows.
    DirectiveUse,
    /// Protobuf: wire bytes (or proto JSON) the base decodes to one value and the revision to
    /// another or not at all.
    Wire,
    /// Protobuf: the gRPC method path that answered and now answers UNIMPLEMENTED.
    Unimplemented,
    /// Protobuf: the generated-code symbol (type, accessor, package) that disappears.
    Symbol,
    /// Protobuf: the HTTP request (`google.api.http` transcoding) that no longer reaches the rpc.
    Route,
    /// TypeScript: a few lines of consumer code that type-check against the old declarations
    /// and not against the new ones.
    Code,
}
