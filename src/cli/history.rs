//! `mizan history REPORT…`: F1 over versions — report folders or report.json files ordered by
//! when they were created, one table per dataset, extractor and layer; `--json` for the data,
//! `--html FILE` for a page with a line chart per table.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::compare::{history, Source};

use crate::cli::output::write_atomic;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report folders or report.json files, in any order (e.g. `reports/*/`).
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Print the history as JSON (docs/compare.md) instead of tables.
    #[arg(long)]
    json: bool,
    /// Also write a self-contained page with a chart of F1 over versions to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let sources = args.reports.iter().map(|path| Source::load(path)).collect::<Result<Vec<_>, _>>()?;
    let found = history::history(&sources);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&found)?);
    } else {
        print!("{}", crate::model::lines_for_terminal(&history::render(&found)));
    }
    if let Some(path) = &args.html {
        write_atomic(path, crate::compare::html::history::render(&found).as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
