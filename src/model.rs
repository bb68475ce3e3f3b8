//! The data model every part of mizan shares: [`Article`], [`Span`] and the code-point
//! offset index that keeps spans on character boundaries.
//!
//! Offsets in every file mizan reads or writes are Unicode code points, end-exclusive, as
//! Python string slicing, brat and spaCy count them. Rust strings are indexed by bytes, so each
//! article carries a [`TextIndex`] that converts between the two; a byte range is only ever
//! produced by that index, which is why a span boundary can never fall inside a character.

use std::collections::BTreeMap;
use std::ops::Range;

/// Metadata columns every article frame carries, filled or null.
pub const STANDARD_METADATA: [&str; 6] = ["source", "date", "url", "split", "dateline_place", "dateline_agency"];

/// The layer a span belongs to when its line names none.
pub const DEFAULT_LAYER: &str = "ner";

/// One news article: an id unique in its dataset, its text, and string metadata usable as an
/// evaluation slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Unique in its dataset; spans name it in `article_id`.
    pub id: String,
    /// The text spans' code-point offsets count into.
    pub text: String,
    /// `source`, `date`, `url`, `split` and any other string fields.
    pub metadata: BTreeMap<String, String>,
    index: TextIndex,
}

impl Article {
    /// The article as one JSON object of an articles JSONL file: `id`, `text`, then the
    /// metadata fields.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut line = serde_json::Map::new();
        line.insert("id".into(), self.id.clone().into());
        line.insert("text".into(), self.text.clone().into());
        for (key, value) in &self.metadata {
            line.insert(key.clone(), value.clone().into());
        }
        line
    }

    /// An article, with the index that turns code-point offsets into byte ranges.
    pub fn new(id: impl Into<String>, text: impl Into<String>, metadata: BTreeMap<String, String>) -> Self {
        let text = text.into();
        let index = TextIndex::new(&text);
        Article { id: id.into(), text, metadata, index }
    }

    /// The metadata as one JSON object (`{}` when there is none), as fingerprints and cache
    /// keys hash it.
    pub fn metadata_json(&self) -> String {
        metadata_json(&self.metadata).into_owned()
    }

    /// Length of the text in code points.
    pub fn char_len(&self) -> usize {
        self.index.char_len
    }

    /// The text between two code-point offsets, or `None` when the range is empty, reversed or
    /// runs past the end.
    pub fn slice(&self, start: usize, end: usize) -> Option<&str> {
        self.byte_range(start, end).map(|range| &self.text[range])
    }

    /// The byte range of a code-point range; always on character boundaries.
    pub fn byte_range(&self, start: usize, end: usize) -> Option<Range<usize>> {
        if start > end || end > self.index.char_len {
            return None;
        }
        let begin = self.index.byte_offset(&self.text, start);
        let finish = begin + self.index.bytes_between(&self.text[begin..], end - start);
        Some(begin..finish)
    }

    /// The code-point offset of a byte offset; `None` when the byte offset is inside a
    /// character or past the end.
    pub fn char_offset(&self, byte: usize) -> Option<usize> {
        if byte > self.text.len() || !self.text.is_char_boundary(byte) {
            return None;
        }
        Some(self.index.char_offset(&self.text, byte))
    }
}

/// Metadata as one JSON object (`{}` when there is none), as fingerprints and cache keys hash
/// it: [`Article::metadata_json`] for the fields of an article not yet built.
pub(crate) fn metadata_json(metadata: &BTreeMap<String, String>) -> std::borrow::Cow<'static, str> {
    if metadata.is_empty() {
        return "{}".into();
    }
    serde_json::to_string(metadata).unwrap_or_default().into()
}

/// Code-point ↔ byte conversion for one text. Stores the byte offset of every
/// [`TextIndex::STRIDE`]th character, so it costs a few percent of the text's size and a
/// conversion scans at most `STRIDE` characters. Pure-ASCII texts need no table at all.
#[derive(Debug, Clone, PartialEq)]
struct TextIndex {
    char_len: usize,
    /// Byte offset of character `k * STRIDE`; empty when the text is ASCII.
    checkpoints: Vec<usize>,
}

