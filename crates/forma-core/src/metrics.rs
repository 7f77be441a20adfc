//! Load metrics over a daily load series: rolling and exponentially weighted
//! acute:chronic workload ratios, monotony and strain, week-to-week change,
//! fitness/fatigue/form (CTL, ATL, TSB), ramp rate and hard-session counts.
//!
//! Conventions where the literature leaves a choice follow the `acwr` package on
//! PyPI (MIT, version 0.1.1), checked against its source and, in the test
//! `tests/acwr_agreement.rs`, against its output:
//! - a rolling value exists only once its whole window lies inside the series
//!   (pandas `min_periods = window`); the EWMA legs likewise only from day
//!   `acute - 1` and `chronic - 1`;
//! - the EWMA is seeded with the first day's load (pandas `adjust=False`);
//! - a ratio is `inf` for positive load over zero, and undefined (`None`) for 0/0.
//!
//! Every function takes a complete daily series (rest days as 0), as built by
//! [`crate::series::DailySeries`]. Undefined values are `None`.
//!
//! A value on day d includes day d's load, as in the published definitions; a
//! decision made on the morning of d should read day d-1's values (DESIGN.md
//! "Time awareness"). No value on day d depends on any later day (a property test
//! checks this).

use serde::{Deserialize, Serialize};

use crate::series::DailySeries;
use crate::types::AthleteId;

/// How an exponentially weighted average turns a number of days `n` into its
/// smoothing constant lambda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decay {
    /// lambda = 2 / (n + 1) (Williams et al. 2017; the `acwr` default).
    #[default]
    Span,
    /// lambda = 1 - exp(-ln 2 / n): a day's weight halves every `n` days
    /// (the R package Athlytics).
    HalfLife,
}

impl Decay {
    /// The smoothing constant lambda for `n` days.
    pub fn lambda(self, n: usize) -> f64 {
        let n = n.max(1) as f64;
        match self {
            Self::Span => 2.0 / (n + 1.0),
            // `libm`: the same bits natively and in the browser.
            Self::HalfLife => 1.0 - libm::exp(-std::f64::consts::LN_2 / n),
        }
    }
}

/// Delta degrees of freedom of the standard deviation in monotony.
pub use crate::stats::Ddof;

/// Which peer's fitness/fatigue/form arithmetic to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PmcVariant {
    /// TrainingPeaks: k = 1/N; form = yesterday's fitness - yesterday's fatigue.
    #[default]
    TrainingPeaks,
    /// GoldenCheetah: k = 1 - exp(-1/N); form from yesterday's values, as in TrainingPeaks
    /// (its `PMCData.cpp` shows SB "on the following day" unless told otherwise).
    GoldenCheetah,
    /// Intervals.icu: k = 1/N; form = today's fitness - today's fatigue.
    Intervals,
}

impl PmcVariant {
    /// The daily gain k for a time constant of `days`.
    pub fn gain(self, days: f64) -> f64 {
        match self {
            Self::TrainingPeaks | Self::Intervals => 1.0 / days,
            Self::GoldenCheetah => 1.0 - libm::exp(-1.0 / days),
        }
    }
}

/// What makes a day "hard" for [`days_since_hard`] and the hard-day column.
///
/// A day with load is hard when any session on it was rated at least `rpe_at_least`
/// (CR-10 7 = "very hard"), or when its load is at least the athlete's own
/// `load_quantile` (linear interpolation, as numpy's default) of the training-day
/// loads (days with load > 0) in the `lookback_days` before it, provided at least
/// `min_training_days` such days exist. The second rule covers loads without RPE
/// (TSS, TRIMP) and athletes who rate everything alike.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HardDay {
    /// A session RPE at or above this makes the day hard (7).
    pub rpe_at_least: f64,
    /// The athlete's own load quantile that makes a day hard (0.75).
    pub load_quantile: f64,
    /// Days before today whose training-day loads set that quantile (28).
    pub lookback_days: usize,
    /// Training days needed in the lookback for the load rule (4).
    pub min_training_days: usize,
}

