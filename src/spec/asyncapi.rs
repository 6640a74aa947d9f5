//! AsyncAPI 2.x and 3.x lowered into one model: servers, channels (with their address and
//! parameters) and operations normalised to what the API sends or receives, each with its
//! messages; schemas stay nodes of the [`DocSet`] and are compared through `$ref`s.
//!
//! In 2.x a channel's `subscribe` operation means the application publishes (clients subscribe),
//! so it lowers to [`Action::Send`]; `publish` lowers to [`Action::Receive`]. 3.x `reply`
//! objects lower to a further operation with the opposite action.

use super::LoadOptions;
use super::refs::{DocSet, NodeId};
use crate::error::Result;
use crate::source::Input;
use crate::source::text::Syntax;
use indexmap::IndexMap;
use serde_json::Value;

/// Which AsyncAPI generation a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 2.x: channels keyed by address, `publish`/`subscribe` inside channels.
    V2,
    /// 3.x: channels with an `address`, operations with an `action`.
    V3,
}

/// What the API does with the messages of an operation, from the API's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The API sends them; clients receive (2.x `subscribe`, 3.x `send`).
    Send,
    /// The API receives them; clients send (2.x `publish`, 3.x `receive`).
    Receive,
}

impl Action {
    /// `send` or `receive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Send => "send",
            Action::Receive => "receive",
        }
    }

    fn flipped(self) -> Action {
        match self {
            Action::Send => Action::Receive,
            Action::Receive => Action::Send,
        }
    }
}

/// An AsyncAPI description.
#[derive(Debug)]
pub struct Api {
    /// The files.
    pub docs: DocSet,
    /// The generation.
    pub version: Version,
    /// The `asyncapi` field as written.
    pub spec_version: String,
    /// `info.version`.
    pub info_version: Option<String>,
    /// Servers by name.
    pub servers: IndexMap<String, Server>,
    /// Channels in document order.
    pub channels: Vec<Channel>,
    /// Operations (and 3.x replies) in document order.
    pub operations: Vec<Operation>,
}

/// One server.
#[derive(Debug, Clone)]
pub struct Server {
    /// The server object.
    pub node: NodeId,
    /// `protocol`, followed by `protocolVersion` when given.
    pub protocol: String,
    /// Where `protocol` is written.
    pub protocol_node: NodeId,
    /// Host and path without the scheme (2.x `url`; 3.x `host` + `pathname`).
    pub host: String,
    /// Where the host is written.
    pub host_node: NodeId,
}

/// One channel.
#[derive(Debug, Clone)]
pub struct Channel {
    /// The key under `channels` (in 2.x this is also the address).
    pub id: String,
    /// The address clients use (`None` when 3.x leaves it dynamic).
    pub address: Option<String>,
    /// `/channels/<id>` as written (may be a `$ref`).
    pub raw: NodeId,
    /// The channel object, `$ref`s followed.
    pub node: NodeId,
    /// Parameters by name.
    pub params: IndexMap<String, ChannelParam>,
    /// `bindings`, kept opaque.
    pub bindings: Option<NodeId>,
}

impl Channel {
    /// The address, or the id when the address is dynamic.
    pub fn display(&self) -> &str {
        self.address.as_deref().unwrap_or(&self.id)
    }
}

/// One channel parameter.
#[derive(Debug, Clone)]
pub struct ChannelParam {
    /// The parameter object, `$ref`s followed.
    pub node: NodeId,
    /// 2.x `schema`.
    pub schema: Option<NodeId>,
    /// Allowed values (3.x `enum`, or 2.x `schema.enum`).
    pub enum_: Option<Vec<String>>,
    /// Runtime expression saying where the value comes from.
    pub location: Option<String>,
}

/// One operation, from the API's point of view.
#[derive(Debug, Clone)]
pub struct Operation {
    /// 3.x operation key, or 2.x `operationId`; replies get `<id> reply`.
    pub id: Option<String>,
    /// Send or receive.
    pub action: Action,
    /// Index into [`Api::channels`].
    pub channel: usize,
    /// The operation (or reply) object.
    pub node: NodeId,
    /// Its messages.
    pub messages: Vec<Message>,
    /// `bindings` (own or from traits), kept opaque.
    pub bindings: Option<NodeId>,
    /// A 3.x `reply`.
    pub reply: bool,
}

