//! Every report mizan writes validates against `docs/report.schema.json` (JSON Schema 2020-12),
//! and so does every layer `score --json` prints; a tampered report does not.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn mizan() -> Command {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Validates `instance` against the report schema, or against one of its `$defs`.
fn validate(instance: &Value, pointer: &str) -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("urn:mizan:report:1", schema).unwrap();
    let index = compiler.compile(&format!("urn:mizan:report:1{pointer}"), &mut schemas).map_err(|e| format!("{e:#}"))?;
    schemas.validate(instance, index).map_err(|e| format!("{e}"))
}

fn run_report(args: &[&str]) -> Value {
    let out = tempfile::tempdir().unwrap();
    mizan().arg("run").args(args).arg("--out").arg(out.path()).output().unwrap();
    serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap()).unwrap()
}

#[test]
fn written_reports_validate() {
    let reports = [
        run_report(&["sana", "--registry", "examples/extractors/extractors.toml", "--extractor", "oracle,py-quotes", "--slice-by", "dateline_agency"]),
        run_report(&[
            "--articles",
            "tests/data/run/articles.jsonl",
            "--gold",
            "tests/data/run/gold.jsonl",
            "--registry",
            "tests/data/run/extractors.toml",
            "--extractor",
            "faulty",
            "--slice-by",
            "source",
            "--bootstrap",
            "0",
        ]),
    ];
    for report in &reports {
        validate(report, "").unwrap_or_else(|e| panic!("{e}\n{report:#}"));
    }
    assert!(!reports[1]["extractors"]["faulty"]["errors"].as_array().unwrap().is_empty());
}

#[test]
fn tampered_reports_do_not_validate() {
    let report = run_report(&["sana", "--extractor", "oracle"]);
    type Tamper = (&'static str, fn(&mut Value));
    let tamper: [Tamper; 4] = [
        ("wrong schema version", |r| r["schema_version"] = 2.into()),
        ("missing fingerprint", |r| {
            r["dataset"].as_object_mut().unwrap().remove("fingerprint");
        }),
        ("f1 above one", |r| r["extractors"]["oracle"]["layers"]["ner"]["overall"]["strict"]["f1"] = 1.5.into()),
        ("unknown field", |r| r["extractors"]["oracle"]["colour"] = "blue".into()),
    ];
    for (what, change) in tamper {
        let mut bad = report.clone();
        change(&mut bad);
        assert!(validate(&bad, "").is_err(), "{what} validated");
    }
}

#[test]
fn score_json_layers_validate() {
    let output = mizan()
        .args(["score", "--gold", "gold/sana/quote.jsonl", "--gold", "gold/sana/ner.jsonl", "--pred", "tests/data/score/quote-pred.jsonl"])
        .args(["--pred", "gold/sana/ner.jsonl", "--articles", "datasets/sana", "--slice-by", "split", "--json"])
        .output()
        .unwrap();
    let out: Value = serde_json::from_slice(&output.stdout).unwrap();
    for (_, layer) in out["layers"].as_object().unwrap() {
        validate(layer, "#/$defs/layer").unwrap_or_else(|e| panic!("{e}"));
    }
}
