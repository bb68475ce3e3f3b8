//! The fast path of `mizan score` on two clean span files, one a side and no articles file:
//! each file is read whole, every line is scanned in place ([`parse_borrowed`]) into a 16-byte
//! record — article, layer and label as small numbers, offsets as `u32` — and the records are
//! sorted once, so that an article's spans of a layer are one run of each side, which
//! [`records`](super::records) scores as they are. No [`Span`] is built, and no string copied
//! for a span.
//!
//! It takes only input the general path would say nothing about: anything else — a line the
//! scanner does not take (an error, an escape, attributes, an unknown field), invalid UTF-8, an
//! overlong line, an empty or reversed span, a control character in a label or a layer, a
//! duplicate span, an offset past `u32` — answers `None`, and `score` reads the files the
//! general way, with every message and warning it has always given. On clean files both paths
//! give the same scores (a test compares them).
//!
//! [`Span`]: crate::model::Span

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::load::{max_line_bytes, parse_borrowed, BorrowedSpan};
use crate::model::is_control_like;
use crate::score::evaluate::LayerScore;
use crate::score::records::{self, Record};

/// Two clean span files, read and sorted.
pub struct CleanSpans<'a> {
    /// Every article id of either file, sorted: the articles scored.
    articles: Vec<&'a str>,
    layers: Vec<&'a str>,
    labels: Vec<&'a str>,
    gold: Vec<Record>,
    pred: Vec<Record>,
}

impl<'a> CleanSpans<'a> {
    /// The spans of a gold and a predictions file (their bytes), lines without `layer` in
    /// `default_layer`; `None` when either holds anything but clean spans.
    pub fn read(gold: &'a [u8], pred: &'a [u8], default_layer: &'a str) -> Option<Self> {
        let (gold, pred) = rayon::join(|| FileSpans::read(gold, default_layer), || FileSpans::read(pred, default_layer));
        let (gold, pred) = (gold?, pred?);
        let (articles, gold_articles, pred_articles) = merge_names(&gold.articles, &pred.articles);
        let (layers, gold_layers, pred_layers) = merge_names(&gold.layers, &pred.layers);
        let (labels, gold_labels, pred_labels) = merge_names(&gold.labels, &pred.labels);
        if articles.len() > u32::MAX as usize || layers.len() > usize::from(u16::MAX) || labels.len() > usize::from(u16::MAX) {
            return None;
        }
        let (gold, pred) =
            rayon::join(|| renumbered(gold, &gold_articles, &gold_layers, &gold_labels), || renumbered(pred, &pred_articles, &pred_layers, &pred_labels));
        Some(CleanSpans { gold: gold?, pred: pred?, articles, layers, labels })
    }

    /// The article ids, sorted.
    pub fn article_ids(&self) -> &[&'a str] {
        &self.articles
    }

    /// The layers that hold a span, sorted.
    pub fn layers(&self) -> &[&'a str] {
        &self.layers
    }

    /// Scores one layer: what [`score_layer_counts`](crate::score::evaluate::score_layer_counts)
    /// gives on the same spans.
    pub fn score_layer(&self, layer: &str) -> LayerScore {
        let runs = |records: &[Record]| -> Vec<(u32, u32)> {
            let mut runs = vec![(0, 0); self.articles.len()];
            let Ok(layer) = self.layers.binary_search(&layer) else { return runs };
            let mut at = 0;
            while at < records.len() {
                let first = records[at];
                let mut end = at + 1;
                while end < records.len() && (records[end].article, records[end].layer) == (first.article, first.layer) {
                    end += 1;
                }
                if usize::from(first.layer) == layer {
                    runs[first.article as usize] = (at as u32, end as u32);
                }
                at = end;
            }
            runs
        };
        let (gold_runs, pred_runs) = rayon::join(|| runs(&self.gold), || runs(&self.pred));
        fn slice(records: &[Record], (from, to): (u32, u32)) -> &[Record] {
            &records[from as usize..to as usize]
        }
        records::score_layer(layer, &self.articles, &self.labels, |k| (slice(&self.gold, gold_runs[k]), slice(&self.pred, pred_runs[k])))
    }
}

