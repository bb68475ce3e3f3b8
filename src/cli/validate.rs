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
    let (dataset, diagnostics) = match Dataset::load(&args.dataset.spec(), progress) {
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
        dataset.name,
        plural(dataset.articles.len() as u64, "article", "articles"),
        plural(dataset.gold.len() as u64, "valid gold span", "valid gold spans"),
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
