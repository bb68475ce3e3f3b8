//! The linear-chain CRF (Lafferty, McCallum and Pereira 2001): the other way `perceptron-ner`
//! learns its weights, over the same features, tags and transitions as the perceptron.
//!
//! A CRF reads the Viterbi score of a tag sequence as an unnormalised log-probability,
//! `p(y | x) = exp(score(x, y)) / Z(x)`, and its training maximises the log-likelihood of the
//! gold sequences minus an L2 penalty `c2 · ‖w‖²` (crfsuite's convention, so its `c2` values
//! carry over), with L-BFGS (`lbfgs`). `Z(x)` and the expected feature counts of the gradient
//! come from forward-backward over the same lattice Viterbi searches: the transitions that
//! `TagSet::allowed` forbids have probability zero. The result is one weight row per
//! feature and a transition table, exactly what the perceptron produces, so the model file,
//! the decoder and the extractor are the same.
//!
//! Forward-backward runs on probabilities rather than logarithms, scaled at every token (the
//! usual trick, as crfsuite does): each token's emissions are shifted by their maximum and
//! the transitions by theirs before `exp`, and the shifts and scales are added back into
//! `log Z`. Everything runs in one thread in a fixed order, so training is deterministic.

use super::decode::start_row;
use super::lbfgs::{Lbfgs, Outcome};
use super::learner::Instance;
use super::tags::TagSet;

/// The objective: the negative conditional log-likelihood of the training sentences plus
/// `c2 · ‖x‖²`, over one parameter vector `x`: `rows × tags` emission weights, then
/// `(tags + 1) × tags` transitions (the layout of `decode`).
pub(crate) struct Objective<'a> {
    tags: usize,
    rows: usize,
    /// `(tags + 1) × tags`, as the transitions.
    allowed: Vec<bool>,
    instances: &'a [Instance],
    c2: f64,
}

/// Forward-backward over one sentence; the buffers are reused from sentence to sentence.
#[derive(Default)]
pub(crate) struct Lattice {
    tags: usize,
    /// `n × tags`: the emission scores on input, `exp(score − max of its token)` after
    /// [`Lattice::run`].
    potentials: Vec<f64>,
    alpha: Vec<f64>,
    beta: Vec<f64>,
    /// The sum of each token's forward row before it was normalised.
    scale: Vec<f64>,
    /// One token's `β · potential / scale`, for the backward step.
    next: Vec<f64>,
}

impl Lattice {
    /// Runs forward-backward on the emission scores in `self.potentials` with the transition
    /// potentials `transitions` (`exp` of the scores minus their maximum; zero where not
    /// allowed). Returns `log Z` without the transitions' shift, or `None` when the scores
    /// are so extreme that no sequence keeps a positive probability.
    pub(crate) fn run(&mut self, tags: usize, transitions: &[f64]) -> Option<f64> {
        self.tags = tags;
        let n = self.potentials.len() / tags;
        let mut log_z = 0.0;
        for row in self.potentials.chunks_exact_mut(tags) {
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            row.iter_mut().for_each(|p| *p = (*p - max).exp());
            log_z += max;
        }
        self.alpha.clear();
        self.alpha.resize(n * tags, 0.0);
        self.scale.clear();
        let start = &transitions[start_row(tags) * tags..];
        for i in 0..n {
            let (done, rest) = self.alpha.split_at_mut(i * tags);
            let out = &mut rest[..tags];
            if i == 0 {
                out.iter_mut().zip(start).for_each(|(a, m)| *a = *m);
            } else {
                for (p, &before) in done[(i - 1) * tags..].iter().enumerate() {
                    out.iter_mut().zip(&transitions[p * tags..(p + 1) * tags]).for_each(|(a, m)| *a += before * m);
                }
            }
            out.iter_mut().zip(&self.potentials[i * tags..(i + 1) * tags]).for_each(|(a, e)| *a *= e);
            let sum: f64 = out.iter().sum();
            if !(sum > 0.0 && sum.is_finite()) {
                return None;
            }
            out.iter_mut().for_each(|a| *a /= sum);
            self.scale.push(sum);
            log_z += sum.ln();
        }
        self.beta.clear();
        self.beta.resize(n * tags, 0.0);
        if n > 0 {
            self.beta[(n - 1) * tags..].fill(1.0);
        }
        for i in (0..n.saturating_sub(1)).rev() {
            let (head, after) = self.beta.split_at_mut((i + 1) * tags);
            let out = &mut head[i * tags..];
            let scale = self.scale[i + 1];
            self.next.clear();
            self.next.extend(after[..tags].iter().zip(&self.potentials[(i + 1) * tags..(i + 2) * tags]).map(|(b, e)| b * e / scale));
            for (p, o) in out.iter_mut().enumerate() {
                *o = transitions[p * tags..(p + 1) * tags].iter().zip(&self.next).map(|(m, x)| m * x).sum();
            }
        }
        Some(log_z)
    }

