//! Chunk-level scoring with the exact semantics of `conlleval.pl` (version 2004-01-26), the
//! script that CoNLL-style NER numbers are reported with. Scores that users compare against
//! published tables must come out of the same counting rules and the same printed rounding, so
//! this module reproduces the script's output byte for byte, quirks included, instead of
//! implementing a "clean" span matcher. The script is byte-oriented, so input is read as bytes
//! and type names are only decoded (lossily) where text is required, such as JSON.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Serialize;

/// The first field of a sentence-boundary line.
const BOUNDARY: &[u8] = b"-X-";
/// The outside tag that chunk rules are written against; `-o` only maps another name onto it.
const OUTSIDE: &[u8] = b"O";
/// conlleval.pl right-aligns type names in a field of this many bytes.
const TYPE_WIDTH: usize = 17;

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

/// Phrase counts for one entity type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TypeCounts {
    /// Phrases of this type in the gold column.
    pub gold: u64,
    /// Phrases of this type in the guessed column.
    pub found: u64,
    /// Guessed phrases that match a gold phrase exactly, type included.
    pub correct: u64,
}

impl TypeCounts {
    /// Precision in percent, 0 when no phrase of this type was guessed.
    pub fn precision(&self) -> f64 {
        percent(self.correct, self.found)
    }

    /// Recall in percent, 0 when the gold column has no phrase of this type.
    pub fn recall(&self) -> f64 {
        percent(self.correct, self.gold)
    }

    /// FB1 in percent.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

/// Everything conlleval.pl counts. Percentages are derived on demand so that they are always
/// computed with the script's operation order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConllevalResult {
    /// Token lines processed (boundary lines excluded).
    pub tokens: u64,
    /// Phrases in the gold column.
    pub phrases: u64,
    /// Phrases in the guessed column.
    pub found: u64,
    /// Guessed phrases that exactly match a gold phrase.
    pub correct: u64,
    /// Tokens whose whole guessed tag equals the gold tag, `O` included.
    pub correct_tags: u64,
    /// Counts per type, keyed by the type's bytes so that printing keeps the script's byte
    /// order and exact spelling even for input that is not UTF-8.
    #[serde(serialize_with = "serialize_per_type")]
    pub per_type: BTreeMap<Vec<u8>, TypeCounts>,
}

impl ConllevalResult {
    /// Phrase precision in percent (0 when nothing was guessed, as conlleval.pl reports).
    pub fn precision(&self) -> f64 {
        percent(self.correct, self.found)
    }

    /// Phrase recall in percent (0 when the gold column has no phrase).
    pub fn recall(&self) -> f64 {
        percent(self.correct, self.phrases)
    }

    /// Harmonic mean of precision and recall in percent (conlleval.pl's FB1).
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// Token accuracy in percent; 0 when no token was processed (conlleval.pl then prints no
    /// accuracy line at all).
    pub fn accuracy(&self) -> f64 {
        percent(self.correct_tags, self.tokens)
    }

    /// The types conlleval.pl reports (those with a gold or guessed phrase), with names decoded
    /// lossily. Names that only differ in their invalid bytes collapse into one entry, whose
    /// counts are summed so that no phrase is dropped.
    pub fn per_type_lossy(&self) -> BTreeMap<String, TypeCounts> {
        lossy_types(&self.per_type)
    }
}

/// conlleval.pl lists the types that occur in its gold or guessed phrase tables; a type that
/// only ever completed a correct phrase would not appear there.
fn reported_types(per_type: &BTreeMap<Vec<u8>, TypeCounts>) -> impl Iterator<Item = (&Vec<u8>, &TypeCounts)> {
    per_type.iter().filter(|(_, counts)| counts.gold > 0 || counts.found > 0)
}

fn lossy_types(per_type: &BTreeMap<Vec<u8>, TypeCounts>) -> BTreeMap<String, TypeCounts> {
    let mut merged: BTreeMap<String, TypeCounts> = BTreeMap::new();
    for (name, counts) in reported_types(per_type) {
        let entry = merged.entry(String::from_utf8_lossy(name).into_owned()).or_default();
        entry.gold += counts.gold;
        entry.found += counts.found;
        entry.correct += counts.correct;
    }
    merged
}

