//! L-BFGS (Nocedal 1980; Liu and Nocedal 1989): the minimiser of the CRF's objective.
//!
//! A quasi-Newton method that keeps the last few steps and gradient changes instead of a
//! Hessian, so that its memory is a small multiple of the parameters' (the CRF of ANERcorp has
//! three million). The step length comes from a backtracking line search on the Armijo
//! condition, with a quadratic interpolation for each cut; a pair whose curvature is not
//! positive is not kept, which keeps the implied Hessian positive definite without the
//! Wolfe conditions. It stops, as crfsuite does, when the objective has fallen by less than a
//! relative `delta` over the last `period` iterations, when the gradient is tiny, or after
//! `max_iterations`. Every operation is sequential and in a fixed order, so the same start
//! gives the same result to the bit.

use std::collections::VecDeque;

/// When to stop and how much history to keep.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lbfgs {
    /// Steps remembered.
    pub(crate) memory: usize,
    pub(crate) max_iterations: usize,
    /// Stop when `(f[k − period] − f[k]) / f[k]` is below this.
    pub(crate) delta: f64,
    pub(crate) period: usize,
    /// Stop when `‖g‖ / max(1, ‖x‖)` is below this.
    pub(crate) epsilon: f64,
}

impl Default for Lbfgs {
    fn default() -> Self {
        Lbfgs { memory: 6, max_iterations: 100, delta: 1e-5, period: 10, epsilon: 1e-5 }
    }
}

/// Where the minimiser stopped.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) x: Vec<f64>,
    pub(crate) value: f64,
    pub(crate) iterations: usize,
    pub(crate) evaluations: usize,
    /// Whether a convergence test stopped it (rather than the iteration limit or a line
    /// search that found no decrease).
    pub(crate) converged: bool,
}

