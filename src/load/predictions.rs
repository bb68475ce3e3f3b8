//! A model's predictions in any annotation format, put onto a dataset's articles: what `run
//! --predictions NAME=FILE:FORMAT` and `score --pred-format FORMAT` read. Each document of the
//! file is matched to an article by id when the format carries one and the id is the
//! dataset's; otherwise by exact text; otherwise by its text with whitespace ignored (a CoNLL
//! file rebuilds its text from tokens), the offsets then mapped character by character. A
//! document that matches no article is an error naming it; nothing is guessed.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::load::conll::{read_conll, ConllOptions};
use crate::load::{
    load_spans, read_brat, read_doccano, read_jsonl, read_label_studio, read_spacy, Diagnostics, DoccanoOptions, Imported, LabelStudioOptions, LoadError,
    SpacyOptions,
};
use crate::model::{Article, Span, DEFAULT_LAYER};
use crate::progress::NoProgress;

/// Every format mizan reads annotations in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationFormat {
    /// Span JSONL (DESIGN.md): `{"article_id", "start", "end", "label"}` a line.
    Spans,
    Jsonl,
    Conll,
    Brat,
    LabelStudio,
    Doccano,
    Spacy,
}

impl FromStr for AnnotationFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "spans" | "span-jsonl" => Ok(AnnotationFormat::Spans),
            "jsonl" | "documents" => Ok(AnnotationFormat::Jsonl),
            "conll" => Ok(AnnotationFormat::Conll),
            "brat" => Ok(AnnotationFormat::Brat),
            "label-studio" | "labelstudio" => Ok(AnnotationFormat::LabelStudio),
            "doccano" => Ok(AnnotationFormat::Doccano),
            "spacy" | "prodigy" => Ok(AnnotationFormat::Spacy),
            other => Err(format!("unknown format `{other}` (spans, jsonl, conll, brat, label-studio, doccano, spacy, prodigy)")),
        }
    }
}

impl fmt::Display for AnnotationFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AnnotationFormat::Spans => "spans",
            AnnotationFormat::Jsonl => "jsonl",
            AnnotationFormat::Conll => "conll",
            AnnotationFormat::Brat => "brat",
            AnnotationFormat::LabelStudio => "label-studio",
            AnnotationFormat::Doccano => "doccano",
            AnnotationFormat::Spacy => "spacy",
        })
    }
}

/// Reads predictions over `articles`. Problems (a document matching no article, a span that
/// cannot be placed) are errors or warnings in `diagnostics`; a caller stops on errors. From a
/// Label Studio file the `predictions` are read when it has any, else its annotations; CoNLL
/// is read with its scheme detected, one article per `-DOCSTART-` document.
pub fn read_predictions(path: &Path, format: AnnotationFormat, articles: &[Article], diagnostics: &mut Diagnostics) -> Result<Vec<Span>, LoadError> {
    let progress = NoProgress;
    let layer = DEFAULT_LAYER.to_string();
    let mut imported = match format {
        AnnotationFormat::Spans => {
            let records = load_spans(path, DEFAULT_LAYER, None, diagnostics, &progress)?;
            return Ok(records.into_iter().map(|r| r.span).collect());
        }
        AnnotationFormat::Jsonl => read_jsonl(path, diagnostics, &progress)?,
        AnnotationFormat::Conll => {
            let options = ConllOptions { sentences_per_article: 0, layer, ..ConllOptions::default() };
            let conll = read_conll(path, &options, diagnostics, &progress)?;
            Imported { articles: conll.articles, spans: conll.spans, ..Imported::default() }
        }
        AnnotationFormat::Brat => read_brat(path, &layer, diagnostics, &progress)?,
        AnnotationFormat::LabelStudio => {
            read_label_studio(path, &LabelStudioOptions { text_field: None, layer, layer_from_control: false, offsets: None }, diagnostics, &progress)?
        }
        AnnotationFormat::Doccano => read_doccano(path, &DoccanoOptions { layer, ..DoccanoOptions::default() }, diagnostics, &progress)?,
        AnnotationFormat::Spacy => read_spacy(path, &SpacyOptions { layer, ..SpacyOptions::default() }, diagnostics, &progress)?,
    };
    if format == AnnotationFormat::LabelStudio && !imported.predictions.is_empty() {
        imported.spans = std::mem::take(&mut imported.predictions).into_values().flatten().collect();
    }
    Ok(place(path, format, imported, articles, diagnostics))
}

