//! Logistic regression on standardised features.
//!
//! Each used column j is imputed and standardised with the training rows' mean
//! and standard deviation: `z_j = (x_j - mean_j) / sd_j`, with a missing `x_j`
//! (`NaN`) taking the mean (so `z_j = 0`) and its missingness indicator carrying
//! the fact that it was missing; a column that does not vary gets `sd_j = 1`.
//! The coefficients minimise the penalised mean negative log-likelihood
//! `sum_i c_i [ln(1 + e^f_i) - y_i f_i] / sum_i c_i + lambda/2 |w|^2`, with a
//! count `c_i` per row and the intercept not penalised (ridge logistic
//! regression; Le Cessie & van Houwelingen 1992, Appl. Stat. 41:191). The
//! penalty is on the *mean* loss, as glmnet states it: `lambda` is scikit-
//! learn's `1 / (C n)` for n rows, so a fixed `lambda` shrinks as much on a
//! small team as on a large one. With a handful of events and a hundred
//! correlated columns, an unpenalised fit (or scikit-learn's C = 1) finds
//! patterns of the training athletes that do not carry to others; a strong
//! penalty keeps each coefficient near the feature's own association with the
//! outcome. The fit uses smartcore's own L-BFGS and backtracking line search.
//! smartcore's `LogisticRegression::fit` fixes that optimiser at 1,000
//! iterations and an absolute gradient tolerance of 1e-8 on the summed loss,
//! takes no row weights (balancing meant repeating rows), and reads its matrix
//! element by element several times an iteration: it was over half of the
//! training time on the PMData demo. So the objective is evaluated here, value
//! and gradient in one pass over a contiguous matrix, the last points
//! remembered (L-BFGS asks for the same point several times), with an
//! iteration budget ([`LogisticFit`]).
//!
//! Scoring is by hand, without smartcore: the decision value is
//! `f = b + sum_j w_j z_j`, and the model's raw probability `sigmoid(f)`. The
//! artifact calibrates `f` with Platt scaling.

use serde::{Deserialize, Serialize};

use super::{Budget, ModelError};

/// Training means and standard deviations of every feature column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardiser {
    /// Mean of the present values per column (0 when none is present).
    #[serde(with = "super::exact_vec")]
    pub means: Vec<f64>,
    /// Sample standard deviation per column (1 when it does not vary).
    #[serde(with = "super::exact_vec")]
    pub sds: Vec<f64>,
}

impl Standardiser {
    /// Means and SDs of `rows` (each of the same length), ignoring `NaN`.
    pub fn fit(rows: &[&[f64]], columns: usize) -> Self {
        let mut sum = vec![0.0; columns];
        let mut n = vec![0usize; columns];
        for r in rows {
            for (j, x) in r.iter().enumerate().take(columns) {
                if !x.is_nan() {
                    sum[j] += x;
                    n[j] += 1;
                }
            }
        }
        let means: Vec<f64> = sum
            .iter()
            .zip(&n)
            .map(|(s, n)| if *n > 0 { s / *n as f64 } else { 0.0 })
            .collect();
        let mut ss = vec![0.0; columns];
        for r in rows {
            for (j, x) in r.iter().enumerate().take(columns) {
                if !x.is_nan() {
                    ss[j] += (x - means[j]) * (x - means[j]);
                }
            }
        }
        let sds = ss
            .iter()
            .zip(&n)
            .map(|(ss, n)| {
                let sd = if *n > 1 {
                    (ss / (*n - 1) as f64).sqrt()
                } else {
                    0.0
                };
                if sd > 1e-12 && sd.is_finite() {
                    sd
                } else {
                    1.0
                }
            })
            .collect();
        Self { means, sds }
    }

    /// Column `j` of `x`, imputed (missing = the mean).
    pub fn imputed(&self, x: &[f64], j: usize) -> f64 {
        let v = x.get(j).copied().unwrap_or(f64::NAN);
        if v.is_nan() {
            self.means[j]
        } else {
            v
        }
    }

    /// Column `j` of `x`, imputed and standardised.
    pub fn z(&self, x: &[f64], j: usize) -> f64 {
        (self.imputed(x, j) - self.means[j]) / self.sds[j]
    }
}

/// A fitted logistic regression over a subset of the feature columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// The feature columns used, in order.
    pub columns: Vec<usize>,
    /// One coefficient per used column, on the standardised scale.
    #[serde(with = "super::exact_vec")]
    pub coefficients: Vec<f64>,
    /// The intercept.
    #[serde(with = "super::exact")]
    pub intercept: f64,
}

