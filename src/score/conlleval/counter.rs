//! conlleval.pl's line loop over a run of whole lines: the field-count checks, the boundary
//! test, and the chunk state machine that turns tags into counts. A [`Counter`] sees bytes
//! only (no line is decoded), takes the gold and guessed tags from the delimiter positions
//! [`scan`] found (lines of unusual shape, and `-d` patterns, go through Perl's split), and
//! interns tags so that the rules compare small integers. It can start in the
//! middle of a file, right after a blank line, so that parts of one file can be counted on
//! their own and added up ([`Partial`]).

use memchr::{memchr_iter, memrchr};

use super::counts::TypeCounts;
use super::delimiter::Delimiter;
use super::scan::{self, Layout};
use super::tags::{chunk_bounds, Tag, Tags, OUTSIDE, OUTSIDE_TAG};

/// The first field of a sentence-boundary line.
const BOUNDARY: &[u8] = b"-X-";

/// Why a line stopped the count; the line number travels beside it in [`Stop`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fault {
    /// A field count that differs from the first line's.
    FieldCount { found: usize, expected: usize },
    /// A token line with a single field; holds the line.
    TooFewFields(Vec<u8>),
    /// A line longer than the reader's limit.
    TooLong,
}

/// The first fault, at `line` (1-based, counted from the counter's first line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stop {
    pub line: usize,
    pub fault: Fault,
}

/// What one counter counted, before the end-of-input rule (a phrase still open and correct
/// is counted when the whole input ends, not when a part of it does).
#[derive(Debug, Clone)]
pub(super) struct Partial {
    pub tokens: u64,
    pub phrases: u64,
    pub found: u64,
    pub correct: u64,
    pub correct_tags: u64,
    /// Counts by type name; only types that were counted.
    pub per_type: Vec<(Vec<u8>, TypeCounts)>,
    /// Whether a correct phrase was still open after the last line, and its type.
    pub open_correct: Option<Vec<u8>>,
    /// Lines seen (a final line without a newline included).
    pub lines: usize,
    /// The line number and field count of the first line with a field.
    pub first: Option<(usize, usize)>,
}

/// The counting state for one stretch of input.
pub(super) struct Counter<'a> {
    delimiter: &'a Delimiter,
    limit: usize,
    tags: Tags,
    ranges: Vec<(usize, usize)>,
    last_gold: Tag,
    last_guess: Tag,
    /// The gold and guessed phrases in progress started together with the same type and have
    /// agreed on every boundary since.
    in_correct: bool,
    tokens: u64,
    phrases: u64,
    found: u64,
    correct: u64,
    correct_tags: u64,
    per_type: Vec<TypeCounts>,
    first: Option<(usize, usize)>,
    lines: usize,
}

impl<'a> Counter<'a> {
    /// A counter at the start of the input or right after a sentence break; `in_correct` is
    /// the state a correct phrase left open before that break (false at the start).
    pub(super) fn new(delimiter: &'a Delimiter, raw: bool, outside_tag: &[u8], limit: usize, in_correct: bool) -> Self {
        Counter {
            delimiter,
            limit,
            tags: Tags::new(raw, outside_tag),
            ranges: Vec::new(),
            last_gold: OUTSIDE_TAG,
            last_guess: OUTSIDE_TAG,
            in_correct,
            tokens: 0,
            phrases: 0,
            found: 0,
            correct: 0,
            correct_tags: 0,
            per_type: vec![TypeCounts::default()],
            first: None,
            lines: 0,
        }
    }

    /// Counts every line of `block` that ends with a newline; returns the bytes they took, so
    /// the caller can carry an unfinished last line over to the next block.
    pub(super) fn lines(&mut self, block: &[u8]) -> Result<usize, Stop> {
        match self.delimiter.single_byte() {
            Some(byte) => scan::lines(block, byte, |layout| self.laid_out(block, layout, byte)),
            None => {
                let mut start = 0;
                for newline in memchr_iter(b'\n', block) {
                    self.line(&block[start..newline])?;
                    start = newline + 1;
                }
                Ok(start)
            }
        }
    }

