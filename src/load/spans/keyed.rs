//! The quickest reading of the commonest span line: `{"article_id": "…", "start": N, "end": N,
//! "label": "…"}`, perhaps with `layer` and `text`, keys in any order. Keys are recognised by
//! their first byte and compared whole as literals, and values are read with no layer of
//! closures or `Cow`s in between: the scorer's fast path reads hundreds of thousands of such
//! lines, and the general scanner of [`super::fast`] spent most of its time on that machinery.
//! The two usual layouts (mizan's own and Python's `json.dumps`) are tried first, by their
//! literals in order.
//!
//! It answers only when it is sure: a line with an escape, a control character, `null`,
//! `attrs`, an unknown or repeated key, or an offset that is not a plain whole number gets
//! `None`, and [`super::fast::parse_borrowed`] then reads it the slower way. Whatever it
//! answers is what the slower way gives for the same line (a test checks this on generated
//! lines).

use super::fast::BorrowedSpan;

/// The fields of a clean common line and its `text`, or `None` to let the general scanner decide.
#[inline]
pub(super) fn read(line: &str) -> Option<(BorrowedSpan<'_>, Option<&str>)> {
    if let Some(found) = canonical(line) {
        return Some(found);
    }
    let bytes = line.as_bytes();
    let mut at = space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    let (mut article_id, mut layer, mut start, mut end, mut label, mut text) = (None, None, None, None, None, None);
    loop {
        at = space(bytes, at + 1);
        let key = Key::at(bytes, at)?;
        at = space(bytes, at + key.len());
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = space(bytes, at + 1);
        match key {
            Key::ArticleId => once(&mut article_id, string(line, &mut at)?)?,
            Key::Label => once(&mut label, string(line, &mut at)?)?,
            Key::Layer => once(&mut layer, string(line, &mut at)?)?,
            Key::Start => once(&mut start, offset(bytes, &mut at)?)?,
            Key::End => once(&mut end, offset(bytes, &mut at)?)?,
            Key::Text => once(&mut text, string(line, &mut at)?)?,
        }
        at = space(bytes, at);
        match bytes.get(at)? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    if space(bytes, at + 1) != bytes.len() {
        return None;
    }
    Some((BorrowedSpan { article_id: article_id?, layer, start: start?, end: end?, label: label? }, text))
}

/// The line laid out as mizan writes it (`{"article_id":"…","layer":"…","start":N,…}`) or as
/// Python's `json.dumps` does (`", "` and `": "` between the parts): the keys in the order
/// `article_id`, `layer`, `start`, `end`, `label`, `text`, `layer` and `text` optional, read by
/// matching each literal in turn. Anything else — another order or spacing, a trailing space —
/// gets `None`, and [`read`] reads it by its keys; where this answers, that would answer the same.
#[inline]
fn canonical(line: &str) -> Option<(BorrowedSpan<'_>, Option<&str>)> {
    let bytes = line.as_bytes();
    if !is(bytes, b"{\"article_id\":") {
        return None;
    }
    let spaced = bytes.get(14) == Some(&b' ');
    let mut at = 14 + usize::from(spaced);
    let article_id = string(line, &mut at)?;
    let layer = if next_key(bytes, &mut at, spaced, b"\"layer\"") { Some(string(line, &mut at)?) } else { None };
    if !next_key(bytes, &mut at, spaced, b"\"start\"") {
        return None;
    }
    let start = offset(bytes, &mut at)?;
    if !next_key(bytes, &mut at, spaced, b"\"end\"") {
        return None;
    }
    let end = offset(bytes, &mut at)?;
    if !next_key(bytes, &mut at, spaced, b"\"label\"") {
        return None;
    }
    let label = string(line, &mut at)?;
    let text = if next_key(bytes, &mut at, spaced, b"\"text\"") { Some(string(line, &mut at)?) } else { None };
    if at + 1 != bytes.len() || bytes[at] != b'}' {
        return None;
    }
    Some((BorrowedSpan { article_id, layer, start, end, label }, text))
}

/// Whether `bytes` starts with `literal`: a fixed-size comparison, which compiles to a word
/// compare or two.
#[inline]
fn is<const N: usize>(bytes: &[u8], literal: &[u8; N]) -> bool {
    bytes.first_chunk::<N>() == Some(literal)
}

/// Moves `at` past a comma, the quoted `name` and a colon, each separator followed by one
/// space when `spaced`, if they come next.
#[inline]
fn next_key<const N: usize>(bytes: &[u8], at: &mut usize, spaced: bool, name: &[u8; N]) -> bool {
    let gap = usize::from(spaced);
    let mut k = *at;
    let separator = |k: usize, byte: u8| bytes.get(k) == Some(&byte) && (!spaced || bytes.get(k + 1) == Some(&b' '));
    if !separator(k, b',') {
        return false;
    }
    k += 1 + gap;
    if !bytes.get(k..).is_some_and(|rest| is(rest, name)) {
        return false;
    }
    k += N;
    if !separator(k, b':') {
        return false;
    }
    *at = k + 1 + gap;
    true
}

/// The keys this reader knows, each with its quotes.
#[derive(Clone, Copy)]
enum Key {
    ArticleId,
    Start,
    End,
    Label,
    Layer,
    Text,
}

impl Key {
    /// The key whose quoted literal starts at `at`.
    #[inline]
    fn at(bytes: &[u8], at: usize) -> Option<Key> {
        let rest = bytes.get(at..)?;
        // Fixed-size comparisons, which compile to a word compare or two.
        fn is<const N: usize>(rest: &[u8], literal: &[u8; N]) -> bool {
            rest.first_chunk::<N>() == Some(literal)
        }
        let key = match rest.get(1)? {
            b'a' if is(rest, b"\"article_id\"") => Key::ArticleId,
            b's' if is(rest, b"\"start\"") => Key::Start,
            b'e' if is(rest, b"\"end\"") => Key::End,
            b't' if is(rest, b"\"text\"") => Key::Text,
            b'l' if is(rest, b"\"label\"") => Key::Label,
            b'l' if is(rest, b"\"layer\"") => Key::Layer,
            _ => return None,
        };
        Some(key)
    }

    /// The length of the key with its quotes.
    fn len(self) -> usize {
        match self {
            Key::ArticleId => 12,
            Key::Start | Key::Label | Key::Layer => 7,
            Key::End => 5,
            Key::Text => 6,
        }
    }
}

/// Fills an empty slot; `None` when the key came before.
#[inline]
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.replace(value).is_none().then_some(())
}

