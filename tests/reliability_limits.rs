//! Every reader has a bound on a line (MIZAN_MAX_LINE_BYTES, 64 MiB by default): an over-long
//! line stops the command with `file:line: line longer than N bytes` instead of growing until
//! the machine runs out of memory. The tests set the bound to 1000 bytes rather than write GBs.

use std::path::Path;

use assert_cmd::Command;

const LIMIT: &str = "1000";

fn mizan(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(dir).env("MIZAN_MAX_LINE_BYTES", LIMIT).timeout(std::time::Duration::from_secs(60));
    command
}

/// A file whose line `line` (1-based) is 5000 bytes of `x` and has no newline; the lines before
/// it are `before`.
fn with_long_line(path: &Path, before: &str) {
    std::fs::write(path, format!("{before}{}", "x".repeat(5000))).unwrap();
}

fn assert_refused(output: std::process::Output, at: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let expected = format!("{at}: line longer than {LIMIT} bytes");
    assert!(stderr.contains(&expected), "expected {expected:?} in:\n{stderr}");
    assert_eq!(stderr.matches(&expected).count(), 1, "said once:\n{stderr}");
}

const ARTICLE: &str = "{\"id\": \"a1\", \"text\": \"قال لافروف\"}\n";
const SPAN: &str = "{\"article_id\": \"a1\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}\n";

#[test]
fn an_over_long_line_in_gold_articles_or_predictions_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("articles.jsonl"), ARTICLE).unwrap();
    std::fs::write(d.join("gold.jsonl"), SPAN).unwrap();
    with_long_line(&d.join("long-articles.jsonl"), ARTICLE);
    with_long_line(&d.join("long-gold.jsonl"), &SPAN.repeat(2));
    let validate = mizan(d).args(["validate", "--articles", "long-articles.jsonl", "--gold", "gold.jsonl"]).output().unwrap();
    assert_refused(validate, "long-articles.jsonl:2");
    let gold = mizan(d).args(["validate", "--articles", "articles.jsonl", "--gold", "long-gold.jsonl"]).output().unwrap();
    assert_refused(gold, "long-gold.jsonl:3");
    let pred = mizan(d).args(["score", "--gold", "gold.jsonl", "--pred", "long-gold.jsonl"]).output().unwrap();
    assert_refused(pred, "long-gold.jsonl:3");
    let gold = mizan(d).args(["score", "--gold", "long-gold.jsonl", "--pred", "gold.jsonl"]).output().unwrap();
    assert_refused(gold, "long-gold.jsonl:3");
}

#[test]
fn an_over_long_line_in_conll_is_refused_by_conlleval_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    with_long_line(&d.join("long.conll"), "قال O O\nلافروف B-PER B-PER\n\n");
    let conlleval = mizan(d).args(["conlleval", "long.conll"]).output().unwrap();
    assert_refused(conlleval, "long.conll:4");
    let stdin = mizan(d).arg("conlleval").write_stdin(std::fs::read(d.join("long.conll")).unwrap()).output().unwrap();
    assert_refused(stdin, "<stdin>:4");
    let import = mizan(d).args(["import", "--from", "conll", "long.conll", "--out", "imported"]).output().unwrap();
    assert_refused(import, "long.conll:4");
    assert!(!d.join("imported/manifest.toml").exists());
}

#[test]
fn an_over_long_text_article_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("articles")).unwrap();
    std::fs::write(d.join("articles/a1.txt"), "قال لافروف\n".repeat(200)).unwrap();
    let output = mizan(d).args(["validate", "--articles", "articles"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a1.txt: article file longer than 1000 bytes"), "{stderr}");
}

#[test]
fn a_line_at_the_limit_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "ب".repeat(480);
    let line = format!("{{\"id\": \"a1\", \"text\": \"{text}\"}}");
    let padded = format!("{line}{}\n", " ".repeat(1000 - line.len()));
    assert_eq!(padded.len(), 1001);
    std::fs::write(d.join("articles.jsonl"), padded).unwrap();
    let output = mizan(d).args(["validate", "--articles", "articles.jsonl"]).output().unwrap();
    assert!(output.status.success(), "{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_huge_value_is_quoted_short_with_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let huge = "ب".repeat(300_000);
    std::fs::write(d.join("articles.jsonl"), format!("{{\"id\": \"a1\", \"text\": \"قال لافروف\"}}\n{{\"id\": \"{huge}\", \"text\": \"\"}}\n")).unwrap();
    std::fs::write(
        d.join("gold.jsonl"),
        format!("{{\"article_id\": \"a1\", \"start\": 4, \"end\": 10, \"label\": \"PER\", \"text\": \"{huge}\"}}\n{{\"article_id\": \"x{huge}\", \"start\": 0, \"end\": 1, \"label\": \"PER\"}}\n"),
    )
    .unwrap();
    let output =
        Command::cargo_bin("mizan").unwrap().current_dir(d).args(["validate", "--articles", "articles.jsonl", "--gold", "gold.jsonl"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.len() < 10_000, "{} bytes printed", stdout.len());
    assert!(stdout.contains("gold.jsonl:1: `text` is \"بببب"), "{stdout}");
    assert!(stdout.contains("\"… (300000 characters in all) but article `a1` holds \"لافروف\" at 4..10"), "{stdout}");
    assert!(stdout.contains("gold.jsonl:2: unknown article_id `xببب"), "{stdout}");
    assert!(stdout.contains("… (300001 characters in all)`"), "{stdout}");
    assert!(stdout.contains("… (300000 characters in all)` has empty text"), "{stdout}");
}

#[test]
fn an_over_long_manifest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("datasets/zero")).unwrap();
    std::fs::write(d.join("datasets/zero/manifest.toml"), format!("name = \"zero\"\n#{}\n", "x".repeat(5000))).unwrap();
    let output = mizan(d).args(["validate", "zero"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("manifest.toml: file longer than 1000 bytes"), "{stderr}");
}

#[test]
fn an_oversized_registry_file_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("extractors.toml");
    std::fs::write(&registry, format!("[extractor.x]\nkind = \"oracle\"\n# {}\n", "x".repeat(5000))).unwrap();
    let output = mizan(dir.path()).args(["extractors", "--registry"]).arg(&registry).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("extractors.toml: file longer than {LIMIT} bytes")) && stderr.contains("MIZAN_MAX_LINE_BYTES"), "{stderr}");
}
