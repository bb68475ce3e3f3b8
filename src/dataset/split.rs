//! Deterministic, leakage-free splits. Articles are first grouped: near-duplicate clusters
//! (as `dedupe` finds them) are one group, and with `by` every article sharing a metadata
//! value (`source`, `date`) is too. Groups, never articles, are then assigned to splits, so no
//! cluster and no value straddles two splits.
//!
//! Without stratification a group goes where a stable hash of the seed and its first article
//! id falls among the cumulative ratios: the same id always lands in the same split, whatever
//! else the dataset holds. With `stratify = LABEL`, groups with and without a gold span of that
//! label are ordered by the same hash and dealt out by rank within each stratum, so both
//! strata follow the ratios as closely as the group sizes allow.

use std::collections::{BTreeMap, HashMap};

use super::dedupe::{near_duplicate_pairs, Components, NearOptions};
use super::minhash::prepare;
use crate::fingerprint::Fingerprint;
use crate::model::{Article, Span};

/// How to split.
#[derive(Debug, Clone)]
pub struct SplitOptions {
    /// Split names and their weights, in order.
    pub ratios: Vec<(String, f64)>,
    pub seed: u64,
    /// Keep articles with the same value of this metadata field together.
    pub by: Option<String>,
    /// Balance the articles holding a gold span of this label.
    pub stratify: Option<String>,
    /// Keep near-duplicate clusters together (None: articles are compared by id only).
    pub near: Option<NearOptions>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SplitError {
    #[error("article `{0}` has no `{1}` metadata to split by; give every article one or split without --by")]
    MissingValue(String, String),
    #[error("the ratios must be positive numbers with a positive sum")]
    BadRatios,
}

/// The split: split name → article ids (in dataset order), plus how many near-duplicate
/// groups were kept together.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub splits: BTreeMap<String, Vec<String>>,
    pub groups: usize,
    /// Groups holding more than one article.
    pub joined_groups: usize,
}

