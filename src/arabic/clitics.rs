//! Proclitics: the one-letter particles Arabic writes joined to the next word, and the ways a
//! word can be read as particles + definite article + stem.
//!
//! Entity spans leave the particles outside (`وبريطانيا` → `بريطانيا`, see the annotation
//! guidelines, 2.2), so both the gazetteer and learned taggers need the same readings of a
//! word. The rules, as data and code here:
//!
//! - A word is an optional conjunction (`و`, `ف`), then an optional preposition (`ب`, `ل`,
//!   `ك`), then optionally the article `ال`, then the stem. [`PROCLITICS`] lists the particle
//!   combinations: `و ف ب ل ك وب ول وك فب فل فك`.
//! - After `ل` the alef of the article is not written: `ل` + `الأمم` is `للأمم`. Such a
//!   word reads as particle `ل`, article [`DefiniteArticle::Elided`], stem `أمم`; the
//!   entity span then starts after the first `ل` (`لأمم`, guidelines 2.2.3).
//! - Every reading leaves a stem of at least [`MIN_STEM`] letters, and the whole word is
//!   always the first reading, so a name that begins with a particle letter (`لندن`,
//!   `بريطانيا`, `وهران`) can still match whole. Which reading is right is for the caller to
//!   decide (a list lookup, a learned weight): this module only enumerates.
//!
//! | word | readings after the whole word (particle, article, stem) |
//! |---|---|
//! | `وبريطانيا` | (`و`, none, `بريطانيا`), (`وب`, none, `ريطانيا`) |
//! | `بالولايات` | (`ب`, none, `الولايات`), (`ب`, written, `ولايات`) |
//! | `للأمم` | (`ل`, none, `لأمم`), (`ل`, elided, `أمم`) |
//! | `الروسي` | (none, written, `روسي`) |
//!
//! Words are compared letter by letter, so pass them through
//! [`normalize_word`](super::normalize_word) first when they may carry diacritics or tatweel.

/// The particle combinations that may precede a word, shortest first.
pub const PROCLITICS: [&str; 11] = ["و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"];

/// The fewest letters a reading leaves as its stem.
pub const MIN_STEM: usize = 2;

/// Whether, and how, a reading found the definite article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefiniteArticle {
    /// No article.
    None,
    /// `ال` written out after the particles (`بالولايات`, `الروسي`).
    Written,
    /// After `ل`, the article's alef is dropped and its `ل` is the word's next letter
    /// (`للأمم`); the particle's own `ل` is the one in `proclitic`.
    Elided,
}

/// One reading of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcliticSplit<'a> {
    /// The particle letters, as written; outside any entity span. Empty for the whole word
    /// and for a bare article.
    pub proclitic: &'a str,
    pub article: DefiniteArticle,
    /// The word after the particles, as written: what an entity span starting here covers
    /// (`الولايات`, `لأمم`).
    pub rest: &'a str,
    /// The word after the particles and the article.
    pub stem: &'a str,
}

impl ProcliticSplit<'_> {
    /// The stem with the article restored when the reading found one: `للأمم` → `الأمم`.
    pub fn stem_with_article(&self) -> String {
        match self.article {
            DefiniteArticle::None => self.stem.to_string(),
            DefiniteArticle::Written | DefiniteArticle::Elided => format!("ال{}", self.stem),
        }
    }

    /// Letters of the word before `rest`: where an entity span starts, in code points.
    pub fn rest_offset(&self) -> usize {
        self.proclitic.chars().count()
    }
}

/// Every reading of `word`: first the whole word, then each particle in [`PROCLITICS`]
/// order, for each without and then with the article. Nothing for an empty word.
pub fn proclitic_splits(word: &str) -> impl Iterator<Item = ProcliticSplit<'_>> {
    let particles = std::iter::once("").chain(PROCLITICS);
    particles.flat_map(move |particle| readings_after(word, particle)).flatten()
}

