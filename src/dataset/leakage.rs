//! Leakage from a training set into a test set: test articles that are exact or near
//! duplicates of training articles (the machinery of [`super::minhash`], across the two
//! sets), and the "seen entity" rate — the share of test gold mentions whose normalised
//! surface also occurs in the training gold, which is what lets a memorising model score well.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::dedupe::NearOptions;
use super::minhash::{candidate_pairs, jaccard, prepare, rows_for, shingle_set, signature};
use crate::arabic::{normalize_with, Steps};
use crate::model::{Article, Span};

/// A test article and the training article it duplicates most closely.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Leak {
    pub test: String,
    pub train: String,
    pub similarity: f64,
    /// The same normalised text.
    pub exact: bool,
}

/// Test mentions, and how many have their surface in the training gold.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct SeenCounts {
    pub mentions: u64,
    /// The surface occurs in training gold, with any label.
    pub seen: u64,
    /// The surface occurs in training gold with the same label.
    pub seen_same_label: u64,
}

impl SeenCounts {
    pub fn rate(&self) -> f64 {
        if self.mentions == 0 {
            0.0
        } else {
            self.seen as f64 / self.mentions as f64
        }
    }

    fn add(&mut self, seen: bool, same: bool) {
        self.mentions += 1;
        self.seen += u64::from(seen);
        self.seen_same_label += u64::from(same);
    }
}

/// Everything a leakage check found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Leakage {
    pub train_articles: usize,
    pub test_articles: usize,
    /// One per leaking test article, in test order.
    pub leaks: Vec<Leak>,
    pub candidate_pairs: usize,
    pub entities: SeenCounts,
    /// Layer → label → counts.
    pub per_label: BTreeMap<String, BTreeMap<String, SeenCounts>>,
}

impl Leakage {
    /// Share of test articles that duplicate a training article.
    pub fn article_rate(&self) -> f64 {
        if self.test_articles == 0 {
            0.0
        } else {
            self.leaks.len() as f64 / self.test_articles as f64
        }
    }
}

/// A gold span's surface, normalised for comparison (`search` profile, spacing collapsed).
fn surface(span: &Span, articles: &HashMap<&str, &Article>) -> Option<String> {
    let text = match &span.text {
        Some(text) => text.clone(),
        None => articles.get(span.article_id.as_str())?.slice(span.start, span.end)?.to_string(),
    };
    let folded = normalize_with(&text, &Steps::SEARCH).text;
    Some(folded.trim().to_string())
}

/// Checks `test` against `train`.
pub fn find_leakage(train: (&[Article], &[Span]), test: (&[Article], &[Span]), options: &NearOptions) -> Leakage {
    let (train_articles, train_gold) = train;
    let (test_articles, test_gold) = test;
    let texts: Vec<&str> = train_articles.iter().chain(test_articles).map(|a| a.text.as_str()).collect();
    let prepared = prepare(&texts);
    let n = train_articles.len();
    let sets: Vec<Vec<u64>> = prepared.par_iter().map(|p| shingle_set(&p.normalized, options.shingles)).collect();
    let signatures: Vec<_> = sets.par_iter().map(|s| signature(s)).collect();
    let candidates = candidate_pairs(&signatures, rows_for(options.threshold), Some(n));
    let mut best: HashMap<usize, (usize, f64)> = HashMap::new();
    let verified: Vec<(usize, usize, f64)> = candidates
        .par_iter()
        .filter_map(|&(i, j)| {
            let similarity = jaccard(&sets[i as usize], &sets[j as usize]);
            (similarity >= options.threshold).then_some((j as usize, i as usize, similarity))
        })
        .collect();
    // Exact duplicates by normalised text, also for texts too short to sign.
    let by_text: HashMap<&str, usize> = prepared[..n].iter().enumerate().rev().map(|(i, p)| (p.normalized.as_str(), i)).collect();
    for (t, p) in prepared[n..].iter().enumerate().filter(|(_, p)| !p.normalized.is_empty()) {
        if let Some(&i) = by_text.get(p.normalized.as_str()) {
            best.insert(n + t, (i, 1.0));
        }
    }
    for (test_index, train_index, similarity) in verified {
        let entry = best.entry(test_index).or_insert((train_index, similarity));
        if similarity > entry.1 || (similarity == entry.1 && train_index < entry.0) {
            *entry = (train_index, similarity);
        }
    }
    let mut leaks: Vec<(usize, Leak)> = best
        .into_iter()
        .map(|(t, (i, similarity))| {
            let exact = prepared[t].normalized == prepared[i].normalized;
            (t, Leak { test: test_articles[t - n].id.clone(), train: train_articles[i].id.clone(), similarity, exact })
        })
        .collect();
    leaks.sort_by_key(|(t, _)| *t);

    let train_index: HashMap<&str, &Article> = train_articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let test_index: HashMap<&str, &Article> = test_articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut known: HashSet<(String, String)> = HashSet::new();
    let mut known_labelled: HashSet<(String, String, String)> = HashSet::new();
    for span in train_gold {
        if let Some(s) = surface(span, &train_index) {
            known.insert((span.layer.clone(), s.clone()));
            known_labelled.insert((span.layer.clone(), span.label.clone(), s));
        }
    }
    let mut entities = SeenCounts::default();
    let mut per_label: BTreeMap<String, BTreeMap<String, SeenCounts>> = BTreeMap::new();
    for span in test_gold {
        let Some(s) = surface(span, &test_index) else { continue };
        let seen = known.contains(&(span.layer.clone(), s.clone()));
        let same = known_labelled.contains(&(span.layer.clone(), span.label.clone(), s));
        entities.add(seen, same);
        per_label.entry(span.layer.clone()).or_default().entry(span.label.clone()).or_default().add(seen, same);
    }
    Leakage {
        train_articles: n,
        test_articles: test_articles.len(),
        leaks: leaks.into_iter().map(|(_, l)| l).collect(),
        candidate_pairs: candidates.len(),
        entities,
        per_label,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap as Map;

    use super::*;

    fn article(id: &str, text: &str) -> Article {
        Article::new(id, text, Map::new())
    }

    #[test]
    fn finds_copies_across_sets_and_counts_seen_entities() {
        let story: String = (0..120).map(|i| format!("خبر{} ", i * 31 % 101)).collect();
        let other: String = (0..120).map(|i| format!("نبأ{i} ")).collect();
        let train = [article("t1", &format!("دمشق {story}")), article("t2", "قصير")];
        let test = [article("x1", &format!("دمشق {}", story.replacen("خبر", "خَبَر", 40))), article("x2", &other), article("x3", "قَصير")];
        let train_gold = [Span::new("t1", 0, 4, "LOC").with_text("دمشق"), Span::new("t2", 0, 4, "PER")];
        let test_gold = [Span::new("x1", 0, 4, "LOC"), Span::new("x3", 0, 5, "LOC"), Span::new("x2", 0, 4, "ORG")];
        let found = find_leakage((&train, &train_gold), (&test, &test_gold), &NearOptions::default());
        let leaks: Vec<(&str, &str, bool)> = found.leaks.iter().map(|l| (l.test.as_str(), l.train.as_str(), l.exact)).collect();
        assert_eq!(leaks, [("x1", "t1", true), ("x3", "t2", true)]);
        assert_eq!(found.entities, SeenCounts { mentions: 3, seen: 2, seen_same_label: 1 });
        assert_eq!(found.per_label["ner"]["LOC"], SeenCounts { mentions: 2, seen: 2, seen_same_label: 1 });
        assert!((found.article_rate() - 2.0 / 3.0).abs() < 1e-12);
    }
}
