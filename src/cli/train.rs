//! `mizan train KIND --dataset DATASET --out FILE`: builds what a learned or list-based
//! extractor needs from a dataset's gold — a gazetteer list, or a perceptron model — for use
//! in a registry entry (`[extractor.NAME] kind = "…"`).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::extract::gazetteer;
use crate::extract::perceptron::{self, Learner, TagScheme, TrainOptions};

use crate::cli::common::DatasetArgs;
use crate::cli::output::write_atomic;
use crate::cli::progress::Bar;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    /// A list file of the gold's distinct names with their most frequent label.
    Gazetteer,
    /// A BIO tagger, averaged perceptron or CRF (docs/extractors/perceptron-ner.md).
    #[value(name = "perceptron-ner")]
    PerceptronNer,
}

/// How perceptron-ner learns its weights.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LearnerArg {
    /// The averaged structured perceptron (--epochs, --runs, --margin).
    Perceptron,
    /// A linear-chain CRF trained by L-BFGS (--c2, --iterations).
    Crf,
}

/// How perceptron-ner writes spans as tags.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum TagsArg {
    /// B- begins a chunk, I- continues it.
    Bio,
    /// B- begins, I- continues, E- ends a chunk; S- is a one-token chunk.
    Bioes,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to train.
    #[arg(value_enum)]
    kind: Kind,
    /// The dataset to train on (a name or a dataset folder).
    #[arg(long, required_unless_present = "articles")]
    dataset: Option<String>,
    /// Articles instead of --dataset (JSONL or a folder of .txt).
    #[arg(long, value_name = "FILE", conflicts_with = "dataset")]
    articles: Option<PathBuf>,
    /// Gold span files to go with --articles.
    #[arg(long, value_name = "FILE", requires = "articles")]
    gold: Vec<PathBuf>,
    /// The layer to learn from.
    #[arg(long, default_value = "ner")]
    layer: String,
    /// Where to write the list or model.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// perceptron-ner: the learner.
    #[arg(long, value_enum, default_value = "perceptron")]
    learner: LearnerArg,
    /// perceptron-ner with --learner crf: the L2 penalty c2 · ‖w‖² (crfsuite's c2).
    #[arg(long, value_name = "C2", allow_negative_numbers = true)]
    c2: Option<f64>,
    /// perceptron-ner with --learner crf: the most L-BFGS iterations.
    #[arg(long, value_name = "N")]
    iterations: Option<usize>,
    /// perceptron-ner: the tag scheme.
    #[arg(long, value_enum, default_value = "bio")]
    tags: TagsArg,
    /// perceptron-ner: passes over the training data per run.
    #[arg(long)]
    epochs: Option<usize>,
    /// perceptron-ner: runs averaged into the model.
    #[arg(long)]
    runs: Option<usize>,
    /// perceptron-ner: seed of the shuffling.
    #[arg(long)]
    seed: Option<u64>,
    /// perceptron-ner: train only on the articles of this split.
    #[arg(long)]
    split: Option<String>,
    /// perceptron-ner: the feature families, as a list (`words,affixes,context`) or as
    /// changes to the defaults (`-gazetteer,+classes`); docs/extractors/perceptron-ner.md.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    features: Option<String>,
    /// perceptron-ner: how many distributional word classes the `classes` family learns.
    #[arg(long, value_name = "N")]
    classes: Option<usize>,
    /// perceptron-ner: how much tagging lowers the score of `O`, as a fraction of the mean
    /// `O` margin on training tokens (0 turns it off).
    #[arg(long, value_name = "FRACTION")]
    recall_bias: Option<f32>,
    /// perceptron-ner: cost-augmented training, what decoding adds to every wrong tag while
    /// learning (0: the plain perceptron).
    #[arg(long, value_name = "COST")]
    margin: Option<f32>,
    /// perceptron-ner: contiguous blocks of the jackknifed lexicon (at least 2).
    #[arg(long, value_name = "N")]
    folds: Option<usize>,
    /// perceptron-ner: leave out weight rows whose largest magnitude is below this.
    #[arg(long, value_name = "WEIGHT")]
    prune: Option<f32>,
}

