//! Field rules on messages present in both versions: fields pair up by number, so a field whose
//! number survives under another name is a rename (`proto-field-same-name`), not a delete.

use super::{Change, Side, in_ranges, loc};
use crate::diff::sink::Sink;
use crate::spec::protobuf::{Cardinality, Enum, Field, File, Kind, Message};
use std::collections::{BTreeMap, BTreeSet};

crate::rules! {
    /// ## What it detects
    /// A field number of a message is gone. buf rule: `FIELD_NO_DELETE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Generated accessors disappear, and code using them stops compiling.
    ///
    /// ## Example
    /// `string nickname = 4;` was removed from `message User`.
    ///
    /// ## How to migrate
    /// Keep the field and mark it `[deprecated = true]`.
    FIELD_NO_DELETE = "proto-field-no-delete", Protobuf, Breaking, Request, "field", Removed,
        "A field was deleted (buf FIELD_NO_DELETE)", buf = [File, Package];
    /// ## What it detects
    /// A field was deleted without reserving its number. buf rule:
    /// `FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED` (categories WIRE_JSON, WIRE).
    ///
    /// ## Why it matters
    /// A later field may reuse the number with another type, and old data is then misread.
    ///
    /// ## Example
    /// `string nickname = 4;` was removed and no `reserved 4;` was added.
    ///
    /// ## How to migrate
    /// Add `reserved 4;` to the message when deleting the field.
    FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED = "proto-field-no-delete-unless-number-reserved", Protobuf, Breaking, Request, "field", Removed,
        "A field was deleted without reserving its number (buf FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED)", buf = [WireJson, Wire];
    /// ## What it detects
    /// A field was deleted without reserving its name. buf rule:
    /// `FIELD_NO_DELETE_UNLESS_NAME_RESERVED` (category WIRE_JSON).
    ///
    /// ## Why it matters
    /// The JSON key may be reused by a later field with another meaning, so old JSON is misread.
    ///
    /// ## Example
    /// `string nickname = 4;` was removed and no `reserved "nickname";` was added.
    ///
    /// ## How to migrate
    /// Add `reserved "nickname";` to the message when deleting the field.
    FIELD_NO_DELETE_UNLESS_NAME_RESERVED = "proto-field-no-delete-unless-name-reserved", Protobuf, Breaking, Request, "field", Removed,
        "A field was deleted without reserving its name (buf FIELD_NO_DELETE_UNLESS_NAME_RESERVED)", buf = [WireJson];
    /// ## What it detects
    /// A field number now carries another name (a rename). buf rule: `FIELD_SAME_NAME`
    /// (categories FILE, PACKAGE, WIRE_JSON).
    ///
    /// ## Why it matters
    /// The binary encoding is unchanged, but generated accessors, the text format and (unless
    /// `json_name` is pinned) the JSON key change.
    ///
    /// ## Example
    /// `string email = 2;` became `string email_address = 2;`.
    ///
    /// ## How to migrate
    /// Keep the old name; add the new one as a new field if needed.
    FIELD_SAME_NAME = "proto-field-same-name", Protobuf, Breaking, None, "field", Renamed,
        "A field was renamed (buf FIELD_SAME_NAME)", buf = [File, Package, WireJson];
    /// ## What it detects
    /// A field's JSON name changed (explicit `json_name`, or a rename). buf rule:
    /// `FIELD_SAME_JSON_NAME` (categories FILE, PACKAGE, WIRE_JSON).
    ///
    /// ## Why it matters
    /// JSON clients send and expect the old key; the new parser ignores it.
    ///
    /// ## Example
    /// `string email = 2;` became `string email = 2 [json_name = "mail"];`.
    ///
    /// ## How to migrate
    /// Pin the old name with `json_name`.
    FIELD_SAME_JSON_NAME = "proto-field-same-json-name", Protobuf, Breaking, None, "field", Changed,
        "A field's JSON name changed (buf FIELD_SAME_JSON_NAME)", buf = [File, Package, WireJson];
    /// ## What it detects
    /// A field's type changed at all (scalar kind, or the referenced message or enum). buf rule:
    /// `FIELD_SAME_TYPE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Generated accessors change type, so code using them stops compiling, even when the wire
    /// format happens to be compatible.
    ///
    /// ## Example
    /// `int32 count = 3;` became `int64 count = 3;`.
    ///
    /// ## How to migrate
    /// Add a new field with the new type and deprecate the old one.
    FIELD_SAME_TYPE = "proto-field-same-type", Protobuf, Breaking, None, "field", Changed,
        "A field's type changed (buf FIELD_SAME_TYPE)", buf = [File, Package];
    /// ## What it detects
    /// A field's type changed to one the binary encoding cannot read interchangeably (for example
    /// `int32` to `sint32`, `string` to `int64`, or another message). buf rule:
    /// `FIELD_WIRE_COMPATIBLE_TYPE` (category WIRE).
    ///
    /// ## Why it matters
    /// Old and new binaries decode each other's bytes into garbage or fail.
    ///
    /// ## Example
    /// `int32 count = 3;` became `sint32 count = 3;` (zigzag encoding differs).
    ///
    /// ## How to migrate
    /// Add a new field; see https://protobuf.dev/programming-guides/proto3/#updating.
    FIELD_WIRE_COMPATIBLE_TYPE = "proto-field-wire-compatible-type", Protobuf, Breaking, None, "field", Changed,
        "A field's type changed incompatibly for the binary encoding (buf FIELD_WIRE_COMPATIBLE_TYPE)", buf = [Wire];
    /// ## What it detects
    /// A field's type changed to one that binary or JSON encoding cannot read interchangeably
    /// (for example `int32` to `int64`: JSON renders 64-bit integers as strings). buf rule:
    /// `FIELD_WIRE_JSON_COMPATIBLE_TYPE` (category WIRE_JSON).
    ///
    /// ## Why it matters
    /// Old and new clients disagree on the bytes or on the JSON value.
    ///
    /// ## Example
    /// `int32 count = 3;` became `int64 count = 3;`.
    ///
    /// ## How to migrate
    /// Add a new field; see https://protobuf.dev/programming-guides/proto3/#json.
    FIELD_WIRE_JSON_COMPATIBLE_TYPE = "proto-field-wire-json-compatible-type", Protobuf, Breaking, None, "field", Changed,
        "A field's type changed incompatibly for binary or JSON encoding (buf FIELD_WIRE_JSON_COMPATIBLE_TYPE)", buf = [WireJson];
    /// ## What it detects
    /// A field's cardinality changed (optional with or without presence, required, repeated,
    /// map). buf rule: `FIELD_SAME_CARDINALITY` (categories FILE, PACKAGE; replaces `FIELD_SAME_LABEL`).
    ///
    /// ## Why it matters
    /// Generated accessors change shape (`hasX()` appears or goes, a value becomes a list).
    ///
    /// ## Example
    /// `string tag = 5;` became `repeated string tag = 5;`.
    ///
    /// ## How to migrate
    /// Add a new field with the new cardinality.
    FIELD_SAME_CARDINALITY = "proto-field-same-cardinality", Protobuf, Breaking, None, "field", Changed,
        "A field's cardinality changed (buf FIELD_SAME_CARDINALITY)", buf = [File, Package];
    /// ## What it detects
    /// A field's cardinality changed in a way the binary encoding cannot absorb (singular to
    /// repeated, or to or from `required`). buf rule: `FIELD_WIRE_COMPATIBLE_CARDINALITY` (category WIRE).
    ///
    /// ## Why it matters
    /// Values are lost or messages fail to parse between old and new binaries.
    ///
    /// ## Example
    /// `string tag = 5;` became `repeated string tag = 5;`.
    ///
    /// ## How to migrate
    /// Add a new field with the new cardinality.
    FIELD_WIRE_COMPATIBLE_CARDINALITY = "proto-field-wire-compatible-cardinality", Protobuf, Breaking, None, "field", Changed,
        "A field's cardinality changed incompatibly for the binary encoding (buf FIELD_WIRE_COMPATIBLE_CARDINALITY)", buf = [Wire];
    /// ## What it detects
    /// A field's cardinality changed in a way binary or JSON encoding cannot absorb (also repeated
    /// to map, whose JSON differs). buf rule: `FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY` (category WIRE_JSON).
    ///
    /// ## Why it matters
    /// JSON clients send a list where an object is expected, or binary values are lost.
    ///
    /// ## Example
    /// `string tag = 5;` became `repeated string tag = 5;`.
    ///
    /// ## How to migrate
    /// Add a new field with the new cardinality.
    FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY = "proto-field-wire-json-compatible-cardinality", Protobuf, Breaking, None, "field", Changed,
        "A field's cardinality changed incompatibly for binary or JSON encoding (buf FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY)", buf = [WireJson];
    /// ## What it detects
    /// A field moved into a oneof, out of one, or to another oneof. buf rule: `FIELD_SAME_ONEOF`
    /// (all categories).
    ///
    /// ## Why it matters
    /// Setting a oneof member clears its siblings: data that used to coexist is now dropped.
    ///
    /// ## Example
    /// `string email = 2;` moved into `oneof contact { ... }`.
    ///
    /// ## How to migrate
    /// Add new fields inside the oneof instead of moving existing ones.
    FIELD_SAME_ONEOF = "proto-field-same-oneof", Protobuf, Breaking, None, "field", Changed,
        "A field moved into, out of, or between oneofs (buf FIELD_SAME_ONEOF)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// A field's default value changed (proto2 `[default = ...]`, or the zero value when unset).
    /// buf rule: `FIELD_SAME_DEFAULT` (all categories).
    ///
    /// ## Why it matters
    /// Readers see a different value for every message where the field is absent.
    ///
    /// ## Example
    /// `optional int32 page_size = 1 [default = 50];` became `[default = 100]`.
    ///
    /// ## How to migrate
    /// Keep the default; add a new field if the semantics must change.
    FIELD_SAME_DEFAULT = "proto-field-same-default", Protobuf, Breaking, None, "field", Changed,
        "A field's default value changed (buf FIELD_SAME_DEFAULT)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// The `jstype` option of a 64-bit integer field changed. buf rule: `FIELD_SAME_JSTYPE`
    /// (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// JavaScript code switches between `number` and `string` for the field.
    ///
    /// ## Example
    /// `int64 id = 1;` became `int64 id = 1 [jstype = JS_STRING];`.
    ///
    /// ## How to migrate
    /// Keep the option as it was.
    FIELD_SAME_JSTYPE = "proto-field-same-jstype", Protobuf, Breaking, None, "field", Changed,
        "A field's jstype option changed (buf FIELD_SAME_JSTYPE)", buf = [File, Package];
    /// ## What it detects
    /// The C++ string type (`ctype`) of a string or bytes field changed (string_piece to string
    /// is allowed). buf rule: `FIELD_SAME_CPP_STRING_TYPE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// C++ accessors change type (`std::string` vs `absl::Cord`).
    ///
    /// ## Example
    /// `bytes blob = 1;` became `bytes blob = 1 [ctype = CORD];`.
    ///
    /// ## How to migrate
    /// Keep the option as it was.
    FIELD_SAME_CPP_STRING_TYPE = "proto-field-same-cpp-string-type", Protobuf, Breaking, None, "field", Changed,
        "A field's C++ string type changed (buf FIELD_SAME_CPP_STRING_TYPE)", buf = [File, Package];
    /// ## What it detects
    /// A field was added to an existing message.
    ///
    /// ## Why it matters
    /// It does not break anyone: old readers skip unknown fields.
    ///
    /// ## Example
    /// `string phone = 6;` is new in `message User`.
    ///
    /// ## How to migrate
    /// Nothing to do.
    FIELD_ADDED = "proto-field-added", Protobuf, Info, None, "field", Added,
        "A field was added", buf = [File, Package, WireJson, Wire];
}

