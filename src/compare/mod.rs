//! Comparing reports across versions: `Report × Report … → Comparison`. For every extractor
//! (matched by name) and layer, each report's figures and their difference to the first
//! report, the significance of each F1 difference over articles ([`significance`]), and the
//! articles whose outcomes changed ([`changes`]); then the regression gate ([`gate`]) and the
//! history of F1 over versions ([`history`]). Reports on different datasets are refused unless
//! the caller allows it, since their differences would mix a change of extractor with a change
//! of data. The JSON shape of a [`Comparison`] is documented in `docs/compare.md`.

pub mod changes;
pub mod deltas;
pub mod gate;
pub mod history;
pub mod html;
pub mod significance;
pub mod source;
pub mod terminal;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::fingerprint::fingerprint_definition;
use crate::report::{DatasetInfo, Report};
pub use changes::{ChangeKind, ChangedArticle, SpanChange};
pub use deltas::{Delta, Figures, LabelRows, SchemeRow};
pub use gate::{Gate, Regression};
pub use significance::{Significance, TestSettings};
pub use source::{Source, SourceError};

/// How to compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub tests: TestSettings,
    /// A difference is significant when its p-value is below this.
    pub alpha: f64,
    /// Compare reports whose datasets differ, over the articles they share.
    pub allow_dataset_change: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { tests: TestSettings::default(), alpha: 0.05, allow_dataset_change: false }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("{first} and {other} are on different datasets ({}); compare reports on the same data, or pass --allow-dataset-change to compare over the articles they share", differences.join("; "))]
    DatasetChanged { first: String, other: String, differences: Vec<String> },
    #[error("a comparison needs at least two reports")]
    TooFew,
}

/// Everything a comparison found; the terminal, `--json` and the HTML page render it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub settings: Settings,
    /// The reports, first (the baseline) first.
    pub reports: Vec<ReportInfo>,
    pub dataset: DatasetCheck,
    pub extractors: Vec<ExtractorComparison>,
    /// Extractors and layers that some reports lack.
    pub only_in: Vec<Presence>,
    /// The regression gate's verdict, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub trials: usize,
    pub resamples: usize,
    pub seed: u64,
    pub alpha: f64,
    pub level: f64,
}

/// What identifies one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportInfo {
    /// The folder or file as given.
    pub path: String,
    pub created: String,
    pub git_commit: Option<String>,
    pub mizan_version: String,
    pub dataset: DatasetInfo,
    /// Whether the report came with outcomes.jsonl (needed for changed articles).
    pub outcomes: bool,
}

/// Whether every report is on the first one's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetCheck {
    pub same: bool,
    /// What differs from the first report (names, fingerprints, article counts), one entry
    /// per difference, naming the report.
    pub differences: Vec<String>,
    /// Reports whose fingerprint could not be compared with the first's, being of another
    /// definition (one written by mizan before 0.2.0, one after): only the name and the article
    /// count were checked.
    pub unchecked: Vec<String>,
}

/// One extractor across the reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractorComparison {
    pub name: String,
    /// Per report: the extractor's version and configuration, or null where it is absent.
    pub versions: Vec<Option<VersionInfo>>,
    /// The layers the first report scored and at least one other report did too.
    pub layers: Vec<LayerComparison>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionInfo {
    pub kind: String,
    pub version: String,
    pub config_hash: String,
    /// Articles it failed on.
    pub failed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerComparison {
    pub layer: String,
    pub overall: Vec<SchemeRow>,
    pub per_label: Vec<LabelRows>,
    /// Per later report (index 1, 2, …): its changed articles against the first.
    pub changed: Vec<ChangedSet>,
}

impl LayerComparison {
    /// The overall row of a scheme.
    pub fn scheme(&self, name: &str) -> Option<&SchemeRow> {
        self.overall.iter().find(|r| r.scheme == name)
    }
}

/// The changed articles between the first report and one other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedSet {
    /// The other report's index.
    pub report: usize,
    /// False when either report came without outcomes.jsonl.
    pub available: bool,
    pub fixed: usize,
    pub regressed: usize,
    pub other: usize,
    /// Every changed article, most changes first.
    pub articles: Vec<ChangedArticle>,
}