/// One message an operation carries.
#[derive(Debug, Clone)]
pub struct Message {
    /// Identities it can be matched by: `name`, `messageId`, component key, channel key.
    pub ids: Vec<String>,
    /// Name for messages.
    pub label: String,
    /// The message object, `$ref`s followed.
    pub node: NodeId,
    /// Content type (own, from traits, or the document's `defaultContentType`).
    pub content_type: Option<(String, NodeId)>,
    /// Schema format of the payload, normalised (`None` = AsyncAPI/JSON Schema).
    pub schema_format: Option<(String, NodeId)>,
    /// Payload schema.
    pub payload: Option<NodeId>,
    /// Headers schema.
    pub headers: Option<NodeId>,
    /// `correlationId.location`.
    pub correlation_id: Option<(String, NodeId)>,
    /// `bindings`, kept opaque.
    pub bindings: Option<NodeId>,
}

/// Loads an AsyncAPI document and every file its `$ref`s reach.
pub fn load(input: std::borrow::Cow<'_, Input>, value: Value, syntax: Syntax, opts: &LoadOptions) -> Result<Api> {
    let docs = DocSet::load(input, value, syntax, opts)?;
    let root = NodeId { doc: 0, ptr: String::new() };
    let rootv = docs.get(&root).cloned().unwrap_or(Value::Null);
    let spec_version = match rootv.get("asyncapi") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(docs.error_at(&root.child("asyncapi"), "`asyncapi` must be a version string such as `3.0.0`").into()),
    };
    let version = match spec_version.split('.').next() {
        Some("2") => Version::V2,
        Some("3") => Version::V3,
        _ => {
            return Err(docs
                .error_at(&root.child("asyncapi"), format!("unsupported AsyncAPI version `{spec_version}`: expected 2.x or 3.x"))
                .into());
        }
    };
    let info_version = rootv.get("info").and_then(|i| i.get("version")).and_then(scalar);
    let default_ct = rootv.get("defaultContentType").and_then(Value::as_str).map(|s| (s.to_string(), root.child("defaultContentType")));
    let l = Lower { docs: &docs, default_ct };
    let servers = l.servers(&root)?;
    let (channels, operations) = match version {
        Version::V2 => l.v2(&root)?,
        Version::V3 => l.v3(&root)?,
    };
    Ok(Api { docs, version, spec_version, info_version, servers, channels, operations })
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct Lower<'a> {
    docs: &'a DocSet,
    default_ct: Option<(String, NodeId)>,
}

impl<'a> Lower<'a> {
    fn resolve(&self, id: &NodeId) -> Result<(NodeId, &'a Value)> {
        self.docs.resolve(id).ok_or_else(|| self.docs.error_at(id, "$ref chain loops back on itself and never reaches a definition").into())
    }

