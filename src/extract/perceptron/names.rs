//! The person-name lists behind the `names` feature family: given names and family names of
//! people in Wikidata, in Arabic script (`data/names/`, made by `scripts/names-from-wikidata.py`,
//! CC0), embedded in the binary like the gazetteer's lists.
//!
//! A word is looked up whole and, when proclitics were taken off, by its stem; what the
//! features see is which of the two lists hold it. The lists are general knowledge from
//! outside the training data, so a name training never saw can still look like a name.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::fingerprint::Fnv64;

const GIVEN: &str = include_str!("../../../data/names/given.txt");
const FAMILY: &str = include_str!("../../../data/names/family.txt");

/// In the given-name list.
pub(crate) const GIVEN_NAME: u8 = 1;
/// In the family-name list.
pub(crate) const FAMILY_NAME: u8 = 2;

/// The lists that hold a word (`roles` is not 0), as a feature's part: given, family, both.
pub(crate) fn role_part(roles: u8) -> &'static str {
    match roles {
        GIVEN_NAME => "g",
        FAMILY_NAME => "f",
        _ => "gf",
    }
}

/// Normalised name → the lists that hold it (`GIVEN_NAME | FAMILY_NAME`). The lists are
/// written folded (a test holds them to it), so their lines are the keys as they stand.
fn table() -> &'static HashMap<&'static str, u8> {
    static TABLE: OnceLock<HashMap<&'static str, u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = HashMap::with_capacity(entries(GIVEN).count() + entries(FAMILY).count());
        for (list, role) in [(GIVEN, GIVEN_NAME), (FAMILY, FAMILY_NAME)] {
            for name in entries(list) {
                *table.entry(name).or_insert(0) |= role;
            }
        }
        table
    })
}

/// The names of a list file: its lines without comments and blanks.
fn entries(list: &str) -> impl Iterator<Item = &str> {
    list.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Which lists hold a normalised word: 0 when neither.
pub(crate) fn roles(norm: &str) -> u8 {
    table().get(norm).copied().unwrap_or(0)
}

/// A hash of both lists: it changes whenever they do, which changes what the features say.
pub(crate) fn fingerprint() -> String {
    let mut hash = Fnv64::new();
    for list in [GIVEN, FAMILY] {
        for name in entries(list) {
            hash.write(name.as_bytes()).write(b"\n");
        }
        hash.write(b"\x00");
    }
    hash.hex()
}

#[cfg(test)]
mod tests {
    use super::super::normalize::normalize_word;
    use super::*;

    #[test]
    fn the_shipped_lists_are_folded_words() {
        let (given, family) = (entries(GIVEN).count(), entries(FAMILY).count());
        assert!(given > 5_000 && family > 15_000, "{given} given, {family} family names");
        for name in entries(GIVEN).chain(entries(FAMILY)) {
            assert!(!name.contains(' ') && name.chars().count() >= 2, "`{name}`");
            assert_eq!(normalize_word(name), name, "`{name}` is not folded as the features fold words");
        }
    }

    #[test]
    fn a_name_is_found_in_any_spelling() {
        // محمد is both a given and a family name; أحمد is found through its folded form.
        assert_eq!(roles(&normalize_word("محمد")), GIVEN_NAME | FAMILY_NAME);
        assert_ne!(roles(&normalize_word("أحمد")) & GIVEN_NAME, 0);
        assert_eq!(roles(&normalize_word("الاجتماع")), 0);
        assert_eq!(roles(""), 0);
    }
}
