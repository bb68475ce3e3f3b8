//! The regression gate: a comparison fails when some extractor's overall F1 on some layer
//! dropped by more than a threshold and the drop is significant. Both conditions matter: a
//! large drop on a handful of articles can be luck, and a significant drop of 0.001 is not
//! worth stopping a change for.
//!
//! The gate fails closed: a drop larger than the threshold that no test on these articles could
//! ever find significant (too few differing articles to reach alpha, or reports without
//! per-article counts) fails too, saying so — a gate that cannot see must not wave a change
//! through. `--alpha 1` gates on the drop alone.

use serde::Serialize;

use crate::compare::Comparison;

/// What the gate checked and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    pub scheme: String,
    /// The largest drop in F1 that passes (absolute, e.g. 0.01).
    pub threshold: f64,
    /// A drop fails only when its p-value is below this; 1 or more asks for no significance.
    pub alpha: f64,
    pub passed: bool,
    pub regressions: Vec<Regression>,
    /// Drops larger than the threshold that were not significant.
    pub not_significant: Vec<Regression>,
}

/// One extractor and layer whose F1 dropped by more than the threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regression {
    pub extractor: String,
    pub layer: String,
    pub scheme: String,
    /// The index of the report that regressed (against the first).
    pub report: usize,
    pub before: f64,
    pub after: f64,
    pub delta: f64,
    /// Null when the reports carry no per-article counts to test with.
    pub p_value: Option<f64>,
    /// False when no p-value on these articles could fall below alpha (or none was computed):
    /// the drop then fails the gate untested.
    pub testable: bool,
}

impl std::fmt::Display for Regression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}: {} F1 {:.4} → {:.4} (Δ {:+.4}", self.extractor, self.layer, self.scheme, self.before, self.after, self.delta)?;
        match (self.p_value, self.testable) {
            (Some(p), true) => write!(f, ", p = {p:.4})"),
            (Some(p), false) => write!(f, ", p = {p:.4}, and these articles can never give a significant difference)"),
            (None, _) => write!(f, ", not tested)"),
        }
    }
}

