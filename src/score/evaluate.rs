//! Scoring one layer over many articles: matches every article's predictions against its gold
//! (in parallel, with rayon), then adds up the counts overall, per label, per article, and for
//! the confusion table and the attributes. The result does not depend on input order or on the
//! number of threads: articles are visited in id order and every sum is over that order.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::dataset::count_cell;
use crate::model::Span;
use crate::score::scheme::{score_article, ArticleScore, Counts, Mention, Outcome, SchemeCounts};

/// Row and column name of the confusion table's missed and spurious cells.
pub const MISSED: &str = "(missed)";
pub const SPURIOUS: &str = "(spurious)";

/// One article's counts in a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleCounts {
    pub article_id: String,
    pub counts: SchemeCounts,
    /// Strict counts where a span counts only when its attributes match too.
    pub strict_attrs: Counts,
}

/// How one gold span, prediction, or pair of them came out.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanOutcome {
    pub article_id: String,
    pub gold: Option<Mention>,
    pub pred: Option<Mention>,
    pub outcome: Outcome,
    /// For pairs whose gold span has attributes: whether the prediction carries the same ones.
    pub attrs_match: Option<bool>,
}

/// Agreement on one attribute among pairs that overlap and share the label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AttributeCounts {
    /// Pairs whose gold span has the attribute.
    pub compared: u64,
    /// Of those, pairs whose prediction has the same value.
    pub correct: u64,
}

impl AttributeCounts {
    pub fn accuracy(&self) -> f64 {
        if self.compared == 0 {
            0.0
        } else {
            self.correct as f64 / self.compared as f64
        }
    }
}

/// A layer's scores.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerScore {
    pub layer: String,
    pub gold_spans: u64,
    pub predicted_spans: u64,
    pub overall: SchemeCounts,
    pub per_label: BTreeMap<String, SchemeCounts>,
    /// Every article of the evaluation, in id order, with or without spans.
    pub per_article: Vec<ArticleCounts>,
    /// (gold label or `(spurious)`, predicted label or `(missed)`) → pairs.
    pub confusion: BTreeMap<(String, String), u64>,
    /// Attribute name → agreement; empty when no gold span in the layer has attributes.
    pub attributes: BTreeMap<String, AttributeCounts>,
    pub strict_attrs: Counts,
    /// Every outcome, article by article.
    pub outcomes: Vec<SpanOutcome>,
}

impl LayerScore {
    /// A layer with nothing counted yet, room made for `articles` articles' counts.
    pub(crate) fn empty(layer: &str, articles: usize) -> Self {
        LayerScore {
            layer: layer.to_string(),
            gold_spans: 0,
            predicted_spans: 0,
            overall: SchemeCounts::default(),
            per_label: BTreeMap::new(),
            per_article: Vec::with_capacity(articles),
            confusion: BTreeMap::new(),
            attributes: BTreeMap::new(),
            strict_attrs: Counts::default(),
            outcomes: Vec::new(),
        }
    }

    /// Whether the layer's gold carries attributes, so that attribute scores mean something.
    pub fn has_attributes(&self) -> bool {
        !self.attributes.is_empty()
    }

    /// Labels seen in gold or predictions, sorted.
    pub fn labels(&self) -> Vec<&str> {
        self.per_label.keys().map(String::as_str).collect()
    }
}

fn mention(span: &Span) -> Mention {
    Mention { start: span.start, end: span.end, label: span.label.clone(), attrs: span.attrs.clone() }
}

/// Whether a prediction carries every attribute of its gold span with the same value (extra
/// predicted attributes are ignored).
fn attrs_agree(gold: &Mention, pred: &Mention) -> bool {
    gold.attrs.iter().all(|(key, value)| pred.attrs.get(key) == Some(value))
}

/// Scores `pred` against `gold` in one layer over `articles` (ids; spans of other articles are
/// scored too, as articles of their own). Spans of other layers are ignored.
pub fn score_layer(layer: &str, articles: &[String], gold: &[Span], pred: &[Span]) -> LayerScore {
    score(layer, articles, gold, pred, true)
}

