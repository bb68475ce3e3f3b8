//! Fuzzing every reader with proptest, on a fixed small budget: arbitrary bytes, JSON-ish token
//! soup, and valid inputs with random byte mutations (flips, insertions, deletions, cuts,
//! duplicated pieces) for span JSONL, articles JSONL (through the whole dataset loader and its
//! checks), CoNLL, the registry TOML, the manifest TOML and external extractors' answers. A
//! reader may refuse its input, never panic or hang; what it accepts must hold (every gold span
//! fits its article). Inputs that once crashed a reader are kept under `tests/data/fuzz/`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use mizan::extract::command::{CommandExtractor, CommandSpec};
use mizan::extract::{ExtractError, Extractor};
use mizan::load::conll::{read_conll, ConllOptions};
use mizan::load::{parse_span, Diagnostics};
use mizan::progress::NoProgress;
use mizan::{Article, Dataset, DatasetSpec};
use proptest::prelude::*;

/// Pieces that JSON readers care about, to build inputs that get past the first byte.
const JSON_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    " ",
    "article_id",
    "\"article_id\"",
    "\"start\"",
    "\"end\"",
    "\"label\"",
    "\"layer\"",
    "\"text\"",
    "\"attrs\"",
    "\"id\"",
    "\"spans\"",
    "0",
    "1",
    "4",
    "10",
    "-1",
    "-0",
    "1.5",
    "1e400",
    "18446744073709551616",
    "null",
    "true",
    "\"PER\"",
    "\"a1\"",
    "\"قال لافروف\"",
    "\"لافروف\"",
    "\\u0000",
    "\\ud800",
    "\\\"",
    "\\n",
    "🙂",
    "\u{200F}",
    "\u{202E}",
    "\u{1b}",
    "\r\n",
    "\n",
    "\u{feff}",
    "ـ",
    "ُ",
];

fn soup(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|p| p.concat())
}

/// A mutation of `seed`: each `(kind, at, byte)` flips, inserts, deletes, cuts or duplicates.
fn mutated(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((0u8..5, any::<prop::sample::Index>(), any::<u8>()), 1..8).prop_map(move |edits| {
        let mut bytes = seed.as_bytes().to_vec();
        for (kind, at, byte) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] ^= byte | 1,
                1 => bytes.insert(i, byte),
                2 => {
                    bytes.remove(i);
                }
                3 => bytes.truncate(i),
                _ => {
                    let piece = bytes[i..].iter().take(12).copied().collect::<Vec<_>>();
                    bytes.splice(i..i, piece);
                }
            }
        }
        bytes
    })
}

fn any_input(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..200), soup(JSON_PIECES, 40).prop_map(String::into_bytes), mutated(seed)]
}

const SPAN: &str = "{\"article_id\": \"a1\", \"start\": 4, \"end\": 10, \"label\": \"PER\", \"text\": \"لافروف\", \"attrs\": {\"role\": \"وزير\"}}\n";
const ARTICLE: &str = "{\"id\": \"a1\", \"text\": \"قال لافروف في موسكو\", \"split\": \"test\"}\n";
const CONLL: &str = "-DOCSTART- O\n\nقال O\nسيرغي B-PER\nلافروف I-PER\nفي O\nموسكو B-LOC\n\nو O\n";
const REGISTRY: &str =
    "[extractor.mine]\nkind = \"command\"\ncommand = [\"true\"]\nversion = \"1\"\nlayers = [\"ner\"]\ntimeout_secs = 2\nworkers = 1\n\n[extractor.g]\nkind = \"gazetteer\"\n";
const MANIFEST: &str = "name = \"d\"\nlanguage = \"ar\"\n[articles]\nformat = \"jsonl\"\npath = \"articles.jsonl\"\n[layers.ner]\nlabels = [\"PER\", \"LOC\"]\nflat = true\n[splits]\ntest = [\"a1\"]\n";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn span_lines_never_panic(input in any_input(SPAN)) {
        let text = String::from_utf8_lossy(&input);
        if let Ok((span, _)) = parse_span(&text, "ner", None) {
            prop_assert!(!span.article_id.is_empty() || text.contains("\"\""));
        }
    }

    #[test]
    fn manifests_never_panic(input in any_input(MANIFEST)) {
        let _ = mizan::dataset::Manifest::parse(&String::from_utf8_lossy(&input));
    }
}

