//! The history page (`mizan history --html FILE`): per dataset, extractor and layer, a line
//! chart of strict, exact, partial and type F1 over versions, in inline SVG, with the same
//! figures as a table beneath. No script: each point's `<title>` names its version, commit and
//! value, and each scheme has its own colour, dash and marker so that no line is told by
//! colour alone.

use std::fmt::Write;

use crate::compare::history::{History, Series, SCHEMES};
use crate::report::html::escape::{bdi, html};
use crate::report::html::page::{document, Page};

/// Colour, dash pattern and marker per scheme (Okabe–Ito colours).
const LINES: [(&str, &str, &str); 4] =
    [("#0072B2", "", "circle"), ("#E69F00", "6 3", "square"), ("#009E73", "2 3", "diamond"), ("#CC79A7", "8 3 2 3", "triangle")];

const STYLE: &str = "figure.history svg { max-width: 100%; height: auto; }\nsvg text.tick { fill: var(--muted); }\n";

fn short_commit(commit: Option<&str>) -> String {
    commit.map_or("unknown".to_string(), |c| c.chars().take(7).collect())
}

/// The F1 range shown: from a little below the lowest point to a little above the highest, in
/// steps of 0.05, so that small moves are visible.
fn range(series: &Series) -> (f64, f64) {
    let values: Vec<f64> = series.points.iter().flat_map(|p| p.f1.values().copied()).collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    let low = ((low - 0.02) * 20.0).floor() / 20.0;
    let high = ((high + 0.02) * 20.0).ceil() / 20.0;
    (low.max(0.0), high.min(1.0).max(low.max(0.0) + 0.05))
}

fn marker(shape: &str, x: f64, y: f64, colour: &str) -> String {
    match shape {
        "square" => format!("<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"{colour}\"/>", x - 3.5, y - 3.5),
        "diamond" => format!("<path d=\"M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z\" fill=\"{colour}\"/>", y - 5.0, x + 5.0, y + 5.0, x - 5.0),
        "triangle" => format!("<path d=\"M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"{colour}\"/>", y - 5.0, x + 4.5, y + 3.5, x - 4.5, y + 3.5),
        _ => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.8\" fill=\"{colour}\"/>"),
    }
}

/// One series as a line chart.
pub(crate) fn chart(history: &History, series: &Series) -> String {
    // Room on both sides for the first and last versions' labels, centred under their points.
    let (width, height, left, right, top, bottom) = (760.0, 280.0, 60.0, 56.0, 30.0, 54.0);
    let (low, high) = range(series);
    let n = series.points.len();
    let x = |k: usize| if n <= 1 { left + (width - left - right) / 2.0 } else { left + (width - left - right) * k as f64 / (n - 1) as f64 };
    let y = |v: f64| top + (height - top - bottom) * (1.0 - (v - low) / (high - low));
    let caption = format!("{} on {} ({}): F1 over versions", series.extractor, series.layer, series.dataset);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"history\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        html(&caption),
        html(&caption)
    );
    let steps = ((high - low) / 0.05).round().max(1.0) as usize;
    let every = steps.div_ceil(8);
    for i in (0..=steps).step_by(every) {
        let v = low + (high - low) * i as f64 / steps as f64;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\" stroke=\"#e3e3e3\"/><text class=\"tick\" x=\"{2}\" y=\"{3:.1}\" text-anchor=\"end\">{v:.2}</text>",
            y(v),
            width - right,
            left - 6.0,
            y(v) + 4.0
        );
    }
    for (k, point) in series.points.iter().enumerate() {
        let version = &history.versions[point.version];
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{0:.1}\" y=\"{1}\" text-anchor=\"middle\">#{2} {3}</text><text class=\"tick\" x=\"{0:.1}\" y=\"{4}\" text-anchor=\"middle\">{5}</text>",
            x(k),
            height - bottom + 18.0,
            point.version + 1,
            html(&version.created.chars().take(10).collect::<String>()),
            height - bottom + 32.0,
            html(&short_commit(version.git_commit.as_deref()))
        );
        if point.data_changed {
            let _ = write!(
                svg,
                "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{1}\" stroke=\"#8a3500\" stroke-dasharray=\"3 3\"/><text x=\"{0:.1}\" y=\"{2}\" text-anchor=\"middle\" fill=\"#8a3500\">data changed</text>",
                x(k),
                height - bottom,
                top - 6.0
            );
        }
    }
    for (s, scheme) in SCHEMES.iter().enumerate() {
        let (colour, dash, shape) = LINES[s];
        let points: Vec<(usize, f64)> = series.points.iter().enumerate().filter_map(|(k, p)| Some((k, *p.f1.get(*scheme)?))).collect();
        let path: Vec<String> = points.iter().map(|&(k, v)| format!("{:.1},{:.1}", x(k), y(v))).collect();
        let _ = write!(svg, "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>", path.join(" "));
        for &(k, v) in &points {
            let point = &series.points[k];
            let version = &history.versions[point.version];
            let _ = write!(
                svg,
                "<g><title>{scheme} F1 {v:.4} — #{} {} commit {}, version {}</title>{}</g>",
                point.version + 1,
                html(&version.created),
                html(&short_commit(version.git_commit.as_deref())),
                html(&point.extractor_version),
                marker(shape, x(k), y(v), colour)
            );
        }
        let lx = left + 10.0 + s as f64 * 110.0;
        let _ = write!(
            svg,
            "<line x1=\"{lx}\" y1=\"12\" x2=\"{}\" y2=\"12\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>{}<text x=\"{}\" y=\"16\">{scheme}</text>",
            lx + 28.0,
            marker(shape, lx + 14.0, 12.0, colour),
            lx + 34.0
        );
    }
    svg.push_str("</svg>");
    svg
}

