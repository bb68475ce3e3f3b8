//! Arabic orthographic normalisation that remembers where every character came from.
//!
//! Arabic news writes the same name many ways: `أحمد`/`احمد`, `سورية`/`سوريه`, with or without
//! diacritics, stretched with tatweel, sprinkled with invisible bidi marks by copy-and-paste,
//! and with Arabic-Indic digits. Matching (lists, features) wants one spelling; scoring wants
//! offsets in the article as written. [`normalize_with`] gives both: the folded text and, for
//! every character of it, the range of original code points it stands for, so a range of the
//! folded text maps back with [`Normalized::original_range`] and a range of the original maps
//! forward with [`Normalized::normalized_range`]. Which folds run is a [`Steps`] value;
//! [`normalize`], [`normalize_spacing`] and [`normalize_word`] are the extractors' fold
//! ([`Steps::MATCHING`]).
//!
//! The Arabic folds are one character to one character or a removal. The Unicode forms work
//! on clusters (a starter and the marks that follow it): every character a cluster becomes
//! stands for the whole cluster, so a ligature that NFKC expands (`ﷲ` → `الله`) maps back to
//! its one original character, and ranges stay contiguous and in order either way.

use super::steps::{Steps, UnicodeForm};
use super::unicode;

/// Text after [`normalize_with`], with the way back to the original's code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The folded text.
    pub text: String,
    /// For each character of `text`: the original code-point range it stands for. The range
    /// starts at the character itself and runs over the diacritics that follow it, which
    /// belong to that letter even though the fold removed them.
    origins: Origins,
    /// Code points in the original text.
    original_len: usize,
}

impl Normalized {
    /// Length of the folded text in code points.
    pub fn char_len(&self) -> usize {
        self.origins.len()
    }

    /// Code points in the original text.
    pub fn original_len(&self) -> usize {
        self.original_len
    }

    /// The original code-point range `[start, end)` that the folded range `[start, end)`
    /// covers. The result starts on a kept character and ends after a kept character and its
    /// diacritics, never on a removed tatweel, bidi mark or joiner. Offsets past the end are
    /// clamped; an empty range maps to an empty range.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let len = self.origins.len();
        let (start, end) = (start.min(len), end.min(len));
        let begin = self.origins.get(start).map_or(self.original_len, |o| o.0);
        if end <= start {
            return (begin, begin);
        }
        (begin, self.origins.get(end - 1).map_or(self.original_len, |o| o.1))
    }

    /// The folded range that the original range `[start, end)` becomes: the folded
    /// characters whose origin starts inside it. A removed character contributes nothing, a
    /// cluster that starts inside the range comes whole.
    pub fn normalized_range(&self, start: usize, end: usize) -> (usize, usize) {
        let begin = self.origins.starting_before(start);
        let finish = self.origins.starting_before(end).max(begin);
        (begin, finish)
    }

    /// The original code-point offset of the folded character at `index` (the original length
    /// past the end).
    pub fn original_offset(&self, index: usize) -> usize {
        self.origins.get(index).map_or(self.original_len, |o| o.0)
    }
}

/// The original range of every folded character, stored as pieces: runs of characters that
/// each stand for one original character, the next one after the other (what folding leaves
/// of most text), of which only the last may stand for more (its diacritics, a run of
/// whitespace). A piece ends where the origins jump (a removed character) or where its last
/// character took more than itself; so the pieces of a mapping are always the same, and equal
/// mappings compare equal. A text keeps a piece per removed character or merged run, not a
/// pair of offsets per character.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Origins {
    pieces: Vec<Piece>,
    len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Index of its first folded character.
    first: usize,
    /// Original index of its first character; its `k`th stands for `start + k`.
    start: usize,
    len: usize,
    /// Where the last character's original range ends (`start + len` when it stands for itself
    /// alone).
    end: usize,
}

impl Origins {
    fn len(&self) -> usize {
        self.len
    }

