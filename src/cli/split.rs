//! `mizan split DATASET --ratios 80,10,10 [--names train,dev,test] [--seed S] [--by COLUMN]
//! [--stratify LABEL] --out DIR`: a deterministic split that keeps near-duplicate clusters
//! (and, with `--by`, metadata values) inside one split, written into the manifest; prints
//! the label counts of each split.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::dataset::split::{split, SplitOptions};
use crate::dataset::DatasetFolder;
use crate::Manifest;

use crate::cli::common::{plural, thousands, DatasetArgs};
use crate::cli::dedupe::NearArgs;
use crate::cli::output::{check_output_folder, write_dataset_from};
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Split weights, e.g. 80,10,10 (any positive numbers; they are normalised).
    #[arg(long, value_delimiter = ',', required = true)]
    ratios: Vec<f64>,
    /// Split names (default train,dev,test for three ratios, train,test for two).
    #[arg(long, value_delimiter = ',')]
    names: Vec<String>,
    /// Seed of the stable hash that places each article.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Keep articles with the same value of this metadata field in one split (source, date, …).
    #[arg(long, value_name = "COLUMN")]
    by: Option<String>,
    /// Balance the articles that hold a gold span with this label across the splits.
    #[arg(long, value_name = "LABEL")]
    stratify: Option<String>,
    /// Do not look for near duplicates (articles are then placed by id alone).
    #[arg(long)]
    allow_duplicates_across: bool,
    #[command(flatten)]
    near: NearArgs,
    /// The folder to write the split dataset to (new or empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write into a folder that is not empty.
    #[arg(long)]
    force: bool,
    /// Print the per-split counts as JSON.
    #[arg(long)]
    json: bool,
}

fn names(args: &Args) -> anyhow::Result<Vec<String>> {
    if !args.names.is_empty() {
        if args.names.len() != args.ratios.len() {
            anyhow::bail!("--names gives {} names for {} ratios; give one name per ratio", args.names.len(), args.ratios.len());
        }
        return Ok(args.names.clone());
    }
    let defaults: &[&str] = match args.ratios.len() {
        2 => &["train", "test"],
        3 => &["train", "dev", "test"],
        n => anyhow::bail!("{n} ratios need --names (train,dev,test and train,test are the defaults for three and two)"),
    };
    Ok(defaults.iter().map(|s| s.to_string()).collect())
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let names = names(&args)?;
    let spec = args.dataset.spec();
    check_output_folder(&args.out, &[&spec], args.force)?;
    let Ok(dataset) = args.dataset.load_checked(progress)? else {
        return Ok(ExitCode::from(1));
    };
    if let Some(label) = &args.stratify {
        if !dataset.gold.iter().any(|s| &s.label == label) {
            anyhow::bail!("--stratify {label}: no gold span has that label; `mizan stats` lists the labels");
        }
    }
    let options = SplitOptions {
        ratios: names.iter().cloned().zip(args.ratios.iter().copied()).collect(),
        seed: args.seed,
        by: args.by.clone(),
        stratify: args.stratify.clone(),
        near: (!args.allow_duplicates_across).then(|| args.near.options()),
    };
    let found = split(&dataset.articles, &dataset.gold, &options)?;

    let split_of: HashMap<&str, &str> = found.splits.iter().flat_map(|(name, ids)| ids.iter().map(move |id| (id.as_str(), name.as_str()))).collect();
    let mut articles = dataset.articles.clone();
    for article in &mut articles {
        if let Some(name) = split_of.get(article.id.as_str()) {
            article.metadata.insert("split".into(), name.to_string());
        }
    }
    let mut manifest = Manifest::derived(&dataset, &articles, format!("Split by mizan from {} ({}).", dataset.name, describe(&options)));
    manifest.splits = found.splits.clone();
    write_dataset_from(&args.out, &DatasetFolder { manifest: &manifest, articles: &articles, gold: &dataset.gold }, args.force, Some(&dataset.fingerprint()))?;

    // Per split: articles and spans per layer and label.
    let mut counts: BTreeMap<&str, BTreeMap<(&str, &str), u64>> = names.iter().map(|n| (n.as_str(), BTreeMap::new())).collect();
    for span in &dataset.gold {
        if let Some(name) = split_of.get(span.article_id.as_str()) {
            *counts.entry(name).or_default().entry((span.layer.as_str(), span.label.as_str())).or_default() += 1;
        }
    }
    if args.json {
        let json: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .map(|name| {
                let mut layers: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
                for (&(layer, label), &n) in &counts[name.as_str()] {
                    layers.entry(layer).or_default().insert(label, n);
                }
                (name.clone(), serde_json::json!({"articles": found.splits[name].len(), "spans": layers}))
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"splits": json, "groups": found.groups, "joined_groups": found.joined_groups}))?);
    } else {
        print!("{}", render(&names, &found.splits, &counts));
        println!(
            "{} kept whole ({} of several articles); written to {}",
            plural(found.groups as u64, "group", "groups"),
            thousands(found.joined_groups as u64),
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(options: &SplitOptions) -> String {
    let ratios: Vec<String> = options.ratios.iter().map(|(n, r)| format!("{n} {r}")).collect();
    let mut parts = vec![ratios.join(", "), format!("seed {}", options.seed)];
    if let Some(by) = &options.by {
        parts.push(format!("by {by}"));
    }
    if let Some(label) = &options.stratify {
        parts.push(format!("stratified on {label}"));
    }
    if let Some(near) = &options.near {
        parts.push(format!("near duplicates kept together at Jaccard {}", near.threshold));
    }
    parts.join("; ")
}

/// A table: one row per layer and label, a column per split, then an articles row.
fn render(names: &[String], splits: &BTreeMap<String, Vec<String>>, counts: &BTreeMap<&str, BTreeMap<(&str, &str), u64>>) -> String {
    let mut keys: Vec<(&str, &str)> = counts.values().flat_map(|c| c.keys().copied()).collect();
    keys.sort();
    keys.dedup();
    let mut rows = vec![std::iter::once("".to_string()).chain(names.iter().cloned()).collect::<Vec<_>>()];
    rows.push(std::iter::once("articles".to_string()).chain(names.iter().map(|n| thousands(splits[n].len() as u64))).collect());
    for (layer, label) in keys {
        let cells = names.iter().map(|n| thousands(counts[n.as_str()].get(&(layer, label)).copied().unwrap_or(0)));
        rows.push(std::iter::once(format!("{layer} {label}")).chain(cells).collect());
    }
    let widths: Vec<usize> = (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> =
            row.iter().enumerate().map(|(c, cell)| if c == 0 { format!("{cell:<w$}", w = widths[c]) } else { format!("{cell:>w$}", w = widths[c]) }).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
