//! doccano JSONL out, the 1.x sequence-labelling form doccano imports: `{"id", "text", "label":
//! [[start, end, "TAG"]], ...metadata}`, offsets in the unit the project counts (UTF-16 code
//! units by default, as doccano does; grapheme clusters for a project made so). A span whose
//! ends are not cluster boundaries cannot be written in graphemes and is returned as refused.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::load::offsets::{OffsetMap, OffsetUnit};
use crate::model::{Article, Span};

/// What the writer produced: the file and the spans it could not express in the unit.
pub struct DoccanoExport {
    pub bytes: Vec<u8>,
    pub refused: Vec<Span>,
}

pub fn write_doccano(articles: &[Article], spans: &[Span], unit: OffsetUnit) -> DoccanoExport {
    let mut by_article: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for span in spans {
        by_article.entry(&span.article_id).or_default().push(span);
    }
    let mut export = DoccanoExport { bytes: Vec::new(), refused: Vec::new() };
    for article in articles {
        let map = OffsetMap::new(&article.text, unit);
        let mut labels = Vec::new();
        for span in by_article.get(article.id.as_str()).into_iter().flatten() {
            match (map.from_code_points(span.start), map.from_code_points(span.end)) {
                (Some(s), Some(e)) => labels.push(json!([s, e, span.label])),
                _ => export.refused.push((*span).clone()),
            }
        }
        let mut line = serde_json::Map::new();
        line.insert("id".into(), article.id.clone().into());
        line.insert("text".into(), article.text.clone().into());
        line.insert("label".into(), Value::Array(labels));
        for (key, value) in &article.metadata {
            if !matches!(key.as_str(), "id" | "text" | "label" | "labels" | "entities" | "relations" | "annotations" | "data" | "meta") {
                line.insert(key.clone(), value.clone().into());
            }
        }
        export.bytes.extend(Value::Object(line).to_string().into_bytes());
        export.bytes.push(b'\n');
    }
    export
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_written_in_the_unit() {
        let article = Article::new("a", "😀 مُحَمَّد", BTreeMap::new());
        let spans = [Span::new("a", 2, 10, "PER"), Span::new("a", 2, 3, "X")];
        let utf16 = write_doccano(std::slice::from_ref(&article), &spans, OffsetUnit::Utf16);
        assert!(String::from_utf8(utf16.bytes).unwrap().contains(r#""label":[[3,11,"PER"],[3,4,"X"]]"#));
        let graphemes = write_doccano(std::slice::from_ref(&article), &spans, OffsetUnit::Graphemes);
        assert!(String::from_utf8(graphemes.bytes).unwrap().contains(r#""label":[[2,6,"PER"]]"#));
        assert_eq!(graphemes.refused.len(), 1, "the lone letter without its diacritic is no cluster");
    }
}
