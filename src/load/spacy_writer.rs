//! spaCy / Prodigy JSONL out: `{"text", "tokens", "spans", "answer": "accept", "meta"}` a line,
//! the shape Prodigy's `ner.manual` saves and `spacy`'s JSONL converters read. Tokens come from
//! mizan's tokenizer (`tokens`), cut at span boundaries, so every span's `token_start` and
//! (inclusive) `token_end` are whole tokens; `meta` holds the article id and metadata.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::load::tokens::tokenize_at;
use crate::model::{Article, Span};

pub fn write_spacy(articles: &[Article], spans: &[Span]) -> Vec<u8> {
    let mut by_article: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for span in spans {
        by_article.entry(&span.article_id).or_default().push(span);
    }
    let mut out = Vec::new();
    for article in articles {
        let spans = by_article.get(article.id.as_str()).map_or(&[][..], Vec::as_slice);
        let boundaries: Vec<usize> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
        let (tokens, _) = tokenize_at(&article.text, &boundaries);
        let chars: Vec<char> = article.text.chars().collect();
        let token_json: Vec<Value> = tokens
            .iter()
            .enumerate()
            .map(|(id, t)| {
                let ws = chars.get(t.end).is_some_and(|c| c.is_whitespace());
                json!({"text": chars[t.start..t.end].iter().collect::<String>(), "start": t.start, "end": t.end, "id": id, "ws": ws})
            })
            .collect();
        let span_json: Vec<Value> = spans
            .iter()
            .map(|s| {
                let mut value = json!({"start": s.start, "end": s.end, "label": s.label});
                if let (Some(first), Some(last)) = (tokens.iter().position(|t| t.start == s.start), tokens.iter().rposition(|t| t.end == s.end)) {
                    value["token_start"] = first.into();
                    value["token_end"] = last.into();
                }
                value
            })
            .collect();
        let mut meta = serde_json::Map::new();
        meta.insert("id".into(), article.id.clone().into());
        for (key, value) in &article.metadata {
            if key != "id" {
                meta.insert(key.clone(), value.clone().into());
            }
        }
        let line = json!({"text": article.text, "tokens": token_json, "spans": span_json, "answer": "accept", "meta": Value::Object(meta)});
        out.extend(line.to_string().into_bytes());
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_name_whole_tokens() {
        let article = Article::new("a", "وفي القاهرة، قال", BTreeMap::new());
        let bytes = write_spacy(std::slice::from_ref(&article), &[Span::new("a", 4, 11, "LOC"), Span::new("a", 1, 3, "X")]);
        let line: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(line["spans"][0]["token_start"], 2);
        assert_eq!(line["spans"][0]["token_end"], 2);
        assert_eq!(line["tokens"][2]["text"], "القاهرة");
        assert_eq!(line["tokens"][3]["text"], "،");
        assert_eq!(line["spans"][1]["token_start"], 1, "و is cut off في");
        assert_eq!(line["meta"]["id"], "a");
    }
}
