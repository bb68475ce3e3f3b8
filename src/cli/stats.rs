//! `mizan stats DATASET [--json]`: articles, characters and spans per layer, label and split,
//! the content fingerprint, and the version the manifest records (checked against it).

use std::process::ExitCode;

use crate::dataset::{Dataset, Stats, Summary};
use crate::model::{for_terminal, lines_for_terminal};
use anyhow::Context;

use crate::cli::common::{plural, report_problems, thousands, DatasetArgs};
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Print JSON: {"articles": N, "characters": N, "spans": {layer: {label: N}}, "splits": {...}}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let (summary, diagnostics) = Dataset::summarize(&args.dataset.spec(), true, progress).context("loading the dataset")?;
    if report_problems(&diagnostics) {
        return Ok(ExitCode::from(1));
    }
    let Summary { stats, fingerprint, version_fingerprint, manifest, .. } = summary;
    let fingerprint = fingerprint.unwrap_or_default();
    let version = manifest.as_ref().and_then(|m| m.version.as_ref());
    // A version written before mizan 0.2.0 recorded the fingerprint of that definition.
    let recorded_as = version_fingerprint.as_ref().unwrap_or(&fingerprint);
    if args.json {
        let mut json = serde_json::to_value(&stats)?;
        if let Some(object) = json.as_object_mut() {
            object.insert("fingerprint".into(), fingerprint.clone().into());
            if let Some(version) = version {
                let mut recorded = serde_json::to_value(version)?;
                recorded["matches"] = (version.fingerprint == *recorded_as).into();
                object.insert("version".into(), recorded);
            }
        }
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print!("{}", lines_for_terminal(&render(&stats)));
        println!("\nfingerprint {fingerprint}");
        if let Some(version) = version {
            let state = if version.fingerprint == *recorded_as { "matches the content" } else { "differs: the files changed since" };
            println!("version {} ({state}), written {} by `{}`", version.fingerprint, version.created, version.command);
            if version_fingerprint.is_some() {
                println!("(a fingerprint as mizan before 0.2.0 defined it; a command that writes the folder, such as `mizan import`, records the one above)");
            }
            if let Some(parent) = &version.parent {
                println!("made from the dataset with fingerprint {parent}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The terminal table: one row per layer and label, a column per split when there are splits.
fn render(stats: &Stats) -> String {
    let mut out = format!("{}: {}, {}\n", stats.dataset, plural(stats.articles, "article", "articles"), plural(stats.characters, "character", "characters"));
    for (name, split) in &stats.splits {
        out.push_str(&format!("  split {name}: {}\n", plural(split.articles, "article", "articles")));
    }
    if stats.spans.is_empty() {
        out.push_str("no gold spans\n");
        return out;
    }
    let splits: Vec<&String> = stats.splits.keys().collect();
    let mut header = vec!["layer".to_string(), "label".to_string(), "spans".to_string()];
    header.extend(splits.iter().map(|s| for_terminal(s).into_owned()));
    let mut rows = vec![header];
    for (layer, labels) in &stats.spans {
        for (label, count) in labels {
            let mut row = vec![for_terminal(layer).into_owned(), for_terminal(label).into_owned(), thousands(*count)];
            for split in &splits {
                let n = stats.splits[*split].spans.get(layer).and_then(|l| l.get(label)).copied().unwrap_or(0);
                row.push(thousands(n));
            }
            rows.push(row);
        }
        let total: u64 = labels.values().sum();
        let mut row = vec![for_terminal(layer).into_owned(), "(all)".to_string(), thousands(total)];
        for split in &splits {
            let n: u64 = stats.splits[*split].spans.get(layer).map_or(0, |l| l.values().sum());
            row.push(thousands(n));
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    out.push('\n');
    for row in rows {
        let cells: Vec<String> =
            row.iter().enumerate().map(|(c, cell)| if c < 2 { format!("{cell:<w$}", w = widths[c]) } else { format!("{cell:>w$}", w = widths[c]) }).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
