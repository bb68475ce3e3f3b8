//! The entry points: options with the meaning of conlleval.pl's flags, the errors it stops
//! with, the streaming reader (fixed-size blocks, one unfinished line carried over), and the
//! rule that adds the counts of consecutive parts of one input into the script's result.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use super::counter::{Counter, Fault, Partial, Stop};
use super::counts::ConllevalResult;
use super::delimiter::Delimiter;
use crate::load::LineTooLong;

/// The block size of every read: large enough that system calls cost nothing, small enough
/// to stay in a core's cache while its lines are counted.
pub(super) const BLOCK: usize = 256 << 10;

/// Options with the meaning of conlleval.pl's command-line flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConllevalOptions {
    /// `-d`: the field separator, a Perl regular expression (`None` means a single space).
    /// Literal text works, as do `\t`, `\s`, `.`, `[...]` classes and the quantifiers
    /// `? * + {n,m}`; groups, alternation and anchors are refused, as is any pattern that can
    /// match the empty string, because splitting on those follows rules this module does not
    /// reproduce.
    pub delimiter: Option<String>,
    /// `-r`: tags carry no `B-`/`I-` prefix; every non-outside token is its own phrase.
    pub raw: bool,
    /// `-o`: the name of the outside tag in raw input. conlleval.pl consults it only together
    /// with `raw`; without it the outside tag is always `O`.
    pub outside_tag: String,
}

impl Default for ConllevalOptions {
    fn default() -> Self {
        ConllevalOptions { delimiter: None, raw: false, outside_tag: "O".to_string() }
    }
}

impl ConllevalOptions {
    pub(super) fn compile(&self) -> Result<Delimiter, ConllevalError> {
        Delimiter::compile(self.delimiter.as_deref().unwrap_or(" "))
    }

    pub(super) fn counter<'a>(&self, delimiter: &'a Delimiter, limit: usize, in_correct: bool) -> Counter<'a> {
        Counter::new(delimiter, self.raw, self.outside_tag.as_bytes(), limit, in_correct)
    }
}

/// Why the input could not be scored. Displays match conlleval.pl's messages, minus the
/// newline, so a command-line front end can print them unchanged.
#[derive(thiserror::Error, Debug)]
pub enum ConllevalError {
    /// A non-empty line whose field count differs from the first line's (conlleval.pl exits 1).
    #[error("unexpected number of features: {found} ({expected})")]
    FieldCount {
        /// Fields on the offending line.
        found: usize,
        /// Fields on the first line.
        expected: usize,
        /// 1-based number of the offending line.
        line_number: usize,
    },
    /// A token line with a single field, so no gold and guessed tag (conlleval.pl dies, exit 255).
    #[error("conlleval: unexpected number of features in line {}", String::from_utf8_lossy(.line))]
    TooFewFields {
        /// The line, without its newline.
        line: Vec<u8>,
        /// 1-based line number.
        line_number: usize,
    },
    /// A delimiter pattern outside the supported subset of Perl regular expressions.
    #[error("unsupported delimiter {pattern:?}: {reason}")]
    UnsupportedDelimiter {
        /// The pattern as given.
        pattern: String,
        /// The construct that is not supported.
        reason: String,
    },
    /// Reading the input failed; a line past the length limit is a [`LineTooLong`] inside.
    #[error("cannot read the input: {0}")]
    Io(#[from] std::io::Error),
}

impl ConllevalError {
    /// The error for a fault at absolute line `line_number` of the input `name`.
    pub(super) fn at(stop: Stop, name: &Path, limit: usize) -> Self {
        let line_number = stop.line;
        match stop.fault {
            Fault::FieldCount { found, expected } => ConllevalError::FieldCount { found, expected, line_number },
            Fault::TooFewFields(line) => ConllevalError::TooFewFields { line, line_number },
            Fault::TooLong => {
                let error = LineTooLong { path: PathBuf::from(name), line: line_number, limit };
                ConllevalError::Io(std::io::Error::new(ErrorKind::InvalidData, error))
            }
        }
    }
}

/// Scores a conlleval-format stream: one token per line, fields separated by the delimiter,
/// the gold tag and the guessed tag last; blank lines or lines starting with `-X-` separate
/// sentences. Lines may be of any length; [`evaluate_reader`] bounds them.
pub fn evaluate<R: Read>(input: R, options: &ConllevalOptions) -> Result<ConllevalResult, ConllevalError> {
    evaluate_reader(input, Path::new("<input>"), usize::MAX, options)
}

/// [`evaluate`] with lines bounded by `limit` bytes: a longer line stops the count with a
/// [`LineTooLong`] that names `name` and the line. Memory stays flat however long the input.
pub fn evaluate_reader<R: Read>(mut input: R, name: &Path, limit: usize, options: &ConllevalOptions) -> Result<ConllevalResult, ConllevalError> {
    let delimiter = options.compile()?;
    let mut counter = options.counter(&delimiter, limit, false);
    let halt = count_blocks(&mut counter, |buffer| input.read(buffer));
    match halt {
        Ok(()) => add_up(vec![Part { partial: counter.finish(), stop: None }]).map_err(|stop| ConllevalError::at(stop, name, limit)),
        Err(Halt::Io(error)) => Err(error.into()),
        Err(Halt::Stop(stop)) => Err(ConllevalError::at(stop, name, limit)),
    }
}

/// Why [`count_blocks`] stopped early.
pub(super) enum Halt {
    Stop(Stop),
    Io(std::io::Error),
}

/// Feeds `counter` everything `read` supplies (0 meaning the end), in blocks of [`BLOCK`]
/// bytes; a line longer than a block grows the buffer up to the counter's line limit.
pub(super) fn count_blocks(counter: &mut Counter, mut read: impl FnMut(&mut [u8]) -> std::io::Result<usize>) -> Result<(), Halt> {
    let mut buffer = vec![0u8; BLOCK];
    // buffer[..filled] holds the unfinished line carried over, then what the last read brought.
    let mut filled = 0;
    loop {
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
        let n = match read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(Halt::Io(error)),
        };
        let used = counter.lines(&buffer[..filled + n]).map_err(Halt::Stop)?;
        buffer.copy_within(used..filled + n, 0);
        filled = filled + n - used;
        counter.check_unfinished(filled).map_err(Halt::Stop)?;
    }
    if filled > 0 {
        counter.line(&buffer[..filled]).map_err(Halt::Stop)?;
    }
    Ok(())
}