    /// The common line, whose delimiters [`scan::lines`] found: at least two fields, no
    /// trailing delimiter. Any other shape goes through [`line`](Self::line).
    #[inline(always)]
    fn laid_out(&mut self, block: &[u8], layout: Layout, byte: u8) -> Result<(), Stop> {
        let Layout { start, end, delimiters, last, second } = layout;
        if delimiters == 0 || block[end - 1] == byte || end - start > self.limit {
            return self.line(&block[start..end]);
        }
        self.lines += 1;
        let count = delimiters + 1;
        match self.first {
            None => self.first = Some((self.lines, count)),
            Some((_, expected)) if count != expected => return Err(self.stop(Fault::FieldCount { found: count, expected })),
            _ => {}
        }
        let line = &block[start..end];
        if line.starts_with(BOUNDARY) && (line.len() == BOUNDARY.len() || line[BOUNDARY.len()] == byte) {
            self.step(true, OUTSIDE_TAG, OUTSIDE_TAG);
            return Ok(());
        }
        let gold_start = if delimiters >= 2 { second + 1 } else { start };
        let gold = self.tags.get_in(block, gold_start, last);
        let guess = self.tags.get_in(block, last + 1, end);
        if self.per_type.len() < self.tags.types.len() {
            self.per_type.resize(self.tags.types.len(), TypeCounts::default());
        }
        self.step(false, gold, guess);
        Ok(())
    }

    /// The error for an unfinished line that already holds more bytes than the limit.
    pub(super) fn check_unfinished(&self, unfinished: usize) -> Result<(), Stop> {
        if unfinished > self.limit {
            return Err(Stop { line: self.lines + 1, fault: Fault::TooLong });
        }
        Ok(())
    }

    /// Counts one line, given without its newline (Perl's chomp removes "\n" only: a "\r"
    /// stays part of the last field).
    pub(super) fn line(&mut self, line: &[u8]) -> Result<(), Stop> {
        self.lines += 1;
        if line.len() > self.limit {
            return Err(self.stop(Fault::TooLong));
        }
        let (count, boundary, gold, guess) = match self.delimiter.single_byte() {
            Some(byte) => split_at_byte(line, byte),
            None => self.split_by_pattern(line),
        };
        // The expected field count comes from the first line with any field: conlleval.pl
        // records the first line's count, but a blank line records -1, which it reads as unset.
        match self.first {
            None if count > 0 => self.first = Some((self.lines, count)),
            Some((_, expected)) if count != expected && count > 0 => return Err(self.stop(Fault::FieldCount { found: count, expected })),
            _ => {}
        }
        if boundary {
            // Sentence breaks count as outside a chunk, in both columns.
            self.step(true, OUTSIDE_TAG, OUTSIDE_TAG);
        } else if count >= 2 {
            let gold = self.tags.get_in(gold, 0, gold.len());
            let guess = self.tags.get_in(guess, 0, guess.len());
            if self.per_type.len() < self.tags.types.len() {
                self.per_type.resize(self.tags.types.len(), TypeCounts::default());
            }
            self.step(false, gold, guess);
        } else {
            return Err(self.stop(Fault::TooFewFields(line.to_vec())));
        }
        Ok(())
    }

    fn stop(&self, fault: Fault) -> Stop {
        Stop { line: self.lines, fault }
    }

