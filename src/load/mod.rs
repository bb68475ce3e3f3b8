//! Readers for every input format mizan accepts, one file per format, and the DataFrame
//! boundary (`frame`). Readers never print: problems go into [`Diagnostics`], progress into a
//! [`Progress`](crate::progress::Progress).

mod articles;
pub mod conll;
mod diagnostics;
mod fields;
mod frame;
mod lines;
mod spans;

use std::path::PathBuf;

pub use articles::{load_articles_jsonl, load_text_folder, make_article, LoadedArticles, Origin};
pub use diagnostics::{Diagnostics, Problem, Severity};
pub use frame::{articles_frame, spans_frame, SpanRow, ARTICLE_COLUMNS, SPAN_COLUMNS};
pub use lines::Lines;
pub use spans::{load_spans, parse_span, SpanRecord};

pub(crate) use crate::progress::Progress;

/// Input that cannot be read at all, as opposed to a [`Problem`] inside readable input.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: {message}", path.display())]
    Unusable { path: PathBuf, message: String },
    #[error("building a DataFrame: {0}")]
    Frame(#[from] polars::error::PolarsError),
}
