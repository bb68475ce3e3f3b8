//! Label Studio JSON exports: the list of tasks (`[{"id", "data", "annotations", "predictions",
//! "drafts"}]`), the older single-task files with `completions`, and JSON-MIN (flat tasks with
//! the region list beside the text). The array is read one task at a time.
//!
//! Every `labels` result of every non-cancelled annotation is a gold span, one per label (the
//! same span from two annotators is kept once); `predictions` go to a predictions file per
//! `model_version`; `drafts` are counted and skipped; `relation` results are kept as relations.
//! Each result carries `value.text`, so each span is checked: current versions count code
//! points, older ones UTF-16 code units, versions ≤ 0.4 had inclusive ends. The convention that
//! explains a span is used (and said once per file); a span none explains is reported with its
//! task and result id and not imported.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::load::fields::{kind, scalar_string};
use crate::load::imported::{dedup_spans, Imported};
use crate::load::json_stream::for_each_value;
use crate::load::label_studio_offsets::{TextMaps, CONVENTIONS};
use crate::load::offsets::OffsetUnit;
use crate::load::{make_article, Diagnostics, LoadError, Progress};
use crate::model::{Article, Span};

/// How to read a Label Studio export.
#[derive(Debug, Clone)]
pub struct LabelStudioOptions {
    /// The `data` field holding the text; `None` tries `text`, then the only string field.
    pub text_field: Option<String>,
    pub layer: String,
    /// Each region's layer is its control's `from_name` (as `export --to label-studio` writes
    /// it) instead of `layer`.
    pub layer_from_control: bool,
    /// Only conventions counting this unit are tried (code points or UTF-16).
    pub offsets: Option<OffsetUnit>,
}