fn table(history: &History, series: &Series) -> String {
    let mut out = String::from("<table class=\"small\"><thead><tr><th>#</th><th>created</th><th>commit</th><th>report</th><th>version</th>");
    for scheme in SCHEMES {
        let _ = write!(out, "<th>{scheme} F1</th>");
    }
    let changes = series.points.iter().any(|p| p.data_changed);
    out.push_str(if changes { "<th>data</th></tr></thead><tbody>" } else { "</tr></thead><tbody>" });
    for point in &series.points {
        let v = &history.versions[point.version];
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>",
            point.version + 1,
            html(&v.created),
            html(&short_commit(v.git_commit.as_deref())),
            bdi(&v.path),
            bdi(&point.extractor_version)
        );
        for scheme in SCHEMES {
            let _ = write!(out, "<td>{}</td>", point.f1.get(scheme).map_or("—".to_string(), |f| format!("{f:.4}")));
        }
        if changes {
            out.push_str(if point.data_changed { "<td>changed</td>" } else { "<td></td>" });
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The whole page.
pub fn render(history: &History) -> String {
    let title = "mizan history";
    let header = format!("<h1>mizan history</h1><p>{} versions, oldest first.</p>", history.versions.len());
    let mut main = String::from("<section id=\"history\"><h2>F1 over versions</h2>");
    if history.series.is_empty() {
        main.push_str("<p>No scored layer in these reports.</p>");
    }
    for series in &history.series {
        let _ = write!(
            main,
            "<section class=\"layer\"><h3>{} on {} <small>(dataset {})</small></h3><figure class=\"history\">{}</figure>{}</section>",
            bdi(&series.extractor),
            bdi(&series.layer),
            bdi(&series.dataset),
            chart(history, series),
            table(history, series)
        );
    }
    main.push_str("</section>\n");
    document(&Page { title, generator: env!("CARGO_PKG_VERSION"), style: STYLE, header: &header, main: &main, data: "", script: "" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::history::{Point, Version};
    use crate::report::DatasetInfo;

    fn history(values: &[f64]) -> History {
        let version = |k: usize| Version {
            path: format!("r<{k}>"),
            created: format!("2026-11-{:02}T00:00:00Z", k + 1),
            git_commit: Some("abcdef0123".into()),
            mizan_version: "0.1.0".into(),
            dataset: DatasetInfo { name: "d".into(), fingerprint: "f".into(), articles: 1 },
        };
        let points = values
            .iter()
            .enumerate()
            .map(|(k, &v)| Point {
                version: k,
                extractor_version: "1".into(),
                config_hash: "h".into(),
                f1: SCHEMES.iter().map(|s| (s.to_string(), v)).collect(),
                data_changed: k == 2,
            })
            .collect();
        History {
            versions: (0..values.len()).map(version).collect(),
            series: vec![Series { dataset: "d".into(), extractor: "x".into(), layer: "ner".into(), points }],
        }
    }

    #[test]
    fn the_chart_has_a_line_and_a_titled_point_per_scheme_and_version() {
        let h = history(&[0.8, 0.85, 0.9]);
        let svg = chart(&h, &h.series[0]);
        assert_eq!(svg.matches("<polyline").count(), 4);
        assert_eq!(svg.matches("<g><title>").count(), 12);
        assert!(svg.contains("<title>strict F1 0.8500 — #2 2026-11-02T00:00:00Z commit abcdef0, version 1</title>"), "{svg}");
        assert!(svg.contains("data changed"));
        assert_eq!(range(&h.series[0]), (0.75, 0.95));
        let page = render(&h);
        assert!(page.contains("<bdi>r&lt;1&gt;</bdi>") && !page.contains("<script"));
        assert!(page.contains("script-src 'none'"));
    }

    #[test]
    fn one_version_is_drawn_in_the_middle() {
        let h = history(&[1.0]);
        let svg = chart(&h, &h.series[0]);
        assert!(svg.contains("cx=\"382.0\""), "{svg}");
        assert_eq!(range(&h.series[0]), (0.95, 1.0));
    }
}
