//! The people an article introduces, and who speaks when an expression names no one.
//!
//! Wire copy introduces a person once with a title and a full name (`بحث وزير الخارجية
//! والمغتربين سامر الخطيب …`, `مع نظيره العماني حمد بن سالم الكندي`), in whatever role, and
//! then writes the family name alone (`وقال الخطيب`) or the title alone (`ولفت الوزير العماني
//! إلى أن`). [`find_people`] collects those introductions, so that the family name is known as a
//! name even with the article, and a definite title without a name can be traced back to the
//! person it was first given to.
//!
//! [`resolve`] then gives every expression its speaker (docs/annotation-guidelines.md D13):
//! - a named subject speaks;
//! - an unnamed subject is the person an earlier title points to, or no one (`قالت الوزارة`);
//! - a verb without a subject (`وأضاف “…”`, `وتابعت “…”`) is said by the subject of the last
//!   expression of saying whose verb agrees with it in gender, named or not — a person named
//!   in another role (`في مؤتمر صحفي مع جونسون`) never counts;
//! - a participle (`مشيرا`, `مؤكدة`, `بالقول`) reports the words of its sentence's subject: the
//!   speaker of an expression before it in its sentence, else the subject of the sentence's
//!   first verb when it is a known person (`ورد الحموي على ذلك بالقول`), else as a verb
//!   without a subject.

use std::ops::Range;

use super::lexicon::Gender;
use super::speaker::{is_opener, sentence_start, Expression};
use super::subject::{is_title, read_subject, Subject};
use super::words::{has_article, normalize, without_conjunction, Token};

/// A person introduced with a title and a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    /// The family name as written.
    pub name: String,
    /// The family name normalised.
    pub norm: String,
    /// The title's words, normalised, without conjunction or article.
    pub title: Vec<String>,
    /// Where the title starts in the narration.
    pub at: usize,
    pub gender: Option<Gender>,
}

/// The words of a title phrase as [`Person::title`] holds them.
fn title_words(narration: &[Token], title: Range<usize>) -> Vec<String> {
    narration[title]
        .iter()
        .filter(|t| t.is_word())
        .map(|t| {
            // `و` is stripped only where a title or the article follows it: `وزير` keeps it.
            let bare = without_conjunction(&t.norm);
            let word = if bare != t.norm && (bare.starts_with("ال") || is_title(bare)) { bare } else { t.norm.as_str() };
            let word = word.strip_prefix("لل").unwrap_or(word).to_string();
            word.strip_prefix("ال").map_or(word.clone(), str::to_string)
        })
        .collect()
}

