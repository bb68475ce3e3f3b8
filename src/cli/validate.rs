//! `mizan validate DATASET`: every problem in articles and gold as `path:line: message`.
//! Exit 0 when clean, 1 when there are problems (warnings included), 2 when the input is
//! unusable.

use std::process::ExitCode;

use crate::Dataset;

use crate::cli::common::{plural, DatasetArgs};
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dataset: DatasetArgs,
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let (summary, diagnostics) = match Dataset::summarize(&args.dataset.spec(), false, progress) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {}", crate::model::for_terminal(&error.to_string()));
            return Ok(ExitCode::from(2));
        }
    };
    for problem in diagnostics.sorted() {
        println!("{}", crate::model::for_terminal(&problem.to_string()));
    }
    let summary = format!(
        "{}: {}, {}",
        summary.name,
        plural(summary.articles, "article", "articles"),
        plural(summary.valid_spans, "valid gold span", "valid gold spans"),
    );
    if diagnostics.is_empty() {
        println!("{summary}: no problems");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{summary}: {}, {}",
            plural(diagnostics.error_count() as u64, "error", "errors"),
            plural(diagnostics.warning_count() as u64, "warning", "warnings")
        );
        Ok(ExitCode::from(1))
    }
}
