//! Words, numbers and punctuation of Arabic news text, with their code-point offsets: the
//! shared ground the quote, speaker and date rules stand on.
//!
//! Rules compare words in a normalised spelling, because news copy writes the same word
//! several ways: with or without short vowels and tatweel (`غداً`, `غدا`), with or without
//! hamza on the alif (`أكد`, `اكد`), with `ى` or `ي` at the end (`رأى`, `راي`). Offsets always
//! stay those of the surface text.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A run of letters (with any short vowels and tatweel inside).
    Word,
    /// A run of digits, ASCII or Arabic-Indic.
    Number,
    /// One punctuation character; a line break is `Punct('\n')`.
    Punct(char),
}

/// One token: its kind, its code-point range in the article, and its normalised spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// The surface text, as written.
    pub surface: String,
    /// [`normalize`]d for words, the ASCII digits for numbers, the character for punctuation.
    pub norm: String,
}

impl Token {
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// The number a [`Kind::Number`] token spells, when it fits.
    pub fn number(&self) -> Option<u32> {
        if self.kind != Kind::Number || self.norm.len() > 9 {
            return None;
        }
        self.norm.parse().ok()
    }

    /// Ends a sentence: a full stop, question or exclamation mark, semicolon or line break.
    pub fn ends_sentence(&self) -> bool {
        matches!(self.kind, Kind::Punct('.' | '!' | '?' | '؟' | ';' | '؛' | '\n'))
    }
}

use crate::arabic::clitics::PROCLITICS;
pub(crate) use crate::arabic::normalize::is_diacritic;

fn is_word_char(c: char) -> bool {
    (c.is_alphabetic() && digit_value(c).is_none()) || is_diacritic(c) || c == '\u{0640}'
}

/// The value of an ASCII, Arabic-Indic (`٠`–`٩`) or Persian (`۰`–`۹`) digit.
pub(crate) fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// Splits `chars` into tokens. Whitespace and bidi marks separate tokens and are dropped,
/// except line breaks, which end paragraphs and so become tokens of their own.
pub(crate) fn tokenize(chars: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let kind = if is_word_char(c) {
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            Kind::Word
        } else if digit_value(c).is_some() {
            while i < chars.len() && digit_value(chars[i]).is_some() {
                i += 1;
            }
            Kind::Number
        } else if c == '\n' || !(c.is_whitespace() || crate::model::is_bidi_mark(c)) {
            i += 1;
            Kind::Punct(c)
        } else {
            i += 1;
            continue;
        };
        let surface: String = chars[start..i].iter().collect();
        let norm = match kind {
            Kind::Word => normalize(&surface),
            Kind::Number => surface.chars().filter_map(digit_value).map(|d| char::from(b'0' + d as u8)).collect(),
            Kind::Punct(_) => surface.clone(),
        };
        tokens.push(Token { kind, start, end: i, surface, norm });
    }
    tokens
}

/// The spelling rules compare: no short vowels or tatweel, every alif with hamza or madda as
/// a bare alif, final `ى` as `ي`. `ة` is kept: it tells nouns from verbs.
pub(crate) fn normalize(word: &str) -> String {
    word.chars()
        .filter(|&c| !is_diacritic(c) && c != '\u{0640}')
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            _ => c,
        })
        .collect()
}

/// The readings of a normalised word with and without a proclitic (`crate::arabic::clitics`):
/// the whole word first, then each (proclitic length, rest) whose rest is at least two
/// letters, longer proclitics first.
pub(crate) fn readings(norm: &str) -> Vec<(usize, &str)> {
    let mut out = vec![(0, norm)];
    for proclitic in PROCLITICS.iter().rev() {
        if let Some(rest) = norm.strip_prefix(proclitic) {
            if rest.chars().count() >= 2 {
                out.push((proclitic.chars().count(), rest));
            }
        }
    }
    out
}

