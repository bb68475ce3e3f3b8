//! Quotations (layer `quote`, label `QUOTE`, attribute `speaker`), following
//! docs/annotation-guidelines.md §3 and decisions D10–D14.
//!
//! Three steps. First the marks are paired within each paragraph: `“…”`, `«…»`, straight
//! `"…"`, and a `”` that opens a quotation (D10) when no quotation is open, nothing is
//! attached to it on the left and a word follows it; a closing mark with nothing open is left
//! unpaired (D11), and a quotation still open at the end of its paragraph gives no span, since a
//! span never holds a line break. Nested pairs (`«… “…” …»`) give one span, the outer one.
//! Second, each pair is judged: a quotation of one word, or right after a naming word (`تحت
//! مسمى “…”`), is a term, not speech (D12); so is one of two or three words that no reporting
//! expression introduces. Third, the speaker is taken from the nearest reporting expression
//! before the quotation in its sentence, else from one right after it (`“…” قال لافروف`), else
//! the last named speaker ([`super::speaker`]).

use std::collections::BTreeMap;

use super::speaker::{find_expressions, Expression, Subject};
use super::words::{in_list, tokenize, Kind, Token};
use crate::model::{is_bidi_mark, Article, Span};

/// The marks of one quotation, as code-point offsets of the opening and closing mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pair {
    pub open: usize,
    pub close: usize,
}

/// Words after which quotation marks enclose a name or a term (`تحت مسمى`, `بعنوان`,
/// `ما يسمى`), normalised.
const NAMING: [&str; 21] = [
    "مسمي",
    "مسماة",
    "اسم",
    "شعار",
    "عنوان",
    "يسمي",
    "تسمي",
    "سمي",
    "سميت",
    "يعرف",
    "تعرف",
    "لقب",
    "تسمية",
    "مصطلح",
    "عبارة",
    "كلمة",
    "وصف",
    "عملية",
    "حملة",
    "كتاب",
    "فيلم",
];

/// Words that may stand between a reporting expression and a short quotation it introduces
/// without counting as the narrator's own words (`مشيرا إلى أنه “…”`).
const LINKS: [&str; 13] =
    ["ان", "انه", "انها", "انهم", "بان", "بانه", "بانها", "الي", "عن", "علي", "و", "اليوم", "امس"];

/// The longest quotation that must be introduced by a reporting expression to count.
const SHORT: usize = 3;

/// Whether a `”` at `i` opens a quotation: nothing attached on its left, a word after it.
fn opens_like(chars: &[char], i: usize) -> bool {
    let detached = i == 0 || !(chars[i - 1].is_alphanumeric() || super::words::is_diacritic(chars[i - 1]));
    let next = chars[i + 1..].iter().find(|c| !(c.is_whitespace() || is_bidi_mark(**c)) || **c == '\n');
    detached && next.is_some_and(|c| c.is_alphanumeric())
}

/// Pairs the quotation marks of a text, paragraph by paragraph; outermost pairs only, in order.
pub(crate) fn pair_marks(chars: &[char]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    // Open marks, each with the mark that closes it.
    let mut open: Vec<(usize, char)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let closer = match c {
            '\n' => {
                open.clear();
                continue;
            }
            '“' => Some('”'),
            '«' => Some('»'),
            _ => None,
        };
        if let Some(closer) = closer {
            open.push((i, closer));
            continue;
        }
        if !matches!(c, '”' | '»' | '"') {
            continue;
        }
        if let Some(level) = open.iter().rposition(|&(_, closer)| closer == c) {
            if level == 0 {
                pairs.push(Pair { open: open[0].0, close: i });
            }
            open.truncate(level);
        } else if c == '"' || (c == '”' && opens_like(chars, i)) {
            open.push((i, c));
        }
    }
    pairs
}

/// The narration: the tokens outside quotations, each quotation standing as one `“` token that
/// covers it from mark to mark. Also returns where each pair stands in it.
fn narration(tokens: &[Token], pairs: &[Pair]) -> (Vec<Token>, Vec<usize>) {
    let mut out = Vec::with_capacity(tokens.len());
    let mut at = Vec::with_capacity(pairs.len());
    let mut next = pairs.iter().peekable();
    for token in tokens {
        while let Some(pair) = next.peek().filter(|p| p.open <= token.start) {
            at.push(out.len());
            out.push(Token {
                kind: Kind::Punct('“'),
                start: pair.open,
                end: pair.close + 1,
                surface: "“".into(),
                norm: "“".into(),
            });
            next.next();
        }
        if !pairs.iter().any(|p| p.open <= token.start && token.start <= p.close) {
            out.push(token.clone());
        }
    }
    (out, at)
}

/// How a quotation is attributed.
struct Attribution {
    speaker: Option<String>,
    /// A reporting expression stands right before it (at most two words of the narrator's own
    /// in between) or right after it.
    introduced: bool,
}

