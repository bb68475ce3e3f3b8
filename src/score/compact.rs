//! The fast path of `mizan score` on two clean span files, one a side and no articles file:
//! each file is read in blocks, every line is scanned in place ([`parse_borrowed`]) into a
//! 16-byte record — article, layer and label as small numbers, offsets as `u32` — and the
//! records are sorted once, so that an article's spans of a layer are one run of each side,
//! which [`records`](super::records) scores as they are. No [`Span`] is built, no string is
//! copied for a span, and no file is held whole: what stays is the records and each article
//! id once, end to end in one string.
//!
//! It takes only input the general path would say nothing about: anything else — a line the
//! scanner does not take (an error, an escape, attributes, an unknown field), invalid UTF-8, an
//! overlong line, an empty or reversed span, a control character in a label or a layer, a
//! duplicate span, an offset past `u32` — answers `None`, and `score` reads the files the
//! general way, with every message and warning it has always given. On clean files both paths
//! give the same scores (a test compares them).
//!
//! [`Span`]: crate::model::Span

use std::io::Read;

use crate::load::{max_line_bytes, parse_borrowed, BorrowedSpan};
use crate::model::is_control_like;
use crate::score::evaluate::LayerScore;
use crate::score::records::{self, Record};

/// Two clean span files, read and sorted.
pub struct CleanSpans {
    /// Every article id of either file, sorted: the articles scored.
    articles: Names,
    layers: Vec<String>,
    labels: Vec<String>,
    gold: Vec<Record>,
    pred: Vec<Record>,
}

impl CleanSpans {
    /// The spans of a gold and a predictions file, lines without `layer` in `default_layer`;
    /// `None` when either holds anything but clean spans or cannot be read (the general path
    /// then says why). The two are read side by side, each in blocks: only the spans' numbers
    /// and names are kept, never a whole file.
    pub fn read(gold: impl Read + Send, pred: impl Read + Send, default_layer: &str) -> Option<Self> {
        let (gold, pred) = rayon::join(|| FileSpans::read(gold, default_layer), || FileSpans::read(pred, default_layer));
        let (gold, pred) = (gold?, pred?);
        let (gold_ids, pred_ids) = (gold.articles.all(), pred.articles.all());
        let (articles, gold_articles, pred_articles) = merge_names(&gold_ids, &pred_ids);
        let articles = Names::of(&articles);
        let (layers, gold_layers, pred_layers) = merge_names(&strs(&gold.layers), &strs(&pred.layers));
        let layers: Vec<String> = layers.into_iter().map(str::to_string).collect();
        let (labels, gold_labels, pred_labels) = merge_names(&strs(&gold.labels), &strs(&pred.labels));
        let labels: Vec<String> = labels.into_iter().map(str::to_string).collect();
        if articles.len() > u32::MAX as usize || layers.len() > usize::from(u16::MAX) || labels.len() > usize::from(u16::MAX) {
            return None;
        }
        let (gold, pred) = rayon::join(
            || renumbered(gold.records, &gold_articles, &gold_layers, &gold_labels),
            || renumbered(pred.records, &pred_articles, &pred_layers, &pred_labels),
        );
        Some(CleanSpans { gold: gold?, pred: pred?, articles, layers, labels })
    }

    /// The article ids, sorted.
    pub fn article_ids(&self) -> Vec<&str> {
        self.articles.all()
    }

    /// The layers that hold a span, sorted.
    pub fn layers(&self) -> &[String] {
        &self.layers
    }

