//! The compiled lists and the search: one Aho-Corasick automaton over the normalised names,
//! run over the normalised article, whose hits are kept only where they are whole words (or
//! words after a proclitic) and then resolved leftmost-longest.
//!
//! Searching the folded text is what makes `أ`/`ا`, `ى`/`ي`, `ة`/`ه`, tatweel, diacritics and
//! bidi marks irrelevant; [`Normalized::original_range`] brings each hit back to the article's
//! own code points.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::words::{ends_word, starts_after_lam, starts_plain, CharIndexes};
use crate::arabic::normalize::{normalize_spacing, normalize_word, Normalized};
use crate::fingerprint::Fnv64;

/// Up to this many bytes of search strings (the shipped lists hold about 40,000), the automaton
/// is a DFA.
const DFA_MAX_BYTES: usize = 200_000;

/// One name in a list, with its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub label: String,
}

/// One name found in a text: code points in the original text, end-exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// A set of names with labels, compiled for search.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    /// Normalised name → label: what the lists say, after ties are resolved.
    entries: BTreeMap<String, String>,
    /// `None` when there are no entries.
    automaton: Option<AhoCorasick>,
    /// What each automaton pattern stands for, by pattern id.
    patterns: Vec<Pattern>,
}

/// One search string. The same string can be a name as written and, for a name spelled with
/// `ال`, the form it takes after the particle `ل` (`الأمم` → `لأمم`, as in `للأمم`).
#[derive(Debug, Clone, Default)]
struct Pattern {
    /// Label when the string is a name as written.
    plain: Option<String>,
    /// Label when the string is a name whose article lost its alef after `ل`.
    elided: Option<String>,
    /// Length of the string in characters.
    chars: usize,
}

impl Gazetteer {
    /// Compiles `entries`. Names are normalised as articles are (see `crate::arabic::normalize`)
    /// and runs of whitespace count as one space; entries with no letters left are skipped.
    /// When the same normalised name has several labels, the first label in sorted order
    /// wins, so the result does not depend on the order of the lists.
    pub fn new(entries: impl IntoIterator<Item = Entry>) -> Gazetteer {
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for entry in entries {
            let (name, label) = (normalize_name(&entry.name), entry.label.trim());
            if name.is_empty() || label.is_empty() {
                continue;
            }
            keep_first_label(names.entry(name).or_default(), label);
        }
        Gazetteer::compile(names)
    }

    fn compile(entries: BTreeMap<String, String>) -> Gazetteer {
        let mut by_string: BTreeMap<String, Pattern> = BTreeMap::new();
        for (name, label) in &entries {
            keep_first_label(by_string.entry(name.clone()).or_default().plain.get_or_insert_with(String::new), label);
            if let Some(elided) = after_lam(name) {
                let pattern = by_string.entry(elided).or_default();
                keep_first_label(pattern.elided.get_or_insert_with(String::new), label);
            }
        }
        let (strings, patterns): (Vec<String>, Vec<Pattern>) = by_string
            .into_iter()
            .map(|(string, pattern)| {
                let chars = string.chars().count();
                (string, Pattern { chars, ..pattern })
            })
            .unzip();
        // A DFA searches about three times faster than the automaton's default (an NFA) and
        // finds the same occurrences; it takes a few megabytes for the shipped lists, but grows
        // with the product of states and distinct bytes, so large lists keep the NFA.
        let bytes: usize = strings.iter().map(String::len).sum();
        let kind = (bytes <= DFA_MAX_BYTES).then_some(AhoCorasickKind::DFA);
        // Building fails only past 2^31 patterns or automaton states, which lists that fit in
        // memory as strings cannot reach.
        let automaton = (!strings.is_empty()).then(|| {
            AhoCorasick::builder().match_kind(MatchKind::Standard).kind(kind).build(&strings).expect("gazetteer lists exceed the automaton's size limits")
        });
        Gazetteer { entries, automaton, patterns }
    }

    /// Number of distinct normalised names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The label of a name, compared after normalisation: `label_of("سورية")` finds an entry
    /// written `سوريه`.
    pub fn label_of(&self, name: &str) -> Option<&str> {
        self.entries.get(&normalize_name(name)).map(String::as_str)
    }

    /// 64-bit FNV-1a over `label TAB name LF` of every entry in name order, as 16 hex digits:
    /// stable across platforms and Rust versions, unlike std's hasher.
    pub fn fingerprint(&self) -> String {
        let mut hash = Fnv64::new();
        for (name, label) in self.entries() {
            hash.write(label.as_bytes()).write(b"\t").write(name.as_bytes()).write(b"\n");
        }
        hash.hex()
    }

