//! `cargo bench --bench kernels`: the inner loops behind mizan's throughput, each timed alone on
//! generated input, so a change to one shows up without the noise of a whole command. Each
//! kernel runs for about a second and prints its median time per call and its throughput.
//! (The whole commands against their peers are scripts/bench-peers.sh's job.)
//!
//! The kernels: reading a span JSONL line (the fast scanner), matching one article's spans,
//! conlleval's line loop (one thread, and the input cut in two parts counted on two), and the
//! gazetteer's search over Arabic text: one long generated text, and, when
//! `MIZAN_BENCH_ARTICLES` names an articles JSONL file (`{"id": …, "text": …}` per line), every
//! article of it in turn, as `mizan run -e gazetteer` searches them. `MIZAN_BENCH_ONLY=WORD`
//! runs only the kernels whose name holds WORD (for a profiler).

use std::hint::black_box;
use std::time::{Duration, Instant};

use mizan::extract::gazetteer::GazetteerExtractor;
use mizan::load::parse_span;
use mizan::score::conlleval::{evaluate, evaluate_bytes, ConllevalOptions};
use mizan::score::scheme::{score_article, Mention};

/// Runs `f` in batches for about a second; prints the median batch time per unit of work.
fn bench(name: &str, units: u64, unit: &str, mut f: impl FnMut()) {
    if std::env::var("MIZAN_BENCH_ONLY").is_ok_and(|only| !name.contains(&only)) {
        return;
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) || samples.len() < 5 {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    samples.sort();
    let median = samples[samples.len() / 2];
    let per_second = units as f64 / median.as_secs_f64();
    println!("{name:<36} {:>10.3} ms per call  {:>14.0} {unit}/s  ({} samples)", median.as_secs_f64() * 1e3, per_second, samples.len());
}

fn main() {
    let labels = ["PERS", "LOC", "ORG", "MISC"];
    let lines: Vec<String> = (0..20_000)
        .map(|k| format!(r#"{{"article_id": "c0001-s{:04}", "start": {}, "end": {}, "label": "{}"}}"#, k / 3, (k % 3) * 20, (k % 3) * 20 + 9, labels[k % 4]))
        .collect();
    let bytes: u64 = lines.iter().map(|l| l.len() as u64 + 1).sum();
    bench("span JSONL line parsing", bytes, "bytes", || {
        for line in &lines {
            black_box(parse_span(black_box(line), "ner", None).ok());
        }
    });

    let mention = |start: usize, len: usize, label: &str| Mention { start, end: start + len, label: label.to_string(), attrs: Default::default() };
    let gold: Vec<Mention> = (0..10_000).map(|i| mention(10 * i, 5, labels[i % 4])).collect();
    let pred: Vec<Mention> = (0..10_000).map(|i| mention(10 * i + usize::from(i % 5 == 0), 5, labels[(i + i / 7) % 4])).collect();
    bench("matching, 10k + 10k spans", 20_000, "spans", || {
        black_box(score_article(black_box(&gold), black_box(&pred)));
    });

    let tags = ["O", "B-PERS", "I-PERS", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O", "O"];
    let guesses = ["O", "B-PERS", "I-PERS", "O", "B-ORG", "O", "B-ORG", "O", "B-MISC", "O"];
    let mut conll = String::new();
    for k in 0..100_000 {
        conll.push_str(&format!("كلمة{} {} {}\n", k % 997, tags[k % 10], guesses[k % 10]));
        if k % 23 == 22 {
            conll.push('\n');
        }
    }
    let options = ConllevalOptions::default();
    bench("conlleval line loop", conll.len() as u64, "bytes", || {
        black_box(evaluate(black_box(conll.as_bytes()), &options).ok());
    });
    bench("conlleval line loop, 2 threads", conll.len() as u64, "bytes", || {
        black_box(evaluate_bytes(black_box(conll.as_bytes()), 2, &options).ok());
    });

    let extractor = GazetteerExtractor::new("gazetteer", None).expect("the shipped lists load");
    let gazetteer = extractor.gazetteer();
    let text = "قال وزير الخارجية الروسي سيرغي لافروف في موسكو اليوم إن الأمم المتحدة ودمشق وباريس ".repeat(2_000);
    bench("gazetteer automaton", text.len() as u64, "bytes", || {
        black_box(gazetteer.find(black_box(&text)));
    });

    if let Some(path) = std::env::var_os("MIZAN_BENCH_ARTICLES") {
        let contents = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.to_string_lossy()));
        let texts: Vec<String> = contents
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(index, line)| {
                let value: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", path.to_string_lossy(), index + 1));
                value["text"].as_str().unwrap_or_else(|| panic!("{}:{}: no \"text\" string", path.to_string_lossy(), index + 1)).to_string()
            })
            .collect();
        let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
        bench(&format!("gazetteer, {} articles", texts.len()), bytes, "bytes", || {
            for text in &texts {
                black_box(gazetteer.find(black_box(text)));
            }
        });
    }
}
