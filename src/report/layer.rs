//! One layer's scores as report data: every scheme's counts and figures overall and per label,
//! the averages, attributes, the confusion table, slices and per-article counts. `mizan score
//! --json` prints this shape, and report.json holds one per extractor and layer.

use std::collections::BTreeMap;

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
    /// Article id → scheme → counts (for significance tests between reports).
    pub per_article: BTreeMap<String, BTreeMap<String, Counts>>,
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

impl LayerReport {
    /// The report of a layer's scores; `resamples` bootstrap resamples (0: no intervals).
    pub fn new(score: &LayerScore, slices: &BTreeMap<String, BTreeMap<String, Slice>>, resamples: usize, seed: u64) -> LayerReport {
        let mut overall = schemes(&score.overall);
        if score.has_attributes() {
            overall.insert(STRICT_ATTRS.into(), metrics(Scheme::Strict, &score.strict_attrs));
        }
        let per_label = score.per_label.iter().map(|(label, counts)| (label.clone(), schemes(counts))).collect();
        let mut averages: BTreeMap<String, BTreeMap<String, Average>> = BTreeMap::new();
        for scheme in Scheme::ALL {
            let m = metrics(scheme, &score.overall[scheme]);
            let name = scheme.name().to_string();
            let micro = Average { precision: m.precision, recall: m.recall, f1: m.f1 };
            let (precision, recall, f1) = macro_average(&score.per_label, scheme);
            let macro_ = Average { precision, recall, f1 };
            let (precision, recall, f1) = weighted_average(&score.per_label, scheme);
            let weighted = Average { precision, recall, f1 };
            averages.entry("micro".into()).or_default().insert(name.clone(), micro);
            averages.entry("macro".into()).or_default().insert(name.clone(), macro_);
            averages.entry("weighted".into()).or_default().insert(name, weighted);
        }
        let attributes = score
            .attributes
            .iter()
            .map(|(name, c)| (name.clone(), AttributeReport { compared: c.compared, correct: c.correct, accuracy: c.accuracy() }))
            .collect();
        let mut confusion: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for ((gold, pred), n) in &score.confusion {
            confusion.entry(gold.clone()).or_default().insert(pred.clone(), *n);
        }
        let slices = slices
            .iter()
            .map(|(column, groups)| {
                let groups =
                    groups.iter().map(|(value, slice)| (value.clone(), SliceReport { articles: slice.articles, schemes: schemes(&slice.counts) })).collect();
                (column.clone(), groups)
            })
            .collect();
        let per_article = score
            .per_article
            .iter()
            .map(|a| {
                let counts = Scheme::ALL.iter().map(|&s| (s.name().to_string(), a.counts[s])).collect();
                (a.article_id.clone(), counts)
            })
            .collect();
        LayerReport {
            layer: score.layer.clone(),
            gold_spans: score.gold_spans,
            predicted_spans: score.predicted_spans,
            articles: score.per_article.len() as u64,
            overall,
            per_label,
            averages,
            attributes,
            confusion,
            slices,
            per_article,
            confidence: {
                let strict: Vec<Counts> = score.per_article.iter().map(|a| a.counts[Scheme::Strict]).collect();
                bootstrap(&strict, Scheme::Strict, resamples, seed)
            },
        }
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
