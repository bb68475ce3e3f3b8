//! Finding lines and one-byte delimiters 64 bytes at a time. Each 64-byte window becomes two
//! bit masks (newlines, delimiters), computed eight bytes per word with exact zero-byte tests,
//! and the line loop then walks only the set bits: a line's field count is how many delimiter
//! bits it holds, its last two fields lie after its last two. No byte is looked at twice and
//! nothing depends on the machine having vector instructions.

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;

/// Where a line's delimiters are: enough to give Perl's field count and the last two fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout {
    /// The line is `block[start..end]`, its newline at `end`.
    pub start: usize,
    pub end: usize,
    /// Delimiter bytes in the line.
    pub delimiters: usize,
    /// The last and the second-to-last delimiter's offsets (meaningful when there are that many).
    pub last: usize,
    pub second: usize,
}

/// One bit per byte of `word` (bit k for byte k), set where the byte equals the byte that
/// `pattern` repeats.
#[inline(always)]
fn equal_bits(word: u64, pattern: u64) -> u64 {
    let x = word ^ pattern;
    // The high bit of each byte of `nonzero` is set exactly when that byte of `x` is not 0.
    let nonzero = ((x & LOW7) + LOW7) | x;
    let zero = !nonzero & HIGH;
    (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The newline mask and the delimiter mask of a 64-byte window.
#[inline(always)]
fn masks(window: &[u8; 64], newline: u64, delimiter: u64) -> (u64, u64) {
    let (mut lines, mut fields) = (0, 0);
    for (k, word) in window.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        lines |= equal_bits(word, newline) << (8 * k);
        fields |= equal_bits(word, delimiter) << (8 * k);
    }
    (lines, fields)
}

/// Calls `line` with the layout of every line of `block` that ends with a newline, in order;
/// returns the bytes those lines took (the rest is an unfinished line).
#[inline]
pub(super) fn lines<E>(block: &[u8], delimiter: u8, mut line: impl FnMut(Layout) -> Result<(), E>) -> Result<usize, E> {
    let (newline, pattern) = (ONES * u64::from(b'\n'), ONES * u64::from(delimiter));
    let mut current = Layout { start: 0, end: 0, delimiters: 0, last: 0, second: 0 };
    let mut windows = block.chunks_exact(64);
    let mut base = 0;
    let mut walk = |lines: u64, fields: u64, base: usize, current: &mut Layout| -> Result<(), E> {
        let mut bits = lines | fields;
        while bits != 0 {
            let bit = bits.trailing_zeros();
            let at = base + bit as usize;
            if lines >> bit & 1 == 1 {
                current.end = at;
                line(*current)?;
                *current = Layout { start: at + 1, end: 0, delimiters: 0, last: 0, second: 0 };
            } else {
                current.delimiters += 1;
                current.second = current.last;
                current.last = at;
            }
            bits &= bits - 1;
        }
        Ok(())
    };
    for window in &mut windows {
        let (lines, fields) = masks(window.try_into().unwrap_or(&[0; 64]), newline, pattern);
        walk(lines, fields, base, &mut current)?;
        base += 64;
    }
    let rest = windows.remainder();
    if !rest.is_empty() {
        // Padding that is neither a newline nor the delimiter.
        let mut window = [if delimiter == 0 { 1 } else { 0 }; 64];
        window[..rest.len()].copy_from_slice(rest);
        let (lines, fields) = masks(&window, newline, pattern);
        walk(lines, fields, base, &mut current)?;
    }
    Ok(current.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_match_a_byte_by_byte_scan() {
        let mut rng = crate::random::Rng::new(5);
        for len in 0..300 {
            for delimiter in [b' ', b'\t', 0, 0xff] {
                let alphabet = [b'\n', delimiter, b'a', 0x80, 0, 1, b' '];
                let block: Vec<u8> = (0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect();
                // What a layout means: the line, its delimiter count, its last two delimiters.
                let meaning = |l: Layout| (l.start, l.end, l.delimiters, (l.delimiters >= 1).then_some(l.last), (l.delimiters >= 2).then_some(l.second));
                let mut got = Vec::new();
                let used = lines(&block, delimiter, |layout| {
                    got.push(meaning(layout));
                    Ok::<(), ()>(())
                })
                .expect("never fails");
                let mut expected = Vec::new();
                let mut start = 0;
                for (end, _) in block.iter().enumerate().filter(|(_, &b)| b == b'\n') {
                    let positions: Vec<usize> = (start..end).filter(|&k| block[k] == delimiter).collect();
                    let n = positions.len();
                    expected.push((start, end, n, positions.last().copied(), (n >= 2).then(|| positions[n - 2])));
                    start = end + 1;
                }
                assert_eq!(got, expected, "{block:?} / {delimiter}");
                assert_eq!(used, start);
            }
        }
    }
}
