//! `mizan leakage TRAIN TEST [--train-split S] [--test-split S] [--fail-above RATE] [--json]`:
//! test articles that duplicate training articles, and the share of test gold mentions whose
//! surface the training gold already has, per layer and label.

use std::collections::HashSet;
use std::process::ExitCode;

use crate::dataset::leakage::{find_leakage, Leakage};
use crate::{Article, Dataset, DatasetSpec, Span};
use anyhow::Context;

use crate::cli::common::{plural, report_problems};
use crate::cli::dedupe::{unit_interval, NearArgs};
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The training dataset (name or folder).
    #[arg(value_name = "TRAIN")]
    train: String,
    /// The test dataset (name or folder; may be TRAIN itself with --train-split/--test-split).
    #[arg(value_name = "TEST")]
    test: String,
    /// Use only TRAIN's articles whose `split` is this.
    #[arg(long, value_name = "SPLIT")]
    train_split: Option<String>,
    /// Use only TEST's articles whose `split` is this.
    #[arg(long, value_name = "SPLIT")]
    test_split: Option<String>,
    #[command(flatten)]
    near: NearArgs,
    /// Exit 1 when the share of duplicated test articles is above RATE (0–1).
    #[arg(long, value_name = "RATE", value_parser = rate)]
    fail_above: Option<f64>,
    /// Exit 1 when the seen-entity rate is above RATE (0–1).
    #[arg(long, value_name = "RATE", value_parser = rate)]
    fail_above_seen: Option<f64>,
    /// Print the findings as JSON.
    #[arg(long)]
    json: bool,
    /// Test articles listed in the terminal (all of them are in --json).
    #[arg(long, default_value_t = 20)]
    show: usize,
}

fn rate(value: &str) -> Result<f64, String> {
    if value == "0" {
        return Ok(0.0);
    }
    unit_interval(value)
}

/// A dataset's articles and gold, restricted to one split when asked.
fn load(name: &str, split: Option<&str>, progress: &Bar) -> anyhow::Result<Option<(Vec<Article>, Vec<Span>)>> {
    let (dataset, diagnostics) = Dataset::load(&DatasetSpec::Named(name.to_string()), progress).with_context(|| format!("loading {name}"))?;
    if report_problems(&diagnostics) {
        return Ok(None);
    }
    let Some(split) = split else {
        return Ok(Some((dataset.articles, dataset.gold)));
    };
    let articles: Vec<Article> = dataset.articles.into_iter().filter(|a| a.metadata.get("split").map(String::as_str) == Some(split)).collect();
    if articles.is_empty() {
        anyhow::bail!("{name}: no article has split `{split}`; `mizan stats {name}` lists the splits");
    }
    let ids: HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    let gold = dataset.gold.iter().filter(|s| ids.contains(s.article_id.as_str())).cloned().collect();
    Ok(Some((articles, gold)))
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let Some(train) = load(&args.train, args.train_split.as_deref(), progress)? else { return Ok(ExitCode::from(1)) };
    let Some(test) = load(&args.test, args.test_split.as_deref(), progress)? else { return Ok(ExitCode::from(1)) };
    let options = args.near.options();
    let found = find_leakage((&train.0, &train.1), (&test.0, &test.1), &options);
    if args.json {
        let mut json = serde_json::to_value(&found)?;
        json["article_rate"] = found.article_rate().into();
        json["seen_entity_rate"] = found.entities.rate().into();
        json["threshold"] = options.threshold.into();
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print!("{}", render(&found, options.threshold, args.show));
    }
    let over = |limit: Option<f64>, value: f64, what: &str| {
        let over = limit.is_some_and(|l| value > l);
        if over {
            eprintln!("leakage: {what} {:.2}% is above --fail-above {:.2}%", 100.0 * value, 100.0 * limit.unwrap_or(0.0));
        }
        over
    };
    let failed =
        over(args.fail_above, found.article_rate(), "duplicated test articles") | over(args.fail_above_seen, found.entities.rate(), "seen-entity rate");
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * part as f64 / whole as f64)
    }
}

fn render(found: &Leakage, threshold: f64, show: usize) -> String {
    let exact = found.leaks.iter().filter(|l| l.exact).count();
    let mut out = format!(
        "{} of {} duplicate a training article ({}; {exact} exact after normalisation, {} near at Jaccard ≥ {threshold}); {} training articles\n",
        plural(found.leaks.len() as u64, "test article", "test articles"),
        found.test_articles,
        percent(found.leaks.len() as u64, found.test_articles as u64),
        found.leaks.len() - exact,
        found.train_articles
    );
    for leak in found.leaks.iter().take(show) {
        out.push_str(&format!("  {} ← {}  {:.3}{}\n", leak.test, leak.train, leak.similarity, if leak.exact { "  exact" } else { "" }));
    }
    if found.leaks.len() > show {
        out.push_str(&format!("  … and {} more (--show N, or --json for all)\n", found.leaks.len() - show));
    }
    let e = &found.entities;
    out.push_str(&format!(
        "seen entities: {} of {} test gold mentions have their surface in the training gold ({}; {} with the same label)\n",
        e.seen,
        e.mentions,
        percent(e.seen, e.mentions),
        percent(e.seen_same_label, e.mentions)
    ));
    for (layer, labels) in &found.per_label {
        for (label, c) in labels {
            out.push_str(&format!(
                "  {layer:<10} {label:<12} {:>7} of {:>7}  {:>6}  same label {:>6}\n",
                c.seen,
                c.mentions,
                percent(c.seen, c.mentions),
                percent(c.seen_same_label, c.mentions)
            ));
        }
    }
    out
}
