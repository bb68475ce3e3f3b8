//! Who a reporting expression names: the subject read from the words after a verb (or before
//! it), as a title phrase and a name.
//!
//! The speaker is the name's last word — the family name as the article writes it
//! (docs/annotation-guidelines.md §3) — with the words a compound name joins to it
//! (`نصر الله`, `خير بك`). Arabic has no capital letters, so a name is told from other words
//! by what it is not: not a particle, time word, title, speech verb or the head of an
//! institution's name, no article on its first word, no `ة` or `ه` at its end (`ضرورة`,
//! `لقائه`) unless a given name or an honorific comes before it (`أحمد شحادة`, `الدكتور زهير
//! حمادة`); and by memory — a family name already known (`super::people`) ends a later name
//! (`أكد لافروف ضرورة`) and may carry the article (`وقال الخطيب`).

use std::ops::Range;

use super::lexicon::{
    given_name, is_institution, not_a_name, speech_verb, Gender, ADDRESS_TITLES, HONORIFICS, TIME_WORDS, TITLES, TITLE_LINKS, TITLE_PREPOSITIONS,
};
use super::speaker::is_participle;
use super::words::{has_article, in_list, readings, without_conjunction, Token};

/// Who an expression names as the one speaking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    /// A person named after the verb: the family name as written.
    Named(String),
    /// A subject that names no person (`وقالت الوزارة`, `قال وزير الخارجية`).
    Unnamed,
    /// No subject after the verb (`وأضاف “…”`), or a participle (`مشيرا إلى أن`).
    Implicit,
}

/// A subject read from the narration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reading {
    pub subject: Subject,
    /// Just past the subject.
    pub end: usize,
    /// The title phrase before the name (empty without a title).
    pub title: Range<usize>,
    /// The gender the title or given name shows.
    pub gender: Option<Gender>,
}

pub(crate) fn is_time_word(token: &Token) -> bool {
    token.is_word() && TIME_WORDS.contains(&without_conjunction(&token.norm))
}

pub(crate) fn is_title(norm: &str) -> bool {
    in_list(norm, TITLES)
}

/// A word that may be part of a personal name. `first` is true for the name's first word. The
/// first word may begin with `و` (`وليد`), later ones may not, as `و` there joins a second
/// noun. Later words may carry the article (`بشار الأسد`, `أيمن الظواهري`), the first may
/// not (`قالت الوزارة`), unless the article has already named a speaker so. After a given
/// name the family name may end in `ة` or `ه` (`أحمد شحادة`).
fn is_name_word(token: &Token, first: bool, after_given: bool, known: &[String]) -> bool {
    let norm = token.norm.as_str();
    if known.iter().any(|name| name == norm) || (!first && SECOND_PARTS.contains(&norm)) {
        return true;
    }
    // A kunya before a given name: `أم محمد`, `أبو أحمد` (`أم` is also "or").
    if first && matches!(norm, "ام" | "ابو") && after_given {
        return true;
    }
    let article_ok = !has_article(norm) || (!first && norm.starts_with("ال"));
    token.is_word()
        && norm.chars().count() >= 2
        && article_ok
        && (after_given || !(norm.ends_with('ة') || norm.ends_with('ه')))
        && (first || !norm.starts_with('و'))
        && !not_a_name(norm)
        && !is_title(norm)
        && !in_list(norm, TITLE_LINKS)
        && speech_verb(norm).is_none()
        && !is_participle(norm)
}

/// The run of name words starting at `tokens[i]` (at most four), as a token range; it ends
/// after a family name already seen (`أكد لافروف ضرورة`) or one with the article. Right after
/// an honorific, as after a given name, the second word may end in `ة` (`الدكتور زهير حمادة`).
fn read_name(tokens: &[Token], i: usize, known: &[String]) -> Range<usize> {
    let after_honorific = i > 0 && tokens[i - 1].is_word() && in_list(&tokens[i - 1].norm, HONORIFICS);
    let mut end = i;
    while let Some(token) = tokens.get(end) {
        // For the first word, whether a given name follows it (a kunya, `أم محمد`).
        let kunya = end == i && tokens.get(i + 1).is_some_and(|t| given_name(&t.norm).is_some());
        let after_given = kunya || (end == i + 1 && (after_honorific || given_name(&tokens[i].norm).is_some()));
        if end - i == 4 || !is_name_word(token, end == i, after_given, known) {
            break;
        }
        end += 1;
        // A family name with the article ends the name (`مازن الحموي التأكيد`), unless it is
        // the second part of a compound (`عبد الله الأحمد`, `عبد الحميد الأحمد`).
        let compound = || SECOND_PARTS.contains(&token.norm.as_str()) || tokens[end - 2].norm == "عبد";
        let family = end - 1 > i && token.norm.starts_with("ال") && !compound();
        if family || known.contains(&token.norm) {
            break;
        }
    }
    i..end
}

