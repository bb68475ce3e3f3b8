//! `mizan import --from FORMAT INPUT --out DIR`: converts annotations from another tool's
//! format (docs/formats.md) into a dataset folder (`manifest.toml`, `articles.jsonl`,
//! `gold/<layer>.jsonl`, plus `relations.jsonl` and `predictions/<model>.jsonl` when the input
//! has them), says what it converted and skipped, and checks what it wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::dataset::{ArticleFormat, ArticleSource, DatasetFolder, LayerSchema};
use crate::load::conll::{read_conll, ConllOptions, TagScheme};
use crate::load::offsets::OffsetUnit;
use crate::load::{
    label_counts, nested_layers, read_brat, read_doccano, read_jsonl, read_label_studio, read_spacy, Diagnostics, DoccanoOptions, Imported, LabelStudioOptions,
    SpacyOptions,
};
use crate::model::spans_jsonl;
use crate::{Dataset, DatasetSpec, Manifest};
use anyhow::{bail, Context};

use crate::cli::common::{plural, report_problems};
use crate::cli::output::{write_atomic, write_dataset};
use crate::cli::progress::Bar;
use crate::progress::Progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Token-per-line files: token first, tag in a column (default: the last).
    Conll,
    /// brat standoff: a folder of .txt + .ann pairs, or one .ann with its .txt beside it.
    Brat,
    /// Label Studio JSON export: a list of tasks, or one task with `completions`.
    LabelStudio,
    /// doccano JSONL: `label`/`labels` triples, `entities` + `relations`, or ≤ 1.0 `annotations`.
    Doccano,
    /// spaCy / Prodigy JSONL: {"text", "spans": [...], "answer"?, "meta"?} a line.
    #[value(alias = "prodigy")]
    Spacy,
    /// mizan's own documents JSONL: {"id", "text", ..., "spans": [...]} a line.
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The input format.
    #[arg(long, value_enum)]
    from: Format,
    /// The file (or, for brat, the folder) to import.
    input: PathBuf,
    /// The dataset folder to write.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Dataset name in the manifest (default: the input's file stem).
    #[arg(long)]
    name: Option<String>,
    /// Layer of the imported spans.
    #[arg(long, default_value = "ner")]
    layer: String,
    /// Rename an entity type, e.g. --label-map PERS=PER (repeatable).
    #[arg(long, value_name = "FROM=TO", value_parser = parse_mapping)]
    label_map: Vec<(String, String)>,
    /// The closed label set (comma-separated): a span with another label (after --label-map) is
    /// reported and not imported.
    #[arg(long, value_delimiter = ',', value_name = "LABEL,…")]
    labels: Vec<String>,
    /// Language code for the manifest.
    #[arg(long, default_value = "ar")]
    language: String,
    /// Treat every warning as an error: nothing is written unless the input is clean.
    #[arg(long)]
    strict: bool,
    /// Replace the output folder's dataset files if they exist.
    #[arg(long)]
    force: bool,
    /// Label Studio: the `data` field that holds the text (default: `text`).
    #[arg(long, value_name = "FIELD")]
    text_field: Option<String>,
    /// Label Studio: each region's layer is its control's `from_name` (what `export --to
    /// label-studio` writes) instead of --layer.
    #[arg(long)]
    layer_from_control: bool,
    /// doccano, Label Studio: the unit the offsets count (default: detected, and said).
    #[arg(long, value_name = "UNIT")]
    offsets: Option<OffsetUnit>,
    /// doccano ≤ 1.0: label id → name, as `1=PER,2=LOC` or the project's label export (JSON).
    #[arg(long, value_name = "MAP|FILE")]
    label_names: Option<String>,
    /// spaCy/Prodigy: the answers whose records are gold (default: accept).
    #[arg(long, value_delimiter = ',', value_name = "ANSWER,…", default_value = "accept")]
    answers: Vec<String>,
    /// CoNLL: tag scheme iob1, iob2, ioe, iobes, bmes or bilou (default: detected from the tags).
    #[arg(long)]
    scheme: Option<TagScheme>,
    /// CoNLL: every column after the token is a tag (nested NER; their number may vary).
    #[arg(long)]
    nested: bool,
    /// CoNLL: 1-based column of the token.
    #[arg(long, default_value_t = 1)]
    token_column: usize,
    /// CoNLL: 1-based column of the tag (default: the last column).
    #[arg(long)]
    tag_column: Option<usize>,
    /// CoNLL: columns are separated by tabs only (default: any whitespace).
    #[arg(long)]
    tab_separated: bool,
    /// CoNLL: sentences per article (blank lines separate sentences).
    #[arg(long, default_value_t = 1, conflicts_with = "by_document")]
    sentences_per_article: usize,
    /// CoNLL: one article per -DOCSTART- document instead.
    #[arg(long)]
    by_document: bool,
    /// CoNLL: remove invisible bidi marks (U+200E, U+200F, U+061C, …) from tokens.
    #[arg(long)]
    strip_bidi: bool,
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
    if !args.input.exists() {
        bail!("{}: no such file or folder", args.input.display());
    }
    let stem = args.input.file_stem().map_or("dataset".into(), |s| s.to_string_lossy().into_owned());
    let mut diagnostics = Diagnostics::default();
    progress.start("reading", std::fs::metadata(&args.input).ok().filter(|m| m.is_file()).map(|m| m.len()));
    let (mut imported, description) = read_input(&args, &stem, &mut diagnostics, progress)?;
    progress.finish();
    let label_map: BTreeMap<&str, &str> = args.label_map.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    for span in imported.spans.iter_mut().chain(imported.predictions.values_mut().flatten()) {
        if let Some(to) = label_map.get(span.label.as_str()) {
            span.label = to.to_string();
        }
    }
    if !args.labels.is_empty() {
        close_schema(&args, &mut imported, &mut diagnostics);
    }
    let mut seen = BTreeSet::new();
    for article in &imported.articles {
        if !seen.insert(article.id.as_str()) {
            diagnostics.error(
                &args.input,
                None,
                format!("two documents have the id `{}`; article ids must be unique — remove the duplicate document", article.id),
            );
        }
    }
    if report_problems(&diagnostics) || (args.strict && fail_strict(&diagnostics)) {
        eprintln!("nothing was written to {}", args.out.display());
        return Ok(ExitCode::from(1));
    }
    if imported.articles.is_empty() {
        bail!("{}: no documents found; is this a {} file?", args.input.display(), format_name(args.from));
    }

    let manifest = manifest_for(&args, &imported, &stem, description);
    write_dataset(&args.out, &DatasetFolder { manifest: &manifest, articles: &imported.articles, gold: &imported.spans }, args.force)?;
    if !imported.relations.is_empty() {
        let mut bytes = Vec::new();
        for relation in &imported.relations {
            bytes.extend(relation.to_string().into_bytes());
            bytes.push(b'\n');
        }
        write_atomic(&args.out.join("relations.jsonl"), &bytes)?;
    }
    for (model, spans) in &imported.predictions {
        write_atomic(&args.out.join("predictions").join(format!("{}.jsonl", safe_file_name(model))), &spans_jsonl(spans))?;
    }

    // Read back what was written through the same checks every command uses; its errors are
    // mizan's bugs, its warnings (attributes outside the schema) are shown as a count.
    let (_, check) = Dataset::load(&DatasetSpec::Named(args.out.display().to_string()), progress).context("checking the imported dataset")?;
    let mut errors = Diagnostics::default();
    for problem in check.problems().iter().filter(|p| p.severity == crate::load::Severity::Error) {
        errors.error(&problem.path, problem.line, problem.message.clone());
    }
    let failed = report_problems(&errors);
    print_summary(&args, &imported, check.warning_count());
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Reads the input in its format; also returns the manifest's description.
fn read_input(args: &Args, stem: &str, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> anyhow::Result<(Imported, String)> {
    let from = args.input.display();
    Ok(match args.from {
        Format::Conll => {
            let options = ConllOptions {
                scheme: args.scheme,
                nested: args.nested,
                token_column: args.token_column,
                tag_column: args.tag_column,
                tab_separated: args.tab_separated,
                sentences_per_article: if args.by_document { 0 } else { args.sentences_per_article },
                label_map: BTreeMap::new(),
                id_prefix: stem.to_string(),
                layer: args.layer.clone(),
                strip_bidi: args.strip_bidi,
            };
            let conll = read_conll(&args.input, &options, diagnostics, progress)?;
            let grouping = if args.by_document { "one document".to_string() } else { plural(args.sentences_per_article as u64, "sentence", "sentences") };
            let scheme = conll.scheme.map_or("no chunk tags", |s| s.name());
            let nested = if args.nested { ", nested tag columns" } else { "" };
            let description = format!("Imported by mizan from {from} ({scheme}{nested}, {grouping} per article).");
            let mut imported = Imported { articles: conll.articles, spans: conll.spans, ..Default::default() };
            imported.summary.count("sentences", conll.sentences);
            imported.summary.count("tokens", conll.tokens);
            if conll.detected {
                imported.summary.convert(format!("tag scheme {scheme}, detected from the tags (choose with --scheme)"));
            }
            imported.summary.skip("bare tags such as OO, read as O (reported)", conll.bare_tags);
            imported.summary.skip("comment lines (# …)", conll.comments);
            if conll.repaired_starts > 0 {
                imported.summary.convert(format!(
                    "{} began without a proper start tag (e.g. I- after O; {} by a type change inside a chunk) and counted as chunk starts, as conlleval does",
                    plural(conll.repaired_starts as u64, "chunk", "chunks"),
                    conll.type_changes
                ));
            }
            (imported, description)
        }
        Format::Brat => (read_brat(&args.input, &args.layer, diagnostics, progress)?, format!("Imported by mizan from brat standoff {from}.")),
        Format::LabelStudio => {
            let options = LabelStudioOptions {
                text_field: args.text_field.clone(),
                layer: args.layer.clone(),
                layer_from_control: args.layer_from_control,
                offsets: args.offsets,
            };
            (read_label_studio(&args.input, &options, diagnostics, progress)?, format!("Imported by mizan from the Label Studio export {from}."))
        }
        Format::Doccano => {
            let label_names = match &args.label_names {
                Some(names) => parse_label_names(names)?,
                None => BTreeMap::new(),
            };
            let options = DoccanoOptions { offsets: args.offsets, label_names, layer: args.layer.clone() };
            (read_doccano(&args.input, &options, diagnostics, progress)?, format!("Imported by mizan from the doccano export {from}."))
        }
        Format::Spacy => {
            let options = SpacyOptions { answers: args.answers.iter().cloned().collect(), layer: args.layer.clone() };
            (read_spacy(&args.input, &options, diagnostics, progress)?, format!("Imported by mizan from the spaCy/Prodigy JSONL {from}."))
        }
        Format::Jsonl => (read_jsonl(&args.input, diagnostics, progress)?, format!("Imported by mizan from documents JSONL {from}.")),
    })
}

impl Format {
    pub fn name(self) -> &'static str {
        format_name(self)
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Conll => "CoNLL",
        Format::Brat => "brat",
        Format::LabelStudio => "Label Studio JSON",
        Format::Doccano => "doccano JSONL",
        Format::Spacy => "spaCy/Prodigy JSONL",
        Format::Jsonl => "documents JSONL",
    }
}

