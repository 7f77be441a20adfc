//! Banister's fitness-fatigue model of performance (Banister et al. 1975), fitted
//! to performance tests by least squares.
//!
//! `p(t) = p0 + k1 sum_{s<=t} w(s) e^{-(t-s)/tau1} - k2 sum_{s<=t} w(s) e^{-(t-s)/tau2}`
//!
//! The test day's own load counts, as in Clarke & Skiba's spreadsheet (2013, Adv
//! Physiol Educ 37:134): their published fit of the `bike_score` data reaches
//! R^2 = 0.978 this way and 0.80 if only earlier days count.
//!
//! The fit separates the linear parameters from the time constants ("variable
//! projection"): for given `tau1, tau2` the best `p0` and non-negative `k1, k2`
//! solve a 3 x 3 least-squares problem exactly (all active sets of the two
//! bounds are tried), and Nelder-Mead (Nelder & Mead 1965) searches
//! the time constants from several starts.
//!
//! With a handful of tests the unconstrained problem is ill-posed: letting
//! `tau1 -> tau2` with gains in the thousands turns the two components into one
//! derivative-like term that fits noise (on `bike_score`: R^2 0.981 with
//! k1 ~ k2 ~ 3000). So the gains are kept non-negative and fitness must outlast
//! fatigue by at least [`FitOptions::min_tau_gap_days`] (15 by default, a
//! modelling choice: with it the fit reproduces Clarke & Skiba's p0 262 W,
//! k1 0.18, k2 0.22, tau1 36 d, tau2 21 d, R^2 0.979).

use serde::{Deserialize, Serialize};

/// The model's five parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BanisterParams {
    /// Baseline performance.
    pub p0: f64,
    /// Fitness gain per unit of load.
    pub k1: f64,
    /// Fitness decay time constant, days.
    pub tau1: f64,
    /// Fatigue gain per unit of load.
    pub k2: f64,
    /// Fatigue decay time constant, days.
    pub tau2: f64,
}

impl BanisterParams {
    /// Modelled performance for every day of `load`, that day's load included.
    pub fn predict(&self, load: &[f64]) -> Vec<f64> {
        let fitness = impulse(load, self.tau1);
        let fatigue = impulse(load, self.tau2);
        fitness
            .iter()
            .zip(&fatigue)
            .map(|(g, h)| self.p0 + self.k1 * g - self.k2 * h)
            .collect()
    }
}

/// The fewest tests a fit takes: five parameters need at least six results.
pub const MIN_TESTS: usize = 6;

/// A fitted model and how well it fits the tests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BanisterFit {
    /// The fitted parameters.
    pub params: BanisterParams,
    /// Coefficient of determination over the tests.
    pub r_squared: f64,
    /// Root-mean-square error over the tests, in the test's unit.
    pub rmse: f64,
    /// Number of performance tests fitted.
    pub tests: usize,
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FitError {
    /// Five parameters need at least [`MIN_TESTS`] tests.
    TooFewTests {
        /// Tests given.
        tests: usize,
    },
    /// A test day lies outside the load series.
    TestOutsideLoad {
        /// The test's day index.
        day: usize,
        /// Days of load given.
        days: usize,
    },
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooFewTests { tests } => write!(
                f,
                "{tests} performance tests are too few to fit the fitness-fatigue model: it needs at least {MIN_TESTS}"
            ),
            Self::TestOutsideLoad { day, days } => write!(
                f,
                "a performance test on day {day} lies outside the {days} days of load"
            ),
        }
    }
}

impl std::error::Error for FitError {}

/// `sum_{s<=t} w(s) e^{-(t-s)/tau}` for every day t.
fn impulse(load: &[f64], tau: f64) -> Vec<f64> {
    // `libm` rather than `f64::exp` here and below: the same bits natively and in
    // the browser (std calls the platform's maths library natively).
    let decay = libm::exp(-1.0 / tau);
    let mut g = 0.0;
    load.iter()
        .map(|w| {
            g = g * decay + w;
            g
        })
        .collect()
}

