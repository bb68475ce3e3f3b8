//! Reporting expressions and their subjects: who says a quotation.
//!
//! A reporting expression is a speech verb (`قال`, `وأضاف`, `أكدت`, `يرى`) or a participle of
//! saying (`مشيرا`, `مؤكدة`, `بالقول`) in the narration, outside quotations; or an attribution
//! (`بحسب`, `نقلا عن`, `على لسان`, `عن الوزير … قوله`). A verb's subject is read from the words
//! after it: an optional title phrase (`وزير الخارجية الروسي`), then the name (`سيرغي لافروف`);
//! the speaker is the name's last word — the family name as the article writes it
//! (docs/annotation-guidelines.md §3) — with the words a compound name joins to it
//! (`نصر الله`). A subject may also stand before its verb (`وكانت المنسقة … لوند قد قالت`).
//! Expressions without a subject of their own are resolved by `super::people`.
//!
//! Arabic has no capital letters, so a name is told from other words by what it is not: not a
//! particle, time word, title, speech verb or the head of an institution's name, no article
//! on its first word, no `ة` or `ه` at its end (`ضرورة`, `لقائه`) unless a given name comes
//! before it (`أحمد شحادة`); and by memory — a family name once read after a title or a verb
//! ends a later name (`أكد لافروف ضرورة`) and may carry the article (`وقال الخطيب`).

use std::ops::Range;

use super::lexicon::{
    given_name, is_institution, not_a_name, participle, speech_verb, Gender, ADDRESS_TITLES, ATTRIBUTIONS, COMPLEMENTS, HONORIFICS, OPENERS, SAYING_NOUNS,
    TIME_WORDS, TITLES, TITLE_LINKS, TITLE_PREPOSITIONS,
};
use super::words::{has_article, in_list, normalize, readings, without_conjunction, Kind, Token};

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

/// One reporting expression, as token indexes into the narration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expression {
    /// The verb, participle or attribution word.
    pub verb: usize,
    /// Just past the subject (just past the verb when there is none).
    pub end: usize,
    pub subject: Subject,
    /// The title phrase of an unnamed subject (`الوزير العماني`), as a token range.
    pub title: Range<usize>,
    /// A participle (`مشيرا`) rather than a verb.
    pub participle: bool,
    /// The gender the verb or participle shows, when it shows one.
    pub gender: Option<Gender>,
    /// A plural subject (`قالوا`): a group.
    pub plural: bool,
    /// Who speaks, once `super::people::resolve` has run.
    pub speaker: Option<String>,
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

pub(crate) fn is_participle(norm: &str) -> bool {
    participle(norm).is_some()
}

