//! Agreement between annotators of the same articles: span-level F1 with the scorer's schemes
//! (one side as reference; the F1 is the same either way round), token-level Cohen's kappa
//! for each pair and Krippendorff's alpha over all annotators ([`coefficients`]), the spans
//! they disagree on, and the articles only some of them annotated.
//!
//! An annotator has annotated an article when it holds at least one of their spans (in any
//! layer). An article annotated by some annotators but not by others is listed and left out
//! of the pairwise comparisons it does not belong to, since nothing tells "saw no entity"
//! from "never looked"; for alpha the missing annotator's values are missing. Articles nobody
//! annotated count as agreement on "no entity" when `--articles` names them.
//!
//! Tokens are those of the shared tokenizer (`extract::perceptron::tokenize`); a token's
//! label is the label of the span that overlaps it most (ties: the earlier span), `O` when no
//! span overlaps it.

pub mod coefficients;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::extract::perceptron::tokenize;
use crate::model::{Article, Span};
use crate::score::{score_layer, LayerScore};
pub use coefficients::{cohen_kappa, krippendorff_alpha};

/// One annotator's spans.
#[derive(Debug, Clone)]
pub struct Annotation {
    pub name: String,
    pub spans: Vec<Span>,
}

/// Two annotators compared.
#[derive(Debug, Clone)]
pub struct PairAgreement {
    pub a: String,
    pub b: String,
    /// Articles both annotated (or neither).
    pub articles: Vec<String>,
    /// Layer → scores of `b` against `a` as reference.
    pub layers: BTreeMap<String, LayerScore>,
    /// Layer → token-level Cohen's kappa (`None`: undefined).
    pub kappa: BTreeMap<String, Option<f64>>,
    /// Tokens compared per layer.
    pub tokens: usize,
}

/// All annotators compared.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub annotators: Vec<String>,
    pub pairs: Vec<PairAgreement>,
    /// Layer → Krippendorff's alpha over every annotator's token labels.
    pub alpha: BTreeMap<String, Option<f64>>,
    /// Articles annotated by some annotators only, with the names of those who did.
    pub partial: Vec<(String, Vec<String>)>,
    /// Layer → every token compared, with each annotator's label (what kappa and alpha read).
    pub tokens: BTreeMap<String, Vec<TokenRow>>,
}

/// One token and the label each annotator gave it (`None`: the annotator did not annotate
/// the article).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TokenRow {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub labels: Vec<Option<String>>,
}

/// One annotator's token labels in one article, per layer (`None`: not annotated).
type LayerLabels<'a> = BTreeMap<&'a str, Option<Vec<String>>>;

/// The label of every token of `article` in `layer`, by `spans` (the article's spans).
pub fn token_labels(article: &Article, spans: &[&Span]) -> Vec<String> {
    tokenize(&article.text)
        .into_iter()
        .flatten()
        .map(|token| {
            let mut best: Option<(usize, &Span)> = None;
            for span in spans {
                let overlap = token.end.min(span.end).saturating_sub(token.start.max(span.start));
                if overlap > 0 && best.is_none_or(|(b, _)| overlap > b) {
                    best = Some((overlap, span));
                }
            }
            best.map_or_else(|| "O".to_string(), |(_, s)| s.label.clone())
        })
        .collect()
}

