//! Enum rules on enums present in both versions (paired by fully qualified name); values pair up
//! by number, so a number that survives under another name is a rename.

use super::{Change, Side, covered, in_ranges, loc, range_str};
use crate::diff::sink::Sink;
use crate::spec::protobuf::{Enum, EnumValue, File};
use std::collections::BTreeMap;

crate::rules! {
    /// ## What it detects
    /// An enum value number is gone. buf rule: `ENUM_VALUE_NO_DELETE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Generated constants disappear and code using them stops compiling; readers of old data see
    /// an unknown value.
    ///
    /// ## Example
    /// `STATUS_SUSPENDED = 3;` was removed from `enum Status`.
    ///
    /// ## How to migrate
    /// Keep the value and mark it `[deprecated = true]`.
    ENUM_VALUE_NO_DELETE = "proto-enum-value-no-delete", Protobuf, Breaking, None, "enum", Removed,
        "An enum value was deleted (buf ENUM_VALUE_NO_DELETE)", buf = [File, Package];
    /// ## What it detects
    /// An enum value was deleted without reserving its number. buf rule:
    /// `ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED` (categories WIRE_JSON, WIRE).
    ///
    /// ## Why it matters
    /// A later value may reuse the number with another meaning, and old data is then misread.
    ///
    /// ## Example
    /// `STATUS_SUSPENDED = 3;` was removed and no `reserved 3;` was added.
    ///
    /// ## How to migrate
    /// Add `reserved 3;` to the enum when deleting the value.
    ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED = "proto-enum-value-no-delete-unless-number-reserved", Protobuf, Breaking, None, "enum", Removed,
        "An enum value was deleted without reserving its number (buf ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED)", buf = [WireJson, Wire];
    /// ## What it detects
    /// An enum value was deleted without reserving its name. buf rule:
    /// `ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED` (category WIRE_JSON).
    ///
    /// ## Why it matters
    /// JSON carries enum values by name; a later value reusing the name would be misread.
    ///
    /// ## Example
    /// `STATUS_SUSPENDED = 3;` was removed and no `reserved "STATUS_SUSPENDED";` was added.
    ///
    /// ## How to migrate
    /// Reserve the name when deleting the value.
    ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED = "proto-enum-value-no-delete-unless-name-reserved", Protobuf, Breaking, None, "enum", Removed,
        "An enum value was deleted without reserving its name (buf ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED)", buf = [WireJson];
    /// ## What it detects
    /// An enum value number now carries another name (aliases may be added, not removed). buf rule:
    /// `ENUM_VALUE_SAME_NAME` (categories FILE, PACKAGE, WIRE_JSON).
    ///
    /// ## Why it matters
    /// JSON encodes enum values by name: old clients send and expect the old name.
    ///
    /// ## Example
    /// `STATUS_OK = 1;` became `STATUS_ACTIVE = 1;`.
    ///
    /// ## How to migrate
    /// Keep the old name; add the new one as an alias with `option allow_alias = true;`.
    ENUM_VALUE_SAME_NAME = "proto-enum-value-same-name", Protobuf, Breaking, None, "enum", Renamed,
        "An enum value was renamed (buf ENUM_VALUE_SAME_NAME)", buf = [File, Package, WireJson];
    /// ## What it detects
    /// A reserved number range or reserved name of an enum was removed. buf rule:
    /// `RESERVED_ENUM_NO_DELETE` (all categories).
    ///
    /// ## Why it matters
    /// Reservations keep deleted values' numbers and names from being reused with another meaning.
    ///
    /// ## Example
    /// `reserved 3; reserved "STATUS_SUSPENDED";` was removed.
    ///
    /// ## How to migrate
    /// Never remove reservations.
    RESERVED_ENUM_NO_DELETE = "proto-reserved-enum-no-delete", Protobuf, Breaking, None, "enum", Removed,
        "An enum's reserved range or name was removed (buf RESERVED_ENUM_NO_DELETE)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// An enum switched between open (proto3) and closed (proto2). buf rule: `ENUM_SAME_TYPE`
    /// (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Unknown values are kept by open enums and moved to unknown fields by closed ones, so
    /// readers handle new values differently.
    ///
    /// ## Example
    /// The file declaring `enum Status` moved from `proto2` to `proto3`.
    ///
    /// ## How to migrate
    /// Keep the enum's file syntax.
    ENUM_SAME_TYPE = "proto-enum-same-type", Protobuf, Breaking, None, "enum", Changed,
        "An enum switched between open and closed (buf ENUM_SAME_TYPE)", buf = [File, Package];
    /// ## What it detects
    /// A value was added to an existing enum.
    ///
    /// ## Why it matters
    /// It does not break the encoding, but old clients that switch over the enum may meet a value
    /// they do not know.
    ///
    /// ## Example
    /// `STATUS_ARCHIVED = 4;` is new.
    ///
    /// ## How to migrate
    /// Make sure clients handle unknown values.
    ENUM_VALUE_ADDED = "proto-enum-value-added", Protobuf, Info, None, "enum", Added,
        "An enum value was added", buf = [File, Package, WireJson, Wire];
}

