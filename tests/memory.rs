//! Memory ceilings, on generated data: `mizan conlleval`, `mizan validate` and `mizan stats`
//! stream (their peak does not grow with the input), and `mizan score` stays within four times its input (see
//! docs/performance.md for where the rest goes). Peaks are measured with
//! `getrusage(RUSAGE_CHILDREN)`, never timed. The figure is the largest peak of any child so
//! far, so the commands run from the smallest to the largest, and everything is one test (one
//! process, no other test's children in the figure). A debug binary starts at a few tens of
//! megabytes before it reads a byte, so each ceiling is set above that command's own peak on a
//! tiny input.

#![cfg(unix)]

use std::io::Write;
use std::path::Path;
use std::process::Command;

const MIB: u64 = 1 << 20;

/// The largest peak resident set of any child waited for so far, in bytes.
fn children_peak() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole rusage into the pointer it is given.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    // Linux reports kilobytes.
    usage.ru_maxrss as u64 * 1024
}

fn mizan(args: &[&str], dir: &Path) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_mizan")).args(args).current_dir(dir).output().expect("mizan runs");
    assert!(output.status.success(), "mizan {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// A CoNLL token file of about `bytes` bytes: sentences of Arabic tokens with IOB2 tags.
fn write_conll(path: &Path, bytes: u64) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let tags = ["O", "B-PERS", "I-PERS", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O", "O"];
    let guesses = ["O", "B-PERS", "I-PERS", "O", "B-ORG", "O", "B-ORG", "O", "B-MISC", "O"];
    let mut written = 0u64;
    let mut k = 0usize;
    while written < bytes {
        let line = format!("كلمة{} {} {}\n", k % 997, tags[k % 10], guesses[k % 10]);
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        k += 1;
        if k % 23 == 0 {
            out.write_all(b"\n").unwrap();
            written += 1;
        }
    }
}

/// Gold and predicted span files of about `bytes` bytes each, ten spans an article.
fn write_spans(dir: &Path, bytes: u64) -> u64 {
    let labels = ["PERS", "LOC", "ORG", "MISC"];
    let mut gold = std::io::BufWriter::new(std::fs::File::create(dir.join("gold.jsonl")).unwrap());
    let mut pred = std::io::BufWriter::new(std::fs::File::create(dir.join("pred.jsonl")).unwrap());
    let mut written = 0u64;
    let mut k = 0usize;
    while written < bytes {
        let (article, start) = (k / 10, (k % 10) * 12);
        let g = format!("{{\"article_id\": \"doc-{article:07}\", \"start\": {start}, \"end\": {}, \"label\": \"{}\"}}\n", start + 6, labels[k % 4]);
        let shift = usize::from(k % 7 == 0);
        let p = format!(
            "{{\"article_id\": \"doc-{article:07}\", \"start\": {}, \"end\": {}, \"label\": \"{}\"}}\n",
            start + shift,
            start + 6,
            labels[(k + k / 5) % 4]
        );
        gold.write_all(g.as_bytes()).unwrap();
        pred.write_all(p.as_bytes()).unwrap();
        written += g.len() as u64;
        k += 1;
    }
    gold.flush().unwrap();
    pred.flush().unwrap();
    std::fs::metadata(dir.join("gold.jsonl")).unwrap().len() + std::fs::metadata(dir.join("pred.jsonl")).unwrap().len()
}

/// An articles file and its gold of about `bytes` bytes together, spans grouped by article in
/// the articles' order (as mizan writes them); returns the bytes written.
fn write_dataset(dir: &Path, bytes: u64) -> u64 {
    let mut articles = std::io::BufWriter::new(std::fs::File::create(dir.join("articles.jsonl")).unwrap());
    let mut gold = std::io::BufWriter::new(std::fs::File::create(dir.join("gold.jsonl")).unwrap());
    let words = ["قال", "لافروف", "في", "موسكو", "اليوم", "إن", "المحادثات", "مع", "جونسون", "كانت", "بنّاءة", "😀"];
    let labels = ["PERS", "LOC", "ORG", "MISC"];
    let mut written = 0u64;
    let mut k = 0usize;
    while written < bytes {
        let text: Vec<&str> = (0..60).map(|w| words[(k + w * 7) % words.len()]).collect();
        let text = text.join(" ");
        let line = format!("{{\"id\": \"doc-{k:07}\", \"text\": \"{text}\", \"split\": \"{}\"}}\n", if k % 5 == 0 { "test" } else { "train" });
        articles.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        let mut start = 0;
        for (w, word) in text.split(' ').enumerate() {
            let end = start + word.chars().count();
            if w % 4 == 1 {
                let span = format!("{{\"article_id\": \"doc-{k:07}\", \"start\": {start}, \"end\": {end}, \"label\": \"{}\"}}\n", labels[(k + w) % 4]);
                gold.write_all(span.as_bytes()).unwrap();
                written += span.len() as u64;
            }
            start = end + 1;
        }
        k += 1;
    }
    articles.flush().unwrap();
    gold.flush().unwrap();
    written
}

#[test]
fn conlleval_stats_and_validate_stream_and_score_stays_within_four_times_its_input() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();

    // conlleval: a tiny file, then one of 24 MB; the peak may not grow by more than a few MB.
    write_conll(&dir.join("tiny.txt"), 1_000);
    write_conll(&dir.join("large.txt"), 24 * MIB);
    mizan(&["conlleval", "tiny.txt"], dir);
    let at_rest = children_peak();
    let report = mizan(&["conlleval", "large.txt"], dir);
    assert!(String::from_utf8_lossy(&report).starts_with("processed "), "conlleval printed its report");
    let streaming = children_peak();
    assert!(streaming <= at_rest + 4 * MIB, "conlleval peaked at {} MiB on 24 MiB of input, {} MiB at rest", streaming / MIB, at_rest / MIB);

    // validate and stats: a tiny dataset, then one of 32 MB (twice the 1M-token benchmark's);
    // the peak may not grow by more than a few MB.
    let small = dir.join("small");
    std::fs::create_dir(&small).unwrap();
    write_dataset(&small, 3_000);
    let files = ["--articles", "articles.jsonl", "--gold", "gold.jsonl"];
    mizan(&[&["validate"], &files[..]].concat(), &small);
    mizan(&[&["stats"], &files[..]].concat(), &small);
    let dataset_at_rest = children_peak();
    let big = dir.join("big");
    std::fs::create_dir(&big).unwrap();
    let input = write_dataset(&big, 32 * MIB);
    let summary = String::from_utf8(mizan(&[&["validate"], &files[..]].concat(), &big)).unwrap();
    assert!(summary.contains("valid gold spans: no problems"), "{summary}");
    let stats: serde_json::Value = serde_json::from_slice(&mizan(&[&["stats", "--json"], &files[..]].concat(), &big)).unwrap();
    assert!(stats["articles"].as_u64().unwrap() > 15_000 && stats["fingerprint"].is_string(), "{stats}");
    let reading = children_peak();
    assert!(
        reading <= dataset_at_rest + 6 * MIB,
        "validate and stats peaked at {} MiB on {} MiB of input, {} MiB at rest",
        reading / MIB,
        input / MIB,
        dataset_at_rest / MIB
    );

    // score: a tiny pair of files, then about 8 MB of gold and 8 MB of predictions.
    let tiny = dir.join("tiny");
    std::fs::create_dir(&tiny).unwrap();
    write_spans(&tiny, 2_000);
    mizan(&["score", "--gold", "gold.jsonl", "--pred", "pred.jsonl", "--json"], &tiny);
    let score_at_rest = children_peak();
    let input = write_spans(dir, 8 * MIB);
    let json = mizan(&["score", "--gold", "gold.jsonl", "--pred", "pred.jsonl", "--json"], dir);
    let report: serde_json::Value = serde_json::from_slice(&json).expect("score --json prints JSON");
    assert_eq!(report["gold_spans"].as_u64(), Some(report["overall"]["strict"]["possible"].as_u64().unwrap()));
    assert!(report["gold_spans"].as_u64().unwrap() > 100_000, "the generated input is large");
    let scoring = children_peak();
    assert!(
        // The target: the fast path holds the two files' bytes, 16 bytes a span and one batch
        // of articles' mentions (about 3× the input at 1M tokens, docs/performance.md).
        scoring <= score_at_rest + 4 * input,
        "score peaked at {} MiB on {} MiB of input ({} MiB at rest)",
        scoring / MIB,
        input / MIB,
        score_at_rest / MIB
    );
}
