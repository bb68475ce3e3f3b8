//! The command line: clap types and one file per command. Commands call the library, render
//! what it returns, and are the only place that writes files or the terminal.

mod common;
mod compare;
mod conlleval;
mod export;
mod extractors;
mod history;
mod import;
mod output;
mod progress;
mod run;
mod score;
mod stats;
mod train;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

/// Runs the command line; `Err` is an unusable input or an I/O failure (exit 2).
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let progress = progress::Bar::new(cli.quiet);
    match cli.command {
        Command::Validate(args) => validate::run(args, &progress),
        Command::Stats(args) => stats::run(args, &progress),
        Command::Import(args) => import::run(args, &progress),
        Command::Export(args) => export::run(args, &progress),
        Command::Extractors(args) => extractors::run(args),
        Command::Run(args) => run::run(args, &progress),
        Command::Train(args) => train::run(args, &progress),
        Command::Score(args) => score::run(args, &progress),
        Command::Conlleval(args) => conlleval::run(args),
        Command::Compare(args) => compare::run(args),
        Command::History(args) => history::run(args),
    }
}
