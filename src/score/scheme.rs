//! The four SemEval-2013 task 9.1 schemes (`strict`, `exact`, `partial`, `type`), counted and
//! scored the way nervaluate 1.2.1 counts and scores them, so that a mizan figure can be quoted
//! next to a nervaluate one without a footnote. Which gold span a prediction is paired with is
//! [`matching`](super::matching)'s job (overlap, the pairing rule, its tie-breaks); this file
//! turns the pairs into counts and figures.
//!
//! # Outcomes and schemes
//! Gold and predicted spans are paired one-to-one (see [`matching`](super::matching)); each pair or lone span has
//! one [`Outcome`], which every scheme reads its own way:
//!
//! | outcome                                 | strict    | exact     | partial   | type      |
//! |-----------------------------------------|-----------|-----------|-----------|-----------|
//! | same boundaries, same label             | correct   | correct   | correct   | correct   |
//! | same boundaries, other label            | incorrect | correct   | correct   | incorrect |
//! | overlap, same label                     | incorrect | incorrect | partial   | correct   |
//! | overlap, other label                    | incorrect | incorrect | partial   | incorrect |
//! | gold span left alone                    | missed    | missed    | missed    | missed    |
//! | prediction left alone                   | spurious  | spurious  | spurious  | spurious  |
//!
//! `possible = correct + incorrect + partial + missed` (always the number of gold spans) and
//! `actual = correct + incorrect + partial + spurious` (always the number of predictions).
//! Strict and exact: `precision = correct / actual`, `recall = correct / possible`. Partial and
//! type: `(correct + 0.5 * partial) / actual` and `/ possible`; type never has a partial, so
//! the half credit only ever moves the partial scheme. A zero denominator gives 0, and
//! `f1 = 2 * (precision * recall) / (precision + recall)`, or 0 when both are 0. The
//! floating-point operations are nervaluate's, in its order, so the results are bit-equal.
//!
//!
//! # Per label
//! As in nervaluate, `per_label[L]` scores the gold spans labelled `L` against the predictions
//! labelled `L` alone, with its own matching. A prediction with the wrong label is therefore
//! spurious under its own label and its gold span missed under the gold label, in every
//! scheme; per-label strict and exact always agree; and per-label counts need not add up to
//! the overall ones. A label has an entry when an article has a gold span or a prediction
//! with it. [`ArticleScore::pairs`] holds the overall pairing only.
//!
//! # Adding up
//! Counts of several articles are summed and the figures computed from the sums (micro).
//! [`macro_average`] is the unweighted mean, over the labels with an entry, of the per-label
//! precisions, recalls and F1s, each computed from that label's summed counts: its F1 is the
//! mean of the F1s, which is how seqeval and scikit-learn define macro F1, and not the F1 of
//! the mean precision and recall. [`weighted_average`] weights each label by its gold count
//! (seqeval's and scikit-learn's `weighted`). Both give 0 where they would divide by 0.

use std::collections::BTreeMap;
use std::ops::{Index, IndexMut};

use crate::score::matching::match_spans;

/// One span as the scorer sees it: code-point offsets, end-exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub attrs: BTreeMap<String, String>,
}

/// A SemEval-2013 task 9.1 scheme; nervaluate calls `Type` `ent_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Strict,
    Exact,
    Partial,
    Type,
}

impl Scheme {
    pub const ALL: [Scheme; 4] = [Scheme::Strict, Scheme::Exact, Scheme::Partial, Scheme::Type];

    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Strict => "strict",
            Scheme::Exact => "exact",
            Scheme::Partial => "partial",
            Scheme::Type => "type",
        }
    }

    /// The scheme called `name` (`strict`, `exact`, `partial`, `type`).
    pub fn named(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }

    fn slot(self) -> usize {
        self as usize
    }

    /// nervaluate gives half credit for partials in these two schemes only.
    fn half_credit(self) -> bool {
        matches!(self, Scheme::Partial | Scheme::Type)
    }
}

/// The five SemEval counts of one scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub correct: u64,
    pub incorrect: u64,
    pub partial: u64,
    pub missed: u64,
    pub spurious: u64,
}

impl Counts {
    pub fn possible(&self) -> u64 {
        self.correct + self.incorrect + self.partial + self.missed
    }

    pub fn actual(&self) -> u64 {
        self.correct + self.incorrect + self.partial + self.spurious
    }

    pub fn add(&mut self, other: &Counts) {
        self.correct += other.correct;
        self.incorrect += other.incorrect;
        self.partial += other.partial;
        self.missed += other.missed;
        self.spurious += other.spurious;
    }
}

/// Counts with the figures derived from them under one scheme.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    pub correct: u64,
    pub incorrect: u64,
    pub partial: u64,
    pub missed: u64,
    pub spurious: u64,
    pub possible: u64,
    pub actual: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Precision, recall and F1 of `counts` under `scheme`, as nervaluate 1.2.1 computes them.
