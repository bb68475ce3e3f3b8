//! Counting one file on several cores. conlleval.pl's state after a blank line is the same
//! whatever came before it (both columns outside, no type), except for one flag — whether a
//! correct phrase is still open, which odd tags such as `.`-prefixed ones can carry across a
//! sentence break. So the file is cut right after blank lines near equal shares, each part is
//! counted on its own thread from positioned reads into its own fixed buffer (memory stays
//! flat: a few blocks, whatever the file's size), and the counts are added up. A part that
//! follows one that ended with that flag set is counted again, serially, starting with it
//! set, so that the sum is exactly the sequential count in every case.

use std::fs::File;
use std::path::Path;

use memchr::memmem;

use super::counts::ConllevalResult;
use super::evaluate::{add_up, count_blocks, evaluate_reader, ConllevalError, ConllevalOptions, Halt, Part, BLOCK};

/// Parts smaller than this are not worth a thread of their own.
const MIN_PART: u64 = 1 << 20;

/// Input that can be read at any offset from several threads at once.
pub(super) trait Source: Sync {
    fn size(&self) -> u64;
    /// Reads into `buffer` from `offset`; fewer bytes than asked (0 at the end) are allowed.
    fn read_at(&self, offset: u64, buffer: &mut [u8]) -> std::io::Result<usize>;
}

impl Source for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&self, offset: u64, buffer: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.get(offset as usize..).unwrap_or_default();
        let n = rest.len().min(buffer.len());
        buffer[..n].copy_from_slice(&rest[..n]);
        Ok(n)
    }
}

/// A regular file and its size when it was opened.
struct FileSource<'a>(&'a File, u64);

impl Source for FileSource<'_> {
    fn size(&self) -> u64 {
        self.1
    }

    #[cfg(unix)]
    fn read_at(&self, offset: u64, buffer: &mut [u8]) -> std::io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(self.0, buffer, offset)
    }

    #[cfg(windows)]
    fn read_at(&self, offset: u64, buffer: &mut [u8]) -> std::io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(self.0, buffer, offset)
    }
}

/// Scores an open file, counting parts of it on up to `jobs` threads when it is a regular
/// file of a few megabytes or more (the result is exactly [`evaluate_reader`]'s); `name`
/// names it in errors, `limit` bounds its lines. Other files (pipes, devices) are streamed.
pub fn evaluate_file(file: &File, name: &Path, limit: usize, jobs: usize, options: &ConllevalOptions) -> Result<ConllevalResult, ConllevalError> {
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return evaluate_reader(file, name, limit, options);
    }
    evaluate_parts(&FileSource(file, metadata.len()), name, limit, jobs, MIN_PART, options)
}

/// Scores input held in memory on up to `jobs` threads, cutting it after blank lines however
/// small the parts get (lines are not bounded). Gives exactly [`evaluate`](super::evaluate)'s result.
pub fn evaluate_bytes(input: &[u8], jobs: usize, options: &ConllevalOptions) -> Result<ConllevalResult, ConllevalError> {
    evaluate_parts(&input, Path::new("<input>"), usize::MAX, jobs, 0, options)
}

fn evaluate_parts(
    source: &dyn Source,
    name: &Path,
    limit: usize,
    jobs: usize,
    min_part: u64,
    options: &ConllevalOptions,
) -> Result<ConllevalResult, ConllevalError> {
    let delimiter = options.compile()?;
    let size = source.size();
    let starts = part_starts(source, jobs, min_part)?;
    let ranges: Vec<(u64, u64)> = starts.iter().zip(starts.iter().skip(1).chain([&size])).map(|(&start, &end)| (start, end)).collect();
    let run = |(start, end): (u64, u64), in_correct: bool| -> std::io::Result<Part> {
        let mut counter = options.counter(&delimiter, limit, in_correct);
        let mut at = start;
        let halt = count_blocks(&mut counter, |buffer| {
            let want = buffer.len().min((end - at) as usize);
            if want == 0 {
                return Ok(0);
            }
            let n = source.read_at(at, &mut buffer[..want])?;
            at += n as u64;
            Ok(n)
        });
        match halt {
            Ok(()) => Ok(Part { partial: counter.finish(), stop: None }),
            Err(Halt::Stop(stop)) => Ok(Part { partial: counter.finish(), stop: Some(stop) }),
            Err(Halt::Io(error)) => Err(error),
        }
    };
    let run = &run;
    let counted: Vec<std::io::Result<Part>> = std::thread::scope(|scope| {
        let others: Vec<_> = ranges[1..].iter().map(|&range| scope.spawn(move || run(range, false))).collect();
        let first = run(ranges[0], false);
        std::iter::once(first).chain(others.into_iter().map(|thread| thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))).collect()
    });
    let mut parts = counted.into_iter().collect::<std::io::Result<Vec<Part>>>()?;
    for k in 1..parts.len() {
        if parts[k - 1].stop.is_some() {
            break;
        }
        if parts[k - 1].partial.open_correct.is_some() {
            parts[k] = run(ranges[k], true)?;
        }
    }
    add_up(parts).map_err(|stop| ConllevalError::at(stop, name, limit))
}

/// Where the parts begin: 0, then for each further job the line after the first blank line
/// at or past its share of the input (looking no further than about one more share, so that
/// input without blank lines is not scanned twice). Fewer parts when blank lines are missing.
pub(super) fn part_starts(source: &dyn Source, jobs: usize, min_part: u64) -> std::io::Result<Vec<u64>> {
    let size = source.size();
    let jobs = size.checked_div(min_part).map_or(jobs, |parts| jobs.min(parts as usize)) as u64;
    let mut starts = vec![0];
    if jobs < 2 {
        return Ok(starts);
    }
    let share = size.div_ceil(jobs);
    let mut window = vec![0u8; 64 << 10];
    for k in 1..jobs {
        let last = starts[starts.len() - 1];
        let from = (share * k).max(last + 1);
        let until = size.min(from + share.max(BLOCK as u64));
        if let Some(start) = blank_line_end(source, from - 1, until, &mut window)? {
            if start > last && start < size {
                starts.push(start);
            }
        }
    }
    Ok(starts)
}

/// The offset just past the first empty line whose newline lies in `at + 1..until`.
fn blank_line_end(source: &dyn Source, mut at: u64, until: u64, window: &mut [u8]) -> std::io::Result<Option<u64>> {
    while at + 1 < until {
        let want = ((until - at) as usize).min(window.len());
        let n = source.read_at(at, &mut window[..want])?;
        if n < 2 {
            return Ok(None);
        }
        if let Some(pair) = memmem::find(&window[..n], b"\n\n") {
            return Ok(Some(at + pair as u64 + 2));
        }
        // The next window overlaps this one by a byte, so a pair across them is found.
        at += n as u64 - 1;
    }
    Ok(None)
}
