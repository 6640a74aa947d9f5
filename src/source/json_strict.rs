//! JSON text to a `serde_json::Value` in one pass, refusing duplicate object keys (which
//! `serde_json` resolves last-wins, silently dropping the first value).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;

/// The start of the error message for a duplicate key (the rest names the key).
pub const DUPLICATE: &str = "duplicate key";

/// Parses JSON like `serde_json::from_str::<Value>`, but a key that appears twice in one object
/// is an error at that key's position.
pub fn from_str(text: &str) -> serde_json::Result<Value> {
    let scratch = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict(&scratch).deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The members of the objects being read, innermost last: one vector for the whole parse
/// instead of one (grown 4, 8, 16) per object.
type Scratch = RefCell<Vec<(String, Value)>>;

#[derive(Clone, Copy)]
struct Strict<'s>(&'s Scratch);

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(self)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // A small object is gathered first and becomes a map of exactly its size: a map grown
        // one entry at a time keeps room for three or more, and a spec made of many one-key
        // objects (`{"$ref": …}`) spent twice its needed memory on that room. Duplicates are
        // refused at the key either way. (An error leaves members in the scratch vector; the
        // whole parse fails with it.)
        let base = self.0.borrow().len();
        while let Some(key) = map.next_key::<String>()? {
            if self.0.borrow()[base..].iter().any(|(k, _)| *k == key) {
                return Err(duplicate(&key));
            }
            let v = map.next_value_seed(self)?;
            let mut scratch = self.0.borrow_mut();
            scratch.push((key, v));
            if scratch.len() - base == SMALL_OBJECT {
                let mut out = Map::with_capacity(2 * SMALL_OBJECT);
                out.extend(scratch.drain(base..));
                drop(scratch);
                return large(out, map, self);
            }
        }
        let mut scratch = self.0.borrow_mut();
        let mut out = Map::with_capacity(scratch.len() - base);
        out.extend(scratch.drain(base..));
        Ok(Value::Object(out))
    }
}

/// Keys an object may have before it is gathered into a map as it is read.
const SMALL_OBJECT: usize = 16;

fn duplicate<E: de::Error>(key: &str) -> E {
    E::custom(format!("{DUPLICATE} `{key}`: each key may appear once in an object"))
}

/// The rest of a large object, straight into its map.
fn large<'de, A: MapAccess<'de>>(mut out: Map<String, Value>, mut map: A, seed: Strict<'_>) -> Result<Value, A::Error> {
    while let Some(key) = map.next_key::<String>()? {
        // One hash per key: the entry both detects a duplicate and takes the value.
        match out.entry(key) {
            serde_json::map::Entry::Occupied(e) => return Err(duplicate(e.key())),
            serde_json::map::Entry::Vacant(e) => {
                e.insert(map.next_value_seed(seed)?);
            }
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_values_as_serde_json_and_duplicates_refused() {
        let text = r#"{"a": [1, -2, 3.5, true, null, "x"], "b": {"c": {}}, "d": 18446744073709551615}"#;
        assert_eq!(from_str(text).unwrap(), serde_json::from_str::<Value>(text).unwrap());
        let e = from_str("{\n  \"paths\": {},\n  \"paths\": {}\n}").unwrap_err();
        assert_eq!(e.line(), 3, "{e}");
        assert!(e.to_string().contains("duplicate key `paths`"), "{e}");
        // The same key in different objects is fine.
        assert!(from_str(r#"{"a": {"x": 1}, "b": {"x": 2}}"#).is_ok());
        // Small objects and large ones (gathered differently) alike, in their order.
        for n in [1, 15, 16, 17, 40] {
            let keys: Vec<String> = (0..n).map(|i| format!("\"k{}\": {i}", n - i)).collect();
            let text = format!("{{{}}}", keys.join(",\n"));
            assert_eq!(from_str(&text).unwrap(), serde_json::from_str::<Value>(&text).unwrap());
            let order: Vec<String> = from_str(&text).unwrap().as_object().unwrap().keys().cloned().collect();
            assert_eq!(order, (0..n).map(|i| format!("k{}", n - i)).collect::<Vec<_>>());
            let dup = format!("{{{},\n\"k1\": 0}}", keys.join(",\n"));
            let e = from_str(&dup).unwrap_err();
            assert_eq!(e.line(), n + 1, "{n}: {e}");
            assert!(e.to_string().contains("duplicate key `k1`"), "{e}");
        }
    }
}