    /// The general `-d` pattern: Perl's split into the reused range list.
    fn split_by_pattern<'l>(&mut self, line: &'l [u8]) -> (usize, bool, &'l [u8], &'l [u8]) {
        self.delimiter.split_into(line, &mut self.ranges);
        let field = |k: usize| &line[self.ranges[k].0..self.ranges[k].1];
        let count = self.ranges.len();
        let boundary = count == 0 || field(0) == BOUNDARY;
        if count >= 2 {
            (count, boundary, field(count - 2), field(count - 1))
        } else {
            (count, boundary, OUTSIDE, OUTSIDE)
        }
    }

    #[inline(always)]
    fn step(&mut self, boundary: bool, gold: Tag, guess: Tag) {
        let (gold_end, gold_start) = chunk_bounds(self.last_gold, gold);
        let (guess_end, guess_start) = chunk_bounds(self.last_guess, guess);

        if self.in_correct {
            if gold_end && guess_end && self.last_guess.kind == self.last_gold.kind {
                self.in_correct = false;
                self.correct += 1;
                self.per_type[self.last_gold.kind as usize].correct += 1;
            } else if gold_end != guess_end || guess.kind != gold.kind {
                self.in_correct = false;
            }
        }
        if gold_start && guess_start && guess.kind == gold.kind {
            self.in_correct = true;
        }
        if gold_start {
            self.phrases += 1;
            self.per_type[gold.kind as usize].gold += 1;
        }
        if guess_start {
            self.found += 1;
            self.per_type[guess.kind as usize].found += 1;
        }
        if !boundary {
            self.correct_tags += u64::from(gold.prefix == guess.prefix && guess.kind == gold.kind);
            self.tokens += 1;
        }
        self.last_gold = gold;
        self.last_guess = guess;
    }

    /// What was counted, with type names.
    pub(super) fn finish(self) -> Partial {
        let types = self.tags.types;
        let per_type = self
            .per_type
            .into_iter()
            .zip(types.iter())
            .filter(|(counts, _)| *counts != TypeCounts::default())
            .map(|(counts, name)| (name.clone(), counts))
            .collect();
        let open_correct = self.in_correct.then(|| types[self.last_gold.kind as usize].clone());
        Partial {
            tokens: self.tokens,
            phrases: self.phrases,
            found: self.found,
            correct: self.correct,
            correct_tags: self.correct_tags,
            per_type,
            open_correct,
            lines: self.lines,
            first: self.first,
        }
    }
}

/// Perl's `split(/X/, $line)` for a one-byte delimiter `X`, reduced to what the loop needs:
/// the field count (leading empty fields kept, trailing ones dropped), whether the line is a
/// sentence break, and the last two fields.
#[inline]
fn split_at_byte(line: &[u8], byte: u8) -> (usize, bool, &[u8], &[u8]) {
    let mut end = line.len();
    while end > 0 && line[end - 1] == byte {
        end -= 1;
    }
    if end == 0 {
        return (0, true, OUTSIDE, OUTSIDE);
    }
    let line = &line[..end];
    let boundary = line.starts_with(BOUNDARY) && line.get(BOUNDARY.len()).is_none_or(|&next| next == byte);
    let Some(last) = memrchr(byte, line) else {
        return (1, boundary, OUTSIDE, OUTSIDE);
    };
    let (guess, head) = (&line[last + 1..], &line[..last]);
    let (gold, before) = match memrchr(byte, head) {
        Some(second) => (&head[second + 1..], &head[..second]),
        None => return (2, boundary, head, guess),
    };
    let count = 3 + before.iter().filter(|&&b| b == byte).count();
    (count, boundary, gold, guess)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts `block` with the 64-byte scan, or line by line through Perl's split.
    fn count(block: &[u8], scanned: bool) -> String {
        let delimiter = Delimiter::compile(" ").expect("a space is a valid delimiter");
        let mut counter = Counter::new(&delimiter, false, b"O", 40, false);
        let outcome = if scanned {
            counter.lines(block).map(|used| assert_eq!(used, block.len()))
        } else {
            block.split(|&b| b == b'\n').take(block.iter().filter(|&&b| b == b'\n').count()).try_for_each(|line| counter.line(line))
        };
        format!("{outcome:?} {:?}", counter.finish())
    }

    #[test]
    fn the_scanned_loop_counts_every_line_shape_as_the_split_does() {
        // Leading, doubled and trailing spaces, one-field and two-field lines, -X- lines,
        // lines past the limit (40 bytes), carriage returns.
        let pieces: &[&[u8]] = &[b" ", b" ", b"  ", b"w", b"-X-", b"O", b"B-PER", b"I-PER", b"I-LOC", b"\r", b"x".repeat(30).leak(), b"\n", b"\n"];
        let mut rng = crate::random::Rng::new(3);
        for case in 0..3000 {
            let mut block = Vec::new();
            for _ in 0..rng.below(40) {
                block.extend_from_slice(pieces[rng.below(pieces.len() as u64) as usize]);
            }
            block.push(b'\n');
            assert_eq!(count(&block, true), count(&block, false), "case {case}: {:?}", String::from_utf8_lossy(&block));
        }
    }
}