/// How a [`LogisticModel`] is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogisticFit {
    /// L2 penalty `lambda` on the coefficients of the mean loss (scikit-learn's
    /// `1 / (C n)` for n rows).
    pub alpha: f64,
    /// Most L-BFGS iterations.
    pub max_iterations: usize,
    /// Stop when every component of the gradient of the mean loss is below this.
    pub gradient_tolerance: f64,
}

impl Default for LogisticFit {
    fn default() -> Self {
        Self {
            alpha: DEFAULT_PENALTY,
            max_iterations: DEFAULT_MAX_ITERATIONS,
            gradient_tolerance: GRADIENT_TOLERANCE,
        }
    }
}

/// Default `lambda`: strong, as a few dozen episodes behind a hundred columns
/// need. Chosen for holding up on both real teams and both backtest schemes
/// (SoccerMon 2020 and PMData, forward in time and athletes held out: 0.03 to
/// 1 do about as well; 0.003, about scikit-learn's C = 1 here, does worse on
/// all four), not for the best figure on any one of them.
pub const DEFAULT_PENALTY: f64 = 0.1;

/// Default iteration budget. Features are standardised, and L-BFGS meets
/// [`GRADIENT_TOLERANCE`] in 100 to 150 iterations on the 100,000-row benchmark
/// and 200 to 300 on the PMData demo (whose indicator columns are nearly
/// collinear); the budget bounds a pathological fit.
pub const DEFAULT_MAX_ITERATIONS: usize = 500;

/// Gradient tolerance on the mean loss. Against a fit run to 1e-11, in-sample
/// probabilities differ by at most 2e-6 on the PMData demo and 3e-7 on the
/// 100,000-row benchmark (smartcore's own `LogisticRegression::fit` on repeated
/// rows: 1e-6 on the demo).
pub const GRADIENT_TOLERANCE: f64 = 1e-8;

/// The penalised mean loss of the module docs on a standardised matrix, value and
/// gradient computed together and the last points remembered.
struct Objective {
    /// Rows of standardised values, `p` per row.
    z: Vec<f64>,
    p: usize,
    /// Count of each row, divided by the total.
    share: Vec<f64>,
    y: Vec<f64>,
    /// `lambda`, on the mean loss.
    penalty: f64,
    /// Recently evaluated points.
    seen: std::cell::RefCell<Vec<Evaluated>>,
    /// Checked before each pass over the rows.
    budget: Budget,
    /// Why the fit stopped early, once its budget said so.
    stopped: std::cell::RefCell<Option<ModelError>>,
}

/// The loss and its gradient at a point.
struct Evaluated {
    point: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
}

impl Objective {
    const REMEMBERED: usize = 4;

    fn evaluate(&self, w: &[f64]) -> (f64, Vec<f64>) {
        let p = self.p;
        let (coefficients, intercept) = (&w[..p], w[p]);
        let mut value = 0.0;
        let mut gradient = vec![0.0; p + 1];
        for ((row, share), y) in self.z.chunks_exact(p).zip(&self.share).zip(&self.y) {
            let f = intercept + dot(row, coefficients);
            // ln(1 + e^f) and the sigmoid from one exponential, without overflow.
            let e = libm::exp(-f.abs());
            let softplus = f.max(0.0) + libm::log1p(e);
            let sigmoid = if f >= 0.0 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
            value += share * (softplus - y * f);
            let residual = share * (sigmoid - y);
            for (g, x) in gradient.iter_mut().zip(row) {
                *g += residual * x;
            }
            gradient[p] += residual;
        }
        let mut squares = 0.0;
        for (g, w) in gradient.iter_mut().zip(coefficients) {
            *g += self.penalty * w;
            squares += w * w;
        }
        value += 0.5 * self.penalty * squares;
        (value, gradient)
    }

    fn at(&self, w: &[f64]) -> (f64, Vec<f64>) {
        // smartcore's optimiser cannot be interrupted. Once the budget says stop,
        // every point scores a loss of minus infinity with a zero gradient: its
        // backtracking line search accepts the first step (nothing is above
        // minus infinity; a finite loss it would try to lower for 1,000 steps and
        // then panic), and the zero gradient passes the convergence test, so the
        // optimiser returns within microseconds and the caller discards it.
        let stopped = || (f64::NEG_INFINITY, vec![0.0; w.len()]);
        if self.stopped.borrow().is_some() {
            return stopped();
        }
        if let Err(why) = self.budget.check() {
            *self.stopped.borrow_mut() = Some(why);
            return stopped();
        }
        let same = |e: &&Evaluated| {
            e.point
                .iter()
                .zip(w)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        };
        if let Some(e) = self.seen.borrow().iter().find(same) {
            return (e.value, e.gradient.clone());
        }
        let (value, gradient) = self.evaluate(w);
        let mut seen = self.seen.borrow_mut();
        if seen.len() == Self::REMEMBERED {
            seen.remove(0);
        }
        seen.push(Evaluated {
            point: w.to_vec(),
            value,
            gradient: gradient.clone(),
        });
        (value, gradient)
    }
}

