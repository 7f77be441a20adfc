//! Logistic regression on standardised features.
//!
//! Each used column j is imputed and standardised with the training rows' mean
//! and standard deviation: `z_j = (x_j - mean_j) / sd_j`, with a missing `x_j`
//! (`NaN`) taking the mean (so `z_j = 0`) and its missingness indicator carrying
//! the fact that it was missing; a column that does not vary gets `sd_j = 1`.
//! The coefficients are fitted by smartcore 0.7 (L-BFGS on the log-likelihood),
//! with an L2 penalty `alpha` (smartcore's default is none; 1.0 matches
//! scikit-learn's C = 1 and keeps collinear indicator columns finite).
//!
//! Scoring is by hand, without smartcore: the decision value is
//! `f = b + sum_j w_j z_j`, and the model's raw probability `sigmoid(f)`. The
//! artifact calibrates `f` with Platt scaling.

use serde::{Deserialize, Serialize};

use super::ModelError;

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

impl LogisticModel {
    /// Fits on `rows` (full feature vectors) with outcomes `y`, using `columns`,
    /// standardised by `standardiser`, with L2 penalty `alpha`.
    ///
    /// # Errors
    /// [`ModelError::Fit`] when smartcore cannot fit (for example only one class).
    pub fn fit(
        rows: &[&[f64]],
        y: &[bool],
        columns: Vec<usize>,
        standardiser: &Standardiser,
        alpha: f64,
    ) -> Result<Self, ModelError> {
        use smartcore::linalg::basic::arrays::Array;
        use smartcore::linalg::basic::matrix::DenseMatrix;
        use smartcore::linear::logistic_regression::{
            LogisticRegression, LogisticRegressionParameters,
        };

        let p = columns.len();
        let mut values = Vec::with_capacity(rows.len() * p);
        for r in rows {
            for j in &columns {
                values.push(standardiser.z(r, *j));
            }
        }
        let x = DenseMatrix::new(rows.len(), p, values, false)
            .map_err(|e| ModelError::Fit(e.to_string()))?;
        let labels: Vec<i32> = y.iter().map(|v| i32::from(*v)).collect();
        let fitted: LogisticRegression<f64, i32, DenseMatrix<f64>, Vec<i32>> =
            LogisticRegression::fit(
                &x,
                &labels,
                LogisticRegressionParameters::default().with_alpha(alpha),
            )
            .map_err(|e| ModelError::Fit(e.to_string()))?;
        let coefficients = (0..p).map(|j| *fitted.coefficients().get((0, j))).collect();
        let intercept = *fitted.intercept().get((0, 0));
        Ok(Self {
            columns,
            coefficients,
            intercept,
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