    /// `p(y_i = t | x)`.
    pub(crate) fn marginal(&self, i: usize, t: usize) -> f64 {
        self.alpha[i * self.tags + t] * self.beta[i * self.tags + t]
    }

    /// `p(y_{i−1} = p, y_i = t | x)` for `i ≥ 1`.
    fn pair(&self, transitions: &[f64], i: usize, p: usize, t: usize) -> f64 {
        let tags = self.tags;
        self.alpha[(i - 1) * tags + p] * transitions[p * tags + t] * self.potentials[i * tags + t] * self.beta[i * tags + t] / self.scale[i]
    }
}

impl<'a> Objective<'a> {
    pub(crate) fn new(tag_set: &TagSet, rows: usize, instances: &'a [Instance], c2: f64) -> Self {
        let tags = tag_set.len();
        let allowed = (0..=tags).flat_map(|p| (0..tags).map(move |t| (p, t))).map(|(p, t)| tag_set.allowed((p < tags).then_some(p), t)).collect();
        Objective { tags, rows, allowed, instances, c2 }
    }

    pub(crate) fn dimension(&self) -> usize {
        (self.rows + self.tags + 1) * self.tags
    }

    /// The transition potentials of `x` and the shift taken off before `exp`.
    fn transition_potentials(&self, x: &[f64]) -> (Vec<f64>, f64) {
        let scores = &x[self.rows * self.tags..];
        let shift = scores.iter().zip(&self.allowed).filter(|(_, &a)| a).map(|(s, _)| *s).fold(f64::NEG_INFINITY, f64::max);
        (scores.iter().zip(&self.allowed).map(|(s, &a)| if a { (s - shift).exp() } else { 0.0 }).collect(), shift)
    }

    /// Fills the lattice's emission scores for one sentence.
    fn emissions(&self, x: &[f64], instance: &Instance, lattice: &mut Lattice) {
        let tags = self.tags;
        lattice.potentials.clear();
        lattice.potentials.resize(instance.gold.len() * tags, 0.0);
        for (i, out) in lattice.potentials.chunks_exact_mut(tags).enumerate() {
            for &row in instance.token(i) {
                let row = row as usize * tags;
                out.iter_mut().zip(&x[row..row + tags]).for_each(|(o, w)| *o += w);
            }
        }
    }