pub fn metrics(scheme: Scheme, counts: &Counts) -> Metrics {
    let possible = counts.possible();
    let actual = counts.actual();
    let credit = if scheme.half_credit() { counts.correct as f64 + 0.5 * counts.partial as f64 } else { counts.correct as f64 };
    let precision = if actual > 0 { credit / actual as f64 } else { 0.0 };
    let recall = if possible > 0 { credit / possible as f64 } else { 0.0 };
    let f1 = if precision + recall > 0.0 {
        // Parenthesised as nervaluate does, so the last bit agrees too.
        2.0 * (precision * recall) / (precision + recall)
    } else {
        0.0
    };
    Metrics {
        correct: counts.correct,
        incorrect: counts.incorrect,
        partial: counts.partial,
        missed: counts.missed,
        spurious: counts.spurious,
        possible,
        actual,
        precision,
        recall,
        f1,
    }
}

/// How one gold/pred pair (or lone span) came out — kept for error browsers, confusion tables
/// and attribute scoring later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Same boundaries, same label.
    Correct,
    /// Same boundaries, other label.
    WrongType,
    /// Overlapping, same label.
    WrongBoundary,
    /// Overlapping, other label.
    WrongBoundaryAndType,
    /// A gold span paired with no prediction.
    Missed,
    /// A prediction paired with no gold span.
    Spurious,
}

/// One pair or lone span; `gold` and `pred` index the slices given to [`score_article`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Pair {
    pub gold: Option<usize>,
    pub pred: Option<usize>,
    pub outcome: Outcome,
}

/// Counts under each scheme, indexable by [`Scheme`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemeCounts {
    pub by_scheme: [Counts; 4],
}

impl SchemeCounts {
    pub fn add(&mut self, other: &SchemeCounts) {
        for scheme in Scheme::ALL {
            self[scheme].add(&other[scheme]);
        }
    }

    pub(crate) fn record(&mut self, outcome: Outcome) {
        for scheme in Scheme::ALL {
            let counts = &mut self[scheme];
            let field = match (outcome, scheme) {
                (Outcome::Missed, _) => &mut counts.missed,
                (Outcome::Spurious, _) => &mut counts.spurious,
                (Outcome::Correct, _) => &mut counts.correct,
                (Outcome::WrongType, Scheme::Exact | Scheme::Partial) => &mut counts.correct,
                (Outcome::WrongBoundary, Scheme::Type) => &mut counts.correct,
                (Outcome::WrongBoundary | Outcome::WrongBoundaryAndType, Scheme::Partial) => &mut counts.partial,
                _ => &mut counts.incorrect,
            };
            *field += 1;
        }
    }
}

impl Index<Scheme> for SchemeCounts {
    type Output = Counts;

    fn index(&self, scheme: Scheme) -> &Counts {
        &self.by_scheme[scheme.slot()]
    }
}

impl IndexMut<Scheme> for SchemeCounts {
    fn index_mut(&mut self, scheme: Scheme) -> &mut Counts {
        &mut self.by_scheme[scheme.slot()]
    }
}

impl SchemeCounts {
    /// The counts of the scheme named `name` (`strict`, `exact`, `partial`, `type`).
    pub fn get(&self, name: &str) -> Option<&Counts> {
        Scheme::named(name).map(|s| &self[s])
    }
}

/// Written as the object `{"exact": …, "partial": …, "strict": …, "type": …}` (the keys in
/// order, as a map of scheme names gives them), which is what report.json's `per_article`
/// holds for each article.
impl serde::Serialize for SchemeCounts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(4))?;
        for scheme in [Scheme::Exact, Scheme::Partial, Scheme::Strict, Scheme::Type] {
            map.serialize_entry(scheme.name(), &self[scheme])?;
        }
        map.end()
    }
}

/// Read from an object keyed by scheme name; a scheme it lacks counts nothing, and keys that
/// name no scheme are passed over (a report.json written by another version).
impl<'de> serde::Deserialize<'de> for SchemeCounts {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Schemes;
        impl<'de> serde::de::Visitor<'de> for Schemes {
            type Value = SchemeCounts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of counts keyed by scheme (strict, exact, partial, type)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<SchemeCounts, A::Error> {
                let mut counts = SchemeCounts::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match Scheme::named(&key) {
                        Some(scheme) => counts[scheme] = map.next_value()?,
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(counts)
            }
        }
        deserializer.deserialize_map(Schemes)
    }
}

/// The scores of one article: overall, per label (each label scored alone), and the pairs of
/// the overall matching, sorted by the position of their gold span (a spurious prediction's
/// own position).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleScore {
    pub overall: SchemeCounts,
    pub per_label: BTreeMap<String, SchemeCounts>,
    pub pairs: Vec<Pair>,
}

/// Matches one article's predictions against its gold spans and counts every scheme.
pub fn score_article(gold: &[Mention], pred: &[Mention]) -> ArticleScore {
    if gold.is_empty() && pred.is_empty() {
        return ArticleScore::default();
    }
    let pairs = match_spans(gold, pred, (0..gold.len()).collect(), (0..pred.len()).collect());
    let mut overall = SchemeCounts::default();
    for pair in &pairs {
        overall.record(pair.outcome);
    }

    // When every span has the same label, that label's own matching is the overall one.
    if let Some(first) = gold.first().or(pred.first()) {
        if gold.iter().chain(pred).all(|m| m.label == first.label) {
            return ArticleScore { overall, per_label: BTreeMap::from([(first.label.clone(), overall)]), pairs };
        }
    }

    // One pass sorts the spans into their labels, so many labels cost no more than a few.
    let mut by_label: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, m) in gold.iter().enumerate() {
        by_label.entry(m.label.as_str()).or_default().0.push(i);
    }
    for (i, m) in pred.iter().enumerate() {
        by_label.entry(m.label.as_str()).or_default().1.push(i);
    }
    let mut per_label = BTreeMap::new();
    for (label, (gold_ids, pred_ids)) in by_label {
        let mut counts = SchemeCounts::default();
        for pair in match_spans(gold, pred, gold_ids, pred_ids) {
            counts.record(pair.outcome);
        }
        per_label.insert(label.to_string(), counts);
    }

    ArticleScore { overall, per_label, pairs }
}

