//! The streaming `validate` and `stats` (`Dataset::summarize_streaming`) against the
//! whole-dataset path they replace (`Dataset::load` and `stats`): the same counts, the same
//! fingerprint and the same problems, in the same order, on generated datasets — clean, full of
//! problems, with a manifest, several span files — and, when `MIZAN_CORPORA` names the shared
//! corpora, on ANERcorp and NewsFANE imported. Files the streaming reader cannot follow (spans
//! out of order, unknown or repeated ids) must make it give up, not answer differently.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mizan::dataset::Summary;
use mizan::progress::NoProgress;
use mizan::{Dataset, DatasetSpec};

/// Both paths on `spec`; panics when they differ. `true` when the streaming path answered.
fn agree(spec: &DatasetSpec, fingerprint: bool) -> bool {
    let render = |(summary, diagnostics): (Summary, mizan::load::Diagnostics)| {
        let problems: Vec<String> = diagnostics.sorted().iter().map(|p| p.to_string()).collect();
        (summary, problems, diagnostics.error_count())
    };
    let whole = Dataset::summarize_whole(spec, fingerprint, &NoProgress).map(render).map_err(|e| e.to_string());
    let streamed = Dataset::summarize_streaming(spec, fingerprint, &NoProgress).map_err(|e| e.to_string());
    match (streamed, whole) {
        (Ok(Some(streamed)), Ok(whole)) => {
            let streamed = render(streamed);
            assert_eq!(streamed.1, whole.1, "problems differ");
            assert_eq!(streamed, whole, "summaries differ");
            if fingerprint && whole.2 == 0 {
                assert!(streamed.0.fingerprint.is_some());
            }
            true
        }
        (Ok(None), _) => false,
        (Err(streamed), Err(whole)) => {
            assert_eq!(streamed, whole);
            true
        }
        (streamed, whole) => panic!("streamed {:?}, whole {:?}", streamed.map(|s| s.map(render)), whole),
    }
}

fn files(dir: &Path, articles: &str, gold: &[&str]) -> DatasetSpec {
    std::fs::write(dir.join("articles.jsonl"), articles).unwrap();
    let mut paths = Vec::new();
    for (k, body) in gold.iter().enumerate() {
        let path = dir.join(format!("gold{k}.jsonl"));
        std::fs::write(&path, body).unwrap();
        paths.push(path);
    }
    DatasetSpec::Files { articles: dir.join("articles.jsonl"), gold: paths }
}

const TEXTS: [&str; 5] = [
    "موسكو-سانا\nقال سيرغي لافروف إن المحادثات مع جونسون كانت بنّاءة",
    "قال \u{200F}الوزير 😀 في دمشق\r\nاليوم",
    "مُحَمَّد عـــلي زار بيروت",
    "  نص مع مسافات  ",
    "خبر قصير",
];

const LABELS: [&str; 3] = ["PER", "LOC", "ORG"];

/// `n` articles (ids in order unless `shuffled`) and spans for each: clean ones, one with its
/// `text`, one with attrs; `split` metadata on every other article.
fn generated(n: usize, shuffled: bool) -> (String, String) {
    let mut articles = String::new();
    let mut gold = String::new();
    let order: Vec<usize> = if shuffled { (0..n).rev().collect() } else { (0..n).collect() };
    for i in order {
        let text = TEXTS[i % TEXTS.len()];
        let mut line = serde_json::json!({"id": format!("doc-{i:05}"), "text": text, "source": "sana"});
        if i % 2 == 0 {
            line["split"] = if i % 4 == 0 { "train" } else { "test" }.into();
        }
        writeln!(articles, "{line}").unwrap();
        let chars: Vec<char> = text.chars().collect();
        for (start, end) in [(0usize, 4usize), (1, 3), (2, 6)] {
            let covered: String = chars[start..end.min(chars.len())].iter().collect();
            let mut span = serde_json::json!({"article_id": format!("doc-{i:05}"), "start": start, "end": end, "label": LABELS[(i + start) % 3]});
            if start == 1 {
                span["text"] = covered.into();
            }
            if start == 2 && i % 3 == 0 {
                span["attrs"] = serde_json::json!({"speaker": "لافروف"});
                span["layer"] = "quote".into();
            }
            writeln!(gold, "{span}").unwrap();
        }
    }
    (articles, gold)
}

