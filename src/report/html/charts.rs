//! Inline SVG charts for report.html: per-label precision, recall and F1 as bars, and the
//! confusion table as a heat map. Plain SVG elements with attributes, no script and no
//! external resources, so they render in any browser and survive being saved or mailed. Every
//! figure is also written as text, so that no value is told by colour or length alone.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::report::html::escape::html;
use crate::report::LayerReport;
use crate::score::evaluate::{MISSED, SPURIOUS};

/// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
const PRECISION: &str = "#0072B2";
const RECALL: &str = "#E69F00";
const F1: &str = "#009E73";

/// Per-label strict precision, recall and F1 as horizontal bars, three per label.
pub(crate) fn label_bars(layer: &LayerReport, caption: &str) -> String {
    let labels: Vec<(&String, _)> = layer.per_label.iter().filter_map(|(label, s)| Some((label, s.get("strict")?))).collect();
    if labels.is_empty() {
        return String::new();
    }
    let (name_width, bar_width, bar, gap) = (110.0, 300.0, 11.0, 10.0);
    let row = 3.0 * bar + gap;
    let legend = 22.0;
    let height = legend + row * labels.len() as f64;
    let width = name_width + 30.0 + bar_width + 60.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}"><title>{}</title>"#,
        html(caption),
        html(caption)
    );
    for (i, (name, colour)) in [("precision", PRECISION), ("recall", RECALL), ("F1", F1)].into_iter().enumerate() {
        let x = name_width + 30.0 + i as f64 * 100.0;
        let _ = write!(svg, r#"<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/><text x="{}" y="14">{name}</text>"#, x + 16.0);
    }
    for (k, (label, m)) in labels.iter().enumerate() {
        let top = legend + k as f64 * row;
        let _ = write!(svg, r#"<text class="label" x="{}" y="{}" text-anchor="end">{}</text>"#, name_width, top + 1.5 * bar + 4.0, html(label));
        for (i, (short, value, colour)) in [("P", m.precision, PRECISION), ("R", m.recall, RECALL), ("F1", m.f1, F1)].into_iter().enumerate() {
            let y = top + i as f64 * bar;
            let length = (value.clamp(0.0, 1.0) * bar_width).max(0.5);
            let _ = write!(
                svg,
                r#"<text class="axis" x="{}" y="{}">{short}</text><rect x="{}" y="{}" width="{length:.1}" height="{}" fill="{colour}"><title>{}: {} {value:.4}</title></rect><text class="value" x="{}" y="{}">{value:.3}</text>"#,
                name_width + 8.0,
                y + bar - 2.0,
                name_width + 30.0,
                y + 0.5,
                bar - 1.0,
                html(label),
                short,
                name_width + 34.0 + length,
                y + bar - 2.0,
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Rows (gold labels, then `(spurious)`) and columns (predicted labels, then `(missed)`) in
/// display order.
fn axes(confusion: &BTreeMap<String, BTreeMap<String, u64>>) -> (Vec<&str>, Vec<&str>) {
    let mut rows: Vec<&str> = confusion.keys().map(String::as_str).filter(|r| *r != SPURIOUS).collect();
    let mut columns: Vec<&str> = confusion.values().flat_map(|r| r.keys()).map(String::as_str).filter(|c| *c != MISSED).collect();
    columns.sort_unstable();
    columns.dedup();
    if confusion.contains_key(SPURIOUS) {
        rows.push(SPURIOUS);
    }
    if confusion.values().any(|r| r.contains_key(MISSED)) {
        columns.push(MISSED);
    }
    (rows, columns)
}

/// The confusion table as a heat map: rows gold, columns predicted, each cell shaded by its
/// share of the largest cell and labelled with its count; agreeing cells are outlined.
pub(crate) fn confusion_map(layer: &LayerReport, caption: &str) -> String {
    let (rows, columns) = axes(&layer.confusion);
    if rows.is_empty() || columns.is_empty() {
        return String::new();
    }
    let max = layer.confusion.values().flat_map(|r| r.values()).copied().max().unwrap_or(0).max(1);
    let (head, cell_w, cell_h) = (96.0, 70.0, 28.0);
    let width = head + cell_w * columns.len() as f64 + 4.0;
    let height = head / 2.0 + cell_h * rows.len() as f64 + 4.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="heat" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}"><title>{}</title>"#,
        html(caption),
        html(caption)
    );
    let top = head / 2.0;
    let _ = write!(svg, r#"<text class="axis" x="{}" y="12">predicted →</text><text class="axis" x="4" y="{}">gold ↓</text>"#, head, top - 6.0);
    for (c, column) in columns.iter().enumerate() {
        let x = head + c as f64 * cell_w + cell_w / 2.0;
        let _ = write!(svg, r#"<text class="label" x="{x}" y="{}" text-anchor="middle">{}</text>"#, top - 6.0, html(column));
    }
    for (r, gold) in rows.iter().enumerate() {
        let y = top + r as f64 * cell_h;
        let _ = write!(svg, r#"<text class="label" x="{}" y="{}" text-anchor="end">{}</text>"#, head - 6.0, y + cell_h / 2.0 + 4.0, html(gold));
        for (c, pred) in columns.iter().enumerate() {
            let x = head + c as f64 * cell_w;
            let n = layer.confusion.get(*gold).and_then(|row| row.get(*pred)).copied().unwrap_or(0);
            let share = n as f64 / max as f64;
            let opacity = if n == 0 { 0.0 } else { 0.12 + 0.88 * share };
            let agree = gold == pred;
            let _ = write!(
                svg,
                r##"<g><title>gold {}, predicted {}: {n}</title><rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="#0072B2" fill-opacity="{opacity:.3}" stroke="{}" stroke-width="{}"/>"##,
                html(gold),
                html(pred),
                if agree { "#000" } else { "#bbb" },
                if agree { 2 } else { 1 }
            );
            if n > 0 {
                let _ = write!(
                    svg,
                    r#"<text class="count{}" x="{}" y="{}" text-anchor="middle">{n}</text>"#,
                    if opacity > 0.55 { " light" } else { "" },
                    x + cell_w / 2.0,
                    y + cell_h / 2.0 + 4.0
                );
            }
            svg.push_str("</g>");
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confusion(cells: &[(&str, &str, u64)]) -> BTreeMap<String, BTreeMap<String, u64>> {
        let mut table: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (gold, pred, n) in cells {
            table.entry(gold.to_string()).or_default().insert(pred.to_string(), *n);
        }
        table
    }

    fn layer() -> LayerReport {
        use crate::model::Span;
        let span = |start, end, label: &str| Span::new("a", start, end, label);
        let gold = [span(0, 5, "PER"), span(6, 9, "LOC")];
        let pred = [span(0, 5, "PER"), span(6, 9, "<ORG>")];
        let score = crate::score::evaluate::score_layer("ner", &["a".to_string()], &gold, &pred);
        LayerReport::new(&score, &BTreeMap::new(), 0, 0)
    }

    #[test]
    fn bars_are_as_long_as_their_figures_and_labelled_with_them() {
        let svg = label_bars(&layer(), "x & y");
        assert!(svg.starts_with("<svg class=\"bars\"") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>x &amp; y</title>"));
        // PER: P = R = F1 = 1 → full bars of 300; LOC and <ORG>: 0 → the minimal sliver.
        assert_eq!(svg.matches("width=\"300.0\"").count(), 3);
        assert_eq!(svg.matches("width=\"0.5\"").count(), 6);
        assert!(svg.contains(">&lt;ORG&gt;</text>") && svg.contains(">1.000</text>"));
    }

    #[test]
    fn the_heat_map_outlines_agreement_and_counts_every_cell() {
        let svg = confusion_map(&layer(), "confusion");
        assert!(svg.contains("<title>gold PER, predicted PER: 1</title>"));
        assert!(svg.contains("<title>gold LOC, predicted &lt;ORG&gt;: 1</title>"));
        assert_eq!(svg.matches("stroke=\"#000\"").count(), 1, "only PER/PER agrees");
        assert!(confusion_map(&LayerReport { confusion: BTreeMap::new(), ..layer() }, "none").is_empty());
    }

    #[test]
    fn missed_and_spurious_come_last() {
        let table = confusion(&[("LOC", "LOC", 3), ("LOC", "(missed)", 1), ("(spurious)", "ORG", 2), ("PER", "LOC", 1)]);
        let (rows, columns) = axes(&table);
        assert_eq!(rows, ["LOC", "PER", "(spurious)"]);
        assert_eq!(columns, ["LOC", "ORG", "(missed)"]);
    }
}
