//! Exact and near-duplicate articles in one dataset, as clusters (the machinery is
//! [`super::minhash`]).
//!
//! Two articles are exact duplicates when their normalised texts are equal, near duplicates
//! when the exact Jaccard similarity of their shingle sets reaches the threshold. Clusters are
//! the connected components of those pairs, so a chain of near copies is one cluster even when
//! its ends differ more. Each cluster keeps one article: the one with the most gold spans,
//! then the first in dataset order.

use std::collections::HashMap;

use rayon::prelude::*;

use super::minhash::{candidate_pairs, jaccard, prepare, rows_for, shingle_set, signature, Prepared, Shingles};
use crate::model::Article;

/// How near is near.
#[derive(Debug, Clone, Copy)]
pub struct NearOptions {
    /// Jaccard similarity of shingle sets at or above which two articles are near duplicates.
    pub threshold: f64,
    pub shingles: Shingles,
}

impl Default for NearOptions {
    fn default() -> Self {
        NearOptions { threshold: 0.8, shingles: Shingles::Words(3) }
    }
}

/// An article in a cluster, with its similarity to the one kept.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Member {
    pub index: usize,
    pub id: String,
    pub similarity: f64,
    /// The same normalised text as the kept article.
    pub exact: bool,
}

/// Articles that duplicate each other; `members[0]` is the one kept.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cluster {
    pub members: Vec<Member>,
}

/// What a dedupe found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Duplicates {
    /// Clusters of two articles or more, in the order of their kept article.
    pub clusters: Vec<Cluster>,
    /// Articles in some cluster but not kept.
    pub removed: usize,
    /// Candidate pairs LSH proposed, and how many verification confirmed.
    pub candidates: usize,
    pub confirmed: usize,
}

/// Union-find over article indices.
pub(crate) struct Components {
    parent: Vec<usize>,
}

impl Components {
    pub(crate) fn new(n: usize) -> Self {
        Components { parent: (0..n).collect() }
    }

    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub(crate) fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

/// What [`near_duplicate_pairs`] found.
pub(crate) struct NearPairs {
    /// Every article's shingle set.
    pub(crate) sets: Vec<Vec<u64>>,
    pub(crate) candidates: usize,
    /// Verified pairs `(i, j, similarity)`.
    pub(crate) confirmed: Vec<(usize, usize, f64)>,
}

/// Pairs of articles (by index) that are near duplicates, verified, with their similarity;
/// exact duplicates are joined in `components` directly. Shared by `dedupe` and `split`.
pub(crate) fn near_duplicate_pairs(prepared: &[Prepared], options: &NearOptions, components: &mut Components) -> NearPairs {
    let mut first_of: HashMap<(u64, &str), usize> = HashMap::new();
    let mut representative = vec![true; prepared.len()];
    // Empty texts are not duplicates of each other: there is nothing to compare.
    for (i, p) in prepared.iter().enumerate().filter(|(_, p)| !p.normalized.is_empty()) {
        match first_of.get(&(p.exact, p.normalized.as_str())) {
            Some(&first) => {
                components.join(first, i);
                representative[i] = false;
            }
            None => {
                first_of.insert((p.exact, p.normalized.as_str()), i);
            }
        }
    }
    let sets: Vec<Vec<u64>> = prepared.par_iter().map(|p| shingle_set(&p.normalized, options.shingles)).collect();
    let signatures: Vec<_> = sets.par_iter().zip(&representative).map(|(set, &rep)| if rep { signature(set) } else { None }).collect();
    let candidates = candidate_pairs(&signatures, rows_for(options.threshold), None);
    let confirmed: Vec<(usize, usize, f64)> = candidates
        .par_iter()
        .filter_map(|&(i, j)| {
            let similarity = jaccard(&sets[i as usize], &sets[j as usize]);
            (similarity >= options.threshold).then_some((i as usize, j as usize, similarity))
        })
        .collect();
    for &(i, j, _) in &confirmed {
        components.join(i, j);
    }
    NearPairs { sets, candidates: candidates.len(), confirmed }
}

/// Finds the duplicate clusters of `articles`; `gold_counts[i]` is article `i`'s number of gold
/// spans (which decides the one kept).
pub fn find_duplicates(articles: &[Article], gold_counts: &[usize], options: &NearOptions) -> Duplicates {
    let texts: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
    let prepared = prepare(&texts);
    let mut components = Components::new(articles.len());
    let NearPairs { sets, candidates, confirmed } = near_duplicate_pairs(&prepared, options, &mut components);
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..articles.len() {
        let root = components.find(i);
        groups.entry(root).or_default().push(i);
    }
    let mut clusters: Vec<Cluster> = groups
        .into_values()
        .filter(|members| members.len() > 1)
        .map(|members| {
            let keep = *members.iter().max_by(|&&a, &&b| gold_counts.get(a).cmp(&gold_counts.get(b)).then(b.cmp(&a))).unwrap_or(&members[0]);
            let mut listed: Vec<Member> = members
                .iter()
                .map(|&i| {
                    let exact = prepared[i].normalized == prepared[keep].normalized;
                    let similarity = if exact { 1.0 } else { jaccard(&sets[i], &sets[keep]) };
                    Member { index: i, id: articles[i].id.clone(), similarity, exact }
                })
                .collect();
            listed.sort_by(|a, b| (a.index != keep).cmp(&(b.index != keep)).then(b.similarity.total_cmp(&a.similarity)).then(a.index.cmp(&b.index)));
            Cluster { members: listed }
        })
        .collect();
    clusters.sort_by_key(|c| c.members[0].index);
    let removed = clusters.iter().map(|c| c.members.len() - 1).sum();
    Duplicates { clusters, removed, candidates, confirmed: confirmed.len() }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn story(seed: usize, words: usize) -> String {
        (0..words).map(|i| format!("كلمة{} ", (i * 7 + seed * 13) % 997 + seed * 1000)).collect()
    }

    #[test]
    fn clusters_exact_and_near_copies_and_keeps_the_most_annotated() {
        let base = story(1, 200);
        let near = base.replacen("كلمة", "تغيير", 3);
        let marked = base.replace("كلمة", "كَلِمَة");
        let articles: Vec<Article> = [base.clone(), story(2, 200), near, marked, story(3, 200)]
            .iter()
            .enumerate()
            .map(|(i, t)| Article::new(format!("a{i}"), t.clone(), BTreeMap::new()))
            .collect();
        let found = find_duplicates(&articles, &[0, 0, 5, 0, 0], &NearOptions::default());
        assert_eq!(found.clusters.len(), 1);
        let ids: Vec<&str> = found.clusters[0].members.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["a2", "a0", "a3"]);
        assert_eq!(found.removed, 2);
        assert!(found.clusters[0].members[1].similarity < 1.0 && found.clusters[0].members[1].similarity > 0.9);
        // a0 and a3 differ only by diacritics: the same normalised text.
        assert_eq!(found.clusters[0].members[1].similarity, found.clusters[0].members[2].similarity);
        let empty: Vec<Article> = ["", " \u{200F}", "نص"].iter().enumerate().map(|(i, t)| Article::new(format!("e{i}"), *t, BTreeMap::new())).collect();
        assert!(find_duplicates(&empty, &[0, 0, 0], &NearOptions::default()).clusters.is_empty());
    }
}