/// JSON map keys must be text, so the byte-keyed table is written with lossy names.
fn serialize_per_type<S: serde::Serializer>(per_type: &BTreeMap<Vec<u8>, TypeCounts>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(lossy_types(per_type))
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
    let mut buffer = Vec::new();
    let mut line_number = 0;

    loop {
        buffer.clear();
        if input.read_until(b'\n', &mut buffer)? == 0 {
            break;
        }
        line_number += 1;
        // Perl's chomp removes "\n" only: a "\r" stays part of the last field.
        let line = buffer.strip_suffix(b"\n").unwrap_or(&buffer);
        let fields = delimiter.split(line);

        match expected_fields {
            None if !fields.is_empty() => expected_fields = Some(fields.len()),
            Some(expected) if fields.len() != expected && !fields.is_empty() => {
                return Err(ConllevalError::FieldCount { found: fields.len(), expected, line_number });
            }
            _ => {}
        }

        let boundary: [&[u8]; 3] = [BOUNDARY, OUTSIDE, OUTSIDE];
        let fields: &[&[u8]] = match fields.first() {
            Some(first) if *first != BOUNDARY => &fields,
            _ => &boundary,
        };
        let (first, gold, guess) = match fields {
            [gold, guess] => (None, *gold, *guess),
            [first, .., gold, guess] => (Some(*first), *gold, *guess),
            _ => {
                return Err(ConllevalError::TooFewFields { line: line.to_vec(), line_number });
            }
        };

        let (gold, guess) =
            if options.raw { (raw_to_chunk_tag(gold, outside_tag), raw_to_chunk_tag(guess, outside_tag)) } else { (gold.to_vec(), guess.to_vec()) };
        state.step(first == Some(BOUNDARY), &gold, &guess);
    }
    Ok(state.finish())
}

/// conlleval.pl's standard output for `result`, as text. Type names that are not UTF-8 are
/// decoded lossily; use [`render_bytes`] where the exact bytes matter.
pub fn render(result: &ConllevalResult) -> String {
    String::from_utf8_lossy(&render_bytes(result)).into_owned()
}

/// conlleval.pl's standard output for `result`, byte for byte, whatever the type names hold.
pub fn render_bytes(result: &ConllevalResult) -> Vec<u8> {
    let mut out =
        format!("processed {} tokens with {} phrases; found: {} phrases; correct: {}.\n", result.tokens, result.phrases, result.found, result.correct)
            .into_bytes();
    if result.tokens > 0 {
        out.extend_from_slice(
            format!(
                "accuracy: {:6.2}%; precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}\n",
                result.accuracy(),
                result.precision(),
                result.recall(),
                result.f1()
            )
            .as_bytes(),
        );
    }
    for (name, counts) in reported_types(&result.per_type) {
        // The script drops duplicate names from its sorted type list with a truthiness test,
        // and the empty name is false in Perl: when it is in both the gold and the guessed
        // table it survives twice and is printed twice.
        let copies = if name.is_empty() && counts.gold > 0 && counts.found > 0 { 2 } else { 1 };
        for _ in 0..copies {
            // Perl pads `%17s` by bytes, since the script never decodes its input.
            out.resize(out.len() + TYPE_WIDTH.saturating_sub(name.len()), b' ');
            out.extend_from_slice(name);
            out.extend_from_slice(
                format!(": precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}\n", counts.precision(), counts.recall(), counts.f1(), counts.found).as_bytes(),
            );
        }
    }
    out
}