/// Reads a Label Studio export file, or a folder of them (Label Studio 0.x kept one
/// `completions/<task>.json` file per task).
pub fn read_label_studio(path: &Path, options: &LabelStudioOptions, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<Imported, LoadError> {
    if options.offsets == Some(OffsetUnit::Graphemes) {
        return Err(LoadError::Unusable {
            path: path.to_path_buf(),
            message: "Label Studio never counted grapheme clusters; use --offsets codepoints or utf16, or leave it out".into(),
        });
    }
    let files = if path.is_dir() {
        let io = |source| LoadError::Io { path: path.to_path_buf(), source };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io)? {
            let file = entry.map_err(io)?.path();
            if file.is_file() && file.extension().is_some_and(|e| e == "json") {
                files.push(file);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(LoadError::Unusable { path: path.to_path_buf(), message: "no `.json` files in this folder".into() });
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut state = State { path, options, imported: Imported::default(), diagnostics, tasks: 0, preferred: None };
    progress.start("Label Studio files", Some(files.len() as u64));
    for file in &files {
        state.path = file;
        read_file(&mut state)?;
        progress.advance(1);
    }
    progress.finish();
    let removed = dedup_spans(&mut state.imported.spans);
    state.imported.summary.skip("spans given again by another annotation of the same task (kept once)", removed);
    Ok(state.imported)
}

/// Streams one file's tasks into `state`.
fn read_file(state: &mut State<'_>) -> Result<(), LoadError> {
    let path = state.path;
    let result = for_each_value(path, &mut |task: Value| state.task(task))?;
    if let Err(error) = result {
        let line = (error.line() > 0).then_some(error.line());
        state.diagnostics.error(path, line, format!("malformed JSON ({error}); a Label Studio export is one JSON array of tasks (Export → JSON)"));
    }
    Ok(())
}

struct State<'a> {
    path: &'a Path,
    options: &'a LabelStudioOptions,
    imported: Imported,
    diagnostics: &'a mut Diagnostics,
    tasks: usize,
    /// The convention that explained the last converted span, tried first.
    preferred: Option<crate::load::label_studio_offsets::Convention>,
}

impl State<'_> {
    fn warn(&mut self, message: String) {
        self.diagnostics.warning(self.path, None, message);
    }

    fn task(&mut self, task: Value) {
        self.tasks += 1;
        let number = self.tasks;
        let Value::Object(task) = task else {
            self.diagnostics.error(self.path, None, format!("task {number} is {}, not an object; is this a Label Studio JSON export?", kind(&task)));
            return;
        };
        let task_id = task.get("id").and_then(scalar_string).unwrap_or_else(|| format!("#{number}"));
        let data = match task.get("data") {
            Some(Value::Object(data)) => data.clone(),
            // JSON-MIN: the task's own fields are the data.
            _ => task.clone(),
        };
        let Some((field, text)) = self.text_of(&data, &task_id) else { return };
        let id = data.get("article_id").and_then(scalar_string).unwrap_or_else(|| task_id.trim_start_matches('#').to_string());
        let mut metadata = BTreeMap::new();
        for (key, value) in &data {
            if key == &field || key == "article_id" || task.get("data").is_none() && (is_region_list(value) || key == "id") {
                continue;
            }
            if let Some(value) = scalar_string(value) {
                metadata.insert(key.clone(), value);
            }
        }
        let article = make_article(id, text, metadata);
        let map = TextMaps::new(&article.text);

        let annotations = task.get("annotations").or_else(|| task.get("completions"));
        match annotations {
            Some(Value::Array(annotations)) => {
                let submitted = annotations.iter().filter(|a| a.get("was_cancelled").and_then(Value::as_bool) != Some(true)).count();
                if submitted > 1 {
                    self.imported.summary.count("tasks with several annotations (their spans merged)", 1);
                }
                for annotation in annotations {
                    if annotation.get("was_cancelled").and_then(Value::as_bool) == Some(true) {
                        self.imported.summary.skip("cancelled annotations", 1);
                        continue;
                    }
                    let results = annotation.get("result").or_else(|| annotation.get("results"));
                    let spans = self.results(results, &article, &map, &task_id, None);
                    self.imported.spans.extend(spans);
                }
            }
            Some(other) => self.warn(format!("task {task_id}: `annotations` is {}, not a list; the task's annotations are not imported", kind(other))),
            None => {
                // JSON-MIN keeps each control's regions as a list beside the text.
                for (key, value) in &data {
                    if is_region_list(value) {
                        let results: Vec<Value> =
                            value.as_array().into_iter().flatten().map(|region| json!({"type": "labels", "from_name": key, "value": region})).collect();
                        let spans = self.results(Some(&Value::Array(results)), &article, &map, &task_id, None);
                        self.imported.spans.extend(spans);
                    }
                }
            }
        }
        if let Some(Value::Array(predictions)) = task.get("predictions") {
            for prediction in predictions {
                let model = prediction.get("model_version").and_then(Value::as_str).filter(|m| !m.is_empty()).unwrap_or("label-studio").to_string();
                let spans = self.results(prediction.get("result"), &article, &map, &task_id, Some(&model));
                self.imported.predictions.entry(model).or_default().extend(spans);
            }
        }
        if let Some(Value::Array(drafts)) = task.get("drafts") {
            self.imported.summary.skip("drafts (unsubmitted annotations)", drafts.len());
        }
        self.imported.articles.push(article);
    }

    /// The task's text, from `--text-field`, `text`, or the only string field of `data`.
    fn text_of(&mut self, data: &Map<String, Value>, task_id: &str) -> Option<(String, String)> {
        let field = match &self.options.text_field {
            Some(field) => field.clone(),
            None if data.contains_key("text") => "text".to_string(),
            None => {
                let strings: Vec<&String> = data.iter().filter(|(_, v)| v.is_string()).map(|(k, _)| k).collect();
                match strings.as_slice() {
                    [only] => {
                        self.imported.summary.convert(format!("the text was read from data field `{only}` (the only string field); name it with --text-field"));
                        (*only).clone()
                    }
                    _ => {
                        let fields: Vec<&str> = data.keys().map(String::as_str).collect();
                        self.diagnostics.error(
                            self.path,
                            None,
                            format!("task {task_id}: no `text` in data (fields: {}); name the text field with --text-field", fields.join(", ")),
                        );
                        return None;
                    }
                }
            }
        };
        match data.get(&field) {
            Some(Value::String(text)) => Some((field, text.clone())),
            other => {
                let found = other.map_or("nothing".to_string(), kind);
                self.diagnostics.error(
                    self.path,
                    None,
                    format!("task {task_id}: data field `{field}` holds {found}, not the text; name the text field with --text-field"),
                );
                None
            }
        }
    }

    /// Spans from one annotation's or prediction's results.
    fn results(&mut self, results: Option<&Value>, article: &Article, maps: &TextMaps, task_id: &str, model: Option<&str>) -> Vec<Span> {
        let mut spans = Vec::new();
        let Some(Value::Array(results)) = results else { return spans };
        for result in results {
            let result_id = result.get("id").and_then(scalar_string).unwrap_or_else(|| "(no id)".into());
            let kind_name = result.get("type").and_then(Value::as_str).unwrap_or_default();
            if kind_name == "relation" {
                if model.is_none() {
                    let mut relation = result.clone();
                    relation["article_id"] = article.id.clone().into();
                    self.imported.relations.push(relation);
                    self.imported.summary.count("relations", 1);
                }
                continue;
            }
            let value = result.get("value").cloned().unwrap_or(Value::Null);
            let labels = value.get("labels").or_else(|| value.get(kind_name)).and_then(Value::as_array);
            let (Some(start), Some(end), Some(labels)) = (value.get("start").and_then(Value::as_u64), value.get("end").and_then(Value::as_u64), labels) else {
                let what = if kind_name.is_empty() { "untyped".to_string() } else { format!("`{kind_name}`") };
                self.imported.summary.skip(format!("results of type {what} without text offsets and labels"), 1);
                continue;
            };
            let declared = value.get("text").and_then(Value::as_str);
            let Some((s, e)) = self.convert(start as usize, end as usize, declared, article, maps) else {
                let at = article.slice(start as usize, (end as usize).min(article.char_len())).unwrap_or_default();
                let declared = declared.map_or("no value.text".to_string(), |text| format!("text {text:?}"));
                self.warn(format!(
                    "task {task_id}, result {result_id}: offsets {start}..{end} with {declared} fit no offset convention (the text holds {at:?} there); \
                     the span is not imported — fix it in Label Studio and export again"
                ));
                self.imported.summary.skip("spans whose offsets and text disagree (reported)", 1);
                continue;
            };
            let covered = article.slice(s, e).unwrap_or_default().to_string();
            let control = result.get("from_name").and_then(Value::as_str).filter(|c| !c.is_empty());
            let layer = match (self.options.layer_from_control, control) {
                (true, Some(control)) => control.to_string(),
                _ => self.options.layer.clone(),
            };
            for label in labels {
                match label.as_str() {
                    Some(label) => spans.push(Span::new(article.id.clone(), s, e, label).with_layer(layer.clone()).with_text(covered.clone())),
                    None => self.warn(format!("task {task_id}, result {result_id}: label {} is not a string and is not imported", kind(label))),
                }
            }
        }
        spans
    }

    /// Code-point offsets for a result, by the first convention that explains its text.
    fn convert(&mut self, start: usize, end: usize, declared: Option<&str>, article: &Article, maps: &TextMaps) -> Option<(usize, usize)> {
        let Some(declared) = declared else {
            self.imported.summary.convert("regions without `value.text` taken as code points, unchecked");
            return maps.plain[0].range(start, end);
        };
        let forced = self.options.offsets;
        let order = self.preferred.into_iter().chain(CONVENTIONS).filter(|c| forced.is_none_or(|unit| c.unit == unit));
        for convention in order {
            let Some((s, e)) = maps.range(convention, start, end) else { continue };
            let Some(covered) = article.slice(s, e) else { continue };
            if covered == declared || convention.crlf_as_one && covered.replace("\r\n", "\n") == declared {
                if convention != CONVENTIONS[0] && (s, e) != (start, end) {
                    let file = self.path.display();
                    self.imported.summary.convert(format!("{file}: offsets counted {}; converted to code points", convention.describe()));
                }
                self.preferred = Some(convention);
                return Some((s, e));
            }
        }
        None
    }
}

/// A JSON-MIN region list: objects with `start`, `end` and a label list.
fn is_region_list(value: &Value) -> bool {
    value.as_array().is_some_and(|items| !items.is_empty() && items.iter().all(|i| i.get("start").is_some() && i.get("end").is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> (Imported, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.json");
        std::fs::write(&path, json).unwrap();
        let mut diagnostics = Diagnostics::default();
        let options = LabelStudioOptions { text_field: None, layer: "ner".into(), layer_from_control: false, offsets: None };
        let imported = read_label_studio(&path, &options, &mut diagnostics, &crate::progress::NoProgress).unwrap();
        (imported, diagnostics)
    }

    fn result(id: &str, start: usize, end: usize, text: &str, label: &str) -> String {
        format!(
            r#"{{"id": "{id}", "from_name": "label", "to_name": "text", "type": "labels", "value": {{"start": {start}, "end": {end}, "text": "{text}", "labels": ["{label}"]}}}}"#
        )
    }

    #[test]
    fn tasks_annotations_predictions_and_drafts() {
        let json = format!(
            r#"[{{"id": 7, "data": {{"text": "😀 قال لافروف في موسكو", "source": "sana"}},
                 "annotations": [{{"id": 1, "result": [{}, {}], "was_cancelled": false}}, {{"id": 2, "result": [{}]}}, {{"id": 3, "was_cancelled": true, "result": []}}],
                 "predictions": [{{"model_version": "bert-v1", "score": 0.9, "result": [{}]}}],
                 "drafts": [{{"result": []}}]}}]"#,
            result("a", 6, 12, "لافروف", "PER"),
            result("b", 16, 21, "موسكو", "LOC"),
            result("c", 6, 12, "لافروف", "PER"),
            result("p", 16, 21, "موسكو", "ORG"),
        );
        let (imported, diagnostics) = read(&json);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(imported.articles[0].id, "7");
        assert_eq!(imported.articles[0].metadata["source"], "sana");
        let spans: Vec<(usize, usize, &str)> = imported.spans.iter().map(|s| (s.start, s.end, s.label.as_str())).collect();
        assert_eq!(spans, vec![(6, 12, "PER"), (16, 21, "LOC")]);
        assert_eq!(imported.predictions["bert-v1"][0].label, "ORG");
        assert_eq!(imported.summary.skipped["drafts (unsubmitted annotations)"], 1);
        assert_eq!(imported.summary.skipped["cancelled annotations"], 1);
        assert!(imported.summary.conversions.is_empty(), "code points need no conversion: {:?}", imported.summary.conversions);
    }

    #[test]
    fn crlf_read_as_one_line_break_is_detected() {
        // The browser showed "سطر\nلافروف": لافروف at 4..10, at 5..11 in the real text.
        let json = format!(r#"[{{"id": 1, "data": {{"text": "سطر\r\nلافروف"}}, "annotations": [{{"result": [{}]}}]}}]"#, result("a", 4, 10, "لافروف", "PER"));
        let (imported, diagnostics) = read(&json);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!((imported.spans[0].start, imported.spans[0].end), (5, 11));
        assert!(imported.summary.conversions.iter().any(|c| c.contains("CRLF counted as one")), "{:?}", imported.summary.conversions);
    }

    #[test]
    fn a_folder_of_old_completion_files_is_read() {
        let dir = tempfile::tempdir().unwrap();
        for k in 1..=2 {
            let body = format!(r#"{{"completions": [{{"result": [{}]}}], "data": {{"text": "قال لافروف"}}, "id": {k}}}"#, result("a", 4, 10, "لافروف", "PER"));
            std::fs::write(dir.path().join(format!("{k}.json")), body).unwrap();
        }
        let mut diagnostics = Diagnostics::default();
        let options = LabelStudioOptions { text_field: None, layer: "ner".into(), layer_from_control: false, offsets: None };
        let imported = read_label_studio(dir.path(), &options, &mut diagnostics, &crate::progress::NoProgress).unwrap();
        assert_eq!(imported.articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(imported.spans.len(), 2);
    }

    #[test]
    fn utf16_and_inclusive_ends_are_detected_and_said() {
        // The emoji is two UTF-16 units: لافروف is 7..13 in UTF-16, 6..12 in code points.
        let json = format!(r#"{{"completions": [{{"result": [{}]}}], "data": {{"text": "😀 قال لافروف"}}, "id": 3}}"#, result("a", 7, 13, "لافروف", "PER"));
        let (imported, _) = read(&json);
        assert_eq!((imported.spans[0].start, imported.spans[0].end), (6, 12));
        assert!(imported.summary.conversions.iter().any(|c| c.contains("UTF-16 code units")), "{:?}", imported.summary.conversions);
        let json = format!(r#"{{"completions": [{{"result": [{}]}}], "data": {{"text": "قال لافروف"}}, "id": 3}}"#, result("a", 4, 9, "لافروف", "PER"));
        let (imported, _) = read(&json);
        assert_eq!((imported.spans[0].start, imported.spans[0].end), (4, 10));
        assert!(imported.summary.conversions.iter().any(|c| c.contains("inclusive ends")));
    }

    #[test]
    fn a_forced_unit_is_the_only_one_tried() {
        let json = format!(r#"{{"completions": [{{"result": [{}]}}], "data": {{"text": "😀 قال لافروف"}}, "id": 3}}"#, result("a", 7, 13, "لافروف", "PER"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.json");
        std::fs::write(&path, json).unwrap();
        let mut diagnostics = Diagnostics::default();
        let options = LabelStudioOptions { text_field: None, layer: "ner".into(), layer_from_control: false, offsets: Some(OffsetUnit::CodePoints) };
        let imported = read_label_studio(&path, &options, &mut diagnostics, &crate::progress::NoProgress).unwrap();
        assert!(imported.spans.is_empty());
        assert_eq!(diagnostics.warning_count(), 1);
    }

    #[test]
    fn unexplained_spans_are_reported_with_task_and_result() {
        let json = format!(r#"[{{"id": 9, "data": {{"text": "قال لافروف"}}, "annotations": [{{"result": [{}]}}]}}]"#, result("zz", 0, 3, "لافروف", "PER"));
        let (imported, diagnostics) = read(&json);
        assert!(imported.spans.is_empty());
        assert!(diagnostics.problems()[0].message.starts_with("task 9, result zz:"), "{diagnostics:?}");
        let (_, diagnostics) = read("[{\"id\": 1, \"data\": {\"a\": \"x\", \"b\": \"y\"}}]");
        assert!(diagnostics.problems()[0].message.contains("--text-field"));
        let (_, diagnostics) = read("[{\"id\": 1,");
        assert!(diagnostics.problems()[0].message.contains("malformed JSON"));
    }
}
