//! The model file: a small binary format, versioned, with a content hash at the end.
//!
//! ```text
//! magic        8 bytes   "MIZANPNR"
//! version      u32 LE    FORMAT_VERSION
//! header_len   u32 LE
//! header       JSON      {"feature_set", "labels", "tags", "rows", "lexicon_words",
//!                         "class_words", "summary"}
//! rows         rows × (u64 LE feature key, tags × f32 LE weight), keys strictly increasing
//! transitions  (tags + 1) × tags f32 LE; the last row scores the start of a sentence
//! lexicon      lexicon_words × (u64 LE word key, u32 LE occurrences, tags × u32 LE
//!              occurrences per tag), keys strictly increasing
//! classes      class_words × (u64 LE word key, u16 LE class), keys strictly increasing
//! hash         u64 LE    FNV-1a 64 of every byte before it
//! ```
//!
//! Binary rather than JSON because a model holds hundreds of thousands of weight rows: as JSON
//! it would be several times larger and slower to read. The header stays JSON so that `head -c`
//! shows what a file is. Reading checks the magic, the version, the feature set, the length
//! and the hash, and names the file in every error.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::classes::WordClasses;
use super::features::FEATURE_SET;
use super::lexicon::Lexicon;
use super::model::{ModelParts, PerceptronModel};
use super::summary::TrainSummary;
use super::tags::{TagScheme, TagSet};
use super::PerceptronError;

const MAGIC: &[u8; 8] = b"MIZANPNR";
pub(crate) const FORMAT_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Header {
    feature_set: u32,
    labels: Vec<String>,
    /// The tag names in weight-column order; redundant with `labels`, checked on load.
    tags: Vec<String>,
    rows: usize,
    lexicon_words: usize,
    class_words: usize,
    summary: TrainSummary,
}

/// FNV-1a 64: plenty to notice a damaged or edited file.
pub(crate) fn content_hash(bytes: &[u8]) -> u64 {
    crate::fingerprint::fnv64(bytes)
}

fn tag_names(tag_set: &TagSet) -> Vec<String> {
    (0..tag_set.len()).map(|t| tag_set.name(t)).collect()
}

/// The file's bytes without the trailing hash.
pub(crate) fn to_bytes(model: &PerceptronModel) -> Vec<u8> {
    let header = Header {
        feature_set: FEATURE_SET,
        labels: model.tag_set.labels().to_vec(),
        tags: tag_names(&model.tag_set),
        rows: model.keys.len(),
        lexicon_words: model.lexicon.words.len(),
        class_words: model.classes.words.len(),
        summary: model.summary.clone(),
    };
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let tags = model.tag_set.len();
    let mut out = Vec::with_capacity(16 + header.len() + model.keys.len() * (8 + 4 * tags) + model.transitions.len() * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    for (key, row) in model.keys.iter().zip(model.weights.chunks_exact(tags)) {
        out.extend_from_slice(&key.to_le_bytes());
        row.iter().for_each(|w| out.extend_from_slice(&w.to_le_bytes()));
    }
    model.transitions.iter().for_each(|w| out.extend_from_slice(&w.to_le_bytes()));
    for (word, counts) in model.lexicon.words.iter().zip(model.lexicon.counts.chunks_exact(tags + 1)) {
        out.extend_from_slice(&word.to_le_bytes());
        counts.iter().for_each(|c| out.extend_from_slice(&c.to_le_bytes()));
    }
    for (word, class) in model.classes.words.iter().zip(&model.classes.classes) {
        out.extend_from_slice(&word.to_le_bytes());
        out.extend_from_slice(&class.to_le_bytes());
    }
    out
}

/// The model file: its body, then the body's hash.
pub(crate) fn encode(model: &PerceptronModel) -> Vec<u8> {
    let mut bytes = to_bytes(model);
    bytes.extend_from_slice(&content_hash(&bytes).to_le_bytes());
    bytes
}

/// Reads little-endian values from the file, failing with the file's name when it runs short.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("the file is truncated")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn f32(&mut self) -> Result<f32, String> {
        let value = f32::from_le_bytes(self.array()?);
        value.is_finite().then_some(value).ok_or_else(|| "a weight is not a finite number".to_string())
    }
}

pub(crate) fn load(path: &Path) -> Result<PerceptronModel, PerceptronError> {
    let bytes = std::fs::read(path).map_err(|source| PerceptronError::Read { path: path.to_path_buf(), source })?;
    decode(&bytes, path)
}

