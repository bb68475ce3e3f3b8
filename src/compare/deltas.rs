//! The figures of one extractor and layer across reports, and each report's difference to the
//! first: precision, recall and F1 per scheme overall (with the significance of ΔF1 where the
//! reports carry per-article counts) and per label.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::compare::significance::{significance, Significance, TestSettings};
use crate::report::{LayerReport, SCHEME_ORDER};
use crate::score::{Counts, Metrics, Scheme};

/// One report's figures under one scheme.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold spans and predictions.
    pub possible: u64,
    pub actual: u64,
}

impl From<&Metrics> for Figures {
    fn from(m: &Metrics) -> Figures {
        Figures { precision: m.precision, recall: m.recall, f1: m.f1, possible: m.possible, actual: m.actual }
    }
}

/// A report's difference to the first report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delta {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// The tests of ΔF1; null where the reports have no per-article counts for the scheme
    /// (`strict+attrs`, per label).
    pub significance: Option<Significance>,
    /// `p_value < alpha`.
    pub significant: Option<bool>,
}

/// One scheme's figures in every report (null where a report lacks the layer or scheme) and
/// their differences to the first (null for the first, and where either side is missing).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeRow {
    pub scheme: String,
    pub figures: Vec<Option<Figures>>,
    pub deltas: Vec<Option<Delta>>,
}

impl SchemeRow {
    /// The difference of report `k` to the first, when both have the scheme.
    pub fn delta(&self, k: usize) -> Option<&Delta> {
        self.deltas.get(k).and_then(Option::as_ref)
    }
}

/// A label's rows, each label scored on its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelRows {
    pub label: String,
    pub schemes: Vec<SchemeRow>,
}

/// Per-article counts of a scheme on the articles both layers scored, in the first's order.
fn paired(first: &LayerReport, other: &LayerReport, scheme: &str) -> Vec<(Counts, Counts)> {
    first.per_article.iter().filter_map(|(id, a)| Some((*a.get(scheme)?, *other.per_article.get(id)?.get(scheme)?))).collect()
}

fn delta(first: &Figures, other: &Figures, significance: Option<Significance>, alpha: f64) -> Delta {
    Delta {
        precision: other.precision - first.precision,
        recall: other.recall - first.recall,
        f1: other.f1 - first.f1,
        significant: significance.as_ref().map(|s| s.p_value < alpha),
        significance,
    }
}

/// The overall rows of one layer over the reports (`None` where a report lacks the layer).
pub(crate) fn overall_rows(layers: &[Option<&LayerReport>], tests: TestSettings, alpha: f64) -> Vec<SchemeRow> {
    let schemes: Vec<&str> = SCHEME_ORDER.into_iter().filter(|s| layers.iter().flatten().any(|l| l.overall.contains_key(*s))).collect();
    let first = layers.first().copied().flatten();
    // The tests are the costly part: every (scheme, report) pair runs on its own thread.
    let jobs: Vec<(usize, usize)> = (0..schemes.len()).flat_map(|s| (1..layers.len()).map(move |k| (s, k))).collect();
    let tested: BTreeMap<(usize, usize), Significance> = jobs
        .into_par_iter()
        .filter_map(|(s, k)| {
            let scheme = Scheme::named(schemes[s])?;
            let (first, other) = (first?, layers[k]?);
            let pairs = paired(first, other, schemes[s]);
            // Reports without per-article counts (none scored) have nothing to test.
            (!pairs.is_empty()).then(|| ((s, k), significance(&pairs, scheme, tests)))
        })
        .collect();
    let mut tested = tested;
    schemes
        .iter()
        .enumerate()
        .map(|(s, &scheme)| {
            let figures: Vec<Option<Figures>> = layers.iter().map(|l| l.and_then(|l| l.overall.get(scheme)).map(Figures::from)).collect();
            let deltas = (0..layers.len())
                .map(|k| match (k, &figures[0], &figures[k]) {
                    (1.., Some(a), Some(b)) => Some(delta(a, b, tested.remove(&(s, k)), alpha)),
                    _ => None,
                })
                .collect();
            SchemeRow { scheme: scheme.to_string(), figures, deltas }
        })
        .collect()
}

