//! Resampling by groups of identical articles. A bootstrap resample of n articles is n uniform
//! draws, but the micro figures depend only on how many times each distinct row of counts
//! was drawn: with K distinct rows held by m₁ … m_K articles, those numbers are one
//! multinomial draw of n over probabilities mₖ/n. It is drawn as K binomials in turn (the
//! first row's count is Bin(n, m₁/n), the next one's Bin(n − c₁, m₂/(n − m₁)), …), which is
//! exact, and costs K binomial draws instead of n uniform ones: a corpus cut into sentences
//! (tens of thousands of articles, a few hundred distinct rows) resamples a hundred times
//! faster. [`bootstrap`](super::bootstrap::bootstrap) uses it when the rows are that few.
//!
//! The binomial draws are Hörmann's BTRS (transformed rejection with squeeze, 1993) when the
//! mean is 10 or more, inversion below. Both use floating point, with `ln` from the platform:
//! on one platform the draws are reproducible; another `ln` could, very rarely, take one
//! rejection step the other way.

use crate::random::Rng;

/// A uniform `f64` in `[0, 1)` with 53 random bits.
#[inline]
fn uniform(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// One draw of Bin(`n`, `p`) (what [`GroupDraws`] draws, one at a time, for the tests).
#[cfg(test)]
fn binomial(rng: &mut Rng, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    Probability::new(p).draw(rng, n)
}

/// A probability strictly between 0 and 1, with what its draws need of it computed once: the
/// side drawn (the smaller of p and 1 − p, the other mirrored), and for inversion ln(1 − p)
/// and p / (1 − p).
#[derive(Debug, Clone, Copy)]
struct Probability {
    mirrored: bool,
    p: f64,
    ln_q: f64,
    ratio: f64,
}

impl Probability {
    fn new(p: f64) -> Self {
        let (mirrored, p) = if p > 0.5 { (true, 1.0 - p) } else { (false, p) };
        let q = 1.0 - p;
        Probability { mirrored, p, ln_q: q.ln(), ratio: p / q }
    }

    /// One draw of Bin(`n`, p), `n` > 0.
    fn draw(&self, rng: &mut Rng, n: u64) -> u64 {
        let k = if n as f64 * self.p < 10.0 { self.inversion(rng, n) } else { btrs(rng, n, self.p) };
        if self.mirrored {
            n - k
        } else {
            k
        }
    }

    /// Inversion for a small mean: walks the distribution from 0 until the uniform is used up.
    fn inversion(&self, rng: &mut Rng, n: u64) -> u64 {
        let first = (n as f64 * self.ln_q).exp();
        loop {
            let mut u = uniform(rng);
            let (mut k, mut probability) = (0u64, first);
            while u >= probability {
                u -= probability;
                k += 1;
                // Rounding can leave a sliver of u beyond the last value: start again.
                if k > n {
                    break;
                }
                probability *= self.ratio * (n - k + 1) as f64 / k as f64;
            }
            if k <= n {
                return k;
            }
        }
    }
}

/// BTRS for `p ≤ 0.5` and `n·p ≥ 10` (Hörmann 1993, algorithm BTRS).
fn btrs(rng: &mut Rng, n: u64, p: f64) -> u64 {
    let (nf, q) = (n as f64, 1.0 - p);
    let spq = (nf * p * q).sqrt();
    let b = 1.15 + 2.53 * spq;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = nf * p + 0.5;
    let v_r = 0.92 - 4.2 / b;
    let r = p / q;
    let alpha = (2.83 + 5.1 / b) * spq;
    let m = ((nf + 1.0) * p).floor();
    loop {
        let u = uniform(rng) - 0.5;
        let v = uniform(rng);
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + c).floor();
        if !(0.0..=nf).contains(&k) {
            continue;
        }
        if us >= 0.07 && v <= v_r {
            return k as u64;
        }
        let v = (v * alpha / (a / (us * us) + b)).ln();
        let bound = (m + 0.5) * ((m + 1.0) / (r * (nf - m + 1.0))).ln()
            + (nf + 1.0) * ((nf - m + 1.0) / (nf - k + 1.0)).ln()
            + (k + 0.5) * (r * (nf - k + 1.0) / (k + 1.0)).ln()
            + stirling_tail(m)
            + stirling_tail(nf - m)
            - stirling_tail(k)
            - stirling_tail(nf - k);
        if v <= bound {
            return k as u64;
        }
    }
}

/// ln k! − (ln √(2π) + (k + ½) ln(k + 1) − (k + 1)): the error of Stirling's formula at k + 1.
fn stirling_tail(k: f64) -> f64 {
    const TAIL: [f64; 10] = [
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_29,
        0.027_677_925_684_998_34,
        0.020_790_672_103_765_09,
        0.016_644_691_189_821_19,
        0.013_876_128_823_070_75,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_1,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_87,
    ];
    if k <= 9.0 {
        return TAIL[k as usize];
    }
    let kp1sq = (k + 1.0) * (k + 1.0);
    (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / (k + 1.0)
}

/// The binomials of one multinomial draw over groups of `sizes` articles, worked out once for
/// every resample: group k's count is Bin(what is left, its size over the sizes from k on).
#[derive(Debug, Clone)]
pub struct GroupDraws {
    steps: Vec<Step>,
}

/// How one group's count is drawn.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// The group holds all the articles from it on: it takes what is left.
    Rest,
    Empty,
    Binomial(Probability),
}

