//! The names Arabic news gives to months, weekdays and eras: Gregorian months in their
//! Egyptian and Gulf forms (`مارس`) and their Levantine forms (`آذار`), Hijri months
//! (`جمادى الآخرة`), and the era marks written after a year (`م`, `هـ`). The date rules
//! ([`super::date`]) look names up here; all spellings are normalised
//! ([`super::words::normalize`]).

use super::words::{readings, Kind, Token};

/// Which calendar a month or year belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Calendar {
    Gregorian,
    Hijri,
}

/// Gregorian month names, one or two words, with their number.
#[rustfmt::skip]
const GREGORIAN: [(&str, u32); 26] = [
    ("يناير", 1), ("كانون الثاني", 1), ("فبراير", 2), ("شباط", 2), ("مارس", 3), ("اذار", 3),
    ("ابريل", 4), ("نيسان", 4), ("مايو", 5), ("ايار", 5), ("يونيو", 6), ("يونيه", 6), ("حزيران", 6),
    ("يوليو", 7), ("يوليه", 7), ("تموز", 7), ("اغسطس", 8), ("اب", 8), ("سبتمبر", 9), ("ايلول", 9),
    ("اكتوبر", 10), ("تشرين الاول", 10), ("نوفمبر", 11), ("تشرين الثاني", 11), ("ديسمبر", 12),
    ("كانون الاول", 12),
];

/// Hijri month names, with the spellings in common use.
#[rustfmt::skip]
const HIJRI: [(&str, u32); 19] = [
    ("محرم", 1), ("المحرم", 1), ("صفر", 2), ("ربيع الاول", 3), ("ربيع الثاني", 4),
    ("ربيع الاخر", 4), ("جمادي الاولي", 5), ("جمادي الاول", 5), ("جمادي الثانية", 6),
    ("جمادي الاخرة", 6), ("جمادي الاخر", 6), ("رجب", 7), ("شعبان", 8), ("رمضان", 9), ("شوال", 10),
    ("ذو القعدة", 11), ("ذي القعدة", 11), ("ذو الحجة", 12), ("ذي الحجة", 12),
];

/// Weekday names as they follow `اليوم` or `أمس` (`اليوم الاثنين`).
const WEEKDAYS: [&str; 7] = ["الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعة", "السبت"];

/// Words written after a year to name its era, with the calendar they name.
#[rustfmt::skip]
const ERAS: [(&str, Calendar); 8] = [
    ("م", Calendar::Gregorian), ("ميلادي", Calendar::Gregorian), ("ميلادية", Calendar::Gregorian),
    ("للميلاد", Calendar::Gregorian), ("ه", Calendar::Hijri), ("هجري", Calendar::Hijri),
    ("هجرية", Calendar::Hijri), ("للهجرة", Calendar::Hijri),
];

/// A month name found in the tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Month {
    pub calendar: Calendar,
    pub number: u32,
    /// Code-point offset where the name starts (after a proclitic, when one was allowed).
    pub start: usize,
    pub end: usize,
    /// Index of the token just past the name.
    pub next: usize,
}

/// The month name at `tokens[i]` (one word, or two separated by a space). With
/// `proclitic`, a conjunction or preposition attached to the name is left outside it
/// (`وآذار`).
pub(crate) fn month_at(tokens: &[Token], i: usize, proclitic: bool) -> Option<Month> {
    let first = tokens.get(i).filter(|t| t.is_word())?;
    let second = tokens.get(i + 1).filter(|t| t.is_word());
    let candidates = if proclitic { readings(&first.norm) } else { vec![(0, first.norm.as_str())] };
    for (letters, word) in candidates {
        let start = first.start + super::words::offset_after_letters(&first.surface, letters);
        let two = second.map(|s| format!("{word} {}", s.norm));
        for (calendar, table) in [(Calendar::Gregorian, &GREGORIAN[..]), (Calendar::Hijri, &HIJRI[..])] {
            if let (Some(two), Some(second)) = (&two, second) {
                if let Some(&(_, number)) = table.iter().find(|(name, _)| name == two) {
                    return Some(Month { calendar, number, start, end: second.end, next: i + 2 });
                }
            }
            if let Some(&(_, number)) = table.iter().find(|(name, _)| *name == word) {
                return Some(Month { calendar, number, start, end: first.end, next: i + 1 });
            }
        }
    }
    None
}

/// A second name for the same month after a slash (`آذار/مارس`): the index just past it.
pub(crate) fn alternative_month(tokens: &[Token], i: usize, month: &Month) -> Option<(usize, usize)> {
    tokens.get(i).filter(|t| t.kind == Kind::Punct('/'))?;
    let other = month_at(tokens, i + 1, false)?;
    (other.number == month.number && other.calendar == month.calendar).then_some((other.end, other.next))
}

pub(crate) fn is_weekday(token: &Token) -> bool {
    token.is_word() && WEEKDAYS.contains(&token.norm.as_str())
}

/// The era mark at `tokens[i]`, if any: its calendar and end offset.
pub(crate) fn era_at(tokens: &[Token], i: usize) -> Option<(Calendar, usize)> {
    let token = tokens.get(i).filter(|t| t.is_word())?;
    ERAS.iter().find(|(name, _)| *name == token.norm).map(|&(_, calendar)| (calendar, token.end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::news_rules::words::tokenize;

    /// Calendar, number, start and end of a month name.
    type Found = Option<(Calendar, u32, usize, usize)>;

    fn month(text: &str, proclitic: bool) -> Found {
        let tokens = tokenize(&text.chars().collect::<Vec<_>>());
        month_at(&tokens, 0, proclitic).map(|m| (m.calendar, m.number, m.start, m.end))
    }

    #[test]
    fn finds_month_names_in_each_calendar() {
        use Calendar::*;
        let cases: &[(&str, bool, Found)] = &[
            ("آذار 2018", false, Some((Gregorian, 3, 0, 4))),
            ("مارس", false, Some((Gregorian, 3, 0, 4))),
            ("كانون الثاني", false, Some((Gregorian, 1, 0, 12))),
            ("تشرين الأول", false, Some((Gregorian, 10, 0, 11))),
            ("جمادى الآخرة", false, Some((Hijri, 6, 0, 12))),
            ("ذي الحجة", false, Some((Hijri, 12, 0, 8))),
            ("رمضان", false, Some((Hijri, 9, 0, 5))),
            ("وآذار", true, Some((Gregorian, 3, 1, 5))),
            ("وآذار", false, None),
            ("كانون", false, None),
            ("موسكو", false, None),
        ];
        for &(text, proclitic, want) in cases {
            assert_eq!(month(text, proclitic), want, "{text}");
        }
    }

    #[test]
    fn era_marks_name_their_calendar() {
        let tokens = tokenize(&"1439هـ 2018 م".chars().collect::<Vec<_>>());
        assert_eq!(era_at(&tokens, 1), Some((Calendar::Hijri, 6)));
        assert_eq!(era_at(&tokens, 3), Some((Calendar::Gregorian, 13)));
        assert_eq!(era_at(&tokens, 0), None);
    }
}
