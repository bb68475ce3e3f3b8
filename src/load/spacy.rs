//! spaCy / Prodigy JSONL: `{"text", "spans": [{"start", "end", "label", "token_start"?,
//! "token_end"?}], "tokens"?, "answer"?, "meta"?, "_input_hash"?}` a line, offsets in code
//! points (Python string indices), end-exclusive; `token_end` is inclusive, as Prodigy writes
//! it. Read a line at a time.
//!
//! Only `answer: "accept"` records (and records without `answer`) are gold unless `answers`
//! says otherwise; the others are counted. Records with the same `_input_hash` and text (one
//! text annotated twice) are one article. `meta` fields become article metadata, `meta.id` (or
//! a top-level `id`) the article id, else `<stem>-<line>`. A span's `token_start`/`token_end`
//! are checked against `tokens` when both are there; a disagreement is reported, the character
//! offsets kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;

use crate::load::fields::{kind, parse_object, required_offset, required_text, scalar_string};
use crate::load::imported::{dedup_spans, span_problem, Ids, Imported};
use crate::load::json_stream::read_json_records;
use crate::load::{make_article, Diagnostics, LoadError, Progress};
use crate::model::Span;

/// How to read a spaCy/Prodigy file.
#[derive(Debug, Clone)]
pub struct SpacyOptions {
    /// The `answer` values that make a record gold (`accept` by default).
    pub answers: BTreeSet<String>,
    pub layer: String,
}

impl Default for SpacyOptions {
    fn default() -> Self {
        SpacyOptions { answers: BTreeSet::from(["accept".to_string()]), layer: "ner".into() }
    }
}

/// One line as read.
struct Record {
    id: Option<String>,
    text: String,
    metadata: BTreeMap<String, String>,
    answer: Option<String>,
    input_hash: Option<String>,
    /// start, end, label, the text the span declares.
    spans: Vec<(usize, usize, String, Option<String>)>,
    document_labels: usize,
}

