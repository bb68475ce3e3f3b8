//! `mizan run DATASET --extractor A[,B…] --out DIR`: runs extractors over a dataset in
//! parallel, scores every layer they produce, prints a summary, and writes `report.json`,
//! `report.md`, `report.html` and `predictions/<extractor>.jsonl` into DIR. Articles an
//! extractor fails on are recorded in the report; the command then exits 1, after writing
//! everything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use mizan::extract::cache::PredictionCache;
use mizan::extract::registry::{build, declarations, find, kind_of, Context, Declaration};
use mizan::model::for_terminal;
use mizan::report::tables::{self, TableFormat};
use mizan::report::{html, markdown, terminal};
use mizan::run::{evaluate, Entry, RunOptions};

use crate::cli::common::{plural, DatasetArgs};
use crate::cli::extractors::registry_path;
use crate::cli::output::{ReportFolder, ReportTarget};
use crate::cli::progress::Bar;

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
    /// The folder to write the report and predictions into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Threads (and worker processes of command extractors); default: the number of cores.
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
    /// Bootstrap resamples for the confidence intervals (0: none).
    #[arg(long, default_value_t = mizan::score::bootstrap::RESAMPLES)]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = mizan::score::bootstrap::SEED)]
    seed: u64,
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

fn default_selection(all: &[Declaration]) -> Vec<String> {
    all.iter().filter(|d| d.file.is_none() && d.name != "oracle" && kind_of(d).is_some_and(|k| !k.needs_configuration)).map(|d| d.name.clone()).collect()
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    // A bad --out fails now, not after the whole extraction.
    ReportTarget::check(&args.out)?;
    let Ok(dataset) = args.dataset.load_checked(progress)? else {
        return Ok(ExitCode::from(1));
    };
    let all = declarations(registry_path(args.registry.as_ref()).as_deref())?;
    let names = if args.extractor.is_empty() { default_selection(&all) } else { args.extractor.clone() };
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let context = Context { gold: &dataset.gold, jobs };

    let mut entries = Vec::new();
    let mut failed = false;
    for name in &names {
        let declaration = find(&all, name)?;
        match build(declaration, &context) {
            Ok(extractor) => entries.push(Entry { kind: declaration.kind.clone(), extractor }),
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
    let options = RunOptions { jobs, cache: cache.as_ref(), slice_by: &args.slice_by, git_commit: git_commit(), bootstrap: args.bootstrap, seed: args.seed };
    // A panicking extractor is recorded in the report; keep the default hook from also
    // printing a backtrace over the progress bars.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let evaluation = evaluate(&dataset, &entries, &options, progress);
    std::panic::set_hook(hook);
    let evaluation = evaluation?;
    drop(entries);

    let tables = args.tables.map(|t| match t {
        Tables::Parquet => TableFormat::Parquet,
        Tables::Csv => TableFormat::Csv,
    });
    write_outputs(&args.out, &evaluation, &dataset.articles, tables)?;
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
    eprintln!("wrote {}", args.out.join("report.json").display());
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn write_outputs(out: &Path, evaluation: &mizan::run::Evaluation, articles: &[mizan::Article], tables: Option<TableFormat>) -> anyhow::Result<()> {
    // Everything goes into a fresh folder that replaces `out` whole at the end (cli/output.rs).
    let folder = ReportFolder::begin(&ReportTarget::check(out)?)?;
    for (name, spans) in &evaluation.predictions {
        folder.write(&format!("predictions/{name}.jsonl"), &mizan::model::spans_jsonl(spans))?;
    }
    if let Some(format) = tables {
        let mut per_article = tables::article_table(&evaluation.report).context("building the per-article table")?;
        let mut outcomes = tables::outcome_table(&evaluation.outcomes).context("building the outcome table")?;
        for (name, frame) in [("articles", &mut per_article), ("outcomes", &mut outcomes)] {
            let bytes = tables::encode(frame, format).with_context(|| format!("encoding the {name} table"))?;
            folder.write(&format!("tables/{name}.{}", format.extension()), &bytes)?;
        }
    }
    folder.write("outcomes.jsonl", &tables::outcomes_jsonl(&evaluation.outcomes))?;
    let json = serde_json::to_string_pretty(&evaluation.report)? + "\n";
    folder.write("report.md", markdown::render(&evaluation.report).as_bytes())?;
    folder.write("report.html", html::render(&evaluation.report, articles, &evaluation.outcomes).as_bytes())?;
    folder.write("report.json", json.as_bytes())?;
    folder.commit()
}
