//! CoNLL out: `token TAG` lines, a blank line between sentences, `-DOCSTART- O` before each
//! article. Tokens come from mizan's tokenizer (`tokens`: whitespace, Arabic and Latin
//! punctuation), cut where a span boundary falls inside one — those cuts are counted, as the
//! spans that did not fall on token boundaries. A sentence ends at a line break that no span
//! crosses. A layer whose spans overlap is written with one tag column per covering span,
//! outermost first, as `import --from conll --nested` reads it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::load::conll_tags::TagScheme;
use crate::load::tokens::{tokenize_at, Token};
use crate::model::{Article, Span};

/// What the writer produced.
pub struct ConllExport {
    pub bytes: Vec<u8>,
    /// Span boundaries that fell inside a token (the token was cut there).
    pub cut_tokens: usize,
    /// Articles whose spans overlap, written with several tag columns.
    pub nested_articles: usize,
    /// Articles without a token (nothing but whitespace), written as an empty document.
    pub empty_articles: usize,
}

pub fn write_conll(articles: &[Article], spans: &[Span], scheme: TagScheme) -> ConllExport {
    let mut by_article: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for span in spans {
        by_article.entry(&span.article_id).or_default().push(span);
    }
    let mut export = ConllExport { bytes: Vec::new(), cut_tokens: 0, nested_articles: 0, empty_articles: 0 };
    let mut out = String::new();
    for article in articles {
        let mut spans: Vec<&Span> = by_article.get(article.id.as_str()).cloned().unwrap_or_default();
        spans.sort_by(|a, b| (a.start, std::cmp::Reverse(a.end), &a.label).cmp(&(b.start, std::cmp::Reverse(b.end), &b.label)));
        let boundaries: Vec<usize> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
        let (tokens, cuts) = tokenize_at(&article.text, &boundaries);
        export.cut_tokens += cuts.len();
        let nested = spans.windows(2).any(|w| w[1].start < w[0].end);
        export.nested_articles += usize::from(nested);
        export.empty_articles += usize::from(tokens.is_empty());
        out.push_str("-DOCSTART- O\n\n");
        let chars: Vec<char> = article.text.chars().collect();
        let mut previous: Option<&Token> = None;
        for (k, token) in tokens.iter().enumerate() {
            if let Some(previous) = previous {
                let gap = &chars[previous.end..token.start];
                if gap.contains(&'\n') && !spans.iter().any(|s| s.start < token.start && s.end > previous.end) {
                    out.push('\n');
                }
            }
            previous = Some(token);
            let text: String = chars[token.start..token.end].iter().collect();
            out.push_str(&text);
            let covering: Vec<&&Span> = spans.iter().filter(|s| s.start <= token.start && token.end <= s.end).collect();
            if covering.is_empty() {
                out.push_str(" O");
            }
            for span in if nested { &covering[..] } else { &covering[..covering.len().min(1)] } {
                let first = span.start == token.start;
                let last = span.end == token.end;
                let prefix = if nested {
                    if first {
                        'B'
                    } else {
                        'I'
                    }
                } else {
                    prefix(scheme, first, last, adjacent_same(&spans, span, &tokens, k))
                };
                let _ = write!(out, " {prefix}-{}", span.label);
            }
            out.push('\n');
        }
        if !tokens.is_empty() {
            out.push('\n');
        }
    }
    export.bytes = out.into_bytes();
    export
}

/// Whether the chunk before `span` ends on the token just before it with the same label (IOB1
/// then needs a `B-`).
fn adjacent_same(spans: &[&Span], span: &Span, tokens: &[Token], k: usize) -> bool {
    k > 0 && span.start == tokens[k].start && spans.iter().any(|s| s.end == tokens[k - 1].end && s.label == span.label && s.end <= span.start)
}

fn prefix(scheme: TagScheme, first: bool, last: bool, after_same: bool) -> char {
    match (scheme, first, last) {
        (TagScheme::Iob1, true, _) if after_same => 'B',
        (TagScheme::Iob1, _, _) => 'I',
        (TagScheme::Iob2, true, _) => 'B',
        (TagScheme::Iob2, false, _) => 'I',
        (TagScheme::Ioe, _, true) => 'E',
        (TagScheme::Ioe, _, false) => 'I',
        (TagScheme::Iobes | TagScheme::Bmes, true, true) => 'S',
        (TagScheme::Bilou, true, true) => 'U',
        (_, true, false) => 'B',
        (TagScheme::Bilou, false, true) => 'L',
        (_, false, true) => 'E',
        (TagScheme::Bmes, false, false) => 'M',
        (_, false, false) => 'I',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conll(text: &str, spans: &[Span], scheme: TagScheme) -> (String, usize) {
        let export = write_conll(&[Article::new("a", text, BTreeMap::new())], spans, scheme);
        (String::from_utf8(export.bytes).unwrap(), export.cut_tokens)
    }

    #[test]
    fn punctuation_sentences_and_schemes() {
        let text = "زار سيرغي لافروف موسكو،\nثم عاد.";
        let spans = [Span::new("a", 4, 16, "PER"), Span::new("a", 17, 22, "LOC")];
        let (iob2, cut) = conll(text, &spans, TagScheme::Iob2);
        assert_eq!(iob2, "-DOCSTART- O\n\nزار O\nسيرغي B-PER\nلافروف I-PER\nموسكو B-LOC\n، O\n\nثم O\nعاد O\n. O\n\n");
        assert_eq!(cut, 0);
        let (bilou, _) = conll(text, &spans, TagScheme::Bilou);
        assert!(bilou.contains("سيرغي B-PER\nلافروف L-PER\nموسكو U-LOC\n"), "{bilou}");
        let (bmes, _) = conll("a b c", &[Span::new("a", 0, 5, "X")], TagScheme::Bmes);
        assert!(bmes.contains("a B-X\nb M-X\nc E-X\n"), "{bmes}");
        let (iob1, _) = conll("a b c", &[Span::new("a", 0, 1, "X"), Span::new("a", 4, 5, "X")], TagScheme::Iob1);
        assert!(iob1.contains("a I-X\nb O\nc I-X\n"), "{iob1}");
        let (iob1, _) = conll("a b", &[Span::new("a", 0, 1, "X"), Span::new("a", 2, 3, "X")], TagScheme::Iob1);
        assert!(iob1.contains("a I-X\nb B-X\n"), "{iob1}");
    }

    #[test]
    fn spans_inside_tokens_cut_them_and_overlaps_get_columns() {
        let (text, cut) = conll("والقاهرة", &[Span::new("a", 1, 8, "LOC")], TagScheme::Iob2);
        assert_eq!(text, "-DOCSTART- O\n\nو O\nالقاهرة B-LOC\n\n");
        assert_eq!(cut, 1);
        let spans = [Span::new("a", 0, 19, "ORG"), Span::new("a", 12, 19, "GPE")];
        let (text, _) = conll("وزارة الصحة المصرية", &spans, TagScheme::Iob2);
        assert_eq!(text, "-DOCSTART- O\n\nوزارة B-ORG\nالصحة I-ORG\nالمصرية I-ORG B-GPE\n\n");
    }
}
