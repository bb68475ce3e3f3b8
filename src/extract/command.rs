//! External extractors: any program, in any language, that reads one JSON article a line on
//! stdin and writes one JSON answer a line on stdout (`docs/extractors.md`).
//!
//! mizan keeps a pool of up to `workers` processes alive across articles. Each request waits
//! at most `timeout` for its answer. A crash, a hang, a malformed or mismatched answer or
//! output that is not UTF-8 fails that article only: the process is killed and a fresh one
//! started for the next article, and the error carries the end of the process's stderr.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::extract::worker::{describe_exit, Heard, SigpipeIgnored, Worker};
use crate::extract::{ExtractError, Extractor};
use crate::load::parse_span;
use crate::model::{quote, shown, Article, Span};

/// What the registry file says about an external extractor.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandSpec {
    pub name: String,
    /// The program and its arguments.
    pub command: Vec<String>,
    pub version: String,
    pub layers: Vec<String>,
    pub timeout: Duration,
    pub workers: usize,
    pub env: BTreeMap<String, String>,
    /// The folder the processes run in (the registry file's folder).
    pub dir: PathBuf,
}

/// The pool: idle workers, and how many exist (idle or busy).
struct Pool {
    idle: Vec<Worker>,
    alive: usize,
}

/// An extractor backed by external processes.
pub struct CommandExtractor {
    spec: CommandSpec,
    pool: Mutex<Pool>,
    freed: Condvar,
    /// Held for the extractor's whole life, so that SIGPIPE stays ignored between workers.
    _sigpipe: SigpipeIgnored,
}

impl CommandExtractor {
    /// Starts one worker right away, so that a command that cannot start is reported before
    /// any article is sent.
    pub fn start(spec: CommandSpec) -> Result<CommandExtractor, String> {
        let sigpipe = SigpipeIgnored::hold();
        let first = Worker::start(&spec)?;
        Ok(CommandExtractor { spec, pool: Mutex::new(Pool { idle: vec![first], alive: 1 }), freed: Condvar::new(), _sigpipe: sigpipe })
    }

    /// An idle worker, a new one while fewer than `workers` exist, or the next one freed.
    fn acquire(&self) -> Result<Worker, ExtractError> {
        let mut pool = self.pool.lock().map_err(|_| ExtractError::Crashed("worker pool poisoned".into()))?;
        loop {
            if let Some(worker) = pool.idle.pop() {
                return Ok(worker);
            }
            if pool.alive < self.spec.workers.max(1) {
                pool.alive += 1;
                drop(pool);
                return Worker::start(&self.spec).map_err(|e| {
                    self.forget();
                    ExtractError::Crashed(e)
                });
            }
            pool = self.freed.wait(pool).map_err(|_| ExtractError::Crashed("worker pool poisoned".into()))?;
        }
    }

