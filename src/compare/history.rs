//! F1 over versions: several reports of the same runs (committed baselines, or reports kept
//! from earlier commits) ordered by when they were created, one series per dataset, extractor
//! and layer. Where a series' dataset fingerprint changes between two versions the point is
//! marked, since a move in F1 there may come from the data rather than the extractor.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::compare::source::Source;
use crate::fingerprint::fingerprint_definition;
use crate::report::terminal::align;
use crate::report::DatasetInfo;

/// The schemes a history follows.
pub const SCHEMES: [&str; 4] = ["strict", "exact", "partial", "type"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// The reports, oldest first.
    pub versions: Vec<Version>,
    /// One per dataset, extractor and layer, sorted by those names.
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Version {
    pub path: String,
    pub created: String,
    pub git_commit: Option<String>,
    pub mizan_version: String,
    pub dataset: DatasetInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub dataset: String,
    pub extractor: String,
    pub layer: String,
    /// In version order.
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// Index into [`History::versions`].
    pub version: usize,
    /// The extractor's own version and configuration in that report.
    pub extractor_version: String,
    pub config_hash: String,
    /// Scheme → F1.
    pub f1: BTreeMap<String, f64>,
    /// The dataset's fingerprint differs from the series' previous point (both of one
    /// definition: across mizan 0.2.0 the fingerprints tell nothing).
    pub data_changed: bool,
}

/// The history of the given reports. Reports created at the same moment keep the order given.
pub fn history(sources: &[Source]) -> History {
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by(|&a, &b| sources[a].report.created.cmp(&sources[b].report.created));
    let versions: Vec<Version> = order
        .iter()
        .map(|&k| {
            let r = &sources[k].report;
            Version {
                path: sources[k].name.clone(),
                created: r.created.clone(),
                git_commit: r.git_commit.clone(),
                mizan_version: r.mizan_version.clone(),
                dataset: r.dataset.clone(),
            }
        })
        .collect();
    // (dataset, extractor, layer) → the points so far, and the fingerprint of the last one with
    // its definition (fingerprints of two definitions tell nothing about each other).
    type Key = (String, String, String);
    type Last = Option<(String, u8)>;
    let mut series: BTreeMap<Key, (Vec<Point>, Last)> = BTreeMap::new();
    for (v, &k) in order.iter().enumerate() {
        let report = &sources[k].report;
        for (name, extractor) in &report.extractors {
            for (layer, scores) in &extractor.layers {
                let key = (report.dataset.name.clone(), name.clone(), layer.clone());
                let (points, fingerprint) = series.entry(key).or_default();
                let current = (report.dataset.fingerprint.clone(), fingerprint_definition(&report.mizan_version));
                let data_changed = fingerprint.as_ref().is_some_and(|(f, definition)| *definition == current.1 && *f != current.0);
                *fingerprint = Some(current);
                points.push(Point {
                    version: v,
                    extractor_version: extractor.version.clone(),
                    config_hash: extractor.config_hash.clone(),
                    f1: SCHEMES.iter().filter_map(|&s| Some((s.to_string(), scores.overall.get(s)?.f1))).collect(),
                    data_changed,
                });
            }
        }
    }
    let series = series.into_iter().map(|((dataset, extractor, layer), (points, _))| Series { dataset, extractor, layer, points }).collect();
    History { versions, series }
}

/// One table per series, a row per version.
pub fn render(history: &History) -> String {
    let mut out = String::new();
    for (k, v) in history.versions.iter().enumerate() {
        let commit = v.git_commit.as_deref().map_or("unknown".to_string(), |c| c.chars().take(10).collect());
        let _ = writeln!(out, "{}: {}  (created {}, commit {}, dataset {})", k + 1, v.path, v.created, commit, v.dataset.name);
    }
    for s in &history.series {
        let _ = writeln!(out, "\n{} on {} (dataset {})", s.extractor, s.layer, s.dataset);
        let mut rows =
            vec![["#", "created", "commit", "version"].iter().map(|c| c.to_string()).chain(SCHEMES.iter().map(|s| format!("{s} F1"))).collect::<Vec<_>>()];
        for p in &s.points {
            let v = &history.versions[p.version];
            let mut row = vec![
                (p.version + 1).to_string(),
                v.created.clone(),
                v.git_commit.as_deref().map_or("unknown".to_string(), |c| c.chars().take(10).collect()),
                p.extractor_version.clone(),
            ];
            row.extend(SCHEMES.iter().map(|s| p.f1.get(*s).map_or("-".to_string(), |f| format!("{f:.4}"))));
            if p.data_changed {
                row.push("data changed".into());
            }
            rows.push(row);
        }
        out.push_str(&align(&rows, 4));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ExtractorReport, LayerReport, Report, Timing};
    use crate::score::evaluate::score_layer;

    fn source(name: &str, created: &str, fingerprint: &str, found: usize) -> Source {
        use crate::model::Span;
        let span = |start| Span::new("a", start, start + 1, "PER");
        let gold: Vec<Span> = (0..4).map(|k| span(2 * k)).collect();
        let layer = LayerReport::new(&score_layer("ner", &["a".to_string()], &gold, &gold[..found]), &BTreeMap::new(), 0, 0);
        let extractor = ExtractorReport {
            kind: "gazetteer".into(),
            version: "1".into(),
            config_hash: "h".into(),
            layers: [("ner".to_string(), layer)].into(),
            unscored_layers: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            timing: Timing { seconds: 0.0, articles: 1, cached: 0, articles_per_second: 0.0 },
        };
        let report = Report {
            schema_version: 1,
            mizan_version: "0.1.0".into(),
            created: created.into(),
            git_commit: Some(format!("{name}commit")),
            dataset: DatasetInfo { name: "d".into(), fingerprint: fingerprint.into(), articles: 1 },
            shard: None,
            normalization: None,
            extractors: [("x".to_string(), extractor)].into(),
        };
        Source { name: name.into(), report, outcomes: None }
    }

    #[test]
    fn versions_are_ordered_by_creation_and_data_changes_marked() {
        let sources = [
            source("late", "2026-12-01T00:00:00Z", "f2", 4),
            source("early", "2026-11-01T00:00:00Z", "f1", 2),
            source("middle", "2026-11-15T00:00:00Z", "f1", 3),
        ];
        let h = history(&sources);
        assert_eq!(h.versions.iter().map(|v| v.path.as_str()).collect::<Vec<_>>(), ["early", "middle", "late"]);
        assert_eq!(h.series.len(), 1);
        let strict: Vec<f64> = h.series[0].points.iter().map(|p| p.f1["strict"]).collect();
        assert_eq!(strict, [2.0 / 3.0, 6.0 / 7.0, 1.0]);
        assert_eq!(h.series[0].points.iter().map(|p| p.data_changed).collect::<Vec<_>>(), [false, false, true]);
        let table = render(&h);
        assert!(table.find("early").unwrap() < table.find("late").unwrap());
        assert!(table.contains("3  2026-12-01T00:00:00Z  latecommit  1           1.0000") && table.contains("1.0000  data changed"), "{table}");
    }
}