/// An extractor, or one of its layers, that not every report has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Presence {
    pub extractor: String,
    /// Null: the whole extractor.
    pub layer: Option<String>,
    /// Indexes of the reports that have it.
    pub reports: Vec<usize>,
}

/// What differs between two reports' datasets; empty when they are the same. The fingerprints
/// are compared when `fingerprints` (they have the same definition).
pub fn dataset_differences(first: &DatasetInfo, other: &DatasetInfo, fingerprints: bool) -> Vec<String> {
    let mut out = Vec::new();
    if first.name != other.name {
        out.push(format!("name {} → {}", first.name, other.name));
    }
    if fingerprints && first.fingerprint != other.fingerprint {
        out.push(format!("fingerprint {} → {}", first.fingerprint, other.fingerprint));
    }
    if first.articles != other.articles {
        out.push(format!("articles {} → {}", first.articles, other.articles));
    }
    out
}

/// Compares every report with the first.
pub fn compare(sources: &[Source], options: &Options) -> Result<Comparison, CompareError> {
    let first = sources.first().ok_or(CompareError::TooFew)?;
    if sources.len() < 2 {
        return Err(CompareError::TooFew);
    }
    let (mut differences, mut unchecked) = (Vec::new(), Vec::new());
    for other in &sources[1..] {
        let (a, b) = (&first.report.mizan_version, &other.report.mizan_version);
        let comparable = fingerprint_definition(a) == fingerprint_definition(b);
        if !comparable {
            unchecked.push(format!("{}: fingerprint not compared with {}'s (mizan {b} and {a} define it differently)", other.name, first.name));
        }
        let found = dataset_differences(&first.report.dataset, &other.report.dataset, comparable);
        if !found.is_empty() && !options.allow_dataset_change {
            return Err(CompareError::DatasetChanged { first: first.name.clone(), other: other.name.clone(), differences: found });
        }
        differences.extend(found.into_iter().map(|d| format!("{}: {d}", other.name)));
    }
    let reports: Vec<&Report> = sources.iter().map(|s| &s.report).collect();
    let names: BTreeSet<&String> = reports.iter().flat_map(|r| r.extractors.keys()).collect();
    let mut extractors = Vec::new();
    let mut only_in = Vec::new();
    for name in names {
        let present: Vec<usize> = (0..reports.len()).filter(|&k| reports[k].extractors.contains_key(name)).collect();
        if present.len() < reports.len() {
            only_in.push(Presence { extractor: name.clone(), layer: None, reports: present.clone() });
        }
        let versions = reports
            .iter()
            .map(|r| {
                r.extractors.get(name).map(|e| VersionInfo {
                    kind: e.kind.clone(),
                    version: e.version.clone(),
                    config_hash: e.config_hash.clone(),
                    failed: e.errors.len(),
                })
            })
            .collect();
        let layer_names: BTreeSet<&String> = reports.iter().filter_map(|r| r.extractors.get(name)).flat_map(|e| e.layers.keys()).collect();
        let mut layers = Vec::new();
        for layer in layer_names {
            let scored: Vec<_> = reports.iter().map(|r| r.extractors.get(name).and_then(|e| e.layers.get(layer))).collect();
            let have: Vec<usize> = (0..scored.len()).filter(|&k| scored[k].is_some()).collect();
            // An extractor missing as a whole is listed once, not once per layer.
            if have.len() < reports.len() && have != present {
                only_in.push(Presence { extractor: name.clone(), layer: Some(layer.clone()), reports: have.clone() });
            }
            if scored[0].is_none() || have.len() < 2 {
                continue;
            }
            let changed = (1..sources.len()).map(|k| changed_set(&sources[0], &sources[k], k, name, layer, &scored)).collect();
            layers.push(LayerComparison {
                layer: layer.clone(),
                overall: deltas::overall_rows(&scored, options.tests, options.alpha),
                per_label: deltas::label_rows(&scored),
                changed,
            });
        }
        extractors.push(ExtractorComparison { name: name.clone(), versions, layers });
    }
    Ok(Comparison {
        settings: Settings {
            trials: options.tests.trials,
            resamples: options.tests.resamples,
            seed: options.tests.seed,
            alpha: options.alpha,
            level: significance::LEVEL,
        },
        reports: sources
            .iter()
            .map(|s| ReportInfo {
                path: s.name.clone(),
                created: s.report.created.clone(),
                git_commit: s.report.git_commit.clone(),
                mizan_version: s.report.mizan_version.clone(),
                dataset: s.report.dataset.clone(),
                outcomes: s.outcomes.is_some(),
            })
            .collect(),
        dataset: DatasetCheck { same: differences.is_empty(), differences, unchecked },
        extractors,
        only_in,
        gate: None,
    })
}

