//! CoNLL token files (one token a line, tag in a column, blank line between sentences) turned
//! into articles and spans. Text is rebuilt by joining a sentence's tokens with one space and an
//! article's sentences with a newline; offsets are computed while it is built.
//!
//! Any number of columns (CoNLL-2003's four, `_` placeholders), `-DOCSTART-` documents, CRLF, a
//! BOM and a missing final newline are read as they come. The tag scheme is detected from the
//! tags when not given (a first pass over the file); `nested` reads every column after the
//! token as a tag (their number varying from line to line) into overlapping chunks. Chunks are
//! decoded leniently, as conlleval does (`conll_tags`); the repairs are counted, never hidden,
//! and so are bare tags such as `OO`, read as `O`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::load::conll_tags::{decode, decode_nested, parse_tag, Tag};
pub use crate::load::conll_tags::{detect_scheme, Chunk, Repairs, TagScheme};
use crate::load::lines::Lines;
use crate::load::{make_article, Diagnostics, LoadError};
use crate::model::{is_bidi_mark, Article, Span};
use crate::progress::Progress;

/// How to read a CoNLL file.
#[derive(Debug, Clone)]
pub struct ConllOptions {
    /// `None` detects the scheme from the tags.
    pub scheme: Option<TagScheme>,
    /// Every column after the token is a tag (nested NER, e.g. Wojood's `token TAG1 TAG2 …`).
    pub nested: bool,
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
            scheme: None,
            nested: false,
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
    /// Of those, chunks begun by a type change inside a chunk (`B-PER I-LOC`).
    pub type_changes: usize,
    /// Tags without a `PREFIX-` other than `O` (e.g. `OO`), read as `O`.
    pub bare_tags: usize,
    /// Comment lines (`# id …`, `# sent_id = …`), skipped.
    pub comments: usize,
    /// The scheme used, and whether it was detected.
    pub scheme: Option<TagScheme>,
    pub detected: bool,
}

/// A sentence being collected: tokens, tags and the line it started on.
#[derive(Default)]
struct Sentence {
    tokens: Vec<String>,
    /// One tag per token, or (nested) every tag of the token.
    tags: Vec<Vec<Tag>>,
    first_line: usize,
}

/// Builds articles from sentences as they complete.
struct ArticleBuilder<'a> {
    options: &'a ConllOptions,
    scheme: TagScheme,
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
        let (chunks, repairs) = if self.options.nested {
            decode_nested(&sentence.tags)
        } else {
            let tags: Vec<Tag> = sentence.tags.iter().map(|t| t.first().cloned().unwrap_or_else(Tag::outside)).collect();
            decode(&tags, self.scheme)
        };
        self.result.repaired_starts += repairs.starts;
        self.result.type_changes += repairs.type_changes;
        for chunk in chunks {
            let label = self.options.label_map.get(&chunk.label).cloned().unwrap_or(chunk.label);
            let surface = sentence.tokens[chunk.start..chunk.end].join(" ");
            self.pending
                .push(Span::new("", token_starts[chunk.start], token_starts[chunk.end] - 1, label).with_layer(self.options.layer.clone()).with_text(surface));
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
    let (scheme, detected) = match (options.scheme, options.nested) {
        (Some(scheme), _) => (scheme, false),
        (None, true) => (TagScheme::Iob2, false),
        (None, false) => match detect_in_file(path, options)? {
            Some(scheme) => (scheme, true),
            None => (TagScheme::Iob2, false),
        },
    };
    if options.nested && scheme != TagScheme::Iob2 {
        return Err(LoadError::Unusable { path: path.to_path_buf(), message: "--nested reads IOB2 tags (B-, I-, O); drop --scheme".into() });
    }
    let mut lines = Lines::open(path)?;
    let mut builder = ArticleBuilder {
        options,
        scheme,
        result: ConllImport { scheme: Some(scheme), detected, ..ConllImport::default() },
        text: String::new(),
        chars: 0,
        sentences_in_article: 0,
        first_line: 0,
        pending: Vec::new(),
    };
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
        // `# id 7 domain=ar` (MultiCoNER), `# sent_id = 3` (CoNLL-U): a comment, unless the line
        // is the token `#` with a real tag.
        if columns[0].starts_with('#') && (columns.len() < 2 || parse_tag(columns[columns.len().min(tag_column) - 1].trim(), scheme).is_err()) {
            builder.result.comments += 1;
            continue;
        }
        let needed = if options.nested { options.token_column + 1 } else { tag_column.max(options.token_column) };
        if columns.len() < 2 || columns.len() < needed {
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
        let raw: Vec<&str> = if options.nested { columns[options.token_column..].to_vec() } else { vec![columns[tag_column - 1]] };
        let mut tags = Vec::with_capacity(raw.len());
        let mut bad = None;
        for tag in raw.iter().map(|t| t.trim()) {
            match parse_tag(tag, scheme) {
                Ok(tag) => tags.push(tag),
                Err(_) if !tag.contains('-') && tag.chars().all(|c| c.is_ascii_alphabetic()) => {
                    builder.result.bare_tags += 1;
                    diagnostics.warning(path, Some(number), format!("tag `{tag}` has no TYPE and is read as O; fix it to O or PREFIX-TYPE"));
                    tags.push(Tag::outside());
                }
                Err(message) => bad = Some(message),
            }
        }
        if let Some(message) = bad {
            diagnostics.error(path, Some(number), message);
            continue;
        }
        if sentence.tokens.is_empty() {
            sentence.first_line = number;
        }
        sentence.tokens.push(token.trim().to_string());
        sentence.tags.push(tags);
    }
    builder.add_sentence(sentence);
    builder.finish_article();
    Ok(builder.result)
}

