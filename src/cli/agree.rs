//! `mizan agree A B [C…] [--articles FILE] [--layer L] [--json] [--html FILE]`: agreement
//! between annotations of the same articles — span files (with `--articles`) or dataset
//! folders. Span F1 per scheme and label, token kappa per pair, Krippendorff's alpha, the
//! disagreements, and the articles only some annotators annotated.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::agree::{agree, Agreement, Annotation};
use crate::dataset::{load_articles, load_span_file, ArticleFormat};
use crate::load::Diagnostics;
use crate::report::{DatasetInfo, ExtractorReport, LayerReport, Report, Timing, SCHEMA_VERSION};
use crate::score::evaluate::SpanOutcome;
use crate::score::scheme::Outcome;
use crate::score::{metrics, Scheme};
use crate::{Article, Dataset, DatasetSpec};
use anyhow::Context;

use crate::cli::common::{plural, report_problems};
use crate::cli::output::write_atomic;
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Two or more annotations: span JSONL files (with --articles) or dataset folders/names.
    #[arg(value_name = "ANNOTATION", num_args = 2.., required = true)]
    annotations: Vec<String>,
    /// The articles the span files annotate (JSONL or a folder of .txt).
    #[arg(long, value_name = "FILE")]
    articles: Option<PathBuf>,
    /// Every annotator annotated every article: an article without their spans is one where
    /// they found nothing (default: it was not annotated by them, and is left out of their pairs).
    #[arg(long)]
    complete: bool,
    /// Compare one layer only.
    #[arg(long)]
    layer: Option<String>,
    /// Print everything as JSON.
    #[arg(long)]
    json: bool,
    /// Write an HTML page: the scores and every disagreement drawn on the text.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write every token with each annotator's label as JSON Lines (what kappa and alpha read).
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// Disagreements listed in the terminal (all are in --json).
    #[arg(long, default_value_t = 20)]
    show: usize,
}

/// A short name for an annotation: the file stem or dataset name, made unique by position.
fn names(inputs: &[String]) -> Vec<String> {
    let stems: Vec<String> = inputs.iter().map(|i| Path::new(i).file_stem().map_or(i.clone(), |s| s.to_string_lossy().into_owned())).collect();
    stems.iter().enumerate().map(|(n, s)| if stems.iter().filter(|t| *t == s).count() > 1 { format!("{s}#{}", n + 1) } else { s.clone() }).collect()
}

/// The dataset's name, its articles and each annotation.
type Inputs = (String, Vec<Article>, Vec<Annotation>);

/// The articles and each annotation, checked; `None` when the input has errors (shown).
fn load(args: &Args, progress: &Bar) -> anyhow::Result<Option<Inputs>> {
    let names = names(&args.annotations);
    let mut diagnostics = Diagnostics::default();
    if let Some(path) = &args.articles {
        let format = if path.is_dir() { ArticleFormat::Txt } else { ArticleFormat::Jsonl };
        let set = load_articles(path, format, &mut diagnostics, progress).with_context(|| format!("reading {}", path.display()))?;
        let mut annotations = Vec::new();
        for (input, name) in args.annotations.iter().zip(names) {
            let checked = load_span_file(Path::new(input), None, Some(&set), None, &mut diagnostics, progress).with_context(|| format!("reading {input}"))?;
            annotations.push(Annotation { name, spans: checked.into_iter().map(|c| c.span).collect() });
        }
        if report_problems(&diagnostics) {
            return Ok(None);
        }
        let name = path.file_stem().map_or("articles".into(), |s| s.to_string_lossy().into_owned());
        return Ok(Some((name, set.articles, annotations)));
    }
    let mut articles: Option<(String, Vec<Article>)> = None;
    let mut annotations = Vec::new();
    for (input, name) in args.annotations.iter().zip(names) {
        let (dataset, diagnostics) = Dataset::load(&DatasetSpec::Named(input.clone()), progress).with_context(|| format!("loading {input}"))?;
        if report_problems(&diagnostics) {
            return Ok(None);
        }
        match &articles {
            None => articles = Some((dataset.name.clone(), dataset.articles.clone())),
            Some((first, known)) => {
                let index: BTreeMap<&str, &str> = known.iter().map(|a| (a.id.as_str(), a.text.as_str())).collect();
                if let Some(article) = dataset.articles.iter().find(|a| index.get(a.id.as_str()).is_some_and(|t| *t != a.text)) {
                    anyhow::bail!(
                        "{input}: article `{}` has another text than in {first}; agreement needs the same texts (normalise both the same way first)",
                        article.id
                    );
                }
                if !dataset.articles.iter().any(|a| index.contains_key(a.id.as_str())) {
                    anyhow::bail!("{input} and {first} share no article id; agreement compares annotations of the same articles");
                }
            }
        }
        annotations.push(Annotation { name, spans: dataset.gold });
    }
    let (name, articles) = articles.unwrap_or_default();
    Ok(Some((name, articles, annotations)))
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let Some((name, articles, annotations)) = load(&args, progress)? else {
        return Ok(ExitCode::from(1));
    };
    let agreement = agree(&articles, &annotations, args.layer.as_deref(), args.complete);
    if let Some(path) = &args.html {
        write_atomic(path, html(&name, &articles, &agreement).as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.tokens {
        let mut out = String::new();
        for (layer, rows) in &agreement.tokens {
            for row in rows {
                let mut line = serde_json::to_value(row)?;
                line["layer"] = layer.clone().into();
                out.push_str(&line.to_string());
                out.push('\n');
            }
        }
        write_atomic(path, out.as_bytes())?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&agreement, &articles))?);
    } else {
        print!("{}", render(&agreement, &articles, args.show));
    }
    Ok(ExitCode::SUCCESS)
}

