//! Banister's training impulse (TRIMP) from heart-rate samples.

/// Which of Banister's two weightings to use: the exponential factor was fitted
/// separately to men's and women's blood-lactate curves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Weighting 0.64 · e^(1.92 · HRr).
    Male,
    /// Weighting 0.86 · e^(1.67 · HRr).
    Female,
}

/// A gap between two heart-rate samples longer than this many seconds is taken
/// as a pause (strap lost, device stopped) and adds no load. Devices on "smart
/// recording" write a sample at least every few seconds while moving.
pub const MAX_SAMPLE_GAP_S: f64 = 60.0;

/// Banister's TRIMP for one activity:
///
/// TRIMP = Σ Δt · HRr · a · e^(b · HRr), with HRr = (HR − HRrest) / (HRmax − HRrest)
/// clamped to \[0, 1\], Δt in minutes, and (a, b) = (0.64, 1.92) for men,
/// (0.86, 1.67) for women.
///
/// Sources: E. W. Banister, "Modeling elite athletic performance", in
/// MacDougall, Wenger & Green (eds.), *Physiological Testing of the
/// High-Performance Athlete*, 2nd ed., Human Kinetics, 1991, pp. 403–424; and
/// R. H. Morton, J. R. Fitz-Clarke & E. W. Banister, "Modeling human
/// performance in running", *Journal of Applied Physiology* 69(3), 1990,
/// pp. 1171–1177.
///
/// `samples` are (seconds from start, beats per minute) in time order, as in
/// [`crate::ActivitySummary::heart_rate`]. Each sample's heart rate holds until
/// the next sample (a left Riemann sum); gaps longer than [`MAX_SAMPLE_GAP_S`]
/// and samples out of time order add nothing.
///
/// Returns `None` when there are fewer than two samples, when `hr_max` is not
/// above `hr_rest`, or when an input is not a finite number.
///
/// ```
/// use forma_activity::{trimp, Sex};
///
/// // Ten minutes at 150 bpm for an athlete resting at 60 with a maximum of 180.
/// let samples: Vec<(f64, f64)> = (0..=10).map(|m| (m as f64 * 60.0, 150.0)).collect();
/// let load = trimp(&samples, 60.0, 180.0, Sex::Male).unwrap_or(0.0);
/// assert!((load - 20.259).abs() < 0.001);
///
/// // A maximum below the resting rate is not a heart-rate profile.
/// assert_eq!(trimp(&samples, 60.0, 50.0, Sex::Male), None);
/// ```
pub fn trimp(samples: &[(f64, f64)], hr_rest: f64, hr_max: f64, sex: Sex) -> Option<f64> {
    if !(hr_rest.is_finite() && hr_max.is_finite()) || hr_max <= hr_rest || samples.len() < 2 {
        return None;
    }
    let (a, b) = match sex {
        Sex::Male => (0.64, 1.92),
        Sex::Female => (0.86, 1.67),
    };
    let mut total = 0.0;
    for pair in samples.windows(2) {
        let ((t0, hr), (t1, _)) = (pair[0], pair[1]);
        if !(t0.is_finite() && t1.is_finite() && hr.is_finite()) {
            return None;
        }
        let dt_s = t1 - t0;
        if dt_s <= 0.0 || dt_s > MAX_SAMPLE_GAP_S {
            continue;
        }
        let reserve = ((hr - hr_rest) / (hr_max - hr_rest)).clamp(0.0, 1.0);
        total += dt_s / 60.0 * reserve * a * (b * reserve).exp();
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steady(minutes: u32, bpm: f64) -> Vec<(f64, f64)> {
        (0..=minutes).map(|m| (f64::from(m) * 60.0, bpm)).collect()
    }

    #[test]
    fn ten_minutes_at_three_quarters_of_reserve_matches_the_hand_computed_value() {
        // HRr = (150 - 60) / (180 - 60) = 0.75; e^(1.92 * 0.75) = e^1.44 = 4.220696;
        // per minute 0.75 * 0.64 * 4.220696 = 2.025934; ten minutes = 20.25934.
        let load = trimp(&steady(10, 150.0), 60.0, 180.0, Sex::Male);
        assert!((load.unwrap() - 20.25934).abs() < 1e-4, "{load:?}");
    }

    #[test]
    fn women_weight_the_same_effort_with_their_own_factor() {
        // 10 * 0.75 * 0.86 * e^(1.67 * 0.75) = 22.56906.
        let load = trimp(&steady(10, 150.0), 60.0, 180.0, Sex::Female);
        assert!((load.unwrap() - 22.56906).abs() < 1e-4, "{load:?}");
    }

    #[test]
    fn heart_rates_outside_rest_and_max_are_clamped() {
        let at_rest = trimp(&steady(5, 40.0), 60.0, 180.0, Sex::Male);
        assert_eq!(at_rest, Some(0.0));
        let above_max = trimp(&steady(1, 200.0), 60.0, 180.0, Sex::Male).unwrap();
        assert!((above_max - 0.64 * 1.92f64.exp()).abs() < 1e-12);
    }

    #[test]
    fn a_long_gap_between_samples_counts_as_a_pause() {
        let samples = [
            (0.0, 150.0),
            (60.0, 150.0),
            (3600.0, 150.0),
            (3660.0, 150.0),
        ];
        let with_gap = trimp(&samples, 60.0, 180.0, Sex::Male).unwrap();
        let two_minutes = trimp(&steady(2, 150.0), 60.0, 180.0, Sex::Male).unwrap();
        assert!((with_gap - two_minutes).abs() < 1e-12);
    }

    #[test]
    fn too_few_samples_or_an_impossible_profile_give_no_value() {
        assert_eq!(trimp(&[], 60.0, 180.0, Sex::Male), None);
        assert_eq!(trimp(&[(0.0, 150.0)], 60.0, 180.0, Sex::Male), None);
        assert_eq!(trimp(&steady(3, 150.0), 180.0, 180.0, Sex::Male), None);
        assert_eq!(trimp(&steady(3, 150.0), f64::NAN, 180.0, Sex::Male), None);
    }
}
