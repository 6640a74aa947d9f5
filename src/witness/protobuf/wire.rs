//! The wire format, as far as witnesses need it: encode one sample value of a field, and decode
//! bytes with a message's descriptor into the value protobuf's JSON mapping shows (proto field
//! names, 64-bit integers as strings, enums by name, bytes in base64), keeping oneofs to their
//! last member and checking required fields. Unknown fields, and fields whose wire type does not
//! match, are dropped, as the runtimes keep them aside.

use super::Index;
use crate::spec::protobuf::{Cardinality, Field, Kind, Message};
use serde_json::{Map, Value, json};

/// Deepest message nesting decoded.
const DEPTH: usize = 8;

/// The wire type a kind is written with.
fn wire_type(k: Kind) -> u8 {
    match k {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => 1,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => 5,
        Kind::String | Kind::Bytes | Kind::Message => 2,
        Kind::Group => 3,
        _ => 0,
    }
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// One field holding a sample value (`n` varies it: 1, 2, ...): bytes for field `number`.
pub(super) fn sample(f: &Field, idx: &Index<'_>, n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let wt = wire_type(f.kind);
    varint((u64::try_from(f.number).unwrap_or(0) << 3) | u64::from(wt), &mut out);
    match f.kind {
        Kind::Double => out.extend_from_slice(&(n as f64).to_le_bytes()),
        Kind::Float => out.extend_from_slice(&(n as f32).to_le_bytes()),
        Kind::Fixed64 | Kind::Sfixed64 => out.extend_from_slice(&n.to_le_bytes()),
        Kind::Fixed32 | Kind::Sfixed32 => out.extend_from_slice(&u32::try_from(n).unwrap_or(1).to_le_bytes()),
        Kind::String | Kind::Bytes => {
            let s = "a".repeat(usize::try_from(n).unwrap_or(1));
            varint(s.len() as u64, &mut out);
            out.extend_from_slice(s.as_bytes());
        }
        Kind::Message | Kind::Group => {
            // The sub-message's first scalar field, so two message types can read it differently.
            let first = idx
                .messages
                .get(f.type_name.trim_start_matches('.'))
                .and_then(|m| m.fields.first())
                .filter(|x| !matches!(x.kind, Kind::Message | Kind::Group));
            let inner = match first {
                Some(x) if n > 0 => sample(x, idx, n),
                _ => Vec::new(),
            };
            varint(inner.len() as u64, &mut out);
            out.extend(inner);
        }
        Kind::Sint32 | Kind::Sint64 => varint(n << 1, &mut out),
        Kind::Enum => {
            let defined = idx.enums.get(f.type_name.trim_start_matches('.')).and_then(|e| e.values.iter().find(|v| v.number > 0));
            varint(defined.map_or(n, |v| u64::try_from(v.number).unwrap_or(n)), &mut out);
        }
        _ => varint(n, &mut out),
    }
    out
}

/// Reads one varint.
fn read_varint(b: &[u8], i: &mut usize) -> Result<u64, String> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i).ok_or("truncated varint")?;
        *i += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(n);
        }
    }
    Err("varint longer than 10 bytes".into())
}

