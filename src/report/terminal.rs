//! The terminal summary of a run: per layer, one row per extractor with strict precision,
//! recall, F1 and its confidence interval and the F1 of the other schemes; per-label figures
//! with `--detail`; and strict F1 per slice when the run was sliced.

use std::collections::BTreeSet;

use crate::model::{for_terminal, lines_for_terminal};
use crate::report::Report;

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
                rows.push(vec![name.clone(), label.clone(), m.possible.to_string(), m.actual.to_string(), figure(m.precision), figure(m.recall), figure(m.f1)]);
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
