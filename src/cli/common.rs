//! Arguments and steps that several commands share: naming a dataset, loading it, and refusing
//! to go on when the input has errors.

use std::path::PathBuf;

use crate::load::Diagnostics;
use crate::progress::Progress;
use crate::{Dataset, DatasetSpec};
use anyhow::Context;

/// A dataset by name or folder, or ad-hoc files.
#[derive(Debug, clap::Args)]
pub struct DatasetArgs {
    /// A dataset name (datasets/<name>, gold/<name>) or a dataset folder that `import` wrote.
    #[arg(value_name = "DATASET", required_unless_present = "articles")]
    pub dataset: Option<String>,
    /// Articles instead of DATASET: an articles JSONL file or a folder of .txt files.
    #[arg(long, value_name = "FILE", conflicts_with = "dataset")]
    pub articles: Option<PathBuf>,
    /// Gold span JSONL files to go with --articles (repeat for several).
    #[arg(long, value_name = "FILE", requires = "articles")]
    pub gold: Vec<PathBuf>,
}

impl DatasetArgs {
    pub fn spec(&self) -> DatasetSpec {
        match (&self.dataset, &self.articles) {
            (Some(name), _) => DatasetSpec::Named(name.clone()),
            (None, Some(articles)) => DatasetSpec::Files { articles: articles.clone(), gold: self.gold.clone() },
            (None, None) => DatasetSpec::Named(String::new()),
        }
    }

    /// Loads the dataset for a command other than `validate`: warnings are shown, errors stop
    /// the command (exit 1) so that nothing is computed from bad input.
    pub fn load_checked(&self, progress: &dyn Progress) -> anyhow::Result<Result<Dataset, ()>> {
        let (dataset, diagnostics) = Dataset::load(&self.spec(), progress).context("loading the dataset")?;
        if report_problems(&diagnostics) {
            return Ok(Err(()));
        }
        Ok(Ok(dataset))
    }
}

/// Prints problems on stderr; `true` when any is an error.
pub fn report_problems(diagnostics: &Diagnostics) -> bool {
    const SHOWN: usize = 20;
    let problems = diagnostics.sorted();
    for problem in problems.iter().take(SHOWN) {
        eprintln!("{}", crate::model::for_terminal(&problem.to_string()));
    }
    if problems.len() > SHOWN {
        eprintln!("… and {} more; `mizan validate` lists them all", problems.len() - SHOWN);
    }
    let errors = diagnostics.error_count();
    if errors > 0 {
        eprintln!("error: the input has {errors} error(s); fix them (see `mizan validate`) and run again");
    }
    errors > 0
}

/// The number formats of the terminal tables, shared with messages.
pub use crate::report::terminal::{plural, thousands};

/// The bootstrap's options, the same for every command that draws confidence intervals.
#[derive(Debug, clap::Args)]
pub struct BootstrapArgs {
    /// Bootstrap resamples for the confidence intervals of the strict micro figures (0: none).
    #[arg(long = "bootstrap", default_value_t = crate::score::bootstrap::RESAMPLES)]
    pub resamples: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = crate::score::bootstrap::SEED)]
    pub seed: u64,
}