/// The scores as JSON, percentages unrounded; `per_type` lists the types the printed report
/// lists (each once), names decoded lossily.
pub fn to_json(result: &ConllevalResult) -> serde_json::Value {
    let per_type: serde_json::Map<String, serde_json::Value> = result
        .per_type_lossy()
        .into_iter()
        .map(|(name, counts)| {
            let scores = serde_json::json!({
                "precision": counts.precision(),
                "recall": counts.recall(),
                "f1": counts.f1(),
                "gold": counts.gold,
                "found": counts.found,
                "correct": counts.correct,
            });
            (name, scores)
        })
        .collect();
    serde_json::json!({
        "tokens": result.tokens,
        "phrases": result.phrases,
        "found": result.found,
        "correct": result.correct,
        "accuracy": result.accuracy(),
        "precision": result.precision(),
        "recall": result.recall(),
        "f1": result.f1(),
        "per_type": per_type,
    })
}

/// `100 * part / whole`, or 0 for an empty denominator. Perl multiplies first and divides
/// in floating point; the product is exact in a double for any realistic count, so this
/// yields the very double the script formats.
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// FB1 with the script's evaluation order, `((2 * p) * r) / (p + r)`, so rounding agrees.
fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    }
}

/// In raw mode the script maps the outside tag to `O` and gives every other tag a `B-`
/// prefix, so each token is a one-token phrase whose type is the whole raw tag. A literal `O`
/// stays outside even when another outside tag is configured.
fn raw_to_chunk_tag(tag: &[u8], outside_tag: &[u8]) -> Vec<u8> {
    if tag == outside_tag || tag == OUTSIDE {
        OUTSIDE.to_vec()
    } else {
        [b"B-".as_slice(), tag].concat()
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
                self.counts(self.last_gold_type.clone()).correct += 1;
            } else if gold_end != guess_end || guess_type != gold_type {
                self.in_correct = false;
            }
        }
        if gold_start && guess_start && guess_type == gold_type {
            self.in_correct = true;
        }
        if gold_start {
            self.result.phrases += 1;
            self.counts(gold_type.to_vec()).gold += 1;
        }
        if guess_start {
            self.result.found += 1;
            self.counts(guess_type.to_vec()).found += 1;
        }
        if !boundary {
            if gold == guess && guess_type == gold_type {
                self.result.correct_tags += 1;
            }
            self.result.tokens += 1;
        }

        self.last_gold = gold.to_vec();
        self.last_gold_type = gold_type.to_vec();
        self.last_guess = guess.to_vec();
        self.last_guess_type = guess_type.to_vec();
    }

    fn counts(&mut self, kind: Vec<u8>) -> &mut TypeCounts {
        self.result.per_type.entry(kind).or_default()
    }

    fn finish(mut self) -> ConllevalResult {
        if self.in_correct {
            self.result.correct += 1;
            self.counts(self.last_gold_type.clone()).correct += 1;
        }
        self.result
    }
}

/// A set of bytes, one bit each.
#[derive(Clone, Copy, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn single(byte: u8) -> Self {
        let mut set = ByteSet::default();
        set.insert(byte);
        set
    }

    fn of(predicate: impl Fn(u8) -> bool) -> Self {
        let mut set = ByteSet::default();
        for byte in 0..=u8::MAX {
            if predicate(byte) {
                set.insert(byte);
            }
        }
        set
    }

    fn insert(&mut self, byte: u8) {
        self.0[usize::from(byte >> 6)] |= 1 << (byte & 63);
    }

    fn union(&mut self, other: ByteSet) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine |= theirs;
        }
    }

    fn complement(self) -> Self {
        ByteSet(self.0.map(|bits| !bits))
    }

    fn contains(&self, byte: u8) -> bool {
        self.0[usize::from(byte >> 6)] >> (byte & 63) & 1 == 1
    }
}

/// One element of a delimiter pattern: a byte set repeated between `min` and `max` times.
#[derive(Clone, Copy)]
struct Piece {
    set: ByteSet,
    min: usize,
    max: usize,
}

/// The `-d` pattern, compiled. conlleval.pl interpolates it into `split(/$delimiter/, ...)`
/// on undecoded input, so it is a Perl regular expression over bytes; this supports the
/// subset that can only match non-empty runs of byte sets, which covers practical
/// delimiters while keeping Perl's split semantics simple to reproduce.
struct Delimiter {
    pieces: Vec<Piece>,
}

