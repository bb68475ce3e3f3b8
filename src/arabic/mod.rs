//! Arabic news conventions that loaders and extractors share, one file per idea.

mod dateline;

pub use dateline::{parse_dateline, Dateline};
