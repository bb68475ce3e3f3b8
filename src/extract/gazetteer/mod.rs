//! `gazetteer`: a dictionary extractor for the `ner` layer. Lists of names with labels are
//! compiled into one automaton ([`Gazetteer`]) that finds whole-word names in normalised text
//! and reports them in the article's own code points; [`GazetteerExtractor`] runs it as an
//! extractor, and [`train`] builds a list from a dataset's gold.
//!
//! Design, list format and the shipped lists: `docs/extractors/gazetteer.md`.

mod extractor;
mod lists;
mod matcher;
mod train;
mod words;

pub use extractor::GazetteerExtractor;
pub use lists::GazetteerError;
pub use matcher::{Entry, Gazetteer, Match};
pub use train::train;
