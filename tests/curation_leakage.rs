//! `mizan leakage TRAIN TEST`: duplicated test articles and the seen-entity rate, with the
//! CI gate (`--fail-above`), across two datasets and across two splits of one.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{json, Value};

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn story(seed: usize) -> String {
    (0..150).map(|i| format!("كلمة{} ", (i * 37 + seed * 101) % 9973)).collect::<String>().trim_end().to_string()
}

/// A dataset folder: articles `(id, text, split)` and LOC spans on each text's first word.
fn dataset(dir: &Path, name: &str, articles: &[(&str, String, &str)], splits: bool) -> String {
    let root = dir.join(name);
    std::fs::create_dir_all(root.join("gold")).unwrap();
    let lines: String = articles.iter().map(|(id, text, _)| format!("{}\n", json!({"id": id, "text": text}))).collect();
    std::fs::write(root.join("articles.jsonl"), lines).unwrap();
    let gold: String = articles
        .iter()
        .map(|(id, text, _)| {
            let first = text.split(' ').next().unwrap();
            format!("{}\n", json!({"article_id": id, "start": 0, "end": first.chars().count(), "label": "LOC"}))
        })
        .collect();
    std::fs::write(root.join("gold/ner.jsonl"), gold).unwrap();
    let mut manifest = format!("name = \"{name}\"\n[articles]\nformat = \"jsonl\"\n[layers.ner]\nlabels = [\"LOC\"]\n");
    if splits {
        manifest.push_str("[splits]\n");
        for split in ["train", "test"] {
            let ids: Vec<String> = articles.iter().filter(|a| a.2 == split).map(|a| format!("\"{}\"", a.0)).collect();
            manifest.push_str(&format!("{split} = [{}]\n", ids.join(", ")));
        }
    }
    std::fs::write(root.join("manifest.toml"), manifest).unwrap();
    root.display().to_string()
}

#[test]
fn finds_copied_articles_and_seen_entities_and_gates() {
    let dir = tempfile::tempdir().unwrap();
    let train: Vec<(&str, String, &str)> =
        vec![("t1", format!("دمشق {}", story(1)), ""), ("t2", format!("حلب {}", story(2)), ""), ("t3", format!("حمص {}", story(3)), "")];
    let copied = story(2).replacen("كلمة", "كَلِمَة", 20).replacen("كلمة", "خبر", 2);
    let test: Vec<(&str, String, &str)> =
        vec![("x1", format!("حلب {copied}"), ""), ("x2", format!("طرطوس {}", story(4)), ""), ("x3", format!("دمشق {}", story(5)), "")];
    let (train, test) = (dataset(dir.path(), "train", &train, false), dataset(dir.path(), "test", &test, false));
    let json: Value = serde_json::from_slice(&mizan().args(["leakage", &train, &test, "--json"]).assert().success().get_output().stdout).unwrap();
    assert_eq!(json["leaks"].as_array().unwrap().len(), 1);
    assert_eq!(json["leaks"][0]["test"], "x1");
    assert_eq!(json["leaks"][0]["train"], "t2");
    assert!(json["leaks"][0]["similarity"].as_f64().unwrap() > 0.9);
    // حلب and دمشق are in the training gold, طرطوس is not.
    assert_eq!(json["entities"]["mentions"], 3);
    assert_eq!(json["entities"]["seen"], 2);
    assert_eq!(json["per_label"]["ner"]["LOC"]["seen_same_label"], 2);
    assert!((json["article_rate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);

    let assert = mizan().args(["leakage", &train, &test, "--fail-above", "0.2"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("duplicated test articles 33.33% is above --fail-above 20.00%"), "{stderr}");
    mizan().args(["leakage", &train, &test, "--fail-above", "0.5"]).assert().success().stdout(predicates::str::contains("x1 ← t2"));
    mizan().args(["leakage", &train, &test, "--fail-above-seen", "0.5"]).assert().code(1);
}

#[test]
fn compares_two_splits_of_one_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let articles: Vec<(&str, String, &str)> =
        vec![("a", format!("دمشق {}", story(1)), "train"), ("b", format!("دمشق {}", story(1)), "test"), ("c", format!("حلب {}", story(7)), "test")];
    let both = dataset(dir.path(), "both", &articles, true);
    let json: Value = serde_json::from_slice(
        &mizan().args(["leakage", &both, &both, "--train-split", "train", "--test-split", "test", "--json"]).assert().success().get_output().stdout,
    )
    .unwrap();
    assert_eq!((json["train_articles"].as_u64(), json["test_articles"].as_u64()), (Some(1), Some(2)));
    assert_eq!(json["leaks"][0]["exact"], true);
    mizan().args(["leakage", &both, &both, "--train-split", "dev"]).assert().code(2).stderr(predicates::str::contains("no article has split `dev`"));
}

/// The leakage scan alone (no file reading), 100,000 generated articles against 100,000 of
/// which 1% are edited copies: `cargo test --test curation_leakage -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark: about a minute of CPU in a debug build"]
fn benchmark_100k_against_100k() {
    use mizan::dataset::dedupe::NearOptions;
    use mizan::dataset::leakage::find_leakage;
    use mizan::{Article, Span};
    let mut state = 7u64;
    let mut next = |n: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let vocabulary: Vec<String> = (0..20_000).map(|i| format!("ك{i}ل")).collect();
    let mut make = |prefix: &str, n: usize| -> Vec<Article> {
        (0..n)
            .map(|i| {
                Article::new(
                    format!("{prefix}{i}"),
                    (0..120).map(|_| vocabulary[next(20_000) as usize].as_str()).collect::<Vec<_>>().join(" "),
                    Default::default(),
                )
            })
            .collect()
    };
    let train = make("train", 100_000);
    let mut test = make("test", 100_000);
    for i in 0..1_000 {
        let text = train[i * 97].text.replacen("ك", "كَ", 30);
        test[i * 50] = Article::new(format!("copy{i}"), text, Default::default());
    }
    let gold: Vec<Span> = Vec::new();
    let started = std::time::Instant::now();
    let found = find_leakage((&train, &gold), (&test, &gold), &NearOptions::default());
    let elapsed = started.elapsed();
    eprintln!("leakage 100,000 × 100,000: {:.1} s, {} leaks, {} candidate pairs", elapsed.as_secs_f64(), found.leaks.len(), found.candidate_pairs);
    assert_eq!(found.leaks.len(), 1_000);
}
