//! Scoring the fast path's records ([`compact`](super::compact)) without turning them into
//! mentions: labels stay small numbers, and an article's counts go straight into per-label and
//! confusion tables indexed by them. Most articles are untangled — each gold span overlaps at
//! most one prediction and each prediction at most one gold span — and there the pairing is
//! forced, so it is read off one sweep, for the overall matching and for every label's own
//! (which keeps just the same-label pairs of it). A tangled article is scored by
//! [`score_article`], as the general path scores every article; either way the counts are the
//! general path's (a test compares them).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::score::evaluate::{ArticleCounts, LayerScore, MISSED, SPURIOUS};
use crate::score::matching::{linked, pair_outcome};
use crate::score::scheme::{score_article, Counts, Mention, Outcome, SchemeCounts};

/// One span: article, layer and label are indexes into the sorted names of both files, so
/// that sorting records sorts the spans as the scorer wants them (article, layer, then start,
/// end and label, as [`Mention`]s sort).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Record {
    pub article: u32,
    pub layer: u16,
    pub start: u32,
    pub end: u32,
    pub label: u16,
}

/// What the articles one piece of work scored add up to.
struct Tally {
    per_label: Vec<SchemeCounts>,
    /// Whether a span of the label was seen (a label is listed only then).
    seen: Vec<bool>,
    /// `(gold label or SPURIOUS) × (predicted label or MISSED)`, the extra index last.
    confusion: Vec<u64>,
    gold_spans: u64,
    predicted_spans: u64,
    /// The sums of the articles' counts.
    overall: SchemeCounts,
    strict_attrs: Counts,
}

/// The fewest articles scored by one piece of work.
const STRETCH: usize = 2048;

/// Scores one layer of `articles` (ids, sorted): `spans(k)` gives article `k`'s gold and
/// predicted spans of the layer, each sorted by start, end and label.
pub(crate) fn score_layer<'s>(layer: &str, articles: &[&str], labels: &[&str], spans: impl Fn(usize) -> (&'s [Record], &'s [Record]) + Sync) -> LayerScore {
    let n = labels.len();
    // Each article's counts are written in place into the list, on every core; what they add
    // to the per-label and confusion tables goes into one tally per piece of work rayon makes
    // (kept in `tallies`, each locked only by the thread working that piece), summed after.
    let tallies: Mutex<Vec<Arc<Mutex<Tally>>>> = Mutex::new(Vec::new());
    let new_tally = || {
        let tally = Arc::new(Mutex::new(Tally {
            per_label: vec![SchemeCounts::default(); n],
            seen: vec![false; n],
            confusion: vec![0; (n + 1) * (n + 1)],
            gold_spans: 0,
            predicted_spans: 0,
            overall: SchemeCounts::default(),
            strict_attrs: Counts::default(),
        }));
        tallies.lock().unwrap_or_else(PoisonError::into_inner).push(Arc::clone(&tally));
        (tally, Scratch::default())
    };
    let per_article: Vec<ArticleCounts> = (0..articles.len())
        .into_par_iter()
        .with_min_len(STRETCH)
        .map_init(new_tally, |(tally, scratch), k| {
            let (gold, pred) = spans(k);
            let mut tally = tally.lock().unwrap_or_else(PoisonError::into_inner);
            let (counts, strict_attrs) = tally.article(gold, pred, labels, scratch);
            tally.overall.add(&counts);
            tally.strict_attrs.add(&strict_attrs);
            ArticleCounts { article_id: articles[k].to_string(), counts, strict_attrs }
        })
        .collect();

    let mut result = LayerScore::empty(layer);
    result.per_article = per_article;
    let (mut per_label, mut seen, mut confusion) = (vec![SchemeCounts::default(); n], vec![false; n], vec![0u64; (n + 1) * (n + 1)]);
    for tally in tallies.into_inner().unwrap_or_else(PoisonError::into_inner) {
        let tally = tally.lock().unwrap_or_else(PoisonError::into_inner);
        result.gold_spans += tally.gold_spans;
        result.predicted_spans += tally.predicted_spans;
        result.overall.add(&tally.overall);
        result.strict_attrs.add(&tally.strict_attrs);
        for (total, part) in per_label.iter_mut().zip(&tally.per_label) {
            total.add(part);
        }
        for (total, part) in seen.iter_mut().zip(&tally.seen) {
            *total |= part;
        }
        for (total, part) in confusion.iter_mut().zip(&tally.confusion) {
            *total += part;
        }
    }
    result.per_label = (0..n).filter(|&l| seen[l]).map(|l| (labels[l].to_string(), per_label[l])).collect();
    let name = |l: usize, extra: &str| if l < n { labels[l].to_string() } else { extra.to_string() };
    for (cell, &pairs) in confusion.iter().enumerate().filter(|(_, &pairs)| pairs > 0) {
        result.confusion.insert((name(cell / (n + 1), SPURIOUS), name(cell % (n + 1), MISSED)), pairs);
    }
    result
}

