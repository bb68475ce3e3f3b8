//! Whether a difference in micro F1 between two reports on the same articles is more than the
//! luck of which articles the dataset holds. Both tests are paired over articles, because each
//! article is scored by both versions: a paired approximate randomization test gives the
//! p-value, and a paired percentile bootstrap gives a 95% interval of the difference.
//! `docs/compare.md` gives the formulas.
//!
//! Only the summed counts matter for micro F1, and F1 reduces to one ratio of sums:
//! `F1 = 2·credit / (possible + actual)`, with `credit = correct` (strict, exact) or
//! `correct + partial/2` (partial, type). So each article becomes three integers (twice the
//! credit, so that half credits stay whole), and a trial adds or subtracts them from running
//! totals: no allocation per trial, and articles whose counts are the same on both sides are
//! left out of the randomization since swapping them changes nothing.

use serde::Serialize;

use crate::random::Rng;
use crate::score::bootstrap::quantile;
use crate::score::{Counts, Scheme};

/// Default randomization trials.
pub const TRIALS: usize = 10_000;
/// Default bootstrap resamples.
pub const RESAMPLES: usize = 1_000;
/// The interval's confidence level.
pub const LEVEL: f64 = 0.95;

/// One article's counts reduced to what micro F1 needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    /// Twice the credit: `2·correct`, plus `partial` under the half-credit schemes.
    credit2: i64,
    /// `possible + actual`.
    size: i64,
}

impl Tally {
    fn of(scheme: Scheme, counts: &Counts) -> Tally {
        let half = matches!(scheme, Scheme::Partial | Scheme::Type);
        let credit2 = 2 * counts.correct + if half { counts.partial } else { 0 };
        Tally { credit2: credit2 as i64, size: (counts.possible() + counts.actual()) as i64 }
    }

    fn f1(self) -> f64 {
        // Equal to 2PR/(P+R), and 0 where that is 0 by convention (no gold or no prediction).
        if self.size > 0 {
            self.credit2 as f64 / self.size as f64
        } else {
            0.0
        }
    }

    fn add(&mut self, other: Tally) {
        self.credit2 += other.credit2;
        self.size += other.size;
    }

    fn sub(&mut self, other: Tally) {
        self.credit2 -= other.credit2;
        self.size -= other.size;
    }
}

/// The significance of `after − before` in micro F1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Significance {
    /// Articles the tests ran over (those both sides scored).
    pub articles: usize,
    /// Articles whose counts differ between the sides: the only ones a swap can change.
    pub differing: usize,
    /// ΔF1 over those articles (the report's own Δ when both sides scored the same articles).
    pub observed: f64,
    /// Approximate randomization: `(c + 1) / (trials + 1)`.
    pub p_value: f64,
    pub trials: usize,
    /// The bootstrap interval of ΔF1, `[low, high]`.
    pub interval: [f64; 2],
    pub resamples: usize,
    pub seed: u64,
}

impl Significance {
    /// Whether any difference over these articles could reach `p < alpha`. Of the `2^d`
    /// relabellings of `d` differing articles, at least two (none swapped, all swapped) reach
    /// the observed |ΔF1|, so p cannot go below `2 / 2^d`: one differing article never makes a
    /// significant difference, whatever its size.
    pub fn can_reach(&self, alpha: f64) -> bool {
        self.differing >= 1 && 2f64.powi(1 - self.differing.min(64) as i32) < alpha
    }
}

/// How many trials and resamples, from which seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestSettings {
    pub trials: usize,
    pub resamples: usize,
    pub seed: u64,
}

impl Default for TestSettings {
    fn default() -> Self {
        TestSettings { trials: TRIALS, resamples: RESAMPLES, seed: crate::score::bootstrap::SEED }
    }
}

/// Both tests over paired per-article counts: `pairs[i]` is article i's counts before and
/// after.
pub fn significance(pairs: &[(Counts, Counts)], scheme: Scheme, settings: TestSettings) -> Significance {
    let tallies: Vec<(Tally, Tally)> = pairs.iter().map(|(a, b)| (Tally::of(scheme, a), Tally::of(scheme, b))).collect();
    let (before, after) = totals(&tallies);
    let observed = after.f1() - before.f1();
    Significance {
        articles: pairs.len(),
        differing: tallies.iter().filter(|(a, b)| a != b).count(),
        observed,
        p_value: randomization(&tallies, settings.trials, settings.seed),
        trials: settings.trials,
        interval: paired_bootstrap(&tallies, settings.resamples, settings.seed),
        resamples: settings.resamples,
        seed: settings.seed,
    }
}

