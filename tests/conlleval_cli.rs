//! `mizan conlleval` as a drop-in for conlleval.pl: every case under `tests/data/conlleval/`
//! (input, the real script's stdout, its stderr for error cases, and its options) run through
//! the binary, plus the ANERcorp test file scored against itself.

use std::path::PathBuf;

use assert_cmd::Command;

#[test]
fn every_case_matches_conlleval_pl_byte_for_byte() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/conlleval");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 12);
    for case in cases {
        let args = std::fs::read_to_string(case.join("args.txt")).unwrap_or_default();
        let mut command = Command::cargo_bin("mizan").unwrap();
        command.arg("conlleval").args(args.split_whitespace());
        let output = command.pipe_stdin(case.join("input.txt")).unwrap().output().unwrap();
        let expected = std::fs::read(case.join("expected.txt")).unwrap();
        assert_eq!(String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&expected), "{}", case.display());
        match std::fs::read_to_string(case.join("error.txt")) {
            Ok(error) => {
                assert_eq!(String::from_utf8_lossy(&output.stderr), error, "{}", case.display());
                assert!(!output.status.success(), "{}", case.display());
            }
            Err(_) => assert!(output.status.success(), "{}: {}", case.display(), String::from_utf8_lossy(&output.stderr)),
        }
    }
}

#[test]
fn latex_output_is_refused_clearly() {
    let output = Command::cargo_bin("mizan").unwrap().args(["conlleval", "-l"]).write_stdin("a O O\n").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("-l (LaTeX table output) is not supported"));
}

#[test]
#[ignore = "needs MIZAN_CORPORA (the shared corpora); bash .ci/run sets it and runs the ignored tests"]
fn anercorp_test_scored_against_itself_is_perfect() {
    let corpora = std::env::var_os("MIZAN_CORPORA").expect("set MIZAN_CORPORA to the shared datasets folder (bash .ci/run sets it to ../shared/datasets)");
    let text = std::fs::read_to_string(PathBuf::from(corpora).join("anercorp/ANERCorp_CamelLab_test.txt")).unwrap();
    let doubled: String = text
        .lines()
        .map(|line| match line.rsplit_once(' ') {
            Some((_, tag)) => format!("{line} {tag}\n"),
            None => "\n".to_string(),
        })
        .collect();
    let output = Command::cargo_bin("mizan").unwrap().arg("conlleval").write_stdin(doubled).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(stdout.starts_with("processed 25008 tokens with 2285 phrases; found: 2285 phrases; correct: 2285.\n"), "{stdout}");
    assert!(stdout.contains("accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n"), "{stdout}");
    assert!(stdout.contains("             PERS: precision: 100.00%; recall: 100.00%; FB1: 100.00  907\n"), "{stdout}");
}
