//! doccano JSONL, every form its versions exported: `{"text", "label": [[start, end, "TAG"]]}`
//! (1.x; older files say `labels`), `{"text", "entities": [{"id", "start_offset", "end_offset",
//! "label"}], "relations": [{"from_id", "to_id", "type"}]}` (relation projects), and the ≤ 1.0
//! `{"text", "annotations": [{"label": 3, "start_offset", "end_offset", "user"}]}` with numeric
//! label ids (named with `--label-names`). The text is `text` or `data`; `meta` and other scalar
//! fields become article metadata; the article id is `id`, or `<stem>-<line>`.
//!
//! doccano counts UTF-16 code units, or grapheme clusters in a project made so. With
//! `--offsets` the unit is given; without it the file is read twice: the first pass finds the
//! units under which every span lands on boundaries and inside the text, and among them the
//! one whose spans least often begin or end inside a word. It says which it chose — or, when
//! the text cannot tell them apart differently, stops and names the flag.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use crate::load::fields::{kind, parse_object, scalar_string};
use crate::load::imported::{Ids, Imported};
use crate::load::json_stream::read_json_records;
use crate::load::offsets::{OffsetMap, OffsetUnit};
use crate::load::{make_article, Diagnostics, LoadError, Progress};
use crate::model::Span;

/// How to read a doccano file.
#[derive(Debug, Clone, Default)]
pub struct DoccanoOptions {
    /// The offset unit; `None` detects it.
    pub offsets: Option<OffsetUnit>,
    /// Label id → name, for the ≤ 1.0 `annotations` form.
    pub label_names: BTreeMap<String, String>,
    pub layer: String,
}

/// One line as read, offsets still in the file's unit.
struct Record {
    id: Option<String>,
    text: String,
    metadata: BTreeMap<String, String>,
    /// start, end, label, entity id.
    spans: Vec<(usize, usize, String, Option<String>)>,
    relations: Vec<Value>,
    document_labels: usize,
}

