//! `mizan compare` and `mizan history` end to end, on reports that `mizan run` writes for a
//! generated dataset of 150 Arabic articles: a version that finds every gold span, and one
//! that replays the same predictions minus a third of its correct spans — which the gate must
//! stop, with p < 0.05, naming what regressed.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const TEXT: &str = "قال وزير الخارجية الروسي لافروف في موسكو إن روسيا وبريطانيا شريكان";
const SPANS: [(&str, &str); 4] = [("لافروف", "PER"), ("موسكو", "LOC"), ("روسيا", "LOC"), ("بريطانيا", "LOC")];
const REPLAY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/browser/replay.py");

fn mizan(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(dir);
    command
}

/// Code point offsets of `needle` in `text`.
fn offsets(text: &str, needle: &str) -> (usize, usize) {
    let start = text[..text.find(needle).unwrap()].chars().count();
    (start, start + needle.chars().count())
}

fn jsonl(rows: impl Iterator<Item = Value>) -> String {
    rows.map(|r| r.to_string() + "\n").collect()
}

/// A dataset folder with `n` articles and four gold spans each, and two registries naming the
/// same extractor, `replay`: one answering with the gold, one without every third gold span.
fn dataset(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let ids: Vec<String> = (0..n).map(|i| format!("a{i:03}")).collect();
    let articles = jsonl(ids.iter().map(|id| serde_json::json!({"id": id, "text": TEXT})));
    let gold: Vec<Value> = ids
        .iter()
        .flat_map(|id| SPANS.iter().map(move |(word, label)| (id, offsets(TEXT, word), label)))
        .map(|(id, (start, end), label)| serde_json::json!({"article_id": id, "start": start, "end": end, "label": label}))
        .collect();
    std::fs::write(dir.join("articles.jsonl"), articles).unwrap();
    std::fs::write(dir.join("gold.jsonl"), jsonl(gold.iter().cloned())).unwrap();
    std::fs::write(dir.join("full.jsonl"), jsonl(gold.iter().cloned())).unwrap();
    std::fs::write(dir.join("worse.jsonl"), jsonl(gold.iter().enumerate().filter(|(k, _)| k % 3 != 0).map(|(_, g)| g.clone()))).unwrap();
    for (name, predictions) in [("full", "full.jsonl"), ("worse", "worse.jsonl")] {
        let toml = format!(
            "[extractor.replay]\nkind = \"command\"\ncommand = [\"python3\", {REPLAY:?}, {:?}]\nversion = \"{name}\"\nlayers = [\"ner\"]\n",
            dir.join(predictions).display().to_string()
        );
        std::fs::write(dir.join(format!("{name}.toml")), toml).unwrap();
    }
}

