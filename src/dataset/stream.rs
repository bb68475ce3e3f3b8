//! `validate` and `stats` in bounded memory: the articles file and the span files are read side
//! by side, one article and its spans at a time, on two threads (articles on one, spans and
//! their checks on the other), and nothing is kept but counts, a hash per article id and the
//! fingerprint's sums ([`DatasetHash`], which does not depend on order). That works when each
//! span file lists an article's spans together, articles in the order of the articles file —
//! the order mizan writes, and the usual one. Anything else (spans scattered through a file, an
//! unknown or duplicate id, a read error, a folder of `.txt` articles, a manifest version whose
//! fingerprint has the definition of mizan before 0.2.0) makes the reader give up (`None`) and
//! the caller load the dataset whole, so every message and figure is the one the whole-dataset
//! path gives.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use crate::dataset::in_step::{Incoming, SpanFile, SpanSide};
use crate::dataset::manifest::{ArticleFormat, Manifest};
use crate::dataset::stats::{SpanCounts, SplitStats, Stats};
use crate::dataset::{locate, DatasetSpec, Summary};
use crate::fingerprint::{DatasetHash, KeySet};
use crate::load::{read_article_fields, Diagnostics, LoadError};
use crate::model::metadata_json;
use crate::progress::Progress;

/// Articles go from one thread to the other in batches of `BATCH` articles or `BATCH_BYTES` of
/// text, whichever comes first (each hand-over can wake the other thread, which costs more than
/// reading a short article); at most `IN_FLIGHT` batches are in flight: the memory the
/// side-by-side reading holds.
const BATCH: usize = 1024;
const BATCH_BYTES: usize = 256 << 10;
const IN_FLIGHT: usize = 4;

/// Reads and checks the dataset in bounded memory; `Ok(None)` when it cannot be done that way.
/// `Err` only for what stops the whole-dataset path before it reads any data (no such dataset,
/// a bad manifest).
pub(super) fn summarize(spec: &DatasetSpec, fingerprint: bool, progress: &dyn Progress) -> Result<Option<(Summary, Diagnostics)>, LoadError> {
    let location = locate(spec)?;
    if location.format != ArticleFormat::Jsonl {
        return Ok(None);
    }
    let manifest = location.manifest.as_ref().map(|(_, m)| m);
    if fingerprint && manifest.is_some_and(Manifest::records_old_fingerprint) {
        return Ok(None);
    }
    let (articles, spans) = std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel(IN_FLIGHT);
        let (used, recycled) = sync_channel(IN_FLIGHT + 2);
        let reader = scope.spawn(|| read_articles(&location.articles, manifest, fingerprint, progress, (sender, recycled)));
        let spans = check_in_step(&location.gold, manifest, fingerprint, (receiver, used));
        let articles = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (articles, spans)
    });
    let (Ok(Some(articles)), Ok(Some(spans))) = (articles, spans) else {
        return Ok(None);
    };

    let mut diagnostics = articles.diagnostics;
    if let Some((path, manifest)) = &location.manifest {
        report_splits(manifest, path, articles.listed, &mut diagnostics);
        for (_, layer) in &location.gold {
            if let Some(layer) = layer.as_deref().filter(|l| !manifest.layers.contains_key(*l)) {
                diagnostics.warning(path, None, format!("gold layer `{layer}` has no schema in [layers.{layer}]; its labels are not checked"));
            }
        }
    }
    diagnostics.extend(spans.diagnostics);

    let hash = (fingerprint && diagnostics.error_count() == 0).then(|| {
        let mut hash = articles.hash;
        hash.merge(&spans.hash);
        hash.hex()
    });
    let mut splits: BTreeMap<String, SplitStats> =
        articles.splits.into_iter().map(|(name, (count, characters))| (name, SplitStats { articles: count, characters, spans: SpanCounts::new() })).collect();
    for (name, counts) in spans.split_spans {
        if let Some(split) = splits.get_mut(&name) {
            split.spans = counts;
        }
    }
    let stats = Stats { dataset: location.name.clone(), articles: articles.count, characters: articles.characters, spans: spans.counts, splits };
    let summary = Summary {
        name: location.name,
        manifest: location.manifest.map(|(_, m)| m),
        articles: articles.count,
        valid_spans: spans.count,
        stats,
        fingerprint: hash,
        version_fingerprint: None,
    };
    Ok(Some((summary, diagnostics)))
}

/// What the articles thread found.
struct ArticleSide {
    diagnostics: Diagnostics,
    count: u64,
    characters: u64,
    /// Split → articles and characters.
    splits: BTreeMap<String, (u64, u64)>,
    /// The split in the file of each article the manifest's `[splits]` lists.
    listed: HashMap<String, Option<String>>,
    /// The fingerprint's articles part (empty when no fingerprint was asked for).
    hash: DatasetHash,
}

