//! Offset units other tools count in, converted to and from mizan's code points. Label Studio
//! and doccano have counted UTF-16 code units (an emoji is two), doccano projects can count
//! grapheme clusters (a letter with decomposed diacritics is one, UAX #29); everything mizan
//! stores is code points. A conversion fails — `None` — on an offset that falls inside a
//! character or cluster, or past the end, never guessing.

use std::fmt;
use std::str::FromStr;

use unicode_segmentation::UnicodeSegmentation;

/// The unit a tool's offsets count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OffsetUnit {
    CodePoints,
    Utf16,
    Graphemes,
}

impl OffsetUnit {
    pub const ALL: [OffsetUnit; 3] = [OffsetUnit::CodePoints, OffsetUnit::Utf16, OffsetUnit::Graphemes];

    pub fn name(self) -> &'static str {
        match self {
            OffsetUnit::CodePoints => "codepoints",
            OffsetUnit::Utf16 => "utf16",
            OffsetUnit::Graphemes => "graphemes",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            OffsetUnit::CodePoints => "code points",
            OffsetUnit::Utf16 => "UTF-16 code units",
            OffsetUnit::Graphemes => "grapheme clusters",
        }
    }

    /// Whether offsets in this unit can differ from code points anywhere in `text`.
    pub fn differs_in(self, text: &str) -> bool {
        match self {
            OffsetUnit::CodePoints => false,
            OffsetUnit::Utf16 => text.chars().any(|c| c.len_utf16() == 2),
            OffsetUnit::Graphemes => text.graphemes(true).any(|g| g.chars().nth(1).is_some()),
        }
    }
}

impl fmt::Display for OffsetUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OffsetUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "codepoints" | "chars" | "unicode" => Ok(OffsetUnit::CodePoints),
            "utf16" => Ok(OffsetUnit::Utf16),
            "graphemes" | "grapheme" => Ok(OffsetUnit::Graphemes),
            other => Err(format!("unknown offset unit `{other}` (codepoints, utf16, graphemes)")),
        }
    }
}

/// The boundaries of one text in one unit: `at[k]` is the code-point offset of unit boundary
/// `k` (identity for code points, where the table is not built).
pub struct OffsetMap {
    unit: OffsetUnit,
    chars: usize,
    /// Code-point offset of every boundary of the unit, ascending, ending with the length.
    boundaries: Vec<usize>,
    /// For UTF-16: the unit offset of every code-point boundary.
    units_at_char: Vec<usize>,
}

impl OffsetMap {
    pub fn new(text: &str, unit: OffsetUnit) -> Self {
        let chars = text.chars().count();
        let mut map = OffsetMap { unit, chars, boundaries: Vec::new(), units_at_char: Vec::new() };
        match unit {
            OffsetUnit::CodePoints => {}
            OffsetUnit::Utf16 => {
                let mut units = 0;
                map.units_at_char.reserve(chars + 1);
                for c in text.chars() {
                    map.units_at_char.push(units);
                    units += c.len_utf16();
                }
                map.units_at_char.push(units);
            }
            OffsetUnit::Graphemes => {
                let mut at = 0;
                for grapheme in text.graphemes(true) {
                    map.boundaries.push(at);
                    at += grapheme.chars().count();
                }
                map.boundaries.push(at);
            }
        }
        map
    }

    /// The code-point offset of an offset in this unit.
    pub fn to_code_points(&self, offset: usize) -> Option<usize> {
        match self.unit {
            OffsetUnit::CodePoints => (offset <= self.chars).then_some(offset),
            OffsetUnit::Utf16 => self.units_at_char.binary_search(&offset).ok(),
            OffsetUnit::Graphemes => self.boundaries.get(offset).copied(),
        }
    }

    /// The offset in this unit of a code-point offset.
    pub fn from_code_points(&self, offset: usize) -> Option<usize> {
        match self.unit {
            OffsetUnit::CodePoints => (offset <= self.chars).then_some(offset),
            OffsetUnit::Utf16 => self.units_at_char.get(offset).copied(),
            OffsetUnit::Graphemes => self.boundaries.binary_search(&offset).ok(),
        }
    }

    /// A `[start, end)` range in this unit as code points, when both ends are boundaries and
    /// the range is not empty.
    pub fn range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let (s, e) = (self.to_code_points(start)?, self.to_code_points(end)?);
        (s < e).then_some((s, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_emoji_twice() {
        let text = "😀 دمشق";
        let map = OffsetMap::new(text, OffsetUnit::Utf16);
        assert_eq!(map.range(3, 7), Some((2, 6)));
        assert_eq!(map.to_code_points(1), None, "inside the surrogate pair");
        assert_eq!(map.from_code_points(2), Some(3));
        assert!(OffsetUnit::Utf16.differs_in(text));
        assert!(!OffsetUnit::Utf16.differs_in("دمشق"));
    }

    #[test]
    fn graphemes_hold_diacritics_with_their_letter() {
        // مُحَمَّد: 8 code points, 4 clusters.
        let text = "مُحَمَّد علي";
        let map = OffsetMap::new(text, OffsetUnit::Graphemes);
        assert_eq!(map.range(0, 4), Some((0, 8)));
        assert_eq!(map.range(5, 8), Some((9, 12)));
        assert_eq!(map.from_code_points(1), None);
        assert_eq!(map.to_code_points(9), None);
        assert!(OffsetUnit::Graphemes.differs_in(text));
    }

    #[test]
    fn code_points_are_checked_against_the_length() {
        let map = OffsetMap::new("abc", OffsetUnit::CodePoints);
        assert_eq!(map.range(0, 3), Some((0, 3)));
        assert_eq!(map.range(2, 4), None);
        assert_eq!(map.range(2, 2), None);
        assert_eq!("UTF-16".parse::<OffsetUnit>(), Ok(OffsetUnit::Utf16));
    }
}
