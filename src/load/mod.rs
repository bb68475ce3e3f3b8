//! Readers for every input format mizan accepts, one file per format, a writer beside each
//! (`*_writer`), and the DataFrame boundary (`frame`). Readers never print: problems go into
//! [`Diagnostics`], progress into a [`Progress`](crate::progress::Progress). Annotation-tool
//! formats (docs/formats.md) all return an [`Imported`]; their offsets are converted to code
//! points by [`offsets`] and [`predictions`] reads any of them as a model's output.

mod articles;
mod brat;
mod brat_writer;
pub mod conll;
mod conll_tags;
mod conll_writer;
mod diagnostics;
mod doccano;
mod doccano_writer;
mod fields;
mod frame;
mod imported;
mod json_stream;
mod jsonl;
mod label_studio;
mod label_studio_offsets;
mod label_studio_writer;
mod lines;
pub mod offsets;
mod predictions;
mod spacy;
mod spacy_writer;
mod spans;
pub mod tokens;

use std::path::PathBuf;

pub use articles::{load_articles_jsonl, load_text_folder, make_article, read_article_fields, read_articles_jsonl, ArticleFields, LoadedArticles, Origin};
pub use brat::read_brat;
pub use brat_writer::write_brat;
pub use conll_writer::{write_conll, ConllExport};
pub use diagnostics::{Diagnostics, Problem, Severity};
pub use doccano::{read_doccano, DoccanoOptions};
pub use doccano_writer::write_doccano;
pub use frame::{articles_frame, spans_frame, SpanRow, ARTICLE_COLUMNS, SPAN_COLUMNS};
pub use imported::{dedup_spans, label_counts, nested_layers, span_problem, Imported, Summary};
pub use jsonl::{read_jsonl, write_jsonl};
pub use label_studio::{read_label_studio, LabelStudioOptions};
pub use label_studio_writer::write_label_studio;
pub(crate) use lines::utf8;
pub use lines::{
    max_line_bytes, missing_path_message, read_bounded_text, BorrowedLine, LineLimit, LineTooLong, Lines, Records, DEFAULT_MAX_LINE_BYTES, MAX_LINE_ENV,
};
pub use predictions::{read_predictions, AnnotationFormat};
pub use spacy::{read_spacy, SpacyOptions};
pub use spacy_writer::write_spacy;
pub use spans::{load_spans, parse_span, SpanRecord};
pub(crate) use spans::{parse_borrowed, parse_common, skip_plain, BorrowedSpan};

pub(crate) use crate::progress::Progress;

/// Input that cannot be read at all, as opposed to a [`Problem`] inside readable input.
#[derive(Debug)]
pub enum LoadError {
    /// A read error; a line past the limit ([`LineTooLong`]) reads as `path:line: …`.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Unusable {
        path: PathBuf,
        message: String,
    },
    Frame(polars::error::PolarsError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io { path, source } => match LineTooLong::inside(source) {
                Some(too_long) => write!(f, "{too_long}"),
                None => write!(f, "cannot read {}: {source}", path.display()),
            },
            LoadError::Unusable { path, message } => write!(f, "{}: {message}", path.display()),
            LoadError::Frame(error) => write!(f, "building a DataFrame: {error}"),
        }
    }
}

impl std::error::Error for LoadError {
    /// A line past the limit is the whole message, so it has no further source to print.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { source, .. } if LineTooLong::inside(source).is_some() => None,
            LoadError::Io { source, .. } => Some(source),
            LoadError::Frame(error) => Some(error),
            LoadError::Unusable { .. } => None,
        }
    }
}

impl From<polars::error::PolarsError> for LoadError {
    fn from(error: polars::error::PolarsError) -> Self {
        LoadError::Frame(error)
    }
}