    /// Appends a character standing for the original `[start, end)`.
    fn push(&mut self, start: usize, end: usize) {
        self.extend(start, 1, end);
    }

    /// Appends `len` characters standing for themselves from original index `start` on, the
    /// last for `[start + len - 1, end)`.
    fn extend(&mut self, start: usize, len: usize, end: usize) {
        if len == 0 {
            return;
        }
        match self.pieces.last_mut() {
            Some(last) if last.end == last.start + last.len && last.end == start => {
                last.len += len;
                last.end = end;
            }
            _ => self.pieces.push(Piece { first: self.len, start, len, end }),
        }
        self.len += len;
    }

    /// The original range of the last character.
    fn last(&self) -> Option<(usize, usize)> {
        self.pieces.last().map(|p| (p.start + p.len - 1, p.end))
    }

    /// Makes the last character's original range end at `end`.
    fn set_last_end(&mut self, end: usize) {
        if let Some(last) = self.pieces.last_mut() {
            last.end = end;
        }
    }

    fn get(&self, index: usize) -> Option<(usize, usize)> {
        if index >= self.len {
            return None;
        }
        let piece = self.pieces[self.pieces.partition_point(|p| p.first <= index) - 1];
        let start = piece.start + (index - piece.first);
        let end = if index + 1 == piece.first + piece.len { piece.end } else { start + 1 };
        Some((start, end))
    }

    /// How many characters stand for originals that start before `original`. The starts never
    /// go down, so those are the first ones.
    fn starting_before(&self, original: usize) -> usize {
        match self.pieces.partition_point(|p| p.start < original) {
            0 => 0,
            after => {
                let piece = self.pieces[after - 1];
                piece.first + piece.len.min(original - piece.start)
            }
        }
    }
}

/// What the fold does with one character.
enum Fold {
    Keep(char),
    /// Removed, but part of the letter before it (a diacritic).
    Attach,
    /// Removed outright (tatweel, bidi mark, joiner).
    Drop,
}

/// Short vowels, shadda, sukun, dagger alif and the Quranic marks written over or under
/// letters (U+064B–U+065F, U+0670, U+06D6–U+06ED).
pub fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Zero-width spaces, (non-)joiners, the word joiner and the byte-order mark.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

fn fold(c: char, steps: &Steps) -> Fold {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' if steps.alef => Fold::Keep('ا'),
        'ى' if steps.ya => Fold::Keep('ي'),
        'ی' if steps.persian => Fold::Keep('ي'),
        'ک' if steps.persian => Fold::Keep('ك'),
        'ة' if steps.ta_marbuta => Fold::Keep('ه'),
        'ؤ' if steps.hamza => Fold::Keep('و'),
        'ئ' if steps.hamza => Fold::Keep('ي'),
        '\u{0660}'..='\u{0669}' if steps.digits => Fold::Keep(ascii_digit(c, '\u{0660}')),
        '\u{06F0}'..='\u{06F9}' if steps.digits => Fold::Keep(ascii_digit(c, '\u{06F0}')),
        c if steps.diacritics && is_diacritic(c) => Fold::Attach,
        '\u{0610}'..='\u{061A}' if steps.quranic_signs => Fold::Attach,
        '\u{0640}' if steps.tatweel => Fold::Drop,
        c if steps.controls && (is_zero_width(c) || crate::model::is_bidi_mark(c)) => Fold::Drop,
        c => Fold::Keep(c),
    }
}

/// Characters that [`fold`] keeps as they are whatever the steps: everything below the Arabic
/// block and in U+0700–U+07FF, and the Arabic letters no step changes. Most of an article's
/// characters, for which [`normalize_with`] then skips `fold`.
fn is_never_folded(c: char) -> bool {
    match c {
        '\u{0000}'..='\u{05FF}' | '\u{0700}'..='\u{07FF}' => true,
        'آ' | 'أ' | 'ؤ' | 'إ' | 'ئ' | 'ة' | 'ى' => false,
        '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => true,
        _ => false,
    }
}