/// `--label-names`: `1=PER,2=LOC`, or a JSON file — doccano's label export (`[{"id": 1,
/// "text": "PER", …}]`) or an object `{"1": "PER"}`.
fn parse_label_names(value: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let path = std::path::Path::new(value);
    if !path.is_file() {
        return value
            .split(',')
            .map(|pair| parse_mapping(pair.trim()).map_err(|e| anyhow::anyhow!("--label-names: {e} (e.g. 1=PER,2=LOC, or a JSON file)")))
            .collect();
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{}: malformed JSON", path.display()))?;
    let mut names = BTreeMap::new();
    match &json {
        serde_json::Value::Array(labels) => {
            for label in labels {
                match (label.get("id"), label.get("text").and_then(|t| t.as_str())) {
                    (Some(id), Some(name)) => {
                        names.insert(id.to_string().trim_matches('"').to_string(), name.to_string());
                    }
                    _ => bail!("{}: every label needs an `id` and a `text` (doccano's label export)", path.display()),
                }
            }
        }
        serde_json::Value::Object(map) => {
            for (id, name) in map {
                let Some(name) = name.as_str() else { bail!("{}: label `{id}` must map to a name", path.display()) };
                names.insert(id.clone(), name.to_string());
            }
        }
        _ => bail!("{}: expected doccano's label export (a list) or an object of id → name", path.display()),
    }
    Ok(names)
}

/// `--labels`: spans (gold and predictions) whose label is outside the set are reported, one
/// warning per label with its count and first place, and left out.
fn close_schema(args: &Args, imported: &mut Imported, diagnostics: &mut Diagnostics) {
    let allowed: BTreeSet<&str> = args.labels.iter().map(String::as_str).collect();
    let mut outside: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut keep = |span: &crate::Span| {
        if allowed.contains(span.label.as_str()) {
            return true;
        }
        let entry = outside.entry(span.label.clone()).or_insert_with(|| (0, format!("document `{}` at {}..{}", span.article_id, span.start, span.end)));
        entry.0 += 1;
        false
    };
    imported.spans.retain(&mut keep);
    for spans in imported.predictions.values_mut() {
        spans.retain(&mut keep);
    }
    for (label, (n, first)) in outside {
        diagnostics.warning(
            &args.input,
            None,
            format!(
                "label `{label}` is not in --labels ({}): {} not imported (the first in {first}); add it to --labels or map it with --label-map {label}=…",
                args.labels.join(", "),
                plural(n as u64, "span", "spans")
            ),
        );
        imported.summary.skip(format!("spans labelled `{label}`, outside --labels"), n);
    }
}

/// With `--strict`, warnings stop the import too; `true` when there were any.
fn fail_strict(diagnostics: &Diagnostics) -> bool {
    let warnings = diagnostics.warning_count();
    if warnings > 0 {
        eprintln!("error: --strict: the input has {}; fix them or import without --strict", plural(warnings as u64, "warning", "warnings"));
    }
    warnings > 0
}

/// A layer per span layer (and the `--layer` one), its labels and whether it nests.
fn manifest_for(args: &Args, imported: &Imported, stem: &str, description: String) -> Manifest {
    let nested = nested_layers(&imported.spans);
    let mut layers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if imported.spans.is_empty() {
        layers.insert(args.layer.clone(), BTreeSet::new());
    }
    for span in &imported.spans {
        layers.entry(span.layer.clone()).or_default().insert(span.label.clone());
    }
    Manifest {
        name: args.name.clone().unwrap_or_else(|| stem.to_string()),
        language: args.language.clone(),
        description: Some(description),
        source: Some(args.input.display().to_string()),
        licence: None,
        articles: ArticleSource { format: ArticleFormat::Jsonl, path: None },
        splits: BTreeMap::new(),
        layers: layers
            .into_iter()
            .map(|(layer, labels)| {
                let flat = !nested.contains(&layer);
                // Declared: the attributes every span of the layer carries (e.g. brat's `Confidence`).
                let mut spans = imported.spans.iter().filter(|s| s.layer == layer);
                let mut attrs: Vec<String> = spans.next().map(|s| s.attrs.keys().cloned().collect()).unwrap_or_default();
                for span in spans {
                    attrs.retain(|a| span.attrs.contains_key(a));
                }
                (layer, LayerSchema { labels: labels.into_iter().collect(), attrs, flat })
            })
            .collect(),
        version: None,
    }
}

/// A model name as a file name: path separators and other odd characters become `_`.
fn safe_file_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if cleaned.is_empty() || cleaned.starts_with('.') {
        format!("model{cleaned}")
    } else {
        cleaned
    }
}

