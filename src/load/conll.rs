//! CoNLL token files (one token a line, tag in a column, blank line between sentences) turned
//! into articles and spans. Text is rebuilt by joining a sentence's tokens with one space and an
//! article's sentences with a newline; offsets are computed while it is built.
//!
//! Chunks are decoded leniently, as conlleval does: in IOB1/IOB2 an `I-` that follows `O` or
//! another type starts a chunk; in IOBES/BILOU an `I-`/`E-` without its `B-` does the same. The
//! number of such repairs is reported, never hidden.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use crate::load::lines::Lines;
use crate::load::{make_article, Diagnostics, LoadError};
use crate::model::{is_bidi_mark, Article, Span};
use crate::progress::Progress;

/// Tagging schemes mizan decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagScheme {
    Iob1,
    Iob2,
    Iobes,
    Bilou,
}

impl TagScheme {
    fn prefixes(self) -> &'static [char] {
        match self {
            TagScheme::Iob1 | TagScheme::Iob2 => &['B', 'I'],
            TagScheme::Iobes => &['B', 'I', 'E', 'S'],
            TagScheme::Bilou => &['B', 'I', 'L', 'U'],
        }
    }

    fn name(self) -> &'static str {
        match self {
            TagScheme::Iob1 => "IOB1",
            TagScheme::Iob2 => "IOB2",
            TagScheme::Iobes => "IOBES",
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
            "iobes" | "bioes" => Ok(TagScheme::Iobes),
            "bilou" => Ok(TagScheme::Bilou),
            other => Err(format!("unknown tag scheme `{other}` (iob1, iob2, iobes, bilou)")),
        }
    }
}

/// How to read a CoNLL file.
#[derive(Debug, Clone)]
pub struct ConllOptions {
    pub scheme: TagScheme,
    /// 1-based column of the token.
    pub token_column: usize,
    /// 1-based column of the tag; `None` for the last column.
    pub tag_column: Option<usize>,
    /// Split columns on tabs only (tokens may then contain spaces); otherwise on any whitespace.
    pub tab_separated: bool,
    /// Sentences grouped into one article; 0 groups by `-DOCSTART-` documents.
    pub sentences_per_article: usize,
    /// Entity types renamed on the way in (`PERS` → `PER`).
    pub label_map: BTreeMap<String, String>,
    /// Article ids are `<prefix>-<number>`.
    pub id_prefix: String,
    pub layer: String,
    /// Remove bidi control marks from tokens.
    pub strip_bidi: bool,
}

impl Default for ConllOptions {
    fn default() -> Self {
        ConllOptions {
            scheme: TagScheme::Iob2,
            token_column: 1,
            tag_column: None,
            tab_separated: false,
            sentences_per_article: 1,
            label_map: BTreeMap::new(),
            id_prefix: "doc".into(),
            layer: "ner".into(),
            strip_bidi: false,
        }
    }
}

/// What a CoNLL file became.
#[derive(Debug, Default)]
pub struct ConllImport {
    pub articles: Vec<Article>,
    pub spans: Vec<Span>,
    pub sentences: usize,
    pub tokens: usize,
    /// Chunks that began without their `B-` (counted as chunk starts).
    pub repaired_starts: usize,
}

/// A tag split into its prefix and entity type; `O` has neither.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tag {
    prefix: char,
    kind: String,
}

/// A decoded chunk over token indices `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

fn parse_tag(tag: &str, scheme: TagScheme) -> Result<Tag, String> {
    if tag == "O" {
        return Ok(Tag { prefix: 'O', kind: String::new() });
    }
    let expected = || {
        let shapes: Vec<String> = scheme.prefixes().iter().map(|p| format!("{p}-TYPE")).collect();
        format!("O, {}", shapes.join(", "))
    };
    let (prefix, kind) =
        tag.split_once('-').ok_or_else(|| format!("tag `{tag}` is not a {} tag (expected {}); choose the scheme with --scheme", scheme.name(), expected()))?;
    let mut chars = prefix.chars();
    match (chars.next(), chars.next()) {
        (Some(p), None) if scheme.prefixes().contains(&p) && !kind.is_empty() => Ok(Tag { prefix: p, kind: kind.to_string() }),
        _ => Err(format!("tag `{tag}` is not a {} tag (expected {}); choose the scheme with --scheme", scheme.name(), expected())),
    }
}

