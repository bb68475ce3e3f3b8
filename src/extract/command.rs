//! External extractors: any program, in any language, that reads one JSON article a line on
//! stdin and writes one JSON answer a line on stdout (`docs/extractors.md`).
//!
//! mizan keeps a pool of up to `workers` processes alive across articles. Each request waits
//! at most `timeout` for its answer. A crash, a hang, a malformed or mismatched answer or
//! output that is not UTF-8 fails that article only: the process is killed and a fresh one
//! started for the next article, and the error carries the end of the process's stderr.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};

use crate::extract::{ExtractError, Extractor};
use crate::load::parse_span;
use crate::model::{Article, Span};

/// How many lines of a worker's stderr are kept for error messages.
const STDERR_LINES: usize = 20;

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

/// One running process.
struct Worker {
    child: Child,
    requests: Sender<Vec<u8>>,
    answers: Receiver<std::io::Result<Vec<u8>>>,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Worker {
    fn start(spec: &CommandSpec) -> Result<Worker, String> {
        let (program, args) = spec.command.split_first().ok_or("`command` is empty")?;
        let mut child = Command::new(program)
            .args(args)
            .envs(&spec.env)
            .current_dir(&spec.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start `{}` in {}: {e}", spec.command.join(" "), spec.dir.display()))?;
        let (stdin, stdout, stderr) = match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
            (Some(i), Some(o), Some(e)) => (i, o, e),
            _ => return Err("the process has no stdin/stdout/stderr pipe".into()),
        };
        // Writes go through a thread so that a process that stops reading cannot block mizan:
        // the timeout still fires, and killing the process unblocks the writer.
        let (requests, pending) = channel::<Vec<u8>>();
        thread::spawn(move || write_requests(stdin, pending));
        let (answer_tx, answers) = channel();
        thread::spawn(move || read_answers(stdout, answer_tx));
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail_writer = Arc::clone(&tail);
        thread::spawn(move || keep_stderr_tail(stderr, tail_writer));
        Ok(Worker { child, requests, answers, stderr: tail })
    }

    fn stderr_tail(&self) -> String {
        // Give the stderr reader a moment to catch the last words of a dying process.
        thread::sleep(Duration::from_millis(50));
        let lines = self.stderr.lock().map(|t| t.iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
        if lines.is_empty() {
            String::new()
        } else {
            format!("; stderr: {}", lines.join(" | "))
        }
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_requests(mut stdin: ChildStdin, pending: Receiver<Vec<u8>>) {
    for request in pending {
        if stdin.write_all(&request).and_then(|_| stdin.flush()).is_err() {
            return;
        }
    }
}

fn read_answers(stdout: impl Read, answers: Sender<std::io::Result<Vec<u8>>>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {
                if answers.send(Ok(line)).is_err() {
                    return;
                }
            }
            Err(error) => {
                let _ = answers.send(Err(error));
                return;
            }
        }
    }
}

fn keep_stderr_tail(stderr: impl Read, tail: Arc<Mutex<VecDeque<String>>>) {
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { return };
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
        }
    }
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
}

impl CommandExtractor {
    /// Starts one worker right away, so that a command that cannot start is reported before
    /// any article is sent.
    pub fn start(spec: CommandSpec) -> Result<CommandExtractor, String> {
        let first = Worker::start(&spec)?;
        Ok(CommandExtractor { spec, pool: Mutex::new(Pool { idle: vec![first], alive: 1 }), freed: Condvar::new() })
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
        let tail = worker.stderr_tail();
        worker.kill();
        self.forget();
        error(tail)
    }

    fn ask(&self, worker: &mut Worker, article: &Article) -> Result<Vec<u8>, Asked> {
        let request = json!({"id": article.id, "text": article.text, "metadata": article.metadata});
        let mut line = request.to_string().into_bytes();
        line.push(b'\n');
        if worker.requests.send(line).is_err() {
            return Err(Asked::Exited);
        }
        match worker.answers.recv_timeout(self.spec.timeout) {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(error)) => Err(Asked::Broken(error.to_string())),
            Err(RecvTimeoutError::Timeout) => Err(Asked::Timeout),
            Err(RecvTimeoutError::Disconnected) => Err(Asked::Exited),
        }
    }
}

/// Why no answer came.
enum Asked {
    Timeout,
    Exited,
    Broken(String),
}

/// Parses an answer line for `article`: `{"id": …, "spans": [ … ]}`.
fn parse_answer(answer: &[u8], article: &Article) -> Result<Vec<Span>, String> {
    let text = std::str::from_utf8(answer).map_err(|_| "the answer is not UTF-8".to_string())?;
    let value: Value = serde_json::from_str(text.trim_end()).map_err(|e| format!("not JSON ({e}): {}", preview(text)))?;
    let id = value.get("id").and_then(Value::as_str).ok_or_else(|| format!("no string `id` in {}", preview(text)))?;
    if id != article.id {
        return Err(format!("answer for article `{id}` while waiting for `{}`", article.id));
    }
    let spans = value.get("spans").and_then(Value::as_array).ok_or_else(|| format!("no `spans` array in {}", preview(text)))?;
    let mut out = Vec::with_capacity(spans.len());
    for (k, span) in spans.iter().enumerate() {
        let mut span = span.clone();
        match span.as_object_mut() {
            Some(object) => {
                object.entry("article_id").or_insert_with(|| Value::String(article.id.clone()));
            }
            None => return Err(format!("span {k} is not an object")),
        }
        let (span, _) = parse_span(&span.to_string(), crate::model::DEFAULT_LAYER, None).map_err(|e| format!("span {k}: {e}"))?;
        if span.article_id != article.id {
            return Err(format!("span {k} names article `{}`", span.article_id));
        }
        out.push(span);
    }
    Ok(out)
}

fn preview(text: &str) -> String {
    let short: String = text.trim_end().chars().take(80).collect();
    if short.chars().count() < text.trim_end().chars().count() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
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
        let mut worker = self.acquire()?;
        match self.ask(&mut worker, article) {
            Ok(answer) => match parse_answer(&answer, article) {
                Ok(spans) => {
                    self.release(worker);
                    Ok(spans)
                }
                // A bad answer may leave the process out of step with its requests: restart it.
                Err(message) => Err(self.fail(worker, |tail| ExtractError::Malformed(format!("{message}{tail}")))),
            },
            Err(Asked::Timeout) => {
                let secs = self.spec.timeout.as_secs_f64();
                Err(self.fail(worker, |_| ExtractError::Timeout { secs }))
            }
            Err(Asked::Exited) => Err(self.fail(worker, |tail| ExtractError::Crashed(format!("the process exited without answering{tail}")))),
            Err(Asked::Broken(error)) => Err(self.fail(worker, |tail| ExtractError::Crashed(format!("reading its output: {error}{tail}")))),
        }
    }
}

impl Drop for CommandExtractor {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            for mut worker in pool.idle.drain(..) {
                // Closing stdin asks a well-behaved worker to exit; then make sure it did.
                drop(std::mem::replace(&mut worker.requests, channel().0));
                thread::sleep(Duration::from_millis(10));
                worker.kill();
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
    fn a_missing_program_is_reported_at_start() {
        let mut bad = spec("", 100);
        bad.command = vec!["/nonexistent/extractor".into()];
        assert!(CommandExtractor::start(bad).err().unwrap().contains("cannot start `/nonexistent/extractor`"));
    }
}