fn ascii_digit(c: char, zero: char) -> char {
    char::from(b'0' + (c as u32 - zero as u32) as u8)
}

/// Folds `text` with the extractors' steps ([`Steps::MATCHING`]): alef forms `أ إ آ ٱ` → `ا`,
/// `ى` and Persian `ی` → `ي`, `ة` → `ه`, Persian `ک` → `ك`, Arabic-Indic and Extended
/// Arabic-Indic digits → ASCII; removes tatweel, the diacritics ([`is_diacritic`]), bidi marks
/// and zero-width (non-)joiners and spaces.
pub fn normalize(text: &str) -> Normalized {
    normalize_with(text, &Steps::MATCHING)
}

/// [`normalize`], with every run of whitespace also folded to one character: `\n` when the run
/// holds a line break, else a space. Multi-word names then match whatever spacing the
/// article uses, but never across lines.
pub(crate) fn normalize_spacing(text: &str) -> Normalized {
    normalize_with(text, &Steps { whitespace: true, ..Steps::MATCHING })
}

/// Folds `text` with `steps`, keeping the way back to the original's code points.
pub fn normalize_with(text: &str, steps: &Steps) -> Normalized {
    let mut folder = Folder { steps, out: String::with_capacity(text.len()), origins: Origins::default() };
    let original_len = match steps.unicode {
        UnicodeForm::None => {
            // Runs of characters that every step keeps as they are are copied whole, and so is
            // a lone space after one of them (what `push` would do with it); `push` sees the
            // others, with the text and origins up to date.
            let (mut run_byte, mut run_index, mut index) = (0, 0, 0);
            let mut after_kept = false;
            for (byte, c) in text.char_indices() {
                let space = steps.whitespace && c.is_whitespace();
                let kept = is_never_folded(c) && (!space || (c == ' ' && after_kept));
                if !kept {
                    folder.copy(&text[run_byte..byte], run_index..index);
                    folder.push(c, index, index + 1);
                    (run_byte, run_index) = (byte + c.len_utf8(), index + 1);
                }
                after_kept = kept && !space;
                index += 1;
            }
            folder.copy(&text[run_byte..], run_index..index);
            index
        }
        form => unicode::clusters(text, form, |c, start, end| folder.push(c, start, end)),
    };
    Normalized { text: folder.out, origins: folder.origins, original_len }
}

/// The fold in progress: the text so far and each character's origin.
struct Folder<'a> {
    steps: &'a Steps,
    out: String,
    origins: Origins,
}

impl Folder<'_> {
    /// Appends `kept`, the original's characters `indexes`, which the fold keeps as they are.
    fn copy(&mut self, kept: &str, indexes: std::ops::Range<usize>) {
        self.out.push_str(kept);
        self.origins.extend(indexes.start, indexes.len(), indexes.end);
    }

    /// Folds one character that stands for the original code points `[start, end)`.
    fn push(&mut self, c: char, start: usize, end: usize) {
        match fold(c, self.steps) {
            Fold::Keep(c) if self.steps.whitespace && c.is_whitespace() => {
                let folded = if c == '\n' { '\n' } else { ' ' };
                if self.out.ends_with([' ', '\n']) {
                    // One run, one character; a line break anywhere in the run wins.
                    if folded == '\n' && self.out.ends_with(' ') {
                        self.out.pop();
                        self.out.push('\n');
                    }
                    if let Some((_, last_end)) = self.origins.last() {
                        self.origins.set_last_end(last_end.max(end));
                    }
                } else {
                    self.out.push(folded);
                    self.origins.push(start, end);
                }
            }
            Fold::Keep(c) => {
                self.out.push(c);
                self.origins.push(start, end);
            }
            Fold::Attach => {
                if self.origins.last().is_some_and(|(_, last_end)| last_end == start) {
                    self.origins.set_last_end(end);
                }
            }
            Fold::Drop => {}
        }
    }
}

