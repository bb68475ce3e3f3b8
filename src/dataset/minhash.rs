//! Near-duplicate detection machinery shared by `dedupe` and `leakage`: texts as sets of
//! shingles, MinHash signatures, LSH banding to find candidate pairs, and the exact Jaccard
//! that verifies every candidate.
//!
//! Texts are first normalised with the `search` profile (diacritics, letter variants, digits,
//! invisible marks, whitespace), so that wire copy re-typed with or without harakat is one
//! text. Shingles are `k` consecutive words (default 3) or `k` consecutive characters. The
//! signature is one-permutation MinHash (Li, Owen and Zhang 2012) with densification by
//! rotation (Shrivastava and Li 2014): one hash per shingle instead of one per shingle and
//! permutation, which is what lets 200,000 articles be signed in seconds. Signatures are cut
//! into bands of `rows` values; two texts sharing a band are a candidate pair, and the number
//! of rows is chosen so that a pair at the threshold becomes a candidate with probability at
//! least 0.995. Candidates are then verified by exact Jaccard on the shingle sets, so what is
//! reported never rests on an estimate.

use rayon::prelude::*;

use crate::arabic::{normalize_with, Steps};
use crate::fingerprint::Fingerprint;
use crate::random::Rng;

/// Values in a signature.
pub const SIGNATURE_LEN: usize = 128;

/// What a shingle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shingles {
    Words(usize),
    Chars(usize),
}

/// A text prepared for comparison: its normalised form and its exact-duplicate key.
pub struct Prepared {
    pub normalized: String,
    /// Fingerprint of the normalised text.
    pub exact: u64,
}

/// Normalises texts (in parallel) for comparison.
pub fn prepare(texts: &[&str]) -> Vec<Prepared> {
    texts
        .par_iter()
        .map(|text| {
            let normalized = normalize_with(text, &Steps::SEARCH).text.trim().to_string();
            let exact = Fingerprint::new().add_str(&normalized).to_u64();
            Prepared { normalized, exact }
        })
        .collect()
}

/// The set of shingle hashes of a normalised text, sorted and without repeats. A text shorter
/// than one shingle is one shingle; an empty text has none.
pub fn shingle_set(text: &str, shingles: Shingles) -> Vec<u64> {
    let mix = |units: &[u64]| {
        let combined = units.iter().enumerate().fold(0u64, |h, (i, u)| h ^ u.rotate_left((i as u32 * 23) % 64));
        Rng::new(combined).next_u64()
    };
    let units: Vec<u64> = match shingles {
        Shingles::Words(_) => text.split_whitespace().map(|w| Fingerprint::new().add_str(w).to_u64()).collect(),
        Shingles::Chars(_) => text.chars().map(|c| u64::from(c) | 1 << 40).collect(),
    };
    let k = match shingles {
        Shingles::Words(k) | Shingles::Chars(k) => k.max(1),
    };
    let mut set: Vec<u64> = if units.is_empty() {
        Vec::new()
    } else if units.len() < k {
        vec![mix(&units)]
    } else {
        units.windows(k).map(mix).collect()
    };
    set.sort_unstable();
    set.dedup();
    set
}

/// Exact Jaccard similarity of two sorted shingle sets (1 for two empty sets).
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

/// One-permutation MinHash with rotation densification; `None` for an empty set.
pub fn signature(set: &[u64]) -> Option<[u32; SIGNATURE_LEN]> {
    if set.is_empty() {
        return None;
    }
    let mut bins = [u32::MAX; SIGNATURE_LEN];
    let mut filled = [false; SIGNATURE_LEN];
    for &h in set {
        let bin = (h >> 57) as usize;
        let value = (h >> 16) as u32;
        if !filled[bin] || value < bins[bin] {
            bins[bin] = value;
            filled[bin] = true;
        }
    }
    let mut out = bins;
    for (bin, slot) in out.iter_mut().enumerate() {
        if filled[bin] {
            continue;
        }
        // The next filled bin to the right, circularly, offset by the distance so that a
        // borrowed value differs from the original.
        let distance = (1..SIGNATURE_LEN).find(|d| filled[(bin + d) % SIGNATURE_LEN]).unwrap_or(0);
        *slot = bins[(bin + distance) % SIGNATURE_LEN].wrapping_add((distance as u32).wrapping_mul(0x9E37_79B9));
    }
    Some(out)
}

