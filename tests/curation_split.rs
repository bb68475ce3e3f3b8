//! `mizan split`: deterministic splits written into the manifest, near copies and `--by`
//! values never straddling two splits, per-split label counts.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::{json, Value};

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn story(seed: usize) -> String {
    (0..80).map(|i| format!("كلمة{}", (i * 37 + seed * 7919) % 99_991)).collect::<Vec<_>>().join(" ")
}

/// 300 articles from 6 sources, the first 30 copied (with diacritics) from another source.
fn write_input(dir: &Path) -> (String, String) {
    let mut articles = Vec::new();
    let mut gold = Vec::new();
    for i in 0..300 {
        articles.push(json!({"id": format!("a{i:03}"), "text": format!("دمشق {}", story(i)), "source": format!("s{}", i % 6)}));
        gold.push(json!({"article_id": format!("a{i:03}"), "start": 0, "end": 4, "label": if i % 10 == 0 { "ORG" } else { "LOC" }}));
    }
    for i in 0..30 {
        articles.push(json!({"id": format!("copy{i:02}"), "text": format!("دِمَشق {}", story(i)), "source": "s9"}));
    }
    let (a, g) = (dir.join("articles.jsonl"), dir.join("gold.jsonl"));
    std::fs::write(&a, articles.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    std::fs::write(&g, gold.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    (a.display().to_string(), g.display().to_string())
}

fn splits_of(out: &Path) -> BTreeMap<String, String> {
    let manifest: toml::Value = toml::from_str(&std::fs::read_to_string(out.join("manifest.toml")).unwrap()).unwrap();
    let mut of = BTreeMap::new();
    for (name, ids) in manifest["splits"].as_table().unwrap() {
        for id in ids.as_array().unwrap() {
            of.insert(id.as_str().unwrap().to_string(), name.clone());
        }
    }
    of
}

#[test]
fn splits_deterministically_and_keeps_copies_together() {
    let dir = tempfile::tempdir().unwrap();
    let (articles, gold) = write_input(dir.path());
    let run = |out: &Path, extra: &[&str]| -> Value {
        let assert = mizan()
            .args(["split", "--articles", &articles, "--gold", &gold, "--ratios", "80,10,10", "--json"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
        serde_json::from_slice(&assert.get_output().stdout).unwrap()
    };
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let json = run(&one, &[]);
    run(&two, &[]);
    let (a, b) = (splits_of(&one), splits_of(&two));
    assert_eq!(a, b);
    assert_eq!(a.len(), 330);
    for i in 0..30 {
        assert_eq!(a[&format!("copy{i:02}")], a[&format!("a{i:03}")], "copy{i:02}");
    }
    assert_eq!(json["joined_groups"], 30);
    let train = json["splits"]["train"]["articles"].as_u64().unwrap();
    assert!((230..=300).contains(&train), "{train}");
    let total: u64 = ["train", "dev", "test"].iter().map(|s| json["splits"][s]["spans"]["ner"]["LOC"].as_u64().unwrap_or(0)).sum();
    assert_eq!(total, 270);
    // The split is in the written articles and in stats.
    let stats: Value = serde_json::from_slice(&mizan().arg("stats").arg(&one).arg("--json").assert().success().get_output().stdout).unwrap();
    assert_eq!(stats["splits"]["train"]["articles"].as_u64(), Some(train));
    assert_eq!(stats["version"]["matches"], true);
}

#[test]
fn by_column_and_stratify() {
    let dir = tempfile::tempdir().unwrap();
    let (articles, gold) = write_input(dir.path());
    let out = dir.path().join("by");
    let assert = mizan()
        .args(["split", "--articles", &articles, "--gold", &gold, "--ratios", "2,1", "--by", "source", "--seed", "3"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("train") && stdout.contains("ner LOC"), "{stdout}");
    let of = splits_of(&out);
    let text = std::fs::read_to_string(&articles).unwrap();
    let mut source_split: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines() {
        let article: Value = serde_json::from_str(line).unwrap();
        let split = &of[article["id"].as_str().unwrap()];
        let previous = source_split.insert(article["source"].as_str().unwrap().to_string(), split.clone());
        assert!(previous.is_none_or(|p| &p == split), "source {} straddles splits", article["source"]);
    }
    let strat = dir.path().join("strat");
    let json: Value = serde_json::from_slice(
        &mizan()
            .args(["split", "--articles", &articles, "--gold", &gold, "--ratios", "80,10,10", "--stratify", "ORG", "--json"])
            .arg("--out")
            .arg(&strat)
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    let org: Vec<u64> = ["train", "dev", "test"].iter().map(|s| json["splits"][s]["spans"]["ner"]["ORG"].as_u64().unwrap_or(0)).collect();
    // 30 ORG articles, three of them with a copy (groups of two): within one of 24/3/3.
    assert_eq!(org.iter().sum::<u64>(), 30);
    assert!(org.iter().zip([24u64, 3, 3]).all(|(&got, want)| got.abs_diff(want) <= 1), "{org:?}");
    mizan()
        .args(["split", "--articles", &articles, "--ratios", "1,1,1,1"])
        .arg("--out")
        .arg(dir.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("need --names"));
    mizan()
        .args(["split", "--articles", &articles, "--ratios", "1,1", "--stratify", "NOPE"])
        .arg("--out")
        .arg(dir.path().join("y"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no gold span has that label"));
}
