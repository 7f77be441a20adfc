//! Platt scaling (Platt 1999): a model's raw score f becomes a probability
//! `p = 1 / (1 + exp(-(a f + b)))`, with a and b fitted by maximum likelihood on
//! a slice of data the model was not fitted on (here: a *later* time slice).
//!
//! As Platt recommends, the 0/1 outcomes are replaced by `(N+ + 1) / (N+ + 2)` and
//! `1 / (N- + 2)` so that a small slice does not give infinite confidence. The
//! fit is Newton's method with backtracking (Lin, Lin & Weng 2007), started at
//! a = 0, b = ln((N+ + 1) / (N- + 1)). Arithmetic uses `libm`, so every platform
//! computes the same bits.

use serde::{Deserialize, Serialize};

/// The logistic function, with `libm`'s exp (the same bits natively and in wasm).
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

/// `ln(1 + e^x)` without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + libm::log1p(libm::exp(-x))
    } else {
        libm::log1p(libm::exp(x))
    }
}

/// A fitted Platt scaling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Slope on the raw score.
    #[serde(with = "super::exact")]
    pub a: f64,
    /// Intercept.
    #[serde(with = "super::exact")]
    pub b: f64,
    /// Rows it was fitted on.
    pub rows: usize,
    /// Events among them.
    pub events: usize,
}

impl Platt {
    /// The identity-like scaling `p = sigmoid(f)`, for a score that is already a logit.
    pub fn identity() -> Self {
        Self {
            a: 1.0,
            b: 0.0,
            rows: 0,
            events: 0,
        }
    }

    /// The calibrated probability of raw score `f`.
    pub fn apply(&self, f: f64) -> f64 {
        sigmoid(self.a * f + self.b)
    }

    /// Fits a and b to scores `f` and outcomes `y`. With no events or no
    /// non-events the slope stays 0 and b gives the smoothed event rate.
    ///
    /// ```
    /// use forma_core::model::calibration::Platt;
    /// let f = [-2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0];
    /// let y = [false, false, false, true, true, false, false, true, true, true];
    /// let p = Platt::fit(&f, &y);
    /// assert!(p.a > 0.0 && p.apply(2.0) > p.apply(-2.0));
    /// ```
    pub fn fit(f: &[f64], y: &[bool]) -> Self {
        let pos = y.iter().filter(|v| **v).count();
        let neg = y.len() - pos;
        let hi = (pos as f64 + 1.0) / (pos as f64 + 2.0);
        let lo = 1.0 / (neg as f64 + 2.0);
        let t: Vec<f64> = y.iter().map(|v| if *v { hi } else { lo }).collect();
        let loss = |a: f64, b: f64| -> f64 {
            f.iter()
                .zip(&t)
                .map(|(f, t)| {
                    let z = a * f + b;
                    t * softplus(-z) + (1.0 - t) * softplus(z)
                })
                .sum()
        };
        let mut a = 0.0;
        let mut b = libm::log((pos as f64 + 1.0) / (neg as f64 + 1.0));
        let mut current = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
            for (f, t) in f.iter().zip(&t) {
                let p = sigmoid(a * f + b);
                let d = p - t;
                let w = p * (1.0 - p);
                ga += d * f;
                gb += d;
                haa += w * f * f;
                hab += w * f;
                hbb += w;
            }
            if ga.abs() < 1e-9 && gb.abs() < 1e-9 {
                break;
            }
            let det = haa * hbb - hab * hab;
            if det <= 0.0 || !det.is_finite() {
                break;
            }
            let da = -(hbb * ga - hab * gb) / det;
            let db = -(-hab * ga + haa * gb) / det;
            let mut step = 1.0;
            let mut improved = false;
            while step >= 1e-10 {
                let (na, nb) = (a + step * da, b + step * db);
                let l = loss(na, nb);
                if l < current - 1e-4 * step * (ga * da + gb * db).abs() {
                    a = na;
                    b = nb;
                    current = l;
                    improved = true;
                    break;
                }
                step /= 2.0;
            }
            if !improved {
                break;
            }
        }
        Self {
            a,
            b,
            rows: y.len(),
            events: pos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platt_recovers_a_known_logistic_relation() {
        // Outcomes drawn exactly in proportion: at score f, a share sigmoid(2f - 1) are events.
        let (mut f, mut y) = (Vec::new(), Vec::new());
        for k in -20..=20 {
            let x = f64::from(k) / 10.0;
            let events = (sigmoid(2.0 * x - 1.0) * 200.0).round() as usize;
            for i in 0..200 {
                f.push(x);
                y.push(i < events);
            }
        }
        let p = Platt::fit(&f, &y);
        assert!((p.a - 2.0).abs() < 0.05, "{p:?}");
        assert!((p.b + 1.0).abs() < 0.05, "{p:?}");
    }

    #[test]
    fn platt_without_events_gives_the_smoothed_rate() {
        let p = Platt::fit(&[0.1, 0.2, 0.3], &[false; 3]);
        // Target 1 / (N- + 2) = 0.2 for every row.
        assert!(p.a.abs() < 1e-9, "{p:?}");
        assert!((p.apply(5.0) - 0.2).abs() < 1e-6, "{p:?}");
    }
}