pub(super) fn check(b: &Side<'_>, r: &Side<'_>, out: &mut Sink) {
    for (name, (rf, rm)) in &r.messages {
        let Some((bf, bm)) = b.messages.get(name) else { continue };
        let before: BTreeMap<i32, &Field> = bm.fields.iter().map(|f| (f.number, f)).collect();
        let after: BTreeMap<i32, &Field> = rm.fields.iter().map(|f| (f.number, f)).collect();
        for (n, bfield) in &before {
            match after.get(n) {
                Some(rfield) => {
                    let pair = Pair { b, r, bf, rf, bm, rm, old: bfield, new: rfield };
                    pair.compare(out);
                }
                None => deleted(bf, bm, rf, rm, bfield, out),
            }
        }
        for (n, rfield) in &after {
            if !before.contains_key(n) && !rm.map_entry {
                out.push(
                    Change::new(&FIELD_ADDED, format!("field `{}` = {n} was added", rfield.full_name))
                        .operation(name.to_string())
                        .locs(None, Some(loc(rf, &rfield.full_name, rfield.pos)))
                        .values(None, Some(describe(rfield)))
                        .finish(),
                );
            }
        }
    }
}

fn deleted(bf: &File, bm: &Message, rf: &File, rm: &Message, field: &Field, out: &mut Sink) {
    let base = Some(loc(bf, &field.full_name, field.pos));
    let rev = Some(loc(rf, &rm.full_name, rm.pos));
    let what = format!("field `{}` = {}", field.full_name, field.number);
    let mut push = |rule, msg: String| {
        out.push(
            Change::new(rule, msg)
                .operation(bm.full_name.clone())
                .locs(base.clone(), rev.clone())
                .values(Some(describe(field)), None)
                .finish(),
        );
    };
    push(&FIELD_NO_DELETE, format!("{what} was deleted"));
    if !in_ranges(field.number, &rm.reserved_ranges) {
        push(&FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED, format!("{what} was deleted without reserving number {}", field.number));
    }
    if !rm.reserved_names.contains(&field.name) {
        push(&FIELD_NO_DELETE_UNLESS_NAME_RESERVED, format!("{what} was deleted without reserving name `{}`", field.name));
    }
}

