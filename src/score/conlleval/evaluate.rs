//! conlleval.pl's line loop and chunk state machine: options with the meaning of its flags,
//! the errors it stops with, the `endOfChunk`/`startOfChunk` rules, and the running state
//! that turns a token stream into [`ConllevalResult`] counts.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::counts::{ConllevalResult, TypeCounts};
use super::delimiter::Delimiter;

/// The first field of a sentence-boundary line.
const BOUNDARY: &[u8] = b"-X-";
/// The outside tag that chunk rules are written against; `-o` only maps another name onto it.
const OUTSIDE: &[u8] = b"O";

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
    /// Reading the input failed.
    #[error("cannot read the input: {0}")]
    Io(#[from] std::io::Error),
}

/// Scores a conlleval-format stream: one token per line, fields separated by the delimiter,
/// the gold tag and the guessed tag last; blank lines or lines starting with `-X-` separate
/// sentences.
pub fn evaluate<R: BufRead>(mut input: R, options: &ConllevalOptions) -> Result<ConllevalResult, ConllevalError> {
    let delimiter = Delimiter::compile(options.delimiter.as_deref().unwrap_or(" "))?;
    let outside_tag = options.outside_tag.as_bytes();
    let mut state = State::default();
    // The expected field count comes from the first line with any field: conlleval.pl records
    // the first line's count, but a blank line records -1, which it reads as unset.
    let mut expected_fields: Option<usize> = None;
    // One line buffer, one field list and two tag buffers serve every line.
    let mut buffer = Vec::new();
    let mut ranges = Vec::new();
    let (mut raw_gold, mut raw_guess) = (Vec::new(), Vec::new());
    let mut line_number = 0;

    loop {
        buffer.clear();
        if input.read_until(b'\n', &mut buffer)? == 0 {
            break;
        }
        line_number += 1;
        // Perl's chomp removes "\n" only: a "\r" stays part of the last field.
        let line = buffer.strip_suffix(b"\n").unwrap_or(&buffer);
        delimiter.split_into(line, &mut ranges);
        let field = |k: usize| &line[ranges[k].0..ranges[k].1];
        let count = ranges.len();

        match expected_fields {
            None if count > 0 => expected_fields = Some(count),
            Some(expected) if count != expected && count > 0 => {
                return Err(ConllevalError::FieldCount { found: count, expected, line_number });
            }
            _ => {}
        }

        let (boundary, gold, guess) = if count == 0 || field(0) == BOUNDARY {
            (true, OUTSIDE, OUTSIDE)
        } else if count >= 2 {
            (false, field(count - 2), field(count - 1))
        } else {
            return Err(ConllevalError::TooFewFields { line: line.to_vec(), line_number });
        };

        if options.raw {
            raw_to_chunk_tag(gold, outside_tag, &mut raw_gold);
            raw_to_chunk_tag(guess, outside_tag, &mut raw_guess);
            state.step(boundary, &raw_gold, &raw_guess);
        } else {
            state.step(boundary, gold, guess);
        }
    }
    Ok(state.finish())
}

/// In raw mode the script maps the outside tag to `O` and gives every other tag a `B-`
/// prefix, so each token is a one-token phrase whose type is the whole raw tag. A literal `O`
/// stays outside even when another outside tag is configured.
fn raw_to_chunk_tag(tag: &[u8], outside_tag: &[u8], out: &mut Vec<u8>) {
    out.clear();
    if tag == outside_tag || tag == OUTSIDE {
        out.extend_from_slice(OUTSIDE);
    } else {
        out.extend_from_slice(b"B-");
        out.extend_from_slice(tag);
    }
}

/// Splits a tag at its first hyphen into chunk prefix and type; without a hyphen the whole
/// tag is the prefix and the type is empty.
fn split_tag(tag: &[u8]) -> (&[u8], &[u8]) {
    let (prefix, kind) = match tag.iter().position(|&byte| byte == b'-') {
        Some(hyphen) => (&tag[..hyphen], &tag[hyphen + 1..]),
        None => (tag, &b""[..]),
    };
    // The script normalises types with `$type ? $type : ""`, and the string "0" is false in
    // Perl: a type spelled `0` becomes the empty type.
    (prefix, if kind == b"0" { b"" } else { kind })
}

/// Whether a chunk ended between the previous and the current token (conlleval.pl's
/// `endOfChunk`).
fn end_of_chunk(prev_tag: &[u8], tag: &[u8], prev_type: &[u8], kind: &[u8]) -> bool {
    matches!(
        (prev_tag, tag),
        (b"B", b"B")
            | (b"B", b"O")
            | (b"I", b"B")
            | (b"I", b"O")
            | (b"E", b"E")
            | (b"E", b"I")
            | (b"E", b"O")
    ) || (prev_tag != b"O" && prev_tag != b"." && prev_type != kind)
        // Bracketed chunks are taken to be one token long.
        || prev_tag == b"]"
        || prev_tag == b"["
}

