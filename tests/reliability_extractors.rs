//! Misbehaving external extractors must fail their own articles only: one that exits without
//! reading (SIGPIPE), one that leaves a child behind, one whose answer has an unknown field, one
//! that streams an endless line. The run goes on, the other extractors' results are in the
//! report, and no process outlives mizan.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// A dataset of three articles, one of them over 200 KB (more than a pipe holds), with gold.
fn dataset(dir: &Path) {
    let big = "قال لافروف في موسكو ".repeat(6000);
    let articles = [("a1", "قال لافروف في موسكو اليوم".to_string()), ("a2", big), ("a3", "قال لافروف".to_string())];
    let mut lines = String::new();
    for (id, text) in &articles {
        lines.push_str(&serde_json::json!({"id": id, "text": text}).to_string());
        lines.push('\n');
    }
    std::fs::write(dir.join("articles.jsonl"), lines).unwrap();
    let gold = articles.iter().map(|(id, _)| format!("{{\"article_id\": \"{id}\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}}\n")).collect::<String>();
    std::fs::write(dir.join("gold.jsonl"), gold).unwrap();
}

/// A registry with one command extractor per `(name, command)`.
fn registry(dir: &Path, extractors: &[(&str, &[&str])], timeout_secs: u32) {
    let mut toml = String::new();
    for (name, command) in extractors {
        let command: Vec<String> = command.iter().map(|a| format!("{a:?}")).collect();
        toml.push_str(&format!(
            "[extractor.{name}]\nkind = \"command\"\ncommand = [{}]\nversion = \"1\"\nlayers = [\"ner\"]\ntimeout_secs = {timeout_secs}\nworkers = 1\n\n",
            command.join(", ")
        ));
    }
    std::fs::write(dir.join("extractors.toml"), toml).unwrap();
}

fn run(dir: &Path, extractors: &str) -> (std::process::Output, Option<Value>) {
    let output = Command::cargo_bin("mizan")
        .unwrap()
        .current_dir(dir)
        .args(["run", "--articles", "articles.jsonl", "--gold", "gold.jsonl", "--registry", "extractors.toml", "--jobs", "2", "--extractor", extractors])
        .args(["--out", "out", "--bootstrap", "0"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let report = std::fs::read_to_string(dir.join("out/report.json")).ok().map(|text| serde_json::from_str(&text).unwrap());
    (output, report)
}

fn errors(report: &Value, extractor: &str) -> Vec<(String, String)> {
    report["extractors"][extractor]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["article_id"].as_str().unwrap().to_string(), e["error"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn extractors_that_do_not_read_their_input_fail_their_articles_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path());
    let quits: &[&str] = &["sh", "-c", "head -c 10 >/dev/null; exit 0"];
    registry(dir.path(), &[("never-reads", &["true"]), ("echo", &["echo", "hello"]), ("quits", quits)], 20);
    let started = Instant::now();
    let (output, report) = run(dir.path(), "never-reads,echo,quits,oracle");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "killed by SIGPIPE? {:?}\n{stderr}", output.status);
    let report = report.expect("report.json written");
    assert_eq!(report["extractors"]["oracle"]["layers"]["ner"]["overall"]["strict"]["f1"], 1.0);
    for name in ["never-reads", "echo", "quits"] {
        let errors = errors(&report, name);
        assert_eq!(errors.len(), 3, "{name}: {errors:?}");
        for (id, error) in &errors {
            assert!(error.starts_with("crashed: ") || error.starts_with("malformed answer: not JSON"), "{name} {id}: {error}");
        }
        assert!(stderr.contains(&format!("{name}: failed on 3 articles")), "{stderr}");
    }
    assert!(started.elapsed() < Duration::from_secs(20), "failures must not wait for the timeout: {:?}", started.elapsed());
}

/// Processes whose command line contains `marker`, zombies aside.
fn processes_with(marker: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        if String::from_utf8_lossy(&cmdline).contains(marker) {
            found.push(pid);
        }
    }
    found
}