#[test]
fn clean_generated_data_streams_with_the_same_counts_and_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let (articles, gold) = generated(300, false);
    let spec = files(dir.path(), &articles, &[&gold]);
    assert!(agree(&spec, true));
    assert!(agree(&spec, false));
    let (summary, diagnostics) = Dataset::summarize(&spec, true, &NoProgress).unwrap();
    assert_eq!(summary.articles, 300);
    assert!(summary.stats.splits.contains_key("train") && summary.stats.spans.contains_key("quote"));
    assert!(summary.fingerprint.is_some(), "{:?}", diagnostics.sorted());
}

#[test]
fn problems_are_the_same_and_in_the_same_order() {
    let dir = tempfile::tempdir().unwrap();
    let (mut articles, mut gold) = generated(20, false);
    articles.push_str("{\"id\": \"doc-90000\", \"text\": \"x\", \"year\": 2018, \"tags\": [1]}\n\n{\"id\": \"doc-90001\"}\nnot json\n");
    articles.push_str("{\"id\": \"doc-90002\", \"text\": \"   \"}\n");
    let bad = [
        r#"{"article_id": "doc-90000", "start": 0, "end": 0, "label": "PER"}"#,
        r#"{"article_id": "doc-90000", "start": 0, "end": 5, "label": "PER"}"#,
        r#"{"article_id": "doc-90000", "start": 0, "end": 1, "label": "PER", "text": "y"}"#,
        r#"{"article_id": "doc-90000", "start": 0, "end": 1, "label": "PER", "score": 0.5}"#,
        r#"{"article_id": "doc-90000", "start": 0, "end": 1, "label": "PER"}"#,
        r#"{"article_id": "doc-90000", "start": 0, "end": 1, "label": "P\u001bR"}"#,
        r#"{"article_id": "doc-90000", "start": "0", "end": 1, "label": "PER"}"#,
        "",
        r#"{"article_id": "doc-90002", "start": 0, "end": 2, "label": "LOC"}"#,
    ];
    for line in bad {
        gold.push_str(line);
        gold.push('\n');
    }
    gold.push_str("\u{FEFF}stray\n");
    let mut raw = gold.into_bytes();
    raw.extend_from_slice(b"{\"article_id\": \"doc-90002\", \"start\": 0, \"end\": 1, \"label\": \"\xFF\"}\n");
    std::fs::write(dir.path().join("raw.jsonl"), &raw).unwrap();
    let mut spec = files(dir.path(), &articles, &[]);
    if let DatasetSpec::Files { gold, .. } = &mut spec {
        gold.push(dir.path().join("raw.jsonl"));
    }
    assert!(agree(&spec, true));
    let (_, diagnostics) = Dataset::summarize(&spec, true, &NoProgress).unwrap();
    assert!(diagnostics.error_count() >= 8 && diagnostics.warning_count() >= 4, "{:?}", diagnostics.sorted());
}