impl Default for HardDay {
    fn default() -> Self {
        Self {
            rpe_at_least: 7.0,
            load_quantile: 0.75,
            lookback_days: 28,
            min_training_days: 4,
        }
    }
}

/// Every parameter of the load metrics, with DESIGN.md defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsOptions {
    /// Acute window in days (7).
    pub acute_days: usize,
    /// Chronic window in days (28); must exceed `acute_days`.
    pub chronic_days: usize,
    /// EWMA smoothing parameterisation (span).
    pub decay: Decay,
    /// Monotony window in days (7).
    pub monotony_days: usize,
    /// Monotony standard deviation (ddof 1).
    pub ddof: Ddof,
    /// Block length of the week-to-week change (7).
    pub week_days: usize,
    /// Fitness/fatigue/form arithmetic (TrainingPeaks).
    pub pmc: PmcVariant,
    /// Fitness (CTL) time constant in days (42).
    pub ctl_days: f64,
    /// Fatigue (ATL) time constant in days (7).
    pub atl_days: f64,
    /// CTL on the day before the first day (0).
    pub ctl_start: f64,
    /// ATL on the day before the first day (0).
    pub atl_start: f64,
    /// Ramp rate looks this many days back (7).
    pub ramp_days: usize,
    /// Definition of a hard day.
    pub hard: HardDay,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        Self {
            acute_days: 7,
            chronic_days: 28,
            decay: Decay::Span,
            monotony_days: 7,
            ddof: Ddof::One,
            week_days: 7,
            pmc: PmcVariant::TrainingPeaks,
            ctl_days: 42.0,
            atl_days: 7.0,
            ctl_start: 0.0,
            atl_start: 0.0,
            ramp_days: 7,
            hard: HardDay::default(),
        }
    }
}

/// `a / c` with the `acwr` conventions: `inf` (or `-inf`) for non-zero over zero,
/// undefined for 0/0.
#[inline(always)]
pub fn ratio(a: f64, c: f64) -> Option<f64> {
    let r = a / c;
    (!r.is_nan()).then_some(r)
}

/// A sum over a sliding window, compensated (Neumaier) so that adding and
/// removing days for years does not drift, and exactly 0 when the window holds
/// only zeros (so 0/0 stays undefined rather than becoming tiny/tiny).
#[derive(Debug, Clone, Copy, Default)]
struct WindowSum {
    sum: f64,
    compensation: f64,
    nonzero: usize,
}

impl WindowSum {
    #[inline(always)]
    fn add(&mut self, x: f64) {
        if x != 0.0 {
            self.nonzero += 1;
            self.kahan(x);
        }
    }

    #[inline(always)]
    fn remove(&mut self, x: f64) {
        if x != 0.0 {
            self.nonzero -= 1;
            self.kahan(-x);
            if self.nonzero == 0 {
                self.sum = 0.0;
                self.compensation = 0.0;
            }
        }
    }

