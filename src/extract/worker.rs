//! One running external-extractor process and the threads that talk to it, built so that no
//! misbehaviour of the process can take mizan down with it:
//!
//! - a process that exits or closes its stdin while mizan writes an article would raise
//!   SIGPIPE, whose default action ends mizan (exit 141, no report). While any worker exists
//!   SIGPIPE is ignored for the whole process ([`SigpipeIgnored`]), so the write fails with
//!   EPIPE instead and only that article fails;
//! - each process is the leader of its own process group, and the whole group is killed when
//!   the worker is dropped, so children it started (`sleep 1000 &`) do not outlive the run;
//! - a waiter thread reports the process's exit as soon as it happens, so an exit reads as a
//!   crash even while a child still holds the output pipe open;
//! - an answer line is bounded ([`max_line_bytes`]), and so is each kept line of stderr.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::extract::command::CommandSpec;
use crate::load::{max_line_bytes, LineLimit, LineTooLong};

/// How many lines of a worker's stderr are kept for error messages.
const STDERR_LINES: usize = 20;
/// How many bytes of one stderr line are kept.
const STDERR_LINE_BYTES: usize = 1000;

/// What the threads around a process heard, in the order they heard it.
#[derive(Debug)]
pub(crate) enum Heard {
    /// One answer line, newline included.
    Line(Vec<u8>),
    /// An answer line grew past the limit (bytes).
    TooLong(usize),
    /// Reading stdout failed.
    ReadFailed(std::io::Error),
    /// Writing an article to stdin failed: the process stopped reading.
    WriteFailed(std::io::Error),
    /// stdout was closed.
    Eof,
    /// The process itself exited.
    Exited(ExitStatus),
}

/// One running process, leader of its own process group.
pub(crate) struct Worker {
    pid: u32,
    requests: Option<Sender<Vec<u8>>>,
    heard: Receiver<Heard>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    /// Set when stderr reaches its end.
    stderr_closed: Arc<AtomicBool>,
    _sigpipe: SigpipeIgnored,
}

impl Worker {
    pub(crate) fn start(spec: &CommandSpec) -> Result<Worker, String> {
        let (program, args) = spec.command.split_first().ok_or("`command` is empty")?;
        let sigpipe = SigpipeIgnored::hold();
        let mut command = Command::new(program);
        command.args(args).envs(&spec.env).current_dir(&spec.dir).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().map_err(|e| format!("cannot start `{}` in {}: {e}", spec.command.join(" "), spec.dir.display()))?;
        let (stdin, stdout, stderr) = match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
            (Some(i), Some(o), Some(e)) => (i, o, e),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the process has no stdin/stdout/stderr pipe".into());
            }
        };
        let pid = child.id();
        let (heard_tx, heard) = channel();
        // Writes go through a thread so that a process that stops reading cannot block mizan:
        // the timeout still fires, and killing the process unblocks the writer.
        let (requests, pending) = channel::<Vec<u8>>();
        let tell = heard_tx.clone();
        WRITERS.fetch_add(1, Ordering::SeqCst);
        thread::spawn(move || {
            write_requests(stdin, pending, tell);
            WRITERS.fetch_sub(1, Ordering::SeqCst);
        });
        let tell = heard_tx.clone();
        thread::spawn(move || read_answers(stdout, tell));
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail_writer = Arc::clone(&tail);
        let stderr_closed = Arc::new(AtomicBool::new(false));
        let closed = Arc::clone(&stderr_closed);
        thread::spawn(move || {
            keep_stderr_tail(stderr, tail_writer);
            closed.store(true, Ordering::SeqCst);
        });
        // The waiter owns the child and reaps it, so an exit is heard even while a grandchild
        // keeps stdout open, and no zombie is left behind.
        thread::spawn(move || {
            if let Ok(status) = child.wait() {
                let _ = heard_tx.send(Heard::Exited(status));
            }
        });
        Ok(Worker { pid, requests: Some(requests), heard, stderr: tail, stderr_closed, _sigpipe: sigpipe })
    }

    /// Queues one request line; `false` when the writer has already given up.
    pub(crate) fn send(&self, line: Vec<u8>) -> bool {
        self.requests.as_ref().is_some_and(|r| r.send(line).is_ok())
    }

    /// Waits for the next thing heard, until `deadline`.
    pub(crate) fn next(&self, deadline: Instant) -> Option<Heard> {
        self.heard.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()
    }

    /// Kills the process group now (dropping the worker does too).
    pub(crate) fn kill(&self) {
        kill_group(self.pid);
    }

    pub(crate) fn stderr_tail(&self) -> String {
        // Give the stderr reader a moment to catch the last words of a dying process: until
        // stderr closes, at most 50 ms (a child may hold it open).
        let deadline = Instant::now() + Duration::from_millis(50);
        while !self.stderr_closed.load(Ordering::SeqCst) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(1));
        }
        let lines = self.stderr.lock().map(|t| t.iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
        if lines.is_empty() {
            String::new()
        } else {
            format!("; stderr: {}", lines.join(" | "))
        }
    }

    /// Closes stdin, which asks a well-behaved worker to exit, and gives it `grace` to do so
    /// before the group is killed on drop.
    pub(crate) fn close(mut self, grace: Duration) {
        self.requests = None;
        let deadline = Instant::now() + grace;
        while let Some(heard) = self.next(deadline) {
            if matches!(heard, Heard::Exited(_)) {
                break;
            }
        }
    }
}