pub(super) fn check(b: &Side<'_>, r: &Side<'_>, out: &mut Sink) {
    for (name, (rf, re)) in &r.enums {
        if let Some((bf, be)) = b.enums.get(name) {
            compare_enum(bf, be, rf, re, out);
        }
    }
}

fn by_number(e: &Enum) -> BTreeMap<i32, Vec<&EnumValue>> {
    let mut m: BTreeMap<i32, Vec<&EnumValue>> = BTreeMap::new();
    for v in &e.values {
        m.entry(v.number).or_default().push(v);
    }
    m
}

fn compare_enum(bf: &File, be: &Enum, rf: &File, re: &Enum, out: &mut Sink) {
    let name = &re.full_name;
    let (before, after) = (by_number(be), by_number(re));
    let enum_locs = |suffix: &str| (Some(loc(bf, &format!("{name}{suffix}"), be.pos)), Some(loc(rf, &format!("{name}{suffix}"), re.pos)));
    for (n, olds) in &before {
        let first = olds.first();
        let pointer = first.map_or_else(|| format!("{name}#{n}"), |v| format!("{name}.{}", v.name));
        let old_names: Vec<&str> = olds.iter().map(|v| v.name.as_str()).collect();
        let shown = old_names.join("`, `");
        match after.get(n) {
            None => {
                let base = Some(loc(bf, &pointer, first.and_then(|v| v.pos)));
                let rev = Some(loc(rf, name, re.pos));
                let mut push = |rule, msg: String| {
                    out.push(Change::new(rule, msg).locs(base.clone(), rev.clone()).values(Some(format!("{shown} = {n}")), None).finish());
                };
                push(&ENUM_VALUE_NO_DELETE, format!("enum value `{shown}` = {n} of `{name}` was deleted"));
                if !in_ranges(*n, &re.reserved_ranges) {
                    push(
                        &ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED,
                        format!("enum value `{shown}` = {n} of `{name}` was deleted without reserving number {n}"),
                    );
                }
                if old_names.iter().any(|o| !re.reserved_names.iter().any(|r| r == o)) {
                    push(
                        &ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED,
                        format!("enum value `{shown}` = {n} of `{name}` was deleted without reserving its name"),
                    );
                }
            }
            Some(news) => {
                let new_names: Vec<&str> = news.iter().map(|v| v.name.as_str()).collect();
                if old_names.iter().any(|o| !new_names.contains(o)) {
                    let now = new_names.join("`, `");
                    let npos = news.first().and_then(|v| v.pos);
                    out.push(
                        Change::new(&ENUM_VALUE_SAME_NAME, format!("enum value {n} of `{name}` changed name from `{shown}` to `{now}`"))
                            .locs(Some(loc(bf, &pointer, first.and_then(|v| v.pos))), Some(loc(rf, &format!("{name}#{n}"), npos)))
                            .values(Some(shown.clone()), Some(now))
                            .finish(),
                    );
                }
            }
        }
    }
    for (n, news) in &after {
        if before.contains_key(n) {
            continue;
        }
        if let Some(v) = news.first() {
            let pointer = format!("{name}.{}", v.name);
            out.push(
                Change::new(&ENUM_VALUE_ADDED, format!("enum value `{}` = {n} was added to `{name}`", v.name))
                    .locs(None, Some(loc(rf, &pointer, v.pos)))
                    .values(None, Some(format!("{} = {n}", v.name)))
                    .finish(),
            );
        }
    }
    for range in be.reserved_ranges.iter().filter(|r| !covered(**r, &re.reserved_ranges)) {
        let (bl, rl) = enum_locs(&format!("#reserved:{}", range_str(*range)));
        out.push(
            Change::new(&RESERVED_ENUM_NO_DELETE, format!("enum `{name}` no longer reserves {}", range_str(*range)))
                .locs(bl, rl)
                .values(Some(range_str(*range)), None)
                .finish(),
        );
    }
    for n in be.reserved_names.iter().filter(|n| !re.reserved_names.contains(n)) {
        let (bl, rl) = enum_locs(&format!("#reserved:{n}"));
        out.push(
            Change::new(&RESERVED_ENUM_NO_DELETE, format!("enum `{name}` no longer reserves the name `{n}`"))
                .locs(bl, rl)
                .values(Some(n.clone()), None)
                .finish(),
        );
    }
    if be.closed != re.closed {
        let kind = |c: bool| if c { "closed" } else { "open" };
        let (bl, rl) = enum_locs("");
        out.push(
            Change::new(&ENUM_SAME_TYPE, format!("enum `{name}` changed from {} to {}", kind(be.closed), kind(re.closed)))
                .locs(bl, rl)
                .values(Some(kind(be.closed).into()), Some(kind(re.closed).into()))
                .finish(),
        );
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof); built by
/// `crate::witness::protobuf`, checked against both descriptors).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&ENUM_VALUE_NO_DELETE, Proof::Wire),
        (&ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED, Proof::Wire),
        (&ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED, Proof::Wire),
        (&ENUM_VALUE_SAME_NAME, Proof::Wire),
        (&ENUM_SAME_TYPE, Proof::Wire),
    ]
};