/// The per-label rows over the reports: every label any report has, every scheme.
pub(crate) fn label_rows(layers: &[Option<&LayerReport>]) -> Vec<LabelRows> {
    let labels: BTreeSet<&String> = layers.iter().flatten().flat_map(|l| l.per_label.keys()).collect();
    labels
        .into_iter()
        .map(|label| {
            let schemes = SCHEME_ORDER
                .into_iter()
                .filter(|s| layers.iter().flatten().any(|l| l.per_label.get(label).is_some_and(|m| m.contains_key(*s))))
                .map(|scheme| {
                    let figures: Vec<Option<Figures>> =
                        layers.iter().map(|l| l.and_then(|l| l.per_label.get(label)).and_then(|m| m.get(scheme)).map(Figures::from)).collect();
                    let deltas = (0..layers.len())
                        .map(|k| match (k, &figures[0], &figures[k]) {
                            (1.., Some(a), Some(b)) => Some(delta(a, b, None, 0.0)),
                            _ => None,
                        })
                        .collect();
                    SchemeRow { scheme: scheme.to_string(), figures, deltas }
                })
                .collect();
            LabelRows { label: label.clone(), schemes }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;
    use crate::score::evaluate::score_layer;

    fn span(article: &str, start: usize, label: &str) -> Span {
        Span::new(article, start, start + 3, label)
    }

    /// A layer over 60 articles with two gold spans each; `found` says which are predicted.
    fn layer(found: impl Fn(usize, usize) -> bool) -> LayerReport {
        let ids: Vec<String> = (0..60).map(|i| format!("a{i:02}")).collect();
        let gold: Vec<Span> = ids.iter().flat_map(|id| [span(id, 0, "PER"), span(id, 5, "LOC")]).collect();
        let pred: Vec<Span> = gold.iter().enumerate().filter(|(k, _)| found(k / 2, k % 2)).map(|(_, s)| s.clone()).collect();
        LayerReport::new(&score_layer("ner", &ids, &gold, &pred), &BTreeMap::new(), 0, 0)
    }

    const TESTS: TestSettings = TestSettings { trials: 500, resamples: 200, seed: 1 };

    #[test]
    fn rows_hold_each_report_and_its_difference_to_the_first() {
        let all = layer(|_, _| true);
        let fewer = layer(|i, k| k == 0 || i % 3 != 0);
        let rows = overall_rows(&[Some(&all), Some(&fewer), None], TESTS, 0.05);
        assert_eq!(rows.iter().map(|r| r.scheme.as_str()).collect::<Vec<_>>(), ["strict", "exact", "partial", "type"]);
        let strict = &rows[0];
        assert_eq!(strict.figures[0].unwrap().f1, 1.0);
        assert_eq!(strict.figures[2], None);
        assert_eq!((strict.deltas[0].is_none(), strict.deltas[2].is_none()), (true, true));
        let d = strict.delta(1).unwrap();
        assert_eq!(d.precision, 0.0);
        assert!((d.recall - (100.0 / 120.0 - 1.0)).abs() < 1e-12, "{d:?}");
        let s = d.significance.as_ref().unwrap();
        assert!((s.observed - d.f1).abs() < 1e-12 && s.p_value < 0.05 && d.significant == Some(true), "{d:?}");
        assert_eq!((s.articles, s.differing), (60, 20));
    }

    #[test]
    fn a_report_compared_with_itself_has_zero_deltas_and_p_one() {
        let all = layer(|i, k| (i + k) % 4 != 0);
        let rows = overall_rows(&[Some(&all), Some(&all)], TESTS, 0.05);
        for row in &rows {
            let d = row.delta(1).unwrap();
            assert_eq!((d.f1, d.significance.as_ref().unwrap().p_value, d.significant), (0.0, 1.0, Some(false)));
        }
    }

    #[test]
    fn labels_are_compared_without_tests() {
        let all = layer(|_, _| true);
        let no_loc = layer(|_, k| k == 0);
        let labels = label_rows(&[Some(&all), Some(&no_loc)]);
        assert_eq!(labels.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["LOC", "PER"]);
        let loc = labels[0].schemes[0].delta(1).unwrap();
        assert_eq!((loc.f1, loc.significance.is_none(), loc.significant), (-1.0, true, None));
        assert_eq!(labels[1].schemes[0].delta(1).unwrap().f1, 0.0);
    }
}
