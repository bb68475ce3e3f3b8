//! The span JSONL reader (DESIGN.md): one `{"article_id", "start", "end", "label"}` object a
//! line, with optional `layer`, `text` and `attrs`. Field problems are reported per line and
//! the line skipped; checks against the articles happen in `dataset::check`.
//!
//! Span files are mizan's bulk input (millions of lines), so a line is first read by a
//! hand-written scanner that accepts only the common, clean shape — known fields, strings,
//! whole non-negative offsets, an `attrs` object of strings — straight from the line's bytes,
//! with no `serde_json::Value` in between. Anything else (an error, an unknown field, a float,
//! an odd value) goes to the general reader, so every message is the one it has always given.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

pub(super) mod fast;
mod keyed;

pub(crate) use fast::{parse_borrowed, parse_common, skip_plain, BorrowedSpan};

use crate::load::fields::{kind, optional_string, parse_object, required_offset, required_string};
use crate::load::lines::read_records;
use crate::load::{Diagnostics, LoadError};
use crate::model::Span;
use crate::progress::Progress;

/// A span with the line it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanRecord {
    pub span: Span,
    pub line: usize,
}

const KNOWN_FIELDS: [&str; 7] = ["article_id", "layer", "start", "end", "label", "text", "attrs"];

/// Reads a span file. `default_layer` applies to lines without `layer`; `required_layer`, when
/// set (a `gold/<name>/<layer>.jsonl` file), must match any `layer` a line names.
pub fn load_spans(
    path: &Path,
    default_layer: &str,
    required_layer: Option<&str>,
    diagnostics: &mut Diagnostics,
    progress: &dyn Progress,
) -> Result<Vec<SpanRecord>, LoadError> {
    let mut records = Vec::new();
    let parse = |line: &str| parse_span(line, default_layer, required_layer);
    read_records(path, diagnostics, progress, parse, |span, line| records.push(SpanRecord { span, line }))?;
    // The doubling growth leaves up to half the vector unused while the spans are checked.
    records.shrink_to_fit();
    Ok(records)
}

/// Parses one span line; `Err` says what is wrong, warnings say what was ignored.
pub fn parse_span(line: &str, default_layer: &str, required_layer: Option<&str>) -> Result<(Span, Vec<String>), String> {
    match fast::parse(line, default_layer, required_layer) {
        Some(Ok(span)) => Ok((span, Vec::new())),
        Some(Err(message)) => Err(message),
        None => parse_span_generally(line, default_layer, required_layer),
    }
}

/// The general reader: any JSON, every check, every message.
fn parse_span_generally(line: &str, default_layer: &str, required_layer: Option<&str>) -> Result<(Span, Vec<String>), String> {
    let object = parse_object(line)?;
    let article_id = required_string(&object, "article_id")?;
    let start = required_offset(&object, "start")?;
    let end = required_offset(&object, "end")?;
    let label = required_string(&object, "label")?;
    if label.trim() != label {
        return Err(format!("label {label:?} has surrounding whitespace"));
    }
    let layer = optional_string(&object, "layer")?.unwrap_or_else(|| default_layer.to_string());
    if let Some(required) = required_layer {
        if layer != required {
            return Err(layer_mismatch(&layer, required));
        }
    }
    let text = optional_string(&object, "text")?;
    let attrs = match object.get("attrs") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(map)) => {
            let mut attrs = BTreeMap::new();
            for (key, value) in map {
                match value {
                    Value::String(s) => {
                        attrs.insert(key.clone(), s.clone());
                    }
                    other => return Err(format!("attribute `{key}` must be a string, found {}", kind(other))),
                }
            }
            attrs
        }
        Some(other) => return Err(format!("field `attrs` must be an object of strings, found {}", kind(other))),
    };
    let warnings = object
        .keys()
        .filter(|key| !KNOWN_FIELDS.contains(&key.as_str()))
        .map(|key| format!("unknown field `{key}` is ignored (span fields: {})", KNOWN_FIELDS.join(", ")))
        .collect();
    Ok((Span { article_id, layer, start, end, label, text, attrs }, warnings))
}

