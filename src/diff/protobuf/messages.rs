//! Message-level rules on messages present in both versions (paired by fully qualified name):
//! oneofs, required fields, reserved and extension ranges, descriptor accessors; and added messages.

use super::{Change, Side, covered, loc, range_str};
use crate::diff::sink::Sink;
use crate::spec::protobuf::{Cardinality, File, Message};
use std::collections::BTreeSet;

crate::rules! {
    /// ## What it detects
    /// A oneof of a message was deleted. buf rule: `ONEOF_NO_DELETE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// The generated `oneof` case accessors (`getPaymentCase()`, `WhichOneof("payment")`) disappear.
    ///
    /// ## Example
    /// `oneof payment { Card card = 1; Iban iban = 2; }` became two plain fields.
    ///
    /// ## How to migrate
    /// Keep the oneof; add new members to it instead of restructuring it.
    ONEOF_NO_DELETE = "proto-oneof-no-delete", Protobuf, Breaking, None, "oneof", Removed,
        "A oneof was deleted (buf ONEOF_NO_DELETE)", buf = [File, Package];
    /// ## What it detects
    /// A message gained or lost a `required` field (proto2). buf rule:
    /// `MESSAGE_SAME_REQUIRED_FIELDS` (all categories).
    ///
    /// ## Why it matters
    /// A new required field makes old senders' messages fail to parse; a removed one makes new
    /// senders' messages fail to parse in old receivers.
    ///
    /// ## Example
    /// `optional string id = 1;` became `required string id = 1;`.
    ///
    /// ## How to migrate
    /// Never add or remove `required`; validate in application code instead.
    MESSAGE_SAME_REQUIRED_FIELDS = "proto-message-same-required-fields", Protobuf, Breaking, None, "message", Changed,
        "A message's set of required fields changed (buf MESSAGE_SAME_REQUIRED_FIELDS)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// A reserved number range or reserved name of a message was removed. buf rule:
    /// `RESERVED_MESSAGE_NO_DELETE` (all categories).
    ///
    /// ## Why it matters
    /// Reservations keep numbers and names of deleted fields from being reused with another
    /// meaning; removing one lets old data be misread.
    ///
    /// ## Example
    /// `reserved 4, 7 to 9; reserved "legacy_id";` became `reserved 4;`.
    ///
    /// ## How to migrate
    /// Never remove reservations; they cost nothing.
    RESERVED_MESSAGE_NO_DELETE = "proto-reserved-message-no-delete", Protobuf, Breaking, None, "message", Removed,
        "A message's reserved range or name was removed (buf RESERVED_MESSAGE_NO_DELETE)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// An extension range of a message was removed or narrowed. buf rule:
    /// `EXTENSION_MESSAGE_NO_DELETE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Extensions declared in that range (possibly in other people's files) no longer compile.
    ///
    /// ## Example
    /// `extensions 100 to 199;` was removed.
    ///
    /// ## How to migrate
    /// Keep extension ranges; add new ranges rather than replacing old ones.
    EXTENSION_MESSAGE_NO_DELETE = "proto-extension-message-no-delete", Protobuf, Breaking, None, "message", Removed,
        "A message's extension range was removed (buf EXTENSION_MESSAGE_NO_DELETE)", buf = [File, Package];
    /// ## What it detects
    /// A message switched on `option no_standard_descriptor_accessor = true;`. buf rule:
    /// `MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// The generated `descriptor()` accessor disappears from the message class.
    ///
    /// ## Example
    /// `option no_standard_descriptor_accessor = true;` was added to `message User`.
    ///
    /// ## How to migrate
    /// Leave the option unset (false).
    MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR = "proto-message-no-remove-standard-descriptor-accessor", Protobuf, Breaking, None, "message", Changed,
        "A message removed its standard descriptor accessor (buf MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR)", buf = [File, Package];
    /// ## What it detects
    /// A message was added (reported once for the outermost new message).
    ///
    /// ## Why it matters
    /// It does not break anyone; listed so reviewers see the API grow.
    ///
    /// ## Example
    /// `message Invoice { ... }` is new.
    ///
    /// ## How to migrate
    /// Nothing to do.
    MESSAGE_ADDED = "proto-message-added", Protobuf, Info, None, "message", Added,
        "A message was added", buf = [File, Package, WireJson, Wire];
}