#[test]
fn a_manifest_s_splits_schemas_and_several_span_files_stream() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ds");
    std::fs::create_dir_all(root.join("gold")).unwrap();
    let (articles, gold) = generated(40, false);
    std::fs::write(root.join("articles.jsonl"), &articles).unwrap();
    let (mut ner, mut quote) = (String::new(), String::new());
    for line in gold.lines() {
        let target = if line.contains("\"quote\"") { &mut quote } else { &mut ner };
        target.push_str(line);
        target.push('\n');
    }
    // A crossing span in a flat layer, and a label outside the schema.
    ner.push_str("{\"article_id\": \"doc-00039\", \"start\": 1, \"end\": 3, \"label\": \"GPE\"}\n");
    std::fs::write(root.join("gold/ner.jsonl"), ner).unwrap();
    std::fs::write(root.join("gold/quote.jsonl"), quote).unwrap();
    std::fs::write(root.join("gold/date.jsonl"), "{\"article_id\": \"doc-00003\", \"start\": 0, \"end\": 2, \"label\": \"DATE\"}\n").unwrap();
    let manifest = "name = \"gen\"\n[articles]\nformat = \"jsonl\"\n[splits]\ndev = [\"doc-00001\", \"doc-00002\", \"nobody\"]\ntest = [\"doc-00001\"]\n\
                    [layers.ner]\nlabels = [\"PER\", \"LOC\", \"ORG\"]\nflat = true\n[layers.quote]\nlabels = [\"PER\", \"LOC\", \"ORG\"]\nattrs = [\"speaker\", \"role\"]\n";
    std::fs::write(root.join("manifest.toml"), manifest).unwrap();
    let spec = DatasetSpec::Named(root.display().to_string());
    assert!(agree(&spec, true));
    assert!(agree(&spec, false));
    let (summary, diagnostics) = Dataset::summarize(&spec, false, &NoProgress).unwrap();
    assert!(summary.stats.splits.contains_key("dev"));
    let problems: Vec<String> = diagnostics.sorted().iter().map(|p| p.to_string()).collect();
    assert!(problems.iter().any(|p| p.contains("crosses")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("which is no article id")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("gold layer `date` has no schema")), "{problems:?}");
}

#[test]
fn files_the_stream_cannot_follow_fall_back_to_the_whole_path() {
    let dir = tempfile::tempdir().unwrap();
    let (articles, gold) = generated(10, false);
    let mut lines: Vec<&str> = gold.lines().collect();
    // Spans scattered: the first article's last span at the end of the file.
    let moved = lines.remove(2);
    lines.push(moved);
    let scattered = lines.join("\n") + "\n";
    let unknown = format!("{gold}{{\"article_id\": \"nobody\", \"start\": 0, \"end\": 1, \"label\": \"PER\"}}\n");
    let repeated = format!("{articles}{}", articles.lines().next().unwrap());
    let cases: [&str; 3] = [&scattered, &unknown, &gold];
    for (k, gold) in cases.into_iter().enumerate() {
        let spec = files(dir.path(), if k == 2 { &repeated } else { &articles }, &[gold]);
        assert!(!agree(&spec, true), "the stream answered");
        assert!(!agree(&spec, false), "the stream answered");
        // Whichever path answers, the public entry gives the whole path's answer.
        let (summary, _) = Dataset::summarize(&spec, true, &NoProgress).unwrap();
        let (whole, _) = Dataset::summarize_whole(&spec, true, &NoProgress).unwrap();
        assert_eq!(summary, whole);
    }
    // The fingerprint does not depend on order: articles out of id order stream with it, and
    // so do ids whose quoted order differs from their plain order ("a" < "a b", but
    // "\"a b\"" < "\"a\"").
    let (shuffled, shuffled_gold) = generated(10, true);
    assert!(agree(&files(dir.path(), &shuffled, &[&shuffled_gold]), true));
    let spec = files(
        dir.path(),
        "{\"id\": \"a\", \"text\": \"xyz\"}\n{\"id\": \"a b\", \"text\": \"xyz\"}\n",
        &["{\"article_id\": \"a\", \"start\": 0, \"end\": 1, \"label\": \"X\"}\n"],
    );
    assert!(agree(&spec, true));
    // A read error (a folder given as the span file) is the whole path's error.
    let spec = DatasetSpec::Files { articles: dir.path().join("articles.jsonl"), gold: vec![dir.path().to_path_buf()] };
    assert!(!agree(&spec, false));
    assert!(Dataset::summarize(&spec, false, &NoProgress).is_err());
}