/// Least squares for `p0` and `k1, k2 >= 0` given the time constants; returns
/// them and the sum of squared errors.
fn linear_fit(
    load: &[f64],
    tests: &[(usize, f64)],
    tau1: f64,
    tau2: f64,
) -> Option<([f64; 3], f64)> {
    let g = impulse(load, tau1);
    let h = impulse(load, tau2);
    let rows: Vec<([f64; 3], f64)> = tests
        .iter()
        .map(|(d, p)| ([1.0, g[*d], -h[*d]], *p))
        .collect();
    // Active sets: both gains free, one held at 0, both at 0.
    [[true, true], [true, false], [false, true], [false, false]]
        .iter()
        .filter_map(|free| fit_subset(&rows, *free))
        .filter(|(beta, _)| beta[1] >= 0.0 && beta[2] >= 0.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// Unconstrained least squares with `k1` / `k2` fixed at 0 where not `free`.
fn fit_subset(rows: &[([f64; 3], f64)], free: [bool; 2]) -> Option<([f64; 3], f64)> {
    let mut a = [[0.0; 3]; 3];
    let mut b = [0.0; 3];
    for (x, y) in rows {
        for i in 0..3 {
            b[i] += x[i] * y;
            for j in 0..3 {
                a[i][j] += x[i] * x[j];
            }
        }
    }
    // A fixed gain becomes the trivial equation k = 0.
    for (k, is_free) in free.iter().enumerate() {
        if !is_free {
            let i = k + 1;
            a[i] = [0.0; 3];
            for row in &mut a {
                row[i] = 0.0;
            }
            a[i][i] = 1.0;
            b[i] = 0.0;
        }
    }
    let beta = solve3(a, b)?;
    let sse = rows
        .iter()
        .map(|(x, y)| {
            let e = y - (beta[0] * x[0] + beta[1] * x[1] + beta[2] * x[2]);
            e * e
        })
        .sum();
    Some((beta, sse))
}

/// Gaussian elimination with partial pivoting; `None` when singular.
fn solve3(mut a: [[f64; 3]; 3], mut b: [f64; 3]) -> Option<[f64; 3]> {
    let scale = a.iter().flatten().fold(0.0f64, |m, x| m.max(x.abs()));
    for col in 0..3 {
        let pivot = (col..3).max_by(|i, j| a[*i][col].abs().total_cmp(&a[*j][col].abs()))?;
        if a[pivot][col].abs() <= 1e-14 * scale {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..3 {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (k, v) in a[row].iter_mut().enumerate().skip(col) {
                *v -= f * pivot_row[k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for row in (0..3).rev() {
        let s: f64 = (row + 1..3).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Nelder-Mead minimisation of `f` over two variables from `start` with initial
/// step `step`; standard coefficients (reflection 1, expansion 2, contraction
/// 0.5, shrink 0.5).
fn nelder_mead(f: impl Fn([f64; 2]) -> f64, start: [f64; 2], step: f64) -> ([f64; 2], f64) {
    let mut simplex = [
        start,
        [start[0] + step, start[1]],
        [start[0], start[1] + step],
    ];
    let mut values = simplex.map(&f);
    for _ in 0..2000 {
        let mut order = [0, 1, 2];
        order.sort_by(|i, j| values[*i].total_cmp(&values[*j]));
        let (best, mid, worst) = (order[0], order[1], order[2]);
        if (values[worst] - values[best]).abs() <= 1e-12 * values[best].abs().max(1e-12) {
            break;
        }
        let centroid = [
            (simplex[best][0] + simplex[mid][0]) / 2.0,
            (simplex[best][1] + simplex[mid][1]) / 2.0,
        ];
        let at = |t: f64| {
            [
                centroid[0] + t * (simplex[worst][0] - centroid[0]),
                centroid[1] + t * (simplex[worst][1] - centroid[1]),
            ]
        };
        let reflected = at(-1.0);
        let fr = f(reflected);
        if fr < values[best] {
            let expanded = at(-2.0);
            let fe = f(expanded);
            (simplex[worst], values[worst]) = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < values[mid] {
            (simplex[worst], values[worst]) = (reflected, fr);
        } else {
            let contracted = if fr < values[worst] {
                at(-0.5)
            } else {
                at(0.5)
            };
            let fc = f(contracted);
            if fc < values[worst].min(fr) {
                (simplex[worst], values[worst]) = (contracted, fc);
            } else {
                for i in [mid, worst] {
                    simplex[i] = [
                        simplex[best][0] + 0.5 * (simplex[i][0] - simplex[best][0]),
                        simplex[best][1] + 0.5 * (simplex[i][1] - simplex[best][1]),
                    ];
                    values[i] = f(simplex[i]);
                }
            }
        }
    }
    let best = (0..3)
        .min_by(|i, j| values[*i].total_cmp(&values[*j]))
        .unwrap_or(0);
    (simplex[best], values[best])
}

/// Bounds of the fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FitOptions {
    /// Shortest fatigue time constant, days (1).
    pub min_tau_days: f64,
    /// Longest fatigue time constant, days (365).
    pub max_tau_days: f64,
    /// Fitness time constant must exceed fatigue's by at least this (15 days).
    pub min_tau_gap_days: f64,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            min_tau_days: 1.0,
            max_tau_days: 365.0,
            min_tau_gap_days: 15.0,
        }
    }
}

/// Fits the model to performance `tests` (day index into `load`, result).
///
/// # Errors
/// Fewer than six tests, or a test day beyond the load series.
pub fn fit_banister(
    load: &[f64],
    tests: &[(usize, f64)],
    options: &FitOptions,
) -> Result<BanisterFit, FitError> {
    if tests.len() < MIN_TESTS {
        return Err(FitError::TooFewTests { tests: tests.len() });
    }
    if let Some((day, _)) = tests.iter().find(|(d, _)| *d >= load.len()) {
        return Err(FitError::TestOutsideLoad {
            day: *day,
            days: load.len(),
        });
    }
    // Search variables: x0 = ln tau2 (clamped to the bounds), tau1 = tau2 + gap + x1^2,
    // which keeps the gap constraint smooth at its boundary.
    let (lo, hi) = (
        libm::log(options.min_tau_days.max(1e-3)),
        libm::log(options.max_tau_days.max(1e-3)),
    );
    let taus = |x: [f64; 2]| {
        let tau2 = libm::exp(x[0].clamp(lo, hi.max(lo)));
        (tau2 + options.min_tau_gap_days.max(0.0) + x[1] * x[1], tau2)
    };
    let objective = |x: [f64; 2]| {
        let (t1, t2) = taus(x);
        linear_fit(load, tests, t1, t2).map_or(f64::INFINITY, |(_, sse)| sse)
    };
    let mut best = ([0.0, 0.0], f64::INFINITY);
    for extra in [0.5f64, 2.0, 4.0, 8.0] {
        for t2 in [2.0f64, 7.0, 20.0, 45.0] {
            let found = nelder_mead(objective, [libm::log(t2), extra], 0.3);
            if found.1 < best.1 {
                best = found;
            }
        }
    }
    let (tau1, tau2) = taus(best.0);
    let ([p0, k1, k2], sse) =
        linear_fit(load, tests, tau1, tau2).unwrap_or(([f64::NAN; 3], f64::NAN));
    let mean = crate::stats::mean(tests.iter().map(|(_, p)| *p)).unwrap_or(f64::NAN);
    let sst: f64 = tests.iter().map(|(_, p)| (p - mean) * (p - mean)).sum();
    Ok(BanisterFit {
        params: BanisterParams {
            p0,
            k1,
            tau1,
            k2,
            tau2,
        },
        r_squared: 1.0 - sse / sst,
        rmse: (sse / tests.len() as f64).sqrt(),
        tests: tests.len(),
    })
}

/// What a coach reads about the performance projection: the fit of `fit` to the
/// athlete's `tests` recorded tests with its R² and time constants, or why there
/// is none (too few tests, or tests that could not be fitted).
///
/// ```
/// use forma_core::banister::fit_words;
/// assert_eq!(
///     fit_words(None, 2),
///     "Record at least 6 performance tests to project performance with Banister's model (2 so far)."
/// );
/// ```
pub fn fit_words(fit: Option<&BanisterFit>, tests: usize) -> String {
    match fit {
        Some(f) => format!(
            "Performance is projected with Banister's fitness-fatigue model fitted to {} tests (R² {:.2}; fitness time constant {:.0} days, fatigue {:.0} days).",
            f.tests, f.r_squared, f.params.tau1, f.params.tau2
        ),
        None if tests >= MIN_TESTS => format!(
            "The {tests} performance tests could not be fitted with Banister's model (all on days before the first load, or no solution within its bounds)."
        ),
        None => format!(
            "Record at least {MIN_TESTS} performance tests to project performance with Banister's model ({tests} so far)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_is_told_with_its_figures_or_why_there_is_none() {
        let fit = BanisterFit {
            params: BanisterParams {
                p0: 262.0,
                k1: 0.18,
                tau1: 36.2,
                k2: 0.22,
                tau2: 20.6,
            },
            r_squared: 0.979,
            rmse: 4.0,
            tests: 9,
        };
        assert_eq!(
            fit_words(Some(&fit), 9),
            "Performance is projected with Banister's fitness-fatigue model fitted to 9 tests (R² 0.98; fitness time constant 36 days, fatigue 21 days)."
        );
        assert_eq!(
            fit_words(None, 7),
            "The 7 performance tests could not be fitted with Banister's model (all on days before the first load, or no solution within its bounds)."
        );
        assert!(fit_words(None, MIN_TESTS - 1).starts_with("Record at least 6 performance tests"));
        assert!(
            fit_words(None, MIN_TESTS).starts_with("The 6 performance tests could not be fitted")
        );
    }

    #[test]
    fn prediction_follows_the_impulse_response_by_hand() {
        // One load of 100 on day 0; tau1 = 10, tau2 = 5, k1 = 1, k2 = 2:
        // day 0: 50 + 100 - 200; day 1: 100 e^-0.1 - 200 e^-0.2; day 2: 100 e^-0.2 - 200 e^-0.4.
        let p = BanisterParams {
            p0: 50.0,
            k1: 1.0,
            tau1: 10.0,
            k2: 2.0,
            tau2: 5.0,
        };
        let out = p.predict(&[100.0, 0.0, 0.0]);
        assert_eq!(out[0], -50.0);
        assert!(
            (out[1] - (50.0 + 100.0 * (-0.1f64).exp() - 200.0 * (-0.2f64).exp())).abs() < 1e-12
        );
        assert!(
            (out[2] - (50.0 + 100.0 * (-0.2f64).exp() - 200.0 * (-0.4f64).exp())).abs() < 1e-12
        );
    }

    #[test]
    fn recovers_known_parameters_from_noiseless_tests() {
        let truth = BanisterParams {
            p0: 300.0,
            k1: 0.1,
            tau1: 40.0,
            k2: 0.3,
            tau2: 8.0,
        };
        // tau1 - tau2 = 32 satisfies the default 15-day gap.
        let load: Vec<f64> = (0..200).map(|i| f64::from((i * 37) % 11) * 20.0).collect();
        let perf = truth.predict(&load);
        let tests: Vec<(usize, f64)> = (5..200).step_by(9).map(|d| (d, perf[d])).collect();
        let options = FitOptions::default();
        let fit = fit_banister(&load, &tests, &options).unwrap();
        assert!(fit.r_squared > 0.999_999, "{fit:?}");
        assert!((fit.params.tau1 - 40.0).abs() < 0.1, "{fit:?}");
        assert!((fit.params.tau2 - 8.0).abs() < 0.1, "{fit:?}");
        assert!(fit_banister(&load, &tests[..5], &options).is_err());
        assert_eq!(
            fit_banister(&load[..10], &tests, &options).unwrap_err(),
            FitError::TestOutsideLoad { day: 14, days: 10 }
        );
    }
}