/// Runs `replay` (and `extra` extractors) with a registry over a dataset into `out`.
fn run(data: &Path, registry: &str, extractors: &str, out: &Path) -> PathBuf {
    let output = mizan(data)
        .args([
            "run",
            "--articles",
            "articles.jsonl",
            "--gold",
            "gold.jsonl",
            "--registry",
            registry,
            "--bootstrap",
            "0",
            "-q",
            "--extractor",
            extractors,
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    out.to_path_buf()
}

struct Fixture {
    dir: tempfile::TempDir,
    full: PathBuf,
    worse: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    dataset(&data, 150);
    let full = run(&data, "full.toml", "replay,oracle", &dir.path().join("full"));
    let worse = run(&data, "worse.toml", "replay", &dir.path().join("worse"));
    Fixture { dir, full, worse }
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn a_report_compared_with_itself_has_no_difference_and_passes_any_gate() {
    let f = fixture();
    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &f.full]).args(["--fail-on-regression", "0", "--trials", "2000"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("changed articles A → B: none"), "{stdout}");
    assert!(!stdout.contains("-0.") && !stdout.contains("0*"), "{stdout}");

    let output =
        mizan(f.dir.path()).arg("compare").args([&f.full, &f.full]).args(["--json", "--fail-on-regression", "0", "--trials", "2000"]).output().unwrap();
    let comparison = json(&output);
    assert_eq!(comparison["gate"]["passed"], true);
    let mut tested = 0;
    for extractor in comparison["extractors"].as_array().unwrap() {
        for layer in extractor["layers"].as_array().unwrap() {
            for row in layer["overall"].as_array().unwrap() {
                let delta = &row["deltas"][1];
                assert_eq!(delta["f1"], 0.0, "{row}");
                if !delta["significance"].is_null() {
                    assert_eq!(delta["significance"]["p_value"], 1.0, "{row}");
                    tested += 1;
                }
            }
        }
    }
    assert_eq!(tested, 8, "two extractors, four schemes");
}

#[test]
fn losing_a_third_of_the_correct_spans_fails_the_gate_and_names_it() {
    let f = fixture();
    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &f.worse]).args(["--fail-on-regression", "0.01", "--top", "2"]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("regression in B: replay on ner: strict F1 1.0000 → 0.8000 (Δ -0.2000, p = 0.0001)"), "{stderr}");
    assert!(stderr.contains("1 extractor and layer regressed"), "{stderr}");
    // Changed articles: the first two in the terminal, with the article text from --articles.
    assert!(stdout.contains("changed articles A → B: 150 articles; 0 fixed, 200 regressed, 0 other"), "{stdout}");
    assert!(stdout.contains("… and 148 more"), "{stdout}");
    assert!(stdout.contains("oracle: only in A"), "{stdout}");

    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &f.worse]).args(["--json", "--fail-on-regression", "0.01"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let comparison = json(&output);
    let regression = &comparison["gate"]["regressions"][0];
    assert_eq!((regression["extractor"].as_str(), regression["layer"].as_str(), regression["scheme"].as_str()), (Some("replay"), Some("ner"), Some("strict")));
    assert!(regression["p_value"].as_f64().unwrap() < 0.05);
    let layer = &comparison["extractors"][1]["layers"][0];
    let strict = &layer["overall"][0];
    assert_eq!(strict["scheme"], "strict");
    let significance = &strict["deltas"][1]["significance"];
    assert_eq!((significance["articles"].as_u64(), significance["differing"].as_u64()), (Some(150), Some(150)));
    let interval = [significance["interval"][0].as_f64().unwrap(), significance["interval"][1].as_f64().unwrap()];
    assert!(interval[0] <= -0.2 + 1e-9 && -0.2 - 1e-9 <= interval[1], "{interval:?}");
    // All changed articles in JSON, each with its span changes.
    let changed = &layer["changed"][0];
    assert_eq!((changed["available"].as_bool(), changed["regressed"].as_u64()), (Some(true), Some(200)));
    assert_eq!(changed["articles"].as_array().unwrap().len(), 150);
    assert_eq!(changed["articles"][0]["changes"][0]["kind"], "regressed");
    assert_eq!(changed["articles"][0]["changes"][0]["after"]["outcome"], "missed");
    assert_eq!(comparison["only_in"][0], serde_json::json!({"extractor": "oracle", "layer": null, "reports": [0]}));
}

#[test]
fn a_gate_on_another_scheme_or_a_larger_drop_passes_what_it_should() {
    let f = fixture();
    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &f.worse]).args(["--fail-on-regression", "0.25", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "a drop of 0.2 is within 0.25");
    let output = mizan(f.dir.path()).arg("compare").args([&f.worse, &f.full]).args(["--fail-on-regression", "0", "--gate-scheme", "partial"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "an improvement never fails");
}

#[test]
fn reports_on_different_datasets_are_refused_unless_allowed() {
    let f = fixture();
    let smaller = f.dir.path().join("smaller");
    dataset(&smaller, 149);
    let other = run(&smaller, "full.toml", "replay", &f.dir.path().join("other"));
    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &other]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("are on different datasets") && stderr.contains("fingerprint ") && stderr.contains("articles 150 → 149"), "{stderr}");
    assert!(stderr.contains("--allow-dataset-change"), "{stderr}");

    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &other]).args(["--allow-dataset-change", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let comparison = json(&output);
    assert_eq!(comparison["dataset"]["same"], false);
    let significance = &comparison["extractors"][1]["layers"][0]["overall"][0]["deltas"][1]["significance"];
    assert_eq!(significance["articles"], 149, "the tests run over the articles both scored");
    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &other]).arg("--allow-dataset-change").output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("datasets differ: "));
}

