//! `mizan run DATASET --extractor A[,B…] --out DIR`: runs extractors over a dataset in
//! parallel, scores every layer they produce, prints a summary, and writes `report.json`,
//! `report.md`, `report.html` and `predictions/<extractor>.jsonl` into DIR. Articles an
//! extractor fails on are recorded in the report; the command then exits 1, after writing
//! everything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::extract::cache::PredictionCache;
use crate::extract::registry::{find, Context, Declaration, Registry};
use crate::load::AnnotationFormat;
use crate::report::tables::{self, TableFormat};
use crate::report::{html, markdown, terminal};
use crate::run::{evaluate, RunOptions, Runnable};
use anyhow::Context as _;
use rayon::prelude::*;

use crate::cli::common::BootstrapArgs;
use crate::cli::common::{plural, DatasetArgs};
use crate::cli::extractors::registry_path;
use crate::cli::output::{ReportFolder, ReportTarget};
use crate::cli::panics::QuietPanics;
use crate::cli::progress::Bar;
use crate::model::for_terminal;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Tables {
    Parquet,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Extractors to run, by name (comma-separated or repeated); default: every built-in one
    /// that needs no model or command.
    #[arg(long, short, value_delimiter = ',')]
    extractor: Vec<String>,
    /// A predictions file made elsewhere, run as an extractor named NAME (repeatable; mixes
    /// with --extractor). FORMAT: spans (default), jsonl, conll, brat, label-studio, doccano,
    /// spacy.
    #[arg(long, value_name = "NAME=FILE[:FORMAT]", value_parser = parse_predictions)]
    predictions: Vec<Predictions>,
    /// Score on the texts normalised by this profile (light, search, full; docs/curation.md):
    /// gold and predictions, both on the dataset's text, are mapped onto the normalised text,
    /// so spans that differ only by what the profile folds (diacritics, tatweel, alef forms…)
    /// match.
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile)]
    normalize: Option<crate::run::Normalization>,
    /// Run only share K of N of the articles (chosen by a stable hash of their ids), writing a
    /// partial report for `mizan merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<crate::report::Shard>,
    /// The folder to write the report and predictions into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Threads for the whole run — loading, extractors, scoring, writing — and worker processes
    /// of command extractors; default: the number of cores.
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Registry file declaring extractors (default: ./extractors.toml when present).
    #[arg(long, value_name = "FILE")]
    registry: Option<PathBuf>,
    /// Reuse predictions stored in this folder, and store new ones there.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Also score per value of an article metadata column (repeatable).
    #[arg(long, value_name = "COLUMN")]
    slice_by: Vec<String>,
    #[command(flatten)]
    bootstrap: BootstrapArgs,
    /// Also write per-article counts and per-span outcomes as tables (DIR/tables/).
    #[arg(long, value_enum)]
    tables: Option<Tables>,
    /// Show per-label figures in the summary.
    #[arg(long)]
    detail: bool,
    /// Digits after the decimal point in the summary.
    #[arg(long, default_value_t = 4)]
    digits: usize,
}

/// The commit of the working directory's git checkout, if there is one.
fn git_commit() -> Option<String> {
    let output = std::process::Command::new("git").args(["rev-parse", "HEAD"]).stderr(std::process::Stdio::null()).output().ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !commit.is_empty()).then_some(commit)
}

/// Whether any of `names` is an instance that searches with the built-in gazetteer lists: a
/// `gazetteer` without lists of its own, or a `perceptron-ner` (whose features use them).
fn uses_builtin_gazetteer(all: &[Declaration], names: &[String]) -> bool {
    names.iter().filter_map(|name| all.iter().find(|d| &d.name == name)).any(|d| match d.kind.as_str() {
        "gazetteer" => !d.params.contains_key("lists"),
        kind => kind == "perceptron-ner",
    })
}

fn default_selection(all: &[Declaration], registry: &Registry) -> Vec<String> {
    all.iter().filter(|d| d.file.is_none() && d.name != "oracle" && registry.kind_of(d).is_ok_and(|k| !k.needs_configuration)).map(|d| d.name.clone()).collect()
}

/// The profile of `--normalize`.
pub(crate) fn parse_profile(name: &str) -> Result<crate::run::Normalization, String> {
    let steps = crate::arabic::Steps::profile(name).ok_or_else(|| format!("unknown profile `{name}` (light, search, full)"))?;
    Ok(crate::run::Normalization { profile: name.to_string(), steps })
}

/// `K/N` of `--shard`.
fn parse_shard(text: &str) -> Result<crate::report::Shard, String> {
    let bad = || format!("`{text}` is not K/N with 1 ≤ K ≤ N (e.g. --shard 2/5)");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (index, count): (u32, u32) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if index == 0 || index > count {
        return Err(bad());
    }
    Ok(crate::report::Shard { index, count })
}

