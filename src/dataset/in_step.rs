//! The span side of the streaming `validate` and `stats` (`stream.rs`): each span file read in
//! step with the articles, one article's spans at a time, checked and counted without a
//! [`Span`] where nothing is wrong with them.
//!
//! A span on a common clean line (the span reader's first fast path, `load::parse_common`) is
//! checked where it lies in the line, against the article's text through a cursor that moves
//! forward: it passes when `dataset::check` would say nothing about it — offsets inside the
//! text, `text` equal to what they cover, no whitespace at its edges, no bidi mark inside,
//! identifiers and schema in order, no duplicate and, in a flat layer, no overlap. An article
//! whose spans all pass (the usual case) is counted and hashed from those fields. Anything else
//! among an article's spans — a line the fast path does not read, a problem of any kind — sends
//! that article's spans through `check_spans_with`, as the whole-dataset path checks them, so
//! every message, count and hash is that path's. Lines that do not parse are reported as they
//! are read, as `Records` reports them.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::ops::Range;
use std::path::Path;

use crate::dataset::check::check_spans_with;
use crate::dataset::manifest::Manifest;
use crate::dataset::stats::{add_to_cell, count_cell, SpanCounts};
use crate::fingerprint::DatasetHash;
use crate::load::{parse_common, parse_span, BorrowedSpan, Diagnostics, Lines, LoadError, SpanRecord};
use crate::model::{char_bytes, is_bidi_mark, is_control_like, Article, Span, SpanLine, DEFAULT_LAYER};

/// An article as the span side needs it: what its spans are checked against and counted under.
#[derive(Debug)]
pub(super) struct Incoming {
    pub id: String,
    pub text: String,
    /// Its `split` metadata (the manifest's applied).
    pub split: Option<String>,
    /// Length of the text in code points.
    pub char_len: usize,
    /// Whether the text holds a byte of a bidi mark's encoding (see [`passes`]): when it does
    /// not, no span of it is searched for one.
    pub may_hold_marks: bool,
}

impl Incoming {
    pub fn new(id: String, text: String, split: Option<String>) -> Self {
        let char_len = text.chars().count();
        let may_hold_marks = memchr::memchr2(0xE2, 0x9C, text.as_bytes()).is_some();
        Incoming { id, text, split, char_len, may_hold_marks }
    }
}

/// What the spans side found.
#[derive(Debug, Default)]
pub(super) struct SpanSide {
    pub diagnostics: Diagnostics,
    pub count: u64,
    pub counts: SpanCounts,
    pub split_spans: BTreeMap<String, SpanCounts>,
    /// The fingerprint's spans part: the spans that passed the checks.
    pub hash: DatasetHash,
    /// Counts not yet in `counts` and `split_spans`, until [`SpanSide::finish`].
    tally: Tally,
}

impl SpanSide {
    /// Counts a span that passed, under its article's split.
    fn add(&mut self, span: &SpanLine<'_>, split: Option<&str>) {
        self.count += 1;
        if self.tally.add(split, span.layer, span.label) {
            return;
        }
        count_cell(&mut self.counts, span.layer, span.label);
        if let Some(split) = split {
            let counts = match self.split_spans.get_mut(split) {
                Some(counts) => counts,
                None => self.split_spans.entry(split.to_string()).or_default(),
            };
            count_cell(counts, span.layer, span.label);
        }
    }

    /// Moves the tally's counts into `counts` and `split_spans`.
    pub(super) fn finish(&mut self) {
        for cell in std::mem::take(&mut self.tally.cells) {
            let (layer, label) = (unpack(&cell.layer), unpack(&cell.label));
            add_to_cell(&mut self.counts, layer, label, cell.count);
            if cell.split != NO_SPLIT {
                add_to_cell(self.split_spans.entry(unpack(&cell.split).to_string()).or_default(), layer, label, cell.count);
            }
        }
    }
}

/// A name of up to 15 bytes packed with its length, so that names compare as integers.
type Packed = [u8; 16];

/// The packed name of an article without a split (a length no name has).
const NO_SPLIT: Packed = [0xFF; 16];

