//! Every folder under `tests/data/bad/` is one bad input: `args` holds the command line (one
//! argument a line, run inside a copy of the folder), `expected` its exit code (`exit N`) and
//! the fragments its output must contain, in order. None may panic.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run_case(case: &Path) -> Result<(), String> {
    let work = tempfile::tempdir().unwrap();
    copy_dir(case, work.path());
    let args = std::fs::read_to_string(case.join("args")).unwrap();
    let expected = std::fs::read_to_string(case.join("expected")).unwrap();
    let mut lines = expected.lines();
    let exit: i32 = lines.next().and_then(|l| l.strip_prefix("exit ")).and_then(|n| n.parse().ok()).unwrap();
    let output = Command::cargo_bin("mizan").unwrap().current_dir(work.path()).args(args.lines().filter(|l| !l.is_empty())).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if text.contains("panicked") {
        return Err(format!("panicked:\n{text}"));
    }
    if output.status.code() != Some(exit) {
        return Err(format!("exit {:?}, expected {exit}:\n{text}", output.status.code()));
    }
    let mut rest = text.as_str();
    for fragment in lines.filter(|l| !l.is_empty()) {
        match rest.find(fragment) {
            Some(at) => rest = &rest[at + fragment.len()..],
            None => return Err(format!("missing {fragment:?} (in order) in:\n{text}")),
        }
    }
    Ok(())
}

#[test]
fn every_bad_input_is_reported_with_its_file_and_line() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 25, "expected the bad-input corpus, found {} cases", cases.len());
    let failures: Vec<String> =
        cases.iter().filter_map(|case| run_case(case).err().map(|e| format!("{}: {e}", case.file_name().unwrap().to_string_lossy()))).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
