//! Pairing one article's predictions with its gold spans, one to one, the same way for every
//! scheme; [`scheme`](super::scheme) counts the pairs.
//!
//! # Overlap
//! Offsets are end-exclusive code points, so `[0,5)` and `[5,9)` share nothing. A prediction
//! overlaps a gold span when they share at least one code point *and* the shared part is at
//! least 1% of the gold span's length, computed as `shared / gold_len * 100 >= 1` in `f64`.
//! The 1% rule is nervaluate's default `min_overlap_percentage` and only bites on gold spans
//! longer than 100 code points; it is kept so that mizan agrees with nervaluate on them too.
//! Two spans with the same boundaries are always linked, even when empty; an empty span
//! (`end <= start`) overlaps nothing else. (nervaluate treats empty spans inconsistently and
//! fails on some, so they are outside the promise of equal figures.)
//!
//! # Matching
//! nervaluate walks the predictions in input order and gives each the first still-free gold
//! span it fits, so when spans nest or cross its counts depend on the order of the input.
//! mizan instead picks, among all one-to-one pairings of overlapping spans, one that is best
//! lexicographically on:
//! 1. the number of pairs with the same boundaries and label,
//! 2. then the number of pairs with the same boundaries,
//! 3. then the number of pairs with the same label,
//! 4. then the number of pairs,
//! 5. then the total number of shared code points.
//!
//! Every count of every scheme is a function of the first four numbers (strict correct is
//! (1), exact and partial correct are (2), type correct is (3), each scheme's correct +
//! incorrect + partial is (4)), so the counts do not depend on input order even where several
//! pairings tie. Ties themselves are broken by taking spans in their sorted order (start, end,
//! label, attributes), which only decides *which* of several interchangeable spans is paired.
//! The optimum is found exactly, by the Hungarian algorithm on each connected group of
//! overlapping spans (usually a single pair).
//!
//! One pairing serves all four schemes, so that each pair has one [`Outcome`]. The price is
//! that type and partial can score below what a pairing made for them alone would give: with
//! a gold PER `[0,10)` and predictions LOC `[0,10)` and PER `[2,6)`, the LOC takes the gold
//! span (exact boundaries outrank the label), so type counts one incorrect, not one correct.
//! Strict and exact correct counts are always the largest any pairing can reach.
//!
//! A span that overlaps only spans already paired with better partners is left alone: a gold
//! span is missed, a prediction spurious, as nervaluate also does. Duplicated spans are
//! distinct spans: two identical predictions for one gold span give one correct and one
//! spurious, two identical gold spans with one prediction give one correct and one missed.
//! Where each gold span overlaps at most one prediction and vice versa, the pairing is forced
//! and every count and figure equals nervaluate 1.2.1's.

use std::collections::{BTreeMap, BTreeSet};

use crate::score::assignment::{assignment, Weight};
use crate::score::scheme::{Mention, Outcome, Pair};

/// The weight of pairing `g` with `p`, or `None` when they may not be paired.
pub(crate) fn link(g: &Mention, p: &Mention) -> Option<Weight> {
    if !linked((g.start, g.end), (p.start, p.end)) {
        return None;
    }
    let same_bounds = g.start == p.start && g.end == p.end;
    let shared = g.end.min(p.end).saturating_sub(g.start.max(p.start));
    let same_label = g.label == p.label;
    Some(Weight([(same_bounds && same_label) as i64, same_bounds as i64, same_label as i64, 1, shared as i64]))
}

/// Whether a gold span and a prediction (start, end) may be paired: the same boundaries, or an
/// overlap as the module docs define it.
pub(crate) fn linked(gold: (usize, usize), pred: (usize, usize)) -> bool {
    let shared = gold.1.min(pred.1).saturating_sub(gold.0.max(pred.0));
    // nervaluate's test, float for float (min_overlap_percentage = 1.0, relative to the gold).
    gold == pred || (shared > 0 && (shared as f64 / gold.1.saturating_sub(gold.0) as f64) * 100.0 >= 1.0)
}

fn outcome(g: &Mention, p: &Mention) -> Outcome {
    pair_outcome(g.start == p.start && g.end == p.end, g.label == p.label)
}

/// The outcome of a pair from whether its boundaries and its labels are the same.
pub(crate) fn pair_outcome(same_bounds: bool, same_label: bool) -> Outcome {
    match (same_bounds, same_label) {
        (true, true) => Outcome::Correct,
        (true, false) => Outcome::WrongType,
        (false, true) => Outcome::WrongBoundary,
        (false, false) => Outcome::WrongBoundaryAndType,
    }
}

