//! JSON files read one record at a time: a top-level array is walked element by element (a
//! Label Studio export, a doccano or Prodigy file saved as one JSON list) without holding the
//! whole array, and a top-level object is one record. JSON Lines files go through
//! `lines::read_records` instead; [`read_json_records`] picks between the two.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::load::lines::read_records;
use crate::load::{Diagnostics, LoadError, Progress};

/// Calls `each` for every element of the file's top-level array, or once for its top-level
/// object. The inner `Err` is malformed JSON (with its line), after the records before it.
pub fn for_each_value(path: &Path, each: &mut dyn FnMut(Value)) -> Result<Result<(), serde_json::Error>, LoadError> {
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    let mut reader = BufReader::with_capacity(1 << 16, std::fs::File::open(path).map_err(io)?);
    let mut head = Vec::with_capacity(3);
    (&mut reader).take(3).read_to_end(&mut head).map_err(io)?;
    let prefix: &[u8] = if head == b"\xEF\xBB\xBF" { &[] } else { &head };
    let mut reader = prefix.chain(reader);
    let mut deserializer = serde_json::Deserializer::from_reader(&mut reader);
    Ok(Records(each).deserialize(&mut deserializer).and_then(|()| deserializer.end()))
}

struct Records<'f>(&'f mut dyn FnMut(Value));

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of records, or one record object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Value>()? {
            (self.0)(record);
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let record = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        (self.0)(record);
        Ok(())
    }
}

/// Whether a file holds one JSON array of records (`[{…}, …]` or `[[…], …]`) rather than JSON
/// Lines — a JSON Lines file may also start with `[` (spaCy's `["text", {…}]` a line).
fn is_json_array(path: &Path) -> Result<bool, LoadError> {
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    let mut reader = BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut seen = Vec::new();
    while seen.len() < 5 {
        let buffer = reader.fill_buf().map_err(io)?;
        if buffer.is_empty() {
            break;
        }
        let n = buffer.len();
        seen.extend(buffer.iter().copied().filter(|b| !b" \t\r\n".contains(b)).take(5 - seen.len()));
        reader.consume(n);
    }
    let seen = seen.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&seen);
    Ok(matches!(seen, [b'[', b'{' | b'[', ..] | [b'[', b']', ..] | [b'[']))
}

/// Reads records of a JSON Lines file — or of a file that is one JSON array of them, where
/// the number given to `keep` and in problems is the record's position, not a line.
pub fn read_json_records<T>(
    path: &Path,
    diagnostics: &mut Diagnostics,
    progress: &dyn Progress,
    parse: impl Fn(&str) -> Result<(T, Vec<String>), String>,
    mut keep: impl FnMut(T, usize),
) -> Result<(), LoadError> {
    if !is_json_array(path)? {
        return read_records(path, diagnostics, progress, parse, keep);
    }
    // The bar counts bytes; the array's position in bytes is not known, so none is shown.
    let mut position = 0;
    let mut problems = Vec::new();
    let result = for_each_value(path, &mut |record: Value| {
        position += 1;
        match parse(&record.to_string()) {
            Ok((value, warnings)) => {
                problems.extend(warnings.into_iter().map(|w| (position, false, format!("record {position}: {w}"))));
                keep(value, position);
            }
            Err(message) => problems.push((position, true, format!("record {position}: {message}"))),
        }
    })?;
    for (_, error, message) in problems {
        if error {
            diagnostics.error(path, None, message);
        } else {
            diagnostics.warning(path, None, message);
        }
    }
    if let Err(error) = result {
        diagnostics.error(path, Some(error.line()), format!("malformed JSON ({error})"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_are_walked_and_jsonl_is_left_to_the_line_reader() {
        let dir = tempfile::tempdir().unwrap();
        let parse = |line: &str| serde_json::from_str::<Value>(line).map(|v| (v, Vec::new())).map_err(|e| e.to_string());
        let mut diagnostics = Diagnostics::default();
        for (body, expected) in [
            ("\u{FEFF}[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n", 2),
            ("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n", 3),
            ("[\"text\", {\"entities\": []}]\n[\"more\", {}]\n", 2),
            ("[]", 0),
        ] {
            let path = dir.path().join("f.json");
            std::fs::write(&path, body).unwrap();
            let mut got = 0;
            read_json_records(&path, &mut diagnostics, &crate::progress::NoProgress, parse, |_, _| got += 1).unwrap();
            assert_eq!(got, expected, "{body}");
        }
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
}