/// `repeated int64 ids = 3`-style rendering.
fn describe(f: &Field) -> String {
    let label = match f.cardinality {
        Cardinality::Repeated => "repeated ",
        Cardinality::Required => "required ",
        Cardinality::Optional if f.kind != Kind::Message => "optional ",
        _ => "",
    };
    format!("{label}{} {} = {}", type_str(f), f.name, f.number)
}

fn type_str(f: &Field) -> String {
    match f.kind {
        Kind::Message | Kind::Enum | Kind::Group => f.type_name.clone(),
        k => k.as_str().to_string(),
    }
}

fn wire_group(k: Kind) -> u8 {
    match k {
        Kind::Int32 | Kind::Int64 | Kind::Uint32 | Kind::Uint64 | Kind::Bool => 1,
        Kind::Sint32 | Kind::Sint64 => 2,
        Kind::String => 3,
        Kind::Bytes => 4,
        Kind::Fixed32 | Kind::Sfixed32 => 5,
        Kind::Fixed64 | Kind::Sfixed64 => 6,
        Kind::Double => 7,
        Kind::Float => 8,
        Kind::Group => 9,
        Kind::Message => 10,
        Kind::Enum => 11,
    }
}

fn wire_json_group(k: Kind) -> u8 {
    match k {
        Kind::Int32 | Kind::Uint32 => 1,
        Kind::Int64 | Kind::Uint64 => 2,
        Kind::Fixed32 | Kind::Sfixed32 => 3,
        Kind::Fixed64 | Kind::Sfixed64 => 4,
        Kind::Bool => 5,
        Kind::Sint32 => 6,
        Kind::Sint64 => 7,
        Kind::String => 8,
        Kind::Bytes => 9,
        Kind::Double => 10,
        Kind::Float => 11,
        Kind::Group => 12,
        Kind::Message => 13,
        Kind::Enum => 14,
    }
}

