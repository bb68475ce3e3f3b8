//! Where a gazetteer match may start and end, decided from the few characters around it.
//!
//! A word is a run of letters and digits (`char::is_alphanumeric`) of the folded text. A match
//! ends where a word ends (or on punctuation), and starts where a word starts, on punctuation,
//! or right after the proclitic that opens a word (`crate::arabic::clitics`). The particles are
//! at most two letters and a reading must leave [`MIN_STEM`] letters, so every question here
//! looks at most a few characters either side of the match: the search never needs the word
//! structure of the whole text, only that of the rare places where a name was found.

use std::sync::OnceLock;

use crate::arabic::clitics::{MIN_STEM, PROCLITICS};
use crate::model::is_continuation;

/// A letter or digit: `char::is_alphanumeric`, answered from a bitmap for the first 2,048 code
/// points (Latin, Greek, Cyrillic, Hebrew, Arabic and its supplement), whose lookups in the
/// standard library's tables cost a search each.
pub(super) fn is_word_char(c: char) -> bool {
    static TWO_BYTE: OnceLock<[u64; 32]> = OnceLock::new();
    let code = c as usize;
    if code >= 32 * 64 {
        return c.is_alphanumeric();
    }
    let bits = TWO_BYTE.get_or_init(|| {
        let mut bits = [0u64; 32];
        for c in (0..32 * 64).filter_map(char::from_u32).filter(|c| c.is_alphanumeric()) {
            bits[c as usize / 64] |= 1 << (c as usize % 64);
        }
        bits
    });
    bits[code / 64] >> (code % 64) & 1 == 1
}

/// Whether a match that ends at byte `end` of `text` ends a word: the next character is not a
/// letter or digit, or the match's own last character is not.
pub(super) fn ends_word(text: &str, end: usize) -> bool {
    let next = text[end..].chars().next();
    let last = text[..end].chars().next_back();
    !next.is_some_and(is_word_char) || !last.is_some_and(is_word_char)
}

/// Whether a name as written may start at byte `start` (before the end): on a character that
/// is not a letter or digit, at the start of a word, or right after a particle that opens the word, when at least
/// [`MIN_STEM`] letters of the word follow.
pub(super) fn starts_plain(text: &str, start: usize) -> bool {
    let (before, after) = text.split_at(start);
    let Some(first) = after.chars().next() else {
        return false;
    };
    if !is_word_char(first) || !before.chars().next_back().is_some_and(is_word_char) {
        return true;
    }
    word_runs(after, MIN_STEM) && PROCLITICS.iter().any(|particle| opens_word(before, particle))
}

/// Whether a name spelled with `ال`, written without its alef after the particle `ل`, may
/// start at byte `start`: a particle ending in `ل` opens the word just before, and the word goes
/// on with the article's `ل` and at least [`MIN_STEM`] letters of stem (`للأمم` from its second
/// `ل`).
pub(super) fn starts_after_lam(text: &str, start: usize) -> bool {
    let (before, after) = text.split_at(start);
    let Some(stem) = after.strip_prefix('ل') else {
        return false;
    };
    word_runs(stem, MIN_STEM) && PROCLITICS.iter().filter(|particle| particle.ends_with('ل')).any(|particle| opens_word(before, particle))
}

/// Whether `text` opens with at least `letters` letters or digits.
fn word_runs(text: &str, letters: usize) -> bool {
    let mut chars = text.chars();
    (0..letters).all(|_| chars.next().is_some_and(is_word_char))
}

/// Whether `before` ends with `particle` standing at the start of a word (nothing, or no
/// letter or digit, before it).
fn opens_word(before: &str, particle: &str) -> bool {
    before.strip_suffix(particle).is_some_and(|head| !head.chars().next_back().is_some_and(is_word_char))
}

/// Turns byte offsets of a text into character indexes, counting on from the last offset asked
/// when offsets come in order (as the automaton's match ends do), and from the start otherwise.
#[derive(Debug, Default)]
pub(super) struct CharIndexes {
    byte: usize,
    index: usize,
}

impl CharIndexes {
    /// The character index of byte `byte` of `text` (a character boundary).
    pub(super) fn at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = CharIndexes::default();
        }
        self.index += text.as_bytes()[self.byte..byte].iter().filter(|&&b| !is_continuation(b)).count();
        self.byte = byte;
        self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_chars_are_letters_and_digits() {
        for c in (0..=0x2FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
        for particle in PROCLITICS {
            assert!(particle.chars().all(is_word_char), "{particle}");
        }
    }

    #[test]
    fn decides_starts_and_ends_from_neighbours() {
        // (text, byte offset of `|`, ends a word, plain start, start after ل)
        let cases: &[(&str, bool, bool, bool)] = &[
            ("|روسيا", true, true, false),
            ("زار |روسيا", true, true, false),
            ("و|روسيا", false, true, false),
            ("ول|روسيا", false, true, false),
            ("فلل|روسيا", false, false, false),
            ("تو|روسيا", false, false, false),
            ("و|ر", false, false, false),
            ("ل|لامم", false, true, true),
            ("فل|لامم", false, true, true),
            ("ب|لامم", false, true, false),
            ("ل|لا", false, true, false),
            ("(|أ", true, true, false),
            ("روسيا|", true, false, false),
            ("روسيا| ", true, true, false),
            ("روسيا|2018", false, false, false),
            ("روسيا.|ب", true, true, false),
        ];
        for &(marked, ends, plain, after_lam) in cases {
            let at = marked.find('|').unwrap();
            let text = marked.replacen('|', "", 1);
            assert_eq!(ends_word(&text, at), ends, "ends {marked}");
            assert_eq!(starts_plain(&text, at), plain, "plain {marked}");
            assert_eq!(starts_after_lam(&text, at), after_lam, "after lam {marked}");
        }
    }

    #[test]
    fn counts_characters_in_and_out_of_order() {
        let text = "😀 قالَ a";
        let mut indexes = CharIndexes::default();
        let expected: Vec<usize> = (0..=text.len()).filter(|&b| text.is_char_boundary(b)).collect();
        for (index, &byte) in expected.iter().enumerate() {
            assert_eq!(indexes.at(text, byte), index);
        }
        assert_eq!(indexes.at(text, 4), 1);
        assert_eq!(indexes.at(text, text.len()), text.chars().count());
    }
}
