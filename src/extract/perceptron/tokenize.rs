//! Splitting an article into sentences of tokens, each token with its code-point offsets.
//!
//! The rules are deliberately simple, so that a user can predict where a span may start and
//! end:
//! - a **sentence** is a line: text is split at `\n` (a `\r` before it is whitespace);
//! - a **word** is a maximal run of letters, digits and the marks that live inside Arabic words
//!   (harakat, shadda, superscript alef, tatweel, ZWJ/ZWNJ);
//! - inside a number, `.` `,` `:` `/` and the Arabic decimal and thousands separators `٫` `٬`
//!   stay in the word when a digit follows (`3.5`, `10:30`, `12/5/2020`, `٣٫٥`);
//! - every other character that is not whitespace or a bidi control mark is a token of its own:
//!   `،` `؛` `؟` `«` `»` `“` `”` `(` `-` `.` …
//!
//! Tokens never cross whitespace, so text rebuilt from a CoNLL file by joining its tokens with
//! spaces is split at least as finely as the file was.

/// One token: its text and where it lies in the article, in code points, end-exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

/// Characters that belong inside a word besides letters and digits.
fn is_word_mark(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}' // Quranic marks
        | '\u{064B}'..='\u{065F}' // harakat, shadda, sukun
        | '\u{0670}' // superscript alef
        | '\u{0640}' // tatweel
        | '\u{06D6}'..='\u{06ED}'
        | '\u{200C}' | '\u{200D}') // ZWNJ, ZWJ
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_word_mark(c)
}

/// Separators that stay inside a number when digits surround them.
fn joins_digits(c: char) -> bool {
    matches!(c, '.' | ',' | ':' | '/' | '٫' | '٬')
}

/// Whitespace and the invisible controls that separate tokens without being one.
fn is_gap(c: char) -> bool {
    c.is_whitespace() || crate::model::is_bidi_mark(c) || c == '\u{FEFF}'
}

/// The sentences of `text`, each a list of tokens; empty lines give no sentence.
pub fn tokenize<'a>(text: &'a str) -> Vec<Vec<Token<'a>>> {
    let mut sentences = Vec::new();
    let mut current = Vec::new();
    // (byte, code point) of the word being read.
    let mut word: Option<(usize, usize)> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let close_word = |word: &mut Option<(usize, usize)>, current: &mut Vec<Token<'a>>, byte: usize, at: usize| {
        if let Some((start_byte, start)) = word.take() {
            current.push(Token { start, end: at, text: &text[start_byte..byte] });
        }
    };
    for (at, &(byte, c)) in chars.iter().enumerate() {
        if is_word_char(c) {
            word.get_or_insert((byte, at));
            continue;
        }
        let previous_is_digit = at > 0 && chars[at - 1].1.is_numeric();
        let next_is_digit = chars.get(at + 1).is_some_and(|&(_, n)| n.is_numeric());
        if word.is_some() && joins_digits(c) && previous_is_digit && next_is_digit {
            continue;
        }
        close_word(&mut word, &mut current, byte, at);
        if c == '\n' {
            if !current.is_empty() {
                sentences.push(std::mem::take(&mut current));
            }
        } else if !is_gap(c) {
            current.push(Token { start: at, end: at + 1, text: &text[byte..byte + c.len_utf8()] });
        }
    }
    close_word(&mut word, &mut current, text.len(), chars.len());
    if !current.is_empty() {
        sentences.push(current);
    }
    sentences
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<Vec<&str>> {
        tokenize(text).iter().map(|s| s.iter().map(|t| t.text).collect()).collect()
    }

    #[test]
    fn splits_arabic_punctuation_and_quotes() {
        assert_eq!(texts("قال «لافروف»، هل؟ نعم؛ “حسنا”."), [["قال", "«", "لافروف", "»", "،", "هل", "؟", "نعم", "؛", "“", "حسنا", "”", "."]]);
    }

    #[test]
    fn offsets_are_code_points_and_keep_diacritics_inside_words() {
        let text = "ذَهَبَ مُحَمَّدٌ، إلى دمشق";
        let sentence = &tokenize(text)[0];
        let chars: Vec<char> = text.chars().collect();
        for token in sentence {
            let covered: String = chars[token.start..token.end].iter().collect();
            assert_eq!(covered, token.text);
        }
        assert_eq!(sentence[1].text, "مُحَمَّدٌ");
        assert_eq!((sentence[1].start, sentence[1].end), (7, 16));
        assert_eq!(sentence[2].text, "،");
    }

    #[test]
    fn keeps_numbers_whole_and_splits_lines() {
        assert_eq!(texts("بلغ 3.5 في 12/5/2020 و٣٫٥.\nسطر  ثان\n\n"), vec![vec!["بلغ", "3.5", "في", "12/5/2020", "و٣٫٥", "."], vec!["سطر", "ثان"],]);
    }

    #[test]
    fn tatweel_and_bidi_marks() {
        assert_eq!(texts("الـرئيس\u{200F} (د ب أ)"), [["الـرئيس", "(", "د", "ب", "أ", ")"]]);
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \n ").is_empty());
    }
}
