//! `mizan score` end to end: gold against itself, a hand-computed case, validation against the
//! articles, layers, slices and attribute scores.

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn score_json(dir: &std::path::Path, args: &[&str]) -> Value {
    let output = mizan().current_dir(dir).arg("score").args(args).arg("--json").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn gold_scored_against_itself_is_perfect_in_every_scheme_and_layer() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let gold = ["gold/sana/ner.jsonl", "gold/sana/quote.jsonl", "gold/sana/dateline.jsonl"];
    let mut args = vec!["--articles", "datasets/sana"];
    for g in gold {
        args.extend(["--gold", g, "--pred", g]);
    }
    let out = score_json(root, &args);
    for layer in ["ner", "quote", "dateline"] {
        let scores = &out["layers"][layer];
        for scheme in ["strict", "exact", "partial", "type", "strict+attrs"] {
            if layer == "ner" && scheme == "strict+attrs" {
                assert!(scores["overall"].get(scheme).is_none());
                continue;
            }
            for field in ["precision", "recall", "f1"] {
                assert_eq!(scores["overall"][scheme][field], 1.0, "{layer} {scheme} {field}");
            }
        }
    }
    assert_eq!(out["layer"], "ner");
    assert_eq!(out["overall"]["strict"]["possible"], 54);
    assert_eq!(out["layers"]["quote"]["attributes"]["speaker"]["accuracy"], 1.0);
}

