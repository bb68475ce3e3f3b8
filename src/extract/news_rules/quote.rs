//! Quotations (layer `quote`, label `QUOTE`, attribute `speaker`), following
//! docs/annotation-guidelines.md §3 and decisions D10–D14.
//!
//! Three steps. First the marks are paired ([`super::marks`]); a mark left unpaired gives no
//! span (D11).
//!
//! Second, each pair is judged by what frames it ([`Frame`]). A quotation is speech, and so a
//! `QUOTE`, when a reporting expression ([`super::speaker`]) precedes it in its sentence or
//! follows its closing mark, when a colon opens it, or when it stands as a sentence of its
//! own; a quotation inside the narrator's clause with none of these marks a term (D12). So do
//! a quotation of one word and one right after a naming word (`تحت مسمى “…”`), whatever frames
//! them; and a quotation of two or three words needs its reporting expression close by (at most
//! two of the narrator's words between), since short terms often share a sentence with a
//! speech verb (`أكد لافروف ضرورة إزالة العوائق “المفتعلة”`).
//!
//! Third, the speaker is the subject of that reporting expression; when it has none
//! (`وأضاف “…”`, `مشيرا إلى أن “…”`), or the quotation stands alone, the last person named as
//! a speaker before it (D13).

use std::collections::BTreeMap;

use super::marks::{pair_marks, Pair};
use super::speaker::{find_expressions, says_more, Expression};
use super::words::{in_list, tokenize, Kind, Token};
use crate::model::{is_bidi_mark, Article, Span};

/// Words after which quotation marks enclose a name or a term (`تحت مسمى`, `بعنوان`,
/// `ما يسمى`), normalised.
#[rustfmt::skip]
const NAMING: [&str; 21] = [
    "مسمي", "مسماة", "اسم", "شعار", "عنوان", "يسمي", "تسمي", "سمي", "سميت", "يعرف", "تعرف", "لقب",
    "تسمية", "مصطلح", "عبارة", "كلمة", "وصف", "عملية", "حملة", "كتاب", "فيلم",
];

/// Words that may stand between a reporting expression and a short quotation it introduces
/// without counting as the narrator's own words (`مشيرا إلى أنه “…”`).
const LINKS: [&str; 13] = ["ان", "انه", "انها", "انهم", "بان", "بانه", "بانها", "الي", "عن", "علي", "و", "اليوم", "امس"];

/// The longest quotation that must be introduced by a reporting expression to count.
const SHORT: usize = 3;

/// The narration: the tokens outside quotations, each quotation standing as one `“` token that
/// covers it from mark to mark. Also returns where each pair stands in it.
fn narration(tokens: &[Token], pairs: &[Pair]) -> (Vec<Token>, Vec<usize>) {
    let mut out = Vec::with_capacity(tokens.len());
    let mut at = Vec::with_capacity(pairs.len());
    let mut next = pairs.iter().peekable();
    // The closing mark of the last quotation entered; pairs are in order and never overlap.
    let mut inside: Option<usize> = None;
    for token in tokens {
        while let Some(pair) = next.peek().filter(|p| p.open <= token.start) {
            inside = Some(pair.close);
            at.push(out.len());
            out.push(Token { kind: Kind::Punct('“'), start: pair.open, end: pair.close + 1, surface: "“".into(), norm: "“".into() });
            next.next();
        }
        if inside.is_none_or(|close| token.start > close) {
            out.push(token.clone());
        }
    }
    (out, at)
}

/// What shows a quotation to be reported speech, in the order [`frame`] looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// A reporting expression just before it, at most two of the narrator's own words between
    /// (`مشيرا إلى أنه “…”`, `زعم جونسون أن هناك “…”`).
    Introduced,
    /// A reporting expression earlier in its sentence.
    InSentence,
    /// A reporting expression right after its closing mark (`“…” قال لافروف`).
    Followed,
    /// A colon right before its opening mark (`في مؤتمر صحفي: “…”`).
    Colon,
    /// A sentence of its own: nothing of the narrator's before it in its sentence.
    Alone,
    /// Inside the narrator's clause with no reporting expression: a term (D12).
    Embedded,
}

