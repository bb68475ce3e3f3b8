//! mizan's own documents JSONL, both ways: one article a line with its spans inline —
//! `{"id", "text", ...metadata, "spans": [{"start", "end", "label", "layer"?, "text"?,
//! "attrs"?}]}`, offsets in code points, end-exclusive, exactly as span JSONL (DESIGN.md). It is
//! the lossless exchange form: every article field and span field survives a round trip.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::load::fields::{kind, parse_object, required_string, required_text, scalar_string};
use crate::load::imported::{span_problem, Imported};
use crate::load::lines::read_records;
use crate::load::spans::parse_span;
use crate::load::{make_article, Diagnostics, LoadError, Progress};
use crate::model::{Article, Span, DEFAULT_LAYER};

/// Reads documents JSONL, one record at a time.
pub fn read_jsonl(path: &Path, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<Imported, LoadError> {
    let mut imported = Imported::default();
    read_records(path, diagnostics, progress, parse_document, |(article, spans), _| {
        imported.articles.push(article);
        imported.spans.extend(spans);
    })?;
    Ok(imported)
}

/// An article with its spans, and the warnings its line gave.
type Document = ((Article, Vec<Span>), Vec<String>);

fn parse_document(line: &str) -> Result<Document, String> {
    let object = parse_object(line)?;
    let id = required_string(&object, "id")?;
    let text = required_text(&object, "text")?;
    let mut warnings = Vec::new();
    let mut metadata = BTreeMap::new();
    for (key, value) in &object {
        if matches!(key.as_str(), "id" | "text" | "spans") || value.is_null() {
            continue;
        }
        match scalar_string(value) {
            Some(value) => {
                metadata.insert(key.clone(), value);
            }
            None => warnings.push(format!("metadata field `{key}` is {} and is ignored; metadata values must be strings", kind(value))),
        }
    }
    let article = make_article(id.clone(), text, metadata);
    let mut spans = Vec::new();
    match object.get("spans") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (k, item) in items.iter().enumerate() {
                let Value::Object(fields) = item else {
                    return Err(format!("spans[{k}] must be an object, found {}", kind(item)));
                };
                let mut fields = fields.clone();
                fields.insert("article_id".into(), Value::String(id.clone()));
                let (span, span_warnings) = parse_span(&Value::Object(fields).to_string(), DEFAULT_LAYER, None).map_err(|m| format!("spans[{k}]: {m}"))?;
                warnings.extend(span_warnings.into_iter().map(|w| format!("spans[{k}]: {w}")));
                if let Some(problem) = span_problem(&article, span.start, span.end, span.text.as_deref()) {
                    return Err(format!("spans[{k}]: {problem}; fix the offsets or the `text`"));
                }
                spans.push(span);
            }
        }
        Some(other) => return Err(format!("field `spans` must be an array, found {}", kind(other))),
    }
    Ok(((article, spans), warnings))
}

/// Writes documents JSONL: every article in order, its spans inline in span order.
pub fn write_jsonl(articles: &[Article], spans: &[Span]) -> Vec<u8> {
    let mut by_article: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for span in spans {
        by_article.entry(&span.article_id).or_default().push(span);
    }
    let mut out = Vec::new();
    for article in articles {
        let mut line = article.to_json();
        let inline: Vec<Value> = by_article
            .get(article.id.as_str())
            .into_iter()
            .flatten()
            .map(|span| {
                let mut json = span.to_json();
                if let Some(map) = json.as_object_mut() {
                    map.remove("article_id");
                }
                json
            })
            .collect();
        line.insert("spans".into(), Value::Array(inline));
        out.extend(Value::Object(line).to_string().into_bytes());
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip_with_metadata_layers_and_attrs() {
        let article = Article::new("a1", "قال لافروف 😀 في موسكو", BTreeMap::from([("split".to_string(), "test".to_string())]));
        let spans = vec![Span::new("a1", 4, 10, "PER").with_text("لافروف"), Span::new("a1", 16, 21, "LOC").with_layer("place").with_attr("kind", "city")];
        let bytes = write_jsonl(std::slice::from_ref(&article), &spans);
        let line = String::from_utf8(bytes).unwrap();
        let ((read, read_spans), warnings) = parse_document(line.trim_end()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(read.text, article.text);
        assert_eq!(read.metadata["split"], "test");
        assert_eq!(read_spans, spans);
    }

    #[test]
    fn bad_documents_say_why() {
        let cases = [
            (r#"{"text": "x"}"#, "missing field `id`"),
            (r#"{"id": "a", "text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}"#, "runs past the end"),
            (r#"{"id": "a", "text": "abc", "spans": [{"start": 0, "end": 2, "label": "X", "text": "bc"}]}"#, "declares \"bc\""),
            (r#"{"id": "a", "text": "abc", "spans": {}}"#, "must be an array"),
            (r#"{"id": "a", "text": "abc", "spans": [{"start": 0, "label": "X"}]}"#, "spans[0]: missing field `end`"),
        ];
        for (line, fragment) in cases {
            let message = parse_document(line).unwrap_err();
            assert!(message.contains(fragment), "{line}: {message}");
        }
    }
}