/// A model from the bytes of a model file; `path` names where they came from in errors.
pub(crate) fn decode(bytes: &[u8], path: &Path) -> Result<PerceptronModel, PerceptronError> {
    let corrupt = |message: String| PerceptronError::Corrupt { path: path.to_path_buf(), message };
    if bytes.len() < MAGIC.len() + 8 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(corrupt("it does not start with the perceptron-ner magic bytes".into()));
    }
    let mut reader = Reader { bytes: &bytes[..bytes.len() - 8], at: MAGIC.len() };
    let version = u32::from_le_bytes(reader.array().map_err(corrupt)?);
    if version != FORMAT_VERSION {
        let path = path.to_path_buf();
        return Err(PerceptronError::Version { path, what: "model format version", found: version, supported: FORMAT_VERSION });
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 8);
    let stored = u64::from_le_bytes(trailer.try_into().unwrap_or_default());
    let hash = content_hash(body);
    if stored != hash {
        return Err(corrupt(format!("content hash {hash:016x} differs from the stored {stored:016x}")));
    }
    let header_len = u32::from_le_bytes(reader.array().map_err(corrupt)?) as usize;
    let header: Header = serde_json::from_slice(reader.take(header_len).map_err(corrupt)?).map_err(|e| corrupt(format!("header: {e}")))?;
    if header.feature_set != FEATURE_SET {
        let path = path.to_path_buf();
        return Err(PerceptronError::Version { path, what: "feature set", found: header.feature_set, supported: FEATURE_SET });
    }
    // The tag names say the scheme: BIOES has `E-` and `S-` tags.
    let scheme = if header.tags.iter().any(|t| t.starts_with("E-") || t.starts_with("S-")) { TagScheme::Bioes } else { TagScheme::Bio };
    let tag_set = TagSet::with_scheme(header.labels.iter().cloned(), scheme);
    if tag_set.labels() != header.labels || tag_names(&tag_set) != header.tags {
        return Err(corrupt("the header's labels and tags disagree".into()));
    }
    let tags = tag_set.len();
    let mut keys = Vec::with_capacity(header.rows.min(bytes.len() / 8));
    let mut weights = Vec::with_capacity(keys.capacity() * tags);
    for _ in 0..header.rows {
        let key = u64::from_le_bytes(reader.array().map_err(corrupt)?);
        if keys.last().is_some_and(|&last| last >= key) {
            return Err(corrupt("feature keys are out of order".into()));
        }
        keys.push(key);
        for _ in 0..tags {
            weights.push(reader.f32().map_err(corrupt)?);
        }
    }
    let transitions = (0..(tags + 1) * tags).map(|_| reader.f32()).collect::<Result<Vec<_>, _>>().map_err(corrupt)?;
    let mut words = Vec::with_capacity(header.lexicon_words.min(bytes.len() / 8));
    let mut counts = Vec::with_capacity(words.capacity() * (tags + 1));
    for _ in 0..header.lexicon_words {
        let word = u64::from_le_bytes(reader.array().map_err(corrupt)?);
        if words.last().is_some_and(|&last| last >= word) {
            return Err(corrupt("lexicon words are out of order".into()));
        }
        words.push(word);
        for _ in 0..=tags {
            counts.push(u32::from_le_bytes(reader.array().map_err(corrupt)?));
        }
    }
    let lexicon = Lexicon::from_parts(tags, words, counts);
    let mut class_words = Vec::with_capacity(header.class_words.min(bytes.len() / 10));
    let mut classes = Vec::with_capacity(class_words.capacity());
    for _ in 0..header.class_words {
        let word = u64::from_le_bytes(reader.array().map_err(corrupt)?);
        if class_words.last().is_some_and(|&last| last >= word) {
            return Err(corrupt("word classes are out of order".into()));
        }
        class_words.push(word);
        classes.push(u16::from_le_bytes(reader.array().map_err(corrupt)?));
    }
    let classes = WordClasses::from_parts(class_words, classes);
    if reader.at != reader.bytes.len() {
        return Err(corrupt(format!("{} unexpected bytes after the weights", reader.bytes.len() - reader.at)));
    }
    Ok(PerceptronModel::from_parts(ModelParts { tag_set, keys, weights, transitions, lexicon, classes, summary: header.summary }, hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::perceptron::train::tests::toy_data;
    use crate::extract::perceptron::train::{train_articles, TrainOptions};
    use crate::progress::NoProgress;

    fn toy_model() -> PerceptronModel {
        let (articles, gold) = toy_data();
        train_articles(&articles, &gold, &TrainOptions::default(), &NoProgress).unwrap()
    }

    #[test]
    fn save_and_load_give_back_the_same_model() {
        let model = toy_model();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("toy.pnr");
        std::fs::write(&path, model.encode()).unwrap();
        let loaded = PerceptronModel::load(&path).unwrap();
        assert_eq!(loaded.content_hash(), model.content_hash());
        assert_eq!(to_bytes(&loaded), to_bytes(&model));
        assert_eq!(loaded.summary(), model.summary());
        let text = "قال محمد إن القاهرة بعيدة";
        assert_eq!(loaded.tag(text), model.tag(text));
        let stored = std::fs::read(&path).unwrap();
        assert_eq!(format!("{:016x}", content_hash(&stored[..stored.len() - 8])), model.content_hash());
    }

    fn load_error(bytes: &[u8]) -> String {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("bad.pnr");
        std::fs::write(&path, bytes).unwrap();
        let error = PerceptronModel::load(&path).unwrap_err().to_string();
        assert!(error.contains(&path.display().to_string()), "{error}");
        error
    }

    #[test]
    fn damaged_files_are_errors_naming_the_file() {
        let mut bytes = to_bytes(&toy_model());
        bytes.extend_from_slice(&content_hash(&bytes).to_le_bytes());

        assert!(load_error(b"").contains("magic bytes"));
        assert!(load_error(b"{\"labels\": []}").contains("magic bytes"));

        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 1;
        assert!(load_error(&flipped).contains("content hash"));

        let truncated = &bytes[..bytes.len() - 100];
        assert!(load_error(truncated).contains("content hash"));

        let mut newer = bytes[..bytes.len() - 8].to_vec();
        newer[8..12].copy_from_slice(&3u32.to_le_bytes());
        newer.extend_from_slice(&content_hash(&newer).to_le_bytes());
        let error = load_error(&newer);
        assert!(error.contains("model format version 3, but this mizan reads model format version 2"), "{error}");

        // A consistent hash over a short body: the reader runs out of bytes.
        let mut short = bytes[..bytes.len() - 8 - 4].to_vec();
        short.extend_from_slice(&content_hash(&short).to_le_bytes());
        assert!(load_error(&short).contains("truncated"));
    }
}