fn position(seed: u64, key: &str) -> f64 {
    let hash = Fingerprint::new().add_str(&seed.to_string()).add_str(key).to_u64();
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// Splits `articles`.
pub fn split(articles: &[Article], gold: &[Span], options: &SplitOptions) -> Result<Split, SplitError> {
    let total: f64 = options.ratios.iter().map(|r| r.1).sum();
    let valid = |x: f64| x.is_finite() && x >= 0.0;
    if options.ratios.is_empty() || options.ratios.iter().any(|r| !valid(r.1)) || !valid(total) || total == 0.0 {
        return Err(SplitError::BadRatios);
    }
    let mut components = Components::new(articles.len());
    if let Some(near) = &options.near {
        let texts: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
        near_duplicate_pairs(&prepare(&texts), near, &mut components);
    }
    if let Some(column) = &options.by {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, article) in articles.iter().enumerate() {
            let value = article.metadata.get(column).ok_or_else(|| SplitError::MissingValue(article.id.clone(), column.clone()))?;
            let first = *first.entry(value.as_str()).or_insert(i);
            components.join(first, i);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..articles.len() {
        groups.entry(components.find(i)).or_default().push(i);
    }
    let with_label: std::collections::HashSet<&str> =
        options.stratify.as_ref().map(|label| gold.iter().filter(|s| &s.label == label).map(|s| s.article_id.as_str()).collect()).unwrap_or_default();
    let key = |members: &[usize]| -> String {
        match &options.by {
            Some(column) => articles[members[0]].metadata[column].clone(),
            None => members.iter().map(|&i| articles[i].id.as_str()).min().unwrap_or_default().to_string(),
        }
    };
    let cumulative: Vec<f64> = options
        .ratios
        .iter()
        .scan(0.0, |sum, r| {
            *sum += r.1 / total;
            Some(*sum)
        })
        .collect();
    let pick = |x: f64| cumulative.iter().position(|&c| x < c).unwrap_or(cumulative.len() - 1);
    let mut assignment = vec![0usize; articles.len()];
    if options.stratify.is_some() {
        let mut strata: [Vec<(f64, &Vec<usize>)>; 2] = [Vec::new(), Vec::new()];
        for members in groups.values() {
            let labelled = members.iter().any(|&i| with_label.contains(articles[i].id.as_str()));
            strata[usize::from(labelled)].push((position(options.seed, &key(members)), members));
        }
        for stratum in &mut strata {
            stratum.sort_by(|a, b| a.0.total_cmp(&b.0));
            let size: usize = stratum.iter().map(|g| g.1.len()).sum();
            let mut before = 0usize;
            for (_, members) in stratum.iter() {
                let middle = (before as f64 + members.len() as f64 / 2.0) / size as f64;
                let target = pick(middle);
                members.iter().for_each(|&i| assignment[i] = target);
                before += members.len();
            }
        }
    } else {
        for members in groups.values() {
            let target = pick(position(options.seed, &key(members)));
            members.iter().for_each(|&i| assignment[i] = target);
        }
    }
    let mut splits: BTreeMap<String, Vec<String>> = options.ratios.iter().map(|r| (r.0.clone(), Vec::new())).collect();
    for (article, &target) in articles.iter().zip(&assignment) {
        if let Some(ids) = splits.get_mut(&options.ratios[target].0) {
            ids.push(article.id.clone());
        }
    }
    let joined_groups = groups.values().filter(|g| g.len() > 1).count();
    Ok(Split { splits, groups: groups.len(), joined_groups })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn articles(n: usize) -> Vec<Article> {
        (0..n)
            .map(|i| {
                let text: String = (0..60).map(|w| format!("كلمة{} ", (w * 17 + i * 1009) % 100_003)).collect();
                Article::new(format!("a{i:04}"), text, BTreeMap::from([("source".to_string(), format!("s{}", i % 7))]))
            })
            .collect()
    }

    fn options() -> SplitOptions {
        SplitOptions {
            ratios: vec![("train".into(), 80.0), ("dev".into(), 10.0), ("test".into(), 10.0)],
            seed: 1,
            by: None,
            stratify: None,
            near: Some(NearOptions::default()),
        }
    }

    #[test]
    fn is_deterministic_stable_and_near_the_ratios() {
        let all = articles(1000);
        let a = split(&all, &[], &options()).unwrap();
        assert_eq!(a, split(&all, &[], &options()).unwrap());
        let train = a.splits["train"].len();
        assert!((740..=860).contains(&train), "{train}");
        // Adding articles never moves the ones already there.
        let fewer = split(&all[..500], &[], &options()).unwrap();
        for (name, ids) in &fewer.splits {
            assert!(ids.iter().all(|id| a.splits[name].contains(id)), "{name}");
        }
        let other_seed = split(&all, &[], &SplitOptions { seed: 2, ..options() }).unwrap();
        assert_ne!(other_seed.splits["test"], a.splits["test"]);
    }

    #[test]
    fn keeps_duplicates_and_metadata_values_together() {
        let mut all = articles(200);
        let copies: Vec<Article> = all[..20]
            .iter()
            .enumerate()
            .map(|(i, a)| Article::new(format!("copy{i}"), a.text.replacen("كلمة", "كَلمة", 5), BTreeMap::from([("source".to_string(), "x".to_string())])))
            .collect();
        all.extend(copies);
        let found = split(&all, &[], &options()).unwrap();
        let split_of = |id: &str| found.splits.iter().find(|(_, ids)| ids.iter().any(|x| x == id)).map(|(n, _)| n.clone());
        for (i, original) in all[..20].iter().enumerate() {
            assert_eq!(split_of(&format!("copy{i}")), split_of(&original.id));
        }
        assert_eq!(found.joined_groups, 20);
        let by = split(&all, &[], &SplitOptions { by: Some("source".into()), ..options() }).unwrap();
        for ids in by.splits.values() {
            let sources: std::collections::BTreeSet<&str> =
                ids.iter().map(|id| all.iter().find(|a| &a.id == id).unwrap().metadata["source"].as_str()).collect();
            for (other, other_ids) in by.splits.iter().filter(|(_, o)| *o != ids) {
                assert!(other_ids.iter().all(|id| !sources.contains(all.iter().find(|a| &a.id == id).unwrap().metadata["source"].as_str())), "{other}");
            }
        }
        all.push(Article::new("bare", "نص", BTreeMap::new()));
        assert_eq!(split(&all, &[], &SplitOptions { by: Some("source".into()), ..options() }), Err(SplitError::MissingValue("bare".into(), "source".into())));
    }

    #[test]
    fn stratifies_a_rare_label() {
        let all = articles(500);
        let gold: Vec<Span> = all.iter().step_by(10).map(|a| Span::new(a.id.clone(), 0, 3, "RARE")).collect();
        let found = split(&all, &gold, &SplitOptions { stratify: Some("RARE".into()), near: None, ..options() }).unwrap();
        let rare_in = |name: &str| found.splits[name].iter().filter(|id| gold.iter().any(|s| &s.article_id == *id)).count();
        assert_eq!((rare_in("train"), rare_in("dev"), rare_in("test")), (40, 5, 5));
        assert_eq!(found.splits["train"].len(), 400);
    }
}
