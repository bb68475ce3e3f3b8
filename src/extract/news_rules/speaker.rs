//! Reporting expressions and their subjects: who says a quotation.
//!
//! A reporting expression is a speech verb in the past tense (`قال`, `وأضاف`, `أكدت`) or a
//! participle of saying (`مشيرا`, `معربا`) in the narration, outside quotations. A verb's
//! subject is read from the words after it: an optional title phrase (`وزير الخارجية الروسي`),
//! then the name (`سيرغي لافروف`); the speaker is the name's last word, the family name as the
//! article writes it (docs/annotation-guidelines.md §3). A participle has no subject of its
//! own: it reports the words of whoever spoke last.

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
}

/// Past-tense speech verbs, normalised. The feminine adds `ت` (`قالت`; `رأت`, `نفت`, `دعت` for
/// the verbs that end in a vowel).
const VERBS: [&str; 23] = [
    "قال",
    "اضاف",
    "اكد",
    "اشار",
    "تابع",
    "زعم",
    "اعرب",
    "عبر",
    "اعتبر",
    "اوضح",
    "لفت",
    "صرح",
    "شدد",
    "راي",
    "بين",
    "ذكر",
    "اعلن",
    "نفي",
    "حذر",
    "افاد",
    "كشف",
    "دعا",
    "نوه",
];

/// Verbs whose bare form is also a preposition or a noun (`بين` "between", `عبر` "via", `ذكر`
/// "mention", `رأي` "opinion", `تابع` "affiliated"). They count only when what follows the
/// subject is a complement of saying: `أن`, `عن`, a colon or a quotation.
const AMBIGUOUS: [&str; 5] = ["بين", "عبر", "ذكر", "راي", "تابع"];

/// Participles of saying, masculine and feminine: they attach a statement to the sentence's
/// subject.
const PARTICIPLES: [&str; 30] = [
    "مشيرا",
    "مشيرة",
    "معربا",
    "معربة",
    "مؤكدا",
    "مؤكدة",
    "مضيفا",
    "مضيفة",
    "معتبرا",
    "معتبرة",
    "موضحا",
    "موضحة",
    "لافتا",
    "مشددا",
    "مشددة",
    "قائلا",
    "قائلة",
    "متابعا",
    "مبينا",
    "مبينة",
    "منوها",
    "منوهة",
    "محذرا",
    "محذرة",
    "معبرا",
    "داعيا",
    "زاعما",
    "زاعمة",
    "مبديا",
    "مبدية",
];

/// Words that open a title phrase before a name.
const TITLES: [&str; 44] = [
    "وزير",
    "وزيرة",
    "رئيس",
    "رئيسة",
    "نائب",
    "نائبة",
    "متحدث",
    "متحدثة",
    "ناطق",
    "ناطقة",
    "سفير",
    "سفيرة",
    "مندوب",
    "مندوبة",
    "ممثل",
    "ممثلة",
    "امين",
    "مستشار",
    "مستشارة",
    "مدير",
    "مديرة",
    "قائد",
    "زعيم",
    "نظيره",
    "نظيرته",
    "نظيرها",
    "عضو",
    "مساعد",
    "دكتور",
    "شيخ",
    "جنرال",
    "لواء",
    "عميد",
    "عقيد",
    "سيد",
    "سيدة",
    "ملك",
    "امير",
    "خبير",
    "محلل",
    "مفتي",
    "مبعوث",
    "مبعوثة",
    "مفوض",
];

/// Titles of address that a single name carrying the article may follow (`الرئيس الأسد`).
const ADDRESS_TITLES: [&str; 7] = ["رئيس", "ملك", "امير", "شيخ", "سيد", "سيدة", "دكتور"];

/// Words that may sit inside a title phrase without carrying the article (`المتحدث باسم`,
/// `وزير الدولة لشؤون`). `في` is not one: after a name it opens an adverbial (`في مؤتمر`).
const TITLE_LINKS: [&str; 3] = ["باسم", "لدي", "شؤون"];

