//! The averaged structured perceptron (Collins 2002): weights learnt from training sentences
//! whose features are already rows of a weight table.
//!
//! For each sentence, the current weights decode a tag sequence with Viterbi; where it differs
//! from the gold, the gold's features gain one and the prediction's lose one. The result is
//! the average of the weights after every sentence, which generalises far better than the
//! last ones. The average is kept with the usual trick: beside each weight `w`, a sum `u` of
//! `c · Δ` over its updates (`c` = sentences seen), so that the average is `w − u / c`.
//! Everything is integer until the average, so the result does not depend on the order of
//! floating-point additions.

use super::decode::{start_row, viterbi};
use super::tags::TagSet;
use crate::progress::Progress;
use crate::random::{Rng, GOLDEN_GAMMA};

/// One training sentence: feature rows of each token, flattened, and the gold tags.
pub(crate) struct Instance {
    pub(crate) features: Vec<u32>,
    /// Token `i`'s features are `features[bounds[i]..bounds[i + 1]]`.
    pub(crate) bounds: Vec<usize>,
    pub(crate) gold: Vec<usize>,
}

impl Instance {
    pub(crate) fn token(&self, i: usize) -> &[u32] {
        &self.features[self.bounds[i]..self.bounds[i + 1]]
    }
}

/// Weights being learnt, with their running sums for the average.
pub(crate) struct Perceptron {
    tags: usize,
    weights: Vec<i32>,
    sums: Vec<i64>,
    transitions: Vec<i32>,
    transition_sums: Vec<i64>,
    /// Sentences seen, plus one.
    clock: i64,
    /// What decoding during training adds to every wrong tag's score (see [`Perceptron::learn`]).
    margin: f32,
}

impl Perceptron {
    pub(crate) fn new(tags: usize, rows: usize, margin: f32) -> Self {
        Perceptron {
            tags,
            weights: vec![0; rows * tags],
            sums: vec![0; rows * tags],
            transitions: vec![0; (tags + 1) * tags],
            transition_sums: vec![0; (tags + 1) * tags],
            clock: 1,
            margin,
        }
    }

    /// Decodes one sentence, updates on its mistakes, and returns the tokens it got right.
    ///
    /// With a margin, decoding adds it to the score of every tag but the gold one (cost-augmented
    /// decoding): a sentence counts as learnt only when the gold path wins by that much, which
    /// keeps updating on tokens the weights get right by luck and generalises better.
    pub(crate) fn learn(&mut self, tag_set: &TagSet, instance: &Instance) -> usize {
        let tags = self.tags;
        let n = instance.gold.len();
        let mut emissions = vec![0f32; n * tags];
        for i in 0..n {
            let out = &mut emissions[i * tags..(i + 1) * tags];
            for &row in instance.token(i) {
                let row = row as usize * tags;
                for (o, &w) in out.iter_mut().zip(&self.weights[row..row + tags]) {
                    *o += w as f32;
                }
            }
        }
        if self.margin != 0.0 {
            for (i, &gold) in instance.gold.iter().enumerate() {
                emissions[i * tags..(i + 1) * tags].iter_mut().enumerate().filter(|&(t, _)| t != gold).for_each(|(_, e)| *e += self.margin);
            }
        }
        let transitions: Vec<f32> = self.transitions.iter().map(|&w| w as f32).collect();
        let predicted = viterbi(tag_set, &emissions, &transitions);
        let correct = predicted.iter().zip(&instance.gold).filter(|(p, g)| p == g).count();
        if correct < n {
            let clock = self.clock;
            let start = start_row(tags);
            for i in 0..n {
                let (gold, guess) = (instance.gold[i], predicted[i]);
                if gold != guess {
                    for &row in instance.token(i) {
                        let row = row as usize * tags;
                        bump(&mut self.weights, &mut self.sums, row + gold, 1, clock);
                        bump(&mut self.weights, &mut self.sums, row + guess, -1, clock);
                    }
                }
                let gold_before = if i == 0 { start } else { instance.gold[i - 1] };
                let guess_before = if i == 0 { start } else { predicted[i - 1] };
                if (gold_before, gold) != (guess_before, guess) {
                    bump(&mut self.transitions, &mut self.transition_sums, gold_before * tags + gold, 1, clock);
                    bump(&mut self.transitions, &mut self.transition_sums, guess_before * tags + guess, -1, clock);
                }
            }
        }
        self.clock += 1;
        correct
    }