/// Parts that a family name takes with it: the word before a theophoric second part or an
/// old honorific (`نصر الله`, `نور الدين`, `خير بك`) and a kinship or naming word before the name (`أبو مازن`,
/// `عبد الله`, `بن علي`).
const SECOND_PARTS: [&str; 5] = ["الله", "الدين", "الرحمن", "بك", "باشا"];
const NAME_HEADS: [&str; 6] = ["عبد", "ابو", "ابن", "بن", "ال", "ام"];

/// The family name at the end of a name: its last word, with the words a compound name
/// joins to it (`أبو عبد الله`, `نصر الله`), as the article writes them.
fn family_name(tokens: &[Token], name: Range<usize>, known: &[String]) -> String {
    let mut first = name.end - 1;
    while first > name.start && !known.contains(&tokens[first].norm) {
        let joined = SECOND_PARTS.contains(&tokens[first].norm.as_str()) || NAME_HEADS.contains(&tokens[first - 1].norm.as_str());
        if !joined {
            break;
        }
        first -= 1;
    }
    tokens[first..name.end].iter().map(|t| t.surface.as_str()).collect::<Vec<_>>().join(" ")
}

/// Nouns of occasion that end a title phrase when a preposition brings them in (`قال وزير
/// الخارجية في مؤتمر صحفي`): what follows is where the words were said, not who said them.
const OCCASIONS: &[&str] = &[
    "مؤتمر",
    "كلمة",
    "تصريح",
    "بيان",
    "لقاء",
    "حديث",
    "اتصال",
    "جلسة",
    "حوار",
    "مقابلة",
    "رسالة",
    "خطاب",
    "اجتماع",
    "ندوة",
    "زيارة",
    "افتتاح",
    "ختام",
    "مستهل",
    "سياق",
    "اطار",
    "رد",
    "مداخلة",
    "احاطة",
    "محاضرة",
    "تصريحات",
];

/// Whether a word after a proclitic `ل` is a title or an agency: the addressee, which ends a
/// subject (`قال مختار القرية أحمد شحادة لمراسل سانا`).
fn is_addressee(norm: &str) -> bool {
    norm.starts_with('ل') && readings(norm).iter().any(|&(n, rest)| n > 0 && (in_list(rest, TITLES) || rest == "سانا"))
}

/// The longest title phrase read.
const LONGEST_TITLE: usize = 14;

