//! `mizan export --to FORMAT DATASET --out PATH`: writes a dataset's articles and gold in
//! another tool's format (docs/formats.md) — a file, or for brat a folder. What a format cannot
//! hold is said, never dropped silently; `import --from FORMAT` reads the result back to the
//! same spans.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::load::conll::TagScheme;
use crate::load::offsets::OffsetUnit;
use crate::load::{label_counts, write_brat, write_conll, write_doccano, write_jsonl, write_label_studio, write_spacy};
use crate::load::{load_spans, Diagnostics};
use crate::model::{Span, DEFAULT_LAYER};
use crate::progress::NoProgress;
use anyhow::{bail, Context};
use std::collections::BTreeMap;

use crate::cli::common::{plural, DatasetArgs};
use crate::cli::import::Format;
use crate::cli::output::write_atomic;
use crate::cli::progress::Bar;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The output format.
    #[arg(long, value_enum)]
    to: Format,
    #[command(flatten)]
    dataset: DatasetArgs,
    /// The file to write (for brat, the folder).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// doccano: the unit to count offsets in (utf16 as doccano does; graphemes for a project
    /// that counts grapheme clusters; codepoints).
    #[arg(long, value_name = "UNIT", default_value = "utf16")]
    offsets: OffsetUnit,
    /// CoNLL: the tag scheme to write (iob1, iob2, ioe, iobes, bmes, bilou).
    #[arg(long, default_value = "iob2")]
    scheme: TagScheme,
    /// Export only these layers (repeatable; default: every layer).
    #[arg(long)]
    layer: Vec<String>,
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let Ok(dataset) = args.dataset.load_checked(progress)? else {
        return Ok(ExitCode::from(1));
    };
    let spans: Vec<Span> = dataset.gold.iter().filter(|s| args.layer.is_empty() || args.layer.contains(&s.layer)).cloned().collect();
    let relations = match &args.dataset.dataset {
        Some(name) => read_relations(&Path::new(name).join("relations.jsonl"))?,
        None => Vec::new(),
    };
    let layers: std::collections::BTreeSet<&str> = spans.iter().map(|s| s.layer.as_str()).collect();
    if layers.len() > 1 && matches!(args.to, Format::Brat | Format::Doccano | Format::Spacy) {
        eprintln!(
            "note: {} has no layers: the spans of layers {} are written together and an import puts them in one layer; export one layer at a time with --layer to keep them apart",
            args.to.name(),
            layers.iter().copied().collect::<Vec<_>>().join(", ")
        );
    }
    let files: Vec<(PathBuf, Vec<u8>)> = match args.to {
        Format::Jsonl => vec![(args.out.clone(), write_jsonl(&dataset.articles, &spans))],
        Format::Doccano => {
            warn_dropped_attrs(&spans, "doccano's [start, end, label] triples");
            let export = write_doccano(&dataset.articles, &spans, args.offsets);
            if let Some(first) = export.refused.first() {
                bail!(
                    "{} cannot be written in {}: {}..{} in article `{}` is not on a cluster boundary; export with --offsets utf16 or codepoints",
                    plural(export.refused.len() as u64, "span", "spans"),
                    args.offsets.description(),
                    first.start,
                    first.end,
                    first.article_id
                );
            }
            vec![(args.out.clone(), export.bytes)]
        }
        Format::Spacy => {
            warn_dropped_attrs(&spans, "spaCy/Prodigy spans");
            vec![(args.out.clone(), write_spacy(&dataset.articles, &spans))]
        }
        Format::LabelStudio => {
            warn_dropped_attrs(&spans, "Label Studio `labels` regions");
            let predictions = match &args.dataset.dataset {
                Some(name) => read_predictions_folder(&Path::new(name).join("predictions"))?,
                None => BTreeMap::new(),
            };
            for (model, spans) in &predictions {
                eprintln!("  predictions of `{model}`: {} written as the tasks' predictions", plural(spans.len() as u64, "span", "spans"));
            }
            vec![(args.out.clone(), write_label_studio(&dataset.articles, &spans, &predictions))]
        }
        Format::Brat => {
            if args.out.is_file() {
                bail!("{} is a file; brat is written as a folder of .txt and .ann files", args.out.display());
            }
            write_brat(&dataset.articles, &spans, &relations)
                .map_err(anyhow::Error::msg)?
                .into_iter()
                .map(|(path, bytes)| (args.out.join(path), bytes))
                .collect()
        }
        Format::Conll => {
            warn_dropped_attrs(&spans, "CoNLL tags");
            if layers.len() > 1 {
                bail!("CoNLL holds one layer a file; choose one with --layer ({})", layers.into_iter().collect::<Vec<_>>().join(", "));
            }
            let export = write_conll(&dataset.articles, &spans, args.scheme);
            if export.cut_tokens > 0 {
                eprintln!(
                    "note: {} fell inside a token of mizan's tokenizer; the token was cut there so that every span is whole tokens",
                    plural(export.cut_tokens as u64, "span boundary", "span boundaries")
                );
            }
            if export.nested_articles > 0 {
                eprintln!(
                    "note: {} nested or overlapping spans, written with one tag column per span (IOB2); read them back with --nested",
                    plural(export.nested_articles as u64, "article has", "articles have")
                );
            }
            if export.empty_articles > 0 {
                eprintln!("note: {} no tokens and cannot be read back from CoNLL", plural(export.empty_articles as u64, "article has", "articles have"));
            }
            vec![(args.out.clone(), export.bytes)]
        }
    };
    for (path, bytes) in &files {
        write_atomic(path, bytes)?;
    }
    let labels: Vec<String> = label_counts(&spans).iter().map(|(label, n)| format!("{label} {n}")).collect();
    eprintln!(
        "exported {}, {} ({}) to {}",
        plural(dataset.articles.len() as u64, "article", "articles"),
        plural(spans.len() as u64, "span", "spans"),
        if labels.is_empty() { "none".into() } else { labels.join(", ") },
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Says how many spans carry attributes the format cannot hold.
fn warn_dropped_attrs(spans: &[Span], format: &str) {
    let with_attrs = spans.iter().filter(|s| !s.attrs.is_empty()).count();
    if with_attrs > 0 {
        eprintln!("note: {} carry attributes, which {format} cannot hold; they are not written", plural(with_attrs as u64, "span", "spans"));
    }
}

/// The predictions an import kept beside the dataset (`predictions/<model>.jsonl`), if any.
fn read_predictions_folder(dir: &Path) -> anyhow::Result<BTreeMap<String, Vec<Span>>> {
    let mut models = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(models);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(model) = path.file_stem().filter(|_| path.extension().is_some_and(|e| e == "jsonl")).map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        let mut diagnostics = Diagnostics::default();
        let records = load_spans(&path, DEFAULT_LAYER, None, &mut diagnostics, &NoProgress)?;
        if diagnostics.error_count() > 0 {
            bail!("{}", diagnostics.sorted().first().map(|p| p.to_string()).unwrap_or_default());
        }
        models.insert(model, records.into_iter().map(|r| r.span).collect());
    }
    Ok(models)
}

/// The relations an import kept beside the dataset, if any.
fn read_relations(path: &Path) -> anyhow::Result<Vec<serde_json::Value>> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut relations = Vec::new();
    for (k, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        relations.push(serde_json::from_str(line).with_context(|| format!("{}:{}: malformed JSON; fix or delete the line", path.display(), k + 1))?);
    }
    Ok(relations)
}
