//! The runner: applies one extractor to every article of a dataset on a rayon pool, checks
//! every span it returns against the article, and records failures per article. A panic
//! inside an extractor is caught and recorded like any other failure. Results come back in
//! article order, so they are the same whatever the number of threads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use rayon::prelude::*;

use crate::extract::cache::PredictionCache;
use crate::extract::{ExtractError, Extractor};
use crate::fingerprint::Fingerprint;
use crate::model::{is_control_like, quote, shown, Article, ArticleWarning, Failure, Span};
use crate::progress::Progress;

/// What one extractor produced over a dataset.
#[derive(Debug, Clone)]
pub struct ExtractorRun {
    pub name: String,
    pub version: String,
    pub layers: Vec<String>,
    /// Hash of the version and parameters.
    pub config_hash: String,
    /// Spans of the articles it succeeded on, in article order, sorted within an article.
    pub spans: Vec<Span>,
    pub failures: Vec<Failure>,
    /// What answers held that was ignored, per article, in article order.
    pub warnings: Vec<ArticleWarning>,
    pub articles: usize,
    /// Articles answered from the cache.
    pub cached: usize,
    pub seconds: f64,
}

/// One article's checked spans and the warnings about its answer, or why it failed.
type Answered = Result<(Vec<Span>, Vec<String>), ExtractError>;

/// The configuration hash recorded in reports: kind-independent, version and parameters.
pub fn config_hash(extractor: &dyn Extractor) -> String {
    Fingerprint::new().add_str(extractor.version()).add_str(&extractor.parameters().to_string()).hex()
}

/// The most articles one task of [`run_extractor`] takes: small enough that no core waits long
/// for the last one, large enough that splitting costs nothing measurable.
const ARTICLES_PER_TASK: usize = 64;

/// Runs `extractor` over `articles` on `pool`.
pub fn run_extractor(
    extractor: &dyn Extractor,
    articles: &[Article],
    pool: &rayon::ThreadPool,
    cache: Option<&PredictionCache>,
    progress: &dyn Progress,
) -> ExtractorRun {
    let started = Instant::now();
    let layers = extractor.layers();
    progress.start(extractor.name(), Some(articles.len() as u64));
    // Rayon splits a slice only as deep as its threads ask for it, so the last piece could be
    // an eighth of the articles with one thread working on it and the others idle; pieces of at
    // most ARTICLES_PER_TASK articles keep the tail short.
    let results: Vec<(Answered, bool)> = pool.install(|| {
        articles
            .par_iter()
            .with_max_len(ARTICLES_PER_TASK)
            .map(|article| {
                let result = match cache.and_then(|c| c.get(extractor, article)) {
                    Some(spans) => (Ok((spans, Vec::new())), true),
                    None => {
                        let result = extract_one(extractor, article, &layers);
                        if let (Ok((spans, _)), Some(cache)) = (&result, cache) {
                            cache.put(extractor, article, spans);
                        }
                        (result, false)
                    }
                };
                progress.advance(1);
                result
            })
            .collect()
    });
    progress.finish();
    let mut run = ExtractorRun {
        name: extractor.name().to_string(),
        version: extractor.version().to_string(),
        layers,
        config_hash: config_hash(extractor),
        spans: Vec::new(),
        failures: Vec::new(),
        warnings: Vec::new(),
        articles: articles.len(),
        cached: 0,
        seconds: 0.0,
    };
    for (article, (result, cached)) in articles.iter().zip(results) {
        run.cached += usize::from(cached);
        match result {
            Ok((spans, warnings)) => {
                run.spans.extend(spans);
                run.warnings.extend(warnings.into_iter().map(|warning| ArticleWarning { article_id: article.id.clone(), warning }));
            }
            Err(error) => run.failures.push(Failure { article_id: article.id.clone(), error: error.to_string() }),
        }
    }
    run.seconds = started.elapsed().as_secs_f64();
    run
}

/// One article: catches panics and checks every span.
fn extract_one(extractor: &dyn Extractor, article: &Article, layers: &[String]) -> Answered {
    let (spans, warnings) = catch_unwind(AssertUnwindSafe(|| extractor.extract_noting(article))).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        ExtractError::Crashed(format!("panicked: {message}"))
    })??;
    Ok((checked(article, spans, layers)?, warnings))
}

/// A span as an error names it: `start..end label`.
struct At<'a>(&'a Span);

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{} {}", self.0.start, self.0.end, shown(&self.0.label))
    }
}

