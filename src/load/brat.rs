//! brat standoff: a folder of `.txt` + `.ann` pairs (or one `.ann` with its `.txt` beside it),
//! article id = the path of the `.txt` below the folder without its extension. Offsets in the
//! `.ann` count code points of the `.txt` as it is on disk (a CRLF is two), end-exclusive.
//!
//! - `T` lines become spans, their declared text checked against the `.txt`. A discontinuous
//!   `T4 Label 75 83;85 98` becomes one span per fragment, all carrying `attrs.group = "T4"`
//!   (the export joins them back), and is reported.
//! - `A`/`M` attributes become span attrs (a binary one is `"true"`), `#` notes the attr
//!   `note`, `N` normalisations the attr `norm` (`Wikipedia:534366`).
//! - A `T` that is the trigger of an `E` event goes into the layer `event`.
//! - `R` relations, `E` events and `*` equivalences are kept, one JSON object each, for
//!   `relations.jsonl`; their arguments name the spans by offsets and label.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::load::imported::{span_problem, Imported};
use crate::load::lines::{read_text, Lines};
use crate::load::{make_article, Diagnostics, LoadError, Progress};
use crate::model::{Article, Span};

/// The layer of `T` spans that are the trigger of an `E` event.
pub const EVENT_LAYER: &str = "event";

/// Reads a brat folder (recursively) or one `.ann` file.
pub fn read_brat(input: &Path, layer: &str, diagnostics: &mut Diagnostics, progress: &dyn Progress) -> Result<Imported, LoadError> {
    let mut imported = Imported::default();
    let pairs = if input.is_dir() {
        let mut texts = Vec::new();
        collect_texts(input, &mut texts, diagnostics)?;
        texts.sort();
        if texts.is_empty() {
            return Err(LoadError::Unusable {
                path: input.to_path_buf(),
                message: "no `.txt` files in this folder; a brat collection holds NAME.txt and NAME.ann pairs".into(),
            });
        }
        texts.into_iter().map(|txt| (id_below(input, &txt), txt)).collect::<Vec<_>>()
    } else {
        let txt = input.with_extension("txt");
        if !txt.is_file() {
            return Err(LoadError::Unusable {
                path: input.to_path_buf(),
                message: format!("no text file {} beside it; brat keeps the text in NAME.txt", txt.display()),
            });
        }
        let id = input.file_stem().map_or("doc".into(), |s| s.to_string_lossy().into_owned());
        vec![(id, txt)]
    };
    progress.start("brat documents", Some(pairs.len() as u64));
    for (id, txt) in pairs {
        progress.advance(1);
        let text = match read_text(&txt)? {
            Ok(text) => text,
            Err(line) => {
                diagnostics.error(&txt, Some(line), "invalid UTF-8; re-encode the file as UTF-8");
                continue;
            }
        };
        let article = make_article(id, text, BTreeMap::new());
        let ann = txt.with_extension("ann");
        if ann.is_file() {
            let mut head = Vec::with_capacity(3);
            std::fs::File::open(&txt)
                .and_then(|f| std::io::Read::take(f, 3).read_to_end(&mut head))
                .map_err(|source| LoadError::Io { path: txt.clone(), source })?;
            read_ann(&ann, &article, layer, head == b"\xEF\xBB\xBF", &mut imported, diagnostics)?;
        } else {
            imported.summary.count("documents without an .ann file (no spans)", 1);
        }
        imported.articles.push(article);
    }
    progress.finish();
    Ok(imported)
}

/// The `.txt` files below `dir`; an `.ann` without its `.txt` is reported.
fn collect_texts(dir: &Path, out: &mut Vec<PathBuf>, diagnostics: &mut Diagnostics) -> Result<(), LoadError> {
    let io = |source| LoadError::Io { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            collect_texts(&path, out, diagnostics)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        } else if path.extension().is_some_and(|e| e == "ann") && !path.with_extension("txt").is_file() {
            diagnostics.error(&path, None, "no .txt beside this .ann; brat keeps the text of NAME.ann in NAME.txt");
        }
    }
    Ok(())
}

