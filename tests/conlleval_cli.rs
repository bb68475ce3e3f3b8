//! `mizan conlleval` as a drop-in for conlleval.pl: every case under `tests/data/conlleval/`
//! (input, the real script's stdout, its stderr for error cases, and its options) run through
//! the binary, plus the ANERcorp test file scored against itself, and files of a few megabytes
//! counted on several threads against the same file streamed through standard input.

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

/// About `bytes` of generated CoNLL: sentences of 1–12 tokens with Arabic words, entities
/// that run up to the blank lines, and some wrong guesses.
fn generated(bytes: usize) -> String {
    let tags = ["O", "B-PERS", "I-PERS", "O", "B-LOC", "I-LOC", "O", "B-ORG", "I-ORG", "I-ORG", "O", "B-MISC"];
    let mut text = String::new();
    let mut k = 0usize;
    while text.len() < bytes {
        let gold = tags[k % tags.len()];
        let guess = if k % 7 == 3 { tags[(k / 7) % tags.len()] } else { gold };
        text.push_str(&format!("كلمة{} {gold} {guess}\n", k % 101));
        if k % 13 == 12 || k % 29 == 28 {
            text.push('\n');
        }
        k += 1;
    }
    text
}

/// stdout, stderr and exit code of `mizan conlleval ARGS`, with `stdin` piped in.
fn conlleval(args: &[&str], stdin: Option<&std::path::Path>) -> (String, String, Option<i32>) {
    let mut command = Command::cargo_bin("mizan").unwrap();
    command.arg("conlleval").args(args);
    if let Some(path) = stdin {
        command.pipe_stdin(path).unwrap();
    }
    let output = command.output().unwrap();
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned(), output.status.code())
}

#[test]
fn a_file_counted_on_several_threads_matches_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    let text = generated(5 << 20);
    // As written; without its final newline; with a -DOCSTART- line after each 1,000th break;
    // with tab delimiters.
    let variants = [
        ("plain.txt", text.clone(), vec![]),
        ("unterminated.txt", text.trim_end().to_string(), vec![]),
        ("docstart.txt", text.replacen("\n\n", "\n\n-DOCSTART- O O\n\n", 1000), vec![]),
        ("tabs.txt", text.replace(' ', "\t"), vec!["-d", "\\t"]),
        ("raw.txt", text.replace("B-", "").replace("I-", ""), vec!["-r"]),
    ];
    for (name, content, options) in variants {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let streamed = conlleval(&options, Some(&path));
        assert_eq!(streamed.2, Some(0), "{name}: {}", streamed.1);
        assert!(streamed.0.starts_with("processed "), "{name}");
        for jobs in ["1", "2", "3", "8"] {
            let file = path.to_str().unwrap();
            let args: Vec<&str> = options.iter().copied().chain(["--jobs", jobs, file]).collect();
            assert_eq!(conlleval(&args, None), streamed, "{name} with --jobs {jobs}");
        }
    }
}

#[test]
fn an_error_late_in_a_file_counted_on_several_threads_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = generated(4 << 20);
    let lines = text.lines().count();
    // A line with a fourth field, one with a single field, and a line past the length limit,
    // each near the end of the file, far past the first part.
    for (k, bad) in ["a b O O", "lonely", &"x".repeat(200)].into_iter().enumerate() {
        let mut edited: Vec<&str> = text.lines().collect();
        edited.insert(lines - 100 - k, bad);
        let path = dir.path().join(format!("bad{k}.txt"));
        std::fs::write(&path, edited.join("\n") + "\n").unwrap();
        let file = path.to_str().unwrap();
        let mut streamed = Command::cargo_bin("mizan").unwrap();
        let streamed = streamed.env("MIZAN_MAX_LINE_BYTES", "100").args(["conlleval", "--jobs", "1", file]).output().unwrap();
        assert!(!streamed.status.success(), "{bad:.10}");
        let stderr = String::from_utf8_lossy(&streamed.stderr).into_owned();
        if k == 2 {
            assert!(stderr.contains(&format!(":{}: line longer than 100 bytes", lines - 100 - k + 1)), "{stderr}");
        }
        for jobs in ["2", "4"] {
            let mut split = Command::cargo_bin("mizan").unwrap();
            let split = split.env("MIZAN_MAX_LINE_BYTES", "100").args(["conlleval", "--jobs", jobs, file]).output().unwrap();
            assert_eq!(String::from_utf8_lossy(&split.stderr), stderr, "{bad:.10} with --jobs {jobs}");
            assert_eq!(split.status.code(), streamed.status.code());
        }
    }
}