/// `a . b` with four running sums, so the additions do not wait on each other.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut sums = [0.0; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for k in 0..4 {
            sums[k] += x[k] * y[k];
        }
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + tail
}

impl LogisticModel {
    /// Fits on `rows` (full feature vectors) with outcomes `y`, using `columns`,
    /// standardised by `standardiser`, with L2 penalty `alpha` on the mean
    /// loss, each row once.
    ///
    /// # Errors
    /// [`ModelError::Fit`] when the rows hold only one class.
    pub fn fit(
        rows: &[&[f64]],
        y: &[bool],
        columns: Vec<usize>,
        standardiser: &Standardiser,
        alpha: f64,
    ) -> Result<Self, ModelError> {
        let counts = vec![1; rows.len()];
        let how = LogisticFit {
            alpha,
            ..LogisticFit::default()
        };
        Self::fit_counted(
            rows,
            y,
            &counts,
            columns,
            standardiser,
            &how,
            &Budget::unlimited(),
        )
    }

    /// Fits as [`LogisticModel::fit`], row i counting `counts[i]` times (the
    /// same fit as repeating it), checking `budget` at every evaluation of the
    /// loss.
    ///
    /// # Errors
    /// [`ModelError::Fit`] when the counted rows hold only one class, `counts`
    /// is not one per row, or `columns` is empty; the budget's error when it
    /// stops the fit.
    pub fn fit_counted(
        rows: &[&[f64]],
        y: &[bool],
        counts: &[usize],
        columns: Vec<usize>,
        standardiser: &Standardiser,
        how: &LogisticFit,
        budget: &Budget,
    ) -> Result<Self, ModelError> {
        use smartcore::optimization::first_order::lbfgs::LBFGS;
        use smartcore::optimization::first_order::FirstOrderOptimizer;
        use smartcore::optimization::line_search::Backtracking;
        use smartcore::optimization::FunctionOrder;

        if rows.len() != y.len() || rows.len() != counts.len() {
            return Err(ModelError::Fit(format!(
                "{} rows, {} outcomes and {} counts",
                rows.len(),
                y.len(),
                counts.len()
            )));
        }
        if columns.is_empty() {
            return Err(ModelError::Fit(
                "a logistic regression needs a column".into(),
            ));
        }
        let total: usize = counts.iter().sum();
        let positive: usize = counts
            .iter()
            .zip(y)
            .filter(|(_, y)| **y)
            .map(|(c, _)| c)
            .sum();
        if positive == 0 || positive == total {
            return Err(ModelError::Fit(format!(
                "incorrect number of classes: {total} rows, {positive} of them positive"
            )));
        }
        let p = columns.len();
        let mut z = Vec::with_capacity(rows.len() * p);
        for r in rows {
            for j in &columns {
                z.push(standardiser.z(r, *j));
            }
        }
        let objective = Objective {
            z,
            p,
            share: counts.iter().map(|c| *c as f64 / total as f64).collect(),
            y: y.iter().map(|v| f64::from(u8::from(*v))).collect(),
            penalty: how.alpha,
            seen: std::cell::RefCell::new(Vec::new()),
            budget: budget.clone(),
            stopped: std::cell::RefCell::new(None),
        };
        let f = |w: &Vec<f64>| objective.at(w).0;
        let df = |g: &mut Vec<f64>, w: &Vec<f64>| {
            let (_, gradient) = objective.at(w);
            g.copy_from_slice(&gradient);
        };
        let optimiser = LBFGS {
            max_iter: how.max_iterations,
            g_atol: how.gradient_tolerance,
            ..LBFGS::default()
        };
        // The line search smartcore's LogisticRegression uses.
        let line_search: Backtracking<f64> = Backtracking {
            order: FunctionOrder::THIRD,
            ..Backtracking::default()
        };
        let fitted = optimiser.optimize(&f, &df, &vec![0.0; p + 1], &line_search);
        if let Some(why) = objective.stopped.take() {
            return Err(why);
        }
        let w = fitted.x;
        if w.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::Fit(
                "the logistic regression did not converge to finite coefficients".into(),
            ));
        }
        Ok(Self {
            columns,
            coefficients: w[..p].to_vec(),
            intercept: w[p],
        })
    }

    /// The decision value `b + w . z` of full feature vector `x`.
    pub fn decision(&self, standardiser: &Standardiser, x: &[f64]) -> f64 {
        self.columns
            .iter()
            .zip(&self.coefficients)
            .fold(self.intercept, |acc, (j, w)| {
                acc + w * standardiser.z(x, *j)
            })
    }
}
