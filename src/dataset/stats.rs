//! `mizan stats`: how big a dataset is — articles, characters, spans per layer and label, and
//! the same per split — computed with polars group-bys over the dataset's frames.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use crate::dataset::Dataset;

/// Span counts: layer → label → count.
pub type SpanCounts = BTreeMap<String, BTreeMap<String, u64>>;

/// Adds one to `table[row][column]`, looking both keys up borrowed: a string is owned once per
/// cell, not once per count (span counts, the scorer's confusion table).
pub(crate) fn count_cell(table: &mut BTreeMap<String, BTreeMap<String, u64>>, row: &str, column: &str) {
    add_to_cell(table, row, column, 1);
}

/// Adds `n` to `table[row][column]`, as [`count_cell`] adds one.
pub(crate) fn add_to_cell(table: &mut BTreeMap<String, BTreeMap<String, u64>>, row: &str, column: &str, n: u64) {
    let cells = match table.get_mut(row) {
        Some(cells) => cells,
        None => table.entry(row.to_string()).or_default(),
    };
    match cells.get_mut(column) {
        Some(count) => *count += n,
        None => {
            cells.insert(column.to_string(), n);
        }
    }
}

/// A dataset's size. Serialises to the `stats --json` shape (DESIGN.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub dataset: String,
    pub articles: u64,
    pub characters: u64,
    pub spans: SpanCounts,
    /// Split → its own counts; empty when no article has a split.
    pub splits: BTreeMap<String, SplitStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitStats {
    pub articles: u64,
    pub characters: u64,
    pub spans: SpanCounts,
}

/// Counts a dataset with group-bys over its frames.
pub fn stats(dataset: &Dataset) -> PolarsResult<Stats> {
    let articles = &dataset.article_frame;
    let characters = articles.column("chars")?.as_materialized_series().sum::<u64>()?;
    let spans = span_counts(dataset.span_frame.clone().lazy())?;

    let mut splits = BTreeMap::new();
    let per_split = articles
        .clone()
        .lazy()
        .filter(col("split").is_not_null())
        .group_by([col("split")])
        .agg([len().cast(DataType::UInt64).alias("articles"), col("chars").sum().alias("characters")])
        .collect()?;
    let names = per_split.column("split")?.str()?.clone();
    let counts = per_split.column("articles")?.u64()?.clone();
    let chars = per_split.column("characters")?.u64()?.clone();
    for ((name, count), chars) in names.iter().zip(counts.iter()).zip(chars.iter()) {
        let Some(name) = name else { continue };
        let split_spans = dataset
            .span_frame
            .clone()
            .lazy()
            .join(articles.clone().lazy().select([col("id"), col("split")]), [col("article_id")], [col("id")], JoinArgs::new(JoinType::Inner))
            .filter(col("split").eq(lit(name)));
        let split = SplitStats { articles: count.unwrap_or(0), characters: chars.unwrap_or(0), spans: span_counts(split_spans)? };
        splits.insert(name.to_string(), split);
    }
    Ok(Stats { dataset: dataset.name.clone(), articles: articles.height() as u64, characters, spans, splits })
}

fn span_counts(spans: LazyFrame) -> PolarsResult<SpanCounts> {
    let grouped = spans.group_by([col("layer"), col("label")]).agg([len().cast(DataType::UInt64).alias("count")]).collect()?;
    let mut counts = SpanCounts::new();
    let layers = grouped.column("layer")?.str()?;
    let labels = grouped.column("label")?.str()?;
    let values = grouped.column("count")?.u64()?;
    for ((layer, label), count) in layers.iter().zip(labels.iter()).zip(values.iter()) {
        if let (Some(layer), Some(label), Some(count)) = (layer, label, count) {
            counts.entry(layer.to_string()).or_default().insert(label.to_string(), count);
        }
    }
    Ok(counts)
}