    /// The objective at `x`, its gradient written into `gradient`; infinite when `x` is so
    /// extreme that a sentence's probabilities underflow.
    pub(crate) fn evaluate(&self, x: &[f64], gradient: &mut [f64]) -> f64 {
        let tags = self.tags;
        gradient.fill(0.0);
        let (transitions, shift) = self.transition_potentials(x);
        let emission_len = self.rows * tags;
        let start = start_row(tags);
        let mut lattice = Lattice::default();
        let mut loss = 0.0;
        let mut difference = vec![0.0; tags];
        for instance in self.instances {
            let n = instance.gold.len();
            if n == 0 {
                continue;
            }
            self.emissions(x, instance, &mut lattice);
            let mut gold_score = 0.0;
            for (i, &gold) in instance.gold.iter().enumerate() {
                let before = if i == 0 { start } else { instance.gold[i - 1] };
                gold_score += lattice.potentials[i * tags + gold] + x[emission_len + before * tags + gold];
            }
            let Some(log_z) = lattice.run(tags, &transitions) else {
                return f64::INFINITY;
            };
            loss += log_z + n as f64 * shift - gold_score;
            let (emission_gradient, transition_gradient) = gradient.split_at_mut(emission_len);
            for (i, &gold) in instance.gold.iter().enumerate() {
                difference.iter_mut().enumerate().for_each(|(t, d)| *d = lattice.marginal(i, t));
                difference[gold] -= 1.0;
                for &row in instance.token(i) {
                    let row = row as usize * tags;
                    emission_gradient[row..row + tags].iter_mut().zip(&difference).for_each(|(g, d)| *g += d);
                }
                if i == 0 {
                    transition_gradient[start * tags..].iter_mut().zip(&difference).for_each(|(g, d)| *g += d);
                } else {
                    for p in 0..tags {
                        for t in 0..tags {
                            if self.allowed[p * tags + t] {
                                transition_gradient[p * tags + t] += lattice.pair(&transitions, i, p, t);
                            }
                        }
                    }
                    transition_gradient[instance.gold[i - 1] * tags + gold] -= 1.0;
                }
            }
        }
        for (g, w) in gradient.iter_mut().zip(x) {
            *g += 2.0 * self.c2 * w;
            loss += self.c2 * w * w;
        }
        loss
    }
}

/// The CRF's weights, rounded to the model's `f32`, and how the minimiser ended.
pub(crate) struct Trained {
    pub(crate) weights: Vec<f32>,
    pub(crate) transitions: Vec<f32>,
    pub(crate) outcome: Outcome,
}

