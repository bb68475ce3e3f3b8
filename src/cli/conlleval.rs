//! `mizan conlleval [-d DELIM] [-r] [-o OTAG] [FILE]`: a drop-in replacement for conlleval.pl
//! (2004-01-26). Same input, same options, byte-identical output and the same error messages and
//! exit statuses; `--json` gives the same numbers as data. A file is counted on several cores,
//! standard input is streamed.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::load::{max_line_bytes, LineTooLong};
use crate::score::conlleval::{evaluate_file, evaluate_reader, render_bytes, to_json, ConllevalError, ConllevalOptions};
use anyhow::{bail, Context};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Field delimiter, a Perl-style pattern (default: a single space).
    #[arg(short = 'd', value_name = "DELIM", allow_hyphen_values = true)]
    delimiter: Option<String>,
    /// Raw tags: no B-/I- prefixes, every non-outside token is its own phrase.
    #[arg(short = 'r')]
    raw: bool,
    /// Outside tag in raw mode.
    #[arg(short = 'o', value_name = "OTAG", default_value = "O")]
    outside: String,
    /// LaTeX output (not supported).
    #[arg(short = 'l', hide = true)]
    latex: bool,
    /// Print the counts and figures as JSON instead.
    #[arg(long)]
    json: bool,
    /// Threads that count parts of FILE (default: one per core); standard input is read by one.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
    /// A token file: one `token … gold guess` line per token, blank lines or `-X-` between
    /// sentences (default: standard input).
    file: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.latex {
        bail!("-l (LaTeX table output) is not supported; use the plain output or --json");
    }
    let options = ConllevalOptions { delimiter: args.delimiter, raw: args.raw, outside_tag: args.outside };
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize);
    // Fixed-size blocks: memory stays flat however long the input.
    let counted = match &args.file {
        Some(path) => {
            let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
            evaluate_file(&file, path, max_line_bytes(), jobs, &options)
        }
        None => evaluate_reader(std::io::stdin().lock(), Path::new("<stdin>"), max_line_bytes(), &options),
    };
    let result = match counted {
        Ok(result) => result,
        Err(error @ ConllevalError::FieldCount { .. }) => {
            eprintln!("{error}");
            return Ok(ExitCode::from(1));
        }
        Err(error @ ConllevalError::TooFewFields { .. }) => {
            eprintln!("{error}");
            return Ok(ExitCode::from(255));
        }
        // A line past the limit already says `path:line: …`.
        Err(ConllevalError::Io(error)) if LineTooLong::inside(&error).is_some() => bail!("{error}"),
        Err(error) => bail!(error),
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(&to_json(&result))?)?;
    } else {
        stdout.write_all(&render_bytes(&result))?;
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