#[test]
fn a_malformed_report_is_named_with_its_line() {
    let f = fixture();
    let broken = f.dir.path().join("broken.json");
    let text = std::fs::read_to_string(f.full.join("report.json")).unwrap().replacen("\"created\"", "\"created\" oops", 1);
    std::fs::write(&broken, text).unwrap();
    let output = mizan(f.dir.path()).arg("compare").args([f.full.as_path(), broken.as_path()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.json:4:") && stderr.contains("not a mizan report"), "{stderr}");

    let missing = f.dir.path().join("nowhere");
    let output = mizan(f.dir.path()).arg("compare").args([f.full.as_path(), missing.as_path()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nowhere: no such report folder or report.json"));
}

#[test]
fn a_bare_report_json_says_changed_articles_need_folders() {
    let f = fixture();
    let output = mizan(f.dir.path()).arg("compare").arg(&f.full).arg(f.worse.join("report.json")).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("changed articles A → B: need report folders with outcomes.jsonl"), "{stdout}");
}

#[test]
fn the_html_page_holds_the_differences_and_both_versions() {
    let f = fixture();
    let page = f.dir.path().join("compare.html");
    let output = mizan(f.dir.path())
        .arg("compare")
        .args([&f.full, &f.worse])
        .args(["--articles", "data/articles.jsonl", "--gold", "data/gold.jsonl", "--html"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("default-src 'none'") && html.contains("<table class=\"scores delta\">"));
    assert!(html.contains("Article text from data/articles.jsonl"), "the dataset matched the reports");
    let data = &html[html.find("id=\"mizan-data\">").unwrap() + 16..];
    let data: Value = serde_json::from_str(&data[..data.find("</script>").unwrap()]).unwrap();
    assert_eq!(data["articles"].as_array().unwrap().len(), 150);
    assert_eq!(data["views"][0]["regressed"], 200);
    assert_eq!(data["views"][0]["articles"][0]["sides"].as_array().unwrap().len(), 2);

    // Without the dataset, the page says why there is no text.
    let output = mizan(f.dir.path()).arg("compare").args([&f.full, &f.worse]).arg("--html").arg(&page).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("note: No dataset datasets/articles found here"));
}

#[test]
fn history_orders_versions_by_creation() {
    let f = fixture();
    // The later run first on the command line, with an earlier date.
    let early = f.dir.path().join("early");
    std::fs::create_dir(&early).unwrap();
    let report = std::fs::read_to_string(f.worse.join("report.json")).unwrap();
    let created = report.find("\"created\": \"").unwrap() + 12;
    let report = format!("{}2020-01-01T00:00:00Z{}", &report[..created], &report[created + 20..]);
    std::fs::write(early.join("report.json"), report).unwrap();
    let page = f.dir.path().join("history.html");
    let output = mizan(f.dir.path()).arg("history").args([&f.full, &early]).arg("--html").arg(&page).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.find("2020-01-01T00:00:00Z").unwrap() < stdout.find("replay on ner").unwrap());
    assert!(stdout.contains("1  2020-01-01T00:00:00Z") && stdout.contains("0.8000"), "{stdout}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<polyline").count(), 4 * 2, "replay and oracle, four schemes each");

    let output = mizan(f.dir.path()).arg("history").args([&f.full, &early]).arg("--json").output().unwrap();
    let history = json(&output);
    assert_eq!(history["versions"][0]["created"], "2020-01-01T00:00:00Z");
    let replay = history["series"].as_array().unwrap().iter().find(|s| s["extractor"] == "replay").unwrap();
    assert_eq!(replay["points"][0]["f1"]["strict"], 0.8);
    assert_eq!(replay["points"][1]["f1"]["strict"], 1.0);
}

/// Runs predictions files (no extractor) over a dataset folder into `out`.
fn run_predictions(data: &Path, predictions: &str, out: &Path) -> std::process::Output {
    mizan(data)
        .args(["run", "--articles", "articles.jsonl", "--gold", "gold.jsonl", "--bootstrap", "0", "-q", "--predictions", predictions, "--out"])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_large_drop_on_five_articles_fails_the_gate_closed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    dataset(&data, 5);
    let (full, worse) = (dir.path().join("full"), dir.path().join("worse"));
    for (predictions, out) in [("replay=full.jsonl", &full), ("replay=worse.jsonl", &worse)] {
        let output = run_predictions(&data, predictions, out);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(out.join("report.html").is_file() && out.join("outcomes.jsonl").is_file());
    }
    let report: Value = serde_json::from_slice(&std::fs::read(worse.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["extractors"]["replay"]["kind"], "predictions");
    assert_eq!(report["extractors"]["replay"]["version"].as_str().unwrap().len(), 16, "the content hash");

    let output = mizan(dir.path()).arg("compare").args([&full, &worse]).args(["--fail-on-regression", "0.01"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("regression in B: replay on ner: strict F1 1.0000 → 0.7879"), "{stderr}");
    assert!(stderr.contains("can never give a significant difference"), "{stderr}");
    assert!(stderr.contains("fails closed") && stderr.contains("--alpha 1"), "{stderr}");
    // Gating on the drop alone fails too; a small threshold over a drop that is not there passes.
    let output = mizan(dir.path()).arg("compare").args([&full, &worse]).args(["--fail-on-regression", "0.01", "--alpha", "1"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let output = mizan(dir.path()).arg("compare").args([&full, &full]).args(["--fail-on-regression", "0.01"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_predictions_file_with_problems_names_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    dataset(&data, 2);
    std::fs::write(
        data.join("bad.jsonl"),
        "{\"article_id\":\"a000\",\"start\":0,\"end\":3,\"label\":\"PER\"}\n{\"article_id\":\"nope\",\"start\":0,\"end\":3,\"label\":\"PER\"}\n",
    )
    .unwrap();
    let output = run_predictions(&data, "bad=bad.jsonl", &dir.path().join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.jsonl:2: unknown article_id `nope`"), "{stderr}");
    // A span that does not fit its article fails that article only.
    std::fs::write(data.join("bad.jsonl"), "{\"article_id\":\"a000\",\"start\":0,\"end\":3,\"label\":\"PER\",\"text\":\"xyz\"}\n").unwrap();
    let output = run_predictions(&data, "bad=bad.jsonl", &dir.path().join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bad: failed on 1 article"), "{stderr}");
    let report: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out/report.json")).unwrap()).unwrap();
    assert!(report["extractors"]["bad"]["errors"][0]["error"].as_str().unwrap().contains("bad.jsonl:1:"), "{report}");
}

#[test]
fn predictions_in_another_format_are_placed_on_the_articles_by_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("datasets/sana/000_f448dd176493aaea.txt")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let (start, end) = offsets(text, "سيرغي لافروف");
    let dir = tempfile::tempdir().unwrap();
    let doccano = dir.path().join("model.jsonl");
    std::fs::write(&doccano, serde_json::json!({"text": text, "label": [[start, end, "PER"]]}).to_string() + "\n").unwrap();
    let out = dir.path().join("out");
    let output = mizan(root)
        .args(["run", "sana", "--bootstrap", "0", "-q", "--predictions"])
        .arg(format!("dc={}:doccano", doccano.display()))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let strict = &report["extractors"]["dc"]["layers"]["ner"]["overall"]["strict"];
    assert_eq!((strict["correct"].as_u64(), strict["actual"].as_u64()), (Some(1), Some(1)), "{strict}");
    let predicted = std::fs::read_to_string(out.join("predictions/dc.jsonl")).unwrap();
    assert!(predicted.contains("\"article_id\":\"000_f448dd176493aaea\"") && predicted.contains("لافروف"), "{predicted}");
}