fn print_summary(args: &Args, imported: &Imported, check_warnings: usize) {
    let labels: Vec<String> = label_counts(&imported.spans).iter().map(|(label, n)| format!("{label} {n}")).collect();
    let counts = &imported.summary.counts;
    let mut parts = Vec::new();
    for (key, one, many) in [("sentences", "sentence", "sentences"), ("tokens", "token", "tokens")] {
        if let Some(&n) = counts.get(key) {
            parts.push(plural(n as u64, one, many));
        }
    }
    parts.push(plural(imported.articles.len() as u64, "article", "articles"));
    parts.push(format!("{} ({})", plural(imported.spans.len() as u64, "span", "spans"), if labels.is_empty() { "none".into() } else { labels.join(", ") }));
    eprintln!("imported {} into {}", parts.join(", "), args.out.display());
    for (key, n) in counts.iter().filter(|(k, _)| !matches!(k.as_str(), "sentences" | "tokens")) {
        eprintln!("  {key}: {n}");
    }
    if !imported.relations.is_empty() {
        eprintln!("  relations, events and equivalences kept in {}", args.out.join("relations.jsonl").display());
    }
    for (model, spans) in &imported.predictions {
        let path = args.out.join("predictions").join(format!("{}.jsonl", safe_file_name(model)));
        eprintln!("  predictions of `{model}`: {} in {}", plural(spans.len() as u64, "span", "spans"), path.display());
    }
    for conversion in &imported.summary.conversions {
        eprintln!("  note: {conversion}");
    }
    for (why, n) in &imported.summary.skipped {
        eprintln!("  not imported: {n} {why}");
    }
    for layer in nested_layers(&imported.spans) {
        eprintln!("  layer `{layer}` has nested or overlapping spans: declared flat = false");
    }
    if check_warnings > 0 {
        eprintln!("  {} from the dataset checks: `mizan validate {}` lists them", plural(check_warnings as u64, "warning", "warnings"), args.out.display());
    }
}
