//! Confidence intervals by the percentile bootstrap over articles: resample the articles with
//! replacement, recompute micro precision, recall and F1 from the resampled counts, and take
//! the 2.5th and 97.5th percentiles. Seeded, so a report is reproducible.
//!
//! Below [`MIN_ARTICLES`] articles no interval is given: resampling one article always returns
//! it, so its "interval" has zero width and looks like certainty, and a handful of articles
//! give only a few distinct resamples, so the percentiles understate the uncertainty. Such
//! intervals are `null` in report.json and "n/a (N articles)" in every rendering.

use serde::{Deserialize, Serialize};

use std::cell::Cell;

use rayon::prelude::*;

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
    // The figures depend only on correct, partial, possible and actual: four small numbers an
    // article, so the table the draws index stays in the processor's cache. (An article's
    // counts beyond u32 are kept exactly, in the slow table.)
    let compact: Option<Vec<[u32; 4]>> = per_article
        .iter()
        .map(|c| Some([u32::try_from(c.correct).ok()?, u32::try_from(c.partial).ok()?, u32::try_from(c.possible()).ok()?, u32::try_from(c.actual()).ok()?]))
        .collect();
    let figures = |range: std::ops::Range<usize>, rng: &mut Rng, draw: &Draw| -> Vec<Figures> {
        range
            .map(|_| {
                let total = match &compact {
                    Some(table) => {
                        let mut sum = [0u64; 4];
                        for _ in 0..n {
                            let row = &table[draw.below(rng) as usize];
                            for (s, &x) in sum.iter_mut().zip(row) {
                                *s += u64::from(x);
                            }
                        }
                        let [correct, partial, possible, actual] = sum;
                        // Same correct, partial, possible and actual, so the same figures.
                        Counts { correct, incorrect: 0, partial, missed: possible - correct - partial, spurious: actual - correct - partial }
                    }
                    None => {
                        let mut total = Counts::default();
                        for _ in 0..n {
                            total.add(&per_article[draw.below(rng) as usize]);
                        }
                        total
                    }
                };
                let m = metrics(scheme, &total);
                (m.precision, m.recall, m.f1)
            })
            .collect()
    };
    // Each resample is one stretch of `n` draws of a single seeded stream. The stretches are
    // shared out over the cores, each worker starting its generator where its first stretch
    // begins — which is exact as long as no draw before it was rejected (a chance of about
    // n / 2^64 per draw). Should one be, the stream is replayed in order on one core, so the
    // intervals never depend on the number of cores.
    let workers = rayon::current_num_threads().clamp(1, resamples);
    let per_worker = resamples.div_ceil(workers);
    let parts: Vec<(Vec<Figures>, u64)> = (0..workers)
        .into_par_iter()
        .map(|w| {
            let range = (w * per_worker).min(resamples)..((w + 1) * per_worker).min(resamples);
            let mut rng = Rng::after(seed, range.start as u64 * n);
            let draw = Draw::new(n);
            let values = figures(range, &mut rng, &draw);
            (values, draw.rejected.get())
        })
        .collect();
    let replay = parts.iter().rev().skip(1).any(|(_, rejected)| *rejected > 0);
    let values: Vec<Figures> =
        if replay { figures(0..resamples, &mut Rng::new(seed), &Draw::new(n)) } else { parts.into_iter().flat_map(|(values, _)| values).collect() };
    let mut precision: Vec<f64> = values.iter().map(|v| v.0).collect();
    let mut recall: Vec<f64> = values.iter().map(|v| v.1).collect();
    let mut f1: Vec<f64> = values.iter().map(|v| v.2).collect();
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

/// One resample's precision, recall and F1.
type Figures = (f64, f64, f64);

/// [`Rng::below`] for a fixed `n`, with the division replaced by a multiplication (Lemire's
/// direct remainder, exact for every 64-bit value): the same numbers, several times faster,
/// and a count of rejected draws.
struct Draw {
    n: u64,
    zone: u64,
    /// `ceil(2^128 / n)`, or 0 when `n` is 1.
    inverse: u128,
    rejected: Cell<u64>,
}

impl Draw {
    fn new(n: u64) -> Self {
        let inverse = if n > 1 { (u128::MAX / u128::from(n)).wrapping_add(1) } else { 0 };
        Draw { n, zone: u64::MAX - u64::MAX % n, inverse, rejected: Cell::new(0) }
    }

    fn below(&self, rng: &mut Rng) -> u64 {
        loop {
            let x = rng.next_u64();
            if x < self.zone {
                return self.remainder(x);
            }
            self.rejected.set(self.rejected.get() + 1);
        }
    }

    /// `x % n`: the top 64 bits of `(inverse * x mod 2^128) * n`.
    fn remainder(&self, x: u64) -> u64 {
        let low = self.inverse.wrapping_mul(u128::from(x));
        let n = u128::from(self.n);
        let carry = ((low & u128::from(u64::MAX)) * n) >> 64;
        (((low >> 64) * n + carry) >> 64) as u64
    }
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

    #[test]
    fn the_fast_remainder_is_the_remainder() {
        let mut rng = Rng::new(3);
        for n in [1u64, 2, 3, 7, 10, 37_000, 36_994, 1 << 20, (1 << 32) + 15, u64::MAX / 3, u64::MAX] {
            let draw = Draw::new(n);
            for x in [0, 1, n - 1, n, n.wrapping_add(1), u64::MAX, u64::MAX - 1].into_iter().chain((0..2000).map(|_| rng.next_u64())) {
                assert_eq!(draw.remainder(x), x % n, "{x} % {n}");
            }
        }
    }

    #[test]
    fn draws_equal_the_generator_s_own() {
        for n in [1u64, 5, 36_994] {
            let (mut a, mut b) = (Rng::new(11), Rng::new(11));
            let draw = Draw::new(n);
            for _ in 0..1000 {
                assert_eq!(draw.below(&mut a), b.below(n));
            }
        }
    }

    /// The intervals are the ones the plain sequential loop gives, whatever the cores.
    #[test]
    fn parallel_resampling_equals_the_sequential_loop() {
        let per_article: Vec<Counts> = (0..57).map(|k| Counts { correct: k % 5, incorrect: k % 2, partial: k % 3, missed: k % 3, spurious: k % 4 }).collect();
        let mut rng = Rng::new(SEED);
        let n = per_article.len() as u64;
        let mut f1 = Vec::new();
        for _ in 0..101 {
            let mut total = Counts::default();
            for _ in 0..n {
                total.add(&per_article[rng.below(n) as usize]);
            }
            f1.push(metrics(Scheme::Partial, &total).f1);
        }
        f1.sort_by(f64::total_cmp);
        let expected = [quantile(&f1, 0.025), quantile(&f1, 0.975)];
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let got = pool.install(|| bootstrap(&per_article, Scheme::Partial, 101, SEED)).unwrap();
            assert_eq!(got.f1, Some(expected), "{threads} threads");
        }
    }
}
