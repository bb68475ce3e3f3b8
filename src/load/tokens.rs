//! The tokenizer exports use where a format wants tokens (CoNLL lines, Prodigy's `tokens`):
//! whitespace separates tokens, and punctuation — Arabic (، ؛ ؟ ٪ « » and the Arabic full
//! stop) and Latin (. , ; : ! ? " ' ( ) [ ] “ ” ‘ ’ …) — is a token of its own, so that
//! `موسكو،` gives `موسكو` and `،`. Letters, digits, diacritics, tatweel and joiners stay inside
//! their word. Offsets are code points, end-exclusive.

/// A token's code-point range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '،' | '؛'
            | '؟'
            | '٪'
            | '۔'
            | '«'
            | '»'
            | '.'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
            | '–'
            | '—'
    )
}

/// Splits a text into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    for (k, c) in text.chars().enumerate() {
        if c.is_whitespace() || is_punctuation(c) {
            if let Some(s) = start.take() {
                tokens.push(Token { start: s, end: k });
            }
            if !c.is_whitespace() {
                tokens.push(Token { start: k, end: k + 1 });
            }
        } else if start.is_none() {
            start = Some(k);
        }
    }
    if let Some(s) = start {
        tokens.push(Token { start: s, end: text.chars().count() });
    }
    tokens
}

/// Tokens cut at every span boundary that falls inside one, so that every span covers whole
/// tokens; also returns the boundaries that needed a cut.
pub fn tokenize_at(text: &str, boundaries: &[usize]) -> (Vec<Token>, Vec<usize>) {
    let mut cuts: Vec<usize> = boundaries.to_vec();
    cuts.sort_unstable();
    cuts.dedup();
    let mut tokens = Vec::new();
    let mut moved = Vec::new();
    for token in tokenize(text) {
        let mut start = token.start;
        for &cut in cuts.iter().filter(|&&c| c > token.start && c < token.end) {
            tokens.push(Token { start, end: cut });
            moved.push(cut);
            start = cut;
        }
        tokens.push(Token { start, end: token.end });
    }
    (tokens, moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(text).iter().map(|t| chars[t.start..t.end].iter().collect()).collect()
    }

    #[test]
    fn arabic_and_latin_punctuation_are_tokens() {
        assert_eq!(words("قال «لافروف»، في موسكو؟"), ["قال", "«", "لافروف", "»", "،", "في", "موسكو", "؟"]);
        assert_eq!(words("U.S. (2018)"), ["U", ".", "S", ".", "(", "2018", ")"]);
        assert_eq!(words("مُحَمَّد عـــلي 😀"), ["مُحَمَّد", "عـــلي", "😀"]);
        assert_eq!(words(" \r\n "), Vec::<String>::new());
    }

    #[test]
    fn spans_inside_a_token_cut_it() {
        let (tokens, moved) = tokenize_at("والقاهرة", &[1, 8]);
        assert_eq!(tokens, [Token { start: 0, end: 1 }, Token { start: 1, end: 8 }]);
        assert_eq!(moved, [1]);
    }
}
