//! Dates (layer `date`, label `DATE`, attribute `value`), following
//! docs/annotation-guidelines.md §7.
//!
//! Five shapes, tried in this order at each token: a numeric date (`5/3/2018`,
//! `2018-03-05`); a day and a month name with an optional year (`5 آذار 2018`, `٥ مارس`,
//! `12 رمضان 1439 هـ`); a month name and a year (`آذار/مارس 2018`); a year after `عام`,
//! `سنة`, `العام` or `السنة` (`عام 2018`); and the deictic words `اليوم`, `أمس`, `غدا`. A span
//! starts at the day, month or year word, after any proclitic (`لعام 2018` → `عام 2018`), and
//! ends after the year and its era mark (`م`, `هـ`), when written. `value` is ISO-like: `2018`,
//! `2018-03`, `2018-03-05`, `XXXX-03-05` when the year is not written, with `hijri:` in front
//! for the Hijri calendar; or `today`, `yesterday`, `tomorrow`.

use std::collections::BTreeMap;

use super::calendar::{alternative_month, era_at, is_weekday, month_at, Calendar, Month};
use super::words::{has_article, readings, tokenize, without_conjunction, Kind, Token};
use crate::model::{Article, Span};

/// A date found at some token.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    value: String,
    /// Index of the token just past the date.
    next: usize,
}

/// Words for "year" that a number after them makes a date.
const YEAR_WORDS: [&str; 4] = ["عام", "سنة", "العام", "السنة"];

/// Words before `اليوم` that make it "the day", not "today" (`في اليوم`, `ذلك اليوم`).
const DAY_NOUN_BEFORE: [&str; 11] = ["في", "هذا", "ذلك", "نفس", "ذات", "طوال", "خلال", "طيلة", "مدار", "منتصف", "لهذا"];

/// Words after `اليوم` that make it "the day" (`اليوم نفسه`, `اليوم الأول`); so does any
/// adjective ending in `ي` (`اليوم الوطني`, `اليوم التالي`).
const DAY_NOUN_AFTER: [&str; 9] = ["نفسه", "ذاته", "الاول", "الاخير", "السابق", "الثالث", "الرابع", "الخامس", "المقبل"];

fn format_value(calendar: Calendar, year: Option<u32>, month: Option<u32>, day: Option<u32>) -> String {
    let prefix = if calendar == Calendar::Hijri { "hijri:" } else { "" };
    let year = year.map_or("XXXX".to_string(), |y| format!("{y:04}"));
    match (month, day) {
        (Some(m), Some(d)) => format!("{prefix}{year}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{prefix}{year}-{m:02}"),
        _ => format!("{prefix}{year}"),
    }
}

/// A year, with the era mark written after it when there is one.
struct Year {
    number: u32,
    /// The calendar its era mark names, else the one it was looked for in.
    calendar: Calendar,
    /// Code-point offset after the year and its era mark.
    end: usize,
    /// Index of the token just past them.
    next: usize,
}

/// A year at `tokens[i]` in `calendar`: four digits, or three for a Hijri year.
fn year_at(tokens: &[Token], i: usize, calendar: Calendar) -> Option<Year> {
    let token = tokens.get(i)?;
    let number = token.number()?;
    let year = match era_at(tokens, i + 1) {
        Some((era, end)) => Year { number, calendar: era, end, next: i + 2 },
        None => Year { number, calendar, end: token.end, next: i + 1 },
    };
    let digits = token.norm.len();
    (digits == 4 || (digits == 3 && year.calendar == Calendar::Hijri)).then_some(year)
}

/// `D/M/YYYY`, `D-M-YYYY`, `D.M.YYYY` (day first, as Arabic news writes them) or
/// `YYYY-MM-DD`, written without spaces.
fn numeric_date(tokens: &[Token], i: usize) -> Option<Found> {
    let parts = tokens.get(i..i + 5)?;
    let joined = parts.windows(2).all(|w| w[0].end == w[1].start);
    let sep = match parts[1].kind {
        Kind::Punct(c @ ('/' | '-' | '.')) => c,
        _ => return None,
    };
    if !joined || parts[3].kind != Kind::Punct(sep) {
        return None;
    }
    let (a, b, c) = (parts[0].number()?, parts[2].number()?, parts[4].number()?);
    let (year, month, day) = match (parts[0].norm.len(), parts[4].norm.len()) {
        (4, 1..=2) if sep == '-' => (a, b, c),
        (1..=2, 4) => (c, b, a),
        _ => return None,
    };
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| Found {
        start: parts[0].start,
        end: parts[4].end,
        value: format_value(Calendar::Gregorian, Some(year), Some(month), Some(day)),
        next: i + 5,
    })
}

