//! Reading the fields of one JSON Lines record with messages that say what is wrong and how to
//! fix it. Shared by the article and span readers, which differ only in the fields they want.
//! A key that appears twice in one object (at any depth) is an error: JSON parsers disagree on
//! which copy wins, so the line means different things to different tools.

use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The error for a key given twice; `path` is the key, dotted below the top level.
pub fn duplicate_key(path: &str) -> String {
    format!("field `{path}` appears twice on this line; JSON readers disagree on which value wins, so keep exactly one")
}

/// Parses one line as a JSON object, or says why it is not one.
pub fn parse_object(line: &str) -> Result<Map<String, Value>, String> {
    let mut duplicates = Vec::new();
    let parsed = {
        let mut reader = serde_json::Deserializer::from_str(line);
        let value = CheckedValue { path: String::new(), duplicates: &mut duplicates }.deserialize(&mut reader);
        value.and_then(|value| reader.end().map(|()| value))
    };
    if let (Ok(Value::Object(_)), Some(first)) = (&parsed, duplicates.first()) {
        return Err(duplicate_key(first));
    }
    match parsed {
        Ok(Value::Object(object)) => Ok(object),
        Ok(Value::Array(_)) => Err("expected one JSON object per line (JSON Lines), found a JSON array; \
             convert the file with `jq -c '.[]' FILE > FILE.jsonl`"
            .into()),
        Ok(other) => Err(format!("expected a JSON object, found {}", kind(&other))),
        Err(error) if line.trim_start().starts_with('[') => Err(format!(
            "malformed JSON ({error}); this looks like a JSON array: mizan expects JSON Lines, \
             one object per line — convert with `jq -c '.[]' FILE > FILE.jsonl`"
        )),
        Err(error) => Err(format!(
            "malformed JSON ({error}); each line must hold one complete JSON object — \
             a pretty-printed file must be compacted first, e.g. `jq -c . FILE`"
        )),
    }
}

/// Deserializes any JSON value as serde_json would, noting every key that repeats within its
/// object instead of letting the later value replace the earlier one silently.
struct CheckedValue<'a> {
    path: String,
    duplicates: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for CheckedValue<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CheckedValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
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
        Ok(Value::String(v.to_owned()))
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

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        let path = format!("{}[]", self.path);
        while let Some(item) = seq.next_element_seed(CheckedValue { path: path.clone(), duplicates: &mut *self.duplicates })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() { key.clone() } else { format!("{}.{key}", self.path) };
            let value = map.next_value_seed(CheckedValue { path: path.clone(), duplicates: &mut *self.duplicates })?;
            if object.contains_key(&key) {
                self.duplicates.push(path);
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

/// A short name for a JSON value's type, with the value when it is small.
pub fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) if s.chars().count() <= 20 => format!("string {s:?}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A required string field.
pub fn required_string(object: &Map<String, Value>, field: &str) -> Result<String, String> {
    match object.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(format!("field `{field}` is empty")),
        Some(Value::Number(n)) => Err(format!("field `{field}` must be a string, found number {n}; write it as \"{n}\"")),
        Some(other) => Err(format!("field `{field}` must be a string, found {}", kind(other))),
        None => Err(format!("missing field `{field}`")),
    }
}

/// A required string field that may be empty: an article's `text` (an empty article is a
/// warning for the checks to give, not a malformed line).
pub fn required_text(object: &Map<String, Value>, field: &str) -> Result<String, String> {
    match object.get(field) {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(other) => Err(format!("field `{field}` must be a string, found {}", kind(other))),
        None => Err(format!("missing field `{field}`")),
    }
}

/// An optional string field; `null` counts as absent.
pub fn optional_string(object: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("field `{field}` must be a string, found {}", kind(other))),
    }
}

