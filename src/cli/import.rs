//! `mizan import --from FORMAT INPUT --out DIR`: converts annotations from another tool's
//! format into a dataset folder (`manifest.toml`, `articles.jsonl`, `gold/<layer>.jsonl`) and
//! checks what it wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::dataset::{ArticleFormat, ArticleSource, DatasetFolder, LayerSchema};
use crate::load::conll::{read_conll, ConllOptions, TagScheme};
use crate::load::Diagnostics;
use crate::{Dataset, DatasetSpec, Manifest};
use anyhow::{bail, Context};

use crate::cli::common::{plural, report_problems};
use crate::cli::output::write_dataset;
use crate::cli::progress::Bar;
use crate::progress::Progress;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Token-per-line files: token first, tag in a column (default: the last).
    Conll,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The input format.
    #[arg(long, value_enum)]
    from: Format,
    /// The file to import.
    input: PathBuf,
    /// The dataset folder to write.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Dataset name in the manifest (default: the input's file stem).
    #[arg(long)]
    name: Option<String>,
    /// Tag scheme: iob1, iob2, iobes or bilou.
    #[arg(long, default_value = "iob2")]
    scheme: TagScheme,
    /// 1-based column of the token.
    #[arg(long, default_value_t = 1)]
    token_column: usize,
    /// 1-based column of the tag (default: the last column).
    #[arg(long)]
    tag_column: Option<usize>,
    /// Columns are separated by tabs only (default: any whitespace).
    #[arg(long)]
    tab_separated: bool,
    /// Sentences per article (blank lines separate sentences).
    #[arg(long, default_value_t = 1, conflicts_with = "by_document")]
    sentences_per_article: usize,
    /// One article per -DOCSTART- document instead.
    #[arg(long)]
    by_document: bool,
    /// Rename an entity type, e.g. --label-map PERS=PER (repeatable).
    #[arg(long, value_name = "FROM=TO", value_parser = parse_mapping)]
    label_map: Vec<(String, String)>,
    /// Layer of the imported spans.
    #[arg(long, default_value = "ner")]
    layer: String,
    /// Language code for the manifest.
    #[arg(long, default_value = "ar")]
    language: String,
    /// Remove invisible bidi marks (U+200E, U+200F, U+061C, …) from tokens.
    #[arg(long)]
    strip_bidi: bool,
    /// Replace the output folder's dataset files if they exist.
    #[arg(long)]
    force: bool,
}

fn parse_mapping(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((from, to)) if !from.is_empty() && !to.is_empty() => Ok((from.to_string(), to.to_string())),
        _ => Err(format!("expected FROM=TO, found `{text}`")),
    }
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    if args.sentences_per_article == 0 {
        bail!("--sentences-per-article must be at least 1 (use --by-document to group by -DOCSTART-)");
    }
    let manifest_path = args.out.join("manifest.toml");
    if manifest_path.exists() && !args.force {
        bail!("{} already exists; pass --force to replace the dataset there", manifest_path.display());
    }
    let stem = args.input.file_stem().map_or("dataset".into(), |s| s.to_string_lossy().into_owned());
    let name = args.name.clone().unwrap_or(stem.clone());
    let options = ConllOptions {
        scheme: args.scheme,
        token_column: args.token_column,
        tag_column: args.tag_column,
        tab_separated: args.tab_separated,
        sentences_per_article: if args.by_document { 0 } else { args.sentences_per_article },
        label_map: args.label_map.iter().cloned().collect(),
        id_prefix: stem,
        layer: args.layer.clone(),
        strip_bidi: args.strip_bidi,
    };
    let mut diagnostics = Diagnostics::default();
    progress.start("reading", std::fs::metadata(&args.input).ok().map(|m| m.len()));
    let imported = read_conll(&args.input, &options, &mut diagnostics, progress)?;
    progress.finish();
    if report_problems(&diagnostics) {
        eprintln!("nothing was written to {}", args.out.display());
        return Ok(ExitCode::from(1));
    }
    if imported.articles.is_empty() {
        bail!("{}: no tokens found; is this a CoNLL file?", args.input.display());
    }

    let labels: BTreeSet<String> = imported.spans.iter().map(|s| s.label.clone()).collect();
    let manifest = Manifest {
        name,
        language: args.language.clone(),
        description: Some(format!(
            "Imported by mizan from {} ({}, {} per article).",
            args.input.display(),
            format!("{:?}", args.scheme).to_uppercase(),
            if args.by_document { "one document".to_string() } else { plural(args.sentences_per_article as u64, "sentence", "sentences") }
        )),
        source: Some(args.input.display().to_string()),
        licence: None,
        articles: ArticleSource { format: ArticleFormat::Jsonl, path: None },
        splits: BTreeMap::new(),
        layers: BTreeMap::from([(args.layer.clone(), LayerSchema { labels: labels.into_iter().collect(), attrs: vec![], flat: true })]),
        version: None,
    };
    write_dataset(&args.out, &DatasetFolder { manifest: &manifest, articles: &imported.articles, gold: &imported.spans }, args.force)?;

    // Read back what was written through the same checks every command uses.
    let (_, diagnostics) = Dataset::load(&DatasetSpec::Named(args.out.display().to_string()), progress).context("checking the imported dataset")?;
    let failed = report_problems(&diagnostics);

    let mut per_label: BTreeMap<&str, u64> = BTreeMap::new();
    for span in &imported.spans {
        *per_label.entry(&span.label).or_default() += 1;
    }
    let labels: Vec<String> = per_label.iter().map(|(label, n)| format!("{label} {n}")).collect();
    eprintln!(
        "imported {}, {}, {}, {} ({}) into {}",
        plural(imported.sentences as u64, "sentence", "sentences"),
        plural(imported.tokens as u64, "token", "tokens"),
        plural(imported.articles.len() as u64, "article", "articles"),
        plural(imported.spans.len() as u64, "span", "spans"),
        crate::model::for_terminal(&labels.join(", ")),
        args.out.display()
    );
    if imported.repaired_starts > 0 {
        eprintln!(
            "note: {} began without a proper start tag (e.g. I- after O) and {} counted as chunk starts, as conlleval does",
            plural(imported.repaired_starts as u64, "chunk", "chunks"),
            if imported.repaired_starts == 1 { "was" } else { "were" }
        );
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