/// Whether a chunk started between the previous and the current token (conlleval.pl's
/// `startOfChunk`).
fn start_of_chunk(prev_tag: &[u8], tag: &[u8], prev_type: &[u8], kind: &[u8]) -> bool {
    matches!((prev_tag, tag), (b"B", b"B") | (b"I", b"B") | (b"O", b"B") | (b"O", b"I") | (b"E", b"E") | (b"E", b"I") | (b"O", b"E"))
        || (tag != b"O" && tag != b"." && prev_type != kind)
        || tag == b"["
        || tag == b"]"
}

/// The counts of type `kind`, allocating its name only the first time it is seen.
fn counts<'a>(per_type: &'a mut BTreeMap<Vec<u8>, TypeCounts>, kind: &[u8]) -> &'a mut TypeCounts {
    if !per_type.contains_key(kind) {
        per_type.insert(kind.to_vec(), TypeCounts::default());
    }
    per_type.get_mut(kind).expect("inserted above")
}

/// The script's running state: previous tags and the correct-so-far flag.
struct State {
    last_gold: Vec<u8>,
    last_gold_type: Vec<u8>,
    last_guess: Vec<u8>,
    last_guess_type: Vec<u8>,
    /// The gold and guessed phrases in progress started together with the same type and have
    /// agreed on every boundary since.
    in_correct: bool,
    result: ConllevalResult,
}

impl Default for State {
    fn default() -> Self {
        State {
            last_gold: OUTSIDE.to_vec(),
            last_gold_type: Vec::new(),
            last_guess: OUTSIDE.to_vec(),
            last_guess_type: Vec::new(),
            in_correct: false,
            result: ConllevalResult { tokens: 0, phrases: 0, found: 0, correct: 0, correct_tags: 0, per_type: BTreeMap::new() },
        }
    }
}

impl State {
    fn step(&mut self, boundary: bool, gold_tag: &[u8], guess_tag: &[u8]) {
        let (gold, gold_type) = split_tag(gold_tag);
        let (guess, guess_type) = split_tag(guess_tag);
        // Sentence breaks always count as outside a chunk.
        let guess = if boundary { OUTSIDE } else { guess };

        let gold_end = end_of_chunk(&self.last_gold, gold, &self.last_gold_type, gold_type);
        let guess_end = end_of_chunk(&self.last_guess, guess, &self.last_guess_type, guess_type);
        let gold_start = start_of_chunk(&self.last_gold, gold, &self.last_gold_type, gold_type);
        let guess_start = start_of_chunk(&self.last_guess, guess, &self.last_guess_type, guess_type);

        if self.in_correct {
            if gold_end && guess_end && self.last_guess_type == self.last_gold_type {
                self.in_correct = false;
                self.result.correct += 1;
                counts(&mut self.result.per_type, &self.last_gold_type).correct += 1;
            } else if gold_end != guess_end || guess_type != gold_type {
                self.in_correct = false;
            }
        }
        if gold_start && guess_start && guess_type == gold_type {
            self.in_correct = true;
        }
        if gold_start {
            self.result.phrases += 1;
            counts(&mut self.result.per_type, gold_type).gold += 1;
        }
        if guess_start {
            self.result.found += 1;
            counts(&mut self.result.per_type, guess_type).found += 1;
        }
        if !boundary {
            if gold == guess && guess_type == gold_type {
                self.result.correct_tags += 1;
            }
            self.result.tokens += 1;
        }

        // Copied into buffers that keep their capacity: no allocation per token.
        for (last, now) in
            [(&mut self.last_gold, gold), (&mut self.last_gold_type, gold_type), (&mut self.last_guess, guess), (&mut self.last_guess_type, guess_type)]
        {
            last.clear();
            last.extend_from_slice(now);
        }
    }

