//! The dateline (layer `dateline`, label `DATELINE`, attributes `place` and `agency`),
//! following docs/annotation-guidelines.md §4.
//!
//! The dateline is looked for on the article's first line that is not blank, in one of two
//! forms. A line of its own (`موسكو-سانا`, `دمشق - سانا`, `بيروت (أ ف ب)`): the span is the
//! whole line without the line break and without whitespace or bidi marks at its edges. Or the
//! opening of the first paragraph, ended by a colon or a bar (`دمشق-سانا: قال …`,
//! `دمشق-سانا| …`): the span is the part before the separator. Both go through
//! [`parse_dateline`], which accepts only a few words of letters on each side, so a sentence
//! with a hyphen in it is not taken for a dateline.

use std::collections::BTreeMap;

use crate::arabic::parse_dateline;
use crate::model::{is_bidi_mark, Article, Span};

/// Separators that may end a dateline opening a paragraph.
const SEPARATORS: [char; 3] = [':', '|', '｜'];

fn is_blank(c: char) -> bool {
    c.is_whitespace() || is_bidi_mark(c)
}

/// `range` of `chars` without blanks at either edge.
fn trim(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let lead = chars[start..end].iter().position(|&c| !is_blank(c)).map_or(end, |k| start + k);
    let trail = chars[lead..end].iter().rposition(|&c| !is_blank(c)).map_or(lead, |k| lead + k + 1);
    (lead, trail)
}

/// The dateline span, with `place` and `agency`, when the article opens with one.
pub fn find_dateline(article: &Article) -> Option<Span> {
    let chars: Vec<char> = article.text.chars().collect();
    let mut line_start = 0;
    let (start, end) = loop {
        if line_start >= chars.len() {
            return None;
        }
        let line_end = chars[line_start..].iter().position(|&c| c == '\n').map_or(chars.len(), |k| line_start + k);
        let (start, end) = trim(&chars, line_start, line_end);
        if start < end {
            break (start, end);
        }
        line_start = line_end + 1;
    };
    let line: String = chars[start..end].iter().collect();
    let (end, dateline) = match parse_dateline(&line) {
        Some(dateline) => (end, dateline),
        None => {
            let sep = chars[start..end].iter().position(|c| SEPARATORS.contains(c))?;
            let (_, head_end) = trim(&chars, start, start + sep);
            let head: String = chars[start..head_end].iter().collect();
            (head_end, parse_dateline(&head)?)
        }
    };
    Some(Span {
        article_id: String::new(),
        layer: "dateline".into(),
        start,
        end,
        label: "DATELINE".into(),
        text: article.slice(start, end).map(str::to_string),
        attrs: BTreeMap::from([("place".to_string(), dateline.place), ("agency".to_string(), dateline.agency)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Start, end, text, place and agency.
    type Found<'a> = Option<(usize, usize, &'a str, &'a str, &'a str)>;

    fn dateline(text: &str) -> Option<(usize, usize, String, String, String)> {
        let article = Article::new("a", text, BTreeMap::new());
        find_dateline(&article).map(|s| {
            let attr = |k: &str| s.attrs.get(k).cloned().unwrap_or_default();
            (s.start, s.end, s.text.clone().unwrap_or_default(), attr("place"), attr("agency"))
        })
    }

    #[test]
    fn finds_datelines_in_each_shape() {
        let cases: &[(&str, Found)] = &[
            ("موسكو-سانا\nأكد وزير", Some((0, 10, "موسكو-سانا", "موسكو", "سانا"))),
            ("دمشق - سانا\r\nقال", Some((0, 11, "دمشق - سانا", "دمشق", "سانا"))),
            ("بيروت (أ ف ب)\nقال", Some((0, 13, "بيروت (أ ف ب)", "بيروت", "أ ف ب"))),
            ("\u{200F}ريف دمشق-سانا \nقال", Some((1, 14, "ريف دمشق-سانا", "ريف دمشق", "سانا"))),
            ("\n  \nحلب-سانا\nقال", Some((4, 12, "حلب-سانا", "حلب", "سانا"))),
            ("موسكو-سانا", Some((0, 10, "موسكو-سانا", "موسكو", "سانا"))),
            // A dateline opening the first paragraph.
            ("دمشق-سانا: قال الوزير", Some((0, 9, "دمشق-سانا", "دمشق", "سانا"))),
            ("دمشق-سانا | قال الوزير", Some((0, 9, "دمشق-سانا", "دمشق", "سانا"))),
            ("دمشق (سانا): قال الوزير", Some((0, 11, "دمشق (سانا)", "دمشق", "سانا"))),
            // Not datelines.
            ("أكد وزير الخارجية الروسي سيرغي لافروف اليوم أن العلاقات بين روسيا-بريطانيا", None),
            ("قال الوزير: إن العلاقات بين روسيا-بريطانيا جيدة", None),
            ("دمشق-سانا:\nقال", Some((0, 9, "دمشق-سانا", "دمشق", "سانا"))),
            ("", None),
            ("\n\n", None),
        ];
        for &(text, want) in cases {
            let want = want.map(|(s, e, t, p, a)| (s, e, t.to_string(), p.to_string(), a.to_string()));
            assert_eq!(dateline(text), want, "{text:?}");
        }
    }
}
