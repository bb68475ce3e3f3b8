//! Normalising a dataset: every article through the Arabic normaliser
//! ([`crate::arabic::normalize_with`]) and every gold span through the same edit, so that the
//! normalised gold covers exactly the normalised form of what it covered before.
//!
//! A span is carried over when the folded text it maps to equals its own text normalised on
//! its own. When it does not — the span's text vanishes (it covered only marks or controls),
//! or a boundary cuts a cluster that the normalisation merges — the span is reported as a
//! [`SpanLoss`] and left out: never silently moved. The same mapping, both ways, is what
//! scoring predictions made on raw text against normalised gold needs ([`to_normalized`],
//! [`to_raw`]).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::arabic::{normalize_with, Normalized, Steps};
use crate::model::{Article, Span};

/// Why a span could not be carried through the normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanLoss {
    pub span: Span,
    /// Position of the span in the gold that was normalised.
    pub index: usize,
    /// `vanished`, `changed` or `unknown article`.
    pub reason: &'static str,
    /// The span's text as written.
    pub raw: String,
    /// What its text normalises to on its own.
    pub expected: String,
    /// What the normalised article holds where the span maps to.
    pub found: String,
}

/// Where gold span `index` of `dataset` was read: `file:line`, from the spans frame.
pub fn span_source(dataset: &crate::Dataset, index: usize) -> Option<String> {
    let file = dataset.span_frame.column("file").ok()?.str().ok()?.get(index)?.to_string();
    let line = dataset.span_frame.column("line").ok()?.u64().ok()?.get(index)?;
    Some(format!("{file}:{line}"))
}

impl SpanLoss {
    /// `{"span": {…}, "reason", "raw", "expected", "found"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"span": self.span.to_json(), "reason": self.reason, "raw": self.raw, "expected": self.expected, "found": self.found})
    }
}

/// A normalised dataset: articles, the gold that survived and the spans that did not.
pub struct NormalizedDataset {
    pub articles: Vec<Article>,
    pub gold: Vec<Span>,
    pub lost: Vec<SpanLoss>,
    /// Articles whose text changed.
    pub changed_articles: usize,
    /// Code points before and after.
    pub chars_before: usize,
    pub chars_after: usize,
}

/// Normalises `articles` and remaps `gold` (any layer) onto the new texts. Span order is kept;
/// `text` and attribute values are normalised too, so that they still match.
pub fn normalize_dataset(articles: &[Article], gold: &[Span], steps: &Steps) -> NormalizedDataset {
    let folded: Vec<Normalized> = articles.par_iter().map(|a| normalize_with(&a.text, steps)).collect();
    let index: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let outcomes: Vec<Result<Span, Box<SpanLoss>>> = gold
        .par_iter()
        .enumerate()
        .map(|(position, span)| match index.get(span.article_id.as_str()) {
            Some(&i) => to_normalized(span, &articles[i], &folded[i], steps).map_err(|loss| Box::new(SpanLoss { index: position, ..*loss })),
            None => Err(Box::new(SpanLoss {
                span: span.clone(),
                index: position,
                reason: "unknown article",
                raw: String::new(),
                expected: String::new(),
                found: String::new(),
            })),
        })
        .collect();
    let (mut kept, mut lost) = (Vec::new(), Vec::new());
    for outcome in outcomes {
        match outcome {
            Ok(span) => kept.push(span),
            Err(loss) => lost.push(*loss),
        }
    }
    let changed_articles = articles.iter().zip(&folded).filter(|(a, f)| a.text != f.text).count();
    let chars_before = articles.iter().map(Article::char_len).sum();
    let chars_after = folded.iter().map(Normalized::char_len).sum();
    let articles = articles.iter().zip(folded).map(|(a, f)| Article::new(a.id.clone(), f.text, normalize_metadata(&a.metadata, steps))).collect();
    NormalizedDataset { articles, gold: kept, lost, changed_articles, chars_before, chars_after }
}

/// Metadata read from the text (the dateline's parts) follows the text; the rest is kept.
fn normalize_metadata(metadata: &std::collections::BTreeMap<String, String>, steps: &Steps) -> std::collections::BTreeMap<String, String> {
    let mut metadata = metadata.clone();
    for key in ["dateline_place", "dateline_agency"] {
        if let Some(value) = metadata.get_mut(key) {
            *value = normalize_with(value, steps).text;
        }
    }
    metadata
}

