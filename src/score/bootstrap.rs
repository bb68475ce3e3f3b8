//! Confidence intervals by the percentile bootstrap over articles: resample the articles with
//! replacement, recompute micro precision, recall and F1 from the resampled counts, and take
//! the 2.5th and 97.5th percentiles. Seeded, so a report is reproducible.
//!
//! Below [`MIN_ARTICLES`] articles no interval is given: resampling one article always returns
//! it, so its "interval" has zero width and looks like certainty, and a handful of articles
//! give only a few distinct resamples, so the percentiles understate the uncertainty. Such
//! intervals are `null` in report.json and "n/a (N articles)" in every rendering.

use serde::{Deserialize, Serialize};

use rayon::prelude::*;

use crate::random::Rng;
use crate::score::multinomial::GroupDraws;
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
    // The figures depend only on correct, partial, possible and actual: when no resample's
    // sum can pass 2^32, they are packed two to a u64 (correct and partial, possible and
    // actual), so a draw adds two words from a table that stays in the processor's cache.
    let largest = per_article.iter().map(|c| c.correct.max(c.partial).max(c.possible()).max(c.actual())).max().unwrap_or(0);
    let packed: Option<Vec<[u64; 2]>> = (n <= u64::from(u32::MAX) && largest.checked_mul(n).is_some_and(|most| most <= u64::from(u32::MAX)))
        .then(|| per_article.iter().map(|c| [c.correct | c.partial << 32, c.possible() | c.actual() << 32]).collect());
    // Resample `r` draws from its own stretch of one seeded stream, starting at draw r·2^40, so
    // the resamples are independent of each other's draws and can be shared out over the cores
    // in any way: the intervals never depend on the number of cores.
    let groups = Groups::of(per_article);
    let resample = |r: usize| -> Figures {
        let stretch = || Draws::new(seed, r as u64, n);
        let total = match (&groups, &packed) {
            (Some(groups), _) => groups.resample(seed, r as u64),
            (None, Some(table)) => {
                let [found, sizes] = packed_sums(table, stretch());
                let low = |word: u64| word & u64::from(u32::MAX);
                let (correct, partial, possible, actual) = (low(found), found >> 32, low(sizes), sizes >> 32);
                // Same correct, partial, possible and actual, so the same figures.
                Counts { correct, incorrect: 0, partial, missed: possible - correct - partial, spurious: actual - correct - partial }
            }
            (None, None) => {
                let mut draws = stretch();
                let mut total = Counts::default();
                for _ in 0..n {
                    total.add(&per_article[draws.next() as usize]);
                }
                total
            }
        };
        let m = metrics(scheme, &total);
        (m.precision, m.recall, m.f1)
    };
    let values: Vec<Figures> = (0..resamples).into_par_iter().with_min_len(8).map(resample).collect();
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

/// The distinct rows of counts and how many articles hold each, when they are few enough
/// that drawing how often each row is drawn ([`GroupDraws`]) is cheaper than drawing every
/// article: fewer than one row in [`GROUPED_BELOW`] articles.
struct Groups {
    rows: Vec<[u64; 4]>,
    articles: u64,
    draws: GroupDraws,
}

/// Rows are grouped when there are fewer than one in this many articles: a binomial draw
/// costs about as much as eight uniform ones.
const GROUPED_BELOW: usize = 8;

impl Groups {
    fn of(per_article: &[Counts]) -> Option<Groups> {
        // The rows are sorted on the rayon pool and counted in one pass, so the groups come out
        // in row order.
        let mut all: Vec<[u64; 4]> = per_article.par_iter().with_min_len(4096).map(|c| [c.correct, c.partial, c.possible(), c.actual()]).collect();
        all.par_sort_unstable();
        let (mut rows, mut sizes): (Vec<[u64; 4]>, Vec<u64>) = (Vec::new(), Vec::new());
        for run in all.chunk_by(|a, b| a == b) {
            if (rows.len() + 1) * GROUPED_BELOW > per_article.len() {
                return None;
            }
            rows.push(run[0]);
            sizes.push(run.len() as u64);
        }
        Some(Groups { rows, articles: per_article.len() as u64, draws: GroupDraws::new(&sizes) })
    }

    /// Resample `r`'s counts, from the same stretch of the stream as its article draws.
    fn resample(&self, seed: u64, r: u64) -> Counts {
        let mut rng = Rng::after(seed, r << STRETCH_BITS);
        let mut counts = Vec::with_capacity(self.rows.len());
        self.draws.draw(&mut rng, self.articles, &mut counts);
        let mut sum = [0u64; 4];
        for (row, &count) in self.rows.iter().zip(&counts) {
            for (total, value) in sum.iter_mut().zip(row) {
                *total += value * count;
            }
        }
        let [correct, partial, possible, actual] = sum;
        // Same correct, partial, possible and actual, so the same figures.
        Counts { correct, incorrect: 0, partial, missed: possible - correct - partial, spurious: actual - correct - partial }
    }
}

