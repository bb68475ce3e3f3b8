//! The report folder is replaced whole: a rerun leaves no file of the earlier run beside the
//! new report, a bad `--out` fails before any work, and `mizan run` killed with SIGKILL at
//! random moments always leaves DIR absent, the previous complete report, or the new one.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

fn mizan(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(dir).timeout(Duration::from_secs(120));
    command
}

/// `n` articles with one gold span each.
fn dataset(dir: &Path, n: usize) {
    let text = "قال لافروف في موسكو اليوم إن الوزير سافر إلى دمشق ".repeat(3);
    let (mut articles, mut gold) = (String::new(), String::new());
    for i in 0..n {
        articles.push_str(&serde_json::json!({"id": format!("a{i:05}"), "text": text}).to_string());
        articles.push('\n');
        gold.push_str(&format!("{{\"article_id\": \"a{i:05}\", \"start\": 4, \"end\": 10, \"label\": \"PER\"}}\n"));
    }
    std::fs::write(dir.join("articles.jsonl"), articles).unwrap();
    std::fs::write(dir.join("gold.jsonl"), gold).unwrap();
}

const DATA: [&str; 4] = ["--articles", "articles.jsonl", "--gold", "gold.jsonl"];

fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// Checks that `out` holds one complete, consistent report and returns its extractors, or
/// `None` when `out` does not exist.
fn complete_report(out: &Path, articles: usize) -> Result<Option<BTreeSet<String>>, String> {
    if !out.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(out.join("report.json")).map_err(|e| format!("report.json: {e}; folder holds {:?}", names(out)))?;
    let report: Value = serde_json::from_str(&text).map_err(|e| format!("report.json is not whole: {e}"))?;
    let extractors: BTreeSet<String> = report["extractors"].as_object().ok_or("no extractors")?.keys().cloned().collect();
    let expected: BTreeSet<String> = ["outcomes.jsonl", "predictions", "report.html", "report.json", "report.md"].iter().map(|s| s.to_string()).collect();
    if names(out) != expected {
        return Err(format!("folder holds {:?}", names(out)));
    }
    let predictions: BTreeSet<String> = extractors.iter().map(|e| format!("{e}.jsonl")).collect();
    if names(&out.join("predictions")) != predictions {
        return Err(format!("predictions/ holds {:?} but report.json lists {extractors:?}", names(&out.join("predictions"))));
    }
    let oracle = std::fs::read_to_string(out.join("predictions/oracle.jsonl")).map_err(|e| e.to_string())?;
    if oracle.lines().count() != articles {
        return Err(format!("predictions/oracle.jsonl has {} lines", oracle.lines().count()));
    }
    let markdown = std::fs::read_to_string(out.join("report.md")).map_err(|e| e.to_string())?;
    if let Some(missing) = extractors.iter().find(|e| !markdown.contains(&format!("## {e}\n"))) {
        return Err(format!("report.md does not list {missing}"));
    }
    Ok(Some(extractors))
}

#[test]
fn a_rerun_with_other_extractors_leaves_no_stale_predictions_or_tables() {
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path(), 5);
    let first =
        mizan(dir.path()).arg("run").args(DATA).args(["-e", "oracle,news-rules", "--tables", "csv", "--bootstrap", "0", "--out", "out"]).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(dir.path().join("out/tables/articles.csv").exists());
    assert!(dir.path().join("out/predictions/news-rules.jsonl").exists());
    let second = mizan(dir.path()).arg("run").args(DATA).args(["-e", "oracle", "--bootstrap", "0", "--out", "out"]).output().unwrap();
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(complete_report(&dir.path().join("out"), 5), Ok(Some(BTreeSet::from(["oracle".to_string()]))));
    assert_eq!(names(dir.path()), BTreeSet::from(["articles.jsonl", "gold.jsonl", "out"].map(String::from)), "no temporary folder left");
}

#[test]
fn an_out_that_is_a_file_fails_before_any_extractor_starts() {
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path(), 5);
    std::fs::write(
        dir.path().join("extractors.toml"),
        "[extractor.marks]\nkind = \"command\"\ncommand = [\"sh\", \"-c\", \"touch started; cat >/dev/null\"]\nversion = \"1\"\nlayers = [\"ner\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("taken"), "a file").unwrap();
    let output = mizan(dir.path()).arg("run").args(DATA).args(["-e", "marks,oracle", "--out", "taken"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("taken exists and is not a folder"), "{stderr}");
    assert!(!dir.path().join("started").exists(), "an extractor was started before the output path was checked");
    assert_eq!(std::fs::read_to_string(dir.path().join("taken")).unwrap(), "a file");
}

/// A small xorshift generator: the kill moments vary from run to run, and the seed is printed
/// on failure so that one can be replayed.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn kills_at_random_moments_leave_either_the_old_or_the_new_complete_report() {
    const ARTICLES: usize = 3000;
    let dir = tempfile::tempdir().unwrap();
    dataset(dir.path(), ARTICLES);
    let out = dir.path().join("out");
    let seed = std::env::var("MIZAN_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1);
    let mut state = seed;
    let binary = assert_cmd::cargo::cargo_bin("mizan");
    let run = |extractors: &str| {
        std::process::Command::new(&binary)
            .current_dir(dir.path())
            .arg("run")
            .args(DATA)
            .args(["-e", extractors, "--bootstrap", "0", "--quiet", "--out", "out"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    let sets = ["oracle", "oracle,news-rules"];
    // One complete run of each set: the kill moments are spread over the time a run takes here.
    let mut durations = Vec::new();
    for extractors in sets {
        let clock = Instant::now();
        assert!(run(extractors).wait().unwrap().success());
        durations.push(clock.elapsed());
    }
    let mut seen = complete_report(&out, ARTICLES).unwrap();
    let mut kills = 0;
    for round in 0..12 {
        if started.elapsed() > Duration::from_secs(40) {
            break;
        }
        let extractors = sets[round % 2];
        let mut child = run(extractors);
        let wait = durations[round % 2].mul_f64((next(&mut state) % 1000) as f64 / 1000.0 * 1.1);
        std::thread::sleep(wait);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        kills += usize::from(!finished);
        let now = complete_report(&out, ARTICLES).unwrap_or_else(|e| panic!("seed {seed}, round {round}, killed after {wait:?}: {e}"));
        let new: BTreeSet<String> = extractors.split(',').map(String::from).collect();
        match (&now, &seen) {
            (None, Some(old)) => panic!("seed {seed}, round {round}: the report of {old:?} disappeared"),
            (Some(now), Some(old)) => assert!(now == old || *now == new, "seed {seed}, round {round}: {now:?} is neither {old:?} nor {new:?}"),
            (Some(now), None) => assert_eq!(*now, new, "seed {seed}, round {round}"),
            (None, None) => {}
        }
        if now.is_some() {
            seen = now;
        }
    }
    eprintln!("seed {seed}: {kills} runs killed before they finished, in {:?}", started.elapsed());
    assert!(kills >= 3, "seed {seed}: only {kills} runs were killed before they finished");
    // A last run to the end cleans what the killed ones left.
    let output = mizan(dir.path()).arg("run").args(DATA).args(["-e", "oracle", "--bootstrap", "0", "--out", "out"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(complete_report(&out, ARTICLES), Ok(Some(BTreeSet::from(["oracle".to_string()]))));
    assert_eq!(names(dir.path()), BTreeSet::from(["articles.jsonl", "gold.jsonl", "out"].map(String::from)), "seed {seed}");
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
}