/// The changed articles of one extractor and layer between the first report and report `k`,
/// over the articles both scored.
fn changed_set(first: &Source, other: &Source, k: usize, extractor: &str, layer: &str, scored: &[Option<&crate::report::LayerReport>]) -> ChangedSet {
    let (Some(before), Some(after)) = (&first.outcomes, &other.outcomes) else {
        return ChangedSet { report: k, available: false, fixed: 0, regressed: 0, other: 0, articles: Vec::new() };
    };
    let shared: Option<BTreeSet<String>> = match (scored[0], scored[k]) {
        (Some(a), Some(b)) if a.per_article.keys().ne(b.per_article.keys()) => {
            Some(a.per_article.keys().filter(|id| b.per_article.contains_key(*id)).cloned().collect())
        }
        _ => None,
    };
    let empty = BTreeMap::new();
    let articles = changes::changed_articles(layer_records(before, extractor, layer, &empty), layer_records(after, extractor, layer, &empty), shared.as_ref());
    ChangedSet {
        report: k,
        available: true,
        fixed: articles.iter().map(|a| a.fixed).sum(),
        regressed: articles.iter().map(|a| a.regressed).sum(),
        other: articles.iter().map(|a| a.other).sum(),
        articles,
    }
}

/// One extractor and layer of an outcomes file (nothing when it has none).
fn layer_records<'a>(outcomes: &'a source::Outcomes, extractor: &str, layer: &str, empty: &'a changes::ArticleRecords) -> &'a changes::ArticleRecords {
    outcomes.get(extractor).and_then(|l| l.get(layer)).unwrap_or(empty)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Span;
    use crate::report::{ExtractorReport, LayerReport, Timing};
    use crate::score::evaluate::score_layer;

    /// A report of `extractors` (name → layer → gold spans found of four) on a one-article
    /// dataset, with the records of an outcomes file.
    pub(crate) fn source(name: &str, fingerprint: &str, extractors: &[(&str, &[(&str, usize)])]) -> Source {
        let text_spans = |layer: &str| -> Vec<Span> { (0..4).map(|k| Span::new("a<1>", 3 * k, 3 * k + 2, "P<ER>").with_layer(layer)).collect() };
        let mut outcomes = source::Outcomes::new();
        let mut reports = BTreeMap::new();
        for (extractor, layers) in extractors {
            let mut scored = BTreeMap::new();
            for (layer, found) in *layers {
                let gold = text_spans(layer);
                let score = score_layer(layer, &["a<1>".to_string()], &gold, &gold[..*found]);
                for o in &score.outcomes {
                    let span = |m: &Option<crate::score::scheme::Mention>| {
                        m.as_ref().map(|m| source::SpanRef { start: m.start, end: m.end, label: m.label.clone(), attrs: m.attrs.clone() })
                    };
                    let record = source::OutcomeRecord {
                        extractor: extractor.to_string(),
                        layer: layer.to_string(),
                        article_id: o.article_id.clone(),
                        outcome: o.outcome,
                        gold: span(&o.gold),
                        pred: span(&o.pred),
                    };
                    outcomes
                        .entry(extractor.to_string())
                        .or_default()
                        .entry(layer.to_string())
                        .or_default()
                        .entry(o.article_id.clone())
                        .or_default()
                        .push(record);
                }
                scored.insert(layer.to_string(), LayerReport::new(&score, &BTreeMap::new(), 0, 0));
            }
            let report = ExtractorReport {
                kind: "command".into(),
                version: "<v>".into(),
                config_hash: "0123456789abcdef".into(),
                layers: scored,
                unscored_layers: Vec::new(),
                errors: Vec::new(),
                warnings: Vec::new(),
                timing: Timing { seconds: 0.0, articles: 1, cached: 0, articles_per_second: 0.0 },
            };
            reports.insert(extractor.to_string(), report);
        }
        let report = Report {
            schema_version: 1,
            mizan_version: "0.1.0".into(),
            created: "2026-11-29T00:00:00Z".into(),
            git_commit: None,
            dataset: DatasetInfo { name: "d".into(), fingerprint: fingerprint.into(), articles: 1 },
            shard: None,
            normalization: None,
            extractors: reports,
        };
        Source { name: name.into(), report, outcomes: Some(outcomes) }
    }

    const QUICK: Options = Options { tests: TestSettings { trials: 99, resamples: 20, seed: 1 }, alpha: 0.05, allow_dataset_change: false };

    #[test]
    fn dataset_differences_name_what_differs() {
        let info = |name: &str, fingerprint: &str, articles| DatasetInfo { name: name.into(), fingerprint: fingerprint.into(), articles };
        let cases = [
            (info("d", "f", 1), Vec::<&str>::new()),
            (info("e", "f", 1), vec!["name d → e"]),
            (info("d", "g", 2), vec!["fingerprint f → g", "articles 1 → 2"]),
        ];
        for (other, expected) in cases {
            assert_eq!(dataset_differences(&info("d", "f", 1), &other, true), expected);
        }
        assert_eq!(dataset_differences(&info("d", "f", 1), &info("d", "g", 2), false), vec!["articles 1 → 2"]);
    }

    #[test]
    fn fingerprints_of_two_definitions_are_not_compared() {
        let a = source("a", "f1", &[("x", &[("ner", 4)])]);
        let mut b = source("b", "f2", &[("x", &[("ner", 2)])]);
        b.report.mizan_version = "0.2.0".into();
        let comparison = compare(&[a.clone(), b.clone()], &QUICK).unwrap();
        assert!(comparison.dataset.same);
        assert_eq!(comparison.dataset.unchecked, vec!["b: fingerprint not compared with a's (mizan 0.2.0 and 0.1.0 define it differently)".to_string()]);
        let rendered = terminal::render(&comparison, 3, &terminal::Texts::default());
        assert!(rendered.contains("b: fingerprint not compared"), "{rendered}");
        // Of the same definition, they are compared again.
        b.report.mizan_version = "0.1.0".into();
        assert!(compare(&[a, b], &QUICK).is_err());
    }

    #[test]
    fn different_datasets_are_refused_unless_allowed() {
        let a = source("a", "f1", &[("x", &[("ner", 4)])]);
        let b = source("b", "f2", &[("x", &[("ner", 2)])]);
        let error = compare(&[a.clone(), b.clone()], &QUICK).unwrap_err().to_string();
        assert!(error.starts_with("a and b are on different datasets (fingerprint f1 → f2)"), "{error}");
        let allowed = compare(&[a.clone(), b], &Options { allow_dataset_change: true, ..QUICK }).unwrap();
        assert_eq!((allowed.dataset.same, allowed.dataset.differences.clone()), (false, vec!["b: fingerprint f1 → f2".to_string()]));
        assert!(matches!(compare(&[a], &QUICK), Err(CompareError::TooFew)));
    }

    #[test]
    fn extractors_and_layers_on_some_sides_only_are_listed_once() {
        let a = source("a", "f", &[("x", &[("ner", 4), ("quote", 4)]), ("gone", &[("ner", 4)])]);
        let b = source("b", "f", &[("x", &[("ner", 3)]), ("new", &[("ner", 4), ("quote", 1)])]);
        let c = compare(&[a, b], &QUICK).unwrap();
        let listed: Vec<(&str, Option<&str>, Vec<usize>)> = c.only_in.iter().map(|p| (p.extractor.as_str(), p.layer.as_deref(), p.reports.clone())).collect();
        assert_eq!(listed, [("gone", None, vec![0]), ("new", None, vec![1]), ("x", Some("quote"), vec![0])]);
        // Only x/ner is on both sides; x/quote is in A alone, so not compared.
        let compared: Vec<(&str, Vec<&str>)> = c.extractors.iter().map(|e| (e.name.as_str(), e.layers.iter().map(|l| l.layer.as_str()).collect())).collect();
        assert_eq!(compared, [("gone", vec![]), ("new", vec![]), ("x", vec!["ner"])]);
        let ner = &c.extractors[2].layers[0];
        assert_eq!(ner.scheme("strict").unwrap().delta(1).unwrap().recall, -0.25);
        assert_eq!((ner.changed[0].regressed, ner.changed[0].articles.len()), (1, 1));
    }
}
