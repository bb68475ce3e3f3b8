//! The data the error browser renders on demand: the articles that have spans, and one view
//! per extractor and layer holding every outcome record (a pair, or a lone gold span or
//! prediction) and the segments of each article's text. The page embeds it as JSON and the
//! browser script builds only the articles on screen, so a report over thousands of articles
//! opens at once.
//!
//! Offsets in the data are UTF-16 code units, which is what JavaScript strings count, converted
//! here from mizan's code points once; the records are short arrays rather than objects to
//! keep a large report small. The shape is documented in `docs/report-html.md`.
//!
//! A run over a million tokens gives a data block of many megabytes, so [`page_data`] only
//! groups the records by view and article, borrowing everything, and [`write_json`] draws each
//! article (records in text order, segments) as it writes it, chunks of articles in parallel on
//! the current rayon pool, in the order the page reads them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};

use rayon::prelude::*;
use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

use crate::model::Article;
use crate::report::html::escape::write_script_json;
use crate::report::html::segments::{segment, Extent, Segment};
use crate::report::Report;
use crate::score::evaluate::SpanOutcome;
use crate::score::scheme::{Mention, Outcome};

/// Outcome names, in the order of their codes in the data.
pub(crate) const OUTCOMES: [&str; 6] = ["correct", "wrong-type", "wrong-boundary", "wrong-boundary-and-type", "missed", "spurious"];

pub(crate) fn code(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Correct => 0,
        Outcome::WrongType => 1,
        Outcome::WrongBoundary => 2,
        Outcome::WrongBoundaryAndType => 3,
        Outcome::Missed => 4,
        Outcome::Spurious => 5,
    }
}

/// Everything the browser script reads: `{"outcomes", "articles", "views"}`.
#[derive(Debug)]
pub(crate) struct PageData<'a> {
    pub articles: Vec<ArticleData<'a>>,
    pub views: Vec<View<'a>>,
}

#[derive(Debug, serde::Serialize)]
pub(crate) struct ArticleData<'a> {
    pub id: &'a str,
    pub text: &'a str,
    /// `rtl` for Arabic-script text, `auto` otherwise.
    pub dir: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'static str>,
}

impl<'a> ArticleData<'a> {
    pub(crate) fn of(article: &'a Article) -> Self {
        let arabic = is_arabic(&article.text);
        ArticleData { id: &article.id, text: &article.text, dir: if arabic { "rtl" } else { "auto" }, lang: arabic.then_some("ar") }
    }
}

/// One extractor's outcomes in one layer: `{"extractor", "layer", "labels", "articles"}`.
#[derive(Debug)]
pub(crate) struct View<'a> {
    pub extractor: &'a str,
    pub layer: &'a str,
    /// Labels in the view's gold or predictions, sorted.
    pub labels: Vec<&'a str>,
    pub articles: Vec<ViewArticle<'a>>,
    /// The records of its articles, article after article, each article's in the run's order.
    records: Vec<&'a SpanOutcome>,
}

impl<'a> View<'a> {
    /// One of the view's articles as the page reads it: its records in UTF-16 units and text
    /// order, and their segments.
    pub(crate) fn draw(&self, article: &ViewArticle<'a>) -> ArticleView<'a> {
        let units = Utf16::of(article.text);
        let mut records: Vec<Record<'a>> = self.records[article.records.clone()]
            .iter()
            .map(|r| Record {
                outcome: r.outcome,
                gold: r.gold.as_ref().map(|m| span_data(m, &units)),
                pred: r.pred.as_ref().map(|m| span_data(m, &units)),
                attrs_match: r.attrs_match,
            })
            .collect();
        records.sort_by_key(record_order);
        let extents: Vec<Extent> =
            records.iter().map(|r| Extent { gold: r.gold.as_ref().map(|s| s.start..s.end), pred: r.pred.as_ref().map(|s| s.start..s.end) }).collect();
        ArticleView { article: article.article, segments: segment(&extents), records, failure: article.failure }
    }
}

/// One article of a view as the run gave it: where its records are in the view's, and why the
/// extractor failed on it. [`View::draw`] turns it into what the page reads.
#[derive(Debug)]
pub(crate) struct ViewArticle<'a> {
    /// Index into [`PageData::articles`].
    pub article: usize,
    text: &'a Article,
    records: std::ops::Range<usize>,
    pub failure: Option<&'a str>,
}