impl TextIndex {
    const STRIDE: usize = 32;

    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return TextIndex { char_len: text.len(), checkpoints: Vec::new() };
        }
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(text.len() / Self::STRIDE + 1);
        // Characters are counted eight bytes at a time; only the words where a checkpoint falls
        // are looked at byte by byte.
        let (mut char_len, mut next) = (0, 0);
        let mut words = bytes.chunks_exact(8);
        let mut at = 0;
        for word in &mut words {
            let starts = char_starts(word);
            if char_len + starts > next {
                Self::mark(word, at, &mut char_len, &mut next, &mut checkpoints);
            } else {
                char_len += starts;
            }
            at += 8;
        }
        Self::mark(words.remainder(), at, &mut char_len, &mut next, &mut checkpoints);
        TextIndex { char_len, checkpoints }
    }

    /// Counts the characters starting in `bytes` (at byte `at` of the text), recording the
    /// byte offset of character `next` and of every `STRIDE`th after it.
    fn mark(bytes: &[u8], at: usize, char_len: &mut usize, next: &mut usize, checkpoints: &mut Vec<usize>) {
        for (k, &byte) in bytes.iter().enumerate() {
            if !is_continuation(byte) {
                if *char_len == *next {
                    checkpoints.push(at + k);
                    *next += Self::STRIDE;
                }
                *char_len += 1;
            }
        }
    }

    fn byte_offset(&self, text: &str, chars: usize) -> usize {
        if self.checkpoints.is_empty() {
            return chars;
        }
        let block = chars / Self::STRIDE;
        let Some(&base) = self.checkpoints.get(block) else {
            return text.len();
        };
        base + self.bytes_between(&text[base..], chars - block * Self::STRIDE)
    }

    /// Bytes taken by the first `chars` characters of `rest` (all of it when it has fewer).
    fn bytes_between(&self, rest: &str, chars: usize) -> usize {
        if self.checkpoints.is_empty() {
            return chars;
        }
        char_bytes(rest, chars)
    }

    fn char_offset(&self, text: &str, byte: usize) -> usize {
        if self.checkpoints.is_empty() {
            return byte;
        }
        let block = self.checkpoints.partition_point(|&b| b <= byte).saturating_sub(1);
        let base = self.checkpoints[block];
        block * Self::STRIDE + text[base..byte].chars().count()
    }
}

/// Bytes taken by the first `chars` characters of `rest` (all of it when it has fewer).
pub(crate) fn char_bytes(rest: &str, chars: usize) -> usize {
    // Whole words of eight bytes are skipped while the character wanted starts after them.
    let bytes = rest.as_bytes();
    let (mut at, mut remaining) = (0, chars);
    // Four words a step while the character is further on, then one word a step.
    while let Some(block) = bytes.get(at..at + 32) {
        let starts: usize = block.chunks_exact(8).map(char_starts).sum();
        if starts > remaining {
            break;
        }
        remaining -= starts;
        at += 32;
    }
    while let Some(word) = bytes.get(at..at + 8) {
        // The high bit of each byte that starts a character; the one wanted is found by
        // dropping the `remaining` lowest.
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let mut starts = !(w & !(w << 1)) & 0x8080_8080_8080_8080;
        let count = high_bits(starts);
        if count > remaining {
            for _ in 0..remaining {
                starts &= starts - 1;
            }
            return at + starts.trailing_zeros() as usize / 8;
        }
        remaining -= count;
        at += 8;
    }
    for (k, &byte) in bytes[at..].iter().enumerate() {
        if !is_continuation(byte) {
            if remaining == 0 {
                return at + k;
            }
            remaining -= 1;
        }
    }
    bytes.len()
}

/// A UTF-8 byte that continues a character rather than starting one (`10xxxxxx`).
pub(crate) fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// How many characters start in `word`, eight bytes of UTF-8: those that are not continuation
/// bytes, counted at once.
fn char_starts(word: &[u8]) -> usize {
    let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
    8 - high_bits(w & !(w << 1) & 0x8080_8080_8080_8080)
}

