//! What can go wrong when training, saving or loading a perceptron model. Every error about a
//! file names the file, and says how to get a usable one.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PerceptronError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// The file is not a model, is truncated, or was changed after it was written.
    #[error("{}: not a usable perceptron-ner model ({message}); train a new one with `mizan train perceptron-ner`", path.display())]
    Corrupt { path: PathBuf, message: String },
    /// A model written by another version of mizan, in a format or with features this one
    /// does not read.
    #[error("{}: {what} {found}, but this mizan reads {what} {supported}; retrain it with `mizan train perceptron-ner`", path.display())]
    Version { path: PathBuf, what: &'static str, found: u32, supported: u32 },
    /// The dataset gives the trainer nothing to learn from.
    #[error("nothing to train on: {0}")]
    NoTrainingData(String),
}
