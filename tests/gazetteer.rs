//! The gazetteer on real text: the shipped SANA article and, when `MIZAN_CORPORA` names the
//! shared corpora, the ANERcorp test set (with the shipped lists, and with a list trained on
//! the ANERcorp training set). The floors guard against regressions in matching; the figures
//! themselves are printed for docs/extractors/gazetteer.md.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use mizan::extract::gazetteer::{train, GazetteerExtractor};
use mizan::extract::Extractor;
use mizan::progress::NoProgress;
use mizan::score::{metrics, score_layer, Scheme};
use mizan::{Dataset, DatasetSpec, Span};

fn corpora() -> PathBuf {
    PathBuf::from(std::env::var_os("MIZAN_CORPORA").expect("set MIZAN_CORPORA to the shared datasets folder (bash .ci/run sets it to ../shared/datasets)"))
}

fn load(name: &Path) -> Dataset {
    let spec = DatasetSpec::Named(name.display().to_string());
    Dataset::load(&spec, &NoProgress).unwrap().0
}

/// Runs `extractor` over every article, checking what the trait promises on the way.
fn predict(extractor: &dyn Extractor, dataset: &Dataset) -> Vec<Span> {
    let mut all = Vec::new();
    for article in &dataset.articles {
        let spans = extractor.extract(article).unwrap();
        for pair in spans.windows(2) {
            assert!(pair[0].end <= pair[1].start, "{}: overlapping spans {pair:?}", article.id);
        }
        for span in &spans {
            assert_eq!(span.text.as_deref(), article.slice(span.start, span.end), "{}", article.id);
            assert_eq!(span.layer, "ner");
        }
        all.extend(spans);
    }
    all
}

/// Strict and type F1, overall and per label, printed; returns (strict F1, LOC strict F1).
fn report(what: &str, dataset: &Dataset, pred: &[Span]) -> (f64, f64) {
    let ids: Vec<String> = dataset.articles.iter().map(|a| a.id.clone()).collect();
    let gold: Vec<Span> = dataset.gold.iter().filter(|s| s.layer == "ner").cloned().collect();
    let score = score_layer("ner", &ids, &gold, pred);
    let f1 = |counts: &mizan::score::SchemeCounts, scheme| metrics(scheme, &counts[scheme]).f1;
    eprintln!(
        "{what}: strict F1 {:.4}, type F1 {:.4} ({} gold, {} predicted)",
        f1(&score.overall, Scheme::Strict),
        f1(&score.overall, Scheme::Type),
        score.gold_spans,
        score.predicted_spans
    );
    for (label, counts) in &score.per_label {
        eprintln!("  {label}: strict F1 {:.4}, type F1 {:.4}", f1(counts, Scheme::Strict), f1(counts, Scheme::Type));
    }
    let loc = score.per_label.get("LOC").map_or(0.0, |c| f1(c, Scheme::Strict));
    (f1(&score.overall, Scheme::Strict), loc)
}

#[test]
fn the_shipped_lists_on_the_sana_article() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = DatasetSpec::Files { articles: root.join("datasets/sana"), gold: vec![root.join("gold/sana/ner.jsonl")] };
    let dataset = Dataset::load(&spec, &NoProgress).unwrap().0;
    let extractor = GazetteerExtractor::new("gazetteer", None).unwrap();
    let (strict, loc) = report("sana, shipped lists", &dataset, &predict(&extractor, &dataset));
    // The lists were written with this article in view: a guard, not an estimate.
    assert!(strict > 0.9 && loc > 0.9, "{strict} {loc}");
}

#[test]
#[ignore = "needs MIZAN_CORPORA (the shared corpora); bash .ci/run sets it and runs the ignored tests"]
fn the_shipped_and_trained_lists_on_anercorp() {
    let corpora = corpora();
    let dir = tempfile::tempdir().unwrap();
    let import = |split: &str| {
        let file = corpora.join(format!("anercorp/ANERCorp_CamelLab_{split}.txt"));
        let out = dir.path().join(split);
        Command::cargo_bin("mizan").unwrap().args(["import", "--from", "conll", "--label-map", "PERS=PER", "--out"]).arg(&out).arg(&file).assert().success();
        load(&out)
    };
    let test = import("test");

    let shipped = GazetteerExtractor::new("gazetteer", None).unwrap();
    let (strict, loc) = report("ANERcorp test, shipped lists", &test, &predict(&shipped, &test));
    assert!(strict > 0.35 && loc > 0.6, "{strict} {loc}");

    let list = dir.path().join("trained.txt");
    std::fs::write(&list, train(&import("train"), "ner")).unwrap();
    let trained = GazetteerExtractor::new("trained", Some(&[list])).unwrap();
    let (strict, _) = report("ANERcorp test, list trained on ANERcorp train", &test, &predict(&trained, &test));
    assert!(strict > 0.35, "{strict}");
}
