//! Extractors: the [`Extractor`] trait that every extractor implements — built-in ones in
//! Rust, and external programs in any language behind [`command`] — the registry of kinds
//! (built-in ones and a user's own), and the runner that applies them to a dataset in parallel.
//!
//! Extractors see plain [`Article`]s, never DataFrames, so each can be unit-tested alone.

pub mod cache;
pub mod command;
pub mod gazetteer;
pub mod news_rules;
pub mod oracle;
pub mod perceptron;
pub mod predictions;
pub mod registry;
pub(crate) mod runner;
mod worker;

use crate::model::{Article, Span};

/// Something that finds spans in an article.
///
/// Implementations must be deterministic (the same article gives the same spans) and safe to
/// call from several threads at once. Returned spans may leave `article_id` empty: the runner
/// fills it in, and checks every span against the article's text.
///
/// ```
/// use mizan::extract::{ExtractError, Extractor};
/// use mizan::{Article, Span};
///
/// /// Marks every `سانا` (the Syrian news agency) as an ORG.
/// struct Agency;
///
/// impl Extractor for Agency {
///     fn name(&self) -> &str { "agency" }
///     fn version(&self) -> &str { "1" }
///     fn layers(&self) -> Vec<String> { vec!["ner".into()] }
///     fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
///         let chars: Vec<char> = article.text.chars().collect();
///         let needle: Vec<char> = "سانا".chars().collect();
///         // Offsets are code points, end-exclusive.
///         Ok((0..chars.len().saturating_sub(needle.len() - 1))
///             .filter(|&i| chars[i..i + needle.len()] == needle[..])
///             .map(|i| Span::new(&article.id, i, i + needle.len(), "ORG"))
///             .collect())
///     }
/// }
///
/// let article = Article::new("a", "دمشق-سانا", Default::default());
/// assert_eq!(Agency.extract(&article).unwrap(), [Span::new("a", 5, 9, "ORG")]);
/// ```
pub trait Extractor: Send + Sync {
    /// The instance name, unique in a run (`gazetteer`, `my-ner`).
    fn name(&self) -> &str;
    /// Recorded in reports and part of the prediction cache key: bump it when output changes.
    fn version(&self) -> &str;
    /// The layers this extractor produces (`ner`, `quote`, …).
    fn layers(&self) -> Vec<String>;
    /// Parameters that change the output (a model's hash, list files); hashed into reports'
    /// `config_hash` and the cache key.
    fn parameters(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
    /// Problems found while starting that did not stop the extractor (e.g. warnings about a
    /// predictions file); the command line prints them.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// The spans of one article.
    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError>;
    /// The spans of one article, and warnings about what its answer held that was ignored
    /// (the runner records them per article). Only extractors that parse an outside answer
    /// have any; the default has none.
    fn extract_noting(&self, article: &Article) -> Result<(Vec<Span>, Vec<String>), ExtractError> {
        self.extract(article).map(|spans| (spans, Vec::new()))
    }
}

/// Why an extractor failed on one article. A failure is recorded for that article and the run
/// goes on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    /// The extractor gave up on the article, with its reason.
    #[error("{0}")]
    Failed(String),
    /// No answer within the time limit.
    #[error("no answer within {secs} s")]
    Timeout {
        /// The time limit, in seconds.
        secs: f64,
    },
    /// The extractor (or its process) crashed.
    #[error("crashed: {0}")]
    Crashed(String),
    /// The answer could not be understood.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// A span does not fit the article's text.
    #[error("invalid span: {0}")]
    InvalidSpan(String),
}
