//! The checks that guard every command that loads data: article ids, splits, and each span
//! against its article and the manifest's schema. Every problem names the file and line and
//! says what to do; nothing here panics on input.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::dataset::manifest::Manifest;
use crate::load::{Diagnostics, LoadedArticles, SpanRecord};
use crate::model::{is_bidi_mark, is_control_like, quote, shown, Article, Span};

/// Reports duplicate article ids (the later copy is dropped) and returns the id → index map.
pub fn index_articles(loaded: &mut LoadedArticles, diagnostics: &mut Diagnostics) -> HashMap<String, usize> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(loaded.articles.len());
    let mut keep: Vec<usize> = Vec::with_capacity(loaded.articles.len());
    for (i, article) in loaded.articles.iter().enumerate() {
        if let Some(&first) = index.get(&article.id) {
            let origin = &loaded.origins[i];
            let first_origin = &loaded.origins[keep[first]];
            let at = match first_origin.line {
                Some(line) => format!("{}:{}", first_origin.path.display(), line),
                None => first_origin.path.display().to_string(),
            };
            diagnostics.error(
                &origin.path,
                origin.line,
                format!("duplicate article id `{}` (first at {at}); ids must be unique in a dataset", shown(&article.id)),
            );
        } else {
            index.insert(article.id.clone(), keep.len());
            keep.push(i);
        }
    }
    if keep.len() != loaded.articles.len() {
        let mut k = 0;
        loaded.articles.retain(|_| {
            let kept = keep.binary_search(&k).is_ok();
            k += 1;
            kept
        });
        let mut k = 0;
        loaded.origins.retain(|_| {
            let kept = keep.binary_search(&k).is_ok();
            k += 1;
            kept
        });
    }
    index
}

/// Sets each article's `split` from the manifest's `[splits]`.
pub fn apply_splits(manifest: &Manifest, manifest_path: &Path, articles: &mut [Article], index: &HashMap<String, usize>, diagnostics: &mut Diagnostics) {
    for (split, ids) in &manifest.splits {
        for id in ids {
            let Some(&i) = index.get(id) else {
                diagnostics.error(manifest_path, None, format!("split `{}` lists `{}`, which is no article id", shown(split), shown(id)));
                continue;
            };
            let article = &mut articles[i];
            match article.metadata.get("split") {
                Some(existing) if existing != split => diagnostics.error(
                    manifest_path,
                    None,
                    format!("article `{}` is in split `{}` here but in split `{}` in its own metadata", shown(id), shown(split), shown(existing)),
                ),
                _ => {
                    article.metadata.insert("split".into(), split.clone());
                }
            }
        }
    }
}

/// A span that passed the field checks, with where it is in bytes when its article is known.
pub struct CheckedSpan {
    pub span: Span,
    pub bytes: Option<Range<usize>>,
    pub line: usize,
}

/// Checks one file's spans against the articles and the schema. Spans with errors are
/// reported and left out; spans with only warnings are kept.
pub fn check_spans(
    path: &Path,
    records: Vec<SpanRecord>,
    articles: Option<(&[Article], &HashMap<String, usize>)>,
    manifest: Option<&Manifest>,
    diagnostics: &mut Diagnostics,
) -> Vec<CheckedSpan> {
    use rayon::prelude::*;
    // Each span's own checks run on the rayon pool in blocks of lines; the blocks' spans and
    // problems are put back in line order, so the result is the serial one.
    const BLOCK: usize = 4096;
    let check_block = |block: Vec<SpanRecord>| {
        let mut problems = Diagnostics::default();
        let checked = match articles {
            Some((articles, index)) => {
                let lookup = |id: &str| index.get(id).map(|&i| &articles[i]);
                check_each(path, block, Some(&lookup), manifest, &mut problems)
            }
            None => check_each(path, block, None, manifest, &mut problems),
        };
        (checked, problems)
    };
    let blocks: Vec<(Vec<CheckedSpan>, Diagnostics)> = records.into_par_iter().chunks(BLOCK).map(check_block).collect();
    let mut checked = Vec::with_capacity(blocks.iter().map(|(c, _)| c.len()).sum());
    for (block, problems) in blocks {
        checked.extend(block);
        diagnostics.extend(problems);
    }
    check_overlaps(path, &checked, manifest, diagnostics);
    checked
}

/// Finds an article by id.
pub type ArticleLookup<'f, 'a> = &'f dyn Fn(&str) -> Option<&'a Article>;

