//! Chunk tags: the schemes (IOB1, IOB2, IOE, IOBES, BMES, BILOU), telling them apart from the
//! tags themselves, and decoding a sentence's tags into chunks — one tag column by conlleval's
//! rules, or several (nested NER) by the rule documented at [`decode_nested`].
//!
//! Decoding is lenient, as conlleval is: in IOB1/IOB2 an `I-` that follows `O` or another type
//! starts a chunk; in IOBES/BMES/BILOU an `I-`/`E-` without its `B-` does the same. Such
//! repairs are counted, those where the type changed inside a chunk separately.

use std::str::FromStr;

/// Tagging schemes mizan decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagScheme {
    Iob1,
    Iob2,
    /// `I-` inside, `E-` on a chunk's last token (IOE1 and IOE2 decode alike).
    Ioe,
    Iobes,
    /// IOBES with `M-` for the middle: Chinese-style BMES.
    Bmes,
    Bilou,
}

impl TagScheme {
    fn prefixes(self) -> &'static [char] {
        match self {
            TagScheme::Iob1 | TagScheme::Iob2 => &['B', 'I'],
            TagScheme::Ioe => &['I', 'E'],
            TagScheme::Iobes => &['B', 'I', 'E', 'S'],
            TagScheme::Bmes => &['B', 'M', 'E', 'S'],
            TagScheme::Bilou => &['B', 'I', 'L', 'U'],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TagScheme::Iob1 => "IOB1",
            TagScheme::Iob2 => "IOB2",
            TagScheme::Ioe => "IOE",
            TagScheme::Iobes => "IOBES",
            TagScheme::Bmes => "BMES",
            TagScheme::Bilou => "BILOU",
        }
    }
}

impl FromStr for TagScheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "iob1" => Ok(TagScheme::Iob1),
            "iob2" | "bio" | "iob" => Ok(TagScheme::Iob2),
            "ioe" | "ioe1" | "ioe2" => Ok(TagScheme::Ioe),
            "iobes" | "bioes" => Ok(TagScheme::Iobes),
            "bmes" | "bmeso" => Ok(TagScheme::Bmes),
            "bilou" => Ok(TagScheme::Bilou),
            other => Err(format!("unknown tag scheme `{other}` (iob1, iob2, ioe, iobes, bmes, bilou)")),
        }
    }
}

/// A tag split into its prefix and entity type; `O` has neither. `M` is stored as `I`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub prefix: char,
    pub kind: String,
}

impl Tag {
    pub fn outside() -> Tag {
        Tag { prefix: 'O', kind: String::new() }
    }
}

/// A decoded chunk over token indices `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// Repairs made while decoding.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Repairs {
    /// Chunks begun without a proper start tag (counted as chunk starts).
    pub starts: usize,
    /// Of those, the ones where the type changed inside a chunk (`B-PER I-LOC`).
    pub type_changes: usize,
}

/// Splits `PREFIX-TYPE` (or `O`) without checking the prefix against a scheme.
fn split_tag(tag: &str) -> Option<(char, &str)> {
    if tag == "O" {
        return Some(('O', ""));
    }
    let (prefix, kind) = tag.split_once('-')?;
    let mut chars = prefix.chars();
    match (chars.next(), chars.next()) {
        (Some(p), None) if !kind.is_empty() => Some((p.to_ascii_uppercase(), kind)),
        _ => None,
    }
}

pub fn parse_tag(tag: &str, scheme: TagScheme) -> Result<Tag, String> {
    let refuse = || {
        let shapes: Vec<String> = scheme.prefixes().iter().map(|p| format!("{p}-TYPE")).collect();
        format!("tag `{tag}` is not a {} tag (expected O, {}); choose the scheme with --scheme", scheme.name(), shapes.join(", "))
    };
    match split_tag(tag) {
        Some(('O', _)) => Ok(Tag::outside()),
        Some((p, kind)) if scheme.prefixes().contains(&p) => Ok(Tag { prefix: if p == 'M' { 'I' } else { p }, kind: kind.to_string() }),
        _ => Err(refuse()),
    }
}

/// Tells the scheme from the prefixes a file uses, or `None` when it has no chunk tags at
/// all. `sentences` yields each sentence's raw tags.
pub fn detect_scheme<'a>(sentences: impl IntoIterator<Item = Vec<&'a str>>) -> Option<TagScheme> {
    let (mut seen, mut b_starts_chunk, mut any) = (std::collections::BTreeSet::new(), false, false);
    for tags in sentences {
        let mut previous: Option<(char, &str)> = None;
        for tag in tags {
            let Some((prefix, kind)) = split_tag(tag) else {
                previous = None;
                continue;
            };
            if prefix != 'O' {
                any = true;
                seen.insert(prefix);
                let after_same = previous.is_some_and(|(p, k)| p != 'O' && k == kind);
                b_starts_chunk |= prefix == 'B' && !after_same;
            }
            previous = Some((prefix, kind));
        }
    }
    if !any {
        return None;
    }
    let has = |p: char| seen.contains(&p);
    Some(if has('M') {
        TagScheme::Bmes
    } else if has('L') || has('U') {
        TagScheme::Bilou
    } else if has('S') || (has('E') && has('B')) {
        TagScheme::Iobes
    } else if has('E') {
        TagScheme::Ioe
    } else if b_starts_chunk {
        TagScheme::Iob2
    } else {
        TagScheme::Iob1
    })
}

