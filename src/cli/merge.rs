//! `mizan merge DIR… --out DIR`: the partial reports of `mizan run --shard K/N` (one per
//! shard, any order) into the report of the whole run — the same figures, per-article counts
//! and significance inputs as one run over every article, with bootstrap intervals drawn again
//! from the merged counts. Writes `report.json`, `report.md`, `outcomes.jsonl` and
//! `predictions/` (each shard's lines, in shard order). `report.html` needs the articles' text:
//! `mizan compare --html` or a run over the whole dataset draws it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::common::BootstrapArgs;
use crate::cli::output::{ReportFolder, ReportTarget};
use crate::report::{markdown, merge, terminal, Report};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Partial report folders (or their report.json), one per shard.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// The folder to write the merged report into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    bootstrap: BootstrapArgs,
    /// Digits after the decimal point in the summary.
    #[arg(long, default_value_t = 4)]
    digits: usize,
}

/// A partial report's folder and its report.
struct Part {
    folder: PathBuf,
    report: Report,
}

fn read_part(path: &Path) -> anyhow::Result<Part> {
    let (folder, file) = if path.is_dir() {
        (path.to_path_buf(), path.join("report.json"))
    } else {
        (path.parent().unwrap_or(Path::new(".")).to_path_buf(), path.to_path_buf())
    };
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let report: Report = serde_json::from_slice(&bytes).with_context(|| format!("{}: not a mizan report.json", file.display()))?;
    Ok(Part { folder, report })
}

/// The lines of `folder/relative`, or nothing when the shard has no such file.
fn lines_of(folder: &Path, relative: &Path) -> anyhow::Result<Vec<u8>> {
    let path = folder.join(relative);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let target = ReportTarget::check(&args.out)?;
    let mut parts: Vec<Part> = args.reports.iter().map(|p| read_part(p)).collect::<anyhow::Result<_>>()?;
    parts.sort_by_key(|p| p.report.shard.map(|s| s.index));
    let reports: Vec<Report> = parts.iter().map(|p| p.report.clone()).collect();
    let merged = merge::merge(&reports, args.bootstrap.resamples, args.bootstrap.seed)?;

    // Written whole into a fresh folder that replaces --out at the end, as `run` writes.
    let folder = ReportFolder::begin(&target)?;
    let mut outcomes = Vec::new();
    for part in &parts {
        outcomes.extend(lines_of(&part.folder, Path::new("outcomes.jsonl"))?);
    }
    for name in merged.extractors.keys() {
        let relative = format!("predictions/{name}.jsonl");
        let mut spans = Vec::new();
        for part in &parts {
            spans.extend(lines_of(&part.folder, Path::new(&relative))?);
        }
        folder.write(&relative, &spans)?;
    }
    folder.write("outcomes.jsonl", &outcomes)?;
    folder.write("report.md", markdown::render(&merged).as_bytes())?;
    folder.write_with("report.json", |w| crate::report::json::write_report(w, &merged))?;
    folder.commit()?;
    print!("{}", terminal::render(&merged, args.digits, false));
    eprintln!("merged {} shards into {}", parts.len(), args.out.join("report.json").display());
    Ok(ExitCode::SUCCESS)
}
