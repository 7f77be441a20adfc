//! Descriptive statistics every other module uses: the mean, the standard deviation
//! (sample or population, the caller says which) and quantiles.
//!
//! Each function keeps the arithmetic its callers had (two-pass sums in input
//! order, the median's `(a + b) / 2`), so moving a caller here changes no bit of
//! its output.

use serde::{Deserialize, Serialize};

/// Delta degrees of freedom of a standard deviation: what the sum of squares is
/// divided by, `n - ddof`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ddof {
    /// Sample standard deviation, divide by n - 1 (pandas, R, spreadsheets; default).
    #[default]
    One,
    /// Population standard deviation, divide by n.
    Zero,
}

impl Ddof {
    fn denominator(self, n: f64) -> f64 {
        match self {
            Ddof::One => n - 1.0,
            Ddof::Zero => n,
        }
    }
}

/// The arithmetic mean of `values`, `None` when there are none.
///
/// ```
/// use forma_core::stats::mean;
/// assert_eq!(mean([1.0, 2.0, 6.0]), Some(3.0));
/// assert_eq!(mean([]), None);
/// ```
pub fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// The mean, the standard deviation with `ddof` and the count of `values`, by two
/// passes (the mean first, then the squares about it).
///
/// `None` when there are no more than `ddof` values (a sample standard deviation
/// of one value is undefined; callers that want 0 there say so).
///
/// ```
/// use forma_core::stats::{mean_sd, Ddof};
/// let week = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
/// assert_eq!(mean_sd(week, Ddof::Zero), Some((5.0, 2.0, 8)));
/// assert_eq!(mean_sd([3.0], Ddof::One), None);
/// ```
pub fn mean_sd<I>(values: I, ddof: Ddof) -> Option<(f64, f64, usize)>
where
    I: IntoIterator<Item = f64>,
    I::IntoIter: Clone,
{
    let values = values.into_iter();
    let (sum, n) = values
        .clone()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    let min = match ddof {
        Ddof::One => 2,
        Ddof::Zero => 1,
    };
    if n < min {
        return None;
    }
    let mean = sum / n as f64;
    let ss: f64 = values.map(|x| (x - mean) * (x - mean)).sum();
    Some((mean, (ss / ddof.denominator(n as f64)).sqrt(), n))
}

/// Sum, mean and standard deviation of a short non-empty window, exactly
/// `(n c, c, 0)` for a window of one value `c` (pandas' rolling moments, which the
/// `acwr` package uses, do the same; the two-pass sum could leave a rounding
/// residue there, and monotony divides by it). The metrics' hot loop calls it
/// once per day, hence `inline(always)`.
#[inline(always)]
pub fn window_moments(w: &[f64], ddof: Ddof) -> (f64, f64, f64) {
    let n = w.len() as f64;
    let first = w[0];
    let mut constant = true;
    let mut sum = 0.0;
    for &x in w {
        constant &= x == first;
        sum += x;
    }
    if constant {
        return (first * n, first, 0.0);
    }
    let mean = sum / n;
    let mut ss = 0.0;
    for &x in w {
        ss += (x - mean) * (x - mean);
    }
    (sum, mean, (ss / ddof.denominator(n)).sqrt())
}

/// Quantile `q` of already sorted, non-empty `sorted`, by linear interpolation
/// between the order statistics at `q (n - 1)`: Hyndman & Fan (1996) definition 7,
/// the default of R's `quantile` and numpy's `percentile`. `q` is clamped to 0..=1.
///
/// ```
/// use forma_core::stats::sorted_quantile;
/// // numpy.percentile([1, 2, 3, 4], 25) == 1.75
/// assert_eq!(sorted_quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75);
/// ```
#[inline(always)]
pub fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// [`sorted_quantile`] of `values`, which it sorts in place; NaN when empty.
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_unstable_by(f64::total_cmp);
    sorted_quantile(values, q)
}

/// The median: the middle value, or the mean of the two middle ones, `None` when
/// empty. It is Hyndman & Fan's definition 7 at one half, written `(a + b) / 2` as
/// textbooks (and numpy's `median`) do.
///
/// ```
/// use forma_core::stats::median;
/// assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
/// assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
/// ```
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The value of already sorted, non-empty `sorted` at rank `round(q (n - 1))`, no
/// interpolation (numpy's `nearest` method, except that a half rounds away from
/// zero): the percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13) takes
/// its ends so, each end one of the resampled values.
pub fn sorted_nearest_rank(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_of_known_values() {
        assert_eq!(mean([2.0, 4.0, 9.0]), Some(5.0));
        assert_eq!(mean([-1.5]), Some(-1.5));
        assert_eq!(mean(std::iter::empty()), None);
    }

    #[test]
    fn sample_and_population_sd_of_a_textbook_set() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population SD 2, sample SD sqrt(32/7).
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let (m, pop, n) = mean_sd(x, Ddof::Zero).unwrap();
        assert_eq!((m, pop, n), (5.0, 2.0, 8));
        let (_, sample, _) = mean_sd(x, Ddof::One).unwrap();
        assert!((sample - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        assert_eq!(mean_sd([1.0], Ddof::Zero), Some((1.0, 0.0, 1)));
        assert_eq!(mean_sd([1.0], Ddof::One), None);
        assert_eq!(mean_sd(std::iter::empty(), Ddof::Zero), None);
    }

    #[test]
    fn window_moments_agree_with_mean_sd_and_are_exact_for_constants() {
        let w = [10.0, 0.0, 30.0, 25.0, 0.0, 60.0, 40.0];
        let (sum, m, sd) = window_moments(&w, Ddof::One);
        let (m2, sd2, _) = mean_sd(w, Ddof::One).unwrap();
        assert_eq!((sum, m, sd), (165.0, m2, sd2));
        assert_eq!(window_moments(&[0.1; 7], Ddof::One), (0.1 * 7.0, 0.1, 0.0));
    }

    #[test]
    fn quantiles_match_hyndman_fan_type_7() {
        // R: quantile(c(1, 3, 4, 10), c(0, .1, .5, .9, 1), type = 7)
        //    = 1.0 1.6 3.5 8.2 10.0
        let mut x = vec![10.0, 1.0, 4.0, 3.0];
        let got: Vec<f64> = [0.0, 0.1, 0.5, 0.9, 1.0]
            .iter()
            .map(|q| quantile(&mut x, *q))
            .collect();
        for (g, want) in got.iter().zip([1.0, 1.6, 3.5, 8.2, 10.0]) {
            assert!((g - want).abs() < 1e-12, "{g} vs {want}");
        }
        assert_eq!(sorted_quantile(&[1.0, 2.0], 2.0), 2.0);
        // numpy.percentile([1, 2, 3, 4, 5], [10, 90]) = [1.4, 4.6], the forest band's ends.
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(sorted_quantile(&xs, 0.1), 1.4);
        assert_eq!(sorted_quantile(&xs, 0.9), 4.6);
        assert!(quantile(&mut [], 0.5).is_nan());
    }

    #[test]
    fn median_and_nearest_rank() {
        assert_eq!(median(vec![5.0]), Some(5.0));
        assert_eq!(median(vec![1.0, 2.0, 3.0, 100.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
        let sorted: Vec<f64> = (0..=10).map(f64::from).collect();
        assert_eq!(sorted_nearest_rank(&sorted, 0.025), 0.0);
        assert_eq!(sorted_nearest_rank(&sorted, 0.26), 3.0);
        assert_eq!(sorted_nearest_rank(&sorted, 0.975), 10.0);
    }
}