    fn release(&self, worker: Worker) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.idle.push(worker);
        }
        self.freed.notify_one();
    }

    /// A worker was killed: make room for a fresh one.
    fn forget(&self) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.alive = pool.alive.saturating_sub(1);
        }
        self.freed.notify_one();
    }

    fn fail(&self, worker: Worker, error: impl FnOnce(String) -> ExtractError) -> ExtractError {
        // Kill first, so that stderr closes and its last words are in; dropping the worker then
        // reaps nothing more.
        worker.kill();
        let tail = worker.stderr_tail();
        drop(worker);
        self.forget();
        error(tail)
    }

    /// Sends `article` and waits for its answer line. Whatever else is heard first decides
    /// why the article fails; an exit or a closed stdin is waited on briefly, since the answer
    /// may still be in the pipe.
    fn ask(&self, worker: &mut Worker, article: &Article) -> Result<Vec<u8>, Asked> {
        let request = json!({"id": article.id, "text": article.text, "metadata": article.metadata});
        let mut line = request.to_string().into_bytes();
        line.push(b'\n');
        let mut deadline = Instant::now() + self.spec.timeout;
        if !worker.send(line) {
            return Err(Asked::Exited(None));
        }
        let mut stopped_reading = None;
        let mut exited = None;
        let mut closed_stdout = false;
        loop {
            match worker.next(deadline) {
                Some(Heard::Line(answer)) => return Ok(answer),
                Some(Heard::TooLong(limit)) => return Err(Asked::TooLong(limit)),
                Some(Heard::ReadFailed(error)) => return Err(Asked::Broken(error.to_string())),
                Some(Heard::WriteFailed(error)) => {
                    stopped_reading = Some(error.to_string());
                    deadline = deadline.min(Instant::now() + GRACE);
                }
                // stdout closed and the process gone: nothing more can come.
                Some(Heard::Exited(status)) if closed_stdout => return Err(Asked::Exited(Some(describe_exit(&status)))),
                Some(Heard::Exited(status)) => {
                    exited = Some(describe_exit(&status));
                    deadline = deadline.min(Instant::now() + GRACE);
                }
                Some(Heard::Eof) if exited.is_some() => return Err(Asked::Exited(exited)),
                // stdout closed: the exit itself should follow at once.
                Some(Heard::Eof) => {
                    closed_stdout = true;
                    deadline = deadline.min(Instant::now() + GRACE);
                }
                None => {
                    return Err(match (exited, stopped_reading) {
                        (Some(status), _) => Asked::Exited(Some(status)),
                        (None, Some(error)) => Asked::StoppedReading(error),
                        (None, None) if closed_stdout => Asked::ClosedOutput,
                        (None, None) if Instant::now() < deadline => Asked::Exited(None),
                        (None, None) => Asked::Timeout,
                    })
                }
            }
        }
    }
}

/// How long an answer may still come once the process has exited or stopped reading.
const GRACE: Duration = Duration::from_millis(300);

/// Why no answer came.
enum Asked {
    Timeout,
    /// The process exited (how, when known) without answering.
    Exited(Option<String>),
    /// Writing the article failed (the process closed its stdin) and no answer came.
    StoppedReading(String),
    /// stdout was closed, and the process did not exit.
    ClosedOutput,
    /// An answer line longer than the limit (bytes).
    TooLong(usize),
    Broken(String),
}

/// The fields of an answer line.
const ANSWER_FIELDS: [&str; 2] = ["id", "spans"];