/// `NAME=FILE[:FORMAT]` of `--predictions`.
fn parse_predictions(text: &str) -> Result<Predictions, String> {
    let (name, file) = text.split_once('=').ok_or_else(|| format!("`{text}` is not NAME=FILE[:FORMAT] (e.g. --predictions my-bert=bert.jsonl)"))?;
    crate::extract::registry::check_name(name)?;
    // A `:FORMAT` suffix only when it names a format, so that paths with a colon still work.
    let (file, format) = match file.rsplit_once(':') {
        Some((path, format)) if !path.is_empty() && format.parse::<AnnotationFormat>().is_ok() => (path, Some(format.to_string())),
        _ => (file, None),
    };
    if file.is_empty() {
        return Err(format!("`{text}` names no file after `=`"));
    }
    Ok(Predictions { name: name.to_string(), file: PathBuf::from(file), format })
}

/// One `--predictions` argument.
#[derive(Debug, Clone)]
struct Predictions {
    name: String,
    file: PathBuf,
    format: Option<String>,
}

pub fn run(args: Args, registry: &Registry, progress: &Bar) -> anyhow::Result<ExitCode> {
    // A bad --out fails now, not after the whole extraction.
    ReportTarget::check(&args.out)?;
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    // --jobs is every thread of the run: loading, the bootstrap and the rest use rayon's global
    // pool, which is made that size before anything uses it (it exists already only when
    // `run` is called twice in one process, as a test may).
    let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs).build_global();
    let mut all = registry.declarations(registry_path(args.registry.as_ref()).as_deref())?;
    let mut names = args.extractor.clone();
    if names.is_empty() && args.predictions.is_empty() {
        names = default_selection(&all, registry);
    }
    for Predictions { name, file, format } in &args.predictions {
        if names.contains(name) {
            anyhow::bail!("--predictions {name}=…: an extractor named `{name}` is already in this run; choose another name");
        }
        all.retain(|d| &d.name != name);
        let mut declaration = Declaration::new(name, "predictions").with_param("path", file.display().to_string());
        if let Some(format) = format {
            declaration = declaration.with_param("format", format.clone());
        }
        all.push(declaration);
        names.push(name.clone());
    }
    // With more than one thread, the built-in gazetteer lists are compiled while the dataset
    // loads, for the extractors that search with them.
    let dataset = std::thread::scope(|scope| {
        if jobs > 1 && uses_builtin_gazetteer(&all, &names) {
            scope.spawn(crate::extract::gazetteer::Gazetteer::builtin);
        }
        args.dataset.load_checked(progress)
    })?;
    let Ok(dataset) = dataset else {
        return Ok(ExitCode::from(1));
    };
    let context = Context { gold: &dataset.gold, articles: &dataset.articles, jobs };

    let mut entries = Vec::new();
    let mut failed = false;
    for name in &names {
        let declaration = find(&all, name)?;
        match registry.build(declaration, &context) {
            Ok(extractor) => {
                for note in extractor.notes() {
                    eprintln!("{name}: {note}");
                }
                entries.push(Runnable { kind: declaration.kind.clone(), extractor })
            }
            Err(error) => {
                eprintln!("error: {}; it is left out of this run", for_terminal(&error.to_string()));
                failed = true;
            }
        }
    }
    if entries.is_empty() {
        anyhow::bail!("no extractor could be started");
    }

    let cache = args.cache.as_ref().map(PredictionCache::new);
    let options = RunOptions {
        jobs,
        cache: cache.as_ref(),
        slice_by: &args.slice_by,
        git_commit: git_commit(),
        bootstrap: args.bootstrap.resamples,
        seed: args.bootstrap.seed,
        shard: args.shard,
        normalize: args.normalize.clone(),
    };
    let evaluation = {
        // A panicking extractor is recorded in the report; keep the hook from also printing
        // over the progress bars. The guard puts the hook back however `evaluate` ends, and a
        // panic of mizan's own reaches `main_with`, which reports it as an internal error.
        let _quiet = QuietPanics::install();
        evaluate(&dataset, &entries, &options, progress)?
    };
    drop(entries);

    let tables = args.tables.map(|t| match t {
        Tables::Parquet => TableFormat::Parquet,
        Tables::Csv => TableFormat::Csv,
    });
    write_outputs(&args.out, &evaluation, &dataset.articles, tables, jobs)?;
    print!("{}", terminal::render(&evaluation.report, args.digits, args.detail));
    for (name, extractor) in &evaluation.report.extractors {
        if let Some(first) = extractor.errors.first() {
            failed = true;
            eprintln!(
                "{}: failed on {} (their gold counts as missed); first: `{}`: {}",
                for_terminal(name),
                plural(extractor.errors.len() as u64, "article", "articles"),
                for_terminal(&first.article_id),
                for_terminal(&first.error)
            );
        }
    }
    for (name, extractor) in &evaluation.report.extractors {
        if let Some(first) = extractor.warnings.first() {
            eprintln!(
                "{name}: warning: {} in its answers (listed in report.json); first: `{}`: {}",
                plural(extractor.warnings.len() as u64, "thing ignored", "things ignored"),
                first.article_id,
                first.warning
            );
        }
    }
    if let Some(n) = evaluation.report.normalization.as_ref().filter(|n| n.gold_spans_lost > 0) {
        failed = true;
        eprintln!(
            "warning: {} not scored: the `{}` normalisation erases or changes their text; first: `{}`: {}",
            plural(n.gold_spans_lost, "gold span is", "gold spans are"),
            n.profile,
            for_terminal(&n.gold_lost[0].article_id),
            for_terminal(&n.gold_lost[0].warning)
        );
    }
    eprintln!("wrote {}", args.out.join("report.json").display());
    // The process ends now: freeing millions of strings one by one would only delay the exit
    // (a few percent of a large run), so the operating system takes them back whole.
    std::mem::forget(evaluation);
    std::mem::forget(dataset);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One file of the report folder, made on whichever of the run's threads is free.
