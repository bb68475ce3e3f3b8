//! The assignment solver behind the matcher: the Hungarian algorithm with potentials, on
//! weights that compare lexicographically, so that several criteria are optimised at once.

use std::ops::{Add, Neg, Sub};

/// How good a pairing is, compared lexicographically in the order the module docs list.
/// Sums of these stay lexicographic, which is what lets the Hungarian algorithm optimise all
/// criteria at once without scaling them into one number that could overflow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Weight(pub(crate) [i64; 5]);

impl Add for Weight {
    type Output = Weight;
    fn add(self, other: Weight) -> Weight {
        Weight(std::array::from_fn(|k| self.0[k] + other.0[k]))
    }
}

impl Sub for Weight {
    type Output = Weight;
    fn sub(self, other: Weight) -> Weight {
        Weight(std::array::from_fn(|k| self.0[k] - other.0[k]))
    }
}

impl Neg for Weight {
    type Output = Weight;
    fn neg(self) -> Weight {
        Weight(self.0.map(|x| -x))
    }
}

/// Larger than any cost or potential the Hungarian algorithm reaches: costs lead with 0 or -1,
/// and potentials stay within the number of rows times that.
const INFINITY: Weight = Weight([i64::MAX / 4, 0, 0, 0, 0]);

/// Minimum-cost assignment of every row to a distinct column (rows <= cols), by the
/// Hungarian algorithm with potentials in O(rows² · cols); returns (row, column) pairs.
pub(crate) fn assignment(rows: usize, cols: usize, cost: &[Weight]) -> Vec<(usize, usize)> {
    // 1-based, with row and column 0 as the algorithm's sentinel.
    let a = |i: usize, j: usize| cost[(i - 1) * cols + (j - 1)];
    let mut u = vec![Weight::default(); rows + 1];
    let mut v = vec![Weight::default(); cols + 1];
    let mut row_of = vec![0usize; cols + 1];
    let mut way = vec![0usize; cols + 1];
    for i in 1..=rows {
        row_of[0] = i;
        let mut j0 = 0;
        let mut min_v = vec![INFINITY; cols + 1];
        let mut used = vec![false; cols + 1];
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = INFINITY;
            let mut j1 = 0;
            for j in 1..=cols {
                if used[j] {
                    continue;
                }
                let reduced = a(i0, j) - u[i0] - v[j];
                if reduced < min_v[j] {
                    min_v[j] = reduced;
                    way[j] = j0;
                }
                if min_v[j] < delta {
                    delta = min_v[j];
                    j1 = j;
                }
            }
            for j in 0..=cols {
                if used[j] {
                    u[row_of[j]] = u[row_of[j]] + delta;
                    v[j] = v[j] - delta;
                } else {
                    min_v[j] = min_v[j] - delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=cols).filter(|&j| row_of[j] != 0).map(|j| (row_of[j] - 1, j - 1)).collect()
}