/// A span whose `layer` is not the one its file's name fixes.
fn layer_mismatch(layer: &str, required: &str) -> String {
    format!("span is in layer `{layer}` but this file holds layer `{required}` (its name); move the line to {layer}.jsonl or fix its `layer`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_span_line() {
        let line = r#"{"article_id": "a", "layer": "quote", "start": 3, "end": 9, "label": "QUOTE", "text": "abcdef", "attrs": {"speaker": "لافروف"}}"#;
        let (span, warnings) = parse_span(line, "ner", None).unwrap();
        assert!(warnings.is_empty());
        assert_eq!((span.layer.as_str(), span.start, span.end), ("quote", 3, 9));
        assert_eq!(span.attrs["speaker"], "لافروف");
        assert_eq!(span.text.as_deref(), Some("abcdef"));
    }

    #[test]
    fn defaults_the_layer() {
        let (span, _) = parse_span(r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER"}"#, "ner", None).unwrap();
        assert_eq!(span.layer, "ner");
    }

    #[test]
    fn bad_span_lines_say_why() {
        let cases = [
            (r#"{"start": 0, "end": 1, "label": "PER"}"#, "missing field `article_id`"),
            (r#"{"article_id": "a", "end": 1, "label": "PER"}"#, "missing field `start`"),
            (r#"{"article_id": "a", "start": null, "end": 1, "label": "PER"}"#, "found null"),
            (r#"{"article_id": "a", "start": 0.5, "end": 1, "label": "PER"}"#, "whole number"),
            (r#"{"article_id": "a", "start": -3, "end": 1, "label": "PER"}"#, "negative"),
            (r#"{"article_id": "a", "start": "0", "end": 1, "label": "PER"}"#, "without quotes"),
            (r#"{"article_id": "a", "start": 0, "end": 1}"#, "missing field `label`"),
            (r#"{"article_id": "a", "start": 0, "end": 1, "label": 5}"#, "must be a string"),
            (r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "attrs": []}"#, "object of strings"),
            (r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "attrs": {"s": 1}}"#, "attribute `s`"),
            (r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "layer": "quote"}"#, "holds layer `ner`"),
        ];
        for (line, fragment) in cases {
            let message = parse_span(line, "ner", Some("ner")).unwrap_err();
            assert!(message.contains(fragment), "{line}: {message}");
        }
    }

    /// The fast scanner and the general reader agree on every line, clean or not.
    #[test]
    fn fast_and_general_readers_agree() {
        let lines = [
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER"}"#,
            r#"{"article_id":"a","start":10,"end":12,"label":"LOC","layer":"ner","text":"\u0645\"x\\","attrs":{"s":"لافروف","t":""}}"#,
            r#"  { "label" : "PER" , "end" : 7 , "start" : 3 , "article_id" : "a\/b" , "text" : null , "attrs" : null }  "#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "start": 4}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "attrs": {"s": "x", "s": "y"}}"#,
            r#"{"article_id": "a", "start": 01, "end": 1, "label": "PER"}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER",}"#,
            r#"{"article_id": "a", "start": 0, "end": 1e1, "label": "PER"}"#,
            r#"{"article_id": "a", "start": 0, "end": 99999999999999999999999, "label": "PER"}"#,
            r#"{"article_id": "", "start": 0, "end": 1, "label": "PER"}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": " PER"}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "layer": "quote"}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "extra": [1, {"k": 2}]}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER"} {}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER\ud83d\ude00"}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER\ud83d"}"#,
            "{\"article_id\": \"a\", \"start\": 0, \"end\": 1, \"label\": \"P\u{1}R\"}",
            r#"{"article_id": "a", "start": -0, "end": 1, "label": "PER"}"#,
            r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "attrs": {}}"#,
            r#"{}"#,
            r#"{"#,
            r#"[]"#,
        ];
        for line in lines {
            for required in [None, Some("ner")] {
                let general = parse_span_generally(line, "ner", required);
                if let Some(fast) = fast::parse(line, "ner", required) {
                    assert_eq!(fast.map(|span| (span, Vec::new())), general, "{line}");
                }
            }
        }
        assert!(fast::parse(lines[0], "ner", None).is_some() && fast::parse(lines[1], "ner", None).is_some());
        assert!(parse_span(lines[3], "ner", None).unwrap_err().contains("field `start` appears twice"));
        assert!(parse_span(lines[4], "ner", None).unwrap_err().contains("field `attrs.s` appears twice"));
    }

    #[test]
    fn unknown_fields_are_reported_not_dropped_silently() {
        let (_, warnings) = parse_span(r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "score": 0.9}"#, "ner", None).unwrap();
        assert!(warnings[0].contains("`score`"));
    }
}
