//! `mizan dedupe` on planted near-copies of wire stories: the kinds of edits outlets make
//! (a few words changed, diacritics added, another dateline, paragraphs reordered), with the
//! recall and false-positive rate measured against what was planted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;
use serde_json::{json, Value};

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// A deterministic generator (an LCG: the test needs no quality, only repeatability).
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const LETTERS: [char; 20] = ['ب', 'ت', 'ج', 'د', 'ر', 'س', 'ش', 'ع', 'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي', 'ح', 'ص', 'ط'];
const PLACES: [&str; 6] = ["دمشق", "موسكو", "القاهرة", "بيروت", "بغداد", "عمان"];

fn word(g: &mut Gen) -> String {
    let mut w = String::new();
    if g.next(3) == 0 {
        w.push_str("ال");
    }
    for _ in 0..3 + g.next(3) {
        w.push(LETTERS[g.next(LETTERS.len())]);
    }
    w
}

/// A story: a dateline, then four paragraphs of about forty words.
fn story(g: &mut Gen) -> (String, Vec<String>) {
    let dateline = format!("{}-سانا", PLACES[g.next(PLACES.len())]);
    let paragraphs = (0..4).map(|_| (0..35 + g.next(10)).map(|_| word(g)).collect::<Vec<_>>().join(" ")).collect();
    (dateline, paragraphs)
}

fn render(dateline: &str, paragraphs: &[String]) -> String {
    format!("{dateline}\n{}", paragraphs.join("\n"))
}

/// An edited copy: which edit is chosen by `kind`.
fn copy(g: &mut Gen, dateline: &str, paragraphs: &[String], kind: usize) -> String {
    let mut paragraphs = paragraphs.to_vec();
    let mut dateline = dateline.to_string();
    match kind {
        0 => {
            // Three words changed.
            for _ in 0..3 {
                let p = g.next(paragraphs.len());
                let mut words: Vec<String> = paragraphs[p].split(' ').map(str::to_string).collect();
                let at = g.next(words.len());
                words[at] = word(g);
                paragraphs[p] = words.join(" ");
            }
        }
        1 => {
            // Diacritics and a tatweel on every other word.
            for p in paragraphs.iter_mut() {
                let words: Vec<String> =
                    p.split(' ').enumerate().map(|(i, w)| if i % 2 == 0 { w.chars().flat_map(|c| [c, '\u{064E}']).collect() } else { w.to_string() }).collect();
                *p = words.join(" ").replacen("ل", "لـ", 2);
            }
        }
        2 => dateline = "بيروت (أ ف ب)".to_string(),
        _ => paragraphs.rotate_left(1 + g.next(3)),
    }
    render(&dateline, &paragraphs)
}

