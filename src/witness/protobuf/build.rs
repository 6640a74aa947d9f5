//! The wire witness: candidate bytes (one sample of the field, two samples, the field with a
//! oneof sibling, the base's required fields, an enum number the enum does not define) decoded
//! with both descriptors until one decodes differently; then proto JSON (a field's JSON name, an
//! enum value's name) and proto2 defaults.

use super::Pair;
use super::wire::{decode, hex, sample};
use crate::diff::{Change, Witness, WitnessKind};
use crate::spec::protobuf::{Cardinality, Field, Message};
use serde_json::{Value, json};

impl Pair<'_> {
    pub(super) fn wire(&self, c: &Change) -> Result<Witness, String> {
        let at = c.base.as_ref().or(c.revision.as_ref()).map(|l| l.pointer.clone()).ok_or("the change is not located")?;
        if let Some((e, v)) = at.rsplit_once('.').filter(|(e, _)| self.base.enums.contains_key(e)) {
            return self.enum_name(c, e, v);
        }
        if self.base.enums.contains_key(at.as_str()) {
            return self.enum_number(c, &at);
        }
        let (m, _) = at.split_once('#').unwrap_or((&at, ""));
        if let Some(bm) = self.base.messages.get(m) {
            let rm = self.rev.messages.get(m).ok_or_else(|| format!("`{m}` is not in the revision"))?;
            let required: Vec<u8> =
                bm.fields.iter().filter(|f| f.cardinality == Cardinality::Required).flat_map(|f| sample(f, &self.base, 1)).collect();
            return self
                .first_difference(c, bm, rm, vec![required])
                .ok_or_else(|| format!("the base's required fields of `{m}` decode alike"));
        }
        let (bm, bf) = self.base.field(&at).ok_or_else(|| format!("`{at}` is no field of the base"))?;
        let rm = self.rev.messages.get(bm.full_name.as_str()).ok_or_else(|| format!("`{}` is not in the revision", bm.full_name))?;
        let mut candidates = vec![
            sample(bf, &self.base, 1),
            [sample(bf, &self.base, 1), sample(bf, &self.base, 2)].concat(),
            sample(bf, &self.base, 0),
            Vec::new(),
        ];
        if let Some(sibling) = oneof_sibling(bm, rm, bf) {
            candidates.push([sample(bf, &self.base, 1), sample(sibling, &self.base, 1)].concat());
        }
        if let Some(w) = self.first_difference(c, bm, rm, candidates) {
            return Ok(w);
        }
        self.json_name(c, bm, rm, bf)
            .or_else(|| self.default(c, bm, rm, bf))
            .ok_or_else(|| format!("every candidate for `{at}` decodes alike in both versions"))
    }

    /// The first candidate the two descriptors decode differently (compared by field number,
    /// so a renamed field alone is no difference): the revision refuses or changes what the base
    /// reads, or the base refuses what the revision reads (a new writer, an old reader).
    fn first_difference(&self, c: &Change, bm: &Message, rm: &Message, candidates: Vec<Vec<u8>>) -> Option<Witness> {
        for bytes in candidates {
            let b = decode(bm, &self.base, &bytes, 0);
            let r = decode(rm, &self.rev, &bytes, 0);
            let same = match (&b, &r) {
                (Ok(x), Ok(y)) => by_number(bm, x) == by_number(rm, y),
                (Err(_), Err(_)) => true,
                _ => false,
            };
            if same {
                continue;
            }
            let h = hex(&bytes);
            let (why, base_accepts) = match (&b, &r) {
                (Ok(x), Ok(y)) => (format!("the revision decodes it to {y} instead of {x}"), true),
                (Ok(_), Err(e)) => (format!("the revision refuses it: {e}"), true),
                (Err(e), _) => (format!("the base refuses what the revision reads: {e}"), false),
            };
            let shown = |v: &Result<Value, String>| v.as_ref().map_or_else(|e| format!("an error ({e})"), Value::to_string);
            let summary = format!("`{}` bytes {h}: the base decodes {}, the revision {}", bm.full_name, shown(&b), shown(&r));
            let instance = json!({"message": bm.full_name, "hex": h, "base": b.as_ref().ok(), "revision": r.as_ref().ok()});
            let mut w = self.witness(c, WitnessKind::Wire, summary, Some(instance), None, (&bm.full_name, &why));
            if let (false, Some(bv), Some(rv)) = (base_accepts, w.base.as_mut(), w.revision.as_mut()) {
                bv.accepts = false;
                rv.accepts = true;
                std::mem::swap(&mut bv.error, &mut rv.error);
            }
            return Some(w);
        }
        None
    }

    /// Proto JSON naming the field as the base does, which the revision does not know.
    fn json_name(&self, c: &Change, bm: &Message, rm: &Message, bf: &Field) -> Option<Witness> {
        let known = |n: &str| rm.fields.iter().any(|f| f.json_name == n || f.name == n);
        if known(&bf.json_name) {
            return None;
        }
        let value = decode(bm, &self.base, &sample(bf, &self.base, 1), 0).ok()?.get(&bf.name)?.clone();
        let json = json!({ bf.json_name.clone(): value });
        let why = format!("the revision has no field named `{}`: a JSON parser refuses it", bf.json_name);
        let summary = format!("`{}` as proto JSON {json} parsed and now fails: {why}", bm.full_name);
        let instance = json!({"message": bm.full_name, "json": json, "base": {bf.name.clone(): value}, "revision": Value::Null});
        Some(self.witness(c, WitnessKind::Wire, summary, Some(instance), None, (&bm.full_name, &why)))
    }

    /// Empty bytes: a proto2 field reads its default, which changed.
    fn default(&self, c: &Change, bm: &Message, rm: &Message, bf: &Field) -> Option<Witness> {
        let rf = rm.fields.iter().find(|f| f.number == bf.number)?;
        if bf.default == rf.default {
            return None;
        }
        let shown = |d: &Option<String>| d.clone().unwrap_or_else(|| "the type's zero value".into());
        let why = format!("reading `{}` from empty bytes now gives {} instead of {}", bf.name, shown(&rf.default), shown(&bf.default));
        let summary = format!("`{}` decoded from empty bytes: {why}", bm.full_name);
        let instance = json!({"message": bm.full_name, "hex": "", "read": bf.name, "base": bf.default, "revision": rf.default});
        Some(self.witness(c, WitnessKind::Wire, summary, Some(instance), None, (&bm.full_name, &why)))
    }

    /// An enum value's name in proto JSON, which the revision no longer defines.
    fn enum_name(&self, c: &Change, e: &str, v: &str) -> Result<Witness, String> {
        let n = self.base.enums[e]
            .values
            .iter()
            .find(|x| x.name == v)
            .map(|x| x.number)
            .ok_or_else(|| format!("`{e}.{v}` is not in the base"))?;
        if self.rev.enums.get(e).is_some_and(|r| r.values.iter().any(|x| x.name == v)) {
            return Err(format!("the revision still names `{v}`"));
        }
        let why = format!("the revision's `{e}` has no value named `{v}`: a JSON parser refuses it");
        let summary = format!("proto JSON \"{v}\" for `{e}` parsed as {n} and now fails: {why}");
        let instance = json!({"enum": e, "json": v, "base": n, "revision": Value::Null});
        Ok(self.witness(c, WitnessKind::Wire, summary, Some(instance), None, (e, &why)))
    }

    /// A number the enum does not define, in a field of that enum: open keeps it, closed drops it.
    fn enum_number(&self, c: &Change, e: &str) -> Result<Witness, String> {
        let (bm, bf) = self
            .base
            .messages
            .values()
            .flat_map(|m| m.fields.iter().map(move |f| (*m, f)))
            .filter(|(_, f)| f.type_name.trim_start_matches('.') == e && f.cardinality != Cardinality::Map)
            .min_by(|a, b| (&a.0.full_name, a.1.number).cmp(&(&b.0.full_name, b.1.number)))
            .ok_or_else(|| format!("no field of the base has type `{e}`"))?;
        let rm = self.rev.messages.get(bm.full_name.as_str()).ok_or("the message is not in the revision")?;
        let undefined = self.base.enums[e].values.iter().map(|v| v.number).max().unwrap_or(0).saturating_add(1);
        let mut bytes = varint_bytes(u64::try_from(bf.number).unwrap_or(0) << 3);
        bytes.extend(varint_bytes(u64::try_from(undefined).unwrap_or(1)));
        self.first_difference(c, bm, rm, vec![bytes]).ok_or_else(|| format!("an undefined number of `{e}` decodes alike in both versions"))
    }
}

/// A decoded message keyed by field numbers, so two versions compare by what they read.
fn by_number(m: &Message, v: &Value) -> Value {
    let Some(o) = v.as_object() else { return v.clone() };
    Value::Object(
        o.iter()
            .map(|(k, x)| (m.fields.iter().find(|f| &f.name == k).map_or_else(|| k.clone(), |f| f.number.to_string()), x.clone()))
            .collect(),
    )
}

fn varint_bytes(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// A field that shares a oneof with `bf` on one side and not the other (by number).
fn oneof_sibling<'m>(bm: &'m Message, rm: &Message, bf: &Field) -> Option<&'m Field> {
    let rf = rm.fields.iter().find(|f| f.number == bf.number);
    if let Some(s) = bf.oneof.as_ref().and_then(|o| bm.fields.iter().find(|f| f.oneof.as_ref() == Some(o) && f.number != bf.number)) {
        return Some(s);
    }
    let ro = rf?.oneof.as_ref()?;
    let n = rm.fields.iter().find(|f| f.oneof.as_ref() == Some(ro) && f.number != bf.number)?.number;
    bm.fields.iter().find(|f| f.number == n)
}
