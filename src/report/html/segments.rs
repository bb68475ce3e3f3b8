//! Cutting an article's text into segments for the error browser. Gold spans and predictions
//! overlap, nest and cross, and HTML elements can only nest, so the text is cut at every
//! boundary of every span: each segment is covered by a fixed set of outcome records (a pair,
//! or a lone gold span or prediction), and the page gives it the style of those records.
//! Each record also has one chip — its label, focusable, with the details — placed right
//! after the segment where the record ends, so that a record appears exactly once however many
//! segments it is cut into.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// Where one outcome record lies: its gold span, its prediction, or both (a pair).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Extent {
    pub gold: Option<Range<usize>>,
    pub pred: Option<Range<usize>>,
}

impl Extent {
    fn ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        // A reversed range is read as empty at its start rather than dropped.
        self.gold.iter().chain(&self.pred).map(|r| r.start..r.end.max(r.start))
    }

    fn start(&self) -> usize {
        self.ranges().map(|r| r.start).min().unwrap_or(0)
    }

    fn end(&self) -> usize {
        self.ranges().map(|r| r.end).max().unwrap_or(0)
    }
}

/// A stretch of text covered by the same records, and the chips of the records that end
/// with it. Serialized as `[start, end, [records…]]`, with `[chips…]` as a fourth element
/// when there are chips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    pub start: usize,
    pub end: usize,
    /// Indexes of the records whose gold span or prediction covers the whole segment.
    pub records: Vec<usize>,
    /// Records whose chip follows this segment, innermost first.
    pub chips: Vec<usize>,
}

impl Serialize for Segment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(if self.chips.is_empty() { 3 } else { 4 }))?;
        seq.serialize_element(&self.start)?;
        seq.serialize_element(&self.end)?;
        seq.serialize_element(&self.records)?;
        if !self.chips.is_empty() {
            seq.serialize_element(&self.chips)?;
        }
        seq.end()
    }
}

/// The covered segments of a text, in order. Text covered by no record has no segment. A
/// record with only empty spans gets an empty segment of its own, to carry its chip.
pub(crate) fn segment(records: &[Extent]) -> Vec<Segment> {
    // Sweep over boundaries: +1 where a range starts, −1 where it ends.
    let mut events: BTreeMap<usize, Vec<(usize, i32)>> = BTreeMap::new();
    for (k, record) in records.iter().enumerate() {
        for range in record.ranges().filter(|r| r.start < r.end) {
            events.entry(range.start).or_default().push((k, 1));
            events.entry(range.end).or_default().push((k, -1));
        }
        events.entry(record.end()).or_default();
    }
    let mut chips_at: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, record) in records.iter().enumerate() {
        chips_at.entry(record.end()).or_default().push(k);
    }
    for chips in chips_at.values_mut() {
        // The record that started last ends innermost: its chip comes first.
        chips.sort_by_key(|&k| (std::cmp::Reverse(records[k].start()), k));
    }

    let mut active: BTreeMap<usize, u32> = BTreeMap::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut previous: Option<usize> = None;
    for (&at, changes) in &events {
        if let Some(from) = previous.filter(|&from| from < at && !active.is_empty()) {
            segments.push(Segment { start: from, end: at, records: active.keys().copied().collect(), chips: Vec::new() });
        }
        if let Some(chips) = chips_at.remove(&at) {
            match segments.last_mut().filter(|s| s.end == at) {
                Some(last) => last.chips = chips,
                None => segments.push(Segment { start: at, end: at, records: Vec::new(), chips }),
            }
        }
        for &(k, delta) in changes {
            let count = active.entry(k).or_insert(0);
            if delta > 0 {
                *count += 1;
            } else {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    active.remove(&k);
                }
            }
        }
        previous = Some(at);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(gold: Option<(usize, usize)>, pred: Option<(usize, usize)>) -> Extent {
        Extent { gold: gold.map(|(s, e)| s..e), pred: pred.map(|(s, e)| s..e) }
    }

    fn seg(start: usize, end: usize, records: &[usize], chips: &[usize]) -> Segment {
        Segment { start, end, records: records.to_vec(), chips: chips.to_vec() }
    }

    #[test]
    fn disjoint_records_are_one_segment_each() {
        let records = [pair(Some((0, 5)), Some((0, 5))), pair(None, Some((8, 10)))];
        assert_eq!(segment(&records), [seg(0, 5, &[0], &[0]), seg(8, 10, &[1], &[1])]);
    }

    #[test]
    fn a_wrong_boundary_pair_is_cut_where_gold_and_prediction_part() {
        // gold [14,19), prediction [11,19): the prediction-only part, then the shared part.
        assert_eq!(segment(&[pair(Some((14, 19)), Some((11, 19)))]), [seg(11, 14, &[0], &[]), seg(14, 19, &[0], &[0])]);
        // crossing: gold [2,8), prediction [5,12)
        assert_eq!(segment(&[pair(Some((2, 8)), Some((5, 12)))]), [seg(2, 5, &[0], &[]), seg(5, 8, &[0], &[]), seg(8, 12, &[0], &[0])]);
    }

    #[test]
    fn overlapping_records_share_the_segments_they_both_cover() {
        // A pair [0,10) and a spurious prediction [5,15) crossing it.
        let records = [pair(Some((0, 10)), Some((0, 10))), pair(None, Some((5, 15)))];
        assert_eq!(segment(&records), [seg(0, 5, &[0], &[]), seg(5, 10, &[0, 1], &[0]), seg(10, 15, &[1], &[1])]);
    }

    #[test]
    fn nested_records_put_the_inner_chip_first() {
        // A quote [0,20) missed, and a spurious [12,20) inside it ending at the same point.
        let records = [pair(Some((0, 20)), None), pair(None, Some((12, 20))), pair(Some((3, 6)), None)];
        assert_eq!(segment(&records), [seg(0, 3, &[0], &[]), seg(3, 6, &[0, 2], &[2]), seg(6, 12, &[0], &[]), seg(12, 20, &[0, 1], &[1, 0])]);
    }

    #[test]
    fn identical_duplicates_cover_the_same_segment() {
        let records = [pair(Some((4, 9)), Some((4, 9))), pair(None, Some((4, 9)))];
        assert_eq!(segment(&records), [seg(4, 9, &[0, 1], &[0, 1])]);
    }

    #[test]
    fn empty_and_reversed_spans_still_get_a_chip() {
        let records = [pair(None, Some((3, 3))), pair(Some((7, 5)), None)];
        assert_eq!(segment(&records), [seg(3, 3, &[], &[0]), seg(7, 7, &[], &[1])]);
        assert_eq!(segment(&[]), []);
    }

    #[test]
    fn segments_serialize_as_short_arrays() {
        let json = serde_json::to_string(&[seg(1, 2, &[0], &[]), seg(2, 4, &[0, 1], &[1, 0])]).unwrap();
        assert_eq!(json, "[[1,2,[0]],[2,4,[0,1],[1,0]]]");
    }
}
