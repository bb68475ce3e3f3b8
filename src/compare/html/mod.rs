//! The comparison page (`mizan compare --html FILE`): one self-contained file in report.html's
//! style and under its rules — the same frame, Content-Security-Policy, escaping and span
//! drawing ([`crate::report::html`]). Its static half holds the reports, the regression gate's
//! verdict, and per extractor and layer the figures with their differences and significance;
//! its script shows the changed articles, both versions side by side, from a JSON data block.
//! [`history`] renders `mizan history --html`.

mod data;
pub mod history;

use std::fmt::Write;

use crate::compare::source::Source;
use crate::compare::terminal::letter;
use crate::compare::{Comparison, LayerComparison, SchemeRow};
use crate::model::Article;
use crate::report::html::escape::{bdi, html, script_json};
use crate::report::html::page::{document, Page};

const STYLE: &str = include_str!("compare.css");
/// The shared span drawing, then the changed-articles browser.
const SCRIPT: &str = concat!(include_str!("../../report/html/spans.js"), include_str!("compare.js"));

fn figure(x: f64) -> String {
    format!("{x:.4}")
}

/// A difference with its sign, coloured by direction.
fn delta_cell(x: f64, bold: bool) -> String {
    let x = if x.abs() < 0.000_05 { 0.0 } else { x };
    let class = if x > 0.0 {
        "up"
    } else if x < 0.0 {
        "down"
    } else {
        "same"
    };
    let text = format!("{x:+.4}").replace('-', "−");
    if bold {
        format!("<td class=\"{class} sig\">{text}</td>")
    } else {
        format!("<td class=\"{class}\">{text}</td>")
    }
}

/// The whole page. `articles` are the dataset's (empty when not at hand), `dataset_note` says
/// which dataset gave the text or why there is none.
pub fn render(comparison: &Comparison, sources: &[Source], articles: &[Article], dataset_note: &str) -> String {
    let data = data::page_data(comparison, sources, articles);
    let json = script_json(&data).unwrap_or_else(|_| String::from("{\"outcomes\":[],\"kinds\":[],\"reports\":[],\"articles\":[],\"views\":[]}"));
    let name = &comparison.reports[0].dataset.name;
    let title = format!("mizan comparison: {name}");
    let header = format!(
        "<h1>mizan comparison: {}</h1>{}<nav><a href=\"#differences\">Differences</a> · <a href=\"#changes\">Changed articles</a></nav>",
        bdi(name),
        reports_table(comparison)
    );
    let mut main = String::new();
    let _ = write!(main, "<section id=\"differences\"><h2>Differences</h2>\n{}", notes(comparison));
    for extractor in &comparison.extractors {
        for layer in &extractor.layers {
            main.push_str(&layer_section(comparison, &extractor.name, &extractor.versions, layer));
        }
    }
    main.push_str(&only_in(comparison));
    main.push_str("</section>\n");
    main.push_str(&changes_shell(dataset_note));
    document(&Page { title: &title, generator: env!("CARGO_PKG_VERSION"), style: STYLE, header: &header, main: &main, data: &json, script: SCRIPT })
}

