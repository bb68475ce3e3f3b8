//! The data the error browser renders on demand: the articles that have spans, and one view
//! per extractor and layer holding every outcome record (a pair, or a lone gold span or
//! prediction) and the segments of each article's text. The page embeds it as JSON and the
//! browser script builds only the articles on screen, so a report over thousands of articles
//! opens at once.
//!
//! Offsets in the data are UTF-16 code units, which is what JavaScript strings count, converted
//! here from mizan's code points once; the records are short arrays rather than objects to
//! keep a large report small. The shape is documented in `docs/report-html.md`.

use std::collections::{BTreeMap, BTreeSet};

use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

use crate::model::Article;
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

/// Everything the browser script reads.
#[derive(Debug, serde::Serialize)]
pub(crate) struct PageData<'a> {
    pub outcomes: [&'static str; 6],
    pub articles: Vec<ArticleData<'a>>,
    pub views: Vec<View>,
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

/// One extractor's outcomes in one layer.
#[derive(Debug, serde::Serialize)]
pub(crate) struct View {
    pub extractor: String,
    pub layer: String,
    /// Labels in the view's gold or predictions, sorted.
    pub labels: Vec<String>,
    pub articles: Vec<ArticleView>,
}

/// One article in a view: its records and segments, and why the extractor failed on it.
#[derive(Debug)]
pub(crate) struct ArticleView {
    /// Index into [`PageData::articles`].
    pub article: usize,
    pub records: Vec<Record>,
    pub segments: Vec<Segment>,
    pub failure: Option<String>,
}

impl Serialize for ArticleView {
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
pub(crate) struct Record {
    pub outcome: Outcome,
    pub gold: Option<SpanData>,
    pub pred: Option<SpanData>,
    pub attrs_match: Option<bool>,
}

impl Serialize for Record {
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
pub(crate) struct SpanData {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub attrs: BTreeMap<String, String>,
}

impl Serialize for SpanData {
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
pub(crate) fn is_arabic(text: &str) -> bool {
    let (mut arabic, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match u32::from(c) {
            0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => arabic += 1,
            _ => other += 1,
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

fn span_data(mention: &Mention, offsets: &[usize]) -> SpanData {
    // Offsets past the text (which a checked run never produces) are drawn at its end.
    let at = |k: usize| offsets.get(k).or(offsets.last()).copied().unwrap_or(0);
    SpanData { start: at(mention.start), end: at(mention.end), label: mention.label.clone(), attrs: mention.attrs.clone() }
}

/// Where a record goes in an article's list: by its first start, then its last end, then its
/// outcome, so that chips and tables read in text order.
pub(crate) fn record_order(r: &Record) -> (Option<usize>, Option<usize>, usize) {
    let spans = r.gold.iter().chain(&r.pred);
    (spans.clone().map(|s| s.start).min(), spans.map(|s| s.end).max(), code(r.outcome))
}

/// The page data of a run. Records of articles that are not in `articles` are left out.
pub(crate) fn page_data<'a>(report: &Report, articles: &'a [Article], outcomes: &BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>) -> PageData<'a> {
    let position: BTreeMap<&str, usize> = articles.iter().enumerate().map(|(k, a)| (a.id.as_str(), k)).collect();
    // Article (position in `articles`) → index in the page data, assigned on first use.
    let mut used: BTreeMap<usize, usize> = BTreeMap::new();
    let mut offsets: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut views = Vec::new();
    for (extractor, layers) in outcomes {
        let failures: BTreeMap<usize, &str> = report
            .extractors
            .get(extractor)
            .map(|e| e.errors.iter().filter_map(|f| Some((*position.get(f.article_id.as_str())?, f.error.as_str()))).collect())
            .unwrap_or_default();
        for (layer, records) in layers {
            let mut by_article: BTreeMap<usize, Vec<&SpanOutcome>> = failures.keys().map(|&k| (k, Vec::new())).collect();
            for record in records {
                if let Some(&k) = position.get(record.article_id.as_str()) {
                    by_article.entry(k).or_default().push(record);
                }
            }
            let mut labels = BTreeSet::new();
            let mut view_articles = Vec::new();
            for (k, records) in by_article {
                let offsets = offsets.entry(k).or_insert_with(|| utf16_offsets(&articles[k].text));
                let mut records: Vec<Record> = records
                    .into_iter()
                    .map(|r| Record {
                        outcome: r.outcome,
                        gold: r.gold.as_ref().map(|m| span_data(m, offsets)),
                        pred: r.pred.as_ref().map(|m| span_data(m, offsets)),
                        attrs_match: r.attrs_match,
                    })
                    .collect();
                records.sort_by_key(record_order);
                labels.extend(records.iter().flat_map(|r| r.gold.iter().chain(&r.pred)).map(|s| s.label.clone()));
                let extents: Vec<Extent> =
                    records.iter().map(|r| Extent { gold: r.gold.as_ref().map(|s| s.start..s.end), pred: r.pred.as_ref().map(|s| s.start..s.end) }).collect();
                let next = used.len();
                view_articles.push(ArticleView {
                    article: *used.entry(k).or_insert(next),
                    segments: segment(&extents),
                    records,
                    failure: failures.get(&k).map(|e| e.to_string()),
                });
            }
            views.push(View { extractor: extractor.clone(), layer: layer.clone(), labels: labels.into_iter().collect(), articles: view_articles });
        }
    }
    let mut page_articles: Vec<(usize, ArticleData<'a>)> = used
        .iter()
        .map(|(&k, &index)| {
            let article = &articles[k];
            let arabic = is_arabic(&article.text);
            let data = ArticleData { id: &article.id, text: &article.text, dir: if arabic { "rtl" } else { "auto" }, lang: arabic.then_some("ar") };
            (index, data)
        })
        .collect();
    page_articles.sort_by_key(|(index, _)| *index);
    PageData { outcomes: OUTCOMES, articles: page_articles.into_iter().map(|(_, a)| a).collect(), views }
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

    #[test]
    fn offsets_become_utf16_units() {
        // U+1F600 takes two UTF-16 units; Arabic letters one each.
        assert_eq!(utf16_offsets("a😀ب"), [0, 1, 3, 4]);
        let offsets = utf16_offsets("😀ab");
        assert_eq!(span_data(&mention(1, 3, "X"), &offsets), SpanData { start: 2, end: 4, label: "X".into(), attrs: BTreeMap::new() });
        assert_eq!(span_data(&mention(1, 99, "X"), &offsets).end, 4);
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
        let data = page_data(&report(vec![failure]), &articles, &outcomes);
        assert_eq!(data.views.len(), 1);
        let view = &data.views[0];
        assert_eq!(view.labels, ["LOC", "PER"]);
        let ids: Vec<&str> = view.articles.iter().map(|v| data.articles[v.article].id).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(view.articles[2].failure.as_deref(), Some("<b>crashed</b>"));
        assert_eq!((data.articles[0].dir, data.articles[0].lang), ("rtl", Some("ar")));
        assert_eq!((data.articles[1].dir, data.articles[1].lang), ("auto", None));
        let json = serde_json::to_value(&view.articles[0]).unwrap();
        assert_eq!(json, serde_json::json!({"a": 0, "r": [[1, [4, 10, "PER"], [4, 10, "LOC"], null]], "s": [[4, 10, [0], [0]]]}));
    }
}
