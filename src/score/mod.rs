//! Scoring: comparing predicted spans with gold. `matching` pairs predictions with gold spans
//! (its `assignment` solver settles overlapping groups), `scheme` counts nervaluate's four
//! schemes from the pairs; `evaluate` adds them up over a layer (per label, per article,
//! confusion, attributes); `slices` groups per-article counts by article metadata with polars;
//! `conlleval` reproduces conlleval.pl's token-file scoring byte for byte. The JSON shape of a
//! layer's scores is `report::LayerReport`.

mod assignment;
pub mod bootstrap;
pub mod compact;
pub mod conlleval;
pub mod evaluate;
mod matching;
mod multinomial;
mod records;
pub mod scheme;
pub mod slices;

pub use evaluate::{score_layer, LayerScore};
pub use scheme::{metrics, Counts, Metrics, Scheme, SchemeCounts};