/// The reports: letter, path, creation, commit, mizan, dataset.
fn reports_table(comparison: &Comparison) -> String {
    let mut out = String::from(
        "<table class=\"small reports\"><thead><tr><th></th><th>report</th><th>created</th><th>commit</th><th>mizan</th><th>dataset</th><th>fingerprint</th><th>articles</th></tr></thead><tbody>",
    );
    for (k, r) in comparison.reports.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            letter(k),
            bdi(&r.path),
            html(&r.created),
            r.git_commit.as_deref().map_or("unknown".into(), |c| format!("<code>{}</code>", html(&c.chars().take(12).collect::<String>()))),
            html(&r.mizan_version),
            bdi(&r.dataset.name),
            html(&r.dataset.fingerprint),
            r.dataset.articles
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// The dataset check, the tests' settings, and the gate's verdict.
fn notes(comparison: &Comparison) -> String {
    let mut out = String::new();
    if !comparison.dataset.same {
        let _ = write!(
            out,
            "<p class=\"warn\">The datasets differ ({}); significance uses only the articles both reports scored.</p>",
            html(&comparison.dataset.differences.join("; "))
        );
    }
    for note in &comparison.dataset.unchecked {
        let _ = write!(out, "<p class=\"warn\">{}; only the dataset's name and article count were checked.</p>", html(note));
    }
    let s = &comparison.settings;
    let _ = write!(
        out,
        "<p class=\"note\">Each later report against {}: Δ is later − first. <b>p</b>: paired approximate randomization test over articles ({} trials); \
         <b>95% CI</b>: paired bootstrap interval of ΔF1 ({} resamples); seed {}. Bold and * : p &lt; {}.</p>",
        letter(0),
        s.trials,
        s.resamples,
        s.seed,
        s.alpha
    );
    if let Some(gate) = &comparison.gate {
        let verdict = if gate.passed { "passed" } else { "failed" };
        let _ = write!(
            out,
            "<div class=\"gate {verdict}\"><b>Regression gate {verdict}</b>: {} F1 may not drop by more than {} with p &lt; {}.",
            html(&gate.scheme),
            gate.threshold,
            gate.alpha
        );
        if !gate.regressions.is_empty() {
            out.push_str("<ul>");
            for r in &gate.regressions {
                let _ = write!(out, "<li>{}: {}</li>", letter(r.report), bdi(&r.to_string()));
            }
            out.push_str("</ul>");
        }
        out.push_str("</div>");
    }
    out
}

/// An SVG of a ΔF1 interval against zero, on a scale of ±`scale`.
fn interval_svg(low: f64, high: f64, observed: f64, scale: f64) -> String {
    let (width, mid) = (140.0, 70.0);
    let x = |v: f64| mid + (v / scale).clamp(-1.0, 1.0) * (mid - 4.0);
    let colour = if high < 0.0 {
        "#D55E00"
    } else if low > 0.0 {
        "#009E73"
    } else {
        "#777"
    };
    format!(
        "<svg class=\"ci\" viewBox=\"0 0 {width} 14\" width=\"{width}\" height=\"14\" role=\"img\" aria-label=\"interval {:+.4} to {:+.4}\">\
         <line x1=\"{mid}\" y1=\"0\" x2=\"{mid}\" y2=\"14\" stroke=\"#999\"/><line x1=\"{:.1}\" y1=\"7\" x2=\"{:.1}\" y2=\"7\" stroke=\"{colour}\" stroke-width=\"3\"/>\
         <circle cx=\"{:.1}\" cy=\"7\" r=\"3.5\" fill=\"{colour}\"/></svg>",
        low,
        high,
        x(low),
        x(high).max(x(low) + 1.0),
        x(observed)
    )
}

fn layer_section(comparison: &Comparison, name: &str, versions: &[Option<crate::compare::VersionInfo>], layer: &LayerComparison) -> String {
    let mut out = String::new();
    let _ = write!(out, "<section class=\"layer\"><h3>{} on {}</h3><p class=\"versions\">", bdi(name), bdi(&layer.layer));
    for (k, v) in versions.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(
                    out,
                    "<span><b>{}</b> version {} · config <code>{}</code>",
                    letter(k),
                    bdi(&v.version),
                    html(&v.config_hash.chars().take(8).collect::<String>())
                );
                if v.failed > 0 {
                    let _ = write!(out, " · {} failed", v.failed);
                }
                out.push_str("</span> ");
            }
            None => {
                let _ = write!(out, "<span><b>{}</b> absent</span> ", letter(k));
            }
        }
    }
    out.push_str("</p>");
    out.push_str(&rows_table(&layer.overall, "scheme", comparison.reports.len(), true));
    if !layer.per_label.is_empty() {
        let rows: Vec<SchemeRow> = layer
            .per_label
            .iter()
            .filter_map(|l| l.schemes.iter().find(|r| r.scheme == "strict").map(|r| SchemeRow { scheme: l.label.clone(), ..r.clone() }))
            .collect();
        let _ = write!(
            out,
            "<details class=\"labels\"><summary>Per label (strict, each label scored on its own; no test: reports keep no per-label counts per article)</summary>{}</details>",
            rows_table(&rows, "label", comparison.reports.len(), false)
        );
    }
    for set in &layer.changed {
        if set.available {
            let _ = write!(
                out,
                "<p class=\"changed\">{} → {}: <a href=\"#changes\">{} changed article{}</a>: <span class=\"up\">▲ {} fixed</span>, <span class=\"down\">▼ {} regressed</span>, ◆ {} other</p>",
                letter(0),
                letter(set.report),
                set.articles.len(),
                if set.articles.len() == 1 { "" } else { "s" },
                set.fixed,
                set.regressed,
                set.other
            );
        }
    }
    out.push_str("</section>\n");
    out
}