/// Parses an answer line for `article`: `{"id": …, "spans": [ … ]}`, with warnings about what
/// was ignored (unknown fields of the answer or of a span).
fn parse_answer(answer: &[u8], article: &Article) -> Result<(Vec<Span>, Vec<String>), String> {
    let text = std::str::from_utf8(answer).map_err(|_| "the answer is not UTF-8".to_string())?;
    let value: Value = serde_json::from_str(text.trim_end()).map_err(|e| format!("not JSON ({e}): {}", preview(text)))?;
    let id = value.get("id").and_then(Value::as_str).ok_or_else(|| format!("no string `id` in {}", preview(text)))?;
    if id != article.id {
        return Err(format!("answer for article `{}` while waiting for `{}`", shown(id), shown(&article.id)));
    }
    let spans = value.get("spans").and_then(Value::as_array).ok_or_else(|| format!("no `spans` array in {}", preview(text)))?;
    let mut warnings: Vec<String> = value
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| !ANSWER_FIELDS.contains(&k.as_str()))
                .map(|k| format!("unknown answer field `{}` is ignored (answer fields: id, spans)", shown(k)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::with_capacity(spans.len());
    for (k, span) in spans.iter().enumerate() {
        let mut span = span.clone();
        match span.as_object_mut() {
            Some(object) => {
                object.entry("article_id").or_insert_with(|| Value::String(article.id.clone()));
            }
            None => return Err(format!("span {k} is not an object")),
        }
        let (span, ignored) = parse_span(&span.to_string(), crate::model::DEFAULT_LAYER, None).map_err(|e| format!("span {k}: {e}"))?;
        warnings.extend(ignored.into_iter().map(|w| format!("span {k}: {w}")));
        if span.article_id != article.id {
            return Err(format!("span {k} names article `{}`", shown(&span.article_id)));
        }
        out.push(span);
    }
    Ok((out, warnings))
}

fn preview(text: &str) -> String {
    quote(text.trim_end())
}

impl Extractor for CommandExtractor {
    fn name(&self) -> &str {
        &self.spec.name
    }

    fn version(&self) -> &str {
        &self.spec.version
    }

    fn layers(&self) -> Vec<String> {
        self.spec.layers.clone()
    }

    fn parameters(&self) -> Value {
        json!({"command": self.spec.command, "env": self.spec.env})
    }

    fn extract(&self, article: &Article) -> Result<Vec<Span>, ExtractError> {
        self.extract_noting(article).map(|(spans, _)| spans)
    }

    fn extract_noting(&self, article: &Article) -> Result<(Vec<Span>, Vec<String>), ExtractError> {
        let mut worker = self.acquire()?;
        match self.ask(&mut worker, article) {
            Ok(answer) => match parse_answer(&answer, article) {
                Ok(answered) => {
                    self.release(worker);
                    Ok(answered)
                }
                // A bad answer may leave the process out of step with its requests: restart it.
                Err(message) => Err(self.fail(worker, |tail| ExtractError::Malformed(format!("{message}{tail}")))),
            },
            Err(Asked::Timeout) => {
                let secs = self.spec.timeout.as_secs_f64();
                Err(self.fail(worker, |_| ExtractError::Timeout { secs }))
            }
            Err(Asked::Exited(status)) => {
                let status = status.map(|s| format!("; {s}")).unwrap_or_default();
                Err(self.fail(worker, |tail| ExtractError::Crashed(format!("the process exited without answering{tail}{status}"))))
            }
            Err(Asked::StoppedReading(error)) => {
                Err(self.fail(worker, |tail| ExtractError::Crashed(format!("the process stopped reading its input ({error}) and did not answer{tail}"))))
            }
            Err(Asked::ClosedOutput) => Err(self.fail(worker, |tail| ExtractError::Crashed(format!("the process closed its output without answering{tail}")))),
            Err(Asked::TooLong(limit)) => Err(self.fail(worker, |tail| {
                ExtractError::Malformed(format!(
                    "an answer line longer than {limit} bytes; answer on one line per article, or raise the limit with {}=BYTES{tail}",
                    crate::load::MAX_LINE_ENV
                ))
            })),
            Err(Asked::Broken(error)) => Err(self.fail(worker, |tail| ExtractError::Crashed(format!("reading its output: {error}{tail}")))),
        }
    }
}

impl Drop for CommandExtractor {
    /// Closes every idle worker's stdin, gives them a moment to exit, and kills their groups.
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            for worker in pool.idle.drain(..) {
                worker.close(Duration::from_millis(100));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(script: &str, timeout_ms: u64) -> CommandSpec {
        CommandSpec {
            name: "t".into(),
            command: vec!["sh".into(), "-c".into(), script.into()],
            version: "1".into(),
            layers: vec!["ner".into()],
            timeout: Duration::from_millis(timeout_ms),
            workers: 1,
            env: BTreeMap::new(),
            dir: PathBuf::from("."),
        }
    }

    fn article(id: &str) -> Article {
        Article::new(id, "قال لافروف", BTreeMap::new())
    }

    // Answers every request with one span on "لافروف", echoing the id that `sed` extracts.
    const ECHO: &str = r#"while read -r line; do id=$(printf '%s' "$line" | sed 's/.*"id":"\([^"]*\)".*/\1/'); printf '{"id":"%s","spans":[{"start":4,"end":10,"label":"PER"}]}\n' "$id"; done"#;

    #[test]
    fn answers_come_back_as_spans() {
        let extractor = CommandExtractor::start(spec(ECHO, 5000)).unwrap();
        for id in ["a", "b", "c"] {
            let spans = extractor.extract(&article(id)).unwrap();
            assert_eq!((spans[0].article_id.as_str(), spans[0].start, spans[0].end), (id, 4, 10));
        }
    }

    #[test]
    fn a_hang_times_out_and_the_worker_is_replaced() {
        let extractor = CommandExtractor::start(spec("sleep 30", 200)).unwrap();
        assert_eq!(extractor.extract(&article("a")), Err(ExtractError::Timeout { secs: 0.2 }));
        assert_eq!(extractor.extract(&article("b")), Err(ExtractError::Timeout { secs: 0.2 }));
    }

    #[test]
    fn a_crash_reports_stderr() {
        let extractor = CommandExtractor::start(spec("read -r line; echo 'boom: bad input' >&2; exit 3", 5000)).unwrap();
        match extractor.extract(&article("a")) {
            Err(ExtractError::Crashed(message)) => assert!(message.contains("boom: bad input"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_and_mismatched_answers_fail_the_article() {
        let cases = [
            ("read -r l; echo 'not json'; sleep 5", "not JSON"),
            (r#"read -r l; echo '{"id":"zz","spans":[]}'; sleep 5"#, "answer for article `zz`"),
            (r#"read -r l; echo '{"id":"a","spans":[{"start":-1,"end":2,"label":"X"}]}'; sleep 5"#, "negative"),
            ("read -r l; printf '\\377\\376\\n'; sleep 5", "not UTF-8"),
        ];
        for (script, fragment) in cases {
            let extractor = CommandExtractor::start(spec(script, 5000)).unwrap();
            match extractor.extract(&article("a")) {
                Err(ExtractError::Malformed(message)) => assert!(message.contains(fragment), "{message}"),
                other => panic!("{script}: {other:?}"),
            }
        }
    }

    #[test]
    fn closing_stdin_or_stdout_without_exiting_fails_fast() {
        let cases = [
            ("exec 0<&-; sleep 30", "the process stopped reading its input"),
            ("read -r l; exec 1>&-; sleep 30", "the process closed its output without answering"),
        ];
        for (script, fragment) in cases {
            let extractor = CommandExtractor::start(spec(script, 20_000)).unwrap();
            let started = Instant::now();
            let big = Article::new("a", "ب".repeat(200_000), BTreeMap::new());
            match extractor.extract(&big) {
                Err(ExtractError::Crashed(message)) => assert!(message.contains(fragment), "{script}: {message}"),
                other => panic!("{script}: {other:?}"),
            }
            assert!(started.elapsed() < Duration::from_secs(5), "{script}: {:?}", started.elapsed());
        }
    }

    #[test]
    fn a_missing_program_is_reported_at_start() {
        let mut bad = spec("", 100);
        bad.command = vec!["/nonexistent/extractor".into()];
        assert!(CommandExtractor::start(bad).err().unwrap().contains("cannot start `/nonexistent/extractor`"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, failure_persistence: None, ..Default::default() })]

        /// Any bytes as an answer: parsed or refused, never a panic; kept spans name the article.
        #[test]
        fn any_answer_is_parsed_or_refused(answer in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120), valid in 0usize..3) {
            let mut bytes = match valid {
                0 => br#"{"id":"a","spans":[{"start":4,"end":10,"label":"PER","attrs":{"k":"v"}}]}"#.to_vec(),
                1 => br#"{"id":"a","spans":["#.to_vec(),
                _ => Vec::new(),
            };
            let at = answer.first().map_or(0, |&b| usize::from(b) % (bytes.len() + 1));
            bytes.splice(at..at, answer);
            if let Ok((spans, _)) = parse_answer(&bytes, &article("a")) {
                proptest::prop_assert!(spans.iter().all(|s| s.article_id == "a"));
            }
        }
    }
}