fn pack(name: &str) -> Option<Packed> {
    let mut packed = [0; 16];
    packed.get_mut(..name.len()).filter(|_| name.len() < 16)?.copy_from_slice(name.as_bytes());
    packed[15] = name.len() as u8;
    Some(packed)
}

fn unpack(packed: &Packed) -> &str {
    // Packed from a `&str`: its first `len` bytes are that string's.
    std::str::from_utf8(&packed[..usize::from(packed[15])]).unwrap_or_default()
}

/// The spans side's counts while reading, by split, layer and label: a short list of cells
/// whose names are packed into integers, the last one found tried first. A dataset has a handful
/// of labels, and two map lookups by string for every span were a tenth of the side's work.
#[derive(Debug, Default)]
struct Tally {
    cells: Vec<Cell>,
    last: usize,
}

#[derive(Debug)]
struct Cell {
    split: Packed,
    layer: Packed,
    label: Packed,
    count: u64,
}

impl Tally {
    /// Counts one span; `false` (nothing counted) when a name is too long to pack.
    fn add(&mut self, split: Option<&str>, layer: &str, label: &str) -> bool {
        let (Some(split), Some(layer), Some(label)) = (split.map_or(Some(NO_SPLIT), pack), pack(layer), pack(label)) else {
            return false;
        };
        let same = |cell: &Cell| cell.label == label && cell.layer == layer && cell.split == split;
        if !self.cells.get(self.last).is_some_and(same) {
            self.last = match self.cells.iter().position(same) {
                Some(found) => found,
                None => {
                    self.cells.push(Cell { split, layer, label, count: 0 });
                    self.cells.len() - 1
                }
            };
        }
        self.cells[self.last].count += 1;
        true
    }
}

/// The attributes of a span on a common clean line: none.
static NO_ATTRS: BTreeMap<String, String> = BTreeMap::new();

/// A field of a line kept in [`SpanFile::arena`]: its byte range there.
type Field = Range<usize>;

/// A span on a common clean line of the current article, its line and fields in the arena.
#[derive(Debug)]
struct Clean {
    line: usize,
    /// The whole line.
    raw: Field,
    fields: Fields,
}

/// One of the current article's spans, in file order.
#[derive(Debug)]
enum Entry {
    Clean(Clean),
    /// A line the common reader does not take, read by [`parse_span`].
    Parsed(SpanRecord),
}

/// The first span of a later article, read while looking for the end of this one's.
#[derive(Debug)]
enum Pending {
    /// A common clean line, kept in [`SpanFile::held`], and its fields there.
    Common {
        line: usize,
        fields: Fields,
    },
    Parsed(SpanRecord),
}

/// A common clean line's fields (`load::parse_common`) as byte ranges of the string that keeps
/// the line — the arena, or [`SpanFile::held`] — so that a line is read once.
#[derive(Debug)]
struct Fields {
    article_id: Field,
    /// `None`: the file's layer.
    layer: Option<Field>,
    label: Field,
    text: Option<Field>,
    start: usize,
    end: usize,
}

impl Fields {
    /// The fields read from `line`, which is kept from byte `base` on.
    fn new(line: &str, (span, text): (BorrowedSpan<'_>, Option<&str>), base: usize) -> Fields {
        let at = |value: &str| {
            let from = base + (value.as_ptr() as usize - line.as_ptr() as usize);
            from..from + value.len()
        };
        Fields { article_id: at(span.article_id), layer: span.layer.map(at), label: at(span.label), text: text.map(at), start: span.start, end: span.end }
    }

    /// The fields again, from the string that keeps the line.
    fn get<'k>(&self, kept: &'k str) -> (BorrowedSpan<'k>, Option<&'k str>) {
        let span = BorrowedSpan {
            article_id: &kept[self.article_id.clone()],
            layer: self.layer.clone().map(|f| &kept[f]),
            start: self.start,
            end: self.end,
            label: &kept[self.label.clone()],
        };
        (span, self.text.clone().map(|f| &kept[f]))
    }
}

