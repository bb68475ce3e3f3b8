//! Partial reports into the report of the whole run. `mizan run --shard K/N` scores a stable
//! share of the articles; per-article counts are additive, so the N partial reports add up to
//! exactly what one run over every article reports: the same counts and figures, the same
//! per-article counts for significance tests, and bootstrap intervals drawn again from the
//! merged counts (in article-id order, as every report draws them).

use std::collections::{BTreeMap, BTreeSet};

use crate::report::{ExtractorReport, LayerReport, Report, Shard, Timing};

/// Why partial reports cannot be merged.
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error("report {index} is not a partial report (it was not written by `mizan run --shard K/N`)")]
    NotPartial { index: usize },
    #[error("the reports are shards of different splits: {0}")]
    Shards(String),
    #[error("the reports are of different datasets (fingerprints {first} and {other}); rerun every shard on the same data")]
    Dataset { first: String, other: String },
    #[error("extractor `{name}`: {message}")]
    Extractor { name: String, message: String },
}

/// The shards' normalisation: the same profile in every one, gold losses added up.
fn merged_normalization(reports: &[Report]) -> Result<Option<crate::report::NormalizationInfo>, MergeError> {
    let profiles: BTreeSet<Option<&str>> = reports.iter().map(|r| r.normalization.as_ref().map(|n| n.profile.as_str())).collect();
    if profiles.len() > 1 {
        return Err(MergeError::Shards("the shards were scored with different --normalize profiles".into()));
    }
    let Some(first) = reports.first().and_then(|r| r.normalization.clone()) else { return Ok(None) };
    let mut gold_lost: Vec<_> = reports.iter().flat_map(|r| r.normalization.iter().flat_map(|n| n.gold_lost.iter().cloned())).collect();
    gold_lost.sort_by(|a, b| a.article_id.cmp(&b.article_id));
    gold_lost.truncate(20);
    let gold_spans_lost = reports.iter().filter_map(|r| r.normalization.as_ref()).map(|n| n.gold_spans_lost).sum();
    Ok(Some(crate::report::NormalizationInfo { profile: first.profile, gold_spans_lost, gold_lost }))
}

/// Merges every shard `1..=N` of one split, each once, into the whole run's report.
pub fn merge(reports: &[Report], resamples: usize, seed: u64) -> Result<Report, MergeError> {
    let first = reports.first().ok_or(MergeError::Empty)?;
    let shards: Vec<Shard> = reports.iter().enumerate().map(|(i, r)| r.shard.ok_or(MergeError::NotPartial { index: i + 1 })).collect::<Result<_, _>>()?;
    let count = shards[0].count;
    if let Some(other) = shards.iter().find(|s| s.count != count) {
        return Err(MergeError::Shards(format!("one has {count} shards, another {}", other.count)));
    }
    let indices: BTreeSet<u32> = shards.iter().map(|s| s.index).collect();
    if indices.len() != shards.len() {
        return Err(MergeError::Shards("a shard is given twice".into()));
    }
    let missing: Vec<String> = (1..=count).filter(|k| !indices.contains(k)).map(|k| format!("{k}/{count}")).collect();
    if !missing.is_empty() {
        return Err(MergeError::Shards(format!("missing {}", missing.join(", "))));
    }
    if let Some(other) = reports.iter().find(|r| r.dataset.fingerprint != first.dataset.fingerprint) {
        return Err(MergeError::Dataset { first: first.dataset.fingerprint.clone(), other: other.dataset.fingerprint.clone() });
    }

    let mut extractors = BTreeMap::new();
    for (name, head) in &first.extractors {
        let parts: Vec<&ExtractorReport> = reports
            .iter()
            .map(|r| r.extractors.get(name).ok_or_else(|| MergeError::Extractor { name: name.clone(), message: "missing from a partial report".into() }))
            .collect::<Result<_, _>>()?;
        if let Some(other) = parts.iter().find(|p| p.version != head.version || p.config_hash != head.config_hash || p.kind != head.kind) {
            let message = format!("versions differ between shards ({} / {} and {} / {})", head.version, head.config_hash, other.version, other.config_hash);
            return Err(MergeError::Extractor { name: name.clone(), message });
        }
        let layer_names: BTreeSet<&String> = parts.iter().flat_map(|p| p.layers.keys()).collect();
        let mut layers = BTreeMap::new();
        for layer in layer_names {
            let of_layer: Vec<&LayerReport> = parts.iter().filter_map(|p| p.layers.get(layer)).collect();
            let merged = LayerReport::merge(&of_layer, resamples, seed).map_err(|message| MergeError::Extractor { name: name.clone(), message })?;
            layers.insert(layer.clone(), merged);
        }
        let mut unscored_layers: Vec<String> = parts.iter().flat_map(|p| p.unscored_layers.iter().cloned()).collect();
        unscored_layers.sort();
        unscored_layers.dedup();
        let mut errors: Vec<_> = parts.iter().flat_map(|p| p.errors.iter().cloned()).collect();
        errors.sort_by(|a, b| a.article_id.cmp(&b.article_id));
        let mut warnings: Vec<_> = parts.iter().flat_map(|p| p.warnings.iter().cloned()).collect();
        warnings.sort_by(|a, b| a.article_id.cmp(&b.article_id));
        let seconds: f64 = parts.iter().map(|p| p.timing.seconds).sum();
        let articles: u64 = parts.iter().map(|p| p.timing.articles).sum();
        let timing = Timing {
            seconds,
            articles,
            cached: parts.iter().map(|p| p.timing.cached).sum(),
            articles_per_second: if seconds > 0.0 { articles as f64 / seconds } else { 0.0 },
        };
        let extractor = ExtractorReport {
            kind: head.kind.clone(),
            version: head.version.clone(),
            config_hash: head.config_hash.clone(),
            layers,
            unscored_layers,
            errors,
            warnings,
            timing,
        };
        extractors.insert(name.clone(), extractor);
    }
    if let Some((index, name)) = reports.iter().enumerate().find_map(|(i, r)| r.extractors.keys().find(|n| !first.extractors.contains_key(*n)).map(|n| (i, n)))
    {
        return Err(MergeError::Extractor { name: name.clone(), message: format!("only in partial report {}", index + 1) });
    }
    let same_commit = reports.iter().all(|r| r.git_commit == first.git_commit);
    Ok(Report {
        schema_version: first.schema_version,
        mizan_version: first.mizan_version.clone(),
        created: crate::report::now_rfc3339(),
        git_commit: if same_commit { first.git_commit.clone() } else { None },
        dataset: first.dataset.clone(),
        shard: None,
        normalization: merged_normalization(reports)?,
        extractors,
    })
}
