//! Predictions made elsewhere — on a GPU box, in a notebook — brought as a span file and run
//! as an extractor (`kind = "predictions"`, `path = "…"`, or `mizan run --predictions
//! NAME=FILE`), so they get exactly what an extractor gets: report, outcomes, comparison and
//! the regression gate.
//!
//! The file is checked by the same code as gold files. A line that cannot be read, or a span
//! for an article the dataset does not have, stops this extractor with every such problem
//! listed as `path:line: message`; a span that does not fit its article (offsets, `text`)
//! fails that article only, as an extractor's bad span would. Warnings (unknown fields) do not
//! stop it: they are [`Extractor::notes`] the command line prints.
//!
//! A file in another annotation format (Label Studio, doccano, spaCy, brat, CoNLL, documents
//! JSONL) is read by its importer and placed on the dataset's articles by id or by text
//! (`load::read_predictions`); what the importer cannot read stops the extractor the same way.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::dataset::check::check_spans;
use crate::extract::{ExtractError, Extractor};
use crate::fingerprint::Fingerprint;
use crate::load::{load_spans, read_predictions, AnnotationFormat, Diagnostics, Severity, SpanRecord};
use crate::model::{Article, Span, DEFAULT_LAYER};
use crate::progress::NoProgress;

/// At most this many problems are quoted in the error that stops a predictions file.
const QUOTED_PROBLEMS: usize = 20;

/// A predictions file, read and checked against a dataset's articles.
pub struct PredictionsFile {
    name: String,
    version: String,
    path: PathBuf,
    content_hash: String,
    layers: Vec<String>,
    /// Article id → its spans, or why the article fails.
    by_article: HashMap<String, Result<Vec<Span>, String>>,
    notes: Vec<String>,
}

impl PredictionsFile {
    /// Reads `path` and checks it against `articles`. `version` defaults to the file's content
    /// hash; `layers`, when not given, are those the file's spans name (`ner` for an empty
    /// file).
    pub fn load(name: &str, path: &Path, articles: &[Article], version: Option<String>, layers: Option<Vec<String>>) -> Result<Self, String> {
        Self::load_as(name, path, AnnotationFormat::Spans, articles, version, layers)
    }