    /// The map at `id` (absent = empty); anything else is an error naming what was expected.
    fn map_at(&self, id: &NodeId, what: &str) -> Result<Vec<String>> {
        match self.docs.get(id) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(_) => match self.resolve(id)?.1 {
                Value::Object(m) => Ok(m.keys().filter(|k| !k.starts_with("x-")).cloned().collect()),
                _ => Err(self.docs.error_at(id, format!("expected a map of {what}")).into()),
            },
        }
    }

    fn servers(&self, root: &NodeId) -> Result<IndexMap<String, Server>> {
        let at = root.child("servers");
        let mut out = IndexMap::new();
        for name in self.map_at(&at, "servers")? {
            let (node, v) = self.resolve(&at.child(&name))?;
            if !v.is_object() {
                return Err(self.docs.error_at(&node, format!("server `{name}`: expected an object")).into());
            }
            let mut protocol = v.get("protocol").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            if let Some(pv) = v.get("protocolVersion").and_then(scalar) {
                protocol = format!("{protocol} {pv}");
            }
            let (host, host_node) = if let Some(url) = v.get("url").and_then(Value::as_str) {
                let bare = url.split_once("://").map_or(url, |(_, rest)| rest);
                (bare.trim_end_matches('/').to_string(), node.child("url"))
            } else {
                let host = v.get("host").and_then(Value::as_str).unwrap_or("");
                let path = v.get("pathname").and_then(Value::as_str).unwrap_or("");
                (format!("{host}{path}").trim_end_matches('/').to_string(), node.child("host"))
            };
            let protocol_node = node.child("protocol");
            out.insert(name, Server { node, protocol, protocol_node, host, host_node });
        }
        Ok(out)
    }

    fn channel(&self, at: &NodeId, id: &str, version: Version) -> Result<(Channel, &'a Value)> {
        let (node, v) = self.resolve(at)?;
        if !v.is_object() {
            return Err(self.docs.error_at(at, format!("channel `{id}`: expected an object")).into());
        }
        let address = match version {
            Version::V2 => Some(id.to_string()),
            Version::V3 => v.get("address").and_then(Value::as_str).map(str::to_string),
        };
        let mut params = IndexMap::new();
        let pat = node.child("parameters");
        for name in self.map_at(&pat, "parameters")? {
            let (pnode, pv) = self.resolve(&pat.child(&name))?;
            let schema = pv.get("schema").map(|_| pnode.child("schema"));
            let enum_src = match &schema {
                Some(s) => self.resolve(s)?.1.get("enum"),
                None => pv.get("enum"),
            };
            let enum_ = enum_src.and_then(Value::as_array).map(|a| a.iter().filter_map(scalar).collect());
            let location = pv.get("location").and_then(Value::as_str).map(str::to_string);
            params.insert(name, ChannelParam { node: pnode, schema, enum_, location });
        }
        let bindings = v.get("bindings").map(|_| node.child("bindings"));
        Ok((Channel { id: id.to_string(), address, raw: at.clone(), node, params, bindings }, v))
    }

    /// A field of an object or, when absent, of the last of its `traits` that sets it.
    fn with_traits(&self, node: &NodeId, v: &Value, key: &str) -> Result<Option<NodeId>> {
        if v.get(key).is_some() {
            return Ok(Some(node.child(key)));
        }
        let Some(Value::Array(traits)) = v.get("traits") else { return Ok(None) };
        for i in (0..traits.len()).rev() {
            let (tnode, tv) = self.resolve(&node.child("traits").item(i))?;
            // 2.x allows `[trait, parameters]` pairs; the first item is the trait.
            let (tnode, tv) = match tv {
                Value::Array(_) => self.resolve(&tnode.item(0))?,
                _ => (tnode, tv),
            };
            if tv.get(key).is_some() {
                return Ok(Some(tnode.child(key)));
            }
        }
        Ok(None)
    }

    fn string_at(&self, id: &Option<NodeId>) -> Result<Option<(String, NodeId)>> {
        let Some(id) = id else { return Ok(None) };
        let (_, v) = self.resolve(id)?;
        Ok(v.as_str().map(|s| (s.to_string(), id.clone())))
    }

    fn message(&self, at: &NodeId, channel_key: Option<&str>) -> Result<Message> {
        let (node, v) = self.resolve(at)?;
        if !v.is_object() {
            return Err(self.docs.error_at(at, "expected a message object").into());
        }
        let mut ids: Vec<String> = Vec::new();
        for k in ["name", "messageId"] {
            if let Some(s) = v.get(k).and_then(Value::as_str) {
                ids.push(s.to_string());
            }
        }
        if let Some(k) = node.ptr.strip_prefix("/components/messages/").filter(|k| !k.contains('/')) {
            ids.push(crate::source::text::unescape_segment(k));
        } else if node.doc != 0 {
            // A message in a file of its own (`$ref: messages/turnOn.yaml`) or keyed in a
            // messages file (`$ref: messages.yaml#/turnOn`).
            match node.ptr.strip_prefix('/').filter(|k| !k.contains('/')) {
                Some(k) => ids.push(crate::source::text::unescape_segment(k)),
                None if node.ptr.is_empty() => {
                    if let Some(stem) = self.docs.docs.get(node.doc as usize).and_then(|d| d.input.path.file_stem()) {
                        ids.push(stem.to_string_lossy().into_owned());
                    }
                }
                None => {}
            }
        }
        if let Some(k) = channel_key {
            ids.push(k.to_string());
        }
        let mut seen = std::collections::HashSet::new();
        ids.retain(|i| seen.insert(i.clone()));
        let label = ids.first().cloned().unwrap_or_else(|| "message".to_string());
        let content_type = match self.string_at(&self.with_traits(&node, v, "contentType")?)? {
            Some(ct) => Some(ct),
            None => self.default_ct.clone(),
        };
        let mut schema_format = self.string_at(&self.with_traits(&node, v, "schemaFormat")?)?;
        let mut payload = v.get("payload").map(|_| node.child("payload"));
        if let Some(p) = &payload {
            let (pnode, pv) = self.resolve(p)?;
            // 3.x Multi Format Schema Object: `{schemaFormat, schema}`.
            if let (Some(f), Some(_)) = (pv.get("schemaFormat").and_then(Value::as_str), pv.get("schema")) {
                schema_format = Some((f.to_string(), pnode.child("schemaFormat")));
                payload = Some(pnode.child("schema"));
            }
        }
        let mut headers = self.with_traits(&node, v, "headers")?;
        if let Some(h) = &headers {
            let (hnode, hv) = self.resolve(h)?;
            if hv.get("schemaFormat").is_some() && hv.get("schema").is_some() {
                headers = Some(hnode.child("schema"));
            }
        }
        let correlation_id = match self.with_traits(&node, v, "correlationId")? {
            Some(c) => {
                let (cnode, cv) = self.resolve(&c)?;
                cv.get("location").and_then(Value::as_str).map(|s| (s.to_string(), cnode.child("location")))
            }
            None => None,
        };
        let bindings = self.with_traits(&node, v, "bindings")?;
        let schema_format = schema_format.map(|(f, n)| (normalise_format(&f), n));
        Ok(Message { ids, label, node, content_type, schema_format, payload, headers, correlation_id, bindings })
    }

    fn v2(&self, root: &NodeId) -> Result<(Vec<Channel>, Vec<Operation>)> {
        let at = root.child("channels");
        let mut channels = Vec::new();
        let mut ops = Vec::new();
        for name in self.map_at(&at, "channels")? {
            let (ch, v) = self.channel(&at.child(&name), &name, Version::V2)?;
            let idx = channels.len();
            for (verb, action) in [("subscribe", Action::Send), ("publish", Action::Receive)] {
                let Some(ov) = v.get(verb) else { continue };
                let opnode = ch.node.child(verb);
                if !ov.is_object() {
                    return Err(self.docs.error_at(&opnode, format!("`{verb}` must be an operation object")).into());
                }
                let (opnode, ov) = self.resolve(&opnode)?;
                let mut messages = Vec::new();
                if ov.get("message").is_some() {
                    let (mnode, mv) = self.resolve(&opnode.child("message"))?;
                    match mv.get("oneOf") {
                        Some(Value::Array(list)) => {
                            for i in 0..list.len() {
                                messages.push(self.message(&mnode.child("oneOf").item(i), None)?);
                            }
                        }
                        Some(_) => return Err(self.docs.error_at(&mnode.child("oneOf"), "`oneOf` must be a list of messages").into()),
                        None => messages.push(self.message(&opnode.child("message"), None)?),
                    }
                }
                ops.push(Operation {
                    id: ov.get("operationId").and_then(Value::as_str).map(str::to_string),
                    action,
                    channel: idx,
                    bindings: self.with_traits(&opnode, ov, "bindings")?,
                    node: opnode,
                    messages,
                    reply: false,
                });
            }
            channels.push(ch);
        }
        Ok((channels, ops))
    }

    fn v3(&self, root: &NodeId) -> Result<(Vec<Channel>, Vec<Operation>)> {
        let at = root.child("channels");
        let mut channels = Vec::new();
        for name in self.map_at(&at, "channels")? {
            channels.push(self.channel(&at.child(&name), &name, Version::V3)?.0);
        }
        let oat = root.child("operations");
        let mut ops = Vec::new();
        for name in self.map_at(&oat, "operations")? {
            let (onode, ov) = self.resolve(&oat.child(&name))?;
            let action = match ov.get("action").and_then(Value::as_str) {
                Some("send") => Action::Send,
                Some("receive") => Action::Receive,
                Some(other) => {
                    return Err(self
                        .docs
                        .error_at(&onode.child("action"), format!("operation `{name}`: action `{other}` is not `send` or `receive`"))
                        .into());
                }
                None => return Err(self.docs.error_at(&onode, format!("operation `{name}` has no `action` (send or receive)")).into()),
            };
            let Some(ch) = self.channel_of(&channels, &onode, ov)? else {
                return Err(self.docs.error_at(&onode, format!("operation `{name}` has no `channel`")).into());
            };
            let messages = self.op_messages(&channels, ch, &onode, ov)?;
            let bindings = self.with_traits(&onode, ov, "bindings")?;
            let reply = match ov.get("reply") {
                Some(_) => Some(self.resolve(&onode.child("reply"))?),
                None => None,
            };
            ops.push(Operation { id: Some(name.clone()), action, channel: ch, node: onode, messages, bindings, reply: false });
            if let Some((rnode, rv)) = reply {
                let rch = self.channel_of(&channels, &rnode, rv)?.unwrap_or(ch);
                let messages = self.op_messages(&channels, rch, &rnode, rv)?;
                ops.push(Operation {
                    id: Some(format!("{name} reply")),
                    action: action.flipped(),
                    channel: rch,
                    node: rnode,
                    messages,
                    bindings: None,
                    reply: true,
                });
            }
        }
        Ok((channels, ops))
    }

    /// The channel an operation or reply names (`channel: {$ref: '#/channels/x'}`).
    fn channel_of(&self, channels: &[Channel], node: &NodeId, v: &Value) -> Result<Option<usize>> {
        let Some(cv) = v.get("channel") else { return Ok(None) };
        let at = node.child("channel");
        let target = match cv.get("$ref").and_then(Value::as_str) {
            Some(r) => self.docs.target_loaded(&at, r).ok_or_else(|| self.docs.error_at(&at, format!("$ref `{r}` points to nothing")))?,
            None => at.clone(),
        };
        let resolved = self.resolve(&target)?.0;
        match channels.iter().position(|c| c.raw == target || c.node == resolved) {
            Some(i) => Ok(Some(i)),
            None => Err(self.docs.error_at(&at, "`channel` must reference one of the document's `channels`").into()),
        }
    }

    /// The messages of an operation or reply: those it lists, or all of its channel's.
    fn op_messages(&self, channels: &[Channel], ch: usize, node: &NodeId, v: &Value) -> Result<Vec<Message>> {
        let Some(channel) = channels.get(ch) else { return Ok(Vec::new()) };
        let mat = channel.node.child("messages");
        let keys = self.map_at(&mat, "messages")?;
        // Channel message nodes, both as written and resolved, to find the key an operation names.
        let mut by_node: Vec<(String, NodeId, NodeId)> = Vec::new();
        for k in &keys {
            let raw = mat.child(k);
            let res = self.resolve(&raw)?.0;
            by_node.push((k.clone(), raw, res));
        }
        let mut out = Vec::new();
        match v.get("messages") {
            Some(Value::Array(list)) => {
                for i in 0..list.len() {
                    let item = node.child("messages").item(i);
                    let target = match list.get(i).and_then(|m| m.get("$ref")).and_then(Value::as_str) {
                        Some(r) => self
                            .docs
                            .target_loaded(&item, r)
                            .ok_or_else(|| self.docs.error_at(&item, format!("$ref `{r}` points to nothing")))?,
                        None => item.clone(),
                    };
                    let resolved = self.resolve(&target)?.0;
                    let key = by_node
                        .iter()
                        .find(|(_, raw, res)| *raw == target || *res == resolved)
                        .map(|(k, _, _)| k.as_str())
                        .or_else(|| channel_message_key(&target.ptr));
                    out.push(self.message(&target, key)?);
                }
            }
            Some(Value::Null) | None => {
                for (k, raw, _) in &by_node {
                    out.push(self.message(raw, Some(k))?);
                }
            }
            Some(_) => return Err(self.docs.error_at(&node.child("messages"), "expected a list of message `$ref`s").into()),
        }
        Ok(out)
    }
}

