//! The data the comparison page's script renders: one view per extractor, layer and later
//! report, holding each changed article's outcome records in both versions (with the segments
//! of its text, as report.html draws them) and its span changes. Records that took part in a
//! change are marked, so that the page can point at them in both versions of the text.
//!
//! Offsets are UTF-16 units where the article's text is at hand (what JavaScript counts), and
//! code points, as in the report, where it is not. The shape is in `docs/compare.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::changes::{ChangeKind, Side, SpanChange};
use crate::compare::source::{OutcomeRecord, Source, SpanRef};
use crate::compare::Comparison;
use crate::model::Article;
use crate::report::html::data::{code, record_order, utf16_offsets, ArticleData, Record, SpanData, OUTCOMES};
use crate::report::html::segments::{segment, Extent, Segment};

/// Change kinds, in the order of their codes in the data.
pub(crate) const KINDS: [&str; 5] = ["fixed", "regressed", "changed", "spurious_added", "spurious_removed"];

fn kind_code(kind: ChangeKind) -> usize {
    match kind {
        ChangeKind::Fixed => 0,
        ChangeKind::Regressed => 1,
        ChangeKind::Changed => 2,
        ChangeKind::SpuriousAdded => 3,
        ChangeKind::SpuriousRemoved => 4,
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct PageData<'a> {
    pub outcomes: [&'static str; 6],
    pub kinds: [&'static str; 5],
    /// Report letters and paths, first report first.
    pub reports: Vec<[String; 2]>,
    /// The articles with changes; empty when the dataset is not at hand.
    pub articles: Vec<ArticleData<'a>>,
    pub views: Vec<View<'a>>,
}

/// One extractor and layer, between the first report and report `after`.
#[derive(Debug, Serialize)]
pub(crate) struct View<'a> {
    pub extractor: String,
    pub layer: String,
    pub after: usize,
    pub fixed: usize,
    pub regressed: usize,
    pub other: usize,
    pub articles: Vec<ChangedView<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ChangedView<'a> {
    pub id: String,
    /// Index into [`PageData::articles`]; null without the text.
    pub a: Option<usize>,
    pub fixed: usize,
    pub regressed: usize,
    pub other: usize,
    /// The two versions' records, first report first; empty without the text.
    pub sides: Vec<SideView<'a>>,
    pub changes: Vec<ChangeData<'a>>,
}

/// One version's side of a change: `[outcome code, prediction or null]`.
pub(crate) type SideData<'a> = (usize, Option<SpanData<'a>>);
/// A change: `[kind code, gold or null, before or null, after or null]`.
pub(crate) type ChangeData<'a> = (usize, Option<SpanData<'a>>, Option<SideData<'a>>, Option<SideData<'a>>);

/// One version of an article: its records and segments, and per record the kind of the change
/// it took part in (null: unchanged).
#[derive(Debug, Serialize)]
pub(crate) struct SideView<'a> {
    pub r: Vec<Record<'a>>,
    pub s: Vec<Segment>,
    pub c: Vec<Option<usize>>,
}

fn span_data<'a>(span: &'a SpanRef, offsets: Option<&[usize]>) -> SpanData<'a> {
    // Without the text, offsets stay code points; past the text (never in a checked run) they
    // are drawn at its end.
    let at = |k: usize| offsets.map_or(k, |o| o.get(k).or(o.last()).copied().unwrap_or(0));
    SpanData { start: at(span.start), end: at(span.end), label: &span.label, attrs: &span.attrs }
}

fn side_data<'a>(side: &'a Option<Side>, offsets: Option<&[usize]>) -> Option<SideData<'a>> {
    side.as_ref().map(|s| (code(s.outcome), s.pred.as_ref().map(|p| span_data(p, offsets))))
}

/// One version's records of an article, sorted as report.html sorts them, each marked with the
/// change it took part in.
fn side_view<'a>(records: &'a [OutcomeRecord], changes: &[SpanChange], before: bool, offsets: &[usize]) -> SideView<'a> {
    let mut used = vec![false; records.len()];
    let mut marks: Vec<Option<usize>> = vec![None; records.len()];
    for change in changes {
        let Some(side) = (if before { &change.before } else { &change.after }) else { continue };
        let found = records.iter().enumerate().position(|(k, r)| !used[k] && r.gold == change.gold && r.outcome == side.outcome && r.pred == side.pred);
        if let Some(k) = found {
            used[k] = true;
            marks[k] = Some(kind_code(change.kind));
        }
    }
    let mut rows: Vec<(Record<'a>, Option<usize>)> = records
        .iter()
        .zip(marks)
        .map(|(r, mark)| {
            let record = Record {
                outcome: r.outcome,
                gold: r.gold.as_ref().map(|s| span_data(s, Some(offsets))),
                pred: r.pred.as_ref().map(|s| span_data(s, Some(offsets))),
                attrs_match: None,
            };
            (record, mark)
        })
        .collect();
    rows.sort_by_key(|(r, _)| record_order(r));
    let extents: Vec<Extent> =
        rows.iter().map(|(r, _)| Extent { gold: r.gold.as_ref().map(|s| s.start..s.end), pred: r.pred.as_ref().map(|s| s.start..s.end) }).collect();
    let (r, c) = rows.into_iter().unzip();
    SideView { r, s: segment(&extents), c }
}