/// Whether a normalised word is in `list`, with or without a proclitic or the article
/// (`لنظيره`, `الوزير`, `بعنوان`).
pub(crate) fn in_list(norm: &str, list: &[&str]) -> bool {
    readings(norm).iter().any(|(_, rest)| list.contains(rest) || rest.strip_prefix("ال").is_some_and(|r| list.contains(&r)))
}

/// The rest of a normalised word after an optional conjunction `و` or `ف`.
pub(crate) fn without_conjunction(norm: &str) -> &str {
    match norm.strip_prefix(['و', 'ف']) {
        Some(rest) if rest.chars().count() >= 2 => rest,
        _ => norm,
    }
}

/// The code-point offset, inside a surface word, just after its first `letters` letters (and
/// the short vowels written on them): where a span starts once a proclitic is left out.
pub(crate) fn offset_after_letters(surface: &str, letters: usize) -> usize {
    let mut seen = 0;
    for (k, c) in surface.chars().enumerate() {
        if !is_diacritic(c) && c != '\u{0640}' {
            if seen == letters {
                return k;
            }
            seen += 1;
        }
    }
    surface.chars().count()
}

/// Whether a normalised word carries the definite article, with or without a proclitic
/// (`الخارجية`, `بالانتخابات`, `للحوار`).
pub(crate) fn has_article(norm: &str) -> bool {
    // إلى and إلا begin with the same two letters but carry no article.
    if matches!(norm, "الي" | "الا") {
        return false;
    }
    norm.starts_with("ال")
        || ["وال", "فال", "بال", "كال", "وبال", "فبال"].iter().any(|p| norm.starts_with(p))
        || (norm.starts_with("لل") && norm.chars().count() > 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn tokens_keep_code_point_offsets() {
        let text = "قال لافروف: “نعم” عام ٢٠١٨م\nوأضافَ";
        let tokens = tokenize(&chars(text));
        let got: Vec<(Kind, usize, usize, &str)> = tokens.iter().map(|t| (t.kind, t.start, t.end, t.norm.as_str())).collect();
        assert_eq!(
            got,
            [
                (Kind::Word, 0, 3, "قال"),
                (Kind::Word, 4, 10, "لافروف"),
                (Kind::Punct(':'), 10, 11, ":"),
                (Kind::Punct('“'), 12, 13, "“"),
                (Kind::Word, 13, 16, "نعم"),
                (Kind::Punct('”'), 16, 17, "”"),
                (Kind::Word, 18, 21, "عام"),
                (Kind::Number, 22, 26, "2018"),
                (Kind::Word, 26, 27, "م"),
                (Kind::Punct('\n'), 27, 28, "\n"),
                (Kind::Word, 28, 34, "واضاف"),
            ]
        );
    }

    #[test]
    fn normalises_spelling_variants() {
        let cases = [("أكّد", "اكد"), ("غداً", "غدا"), ("رأى", "راي"), ("إنّه", "انه"), ("آذار", "اذار"), ("عـــام", "عام")];
        for (word, want) in cases {
            assert_eq!(normalize(word), want, "{word}");
        }
    }

    #[test]
    fn readings_strip_one_proclitic_group() {
        assert_eq!(readings("لعام"), [(0, "لعام"), (1, "عام")]);
        assert_eq!(readings("وبعام"), [(0, "وبعام"), (2, "عام"), (1, "بعام")]);
        assert_eq!(readings("وب"), [(0, "وب")]);
        assert_eq!(offset_after_letters("وَلعام", 2), 3);
        assert_eq!(without_conjunction("وقال"), "قال");
        assert_eq!(without_conjunction("وب"), "وب");
    }

    #[test]
    fn definite_article_after_proclitics() {
        let cases = [("الخارجية", true), ("بالانتخابات", true), ("للحوار", true), ("لندن", false), ("لافروف", false), ("الي", false), ("الاسد", true)];
        for (word, want) in cases {
            assert_eq!(has_article(word), want, "{word}");
        }
    }
}