fn write_jsonl(path: &Path, lines: &[Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

#[test]
fn finds_planted_near_copies_with_measured_recall_and_false_positives() {
    let mut g = Gen(12);
    let mut articles = Vec::new();
    let mut planted: BTreeSet<(String, String)> = BTreeSet::new();
    let mut gold = Vec::new();
    for i in 0..150 {
        let (dateline, paragraphs) = story(&mut g);
        let id = format!("s{i:03}");
        articles.push(json!({"id": id, "text": render(&dateline, &paragraphs)}));
        gold.push(json!({"article_id": id, "start": 0, "end": dateline.chars().take_while(|&c| c != '-' && c != ' ').count(), "label": "LOC"}));
        if i < 60 {
            let copy_id = format!("c{i:03}");
            articles.push(json!({"id": copy_id, "text": copy(&mut g, &dateline, &paragraphs, i % 4)}));
            planted.insert((copy_id, id.clone()));
        } else if i < 80 {
            // A hard negative: the same first paragraph (a shared lede), then another story.
            let (_, mut others) = story(&mut g);
            others[0] = paragraphs[0].clone();
            articles.push(json!({"id": format!("h{i:03}"), "text": render(&dateline, &others)}));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (articles_path, gold_path) = (dir.path().join("articles.jsonl"), dir.path().join("gold.jsonl"));
    write_jsonl(&articles_path, &articles);
    write_jsonl(&gold_path, &gold);
    let out = dir.path().join("deduped");
    let assert =
        mizan().arg("dedupe").arg("--articles").arg(&articles_path).arg("--gold").arg(&gold_path).arg("--out").arg(&out).arg("--json").assert().success();
    let found: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();

    let mut found_pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for cluster in found["clusters"].as_array().unwrap() {
        let ids: Vec<String> = cluster["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect();
        for a in &ids {
            for b in &ids {
                if a < b {
                    found_pairs.insert((a.clone(), b.clone()));
                }
            }
        }
        // The original carries the gold, so it is the one kept.
        assert!(ids[0].starts_with('s'), "{ids:?}");
    }
    let recall = planted.intersection(&found_pairs).count() as f64 / planted.len() as f64;
    let false_pairs = found_pairs.difference(&planted).count();
    let total_pairs = articles.len() * (articles.len() - 1) / 2 - planted.len();
    let false_positive_rate = false_pairs as f64 / total_pairs as f64;
    eprintln!("planted {} near copies: recall {recall:.3}, false-positive pairs {false_pairs} of {total_pairs} ({false_positive_rate:.5})", planted.len());
    assert_eq!(recall, 1.0, "missed {:?}", planted.difference(&found_pairs).collect::<Vec<_>>());
    assert_eq!(false_pairs, 0);

    // The written dataset keeps one article per cluster, with its gold.
    let written: Vec<Value> = std::fs::read_to_string(out.join("articles.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(written.len(), 170);
    assert!(written.iter().all(|a| !a["id"].as_str().unwrap().starts_with('c')));
    assert_eq!(std::fs::read_to_string(out.join("gold/ner.jsonl")).unwrap().lines().count(), 150);

    // Each kind of edit has its own recall: all four are found.
    let mut per_kind: BTreeMap<usize, usize> = BTreeMap::new();
    for (a, b) in planted.intersection(&found_pairs) {
        let i: usize = a[1..].parse().unwrap();
        assert_eq!(&b[1..], &a[1..]);
        *per_kind.entry(i % 4).or_default() += 1;
    }
    assert_eq!(per_kind, BTreeMap::from([(0, 15), (1, 15), (2, 15), (3, 15)]));
}

#[test]
fn prints_clusters_and_respects_the_threshold() {
    let mut g = Gen(3);
    let (dateline, paragraphs) = story(&mut g);
    let base = render(&dateline, &paragraphs);
    let edited = copy(&mut g, &dateline, &paragraphs, 0);
    let other = render(&story(&mut g).0, &story(&mut g).1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    write_jsonl(
        &path,
        &[json!({"id": "a", "text": base}), json!({"id": "b", "text": edited}), json!({"id": "c", "text": other}), json!({"id": "d", "text": base})],
    );
    let assert = mizan().arg("dedupe").arg("--articles").arg(&path).assert().success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("cluster 1: keep a (0 gold spans)"), "{stdout}");
    assert!(stdout.contains("  d  1.000  exact after normalisation"), "{stdout}");
    assert!(stdout.contains("2 duplicate articles in 1 cluster"), "{stdout}");
    let assert = mizan().arg("dedupe").arg("--articles").arg(&path).args(["--show", "0"]).assert().success();
    assert!(String::from_utf8_lossy(&assert.get_output().stdout).starts_with("… and 1 more cluster"));
    // Character 5-grams find the same pair and the same exact copy.
    let chars: Value = serde_json::from_slice(
        &mizan().arg("dedupe").arg("--articles").arg(&path).args(["--shingles", "chars", "--k", "5", "--json"]).assert().success().get_output().stdout,
    )
    .unwrap();
    assert_eq!(chars["duplicates"], 2);
    // At a threshold of 1 only the exact copy is left.
    let strict: Value =
        serde_json::from_slice(&mizan().arg("dedupe").arg("--articles").arg(&path).args(["--threshold", "1", "--json"]).assert().success().get_output().stdout)
            .unwrap();
    assert_eq!(strict["duplicates"], 1);
    mizan().arg("dedupe").arg("--articles").arg(&path).args(["--threshold", "1.5"]).assert().code(2).stderr(predicates::str::contains("outside (0, 1]"));
}