/// The fold of [`normalize`] without the way back: for list entries, dictionary keys and
/// features.
pub fn normalize_word(word: &str) -> String {
    word.chars()
        .filter_map(|c| match fold(c, &Steps::MATCHING) {
            Fold::Keep(c) => Some(c),
            Fold::Attach | Fold::Drop => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_folded_characters_are_kept_by_every_step() {
        let all = Steps { quranic_signs: true, hamza: true, whitespace: true, ..Steps::FULL };
        for c in (0..=0x2FFFF).filter_map(char::from_u32).filter(|&c| is_never_folded(c)) {
            // Every step changes the characters it applies to, so a character that all of them
            // keep is kept by any of them.
            assert!(matches!(fold(c, &all), Fold::Keep(k) if k == c), "{c:?}");
        }
        for c in "اأإآٱبتثجحخدذرزسشصضطظعغفقكلمنهوةىيءؤئ".chars() {
            assert_eq!(is_never_folded(c), matches!(fold(c, &all), Fold::Keep(k) if k == c), "{c:?}");
        }
    }

    /// [`normalize_with`] for [`UnicodeForm::None`] without its shortcut: `push` on every
    /// character.
    fn normalize_slowly(text: &str, steps: &Steps) -> Normalized {
        let mut folder = Folder { steps, out: String::new(), origins: Origins::default() };
        for (index, c) in text.chars().enumerate() {
            folder.push(c, index, index + 1);
        }
        Normalized { text: folder.out, origins: folder.origins, original_len: text.chars().count() }
    }

    #[test]
    fn origins_in_pieces_answer_as_a_pair_per_character_would() {
        let mut state = 11u64;
        let mut next = |n: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        for _ in 0..300 {
            let (mut pieces, mut pairs) = (Origins::default(), Vec::<(usize, usize)>::new());
            let mut at = 0;
            for _ in 0..next(40) {
                match next(5) {
                    // A run copied as it is, a character standing for several (a cluster),
                    // a character repeated (a ligature expanded), a gap (removed characters).
                    0 | 1 => {
                        let len = next(6);
                        pieces.extend(at, len, at + len);
                        pairs.extend((at..at + len).map(|k| (k, k + 1)));
                        at += len;
                    }
                    2 => {
                        let wide = 1 + next(3);
                        pieces.push(at, at + wide);
                        pairs.push((at, at + wide));
                        if next(2) == 0 {
                            pieces.push(at, at + wide);
                            pairs.push((at, at + wide));
                        }
                        at += wide;
                    }
                    3 => at += 1 + next(3),
                    _ => {
                        // The last character takes what follows it (diacritics, whitespace).
                        if let Some(last) = pairs.last_mut() {
                            let end = last.1.max(at) + next(3);
                            last.1 = end;
                            pieces.set_last_end(end);
                            at = end;
                        }
                    }
                }
                assert_eq!(pieces.last(), pairs.last().copied());
            }
            assert_eq!(pieces.len(), pairs.len());
            for (k, pair) in pairs.iter().enumerate() {
                assert_eq!(pieces.get(k), Some(*pair), "{k} of {pairs:?}");
            }
            assert_eq!(pieces.get(pairs.len()), None);
            for original in 0..=at + 1 {
                assert_eq!(pieces.starting_before(original), pairs.partition_point(|p| p.0 < original), "{original} in {pairs:?}");
            }
        }
    }

    #[test]
    fn the_shortcut_changes_nothing() {
        let alphabet: Vec<char> =
            "اأإآٱبلوةىیکؤئ٣۴3a \n\t\r\u{00A0}\u{0085}\u{2003}\u{064E}\u{0651}\u{0670}\u{0610}\u{0640}\u{200F}\u{200C}\u{FEFF}\u{061C}😀ܐ".chars().collect();
        let mut rng = crate::random::Rng::new(11);
        for round in 0..3000 {
            let text: String = (0..rng.below(30)).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect();
            let mut steps = [Steps::MATCHING, Steps { whitespace: true, ..Steps::MATCHING }, Steps::NONE, Steps::SEARCH, Steps::FULL][round % 5];
            steps.unicode = UnicodeForm::None;
            assert_eq!(normalize_with(&text, &steps), normalize_slowly(&text, &steps), "{text:?} {steps}");
        }
    }

    #[test]
    fn folds_spelling_variants() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("أحمد", "احمد"),
            ("إسرائيل", "اسرائيل"),
            ("آسيا", "اسيا"),
            ("ٱلله", "الله"),
            ("مصطفى", "مصطفي"),
            ("سورية", "سوريه"),
            ("عـــرب", "عرب"),
            ("مُحَمَّدٌ", "محمد"),
            ("الرَّحْمٰن", "الرحمن"),
            ("موس\u{200F}كو", "موسكو"),
            ("\u{202B}دمشق\u{202C}", "دمشق"),
            ("بي\u{200C}روت", "بيروت"),
            ("عام ٢٠١٨", "عام 2018"),
            ("۱۹۹۰", "1990"),
            ("کرمانشاه", "كرمانشاه"),
            ("ایران", "ايران"),
            ("Moscow 2018", "Moscow 2018"),
            ("😀 روسيا", "😀 روسيا"),
        ];
        for &(text, expected) in cases {
            assert_eq!(normalize(text).text, expected, "{text:?}");
            assert_eq!(normalize_word(text), expected, "{text:?}");
        }
    }

    #[test]
    fn maps_folded_ranges_back_to_the_original() {
        type Range = (usize, usize);
        // (text, folded range, original range)
        let cases: &[(&str, Range, Range)] = &[
            ("روسيا", (0, 5), (0, 5)),
            // The diacritics after the last letter stay with it.
            ("مُحَمَّدٌ قال", (0, 4), (0, 9)),
            ("مُحَمَّدٌ قال", (5, 8), (10, 13)),
            // Tatweel inside a name is covered; nothing starts on it.
            ("في عـــرب", (3, 6), (3, 9)),
            // A bidi mark before a name is not part of it, one inside is.
            ("\u{200F}موسكو", (0, 5), (1, 6)),
            ("موس\u{200F}كو", (0, 5), (0, 6)),
            // Emoji are one code point each.
            ("😀😀 لندن", (3, 7), (3, 7)),
            ("روسيا", (5, 5), (5, 5)),
            ("روسيا", (2, 1), (2, 2)),
            ("روسيا", (3, 99), (3, 5)),
            ("", (0, 0), (0, 0)),
        ];
        for &(text, (start, end), expected) in cases {
            assert_eq!(normalize(text).original_range(start, end), expected, "{text:?} [{start},{end})");
        }
    }

    #[test]
    fn trailing_removed_characters_are_not_covered() {
        let text = "لندنـ\u{200F} و";
        let folded = normalize(text);
        assert_eq!(folded.text, "لندن و");
        assert_eq!(folded.original_range(0, 4), (0, 4));
        assert_eq!(folded.original_offset(4), 6);
        assert_eq!(folded.original_offset(5), 7);
        assert_eq!(folded.original_offset(6), 8);
        assert_eq!(folded.original_len(), 8);
    }

    #[test]
    fn collapses_whitespace_runs_without_crossing_lines() {
        let cases: &[(&str, &str)] =
            &[("الولايات   المتحدة", "الولايات المتحده"), ("الولايات\u{00A0}\tالمتحدة", "الولايات المتحده"), ("دمشق \n  حلب", "دمشق\nحلب"), ("  ", " ")];
        for &(text, expected) in cases {
            assert_eq!(normalize_spacing(text).text, expected, "{text:?}");
        }
        let folded = normalize_spacing("الولايات   المتحدة");
        assert_eq!(folded.original_range(0, 16), (0, 18));
    }
}
