//! The observations the tagger weighs for each token, as 64-bit feature keys.
//!
//! A feature is a template (what is looked at) and the strings it saw, hashed together:
//! `hash(NORM, "القاهره")`. Hashing instead of keeping strings keeps the model file small and
//! fast to load, and needs no string → id table that grows with every new text; at 64 bits two
//! features of a model of a million collide with a probability below 10⁻⁷. The previous tag
//! is not a feature here: the decoder scores tag transitions itself (see `decode`).
//!
//! [`FEATURE_SET`] names this list; a model records the one it was trained with and refuses to
//! load under another, since its weights would be attached to the wrong observations.

use super::normalize::{normalize_word, other_stems, split_proclitics};
use super::tokenize::Token;
use crate::extract::gazetteer::Match;
use crate::fingerprint::Fnv64;
use crate::random::mix64;

/// The version of the feature templates; bump it on any change below.
pub(crate) const FEATURE_SET: u32 = 1;

/// What a token looks like, as a coarse class.
fn shape(word: &str) -> &'static str {
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

fn length_class(word: &str) -> &'static str {
    match word.chars().count() {
        0..=1 => "1",
        2 => "2",
        3 => "3",
        4 => "4",
        5..=6 => "5-6",
        _ => "7+",
    }
}

/// One token as the templates see it.
struct Word<'a> {
    raw: &'a str,
    norm: String,
    /// Byte where the stem starts in `norm`.
    stem_at: usize,
    shape: &'static str,
    /// Lexicon counts of `norm`: occurrences, then occurrences per tag.
    lexicon: Option<Vec<u32>>,
    /// Where the token sits in a gazetteer match (`B`, `B+` after a proclitic, `I`) and the
    /// match's label.
    gazetteer: Option<(&'static str, &'a str)>,
    /// Lexicon counts of the stem, when proclitics were taken off.
    stem_lexicon: Option<Vec<u32>>,
}

impl Word<'_> {
    fn stem(&self) -> &str {
        &self.norm[self.stem_at..]
    }

    fn proclitics(&self) -> &str {
        &self.norm[..self.stem_at]
    }
}

/// FNV-1a over the template id and each part (parts separated by a byte that UTF-8 never
/// uses), then a SplitMix64 finaliser so the low bits are well mixed for hash tables.
fn key(template: u8, parts: &[&str]) -> u64 {
    key_with_tag(template, None, parts)
}

/// A key over a tag index and parts; the tag's bytes cannot be confused with text.
fn key_with_tag(template: u8, tag: Option<usize>, parts: &[&str]) -> u64 {
    let mut hash = Fnv64::new();
    hash.write_byte(template);
    if let Some(tag) = tag {
        hash.write_byte(0xFE).write(&(tag as u32).to_le_bytes());
    }
    for part in parts {
        hash.write_byte(0xFF).write(part.as_bytes());
    }
    mix64(hash.finish())
}

/// The first or last `n` characters of `s` (all of it when shorter).
fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(b, _)| &s[..b])
}

fn suffix(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    s.char_indices().nth(count - n).map_or(s, |(b, _)| &s[b..])
}

// Template ids. Never reuse a number for a different template without bumping FEATURE_SET.
const BIAS: u8 = 0;
const RAW: u8 = 1;
const NORM: u8 = 2;
const STEM: u8 = 3;
const PROCLITICS: u8 = 4;
const STEM_PREFIX: u8 = 5; // 5, 6, 7 for lengths 1..=3
const SUFFIX: u8 = 8; // 8, 9, 10
const SHAPE: u8 = 11;
const SHAPE_LENGTH: u8 = 12;
const NORM_AT: u8 = 13; // 13..=16 for offsets -2, -1, +1, +2
const STEM_BEFORE: u8 = 17;
const STEM_AFTER: u8 = 18;
const BIGRAM_BEFORE: u8 = 19;
const BIGRAM_AFTER: u8 = 20;
const SHAPES_AROUND: u8 = 21;
const SUFFIX_BEFORE: u8 = 22;
const SUFFIX_AFTER: u8 = 23;
const LEXICON_SEEN: u8 = 24;
const LEXICON_TAG: u8 = 25;
const LEXICON_TAG_BEFORE: u8 = 26;
const LEXICON_TAG_AFTER: u8 = 27;
const OTHER_STEM: u8 = 28;
const GAZETTEER: u8 = 29;
const GAZETTEER_BEFORE: u8 = 30;
const GAZETTEER_AFTER: u8 = 31;
const STEM_LEXICON_SEEN: u8 = 32;
const STEM_LEXICON_TAG: u8 = 33;

const START: &str = "<s>";
const END: &str = "</s>";

/// How many of a token's features, at the front of its list, name the word itself.
pub(crate) const IDENTITY: usize = 5;

/// The key a word has in the lexicon: that of its normalised-form feature.
pub(crate) fn word_key(text: &str) -> u64 {
    key(NORM, &[&normalize_word(text)])
}

