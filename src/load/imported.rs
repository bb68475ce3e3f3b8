//! What every importer returns: articles, gold spans, the side data a format carries beside its
//! spans (a model's predictions, relations and events), and an account of what was converted,
//! skipped or reported — so that the CLI can say what it did and nothing disappears silently.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Article, Span};

/// One imported file (or brat folder).
#[derive(Debug, Default)]
pub struct Imported {
    pub articles: Vec<Article>,
    /// Gold spans, every layer.
    pub spans: Vec<Span>,
    /// Pre-annotations found in the input (Label Studio `predictions`), by model name.
    pub predictions: BTreeMap<String, Vec<Span>>,
    /// Relations and events (brat `R`/`E` lines, doccano `relations`, Label Studio `relation`
    /// results), one JSON object each, written to `relations.jsonl`.
    pub relations: Vec<serde_json::Value>,
    pub summary: Summary,
}

/// What an importer did besides reading spans.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Conventions detected and conversions applied, said once each (e.g. "offsets counted
    /// UTF-16 code units; converted to code points").
    pub conversions: BTreeSet<String>,
    /// Things counted but not imported as gold, by reason (e.g. "drafts skipped").
    pub skipped: BTreeMap<String, usize>,
    /// Other counts worth showing (sentences, tokens, relations), by name.
    pub counts: BTreeMap<String, usize>,
}

impl Summary {
    pub fn convert(&mut self, what: impl Into<String>) {
        self.conversions.insert(what.into());
    }

    pub fn skip(&mut self, why: impl Into<String>, n: usize) {
        if n > 0 {
            *self.skipped.entry(why.into()).or_default() += n;
        }
    }

    pub fn count(&mut self, what: impl Into<String>, n: usize) {
        *self.counts.entry(what.into()).or_default() += n;
    }
}

/// Article ids handed out while reading a format whose ids need not be unique (Prodigy's
/// `meta.id` often names the source document of several sentences).
#[derive(Debug, Default)]
pub struct Ids {
    used: BTreeSet<String>,
}

impl Ids {
    /// `wanted` when still free (else `wanted-line`, counted in `summary`), or `stem-line`.
    pub fn assign(&mut self, wanted: Option<String>, stem: &str, line: usize, summary: &mut Summary) -> String {
        let id = match wanted {
            Some(id) if !self.used.contains(&id) => id,
            Some(id) => {
                summary.count("documents whose id was taken by an earlier one (given ID-LINE)", 1);
                format!("{id}-{line}")
            }
            None => format!("{stem}-{line}"),
        };
        self.used.insert(id.clone());
        id
    }
}

/// Spans per label, in label order.
pub fn label_counts(spans: &[Span]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for span in spans {
        *counts.entry(span.label.clone()).or_default() += 1;
    }
    counts
}

/// Layers whose spans nest or cross inside an article (a dataset must declare them
/// `flat = false`).
pub fn nested_layers(spans: &[Span]) -> BTreeSet<String> {
    let mut by_article: BTreeMap<(&str, &str), Vec<(usize, usize)>> = BTreeMap::new();
    for span in spans {
        by_article.entry((&span.article_id, &span.layer)).or_default().push((span.start, span.end));
    }
    let mut nested = BTreeSet::new();
    for ((_, layer), mut ranges) in by_article {
        ranges.sort_unstable();
        ranges.dedup();
        if ranges.windows(2).any(|w| w[1].0 < w[0].1) {
            nested.insert(layer.to_string());
        }
    }
    nested
}

/// Removes spans equal in article, layer, offsets and label to an earlier one; returns how
/// many went (annotators who agree give the same span twice).
pub fn dedup_spans(spans: &mut Vec<Span>) -> usize {
    let mut seen = BTreeSet::new();
    let before = spans.len();
    spans.retain(|s| seen.insert((s.article_id.clone(), s.layer.clone(), s.start, s.end, s.label.clone())));
    before - spans.len()
}

/// Why a span cannot stand on its article, or `None` when it can: offsets in range and not
/// empty, and the declared text (when given) equal to the article's slice.
pub fn span_problem(article: &Article, start: usize, end: usize, declared: Option<&str>) -> Option<String> {
    if end <= start {
        return Some(format!("span {start}..{end} is empty or reversed"));
    }
    let Some(covered) = article.slice(start, end) else {
        return Some(format!("span {start}..{end} runs past the end of the text ({} code points)", article.char_len()));
    };
    match declared {
        Some(text) if text != covered => Some(format!("span {start}..{end} declares {text:?} but the text there is {covered:?}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_found_per_article_and_layer() {
        let spans = vec![
            Span::new("a", 0, 5, "ORG"),
            Span::new("a", 2, 4, "LOC"),
            Span::new("b", 0, 2, "PER"),
            Span::new("b", 2, 4, "PER"),
            Span::new("a", 0, 5, "X").with_layer("quote"),
            Span::new("b", 0, 5, "X").with_layer("quote"),
        ];
        assert_eq!(nested_layers(&spans), BTreeSet::from(["ner".to_string()]));
    }

    #[test]
    fn duplicates_go_once() {
        let mut spans = vec![Span::new("a", 0, 5, "ORG"), Span::new("a", 0, 5, "ORG"), Span::new("a", 0, 5, "LOC")];
        assert_eq!(dedup_spans(&mut spans), 1);
        assert_eq!(spans.len(), 2);
    }
}
