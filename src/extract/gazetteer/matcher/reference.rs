//! The search as it was first written, kept for the tests only: it builds the word structure of
//! the whole text (a letter-or-digit flag and the proclitic readings of every word) before it
//! looks at the automaton's hits. [`Gazetteer::find`] decides the same things from the few
//! characters around each hit; the tests below hold the two to the same matches on the shipped
//! lists in many contexts, on random strings, and (with `MIZAN_CORPORA`) on all of ANERcorp.

use super::{Gazetteer, Match};
use crate::arabic::clitics::{proclitic_splits, DefiniteArticle};
use crate::arabic::normalize::{normalize_spacing, Normalized};

/// Where in a word a match may start.
const WORD_START: u8 = 1;
/// After a particle ending in `ل`, where a name's elided article starts.
const AFTER_LAM: u8 = 2;

/// [`Gazetteer::find`], the first way.
pub(super) fn find(gazetteer: &Gazetteer, text: &str) -> Vec<Match> {
    let Some(automaton) = &gazetteer.automaton else {
        return Vec::new();
    };
    let folded = normalize_spacing(text);
    let words = WordBoundaries::new(&folded);
    let mut candidates: Vec<(usize, usize, &str)> = Vec::new();
    for hit in automaton.find_overlapping_iter(folded.text.as_str()) {
        let (start, end) = (words.char_index(hit.start()), words.char_index(hit.end()));
        if !words.ends_word(end) {
            continue;
        }
        let pattern = &gazetteer.patterns[hit.pattern().as_usize()];
        if let Some(label) = pattern.plain.as_deref().filter(|_| words.starts_at(start, WORD_START)) {
            candidates.push((start, end, label));
        }
        if let Some(label) = pattern.elided.as_deref().filter(|_| words.starts_at(start, AFTER_LAM)) {
            candidates.push((start, end, label));
        }
    }
    super::leftmost_longest(candidates, &folded)
}

/// Word structure of a normalised text, by character index: where matches may start and end.
struct WordBoundaries {
    /// Byte offset of each character, for turning the automaton's byte offsets into indexes.
    byte_starts: Vec<usize>,
    /// Whether each character is a letter or digit.
    in_word: Vec<bool>,
    /// [`WORD_START`] and [`AFTER_LAM`] flags per character.
    starts: Vec<u8>,
}

impl WordBoundaries {
    fn new(folded: &Normalized) -> Self {
        let text = folded.text.as_str();
        let byte_starts: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
        let in_word: Vec<bool> = text.chars().map(char::is_alphanumeric).collect();
        let mut starts = vec![0u8; in_word.len()];
        let mut index = 0;
        while index < in_word.len() {
            if !in_word[index] {
                index += 1;
                continue;
            }
            let first = index;
            while index < in_word.len() && in_word[index] {
                index += 1;
            }
            let end_byte = byte_starts.get(index).copied().unwrap_or(text.len());
            let word = &text[byte_starts[first]..end_byte];
            for split in proclitic_splits(word) {
                let flag = if split.article == DefiniteArticle::Elided { AFTER_LAM } else { WORD_START };
                starts[first + split.rest_offset()] |= flag;
            }
        }
        WordBoundaries { byte_starts, in_word, starts }
    }

    fn char_index(&self, byte: usize) -> usize {
        self.byte_starts.partition_point(|&b| b < byte)
    }

    fn starts_at(&self, index: usize, flag: u8) -> bool {
        self.starts.get(index).is_some_and(|&f| f & flag != 0) || (flag == WORD_START && self.in_word.get(index) == Some(&false))
    }

    fn ends_word(&self, index: usize) -> bool {
        index == 0 || !self.in_word.get(index).copied().unwrap_or(false) || !self.in_word.get(index - 1).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::gazetteer::lists::{builtin_lists, parse_list};
    use crate::extract::gazetteer::Entry;
    use crate::random::Rng;

    fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
        items[rng.below(items.len() as u64) as usize]
    }

    /// Both searches agree on `text`; the message names the text when they do not.
    fn assert_same(gazetteer: &Gazetteer, text: &str) {
        assert_eq!(gazetteer.find(text), find(gazetteer, text), "{text:?}");
    }

    /// The names of the shipped list files as written (hamza, ta marbuta and all).
    fn builtin_names() -> Vec<String> {
        let mut names = Vec::new();
        for (file, contents) in builtin_lists() {
            names.extend(parse_list(contents, std::path::Path::new(file)).unwrap().into_iter().map(|e| e.name));
        }
        names
    }