/// Unweighted mean over labels of the per-label precision, recall and F1 under `scheme`, each
/// label's figures computed from its summed counts; `(0, 0, 0)` without labels.
pub fn macro_average(per_label: &BTreeMap<String, SchemeCounts>, scheme: Scheme) -> (f64, f64, f64) {
    average(per_label, scheme, |_| 1)
}

/// Mean over labels of the per-label precision, recall and F1 under `scheme`, each label
/// weighted by its gold count (`possible`); labels only predicted weigh nothing. `(0, 0, 0)`
/// when there is no gold span at all.
pub fn weighted_average(per_label: &BTreeMap<String, SchemeCounts>, scheme: Scheme) -> (f64, f64, f64) {
    average(per_label, scheme, |counts| counts.possible())
}

fn average(per_label: &BTreeMap<String, SchemeCounts>, scheme: Scheme, weight: impl Fn(&Counts) -> u64) -> (f64, f64, f64) {
    let mut total = 0u64;
    let (mut precision, mut recall, mut f1) = (0.0, 0.0, 0.0);
    for counts in per_label.values() {
        let w = weight(&counts[scheme]);
        let m = metrics(scheme, &counts[scheme]);
        total += w;
        precision += w as f64 * m.precision;
        recall += w as f64 * m.recall;
        f1 += w as f64 * m.f1;
    }
    if total == 0 {
        return (0.0, 0.0, 0.0);
    }
    let total = total as f64;
    (precision / total, recall / total, f1 / total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::assignment::Weight;
    use crate::score::matching::link;
    use proptest::prelude::*;

    /// report.json's `per_article` entries: the same bytes as a map of scheme names gave, read
    /// back whole; a scheme left out counts nothing and an unknown key is passed over.
    #[test]
    fn scheme_counts_are_written_and_read_as_a_map_of_scheme_names() {
        let mut counts = SchemeCounts::default();
        for (k, scheme) in Scheme::ALL.into_iter().enumerate() {
            let k = k as u64;
            counts[scheme] = Counts { correct: k + 1, incorrect: k, partial: 2 * k, missed: 3, spurious: k + 7 };
        }
        let as_map: BTreeMap<String, Counts> = Scheme::ALL.iter().map(|&s| (s.name().to_string(), counts[s])).collect();
        let written = serde_json::to_string(&counts).unwrap();
        assert_eq!(written, serde_json::to_string(&as_map).unwrap());
        assert_eq!(serde_json::from_str::<SchemeCounts>(&written).unwrap(), counts);
        let partial: SchemeCounts =
            serde_json::from_str(r#"{"strict": {"correct": 2, "incorrect": 0, "partial": 0, "missed": 1, "spurious": 0}, "later": 5}"#).unwrap();
        assert_eq!(partial.get("strict"), Some(&Counts { correct: 2, missed: 1, ..Counts::default() }));
        assert_eq!(partial.get("exact"), Some(&Counts::default()));
        assert_eq!(partial.get("strict+attrs"), None);
        assert!(serde_json::from_str::<SchemeCounts>("[1, 2]").is_err());
    }

    fn m(start: usize, end: usize, label: &str) -> Mention {
        Mention { start, end, label: label.to_string(), attrs: BTreeMap::new() }
    }

    /// `[correct, incorrect, partial, missed, spurious]`.
    fn counts(c: [u64; 5]) -> Counts {
        Counts { correct: c[0], incorrect: c[1], partial: c[2], missed: c[3], spurious: c[4] }
    }

    fn by_scheme(strict: [u64; 5], exact: [u64; 5], partial: [u64; 5], ty: [u64; 5]) -> SchemeCounts {
        SchemeCounts { by_scheme: [counts(strict), counts(exact), counts(partial), counts(ty)] }
    }

    fn sum(articles: &[(Vec<Mention>, Vec<Mention>)]) -> (SchemeCounts, BTreeMap<String, SchemeCounts>) {
        let mut overall = SchemeCounts::default();
        let mut per_label: BTreeMap<String, SchemeCounts> = BTreeMap::new();
        for (gold, pred) in articles {
            let score = score_article(gold, pred);
            overall.add(&score.overall);
            for (label, counts) in &score.per_label {
                per_label.entry(label.clone()).or_default().add(counts);
            }
        }
        (overall, per_label)
    }

    fn figures(scheme: Scheme, c: &SchemeCounts) -> (f64, f64, f64) {
        let m = metrics(scheme, &c[scheme]);
        (m.precision, m.recall, m.f1)
    }

    /// nervaluate's README example; the token lists are converted by its ListLoader to
    /// inclusive spans, here made end-exclusive. Every literal below was printed by
    /// nervaluate 1.2.1 (`Evaluator(true, pred, tags=[...], loader="list").evaluate()`).
    #[test]
    fn nervaluate_readme_example() {
        let articles = vec![
            (vec![m(1, 3, "PER"), m(6, 8, "ORG")], vec![m(2, 4, "PER"), m(6, 8, "ORG")]),
            (vec![m(1, 2, "LOC"), m(2, 4, "PER"), m(6, 7, "DATE")], vec![m(1, 3, "LOC"), m(3, 4, "PER"), m(6, 7, "DATE")]),
        ];
        let (overall, per_label) = sum(&articles);
        assert_eq!(overall, by_scheme([2, 3, 0, 0, 0], [2, 3, 0, 0, 0], [2, 0, 3, 0, 0], [5, 0, 0, 0, 0]));
        assert_eq!(figures(Scheme::Strict, &overall), (0.4, 0.4, 0.4000000000000001));
        assert_eq!(figures(Scheme::Exact, &overall), (0.4, 0.4, 0.4000000000000001));
        assert_eq!(figures(Scheme::Partial, &overall), (0.7, 0.7, 0.7));
        assert_eq!(figures(Scheme::Type, &overall), (1.0, 1.0, 1.0));
        let one = [1, 0, 0, 0, 0];
        assert_eq!(per_label["DATE"], by_scheme(one, one, one, one));
        assert_eq!(per_label["ORG"], by_scheme(one, one, one, one));
        assert_eq!(per_label["LOC"], by_scheme([0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], one));
        assert_eq!(per_label["PER"], by_scheme([0, 2, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 2, 0, 0], [2, 0, 0, 0, 0]));
        assert_eq!(figures(Scheme::Partial, &per_label["PER"]), (0.5, 0.5, 0.5));
        assert_eq!(figures(Scheme::Strict, &per_label["LOC"]), (0.0, 0.0, 0.0));
    }

    /// The six scenarios of nervaluate's README table, one token each (V and VI predict one
    /// token too many). Counts and figures printed by nervaluate 1.2.1 on the same spans.
    #[test]
    fn semeval_scenarios() {
        let gold = vec![m(0, 1, "BRAND"), m(21, 22, "DRUG"), m(30, 31, "DRUG"), m(40, 41, "DRUG"), m(51, 52, "GROUP")];
        let pred = vec![m(10, 11, "BRAND"), m(20, 22, "DRUG"), m(30, 31, "BRAND"), m(40, 41, "DRUG"), m(50, 52, "DRUG")];
        let score = score_article(&gold, &pred);
        assert_eq!(score.overall, by_scheme([1, 3, 0, 1, 1], [2, 2, 0, 1, 1], [2, 0, 2, 1, 1], [2, 2, 0, 1, 1]));
        assert_eq!(figures(Scheme::Strict, &score.overall), (0.2, 0.2, 0.20000000000000004));
        assert_eq!(figures(Scheme::Exact, &score.overall), (0.4, 0.4, 0.4000000000000001));
        assert_eq!(figures(Scheme::Partial, &score.overall), (0.6, 0.6, 0.6));
        assert_eq!(figures(Scheme::Type, &score.overall), (0.4, 0.4, 0.4000000000000001));
        assert_eq!(score.per_label["DRUG"], by_scheme([1, 1, 0, 1, 1], [1, 1, 0, 1, 1], [1, 0, 1, 1, 1], [2, 0, 0, 1, 1]));
        assert_eq!(score.per_label["BRAND"], by_scheme([0, 0, 0, 1, 2], [0, 0, 0, 1, 2], [0, 0, 0, 1, 2], [0, 0, 0, 1, 2]));
        let outcomes: Vec<Outcome> = score.pairs.iter().map(|p| p.outcome).collect();
        assert_eq!(outcomes, [Outcome::Missed, Outcome::Spurious, Outcome::WrongBoundary, Outcome::WrongType, Outcome::Correct, Outcome::WrongBoundaryAndType]);
        assert_eq!(score.pairs[2], Pair { gold: Some(1), pred: Some(1), outcome: Outcome::WrongBoundary });
    }

    struct Case {
        name: &'static str,
        gold: Vec<Mention>,
        pred: Vec<Mention>,
        overall: SchemeCounts,
        per_label: Vec<(&'static str, SchemeCounts)>,
    }

    #[test]
    fn hand_computed_cases() {
        let none = [0; 5];
        let all = |c: [u64; 5]| by_scheme(c, c, c, c);
        let cases = vec![
            Case {
                name: "touching spans share nothing",
                gold: vec![m(0, 5, "PER")],
                pred: vec![m(5, 9, "PER")],
                overall: all([0, 0, 0, 1, 1]),
                per_label: vec![("PER", all([0, 0, 0, 1, 1]))],
            },
            Case {
                name: "empty gold",
                gold: vec![],
                pred: vec![m(0, 5, "PER"), m(7, 9, "LOC")],
                overall: all([0, 0, 0, 0, 2]),
                per_label: vec![("LOC", all([0, 0, 0, 0, 1])), ("PER", all([0, 0, 0, 0, 1]))],
            },
            Case {
                name: "empty predictions",
                gold: vec![m(0, 5, "PER")],
                pred: vec![],
                overall: all([0, 0, 0, 1, 0]),
                per_label: vec![("PER", all([0, 0, 0, 1, 0]))],
            },
            Case { name: "both empty", gold: vec![], pred: vec![], overall: all(none), per_label: vec![] },
            Case {
                name: "wrong type, exact boundaries",
                gold: vec![m(0, 5, "PER")],
                pred: vec![m(0, 5, "LOC")],
                overall: by_scheme([0, 1, 0, 0, 0], [1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 1, 0, 0, 0]),
                per_label: vec![("LOC", all([0, 0, 0, 0, 1])), ("PER", all([0, 0, 0, 1, 0]))],
            },
            Case {
                name: "overlap, same type",
                gold: vec![m(0, 5, "PER")],
                pred: vec![m(2, 8, "PER")],
                overall: by_scheme([0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [1, 0, 0, 0, 0]),
                per_label: vec![("PER", by_scheme([0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [1, 0, 0, 0, 0]))],
            },
            Case {
                name: "overlap, other type",
                gold: vec![m(0, 5, "PER")],
                pred: vec![m(2, 8, "ORG")],
                overall: by_scheme([0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 1, 0, 0, 0]),
                per_label: vec![("ORG", all([0, 0, 0, 0, 1])), ("PER", all([0, 0, 0, 1, 0]))],
            },
            Case {
                name: "duplicated prediction: one correct, one spurious",
                gold: vec![m(0, 5, "PER")],
                pred: vec![m(0, 5, "PER"), m(0, 5, "PER")],
                overall: all([1, 0, 0, 0, 1]),
                per_label: vec![("PER", all([1, 0, 0, 0, 1]))],
            },
            Case {
                name: "duplicated gold: one correct, one missed",
                gold: vec![m(0, 5, "PER"), m(0, 5, "PER")],
                pred: vec![m(0, 5, "PER")],
                overall: all([1, 0, 0, 1, 0]),
                per_label: vec![("PER", all([1, 0, 0, 1, 0]))],
            },
            // The cases above are one-to-one and nervaluate 1.2.1 gives the same counts. Below,
            // nervaluate's counts depend on the order of the predictions; mizan's do not.
            Case {
                // Exact boundaries outrank the label: the LOC takes the gold span overall, the
                // nested PER is left spurious; alone, the PER pair is a boundary error.
                // (nervaluate: this answer with the LOC listed first, the PER pair otherwise.)
                name: "nested predictions",
                gold: vec![m(0, 10, "PER")],
                pred: vec![m(2, 6, "PER"), m(0, 10, "LOC")],
                overall: by_scheme([0, 1, 0, 0, 1], [1, 0, 0, 0, 1], [1, 0, 0, 0, 1], [0, 1, 0, 0, 1]),
                per_label: vec![("LOC", all([0, 0, 0, 0, 1])), ("PER", by_scheme([0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [1, 0, 0, 0, 0]))],
            },
            Case {
                // One prediction crosses two gold spans: the same-label one gets it.
                name: "crossing prediction",
                gold: vec![m(4, 10, "LOC"), m(0, 6, "PER")],
                pred: vec![m(2, 8, "PER")],
                overall: by_scheme([0, 1, 0, 1, 0], [0, 1, 0, 1, 0], [0, 0, 1, 1, 0], [1, 0, 0, 1, 0]),
                per_label: vec![("LOC", all([0, 0, 0, 1, 0])), ("PER", by_scheme([0, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [1, 0, 0, 0, 0]))],
            },
            Case {
                // Largest overlap first would pair [2,7) with [0,6) and strand both others;
                // the maximum pairing uses all four spans. (nervaluate, in this order, pairs
                // only one; with the predictions reversed, both.)
                name: "more pairs beat more overlap",
                gold: vec![m(0, 6, "PER"), m(5, 10, "PER")],
                pred: vec![m(2, 7, "PER"), m(0, 3, "PER")],
                overall: by_scheme([0, 2, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 2, 0, 0], [2, 0, 0, 0, 0]),
                per_label: vec![("PER", by_scheme([0, 2, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 2, 0, 0], [2, 0, 0, 0, 0]))],
            },
            Case {
                // nervaluate's 1% rule: 1 of 200 gold code points is not an overlap, 2 are.
                name: "overlap below 1% of a long gold span",
                gold: vec![m(0, 200, "PER"), m(300, 500, "PER")],
                pred: vec![m(199, 250, "PER"), m(498, 520, "PER")],
                overall: by_scheme([0, 1, 0, 1, 1], [0, 1, 0, 1, 1], [0, 0, 1, 1, 1], [1, 0, 0, 1, 1]),
                per_label: vec![("PER", by_scheme([0, 1, 0, 1, 1], [0, 1, 0, 1, 1], [0, 0, 1, 1, 1], [1, 0, 0, 1, 1]))],
            },
            Case {
                name: "empty spans pair only on identical boundaries",
                gold: vec![m(3, 3, "PER"), m(0, 9, "LOC")],
                pred: vec![m(3, 3, "PER"), m(5, 5, "LOC")],
                overall: by_scheme([1, 0, 0, 1, 1], [1, 0, 0, 1, 1], [1, 0, 0, 1, 1], [1, 0, 0, 1, 1]),
                per_label: vec![("LOC", all([0, 0, 0, 1, 1])), ("PER", all([1, 0, 0, 0, 0]))],
            },
        ];
        for case in cases {
            let score = score_article(&case.gold, &case.pred);
            assert_eq!(score.overall, case.overall, "{}: overall", case.name);
            let expected: BTreeMap<String, SchemeCounts> = case.per_label.into_iter().map(|(l, c)| (l.to_string(), c)).collect();
            assert_eq!(score.per_label, expected, "{}: per label", case.name);
            assert_eq!(
                score.pairs.len(),
                case.overall[Scheme::Strict].possible() as usize + case.overall[Scheme::Strict].spurious as usize,
                "{}: pairs",
                case.name
            );
        }
    }

    /// One article with 200,000 gold spans and as many predictions, none overlapping another
    /// of its side: the sweep pairs each with its neighbour only, so this takes a fraction of
    /// a second where comparing every pair would take minutes. Every fourth prediction is
    /// exact, every fourth has the wrong label, every fourth is shifted by one code point and
    /// every fourth sits in a gap of its own.
    #[test]
    fn two_hundred_thousand_spans_in_one_article() {
        let n = 200_000;
        let gold: Vec<Mention> = (0..n).map(|i| m(10 * i, 10 * i + 5, LABELS[i % 2])).collect();
        let pred: Vec<Mention> = (0..n)
            .map(|i| match i % 4 {
                0 => m(10 * i, 10 * i + 5, LABELS[i % 2]),
                1 => m(10 * i, 10 * i + 5, "ORG"),
                2 => m(10 * i + 1, 10 * i + 6, LABELS[i % 2]),
                _ => m(10 * i + 6, 10 * i + 9, LABELS[i % 2]),
            })
            .collect();
        let score = score_article(&gold, &pred);
        let q = n as u64 / 4;
        assert_eq!(score.overall[Scheme::Strict], counts([q, 2 * q, 0, q, q]));
        assert_eq!(score.overall[Scheme::Exact], counts([2 * q, q, 0, q, q]));
        assert_eq!(score.overall[Scheme::Partial], counts([2 * q, 0, q, q, q]));
        assert_eq!(score.overall[Scheme::Type], counts([2 * q, q, 0, q, q]));
        assert_eq!(score.per_label["ORG"][Scheme::Strict], counts([0, 0, 0, 0, q]));
        assert_eq!(score.pairs.len(), 5 * n / 4);
    }

    #[test]
    fn empty_denominators_give_zero() {
        for scheme in Scheme::ALL {
            let m = metrics(scheme, &Counts::default());
            assert_eq!((m.precision, m.recall, m.f1, m.possible, m.actual), (0.0, 0.0, 0.0, 0, 0));
            let only_missed = metrics(scheme, &counts([0, 0, 0, 3, 0]));
            assert_eq!((only_missed.precision, only_missed.recall, only_missed.f1), (0.0, 0.0, 0.0));
        }
    }

    #[test]
    fn half_credit_in_partial_and_type_only() {
        let c = counts([1, 1, 2, 0, 0]);
        assert_eq!(metrics(Scheme::Strict, &c).precision, 0.25);
        assert_eq!(metrics(Scheme::Exact, &c).recall, 0.25);
        assert_eq!(metrics(Scheme::Partial, &c).precision, 0.5);
        assert_eq!(metrics(Scheme::Type, &c).recall, 0.5);
    }

    #[test]
    fn averages() {
        let mut per_label = BTreeMap::new();
        // PER: P = 1, R = 1/3, F1 = 0.5; LOC: P = R = F1 = 0; ORG: only predicted, all 0.
        per_label.insert("PER".to_string(), by_scheme([1, 0, 0, 2, 0], [0; 5], [0; 5], [0; 5]));
        per_label.insert("LOC".to_string(), by_scheme([0, 0, 0, 1, 0], [0; 5], [0; 5], [0; 5]));
        per_label.insert("ORG".to_string(), by_scheme([0, 0, 0, 0, 1], [0; 5], [0; 5], [0; 5]));
        let (p, r, f) = macro_average(&per_label, Scheme::Strict);
        assert!((p - 1.0 / 3.0).abs() < 1e-12 && (r - 1.0 / 9.0).abs() < 1e-12 && (f - 0.5 / 3.0).abs() < 1e-12);
        let (p, r, f) = weighted_average(&per_label, Scheme::Strict);
        assert!((p - 0.75).abs() < 1e-12 && (r - 0.25).abs() < 1e-12 && (f - 0.375).abs() < 1e-12);
        assert_eq!(macro_average(&BTreeMap::new(), Scheme::Strict), (0.0, 0.0, 0.0));
        assert_eq!(weighted_average(&per_label, Scheme::Exact), (0.0, 0.0, 0.0));
    }

    #[test]
    fn scheme_names_and_order() {
        let names: Vec<&str> = Scheme::ALL.iter().map(Scheme::name).collect();
        assert_eq!(names, ["strict", "exact", "partial", "type"]);
        let mut c = SchemeCounts::default();
        c[Scheme::Type].correct = 1;
        assert_eq!(c.by_scheme[3].correct, 1);
    }

    /// nervaluate 1.2.1's four strategies (strategies.py) and per-label filtering
    /// (evaluator.py), ported line for line, with its inclusive ends: the oracle for inputs
    /// where the pairing is forced.
    mod nervaluate {
        use super::super::{Counts, Mention, Scheme, SchemeCounts};
        use std::collections::{BTreeMap, BTreeSet};

        fn overlaps(p: &Mention, t: &Mention) -> bool {
            let (ps, pe, ts, te) = (p.start as i64, p.end as i64 - 1, t.start as i64, t.end as i64 - 1);
            if ps > te || pe < ts {
                return false;
            }
            let span = (pe.min(te) - ps.max(ts) + 1) as f64;
            span / (te - ts + 1) as f64 * 100.0 >= 1.0
        }

        fn distance(p: &Mention, t: &Mention) -> i64 {
            (p.start as i64 - t.start as i64).abs() + (p.end as i64 - t.end as i64).abs()
        }

        fn strategy(scheme: Scheme, gold: &[&Mention], pred: &[&Mention]) -> Counts {
            let mut c = Counts::default();
            let mut matched = BTreeSet::new();
            for p in pred {
                let (mut found, mut fallback, mut best): (Option<usize>, Option<usize>, Option<i64>) = (None, None, None);
                for (ti, t) in gold.iter().enumerate() {
                    if matched.contains(&ti) {
                        continue;
                    }
                    let bounds = p.start == t.start && p.end == t.end;
                    match scheme {
                        Scheme::Strict | Scheme::Exact => {
                            if bounds && (scheme == Scheme::Exact || p.label == t.label) {
                                found = Some(ti);
                                break;
                            }
                            if overlaps(p, t) && fallback.is_none() {
                                fallback = Some(ti);
                            }
                        }
                        Scheme::Partial => {
                            if overlaps(p, t) {
                                if bounds {
                                    found = Some(ti);
                                    break;
                                }
                                fallback = fallback.or(Some(ti));
                            }
                        }
                        Scheme::Type => {
                            if overlaps(p, t) {
                                let d = distance(p, t);
                                if p.label == t.label {
                                    if best.is_none_or(|b| d < b) {
                                        found = Some(ti);
                                        best = Some(d);
                                    }
                                } else if fallback.is_none() {
                                    fallback = Some(ti);
                                }
                            }
                        }
                    }
                }
                if let Some(ti) = found {
                    c.correct += 1;
                    matched.insert(ti);
                } else if let Some(ti) = fallback {
                    if scheme == Scheme::Partial {
                        c.partial += 1;
                    } else {
                        c.incorrect += 1;
                    }
                    matched.insert(ti);
                } else {
                    c.spurious += 1;
                }
            }
            c.missed = (gold.len() - matched.len()) as u64;
            c
        }

        fn only<'a>(spans: &'a [Mention], label: Option<&str>) -> Vec<&'a Mention> {
            spans.iter().filter(|m| label.is_none_or(|l| m.label == l)).collect()
        }

        pub fn evaluate(gold: &[Mention], pred: &[Mention]) -> (SchemeCounts, BTreeMap<String, SchemeCounts>) {
            let mut overall = SchemeCounts::default();
            for scheme in Scheme::ALL {
                overall[scheme] = strategy(scheme, &only(gold, None), &only(pred, None));
            }
            let labels: BTreeSet<&str> = gold.iter().chain(pred).map(|m| m.label.as_str()).collect();
            let mut per_label = BTreeMap::new();
            for label in labels {
                let mut c = SchemeCounts::default();
                for scheme in Scheme::ALL {
                    c[scheme] = strategy(scheme, &only(gold, Some(label)), &only(pred, Some(label)));
                }
                per_label.insert(label.to_string(), c);
            }
            (overall, per_label)
        }
    }

    /// The best total weight over every one-to-one pairing, by enumeration.
    fn best_by_brute_force(gold: &[Mention], pred: &[Mention], taken: &mut Vec<bool>, g: usize) -> Weight {
        if g == gold.len() {
            return Weight::default();
        }
        let mut best = best_by_brute_force(gold, pred, taken, g + 1);
        for p in 0..pred.len() {
            if let (false, Some(w)) = (taken[p], link(&gold[g], &pred[p])) {
                taken[p] = true;
                best = best.max(w + best_by_brute_force(gold, pred, taken, g + 1));
                taken[p] = false;
            }
        }
        best
    }

    const LABELS: [&str; 4] = ["PER", "LOC", "ORG", "MISC"];

    fn mention() -> impl Strategy<Value = Mention> {
        (0usize..24, 1usize..7, 0usize..3).prop_map(|(start, len, l)| m(start, start + len, LABELS[l]))
    }

    fn spans(max: usize) -> impl Strategy<Value = Vec<Mention>> {
        prop::collection::vec(mention(), 0..max)
    }

    /// Gold and predictions where every gold span overlaps at most one prediction and vice
    /// versa: each slot of 20 code points holds one of the six scenarios, or nothing.
    fn one_to_one() -> impl Strategy<Value = (Vec<Mention>, Vec<Mention>)> {
        let slot = (0usize..7, 0usize..4, 0usize..4, 0usize..6, 1usize..6, 0usize..5);
        prop::collection::vec(slot, 0..8)
            .prop_map(|slots| {
                let (mut gold, mut pred) = (Vec::new(), Vec::new());
                for (i, (kind, gl, pl, start, len, shift)) in slots.into_iter().enumerate() {
                    let base = 20 * i + start;
                    let g = m(base, base + len, LABELS[gl]);
                    let moved = m(base + shift.min(len - 1), base + len + 1 + shift, LABELS[pl]);
                    match kind {
                        0 => gold.push(g),
                        1 => pred.push(g),
                        2 => {
                            pred.push(m(g.start, g.end, LABELS[pl]));
                            gold.push(g);
                        }
                        3 => {
                            pred.push(moved);
                            gold.push(g);
                        }
                        4 => {
                            pred.push(m(g.end, g.end + 3, LABELS[pl]));
                            gold.push(g);
                        }
                        _ => {}
                    }
                }
                (gold, pred)
            })
            .prop_flat_map(|(gold, pred)| (Just(gold).prop_shuffle(), Just(pred).prop_shuffle()))
    }

    /// A list and a shuffled copy of it.
    fn with_shuffled(max: usize) -> impl Strategy<Value = (Vec<Mention>, Vec<Mention>)> {
        spans(max).prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
    }

    fn all_counts(score: &ArticleScore) -> (SchemeCounts, BTreeMap<String, SchemeCounts>) {
        (score.overall, score.per_label.clone())
    }

    fn sorted_outcomes(score: &ArticleScore) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = score.pairs.iter().map(|p| p.outcome).collect();
        outcomes.sort();
        outcomes
    }

    proptest! {
        #[test]
        fn shuffling_changes_nothing(
            (gold, shuffled_gold) in with_shuffled(10),
            (pred, shuffled_pred) in with_shuffled(10),
        ) {
            let a = score_article(&gold, &pred);
            let b = score_article(&shuffled_gold, &shuffled_pred);
            prop_assert_eq!(all_counts(&a), all_counts(&b));
            prop_assert_eq!(sorted_outcomes(&a), sorted_outcomes(&b));
        }

        #[test]
        fn swapping_sides_swaps_precision_and_recall(gold in spans(10), pred in spans(10)) {
            let a = score_article(&gold, &pred);
            let b = score_article(&pred, &gold);
            // Spans here are shorter than 100 code points, so overlap is symmetric and all four
            // schemes swap; beyond that only strict and exact are guaranteed to.
            for scheme in Scheme::ALL {
                let ma = metrics(scheme, &a.overall[scheme]);
                let mb = metrics(scheme, &b.overall[scheme]);
                prop_assert_eq!((ma.precision, ma.recall, ma.f1), (mb.recall, mb.precision, mb.f1));
                for (label, counts) in &a.per_label {
                    let ma = metrics(scheme, &counts[scheme]);
                    let mb = metrics(scheme, &b.per_label[label][scheme]);
                    prop_assert_eq!((ma.precision, ma.recall), (mb.recall, mb.precision));
                }
            }
        }

        #[test]
        fn figures_in_unit_interval_and_totals_are_span_counts(
            gold in spans(12),
            pred in spans(12),
        ) {
            let score = score_article(&gold, &pred);
            for scheme in Scheme::ALL {
                let m = metrics(scheme, &score.overall[scheme]);
                for x in [m.precision, m.recall, m.f1] {
                    prop_assert!((0.0..=1.0).contains(&x));
                }
                prop_assert_eq!(m.possible, gold.len() as u64);
                prop_assert_eq!(m.actual, pred.len() as u64);
                for (label, counts) in &score.per_label {
                    let of_label =
                        |spans: &[Mention]| spans.iter().filter(|s| &s.label == label).count();
                    prop_assert_eq!(counts[scheme].possible() as usize, of_label(&gold));
                    prop_assert_eq!(counts[scheme].actual() as usize, of_label(&pred));
                }
            }
            let mut seen_gold: Vec<usize> = score.pairs.iter().filter_map(|p| p.gold).collect();
            let mut seen_pred: Vec<usize> = score.pairs.iter().filter_map(|p| p.pred).collect();
            seen_gold.sort();
            seen_pred.sort();
            prop_assert_eq!(seen_gold, (0..gold.len()).collect::<Vec<_>>());
            prop_assert_eq!(seen_pred, (0..pred.len()).collect::<Vec<_>>());
        }

        #[test]
        fn one_to_one_equals_nervaluate((gold, pred) in one_to_one()) {
            let score = score_article(&gold, &pred);
            let (overall, per_label) = nervaluate::evaluate(&gold, &pred);
            prop_assert_eq!(score.overall, overall);
            prop_assert_eq!(score.per_label, per_label);
        }

        #[test]
        fn matching_is_optimal(gold in spans(7), pred in spans(7)) {
            let score = score_article(&gold, &pred);
            let mut found = Weight::default();
            for pair in &score.pairs {
                if let (Some(g), Some(p)) = (pair.gold, pair.pred) {
                    found = found + link(&gold[g], &pred[p]).expect("paired spans are linked");
                }
            }
            let best = best_by_brute_force(&gold, &pred, &mut vec![false; pred.len()], 0);
            prop_assert_eq!(found, best);
        }

        /// Strict and exact correct counts are maxima, so no input order lets nervaluate count
        /// more of them, nested and crossing spans included.
        #[test]
        fn never_fewer_strict_correct_than_nervaluate(gold in spans(10), pred in spans(10)) {
            let score = score_article(&gold, &pred);
            let (overall, _) = nervaluate::evaluate(&gold, &pred);
            for scheme in [Scheme::Strict, Scheme::Exact] {
                prop_assert!(score.overall[scheme].correct >= overall[scheme].correct);
            }
        }
    }
}
