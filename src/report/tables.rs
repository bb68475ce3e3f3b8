//! Tables for analysis elsewhere (`--tables parquet|csv`): per-article counts and per-span
//! outcomes of every extractor and layer, as polars frames encoded to Parquet or CSV, so that
//! users can slice results in pandas, polars or DuckDB.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::report::Report;
use crate::score::evaluate::SpanOutcome;
use crate::score::scheme::Outcome;
use crate::score::{Counts, Scheme, SchemeCounts};

/// A table file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Parquet,
    Csv,
}

impl TableFormat {
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Parquet => "parquet",
            TableFormat::Csv => "csv",
        }
    }
}

/// The name an outcome has in tables and reports.
pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Correct => "correct",
        Outcome::WrongType => "wrong_type",
        Outcome::WrongBoundary => "wrong_boundary",
        Outcome::WrongBoundaryAndType => "wrong_boundary_and_type",
        Outcome::Missed => "missed",
        Outcome::Spurious => "spurious",
    }
}

/// One row per extractor, layer and article: `extractor`, `layer`, `article_id`, then
/// `<scheme>_<count>` for every scheme and count.
pub fn article_table(report: &Report) -> PolarsResult<DataFrame> {
    let mut keys: Vec<(&str, &str, &str)> = Vec::new();
    let mut rows: Vec<&SchemeCounts> = Vec::new();
    for (name, extractor) in &report.extractors {
        for (layer, scores) in &extractor.layers {
            for (article, counts) in &scores.per_article {
                keys.push((name, layer, article));
                rows.push(counts);
            }
        }
    }
    let mut columns = vec![
        Column::new("extractor".into(), keys.iter().map(|k| k.0).collect::<Vec<_>>()),
        Column::new("layer".into(), keys.iter().map(|k| k.1).collect::<Vec<_>>()),
        Column::new("article_id".into(), keys.iter().map(|k| k.2).collect::<Vec<_>>()),
    ];
    type Field = (&'static str, fn(&Counts) -> u64);
    let fields: [Field; 5] =
        [("correct", |c| c.correct), ("incorrect", |c| c.incorrect), ("partial", |c| c.partial), ("missed", |c| c.missed), ("spurious", |c| c.spurious)];
    for scheme in Scheme::ALL {
        for (field, get) in fields {
            let values: Vec<u64> = rows.iter().map(|r| get(&r[scheme])).collect();
            columns.push(Column::new(format!("{}_{field}", scheme.name()).into(), values));
        }
    }
    DataFrame::new(keys.len(), columns)
}

/// One row per gold span and per prediction: `extractor`, `layer`, `article_id`, `side`
/// (`gold` or `predicted`), `start`, `end`, `label`, `outcome`, and the span it was matched
/// with (`matched_start`, `matched_end`, `matched_label`, null when alone).
pub fn outcome_table(outcomes: &BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>) -> PolarsResult<DataFrame> {
    let mut extractor = Vec::new();
    let mut layer = Vec::new();
    let mut article = Vec::new();
    let mut side = Vec::new();
    let (mut start, mut end, mut label) = (Vec::new(), Vec::new(), Vec::new());
    let mut outcome = Vec::new();
    let (mut matched_start, mut matched_end, mut matched_label) = (Vec::new(), Vec::new(), Vec::new());
    for (name, layers) in outcomes {
        for (layer_name, rows) in layers {
            for row in rows {
                for (this, other, which) in [(&row.gold, &row.pred, "gold"), (&row.pred, &row.gold, "predicted")] {
                    let Some(span) = this else { continue };
                    extractor.push(name.as_str());
                    layer.push(layer_name.as_str());
                    article.push(row.article_id.as_str());
                    side.push(which);
                    start.push(span.start as u64);
                    end.push(span.end as u64);
                    label.push(span.label.as_str());
                    outcome.push(outcome_name(row.outcome));
                    matched_start.push(other.as_ref().map(|m| m.start as u64));
                    matched_end.push(other.as_ref().map(|m| m.end as u64));
                    matched_label.push(other.as_ref().map(|m| m.label.as_str()));
                }
            }
        }
    }
    let height = extractor.len();
    DataFrame::new(
        height,
        vec![
            Column::new("extractor".into(), extractor),
            Column::new("layer".into(), layer),
            Column::new("article_id".into(), article),
            Column::new("side".into(), side),
            Column::new("start".into(), start),
            Column::new("end".into(), end),
            Column::new("label".into(), label),
            Column::new("outcome".into(), outcome),
            Column::new("matched_start".into(), matched_start),
            Column::new("matched_end".into(), matched_end),
            Column::new("matched_label".into(), matched_label),
        ],
    )
}

/// Every outcome as JSON Lines (`outcomes.jsonl` in a report folder): one line per gold span,
/// prediction or pair — `extractor`, `layer`, `article_id`, `outcome`, `gold`, `pred` (each
/// `{start, end, label, attrs?}` or null) — what `mizan compare` reads to find changed articles.
pub fn outcomes_jsonl(outcomes: &BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_outcomes_jsonl(&mut out, outcomes);
    out
}

/// A span of a line of `outcomes.jsonl`, borrowed from the run's records.
#[derive(serde::Serialize)]
struct MentionLine<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attrs: &'a BTreeMap<String, String>,
}

