//! One layer's scores as report data: every scheme's counts and figures overall and per label,
//! the averages, attributes, the confusion table, slices and per-article counts. `mizan score
//! --json` prints this shape, and report.json holds one per extractor and layer.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::score::bootstrap::{bootstrap, Confidence};
use crate::score::evaluate::LayerScore;
use crate::score::scheme::{macro_average, weighted_average};
use crate::score::slices::Slice;
use crate::score::{metrics, Counts, Metrics, Scheme, SchemeCounts};

/// The key of the strict score that also requires matching attributes.
pub const STRICT_ATTRS: &str = "strict+attrs";

/// The order schemes are shown in.
pub const SCHEME_ORDER: [&str; 5] = ["strict", "exact", "partial", "type", STRICT_ATTRS];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerReport {
    pub layer: String,
    pub gold_spans: u64,
    pub predicted_spans: u64,
    pub articles: u64,
    /// Scheme (`strict`, `exact`, `partial`, `type`, and `strict+attrs` when the gold has
    /// attributes) → figures.
    pub overall: BTreeMap<String, Metrics>,
    /// Label → scheme → figures, each label scored on its own.
    pub per_label: BTreeMap<String, BTreeMap<String, Metrics>>,
    /// `micro`, `macro`, `weighted` → scheme → precision, recall, F1.
    pub averages: BTreeMap<String, BTreeMap<String, Average>>,
    /// Attribute → agreement among overlapping same-label pairs.
    pub attributes: BTreeMap<String, AttributeReport>,
    /// Gold label (or `(spurious)`) → predicted label (or `(missed)`) → pairs.
    pub confusion: BTreeMap<String, BTreeMap<String, u64>>,
    /// Metadata column → value → scheme figures.
    pub slices: BTreeMap<String, BTreeMap<String, SliceReport>>,
    /// Article id → scheme → counts (for significance tests between reports); absent from
    /// `mizan score --json` unless `--per-article`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_article: BTreeMap<String, SchemeCounts>,
    /// Bootstrap 95% intervals of the strict micro figures; absent with `--bootstrap 0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Average {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeReport {
    pub compared: u64,
    pub correct: u64,
    pub accuracy: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceReport {
    pub articles: u64,
    #[serde(flatten)]
    pub schemes: BTreeMap<String, Metrics>,
}

fn schemes(counts: &SchemeCounts) -> BTreeMap<String, Metrics> {
    Scheme::ALL.iter().map(|&s| (s.name().to_string(), metrics(s, &counts[s]))).collect()
}

/// Everything a layer's report is computed from: counts only, so the counts of disjoint sets of
/// articles (shards of one run) add up to those of the whole.
#[derive(Debug, Clone, Default)]
struct LayerCounts {
    gold_spans: u64,
    predicted_spans: u64,
    overall: SchemeCounts,
    strict_attrs: Option<Counts>,
    per_label: BTreeMap<String, SchemeCounts>,
    /// Attribute → (compared, correct).
    attributes: BTreeMap<String, (u64, u64)>,
    confusion: BTreeMap<String, BTreeMap<String, u64>>,
    /// Column → value → (articles, counts).
    slices: BTreeMap<String, BTreeMap<String, (u64, SchemeCounts)>>,
    per_article: BTreeMap<String, SchemeCounts>,
}

fn scheme_counts(figures: &BTreeMap<String, Metrics>) -> SchemeCounts {
    let mut counts = SchemeCounts::default();
    for scheme in Scheme::ALL {
        if let Some(m) = figures.get(scheme.name()) {
            counts[scheme] = Counts { correct: m.correct, incorrect: m.incorrect, partial: m.partial, missed: m.missed, spurious: m.spurious };
        }
    }
    counts
}

impl LayerCounts {
    /// The counts of `score`; its per-article counts only when `per_article`.
    fn of_score(score: &LayerScore, slices: &BTreeMap<String, BTreeMap<String, Slice>>, per_article: bool) -> Self {
        LayerCounts {
            gold_spans: score.gold_spans,
            predicted_spans: score.predicted_spans,
            overall: score.overall,
            strict_attrs: score.has_attributes().then_some(score.strict_attrs),
            per_label: score.per_label.clone(),
            attributes: score.attributes.iter().map(|(name, c)| (name.clone(), (c.compared, c.correct))).collect(),
            confusion: score.confusion.iter().fold(BTreeMap::new(), |mut table, ((gold, pred), n)| {
                *table.entry(gold.clone()).or_default().entry(pred.clone()).or_default() += *n;
                table
            }),
            slices: slices
                .iter()
                .map(|(column, groups)| (column.clone(), groups.iter().map(|(value, slice)| (value.clone(), (slice.articles, slice.counts))).collect()))
                .collect(),
            // The ids are copied on the rayon pool; they come in id order, so the map is built
            // from them in one pass.
            per_article: if per_article {
                let entries: Vec<(String, SchemeCounts)> = score.per_article.par_iter().with_min_len(1024).map(|a| (a.article_id.clone(), a.counts)).collect();
                entries.into_iter().collect()
            } else {
                BTreeMap::new()
            },
        }
    }

    fn of_report(report: &LayerReport) -> Self {
        LayerCounts {
            gold_spans: report.gold_spans,
            predicted_spans: report.predicted_spans,
            overall: scheme_counts(&report.overall),
            strict_attrs: report.overall.get(STRICT_ATTRS).map(|m| Counts {
                correct: m.correct,
                incorrect: m.incorrect,
                partial: m.partial,
                missed: m.missed,
                spurious: m.spurious,
            }),
            per_label: report.per_label.iter().map(|(label, figures)| (label.clone(), scheme_counts(figures))).collect(),
            attributes: report.attributes.iter().map(|(name, a)| (name.clone(), (a.compared, a.correct))).collect(),
            confusion: report.confusion.clone(),
            slices: report
                .slices
                .iter()
                .map(|(column, groups)| (column.clone(), groups.iter().map(|(value, s)| (value.clone(), (s.articles, scheme_counts(&s.schemes)))).collect()))
                .collect(),
            per_article: report.per_article.clone(),
        }
    }

    /// Adds the counts of another, disjoint set of articles.
    fn add(&mut self, other: LayerCounts) -> Result<(), String> {
        self.gold_spans += other.gold_spans;
        self.predicted_spans += other.predicted_spans;
        self.overall.add(&other.overall);
        self.strict_attrs = match (self.strict_attrs, other.strict_attrs) {
            (Some(mut a), Some(b)) => {
                a.add(&b);
                Some(a)
            }
            (a, b) => a.or(b),
        };
        for (label, counts) in other.per_label {
            self.per_label.entry(label).or_default().add(&counts);
        }
        for (name, (compared, correct)) in other.attributes {
            let entry = self.attributes.entry(name).or_default();
            entry.0 += compared;
            entry.1 += correct;
        }
        for (gold, row) in other.confusion {
            for (pred, n) in row {
                *self.confusion.entry(gold.clone()).or_default().entry(pred).or_default() += n;
            }
        }
        for (column, groups) in other.slices {
            for (value, (articles, counts)) in groups {
                let entry = self.slices.entry(column.clone()).or_default().entry(value).or_default();
                entry.0 += articles;
                entry.1.add(&counts);
            }
        }
        for (id, counts) in other.per_article {
            if self.per_article.insert(id.clone(), counts).is_some() {
                return Err(format!("article `{id}` is scored in two of the partial reports"));
            }
        }
        Ok(())
    }

    fn report(self, layer: &str, resamples: usize, seed: u64) -> LayerReport {
        // Resampled in article-id order, so that the same counts give the same intervals however
        // the articles were split into shards.
        let strict: Vec<Counts> = self.per_article.values().map(|c| c[Scheme::Strict]).collect();
        self.report_resampling(layer, &strict, resamples, seed)
    }

    /// The report, its interval resampled from `strict` (every article's strict counts, in
    /// article-id order).
    fn report_resampling(self, layer: &str, strict: &[Counts], resamples: usize, seed: u64) -> LayerReport {
        let mut overall = schemes(&self.overall);
        if let Some(counts) = &self.strict_attrs {
            overall.insert(STRICT_ATTRS.into(), metrics(Scheme::Strict, counts));
        }
        let per_label = self.per_label.iter().map(|(label, counts)| (label.clone(), schemes(counts))).collect();
        let mut averages: BTreeMap<String, BTreeMap<String, Average>> = BTreeMap::new();
        for scheme in Scheme::ALL {
            let m = metrics(scheme, &self.overall[scheme]);
            let name = scheme.name().to_string();
            let micro = Average { precision: m.precision, recall: m.recall, f1: m.f1 };
            let (precision, recall, f1) = macro_average(&self.per_label, scheme);
            let macro_ = Average { precision, recall, f1 };
            let (precision, recall, f1) = weighted_average(&self.per_label, scheme);
            let weighted = Average { precision, recall, f1 };
            averages.entry("micro".into()).or_default().insert(name.clone(), micro);
            averages.entry("macro".into()).or_default().insert(name.clone(), macro_);
            averages.entry("weighted".into()).or_default().insert(name, weighted);
        }
        let attributes = self
            .attributes
            .iter()
            .map(|(name, &(compared, correct))| {
                let accuracy = if compared > 0 { correct as f64 / compared as f64 } else { 0.0 };
                (name.clone(), AttributeReport { compared, correct, accuracy })
            })
            .collect();
        let slices = self
            .slices
            .iter()
            .map(|(column, groups)| {
                let groups =
                    groups.iter().map(|(value, (articles, counts))| (value.clone(), SliceReport { articles: *articles, schemes: schemes(counts) })).collect();
                (column.clone(), groups)
            })
            .collect();
        LayerReport {
            layer: layer.to_string(),
            gold_spans: self.gold_spans,
            predicted_spans: self.predicted_spans,
            articles: strict.len() as u64,
            overall,
            per_label,
            averages,
            attributes,
            confusion: self.confusion,
            slices,
            per_article: self.per_article,
            confidence: bootstrap(strict, Scheme::Strict, resamples, seed),
        }
    }
}

impl LayerReport {
    /// The report of a layer's scores; `resamples` bootstrap resamples (0: no intervals).
    pub fn new(score: &LayerScore, slices: &BTreeMap<String, BTreeMap<String, Slice>>, resamples: usize, seed: u64) -> LayerReport {
        LayerCounts::of_score(score, slices, true).report(&score.layer, resamples, seed)
    }

    /// [`LayerReport::new`] without the per-article counts (`per_article` is empty, and left
    /// out of the JSON), for `mizan score` unless it is asked for them: the same figures and
    /// interval, without a copy of every article's id and counts.
    pub fn summary(score: &LayerScore, slices: &BTreeMap<String, BTreeMap<String, Slice>>, resamples: usize, seed: u64) -> LayerReport {
        let strict: Vec<Counts> = score.per_article.iter().map(|a| a.counts[Scheme::Strict]).collect();
        LayerCounts::of_score(score, slices, false).report_resampling(&score.layer, &strict, resamples, seed)
    }

    /// The report of the union of disjoint sets of articles, from each set's report: the
    /// counts add up, and every figure, average and interval is computed again from the sums.
    pub fn merge(parts: &[&LayerReport], resamples: usize, seed: u64) -> Result<LayerReport, String> {
        let Some(first) = parts.first() else { return Err("no report to merge".into()) };
        let mut total = LayerCounts::default();
        for part in parts {
            total.add(LayerCounts::of_report(part))?;
        }
        Ok(total.report(&first.layer, resamples, seed))
    }

    /// The overall figures in display order.
    pub fn overall_in_order(&self) -> impl Iterator<Item = (&'static str, &Metrics)> {
        SCHEME_ORDER.into_iter().filter_map(|name| self.overall.get(name).map(|m| (name, m)))
    }

    /// The figures of one scheme overall (`strict`, …, `strict+attrs`).
    pub fn scheme(&self, name: &str) -> Option<&Metrics> {
        self.overall.get(name)
    }
}
