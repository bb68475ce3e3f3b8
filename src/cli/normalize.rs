//! `mizan normalize DATASET --out DIR [--profile light|search|full] [--with STEP,…]
//! [--without STEP,…]`: the dataset with its text normalised and every gold span remapped; a
//! span that cannot follow is listed (`file:line: …`) and not written.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::arabic::Steps;
use crate::dataset::normalize::{normalize_dataset, span_source};
use crate::dataset::DatasetFolder;
use crate::Manifest;
use anyhow::Context;

use crate::cli::common::{plural, DatasetArgs};
use crate::cli::output::{check_output_folder, write_dataset_from};
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dataset: DatasetArgs,
    /// The folder to write the normalised dataset to (new or empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The set of steps to start from (docs/curation.md has the table).
    #[arg(long, default_value = "search", value_parser = ["light", "search", "full"])]
    profile: String,
    /// Steps to add: controls, tatweel, diacritics, alef, ya, persian, ta-marbuta, hamza, digits, whitespace, nfc, nfkc.
    #[arg(long = "with", value_name = "STEP", value_delimiter = ',')]
    with: Vec<String>,
    /// Steps to leave out (same names).
    #[arg(long, value_name = "STEP", value_delimiter = ',')]
    without: Vec<String>,
    /// Write into a folder that is not empty (replacing a dataset there).
    #[arg(long)]
    force: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// The profile with `--with` and `--without` applied.
pub(crate) fn steps_of(profile: &str, with: &[String], without: &[String]) -> anyhow::Result<Steps> {
    let mut steps: Steps = profile.parse().map_err(anyhow::Error::msg)?;
    for name in with {
        steps.set(name, true).map_err(|e| anyhow::anyhow!("--with: {e}"))?;
    }
    for name in without {
        steps.set(name, false).map_err(|e| anyhow::anyhow!("--without: {e}"))?;
    }
    Ok(steps)
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let steps = steps_of(&args.profile, &args.with, &args.without)?;
    let spec = args.dataset.spec();
    check_output_folder(&args.out, &[&spec], args.force)?;
    let Ok(dataset) = args.dataset.load_checked(progress)? else {
        return Ok(ExitCode::from(1));
    };
    let normalized = normalize_dataset(&dataset.articles, &dataset.gold, &steps);
    for loss in &normalized.lost {
        let at = span_source(&dataset, loss.index).unwrap_or_else(|| loss.span.article_id.clone());
        let span = &loss.span;
        let what = match loss.reason {
            "vanished" => "its text vanishes under the normalisation".to_string(),
            "changed" => format!("would become «{}» instead of «{}»: a boundary cuts a character cluster", loss.found, loss.expected),
            other => other.to_string(),
        };
        eprintln!("{at}: span {}..{} {} «{}» not written: {what}", span.start, span.end, span.label, loss.raw);
    }
    let manifest = Manifest::derived(&dataset, &normalized.articles, format!("Normalised by mizan ({steps}) from {}.", dataset.name));
    let folder = DatasetFolder { manifest: &manifest, articles: &normalized.articles, gold: &normalized.gold };
    write_dataset_from(&args.out, &folder, args.force, Some(&dataset.fingerprint())).with_context(|| format!("writing {}", args.out.display()))?;

    let mut per_layer: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for span in &dataset.gold {
        per_layer.entry(&span.layer).or_default().0 += 1;
    }
    for span in &normalized.gold {
        per_layer.entry(&span.layer).or_default().1 += 1;
    }
    if args.json {
        let summary = serde_json::json!({
            "steps": steps.names(),
            "articles": dataset.articles.len(),
            "changed_articles": normalized.changed_articles,
            "characters": {"before": normalized.chars_before, "after": normalized.chars_after},
            "spans": per_layer.iter().map(|(layer, (before, after))| (layer.to_string(), serde_json::json!({"before": before, "written": after}))).collect::<serde_json::Map<_, _>>(),
            "lost": normalized.lost.iter().map(|l| l.to_json()).collect::<Vec<_>>(),
            "out": args.out.display().to_string(),
        });
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "normalised {} ({} changed) with {steps}: {} → {}",
            plural(dataset.articles.len() as u64, "article", "articles"),
            normalized.changed_articles,
            plural(normalized.chars_before as u64, "character", "characters"),
            plural(normalized.chars_after as u64, "character", "characters"),
        );
        for (layer, (before, after)) in &per_layer {
            println!("  {layer}: {after} of {} written", plural(*before, "span", "spans"));
        }
        println!("written to {}", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}
