//! report.html: one self-contained page with the report's summary and an error browser that
//! shows every article with its gold spans and predictions highlighted by outcome. The page
//! is meant to be opened from disk, attached to a pull request or mailed, so it carries its
//! styles, script and data inline and loads nothing: a Content-Security-Policy forbids every
//! fetch and runs only the page's own script ([`csp`]). Data reaches the page escaped
//! ([`escape`]); the browser script reads it from a JSON block and builds the articles on
//! screen with DOM calls, never by parsing data as markup. `docs/report-html.md` describes
//! the page for its readers.

mod charts;
pub(crate) mod csp;
pub(crate) mod data;
pub(crate) mod escape;
pub(crate) mod page;
pub(crate) mod segments;
mod summary;

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::Article;
use crate::report::Report;
use crate::score::evaluate::SpanOutcome;

use escape::bdi;

#[cfg(test)]
use page::STYLE;

/// The page's script: the shared span drawing, then the error browser.
const SCRIPT: &str = concat!(include_str!("spans.js"), include_str!("browser.js"));

/// Outcome filter values, and what the page calls them.
const OUTCOME_FILTERS: [(&str, &str); 7] = [
    ("", "all outcomes"),
    ("errors", "errors (all but correct)"),
    ("correct", "correct"),
    ("wrong-type", "wrong type"),
    ("wrong-boundary", "wrong boundary (and type)"),
    ("missed", "missed"),
    ("spurious", "spurious"),
];

/// The legend: outcome, its style class, its chip symbol, and what it means.
const LEGEND: [(&str, &str, &str, &str); 5] = [
    ("correct", "o-correct", "✓", "same boundaries, same label: solid underline"),
    ("wrong type", "o-type", "≠", "same boundaries, other label: double underline"),
    ("wrong boundary", "o-boundary", "↔", "overlapping, same label (↔≠: other label too): dashed underline"),
    ("missed", "o-missed", "−", "gold span with no prediction: dotted frame, no fill"),
    ("spurious", "o-spurious", "+", "prediction with no gold span: striped fill, wavy underline"),
];

/// The whole page. `articles` are the dataset's articles (records of other articles are not
/// shown); `outcomes` are the run's, extractor → layer → records.
pub fn render(report: &Report, articles: &[Article], outcomes: &BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>) -> String {
    let mut page = Vec::new();
    // Writing into memory cannot fail.
    let _ = write(&mut page, report, articles, outcomes);
    String::from_utf8(page).expect("the page is UTF-8")
}

/// [`render`] written into `out` as it is made: the data block of a large run is tens of
/// megabytes, which this never holds whole. Its articles are drawn in parallel on the current
/// rayon pool.
pub fn write(
    out: &mut dyn std::io::Write,
    report: &Report,
    articles: &[Article],
    outcomes: &BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>,
) -> std::io::Result<()> {
    let title = format!("mizan report: {}", report.dataset.name);
    let header = format!(
        "<h1>mizan report: {}</h1>{}<nav><a href=\"#summary\">Summary</a> · <a href=\"#browser\">Error browser</a></nav>",
        bdi(&report.dataset.name),
        summary::meta(report)
    );
    let main = format!("<section id=\"summary\"><h2>Summary</h2>\n{}\n</section>\n{}", summary::render(report), browser_shell());
    let page = page::Page { title: &title, generator: &report.mizan_version, style: "", header: &header, main: &main, data: "", script: SCRIPT };
    out.write_all(page::opening(&page).as_bytes())?;
    out.write_all(page::DATA_OPEN.as_bytes())?;
    data::write_json(&data::page_data(report, articles, outcomes), out)?;
    out.write_all(page::DATA_CLOSE.as_bytes())?;
    out.write_all(page::closing(&page).as_bytes())
}

/// The error browser's fixed parts: filters, legend, the list the script fills, the pager.
fn browser_shell() -> String {
    let mut out = String::from(
        "<section id=\"browser\"><h2>Error browser</h2>\n<form class=\"controls\" id=\"filters\">\
         <label>extractor <select id=\"f-extractor\"></select></label>\
         <label>layer <select id=\"f-layer\"></select></label>\
         <label>label <select id=\"f-label\"></select></label>\
         <label>outcome <select id=\"f-outcome\">",
    );
    for (value, name) in OUTCOME_FILTERS {
        let _ = write!(out, "<option value=\"{value}\">{name}</option>");
    }
    out.push_str(
        "</select></label><label>per page <select id=\"f-size\"><option value=\"20\">20</option>\
         <option value=\"50\">50</option><option value=\"200\">200</option><option value=\"0\">all</option></select></label></form>\n",
    );
    out.push_str(&legend());
    out.push_str(
        "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n<div id=\"articles\"></div>\n\
         <nav class=\"pager\" aria-label=\"pages\"><button type=\"button\" id=\"prev\">← previous</button> \
         <span id=\"page\"></span> <button type=\"button\" id=\"next\">next →</button></nav>\n\
         <noscript><p>The error browser needs JavaScript; the summary above does not.</p></noscript>\n</section>\n",
    );
    out
}

