//! The terminal summary of a run: per layer, one row per extractor with strict precision,
//! recall and F1 and the F1 of the other schemes.

use std::collections::BTreeSet;

use crate::report::Report;

/// Left-aligns the first `left` columns and right-aligns the rest.
pub fn align(rows: &[Vec<String>], left: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..columns).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, text)| {
                let pad = " ".repeat(widths[c].saturating_sub(text.chars().count()));
                if c < left { format!("{text}{pad}") } else { format!("{pad}{text}") }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The summary tables, with `digits` decimals.
pub fn render(report: &Report, digits: usize) -> String {
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
                scores.confidence.as_ref().map_or("-".into(), |c| format!("[{}, {}]", figure(c.f1[0]), figure(c.f1[1]))),
                f1("exact"),
                f1("partial"),
                f1("type"),
                extractor.errors.len().to_string(),
            ]);
        }
        out.push_str(&align(&rows, 2));
        out.push('\n');
    }
    out
}
