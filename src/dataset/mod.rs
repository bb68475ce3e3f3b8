//! A dataset: its articles and gold spans, checked, as polars frames and as plain values.
//!
//! A dataset is named (`datasets/<name>/manifest.toml` with gold in `gold/<name>/<layer>.jsonl`),
//! a directory that `mizan import` wrote (`DIR/manifest.toml`, gold in `DIR/gold/`), or ad-hoc
//! files (`--articles FILE --gold FILE`).

pub(crate) mod check;
pub mod dedupe;
pub mod folder;
mod in_step;
pub mod leakage;
pub mod manifest;
pub mod minhash;
pub mod normalize;
pub mod split;
mod stats;
mod stream;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;
use rayon::prelude::*;

use crate::fingerprint::DatasetHash;
use crate::load::{articles_frame, load_articles_jsonl, load_spans, load_text_folder, spans_frame, Diagnostics, LoadError, SpanRow};
use crate::model::{Article, Span, DEFAULT_LAYER};
use crate::progress::Progress;
pub use check::CheckedSpan;
pub use folder::DatasetFolder;
pub use manifest::{ArticleFormat, ArticleSource, DatasetVersion, LayerSchema, Manifest};
pub(crate) use stats::count_cell;
pub use stats::{stats, SplitStats, Stats};

/// What the user named on the command line.
#[derive(Debug, Clone)]
pub enum DatasetSpec {
    /// A dataset name or directory.
    Named(String),
    /// Ad-hoc files: articles (JSONL file or folder of `.txt`) and span files.
    Files { articles: PathBuf, gold: Vec<PathBuf> },
}

/// A loaded, checked dataset.
pub struct Dataset {
    pub name: String,
    pub manifest: Option<Manifest>,
    pub articles: Vec<Article>,
    /// Gold spans that passed every check, in file order.
    pub gold: Vec<Span>,
    /// One row per article (`docs/data-model.md`).
    pub article_frame: DataFrame,
    /// One row per gold span (`docs/data-model.md`).
    pub span_frame: DataFrame,
}

/// What `validate` and `stats` report of a dataset, without the dataset itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub name: String,
    pub manifest: Option<Manifest>,
    /// Articles, a repeated id counted once.
    pub articles: u64,
    /// Gold spans that passed every check.
    pub valid_spans: u64,
    pub stats: Stats,
    /// [`Dataset::fingerprint`], when asked for and the data has no errors.
    pub fingerprint: Option<String>,
    /// With `fingerprint`, the fingerprint by the definition of the manifest's `[version]`
    /// when that is not the current one ([`Dataset::fingerprint_v1`] for a version written
    /// before mizan 0.2.0): what to check the recorded fingerprint against.
    pub version_fingerprint: Option<String>,
}

/// Where a dataset's parts are on disk.
struct Location {
    name: String,
    manifest: Option<(PathBuf, Manifest)>,
    articles: PathBuf,
    format: ArticleFormat,
    /// Span files, each with the layer its name fixes (gold folders) or none (ad-hoc files).
    gold: Vec<(PathBuf, Option<String>)>,
}