/// One span file read in step with the articles.
pub(super) struct SpanFile<'a> {
    path: &'a Path,
    /// The layer its path names, which every line must have.
    required: Option<&'a str>,
    default: &'a str,
    lines: Lines<BufReader<File>>,
    /// The lines of the current article's clean spans, one after the other.
    arena: String,
    entries: Vec<Entry>,
    pending: Option<Pending>,
    held: String,
    /// Scratch for the overlap check: indexes into `entries`.
    order: Vec<usize>,
    done: bool,
}

impl<'a> SpanFile<'a> {
    pub(super) fn open(path: &'a Path, layer: Option<&'a str>) -> Result<Self, LoadError> {
        Ok(SpanFile {
            path,
            required: layer,
            default: layer.unwrap_or(DEFAULT_LAYER),
            lines: Lines::open(path)?,
            arena: String::new(),
            entries: Vec::new(),
            pending: None,
            held: String::new(),
            order: Vec::new(),
            done: false,
        })
    }

    /// Whether the file has spans left (of an article that did not come, or out of order).
    pub(super) fn has_more(&mut self, diagnostics: &mut Diagnostics) -> Result<bool, LoadError> {
        if self.pending.is_none() && !self.done {
            self.read_group(None, diagnostics)?;
        }
        Ok(self.pending.is_some())
    }

    /// Reads, checks and counts the spans of `article` that come next in the file.
    pub(super) fn take(
        &mut self,
        article: &Incoming,
        manifest: Option<&Manifest>,
        fingerprint: bool,
        side: &mut SpanSide,
        line: &mut Vec<u8>,
    ) -> Result<(), LoadError> {
        let clean = self.read_group(Some((article, manifest)), &mut side.diagnostics)?;
        if self.entries.is_empty() {
            return Ok(());
        }
        if clean && self.no_overlaps(manifest) {
            // The lines hashed share their beginning while the layer stays the same (the
            // article's is the same for all): it is written once, and each line after it.
            let mut head: Option<(&str, usize)> = None;
            for entry in &self.entries {
                let Entry::Clean(clean) = entry else { continue };
                let (span, text) = clean.fields.get(&self.arena);
                let fields =
                    SpanLine { article_id: &article.id, layer: span.layer.unwrap_or(self.default), start: span.start, end: span.end, label: span.label, text };
                if fingerprint {
                    match head {
                        Some((layer, len)) if layer == fields.layer => line.truncate(len),
                        _ => {
                            line.clear();
                            fields.write_head(line);
                            head = Some((fields.layer, line.len()));
                        }
                    }
                    fields.write_tail(line, &NO_ATTRS);
                    side.hash.add_span_line(line);
                }
                side.add(&fields, article.split.as_deref());
            }
            return Ok(());
        }
        // Something to say about these spans: the whole-dataset path's checks say it.
        let mut records = Vec::with_capacity(self.entries.len());
        for entry in self.entries.drain(..) {
            match entry {
                Entry::Parsed(record) => records.push(record),
                Entry::Clean(span) => match parse_span(&self.arena[span.raw], self.default, self.required) {
                    Ok((parsed, _)) => records.push(SpanRecord { span: parsed, line: span.line }),
                    // The common reader takes only lines that `parse_span` reads without a word.
                    Err(message) => side.diagnostics.error(self.path, Some(span.line), message),
                },
            }
        }
        let whole = Article::new(article.id.clone(), article.text.clone(), BTreeMap::new());
        let lookup = |id: &str| (id == whole.id).then_some(&whole);
        for checked in check_spans_with(self.path, records, Some(&lookup), manifest, &mut side.diagnostics) {
            let Span { article_id, layer, start, end, label, text, attrs } = &checked.span;
            let fields = SpanLine { article_id, layer, start: *start, end: *end, label, text: text.as_deref() };
            if fingerprint {
                line.clear();
                fields.write_json(line, attrs);
                side.hash.add_span_line(line);
            }
            side.add(&fields, article.split.as_deref());
        }
        Ok(())
    }

