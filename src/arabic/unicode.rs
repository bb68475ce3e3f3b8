//! NFC and NFKC with offsets: the text is cut into clusters that normalise independently (a
//! starter and the combining marks after it), and every character a cluster normalises to is
//! reported with the cluster's original code-point range.
//!
//! Normalising cluster by cluster equals normalising the whole text except where a starter
//! composes with the starter before it (Hangul syllables, a few Indic vowel signs); the cut is
//! never made there, so those pairs stay one cluster too.

use unicode_normalization::char::{canonical_combining_class, compose};
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::steps::UnicodeForm;

/// Calls `emit(char, start, end)` for each character of the normalised text, `[start, end)`
/// being the original code points of its cluster; returns the original length in code points.
pub(crate) fn clusters(text: &str, form: UnicodeForm, mut emit: impl FnMut(char, usize, usize)) -> usize {
    // Most text is already in the form asked for: then every character stands for itself
    // (what `flush` does for each cluster of it, only faster).
    let already = match form {
        UnicodeForm::Nfc => is_nfc_quick(text.chars()) == IsNormalized::Yes,
        UnicodeForm::Nfkc => is_nfkc_quick(text.chars()) == IsNormalized::Yes,
        UnicodeForm::None => true,
    };
    if already {
        let mut len = 0;
        for (index, c) in text.chars().enumerate() {
            emit(c, index, index + 1);
            len = index + 1;
        }
        return len;
    }
    let mut cluster = String::new();
    let mut cluster_start = 0;
    let mut previous: Option<char> = None;
    let mut len = 0;
    for (index, c) in text.chars().enumerate() {
        len = index + 1;
        let starts_cluster = previous.is_some_and(|p| canonical_combining_class(c) == 0 && !composes(p, c));
        if starts_cluster {
            flush(&cluster, form, cluster_start, index, &mut emit);
            cluster.clear();
            cluster_start = index;
        }
        cluster.push(c);
        previous = Some(c);
    }
    flush(&cluster, form, cluster_start, len, &mut emit);
    len
}

/// Whether NFC could join `next` to `previous`: a canonical composition of the two, or of
/// `previous` with the first character of `next`'s decomposition.
fn composes(previous: char, next: char) -> bool {
    if previous.is_ascii() && next.is_ascii() {
        return false;
    }
    // Hangul vowel and final jamo join the syllable before them, composed or not.
    if ('\u{1160}'..='\u{11FF}').contains(&next) {
        return true;
    }
    let mut first = None;
    unicode_normalization::char::decompose_canonical(next, |d| {
        first.get_or_insert(d);
    });
    compose(previous, next).is_some() || first.is_some_and(|f| (f != next && canonical_combining_class(f) != 0) || compose(previous, f).is_some())
}

fn flush(cluster: &str, form: UnicodeForm, start: usize, end: usize, emit: &mut impl FnMut(char, usize, usize)) {
    if cluster.is_empty() {
        return;
    }
    let already = match form {
        UnicodeForm::Nfc => is_nfc_quick(cluster.chars()) == IsNormalized::Yes,
        UnicodeForm::Nfkc => is_nfkc_quick(cluster.chars()) == IsNormalized::Yes,
        UnicodeForm::None => true,
    };
    // A cluster the form leaves as it is keeps one origin per character, as the whole-text
    // shortcut in `clusters` does.
    if already {
        for (offset, c) in cluster.chars().enumerate() {
            emit(c, start + offset, start + offset + 1);
        }
        return;
    }
    let mut push = |c| emit(c, start, end);
    match form {
        UnicodeForm::Nfc => cluster.nfc().for_each(&mut push),
        UnicodeForm::Nfkc => cluster.nfkc().for_each(&mut push),
        UnicodeForm::None => cluster.chars().for_each(&mut push),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, form: UnicodeForm) -> (String, Vec<(usize, usize)>) {
        let mut out = String::new();
        let mut origins = Vec::new();
        clusters(text, form, |c, s, e| {
            out.push(c);
            origins.push((s, e));
        });
        (out, origins)
    }

    #[test]
    fn normalises_cluster_by_cluster_as_the_whole_text() {
        let texts = [
            "أحمد",
            "ا\u{0653}سيا",      // alef + madda above → آ
            "و\u{0654}",         // waw + hamza above → ؤ
            "مُحَمَّدٌ",              // marks stay (no composition), order canonical
            "ش\u{0651}\u{064E}", // shadda then fatha: reordered
            "\u{FDF2} \u{FEFB}", // ligatures ﷲ and ﻻ (NFKC expands them)
            "e\u{0301}t\u{00E9}",
            "\u{1100}\u{1161}\u{11A8}", // Hangul jamo compose across starters
            "😀 abc",
        ];
        for text in texts {
            for form in [UnicodeForm::Nfc, UnicodeForm::Nfkc] {
                let whole: String = if form == UnicodeForm::Nfc { text.nfc().collect() } else { text.nfkc().collect() };
                assert_eq!(run(text, form).0, whole, "{text:?} {form:?}");
            }
        }
    }

    #[test]
    fn every_character_keeps_its_cluster() {
        let (out, origins) = run("ا\u{0653}ب", UnicodeForm::Nfc);
        assert_eq!(out, "آب");
        assert_eq!(origins, [(0, 2), (2, 3)]);
        let (out, origins) = run("x\u{FDF2}", UnicodeForm::Nfkc);
        assert_eq!(out, "xالله");
        assert_eq!(origins, [(0, 1), (1, 2), (1, 2), (1, 2), (1, 2)]);
    }
}
