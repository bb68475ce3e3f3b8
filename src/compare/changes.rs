//! Changed articles: where two versions of an extractor came out differently, span by span,
//! from both report folders' `outcomes.jsonl`. A gold span that became correct is *fixed*, one
//! that was correct and no longer is has *regressed*; a gold span whose outcome or prediction
//! changed otherwise, and a spurious prediction that appeared or went away, are *other*
//! changes. Articles come most changed first, so that the top of the list is where to look.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::compare::source::{OutcomeRecord, SpanRef};
use crate::score::scheme::Outcome;

/// What happened to one span between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A gold span that was not found correctly, and now is.
    Fixed,
    /// A gold span that was found correctly, and no longer is.
    Regressed,
    /// A gold span's outcome or prediction changed, correct neither before nor after (or
    /// correct both times with other attributes).
    Changed,
    /// A prediction with no gold span, new in the later version.
    SpuriousAdded,
    /// A prediction with no gold span that the later version no longer makes.
    SpuriousRemoved,
}

/// One version's side of a span: its outcome and the prediction it was paired with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Side {
    pub outcome: Outcome,
    pub pred: Option<SpanRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpanChange {
    pub kind: ChangeKind,
    /// The gold span, or null for a spurious prediction.
    pub gold: Option<SpanRef>,
    /// How it came out in the earlier version (null: not there).
    pub before: Option<Side>,
    pub after: Option<Side>,
}

impl SpanChange {
    /// Where it starts in the text, for ordering.
    fn position(&self) -> usize {
        let pred = |s: &Option<Side>| s.as_ref().and_then(|s| s.pred.as_ref()).map(|p| p.start);
        self.gold.as_ref().map(|g| g.start).or(pred(&self.before)).or(pred(&self.after)).unwrap_or(0)
    }
}

/// One article whose outcomes differ between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedArticle {
    pub article_id: String,
    pub fixed: usize,
    pub regressed: usize,
    pub other: usize,
    /// In text order.
    pub changes: Vec<SpanChange>,
}

impl ChangedArticle {
    pub fn total(&self) -> usize {
        self.fixed + self.regressed + self.other
    }
}

/// Article id → records, as one extractor and layer of an outcomes file holds them.
pub type ArticleRecords = BTreeMap<String, Vec<OutcomeRecord>>;

/// The articles whose outcomes differ, most changes first (then most regressions, then id).
/// `articles`, when given, limits the comparison to those ids (the articles both reports
/// scored).
pub fn changed_articles(before: &ArticleRecords, after: &ArticleRecords, articles: Option<&BTreeSet<String>>) -> Vec<ChangedArticle> {
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).filter(|id| articles.is_none_or(|set| set.contains(*id))).collect();
    let empty = Vec::new();
    let mut changed: Vec<ChangedArticle> = ids
        .into_iter()
        .filter_map(|id| {
            let changes = diff(before.get(id).unwrap_or(&empty), after.get(id).unwrap_or(&empty));
            if changes.is_empty() {
                return None;
            }
            let count = |kind: ChangeKind| changes.iter().filter(|c| c.kind == kind).count();
            let (fixed, regressed) = (count(ChangeKind::Fixed), count(ChangeKind::Regressed));
            Some(ChangedArticle { article_id: id.clone(), fixed, regressed, other: changes.len() - fixed - regressed, changes })
        })
        .collect();
    changed.sort_by(|a, b| b.total().cmp(&a.total()).then(b.regressed.cmp(&a.regressed)).then_with(|| a.article_id.cmp(&b.article_id)));
    changed
}

