//! `mizan score --gold G --pred P [--articles A]`: scores two span files with nervaluate's four
//! schemes, per label, with averages, attributes, the confusion table and slices; a terminal
//! table by default, JSON with `--json`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use mizan::dataset::{load_articles, load_span_file, ArticleFormat, ArticleSet};
use mizan::load::{articles_frame, Diagnostics};
use mizan::model::{for_terminal, lines_for_terminal, DEFAULT_LAYER};
use mizan::report::terminal::align;
use mizan::report::LayerReport;
use mizan::score::bootstrap::Confidence;
use mizan::score::evaluate::{layers_of, MISSED, SPURIOUS};
use mizan::score::scheme::{macro_average, weighted_average};
use mizan::score::slices::{slice_by, Slice};
use mizan::score::{metrics, score_layer, LayerScore, Scheme};
use mizan::Span;

use crate::cli::common::{plural, report_problems, thousands};
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Gold span JSONL (repeat for several files).
    #[arg(long, required = true, value_name = "FILE")]
    gold: Vec<PathBuf>,
    /// Predicted span JSONL (repeat for several files).
    #[arg(long, required = true, value_name = "FILE")]
    pred: Vec<PathBuf>,
    /// Articles (JSONL or a folder of .txt): checks offsets and `text`, and sets the articles
    /// scored (default: every article id in gold or predictions).
    #[arg(long, value_name = "FILE")]
    articles: Option<PathBuf>,
    /// Score only this layer.
    #[arg(long)]
    layer: Option<String>,
    /// Also score per value of an article metadata column (needs --articles; repeatable).
    #[arg(long, value_name = "COLUMN", requires = "articles")]
    slice_by: Vec<String>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// Bootstrap resamples for confidence intervals of the strict micro figures (0: none).
    #[arg(long, default_value_t = mizan::score::bootstrap::RESAMPLES)]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = mizan::score::bootstrap::SEED)]
    seed: u64,
    /// Digits after the decimal point in tables.
    #[arg(long, default_value_t = 4)]
    digits: usize,
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let mut diagnostics = Diagnostics::default();
    let articles: Option<ArticleSet> = match &args.articles {
        Some(path) => {
            if !path.exists() {
                bail!("{}: {}", path.display(), mizan::load::missing_path_message(path));
            }
            let format = if path.is_dir() { ArticleFormat::Txt } else { ArticleFormat::Jsonl };
            Some(load_articles(path, format, &mut diagnostics, progress)?)
        }
        None => None,
    };
    let read = |paths: &[PathBuf], diagnostics: &mut Diagnostics| -> anyhow::Result<Vec<Span>> {
        let mut spans = Vec::new();
        for path in paths {
            let checked = load_span_file(path, None, articles.as_ref(), None, diagnostics, progress)?;
            spans.extend(checked.into_iter().map(|c| c.span));
        }
        Ok(spans)
    };
    let gold = read(&args.gold, &mut diagnostics)?;
    let pred = read(&args.pred, &mut diagnostics)?;
    if report_problems(&diagnostics) {
        return Ok(ExitCode::from(1));
    }

    let ids: Vec<String> = match &articles {
        Some(set) => set.articles.iter().map(|a| a.id.clone()).collect(),
        None => gold.iter().chain(&pred).map(|s| s.article_id.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
    };
    let mut layers = layers_of(&gold, &pred, args.layer.as_deref());
    if layers.is_empty() {
        if let Some(layer) = args.layer.as_ref().filter(|_| !gold.is_empty() || !pred.is_empty()) {
            let present = layers_of(&gold, &pred, None).join(", ");
            bail!("no span in layer `{layer}` in the gold or the predictions (layers present: {present})");
        }
        // Nothing to compare is a valid evaluation: every count is zero.
        let layer = args.layer.clone().unwrap_or_else(|| DEFAULT_LAYER.to_string());
        eprintln!("note: the gold and the predictions hold no spans; layer `{}` scores zero", for_terminal(&layer));
        layers.push(layer);
    }
    let frame = match &articles {
        Some(set) => Some(articles_frame(&set.articles).context("building the articles frame")?),
        None => None,
    };
    let mut scored = Vec::new();
    for layer in &layers {
        let score = score_layer(layer, &ids, &gold, &pred);
        let mut slices = BTreeMap::new();
        if let Some(frame) = &frame {
            for column in &args.slice_by {
                slices.insert(column.clone(), slice_by(&score, frame, column)?);
            }
        }
        scored.push((score, slices));
    }

    let reports: Vec<LayerReport> = scored.iter().map(|(score, slices)| LayerReport::new(score, slices, args.bootstrap, args.seed)).collect();
    if args.json {
        let primary = reports.iter().position(|r| r.layer == DEFAULT_LAYER).unwrap_or(0);
        let mut out = serde_json::to_value(&reports[primary])?;
        out["layers"] = serde_json::to_value(reports.iter().map(|r| (r.layer.clone(), r)).collect::<BTreeMap<_, _>>())?;
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for (k, ((score, slices), report)) in scored.iter().zip(&reports).enumerate() {
            if k > 0 {
                println!();
            }
            print!("{}", lines_for_terminal(&render(score, slices, report.confidence.as_ref(), args.digits)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The terminal rendering of one layer.
fn render(score: &LayerScore, slices: &BTreeMap<String, BTreeMap<String, Slice>>, confidence: Option<&Confidence>, digits: usize) -> String {
    let figure = |x: f64| format!("{x:.digits$}");
    let mut out = format!(
        "layer {}: {} gold and {} predicted spans, {}\n\n",
        score.layer,
        thousands(score.gold_spans),
        thousands(score.predicted_spans),
        plural(score.per_article.len() as u64, "article", "articles"),
    );
    let header = ["scheme", "correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1"];
    let mut rows = vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    let mut scheme_row = |name: &str, m: mizan::score::Metrics| {
        rows.push(vec![
            name.to_string(),
            m.correct.to_string(),
            m.incorrect.to_string(),
            m.partial.to_string(),
            m.missed.to_string(),
            m.spurious.to_string(),
            figure(m.precision),
            figure(m.recall),
            figure(m.f1),
        ]);
    };
    for scheme in Scheme::ALL {
        scheme_row(scheme.name(), metrics(scheme, &score.overall[scheme]));
    }
    if score.has_attributes() {
        scheme_row("strict+attrs", metrics(Scheme::Strict, &score.strict_attrs));
    }
    out.push_str(&align(&rows, 1));
    if let Some(c) = confidence {
        out.push_str(&c.describe(digits));
        out.push('\n');
    }

    out.push_str("\nper label (strict; each label scored on its own)\n");
    let mut rows = vec![["label", "gold", "predicted", "precision", "recall", "f1"].iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for (label, counts) in &score.per_label {
        let m = metrics(Scheme::Strict, &counts[Scheme::Strict]);
        rows.push(vec![label.clone(), m.possible.to_string(), m.actual.to_string(), figure(m.precision), figure(m.recall), figure(m.f1)]);
    }
    let strict = metrics(Scheme::Strict, &score.overall[Scheme::Strict]);
    let (gold, pred) = (score.gold_spans.to_string(), score.predicted_spans.to_string());
    rows.push(vec!["micro avg".into(), gold.clone(), pred.clone(), figure(strict.precision), figure(strict.recall), figure(strict.f1)]);
    let (p, r, f) = macro_average(&score.per_label, Scheme::Strict);
    rows.push(vec!["macro avg".into(), gold.clone(), pred.clone(), figure(p), figure(r), figure(f)]);
    let (p, r, f) = weighted_average(&score.per_label, Scheme::Strict);
    rows.push(vec!["weighted avg".into(), gold, pred, figure(p), figure(r), figure(f)]);
    out.push_str(&align(&rows, 1));

    if !score.attributes.is_empty() {
        out.push_str("\nattributes (pairs that overlap with the same label)\n");
        let mut rows = vec![vec!["attribute".to_string(), "compared".into(), "correct".into(), "accuracy".into()]];
        for (name, counts) in &score.attributes {
            rows.push(vec![name.clone(), counts.compared.to_string(), counts.correct.to_string(), figure(counts.accuracy())]);
        }
        out.push_str(&align(&rows, 1));
    }

    out.push_str("\nconfusion (rows: gold, columns: predicted)\n");
    let mut gold_labels: BTreeSet<&str> = score.confusion.keys().map(|(g, _)| g.as_str()).filter(|g| *g != SPURIOUS).collect();
    let mut pred_labels: BTreeSet<&str> = score.confusion.keys().map(|(_, p)| p.as_str()).filter(|p| *p != MISSED).collect();
    let all: BTreeSet<&str> = gold_labels.union(&pred_labels).copied().collect();
    gold_labels.clone_from(&all);
    pred_labels.clone_from(&all);
    let mut header = vec![String::new()];
    header.extend(pred_labels.iter().map(|s| s.to_string()));
    header.push(MISSED.into());
    let mut rows = vec![header];
    for g in gold_labels.iter().copied().chain([SPURIOUS]) {
        let mut row = vec![g.to_string()];
        for p in pred_labels.iter().copied().chain([MISSED]) {
            let n = score.confusion.get(&(g.to_string(), p.to_string())).copied().unwrap_or(0);
            row.push(if g == SPURIOUS && p == MISSED { String::new() } else { n.to_string() });
        }
        rows.push(row);
    }
    out.push_str(&align(&rows, 1));

    for (column, groups) in slices {
        out.push_str(&format!("\nby {column} (strict)\n"));
        let mut rows = vec![["value", "articles", "gold", "predicted", "precision", "recall", "f1"].iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        for (name, slice) in groups {
            let m = metrics(Scheme::Strict, &slice.counts[Scheme::Strict]);
            rows.push(vec![
                name.clone(),
                slice.articles.to_string(),
                m.possible.to_string(),
                m.actual.to_string(),
                figure(m.precision),
                figure(m.recall),
                figure(m.f1),
            ]);
        }
        out.push_str(&align(&rows, 1));
    }
    out
}
