//! `mizan run --shard K/N` and `mizan merge`: merging every shard of a run gives the report of
//! the unsharded run — every count, figure, average, slice, per-article count and interval —
//! for N = 1, 2 and 5, on a generated dataset with two layers, attributes, a metadata slice, a
//! predictions file with mistakes and failed articles.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{json, Value};

const TEXT: &str = "قال وزير الخارجية الروسي لافروف في موسكو إن روسيا وبريطانيا شريكان";
const WORDS: [(&str, &str); 4] = [("لافروف", "PER"), ("موسكو", "LOC"), ("روسيا", "LOC"), ("بريطانيا", "LOC")];

fn offsets(needle: &str) -> (usize, usize) {
    let start = TEXT[..TEXT.find(needle).unwrap()].chars().count();
    (start, start + needle.chars().count())
}

fn write_jsonl(path: &Path, rows: &[Value]) {
    std::fs::write(path, rows.iter().map(|r| r.to_string() + "\n").collect::<String>()).unwrap();
}

/// 60 articles in three sources; gold of `ner` and `quote` (with a speaker); predictions that
/// miss, mislabel and add spans, and one span that does not fit its article (a failure).
fn dataset(dir: &Path) {
    let mut articles = Vec::new();
    let mut gold = Vec::new();
    let mut predicted = Vec::new();
    for i in 0..60 {
        let id = format!("n{i:02}");
        let source = ["sana", "afp", "reuters"][i % 3];
        articles.push(json!({"id": id, "text": TEXT, "source": source}));
        for (k, (word, label)) in WORDS.iter().enumerate() {
            let (start, end) = offsets(word);
            gold.push(json!({"article_id": id, "start": start, "end": end, "label": label}));
            match (i + k) % 5 {
                0 => {}
                1 => predicted.push(json!({"article_id": id, "start": start, "end": end, "label": "ORG"})),
                2 => predicted.push(json!({"article_id": id, "start": start, "end": end - 1, "label": label})),
                _ => predicted.push(json!({"article_id": id, "start": start, "end": end, "label": label})),
            }
        }
        let (start, end) = offsets("روسيا وبريطانيا");
        gold.push(json!({"article_id": id, "layer": "quote", "start": start, "end": end, "label": "QUOTE", "attrs": {"speaker": "لافروف"}}));
        let speaker = if i % 4 == 0 { "موسكو" } else { "لافروف" };
        predicted.push(json!({"article_id": id, "layer": "quote", "start": start, "end": end, "label": "QUOTE", "attrs": {"speaker": speaker}}));
        if i % 7 == 0 {
            predicted.push(json!({"article_id": id, "start": 0, "end": 3, "label": "PER"}));
        }
        if i % 13 == 5 {
            predicted.push(json!({"article_id": id, "start": 0, "end": 3, "label": "PER", "text": "not these"}));
        }
    }
    write_jsonl(&dir.join("articles.jsonl"), &articles);
    write_jsonl(&dir.join("gold.jsonl"), &gold);
    write_jsonl(&dir.join("pred.jsonl"), &predicted);
}

fn run(dir: &Path, out: &str, extra: &[&str]) -> Value {
    let output = Command::cargo_bin("mizan")
        .unwrap()
        .current_dir(dir)
        .args(["run", "--articles", "articles.jsonl", "--gold", "gold.jsonl", "--predictions", "model=pred.jsonl", "-e", "oracle"])
        .args(["--slice-by", "source", "--bootstrap", "200", "-q", "--out", out])
        .args(extra)
        .output()
        .unwrap();
    // Failed articles make the run exit 1, after writing everything.
    assert!(output.status.code() == Some(0) || output.status.code() == Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&std::fs::read(dir.join(out).join("report.json")).unwrap()).unwrap()
}

/// The parts of a report that do not depend on when and in how many pieces it was made.
fn comparable(mut report: Value) -> Value {
    let object = report.as_object_mut().unwrap();
    object.remove("created");
    for (_, extractor) in object["extractors"].as_object_mut().unwrap() {
        extractor.as_object_mut().unwrap().remove("timing");
        let errors = extractor["errors"].as_array_mut().unwrap();
        errors.sort_by_key(|e| e["article_id"].as_str().unwrap().to_string());
    }
    report
}

#[test]
fn merged_shards_equal_the_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path());
    let whole = run(dir.path(), "whole", &[]);
    assert!(!whole["extractors"]["model"]["errors"].as_array().unwrap().is_empty(), "the fixture has failed articles");
    assert!(whole["extractors"]["model"]["layers"]["quote"]["attributes"]["speaker"]["compared"].as_u64().unwrap() > 0);
    for n in [1u32, 2, 5] {
        let mut folders = Vec::new();
        let mut articles = 0;
        for k in 1..=n {
            let out = format!("shard-{k}-of-{n}");
            let part = run(dir.path(), &out, &["--shard", &format!("{k}/{n}")]);
            assert_eq!(part["shard"], json!({"index": k, "count": n}));
            assert_eq!(part["dataset"], whole["dataset"], "a partial report names the whole dataset");
            articles += part["extractors"]["model"]["layers"]["ner"]["articles"].as_u64().unwrap();
            folders.push(out);
        }
        assert_eq!(articles, 60, "shards of {n} cover every article once");
        folders.reverse(); // any order
        let merged_dir = format!("merged-{n}");
        let output = Command::cargo_bin("mizan")
            .unwrap()
            .current_dir(dir.path())
            .arg("merge")
            .args(&folders)
            .args(["--bootstrap", "200", "--out", &merged_dir])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let merged: Value = serde_json::from_slice(&std::fs::read(dir.path().join(&merged_dir).join("report.json")).unwrap()).unwrap();
        assert_eq!(comparable(merged), comparable(whole.clone()), "N = {n}");
        let lines = |path: &Path| std::fs::read_to_string(path).unwrap().lines().count();
        assert_eq!(lines(&dir.path().join(&merged_dir).join("predictions/model.jsonl")), lines(&dir.path().join("whole/predictions/model.jsonl")));
        assert_eq!(lines(&dir.path().join(&merged_dir).join("outcomes.jsonl")), lines(&dir.path().join("whole/outcomes.jsonl")));
    }
}

#[test]
fn incomplete_or_mixed_shards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path());
    run(dir.path(), "a", &["--shard", "1/3"]);
    run(dir.path(), "b", &["--shard", "2/3"]);
    run(dir.path(), "c", &["--shard", "1/2"]);
    run(dir.path(), "whole", &[]);
    let merge = |reports: &[&str]| {
        let output = Command::cargo_bin("mizan").unwrap().current_dir(dir.path()).arg("merge").args(reports).args(["--out", "m"]).output().unwrap();
        (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (code, stderr) = merge(&["a", "b"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("missing 3/3"), "{stderr}");
    let (_, stderr) = merge(&["a", "c"]);
    assert!(stderr.contains("different splits"), "{stderr}");
    let (_, stderr) = merge(&["a", "a"]);
    assert!(stderr.contains("given twice"), "{stderr}");
    let (_, stderr) = merge(&["whole"]);
    assert!(stderr.contains("not a partial report"), "{stderr}");
    for bad in ["0/2", "3/2", "x"] {
        let output = Command::cargo_bin("mizan").unwrap().current_dir(dir.path()).args(["run", "sana", "--shard", bad, "--out", "z"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("K/N"), "{bad}");
    }
}
