//! Line-by-line reading of text inputs (JSONL, CoNLL) that tolerates what real files carry —
//! a UTF-8 byte-order mark, CRLF line ends, blank lines — and reports invalid UTF-8 with its
//! line number instead of failing the whole file. Reading streams: one line in memory at a time,
//! and that line is bounded ([`LineLimit`]): `/dev/zero` given as an input stops with
//! `path:line: line longer than N bytes` instead of growing until the machine runs out of memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::load::{Diagnostics, LoadError};
use crate::progress::Progress;

/// One line of input, with its 1-based number. `text` is `None` when the line is not UTF-8.
pub struct Line {
    pub number: usize,
    pub text: Option<String>,
    /// Bytes read so far, for progress reporting.
    pub bytes_read: u64,
}

/// A [`Line`] that borrows its text from the reader.
pub struct BorrowedLine<'a> {
    pub number: usize,
    pub text: Option<&'a str>,
    pub bytes_read: u64,
}

/// The longest line any reader accepts unless `MIZAN_MAX_LINE_BYTES` says otherwise: 64 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 << 20;

/// The environment variable that sets the longest line accepted (a number of bytes).
pub const MAX_LINE_ENV: &str = "MIZAN_MAX_LINE_BYTES";

/// The longest line accepted: `MIZAN_MAX_LINE_BYTES` when it holds a positive number, else
/// [`DEFAULT_MAX_LINE_BYTES`]. The same bound applies to a `.txt` article file as a whole and
/// to each answer line of an external extractor.
pub fn max_line_bytes() -> usize {
    std::env::var(MAX_LINE_ENV).ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0).unwrap_or(DEFAULT_MAX_LINE_BYTES)
}

/// A line (or a whole `.txt` article) longer than the limit. It travels inside an
/// `std::io::Error` of kind `InvalidData`, so that every reader stops on it the way it stops on
/// any read error, and its message is already `path:line: …`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: line longer than {limit} bytes; split the input into shorter lines, or raise the limit with {MAX_LINE_ENV}=BYTES", path.display())]
pub struct LineTooLong {
    pub path: PathBuf,
    pub line: usize,
    pub limit: usize,
}

impl LineTooLong {
    /// The `LineTooLong` inside an I/O error, if that is what it carries.
    pub fn inside(error: &std::io::Error) -> Option<&LineTooLong> {
        error.get_ref().and_then(|inner| inner.downcast_ref::<LineTooLong>())
    }
}

/// A `BufRead` that fails with [`LineTooLong`] as soon as a line grows past `limit` bytes
/// (the newline not counted), so that `read_until` and friends on top of it hold at most
/// `limit` bytes of one line. It hands out at most one line per `fill_buf`.
pub struct LineLimit<R> {
    inner: R,
    path: PathBuf,
    limit: usize,
    /// Bytes of the current line consumed so far.
    current: usize,
    /// 1-based number of the current line.
    line: usize,
    /// What the last `fill_buf` handed out: its length and whether it ends a line.
    offered: (usize, bool),
}

impl<R: BufRead> LineLimit<R> {
    /// Bounds `inner`'s lines by `limit` bytes; `path` names the input in the error.
    pub fn new(inner: R, path: impl Into<PathBuf>, limit: usize) -> Self {
        LineLimit { inner, path: path.into(), limit, current: 0, line: 1, offered: (0, false) }
    }
}

impl<R: BufRead> LineLimit<R> {
    /// What the last `fill_buf` handed out, again, without looking for the line's end twice.
    fn offered_again(&mut self) -> std::io::Result<&[u8]> {
        let end = self.offered.0;
        Ok(&self.inner.fill_buf()?[..end])
    }
}

impl<R: BufRead> Read for LineLimit<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineLimit<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let (current, limit) = (self.current, self.limit);
        let buffer = self.inner.fill_buf()?;
        let (end, ends_line) = match memchr::memchr(b'\n', buffer) {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        if current + end - usize::from(ends_line) > limit {
            let error = LineTooLong { path: self.path.clone(), line: self.line, limit };
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, error));
        }
        self.offered = (end, ends_line);
        Ok(&buffer[..end])
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        if self.offered.1 && n == self.offered.0 && n > 0 {
            self.current = 0;
            self.line += 1;
            self.offered = (0, false);
        } else {
            self.current += n;
            self.offered = (self.offered.0.saturating_sub(n), self.offered.1);
        }
    }
}