    /// Normalised names and their labels, sorted by name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(name, label)| (name.as_str(), label.as_str()))
    }

    /// The names in `text`, sorted and non-overlapping, in the original text's code points.
    ///
    /// A match starts at the start of a word or right after a proclitic (which stays outside:
    /// `وبريطانيا` gives `بريطانيا`), and ends at the end of a word. A name spelled with `ال`
    /// also matches after `ب`, `و`, `ف`, `ك` (`بالولايات المتحدة` gives `الولايات المتحدة`)
    /// and after `ل`, where the article's alef is not written (`للولايات المتحدة` gives
    /// `لولايات المتحدة`). Overlaps go to the leftmost match, then the longest, then the label
    /// first in sorted order.
    pub fn find(&self, text: &str) -> Vec<Match> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let folded = normalize_spacing(text);
        let haystack = folded.text.as_str();
        let mut indexes = CharIndexes::default();
        let mut candidates: Vec<(usize, usize, &str)> = Vec::new();
        for hit in automaton.find_overlapping_iter(haystack) {
            if !ends_word(haystack, hit.end()) {
                continue;
            }
            let pattern = &self.patterns[hit.pattern().as_usize()];
            let plain = pattern.plain.as_deref().filter(|_| starts_plain(haystack, hit.start()));
            let elided = pattern.elided.as_deref().filter(|_| starts_after_lam(haystack, hit.start()));
            if plain.is_none() && elided.is_none() {
                continue;
            }
            let end = indexes.at(haystack, hit.end());
            let start = end - pattern.chars;
            candidates.extend(plain.into_iter().chain(elided).map(|label| (start, end, label)));
        }
        leftmost_longest(candidates, &folded)
    }
}

/// The matches among `candidates` (start, end and label in the folded text's code points):
/// overlaps go to the leftmost, then the longest, then the label first in sorted order; each
/// kept one is carried back to the original text's code points.
fn leftmost_longest(mut candidates: Vec<(usize, usize, &str)>, folded: &Normalized) -> Vec<Match> {
    candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    let mut matches: Vec<Match> = Vec::new();
    let mut free_from = 0;
    for (start, end, label) in candidates {
        if start < free_from {
            continue;
        }
        free_from = end;
        let (start, end) = folded.original_range(start, end);
        matches.push(Match { start, end, label: label.to_string() });
    }
    matches
}

/// Keeps in `slot` the first label in sorted order (an empty slot takes any label).
fn keep_first_label(slot: &mut String, label: &str) {
    if slot.is_empty() || label < slot.as_str() {
        *slot = label.to_string();
    }
}

/// How a name spelled with `ال` is written after the particle `ل`, from the article's `ل`
/// on: the alef is dropped (`ل` + `الأمم` → `للأمم`, matched from the second `ل`: `لأمم`),
/// and before a stem that starts with `ل` the article's `ل` merges into it too (`ل` +
/// `اللاذقية` → `للاذقية`, matched as `لاذقية`).
fn after_lam(name: &str) -> Option<String> {
    let stem = name.strip_prefix("ال").filter(|stem| !stem.is_empty())?;
    Some(if stem.starts_with('ل') { stem.to_string() } else { format!("ل{stem}") })
}

