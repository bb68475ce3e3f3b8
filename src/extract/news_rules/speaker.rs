//! Reporting expressions and their subjects: who says a quotation.
//!
//! A reporting expression is a speech verb (`قال`, `وأضاف`, `أكدت`, `يقول`) or a participle of
//! saying (`مشيرا`, `معربا`) in the narration, outside quotations. A verb's subject is read
//! from the words after it: an optional title phrase (`وزير الخارجية الروسي`), then the name
//! (`سيرغي لافروف`); the speaker is the name's last word — the family name as the article
//! writes it (docs/annotation-guidelines.md §3) — with the words a compound name joins to it
//! (`نصر الله`). A participle has no subject of its own: it reports the words of whoever spoke
//! last.
//!
//! Arabic has no capital letters, so a name is told from other words by what it is not: not a
//! particle, time word, title or speech verb, no article on its first word, no `ة` or `ه` at
//! its end (`ضرورة`, `لقائه`); and by memory — a family name once read ends a later name
//! (`أكد لافروف ضرورة`) and may carry the article (`الظواهري`).

use super::words::{has_article, in_list, without_conjunction, Kind, Token};

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
    /// The verb or participle.
    pub verb: usize,
    /// Just past the subject (just past the verb when there is none).
    pub end: usize,
    pub subject: Subject,
    /// A participle (`مشيرا`) rather than a verb.
    pub participle: bool,
}

/// Speech verbs, normalised: the past tense, whose feminine adds `ت` (`قالت`; `رأت`, `نفت`,
/// `دعت` for the verbs that end in a vowel), and the present of the two commonest.
#[rustfmt::skip]
const VERBS: [&str; 27] = [
    "قال", "اضاف", "اكد", "اشار", "تابع", "زعم", "اعرب", "عبر", "اعتبر", "اوضح", "لفت", "صرح",
    "شدد", "راي", "بين", "ذكر", "اعلن", "نفي", "حذر", "افاد", "كشف", "دعا", "نوه", "يقول", "تقول",
    "يضيف", "تضيف",
];

/// Verbs whose bare form is also a preposition or a noun (`بين` "between", `عبر` "via", `ذكر`
/// "mention", `رأي` "opinion", `تابع` "affiliated"). They count only when what follows the
/// subject is a complement of saying: `أن`, `عن`, a colon or a quotation.
const AMBIGUOUS: [&str; 5] = ["بين", "عبر", "ذكر", "راي", "تابع"];

/// Participles of saying, masculine and feminine: they attach a statement to the sentence's
/// subject.
#[rustfmt::skip]
const PARTICIPLES: [&str; 30] = [
    "مشيرا", "مشيرة", "معربا", "معربة", "مؤكدا", "مؤكدة", "مضيفا", "مضيفة", "معتبرا", "معتبرة",
    "موضحا", "موضحة", "لافتا", "مشددا", "مشددة", "قائلا", "قائلة", "متابعا", "مبينا", "مبينة",
    "منوها", "منوهة", "محذرا", "محذرة", "معبرا", "داعيا", "زاعما", "زاعمة", "مبديا", "مبدية",
];

/// Words that open a title phrase before a name, and nouns that stand for a speaker without
/// naming one (`قال مصدر`, `قال مسؤول أمريكي`).
#[rustfmt::skip]
const TITLES: [&str; 59] = [
    "وزير", "وزيرة", "رئيس", "رئيسة", "نائب", "نائبة", "متحدث", "متحدثة", "ناطق", "ناطقة", "سفير",
    "سفيرة", "مندوب", "مندوبة", "ممثل", "ممثلة", "امين", "مستشار", "مستشارة", "مدير", "مديرة",
    "قائد", "زعيم", "نظيره", "نظيرته", "نظيرها", "عضو", "مساعد", "دكتور", "شيخ", "جنرال", "لواء",
    "عميد", "عقيد", "سيد", "سيدة", "ملك", "امير", "خبير", "محلل", "مفتي", "مبعوث", "مبعوثة", "مفوض",
    "مسؤول", "مسؤولة", "مصدر", "مصادر", "بيان", "تقرير", "شهود", "سكان", "خبراء", "مراقبون",
    "محللون", "دبلوماسي", "مراسل", "وكالة", "صحيفة",
];

/// Titles of address that a single name carrying the article may follow (`الرئيس الأسد`).
const ADDRESS_TITLES: [&str; 7] = ["رئيس", "ملك", "امير", "شيخ", "سيد", "سيدة", "دكتور"];