/// The speaker of the last expression before narration index `before`.
fn last_speaker(expressions: &[Expression], before: usize) -> Option<String> {
    expressions.iter().rev().find(|e| e.verb < before && !e.plural).and_then(|e| e.speaker.clone())
}

/// How the quotation at narration index `q` is framed, and who says it.
fn frame(narration: &[Token], expressions: &[Expression], q: usize) -> (Frame, Option<String>) {
    let sentence_start = narration[..q].iter().rposition(Token::ends_sentence).map_or(0, |i| i + 1);
    if let Some(before) = expressions.iter().rev().find(|e| e.verb < q && e.verb >= sentence_start) {
        let own_words = narration[before.end.min(q)..q].iter().filter(|t| !matches!(t.kind, Kind::Punct(_)) && !LINKS.contains(&t.norm.as_str())).count();
        let frame = if own_words <= 2 { Frame::Introduced } else { Frame::InSentence };
        return (frame, before.speaker.clone());
    }
    let after = narration[q + 1..].iter().position(|t| !matches!(t.kind, Kind::Punct(',' | '،' | ':' | '-' | '–'))).map(|k| q + 1 + k);
    // A verb after the quotation reports it only when it says nothing of its own:
    // in `“…” قال عباس إن “…”` the verb belongs to what follows.
    let follower = after.and_then(|k| expressions.iter().find(|e| e.verb == k));
    if let Some(expression) = follower.filter(|e| !e.participle && !says_more(narration, e.end)) {
        return (Frame::Followed, expression.speaker.clone());
    }
    if q > 0 && narration[q - 1].kind == Kind::Punct(':') {
        return (Frame::Colon, None);
    }
    if narration[sentence_start..q].iter().all(|t| matches!(t.kind, Kind::Punct(_))) {
        // A paragraph of quotation with no verb goes on with the last speaker's words.
        return (Frame::Alone, last_speaker(expressions, q));
    }
    (Frame::Embedded, None)
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
        let (lo, hi) = (tokens.partition_point(|t| t.start < start), tokens.partition_point(|t| t.end <= end));
        let inside = tokens.get(lo..hi).unwrap_or_default();
        let words = inside.iter().filter(|t| !matches!(t.kind, Kind::Punct(_))).count();
        if words < 2 || after_naming_word(&narration, q) {
            continue;
        }
        let (frame, speaker) = frame(&narration, &expressions, q);
        let speech = match frame {
            Frame::Embedded => false,
            Frame::InSentence => words > SHORT,
            _ => true,
        };
        if !speech {
            continue;
        }
        let attrs = speaker.map(|s| BTreeMap::from([("speaker".to_string(), s)])).unwrap_or_default();
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
            ("curly marks, verb and name before", "وقال لافروف “نحن نتعاون مع بريطانيا”.", &[("نحن نتعاون مع بريطانيا", Some("لافروف"))]),
            ("guillemets, feminine verb", "وقالت ميركل «لن نقبل بهذا الوضع».", &[("لن نقبل بهذا الوضع", Some("ميركل"))]),
            ("straight marks", "قال جونسون \"نحن مستعدون للحوار\".", &[("نحن مستعدون للحوار", Some("جونسون"))]),
            ("” as the opening mark (D10)", "وأضاف لافروف ” إنه يعتزم مناقشة التناقضات مع لندن”", &[("إنه يعتزم مناقشة التناقضات مع لندن", Some("لافروف"))]),
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
            ("speaker after the quotation", "“نحن مستعدون للحوار مع لندن” قال لافروف.", &[("نحن مستعدون للحوار مع لندن", Some("لافروف"))]),
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
            ("short quotation introduced by a speech verb", "وأكد لافروف أن الوضع “خطير جدا”.", &[("خطير جدا", Some("لافروف"))]),
            ("subject that names no person", "وقالت الوزارة في بيان “إن الهجوم لن يمر دون رد”.", &[("إن الهجوم لن يمر دون رد", None)]),
            (
                "speech verbs inside a quotation are not the narrator's",
                "قال لافروف “قال جونسون لنا إننا مخطئون” وأضاف “هذا غير صحيح أبدا”.",
                &[("قال جونسون لنا إننا مخطئون", Some("لافروف")), ("هذا غير صحيح أبدا", Some("لافروف"))],
            ),
            ("a colon opens a quotation", "وجاء في البيان: “نرفض هذه الاتهامات جملة وتفصيلا”.", &[("نرفض هذه الاتهامات جملة وتفصيلا", None)]),
            (
                "a quotation standing as a sentence of its own goes on with the last speaker",
                "وقال لافروف “نحن مستعدون للحوار”.\n“لكننا لن نقبل بالشروط المسبقة”.",
                &[("نحن مستعدون للحوار", Some("لافروف")), ("لكننا لن نقبل بالشروط المسبقة", Some("لافروف"))],
            ),
            (
                "a verb after a quotation that says something of its own does not report it",
                "رحب بمبادرة لـ“تليين مواقف حماس” قال عباس إن “العرب جميعا حريصون على التفاصيل”.",
                &[("العرب جميعا حريصون على التفاصيل", Some("عباس"))],
            ),
            (
                "a colon right after a verb without subject",
                "وأوضح المهندس فراس العلي أن العمل مستمر. وقال: “أنجزنا حتى الآن إصلاح اثني عشر خطاً”.",
                &[("أنجزنا حتى الآن إصلاح اثني عشر خطاً", Some("العلي"))],
            ),
            (
                "an attribution after the quotation",
                "“لم تسفر الهجمات عن خسائر بشرية”، بحسب سيدوروف، الذي أشار إلى أن الأضرار مادية.",
                &[("لم تسفر الهجمات عن خسائر بشرية", Some("سيدوروف"))],
            ),
            (
                "an attribution through ما and a verb with a pronoun",
                "“الحل يبدأ برفع الإجراءات القسرية”، وفقاً لما صرح به السفير مازن الحموي.",
                &[("الحل يبدأ برفع الإجراءات القسرية", Some("الحموي"))],
            ),
            (
                "the one quoted after عن, not the agency that quotes",
                "ونقلت وكالة نوفوستي عن اللواء أوليغ سيدوروف قوله “إن الدفاعات الجوية أسقطت خمسة صواريخ”.",
                &[("إن الدفاعات الجوية أسقطت خمسة صواريخ", Some("سيدوروف"))],
            ),
            (
                "بالقول goes with the subject of its sentence's verb",
                "قالت كارين لوند “الاحتياجات كبيرة هذا العام”. ورد السفير مازن الحموي على ذلك بالقول “نحن نرحب بكل جهد صادق”.",
                &[("الاحتياجات كبيرة هذا العام", Some("لوند")), ("نحن نرحب بكل جهد صادق", Some("الحموي"))],
            ),
            (
                "a name and an occasion between the verb and the quotation",
                "وقال الرئيس السوري بشار الأسد في كلمة ألقاها خلال استقباله وفداً من رجال الأعمال إن “الاستثمار في سورية أولوية وطنية”.",
                &[("الاستثمار في سورية أولوية وطنية", Some("الأسد"))],
            ),
            (
                "another person interposed after the subject",
                "وصل وزير الخارجية سامر الخطيب إلى بغداد. وقال الخطيب خلال لقائه نظيره العراقي فؤاد حسين “نحن نقف مع العراق في حربه على الإرهاب”.",
                &[("نحن نقف مع العراق في حربه على الإرهاب", Some("الخطيب"))],
            ),
            (
                "a feminine verb without subject goes back to the last feminine speaker",
                "وقالت المتحدثة باسم الخارجية يلينا فاسيليفا “ندين هذا الاعتداء بشدة”. وقال سيدوروف “أسقطنا معظم الصواريخ”. وأكدت أن “مثل هذه الأعمال لا تخدم الاستقرار”.",
                &[("ندين هذا الاعتداء بشدة", Some("فاسيليفا")), ("أسقطنا معظم الصواريخ", Some("سيدوروف")), ("مثل هذه الأعمال لا تخدم الاستقرار", Some("فاسيليفا"))],
            ),
            (
                "a definite title points back to the person it was given to",
                "بحث الخطيب مع نظيره العماني حمد بن سالم الكندي العلاقات. ولفت الوزير العماني إلى أن بلاده “لم تقطع علاقاتها مع دمشق”.",
                &[("لم تقطع علاقاتها مع دمشق", Some("الكندي"))],
            ),
            (
                "an unnamed speaker and the participle after it",
                "قال أحد سكان الحي لمراسل سانا “المياه هي الحياة”، مضيفاً أن “وصول المياه سيخفف الأعباء”.",
                &[("المياه هي الحياة", None), ("وصول المياه سيخفف الأعباء", None)],
            ),
            (
                "nested marks give the outer quotation",
                "قال لافروف «إن عبارة “معارضة معتدلة” لا معنى لها».",
                &[("إن عبارة “معارضة معتدلة” لا معنى لها", Some("لافروف"))],
            ),
        ];
        for &(why, text, want) in cases {
            let want: Vec<(String, Option<String>)> = want.iter().map(|(q, s)| (q.to_string(), s.map(str::to_string))).collect();
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
            ("a closing mark with nothing open (D11)", "مشيرا إلى أن العلاقات وصلت إلى مستويات متدنية وبالطبع نحن لم نكن السبب في ذلك”."),
            ("a quotation does not run across a line break", "قال لافروف “نحن نتعاون\nمع بريطانيا في كل شيء”."),
            ("an opening mark never closed", "قال لافروف “نحن نتعاون مع بريطانيا."),
            ("empty marks", "قال لافروف “ ”."),
            ("a participle after a term does not report it", "يعتبره المؤلف “سيد عصر الإرهاب الحالي”، مؤكدا أن الأمر خطير."),
        ];
        for &(why, text) in cases {
            assert_eq!(quotes(text), [], "{why}");
        }
    }

    /// Words that exercise every rule: titles, honorifics, verbs, participles, attributions,
    /// particles, names with and without the article, openers, marks and line breaks.
    const WORDS: [&str; 40] = [
        "وقال",
        "وأضافت",
        "قالت",
        "يقول",
        "مشيرا",
        "مؤكدة",
        "بالقول",
        "بحسب",
        "نقلا",
        "عن",
        "على",
        "لسان",
        "قوله",
        "وزير",
        "الوزير",
        "الدكتورة",
        "المهندس",
        "نظيره",
        "في",
        "إلى",
        "لدى",
        "أم",
        "عبد",
        "الله",
        "محمد",
        "أحمد",
        "شحادة",
        "الخطيب",
        "لافروف",
        "وكانت",
        "قد",
        "من",
        "جهته",
        "أن",
        "“",
        "”",
        "«",
        "»",
        ":",
        "\n",
    ];

    proptest::proptest! {
        #[test]
        fn any_sequence_of_news_words_gives_spans_that_fit(picks in proptest::collection::vec(0..WORDS.len(), 0..60)) {
            let text = picks.iter().map(|&k| WORDS[k]).collect::<Vec<_>>().join(" ");
            let article = Article::new("a", &text, BTreeMap::new());
            for span in find_quotes(&article) {
                proptest::prop_assert!(span.start < span.end);
                proptest::prop_assert_eq!(span.text.as_deref(), article.slice(span.start, span.end));
            }
        }
    }
}
