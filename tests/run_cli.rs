//! `mizan run` and `mizan extractors` end to end: the oracle on the shipped dataset, an external
//! Python extractor from the examples, and a faulty one that crashes, hangs and writes garbage
//! on some articles — which must fail those articles only.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

const FAULTY: [&str; 6] =
    ["--articles", "tests/data/run/articles.jsonl", "--gold", "tests/data/run/gold.jsonl", "--registry", "tests/data/run/extractors.toml"];

#[test]
fn the_oracle_scores_one_everywhere_and_writes_every_output() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().args(["run", "sana", "--extractor", "oracle", "--out"]).arg(out.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = report(out.path());
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["dataset"]["name"], "sana");
    assert_eq!(report["dataset"]["articles"], 1);
    assert_eq!(report["dataset"]["fingerprint"].as_str().unwrap().len(), 32);
    let oracle = &report["extractors"]["oracle"];
    for layer in ["ner", "quote", "dateline"] {
        for scheme in ["strict", "exact", "partial", "type"] {
            assert_eq!(oracle["layers"][layer]["overall"][scheme]["f1"], 1.0, "{layer} {scheme}");
        }
    }
    assert_eq!(oracle["layers"]["quote"]["overall"]["strict+attrs"]["f1"], 1.0);
    assert_eq!(oracle["errors"].as_array().unwrap().len(), 0);
    let predictions = std::fs::read_to_string(out.path().join("predictions/oracle.jsonl")).unwrap();
    assert_eq!(predictions.lines().count(), 68);
    assert!(predictions.lines().all(|l| l.contains("\"layer\":")));
    let markdown = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(markdown.contains("| ner | oracle | 54 | 54 | 1.0000 |"), "{markdown}");
}

#[test]
fn faults_in_an_external_extractor_fail_their_articles_only() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().arg("run").args(FAULTY).args(["--extractor", "faulty,oracle", "--jobs", "2", "--out"]).arg(out.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("faulty: failed on 6 articles"), "{stderr}");
    let report = report(out.path());
    let errors: Vec<(String, String)> = report["extractors"]["faulty"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["article_id"].as_str().unwrap().to_string(), e["error"].as_str().unwrap().to_string()))
        .collect();
    let expect = [
        ("a02", "crashed: the process exited without answering; stderr: faulty: giving up on a02"),
        ("a04", "no answer within 2 s"),
        ("a05", "malformed answer: not JSON"),
        ("a06", "malformed answer: the answer is not UTF-8"),
        ("a07", "invalid span: 0..19 PER runs past the end of the text (14 code points)"),
        ("a08", "malformed answer: answer for article `someone-else` while waiting for `a08`"),
    ];
    assert_eq!(errors.len(), expect.len(), "{errors:?}");
    for ((id, error), (want_id, want)) in errors.iter().zip(expect) {
        assert_eq!(id, want_id);
        assert!(error.starts_with(want), "{id}: {error}");
    }
    // The articles after each fault were still answered, by restarted workers.
    let strict = &report["extractors"]["faulty"]["layers"]["ner"]["overall"]["strict"];
    assert_eq!((strict["correct"].as_u64(), strict["missed"].as_u64(), strict["spurious"].as_u64()), (Some(4), Some(6), Some(0)));
    assert_eq!(report["extractors"]["oracle"]["layers"]["ner"]["overall"]["strict"]["f1"], 1.0);
}