impl Delimiter {
    fn compile(pattern: &str) -> Result<Self, ConllevalError> {
        let refuse = |reason: &str| ConllevalError::UnsupportedDelimiter { pattern: pattern.to_string(), reason: reason.to_string() };
        let bytes = pattern.as_bytes();
        let mut pieces = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let (set, next) = match bytes[at] {
                b'\\' => escape(bytes, at + 1).map_err(&refuse)?,
                b'[' => class(bytes, at + 1).map_err(&refuse)?,
                b'.' => (ByteSet::single(b'\n').complement(), at + 1),
                b'(' | b')' | b'|' => return Err(refuse("groups and alternation")),
                b'^' | b'$' => return Err(refuse("anchors")),
                b'*' | b'+' | b'?' | b'{' => return Err(refuse("a quantifier with nothing to repeat")),
                byte => (ByteSet::single(byte), at + 1),
            };
            let (min, max, next) = quantifier(bytes, next).map_err(&refuse)?;
            if matches!(bytes.get(next), Some(b'?' | b'+')) {
                return Err(refuse("lazy and possessive quantifiers"));
            }
            pieces.push(Piece { set, min, max });
            at = next;
        }
        if pieces.iter().all(|piece| piece.min == 0) {
            return Err(refuse("the pattern can match the empty string"));
        }
        Ok(Delimiter { pieces })
    }

    /// Perl's `split(/pattern/, $line)`: leading empty fields are kept, trailing empty fields
    /// are dropped, and an empty line yields no field at all.
    fn split<'a>(&self, line: &'a [u8]) -> Vec<&'a [u8]> {
        let mut fields = Vec::new();
        let mut field_start = 0;
        let mut at = 0;
        while at < line.len() {
            match match_at(&self.pieces, line, at) {
                Some(end) => {
                    fields.push(&line[field_start..at]);
                    field_start = end;
                    at = end;
                }
                None => at += 1,
            }
        }
        fields.push(&line[field_start..]);
        while fields.last().is_some_and(|field| field.is_empty()) {
            fields.pop();
        }
        fields
    }
}

/// Where a match of `pieces` starting at `at` ends, trying longer repetitions first and
/// backtracking in the order Perl's engine does, so the same match is chosen.
fn match_at(pieces: &[Piece], text: &[u8], at: usize) -> Option<usize> {
    let Some((piece, rest)) = pieces.split_first() else {
        return Some(at);
    };
    let available = text[at..].iter().take(piece.max).take_while(|&&byte| piece.set.contains(byte));
    let longest = available.count();
    (piece.min..=longest).rev().find_map(|count| match_at(rest, text, at + count))
}

/// Perl's whitespace under its default byte rules: no byte above 0x7f qualifies.
fn is_perl_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

fn is_perl_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Parses the escape whose letter is at `at`; returns its byte set and the next position.
fn escape(bytes: &[u8], at: usize) -> Result<(ByteSet, usize), &'static str> {
    let Some(&letter) = bytes.get(at) else {
        return Err("a trailing backslash");
    };
    let set = match letter {
        b't' => ByteSet::single(b'\t'),
        b'n' => ByteSet::single(b'\n'),
        b'r' => ByteSet::single(b'\r'),
        b'f' => ByteSet::single(0x0c),
        b'e' => ByteSet::single(0x1b),
        b'a' => ByteSet::single(0x07),
        b's' => ByteSet::of(is_perl_space),
        b'S' => ByteSet::of(is_perl_space).complement(),
        b'd' => ByteSet::of(|byte| byte.is_ascii_digit()),
        b'D' => ByteSet::of(|byte| byte.is_ascii_digit()).complement(),
        b'w' => ByteSet::of(is_perl_word),
        b'W' => ByteSet::of(is_perl_word).complement(),
        b'x' => {
            let digits = bytes.get(at + 1..at + 3).filter(|digits| digits.iter().all(u8::is_ascii_hexdigit)).ok_or("a \\x escape without two hex digits")?;
            let byte = digits.iter().fold(0, |byte, &digit| byte * 16 + hex_value(digit));
            return Ok((ByteSet::single(byte), at + 3));
        }
        letter if letter.is_ascii_alphanumeric() => {
            return Err("an escape other than \\t \\n \\r \\f \\e \\a \\xHH \\s \\S \\d \\D \\w \\W");
        }
        // A backslash before punctuation (or any non-ASCII byte) makes it literal.
        other => ByteSet::single(other),
    };
    Ok((set, at + 1))
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