fn locate(spec: &DatasetSpec) -> Result<Location, LoadError> {
    match spec {
        DatasetSpec::Files { articles, gold } => {
            if !articles.exists() {
                return Err(LoadError::Unusable { path: articles.clone(), message: crate::load::missing_path_message(articles) });
            }
            let format = if articles.is_dir() { ArticleFormat::Txt } else { ArticleFormat::Jsonl };
            let name = articles.file_stem().map_or("articles".into(), |s| s.to_string_lossy().into_owned());
            Ok(Location { name, manifest: None, articles: articles.clone(), format, gold: gold.iter().map(|g| (g.clone(), None)).collect() })
        }
        DatasetSpec::Named(name) => {
            let as_dir = PathBuf::from(name);
            let (root, gold_dir) = if as_dir.join("manifest.toml").is_file() {
                (as_dir.clone(), gold_folder_of(&as_dir))
            } else if Path::new("datasets").join(name).join("manifest.toml").is_file() {
                (Path::new("datasets").join(name), Path::new("gold").join(name))
            } else {
                let message = if as_dir.is_dir() || Path::new("datasets").join(name).is_dir() {
                    "the folder has no manifest.toml (see docs/datasets.md)".to_string()
                } else {
                    format!(
                        "no dataset `{name}`: looked for datasets/{name}/manifest.toml and {name}/manifest.toml; \
                         run mizan from the repository root, pass a dataset folder, or use --articles/--gold"
                    )
                };
                return Err(LoadError::Unusable { path: as_dir, message });
            };
            let manifest_path = root.join("manifest.toml");
            let manifest = Manifest::read(&manifest_path)?;
            let articles = match (&manifest.articles.path, manifest.articles.format) {
                (Some(path), _) => root.join(path),
                (None, ArticleFormat::Txt) => root.clone(),
                (None, ArticleFormat::Jsonl) => root.join("articles.jsonl"),
            };
            let mut gold = Vec::new();
            if gold_dir.is_dir() {
                let io = |source| LoadError::Io { path: gold_dir.clone(), source };
                for entry in std::fs::read_dir(&gold_dir).map_err(io)? {
                    let path = entry.map_err(io)?.path();
                    if path.extension().is_some_and(|e| e == "jsonl") {
                        let layer = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                        gold.push((path, layer));
                    }
                }
                gold.sort();
            }
            Ok(Location { name: manifest.name.clone(), format: manifest.articles.format, manifest: Some((manifest_path, manifest)), articles, gold })
        }
    }
}

/// The gold folder of a dataset folder: `DIR/gold`, or `gold/<name>` beside the `datasets/`
/// folder that holds `DIR` (the repository layout).
fn gold_folder_of(dir: &Path) -> PathBuf {
    let inside = dir.join("gold");
    if inside.is_dir() {
        return inside;
    }
    let beside = dir.file_name().and_then(|name| {
        let datasets = dir.parent()?;
        (datasets.file_name()? == "datasets").then(|| datasets.parent().unwrap_or(Path::new("")).join("gold").join(name))
    });
    beside.filter(|p| p.is_dir()).unwrap_or(inside)
}

/// Articles read and indexed by id, duplicates reported.
pub struct ArticleSet {
    pub articles: Vec<Article>,
    pub index: HashMap<String, usize>,
}