fn surface(articles: &BTreeMap<&str, &Article>, id: &str, start: usize, end: usize) -> String {
    articles.get(id).and_then(|a| a.slice(start, end)).unwrap_or_default().replace('\n', " ")
}

fn disagreements(agreement: &Agreement) -> Vec<(&str, &str, &str, &SpanOutcome)> {
    let mut out = Vec::new();
    for pair in &agreement.pairs {
        for (layer, score) in &pair.layers {
            for outcome in score.outcomes.iter().filter(|o| o.outcome != Outcome::Correct) {
                out.push((pair.a.as_str(), pair.b.as_str(), layer.as_str(), outcome));
            }
        }
    }
    out
}

fn outcome_name(outcome: Outcome) -> &'static str {
    crate::report::tables::outcome_name(outcome)
}

fn to_json(agreement: &Agreement, articles: &[Article]) -> serde_json::Value {
    let index: BTreeMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let scheme_json = |counts: &crate::score::SchemeCounts| -> serde_json::Value {
        Scheme::ALL
            .iter()
            .map(|&s| (s.name().to_string(), serde_json::to_value(metrics(s, &counts[s])).unwrap_or_default()))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let pairs: Vec<serde_json::Value> = agreement
        .pairs
        .iter()
        .map(|pair| {
            let layers: serde_json::Map<String, serde_json::Value> = pair
                .layers
                .iter()
                .map(|(layer, score)| {
                    let per_label: serde_json::Map<String, serde_json::Value> = score.per_label.iter().map(|(label, c)| (label.clone(), scheme_json(c))).collect();
                    (layer.clone(), serde_json::json!({"overall": scheme_json(&score.overall), "per_label": per_label, "kappa": pair.kappa.get(layer).copied().flatten(), "spans": {"a": score.gold_spans, "b": score.predicted_spans}}))
                })
                .collect();
            serde_json::json!({"a": pair.a, "b": pair.b, "articles": pair.articles.len(), "tokens": pair.tokens, "layers": layers})
        })
        .collect();
    let mention = |id: &str, m: &Option<crate::score::scheme::Mention>| {
        m.as_ref().map(|m| serde_json::json!({"start": m.start, "end": m.end, "label": m.label, "text": surface(&index, id, m.start, m.end)}))
    };
    let disagreements: Vec<serde_json::Value> = disagreements(agreement)
        .into_iter()
        .map(|(a, b, layer, o)| serde_json::json!({"a": a, "b": b, "layer": layer, "article_id": o.article_id, "kind": outcome_name(o.outcome), "a_span": mention(&o.article_id, &o.gold), "b_span": mention(&o.article_id, &o.pred)}))
        .collect();
    let partial: Vec<serde_json::Value> = agreement.partial.iter().map(|(id, by)| serde_json::json!({"article_id": id, "annotated_by": by})).collect();
    serde_json::json!({"annotators": agreement.annotators, "pairs": pairs, "alpha": agreement.alpha, "disagreements": disagreements, "annotated_by_some": partial})
}

fn render(agreement: &Agreement, articles: &[Article], show: usize) -> String {
    let index: BTreeMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut out = String::new();
    let f1 = |counts: &crate::score::SchemeCounts| Scheme::ALL.iter().map(|&s| format!("{:>8.4}", metrics(s, &counts[s]).f1)).collect::<Vec<_>>().join("");
    for pair in &agreement.pairs {
        out.push_str(&format!(
            "{} and {}: {}, {}\n",
            pair.a,
            pair.b,
            plural(pair.articles.len() as u64, "article", "articles"),
            plural(pair.tokens as u64, "token", "tokens")
        ));
        out.push_str(&format!("  {:<10} {:<12}{:>8}{:>8}{:>8}{:>8}{:>8}\n", "layer", "label", "strict", "exact", "partial", "type", "kappa"));
        for (layer, score) in &pair.layers {
            let kappa = pair.kappa.get(layer).copied().flatten().map_or("–".to_string(), |k| format!("{k:.4}"));
            out.push_str(&format!("  {layer:<10} {:<12}{}{kappa:>8}\n", "(all)", f1(&score.overall)));
            for (label, counts) in &score.per_label {
                out.push_str(&format!("  {layer:<10} {label:<12}{}\n", f1(counts)));
            }
        }
    }
    let alphas: Vec<String> = agreement.alpha.iter().map(|(layer, a)| format!("{layer} {}", a.map_or("–".to_string(), |a| format!("{a:.4}")))).collect();
    out.push_str(&format!("Krippendorff's alpha (nominal, token labels, {} annotators): {}\n", agreement.annotators.len(), alphas.join(", ")));
    let all = disagreements(agreement);
    out.push_str(&format!("{}:\n", plural(all.len() as u64, "disagreement", "disagreements")));
    let describe = |name: &str, id: &str, m: &Option<crate::score::scheme::Mention>| match m {
        Some(m) => format!("{name} {} «{}» {}..{}", m.label, surface(&index, id, m.start, m.end), m.start, m.end),
        None => format!("{name} –"),
    };
    for (a, b, layer, o) in all.iter().take(show) {
        out.push_str(&format!(
            "  {} [{layer}] {}: {} | {}\n",
            o.article_id,
            outcome_name(o.outcome),
            describe(a, &o.article_id, &o.gold),
            describe(b, &o.article_id, &o.pred)
        ));
    }
    if all.len() > show {
        out.push_str(&format!("  … and {} more (--show N, --json or --html for all)\n", all.len() - show));
    }
    if !agreement.partial.is_empty() {
        out.push_str(&format!(
            "{} annotated by only some annotators (left out of the pairs they do not belong to):\n",
            plural(agreement.partial.len() as u64, "article", "articles")
        ));
        for (id, by) in agreement.partial.iter().take(show) {
            out.push_str(&format!("  {id}: {}\n", by.join(", ")));
        }
        if agreement.partial.len() > show {
            out.push_str(&format!("  … and {} more\n", agreement.partial.len() - show));
        }
    }
    out
}

/// report.html's page, with the first annotator as the reference ("gold") and each other one
/// drawn as an extractor against it.
fn html(name: &str, articles: &[Article], agreement: &Agreement) -> String {
    let mut extractors = BTreeMap::new();
    let mut outcomes: BTreeMap<String, BTreeMap<String, Vec<SpanOutcome>>> = BTreeMap::new();
    let first = agreement.annotators.first().cloned().unwrap_or_default();
    for pair in agreement.pairs.iter().filter(|p| p.a == first) {
        let layers = pair.layers.iter().map(|(layer, score)| (layer.clone(), LayerReport::new(score, &BTreeMap::new(), 0, 0))).collect();
        let timing = Timing { seconds: 0.0, articles: pair.articles.len() as u64, cached: 0, articles_per_second: 0.0 };
        extractors.insert(
            pair.b.clone(),
            ExtractorReport {
                kind: "annotator".into(),
                version: String::new(),
                config_hash: String::new(),
                layers,
                unscored_layers: vec![],
                errors: vec![],
                warnings: vec![],
                timing,
            },
        );
        outcomes.insert(pair.b.clone(), pair.layers.iter().map(|(layer, score)| (layer.clone(), score.outcomes.clone())).collect());
    }
    let report = Report {
        schema_version: SCHEMA_VERSION,
        mizan_version: env!("CARGO_PKG_VERSION").to_string(),
        created: crate::report::now_rfc3339(),
        git_commit: None,
        dataset: DatasetInfo { name: format!("{name}: agreement with {first} as reference"), fingerprint: String::new(), articles: articles.len() as u64 },
        shard: None,
        normalization: None,
        extractors,
    };
    crate::report::html::render(&report, articles, &outcomes)
}