fn totals(tallies: &[(Tally, Tally)]) -> (Tally, Tally) {
    let (mut before, mut after) = (Tally::default(), Tally::default());
    for &(a, b) in tallies {
        before.add(a);
        after.add(b);
    }
    (before, after)
}

/// The share of random relabellings whose |ΔF1| reaches the observed one, as `(c+1)/(n+1)`:
/// in each trial every article's two tallies trade places with probability ½.
fn randomization(tallies: &[(Tally, Tally)], trials: usize, seed: u64) -> f64 {
    let (before, after) = totals(tallies);
    let observed = (after.f1() - before.f1()).abs();
    // What a swap moves from `after` to `before`; articles with nothing to move are skipped.
    let moves: Vec<Tally> = tallies
        .iter()
        .filter(|(a, b)| a != b)
        .map(|&(a, b)| {
            let mut d = b;
            d.sub(a);
            d
        })
        .collect();
    // A relative tolerance, so that a relabelling equal to the observed one in exact arithmetic
    // is not lost to rounding.
    let threshold = observed - 1e-12 * observed.max(1.0);
    // The two sides always add up to the same totals, so only one is tracked.
    let mut sum = before;
    sum.add(after);
    let mut rng = Rng::new(seed);
    let mut reached = 0usize;
    for _ in 0..trials {
        let mut x = before;
        let mut bits = 0u64;
        for (k, d) in moves.iter().enumerate() {
            // One draw gives 64 coins.
            if k % 64 == 0 {
                bits = rng.next_u64();
            }
            // A mask instead of a branch: the coin is unpredictable by design, and a branch on
            // it costs three times as much.
            let mask = -((bits & 1) as i64);
            x.credit2 += d.credit2 & mask;
            x.size += d.size & mask;
            bits >>= 1;
        }
        let mut y = sum;
        y.sub(x);
        if (y.f1() - x.f1()).abs() >= threshold {
            reached += 1;
        }
    }
    (reached + 1) as f64 / (trials + 1) as f64
}