fn seen_class(seen: u32) -> &'static str {
    match seen {
        0 => "0",
        1 => "1",
        2..=3 => "2-3",
        4..=9 => "4-9",
        _ => "10+",
    }
}

fn share_class(count: u32, seen: u32) -> &'static str {
    match (count, seen) {
        (c, s) if c == s => "all",
        (c, s) if 2 * c >= s => "most",
        (c, s) if 10 * c >= s => "some",
        _ => "few",
    }
}

/// Tags a word takes in at least half of its occurrences.
fn usual_tags(counts: &[u32]) -> impl Iterator<Item = usize> + '_ {
    counts[1..].iter().enumerate().filter(move |&(_, &c)| c > 0 && 2 * c >= counts[0]).map(|(t, _)| t)
}

/// What the features know beyond the sentence itself.
pub(crate) struct Context<'a> {
    /// The counts of a word key (see [`word_key`]) in the training lexicon, or `None`.
    pub(crate) lexicon: &'a dyn Fn(u64) -> Option<Vec<u32>>,
    /// Gazetteer matches in the text the tokens come from, sorted and non-overlapping; empty
    /// when the model does not use a gazetteer.
    pub(crate) gazetteer: &'a [Match],
}

/// The gazetteer match a token is part of, as (position, label).
fn gazetteer_position<'a>(matches: &'a [Match], token: &Token<'_>) -> Option<(&'static str, &'a str)> {
    let first = matches.partition_point(|m| m.end <= token.start);
    let found = matches.get(first).filter(|m| m.start < token.end)?;
    let position = match found.start.cmp(&token.start) {
        std::cmp::Ordering::Less => "I",
        std::cmp::Ordering::Equal => "B",
        std::cmp::Ordering::Greater => "B+",
    };
    Some((position, found.label.as_str()))
}