/// Words that may sit inside a title phrase without carrying the article (`المتحدث باسم`,
/// `وزير الدولة لشؤون`). `في` is not one: after a name it opens an adverbial (`في مؤتمر`).
const TITLE_LINKS: [&str; 3] = ["باسم", "لدي", "شؤون"];

/// Words that cannot be part of a name: particles, prepositions, pronouns, time adverbs and
/// weekdays, and the nouns that most often follow a speech verb as its object.
#[rustfmt::skip]
const NOT_NAMES: [&str; 103] = [
    "في", "من", "الي", "علي", "عن", "مع", "خلال", "حول", "بعد", "قبل", "امام", "عند", "لدي", "منذ",
    "حتي", "بين", "عبر", "ضد", "نحو", "دون", "تحت", "فوق", "اثناء", "عقب", "ازاء", "بشان", "وفق",
    "حسب", "ان", "انه", "انها", "انهم", "بان", "بانه", "بانها", "لان", "كما", "اذ", "اذا", "لكن",
    "ثم", "او", "ام", "قد", "لقد", "لم", "لن", "لا", "ما", "هو", "هي", "هم", "هذا", "هذه", "ذلك",
    "تلك", "هناك", "هنا", "كل", "بعض", "قبيل", "بعيد", "جميع", "فيه", "فيها", "عنه", "عنها", "له",
    "لها", "لهم", "لكم", "منه", "منها", "عليه", "عليها", "اليه", "اليها", "به", "بها", "معه", "معها", "اي", "اليوم", "امس", "غدا", "ايضا", "مجددا", "صباح",
    "مساء", "بدوره", "بدورها", "دعم", "رفض", "استعداد", "حرص", "الان", "الاحد", "الاثنين", "الثلاثاء",
    "الاربعاء", "الخميس", "الجمعة", "السبت",
];

/// Complements of saying that may follow an ambiguous verb's subject.
const COMPLEMENTS: [&str; 8] = ["ان", "انه", "انها", "انهم", "بان", "بانه", "عن", "الي"];

/// Adverbs of time that may stand between a verb and its subject (`أكد اليوم لافروف`).
const TIME_WORDS: [&str; 6] = ["اليوم", "امس", "غدا", "مجددا", "ايضا", "الان"];

/// Whether a normalised word is a speech verb; `Some(true)` when it is one of the ambiguous
/// bare forms.
fn speech_verb(norm: &str) -> Option<bool> {
    let word = without_conjunction(norm);
    if VERBS.contains(&word) {
        return Some(AMBIGUOUS.contains(&word));
    }
    let stem = word.strip_suffix('ت')?;
    VERBS.iter().any(|verb| *verb == stem || verb.strip_suffix(['ي', 'ا']).is_some_and(|v| v == stem)).then_some(false)
}

pub(crate) fn is_participle(norm: &str) -> bool {
    PARTICIPLES.contains(&norm)
}

fn is_time_word(token: &Token) -> bool {
    token.is_word() && TIME_WORDS.contains(&without_conjunction(&token.norm))
}

/// A word that may be part of a personal name. `first` is true for the name's first word. The
/// first word may begin with `و` (`وليد`), later ones may not, as `و` there joins a second
/// noun. Later words may carry the article (`بشار الأسد`, `أيمن الظواهري`), the first may
/// not (`قالت الوزارة`), unless the article has already named a speaker so.
fn is_name_word(token: &Token, first: bool, known: &[String]) -> bool {
    let norm = token.norm.as_str();
    if known.iter().any(|name| name == norm) || (!first && SECOND_PARTS.contains(&norm)) {
        return true;
    }
    let article_ok = !has_article(norm) || (!first && norm.starts_with("ال"));
    token.is_word()
        && norm.chars().count() >= 2
        && article_ok
        && !(norm.ends_with('ة') || norm.ends_with('ه'))
        && (first || !norm.starts_with('و'))
        && !in_list(norm, &NOT_NAMES)
        && !in_list(norm, &TITLES)
        && !in_list(norm, &TITLE_LINKS)
        && speech_verb(norm).is_none()
        && !is_participle(norm)
}

/// The run of name words starting at `tokens[i]` (at most four), as a token range; it ends
/// after a family name already seen (`أكد لافروف ضرورة`).
fn read_name(tokens: &[Token], i: usize, known: &[String]) -> std::ops::Range<usize> {
    let mut end = i;
    while let Some(token) = tokens.get(end) {
        if end - i == 4 || !is_name_word(token, end == i, known) {
            break;
        }
        end += 1;
        if known.contains(&token.norm) {
            break;
        }
    }
    i..end
}