impl GroupDraws {
    pub fn new(sizes: &[u64]) -> Self {
        let mut mass: u64 = sizes.iter().sum();
        let mut steps = Vec::with_capacity(sizes.len());
        for &size in sizes {
            steps.push(if size == mass {
                Step::Rest
            } else if size == 0 {
                Step::Empty
            } else {
                Step::Binomial(Probability::new(size as f64 / mass as f64))
            });
            mass -= size;
        }
        GroupDraws { steps }
    }

    /// How many times each group is drawn when as many articles as the groups hold are drawn
    /// uniformly: one multinomial draw, as binomials in turn.
    pub fn draw(&self, rng: &mut Rng, draws: u64, counts: &mut Vec<u64>) {
        counts.clear();
        let mut left = draws;
        for step in &self.steps {
            let count = match step {
                _ if left == 0 => 0,
                Step::Rest => left,
                Step::Empty => 0,
                Step::Binomial(probability) => probability.draw(rng, left),
            };
            counts.push(count);
            left -= count;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact probabilities of Bin(n, p), from a table of ln k! so that large n neither
    /// overflow nor take quadratic time.
    fn pmf(n: u64, p: f64) -> Vec<f64> {
        let mut ln_factorial = vec![0.0f64; n as usize + 1];
        for i in 1..=n as usize {
            ln_factorial[i] = ln_factorial[i - 1] + (i as f64).ln();
        }
        let nu = n as usize;
        (0..=nu).map(|k| (ln_factorial[nu] - ln_factorial[k] - ln_factorial[nu - k] + k as f64 * p.ln() + (nu - k) as f64 * (1.0 - p).ln()).exp()).collect()
    }

    /// Pearson's χ² of 100,000 draws against the exact distribution, over the values expected
    /// at least 20 times (the tails pooled), for small and large means on both sides of ½.
    #[test]
    fn draws_follow_the_binomial_distribution() {
        for (n, p) in [(5u64, 0.3), (40, 0.1), (40, 0.5), (200, 0.25), (1000, 0.02), (3000, 0.7), (33_429, 0.108), (12, 0.97)] {
            let mut rng = Rng::new(n ^ 0x5eed);
            let draws = 100_000u64;
            let mut seen = vec![0u64; n as usize + 1];
            for _ in 0..draws {
                let k = binomial(&mut rng, n, p);
                assert!(k <= n);
                seen[k as usize] += 1;
            }
            let (mut chi2, mut cells, mut pooled_expected, mut pooled_seen) = (0.0, 0, 0.0, 0.0);
            for (k, probability) in pmf(n, p).into_iter().enumerate() {
                let expected = probability * draws as f64;
                if expected >= 20.0 {
                    chi2 += (seen[k] as f64 - expected).powi(2) / expected;
                    cells += 1;
                } else {
                    pooled_expected += expected;
                    pooled_seen += seen[k] as f64;
                }
            }
            if pooled_expected >= 20.0 {
                chi2 += (pooled_seen - pooled_expected).powi(2) / pooled_expected;
                cells += 1;
            }
            // For d degrees of freedom, χ² stays below d + 6√(2d) but with probability ~1e-6.
            let freedom = (cells - 1) as f64;
            assert!(chi2 < freedom + 6.0 * (2.0 * freedom).sqrt(), "Bin({n}, {p}): χ² {chi2:.1} over {freedom} degrees of freedom");
        }
    }

    #[test]
    fn edge_probabilities_and_sizes() {
        let mut rng = Rng::new(1);
        assert_eq!(binomial(&mut rng, 0, 0.4), 0);
        assert_eq!(binomial(&mut rng, 17, 0.0), 0);
        assert_eq!(binomial(&mut rng, 17, 1.0), 17);
        let big = 1u64 << 40;
        let k = binomial(&mut rng, big, 0.5);
        assert!((k as f64 - big as f64 / 2.0).abs() < 8.0 * (big as f64 / 4.0).sqrt(), "{k}");
    }

    /// Group counts always add up to the draws, and each group is drawn in proportion to its
    /// size on average.
    #[test]
    fn group_draws_add_up_and_are_proportional() {
        let sizes = [3609u64, 2674, 1895, 1, 1, 17, 400, 1];
        let n: u64 = sizes.iter().sum();
        let mut rng = Rng::new(7);
        let draws = GroupDraws::new(&sizes);
        let mut counts = Vec::new();
        let mut totals = vec![0u64; sizes.len()];
        let rounds = 2000;
        for _ in 0..rounds {
            draws.draw(&mut rng, n, &mut counts);
            assert_eq!(counts.iter().sum::<u64>(), n);
            for (total, count) in totals.iter_mut().zip(&counts) {
                *total += count;
            }
        }
        for (&size, &total) in sizes.iter().zip(&totals) {
            let mean = total as f64 / rounds as f64;
            let sd = (size as f64 * (1.0 - size as f64 / n as f64)).sqrt() / (rounds as f64).sqrt();
            assert!((mean - size as f64).abs() < 6.0 * sd + 1e-9, "size {size}: mean {mean}");
        }
    }
}
