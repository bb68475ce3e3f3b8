//! The curation commands on the real corpora (`MIZAN_CORPORA`, see docs/curation.md for the
//! walk-through these figures come from).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn corpora() -> PathBuf {
    PathBuf::from(std::env::var_os("MIZAN_CORPORA").expect("set MIZAN_CORPORA to the shared corpora folder"))
}

fn import(file: &Path, out: &Path, extra: &[&str]) {
    mizan().args(["import", "--from", "conll", "-q"]).arg(file).arg("--out").arg(out).args(extra).assert().success();
}

fn json(command: &mut Command) -> Value {
    serde_json::from_slice(&command.assert().success().get_output().stdout).unwrap()
}

#[test]
#[ignore = "needs MIZAN_CORPORA"]
fn anercorp_test_leaks_entities_but_no_text_from_train() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = (dir.path().join("train"), dir.path().join("test"));
    import(&corpora().join("anercorp/ANERCorp_CamelLab_train.txt"), &train, &["--sentences-per-article", "10"]);
    import(&corpora().join("anercorp/ANERCorp_CamelLab_test.txt"), &test, &["--sentences-per-article", "10"]);
    let found = json(mizan().arg("leakage").arg(&train).arg(&test).arg("--json"));
    assert_eq!(found["leaks"].as_array().unwrap().len(), 0);
    assert_eq!(found["entities"]["mentions"], 2285);
    assert_eq!(found["entities"]["seen"], 1023);
    assert_eq!(found["per_label"]["ner"]["LOC"]["seen"], 534);
    mizan().arg("leakage").arg(&train).arg(&test).args(["--fail-above-seen", "0.4"]).assert().code(1);

    let split = dir.path().join("split");
    let counts = json(mizan().arg("split").arg(&train).args(["--ratios", "80,10,10", "--json"]).arg("--out").arg(&split));
    let articles: u64 = ["train", "dev", "test"].iter().map(|s| counts["splits"][s]["articles"].as_u64().unwrap()).sum();
    assert_eq!(articles, 398);
    mizan().arg("validate").arg(&split).assert().success();
}

#[test]
#[ignore = "needs MIZAN_CORPORA"]
fn newsfane_normalises_without_losing_a_span() {
    let dir = tempfile::tempdir().unwrap();
    let (fane, norm) = (dir.path().join("fane"), dir.path().join("norm"));
    import(&corpora().join("newsfane/NewsFANE_Gold_2014_170K.txt"), &fane, &[]);
    let summary = json(mizan().arg("normalize").arg(&fane).arg("--out").arg(&norm).args(["--profile", "full", "--json"]));
    assert_eq!(summary["spans"]["ner"]["before"], 11423);
    assert_eq!(summary["spans"]["ner"]["written"], 11423);
    assert_eq!(summary["characters"]["before"].as_u64().unwrap() - summary["characters"]["after"].as_u64().unwrap(), 152_599);
    // The bidi warnings NewsFANE's spans carry are gone.
    mizan().arg("validate").arg(&norm).assert().success().stdout(predicates::str::contains("no problems"));
    let deduped = json(mizan().arg("dedupe").arg(&norm).arg("--json"));
    assert!(deduped["duplicates"].as_u64().unwrap() < 100, "{}", deduped["duplicates"]);
}
