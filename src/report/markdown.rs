//! report.md: the report as plain Markdown tables, readable in a terminal, a pull request or a
//! wiki — summary, then per extractor and layer the schemes, labels, attributes, confusion,
//! slices and errors.

use std::fmt::Write;

use crate::model::is_control_like;
use crate::report::{count_cells, size_cells, LayerReport, Report};
use crate::score::Metrics;

fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn f(x: f64) -> String {
    format!("{x:.4}")
}

/// Data in a table cell or a heading: backslashes, pipes and backticks escaped, `<` as an
/// entity (no raw HTML), line breaks as spaces and other control characters as `\u{…}`, so
/// that a label holding `\n| fake | row |\n# Heading` stays inside its cell.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            c => push_plain(&mut out, c),
        }
    }
    out
}

/// Line breaks become spaces, other control characters visible escapes.
fn push_plain(out: &mut String, c: char) {
    match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
        c if is_control_like(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// Data shown as code (`` `id` ``). Backslash escapes do not work inside a code span, so the
/// fence is made longer than any run of backticks in the text; pipes are escaped as tables
/// need even there.
fn code(text: &str) -> String {
    let mut body = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => body.push_str("\\|"),
            c => push_plain(&mut body, c),
        }
    }
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if longest > 0 { " " } else { "" };
    format!("{fence}{pad}{body}{pad}{fence}")
}

fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

fn header(cells: &[&str]) -> String {
    let mut out = row(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>());
    // Text columns (the first, and the second when it names something) align left.
    let text_columns = if cells.get(1).is_some_and(|c| matches!(*c, "extractor" | "error" | "warning")) { 2 } else { 1 };
    out.push_str(&row(&cells.iter().enumerate().map(|(i, _)| if i < text_columns { "---".into() } else { "---:".into() }).collect::<Vec<_>>()));
    out
}

fn metrics_row(name: &str, m: &Metrics) -> String {
    row(&[vec![cell(name)], count_cells(m, f)].concat())
}

/// The whole report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# mizan report: {}\n", cell(&report.dataset.name));
    let _ =
        writeln!(out, "- dataset: {}, {}, fingerprint `{}`", code(&report.dataset.name), count(report.dataset.articles, "article"), report.dataset.fingerprint);
    let commit = report.git_commit.as_deref().map(|c| format!(", commit `{c}`")).unwrap_or_default();
    let _ = writeln!(out, "- created {} by mizan {}{commit}\n", report.created, report.mizan_version);

    out.push_str("## Summary\n\n");
    out.push_str(&header(&[
        "layer",
        "extractor",
        "gold",
        "predicted",
        "strict P",
        "strict R",
        "strict F1",
        "strict F1 95% CI",
        "exact F1",
        "partial F1",
        "type F1",
        "failed articles",
    ]));
    for (name, extractor) in &report.extractors {
        for (layer, scores) in &extractor.layers {
            let get = |s: &str| scores.scheme(s).copied();
            let (Some(strict), Some(exact), Some(partial), Some(kind)) = (get("strict"), get("exact"), get("partial"), get("type")) else {
                continue;
            };
            out.push_str(&row(&[
                cell(layer),
                cell(name),
                scores.gold_spans.to_string(),
                scores.predicted_spans.to_string(),
                f(strict.precision),
                f(strict.recall),
                f(strict.f1),
                scores.confidence.as_ref().map_or(String::from("-"), |c| c.show(c.f1, 4)),
                f(exact.f1),
                f(partial.f1),
                f(kind.f1),
                extractor.errors.len().to_string(),
            ]));
        }
    }

    for (name, extractor) in &report.extractors {
        let _ = writeln!(
            out,
            "\n## {}\n\nkind {}, version {}, config `{}`; {} in {:.2} s ({} from the cache)\n",
            cell(name),
            code(&extractor.kind),
            code(&extractor.version),
            extractor.config_hash,
            count(extractor.timing.articles, "article"),
            extractor.timing.seconds,
            extractor.timing.cached
        );
        if !extractor.unscored_layers.is_empty() {
            let _ = writeln!(out, "Not scored (no gold): {}\n", extractor.unscored_layers.iter().map(|l| cell(l)).collect::<Vec<_>>().join(", "));
        }
        for (layer, scores) in &extractor.layers {
            render_layer(&mut out, layer, scores);
        }
        if !extractor.errors.is_empty() {
            let _ = writeln!(out, "### Failed articles ({})\n", extractor.errors.len());
            out.push_str(&header(&["article", "error"]));
            for failure in &extractor.errors {
                out.push_str(&row(&[code(&failure.article_id), cell(&failure.error)]));
            }
            out.push('\n');
        }
        if !extractor.warnings.is_empty() {
            let _ = writeln!(out, "### Ignored in its answers ({})\n", extractor.warnings.len());
            out.push_str(&header(&["article", "warning"]));
            for warning in &extractor.warnings {
                out.push_str(&row(&[code(&warning.article_id), cell(&warning.warning)]));
            }
            out.push('\n');
        }
    }
    out
}

