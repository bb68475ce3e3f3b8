//! The line loop's rules and counts on small hand-written inputs, and the parallel count
//! against the sequential one on generated inputs cut in awkward places.

use super::tags::{end_of_chunk, split_tag, start_of_chunk, Tags};
use super::*;

fn score(input: &str, options: &ConllevalOptions) -> ConllevalResult {
    evaluate(input.as_bytes(), options).expect("test input is valid")
}

fn counts(input: &str) -> (u64, u64, u64) {
    let result = score(input, &ConllevalOptions::default());
    (result.phrases, result.found, result.correct)
}

/// A tag with this prefix and type, as the line loop sees it.
fn intern(prefix: &str, kind: &str) -> tags::Tag {
    let tag = if kind.is_empty() { prefix.to_string() } else { format!("{prefix}-{kind}") };
    // One table for every call: ids are only comparable within one.
    thread_local!(static TAGS: std::cell::RefCell<Tags> = std::cell::RefCell::new(Tags::new(false, b"O")));
    TAGS.with(|tags| tags.borrow_mut().get(tag.as_bytes()))
}

fn tab_options() -> ConllevalOptions {
    ConllevalOptions { delimiter: Some("\\t".to_string()), ..ConllevalOptions::default() }
}

#[test]
fn end_of_chunk_rules() {
    // (previous tag, tag, previous type, type, ends)
    let table: &[(&str, &str, &str, &str, bool)] = &[
        ("B", "B", "PER", "PER", true),
        ("B", "O", "PER", "", true),
        ("I", "B", "PER", "PER", true),
        ("I", "O", "PER", "", true),
        ("E", "E", "PER", "PER", true),
        ("E", "I", "PER", "PER", true),
        ("E", "O", "PER", "", true),
        ("B", "I", "PER", "PER", false),
        ("I", "I", "PER", "PER", false),
        ("I", "E", "PER", "PER", false),
        ("S", "S", "PER", "PER", false),
        ("B", "E", "PER", "PER", false),
        ("O", "O", "", "", false),
        ("O", "B", "", "PER", false),
        // A type change ends a chunk unless the previous tag is O or ".".
        ("B", "I", "PER", "LOC", true),
        ("S", "S", "PER", "LOC", true),
        ("O", "I", "PER", "LOC", false),
        (".", "I", "PER", "LOC", false),
        ("[", "I", "PER", "PER", true),
        ("]", "I", "PER", "PER", true),
    ];
    for &(prev, tag, prev_type, kind, expected) in table {
        let got = end_of_chunk(intern(prev, prev_type), intern(tag, kind));
        assert_eq!(got, expected, "end_of_chunk({prev}, {tag}, {prev_type}, {kind})");
    }
}

#[test]
fn start_of_chunk_rules() {
    let table: &[(&str, &str, &str, &str, bool)] = &[
        ("B", "B", "PER", "PER", true),
        ("I", "B", "PER", "PER", true),
        ("O", "B", "", "PER", true),
        ("O", "I", "", "PER", true),
        ("E", "E", "PER", "PER", true),
        ("E", "I", "PER", "PER", true),
        ("O", "E", "", "PER", true),
        ("B", "I", "PER", "PER", false),
        ("I", "I", "PER", "PER", false),
        ("B", "E", "PER", "PER", false),
        ("S", "S", "PER", "PER", false),
        ("O", "O", "", "", false),
        ("B", "O", "PER", "", false),
        // A type change starts a chunk unless the current tag is O or ".".
        ("B", "I", "PER", "LOC", true),
        ("O", "S", "", "PER", true),
        ("B", ".", "PER", "LOC", false),
        ("B", "O", "PER", "LOC", false),
        ("I", "[", "PER", "PER", true),
        ("I", "]", "PER", "PER", true),
    ];
    for &(prev, tag, prev_type, kind, expected) in table {
        let got = start_of_chunk(intern(prev, prev_type), intern(tag, kind));
        assert_eq!(got, expected, "start_of_chunk({prev}, {tag}, {prev_type}, {kind})");
    }
}