/// Buffers reused from one article to the next.
#[derive(Default)]
struct Scratch {
    /// Per gold span: how many predictions it links to, and the last one.
    gold: Vec<(u32, u32)>,
    /// Per prediction: how many gold spans it links to.
    pred: Vec<u32>,
    active: Vec<u32>,
}

impl Tally {
    /// Adds one article; its overall and strict+attrs counts.
    fn article(&mut self, gold: &[Record], pred: &[Record], labels: &[&str], scratch: &mut Scratch) -> (SchemeCounts, Counts) {
        self.gold_spans += gold.len() as u64;
        self.predicted_spans += pred.len() as u64;
        for span in gold.iter().chain(pred) {
            self.seen[usize::from(span.label)] = true;
        }
        // The general path's sweep: a prediction enters the active list once a gold span
        // reaches its start, and leaves it once it ends before the current gold span starts.
        let Scratch { gold: links, pred: taken, active } = scratch;
        links.clear();
        links.resize(gold.len(), (0, 0));
        taken.clear();
        taken.resize(pred.len(), 0);
        active.clear();
        let mut next = 0;
        for (gi, g) in gold.iter().enumerate() {
            while next < pred.len() && pred[next].start <= g.end {
                active.push(next as u32);
                next += 1;
            }
            active.retain(|&pi| pred[pi as usize].end >= g.start);
            for &pi in active.iter() {
                let p = pred[pi as usize];
                if linked((g.start as usize, g.end as usize), (p.start as usize, p.end as usize)) {
                    links[gi] = (links[gi].0 + 1, pi);
                    taken[pi as usize] += 1;
                }
            }
        }
        if links.iter().any(|&(k, _)| k > 1) || taken.iter().any(|&k| k > 1) {
            return self.tangled(gold, pred, labels);
        }
        let (mut overall, mut strict_attrs) = (SchemeCounts::default(), Counts::default());
        let extra = labels.len();
        for (g, &(k, pi)) in gold.iter().zip(links.iter()) {
            let gl = usize::from(g.label);
            if k == 0 {
                self.count(&mut overall, &mut strict_attrs, Outcome::Missed, gl, extra);
                self.per_label[gl].record(Outcome::Missed);
                continue;
            }
            let p = pred[pi as usize];
            let pl = usize::from(p.label);
            let outcome = pair_outcome((g.start, g.end) == (p.start, p.end), gl == pl);
            self.count(&mut overall, &mut strict_attrs, outcome, gl, pl);
            if gl == pl {
                self.per_label[gl].record(outcome);
            } else {
                // Within each label's own matching the pair is not there.
                self.per_label[gl].record(Outcome::Missed);
                self.per_label[pl].record(Outcome::Spurious);
            }
        }
        for (p, _) in pred.iter().zip(taken.iter()).filter(|(_, &k)| k == 0) {
            let pl = usize::from(p.label);
            self.count(&mut overall, &mut strict_attrs, Outcome::Spurious, extra, pl);
            self.per_label[pl].record(Outcome::Spurious);
        }
        (overall, strict_attrs)
    }

    /// One pair or lone span of the overall matching: its schemes, its strict+attrs count (no
    /// attributes here, so the strict one) and its confusion cell.
    fn count(&mut self, overall: &mut SchemeCounts, strict_attrs: &mut Counts, outcome: Outcome, row: usize, column: usize) {
        overall.record(outcome);
        match outcome {
            Outcome::Correct => strict_attrs.correct += 1,
            Outcome::Missed => strict_attrs.missed += 1,
            Outcome::Spurious => strict_attrs.spurious += 1,
            _ => strict_attrs.incorrect += 1,
        }
        self.confusion[row * (self.per_label.len() + 1) + column] += 1;
    }

    /// An article whose spans overlap several on the other side, scored by the solver.
    fn tangled(&mut self, gold: &[Record], pred: &[Record], labels: &[&str]) -> (SchemeCounts, Counts) {
        let mentions = |spans: &[Record]| -> Vec<Mention> {
            spans
                .iter()
                .map(|s| Mention { start: s.start as usize, end: s.end as usize, label: labels[usize::from(s.label)].to_string(), attrs: BTreeMap::new() })
                .collect()
        };
        let (gm, pm) = (mentions(gold), mentions(pred));
        let score = score_article(&gm, &pm);
        for (label, counts) in &score.per_label {
            if let Ok(l) = labels.binary_search(&label.as_str()) {
                self.per_label[l].add(counts);
            }
        }
        let (mut overall, mut strict_attrs) = (SchemeCounts::default(), Counts::default());
        let extra = labels.len();
        for pair in &score.pairs {
            let row = pair.gold.map_or(extra, |i| usize::from(gold[i].label));
            let column = pair.pred.map_or(extra, |i| usize::from(pred[i].label));
            self.count(&mut overall, &mut strict_attrs, pair.outcome, row, column);
        }
        debug_assert_eq!(overall, score.overall);
        (overall, strict_attrs)
    }
}