struct Pair {
    s: Vec<f64>,
    y: Vec<f64>,
    rho: f64,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Lbfgs {
    /// Minimises `f`, which returns the value at its first argument and writes the gradient
    /// into its second (a non-finite value means "outside the domain": the line search steps
    /// back). `on_iteration` hears the iteration number and the value after each step.
    pub(crate) fn minimize(&self, mut x: Vec<f64>, mut f: impl FnMut(&[f64], &mut [f64]) -> f64, mut on_iteration: impl FnMut(usize, f64)) -> Outcome {
        let n = x.len();
        let mut g = vec![0.0; n];
        let mut value = f(&x, &mut g);
        let mut evaluations = 1;
        let outcome = |x: Vec<f64>, value, iterations, evaluations, converged| Outcome { x, value, iterations, evaluations, converged };
        if !value.is_finite() {
            return outcome(x, value, 0, evaluations, false);
        }
        let mut history: VecDeque<Pair> = VecDeque::with_capacity(self.memory);
        let mut values = vec![value];
        let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
        let (mut x_new, mut g_new) = (vec![0.0; n], vec![0.0; n]);
        let mut alphas = vec![0.0; self.memory];
        for iteration in 1..=self.max_iterations {
            let mut slope = dot(&d, &g);
            if slope >= 0.0 {
                // Not a descent direction (rounding): start over from the gradient.
                history.clear();
                d.iter_mut().zip(&g).for_each(|(d, g)| *d = -g);
                slope = -dot(&g, &g);
            }
            let mut step = if iteration == 1 { 1.0 / dot(&g, &g).sqrt().max(f64::MIN_POSITIVE) } else { 1.0 };
            let mut accepted = None;
            for _ in 0..30 {
                x_new.iter_mut().zip(x.iter().zip(&d)).for_each(|(out, (x, d))| *out = x + step * d);
                let trial = f(&x_new, &mut g_new);
                evaluations += 1;
                if trial.is_finite() && trial <= value + 1e-4 * step * slope {
                    accepted = Some(trial);
                    break;
                }
                // The minimum of the quadratic through value, slope and trial, kept within
                // [0.1, 0.5] of the step.
                let cut = if trial.is_finite() { -slope * step / (2.0 * (trial - value - slope * step)) } else { 0.1 };
                step *= cut.clamp(0.1, 0.5);
            }
            let Some(trial) = accepted else {
                return outcome(x, value, iteration - 1, evaluations, false);
            };
            let mut pair = if history.len() == self.memory { history.pop_front() } else { None }.unwrap_or(Pair { s: vec![0.0; n], y: vec![0.0; n], rho: 0.0 });
            pair.s.iter_mut().zip(x_new.iter().zip(&x)).for_each(|(s, (a, b))| *s = a - b);
            pair.y.iter_mut().zip(g_new.iter().zip(&g)).for_each(|(y, (a, b))| *y = a - b);
            let sy = dot(&pair.s, &pair.y);
            if sy > 1e-10 * dot(&pair.y, &pair.y).sqrt() * dot(&pair.s, &pair.s).sqrt() {
                pair.rho = 1.0 / sy;
                history.push_back(pair);
            }
            std::mem::swap(&mut x, &mut x_new);
            std::mem::swap(&mut g, &mut g_new);
            value = trial;
            values.push(value);
            on_iteration(iteration, value);

            let small_gradient = dot(&g, &g).sqrt() / dot(&x, &x).sqrt().max(1.0) < self.epsilon;
            let stalled = iteration >= self.period && (values[iteration - self.period] - value) / value.abs().max(f64::MIN_POSITIVE) < self.delta;
            if small_gradient || stalled {
                return outcome(x, value, iteration, evaluations, true);
            }
            if iteration == self.max_iterations {
                return outcome(x, value, iteration, evaluations, false);
            }

            // The two-loop recursion: d = −H g.
            d.copy_from_slice(&g);
            for (pair, alpha) in history.iter().rev().zip(alphas.iter_mut()) {
                *alpha = pair.rho * dot(&pair.s, &d);
                d.iter_mut().zip(&pair.y).for_each(|(d, y)| *d -= *alpha * y);
            }
            if let Some(last) = history.back() {
                let gamma = 1.0 / (last.rho * dot(&last.y, &last.y));
                d.iter_mut().for_each(|d| *d *= gamma);
            }
            for (pair, alpha) in history.iter().zip(alphas[..history.len()].iter().rev()) {
                let beta = pair.rho * dot(&pair.y, &d);
                d.iter_mut().zip(&pair.s).for_each(|(d, s)| *d += (alpha - beta) * s);
            }
            d.iter_mut().for_each(|d| *d = -*d);
        }
        outcome(x, value, 0, evaluations, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's valley: a curved, badly scaled minimum at (1, 1).
    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let (a, b) = (x[0], x[1]);
        g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        g[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }

    #[test]
    fn finds_the_minimum_of_a_curved_valley() {
        let options = Lbfgs { max_iterations: 200, delta: 0.0, epsilon: 1e-8, ..Lbfgs::default() };
        let mut seen = 0;
        let outcome = options.minimize(vec![-1.2, 1.0], rosenbrock, |_, _| seen += 1);
        assert!(outcome.converged, "{outcome:?}");
        assert!((outcome.x[0] - 1.0).abs() < 1e-4 && (outcome.x[1] - 1.0).abs() < 1e-4, "{outcome:?}");
        assert_eq!(seen, outcome.iterations);
        assert!(outcome.evaluations >= outcome.iterations);
    }

    #[test]
    fn a_quadratic_is_solved_in_a_few_steps_and_the_limit_holds() {
        // f = Σ c_i (x_i − i)², minimum at x_i = i.
        let c = [1.0, 10.0, 100.0, 0.5];
        let f = |x: &[f64], g: &mut [f64]| {
            let mut v = 0.0;
            for i in 0..4 {
                let r = x[i] - i as f64;
                v += c[i] * r * r;
                g[i] = 2.0 * c[i] * r;
            }
            v
        };
        let outcome = Lbfgs { epsilon: 1e-9, delta: 0.0, ..Lbfgs::default() }.minimize(vec![0.0; 4], f, |_, _| ());
        assert!(outcome.converged && outcome.iterations < 30, "{outcome:?}");
        assert!(outcome.x.iter().enumerate().all(|(i, x)| (x - i as f64).abs() < 1e-6), "{outcome:?}");
        let outcome = Lbfgs { max_iterations: 2, epsilon: 0.0, delta: 0.0, ..Lbfgs::default() }.minimize(vec![0.0; 4], f, |_, _| ());
        assert_eq!((outcome.iterations, outcome.converged), (2, false));
    }

    #[test]
    fn a_start_outside_the_domain_is_returned_as_it_is() {
        let outcome = Lbfgs::default().minimize(vec![3.0], |_, _| f64::INFINITY, |_, _| ());
        assert_eq!((outcome.iterations, outcome.converged, outcome.x), (0, false, vec![3.0]));
    }
}