/// A month name at `i`, an optional second name for it (`آذار/مارس`) and an optional year.
fn month_and_year(tokens: &[Token], month: Month, day: Option<u32>, start: usize) -> Option<Found> {
    let (mut end, mut next) = (month.end, month.next);
    if let Some((alt_end, alt_next)) = alternative_month(tokens, next, &month) {
        (end, next) = (alt_end, alt_next);
    }
    let year = year_at(tokens, next, month.calendar).filter(|year| year.calendar == month.calendar);
    if let Some(year) = &year {
        (end, next) = (year.end, year.next);
    }
    if year.is_none() && day.is_none() {
        // A month name alone is too often another word (`صفر` "zero", `آب`, `مارس` "practised").
        return None;
    }
    let value = format_value(month.calendar, year.map(|y| y.number), Some(month.number), day);
    Some(Found { start, end, value, next })
}

fn day_month(tokens: &[Token], i: usize) -> Option<Found> {
    let token = tokens.get(i)?;
    let day = token.number().filter(|d| (1..=31).contains(d) && token.norm.len() <= 2)?;
    let month = month_at(tokens, i + 1, false)?;
    month_and_year(tokens, month, Some(day), token.start)
}

fn month_year(tokens: &[Token], i: usize) -> Option<Found> {
    let month = month_at(tokens, i, true)?;
    month_and_year(tokens, month, None, month.start)
}

fn year_after_word(tokens: &[Token], i: usize) -> Option<Found> {
    let token = tokens.get(i).filter(|t| t.is_word())?;
    let &(letters, _) = readings(&token.norm).iter().find(|(_, rest)| YEAR_WORDS.contains(rest))?;
    let year = year_at(tokens, i + 1, Calendar::Gregorian).or_else(|| year_at(tokens, i + 1, Calendar::Hijri).filter(|y| y.calendar == Calendar::Hijri))?;
    let start = token.start + super::words::offset_after_letters(&token.surface, letters);
    let value = format_value(year.calendar, Some(year.number), None, None);
    Some(Found { start, end: year.end, value, next: year.next })
}

/// `اليوم` "today", `أمس` "yesterday", `غدا` "tomorrow", with a conjunction allowed before.
/// A weekday name after them (`اليوم الاثنين`) is left out of the span, as weekday names
/// always are. `اليوم` is "the day" rather than "today" after a preposition or demonstrative
/// (`في اليوم`, `ذلك اليوم`) or before an adjective, an ordinal or `نفسه` (`اليوم الوطني`,
/// `اليوم الأول`, `اليوم نفسه`); `غدا` before a noun with the article is the verb "became"
/// (`غدا الوضع`); `أمس الأول` and `أول أمس` are the day before yesterday.
fn deictic(tokens: &[Token], i: usize) -> Option<Found> {
    let token = tokens.get(i).filter(|t| t.is_word())?;
    let word = without_conjunction(&token.norm);
    let value = match word {
        "اليوم" => "today",
        "امس" => "yesterday",
        "غدا" => "tomorrow",
        _ => return None,
    };
    let prev = i.checked_sub(1).and_then(|k| tokens.get(k)).filter(|t| t.is_word());
    let prev = prev.map(|p| without_conjunction(&p.norm));
    if (value == "today" && prev.is_some_and(|p| DAY_NOUN_BEFORE.contains(&p))) || (value == "yesterday" && prev == Some("اول")) {
        return None;
    }
    if let Some(after) = tokens.get(i + 1).filter(|t| t.is_word() && !is_weekday(t)) {
        let adjective = has_article(&after.norm) && after.norm.ends_with('ي');
        let not_deictic = match value {
            "today" => adjective || DAY_NOUN_AFTER.contains(&after.norm.as_str()),
            "yesterday" => after.norm == "الاول",
            _ => has_article(&after.norm),
        };
        if not_deictic {
            return None;
        }
    }
    let letters = token.norm.chars().count() - word.chars().count();
    let start = token.start + super::words::offset_after_letters(&token.surface, letters);
    Some(Found { start, end: token.end, value: value.to_string(), next: i + 1 })
}