    /// `name` as an article may write it: marks, tatweel and bidi marks sprinkled in, its words
    /// spaced any way.
    fn respell(rng: &mut Rng, name: &str) -> String {
        let mut out = String::new();
        for c in name.chars() {
            if c == ' ' {
                out.push_str(pick(rng, &[" ", " ", "  ", "\u{00A0}", "\t", "\n", " \u{200F}"]));
                continue;
            }
            out.push(c);
            if rng.below(6) == 0 {
                out.push_str(pick(rng, &["\u{064E}", "\u{0651}\u{064F}", "\u{0640}", "\u{200F}", "\u{200C}", "\u{0670}"]));
            }
        }
        out
    }

    const PREFIXES: [&str; 24] =
        ["", "", "", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك", "ال", "لل", "وال", "بال", "ولل", "ت", "a", "2", "(", "\u{200F}"];
    const SUFFIXES: [&str; 16] = ["", "", " ", ".", "،", "ي", "ه", "ها", "2", "a", "😀", "\n", "\u{0640}", "\u{064F}", "\u{200F}", "»"];
    const SEPARATORS: [&str; 8] = [" ", " ", "  ", "\n", " و", "، ", "\r\n", " 😀 "];

    #[test]
    fn agrees_on_the_shipped_names_in_context() {
        let gazetteer = Gazetteer::builtin();
        let names = builtin_names();
        let mut rng = Rng::new(20261201);
        for chunk in names.chunks(4) {
            // The names of a chunk, each in several contexts, run together into one text so
            // that neighbouring names overlap and compete too.
            let mut text = String::from("قال ");
            for _ in 0..6 {
                for name in chunk {
                    let name = if rng.below(3) == 0 { respell(&mut rng, name) } else { name.clone() };
                    text.push_str(pick(&mut rng, &PREFIXES));
                    let elide = rng.below(4) == 0 && name.starts_with("ال");
                    text.push_str(if elide { &name["ا".len()..] } else { &name });
                    text.push_str(pick(&mut rng, &SUFFIXES));
                    text.push_str(pick(&mut rng, &SEPARATORS));
                }
            }
            assert_same(gazetteer, &text);
            assert!(!gazetteer.find(&text).is_empty(), "{text:?}");
        }
    }

    /// Letters, particles, marks and separators in the proportions that make short names hit
    /// often, at every kind of boundary.
    const ALPHABET: [&str; 26] = [
        "ا", "ل", "ل", "و", "ف", "ب", "ك", "ر", "س", "ي", "ه", "ة", "أ", "ى", "ن", "\u{064E}", "\u{0640}", "\u{200F}", "\u{200D}", " ", " ", "\n", ".", "2",
        "a", "😀",
    ];

    fn random_string(rng: &mut Rng, max: u64) -> String {
        (0..rng.below(max + 1)).map(|_| pick(rng, &ALPHABET)).collect()
    }

    #[test]
    fn agrees_on_random_strings() {
        let mut rng = Rng::new(7);
        let builtin = Gazetteer::builtin();
        for _ in 0..30 {
            let labels = ["LOC", "ORG", "PER"];
            let mut entries: Vec<Entry> = (0..12).map(|_| Entry { name: random_string(&mut rng, 5), label: pick(&mut rng, &labels).into() }).collect();
            entries.extend((0..4).map(|_| Entry { name: format!("ال{}", random_string(&mut rng, 3)), label: pick(&mut rng, &labels).into() }));
            let gazetteer = Gazetteer::new(entries);
            for _ in 0..100 {
                let text = random_string(&mut rng, 40);
                assert_same(&gazetteer, &text);
                assert_same(builtin, &text);
            }
        }
    }

    #[test]
    #[ignore = "needs MIZAN_CORPORA"]
    fn agrees_on_anercorp() {
        use crate::load::conll::{read_conll, ConllOptions};
        let root = std::env::var_os("MIZAN_CORPORA").expect("set MIZAN_CORPORA to the shared datasets folder");
        let gazetteer = Gazetteer::builtin();
        let mut found = 0;
        for file in ["ANERCorp_CamelLab_train.txt", "ANERCorp_CamelLab_test.txt"] {
            let path = std::path::Path::new(&root).join("anercorp").join(file);
            let mut diagnostics = crate::load::Diagnostics::default();
            let import = read_conll(&path, &ConllOptions::default(), &mut diagnostics, &crate::progress::NoProgress).expect("ANERcorp reads");
            for article in &import.articles {
                for sentence in std::iter::once(article.text.as_str()).chain(article.text.lines()) {
                    assert_same(gazetteer, sentence);
                }
                found += gazetteer.find(&article.text).len();
            }
        }
        assert!(found > 5_000, "{found} matches");
    }
}
