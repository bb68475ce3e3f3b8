//! The summary half of report.html: what was run on what, then per layer every extractor's
//! scores under each scheme (with the bootstrap interval beside strict F1), per-label bars,
//! the confusion heat map, attributes and slices, and the articles each extractor failed on.
//! Static HTML, written once; only the error browser below it is built by script.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::report::html::charts::{confusion_map, label_bars};
use crate::report::html::escape::{bdi, html};
use crate::report::{LayerReport, Report};

fn figure(x: f64) -> String {
    format!("{x:.4}")
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The run's identity: dataset, fingerprint, articles, when, by which mizan, at which commit.
pub(crate) fn meta(report: &Report) -> String {
    let mut out = String::from("<dl class=\"meta\">");
    let rows = [
        ("dataset", bdi(&report.dataset.name)),
        ("fingerprint", format!("<code>{}</code>", html(&report.dataset.fingerprint))),
        ("articles", report.dataset.articles.to_string()),
        ("created", html(&report.created)),
        ("mizan", html(&report.mizan_version)),
        ("commit", report.git_commit.as_deref().map_or("unknown".into(), |c| format!("<code>{}</code>", html(c)))),
    ];
    for (name, value) in rows {
        let _ = write!(out, "<div><dt>{name}</dt><dd>{value}</dd></div>");
    }
    out.push_str("</dl>");
    out
}

/// Every layer's scores, then the failed articles.
pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let layers: BTreeSet<&String> = report.extractors.values().flat_map(|e| e.layers.keys()).collect();
    if layers.is_empty() {
        out.push_str("<p>No layer was scored.</p>");
    }
    for layer in layers {
        let gold = report.extractors.values().find_map(|e| e.layers.get(layer)).map_or(0, |l| l.gold_spans);
        let _ = write!(out, "<section class=\"layer\"><h3>Layer {}: {}</h3>", bdi(layer), plural(gold, "gold span", "gold spans"));
        out.push_str(&scores_table(report, layer));
        for (name, extractor) in &report.extractors {
            if let Some(scores) = extractor.layers.get(layer) {
                out.push_str(&details(name, layer, scores));
            }
        }
        out.push_str("</section>");
    }
    out.push_str(&failures(report));
    out
}

/// Rows extractor × scheme, columns the counts and figures.
fn scores_table(report: &Report, layer: &str) -> String {
    let mut out = String::from(
        "<table class=\"scores\"><thead><tr><th>extractor</th><th>scheme</th><th>correct</th><th>incorrect</th>\
         <th>partial</th><th>missed</th><th>spurious</th><th>precision</th><th>recall</th><th>F1</th>\
         <th>F1 95% CI</th><th>failed articles</th></tr></thead>",
    );
    for (name, extractor) in &report.extractors {
        let Some(scores) = extractor.layers.get(layer) else { continue };
        let schemes: Vec<_> = scores.overall_in_order().collect();
        out.push_str("<tbody>");
        for (i, (scheme, m)) in schemes.iter().enumerate() {
            out.push_str("<tr>");
            if i == 0 {
                let span = schemes.len();
                let _ = write!(out, "<th rowspan=\"{span}\" scope=\"rowgroup\">{}<br><small>{}</small></th>", bdi(name), bdi(&extractor.version));
            }
            let ci = match (&scores.confidence, *scheme) {
                (Some(c), "strict") => html(&c.show(c.f1, 4)),
                _ => String::new(),
            };
            let _ = write!(
                out,
                "<td class=\"scheme\">{scheme}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"f1\">{}</td><td>{ci}</td>",
                m.correct,
                m.incorrect,
                m.partial,
                m.missed,
                m.spurious,
                figure(m.precision),
                figure(m.recall),
                figure(m.f1)
            );
            if i == 0 {
                let _ = write!(out, "<td rowspan=\"{}\">{}</td>", schemes.len(), extractor.errors.len());
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody>");
    }
    out.push_str("</table>");
    out
}

/// One extractor's layer in depth: per-label bars, confusion, attributes, slices.
fn details(name: &str, layer: &str, scores: &LayerReport) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<details class=\"extractor\" open><summary>{} on {}: {} predicted</summary><div class=\"charts\">",
        bdi(name),
        bdi(layer),
        scores.predicted_spans
    );
    let bars = label_bars(scores, &format!("{name}, {layer}: strict precision, recall and F1 per label"));
    if !bars.is_empty() {
        let _ = write!(out, "<figure>{bars}<figcaption>Per label (strict; each label scored on its own)</figcaption></figure>");
    }
    let heat = confusion_map(scores, &format!("{name}, {layer}: confusion, rows gold, columns predicted"));
    if !heat.is_empty() {
        let _ = write!(out, "<figure>{heat}<figcaption>Confusion: rows gold, columns predicted</figcaption></figure>");
    }
    out.push_str("</div>");
    if let Some(c) = &scores.confidence {
        let _ = write!(out, "<p class=\"note\">{}</p>", html(&c.describe(4)));
    }
    if !scores.attributes.is_empty() {
        out.push_str("<table class=\"small\"><caption>Attributes (pairs that overlap with the same label)</caption><thead><tr><th>attribute</th><th>compared</th><th>correct</th><th>accuracy</th></tr></thead><tbody>");
        for (attribute, a) in &scores.attributes {
            let _ = write!(out, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", bdi(attribute), a.compared, a.correct, figure(a.accuracy));
        }
        out.push_str("</tbody></table>");
    }
    for (column, groups) in &scores.slices {
        let _ = write!(
            out,
            "<table class=\"small\"><caption>By {} (strict)</caption><thead><tr><th>value</th><th>articles</th><th>gold</th><th>predicted</th><th>precision</th><th>recall</th><th>F1</th></tr></thead><tbody>",
            bdi(column)
        );
        for (value, slice) in groups {
            if let Some(m) = slice.schemes.get("strict") {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    bdi(value),
                    slice.articles,
                    m.possible,
                    m.actual,
                    figure(m.precision),
                    figure(m.recall),
                    figure(m.f1)
                );
            }
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</details>");
    out
}

/// Each extractor's failed articles with the reason.
fn failures(report: &Report) -> String {
    let mut out = String::from("<section class=\"failures\"><h3>Failed articles</h3>");
    let mut any = false;
    for (name, extractor) in &report.extractors {
        if extractor.errors.is_empty() {
            continue;
        }
        any = true;
        let _ = write!(
            out,
            "<table class=\"small\"><caption>{}: {} (their gold counts as missed)</caption><thead><tr><th>article</th><th>error</th></tr></thead><tbody>",
            bdi(name),
            plural(extractor.errors.len() as u64, "failed article", "failed articles")
        );
        for failure in &extractor.errors {
            let _ = write!(out, "<tr><td><code>{}</code></td><td class=\"error\">{}</td></tr>", bdi(&failure.article_id), bdi(&failure.error));
        }
        out.push_str("</tbody></table>");
    }
    if !any {
        out.push_str("<p>No extractor failed on any article.</p>");
    }
    out.push_str("</section>");
    out
}