#[test]
fn phrase_counts() {
    // (case, input, (gold phrases, guessed phrases, correct))
    let table: &[(&str, &str, (u64, u64, u64))] = &[
        ("S S of one type is one phrase", "a S-PER S-PER\nb S-PER S-PER\n", (1, 1, 1)),
        ("B E B E of one type is one phrase", "a B-PER B-PER\nb E-PER E-PER\nc B-PER B-PER\nd E-PER E-PER\n", (1, 1, 1)),
        ("I after O starts a chunk", "a O O\nb I-PER I-PER\nc I-PER I-PER\n", (1, 1, 1)),
        ("B B is two phrases", "a B-PER B-PER\nb B-PER B-PER\n", (2, 2, 2)),
        ("a type change splits I I", "a I-PER I-PER\nb I-LOC I-PER\n", (2, 1, 0)),
        ("boundary splits a chunk", "a B-PER B-PER\n-X- O O\nb I-PER I-PER\n", (2, 2, 2)),
        ("blank line splits a chunk", "a B-PER B-PER\n\nb I-PER I-PER\n", (2, 2, 2)),
        ("wrong end is not correct", "a B-PER B-PER\nb I-PER O\n", (1, 1, 0)),
        ("wrong type is not correct", "a B-PER B-LOC\n", (1, 1, 0)),
        ("brackets are one-token chunks", "a [-NP [-NP\nb ]-NP ]-NP\n", (2, 2, 2)),
        ("a dot tag neither starts nor ends a chunk", "a B-NP B-NP\nb .-NP .-NP\n", (1, 1, 1)),
        ("all O", "a O O\nb O O\n", (0, 0, 0)),
        ("empty input", "", (0, 0, 0)),
    ];
    for (case, input, expected) in table {
        assert_eq!(counts(input), *expected, "{case}");
    }
}

#[test]
fn types_split_at_the_first_hyphen() {
    assert_eq!(split_tag(b"B-PER-X"), (&b"B"[..], &b"PER-X"[..]));
    assert_eq!(split_tag(b"O"), (&b"O"[..], &b""[..]));
    assert_eq!(split_tag(b"-X"), (&b""[..], &b"X"[..]));
    assert_eq!(split_tag(b"B-0"), (&b"B"[..], &b""[..]));
    let result = score("a B-PER-X B-PER-X\n", &ConllevalOptions::default());
    assert_eq!(result.per_type.keys().collect::<Vec<_>>(), [&b"PER-X".to_vec()]);
}

#[test]
fn token_accuracy_counts_whole_tags() {
    let result = score("a O O\nb B-PER I-PER\nc I-PER I-PER\nd O B-LOC\n", &ConllevalOptions::default());
    assert_eq!((result.tokens, result.correct_tags), (4, 2));
    assert_eq!(result.accuracy(), 50.0);
}

#[test]
fn boundary_lines_are_not_tokens() {
    let result = score("-X- B-PER B-PER\na B-PER B-PER\n-X- O O\n", &ConllevalOptions::default());
    assert_eq!((result.tokens, result.phrases, result.correct), (1, 1, 1));
}

#[test]
fn crlf_keeps_the_carriage_return_on_the_guess() {
    let result = score("a B-PER B-PER\r\nb O O\r\n", &ConllevalOptions::default());
    // The gold column is clean, but the guess is a "PER\r" phrase followed by an "O\r"
    // tag, which is not outside: it opens a phrase of the empty type.
    assert_eq!((result.phrases, result.found, result.correct), (1, 2, 0));
    assert!(result.per_type.contains_key(b"PER\r".as_slice()));
    // A blank CRLF line is one field long, not empty.
    let error = evaluate("a O O\r\n\r\n".as_bytes(), &ConllevalOptions::default()).expect_err("a lone carriage return is a one-field line");
    assert_eq!(error.to_string(), "unexpected number of features: 1 (3)");
}

#[test]
fn field_count_mismatch_is_an_error() {
    let error = evaluate("a B-PER B-PER\nb c O O\n".as_bytes(), &ConllevalOptions::default()).expect_err("four fields after three");
    assert_eq!(error.to_string(), "unexpected number of features: 4 (3)");
    assert!(matches!(error, ConllevalError::FieldCount { line_number: 2, .. }));
    let error = evaluate("a\n".as_bytes(), &ConllevalOptions::default()).expect_err("one field");
    assert_eq!(error.to_string(), "conlleval: unexpected number of features in line a");
}

#[test]
fn raw_mode_makes_every_tag_a_one_token_phrase() {
    let options = ConllevalOptions { raw: true, ..ConllevalOptions::default() };
    let result = score("a PER PER\nb PER PER\nc O LOC\n", &options);
    assert_eq!((result.phrases, result.found, result.correct), (2, 3, 2));
}

