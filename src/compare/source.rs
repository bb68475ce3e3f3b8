//! Reading the reports to compare: a `report.json` file, or a report folder (its `report.json`,
//! and its `outcomes.jsonl` when present, which changed articles need). A malformed file is an
//! error that names it, and the line serde stopped at, so that a user can open it there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::{Report, SCHEMA_VERSION};
use crate::score::scheme::Outcome;

/// Why a report could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{}: no such report folder or report.json", path.display())]
    Missing { path: PathBuf },
    #[error("reading {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}:{column}: not a mizan report: {message}", path.display())]
    Malformed { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{}: schema_version {found} is not one this mizan reads ({SCHEMA_VERSION}); compare with the mizan that wrote it", path.display())]
    Version { path: PathBuf, found: u32 },
    #[error("{}:{line}: {message}", path.display())]
    Outcome { path: PathBuf, line: usize, message: String },
}

/// A span as `outcomes.jsonl` writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanRef {
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
}

/// One line of `outcomes.jsonl`: a gold span, a prediction, or a pair, and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRecord {
    pub extractor: String,
    pub layer: String,
    pub article_id: String,
    pub outcome: Outcome,
    pub gold: Option<SpanRef>,
    pub pred: Option<SpanRef>,
}

/// Extractor → layer → article id → its records, in file order.
pub type Outcomes = BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<OutcomeRecord>>>>;

/// One report as given on the command line.
#[derive(Debug, Clone)]
pub struct Source {
    /// What the user named (a folder or a file), for messages and tables.
    pub name: String,
    pub report: Report,
    /// The folder's outcomes; `None` for a bare report.json or a folder without them.
    pub outcomes: Option<Outcomes>,
}

impl Source {
    /// Reads a report folder or a report.json file.
    pub fn load(path: &Path) -> Result<Source, SourceError> {
        if !path.exists() {
            return Err(SourceError::Missing { path: path.into() });
        }
        let (file, outcomes) = if path.is_dir() {
            let outcomes = path.join("outcomes.jsonl");
            (path.join("report.json"), outcomes.is_file().then_some(outcomes))
        } else {
            (path.to_path_buf(), None)
        };
        let report = read_report(&file)?;
        let outcomes = outcomes.map(|path| read_outcomes(&path)).transpose()?;
        Ok(Source { name: path.display().to_string(), report, outcomes })
    }
}

/// Parses report.json, checking its schema version first so that a report from another
/// version is named as such rather than as a missing field.
pub fn read_report(path: &Path) -> Result<Report, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SourceError::Io { path: path.into(), source })?;
    let malformed = |e: serde_json::Error| SourceError::Malformed { path: path.into(), line: e.line(), column: e.column(), message: e.to_string() };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(malformed)?;
    match value.get("schema_version").and_then(serde_json::Value::as_u64) {
        Some(found) if found != u64::from(SCHEMA_VERSION) => {
            return Err(SourceError::Version { path: path.into(), found: u32::try_from(found).unwrap_or(u32::MAX) })
        }
        _ => {}
    }
    // Parsed again from the text, not the value, so that errors carry a line.
    serde_json::from_str(&text).map_err(malformed)
}

/// Parses outcomes.jsonl into records grouped by extractor, layer and article.
pub fn read_outcomes(path: &Path) -> Result<Outcomes, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SourceError::Io { path: path.into(), source })?;
    parse_outcomes(path, &text)
}

fn parse_outcomes(path: &Path, text: &str) -> Result<Outcomes, SourceError> {
    let mut outcomes = Outcomes::new();
    for (k, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: OutcomeRecord =
            serde_json::from_str(line).map_err(|e| SourceError::Outcome { path: path.into(), line: k + 1, message: format!("not an outcome record: {e}") })?;
        if record.gold.is_none() && record.pred.is_none() {
            return Err(SourceError::Outcome { path: path.into(), line: k + 1, message: "a record needs a gold span, a prediction or both".into() });
        }
        outcomes
            .entry(record.extractor.clone())
            .or_default()
            .entry(record.layer.clone())
            .or_default()
            .entry(record.article_id.clone())
            .or_default()
            .push(record);
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn malformed_files_are_named_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("syntax.json", "{\n  \"schema_version\": 1,\n  oops\n}", "syntax.json:3:"),
            ("fields.json", "{\"schema_version\": 1}", "syntax"),
            ("version.json", "{\"schema_version\": 7}", "schema_version 7"),
            ("empty.json", "", "empty.json:1:"),
        ];
        for (name, text, expected) in cases {
            let path = write(dir.path(), name, text);
            let error = read_report(&path).unwrap_err().to_string();
            let expected = if expected == "syntax" { "fields.json:1:" } else { expected };
            assert!(error.contains(expected), "{name}: {error}");
        }
        let missing = Source::load(&dir.path().join("nowhere")).unwrap_err().to_string();
        assert!(missing.ends_with("nowhere: no such report folder or report.json"), "{missing}");
        let empty = Source::load(dir.path()).unwrap_err().to_string();
        assert!(empty.starts_with("reading ") && empty.contains("report.json"), "a folder without report.json: {empty}");
    }

    #[test]
    fn outcome_lines_are_grouped_and_checked() {
        let path = Path::new("o.jsonl");
        let text = concat!(
            "{\"extractor\":\"x\",\"layer\":\"ner\",\"article_id\":\"a\",\"outcome\":\"missed\",\"gold\":{\"start\":0,\"end\":2,\"label\":\"PER\"},\"pred\":null}\n",
            "\n",
            "{\"extractor\":\"x\",\"layer\":\"ner\",\"article_id\":\"a\",\"outcome\":\"spurious\",\"gold\":null,\"pred\":{\"start\":3,\"end\":4,\"label\":\"LOC\",\"attrs\":{\"k\":\"v\"}}}\n",
        );
        let outcomes = parse_outcomes(path, text).unwrap();
        let records = &outcomes["x"]["ner"]["a"];
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].pred.as_ref().unwrap().attrs["k"], "v");
        let bad = [
            ("{\"extractor\":\"x\"}\n", "o.jsonl:1: not an outcome record"),
            ("\n{\"extractor\":\"x\",\"layer\":\"ner\",\"article_id\":\"a\",\"outcome\":\"wrong\",\"gold\":null,\"pred\":null}", "o.jsonl:2:"),
            ("{\"extractor\":\"x\",\"layer\":\"ner\",\"article_id\":\"a\",\"outcome\":\"missed\",\"gold\":null,\"pred\":null}", "needs a gold span"),
        ];
        for (text, expected) in bad {
            let error = parse_outcomes(path, text).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