/// Reads a doccano JSONL file.
pub fn read_doccano(path: &Path, options: &DoccanoOptions, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<Imported, LoadError> {
    let mut imported = Imported::default();
    let parse = |line: &str| parse_record(line, &options.label_names);
    let unit = match options.offsets {
        Some(unit) => unit,
        None => {
            let mut evidence = Evidence::default();
            let mut first = Diagnostics::default();
            read_json_records(path, &mut first, progress, parse, |record, _| evidence.add(&record))?;
            match evidence.choose() {
                Ok(Some((unit, why))) => {
                    imported.summary.convert(format!(
                        "{}: offsets counted {} ({why}); converted to code points — choose with --offsets",
                        path.display(),
                        unit.description()
                    ));
                    unit
                }
                Ok(None) => OffsetUnit::CodePoints,
                Err(message) => return Err(LoadError::Unusable { path: path.to_path_buf(), message }),
            }
        }
    };
    let stem = path.file_stem().map_or("doc".into(), |s| s.to_string_lossy().into_owned());
    let mut bad = Vec::new();
    let mut ids = Ids::default();
    read_json_records(path, diagnostics, progress, parse, |record, line| {
        let id = ids.assign(record.id.clone(), &stem, line, &mut imported.summary);
        let article = make_article(id, record.text, record.metadata);
        let map = OffsetMap::new(&article.text, unit);
        let mut by_entity: BTreeMap<String, Value> = BTreeMap::new();
        for (start, end, label, entity) in record.spans {
            let Some((s, e)) = map.range(start, end) else {
                bad.push((
                    line,
                    format!(
                        "span {start}..{end} {label} is empty, runs past the text or splits a character in {}; the span is not imported",
                        unit.description()
                    ),
                ));
                continue;
            };
            let covered = article.slice(s, e).unwrap_or_default().to_string();
            if let Some(entity) = entity {
                by_entity.insert(entity, json!({"start": s, "end": e, "label": label}));
            }
            imported.spans.push(Span::new(article.id.clone(), s, e, label).with_layer(options.layer.clone()).with_text(covered));
        }
        for relation in record.relations {
            let arg = |key: &str, role: &str| {
                let reference = relation.get(key).and_then(scalar_string).unwrap_or_default();
                let mut value = by_entity.get(&reference).cloned().unwrap_or_else(|| json!({}));
                value["role"] = role.into();
                value["ref"] = reference.into();
                value
            };
            let kind = relation.get("type").and_then(scalar_string).unwrap_or_default();
            let id = relation.get("id").and_then(scalar_string).unwrap_or_default();
            imported
                .relations
                .push(json!({"article_id": article.id, "id": id, "kind": "relation", "type": kind, "args": [arg("from_id", "from"), arg("to_id", "to")]}));
            imported.summary.count("relations", 1);
        }
        imported.summary.skip("document-level labels (text classification)", record.document_labels);
        imported.articles.push(article);
    })?;
    for (line, message) in bad {
        imported.summary.skip("spans outside the text or its characters (reported)", 1);
        diagnostics.warning(path, Some(line), message);
    }
    Ok(imported)
}

fn parse_record(line: &str, label_names: &BTreeMap<String, String>) -> Result<(Record, Vec<String>), String> {
    let object = parse_object(line)?;
    let text = match (object.get("text"), object.get("data")) {
        (Some(Value::String(text)), _) | (None, Some(Value::String(text))) => text.clone(),
        (Some(other), _) | (None, Some(other)) => return Err(format!("field `text` must be a string, found {}", kind(other))),
        (None, None) => return Err("missing field `text` (doccano keeps the text under `text` or `data`)".into()),
    };
    let mut record =
        Record { id: object.get("id").and_then(scalar_string), text, metadata: BTreeMap::new(), spans: Vec::new(), relations: Vec::new(), document_labels: 0 };
    let mut warnings = Vec::new();
    let known = ["id", "text", "data", "label", "labels", "entities", "relations", "annotations", "meta", "annotation_approver", "comments", "Comments"];
    for (key, value) in &object {
        let fields = match (key.as_str(), value) {
            ("meta", Value::Object(meta)) => meta.iter().collect::<Vec<_>>(),
            (name, value) if !known.contains(&name) => vec![(key, value)],
            _ => continue,
        };
        for (key, value) in fields {
            match scalar_string(value) {
                Some(value) => {
                    record.metadata.insert(key.clone(), value);
                }
                None if value.is_null() => {}
                None => warnings.push(format!("field `{key}` is {} and is not kept; metadata values must be scalars", kind(value))),
            }
        }
    }
    for key in ["label", "labels"] {
        if let Some(value) = object.get(key) {
            let Value::Array(items) = value else { return Err(format!("`{key}` must be a list of [start, end, label], found {}", kind(value))) };
            for item in items {
                match item {
                    Value::Array(triple) => match triple.as_slice() {
                        [Value::Number(s), Value::Number(e), label] => {
                            let (Some(s), Some(e)) = (s.as_u64(), e.as_u64()) else {
                                return Err(format!("offsets in {item} must be whole non-negative numbers"));
                            };
                            record.spans.push((s as usize, e as usize, label_name(label, label_names)?, None));
                        }
                        _ => return Err(format!("`{key}` entry {item} is not [start, end, label]")),
                    },
                    Value::String(_) => record.document_labels += 1,
                    other => return Err(format!("`{key}` entry {} is not [start, end, label]", kind(other))),
                }
            }
        }
    }
    for key in ["entities", "annotations"] {
        if let Some(value) = object.get(key) {
            let Value::Array(items) = value else { return Err(format!("`{key}` must be a list, found {}", kind(value))) };
            for item in items {
                let offset = |field: &str| item.get(field).and_then(Value::as_u64).map(|n| n as usize);
                let (Some(s), Some(e), Some(label)) = (offset("start_offset"), offset("end_offset"), item.get("label")) else {
                    if item.get("label").is_some() && item.get("start_offset").is_none() {
                        record.document_labels += 1;
                        continue;
                    }
                    return Err(format!("`{key}` entry {item} needs start_offset, end_offset (whole numbers) and label"));
                };
                record.spans.push((s, e, label_name(label, label_names)?, item.get("id").and_then(scalar_string)));
            }
        }
    }
    if let Some(Value::Array(relations)) = object.get("relations") {
        record.relations = relations.clone();
    }
    Ok((record, warnings))
}

/// A label: a name, or a numeric id named by `--label-names`.
fn label_name(label: &Value, names: &BTreeMap<String, String>) -> Result<String, String> {
    match label {
        Value::String(name) if !name.is_empty() => Ok(names.get(name).cloned().unwrap_or_else(|| name.clone())),
        Value::Number(id) => names.get(&id.to_string()).cloned().ok_or_else(|| {
            if names.is_empty() {
                format!("label {id} is a doccano label id; name the labels with --label-names 1=PER,2=LOC (or the project's label export, a JSON file)")
            } else {
                format!("label id {id} is not in --label-names ({}); add it", names.keys().cloned().collect::<Vec<_>>().join(", "))
            }
        }),
        other => Err(format!("label must be a name or a label id, found {}", kind(other))),
    }
}

/// What the first pass learnt about each unit.
#[derive(Default)]
struct Evidence {
    /// Spans that are impossible in the unit (off the text, inside a character or cluster).
    impossible: BTreeMap<OffsetUnit, usize>,
    /// Span ends that fall inside a word in the unit.
    mid_word: BTreeMap<OffsetUnit, usize>,
    /// Spans whose code points in the unit differ from reading them as code points.
    differing: BTreeMap<OffsetUnit, usize>,
}

impl Evidence {
    fn add(&mut self, record: &Record) {
        let chars: Vec<char> = record.text.chars().collect();
        let inside_word = |k: usize| k > 0 && k < chars.len() && is_word(chars[k - 1]) && is_word(chars[k]);
        for unit in OffsetUnit::ALL {
            if unit != OffsetUnit::CodePoints && !unit.differs_in(&record.text) {
                let cp_mid: usize = record.spans.iter().map(|&(s, e, _, _)| usize::from(inside_word(s)) + usize::from(inside_word(e))).sum();
                *self.mid_word.entry(unit).or_default() += cp_mid;
                let invalid = record.spans.iter().filter(|&&(s, e, _, _)| s >= e || e > chars.len()).count();
                *self.impossible.entry(unit).or_default() += invalid;
                continue;
            }
            let map = OffsetMap::new(&record.text, unit);
            for &(s, e, _, _) in &record.spans {
                match map.range(s, e) {
                    Some((cs, ce)) => {
                        *self.mid_word.entry(unit).or_default() += usize::from(inside_word(cs)) + usize::from(inside_word(ce));
                        *self.differing.entry(unit).or_default() += usize::from((cs, ce) != (s, e));
                    }
                    None => *self.impossible.entry(unit).or_default() += 1,
                }
            }
        }
    }

    /// The unit to use and why; `None` when code points serve (no unit reads differently).
    /// Fewest spans that cannot be placed first, then fewest span ends inside a word; a tie
    /// between units that read the file differently is no answer.
    fn choose(&self) -> Result<Option<(OffsetUnit, String)>, String> {
        let count = |map: &BTreeMap<OffsetUnit, usize>, u: OffsetUnit| map.get(&u).copied().unwrap_or(0);
        let score = |u: OffsetUnit| (count(&self.impossible, u), count(&self.mid_word, u));
        let differs = |u: OffsetUnit| u != OffsetUnit::CodePoints && count(&self.differing, u) > 0;
        // Units that read the file as code points do are the same candidate.
        let candidates: Vec<OffsetUnit> = OffsetUnit::ALL.into_iter().filter(|&u| u == OffsetUnit::CodePoints || differs(u)).collect();
        if candidates.len() == 1 {
            return Ok(None);
        }
        let best = candidates.iter().map(|&u| score(u)).min().unwrap_or_default();
        let winners: Vec<OffsetUnit> = candidates.iter().copied().filter(|&u| score(u) == best).collect();
        let describe = |u: OffsetUnit| {
            let (impossible, mid) = score(u);
            if impossible > 0 {
                format!("{impossible} span(s) off the text or splitting a character counted as {}", u.description())
            } else {
                format!("{mid} span end(s) inside a word counted as {}", u.description())
            }
        };
        match winners.as_slice() {
            [OffsetUnit::CodePoints] => Ok(None),
            [unit] => {
                let others: Vec<String> = candidates.iter().filter(|&&u| u != *unit).map(|&u| describe(u)).collect();
                Ok(Some((*unit, format!("{} against {}", describe(*unit), others.join(", ")))))
            }
            _ => {
                let names: Vec<&str> = winners.iter().map(|u| u.name()).collect();
                Err(format!(
                    "the spans fit the text equally well counted as {}; say which unit doccano counted with --offsets {} (doccano's default is utf16; graphemes when the project counts grapheme clusters)",
                    winners.iter().map(|u| u.description()).collect::<Vec<_>>().join(" or "),
                    names.join("|")
                ))
            }
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200C}' | '\u{200D}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &str, offsets: Option<OffsetUnit>, names: &[(&str, &str)]) -> Result<(Imported, Diagnostics), LoadError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.jsonl");
        std::fs::write(&path, lines).unwrap();
        let options = DoccanoOptions { offsets, label_names: names.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(), layer: "ner".into() };
        let mut diagnostics = Diagnostics::default();
        read_doccano(&path, &options, &mut diagnostics, &crate::progress::NoProgress).map(|i| (i, diagnostics))
    }

    fn found(imported: &Imported) -> Vec<(usize, usize, String)> {
        imported.spans.iter().map(|s| (s.start, s.end, s.text.clone().unwrap_or_default())).collect()
    }

    #[test]
    fn all_four_forms() {
        let lines = concat!(
            r#"{"id": 1, "text": "قال لافروف", "label": [[4, 10, "PER"]], "meta": {"source": "sana"}}"#,
            "\n",
            r#"{"text": "قال لافروف", "labels": [[4, 10, "PER"]]}"#,
            "\n",
            r#"{"id": 3, "text": "قال لافروف في موسكو", "entities": [{"id": 7, "start_offset": 4, "end_offset": 10, "label": "PER"}, {"id": 8, "start_offset": 14, "end_offset": 19, "label": "LOC"}], "relations": [{"id": 1, "from_id": 7, "to_id": 8, "type": "in"}]}"#,
            "\n",
            r#"{"id": 4, "text": "قال لافروف", "annotations": [{"label": 2, "start_offset": 4, "end_offset": 10, "user": 1}], "meta": {}, "annotation_approver": null}"#,
            "\n"
        );
        let (imported, diagnostics) = read(lines, None, &[("2", "PER")]).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(imported.articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["1", "d-2", "3", "4"]);
        assert_eq!(imported.articles[0].metadata["source"], "sana");
        assert_eq!(imported.spans.len(), 5);
        assert!(imported.spans.iter().all(|s| s.label == "PER" || s.label == "LOC"));
        assert_eq!(imported.relations[0]["args"][1]["start"], 14);
        let error = read(lines, None, &[]).unwrap().1;
        assert!(error.problems()[0].message.contains("--label-names"), "{error:?}");
    }

    #[test]
    fn utf16_is_detected_after_an_emoji() {
        // لافروف after 😀: 7..13 in UTF-16, 6..12 in code points; read as code points it would start mid-word.
        let lines = "{\"text\": \"😀 قال لافروف\", \"label\": [[7, 13, \"PER\"]]}\n{\"text\": \"دمشق\", \"label\": [[0, 4, \"LOC\"]]}\n";
        let (imported, _) = read(lines, None, &[]).unwrap();
        assert_eq!(found(&imported)[0], (6, 12, "لافروف".to_string()));
        assert!(imported.summary.conversions.iter().any(|c| c.contains("UTF-16 code units")), "{:?}", imported.summary.conversions);
        // Read as code points, 7..13 runs past the 12 code points: reported, not imported.
        let (imported, diagnostics) = read(lines, Some(OffsetUnit::CodePoints), &[]).unwrap();
        assert_eq!(imported.spans.len(), 1);
        assert_eq!(diagnostics.problems()[0].line, Some(1));
    }

    #[test]
    fn a_noisy_span_does_not_hide_the_unit() {
        let lines = "{\"text\": \"😀 قال لافروف\", \"label\": [[7, 13, \"PER\"], [40, 44, \"X\"]]}\n";
        let (imported, diagnostics) = read(lines, None, &[]).unwrap();
        assert_eq!(found(&imported), vec![(6, 12, "لافروف".to_string())]);
        assert_eq!(diagnostics.warning_count(), 1, "the span past the end is reported");
    }

    #[test]
    fn graphemes_are_detected_with_decomposed_diacritics() {
        // مُحَمَّد is 8 code points and 4 clusters; علي after it is 5..8 in clusters.
        let lines = "{\"text\": \"مُحَمَّد علي\", \"label\": [[0, 4, \"PER\"], [5, 8, \"PER\"]]}\n";
        let (imported, _) = read(lines, None, &[]).unwrap();
        assert_eq!(found(&imported), vec![(0, 8, "مُحَمَّد".to_string()), (9, 12, "علي".to_string())]);
        assert!(imported.summary.conversions.iter().any(|c| c.contains("grapheme clusters")));
    }

    #[test]
    fn undecidable_files_name_the_flag() {
        // Both readings land on word boundaries: 3..4 is "a" in UTF-16 and the space after it in code points.
        let lines = "{\"text\": \"😀 a b\", \"label\": [[3, 4, \"X\"]]}\n";
        let error = read(lines, None, &[]).unwrap_err().to_string();
        assert!(error.contains("--offsets"), "{error}");
        let (imported, diagnostics) = read("{\"text\": \"ab\", \"label\": [[0, 9, \"X\"]]}\n", Some(OffsetUnit::Utf16), &[]).unwrap();
        assert!(imported.spans.is_empty());
        assert!(diagnostics.problems()[0].message.contains("runs past the text"));
    }
}