/// Checks every later report against the first under `scheme`: a regression is a drop of
/// more than `threshold` with p < `alpha` (any drop over the threshold when `alpha >= 1`,
/// for data too small to test on).
pub fn gate(comparison: &Comparison, scheme: &str, threshold: f64, alpha: f64) -> Gate {
    let mut regressions = Vec::new();
    let mut not_significant = Vec::new();
    for extractor in &comparison.extractors {
        for layer in &extractor.layers {
            let Some(row) = layer.scheme(scheme) else { continue };
            for k in 1..row.figures.len() {
                let (Some(before), Some(after), Some(delta)) = (row.figures[0], row.figures[k], row.delta(k)) else { continue };
                if -delta.f1 <= threshold {
                    continue;
                }
                let p_value = delta.significance.as_ref().map(|s| s.p_value);
                let testable = delta.significance.as_ref().is_some_and(|s| s.can_reach(alpha));
                let found = Regression {
                    extractor: extractor.name.clone(),
                    layer: layer.layer.clone(),
                    scheme: scheme.to_string(),
                    report: k,
                    before: before.f1,
                    after: after.f1,
                    delta: delta.f1,
                    p_value,
                    testable,
                };
                if alpha >= 1.0 || !testable || p_value.is_some_and(|p| p < alpha) {
                    regressions.push(found);
                } else {
                    not_significant.push(found);
                }
            }
        }
    }
    Gate { scheme: scheme.to_string(), threshold, alpha, passed: regressions.is_empty(), regressions, not_significant }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{DatasetCheck, Delta, ExtractorComparison, Figures, LayerComparison, SchemeRow, Settings, Significance};

    fn figures(f1: f64) -> Option<Figures> {
        Some(Figures { precision: f1, recall: f1, f1, possible: 10, actual: 10 })
    }

    fn row(scheme: &str, before: f64, after: f64, p: Option<f64>) -> SchemeRow {
        let significance = p.map(|p_value| Significance {
            articles: 10,
            differing: 10,
            observed: after - before,
            p_value,
            trials: 100,
            interval: [after - before, after - before],
            resamples: 10,
            seed: 0,
        });
        let delta = Delta { precision: 0.0, recall: 0.0, f1: after - before, significant: p.map(|p| p < 0.05), significance };
        SchemeRow { scheme: scheme.into(), figures: vec![figures(before), figures(after)], deltas: vec![None, Some(delta)] }
    }

    fn comparison(rows: Vec<(&str, Vec<SchemeRow>)>) -> Comparison {
        let layers =
            rows.into_iter().map(|(layer, overall)| LayerComparison { layer: layer.into(), overall, per_label: Vec::new(), changed: Vec::new() }).collect();
        Comparison {
            settings: Settings { trials: 100, resamples: 10, seed: 0, alpha: 0.05, level: 0.95 },
            reports: Vec::new(),
            dataset: DatasetCheck { same: true, differences: Vec::new(), unchecked: Vec::new() },
            extractors: vec![ExtractorComparison { name: "x".into(), versions: Vec::new(), layers }],
            only_in: Vec::new(),
            gate: None,
        }
    }

    #[test]
    fn a_drop_fails_when_large_and_significant() {
        let cases = [
            // (before, after, p, threshold, alpha, regression?, listed as not significant?)
            (0.90, 0.80, Some(0.001), 0.01, 0.05, true, false),
            (0.90, 0.80, Some(0.20), 0.01, 0.05, false, true),
            (0.90, 0.895, Some(0.001), 0.01, 0.05, false, false),
            (0.90, 0.90, Some(1.0), 0.0, 0.05, false, false),
            (0.90, 0.95, Some(0.001), 0.0, 0.05, false, false),
            (0.90, 0.80, Some(1.0), 0.01, 1.0, true, false),
            // Untestable drops fail closed: no per-article counts, or too few articles.
            (0.90, 0.80, None, 0.01, 0.05, true, false),
        ];
        for (before, after, p, threshold, alpha, fails, listed) in cases {
            let gate = gate(&comparison(vec![("ner", vec![row("strict", before, after, p)])]), "strict", threshold, alpha);
            assert_eq!(
                (gate.passed, gate.regressions.len(), gate.not_significant.len()),
                (!fails, usize::from(fails), usize::from(listed)),
                "{before} → {after} p {p:?}"
            );
        }
    }

    #[test]
    fn a_large_drop_on_too_few_articles_fails_untested() {
        let mut small = row("strict", 1.0, 0.81, Some(0.0625));
        small.deltas[1].as_mut().unwrap().significance.as_mut().unwrap().differing = 5;
        let g = gate(&comparison(vec![("ner", vec![small.clone()])]), "strict", 0.01, 0.05);
        assert!(!g.passed);
        assert!(!g.regressions[0].testable);
        assert!(g.regressions[0].to_string().contains("can never give a significant difference"), "{}", g.regressions[0]);
        // Enough differing articles to reach alpha: a p above it passes, as before.
        small.deltas[1].as_mut().unwrap().significance.as_mut().unwrap().differing = 6;
        let g = gate(&comparison(vec![("ner", vec![small])]), "strict", 0.01, 0.05);
        assert!(g.passed && g.not_significant.len() == 1);
    }

    #[test]
    fn the_chosen_scheme_is_gated_and_named() {
        let c = comparison(vec![("ner", vec![row("strict", 0.9, 0.9, Some(1.0)), row("partial", 0.9, 0.7, Some(0.0001))])]);
        assert!(gate(&c, "strict", 0.01, 0.05).passed);
        let failed = gate(&c, "partial", 0.01, 0.05);
        assert_eq!(failed.regressions[0].to_string(), "x on ner: partial F1 0.9000 → 0.7000 (Δ -0.2000, p = 0.0001)");
        assert!(gate(&c, "type", 0.01, 0.05).passed, "a scheme no layer has passes");
    }
}
