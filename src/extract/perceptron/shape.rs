//! What a word looks like regardless of which word it is: its shape class (Arabic, Latin
//! capitalised, digits, punctuation…), its length, the marks it carries (diacritics, tatweel,
//! Arabic-Indic digits), and its first and last letters. These let the tagger say something
//! about words it has never seen.

/// What a token looks like, as a coarse class.
pub(crate) fn shape(word: &str) -> &'static str {
    let (mut arabic, mut upper, mut lower, mut digit, mut other) = (0, 0, 0, 0, 0);
    for c in word.chars() {
        match c {
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' if !c.is_numeric() => arabic += 1,
            _ if c.is_numeric() => digit += 1,
            _ if c.is_uppercase() => upper += 1,
            _ if c.is_alphabetic() => lower += 1,
            _ => other += 1,
        }
    }
    let latin = upper + lower;
    match (arabic > 0, latin > 0, digit > 0, other > 0) {
        (true, false, false, false) => "arabic",
        (false, true, false, false) if upper == 0 => "lower",
        (false, true, false, false) if lower == 0 => "upper",
        (false, true, false, false) => "capitalised",
        (false, false, true, false) => "digits",
        (false, false, false, _) => "punct",
        (true, false, true, false) => "arabic-digits",
        _ => "mixed",
    }
}

pub(crate) fn length_class(word: &str) -> &'static str {
    match word.chars().count() {
        0..=1 => "1",
        2 => "2",
        3 => "3",
        4 => "4",
        5..=6 => "5-6",
        _ => "7+",
    }
}

/// The first or last `n` characters of `s` (all of it when shorter).
pub(crate) fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(b, _)| &s[..b])
}

pub(crate) fn suffix(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    s.char_indices().nth(count - n).map_or(s, |(b, _)| &s[b..])
}

/// The marks a word carries that normalisation erases: harakat, tatweel, Arabic-Indic or
/// Eastern Arabic-Indic digits, Latin letters. Names and loanwords are often voweled or
/// stretched in headlines, and figures written in Arabic-Indic digits are rarely entities.
pub(crate) fn marks(word: &str) -> impl Iterator<Item = &'static str> {
    let has = |test: fn(char) -> bool| word.chars().any(test);
    [
        (has(|c| matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')), "harakat"),
        (has(|c| c == '\u{0640}'), "tatweel"),
        (has(|c| matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')), "indic-digits"),
        (has(|c| c.is_ascii_alphabetic()), "latin"),
        (has(|c| c.is_ascii_digit()), "ascii-digits"),
    ]
    .into_iter()
    .filter(|(present, _)| *present)
    .map(|(_, name)| name)
}

/// The letter trigrams of `^word$` (boundaries marked), or the whole of it when shorter.
pub(crate) fn trigrams(word: &str) -> Vec<String> {
    let letters: Vec<char> = std::iter::once('^').chain(word.chars()).chain(['$']).collect();
    if letters.len() <= 3 {
        return vec![letters.iter().collect()];
    }
    letters.windows(3).map(|w| w.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for (word, expected) in [
            ("القاهرة", "arabic"),
            ("NATO", "upper"),
            ("Reuters", "capitalised"),
            ("news", "lower"),
            ("2024", "digits"),
            ("٢٠٢٤", "digits"),
            ("«", "punct"),
            ("و2024", "arabic-digits"),
            ("ABCقال", "mixed"),
        ] {
            assert_eq!(shape(word), expected, "{word}");
        }
    }

    #[test]
    fn prefixes_and_suffixes_count_characters() {
        assert_eq!(prefix("قاهره", 2), "قا");
        assert_eq!(suffix("قاهره", 2), "ره");
        assert_eq!(suffix("في", 3), "في");
        assert_eq!(prefix("", 1), "");
    }

    #[test]
    fn marks_and_trigrams() {
        assert_eq!(marks("مُحَمَّد").collect::<Vec<_>>(), ["harakat"]);
        assert_eq!(marks("الـرئيس").collect::<Vec<_>>(), ["tatweel"]);
        assert_eq!(marks("٢٠٢٤").collect::<Vec<_>>(), ["indic-digits"]);
        assert_eq!(marks("CNN 2").collect::<Vec<_>>(), ["latin", "ascii-digits"]);
        assert_eq!(marks("دمشق").count(), 0);
        assert_eq!(trigrams("قاهره"), ["^قا", "قاه", "اهر", "هره", "ره$"]);
        assert_eq!(trigrams("و"), ["^و$"]);
    }
}