/// The feature keys of every token of a sentence.
pub(crate) fn sentence_features<'a>(tokens: &[Token<'a>], context: &Context<'a>) -> Vec<Vec<u64>> {
    let words: Vec<Word<'_>> = tokens
        .iter()
        .map(|token| {
            let norm = normalize_word(token.text);
            let stem_at = norm.len() - split_proclitics(&norm).1.len();
            let lexicon = (context.lexicon)(key(NORM, &[&norm]));
            let gazetteer = gazetteer_position(context.gazetteer, token);
            let stem_lexicon = (stem_at > 0).then(|| (context.lexicon)(key(NORM, &[&norm[stem_at..]]))).flatten();
            Word { raw: token.text, shape: shape(token.text), norm, stem_at, lexicon, stem_lexicon, gazetteer }
        })
        .collect();
    let at = |i: usize, offset: isize| -> Option<&Word<'_>> {
        let j = i as isize + offset;
        (j >= 0).then(|| words.get(j as usize)).flatten()
    };
    let norm_at = |i: usize, offset: isize| at(i, offset).map_or(if offset < 0 { START } else { END }, |w| &w.norm);
    (0..words.len())
        .map(|i| {
            let word = &words[i];
            let stem = word.stem();
            let mut keys = Vec::with_capacity(32);
            // The word's identity first: training may hide these (see `IDENTITY`).
            keys.push(key(RAW, &[word.raw]));
            keys.push(key(NORM, &[&word.norm]));
            keys.push(key(STEM, &[stem]));
            keys.push(key(BIGRAM_BEFORE, &[norm_at(i, -1), &word.norm]));
            keys.push(key(BIGRAM_AFTER, &[&word.norm, norm_at(i, 1)]));
            keys.push(key(BIAS, &[]));
            keys.push(key(PROCLITICS, &[word.proclitics()]));
            for n in 1..=3u8 {
                keys.push(key(STEM_PREFIX + n - 1, &[prefix(stem, n as usize)]));
                keys.push(key(SUFFIX + n - 1, &[suffix(&word.norm, n as usize)]));
            }
            keys.push(key(SHAPE, &[word.shape]));
            keys.push(key(SHAPE_LENGTH, &[word.shape, length_class(stem)]));
            for (k, offset) in [-2isize, -1, 1, 2].into_iter().enumerate() {
                keys.push(key(NORM_AT + k as u8, &[norm_at(i, offset)]));
            }
            keys.push(key(STEM_BEFORE, &[at(i, -1).map_or(START, Word::stem)]));
            keys.push(key(STEM_AFTER, &[at(i, 1).map_or(END, Word::stem)]));
            let shape_at = |offset| at(i, offset).map_or("none", |w: &Word<'_>| w.shape);
            keys.push(key(SHAPES_AROUND, &[shape_at(-1), word.shape, shape_at(1)]));
            keys.push(key(SUFFIX_BEFORE, &[at(i, -1).map_or(START, |w| suffix(&w.norm, 2))]));
            keys.push(key(SUFFIX_AFTER, &[at(i, 1).map_or(END, |w| suffix(&w.norm, 2))]));
            match &word.lexicon {
                None => keys.push(key(LEXICON_SEEN, &[seen_class(0)])),
                Some(counts) => {
                    keys.push(key(LEXICON_SEEN, &[seen_class(counts[0])]));
                    for (tag, &count) in counts[1..].iter().enumerate().filter(|(_, &c)| c > 0) {
                        keys.push(key_with_tag(LEXICON_TAG, Some(tag), &[share_class(count, counts[0])]));
                    }
                }
            }
            for stem in other_stems(&word.norm) {
                keys.push(key(OTHER_STEM, &[stem]));
            }
            if let Some((position, label)) = word.gazetteer {
                keys.push(key(GAZETTEER, &[position, label]));
            }
            for (offset, template) in [(-1, GAZETTEER_BEFORE), (1, GAZETTEER_AFTER)] {
                if let Some((position, label)) = at(i, offset).and_then(|w| w.gazetteer) {
                    keys.push(key(template, &[position, label]));
                }
            }
            for (offset, template) in [(-1, LEXICON_TAG_BEFORE), (1, LEXICON_TAG_AFTER)] {
                if let Some(counts) = at(i, offset).and_then(|w| w.lexicon.as_deref()) {
                    keys.extend(usual_tags(counts).map(|tag| key_with_tag(template, Some(tag), &[])));
                }
            }
            if let Some(counts) = &word.stem_lexicon {
                keys.push(key(STEM_LEXICON_SEEN, &[seen_class(counts[0])]));
                for (tag, &count) in counts[1..].iter().enumerate().filter(|(_, &c)| c > 0) {
                    keys.push(key_with_tag(STEM_LEXICON_TAG, Some(tag), &[share_class(count, counts[0])]));
                }
            }
            keys
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::perceptron::tokenize::tokenize;

    const NONE: Context<'static> = Context { lexicon: &|_| None, gazetteer: &[] };

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
    fn spelling_variants_share_their_normalised_features() {
        let a = tokenize("وصل إلى القاهرة");
        let b = tokenize("وصل الى القاهره");
        let (fa, fb) = (sentence_features(&a[0], &NONE), sentence_features(&b[0], &NONE));
        assert_eq!(fa.len(), 3);
        // Only the raw-word feature of the variant tokens differs.
        for i in [1, 2] {
            let differing = fa[i].iter().zip(&fb[i]).filter(|(x, y)| x != y).count();
            assert_eq!(differing, 1, "token {i}");
        }
        assert_eq!(fa[0], fb[0]);
    }

    #[test]
    fn the_stem_is_shared_across_proclitics() {
        let sentence = tokenize("دمشق وبدمشق ودمشق");
        let features = sentence_features(&sentence[0], &NONE);
        let stem = key(STEM, &["دمشق"]);
        assert!(features[0].contains(&stem));
        assert!(!features[1].contains(&stem));
        assert!(features[2].contains(&stem));
    }

    #[test]
    fn lexicon_counts_become_shares() {
        let sentence = tokenize("زار سامي بيروت");
        let sami = word_key("سامي");
        // Seen 4 times: 3 as tag 1, once as tag 0.
        let lexicon = |word: u64| (word == sami).then(|| vec![4, 1, 3, 0]);
        let features = sentence_features(&sentence[0], &Context { lexicon: &lexicon, gazetteer: &[] });
        assert!(features[1].contains(&key(LEXICON_SEEN, &["4-9"])));
        assert!(features[1].contains(&key_with_tag(LEXICON_TAG, Some(1), &["most"])));
        assert!(features[1].contains(&key_with_tag(LEXICON_TAG, Some(0), &["some"])));
        assert!(features[0].contains(&key(LEXICON_SEEN, &["0"])));
        assert!(features[0].contains(&key_with_tag(LEXICON_TAG_AFTER, Some(1), &[])));
        assert!(features[2].contains(&key_with_tag(LEXICON_TAG_BEFORE, Some(1), &[])));
        assert!(!features[2].contains(&key_with_tag(LEXICON_TAG_BEFORE, Some(0), &[])));
    }

    #[test]
    fn gazetteer_matches_mark_their_tokens() {
        let text = "زار وبريطانيا والولايات المتحدة";
        let sentence = tokenize(text);
        let found = |start, end, label: &str| Match { start, end, label: label.into() };
        let matches = [found(5, 13, "LOC"), found(15, 31, "LOC")];
        let features = sentence_features(&sentence[0], &Context { lexicon: &|_| None, gazetteer: &matches });
        assert!(features[1].contains(&key(GAZETTEER, &["B+", "LOC"])));
        assert!(features[2].contains(&key(GAZETTEER, &["B+", "LOC"])));
        assert!(features[3].contains(&key(GAZETTEER, &["I", "LOC"])));
        assert!(features[0].contains(&key(GAZETTEER_AFTER, &["B+", "LOC"])));
        assert!(!features[0].iter().any(|&k| k == key(GAZETTEER, &["B", "LOC"])));
    }

    #[test]
    fn keys_separate_templates_and_parts() {
        assert_ne!(key(NORM, &["ab"]), key(STEM, &["ab"]));
        assert_ne!(key(BIGRAM_AFTER, &["a", "b"]), key(BIGRAM_AFTER, &["ab", ""]));
    }
}