/// A list name as the automaton holds it: folded, words separated by one space.
pub(crate) fn normalize_name(name: &str) -> String {
    normalize_word(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer(entries: &[(&str, &str)]) -> Gazetteer {
        Gazetteer::new(entries.iter().map(|&(name, label)| Entry { name: name.into(), label: label.into() }))
    }

    /// The matches of `text` as (covered original text, label).
    fn found(gazetteer: &Gazetteer, text: &str) -> Vec<(String, String)> {
        let chars: Vec<char> = text.chars().collect();
        gazetteer.find(text).into_iter().map(|m| (chars[m.start..m.end].iter().collect(), m.label)).collect()
    }

    fn lists() -> Gazetteer {
        gazetteer(&[
            ("روسيا", "LOC"),
            ("بريطانيا", "LOC"),
            ("لندن", "LOC"),
            ("عمان", "LOC"),
            ("سورية", "LOC"),
            ("الولايات المتحدة", "LOC"),
            ("المتحدة", "MISC"),
            ("الأمم المتحدة", "ORG"),
            ("مجلس الأمن", "ORG"),
            ("مجلس الأمن الدولي", "ORG"),
            ("لبنان", "LOC"),
            ("اللاذقية", "LOC"),
            ("مصطفى", "PER"),
            ("سيرغي لافروف", "PER"),
            ("لافروف", "PER"),
            ("أ ف ب", "ORG"),
        ])
    }

    #[test]
    fn finds_names_whatever_the_spelling() {
        let g = lists();
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            ("زار روسيا", &[("روسيا", "LOC")]),
            // Alef, alef maqsura and ta marbuta variants, both ways round.
            ("الامم المتحده", &[("الامم المتحده", "ORG")]),
            ("قال مصطفي", &[("مصطفي", "PER")]),
            ("في سوريا وسوريه", &[("سوريه", "LOC")]),
            // Tatweel, diacritics and bidi marks inside a name.
            ("روســيا", &[("روســيا", "LOC")]),
            ("رُوسِيَا", &[("رُوسِيَا", "LOC")]),
            ("رو\u{200F}سيا", &[("رو\u{200F}سيا", "LOC")]),
            ("\u{200F}روسيا\u{200F}", &[("روسيا", "LOC")]),
            // Extra spaces between the words of a name, but not a line break.
            ("سيرغي   لافروف", &[("سيرغي   لافروف", "PER")]),
            ("سيرغي\nلافروف", &[("لافروف", "PER")]),
            ("(أ ف ب)", &[("أ ف ب", "ORG")]),
        ];
        for &(text, expected) in cases {
            let expected: Vec<(String, String)> = expected.iter().map(|&(t, l)| (t.into(), l.into())).collect();
            assert_eq!(found(&g, text), expected, "{text:?}");
        }
    }

    #[test]
    fn keeps_proclitics_outside_and_words_whole() {
        let g = lists();
        let cases: &[(&str, &[&str])] = &[
            ("وبريطانيا", &["بريطانيا"]),
            ("لروسيا", &["روسيا"]),
            ("فلروسيا", &["روسيا"]),
            ("لندن", &["لندن"]),
            ("للبنان", &["لبنان"]),
            ("لافروف", &["لافروف"]),
            ("والولايات المتحدة", &["الولايات المتحدة"]),
            ("بالولايات المتحدة", &["الولايات المتحدة"]),
            ("وبالولايات المتحدة", &["الولايات المتحدة"]),
            ("للولايات المتحدة", &["لولايات المتحدة"]),
            ("للأمم المتحدة", &["لأمم المتحدة"]),
            ("وللأمم المتحدة", &["لأمم المتحدة"]),
            ("للاذقية", &["لاذقية"]),
            ("باللاذقية", &["اللاذقية"]),
            ("لاذقية", &[]),
            // Never inside a longer word, nor after a bare article or a non-particle.
            ("الروسيا", &[]),
            ("عماني", &[]),
            ("سلطنة عمان", &["عمان"]),
            ("تروسيا", &[]),
            ("لولايات المتحدة", &["المتحدة"]),
            ("روسيا2018", &[]),
        ];
        for &(text, expected) in cases {
            let got: Vec<String> = found(&g, text).into_iter().map(|(t, _)| t).collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn prefers_the_longest_leftmost_name() {
        let g = lists();
        let cases: &[(&str, &[&str])] = &[
            ("الولايات المتحدة", &["الولايات المتحدة"]),
            ("مجلس الأمن الدولي", &["مجلس الأمن الدولي"]),
            ("مجلس الأمن الوطني", &["مجلس الأمن"]),
            ("سيرغي لافروف ولافروف", &["سيرغي لافروف", "لافروف"]),
            ("المملكة المتحدة", &["المتحدة"]),
        ];
        for &(text, expected) in cases {
            let got: Vec<String> = found(&g, text).into_iter().map(|(t, _)| t).collect();
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn maps_offsets_back_past_diacritics_and_emoji() {
        let g = lists();
        let text = "😀 قالَ سيرْغي لافروفُ 😀 في لـندن";
        let matches = g.find(text);
        let chars: Vec<char> = text.chars().collect();
        let spans: Vec<(usize, usize, String)> = matches.iter().map(|m| (m.start, m.end, chars[m.start..m.end].iter().collect())).collect();
        assert_eq!(spans, [(7, 21, "سيرْغي لافروفُ".to_string()), (27, 32, "لـندن".to_string())]);
    }

    #[test]
    fn resolves_label_ties_by_label_order() {
        let g = gazetteer(&[("عمان", "LOC"), ("عمّان", "ORG"), ("عمان", "LOC"), ("", "LOC"), ("قطر", "")]);
        assert_eq!(g.len(), 1);
        assert_eq!(g.label_of("عُمان"), Some("LOC"));
        let reversed = gazetteer(&[("عمّان", "ORG"), ("عمان", "LOC")]);
        assert_eq!(reversed.find("عمان"), g.find("عمان"));
        assert!(gazetteer(&[]).find("روسيا").is_empty());
    }
}