pub(crate) fn legend() -> String {
    let mut out = String::from("<div class=\"legend\" aria-label=\"legend\"><ul>");
    for (name, class, symbol, meaning) in LEGEND {
        let part = if class == "o-missed" {
            "g"
        } else if class == "o-spurious" {
            "p"
        } else {
            "g p"
        };
        let _ = write!(
            out,
            "<li><span class=\"seg {class} {part}\" lang=\"ar\" dir=\"rtl\">نص</span><span class=\"chip {class}\" dir=\"ltr\">{symbol} LABEL</span> <b>{name}</b>: {meaning}</li>"
        );
    }
    out.push_str(
        "</ul><p>Within a pair: <span class=\"seg o-boundary g p\" lang=\"ar\">مشترك</span> in both, \
         <span class=\"seg o-boundary g\" lang=\"ar\">ذهبي فقط</span> in the gold span only (dotted line above), \
         <span class=\"seg o-boundary p\" lang=\"ar\">متوقع فقط</span> in the prediction only (stripes). \
         Each span's chip follows its last word; hover it, or focus it with Tab, for the gold and predicted labels and attributes; \
         a chip framed in dashes (<span class=\"chip o-correct attrs-differ\" dir=\"ltr\">✓ QUOTE · <bdi lang=\"ar\">لافروف</bdi> ≠ <bdi lang=\"ar\">جونسون</bdi></span>) \
         has an attribute, such as a quote's speaker, that differs from the gold one. \
         <span class=\"ctl\">RLO</span> marks an invisible bidi control character in the text.</p></div>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Failure;
    use crate::model::Span;
    use crate::report::{DatasetInfo, ExtractorReport, LayerReport, Timing};
    use crate::score::evaluate::score_layer;

    const HOSTILE: &str = "قال وزير الخارجية الروسي لافروف <script>alert(1)</script> <img src=x onerror=alert(1)> \"q\" </script><!-- \u{2028}\u{2029}\u{202E} إن روسيا وبريطانيا شريكان في موسكو";

    /// A span over the first occurrence of `needle` in `text`, in code points.
    fn span(article: &str, text: &str, needle: &str, label: &str) -> Span {
        let byte = text.find(needle).expect(needle);
        let start = text[..byte].chars().count();
        let end = start + needle.chars().count();
        Span::new(article, start, end, label)
    }

    /// A one-extractor report over a hostile article, with every field that reaches the page
    /// carrying markup.
    type Outcomes = BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>;

    fn fixture() -> (Report, Vec<Article>, Outcomes) {
        let b = "زار لافروف لندن";
        let articles = vec![Article::new("a<1>", HOSTILE, BTreeMap::new()), Article::new("b", b, BTreeMap::new())];
        let gold = [span("a<1>", HOSTILE, "لافروف", "PER"), span("a<1>", HOSTILE, "موسكو", "LOC"), span("b", b, "لافروف", "PER")];
        let pred = [span("a<1>", HOSTILE, "لافروف", "PER"), span("a<1>", HOSTILE, "في موسكو", "ORG"), span("a<1>", HOSTILE, "script", "<b>X</b>")];
        let ids = vec!["a<1>".to_string(), "b".to_string()];
        let score = score_layer("ner", &ids, &gold, &pred);
        let extractor = ExtractorReport {
            kind: "command".into(),
            version: "1\"><script>alert(2)</script>".into(),
            config_hash: "h".into(),
            layers: [("ner".to_string(), LayerReport::new(&score, &BTreeMap::new(), 20, 1))].into(),
            unscored_layers: Vec::new(),
            errors: vec![Failure { article_id: "b".into(), error: "crashed: <img src=x onerror=alert(3)>".into() }],
            warnings: Vec::new(),
            timing: Timing { seconds: 1.0, articles: 2, cached: 0, articles_per_second: 2.0 },
        };
        let report = Report {
            schema_version: 1,
            mizan_version: "0.1.0".into(),
            created: "2026-11-29T00:00:00Z".into(),
            git_commit: Some("abc".into()),
            dataset: DatasetInfo { name: "<i>news</i>".into(), fingerprint: "f".into(), articles: 2 },
            shard: None,
            normalization: None,
            extractors: [("x<y>".to_string(), extractor)].into(),
        };
        let outcomes = [("x<y>".to_string(), [("ner".to_string(), score.outcomes)].into())].into();
        (report, articles, outcomes)
    }

    fn between<'a>(page: &'a str, open: &str, close: &str) -> &'a str {
        let start = page.find(open).map(|i| i + open.len()).expect(open);
        let end = page[start..].find(close).expect(close);
        &page[start..start + end]
    }

    #[test]
    fn the_page_forbids_network_loads_and_runs_only_its_script() {
        let (report, articles, outcomes) = fixture();
        let page = render(&report, &articles, &outcomes);
        let head = between(&page, "<head>", "</head>");
        assert!(head.starts_with("\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\""), "{head}");
        assert!(head.contains("default-src 'none'"));
        let script = between(&page, "<script>", "</script>");
        assert_eq!(script, SCRIPT);
        let hash = csp::base64(&csp::sha256(script.as_bytes()));
        assert!(head.contains(&format!("script-src 'sha256-{hash}'")), "{head}");
        assert_eq!(page.matches("<script").count(), 2);
        assert_eq!(page.matches("</script>").count(), 2);
        let data = between(&page, "<script type=\"application/json\" id=\"mizan-data\">", "</script>");
        let markup = page.replace(data, "");
        for forbidden in ["http://", "https://", "<link", "@import", "url(", "<img", "<iframe", "<base", "<object", "<embed"] {
            assert!(!markup.contains(forbidden), "{forbidden} in the page");
        }
    }

    #[test]
    fn summary_text_is_escaped() {
        let (report, articles, outcomes) = fixture();
        let page = render(&report, &articles, &outcomes);
        assert!(page.contains("<title>mizan report: &lt;i&gt;news&lt;/i&gt;</title>"));
        assert!(page.contains("<bdi>crashed: &lt;img src=x onerror=alert(3)&gt;</bdi>"));
        assert!(page.contains("<bdi>1&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</bdi>"));
        assert!(page.contains("<bdi>x&lt;y&gt;</bdi>"));
        assert!(!page.contains("<i>news</i>") && !page.contains("<b>X</b>"));
    }

    #[test]
    fn the_data_block_is_json_that_cannot_end_the_script() {
        let (report, articles, outcomes) = fixture();
        let page = render(&report, &articles, &outcomes);
        let json = between(&page, "<script type=\"application/json\" id=\"mizan-data\">", "</script>");
        for forbidden in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!json.contains(forbidden), "{forbidden:?} in the data");
        }
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(data["articles"][0]["text"], HOSTILE);
        assert_eq!(data["articles"][0]["id"], "a<1>");
        assert_eq!(data["articles"][0]["dir"], "rtl");
        assert_eq!(data["views"][0]["extractor"], "x<y>");
        assert_eq!(data["views"][0]["labels"], serde_json::json!(["<b>X</b>", "LOC", "ORG", "PER"]));
        // b failed and has its missed gold span; the failure travels with it.
        assert_eq!(data["views"][0]["articles"][1]["f"], "crashed: <img src=x onerror=alert(3)>");
    }

    #[test]
    fn the_summary_has_tables_bars_and_a_heat_map() {
        let (report, articles, outcomes) = fixture();
        let page = render(&report, &articles, &outcomes);
        for part in [
            "<table class=\"scores\">",
            "<svg class=\"bars\"",
            "<svg class=\"heat\"",
            "F1 95% CI",
            "<dt>fingerprint</dt>",
            "<dt>commit</dt>",
            "id=\"f-outcome\"",
            "class=\"legend\"",
        ] {
            assert!(page.contains(part), "{part} missing");
        }
        assert!(page.contains("<title>gold LOC, predicted ORG: 1</title>"), "the heat map's cells name their counts");
        assert!(page.contains("<td rowspan=\"4\">1</td>"), "one failed article");
    }

    #[test]
    fn the_embedded_files_cannot_close_their_elements() {
        assert!(!SCRIPT.contains("</script") && !SCRIPT.contains("<!--"));
        assert!(!STYLE.contains("</style"));
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("eval(") && !SCRIPT.contains("document.write"));
    }
}
