//! Data never reaches the terminal raw: ESC, BEL, CR and U+202E (right-to-left override) in a
//! label, a layer, an attribute key, a slice value and an article id come out escaped
//! (`\u{1b}`) in every command that prints them.

use std::path::Path;

use assert_cmd::Command;

/// ESC [31m (red), BEL, CR and RIGHT-TO-LEFT OVERRIDE, as JSON escapes.
const HOSTILE: &str = "\\u001b[31m\\u0007\\r\\u202e";

fn dataset(dir: &Path) {
    let id = format!("a{HOSTILE}1");
    let articles = format!("{{\"id\": \"{id}\", \"text\": \"قال لافروف في موسكو\", \"split\": \"x{HOSTILE}\"}}\n{{\"id\": \"b\", \"text\": \"قال لافروف\"}}\n");
    std::fs::write(dir.join("articles.jsonl"), articles).unwrap();
    let gold = format!(
        "{{\"article_id\": \"{id}\", \"start\": 4, \"end\": 10, \"label\": \"PER{HOSTILE}\", \"attrs\": {{\"role{HOSTILE}\": \"v\"}}}}\n\
         {{\"article_id\": \"b\", \"layer\": \"ner{HOSTILE}\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}}\n"
    );
    std::fs::write(dir.join("gold.jsonl"), &gold).unwrap();
    let unknown = format!("{{\"article_id\": \"z{HOSTILE}\", \"start\": 0, \"end\": 1, \"label\": \"PER\"}}\n");
    std::fs::write(dir.join("unknown.jsonl"), unknown).unwrap();
    std::fs::write(dir.join("extractors.toml"), "[extractor.quits]\nkind = \"command\"\ncommand = [\"true\"]\nversion = \"1\"\nlayers = [\"ner\"]\n").unwrap();
}

fn assert_escaped(dir: &Path, args: &[&str]) {
    let output = Command::cargo_bin("mizan").unwrap().current_dir(dir).args(args).timeout(std::time::Duration::from_secs(60)).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!text.contains("panicked"), "{args:?}: {text}");
    for raw in ['\u{1b}', '\u{7}', '\r', '\u{202E}'] {
        assert!(!text.contains(raw), "{args:?} printed {raw:?} raw:\n{text:?}");
    }
    assert!(text.contains("\\u{1b}[31m\\u{7}\\r\\u{202e}"), "{args:?}: the escapes are shown:\n{text}");
}

#[test]
fn hostile_labels_ids_and_fields_are_escaped_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dataset(d);
    assert_escaped(d, &["validate", "--articles", "articles.jsonl", "--gold", "gold.jsonl"]);
    assert_escaped(d, &["validate", "--articles", "articles.jsonl", "--gold", "unknown.jsonl"]);
    assert_escaped(d, &["score", "--gold", "gold.jsonl", "--pred", "gold.jsonl"]);
    assert_escaped(d, &["score", "--gold", "unknown.jsonl", "--pred", "gold.jsonl", "--articles", "articles.jsonl"]);
    assert_escaped(d, &["stats", "--articles", "articles.jsonl"]);
    assert_escaped(d, &["run", "--articles", "articles.jsonl", "--registry", "extractors.toml", "-e", "quits", "--out", "out", "--bootstrap", "0"]);
    std::fs::write(d.join("plain.jsonl"), "{\"article_id\": \"b\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}\n").unwrap();
    let sliced = ["run", "--articles", "articles.jsonl", "--gold", "plain.jsonl", "-e", "oracle", "--slice-by", "split", "--out", "out2", "--bootstrap", "0"];
    assert_escaped(d, &sliced);
}

#[test]
fn report_md_cells_cannot_add_rows_headings_or_html() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = "a | fake | row |\\n# Heading `x` <b>";
    std::fs::write(d.join("articles.jsonl"), format!("{{\"id\": \"{id}\", \"text\": \"قال لافروف\", \"split\": \"s\\n| fake |\"}}\n")).unwrap();
    std::fs::write(d.join("gold.jsonl"), format!("{{\"article_id\": \"{id}\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}}\n")).unwrap();
    std::fs::write(
        d.join("extractors.toml"),
        "[extractor.noisy]\nkind = \"command\"\ncommand = [\"sh\", \"-c\", \"echo '| fake | row |' >&2; echo '<script>alert(1)</script>' >&2; exit 1\"]\nversion = \"1\"\nlayers = [\"ner\"]\n",
    )
    .unwrap();
    let output = Command::cargo_bin("mizan")
        .unwrap()
        .current_dir(d)
        .args(["run", "--articles", "articles.jsonl", "--gold", "gold.jsonl", "--registry", "extractors.toml", "-e", "noisy,oracle"])
        .args(["--slice-by", "split", "--bootstrap", "0", "--out", "out"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let markdown = std::fs::read_to_string(d.join("out/report.md")).unwrap();
    assert!(!markdown.lines().any(|l| l.starts_with("# Heading") || l.starts_with("| fake")), "{markdown}");
    assert!(!markdown.contains("<script"), "{markdown}");
    // `<b>` stays only inside code spans, where Markdown shows it as text.
    assert!(markdown.lines().filter(|l| l.contains("<b>")).all(|l| l.contains("`` a \\| fake")), "{markdown}");
    let failed = markdown.lines().skip_while(|l| !l.starts_with("### Failed articles")).nth(4).unwrap();
    assert!(
        failed.starts_with("| `` a \\| fake \\| row \\| # Heading `x` <b> `` | crashed: the process exited without answering; stderr: \\| fake \\| row \\|"),
        "{failed}"
    );
    assert!(failed.contains("&lt;script>alert(1)&lt;/script>"), "{failed}");
    assert_eq!(failed.matches(" | ").count(), 1, "one row of two cells: {failed}");
}
