//! Training: gold spans become BIO tags over tokens, and an averaged structured perceptron
//! (Collins 2002) learns feature and transition weights from them.
//!
//! Each epoch visits the sentences in a fresh order drawn from a seeded generator; for each,
//! the current weights decode a tag sequence with Viterbi, and where it differs from the gold
//! the gold's features gain one and the prediction's lose one. The saved weights are the
//! average of the weights after every sentence, which generalises far better than the last
//! ones. The average is kept with the usual trick: beside each weight `w`, a sum `u` of
//! `c · Δ` over its updates (`c` = sentences seen), so that the average is `w − u / c`.
//! Everything is integer until the average, so the result does not depend on the order of
//! floating-point additions: the same data, options and seed give the same bytes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::decode::{start_row, viterbi};
use super::features::{sentence_features, word_key};
use super::lexicon::{Jackknife, Lexicon, FOLDS};
use super::model::{KeyMap, PerceptronModel};
use super::tags::{align, TagSet};
use super::tokenize::tokenize;
use super::PerceptronError;
use crate::model::{Article, Span};
use crate::progress::Progress;
use crate::Dataset;

/// How to train.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainOptions {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Seeds the order in which each epoch visits the sentences.
    pub seed: u64,
    /// The layer whose gold spans are learnt.
    pub layer: String,
    /// Train only on articles whose `split` metadata is this (e.g. `train`); all when `None`.
    pub split: Option<String>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 10, seed: 1, layer: "ner".into(), split: None }
    }
}

/// A gold span the tokeniser could not represent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnalignedSpan {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// What training saw and did; stored in the model file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    pub epochs: usize,
    pub seed: u64,
    /// Tokens tagged right during each epoch, by the weights of the moment.
    pub epoch_correct: Vec<usize>,
}

impl TrainSummary {
    /// Token accuracy on the training data during each epoch.
    pub fn epoch_accuracy(&self) -> Vec<f64> {
        self.epoch_correct.iter().map(|&c| if self.tokens == 0 { 0.0 } else { c as f64 / self.tokens as f64 }).collect()
    }
}

/// How many unaligned spans the summary names.
const EXAMPLES: usize = 10;

/// SplitMix64: small, fast, and good enough to shuffle sentences reproducibly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// One training sentence: feature rows of each token, flattened, and the gold tags.
struct Instance {
    features: Vec<u32>,
    /// Token `i`'s features are `features[bounds[i]..bounds[i + 1]]`.
    bounds: Vec<usize>,
    gold: Vec<usize>,
}

impl Instance {
    fn token(&self, i: usize) -> &[u32] {
        &self.features[self.bounds[i]..self.bounds[i + 1]]
    }
}

/// Trains on a loaded dataset's articles and gold.
pub fn train(dataset: &Dataset, options: &TrainOptions, progress: &dyn Progress) -> Result<PerceptronModel, PerceptronError> {
    train_articles(&dataset.articles, &dataset.gold, options, progress)
}