/// [`check_spans`] with the articles behind a lookup by id: the streaming `validate` hands it
/// one article and that article's spans at a time.
pub fn check_spans_with<'a>(
    path: &Path,
    records: Vec<SpanRecord>,
    articles: Option<ArticleLookup<'_, 'a>>,
    manifest: Option<&Manifest>,
    diagnostics: &mut Diagnostics,
) -> Vec<CheckedSpan> {
    let checked = check_each(path, records, articles, manifest, diagnostics);
    check_overlaps(path, &checked, manifest, diagnostics);
    checked
}

/// The checks of each span on its own (fields, schema, offsets, `text`, surface), in line order.
fn check_each<'a>(
    path: &Path,
    records: Vec<SpanRecord>,
    articles: Option<ArticleLookup<'_, 'a>>,
    manifest: Option<&Manifest>,
    diagnostics: &mut Diagnostics,
) -> Vec<CheckedSpan> {
    let mut checked = Vec::with_capacity(records.len());
    for SpanRecord { span, line } in records {
        let at = Some(line);
        let (start, end) = (span.start, span.end);
        if end <= start {
            let message = if end == start {
                format!("span {start}..{end} is empty; `end` is exclusive and must be greater than `start`")
            } else {
                format!("span {start}..{end} ends before it starts; swap `start` and `end`?")
            };
            diagnostics.error(path, at, message);
            continue;
        }
        if !check_identifiers(path, line, &span, diagnostics) || !check_schema(path, line, &span, manifest, diagnostics) {
            continue;
        }
        let Some(lookup) = articles else {
            checked.push(CheckedSpan { span, bytes: None, line });
            continue;
        };
        let Some(article) = lookup(&span.article_id) else {
            diagnostics.error(path, at, format!("unknown article_id `{}`: no article has this id; check the id or the articles file", shown(&span.article_id)));
            continue;
        };
        let Some(bytes) = article.byte_range(start, end) else {
            let mut message = format!("span {start}..{end} runs past the end of article `{}` ({} code points)", shown(&article.id), article.char_len());
            if let Some(hint) = span.text.as_deref().and_then(|t| offset_hint(article, &span, t)) {
                message.push_str("; ");
                message.push_str(&hint);
            }
            diagnostics.error(path, at, message);
            continue;
        };
        let covered = &article.text[bytes.clone()];
        if let Some(expected) = span.text.as_deref() {
            if expected != covered {
                let mut message = format!("`text` is {} but article `{}` holds {} at {start}..{end}", quote(expected), shown(&article.id), quote(covered));
                match offset_hint(article, &span, expected) {
                    Some(hint) => {
                        message.push_str("; ");
                        message.push_str(&hint);
                    }
                    None => message.push_str("; fix the offsets or the `text`"),
                }
                diagnostics.error(path, at, message);
                continue;
            }
        }
        check_surface(path, line, &span, covered, diagnostics);
        checked.push(CheckedSpan { span, bytes: Some(bytes), line });
    }
    checked
}

/// Labels, layer names and attribute keys are identifiers: they go into report tables, file
/// names and terminal output, so a control character, a newline or a bidi override in one is an
/// error (`false`: the span is left out).
fn check_identifiers(path: &Path, line: usize, span: &Span, diagnostics: &mut Diagnostics) -> bool {
    let names = [("label", span.label.as_str()), ("layer", span.layer.as_str())].into_iter().chain(span.attrs.keys().map(|k| ("attribute key", k.as_str())));
    let mut clean = true;
    for (what, name) in names {
        if let Some(c) = name.chars().find(|&c| is_control_like(c)) {
            diagnostics.error(
                path,
                Some(line),
                format!("{what} {} holds the control character U+{:04X}; labels, layers and attribute keys are identifiers: remove it", quote(name), c as u32),
            );
            clean = false;
        }
    }
    clean
}