/// Reads the articles, sending each on (the manifest's split applied); `None` when the file
/// repeats an id (the later copy's spans would be checked against the first copy, which is gone).
fn read_articles(
    path: &Path,
    manifest: Option<&Manifest>,
    fingerprint: bool,
    progress: &dyn Progress,
    (sender, recycled): (SyncSender<Vec<Incoming>>, Receiver<Vec<Incoming>>),
) -> Result<Option<ArticleSide>, LoadError> {
    let mut first_listing: HashMap<&str, &str> = HashMap::new();
    for (split, ids) in manifest.iter().flat_map(|m| &m.splits) {
        for id in ids {
            first_listing.entry(id.as_str()).or_insert(split.as_str());
        }
    }
    let mut side =
        ArticleSide { diagnostics: Diagnostics::default(), count: 0, characters: 0, splits: BTreeMap::new(), listed: HashMap::new(), hash: DatasetHash::new() };
    let mut seen = KeySet::default();
    let mut usable = true;
    let (mut batch, mut batch_bytes) = (Vec::with_capacity(BATCH), 0);
    let mut diagnostics = Diagnostics::default();
    progress.start("articles", std::fs::metadata(path).ok().map(|m| m.len()));
    let read = read_article_fields(path, &mut diagnostics, progress, |mut article, _| {
        if !usable || !seen.insert(xxhash_rust::xxh3::xxh3_64(article.id.as_bytes())) {
            // A repeated id, or (rarely) two ids with the same 64-bit hash: either way the
            // whole-dataset path decides.
            usable = false;
            return;
        }
        if let Some(split) = first_listing.get(article.id.as_str()) {
            side.listed.insert(article.id.clone(), article.metadata.get("split").cloned());
            article.metadata.entry("split".into()).or_insert_with(|| split.to_string());
        }
        if fingerprint {
            side.hash.add_article(&article.id, &article.text, &metadata_json(&article.metadata));
        }
        let article = Incoming::new(article.id, article.text, article.metadata.remove("split"));
        let characters = article.char_len as u64;
        side.count += 1;
        side.characters += characters;
        if let Some(split) = &article.split {
            let entry = match side.splits.get_mut(split) {
                Some(entry) => entry,
                None => side.splits.entry(split.clone()).or_default(),
            };
            entry.0 += 1;
            entry.1 += characters;
        }
        batch_bytes += article.text.len();
        batch.push(article);
        if batch.len() == BATCH || batch_bytes >= BATCH_BYTES {
            // The articles the other thread is done with are freed here, where they were
            // allocated: freed there, they would make the two threads wait for each other's
            // allocator lock at every article.
            let mut next = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
            next.clear();
            while let Ok(done) = recycled.try_recv() {
                drop(done);
            }
            usable = sender.send(std::mem::replace(&mut batch, next)).is_ok();
            batch_bytes = 0;
        }
    });
    if usable && !batch.is_empty() {
        usable = sender.send(batch).is_ok();
    }
    progress.finish();
    read?;
    side.diagnostics = diagnostics;
    Ok(usable.then_some(side))
}

/// The manifest's `[splits]` against the articles, with the messages of `check::apply_splits`.
fn report_splits(manifest: &Manifest, path: &Path, mut listed: HashMap<String, Option<String>>, diagnostics: &mut Diagnostics) {
    use crate::model::shown;
    for (split, ids) in &manifest.splits {
        for id in ids {
            let Some(current) = listed.get_mut(id) else {
                diagnostics.error(path, None, format!("split `{}` lists `{}`, which is no article id", shown(split), shown(id)));
                continue;
            };
            match current {
                Some(existing) if existing != split => diagnostics.error(
                    path,
                    None,
                    format!("article `{}` is in split `{}` here but in split `{}` in its own metadata", shown(id), shown(split), shown(existing)),
                ),
                _ => *current = Some(split.clone()),
            }
        }
    }
}

/// Checks each article's spans as the article arrives; `None` when a file has spans left once
/// the articles are done (an unknown id, or spans out of the articles' order).
fn check_in_step(
    gold: &[(std::path::PathBuf, Option<String>)],
    manifest: Option<&Manifest>,
    fingerprint: bool,
    (articles, used): (Receiver<Vec<Incoming>>, SyncSender<Vec<Incoming>>),
) -> Result<Option<SpanSide>, LoadError> {
    let mut files = Vec::with_capacity(gold.len());
    for (path, layer) in gold {
        files.push(SpanFile::open(path, layer.as_deref())?);
    }
    let mut side = SpanSide::default();
    let mut line = Vec::with_capacity(128);
    for batch in articles {
        for article in &batch {
            for file in &mut files {
                file.take(article, manifest, fingerprint, &mut side, &mut line)?;
            }
        }
        // Back to the reading thread, which frees them (or, when its queue is full, here).
        let _ = used.try_send(batch);
    }
    for file in &mut files {
        if file.has_more(&mut side.diagnostics)? {
            return Ok(None);
        }
    }
    side.finish();
    Ok(Some(side))
}
