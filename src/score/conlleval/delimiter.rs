//! The `-d` delimiter: conlleval.pl interpolates it into `split(/$delimiter/, ...)` on
//! undecoded input, so it is a Perl regular expression over bytes. This is a small engine for
//! the subset that can only match non-empty runs of byte sets.

use super::evaluate::ConllevalError;

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
pub(super) struct Delimiter {
    pieces: Vec<Piece>,
    /// The byte, when the pattern is one literal byte matched once.
    single_byte: Option<u8>,
}

impl Delimiter {
    pub(super) fn compile(pattern: &str) -> Result<Self, ConllevalError> {
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
        let single_byte = match pieces.as_slice() {
            [Piece { set, min: 1, max: 1 }] => only_member(*set),
            _ => None,
        };
        Ok(Delimiter { pieces, single_byte })
    }

    /// The byte, when the pattern is one literal byte matched once (the fast path).
    pub(super) fn single_byte(&self) -> Option<u8> {
        self.single_byte
    }

    /// Perl's `split(/pattern/, $line)`: leading empty fields are kept, trailing empty fields
    /// are dropped, and an empty line yields no field at all.
    #[cfg(test)]
    pub(super) fn split<'a>(&self, line: &'a [u8]) -> Vec<&'a [u8]> {
        let mut fields = Vec::new();
        self.split_into(line, &mut fields);
        fields.into_iter().map(|(start, end)| &line[start..end]).collect()
    }

    /// [`split`](Self::split) as byte ranges of `line`, into a vector the caller reuses, so the
    /// line loop allocates nothing once it has warmed up.
    pub(super) fn split_into(&self, line: &[u8], fields: &mut Vec<(usize, usize)>) {
        fields.clear();
        let mut field_start = 0;
        match self.single_byte {
            // The default delimiter (a space) and other one-byte literals: a plain scan.
            Some(byte) => {
                for_each_byte(line, byte, |at| {
                    fields.push((field_start, at));
                    field_start = at + 1;
                });
            }
            None => {
                let mut at = 0;
                while at < line.len() {
                    match match_at(&self.pieces, line, at) {
                        Some(end) => {
                            fields.push((field_start, at));
                            field_start = end;
                            at = end;
                        }
                        None => at += 1,
                    }
                }
            }
        }
        fields.push((field_start, line.len()));
        while fields.last().is_some_and(|(start, end)| start == end) {
            fields.pop();
        }
    }
}

/// Calls `found` with every position of `byte` in `line`, in order, eight bytes at a time: a
/// word's bytes equal to `byte` become zero bytes, which the classic bit trick flags (a flag can
/// be a false alarm just above a real match, never a miss, so each flag is checked).
fn for_each_byte(line: &[u8], byte: u8, mut found: impl FnMut(usize)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(byte);
    let mut chunks = line.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ pattern;
        let mut flags = word.wrapping_sub(ONES) & !word & HIGHS;
        while flags != 0 {
            let at = base + (flags.trailing_zeros() / 8) as usize;
            if line[at] == byte {
                found(at);
            }
            flags &= flags - 1;
        }
        base += 8;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b == byte {
            found(base + k);
        }
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

    #[test]
    fn byte_search_finds_every_position() {
        let mut rng = crate::random::Rng::new(9);
        for len in 0..40 {
            for byte in [b' ', 0, 1, 0x80, 0xff] {
                let line: Vec<u8> = (0..len).map(|_| [b' ', 0, 1, 0x80, 0xff, b'a'][rng.below(6) as usize]).collect();
                let mut got = Vec::new();
                for_each_byte(&line, byte, |at| got.push(at));
                let expected: Vec<usize> = (0..line.len()).filter(|&k| line[k] == byte).collect();
                assert_eq!(got, expected, "{line:?} / {byte}");
            }
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
        assert_eq!(split("a b c d e f g h i j k"), ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]);
        assert_eq!(split("\x01 \x01\x00 \x00  x"), ["\x01", "\x01\x00", "\x00", "", "x"]);
        let class = Delimiter::compile("[ \\t]+").expect("a class is a valid delimiter");
        assert_eq!(class.split(b"a \t b\t").len(), 2);
    }
}
