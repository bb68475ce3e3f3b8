//! An evaluation run: extractors applied to a dataset, each produced layer scored against the
//! gold of that layer, gathered into a [`Report`]. Articles an extractor failed on count with
//! no predictions (their gold spans are missed), so a crashing extractor never looks better.

use std::collections::BTreeMap;

use crate::dataset::Dataset;
use crate::extract::cache::PredictionCache;
use crate::extract::runner::{run_extractor, ExtractorRun};
use crate::extract::Extractor;
use crate::fingerprint::Fnv64;
use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::arabic::{normalize_with, Normalized, Steps};
use crate::dataset::normalize::to_normalized;
use crate::model::Span;
use crate::model::{Article, ArticleWarning};
use crate::progress::Progress;
use crate::report::{DatasetInfo, ExtractorReport, LayerReport, NormalizationInfo, Report, Shard, Timing, SCHEMA_VERSION};
use crate::score::evaluate::SpanOutcome;
use crate::score::score_layer;
use crate::score::slices::slice_by;

/// An extractor to run, with the kind it was declared as (recorded in the report).
pub struct Runnable {
    /// The kind's name.
    pub kind: String,
    /// The built extractor.
    pub extractor: Box<dyn Extractor>,
}

/// How to run. `RunOptions::default()` uses every core, no cache, no slices, and the default
/// bootstrap.
pub struct RunOptions<'a> {
    /// Threads of the rayon pool.
    pub jobs: usize,
    /// Where to reuse and store predictions.
    pub cache: Option<&'a PredictionCache>,
    /// Article metadata columns to slice scores by.
    pub slice_by: &'a [String],
    /// Recorded in the report.
    pub git_commit: Option<String>,
    /// Bootstrap resamples for confidence intervals (0: none), and their seed.
    pub bootstrap: usize,
    /// The bootstrap's seed.
    pub seed: u64,
    /// Score on the texts normalised by these steps (`mizan run --normalize PROFILE`): gold and
    /// predictions, both on the dataset's text, are mapped onto the normalised text first.
    pub normalize: Option<Normalization>,
    /// Only the articles of this shard (`mizan run --shard K/N`): a partial report for
    /// [`crate::report::merge::merge`].
    pub shard: Option<Shard>,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cache: None,
            slice_by: &[],
            git_commit: None,
            bootstrap: crate::score::bootstrap::RESAMPLES,
            seed: crate::score::bootstrap::SEED,
            shard: None,
            normalize: None,
        }
    }
}

/// A named set of normalisation steps.
#[derive(Debug, Clone)]
pub struct Normalization {
    /// The profile's name, recorded in the report.
    pub profile: String,
    /// What it does.
    pub steps: Steps,
}

/// A finished run: the report, every extractor's predictions, and how each span came out.
pub struct Evaluation {
    /// What report.json holds.
    pub report: Report,
    /// Extractor name → its spans, in article order.
    pub predictions: BTreeMap<String, Vec<Span>>,
    /// Extractor name → layer → every gold span, prediction or pair and its outcome, article
    /// by article (for error browsers and tables).
    pub outcomes: BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>,
    /// The normalised articles the outcomes' offsets refer to, when the run normalised; else
    /// they refer to the dataset's own articles.
    pub normalized_articles: Option<Vec<Article>>,
}

/// Why a run could not be made.
#[allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start {jobs} threads: {message}")]
    Threads { jobs: usize, message: String },
    #[error("slicing by `{column}`: {message}")]
    Slice { column: String, message: String },
}