/// One article in a view as the page reads it: `{"a", "r", "s", "f"?}`.
#[derive(Debug)]
pub(crate) struct ArticleView<'a> {
    /// Index into [`PageData::articles`].
    pub article: usize,
    pub records: Vec<Record<'a>>,
    pub segments: Vec<Segment>,
    pub failure: Option<&'a str>,
}

impl Serialize for ArticleView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("ArticleView", 4)?;
        object.serialize_field("a", &self.article)?;
        object.serialize_field("r", &self.records)?;
        object.serialize_field("s", &self.segments)?;
        if let Some(failure) = &self.failure {
            object.serialize_field("f", failure)?;
        } else {
            object.skip_field("f")?;
        }
        object.end()
    }
}

/// One outcome: `[outcome code, gold span or null, prediction or null, attributes agree
/// (1, 0) or null]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record<'a> {
    pub outcome: Outcome,
    pub gold: Option<SpanData<'a>>,
    pub pred: Option<SpanData<'a>>,
    pub attrs_match: Option<bool>,
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(4))?;
        seq.serialize_element(&code(self.outcome))?;
        seq.serialize_element(&self.gold)?;
        seq.serialize_element(&self.pred)?;
        seq.serialize_element(&self.attrs_match.map(u8::from))?;
        seq.end()
    }
}

/// A span in UTF-16 units: `[start, end, label]`, with the attributes as a fourth element
/// when there are any.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpanData<'a> {
    pub start: usize,
    pub end: usize,
    pub label: &'a str,
    pub attrs: &'a BTreeMap<String, String>,
}

impl Serialize for SpanData<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(if self.attrs.is_empty() { 3 } else { 4 }))?;
        seq.serialize_element(&self.start)?;
        seq.serialize_element(&self.end)?;
        seq.serialize_element(&self.label)?;
        if !self.attrs.is_empty() {
            seq.serialize_element(&self.attrs)?;
        }
        seq.end()
    }
}

/// Whether most letters of a text are in the Arabic script. The report does not carry the
/// dataset's language, so the page decides from the text itself: Arabic text is laid out
/// right to left with `lang="ar"`, anything else with `dir="auto"`.
///
/// A letter is what `char::is_alphabetic` says (Arabic vowel marks are letters too); the
/// Arabic script is U+0600–06FF, U+0750–077F, U+08A0–08FF, U+FB50–FDFF and U+FE70–FEFF. The
/// common cases are read off the UTF-8 bytes: ASCII, and the two-byte characters of the Arabic
/// block (lead bytes D8–DB) through a table of which of them are letters.
pub(crate) fn is_arabic(text: &str) -> bool {
    static BLOCK_LETTERS: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    let letters = BLOCK_LETTERS.get_or_init(|| std::array::from_fn(|k| char::from_u32(0x0600 + k as u32).is_some_and(char::is_alphabetic)));
    let (mut arabic, mut other) = (0usize, 0usize);
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        let b = bytes[k];
        if b < 0x80 {
            other += usize::from(b.is_ascii_alphabetic());
            k += 1;
        } else if (0xD8..=0xDB).contains(&b) && k + 1 < bytes.len() {
            // U+0600–06FF: 110110xx 10yyyyyy.
            arabic += usize::from(letters[usize::from(b & 0x03) << 6 | usize::from(bytes[k + 1] & 0x3F)]);
            k += 2;
        } else {
            let Some(c) = text[k..].chars().next() else { break };
            if c.is_alphabetic() {
                match u32::from(c) {
                    0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => arabic += 1,
                    _ => other += 1,
                }
            }
            k += c.len_utf8();
        }
    }
    arabic > other
}

/// Code point offset → UTF-16 offset, for every offset from 0 to the length of the text.
pub(crate) fn utf16_offsets(text: &str) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(text.len() + 1);
    let mut units = 0;
    offsets.push(0);
    for c in text.chars() {
        units += c.len_utf16();
        offsets.push(units);
    }
    offsets
}

/// Code point → UTF-16 offsets of one text. Without characters beyond the Basic Multilingual
/// Plane (no four-byte UTF-8 sequence) the two are the same numbers, and no table is built.
struct Utf16 {
    table: Option<Vec<usize>>,
    len: usize,
}