/// Decodes chunks from one sentence's tags.
pub fn decode(tags: &[Tag], scheme: TagScheme) -> (Vec<Chunk>, Repairs) {
    let mut chunks = Vec::new();
    let mut repairs = Repairs::default();
    let mut open: Option<Chunk> = None;
    let mut prev_prefix = 'O';
    for (i, tag) in tags.iter().enumerate() {
        let same_kind = open.as_ref().is_some_and(|c| c.label == tag.kind);
        let continues = match (scheme, tag.prefix) {
            (_, 'O') => false,
            (TagScheme::Iob1 | TagScheme::Iob2, 'I') => same_kind,
            (TagScheme::Iob1 | TagScheme::Iob2, _) => false,
            (TagScheme::Ioe, _) => same_kind && prev_prefix == 'I',
            (_, 'I' | 'E' | 'L') => same_kind && matches!(prev_prefix, 'B' | 'I'),
            _ => false,
        };
        if !continues {
            let changed_type = open.as_ref().is_some_and(|c| c.label != tag.kind) && matches!(prev_prefix, 'B' | 'I');
            chunks.extend(open.take());
            if tag.prefix != 'O' {
                let proper = match scheme {
                    TagScheme::Iob1 | TagScheme::Ioe => true,
                    TagScheme::Iob2 => tag.prefix == 'B',
                    TagScheme::Iobes | TagScheme::Bmes | TagScheme::Bilou => matches!(tag.prefix, 'B' | 'S' | 'U'),
                };
                if !proper {
                    repairs.starts += 1;
                    repairs.type_changes += usize::from(changed_type);
                }
                open = Some(Chunk { start: i, end: i + 1, label: tag.kind.clone() });
            }
        } else if let Some(chunk) = open.as_mut() {
            chunk.end = i + 1;
        }
        if matches!(tag.prefix, 'E' | 'L' | 'S' | 'U') {
            chunks.extend(open.take());
        }
        prev_prefix = tag.prefix;
    }
    chunks.extend(open);
    (chunks, repairs)
}

