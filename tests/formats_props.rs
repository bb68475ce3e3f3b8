//! Property tests of every annotation format: on generated Arabic text (diacritics, tatweel,
//! bidi marks, emoji, CRLF), export → import gives the spans back; and no reader panics or
//! hangs on mutated input.

use std::collections::BTreeMap;
use std::path::Path;

use mizan::load::conll::{read_conll, ConllOptions, TagScheme};
use mizan::load::offsets::OffsetUnit;
use mizan::load::{
    read_brat, read_doccano, read_jsonl, read_label_studio, read_spacy, write_brat, write_conll, write_doccano, write_jsonl, write_label_studio, write_spacy,
    Diagnostics, DoccanoOptions, Imported, LabelStudioOptions, SpacyOptions,
};
use mizan::progress::NoProgress;
use mizan::{Article, Span};
use proptest::prelude::*;

/// Pieces a word is built from: letters, diacritics, tatweel, a bidi mark, emoji (astral and a
/// flag pair), Latin letters and digits.
const PIECES: &[&str] = &["م", "ح", "د", "ل", "ا", "و", "ُ", "َ", "ّ", "ـ", "\u{200F}", "😀", "🇸🇾", "a", "Z", "٣", "7", "ة", "ي"];
const GAPS: &[&str] = &[" ", " ", " ", "\n", "\r\n", "، ", ". "];

/// A document: words and the gaps after them.
fn document() -> impl Strategy<Value = (Vec<String>, Vec<&'static str>)> {
    let word = prop::collection::vec(prop::sample::select(PIECES), 1..5).prop_map(|p| p.concat());
    (1usize..12).prop_flat_map(move |n| (prop::collection::vec(word.clone(), n), prop::collection::vec(prop::sample::select(GAPS), n)))
}

/// Articles and non-overlapping spans over whole words.
fn corpus() -> impl Strategy<Value = (Vec<Article>, Vec<Span>)> {
    prop::collection::vec((document(), prop::collection::vec((0usize..12, 1usize..3, prop::sample::select(&["PER", "LOC", "ORG"][..])), 0..4)), 1..4).prop_map(
        |docs| {
            let mut articles = Vec::new();
            let mut spans = Vec::new();
            for (k, ((words, gaps), picks)) in docs.into_iter().enumerate() {
                let id = format!("doc-{k}");
                let mut text = String::new();
                let mut bounds = Vec::new();
                for (word, gap) in words.iter().zip(&gaps) {
                    let start = text.chars().count();
                    text.push_str(word);
                    bounds.push((start, text.chars().count()));
                    text.push_str(gap);
                }
                let mut taken = vec![false; words.len()];
                for (first, len, label) in picks {
                    let first = first % words.len();
                    let last = (first + len).min(words.len());
                    if taken[first..last].iter().any(|t| *t) {
                        continue;
                    }
                    taken[first..last].iter_mut().for_each(|t| *t = true);
                    spans.push(Span::new(id.clone(), bounds[first].0, bounds[last - 1].1, label));
                }
                articles.push(Article::new(id, text, BTreeMap::new()));
            }
            (articles, spans)
        },
    )
}

