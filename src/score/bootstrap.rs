//! Confidence intervals by the percentile bootstrap over articles: resample the articles with
//! replacement, recompute micro precision, recall and F1 from the resampled counts, and take
//! the 2.5th and 97.5th percentiles. Seeded, so a report is reproducible.
//!
//! Below [`MIN_ARTICLES`] articles no interval is given: resampling one article always returns
//! it, so its "interval" has zero width and looks like certainty, and a handful of articles
//! give only a few distinct resamples, so the percentiles understate the uncertainty. Such
//! intervals are `null` in report.json and "n/a (N articles)" in every rendering.

use serde::{Deserialize, Serialize};

use crate::random::Rng;
use crate::score::{metrics, Counts, Scheme};

/// Default number of resamples.
pub const RESAMPLES: usize = 1000;
/// Default seed.
pub const SEED: u64 = 0x006d_697a_616e;
/// The fewest articles an interval is computed from. With n articles there are at most
/// C(2n−1, n) distinct resamples (one for 1 article, 3 for 2, 126 for 5, 92,378 for 10): ten is
/// the first count where a 95% percentile interval rests on more than a few hundred values.
pub const MIN_ARTICLES: usize = 10;

/// 95% intervals for one scheme's micro figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidence {
    pub scheme: String,
    pub level: f64,
    pub resamples: u64,
    pub seed: u64,
    /// The articles resampled (absent in reports written before it was recorded).
    #[serde(default)]
    pub articles: Option<u64>,
    /// `[low, high]`; `None` (JSON `null`) with fewer than [`MIN_ARTICLES`] articles.
    pub precision: Option<[f64; 2]>,
    pub recall: Option<[f64; 2]>,
    pub f1: Option<[f64; 2]>,
}

impl Confidence {
    /// An interval for people: `[low, high]` to `digits`, or `n/a (1 article)` when there were
    /// too few articles to give one.
    pub fn show(&self, interval: Option<[f64; 2]>, digits: usize) -> String {
        match interval {
            Some([low, high]) => format!("[{low:.digits$}, {high:.digits$}]"),
            None => {
                let n = self.articles.unwrap_or(0);
                format!("n/a ({n} article{})", if n == 1 { "" } else { "s" })
            }
        }
    }

    /// One line for people: `strict micro, 95% bootstrap intervals over articles (1000
    /// resamples, seed …): precision [a, b], recall [c, d], F1 [e, f]`, figures to `digits`.
    pub fn describe(&self, digits: usize) -> String {
        if self.f1.is_none() {
            return format!(
                "{} micro, no bootstrap interval: {}; intervals need at least {MIN_ARTICLES} articles",
                self.scheme,
                self.show(None, digits).trim_start_matches("n/a ").trim_matches(|c| c == '(' || c == ')')
            );
        }
        let pair = |interval: Option<[f64; 2]>| self.show(interval, digits);
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
    let n = per_article.len() as u64;
    if per_article.len() < MIN_ARTICLES {
        let (precision, recall, f1) = (None, None, None);
        return Some(Confidence {
            scheme: scheme.name().to_string(),
            level: 0.95,
            resamples: resamples as u64,
            seed,
            articles: Some(n),
            precision,
            recall,
            f1,
        });
    }
    let mut rng = Rng::new(seed);
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
        Some([quantile(values, 0.025), quantile(values, 0.975)])
    };
    Some(Confidence {
        scheme: scheme.name().to_string(),
        level: 0.95,
        resamples: resamples as u64,
        seed,
        articles: Some(n),
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
        let (f1, precision) = (ci.f1.unwrap(), ci.precision.unwrap());
        assert!(f1[0] <= point.f1 && point.f1 <= f1[1], "{ci:?} {point:?}");
        assert!(precision[0] < precision[1]);
        assert_eq!(bootstrap(&articles, Scheme::Strict, 500, 1), Some(ci));
        assert_eq!(bootstrap(&[], Scheme::Strict, 500, 1), None);
        let line = bootstrap(&articles, Scheme::Strict, 500, 1).unwrap().describe(2);
        assert!(line.starts_with("strict micro, 95% bootstrap intervals over articles (500 resamples, seed 1): precision ["), "{line}");
    }

    #[test]
    fn identical_articles_give_a_point_interval() {
        let ci = bootstrap(&[counts(2, 1, 1); 10], Scheme::Strict, 100, 3).unwrap();
        assert_eq!(ci.f1, Some([2.0 / 3.0, 2.0 / 3.0]));
    }

    #[test]
    fn too_few_articles_give_no_interval() {
        for n in [1, 2, MIN_ARTICLES - 1] {
            let ci = bootstrap(&vec![counts(2, 1, 1); n], Scheme::Strict, 100, 3).unwrap();
            assert_eq!((ci.precision, ci.recall, ci.f1, ci.articles), (None, None, None, Some(n as u64)));
            assert!(ci.show(ci.f1, 4).starts_with("n/a ("), "{}", ci.show(ci.f1, 4));
        }
        let one = bootstrap(&[counts(2, 1, 1)], Scheme::Strict, 100, 3).unwrap();
        assert_eq!(one.show(one.f1, 4), "n/a (1 article)");
        assert!(one.describe(4).contains("no bootstrap interval: 1 article; intervals need at least 10 articles"), "{}", one.describe(4));
        let json = serde_json::to_value(&one).unwrap();
        assert!(json["f1"].is_null() && json["precision"].is_null(), "{json}");
        assert!(bootstrap(&vec![counts(2, 1, 1); MIN_ARTICLES], Scheme::Strict, 100, 3).unwrap().f1.is_some());
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[0.0, 1.0, 2.0, 3.0], 0.5), 1.5);
        assert_eq!(quantile(&[5.0], 0.975), 5.0);
    }
}
