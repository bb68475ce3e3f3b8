//! `mizan agree`: annotator pairs with known agreement (hand-checked values stored here),
//! symmetry, partial annotation, dataset folders, the HTML page.

use assert_cmd::Command;
use serde_json::Value;

const DATA: &str = "tests/data/curation/agree";

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn agree(files: &[&str]) -> Value {
    let mut command = mizan();
    command.arg("agree");
    for f in files {
        command.arg(format!("{DATA}/{f}.jsonl"));
    }
    let assert = command.args(["--articles", &format!("{DATA}/articles.jsonl"), "--json"]).assert().success();
    serde_json::from_slice(&assert.get_output().stdout).unwrap()
}

#[test]
fn known_agreement_between_two_annotators() {
    let json = agree(&["a", "b"]);
    let ner = &json["pairs"][0]["layers"]["ner"];
    // 10 spans each; 7 identical, 2 overlapping with the same label or with another one, 1 of
    // another type: strict 7/10, exact 8/10 (الكرملين has the same boundaries), type 8/10.
    assert_eq!(ner["overall"]["strict"]["f1"].as_f64().map(|f| (f * 1e4).round() / 1e4), Some(0.7));
    assert_eq!(ner["overall"]["exact"]["f1"].as_f64().map(|f| (f * 1e4).round() / 1e4), Some(0.8));
    assert_eq!(ner["per_label"]["PER"]["type"]["f1"].as_f64(), Some(1.0));
    assert_eq!(json["pairs"][0]["tokens"], 42);
    let kappa = ner["kappa"].as_f64().unwrap();
    assert!((kappa - 0.8164).abs() < 1e-4, "{kappa}");
    assert_eq!(json["disagreements"].as_array().unwrap().len(), 3);
    let kinds: Vec<&str> = json["disagreements"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["wrong_boundary", "wrong_type", "wrong_boundary_and_type"]);
    assert_eq!(json["disagreements"][1]["a_span"]["text"], "الكرملين");
    // Either side as reference: the same F1 and kappa.
    let swapped = agree(&["b", "a"]);
    for scheme in ["strict", "exact", "partial", "type"] {
        assert_eq!(swapped["pairs"][0]["layers"]["ner"]["overall"][scheme]["f1"], ner["overall"][scheme]["f1"], "{scheme}");
    }
    assert_eq!(swapped["pairs"][0]["layers"]["ner"]["kappa"], ner["kappa"]);
    // Identical annotations agree perfectly.
    let same = agree(&["a", "a"]);
    assert_eq!(same["pairs"][0]["layers"]["ner"]["kappa"], 1.0);
    assert_eq!(same["alpha"]["ner"], 1.0);
}

#[test]
fn three_annotators_and_articles_only_some_annotated() {
    let json = agree(&["a", "b", "c"]);
    assert_eq!(json["pairs"].as_array().unwrap().len(), 3);
    assert_eq!(json["annotated_by_some"], serde_json::json!([{"article_id": "a3", "annotated_by": ["a", "b"]}]));
    assert_eq!(json["pairs"][1]["articles"], 3);
    let alpha = json["alpha"]["ner"].as_f64().unwrap();
    assert!((alpha - 0.8114).abs() < 1e-4, "{alpha}");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("agree.html");
    let assert = mizan()
        .args([
            "agree",
            &format!("{DATA}/a.jsonl"),
            &format!("{DATA}/b.jsonl"),
            &format!("{DATA}/c.jsonl"),
            "--articles",
            &format!("{DATA}/articles.jsonl"),
            "--html",
        ])
        .arg(&page)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("a3: a, b"), "{stdout}");
    assert!(stdout.contains("Krippendorff's alpha (nominal, token labels, 3 annotators): ner 0.8114"), "{stdout}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Error browser") && html.contains("الكرملين"));
}

#[test]
fn dataset_folders_with_the_same_articles() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        let root = dir.path().join(name);
        std::fs::create_dir_all(root.join("gold")).unwrap();
        std::fs::copy(format!("{}/{DATA}/articles.jsonl", env!("CARGO_MANIFEST_DIR")), root.join("articles.jsonl")).unwrap();
        std::fs::copy(format!("{}/{DATA}/{name}.jsonl", env!("CARGO_MANIFEST_DIR")), root.join("gold/ner.jsonl")).unwrap();
        std::fs::write(root.join("manifest.toml"), format!("name = \"{name}\"\n[articles]\nformat = \"jsonl\"\n")).unwrap();
    }
    let assert = mizan().arg("agree").arg(dir.path().join("a")).arg(dir.path().join("b")).arg("--json").assert().success();
    let json: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json["pairs"][0]["tokens"], 42);
    // Another text under the same id is refused.
    let other = dir.path().join("b/articles.jsonl");
    let text = std::fs::read_to_string(&other).unwrap().replace("خبر قصير", "خبر طويل");
    std::fs::write(&other, text).unwrap();
    mizan().arg("agree").arg(dir.path().join("a")).arg(dir.path().join("b")).assert().code(2).stderr(predicates::str::contains("has another text"));
}