pub(super) fn check(b: &Side<'_>, r: &Side<'_>, out: &mut Sink) {
    for (name, (rf, rm)) in &r.messages {
        match b.messages.get(name) {
            Some((bf, bm)) => compare_message(bf, bm, rf, rm, out),
            None if !rm.map_entry && !super::parent_in(name, &r.messages, |p| !b.messages.contains_key(p)) => out.push(
                Change::new(&MESSAGE_ADDED, format!("message `{name}` was added"))
                    .locs(None, Some(loc(rf, name, rm.pos)))
                    .values(None, Some(name.to_string()))
                    .finish(),
            ),
            None => {}
        }
    }
}

fn compare_message(bf: &File, bm: &Message, rf: &File, rm: &Message, out: &mut Sink) {
    let name = &rm.full_name;
    let locs = |suffix: &str| (Some(loc(bf, &format!("{name}{suffix}"), bm.pos)), Some(loc(rf, &format!("{name}{suffix}"), rm.pos)));
    let after_oneofs: BTreeSet<&str> = rm.oneofs.iter().map(|o| o.name.as_str()).collect();
    for o in bm.oneofs.iter().filter(|o| !after_oneofs.contains(o.name.as_str())) {
        let pointer = format!("{name}.{}", o.name);
        out.push(
            Change::new(&ONEOF_NO_DELETE, format!("oneof `{pointer}` was deleted"))
                .locs(Some(loc(bf, &pointer, o.pos)), Some(loc(rf, name, rm.pos)))
                .values(Some(o.name.clone()), None)
                .finish(),
        );
    }
    let required =
        |m: &Message| -> BTreeSet<i32> { m.fields.iter().filter(|f| f.cardinality == Cardinality::Required).map(|f| f.number).collect() };
    let (breq, rreq) = (required(bm), required(rm));
    for n in breq.symmetric_difference(&rreq) {
        let gained = rreq.contains(n);
        let field = if gained { rm.fields.iter().find(|f| f.number == *n) } else { bm.fields.iter().find(|f| f.number == *n) };
        let label = field.map_or_else(|| n.to_string(), |f| format!("{} = {n}", f.name));
        let (bl, rl) = locs(&format!("#{n}"));
        out.push(
            Change::new(
                &MESSAGE_SAME_REQUIRED_FIELDS,
                format!("message `{name}` {} required field `{label}`", if gained { "gained" } else { "lost" }),
            )
            .locs(bl, rl)
            .values((!gained).then(|| label.clone()), gained.then(|| label.clone()))
            .finish(),
        );
    }
    for range in bm.reserved_ranges.iter().filter(|r| !covered(**r, &rm.reserved_ranges)) {
        let (bl, rl) = locs(&format!("#reserved:{}", range_str(*range)));
        out.push(
            Change::new(&RESERVED_MESSAGE_NO_DELETE, format!("message `{name}` no longer reserves {}", range_str(*range)))
                .locs(bl, rl)
                .values(Some(range_str(*range)), None)
                .finish(),
        );
    }
    for n in bm.reserved_names.iter().filter(|n| !rm.reserved_names.contains(n)) {
        let (bl, rl) = locs(&format!("#reserved:{n}"));
        out.push(
            Change::new(&RESERVED_MESSAGE_NO_DELETE, format!("message `{name}` no longer reserves the name `{n}`"))
                .locs(bl, rl)
                .values(Some(n.clone()), None)
                .finish(),
        );
    }
    for range in bm.extension_ranges.iter().filter(|r| !covered(**r, &rm.extension_ranges)) {
        let (bl, rl) = locs(&format!("#extensions:{}", range_str(*range)));
        out.push(
            Change::new(&EXTENSION_MESSAGE_NO_DELETE, format!("message `{name}` no longer has the extension range {}", range_str(*range)))
                .locs(bl, rl)
                .values(Some(range_str(*range)), None)
                .finish(),
        );
    }
    if !bm.no_standard_descriptor_accessor && rm.no_standard_descriptor_accessor {
        let (bl, rl) = locs("");
        out.push(
            Change::new(
                &MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR,
                format!("message `{name}` set `no_standard_descriptor_accessor = true`"),
            )
            .locs(bl, rl)
            .values(Some("false".into()), Some("true".into()))
            .finish(),
        );
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof); built by
/// `crate::witness::protobuf`, checked against both descriptors).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&ONEOF_NO_DELETE, Proof::Symbol),
        (&MESSAGE_SAME_REQUIRED_FIELDS, Proof::Wire),
        (&MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR, Proof::Symbol),
    ]
};
