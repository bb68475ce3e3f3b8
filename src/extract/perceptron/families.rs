//! The feature families: groups of feature templates that training can switch on and off, so
//! that what each group contributes can be measured (the ablation table in
//! `docs/extractors/perceptron-ner.md`) and a model can be trained without a resource it
//! should not use (the gazetteer, say).
//!
//! A model stores the families it was trained with and tags with the same ones. On the command
//! line (`mizan train perceptron-ner --features …`) a list is either the families themselves
//! (`words,affixes,context`) or changes to the defaults (`-gazetteer,+ngrams`).

use serde::{Deserialize, Serialize};

/// One group of templates (see `features` for what each looks at).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// The word as written, normalised, its stem, and its bigrams with each neighbour.
    Words,
    /// The taken-off proclitics, 1–3-letter prefixes of the stem and suffixes of the word.
    Affixes,
    /// 4-letter affixes, prefixes of the whole word and letter trigrams of the stem.
    Ngrams,
    /// Shape classes of the word and its neighbours, shape × length.
    Shape,
    /// Diacritics, tatweel, Arabic-Indic digits and Latin letters present in the word.
    Marks,
    /// Neighbouring words at ±2, stems and suffixes at ±1.
    Context,
    /// Stems at ±2, neighbour bigrams and the pair of words around the token.
    WideContext,
    /// Proclitics, 1–3-letter stem prefixes and suffixes of the words at ±1.
    NeighbourAffixes,
    /// The jackknifed training lexicon: how often a word, its stem and its neighbours took
    /// each tag in the training data.
    Lexicon,
    /// The stems of every proclitic reading of the word.
    Stems,
    /// Matches of mizan's built-in gazetteer lists.
    Gazetteer,
    /// Distributional word classes learnt from the training text (`classes`).
    Classes,
    /// Whether the word and its neighbours are in the shipped lists of given and family names
    /// (`names`: Wikidata's people, CC0).
    Names,
}

impl Family {
    /// Every family, in the order the features are computed.
    pub const ALL: [Family; 13] = [
        Family::Words,
        Family::Affixes,
        Family::Ngrams,
        Family::Shape,
        Family::Marks,
        Family::Context,
        Family::WideContext,
        Family::NeighbourAffixes,
        Family::Lexicon,
        Family::Stems,
        Family::Gazetteer,
        Family::Classes,
        Family::Names,
    ];

    /// The family's name on the command line and in the model file.
    pub fn name(self) -> &'static str {
        match self {
            Family::Words => "words",
            Family::Affixes => "affixes",
            Family::Ngrams => "ngrams",
            Family::Shape => "shape",
            Family::Marks => "marks",
            Family::Context => "context",
            Family::WideContext => "wide-context",
            Family::NeighbourAffixes => "neighbour-affixes",
            Family::Lexicon => "lexicon",
            Family::Stems => "stems",
            Family::Gazetteer => "gazetteer",
            Family::Classes => "classes",
            Family::Names => "names",
        }
    }

    fn parse(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A set of families.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Vec<Family>", from = "Vec<Family>")]
pub struct Families {
    bits: u32,
}

impl Families {
    pub fn none() -> Self {
        Families { bits: 0 }
    }

    pub fn all() -> Self {
        Family::ALL.into_iter().collect()
    }

    pub fn contains(&self, family: Family) -> bool {
        self.bits & (1 << family as u32) != 0
    }

    pub fn with(mut self, family: Family) -> Self {
        self.bits |= 1 << family as u32;
        self
    }

    pub fn without(mut self, family: Family) -> Self {
        self.bits &= !(1 << family as u32);
        self
    }

    /// The families in [`Family::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = Family> + '_ {
        Family::ALL.into_iter().filter(|&f| self.contains(f))
    }

    /// Reads a command-line list: family names (`words,affixes`), or changes to `base`
    /// (`-gazetteer,+ngrams`); the empty string is `base`. Mixing the two forms is an error.
    pub fn parse(list: &str, base: &Families) -> Result<Families, String> {
        let items: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        let changes = items.iter().filter(|s| s.starts_with(['+', '-'])).count();
        if changes != 0 && changes != items.len() {
            return Err(format!("`{list}` mixes family names with +/- changes; give either the families (words,affixes) or changes (-gazetteer,+ngrams)"));
        }
        let mut families = if changes == 0 && !items.is_empty() { Families::none() } else { base.clone() };
        for item in items {
            let name = item.trim_start_matches(['+', '-']);
            let family = Family::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
                format!("unknown feature family `{name}`; the families are {}", known.join(", "))
            })?;
            families = if item.starts_with('-') { families.without(family) } else { families.with(family) };
        }
        Ok(families)
    }
}

impl FromIterator<Family> for Families {
    fn from_iter<I: IntoIterator<Item = Family>>(families: I) -> Self {
        families.into_iter().fold(Families::none(), Families::with)
    }
}

impl From<Families> for Vec<Family> {
    fn from(families: Families) -> Self {
        families.iter().collect()
    }
}

impl From<Vec<Family>> for Families {
    fn from(families: Vec<Family>) -> Self {
        families.into_iter().collect()
    }
}

impl std::fmt::Display for Families {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.iter().map(Family::name).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_changes() {
        let base: Families = [Family::Words, Family::Gazetteer].into_iter().collect();
        assert_eq!(Families::parse("", &base).unwrap(), base);
        assert_eq!(Families::parse("-gazetteer,+ngrams", &base).unwrap().to_string(), "words,ngrams");
        assert_eq!(Families::parse("context, words", &base).unwrap().to_string(), "words,context");
        let error = Families::parse("words,-gazetteer", &base).unwrap_err();
        assert!(error.contains("mixes"), "{error}");
        let error = Families::parse("+word", &base).unwrap_err();
        assert!(error.contains("unknown feature family `word`") && error.contains("wide-context"), "{error}");
    }

    #[test]
    fn round_trips_through_json() {
        let families = Families::all().without(Family::Marks);
        let json = serde_json::to_string(&families).unwrap();
        assert!(json.starts_with("[\"words\",\"affixes\",\"ngrams\",\"shape\",\"context\""), "{json}");
        assert_eq!(serde_json::from_str::<Families>(&json).unwrap(), families);
    }
}
