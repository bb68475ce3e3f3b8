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
    /// A layer with nothing counted yet.
    pub(crate) fn empty(layer: &str) -> Self {
        LayerScore {
            layer: layer.to_string(),
            gold_spans: 0,
            predicted_spans: 0,
            overall: SchemeCounts::default(),
            per_label: BTreeMap::new(),
            per_article: Vec::new(),
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

fn score<'a>(layer: &str, articles: &'a [String], gold: &'a [Span], pred: &'a [Span], keep_outcomes: bool) -> LayerScore {
    // Every article once, in id order: the ones given and any other a span names, each with its
    // gold and predictions — sorted on the rayon pool and merged, not looked up one by one.
    let by_article = |spans: &'a [Span]| {
        let mut refs: Vec<&'a Span> = spans.par_iter().filter(|s| s.layer == layer).collect();
        refs.par_sort_by(|a, b| a.article_id.cmp(&b.article_id));
        refs
    };
    let ((gold, pred), mut ids) = rayon::join(
        || rayon::join(|| by_article(gold), || by_article(pred)),
        || {
            let mut ids: Vec<&'a str> = articles.iter().map(String::as_str).collect();
            ids.par_sort_unstable();
            ids
        },
    );
    ids.extend(gold.iter().chain(&pred).map(|s| s.article_id.as_str()));
    ids.par_sort_unstable();
    ids.dedup();
    fn run<'s, 'a>(spans: &'s [&'a Span], at: &mut usize, id: &str) -> &'s [&'a Span] {
        let start = *at;
        while spans.get(*at).is_some_and(|s| s.article_id == id) {
            *at += 1;
        }
        &spans[start..*at]
    }
    let (mut g, mut p) = (0, 0);
    let work: Vec<(&str, &[&Span], &[&Span])> = ids.into_iter().map(|id| (id, run(&gold, &mut g, id), run(&pred, &mut p, id))).collect();
    // Sorted input makes every per-article result independent of file order.
    let sorted = |spans: &[&Span]| {
        let mut mentions: Vec<Mention> = spans.iter().map(|s| mention(s)).collect();
        mentions.sort();
        mentions
    };
    tally(layer, &work, |&(id, g, p)| ArticleMentions { id, gold: sorted(g), pred: sorted(p) }, keep_outcomes)
}

/// One article's spans of a layer in the scorer's form, each side sorted.
struct ArticleMentions<'a> {
    id: &'a str,
    gold: Vec<Mention>,
    pred: Vec<Mention>,
}

/// What one article adds to a layer's sums, worked out on the rayon pool.
struct ArticleTally<'a> {
    article: ArticleMentions<'a>,
    score: ArticleScore,
    counts: ArticleCounts,
    /// Each attribute compared (of gold spans with attributes only): its name, and whether the
    /// prediction has the same value.
    attributes: Vec<(String, bool)>,
    outcomes: Vec<SpanOutcome>,
}

/// A layer's sums over a run of consecutive articles. Runs are summed on the rayon pool and
/// joined in article order ([`Sums::join`]), so every count and list is the serial one.
struct Sums {
    score: LayerScore,
    /// Gold label → predicted label → pairs, looked up by borrowed labels: a string is owned
    /// once per cell, not once per pair.
    confusion: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Sums {
    fn new(layer: &str) -> Self {
        Sums { score: LayerScore::empty(layer), confusion: BTreeMap::new() }
    }

    fn add(mut self, ArticleTally { article, score, counts, attributes, outcomes }: ArticleTally<'_>) -> Self {
        let result = &mut self.score;
        result.gold_spans += article.gold.len() as u64;
        result.predicted_spans += article.pred.len() as u64;
        result.overall.add(&score.overall);
        add_labels(&mut result.per_label, score.per_label);
        for pair in &score.pairs {
            let row = pair.gold.map_or(SPURIOUS, |i| article.gold[i].label.as_str());
            let column = pair.pred.map_or(MISSED, |i| article.pred[i].label.as_str());
            count_cell(&mut self.confusion, row, column);
        }
        for (key, correct) in attributes {
            let counts = result.attributes.entry(key).or_default();
            counts.compared += 1;
            counts.correct += u64::from(correct);
        }
        result.outcomes.extend(outcomes);
        result.strict_attrs.add(&counts.strict_attrs);
        result.per_article.push(counts);
        self
    }

    /// `self` followed by `later`, the sums of the articles after it.
    fn join(mut self, later: Sums) -> Self {
        let (result, other) = (&mut self.score, later.score);
        result.gold_spans += other.gold_spans;
        result.predicted_spans += other.predicted_spans;
        result.overall.add(&other.overall);
        add_labels(&mut result.per_label, other.per_label);
        for (row, cells) in later.confusion {
            let target = self.confusion.entry(row).or_default();
            for (column, n) in cells {
                *target.entry(column).or_default() += n;
            }
        }
        for (key, counts) in other.attributes {
            let target = result.attributes.entry(key).or_default();
            target.compared += counts.compared;
            target.correct += counts.correct;
        }
        result.outcomes.extend(other.outcomes);
        result.strict_attrs.add(&other.strict_attrs);
        result.per_article.extend(other.per_article);
        self
    }
}

fn add_labels(total: &mut BTreeMap<String, SchemeCounts>, more: BTreeMap<String, SchemeCounts>) {
    for (label, counts) in more {
        match total.get_mut(&label) {
            Some(sum) => sum.add(&counts),
            None => {
                total.insert(label, counts);
            }
        }
    }
}

/// Scores the articles of `work`, in its order (article id order), each turned into its sorted
/// mentions by `mentions` only while it is scored, and adds up every count.
fn tally<'a, W: Sync>(layer: &str, work: &'a [W], mentions: impl Fn(&'a W) -> ArticleMentions<'a> + Sync, keep_outcomes: bool) -> LayerScore {
    let Sums { mut score, confusion } =
        work.par_iter().fold(|| Sums::new(layer), |sums, item| sums.add(article_tally(mentions(item), keep_outcomes))).reduce(|| Sums::new(layer), Sums::join);
    score.confusion = confusion.into_iter().flat_map(|(row, cells)| cells.into_iter().map(move |(column, n)| ((row.clone(), column), n))).collect();
    score
}

/// Scores one article and works out everything it adds that does not need the others: its
/// counts, the attributes compared, and its outcomes.
fn article_tally(article: ArticleMentions<'_>, keep_outcomes: bool) -> ArticleTally<'_> {
    let score = score_article(&article.gold, &article.pred);
    let (gold, pred) = (&article.gold, &article.pred);
    let mut strict_attrs = Counts::default();
    let mut attributes = Vec::new();
    let mut outcomes = Vec::new();
    for pair in &score.pairs {
        let g = pair.gold.map(|i| &gold[i]);
        let p = pair.pred.map(|i| &pred[i]);
        let mut attrs_match = None;
        if let (Some(g), Some(p)) = (g, p) {
            if !g.attrs.is_empty() {
                attrs_match = Some(attrs_agree(g, p));
            }
            if matches!(pair.outcome, Outcome::Correct | Outcome::WrongBoundary) {
                for (key, value) in &g.attrs {
                    attributes.push((key.clone(), p.attrs.get(key) == Some(value)));
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
            outcomes.push(SpanOutcome { article_id: article.id.to_string(), gold: g.cloned(), pred: p.cloned(), outcome: pair.outcome, attrs_match });
        }
    }
    let counts = ArticleCounts { article_id: article.id.to_string(), counts: score.overall, strict_attrs };
    ArticleTally { article, score, counts, attributes, outcomes }
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