    /// [`PredictionsFile::load`] for a file in any annotation format.
    pub fn load_as(
        name: &str,
        path: &Path,
        format: AnnotationFormat,
        articles: &[Article],
        version: Option<String>,
        layers: Option<Vec<String>>,
    ) -> Result<Self, String> {
        let content_hash = if path.is_dir() {
            // A brat folder: its files' names and contents, in name order.
            let mut hash = Fingerprint::new();
            let mut entries: Vec<_> =
                std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.flatten().map(|e| e.path()).collect();
            entries.sort();
            for entry in entries.iter().filter(|e| e.is_file()) {
                hash.add_str(&entry.display().to_string());
                hash.add(&std::fs::read(entry).map_err(|e| format!("cannot read {}: {e}", entry.display()))?);
            }
            hash.hex()
        } else {
            Fingerprint::new().add(&std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?).hex()
        };
        let mut diagnostics = Diagnostics::default();
        let records = match format {
            AnnotationFormat::Spans => load_spans(path, DEFAULT_LAYER, None, &mut diagnostics, &NoProgress).map_err(|e| e.to_string())?,
            other => read_predictions(path, other, articles, &mut diagnostics)
                .map_err(|e| e.to_string())?
                .into_iter()
                .enumerate()
                .map(|(k, span)| SpanRecord { span, line: k + 1 })
                .collect(),
        };
        let index: HashMap<String, usize> = articles.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let mut by_article: HashMap<String, Result<Vec<Span>, String>> = articles.iter().map(|a| (a.id.clone(), Ok(Vec::new()))).collect();
        let mut named_layers = BTreeSet::new();
        for record in records {
            let id = record.span.article_id.clone();
            named_layers.insert(record.span.layer.clone());
            // One record at a time through the gold checks, so that a bad span is charged to its
            // own article.
            let mut one = Diagnostics::default();
            let checked = check_spans(path, vec![SpanRecord { span: record.span, line: record.line }], Some((articles, &index)), None, &mut one);
            let error = one.problems().iter().find(|p| p.severity == Severity::Error).map(|p| p.to_string());
            match (by_article.get_mut(&id), error) {
                (None, _) => diagnostics.extend(one),
                (Some(entry), Some(error)) => {
                    if entry.is_ok() {
                        *entry = Err(error);
                    }
                }
                (Some(entry), None) => {
                    diagnostics.extend(one);
                    if let Ok(spans) = entry {
                        spans.extend(checked.into_iter().map(|c| c.span));
                    }
                }
            }
        }
        let errors: Vec<String> = diagnostics.problems().iter().filter(|p| p.severity == Severity::Error).map(|p| p.to_string()).collect();
        if !errors.is_empty() {
            let mut message = format!("{} has {} that stop it:", path.display(), plural(errors.len(), "problem", "problems"));
            for error in errors.iter().take(QUOTED_PROBLEMS) {
                message.push_str("\n  ");
                message.push_str(error);
            }
            if errors.len() > QUOTED_PROBLEMS {
                message.push_str(&format!(
                    "\n  … and {} more (`mizan validate --articles … --gold {}` lists them all)",
                    errors.len() - QUOTED_PROBLEMS,
                    path.display()
                ));
            }
            return Err(message);
        }
        let notes = diagnostics.problems().iter().map(|p| p.to_string()).collect();
        let layers = layers.unwrap_or_else(|| if named_layers.is_empty() { vec![DEFAULT_LAYER.to_string()] } else { named_layers.into_iter().collect() });
        let version = version.unwrap_or_else(|| content_hash[..16].to_string());
        Ok(PredictionsFile { name: name.to_string(), version, path: path.to_path_buf(), content_hash, layers, by_article, notes })
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Extractor for PredictionsFile {
    fn name(&self) -> &str {
        &self.name
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn layers(&self) -> Vec<String> {
        self.layers.clone()
    }

    fn parameters(&self) -> serde_json::Value {
        serde_json::json!({ "path": self.path.display().to_string(), "content_hash": self.content_hash })
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
        match self.by_article.get(&article.id) {
            Some(Ok(spans)) => Ok(spans.clone()),
            Some(Err(error)) => Err(ExtractError::InvalidSpan(error.clone())),
            None => Ok(Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn articles() -> Vec<Article> {
        vec![Article::new("a", "قال لافروف في موسكو", BTreeMap::new()), Article::new("b", "دمشق", BTreeMap::new())]
    }

    fn write(lines: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pred.jsonl");
        std::fs::write(&path, lines).unwrap();
        (dir, path)
    }

    #[test]
    fn spans_are_served_per_article_and_the_version_is_the_content_hash() {
        let (_dir, path) = write("{\"article_id\":\"a\",\"start\":4,\"end\":10,\"label\":\"PER\",\"text\":\"لافروف\"}\n");
        let file = PredictionsFile::load("p", &path, &articles(), None, None).unwrap();
        assert_eq!(file.layers(), ["ner"]);
        assert_eq!(file.version().len(), 16);
        assert_eq!(file.extract(&articles()[0]).unwrap(), [Span::new("a", 4, 10, "PER").with_text("لافروف")]);
        assert!(file.extract(&articles()[1]).unwrap().is_empty());
        let other = write("{\"article_id\":\"a\",\"start\":4,\"end\":10,\"label\":\"LOC\"}\n");
        assert_ne!(PredictionsFile::load("p", &other.1, &articles(), None, None).unwrap().version(), file.version());
    }

    #[test]
    fn a_bad_span_fails_its_article_only() {
        let (_dir, path) =
            write("{\"article_id\":\"a\",\"start\":4,\"end\":10,\"label\":\"PER\",\"text\":\"موسكو\"}\n{\"article_id\":\"b\",\"start\":0,\"end\":4,\"label\":\"LOC\"}\n");
        let file = PredictionsFile::load("p", &path, &articles(), None, None).unwrap();
        let error = file.extract(&articles()[0]).unwrap_err().to_string();
        assert!(error.contains("pred.jsonl:1:"), "{error}");
        assert_eq!(file.extract(&articles()[1]).unwrap().len(), 1);
    }

    #[test]
    fn unknown_articles_and_unreadable_lines_stop_the_file_with_their_lines() {
        let (_dir, path) = write("{\"article_id\":\"zz\",\"start\":0,\"end\":1,\"label\":\"PER\"}\nnot json\n");
        let error = PredictionsFile::load("p", &path, &articles(), None, None).err().unwrap();
        assert!(error.contains("2 problems"), "{error}");
        assert!(error.contains("pred.jsonl:1: unknown article_id `zz`"), "{error}");
        assert!(error.contains("pred.jsonl:2:"), "{error}");
    }

    #[test]
    fn warnings_are_notes() {
        let (_dir, path) = write("{\"article_id\":\"b\",\"start\":0,\"end\":4,\"label\":\"LOC\",\"score\":0.9}\n");
        let file = PredictionsFile::load("p", &path, &articles(), Some("v1".into()), None).unwrap();
        assert_eq!(file.version(), "v1");
        assert!(file.notes().iter().any(|n| n.contains("score")), "{:?}", file.notes());
    }
}