#[test]
fn a_child_left_behind_is_killed_and_the_exit_is_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path());
    // A duration no other process uses, to find the child again.
    let marker = format!("{}.{}", 900 + std::process::id() % 97, std::process::id());
    let script = format!("sleep {marker} & read -r line; echo 'leaving a child' >&2; exit 4");
    registry(dir.path(), &[("orphaner", &["sh", "-c", &script])], 5);
    let started = Instant::now();
    let (output, report) = run(dir.path(), "orphaner,oracle");
    let left = processes_with(&marker);
    for pid in &left {
        let _ = std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status();
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(left.is_empty(), "children still running after mizan exited: {left:?}");
    let report = report.unwrap_or_else(|| panic!("no report: {stderr}"));
    let errors = errors(&report, "orphaner");
    assert_eq!(errors.len(), 3, "{errors:?}");
    for (id, error) in &errors {
        assert!(error.starts_with("crashed: the process exited without answering; stderr: leaving a child"), "{id}: {error}");
        assert!(error.ends_with("exit code 4"), "{id}: {error}");
    }
    assert!(started.elapsed() < Duration::from_secs(10), "an exit must not wait for the timeout: {:?}", started.elapsed());
}

#[test]
fn an_endless_answer_line_fails_the_article_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("articles.jsonl"), "{\"id\": \"a1\", \"text\": \"قال لافروف\"}\n").unwrap();
    std::fs::write(dir.path().join("gold.jsonl"), "{\"article_id\": \"a1\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}\n").unwrap();
    registry(dir.path(), &[("streamer", &["sh", "-c", "read -r line; head -c 100000 /dev/zero; sleep 30"])], 20);
    let started = Instant::now();
    let output = Command::cargo_bin("mizan")
        .unwrap()
        .current_dir(dir.path())
        .env("MIZAN_MAX_LINE_BYTES", "5000")
        .args(["run", "--articles", "articles.jsonl", "--gold", "gold.jsonl", "--registry", "extractors.toml", "--extractor", "streamer"])
        .args(["--out", "out", "--bootstrap", "0"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/report.json")).unwrap()).unwrap();
    let errors = errors(&report, "streamer");
    assert_eq!(errors.len(), 1);
    for (id, error) in errors {
        assert!(error.starts_with("malformed answer: an answer line longer than 5000 bytes"), "{id}: {error}");
    }
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
}

#[test]
fn unknown_fields_in_an_answer_are_warnings_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("articles.jsonl"), "{\"id\": \"a1\", \"text\": \"قال لافروف\"}\n{\"id\": \"a2\", \"text\": \"قال لافروف\"}\n").unwrap();
    std::fs::write(dir.path().join("gold.jsonl"), "{\"article_id\": \"a1\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}\n").unwrap();
    let script = r#"while read -r line; do id=$(printf '%s' "$line" | sed 's/.*"id":"\([^"]*\)".*/\1/'); printf '{"id":"%s","spans":[{"start":4,"end":10,"label":"PER","atrs":{"x":"y"}}],"note":1}\n' "$id"; done"#;
    registry(dir.path(), &[("typo", &["sh", "-c", script])], 20);
    let (output, report) = run(dir.path(), "typo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let report = report.unwrap();
    let typo = &report["extractors"]["typo"];
    assert_eq!(typo["layers"]["ner"]["overall"]["strict"]["correct"], 1, "the spans are kept");
    let warnings: Vec<(String, String)> =
        typo["warnings"].as_array().unwrap().iter().map(|w| (w["article_id"].as_str().unwrap().into(), w["warning"].as_str().unwrap().into())).collect();
    assert_eq!(warnings.len(), 4, "{warnings:?}");
    assert_eq!(warnings[0].0, "a1");
    assert!(warnings.iter().any(|(id, w)| id == "a1" && w.starts_with("unknown answer field `note` is ignored")), "{warnings:?}");
    assert!(warnings.iter().any(|(id, w)| id == "a2" && w.starts_with("span 0: unknown field `atrs` is ignored")), "{warnings:?}");
    assert!(stderr.contains("typo: warning: 4 things ignored in its answers"), "{stderr}");
    let markdown = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(markdown.contains("### Ignored in its answers (4)"), "{markdown}");
    // The warnings are part of the documented schema.
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let (mut schemas, mut compiler) = (boon::Schemas::new(), boon::Compiler::new());
    compiler.add_resource("urn:mizan:report:1", schema).unwrap();
    let index = compiler.compile("urn:mizan:report:1", &mut schemas).unwrap();
    schemas.validate(&report, index).unwrap_or_else(|e| panic!("{e}"));
    let mut tampered = report.clone();
    tampered["extractors"]["typo"]["warnings"][0]["extra"] = Value::from(1);
    assert!(schemas.validate(&tampered, index).is_err(), "the schema describes the warning records");
    assert!(markdown.contains("| `a2` | span 0: unknown field \\`atrs\\` is ignored"), "{markdown}");
}