    /// Adds the averaged weights and transitions to `weights` and `transitions`.
    pub(crate) fn add_averages(&self, weights: &mut [f64], transitions: &mut [f64]) {
        let clock = self.clock as f64;
        let average = |w: i32, u: i64| f64::from(w) - u as f64 / clock;
        for (out, (&w, &u)) in weights.iter_mut().zip(self.weights.iter().zip(&self.sums)) {
            *out += average(w, u);
        }
        for (out, (&w, &u)) in transitions.iter_mut().zip(self.transitions.iter().zip(&self.transition_sums)) {
            *out += average(w, u);
        }
    }
}

/// Averaged weights and transitions of `runs` perceptrons trained for `epochs` each, every run
/// in its own seeded sentence orders, averaged; with the tokens tagged right during each epoch
/// of the first run.
pub(crate) struct Averaged {
    pub(crate) weights: Vec<f32>,
    pub(crate) transitions: Vec<f32>,
    pub(crate) epoch_correct: Vec<usize>,
}

/// How the perceptron runs: [`TrainOptions`](super::TrainOptions)' `epochs`, `runs`, `margin`
/// and `seed`.
pub(crate) struct Schedule {
    pub(crate) epochs: usize,
    pub(crate) runs: usize,
    pub(crate) margin: f32,
    pub(crate) seed: u64,
}

pub(crate) fn train_runs(tag_set: &TagSet, rows: usize, instances: &[Instance], schedule: &Schedule, progress: &dyn Progress) -> Averaged {
    let tags = tag_set.len();
    let runs = schedule.runs.max(1);
    let mut weights = vec![0f64; rows * tags];
    let mut transitions = vec![0f64; (tags + 1) * tags];
    let mut epoch_correct = Vec::new();
    for run in 0..runs {
        let mut learner = Perceptron::new(tags, rows, schedule.margin);
        let mut order: Vec<usize> = (0..instances.len()).collect();
        let mut rng = Rng::new(schedule.seed.wrapping_add((run as u64).wrapping_mul(GOLDEN_GAMMA)));
        for epoch in 0..schedule.epochs {
            rng.shuffle(&mut order);
            let what = format!("run {}/{runs}, epoch {}/{}", run + 1, epoch + 1, schedule.epochs);
            progress.start(&what, Some(order.len() as u64));
            let mut correct = 0;
            for &i in &order {
                correct += learner.learn(tag_set, &instances[i]);
                progress.advance(1);
            }
            progress.finish();
            if run == 0 {
                epoch_correct.push(correct);
            }
        }
        learner.add_averages(&mut weights, &mut transitions);
    }
    let scale = 1.0 / runs as f64;
    Averaged {
        weights: weights.iter().map(|w| (w * scale) as f32).collect(),
        transitions: transitions.iter().map(|w| (w * scale) as f32).collect(),
        epoch_correct,
    }
}

fn bump(weights: &mut [i32], sums: &mut [i64], at: usize, by: i32, clock: i64) {
    weights[at] += by;
    sums[at] += i64::from(by) * clock;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_from_mistakes_and_averages() {
        // One token, one feature (row 0): the gold is B-PER.
        let tag_set = TagSet::new(["PER".to_string()]);
        let instance = Instance { features: vec![0], bounds: vec![0, 1], gold: vec![1] };
        let mut learner = Perceptron::new(3, 1, 0.0);
        assert_eq!(learner.learn(&tag_set, &instance), 0); // all zero: O wins the tie
        assert_eq!(learner.learn(&tag_set, &instance), 1);
        let (mut weights, mut transitions) = (vec![0.0; 3], vec![0.0; 12]);
        learner.add_averages(&mut weights, &mut transitions);
        // w = (-1, 1, 0) from the first sentence on; averaged over the three points 0, w, w.
        let expected = [-2.0 / 3.0, 2.0 / 3.0, 0.0];
        assert!(weights.iter().zip(expected).all(|(w, e)| (w - e).abs() < 1e-12), "{weights:?}");
    }
}