/// One part's count and the fault that stopped it, if any.
pub(super) struct Part {
    pub partial: Partial,
    pub stop: Option<Stop>,
}

/// Adds up the counts of consecutive parts of one input, each starting after a blank line,
/// into the whole input's result, or finds the input's first fault (line numbers made
/// absolute). Each part checked its field counts against its own first line; here each first
/// line is checked against the input's.
pub(super) fn add_up(parts: Vec<Part>) -> Result<ConllevalResult, Stop> {
    let mut result = ConllevalResult { tokens: 0, phrases: 0, found: 0, correct: 0, correct_tags: 0, per_type: BTreeMap::new() };
    let mut expected = None;
    let mut offset = 0;
    let mut open_correct = None;
    for Part { partial, stop } in parts {
        let mismatch = match (expected, partial.first) {
            (Some(expected), Some((line, found))) if found != expected => Some(Stop { line, fault: Fault::FieldCount { found, expected } }),
            _ => None,
        };
        // A line too long is found before its fields are counted, a field count before the
        // line is found to have one field only.
        let first = match (mismatch, stop) {
            (Some(mismatch), Some(stop)) if stop.line < mismatch.line || (stop.line == mismatch.line && stop.fault == Fault::TooLong) => Some(stop),
            (Some(mismatch), _) => Some(mismatch),
            (None, stop) => stop,
        };
        if let Some(stop) = first {
            return Err(Stop { line: offset + stop.line, fault: stop.fault });
        }
        expected = expected.or(partial.first.map(|(_, count)| count));
        offset += partial.lines;
        result.tokens += partial.tokens;
        result.phrases += partial.phrases;
        result.found += partial.found;
        result.correct += partial.correct;
        result.correct_tags += partial.correct_tags;
        for (name, counts) in partial.per_type {
            let entry = result.per_type.entry(name).or_default();
            entry.gold += counts.gold;
            entry.found += counts.found;
            entry.correct += counts.correct;
        }
        open_correct = partial.open_correct;
    }
    // A correct phrase still open at the end of the input is complete.
    if let Some(kind) = open_correct {
        result.correct += 1;
        result.per_type.entry(kind).or_default().correct += 1;
    }
    Ok(result)
}
