//! Odd things on disk and in fields are named for what they are: a symbolic link loop is not
//! "no such file", a folder or FIFO named like a `.txt` article is warned about, and metadata
//! that is not a string is kept with a warning (`-0` as `-0`).

use std::path::Path;

use assert_cmd::Command;

fn mizan(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = Command::cargo_bin("mizan").unwrap().current_dir(dir).args(args).timeout(std::time::Duration::from_secs(30)).output().unwrap();
    (output.status.code(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn a_symbolic_link_loop_is_reported_as_a_loop() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink("loop.jsonl", d.join("loop.jsonl")).unwrap();
    std::os::unix::fs::symlink("gone.jsonl", d.join("dangling.jsonl")).unwrap();
    std::fs::write(d.join("g.jsonl"), "{\"article_id\": \"a\", \"start\": 0, \"end\": 1, \"label\": \"PER\"}\n").unwrap();
    let (code, text) = mizan(d, &["validate", "--articles", "loop.jsonl"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("loop.jsonl: a loop of symbolic links"), "{text}");
    let (code, text) = mizan(d, &["score", "--gold", "g.jsonl", "--pred", "g.jsonl", "--articles", "loop.jsonl"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("loop.jsonl: a loop of symbolic links"), "{text}");
    let (_, text) = mizan(d, &["validate", "--articles", "dangling.jsonl"]);
    assert!(text.contains("dangling.jsonl: a symbolic link to gone.jsonl, which does not exist"), "{text}");
}

#[test]
fn folders_fifos_and_loops_among_txt_articles_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir_all(articles.join("folder.txt")).unwrap();
    std::fs::write(articles.join("a.txt"), "قال لافروف").unwrap();
    std::os::unix::fs::symlink("loop.txt", articles.join("loop.txt")).unwrap();
    let fifo = articles.join("fifo.txt");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (code, text) = mizan(dir.path(), &["validate", "--articles", "articles"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("folder.txt: warning: is a folder, not an article file; it is skipped"), "{text}");
    assert!(text.contains("fifo.txt: warning: is not a regular file (a FIFO, socket or device), not an article file"), "{text}");
    assert!(text.contains("loop.txt: warning: is a loop of symbolic links"), "{text}");
    assert!(text.contains("1 article, 0 valid gold spans: 0 errors, 3 warnings"), "{text}");
}

#[test]
fn metadata_that_is_not_a_string_is_kept_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.jsonl"), "{\"id\": \"a\", \"text\": \"x\", \"year\": 2018, \"zero\": -0, \"ok\": true, \"tags\": [1]}\n").unwrap();
    let (code, text) = mizan(d, &["validate", "--articles", "a.jsonl"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("a.jsonl:1: warning: metadata field `year` is a number and is kept as the string \"2018\""), "{text}");
    assert!(text.contains("metadata field `zero` is a number and is kept as the string \"-0\""), "{text}");
    assert!(text.contains("metadata field `ok` is a boolean and is kept as the string \"true\""), "{text}");
    assert!(text.contains("metadata field `tags` is an array and is ignored"), "{text}");
    assert!(!text.contains("-0.0"), "{text}");
}