/// How many bytes of `flags` have their high bit set, when no other bit is: the bytes, shifted
/// to 0 or 1, summed into the top byte by one multiplication (`count_ones` is a dozen
/// instructions on x86-64 processors without `popcnt`, which mizan does not assume).
fn high_bits(flags: u64) -> usize {
    ((flags >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
}

/// One annotated (or predicted) span over an article, in code points, end-exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The article it is in.
    pub article_id: String,
    /// `ner`, `quote`, `dateline`, `date`, …
    pub layer: String,
    /// First code point of the span.
    pub start: usize,
    /// Just past the last code point (end-exclusive, as Python slicing).
    pub end: usize,
    /// `PER`, `LOC`, `QUOTE`, …
    pub label: String,
    /// The covered surface string, when the source gave it; checked against the article.
    pub text: Option<String>,
    /// String attributes, e.g. `speaker` on a QUOTE or `place`/`agency` on a DATELINE.
    pub attrs: BTreeMap<String, String>,
}

impl Span {
    /// A span of the default layer (`ner`) with no text and no attributes; the `with_*`
    /// methods add the rest.
    ///
    /// ```
    /// use mizan::Span;
    /// let span = Span::new("sana-1", 0, 5, "LOC").with_text("موسكو");
    /// assert_eq!((span.layer.as_str(), span.end - span.start), ("ner", 5));
    /// ```
    pub fn new(article_id: impl Into<String>, start: usize, end: usize, label: impl Into<String>) -> Self {
        Span { article_id: article_id.into(), layer: DEFAULT_LAYER.to_string(), start, end, label: label.into(), text: None, attrs: BTreeMap::new() }
    }

    /// The same span in another layer.
    pub fn with_layer(mut self, layer: impl Into<String>) -> Self {
        self.layer = layer.into();
        self
    }

    /// The same span with its covered text (checked against the article when loaded).
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// The same span with one more attribute.
    pub fn with_attr(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attrs.insert(key.into(), value.into());
        self
    }

    /// The span as one line of span JSONL (DESIGN.md), `layer` always written.
    pub fn to_json(&self) -> serde_json::Value {
        let mut line = serde_json::Map::new();
        line.insert("article_id".into(), self.article_id.clone().into());
        line.insert("layer".into(), self.layer.clone().into());
        line.insert("start".into(), self.start.into());
        line.insert("end".into(), self.end.into());
        line.insert("label".into(), self.label.clone().into());
        if let Some(text) = &self.text {
            line.insert("text".into(), text.clone().into());
        }
        if !self.attrs.is_empty() {
            let attrs = self.attrs.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect();
            line.insert("attrs".into(), serde_json::Value::Object(attrs));
        }
        serde_json::Value::Object(line)
    }
}

/// Spans as span JSONL, one line each (`layer` always written).
pub fn spans_jsonl(spans: &[Span]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_spans_jsonl(&mut out, spans);
    out
}

/// [`spans_jsonl`] written into `out`, without building a JSON tree per span.
pub fn write_spans_jsonl(out: &mut dyn std::io::Write, spans: &[Span]) -> std::io::Result<()> {
    let mut lines = Vec::with_capacity(1 << 17);
    for span in spans {
        span.write_json(&mut lines);
        lines.push(b'\n');
        if lines.len() >= 1 << 16 {
            out.write_all(&lines)?;
            lines.clear();
        }
    }
    out.write_all(&lines)
}

impl Span {
    /// `self.to_json().to_string()` appended to `out` without the JSON tree: the fields in that
    /// order, strings escaped as serde_json escapes them. Span JSONL files and the dataset's
    /// fingerprint are written by this.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let line =
            SpanLine { article_id: &self.article_id, layer: &self.layer, start: self.start, end: self.end, label: &self.label, text: self.text.as_deref() };
        line.write_json(out, &self.attrs);
    }
}

/// A span's fields, borrowed, as its JSON line names them: what [`Span::write_json`] writes,
/// for a reader that checks spans where they lie in its line buffer and builds no [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpanLine<'a> {
    pub article_id: &'a str,
    pub layer: &'a str,
    pub start: usize,
    pub end: usize,
    pub label: &'a str,
    pub text: Option<&'a str>,
}

/// A JSON string as serde_json writes it: escaped are `"`, `\` and the control characters
/// below U+0020. A string without them is written as it is (most are), the rest by serde_json.
fn write_json_string(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    if bytes[crate::load::skip_plain(bytes, 0)..].iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, value);
    }
}

impl SpanLine<'_> {
    /// [`Span::write_json`] of the span with these fields and `attrs`.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>, attrs: &BTreeMap<String, String>) {
        self.write_head(out);
        self.write_tail(out, attrs);
    }

    /// The line's beginning, which depends only on the article and the layer: `{"article_id":…,"layer":…`.
    pub(crate) fn write_head(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"article_id\":");
        write_json_string(out, self.article_id);
        out.extend_from_slice(b",\"layer\":");
        write_json_string(out, self.layer);
    }

    /// The rest of the line after [`SpanLine::write_head`]: offsets, label, `text` and `attrs`.
    pub(crate) fn write_tail(&self, out: &mut Vec<u8>, attrs: &BTreeMap<String, String>) {
        let string = write_json_string;
        let mut digits = itoa::Buffer::new();
        out.extend_from_slice(b",\"start\":");
        out.extend_from_slice(digits.format(self.start).as_bytes());
        out.extend_from_slice(b",\"end\":");
        out.extend_from_slice(digits.format(self.end).as_bytes());
        out.extend_from_slice(b",\"label\":");
        string(out, self.label);
        if let Some(text) = self.text {
            out.extend_from_slice(b",\"text\":");
            string(out, text);
        }
        if !attrs.is_empty() {
            out.extend_from_slice(b",\"attrs\":{");
            for (k, (key, value)) in attrs.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                string(out, key);
                out.push(b':');
                string(out, value);
            }
            out.push(b'}');
        }
        out.push(b'}');
    }
}