/// Each resample's stretch of the stream is 2^40 outputs long, in two streams of 2^39 (its
/// draws, and the redraws of the rare rejected values): far more than any resample takes.
const STRETCH_BITS: u32 = 40;

/// The sums of `table`'s rows over one resample — what [`Draws::next`] draws — by the inner
/// loop of the bootstrap: two draws from each 64-bit output, the rare rejected value redrawn
/// from the resample's second stream in place.
fn packed_sums(table: &[[u64; 2]], draws: Draws) -> [u64; 2] {
    let Draws { primary: Halves { mut rng, .. }, mut fallback, .. } = draws;
    let n = table.len() as u32;
    let threshold = n.wrapping_neg() % n;
    let (mut found, mut sizes) = (0u64, 0u64);
    let mut add = |half: u64| {
        let mut product = half * u64::from(n);
        while (product as u32) < threshold {
            product = u64::from(fallback.next()) * u64::from(n);
        }
        let [a, b] = table[(product >> 32) as usize];
        found += a;
        sizes += b;
    };
    for _ in 0..n / 2 {
        let x = rng.next_u64();
        add(x & u64::from(u32::MAX));
        add(x >> 32);
    }
    if n % 2 == 1 {
        add(rng.next_u64() & u64::from(u32::MAX));
    }
    [found, sizes]
}

/// The 32-bit values of a stream: the low half of each 64-bit output, then its high half.
struct Halves {
    rng: Rng,
    spare: Option<u32>,
}

impl Halves {
    #[inline]
    fn next(&mut self) -> u32 {
        match self.spare.take() {
            Some(high) => high,
            None => {
                let x = self.rng.next_u64();
                self.spare = Some((x >> 32) as u32);
                x as u32
            }
        }
    }
}

/// Uniform article indexes in `0..n` for resample `r`. Below 2^32 articles, draw `i` is 32-bit
/// value `i` of the resample's stream (starting at output r·2^40) by [`below_u32`]; a value it
/// rejects is replaced by the next of a second stream (from output r·2^40 + 2^39), so a
/// rejection moves no other draw. Beyond 2^32 articles, draws take 64 bits.
struct Draws {
    primary: Halves,
    fallback: Halves,
    n: u64,
}

impl Draws {
    fn new(seed: u64, r: u64, n: u64) -> Self {
        let stream = |at: u64| Halves { rng: Rng::after(seed, at), spare: None };
        Draws { primary: stream(r << STRETCH_BITS), fallback: stream((r << STRETCH_BITS) + (1 << (STRETCH_BITS - 1))), n }
    }

    #[inline]
    fn next(&mut self) -> u64 {
        match u32::try_from(self.n) {
            Ok(n) => {
                let first = self.primary.next();
                let fallback = &mut self.fallback;
                let mut taken = false;
                u64::from(below_u32(
                    || {
                        if taken {
                            fallback.next()
                        } else {
                            taken = true;
                            first
                        }
                    },
                    n,
                ))
            }
            Err(_) => below_u64(&mut self.primary.rng, self.n),
        }
    }
}

/// A uniform integer in `0..n` (`n > 0`) by Lemire's multiply-and-shift: the top 32 bits of
/// `x · n` for a 32-bit `x`, with the few `x` whose low bits fall below `2^32 mod n` drawn
/// again, so there is no bias. One multiplication a draw; a division only in the rare case.
#[inline]
fn below_u32(mut next: impl FnMut() -> u32, n: u32) -> u32 {
    let mut product = u64::from(next()) * u64::from(n);
    if (product as u32) < n {
        let threshold = n.wrapping_neg() % n;
        while (product as u32) < threshold {
            product = u64::from(next()) * u64::from(n);
        }
    }
    (product >> 32) as u32
}

