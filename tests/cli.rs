//! End-to-end tests of `validate`, `stats` and `import` on the shipped dataset and, when
//! `MIZAN_CORPORA` names the shared corpora, on ANERcorp and NewsFANE.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn corpora() -> PathBuf {
    PathBuf::from(std::env::var_os("MIZAN_CORPORA").expect("set MIZAN_CORPORA to the shared datasets folder (bash .ci/run sets it to ../shared/datasets)"))
}

fn stats_json(args: &[&str]) -> Value {
    let output = mizan().arg("stats").args(args).arg("--json").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_shipped_dataset_validates_cleanly() {
    let output = mizan().args(["validate", "sana"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("sana: 1 article, 68 valid gold spans: no problems"), "{stdout}");
}

#[test]
fn stats_json_has_the_documented_shape() {
    let stats = stats_json(&["sana"]);
    assert_eq!(stats["articles"], 1);
    assert_eq!(stats["characters"], 3038);
    assert_eq!(stats["spans"]["quote"]["QUOTE"], 9);
    assert_eq!(stats["spans"]["dateline"]["DATELINE"], 1);
    assert_eq!(stats["spans"]["date"]["DATE"], 4);
    let ner: u64 = stats["spans"]["ner"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(ner, 54);
    assert_eq!(stats["splits"]["test"]["articles"], 1);
}

#[test]
fn stats_table_lists_layers_and_labels() {
    let output = mizan().args(["stats", "sana"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("sana: 1 article, 3,038 characters"), "{stdout}");
    assert!(stdout.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["quote", "QUOTE", "9", "9"]), "{stdout}");
}

#[test]
fn a_dataset_can_be_named_by_its_folder() {
    // The folder finds its gold in gold/sana, beside datasets/.
    let output = mizan().args(["validate", "datasets/sana"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("68 valid gold spans"), "{stdout}");
}

/// Imports a corpus file and returns the output folder's stats.
fn import_counts(file: &str, extra: &[&str]) -> (Value, String) {
    let path = corpora().join(file);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("ds");
    let output = mizan().args(["import", "--from", "conll"]).arg(&path).arg("--out").arg(&dir).args(extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let stats = stats_json(&[dir.to_str().unwrap()]);
    (stats, stderr)
}

#[test]
#[ignore = "needs MIZAN_CORPORA (the shared corpora); bash .ci/run sets it and runs the ignored tests"]
fn anercorp_test_imports_with_conlleval_chunk_counts() {
    let (stats, stderr) = import_counts("anercorp/ANERCorp_CamelLab_test.txt", &[]);
    assert_eq!(stats["articles"], 925);
    let ner = &stats["spans"]["ner"];
    assert_eq!((ner["PERS"].as_u64(), ner["LOC"].as_u64(), ner["ORG"].as_u64(), ner["MISC"].as_u64()), (Some(907), Some(676), Some(459), Some(243)));
    assert!(stderr.contains("25,008 tokens"), "{stderr}");
    assert!(stderr.contains("74 chunks began without a proper start tag"), "{stderr}");
}

#[test]
#[ignore = "needs MIZAN_CORPORA (the shared corpora); bash .ci/run sets it and runs the ignored tests"]
fn anercorp_train_imports_with_a_label_map_and_grouping() {
    let args = ["--label-map", "PERS=PER", "--sentences-per-article", "10"];
    let (stats, _) = import_counts("anercorp/ANERCorp_CamelLab_train.txt", &args);
    assert_eq!(stats["articles"], 398); // 3,973 sentences, ten to an article
    let ner = &stats["spans"]["ner"];
    assert_eq!((ner["PER"].as_u64(), ner["LOC"].as_u64(), ner["ORG"].as_u64(), ner["MISC"].as_u64()), (Some(2735), Some(3779), Some(1586), Some(900)));
    assert!(ner.get("PERS").is_none());
}

#[test]
#[ignore = "needs MIZAN_CORPORA (the shared corpora); bash .ci/run sets it and runs the ignored tests"]
fn newsfane_imports_despite_bom_crlf_and_bidi_marks() {
    let (stats, stderr) = import_counts("newsfane/NewsFANE_Gold_2014_170K.txt", &["--tab-separated", "--strip-bidi"]);
    assert_eq!(stats["articles"], 4760);
    let total: u64 = stats["spans"]["ner"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, 11423);
    assert!(stderr.contains("168,080 tokens"), "{stderr}");
    assert!(!stderr.contains("warning"), "bidi marks were stripped: {stderr}");
}