/// Labels and attributes against the manifest; `false` when the span must be left out.
fn check_schema(path: &Path, line: usize, span: &Span, manifest: Option<&Manifest>, diagnostics: &mut Diagnostics) -> bool {
    let Some(schema) = manifest.and_then(|m| m.layers.get(&span.layer)) else {
        return true;
    };
    if !schema.labels.contains(&span.label) {
        diagnostics.error(
            path,
            Some(line),
            format!(
                "label `{}` is not in the schema of layer `{}` ({}); fix the label or add it to manifest.toml",
                shown(&span.label),
                shown(&span.layer),
                schema.labels.join(", ")
            ),
        );
        return false;
    }
    for attr in &schema.attrs {
        if !span.attrs.contains_key(attr) {
            diagnostics.warning(path, Some(line), format!("{} span has no `{attr}` attribute", shown(&span.label)));
        }
    }
    for attr in span.attrs.keys() {
        if !schema.attrs.contains(attr) {
            diagnostics.warning(path, Some(line), format!("attribute `{}` is not declared for layer `{}` in manifest.toml", shown(attr), shown(&span.layer)));
        }
    }
    true
}

/// Whitespace at the edges and invisible bidi marks inside a span.
fn check_surface(path: &Path, line: usize, span: &Span, covered: &str, diagnostics: &mut Diagnostics) {
    let leading = covered.chars().take_while(|c| c.is_whitespace()).count();
    let trailing = covered.chars().rev().take_while(|c| c.is_whitespace()).count();
    if leading + trailing > 0 && leading < covered.chars().count() {
        diagnostics.warning(
            path,
            Some(line),
            format!(
                "span {}..{} {} has {} whitespace; trim it to {}..{}",
                span.start,
                span.end,
                quote(covered),
                match (leading > 0, trailing > 0) {
                    (true, true) => "leading and trailing",
                    (true, false) => "leading",
                    _ => "trailing",
                },
                span.start + leading,
                span.end - trailing
            ),
        );
    } else if leading > 0 {
        diagnostics.warning(path, Some(line), format!("span {}..{} covers only whitespace", span.start, span.end));
    }
    if let Some((k, mark)) = covered.chars().enumerate().find(|(_, c)| is_bidi_mark(*c)) {
        diagnostics.warning(
            path,
            Some(line),
            format!(
                "span {}..{} contains the invisible bidi mark U+{:04X} at {}; remove the mark from the text or keep it outside the span",
                span.start,
                span.end,
                mark as u32,
                span.start + k
            ),
        );
    }
}

/// Why a span's offsets do not fit, when the cause can be guessed: byte offsets or UTF-16
/// units given for code points, an off-by-one, or the text found elsewhere.
fn offset_hint(article: &Article, span: &Span, expected: &str) -> Option<String> {
    let (start, end) = (span.start, span.end);
    if article.text.get(start..end) == Some(expected) {
        let (s, e) = (article.char_offset(start)?, article.char_offset(end)?);
        return Some(format!("the offsets look like UTF-8 byte offsets, but mizan counts code points: in code points this span is {s}..{e}"));
    }
    if let Some((s, e)) = utf16_to_chars(&article.text, start, end) {
        if article.slice(s, e) == Some(expected) {
            return Some(format!(
                "the offsets look like UTF-16 code units (as JavaScript, Label Studio and doccano count), but mizan counts code points: in code points this span is {s}..{e}"
            ));
        }
    }
    let occurrences: Vec<usize> = article.text.match_indices(expected).filter_map(|(byte, _)| article.char_offset(byte)).collect();
    let len = expected.chars().count();
    let nearest = *occurrences.iter().min_by_key(|&&s| s.abs_diff(start))?;
    let distance = nearest.abs_diff(start) + (nearest + len).abs_diff(end);
    let guess = if distance == 1 { " (off by one?)" } else { "" };
    Some(format!("the text is at {nearest}..{}{guess}", nearest + len))
}

/// Converts UTF-16 unit offsets to code points, if both fall on character boundaries.
fn utf16_to_chars(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let (mut units, mut s, mut e) = (0, None, None);
    for (k, c) in text.chars().chain(std::iter::once('\0')).enumerate() {
        if units == start {
            s = Some(k);
        }
        if units == end {
            e = Some(k);
            break;
        }
        units += c.len_utf16();
    }
    Some((s?, e?))
}