/// The sorted union of two files' names — article ids, layers or labels, each file's in order
/// of first appearance — and where each file's names went in it: each side is sorted (in one
/// pass when the file is already in order, as it usually is), then the two are merged.
fn merge_names<'a>(a: &[&'a str], b: &[&'a str]) -> (Vec<&'a str>, Vec<u32>, Vec<u32>) {
    let sorted = |ids: &[&'a str]| {
        let mut order: Vec<u32> = (0..ids.len() as u32).collect();
        order.sort_unstable_by_key(|&k| ids[k as usize]);
        order
    };
    let (order_a, order_b) = rayon::join(|| sorted(a), || sorted(b));
    let (mut at_a, mut at_b) = (vec![0u32; a.len()], vec![0u32; b.len()]);
    let mut union = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < order_a.len() || j < order_b.len() {
        let next_a = order_a.get(i).map(|&k| a[k as usize]);
        let next_b = order_b.get(j).map(|&k| b[k as usize]);
        let id = match (next_a, next_b) {
            (Some(x), Some(y)) => x.min(y),
            (Some(x), None) => x,
            (None, Some(y)) => y,
            (None, None) => break,
        };
        let position = union.len() as u32;
        if next_a == Some(id) {
            at_a[order_a[i] as usize] = position;
            i += 1;
        }
        if next_b == Some(id) {
            at_b[order_b[j] as usize] = position;
            j += 1;
        }
        union.push(id);
    }
    (union, at_a, at_b)
}

/// A file's records renumbered by the shared names (where each of its article ids, layers and
/// labels is in the union) and sorted; `None` when the file holds a span twice (which the
/// general path warns about).
fn renumbered(file: FileSpans<'_>, articles: &[u32], layers: &[u32], labels: &[u32]) -> Option<Vec<Record>> {
    let mut records = file.records;
    for r in &mut records {
        r.article = articles[r.article as usize];
        r.layer = layers[usize::from(r.layer)] as u16;
        r.label = labels[usize::from(r.label)] as u16;
    }
    records.sort_unstable();
    records.windows(2).all(|pair| pair[0] != pair[1]).then_some(records)
}

/// One file's spans, numbered by first appearance.
struct FileSpans<'a> {
    articles: Vec<&'a str>,
    layers: Vec<&'a str>,
    labels: Vec<&'a str>,
    records: Vec<Record>,
}

impl<'a> FileSpans<'a> {
    fn read(bytes: &'a [u8], default_layer: &'a str) -> Option<Self> {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
        let limit = max_line_bytes();
        let mut file = FileSpans { articles: Vec::new(), layers: Vec::new(), labels: Vec::new(), records: Vec::with_capacity(bytes.len() / 64) };
        let mut index: HashMap<&'a str, u32, BuildHasherDefault<WordHasher>> = HashMap::default();
        // Spans of one article usually follow each other: the last id is checked first.
        let mut last: Option<(&'a str, u32)> = None;
        let mut from = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
            // A line feed is one byte of its own in UTF-8, so both ends are boundaries.
            let line = &text[from..end];
            from = end + 1;
            if line.len() + 1 > limit {
                return None;
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            if !line.starts_with('{') && line.trim().is_empty() {
                continue;
            }
            let BorrowedSpan { article_id, layer, start, end, label } = parse_borrowed(line)?;
            if end <= start || end > u32::MAX as usize {
                return None;
            }
            let article = match last {
                Some((id, k)) if id == article_id => k,
                _ => {
                    let next = file.articles.len() as u32;
                    let k = *index.entry(article_id).or_insert(next);
                    if k == next {
                        file.articles.push(article_id);
                    }
                    last = Some((article_id, k));
                    k
                }
            };
            let layer = intern(&mut file.layers, layer.unwrap_or(default_layer))?;
            let label = intern(&mut file.labels, label)?;
            file.records.push(Record { article, layer, start: start as u32, end: end as u32, label });
        }
        Some(file)
    }
}

/// The number of `name` among `names` (a handful of labels or layers: a scan is fastest),
/// added if new; `None` for a name the general path refuses (a control character) or past the
/// 65,536th.
fn intern<'a>(names: &mut Vec<&'a str>, name: &'a str) -> Option<u16> {
    // Layers and labels are few and short: comparing lengths first skips most byte compares.
    if let Some(k) = names.iter().position(|&n| n.len() == name.len() && n == name) {
        return Some(k as u16);
    }
    if name.chars().any(is_control_like) || names.len() >= usize::from(u16::MAX) {
        return None;
    }
    names.push(name);
    Some((names.len() - 1) as u16)
}

/// An odd constant with well-spread bits (the one FxHash uses).
const SPREAD: u64 = 0x517c_c1b7_2722_0a95;