/// Reads the subject that starts at `tokens[i]`. `known` holds family names already seen.
///
/// Without a title the name starts right after the verb (`وقال لافروف`). After a title the
/// name comes last in the title phrase (`وزير الخارجية الروسي سيرغي لافروف`,
/// `رئيس تحرير جريدة الوفاق مصيب نعيمي`): the phrase is read up to a particle, time word or
/// punctuation, and ends early after a name of two words or more; the name is that one, else
/// a one-word name that closes the phrase. The phrase may run on after `في`, `عن`, `إلى`,
/// `لدى` (`مديرة الثقافة في حمص الدكتورة ريم الحسن`), but only to a name of two words and
/// through no title but an honorific (`الدكتور`, `السفير`); without one it ends at the
/// preposition. A phrase with no name names no speaker (`قال وزير الخارجية إن`),
/// except after a title of address, where one word with the article may be the name
/// (`الرئيس الأسد`).
pub(crate) fn read_subject(tokens: &[Token], mut i: usize, known: &[String]) -> Reading {
    while tokens.get(i).is_some_and(is_time_word) {
        i += 1;
    }
    let implicit = |i| Reading { subject: Subject::Implicit, end: i, title: i..i, gender: None };
    let Some(first) = tokens.get(i).filter(|t| t.is_word()) else {
        return implicit(i);
    };
    if !is_title(&first.norm) {
        if !known.contains(&first.norm) && not_a_name(&first.norm) {
            return implicit(i);
        }
        let name = read_name(tokens, i, known);
        if name.is_empty() {
            let unnamed = has_article(&first.norm);
            return if unnamed { Reading { subject: Subject::Unnamed, end: i + 1, title: i..i + 1, gender: None } } else { implicit(i) };
        }
        let gender = given_name(&tokens[name.start].norm);
        let end = name.end;
        return Reading { subject: Subject::Named(family_name(tokens, name, known)), end, title: i..i, gender };
    }
    let head =
        readings(&first.norm).iter().map(|&(_, rest)| rest.strip_prefix("ال").unwrap_or(rest)).find(|r| TITLES.contains(r)).unwrap_or(&first.norm).to_string();
    let mut gender = Some(super::lexicon::title_gender(&head));
    let address = in_list(&first.norm, ADDRESS_TITLES);
    let mut k = i + 1;
    let mut found: Option<Range<usize>> = None;
    // Where the phrase stood when it first ran on after a preposition.
    let mut before_preposition: Option<(usize, Option<Range<usize>>)> = None;
    while let Some(token) = tokens.get(k).filter(|t| t.is_word() && k - i < LONGEST_TITLE) {
        let norm = token.norm.as_str();
        if TITLE_PREPOSITIONS.contains(&without_conjunction(norm)) && !in_list(norm, TITLE_LINKS) {
            let occasion = tokens.get(k + 1).is_some_and(|t| in_list(&t.norm, OCCASIONS) || t.norm.ends_with('ه') || t.norm.ends_with("ها"));
            if occasion {
                break;
            }
            before_preposition.get_or_insert((k, found.clone()));
            k += 1;
            continue;
        }
        // After a preposition a title other than an honorific is another person's:
        // `أشار الوزير إلى ضرورة … الرئيس بشار الأسد`.
        let other = before_preposition.is_some() && is_title(norm) && !in_list(norm, HONORIFICS);
        let kunya = matches!(norm, "ام" | "ابو") && tokens.get(k + 1).is_some_and(|t| given_name(&t.norm).is_some());
        let ends = (not_a_name(norm) && !in_list(norm, TITLE_LINKS) && !is_institution(norm) && !kunya) || is_addressee(norm) || other;
        if ends || speech_verb(norm).is_some() || is_participle(norm) {
            break;
        }
        // An indefinite title takes an indefinite adjective: `مسؤول أمريكي`, `دبلوماسي غربي`.
        let adjective = k == i + 1 && !has_article(&first.norm) && norm.ends_with('ي') && norm.chars().count() >= 4;
        let name = if adjective { k..k } else { read_name(tokens, k, known) };
        if name.is_empty() {
            let nisba = norm.ends_with('ي') || norm.ends_with("ية");
            if address && k == i + 1 && norm.starts_with("ال") && !nisba && !is_title(norm) {
                found = Some(k..k + 1);
            }
            k += 1;
            continue;
        }
        k = name.end;
        let full = name.len() >= 2;
        // After a preposition a one-word name is a place: `مديرة الثقافة في حمص`.
        if before_preposition.is_none() || full {
            found = Some(name);
        }
        if full {
            break;
        }
    }
    // A one-word name must close the phrase: in `رئيس تحرير جريدة الوفاق` no word is a name.
    let mut found = found.filter(|name| name.len() >= 2 || name.end == k);
    if let Some((at, before)) = before_preposition {
        if found.as_ref().is_none_or(|name| name.start < at) {
            found = before.filter(|name| name.len() >= 2 || name.end == at);
            k = at;
        }
    }
    let title = i..found.as_ref().map_or(k, |name| name.start);
    match found {
        Some(name) => {
            gender = given_name(&tokens[name.start].norm).or(gender);
            Reading { subject: Subject::Named(family_name(tokens, name, known)), end: k, title, gender }
        }
        None => Reading { subject: Subject::Unnamed, end: k, title, gender },
    }
}
