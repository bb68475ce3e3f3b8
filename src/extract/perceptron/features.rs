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

use super::classes::WordClasses;
use super::families::{Families, Family};
use super::names;
use super::normalize::{normalize_word, other_stems, split_proclitics};
use super::shape::{length_class, marks, prefix, shape, suffix, trigrams};
use super::tokenize::Token;
use crate::extract::gazetteer::Match;
use crate::fingerprint::Fnv64;
use crate::random::mix64;

/// The version of the feature templates; bump it on any change below.
pub(crate) const FEATURE_SET: u32 = 2;

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
    /// Distributional classes of the word and of its stem (when proclitics were taken off).
    class: Option<u16>,
    stem_class: Option<u16>,
    /// Which of the name lists hold the word, or else its stem (`names::roles`).
    names: u8,
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
const STEM_PREFIX_4: u8 = 34;
const SUFFIX_4: u8 = 35;
const WORD_PREFIX: u8 = 36; // 36, 37, 38
const STEM_TRIGRAM: u8 = 39;
const MARK: u8 = 40;
const STEM_AT_2: u8 = 41;
const PAIR_BEFORE: u8 = 42;
const PAIR_AFTER: u8 = 43;
const PAIR_AROUND: u8 = 44;
const CLASS: u8 = 45;
const STEM_CLASS: u8 = 46;
const CLASS_BEFORE: u8 = 47;
const CLASS_AFTER: u8 = 48;
const CLASS_AROUND: u8 = 49;
const NEIGHBOUR_AFFIX: u8 = 50;
const NAME: u8 = 51;
const NAME_BEFORE: u8 = 52;
const NAME_AFTER: u8 = 53;

const START: &str = "<s>";
const END: &str = "</s>";

/// How many features name the word itself when [`Family::Words`] is on.
const IDENTITY: usize = 5;

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
    /// The families of templates to compute.
    pub(crate) families: &'a Families,
    /// The counts of a word key (see [`word_key`]) in the training lexicon, or `None`.
    pub(crate) lexicon: &'a dyn Fn(u64) -> Option<Vec<u32>>,
    /// Gazetteer matches in the text the tokens come from, sorted and non-overlapping; empty
    /// when the model does not use a gazetteer.
    pub(crate) gazetteer: &'a [Match],
    /// The distributional class of a word key, when the model has classes.
    pub(crate) classes: &'a WordClasses,
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

/// How many of a token's features, at the front of its list, name the word itself: training
/// leaves them out for words the other jackknife blocks never saw.
pub(crate) fn identity_len(families: &Families) -> usize {
    if families.contains(Family::Words) {
        IDENTITY
    } else {
        0
    }
}

/// A class as a feature part; `-` for a word without one.
fn class_name(class: Option<u16>) -> String {
    class.map_or_else(|| "-".to_string(), |c| c.to_string())
}

/// The class of a stem: that of the stem as a word, or else of the stem with the article
/// (`بالقاهره` → `قاهره` → `القاهره`).
fn stem_class(classes: &WordClasses, stem: &str) -> Option<u16> {
    classes.get(key(NORM, &[stem])).or_else(|| classes.get(key(NORM, &[&format!("ال{stem}")])))
}

/// Which name lists hold a normalised word, or else its stem once proclitics are off.
fn name_roles(norm: &str, stem_at: usize) -> u8 {
    match names::roles(norm) {
        0 if stem_at > 0 => names::roles(&norm[stem_at..]),
        roles => roles,
    }
}

