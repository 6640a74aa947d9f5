//! The documents of a multi-file JSON/YAML spec and `$ref` resolution between them.
//!
//! Every file a `$ref` reaches is loaded and every `$ref` checked once at load time, so a
//! missing target is reported with the line of the `$ref`, and comparison never does I/O.

use super::LoadOptions;
use crate::error::{Located, Result};
use crate::source::Input;
use crate::source::Location;
use crate::source::text::{self, Positions, Syntax, escape_segment, unescape_segment};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// One file of a spec.
#[derive(Debug)]
pub struct Doc {
    /// Where it came from (name, path, text).
    pub input: Input,
    /// Its parsed content.
    pub value: Value,
    /// JSON or YAML.
    pub syntax: Syntax,
    /// For a document apidiff made up (Swagger 2.0 form bodies): the node it stands for.
    pub stands_for: Option<NodeId>,
}

/// A node: a document index and a JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// Index into [`DocSet::docs`].
    pub doc: u32,
    /// JSON pointer (`""` is the root).
    pub ptr: String,
}

impl NodeId {
    /// A child of this node.
    pub fn child(&self, seg: &str) -> NodeId {
        // One allocation of the right size (lowering and comparison make one per node they visit).
        let mut ptr = String::with_capacity(self.ptr.len() + 1 + seg.len());
        ptr.push_str(&self.ptr);
        ptr.push('/');
        if seg.contains(['~', '/']) {
            ptr.push_str(&escape_segment(seg));
        } else {
            ptr.push_str(seg);
        }
        NodeId { doc: self.doc, ptr }
    }

    /// The `i`th item of this node.
    pub fn item(&self, i: usize) -> NodeId {
        use std::fmt::Write;
        let mut ptr = String::with_capacity(self.ptr.len() + 8);
        ptr.push_str(&self.ptr);
        let _ = write!(ptr, "/{i}");
        NodeId { doc: self.doc, ptr }
    }
}

/// All documents of one spec; document 0 is the root.
#[derive(Debug)]
pub struct DocSet {
    /// The documents.
    pub docs: Vec<Doc>,
    index: HashMap<String, u32>,
    /// `$anchor` and `$dynamicAnchor` names of each document and the pointer of their schema,
    /// for the documents some `$ref: '#name'` points into (indexed when the first one is met).
    anchors: HashMap<(u32, String), String>,
    anchored: HashSet<u32>,
    /// Whether any document holds a `$dynamicRef` (3.0 specs never do: resolving skips the look-up).
    dynamic: bool,
}

/// Where a schema names itself for `$ref: '#name'` (2020-12) or `$dynamicRef`.
/// Longest chain of `$ref`s that point at `$ref`s (aliases of aliases) accepted: every use
/// follows the chain, so its length multiplies the cost of the comparison.
pub const MAX_REF_CHAIN: usize = 256;

const ANCHOR_KEYS: [&str; 2] = ["$anchor", "$dynamicAnchor"];

/// The reference a node holds: `$ref`, else (when `dynamic`) a `$dynamicRef` (resolved
/// statically, to the `$dynamicAnchor` of that name in the document; a `$dynamicRef` whose name
/// no document defines is left in place and reported by the comparison, not at load).
pub fn ref_of(v: &Value, dynamic: bool) -> Option<(&'static str, &str)> {
    let Value::Object(map) = v else { return None };
    if let Some(Value::String(r)) = entry(map, "$ref") {
        return Some(("$ref", r));
    }
    match entry(map, "$dynamicRef") {
        Some(Value::String(r)) if dynamic => Some(("$dynamicRef", r)),
        _ => None,
    }
}

/// Objects of at most this many members are searched in order instead of through their hash
/// table.
const SCANNED: usize = 8;

/// The member `key` of an object. Most objects of a spec are small (`{"$ref": …}`, a property's
/// `type` and `description`), and comparing a few short keys costs less than hashing one with
/// SipHash (serde_json's maps use std's `RandomState`, which the `$ref` walk and every pointer
/// look-up paid per node).
#[inline]
pub fn entry<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    if map.len() <= SCANNED { map.iter().find_map(|(k, v)| (k == key).then_some(v)) } else { map.get(key) }
}