/// Parses a bracketed class whose body starts at `at`; returns the set and the position
/// after the closing bracket.
fn class(bytes: &[u8], mut at: usize) -> Result<(ByteSet, usize), &'static str> {
    let negated = bytes.get(at) == Some(&b'^');
    if negated {
        at += 1;
    }
    let mut set = ByteSet::default();
    let mut first = true;
    loop {
        let Some(&byte) = bytes.get(at) else {
            return Err("an unterminated character class");
        };
        // A "]" right after the opening bracket is a member, not the end.
        if byte == b']' && !first {
            at += 1;
            break;
        }
        first = false;
        let (member, next, single) = match byte {
            b'\\' => {
                let (member, next) = escape(bytes, at + 1)?;
                let single = matches!(bytes.get(at + 1), Some(letter) if !b"sSdDwW".contains(letter));
                (member, next, single)
            }
            b'[' if matches!(bytes.get(at + 1), Some(b':' | b'.' | b'=')) => {
                return Err("POSIX character classes");
            }
            byte => (ByteSet::single(byte), at + 1, true),
        };
        let is_range = single && bytes.get(next) == Some(&b'-') && !matches!(bytes.get(next + 1), Some(b']') | None);
        if is_range {
            let low = only_member(member).ok_or("a malformed range")?;
            let (high, after) = match bytes.get(next + 1) {
                Some(b'\\') => escape(bytes, next + 2)?,
                Some(&high) => (ByteSet::single(high), next + 2),
                None => return Err("an unterminated character class"),
            };
            let high = only_member(high).ok_or("a malformed range")?;
            if high < low {
                return Err("a range out of order");
            }
            set.union(ByteSet::of(|byte| (low..=high).contains(&byte)));
            at = after;
        } else {
            set.union(member);
            at = next;
        }
    }
    Ok((if negated { set.complement() } else { set }, at))
}

/// The byte of a one-member set, for range ends.
fn only_member(set: ByteSet) -> Option<u8> {
    let mut members = (0..=u8::MAX).filter(|&byte| set.contains(byte));
    let byte = members.next()?;
    members.next().is_none().then_some(byte)
}