type Output<'a> = Box<dyn FnOnce() -> anyhow::Result<()> + Send + 'a>;

fn write_outputs(out: &Path, evaluation: &crate::run::Evaluation, articles: &[crate::Article], tables: Option<TableFormat>, jobs: usize) -> anyhow::Result<()> {
    // Everything goes into a fresh folder that replaces `out` whole at the end (cli/output.rs).
    let staging = ReportFolder::begin(&ReportTarget::check(out)?)?;
    let folder = &staging;
    let report = &evaluation.report;
    // With --normalize the outcomes' offsets are on the normalised texts.
    let page_articles = evaluation.normalized_articles.as_deref().unwrap_or(articles);
    // The files do not depend on one another: each is a task, the largest first, and the page's
    // articles are drawn in parallel too, on as many threads as the run had.
    let mut outputs: Vec<Output<'_>> = vec![
        Box::new(move || folder.write_with("report.html", |w| html::write(w, report, page_articles, &evaluation.outcomes))),
        Box::new(move || folder.write_with("report.json", |w| crate::report::json::write_report(w, report))),
        Box::new(move || folder.write_with("outcomes.jsonl", |w| tables::write_outcomes_jsonl(w, &evaluation.outcomes))),
    ];
    for (name, spans) in &evaluation.predictions {
        outputs.push(Box::new(move || folder.write_with(&format!("predictions/{name}.jsonl"), |w| crate::model::write_spans_jsonl(w, spans))));
    }
    if let Some(format) = tables {
        outputs.push(Box::new(move || {
            let mut frame = tables::article_table(report).context("building the per-article table")?;
            let bytes = tables::encode(&mut frame, format).context("encoding the articles table")?;
            folder.write(&format!("tables/articles.{}", format.extension()), &bytes)
        }));
        outputs.push(Box::new(move || {
            let mut frame = tables::outcome_table(&evaluation.outcomes).context("building the outcome table")?;
            let bytes = tables::encode(&mut frame, format).context("encoding the outcomes table")?;
            folder.write(&format!("tables/outcomes.{}", format.extension()), &bytes)
        }));
    }
    outputs.push(Box::new(move || folder.write("report.md", markdown::render(report).as_bytes())));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().context("starting the threads that write the report")?;
    let results: Vec<anyhow::Result<()>> = pool.install(|| outputs.into_par_iter().map(|output| output()).collect());
    // The first failure in the list, whichever thread met it first.
    results.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists are compiled ahead only for instances that search with the built-in ones.
    #[test]
    fn builtin_gazetteer_users_are_recognised() {
        let all = vec![
            Declaration::new("gazetteer", "gazetteer"),
            Declaration::new("mine", "gazetteer").with_param("lists", toml::Value::Array(vec!["names.tsv".into()])),
            Declaration::new("perceptron-ner", "perceptron-ner"),
            Declaration::new("news-rules", "news-rules"),
        ];
        let uses = |names: &[&str]| uses_builtin_gazetteer(&all, &names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
        assert!(uses(&["gazetteer"]));
        assert!(uses(&["news-rules", "perceptron-ner"]));
        assert!(!uses(&["mine", "news-rules"]));
        assert!(!uses(&["unknown"]));
    }
}
