//! mizan's terminal tables, for every command that prints scores: the summary of a run (per
//! layer, one row per extractor with strict precision, recall, F1 and its confidence interval
//! and the F1 of the other schemes; per-label figures with `--detail`; strict F1 per slice) and
//! the full table of one layer that `mizan score` prints ([`render_layer`]). Both render the
//! report types, never the scorer's internals, and share [`align`] and the number formats.

use std::collections::BTreeSet;

use crate::model::{for_terminal, lines_for_terminal};
use crate::report::{count_cells, size_cells, LayerReport, Report, SCHEME_ORDER};
use crate::score::evaluate::{MISSED, SPURIOUS};

/// Left-aligns the first `left` columns and right-aligns the rest. Cells come from data, so
/// each is made safe for the terminal first ([`for_terminal`]): a label holding ESC or a newline
/// cannot recolour the screen or break the table.
pub fn align(rows: &[Vec<String>], left: usize) -> String {
    let rows: Vec<Vec<std::borrow::Cow<'_, str>>> = rows.iter().map(|row| row.iter().map(|cell| for_terminal(cell)).collect()).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, text)| {
                let pad = " ".repeat(widths[c].saturating_sub(text.chars().count()));
                if c < left {
                    format!("{text}{pad}")
                } else {
                    format!("{pad}{text}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `n` with a comma between groups of three digits.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the English noun for it, singular or plural.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Every table of one layer's scores, with `digits` decimals: the schemes (and strict+attrs when
/// the gold has attributes), the bootstrap intervals, strict figures per label with the micro,
/// macro and weighted averages, attribute agreement, the confusion table and the slices.
pub fn render_layer(report: &LayerReport, digits: usize) -> String {
    let figure = |x: f64| format!("{x:.digits$}");
    let strings = |cells: &[&str]| cells.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out = format!(
        "layer {}: {} gold and {} predicted spans, {}\n\n",
        report.layer,
        thousands(report.gold_spans),
        thousands(report.predicted_spans),
        plural(report.articles, "article", "articles"),
    );
    let mut rows = vec![strings(&["scheme", "correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1"])];
    // strict+attrs is in the report only when the gold has attributes.
    for name in SCHEME_ORDER {
        let Some(m) = report.overall.get(name) else { continue };
        rows.push([vec![name.to_string()], count_cells(m, figure)].concat());
    }
    out.push_str(&align(&rows, 1));
    if let Some(c) = &report.confidence {
        out.push_str(&c.describe(digits));
        out.push('\n');
    }

    out.push_str("\nper label (strict; each label scored on its own)\n");
    let mut rows = vec![strings(&["label", "gold", "predicted", "precision", "recall", "f1"])];
    for (label, schemes) in &report.per_label {
        if let Some(m) = schemes.get("strict") {
            rows.push([vec![label.clone()], size_cells(m, figure)].concat());
        }
    }
    let (gold, pred) = (report.gold_spans.to_string(), report.predicted_spans.to_string());
    for average in ["micro", "macro", "weighted"] {
        if let Some(a) = report.averages.get(average).and_then(|schemes| schemes.get("strict")) {
            rows.push(vec![format!("{average} avg"), gold.clone(), pred.clone(), figure(a.precision), figure(a.recall), figure(a.f1)]);
        }
    }
    out.push_str(&align(&rows, 1));

    if !report.attributes.is_empty() {
        out.push_str("\nattributes (pairs that overlap with the same label)\n");
        let mut rows = vec![strings(&["attribute", "compared", "correct", "accuracy"])];
        for (name, a) in &report.attributes {
            rows.push(vec![name.clone(), a.compared.to_string(), a.correct.to_string(), figure(a.accuracy)]);
        }
        out.push_str(&align(&rows, 1));
    }

    out.push_str("\nconfusion (rows: gold, columns: predicted)\n");
    let gold_labels = report.confusion.keys().map(String::as_str).filter(|g| *g != SPURIOUS);
    let pred_labels = report.confusion.values().flat_map(|row| row.keys()).map(String::as_str).filter(|p| *p != MISSED);
    let labels: BTreeSet<&str> = gold_labels.chain(pred_labels).collect();
    let mut header = vec![String::new()];
    header.extend(labels.iter().map(|s| s.to_string()));
    header.push(MISSED.into());
    let mut rows = vec![header];
    for g in labels.iter().copied().chain([SPURIOUS]) {
        let mut row = vec![g.to_string()];
        for p in labels.iter().copied().chain([MISSED]) {
            let n = report.confusion.get(g).and_then(|row| row.get(p)).copied().unwrap_or(0);
            row.push(if g == SPURIOUS && p == MISSED { String::new() } else { n.to_string() });
        }
        rows.push(row);
    }
    out.push_str(&align(&rows, 1));

    for (column, groups) in &report.slices {
        out.push_str(&format!("\nby {column} (strict)\n"));
        let mut rows = vec![strings(&["value", "articles", "gold", "predicted", "precision", "recall", "f1"])];
        for (name, slice) in groups {
            let Some(m) = slice.schemes.get("strict") else { continue };
            rows.push([vec![name.clone(), slice.articles.to_string()], size_cells(m, figure)].concat());
        }
        out.push_str(&align(&rows, 1));
    }
    out
}

/// The summary tables, with `digits` decimals; `detail` adds per-label figures.
pub fn render(report: &Report, digits: usize, detail: bool) -> String {
    let figure = |x: f64| format!("{x:.digits$}");
    let layers: BTreeSet<&String> = report.extractors.values().flat_map(|e| e.layers.keys()).collect();
    let mut out = String::new();
    for layer in layers {
        let gold = report.extractors.values().find_map(|e| e.layers.get(layer)).map_or(0, |l| l.gold_spans);
        out.push_str(&format!("layer {layer} ({gold} gold span{})\n", if gold == 1 { "" } else { "s" }));
        let mut rows = vec![["extractor", "version", "strict P", "strict R", "strict F1", "95% CI", "exact F1", "partial F1", "type F1", "failed"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()];
        for (name, extractor) in &report.extractors {
            let Some(scores) = extractor.layers.get(layer) else { continue };
            let f1 = |s: &str| scores.scheme(s).map_or(String::from("-"), |m| figure(m.f1));
            let strict = scores.scheme("strict");
            rows.push(vec![
                name.clone(),
                extractor.version.clone(),
                strict.map_or("-".into(), |m| figure(m.precision)),
                strict.map_or("-".into(), |m| figure(m.recall)),
                f1("strict"),
                scores.confidence.as_ref().map_or("-".into(), |c| c.show(c.f1, digits)),
                f1("exact"),
                f1("partial"),
                f1("type"),
                extractor.errors.len().to_string(),
            ]);
        }
        out.push_str(&align(&rows, 2));
        if detail {
            out.push_str(&per_label(report, layer, &figure));
        }
        out.push_str(&slices(report, layer, &figure));
        out.push('\n');
    }
    lines_for_terminal(&out).into_owned()
}

/// Strict figures per label, one row per extractor and label.
fn per_label(report: &Report, layer: &str, figure: &dyn Fn(f64) -> String) -> String {
    let mut rows = vec![["extractor", "label", "gold", "predicted", "strict P", "strict R", "strict F1"].iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for (name, extractor) in &report.extractors {
        let Some(scores) = extractor.layers.get(layer) else { continue };
        for (label, schemes) in &scores.per_label {
            if let Some(m) = schemes.get("strict") {
                rows.push([vec![name.clone(), label.clone()], size_cells(m, figure)].concat());
            }
        }
    }
    format!("\n{}", align(&rows, 2))
}

/// Strict F1 per slice value, a column per extractor.
fn slices(report: &Report, layer: &str, figure: &dyn Fn(f64) -> String) -> String {
    let mut out = String::new();
    let columns: BTreeSet<&String> = report.extractors.values().filter_map(|e| e.layers.get(layer)).flat_map(|l| l.slices.keys()).collect();
    for column in columns {
        let names: Vec<&String> =
            report.extractors.iter().filter(|(_, e)| e.layers.get(layer).is_some_and(|l| l.slices.contains_key(column))).map(|(n, _)| n).collect();
        let mut header = vec![column.clone(), "articles".to_string()];
        header.extend(names.iter().map(|n| format!("{n} strict F1")));
        let mut rows = vec![header];
        let values: BTreeSet<&String> = names.iter().filter_map(|n| report.extractors[*n].layers[layer].slices.get(column)).flat_map(|g| g.keys()).collect();
        for value in values {
            let mut row = vec![value.clone()];
            let mut articles = String::from("-");
            for name in &names {
                let slice = report.extractors[*name].layers[layer].slices[column].get(value);
                if let Some(slice) = slice {
                    articles = slice.articles.to_string();
                }
                row.push(slice.and_then(|s| s.schemes.get("strict")).map_or("-".into(), |m| figure(m.f1)));
            }
            row.insert(1, articles);
            rows.push(row);
        }
        out.push_str(&format!("\n{}", align(&rows, 1)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;
    use crate::score::score_layer;
    use std::collections::BTreeMap;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
        assert_eq!(plural(1, "article", "articles"), "1 article");
        assert_eq!(plural(1_200, "article", "articles"), "1,200 articles");
    }

    #[test]
    fn a_layer_renders_schemes_labels_averages_and_confusion() {
        let gold = [Span::new("a", 0, 5, "PER").with_attr("role", "speaker"), Span::new("a", 10, 14, "LOC")];
        let pred = [Span::new("a", 0, 5, "PER"), Span::new("a", 10, 14, "ORG"), Span::new("b", 1, 3, "PER")];
        let score = score_layer("ner", &["a".to_string(), "b".to_string()], &gold, &pred);
        let report = LayerReport::new(&score, &BTreeMap::new(), 0, 1);
        let text = render_layer(&report, 2);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "layer ner: 2 gold and 3 predicted spans, 2 articles");
        assert!(lines.iter().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["strict", "1", "1", "0", "0", "1", "0.33", "0.50", "0.40"]), "{text}");
        assert!(lines.iter().any(|l| l.starts_with("strict+attrs")), "attributes give a strict+attrs row:\n{text}");
        assert!(lines.iter().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["LOC", "0", "1", "0", "0"]), "{text}");
        assert!(lines.iter().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["(spurious)", "0", "0", "1"]), "{text}");
        for heading in ["micro avg", "macro avg", "weighted avg", "attributes (", "confusion ("] {
            assert!(text.contains(heading), "{heading} missing:\n{text}");
        }
        assert!(!text.contains("bootstrap"), "no intervals with 0 resamples");
    }
}