/// The last person named as a speaker before narration index `before`.
fn last_named(expressions: &[Expression], before: usize) -> Option<String> {
    expressions.iter().rev().filter(|e| e.verb < before).find_map(|e| match &e.subject {
        Subject::Named(name) => Some(name.clone()),
        _ => None,
    })
}

fn speaker_of(expressions: &[Expression], expression: &Expression) -> Option<String> {
    match &expression.subject {
        Subject::Named(name) => Some(name.clone()),
        Subject::Unnamed => None,
        Subject::Implicit => last_named(expressions, expression.verb),
    }
}

/// Attributes the quotation at narration index `q`.
fn attribute(narration: &[Token], expressions: &[Expression], q: usize) -> Attribution {
    let sentence_start = narration[..q].iter().rposition(Token::ends_sentence).map_or(0, |i| i + 1);
    if let Some(before) = expressions.iter().rev().find(|e| e.verb < q && e.verb >= sentence_start) {
        let own_words = narration[before.end.min(q)..q]
            .iter()
            .filter(|t| !matches!(t.kind, Kind::Punct(_)) && !LINKS.contains(&t.norm.as_str()))
            .count();
        return Attribution { speaker: speaker_of(expressions, before), introduced: own_words <= 2 };
    }
    let after = narration[q + 1..]
        .iter()
        .position(|t| !matches!(t.kind, Kind::Punct(',' | '،' | ':' | '-' | '–')))
        .map(|k| q + 1 + k);
    if let Some(expression) = after.and_then(|k| expressions.iter().find(|e| e.verb == k)) {
        return Attribution { speaker: speaker_of(expressions, expression), introduced: true };
    }
    Attribution { speaker: last_named(expressions, q), introduced: false }
}

/// Whether the narration word before the quotation at `q` names a term (`تحت مسمى “…”`),
/// looking past a lone proclitic written apart (`ما يسمى ب “…”`).
fn after_naming_word(narration: &[Token], q: usize) -> bool {
    let mut k = q;
    while k > 0 {
        k -= 1;
        let token = &narration[k];
        if !token.is_word() {
            return false;
        }
        if token.norm.chars().count() > 1 {
            return in_list(&token.norm, &NAMING);
        }
    }
    false
}

