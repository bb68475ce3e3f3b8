//! `mizan dedupe DATASET [--threshold 0.8] [--shingles words|chars] [--k N] [--out DIR]
//! [--json]`: exact and near-duplicate articles as clusters; `--out` writes the dataset with
//! one article per cluster (the one with the most gold, then the first) and its gold.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::dataset::dedupe::{find_duplicates, NearOptions};
use crate::dataset::minhash::Shingles;
use crate::dataset::DatasetFolder;
use crate::Manifest;

use crate::cli::common::{plural, DatasetArgs};
use crate::cli::output::{check_output_folder, write_dataset_from};
use crate::cli::progress::Bar;

/// Near-duplicate options several commands share.
#[derive(Debug, clap::Args)]
pub struct NearArgs {
    /// Jaccard similarity of shingle sets at or above which two articles are near duplicates.
    #[arg(long, default_value_t = 0.8, value_parser = unit_interval)]
    pub threshold: f64,
    /// Shingles of words or of characters.
    #[arg(long, default_value = "words", value_parser = ["words", "chars"])]
    pub shingles: String,
    /// Shingle length (default 3 words or 5 characters).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub k: Option<u16>,
}

impl NearArgs {
    pub fn options(&self) -> NearOptions {
        let shingles = match (self.shingles.as_str(), self.k) {
            ("chars", k) => Shingles::Chars(k.map_or(5, usize::from)),
            (_, k) => Shingles::Words(k.map_or(3, usize::from)),
        };
        NearOptions { threshold: self.threshold, shingles }
    }
}

pub fn unit_interval(value: &str) -> Result<f64, String> {
    let x: f64 = value.parse().map_err(|_| format!("`{value}` is not a number"))?;
    if (0.0..=1.0).contains(&x) && x > 0.0 {
        Ok(x)
    } else {
        Err(format!("{value} is outside (0, 1]"))
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dataset: DatasetArgs,
    #[command(flatten)]
    near: NearArgs,
    /// Write the deduplicated dataset here (new or empty folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write into a folder that is not empty.
    #[arg(long)]
    force: bool,
    /// Print the clusters as JSON.
    #[arg(long)]
    json: bool,
    /// Clusters listed in the terminal (all of them are in --json).
    #[arg(long, default_value_t = 50)]
    show: usize,
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let spec = args.dataset.spec();
    if let Some(out) = &args.out {
        check_output_folder(out, &[&spec], args.force)?;
    }
    let Ok(dataset) = args.dataset.load_checked(progress)? else {
        return Ok(ExitCode::from(1));
    };
    let mut per_article: HashMap<&str, usize> = HashMap::new();
    for span in &dataset.gold {
        *per_article.entry(span.article_id.as_str()).or_default() += 1;
    }
    let gold_counts: Vec<usize> = dataset.articles.iter().map(|a| per_article.get(a.id.as_str()).copied().unwrap_or(0)).collect();
    let options = args.near.options();
    let found = find_duplicates(&dataset.articles, &gold_counts, &options);

    if args.json {
        let json = serde_json::json!({
            "articles": dataset.articles.len(),
            "threshold": options.threshold,
            "clusters": found.clusters.iter().map(|c| serde_json::json!({
                "keep": c.members[0].id,
                "members": c.members.iter().map(|m| serde_json::json!({"id": m.id, "similarity": m.similarity, "exact": m.exact, "gold_spans": gold_counts[m.index]})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "duplicates": found.removed,
            "candidate_pairs": found.candidates,
            "confirmed_pairs": found.confirmed,
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        for (n, cluster) in found.clusters.iter().enumerate().take(args.show) {
            let kept = &cluster.members[0];
            println!("cluster {}: keep {} ({})", n + 1, kept.id, plural(gold_counts[kept.index] as u64, "gold span", "gold spans"));
            for member in &cluster.members[1..] {
                let kind = if member.exact { "exact after normalisation" } else { "near" };
                println!("  {}  {:.3}  {kind}", member.id, member.similarity);
            }
        }
        if found.clusters.len() > args.show {
            let more = found.clusters.len() - args.show;
            println!("… and {more} more {} (--show N, or --json for all)", if more == 1 { "cluster" } else { "clusters" });
        }
        println!(
            "{}: {} in {}, threshold {} ({} candidate pairs, {} confirmed)",
            dataset.name,
            plural(found.removed as u64, "duplicate article", "duplicate articles"),
            plural(found.clusters.len() as u64, "cluster", "clusters"),
            options.threshold,
            found.candidates,
            found.confirmed
        );
    }

    if let Some(out) = &args.out {
        let removed: HashSet<usize> = found.clusters.iter().flat_map(|c| c.members[1..].iter().map(|m| m.index)).collect();
        let articles: Vec<_> = dataset.articles.iter().enumerate().filter(|(i, _)| !removed.contains(i)).map(|(_, a)| a.clone()).collect();
        let kept: HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        let gold: Vec<_> = dataset.gold.iter().filter(|s| kept.contains(s.article_id.as_str())).cloned().collect();
        let description = format!("Deduplicated by mizan from {} (threshold {}, one article kept per cluster).", dataset.name, options.threshold);
        let manifest = Manifest::derived(&dataset, &articles, description);
        write_dataset_from(out, &DatasetFolder { manifest: &manifest, articles: &articles, gold: &gold }, args.force, Some(&dataset.fingerprint()))?;
        eprintln!(
            "wrote {} and {} to {}",
            plural(articles.len() as u64, "article", "articles"),
            plural(gold.len() as u64, "gold span", "gold spans"),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