#[test]
fn outside_tag_applies_in_raw_mode_only() {
    let raw = ConllevalOptions { raw: true, outside_tag: "NONE".to_string(), ..ConllevalOptions::default() };
    let result = score("a PER PER\nb NONE NONE\nc O O\n", &raw);
    assert_eq!((result.phrases, result.found, result.correct_tags), (1, 1, 3));
    let plain = ConllevalOptions { outside_tag: "NONE".to_string(), ..ConllevalOptions::default() };
    let result = score("a B-PER B-PER\nb NONE NONE\n", &plain);
    // Without -r, NONE is an ordinary tag with an empty type that starts a phrase.
    assert_eq!((result.phrases, result.found), (2, 2));
}

#[test]
fn delimiters() {
    let result = score("مدينة\tB-LOC\tB-LOC\nو\tO\tO\n", &tab_options());
    assert_eq!((result.tokens, result.phrases, result.correct), (2, 1, 1));
    let literal_tab = ConllevalOptions { delimiter: Some("\t".to_string()), ..ConllevalOptions::default() };
    assert_eq!(score("a b\tB-LOC\tB-LOC\n", &literal_tab).phrases, 1);
    let spaces = ConllevalOptions { delimiter: Some("\\s+".to_string()), ..ConllevalOptions::default() };
    assert_eq!(score("a  B-LOC \t B-LOC\n", &spaces).correct, 1);
    for unsupported in ["", " *", "a|b", "(x)", "^x", "*"] {
        let options = ConllevalOptions { delimiter: Some(unsupported.to_string()), ..ConllevalOptions::default() };
        assert!(matches!(evaluate("".as_bytes(), &options), Err(ConllevalError::UnsupportedDelimiter { .. })), "{unsupported:?} should be refused");
    }
}

/// What a scorer made of an input: the printed report, or the error with its line number.
fn outcome(result: Result<ConllevalResult, ConllevalError>) -> String {
    match result {
        Ok(result) => format!("{result:?}\n{}", render(&result)),
        Err(error) => format!("{error:?}"),
    }
}

/// A generated input: sentences of random tags (some of them the odd ones whose state
/// crosses a sentence break), blank lines and `-X-` lines between them, sometimes several
/// in a row, and sometimes no final newline.
fn generated(rng: &mut crate::random::Rng, lines: usize, separator: &str) -> String {
    const TAGS: &[&str] = &["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-LOC", "S-ORG", ".-PER", "[-NP", "]-NP", "X", "B-0", "I-0", "O-PER"];
    let mut text = String::new();
    for k in 0..lines {
        match rng.below(12) {
            0 => text.push('\n'),
            1 => text.push_str(&format!("-X-{separator}O{separator}O\n")),
            _ => {
                let gold = TAGS[rng.below(TAGS.len() as u64) as usize];
                // Mostly right, so that correct phrases are open at many blank lines.
                let guess = if rng.below(3) == 0 { TAGS[rng.below(TAGS.len() as u64) as usize] } else { gold };
                text.push_str(&format!("w{k}{separator}{gold}{separator}{guess}\n"));
            }
        }
    }
    if rng.below(2) == 0 {
        text.pop();
    }
    text
}

#[test]
fn parts_counted_apart_add_up_to_the_sequential_count() {
    let mut rng = crate::random::Rng::new(2026);
    let raw = ConllevalOptions { raw: true, outside_tag: "X".to_string(), ..ConllevalOptions::default() };
    let pattern = ConllevalOptions { delimiter: Some("\\s+".to_string()), ..ConllevalOptions::default() };
    for case in 0..300 {
        let (options, separator) = match case % 4 {
            0 | 1 => (ConllevalOptions::default(), " "),
            2 => (raw.clone(), " "),
            _ => (pattern.clone(), " \t"),
        };
        let lines = rng.below(60) as usize;
        let input = generated(&mut rng, lines, separator);
        let sequential = outcome(evaluate(input.as_bytes(), &options));
        for jobs in [1, 2, 3, 7, 64] {
            assert_eq!(outcome(evaluate_bytes(input.as_bytes(), jobs, &options)), sequential, "case {case}, {jobs} jobs:\n{input}");
        }
    }
}