/// [`score_layer`] without the per-span outcomes (`outcomes` is empty), for callers that only
/// report counts: it saves a copy of every span.
pub fn score_layer_counts(layer: &str, articles: &[String], gold: &[Span], pred: &[Span]) -> LayerScore {
    score(layer, articles, gold, pred, false)
}

/// Articles scored at a time: their spans are copied into the scorer's form only while they
/// are scored, so memory holds one batch of copies, not the whole layer's.
const BATCH: usize = 4096;

fn score<'a>(layer: &str, articles: &'a [String], gold: &'a [Span], pred: &'a [Span], keep_outcomes: bool) -> LayerScore {
    let mut by_article: BTreeMap<&'a str, (Vec<&'a Span>, Vec<&'a Span>)> = articles.iter().map(|id| (id.as_str(), (Vec::new(), Vec::new()))).collect();
    for span in gold.iter().filter(|s| s.layer == layer) {
        by_article.entry(&span.article_id).or_default().0.push(span);
    }
    for span in pred.iter().filter(|s| s.layer == layer) {
        by_article.entry(&span.article_id).or_default().1.push(span);
    }
    let work: Vec<(&'a str, Vec<&'a Span>, Vec<&'a Span>)> = by_article.into_iter().map(|(id, (g, p))| (id, g, p)).collect();
    // Sorted input makes every per-article result independent of file order.
    let sorted = |spans: &[&Span]| {
        let mut mentions: Vec<Mention> = spans.iter().map(|s| mention(s)).collect();
        mentions.sort();
        mentions
    };
    tally(layer, &work, |(id, g, p)| ArticleMentions { id, gold: sorted(g), pred: sorted(p) }, keep_outcomes)
}

/// One article's spans of a layer in the scorer's form, each side sorted.
struct ArticleMentions<'a> {
    id: &'a str,
    gold: Vec<Mention>,
    pred: Vec<Mention>,
}

