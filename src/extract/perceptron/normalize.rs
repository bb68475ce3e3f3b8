//! The word forms the tagger's features look at: a normalised spelling, and the stem left
//! once proclitics and the article are taken off.
//!
//! News text spells one word several ways (`أحمد`/`احمد`, `مصطفى`/`مصطفي`, `القاهرة`/`القاهره`,
//! with or without harakat or tatweel), and glues conjunctions, prepositions and `ال` to the
//! front of names (`وبالقاهرة`). Features on the normalised form and the stems let what was
//! learnt from one spelling apply to the others. The folding and the proclitic readings are
//! mizan's shared ones (`crate::arabic`), so the tagger and the gazetteer read words alike.

use crate::arabic::clitics::{proclitic_splits, DefiniteArticle, ProcliticSplit};

/// The normalised form of a word: [`crate::arabic::normalize_word`]'s fold, with Latin letters
/// also lower-cased (Arabic has no case, and `Reuters`/`REUTERS` are one name).
pub(crate) fn normalize_word(word: &str) -> String {
    let folded = crate::arabic::normalize_word(word);
    if folded.chars().any(char::is_uppercase) {
        folded.to_lowercase()
    } else {
        folded
    }
}

/// The one reading of a normalised word the single-stem features use: particles are taken off
/// only when the reading is unlikely to eat a name's first letter — `و`/`ف` (a stem of two
/// letters or more remains), or any particle followed by the article (`بالقاهره`, `للرئيس`);
/// then the article. `بدمشق` stays whole, `وبالقاهره` gives `قاهره`. Returns the taken-off
/// part (`وبال`) and the stem.
pub(crate) fn split_proclitics(word: &str) -> (&str, &str) {
    let plausible = |s: &ProcliticSplit<'_>| s.article != DefiniteArticle::None || matches!(s.proclitic, "" | "و" | "ف");
    let best = proclitic_splits(word).filter(plausible).min_by_key(|s| s.stem.len());
    match best {
        Some(split) => word.split_at(word.len() - split.stem.len()),
        None => ("", word),
    }
}

/// The stems of every reading of a normalised word other than the word itself (see
/// [`proclitic_splits`]), without repeats: the features offer them all and training learns
/// which to trust.
pub(crate) fn other_stems(word: &str) -> Vec<&str> {
    let mut stems: Vec<&str> = Vec::new();
    for split in proclitic_splits(word) {
        if split.stem != word && !stems.contains(&split.stem) {
            stems.push(split.stem);
        }
    }
    stems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_spelling_variants() {
        for (word, expected) in
            [("أَحْمَد", "احمد"), ("إسلام", "اسلام"), ("مصطفى", "مصطفي"), ("القاهرة", "القاهره"), ("الـرئيس", "الرئيس"), ("٢٠٢٤", "2024"), ("NATO", "nato")]
        {
            assert_eq!(normalize_word(word), expected, "{word}");
        }
    }

    #[test]
    fn strips_proclitics_and_the_article() {
        for (word, prefix, stem) in [
            ("وبالقاهره", "وبال", "قاهره"),
            ("للرئيس", "لل", "رئيس"),
            ("والرئيس", "وال", "رئيس"),
            ("الرياض", "ال", "رياض"),
            ("بدمشق", "", "بدمشق"),
            ("ورد", "و", "رد"),
            ("وا", "", "وا"),
            ("ال", "", "ال"),
            ("", "", ""),
        ] {
            assert_eq!(split_proclitics(word), (prefix, stem), "{word}");
        }
    }

    #[test]
    fn offers_every_reading() {
        assert_eq!(other_stems("وبريطانيا"), ["بريطانيا", "ريطانيا"]);
        assert_eq!(other_stems("لندن"), ["ندن"]);
        assert!(other_stems("في").is_empty());
    }
}