/// [`below_u32`] in 64 bits, for 2^32 articles or more.
fn below_u64(rng: &mut Rng, n: u64) -> u64 {
    let mut product = u128::from(rng.next_u64()) * u128::from(n);
    if (product as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (product as u64) < threshold {
            product = u128::from(rng.next_u64()) * u128::from(n);
        }
    }
    (product >> 64) as u64
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
    fn draws_are_uniform_below_n() {
        let mut rng = Rng::new(11);
        for n in [1u64, 2, 3, 7, 36_994, u64::from(u32::MAX), (1 << 32) + 15, u64::MAX] {
            let mut draws = Draws::new(n, 0, n);
            for _ in 0..1000 {
                assert!(draws.next() < n && below_u64(&mut rng, n) < n);
            }
        }
        let mut seen = [0u32; 7];
        let mut draws = Draws::new(5, 0, 7);
        for _ in 0..70_000 {
            seen[draws.next() as usize] += 1;
        }
        assert!(seen.iter().all(|&k| (9_500..10_500).contains(&k)), "{seen:?}");
        // For n = 2^31 + 1 nearly half of the products' low halves are rejected (2^32 mod n =
        // 2^31 − 1), and every draw still lands below n; the same in 64 bits.
        let n = (1u32 << 31) + 1;
        let mut halves = (0..).map(|k: u32| k.wrapping_mul(0x9e37_79b9));
        assert!((0..1000).all(|_| below_u32(|| halves.next().unwrap_or(0), n) < n));
        let n = (1u64 << 63) + 1;
        assert!((0..1000).all(|_| below_u64(&mut rng, n) < n));
    }

    /// The inner loop sums what the draws one by one give, rejections included: for 100,000
    /// articles 2^32 mod n = 67,296, so a resample meets one or two rejected values.
    #[test]
    fn the_inner_loop_sums_the_draws() {
        let n = 100_000u64;
        let table: Vec<[u64; 2]> = (0..n).map(|k| [(k % 5) | ((k % 3) << 32), (k % 11) | ((k % 7) << 32)]).collect();
        for r in 0..6 {
            let mut draws = Draws::new(17, r, n);
            let one_by_one = (0..n).fold([0, 0], |[a, b], _| {
                let [x, y] = table[draws.next() as usize];
                [a + x, b + y]
            });
            assert_eq!(packed_sums(&table, Draws::new(17, r, n)), one_by_one, "resample {r}");
        }
    }

    /// The packed table and the plain sums give the same intervals.
    #[test]
    fn large_counts_give_the_intervals_of_the_same_draws() {
        let small: Vec<Counts> = (0..40).map(|k| Counts { correct: k % 5, incorrect: 1, partial: k % 2, missed: k % 3, spurious: k % 4 }).collect();
        // Scaling every count by 2^27 takes the sums past 32 bits (the plain table); precision
        // and recall are ratios, so the figures stay those of the small counts.
        let scale = 1 << 27;
        let large: Vec<Counts> = small
            .iter()
            .map(|c| Counts {
                correct: c.correct * scale,
                incorrect: c.incorrect * scale,
                partial: c.partial * scale,
                missed: c.missed * scale,
                spurious: c.spurious * scale,
            })
            .collect();
        let (a, b) = (bootstrap(&small, Scheme::Strict, 200, 9).unwrap(), bootstrap(&large, Scheme::Strict, 200, 9).unwrap());
        for (x, y) in [(a.precision, b.precision), (a.recall, b.recall), (a.f1, b.f1)] {
            let ([x0, x1], [y0, y1]) = (x.unwrap(), y.unwrap());
            assert!((x0 - y0).abs() < 1e-12 && (x1 - y1).abs() < 1e-12, "{x:?} {y:?}");
        }
    }

    /// Many articles with few distinct rows are resampled by groups; the intervals are those
    /// of drawing every article, up to the Monte Carlo error of 1,000 resamples.
    #[test]
    fn grouped_resampling_gives_the_intervals_of_article_draws() {
        let per_article: Vec<Counts> = (0..5000u64).map(|k| counts(1 + k % 4, (k / 4) % 3, (k / 12) % 2)).collect();
        let groups = Groups::of(&per_article).expect("24 distinct rows among 5,000 articles are grouped");
        assert_eq!(groups.rows.len(), 24);
        // In row order, each row once: the order the draws are defined over.
        assert!(groups.rows.windows(2).all(|w| w[0] < w[1]), "{:?}", groups.rows);
        let grouped = bootstrap(&per_article, Scheme::Strict, 1000, 5).unwrap().f1.unwrap();
        let n = per_article.len() as u64;
        let mut f1: Vec<f64> = (0..1000u64)
            .map(|r| {
                let mut draws = Draws::new(5, r, n);
                let mut total = Counts::default();
                for _ in 0..n {
                    total.add(&per_article[draws.next() as usize]);
                }
                metrics(Scheme::Strict, &total).f1
            })
            .collect();
        f1.sort_by(f64::total_cmp);
        let direct = [quantile(&f1, 0.025), quantile(&f1, 0.975)];
        let width = direct[1] - direct[0];
        assert!(width > 0.005, "{direct:?}");
        for (a, b) in grouped.iter().zip(&direct) {
            assert!((a - b).abs() < width / 6.0, "grouped {grouped:?} against direct {direct:?}");
        }
        // Rows as many as an eighth of the articles are drawn article by article.
        let varied: Vec<Counts> = (0..80).map(|k| counts(k, 0, k % 2)).collect();
        assert!(Groups::of(&varied).is_none());
    }

    /// The intervals are the ones the plain sequential loop gives, whatever the cores.
    #[test]
    fn parallel_resampling_equals_the_sequential_loop() {
        let per_article: Vec<Counts> = (0..57).map(|k| Counts { correct: k % 5, incorrect: k % 2, partial: k % 3, missed: k % 3, spurious: k % 4 }).collect();
        let n = per_article.len() as u64;
        let mut f1 = Vec::new();
        for r in 0..101u64 {
            let mut draws = Draws::new(SEED, r, n);
            let mut total = Counts::default();
            for _ in 0..n {
                total.add(&per_article[draws.next() as usize]);
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
