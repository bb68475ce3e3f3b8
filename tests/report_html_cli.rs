//! `mizan run` writes report.html beside report.md: a self-contained page whose embedded data
//! holds every outcome of the run, adding up to report.json's counts. The browser side of the
//! page is checked by `tests/browser/check_report.mjs`; this checks the file itself, on the
//! browser check's adversarial dataset (markup, bidi controls and line separators in the text,
//! an extractor that fails with markup in its error).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn data_block(page: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"mizan-data\">";
    let start = page.find(open).unwrap() + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    let json = &page[start..end];
    assert!(!json.contains('<') && !json.contains('\u{2028}'), "the data block is escaped");
    serde_json::from_str(json).unwrap()
}

#[test]
fn run_writes_a_self_contained_report_html() {
    let out = tempfile::tempdir().unwrap();
    let data = "tests/data/browser";
    let output = mizan()
        .args(["run", "--articles", &format!("{data}/articles.jsonl"), "--gold", &format!("{data}/gold.jsonl")])
        .args(["--registry", &format!("{data}/extractors.toml"), "--extractor", "oracle,replay", "--bootstrap", "50", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    // replay fails on one article on purpose: exit 1, everything written.
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let page = read(out.path(), "report.html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert_eq!(page.matches("<script").count(), 2);
    assert!(page.contains("&lt;script&gt;alert(3)&lt;/script&gt;"), "the failure's stderr is shown as text");

    let data = data_block(&page);
    let articles: Vec<&Value> = data["articles"].as_array().unwrap().iter().collect();
    let hostile = articles.iter().find(|a| a["id"] == "adv-1").unwrap();
    assert!(hostile["text"].as_str().unwrap().contains("<script>window.__pwned=1;alert(1)</script>"));
    assert!(hostile["text"].as_str().unwrap().contains('\u{2028}'));
    assert_eq!((hostile["dir"].as_str(), hostile["lang"].as_str()), (Some("rtl"), Some("ar")));

    // Every view's records add up to report.json's counts, outcome by outcome.
    let report: Value = serde_json::from_str(&read(out.path(), "report.json")).unwrap();
    let names: Vec<&str> = data["outcomes"].as_array().unwrap().iter().map(|o| o.as_str().unwrap()).collect();
    let views = data["views"].as_array().unwrap();
    assert_eq!(views.len(), 4);
    for view in views {
        let mut counts = std::collections::BTreeMap::new();
        for article in view["articles"].as_array().unwrap() {
            for record in article["r"].as_array().unwrap() {
                *counts.entry(names[record[0].as_u64().unwrap() as usize]).or_insert(0u64) += 1;
            }
        }
        let count = |o: &str| counts.get(o).copied().unwrap_or(0);
        let overall = &report["extractors"][view["extractor"].as_str().unwrap()]["layers"][view["layer"].as_str().unwrap()]["overall"];
        let get = |scheme: &str, field: &str| overall[scheme][field].as_u64().unwrap();
        assert_eq!(count("correct"), get("strict", "correct"), "{view:?}");
        assert_eq!(count("wrong-type"), get("exact", "correct") - get("strict", "correct"));
        assert_eq!(count("wrong-boundary"), get("type", "correct") - get("strict", "correct"));
        assert_eq!(count("wrong-boundary") + count("wrong-boundary-and-type"), get("partial", "partial"));
        assert_eq!(count("missed"), get("strict", "missed"));
        assert_eq!(count("spurious"), get("strict", "spurious"));
    }
    let replay_ner = views.iter().find(|v| v["extractor"] == "replay" && v["layer"] == "ner").unwrap();
    assert!(replay_ner["articles"].as_array().unwrap().iter().any(|a| a["f"].as_str().is_some_and(|f| f.contains("alert(3)"))));
}

#[test]
fn the_oracle_on_sana_writes_report_html() {
    let out = tempfile::tempdir().unwrap();
    let output = mizan().args(["run", "sana", "--extractor", "oracle", "--bootstrap", "0", "--out"]).arg(out.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let page = read(out.path(), "report.html");
    assert!(page.contains("<h1>mizan report: <bdi>sana</bdi></h1>"));
    let data = data_block(&page);
    assert_eq!(data["articles"].as_array().unwrap().len(), 1);
    assert_eq!(data["views"].as_array().unwrap().len(), 4, "ner, quote, dateline and date");
    // Leftover temporary files would mean a write was not atomic.
    let names: Vec<String> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");
}
