//! The fast path of the span reader: one pass over a line's bytes that accepts only a clean
//! span line and builds its [`Span`] directly. It answers `None` for everything else — malformed
//! JSON, unknown fields, repeated keys, values of the wrong type, offsets that are not plain
//! whole numbers, a label with surrounding whitespace — and the general reader then gives the
//! line its usual message. The one error it gives itself is the layer mismatch, whose message
//! it shares with the general reader.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::Span;

/// The span on a clean line, the layer error, or `None` to let the general reader decide. The
/// commonest lines are read by [`super::keyed`]; the rest by the scanner below, with the same
/// result.
pub(super) fn parse(line: &str, default_layer: &str, required_layer: Option<&str>) -> Option<Result<Span, String>> {
    let Some((span, text)) = super::keyed::read(line) else {
        return general_parse(line, default_layer, required_layer);
    };
    if !plain(span.article_id, span.label) {
        return None;
    }
    let layer = span.layer.unwrap_or(default_layer);
    if let Some(required) = required_layer {
        if layer != required {
            return Some(Err(super::layer_mismatch(layer, required)));
        }
    }
    Some(Ok(Span {
        article_id: span.article_id.to_string(),
        layer: layer.to_string(),
        start: span.start,
        end: span.end,
        label: span.label.to_string(),
        text: text.map(str::to_string),
        attrs: BTreeMap::new(),
    }))
}

/// [`parse`] by the general scanner.
pub(super) fn general_parse(line: &str, default_layer: &str, required_layer: Option<&str>) -> Option<Result<Span, String>> {
    let mut scanner = Scanner { bytes: line.as_bytes(), line, at: 0 };
    let mut fields = Fields::default();
    scanner.object(|scanner, key| fields.read(scanner, key))?;
    scanner.skip_space();
    if scanner.at != scanner.bytes.len() {
        return None;
    }
    let Fields { article_id, layer, start, end, label, text, attrs, .. } = fields;
    let (article_id, start, end, label) = (article_id?, start?, end?, label?);
    if !plain(&article_id, &label) {
        return None;
    }
    let layer = layer.flatten().map_or_else(|| default_layer.to_string(), Cow::into_owned);
    if let Some(required) = required_layer {
        if layer != required {
            return Some(Err(super::layer_mismatch(&layer, required)));
        }
    }
    Some(Ok(Span {
        article_id: article_id.into_owned(),
        layer,
        start,
        end,
        label: label.into_owned(),
        text: text.flatten().map(Cow::into_owned),
        attrs: attrs.flatten().unwrap_or_default(),
    }))
}

/// Whether an id and a label are taken as they stand: neither empty, the label without
/// surrounding whitespace (the general reader has a message for each of those).
fn plain(article_id: &str, label: &str) -> bool {
    !article_id.is_empty() && !label.is_empty() && !label.starts_with(char::is_whitespace) && !label.ends_with(char::is_whitespace)
}

/// A clean span line's fields, borrowed from the line: what [`parse_borrowed`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BorrowedSpan<'a> {
    pub article_id: &'a str,
    /// `None` when the line names no layer (or `null`).
    pub layer: Option<&'a str>,
    pub start: usize,
    pub end: usize,
    pub label: &'a str,
}

/// The fields of a clean span line without attributes or escapes, borrowed from the line, for
/// readers that keep no [`Span`] (a `text` field is read over, not kept); `None` for any other
/// line, which [`parse`] and the general reader then handle. The commonest lines are read by
/// [`super::keyed`]; the rest by the scanner below, with the same result.
pub(crate) fn parse_borrowed(line: &str) -> Option<BorrowedSpan<'_>> {
    match super::keyed::read(line) {
        Some((span, _)) => plain(span.article_id, span.label).then_some(span),
        None => general_borrowed(line),
    }
}

/// The fields and `text` of the commonest clean line, borrowed from it, as [`parse`] reads
/// them (its first reader, [`super::keyed`], and the same refusals): `None` for any line that
/// reader does not take, which [`parse`] then reads the slower way.
pub(crate) fn parse_common(line: &str) -> Option<(BorrowedSpan<'_>, Option<&str>)> {
    super::keyed::read(line).filter(|(span, _)| plain(span.article_id, span.label))
}