    /// Scores one layer: what [`score_layer_counts`](crate::score::evaluate::score_layer_counts)
    /// gives on the same spans.
    pub fn score_layer(&self, layer: &str) -> LayerScore {
        let runs = |records: &[Record]| -> Vec<(u32, u32)> {
            let mut runs = vec![(0, 0); self.articles.len()];
            let Ok(layer) = self.layers.binary_search_by(|l| l.as_str().cmp(layer)) else { return runs };
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
        let (articles, labels) = (self.articles.all(), strs(&self.labels));
        records::score_layer(layer, &articles, &labels, |k| (slice(&self.gold, gold_runs[k]), slice(&self.pred, pred_runs[k])))
    }
}

fn strs(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

/// Names kept end to end in one string: no allocation per name.
#[derive(Default)]
struct Names {
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<usize>,
}

impl Names {
    fn of(names: &[&str]) -> Self {
        let mut all = Names { text: String::with_capacity(names.iter().map(|n| n.len()).sum()), ends: Vec::with_capacity(names.len()) };
        for name in names {
            all.push(name);
        }
        all
    }

    fn push(&mut self, name: &str) {
        self.text.push_str(name);
        self.ends.push(self.text.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn last(&self) -> Option<&str> {
        let end = *self.ends.last()?;
        let start = self.ends.len().checked_sub(2).map_or(0, |k| self.ends[k]);
        Some(&self.text[start..end])
    }

    fn all(&self) -> Vec<&str> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let name = &self.text[start..end];
                start = end;
                name
            })
            .collect()
    }
}

/// The sorted union of two files' names — article ids, layers or labels, each file's in order
/// of appearance, perhaps more than once — and where each file's names went in it: each side is
/// sorted (in one pass when the file is already in order, as it usually is), then the two are
/// merged.
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
        // A file may name an id more than once (an article's spans in several runs).
        while i < order_a.len() && a[order_a[i] as usize] == id {
            at_a[order_a[i] as usize] = position;
            i += 1;
        }
        while j < order_b.len() && b[order_b[j] as usize] == id {
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
fn renumbered(mut records: Vec<Record>, articles: &[u32], layers: &[u32], labels: &[u32]) -> Option<Vec<Record>> {
    for r in &mut records {
        r.article = articles[r.article as usize];
        r.layer = layers[usize::from(r.layer)] as u16;
        r.label = labels[usize::from(r.label)] as u16;
    }
    records.sort_unstable();
    records.windows(2).all(|pair| pair[0] != pair[1]).then_some(records)
}

/// One file's spans: article ids numbered by run (spans of one article usually follow each
/// other, and [`merge_names`] gives every run of an id the same place), layers and labels by
/// first appearance.
#[derive(Default)]
struct FileSpans {
    articles: Names,
    layers: Vec<String>,
    labels: Vec<String>,
    records: Vec<Record>,
}

/// The bytes read at a time: a block stays in the processor's cache while its lines are read.
const BLOCK: usize = 1 << 18;

impl FileSpans {
    fn read(mut input: impl Read, default_layer: &str) -> Option<Self> {
        let limit = max_line_bytes();
        let mut file = FileSpans::default();
        let mut buffer = vec![0u8; BLOCK];
        let (mut filled, mut first) = (0, true);
        loop {
            if filled == buffer.len() {
                // A line longer than the buffer: room for it, up to the limit.
                if buffer.len() > limit {
                    return None;
                }
                buffer.resize(buffer.len() * 2, 0);
            }
            let read = loop {
                match input.read(&mut buffer[filled..]) {
                    Ok(read) => break read,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => return None,
                }
            };
            let fresh = filled;
            filled += read;
            let done = read == 0;
            // The complete lines in the buffer, all of it at the end of the file. What came
            // before `fresh` holds no line feed: the lines before it were read already.
            let end = if done {
                filled
            } else {
                match memchr::memrchr(b'\n', &buffer[fresh..filled]) {
                    Some(at) => fresh + at + 1,
                    None => continue,
                }
            };
            let mut lines = &buffer[..end];
            if first && end > 0 {
                lines = lines.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(lines);
                first = false;
            }
            file.lines(crate::load::utf8(lines)?, limit, default_layer)?;
            buffer.copy_within(end..filled, 0);
            filled -= end;
            if done {
                return Some(file);
            }
        }
    }

    /// Reads complete lines (the last one's line feed may be missing).
    fn lines(&mut self, text: &str, limit: usize, default_layer: &str) -> Option<()> {
        let mut from = 0;
        while from < text.len() {
            // A line feed is one byte of its own in UTF-8, so both ends are boundaries.
            let end = memchr::memchr(b'\n', &text.as_bytes()[from..]).map_or(text.len(), |at| from + at);
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
            if self.articles.last() != Some(article_id) {
                self.articles.push(article_id);
            }
            let article = (self.articles.len() - 1) as u32;
            let layer = intern(&mut self.layers, layer.unwrap_or(default_layer))?;
            let label = intern(&mut self.labels, label)?;
            self.records.push(Record { article, layer, start: start as u32, end: end as u32, label });
        }
        Some(())
    }
}

/// The number of `name` among `names` (a handful of labels or layers: a scan is fastest),
/// added if new; `None` for a name the general path refuses (a control character) or past the
/// 65,536th.
fn intern(names: &mut Vec<String>, name: &str) -> Option<u16> {
    // Layers and labels are few and short: comparing lengths first skips most byte compares.
    if let Some(k) = names.iter().position(|n| n.len() == name.len() && n == name) {
        return Some(k as u16);
    }
    if name.chars().any(is_control_like) || names.len() >= usize::from(u16::MAX) {
        return None;
    }
    names.push(name.to_string());
    Some((names.len() - 1) as u16)
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

    /// A reader that hands out at most `step` bytes a call, so that lines and characters are
    /// cut at every place a block can end.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn lines_cut_by_blocks_and_lines_longer_than_a_block_read_the_same() {
        let mut gold = String::from("\u{feff}");
        for k in 0..6000 {
            gold.push_str(&format!("{{\"article_id\": \"مقال-{}\", \"start\": {k}, \"end\": {}, \"label\": \"شخص\"}}\n", k / 7, k + 3));
        }
        // One line four blocks long, and no line feed at the end.
        gold.push_str(&format!("{{\"article_id\": \"z\", \"start\": 0, \"end\": 2, \"label\": \"LOC\", \"text\": \"{}\"}}", "ن".repeat(2 * BLOCK)));
        let pred: String = gold.lines().skip(1).step_by(3).map(|l| format!("{l}\n")).collect();
        let whole = CleanSpans::read(gold.as_bytes(), pred.as_bytes(), "ner").expect("clean");
        for step in [7, 4096, BLOCK - 1] {
            let cut = CleanSpans::read(Trickle { bytes: gold.as_bytes(), step }, Trickle { bytes: pred.as_bytes(), step }, "ner").expect("clean");
            assert_eq!(cut.article_ids(), whole.article_ids(), "step {step}");
            assert_eq!(cut.score_layer("ner"), whole.score_layer("ner"), "step {step}");
        }
        same_as_the_general_path(&gold, &pred);
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
        assert!(CleanSpans::read(&b"{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\"}\n\xff\n"[..], good.as_bytes(), "ner").is_none());
    }
}