#[test]
fn a_hang_while_a_two_megabyte_article_is_written_is_a_timeout_of_that_article() {
    let dir = tempfile::tempdir().unwrap();
    let big = "قال لافروف في موسكو ".repeat(60_000);
    assert!(big.len() > 2_000_000);
    let articles = format!("{}\n{}\n", serde_json::json!({"id": "big", "text": big}), serde_json::json!({"id": "small", "text": "قال لافروف"}));
    std::fs::write(dir.path().join("articles.jsonl"), articles).unwrap();
    std::fs::write(dir.path().join("gold.jsonl"), "{\"article_id\": \"small\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}\n").unwrap();
    let marker = format!("{}.{}", 800 + std::process::id() % 89, std::process::id());
    registry(dir.path(), &[("sleeper", &["sleep", &marker])], 1);
    let (output, report) = run(dir.path(), "sleeper,oracle");
    let left = processes_with(&marker);
    for pid in &left {
        let _ = std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status();
    }
    assert_eq!(output.status.code(), Some(1), "{:?}: {}", output.status, String::from_utf8_lossy(&output.stderr));
    assert!(left.is_empty(), "sleepers left running: {left:?}");
    let report = report.unwrap();
    assert_eq!(report["extractors"]["oracle"]["layers"]["ner"]["overall"]["strict"]["f1"], 1.0);
    let errors = errors(&report, "sleeper");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().all(|(_, e)| e == "no answer within 1 s"), "{errors:?}");
}

#[test]
fn after_the_workers_are_gone_a_closed_stdout_still_ends_mizan_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    // 400 labels of 200 characters: the --detail summary is bigger than a pipe holds.
    let (mut articles, mut gold) = (String::new(), String::new());
    for i in 0..400 {
        articles.push_str(&format!("{{\"id\": \"a{i}\", \"text\": \"قال لافروف\"}}\n"));
        gold.push_str(&format!("{{\"article_id\": \"a{i}\", \"start\": 4, \"end\": 10, \"label\": \"L{i:0>199}\"}}\n"));
    }
    std::fs::write(dir.path().join("articles.jsonl"), articles).unwrap();
    std::fs::write(dir.path().join("gold.jsonl"), gold).unwrap();
    registry(dir.path(), &[("never-reads", &["true"])], 5);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mizan"))
        .current_dir(dir.path())
        .args(["run", "--articles", "articles.jsonl", "--gold", "gold.jsonl", "--registry", "extractors.toml", "-e", "never-reads,oracle", "--detail"])
        .args(["--bootstrap", "0", "--quiet", "--out", "out"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // The read end is closed here, as `| head -c 100` does.
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.signal(), Some(libc_sigpipe()), "{status:?}: {stderr}");
    assert!(dir.path().join("out/report.json").exists(), "the report is written before the summary");
}

/// SIGPIPE's number on Linux and the BSDs.
fn libc_sigpipe() -> i32 {
    13
}