/// Runs every extractor over the dataset and scores it.
pub fn evaluate(dataset: &Dataset, entries: &[Runnable], options: &RunOptions<'_>, progress: &dyn Progress) -> Result<Evaluation, RunError> {
    let jobs = options.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| RunError::Threads { jobs, message: e.to_string() })?;
    // A shard runs and scores its own articles and their gold; the report still names the
    // whole dataset, so that the merged report is the whole run's.
    let (articles, gold): (Cow<'_, [Article]>, Cow<'_, [Span]>) = match options.shard {
        None => (Cow::Borrowed(&dataset.articles), Cow::Borrowed(&dataset.gold)),
        Some(shard) => (
            dataset.articles.iter().filter(|a| in_shard(&a.id, shard)).cloned().collect(),
            dataset.gold.iter().filter(|s| in_shard(&s.article_id, shard)).cloned().collect(),
        ),
    };
    let ids: Vec<String> = pool.install(|| articles.par_iter().map(|a| a.id.clone()).collect());
    // With --normalize, scoring happens on the normalised texts: the gold is mapped now, each
    // extractor's spans after it ran; a span the normalisation erases or changes is reported.
    let normalized: Option<NormalizedTexts<'_>> = options.normalize.as_ref().map(|n| pool.install(|| NormalizedTexts::new(&articles, n.steps)));
    let mut gold_lost = Vec::new();
    let gold: Cow<'_, [Span]> = match &normalized {
        Some(normalized) => {
            let (kept, lost) = normalized.map(&gold);
            gold_lost = lost;
            Cow::Owned(kept)
        }
        None => gold,
    };
    let gold_layers: Vec<String> = {
        // Spans of one layer come in runs: one insertion a run, not one a span.
        let mut layers: std::collections::BTreeSet<&str> = dataset.gold.chunk_by(|a, b| a.layer == b.layer).map(|run| run[0].layer.as_str()).collect();
        if let Some(manifest) = &dataset.manifest {
            layers.extend(manifest.layers.keys().map(String::as_str));
        }
        layers.into_iter().map(str::to_string).collect()
    };

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        mizan_version: env!("CARGO_PKG_VERSION").to_string(),
        created: String::new(),
        git_commit: options.git_commit.clone(),
        dataset: DatasetInfo { name: dataset.name.clone(), fingerprint: String::new(), articles: dataset.articles.len() as u64 },
        shard: options.shard,
        normalization: options.normalize.as_ref().map(|n| NormalizationInfo {
            profile: n.profile.clone(),
            gold_spans_lost: gold_lost.len() as u64,
            gold_lost: gold_lost.iter().take(20).cloned().collect(),
        }),
        extractors: BTreeMap::new(),
    };
    let mut predictions = BTreeMap::new();
    let mut outcomes = BTreeMap::new();
    // The dataset's fingerprint is taken on the pool while the extractors run: with one job it
    // waits its turn, with more it fills a thread the run would leave idle at first.
    let mut fingerprint = String::new();
    pool.in_place_scope(|scope| {
        scope.spawn(|_| fingerprint = dataset.fingerprint());
        run_all(
            dataset,
            entries,
            options,
            progress,
            &pool,
            Scoring { articles: &articles, ids: &ids, gold: &gold, normalized: normalized.as_ref(), gold_layers: &gold_layers },
            (&mut report, &mut predictions, &mut outcomes),
        )
    })?;
    report.dataset.fingerprint = fingerprint;
    report.created = crate::report::now_rfc3339();
    let normalized_articles = normalized.map(NormalizedTexts::into_articles);
    Ok(Evaluation { report, predictions, outcomes, normalized_articles })
}

/// What every extractor's spans are scored against.
struct Scoring<'s> {
    articles: &'s [Article],
    ids: &'s [String],
    gold: &'s [Span],
    normalized: Option<&'s NormalizedTexts<'s>>,
    gold_layers: &'s [String],
}

/// The report, predictions and outcomes of [`evaluate`], filled extractor by extractor.
type Outputs<'o> = (&'o mut Report, &'o mut BTreeMap<String, Vec<Span>>, &'o mut BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>>);