/// A small deterministic generator (xorshift), so that a failure names its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Spans each of which fails at most one of the checks the streaming path makes on a clean
/// line itself (offsets, `text`, whitespace at an edge, a bidi mark inside, a label outside the
/// schema or with a control character, a duplicate, a crossing in a flat layer), in and out of
/// text order, among clean ones; over enough articles that both files cross the reader's
/// 64 KiB buffer many times. Every article's answer is the whole path's.
#[test]
fn random_spans_with_every_kind_of_problem_agree() {
    let dir = tempfile::tempdir().unwrap();
    for seed in [1u64, 2, 3] {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        let (mut articles, mut gold) = (String::new(), String::new());
        for i in 0..1500 {
            let id = format!("doc-{i:05}");
            let text = TEXTS[rng.below(TEXTS.len())].repeat(1 + rng.below(3));
            let chars: Vec<char> = text.chars().collect();
            let mut line = serde_json::json!({"id": id, "text": text});
            if rng.below(3) == 0 {
                // Names of more than 15 bytes are counted another way than short ones.
                line["split"] = ["train", "test", "held-out-for-validation"][rng.below(3)].into();
            }
            writeln!(articles, "{line}").unwrap();
            let mut previous: Option<String> = None;
            for _ in 0..rng.below(8) {
                if let Some(again) = previous.as_ref().filter(|_| rng.below(20) == 0) {
                    // A duplicate of the span before.
                    writeln!(gold, "{again}").unwrap();
                    continue;
                }
                let start = rng.below(chars.len() + 2);
                let end = start + rng.below(6);
                let label = ["PER", "LOC", "ORG", "ORGANIZATION_NAME", "GPE", "P\u{1b}R"][if rng.below(10) == 0 { 4 + rng.below(2) } else { rng.below(4) }];
                let mut span = serde_json::json!({"article_id": id, "start": start, "end": end, "label": label});
                if rng.below(3) == 0 && end <= chars.len() {
                    let covered: String = chars[start.min(end)..end].iter().collect();
                    span["text"] = if rng.below(8) == 0 { format!("{covered}x") } else { covered }.into();
                }
                if rng.below(6) == 0 {
                    span["layer"] = "quote".into();
                }
                let span = span.to_string();
                writeln!(gold, "{span}").unwrap();
                previous = Some(span);
            }
        }
        let spec = files(dir.path(), &articles, &[&gold]);
        assert!(agree(&spec, true), "seed {seed}: the stream did not answer");
        assert!(agree(&spec, false), "seed {seed}: the stream did not answer");
        // The same files under a manifest whose default layer is flat with a schema.
        let root = dir.path().join(format!("ds{seed}"));
        std::fs::create_dir_all(root.join("gold")).unwrap();
        std::fs::write(root.join("articles.jsonl"), &articles).unwrap();
        std::fs::write(root.join("gold/ner.jsonl"), &gold).unwrap();
        let manifest = "name = \"random\"\n[articles]\nformat = \"jsonl\"\n[layers.ner]\nlabels = [\"PER\", \"LOC\", \"ORG\"]\nflat = true\n[layers.quote]\nlabels = [\"PER\", \"LOC\"]\n";
        std::fs::write(root.join("manifest.toml"), manifest).unwrap();
        assert!(agree(&DatasetSpec::Named(root.display().to_string()), true), "seed {seed}: the stream did not answer under a manifest");
    }
}

fn corpora() -> PathBuf {
    PathBuf::from(std::env::var_os("MIZAN_CORPORA").expect("set MIZAN_CORPORA to the shared datasets folder (bash .ci/run sets it to ../shared/datasets)"))
}

#[test]
#[ignore = "needs MIZAN_CORPORA (the shared corpora); bash .ci/run sets it and runs the ignored tests"]
fn real_corpora_stream_with_the_same_figures() {
    let work = tempfile::tempdir().unwrap();
    let imports: [(&str, &[&str]); 3] = [
        ("anercorp/ANERCorp_CamelLab_test.txt", &[]),
        ("anercorp/ANERCorp_CamelLab_train.txt", &["--sentences-per-article", "10"]),
        ("newsfane/NewsFANE_Gold_2014_170K.txt", &["--tab-separated"]),
    ];
    for (k, (file, extra)) in imports.into_iter().enumerate() {
        let out = work.path().join(format!("ds{k}"));
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_mizan"))
            .args(["--quiet", "import", "--from", "conll"])
            .arg(corpora().join(file))
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        let spec = DatasetSpec::Named(out.display().to_string());
        assert!(agree(&spec, true), "{file} did not stream");
        assert!(agree(&spec, false), "{file} did not stream");
    }
}
