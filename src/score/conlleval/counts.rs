//! What conlleval.pl counts — phrases and tags, overall and per type — and the percentages
//! it derives from them, computed in the script's operation order so that rounding agrees.

use std::collections::BTreeMap;

use serde::Serialize;

/// Phrase counts for one entity type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TypeCounts {
    /// Phrases of this type in the gold column.
    pub gold: u64,
    /// Phrases of this type in the guessed column.
    pub found: u64,
    /// Guessed phrases that match a gold phrase exactly, type included.
    pub correct: u64,
}

impl TypeCounts {
    /// Precision in percent, 0 when no phrase of this type was guessed.
    pub fn precision(&self) -> f64 {
        percent(self.correct, self.found)
    }

    /// Recall in percent, 0 when the gold column has no phrase of this type.
    pub fn recall(&self) -> f64 {
        percent(self.correct, self.gold)
    }

    /// FB1 in percent.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

/// Everything conlleval.pl counts. Percentages are derived on demand so that they are always
/// computed with the script's operation order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConllevalResult {
    /// Token lines processed (boundary lines excluded).
    pub tokens: u64,
    /// Phrases in the gold column.
    pub phrases: u64,
    /// Phrases in the guessed column.
    pub found: u64,
    /// Guessed phrases that exactly match a gold phrase.
    pub correct: u64,
    /// Tokens whose whole guessed tag equals the gold tag, `O` included.
    pub correct_tags: u64,
    /// Counts per type, keyed by the type's bytes so that printing keeps the script's byte
    /// order and exact spelling even for input that is not UTF-8.
    #[serde(serialize_with = "serialize_per_type")]
    pub per_type: BTreeMap<Vec<u8>, TypeCounts>,
}

impl ConllevalResult {
    /// Phrase precision in percent (0 when nothing was guessed, as conlleval.pl reports).
    pub fn precision(&self) -> f64 {
        percent(self.correct, self.found)
    }

    /// Phrase recall in percent (0 when the gold column has no phrase).
    pub fn recall(&self) -> f64 {
        percent(self.correct, self.phrases)
    }

    /// Harmonic mean of precision and recall in percent (conlleval.pl's FB1).
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// Token accuracy in percent; 0 when no token was processed (conlleval.pl then prints no
    /// accuracy line at all).
    pub fn accuracy(&self) -> f64 {
        percent(self.correct_tags, self.tokens)
    }

    /// The types conlleval.pl reports (those with a gold or guessed phrase), with names decoded
    /// lossily. Names that only differ in their invalid bytes collapse into one entry, whose
    /// counts are summed so that no phrase is dropped.
    pub fn per_type_lossy(&self) -> BTreeMap<String, TypeCounts> {
        lossy_types(&self.per_type)
    }
}

/// conlleval.pl lists the types that occur in its gold or guessed phrase tables; a type that
/// only ever completed a correct phrase would not appear there.
pub(super) fn reported_types(per_type: &BTreeMap<Vec<u8>, TypeCounts>) -> impl Iterator<Item = (&Vec<u8>, &TypeCounts)> {
    per_type.iter().filter(|(_, counts)| counts.gold > 0 || counts.found > 0)
}

fn lossy_types(per_type: &BTreeMap<Vec<u8>, TypeCounts>) -> BTreeMap<String, TypeCounts> {
    let mut merged: BTreeMap<String, TypeCounts> = BTreeMap::new();
    for (name, counts) in reported_types(per_type) {
        let entry = merged.entry(String::from_utf8_lossy(name).into_owned()).or_default();
        entry.gold += counts.gold;
        entry.found += counts.found;
        entry.correct += counts.correct;
    }
    merged
}

/// JSON map keys must be text, so the byte-keyed table is written with lossy names.
fn serialize_per_type<S: serde::Serializer>(per_type: &BTreeMap<Vec<u8>, TypeCounts>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(lossy_types(per_type))
}

/// `100 * part / whole`, or 0 for an empty denominator. Perl multiplies first and divides
/// in floating point; the product is exact in a double for any realistic count, so this
/// yields the very double the script formats.
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// FB1 with the script's evaluation order, `((2 * p) * r) / (p + r)`, so rounding agrees.
fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    }
}
