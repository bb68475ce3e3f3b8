//! The offset conventions Label Studio has written, and reading a region's offsets in each:
//! code points (≥ 1.0) or UTF-16 code units (older), exclusive or inclusive ends (≤ 0.4), over
//! the text as it is or with each CRLF counted as one line break (as a browser shows it).

use crate::load::offsets::{OffsetMap, OffsetUnit};

/// An offset convention Label Studio has used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convention {
    pub unit: OffsetUnit,
    pub inclusive_end: bool,
    /// Offsets into the text with every CRLF read as one line break, as a browser shows it.
    pub crlf_as_one: bool,
}

const fn convention(unit: OffsetUnit, inclusive_end: bool, crlf_as_one: bool) -> Convention {
    Convention { unit, inclusive_end, crlf_as_one }
}

pub const CONVENTIONS: [Convention; 8] = [
    convention(OffsetUnit::CodePoints, false, false),
    convention(OffsetUnit::Utf16, false, false),
    convention(OffsetUnit::CodePoints, true, false),
    convention(OffsetUnit::Utf16, true, false),
    convention(OffsetUnit::CodePoints, false, true),
    convention(OffsetUnit::Utf16, false, true),
    convention(OffsetUnit::CodePoints, true, true),
    convention(OffsetUnit::Utf16, true, true),
];

impl Convention {
    pub fn describe(self) -> String {
        format!(
            "{}{}{}",
            self.unit.description(),
            if self.inclusive_end { " with inclusive ends (Label Studio ≤ 0.4)" } else { "" },
            if self.crlf_as_one { " with each CRLF counted as one line break (as the browser showed the text)" } else { "" }
        )
    }
}

/// The offset maps of one task's text: code points and UTF-16, over the text as it is and (when
/// it has CRLFs) with each CRLF read as one character, with the way back to the real offsets.
pub struct TextMaps {
    pub plain: [OffsetMap; 2],
    crlf: Option<([OffsetMap; 2], Vec<usize>)>,
}

impl TextMaps {
    pub fn new(text: &str) -> Self {
        let plain = [OffsetMap::new(text, OffsetUnit::CodePoints), OffsetMap::new(text, OffsetUnit::Utf16)];
        let crlf = text.contains("\r\n").then(|| {
            let folded = text.replace("\r\n", "\n");
            let mut back = Vec::with_capacity(folded.len() + 1);
            let chars: Vec<char> = text.chars().collect();
            let mut k = 0;
            while k < chars.len() {
                back.push(k);
                k += if chars[k] == '\r' && chars.get(k + 1) == Some(&'\n') { 2 } else { 1 };
            }
            back.push(chars.len());
            ([OffsetMap::new(&folded, OffsetUnit::CodePoints), OffsetMap::new(&folded, OffsetUnit::Utf16)], back)
        });
        TextMaps { plain, crlf }
    }

    /// `[start, end)` in a convention, as code points of the real text.
    pub fn range(&self, convention: Convention, start: usize, end: usize) -> Option<(usize, usize)> {
        let unit = usize::from(convention.unit == OffsetUnit::Utf16);
        let end = end.saturating_add(usize::from(convention.inclusive_end));
        if !convention.crlf_as_one {
            return self.plain[unit].range(start, end);
        }
        let (maps, back) = self.crlf.as_ref()?;
        let (s, e) = maps[unit].range(start, end)?;
        Some((*back.get(s)?, *back.get(e)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_convention_maps_back_to_code_points() {
        // "😀\r\nلافروف": لافروف is 3..9 in code points, 4..10 in UTF-16, 2..8 with CRLF as one.
        let maps = TextMaps::new("😀\r\nلافروف");
        assert_eq!(maps.range(CONVENTIONS[0], 3, 9), Some((3, 9)));
        assert_eq!(maps.range(CONVENTIONS[1], 4, 10), Some((3, 9)));
        assert_eq!(maps.range(CONVENTIONS[2], 3, 8), Some((3, 9)));
        assert_eq!(maps.range(CONVENTIONS[4], 2, 8), Some((3, 9)));
        assert_eq!(maps.range(CONVENTIONS[5], 3, 9), Some((3, 9)));
        assert_eq!(TextMaps::new("abc").range(CONVENTIONS[4], 0, 1), None, "no CRLF, no such reading");
    }
}