/// Trains on articles and their gold spans (spans of other layers or articles are ignored).
pub fn train_articles(
    articles: &[Article],
    gold: &[Span],
    options: &TrainOptions,
    progress: &dyn Progress,
) -> Result<PerceptronModel, PerceptronError> {
    let articles: Vec<&Article> = articles
        .iter()
        .filter(|a| options.split.as_ref().map_or(true, |s| a.metadata.get("split") == Some(s)))
        .collect();
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
    let tag_set = TagSet::new(by_article.values().flatten().map(|s| s.label.clone()));
    if tag_set.labels().is_empty() {
        return Err(PerceptronError::NoTrainingData(format!("no gold spans in layer `{}`", options.layer)));
    }

    let mut summary = TrainSummary {
        layer: options.layer.clone(),
        articles: articles.len(),
        epochs: options.epochs,
        seed: options.seed,
        ..TrainSummary::default()
    };
    progress.start("reading the training articles", Some(articles.len() as u64));
    let mut aligned = Vec::with_capacity(articles.len());
    let mut jackknife = Jackknife::new(tag_set.len());
    for (number, article) in articles.iter().enumerate() {
        let sentences = tokenize(&article.text);
        let spans = &by_article[article.id.as_str()];
        let alignment = align(&tag_set, &sentences, spans);
        summary.spans += spans.len();
        summary.unaligned_spans += alignment.unaligned.len();
        for span in alignment.unaligned.iter().take(EXAMPLES.saturating_sub(summary.unaligned_examples.len())) {
            summary.unaligned_examples.push(UnalignedSpan {
                article_id: span.article_id.clone(),
                start: span.start,
                end: span.end,
                label: span.label.clone(),
            });
        }
        let fold = number % FOLDS;
        for (tokens, tags) in sentences.iter().zip(&alignment.tags) {
            for (token, &tag) in tokens.iter().zip(tags) {
                jackknife.add(fold, word_key(token.text), tag);
            }
        }
        aligned.push((fold, sentences, alignment.tags));
        progress.advance(1);
    }
    progress.finish();

    let mut rows: KeyMap<u32> = KeyMap::default();
    let mut keys: Vec<u64> = Vec::new();
    let mut instances = Vec::new();
    progress.start("computing features", Some(aligned.len() as u64));
    for (fold, sentences, tags) in aligned {
        let lexicon = |word: u64| jackknife.without(fold, word);
        for (tokens, gold) in sentences.iter().zip(tags) {
            let mut instance = Instance { features: Vec::new(), bounds: vec![0], gold };
            for token_keys in sentence_features(tokens, &lexicon) {
                for key in token_keys {
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

    let mut learner = Learner::new(tag_set.len(), keys.len());
    let mut order: Vec<usize> = (0..instances.len()).collect();
    let mut rng = Rng(options.seed);
    for epoch in 0..options.epochs {
        rng.shuffle(&mut order);
        progress.start(&format!("epoch {}/{}", epoch + 1, options.epochs), Some(order.len() as u64));
        let mut correct = 0;
        for &i in &order {
            correct += learner.learn(&tag_set, &instances[i]);
            progress.advance(1);
        }
        progress.finish();
        summary.epoch_correct.push(correct);
    }
    Ok(learner.into_model(tag_set, keys, jackknife.total.sorted(), summary))
}

/// Weights being learnt, with their running sums for the average.
struct Learner {
    tags: usize,
    weights: Vec<i32>,
    sums: Vec<i64>,
    transitions: Vec<i32>,
    transition_sums: Vec<i64>,
    /// Sentences seen, plus one.
    clock: i64,
}

impl Learner {
    fn new(tags: usize, rows: usize) -> Self {
        Learner {
            tags,
            weights: vec![0; rows * tags],
            sums: vec![0; rows * tags],
            transitions: vec![0; (tags + 1) * tags],
            transition_sums: vec![0; (tags + 1) * tags],
            clock: 1,
        }
    }

    /// Decodes one sentence, updates on its mistakes, and returns the tokens it got right.
    fn learn(&mut self, tag_set: &TagSet, instance: &Instance) -> usize {
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

    /// The averaged weights as a model, rows whose weights are all zero left out.
    fn into_model(self, tag_set: TagSet, keys: Vec<u64>, lexicon: Lexicon, mut summary: TrainSummary) -> PerceptronModel {
        let tags = self.tags;
        let clock = self.clock as f64;
        let average = |w: i32, u: i64| (f64::from(w) - u as f64 / clock) as f32;
        let mut kept: Vec<(u64, Vec<f32>)> = keys
            .iter()
            .enumerate()
            .filter_map(|(r, &key)| {
                let range = r * tags..(r + 1) * tags;
                let row: Vec<f32> =
                    self.weights[range.clone()].iter().zip(&self.sums[range]).map(|(&w, &u)| average(w, u)).collect();
                row.iter().any(|&w| w != 0.0).then_some((key, row))
            })
            .collect();
        kept.sort_by_key(|(key, _)| *key);
        summary.kept_features = kept.len();
        let transitions = self.transitions.iter().zip(&self.transition_sums).map(|(&w, &u)| average(w, u)).collect();
        let (keys, rows): (Vec<u64>, Vec<Vec<f32>>) = kept.into_iter().unzip();
        PerceptronModel::new(tag_set, keys, rows.concat(), transitions, lexicon, summary)
    }
}

fn bump(weights: &mut [i32], sums: &mut [i64], at: usize, by: i32, clock: i64) {
    weights[at] += by;
    sums[at] += i64::from(by) * clock;
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
                    spans.push(Span {
                        article_id: article.id.clone(),
                        layer: "ner".into(),
                        start,
                        end,
                        label: label.into(),
                        text: Some(name.into()),
                        attrs: BTreeMap::new(),
                    });
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
        let model = train_articles(&articles, &gold, &TrainOptions::default(), &NoProgress).unwrap();
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

    #[test]
    fn shuffles_reproducibly() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        Rng(7).shuffle(&mut a);
        Rng(7).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..20).collect::<Vec<_>>());
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
    }
}