proptest! {
    #![proptest_config(config(60))]

    /// Articles and gold through the whole loader: reading, checks, frames.
    #[test]
    fn datasets_never_panic_and_keep_only_fitting_spans(articles in any_input(ARTICLE), gold in any_input(SPAN)) {
        let dir = tempfile::tempdir().unwrap();
        let mut article_bytes = ARTICLE.as_bytes().to_vec();
        article_bytes.extend_from_slice(&articles);
        let mut gold_bytes = SPAN.as_bytes().to_vec();
        gold_bytes.extend_from_slice(&gold);
        std::fs::write(dir.path().join("a.jsonl"), &article_bytes).unwrap();
        std::fs::write(dir.path().join("g.jsonl"), &gold_bytes).unwrap();
        let spec = DatasetSpec::Files { articles: dir.path().join("a.jsonl"), gold: vec![dir.path().join("g.jsonl")] };
        if let Ok((dataset, _)) = Dataset::load(&spec, &NoProgress) {
            for span in &dataset.gold {
                let article = dataset.articles.iter().find(|a| a.id == span.article_id);
                prop_assert!(article.is_some_and(|a| span.start < span.end && span.end <= a.char_len()), "{span:?}");
            }
        }
    }

    #[test]
    fn conll_never_panics(input in any_input(CONLL)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.conll");
        std::fs::write(&path, &input).unwrap();
        for options in [ConllOptions::default(), ConllOptions { sentences_per_article: 0, ..ConllOptions::default() }] {
            let mut diagnostics = Diagnostics::default();
            if let Ok(imported) = read_conll(&path, &options, &mut diagnostics, &NoProgress) {
                for span in &imported.spans {
                    let article = imported.articles.iter().find(|a| a.id == span.article_id);
                    prop_assert!(article.is_some_and(|a| a.slice(span.start, span.end).is_some()), "{span:?}");
                }
            }
        }
    }

    #[test]
    fn registries_never_panic(input in any_input(REGISTRY)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("extractors.toml");
        std::fs::write(&path, &input).unwrap();
        if let Ok(all) = mizan::extract::registry::Registry::builtin().read_file(&path) {
            for declaration in &all {
                let _ = mizan::extract::registry::Registry::builtin().describe(declaration);
            }
        }
    }
}

/// An external extractor that answers each article with the article's text as its whole
/// answer line, so that the fuzzer writes the answers.
fn echo_extractor(dir: &Path) -> CommandExtractor {
    let script = "import json, sys\nfor line in sys.stdin:\n    sys.stdout.write(json.loads(line)['text'] + '\\n')\n    sys.stdout.flush()\n";
    std::fs::write(dir.join("echo.py"), script).unwrap();
    let spec = CommandSpec {
        name: "echo".into(),
        command: vec!["python3".into(), "echo.py".into()],
        version: "1".into(),
        layers: vec!["ner".into()],
        timeout: Duration::from_secs(10),
        workers: 1,
        env: BTreeMap::new(),
        dir: dir.to_path_buf(),
    };
    CommandExtractor::start(spec).unwrap()
}

const ANSWER: &str = "{\"id\": \"a1\", \"spans\": [{\"start\": 4, \"end\": 10, \"label\": \"PER\", \"attrs\": {\"role\": \"x\"}}, {\"start\": 0, \"end\": 3, \"label\": \"LOC\", \"layer\": \"ner\"}]}";

#[test]
fn external_answers_never_panic_or_hang() {
    let dir = tempfile::tempdir().unwrap();
    let extractor = echo_extractor(dir.path());
    // Each malformed answer restarts the worker (tens of milliseconds): a small budget here; the
    // answer parser itself is fuzzed in-process by command.rs's own tests.
    let mut runner = proptest::test_runner::TestRunner::new(config(20));
    let answers = prop_oneof![soup(JSON_PIECES, 40), mutated(ANSWER).prop_map(|b| String::from_utf8_lossy(&b).into_owned())]
        .prop_map(|a| a.replace(['\n', '\r', '\u{2028}', '\u{2029}'], " "));
    runner
        .run(&answers, |answer| {
            let article = Article::new("a1", answer.clone(), BTreeMap::new());
            match extractor.extract(&article) {
                Ok(spans) => prop_assert!(spans.iter().all(|s| s.article_id == "a1")),
                Err(ExtractError::Timeout { .. }) => prop_assert!(false, "hung on {answer:?}"),
                Err(_) => {}
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn inputs_that_once_crashed_a_reader_are_read_without_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_span(&text, "ner", None);
        let _ = mizan::dataset::Manifest::parse(&text);
        let _ = mizan::extract::registry::Registry::builtin().read_file(&path);
        let mut diagnostics = Diagnostics::default();
        let _ = read_conll(&path, &ConllOptions::default(), &mut diagnostics, &NoProgress);
        let _ = Dataset::load(&DatasetSpec::Files { articles: path.clone(), gold: vec![path.clone()] }, &NoProgress);
        count += 1;
    }
    assert!(count > 0, "no cases in {}", root.display());
}