/// Bidirectional control marks that copy-pasted Arabic text often carries invisibly.
pub fn is_bidi_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that must not reach a terminal raw: control characters (ESC starts escape
/// sequences, CR overwrites a line, BEL rings), the bidi embeddings, overrides and isolates that
/// reorder what follows them (U+202A–U+202E, U+2066–U+2069), and the Unicode line separators.
/// The bidi marks LRM, RLM and ALM only affect their neighbours and are left alone.
pub fn is_control_like(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

fn push_escaped(out: &mut String, c: char, quoting: bool) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '"' | '\\' if quoting => {
            out.push('\\');
            out.push(c);
        }
        c if is_control_like(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// `text` made safe to print on a terminal as one line: control characters, newlines and
/// reordering bidi controls are written as escapes (`\u{1b}`, `\n`). Everything the CLI prints
/// from data (labels, layers, ids, attribute keys, slice values, extractor names and stderr)
/// goes through this, or through [`lines_for_terminal`] for a multi-line rendering.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_control_like) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c, false);
    }
    std::borrow::Cow::Owned(out)
}

/// A multi-line rendering made safe for a terminal: each line as [`for_terminal`], the line
/// breaks kept.
pub fn lines_for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_control_like(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.split('\n').map(for_terminal).collect::<Vec<_>>().join("\n"))
}

/// How many characters of a value a message quotes.
pub const QUOTED_CHARS: usize = 200;

/// A value shown in a message (an id, a label between backticks): itself when short, else its
/// first [`QUOTED_CHARS`] characters and its length. Printing escapes it (`for_terminal`).
pub fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(value),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}… ({} characters in all)", &value[..cut], value.chars().count())),
    }
}

/// A value quoted for a message: in double quotes, escaped as [`for_terminal`] (and `"`, `\`),
/// cut to its first [`QUOTED_CHARS`] characters with its full length when longer — so that a
/// 50 MB `text` never fills the terminal.
pub fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = value.chars();
    for c in chars.by_ref().take(QUOTED_CHARS) {
        push_escaped(&mut out, c, true);
    }
    out.push('"');
    let rest = chars.count();
    if rest > 0 {
        out.push_str(&format!("… ({} characters in all)", QUOTED_CHARS + rest));
    }
    out
}

/// An article an extractor failed on, and why: what the runner records and every report
/// renders.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// The article.
    pub article_id: String,
    /// Why: the extractor's error, a timeout, a crash, an invalid span.
    pub error: String,
}

