//! Slices: a layer's per-article counts as a polars frame, joined with the articles frame and
//! grouped by one metadata column (`split`, `source`, `dateline_agency`, …), so that scores can
//! be read per group. Articles without a value fall in the group `(none)`.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::score::evaluate::LayerScore;
use crate::score::scheme::{Counts, Scheme, SchemeCounts};

/// The group of articles that have no value in the slice column.
pub const NO_VALUE: &str = "(none)";

const FIELDS: [&str; 5] = ["correct", "incorrect", "partial", "missed", "spurious"];

fn field(counts: &Counts, name: &str) -> u64 {
    match name {
        "correct" => counts.correct,
        "incorrect" => counts.incorrect,
        "partial" => counts.partial,
        "missed" => counts.missed,
        _ => counts.spurious,
    }
}

/// One row per article: `article_id`, then `<scheme>_<count>` for every scheme and count.
pub fn per_article_frame(score: &LayerScore) -> PolarsResult<DataFrame> {
    let rows = &score.per_article;
    let mut columns = vec![Column::new("article_id".into(), rows.iter().map(|r| r.article_id.as_str()).collect::<Vec<_>>())];
    for scheme in Scheme::ALL {
        for name in FIELDS {
            let values: Vec<u64> = rows.iter().map(|r| field(&r.counts[scheme], name)).collect();
            columns.push(Column::new(format!("{}_{name}", scheme.name()).into(), values));
        }
    }
    DataFrame::new(rows.len(), columns)
}

/// Counts of one slice group.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub articles: u64,
    pub counts: SchemeCounts,
}

/// Groups the layer's per-article counts by `column` of the articles frame.
pub fn slice_by(score: &LayerScore, articles: &DataFrame, column: &str) -> PolarsResult<BTreeMap<String, Slice>> {
    if articles.column(column).is_err() {
        let known: Vec<&str> = articles.get_column_names().into_iter().map(|n| n.as_str()).filter(|n| *n != "text").collect();
        polars_bail!(ColumnNotFound: "no article metadata column `{}` (columns: {})", column, known.join(", "));
    }
    let mut sums = vec![len().cast(DataType::UInt64).alias("articles")];
    for scheme in Scheme::ALL {
        for name in FIELDS {
            let name = format!("{}_{name}", scheme.name());
            sums.push(col(name.as_str()).sum().alias(name.as_str()));
        }
    }
    let grouped = per_article_frame(score)?
        .lazy()
        .join(
            articles.clone().lazy().select([col("id"), col(column).cast(DataType::String).alias("slice")]),
            [col("article_id")],
            [col("id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("slice").fill_null(lit(NO_VALUE)))
        .group_by([col("slice")])
        .agg(sums)
        .collect()?;

    let mut slices = BTreeMap::new();
    let names = grouped.column("slice")?.str()?.clone();
    for row in 0..grouped.height() {
        let Some(name) = names.get(row) else { continue };
        let mut counts = SchemeCounts::default();
        for scheme in Scheme::ALL {
            let value = |name: &str| -> PolarsResult<u64> { Ok(grouped.column(&format!("{}_{name}", scheme.name()))?.u64()?.get(row).unwrap_or(0)) };
            counts[scheme] = Counts {
                correct: value("correct")?,
                incorrect: value("incorrect")?,
                partial: value("partial")?,
                missed: value("missed")?,
                spurious: value("spurious")?,
            };
        }
        let articles = grouped.column("articles")?.u64()?.get(row).unwrap_or(0);
        slices.insert(name.to_string(), Slice { articles, counts });
    }
    Ok(slices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, Span};
    use crate::score::evaluate::score_layer;
    use std::collections::BTreeMap as Map;

    #[test]
    fn groups_per_article_counts_by_metadata() {
        let meta = |split: Option<&str>| split.map(|s| Map::from([("split".to_string(), s.to_string())])).unwrap_or_default();
        let articles = vec![
            Article::new("a", "xxxxxxxxxx", meta(Some("test"))),
            Article::new("b", "xxxxxxxxxx", meta(Some("test"))),
            Article::new("c", "xxxxxxxxxx", meta(Some("dev"))),
            Article::new("d", "xxxxxxxxxx", meta(None)),
        ];
        let frame = crate::load::articles_frame(&articles).unwrap();
        let span = |a: &str, s: usize, e: usize| Span {
            article_id: a.into(),
            layer: "ner".into(),
            start: s,
            end: e,
            label: "PER".into(),
            text: None,
            attrs: Map::new(),
        };
        let gold = [span("a", 0, 2), span("b", 0, 2), span("c", 0, 2), span("d", 0, 2)];
        let pred = [span("a", 0, 2), span("b", 0, 3), span("c", 5, 6)];
        let ids: Vec<String> = articles.iter().map(|a| a.id.clone()).collect();
        let score = score_layer("ner", &ids, &gold, &pred);
        let slices = slice_by(&score, &frame, "split").unwrap();
        assert_eq!(slices.keys().collect::<Vec<_>>(), ["(none)", "dev", "test"]);
        let test = &slices["test"];
        assert_eq!(test.articles, 2);
        assert_eq!((test.counts[Scheme::Strict].correct, test.counts[Scheme::Strict].incorrect), (1, 1));
        assert_eq!(test.counts[Scheme::Partial].partial, 1);
        let dev = &slices["dev"].counts[Scheme::Strict];
        assert_eq!((dev.missed, dev.spurious), (1, 1));
        assert_eq!(slices["(none)"].counts[Scheme::Strict].missed, 1);
        assert!(slice_by(&score, &frame, "colour").unwrap_err().to_string().contains("no article metadata column `colour`"));
    }
}
