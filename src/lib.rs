//! mizan (ميزان, "the scales"): dataset curation and evaluation for information extraction
//! from Arabic news.
//!
//! The library loads articles and gold annotations into polars frames ([`dataset`], [`load`]),
//! checks them, scores extractors' output ([`score`]), and compares reports across versions
//! ([`compare`]). It never prints: the `mizan` binary (`cli`) renders what it returns.

pub mod agree;
pub mod arabic;
pub mod atomic;
pub mod compare;
pub mod dataset;
pub mod extract;
pub mod fingerprint;
pub mod load;
pub mod model;
pub mod progress;
pub mod random;
pub mod report;
pub mod run;
pub mod score;

pub use dataset::{Dataset, DatasetSpec, Manifest};
pub use model::{Article, Span};
