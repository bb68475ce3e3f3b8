//! Arabic news conventions that loaders and extractors share, one file per idea.

pub mod clitics;
mod dateline;
pub mod normalize;
pub mod steps;
mod unicode;

pub use clitics::{proclitic_splits, DefiniteArticle, ProcliticSplit, PROCLITICS};
pub use dateline::{parse_dateline, Dateline};
pub use normalize::{normalize, normalize_with, normalize_word, Normalized};
pub use steps::{Steps, UnicodeForm};