    #[inline(always)]
    fn kahan(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    #[inline(always)]
    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Slides a window of `window` days ending on each day; calls `f(day, sum)` once full.
/// With `lag`, the window ends `lag` days before the day.
fn sliding_sums(load: &[f64], window: usize, lag: usize, mut f: impl FnMut(usize, f64)) {
    let mut s = WindowSum::default();
    for i in 0..load.len() {
        if i >= lag {
            s.add(load[i - lag]);
        }
        if i >= lag + window {
            s.remove(load[i - lag - window]);
        }
        if i + 1 >= lag + window {
            f(i, s.value());
        }
    }
}

/// Rolling mean over the `window` days ending on each day (inclusive), defined once
/// the window is full. The acute load (window 7) and the coupled chronic load
/// (window 28) of Hulin et al. 2014 and Gabbett 2016.
///
/// ```
/// use forma_core::metrics::rolling_mean;
/// let m = rolling_mean(&[1.0, 2.0, 3.0, 4.0], 3);
/// assert_eq!(m, [None, None, Some(2.0), Some(3.0)]);
/// ```
pub fn rolling_mean(load: &[f64], window: usize) -> Vec<Option<f64>> {
    let mut out = vec![None; load.len()];
    if window > 0 {
        sliding_sums(load, window, 0, |i, s| out[i] = Some(s / window as f64));
    }
    out
}

/// Coupled rolling ACWR ("rac", Hulin et al. 2014; Gabbett 2016):
/// mean(last `acute` days) / mean(last `chronic` days), both windows ending today,
/// so today's load sits in both. Defined from day `chronic - 1`.
///
/// ```
/// use forma_core::metrics::coupled_acwr;
/// let load = [[50.0; 28].as_slice(), &[100.0; 7]].concat();
/// assert_eq!(coupled_acwr(&load, 7, 28)[34], Some(1.6));
/// ```
pub fn coupled_acwr(load: &[f64], acute: usize, chronic: usize) -> Vec<Option<f64>> {
    let a = rolling_mean(load, acute);
    let c = rolling_mean(load, chronic);
    a.iter().zip(&c).map(|(a, c)| ratio((*a)?, (*c)?)).collect()
}

/// Uncoupled chronic load (Lolli et al. 2019): mean of the `chronic - acute` days
/// before the acute window, so acute and chronic share no day. Defined from day
/// `chronic - 1`.
pub fn uncoupled_chronic(load: &[f64], acute: usize, chronic: usize) -> Vec<Option<f64>> {
    let window = chronic.saturating_sub(acute);
    let mut out = vec![None; load.len()];
    if window > 0 {
        sliding_sums(load, window, acute, |i, s| out[i] = Some(s / window as f64));
    }
    out
}

/// Uncoupled rolling ACWR ("rau", Lolli et al. 2019): acute mean / [`uncoupled_chronic`].
///
/// ```
/// use forma_core::metrics::uncoupled_acwr;
/// let load = [[50.0; 28].as_slice(), &[100.0; 7]].concat();
/// assert_eq!(uncoupled_acwr(&load, 7, 28)[34], Some(2.0));
/// ```
pub fn uncoupled_acwr(load: &[f64], acute: usize, chronic: usize) -> Vec<Option<f64>> {
    let a = rolling_mean(load, acute);
    let c = uncoupled_chronic(load, acute, chronic);
    a.iter().zip(&c).map(|(a, c)| ratio((*a)?, (*c)?)).collect()
}

/// One step of an exponentially weighted mean, arranged as pandas'
/// `ewm(adjust=False)` does it so that results agree to the last bits:
/// `y = ((1 - l) y + l x) / ((1 - l) + l)`, unchanged when `x == y`.
#[inline(always)]
fn ewma_step(previous: f64, x: f64, lambda: f64) -> f64 {
    if previous == x {
        return x;
    }
    let old = 1.0 - lambda;
    (old * previous + lambda * x) / (old + lambda)
}

/// Exponentially weighted moving average of load (Williams et al. 2017):
/// `EWMA_t = lambda * load_t + (1 - lambda) * EWMA_{t-1}`, seeded with the first
/// day's load, with lambda from [`Decay::lambda`] for `days`. Reported from day
/// `min_days - 1` (the `acwr` package uses the window length).
pub fn ewma(load: &[f64], days: usize, decay: Decay, min_days: usize) -> Vec<Option<f64>> {
    let lambda = decay.lambda(days);
    let mut out = vec![None; load.len()];
    let mut y = 0.0;
    for (i, x) in load.iter().enumerate() {
        y = if i == 0 { *x } else { ewma_step(y, *x, lambda) };
        if i + 1 >= min_days {
            out[i] = Some(y);
        }
    }
    out
}

/// EWMA ACWR (Williams et al. 2017): EWMA over `acute` days / EWMA over `chronic`
/// days, defined from day `chronic - 1` as in the `acwr` package.
pub fn ewma_acwr(load: &[f64], acute: usize, chronic: usize, decay: Decay) -> Vec<Option<f64>> {
    let a = ewma(load, acute, decay, acute);
    let c = ewma(load, chronic, decay, chronic);
    a.iter().zip(&c).map(|(a, c)| ratio((*a)?, (*c)?)).collect()
}

/// Training monotony (Foster 1998): mean daily load / standard deviation over the
/// `window` days ending today. `inf` for an even week with load, undefined for a
/// week of rest.
///
/// ```
/// use forma_core::metrics::{monotony, Ddof};
/// let week = [0.0, 80.0, 40.0, 0.0, 90.0, 60.0, 80.0];
/// let m = monotony(&week, 7, Ddof::One)[6].unwrap();
/// assert!((m - 1.321).abs() < 1e-3);
/// assert_eq!(monotony(&[50.0; 7], 7, Ddof::One)[6], Some(f64::INFINITY));
/// ```
pub fn monotony(load: &[f64], window: usize, ddof: Ddof) -> Vec<Option<f64>> {
    let mut out = vec![None; load.len()];
    if window >= 2 {
        for i in window - 1..load.len() {
            let (_, mean, sd) = crate::stats::window_moments(&load[i + 1 - window..=i], ddof);
            out[i] = ratio(mean, sd);
        }
    }
    out
}

/// Training strain (Foster 1998): load summed over the `window` days ending today
/// x [`monotony`].
pub fn strain(load: &[f64], window: usize, ddof: Ddof) -> Vec<Option<f64>> {
    let mut out = vec![None; load.len()];
    if window >= 2 {
        for i in window - 1..load.len() {
            let (sum, mean, sd) = crate::stats::window_moments(&load[i + 1 - window..=i], ddof);
            out[i] = ratio(mean, sd).map(|m| sum * m);
        }
    }
    out
}

#[inline(always)]
fn percent_change(current: f64, previous: f64) -> Option<f64> {
    ratio(current - previous, previous).map(|r| r * 100.0)
}

/// Week-to-week change in percent: (sum of the last `window` days - sum of the
/// `window` days before) / the latter x 100 (Gabbett 2016; `acwr.week_to_week_change`).
/// `inf` after a week of rest, undefined after two. Defined from day `2 * window - 1`.
pub fn week_change_pct(load: &[f64], window: usize) -> Vec<Option<f64>> {
    let mut current = vec![None; load.len()];
    if window > 0 {
        sliding_sums(load, window, 0, |i, s| current[i] = Some(s));
    }
    (0..load.len())
        .map(|i| {
            let previous = current.get(i.checked_sub(window)?).copied().flatten()?;
            percent_change(current[i]?, previous)
        })
        .collect()
}

/// Fitness (CTL), fatigue (ATL) and form (TSB), one value per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pmc {
    /// Fitness (chronic training load).
    pub ctl: Vec<f64>,
    /// Fatigue (acute training load).
    pub atl: Vec<f64>,
    /// Form (training stress balance), per the PMC variant.
    pub tsb: Vec<f64>,
}

/// Performance-management chart (Banister et al. 1975's impulse-response model as
/// TrainingPeaks, GoldenCheetah and Intervals.icu compute it):
/// `CTL_t = CTL_{t-1} + k_ctl (load_t - CTL_{t-1})`, likewise ATL, with k from
/// [`PmcVariant::gain`]; TSB per the variant. CTL and ATL equal `ctl_start` and
/// `atl_start` on the day before the first day.
///
/// ```
/// use forma_core::metrics::{pmc, PmcVariant};
/// let p = pmc(&[42.0, 0.0], PmcVariant::TrainingPeaks, 42.0, 7.0, 0.0, 0.0);
/// assert_eq!(p.ctl, [1.0, 1.0 - 1.0 / 42.0]);
/// assert_eq!(p.tsb[1], 1.0 - 6.0); // yesterday's CTL 1 minus yesterday's ATL 6
/// ```
pub fn pmc(
    load: &[f64],
    variant: PmcVariant,
    ctl_days: f64,
    atl_days: f64,
    ctl_start: f64,
    atl_start: f64,
) -> Pmc {
    let (k_ctl, k_atl) = (variant.gain(ctl_days), variant.gain(atl_days));
    let mut out = Pmc {
        ctl: Vec::with_capacity(load.len()),
        atl: Vec::with_capacity(load.len()),
        tsb: Vec::with_capacity(load.len()),
    };
    let (mut ctl, mut atl) = (ctl_start, atl_start);
    for x in load {
        let yesterday = ctl - atl;
        ctl += k_ctl * (x - ctl);
        atl += k_atl * (x - atl);
        out.ctl.push(ctl);
        out.atl.push(atl);
        out.tsb.push(match variant {
            PmcVariant::Intervals => ctl - atl,
            PmcVariant::TrainingPeaks | PmcVariant::GoldenCheetah => yesterday,
        });
    }
    out
}

/// Ramp rate: CTL today - CTL `days` ago (TrainingPeaks' weekly ramp for 7),
/// defined from day `days`.
pub fn ramp_rate(ctl: &[f64], days: usize) -> Vec<Option<f64>> {
    (0..ctl.len())
        .map(|i| Some(ctl[i] - ctl[i.checked_sub(days)?]))
        .collect()
}

/// Which days are hard under `rule` (see [`HardDay`]).
pub fn hard_days(series: &DailySeries, rule: &HardDay) -> Vec<bool> {
    (0..series.len())
        .map(|i| is_hard(series, i, rule))
        .collect()
}

/// Whether day `i` is hard. The quantile test needs no sort: with `n` training
/// days before, the quantile sits between the order statistics `lo = floor(q (n-1))`
/// and `hi = ceil(q (n-1))`, so counting the days at or below today's load
/// settles it, and only when today falls between those two does it need their
/// values (the largest at or below today, the smallest above), found in the same pass.
#[inline(always)]
fn is_hard(series: &DailySeries, i: usize, rule: &HardDay) -> bool {
    let load = series.load[i];
    if load <= 0.0 {
        return false;
    }
    if series.max_rpe[i].is_some_and(|r| r >= rule.rpe_at_least) {
        return true;
    }
    let window = &series.load[i.saturating_sub(rule.lookback_days)..i];
    // Counting only, so the loop has no data-dependent branch and vectorises.
    let (mut n, mut at_or_below) = (0usize, 0usize);
    for &x in window {
        let training = x > 0.0;
        n += usize::from(training);
        at_or_below += usize::from(training & (x <= load));
    }
    if n < rule.min_training_days.max(1) {
        return false;
    }
    let pos = rule.load_quantile.clamp(0.0, 1.0) * (n - 1) as f64;
    // `as` truncates, which is floor for pos >= 0 (and avoids a libm call on
    // targets without a rounding instruction).
    let lo = pos as usize;
    let hi = lo + usize::from((lo as f64) < pos);
    if at_or_below > hi {
        true
    } else if at_or_below <= lo {
        false
    } else {
        // Exactly lo + 1 days at or below today: they are order statistics 0..=lo,
        // so the largest of them is statistic lo and the smallest above is hi.
        let (mut below_max, mut above_min) = (f64::NEG_INFINITY, f64::INFINITY);
        for &x in window {
            if x > 0.0 && x <= load && x > below_max {
                below_max = x;
            } else if x > load && x < above_min {
                above_min = x;
            }
        }
        load >= below_max + (above_min - below_max) * (pos - lo as f64)
    }
}

/// Days since the last hard day up to and including today (0 when today is hard);
/// undefined before the first hard day.
pub fn days_since_hard(hard: &[bool]) -> Vec<Option<u32>> {
    let mut last = None;
    hard.iter()
        .enumerate()
        .map(|(i, h)| {
            if *h {
                last = Some(i);
            }
            last.map(|l| u32::try_from(i - l).unwrap_or(u32::MAX))
        })
        .collect()
}

/// Sessions in the `window` days ending today, defined once the window is full.
pub fn sessions_in_window(sessions: &[u32], window: usize) -> Vec<Option<u32>> {
    let mut out = vec![None; sessions.len()];
    let mut sum = 0u32;
    for i in 0..sessions.len() {
        sum += sessions[i];
        if i >= window {
            sum -= sessions[i - window];
        }
        if window > 0 && i + 1 >= window {
            out[i] = Some(sum);
        }
    }
    out
}

/// Every load metric for one athlete's series, one entry per day in each column.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DailyMetrics {
    /// Whose metrics these are (`None` before the first computation).
    pub athlete_id: Option<AthleteId>,
    /// The first day (`None` before the first computation).
    pub start: Option<jiff::civil::Date>,
    /// Daily load.
    pub load: Vec<f64>,
    /// Rolling mean load of the acute window.
    pub acute_rac: Vec<Option<f64>>,
    /// Rolling mean load of the chronic window (coupled).
    pub chronic_rac: Vec<Option<f64>>,
    /// Coupled rolling ACWR.
    pub acwr_rac: Vec<Option<f64>>,
    /// Mean load of the chronic days before the acute window (uncoupled).
    pub chronic_rau: Vec<Option<f64>>,
    /// Uncoupled rolling ACWR.
    pub acwr_rau: Vec<Option<f64>>,
    /// Exponentially weighted acute load.
    pub acute_ewma: Vec<Option<f64>>,
    /// Exponentially weighted chronic load.
    pub chronic_ewma: Vec<Option<f64>>,
    /// EWMA ACWR.
    pub acwr_ewma: Vec<Option<f64>>,
    /// Training monotony.
    pub monotony: Vec<Option<f64>>,
    /// Training strain.
    pub strain: Vec<Option<f64>>,
    /// Change of the last week against the one before, percent.
    pub week_change_pct: Vec<Option<f64>>,
    /// Fitness (chronic training load).
    pub ctl: Vec<f64>,
    /// Fatigue (acute training load).
    pub atl: Vec<f64>,
    /// Form (training stress balance), per the PMC variant.
    pub tsb: Vec<f64>,
    /// CTL change over the ramp window.
    pub ramp_rate: Vec<Option<f64>>,
    /// Whether the day was hard (see [`HardDay`]).
    pub hard: Vec<bool>,
    /// Days since the last hard day (0 = today).
    pub days_since_hard: Vec<Option<u32>>,
    /// Sessions in the last 7 days.
    pub sessions_7d: Vec<Option<u32>>,
    /// Whether anything was recorded on the day.
    pub observed: Vec<bool>,
}

