//! conlleval.pl's printed report, byte for byte, and the same numbers as JSON.

use super::counts::{reported_types, ConllevalResult};

/// conlleval.pl right-aligns type names in a field of this many bytes.
const TYPE_WIDTH: usize = 17;

/// conlleval.pl's standard output for `result`, as text. Type names that are not UTF-8 are
/// decoded lossily; use [`render_bytes`] where the exact bytes matter.
pub fn render(result: &ConllevalResult) -> String {
    String::from_utf8_lossy(&render_bytes(result)).into_owned()
}

/// conlleval.pl's standard output for `result`, byte for byte, whatever the type names hold.
pub fn render_bytes(result: &ConllevalResult) -> Vec<u8> {
    let mut out =
        format!("processed {} tokens with {} phrases; found: {} phrases; correct: {}.\n", result.tokens, result.phrases, result.found, result.correct)
            .into_bytes();
    if result.tokens > 0 {
        out.extend_from_slice(
            format!(
                "accuracy: {:6.2}%; precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}\n",
                result.accuracy(),
                result.precision(),
                result.recall(),
                result.f1()
            )
            .as_bytes(),
        );
    }
    for (name, counts) in reported_types(&result.per_type) {
        // The script drops duplicate names from its sorted type list with a truthiness test,
        // and the empty name is false in Perl: when it is in both the gold and the guessed
        // table it survives twice and is printed twice.
        let copies = if name.is_empty() && counts.gold > 0 && counts.found > 0 { 2 } else { 1 };
        for _ in 0..copies {
            // Perl pads `%17s` by bytes, since the script never decodes its input.
            out.resize(out.len() + TYPE_WIDTH.saturating_sub(name.len()), b' ');
            out.extend_from_slice(name);
            out.extend_from_slice(
                format!(": precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}\n", counts.precision(), counts.recall(), counts.f1(), counts.found).as_bytes(),
            );
        }
    }
    out
}

/// The scores as JSON, percentages unrounded; `per_type` lists the types the printed report
/// lists (each once), names decoded lossily.
pub fn to_json(result: &ConllevalResult) -> serde_json::Value {
    let per_type: serde_json::Map<String, serde_json::Value> = result
        .per_type_lossy()
        .into_iter()
        .map(|(name, counts)| {
            let scores = serde_json::json!({
                "precision": counts.precision(),
                "recall": counts.recall(),
                "f1": counts.f1(),
                "gold": counts.gold,
                "found": counts.found,
                "correct": counts.correct,
            });
            (name, scores)
        })
        .collect();
    serde_json::json!({
        "tokens": result.tokens,
        "phrases": result.phrases,
        "found": result.found,
        "correct": result.correct,
        "accuracy": result.accuracy(),
        "precision": result.precision(),
        "recall": result.recall(),
        "f1": result.f1(),
        "per_type": per_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::conlleval::{evaluate, ConllevalOptions};
    use std::path::Path;

    fn score(input: &str, options: &ConllevalOptions) -> ConllevalResult {
        evaluate(input.as_bytes(), options).expect("test input is valid")
    }

    #[test]
    fn empty_input_prints_only_the_counts_line() {
        let result = score("", &ConllevalOptions::default());
        assert_eq!(render(&result), "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n");
        assert_eq!(result.accuracy(), 0.0);
    }

    #[test]
    fn all_outside_input_scores_zero_phrases() {
        let result = score("a O O\nb O O\n", &ConllevalOptions::default());
        assert_eq!(
            render(&result),
            "processed 2 tokens with 0 phrases; found: 0 phrases; correct: 0.\n\
             accuracy: 100.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n"
        );
    }

    #[test]
    fn empty_type_in_both_columns_prints_twice() {
        let result = score("a B B\nb O O\n", &ConllevalOptions::default());
        let text = render(&result);
        let line = "                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n";
        assert_eq!(text.matches(line).count(), 2, "{text}");
        assert_eq!(to_json(&result)["per_type"].as_object().map(|types| types.len()), Some(1));
    }

    #[test]
    fn json_summary() {
        let result = score("a B-PER B-PER\nb B-LOC O\n", &ConllevalOptions::default());
        let json = to_json(&result);
        assert_eq!(json["phrases"], 2);
        assert_eq!(json["precision"], 100.0);
        assert_eq!(json["recall"], 50.0);
        assert_eq!(json["per_type"]["LOC"]["gold"], 1);
        assert_eq!(json["per_type"]["PER"]["f1"], 100.0);
    }

    /// Parses an `args.txt` line: conlleval.pl flags separated by single spaces.
    fn parse_args(line: &str) -> ConllevalOptions {
        let mut options = ConllevalOptions::default();
        let mut args = line.split(' ').filter(|arg| !arg.is_empty());
        while let Some(arg) = args.next() {
            match arg {
                "-r" => options.raw = true,
                "-d" => options.delimiter = Some(args.next().expect("-d takes a value").to_string()),
                "-o" => options.outside_tag = args.next().expect("-o takes a value").to_string(),
                other => panic!("unknown argument {other:?} in args.txt"),
            }
        }
        options
    }

    /// Every folder under tests/data/conlleval holds an input, conlleval.pl's stdout for it
    /// and, optionally, its flags (`args.txt`) and its stderr message (`error.txt`).
    #[test]
    fn matches_conlleval_on_recorded_cases() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/conlleval"));
        let mut cases: Vec<_> = std::fs::read_dir(root)
            .expect("the recorded cases are present")
            .map(|entry| entry.expect("readable case folder").path())
            .filter(|path| path.is_dir())
            .collect();
        cases.sort();
        assert!(cases.len() >= 12, "expected the recorded cases under {}", root.display());
        for case in cases {
            let read = |name: &str| std::fs::read(case.join(name));
            let input = read("input.txt").expect("input.txt");
            let expected = read("expected.txt").expect("expected.txt");
            let options = match read("args.txt") {
                Ok(args) => parse_args(String::from_utf8_lossy(&args).trim_end_matches('\n')),
                Err(_) => ConllevalOptions::default(),
            };
            let outcome = evaluate(input.as_slice(), &options);
            match read("error.txt") {
                Ok(message) => {
                    let error = outcome.expect_err("the case records an error");
                    assert_eq!(error.to_string().into_bytes(), message.strip_suffix(b"\n").unwrap_or(&message), "{}", case.display());
                    assert!(expected.is_empty(), "{}: nothing is printed on error", case.display());
                }
                Err(_) => {
                    let result = outcome.unwrap_or_else(|error| panic!("{}: {error}", case.display()));
                    let rendered = render_bytes(&result);
                    assert!(
                        rendered == expected,
                        "{}:\n--- got\n{}--- expected\n{}",
                        case.display(),
                        String::from_utf8_lossy(&rendered),
                        String::from_utf8_lossy(&expected)
                    );
                }
            }
        }
    }
}