impl Drop for Worker {
    /// Kills the whole process group: the process and every child it started.
    fn drop(&mut self) {
        self.requests = None;
        kill_group(self.pid);
    }
}

#[cfg(unix)]
fn kill_group(pid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: kill(2) with a negative pid signals the process group `pid` leads; it has
        // no memory effects. The group exists as long as any of its members does.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}

/// Describes how a process ended, for error messages.
pub(crate) fn describe_exit(status: &ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(status) {
        return format!("killed by signal {signal}");
    }
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => "no exit code".into(),
    }
}

fn write_requests(mut stdin: ChildStdin, pending: Receiver<Vec<u8>>, tell: Sender<Heard>) {
    for request in pending {
        if let Err(error) = stdin.write_all(&request).and_then(|_| stdin.flush()) {
            let _ = tell.send(Heard::WriteFailed(error));
            return;
        }
    }
}

fn read_answers(stdout: impl Read, tell: Sender<Heard>) {
    let limit = max_line_bytes();
    let mut reader = LineLimit::new(BufReader::with_capacity(1 << 16, stdout), "stdout", limit);
    loop {
        let mut line = Vec::new();
        let heard = match reader.read_until(b'\n', &mut line) {
            Ok(0) => Heard::Eof,
            Ok(_) => Heard::Line(line),
            Err(error) if LineTooLong::inside(&error).is_some() => Heard::TooLong(limit),
            Err(error) => Heard::ReadFailed(error),
        };
        let last = !matches!(heard, Heard::Line(_));
        if tell.send(heard).is_err() || last {
            return;
        }
    }
}

/// Keeps the last lines of stderr, each cut to a bounded length; the rest is read and dropped.
fn keep_stderr_tail(stderr: impl Read, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut reader = BufReader::new(stderr);
    loop {
        let mut kept = Vec::new();
        let mut cut = false;
        loop {
            let (used, ends) = match reader.fill_buf() {
                Ok([]) | Err(_) => return,
                Ok(buffer) => {
                    let end = buffer.iter().position(|&b| b == b'\n');
                    let used = end.map_or(buffer.len(), |e| e + 1);
                    let room = STDERR_LINE_BYTES.saturating_sub(kept.len());
                    let content = &buffer[..end.unwrap_or(buffer.len())];
                    cut |= content.len() > room;
                    kept.extend_from_slice(&content[..content.len().min(room)]);
                    (used, end.is_some())
                }
            };
            reader.consume(used);
            if ends {
                break;
            }
        }
        let mut line = String::from_utf8_lossy(&kept).trim_end_matches('\r').to_string();
        if cut {
            line.push('…');
        }
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
        }
    }
}

/// Writer threads still running: while one may still write to a dead process, SIGPIPE must
/// stay ignored.
static WRITERS: AtomicUsize = AtomicUsize::new(0);

/// How many workers hold SIGPIPE ignored, and the disposition to restore after the last.
static SIGPIPE_HOLDERS: Mutex<(usize, usize)> = Mutex::new((0, 0));

/// Ignores SIGPIPE while at least one value of this type exists. mizan's binary restores the
/// default disposition at start so that `mizan score | head` ends quietly; that default would
/// end the whole run when a worker exits while an article is being written to it. The last
/// holder restores the earlier disposition once every writer thread has finished (waiting up to
/// two seconds; a writer still blocked then keeps SIGPIPE ignored for the rest of the process).
pub(crate) struct SigpipeIgnored;

impl SigpipeIgnored {
    pub(crate) fn hold() -> SigpipeIgnored {
        if let Ok(mut holders) = SIGPIPE_HOLDERS.lock() {
            if holders.0 == 0 {
                holders.1 = set_sigpipe(None);
            }
            holders.0 += 1;
        }
        SigpipeIgnored
    }
}

impl Drop for SigpipeIgnored {
    fn drop(&mut self) {
        let Ok(mut holders) = SIGPIPE_HOLDERS.lock() else { return };
        holders.0 = holders.0.saturating_sub(1);
        if holders.0 > 0 {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while WRITERS.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        if WRITERS.load(Ordering::SeqCst) == 0 {
            set_sigpipe(Some(holders.1));
        }
    }
}

/// Sets SIGPIPE to be ignored (`None`) or back to an earlier disposition; returns the one it
/// replaced.
#[cfg(unix)]
fn set_sigpipe(restore: Option<usize>) -> usize {
    let handler = restore.map_or(libc::SIG_IGN, |h| h as libc::sighandler_t);
    // SAFETY: signal(2) only changes the disposition of SIGPIPE; the handlers set are
    // SIG_IGN or the one that was in place before.
    unsafe { libc::signal(libc::SIGPIPE, handler) as usize }
}

#[cfg(not(unix))]
fn set_sigpipe(_restore: Option<usize>) -> usize {
    0
}