/// The first position from `at` that is not JSON whitespace.
#[inline]
fn space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// A string without escapes or control characters at `at`, moving past it.
#[inline]
fn string<'a>(line: &'a str, at: &mut usize) -> Option<&'a str> {
    let bytes = line.as_bytes();
    if bytes.get(*at) != Some(&b'"') {
        return None;
    }
    let open = *at + 1;
    let close = super::fast::skip_plain(bytes, open);
    let close = close + bytes[close..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    if bytes[close] != b'"' {
        return None;
    }
    *at = close + 1;
    // Both ends are ASCII quotes, so the slice falls on character boundaries.
    line.get(open..close)
}

/// A whole non-negative number written plainly, as [`super::fast`] accepts one: digits, no
/// leading zero, at most 15 of them, not followed by a fraction or an exponent.
#[inline]
fn offset(bytes: &[u8], at: &mut usize) -> Option<usize> {
    let from = *at;
    let mut value = 0usize;
    let mut to = from;
    while let Some(&digit) = bytes.get(to).filter(|b| b.is_ascii_digit()) {
        value = value * 10 + usize::from(digit - b'0');
        to += 1;
        if to - from > 15 {
            return None;
        }
    }
    let digits = to - from;
    if digits == 0 || (digits > 1 && bytes[from] == b'0') || matches!(bytes.get(to), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    *at = to;
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Rng;

    fn general(line: &str) -> Option<BorrowedSpan<'_>> {
        super::super::fast::general_borrowed(line)
    }

    #[test]
    fn reads_the_common_line_in_any_key_order() {
        let line = r#"{"article_id": "c0000-s0000", "start": 0, "end": 8, "label": "LOC"}"#;
        assert_eq!(read(line), Some((BorrowedSpan { article_id: "c0000-s0000", layer: None, start: 0, end: 8, label: "LOC" }, None)));
        let line = r#"{"label":"PER","end":12,"layer":"ner","text":"سيرغي لافروف","start":0,"article_id":"أ"}"#;
        assert_eq!(read(line), Some((BorrowedSpan { article_id: "أ", layer: Some("ner"), start: 0, end: 12, label: "PER" }, Some("سيرغي لافروف"))));
        for refused in [
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "L\"OC"}"#,
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC", "attrs": {}}"#,
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC", "layer": null}"#,
            r#"{"article_id": "a", "start": 0, "start": 0, "end": 8, "label": "LOC"}"#,
            r#"{"article_id": "a", "start": 01, "end": 8, "label": "LOC"}"#,
            r#"{"article_id": "a", "start": 0, "end": 8.0, "label": "LOC"}"#,
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC"} x"#,
            r#"{"article_id": "a", "start": 0, "end": 8, "labels": "LOC"}"#,
            r#"{"article_id": "a", "start": 0, "end": 8}"#,
        ] {
            assert_eq!(read(refused), None, "{refused}");
        }
    }

    #[test]
    fn the_usual_layouts_are_read_by_their_literals_as_the_general_scanner_reads_them() {
        let mut lines = Vec::new();
        for (comma, colon) in [(",", ":"), (", ", ": ")] {
            for layer in [None, Some("quote")] {
                for text in [None, Some("سيرغي لافروف")] {
                    let mut line = format!("{{\"article_id\"{colon}\"مقال-7\"");
                    if let Some(layer) = layer {
                        line.push_str(&format!("{comma}\"layer\"{colon}\"{layer}\""));
                    }
                    line.push_str(&format!("{comma}\"start\"{colon}0{comma}\"end\"{colon}120{comma}\"label\"{colon}\"PER\""));
                    if let Some(text) = text {
                        line.push_str(&format!("{comma}\"text\"{colon}\"{text}\""));
                    }
                    line.push('}');
                    let (span, read_text) = canonical(&line).unwrap_or_else(|| panic!("{line}"));
                    assert_eq!((span.article_id, span.layer, span.start, span.end, span.label, read_text), ("مقال-7", layer, 0, 120, "PER", text));
                    lines.push(line);
                }
            }
        }
        // Near misses: each goes past the literal reader and is read (or refused) by its keys.
        for near in [
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC"} "#,
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC","text": "x"}"#,
            r#"{"article_id":"a","start":0,"end":8,"label":"LOC", "text":"x"}"#,
            r#"{"article_id": "a", "end": 8, "start": 0, "label": "LOC"}"#,
            r#"{"article_id": "a", "start": 01, "end": 8, "label": "LOC"}"#,
            r#"{"article_id": "a", "start": 0, "end": 8e0, "label": "LOC"}"#,
            r#"{"article_id": "a\u0041", "start": 0, "end": 8, "label": "LOC"}"#,
            r#"{"article_id": "a", "layer": null, "start": 0, "end": 8, "label": "LOC"}"#,
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC", "attrs": {}}"#,
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC"}}"#,
            r#"{"article_id": "a", "start": 0, "end": 8, "label": "LOC""#,
        ] {
            assert_eq!(canonical(near), None, "{near}");
            lines.push(near.to_string());
        }
        for line in &lines {
            assert_eq!(super::super::fast::parse_borrowed(line), general(line), "{line}");
            assert_eq!(super::super::fast::parse(line, "ner", None), super::super::fast::general_parse(line, "ner", None), "{line}");
        }
    }

    /// Lines built from pieces that are right and pieces that are subtly wrong: wherever the
    /// keyed reader answers, the general scanner gives the same fields.
    #[test]
    fn agrees_with_the_general_scanner() {
        let keys = ["\"article_id\"", "\"start\"", "\"end\"", "\"label\"", "\"layer\"", "\"text\"", "\"attrs\"", "\"lab\"", "\"article_idx\"", "\"Start\""];
        let values = [
            "\"a1\"",
            "\"LOC\"",
            "\"سانا\"",
            "0",
            "17",
            "007",
            "3.5",
            "1e3",
            "null",
            "\"x\\\"y\"",
            "\"\t\"",
            "{}",
            "\"\"",
            "\" PER\"",
            "-1",
            "12345678901234567",
        ];
        let spaces = ["", " ", "  ", "\t", "\r\n"];
        let mut rng = Rng::new(42);
        let mut pick = |n: usize| rng.below(n as u64) as usize;
        let (mut answered, mut total) = (0, 0);
        for _ in 0..40_000 {
            let fields = 3 + pick(4);
            let mut line = String::from(spaces[pick(spaces.len())]);
            line.push('{');
            for k in 0..fields {
                // Mostly the four required keys with fitting values, so that many lines are clean.
                let (key, value) = match (k, pick(4)) {
                    (0, 0..=2) => ("\"article_id\"", "\"a1\""),
                    (1, 0..=2) => ("\"start\"", "0"),
                    (2, 0..=2) => ("\"end\"", "17"),
                    (3, 0..=2) => ("\"label\"", "\"LOC\""),
                    _ => (keys[pick(keys.len())], values[pick(values.len())]),
                };
                let (s1, s2, s3) = (spaces[pick(spaces.len())], spaces[pick(spaces.len())], spaces[pick(spaces.len())]);
                line.push_str(&format!("{s1}{key}{s2}:{s3}{value}"));
                if k + 1 < fields {
                    line.push(',');
                }
            }
            line.push_str(spaces[pick(spaces.len())]);
            line.push('}');
            if pick(20) == 0 {
                line.push_str(" ,");
            }
            total += 1;
            answered += usize::from(read(&line).is_some());
            assert_eq!(super::super::fast::parse_borrowed(&line), general(&line), "{line}");
            for required in [None, Some("LOC")] {
                assert_eq!(super::super::fast::parse(&line, "ner", required), super::super::fast::general_parse(&line, "ner", required), "{line}");
            }
        }
        assert!(answered > total / 20, "only {answered} of {total} generated lines were clean");
    }
}