impl DailyMetrics {
    /// Computes every column in one pass over `series`.
    pub fn compute(series: &DailySeries, options: &MetricsOptions) -> Self {
        let mut m = Self::default();
        m.compute_into(series, options);
        m
    }

    /// As [`DailyMetrics::compute`], reusing this value's buffers (no allocation
    /// once they are large enough).
    // `inline`: compiled in the calling crate, so that the server's native build
    // optimises this loop for speed while the browser's stays small.
    #[inline]
    pub fn compute_into(&mut self, series: &DailySeries, o: &MetricsOptions) {
        let n = series.len();
        let load = &series.load;
        self.athlete_id = Some(series.athlete_id.clone());
        self.start = Some(series.start);
        reset(&mut self.load, n, 0.0);
        self.load.copy_from_slice(load);
        for col in [
            &mut self.acute_rac,
            &mut self.chronic_rac,
            &mut self.acwr_rac,
            &mut self.chronic_rau,
            &mut self.acwr_rau,
            &mut self.acute_ewma,
            &mut self.chronic_ewma,
            &mut self.acwr_ewma,
            &mut self.monotony,
            &mut self.strain,
            &mut self.week_change_pct,
            &mut self.ramp_rate,
        ] {
            reset(col, n, None);
        }
        for col in [&mut self.ctl, &mut self.atl, &mut self.tsb] {
            reset(col, n, 0.0);
        }
        reset(&mut self.hard, n, false);
        reset(&mut self.days_since_hard, n, None);
        reset(&mut self.sessions_7d, n, None);
        reset(&mut self.observed, n, false);
        self.observed.copy_from_slice(&series.observed);

        let (acute, chronic) = (o.acute_days.max(1), o.chronic_days.max(1));
        let gap = chronic.saturating_sub(acute);
        let week = o.week_days.max(1);
        let (l_acute, l_chronic) = (o.decay.lambda(acute), o.decay.lambda(chronic));
        let (k_ctl, k_atl) = (o.pmc.gain(o.ctl_days), o.pmc.gain(o.atl_days));
        let mut acute_sum = WindowSum::default();
        let mut chronic_sum = WindowSum::default();
        let mut rau_sum = WindowSum::default();
        let mut week_sum = WindowSum::default();
        let mut previous_week_sum = WindowSum::default();
        let (mut e_acute, mut e_chronic) = (0.0, 0.0);
        let (mut ctl, mut atl) = (o.ctl_start, o.atl_start);
        let mut sessions_sum = 0u32;
        let mut last_hard = None;
        // Plain slices in the loop: indexing a slice needs no call even where the
        // optimiser inlines little (the browser build optimises for size).
        let load = &load[..n];
        let sessions = &series.sessions[..n];
        let Self {
            acute_rac,
            chronic_rac,
            acwr_rac,
            chronic_rau,
            acwr_rau,
            acute_ewma,
            chronic_ewma,
            acwr_ewma,
            monotony,
            strain,
            week_change_pct,
            ctl: ctl_col,
            atl: atl_col,
            tsb,
            ramp_rate,
            hard: hard_col,
            days_since_hard,
            sessions_7d,
            ..
        } = self;
        let (acute_rac, chronic_rac, acwr_rac) = (
            &mut acute_rac[..n],
            &mut chronic_rac[..n],
            &mut acwr_rac[..n],
        );
        let (chronic_rau, acwr_rau) = (&mut chronic_rau[..n], &mut acwr_rau[..n]);
        let (acute_ewma, chronic_ewma, acwr_ewma) = (
            &mut acute_ewma[..n],
            &mut chronic_ewma[..n],
            &mut acwr_ewma[..n],
        );
        let (monotony, strain, week_change_pct) = (
            &mut monotony[..n],
            &mut strain[..n],
            &mut week_change_pct[..n],
        );
        let (ctl_col, atl_col, tsb, ramp_rate) = (
            &mut ctl_col[..n],
            &mut atl_col[..n],
            &mut tsb[..n],
            &mut ramp_rate[..n],
        );
        let (hard_col, days_since_hard, sessions_7d) = (
            &mut hard_col[..n],
            &mut days_since_hard[..n],
            &mut sessions_7d[..n],
        );

        for i in 0..n {
            let x = load[i];
            // Rolling sums: each window adds today (or its lagged day) and drops the
            // day that falls out.
            acute_sum.add(x);
            chronic_sum.add(x);
            week_sum.add(x);
            if i >= acute {
                acute_sum.remove(load[i - acute]);
                rau_sum.add(load[i - acute]);
            }
            if i >= chronic {
                chronic_sum.remove(load[i - chronic]);
            }
            if i >= acute + gap {
                rau_sum.remove(load[i - acute - gap]);
            }
            if i >= week {
                week_sum.remove(load[i - week]);
                previous_week_sum.add(load[i - week]);
            }
            if i >= 2 * week {
                previous_week_sum.remove(load[i - 2 * week]);
            }
            let a = if i + 1 >= acute {
                Some(acute_sum.value() / acute as f64)
            } else {
                None
            };
            let c = if i + 1 >= chronic {
                Some(chronic_sum.value() / chronic as f64)
            } else {
                None
            };
            let u = if gap > 0 && i + 1 >= chronic {
                Some(rau_sum.value() / gap as f64)
            } else {
                None
            };
            acute_rac[i] = a;
            chronic_rac[i] = c;
            acwr_rac[i] = opt_ratio(a, c);
            chronic_rau[i] = u;
            acwr_rau[i] = opt_ratio(a, u);

            if i == 0 {
                (e_acute, e_chronic) = (x, x);
            } else {
                e_acute = ewma_step(e_acute, x, l_acute);
                e_chronic = ewma_step(e_chronic, x, l_chronic);
            }
            let ea = if i + 1 >= acute { Some(e_acute) } else { None };
            let ec = if i + 1 >= chronic {
                Some(e_chronic)
            } else {
                None
            };
            acute_ewma[i] = ea;
            chronic_ewma[i] = ec;
            acwr_ewma[i] = opt_ratio(ea, ec);

            if o.monotony_days >= 2 && i + 1 >= o.monotony_days {
                let (sum, mean, sd) =
                    crate::stats::window_moments(&load[i + 1 - o.monotony_days..=i], o.ddof);
                let m = ratio(mean, sd);
                monotony[i] = m;
                strain[i] = m.map(|m| sum * m);
            } else {
                monotony[i] = None;
                strain[i] = None;
            }
            week_change_pct[i] = if i + 1 >= 2 * week {
                percent_change(week_sum.value(), previous_week_sum.value())
            } else {
                None
            };

            let yesterday_form = ctl - atl;
            ctl += k_ctl * (x - ctl);
            atl += k_atl * (x - atl);
            ctl_col[i] = ctl;
            atl_col[i] = atl;
            tsb[i] = match o.pmc {
                PmcVariant::Intervals => ctl - atl,
                PmcVariant::TrainingPeaks | PmcVariant::GoldenCheetah => yesterday_form,
            };
            ramp_rate[i] = if i >= o.ramp_days {
                Some(ctl - ctl_col[i - o.ramp_days])
            } else {
                None
            };

            let hard = is_hard(series, i, &o.hard);
            hard_col[i] = hard;
            if hard {
                last_hard = Some(i);
            }
            days_since_hard[i] = last_hard.map(|l| u32::try_from(i - l).unwrap_or(u32::MAX));
            sessions_sum += sessions[i];
            if i >= 7 {
                sessions_sum -= sessions[i - 7];
            }
            sessions_7d[i] = if i + 1 >= 7 { Some(sessions_sum) } else { None };
        }
    }

    /// Number of days.
    pub fn len(&self) -> usize {
        self.load.len()
    }

    /// Whether there are no days.
    pub fn is_empty(&self) -> bool {
        self.load.is_empty()
    }
}

/// [`ratio`] of two values that may be undefined.
#[inline(always)]
fn opt_ratio(a: Option<f64>, c: Option<f64>) -> Option<f64> {
    match (a, c) {
        (Some(a), Some(c)) => ratio(a, c),
        _ => None,
    }
}

/// Sizes `v` to `n`, filling only new slots: the caller overwrites every day.
fn reset<T: Clone>(v: &mut Vec<T>, n: usize, value: T) {
    v.truncate(n);
    v.resize(n, value);
}

mod csv;
pub use csv::METRICS_HEADER;

#[cfg(test)]
mod tests;