/// The feature keys of every token of a sentence.
pub(crate) fn sentence_features<'a>(tokens: &[Token<'a>], context: &Context<'a>) -> Vec<Vec<u64>> {
    let families = context.families;
    let on = |family| families.contains(family);
    let words: Vec<Word<'_>> = tokens
        .iter()
        .map(|token| {
            let norm = normalize_word(token.text);
            let stem_at = norm.len() - split_proclitics(&norm).1.len();
            let lexicon = on(Family::Lexicon).then(|| (context.lexicon)(key(NORM, &[&norm]))).flatten();
            let gazetteer = gazetteer_position(context.gazetteer, token);
            let stem_lexicon = (on(Family::Lexicon) && stem_at > 0).then(|| (context.lexicon)(key(NORM, &[&norm[stem_at..]]))).flatten();
            let class = on(Family::Classes).then(|| context.classes.get(key(NORM, &[&norm]))).flatten();
            let stem_class = (on(Family::Classes) && stem_at > 0).then(|| stem_class(context.classes, &norm[stem_at..])).flatten();
            let names = if on(Family::Names) { name_roles(&norm, stem_at) } else { 0 };
            Word { raw: token.text, shape: shape(token.text), norm, stem_at, lexicon, stem_lexicon, gazetteer, class, stem_class, names }
        })
        .collect();
    let at = |i: usize, offset: isize| -> Option<&Word<'_>> {
        let j = i as isize + offset;
        (j >= 0).then(|| words.get(j as usize)).flatten()
    };
    let norm_at = |i: usize, offset: isize| at(i, offset).map_or(if offset < 0 { START } else { END }, |w| &w.norm);
    let stem_of = |i: usize, offset: isize| at(i, offset).map_or(if offset < 0 { START } else { END }, Word::stem);
    (0..words.len())
        .map(|i| {
            let word = &words[i];
            let stem = word.stem();
            let mut keys = Vec::with_capacity(48);
            // The word's identity first: training may hide these (see `identity_len`).
            if on(Family::Words) {
                keys.push(key(RAW, &[word.raw]));
                keys.push(key(NORM, &[&word.norm]));
                keys.push(key(STEM, &[stem]));
                keys.push(key(BIGRAM_BEFORE, &[norm_at(i, -1), &word.norm]));
                keys.push(key(BIGRAM_AFTER, &[&word.norm, norm_at(i, 1)]));
            }
            keys.push(key(BIAS, &[]));
            if on(Family::Affixes) {
                keys.push(key(PROCLITICS, &[word.proclitics()]));
                for n in 1..=3u8 {
                    keys.push(key(STEM_PREFIX + n - 1, &[prefix(stem, n as usize)]));
                    keys.push(key(SUFFIX + n - 1, &[suffix(&word.norm, n as usize)]));
                }
            }
            if on(Family::Ngrams) {
                keys.push(key(STEM_PREFIX_4, &[prefix(stem, 4)]));
                keys.push(key(SUFFIX_4, &[suffix(&word.norm, 4)]));
                if word.stem_at > 0 {
                    for n in 1..=3 {
                        keys.push(key(WORD_PREFIX + n as u8 - 1, &[prefix(&word.norm, n)]));
                    }
                }
                for trigram in trigrams(stem) {
                    keys.push(key(STEM_TRIGRAM, &[&trigram]));
                }
            }
            if on(Family::Shape) {
                keys.push(key(SHAPE, &[word.shape]));
                keys.push(key(SHAPE_LENGTH, &[word.shape, length_class(stem)]));
                let shape_at = |offset| at(i, offset).map_or("none", |w: &Word<'_>| w.shape);
                keys.push(key(SHAPES_AROUND, &[shape_at(-1), word.shape, shape_at(1)]));
            }
            if on(Family::Marks) {
                keys.extend(marks(word.raw).map(|mark| key(MARK, &[mark])));
            }
            if on(Family::Context) {
                for (k, offset) in [-2isize, -1, 1, 2].into_iter().enumerate() {
                    keys.push(key(NORM_AT + k as u8, &[norm_at(i, offset)]));
                }
                keys.push(key(STEM_BEFORE, &[stem_of(i, -1)]));
                keys.push(key(STEM_AFTER, &[stem_of(i, 1)]));
                keys.push(key(SUFFIX_BEFORE, &[at(i, -1).map_or(START, |w| suffix(&w.norm, 2))]));
                keys.push(key(SUFFIX_AFTER, &[at(i, 1).map_or(END, |w| suffix(&w.norm, 2))]));
            }
            if on(Family::WideContext) {
                keys.push(key(STEM_AT_2, &[stem_of(i, -2), "-2"]));
                keys.push(key(STEM_AT_2, &[stem_of(i, 2), "+2"]));
                keys.push(key(PAIR_BEFORE, &[norm_at(i, -2), norm_at(i, -1)]));
                keys.push(key(PAIR_AFTER, &[norm_at(i, 1), norm_at(i, 2)]));
                keys.push(key(PAIR_AROUND, &[norm_at(i, -1), norm_at(i, 1)]));
            }
            if on(Family::NeighbourAffixes) {
                for (side, offset) in [("-1", -1isize), ("+1", 1)] {
                    let Some(next) = at(i, offset) else { continue };
                    keys.push(key(NEIGHBOUR_AFFIX, &[side, "p", next.proclitics()]));
                    for (n, length) in ["1", "2", "3"].into_iter().enumerate() {
                        keys.push(key(NEIGHBOUR_AFFIX, &[side, "<", length, prefix(next.stem(), n + 1)]));
                        keys.push(key(NEIGHBOUR_AFFIX, &[side, ">", length, suffix(&next.norm, n + 1)]));
                    }
                }
            }
            if let (true, Some(counts)) = (on(Family::Lexicon), &word.lexicon) {
                keys.push(key(LEXICON_SEEN, &[seen_class(counts[0])]));
                for (tag, &count) in counts[1..].iter().enumerate().filter(|(_, &c)| c > 0) {
                    keys.push(key_with_tag(LEXICON_TAG, Some(tag), &[share_class(count, counts[0])]));
                }
            } else if on(Family::Lexicon) {
                keys.push(key(LEXICON_SEEN, &[seen_class(0)]));
            }
            if on(Family::Stems) {
                for stem in other_stems(&word.norm) {
                    keys.push(key(OTHER_STEM, &[stem]));
                }
            }
            if on(Family::Gazetteer) {
                if let Some((position, label)) = word.gazetteer {
                    keys.push(key(GAZETTEER, &[position, label]));
                }
                for (offset, template) in [(-1, GAZETTEER_BEFORE), (1, GAZETTEER_AFTER)] {
                    if let Some((position, label)) = at(i, offset).and_then(|w| w.gazetteer) {
                        keys.push(key(template, &[position, label]));
                    }
                }
            }
            if on(Family::Lexicon) {
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
            }
            if on(Family::Classes) {
                let class_at = |offset| at(i, offset).map_or_else(|| "<>".to_string(), |w: &Word<'_>| class_name(w.class.or(w.stem_class)));
                let own = class_name(word.class);
                keys.push(key(CLASS, &[&own]));
                if word.stem_class.is_some() {
                    keys.push(key(STEM_CLASS, &[&class_name(word.stem_class)]));
                }
                let (before, after) = (class_at(-1), class_at(1));
                keys.push(key(CLASS_BEFORE, &[&before]));
                keys.push(key(CLASS_AFTER, &[&after]));
                keys.push(key(CLASS_AROUND, &[&before, &class_name(word.class.or(word.stem_class)), &after]));
            }
            if on(Family::Names) {
                for (offset, template) in [(0, NAME), (-1, NAME_BEFORE), (1, NAME_AFTER)] {
                    if let Some(roles) = at(i, offset).map(|w| w.names).filter(|&r| r != 0) {
                        keys.push(key(template, &[names::role_part(roles)]));
                    }
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

    fn context<'a>(lexicon: &'a dyn Fn(u64) -> Option<Vec<u32>>, gazetteer: &'a [Match]) -> Context<'a> {
        let families: &'static Families = Box::leak(Box::new(Families::all()));
        let classes: &'static WordClasses = Box::leak(Box::default());
        Context { families, lexicon, gazetteer, classes }
    }

    fn none() -> Context<'static> {
        context(&|_| None, &[])
    }

    #[test]
    fn spelling_variants_share_their_normalised_features() {
        let a = tokenize("وصل إلى القاهرة");
        let b = tokenize("وصل الى القاهره");
        let (fa, fb) = (sentence_features(&a[0], &none()), sentence_features(&b[0], &none()));
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
        let features = sentence_features(&sentence[0], &none());
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
        let features = sentence_features(&sentence[0], &context(&lexicon, &[]));
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
        let features = sentence_features(&sentence[0], &context(&|_| None, &matches));
        assert!(features[1].contains(&key(GAZETTEER, &["B+", "LOC"])));
        assert!(features[2].contains(&key(GAZETTEER, &["B+", "LOC"])));
        assert!(features[3].contains(&key(GAZETTEER, &["I", "LOC"])));
        assert!(features[0].contains(&key(GAZETTEER_AFTER, &["B+", "LOC"])));
        assert!(!features[0].iter().any(|&k| k == key(GAZETTEER, &["B", "LOC"])));
    }

    #[test]
    fn families_switch_their_templates() {
        let sentence = tokenize("وصل الرئيس الى القاهرة");
        let base = none();
        let all = sentence_features(&sentence[0], &base);
        let families = Families::all().without(Family::Ngrams).without(Family::Words);
        let fewer = sentence_features(&sentence[0], &Context { families: &families, ..base });
        assert!(fewer[3].len() < all[3].len());
        assert!(!fewer[3].contains(&key(NORM, &["القاهره"])) && all[3].contains(&key(NORM, &["القاهره"])));
        assert!(all[3].contains(&key(STEM_TRIGRAM, &["^قا"])) && !fewer[3].contains(&key(STEM_TRIGRAM, &["^قا"])));
        assert!(fewer[3].iter().all(|k| all[3].contains(k)));
        assert_eq!((identity_len(&families), identity_len(&Families::all())), (0, IDENTITY));
    }

    #[test]
    fn word_classes_of_the_word_and_its_neighbours() {
        let classes = WordClasses::from_parts(vec![word_key("القاهرة"), word_key("وصل")], vec![7, 3]);
        let families = Families::all();
        let sentence = tokenize("وصل الى بالقاهرة");
        let context = Context { families: &families, lexicon: &|_| None, gazetteer: &[], classes: &classes };
        let features = sentence_features(&sentence[0], &context);
        assert!(features[0].contains(&key(CLASS, &["3"])));
        assert!(features[1].contains(&key(CLASS_AROUND, &["3", "-", "7"])));
        assert!(features[2].contains(&key(CLASS, &["-"])));
        assert!(features[2].contains(&key(STEM_CLASS, &["7"])), "`قاهره` is unknown, `القاهره` is class 7");
    }

    #[test]
    fn name_lists_mark_the_word_and_its_neighbours() {
        // محمد is in both lists, وأحمد a given name behind a proclitic, الاجتماع in neither.
        let sentence = tokenize("محمد وأحمد الاجتماع");
        let families = Families::none().with(Family::Names);
        let base = none();
        let features = sentence_features(&sentence[0], &Context { families: &families, ..base });
        assert!(features[0].contains(&key(NAME, &["gf"])));
        assert!(features[1].iter().any(|&k| [key(NAME, &["g"]), key(NAME, &["gf"])].contains(&k)), "the stem أحمد is a given name");
        assert!(features[1].contains(&key(NAME_BEFORE, &["gf"])));
        assert!(!features[2].iter().any(|&k| [key(NAME, &["g"]), key(NAME, &["f"]), key(NAME, &["gf"])].contains(&k)));
        let without = sentence_features(&sentence[0], &Context { families: &Families::none(), ..none() });
        assert!(!without[0].contains(&key(NAME, &["gf"])));
    }

    #[test]
    fn keys_separate_templates_and_parts() {
        assert_ne!(key(NORM, &["ab"]), key(STEM, &["ab"]));
        assert_ne!(key(BIGRAM_AFTER, &["a", "b"]), key(BIGRAM_AFTER, &["ab", ""]));
    }
}