/// How many of the worst articles report.md lists per extractor and layer.
const WORST_ARTICLES: usize = 10;

/// The articles with the most strict errors (incorrect + missed + spurious).
fn render_worst_articles(out: &mut String, scores: &LayerReport) {
    let mut articles: Vec<(&String, u64, &crate::score::Counts)> = scores
        .per_article
        .iter()
        .filter_map(|(id, schemes)| schemes.get("strict").map(|c| (id, c.incorrect + c.missed + c.spurious, c)))
        .filter(|(_, errors, _)| *errors > 0)
        .collect();
    if articles.is_empty() {
        return;
    }
    articles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let _ = writeln!(out, "\nWorst articles (strict errors: incorrect + missed + spurious; {} of {}):\n", articles.len().min(WORST_ARTICLES), articles.len());
    out.push_str(&header(&["article", "errors", "correct", "incorrect", "missed", "spurious"]));
    for (id, errors, c) in articles.into_iter().take(WORST_ARTICLES) {
        out.push_str(&row(&[code(id), errors.to_string(), c.correct.to_string(), c.incorrect.to_string(), c.missed.to_string(), c.spurious.to_string()]));
    }
}

fn render_layer(out: &mut String, layer: &str, scores: &LayerReport) {
    let _ = writeln!(out, "### Layer {}: {} gold, {} predicted\n", code(layer), scores.gold_spans, scores.predicted_spans);
    out.push_str(&header(&["scheme", "correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1"]));
    for (scheme, m) in scores.overall_in_order() {
        out.push_str(&metrics_row(scheme, m));
    }
    if let Some(c) = &scores.confidence {
        let _ = writeln!(out, "\n{}", c.describe(4));
    }
    out.push_str("\nPer label (strict, each label scored on its own):\n\n");
    out.push_str(&header(&["label", "gold", "predicted", "precision", "recall", "f1"]));
    for (label, schemes) in &scores.per_label {
        if let Some(m) = schemes.get("strict") {
            out.push_str(&row(&[vec![cell(label)], size_cells(m, f)].concat()));
        }
    }
    for (kind, averages) in &scores.averages {
        if let Some(a) = averages.get("strict") {
            out.push_str(&row(&[format!("*{kind} avg*"), String::new(), String::new(), f(a.precision), f(a.recall), f(a.f1)]));
        }
    }
    if !scores.attributes.is_empty() {
        out.push_str("\nAttributes (pairs that overlap with the same label):\n\n");
        out.push_str(&header(&["attribute", "compared", "correct", "accuracy"]));
        for (name, a) in &scores.attributes {
            out.push_str(&row(&[cell(name), a.compared.to_string(), a.correct.to_string(), f(a.accuracy)]));
        }
    }
    if !scores.confusion.is_empty() {
        out.push_str("\nConfusion (rows gold, columns predicted):\n\n");
        let mut columns: Vec<&String> = scores.confusion.values().flat_map(|r| r.keys()).collect();
        columns.sort();
        columns.dedup();
        let mut head = vec![""];
        head.extend(columns.iter().map(|c| c.as_str()));
        out.push_str(&header(&head));
        for (gold, counts) in &scores.confusion {
            let mut cells = vec![cell(gold)];
            cells.extend(columns.iter().map(|c| counts.get(*c).map_or(String::new(), |n| n.to_string())));
            out.push_str(&row(&cells));
        }
    }
    render_worst_articles(out, scores);
    for (column, groups) in &scores.slices {
        let _ = writeln!(out, "\nBy {} (strict):\n", code(column));
        out.push_str(&header(&["value", "articles", "gold", "predicted", "precision", "recall", "f1"]));
        for (value, slice) in groups {
            if let Some(m) = slice.schemes.get("strict") {
                out.push_str(&row(&[vec![cell(value), slice.articles.to_string()], size_cells(m, f)].concat()));
            }
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_out_of_their_table() {
        assert_eq!(cell("PER"), "PER");
        assert_eq!(cell("a\n| fake | row |\n# Heading"), "a \\| fake \\| row \\| # Heading");
        assert_eq!(cell("x\\|`<img src=x>\r\u{1b}"), "x\\\\\\|\\`&lt;img src=x> \\u{1b}");
        assert_eq!(cell("قال لافروف"), "قال لافروف");
    }

    #[test]
    fn code_spans_fence_backticks_and_escape_pipes() {
        assert_eq!(code("a1"), "`a1`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("``x|y\n"), "``` ``x\\|y  ```");
    }
}