fn id_below(root: &Path, txt: &Path) -> String {
    let relative = txt.strip_prefix(root).unwrap_or(txt).with_extension("");
    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

/// A `T` line, resolved: its fragments in code points.
struct TextBound {
    label: String,
    fragments: Vec<(usize, usize)>,
    first_span: usize,
}

/// Reads one `.ann` against its article.
/// `bom`: the `.txt` starts with a byte-order mark, which brat (reading it as plain UTF-8)
/// counts as a character; mizan drops it, so offsets that count it are shifted back by one.
fn read_ann(path: &Path, article: &Article, layer: &str, bom: bool, imported: &mut Imported, diagnostics: &mut Diagnostics) -> Result<(), LoadError> {
    let mut lines = Lines::open(path)?;
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    let mut bounds: BTreeMap<String, TextBound> = BTreeMap::new();
    let mut later: Vec<(usize, String)> = Vec::new();
    let mut discontinuous = Vec::new();
    while let Some(line) = lines.next_line().map_err(io)? {
        let number = line.number;
        let Some(text) = line.text else {
            diagnostics.error(path, Some(number), "invalid UTF-8 on this line; re-encode the file as UTF-8");
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        if !text.starts_with('T') {
            later.push((number, text));
            continue;
        }
        let parsed = match bom {
            true => parse_text_bound(&text, article, 1)
                .inspect(|_| {
                    imported.summary.convert(format!(
                        "{}: the .txt starts with a byte-order mark, which brat counts as a character; offsets shifted back by one",
                        path.display()
                    ))
                })
                .or_else(|_| parse_text_bound(&text, article, 0)),
            false => parse_text_bound(&text, article, 0),
        };
        match parsed {
            Ok((id, label, fragments)) => {
                if bounds.contains_key(&id) {
                    diagnostics.error(path, Some(number), format!("annotation id `{id}` is used twice in this file; give each T line its own id"));
                    continue;
                }
                if fragments.len() > 1 {
                    discontinuous.push(id.clone());
                }
                let first_span = imported.spans.len();
                for &(start, end) in &fragments {
                    let covered = article.slice(start, end).unwrap_or_default().to_string();
                    let mut span = Span::new(article.id.clone(), start, end, label.clone()).with_layer(layer).with_text(covered);
                    if fragments.len() > 1 {
                        span = span.with_attr("group", id.clone());
                    }
                    imported.spans.push(span);
                }
                bounds.insert(id, TextBound { label, fragments, first_span });
            }
            Err(message) => {
                imported.summary.skip("brat annotations that could not be read (reported)", 1);
                diagnostics.warning(path, Some(number), format!("{message}; the annotation is not imported"));
            }
        }
    }
    if !discontinuous.is_empty() {
        imported.summary.count("discontinuous spans split into fragments", discontinuous.len());
        diagnostics.warning(
            path,
            None,
            format!(
                "{} discontinuous span(s) ({}) imported as their fragments, each with attrs.group = its T id; `export --to brat` joins them back",
                discontinuous.len(),
                discontinuous.join(", ")
            ),
        );
    }
    for (number, text) in later {
        if let Err(message) = apply_line(&text, article, &bounds, imported) {
            imported.summary.skip("brat annotations that could not be read (reported)", 1);
            diagnostics.warning(path, Some(number), format!("{message}; the annotation is not imported"));
        }
    }
    Ok(())
}

/// A parsed `T` line: id, label, fragments.
type TextBoundLine = (String, String, Vec<(usize, usize)>);

/// `T1<TAB>Label 0 5;7 9<TAB>text` → id, label, fragments (checked against the article).
fn parse_text_bound(line: &str, article: &Article, shift: usize) -> Result<TextBoundLine, String> {
    let mut fields = line.splitn(3, '\t');
    let id = fields.next().unwrap_or_default().to_string();
    let annotation = fields.next().ok_or("a T line needs `ID<TAB>LABEL START END<TAB>TEXT`; this one has no tab")?;
    let declared = fields.next();
    let (label, offsets) = annotation.split_once(' ').ok_or_else(|| format!("`{annotation}` has no offsets; expected `LABEL START END`"))?;
    let mut fragments = Vec::new();
    for fragment in offsets.split(';') {
        let numbers: Vec<&str> = fragment.split_whitespace().collect();
        let parsed: Option<Vec<usize>> = numbers.iter().map(|n| n.parse().ok()).collect();
        match parsed.as_deref() {
            Some(&[start, end]) if start >= shift => fragments.push((start - shift, end.saturating_sub(shift))),
            _ => return Err(format!("offsets `{fragment}` of {id} are not `START END` (whole numbers, fragments separated by `;`)")),
        }
    }
    let mut pieces = Vec::new();
    for &(start, end) in &fragments {
        if let Some(problem) = span_problem(article, start, end, None) {
            return Err(format!("{id}: {problem} in {}.txt; fix the offsets", article.id));
        }
        pieces.push(article.slice(start, end).unwrap_or_default());
    }
    let covered = pieces.join(" ");
    match declared {
        // brat writes a line break inside a span as a space in the declared text.
        Some(text) if text != covered && text != covered.replace(['\n', '\r'], " ") => {
            Err(format!("{id} declares {text:?} but {}.txt holds {covered:?} at {offsets}; fix the offsets or the text", article.id))
        }
        _ => Ok((id, label.to_string(), fragments)),
    }
}

/// An `A`, `M`, `#`, `N`, `R`, `E` or `*` line, applied to the spans or kept as a relation.
fn apply_line(line: &str, article: &Article, bounds: &BTreeMap<String, TextBound>, imported: &mut Imported) -> Result<(), String> {
    let mut fields = line.splitn(3, '\t');
    let id = fields.next().unwrap_or_default();
    let body = fields.next().ok_or_else(|| format!("annotation `{id}` has no tab after its id"))?;
    let trailing = fields.next();
    let words: Vec<&str> = body.split_whitespace().collect();
    let target = |name: &str| bounds.get(name).ok_or_else(|| format!("{id} refers to `{name}`, which is no T annotation of this file"));
    let mut set_attr = |name: &str, key: &str, value: String| -> Result<(), String> {
        let bound = target(name)?;
        for span in &mut imported.spans[bound.first_span..bound.first_span + bound.fragments.len()] {
            let entry = span.attrs.entry(key.to_string()).or_default();
            if entry.is_empty() {
                *entry = value.clone();
            } else {
                entry.push_str("; ");
                entry.push_str(&value);
            }
        }
        Ok(())
    };
    match id.chars().next() {
        Some('A' | 'M') => match words.as_slice() {
            [name, on] => set_attr(on, name, "true".into()),
            [name, on, value] => set_attr(on, name, (*value).to_string()),
            _ => Err(format!("attribute {id} is not `NAME TARGET [VALUE]`")),
        },
        Some('#') => match words.as_slice() {
            [_, on] => set_attr(on, "note", trailing.unwrap_or_default().to_string()),
            _ => Err(format!("note {id} is not `TYPE TARGET<TAB>NOTE`")),
        },
        Some('N') => match words.as_slice() {
            [_, on, reference] => set_attr(on, "norm", (*reference).to_string()),
            _ => Err(format!("normalisation {id} is not `TYPE TARGET DB:ID<TAB>NAME`")),
        },
        Some('R') => {
            let (kind, args) = words.split_first().ok_or_else(|| format!("relation {id} has no type"))?;
            let args = role_args(id, args, bounds)?;
            imported.relations.push(json!({"article_id": article.id, "id": id, "kind": "relation", "type": kind, "args": args}));
            imported.summary.count("relations", 1);
            Ok(())
        }
        Some('E') => {
            let (trigger, args) = words.split_first().ok_or_else(|| format!("event {id} has no trigger"))?;
            let mut all = role_args(id, std::slice::from_ref(trigger), bounds)?;
            if let Some(bound) = trigger.split_once(':').and_then(|(_, t)| bounds.get(t)) {
                for span in &mut imported.spans[bound.first_span..bound.first_span + bound.fragments.len()] {
                    span.layer = EVENT_LAYER.to_string();
                }
            }
            let kind = all.first().and_then(|a| a["role"].as_str()).unwrap_or_default().to_string();
            all.extend(role_args(id, args, bounds)?);
            imported.relations.push(json!({"article_id": article.id, "id": id, "kind": "event", "type": kind, "args": all}));
            imported.summary.count("events", 1);
            Ok(())
        }
        Some('*') => {
            let (kind, members) = words.split_first().ok_or_else(|| format!("equivalence {id} has no type"))?;
            let args: Vec<String> = members.iter().map(|m| format!("member:{m}")).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let args = role_args(id, &args, bounds)?;
            imported.relations.push(json!({"article_id": article.id, "id": id, "kind": "equivalence", "type": kind, "args": args}));
            imported.summary.count("equivalences", 1);
            Ok(())
        }
        _ => Err(format!("unknown annotation `{id}`; brat lines start with T, A, M, R, E, N, # or *")),
    }
}

/// `Role:T3` arguments, each with the span it names (offsets and label) when it is a `T`.
fn role_args(id: &str, args: &[&str], bounds: &BTreeMap<String, TextBound>) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for arg in args {
        let (role, reference) = arg.split_once(':').ok_or_else(|| format!("argument `{arg}` of {id} is not `ROLE:ID`"))?;
        let mut value = json!({"role": role, "ref": reference});
        if let Some(bound) = bounds.get(reference) {
            let start = bound.fragments.iter().map(|f| f.0).min().unwrap_or(0);
            let end = bound.fragments.iter().map(|f| f.1).max().unwrap_or(0);
            value["start"] = start.into();
            value["end"] = end.into();
            value["label"] = bound.label.clone().into();
        } else if reference.starts_with('T') {
            return Err(format!("{id} refers to `{reference}`, which is no T annotation of this file"));
        }
        out.push(value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(text: &str, ann: &str) -> (Imported, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("d.txt"), text).unwrap();
        std::fs::write(dir.path().join("d.ann"), ann).unwrap();
        let mut diagnostics = Diagnostics::default();
        let imported = read_brat(dir.path(), "ner", &mut diagnostics, &crate::progress::NoProgress).unwrap();
        (imported, diagnostics)
    }

    #[test]
    fn text_bounds_attributes_notes_and_relations() {
        let text = "😀 زار لافروف موسكو\r\nأمس";
        let ann = "T1\tPER 6 12\tلافروف\nT2\tLOC 13 18\tموسكو\nA1\tNegated T1\nA2\tConfidence T2 High\n#1\tAnnotatorNotes T2\tعاصمة\nN1\tReference T2 Wikipedia:2005\tMoscow\nR1\tVisit Arg1:T1 Arg2:T2\nE1\tVisit:T1 Place:T2\n*\tEquiv T1 T2\n";
        let (imported, diagnostics) = import(text, ann);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(imported.spans.len(), 2);
        let per = &imported.spans[0];
        assert_eq!((per.start, per.end, per.attrs["Negated"].as_str()), (6, 12, "true"));
        let loc = &imported.spans[1];
        assert_eq!(loc.attrs["Confidence"], "High");
        assert_eq!(loc.attrs["note"], "عاصمة");
        assert_eq!(loc.attrs["norm"], "Wikipedia:2005");
        assert_eq!(imported.relations.len(), 3);
        assert_eq!(imported.relations[0]["args"][1]["start"], 13);
        assert_eq!(imported.relations[1]["type"], "Visit");
        assert_eq!(imported.summary.counts["relations"], 1);
    }

    #[test]
    fn a_bom_counted_by_brat_shifts_the_offsets_and_triggers_get_their_layer() {
        let (imported, diagnostics) = import("\u{FEFF}زار لافروف", "T1\tPER 5 11\tلافروف\nT2\tVisit 1 4\tزار\nE1\tVisit:T2 Agent:T1\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let found: Vec<(usize, usize, &str)> = imported.spans.iter().map(|s| (s.start, s.end, s.layer.as_str())).collect();
        assert_eq!(found, vec![(4, 10, "ner"), (0, 3, "event")]);
        assert!(imported.summary.conversions.iter().any(|c| c.contains("byte-order mark")));
    }

    #[test]
    fn discontinuous_spans_become_grouped_fragments_and_are_reported() {
        let (imported, diagnostics) = import("وزير الخارجية الروسي", "T4\tPER 0 4;14 20\tوزير الروسي\n");
        assert_eq!(imported.spans.len(), 2);
        assert!(imported.spans.iter().all(|s| s.attrs["group"] == "T4"));
        assert_eq!(diagnostics.warning_count(), 1);
    }

    #[test]
    fn an_ann_without_its_text_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "x").unwrap();
        std::fs::write(dir.path().join("b.ann"), "T1\tX 0 1\tx\n").unwrap();
        let mut diagnostics = Diagnostics::default();
        read_brat(dir.path(), "ner", &mut diagnostics, &crate::progress::NoProgress).unwrap();
        assert!(diagnostics.problems()[0].message.contains("no .txt beside this .ann"), "{diagnostics:?}");
    }

    #[test]
    fn mismatched_text_and_bad_lines_are_errors_with_lines() {
        let ann = "T1\tPER 0 4\tخطأ\nT2\tLOC 0 99\tx\nT3 PER 0 1 x\nA1\tNeg T9\nR1\tR Arg1:T1\nX1\twhat\n";
        let (imported, diagnostics) = import("وزير الخارجية", ann);
        assert!(imported.spans.is_empty());
        let lines: Vec<Option<usize>> = diagnostics.problems().iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)]);
        assert!(diagnostics.problems()[0].message.contains("declares \"خطأ\""));
    }
}