/// Duplicates anywhere, and overlaps in layers the manifest declares flat.
fn check_overlaps(path: &Path, spans: &[CheckedSpan], manifest: Option<&Manifest>, diagnostics: &mut Diagnostics) {
    use rayon::prelude::*;
    // One sort (on the rayon pool) by article, layer, then start, longest first, then line —
    // lines are unique, so the order is total — and each article's layer is a run of it. The
    // runs are checked on the pool too; their problems come back in the sorted order.
    fn key(c: &CheckedSpan) -> (&str, &str, usize, std::cmp::Reverse<usize>, usize) {
        (&c.span.article_id, &c.span.layer, c.span.start, std::cmp::Reverse(c.span.end), c.line)
    }
    let mut order: Vec<&CheckedSpan> = spans.iter().collect();
    order.par_sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    let same_run = |a: &&CheckedSpan, b: &&CheckedSpan| a.span.article_id == b.span.article_id && a.span.layer == b.span.layer;
    let found: Vec<Diagnostics> = order
        .par_chunk_by(same_run)
        .fold(Diagnostics::default, |mut problems, group| {
            check_run(path, group, manifest, &mut problems);
            problems
        })
        .collect();
    for problems in found {
        diagnostics.extend(problems);
    }
}

/// [`check_overlaps`] on one article's spans of one layer, in the sorted order.
fn check_run(path: &Path, group: &[&CheckedSpan], manifest: Option<&Manifest>, diagnostics: &mut Diagnostics) {
    let layer = group[0].span.layer.as_str();
    let flat = manifest.and_then(|m| m.layers.get(layer)).is_some_and(|schema| schema.flat);
    let mut reach: Option<&CheckedSpan> = None;
    for (k, current) in group.iter().enumerate() {
        if k > 0 {
            let previous = group[k - 1];
            if previous.span.start == current.span.start && previous.span.end == current.span.end && previous.span.label == current.span.label {
                diagnostics.warning(
                    path,
                    Some(current.line),
                    format!(
                        "duplicate span {}..{} {} (also on line {}); remove one copy",
                        current.span.start, current.span.end, current.span.label, previous.line
                    ),
                );
                continue;
            }
        }
        if let Some(open) = reach.filter(|open| open.span.end > current.span.start) {
            if flat {
                let shape = if current.span.end <= open.span.end { "is nested in" } else { "crosses" };
                diagnostics.error(
                    path,
                    Some(current.line),
                    format!(
                        "span {}..{} {} {shape} span {}..{} {} (line {}); layer `{layer}` is flat — fix the boundaries or set `flat = false` for it in manifest.toml",
                        current.span.start, current.span.end, shown(&current.span.label),
                        open.span.start, open.span.end, shown(&open.span.label), open.line
                    ),
                );
            }
        }
        if reach.is_none_or(|open| current.span.end > open.span.end) {
            reach = Some(current);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_span;
    use std::collections::BTreeMap;

    fn run(text: &str, lines: &[&str], manifest: Option<&Manifest>) -> Vec<String> {
        let articles = vec![Article::new("a", text, BTreeMap::new())];
        let index = HashMap::from([("a".to_string(), 0)]);
        let records = lines.iter().enumerate().map(|(k, l)| SpanRecord { span: parse_span(l, "ner", None).unwrap().0, line: k + 1 }).collect();
        let mut diagnostics = Diagnostics::default();
        check_spans(Path::new("g.jsonl"), records, Some((&articles, &index)), manifest, &mut diagnostics);
        diagnostics.problems().iter().map(|p| p.to_string()).collect()
    }

    fn span(start: usize, end: usize, label: &str, text: Option<&str>) -> String {
        let mut line = serde_json::json!({"article_id": "a", "start": start, "end": end, "label": label});
        if let Some(text) = text {
            line["text"] = text.into();
        }
        line.to_string()
    }

    const TEXT: &str = "قال لافروف في موسكو اليوم";

    #[test]
    fn clean_spans_pass() {
        assert!(run(TEXT, &[&span(4, 10, "PER", Some("لافروف")), &span(14, 19, "LOC", None)], None).is_empty());
    }

    /// Articles' runs are checked on the pool; their problems still come in the sorted order
    /// (article id, then start), one per duplicate, whatever the threads did.
    #[test]
    fn overlap_problems_of_many_articles_keep_their_order() {
        let ids: Vec<String> = (0..3000).map(|k| format!("a{k:04}")).collect();
        let articles: Vec<Article> = ids.iter().map(|id| Article::new(id, TEXT, BTreeMap::new())).collect();
        let index: HashMap<String, usize> = ids.iter().enumerate().map(|(k, id)| (id.clone(), k)).collect();
        // Files list the articles backwards; each article has its span twice.
        let mut records = Vec::new();
        for id in ids.iter().rev() {
            for _ in 0..2 {
                let line = serde_json::json!({"article_id": id, "start": 4, "end": 10, "label": "PER"}).to_string();
                records.push(SpanRecord { span: parse_span(&line, "ner", None).unwrap().0, line: records.len() + 1 });
            }
        }
        let mut diagnostics = Diagnostics::default();
        let checked = check_spans(Path::new("g.jsonl"), records, Some((&articles, &index)), None, &mut diagnostics);
        assert_eq!(checked.len(), 6000);
        let lines: Vec<usize> = diagnostics.problems().iter().map(|p| p.line.unwrap()).collect();
        // The second copy of article a0000's span is on the last line, a2999's on line 2.
        let expected: Vec<usize> = (0..3000).map(|k| 6000 - 2 * k).collect();
        assert_eq!(lines, expected);
        assert!(diagnostics.problems()[0].to_string().contains("duplicate span 4..10 PER (also on line 5999)"), "{}", diagnostics.problems()[0]);
    }

    #[test]
    fn each_problem_is_named() {
        let cases: Vec<(String, &str)> = vec![
            (span(5, 5, "PER", None), "g.jsonl:1: span 5..5 is empty"),
            (span(9, 4, "PER", None), "ends before it starts"),
            (span(20, 40, "PER", None), "runs past the end of article `a` (25 code points)"),
            (span(4, 9, "PER", Some("لافروف")), "the text is at 4..10"),
            // Byte offsets of لافروف (starts at byte 7, 12 bytes long).
            (span(7, 19, "PER", Some("لافروف")), "look like UTF-8 byte offsets"),
            (span(3, 10, "PER", None), "leading whitespace; trim it to 4..10"),
            (r#"{"article_id": "zz", "start": 0, "end": 1, "label": "PER"}"#.to_string(), "unknown article_id `zz`"),
        ];
        for (line, fragment) in cases {
            let problems = run(TEXT, &[&line], None);
            assert_eq!(problems.len(), 1, "{line}: {problems:?}");
            assert!(problems[0].contains(fragment), "{line}: {problems:?}");
        }
    }

    #[test]
    fn utf16_offsets_are_recognised() {
        // 😀 is two UTF-16 units: "لافروف" starts at code point 2 but UTF-16 unit 3.
        let problems = run("😀 لافروف", &[&span(3, 9, "PER", Some("لافروف"))], None);
        assert!(problems[0].contains("UTF-16 code units") && problems[0].contains("2..8"), "{problems:?}");
    }

    #[test]
    fn bidi_marks_inside_spans_are_flagged() {
        let problems = run("قال \u{200F}لافروف", &[&span(4, 11, "PER", None)], None);
        assert!(problems[0].contains("U+200F at 4"), "{problems:?}");
    }

    #[test]
    fn overlaps_fail_only_flat_layers_and_duplicates_warn() {
        let manifest = Manifest::parse("name = \"t\"\n[articles]\nformat = \"txt\"\n[layers.ner]\nlabels = [\"PER\", \"LOC\"]\n").unwrap();
        let crossing = [span(4, 10, "PER", None), span(8, 13, "LOC", None)];
        let lines: Vec<&str> = crossing.iter().map(String::as_str).collect();
        let problems = run(TEXT, &lines, Some(&manifest));
        assert!(problems[0].contains("g.jsonl:2: span 8..13 LOC crosses span 4..10 PER (line 1)"), "{problems:?}");
        assert!(run(TEXT, &lines, None).is_empty());
        let nested = [span(0, 19, "LOC", None), span(4, 10, "PER", None)];
        let lines: Vec<&str> = nested.iter().map(String::as_str).collect();
        assert!(run(TEXT, &lines, Some(&manifest))[0].contains("is nested in"));
        let twice = [span(4, 10, "PER", None), span(4, 10, "PER", None)];
        let lines: Vec<&str> = twice.iter().map(String::as_str).collect();
        let problems = run(TEXT, &lines, Some(&manifest));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("warning: duplicate span 4..10 PER (also on line 1)"), "{problems:?}");
    }

    #[test]
    fn labels_outside_the_schema_are_errors() {
        let manifest = Manifest::parse("name = \"t\"\n[articles]\nformat = \"txt\"\n[layers.ner]\nlabels = [\"PER\"]\n").unwrap();
        let problems = run(TEXT, &[&span(4, 10, "PERS", None)], Some(&manifest));
        assert!(problems[0].contains("label `PERS` is not in the schema of layer `ner` (PER)"), "{problems:?}");
    }
}