#[test]
fn errors_in_later_parts_keep_their_line_numbers() {
    let mut rng = crate::random::Rng::new(11);
    for case in 0..300 {
        let lines = 20 + rng.below(40) as usize;
        let mut input = generated(&mut rng, lines, " ");
        if !input.ends_with('\n') {
            input.push('\n');
        }
        // A bad line somewhere: four fields, one field, a lone carriage return (one field), or a
        // first line with two fields that makes every later line wrong.
        let bad = ["a b B-PER O", "lonely", "\r", "x O"][case % 4];
        let lines: Vec<&str> = input.lines().collect();
        let at = if case % 4 == 3 { 0 } else { rng.below(lines.len() as u64) as usize };
        let mut edited: Vec<&str> = lines.clone();
        edited.insert(at, bad);
        let input = edited.join("\n") + "\n";
        let sequential = outcome(evaluate(input.as_bytes(), &ConllevalOptions::default()));
        for jobs in [2, 3, 5, 50] {
            assert_eq!(outcome(evaluate_bytes(input.as_bytes(), jobs, &ConllevalOptions::default())), sequential, "case {case}, {jobs} jobs:\n{input}");
        }
    }
}

#[test]
fn a_correct_phrase_open_across_a_cut_is_counted_once() {
    // The `.` tag keeps the PER phrase open and correct over the blank line; the untyped X
    // tag then neither starts nor ends a phrase, and B-LOC ends it: conlleval.pl counts that
    // as a correct phrase (of the empty type), so the second part must start with it open.
    let input = "a B-PER B-PER\nb .-PER .-PER\n\nc X X\nd B-LOC B-LOC\n";
    let starts = parallel::part_starts(&input.as_bytes(), 2, 0).expect("memory reads");
    assert_eq!(starts, [0, 29], "the input is cut after the blank line");
    let sequential = evaluate(input.as_bytes(), &ConllevalOptions::default()).expect("valid");
    let split = evaluate_bytes(input.as_bytes(), 2, &ConllevalOptions::default()).expect("valid");
    assert_eq!(split, sequential);
    assert_eq!((sequential.phrases, sequential.found, sequential.correct), (2, 2, 2));
}

#[test]
fn a_cut_inside_an_entity_or_without_blank_lines_stays_exact() {
    // No blank line at all: one part, however many jobs; CRLF lines keep their carriage returns.
    let crlf = "a B-PER B-PER\r\nb I-PER I-PER\r\nc O O\r\n".repeat(50);
    assert_eq!(parallel::part_starts(&crlf.as_bytes(), 4, 0).expect("memory reads"), [0]);
    assert_eq!(outcome(evaluate_bytes(crlf.as_bytes(), 4, &ConllevalOptions::default())), outcome(evaluate(crlf.as_bytes(), &ConllevalOptions::default())));
    // An entity running into the last line, which has no newline, and a -DOCSTART- line
    // (an ordinary token line to conlleval.pl) right after a cut.
    let input = "-DOCSTART- O O\n\na B-LOC B-LOC\nb I-LOC I-LOC\n\n-DOCSTART- O O\n\nc B-ORG B-ORG\nd I-ORG I-ORG";
    for jobs in 1..=8 {
        assert_eq!(
            outcome(evaluate_bytes(input.as_bytes(), jobs, &ConllevalOptions::default())),
            outcome(evaluate(input.as_bytes(), &ConllevalOptions::default()))
        );
    }
    let result = evaluate_bytes(input.as_bytes(), 8, &ConllevalOptions::default()).expect("valid");
    assert_eq!((result.tokens, result.phrases, result.correct), (6, 2, 2));
    // Inputs smaller than the number of jobs.
    for tiny in ["", "\n", "\n\n", "a O O", "a O O\n\n", "\n\na B-X B-X\n"] {
        assert_eq!(
            outcome(evaluate_bytes(tiny.as_bytes(), 16, &ConllevalOptions::default())),
            outcome(evaluate(tiny.as_bytes(), &ConllevalOptions::default())),
            "{tiny:?}"
        );
    }
}

#[test]
fn lines_past_the_limit_are_refused_with_their_number() {
    let input = "a O O\nb B-PER B-PER\nthis line is too long O O\n";
    let error = evaluate_reader(input.as_bytes(), std::path::Path::new("in.txt"), 16, &ConllevalOptions::default()).expect_err("line 3 is too long");
    assert!(error.to_string().contains("in.txt:3: line longer than 16 bytes"), "{error}");
    // An unfinished line past the limit is refused before its newline arrives.
    let endless = std::io::Read::chain("a O O\n".as_bytes(), std::io::repeat(b'x'));
    let error = evaluate_reader(endless, std::path::Path::new("<stdin>"), 1 << 20, &ConllevalOptions::default()).expect_err("an endless line");
    assert!(error.to_string().contains("<stdin>:2: line longer than 1048576 bytes"), "{error}");
}