/// Decodes chunks from one sentence's tags. Returns the chunks and how many began without a
/// proper start tag.
fn decode(tags: &[Tag], scheme: TagScheme) -> (Vec<Chunk>, usize) {
    let mut chunks = Vec::new();
    let mut repaired = 0;
    let mut open: Option<Chunk> = None;
    let mut prev_prefix = 'O';
    for (i, tag) in tags.iter().enumerate() {
        let same_kind = open.as_ref().is_some_and(|c| c.label == tag.kind);
        let continues = match (scheme, tag.prefix) {
            (_, 'O') => false,
            (TagScheme::Iob1 | TagScheme::Iob2, 'I') => same_kind,
            (TagScheme::Iob1 | TagScheme::Iob2, _) => false,
            (_, 'I' | 'E' | 'L') => same_kind && matches!(prev_prefix, 'B' | 'I'),
            _ => false,
        };
        if !continues {
            chunks.extend(open.take());
            if tag.prefix != 'O' {
                let proper = match scheme {
                    TagScheme::Iob1 => true,
                    TagScheme::Iob2 => tag.prefix == 'B',
                    TagScheme::Iobes | TagScheme::Bilou => matches!(tag.prefix, 'B' | 'S' | 'U'),
                };
                repaired += usize::from(!proper);
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
    (chunks, repaired)
}

/// A sentence being collected: tokens, tags and the line it started on.
#[derive(Default)]
struct Sentence {
    tokens: Vec<String>,
    tags: Vec<Tag>,
    first_line: usize,
}

/// Builds articles from sentences as they complete.
struct ArticleBuilder<'a> {
    options: &'a ConllOptions,
    result: ConllImport,
    text: String,
    chars: usize,
    sentences_in_article: usize,
    first_line: usize,
    pending: Vec<Span>,
}

impl<'a> ArticleBuilder<'a> {
    fn add_sentence(&mut self, sentence: Sentence) {
        if sentence.tokens.is_empty() {
            return;
        }
        let per_article = self.options.sentences_per_article;
        if per_article > 0 && self.sentences_in_article == per_article {
            self.finish_article();
        }
        if self.sentences_in_article == 0 {
            self.first_line = sentence.first_line;
        } else {
            self.text.push('\n');
            self.chars += 1;
        }
        let mut token_starts = Vec::with_capacity(sentence.tokens.len() + 1);
        for (i, token) in sentence.tokens.iter().enumerate() {
            if i > 0 {
                self.text.push(' ');
                self.chars += 1;
            }
            token_starts.push(self.chars);
            self.text.push_str(token);
            self.chars += token.chars().count();
        }
        token_starts.push(self.chars + 1);
        let (chunks, repaired) = decode(&sentence.tags, self.options.scheme);
        self.result.repaired_starts += repaired;
        for chunk in chunks {
            let label = self.options.label_map.get(&chunk.label).cloned().unwrap_or(chunk.label);
            let surface = sentence.tokens[chunk.start..chunk.end].join(" ");
            self.pending.push(Span {
                article_id: String::new(),
                layer: self.options.layer.clone(),
                start: token_starts[chunk.start],
                end: token_starts[chunk.end] - 1,
                label,
                text: Some(surface),
                attrs: BTreeMap::new(),
            });
        }
        self.result.sentences += 1;
        self.result.tokens += sentence.tokens.len();
        self.sentences_in_article += 1;
    }

    fn finish_article(&mut self) {
        if self.sentences_in_article == 0 {
            return;
        }
        let id = format!("{}-{:05}", self.options.id_prefix, self.result.articles.len() + 1);
        for mut span in self.pending.drain(..) {
            span.article_id = id.clone();
            self.result.spans.push(span);
        }
        let metadata = BTreeMap::from([("source_line".to_string(), self.first_line.to_string())]);
        self.result.articles.push(make_article(id, std::mem::take(&mut self.text), metadata));
        self.chars = 0;
        self.sentences_in_article = 0;
    }
}

/// Reads a CoNLL file. Lines with a bad tag or too few columns are reported and skipped (their
/// sentence is kept without them only if nothing else is wrong — see `validate`).
pub fn read_conll(path: &Path, options: &ConllOptions, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<ConllImport, LoadError> {
    if options.token_column == 0 || options.tag_column == Some(0) {
        return Err(LoadError::Unusable { path: path.to_path_buf(), message: "column numbers start at 1".into() });
    }
    let mut lines = Lines::open(path)?;
    let mut builder =
        ArticleBuilder { options, result: ConllImport::default(), text: String::new(), chars: 0, sentences_in_article: 0, first_line: 0, pending: Vec::new() };
    let mut sentence = Sentence::default();
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    while let Some(line) = lines.next_line().map_err(io)? {
        progress.position(line.bytes_read);
        let number = line.number;
        let Some(text) = line.text else {
            diagnostics.error(path, Some(number), "invalid UTF-8 on this line; re-encode the file as UTF-8");
            continue;
        };
        let columns: Vec<&str> = if options.tab_separated { text.split('\t').collect() } else { text.split_whitespace().collect() };
        if text.trim().is_empty() {
            builder.add_sentence(std::mem::take(&mut sentence));
            continue;
        }
        if columns[0] == "-DOCSTART-" {
            builder.add_sentence(std::mem::take(&mut sentence));
            if options.sentences_per_article == 0 {
                builder.finish_article();
            }
            continue;
        }
        let tag_column = options.tag_column.unwrap_or(columns.len());
        if columns.len() < 2 || tag_column > columns.len() || options.token_column > columns.len() {
            diagnostics.error(
                path,
                Some(number),
                format!(
                    "expected a token and a tag (token in column {}, tag in column {}), found {} column(s); \
                     separate columns with whitespace (or tabs with --tab-separated) and sentences with a blank line",
                    options.token_column,
                    options.tag_column.map_or("last".to_string(), |c| c.to_string()),
                    columns.len()
                ),
            );
            continue;
        }
        let mut token = columns[options.token_column - 1].to_string();
        if options.strip_bidi {
            token.retain(|c| !is_bidi_mark(c));
        }
        if token.trim().is_empty() {
            diagnostics.error(path, Some(number), "empty token");
            continue;
        }
        match parse_tag(columns[tag_column - 1].trim(), options.scheme) {
            Ok(tag) => {
                if sentence.tokens.is_empty() {
                    sentence.first_line = number;
                }
                sentence.tokens.push(token.trim().to_string());
                sentence.tags.push(tag);
            }
            Err(message) => diagnostics.error(path, Some(number), message),
        }
    }
    builder.add_sentence(sentence);
    builder.finish_article();
    Ok(builder.result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(tags: &str, scheme: TagScheme) -> (Vec<(usize, usize, String)>, usize) {
        let tags: Vec<Tag> = tags.split_whitespace().map(|t| parse_tag(t, scheme).unwrap()).collect();
        let (chunks, repaired) = decode(&tags, scheme);
        (chunks.into_iter().map(|c| (c.start, c.end, c.label)).collect(), repaired)
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
    }

    #[test]
    fn iob1_uses_b_only_between_same_type_chunks() {
        assert_eq!(chunks("I-PER I-PER B-PER O I-LOC", TagScheme::Iob1).0, vec![c(0, 2, "PER"), c(2, 3, "PER"), c(4, 5, "LOC")]);
        assert_eq!(chunks("I-PER I-PER", TagScheme::Iob1).1, 0);
    }

    #[test]
    fn iobes_and_bilou_close_on_end_and_single_tags() {
        assert_eq!(chunks("B-PER E-PER S-LOC S-LOC", TagScheme::Iobes).0, vec![c(0, 2, "PER"), c(2, 3, "LOC"), c(3, 4, "LOC")]);
        assert_eq!(chunks("B-PER I-PER L-PER U-ORG", TagScheme::Bilou).0, vec![c(0, 3, "PER"), c(3, 4, "ORG")]);
        // E- after E- starts a new (repaired) chunk.
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
    fn builds_text_offsets_and_articles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.conll");
        std::fs::write(&path, "\u{FEFF}ذهب O\r\nلافروف B-PERS\r\nإلى O\r\nلندن B-LOC\r\n\r\nقال O\r\nجونسون I-PERS\r\n").unwrap();
        let mut options = ConllOptions { sentences_per_article: 2, ..Default::default() };
        options.label_map.insert("PERS".into(), "PER".into());
        let mut diagnostics = Diagnostics::default();
        let result = read_conll(&path, &options, &mut diagnostics, &crate::progress::NoProgress).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!((result.articles.len(), result.sentences, result.tokens), (1, 2, 6));
        let article = &result.articles[0];
        assert_eq!(article.text, "ذهب لافروف إلى لندن\nقال جونسون");
        let found: Vec<(&str, &str)> = result.spans.iter().map(|s| (s.label.as_str(), article.slice(s.start, s.end).unwrap())).collect();
        assert_eq!(found, vec![("PER", "لافروف"), ("LOC", "لندن"), ("PER", "جونسون")]);
        assert!(result.spans.iter().all(|s| s.text.as_deref() == article.slice(s.start, s.end)));
        assert_eq!(result.repaired_starts, 1);
    }

    #[test]
    fn bad_lines_are_reported_with_their_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.conll");
        std::fs::write(&path, "a O\nlonely\nb X-PER\n").unwrap();
        let mut diagnostics = Diagnostics::default();
        read_conll(&path, &ConllOptions::default(), &mut diagnostics, &crate::progress::NoProgress).unwrap();
        let lines: Vec<Option<usize>> = diagnostics.problems().iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(2), Some(3)]);
    }
}