/// Decodes nested chunks from several tags per token (IOB2 prefixes). The rule: a `B-X` always
/// opens a new chunk; an `I-X` continues the outermost (earliest-opened) chunk of type X that
/// was open on the previous token and has not been continued on this one — or, when there is
/// none, opens a chunk itself (a repaired start); every chunk that no tag of this token
/// continued closes. The order of a line's tag columns therefore does not matter.
pub fn decode_nested(tags: &[Vec<Tag>]) -> (Vec<Chunk>, Repairs) {
    let mut chunks = Vec::new();
    let mut repairs = Repairs::default();
    let mut open: Vec<Chunk> = Vec::new();
    for (i, token_tags) in tags.iter().enumerate() {
        let mut continued: Vec<Chunk> = Vec::new();
        let mut opened: Vec<Chunk> = Vec::new();
        for tag in token_tags.iter().filter(|t| t.prefix == 'I') {
            match open.iter().position(|c| c.label == tag.kind) {
                Some(k) => {
                    let mut chunk = open.remove(k);
                    chunk.end = i + 1;
                    continued.push(chunk);
                }
                None => {
                    repairs.starts += 1;
                    opened.push(Chunk { start: i, end: i + 1, label: tag.kind.clone() });
                }
            }
        }
        for tag in token_tags.iter().filter(|t| t.prefix == 'B') {
            opened.push(Chunk { start: i, end: i + 1, label: tag.kind.clone() });
        }
        chunks.append(&mut open);
        open = continued;
        open.append(&mut opened);
        open.sort_by_key(|c| c.start);
    }
    chunks.append(&mut open);
    chunks.sort_by(|a, b| (a.start, std::cmp::Reverse(a.end), &a.label).cmp(&(b.start, std::cmp::Reverse(b.end), &b.label)));
    (chunks, repairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(tags: &str, scheme: TagScheme) -> (Vec<(usize, usize, String)>, usize) {
        let tags: Vec<Tag> = tags.split_whitespace().map(|t| parse_tag(t, scheme).unwrap()).collect();
        let (chunks, repairs) = decode(&tags, scheme);
        (chunks.into_iter().map(|c| (c.start, c.end, c.label)).collect(), repairs.starts)
    }

    fn c(start: usize, end: usize, label: &str) -> (usize, usize, String) {
        (start, end, label.to_string())
    }

    #[test]
    fn iob2_chunks_follow_conlleval() {
        type Case = (&'static str, Vec<(usize, usize, String)>, usize);
        let cases: &[Case] = &[
            ("B-PER I-PER O", vec![c(0, 2, "PER")], 0),
            ("B-PER B-PER", vec![c(0, 1, "PER"), c(1, 2, "PER")], 0),
            // An I- after O starts a chunk, as conlleval counts it.
            ("O I-LOC I-LOC", vec![c(1, 3, "LOC")], 1),
            // A type change inside I- starts a new chunk.
            ("B-PER I-LOC", vec![c(0, 1, "PER"), c(1, 2, "LOC")], 1),
            ("I-ORG", vec![c(0, 1, "ORG")], 1),
            ("O O", vec![], 0),
            ("", vec![], 0),
        ];
        for (tags, expected, repaired) in cases {
            assert_eq!(chunks(tags, TagScheme::Iob2), (expected.clone(), *repaired), "{tags}");
        }
        let tags: Vec<Tag> = "B-PER I-LOC O I-ORG".split_whitespace().map(|t| parse_tag(t, TagScheme::Iob2).unwrap()).collect();
        assert_eq!(decode(&tags, TagScheme::Iob2).1, Repairs { starts: 2, type_changes: 1 });
    }

    #[test]
    fn iob1_uses_b_only_between_same_type_chunks() {
        assert_eq!(chunks("I-PER I-PER B-PER O I-LOC", TagScheme::Iob1).0, vec![c(0, 2, "PER"), c(2, 3, "PER"), c(4, 5, "LOC")]);
        assert_eq!(chunks("I-PER I-PER", TagScheme::Iob1).1, 0);
    }

    #[test]
    fn ioe_iobes_bmes_and_bilou_close_on_their_end_tags() {
        assert_eq!(chunks("I-PER E-PER E-PER I-LOC O", TagScheme::Ioe).0, vec![c(0, 2, "PER"), c(2, 3, "PER"), c(3, 4, "LOC")]);
        assert_eq!(chunks("B-PER E-PER S-LOC S-LOC", TagScheme::Iobes).0, vec![c(0, 2, "PER"), c(2, 3, "LOC"), c(3, 4, "LOC")]);
        assert_eq!(chunks("B-PER M-PER E-PER S-LOC", TagScheme::Bmes).0, vec![c(0, 3, "PER"), c(3, 4, "LOC")]);
        assert_eq!(chunks("B-PER I-PER L-PER U-ORG", TagScheme::Bilou).0, vec![c(0, 3, "PER"), c(3, 4, "ORG")]);
        assert_eq!(chunks("B-PER E-PER E-PER", TagScheme::Iobes), (vec![c(0, 2, "PER"), c(2, 3, "PER")], 1));
        assert_eq!(chunks("O I-PER E-PER", TagScheme::Iobes), (vec![c(1, 3, "PER")], 1));
    }

    #[test]
    fn tags_outside_the_scheme_are_refused() {
        assert!(parse_tag("S-PER", TagScheme::Iob2).unwrap_err().contains("not a IOB2 tag"));
        assert!(parse_tag("PER", TagScheme::Iob2).is_err());
        assert!(parse_tag("B-", TagScheme::Iob2).is_err());
        assert_eq!(parse_tag("B-PER-X", TagScheme::Iob2).unwrap().kind, "PER-X");
    }

    #[test]
    fn schemes_are_told_apart_by_their_tags() {
        let detect = |text: &str| detect_scheme(text.split('|').map(|s| s.split_whitespace().collect::<Vec<_>>()));
        assert_eq!(detect("B-PER I-PER O B-LOC"), Some(TagScheme::Iob2));
        assert_eq!(detect("I-PER I-PER B-PER O I-LOC|I-ORG"), Some(TagScheme::Iob1));
        assert_eq!(detect("I-PER E-PER O E-LOC"), Some(TagScheme::Ioe));
        assert_eq!(detect("B-PER E-PER O|S-LOC"), Some(TagScheme::Iobes));
        assert_eq!(detect("B-PER M-PER E-PER"), Some(TagScheme::Bmes));
        assert_eq!(detect("U-PER O B-LOC L-LOC"), Some(TagScheme::Bilou));
        assert_eq!(detect("O O|O"), None);
        // A B- right after an I- of another type starts a chunk: IOB2.
        assert_eq!(detect("I-PER B-LOC"), Some(TagScheme::Iob2));
    }

    #[test]
    fn nested_tags_continue_the_outermost_open_chunk_of_their_type() {
        let token = |tags: &str| tags.split_whitespace().map(|t| parse_tag(t, TagScheme::Iob2).unwrap()).collect::<Vec<_>>();
        // وزارة الصحة المصرية: ORG over all three, GPE on the last; then a nested ORG in ORG.
        let tags =
            vec![token("B-ORG"), token("I-ORG"), token("I-ORG B-GPE"), token("O"), token("B-ORG B-ORG"), token("I-ORG"), token("I-ORG I-ORG"), token("I-LOC")];
        let (chunks, repairs) = decode_nested(&tags);
        let got: Vec<(usize, usize, &str)> = chunks.iter().map(|c| (c.start, c.end, c.label.as_str())).collect();
        assert_eq!(got, vec![(0, 3, "ORG"), (2, 3, "GPE"), (4, 7, "ORG"), (4, 5, "ORG"), (6, 7, "ORG"), (7, 8, "LOC")]);
        assert_eq!(repairs.starts, 2);
    }
}
