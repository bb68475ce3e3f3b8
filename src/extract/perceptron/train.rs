//! Training: gold spans become BIO tags over tokens, the tokens become features, and the
//! averaged perceptron (`learner`) learns weights from them.
//!
//! Two things make the training sentences look like new text. The lexicon (`lexicon`) is
//! jackknifed: the articles are cut into [`FOLDS`] contiguous blocks, and a sentence sees word
//! counts from the other blocks only. Contiguous, because neighbouring sentences of a corpus
//! usually come from one news story and repeat its names: new text is a new story. And the
//! features that name a word itself (`features::IDENTITY`) are left out for words that the
//! other blocks never saw, as they would be absent on text with words never seen in training;
//! the model then learns to tag such words from their context, shape and affixes.
//!
//! Several runs over the data in different orders are averaged into one model ([`TrainOptions::
//! runs`]), which evens out the luck of one order. Everything is seeded, so the same data,
//! options and seed give the same bytes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::classes::WordClasses;
use super::crf;
use super::families::{Families, Family};
use super::features::{identity_len, sentence_features, word_key, Context};
use super::lbfgs::Lbfgs;
use super::learner::{train_runs, Instance, Schedule};
use super::lexicon::{Jackknife, FOLDS};
use super::model::{KeyMap, ModelParts, PerceptronModel};
use super::summary::{CrfSummary, TrainSummary, UnalignedSpan};
use super::tags::{align, TagScheme, TagSet, OUTSIDE};
use super::tokenize::tokenize;
use super::PerceptronError;
use crate::extract::gazetteer::Gazetteer;
use crate::model::{Article, Span};
use crate::progress::Progress;
use crate::Dataset;

/// How the weights are learnt from the training sentences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Learner {
    /// The averaged structured perceptron (`learner`): [`TrainOptions::epochs`],
    /// [`TrainOptions::runs`], [`TrainOptions::margin`].
    #[default]
    Perceptron,
    /// A linear-chain CRF trained by L-BFGS (`crf`): [`TrainOptions::c2`],
    /// [`TrainOptions::iterations`].
    Crf,
}

impl Learner {
    pub fn name(self) -> &'static str {
        match self {
            Learner::Perceptron => "perceptron",
            Learner::Crf => "crf",
        }
    }
}

/// How to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// The perceptron or the CRF.
    pub learner: Learner,
    /// CRF: the L2 penalty `c2 · ‖w‖²` on the weights (crfsuite's `c2`).
    pub c2: f64,
    /// How spans become tags: BIO, or BIOES (the tag names in the model file say which).
    pub tags: TagScheme,
    /// CRF: the most L-BFGS iterations; it stops earlier when the objective has fallen by less
    /// than 10⁻⁵ of itself over the last ten.
    pub iterations: usize,
    /// Passes over the training sentences in each run.
    pub epochs: usize,
    /// Independent runs (each in its own sentence order) whose averaged weights are averaged.
    pub runs: usize,
    /// How much tagging lowers the score of `O` at every token, as a fraction of the model's
    /// mean margin of `O` on training tokens: more recall, less precision. 0 turns it off.
    pub recall_bias: f32,
    /// Seeds the order in which each epoch visits the sentences.
    pub seed: u64,
    /// The layer whose gold spans are learnt.
    pub layer: String,
    /// Train only on articles whose `split` metadata is this (e.g. `train`); all when `None`.
    pub split: Option<String>,
    /// The feature families computed ([`Family::Gazetteer`]: mizan's built-in gazetteer lists).
    pub features: Families,
    /// How many distributional word classes [`Family::Classes`] learns from the training text.
    pub classes: usize,
    /// Cost-augmented training: how much decoding during training adds to the score of every
    /// wrong tag, in units of one update. 0 is the plain perceptron.
    pub margin: f32,
    /// Contiguous blocks of the jackknife (see the top of this file); at least 2.
    pub folds: usize,
    /// Rows of averaged weights whose largest magnitude is below this are left out of the
    /// model: a smaller file, at some cost in accuracy. 0 keeps every non-zero row.
    pub prune: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            learner: Learner::Perceptron,
            c2: 1.0,
            iterations: 100,
            tags: TagScheme::Bio,
            epochs: 10,
            runs: 4,
            recall_bias: 0.12,
            seed: 1,
            layer: "ner".into(),
            split: None,
            features: default_families(),
            classes: 64,
            margin: 0.0,
            folds: FOLDS,
            prune: 0.0,
        }
    }
}