fn cardinality_group(c: Cardinality, json: bool) -> u8 {
    match c {
        Cardinality::Optional | Cardinality::Implicit => 1,
        Cardinality::Required => 2,
        Cardinality::Repeated => 3,
        Cardinality::Map if json => 4,
        Cardinality::Map => 3,
    }
}

struct Pair<'a> {
    b: &'a Side<'a>,
    r: &'a Side<'a>,
    bf: &'a File,
    rf: &'a File,
    bm: &'a Message,
    rm: &'a Message,
    old: &'a Field,
    new: &'a Field,
}

impl Pair<'_> {
    fn push(&self, rule: &'static crate::diff::Rule, message: String, before: String, after: String, out: &mut Sink) {
        out.push(
            Change::new(rule, message)
                .operation(self.rm.full_name.clone())
                .locs(Some(loc(self.bf, &self.old.full_name, self.old.pos)), Some(loc(self.rf, &self.new.full_name, self.new.pos)))
                .values(Some(before), Some(after))
                .finish(),
        );
    }

    fn compare(&self, out: &mut Sink) {
        let (old, new) = (self.old, self.new);
        let what = format!("field `{}` = {}", new.full_name, new.number);
        if old.name != new.name {
            self.push(
                &FIELD_SAME_NAME,
                format!("field {} of `{}` was renamed from `{}` to `{}`", new.number, self.rm.full_name, old.name, new.name),
                old.name.clone(),
                new.name.clone(),
                out,
            );
        }
        if old.json_name != new.json_name && old.extendee.is_none() {
            self.push(
                &FIELD_SAME_JSON_NAME,
                format!("{what} changed JSON name from `{}` to `{}`", old.json_name, new.json_name),
                old.json_name.clone(),
                new.json_name.clone(),
                out,
            );
        }
        let (ot, nt) = (type_str(old), type_str(new));
        let type_msg = || format!("{what} changed type from `{ot}` to `{nt}`");
        if old.kind != new.kind || (matches!(new.kind, Kind::Message | Kind::Enum | Kind::Group) && old.type_name != new.type_name) {
            self.push(&FIELD_SAME_TYPE, type_msg(), ot.clone(), nt.clone(), out);
        }
        if !self.wire_compatible(false) {
            self.push(&FIELD_WIRE_COMPATIBLE_TYPE, type_msg(), ot.clone(), nt.clone(), out);
        }
        if !self.wire_compatible(true) {
            self.push(&FIELD_WIRE_JSON_COMPATIBLE_TYPE, type_msg(), ot.clone(), nt.clone(), out);
        }
        if !(self.bm.map_entry && self.rm.map_entry) && old.cardinality != new.cardinality {
            let (oc, nc) = (old.cardinality.as_str().to_string(), new.cardinality.as_str().to_string());
            let msg = format!("{what} changed cardinality from {oc} to {nc}");
            self.push(&FIELD_SAME_CARDINALITY, msg.clone(), oc.clone(), nc.clone(), out);
            if cardinality_group(old.cardinality, false) != cardinality_group(new.cardinality, false) {
                self.push(&FIELD_WIRE_COMPATIBLE_CARDINALITY, msg.clone(), oc.clone(), nc.clone(), out);
            }
            if cardinality_group(old.cardinality, true) != cardinality_group(new.cardinality, true) {
                self.push(&FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY, msg, oc, nc, out);
            }
        }
        if old.oneof != new.oneof {
            let show = |o: &Option<String>| o.as_ref().map_or_else(|| "(none)".to_string(), |n| format!("oneof {n}"));
            let msg = match (&old.oneof, &new.oneof) {
                (None, Some(n)) => format!("{what} moved into oneof `{n}`"),
                (Some(o), None) => format!("{what} moved out of oneof `{o}`"),
                (Some(o), Some(n)) => format!("{what} moved from oneof `{o}` to oneof `{n}`"),
                (None, None) => String::new(),
            };
            self.push(&FIELD_SAME_ONEOF, msg, show(&old.oneof), show(&new.oneof), out);
        }
        self.check_default(&what, out);
        if old.kind.is_64bit_integer() && new.kind.is_64bit_integer() && old.jstype != new.jstype {
            let js = |v: i32| match v {
                1 => "JS_STRING",
                2 => "JS_NUMBER",
                _ => "JS_NORMAL",
            };
            self.push(
                &FIELD_SAME_JSTYPE,
                format!("{what} changed jstype from `{}` to `{}`", js(old.jstype), js(new.jstype)),
                js(old.jstype).into(),
                js(new.jstype).into(),
                out,
            );
        }
        let stringy = |k: Kind| matches!(k, Kind::String | Kind::Bytes);
        if stringy(old.kind)
            && stringy(new.kind)
            && !(self.bm.map_entry && self.rm.map_entry)
            && old.ctype != new.ctype
            && !(old.ctype == 2 && new.ctype == 0)
        {
            let ct = |v: i32| match v {
                1 => "CORD",
                2 => "STRING_PIECE",
                _ => "STRING",
            };
            self.push(
                &FIELD_SAME_CPP_STRING_TYPE,
                format!("{what} changed C++ string type from `{}` to `{}`", ct(old.ctype), ct(new.ctype)),
                ct(old.ctype).into(),
                ct(new.ctype).into(),
                out,
            );
        }
    }

    /// `FIELD_SAME_DEFAULT`: the effective default of a singular scalar or enum field.
    fn check_default(&self, what: &str, out: &mut Sink) {
        let (old, new) = (self.old, self.new);
        if old.kind == new.kind && !matches!(old.kind, Kind::Message | Kind::Group) {
            let singular = |f: &Field| !matches!(f.cardinality, Cardinality::Repeated | Cardinality::Map);
            if singular(old) && singular(new) {
                let (od, nd) = (default_of(old, &self.b.enums), default_of(new, &self.r.enums));
                // An enum's default is a number on the wire: a field whose enum type changed keeps
                // its default when both types start at the same number (buf compares numbers).
                let same_number = old.kind == Kind::Enum
                    && enum_default_number(old, &self.b.enums).is_some_and(|n| Some(n) == enum_default_number(new, &self.r.enums));
                if !same_number && !same_default(old.kind, &od, &nd) {
                    self.push(&FIELD_SAME_DEFAULT, format!("{what} changed default from `{od}` to `{nd}`"), od, nd, out);
                }
            }
        }
    }

    /// buf's wire (or wire+JSON) type compatibility.
    fn wire_compatible(&self, json: bool) -> bool {
        let (old, new) = (self.old, self.new);
        let group = if json { wire_json_group } else { wire_group };
        if group(old.kind) != group(new.kind) {
            // Any string is valid bytes on the wire (not in JSON: bytes are base64 there).
            return !json && old.kind == Kind::String && new.kind == Kind::Bytes;
        }
        match new.kind {
            Kind::Enum if old.type_name != new.type_name => self.enum_compatible(),
            Kind::Message | Kind::Group => old.type_name == new.type_name,
            _ => true,
        }
    }

    /// An enum field may switch to another enum with the same short name whose values include
    /// all the old ones.
    fn enum_compatible(&self) -> bool {
        let (Some((_, oe)), Some((_, ne))) = (self.b.enums.get(self.old.type_name.as_str()), self.r.enums.get(self.new.type_name.as_str()))
        else {
            return false;
        };
        let short = |e: &Enum| e.full_name.rsplit('.').next().unwrap_or_default().to_string();
        let values = |e: &Enum| e.values.iter().map(|v| (v.name.clone(), v.number)).collect::<BTreeSet<_>>();
        short(oe) == short(ne) && values(oe).is_subset(&values(ne))
    }
}