/// Parses an optional quantifier at `at`; returns its bounds and the next position.
fn quantifier(bytes: &[u8], at: usize) -> Result<(usize, usize, usize), &'static str> {
    match bytes.get(at) {
        Some(b'?') => Ok((0, 1, at + 1)),
        Some(b'*') => Ok((0, usize::MAX, at + 1)),
        Some(b'+') => Ok((1, usize::MAX, at + 1)),
        Some(b'{') => {
            let close = bytes[at..].iter().position(|&byte| byte == b'}').ok_or("an unterminated {n,m}")?;
            let body = std::str::from_utf8(&bytes[at + 1..at + close]).map_err(|_| "a malformed {n,m}")?;
            let number = |text: &str| text.parse::<usize>().map_err(|_| "a malformed {n,m}");
            let (min, max) = match body.split_once(',') {
                None => (number(body)?, number(body)?),
                Some((min, "")) => (number(min)?, usize::MAX),
                Some((min, max)) => (number(min)?, number(max)?),
            };
            if max < min {
                return Err("a {n,m} with m below n");
            }
            Ok((min, max, at + close + 1))
        }
        _ => Ok((1, 1, at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
    fn empty_input_prints_only_the_counts_line() {
        let result = score("", &ConllevalOptions::default());
        assert_eq!(render(&result), "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n");
        assert_eq!(result.accuracy(), 0.0);
    }

    #[test]
    fn all_outside_input_scores_zero_phrases() {
        let result = score("a O O\nb O O\n", &ConllevalOptions::default());
        assert_eq!(
            render(&result),
            "processed 2 tokens with 0 phrases; found: 0 phrases; correct: 0.\n\
             accuracy: 100.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n"
        );
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

    #[test]
    fn split_follows_perl() {
        let space = Delimiter::compile(" ").expect("a space is a valid delimiter");
        let split = |line: &str| space.split(line.as_bytes()).into_iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect::<Vec<_>>();
        assert_eq!(split("a b"), ["a", "b"]);
        assert_eq!(split(" a  b  "), ["", "a", "", "b"]);
        assert!(split("").is_empty());
        assert!(split("   ").is_empty());
        let class = Delimiter::compile("[ \\t]+").expect("a class is a valid delimiter");
        assert_eq!(class.split(b"a \t b\t").len(), 2);
    }

    #[test]
    fn empty_type_in_both_columns_prints_twice() {
        let result = score("a B B\nb O O\n", &ConllevalOptions::default());
        let text = render(&result);
        let line = "                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n";
        assert_eq!(text.matches(line).count(), 2, "{text}");
        assert_eq!(to_json(&result)["per_type"].as_object().map(|types| types.len()), Some(1));
    }

    #[test]
    fn json_summary() {
        let result = score("a B-PER B-PER\nb B-LOC O\n", &ConllevalOptions::default());
        let json = to_json(&result);
        assert_eq!(json["phrases"], 2);
        assert_eq!(json["precision"], 100.0);
        assert_eq!(json["recall"], 50.0);
        assert_eq!(json["per_type"]["LOC"]["gold"], 1);
        assert_eq!(json["per_type"]["PER"]["f1"], 100.0);
    }

    /// Parses an `args.txt` line: conlleval.pl flags separated by single spaces.
    fn parse_args(line: &str) -> ConllevalOptions {
        let mut options = ConllevalOptions::default();
        let mut args = line.split(' ').filter(|arg| !arg.is_empty());
        while let Some(arg) = args.next() {
            match arg {
                "-r" => options.raw = true,
                "-d" => options.delimiter = Some(args.next().expect("-d takes a value").to_string()),
                "-o" => options.outside_tag = args.next().expect("-o takes a value").to_string(),
                other => panic!("unknown argument {other:?} in args.txt"),
            }
        }
        options
    }

    /// Every folder under tests/data/conlleval holds an input, conlleval.pl's stdout for it
    /// and, optionally, its flags (`args.txt`) and its stderr message (`error.txt`).
    #[test]
    fn matches_conlleval_on_recorded_cases() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/conlleval"));
        let mut cases: Vec<_> = std::fs::read_dir(root)
            .expect("the recorded cases are present")
            .map(|entry| entry.expect("readable case folder").path())
            .filter(|path| path.is_dir())
            .collect();
        cases.sort();
        assert!(cases.len() >= 12, "expected the recorded cases under {}", root.display());
        for case in cases {
            let read = |name: &str| std::fs::read(case.join(name));
            let input = read("input.txt").expect("input.txt");
            let expected = read("expected.txt").expect("expected.txt");
            let options = match read("args.txt") {
                Ok(args) => parse_args(String::from_utf8_lossy(&args).trim_end_matches('\n')),
                Err(_) => ConllevalOptions::default(),
            };
            let outcome = evaluate(input.as_slice(), &options);
            match read("error.txt") {
                Ok(message) => {
                    let error = outcome.expect_err("the case records an error");
                    assert_eq!(error.to_string().into_bytes(), message.strip_suffix(b"\n").unwrap_or(&message), "{}", case.display());
                    assert!(expected.is_empty(), "{}: nothing is printed on error", case.display());
                }
                Err(_) => {
                    let result = outcome.unwrap_or_else(|error| panic!("{}: {error}", case.display()));
                    let rendered = render_bytes(&result);
                    assert!(
                        rendered == expected,
                        "{}:\n--- got\n{}--- expected\n{}",
                        case.display(),
                        String::from_utf8_lossy(&rendered),
                        String::from_utf8_lossy(&expected)
                    );
                }
            }
        }
    }
}