/// `/channels/x/messages/k` → `k` (a message of another channel).
fn channel_message_key(ptr: &str) -> Option<&str> {
    let rest = ptr.strip_prefix("/channels/")?;
    let (_, k) = rest.split_once("/messages/")?;
    (!k.contains('/')).then_some(k)
}

/// Schema formats that are JSON Schema dialects compare as one; others keep their media type.
pub fn normalise_format(f: &str) -> String {
    let f = f.trim().to_ascii_lowercase();
    let base = f.split(';').next().unwrap_or("").trim().to_string();
    if base.starts_with("application/vnd.aai.asyncapi")
        || base.starts_with("application/schema")
        || base.starts_with("application/vnd.oai.openapi")
    {
        "json-schema".to_string()
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Located;

    fn load_text(name: &str, text: &str) -> Result<Api> {
        let dir = std::env::temp_dir();
        let input = Input::from_text(name, text.as_bytes().to_vec(), &dir)?;
        let (value, syntax) = crate::source::text::parse(name, text)?;
        load(std::borrow::Cow::Owned(input), value, syntax, &LoadOptions::default())
    }

    fn err(text: &str) -> Located {
        match load_text("api.yaml", text) {
            Err(crate::Error::Input(l)) => l,
            other => panic!("expected a located error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_version_is_located() {
        let l = err("info:\n  title: x\n  version: '1'\nasyncapi: 1.2.0\nchannels: {}\n");
        assert_eq!(l.line, Some(4), "{l}");
        assert!(l.message.contains("unsupported AsyncAPI version `1.2.0`"), "{l}");
    }

    #[test]
    fn version_not_a_string_is_located() {
        let l = err("asyncapi: [3]\n");
        assert_eq!(l.line, Some(1), "{l}");
    }

    #[test]
    fn missing_ref_target_is_located() {
        let l =
            err("asyncapi: 3.0.0\nchannels:\n  a:\n    address: a\n    messages:\n      m:\n        $ref: '#/components/messages/nope'\n");
        assert_eq!(l.line, Some(7), "{l}");
        assert!(l.message.contains("points to nothing"), "{l}");
    }

    #[test]
    fn bad_action_is_located() {
        let l = err(
            "asyncapi: 3.0.0\nchannels:\n  a:\n    address: a\noperations:\n  o:\n    action: publish\n    channel:\n      $ref: '#/channels/a'\n",
        );
        assert_eq!(l.line, Some(7), "{l}");
        assert!(l.message.contains("`publish`"), "{l}");
    }

    #[test]
    fn operation_channel_must_be_a_channel() {
        let l = err(
            "asyncapi: 3.0.0\nchannels:\n  a:\n    address: a\ncomponents:\n  x: {}\noperations:\n  o:\n    action: send\n    channel:\n      $ref: '#/components/x'\n",
        );
        assert_eq!(l.line, Some(10), "{l}");
    }

    #[test]
    fn channels_must_be_a_map() {
        let l = err("asyncapi: 2.6.0\nchannels:\n  - a\n");
        assert_eq!(l.line, Some(2), "{l}");
        assert!(l.message.contains("map of channels"), "{l}");
    }

    #[test]
    fn ref_loop_is_an_error_not_a_hang() {
        let l = err("asyncapi: 2.6.0\nchannels:\n  a:\n    $ref: '#/channels/b'\n  b:\n    $ref: '#/channels/a'\n");
        assert!(l.message.contains("loops"), "{l}");
    }

    #[test]
    fn v2_subscribe_is_send() {
        let api = load_text(
            "api.yaml",
            "asyncapi: 2.6.0\nchannels:\n  a/b:\n    subscribe:\n      message:\n        name: m\n        payload: {type: string}\n    publish:\n      message:\n        oneOf:\n          - name: x\n          - name: y\n",
        )
        .unwrap();
        assert_eq!(api.operations.len(), 2);
        assert_eq!(api.operations[0].action, Action::Send);
        assert_eq!(api.operations[1].action, Action::Receive);
        assert_eq!(api.operations[1].messages.len(), 2);
        assert_eq!(api.channels[0].address.as_deref(), Some("a/b"));
    }
}