/// The effective default: the explicit one, or the kind's zero value (an enum's first value).
fn default_of(f: &Field, enums: &BTreeMap<&str, (&File, &Enum)>) -> String {
    if let Some(d) = &f.default {
        return d.clone();
    }
    match f.kind {
        Kind::Bool => "false".into(),
        Kind::String | Kind::Bytes => String::new(),
        Kind::Enum => enums.get(f.type_name.as_str()).and_then(|(_, e)| e.values.first()).map(|v| v.name.clone()).unwrap_or_default(),
        _ => "0".into(),
    }
}

/// The number of an enum field's effective default (the named default value, else the first value).
fn enum_default_number(f: &Field, enums: &BTreeMap<&str, (&File, &Enum)>) -> Option<i32> {
    let (_, e) = enums.get(f.type_name.as_str())?;
    match &f.default {
        Some(d) => e.values.iter().find(|v| &v.name == d).map(|v| v.number),
        None => e.values.first().map(|v| v.number),
    }
}

fn same_default(kind: Kind, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match kind {
        Kind::Bool | Kind::String | Kind::Bytes | Kind::Enum | Kind::Message | Kind::Group => false,
        _ => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y || (x.is_nan() && y.is_nan()),
            _ => false,
        },
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof); built by
/// `crate::witness::protobuf`, checked against both descriptors).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&FIELD_NO_DELETE, Proof::Wire),
        (&FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED, Proof::Wire),
        (&FIELD_NO_DELETE_UNLESS_NAME_RESERVED, Proof::Wire),
        (&FIELD_SAME_NAME, Proof::Wire),
        (&FIELD_SAME_JSON_NAME, Proof::Wire),
        (&FIELD_SAME_TYPE, Proof::Wire),
        (&FIELD_WIRE_COMPATIBLE_TYPE, Proof::Wire),
        (&FIELD_WIRE_JSON_COMPATIBLE_TYPE, Proof::Wire),
        (&FIELD_SAME_CARDINALITY, Proof::Wire),
        (&FIELD_WIRE_COMPATIBLE_CARDINALITY, Proof::Wire),
        (&FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY, Proof::Wire),
        (&FIELD_SAME_ONEOF, Proof::Wire),
        (&FIELD_SAME_DEFAULT, Proof::Wire),
        (&FIELD_SAME_JSTYPE, Proof::Symbol),
        (&FIELD_SAME_CPP_STRING_TYPE, Proof::Symbol),
    ]
};