/// Something an extractor's answer for one article held that mizan ignored (an unknown field,
/// a misspelt `attrs`): the spans were kept, the warning is recorded beside the failures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleWarning {
    pub article_id: String,
    pub warning: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_index_counts_characters_as_char_indices_does() {
        let reference = |text: &str| {
            let checkpoints: Vec<usize> = text.char_indices().step_by(TextIndex::STRIDE).map(|(b, _)| b).collect();
            (text.chars().count(), if text.is_ascii() { Vec::new() } else { checkpoints })
        };
        let pieces = ["a", "ب", "😀", "é", " ", "\u{200F}", "ـ", "ّ", "٣", "\n"];
        let mut state = 7u64;
        for length in 0..300 {
            let mut text = String::new();
            for _ in 0..length {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let index = TextIndex::new(&text);
            assert_eq!((index.char_len, index.checkpoints.clone()), reference(&text), "{text:?}");
            // (Past the end only for texts that are not ASCII: an ASCII text's index trusts the
            // caller, `byte_range`, to stay within it.)
            let within = |skip: &usize| !text.is_ascii() || *skip <= text.len();
            for skip in [0, 1, 3, 7, 8, 9, 31, 32, 33, length / 2, length, length + 5].into_iter().filter(within) {
                let expected = text.char_indices().nth(skip).map_or(text.len(), |(b, _)| b);
                assert_eq!(index.bytes_between(&text, skip), expected, "{skip} of {text:?}");
            }
        }
    }

    fn article(text: &str) -> Article {
        Article::new("a", text, BTreeMap::new())
    }

    #[test]
    fn slices_by_code_points_across_scripts() {
        let cases: &[(&str, usize, usize, Option<&str>)] = &[
            ("abc", 0, 3, Some("abc")),
            ("abc", 1, 1, Some("")),
            ("abc", 2, 4, None),
            ("abc", 2, 1, None),
            ("موسكو-سانا", 0, 5, Some("موسكو")),
            ("موسكو-سانا", 6, 10, Some("سانا")),
            // Diacritics are code points of their own.
            ("مُحَمَّد", 0, 2, Some("مُ")),
            // Tatweel is one code point.
            ("عـــرب", 1, 4, Some("ـــ")),
            // An emoji outside the BMP is one code point (two UTF-16 units, four bytes).
            ("a😀b", 1, 2, Some("😀")),
            ("a😀b", 2, 3, Some("b")),
            ("", 0, 0, Some("")),
        ];
        for &(text, start, end, expected) in cases {
            assert_eq!(article(text).slice(start, end), expected, "{text:?} [{start},{end})");
        }
    }

    #[test]
    fn converts_long_texts_past_many_checkpoints() {
        let text: String = "بريطانيا و روسيا 2018 😀 ".repeat(40);
        let art = article(&text);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(art.char_len(), chars.len());
        for start in (0..chars.len()).step_by(7) {
            let end = (start + 13).min(chars.len());
            let expected: String = chars[start..end].iter().collect();
            assert_eq!(art.slice(start, end), Some(expected.as_str()));
            let range = art.byte_range(start, end).unwrap();
            assert_eq!(art.char_offset(range.start), Some(start));
            assert_eq!(art.char_offset(range.end), Some(end));
        }
    }

    #[test]
    fn byte_offsets_inside_a_character_have_no_code_point() {
        let art = article("سانا");
        assert_eq!(art.char_offset(1), None);
        assert_eq!(art.char_offset(2), Some(1));
        assert_eq!(art.char_offset(9), None);
    }

    #[test]
    fn span_json_always_names_its_layer() {
        let span = Span {
            article_id: "a".into(),
            layer: "quote".into(),
            start: 1,
            end: 4,
            label: "QUOTE".into(),
            text: None,
            attrs: BTreeMap::from([("speaker".to_string(), "لافروف".to_string())]),
        };
        let json = span.to_json().to_string();
        assert_eq!(json, r#"{"article_id":"a","layer":"quote","start":1,"end":4,"label":"QUOTE","attrs":{"speaker":"لافروف"}}"#);
    }

    #[test]
    fn span_jsonl_lines_are_the_json_trees() {
        let spans = [
            Span::new("a", 0, 5, "PER"),
            Span::new("a\"b\\c\u{1}", 3, 90, "LOC").with_text("لافروف\n😀\u{200F}\u{2028}</script>").with_layer("quote"),
            Span::new("x", 1, 2, "QUOTE").with_attr("speaker", "لافروف").with_attr("role", "\t"),
            Span::new("d\u{7f}\u{1f}", 1_234_567_890, usize::MAX, "ORG \u{0}").with_attr("k\"", "v\\"),
            Span::new("", 0, 10, ""),
        ];
        let expected: String = spans.iter().map(|s| s.to_json().to_string() + "\n").collect();
        assert_eq!(String::from_utf8(spans_jsonl(&spans)).unwrap(), expected);
    }

    #[test]
    fn terminal_escapes_cover_controls_and_bidi_overrides() {
        assert_eq!(for_terminal("PER"), "PER");
        assert!(matches!(for_terminal("قال لافروف\u{200F}"), std::borrow::Cow::Borrowed(_)), "marks and Arabic stay");
        assert_eq!(for_terminal("a\u{1b}[31mb\u{7}c\rd\u{202E}e\nf\u{9b}"), "a\\u{1b}[31mb\\u{7}c\\rd\\u{202e}e\\nf\\u{9b}");
        assert_eq!(lines_for_terminal("one\u{1b}\ntwo\n"), "one\\u{1b}\ntwo\n");
    }

    #[test]
    fn quotes_are_escaped_and_cut_with_their_length() {
        assert_eq!(quote("لندن"), "\"لندن\"");
        assert_eq!(quote("a\"b\\c\u{1b}"), "\"a\\\"b\\\\c\\u{1b}\"");
        let long = "ب".repeat(50_000);
        let quoted = quote(&long);
        assert!(quoted.ends_with("… (50000 characters in all)"), "{quoted}");
        assert_eq!(quoted.chars().count(), QUOTED_CHARS + 2 + "… (50000 characters in all)".chars().count());
        assert_eq!(shown("a1"), "a1");
        assert_eq!(shown(&long), format!("{}… (50000 characters in all)", "ب".repeat(QUOTED_CHARS)));
    }
}
