//! `mizan import --from FORMAT` and `mizan export --to FORMAT` end to end on the fixtures in
//! tests/data/formats/ (real tools' export shapes, Arabic text, emoji before spans, CRLF).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats").join(name)
}

/// Runs `import`, asserts its exit status, returns stderr.
fn import(from: &str, input: &Path, out: &Path, extra: &[&str], success: bool) -> String {
    let output = mizan().args(["import", "--from", from]).arg(input).arg("--out").arg(out).args(extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.success(), success, "{stderr}");
    stderr
}

fn export(to: &str, dataset: &Path, out: &Path, extra: &[&str]) -> String {
    let output = mizan().args(["export", "--to", to]).arg(dataset).arg("--out").arg(out).args(extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// Gold spans of a dataset folder as (article, start, end, label, text) lines, sorted.
fn gold(dir: &Path) -> Vec<(String, u64, u64, String, String)> {
    let mut spans = Vec::new();
    for entry in std::fs::read_dir(dir.join("gold")).unwrap() {
        for line in std::fs::read_to_string(entry.unwrap().path()).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            spans.push((
                v["article_id"].as_str().unwrap().to_string(),
                v["start"].as_u64().unwrap(),
                v["end"].as_u64().unwrap(),
                v["label"].as_str().unwrap().to_string(),
                v["text"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    spans.sort();
    spans
}

#[test]
fn brat_imports_spans_attrs_relations_and_reports_discontinuous_spans() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let stderr = import("brat", &fixture("brat"), &ds, &[], true);
    assert!(stderr.contains("imported 2 articles, 8 spans (LOC 2, ORG 2, PER 3, Visit 1)"), "{stderr}");
    assert!(stderr.contains("discontinuous span(s) (T3)"), "{stderr}");
    assert!(stderr.contains("relations: 1") && stderr.contains("events: 1"), "{stderr}");
    assert!(stderr.contains("flat = false"), "{stderr}");
    let spans = gold(&ds);
    assert!(spans.contains(&("news-1".into(), 48, 60, "PER".into(), "سيرغي لافروف".into())), "{spans:?}");
    let ner = std::fs::read_to_string(ds.join("gold/ner.jsonl")).unwrap();
    assert!(ner.contains(r#""attrs":{"Negated":"true","note":"وزير الخارجية"}"#), "{ner}");
    assert!(ner.contains(r#""Confidence":"High","norm":"Wikipedia:3603""#), "{ner}");
    let relations = std::fs::read_to_string(ds.join("relations.jsonl")).unwrap();
    assert_eq!(relations.lines().count(), 2);

    // Out again: the same .ann lines (renumbered), the discontinuous T joined back.
    let back = tmp.path().join("back");
    export("brat", &ds, &back, &[]);
    let ann = std::fs::read_to_string(back.join("news-1.ann")).unwrap();
    assert!(ann.contains("\tPER 27 31;41 47\tوزير الروسي\n"), "{ann}");
    assert!(ann.contains("\tLocated Arg1:") && ann.lines().any(|l| l.starts_with("E1\tVisit:")), "{ann}");
    assert_eq!(std::fs::read(back.join("news-1.txt")).unwrap(), std::fs::read(fixture("brat/news-1.txt")).unwrap());
    let again = tmp.path().join("again");
    import("brat", &back, &again, &[], true);
    assert_eq!(gold(&again), spans);
    // export → import → export gives the same files.
    let twice = tmp.path().join("twice");
    export("brat", &again, &twice, &[]);
    for name in ["news-1.ann", "news-1.txt", "news-2.ann", "news-2.txt"] {
        assert_eq!(std::fs::read(back.join(name)).unwrap(), std::fs::read(twice.join(name)).unwrap(), "{name}");
    }
}

#[test]
fn brat_mismatched_text_is_an_error_and_strict_refuses_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "وزير الخارجية").unwrap();
    std::fs::write(tmp.path().join("a.ann"), "T1\tORG 5 13\tالداخلية\n").unwrap();
    let stderr = import("brat", &tmp.path().join("a.ann"), &tmp.path().join("ds"), &["--strict"], false);
    assert!(stderr.contains("a.ann:1: warning: T1 declares \"الداخلية\""), "{stderr}");
    assert!(!tmp.path().join("ds/manifest.toml").exists());
    let stderr = import("brat", &tmp.path().join("a.ann"), &tmp.path().join("ds"), &[], true);
    assert!(stderr.contains("not imported: 1 brat annotations that could not be read"), "{stderr}");

    std::fs::write(tmp.path().join("a.ann"), "T1\tORG 0 4;5 13\tوزير الخارجية\n").unwrap();
    let stderr = import("brat", &tmp.path().join("a.ann"), &tmp.path().join("ds"), &["--strict", "--force"], false);
    assert!(stderr.contains("--strict"), "{stderr}");
    import("brat", &tmp.path().join("a.ann"), &tmp.path().join("ds"), &["--force"], true);
}

#[test]
fn documents_jsonl_round_trips_through_the_dataset_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sana.jsonl");
    export("jsonl", Path::new("sana"), &out, &[]);
    let ds = tmp.path().join("ds");
    let stderr = import("jsonl", &out, &ds, &[], true);
    assert!(stderr.contains("imported 1 article, 68 spans"), "{stderr}");
    let again = tmp.path().join("again.jsonl");
    export("jsonl", &ds, &again, &[]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), std::fs::read_to_string(&again).unwrap());
}

#[test]
fn label_studio_gold_predictions_drafts_and_unexplained_spans() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let stderr = import("label-studio", &fixture("label-studio/tasks.json"), &ds, &[], true);
    assert!(stderr.contains("imported 2 articles, 5 spans (LOC 2, ORG 2, PER 1)"), "{stderr}");
    assert!(stderr.contains("warning: task 102, result bad1: offsets 3..9"), "{stderr}");
    assert!(stderr.contains("not imported: 1 drafts"), "{stderr}");
    assert!(stderr.contains("not imported: 1 cancelled annotations"), "{stderr}");
    assert!(stderr.contains("not imported: 1 spans given again by another annotation"), "{stderr}");
    assert!(stderr.contains("not imported: 1 results of type `choices`"), "{stderr}");
    assert!(stderr.contains("predictions of `camelbert-ner-v2`: 2 spans"), "{stderr}");
    let predictions = std::fs::read_to_string(ds.join("predictions/camelbert-ner-v2.jsonl")).unwrap();
    assert!(predictions.contains(r#""article_id":"101","layer":"ner","start":53,"end":59,"label":"PER","text":"لافروف""#), "{predictions}");
    assert_eq!(std::fs::read_to_string(ds.join("relations.jsonl")).unwrap().lines().count(), 1);
    let spans = gold(&ds);
    assert!(spans.contains(&("101".into(), 47, 59, "PER".into(), "سيرغي لافروف".into())), "{spans:?}");

    // Out and back in: the same spans, and the second export is byte-identical to the first.
    let out = tmp.path().join("ls.json");
    export("label-studio", &ds, &out, &[]);
    let again = tmp.path().join("again");
    import("label-studio", &out, &again, &[], true);
    assert_eq!(gold(&again), spans);
    let out2 = tmp.path().join("ls2.json");
    export("label-studio", &again, &out2, &[]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&out2).unwrap());
    // The model's pre-annotations travel with the tasks.
    assert_eq!(std::fs::read_to_string(again.join("predictions/camelbert-ner-v2.jsonl")).unwrap(), predictions);
}

#[test]
fn label_studio_old_completions_with_utf16_offsets_are_converted_and_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let stderr = import("label-studio", &fixture("label-studio/old-completions-utf16.json"), &ds, &[], true);
    assert_eq!(stderr.matches("offsets counted UTF-16 code units; converted to code points").count(), 1, "{stderr}");
    let spans = gold(&ds);
    assert!(spans.contains(&("1".into(), 32, 37, "LOC".into(), "موسكو".into())), "{spans:?}");
    let stderr = import("label-studio", &fixture("label-studio/old-completions-utf16.json"), &tmp.path().join("s"), &["--strict"], true);
    assert!(!stderr.contains("warning"), "a detected convention is a note, not a warning: {stderr}");
}

#[test]
fn doccano_forms_offset_units_and_label_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("utf16");
    let stderr = import("doccano", &fixture("doccano/label-utf16.jsonl"), &ds, &[], true);
    assert!(stderr.contains("offsets counted UTF-16 code units"), "{stderr}");
    assert!(stderr.contains("imported 2 articles, 5 spans (LOC 3, ORG 1, PER 1)"), "{stderr}");
    let spans = gold(&ds);
    assert!(spans.contains(&("2".into(), 32, 37, "LOC".into(), "موسكو".into())), "{spans:?}");
    assert!(spans.contains(&("1".into(), 47, 59, "PER".into(), "سيرغي لافروف".into())), "{spans:?}");

    let ds = tmp.path().join("graphemes");
    let stderr = import("doccano", &fixture("doccano/label-graphemes.jsonl"), &ds, &[], true);
    assert!(stderr.contains("offsets counted grapheme clusters"), "{stderr}");
    assert!(gold(&ds).iter().any(|s| s.4 == "الرياض"), "{:?}", gold(&ds));

    let ds = tmp.path().join("relations");
    let stderr = import("doccano", &fixture("doccano/entities-relations.jsonl"), &ds, &[], true);
    assert!(stderr.contains("relations: 1"), "{stderr}");
    assert!(std::fs::read_to_string(ds.join("relations.jsonl")).unwrap().contains(r#""type":"located_in""#));

    let ds = tmp.path().join("ids");
    let stderr = import("doccano", &fixture("doccano/annotations-label-ids.jsonl"), &ds, &[], false);
    assert!(stderr.contains("annotations-label-ids.jsonl:1: label 2 is a doccano label id; name the labels with --label-names"), "{stderr}");
    let labels = fixture("doccano/labels.json");
    import("doccano", &fixture("doccano/annotations-label-ids.jsonl"), &ds, &["--label-names", labels.to_str().unwrap()], true);
    assert_eq!(gold(&ds).iter().map(|s| s.3.as_str()).collect::<Vec<_>>(), ["ORG", "LOC"]);
    import("doccano", &fixture("doccano/annotations-label-ids.jsonl"), &ds, &["--label-names", "1=LOC,2=ORG", "--force"], true);
    let articles = std::fs::read_to_string(ds.join("articles.jsonl")).unwrap();
    assert!(articles.contains(r#""source":"ahram""#), "{articles}");
}

#[test]
fn doccano_round_trips_in_every_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    import("doccano", &fixture("doccano/label-utf16.jsonl"), &ds, &[], true);
    for unit in ["utf16", "codepoints"] {
        let out = tmp.path().join(format!("{unit}.jsonl"));
        export("doccano", &ds, &out, &["--offsets", unit]);
        let again = tmp.path().join(unit);
        import("doccano", &out, &again, &["--offsets", unit], true);
        assert_eq!(gold(&again), gold(&ds), "{unit}");
    }
    // export → import → export gives the same file.
    let twice = tmp.path().join("twice.jsonl");
    export("doccano", &tmp.path().join("utf16"), &twice, &[]);
    assert_eq!(std::fs::read(tmp.path().join("utf16.jsonl")).unwrap(), std::fs::read(&twice).unwrap());
}

#[test]
fn prodigy_answers_meta_and_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let stderr = import("prodigy", &fixture("spacy/prodigy-ner.jsonl"), &ds, &[], true);
    assert!(stderr.contains("imported 2 articles, 3 spans (LOC 1, ORG 1, PER 1)"), "{stderr}");
    assert!(stderr.contains("not imported: 1 records answered `reject`") && stderr.contains("not imported: 1 records answered `ignore`"), "{stderr}");
    assert!(stderr.contains("records merged with an earlier one of the same _input_hash: 1"), "{stderr}");
    let articles = std::fs::read_to_string(ds.join("articles.jsonl")).unwrap();
    assert!(articles.starts_with(r#"{"id":"sana-7","#) && articles.contains(r#""source":"sana""#), "{articles}");
    let spans = gold(&ds);
    assert!(spans.contains(&("sana-7".into(), 19, 23, "LOC".into(), "دمشق".into())), "{spans:?}");

    let all = tmp.path().join("all");
    let stderr = import("spacy", &fixture("spacy/prodigy-ner.jsonl"), &all, &["--answers", "accept,reject"], true);
    assert!(stderr.contains("imported 3 articles, 4 spans"), "{stderr}");

    let out = tmp.path().join("out.jsonl");
    export("spacy", &ds, &out, &[]);
    let again = tmp.path().join("again");
    import("spacy", &out, &again, &["--strict"], true);
    assert_eq!(gold(&again), spans);
    let twice = tmp.path().join("twice.jsonl");
    export("spacy", &again, &twice, &[]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&twice).unwrap());
}

#[test]
fn conll_variants_are_detected_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("c2003");
    let stderr = import("conll", &fixture("conll/conll2003-iobes-crlf-bom.txt"), &ds, &["--by-document"], true);
    assert!(stderr.contains("tag scheme IOBES, detected from the tags"), "{stderr}");
    assert!(stderr.contains("imported 2 sentences, 11 tokens, 2 articles, 3 spans (LOC 2, PER 1)"), "{stderr}");
    let spans = gold(&ds);
    assert!(spans.iter().any(|s| s.4 == "سيرغي لافروف") && spans.iter().any(|s| s.4 == "موسكو"), "{spans:?}");

    let stderr = import("conll", &fixture("conll/ioe.txt"), &tmp.path().join("ioe"), &[], true);
    assert!(stderr.contains("tag scheme IOE"), "{stderr}");
    assert_eq!(gold(&tmp.path().join("ioe")).iter().map(|s| s.4.as_str()).collect::<Vec<_>>(), ["سيرغي لافروف", "موسكو"]);

    let stderr = import("conll", &fixture("conll/noise.txt"), &tmp.path().join("noise"), &[], true);
    assert!(stderr.contains("2 chunks began without a proper start tag (e.g. I- after O; 1 by a type change inside a chunk)"), "{stderr}");
    assert!(stderr.contains("noise.txt:6: warning: tag `OO` has no TYPE and is read as O"), "{stderr}");
    import("conll", &fixture("conll/noise.txt"), &tmp.path().join("strict"), &["--strict"], false);

    let ds = tmp.path().join("nested");
    let stderr = import("conll", &fixture("conll/wojood-nested.txt"), &ds, &["--nested"], true);
    assert!(stderr.contains("flat = false"), "{stderr}");
    let spans: Vec<(String, String)> = gold(&ds).into_iter().map(|s| (s.3, s.4)).collect();
    for expected in [("ORG", "وزارة الصحة المصرية"), ("GPE", "المصرية"), ("GPE", "القاهرة"), ("ORG", "جامعة القاهرة للعلوم"), ("ORG", "جامعة")]
    {
        assert!(spans.contains(&(expected.0.to_string(), expected.1.to_string())), "{expected:?} in {spans:?}");
    }
    assert_eq!(spans.len(), 6, "{spans:?}");
}

/// Gold of a dataset as (label, text) in article order — what survives a CoNLL round trip,
/// which rebuilds the text from tokens.
fn labelled_text(dir: &Path) -> Vec<(String, String)> {
    let mut spans: Vec<(String, String)> = gold(dir).into_iter().map(|s| (s.3, s.4.split_whitespace().collect::<Vec<_>>().join(" "))).collect();
    spans.sort();
    spans
}

#[test]
fn conll_export_round_trips_flat_and_nested_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    import("label-studio", &fixture("label-studio/tasks.json"), &ds, &[], true);
    for scheme in ["iob2", "iob1", "ioe", "iobes", "bmes", "bilou"] {
        let out = tmp.path().join(format!("{scheme}.conll"));
        export("conll", &ds, &out, &["--scheme", scheme]);
        let again = tmp.path().join(scheme);
        import("conll", &out, &again, &["--by-document", "--scheme", scheme], true);
        assert_eq!(labelled_text(&again), labelled_text(&ds), "{scheme}");
    }
    let written = std::fs::read_to_string(tmp.path().join("iob2.conll")).unwrap();
    assert!(written.starts_with("-DOCSTART- O\n\nدمشق B-LOC\n- O\nسانا B-ORG\n\nاستقبل O\n"), "{written}");

    let nested = tmp.path().join("nested");
    import("conll", &fixture("conll/wojood-nested.txt"), &nested, &["--nested"], true);
    let out = tmp.path().join("nested.conll");
    let stderr = export("conll", &nested, &out, &[]);
    assert!(stderr.contains("read them back with --nested"), "{stderr}");
    let again = tmp.path().join("nested-again");
    import("conll", &out, &again, &["--nested", "--by-document"], true);
    assert_eq!(labelled_text(&again), labelled_text(&nested));
}

/// Every gold file of a dataset folder, by name.
fn gold_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir.join("gold"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn label_studio_keeps_layers_through_its_controls() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sana.json");
    export("label-studio", Path::new("sana"), &out, &[]);
    let ds = tmp.path().join("ds");
    import("label-studio", &out, &ds, &["--layer-from-control"], true);
    let back = tmp.path().join("back");
    export("jsonl", &ds, &back, &[]);
    let original = tmp.path().join("original");
    export("jsonl", Path::new("sana"), &original, &[]);
    let layers_of = |path: &Path| -> Vec<(String, u64, u64, String)> {
        let line: Value = serde_json::from_str(std::fs::read_to_string(path).unwrap().lines().next().unwrap()).unwrap();
        let mut spans: Vec<_> = line["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (s["layer"].as_str().unwrap().to_string(), s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap(), s["label"].as_str().unwrap().to_string())
            })
            .collect();
        spans.sort();
        spans
    };
    assert_eq!(layers_of(&back), layers_of(&original));
    assert_eq!(gold_files(&ds).iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(), ["date.jsonl", "dateline.jsonl", "ner.jsonl", "quote.jsonl"]);
}

#[test]
fn a_closed_label_set_reports_and_leaves_out_other_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    let args = ["--labels", "PER,LOC", "--label-map", "ORG=LOC"];
    let stderr = import("brat", &fixture("brat"), &ds, &args, true);
    assert!(
        stderr.contains("warning: label `Visit` is not in --labels (PER, LOC): 1 span not imported (the first in document `news-1` at 11..17)"),
        "{stderr}"
    );
    assert!(stderr.contains("imported 2 articles, 7 spans (LOC 4, PER 3)"), "{stderr}");
    import("brat", &fixture("brat"), &tmp.path().join("strict"), &["--labels", "PER", "--strict"], false);
}

#[test]
fn doccano_and_prodigy_files_saved_as_one_json_array_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    for (format, file) in [("doccano", "doccano/label-utf16.jsonl"), ("prodigy", "spacy/prodigy-ner.jsonl")] {
        let records: Vec<Value> = std::fs::read_to_string(fixture(file)).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let array = tmp.path().join(format!("{format}.json"));
        std::fs::write(&array, serde_json::to_string_pretty(&records).unwrap()).unwrap();
        let from_lines = tmp.path().join(format!("{format}-lines"));
        import(format, &fixture(file), &from_lines, &[], true);
        let from_array = tmp.path().join(format!("{format}-array"));
        import(format, &array, &from_array, &[], true);
        let strip = |spans: Vec<(String, u64, u64, String, String)>| spans.into_iter().map(|s| (s.1, s.2, s.3, s.4)).collect::<Vec<_>>();
        assert_eq!(strip(gold(&from_array)), strip(gold(&from_lines)), "{format}");
    }
}