/// Rows per scheme (or label): each report's P, R, F1, then each later report's differences.
fn rows_table(rows: &[SchemeRow], head: &str, reports: usize, tests: bool) -> String {
    let scale = rows
        .iter()
        .flat_map(|r| r.deltas.iter().flatten())
        .filter_map(|d| d.significance.as_ref())
        .flat_map(|s| [s.interval[0].abs(), s.interval[1].abs()])
        .fold(0.02f64, f64::max);
    let mut out = format!("<table class=\"scores delta\"><thead><tr><th rowspan=\"2\">{head}</th>");
    for k in 0..reports {
        let _ = write!(out, "<th colspan=\"3\">{}</th>", letter(k));
    }
    for k in 1..reports {
        let _ = write!(out, "<th colspan=\"{}\">{} − {}</th>", if tests { 6 } else { 3 }, letter(k), letter(0));
    }
    out.push_str("</tr><tr>");
    for _ in 0..reports {
        out.push_str("<th>P</th><th>R</th><th>F1</th>");
    }
    for _ in 1..reports {
        out.push_str("<th>ΔP</th><th>ΔR</th><th>ΔF1</th>");
        if tests {
            out.push_str("<th>p</th><th>95% CI</th><th>ΔF1 interval</th>");
        }
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        let _ = write!(out, "<tr><td class=\"scheme\">{}</td>", bdi(&row.scheme));
        for f in &row.figures {
            match f {
                Some(f) => {
                    let _ = write!(out, "<td>{}</td><td>{}</td><td class=\"f1\">{}</td>", figure(f.precision), figure(f.recall), figure(f.f1));
                }
                None => out.push_str("<td colspan=\"3\" class=\"absent\">absent</td>"),
            }
        }
        for k in 1..reports {
            let Some(d) = row.delta(k) else {
                let _ = write!(out, "<td colspan=\"{}\" class=\"absent\">—</td>", if tests { 6 } else { 3 });
                continue;
            };
            let significant = d.significant == Some(true);
            let _ = write!(out, "{}{}{}", delta_cell(d.precision, false), delta_cell(d.recall, false), delta_cell(d.f1, significant));
            if tests {
                match &d.significance {
                    Some(s) => {
                        let _ = write!(
                            out,
                            "<td class=\"p{}\">{}{}</td><td class=\"ci\">[{}, {}]</td><td>{}</td>",
                            if significant { " sig" } else { "" },
                            figure(s.p_value),
                            if significant { "*" } else { "" },
                            format!("{:+.4}", s.interval[0]).replace('-', "−"),
                            format!("{:+.4}", s.interval[1]).replace('-', "−"),
                            interval_svg(s.interval[0], s.interval[1], s.observed, scale)
                        );
                    }
                    None => out.push_str("<td>—</td><td>—</td><td></td>"),
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

fn only_in(comparison: &Comparison) -> String {
    if comparison.only_in.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h3>Not in every report</h3><ul class=\"only\">");
    for p in &comparison.only_in {
        let what = match &p.layer {
            Some(layer) => format!("{}, layer {}", bdi(&p.extractor), bdi(layer)),
            None => bdi(&p.extractor),
        };
        let reports: Vec<String> = p.reports.iter().map(|&k| letter(k)).collect();
        let _ = write!(out, "<li>{what}: only in {}</li>", reports.join(", "));
    }
    out.push_str("</ul>");
    out
}

/// The changed-articles browser's fixed parts; the script fills the list.
fn changes_shell(dataset_note: &str) -> String {
    let mut out = String::from(
        "<section id=\"changes\"><h2>Changed articles</h2>\n<form class=\"controls\" id=\"filters\">\
         <label>extractor, layer and reports <select id=\"f-view\"></select></label>\
         <label>changes <select id=\"f-kind\"><option value=\"\">all changes</option><option value=\"fixed\">fixed</option>\
         <option value=\"regressed\">regressed</option><option value=\"other\">other</option></select></label>\
         <label>per page <select id=\"f-size\"><option value=\"20\">20</option><option value=\"50\">50</option><option value=\"0\">all</option></select></label></form>\n",
    );
    let _ = write!(out, "<p class=\"note\">{}</p>", html(dataset_note));
    out.push_str(
        "<p class=\"note\">Each article shows the first report's version on the left and the later one's on the right (stacked on narrow screens), \
         spans highlighted by outcome as in report.html. A chip marked <span class=\"mark up\">▲</span> is a gold span fixed in the later version, \
         <span class=\"mark down\">▼</span> one that regressed, <span class=\"mark\">◆</span> another change (an outcome, prediction or attribute, \
         or a spurious prediction added or removed). Articles with the most changes come first.</p>",
    );
    out.push_str(&crate::report::html::legend());
    out.push_str(
        "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n<div id=\"articles\"></div>\n\
         <nav class=\"pager\" aria-label=\"pages\"><button type=\"button\" id=\"prev\">← previous</button> \
         <span id=\"page\"></span> <button type=\"button\" id=\"next\">next →</button></nav>\n\
         <noscript><p>The changed articles need JavaScript; the differences above do not.</p></noscript>\n</section>\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_signed_and_coloured() {
        assert_eq!(delta_cell(-0.25, true), "<td class=\"down sig\">−0.2500</td>");
        assert_eq!(delta_cell(0.00001, false), "<td class=\"same\">+0.0000</td>");
        assert_eq!(delta_cell(0.1, false), "<td class=\"up\">+0.1000</td>");
    }

    #[test]
    fn intervals_are_drawn_around_zero() {
        let svg = interval_svg(-0.2, -0.1, -0.15, 0.2);
        assert!(svg.contains("x1=\"4.0\"") && svg.contains("stroke=\"#D55E00\""), "{svg}");
        assert!(interval_svg(-0.1, 0.1, 0.0, 0.2).contains("#777"));
    }

    #[test]
    fn names_and_labels_are_escaped_and_the_data_cannot_end_its_script() {
        use crate::compare::tests::source;
        use crate::compare::{compare, Options, TestSettings};
        let a = source("<b>a</b>", "f", &[("x<y>", &[("ner", 4)])]);
        let b = source("b\"'", "f", &[("x<y>", &[("ner", 1)])]);
        let options = Options { tests: TestSettings { trials: 9, resamples: 9, seed: 1 }, ..Options::default() };
        let comparison = compare(&[a.clone(), b.clone()], &options).unwrap();
        let article = Article::new("a<1>", "<script>alert(1)</script> نص", std::collections::BTreeMap::new());
        let page = render(&comparison, &[a, b], &[article], "from <here>");
        assert!(page.contains("<bdi>x&lt;y&gt;</bdi>") && page.contains("<bdi>&lt;b&gt;a&lt;/b&gt;</bdi>") && page.contains("from &lt;here&gt;"));
        assert!(!page.contains("<b>a</b>") && !page.contains("<y>"));
        let start = page.find("id=\"mizan-data\">").unwrap() + 16;
        let json = &page[start..start + page[start..].find("</script>").unwrap()];
        assert!(!json.contains('<') && !json.contains('>'), "{json}");
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(data["articles"][0]["text"], "<script>alert(1)</script> نص");
        assert_eq!(data["views"][0]["regressed"], 3);
        assert_eq!(page.matches("<script").count(), 2);
    }

    #[test]
    fn the_embedded_files_cannot_close_their_elements() {
        assert!(!SCRIPT.contains("</script") && !SCRIPT.contains("<!--"));
        assert!(!STYLE.contains("</style"));
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("eval(") && !SCRIPT.contains("document.write"));
    }
}
