//! Chance-corrected agreement on categorical labels: Cohen's kappa for two annotators
//! (Cohen 1960) and Krippendorff's alpha with the nominal metric for any number, missing
//! values allowed (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"). Both are
//! checked against scikit-learn's `cohen_kappa_score` and the `krippendorff` package by
//! `tests/differential/agreement.py`.

use std::collections::HashMap;

/// Cohen's kappa of two equally long label sequences; `None` when it is undefined (no items,
/// or expected agreement 1: both annotators used one and the same label throughout).
pub fn cohen_kappa<T: Eq + std::hash::Hash>(a: &[T], b: &[T]) -> Option<f64> {
    let n = a.len().min(b.len());
    if n == 0 {
        return None;
    }
    let observed = a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / n as f64;
    let (mut count_a, mut count_b): (HashMap<&T, f64>, HashMap<&T, f64>) = (HashMap::new(), HashMap::new());
    for (x, y) in a.iter().zip(b) {
        *count_a.entry(x).or_default() += 1.0;
        *count_b.entry(y).or_default() += 1.0;
    }
    let expected: f64 = count_a.iter().map(|(label, ca)| ca * count_b.get(label).copied().unwrap_or(0.0)).sum::<f64>() / (n as f64 * n as f64);
    if (1.0 - expected).abs() < 1e-15 {
        return None;
    }
    Some((observed - expected) / (1.0 - expected))
}

/// Krippendorff's alpha, nominal metric. `units[u][c]` is annotator `c`'s value for unit `u`,
/// `None` when missing. Units with fewer than two values are not pairable and do not count.
/// `None` when undefined (fewer than two pairable values, or a single value used throughout).
pub fn krippendorff_alpha<T: Eq + std::hash::Hash + Clone>(units: &[Vec<Option<T>>]) -> Option<f64> {
    let mut index: HashMap<T, usize> = HashMap::new();
    let mut coincidence: HashMap<(usize, usize), f64> = HashMap::new();
    for unit in units {
        let values: Vec<usize> = unit
            .iter()
            .flatten()
            .map(|v| {
                let next = index.len();
                *index.entry(v.clone()).or_insert(next)
            })
            .collect();
        let m = values.len();
        if m < 2 {
            continue;
        }
        let weight = 1.0 / (m as f64 - 1.0);
        for (i, &c) in values.iter().enumerate() {
            for (j, &k) in values.iter().enumerate() {
                if i != j {
                    *coincidence.entry((c, k)).or_default() += weight;
                }
            }
        }
    }
    let mut marginals = vec![0.0; index.len()];
    for (&(c, _), &o) in &coincidence {
        marginals[c] += o;
    }
    let n: f64 = marginals.iter().sum();
    if n < 2.0 {
        return None;
    }
    let disagreement: f64 = coincidence.iter().filter(|((c, k), _)| c != k).map(|(_, o)| o).sum();
    let expected: f64 = marginals.iter().map(|nc| nc * (n - nc)).sum::<f64>();
    if expected == 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * disagreement / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_matches_hand_computed_values() {
        // 10 items: agree on 7; A says x 5 times, B 4 times.
        let a = ["x", "x", "x", "x", "x", "y", "y", "y", "y", "y"];
        let b = ["x", "x", "x", "y", "y", "y", "y", "y", "x", "x"];
        // po = 0.6 (x x x agree, y y y agree... count it)
        let po = a.iter().zip(&b).filter(|(p, q)| p == q).count() as f64 / 10.0;
        let pe = (5.0 * 5.0 + 5.0 * 5.0) / 100.0;
        assert!((cohen_kappa(&a, &b).unwrap() - (po - pe) / (1.0 - pe)).abs() < 1e-12);
        assert_eq!(cohen_kappa(&a, &a), Some(1.0));
        assert_eq!(cohen_kappa(&["O", "O"], &["O", "O"]), None);
        assert_eq!(cohen_kappa::<&str>(&[], &[]), None);
    }

    #[test]
    fn alpha_matches_krippendorffs_worked_example() {
        // Krippendorff (2011), section C: 4 coders, 12 units, nominal alpha = 0.743.
        let data: [[Option<u8>; 12]; 4] = [
            [Some(1), Some(2), Some(3), Some(3), Some(2), Some(1), Some(4), Some(1), Some(2), None, None, None],
            [Some(1), Some(2), Some(3), Some(3), Some(2), Some(2), Some(4), Some(1), Some(2), Some(5), None, Some(3)],
            [None, Some(3), Some(3), Some(3), Some(2), Some(3), Some(4), Some(2), Some(2), Some(5), Some(1), None],
            [Some(1), Some(2), Some(3), Some(3), Some(2), Some(4), Some(4), Some(1), Some(2), Some(5), Some(1), None],
        ];
        let units: Vec<Vec<Option<u8>>> = (0..12).map(|u| data.iter().map(|coder| coder[u]).collect()).collect();
        let alpha = krippendorff_alpha(&units).unwrap();
        assert!((alpha - 0.743).abs() < 0.0005, "{alpha}");
        let same: Vec<Vec<Option<u8>>> = vec![vec![Some(1), Some(1)]; 3];
        assert_eq!(krippendorff_alpha(&same), None);
        // Two coders, no missing values: alpha is close to kappa, a little above.
        let a = [0u8, 0, 1, 1, 0, 1, 0, 0];
        let b = [0u8, 1, 1, 1, 0, 0, 0, 0];
        let units: Vec<Vec<Option<u8>>> = a.iter().zip(&b).map(|(x, y)| vec![Some(*x), Some(*y)]).collect();
        let (alpha, kappa) = (krippendorff_alpha(&units).unwrap(), cohen_kappa(&a, &b).unwrap());
        assert!(alpha <= kappa + 0.1 && (alpha - kappa).abs() < 0.1, "{alpha} {kappa}");
    }
}
