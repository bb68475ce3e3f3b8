//! Pairing quotation marks: which opening mark each closing mark ends.
//!
//! News copy mixes its marks: `“…”`, `«…»`, straight `"…"`, and a `”` typed where `“` was
//! meant (docs/annotation-guidelines.md D10). Pairs are found paragraph by paragraph, since a
//! span never holds a line break; a closing mark with nothing open is left unpaired (D11), as
//! is an opening mark still open at the end of its paragraph. Nested pairs (`«… “…” …»`) give
//! only the outer pair.

use crate::model::is_bidi_mark;

/// The marks of one quotation, as code-point offsets of the opening and closing mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pair {
    pub open: usize,
    pub close: usize,
}

/// Whether a `”` at `i` opens a quotation: nothing attached on its left, a word after it.
fn opens_like(chars: &[char], i: usize) -> bool {
    let detached = i == 0 || !(chars[i - 1].is_alphanumeric() || super::words::is_diacritic(chars[i - 1]));
    let next = chars[i + 1..].iter().find(|c| !(c.is_whitespace() || is_bidi_mark(**c)) || **c == '\n');
    detached && next.is_some_and(|c| c.is_alphanumeric())
}

/// Pairs the quotation marks of a text, paragraph by paragraph; outermost pairs only, in order.
pub(crate) fn pair_marks(chars: &[char]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    // Open marks, each with the mark that closes it.
    let mut open: Vec<(usize, char)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let closer = match c {
            '\n' => {
                open.clear();
                continue;
            }
            '“' => Some('”'),
            '«' => Some('»'),
            _ => None,
        };
        if let Some(closer) = closer {
            open.push((i, closer));
            continue;
        }
        if !matches!(c, '”' | '»' | '"') {
            continue;
        }
        if c == '"' {
            pair_straight(chars, i, &mut open, &mut pairs);
            continue;
        }
        if let Some(level) = open.iter().rposition(|&(_, closer)| closer == c) {
            if level == 0 {
                pairs.push(Pair { open: open[0].0, close: i });
            }
            open.truncate(level);
        } else if c == '”' && opens_like(chars, i) {
            open.push((i, c));
        }
    }
    pairs
}

/// A straight `"`, which both opens and closes. Where spacing tells (`"word` opens, `word"`
/// closes) it decides, so that one stray mark does not swap every later pair's inside and
/// outside; where it does not (spaces on both sides), marks alternate.
fn pair_straight(chars: &[char], i: usize, open: &mut Vec<(usize, char)>, pairs: &mut Vec<Pair>) {
    let blank = |c: Option<&char>| c.is_none_or(|c| c.is_whitespace() || is_bidi_mark(*c) || matches!(c, '(' | '['));
    let left_free = blank(i.checked_sub(1).and_then(|k| chars.get(k)));
    let right_free = blank(chars.get(i + 1));
    let opening = left_free && !right_free;
    let closing = !left_free && right_free;
    match open.iter().rposition(|&(_, closer)| closer == '"') {
        Some(level) if opening => {
            // The mark open before was a stray one.
            open.truncate(level);
            open.push((i, '"'));
        }
        Some(level) => {
            if level == 0 {
                pairs.push(Pair { open: open[0].0, close: i });
            }
            open.truncate(level);
        }
        None if closing => {}
        None => open.push((i, '"')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_marks_per_paragraph() {
        let pairs = |text: &str| -> Vec<(usize, usize)> { pair_marks(&text.chars().collect::<Vec<_>>()).into_iter().map(|p| (p.open, p.close)).collect() };
        assert_eq!(pairs("a “b” c"), [(2, 4)]);
        assert_eq!(pairs("«a “b” c»"), [(0, 8)]);
        assert_eq!(pairs("x ” b” c”."), [(2, 5)]);
        assert_eq!(pairs("“a\nb”"), []);
        assert_eq!(pairs("\"a\" \"b"), [(0, 2)]);
        // Spacing shows the first straight mark to be a stray one.
        assert_eq!(pairs("a \"b c \"d e\" f"), [(7, 11)]);
        // Spaced on both sides, straight marks alternate.
        assert_eq!(pairs("\" a \" b \" c \""), [(0, 4), (8, 12)]);
    }
}
