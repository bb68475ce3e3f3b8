//! Scoring: comparing predicted spans with gold. `conlleval` reproduces conlleval.pl's token-file
//! scoring byte for byte.

pub mod conlleval;