/// Scores the articles of `work`, in its order (article id order), each turned into its sorted
/// mentions by `mentions` only while its batch is scored, and adds up every count.
fn tally<'a, W: Sync>(layer: &str, work: &'a [W], mentions: impl Fn(&'a W) -> ArticleMentions<'a> + Sync, keep_outcomes: bool) -> LayerScore {
    let mut result = LayerScore::empty(layer, work.len());
    // Gold label → predicted label → pairs, looked up by borrowed labels: a string is owned
    // once per cell, not once per pair.
    let mut confusion: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for batch in work.chunks(BATCH) {
        let scored: Vec<(ArticleMentions<'a>, ArticleScore)> = batch
            .par_iter()
            .map(|item| {
                let article = mentions(item);
                let score = score_article(&article.gold, &article.pred);
                (article, score)
            })
            .collect();
        for (ArticleMentions { id, gold, pred }, score) in scored {
            result.gold_spans += gold.len() as u64;
            result.predicted_spans += pred.len() as u64;
            result.overall.add(&score.overall);
            for (label, counts) in score.per_label {
                match result.per_label.get_mut(&label) {
                    Some(total) => total.add(&counts),
                    None => {
                        result.per_label.insert(label, counts);
                    }
                }
            }
            let mut strict_attrs = Counts::default();
            for pair in &score.pairs {
                let g = pair.gold.map(|i| &gold[i]);
                let p = pair.pred.map(|i| &pred[i]);
                let (row, column) = (g.map_or(SPURIOUS, |m| m.label.as_str()), p.map_or(MISSED, |m| m.label.as_str()));
                count_cell(&mut confusion, row, column);
                let mut attrs_match = None;
                if let (Some(g), Some(p)) = (g, p) {
                    if !g.attrs.is_empty() {
                        attrs_match = Some(attrs_agree(g, p));
                    }
                    if matches!(pair.outcome, Outcome::Correct | Outcome::WrongBoundary) {
                        for (key, value) in &g.attrs {
                            let counts = result.attributes.entry(key.clone()).or_default();
                            counts.compared += 1;
                            counts.correct += u64::from(p.attrs.get(key) == Some(value));
                        }
                    }
                }
                match pair.outcome {
                    Outcome::Correct if attrs_match != Some(false) => strict_attrs.correct += 1,
                    Outcome::Missed => strict_attrs.missed += 1,
                    Outcome::Spurious => strict_attrs.spurious += 1,
                    _ => strict_attrs.incorrect += 1,
                }
                if keep_outcomes {
                    result.outcomes.push(SpanOutcome { article_id: id.to_string(), gold: g.cloned(), pred: p.cloned(), outcome: pair.outcome, attrs_match });
                }
            }
            result.strict_attrs.add(&strict_attrs);
            result.per_article.push(ArticleCounts { article_id: id.to_string(), counts: score.overall, strict_attrs });
        }
    }
    result.confusion = confusion.into_iter().flat_map(|(row, cells)| cells.into_iter().map(move |(column, n)| ((row.clone(), column), n))).collect();
    result
}

/// The layers to score: every layer in gold or predictions, or just `only`.
pub fn layers_of(gold: &[Span], pred: &[Span], only: Option<&str>) -> Vec<String> {
    let layers: BTreeSet<&str> = gold.iter().chain(pred).map(|s| s.layer.as_str()).collect();
    layers.into_iter().filter(|l| only.is_none_or(|o| o == *l)).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::scheme::Scheme;

    fn span(article: &str, start: usize, end: usize, label: &str, attrs: &[(&str, &str)]) -> Span {
        Span {
            article_id: article.into(),
            layer: if label == "QUOTE" { "quote".into() } else { "ner".into() },
            start,
            end,
            label: label.into(),
            text: None,
            attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn sums_articles_and_keeps_empty_ones() {
        let gold = [span("a", 0, 5, "PER", &[]), span("b", 0, 4, "LOC", &[])];
        let pred = [span("a", 0, 5, "PER", &[]), span("b", 0, 4, "ORG", &[]), span("c", 1, 2, "PER", &[])];
        let ids: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let score = score_layer("ner", &ids, &gold, &pred);
        assert_eq!(score.per_article.len(), 4);
        assert_eq!(score.per_article[3].counts, SchemeCounts::default());
        let strict = score.overall[Scheme::Strict];
        assert_eq!((strict.correct, strict.incorrect, strict.missed, strict.spurious), (1, 1, 0, 1));
        assert_eq!(score.confusion[&("LOC".to_string(), "ORG".to_string())], 1);
        assert_eq!(score.confusion[&(SPURIOUS.to_string(), "PER".to_string())], 1);
        assert!(!score.has_attributes());
    }

    #[test]
    fn attributes_are_scored_on_overlapping_same_label_pairs() {
        let gold = [
            span("a", 0, 10, "QUOTE", &[("speaker", "لافروف")]),
            span("a", 20, 30, "QUOTE", &[("speaker", "جونسون")]),
            span("a", 40, 50, "QUOTE", &[("speaker", "جونسون")]),
        ];
        let pred = [
            span("a", 0, 10, "QUOTE", &[("speaker", "لافروف")]),
            span("a", 20, 30, "QUOTE", &[("speaker", "لافروف")]),
            span("a", 41, 50, "QUOTE", &[("speaker", "جونسون")]),
        ];
        let score = score_layer("quote", &["a".to_string()], &gold, &pred);
        assert_eq!(score.attributes["speaker"], AttributeCounts { compared: 3, correct: 2 });
        // strict: two correct (boundaries), one incorrect; strict+attrs: the wrong speaker too.
        assert_eq!(score.overall[Scheme::Strict].correct, 2);
        assert_eq!((score.strict_attrs.correct, score.strict_attrs.incorrect), (1, 2));
    }

    #[test]
    fn order_of_input_does_not_change_the_result() {
        let gold = [span("a", 0, 5, "PER", &[]), span("a", 3, 9, "LOC", &[]), span("b", 0, 4, "LOC", &[])];
        let pred = [span("a", 0, 4, "PER", &[]), span("a", 2, 9, "LOC", &[]), span("b", 0, 4, "LOC", &[])];
        let ids = vec!["a".to_string(), "b".to_string()];
        let forward = score_layer("ner", &ids, &gold, &pred);
        let mut g = gold.to_vec();
        let mut p = pred.to_vec();
        g.reverse();
        p.rotate_left(1);
        assert_eq!(score_layer("ner", &ids, &g, &p), forward);
    }
}