/// [`outcomes_jsonl`] written into `out` as it is made. The fields every line of a layer
/// starts with are serialized once.
pub fn write_outcomes_jsonl(out: &mut dyn std::io::Write, outcomes: &BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>) -> std::io::Result<()> {
    fn span(lines: &mut Vec<u8>, mention: &Option<crate::score::scheme::Mention>) -> serde_json::Result<()> {
        match mention {
            None => {
                lines.extend_from_slice(b"null");
                Ok(())
            }
            Some(m) => serde_json::to_writer(lines, &MentionLine { start: m.start, end: m.end, label: &m.label, attrs: &m.attrs }),
        }
    }
    let mut lines = Vec::with_capacity(1 << 17);
    let mut prefix = Vec::new();
    for (name, layers) in outcomes {
        for (layer, rows) in layers {
            prefix.clear();
            prefix.extend_from_slice(b"{\"extractor\":");
            serde_json::to_writer(&mut prefix, name)?;
            prefix.extend_from_slice(b",\"layer\":");
            serde_json::to_writer(&mut prefix, layer)?;
            prefix.extend_from_slice(b",\"article_id\":");
            for row in rows {
                lines.extend_from_slice(&prefix);
                serde_json::to_writer(&mut lines, &row.article_id)?;
                lines.extend_from_slice(b",\"outcome\":\"");
                lines.extend_from_slice(outcome_name(row.outcome).as_bytes());
                lines.extend_from_slice(b"\",\"gold\":");
                span(&mut lines, &row.gold)?;
                lines.extend_from_slice(b",\"pred\":");
                span(&mut lines, &row.pred)?;
                lines.extend_from_slice(b"}\n");
                if lines.len() >= 1 << 16 {
                    out.write_all(&lines)?;
                    lines.clear();
                }
            }
        }
    }
    out.write_all(&lines)
}

/// Encodes a frame in a table format.
pub fn encode(frame: &mut DataFrame, format: TableFormat) -> PolarsResult<Vec<u8>> {
    let mut bytes = Vec::new();
    match format {
        TableFormat::Parquet => {
            ParquetWriter::new(&mut bytes).finish(frame)?;
        }
        TableFormat::Csv => CsvWriter::new(&mut bytes).finish(frame)?,
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::scheme::Mention;

    fn mention(start: usize, end: usize, label: &str) -> Mention {
        Mention { start, end, label: label.into(), attrs: BTreeMap::new() }
    }

    #[test]
    fn outcome_lines_are_the_json_trees() {
        let quote =
            Mention { start: 2, end: 9, label: "QUOTE".into(), attrs: BTreeMap::from([("speaker".to_string(), "لافروف \"x\" </script>".to_string())]) };
        let rows = vec![
            SpanOutcome { article_id: "a\u{2028}\"".into(), gold: Some(quote.clone()), pred: Some(quote), outcome: Outcome::Correct, attrs_match: Some(true) },
            SpanOutcome { article_id: "b".into(), gold: None, pred: Some(mention(7, 9, "<LOC>")), outcome: Outcome::Spurious, attrs_match: None },
            SpanOutcome { article_id: "b".into(), gold: Some(mention(1, 3, "PER")), pred: None, outcome: Outcome::Missed, attrs_match: None },
        ];
        let outcomes = BTreeMap::from([("x".to_string(), BTreeMap::from([("ner".to_string(), rows.clone()), ("quote".to_string(), rows.clone())]))]);
        // What the lines were made of before: a JSON tree each.
        let tree = |m: &Option<Mention>| match m {
            None => serde_json::Value::Null,
            Some(m) => {
                let mut value = serde_json::json!({"start": m.start, "end": m.end, "label": m.label});
                if !m.attrs.is_empty() {
                    value["attrs"] = serde_json::json!(m.attrs);
                }
                value
            }
        };
        let mut expected = String::new();
        for layer in ["ner", "quote"] {
            for row in &rows {
                let line = serde_json::json!({"extractor": "x", "layer": layer, "article_id": row.article_id, "outcome": outcome_name(row.outcome), "gold": tree(&row.gold), "pred": tree(&row.pred)});
                expected.push_str(&format!("{line}\n"));
            }
        }
        assert_eq!(String::from_utf8(outcomes_jsonl(&outcomes)).unwrap(), expected);
    }

    #[test]
    fn outcomes_give_a_row_per_span_with_its_match() {
        let rows = vec![
            SpanOutcome {
                article_id: "a".into(),
                gold: Some(mention(0, 5, "PER")),
                pred: Some(mention(0, 5, "LOC")),
                outcome: Outcome::WrongType,
                attrs_match: None,
            },
            SpanOutcome { article_id: "a".into(), gold: Some(mention(7, 9, "LOC")), pred: None, outcome: Outcome::Missed, attrs_match: None },
        ];
        let outcomes = BTreeMap::from([("x".to_string(), BTreeMap::from([("ner".to_string(), rows)]))]);
        let mut frame = outcome_table(&outcomes).unwrap();
        assert_eq!(frame.height(), 3);
        assert_eq!(frame.column("side").unwrap().str().unwrap().get(1), Some("predicted"));
        assert_eq!(frame.column("matched_label").unwrap().str().unwrap().get(1), Some("PER"));
        assert_eq!(frame.column("matched_start").unwrap().u64().unwrap().get(2), None);
        let csv = String::from_utf8(encode(&mut frame, TableFormat::Csv).unwrap()).unwrap();
        assert!(csv.starts_with("extractor,layer,article_id,side,start,end,label,outcome,matched_start,matched_end,matched_label\n"));
        assert!(csv.contains("x,ner,a,gold,7,9,LOC,missed,,,\n"), "{csv}");
        let parquet = encode(&mut frame, TableFormat::Parquet).unwrap();
        assert_eq!(&parquet[..4], b"PAR1");
    }
}
