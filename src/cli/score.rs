//! `mizan score --gold G --pred P [--articles A]`: scores two span files with nervaluate's four
//! schemes, per label, with averages, attributes, the confusion table and slices; a terminal
//! table by default, JSON with `--json`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::dataset::{load_articles, load_span_file, ArticleFormat, ArticleSet};
use crate::load::{articles_frame, Diagnostics};
use crate::model::{for_terminal, lines_for_terminal, DEFAULT_LAYER};
use crate::progress::{NoProgress, Progress};
use crate::report::terminal::render_layer;
use crate::report::LayerReport;
use crate::score::compact::CleanSpans;
use crate::score::evaluate::layers_of;
use crate::score::evaluate::{score_layer_counts, LayerScore};
use crate::score::slices::slice_by;
use crate::score::slices::Slice;
use crate::Span;
use anyhow::{bail, Context};

use crate::cli::common::report_problems;
use crate::cli::common::BootstrapArgs;
use crate::cli::progress::Bar;
use crate::load::{read_predictions, AnnotationFormat};

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
    /// With --json, also every article's counts under `per_article` (what report.json keeps
    /// for significance tests; large for large inputs).
    #[arg(long, requires = "json")]
    per_article: bool,
    #[command(flatten)]
    bootstrap: BootstrapArgs,
    /// Digits after the decimal point in tables.
    #[arg(long, default_value_t = 4)]
    digits: usize,
    /// The predictions' format: spans (span JSONL, the default) or any `mizan import` reads —
    /// jsonl, conll, brat, label-studio, doccano, spacy (needs --articles, which their
    /// documents are matched to by id or text).
    #[arg(long, value_name = "FORMAT", default_value = "spans")]
    pred_format: AnnotationFormat,
    /// Score on the texts normalised by this profile (light, search, full; needs --articles):
    /// gold and predictions are mapped onto the normalised text first, as `run --normalize`.
    #[arg(long, value_name = "PROFILE", requires = "articles", value_parser = crate::cli::run::parse_profile)]
    normalize: Option<crate::run::Normalization>,
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    // Two clean span files and nothing else: the fast path (score::compact), which reads no
    // `Span`; files it does not take are read the general way, with all its messages.
    let simple = args.articles.is_none() && args.pred_format == AnnotationFormat::Spans && args.gold.len() == 1 && args.pred.len() == 1;
    let fast = match simple.then(|| open_both(&args.gold[0], &args.pred[0])).flatten() {
        Some((gold, pred)) => CleanSpans::read(gold, pred, DEFAULT_LAYER).map(|clean| score_clean(&clean, args.layer.as_deref())).transpose()?,
        None => None,
    };
    let scored = match fast {
        Some(scored) => scored,
        None => match score_generally(&args, progress)? {
            Ok(scored) => scored,
            Err(code) => return Ok(code),
        },
    };

    let (resamples, seed) = (args.bootstrap.resamples, args.bootstrap.seed);
    let reports: Vec<LayerReport> = scored
        .iter()
        .map(
            |(score, slices)| {
                if args.per_article {
                    LayerReport::new(score, slices, resamples, seed)
                } else {
                    LayerReport::summary(score, slices, resamples, seed)
                }
            },
        )
        .collect();
    if args.json {
        let primary = reports.iter().position(|r| r.layer == DEFAULT_LAYER).unwrap_or(0);
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        write_score_json(&mut stdout, &reports, primary)?;
        stdout.flush()?;
    } else {
        for (k, report) in reports.iter().enumerate() {
            if k > 0 {
                println!();
            }
            print!("{}", lines_for_terminal(&render_layer(report, args.digits)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A layer's scores and its slices (column → value → slice).
type Scored = (LayerScore, BTreeMap<String, BTreeMap<String, Slice>>);

/// Both files opened; `None` when either cannot be opened (the general reader then says why)
/// or is not a regular file: a pipe read here could not be read again by the general path.
fn open_both(gold: &Path, pred: &Path) -> Option<(std::fs::File, std::fs::File)> {
    if ![gold, pred].iter().all(|path| std::fs::metadata(path).is_ok_and(|m| m.is_file())) {
        return None;
    }
    Some((std::fs::File::open(gold).ok()?, std::fs::File::open(pred).ok()?))
}

/// Scores every layer of two clean files, or `only`.
fn score_clean(clean: &CleanSpans, only: Option<&str>) -> anyhow::Result<Vec<Scored>> {
    let present: Vec<String> = clean.layers().to_vec();
    let any = !present.is_empty();
    Ok(choose_layers(present, only, any)?.iter().map(|layer| (clean.score_layer(layer), BTreeMap::new())).collect())
}

/// The layers to score among those `present`: all of them, or `only`; a layer of its own
/// scoring zero when there are no spans at all.
fn choose_layers(present: Vec<String>, only: Option<&str>, any_spans: bool) -> anyhow::Result<Vec<String>> {
    let mut layers: Vec<String> = present.iter().filter(|l| only.is_none_or(|o| o == l.as_str())).cloned().collect();
    if layers.is_empty() {
        if let Some(layer) = only.filter(|_| any_spans) {
            bail!("no span in layer `{layer}` in the gold or the predictions (layers present: {})", present.join(", "));
        }
        // Nothing to compare is a valid evaluation: every count is zero.
        let layer = only.map_or_else(|| DEFAULT_LAYER.to_string(), str::to_string);
        eprintln!("note: the gold and the predictions hold no spans; layer `{}` scores zero", for_terminal(&layer));
        layers.push(layer);
    }
    Ok(layers)
}

/// Reads, checks and scores the files the general way: any format, articles, normalisation and
/// slices. `Err(code)` when the input has errors (they are printed).
fn score_generally(args: &Args, progress: &Bar) -> anyhow::Result<Result<Vec<Scored>, ExitCode>> {
    let mut diagnostics = Diagnostics::default();
    let articles: Option<ArticleSet> = match &args.articles {
        Some(path) => {
            if !path.exists() {
                bail!("{}: {}", path.display(), crate::load::missing_path_message(path));
            }
            let format = if path.is_dir() { ArticleFormat::Txt } else { ArticleFormat::Jsonl };
            Some(load_articles(path, format, &mut diagnostics, progress)?)
        }
        None => None,
    };
    // The gold and the predictions are read side by side, one core each; the progress bar
    // follows the gold. Problems are listed gold first, as they would be one after the other.
    let read = |paths: &[PathBuf], progress: &dyn Progress| -> anyhow::Result<(Vec<Span>, Diagnostics)> {
        let mut diagnostics = Diagnostics::default();
        let mut spans = Vec::new();
        for path in paths {
            let checked = load_span_file(path, None, articles.as_ref(), None, &mut diagnostics, progress)?;
            // Collected in place: the spans reuse the checked spans' memory.
            let mut these: Vec<Span> = checked.into_iter().map(|c| c.span).collect();
            these.shrink_to_fit();
            if spans.is_empty() {
                spans = these;
            } else {
                spans.append(&mut these);
            }
        }
        Ok((spans, diagnostics))
    };
    let read_pred = |progress: &dyn Progress| -> anyhow::Result<(Vec<Span>, Diagnostics)> {
        if args.pred_format == AnnotationFormat::Spans {
            return read(&args.pred, progress);
        }
        let Some(set) = articles.as_ref() else {
            bail!("--pred-format other than spans needs --articles: the documents are matched to the articles by id or text");
        };
        let mut diagnostics = Diagnostics::default();
        let mut spans = Vec::new();
        for path in &args.pred {
            spans.extend(read_predictions(path, args.pred_format, &set.articles, &mut diagnostics)?);
        }
        Ok((spans, diagnostics))
    };
    let (gold, pred) = rayon::join(|| read(&args.gold, progress), || read_pred(&NoProgress));
    let (gold, gold_problems) = gold?;
    let (pred, pred_problems) = pred?;
    diagnostics.extend(gold_problems);
    diagnostics.extend(pred_problems);
    if report_problems(&diagnostics) {
        return Ok(Err(ExitCode::from(1)));
    }

    let ids: Vec<String> = match &articles {
        Some(set) => set.articles.iter().map(|a| a.id.clone()).collect(),
        None => gold.iter().chain(&pred).map(|s| s.article_id.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
    };
    let layers = choose_layers(layers_of(&gold, &pred, None), args.layer.as_deref(), !gold.is_empty() || !pred.is_empty())?;
    // With --normalize, both sides move onto the normalised texts (what they lose is reported).
    let (gold, pred) = match (&args.normalize, &articles) {
        (Some(normalization), Some(set)) => {
            let normalized = crate::run::NormalizedTexts::new(&set.articles, normalization.steps);
            let (gold, gold_lost) = normalized.map(&gold);
            let (pred, pred_lost) = normalized.map(&pred);
            for (side, lost) in [("gold", &gold_lost), ("predicted", &pred_lost)] {
                for warning in lost.iter().take(10) {
                    eprintln!("warning: {side} span of `{}` not scored: {}", for_terminal(&warning.article_id), for_terminal(&warning.warning));
                }
                if lost.len() > 10 {
                    eprintln!("warning: … and {} more {side} spans not scored", lost.len() - 10);
                }
            }
            (gold, pred)
        }
        _ => (gold, pred),
    };
    let frame = match &articles {
        Some(set) => Some(articles_frame(&set.articles).context("building the articles frame")?),
        None => None,
    };
    let mut scored = Vec::new();
    for layer in &layers {
        let score = score_layer_counts(layer, &ids, &gold, &pred);
        let mut slices = BTreeMap::new();
        if let Some(frame) = &frame {
            for column in &args.slice_by {
                slices.insert(column.clone(), slice_by(&score, frame, column)?);
            }
        }
        scored.push((score, slices));
    }
    Ok(Ok(scored))
}

/// `mizan score --json`: the primary layer's report, and every layer's under `layers`, as
/// pretty JSON streamed to `out` with no JSON tree or copy of the text in memory (the text is
/// about three times the size of the span files). The `layers` copies are written through
/// [`Indented`], so the bytes are those of serialising the whole object at once; a test checks
/// that.
fn write_score_json(out: &mut impl Write, reports: &[LayerReport], primary: usize) -> anyhow::Result<()> {
    // `{\n  …fields…\n}` without its closing line, then `layers`, then the closing brace.
    let mut top = TrimClose { out: &mut *out, held: Vec::new() };
    serde_json::to_writer_pretty(&mut top, &reports[primary])?;
    let mut order: Vec<&LayerReport> = reports.iter().collect();
    order.sort_by(|a, b| a.layer.cmp(&b.layer));
    out.write_all(b",\n  \"layers\": {")?;
    for (k, report) in order.into_iter().enumerate() {
        out.write_all(if k == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *out, &report.layer)?;
        out.write_all(b": ")?;
        serde_json::to_writer_pretty(Indented { out: &mut *out }, report)?;
    }
    out.write_all(b"\n  }\n}\n")?;
    Ok(())
}

/// Passes bytes through but keeps back the last two, which are dropped: the `\n}` that closes
/// the object.
struct TrimClose<'a, W: Write> {
    out: &'a mut W,
    held: Vec<u8>,
}

impl<W: Write> Write for TrimClose<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if bytes.len() >= 2 {
            self.out.write_all(&self.held)?;
            self.out.write_all(&bytes[..bytes.len() - 2])?;
            self.held.clear();
            self.held.extend_from_slice(&bytes[bytes.len() - 2..]);
        } else {
            self.held.extend_from_slice(bytes);
            if self.held.len() > 2 {
                let ready = self.held.len() - 2;
                self.out.write_all(&self.held[..ready])?;
                self.held.drain(..ready);
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Indents pretty JSON by four more spaces: pretty JSON has raw line breaks only between
/// tokens (a newline inside a string is written `\n`), so it is a space run after each one.
struct Indented<'a, W: Write> {
    out: &'a mut W,
}

impl<W: Write> Write for Indented<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if !bytes.contains(&b'\n') {
            self.out.write_all(bytes)?;
            return Ok(bytes.len());
        }
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if n > 0 {
                self.out.write_all(b"\n    ")?;
            }
            self.out.write_all(line)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::score_layer;

    /// The streamed text is byte for byte what serialising the whole object gives.
    #[test]
    fn streamed_json_equals_the_whole_object_serialised() {
        let gold = [Span::new("a", 0, 5, "PER"), Span::new("a", 7, 9, "QUOTE").with_layer("quote").with_attr("speaker", "لافروف\n\"x\"")];
        let pred = [Span::new("a", 0, 5, "PER"), Span::new("b", 1, 3, "LOC")];
        let ids = vec!["a".to_string(), "b".to_string()];
        let reports: Vec<LayerReport> =
            ["ner", "quote"].iter().map(|layer| LayerReport::new(&score_layer(layer, &ids, &gold, &pred), &BTreeMap::new(), 10, 1)).collect();
        for primary in [0, 1] {
            let mut whole = serde_json::to_value(&reports[primary]).unwrap();
            whole["layers"] = serde_json::to_value(reports.iter().map(|r| (r.layer.clone(), r)).collect::<BTreeMap<_, _>>()).unwrap();
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            let mut streamed = Vec::new();
            write_score_json(&mut streamed, &reports, primary).unwrap();
            assert_eq!(String::from_utf8(streamed).unwrap(), expected);
        }
    }
}