/// The 2.5th and 97.5th percentiles of ΔF1 over resamples of the articles with replacement,
/// the same articles for both sides.
fn paired_bootstrap(tallies: &[(Tally, Tally)], resamples: usize, seed: u64) -> [f64; 2] {
    if tallies.is_empty() || resamples == 0 {
        let (before, after) = totals(tallies);
        let delta = after.f1() - before.f1();
        return [delta, delta];
    }
    let mut rng = Rng::new(seed);
    let n = tallies.len() as u64;
    let mut deltas = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        let (mut x, mut y) = (Tally::default(), Tally::default());
        for _ in 0..n {
            let (a, b) = tallies[rng.below(n) as usize];
            x.add(a);
            y.add(b);
        }
        deltas.push(y.f1() - x.f1());
    }
    deltas.sort_by(f64::total_cmp);
    let tail = (1.0 - LEVEL) / 2.0;
    [quantile(&deltas, tail), quantile(&deltas, 1.0 - tail)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::metrics;

    fn counts(correct: u64, incorrect: u64, partial: u64, missed: u64, spurious: u64) -> Counts {
        Counts { correct, incorrect, partial, missed, spurious }
    }

    /// 200 synthetic articles with 3 to 8 gold spans each, mostly found.
    fn articles() -> Vec<Counts> {
        (0..200u64).map(|i| counts(3 + i % 6, i % 3 % 2, 0, (i * 7) % 3, i % 4 / 3)).collect()
    }

    /// The same articles after losing a third of their correct spans (now missed).
    fn lose_a_third(before: &[Counts]) -> Vec<(Counts, Counts)> {
        before
            .iter()
            .map(|c| {
                let lost = c.correct / 3;
                (*c, Counts { correct: c.correct - lost, missed: c.missed + lost, ..*c })
            })
            .collect()
    }

    const QUICK: TestSettings = TestSettings { trials: 2_000, resamples: 500, seed: 7 };

    #[test]
    fn f1_from_tallies_equals_the_scorer_s() {
        let cases = [counts(3, 1, 2, 1, 1), counts(0, 0, 0, 0, 0), counts(0, 0, 0, 4, 0), counts(0, 0, 0, 0, 3), counts(5, 0, 0, 0, 0), counts(0, 1, 1, 0, 0)];
        for c in cases {
            for scheme in Scheme::ALL {
                let expected = metrics(scheme, &c).f1;
                assert!((Tally::of(scheme, &c).f1() - expected).abs() < 1e-15, "{c:?} {scheme:?}");
            }
        }
    }

    #[test]
    fn identical_sides_give_no_difference_and_p_one() {
        let pairs: Vec<(Counts, Counts)> = articles().into_iter().map(|c| (c, c)).collect();
        let s = significance(&pairs, Scheme::Strict, QUICK);
        assert_eq!((s.observed, s.p_value, s.interval, s.differing), (0.0, 1.0, [0.0, 0.0], 0));
        assert_eq!(s.articles, 200);
    }

    #[test]
    fn losing_a_third_of_the_correct_spans_is_significant() {
        let pairs = lose_a_third(&articles());
        for scheme in Scheme::ALL {
            let s = significance(&pairs, scheme, QUICK);
            assert!(s.observed < -0.1, "{scheme:?} {s:?}");
            assert!(s.p_value < 0.05, "{scheme:?} {s:?}");
            assert_eq!(s.p_value, 1.0 / 2_001.0, "no relabelling reaches a drop this large");
            assert!(s.interval[0] <= s.observed && s.observed <= s.interval[1] && s.interval[1] < 0.0, "{s:?}");
        }
    }

    #[test]
    fn a_change_in_one_article_of_many_is_not_significant() {
        let before = articles();
        let mut pairs: Vec<(Counts, Counts)> = before.iter().map(|c| (*c, *c)).collect();
        pairs[10].1.correct -= 1;
        pairs[10].1.missed += 1;
        let s = significance(&pairs, Scheme::Strict, QUICK);
        assert!(s.observed < 0.0 && s.differing == 1);
        // One differing article: every trial either keeps or mirrors the observed |Δ|.
        assert_eq!(s.p_value, 1.0);
        assert!(!s.can_reach(0.05));
        let five = Significance { differing: 5, ..s.clone() };
        let six = Significance { differing: 6, ..s };
        assert_eq!((five.can_reach(0.05), six.can_reach(0.05)), (false, true), "2/32 ≥ 0.05 > 2/64");
    }

    #[test]
    fn the_p_value_counts_reaching_trials_plus_one() {
        // Two articles, each better after by the same amount: of the four relabellings, two
        // (none or both swapped) reach the observed |Δ|, two (one swapped) give 0.
        let a = counts(1, 0, 0, 1, 0);
        let b = counts(2, 0, 0, 0, 0);
        let pairs = [(a, b), (a, b)];
        let s = significance(&pairs, Scheme::Strict, TestSettings { trials: 20_000, resamples: 10, seed: 3 });
        assert!((s.p_value - 0.5).abs() < 0.02, "{s:?}");
        let c = randomization(&[(Tally::of(Scheme::Strict, &a), Tally::of(Scheme::Strict, &b))], 9, 1);
        assert_eq!(c, 1.0, "(9 + 1) / (9 + 1)");
        assert_eq!(randomization(&[], 99, 1), 1.0);
    }

    #[test]
    fn seeded_results_repeat_and_seeds_matter() {
        let mut pairs = lose_a_third(&articles());
        // A mild change, so that the p-value is not at its floor.
        for (k, pair) in pairs.iter_mut().enumerate() {
            if k % 9 != 0 {
                pair.1 = pair.0;
            }
        }
        let one = significance(&pairs, Scheme::Strict, QUICK);
        assert_eq!(significance(&pairs, Scheme::Strict, QUICK), one);
        let other = significance(&pairs, Scheme::Strict, TestSettings { seed: 8, ..QUICK });
        assert_ne!((one.p_value, one.interval), (other.p_value, other.interval));
        assert!(one.interval[0] <= one.observed && one.observed <= one.interval[1], "{one:?}");
    }

    #[test]
    fn no_articles_and_no_resamples_are_handled() {
        let s = significance(&[], Scheme::Strict, QUICK);
        assert_eq!((s.observed, s.p_value, s.interval), (0.0, 1.0, [0.0, 0.0]));
        let pairs = lose_a_third(&articles());
        let s = significance(&pairs, Scheme::Strict, TestSettings { trials: 0, resamples: 0, seed: 1 });
        assert_eq!(s.p_value, 1.0);
        assert_eq!(s.interval, [s.observed, s.observed]);
    }
}