/// The readings of `word` with `particle` before its rest: without the article, and with it.
fn readings_after<'a>(word: &'a str, particle: &str) -> [Option<ProcliticSplit<'a>>; 2] {
    let Some(rest) = word.strip_prefix(particle) else {
        return [None, None];
    };
    let proclitic = &word[..particle.len()];
    let long_enough = |stem: &str| stem.chars().count() >= MIN_STEM;
    let whole = particle.is_empty().then_some(word).filter(|w| !w.is_empty());
    let plain = (whole.is_some() || long_enough(rest)).then_some(ProcliticSplit { proclitic, article: DefiniteArticle::None, rest, stem: rest });
    let (article, stem) =
        if particle.ends_with('ل') { (DefiniteArticle::Elided, rest.strip_prefix('ل')) } else { (DefiniteArticle::Written, rest.strip_prefix("ال")) };
    let with_article = stem.filter(|s| long_enough(s)).map(|stem| ProcliticSplit { proclitic, article, rest, stem });
    [plain, with_article]
}

/// Whether `particles` is one of [`PROCLITICS`].
pub fn is_proclitic(particles: &str) -> bool {
    PROCLITICS.contains(&particles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DefiniteArticle::{Elided, None as Bare, Written};

    fn readings(word: &str) -> Vec<(&str, DefiniteArticle, &str, &str)> {
        proclitic_splits(word).map(|s| (s.proclitic, s.article, s.rest, s.stem)).collect()
    }

    #[test]
    fn enumerates_readings() {
        type Reading = (&'static str, DefiniteArticle, &'static str, &'static str);
        let cases: &[(&str, &[Reading])] = &[
            ("", &[]),
            ("لندن", &[("", Bare, "لندن", "لندن"), ("ل", Bare, "ندن", "ندن")]),
            ("وبريطانيا", &[("", Bare, "وبريطانيا", "وبريطانيا"), ("و", Bare, "بريطانيا", "بريطانيا"), ("وب", Bare, "ريطانيا", "ريطانيا")]),
            ("للامم", &[("", Bare, "للامم", "للامم"), ("ل", Bare, "لامم", "لامم"), ("ل", Elided, "لامم", "امم")]),
            ("بالولايات", &[("", Bare, "بالولايات", "بالولايات"), ("ب", Bare, "الولايات", "الولايات"), ("ب", Written, "الولايات", "ولايات")]),
            ("والعراق", &[("", Bare, "والعراق", "والعراق"), ("و", Bare, "العراق", "العراق"), ("و", Written, "العراق", "عراق")]),
            ("الروسي", &[("", Bare, "الروسي", "الروسي"), ("", Written, "الروسي", "روسي")]),
            ("ولليبيا", &[("", Bare, "ولليبيا", "ولليبيا"), ("و", Bare, "لليبيا", "لليبيا"), ("ول", Bare, "ليبيا", "ليبيا"), ("ول", Elided, "ليبيا", "يبيا")]),
            // Too short to leave a stem: the whole word only.
            ("وب", &[("", Bare, "وب", "وب")]),
            ("بل", &[("", Bare, "بل", "بل")]),
            ("Paris", &[("", Bare, "Paris", "Paris")]),
        ];
        for &(word, expected) in cases {
            assert_eq!(readings(word), expected, "{word:?}");
        }
    }

    #[test]
    fn restores_the_article() {
        let cases: &[(&str, DefiniteArticle, &str)] = &[("للامم", Elided, "الامم"), ("بالولايات", Written, "الولايات"), ("وبريطانيا", Bare, "بريطانيا")];
        for &(word, article, expected) in cases {
            let split = proclitic_splits(word).find(|s| !s.proclitic.is_empty() && s.article == article);
            assert_eq!(split.map(|s| s.stem_with_article()), Some(expected.to_string()), "{word:?}");
        }
        let elided = proclitic_splits("للامم").find(|s| s.article == Elided).map(|s| s.rest_offset());
        assert_eq!(elided, Some(1));
    }

    #[test]
    fn knows_its_particles() {
        for particle in PROCLITICS {
            assert!(is_proclitic(particle));
        }
        assert!(!is_proclitic(""));
        assert!(!is_proclitic("ال"));
        assert!(is_proclitic("فك"));
        assert!(!is_proclitic("كف"));
    }
}
