//! The command line: clap types and one file per command. Commands call the library, render
//! what it returns, and are the only place that writes files or the terminal.
//!
//! A user's own binary gets the whole command line with its extractor kinds added:
//!
//! ```no_run
//! use std::process::ExitCode;
//! use mizan::extract::registry::Registry;
//!
//! fn main() -> ExitCode {
//!     mizan::cli::main_with(Registry::builtin() /* .with_kind(MY_KIND) */)
//! }
//! ```

mod agree;
mod common;
mod compare;
mod conlleval;
mod dedupe;
mod export;
mod extractors;
mod history;
mod import;
mod leakage;
mod merge;
mod normalize;
mod output;
mod panics;
mod progress;
mod run;
mod score;
mod split;
mod stats;
mod train;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::extract::registry::Registry;

/// mizan — dataset curation and evaluation for information extraction from Arabic news.
#[derive(Debug, Parser)]
#[command(name = "mizan", version, about, long_about = None)]
pub struct Cli {
    /// Hide progress bars.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a dataset's articles and gold; print each problem as `path:line: message`.
    Validate(validate::Args),
    /// Count articles, characters and spans per layer, label and split.
    Stats(stats::Args),
    /// Convert annotations from another format into a dataset folder.
    Import(import::Args),
    /// Write a dataset in another tool's format (brat, Label Studio, doccano, spaCy, CoNLL, JSONL).
    Export(export::Args),
    /// List the extractors a run can use.
    Extractors(extractors::Args),
    /// Run extractors over a dataset, score them and write a report.
    Run(run::Args),
    /// Merge the partial reports of `run --shard K/N` into the report of the whole run.
    Merge(merge::Args),
    /// Build a gazetteer list or train a model from a dataset's gold.
    Train(train::Args),
    /// Score predicted spans against gold: strict, exact, partial and type, per label.
    Score(score::Args),
    /// Score a CoNLL token file exactly as conlleval.pl does (byte-identical output).
    Conlleval(conlleval::Args),
    /// Compare reports across versions: differences, their significance, changed articles.
    Compare(compare::Args),
    /// F1 over versions of the same runs, ordered by when each report was created.
    History(history::Args),
    /// Normalise Arabic text (profiles light, search, full) and remap every gold span.
    Normalize(normalize::Args),
    /// Find exact and near-duplicate articles (MinHash, LSH); --out keeps one per cluster.
    Dedupe(dedupe::Args),
    /// Test articles that duplicate training articles, and the seen-entity rate per label.
    Leakage(leakage::Args),
    /// Split a dataset deterministically, keeping near duplicates (and --by values) together.
    Split(split::Args),
    /// Agreement between annotators: span F1 per scheme and label, token kappa, Krippendorff's alpha.
    Agree(agree::Args),
}

/// mizan's command line with the built-in extractor kinds: the `mizan` binary.
pub fn main() -> ExitCode {
    main_with(Registry::builtin())
}

/// mizan's whole command line with the kinds of `registry`: parses the arguments, runs the
/// command, prints `error: …` and returns the exit code (0 success, 1 problems found, 2 unusable
/// input, 101 an internal error).
pub fn main_with(registry: Registry) -> ExitCode {
    // Die quietly on a closed pipe (`mizan score --json | head`), as command-line tools do,
    // instead of panicking in `println!`.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    panics::install_hook();
    panics::catch_internal(|| match run(Cli::parse(), &registry) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", crate::model::lines_for_terminal(&format!("{error:#}")));
            ExitCode::from(2)
        }
    })
}

/// Runs one parsed command line; `Err` is an unusable input or an I/O failure (exit 2).
fn run(cli: Cli, registry: &Registry) -> anyhow::Result<ExitCode> {
    let progress = progress::Bar::new(cli.quiet);
    match cli.command {
        Command::Validate(args) => validate::run(args, &progress),
        Command::Stats(args) => stats::run(args, &progress),
        Command::Import(args) => import::run(args, &progress),
        Command::Export(args) => export::run(args, &progress),
        Command::Extractors(args) => extractors::run(args, registry),
        Command::Run(args) => run::run(args, registry, &progress),
        Command::Merge(args) => merge::run(args),
        Command::Train(args) => train::run(args, &progress),
        Command::Score(args) => score::run(args, &progress),
        Command::Conlleval(args) => conlleval::run(args),
        Command::Compare(args) => compare::run(args),
        Command::History(args) => history::run(args),
        Command::Normalize(args) => normalize::run(args, &progress),
        Command::Dedupe(args) => dedupe::run(args, &progress),
        Command::Leakage(args) => leakage::run(args, &progress),
        Command::Split(args) => split::run(args, &progress),
        Command::Agree(args) => agree::run(args, &progress),
    }
}