/// Fills `article_id` and `text`, and refuses spans that do not fit the article.
pub fn checked(article: &Article, mut spans: Vec<Span>, layers: &[String]) -> Result<Vec<Span>, ExtractError> {
    for span in &mut spans {
        if span.article_id.is_empty() {
            span.article_id = article.id.clone();
        }
        // Written only into an error: a clean span costs no string.
        let at = At(span);
        if span.article_id != article.id {
            return Err(ExtractError::InvalidSpan(format!("{at} names article `{}`", shown(&span.article_id))));
        }
        if !layers.contains(&span.layer) {
            return Err(ExtractError::InvalidSpan(format!(
                "{at} is in layer `{}`, which the extractor does not declare ({})",
                shown(&span.layer),
                layers.join(", ")
            )));
        }
        if span.label.is_empty() {
            return Err(ExtractError::InvalidSpan(format!("{at} has an empty label")));
        }
        // Labels and attribute keys are identifiers, as validate holds the gold to.
        for (what, name) in std::iter::once(("label", &span.label)).chain(span.attrs.keys().map(|k| ("attribute key", k))) {
            if let Some(c) = name.chars().find(|&c| is_control_like(c)) {
                return Err(ExtractError::InvalidSpan(format!("{at}: {what} {} holds the control character U+{:04X}", quote(name), c as u32)));
            }
        }
        if span.end <= span.start {
            return Err(ExtractError::InvalidSpan(format!("{at} is empty or reversed")));
        }
        let Some(covered) = article.slice(span.start, span.end) else {
            return Err(ExtractError::InvalidSpan(format!("{at} runs past the end of the text ({} code points)", article.char_len())));
        };
        match &span.text {
            Some(text) if text != covered => {
                return Err(ExtractError::InvalidSpan(format!(
                    "{at} says its text is {} but the article holds {} there (offsets are code points)",
                    quote(text),
                    quote(covered)
                )))
            }
            Some(_) => {}
            None => span.text = Some(covered.to_string()),
        }
    }
    spans.sort_by(|a, b| (&a.layer, a.start, a.end, &a.label).cmp(&(&b.layer, b.start, b.end, &b.label)));
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use std::collections::BTreeMap;

    /// Finds every "لافروف", panics on articles whose id is "boom", fails on "bad".
    struct Toy;

    impl Extractor for Toy {
        fn name(&self) -> &str {
            "toy"
        }
        fn version(&self) -> &str {
            "1"
        }
        fn layers(&self) -> Vec<String> {
            vec!["ner".into()]
        }
        fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
            match article.id.as_str() {
                "boom" => panic!("kaboom"),
                "bad" => Err(ExtractError::Failed("cannot parse".into())),
                "outside" => Ok(vec![span(article, 40, 46)]),
                _ => Ok(article
                    .text
                    .match_indices("لافروف")
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .filter_map(|(byte, _)| article.char_offset(byte))
                    .map(|start| span(article, start, start + 6))
                    .collect()),
            }
        }
    }

    fn span(_article: &Article, start: usize, end: usize) -> Span {
        Span::new("", start, end, "PER")
    }

    fn articles() -> Vec<Article> {
        ["a", "boom", "b", "bad", "outside", "c"].iter().map(|id| Article::new(*id, "قال لافروف إن لافروف", BTreeMap::new())).collect()
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
    }

    #[test]
    fn failures_stay_with_their_article() {
        let run = run_extractor(&Toy, &articles(), &pool(2), None, &NoProgress);
        let failed: Vec<(&str, &str)> = run.failures.iter().map(|f| (f.article_id.as_str(), f.error.as_str())).collect();
        assert_eq!(failed[0], ("boom", "crashed: panicked: kaboom"));
        assert_eq!(failed[1], ("bad", "cannot parse"));
        assert!(failed[2].1.contains("runs past the end of the text (20 code points)"), "{failed:?}");
        assert_eq!(run.spans.len(), 6);
        assert_eq!(run.spans[0].text.as_deref(), Some("لافروف"));
        assert!(run.spans[0].start < run.spans[1].start, "sorted within an article");
    }

    #[test]
    fn thread_count_does_not_change_results() {
        let one = run_extractor(&Toy, &articles(), &pool(1), None, &NoProgress);
        let four = run_extractor(&Toy, &articles(), &pool(4), None, &NoProgress);
        assert_eq!(one.spans, four.spans);
        assert_eq!(one.failures, four.failures);
    }

    #[test]
    fn a_cache_answers_the_second_run() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PredictionCache::new(dir.path());
        let first = run_extractor(&Toy, &articles(), &pool(2), Some(&cache), &NoProgress);
        let second = run_extractor(&Toy, &articles(), &pool(2), Some(&cache), &NoProgress);
        assert_eq!((first.cached, second.cached), (0, 3));
        assert_eq!(first.spans, second.spans);
        assert_eq!(second.failures.len(), 3, "failures are not cached");
    }

    #[test]
    fn spans_are_checked() {
        let article = Article::new("a", "قال لافروف", BTreeMap::new());
        let layers = vec!["ner".to_string()];
        let mut wrong_text = span(&article, 4, 10);
        wrong_text.text = Some("موسكو".into());
        assert!(checked(&article, vec![wrong_text], &layers).unwrap_err().to_string().contains("holds \"لافروف\""));
        let mut wrong_layer = span(&article, 4, 10);
        wrong_layer.layer = "quote".into();
        assert!(checked(&article, vec![wrong_layer], &layers).unwrap_err().to_string().contains("does not declare"));
        assert!(checked(&article, vec![span(&article, 5, 5)], &layers).is_err());
        let mut control = span(&article, 4, 10);
        control.label = "PER\u{1b}[2J".into();
        assert!(checked(&article, vec![control], &layers).unwrap_err().to_string().contains("label \"PER\\u{1b}[2J\" holds the control character U+001B"));
        let mut key = span(&article, 4, 10);
        key.attrs.insert("k\n".into(), "v".into());
        assert!(checked(&article, vec![key], &layers).unwrap_err().to_string().contains("attribute key \"k\\n\""));
    }
}
