//! Escaping for report.html. Everything that reaches the page from a dataset, an extractor or
//! a report — article text, ids, labels, attribute values, error messages — passes through one
//! of these functions, so that markup inside the data is shown as text and never parsed.
//!
//! Two contexts exist: HTML text and attribute values ([`html`]), and the JSON data block that
//! the browser script reads ([`script_json`]). Inside `<script type="application/json">` the
//! HTML parser only looks for `</script`, but the JSON is escaped more widely than that, as
//! the usual guidance for embedding JSON in HTML asks: `<`, `>` and `&` become `\u003c` etc.,
//! and U+2028/U+2029 become escapes so that no line terminator hides inside a string.

use serde::Serialize;

/// Text escaped for HTML element content and for quoted attribute values.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Data text in a table cell or heading: escaped and isolated with `<bdi>`, so that Arabic
/// next to Latin keeps its order and a stray bidi control character in the data cannot
/// reorder the text around it.
pub(crate) fn bdi(text: &str) -> String {
    format!("<bdi>{}</bdi>", html(text))
}

/// A value as JSON that is safe to place between `<script type="application/json">` and
/// `</script>`: no `<`, `>`, `&`, U+2028 or U+2029 remains in it. The replacements are JSON
/// escapes, so `JSON.parse` gives back the original strings. Those characters can only occur
/// inside JSON strings, where a `\uXXXX` escape means the same character.
pub(crate) fn script_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    write_script_json(&mut out, value)?;
    // Only ASCII replaced ASCII or whole characters of valid UTF-8.
    Ok(String::from_utf8(out).expect("escaped JSON stays UTF-8"))
}

/// [`script_json`] appended to `out`.
pub(crate) fn write_script_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::with_formatter(out, ScriptJson))
}

/// serde_json's compact layout, with the five characters escaped in the string contents it
/// writes (keys and values), the only place they can be.
struct ScriptJson;

impl serde_json::ser::Formatter for ScriptJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut rest = fragment.as_bytes();
        while let Some(k) = first_special(rest) {
            writer.write_all(&rest[..k])?;
            let (escape, taken): (&[u8], usize) = match &rest[k..] {
                [b'<', ..] => (b"\\u003c", 1),
                [b'>', ..] => (b"\\u003e", 1),
                [b'&', ..] => (b"\\u0026", 1),
                [0xE2, 0x80, 0xA8, ..] => (b"\\u2028", 3),
                [0xE2, 0x80, 0xA9, ..] => (b"\\u2029", 3),
                _ => (&rest[k..k + 1], 1),
            };
            writer.write_all(escape)?;
            rest = &rest[k + taken..];
        }
        writer.write_all(rest)
    }
}

/// The first `<`, `>`, `&` or `E2` byte (the lead byte of U+2028 and U+2029, and of other
/// punctuation such as “ ” …), eight bytes at a time: most of the data is Arabic text, whose
/// bytes are D8–DB and 80–BF.
fn first_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `word` equal to `b`; exact for the lowest such byte, which
    // is the only one read.
    let equal = |word: u64, b: u8| {
        let x = word ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut words {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = equal(word, b'<') | equal(word, b'>') | equal(word, b'&') | equal(word, 0xE2);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words.remainder().iter().position(|&b| matches!(b, b'<' | b'>' | b'&' | 0xE2)).map(|k| at + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_both_quotes() {
        let cases = [
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
            ("say \"hi\" & 'bye'", "say &quot;hi&quot; &amp; &#39;bye&#39;"),
            ("&amp;", "&amp;amp;"),
            ("قال لافروف", "قال لافروف"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(html(input), expected, "{input}");
        }
    }

    #[test]
    fn bdi_isolates_bidi_controls() {
        assert_eq!(bdi("\u{202E}abc<"), "<bdi>\u{202E}abc&lt;</bdi>");
    }

    #[test]
    fn byte_escaping_matches_escaping_by_characters() {
        // Every three-byte character starting with E2 that is not U+2028/U+2029 stays as it is.
        let text = "“قال” ‘x’ … € \u{2066}ع\u{2069} \u{2028}a\u{2029} <&> \u{2027}\u{202A} 😀 \u{E2}";
        let by_chars: String = serde_json::to_string(text)
            .unwrap()
            .chars()
            .map(|c| match c {
                '<' => "\\u003c".to_string(),
                '>' => "\\u003e".to_string(),
                '&' => "\\u0026".to_string(),
                '\u{2028}' => "\\u2028".to_string(),
                '\u{2029}' => "\\u2029".to_string(),
                c => c.to_string(),
            })
            .collect();
        assert_eq!(script_json(&text).unwrap(), by_chars);
    }

    #[test]
    fn special_bytes_are_found_where_they_are() {
        let special = |b: u8| matches!(b, b'<' | b'>' | b'&' | 0xE2);
        let text = "ab<cdefghij&klmnopqrstu>vwxyz “قال لافروف” \u{2028} abcdefgh".as_bytes();
        // Every start and length, so that the match falls in every lane of a word and in the
        // remainder.
        for start in 0..text.len() {
            for end in start..text.len().min(start + 40) {
                let slice = &text[start..end];
                assert_eq!(first_special(slice), slice.iter().position(|&b| special(b)), "{start}..{end}");
            }
        }
        // A byte just above a match (a borrow in the word trick) is not taken for one.
        assert_eq!(first_special(b"abc<=defgh"), Some(3));
        assert_eq!(first_special(&[0xE2, 0xE3, 0, 0, 0, 0, 0, 0, 0]), Some(0));
        assert_eq!(first_special(&[1, 0xE1, 0xE3, 0x3B, 0x3D, 0x25, 0x27, 0x3F, 0x3C]), Some(8));
    }

    #[test]
    fn script_json_cannot_close_the_script_or_break_a_line() {
        let text = "</script><script>alert(1)</script> & <!-- \u{2028}\u{2029} \"q\" ٌ";
        let json = script_json(&serde_json::json!({"text": text, "<key>": 1})).unwrap();
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!json.contains(forbidden), "{forbidden:?} in {json}");
        }
        assert!(json.contains("\\u003c/script\\u003e"), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["text"], text);
        assert_eq!(back["<key>"], 1);
    }
}