impl Utf16 {
    fn of(article: &Article) -> Utf16 {
        let astral = article.text.bytes().any(|b| b >= 0xF0);
        Utf16 { table: astral.then(|| utf16_offsets(&article.text)), len: article.char_len() }
    }

    /// Offsets past the text (which a checked run never produces) are drawn at its end.
    fn at(&self, k: usize) -> usize {
        match &self.table {
            Some(offsets) => offsets.get(k).or(offsets.last()).copied().unwrap_or(0),
            None => k.min(self.len),
        }
    }
}

fn span_data<'a>(mention: &'a Mention, units: &Utf16) -> SpanData<'a> {
    SpanData { start: units.at(mention.start), end: units.at(mention.end), label: &mention.label, attrs: &mention.attrs }
}

/// Where a record goes in an article's list: by its first start, then its last end, then its
/// outcome, so that chips and tables read in text order.
pub(crate) fn record_order(r: &Record<'_>) -> (Option<usize>, Option<usize>, usize) {
    let spans = r.gold.iter().chain(&r.pred);
    (spans.clone().map(|s| s.start).min(), spans.map(|s| s.end).max(), code(r.outcome))
}

/// The page data of a run. Records of articles that are not in `articles` are left out.
pub(crate) fn page_data<'a>(report: &'a Report, articles: &'a [Article], outcomes: &'a BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>) -> PageData<'a> {
    // The last of two articles with one id wins, as a map built in order keeps it.
    let position: HashMap<&str, usize> = articles.iter().enumerate().map(|(k, a)| (a.id.as_str(), k)).collect();
    // Article (position in `articles`) → index in the page data, assigned on first use.
    let mut used: Vec<Option<usize>> = vec![None; articles.len()];
    let mut order: Vec<usize> = Vec::new();
    let mut views = Vec::new();
    for (extractor, layers) in outcomes {
        let failures: BTreeMap<usize, &str> = report
            .extractors
            .get(extractor)
            .map(|e| e.errors.iter().filter_map(|f| Some((*position.get(f.article_id.as_str())?, f.error.as_str()))).collect())
            .unwrap_or_default();
        for (layer, records) in layers {
            // Records by article position, each article's in the run's order; a run gives them
            // article by article, so consecutive records mostly share the lookup.
            let mut placed: Vec<(usize, &SpanOutcome)> = Vec::with_capacity(records.len());
            let mut last: Option<(&str, Option<usize>)> = None;
            for record in records {
                let k = match last {
                    Some((id, k)) if id == record.article_id => k,
                    _ => position.get(record.article_id.as_str()).copied(),
                };
                last = Some((&record.article_id, k));
                if let Some(k) = k {
                    placed.push((k, record));
                }
            }
            placed.sort_by_key(|&(k, _)| k);
            let mut labels = BTreeSet::new();
            for (_, record) in &placed {
                labels.extend(record.gold.iter().chain(&record.pred).map(|m| m.label.as_str()));
            }
            // Every article with records, and every failed one, in position order.
            let mut view_articles = Vec::new();
            let mut pending_failures = failures.iter().peekable();
            let mut at = 0;
            loop {
                let rest = &placed[at..];
                let next_record = rest.first().map(|&(k, _)| k);
                let next_failure = pending_failures.peek().map(|(&k, _)| k);
                let k = match (next_record, next_failure) {
                    (None, None) => break,
                    (Some(a), Some(b)) => a.min(b),
                    (Some(a), None) => a,
                    (None, Some(b)) => b,
                };
                let run = rest.iter().take_while(|&&(p, _)| p == k).count();
                let failure = if next_failure == Some(k) { pending_failures.next().map(|(_, &e)| e) } else { None };
                let index = *used[k].get_or_insert_with(|| {
                    order.push(k);
                    order.len() - 1
                });
                view_articles.push(ViewArticle { article: index, text: &articles[k], records: at..at + run, failure });
                at += run;
            }
            let records = placed.into_iter().map(|(_, r)| r).collect();
            views.push(View { extractor, layer, labels: labels.into_iter().collect(), articles: view_articles, records });
        }
    }
    let page_articles = order.par_iter().map(|&k| ArticleData::of(&articles[k])).collect();
    PageData { articles: page_articles, views }
}

/// Articles drawn and serialized together, on one thread.
const CHUNK: usize = 256;