/// The families a model is trained with unless told otherwise: those of the first models and
/// `names`, the one family added since that raised the F1 on a development split of ANERcorp
/// train by more than the spread between seeds (docs/extractors/perceptron-ner.md has the
/// tables).
pub fn default_families() -> Families {
    [Family::Words, Family::Affixes, Family::Shape, Family::Context, Family::Lexicon, Family::Stems, Family::Gazetteer, Family::Names].into_iter().collect()
}

/// How many unaligned spans the summary names.
const EXAMPLES: usize = 10;

/// The built-in gazetteer's fingerprint: it changes whenever the lists do, which changes what
/// the gazetteer features say.
pub(crate) fn gazetteer_fingerprint() -> String {
    Gazetteer::builtin().fingerprint()
}

/// Trains on a loaded dataset's articles and gold.
pub fn train(dataset: &Dataset, options: &TrainOptions, progress: &dyn Progress) -> Result<PerceptronModel, PerceptronError> {
    train_articles(&dataset.articles, &dataset.gold, options, progress)
}

/// Trains on articles and their gold spans (spans of other layers or articles are ignored).
pub fn train_articles(articles: &[Article], gold: &[Span], options: &TrainOptions, progress: &dyn Progress) -> Result<PerceptronModel, PerceptronError> {
    let articles: Vec<&Article> = articles.iter().filter(|a| options.split.as_ref().is_none_or(|s| a.metadata.get("split") == Some(s))).collect();
    if articles.is_empty() {
        let which = options.split.as_ref().map_or(String::new(), |s| format!(" in split `{s}`"));
        return Err(PerceptronError::NoTrainingData(format!("no articles{which}")));
    }
    let mut by_article: HashMap<&str, Vec<&Span>> = articles.iter().map(|a| (a.id.as_str(), Vec::new())).collect();
    for span in gold.iter().filter(|s| s.layer == options.layer) {
        if let Some(spans) = by_article.get_mut(span.article_id.as_str()) {
            spans.push(span);
        }
    }
    let tag_set = TagSet::with_scheme(by_article.values().flatten().map(|s| s.label.clone()), options.tags);
    if tag_set.labels().is_empty() {
        return Err(PerceptronError::NoTrainingData(format!("no gold spans in layer `{}`", options.layer)));
    }

    let mut summary = TrainSummary {
        layer: options.layer.clone(),
        articles: articles.len(),
        epochs: options.epochs,
        runs: options.runs,
        seed: options.seed,
        recall_bias: options.recall_bias,
        gazetteer: options.features.contains(Family::Gazetteer).then(gazetteer_fingerprint),
        families: options.features.clone(),
        margin: options.margin,
        folds: options.folds.max(2),
        prune: options.prune,
        classes: if options.features.contains(Family::Classes) { options.classes.max(1) } else { 0 },
        ..TrainSummary::default()
    };
    progress.start("reading the training articles", Some(articles.len() as u64));
    let mut aligned = Vec::with_capacity(articles.len());
    let mut jackknife = Jackknife::new(tag_set.len(), summary.folds);
    for (number, article) in articles.iter().enumerate() {
        let sentences = tokenize(&article.text);
        let spans = &by_article[article.id.as_str()];
        let alignment = align(&tag_set, &sentences, spans);
        summary.spans += spans.len();
        summary.unaligned_spans += alignment.unaligned.len();
        for span in alignment.unaligned.iter().take(EXAMPLES.saturating_sub(summary.unaligned_examples.len())) {
            summary.unaligned_examples.push(UnalignedSpan { article_id: span.article_id.clone(), start: span.start, end: span.end, label: span.label.clone() });
        }
        let fold = number * summary.folds / articles.len();
        for (tokens, tags) in sentences.iter().zip(&alignment.tags) {
            for (token, &tag) in tokens.iter().zip(tags) {
                jackknife.add(fold, word_key(token.text), tag);
            }
        }
        let matches = if options.features.contains(Family::Gazetteer) { Gazetteer::builtin().find(&article.text) } else { Vec::new() };
        aligned.push((fold, sentences, alignment.tags, matches));
        progress.advance(1);
    }
    progress.finish();
    let classes = if summary.classes > 0 {
        progress.start("learning word classes", None);
        let text: Vec<Vec<u64>> =
            aligned.iter().flat_map(|(_, sentences, _, _)| sentences.iter().map(|s| s.iter().map(|t| word_key(t.text)).collect())).collect();
        let classes = WordClasses::learn(&text, summary.classes);
        progress.finish();
        classes
    } else {
        WordClasses::default()
    };
    let identity = identity_len(&options.features);

    let mut rows: KeyMap<u32> = KeyMap::default();
    let mut keys: Vec<u64> = Vec::new();
    let mut instances = Vec::new();
    progress.start("computing features", Some(aligned.len() as u64));
    for (fold, sentences, tags, matches) in aligned {
        let lexicon = |word: u64| jackknife.without(fold, word);
        let context = Context { families: &options.features, lexicon: &lexicon, gazetteer: &matches, classes: &classes };
        for (tokens, gold) in sentences.iter().zip(tags) {
            let mut instance = Instance { features: Vec::new(), bounds: vec![0], gold };
            for (token, token_keys) in tokens.iter().zip(sentence_features(tokens, &context)) {
                let unseen = jackknife.without(fold, word_key(token.text)).is_none();
                for key in token_keys.into_iter().skip(if unseen { identity } else { 0 }) {
                    let row = *rows.entry(key).or_insert_with(|| {
                        keys.push(key);
                        (keys.len() - 1) as u32
                    });
                    instance.features.push(row);
                }
                instance.bounds.push(instance.features.len());
            }
            summary.sentences += 1;
            summary.tokens += tokens.len();
            instances.push(instance);
        }
        progress.advance(1);
    }
    progress.finish();
    summary.features = keys.len();

    let tags = tag_set.len();
    let (weights, transitions) = match options.learner {
        Learner::Perceptron => {
            let schedule = Schedule { epochs: options.epochs, runs: options.runs, margin: options.margin, seed: options.seed };
            let averaged = train_runs(&tag_set, keys.len(), &instances, &schedule, progress);
            summary.epoch_correct = averaged.epoch_correct;
            (averaged.weights, averaged.transitions)
        }
        Learner::Crf => {
            let lbfgs = Lbfgs { max_iterations: options.iterations, ..Lbfgs::default() };
            progress.start("CRF: L-BFGS iterations", Some(options.iterations as u64));
            let trained = crf::learn(&tag_set, keys.len(), &instances, options.c2, &lbfgs, |_, _| progress.advance(1));
            progress.finish();
            let outcome = &trained.outcome;
            summary.crf = Some(CrfSummary {
                c2: options.c2,
                max_iterations: options.iterations,
                iterations: outcome.iterations,
                evaluations: outcome.evaluations,
                converged: outcome.converged,
                objective: outcome.value,
            });
            (summary.epochs, summary.runs, summary.margin) = (0, 0, 0.0);
            (trained.weights, trained.transitions)
        }
    };
    summary.outside_margin = outside_margin(&instances, &weights, tags);
    summary.recall_bias = options.recall_bias * summary.outside_margin;
    Ok(build_model(ModelParts { tag_set, keys, weights, transitions, lexicon: jackknife.total.sorted(), classes, summary }))
}