/// Reads a spaCy/Prodigy JSONL file.
pub fn read_spacy(path: &Path, options: &SpacyOptions, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<Imported, LoadError> {
    let mut imported = Imported::default();
    let stem = path.file_stem().map_or("doc".into(), |s| s.to_string_lossy().into_owned());
    let mut by_hash: HashMap<(String, String), usize> = HashMap::new();
    let mut ids = Ids::default();
    let mut bad = Vec::new();
    read_json_records(path, diagnostics, progress, parse_record, |record, line| {
        let answer = record.answer.clone().unwrap_or_else(|| "accept".into());
        if !options.answers.contains(&answer) {
            imported.summary.skip(format!("records answered `{answer}` (choose with --answers)"), 1);
            return;
        }
        let key = record.input_hash.clone().map(|hash| (hash, record.text.clone()));
        let index = match key.as_ref().and_then(|k| by_hash.get(k)) {
            Some(&index) => {
                imported.summary.count("records merged with an earlier one of the same _input_hash", 1);
                index
            }
            None => {
                let id = ids.assign(record.id.clone(), &stem, line, &mut imported.summary);
                imported.articles.push(make_article(id, record.text.clone(), record.metadata.clone()));
                if let Some(key) = key {
                    by_hash.insert(key, imported.articles.len() - 1);
                }
                imported.articles.len() - 1
            }
        };
        let article = &imported.articles[index];
        if record.spans.is_empty() {
            imported.summary.count("records without spans", 1);
        }
        for (start, end, label, declared) in record.spans {
            if let Some(problem) = span_problem(article, start, end, declared.as_deref()) {
                bad.push((line, format!("{problem}; the span is not imported")));
                continue;
            }
            let covered = article.slice(start, end).unwrap_or_default().to_string();
            imported.spans.push(Span::new(article.id.clone(), start, end, label).with_layer(options.layer.clone()).with_text(covered));
        }
        imported.summary.skip("document-level labels (text classification)", record.document_labels);
    })?;
    for (line, message) in bad {
        imported.summary.skip("spans outside the text or not holding their declared text (reported)", 1);
        diagnostics.warning(path, Some(line), message);
    }
    let removed = dedup_spans(&mut imported.spans);
    imported.summary.skip("spans given again by a merged record (kept once)", removed);
    Ok(imported)
}

fn parse_record(line: &str) -> Result<(Record, Vec<String>), String> {
    // spaCy v2's training tuples: `["text", {"entities": [[start, end, "LABEL"]]}]`.
    let object = match serde_json::from_str::<Value>(line) {
        Ok(Value::Array(pair)) => match pair.as_slice() {
            [Value::String(text), Value::Object(annotations)] => {
                let mut object = annotations.clone();
                object.insert("text".into(), Value::String(text.clone()));
                object
            }
            _ => return Err("a JSON array line must be spaCy's [\"text\", {\"entities\": [[start, end, \"LABEL\"]]}]".into()),
        },
        _ => parse_object(line)?,
    };
    let text = required_text(&object, "text")?;
    let mut warnings = Vec::new();
    let mut metadata = BTreeMap::new();
    if let Some(meta) = object.get("meta") {
        let Value::Object(meta) = meta else { return Err(format!("`meta` must be an object, found {}", kind(meta))) };
        for (key, value) in meta {
            match scalar_string(value) {
                Some(value) => {
                    metadata.insert(key.clone(), value);
                }
                None if value.is_null() => {}
                None => warnings.push(format!("meta field `{key}` is {} and is not kept; metadata values must be scalars", kind(value))),
            }
        }
    }
    let id = object.get("id").and_then(scalar_string).or_else(|| metadata.remove("id"));
    let answer = match object.get("answer") {
        None | Some(Value::Null) => None,
        Some(Value::String(answer)) => Some(answer.clone()),
        Some(other) => return Err(format!("`answer` must be accept, reject or ignore, found {}", kind(other))),
    };
    let input_hash = object.get("_input_hash").and_then(scalar_string);
    let tokens: Option<Vec<(usize, usize)>> = object.get("tokens").and_then(Value::as_array).map(|tokens| {
        tokens
            .iter()
            .map(|t| (t.get("start").and_then(Value::as_u64).unwrap_or(0) as usize, t.get("end").and_then(Value::as_u64).unwrap_or(0) as usize))
            .collect()
    });
    let mut spans = Vec::new();
    match object.get("spans") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (k, item) in items.iter().enumerate() {
                let Value::Object(span) = item else { return Err(format!("spans[{k}] must be an object, found {}", kind(item))) };
                let start = required_offset(span, "start").map_err(|m| format!("spans[{k}]: {m}"))?;
                let end = required_offset(span, "end").map_err(|m| format!("spans[{k}]: {m}"))?;
                let label = match span.get("label") {
                    Some(Value::String(label)) if !label.is_empty() => label.clone(),
                    other => return Err(format!("spans[{k}]: `label` must be a name, found {}", other.map_or("nothing".into(), kind))),
                };
                if let (Some(tokens), Some(ts), Some(te)) =
                    (&tokens, span.get("token_start").and_then(Value::as_u64), span.get("token_end").and_then(Value::as_u64))
                {
                    let fits = tokens.get(ts as usize).is_some_and(|t| t.0 == start) && tokens.get(te as usize).is_some_and(|t| t.1 == end);
                    if !fits {
                        warnings.push(format!(
                            "spans[{k}] {start}..{end}: token_start {ts} / token_end {te} (inclusive) are not its tokens; the character offsets are used"
                        ));
                    }
                }
                spans.push((start, end, label, span.get("text").and_then(Value::as_str).map(str::to_owned)));
            }
        }
        Some(other) => return Err(format!("`spans` must be a list, found {}", kind(other))),
    }
    // spaCy's `entities` triples, beside or instead of `spans`.
    if let Some(entities) = object.get("entities") {
        let Value::Array(items) = entities else { return Err(format!("`entities` must be a list of [start, end, label], found {}", kind(entities))) };
        for item in items {
            match item.as_array().map(Vec::as_slice) {
                Some([Value::Number(s), Value::Number(e), Value::String(label)]) => match (s.as_u64(), e.as_u64()) {
                    (Some(s), Some(e)) => spans.push((s as usize, e as usize, label.clone(), None)),
                    _ => return Err(format!("offsets in {item} must be whole non-negative numbers")),
                },
                _ => return Err(format!("`entities` entry {item} is not [start, end, \"LABEL\"]")),
            }
        }
    }
    let document_labels = usize::from(object.get("label").is_some_and(Value::is_string)) + object.get("accept").and_then(Value::as_array).map_or(0, Vec::len);
    Ok((Record { id, text, metadata, answer, input_hash, spans, document_labels }, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &str, answers: &[&str]) -> (Imported, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        std::fs::write(&path, lines).unwrap();
        let options = SpacyOptions { answers: answers.iter().map(|a| a.to_string()).collect(), layer: "ner".into() };
        let mut diagnostics = Diagnostics::default();
        let imported = read_spacy(&path, &options, &mut diagnostics, &crate::progress::NoProgress).unwrap();
        (imported, diagnostics)
    }

    const LINES: &str = concat!(
        r#"{"text": "😀 قال لافروف", "spans": [{"start": 6, "end": 12, "label": "PER", "token_start": 2, "token_end": 2}], "tokens": [{"text": "😀", "start": 0, "end": 1, "id": 0}, {"text": "قال", "start": 2, "end": 5, "id": 1}, {"text": "لافروف", "start": 6, "end": 12, "id": 2}], "answer": "accept", "meta": {"source": "sana", "id": "s1"}, "_input_hash": 11}"#,
        "\n",
        r#"{"text": "😀 قال لافروف", "spans": [{"start": 6, "end": 12, "label": "PER"}, {"start": 2, "end": 5, "label": "X"}], "answer": "accept", "_input_hash": 11}"#,
        "\n",
        r#"{"text": "في موسكو", "spans": [{"start": 3, "end": 8, "label": "LOC"}], "answer": "reject"}"#,
        "\n",
        r#"{"text": "لا شيء", "answer": "ignore"}"#,
        "\n",
        r#"{"text": "بلا كيانات"}"#,
        "\n"
    );

    #[test]
    fn answers_meta_and_merged_records() {
        let (imported, diagnostics) = read(LINES, &["accept"]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(imported.articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["s1", "p-5"]);
        assert_eq!(imported.articles[0].metadata["source"], "sana");
        assert_eq!(imported.spans.len(), 2, "the repeated PER is kept once");
        assert_eq!(imported.summary.skipped["records answered `reject` (choose with --answers)"], 1);
        let (imported, _) = read(LINES, &["accept", "reject", "ignore"]);
        assert_eq!(imported.articles.len(), 4);
        // Two sentences of one source document share its meta.id.
        let lines = "{\"text\": \"أ\", \"meta\": {\"id\": \"doc\"}}\n{\"text\": \"ب\", \"meta\": {\"id\": \"doc\"}}\n";
        let (imported, _) = read(lines, &["accept"]);
        assert_eq!(imported.articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["doc", "doc-2"]);
    }

    #[test]
    fn spacy_entities_triples_and_training_tuples() {
        let lines = "[\"قال لافروف\", {\"entities\": [[4, 10, \"PER\"]]}]\n{\"text\": \"في موسكو\", \"entities\": [[3, 8, \"LOC\"]]}\n";
        let (imported, diagnostics) = read(lines, &["accept"]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let texts: Vec<&str> = imported.spans.iter().map(|s| s.text.as_deref().unwrap()).collect();
        assert_eq!(texts, ["لافروف", "موسكو"]);
    }

    #[test]
    fn bad_spans_and_tokens_are_reported() {
        let line = r#"{"text": "قال", "spans": [{"start": 0, "end": 9, "label": "X", "token_start": 0, "token_end": 0}, {"start": 0, "end": 2, "label": "Y", "text": "ال"}], "tokens": [{"start": 0, "end": 2}]}"#;
        let (imported, diagnostics) = read(line, &["accept"]);
        assert!(imported.spans.is_empty());
        let messages: Vec<&str> = diagnostics.problems().iter().map(|p| p.message.as_str()).collect();
        assert!(messages[0].contains("token_start 0"), "{messages:?}");
        assert!(messages[1].contains("runs past the end"), "{messages:?}");
        assert!(messages[2].contains("declares \"ال\""), "{messages:?}");
        let (_, diagnostics) = read(r#"{"text": "x", "spans": [{"start": 0, "end": 1}]}"#, &["accept"]);
        assert!(diagnostics.problems()[0].message.contains("`label` must be a name"));
    }
}
