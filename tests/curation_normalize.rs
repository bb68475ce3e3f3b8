//! End-to-end tests of `mizan normalize`: spans remapped exactly, lost spans reported with
//! their file and line, the input never overwritten, the output folder stamped with its
//! version.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const DATA: &str = "tests/data/curation/normalize";

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn input() -> Vec<String> {
    vec!["--articles".into(), format!("{DATA}/articles.jsonl"), "--gold".into(), format!("{DATA}/gold.jsonl")]
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn remaps_every_span_and_reports_the_ones_that_vanish() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = mizan().arg("normalize").args(input()).arg("--out").arg(&out).assert().success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("gold.jsonl:9: span 45..46 MISC «ّ» not written: its text vanishes"), "{stderr}");
    assert!(stderr.contains("gold.jsonl:10: span 64..67 MISC"), "{stderr}");
    let written = lines(&out.join("gold/ner.jsonl"));
    let expected = lines(&Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA).join("expected-search.jsonl"));
    assert_eq!(written, expected);
    // Every written span's text is what the normalised article holds there.
    let articles: Vec<Value> = lines(&out.join("articles.jsonl"));
    for span in &written {
        let article = articles.iter().find(|a| a["id"] == span["article_id"]).unwrap();
        let text: Vec<char> = article["text"].as_str().unwrap().chars().collect();
        let slice: String = text[span["start"].as_u64().unwrap() as usize..span["end"].as_u64().unwrap() as usize].iter().collect();
        assert_eq!(Some(slice.as_str()), span["text"].as_str());
    }
    assert!(articles[1]["text"].as_str().unwrap().contains("عام 2018 في دمشق."));
    // The written folder is a valid dataset, and stats sees its version.
    mizan().arg("validate").arg(&out).assert().success();
    let stats: Value = serde_json::from_slice(&mizan().arg("stats").arg(&out).arg("--json").assert().success().get_output().stdout).unwrap();
    assert_eq!(stats["version"]["fingerprint"], stats["fingerprint"]);
    assert_eq!(stats["version"]["matches"], true);
    assert!(stats["version"]["command"].as_str().unwrap().starts_with("mizan normalize --articles"));
    assert_eq!(stats["version"]["parent"].as_str().map(str::len), Some(32));
    assert_eq!(stats["version"]["mizan_version"], env!("CARGO_PKG_VERSION"));

    // A version written before mizan 0.2.0 (no `mizan_version`) recorded the fingerprint of
    // that definition: stats checks it by that definition and still prints the current one.
    let spec = mizan::DatasetSpec::Named(out.display().to_string());
    let (dataset, _) = mizan::Dataset::load(&spec, &mizan::progress::NoProgress).unwrap();
    let (current, old) = (dataset.fingerprint(), dataset.fingerprint_v1());
    assert_eq!(stats["fingerprint"], current.as_str());
    assert_ne!(old, current);
    let manifest_path = out.join("manifest.toml");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let fingerprint_line = format!("fingerprint = \"{current}\"");
    assert!(manifest.contains(&fingerprint_line), "{manifest}");
    let rewritten: String = manifest
        .lines()
        .filter(|l| !l.starts_with("mizan_version"))
        .map(|l| if l == fingerprint_line { format!("fingerprint = \"{old}\"\n") } else { format!("{l}\n") })
        .collect();
    std::fs::write(&manifest_path, &rewritten).unwrap();
    let stats: Value = serde_json::from_slice(&mizan().arg("stats").arg(&out).arg("--json").assert().success().get_output().stdout).unwrap();
    assert_eq!((stats["fingerprint"].as_str(), stats["version"]["fingerprint"].as_str()), (Some(current.as_str()), Some(old.as_str())));
    assert_eq!(stats["version"]["matches"], true);
    let text = String::from_utf8(mizan().arg("stats").arg(&out).assert().success().get_output().stdout.clone()).unwrap();
    assert!(text.contains("(matches the content)") && text.contains("as mizan before 0.2.0 defined it"), "{text}");
    // Another old fingerprint does not match.
    std::fs::write(&manifest_path, rewritten.replace(&old, &"0".repeat(32))).unwrap();
    let stats: Value = serde_json::from_slice(&mizan().arg("stats").arg(&out).arg("--json").assert().success().get_output().stdout).unwrap();
    assert_eq!(stats["version"]["matches"], false);
}

#[test]
fn profiles_and_step_flags_choose_the_folds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("light");
    let json: Value = serde_json::from_slice(
        &mizan()
            .arg("normalize")
            .args(input())
            .arg("--out")
            .arg(&out)
            .args(["--profile", "light", "--with", "digits", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["steps"], serde_json::json!(["nfc", "controls", "tatweel", "digits", "whitespace"]));
    assert_eq!(json["spans"]["ner"]["before"], 10);
    // Light keeps the shadda, so only the tatweel-only span is lost.
    assert_eq!(json["spans"]["ner"]["written"], 9);
    assert_eq!(json["lost"].as_array().unwrap().len(), 1);
    let articles = lines(&out.join("articles.jsonl"));
    // Light keeps diacritics and hamza seats; the digits step was added.
    assert!(articles[1]["text"].as_str().unwrap().starts_with("التقى الرئيسُ بشّار الأسد"), "{}", articles[1]["text"]);
    assert!(articles[1]["text"].as_str().unwrap().contains("2018"));
    let full = dir.path().join("full");
    mizan().arg("normalize").args(input()).arg("--out").arg(&full).args(["--profile", "full", "--without", "ta-marbuta"]).assert().success();
    let articles = lines(&full.join("articles.jsonl"));
    assert!(articles[2]["text"].as_str().unwrap().contains("القاهرة 1990"));
    mizan()
        .arg("normalize")
        .args(input())
        .arg("--out")
        .arg(dir.path().join("x"))
        .args(["--with", "colour"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown normalisation step `colour`"));
}

#[test]
fn never_overwrites_the_input_or_a_folder_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    mizan().arg("normalize").args(input()).arg("--out").arg(&out).assert().success();
    mizan().arg("normalize").args(input()).arg("--out").arg(&out).assert().code(2).stderr(predicates::str::contains("is not empty"));
    std::fs::write(out.join("gold/quote.jsonl"), "{\"article_id\": \"n1\", \"start\": 0, \"end\": 1, \"label\": \"QUOTE\"}\n").unwrap();
    mizan().arg("normalize").args(input()).arg("--out").arg(&out).arg("--force").assert().success();
    // The replaced dataset's other layers are gone with it.
    assert!(!out.join("gold/quote.jsonl").exists());
    // Normalising the output into itself is refused even with --force.
    mizan().arg("normalize").arg(&out).arg("--out").arg(&out).arg("--force").assert().code(2).stderr(predicates::str::contains("holds the input dataset"));
    let other = dir.path().join("notes");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("readme.txt"), "keep").unwrap();
    mizan().arg("normalize").args(input()).arg("--out").arg(&other).assert().code(2);
    assert_eq!(std::fs::read_to_string(other.join("readme.txt")).unwrap(), "keep");
}
