//! Reporting expressions: who says a quotation.
//!
//! A reporting expression is a speech verb (`قال`, `وأضاف`, `أكدت`, `يرى`) or a participle of
//! saying (`مشيرا`, `مؤكدة`, `بالقول`) in the narration, outside quotations; or an attribution
//! (`بحسب`, `نقلا عن`, `على لسان`, `عن الوزير … قوله`). A verb's subject is read from the words
//! after it (`super::subject`), or from before it (`وكانت المنسقة … لوند قد قالت`).
//! Expressions without a subject of their own are resolved by `super::people`.

use std::ops::Range;

use super::lexicon::{participle, speech_verb, Gender, ATTRIBUTIONS, COMPLEMENTS, OPENERS, SAYING_NOUNS};
use super::subject::{is_time_word, is_title, read_subject, Reading, Subject};
use super::words::{has_article, normalize, without_conjunction, Kind, Token};

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

pub(crate) fn is_participle(norm: &str) -> bool {
    participle(norm).is_some()
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
