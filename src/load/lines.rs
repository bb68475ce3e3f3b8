//! Line-by-line reading of text inputs (JSONL, CoNLL) that tolerates what real files carry —
//! a UTF-8 byte-order mark, CRLF line ends, blank lines — and reports invalid UTF-8 with its
//! line number instead of failing the whole file. Reading streams: one line in memory at a time.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::load::{Diagnostics, LoadError};
use crate::progress::Progress;

/// One line of input, with its 1-based number. `text` is `None` when the line is not UTF-8.
pub struct Line {
    pub number: usize,
    pub text: Option<String>,
    /// Bytes read so far, for progress reporting.
    pub bytes_read: u64,
}

/// Iterates over the lines of a file, stripping a leading BOM and the line end (`\n` or
/// `\r\n`).
pub struct Lines<R> {
    reader: R,
    buffer: Vec<u8>,
    number: usize,
    bytes_read: u64,
}

impl Lines<BufReader<File>> {
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        let file = File::open(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
        Ok(Lines::new(BufReader::with_capacity(1 << 16, file)))
    }
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Lines { reader, buffer: Vec::new(), number: 0, bytes_read: 0 }
    }

    /// The next line, `Ok(None)` at the end of input.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        self.buffer.clear();
        let read = self.reader.read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        self.bytes_read += read as u64;
        let mut bytes: &[u8] = &self.buffer;
        if self.number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).ok().map(str::to_owned);
        Ok(Some(Line { number: self.number, text, bytes_read: self.bytes_read }))
    }
}

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
    let mut lines = Lines::open(path)?;
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    while let Some(line) = lines.next_line().map_err(io)? {
        progress.position(line.bytes_read);
        let number = Some(line.number);
        let Some(text) = line.text else {
            diagnostics.error(path, number, "invalid UTF-8 on this line; re-encode the file as UTF-8");
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match parse(&text) {
            Ok((value, warnings)) => {
                for warning in warnings {
                    diagnostics.warning(path, number, warning);
                }
                keep(value, line.number);
            }
            Err(message) => diagnostics.error(path, number, message),
        }
    }
    Ok(())
}

/// Reads a whole text file, stripping a BOM. Invalid UTF-8 yields the 1-based line of the
/// first bad byte.
pub fn read_text(path: &Path) -> Result<Result<String, usize>, LoadError> {
    let mut bytes = Vec::new();
    File::open(path).and_then(|mut file| file.read_to_end(&mut bytes)).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
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
        let mut lines = Lines::new(input);
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
}