/// The date expressions of an article, sorted by offset.
pub fn find_dates(article: &Article) -> Vec<Span> {
    let chars: Vec<char> = article.text.chars().collect();
    let tokens = tokenize(&chars);
    let mut spans = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let found = numeric_date(&tokens, i)
            .or_else(|| day_month(&tokens, i))
            .or_else(|| month_year(&tokens, i))
            .or_else(|| year_after_word(&tokens, i))
            .or_else(|| deictic(&tokens, i));
        let Some(found) = found else {
            i += 1;
            continue;
        };
        spans.push(Span {
            article_id: String::new(),
            layer: "date".into(),
            start: found.start,
            end: found.end,
            label: "DATE".into(),
            text: article.slice(found.start, found.end).map(str::to_string),
            attrs: BTreeMap::from([("value".to_string(), found.value)]),
        });
        i = found.next;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dates found in `text`, each as (text, value).
    fn dates(text: &str) -> Vec<(String, String)> {
        let article = Article::new("a", text, BTreeMap::new());
        find_dates(&article)
            .into_iter()
            .map(|s| {
                assert_eq!(s.text.as_deref(), article.slice(s.start, s.end));
                (s.text.unwrap_or_default(), s.attrs["value"].clone())
            })
            .collect()
    }

    #[test]
    fn finds_dates_in_each_calendar_and_digit_kind() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("ستجرى في روسيا عام 2018.", &[("عام 2018", "2018")]),
            ("تقرير لعام ٢٠١٨", &[("عام ٢٠١٨", "2018")]),
            ("في العام 2017 وسنة 2016", &[("العام 2017", "2017"), ("سنة 2016", "2016")]),
            ("عام 2018م", &[("عام 2018م", "2018")]),
            ("في 5 آذار 2018", &[("5 آذار 2018", "2018-03-05")]),
            ("في ٥ مارس ٢٠١٨", &[("٥ مارس ٢٠١٨", "2018-03-05")]),
            ("15 كانون الثاني 2019", &[("15 كانون الثاني 2019", "2019-01-15")]),
            ("3 تشرين الأول ۲۰۱۷", &[("3 تشرين الأول ۲۰۱۷", "2017-10-03")]),
            ("في 5 آذار/مارس 2018", &[("5 آذار/مارس 2018", "2018-03-05")]),
            ("في تشرين الأول 2017", &[("تشرين الأول 2017", "2017-10")]),
            ("وفي حزيران 2016", &[("حزيران 2016", "2016-06")]),
            ("يوم 5 آذار الجاري", &[("5 آذار", "XXXX-03-05")]),
            ("12 جمادى الآخرة 1439 هـ", &[("12 جمادى الآخرة 1439 هـ", "hijri:1439-06-12")]),
            ("١٢ رمضان ١٤٣٩هـ", &[("١٢ رمضان ١٤٣٩هـ", "hijri:1439-09-12")]),
            ("في رمضان 1439", &[("رمضان 1439", "hijri:1439-09")]),
            ("عام 1439 هـ", &[("عام 1439 هـ", "hijri:1439")]),
            ("في 5/3/2018 و٢٠١٨-٠٣-٠٦", &[("5/3/2018", "2018-03-05"), ("٢٠١٨-٠٣-٠٦", "2018-03-06")]),
            ("بين 5-3-2018 و6.3.2018", &[("5-3-2018", "2018-03-05"), ("6.3.2018", "2018-03-06")]),
            ("في الأول من آذار 2003", &[("آذار 2003", "2003-03")]),
            ("الموافق 21 أيار 2018 م", &[("21 أيار 2018 م", "2018-05-21")]),
            // No month has a 32nd day: the month and year remain.
            ("32 آذار 2018", &[("آذار 2018", "2018-03")]),
        ];
        for &(text, want) in cases {
            let want: Vec<(String, String)> = want.iter().map(|(t, v)| (t.to_string(), v.to_string())).collect();
            assert_eq!(dates(text), want, "{text}");
        }
    }

    #[test]
    fn today_yesterday_and_tomorrow_only_in_their_deictic_sense() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("أكد لافروف اليوم أن", &[("اليوم", "today")]),
            ("في موسكو اليوم نظيره", &[("اليوم", "today")]),
            ("واليوم تبدأ المحادثات", &[("اليوم", "today")]),
            ("أكد اليوم الاثنين أن", &[("اليوم", "today")]),
            ("يصل غدا الأحد", &[("غدا", "tomorrow")]),
            ("حتى اليوم", &[("اليوم", "today")]),
            ("وصل صباح اليوم", &[("اليوم", "today")]),
            ("استمر القصف طوال اليوم", &[]),
            ("وصل أمس إلى دمشق", &[("أمس", "yesterday")]),
            ("يصل غداً إلى دمشق", &[("غداً", "tomorrow")]),
            ("اليوم الوطني لسورية", &[]),
            ("في اليوم التالي", &[]),
            ("في ذلك اليوم", &[]),
            ("مرتين في اليوم", &[]),
            ("اليوم الأول من المؤتمر", &[]),
            ("في اليوم نفسه", &[]),
            ("وصل أمس الأول", &[]),
            ("انفجرت أول أمس", &[]),
            ("غدا الوضع أسوأ", &[]),
        ];
        for &(text, want) in cases {
            let want: Vec<(String, String)> = want.iter().map(|(t, v)| (t.to_string(), v.to_string())).collect();
            assert_eq!(dates(text), want, "{text}");
        }
    }

    #[test]
    fn numbers_and_month_names_alone_are_not_dates() {
        for text in ["بلغ عددهم 2018 شخصا", "نسبة صفر في المئة", "في آذار الماضي", "عام 98", "مارس الضغط", "في 2018", "5/13/2018"]
        {
            assert_eq!(dates(text), [], "{text}");
        }
    }
}