/// Iterates over the lines of a file, stripping a leading BOM and the line end (`\n` or
/// `\r\n`). Lines are bounded by [`max_line_bytes`].
pub struct Lines<R> {
    reader: LineLimit<R>,
    buffer: Vec<u8>,
    /// Bytes of the reader's buffer the last line was borrowed from, consumed on the next read.
    unconsumed: usize,
    number: usize,
    bytes_read: u64,
}

impl Lines<BufReader<File>> {
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let file = File::open(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
        Ok(Lines::new(BufReader::with_capacity(1 << 16, file), path))
    }
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`, which `path` names in errors.
    pub fn new(reader: R, path: impl Into<PathBuf>) -> Self {
        Lines::with_limit(reader, path, max_line_bytes())
    }

    pub fn with_limit(reader: R, path: impl Into<PathBuf>, limit: usize) -> Self {
        Lines { reader: LineLimit::new(reader, path, limit), buffer: Vec::new(), unconsumed: 0, number: 0, bytes_read: 0 }
    }

    /// The next line, `Ok(None)` at the end of input.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        Ok(self.next_borrowed()?.map(|line| Line { number: line.number, text: line.text.map(str::to_owned), bytes_read: line.bytes_read }))
    }

    /// The next line borrowed from the reader's buffer, for readers that parse it in place.
    pub fn next_borrowed(&mut self) -> std::io::Result<Option<BorrowedLine<'_>>> {
        self.reader.consume(std::mem::take(&mut self.unconsumed));
        self.buffer.clear();
        // `LineLimit` hands out at most one line at a time, found with `memchr`: a line that
        // lies whole in the reader's buffer is read from there, consumed on the next call; one
        // that crosses the buffer's end is gathered in `buffer`.
        let mut read = 0;
        let whole = loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            let (len, ends_line) = (chunk.len(), chunk.last() == Some(&b'\n'));
            if len == 0 {
                break false;
            }
            read += len;
            if ends_line && self.buffer.is_empty() {
                self.unconsumed = len;
                break true;
            }
            self.buffer.extend_from_slice(chunk);
            self.reader.consume(len);
            if ends_line {
                break false;
            }
        };
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        self.bytes_read += read as u64;
        let mut bytes: &[u8] = if whole { self.reader.offered_again()? } else { &self.buffer };
        if self.number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = utf8(bytes);
        Ok(Some(BorrowedLine { number: self.number, text, bytes_read: self.bytes_read }))
    }
}

/// `bytes` as text when they are UTF-8: the same answer as `std::str::from_utf8(..).ok()`,
/// validated with SIMD instructions (Arabic text is mostly two-byte characters, which the
/// standard library checks one at a time).
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// Why `path` cannot be opened when it does not resolve to anything: a missing path, a symbolic
/// link pointing at itself (a loop), or one whose target is gone.
pub fn missing_path_message(path: &Path) -> String {
    let loops = |e: &std::io::Error| cfg!(unix) && e.raw_os_error() == Some(ELOOP);
    match (std::fs::symlink_metadata(path), std::fs::metadata(path)) {
        (_, Err(error)) if loops(&error) => "a loop of symbolic links (the link leads back to itself); point it at the real file".into(),
        (Ok(link), Err(_)) if link.file_type().is_symlink() => match std::fs::read_link(path) {
            Ok(target) => format!("a symbolic link to {}, which does not exist; fix the link", target.display()),
            Err(_) => "a broken symbolic link; fix the link".into(),
        },
        _ => "no such file or folder".into(),
    }
}

#[cfg(unix)]
const ELOOP: i32 = libc::ELOOP;
#[cfg(not(unix))]
const ELOOP: i32 = -1;

/// Reads a JSON Lines file record by record: `parse` turns a non-blank line into a value and
/// its warnings, or says why it cannot. Every problem is reported with the file and line
/// (invalid UTF-8 included) and the line skipped; `keep` receives each parsed value with its
/// line number.
pub fn read_records<T>(
    path: &Path,
    diagnostics: &mut Diagnostics,
    progress: &dyn Progress,
    parse: impl Fn(&str) -> Result<(T, Vec<String>), String>,
    mut keep: impl FnMut(T, usize),
) -> Result<(), LoadError> {
    let mut records = Records::open(path)?;
    while let Some((value, line)) = records.next(diagnostics, progress, &parse)? {
        keep(value, line);
    }
    Ok(())
}

/// The records of a JSON Lines file pulled one at a time, as [`read_records`] reads them: for a
/// reader that takes a few records from one file, then from another (`validate` reading the
/// articles and their spans side by side).
pub struct Records<R> {
    path: PathBuf,
    lines: Lines<R>,
}

impl Records<BufReader<File>> {
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        Ok(Records { path: path.to_path_buf(), lines: Lines::open(path)? })
    }
}

impl<R: BufRead> Records<R> {
    /// The next record that parses, with its line number; problems on the lines before it go
    /// into `diagnostics`. `Ok(None)` at the end of the file.
    pub fn next<T>(
        &mut self,
        diagnostics: &mut Diagnostics,
        progress: &dyn Progress,
        parse: impl Fn(&str) -> Result<(T, Vec<String>), String>,
    ) -> Result<Option<(T, usize)>, LoadError> {
        let path = self.path.as_path();
        let io = |source| LoadError::Io { path: path.to_path_buf(), source };
        while let Some(line) = self.lines.next_borrowed().map_err(io)? {
            progress.position(line.bytes_read);
            let number = Some(line.number);
            let Some(text) = line.text else {
                diagnostics.error(path, number, "invalid UTF-8 on this line; re-encode the file as UTF-8");
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            match parse(text) {
                Ok((value, warnings)) => {
                    for warning in warnings {
                        diagnostics.warning(path, number, warning);
                    }
                    return Ok(Some((value, line.number)));
                }
                Err(message) => diagnostics.error(path, number, message),
            }
        }
        Ok(None)
    }
}

/// Reads a small text file whole (a manifest, a registry), bounded like a line: a file larger
/// than [`max_line_bytes`] or not UTF-8 is refused.
pub fn read_bounded_text(path: &Path) -> Result<String, LoadError> {
    match read_text(path) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(line)) => Err(LoadError::Unusable { path: path.to_path_buf(), message: format!("invalid UTF-8 at line {line}; re-encode the file as UTF-8") }),
        Err(LoadError::Unusable { path, message }) => Err(LoadError::Unusable { path, message: message.replacen("article file", "file", 1) }),
        Err(other) => Err(other),
    }
}

/// Reads a whole text file, stripping a BOM. Invalid UTF-8 yields the 1-based line of the
/// first bad byte. A file longer than [`max_line_bytes`] is refused after reading that much.
pub fn read_text(path: &Path) -> Result<Result<String, usize>, LoadError> {
    let limit = max_line_bytes();
    let mut bytes = Vec::new();
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    File::open(path).and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes)).map_err(io)?;
    if bytes.len() > limit {
        let line = 1 + bytes.iter().filter(|&&b| b == b'\n').count();
        return Err(LoadError::Unusable {
            path: path.to_path_buf(),
            message: format!("article file longer than {limit} bytes (at line {line}); split it, or raise the limit with {MAX_LINE_ENV}=BYTES"),
        });
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => Err(1 + body[..error.valid_up_to()].iter().filter(|&&b| b == b'\n').count()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(input: &[u8]) -> Vec<(usize, Option<String>)> {
        let mut lines = Lines::new(input, "t");
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push((line.number, line.text));
        }
        out
    }

    #[test]
    fn strips_bom_and_crlf_and_keeps_blank_lines() {
        let lines = all_lines(b"\xEF\xBB\xBFa\r\n\r\nb");
        assert_eq!(lines, vec![(1, Some("a".into())), (2, Some(String::new())), (3, Some("b".into()))]);
    }

    #[test]
    fn invalid_utf8_is_reported_per_line() {
        let lines = all_lines(b"ok\n\xFF\xFE\nok\n");
        assert_eq!(lines[1], (2, None));
        assert_eq!(lines[2], (3, Some("ok".into())));
    }

    #[cfg(unix)]
    #[test]
    fn missing_paths_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let looped = dir.path().join("loop");
        std::os::unix::fs::symlink(&looped, &looped).unwrap();
        assert!(missing_path_message(&looped).starts_with("a loop of symbolic links"));
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("gone.jsonl", &dangling).unwrap();
        assert_eq!(missing_path_message(&dangling), "a symbolic link to gone.jsonl, which does not exist; fix the link");
        assert_eq!(missing_path_message(&dir.path().join("nothing")), "no such file or folder");
    }

    #[test]
    fn a_line_past_the_limit_stops_with_its_number() {
        let mut lines = Lines::with_limit(&b"12345\n123456\n1234567\n"[..], "in.jsonl", 6);
        assert_eq!(lines.next_line().unwrap().unwrap().text.as_deref(), Some("12345"));
        assert_eq!(lines.next_line().unwrap().unwrap().text.as_deref(), Some("123456"));
        let error = lines.next_line().err().unwrap();
        assert_eq!(LineTooLong::inside(&error), Some(&LineTooLong { path: "in.jsonl".into(), line: 3, limit: 6 }));
        assert_eq!(
            error.to_string(),
            "in.jsonl:3: line longer than 6 bytes; split the input into shorter lines, or raise the limit with MIZAN_MAX_LINE_BYTES=BYTES"
        );
    }

    #[test]
    fn an_endless_line_is_refused_in_bounded_memory() {
        // An endless stream of zeros, as `/dev/zero` gives: the reader stops after `limit` bytes.
        let zeros = std::io::repeat(0).take(1 << 30);
        let mut lines = Lines::with_limit(BufReader::with_capacity(4096, zeros), "/dev/zero", 100_000);
        let error = lines.next_line().err().unwrap();
        assert_eq!(LineTooLong::inside(&error).map(|e| e.line), Some(1));
        assert!(lines.buffer.len() <= 100_000, "{}", lines.buffer.len());
    }

    #[test]
    fn the_limit_reads_through_small_buffers() {
        let text = "one\ntwo two\n\nthree\n".repeat(50);
        let mut lines = Lines::with_limit(BufReader::with_capacity(3, text.as_bytes()), "t", 7);
        let mut count = 0;
        while let Some(line) = lines.next_line().unwrap() {
            assert!(line.text.unwrap().len() <= 7);
            count += 1;
        }
        assert_eq!(count, 200);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

        /// Borrowed lines, whether they lie whole in the reader's buffer or cross its end: the
        /// input's lines (a byte-order mark, CRLF and a missing last newline included), each with
        /// the bytes read up to its end.
        #[test]
        fn borrowed_lines_across_buffer_ends(parts in proptest::collection::vec(proptest::prop_oneof![proptest::prelude::Just("\n"), proptest::prelude::Just("a"), proptest::prelude::Just("\r\n"), proptest::prelude::Just("ب")], 0..200), bom: bool, capacity in 1usize..40) {
            let input = format!("{}{}", if bom { "\u{FEFF}" } else { "" }, parts.concat());
            let mut lines = Lines::new(BufReader::with_capacity(capacity, input.as_bytes()), "p");
            let mut expected: Vec<&str> = input.split('\n').collect();
            if input.ends_with('\n') || input.is_empty() {
                expected.pop();
            }
            let mut ends = Vec::new();
            let mut at = 0;
            for line in &expected {
                at = (at + line.len() + 1).min(input.len());
                ends.push(at as u64);
            }
            if let Some(first) = expected.first_mut() {
                *first = first.strip_prefix('\u{FEFF}').unwrap_or(first);
            }
            let mut k = 0;
            while let Some(line) = lines.next_borrowed().unwrap() {
                proptest::prop_assert_eq!(line.number, k + 1);
                proptest::prop_assert_eq!(line.text, Some(expected[k].strip_suffix('\r').unwrap_or(expected[k])));
                proptest::prop_assert_eq!(line.bytes_read, ends[k]);
                k += 1;
            }
            proptest::prop_assert_eq!(k, expected.len());
        }

        /// Through any buffer size, the bounded reader gives back exactly the input's lines, or
        /// stops at the first line longer than the limit having kept none longer.
        #[test]
        fn bounded_lines_are_the_input_lines(input in proptest::collection::vec(proptest::prop_oneof![proptest::prelude::Just(b'\n'), proptest::prelude::Just(b'a'), proptest::prelude::Just(b'\r')], 0..300), capacity in 1usize..40, limit in 1usize..30) {
            let mut lines = Lines::with_limit(BufReader::with_capacity(capacity, &input[..]), "p", limit);
            let expected: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
            let mut k = 0;
            loop {
                match lines.next_line() {
                    Ok(Some(line)) => {
                        let text = line.text.unwrap();
                        proptest::prop_assert!(text.len() <= limit);
                        let want = expected[k].strip_suffix(b"\r").unwrap_or(expected[k]);
                        proptest::prop_assert_eq!(text.as_bytes(), want);
                        k += 1;
                    }
                    Ok(None) => {
                        proptest::prop_assert!(expected[k..].iter().all(|l| l.is_empty()));
                        break;
                    }
                    Err(error) => {
                        let too_long = LineTooLong::inside(&error).unwrap();
                        proptest::prop_assert_eq!(too_long.line, k + 1);
                        proptest::prop_assert!(expected[k].len() > limit);
                        break;
                    }
                }
            }
        }
    }
}