/// [`parse_borrowed`] by the general scanner.
pub(super) fn general_borrowed(line: &str) -> Option<BorrowedSpan<'_>> {
    let mut scanner = Scanner { bytes: line.as_bytes(), line, at: 0 };
    let mut fields = Fields::default();
    scanner.object(|scanner, key| fields.read(scanner, key))?;
    scanner.skip_space();
    if scanner.at != scanner.bytes.len() || fields.attrs.flatten().is_some_and(|attrs| !attrs.is_empty()) {
        return None;
    }
    fn borrowed(value: Cow<'_, str>) -> Option<&str> {
        match value {
            Cow::Borrowed(text) => Some(text),
            Cow::Owned(_) => None,
        }
    }
    let (article_id, label) = (borrowed(fields.article_id?)?, borrowed(fields.label?)?);
    if !plain(article_id, label) {
        return None;
    }
    let layer = match fields.layer.flatten() {
        Some(layer) => Some(borrowed(layer)?),
        None => None,
    };
    Some(BorrowedSpan { article_id, layer, start: fields.start?, end: fields.end?, label })
}

/// A flat JSON object whose values are all strings or `null`, read by the same scanner (the
/// article reader's fast path): `each` gets every key with its value (`None` for `null`) and may
/// refuse it (`None`). `None` for anything else — another kind of value, malformed JSON, text
/// after the object — so that the general reader decides.
pub(crate) fn string_object<'a>(line: &'a str, mut each: impl FnMut(&str, Option<Cow<'a, str>>) -> Option<()>) -> Option<()> {
    let mut scanner = Scanner { bytes: line.as_bytes(), line, at: 0 };
    scanner.object(|scanner, key| {
        let value = scanner.nullable(Scanner::string)?;
        each(key, value)
    })?;
    scanner.skip_space();
    (scanner.at == scanner.bytes.len()).then_some(())
}

/// The fields seen so far; `Some(None)` is a field given as `null`.
#[derive(Default)]
struct Fields<'a> {
    article_id: Option<Cow<'a, str>>,
    layer: Option<Option<Cow<'a, str>>>,
    start: Option<usize>,
    end: Option<usize>,
    label: Option<Cow<'a, str>>,
    text: Option<Option<Cow<'a, str>>>,
    attrs: Option<Option<BTreeMap<String, String>>>,
}

impl<'a> Fields<'a> {
    /// Reads the value of `key`; `None` when the key is unknown, repeated or its value unusual.
    fn read(&mut self, scanner: &mut Scanner<'a>, key: &str) -> Option<()> {
        fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
            if slot.is_some() {
                return None;
            }
            *slot = Some(value);
            Some(())
        }
        // The length tells the keys apart before any comparison of their text.
        match (key.len(), key) {
            (10, "article_id") => once(&mut self.article_id, scanner.string()?),
            (5, "label") => once(&mut self.label, scanner.string()?),
            (5, "start") => once(&mut self.start, scanner.offset()?),
            (3, "end") => once(&mut self.end, scanner.offset()?),
            (5, "layer") => once(&mut self.layer, scanner.nullable(Scanner::string)?),
            (4, "text") => once(&mut self.text, scanner.nullable(Scanner::string)?),
            (5, "attrs") => {
                let attrs = scanner.nullable(|scanner| {
                    let mut attrs = BTreeMap::new();
                    scanner.object(|scanner, key| {
                        let value = scanner.string()?.into_owned();
                        attrs.insert(key.to_owned(), value).is_none().then_some(())
                    })?;
                    Some(attrs)
                })?;
                once(&mut self.attrs, attrs)
            }
            _ => None,
        }
    }
}

/// The first position from `at` that holds a quote, a backslash or a control character (or,
/// within the last seven bytes, one that may). A long run (an article's text is most of its
/// line) is searched by `memchr2` for the quote or backslash, then checked for control
/// characters 32 bytes a step; a short one eight bytes a step.
#[inline]
pub(crate) fn skip_plain(bytes: &[u8], at: usize) -> usize {
    const LONG: usize = 64;
    if bytes.len().saturating_sub(at) < LONG {
        skip_plain_words(bytes, at)
    } else {
        skip_plain_long(bytes, at)
    }
}

/// [`skip_plain`] of a long run.
#[inline(never)]
fn skip_plain_long(bytes: &[u8], at: usize) -> usize {
    let stop = memchr::memchr2(b'"', b'\\', &bytes[at..]).map_or(bytes.len(), |k| at + k);
    // Control characters (below 0x20) looked for 32 bytes a step, by a fold without an early
    // exit, which compiles to a few compares a block.
    let mut from = at;
    for block in bytes[at..stop].chunks(32) {
        if block.iter().fold(false, |any, &b| any | (b < 0x20)) {
            return from + block.iter().position(|&b| b < 0x20).unwrap_or(0);
        }
        from += block.len();
    }
    stop
}

