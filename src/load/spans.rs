//! The span JSONL reader (DESIGN.md): one `{"article_id", "start", "end", "label"}` object a
//! line, with optional `layer`, `text` and `attrs`. Field problems are reported per line and
//! the line skipped; checks against the articles happen in `dataset::check`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

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
    Ok(records)
}

/// Parses one span line; `Err` says what is wrong, warnings say what was ignored.
pub fn parse_span(line: &str, default_layer: &str, required_layer: Option<&str>) -> Result<(Span, Vec<String>), String> {
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
            return Err(format!(
                "span is in layer `{layer}` but this file holds layer `{required}` (its name); \
                 move the line to {layer}.jsonl or fix its `layer`"
            ));
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

    #[test]
    fn unknown_fields_are_reported_not_dropped_silently() {
        let (_, warnings) = parse_span(r#"{"article_id": "a", "start": 0, "end": 1, "label": "PER", "score": 0.9}"#, "ner", None).unwrap();
        assert!(warnings[0].contains("`score`"));
    }
}
