//! An evaluation run: extractors applied to a dataset, each produced layer scored against the
//! gold of that layer, gathered into a [`Report`]. Articles an extractor failed on count with
//! no predictions (their gold spans are missed), so a crashing extractor never looks better.

use std::collections::BTreeMap;

use crate::dataset::Dataset;
use crate::extract::cache::PredictionCache;
use crate::extract::runner::{run_extractor, ExtractorRun};
use crate::extract::Extractor;
use crate::model::Span;
use crate::progress::Progress;
use crate::report::{DatasetInfo, ExtractorReport, LayerReport, Report, Timing, SCHEMA_VERSION};
use crate::score::evaluate::SpanOutcome;
use crate::score::score_layer;
use crate::score::slices::slice_by;

/// An extractor to run, with the kind it was declared as.
pub struct Entry {
    pub kind: String,
    pub extractor: Box<dyn Extractor>,
}

/// How to run.
pub struct RunOptions<'a> {
    pub jobs: usize,
    pub cache: Option<&'a PredictionCache>,
    /// Article metadata columns to slice scores by.
    pub slice_by: &'a [String],
    pub git_commit: Option<String>,
    /// Bootstrap resamples for confidence intervals (0: none), and their seed.
    pub bootstrap: usize,
    pub seed: u64,
}

/// A finished run: the report, every extractor's predictions, and how each span came out.
pub struct Evaluation {
    pub report: Report,
    /// Extractor name → its spans, in article order.
    pub predictions: BTreeMap<String, Vec<Span>>,
    /// Extractor name → layer → every gold span, prediction or pair and its outcome, article
    /// by article (for error browsers and tables).
    pub outcomes: BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start {jobs} threads: {message}")]
    Threads { jobs: usize, message: String },
    #[error("slicing by `{column}`: {message}")]
    Slice { column: String, message: String },
}

/// Runs every extractor over the dataset and scores it.
pub fn evaluate(dataset: &Dataset, entries: &[Entry], options: &RunOptions<'_>, progress: &dyn Progress) -> Result<Evaluation, RunError> {
    let jobs = options.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| RunError::Threads { jobs, message: e.to_string() })?;
    let ids: Vec<String> = dataset.articles.iter().map(|a| a.id.clone()).collect();
    let gold_layers: Vec<String> = {
        let mut layers: Vec<String> = dataset.gold.iter().map(|s| s.layer.clone()).collect();
        if let Some(manifest) = &dataset.manifest {
            layers.extend(manifest.layers.keys().cloned());
        }
        layers.sort();
        layers.dedup();
        layers
    };

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        mizan_version: env!("CARGO_PKG_VERSION").to_string(),
        created: String::new(),
        git_commit: options.git_commit.clone(),
        dataset: DatasetInfo { name: dataset.name.clone(), fingerprint: dataset.fingerprint(), articles: ids.len() as u64 },
        extractors: BTreeMap::new(),
    };
    let mut predictions = BTreeMap::new();
    let mut outcomes = BTreeMap::new();
    for entry in entries {
        let run: ExtractorRun = run_extractor(entry.extractor.as_ref(), &dataset.articles, &pool, options.cache, progress);
        let mut layers = BTreeMap::new();
        let mut layer_outcomes = BTreeMap::new();
        let mut unscored_layers = Vec::new();
        for layer in &run.layers {
            if !gold_layers.contains(layer) {
                unscored_layers.push(layer.clone());
                continue;
            }
            let score = pool.install(|| score_layer(layer, &ids, &dataset.gold, &run.spans));
            let mut slices = BTreeMap::new();
            for column in options.slice_by {
                let groups =
                    slice_by(&score, &dataset.article_frame, column).map_err(|e| RunError::Slice { column: column.clone(), message: e.to_string() })?;
                slices.insert(column.clone(), groups);
            }
            layers.insert(layer.clone(), LayerReport::new(&score, &slices, options.bootstrap, options.seed));
            layer_outcomes.insert(layer.clone(), score.outcomes);
        }
        let timing = Timing {
            seconds: run.seconds,
            articles: run.articles as u64,
            cached: run.cached as u64,
            articles_per_second: if run.seconds > 0.0 { run.articles as f64 / run.seconds } else { 0.0 },
        };
        report.extractors.insert(
            run.name.clone(),
            ExtractorReport {
                kind: entry.kind.clone(),
                version: run.version.clone(),
                config_hash: run.config_hash.clone(),
                layers,
                unscored_layers,
                errors: run.failures,
                warnings: run.warnings,
                timing,
            },
        );
        outcomes.insert(run.name.clone(), layer_outcomes);
        predictions.insert(run.name, run.spans);
    }
    report.created = crate::report::now_rfc3339();
    Ok(Evaluation { report, predictions, outcomes })
}
