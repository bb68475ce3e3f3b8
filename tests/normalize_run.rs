//! `mizan run --normalize PROFILE`: gold and predictions on the raw text are both mapped onto
//! the normalised text before scoring, so spans that differ only by what the profile folds
//! match, a gold span the normalisation erases is reported rather than silently scored, and the
//! report says which profile it used.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{json, Value};

/// Code point offsets of `needle` in `text`.
fn offsets(text: &str, needle: &str) -> (usize, usize) {
    let start = text[..text.find(needle).unwrap()].chars().count();
    (start, start + needle.chars().count())
}

fn write_jsonl(path: &Path, rows: &[Value]) {
    std::fs::write(path, rows.iter().map(|r| r.to_string() + "\n").collect::<String>()).unwrap();
}

fn run(dir: &Path, extra: &[&str]) -> (Value, String) {
    let output = Command::cargo_bin("mizan")
        .unwrap()
        .current_dir(dir)
        .args(["run", "--articles", "articles.jsonl", "--gold", "gold.jsonl", "--predictions", "model=pred.jsonl", "--bootstrap", "0", "-q", "--out", "out"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stderr}");
    (serde_json::from_slice(&std::fs::read(dir.join("out/report.json")).unwrap()).unwrap(), stderr)
}

#[test]
fn spans_that_differ_only_by_diacritics_and_tatweel_match_after_normalising() {
    let dir = tempfile::tempdir().unwrap();
    let text = "قالَ لافروفُ في مـوسكو إنّ روسيا مستعدة";
    std::fs::write(dir.path().join("articles.jsonl"), json!({"id": "a", "text": text}).to_string() + "\n").unwrap();
    let span = |needle: &str, label: &str| {
        let (start, end) = offsets(text, needle);
        json!({"article_id": "a", "start": start, "end": end, "label": label})
    };
    // Gold covers the name with its final damma; the model stopped before it. Gold covers the
    // tatweel-stretched spelling; the model covered it too. A stray gold span on the shadda alone
    // cannot survive the folding of diacritics.
    write_jsonl(&dir.path().join("gold.jsonl"), &[span("لافروفُ", "PER"), span("مـوسكو", "LOC"), span("ّ", "MISC")]);
    write_jsonl(&dir.path().join("pred.jsonl"), &[span("لافروف", "PER"), span("مـوسكو", "LOC")]);

    let (raw, _) = run(dir.path(), &[]);
    let strict = &raw["extractors"]["model"]["layers"]["ner"]["overall"]["strict"];
    assert_eq!(strict["correct"], 1, "on the raw text the name's boundary differs: {strict}");
    assert!(raw.get("normalization").is_none());

    let (folded, stderr) = run(dir.path(), &["--normalize", "search"]);
    let strict = &folded["extractors"]["model"]["layers"]["ner"]["overall"]["strict"];
    assert_eq!((strict["correct"].as_u64(), strict["possible"].as_u64(), strict["spurious"].as_u64()), (Some(2), Some(2), Some(0)), "{strict}");
    assert_eq!(folded["normalization"]["profile"], "search");
    assert_eq!(folded["normalization"]["gold_spans_lost"], 1);
    assert!(folded["normalization"]["gold_lost"][0]["warning"].as_str().unwrap().contains("vanished"), "{folded}");
    assert!(stderr.contains("1 gold span is not scored"), "{stderr}");
    // The predictions file keeps the model's own offsets, on the raw text.
    let predicted = std::fs::read_to_string(dir.path().join("out/predictions/model.jsonl")).unwrap();
    let (start, _) = offsets(text, "لافروف");
    assert!(predicted.contains(&format!("\"start\":{start}")), "{predicted}");

    let output = Command::cargo_bin("mizan").unwrap().current_dir(dir.path()).args(["run", "sana", "--normalize", "loud", "--out", "x"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown profile `loud` (light, search, full)"));
}

#[test]
fn score_normalizes_too_and_reads_predictions_in_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    let text = "قالَ لافروفُ في مـوسكو";
    std::fs::write(dir.path().join("articles.jsonl"), json!({"id": "a", "text": text}).to_string() + "\n").unwrap();
    let (gs, ge) = offsets(text, "لافروفُ");
    write_jsonl(&dir.path().join("gold.jsonl"), &[json!({"article_id": "a", "start": gs, "end": ge, "label": "PER"})]);
    let (ps, pe) = offsets(text, "لافروف");
    // A spaCy / Prodigy line: no id, matched to the article by its text.
    std::fs::write(dir.path().join("pred.jsonl"), json!({"text": text, "spans": [{"start": ps, "end": pe, "label": "PER"}]}).to_string() + "\n").unwrap();
    let score = |extra: &[&str]| -> Value {
        let output = Command::cargo_bin("mizan")
            .unwrap()
            .current_dir(dir.path())
            .args(["score", "--gold", "gold.jsonl", "--pred", "pred.jsonl", "--articles", "articles.jsonl", "--pred-format", "spacy", "--json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    assert_eq!(score(&[])["overall"]["strict"]["correct"], 0, "the raw boundaries differ by the damma");
    assert_eq!(score(&["--normalize", "search"])["overall"]["strict"]["correct"], 1);
    let output = Command::cargo_bin("mizan")
        .unwrap()
        .current_dir(dir.path())
        .args(["score", "--gold", "gold.jsonl", "--pred", "pred.jsonl", "--pred-format", "spacy"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs --articles"));
}