/// Pairs the gold spans `gold_ids` with the predictions `pred_ids` (indices into `gold` and
/// `pred`) as the module docs describe, and returns every pair and lone span.
pub(crate) fn match_spans(gold: &[Mention], pred: &[Mention], mut gold_ids: Vec<usize>, mut pred_ids: Vec<usize>) -> Vec<Pair> {
    // Sorting first is what makes the result independent of input order.
    gold_ids.sort_by(|&a, &b| (&gold[a], a).cmp(&(&gold[b], b)));
    pred_ids.sort_by(|&a, &b| (&pred[a], a).cmp(&(&pred[b], b)));
    let (ng, np) = (gold_ids.len(), pred_ids.len());

    let edges = linked_pairs(gold, pred, &gold_ids, &pred_ids);

    // A pair whose spans link to nothing else is its own group and needs no solver; the rest
    // are split into connected groups, each solved alone. Gold span `gi` is node `gi`,
    // prediction `pi` is node `ng + pi`.
    let mut degree = vec![0u32; ng + np];
    for &(gi, pi, _) in &edges {
        degree[gi] += 1;
        degree[ng + pi] += 1;
    }
    let mut partner_of_gold: Vec<Option<usize>> = vec![None; ng];
    let mut pred_taken = vec![false; np];
    let mut tangled = Vec::new();
    for &edge in &edges {
        let (gi, pi, _) = edge;
        if degree[gi] == 1 && degree[ng + pi] == 1 {
            partner_of_gold[gi] = Some(pi);
            pred_taken[pi] = true;
        } else {
            tangled.push(edge);
        }
    }
    if !tangled.is_empty() {
        pair_tangled(&tangled, ng + np, &mut partner_of_gold, &mut pred_taken);
    }

    let mut pairs = Vec::with_capacity(ng + np);
    for (gi, partner) in partner_of_gold.iter().enumerate() {
        let g = gold_ids[gi];
        pairs.push(match partner {
            Some(pi) => {
                let p = pred_ids[*pi];
                Pair { gold: Some(g), pred: Some(p), outcome: outcome(&gold[g], &pred[p]) }
            }
            None => Pair { gold: Some(g), pred: None, outcome: Outcome::Missed },
        });
    }
    for (pi, &p) in pred_ids.iter().enumerate() {
        if !pred_taken[pi] {
            pairs.push(Pair { gold: None, pred: Some(p), outcome: Outcome::Spurious });
        }
    }
    pairs.sort_by_key(|pair| {
        let anchor = match pair.gold {
            Some(g) => &gold[g],
            None => &pred[pair.pred.unwrap_or_default()],
        };
        (anchor.start, anchor.end, pair.gold.is_none(), pair.gold, pair.pred)
    });
    pairs
}

/// Pairs the spans of linked groups (connected by `tangled` edges) by solving each group alone;
/// gold span `gi` is node `gi`, prediction `pi` node `ng + pi` of `nodes`.
fn pair_tangled(tangled: &[(usize, usize, Weight)], nodes: usize, partner_of_gold: &mut [Option<usize>], pred_taken: &mut [bool]) {
    let ng = partner_of_gold.len();
    let mut parent: Vec<usize> = (0..nodes).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &(gi, pi, _) in tangled {
        let (a, b) = (root(&mut parent, gi), root(&mut parent, ng + pi));
        parent[a.max(b)] = a.min(b);
    }
    let mut groups: BTreeMap<usize, Vec<(usize, usize, Weight)>> = BTreeMap::new();
    for &edge in tangled {
        groups.entry(root(&mut parent, edge.0)).or_default().push(edge);
    }
    for group in groups.values() {
        for (gi, pi) in best_pairing(group) {
            partner_of_gold[gi] = Some(pi);
            pred_taken[pi] = true;
        }
    }
}

/// Every (gold position, prediction position, weight) that may be paired, by one sweep over
/// both lists in start order: a prediction enters the active list once some gold span reaches
/// its start, and leaves it for good once it ends before the current gold span starts (gold
/// starts only grow). Without overlaps the active list holds a span or two, so the sweep is
/// linear after the sort; its work beyond that is the overlap actually present.
fn linked_pairs(gold: &[Mention], pred: &[Mention], gold_ids: &[usize], pred_ids: &[usize]) -> Vec<(usize, usize, Weight)> {
    let mut edges = Vec::new();
    let mut active: Vec<usize> = Vec::new();
    let mut next = 0;
    for (gi, &g) in gold_ids.iter().enumerate() {
        let g = &gold[g];
        // `<=` admits an empty prediction sitting at the gold span's end, which may share its
        // boundaries; `>=` keeps one that ends where the gold span starts, for the same reason.
        while next < pred_ids.len() && pred[pred_ids[next]].start <= g.end {
            active.push(next);
            next += 1;
        }
        active.retain(|&pi| pred[pred_ids[pi]].end >= g.start);
        for &pi in &active {
            if let Some(weight) = link(g, &pred[pred_ids[pi]]) {
                edges.push((gi, pi, weight));
            }
        }
    }
    edges
}

/// The best pairing within one connected group of linked spans, as (gold, pred) positions.
fn best_pairing(edges: &[(usize, usize, Weight)]) -> Vec<(usize, usize)> {
    if let [(gi, pi, _)] = edges {
        return vec![(*gi, *pi)];
    }
    let golds: Vec<usize> = edges.iter().map(|e| e.0).collect::<BTreeSet<_>>().into_iter().collect();
    let preds: Vec<usize> = edges.iter().map(|e| e.1).collect::<BTreeSet<_>>().into_iter().collect();
    let local = |ids: &[usize], id: usize| ids.binary_search(&id).unwrap_or_default();
    // The Hungarian algorithm below wants no more rows than columns.
    let gold_rows = golds.len() <= preds.len();
    let (rows, cols) = if gold_rows { (golds.len(), preds.len()) } else { (preds.len(), golds.len()) };
    let mut cost = vec![Weight::default(); rows * cols];
    for &(gi, pi, weight) in edges {
        let (g, p) = (local(&golds, gi), local(&preds, pi));
        let (r, c) = if gold_rows { (g, p) } else { (p, g) };
        // An unlinked cell costs 0, as leaving both spans alone does, so an assignment that
        // uses one is just a pairing that leaves that row alone.
        cost[r * cols + c] = -weight;
    }
    let linked: BTreeSet<(usize, usize)> = edges.iter().map(|e| (e.0, e.1)).collect();
    assignment(rows, cols, &cost)
        .into_iter()
        .map(|(r, c)| if gold_rows { (golds[r], preds[c]) } else { (golds[c], preds[r]) })
        .filter(|pair| linked.contains(pair))
        .collect()
}
