//! Reports: the data of an evaluation run (`report.json`, `schema_version` 1, documented in
//! `docs/report-schema.md`) and its renderings — Markdown, the HTML page with its error browser,
//! and the terminal summary. Renderers return strings, or write into a writer the CLI hands
//! them when the output is large (report.json, report.html, outcomes.jsonl); only the CLI opens
//! files.

pub mod html;
pub mod json;
mod layer;
pub mod markdown;
pub mod merge;
pub mod tables;
pub mod terminal;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{ArticleWarning, Failure};
pub use layer::{AttributeReport, Average, LayerReport, SliceReport, SCHEME_ORDER, STRICT_ATTRS};

/// The version of report.json's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// One evaluation run: a dataset, and each extractor's results on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema_version: u32,
    pub mizan_version: String,
    /// When the run finished, RFC 3339 in UTC.
    pub created: String,
    /// The commit checked out in the working directory, when it is a git checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    pub dataset: DatasetInfo,
    /// Set on a partial report (`mizan run --shard K/N`): which share of the articles it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// Set when the run scored on normalised texts (`mizan run --normalize PROFILE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalization: Option<NormalizationInfo>,
    pub extractors: BTreeMap<String, ExtractorReport>,
}

/// How a run normalised the texts it scored on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalizationInfo {
    /// `light`, `search` or `full`.
    pub profile: String,
    /// Gold spans the normalisation erased or changed: left out of scoring.
    pub gold_spans_lost: u64,
    /// The first of them (at most 20), each with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gold_lost: Vec<crate::model::ArticleWarning>,
}

/// Share `index` (1-based) of `count`: the articles whose id hashes to it (`run::in_shard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetInfo {
    pub name: String,
    /// Hash of every article (id, text, metadata) and gold span: equal fingerprints mean the
    /// same data.
    pub fingerprint: String,
    pub articles: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractorReport {
    pub kind: String,
    pub version: String,
    /// Hash of the version and parameters.
    pub config_hash: String,
    /// Layer → scores against that layer's gold.
    pub layers: BTreeMap<String, LayerReport>,
    /// Layers the extractor produces that the dataset has no gold for (not scored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unscored_layers: Vec<String>,
    /// Articles it failed on; their gold counts as missed.
    pub errors: Vec<Failure>,
    /// What its answers held that was ignored (unknown fields), per article; the spans were
    /// kept. Absent when there is nothing to say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ArticleWarning>,
    pub timing: Timing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub seconds: f64,
    pub articles: u64,
    /// Articles answered from the prediction cache.
    pub cached: u64,
    pub articles_per_second: f64,
}

/// A scheme's counts and figures as table cells — correct, incorrect, partial, missed,
/// spurious, precision, recall, F1 — with `figure` writing the figures: the terminal and
/// Markdown tables both show them so.
pub(crate) fn count_cells(m: &crate::score::Metrics, figure: impl Fn(f64) -> String) -> Vec<String> {
    let counts = [m.correct, m.incorrect, m.partial, m.missed, m.spurious].map(|n| n.to_string());
    counts.into_iter().chain([figure(m.precision), figure(m.recall), figure(m.f1)]).collect()
}

/// A scheme's gold and predicted sizes and its figures as table cells — gold, predicted,
/// precision, recall, F1 — for per-label and per-slice rows.
pub(crate) fn size_cells(m: &crate::score::Metrics, figure: impl Fn(f64) -> String) -> Vec<String> {
    vec![m.possible.to_string(), m.actual.to_string(), figure(m.precision), figure(m.recall), figure(m.f1)]
}

/// The current time as RFC 3339 UTC (`2026-11-29T02:16:23Z`), without a date library.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_786), (2026, 11, 29));
        assert_eq!(now_rfc3339().len(), 20);
    }
}
