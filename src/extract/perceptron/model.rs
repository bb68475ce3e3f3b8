//! A trained tagger: averaged weights for each (feature, tag) pair and each pair of
//! neighbouring tags, with the tag set and the summary of its training. It tags a text by
//! tokenising it, scoring every token's features and decoding each sentence with Viterbi.

use std::path::Path;

use super::classes::WordClasses;
use super::decode::viterbi;
use super::families::Family;
use super::features::{sentence_features, Context};
use super::format;
use super::lexicon::Lexicon;
use super::summary::TrainSummary;
use super::tags::{chunks, TagSet, OUTSIDE};
use super::tokenize::tokenize;
use super::PerceptronError;
use crate::extract::gazetteer::Gazetteer;

/// Feature keys are already well-mixed hashes (see `features`), so the table uses them as they
/// are instead of hashing them again.
pub(crate) use crate::fingerprint::KeyMap;

/// One entity the tagger found, in code points of the tagged text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// What a model is made of: the sections of its file, which training fills in and loading
/// reads back.
pub(crate) struct ModelParts {
    pub(crate) tag_set: TagSet,
    /// Feature keys in increasing order; row `r` of `weights` belongs to `keys[r]`.
    pub(crate) keys: Vec<u64>,
    /// `keys.len() × tags`, row-major.
    pub(crate) weights: Vec<f32>,
    /// `(tags + 1) × tags`; see `decode::start_row`.
    pub(crate) transitions: Vec<f32>,
    pub(crate) lexicon: Lexicon,
    pub(crate) classes: WordClasses,
    pub(crate) summary: TrainSummary,
}

/// A BIO tagger: weights learnt by the averaged perceptron or a CRF, decoded with Viterbi.
#[derive(Debug, Clone)]
pub struct PerceptronModel {
    pub(crate) tag_set: TagSet,
    /// Feature keys in increasing order; row `r` of `weights` belongs to `keys[r]`.
    pub(crate) keys: Vec<u64>,
    /// `keys.len() × tags`, row-major.
    pub(crate) weights: Vec<f32>,
    /// `(tags + 1) × tags`; see `decode::start_row`.
    pub(crate) transitions: Vec<f32>,
    /// Word counts from the training data, for the lexicon features.
    pub(crate) lexicon: Lexicon,
    /// Distributional word classes, for the class features (empty without them).
    pub(crate) classes: WordClasses,
    pub(crate) summary: TrainSummary,
    rows: KeyMap<u32>,
    /// FNV-1a 64 of the model's file form.
    hash: u64,
}

impl PerceptronModel {
    /// Assembles a freshly trained model; `parts.keys` must be strictly increasing.
    pub(crate) fn new(parts: ModelParts) -> Self {
        let mut model = Self::from_parts(parts, 0);
        model.hash = format::content_hash(&format::to_bytes(&model));
        model
    }

    /// Assembles a model read from a file whose content hash is `hash`.
    pub(crate) fn from_parts(parts: ModelParts, hash: u64) -> Self {
        let ModelParts { tag_set, keys, weights, transitions, lexicon, classes, summary } = parts;
        let rows = keys.iter().enumerate().map(|(r, &k)| (k, r as u32)).collect();
        PerceptronModel { tag_set, keys, weights, transitions, lexicon, classes, summary, rows, hash }
    }

    /// The entity labels the model tags, sorted.
    pub fn labels(&self) -> &[String] {
        self.tag_set.labels()
    }

    /// How the model was trained.
    pub fn summary(&self) -> &TrainSummary {
        &self.summary
    }

    /// The FNV-1a 64 hash of the model file, as 16 hex digits; it identifies the model in
    /// reports and caches.
    pub fn content_hash(&self) -> String {
        format!("{:016x}", self.hash)
    }

    /// The model file's bytes (the command line writes them, atomically).
    pub fn encode(&self) -> Vec<u8> {
        format::encode(self)
    }

    /// A model from the bytes of a model file (a file read elsewhere, or one embedded in the
    /// binary); `origin` names them in errors.
    pub fn decode(bytes: &[u8], origin: &Path) -> Result<Self, PerceptronError> {
        format::decode(bytes, origin)
    }

    /// Reads a model file that [`PerceptronModel::encode`] made.
    pub fn load(path: &Path) -> Result<Self, PerceptronError> {
        format::load(path)
    }

    /// The tags of one sentence's tokens, given their feature keys.
    pub(crate) fn tag_features(&self, features: &[Vec<u64>]) -> Vec<usize> {
        let tags = self.tag_set.len();
        let mut emissions = vec![0f32; features.len() * tags];
        for (token, keys) in features.iter().enumerate() {
            let out = &mut emissions[token * tags..(token + 1) * tags];
            for key in keys {
                if let Some(&row) = self.rows.get(key) {
                    let row = row as usize * tags;
                    for (o, w) in out.iter_mut().zip(&self.weights[row..row + tags]) {
                        *o += w;
                    }
                }
            }
        }
        // The recall bias: a perceptron trained on text that is mostly `O` is cautious with
        // words it has not seen; lowering `O` a little trades some precision for more recall.
        for row in emissions.chunks_exact_mut(tags) {
            row[OUTSIDE] -= self.summary.recall_bias;
        }
        viterbi(&self.tag_set, &emissions, &self.transitions)
    }

    /// The entities in `text`, sorted by start, end and label.
    pub fn tag(&self, text: &str) -> Vec<Entity> {
        let mut entities = Vec::new();
        let lexicon = |word: u64| self.lexicon.get(word).map(<[u32]>::to_vec);
        let families = &self.summary.families;
        let matches = if families.contains(Family::Gazetteer) { Gazetteer::builtin().find(text) } else { Vec::new() };
        let context = Context { families, lexicon: &lexicon, gazetteer: &matches, classes: &self.classes };
        for tokens in tokenize(text) {
            let tags = self.tag_features(&sentence_features(&tokens, &context));
            for (first, last, label) in chunks(&self.tag_set, &tags) {
                entities.push(Entity { start: tokens[first].start, end: tokens[last].end, label: self.tag_set.labels()[label].clone() });
            }
        }
        entities.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
        entities
    }
}