/// Reads articles: a folder of `.txt` files or an articles JSONL file.
pub fn load_articles(path: &Path, format: ArticleFormat, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<ArticleSet, LoadError> {
    let mut loaded = match format {
        ArticleFormat::Txt => {
            if !path.is_dir() {
                return Err(LoadError::Unusable { path: path.to_path_buf(), message: "not a folder of .txt articles".into() });
            }
            load_text_folder(path, diagnostics)?
        }
        ArticleFormat::Jsonl => {
            progress.start("articles", std::fs::metadata(path).ok().map(|m| m.len()));
            let loaded = load_articles_jsonl(path, diagnostics, progress)?;
            progress.finish();
            loaded
        }
    };
    let index = check::index_articles(&mut loaded, diagnostics);
    Ok(ArticleSet { articles: loaded.articles, index })
}

/// Reads a span file and checks every span: fields, offsets and `text` against `articles` when
/// given, labels against `manifest` when given. Spans with errors are reported and left out.
pub fn load_span_file(
    path: &Path,
    layer: Option<&str>,
    articles: Option<&ArticleSet>,
    manifest: Option<&Manifest>,
    diagnostics: &mut Diagnostics,
    progress: &dyn Progress,
) -> Result<Vec<CheckedSpan>, LoadError> {
    progress.start(&path.display().to_string(), std::fs::metadata(path).ok().map(|m| m.len()));
    let records = load_spans(path, layer.unwrap_or(DEFAULT_LAYER), layer, diagnostics, progress)?;
    progress.finish();
    let articles = articles.map(|set| (set.articles.as_slice(), &set.index));
    Ok(check::check_spans(path, records, articles, manifest, diagnostics))
}

impl Dataset {
    /// Loads and checks a dataset. `Err` when it cannot be read at all; otherwise every problem
    /// found is in the returned [`Diagnostics`], and spans with errors are left out.
    pub fn load(spec: &DatasetSpec, progress: &dyn Progress) -> Result<(Dataset, Diagnostics), LoadError> {
        let location = locate(spec)?;
        let mut diagnostics = Diagnostics::default();
        let manifest = location.manifest.as_ref().map(|(_, m)| m);
        // The gold files are read and parsed while the articles load (the articles' progress
        // stands for both); their lines are checked against the articles afterwards. Each
        // file's problems keep their place: the articles', then each file's reading and checking.
        let (set, read) = rayon::join(
            || load_articles(&location.articles, location.format, &mut diagnostics, progress),
            || {
                let read_one = |(path, layer): &(PathBuf, Option<String>)| {
                    let mut problems = Diagnostics::default();
                    let records = load_spans(path, layer.as_deref().unwrap_or(DEFAULT_LAYER), layer.as_deref(), &mut problems, &crate::progress::NoProgress);
                    records.map(|records| (records, problems))
                };
                location.gold.iter().map(read_one).collect::<Vec<_>>()
            },
        );
        let mut set = set?;
        if let Some((path, manifest)) = &location.manifest {
            check::apply_splits(manifest, path, &mut set.articles, &set.index, &mut diagnostics);
            for (_, layer) in &location.gold {
                if let Some(layer) = layer.as_deref().filter(|l| !manifest.layers.contains_key(*l)) {
                    diagnostics.warning(path, None, format!("gold layer `{layer}` has no schema in [layers.{layer}]; its labels are not checked"));
                }
            }
        }

        // The checked spans, and where each came from (its file's number, its line, its bytes in
        // the article), taken apart and put into rows on the rayon pool: a copy of every span.
        let mut gold: Vec<Span> = Vec::new();
        let mut origins: Vec<(usize, u64, Option<std::ops::Range<usize>>)> = Vec::new();
        let files: Vec<String> = location.gold.iter().map(|(path, _)| path.display().to_string()).collect();
        for (file, ((path, _), read)) in location.gold.iter().zip(read).enumerate() {
            let (records, problems) = read?;
            diagnostics.extend(problems);
            let checked = check::check_spans(path, records, Some((set.articles.as_slice(), &set.index)), manifest, &mut diagnostics);
            let (spans, from): (Vec<Span>, Vec<_>) = checked.into_par_iter().map(|c| (c.span, (file, c.line as u64, c.bytes))).unzip();
            if gold.is_empty() {
                (gold, origins) = (spans, from);
            } else {
                gold.extend(spans);
                origins.extend(from);
            }
        }
        let rows: Vec<SpanRow<'_>> =
            gold.par_iter().zip(origins.into_par_iter()).map(|(span, (file, line, bytes))| SpanRow { span, bytes, file: &files[file], line }).collect();
        let (span_frame, article_frame) = rayon::join(|| spans_frame(&rows), || articles_frame(&set.articles));
        let (span_frame, article_frame) = (span_frame?, article_frame?);
        let dataset = Dataset { name: location.name, manifest: location.manifest.map(|(_, m)| m), articles: set.articles, gold, article_frame, span_frame };
        Ok((dataset, diagnostics))
    }

    /// Checks a dataset and counts it as [`Dataset::load`] and [`stats`] would, reading it
    /// article by article in bounded memory when its files allow (`docs/data-model.md`), and
    /// loading it whole otherwise. The problems found are the same either way.
    pub fn summarize(spec: &DatasetSpec, fingerprint: bool, progress: &dyn Progress) -> Result<(Summary, Diagnostics), LoadError> {
        match Dataset::summarize_streaming(spec, fingerprint, progress)? {
            Some(streamed) => Ok(streamed),
            None => Dataset::summarize_whole(spec, fingerprint, progress),
        }
    }

    /// [`Dataset::summarize`] in bounded memory, or `Ok(None)` when the files do not allow it
    /// (spans out of the articles' order, an unknown or repeated id, a read error, `.txt`
    /// articles; for the fingerprint, a manifest version of mizan before 0.2.0).
    pub fn summarize_streaming(spec: &DatasetSpec, fingerprint: bool, progress: &dyn Progress) -> Result<Option<(Summary, Diagnostics)>, LoadError> {
        stream::summarize(spec, fingerprint, progress)
    }

    /// [`Dataset::summarize`] by loading the dataset whole.
    pub fn summarize_whole(spec: &DatasetSpec, fingerprint: bool, progress: &dyn Progress) -> Result<(Summary, Diagnostics), LoadError> {
        let (dataset, diagnostics) = Dataset::load(spec, progress)?;
        let stats = stats(&dataset)?;
        let fingerprint = fingerprint && diagnostics.error_count() == 0;
        let old = dataset.manifest.as_ref().is_some_and(Manifest::records_old_fingerprint);
        let version_fingerprint = (fingerprint && old).then(|| dataset.fingerprint_v1());
        let fingerprint = fingerprint.then(|| dataset.fingerprint());
        let summary = Summary {
            articles: dataset.articles.len() as u64,
            valid_spans: dataset.gold.len() as u64,
            stats,
            fingerprint,
            version_fingerprint,
            name: dataset.name,
            manifest: dataset.manifest,
        };
        Ok((summary, diagnostics))
    }

    /// A hash of every article (id, text, metadata) and gold span, independent of file order:
    /// two datasets with the same fingerprint hold the same data. The definition is
    /// [`DatasetHash`]'s (mizan 0.2.0 on); [`Dataset::fingerprint_as`] gives either.
    pub fn fingerprint(&self) -> String {
        use rayon::prelude::*;
        let merged = |mut a: DatasetHash, b: DatasetHash| {
            a.merge(&b);
            a
        };
        let (articles, spans) = rayon::join(
            || {
                let add = |mut hash: DatasetHash, article| {
                    hash.add(article);
                    hash
                };
                self.articles.par_iter().fold(DatasetHash::new, add).reduce(DatasetHash::new, merged)
            },
            || {
                let add = |(mut hash, mut line): (DatasetHash, Vec<u8>), span| {
                    hash.add_span(span, &mut line);
                    (hash, line)
                };
                self.gold.par_iter().fold(|| (DatasetHash::new(), Vec::new()), add).map(|(hash, _)| hash).reduce(DatasetHash::new, merged)
            },
        );
        merged(articles, spans).hex()
    }

    /// The fingerprint by the definition a report or manifest of mizan `version` carries
    /// ([`crate::fingerprint::fingerprint_definition`]), to check it against the data.
    pub fn fingerprint_as(&self, version: &str) -> String {
        match crate::fingerprint::fingerprint_definition(version) {
            1 => self.fingerprint_v1(),
            _ => self.fingerprint(),
        }
    }

    /// The fingerprint as mizan wrote it before 0.2.0: one 128-bit FNV-1a over every article's
    /// id, text and metadata JSON in id order, then every span's JSON line in byte order.
    pub fn fingerprint_v1(&self) -> String {
        use rayon::prelude::*;
        // The articles are hashed while the spans' lines are written and sorted (on the current
        // rayon pool); equal lines are equal strings, so an unstable sort gives the same order.
        let (mut hash, spans) = rayon::join(
            || {
                let mut articles: Vec<&Article> = self.articles.iter().collect();
                articles.sort_by(|a, b| a.id.cmp(&b.id));
                let mut hash = crate::fingerprint::Fingerprint::new();
                for article in articles {
                    hash.add_str(&article.id).add_str(&article.text);
                    hash.add_str(&article.metadata_json());
                }
                hash
            },
            || {
                let mut spans: Vec<Vec<u8>> = self
                    .gold
                    .par_iter()
                    .map(|s| {
                        let mut line = Vec::with_capacity(96);
                        s.write_json(&mut line);
                        line
                    })
                    .collect();
                spans.par_sort_unstable();
                spans
            },
        );
        for span in &spans {
            hash.add(span);
        }
        hash.hex()
    }

    /// Article id → index into `articles`.
    pub fn article_index(&self) -> HashMap<&str, usize> {
        self.articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect()
    }
}