/// The page data. `articles` are the dataset's (empty when it is not at hand).
pub(crate) fn page_data<'a>(comparison: &'a Comparison, sources: &'a [Source], articles: &'a [Article]) -> PageData<'a> {
    let position: BTreeMap<&str, usize> = articles.iter().enumerate().map(|(k, a)| (a.id.as_str(), k)).collect();
    let mut used: BTreeMap<usize, usize> = BTreeMap::new();
    let mut offsets: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut views = Vec::new();
    for extractor in &comparison.extractors {
        for layer in &extractor.layers {
            for set in layer.changed.iter().filter(|s| s.available) {
                let records = |k: usize, id: &str| {
                    sources[k].outcomes.as_ref().and_then(|o| o.get(&extractor.name)?.get(&layer.layer)?.get(id)).map_or(&[][..], Vec::as_slice)
                };
                let mut changed = Vec::new();
                for article in &set.articles {
                    let at = position.get(article.article_id.as_str()).copied();
                    let offsets = at.map(|k| offsets.entry(k).or_insert_with(|| utf16_offsets(&articles[k].text)).as_slice());
                    let sides = match offsets {
                        Some(o) => vec![
                            side_view(records(0, &article.article_id), &article.changes, true, o),
                            side_view(records(set.report, &article.article_id), &article.changes, false, o),
                        ],
                        None => Vec::new(),
                    };
                    let next = used.len();
                    changed.push(ChangedView {
                        id: article.article_id.clone(),
                        a: at.map(|k| *used.entry(k).or_insert(next)),
                        fixed: article.fixed,
                        regressed: article.regressed,
                        other: article.other,
                        sides,
                        changes: article
                            .changes
                            .iter()
                            .map(|c| {
                                (kind_code(c.kind), c.gold.as_ref().map(|g| span_data(g, offsets)), side_data(&c.before, offsets), side_data(&c.after, offsets))
                            })
                            .collect(),
                    });
                }
                views.push(View {
                    extractor: extractor.name.clone(),
                    layer: layer.layer.clone(),
                    after: set.report,
                    fixed: set.fixed,
                    regressed: set.regressed,
                    other: set.other,
                    articles: changed,
                });
            }
        }
    }
    let mut page_articles: Vec<(usize, ArticleData<'a>)> = used
        .iter()
        .map(|(&k, &index)| {
            let article = &articles[k];
            (index, ArticleData::of(article))
        })
        .collect();
    page_articles.sort_by_key(|(index, _)| *index);
    PageData {
        outcomes: OUTCOMES,
        kinds: KINDS,
        reports: comparison.reports.iter().enumerate().map(|(k, r)| [crate::compare::terminal::letter(k), r.path.clone()]).collect(),
        articles: page_articles.into_iter().map(|(_, a)| a).collect(),
        views,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::scheme::Outcome;

    fn span(start: usize, end: usize, label: &str) -> SpanRef {
        SpanRef { start, end, label: label.into(), attrs: BTreeMap::new() }
    }

    fn record(outcome: Outcome, gold: Option<SpanRef>, pred: Option<SpanRef>) -> OutcomeRecord {
        OutcomeRecord { extractor: "x".into(), layer: "ner".into(), article_id: "a".into(), outcome, gold, pred }
    }

    #[test]
    fn changed_records_are_marked_in_each_version() {
        let (g1, g2) = (span(4, 10, "PER"), span(0, 3, "LOC"));
        let before = [record(Outcome::Correct, Some(g1.clone()), Some(g1.clone())), record(Outcome::Missed, Some(g2.clone()), None)];
        let after = [record(Outcome::Missed, Some(g1.clone()), None), record(Outcome::Missed, Some(g2.clone()), None)];
        let changes = [SpanChange {
            kind: ChangeKind::Regressed,
            gold: Some(g1),
            before: Some(Side { outcome: Outcome::Correct, pred: Some(span(4, 10, "PER")) }),
            after: Some(Side { outcome: Outcome::Missed, pred: None }),
        }];
        // "😀" takes two UTF-16 units: offsets after it move by one.
        let offsets = utf16_offsets("😀ab قال لافروف");
        let a = side_view(&before, &changes, true, &offsets);
        let b = side_view(&after, &changes, false, &offsets);
        // Sorted by position: the LOC span [0,3) first.
        assert_eq!(a.c, [None, Some(1)]);
        assert_eq!(b.c, [None, Some(1)]);
        assert_eq!((a.r[1].gold.as_ref().unwrap().start, a.r[1].gold.as_ref().unwrap().end), (5, 11));
        assert_eq!(a.s.len(), 2);
    }
}