#[test]
fn results_do_not_depend_on_the_number_of_jobs() {
    let mut outputs = Vec::new();
    for jobs in ["1", "3"] {
        let out = tempfile::tempdir().unwrap();
        mizan().arg("run").args(FAULTY).args(["--extractor", "faulty", "--jobs", jobs, "--out"]).arg(out.path()).output().unwrap();
        let mut report = report(out.path());
        report["created"] = Value::Null;
        report["extractors"]["faulty"]["timing"] = Value::Null;
        let predictions = std::fs::read_to_string(out.path().join("predictions/faulty.jsonl")).unwrap();
        outputs.push((report, predictions));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn an_extractor_that_cannot_start_is_left_out_and_the_others_run() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().arg("run").args(FAULTY).args(["--extractor", "missing,oracle", "--out"]).arg(out.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("extractor `missing`: cannot start `/nonexistent/program`"), "{stderr}");
    assert!(report(out.path())["extractors"]["oracle"].is_object());
}

#[test]
fn the_python_example_runs_from_its_registry_file() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan()
        .args(["run", "sana", "--registry", "examples/extractors/extractors.toml", "--extractor", "py-quotes", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let quote = &report(out.path())["extractors"]["py-quotes"]["layers"]["quote"];
    assert!(quote["overall"]["strict"]["f1"].as_f64().unwrap() > 0.8, "{quote}");
    assert!(quote["attributes"]["speaker"]["compared"].as_u64().unwrap() > 0);
    let list = mizan().args(["extractors", "--json", "--registry", "examples/extractors/extractors.toml"]).output().unwrap();
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let entry = list.as_array().unwrap().iter().find(|e| e["name"] == "py-quotes").unwrap();
    assert_eq!((entry["kind"].as_str(), entry["version"].as_str()), (Some("command"), Some("0.1.0")));
    assert_eq!(entry["layers"], serde_json::json!(["quote"]));
}

#[test]
fn a_cache_answers_a_rerun() {
    let out = tempfile::tempdir().unwrap();
    let cache = out.path().join("cache");
    for _ in 0..2 {
        let output = mizan()
            .args(["run", "sana", "--registry", "examples/extractors/extractors.toml", "--extractor", "py-quotes", "--cache"])
            .arg(&cache)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert!(output.status.success());
    }
    assert_eq!(report(out.path())["extractors"]["py-quotes"]["timing"]["cached"], 1);
}

#[test]
fn unknown_extractors_are_named_with_the_known_ones() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().args(["run", "sana", "--extractor", "nope", "--out"]).arg(out.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown extractor `nope` (known: oracle"));
}

#[test]
fn tables_hold_per_article_counts_and_per_span_outcomes() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().args(["run", "sana", "--extractor", "oracle", "--tables", "csv", "--out"]).arg(out.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let articles = std::fs::read_to_string(out.path().join("tables/articles.csv")).unwrap();
    assert!(articles.starts_with("extractor,layer,article_id,strict_correct,"), "{articles}");
    assert_eq!(articles.lines().count(), 1 + 4, "one row per layer of the one article");
    let outcomes = std::fs::read_to_string(out.path().join("tables/outcomes.csv")).unwrap();
    // 68 gold spans, each paired with its prediction: two rows each.
    assert_eq!(outcomes.lines().count(), 1 + 2 * 68);
    assert!(outcomes.lines().skip(1).all(|l| l.contains(",correct,")));
    let parquet = tempfile::tempdir().unwrap();
    mizan().args(["run", "sana", "--extractor", "oracle", "--tables", "parquet", "--out"]).arg(parquet.path()).output().unwrap();
    assert_eq!(&std::fs::read(parquet.path().join("tables/outcomes.parquet")).unwrap()[..4], b"PAR1");
}

#[test]
fn without_extractors_named_every_builtin_that_needs_no_configuration_runs_the_shipped_tagger_too() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().args(["run", "sana", "--out"]).arg(out.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = report(out.path());
    let names: Vec<&String> = report["extractors"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["gazetteer", "news-rules", "perceptron-ner"]);
    // The shipped model (models/README.md) tags the article with mizan's labels.
    let tagger = &report["extractors"]["perceptron-ner"]["layers"]["ner"]["overall"];
    assert!(tagger["strict"]["f1"].as_f64().unwrap() > 0.6, "{tagger}");
    assert!(tagger["type"]["f1"].as_f64().unwrap() > 0.9, "PER, not PERS: {tagger}");
    assert_eq!(report["extractors"]["news-rules"]["layers"]["dateline"]["overall"]["strict+attrs"]["f1"], 1.0);
    assert!(report["extractors"]["gazetteer"]["layers"]["ner"]["overall"]["strict"]["f1"].as_f64().unwrap() > 0.5);
}

#[test]
fn a_gazetteer_trained_from_gold_runs_from_a_registry_entry() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("sana-names.txt");
    let output = mizan().args(["train", "gazetteer", "--dataset", "sana", "--out"]).arg(&list).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let registry = dir.path().join("extractors.toml");
    // A relative list path is resolved against the registry file's folder.
    std::fs::write(&registry, "[extractor.sana-names]\nkind = \"gazetteer\"\nlists = [\"sana-names.txt\"]\n").unwrap();
    let out = dir.path().join("out");
    let output = mizan().args(["run", "sana", "-e", "sana-names", "--registry"]).arg(&registry).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = report(&out);
    assert_eq!(report["extractors"]["sana-names"]["kind"], "gazetteer");
    assert_eq!(report["extractors"]["sana-names"]["layers"]["ner"]["overall"]["strict"]["f1"], 1.0);
    let missing = mizan().args(["train", "gazetteer", "--dataset", "sana", "--layer", "event", "--out"]).arg(&list).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no gold spans in layer `event`"));
}

#[test]
fn detail_slices_and_worst_articles_appear_in_the_renderings() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().arg("run").args(FAULTY).args(["--extractor", "faulty", "--slice-by", "source", "--detail", "--out"]).arg(out.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let words = |line: &str| line.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert!(stdout.lines().any(|l| words(l) == ["faulty", "PER", "10", "4", "1.0000", "0.4000", "0.5714"]), "{stdout}");
    assert!(stdout.lines().any(|l| words(l) == ["other", "6", "0.3333"]), "{stdout}");
    let markdown = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(markdown.contains("Worst articles (strict errors: incorrect + missed + spurious; 6 of 6)"), "{markdown}");
    assert!(markdown.contains("| `a02` | 1 | 0 | 0 | 1 | 0 |"), "{markdown}");
    assert!(markdown.contains("By `source` (strict):"), "{markdown}");
    assert!(markdown.contains("strict F1 95% CI"));
}

#[test]
fn a_perceptron_trained_from_the_cli_runs_from_a_registry_entry() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("sana.model");
    let output = mizan().args(["train", "perceptron-ner", "--dataset", "sana", "--epochs", "5", "--runs", "1", "--out"]).arg(&model).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("trained on") && stderr.contains("labels: LOC, MISC, ORG, PER"), "{stderr}");
    let registry = dir.path().join("extractors.toml");
    std::fs::write(&registry, "[extractor.sana-ner]\nkind = \"perceptron-ner\"\nmodel = \"sana.model\"\n").unwrap();
    let out = dir.path().join("out");
    let output = mizan().args(["run", "sana", "-e", "sana-ner", "--registry"]).arg(&registry).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // Tagging its own training article, a short training run finds most of it.
    let f1 = report(&out)["extractors"]["sana-ner"]["layers"]["ner"]["overall"]["strict"]["f1"].as_f64().unwrap();
    assert!(f1 > 0.7, "{f1}");
    std::fs::write(&registry, "[extractor.broken]\nkind = \"perceptron-ner\"\nmodel = \"missing.model\"\n").unwrap();
    let output = mizan().args(["run", "sana", "-e", "broken", "--registry"]).arg(&registry).arg("--out").arg(&out).output().unwrap();
    assert_ne!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.model"), "{}", String::from_utf8_lossy(&output.stderr));
}
