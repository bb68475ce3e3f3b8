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
    let json = serde_json::to_vec(value)?;
    let mut out = Vec::with_capacity(json.len() + json.len() / 16);
    push_script_json(&mut out, &json);
    // Only ASCII replaced ASCII or whole characters in valid UTF-8.
    Ok(String::from_utf8(out).expect("escaped JSON stays UTF-8"))
}

/// Appends `json` (complete JSON text, as serde_json writes it) to `out` escaped as
/// [`script_json`] escapes it. Works on bytes: the five characters are `<`, `>`, `&` and the
/// three-byte sequences `E2 80 A8` and `E2 80 A9`, and every other byte is copied as it is.
pub(crate) fn push_script_json(out: &mut Vec<u8>, json: &[u8]) {
    let mut rest = json;
    while let Some(k) = rest.iter().position(|&b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        out.extend_from_slice(&rest[..k]);
        let (escape, taken): (&[u8], usize) = match &rest[k..] {
            [b'<', ..] => (b"\\u003c", 1),
            [b'>', ..] => (b"\\u003e", 1),
            [b'&', ..] => (b"\\u0026", 1),
            [0xE2, 0x80, 0xA8, ..] => (b"\\u2028", 3),
            [0xE2, 0x80, 0xA9, ..] => (b"\\u2029", 3),
            _ => (&rest[k..k + 1], 1),
        };
        out.extend_from_slice(escape);
        rest = &rest[k + taken..];
    }
    out.extend_from_slice(rest);
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