/// The span of `article` (raw text) on the article's normalised text `folded`, checked: `Err`
/// when its text vanishes or does not become the normalised form of its own text.
pub fn to_normalized(span: &Span, article: &Article, folded: &Normalized, steps: &Steps) -> Result<Span, Box<SpanLoss>> {
    let raw = article.slice(span.start, span.end).unwrap_or_default().to_string();
    let expected = normalize_with(&raw, steps).text;
    let (mut start, mut end) = folded.normalized_range(span.start, span.end);
    let mut found: String = folded.text.chars().skip(start).take(end - start).collect();
    let loss = |reason, found: &str| {
        Box::new(SpanLoss { span: span.clone(), index: 0, reason, raw: raw.clone(), expected: expected.clone(), found: found.to_string() })
    };
    if start == end || expected.trim().is_empty() {
        return Err(loss("vanished", &found));
    }
    if found != expected {
        // Whitespace at a span's edge may merge with the run beside it once removed
        // characters between them are gone: the span then keeps its words only.
        let trimmed = found.trim();
        if trimmed != expected.trim() {
            return Err(loss("changed", &found));
        }
        start += found.chars().take_while(|c| c.is_whitespace()).count();
        end -= found.chars().rev().take_while(|c| c.is_whitespace()).count();
        found = trimmed.to_string();
    }
    let mut mapped = span.clone();
    mapped.start = start;
    mapped.end = end;
    if mapped.text.is_some() {
        mapped.text = Some(found);
    }
    for value in mapped.attrs.values_mut() {
        *value = normalize_with(value, steps).text;
    }
    Ok(mapped)
}

/// A span on the normalised text back on the raw text: it covers every original code point
/// its folded characters stand for (a letter's diacritics included, nothing removed around
/// it). `text` is dropped, since the raw surface differs; attributes are kept as they are.
pub fn to_raw(span: &Span, folded: &Normalized) -> Span {
    let (start, end) = folded.original_range(span.start, span.end);
    Span { start, end, text: None, ..span.clone() }
}