/// A decoded scalar as protobuf's JSON mapping shows it.
fn scalar(k: Kind, raw: Raw<'_>, f: &Field, idx: &Index<'_>) -> Option<Value> {
    Some(match (k, raw) {
        (Kind::Int32, Raw::Varint(v)) => json!(v as i32),
        (Kind::Uint32, Raw::Varint(v)) => json!(v as u32),
        (Kind::Int64, Raw::Varint(v)) => json!((v as i64).to_string()),
        (Kind::Uint64, Raw::Varint(v)) => json!(v.to_string()),
        (Kind::Sint32, Raw::Varint(v)) => json!(((v >> 1) as i32) ^ -((v & 1) as i32)),
        (Kind::Sint64, Raw::Varint(v)) => json!((((v >> 1) as i64) ^ -((v & 1) as i64)).to_string()),
        (Kind::Bool, Raw::Varint(v)) => json!(v != 0),
        (Kind::Enum, Raw::Varint(v)) => {
            let e = idx.enums.get(f.type_name.trim_start_matches('.'));
            let n = v as i32;
            match e.and_then(|e| e.values.iter().find(|x| x.number == n)) {
                Some(x) => json!(x.name),
                None if e.is_some_and(|e| e.closed) => return None,
                None => json!(n),
            }
        }
        (Kind::Fixed64, Raw::Fixed64(v)) => json!(v.to_string()),
        (Kind::Sfixed64, Raw::Fixed64(v)) => json!((v as i64).to_string()),
        (Kind::Double, Raw::Fixed64(v)) => json!(f64::from_bits(v)),
        (Kind::Fixed32, Raw::Fixed32(v)) => json!(v),
        (Kind::Sfixed32, Raw::Fixed32(v)) => json!(v as i32),
        (Kind::Float, Raw::Fixed32(v)) => json!(f64::from(f32::from_bits(v))),
        (Kind::String, Raw::Bytes(b)) => json!(std::str::from_utf8(b).ok()?),
        (Kind::Bytes, Raw::Bytes(b)) => json!(base64(b)),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Raw<'b> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'b [u8]),
}

fn base64(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Decodes `bytes` as message `m`: the JSON mapping's value, or why the runtime refuses it.
pub(super) fn decode(m: &Message, idx: &Index<'_>, bytes: &[u8], depth: usize) -> Result<Value, String> {
    if depth > DEPTH {
        return Err("nested deeper than the witness decoder goes".into());
    }
    let mut out = Map::new();
    let mut i = 0;
    while i < bytes.len() {
        let key = read_varint(bytes, &mut i)?;
        let (number, wt) = (i32::try_from(key >> 3).map_err(|_| "field number out of range")?, (key & 7) as u8);
        let raw = match wt {
            0 => Raw::Varint(read_varint(bytes, &mut i)?),
            1 => {
                let b = bytes.get(i..i + 8).ok_or("truncated fixed64")?;
                i += 8;
                Raw::Fixed64(u64::from_le_bytes(b.try_into().map_err(|_| "fixed64")?))
            }
            5 => {
                let b = bytes.get(i..i + 4).ok_or("truncated fixed32")?;
                i += 4;
                Raw::Fixed32(u32::from_le_bytes(b.try_into().map_err(|_| "fixed32")?))
            }
            2 => {
                let len = usize::try_from(read_varint(bytes, &mut i)?).map_err(|_| "length")?;
                let b = bytes.get(i..i + len).ok_or("truncated length-delimited field")?;
                i += len;
                Raw::Bytes(b)
            }
            _ => return Err(format!("wire type {wt} is not supported by the witness decoder")),
        };
        let Some(f) = m.fields.iter().find(|f| f.number == number) else { continue };
        if wt != wire_type(f.kind) {
            continue;
        }
        if f.cardinality == Cardinality::Map {
            let (Raw::Bytes(b), Some(entry)) = (raw, idx.messages.get(f.type_name.trim_start_matches('.'))) else { continue };
            let e = decode(entry, idx, b, depth + 1)?;
            let part = |n: i32| entry.fields.iter().find(|x| x.number == n);
            let (Some(kf), Some(vf)) = (part(1), part(2)) else { continue };
            let key = e.get(&kf.name).cloned().unwrap_or_else(|| zero(kf, idx));
            let key = key.as_str().map_or_else(|| key.to_string(), str::to_string);
            let value = e.get(&vf.name).cloned().unwrap_or_else(|| zero(vf, idx));
            if let Value::Object(o) = out.entry(f.name.clone()).or_insert_with(|| json!({})) {
                o.insert(key, value);
            }
            continue;
        }
        let value = if f.kind == Kind::Message {
            let Raw::Bytes(b) = raw else { continue };
            let Some(sub) = idx.messages.get(f.type_name.trim_start_matches('.')) else { continue };
            decode(sub, idx, b, depth + 1)?
        } else {
            let Some(v) = scalar(f.kind, raw, f, idx) else { continue };
            v
        };
        if let Some(o) = &f.oneof {
            for other in m.fields.iter().filter(|x| x.oneof.as_ref() == Some(o) && x.number != f.number) {
                out.remove(&other.name);
            }
        }
        if f.cardinality == Cardinality::Implicit && is_zero(&value) {
            // Implicit presence: a zero value is not set, and the JSON mapping omits it.
            out.remove(&f.name);
            continue;
        }
        if f.cardinality == Cardinality::Repeated {
            match out.entry(f.name.clone()).or_insert_with(|| json!([])) {
                Value::Array(a) => a.push(value),
                other => *other = json!([value]),
            }
        } else {
            out.insert(f.name.clone(), value);
        }
    }
    if let Some(f) = m.fields.iter().find(|f| f.cardinality == Cardinality::Required && !out.contains_key(&f.name)) {
        return Err(format!("required field `{}` is missing", f.name));
    }
    Ok(Value::Object(out))
}

/// The value a field shows when absent from a map entry (the JSON mapping's zero value).
fn zero(f: &Field, idx: &Index<'_>) -> Value {
    match f.kind {
        Kind::String | Kind::Bytes => json!(""),
        Kind::Bool => json!(false),
        Kind::Message | Kind::Group => json!({}),
        Kind::Enum => idx.enums.get(f.type_name.trim_start_matches('.')).and_then(|e| e.values.first()).map_or(json!(0), |v| json!(v.name)),
        k if k.is_64bit_integer() => json!("0"),
        _ => json!(0),
    }
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty() || s == "0",
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// Lower-case hex.
pub(super) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
