//! Cutting an article's text into segments for the error browser. Gold spans and predictions
//! overlap, nest and cross, and HTML elements can only nest, so the text is cut at every
//! boundary of every span: each segment is covered by a fixed set of outcome records (a pair,
//! or a lone gold span or prediction), and the page gives it the style of those records.
//! Each record also has one chip — its label, focusable, with the details — placed right
//! after the segment where the record ends, so that a record appears exactly once however many
//! segments it is cut into.

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
    // Sweep over boundaries: +1 where a range starts, −1 where it ends, 0 where a record ends
    // (a chip goes there even when none of its ranges does).
    let mut events: Vec<(usize, usize, i32)> = Vec::with_capacity(records.len() * 4);
    // Chips by where their record ends; the record that started last ends innermost, so its
    // chip comes first.
    let mut chips: Vec<(usize, std::cmp::Reverse<usize>, usize)> = Vec::with_capacity(records.len());
    for (k, record) in records.iter().enumerate() {
        for range in record.ranges().filter(|r| r.start < r.end) {
            events.push((range.start, k, 1));
            events.push((range.end, k, -1));
        }
        events.push((record.end(), k, 0));
        chips.push((record.end(), std::cmp::Reverse(record.start()), k));
    }
    events.sort_unstable_by_key(|&(at, _, _)| at);
    chips.sort_unstable();

    // Records covering the current position (sorted), with how many of their ranges do.
    let mut active: Vec<(usize, u32)> = Vec::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut previous: Option<usize> = None;
    let (mut e, mut c) = (0, 0);
    while e < events.len() {
        let at = events[e].0;
        if let Some(from) = previous.filter(|&from| from < at && !active.is_empty()) {
            segments.push(Segment { start: from, end: at, records: active.iter().map(|&(k, _)| k).collect(), chips: Vec::new() });
        }
        let ending = chips[c..].iter().take_while(|&&(end, _, _)| end == at).count();
        if ending > 0 {
            let here = chips[c..c + ending].iter().map(|&(_, _, k)| k).collect();
            match segments.last_mut().filter(|s| s.end == at) {
                Some(last) => last.chips = here,
                None => segments.push(Segment { start: at, end: at, records: Vec::new(), chips: here }),
            }
            c += ending;
        }
        // The count a position ends with does not depend on the order of its changes.
        while let Some(&(_, k, delta)) = events.get(e).filter(|&&(other, _, _)| other == at) {
            let slot = active.binary_search_by_key(&k, |&(k, _)| k);
            match (slot, delta) {
                (_, 0) => {}
                (Ok(i), 1) => active[i].1 += 1,
                (Err(i), 1) => active.insert(i, (k, 1)),
                (Ok(i), _) => {
                    active[i].1 -= 1;
                    if active[i].1 == 0 {
                        active.remove(i);
                    }
                }
                (Err(_), _) => {}
            }
            e += 1;
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