/// Runs and scores each extractor in turn.
fn run_all(
    dataset: &Dataset,
    entries: &[Runnable],
    options: &RunOptions<'_>,
    progress: &dyn Progress,
    pool: &rayon::ThreadPool,
    scoring: Scoring<'_>,
    (report, predictions, outcomes): Outputs<'_>,
) -> Result<(), RunError> {
    let Scoring { articles, ids, gold, normalized, gold_layers } = scoring;
    for entry in entries {
        let mut run: ExtractorRun = run_extractor(entry.extractor.as_ref(), articles, pool, options.cache, progress);
        let mut mapped = None;
        if let Some(normalized) = &normalized {
            let (kept, lost) = normalized.map(&run.spans);
            run.warnings.extend(lost.into_iter().map(|l| ArticleWarning { article_id: l.article_id, warning: format!("not scored: {}", l.warning) }));
            mapped = Some(kept);
        }
        let scored: &[Span] = mapped.as_deref().unwrap_or(&run.spans);
        let mut layers = BTreeMap::new();
        let mut layer_outcomes = BTreeMap::new();
        let mut unscored_layers = Vec::new();
        for layer in &run.layers {
            if !gold_layers.contains(layer) {
                unscored_layers.push(layer.clone());
                continue;
            }
            let score = pool.install(|| score_layer(layer, ids, gold, scored));
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
    Ok(())
}

/// Articles' texts normalised by one set of steps, for carrying spans on the raw texts over to
/// them.
pub struct NormalizedTexts<'a> {
    articles: &'a [Article],
    folded: Vec<Normalized>,
    position: HashMap<&'a str, usize>,
    steps: Steps,
}

impl<'a> NormalizedTexts<'a> {
    /// Normalises every article's text (on the current rayon pool).
    pub fn new(articles: &'a [Article], steps: Steps) -> Self {
        let folded = articles.par_iter().map(|a| normalize_with(&a.text, &steps)).collect();
        let position = articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
        NormalizedTexts { articles, folded, position, steps }
    }

    /// `spans` on the normalised texts, and those that could not be carried over (their text
    /// vanishes or changes beyond the normalisation), each with why, in order. Spans of articles
    /// not among these are left out.
    pub fn map(&self, spans: &[Span]) -> (Vec<Span>, Vec<ArticleWarning>) {
        let mut kept = Vec::with_capacity(spans.len());
        let mut lost = Vec::new();
        for span in spans {
            let Some(&i) = self.position.get(span.article_id.as_str()) else { continue };
            match to_normalized(span, &self.articles[i], &self.folded[i], &self.steps) {
                Ok(mapped) => kept.push(mapped),
                Err(loss) => lost.push(ArticleWarning {
                    article_id: span.article_id.clone(),
                    warning: format!(
                        "{} span {}..{} `{}` {} under the normalisation ({})",
                        span.label,
                        span.start,
                        span.end,
                        crate::model::quote(&loss.raw),
                        loss.reason,
                        if loss.found.is_empty() { "nothing left".to_string() } else { format!("becomes `{}`", crate::model::quote(&loss.found)) }
                    ),
                }),
            }
        }
        (kept, lost)
    }

    /// The normalised articles, metadata kept.
    pub fn into_articles(self) -> Vec<Article> {
        self.articles.iter().zip(self.folded).map(|(a, f)| Article::new(a.id.clone(), f.text, a.metadata.clone())).collect()
    }
}

/// Whether the article `id` belongs to `shard`: a stable hash of the id (64-bit FNV-1a), modulo
/// the shard count. The same on every machine and Rust version, so N machines given K = 1..N
/// split any dataset into disjoint shares that cover it.
pub fn in_shard(id: &str, shard: Shard) -> bool {
    let count = u64::from(shard.count.max(1));
    Fnv64::new().write(id.as_bytes()).finish() % count == u64::from(shard.index.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_ids_into_disjoint_shares_that_cover_them() {
        let ids: Vec<String> = (0..1000).map(|i| format!("article-{i}")).collect();
        for count in [1, 2, 5] {
            let mut sizes = vec![0; count as usize];
            for id in &ids {
                let owners: Vec<u32> = (1..=count).filter(|&index| in_shard(id, Shard { index, count })).collect();
                assert_eq!(owners.len(), 1, "{id} in {owners:?} of {count}");
                sizes[owners[0] as usize - 1] += 1;
            }
            assert!(sizes.iter().all(|&n| n > 1000 / count as usize / 2), "{sizes:?}");
        }
    }
}