/// How far, on average over the training tokens tagged `O`, the score of `O` is above the
/// best other tag's: the scale on which [`TrainOptions::recall_bias`] is measured, so that the
/// same option means the same on a corpus of ten sentences and on one of ten thousand.
fn outside_margin(instances: &[Instance], weights: &[f32], tags: usize) -> f32 {
    let (mut total, mut count) = (0f64, 0usize);
    let mut scores = vec![0f32; tags];
    for instance in instances {
        for (i, &gold) in instance.gold.iter().enumerate() {
            if gold != OUTSIDE {
                continue;
            }
            scores.iter_mut().for_each(|s| *s = 0.0);
            for &row in instance.token(i) {
                let row = row as usize * tags;
                scores.iter_mut().zip(&weights[row..row + tags]).for_each(|(s, w)| *s += w);
            }
            let best_other = scores[1..].iter().copied().fold(f32::NEG_INFINITY, f32::max);
            total += f64::from(scores[OUTSIDE] - best_other);
            count += 1;
        }
    }
    if count == 0 {
        0.0
    } else {
        (total / count as f64) as f32
    }
}

/// The model from learnt weights, rows whose weights are all zero (or all below
/// [`TrainOptions::prune`]) left out.
fn build_model(parts: ModelParts) -> PerceptronModel {
    let ModelParts { tag_set, keys, weights, transitions, lexicon, classes, mut summary } = parts;
    let tags = tag_set.len();
    let mut kept: Vec<(u64, &[f32])> = keys
        .iter()
        .zip(weights.chunks_exact(tags))
        .filter(|(_, row)| row.iter().any(|&w| w != 0.0 && w.abs() >= summary.prune))
        .map(|(&key, row)| (key, row))
        .collect();
    kept.sort_by_key(|(key, _)| *key);
    summary.kept_features = kept.len();
    let kept_keys = kept.iter().map(|(key, _)| *key).collect();
    let rows = kept.iter().flat_map(|(_, row)| row.iter().copied()).collect();
    PerceptronModel::new(ModelParts { tag_set, keys: kept_keys, weights: rows, transitions, lexicon, classes, summary })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use std::collections::BTreeMap;

    /// A handful of sentences, each an article, with their PER and LOC spans found by name.
    pub(crate) fn toy_data() -> (Vec<Article>, Vec<Span>) {
        let sentences = [
            "قال محمد إن دمشق جميلة",
            "وصل أحمد علي إلى القاهرة أمس",
            "زار سامي بيروت",
            "أكد محمد أن بيروت قريبة من دمشق",
            "غادر أحمد علي القاهرة، ثم زار دمشق",
            "قال الرئيس إن الوضع جيد",
        ];
        let names = [("أحمد علي", "PER"), ("محمد", "PER"), ("سامي", "PER"), ("دمشق", "LOC"), ("القاهرة", "LOC"), ("بيروت", "LOC")];
        let mut articles = Vec::new();
        let mut spans = Vec::new();
        for (i, text) in sentences.iter().enumerate() {
            let article = Article::new(format!("t{i}"), *text, BTreeMap::new());
            for (name, label) in names {
                for (byte, _) in text.match_indices(name) {
                    let start = article.char_offset(byte).unwrap();
                    let end = start + name.chars().count();
                    // "أحمد علي" is one PER; its parts are not spans of their own.
                    if spans.iter().any(|s: &Span| s.article_id == article.id && s.start <= start && end <= s.end) {
                        continue;
                    }
                    spans.push(Span::new(article.id.clone(), start, end, label).with_text(name));
                }
            }
            articles.push(article);
        }
        (articles, spans)
    }

    fn sorted(mut spans: Vec<(usize, usize, String)>) -> Vec<(usize, usize, String)> {
        spans.sort();
        spans
    }

    #[test]
    fn learns_a_tiny_training_set_perfectly() {
        let (articles, gold) = toy_data();
        let options = TrainOptions::default();
        let model = train_articles(&articles, &gold, &options, &NoProgress).unwrap();
        assert_eq!(model.labels(), ["LOC", "PER"]);
        let summary = model.summary();
        assert_eq!((summary.articles, summary.sentences, summary.spans, summary.unaligned_spans), (6, 6, 12, 0));
        assert_eq!(summary.epoch_correct.last(), Some(&summary.tokens));
        for article in &articles {
            let found = model.tag(&article.text).into_iter().map(|e| (e.start, e.end, e.label)).collect();
            let expected = gold.iter().filter(|s| s.article_id == article.id).map(|s| (s.start, s.end, s.label.clone()));
            assert_eq!(sorted(found), sorted(expected.collect()), "{}", article.text);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_model() {
        let (articles, gold) = toy_data();
        let options = TrainOptions { epochs: 3, seed: 42, ..TrainOptions::default() };
        let a = train_articles(&articles, &gold, &options, &NoProgress).unwrap();
        let b = train_articles(&articles, &gold, &options, &NoProgress).unwrap();
        assert_eq!(super::super::format::to_bytes(&a), super::super::format::to_bytes(&b));
        assert_eq!(a.content_hash(), b.content_hash());
    }

    #[test]
    fn a_crf_learns_the_tiny_training_set_reproducibly() {
        let (articles, gold) = toy_data();
        let options = TrainOptions { learner: Learner::Crf, c2: 0.01, iterations: 60, recall_bias: 0.0, ..TrainOptions::default() };
        let model = train_articles(&articles, &gold, &options, &NoProgress).unwrap();
        let again = train_articles(&articles, &gold, &options, &NoProgress).unwrap();
        assert_eq!(super::super::format::to_bytes(&model), super::super::format::to_bytes(&again));
        let summary = model.summary();
        assert_eq!(summary.learner(), Learner::Crf);
        let crf = summary.crf.as_ref().unwrap();
        assert!(crf.iterations > 0 && crf.iterations <= 60 && crf.evaluations >= crf.iterations && crf.objective > 0.0, "{crf:?}");
        assert!(summary.epoch_correct.is_empty());
        for article in &articles {
            let found = model.tag(&article.text).into_iter().map(|e| (e.start, e.end, e.label)).collect();
            let expected = gold.iter().filter(|s| s.article_id == article.id).map(|s| (s.start, s.end, s.label.clone()));
            assert_eq!(sorted(found), sorted(expected.collect()), "{}", article.text);
        }
        // A stronger penalty gives smaller weights; the perceptron's summary has no CRF part,
        // so its files are as they were before the CRF.
        let strong = train_articles(&articles, &gold, &TrainOptions { c2: 10.0, ..options }, &NoProgress).unwrap();
        let norm = |m: &PerceptronModel| m.weights.iter().map(|w| f64::from(*w).powi(2)).sum::<f64>();
        assert!(norm(&strong) < norm(&model));
        let perceptron = train_articles(&articles, &gold, &TrainOptions::default(), &NoProgress).unwrap();
        assert_eq!(perceptron.summary().learner(), Learner::Perceptron);
        assert!(!serde_json::to_string(perceptron.summary()).unwrap().contains("crf"));
    }

    #[test]
    fn bioes_models_learn_the_tiny_set_and_read_back_as_bioes() {
        let (articles, gold) = toy_data();
        for learner in [Learner::Perceptron, Learner::Crf] {
            let options = TrainOptions { learner, tags: TagScheme::Bioes, c2: 0.01, recall_bias: 0.0, ..TrainOptions::default() };
            let model = train_articles(&articles, &gold, &options, &NoProgress).unwrap();
            assert_eq!(model.tag_set.len(), 9);
            let bytes = model.encode();
            let loaded = PerceptronModel::decode(&bytes, std::path::Path::new("toy.pnr")).unwrap();
            assert_eq!(loaded.tag_set, model.tag_set);
            for article in &articles {
                let found = loaded.tag(&article.text).into_iter().map(|e| (e.start, e.end, e.label)).collect();
                let expected = gold.iter().filter(|s| s.article_id == article.id).map(|s| (s.start, s.end, s.label.clone()));
                assert_eq!(sorted(found), sorted(expected.collect()), "{learner:?}: {}", article.text);
            }
        }
    }

    #[test]
    fn reports_spans_it_cannot_align_and_refuses_empty_data() {
        let (articles, mut gold) = toy_data();
        let mut inside = gold[0].clone();
        inside.start += 1;
        gold.push(inside);
        let model = train_articles(&articles, &gold, &TrainOptions::default(), &NoProgress).unwrap();
        assert_eq!(model.summary().unaligned_spans, 1);
        assert_eq!(model.summary().unaligned_examples[0].start, gold[0].start + 1);

        let error = train_articles(&articles, &[], &TrainOptions::default(), &NoProgress).unwrap_err();
        assert!(error.to_string().contains("no gold spans in layer `ner`"), "{error}");
        let options = TrainOptions { split: Some("train".into()), ..TrainOptions::default() };
        let error = train_articles(&articles, &gold, &options, &NoProgress).unwrap_err();
        assert!(error.to_string().contains("no articles in split `train`"), "{error}");
    }
}