/// [`skip_plain`] eight bytes a step.
#[inline]
fn skip_plain_words(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    while let Some(chunk) = bytes.get(at..at + 8).and_then(|chunk| <[u8; 8]>::try_from(chunk).ok()) {
        let word = u64::from_le_bytes(chunk);
        let (quote, backslash) = (word ^ (ONES * u64::from(b'"')), word ^ (ONES * u64::from(b'\\')));
        // A byte that is zero (after the XOR), or below 0x20, borrows into its high bit.
        let special =
            ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash) | (word.wrapping_sub(ONES * 0x20) & !word)) & (ONES << 7);
        if special != 0 {
            // The lowest flag is exact (a borrow only runs upward, past a true hit), so this is
            // the first special byte itself.
            return at + special.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    at
}

struct Scanner<'a> {
    bytes: &'a [u8],
    line: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    /// JSON's whitespace: space, tab, line feed, carriage return.
    fn skip_space(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    /// `{ "key": value, … }`, calling `value` with each key once the colon is read.
    fn object(&mut self, mut value: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            self.skip_space();
            let key = self.string()?;
            self.eat(b':')?;
            self.skip_space();
            value(self, &key)?;
            self.skip_space();
            match self.bytes.get(self.at)? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// `null`, or what `value` reads.
    fn nullable<T>(&mut self, value: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.bytes[self.at..].starts_with(b"null") {
            self.at += 4;
            return Some(None);
        }
        value(self).map(Some)
    }

    /// A JSON string, borrowed from the line unless it holds escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let open = self.at;
        let mut escaped = false;
        let mut at = open + 1;
        loop {
            at = skip_plain(self.bytes, at);
            match *self.bytes.get(at)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    at += 2;
                }
                byte if byte < 0x20 => return None,
                _ => at += 1,
            }
        }
        self.at = at + 1;
        if escaped {
            // Rare: let serde_json decode the escapes (and refuse the bad ones).
            serde_json::from_str::<String>(&self.line[open..=at]).ok().map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(&self.line[open + 1..at]))
        }
    }

    /// A whole non-negative number written plainly: digits, no leading zero, no sign, no
    /// fraction or exponent, small enough for an offset.
    fn offset(&mut self) -> Option<usize> {
        let digits = self.bytes[self.at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let text = &self.bytes[self.at..self.at + digits];
        if digits == 0 || digits > 15 || (digits > 1 && text[0] == b'0') {
            return None;
        }
        if matches!(self.bytes.get(self.at + digits), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at += digits;
        Some(text.iter().fold(0usize, |n, &d| n * 10 + usize::from(d - b'0')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the length and the position, the skip stops at or before the first special byte.
    #[test]
    fn skip_plain_finds_the_first_special_byte_of_a_long_run() {
        for len in [64, 65, 95, 96, 97, 130, 257] {
            let plain: Vec<u8> = "لافروفab ".bytes().cycle().take(len).collect();
            assert_eq!(skip_plain(&plain, 0), len);
            for special in [b'"', b'\\', 0x00, 0x1f, b'\t', b'\n'] {
                for at in 0..len {
                    let mut bytes = plain.clone();
                    bytes[at] = special;
                    // A second one further on must not be taken for the first.
                    if at + 40 < len {
                        bytes[at + 40] = if special == b'"' { 0x01 } else { b'"' };
                    }
                    for from in (0..=at).step_by(5) {
                        let stop = skip_plain(&bytes, from);
                        if len - from >= 64 || at + 8 <= len {
                            assert_eq!(stop, at, "{special} at {at} of {len}, from {from}");
                        } else {
                            assert!(stop >= from && stop <= at, "{special} at {at} of {len}, from {from}: {stop}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn skip_plain_never_passes_a_special_byte() {
        for special in [b'"', b'\\', 0x00, 0x1f, b'\t'] {
            for len in 0..40 {
                for at in 0..len {
                    let mut bytes: Vec<u8> = "لافروفab ".bytes().cycle().take(len).collect();
                    bytes[at] = special;
                    for from in 0..=at {
                        let stop = skip_plain(&bytes, from);
                        assert!(stop >= from && stop <= at, "{special} at {at} of {len}, from {from}: {stop}");
                        // Eight or more bytes before the end, the skip lands on the byte itself.
                        if at + 8 <= len {
                            assert_eq!(stop, at, "{special} at {at} of {len}, from {from}");
                        }
                    }
                }
                let plain: Vec<u8> = "abc لا".bytes().cycle().take(len).collect();
                assert!(skip_plain(&plain, 0) + 8 > len);
            }
        }
    }
}