/// One article's span changes.
fn diff(before: &[OutcomeRecord], after: &[OutcomeRecord]) -> Vec<SpanChange> {
    // Gold span → how each version's records of it came out. Identical duplicate gold spans
    // are paired best outcome first, so that a duplicate found in both versions is no change.
    let mut gold: BTreeMap<&SpanRef, [Vec<Side>; 2]> = BTreeMap::new();
    let mut spurious: BTreeMap<&SpanRef, [usize; 2]> = BTreeMap::new();
    for (k, records) in [before, after].into_iter().enumerate() {
        for record in records {
            match (&record.gold, &record.pred) {
                (Some(g), pred) => gold.entry(g).or_default()[k].push(Side { outcome: record.outcome, pred: pred.clone() }),
                (None, Some(p)) => spurious.entry(p).or_default()[k] += 1,
                (None, None) => {}
            }
        }
    }
    let mut changes = Vec::new();
    for (span, [mut was, mut now]) in gold {
        was.sort();
        now.sort();
        for k in 0..was.len().max(now.len()) {
            let (before, after) = (was.get(k).cloned(), now.get(k).cloned());
            if before == after {
                continue;
            }
            let correct = |s: &Option<Side>| s.as_ref().is_some_and(|s| s.outcome == Outcome::Correct);
            let kind = match (correct(&before), correct(&after)) {
                (false, true) => ChangeKind::Fixed,
                (true, false) => ChangeKind::Regressed,
                _ => ChangeKind::Changed,
            };
            changes.push(SpanChange { kind, gold: Some(span.clone()), before, after });
        }
    }
    for (pred, [was, now]) in spurious {
        let side = || Some(Side { outcome: Outcome::Spurious, pred: Some(pred.clone()) });
        for _ in now..was {
            changes.push(SpanChange { kind: ChangeKind::SpuriousRemoved, gold: None, before: side(), after: None });
        }
        for _ in was..now {
            changes.push(SpanChange { kind: ChangeKind::SpuriousAdded, gold: None, before: None, after: side() });
        }
    }
    changes.sort_by_key(|c| (c.position(), c.kind));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: &str) -> SpanRef {
        SpanRef { start, end, label: label.into(), attrs: BTreeMap::new() }
    }

    fn record(article: &str, outcome: Outcome, gold: Option<SpanRef>, pred: Option<SpanRef>) -> OutcomeRecord {
        OutcomeRecord { extractor: "x".into(), layer: "ner".into(), article_id: article.into(), outcome, gold, pred }
    }

    fn by_article(records: Vec<OutcomeRecord>) -> ArticleRecords {
        let mut map = ArticleRecords::new();
        for r in records {
            map.entry(r.article_id.clone()).or_default().push(r);
        }
        map
    }

    fn kinds(changes: &[SpanChange]) -> Vec<ChangeKind> {
        changes.iter().map(|c| c.kind).collect()
    }

    use ChangeKind::*;
    use Outcome::{Correct, Missed, Spurious, WrongBoundary, WrongType};

    #[test]
    fn span_changes_are_classified() {
        let (g1, g2, g3, g4) = (span(0, 5, "PER"), span(6, 9, "LOC"), span(10, 14, "ORG"), span(20, 25, "PER"));
        let before = vec![
            record("a", Correct, Some(g1.clone()), Some(g1.clone())),
            record("a", Missed, Some(g2.clone()), None),
            record("a", Missed, Some(g3.clone()), None),
            record("a", Correct, Some(g4.clone()), Some(g4.clone())),
            record("a", Spurious, None, Some(span(30, 33, "PER"))),
        ];
        let after = vec![
            record("a", Missed, Some(g1.clone()), None),
            record("a", Correct, Some(g2.clone()), Some(g2.clone())),
            record("a", WrongBoundary, Some(g3.clone()), Some(span(9, 14, "ORG"))),
            record("a", Correct, Some(g4.clone()), Some(g4.clone())),
            record("a", Spurious, None, Some(span(40, 44, "LOC"))),
        ];
        let changed = changed_articles(&by_article(before), &by_article(after), None);
        assert_eq!(changed.len(), 1);
        let a = &changed[0];
        assert_eq!((a.fixed, a.regressed, a.other), (1, 1, 3));
        assert_eq!(kinds(&a.changes), [Regressed, Fixed, Changed, SpuriousRemoved, SpuriousAdded]);
        assert_eq!(a.changes[0].after, Some(Side { outcome: Missed, pred: None }));
        assert_eq!(a.changes[2].after.as_ref().unwrap().pred, Some(span(9, 14, "ORG")));
    }

    #[test]
    fn equal_outcomes_in_any_order_are_no_change() {
        let g = span(0, 5, "PER");
        let records = vec![
            record("a", Correct, Some(g.clone()), Some(g.clone())),
            record("a", Missed, Some(g.clone()), None),
            record("a", Spurious, None, Some(span(7, 8, "X"))),
            record("a", Spurious, None, Some(span(7, 8, "X"))),
        ];
        let mut reversed = records.clone();
        reversed.reverse();
        assert!(changed_articles(&by_article(records), &by_article(reversed), None).is_empty());
        assert!(changed_articles(&ArticleRecords::new(), &ArticleRecords::new(), None).is_empty());
    }

    #[test]
    fn duplicates_pair_best_first_and_extra_spurious_count_once_each() {
        let g = span(0, 5, "PER");
        let before = vec![
            record("a", Missed, Some(g.clone()), None),
            record("a", Correct, Some(g.clone()), Some(g.clone())),
            record("a", Spurious, None, Some(span(7, 8, "X"))),
        ];
        let after = vec![
            record("a", Correct, Some(g.clone()), Some(g.clone())),
            record("a", Correct, Some(g.clone()), Some(g.clone())),
            record("a", Spurious, None, Some(span(7, 8, "X"))),
            record("a", Spurious, None, Some(span(7, 8, "X"))),
            record("a", Spurious, None, Some(span(7, 8, "X"))),
        ];
        let changed = changed_articles(&by_article(before), &by_article(after), None);
        assert_eq!(kinds(&changed[0].changes), [Fixed, SpuriousAdded, SpuriousAdded]);
    }

    #[test]
    fn a_change_of_attributes_or_of_a_wrong_prediction_is_other() {
        let g = span(0, 5, "QUOTE");
        let with = |speaker: &str| SpanRef { attrs: [("speaker".to_string(), speaker.to_string())].into(), ..g.clone() };
        let before = vec![record("a", Correct, Some(g.clone()), Some(with("لافروف"))), record("b", WrongType, Some(span(1, 2, "PER")), Some(span(1, 2, "LOC")))];
        let after = vec![record("a", Correct, Some(g.clone()), Some(with("جونسون"))), record("b", WrongType, Some(span(1, 2, "PER")), Some(span(1, 2, "ORG")))];
        let changed = changed_articles(&by_article(before), &by_article(after), None);
        assert_eq!(changed.iter().map(|a| (a.article_id.as_str(), kinds(&a.changes))).collect::<Vec<_>>(), [("a", vec![Changed]), ("b", vec![Changed])]);
    }

    #[test]
    fn articles_sort_by_changes_then_regressions_and_can_be_limited() {
        let (g1, g2) = (span(0, 1, "A"), span(2, 3, "A"));
        let before = vec![
            record("few", Correct, Some(g1.clone()), Some(g1.clone())),
            record("many", Missed, Some(g1.clone()), None),
            record("many", Missed, Some(g2.clone()), None),
            record("tie", Correct, Some(g1.clone()), Some(g1.clone())),
        ];
        let after = vec![
            record("few", Missed, Some(g1.clone()), None),
            record("many", Correct, Some(g1.clone()), Some(g1.clone())),
            record("many", Correct, Some(g2.clone()), Some(g2.clone())),
            record("tie", Correct, Some(g1.clone()), Some(g1.clone())),
            record("tie", Spurious, None, Some(g2.clone())),
            record("new", Spurious, None, Some(g2.clone())),
        ];
        let (before, after) = (by_article(before), by_article(after));
        let order: Vec<String> = changed_articles(&before, &after, None).into_iter().map(|a| a.article_id).collect();
        assert_eq!(order, ["many", "few", "new", "tie"]);
        let only: BTreeSet<String> = ["few".to_string(), "tie".to_string()].into();
        let order: Vec<String> = changed_articles(&before, &after, Some(&only)).into_iter().map(|a| a.article_id).collect();
        assert_eq!(order, ["few", "tie"]);
    }
}