/// Spans made on the normalised texts of `raw_articles` (predictions of an extractor run on
/// normalised text, normalised gold) mapped back onto the raw texts with [`to_raw`]. A span
/// of an unknown article is returned as it is.
pub fn spans_to_raw(raw_articles: &[Article], spans: &[Span], steps: &Steps) -> Vec<Span> {
    let folded: HashMap<&str, Normalized> = raw_articles.par_iter().map(|a| (a.id.as_str(), normalize_with(&a.text, steps))).collect();
    spans.iter().map(|span| folded.get(span.article_id.as_str()).map_or_else(|| span.clone(), |f| to_raw(span, f))).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn article(text: &str) -> Article {
        Article::new("a", text, BTreeMap::new())
    }

    #[test]
    fn remaps_spans_through_every_step() {
        // (text, span, profile, normalised span text or the reason it is lost)
        type Case = (&'static str, (usize, usize), Steps, Result<&'static str, &'static str>);
        let cases: &[Case] = &[
            ("قال أَحْمَدُ اليوم", (4, 12), Steps::SEARCH, Ok("احمد")),
            ("في عـــرب", (3, 9), Steps::LIGHT, Ok("عرب")),
            ("\u{200F}موسكو\u{200F}-سانا", (1, 6), Steps::LIGHT, Ok("موسكو")),
            ("عام ٢٠١٨ م", (4, 8), Steps::SEARCH, Ok("2018")),
            ("الولايات   المتحدة", (0, 18), Steps::LIGHT, Ok("الولايات المتحدة")),
            ("في \u{FDF2} الخير", (3, 4), Steps::FULL, Ok("الله")),
            ("مدرسة", (0, 5), Steps::FULL, Ok("مدرسه")),
            // A span covering only a diacritic or a tatweel vanishes.
            ("مُحمد", (1, 2), Steps::SEARCH, Err("vanished")),
            ("عـرب", (1, 2), Steps::LIGHT, Err("vanished")),
            // NFC merges alef and madda: a span ending between them is cut.
            ("ا\u{0653}سيا", (0, 1), Steps::LIGHT, Err("changed")),
            ("😀 لندن", (2, 6), Steps::FULL, Ok("لندن")),
            // A no-break space and a CRLF inside a span collapse with the rest of the spacing.
            ("الأمم\u{00A0}\u{00A0}المتحدة", (0, 14), Steps::SEARCH, Ok("الامم المتحدة")),
            ("دمشق\r\nحلب", (0, 9), Steps::LIGHT, Ok("دمشق\nحلب")),
            // Presentation forms (NFKC) become the letters they show.
            ("\u{FEB3}\u{FEE0}\u{FE8E}\u{FEE1}", (0, 4), Steps::FULL, Ok("سلام")),
        ];
        for &(text, (start, end), steps, expected) in cases {
            let art = article(text);
            let span = Span::new("a", start, end, "LOC").with_text(art.slice(start, end).unwrap());
            let folded = normalize_with(text, &steps);
            let got = to_normalized(&span, &art, &folded, &steps);
            match (got, expected) {
                (Ok(mapped), Ok(want)) => {
                    let normalized = article(&folded.text);
                    assert_eq!(normalized.slice(mapped.start, mapped.end), Some(want), "{text:?}");
                    assert_eq!(mapped.text.as_deref(), Some(want));
                    let back = to_raw(&mapped, &folded);
                    assert_eq!((back.start, back.end), (start, end), "{text:?} back to raw");
                }
                (Err(loss), Err(reason)) => assert_eq!(loss.reason, reason, "{text:?}"),
                (got, want) => panic!("{text:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn spans_go_back_and_forth_between_raw_and_normalised_text() {
        let raw = [article("قال أَحْمَدُ في عـــمّان")];
        let gold = [Span::new("a", 4, 12, "PER"), Span::new("a", 16, 24, "LOC")];
        let normalized = normalize_dataset(&raw, &gold, &Steps::SEARCH);
        assert_eq!(normalized.articles[0].text, "قال احمد في عمان");
        let back = spans_to_raw(&raw, &normalized.gold, &Steps::SEARCH);
        let ranges: Vec<(usize, usize)> = back.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(ranges, [(4, 12), (16, 24)]);
    }

    #[test]
    fn a_dataset_keeps_order_and_reports_losses() {
        let articles = [article("قال أَحْمَدُ")];
        let gold = [Span::new("a", 4, 12, "PER").with_attr("speaker", "أَحْمَد"), Span::new("a", 5, 6, "X"), Span::new("b", 0, 1, "X")];
        let out = normalize_dataset(&articles, &gold, &Steps::SEARCH);
        assert_eq!(out.articles[0].text, "قال احمد");
        assert_eq!(out.gold.len(), 1);
        assert_eq!(out.gold[0].attrs["speaker"], "احمد");
        let reasons: Vec<&str> = out.lost.iter().map(|l| l.reason).collect();
        assert_eq!(reasons, ["vanished", "unknown article"]);
        assert_eq!((out.changed_articles, out.chars_before, out.chars_after), (1, 12, 8));
    }

    mod properties {
        use proptest::prelude::*;
        use unicode_normalization::char::canonical_combining_class;

        use super::*;

        /// Letters, every kind of mark the normaliser handles, and hostile extras.
        const PIECES: &[&str] = &[
            "ا",
            "أ",
            "إ",
            "آ",
            "ٱ",
            "ب",
            "ة",
            "ى",
            "ي",
            "ؤ",
            "ئ",
            "ی",
            "ک",
            "م",
            "ل",
            "و",
            "\u{064E}",
            "\u{064F}",
            "\u{0650}",
            "\u{0651}",
            "\u{0652}",
            "\u{064B}",
            "\u{0670}",
            "\u{06D6}",
            "\u{0610}",
            "\u{0653}",
            "\u{0654}",
            "\u{0640}",
            "\u{200F}",
            "\u{200E}",
            "\u{202B}",
            "\u{200C}",
            "\u{200D}",
            "\u{FEFF}",
            "٣",
            "۴",
            "7",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\u{00A0}",
            "😀",
            "\u{FDF2}",
            "\u{FEFB}",
            "\u{FE8D}",
            "a",
            "é",
            "e\u{0301}",
            ".",
        ];

        fn text() -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|pieces| pieces.concat())
        }

        /// Where a span may start or end: not inside a cluster, not on whitespace.
        fn boundary(chars: &[char], at: usize, is_end: bool) -> bool {
            let inside_cluster = chars.get(at).is_some_and(|&c| canonical_combining_class(c) != 0 || ('\u{0653}'..='\u{0655}').contains(&c));
            let edge = if is_end { at.checked_sub(1).map(|i| chars[i]) } else { chars.get(at).copied() };
            !inside_cluster && edge.is_some_and(|c| !c.is_whitespace())
        }

        proptest! {
            #[test]
            fn every_span_maps_to_the_normalised_form_of_its_own_text(text in text(), cuts in prop::collection::vec((0usize..64, 0usize..64), 1..8)) {
                let chars: Vec<char> = text.chars().collect();
                let art = Article::new("a", text.clone(), BTreeMap::new());
                for steps in [Steps::LIGHT, Steps::SEARCH, Steps::FULL, Steps::MATCHING] {
                    let folded = normalize_with(&text, &steps);
                    let normalized = Article::new("a", folded.text.clone(), BTreeMap::new());
                    for &(a, b) in &cuts {
                        let (start, end) = (a.min(b) % (chars.len() + 1), a.max(b) % (chars.len() + 1));
                        if start >= end || !boundary(&chars, start, false) || !boundary(&chars, end, true) {
                            continue;
                        }
                        let own = normalize_with(art.slice(start, end).unwrap(), &steps).text;
                        match to_normalized(&Span::new("a", start, end, "X"), &art, &folded, &steps) {
                            Ok(mapped) => {
                                let got = normalized.slice(mapped.start, mapped.end).unwrap_or_default();
                                prop_assert!(got == own || got == own.trim(), "{:?} [{},{}) {}: {:?} for {:?}", text, start, end, steps, got, own);
                                let back = to_raw(&mapped, &folded);
                                prop_assert!(back.start >= start && back.start < end && back.end > start, "{:?} [{},{}) back {:?}", text, start, end, (back.start, back.end));
                            }
                            Err(loss) => prop_assert!(own.trim().is_empty() && loss.reason == "vanished", "{:?} [{},{}) {}: {:?}", text, start, end, steps, loss),
                        }
                    }
                }
            }
        }
    }
}