fn is_time_word(token: &Token) -> bool {
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

/// Whether what follows a subject ending at `end` is a complement of saying — `أن`, `عن`, a
/// participle, a colon or a quotation: the verb goes on to say something of its own.
pub(crate) fn says_more(narration: &[Token], mut end: usize) -> bool {
    while narration.get(end).is_some_and(is_time_word) {
        end += 1;
    }
    narration.get(end).is_some_and(|t| {
        t.is_word() && (COMPLEMENTS.contains(&t.norm.as_str()) || is_participle(&t.norm)) || matches!(t.kind, Kind::Punct(':' | '“' | '«' | '”' | '"'))
    })
}

/// Where the sentence holding narration index `at` starts.
pub(crate) fn sentence_start(narration: &[Token], at: usize) -> usize {
    narration[..at].iter().rposition(Token::ends_sentence).map_or(0, |i| i + 1)
}

/// Whether a token may stand before a sentence's subject or verb without being either:
/// punctuation, an auxiliary (`وكانت`) or an opener (`من جهته`, `في السياق ذاته`).
pub(crate) fn is_opener(token: &Token) -> bool {
    !token.is_word() || OPENERS.contains(&without_conjunction(&token.norm)) || OPENERS.contains(&token.norm.as_str())
}

/// A subject placed before its verb: `وكانت المنسقة المقيمة … كارين لوند قد قالت`, `الوزير
/// الخطيب أكد`. Only openers may come before it in its sentence, so that a name in another
/// role (`وفي لقاء مع الوزير الخطيب أكد`) is not taken.
fn subject_before(narration: &[Token], verb: usize, known: &[String]) -> Option<Reading> {
    let start = sentence_start(narration, verb);
    let mut end = verb;
    if end > start && without_conjunction(&narration[end - 1].norm) == "قد" {
        end -= 1;
    }
    let mut p = start;
    while p < end && is_opener(&narration[p]) && !is_title(&narration[p].norm) && !known.contains(&narration[p].norm) {
        p += 1;
    }
    if p >= end || !(is_title(&narration[p].norm) || known.contains(&narration[p].norm)) {
        return None;
    }
    let reading = read_subject(narration, p, known);
    (reading.end == end && matches!(reading.subject, Subject::Named(_))).then_some(Reading { end: verb + 1, ..reading })
}

/// An attribution at `i`: `بحسب الوزير`, `وفقا لـ الوزير`, `نقلا عن الوزير`, `على لسان
/// الوزير`; or `قوله`/`قولها` after `عن X` in its sentence (`نقلت الوكالة عن الوزير قوله`).
/// An unnamed subject counts only with a title (`بحسب المتحدث`, not `بحسب الخطة`).
fn attribution(narration: &[Token], i: usize, known: &[String]) -> Option<Expression> {
    let norm = narration[i].norm.as_str();
    // `وفقا` begins with the letter that is also the conjunction.
    let word = if ATTRIBUTIONS.contains(&norm) { norm } else { without_conjunction(norm) };
    let expression = |reading: Reading, gender| Expression {
        verb: i,
        end: reading.end,
        subject: reading.subject,
        title: reading.title,
        participle: false,
        gender,
        plural: false,
        speaker: None,
    };
    if let Some(&(_, gender)) = SAYING_NOUNS.iter().find(|(noun, _)| *noun == word) {
        let start = sentence_start(narration, i);
        let from = (start..i).rev().find(|&k| matches!(without_conjunction(&narration[k].norm), "عن" | "لسان"))?;
        let reading = read_subject(narration, from + 1, known);
        return matches!(reading.subject, Subject::Named(_)).then(|| expression(Reading { end: i + 1, ..reading }, Some(gender)));
    }
    if !ATTRIBUTIONS.contains(&word) {
        return None;
    }
    let next = |k: usize| narration.get(k).map(|t| without_conjunction(&t.norm).to_string());
    let mut k = i + 1;
    match word {
        "نقلا" => {
            if next(k).as_deref() != Some("عن") {
                return None;
            }
            k += 1;
        }
        "لسان" if i == 0 || without_conjunction(&narration[i - 1].norm) != "علي" => return None,
        "وفقا" | "طبقا" if next(k).as_deref() == Some("ل") => k += 1,
        _ => {}
    }
    // `بحسب ما قاله الوزير`, `وفقا لما صرح به الوزير`: the subject of the verb after `ما`.
    if matches!(next(k).as_deref(), Some("ما" | "لما")) && narration.get(k + 1).is_some_and(|t| speech_verb(&t.norm).is_some()) {
        k += 2;
        if next(k).as_deref().is_some_and(|w| matches!(w, "به" | "بها")) {
            k += 1;
        }
    }
    // `وفقا لسيدوروف`: the name carries the preposition.
    let detached;
    let (tokens, k) = match narration.get(k) {
        Some(t) if matches!(word, "وفقا" | "طبقا") && t.norm.starts_with('ل') && t.norm.chars().count() > 3 && !has_article(&t.norm) => {
            let cut = super::words::offset_after_letters(&t.surface, 1);
            let surface: String = t.surface.chars().skip(cut).collect();
            let stripped = Token { start: t.start + cut, norm: normalize(&surface), surface, ..t.clone() };
            detached = [&narration[..k], &[stripped], &narration[k + 1..]].concat();
            (detached.as_slice(), k)
        }
        _ => (narration, k),
    };
    let reading = read_subject(tokens, k, known);
    let titled = !reading.title.is_empty() && tokens.get(reading.title.start).is_some_and(|t| is_title(&t.norm));
    match reading.subject {
        Subject::Named(_) => Some(expression(reading, None)),
        Subject::Unnamed if titled => Some(expression(reading, None)),
        _ => None,
    }
}

/// Every reporting expression in the narration, in order, each with its speaker resolved.
/// `narration` holds the text's tokens outside quotations, each quotation standing as one
/// opening-mark token.
pub(crate) fn find_expressions(narration: &[Token]) -> Vec<Expression> {
    let people = super::people::find_people(narration);
    let mut known: Vec<String> = Vec::new();
    for person in &people {
        if !known.contains(&person.norm) {
            known.push(person.norm.clone());
        }
    }
    let mut found: Vec<Expression> = Vec::new();
    // Words an attribution has read as its own (`بحسب ما قاله الوزير`).
    let mut taken = 0;
    for (i, token) in narration.iter().enumerate() {
        if !token.is_word() || i < taken {
            continue;
        }
        if let Some(gender) = participle(&token.norm) {
            found.push(Expression { verb: i, end: i + 1, subject: Subject::Implicit, title: i..i, participle: true, gender, plural: false, speaker: None });
            continue;
        }
        if let Some(expression) = attribution(narration, i, &known) {
            taken = expression.end;
            found.push(expression);
            continue;
        }
        let Some(form) = speech_verb(&token.norm) else { continue };
        let mut reading = read_subject(narration, i + 1, &known);
        if reading.subject == Subject::Implicit && !form.plural {
            if let Some(before) = subject_before(narration, i, &known) {
                reading = before;
            }
        }
        if form.ambiguous && (reading.subject == Subject::Unnamed || !says_more(narration, reading.end)) {
            continue;
        }
        if let Subject::Named(name) = &reading.subject {
            let norm = normalize(name);
            if !known.contains(&norm) {
                known.push(norm);
            }
        }
        let subject = if form.plural { Subject::Unnamed } else { reading.subject };
        found.push(Expression {
            verb: i,
            end: reading.end,
            subject,
            title: reading.title,
            participle: false,
            gender: Some(form.gender),
            plural: form.plural,
            speaker: None,
        });
    }
    super::people::resolve(narration, &mut found, &people, &known);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::news_rules::words::tokenize;

    fn subjects(text: &str) -> Vec<(String, Subject)> {
        let tokens = tokenize(&text.chars().collect::<Vec<_>>());
        find_expressions(&tokens).into_iter().map(|e| (tokens[e.verb].surface.clone(), e.subject)).collect()
    }

    fn named(name: &str) -> Subject {
        Subject::Named(name.to_string())
    }

    #[test]
    fn reads_the_subject_after_a_speech_verb() {
        let cases: &[(&str, &[(&str, Subject)])] = &[
            ("وقال لافروف خلال لقائه", &[("وقال", named("لافروف"))]),
            ("أكد وزير الخارجية الروسي سيرغي لافروف اليوم أن", &[("أكد", named("لافروف"))]),
            ("وقالت المتحدثة باسم الخارجية الروسية ماريا زاخاروفا إن", &[("وقالت", named("زاخاروفا"))]),
            ("قال الرئيس الأسد إن", &[("قال", named("الأسد"))]),
            ("قال الرئيس الروسي إن", &[("قال", Subject::Unnamed)]),
            ("وقالت الوزارة في بيان", &[("وقالت", Subject::Unnamed)]),
            ("وأضاف إن", &[("وأضاف", Subject::Implicit)]),
            ("أكد اليوم لافروف أن", &[("أكد", named("لافروف"))]),
            ("فأكدت ميركل أن", &[("فأكدت", named("ميركل"))]),
            ("رأت ميركل أن", &[("رأت", named("ميركل"))]),
            ("أكد لافروف ضرورة التعاون", &[("أكد", named("لافروف"))]),
            ("قال لافروف لنظيره", &[("قال", named("لافروف"))]),
            ("مشيرا إلى أن", &[("مشيرا", Subject::Implicit)]),
            ("يقول رئيس تحرير جريدة الوفاق مصيب نعيمي:", &[("يقول", named("نعيمي"))]),
            ("قال مندوب سورية الدائم لدى الأمم المتحدة بشار الجعفري إن", &[("قال", named("الجعفري"))]),
            ("قال وزير خارجية روسيا سيرغي لافروف", &[("قال", named("لافروف"))]),
            ("وقال مسؤول أمريكي إن", &[("وقال", Subject::Unnamed)]),
            ("وقال مصدر في الوزارة", &[("وقال", Subject::Unnamed)]),
            ("قال الأمين العام حسن نصر الله إن", &[("قال", named("نصر الله"))]),
            ("ويقول أبو عبد الله إن", &[("ويقول", named("أبو عبد الله"))]),
            ("قال فيها إن", &[("قال", Subject::Implicit)]),
            ("ويضيف رئيس تحرير جريدة الوفاق:", &[("ويضيف", Subject::Unnamed)]),
            ("وقال الوزير لافروف إن", &[("وقال", named("لافروف"))]),
            ("التقى الوزير حمد الكندي وفدا. من جهته أكد الكندي أن", &[("أكد", named("الكندي"))]),
            ("وأوضح مدير المؤسسة العامة لمياه الشرب في حلب المهندس نزار قدور أن", &[("وأوضح", named("قدور"))]),
            ("قال عضو مجلس الشعب عن محافظة القنيطرة خالد السعدي إن", &[("قال", named("السعدي"))]),
            ("وقال مختار القرية أحمد شحادة لمراسل سانا", &[("وقال", named("شحادة"))]),
            ("قال وزير الخارجية في مؤتمر صحفي مشترك إن", &[("قال", Subject::Unnamed)]),
            ("ويرى دعبول أن", &[("ويرى", named("دعبول"))]),
            ("وتقول الطالبة في كلية الفنون الجميلة ليلى عثمان", &[("وتقول", named("عثمان"))]),
            ("قال أحد سكان الحي إن", &[("قال", Subject::Unnamed)]),
            ("وقالوا إن", &[("وقالوا", Subject::Unnamed)]),
            ("قال الرئيس السوري بشار الأسد في كلمة ألقاها إن", &[("قال", named("الأسد"))]),
            ("وصرح مدير مرفأ طرطوس الكابتن سمير الأسعد لمراسل سانا بأن", &[("وصرح", named("الأسعد"))]),
            ("وأشارت المعلمة في مدرسة القرية هدى الصالح إلى أن", &[("وأشارت", named("الصالح"))]),
            ("بحسب المتحدث باسم الوزارة أحمد الصالح", &[("بحسب", named("الصالح"))]),
            ("وذلك نقلا عن مصدر في الوزارة", &[("نقلا", Subject::Unnamed)]),
            ("وبحسب الخطة فإن", &[]),
            ("على لسان الوزير سامر الخطيب", &[("لسان", named("الخطيب"))]),
            ("وفقاً لسيدوروف", &[("وفقاً", named("سيدوروف"))]),
            ("بحسب ما قاله المتحدث باسم الوزارة أحمد الصالح", &[("بحسب", named("الصالح"))]),
            ("وفقا لما صرح به السفير مازن الحموي", &[("وفقا", named("الحموي"))]),
            ("ونقلت الوكالة عن اللواء أوليغ سيدوروف قوله", &[("قوله", named("سيدوروف"))]),
            ("وكانت المنسقة المقيمة كارين لوند قد قالت", &[("قالت", named("لوند"))]),
            ("وفي لقاء مع الوزير سامر الخطيب أكد أن", &[("أكد", Subject::Implicit)]),
            ("وأكد وزير الصحة الدكتور زهير حمادة أن", &[("وأكد", named("حمادة"))]),
            ("وأوضح مدير الفرع المهندس عبد الحميد الأحمد أن", &[("وأوضح", named("الأحمد"))]),
            ("قالت رئيسة التمريض في المشفى وداد خير بك إن", &[("قالت", named("خير بك"))]),
            ("أكد رئيس وفد الجمهورية إلى اجتماعات اللجنة الدكتور يحيى العمر أن", &[("أكد", named("العمر"))]),
            ("وأشار الوزير إلى ضرورة دعم الرئيس بشار الأسد", &[("وأشار", Subject::Unnamed)]),
            ("وكان المبعوث الخاص إلى سورية هانز بيترسون قال إن", &[("قال", named("بيترسون"))]),
            ("وقالت المزارعة أم محمد التي تملك حقلا", &[("وقالت", named("أم محمد"))]),
        ];
        for &(text, want) in cases {
            let want: Vec<(String, Subject)> = want.iter().map(|(v, s)| (v.to_string(), s.clone())).collect();
            assert_eq!(subjects(text), want, "{text}");
        }
    }

    #[test]
    fn ambiguous_verbs_need_a_complement_of_saying() {
        let cases: &[(&str, usize)] = &[
            ("العلاقات بين روسيا وبريطانيا وصلت", 0),
            ("التعاون بين الجانبين على أساس", 0),
            ("وليس عبر الميكروفونات", 0),
            ("وعبر جونسون عن تأييد لندن", 1),
            ("وبين لافروف أن", 1),
            ("وتابع “نعم”", 1),
            ("في رأي المراقبين", 0),
            ("عبرت ميركل عن", 1),
        ];
        for &(text, want) in cases {
            assert_eq!(subjects(text).len(), want, "{text}");
        }
    }

    #[test]
    fn family_names_seen_before_end_a_name() {
        let text = "قال سيرغي لافروف. وأكد لافروف ضرورة إزالة العوائق";
        assert_eq!(subjects(text), [("قال".into(), named("لافروف")), ("وأكد".into(), named("لافروف"))]);
    }
}
