//! What training saw and did ([`TrainSummary`]): counts of the data, the options that shaped
//! the model, and how the learner ended. It is stored in the model file's header, so a model
//! says how it was made; `mizan train` prints it.

use serde::{Deserialize, Serialize};

use super::families::Families;
use super::train::Learner;

/// A gold span the tokeniser could not represent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnalignedSpan {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// What training saw and did; stored in the model file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    pub layer: String,
    pub articles: usize,
    pub sentences: usize,
    pub tokens: usize,
    /// Gold spans of the layer in the training articles.
    pub spans: usize,
    /// Spans whose ends are not token boundaries of one sentence, or that overlap another
    /// span: left out of training.
    pub unaligned_spans: usize,
    /// The first few of them, to show what the tokeniser missed.
    pub unaligned_examples: Vec<UnalignedSpan>,
    /// Distinct features seen, and those with a non-zero weight kept in the model.
    pub features: usize,
    pub kept_features: usize,
    /// Fingerprint of the built-in gazetteer the model was trained with; `None` when it was
    /// trained without one. Tagging uses the gazetteer of the running mizan.
    pub gazetteer: Option<String>,
    /// The feature families the model computes.
    pub families: Families,
    /// Distributional word classes learnt (0 without `classes`).
    pub classes: usize,
    /// [`TrainOptions::margin`](super::TrainOptions::margin), [`TrainOptions::folds`](super::TrainOptions::folds)
    /// and [`TrainOptions::prune`](super::TrainOptions::prune).
    pub margin: f32,
    pub folds: usize,
    pub prune: f32,
    pub epochs: usize,
    pub runs: usize,
    pub seed: u64,
    /// The mean margin of `O` over the other tags on training tokens tagged `O`.
    pub outside_margin: f32,
    /// [`TrainOptions::recall_bias`](super::TrainOptions::recall_bias) × `outside_margin`: what tagging subtracts from `O`.
    pub recall_bias: f32,
    /// Tokens tagged right during each epoch of the first run, by the weights of the moment
    /// (empty for a CRF).
    pub epoch_correct: Vec<usize>,
    /// How the CRF was trained; `None` for the perceptron (whose model files then read as
    /// they did before the CRF existed). `epochs`, `runs` and `margin` are 0 for a CRF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crf: Option<CrfSummary>,
}

/// What CRF training did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrfSummary {
    pub c2: f64,
    pub max_iterations: usize,
    /// L-BFGS iterations made, and evaluations of the objective (one pass over the data each).
    pub iterations: usize,
    pub evaluations: usize,
    /// Whether it stopped because the objective stopped falling, rather than at the limit.
    pub converged: bool,
    /// The final objective: negative log-likelihood plus the L2 penalty.
    pub objective: f64,
}

impl TrainSummary {
    /// The learner that trained the model.
    pub fn learner(&self) -> Learner {
        if self.crf.is_some() {
            Learner::Crf
        } else {
            Learner::Perceptron
        }
    }

    /// Token accuracy on the training data during each epoch.
    pub fn epoch_accuracy(&self) -> Vec<f64> {
        self.epoch_correct.iter().map(|&c| if self.tokens == 0 { 0.0 } else { c as f64 / self.tokens as f64 }).collect()
    }
}
