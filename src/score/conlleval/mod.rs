//! Chunk-level scoring with the exact semantics of `conlleval.pl` (version 2004-01-26), the
//! script that CoNLL-style NER numbers are reported with. Scores that users compare against
//! published tables must come out of the same counting rules and the same printed rounding, so
//! this module reproduces the script's output byte for byte, quirks included, instead of
//! implementing a "clean" span matcher. The script is byte-oriented, so input is read as bytes
//! and type names are only decoded (lossily) where text is required, such as JSON.
//!
//! The pieces, one file each: [`counts`] holds what the script counts and the percentages it
//! derives; [`tags`] interns tags and holds the chunk rules; [`scan`] finds lines and
//! delimiters 64 bytes at a time; [`counter`] is the script's line loop over whole lines;
//! [`evaluate`] reads a stream in blocks and adds up the counts of an input's parts;
//! [`parallel`] cuts a file into parts counted on several cores; [`render`] prints the report
//! (and its JSON form); [`delimiter`] is the small byte-regex engine behind `-d`.

mod counter;
mod counts;
mod delimiter;
mod evaluate;
mod parallel;
mod render;
mod scan;
mod tags;
#[cfg(test)]
mod tests;

pub use counts::{ConllevalResult, TypeCounts};
pub use evaluate::{evaluate, evaluate_reader, ConllevalError, ConllevalOptions};
pub use parallel::{evaluate_bytes, evaluate_file};
pub use render::{render, render_bytes, to_json};