/// Writes the page data as JSON escaped for the page's data block ([`write_script_json`]),
/// drawing and serializing chunks of articles in parallel and writing them in order.
pub(crate) fn write_json(data: &PageData<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut head = Vec::new();
    head.extend_from_slice(b"{\"outcomes\":");
    write_script_json(&mut head, &OUTCOMES)?;
    head.extend_from_slice(b",\"articles\":[");
    out.write_all(&head)?;
    write_chunks(out, &data.articles, write_script_json)?;
    out.write_all(b"],\"views\":[")?;
    for (k, view) in data.views.iter().enumerate() {
        head.clear();
        if k > 0 {
            head.push(b',');
        }
        head.extend_from_slice(b"{\"extractor\":");
        write_script_json(&mut head, view.extractor)?;
        head.extend_from_slice(b",\"layer\":");
        write_script_json(&mut head, view.layer)?;
        head.extend_from_slice(b",\"labels\":");
        write_script_json(&mut head, &view.labels)?;
        head.extend_from_slice(b",\"articles\":[");
        out.write_all(&head)?;
        write_chunks(out, &view.articles, |json, article| write_script_json(json, &view.draw(article)))?;
        out.write_all(b"]}")?;
    }
    out.write_all(b"]}")
}

/// Writes `items` as the comma-separated elements of a JSON array.
fn write_chunks<T: Sync>(out: &mut dyn Write, items: &[T], serialize: impl Fn(&mut Vec<u8>, &T) -> serde_json::Result<()> + Sync) -> io::Result<()> {
    // Batches bound what is held at once; chunks within a batch go to the pool's threads.
    for (b, batch) in items.chunks(CHUNK * 32).enumerate() {
        let parts: Vec<io::Result<Vec<u8>>> = batch
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut json = Vec::new();
                for (k, item) in chunk.iter().enumerate() {
                    if b + c + k > 0 {
                        json.push(b',');
                    }
                    serialize(&mut json, item)?;
                }
                Ok(json)
            })
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Failure;
    use crate::report::{DatasetInfo, ExtractorReport, Timing};

    fn mention(start: usize, end: usize, label: &str) -> Mention {
        Mention { start, end, label: label.into(), attrs: BTreeMap::new() }
    }

    fn outcome(article: &str, gold: Option<Mention>, pred: Option<Mention>, outcome: Outcome) -> SpanOutcome {
        SpanOutcome { article_id: article.into(), gold, pred, outcome, attrs_match: None }
    }

    fn report(failures: Vec<Failure>) -> Report {
        let extractor = ExtractorReport {
            kind: "command".into(),
            version: "1".into(),
            config_hash: String::new(),
            layers: BTreeMap::new(),
            unscored_layers: Vec::new(),
            errors: failures,
            warnings: Vec::new(),
            timing: Timing { seconds: 0.0, articles: 0, cached: 0, articles_per_second: 0.0 },
        };
        Report {
            schema_version: 1,
            mizan_version: "0".into(),
            created: String::new(),
            git_commit: None,
            dataset: DatasetInfo { name: "t".into(), fingerprint: String::new(), articles: 3 },
            shard: None,
            normalization: None,
            extractors: [("x".to_string(), extractor)].into(),
        }
    }

    #[test]
    fn arabic_text_is_detected_by_its_letters() {
        assert!(is_arabic("قال لافروف في موسكو 2018 <b>"));
        assert!(is_arabic("<script>alert(1)</script> قال لافروف في موسكو إن روسيا"));
        assert!(!is_arabic("Lavrov said in Moscow"));
        assert!(!is_arabic("1234 ..."));
    }

    /// The definition [`is_arabic`] reads off the bytes: letters counted character by character.
    fn is_arabic_by_chars(text: &str) -> bool {
        let (mut arabic, mut other) = (0usize, 0usize);
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            match u32::from(c) {
                0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => arabic += 1,
                _ => other += 1,
            }
        }
        arabic > other
    }

    #[test]
    fn arabic_detection_on_bytes_counts_as_by_characters() {
        // Vowel marks (letters), Arabic digits and punctuation (not), the supplement and
        // extended blocks, presentation forms, tatweel, Latin with accents, Greek, emoji.
        let cases =
            ["ab كَتَبَ", "abcd كَتَبَ", "abcdefgh كَتَبَ", "١٢٣٤٥ ، ؟ ab", "ݐݑݒ abcd", "ࢠࢡࢢ abcd", "ﻻﻷ ﷲ abc", "ـــــ a", "éèà ع", "αβγ دمشق", "😀😀😀 ع", "", "ـ"];
        for text in cases {
            assert_eq!(is_arabic(text), is_arabic_by_chars(text), "{text}");
        }
        // Every character of the Arabic block, alone and against one Latin letter.
        for c in (0x0600..=0x06FF).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("{c}a"), format!("{c}{c}a")] {
                assert_eq!(is_arabic(&text), is_arabic_by_chars(&text), "{:04X}", u32::from(c));
            }
        }
    }

    #[test]
    fn offsets_become_utf16_units() {
        // U+1F600 takes two UTF-16 units; Arabic letters one each.
        assert_eq!(utf16_offsets("a😀ب"), [0, 1, 3, 4]);
        let astral = Utf16::of(&Article::new("x", "😀ab", BTreeMap::new()));
        let attrs = BTreeMap::new();
        assert_eq!(span_data(&mention(1, 3, "X"), &astral), SpanData { start: 2, end: 4, label: "X", attrs: &attrs });
        assert_eq!(span_data(&mention(1, 99, "X"), &astral).end, 4);
        // Without astral characters the units are the code points, and past the end is the end.
        let plain = Utf16::of(&Article::new("x", "قال ab", BTreeMap::new()));
        assert!(plain.table.is_none());
        assert_eq!((plain.at(2), plain.at(6), plain.at(99)), (2, 6, 6));
    }

    #[test]
    fn views_hold_known_articles_and_failures() {
        let articles =
            vec![Article::new("a", "قال لافروف", BTreeMap::new()), Article::new("b", "Lavrov", BTreeMap::new()), Article::new("c", "لا أحد", BTreeMap::new())];
        let records = vec![
            outcome("b", Some(mention(0, 6, "PER")), None, Outcome::Missed),
            outcome("a", Some(mention(4, 10, "PER")), Some(mention(4, 10, "LOC")), Outcome::WrongType),
            outcome("zz", None, Some(mention(0, 1, "PER")), Outcome::Spurious),
        ];
        let outcomes = [("x".to_string(), [("ner".to_string(), records)].into())].into();
        let failure = Failure { article_id: "c".into(), error: "<b>crashed</b>".into() };
        let report = report(vec![failure]);
        let data = page_data(&report, &articles, &outcomes);
        assert_eq!(data.views.len(), 1);
        let view = &data.views[0];
        assert_eq!(view.labels, ["LOC", "PER"]);
        let ids: Vec<&str> = view.articles.iter().map(|v| data.articles[v.article].id).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(view.articles[2].failure, Some("<b>crashed</b>"));
        assert_eq!((data.articles[0].dir, data.articles[0].lang), ("rtl", Some("ar")));
        assert_eq!((data.articles[1].dir, data.articles[1].lang), ("auto", None));
        let json = serde_json::to_value(view.draw(&view.articles[0])).unwrap();
        assert_eq!(json, serde_json::json!({"a": 0, "r": [[1, [4, 10, "PER"], [4, 10, "LOC"], null]], "s": [[4, 10, [0], [0]]]}));
    }

    #[test]
    fn many_articles_are_written_in_order_across_chunks() {
        let n = CHUNK * 33 + 7;
        let articles: Vec<Article> = (0..n).map(|k| Article::new(format!("a{k}"), "قال لافروف <b>", BTreeMap::new())).collect();
        // Records of later articles first: the page still lists them in article order.
        let records: Vec<SpanOutcome> = (0..n).rev().map(|k| outcome(&format!("a{k}"), Some(mention(4, 10, "PER")), None, Outcome::Missed)).collect();
        let outcomes = [("x".to_string(), [("ner".to_string(), records)].into())].into();
        let report = report(Vec::new());
        let data = page_data(&report, &articles, &outcomes);
        let mut json = Vec::new();
        write_json(&data, &mut json).unwrap();
        let json = String::from_utf8(json).unwrap();
        assert!(!json.contains('<'));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let listed: Vec<&str> = value["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
        assert_eq!(listed, (0..n).map(|k| format!("a{k}")).collect::<Vec<_>>());
        let views = value["views"][0]["articles"].as_array().unwrap();
        assert_eq!(views.len(), n);
        assert!(views.iter().enumerate().all(|(k, v)| v["a"] == k && v["r"][0][1] == serde_json::json!([4, 10, "PER"])));
    }
}