/// Gold PER [30,33), LOC [34,37), [40,42), [43,45); predictions the same plus LOC [30,32),
/// which overlaps the PER that an exact prediction already took, and ORG [47,49). mizan's
/// one-to-one matching leaves both extra predictions spurious (nervaluate, walking predictions
/// in order, would count the LOC as incorrect against the PER as well).
#[test]
fn an_overlap_with_an_already_matched_span_is_spurious() {
    let dir = tempfile::tempdir().unwrap();
    let line = |s: usize, e: usize, l: &str| format!(r#"{{"article_id": "d", "start": {s}, "end": {e}, "label": "{l}"}}"#);
    let gold = [line(30, 33, "PER"), line(34, 37, "LOC"), line(40, 42, "LOC"), line(43, 45, "LOC")];
    let pred = [line(30, 33, "PER"), line(30, 32, "LOC"), line(34, 37, "LOC"), line(40, 42, "LOC"), line(43, 45, "LOC"), line(47, 49, "ORG")];
    std::fs::write(dir.path().join("g.jsonl"), gold.join("\n")).unwrap();
    std::fs::write(dir.path().join("p.jsonl"), pred.join("\n")).unwrap();
    let out = score_json(dir.path(), &["--gold", "g.jsonl", "--pred", "p.jsonl"]);
    let strict = &out["overall"]["strict"];
    assert_eq!(
        (strict["correct"].as_u64(), strict["incorrect"].as_u64(), strict["missed"].as_u64(), strict["spurious"].as_u64()),
        (Some(4), Some(0), Some(0), Some(2))
    );
    assert_eq!(strict["precision"], 4.0 / 6.0);
    assert_eq!(strict["recall"], 1.0);
    assert_eq!(out["per_label"]["ORG"]["strict"]["spurious"], 1);
    assert_eq!(out["per_label"]["LOC"]["strict"]["spurious"], 1);
}

#[test]
fn touching_spans_do_not_overlap() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.jsonl"), r#"{"article_id": "a", "start": 0, "end": 5, "label": "PER"}"#).unwrap();
    std::fs::write(dir.path().join("p.jsonl"), r#"{"article_id": "a", "start": 5, "end": 9, "label": "PER"}"#).unwrap();
    let out = score_json(dir.path(), &["--gold", "g.jsonl", "--pred", "p.jsonl"]);
    let partial = &out["overall"]["partial"];
    assert_eq!((partial["partial"].as_u64(), partial["missed"].as_u64(), partial["spurious"].as_u64()), (Some(0), Some(1), Some(1)));
}

#[test]
fn predictions_are_checked_against_the_articles() {
    let output = mizan()
        .args(["score", "--gold", "gold/sana/ner.jsonl", "--articles", "datasets/sana", "--pred"])
        .arg(std::path::Path::new("tests/data/score/bad-pred.jsonl"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("tests/data/score/bad-pred.jsonl:2: `text` is \"روسيا\" but article `000_f448dd176493aaea` holds"), "{stderr}");
    assert!(stderr.contains("tests/data/score/bad-pred.jsonl:3: span 9000..9005 runs past the end"), "{stderr}");
}

#[test]
fn slices_need_articles_and_a_known_column() {
    let output = mizan().args(["score", "--gold", "gold/sana/ner.jsonl", "--pred", "gold/sana/ner.jsonl", "--slice-by", "split"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--articles"));
    let output = mizan()
        .args(["score", "--gold", "gold/sana/ner.jsonl", "--pred", "gold/sana/ner.jsonl", "--articles", "datasets/sana", "--slice-by", "colour"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no article metadata column `colour`"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out =
        score_json(root, &["--gold", "gold/sana/ner.jsonl", "--pred", "gold/sana/ner.jsonl", "--articles", "datasets/sana", "--slice-by", "dateline_agency"]);
    assert_eq!(out["slices"]["dateline_agency"]["سانا"]["articles"], 1);
    assert_eq!(out["slices"]["dateline_agency"]["سانا"]["strict"]["f1"], 1.0);
}

#[test]
fn terminal_table_honours_digits_and_layer() {
    let output = mizan()
        .args(["score", "--gold", "gold/sana/quote.jsonl", "--pred", "tests/data/score/quote-pred.jsonl", "--digits", "2", "--layer", "quote"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.starts_with("layer quote: 9 gold and 9 predicted spans, 1 article"), "{stdout}");
    let strict_attrs: Vec<&str> = stdout.lines().find(|l| l.starts_with("strict+attrs")).unwrap().split_whitespace().collect();
    assert_eq!(strict_attrs, ["strict+attrs", "8", "1", "0", "0", "0", "0.89", "0.89", "0.89"]);
    assert!(stdout.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["speaker", "9", "8", "0.89"]), "{stdout}");
}

#[test]
fn a_layer_with_no_spans_is_an_error() {
    let output = mizan().args(["score", "--gold", "gold/sana/ner.jsonl", "--pred", "gold/sana/ner.jsonl", "--layer", "date"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no span in layer `date` in the gold or the predictions (layers present: ner)"));
}

#[test]
fn empty_gold_and_predictions_score_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.jsonl"), "").unwrap();
    std::fs::write(dir.path().join("p.jsonl"), "\n").unwrap();
    let out = score_json(dir.path(), &["--gold", "g.jsonl", "--pred", "p.jsonl"]);
    assert_eq!(out["layer"], "ner");
    assert_eq!(out["overall"]["strict"]["possible"], 0);
    assert_eq!(out["overall"]["strict"]["f1"], 0.0);
}

/// Two clean span files take the fast path; the same spans split over two gold files take the
/// general one: the JSON is byte for byte the same, with and without `--per-article`, and a
/// file the fast path refuses (a duplicate span) still gets the general path's warning.
#[test]
fn the_fast_path_prints_what_the_general_path_prints() {
    let dir = tempfile::tempdir().unwrap();
    let labels = ["PER", "LOC", "ORG", "شخص"];
    let (mut gold, mut pred) = (String::new(), String::new());
    for k in 0..400u32 {
        let article = format!("doc-{:03}", (k * 7) % 61);
        let (start, label) = (k * 13 % 500, labels[(k % 4) as usize]);
        gold.push_str(&format!("{{\"article_id\": \"{article}\", \"start\": {start}, \"end\": {}, \"label\": \"{label}\"}}\n", start + 3 + k % 5));
        let (shift, other) = (k % 3, labels[((k / 3) % 4) as usize]);
        let layer = if k % 9 == 0 { ", \"layer\": \"quote\"" } else { "" };
        pred.push_str(&format!(
            "{{\"article_id\": \"{article}\", \"start\": {}, \"end\": {}, \"label\": \"{other}\"{layer}}}\n",
            start + shift,
            start + 4 + shift
        ));
    }
    let lines: Vec<&str> = gold.lines().collect();
    let (first, second) = lines.split_at(lines.len() / 2);
    std::fs::write(dir.path().join("gold.jsonl"), &gold).unwrap();
    std::fs::write(dir.path().join("a.jsonl"), first.join("\n") + "\n").unwrap();
    std::fs::write(dir.path().join("b.jsonl"), second.join("\n") + "\n").unwrap();
    std::fs::write(dir.path().join("pred.jsonl"), &pred).unwrap();
    let run = |args: &[&str]| {
        let output = mizan().current_dir(dir.path()).arg("score").args(args).args(["--json", "--bootstrap", "200"]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        (output.stdout, String::from_utf8(output.stderr).unwrap())
    };
    for extra in [&[][..], &["--per-article"][..]] {
        let fast = run(&[&["--gold", "gold.jsonl", "--pred", "pred.jsonl"][..], extra].concat());
        let general = run(&[&["--gold", "a.jsonl", "--gold", "b.jsonl", "--pred", "pred.jsonl"][..], extra].concat());
        assert_eq!(String::from_utf8_lossy(&fast.0), String::from_utf8_lossy(&general.0));
        // Nothing to warn about: the files are clean, so the first run took the fast path.
        assert_eq!(fast.1, "");
        let json: Value = serde_json::from_slice(&fast.0).unwrap();
        assert_eq!(json.get("per_article").is_some(), !extra.is_empty());
        assert_eq!(json["articles"], 61);
        assert!(json["layers"]["quote"]["predicted_spans"].as_u64().unwrap() > 0);
    }
    std::fs::write(dir.path().join("twice.jsonl"), format!("{gold}{}\n", lines[0])).unwrap();
    let (_, stderr) = run(&["--gold", "twice.jsonl", "--pred", "pred.jsonl"]);
    assert!(stderr.contains("twice.jsonl:401: warning: duplicate span"), "{stderr}");
}

/// Predictions from a pipe are read once, by the general path: a span file that is not clean
/// (here a duplicate) still scores in full, with its warning.
#[cfg(unix)]
#[test]
fn a_pipe_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let line = "{\"article_id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PER\"}\n";
    std::fs::write(dir.path().join("gold.jsonl"), line).unwrap();
    let output = mizan()
        .current_dir(dir.path())
        .args(["score", "--gold", "gold.jsonl", "--pred", "/dev/stdin", "--json"])
        .write_stdin(format!("{line}{line}"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((json["overall"]["strict"]["correct"].as_u64(), json["predicted_spans"].as_u64()), (Some(1), Some(2)));
    assert!(String::from_utf8_lossy(&output.stderr).contains("duplicate span"));
}