/// A hasher for article ids, eight bytes at a time (ids are short and not chosen by an
/// adversary who could make them collide: a slow collision only costs time).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SPREAD);
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(tail) ^ bytes.len() as u64).wrapping_mul(SPREAD);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_span;
    use crate::model::Span;
    use crate::score::evaluate::score_layer_counts;

    fn spans(text: &str) -> Vec<Span> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| parse_span(l, "ner", None).unwrap().0).collect()
    }

    /// Both paths on the same files: the same articles, layers and scores.
    fn same_as_the_general_path(gold: &str, pred: &str) {
        let clean = CleanSpans::read(gold.as_bytes(), pred.as_bytes(), "ner").expect("clean files take the fast path");
        let (g, p) = (spans(gold), spans(pred));
        let mut ids: Vec<String> = g.iter().chain(&p).map(|s| s.article_id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(clean.article_ids(), ids.iter().map(String::as_str).collect::<Vec<_>>());
        let layers = crate::score::evaluate::layers_of(&g, &p, None);
        assert_eq!(clean.layers(), layers.iter().map(String::as_str).collect::<Vec<_>>());
        for layer in &layers {
            assert_eq!(clean.score_layer(layer), score_layer_counts(layer, &ids, &g, &p), "layer {layer}");
        }
    }

    #[test]
    fn clean_files_score_as_the_general_path_scores_them() {
        let gold = "\u{feff}{\"article_id\": \"b\", \"start\": 0, \"end\": 5, \"label\": \"PER\"}\n\
                    {\"article_id\": \"a\", \"start\": 7, \"end\": 9, \"label\": \"LOC\", \"text\": \"مو\"}\r\n\
                    \n\
                    {\"label\": \"QUOTE\", \"article_id\": \"a\", \"end\": 30, \"start\": 10, \"layer\": \"quote\"}\n\
                    {\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"ORG\"}\n\
                    {\"article_id\": \"c\", \"start\": 3, \"end\": 8, \"label\": \"LOC\", \"layer\": null}";
        let pred = "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\"}\n\
                    {\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"ORG\"}\n\
                    {\"article_id\": \"a\", \"start\": 6, \"end\": 9, \"label\": \"LOC\"}\n\
                    {\"article_id\": \"d\", \"start\": 1, \"end\": 2, \"label\": \"MISC\"}\n\
                    {\"article_id\": \"a\", \"start\": 12, \"end\": 30, \"label\": \"QUOTE\", \"layer\": \"quote\"}\n";
        same_as_the_general_path(gold, pred);
        same_as_the_general_path(pred, gold);
        same_as_the_general_path("", pred);
    }

    #[test]
    fn generated_files_score_as_the_general_path_scores_them() {
        // Crowded articles (overlaps everywhere: the solver's articles) and sparse ones (mostly
        // one prediction a gold span: the sweep's), with labels that often disagree.
        for (articles, positions, seed) in [(200, 300, 7), (2500, 400, 8), (1500, 60, 9)] {
            let mut rng = crate::random::Rng::new(seed);
            let labels = ["PER", "LOC", "ORG", "MISC", "شخص"];
            let mut files = [String::new(), String::new()];
            for file in &mut files {
                for _ in 0..3000 {
                    let article = rng.below(articles);
                    let start = rng.below(positions);
                    let end = start + 1 + rng.below(12);
                    let label = labels[rng.below(labels.len() as u64) as usize];
                    file.push_str(&format!("{{\"article_id\": \"art-{article}\", \"start\": {start}, \"end\": {end}, \"label\": \"{label}\"}}\n"));
                }
            }
            // Generated lines may repeat a span: that file is not clean, so drop repeats first.
            for file in &mut files {
                let mut seen = std::collections::HashSet::new();
                *file = file.lines().filter(|l| seen.insert(l.to_string())).map(|l| format!("{l}\n")).collect();
            }
            same_as_the_general_path(&files[0], &files[1]);
        }
    }

    #[test]
    fn anything_the_general_path_would_mention_leaves_the_fast_path() {
        let good = "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\"}\n";
        for bad in [
            "{\"article_id\": \"a\", \"start\": 5, \"end\": 5, \"label\": \"PER\"}",
            "{\"article_id\": \"a\", \"start\": 6, \"end\": 5, \"label\": \"PER\"}",
            "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\"}",
            "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"P\\u0045R\"}",
            "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\", \"attrs\": {\"speaker\": \"x\"}}",
            "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\", \"score\": 0.5}",
            "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PE\u{202e}R\"}",
            "{\"article_id\": \"a\", \"start\": 0, \"end\": 5000000000, \"label\": \"PER\"}",
            "{\"article_id\": \"a\", \"start\": 0}",
            "not json",
        ] {
            let file = format!("{good}{bad}\n");
            assert!(CleanSpans::read(file.as_bytes(), good.as_bytes(), "ner").is_none(), "{bad}");
            assert!(CleanSpans::read(good.as_bytes(), file.as_bytes(), "ner").is_none(), "{bad}");
        }
        assert!(CleanSpans::read(b"{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\"}\n\xff\n", good.as_bytes(), "ner").is_none());
    }
}