/// Parts that a family name takes with it: the word before a theophoric second part
/// (`نصر الله`, `نور الدين`) and a kinship or naming word before the name (`أبو مازن`,
/// `عبد الله`, `بن علي`).
const SECOND_PARTS: [&str; 3] = ["الله", "الدين", "الرحمن"];
const NAME_HEADS: [&str; 6] = ["عبد", "ابو", "ابن", "بن", "ال", "ام"];

/// The family name at the end of a name: its last word, with the words a compound name
/// joins to it (`أبو عبد الله`, `نصر الله`), as the article writes them.
fn family_name(tokens: &[Token], name: std::ops::Range<usize>, known: &[String]) -> String {
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

/// Reads the subject that starts at `tokens[i]`; returns it and the index just past it.
/// `known` holds family names already seen.
///
/// Without a title the name starts right after the verb (`وقال لافروف`). After a title the
/// name comes last in the title phrase (`وزير الخارجية الروسي سيرغي لافروف`,
/// `رئيس تحرير جريدة الوفاق مصيب نعيمي`): the phrase is read up to a particle, time word or
/// punctuation, and ends early after a name of two words or more; the name is that one, else
/// a one-word name that closes the phrase. A phrase with no name names no speaker
/// (`قال وزير الخارجية إن`), except after a title of address, where one word with the article
/// may be the name (`الرئيس الأسد`).
fn read_subject(tokens: &[Token], mut i: usize, known: &[String]) -> (Subject, usize) {
    while tokens.get(i).is_some_and(is_time_word) {
        i += 1;
    }
    let Some(first) = tokens.get(i).filter(|t| t.is_word()) else {
        return (Subject::Implicit, i);
    };
    if !in_list(&first.norm, &TITLES) {
        if !known.contains(&first.norm) && in_list(&first.norm, &NOT_NAMES) {
            return (Subject::Implicit, i);
        }
        let name = read_name(tokens, i, known);
        if name.is_empty() {
            let unnamed = has_article(&first.norm);
            return if unnamed { (Subject::Unnamed, i + 1) } else { (Subject::Implicit, i) };
        }
        let end = name.end;
        return (Subject::Named(family_name(tokens, name, known)), end);
    }
    let address = in_list(&first.norm, &ADDRESS_TITLES);
    let mut k = i + 1;
    let mut found: Option<std::ops::Range<usize>> = None;
    while let Some(token) = tokens.get(k).filter(|t| t.is_word()) {
        let norm = token.norm.as_str();
        if in_list(norm, &NOT_NAMES) && !in_list(norm, &TITLE_LINKS) {
            break;
        }
        // An indefinite title takes an indefinite adjective: `مسؤول أمريكي`, `دبلوماسي غربي`.
        let adjective = k == i + 1 && !has_article(&first.norm) && norm.ends_with('ي') && norm.chars().count() >= 4;
        let name = if adjective { k..k } else { read_name(tokens, k, known) };
        if name.is_empty() {
            let nisba = norm.ends_with('ي') || norm.ends_with("ية");
            if address && k == i + 1 && norm.starts_with("ال") && !nisba && !in_list(norm, &TITLES) {
                found = Some(k..k + 1);
            }
            k += 1;
            continue;
        }
        k = name.end;
        let full = name.len() >= 2;
        found = Some(name);
        if full {
            break;
        }
    }
    // A one-word name must close the phrase: in `رئيس تحرير جريدة الوفاق` no word is a name.
    let found = found.filter(|name| name.len() >= 2 || name.end == k);
    match found {
        Some(name) => (Subject::Named(family_name(tokens, name, known)), k),
        None => (Subject::Unnamed, k),
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

/// Every reporting expression in the narration, in order. `narration` holds the text's tokens
/// outside quotations, each quotation standing as one opening-mark token.
pub(crate) fn find_expressions(narration: &[Token]) -> Vec<Expression> {
    let mut found = Vec::new();
    let mut known: Vec<String> = Vec::new();
    for (i, token) in narration.iter().enumerate() {
        if !token.is_word() {
            continue;
        }
        if is_participle(&token.norm) {
            found.push(Expression { verb: i, end: i + 1, subject: Subject::Implicit, participle: true });
            continue;
        }
        let Some(ambiguous) = speech_verb(&token.norm) else { continue };
        let (subject, end) = read_subject(narration, i + 1, &known);
        if ambiguous && (subject == Subject::Unnamed || !says_more(narration, end)) {
            continue;
        }
        if let Subject::Named(name) = &subject {
            let norm = super::words::normalize(name);
            if !known.contains(&norm) {
                known.push(norm);
            }
        }
        found.push(Expression { verb: i, end, subject, participle: false });
    }
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
