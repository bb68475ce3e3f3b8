//! Recognising a dateline, the `CITY-AGENCY` first line that wire copy opens with
//! (`موسكو-سانا`, `دمشق (سانا)`).

/// The place and agency a dateline names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    pub place: String,
    pub agency: String,
}

/// Recognises `CITY-AGENCY`, `CITY - AGENCY` (any of `-`, `–`, `—`) and `CITY (AGENCY)`.
/// Both parts must be short runs of letters: a sentence with a hyphen in it is not a dateline.
pub fn parse_dateline(line: &str) -> Option<Dateline> {
    let line = line.trim_matches(|c: char| c.is_whitespace() || crate::model::is_bidi_mark(c));
    // More than 60 characters: surely so past 240 bytes (a character takes at most four).
    if line.len() > 240 || line.chars().count() > 60 {
        return None;
    }
    let (place, agency) = if let Some(body) = line.strip_suffix(')') {
        let (place, agency) = body.split_once('(')?;
        (place, agency)
    } else {
        line.split_once(['-', '–', '—'])?
    };
    let (place, agency) = (place.trim(), agency.trim());
    (is_name(place, 3) && is_name(agency, 3)).then(|| Dateline { place: place.to_string(), agency: agency.to_string() })
}

/// A short run (at most `max_words` words) of letters, with `.` and `'` allowed inside names.
fn is_name(text: &str, max_words: usize) -> bool {
    let words = text.split_whitespace().count();
    (1..=max_words).contains(&words) && text.chars().all(|c| c.is_alphabetic() || c.is_whitespace() || matches!(c, '.' | '\'' | '\u{0640}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dateline_shapes() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("موسكو-سانا", Some(("موسكو", "سانا"))),
            ("دمشق - سانا", Some(("دمشق", "سانا"))),
            ("دمشق – سانا\u{200F}", Some(("دمشق", "سانا"))),
            ("بيروت (أ ف ب)", Some(("بيروت", "أ ف ب"))),
            ("Moscow-SANA", Some(("Moscow", "SANA"))),
            ("ريف دمشق-سانا", Some(("ريف دمشق", "سانا"))),
            ("أكد وزير الخارجية الروسي سيرغي لافروف اليوم أن العلاقات بين روسيا-بريطانيا", None),
            ("عام 2018-سانا", None),
            ("-سانا", None),
            ("موسكو-", None),
            ("موسكو", None),
            ("", None),
        ];
        for &(line, expected) in cases {
            let got = parse_dateline(line).map(|d| (d.place, d.agency));
            let want = expected.map(|(p, a)| (p.to_string(), a.to_string()));
            assert_eq!(got, want, "{line:?}");
        }
    }
}