/// Puts each imported document's spans onto the dataset article it matches.
fn place(path: &Path, format: AnnotationFormat, imported: Imported, articles: &[Article], diagnostics: &mut Diagnostics) -> Vec<Span> {
    let by_id: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let mut by_text: HashMap<&str, usize> = HashMap::new();
    for (i, article) in articles.iter().enumerate() {
        by_text.entry(article.text.as_str()).or_insert(i);
    }
    let mut by_letters: Option<HashMap<String, usize>> = None;
    let mut spans_of: HashMap<&str, Vec<&Span>> = HashMap::new();
    for span in &imported.spans {
        spans_of.entry(span.article_id.as_str()).or_default().push(span);
    }
    let has_ids = !matches!(format, AnnotationFormat::Conll);
    let mut placed = Vec::new();
    let mut seen = BTreeSet::new();
    for document in &imported.articles {
        let spans = spans_of.remove(document.id.as_str()).unwrap_or_default();
        let exact = has_ids.then(|| by_id.get(document.id.as_str()).copied().filter(|&i| articles[i].text == document.text)).flatten();
        let target = exact.or_else(|| by_text.get(document.text.as_str()).copied());
        let (index, mapping) = match target {
            Some(i) => (i, None),
            None => {
                let letters = by_letters.get_or_insert_with(|| articles.iter().enumerate().map(|(i, a)| (non_whitespace(&a.text), i)).collect());
                match letters.get(&non_whitespace(&document.text)) {
                    Some(&i) => (i, Some(align(&document.text, &articles[i].text))),
                    None => {
                        let preview: String = document.text.chars().take(40).collect();
                        let id_note = if has_ids && by_id.contains_key(document.id.as_str()) { " (an article has its id, with another text)" } else { "" };
                        diagnostics.error(
                            path,
                            None,
                            format!(
                                "document `{}` ({preview:?}…){id_note} matches no article of the dataset by id or text; predictions must be made over the dataset's own texts",
                                document.id
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        let article = &articles[index];
        if !seen.insert(index) {
            diagnostics.warning(path, None, format!("document `{}` is the second one matched to article `{}`; its spans are added", document.id, article.id));
        }
        for span in spans {
            let offsets = match &mapping {
                None => Some((span.start, span.end)),
                Some(map) => map_range(map, span.start, span.end),
            };
            let Some((start, end)) = offsets.filter(|&(s, e)| s < e && e <= article.char_len()) else {
                diagnostics.warning(
                    path,
                    None,
                    format!(
                        "document `{}`: span {}..{} {} cannot be placed on article `{}`; it is left out",
                        document.id, span.start, span.end, span.label, article.id
                    ),
                );
                continue;
            };
            let mut span = span.clone();
            span.article_id = article.id.clone();
            span.text = article.slice(start, end).map(str::to_owned);
            span.start = start;
            span.end = end;
            placed.push(span);
        }
    }
    placed
}

fn non_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// For each code point of `from`, its offset in `to` when it is not whitespace (the two texts
/// hold the same non-whitespace characters in the same order).
fn align(from: &str, to: &str) -> Vec<Option<usize>> {
    let mut targets = to.chars().enumerate().filter(|(_, c)| !c.is_whitespace()).map(|(k, _)| k);
    from.chars().map(|c| if c.is_whitespace() { None } else { targets.next() }).collect()
}

fn map_range(map: &[Option<usize>], start: usize, end: usize) -> Option<(usize, usize)> {
    let first = (start..end.min(map.len())).find_map(|k| map[k])?;
    let last = (start..end.min(map.len())).rev().find_map(|k| map[k])?;
    Some((first, last + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn dataset() -> Vec<Article> {
        vec![Article::new("sana-1", "😀 قال لافروف في موسكو،\nأمس.", BTreeMap::new()), Article::new("sana-2", "زار دمشق", BTreeMap::new())]
    }

    fn read(name: &str, body: &str, format: AnnotationFormat) -> (Vec<(String, usize, usize, String)>, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let mut diagnostics = Diagnostics::default();
        let spans = read_predictions(&path, format, &dataset(), &mut diagnostics).unwrap();
        (spans.into_iter().map(|s| (s.article_id, s.start, s.end, s.text.unwrap_or_default())).collect(), diagnostics)
    }

    #[test]
    fn spacy_and_doccano_match_by_text() {
        let body = "{\"text\": \"زار دمشق\", \"spans\": [{\"start\": 4, \"end\": 8, \"label\": \"LOC\"}]}\n";
        let (spans, diagnostics) = read("p.jsonl", body, AnnotationFormat::Spacy);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(spans, vec![("sana-2".into(), 4, 8, "دمشق".into())]);
        let body = "{\"text\": \"😀 قال لافروف في موسكو،\\nأمس.\", \"label\": [[7, 13, \"PER\"]]}\n";
        let (spans, _) = read("d.jsonl", body, AnnotationFormat::Doccano);
        assert_eq!(spans, vec![("sana-1".into(), 6, 12, "لافروف".into())]);
    }

    #[test]
    fn label_studio_matches_by_id_and_prefers_predictions() {
        let body = r#"[{"id": 5, "data": {"text": "زار دمشق", "article_id": "sana-2"}, "annotations": [], "predictions": [{"model_version": "m", "result": [{"id": "r", "type": "labels", "value": {"start": 4, "end": 8, "text": "دمشق", "labels": ["LOC"]}}]}]}]"#;
        let (spans, _) = read("ls.json", body, AnnotationFormat::LabelStudio);
        assert_eq!(spans, vec![("sana-2".into(), 4, 8, "دمشق".into())]);
    }

    #[test]
    fn conll_is_matched_with_whitespace_ignored() {
        let body = "😀 O\nقال O\nلافروف B-PER\nفي O\nموسكو B-LOC\n، O\n\nأمس O\n. O\n";
        let (spans, diagnostics) = read("p.conll", body, AnnotationFormat::Conll);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(spans, vec![("sana-1".into(), 6, 12, "لافروف".into()), ("sana-1".into(), 16, 21, "موسكو".into())]);
    }

    #[test]
    fn a_text_that_matches_no_article_is_an_error() {
        let body = "{\"text\": \"نص آخر\", \"spans\": [{\"start\": 0, \"end\": 2, \"label\": \"X\"}]}\n";
        let (spans, diagnostics) = read("p.jsonl", body, AnnotationFormat::Spacy);
        assert!(spans.is_empty());
        assert_eq!(diagnostics.error_count(), 1);
        assert!(diagnostics.problems()[0].message.contains("matches no article of the dataset"), "{diagnostics:?}");
        assert_eq!("prodigy".parse::<AnnotationFormat>(), Ok(AnnotationFormat::Spacy));
        assert!("xml".parse::<AnnotationFormat>().is_err());
    }
}