/// The quotations of an article that are reported speech, each with its speaker when one can
/// be named; sorted by offset.
pub fn find_quotes(article: &Article) -> Vec<Span> {
    let chars: Vec<char> = article.text.chars().collect();
    let tokens = tokenize(&chars);
    let pairs = pair_marks(&chars);
    let (narration, at) = narration(&tokens, &pairs);
    let expressions = find_expressions(&narration);
    let mut spans = Vec::new();
    for (pair, &q) in pairs.iter().zip(&at) {
        let blank = |c: &char| c.is_whitespace() || is_bidi_mark(*c);
        let inner = &chars[pair.open + 1..pair.close];
        let Some(lead) = inner.iter().position(|c| !blank(c)) else { continue };
        let trail = inner.iter().rposition(|c| !blank(c)).map_or(lead, |k| k + 1);
        let (start, end) = (pair.open + 1 + lead, pair.open + 1 + trail);
        let words =
            tokens.iter().filter(|t| t.start >= start && t.end <= end && !matches!(t.kind, Kind::Punct(_))).count();
        if words < 2 || after_naming_word(&narration, q) {
            continue;
        }
        let attribution = attribute(&narration, &expressions, q);
        if words <= SHORT && !attribution.introduced {
            continue;
        }
        let attrs = attribution.speaker.map(|s| BTreeMap::from([("speaker".to_string(), s)])).unwrap_or_default();
        spans.push(Span {
            article_id: String::new(),
            layer: "quote".into(),
            start,
            end,
            label: "QUOTE".into(),
            text: article.slice(start, end).map(str::to_string),
            attrs,
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Why, the text, and the quotations expected as (text, speaker).
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, Option<&'a str>)]);

    /// The quotations found in `text`, each as (text, speaker).
    fn quotes(text: &str) -> Vec<(String, Option<String>)> {
        let article = Article::new("a", text, BTreeMap::new());
        find_quotes(&article)
            .into_iter()
            .map(|s| {
                assert_eq!(s.text.as_deref(), article.slice(s.start, s.end));
                (s.text.unwrap_or_default(), s.attrs.get("speaker").cloned())
            })
            .collect()
    }

    #[test]
    fn finds_quotations_and_their_speakers() {
        let cases: &[Case] = &[
            (
                "curly marks, verb and name before",
                "وقال لافروف “نحن نتعاون مع بريطانيا”.",
                &[("نحن نتعاون مع بريطانيا", Some("لافروف"))],
            ),
            (
                "guillemets, feminine verb",
                "وقالت ميركل «لن نقبل بهذا الوضع».",
                &[("لن نقبل بهذا الوضع", Some("ميركل"))],
            ),
            ("straight marks", "قال جونسون \"نحن مستعدون للحوار\".", &[("نحن مستعدون للحوار", Some("جونسون"))]),
            (
                "” as the opening mark (D10)",
                "وأضاف لافروف ” إنه يعتزم مناقشة التناقضات مع لندن”",
                &[("إنه يعتزم مناقشة التناقضات مع لندن", Some("لافروف"))],
            ),
            (
                "title before the name",
                "أكد وزير الخارجية الروسي سيرغي لافروف اليوم “أن العلاقات وصلت إلى مستوى متدن”",
                &[("أن العلاقات وصلت إلى مستوى متدن", Some("لافروف"))],
            ),
            (
                "feminine verb, title with باسم",
                "وقالت المتحدثة باسم الخارجية الروسية ماريا زاخاروفا “هذه الاتهامات لا أساس لها”",
                &[("هذه الاتهامات لا أساس لها", Some("زاخاروفا"))],
            ),
            (
                "speaker after the quotation",
                "“نحن مستعدون للحوار مع لندن” قال لافروف.",
                &[("نحن مستعدون للحوار مع لندن", Some("لافروف"))],
            ),
            (
                "implicit speaker: the last one named",
                "وقال لافروف “نحن مستعدون للحوار”. وأضاف “لكن الحوار يحتاج إلى طرفين”.",
                &[("نحن مستعدون للحوار", Some("لافروف")), ("لكن الحوار يحتاج إلى طرفين", Some("لافروف"))],
            ),
            (
                "implicit speaker: a name outside a speech role does not count (D13)",
                "وعبر جونسون عن تأييده. وفي مؤتمر صحفي مع جونسون أكد لافروف ضرورة التعاون. وأضاف “هذا موضوع مهم جدا”.",
                &[("هذا موضوع مهم جدا", Some("لافروف"))],
            ),
            (
                "partial quotation after a participle (D14)",
                "أكد جونسون أن الأدلة واضحة مشيرا إلى أنه “لا شك في تدخل روسيا”.",
                &[("لا شك في تدخل روسيا", Some("جونسون"))],
            ),
            (
                "short quotation introduced by a speech verb",
                "وأكد لافروف أن الوضع “خطير جدا”.",
                &[("خطير جدا", Some("لافروف"))],
            ),
            (
                "subject that names no person",
                "وقالت الوزارة في بيان “إن الهجوم لن يمر دون رد”.",
                &[("إن الهجوم لن يمر دون رد", None)],
            ),
            (
                "speech verbs inside a quotation are not the narrator's",
                "قال لافروف “قال جونسون لنا إننا مخطئون” وأضاف “هذا غير صحيح أبدا”.",
                &[("قال جونسون لنا إننا مخطئون", Some("لافروف")), ("هذا غير صحيح أبدا", Some("لافروف"))],
            ),
            (
                "nested marks give the outer quotation",
                "قال لافروف «إن عبارة “معارضة معتدلة” لا معنى لها».",
                &[("إن عبارة “معارضة معتدلة” لا معنى لها", Some("لافروف"))],
            ),
        ];
        for &(why, text, want) in cases {
            let want: Vec<(String, Option<String>)> =
                want.iter().map(|(q, s)| (q.to_string(), s.map(str::to_string))).collect();
            assert_eq!(quotes(text), want, "{why}");
        }
    }

    #[test]
    fn terms_and_unpaired_marks_are_not_quotations() {
        let cases: &[(&str, &str)] = &[
            ("one word (D12)", "أكد لافروف ضرورة إزالة العوائق “المفتعلة” أمام التعاون."),
            ("after a naming word (D12)", "دعمت التنظيمات تحت مسمى “معارضة معتدلة” لتعود الآن."),
            ("a long name after a naming word", "خرجوا تحت شعار “الشعب يريد إسقاط النظام” أمس."),
            ("a short term that no one says", "يواجه البلد “وضعا بالغ الخطورة” منذ سنوات."),
            (
                "a closing mark with nothing open (D11)",
                "مشيرا إلى أن العلاقات وصلت إلى مستويات متدنية وبالطبع نحن لم نكن السبب في ذلك”.",
            ),
            ("a quotation does not run across a line break", "قال لافروف “نحن نتعاون\nمع بريطانيا في كل شيء”."),
            ("an opening mark never closed", "قال لافروف “نحن نتعاون مع بريطانيا."),
            ("empty marks", "قال لافروف “ ”."),
        ];
        for &(why, text) in cases {
            assert_eq!(quotes(text), [], "{why}");
        }
    }

    #[test]
    fn pairs_marks_per_paragraph() {
        let pairs = |text: &str| -> Vec<(usize, usize)> {
            pair_marks(&text.chars().collect::<Vec<_>>()).into_iter().map(|p| (p.open, p.close)).collect()
        };
        assert_eq!(pairs("a “b” c"), [(2, 4)]);
        assert_eq!(pairs("«a “b” c»"), [(0, 8)]);
        assert_eq!(pairs("x ” b” c”."), [(2, 5)]);
        assert_eq!(pairs("“a\nb”"), []);
        assert_eq!(pairs("\"a\" \"b"), [(0, 2)]);
    }
}