/// The member `key` of `v` when it is an object ([`entry`]).
#[inline]
pub fn member<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(map) => entry(map, key),
        _ => None,
    }
}

/// One open container of a depth-first walk: the stack holds the path, not every pending
/// sibling (an object with 100,000 properties stays cheap).
enum Frame<'v> {
    Map(serde_json::map::Iter<'v>),
    List(std::iter::Enumerate<std::slice::Iter<'v, Value>>),
}

fn frame(v: &Value) -> Option<Frame<'_>> {
    match v {
        Value::Object(m) => Some(Frame::Map(m.iter())),
        Value::Array(a) => Some(Frame::List(a.iter().enumerate())),
        _ => None,
    }
}

/// Ties a visitor's values to the document's lifetime (so it may keep borrowed text).
fn tied<'v, F: FnMut(&'v Value, &[Seg<'v>])>(f: F) -> F {
    f
}

/// The JSON pointer of a path of keys and indexes.
fn pointer_of(path: &[Seg<'_>]) -> String {
    use std::fmt::Write;
    let mut ptr = String::new();
    for s in path {
        ptr.push('/');
        match s {
            Seg::Key(k) if k.contains(['~', '/']) => ptr.push_str(&escape_segment(k)),
            Seg::Key(k) => ptr.push_str(k),
            Seg::Idx(i) => {
                let _ = write!(ptr, "{i}");
            }
        }
    }
    ptr
}

/// An array index as a JSON Pointer writes it (no sign, no leading zero), as `Value::pointer` reads it.
fn array_index(seg: &str) -> Option<usize> {
    if seg.starts_with('+') || (seg.starts_with('0') && seg.len() != 1) {
        return None;
    }
    seg.parse().ok()
}

enum Seg<'a> {
    Key(&'a str),
    Idx(usize),
}

impl DocSet {
    /// Loads the root and every file its `$ref`s reach, and checks every `$ref` resolves.
    /// The root is kept (for line numbers): handed over, or copied when only borrowed.
    pub fn load(root: std::borrow::Cow<'_, Input>, value: Value, syntax: Syntax, opts: &LoadOptions) -> Result<DocSet> {
        let mut set = DocSet { docs: Vec::new(), index: HashMap::new(), anchors: HashMap::new(), anchored: HashSet::new(), dynamic: false };
        set.index.insert(crate::source::normalize(&root.path).to_string_lossy().into_owned(), 0);
        set.docs.push(Doc { input: root.into_owned(), value, syntax, stands_for: None });
        let mut next = 0;
        let mut sites = Vec::new();
        while next < set.docs.len() {
            set.check_refs(next as u32, opts, &mut sites)?;
            next += 1;
        }
        set.check_ref_chains(&sites)?;
        Ok(set)
    }

    /// Every `$ref` holder has one outgoing edge (its target), so the refs form a functional
    /// graph: one walk that remembers each node's distance to a definition finds any chain that
    /// loops, and any chain of aliases longer than [`MAX_REF_CHAIN`], in linear time.
    fn check_ref_chains(&self, sites: &[NodeId]) -> Result<()> {
        /// Marks a node on the path being walked (its distance is not known yet).
        const ON_PATH: usize = usize::MAX;
        let mut dist: HashMap<NodeId, usize> = HashMap::new();
        for site in sites {
            let mut path = Vec::new();
            let mut cur = site.clone();
            let mut tail = 0;
            loop {
                match dist.get(&cur) {
                    Some(&ON_PATH) => {
                        return Err(self
                            .error_at(&cur.child("$ref"), "$ref chain loops back on itself and never reaches a definition")
                            .into());
                    }
                    Some(&d) => {
                        tail = d;
                        break;
                    }
                    None => {}
                }
                let Some((_, r)) = self.get(&cur).and_then(|v| ref_of(v, self.dynamic)) else { break };
                // Already too long: no need to walk (and remember) the rest of the chain.
                if path.len() > MAX_REF_CHAIN {
                    break;
                }
                dist.insert(cur.clone(), ON_PATH);
                path.push(cur.clone());
                match self.target_loaded(&cur, r) {
                    Some(next) => cur = next,
                    None => break,
                }
            }
            if path.len() + tail > MAX_REF_CHAIN {
                let message = format!(
                    "$ref chain of more than {MAX_REF_CHAIN} references to references before a definition; apidiff refuses it rather than follow it on every use"
                );
                return Err(self.error_at(&site.child("$ref"), message).into());
            }
            for (i, p) in path.into_iter().rev().enumerate() {
                dist.insert(p, tail + i + 1);
            }
        }
        Ok(())
    }

    /// Walks one document, loading external files and checking every `$ref`'s target exists.
    fn check_refs(&mut self, doc: u32, opts: &LoadOptions, sites: &mut Vec<NodeId>) -> Result<()> {
        // `$ref`s that may load a file or name an anchor, kept as text with their order; a
        // `#/pointer` into this file is checked during the walk instead (a 200,000-link alias
        // chain kept 200,000 pairs of strings), and the first that points to nothing is kept
        // with its order, so the error reported is the same first one.
        let mut refs: Vec<(usize, String, String)> = Vec::new();
        let mut local: Vec<(usize, NodeId)> = Vec::new();
        let mut dangling: Option<(usize, String, String)> = None;
        let mut seq = 0usize;
        let mut dynamic = false;
        {
            let this = &*self;
            let root = &this.docs[doc as usize].value;
            let mut path: Vec<Seg<'_>> = Vec::new();
            // The `#/pointer`s of this file already found, and whether each names another `$ref`
            // (an alias): a large spec names the same few hundred schemas tens of thousands of
            // times, and each look-up decodes and walks the pointer.
            let mut found: HashMap<&str, bool> = HashMap::new();
            let mut note = tied(|v, path| {
                if let Some((key, r)) = ref_of(v, true) {
                    dynamic |= key == "$dynamicRef";
                    let n = seq;
                    seq += 1;
                    // A `$ref` to a definition (not to another `$ref`) is a chain of one: it can
                    // neither loop nor be too long, so it is not a site for `check_ref_chains`
                    // (a chain through it is walked through it all the same).
                    if key == "$ref"
                        && let Some(&alias) = found.get(r)
                    {
                        if alias {
                            local.push((n, NodeId { doc, ptr: pointer_of(path) }));
                        }
                        return;
                    }
                    let mut ptr = pointer_of(path);
                    if let Some(frag) =
                        r.strip_prefix('#').map(percent_decode).filter(|f| key == "$ref" && (f.is_empty() || f.starts_with('/')))
                    {
                        if let Some(target) = this.get(&NodeId { doc, ptr: frag }) {
                            let alias = ref_of(target, true).is_some();
                            found.insert(r, alias);
                            if alias {
                                local.push((n, NodeId { doc, ptr }));
                            }
                        } else if dangling.is_none() {
                            dangling = Some((n, format!("{ptr}/{key}"), r.to_string()));
                        }
                        return;
                    }
                    ptr.push('/');
                    ptr.push_str(key);
                    refs.push((n, ptr, r.to_string()));
                }
            });
            note(root, &path);
            // Depth-first with one iterator per open container (see [`Frame`]).
            let mut stack: Vec<Frame<'_>> = frame(root).into_iter().collect();
            while let Some(top) = stack.last_mut() {
                let next = match top {
                    Frame::Map(it) => it.find(|(_, c)| c.is_object() || c.is_array()).map(|(k, c)| (Seg::Key(k), c)),
                    Frame::List(it) => it.find(|(_, c)| c.is_object() || c.is_array()).map(|(i, c)| (Seg::Idx(i), c)),
                };
                match next {
                    Some((seg, child)) => {
                        path.push(seg);
                        note(child, &path);
                        stack.extend(frame(child));
                    }
                    None => {
                        stack.pop();
                        path.pop();
                    }
                }
            }
        }
        self.dynamic |= dynamic;
        for (n, at, r) in refs {
            if dangling.as_ref().is_some_and(|(first, _, _)| *first < n) {
                break;
            }
            let from = NodeId { doc, ptr: at };
            let dynamic = from.ptr.ends_with("/$dynamicRef");
            let target = self.target(&from, &r, opts)?;
            if self.get(&target).is_none() {
                if dynamic {
                    continue;
                }
                return Err(self.error_at(&from, format!("$ref `{r}` points to nothing")).into());
            }
            let holder = from.ptr.strip_suffix(if dynamic { "/$dynamicRef" } else { "/$ref" }).unwrap_or(&from.ptr);
            local.push((n, NodeId { doc, ptr: holder.to_string() }));
        }
        if let Some((_, at, r)) = dangling {
            return Err(self.error_at(&NodeId { doc, ptr: at }, format!("$ref `{r}` points to nothing")).into());
        }
        local.sort_unstable_by_key(|(n, _)| *n);
        sites.extend(local.into_iter().map(|(_, site)| site));
        Ok(())
    }

    /// Turns a `$ref` string found at `from` into the node it names, loading files as needed.
    fn target(&mut self, from: &NodeId, r: &str, opts: &LoadOptions) -> Result<NodeId> {
        let (file, frag) = match r.split_once('#') {
            Some((f, p)) => (f, p),
            None => (r, ""),
        };
        let frag = percent_decode(frag);
        let doc = if file.is_empty() { from.doc } else { self.open(from, file, opts)? };
        if !frag.is_empty() && !frag.starts_with('/') && self.anchored.insert(doc) {
            self.index_anchors(doc);
        }
        Ok(NodeId { doc, ptr: self.anchor_ptr(doc, frag) })
    }

    /// A fragment as a pointer: `#/a/b` is one already, `#name` names an `$anchor`.
    fn anchor_ptr(&self, doc: u32, frag: String) -> String {
        if frag.is_empty() || frag.starts_with('/') {
            return frag;
        }
        self.anchors.get(&(doc, frag)).cloned().unwrap_or_else(|| "/\u{0}no such anchor".to_string())
    }

    /// Records the `$anchor`s and `$dynamicAnchor`s of a document (one walk, done the first time
    /// a `$ref: '#name'` points into it; specs that never name a schema so never pay for it).
    fn index_anchors(&mut self, doc: u32) {
        let d = &self.docs[doc as usize];
        let mut stack: Vec<(&Value, String)> = vec![(&d.value, String::new())];
        while let Some((v, ptr)) = stack.pop() {
            match v {
                Value::Object(map) => {
                    for key in ANCHOR_KEYS {
                        if let Some(Value::String(name)) = map.get(key) {
                            self.anchors.entry((doc, name.clone())).or_insert_with(|| ptr.clone());
                        }
                    }
                    for (k, child) in map {
                        if matches!(child, Value::Object(_) | Value::Array(_)) {
                            stack.push((child, format!("{ptr}/{}", escape_segment(k))));
                        }
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        stack.push((child, format!("{ptr}/{i}")));
                    }
                }
                _ => {}
            }
        }
    }

    fn open(&mut self, from: &NodeId, file: &str, opts: &LoadOptions) -> Result<u32> {
        let remote = file.starts_with("http://") || file.starts_with("https://");
        let base = &self.docs[from.doc as usize].input;
        let key = if remote {
            file.to_string()
        } else {
            let dir = base.path.parent().unwrap_or(std::path::Path::new(""));
            crate::source::normalize(&dir.join(percent_decode(file))).to_string_lossy().into_owned()
        };
        if let Some(&i) = self.index.get(&key) {
            return Ok(i);
        }
        let input = if remote {
            if !opts.allow_remote_refs {
                return Err(self
                    .error_at(from, format!("remote $ref `{file}` is not followed; pass --allow-remote-refs to fetch it"))
                    .into());
            }
            fetch_remote(file).map_err(|m| self.error_at(from, m))?
        } else {
            let mut input = base.sibling(&percent_decode(file)).map_err(|e| match e {
                crate::Error::Input(l) => crate::Error::Input(self.error_at(from, format!("$ref file {}: {}", l.file, l.message))),
                other => other,
            })?;
            // The user named the root file (`specs/main.yaml`); name the files it reaches the
            // same way (`specs/schemas/pet.yaml`), not by the absolute path they were read from.
            if base.name != base.fetch.display(&base.path) {
                let dir = std::path::Path::new(&base.name).parent().unwrap_or(std::path::Path::new(""));
                input.name = crate::source::normalize(&dir.join(percent_decode(file))).to_string_lossy().into_owned();
            }
            input
        };
        let (value, syntax) = text::parse(&input.name, &input.text)?;
        let i = self.docs.len() as u32;
        self.index.insert(key, i);
        self.docs.push(Doc { input, value, syntax, stands_for: None });
        Ok(i)
    }

    /// Whether any document holds a `$dynamicRef`.
    pub fn has_dynamic_refs(&self) -> bool {
        self.dynamic
    }

    /// The value at a node, if it exists.
    // The closure is on purpose: `split('/')` sets up a searcher per segment (see below).
    #[allow(clippy::manual_pattern_char_comparison)]
    pub fn get(&self, id: &NodeId) -> Option<&Value> {
        let root = &self.docs.get(id.doc as usize)?.value;
        if id.ptr.is_empty() {
            return Some(root);
        }
        // Not `Value::pointer`: it allocates two strings per segment, and this runs for every
        // node the comparison looks at. Segments are borrowed unless they hold an escape.
        let mut v = root;
        // Segments are split by a plain character test: `split('/')` and `contains('~')` set up
        // a searcher per segment, which cost more than the short segments they look through.
        for seg in id.ptr.strip_prefix('/')?.split(|c: char| c == '/') {
            let owned;
            let seg = if seg.bytes().any(|b| b == b'~') {
                owned = unescape_segment(seg);
                owned.as_str()
            } else {
                seg
            };
            v = match v {
                Value::Object(m) => entry(m, seg)?,
                Value::Array(a) => a.get(array_index(seg)?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// Follows `$ref` chains from `id` to a node that is not a bare reference. Returns the
    /// final node; `None` for a dangling or cyclic chain (load-time checks rule out the former).
    pub fn resolve(&self, id: &NodeId) -> Option<(NodeId, &Value)> {
        let mut cur = id.clone();
        // Loading rejected looping and overlong chains, so this ends; the bound only guards
        // made-up inputs.
        for _ in 0..=MAX_REF_CHAIN {
            let v = self.get(&cur)?;
            match ref_of(v, self.dynamic) {
                // An unresolved `$dynamicRef` stays: the comparison reports it where it is.
                Some(("$dynamicRef", r)) => match self.target_loaded(&cur, r).filter(|t| self.get(t).is_some()) {
                    Some(t) => cur = t,
                    None => return Some((cur, v)),
                },
                Some((_, r)) => cur = self.target_loaded(&cur, r)?,
                None => return Some((cur, v)),
            }
        }
        None
    }

    /// Like [`DocSet::target`] for files already loaded (comparison time: no I/O).
    pub fn target_loaded(&self, from: &NodeId, r: &str) -> Option<NodeId> {
        let (file, frag) = r.split_once('#').unwrap_or((r, ""));
        let doc = if file.is_empty() {
            from.doc
        } else if file.starts_with("http://") || file.starts_with("https://") {
            *self.index.get(file)?
        } else {
            let base = &self.docs[from.doc as usize].input;
            let dir = base.path.parent().unwrap_or(std::path::Path::new(""));
            let key = crate::source::normalize(&dir.join(percent_decode(file))).to_string_lossy().into_owned();
            *self.index.get(&key)?
        };
        Some(NodeId { doc, ptr: self.anchor_ptr(doc, percent_decode(frag)) })
    }

    /// Checks that no `$ref` chain loops on itself (a `$ref` to a `$ref` to the first), which no
    /// tool can resolve; recursive schemas through properties are fine and not reported.
    pub fn check_cycles(&self, starts: impl Iterator<Item = NodeId>) -> Result<()> {
        for id in starts {
            if let Some(v) = self.get(&id)
                && v.get("$ref").is_some()
                && self.resolve(&id).is_none()
            {
                return Err(self.error_at(&id, "$ref chain loops back on itself and never reaches a definition").into());
            }
        }
        Ok(())
    }

    /// A located error at a node.
    pub fn error_at(&self, id: &NodeId, msg: impl Into<String>) -> Located {
        let doc = &self.docs[id.doc as usize];
        let pos = Positions::find(&doc.input.text, doc.syntax, [id.ptr.as_str()]);
        let (line, col) = pos.get(&id.ptr).map_or((None, None), |(l, c)| (Some(l), Some(c)));
        Located::new(&doc.input.name, line, col, msg)
    }

    /// A location for reports (positions are filled in later by [`DocSet::fill_positions`]).
    pub fn location(&self, id: &NodeId) -> Location {
        let doc = &self.docs[id.doc as usize];
        match &doc.stands_for {
            // A made-up node that refers to a real one (a Swagger 2.0 form field): point there.
            Some(real) => match self.get(id).and_then(|v| v.get("$ref")).and_then(Value::as_str).and_then(|r| self.target_loaded(id, r)) {
                Some(target) if self.docs.get(target.doc as usize).is_some_and(|d| d.stands_for.is_none()) => self.location(&target),
                _ => self.location(real),
            },
            None => Location::new(&doc.input.name, &id.ptr),
        }
    }

    /// Adds a made-up document (its `$ref`s resolve relative to the root) standing for `anchor`.
    pub fn add_synthetic(&mut self, anchor: NodeId, value: Value) -> NodeId {
        let input = self.docs[0].input.clone();
        let syntax = self.docs[0].syntax;
        self.docs.push(Doc { input, value, syntax, stands_for: Some(anchor) });
        NodeId { doc: (self.docs.len() - 1) as u32, ptr: String::new() }
    }

    /// Fills line and column into locations that point into this set, one scan per file.
    pub fn fill_positions<'a>(&self, locs: impl Iterator<Item = &'a mut Location>) {
        let mut by_doc: HashMap<&str, Vec<&'a mut Location>> = HashMap::new();
        for l in locs {
            if let Some(d) = self.docs.iter().find(|d| d.input.name == l.file && d.stands_for.is_none()) {
                by_doc.entry(d.input.name.as_str()).or_default().push(l);
            }
        }
        for (name, locs) in by_doc {
            let Some(doc) = self.docs.iter().find(|d| d.input.name == name && d.stands_for.is_none()) else { continue };
            let pos = Positions::find(&doc.input.text, doc.syntax, locs.iter().map(|l| l.pointer.as_str()).collect::<Vec<_>>());
            for l in locs {
                if let Some((line, col)) = pos.get(&l.pointer) {
                    l.line = Some(line);
                    l.column = Some(col);
                }
            }
        }
    }
}

/// A `$ref`'s file part or fragment with its `%XX` escapes decoded (RFC 3986); escapes that do
/// not form UTF-8 are replaced, never sliced through.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn fetch_remote(url: &str) -> std::result::Result<Input, String> {
    let fetch = crate::source::http::HttpFetch::new().map_err(|e| e.to_string())?;
    let text = fetch.get(url).map_err(|e| format!("cannot fetch remote $ref: {e}"))?;
    Ok(Input { name: url.to_string(), path: url.into(), text, fetch: std::sync::Arc::new(fetch) })
}

#[cfg(test)]
mod ref_of_tests {
    use super::ref_of;
    use serde_json::{Value, json};

    /// Small objects (scanned) and large ones (hashed) answer alike: `$ref` when it is a string,
    /// else a string `$dynamicRef` when dynamic references count.
    #[test]
    fn ref_of_reads_small_and_large_objects_alike() {
        let padded = |v: Value| {
            let mut m = v.as_object().unwrap().clone();
            for i in 0..10 {
                m.insert(format!("k{i}"), json!(i));
            }
            Value::Object(m)
        };
        let cases = [
            (json!({"$dynamicRef": "#d", "$ref": "#/r"}), true, Some(("$ref", "#/r"))),
            (json!({"$ref": 1, "$dynamicRef": "#d"}), true, Some(("$dynamicRef", "#d"))),
            (json!({"$ref": 1, "$dynamicRef": "#d"}), false, None),
            (json!({"$dynamicRef": 2}), true, None),
            (json!({"type": "string", "$comment": "x"}), true, None),
        ];
        for (v, dynamic, want) in cases {
            assert_eq!(ref_of(&v, dynamic), want, "{v}");
            let big = padded(v);
            assert_eq!(ref_of(&big, dynamic), want, "{big}");
        }
        assert_eq!(ref_of(&json!("$ref"), true), None);
    }
}