/// The first pass: the scheme the file's tag column uses, if it has chunk tags.
fn detect_in_file(path: &Path, options: &ConllOptions) -> Result<Option<TagScheme>, LoadError> {
    let mut lines = Lines::open(path)?;
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    let mut sentences: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut detected = None;
    while let Some(line) = lines.next_line().map_err(io)? {
        let Some(text) = line.text else { continue };
        let columns: Vec<&str> = if options.tab_separated { text.split('\t').collect() } else { text.split_whitespace().collect() };
        if text.trim().is_empty() || columns[0] == "-DOCSTART-" {
            sentences.push(std::mem::take(&mut current));
            continue;
        }
        if columns[0].starts_with('#') && columns.len() > 2 {
            continue;
        }
        let tag_column = options.tag_column.unwrap_or(columns.len());
        if columns.len() >= 2 && tag_column <= columns.len() {
            current.push(columns[tag_column - 1].trim().to_string());
        }
        // Keep memory bounded: decide on what has been read every 10,000 sentences.
        if sentences.len() >= 10_000 {
            let batch = std::mem::take(&mut sentences);
            detected = merge(detected, detect_scheme(batch.iter().map(|s| s.iter().map(String::as_str).collect())));
        }
    }
    sentences.push(current);
    Ok(merge(detected, detect_scheme(sentences.iter().map(|s| s.iter().map(String::as_str).collect()))))
}

/// The scheme of two parts of a file: the richer one (an IOB2 part beats IOB1, any end tags
/// beat both).
fn merge(a: Option<TagScheme>, b: Option<TagScheme>) -> Option<TagScheme> {
    let rank = |s: TagScheme| match s {
        TagScheme::Iob1 => 0,
        TagScheme::Iob2 => 1,
        TagScheme::Ioe => 2,
        TagScheme::Iobes => 3,
        TagScheme::Bilou => 4,
        TagScheme::Bmes => 5,
    };
    match (a, b) {
        (Some(a), Some(b)) => Some(if rank(a) >= rank(b) { a } else { b }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn comment_lines_are_skipped_and_a_hash_token_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.conll");
        std::fs::write(&path, "# id 5b2c domain=ar\nزار _ _ O\n# _ _ O\nدمشق _ _ B-LOC\n\n# sent_id = 2\n").unwrap();
        let mut diagnostics = Diagnostics::default();
        let result = read_conll(&path, &ConllOptions::default(), &mut diagnostics, &crate::progress::NoProgress).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!((result.comments, result.tokens), (2, 3));
        assert_eq!(result.articles[0].text, "زار # دمشق");
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
