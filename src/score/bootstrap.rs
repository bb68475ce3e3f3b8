//! Confidence intervals by the percentile bootstrap over articles: resample the articles with
//! replacement, recompute micro precision, recall and F1 from the resampled counts, and take
//! the 2.5th and 97.5th percentiles. Seeded, so a report is reproducible.

use serde::{Deserialize, Serialize};

use crate::random::Rng;
use crate::score::{metrics, Counts, Scheme};

/// Default number of resamples.
pub const RESAMPLES: usize = 1000;
/// Default seed.
pub const SEED: u64 = 0x006d_697a_616e;

/// 95% intervals for one scheme's micro figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidence {
    pub scheme: String,
    pub level: f64,
    pub resamples: u64,
    pub seed: u64,
    /// `[low, high]`.
    pub precision: [f64; 2],
    pub recall: [f64; 2],
    pub f1: [f64; 2],
}

impl Confidence {
    /// One line for people: `strict micro, 95% bootstrap intervals over articles (1000
    /// resamples, seed …): precision [a, b], recall [c, d], F1 [e, f]`, figures to `digits`.
    pub fn describe(&self, digits: usize) -> String {
        let pair = |[low, high]: [f64; 2]| format!("[{low:.digits$}, {high:.digits$}]");
        format!(
            "{} micro, {:.0}% bootstrap intervals over articles ({} resamples, seed {}): precision {}, recall {}, F1 {}",
            self.scheme,
            self.level * 100.0,
            self.resamples,
            self.seed,
            pair(self.precision),
            pair(self.recall),
            pair(self.f1)
        )
    }
}

/// The value at quantile `q` of sorted `values` (linear interpolation between neighbours).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Bootstrap intervals of `scheme`'s micro figures from per-article counts; `None` when there
/// are no articles or no resamples.
pub fn bootstrap(per_article: &[Counts], scheme: Scheme, resamples: usize, seed: u64) -> Option<Confidence> {
    if per_article.is_empty() || resamples == 0 {
        return None;
    }
    let mut rng = Rng::new(seed);
    let n = per_article.len() as u64;
    let (mut precision, mut recall, mut f1) = (Vec::with_capacity(resamples), Vec::with_capacity(resamples), Vec::with_capacity(resamples));
    for _ in 0..resamples {
        let mut total = Counts::default();
        for _ in 0..n {
            total.add(&per_article[rng.below(n) as usize]);
        }
        let m = metrics(scheme, &total);
        precision.push(m.precision);
        recall.push(m.recall);
        f1.push(m.f1);
    }
    let interval = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        [quantile(values, 0.025), quantile(values, 0.975)]
    };
    Some(Confidence {
        scheme: scheme.name().to_string(),
        level: 0.95,
        resamples: resamples as u64,
        seed,
        precision: interval(&mut precision),
        recall: interval(&mut recall),
        f1: interval(&mut f1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(correct: u64, missed: u64, spurious: u64) -> Counts {
        Counts { correct, incorrect: 0, partial: 0, missed, spurious }
    }

    #[test]
    fn intervals_contain_the_estimate_and_are_reproducible() {
        let articles: Vec<Counts> = (0..50).map(|i| counts(3 + i % 4, i % 3, i % 2)).collect();
        let total = articles.iter().fold(Counts::default(), |mut t, c| {
            t.add(c);
            t
        });
        let point = metrics(Scheme::Strict, &total);
        let ci = bootstrap(&articles, Scheme::Strict, 500, 1).unwrap();
        assert!(ci.f1[0] <= point.f1 && point.f1 <= ci.f1[1], "{ci:?} {point:?}");
        assert!(ci.precision[0] < ci.precision[1]);
        assert_eq!(bootstrap(&articles, Scheme::Strict, 500, 1), Some(ci));
        assert_eq!(bootstrap(&[], Scheme::Strict, 500, 1), None);
        let line = bootstrap(&articles, Scheme::Strict, 500, 1).unwrap().describe(2);
        assert!(line.starts_with("strict micro, 95% bootstrap intervals over articles (500 resamples, seed 1): precision ["), "{line}");
    }

    #[test]
    fn identical_articles_give_a_point_interval() {
        let ci = bootstrap(&[counts(2, 1, 1); 10], Scheme::Strict, 100, 3).unwrap();
        assert_eq!(ci.f1, [2.0 / 3.0, 2.0 / 3.0]);
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[0.0, 1.0, 2.0, 3.0], 0.5), 1.5);
        assert_eq!(quantile(&[5.0], 0.975), 5.0);
    }
}