/// Rows per LSH band for a Jaccard threshold: the most rows (fewest spurious candidates) that
/// still make a pair at the threshold a candidate with probability at least 0.995.
pub fn rows_for(threshold: f64) -> usize {
    (1..=SIGNATURE_LEN)
        .rev()
        .find(|&rows| {
            let bands = (SIGNATURE_LEN / rows) as i32;
            1.0 - (1.0 - threshold.powi(rows as i32)).powi(bands) >= 0.995
        })
        .unwrap_or(1)
}

/// Pairs `(i, j)`, `i < j`, of signatures that share at least one band. With `split = Some(n)`,
/// only pairs with `i < n <= j` (one from each side: train and test). Sorted, no repeats.
pub fn candidate_pairs(signatures: &[Option<[u32; SIGNATURE_LEN]>], rows: usize, split: Option<usize>) -> Vec<(u32, u32)> {
    let bands = SIGNATURE_LEN / rows;
    let mut pairs: Vec<(u32, u32)> = (0..bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut keys: Vec<(u64, u32)> = signatures
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
                .map(|(i, s)| {
                    let values = &s[band * rows..(band + 1) * rows];
                    let key = values.iter().fold(band as u64, |h, &v| Rng::new(h ^ u64::from(v)).next_u64());
                    (key, i as u32)
                })
                .collect();
            keys.sort_unstable();
            let mut found = Vec::new();
            for run in keys.chunk_by(|a, b| a.0 == b.0) {
                for (x, &(_, i)) in run.iter().enumerate() {
                    for &(_, j) in &run[x + 1..] {
                        let cross = split.is_none_or(|n| ((i as usize) < n) != ((j as usize) < n));
                        if cross {
                            found.push((i.min(j), i.max(j)));
                        }
                    }
                }
            }
            found
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_is_exact_and_signatures_estimate_it() {
        let words: Vec<String> = (0..300).map(|i| format!("كلمة{i}")).collect();
        let a = words.join(" ");
        let mut changed = words.clone();
        for i in [10, 100, 200] {
            changed[i] = "مختلفة".into();
        }
        let b = changed.join(" ");
        let (sa, sb) = (shingle_set(&a, Shingles::Words(3)), shingle_set(&b, Shingles::Words(3)));
        assert_eq!(sa.len(), 298);
        let exact = jaccard(&sa, &sb);
        // Three changed words break nine shingles of 298 on each side.
        assert!((exact - 289.0 / 307.0).abs() < 1e-9, "{exact}");
        let (ga, gb) = (signature(&sa).unwrap(), signature(&sb).unwrap());
        let estimate = ga.iter().zip(&gb).filter(|(x, y)| x == y).count() as f64 / SIGNATURE_LEN as f64;
        assert!((estimate - exact).abs() < 0.1, "{estimate} vs {exact}");
        assert_eq!(jaccard(&[], &[]), 1.0);
        assert_eq!(shingle_set("", Shingles::Words(3)), Vec::<u64>::new());
        assert_eq!(shingle_set("قصير", Shingles::Words(3)).len(), 1);
        assert!(signature(&[]).is_none());
    }

    #[test]
    fn rows_fall_with_the_threshold() {
        assert_eq!(rows_for(0.8), 6);
        assert!(rows_for(0.5) < rows_for(0.8));
        assert!(rows_for(0.95) > rows_for(0.8));
    }

    #[test]
    fn candidates_are_cross_pairs_when_split() {
        let text: String = (0..200).map(|i| format!("w{i} ")).collect();
        let other: String = (500..700).map(|i| format!("w{i} ")).collect();
        let sig = signature(&shingle_set(&text, Shingles::Words(3)));
        let sigs = vec![sig, sig, signature(&shingle_set(&other, Shingles::Words(3))), sig, None];
        assert_eq!(candidate_pairs(&sigs, 6, None), [(0, 1), (0, 3), (1, 3)]);
        assert_eq!(candidate_pairs(&sigs, 6, Some(2)), [(0, 3), (1, 3)]);
    }
}