    /// Reads the spans of `article` that come next into `entries`, checking the clean ones
    /// against it; `true` when all of them are clean and pass. The first span of a later
    /// article (of any, when `article` is `None`) is kept in `pending`.
    fn read_group(&mut self, article: Option<(&Incoming, Option<&Manifest>)>, diagnostics: &mut Diagnostics) -> Result<bool, LoadError> {
        let SpanFile { path, required, default, lines, arena, entries, pending, held, done, .. } = self;
        let (path, required, default) = (*path, *required, *default);
        let mut group = Group { article, default, arena, entries, cursor: Cursor::default(), clean: true };
        group.arena.clear();
        group.entries.clear();
        match pending.take() {
            Some(Pending::Common { line, fields }) => {
                let taken = group.common(held, fields.get(held), line);
                if !taken {
                    *pending = Some(Pending::Common { line, fields });
                    return Ok(group.clean);
                }
            }
            Some(Pending::Parsed(record)) => {
                if !group.parsed(record.span.article_id.as_str()) {
                    *pending = Some(Pending::Parsed(record));
                    return Ok(group.clean);
                }
                group.entries.push(Entry::Parsed(record));
            }
            None => {}
        }
        let io = |source| LoadError::Io { path: path.to_path_buf(), source };
        while !*done {
            let Some(read) = lines.next_borrowed().map_err(io)? else {
                *done = true;
                break;
            };
            let number = read.number;
            let Some(text) = read.text else {
                diagnostics.error(path, Some(number), "invalid UTF-8 on this line; re-encode the file as UTF-8");
                continue;
            };
            if !text.starts_with('{') && text.trim().is_empty() {
                continue;
            }
            if let Some(fields) = parse_common(text).filter(|(span, _)| required.is_none_or(|r| span.layer.unwrap_or(default) == r)) {
                if !group.common(text, fields, number) {
                    let fields = Fields::new(text, fields, 0);
                    held.clear();
                    held.push_str(text);
                    *pending = Some(Pending::Common { line: number, fields });
                    break;
                }
                continue;
            }
            match parse_span(text, default, required) {
                Ok((span, warnings)) => {
                    for warning in warnings {
                        diagnostics.warning(path, Some(number), warning);
                    }
                    let record = SpanRecord { span, line: number };
                    if !group.parsed(record.span.article_id.as_str()) {
                        *pending = Some(Pending::Parsed(record));
                        break;
                    }
                    group.entries.push(Entry::Parsed(record));
                }
                Err(message) => diagnostics.error(path, Some(number), message),
            }
        }
        Ok(group.clean)
    }

    /// Whether the current article's clean spans hold no duplicate and, in flat layers, no
    /// overlap: the conditions under which `check_overlaps` says nothing, read the same way
    /// (by layer, then start, longest first, then line).
    fn no_overlaps(&mut self, manifest: Option<&Manifest>) -> bool {
        if self.entries.len() < 2 {
            return true;
        }
        let spans: Vec<&Clean> = self.entries.iter().filter_map(|e| if let Entry::Clean(c) = e { Some(c) } else { None }).collect();
        let layer = |c: &Clean| c.fields.layer.clone().map_or(self.default, |f| &self.arena[f]);
        let label = |c: &Clean| &self.arena[c.fields.label.clone()];
        self.order.clear();
        self.order.extend(0..spans.len());
        self.order.sort_unstable_by(|&a, &b| {
            let (a, b) = (spans[a], spans[b]);
            let (fa, fb) = (&a.fields, &b.fields);
            (layer(a), fa.start, std::cmp::Reverse(fa.end), a.line).cmp(&(layer(b), fb.start, std::cmp::Reverse(fb.end), b.line))
        });
        for group in self.order.chunk_by(|&a, &b| layer(spans[a]) == layer(spans[b])) {
            let flat = manifest.and_then(|m| m.layers.get(layer(spans[group[0]]))).is_some_and(|schema| schema.flat);
            let mut reach: Option<usize> = None;
            for (k, &current) in group.iter().enumerate() {
                let current = spans[current];
                let (start, end) = (current.fields.start, current.fields.end);
                if k > 0 {
                    let previous = spans[group[k - 1]];
                    if (previous.fields.start, previous.fields.end) == (start, end) && label(previous) == label(current) {
                        return false;
                    }
                }
                if flat && reach.is_some_and(|reach| reach > start) {
                    return false;
                }
                if reach.is_none_or(|reach| end > reach) {
                    reach = Some(end);
                }
            }
        }
        true
    }
}

