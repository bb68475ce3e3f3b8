//! `perceptron-ner`: a named-entity tagger learnt from a dataset's gold, an averaged
//! perceptron (or a linear-chain CRF) over BIO tags with Viterbi decoding. `docs/extractors/perceptron-ner.md`
//! describes the model, its features, its file format and its measured accuracy.
//!
//! The parts, in the order text flows through them: `tokenize` (sentences of tokens with
//! code-point offsets), `normalize` (spelling-independent word forms), `lexicon` (word counts from the
//! training data), `features` (hashed observations per token), `tags` (spans ↔ BIO or BIOES tags), `decode` (Viterbi), `train`, `learner` (the
//! averaged perceptron) and `crf` with `lbfgs` (a linear-chain CRF, the other learner), `summary` (what training did), `model` and `format` (the trained weights and their file), and
//! `extractor` (the [`Extractor`](crate::extract::Extractor) implementation).

mod classes;
mod crf;
mod decode;
mod error;
mod extractor;
mod families;
mod features;
mod format;
mod lbfgs;
mod learner;
mod lexicon;
mod model;
mod names;
mod normalize;
mod shape;
mod summary;
mod tags;
mod tokenize;
mod train;

pub use error::PerceptronError;
pub use extractor::PerceptronNer;
pub use families::{Families, Family};
pub use model::{Entity, PerceptronModel};
pub use summary::{CrfSummary, TrainSummary, UnalignedSpan};
pub use tags::TagScheme;
pub use tokenize::{tokenize, Token};
pub use train::{default_families, train, train_articles, Learner, TrainOptions};
