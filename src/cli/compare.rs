//! `mizan compare A B [C…]`: differences between reports (report.json files or report
//! folders) with their significance, the changed articles, a JSON or HTML rendering, and the
//! regression gate. Exit 0, 1 when the gate finds a regression, 2 on unusable input (a
//! malformed report, or reports on different datasets without `--allow-dataset-change`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::compare::{self, gate, terminal, Comparison, Options, Source, TestSettings};
use crate::progress::NoProgress;
use crate::{Article, Dataset, DatasetSpec};
use anyhow::Context;

use crate::cli::output::write_atomic;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports: report folders (report.json, and outcomes.jsonl for changed articles) or
    /// report.json files. Each is compared with the first.
    #[arg(required = true, num_args = 2.., value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Print the comparison as JSON (docs/compare.md) instead of tables.
    #[arg(long)]
    json: bool,
    /// Also write a self-contained comparison page to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Changed articles shown per extractor and layer in the terminal.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Exit 1 when an F1 drops by more than DELTA (e.g. 0.01) with p < --alpha.
    #[arg(long, value_name = "DELTA")]
    fail_on_regression: Option<f64>,
    /// The scheme the gate watches.
    #[arg(long, default_value = "strict", value_parser = ["strict", "exact", "partial", "type", "strict+attrs"])]
    gate_scheme: String,
    /// Significance level; 1 makes the gate fail on any drop larger than DELTA.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Trials of the randomization test.
    #[arg(long, default_value_t = crate::compare::significance::TRIALS)]
    trials: usize,
    /// Resamples of the paired bootstrap.
    #[arg(long, default_value_t = crate::compare::significance::RESAMPLES)]
    resamples: usize,
    /// Seed of both tests.
    #[arg(long, default_value_t = crate::score::bootstrap::SEED)]
    seed: u64,
    /// Compare reports on different datasets, over the articles they share.
    #[arg(long)]
    allow_dataset_change: bool,
    /// The dataset, for article text (default: datasets/<name> of the first report, when its
    /// fingerprint matches).
    #[arg(long, value_name = "NAME|DIR", conflicts_with = "articles")]
    dataset: Option<String>,
    /// Articles (JSONL or a folder of .txt) for article text, with --gold to match the
    /// reports' fingerprint.
    #[arg(long, value_name = "FILE")]
    articles: Option<PathBuf>,
    /// Gold span files to go with --articles.
    #[arg(long, value_name = "FILE", requires = "articles")]
    gold: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.alpha) {
        anyhow::bail!("--alpha {} is not a probability between 0 and 1", args.alpha);
    }
    if args.fail_on_regression.is_some_and(|d| d.is_nan() || d < 0.0) {
        anyhow::bail!("--fail-on-regression takes a drop of 0 or more, such as 0.01");
    }
    let sources = args.reports.iter().map(|path| Source::load(path)).collect::<Result<Vec<_>, _>>()?;
    let options = Options {
        tests: TestSettings { trials: args.trials, resamples: args.resamples, seed: args.seed },
        alpha: args.alpha,
        allow_dataset_change: args.allow_dataset_change,
    };
    let mut comparison = compare::compare(&sources, &options)?;
    if let Some(threshold) = args.fail_on_regression {
        comparison.gate = Some(gate::gate(&comparison, &args.gate_scheme, threshold, args.alpha));
    }

    let wants_text = !args.json || args.html.is_some();
    let (articles, note) = if wants_text && has_changes(&comparison) { article_text(&args, &comparison) } else { (Vec::new(), String::new()) };
    if articles.is_empty() && !note.is_empty() {
        eprintln!("note: {note}");
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
    } else {
        let texts: terminal::Texts<'_> = articles.iter().map(|a| (a.id.as_str(), a.text.as_str())).collect();
        print!("{}", terminal::render(&comparison, args.top, &texts));
    }
    if let Some(path) = &args.html {
        write_atomic(path, compare::html::render(&comparison, &sources, &articles, &note).as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    match &comparison.gate {
        Some(gate) => {
            eprint!("{}", terminal::gate_lines(gate));
            if gate.passed {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("error: {} regressed (--fail-on-regression {})", gate_summary(gate.regressions.len()), gate.threshold);
                Ok(ExitCode::from(1))
            }
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

fn gate_summary(n: usize) -> String {
    if n == 1 {
        "1 extractor and layer".into()
    } else {
        format!("{n} extractors and layers")
    }
}

fn has_changes(comparison: &Comparison) -> bool {
    comparison.extractors.iter().flat_map(|e| &e.layers).flat_map(|l| &l.changed).any(|c| !c.articles.is_empty())
}

/// The articles of the reports' dataset, for showing spans in their text, and a note saying
/// where they came from or why there are none. The dataset must have the first report's
/// fingerprint, or offsets could point at other text.
fn article_text(args: &Args, comparison: &Comparison) -> (Vec<Article>, String) {
    let info = &comparison.reports[0].dataset;
    if !comparison.dataset.same {
        return (Vec::new(), "The reports' datasets differ: article text is not shown, only the spans' labels and offsets.".into());
    }
    let (spec, named) = match (&args.dataset, &args.articles) {
        (Some(name), _) => (DatasetSpec::Named(name.clone()), name.clone()),
        (None, Some(articles)) => (DatasetSpec::Files { articles: articles.clone(), gold: args.gold.clone() }, articles.display().to_string()),
        (None, None) => {
            let dir = Path::new("datasets").join(&info.name);
            if !dir.is_dir() {
                return (
                    Vec::new(),
                    format!("No dataset {} found here: article text is not shown, only the spans' labels and offsets; pass --dataset NAME|DIR.", dir.display()),
                );
            }
            (DatasetSpec::Named(info.name.clone()), dir.display().to_string())
        }
    };
    // By the definition the first report's mizan used.
    let version = &comparison.reports[0].mizan_version;
    match Dataset::load(&spec, &NoProgress).context("loading the dataset").map(|(dataset, _)| {
        let fingerprint = dataset.fingerprint_as(version);
        (dataset, fingerprint)
    }) {
        Ok((dataset, fingerprint)) if fingerprint == info.fingerprint => {
            let note = format!("Article text from {named} (fingerprint {}).", info.fingerprint);
            (dataset.articles, note)
        }
        Ok((_, fingerprint)) => (
            Vec::new(),
            format!(
                "The dataset {named} (fingerprint {fingerprint}) is not the one the reports were run on ({}): article text is not shown, only the spans' labels and offsets.",
                info.fingerprint
            ),
        ),
        Err(error) => (Vec::new(), format!("{error:#}: article text is not shown, only the spans' labels and offsets.")),
    }
}