/// A required offset: a non-negative whole number of code points.
pub fn required_offset(object: &Map<String, Value>, field: &str) -> Result<usize, String> {
    let value = object.get(field).ok_or_else(|| format!("missing field `{field}`"))?;
    match value {
        Value::Number(n) => {
            if let Some(offset) = n.as_u64() {
                return usize::try_from(offset).map_err(|_| format!("`{field}` {n} is too large"));
            }
            if n.as_i64().is_some() {
                return Err(format!("`{field}` is negative ({n}); offsets count code points from 0"));
            }
            let float = n.as_f64().unwrap_or(f64::NAN);
            if float >= 9_007_199_254_740_992.0 {
                Err(format!("`{field}` {n} is too large for an offset"))
            } else if float < 0.0 {
                Err(format!("`{field}` is negative ({n}); offsets count code points from 0"))
            } else if float == 0.0 {
                // JSON's `-0` reads as the float -0.0: say what the line wrote.
                Err(format!("`{field}` must be a whole number, found -0; write it as 0"))
            } else if float.fract() == 0.0 {
                Err(format!("`{field}` must be a whole number, found {n}; write it as {}", float as u64))
            } else {
                Err(format!("`{field}` must be a whole number of code points, found {n}"))
            }
        }
        Value::String(s) if s.trim().parse::<u64>().is_ok() => Err(format!("`{field}` must be a number, found string {s:?}; write it without quotes")),
        other => Err(format!("`{field}` must be a whole number of code points, found {}", kind(other))),
    }
}

/// A JSON scalar as a metadata string; arrays and objects have no string form.
pub fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn offsets_are_checked_with_a_reason() {
        let cases: &[(Value, Result<usize, &str>)] = &[
            (json!(3), Ok(3)),
            (json!(0), Ok(0)),
            (json!(-1), Err("negative")),
            (json!(2.0), Err("write it as 2")),
            (serde_json::from_str("-0").unwrap(), Err("found -0; write it as 0")),
            (json!(2.5), Err("whole number")),
            (json!(-2.5), Err("negative")),
            (json!(1e30), Err("too large")),
            (json!("4"), Err("without quotes")),
            (json!(null), Err("found null")),
            (json!([1]), Err("an array")),
        ];
        for (value, expected) in cases {
            let object = json!({ "start": value }).as_object().unwrap().clone();
            let got = required_offset(&object, "start");
            match (got, expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want),
                (Err(message), Err(fragment)) => assert!(message.contains(fragment), "{message}"),
                (got, want) => panic!("{value}: got {got:?}, want {want:?}"),
            }
        }
        let empty = Map::new();
        assert_eq!(required_offset(&empty, "end").unwrap_err(), "missing field `end`");
    }

    #[test]
    fn arrays_and_pretty_printed_json_get_a_conversion_hint() {
        assert!(parse_object(r#"[{"a": 1}]"#).unwrap_err().contains("jq -c '.[]'"));
        assert!(parse_object("[").unwrap_err().contains("JSON array"));
        assert!(parse_object("{").unwrap_err().contains("jq -c ."));
        assert!(parse_object("42").unwrap_err().contains("number 42"));
    }

    #[test]
    fn a_key_given_twice_is_an_error_at_any_depth() {
        assert!(parse_object(r#"{"start": 4, "end": 9, "start": 0}"#).unwrap_err().contains("field `start` appears twice"));
        assert!(parse_object(r#"{"attrs": {"s": "a", "s": "b"}}"#).unwrap_err().contains("field `attrs.s` appears twice"));
        assert!(parse_object(r#"{"a": [{"x": 1, "x": 2}]}"#).unwrap_err().contains("field `a[].x` appears twice"));
        let object = parse_object(r#"{"a": 1, "b": {"a": 2}, "c": [1.5, null, true, "x"]}"#).unwrap();
        assert_eq!(Value::Object(object), json!({"a": 1, "b": {"a": 2}, "c": [1.5, null, true, "x"]}));
        assert!(parse_object(r#"{"a": 1} x"#).unwrap_err().contains("malformed JSON"));
    }

    #[test]
    fn string_fields_say_what_they_found() {
        let object = json!({"id": 12, "x": "", "y": null}).as_object().unwrap().clone();
        assert!(required_string(&object, "id").unwrap_err().contains("write it as \"12\""));
        assert!(required_string(&object, "x").unwrap_err().contains("empty"));
        assert!(required_string(&object, "y").unwrap_err().contains("found null"));
        assert_eq!(optional_string(&object, "y"), Ok(None));
    }
}