pub fn run(args: Args, progress: &Bar) -> anyhow::Result<ExitCode> {
    let source = DatasetArgs { dataset: args.dataset.clone(), articles: args.articles.clone(), gold: args.gold.clone() };
    let Ok(dataset) = source.load_checked(progress)? else {
        return Ok(ExitCode::from(1));
    };
    if !dataset.gold.iter().any(|s| s.layer == args.layer) {
        anyhow::bail!("dataset `{}` has no gold spans in layer `{}` to learn from", dataset.name, args.layer);
    }
    match args.kind {
        Kind::Gazetteer => {
            let list = gazetteer::train(&dataset, &args.layer);
            write_atomic(&args.out, list.as_bytes())?;
            let names = list.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).count();
            eprintln!("wrote {} names to {}", names, args.out.display());
            eprintln!("use it with:\n  [extractor.my-gazetteer]\n  kind = \"gazetteer\"\n  lists = [\"{}\"]", args.out.display());
        }
        Kind::PerceptronNer => {
            let defaults = TrainOptions::default();
            let features = match &args.features {
                Some(list) => perceptron::Families::parse(list, &defaults.features).map_err(|e| anyhow::anyhow!("--features: {e}"))?,
                None => defaults.features.clone(),
            };
            if let Some(c2) = args.c2.filter(|c2| !(c2.is_finite() && *c2 >= 0.0)) {
                anyhow::bail!("--c2 {c2}: give a finite penalty of 0 or more");
            }
            let learner = match args.learner {
                LearnerArg::Perceptron => Learner::Perceptron,
                LearnerArg::Crf => Learner::Crf,
            };
            // An option the chosen learner does not read is a mistake to point out, not ignore.
            let (perceptron_only, crf_only) =
                (args.epochs.is_some() || args.runs.is_some() || args.margin.is_some(), args.c2.is_some() || args.iterations.is_some());
            match learner {
                Learner::Crf if perceptron_only => {
                    anyhow::bail!("--epochs, --runs and --margin are options of the perceptron; with --learner crf use --c2 and --iterations")
                }
                Learner::Perceptron if crf_only => {
                    anyhow::bail!("--c2 and --iterations are options of --learner crf; the perceptron uses --epochs, --runs and --margin")
                }
                _ => {}
            }
            let options = TrainOptions {
                learner,
                c2: args.c2.unwrap_or(defaults.c2),
                iterations: args.iterations.unwrap_or(defaults.iterations),
                tags: match args.tags {
                    TagsArg::Bio => TagScheme::Bio,
                    TagsArg::Bioes => TagScheme::Bioes,
                },
                features,
                classes: args.classes.unwrap_or(defaults.classes),
                recall_bias: args.recall_bias.unwrap_or(defaults.recall_bias),
                margin: args.margin.unwrap_or(defaults.margin),
                folds: args.folds.unwrap_or(defaults.folds),
                prune: args.prune.unwrap_or(defaults.prune),
                epochs: args.epochs.unwrap_or(defaults.epochs),
                runs: args.runs.unwrap_or(defaults.runs),
                seed: args.seed.unwrap_or(defaults.seed),
                layer: args.layer.clone(),
                split: args.split.clone(),
            };
            let started = std::time::Instant::now();
            let model = perceptron::train(&dataset, &options, progress)?;
            write_atomic(&args.out, &model.encode())?;
            let summary = model.summary();
            eprintln!(
                "trained on {} sentences, {} tokens, {} spans ({} not on token boundaries, left out) in {:.1} s",
                summary.sentences,
                summary.tokens,
                summary.spans,
                summary.unaligned_spans,
                started.elapsed().as_secs_f64()
            );
            for span in summary.unaligned_examples.iter().take(3) {
                let (id, label) = (crate::model::for_terminal(&span.article_id), crate::model::for_terminal(&span.label));
                eprintln!("  not aligned: `{id}` {}..{} {label}", span.start, span.end);
            }
            if let Some(crf) = &summary.crf {
                let how = if crf.converged { "converged" } else { "stopped at the limit" };
                eprintln!("CRF: {} L-BFGS iterations ({how}), {} passes over the data, objective {:.1}", crf.iterations, crf.evaluations, crf.objective);
            }
            eprintln!("labels: {}; model {} ({})", model.labels().join(", "), args.out.display(), model.content_hash());
            eprintln!("use it with:\n  [extractor.my-ner]\n  kind = \"perceptron-ner\"\n  model = \"{}\"", args.out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