    fn finish(mut self) -> ConllevalResult {
        if self.in_correct {
            self.result.correct += 1;
            counts(&mut self.result.per_type, &self.last_gold_type).correct += 1;
        }
        self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(input: &str, options: &ConllevalOptions) -> ConllevalResult {
        evaluate(input.as_bytes(), options).expect("test input is valid")
    }

    fn counts(input: &str) -> (u64, u64, u64) {
        let result = score(input, &ConllevalOptions::default());
        (result.phrases, result.found, result.correct)
    }

    fn tab_options() -> ConllevalOptions {
        ConllevalOptions { delimiter: Some("\\t".to_string()), ..ConllevalOptions::default() }
    }

    #[test]
    fn end_of_chunk_rules() {
        // (previous tag, tag, previous type, type, ends)
        let table: &[(&str, &str, &str, &str, bool)] = &[
            ("B", "B", "PER", "PER", true),
            ("B", "O", "PER", "", true),
            ("I", "B", "PER", "PER", true),
            ("I", "O", "PER", "", true),
            ("E", "E", "PER", "PER", true),
            ("E", "I", "PER", "PER", true),
            ("E", "O", "PER", "", true),
            ("B", "I", "PER", "PER", false),
            ("I", "I", "PER", "PER", false),
            ("I", "E", "PER", "PER", false),
            ("S", "S", "PER", "PER", false),
            ("B", "E", "PER", "PER", false),
            ("O", "O", "", "", false),
            ("O", "B", "", "PER", false),
            // A type change ends a chunk unless the previous tag is O or ".".
            ("B", "I", "PER", "LOC", true),
            ("S", "S", "PER", "LOC", true),
            ("O", "I", "PER", "LOC", false),
            (".", "I", "PER", "LOC", false),
            ("[", "I", "PER", "PER", true),
            ("]", "I", "PER", "PER", true),
        ];
        for &(prev, tag, prev_type, kind, expected) in table {
            let got = end_of_chunk(prev.as_bytes(), tag.as_bytes(), prev_type.as_bytes(), kind.as_bytes());
            assert_eq!(got, expected, "end_of_chunk({prev}, {tag}, {prev_type}, {kind})");
        }
    }

    #[test]
    fn start_of_chunk_rules() {
        let table: &[(&str, &str, &str, &str, bool)] = &[
            ("B", "B", "PER", "PER", true),
            ("I", "B", "PER", "PER", true),
            ("O", "B", "", "PER", true),
            ("O", "I", "", "PER", true),
            ("E", "E", "PER", "PER", true),
            ("E", "I", "PER", "PER", true),
            ("O", "E", "", "PER", true),
            ("B", "I", "PER", "PER", false),
            ("I", "I", "PER", "PER", false),
            ("B", "E", "PER", "PER", false),
            ("S", "S", "PER", "PER", false),
            ("O", "O", "", "", false),
            ("B", "O", "PER", "", false),
            // A type change starts a chunk unless the current tag is O or ".".
            ("B", "I", "PER", "LOC", true),
            ("O", "S", "", "PER", true),
            ("B", ".", "PER", "LOC", false),
            ("B", "O", "PER", "LOC", false),
            ("I", "[", "PER", "PER", true),
            ("I", "]", "PER", "PER", true),
        ];
        for &(prev, tag, prev_type, kind, expected) in table {
            let got = start_of_chunk(prev.as_bytes(), tag.as_bytes(), prev_type.as_bytes(), kind.as_bytes());
            assert_eq!(got, expected, "start_of_chunk({prev}, {tag}, {prev_type}, {kind})");
        }
    }

    #[test]
    fn phrase_counts() {
        // (case, input, (gold phrases, guessed phrases, correct))
        let table: &[(&str, &str, (u64, u64, u64))] = &[
            ("S S of one type is one phrase", "a S-PER S-PER\nb S-PER S-PER\n", (1, 1, 1)),
            ("B E B E of one type is one phrase", "a B-PER B-PER\nb E-PER E-PER\nc B-PER B-PER\nd E-PER E-PER\n", (1, 1, 1)),
            ("I after O starts a chunk", "a O O\nb I-PER I-PER\nc I-PER I-PER\n", (1, 1, 1)),
            ("B B is two phrases", "a B-PER B-PER\nb B-PER B-PER\n", (2, 2, 2)),
            ("a type change splits I I", "a I-PER I-PER\nb I-LOC I-PER\n", (2, 1, 0)),
            ("boundary splits a chunk", "a B-PER B-PER\n-X- O O\nb I-PER I-PER\n", (2, 2, 2)),
            ("blank line splits a chunk", "a B-PER B-PER\n\nb I-PER I-PER\n", (2, 2, 2)),
            ("wrong end is not correct", "a B-PER B-PER\nb I-PER O\n", (1, 1, 0)),
            ("wrong type is not correct", "a B-PER B-LOC\n", (1, 1, 0)),
            ("brackets are one-token chunks", "a [-NP [-NP\nb ]-NP ]-NP\n", (2, 2, 2)),
            ("a dot tag neither starts nor ends a chunk", "a B-NP B-NP\nb .-NP .-NP\n", (1, 1, 1)),
            ("all O", "a O O\nb O O\n", (0, 0, 0)),
            ("empty input", "", (0, 0, 0)),
        ];
        for (case, input, expected) in table {
            assert_eq!(counts(input), *expected, "{case}");
        }
    }

    #[test]
    fn types_split_at_the_first_hyphen() {
        assert_eq!(split_tag(b"B-PER-X"), (&b"B"[..], &b"PER-X"[..]));
        assert_eq!(split_tag(b"O"), (&b"O"[..], &b""[..]));
        assert_eq!(split_tag(b"-X"), (&b""[..], &b"X"[..]));
        assert_eq!(split_tag(b"B-0"), (&b"B"[..], &b""[..]));
        let result = score("a B-PER-X B-PER-X\n", &ConllevalOptions::default());
        assert_eq!(result.per_type.keys().collect::<Vec<_>>(), [&b"PER-X".to_vec()]);
    }

    #[test]
    fn token_accuracy_counts_whole_tags() {
        let result = score("a O O\nb B-PER I-PER\nc I-PER I-PER\nd O B-LOC\n", &ConllevalOptions::default());
        assert_eq!((result.tokens, result.correct_tags), (4, 2));
        assert_eq!(result.accuracy(), 50.0);
    }

    #[test]
    fn boundary_lines_are_not_tokens() {
        let result = score("-X- B-PER B-PER\na B-PER B-PER\n-X- O O\n", &ConllevalOptions::default());
        assert_eq!((result.tokens, result.phrases, result.correct), (1, 1, 1));
    }

    #[test]
    fn crlf_keeps_the_carriage_return_on_the_guess() {
        let result = score("a B-PER B-PER\r\nb O O\r\n", &ConllevalOptions::default());
        // The gold column is clean, but the guess is a "PER\r" phrase followed by an "O\r"
        // tag, which is not outside: it opens a phrase of the empty type.
        assert_eq!((result.phrases, result.found, result.correct), (1, 2, 0));
        assert!(result.per_type.contains_key(b"PER\r".as_slice()));
        // A blank CRLF line is one field long, not empty.
        let error = evaluate("a O O\r\n\r\n".as_bytes(), &ConllevalOptions::default()).expect_err("a lone carriage return is a one-field line");
        assert_eq!(error.to_string(), "unexpected number of features: 1 (3)");
    }

    #[test]
    fn field_count_mismatch_is_an_error() {
        let error = evaluate("a B-PER B-PER\nb c O O\n".as_bytes(), &ConllevalOptions::default()).expect_err("four fields after three");
        assert_eq!(error.to_string(), "unexpected number of features: 4 (3)");
        assert!(matches!(error, ConllevalError::FieldCount { line_number: 2, .. }));
        let error = evaluate("a\n".as_bytes(), &ConllevalOptions::default()).expect_err("one field");
        assert_eq!(error.to_string(), "conlleval: unexpected number of features in line a");
    }

    #[test]
    fn raw_mode_makes_every_tag_a_one_token_phrase() {
        let options = ConllevalOptions { raw: true, ..ConllevalOptions::default() };
        let result = score("a PER PER\nb PER PER\nc O LOC\n", &options);
        assert_eq!((result.phrases, result.found, result.correct), (2, 3, 2));
    }

    #[test]
    fn outside_tag_applies_in_raw_mode_only() {
        let raw = ConllevalOptions { raw: true, outside_tag: "NONE".to_string(), ..ConllevalOptions::default() };
        let result = score("a PER PER\nb NONE NONE\nc O O\n", &raw);
        assert_eq!((result.phrases, result.found, result.correct_tags), (1, 1, 3));
        let plain = ConllevalOptions { outside_tag: "NONE".to_string(), ..ConllevalOptions::default() };
        let result = score("a B-PER B-PER\nb NONE NONE\n", &plain);
        // Without -r, NONE is an ordinary tag with an empty type that starts a phrase.
        assert_eq!((result.phrases, result.found), (2, 2));
    }

    #[test]
    fn delimiters() {
        let result = score("مدينة\tB-LOC\tB-LOC\nو\tO\tO\n", &tab_options());
        assert_eq!((result.tokens, result.phrases, result.correct), (2, 1, 1));
        let literal_tab = ConllevalOptions { delimiter: Some("\t".to_string()), ..ConllevalOptions::default() };
        assert_eq!(score("a b\tB-LOC\tB-LOC\n", &literal_tab).phrases, 1);
        let spaces = ConllevalOptions { delimiter: Some("\\s+".to_string()), ..ConllevalOptions::default() };
        assert_eq!(score("a  B-LOC \t B-LOC\n", &spaces).correct, 1);
        for unsupported in ["", " *", "a|b", "(x)", "^x", "*"] {
            let options = ConllevalOptions { delimiter: Some(unsupported.to_string()), ..ConllevalOptions::default() };
            assert!(matches!(evaluate("".as_bytes(), &options), Err(ConllevalError::UnsupportedDelimiter { .. })), "{unsupported:?} should be refused");
        }
    }
}