fn offsets(spans: &[Span]) -> Vec<(String, usize, usize, String)> {
    let mut out: Vec<_> = spans.iter().map(|s| (s.article_id.clone(), s.start, s.end, s.label.clone())).collect();
    out.sort();
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Reads a file back in a format, asserting there were no errors.
fn read_back(format: &str, path: &Path) -> Imported {
    let mut diagnostics = Diagnostics::default();
    let imported = match format {
        "jsonl" => read_jsonl(path, &mut diagnostics, &NoProgress),
        "brat" => read_brat(path, "ner", &mut diagnostics, &NoProgress),
        "label-studio" => read_label_studio(
            path,
            &LabelStudioOptions { text_field: None, layer: "ner".into(), layer_from_control: false, offsets: None },
            &mut diagnostics,
            &NoProgress,
        ),
        "doccano" => {
            read_doccano(path, &DoccanoOptions { offsets: Some(OffsetUnit::Utf16), layer: "ner".into(), ..Default::default() }, &mut diagnostics, &NoProgress)
        }
        "spacy" => read_spacy(path, &SpacyOptions::default(), &mut diagnostics, &NoProgress),
        _ => unreachable!(),
    }
    .unwrap();
    assert_eq!(diagnostics.error_count(), 0, "{format}: {diagnostics:?}");
    imported
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_offset_format_gives_the_spans_back((articles, spans) in corpus()) {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<(&str, std::path::PathBuf)> = vec![
            ("jsonl", write(dir.path(), "d.jsonl", &write_jsonl(&articles, &spans))),
            ("label-studio", write(dir.path(), "ls.json", &write_label_studio(&articles, &spans, &BTreeMap::new()))),
            ("doccano", write(dir.path(), "doccano.jsonl", &write_doccano(&articles, &spans, OffsetUnit::Utf16).bytes)),
            ("spacy", write(dir.path(), "spacy.jsonl", &write_spacy(&articles, &spans))),
            ("brat", {
                let folder = dir.path().join("brat");
                for (path, bytes) in write_brat(&articles, &spans, &[]).unwrap() {
                    std::fs::create_dir_all(folder.join(&path).parent().unwrap()).unwrap();
                    std::fs::write(folder.join(path), bytes).unwrap();
                }
                folder
            }),
        ];
        for (format, path) in files {
            let imported = read_back(format, &path);
            let texts: Vec<&str> = imported.articles.iter().map(|a| a.text.as_str()).collect();
            let expected: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
            prop_assert_eq!(texts, expected, "{}", format);
            let ids: Vec<&str> = imported.articles.iter().map(|a| a.id.as_str()).collect();
            let mut spans_back = imported.spans.clone();
            // doccano and spaCy keep the id; all formats keep the offsets.
            for span in &mut spans_back {
                let k = ids.iter().position(|id| *id == span.article_id).unwrap();
                span.article_id = articles[k].id.clone();
            }
            prop_assert_eq!(offsets(&spans_back), offsets(&spans), "{}", format);
        }
    }

    #[test]
    fn conll_gives_the_labels_back_over_the_same_words((articles, spans) in corpus(), scheme in prop::sample::select(&["iob1", "iob2", "ioe", "iobes", "bmes", "bilou"][..])) {
        let scheme: TagScheme = scheme.parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let export = write_conll(&articles, &spans, scheme);
        let path = write(dir.path(), "c.conll", &export.bytes);
        let mut diagnostics = Diagnostics::default();
        let options = ConllOptions { scheme: Some(scheme), sentences_per_article: 0, ..ConllOptions::default() };
        let imported = read_conll(&path, &options, &mut diagnostics, &NoProgress).unwrap();
        prop_assert_eq!(diagnostics.error_count(), 0);
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let mut back: Vec<(String, String)> = imported.spans.iter().map(|s| (s.label.clone(), squeeze(s.text.as_deref().unwrap_or_default()))).collect();
        let mut expected: Vec<(String, String)> = spans.iter().map(|s| {
            let article = articles.iter().find(|a| a.id == s.article_id).unwrap();
            (s.label.clone(), squeeze(article.slice(s.start, s.end).unwrap()))
        }).collect();
        back.sort();
        expected.sort();
        prop_assert_eq!(back, expected);
    }
}

/// A valid file of each format, to mutate.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let articles = vec![Article::new("a", "😀 قال لافروف في موسكو،\r\nأمس.", BTreeMap::new())];
    let spans = vec![Span::new("a", 6, 12, "PER"), Span::new("a", 16, 21, "LOC")];
    let brat = write_brat(&articles, &spans, &[]).unwrap();
    vec![
        ("jsonl", write_jsonl(&articles, &spans)),
        ("label-studio", write_label_studio(&articles, &spans, &BTreeMap::new())),
        ("doccano", write_doccano(&articles, &spans, OffsetUnit::Utf16).bytes),
        ("doccano", {
            let lines = write_doccano(&articles, &spans, OffsetUnit::Utf16).bytes;
            let records: Vec<serde_json::Value> = String::from_utf8(lines).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            serde_json::to_vec_pretty(&records).unwrap()
        }),
        ("spacy", write_spacy(&articles, &spans)),
        ("conll", write_conll(&articles, &spans, TagScheme::Iobes).bytes),
        ("brat", brat[1].1.clone()),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Cut(usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let noise = prop::sample::select(vec![
        b"{".to_vec(),
        b"]".to_vec(),
        b"\"".to_vec(),
        b"\t".to_vec(),
        b"\n".to_vec(),
        b"-1".to_vec(),
        b"99999999999999999999".to_vec(),
        b"\xff".to_vec(),
        "😀".as_bytes().to_vec(),
        b";".to_vec(),
        b"T1".to_vec(),
        b"null".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        any::<usize>().prop_map(Mutation::Cut),
        (any::<usize>(), noise).prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let n = bytes.len().max(1);
        match m {
            Mutation::Flip(at, b) if !bytes.is_empty() => bytes[at % n] = *b,
            Mutation::Cut(at) => bytes.truncate(at % n),
            Mutation::Insert(at, noise) => {
                let at = (at % n).min(bytes.len());
                bytes.splice(at..at, noise.iter().copied());
            }
            Mutation::Duplicate(at, len) => {
                let at = (at % n).min(bytes.len());
                let end = (at + len).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_reader_panics_on_mutated_input(mutations in prop::collection::vec(mutation(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        for (format, seed) in seeds() {
            let bytes = apply(seed, &mutations);
            let mut diagnostics = Diagnostics::default();
            let _ = match format {
                "brat" => {
                    std::fs::write(dir.path().join("a.txt"), "😀 قال لافروف في موسكو،\r\nأمس.").unwrap();
                    let path = write(dir.path(), "a.ann", &bytes);
                    read_brat(&path, "ner", &mut diagnostics, &NoProgress).map(|_| ())
                }
                "conll" => {
                    let path = write(dir.path(), "c.conll", &bytes);
                    read_conll(&path, &ConllOptions::default(), &mut diagnostics, &NoProgress).map(|_| ())
                }
                other => {
                    let path = write(dir.path(), "f", &bytes);
                    match other {
                        "jsonl" => read_jsonl(&path, &mut diagnostics, &NoProgress),
                        "label-studio" => read_label_studio(&path, &LabelStudioOptions { text_field: None, layer: "ner".into(), layer_from_control: false, offsets: None }, &mut diagnostics, &NoProgress),
                        "doccano" => read_doccano(&path, &DoccanoOptions { layer: "ner".into(), ..Default::default() }, &mut diagnostics, &NoProgress),
                        _ => read_spacy(&path, &SpacyOptions::default(), &mut diagnostics, &NoProgress),
                    }
                    .map(|_| ())
                }
            };
        }
    }
}
