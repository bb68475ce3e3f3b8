//! mizan (ميزان, "the scales"): dataset curation and evaluation for information extraction
//! from Arabic news.
//!
//! The library loads articles and gold annotations into polars frames ([`dataset`], [`load`]),
//! checks them, scores extractors' output ([`score`]), and compares reports across versions
//! ([`compare`]). It never prints outside [`cli`], the command line, which renders what the rest returns;
//! [`cli::main_with`] gives a user's own binary that command line with its extractor kinds.

pub mod agree;
pub mod arabic;
pub(crate) mod atomic;
pub mod cli;
pub mod compare;
pub mod dataset;
pub mod extract;
pub(crate) mod fingerprint;
pub mod load;
pub mod model;
pub mod progress;
pub(crate) mod random;
pub mod report;
pub mod run;
pub mod score;

pub use dataset::{Dataset, DatasetSpec, Manifest};
pub use model::{Article, Span};