/// Words that cannot be part of a name: particles, prepositions, pronouns, time adverbs, and
/// the nouns that most often follow a speech verb as its object.
const NOT_NAMES: [&str; 75] = [
    "في",
    "من",
    "الي",
    "علي",
    "عن",
    "مع",
    "خلال",
    "حول",
    "بعد",
    "قبل",
    "امام",
    "عند",
    "لدي",
    "منذ",
    "حتي",
    "بين",
    "عبر",
    "ضد",
    "نحو",
    "دون",
    "تحت",
    "فوق",
    "اثناء",
    "عقب",
    "ازاء",
    "بشان",
    "وفق",
    "حسب",
    "ان",
    "انه",
    "انها",
    "انهم",
    "بان",
    "بانه",
    "بانها",
    "لان",
    "كما",
    "اذ",
    "اذا",
    "لكن",
    "ثم",
    "او",
    "ام",
    "قد",
    "لقد",
    "لم",
    "لن",
    "لا",
    "ما",
    "هو",
    "هي",
    "هم",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هناك",
    "هنا",
    "كل",
    "بعض",
    "جميع",
    "اي",
    "اليوم",
    "امس",
    "غدا",
    "ايضا",
    "مجددا",
    "صباح",
    "مساء",
    "بدوره",
    "بدورها",
    "دعم",
    "رفض",
    "استعداد",
    "حرص",
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

/// A word that may be part of a personal name. `first` is true for the name's first word,
/// which may begin with `و` (`وليد`); later words may not, as `و` there joins a second noun.
fn is_name_word(token: &Token, first: bool, known: &[String]) -> bool {
    let norm = token.norm.as_str();
    if known.iter().any(|name| name == norm) {
        return true;
    }
    token.is_word()
        && norm.chars().count() >= 2
        && !has_article(norm)
        && !(norm.ends_with('ة') || (norm.ends_with('ه') && norm != "الله"))
        && (first || !norm.starts_with('و'))
        && !in_list(norm, &NOT_NAMES)
        && !in_list(norm, &TITLES)
        && speech_verb(norm).is_none()
        && !is_participle(norm)
}

/// Reads the subject that starts at `tokens[i]`; returns it and the index just past it.
/// `known` holds family names already seen, which end a name (`أكد لافروف ضرورة`).
fn read_subject(tokens: &[Token], mut i: usize, known: &[String]) -> (Subject, usize) {
    while tokens.get(i).is_some_and(is_time_word) {
        i += 1;
    }
    let Some(first) = tokens.get(i).filter(|t| t.is_word()) else {
        return (Subject::Implicit, i);
    };
    let mut titled = false;
    let mut address_name: Option<usize> = None;
    if in_list(&first.norm, &TITLES) {
        titled = true;
        let address = in_list(&first.norm, &ADDRESS_TITLES);
        i += 1;
        let phrase_start = i;
        while let Some(token) = tokens.get(i).filter(|t| t.is_word()) {
            let norm = token.norm.as_str();
            let link = in_list(norm, &TITLE_LINKS) || in_list(norm, &TITLES);
            if !(link || has_article(norm) && !in_list(norm, &NOT_NAMES)) {
                break;
            }
            let nisba = norm.ends_with('ي') || norm.ends_with("ية");
            if address && i == phrase_start && has_article(norm) && !nisba && !link {
                address_name = Some(i);
            }
            i += 1;
        }
    } else if has_article(&first.norm) || in_list(&first.norm, &NOT_NAMES) {
        return if in_list(&first.norm, &NOT_NAMES) { (Subject::Implicit, i) } else { (Subject::Unnamed, i + 1) };
    }
    let mut name: Vec<usize> = Vec::new();
    while let Some(token) = tokens.get(i) {
        if name.len() == 4 || !is_name_word(token, name.is_empty(), known) {
            break;
        }
        name.push(i);
        i += 1;
        if known.contains(&token.norm) {
            break;
        }
    }
    match (name.last(), address_name) {
        (Some(&last), _) => (Subject::Named(tokens[last].surface.clone()), i),
        (None, Some(word)) => (Subject::Named(tokens[word].surface.clone()), i),
        (None, None) if titled => (Subject::Unnamed, i),
        (None, None) => (Subject::Implicit, i),
    }
}

/// Whether `token` may follow the subject of an ambiguous verb.
fn completes_saying(token: Option<&Token>) -> bool {
    token.is_some_and(|t| {
        t.is_word() && (COMPLEMENTS.contains(&t.norm.as_str()) || is_participle(&t.norm))
            || matches!(t.kind, Kind::Punct(':' | '“' | '«' | '”' | '"'))
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
            found.push(Expression { verb: i, end: i + 1, subject: Subject::Implicit });
            continue;
        }
        let Some(ambiguous) = speech_verb(&token.norm) else { continue };
        let (subject, end) = read_subject(narration, i + 1, &known);
        let mut after = end;
        while narration.get(after).is_some_and(is_time_word) {
            after += 1;
        }
        if ambiguous && (subject == Subject::Unnamed || !completes_saying(narration.get(after))) {
            continue;
        }
        if let Subject::Named(name) = &subject {
            let norm = super::words::normalize(name);
            if !known.contains(&norm) {
                known.push(norm);
            }
        }
        found.push(Expression { verb: i, end, subject });
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