/// Every person the narration introduces with a title and a name, in order.
pub(crate) fn find_people(narration: &[Token]) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let mut known: Vec<String> = Vec::new();
    let mut i = 0;
    while i < narration.len() {
        let token = &narration[i];
        if token.is_word() && is_title(&token.norm) {
            let reading = read_subject(narration, i, &known);
            if let Subject::Named(name) = &reading.subject {
                let norm = normalize(name);
                if !known.contains(&norm) {
                    known.push(norm.clone());
                }
                people.push(Person { name: name.clone(), norm, title: title_words(narration, reading.title.clone()), at: i, gender: reading.gender });
                i = reading.end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    people
}

fn agrees(a: Option<Gender>, b: Option<Gender>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// Roles that stand for a person of any title when written alone with an adjective.
const GENERIC_ROLES: &[&str] = &["دبلوماسي", "دبلوماسية", "مسؤول", "مسؤولة"];

/// The person a definite title without a name stands for (`الوزير العماني` after `نظيره
/// العماني حمد بن سالم الكندي`): the last one introduced before `before` whose title holds
/// every word of it — a counterpart (`نظيره`) holds any title of rank, and a generic role
/// (`الدبلوماسي الروسي`) needs only its adjectives in the title.
fn antecedent(narration: &[Token], title: &Range<usize>, gender: Option<Gender>, before: usize, people: &[Person]) -> Option<String> {
    let words = title_words(narration, title.clone());
    let definite = narration[title.clone()].iter().take(2).any(|t| has_article(&t.norm));
    if words.is_empty() || !definite {
        return None;
    }
    people.iter().rev().filter(|p| p.at < before && agrees(p.gender, gender)).find_map(|person| {
        // A counterpart holds any title of rank, and a generic role (`الدبلوماسي الروسي`,
        // `المسؤول السوري`) stands for any title.
        let counterpart = person.title.iter().any(|w| w.starts_with("نظير"));
        let generic = words.len() > 1 && GENERIC_ROLES.contains(&words[0].as_str());
        let holds = words.iter().enumerate().all(|(k, w)| person.title.contains(w) || (k == 0 && (counterpart || generic)));
        holds.then(|| person.name.clone())
    })
}

/// The speaker of the last expression before `upto` that has a subject of its own and agrees
/// with `gender`.
fn earlier(expressions: &[Expression], gender: Option<Gender>) -> Option<String> {
    expressions
        .iter()
        .rev()
        .filter(|e| !e.participle && !e.plural && e.subject != Subject::Implicit)
        .find(|e| agrees(e.gender, gender))
        .and_then(|e| e.speaker.clone())
}

/// The subject of a sentence's first verb, when it is a known person or a named title:
/// `ورد الحموي على ذلك بالقول` → `الحموي`.
fn sentence_subject(narration: &[Token], start: usize, before: usize, known: &[String]) -> Option<String> {
    let mut verb = start;
    while verb < before && is_opener(&narration[verb]) {
        verb += 1;
    }
    if verb + 1 >= before {
        return None;
    }
    let reading = read_subject(narration, verb + 1, known);
    match reading.subject {
        Subject::Named(name) if reading.end <= before && (!reading.title.is_empty() || known.contains(&normalize(&name))) => Some(name),
        _ => None,
    }
}

/// Fills in every expression's speaker, in order, as the module's rules say.
pub(crate) fn resolve(narration: &[Token], expressions: &mut [Expression], people: &[Person], known: &[String]) {
    for idx in 0..expressions.len() {
        let (done, rest) = expressions.split_at_mut(idx);
        let e = &mut rest[0];
        e.speaker = match &e.subject {
            Subject::Named(name) => Some(name.clone()),
            Subject::Unnamed if e.plural => None,
            Subject::Unnamed => antecedent(narration, &e.title, e.gender, e.verb, people),
            Subject::Implicit if e.participle => {
                let start = sentence_start(narration, e.verb);
                match done.iter().rev().find(|d| d.verb >= start && !d.participle) {
                    Some(d) => d.speaker.clone(),
                    None => sentence_subject(narration, start, e.verb, known).or_else(|| earlier(done, e.gender)),
                }
            }
            Subject::Implicit => earlier(done, e.gender),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::news_rules::speaker::find_expressions;
    use crate::extract::news_rules::words::tokenize;

    fn narration(text: &str) -> Vec<Token> {
        tokenize(&text.chars().collect::<Vec<_>>())
    }

    #[test]
    fn people_are_introduced_by_a_title_in_any_role() {
        let tokens = narration("بحث وزير الخارجية والمغتربين سامر الخطيب اليوم مع نظيره العُماني حمد بن سالم الكندي العلاقات الثنائية.");
        let got: Vec<(String, Vec<String>)> = find_people(&tokens).into_iter().map(|p| (p.name, p.title)).collect();
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(got, [("الخطيب".into(), words(&["وزير", "خارجية", "مغتربين"])), ("الكندي".into(), words(&["نظيره", "عماني"]))]);
    }

    /// The speaker of every expression in `text`, as (verb as written, speaker).
    fn speakers(text: &str) -> Vec<(String, Option<String>)> {
        let tokens = narration(text);
        find_expressions(&tokens).into_iter().map(|e| (tokens[e.verb].surface.clone(), e.speaker)).collect()
    }

    /// A verb as written and its speaker.
    type Said = (String, Option<String>);

    #[test]
    fn resolves_speakers_without_a_name() {
        let s = |v: &str, who: Option<&str>| (v.to_string(), who.map(str::to_string));
        let cases: &[(&str, &str, &[Said])] = &[
            (
                "a definite title points back to the person it was given to",
                "بحث الخطيب مع نظيره العماني حمد بن سالم الكندي التعاون. ولفت الوزير العماني إلى أن",
                &[s("ولفت", Some("الكندي"))],
            ),
            (
                "a generic role with an adjective points back to a titled person",
                "أكد نائب وزير الخارجية الروسي ميخائيل بوغدانوف أن. وأوضح الدبلوماسي الروسي أن",
                &[s("أكد", Some("بوغدانوف")), s("وأوضح", Some("بوغدانوف"))],
            ),
            ("an indefinite title names no one", "التقى الوزير سامر الخطيب وفدا. وقال مسؤول في الوزارة إن", &[s("وقال", None)]),
            (
                "a feminine verb goes back to the last feminine speaker",
                "وقالت الدكتورة ريم الحسن إن. وقال الفنان سليم دعبول إن. وأضافت أن",
                &[s("وقالت", Some("الحسن")), s("وقال", Some("دعبول")), s("وأضافت", Some("الحسن"))],
            ),
            ("an unnamed subject speaks for the verbs after it", "وقالت الوزارة في بيان إن. وأضافت أن", &[s("وقالت", None), s("وأضافت", None)]),
            ("a subject before its verb", "وكانت المنسقة المقيمة للأمم المتحدة في سورية كارين لوند قد قالت في إحاطتها", &[s("قالت", Some("لوند"))]),
            (
                "a participle reports its sentence's subject",
                "قال السفير مازن الحموي إن. ورد الحموي على ذلك بالقول",
                &[s("قال", Some("الحموي")), s("بالقول", Some("الحموي"))],
            ),
            ("a participle after an unnamed speaker", "قال أحد سكان الحي لمراسل سانا، مضيفا أن", &[s("قال", None), s("مضيفا", None)]),
            ("a known family name opening the text", "الخطيب أكد أن. والتقى الوزير سامر الخطيب وفدا", &[s("أكد", Some("الخطيب"))]),
            ("a plural verb is a group", "وقال لافروف إن. وقالوا إن. وأضاف أن", &[s("وقال", Some("لافروف")), s("وقالوا", None), s("وأضاف", Some("لافروف"))]),
        ];
        for (why, text, want) in cases {
            assert_eq!(speakers(text), *want, "{why}");
        }
    }
}
