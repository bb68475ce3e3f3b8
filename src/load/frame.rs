//! The DataFrame boundary: articles and spans become polars frames here, with the schemas
//! documented in `docs/data-model.md`. Everything downstream that aggregates (stats, slices,
//! tables) works on these frames.

use std::collections::BTreeSet;

use polars::prelude::*;

use crate::model::{Article, Span, STANDARD_METADATA};

/// Columns of the articles frame before the metadata columns.
pub const ARTICLE_COLUMNS: [&str; 3] = ["id", "text", "chars"];

/// Columns of the spans frame.
pub const SPAN_COLUMNS: [&str; 11] = ["article_id", "layer", "start", "end", "byte_start", "byte_end", "label", "text", "attrs", "file", "line"];

/// One row per article: `id`, `text`, `chars` (code points), then one string column per
/// metadata key — the standard keys always, others when any article has them — null where an
/// article lacks the key.
pub fn articles_frame(articles: &[Article]) -> PolarsResult<DataFrame> {
    let mut keys: Vec<String> = STANDARD_METADATA.iter().map(|k| k.to_string()).collect();
    let extra: BTreeSet<&String> = articles.iter().flat_map(|a| a.metadata.keys()).filter(|k| !STANDARD_METADATA.contains(&k.as_str())).collect();
    keys.extend(extra.into_iter().cloned());

    let mut columns = vec![
        Column::new("id".into(), articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>()),
        Column::new("text".into(), articles.iter().map(|a| a.text.as_str()).collect::<Vec<_>>()),
        Column::new("chars".into(), articles.iter().map(|a| a.char_len() as u64).collect::<Vec<_>>()),
    ];
    for key in &keys {
        let values: Vec<Option<&str>> = articles.iter().map(|a| a.metadata.get(key).map(String::as_str)).collect();
        columns.push(Column::new(key.as_str().into(), values));
    }
    DataFrame::new(articles.len(), columns)
}

/// A span with where it sits in bytes (when its article is known) and where it was read.
pub struct SpanRow<'a> {
    pub span: &'a Span,
    pub bytes: Option<std::ops::Range<usize>>,
    /// The file and 1-based line it was read from.
    pub file: &'a str,
    pub line: u64,
}

/// One row per span; `byte_start`/`byte_end` are null when the span was read without its
/// article, `attrs` is a JSON object string or null, `file` and `line` say where it was read.
pub fn spans_frame(rows: &[SpanRow<'_>]) -> PolarsResult<DataFrame> {
    let attrs: Vec<Option<String>> =
        rows.iter().map(|r| (!r.span.attrs.is_empty()).then(|| serde_json::to_string(&r.span.attrs).unwrap_or_default())).collect();
    let columns = vec![
        Column::new("article_id".into(), rows.iter().map(|r| r.span.article_id.as_str()).collect::<Vec<_>>()),
        Column::new("layer".into(), rows.iter().map(|r| r.span.layer.as_str()).collect::<Vec<_>>()),
        Column::new("start".into(), rows.iter().map(|r| r.span.start as u64).collect::<Vec<_>>()),
        Column::new("end".into(), rows.iter().map(|r| r.span.end as u64).collect::<Vec<_>>()),
        Column::new("byte_start".into(), rows.iter().map(|r| r.bytes.as_ref().map(|b| b.start as u64)).collect::<Vec<_>>()),
        Column::new("byte_end".into(), rows.iter().map(|r| r.bytes.as_ref().map(|b| b.end as u64)).collect::<Vec<_>>()),
        Column::new("label".into(), rows.iter().map(|r| r.span.label.as_str()).collect::<Vec<_>>()),
        Column::new("text".into(), rows.iter().map(|r| r.span.text.as_deref()).collect::<Vec<_>>()),
        Column::new("attrs".into(), attrs),
        Column::new("file".into(), rows.iter().map(|r| r.file).collect::<Vec<_>>()),
        Column::new("line".into(), rows.iter().map(|r| r.line).collect::<Vec<_>>()),
    ];
    DataFrame::new(rows.len(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn articles_frame_has_standard_and_extra_metadata_columns() {
        let articles = vec![
            Article::new("a", "موسكو-سانا\nنص", BTreeMap::from([("topic".to_string(), "politics".to_string())])),
            Article::new("b", "text", BTreeMap::from([("split".to_string(), "test".to_string())])),
        ];
        let frame = articles_frame(&articles).unwrap();
        let names: Vec<&str> = frame.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(&names[..3], &ARTICLE_COLUMNS);
        assert!(names.contains(&"dateline_agency") && names.contains(&"topic"));
        assert_eq!(frame.column("chars").unwrap().u64().unwrap().get(0), Some(13));
        assert_eq!(frame.column("split").unwrap().str().unwrap().get(0), None);
        assert_eq!(frame.column("split").unwrap().str().unwrap().get(1), Some("test"));
    }

    #[test]
    fn spans_frame_keeps_offsets_and_attributes() {
        let span = Span {
            article_id: "a".into(),
            layer: "quote".into(),
            start: 2,
            end: 4,
            label: "QUOTE".into(),
            text: None,
            attrs: BTreeMap::from([("speaker".to_string(), "لافروف".to_string())]),
        };
        let rows = [SpanRow { span: &span, bytes: Some(4..8), file: "q.jsonl", line: 1 }];
        let frame = spans_frame(&rows).unwrap();
        assert_eq!(frame.get_column_names().len(), SPAN_COLUMNS.len());
        assert_eq!(frame.column("byte_end").unwrap().u64().unwrap().get(0), Some(8));
        assert_eq!(frame.column("attrs").unwrap().str().unwrap().get(0), Some(r#"{"speaker":"لافروف"}"#));
    }
}