/// Trains a CRF on `instances`, whose features are rows `0..rows`; `on_iteration` hears each
/// L-BFGS iteration's number and objective.
pub(crate) fn learn(tag_set: &TagSet, rows: usize, instances: &[Instance], c2: f64, lbfgs: &Lbfgs, on_iteration: impl FnMut(usize, f64)) -> Trained {
    let objective = Objective::new(tag_set, rows, instances, c2);
    let outcome = lbfgs.minimize(vec![0.0; objective.dimension()], |x, g| objective.evaluate(x, g), on_iteration);
    let (weights, transitions) = outcome.x.split_at(rows * tag_set.len());
    Trained { weights: weights.iter().map(|&w| w as f32).collect(), transitions: transitions.iter().map(|&w| w as f32).collect(), outcome }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Rng;

    /// Two sentences over four feature rows with the tags O, B-PER, I-PER.
    fn tiny() -> (TagSet, Vec<Instance>) {
        let tag_set = TagSet::new(["PER".to_string()]);
        let instances = vec![
            Instance { features: vec![0, 1, 2, 0, 3, 1], bounds: vec![0, 2, 4, 6], gold: vec![0, 1, 2] },
            Instance { features: vec![2, 3, 0], bounds: vec![0, 2, 3], gold: vec![1, 0] },
        ];
        (tag_set, instances)
    }

    fn random_point(dimension: usize, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        (0..dimension).map(|_| (rng.next_u64() % 2001) as f64 / 1000.0 - 1.0).collect()
    }

    /// Every allowed tag sequence of `n` tokens.
    fn paths(tag_set: &TagSet, n: usize) -> Vec<Vec<usize>> {
        let mut paths = vec![Vec::new()];
        for _ in 0..n {
            let mut longer = Vec::new();
            for path in &paths {
                for t in (0..tag_set.len()).filter(|&t| tag_set.allowed(path.last().copied(), t)) {
                    longer.push([path.clone(), vec![t]].concat());
                }
            }
            paths = longer;
        }
        paths
    }

    fn score(x: &[f64], rows: usize, tags: usize, instance: &Instance, path: &[usize]) -> f64 {
        let mut total = 0.0;
        for (i, &t) in path.iter().enumerate() {
            total += instance.token(i).iter().map(|&r| x[r as usize * tags + t]).sum::<f64>();
            let before = if i == 0 { start_row(tags) } else { path[i - 1] };
            total += x[rows * tags + before * tags + t];
        }
        total
    }

    #[test]
    fn forward_backward_gives_the_partition_function_and_marginals_that_sum_to_one() {
        let (tag_set, instances) = tiny();
        let objective = Objective::new(&tag_set, 4, &instances, 0.0);
        let tags = tag_set.len();
        let x = random_point(objective.dimension(), 7);
        let (transitions, shift) = objective.transition_potentials(&x);
        let mut lattice = Lattice::default();
        for instance in &instances {
            let n = instance.gold.len();
            objective.emissions(&x, instance, &mut lattice);
            let log_z = lattice.run(tags, &transitions).unwrap() + n as f64 * shift;
            let all = paths(&tag_set, n);
            let scores: Vec<f64> = all.iter().map(|p| score(&x, 4, tags, instance, p)).collect();
            let brute = scores.iter().map(|s| s.exp()).sum::<f64>().ln();
            assert!((log_z - brute).abs() < 1e-9, "{log_z} {brute}");
            for i in 0..n {
                let sum: f64 = (0..tags).map(|t| lattice.marginal(i, t)).sum();
                assert!((sum - 1.0).abs() < 1e-12, "token {i}: {sum}");
                for t in 0..tags {
                    let expected: f64 = all.iter().zip(&scores).filter(|(p, _)| p[i] == t).map(|(_, s)| (s - brute).exp()).sum();
                    assert!((lattice.marginal(i, t) - expected).abs() < 1e-12, "token {i} tag {t}");
                }
            }
            // I-PER never starts a sentence, nor follows O.
            assert_eq!(lattice.marginal(0, 2), 0.0);
        }
    }

    #[test]
    fn the_gradient_matches_finite_differences() {
        let (tag_set, instances) = tiny();
        let objective = Objective::new(&tag_set, 4, &instances, 0.3);
        let x = random_point(objective.dimension(), 11);
        let mut gradient = vec![0.0; x.len()];
        let value = objective.evaluate(&x, &mut gradient);
        assert!(value.is_finite() && value > 0.0);
        let mut scratch = vec![0.0; x.len()];
        let h = 1e-5;
        for k in 0..x.len() {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[k] += h;
            down[k] -= h;
            let numeric = (objective.evaluate(&up, &mut scratch) - objective.evaluate(&down, &mut scratch)) / (2.0 * h);
            assert!((numeric - gradient[k]).abs() < 1e-6, "parameter {k}: analytic {} numeric {numeric}", gradient[k]);
        }
    }

    #[test]
    fn training_fits_the_gold_and_is_deterministic() {
        let (tag_set, instances) = tiny();
        let lbfgs = Lbfgs { max_iterations: 50, ..Lbfgs::default() };
        let mut values = Vec::new();
        let a = learn(&tag_set, 4, &instances, 0.01, &lbfgs, |_, v| values.push(v));
        let b = learn(&tag_set, 4, &instances, 0.01, &lbfgs, |_, _| ());
        assert_eq!(a.weights, b.weights);
        assert_eq!(a.transitions, b.transitions);
        assert!(values.windows(2).all(|w| w[1] <= w[0]), "{values:?}");
        let transitions: Vec<f32> = a.transitions.clone();
        for instance in &instances {
            let emissions: Vec<f32> = (0..instance.gold.len())
                .flat_map(|i| (0..3).map(move |t| (i, t)))
                .map(|(i, t)| instance.token(i).iter().map(|&r| a.weights[r as usize * 3 + t]).sum())
                .collect();
            assert_eq!(super::super::decode::viterbi(&tag_set, &emissions, &transitions), instance.gold);
        }
    }
}