/// Compares `annotations` (two or more) over `articles`, in `layer` or in every layer any of
/// them uses. With `complete`, every annotator is taken to have annotated every article (an
/// article without their spans is one where they found nothing).
pub fn agree(articles: &[Article], annotations: &[Annotation], layer: Option<&str>, complete: bool) -> Agreement {
    let layers: BTreeSet<String> =
        annotations.iter().flat_map(|a| a.spans.iter().map(|s| s.layer.clone())).filter(|l| layer.is_none_or(|only| only == l)).collect();
    let annotated: Vec<BTreeSet<&str>> = annotations
        .iter()
        .map(|a| if complete { articles.iter().map(|x| x.id.as_str()).collect() } else { a.spans.iter().map(|s| s.article_id.as_str()).collect() })
        .collect();
    let partial: Vec<(String, Vec<String>)> = articles
        .iter()
        .filter_map(|article| {
            let by: Vec<String> =
                annotations.iter().zip(&annotated).filter(|(_, set)| set.contains(article.id.as_str())).map(|(a, _)| a.name.clone()).collect();
            (!by.is_empty() && by.len() < annotations.len()).then(|| (article.id.clone(), by))
        })
        .collect();

    // Token labels: article × annotator × layer, `None` when the annotator did not annotate
    // an article someone else did.
    let labels: Vec<Vec<LayerLabels<'_>>> = articles
        .par_iter()
        .map(|article| {
            let anyone = annotated.iter().any(|set| set.contains(article.id.as_str()));
            annotations
                .iter()
                .zip(&annotated)
                .map(|(annotation, set)| {
                    layers
                        .iter()
                        .map(|layer| {
                            let present = set.contains(article.id.as_str()) || !anyone;
                            let spans: Vec<&Span> = annotation.spans.iter().filter(|s| s.article_id == article.id && &s.layer == layer).collect();
                            (layer.as_str(), present.then(|| token_labels(article, &spans)))
                        })
                        .collect()
                })
                .collect()
        })
        .collect();

    let mut pairs = Vec::new();
    for i in 0..annotations.len() {
        for j in i + 1..annotations.len() {
            let shared: Vec<usize> = (0..articles.len())
                .filter(|&k| labels[k][i].values().next().is_none_or(|v| v.is_some()) && labels[k][j].values().next().is_none_or(|v| v.is_some()))
                .collect();
            let ids: Vec<String> = shared.iter().map(|&k| articles[k].id.clone()).collect();
            let keep: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
            let side = |n: usize| -> Vec<Span> { annotations[n].spans.iter().filter(|s| keep.contains(s.article_id.as_str())).cloned().collect() };
            let (a, b) = (side(i), side(j));
            let mut scores = BTreeMap::new();
            let mut kappa = BTreeMap::new();
            let mut tokens = 0;
            for layer in &layers {
                scores.insert(layer.clone(), score_layer(layer, &ids, &a, &b));
                let (mut xs, mut ys) = (Vec::new(), Vec::new());
                for &k in &shared {
                    if let (Some(Some(x)), Some(Some(y))) = (labels[k][i].get(layer.as_str()), labels[k][j].get(layer.as_str())) {
                        xs.extend(x.iter().cloned());
                        ys.extend(y.iter().cloned());
                    }
                }
                tokens = xs.len();
                kappa.insert(layer.clone(), cohen_kappa(&xs, &ys));
            }
            pairs.push(PairAgreement { a: annotations[i].name.clone(), b: annotations[j].name.clone(), articles: ids, layers: scores, kappa, tokens });
        }
    }

    let mut alpha = BTreeMap::new();
    let mut tokens = BTreeMap::new();
    for layer in &layers {
        let mut units: Vec<Vec<Option<&str>>> = Vec::new();
        let mut rows = Vec::new();
        for (article, per_annotator) in articles.iter().zip(&labels) {
            let columns: Vec<Option<&Vec<String>>> = per_annotator.iter().map(|m| m.get(layer.as_str()).and_then(Option::as_ref)).collect();
            let offsets: Vec<(usize, usize)> = tokenize(&article.text).into_iter().flatten().map(|t| (t.start, t.end)).collect();
            for (t, &(start, end)) in offsets.iter().enumerate() {
                let unit: Vec<Option<&str>> = columns.iter().map(|c| c.map(|v| v[t].as_str())).collect();
                rows.push(TokenRow { article_id: article.id.clone(), start, end, labels: unit.iter().map(|l| l.map(str::to_string)).collect() });
                units.push(unit);
            }
        }
        alpha.insert(layer.clone(), krippendorff_alpha(&units));
        tokens.insert(layer.clone(), rows);
    }
    Agreement { annotators: annotations.iter().map(|a| a.name.clone()).collect(), pairs, alpha, partial, tokens }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Scheme;

    fn article(id: &str, text: &str) -> Article {
        Article::new(id, text, BTreeMap::new())
    }

    #[test]
    fn agreement_is_symmetric_and_lists_partial_articles() {
        let articles = [article("a", "زار بشار الأسد موسكو اليوم"), article("b", "قال لافروف في دمشق"), article("c", "خبر بلا أسماء")];
        let one = vec![Span::new("a", 4, 14, "PER"), Span::new("a", 15, 20, "LOC"), Span::new("b", 4, 10, "PER"), Span::new("b", 14, 18, "LOC")];
        let two = vec![Span::new("a", 4, 14, "PER"), Span::new("a", 15, 20, "ORG"), Span::new("b", 4, 10, "PER")];
        let three = vec![Span::new("a", 4, 8, "PER")];
        let ann = |name: &str, spans: &Vec<Span>| Annotation { name: name.into(), spans: spans.clone() };
        let forward = agree(&articles, &[ann("x", &one), ann("y", &two)], None, false);
        let backward = agree(&articles, &[ann("y", &two), ann("x", &one)], None, false);
        let f1 = |a: &Agreement| crate::score::metrics(Scheme::Strict, &a.pairs[0].layers["ner"].overall[Scheme::Strict]).f1;
        assert!((f1(&forward) - f1(&backward)).abs() < 1e-12);
        assert!((f1(&forward) - 2.0 * 2.0 / (4.0 + 3.0)).abs() < 1e-12);
        assert_eq!(forward.pairs[0].kappa["ner"], backward.pairs[0].kappa["ner"]);
        assert!(forward.partial.is_empty());
        // 12 tokens over three articles; the third, annotated by nobody, is all O for both.
        assert_eq!(forward.pairs[0].tokens, 12);
        let all = agree(&articles, &[ann("x", &one), ann("y", &two), ann("z", &three)], None, false);
        assert_eq!(all.partial, [("b".to_string(), vec!["x".to_string(), "y".to_string()])]);
        assert_eq!(all.pairs.len(), 3);
        assert!(all.alpha["ner"].is_some());
        // x and z share only article a (and c, annotated by nobody).
        assert_eq!(all.pairs[1].articles, ["a", "c"]);
        let complete = agree(&articles, &[ann("x", &one), ann("y", &two), ann("z", &three)], None, true);
        assert!(complete.partial.is_empty());
        assert_eq!(complete.pairs[1].articles, ["a", "b", "c"]);
    }

    #[test]
    fn tokens_take_the_label_of_the_span_that_covers_them_most() {
        let art = article("a", "الأمم المتحدة في نيويورك");
        let org = Span::new("a", 0, 13, "ORG");
        let loc = Span::new("a", 17, 24, "LOC");
        assert_eq!(token_labels(&art, &[&org, &loc]), ["ORG", "ORG", "O", "LOC"]);
        assert_eq!(token_labels(&art, &[]), ["O", "O", "O", "O"]);
    }
}