/// The spans of one article as they are read.
struct Group<'g, 'a> {
    article: Option<(&'g Incoming, Option<&'g Manifest>)>,
    default: &'a str,
    arena: &'g mut String,
    entries: &'g mut Vec<Entry>,
    cursor: Cursor,
    /// Every span so far is on a common clean line and passes.
    clean: bool,
}

impl Group<'_, '_> {
    /// A span read by `parse_span`: whether it is one of this article's (it is then not clean).
    fn parsed(&mut self, article_id: &str) -> bool {
        let belongs = self.article.is_some_and(|(article, _)| article.id == article_id);
        self.clean &= !belongs;
        belongs
    }

    /// A common clean line (`text`, read as `fields`): added and checked when it is one of this
    /// article's spans (`true`).
    fn common(&mut self, text: &str, (span, span_text): (BorrowedSpan<'_>, Option<&str>), line: usize) -> bool {
        let Some((article, manifest)) = self.article.filter(|(article, _)| article.id == span.article_id) else {
            return false;
        };
        let layer = span.layer.unwrap_or(self.default);
        self.clean = self.clean && passes(article, &mut self.cursor, span.start, span.end, layer, span.label, span_text, manifest);
        let base = self.arena.len();
        let entry = Clean { line, raw: base..base + text.len(), fields: Fields::new(text, (span, span_text), base) };
        self.arena.push_str(text);
        self.entries.push(Entry::Clean(entry));
        true
    }
}

/// Where the last span looked up starts, in code points and bytes: spans mostly come in text
/// order, so the next one is found by counting on from there.
#[derive(Debug, Default)]
struct Cursor {
    chars: usize,
    bytes: usize,
}

impl Cursor {
    /// The byte range of `start..end` (code points, within the text).
    fn locate(&mut self, text: &str, start: usize, end: usize) -> Range<usize> {
        if start < self.chars {
            *self = Cursor::default();
        }
        let begin = self.bytes + char_bytes(&text[self.bytes..], start - self.chars);
        let finish = begin + char_bytes(&text[begin..], end - start);
        *self = Cursor { chars: start, bytes: begin };
        begin..finish
    }
}

/// Whether a span passes every check of `check_each` without a message (which it then gives
/// when it does not): offsets, identifiers, schema, `text`, surface.
#[allow(clippy::too_many_arguments)]
fn passes(
    article: &Incoming,
    cursor: &mut Cursor,
    start: usize,
    end: usize,
    layer: &str,
    label: &str,
    text: Option<&str>,
    manifest: Option<&Manifest>,
) -> bool {
    if end <= start || end > article.char_len || !identifier(label) || !identifier(layer) {
        return false;
    }
    if let Some(schema) = manifest.and_then(|m| m.layers.get(layer)) {
        if !schema.attrs.is_empty() || !schema.labels.iter().any(|l| l == label) {
            return false;
        }
    }
    let covered = &article.text[cursor.locate(&article.text, start, end)];
    if text.is_some_and(|text| text != covered) {
        return false;
    }
    let edges = [covered.chars().next(), covered.chars().next_back()];
    if edges.iter().flatten().any(|c| c.is_whitespace()) {
        return false;
    }
    // Bidi marks are U+061C (D8 9C) and characters of U+200E–2069 (E2 80–81 …), so text
    // without the bytes E2 and 9C holds none.
    let bytes = covered.as_bytes();
    let may_hold_mark = article.may_hold_marks && bytes.iter().any(|&b| b == 0xE2 || b == 0x9C);
    !(may_hold_mark && covered.chars().any(is_bidi_mark))
}

/// A label or layer name without control characters (see `check_identifiers`).
fn identifier(name: &str) -> bool {
    name.bytes().all(|b| (0x20..0x7F).contains(&b)) || !name.chars().any(is_control_like)
}
